// The browser's store of E2EE secrets (docs/e2ee.md): the account key, this device's secrets,
// its prekeys' secrets, the sessions with other devices, and the account keys it has pinned
// (trust on first use), in IndexedDB, per local actor. parvis-e2ee.js must be initialised
// (init(sodium)) before a function here that encrypts, decrypts or signs is called.
//
//   import { openKeyStore } from "/static/e2ee/key-store.js";
//   const store = await openKeyStore();   // or openKeyStore({ indexedDB, name }) elsewhere
//
// IndexedDB keeps the secrets unencrypted on the device, as any origin storage does; the
// passphrase backup (section 10) is what leaves the device. Each method is one IndexedDB
// transaction, so a session is never half-updated: updateSession and acceptSetup do their
// (synchronous) cryptography inside the transaction.

import * as e2ee from "./parvis-e2ee.js";

export const DB_NAME = "parvis-e2ee";
export const DB_VERSION = 1;

const ACCOUNTS = "accounts";   // key: actor            { actor, publicKey, secretKey }
const DEVICES = "devices";     // key: actor            { actor, id, signing, identity }
const PREKEYS = "prekeys";     // key: [actor, kind, id] { actor, kind, id, publicKey, secretKey, signature }
const SESSIONS = "sessions";   // key: [actor, peer, device] { actor, peer, device, state (Session JSON), updated }
const PEERS = "peers";         // key: [actor, peer]    { actor, peer, accountKey, highestVersion, verified }
const STORES = [ACCOUNTS, DEVICES, PREKEYS, SESSIONS, PEERS];

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export async function openKeyStore({ indexedDB = globalThis.indexedDB, name = DB_NAME } = {}) {
  if (!indexedDB) throw new e2ee.E2eeError("no-storage", "IndexedDB is not available");
  const open = indexedDB.open(name, DB_VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains(ACCOUNTS)) db.createObjectStore(ACCOUNTS, { keyPath: "actor" });
    if (!db.objectStoreNames.contains(DEVICES)) db.createObjectStore(DEVICES, { keyPath: "actor" });
    if (!db.objectStoreNames.contains(PREKEYS)) db.createObjectStore(PREKEYS, { keyPath: ["actor", "kind", "id"] });
    if (!db.objectStoreNames.contains(SESSIONS)) db.createObjectStore(SESSIONS, { keyPath: ["actor", "peer", "device"] });
    if (!db.objectStoreNames.contains(PEERS)) db.createObjectStore(PEERS, { keyPath: ["actor", "peer"] });
  };
  return new KeyStore(await request(open));
}

export class KeyStore {
  constructor(db) {
    this.db = db;
  }

  close() {
    this.db.close();
  }

