// The /messages page (web/templates/messages.html): sets this browser up as a device of the
// signed-in account, then sends, receives and shows encrypted messages (docs/e2ee.md). It
// mirrors the C++ client (server/messaging/msg_client.cc): trust on first use of each
// account key, sessions per device (the account's own other devices included), set-up
// messages accepted with the prekeys they name, acknowledgement, prekeys replenished,
// devices revoked, the key backed up with a passphrase.
//
// Secrets live in IndexedDB (key-store.js; texts in message-history.js) and never leave the
// browser: the node receives public keys, signatures and ciphertexts. Texts go into the page
// with textContent only. The page passes its translated strings as data-* attributes of
// #msg-strings, the actor and the node in #messages-app, the anti-forgery token in
// <meta name="csrf-token"> (sent as X-Parvis-CSRF on every request that changes something).

import { loadE2ee } from "./load-sodium.js";
import { openKeyStore } from "./key-store.js";
import { openHistory } from "./message-history.js";

const POLL_MS = 3000;
const PREKEY_BATCH = 20;
const PREKEY_LOW_WATER = 10;
const PREKEY_CHECK_POLLS = 10;
const SIGNED_PREKEY_ID = 1;

const root = document.getElementById("messages-app");
const strings = document.getElementById("msg-strings")?.dataset ?? {};
const actor = root?.dataset.actor;
const baseUrl = root?.dataset.baseUrl;
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
const $ = (id) => document.getElementById(id);

let e2ee;        // parvis-e2ee.js, initialised
let keys;        // KeyStore
let messageLog;  // History (message-history.js)
let device;      // this browser's device { id, signing, identity }
let pollTimer = null;

// Peers whose key changed: actor -> { accountKey, version, held } until accepted.
const changedKeys = new Map();
// Safety-number state per peer shown: actor -> { number, verified }.
const peerInfo = new Map();

// ---------------------------------------------------------------------------------------------
// Strings and status

function t(name, values = {}) {
  const text = strings[name] ?? name;
  return text.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : `{${key}}`));
}

function status(text) {
  $("msg-status").textContent = text;
}

function showError(text) {
  $("msg-error").textContent = text;
}

class AppError extends Error {
  constructor(message) {
    super(message);
    this.name = "AppError";
  }
}

function explain(error) {
  if (error instanceof AppError) return error.message;
  if (error?.code === "bad-passphrase") return t("err_bad_passphrase");
  if (error?.code === "weak-passphrase") return t("err_short_passphrase");
  if (error?.code === "too-long") return t("err_too_long");
  return t("err_generic", { error: error?.message ?? String(error) });
}

// One operation at a time: sending, polling and the buttons all read and advance sessions.
let queue = Promise.resolve();
function serially(fn) {
  const next = queue.then(fn, fn);
  queue = next.catch(() => {});
  return next;
}

