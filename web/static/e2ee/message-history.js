// What the messages page keeps besides keys (those are key-store.js's): the messages this
// browser sent and received, in IndexedDB, per local actor, because the node deletes each
// ciphertext once fetched and never holds a sent message. The ids of the messages kept here
// are also the "seen" set of docs/e2ee.md section 6 (a replayed id is refused). And a
// counter of prekey ids, so that a one-time prekey id is never used twice.
//
//   import { openHistory } from "/static/e2ee/message-history.js";
//   const history = await openHistory();
//
// Like the keys, the texts are stored unencrypted on the device: anyone who can open this
// browser's profile can read them. KeyStore.forget and History.forget erase both.

export const HISTORY_DB_NAME = "parvis-e2ee-history";
const DB_VERSION = 1;

const MESSAGES = "messages";  // key: [actor, id] { actor, id, peer, from, to, sent, content, outgoing, stored }
const META = "meta";          // key: actor       { actor, nextPrekeyId }

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function run(db, names, mode, fn) {
  const tx = db.transaction(names, mode);
  const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
  const finished = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
  const result = fn(stores);
  return finished.then(() => result);
}

export async function openHistory({ indexedDB = globalThis.indexedDB, name = HISTORY_DB_NAME } = {}) {
  const open = indexedDB.open(name, DB_VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains(MESSAGES)) db.createObjectStore(MESSAGES, { keyPath: ["actor", "id"] });
    if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: "actor" });
  };
  return new History(await request(open));
}

export class History {
  constructor(db) {
    this.db = db;
  }

  // Every message of `actor`, oldest first (by their "sent" time, then by when stored).
  async messages(actor) {
    const range = IDBKeyRange.bound([actor, ""], [actor, "\uffff"]);
    const rows = await run(this.db, [MESSAGES], "readonly", (st) => request(st[MESSAGES].getAll(range)));
    return (await rows).sort((a, b) => (a.sent < b.sent ? -1 : a.sent > b.sent ? 1 : a.stored - b.stored));
  }

  async has(actor, id) {
    const row = await run(this.db, [MESSAGES], "readonly", (st) => request(st[MESSAGES].get([actor, id])));
    return Boolean(await row);
  }

  // Stores a message: { id, peer, from, to, sent, content, outgoing }.
  async add(actor, message) {
    await run(this.db, [MESSAGES], "readwrite",
              (st) => request(st[MESSAGES].put({ ...message, actor, stored: Date.now() })));
  }

  // The next unused prekey id (from `atLeast` on), reserving `count` ids.
  async reservePrekeyIds(actor, count, atLeast = 1) {
    return run(this.db, [META], "readwrite", async (st) => {
      const row = (await request(st[META].get(actor))) || { actor, nextPrekeyId: 1 };
      const first = Math.max(row.nextPrekeyId, atLeast);
      await request(st[META].put({ ...row, nextPrekeyId: first + count }));
      return first;
    }).then((first) => first);
  }

  async forget(actor) {
    await run(this.db, [MESSAGES, META], "readwrite", (st) => Promise.all([
      request(st[MESSAGES].delete(IDBKeyRange.bound([actor, ""], [actor, "\uffff"]))),
      request(st[META].delete(actor)),
    ]));
  }
}