  // Runs fn(stores) in one transaction over `names`; resolves to fn's result once committed.
  // fn may return a promise of IndexedDB requests only (no other awaits, or the transaction
  // commits early).
  async #run(names, mode, fn) {
    const tx = this.db.transaction(names, mode);
    const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
    const finished = done(tx);
    let result;
    try {
      result = await fn(stores);
    } catch (error) {
      try { tx.abort(); } catch { /* already finished */ }
      finished.catch(() => {});
      throw error;
    }
    await finished;
    return result;
  }

  #get(name, key) {
    return this.#run([name], "readonly", (st) => request(st[name].get(key)));
  }

  #put(name, value) {
    return this.#run([name], "readwrite", (st) => request(st[name].put(value)));
  }

  // --- The account key (Ed25519) ---

  async getAccountKey(actor) {
    const row = await this.#get(ACCOUNTS, actor);
    return row ? { publicKey: row.publicKey, secretKey: row.secretKey } : null;
  }

  async putAccountKey(actor, { publicKey, secretKey }) {
    e2ee.ed25519FromSecret(secretKey);  // consistent pair
    await this.#put(ACCOUNTS, { actor, publicKey, secretKey });
  }

  // --- This device: { id, signing: {publicKey, secretKey}, identity: {publicKey, secretKey} } ---

  async getDevice(actor) {
    const row = await this.#get(DEVICES, actor);
    return row ? { id: row.id, signing: row.signing, identity: row.identity } : null;
  }

  async putDevice(actor, device) {
    await this.#put(DEVICES, { actor, id: device.id, signing: device.signing, identity: device.identity });
  }

  // --- Prekey secrets ---

  async putPrekeys(actor, kind, prekeys) {
    await this.#run([PREKEYS], "readwrite", (st) => Promise.all(prekeys.map((p) => request(st[PREKEYS].put({
      actor, kind, id: p.id, publicKey: p.publicKey, secretKey: p.secretKey, signature: p.signature,
    })))));
  }

  async getPrekey(actor, kind, id) {
    const row = await this.#get(PREKEYS, [actor, kind, id]);
    return row ? { id: row.id, publicKey: row.publicKey, secretKey: row.secretKey, signature: row.signature } : null;
  }

  async deletePrekey(actor, kind, id) {
    await this.#run([PREKEYS], "readwrite", (st) => request(st[PREKEYS].delete([actor, kind, id])));
  }

  // The ids of the stored prekeys of one kind, ascending.
  async prekeyIds(actor, kind) {
    const range = IDBKeyRange.bound([actor, kind, 0], [actor, kind, Infinity]);
    return this.#run([PREKEYS], "readonly", (st) => request(st[PREKEYS].getAllKeys(range)))
      .then((keys) => keys.map((k) => k[2]));
  }

  // --- Sessions, one per (peer actor, peer device) ---

  async getSession(actor, peer, device) {
    const row = await this.#get(SESSIONS, [actor, peer, device]);
    return row ? e2ee.Session.parse(row.state) : null;
  }

  async putSession(actor, peer, device, session) {
    await this.#put(SESSIONS, { actor, peer, device, state: session.toJSON(), updated: Date.now() });
  }

  async deleteSession(actor, peer, device) {
    await this.#run([SESSIONS], "readwrite", (st) => request(st[SESSIONS].delete([actor, peer, device])));
  }

  // The sessions of one peer actor: [{ device, session }].
  async sessionsOf(actor, peer) {
    const range = IDBKeyRange.bound([actor, peer, ""], [actor, peer, "\uffff"]);
    const rows = await this.#run([SESSIONS], "readonly", (st) => request(st[SESSIONS].getAll(range)));
    return rows.map((row) => ({ device: row.device, session: e2ee.Session.parse(row.state) }));
  }

  // Reads a session, calls fn(session) (synchronous: encrypt or decrypt), stores the changed
  // session, all in one transaction; resolves to fn's result. When fn throws, nothing is
  // stored. The session's rng, if any, is `rng`.
  async updateSession(actor, peer, device, fn, { rng } = {}) {
    return this.#run([SESSIONS], "readwrite", async (st) => {
      const row = await request(st[SESSIONS].get([actor, peer, device]));
      if (!row) throw new e2ee.E2eeError("no-session", `no session with ${peer} device ${device}`);
      const session = e2ee.Session.parse(row.state);
      if (rng) session.rng = rng;
      const result = fn(session);
      await request(st[SESSIONS].put({ actor, peer, device, state: session.toJSON(), updated: Date.now() }));
      return result;
    });
  }

  // A set-up message (type 1) from `peer`'s `device`: when a session with the same set-up
  // part exists, decrypts in it; otherwise accepts a new session with this device's identity
  // and the prekeys the message names, deletes the one-time prekey it used and stores the
  // session, in one transaction. Resolves to the (padded) plaintext.
  async receive(actor, peer, device, message, { rng } = {}) {
    const bytes = message;
    const parsed = e2ee.parseWire(bytes);
    return this.#run([DEVICES, PREKEYS, SESSIONS], "readwrite", async (st) => {
      const row = await request(st[SESSIONS].get([actor, peer, device]));
      if (row) {
        const session = e2ee.Session.parse(row.state);
        if (rng) session.rng = rng;
        let plaintext = null;
        try {
          plaintext = session.decrypt(bytes);
        } catch (error) {
          if (!(parsed.type === e2ee.TYPE_SETUP && error.code === "other-session")) throw error;
        }
        if (plaintext) {
          await request(st[SESSIONS].put({ actor, peer, device, state: session.toJSON(), updated: Date.now() }));
          return plaintext;
        }
      }
      if (parsed.type !== e2ee.TYPE_SETUP) throw new e2ee.E2eeError("no-session", `no session with ${peer} device ${device}`);
      const own = await request(st[DEVICES].get(actor));
      if (!own) throw new e2ee.E2eeError("no-device", "this browser has no device keys");
      const spk = await request(st[PREKEYS].get([actor, e2ee.SIGNED_PREKEY, parsed.setup.signedPrekeyId]));
      const opk = parsed.setup.oneTimePrekeyId
        ? await request(st[PREKEYS].get([actor, e2ee.ONE_TIME_PREKEY, parsed.setup.oneTimePrekeyId]))
        : null;
      if (!spk) throw new e2ee.E2eeError("unknown-prekey", "signed prekey");
      if (parsed.setup.oneTimePrekeyId && !opk) throw new e2ee.E2eeError("unknown-prekey", "one-time prekey (used?)");
      const { session, plaintext } = e2ee.x3dhAccept({
        identity: own.identity, signedPrekey: spk, oneTimePrekey: opk, message: bytes, rng,
      });
      if (opk) await request(st[PREKEYS].delete([actor, e2ee.ONE_TIME_PREKEY, opk.id]));
      await request(st[SESSIONS].put({ actor, peer, device, state: session.toJSON(), updated: Date.now() }));
      return plaintext;
    });
  }

  // --- Peers: pinned account keys (trust on first use) and device-list versions ---

  async getPeer(actor, peer) {
    const row = await this.#get(PEERS, [actor, peer]);
    return row ? { accountKey: row.accountKey, highestVersion: row.highestVersion, verified: row.verified } : null;
  }

  // Records a peer's account key and device-list version as seen in its directory. Resolves to
  // "new" (first seen: pinned), "same", or "changed" (a different key: not stored; the UI
  // warns, and acceptPeerKey replaces it once the person agrees). Throws "rollback" for a
  // device-list version lower than one already seen.
  async observePeer(actor, peer, accountKey, version) {
    return this.#run([PEERS], "readwrite", async (st) => {
      const row = await request(st[PEERS].get([actor, peer]));
      if (!row) {
        await request(st[PEERS].put({ actor, peer, accountKey, highestVersion: version, verified: false }));
        return "new";
      }
      if (!e2ee.equalBytes(row.accountKey, accountKey)) return "changed";
      const highestVersion = e2ee.checkDeviceListVersion(row.highestVersion, version);
      if (highestVersion !== row.highestVersion) {
        await request(st[PEERS].put({ ...row, highestVersion }));
      }
      return "same";
    });
  }

  // Pins a (changed) account key; the version count starts again and `verified` is reset.
  async acceptPeerKey(actor, peer, accountKey, version) {
    await this.#put(PEERS, { actor, peer, accountKey, highestVersion: version, verified: false });
  }

  // After comparing safety numbers.
  async markVerified(actor, peer, verified = true) {
    return this.#run([PEERS], "readwrite", async (st) => {
      const row = await request(st[PEERS].get([actor, peer]));
      if (!row) throw new e2ee.E2eeError("unknown-peer", peer);
      await request(st[PEERS].put({ ...row, verified }));
    });
  }

  // --- Backup (section 10) ---

  // The backup document of this actor's account key (an object: PUT it as JSON).
  async exportBackup(actor, passphrase, { rng, opslimit, memlimit } = {}) {
    const key = await this.getAccountKey(actor);
    if (!key) throw new e2ee.E2eeError("no-account-key", "this browser does not hold the account key");
    return e2ee.sealBackup({ actorId: actor, accountSecretKey: key.secretKey, passphrase, rng,
                             ...(opslimit ? { opslimit } : {}), ...(memlimit ? { memlimit } : {}) });
  }

  // Opens a backup document with the passphrase and stores its account key. Throws
  // "bad-passphrase", or "wrong-actor" when the backup is another account's.
  async importBackup(actor, backup, passphrase) {
    const { accountKey } = e2ee.openBackup(backup, passphrase, { actorId: actor });
    await this.putAccountKey(actor, accountKey);
    return accountKey;
  }

  // Forgets everything of one local actor (logging out of a shared computer).
  async forget(actor) {
    await this.#run(STORES, "readwrite", (st) => Promise.all([
      request(st[ACCOUNTS].delete(actor)),
      request(st[DEVICES].delete(actor)),
      request(st[PREKEYS].delete(IDBKeyRange.bound([actor], [actor, []]))),
      request(st[SESSIONS].delete(IDBKeyRange.bound([actor], [actor, []]))),
      request(st[PEERS].delete(IDBKeyRange.bound([actor], [actor, []]))),
    ]));
  }
}