// Runs a user action: clears the error, shows a failure.
function action(fn) {
  return async (event) => {
    event?.preventDefault();
    showError("");
    try {
      await serially(fn);
    } catch (error) {
      console.warn("Parvis messages:", error);
      showError(explain(error));
      // A key change found on the way shows its warning at once.
      if (changedKeys.size && messageLog) await render().catch(() => {});
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The node's API (docs/e2ee.md section 11)

class ApiError extends Error {
  constructor(status, message) {
    super(`${status}: ${message}`);
    this.status = status;
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-Parvis-CSRF"] = csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json?.error ?? text.slice(0, 200));
  return json;
}

// `who`'s key directory as published, or null when it has none (404).
async function fetchDirectory(who) {
  try {
    return await api("GET", `/api/e2ee/directory?actor=${encodeURIComponent(who)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

// `who`'s directory, its device list verified with its account key and checked against the
// pinned key (pinned the first time). Returns { accountKey, version, devices: [{ id,
// signingKey, identityKey }] }, or throws; a changed key is recorded in changedKeys.
async function trustedDirectory(who) {
  const directory = await fetchDirectory(who);
  if (!directory) throw new AppError(t("err_not_found", { actor: who }));
  if (directory.owner !== who) throw new AppError(t("err_not_found", { actor: who }));
  const accountKey = e2ee.b64decode(directory.accountKey, 32);
  const list = e2ee.verifyDeviceList(who, accountKey, directory.deviceList);
  const seen = await keys.observePeer(actor, who, accountKey, list.version);
  if (seen === "changed") {
    if (who === actor) throw new AppError(t("err_own_key_changed"));
    const before = changedKeys.get(who);
    changedKeys.set(who, { accountKey, version: list.version, held: before?.held ?? 0 });
    await refreshPeer(who);
    throw new AppError(t("err_key_changed", { actor: who }));
  }
  changedKeys.delete(who);
  return { accountKey, version: list.version, devices: list.devices };
}

// ---------------------------------------------------------------------------------------------
// Setting up this browser (sections 3 and 9)

function generatePrekeys(first, count) {
  const out = [];
  for (let id = first; id < first + count; id++) {
    out.push(e2ee.generatePrekey(e2ee.ONE_TIME_PREKEY, device.id, id, device.signing.secretKey));
  }
  return out;
}

async function publish(accountKey, version, devices, reset) {
  const body = {
    accountKey: e2ee.b64encode(accountKey.publicKey),
    deviceList: e2ee.signDeviceList(actor, version, devices, accountKey.secretKey),
  };
  if (reset) body.reset = true;
  await api("POST", "/api/e2ee/publish", body);
}

// Creates this device's keys around `accountKey` (new or restored), publishes the list with
// `others` and this device at `version`, uploads the prekeys. Secrets are stored first: a
// device whose secrets are lost must not be published.
async function becomeDevice(accountKey, others, version, reset) {
  await keys.forget(actor);
  await keys.putAccountKey(actor, accountKey);
  device = e2ee.generateDevice();
  await keys.putDevice(actor, device);
  const signedPrekey = e2ee.generatePrekey(e2ee.SIGNED_PREKEY, device.id, SIGNED_PREKEY_ID,
                                           device.signing.secretKey);
  await keys.putPrekeys(actor, e2ee.SIGNED_PREKEY, [signedPrekey]);
  const first = await messageLog.reservePrekeyIds(actor, PREKEY_BATCH, SIGNED_PREKEY_ID + 1);
  const oneTime = generatePrekeys(first, PREKEY_BATCH);
  await keys.putPrekeys(actor, e2ee.ONE_TIME_PREKEY, oneTime);
  const devices = [...others, { id: device.id, signingKey: device.signing.publicKey,
                                identityKey: device.identity.publicKey }];
  await publish(accountKey, version, devices, reset);
  await keys.acceptPeerKey(actor, actor, accountKey.publicKey, version);
  await keys.markVerified(actor, actor);
  await api("POST", "/api/e2ee/prekeys", {
    device: device.id,
    signedPrekey: e2ee.prekeyToJson(signedPrekey),
    oneTimePrekeys: oneTime.map(e2ee.prekeyToJson),
  });
}

async function createKeys(reset) {
  status(t("status_setting_up"));
  await becomeDevice(e2ee.generateAccountKey(), [], 1, reset);
  await start();
}

async function restoreKeys(passphrase) {
  status(t("status_restoring"));
  let backup;
  try {
    backup = await api("GET", "/api/e2ee/backup");
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new AppError(t("err_no_backup"));
    throw error;
  }
  // Argon2id takes a moment: let the status show first.
  await new Promise((resolve) => setTimeout(resolve, 30));
  const { accountKey } = e2ee.openBackup(backup, passphrase, { actorId: actor });
  const directory = await fetchDirectory(actor);
  if (!directory || directory.accountKey !== e2ee.b64encode(accountKey.publicKey)) {
    throw new AppError(t("err_own_key_changed"));
  }
  const list = e2ee.verifyDeviceList(actor, accountKey.publicKey, directory.deviceList);
  await becomeDevice(accountKey, list.devices, list.version + 1, false);
  await start();
}

// ---------------------------------------------------------------------------------------------
// Sending (sections 4, 6, 7)

// Resolves "@name@host" (or "name@host") to an actor id: this node's WebFinger for its own
// accounts; for another node, the Parvis address of the account (other servers do not speak
// this protocol), which the directory fetch then confirms. A URL is taken as it is.
async function resolveRecipient(text) {
  const value = text.trim();
  if (/^https?:\/\/\S+$/.test(value)) return value;
  const handle = /^@?([A-Za-z0-9_.-]+)@([A-Za-z0-9.-]+(?::\d+)?)$/.exec(value);
  if (!handle) throw new AppError(t("err_recipient"));
  const [, name, host] = handle;
  const own = new URL(baseUrl);
  if (host.toLowerCase() === own.host.toLowerCase()) {
    try {
      const jrd = await api("GET", `/.well-known/webfinger?resource=${encodeURIComponent(`acct:${name}@${host}`)}`);
      const self = jrd?.links?.find((l) => l.rel === "self" && /activity\+json|ld\+json/.test(l.type ?? ""));
      if (self?.href) return self.href;
    } catch {
      // Falls through to the error below.
    }
    throw new AppError(t("err_not_found", { actor: value }));
  }
  return `${own.protocol}//${host}/users/${name}`;
}

// Sessions with every listed device of `who` (but this one), claiming bundles for those
// without one; sessions with devices no longer listed are dropped (revoked devices).
async function sessionsWith(who, directory) {
  const listed = new Set(directory.devices.map((d) => d.id));
  for (const { device: id } of await keys.sessionsOf(actor, who)) {
    if (!listed.has(id)) await keys.deleteSession(actor, who, id);
  }
  const have = new Set((await keys.sessionsOf(actor, who)).map((s) => s.device));
  const missing = directory.devices.filter((d) => !(who === actor && d.id === device.id) && !have.has(d.id));
  if (missing.length) {
    const claimed = await api("POST", "/api/e2ee/claim", { actor: who, devices: missing.map((d) => d.id) });
    for (const bundle of claimed?.devices ?? []) {
      const listedDevice = directory.devices.find((d) => d.id === bundle.id);
      if (!listedDevice) continue;
      const session = e2ee.x3dhInitiate({
        identity: device.identity,
        remote: { deviceId: bundle.id, signingKey: listedDevice.signingKey, identityKey: listedDevice.identityKey,
                  signedPrekey: bundle.signedPrekey, oneTimePrekey: bundle.oneTimePrekey ?? null },
      });
      await keys.putSession(actor, who, bundle.id, session);
    }
  }
  return (await keys.sessionsOf(actor, who)).map((s) => s.device);
}

async function send(recipientText, content) {
  const recipient = await resolveRecipient(recipientText);
  if (recipient === actor) throw new AppError(t("err_recipient"));
  status(t("status_sending"));
  const message = e2ee.newPlaintext({ from: actor, to: [recipient], content });
  const bytes = e2ee.encodePlaintext(message);
  const entries = [];
  for (const who of [recipient, actor]) {
    const directory = await trustedDirectory(who);
    const devices = await sessionsWith(who, directory);
    if (who !== actor && devices.length === 0) throw new AppError(t("err_no_device", { actor: who }));
    for (const id of devices) {
      const wire = await keys.updateSession(actor, who, id, (session) => session.encrypt(bytes));
      entries.push({ actor: who, device: id, body: e2ee.b64encode(wire) });
    }
  }
  await api("POST", "/api/e2ee/messages", { to: [recipient], senderDevice: device.id, entries });
  await messageLog.add(actor, { id: message.id, peer: recipient, from: actor, to: message.to, sent: message.sent,
                             content, outgoing: true });
  await refreshPeer(recipient);
  await render();
  status(t("status_sent", { actor: recipient }));
}

// ---------------------------------------------------------------------------------------------
// Receiving (sections 4, 5, 6)

// Reads, authenticates, decrypts, stores and acknowledges what waits for this device.
async function poll() {
  const waiting = await api("GET", `/api/e2ee/messages?device=${encodeURIComponent(device.id)}`);
  const acknowledged = [];
  const directories = new Map();
  let rejected = 0;
  const news = [];
  const warningsBefore = keyWarnings();
  for (const changed of changedKeys.values()) changed.held = 0;
  for (const item of waiting?.messages ?? []) {
    const { id, from, senderDevice, body } = item;
    if (typeof id !== "string") continue;
    if (!directories.has(from)) {
      directories.set(from, await trustedDirectory(from).catch((error) => error));
    }
    const directory = directories.get(from);
    if (directory instanceof Error) {
      // Held (not acknowledged) while a changed key waits for the person's decision.
      if (changedKeys.has(from)) {
        changedKeys.get(from).held += 1;
        continue;
      }
      // Held too while the sender's node cannot be reached: it may answer later.
      if (directory instanceof ApiError && directory.status >= 500) continue;
      acknowledged.push(id);
      rejected += 1;
      continue;
    }
    acknowledged.push(id);
    try {
      const message = await receiveOne(from, senderDevice, body, directory);
      if (message) news.push(message);
    } catch (error) {
      console.warn("Parvis messages: a message was rejected:", error);
      rejected += 1;
    }
  }
  if (acknowledged.length) await api("POST", "/api/e2ee/messages/ack", { device: device.id, ids: acknowledged });
  await replenishPrekeys();
  for (const message of news) await refreshPeer(message.peer);
  // Rendered only when something changed, so that focus and screen readers are left alone.
  if (news.length || keyWarnings() !== warningsBefore) await render();
  if (news.length) status(t("status_new", { actor: news[news.length - 1].from }));
  if (rejected) showError(t("err_rejected", { count: rejected }));
}

// What the key-change warnings show, to tell whether they changed.
function keyWarnings() {
  return JSON.stringify([...changedKeys].map(([who, changed]) => [who, changed.held,
                                                                  e2ee.b64encode(changed.accountKey)]));
}

async function receiveOne(from, senderDevice, body, directory) {
  const listed = directory.devices.find((d) => d.id === senderDevice);
  if (!listed) throw new Error(`device ${senderDevice} is not in ${from}'s device list`);
  const bytes = e2ee.b64decode(body);
  const wire = e2ee.parseWire(bytes);
  // The keys the message claims must be the listed device's.
  if (wire.setup) {
    if (!e2ee.equalBytes(wire.setup.identityKey, listed.identityKey)) throw new Error("set-up identity key");
  } else {
    const session = await keys.getSession(actor, from, senderDevice);
    if (session && !e2ee.equalBytes(session.remoteIdentityKey, listed.identityKey)) throw new Error("session key");
  }
  const plaintext = await keys.receive(actor, from, senderDevice, bytes);
  const message = e2ee.decodePlaintext(plaintext);
  e2ee.acceptIncoming(message, { deliveredBy: from, senderDevice,
                                 currentDeviceIds: directory.devices.map((d) => d.id) });
  if (await messageLog.has(actor, message.id)) throw new Error(`message ${message.id} was received before`);
  // A message from one of this account's other devices belongs to its recipient's conversation.
  const peer = from === actor ? message.to.find((who) => who !== actor) : from;
  if (!peer) return null;
  const stored = { id: message.id, peer, from, to: message.to, sent: message.sent, content: message.content,
                   outgoing: from === actor };
  await messageLog.add(actor, stored);
  return stored;
}

// Tops up this device's one-time prekeys on the node when fewer than PREKEY_LOW_WATER wait
// there (claims spend them even when no message follows, so the node's count is the one that
// matters), at the first poll and then every PREKEY_CHECK_POLLS polls.
let polls = 0;
async function replenishPrekeys() {
  if (polls++ % PREKEY_CHECK_POLLS !== 0) return;
  const directory = await fetchDirectory(actor);
  const mine = directory?.deviceList?.devices?.find((d) => d.id === device.id);
  if (!mine || (mine.oneTimePrekeys ?? 0) >= PREKEY_LOW_WATER) return;
  const ids = await keys.prekeyIds(actor, e2ee.ONE_TIME_PREKEY);
  const first = await messageLog.reservePrekeyIds(actor, PREKEY_BATCH, Math.max(SIGNED_PREKEY_ID, ...ids) + 1);
  const fresh = generatePrekeys(first, PREKEY_BATCH);
  await keys.putPrekeys(actor, e2ee.ONE_TIME_PREKEY, fresh);
  await api("POST", "/api/e2ee/prekeys", { device: device.id, oneTimePrekeys: fresh.map(e2ee.prekeyToJson) });
}

function schedulePoll() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    try {
      await serially(poll);
    } catch (error) {
      console.warn("Parvis messages: polling failed:", error);
      if (error instanceof ApiError && error.status === 404) {
        // This device is no longer listed: revoked, or the key was replaced elsewhere.
        showError(t("err_revoked"));
        await keys.forget(actor);
        showSetup(await fetchDirectory(actor));
        return;
      }
    }
    schedulePoll();
  }, POLL_MS);
}

// ---------------------------------------------------------------------------------------------
// Safety numbers, verification, key changes (sections 1 and 8)

async function refreshPeer(who) {
  const pin = await keys.getPeer(actor, who);
  const own = await keys.getAccountKey(actor);
  if (!pin || !own) return;
  peerInfo.set(who, {
    number: e2ee.safetyNumber(actor, own.publicKey, who, pin.accountKey),
    verified: pin.verified,
  });
}

async function markVerified(who) {
  await keys.markVerified(actor, who);
  await refreshPeer(who);
  await render();
  status(t("status_verified", { actor: who }));
}

async function acceptKey(who) {
  const changed = changedKeys.get(who);
  if (!changed) return;
  await keys.acceptPeerKey(actor, who, changed.accountKey, changed.version);
  for (const { device: id } of await keys.sessionsOf(actor, who)) await keys.deleteSession(actor, who, id);
  changedKeys.delete(who);
  await refreshPeer(who);
  await render();
  status(t("status_key_accepted", { actor: who }));
}

// ---------------------------------------------------------------------------------------------
// Devices (section 9) and backup (section 10)

async function revoke(id) {
  if (id === device.id) return;
  if (!window.confirm(t("revoke_confirm", { device: id }))) return;
  const accountKey = await keys.getAccountKey(actor);
  const directory = await trustedDirectory(actor);
  const kept = directory.devices.filter((d) => d.id !== id);
  await publish(accountKey, directory.version + 1, kept, false);
  await keys.observePeer(actor, actor, accountKey.publicKey, directory.version + 1);
  await keys.deleteSession(actor, actor, id);
  await renderDevices();
  status(t("status_revoked", { device: id }));
}

async function backup() {
  const passphrase = $("msg-backup-passphrase").value;
  if ([...passphrase].length < 12) throw new AppError(t("err_short_passphrase"));
  if (passphrase !== $("msg-backup-again").value) throw new AppError(t("err_passphrase_mismatch"));
  status(t("status_backing_up"));
  await new Promise((resolve) => setTimeout(resolve, 30));
  const document_ = await keys.exportBackup(actor, passphrase);
  await api("PUT", "/api/e2ee/backup", document_);
  $("msg-backup-form").reset();
  status(t("status_backed_up"));
}

// ---------------------------------------------------------------------------------------------
// Rendering (textContent only)

function element(tag, { text, className, attributes } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes ?? {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function button(text, onClick, attributes = {}) {
  const node = element("button", { text, attributes: { type: "button", ...attributes } });
  node.addEventListener("click", action(onClick));
  return node;
}

function when(sent) {
  const date = new Date(sent);
  return Number.isNaN(date.getTime()) ? sent : date.toLocaleString(document.documentElement.lang || undefined);
}

async function render() {
  const all = await messageLog.messages(actor);
  const byPeer = new Map();
  for (const message of all) {
    if (!byPeer.has(message.peer)) byPeer.set(message.peer, []);
    byPeer.get(message.peer).push(message);
  }
  for (const who of changedKeys.keys()) if (!byPeer.has(who)) byPeer.set(who, []);
  const container = $("msg-conversations");
  const sections = [];
  let index = 0;
  for (const [who, messages] of byPeer) {
    if (!peerInfo.has(who)) await refreshPeer(who);
    const headingId = `msg-conversation-${index++}`;
    const section = element("section", { className: "conversation",
                                         attributes: { "aria-labelledby": headingId, "data-peer": who } });
    section.append(element("h3", { text: t("conversation_with", { actor: who }), attributes: { id: headingId } }));
    const info = peerInfo.get(who);
    const changed = changedKeys.get(who);
    if (changed) {
      const own = await keys.getAccountKey(actor);
      const fresh = e2ee.formatSafetyNumber(e2ee.safetyNumber(actor, own.publicKey, who, changed.accountKey));
      const warning = element("div", { className: "key-changed", attributes: { role: "alert" } }, [
        element("p", { text: t("key_changed", { actor: who }), className: "error" }),
        element("p", {}, [element("strong", { text: `${t("new_safety_number")}: ` }),
                          element("code", { text: fresh, className: "safety-number new-safety-number" })]),
      ]);
      if (changed.held) warning.append(element("p", { text: t("held", { count: changed.held }) }));
      warning.append(element("p", {}, [button(t("accept_key"), () => acceptKey(who))]));
      section.append(warning);
    }
    // While a key change waits, only the new key's number matters.
    if (info && !changed) {
      const details = element("div", { className: "safety" }, [
        element("p", {}, [element("strong", { text: `${t("safety_number")}: ` }),
                          element("code", { text: e2ee.formatSafetyNumber(info.number), className: "safety-number" })]),
        element("p", { text: t("safety_help", { actor: who }), className: "meta" }),
        element("p", { className: "verification" }, [
          element("span", { text: info.verified ? t("verified") : t("not_verified"),
                            className: info.verified ? "verified" : "not-verified" }),
        ]),
      ]);
      if (!info.verified) {
        details.lastChild.append(" ", button(t("mark_verified"), () => markVerified(who)));
      }
      section.append(details);
    }
    const list = element("ol", { className: "messages" });
    for (const message of messages) {
      const sender = message.outgoing ? t("you") : message.from;
      const meta = element("p", { className: "meta" }, [
        element("span", { text: sender, className: "sender" }),
        message.outgoing ? ` ${t("to", { actor: message.to.join(", ") })}` : "",
        " · ",
        element("time", { text: when(message.sent), attributes: { datetime: message.sent } }),
      ]);
      list.append(element("li", { className: message.outgoing ? "message outgoing" : "message incoming" }, [
        meta, element("p", { text: message.content, className: "content" }),
      ]));
    }
    section.append(list);
    section.append(element("p", {}, [button(t("reply", { actor: who }), () => {
      $("msg-to").value = who;
      $("msg-text").focus();
    })]));
    sections.push(section);
  }
  container.replaceChildren(...sections);
  $("msg-none").hidden = sections.length > 0;
}

async function renderDevices() {
  const directory = await trustedDirectory(actor);
  const items = directory.devices.map((d) => {
    const label = d.id === device.id ? `${t("device", { device: d.id })} (${t("this_device")})`
                                     : t("device", { device: d.id });
    const item = element("li", {}, [element("code", { text: label })]);
    if (d.id !== device.id) {
      item.append(" ", button(t("revoke", { device: d.id }), () => revoke(d.id)));
    }
    return item;
  });
  $("msg-devices").replaceChildren(...items);
}

// ---------------------------------------------------------------------------------------------
// Start

function showSetup(published) {
  clearTimeout(pollTimer);
  $("msg-main").hidden = true;
  $("msg-setup").hidden = false;
  $("msg-setup-new").hidden = Boolean(published);
  $("msg-restore-form").hidden = !published;
  $("msg-reset").hidden = !published;
  root.removeAttribute("aria-busy");
  status("");
}

async function start() {
  const directory = await fetchDirectory(actor);
  const own = await keys.getAccountKey(actor);
  if (!directory || !own || directory.accountKey !== e2ee.b64encode(own.publicKey) ||
      !directory.deviceList.devices.some((d) => d.id === device.id)) {
    showError(t("err_revoked"));
    await keys.forget(actor);
    showSetup(directory);
    return;
  }
  $("msg-setup").hidden = true;
  $("msg-main").hidden = false;
  root.setAttribute("aria-busy", "true");
  try {
    await renderDevices();
    await render();
    status(t("status_ready"));
    await poll();
  } finally {
    // Busy until the first fetch of waiting messages is done.
    root.removeAttribute("aria-busy");
    schedulePoll();
  }
}

async function main() {
  if (!root || !actor) return;
  $("msg-loading").hidden = false;
  root.setAttribute("aria-busy", "true");
  e2ee = await loadE2ee();
  $("msg-loading").hidden = true;
  if (!e2ee || !globalThis.indexedDB) {
    $("msg-unavailable").hidden = false;
    root.removeAttribute("aria-busy");
    return;
  }
  keys = await openKeyStore();
  messageLog = await openHistory();

  $("msg-create").addEventListener("click", action(() => createKeys(false)));
  $("msg-reset-button").addEventListener("click", action(async () => {
    if (window.confirm(t("reset_confirm"))) await createKeys(true);
  }));
  $("msg-restore-form").addEventListener("submit", action(async () => {
    const field = $("msg-restore-passphrase");
    await restoreKeys(field.value);
    field.value = "";
  }));
  $("msg-compose").addEventListener("submit", action(async () => {
    const text = $("msg-text").value;
    if (!text.trim()) return;
    await send($("msg-to").value, text);
    $("msg-text").value = "";
  }));
  $("msg-backup-form").addEventListener("submit", action(backup));

  device = await keys.getDevice(actor);
  if (!device) {
    showSetup(await fetchDirectory(actor));
  } else {
    await serially(start);
  }
}

main().catch((error) => {
  console.warn("Parvis messages:", error);
  showError(explain(error));
});
