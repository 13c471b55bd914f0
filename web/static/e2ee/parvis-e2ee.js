// Parvis end-to-end encrypted messages, version 1: the browser's (and Node's) implementation
// of docs/e2ee.md, on libsodium (libsodium-wrappers-sumo: the standard build lacks
// crypto_pwhash). The C++ library (protocol/e2ee_*.cc) implements the same page; the test
// vectors tests/vectors/e2ee_v1.json hold both to the same bytes.
//
// Usage:
//   import * as e2ee from "/static/e2ee/parvis-e2ee.js";
//   await e2ee.init(sodium);          // the libsodium-wrappers(-sumo) object; init awaits .ready
//
// Every function that draws randomness takes `rng`, a function (n) => Uint8Array of n bytes;
// it defaults to libsodium's randombytes_buf. Binary values are Uint8Array; in JSON they are
// base64url without padding (b64encode / b64decode).
//
// Errors are E2eeError, with a `code` (a short string) that the UI can map to a message.

let sodium = null;

// Limits of docs/e2ee.md (sections 5, 6, 7, 10).
export const LIMITS = Object.freeze({
  maxMessageBytes: 65536,   // one wire message
  maxSkipPerChain: 1000,    // message keys skipped in one receiving chain
  maxSkippedKeys: 2000,     // skipped message keys kept per session
  maxContentCharacters: 5000,
  padBlock: 256,
  minPassphraseCharacters: 12,
  // Backup parameters accepted (bounds against a hostile node's document): libsodium's
  // OPSLIMIT_MIN..OPSLIMIT_SENSITIVE and MEMLIMIT_MIN..MEMLIMIT_SENSITIVE, as in the C++ library.
  minBackupOpslimit: 1,
  maxBackupOpslimit: 4,
  minBackupMemlimit: 8192,
  maxBackupMemlimit: 1073741824,
});

export const VERSION = 1;
export const TYPE_SETUP = 1;
export const TYPE_RATCHET = 2;
export const PREFIX = "Parvis-E2EE-v1/";
export const BACKUP_AD = "Parvis-E2EE-v1/backup";
export const BACKUP_OPSLIMIT = 2;
export const BACKUP_MEMLIMIT = 67108864;

export class E2eeError extends Error {
  constructor(code, message) {
    super(message ? `${code}: ${message}` : code);
    this.name = "E2eeError";
    this.code = code;
  }
}

function fail(code, message) {
  throw new E2eeError(code, message);
}

// Sets the libsodium object (libsodium-wrappers-sumo's default export) and waits for it.
export async function init(sodiumObject) {
  if (!sodiumObject) fail("no-sodium", "libsodium is not available");
  await sodiumObject.ready;
  for (const name of ["crypto_scalarmult", "crypto_scalarmult_base", "crypto_pwhash",
                      "crypto_sign_seed_keypair", "crypto_generichash",
                      "crypto_aead_xchacha20poly1305_ietf_encrypt", "pad", "unpad"]) {
    if (typeof sodiumObject[name] !== "function") {
      fail("no-sodium", `libsodium lacks ${name} (the sumo build is needed)`);
    }
  }
  sodium = sodiumObject;
  return sodium;
}

function s() {
  if (!sodium) fail("not-initialised", "call init(sodium) first");
  return sodium;
}

export function defaultRng(n) {
  return s().randombytes_buf(n);
}

function draw(rng, n) {
  const bytes = (rng || defaultRng)(n);
  if (!(bytes instanceof Uint8Array) || bytes.length !== n) fail("bad-rng", `wanted ${n} bytes`);
  return new Uint8Array(bytes);  // a copy: the caller's buffer may be reused
}

// ---------------------------------------------------------------------------------------------
// Bytes

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

export function utf8(text) {
  return encoder.encode(text);
}

export function concat(...parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function u32(x) {
  if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) fail("bad-integer", `u32 ${x}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, x, false);
  return out;
}

export function u64(x) {
  const big = BigInt(x);
  if (big < 0n || big > 0xffffffffffffffffn) fail("bad-integer", `u64 ${x}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, big, false);
  return out;
}

function readU32(bytes, offset) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}

// lp(x) = u32(length of x) || x; a string is taken as its UTF-8 bytes.
export function lp(x) {
  const bytes = typeof x === "string" ? utf8(x) : x;
  return concat(u32(bytes.length), bytes);
}

export function equalBytes(a, b) {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function isZero(bytes) {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

export function b64encode(bytes) {
  return s().to_base64(bytes, s().base64_variants.URLSAFE_NO_PADDING);
}

// Decodes base64url without padding; rejects anything else (padding, other alphabets,
// non-canonical trailing bits) and, when `length` is given, any other length.
export function b64decode(text, length) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text)) fail("bad-base64", "not base64url");
  let bytes;
  try {
    bytes = text.length === 0 ? new Uint8Array(0)
                              : s().from_base64(text, s().base64_variants.URLSAFE_NO_PADDING);
  } catch {
    fail("bad-base64", "not canonical base64url");
  }
  if (length !== undefined && bytes.length !== length) {
    fail("bad-length", `expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Primitives (section 2)

// KDF(key, label, input, n) = crypto_generichash(n, "Parvis-E2EE-v1/" || label || 0x00 || input,
// key); key is 32 bytes, or null/empty for the unkeyed hash.
export function kdf(key, label, input, n) {
  if (key && key.length !== 0 && key.length !== 32) fail("bad-key", "KDF key must be 32 bytes");
  const message = concat(utf8(PREFIX + label), new Uint8Array([0]), input || new Uint8Array(0));
  return s().crypto_generichash(n, message, key && key.length ? key : null);
}

// X25519; an all-zero result is an error.
export function dh(secretKey, publicKey) {
  if (secretKey.length !== 32 || publicKey.length !== 32) fail("bad-key", "X25519 keys are 32 bytes");
  let out;
  try {
    out = s().crypto_scalarmult(secretKey, publicKey);
  } catch {
    fail("weak-key", "X25519 result is all zero");
  }
  if (isZero(out)) fail("weak-key", "X25519 result is all zero");
  return out;
}

function aeadEncrypt(key, nonce, plaintext, ad) {
  return s().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
}

// The plaintext, or null when the tag does not verify.
function aeadDecrypt(key, nonce, ciphertext, ad) {
  try {
    return s().crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Keys (section 3)

// An X25519 key pair: the secret is 32 random bytes, used as they are.
export function x25519FromSecret(secretKey) {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) fail("bad-key", "X25519 secret is 32 bytes");
  return { publicKey: s().crypto_scalarmult_base(secretKey), secretKey: new Uint8Array(secretKey) };
}

export function generateX25519(rng) {
  return x25519FromSecret(draw(rng, 32));
}

// An Ed25519 key pair from a 32-byte seed: secretKey is libsodium's 64 bytes (seed || public).
export function ed25519FromSeed(seed) {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) fail("bad-key", "Ed25519 seed is 32 bytes");
  const pair = s().crypto_sign_seed_keypair(seed);
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

// An Ed25519 key pair from libsodium's 64-byte secret key (checks its public half).
export function ed25519FromSecret(secretKey) {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 64) fail("bad-key", "Ed25519 secret is 64 bytes");
  const pair = ed25519FromSeed(secretKey.subarray(0, 32));
  if (!equalBytes(pair.secretKey, secretKey)) fail("bad-key", "Ed25519 secret key is inconsistent");
  return pair;
}

// The account key AK (Ed25519), from 32 random bytes (its seed).
export function generateAccountKey(rng) {
  return ed25519FromSeed(draw(rng, 32));
}

export function generateDeviceId(rng) {
  return b64encode(draw(rng, 16));
}

export function isDeviceId(id) {
  if (typeof id !== "string" || id.length !== 22) return false;
  try {
    b64decode(id, 16);
    return true;
  } catch {
    return false;
  }
}

// A new device: { id, signing: DS (Ed25519), identity: DI (X25519) }. Draws the id (16 bytes),
// DS's seed (32), DI's secret (32), in that order.
export function generateDevice(rng) {
  const id = generateDeviceId(rng);
  const signing = ed25519FromSeed(draw(rng, 32));
  const identity = generateX25519(rng);
  return { id, signing, identity };
}

export function sign(message, secretKey) {
  return s().crypto_sign_detached(message, secretKey);
}

export function verify(signature, message, publicKey) {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  try {
    return s().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

// Bytewise order of the UTF-8 text (device ids are ASCII, so this is code-unit order too).
function compareText(a, b) {
  const x = utf8(a), y = utf8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

// At most this many devices in a device list (as the C++ library; an envelope holds 64 entries).
const MAX_DEVICES = 64;

// device_list_bytes of section 3. `devices`: [{ id, signingKey, identityKey }] (Uint8Array
// keys), in any order: they are sorted by id here. Duplicate ids are an error.
export function deviceListBytes(actorId, version, devices) {
  if (typeof actorId !== "string" || actorId === "") fail("bad-device-list", "actor id");
  if (!Number.isSafeInteger(version) || version < 1) fail("bad-device-list", "version must be >= 1");
  if (devices.length > MAX_DEVICES) fail("too-long", "more than 64 devices");
  const sorted = [...devices].sort((a, b) => compareText(a.id, b.id));
  const parts = [utf8(PREFIX + "device-list"), new Uint8Array([0]), lp(actorId), u64(version),
                 u32(sorted.length)];
  for (let i = 0; i < sorted.length; i++) {
    const device = sorted[i];
    if (!isDeviceId(device.id)) fail("bad-device-list", `device id ${device.id}`);
    if (i > 0 && sorted[i - 1].id === device.id) fail("bad-device-list", `duplicate device ${device.id}`);
    if (device.signingKey?.length !== 32 || device.identityKey?.length !== 32) {
      fail("bad-device-list", "device keys are 32 bytes");
    }
    parts.push(lp(device.id), device.signingKey, device.identityKey);
  }
  return concat(...parts);
}

// The signed device list in its JSON form (section 7's "deviceList", without prekeys):
// { version, devices: [{ id, signingKey, identityKey }], signature } with base64url keys.
// Devices are listed sorted by id.
export function signDeviceList(actorId, version, devices, accountSecretKey) {
  const bytes = deviceListBytes(actorId, version, devices);
  const sorted = [...devices].sort((a, b) => compareText(a.id, b.id));
  return {
    version,
    devices: sorted.map((d) => ({ id: d.id, signingKey: b64encode(d.signingKey),
                                  identityKey: b64encode(d.identityKey) })),
    signature: b64encode(sign(bytes, accountSecretKey)),
  };
}

// Verifies a device list in its JSON form (keys base64url; other fields of each device, such
// as signedPrekey, are ignored here) against the account key. Returns
// { version, devices: [{ id, signingKey, identityKey }] } with Uint8Array keys, or throws.
// `accountPublicKey` is a Uint8Array or base64url.
export function verifyDeviceList(actorId, accountPublicKey, deviceList) {
  const ak = typeof accountPublicKey === "string" ? b64decode(accountPublicKey, 32) : accountPublicKey;
  if (!deviceList || typeof deviceList !== "object" || !Array.isArray(deviceList.devices)) {
    fail("bad-device-list", "not a device list");
  }
  const devices = deviceList.devices.map((d) => {
    if (!d || typeof d !== "object") fail("bad-device-list", "device entry");
    return { id: d.id, signingKey: b64decode(d.signingKey, 32), identityKey: b64decode(d.identityKey, 32) };
  });
  const bytes = deviceListBytes(actorId, deviceList.version, devices);
  const signature = b64decode(deviceList.signature, 64);
  if (!verify(signature, bytes, ak)) fail("bad-signature", "device list signature does not verify");
  return { version: deviceList.version, devices };
}

// Rollback check: a client remembers the highest version it has seen for an account
// (0 or undefined: none yet) and rejects a lower one. Returns the new highest version.
export function checkDeviceListVersion(highestSeen, version) {
  if (!Number.isSafeInteger(version) || version < 1) fail("bad-device-list", "version");
  if (highestSeen && version < highestSeen) {
    fail("rollback", `device list version ${version} is lower than ${highestSeen}, already seen`);
  }
  return Math.max(version, highestSeen || 0);
}

export const SIGNED_PREKEY = "signed-prekey";
export const ONE_TIME_PREKEY = "one-time-prekey";

function checkKind(kind) {
  if (kind !== SIGNED_PREKEY && kind !== ONE_TIME_PREKEY) fail("bad-prekey", `kind ${kind}`);
}

function checkPrekeyId(id) {
  if (!Number.isInteger(id) || id < 1 || id > 0xffffffff) fail("bad-prekey", `prekey id ${id}`);
}

// prekey_bytes = "Parvis-E2EE-v1/" || kind || 0x00 || lp(device id) || u32(prekey id) || public
export function prekeyBytes(kind, deviceId, prekeyId, publicKey) {
  checkKind(kind);
  checkPrekeyId(prekeyId);
  if (publicKey?.length !== 32) fail("bad-prekey", "prekey is 32 bytes");
  return concat(utf8(PREFIX + kind), new Uint8Array([0]), lp(deviceId), u32(prekeyId), publicKey);
}

export function signPrekey(kind, deviceId, prekeyId, publicKey, deviceSigningSecretKey) {
  return sign(prekeyBytes(kind, deviceId, prekeyId, publicKey), deviceSigningSecretKey);
}

// A new prekey: { id, publicKey, secretKey, signature } (draws 32 bytes).
export function generatePrekey(kind, deviceId, prekeyId, deviceSigningSecretKey, rng) {
  const pair = generateX25519(rng);
  return { id: prekeyId, ...pair,
           signature: signPrekey(kind, deviceId, prekeyId, pair.publicKey, deviceSigningSecretKey) };
}

// The JSON form of a prekey for upload: { id, key, signature }.
export function prekeyToJson(prekey) {
  return { id: prekey.id, key: b64encode(prekey.publicKey), signature: b64encode(prekey.signature) };
}

// Verifies a prekey in JSON form { id, key, signature } (or with Uint8Array key/signature);
// returns { id, publicKey } or throws.
export function verifyPrekey(kind, deviceId, prekey, deviceSigningPublicKey) {
  if (!prekey || typeof prekey !== "object") fail("bad-prekey", "missing");
  checkPrekeyId(prekey.id);
  const publicKey = typeof prekey.key === "string" ? b64decode(prekey.key, 32) : prekey.key;
  const signature = typeof prekey.signature === "string" ? b64decode(prekey.signature, 64) : prekey.signature;
  const dsPublic = typeof deviceSigningPublicKey === "string"
    ? b64decode(deviceSigningPublicKey, 32) : deviceSigningPublicKey;
  if (!verify(signature, prekeyBytes(kind, deviceId, prekey.id, publicKey), dsPublic)) {
    fail("bad-signature", `${kind} ${prekey.id} of ${deviceId} does not verify`);
  }
  return { id: prekey.id, publicKey };
}

// ---------------------------------------------------------------------------------------------
// Wire format (section 6)

function fixedLength(type) {
  return 2 + (type === TYPE_SETUP ? 40 : 0) + 40;
}

// Parses one wire message; throws on anything section 6 rejects before decryption.
// Returns { version, type, setup: { identityKey, signedPrekeyId, oneTimePrekeyId } | null,
//           header: { ratchetKey, pn, n }, ciphertext, headerBytes (everything before it) }.
export function parseWire(bytes) {
  if (!(bytes instanceof Uint8Array)) fail("bad-message", "not bytes");
  if (bytes.length > LIMITS.maxMessageBytes) fail("bad-message", "longer than 65,536 bytes");
  if (bytes.length < 2) fail("bad-message", "truncated");
  if (bytes[0] !== VERSION) fail("bad-version", `version ${bytes[0]}`);
  const type = bytes[1];
  if (type !== TYPE_SETUP && type !== TYPE_RATCHET) fail("bad-type", `type ${type}`);
  const fixed = fixedLength(type);
  if (bytes.length < fixed + 16) fail("bad-message", "truncated");
  let offset = 2;
  let setup = null;
  if (type === TYPE_SETUP) {
    setup = {
      identityKey: bytes.slice(2, 34),
      signedPrekeyId: readU32(bytes, 34),
      oneTimePrekeyId: readU32(bytes, 38),
    };
    offset = 42;
  }
  const header = {
    ratchetKey: bytes.slice(offset, offset + 32),
    pn: readU32(bytes, offset + 32),
    n: readU32(bytes, offset + 36),
  };
  return {
    version: VERSION, type, setup, header,
    headerBytes: bytes.slice(0, fixed),
    ciphertext: bytes.slice(fixed),
  };
}

// Everything before the ciphertext: version, type, set-up part (when `setup` is given: type 1),
// header.
export function writeWireHeader(setup, header) {
  const parts = [new Uint8Array([VERSION, setup ? TYPE_SETUP : TYPE_RATCHET])];
  if (setup) {
    if (setup.identityKey?.length !== 32) fail("bad-message", "identity key");
    parts.push(setup.identityKey, u32(setup.signedPrekeyId), u32(setup.oneTimePrekeyId || 0));
  }
  if (header.ratchetKey?.length !== 32) fail("bad-message", "ratchet key");
  parts.push(header.ratchetKey, u32(header.pn), u32(header.n));
  return concat(...parts);
}

export function writeWire(setup, header, ciphertext) {
  const out = concat(writeWireHeader(setup, header), ciphertext);
  if (out.length > LIMITS.maxMessageBytes) fail("too-long", "message longer than 65,536 bytes");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Plaintext (section 6)

function countCharacters(text) {
  let n = 0;
  for (const _ of text) n++;  // code points
  return n;
}

// RFC 3339 date-time ("2026-11-22T20:00:00Z"; fractions and offsets accepted, as by the C++
// library's ParseRfc3339); newPlaintext writes whole seconds in UTC.
const SENT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

function isRfc3339(text) {
  if (text.length > 64) return false;
  const m = SENT_PATTERN.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 60) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

// At most this many recipients in a message's "to" (as in an envelope, section 7).
const MAX_RECIPIENTS = 64;

function checkPlaintextObject(m) {
  if (!m || typeof m !== "object" || Array.isArray(m)) fail("bad-plaintext", "not an object");
  if (typeof m.id !== "string") fail("bad-plaintext", "id");
  b64decode(m.id, 16);
  if (typeof m.from !== "string" || m.from === "") fail("bad-plaintext", "from");
  if (!Array.isArray(m.to) || m.to.length === 0 || !m.to.every((t) => typeof t === "string" && t !== "")) {
    fail("bad-plaintext", "to");
  }
  if (m.to.length > MAX_RECIPIENTS) fail("too-long", "more than 64 recipients");
  if (typeof m.sent !== "string" || !isRfc3339(m.sent)) fail("bad-plaintext", "sent");
  if (typeof m.content !== "string") fail("bad-plaintext", "content");
  if (countCharacters(m.content) > LIMITS.maxContentCharacters) fail("too-long", "content over 5,000 characters");
}

// A new message object; draws the 16-byte id. `sent` defaults to now (seconds, UTC).
export function newPlaintext({ from, to, content, sent, rng }) {
  const m = {
    id: b64encode(draw(rng, 16)),
    from,
    to: [...to],
    sent: sent || new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    content,
  };
  checkPlaintextObject(m);
  return m;
}

// The JSON bytes of a message (keys in the order of section 6), unpadded.
export function plaintextJson(m) {
  checkPlaintextObject(m);
  return utf8(JSON.stringify({ id: m.id, from: m.from, to: m.to, sent: m.sent, content: m.content }));
}

export function pad(bytes) {
  return s().pad(bytes, LIMITS.padBlock);
}

export function unpad(bytes) {
  if (bytes.length === 0 || bytes.length % LIMITS.padBlock !== 0) fail("bad-padding", "length");
  try {
    return s().unpad(bytes, LIMITS.padBlock);
  } catch {
    fail("bad-padding", "invalid padding");
  }
}

// The message's JSON bytes: what Session.encrypt takes (it pads them itself).
export function encodePlaintext(m) {
  return plaintextJson(m);
}

// The inverse, on what Session.decrypt returns: decodes strict UTF-8, parses, checks fields.
export function decodePlaintext(bytes) {
  let m;
  try {
    m = JSON.parse(strictDecoder.decode(bytes));
  } catch {
    fail("bad-plaintext", "not UTF-8 JSON");
  }
  checkPlaintextObject(m);
  return { id: m.id, from: m.from, to: m.to, sent: m.sent, content: m.content };
}

// The receiving checks of section 6: `from` is the actor that delivered the message, the
// sending device is in that actor's current device list, and the id is new in this
// conversation (`seenIds`: a Set, which this adds the id to).
export function acceptIncoming(m, { deliveredBy, senderDevice, currentDeviceIds, seenIds }) {
  if (m.from !== deliveredBy) fail("wrong-sender", `from ${m.from}, delivered by ${deliveredBy}`);
  if (currentDeviceIds && !currentDeviceIds.includes(senderDevice)) {
    fail("unknown-device", `device ${senderDevice} is not in ${deliveredBy}'s device list`);
  }
  if (seenIds) {
    if (seenIds.has(m.id)) fail("replayed", `message ${m.id} already seen`);
    seenIds.add(m.id);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Double Ratchet (section 5)

export function kdfRk(rk, dhOut) {
  const out = kdf(rk, "root", dhOut, 64);
  return [out.slice(0, 32), out.slice(32, 64)];
}

export function kdfCk(ck) {
  return [kdf(ck, "message-key", null, 32), kdf(ck, "chain-key", null, 32)];
}

export function messageKeyMaterial(mk) {
  const out = kdf(mk, "aead", null, 56);
  return { key: out.slice(0, 32), nonce: out.slice(32, 56) };
}

function skippedKey(ratchetKey, n) {
  return `${b64encode(ratchetKey)}.${n}`;
}

const copy = (x) => (x ? new Uint8Array(x) : null);

// A pairwise session between two devices. Create one with x3dhInitiate or x3dhAccept, or
// parse a stored one with Session.parse. encrypt takes the plaintext (the section 6 JSON, as
// bytes or a string: encodePlaintext makes it) and pads it to 256-byte blocks; decrypt returns
// it unpadded (decodePlaintext reads it). decrypt changes the session only when the message's
// tag verifies and its padding is valid.
export class Session {
  constructor(state) {
    Object.assign(this, state);
    this.rng = state.rng || null;
  }

  clone() {
    return new Session({
      role: this.role,
      ad: copy(this.ad),
      localIdentityKey: copy(this.localIdentityKey),
      remoteIdentityKey: copy(this.remoteIdentityKey),
      setup: this.setup ? { identityKey: copy(this.setup.identityKey),
                            signedPrekeyId: this.setup.signedPrekeyId,
                            oneTimePrekeyId: this.setup.oneTimePrekeyId } : null,
      rootKey: copy(this.rootKey),
      sendingRatchet: { publicKey: copy(this.sendingRatchet.publicKey),
                        secretKey: copy(this.sendingRatchet.secretKey) },
      receivingRatchetKey: copy(this.receivingRatchetKey),
      sendingChainKey: copy(this.sendingChainKey),
      receivingChainKey: copy(this.receivingChainKey),
      ns: this.ns, nr: this.nr, pn: this.pn,
      received: this.received,
      skipped: new Map([...this.skipped].map(([k, v]) => [k, copy(v)])),
      rng: this.rng,
    });
  }

  // Whether the next message will be a set-up message (type 1).
  get sendsSetup() {
    return this.role === "initiator" && !this.received;
  }

  // Encrypts one plaintext (Uint8Array or string; padded here); returns the wire message.
  encrypt(message) {
    if (typeof message === "string") message = utf8(message);
    if (!(message instanceof Uint8Array)) fail("bad-plaintext", "not bytes");
    const plaintext = pad(message);
    if (!this.sendingChainKey) fail("no-chain", "session cannot send yet");
    if (this.ns >= 0xffffffff) fail("exhausted", "sending chain exhausted");
    const [mk, nextCk] = kdfCk(this.sendingChainKey);
    const header = { ratchetKey: this.sendingRatchet.publicKey, pn: this.pn, n: this.ns };
    const headerBytes = writeWireHeader(this.sendsSetup ? this.setup : null, header);
    const fixed = headerBytes.length;
    if (fixed + plaintext.length + 16 > LIMITS.maxMessageBytes) fail("too-long", "message too long");
    const { key, nonce } = messageKeyMaterial(mk);
    const ciphertext = aeadEncrypt(key, nonce, plaintext, concat(this.ad, headerBytes));
    this.sendingChainKey = nextCk;
    this.ns += 1;
    return concat(headerBytes, ciphertext);
  }

  // Decrypts one wire message; returns the plaintext, unpadded. Throws E2eeError and leaves
  // the session as it was when the message is malformed, replayed, or does not verify.
  // `rng` (or this.rng) gives the 32 bytes of a new ratchet key when the message starts a
  // new DH ratchet step.
  decrypt(bytes, { rng } = {}) {
    const message = parseWire(bytes);
    const next = this.clone();
    const plaintext = next.#decryptInto(message, rng || this.rng);
    Object.assign(this, next);
    return plaintext;
  }

  #decryptInto(message, rng) {
    const { header, setup } = message;
    if (message.type === TYPE_SETUP) {
      // The initiator resends its set-up part until it hears back; a set-up message for
      // another set-up is another session.
      if (this.role !== "responder" || !this.setup ||
          !equalBytes(setup.identityKey, this.setup.identityKey) ||
          setup.signedPrekeyId !== this.setup.signedPrekeyId ||
          setup.oneTimePrekeyId !== this.setup.oneTimePrekeyId) {
        fail("other-session", "set-up message for another session");
      }
    }
    const ad = concat(this.ad, message.headerBytes);

    // A skipped message key?
    const skippedId = skippedKey(header.ratchetKey, header.n);
    const skipped = this.skipped.get(skippedId);
    if (skipped) {
      const { key, nonce } = messageKeyMaterial(skipped);
      const plaintext = aeadDecrypt(key, nonce, message.ciphertext, ad);
      if (!plaintext) fail("bad-tag", "message does not verify");
      const unpadded = unpad(plaintext);
      this.skipped.delete(skippedId);
      this.received = true;
      return unpadded;
    }

    let step = false;
    if (!this.receivingRatchetKey || !equalBytes(header.ratchetKey, this.receivingRatchetKey)) {
      this.#skip(header.pn);
      this.pn = this.ns;
      this.ns = 0;
      this.nr = 0;
      this.receivingRatchetKey = header.ratchetKey;
      [this.rootKey, this.receivingChainKey] =
        kdfRk(this.rootKey, dh(this.sendingRatchet.secretKey, this.receivingRatchetKey));
      step = true;
    } else if (!this.receivingChainKey) {
      fail("bad-message", "no receiving chain for this ratchet key");
    } else if (header.n < this.nr) {
      fail("replayed", "message key already used");
    }
    this.#skip(header.n);
    if (this.nr >= 0xffffffff) fail("exhausted", "receiving chain exhausted");
    const [mk, nextCk] = kdfCk(this.receivingChainKey);
    const { key, nonce } = messageKeyMaterial(mk);
    const plaintext = aeadDecrypt(key, nonce, message.ciphertext, ad);
    if (!plaintext) fail("bad-tag", "message does not verify");
    const unpadded = unpad(plaintext);
    this.receivingChainKey = nextCk;
    this.nr += 1;
    if (step) {
      // The second half of the DH ratchet step; drawn only once the message has verified,
      // so a rejected message consumes no randomness.
      this.sendingRatchet = generateX25519(rng);
      [this.rootKey, this.sendingChainKey] =
        kdfRk(this.rootKey, dh(this.sendingRatchet.secretKey, this.receivingRatchetKey));
    }
    this.received = true;
    return unpadded;
  }

  #skip(until) {
    if (this.nr + LIMITS.maxSkipPerChain < until) fail("too-many-skipped", `skips to ${until}`);
    if (!this.receivingChainKey) return;
    while (this.nr < until) {
      const [mk, nextCk] = kdfCk(this.receivingChainKey);
      this.skipped.set(skippedKey(this.receivingRatchetKey, this.nr), mk);
      this.receivingChainKey = nextCk;
      this.nr += 1;
      while (this.skipped.size > LIMITS.maxSkippedKeys) {
        this.skipped.delete(this.skipped.keys().next().value);  // the oldest
      }
    }
  }

  // A JSON-ready object holding the whole state (secret keys included: store it as such).
  toJSON() {
    const b = (x) => (x ? b64encode(x) : null);
    return {
      version: 1,
      role: this.role,
      ad: b(this.ad),
      localIdentityKey: b(this.localIdentityKey),
      remoteIdentityKey: b(this.remoteIdentityKey),
      setup: this.setup ? { identityKey: b(this.setup.identityKey),
                            signedPrekeyId: this.setup.signedPrekeyId,
                            oneTimePrekeyId: this.setup.oneTimePrekeyId } : null,
      rootKey: b(this.rootKey),
      sendingRatchet: { publicKey: b(this.sendingRatchet.publicKey),
                        secretKey: b(this.sendingRatchet.secretKey) },
      receivingRatchetKey: b(this.receivingRatchetKey),
      sendingChainKey: b(this.sendingChainKey),
      receivingChainKey: b(this.receivingChainKey),
      ns: this.ns, nr: this.nr, pn: this.pn,
      received: this.received,
      // Oldest first, so the order of eviction survives a round trip.
      skipped: [...this.skipped].map(([k, mk]) => {
        const dot = k.lastIndexOf(".");
        return { ratchetKey: k.slice(0, dot), n: Number(k.slice(dot + 1)), key: b64encode(mk) };
      }),
    };
  }

  serialize() {
    return JSON.stringify(this.toJSON());
  }

  // From serialize()'s text or toJSON()'s object; checks every field.
  static parse(json) {
    const o = typeof json === "string" ? JSON.parse(json) : json;
    const bad = (what) => fail("bad-session", what);
    if (!o || o.version !== 1) bad("version");
    if (o.role !== "initiator" && o.role !== "responder") bad("role");
    const key = (x, n, nullable) => {
      if (x === null || x === undefined) {
        if (!nullable) bad("missing key");
        return null;
      }
      return b64decode(x, n);
    };
    const count = (x) => {
      if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) bad("counter");
      return x;
    };
    const skipped = new Map();
    if (!Array.isArray(o.skipped) || o.skipped.length > LIMITS.maxSkippedKeys) bad("skipped");
    for (const e of o.skipped) skipped.set(skippedKey(key(e.ratchetKey, 32), count(e.n)), key(e.key, 32));
    let setup = null;
    if (o.setup) {
      setup = { identityKey: key(o.setup.identityKey, 32),
                signedPrekeyId: count(o.setup.signedPrekeyId),
                oneTimePrekeyId: count(o.setup.oneTimePrekeyId) };
    }
    if (o.role === "initiator" && !setup) bad("initiator without set-up");
    if (typeof o.received !== "boolean") bad("received");
    const sending = { publicKey: key(o.sendingRatchet?.publicKey, 32),
                      secretKey: key(o.sendingRatchet?.secretKey, 32) };
    if (!equalBytes(s().crypto_scalarmult_base(sending.secretKey), sending.publicKey)) bad("ratchet key pair");
    return new Session({
      role: o.role,
      ad: key(o.ad, 64),
      localIdentityKey: key(o.localIdentityKey, 32),
      remoteIdentityKey: key(o.remoteIdentityKey, 32),
      setup,
      rootKey: key(o.rootKey, 32),
      sendingRatchet: sending,
      receivingRatchetKey: key(o.receivingRatchetKey, 32, true),
      sendingChainKey: key(o.sendingChainKey, 32, true),
      receivingChainKey: key(o.receivingChainKey, 32, true),
      ns: count(o.ns), nr: count(o.nr), pn: count(o.pn),
      received: o.received,
      skipped,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// X3DH (section 4)

const X3DH_PAD = new Uint8Array(32).fill(0xff);

export function x3dhSecret(dhs) {
  return kdf(null, "x3dh", concat(X3DH_PAD, ...dhs), 32);
}

function asKey(x, n) {
  return typeof x === "string" ? b64decode(x, n) : x;
}

// Starts a session from this device (`identity`: DI_A, { publicKey, secretKey }) to a device
// of another account, from its bundle:
//   remote = { deviceId, signingKey (DS_B), identityKey (DI_B),   // from the VERIFIED device list
//              signedPrekey: { id, key, signature },
//              oneTimePrekey: { id, key, signature } | null }
// Keys may be Uint8Array or base64url. Checks both prekey signatures, then draws EK_A
// (32 bytes). Returns an initiator Session: its messages are set-up messages (type 1) until
// one arrives from the other side.
export function x3dhInitiate({ identity, remote, rng }) {
  const ds = asKey(remote.signingKey, 32);
  const diB = asKey(remote.identityKey, 32);
  const spk = verifyPrekey(SIGNED_PREKEY, remote.deviceId, remote.signedPrekey, ds);
  const opk = remote.oneTimePrekey ? verifyPrekey(ONE_TIME_PREKEY, remote.deviceId, remote.oneTimePrekey, ds)
                                   : null;
  const ek = generateX25519(rng);
  const dhs = [dh(identity.secretKey, spk.publicKey), dh(ek.secretKey, diB), dh(ek.secretKey, spk.publicKey)];
  if (opk) dhs.push(dh(ek.secretKey, opk.publicKey));
  const sk = x3dhSecret(dhs);
  const [rootKey, sendingChainKey] = kdfRk(sk, dh(ek.secretKey, spk.publicKey));
  return new Session({
    role: "initiator",
    ad: concat(identity.publicKey, diB),
    localIdentityKey: new Uint8Array(identity.publicKey),
    remoteIdentityKey: diB,
    setup: { identityKey: new Uint8Array(identity.publicKey), signedPrekeyId: spk.id,
             oneTimePrekeyId: opk ? opk.id : 0 },
    rootKey,
    sendingRatchet: ek,
    receivingRatchetKey: spk.publicKey,
    sendingChainKey,
    receivingChainKey: null,
    ns: 0, nr: 0, pn: 0,
    received: false,
    skipped: new Map(),
    rng: rng || null,
  });
}

// The set-up part of a first message (to find the prekeys it names): { identityKey,
// signedPrekeyId, oneTimePrekeyId } (0: none), or throws when it is not a set-up message.
export function setupOf(bytes) {
  const message = parseWire(bytes);
  if (message.type !== TYPE_SETUP) fail("not-setup", "not a set-up message");
  return message.setup;
}

// Accepts a session from its first message on this device:
//   identity: DI_B { publicKey, secretKey }
//   signedPrekey: { id, publicKey, secretKey } (the SPK the message names)
//   oneTimePrekey: { id, publicKey, secretKey } | null (the OPK it names; required when it names one)
//   message: the wire bytes; rng: for the responder's first ratchet key.
// Returns { session, plaintext (unpadded), oneTimePrekeyId }. The caller deletes that OPK's secret once
// this returns (a second set-up naming it then fails: no key). Throws when the message does
// not verify; nothing is created then.
export function x3dhAccept({ identity, signedPrekey, oneTimePrekey, message, rng }) {
  const parsed = parseWire(message);
  if (parsed.type !== TYPE_SETUP) fail("not-setup", "not a set-up message");
  const setup = parsed.setup;
  if (!signedPrekey || setup.signedPrekeyId !== signedPrekey.id) fail("unknown-prekey", "signed prekey");
  if (setup.oneTimePrekeyId !== 0) {
    if (!oneTimePrekey || oneTimePrekey.id !== setup.oneTimePrekeyId) fail("unknown-prekey", "one-time prekey");
  } else if (oneTimePrekey) {
    fail("unknown-prekey", "message names no one-time prekey");
  }
  const diA = setup.identityKey;
  const ekA = parsed.header.ratchetKey;
  const dhs = [dh(signedPrekey.secretKey, diA), dh(identity.secretKey, ekA), dh(signedPrekey.secretKey, ekA)];
  if (setup.oneTimePrekeyId !== 0) dhs.push(dh(oneTimePrekey.secretKey, ekA));
  const sk = x3dhSecret(dhs);
  const spkPair = x25519FromSecret(signedPrekey.secretKey);
  const session = new Session({
    role: "responder",
    ad: concat(diA, identity.publicKey),
    localIdentityKey: new Uint8Array(identity.publicKey),
    remoteIdentityKey: new Uint8Array(diA),
    setup: { identityKey: new Uint8Array(diA), signedPrekeyId: setup.signedPrekeyId,
             oneTimePrekeyId: setup.oneTimePrekeyId },
    rootKey: sk,
    sendingRatchet: spkPair,
    receivingRatchetKey: null,
    sendingChainKey: null,
    receivingChainKey: null,
    ns: 0, nr: 0, pn: 0,
    received: false,
    skipped: new Map(),
    rng: rng || null,
  });
  const plaintext = session.decrypt(message, { rng });
  return { session, plaintext, oneTimePrekeyId: setup.oneTimePrekeyId };
}

// ---------------------------------------------------------------------------------------------
// Safety numbers (section 8)

export function fingerprint(actorId, accountPublicKey) {
  const bytes = kdf(null, "fingerprint", concat(lp(actorId), asKey(accountPublicKey, 32)), 30);
  let digits = "";
  for (let i = 0; i < 6; i++) {
    let value = 0n;
    for (let j = 0; j < 5; j++) value = (value << 8n) | BigInt(bytes[5 * i + j]);
    digits += (value % 100000n).toString().padStart(5, "0");
  }
  return digits;
}

// The 60 digits both people see.
export function safetyNumber(actorA, accountKeyA, actorB, accountKeyB) {
  const a = fingerprint(actorA, accountKeyA);
  const b = fingerprint(actorB, accountKeyB);
  return a < b ? a + b : b + a;
}

// "12345 67890 ..." in twelve groups of five.
export function formatSafetyNumber(number) {
  return number.match(/.{1,5}/g).join(" ");
}

// ---------------------------------------------------------------------------------------------
// Key backup (section 10)

function checkBackupLimits(opslimit, memlimit) {
  if (!Number.isInteger(opslimit) || opslimit < LIMITS.minBackupOpslimit || opslimit > LIMITS.maxBackupOpslimit) {
    fail("bad-backup", "opslimit out of range");
  }
  if (!Number.isInteger(memlimit) || memlimit < LIMITS.minBackupMemlimit || memlimit > LIMITS.maxBackupMemlimit) {
    fail("bad-backup", "memlimit out of range");
  }
}

function passphraseBytes(passphrase) {
  return typeof passphrase === "string" ? utf8(passphrase) : passphrase;
}

// Seals the account key: returns the backup document (an object; JSON.stringify it). Draws
// the salt (16 bytes), then the nonce (24). Refuses a passphrase under 12 characters unless
// minCharacters says otherwise.
export function sealBackup({ actorId, accountSecretKey, passphrase, rng,
                             opslimit = BACKUP_OPSLIMIT, memlimit = BACKUP_MEMLIMIT,
                             minCharacters = LIMITS.minPassphraseCharacters }) {
  if (typeof passphrase === "string" && countCharacters(passphrase) < minCharacters) {
    fail("weak-passphrase", `a passphrase has at least ${minCharacters} characters`);
  }
  ed25519FromSecret(accountSecretKey);
  checkBackupLimits(opslimit, memlimit);
  const salt = draw(rng, 16);
  const nonce = draw(rng, 24);
  const key = s().crypto_pwhash(32, passphraseBytes(passphrase), salt, opslimit, memlimit,
                                s().crypto_pwhash_ALG_ARGON2ID13);
  const plaintext = utf8(JSON.stringify({ actor: actorId, accountKey: b64encode(accountSecretKey) }));
  const ciphertext = aeadEncrypt(key, nonce, plaintext, utf8(BACKUP_AD));
  return { version: 1, kdf: "argon2id13", opslimit, memlimit, salt: b64encode(salt),
           nonce: b64encode(nonce), ciphertext: b64encode(ciphertext) };
}

// Opens a backup document (object or JSON text). Returns { actor, accountKey: { publicKey,
// secretKey } }; throws "bad-passphrase" when it does not decrypt, "wrong-actor" when
// `actorId` is given and differs.
export function openBackup(backup, passphrase, { actorId } = {}) {
  const o = typeof backup === "string" ? JSON.parse(backup) : backup;
  const bad = (what) => fail("bad-backup", what);
  if (!o || o.version !== 1) bad("version");
  if (o.kdf !== "argon2id13") bad("kdf");
  checkBackupLimits(o.opslimit, o.memlimit);
  const salt = b64decode(o.salt, 16);
  const nonce = b64decode(o.nonce, 24);
  const ciphertext = b64decode(o.ciphertext);
  if (ciphertext.length < 16) bad("ciphertext");
  const key = s().crypto_pwhash(32, passphraseBytes(passphrase), salt, o.opslimit, o.memlimit,
                                s().crypto_pwhash_ALG_ARGON2ID13);
  const plaintext = aeadDecrypt(key, nonce, ciphertext, utf8(BACKUP_AD));
  if (!plaintext) fail("bad-passphrase", "the backup does not open with this passphrase");
  let inner;
  try {
    inner = JSON.parse(strictDecoder.decode(plaintext));
  } catch {
    bad("content");
  }
  if (typeof inner?.actor !== "string" || typeof inner.accountKey !== "string") bad("content");
  if (actorId !== undefined && inner.actor !== actorId) fail("wrong-actor", `backup of ${inner.actor}`);
  return { actor: inner.actor, accountKey: ed25519FromSecret(b64decode(inner.accountKey, 64)) };
}
