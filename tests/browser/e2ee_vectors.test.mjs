// The browser's E2EE library (web/static/e2ee/parvis-e2ee.js, docs/e2ee.md) in Node, with the
// libsodium the node embeds (web/node_modules/libsodium-wrappers-sumo): it replays every case
// of tests/vectors/e2ee_v1.json (written by the C++ library) byte for byte, and checks the
// JavaScript side's own round trips and rejections. No Chromium and no node: run_test.sh
// runs it when web/node_modules is installed, whether or not tests/browser/node_modules is.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SODIUM = `${ROOT}web/node_modules/libsodium-wrappers-sumo/dist/modules-sumo-esm/libsodium-wrappers.mjs`;
// PARVIS_E2EE_VECTORS: another vectors file (to check that an altered one fails).
const VECTORS = process.env.PARVIS_E2EE_VECTORS || `${ROOT}tests/vectors/e2ee_v1.json`;

const e2ee = await import(`${ROOT}web/static/e2ee/parvis-e2ee.js`);
let sodium;

before(async () => {
  sodium = (await import(SODIUM)).default;
  await e2ee.init(sodium);
});

// A deterministic source: bytes from a counter through BLAKE2b, or a given list of chunks.
function seededRng(seed) {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 64) {
      const block = sodium.crypto_generichash(64, e2ee.utf8(`${seed}/${counter++}`), null);
      out.set(block.subarray(0, Math.min(64, n - i)), i);
    }
    return out;
  };
}

const ALICE = 'https://a.example/users/alice';
const BOB = 'https://b.example/users/bob';

function makeDevice(rng) {
  return e2ee.generateDevice(rng);
}

// Bob's device with a signed prekey and a one-time prekey; Alice's session to it.
function setUp({ withOpk = true, seed = 'setup' } = {}) {
  const rng = seededRng(seed);
  const alice = makeDevice(rng);
  const bob = makeDevice(rng);
  const spk = e2ee.generatePrekey(e2ee.SIGNED_PREKEY, bob.id, 1, bob.signing.secretKey, rng);
  const opk = withOpk ? e2ee.generatePrekey(e2ee.ONE_TIME_PREKEY, bob.id, 5, bob.signing.secretKey, rng) : null;
  const aliceSession = e2ee.x3dhInitiate({
    identity: alice.identity,
    remote: {
      deviceId: bob.id,
      signingKey: e2ee.b64encode(bob.signing.publicKey),
      identityKey: e2ee.b64encode(bob.identity.publicKey),
      signedPrekey: e2ee.prekeyToJson(spk),
      oneTimePrekey: opk ? e2ee.prekeyToJson(opk) : null,
    },
    rng,
  });
  return { rng, alice, bob, spk, opk, aliceSession };
}

function message(content, rng, from = ALICE, to = [BOB]) {
  return e2ee.encodePlaintext(e2ee.newPlaintext({ from, to, content, sent: '2026-11-22T20:00:00Z', rng }));
}

function text(plaintext) {
  return e2ee.decodePlaintext(plaintext).content;
}

function accept(ctx, wire) {
  return e2ee.x3dhAccept({ identity: ctx.bob.identity, signedPrekey: ctx.spk, oneTimePrekey: ctx.opk,
                           message: wire, rng: ctx.rng });
}

function rejects(fn, code) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof e2ee.E2eeError, `not an E2eeError: ${error}`);
    if (code) assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('round trips', () => {
  test('X3DH with and without a one-time prekey, then a conversation both ways', () => {
    for (const withOpk of [true, false]) {
      const ctx = setUp({ withOpk, seed: `conv-${withOpk}` });
      const first = ctx.aliceSession.encrypt(message('hello Bob', ctx.rng));
      assert.equal(first[1], e2ee.TYPE_SETUP);
      assert.equal((first.length - (2 + 40 + 40 + 16)) % 256, 0);
      const { session: bobSession, plaintext, oneTimePrekeyId } = accept(ctx, first);
      assert.equal(oneTimePrekeyId, withOpk ? 5 : 0);
      assert.equal(text(plaintext), 'hello Bob');
      // Alice keeps sending set-up messages until she hears back.
      const second = ctx.aliceSession.encrypt(message('still there?', ctx.rng));
      assert.equal(second[1], e2ee.TYPE_SETUP);
      assert.equal(text(bobSession.decrypt(second)), 'still there?');
      const reply = bobSession.encrypt(message('hi Alice', ctx.rng, BOB, [ALICE]));
      assert.equal(reply[1], e2ee.TYPE_RATCHET);
      assert.equal(text(ctx.aliceSession.decrypt(reply)), 'hi Alice');
      assert.equal(ctx.aliceSession.sendsSetup, false);
      for (let round = 0; round < 5; round++) {
        const a = ctx.aliceSession.encrypt(message(`a${round}`, ctx.rng));
        assert.equal(a[1], e2ee.TYPE_RATCHET);
        assert.equal(text(bobSession.decrypt(a)), `a${round}`);
        const b = bobSession.encrypt(message(`b${round}`, ctx.rng, BOB, [ALICE]));
        assert.equal(text(ctx.aliceSession.decrypt(b)), `b${round}`);
      }
    }
  });

  test('out-of-order and late messages decrypt once, across ratchet steps', () => {
    const ctx = setUp({ seed: 'order' });
    const { session: bob } = accept(ctx, ctx.aliceSession.encrypt(message('0', ctx.rng)));
    ctx.aliceSession.decrypt(bob.encrypt(message('r', ctx.rng, BOB, [ALICE])));
    const sent = [];
    for (let i = 0; i < 6; i++) sent.push(ctx.aliceSession.encrypt(message(`m${i}`, ctx.rng)));
    assert.equal(text(bob.decrypt(sent[4])), 'm4');
    assert.equal(text(bob.decrypt(sent[1])), 'm1');
    // A new ratchet step from Bob, then Alice's next chain, then her late messages.
    ctx.aliceSession.decrypt(bob.encrypt(message('r2', ctx.rng, BOB, [ALICE])));
    const next = ctx.aliceSession.encrypt(message('n0', ctx.rng));
    assert.equal(text(bob.decrypt(next)), 'n0');
    for (const i of [5, 0, 3, 2]) assert.equal(text(bob.decrypt(sent[i])), `m${i}`);
    for (const i of [0, 1, 2, 3, 4, 5]) rejects(() => bob.decrypt(sent[i]));
    assert.equal(bob.skipped.size, 0);
  });

  test('sessions survive serialise and parse, mid-conversation', () => {
    const ctx = setUp({ seed: 'serial' });
    const { session: bob0 } = accept(ctx, ctx.aliceSession.encrypt(message('0', ctx.rng)));
    const late = ctx.aliceSession.encrypt(message('late', ctx.rng));
    const now = ctx.aliceSession.encrypt(message('now', ctx.rng));
    let bob = e2ee.Session.parse(bob0.serialize());
    assert.equal(bob.serialize(), bob0.serialize());
    assert.equal(text(bob.decrypt(now)), 'now');
    bob = e2ee.Session.parse(JSON.parse(JSON.stringify(bob)));  // toJSON
    assert.equal(text(bob.decrypt(late)), 'late');
    const alice = e2ee.Session.parse(ctx.aliceSession.serialize());
    const reply = bob.encrypt(message('r', ctx.rng, BOB, [ALICE]));
    assert.equal(text(alice.decrypt(reply, { rng: ctx.rng })), 'r');
    rejects(() => e2ee.Session.parse({ ...JSON.parse(bob.serialize()), rootKey: 'AAAA' }), 'bad-length');
    rejects(() => e2ee.Session.parse({ ...JSON.parse(bob.serialize()), version: 2 }), 'bad-session');
  });

  test('plaintext: padded to 256-byte blocks, fields checked, 5,000 characters at most', () => {
    const rng = seededRng('plain');
    const padded = e2ee.pad(message('x', rng));
    assert.equal(padded.length % 256, 0);
    assert.deepEqual(e2ee.unpad(padded), message('x', seededRng('plain')));
    const exactly = e2ee.newPlaintext({ from: ALICE, to: [BOB], content: '\u{1F600}'.repeat(5000), rng });
    assert.equal(e2ee.decodePlaintext(e2ee.encodePlaintext(exactly)).content, exactly.content);
    rejects(() => e2ee.newPlaintext({ from: ALICE, to: [BOB], content: 'a'.repeat(5001), rng }), 'too-long');
    rejects(() => e2ee.newPlaintext({ from: ALICE, to: Array(65).fill(BOB), content: 'a', rng }), 'too-long');
    for (const sent of ['2026-11-22T20:00:00.123Z', '2026-11-22T21:00:00+01:00']) {
      e2ee.newPlaintext({ from: ALICE, to: [BOB], content: 'a', sent, rng });
    }
    for (const sent of ['2026-11-22 20:00:00Z', '2026-02-30T20:00:00Z', '2026-11-22T20:00:00', 'yesterday']) {
      rejects(() => e2ee.newPlaintext({ from: ALICE, to: [BOB], content: 'a', sent, rng }), 'bad-plaintext');
    }
    rejects(() => e2ee.unpad(new Uint8Array(256)), 'bad-padding');
    rejects(() => e2ee.unpad(new Uint8Array(255)), 'bad-padding');
    rejects(() => e2ee.decodePlaintext(e2ee.utf8('{"id":"x"}')), 'bad-base64');
    rejects(() => e2ee.decodePlaintext(new Uint8Array([0xff, 0xfe])), 'bad-plaintext');
    const seen = new Set();
    const m = e2ee.decodePlaintext(e2ee.unpad(padded));
    e2ee.acceptIncoming(m, { deliveredBy: ALICE, senderDevice: 'd', currentDeviceIds: ['d'], seenIds: seen });
    rejects(() => e2ee.acceptIncoming(m, { deliveredBy: ALICE, seenIds: seen }), 'replayed');
    rejects(() => e2ee.acceptIncoming(m, { deliveredBy: BOB }), 'wrong-sender');
    rejects(() => e2ee.acceptIncoming(m, { deliveredBy: ALICE, senderDevice: 'x', currentDeviceIds: ['d'] }),
            'unknown-device');
  });

  test('safety numbers: 60 digits, the same on both sides', () => {
    const rng = seededRng('safety');
    const a = e2ee.generateAccountKey(rng), b = e2ee.generateAccountKey(rng);
    const ab = e2ee.safetyNumber(ALICE, a.publicKey, BOB, b.publicKey);
    assert.match(ab, /^\d{60}$/);
    assert.equal(ab, e2ee.safetyNumber(BOB, b.publicKey, ALICE, a.publicKey));
    assert.notEqual(ab, e2ee.safetyNumber(ALICE, a.publicKey, BOB, e2ee.generateAccountKey(rng).publicKey));
    assert.equal(e2ee.formatSafetyNumber(ab).split(' ').length, 12);
  });
});

describe('rejections', () => {
  function conversation(seed) {
    const ctx = setUp({ seed });
    const first = ctx.aliceSession.encrypt(message('first', ctx.rng));
    const { session: bob } = accept(ctx, first);
    ctx.aliceSession.decrypt(bob.encrypt(message('r', ctx.rng, BOB, [ALICE])));
    return { ...ctx, bob, first };
  }

  test('a tampered byte anywhere is rejected and leaves the session unchanged', () => {
    const ctx = conversation('tamper');
    const wire = ctx.aliceSession.encrypt(message('secret', ctx.rng));
    const before = ctx.bob.serialize();
    for (let i = 0; i < wire.length; i += 7) {
      const bad = new Uint8Array(wire);
      bad[i] ^= 0x01;
      rejects(() => ctx.bob.decrypt(bad));
      assert.equal(ctx.bob.serialize(), before, `byte ${i}`);
    }
    assert.equal(text(ctx.bob.decrypt(wire)), 'secret');
  });

  test('a set-up message with an altered set-up part or prekey id is rejected', () => {
    const ctx = setUp({ seed: 'setup-tamper' });
    const first = ctx.aliceSession.encrypt(message('first', ctx.rng));
    for (const i of [2, 33, 37, 41]) {
      const bad = new Uint8Array(first);
      bad[i] ^= 0x01;
      assert.throws(() => accept(ctx, bad));
    }
    assert.equal(text(accept(ctx, first).plaintext), 'first');
  });

  test('replayed messages are rejected, the first one too', () => {
    const ctx = conversation('replay');
    rejects(() => ctx.bob.decrypt(ctx.first), 'replayed');
    const wire = ctx.aliceSession.encrypt(message('once', ctx.rng));
    assert.equal(text(ctx.bob.decrypt(wire)), 'once');
    rejects(() => ctx.bob.decrypt(wire), 'replayed');
    // An old message from a previous chain of Alice's finds no key.
    const reply = ctx.bob.encrypt(message('r2', ctx.rng, BOB, [ALICE]));
    ctx.aliceSession.decrypt(reply);
    rejects(() => ctx.aliceSession.decrypt(reply));
  });

  test('a one-time prekey opens one session only (the caller deletes it)', () => {
    const ctx = setUp({ seed: 'opk-once' });
    const first = ctx.aliceSession.encrypt(message('first', ctx.rng));
    const { oneTimePrekeyId } = accept(ctx, first);
    assert.equal(oneTimePrekeyId, 5);
    // Deleted: a second set-up naming it finds no key.
    rejects(() => e2ee.x3dhAccept({ identity: ctx.bob.identity, signedPrekey: ctx.spk, oneTimePrekey: null,
                                    message: first, rng: ctx.rng }), 'unknown-prekey');
  });

  test('truncated, oversized, unknown-version and unknown-type messages are rejected', () => {
    const ctx = conversation('truncate');
    const wire = ctx.aliceSession.encrypt(message('m', ctx.rng));
    const before = ctx.bob.serialize();
    for (const n of [0, 1, 2, 41, 42, 57, wire.length - 1]) {
      rejects(() => ctx.bob.decrypt(wire.slice(0, n)));
    }
    rejects(() => e2ee.parseWire(new Uint8Array(65537)), 'bad-message');
    rejects(() => e2ee.parseWire(Uint8Array.of(2, 2, ...new Uint8Array(60))), 'bad-version');
    rejects(() => e2ee.parseWire(Uint8Array.of(1, 3, ...new Uint8Array(60))), 'bad-type');
    rejects(() => e2ee.parseWire(Uint8Array.of(1, 2, ...new Uint8Array(40 + 15))), 'bad-message');
    e2ee.parseWire(Uint8Array.of(1, 2, ...new Uint8Array(40 + 16)));
    rejects(() => ctx.bob.decrypt(e2ee.concat(wire, new Uint8Array(1))), 'bad-tag');
    assert.equal(ctx.bob.serialize(), before);
  });

  test('more than 1,000 skipped messages in one chain are refused; 2,000 kept at most', () => {
    const ctx = conversation('skip');
    for (let i = 0; i < 1001; i++) ctx.aliceSession.encrypt(message('lost', ctx.rng));
    const far = ctx.aliceSession.encrypt(message('far', ctx.rng));
    rejects(() => ctx.bob.decrypt(far), 'too-many-skipped');
    // Exactly 1,000 skipped is accepted.
    const ctx2 = conversation('skip2');
    const kept = [];
    for (let i = 0; i < 1000; i++) kept.push(ctx2.aliceSession.encrypt(message(`k${i}`, ctx2.rng)));
    assert.equal(text(ctx2.bob.decrypt(ctx2.aliceSession.encrypt(message('after', ctx2.rng)))), 'after');
    assert.equal(ctx2.bob.skipped.size, 1000);
    // Two more chains of 1,000 skipped: the oldest go first, 2,000 stay.
    for (let chain = 0; chain < 2; chain++) {
      ctx2.aliceSession.decrypt(ctx2.bob.encrypt(message('turn', ctx2.rng, BOB, [ALICE])));
      for (let i = 0; i < 1000; i++) ctx2.aliceSession.encrypt(message('skip', ctx2.rng));
      ctx2.bob.decrypt(ctx2.aliceSession.encrypt(message('x', ctx2.rng)));
    }
    assert.equal(ctx2.bob.skipped.size, 2000);
    rejects(() => ctx2.bob.decrypt(kept[0]));
    const parsed = e2ee.Session.parse(ctx2.bob.serialize());
    assert.equal(parsed.skipped.size, 2000);
  });

  test('device lists: signature, version rollback, sorting, altered fields', () => {
    const rng = seededRng('devices');
    const ak = e2ee.generateAccountKey(rng);
    const devices = [makeDevice(rng), makeDevice(rng), makeDevice(rng)].map((d) => ({
      id: d.id, signingKey: d.signing.publicKey, identityKey: d.identity.publicKey,
    }));
    const list = e2ee.signDeviceList(ALICE, 3, devices, ak.secretKey);
    const sortedIds = [...devices.map((d) => d.id)].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    assert.deepEqual(list.devices.map((d) => d.id), sortedIds);
    const verified = e2ee.verifyDeviceList(ALICE, e2ee.b64encode(ak.publicKey), list);
    assert.equal(verified.devices.length, 3);
    // Order in the JSON does not matter: the bytes sort by id.
    e2ee.verifyDeviceList(ALICE, ak.publicKey, { ...list, devices: [...list.devices].reverse() });
    rejects(() => e2ee.verifyDeviceList(BOB, ak.publicKey, list), 'bad-signature');
    rejects(() => e2ee.verifyDeviceList(ALICE, ak.publicKey, { ...list, version: 4 }), 'bad-signature');
    rejects(() => e2ee.verifyDeviceList(ALICE, ak.publicKey, { ...list, devices: list.devices.slice(1) }),
            'bad-signature');
    const swapped = list.devices.map((d, i) => (i === 0 ? { ...d, identityKey: list.devices[1].identityKey } : d));
    rejects(() => e2ee.verifyDeviceList(ALICE, ak.publicKey, { ...list, devices: swapped }), 'bad-signature');
    const other = e2ee.generateAccountKey(rng);
    rejects(() => e2ee.verifyDeviceList(ALICE, other.publicKey, list), 'bad-signature');
    rejects(() => e2ee.verifyDeviceList(ALICE, ak.publicKey, { ...list, devices: [...list.devices, list.devices[0]] }),
            'bad-device-list');
    assert.equal(e2ee.checkDeviceListVersion(0, 3), 3);
    assert.equal(e2ee.checkDeviceListVersion(3, 3), 3);
    assert.equal(e2ee.checkDeviceListVersion(3, 5), 5);
    rejects(() => e2ee.checkDeviceListVersion(3, 2), 'rollback');
  });

  test('prekeys: wrong signatures and kinds are rejected at set-up', () => {
    const rng = seededRng('prekeys');
    const bob = makeDevice(rng), mallory = makeDevice(rng), alice = makeDevice(rng);
    const spk = e2ee.generatePrekey(e2ee.SIGNED_PREKEY, bob.id, 1, bob.signing.secretKey, rng);
    const opk = e2ee.generatePrekey(e2ee.ONE_TIME_PREKEY, bob.id, 2, bob.signing.secretKey, rng);
    const forged = e2ee.generatePrekey(e2ee.SIGNED_PREKEY, bob.id, 1, mallory.signing.secretKey, rng);
    const remote = (signedPrekey, oneTimePrekey) => ({
      deviceId: bob.id, signingKey: bob.signing.publicKey, identityKey: bob.identity.publicKey,
      signedPrekey: e2ee.prekeyToJson(signedPrekey), oneTimePrekey: oneTimePrekey && e2ee.prekeyToJson(oneTimePrekey),
    });
    e2ee.x3dhInitiate({ identity: alice.identity, remote: remote(spk, opk), rng });
    rejects(() => e2ee.x3dhInitiate({ identity: alice.identity, remote: remote(forged, opk), rng }), 'bad-signature');
    // A one-time prekey's signature does not pass as a signed prekey's (the kind is signed).
    rejects(() => e2ee.x3dhInitiate({ identity: alice.identity, remote: remote({ ...opk, id: 2 }, null), rng }),
            'bad-signature');
    rejects(() => e2ee.x3dhInitiate({ identity: alice.identity, remote: { ...remote(spk, opk), deviceId: mallory.id },
                                      rng }), 'bad-signature');
    const bad = { ...e2ee.prekeyToJson(spk), id: 9 };
    rejects(() => e2ee.verifyPrekey(e2ee.SIGNED_PREKEY, bob.id, bad, bob.signing.publicKey), 'bad-signature');
    rejects(() => e2ee.dh(alice.identity.secretKey, new Uint8Array(32)), 'weak-key');
  });

  test('backup: opens with the passphrase only; short passphrases refused', () => {
    const rng = seededRng('backup');
    const ak = e2ee.generateAccountKey(rng);
    // Small Argon2 parameters keep the test fast; the default is section 10's.
    const params = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
    const doc = e2ee.sealBackup({ actorId: ALICE, accountSecretKey: ak.secretKey,
                                  passphrase: 'correct horse battery staple', rng, ...params });
    assert.deepEqual(Object.keys(doc), ['version', 'kdf', 'opslimit', 'memlimit', 'salt', 'nonce', 'ciphertext']);
    const opened = e2ee.openBackup(JSON.stringify(doc), 'correct horse battery staple', { actorId: ALICE });
    assert.ok(e2ee.equalBytes(opened.accountKey.secretKey, ak.secretKey));
    rejects(() => e2ee.openBackup(doc, 'correct horse battery stapler'), 'bad-passphrase');
    rejects(() => e2ee.openBackup(doc, 'correct horse battery staple', { actorId: BOB }), 'wrong-actor');
    const tampered = { ...doc, salt: e2ee.b64encode(new Uint8Array(16)) };
    rejects(() => e2ee.openBackup(tampered, 'correct horse battery staple'), 'bad-passphrase');
    rejects(() => e2ee.openBackup({ ...doc, memlimit: 2 ** 31 }, 'correct horse battery staple'), 'bad-backup');
    rejects(() => e2ee.sealBackup({ actorId: ALICE, accountSecretKey: ak.secretKey, passphrase: 'short', rng }),
            'weak-passphrase');
    const full = e2ee.sealBackup({ actorId: ALICE, accountSecretKey: ak.secretKey,
                                   passphrase: 'correct horse battery staple', rng });
    assert.equal(full.opslimit, 2);
    assert.equal(full.memlimit, 67108864);
  });

  test('base64url: padding, other alphabets and wrong lengths are refused', () => {
    rejects(() => e2ee.b64decode('AAA=', 2), 'bad-base64');
    rejects(() => e2ee.b64decode('AA+/', 3), 'bad-base64');
    rejects(() => e2ee.b64decode('AAB', 2), 'bad-base64');
    rejects(() => e2ee.b64decode('AAA', 3), 'bad-length');
    assert.deepEqual([...e2ee.b64decode('_-8', 2)], [0xff, 0xef]);
  });
});

// The vectors' hex, and a source of randomness that replays a vector's 'random' list: each
// draw must ask for exactly the next item's length.
const hex = (bytes) => sodium.to_hex(bytes);
const unhex = (text) => (text === '' ? new Uint8Array(0) : sodium.from_hex(text));

function listRng(list, what) {
  const queue = [...(list || [])];
  const rng = (n) => {
    assert.ok(queue.length > 0, `${what}: draw of ${n} bytes beyond the vector's random list`);
    const next = unhex(queue.shift());
    assert.equal(next.length, n, `${what}: draw of ${n} bytes, the vector gives ${next.length}`);
    return next;
  };
  rng.assertUsedUp = () => assert.equal(queue.length, 0, `${what}: ${queue.length} random item(s) left unused`);
  return rng;
}

const vectors = existsSync(VECTORS) ? JSON.parse(readFileSync(VECTORS, 'utf8')) : null;
const skipVectors = vectors ? false : 'tests/vectors/e2ee_v1.json is missing (the C++ library writes it)';

describe('test vectors (tests/vectors/e2ee_v1.json, from the C++ library)', { skip: skipVectors }, () => {
  test('KDF (section 2)', () => {
    for (const c of vectors.kdf.cases) {
      assert.equal(hex(e2ee.kdf(unhex(c.key), c.label, unhex(c.input), c.n)), c.output, `${c.label}`);
    }
  });

  test('account key, devices, device list bytes and signature (section 3)', () => {
    const v = vectors.deviceList;
    const account = e2ee.ed25519FromSeed(unhex(v.accountKeySeed));
    assert.equal(hex(account.publicKey), v.accountKeyPublic);
    assert.equal(hex(account.secretKey), v.accountKeySecret);
    assert.equal(hex(e2ee.generateAccountKey(listRng([v.accountKeySeed], 'account')).publicKey), v.accountKeyPublic);
    const devices = v.devices.map((d, i) => {
      const rng = listRng(d.random, `device ${i}`);
      const device = e2ee.generateDevice(rng);
      rng.assertUsedUp();
      assert.equal(device.id, d.id, `device ${i} id`);
      assert.equal(hex(device.signing.publicKey), d.signingKey, `device ${i} signing key`);
      assert.equal(hex(device.identity.publicKey), d.identityKey, `device ${i} identity key`);
      return { id: device.id, signingKey: device.signing.publicKey, identityKey: device.identity.publicKey };
    });
    assert.equal(hex(e2ee.deviceListBytes(v.actor, v.version, devices)), v.bytes);
    const list = e2ee.signDeviceList(v.actor, v.version, devices, account.secretKey);
    assert.equal(hex(e2ee.b64decode(list.signature)), v.signature);
    const publish = JSON.parse(v.publishRequest);
    assert.equal(publish.accountKey, e2ee.b64encode(account.publicKey));
    assert.equal(JSON.stringify(publish.deviceList), JSON.stringify(list), 'publish request, byte for byte');
    assert.equal(e2ee.verifyDeviceList(v.actor, publish.accountKey, publish.deviceList).devices.length, devices.length);
    // Negative: another actor, another version, a flipped signature bit.
    assert.throws(() => e2ee.verifyDeviceList(`${v.actor}x`, publish.accountKey, publish.deviceList), /bad-signature/);
    assert.throws(() => e2ee.verifyDeviceList(v.actor, publish.accountKey, { ...publish.deviceList, version: v.version + 1 }),
                  /bad-signature/);
    const signature = e2ee.b64decode(publish.deviceList.signature);
    signature[0] ^= 1;
    assert.throws(() => e2ee.verifyDeviceList(v.actor, publish.accountKey,
                                              { ...publish.deviceList, signature: e2ee.b64encode(signature) }),
                  /bad-signature/);
  });

  test('prekey bytes and signatures (section 3)', () => {
    const v = vectors.prekeys;
    const signing = e2ee.ed25519FromSeed(unhex(v.deviceSigningSeed));
    assert.equal(hex(signing.publicKey), v.deviceSigningPublic);
    for (const c of v.cases) {
      const pair = e2ee.x25519FromSecret(unhex(c.secret));
      assert.equal(hex(pair.publicKey), c.public, `${c.kind} public`);
      assert.equal(hex(e2ee.prekeyBytes(c.kind, v.deviceId, c.id, pair.publicKey)), c.bytes, `${c.kind} bytes`);
      const generated = e2ee.generatePrekey(c.kind, v.deviceId, c.id, signing.secretKey, listRng([c.secret], c.kind));
      assert.equal(hex(generated.signature), c.signature, `${c.kind} signature`);
      const json = { id: c.id, key: e2ee.b64encode(pair.publicKey), signature: e2ee.b64encode(unhex(c.signature)) };
      e2ee.verifyPrekey(c.kind, v.deviceId, json, signing.publicKey);
      const other = c.kind === e2ee.SIGNED_PREKEY ? e2ee.ONE_TIME_PREKEY : e2ee.SIGNED_PREKEY;
      assert.throws(() => e2ee.verifyPrekey(other, v.deviceId, json, signing.publicKey), /bad-signature/);
      assert.throws(() => e2ee.verifyPrekey(c.kind, v.deviceId, { ...json, id: c.id + 1 }, signing.publicKey),
                    /bad-signature/);
    }
  });

  test('X3DH (section 4)', () => {
    for (const c of vectors.x3dh.cases) {
      const diA = e2ee.x25519FromSecret(unhex(c.initiatorIdentitySecret));
      const ek = e2ee.x25519FromSecret(unhex(c.ephemeralSecret));
      const diB = e2ee.x25519FromSecret(unhex(c.responderIdentitySecret));
      const spk = e2ee.x25519FromSecret(unhex(c.signedPrekeySecret));
      const opk = c.oneTimePrekeySecret ? e2ee.x25519FromSecret(unhex(c.oneTimePrekeySecret)) : null;
      assert.equal(hex(diA.publicKey), c.initiatorIdentityPublic);
      assert.equal(hex(ek.publicKey), c.ephemeralPublic);
      assert.equal(hex(diB.publicKey), c.responderIdentityPublic);
      assert.equal(hex(spk.publicKey), c.signedPrekeyPublic);
      if (opk) assert.equal(hex(opk.publicKey), c.oneTimePrekeyPublic);
      const initiator = [e2ee.dh(diA.secretKey, spk.publicKey), e2ee.dh(ek.secretKey, diB.publicKey),
                         e2ee.dh(ek.secretKey, spk.publicKey)];
      const responder = [e2ee.dh(spk.secretKey, diA.publicKey), e2ee.dh(diB.secretKey, ek.publicKey),
                         e2ee.dh(spk.secretKey, ek.publicKey)];
      if (opk) {
        initiator.push(e2ee.dh(ek.secretKey, opk.publicKey));
        responder.push(e2ee.dh(opk.secretKey, ek.publicKey));
      }
      assert.deepEqual(initiator.map(hex), c.dh, c.name);
      assert.deepEqual(responder.map(hex), c.dh, c.name);
      assert.equal(hex(e2ee.x3dhSecret(initiator)), c.sk, c.name);
      assert.equal(hex(e2ee.concat(diA.publicKey, diB.publicKey)), c.ad, c.name);
    }
  });

  test('a conversation, step by step: wire bytes, plaintexts and ratchet states (sections 4-6)', () => {
    const v = vectors.conversation;
    const aliceIdentity = e2ee.x25519FromSecret(unhex(v.alice.identitySecret));
    assert.equal(hex(aliceIdentity.publicKey), v.alice.identityPublic);
    const deviceRng = listRng(v.bob.deviceRandom, 'bob device');
    const bob = e2ee.generateDevice(deviceRng);
    deviceRng.assertUsedUp();
    assert.equal(bob.id, v.bob.deviceId);
    assert.equal(hex(bob.signing.publicKey), v.bob.signingPublic);
    assert.equal(hex(bob.identity.secretKey), v.bob.identitySecret);
    assert.equal(hex(bob.identity.publicKey), v.bob.identityPublic);
    const prekey = (p, kind) => {
      const made = e2ee.generatePrekey(kind, bob.id, p.id, bob.signing.secretKey, listRng([p.secret], kind));
      assert.equal(hex(made.publicKey), p.public, `${kind} public`);
      assert.equal(hex(made.signature), p.signature, `${kind} signature`);
      return made;
    };
    const spk = prekey(v.bob.signedPrekey, e2ee.SIGNED_PREKEY);
    const opk = prekey(v.bob.oneTimePrekey, e2ee.ONE_TIME_PREKEY);

    assert.ok(v.steps.length >= 10, 'the conversation has its steps');
    const sessions = {};
    const wires = {};
    const stateOf = (session) => ({
      rootKey: hex(session.rootKey),
      sendingRatchetPublic: hex(session.sendingRatchet.publicKey),
      receivingRatchetKey: session.receivingRatchetKey ? hex(session.receivingRatchetKey) : null,
      sendingChain: session.sendingChainKey ? hex(session.sendingChainKey) : null,
      receivingChain: session.receivingChainKey ? hex(session.receivingChainKey) : null,
      ns: session.ns, nr: session.nr, pn: session.pn,
      skippedKeys: session.skipped.size,
    });
    for (const [index, step] of v.steps.entries()) {
      const what = `step ${index} (${step.party} ${step.action}${step.message ? ` ${step.message}` : ''})`;
      const rng = listRng(step.random, what);
      if (step.action === 'initiate') {
        sessions.alice = e2ee.x3dhInitiate({
          identity: aliceIdentity,
          remote: { deviceId: bob.id, signingKey: bob.signing.publicKey, identityKey: bob.identity.publicKey,
                    signedPrekey: e2ee.prekeyToJson(spk), oneTimePrekey: e2ee.prekeyToJson(opk) },
          rng,
        });
      } else if (step.action === 'encrypt') {
        assert.equal(hex(e2ee.pad(e2ee.utf8(step.plaintext))), step.paddedPlaintext, `${what}: padded plaintext`);
        const wire = sessions[step.party].encrypt(step.plaintext);
        assert.equal(hex(wire), step.wire, `${what}: wire`);
        wires[step.message] = wire;
        e2ee.decodePlaintext(e2ee.utf8(step.plaintext));  // a valid section 6 message
      } else if (step.action === 'accept') {
        const accepted = e2ee.x3dhAccept({ identity: bob.identity, signedPrekey: spk, oneTimePrekey: opk,
                                           message: wires[step.message], rng });
        assert.equal(new TextDecoder().decode(accepted.plaintext), step.plaintext, `${what}: plaintext`);
        assert.equal(accepted.oneTimePrekeyId, opk.id);
        sessions[step.party] = accepted.session;
      } else if (step.action === 'decrypt') {
        const before = sessions[step.party].serialize();
        assert.throws(() => sessions[step.party].decrypt(e2ee.concat(wires[step.message], Uint8Array.of(0))));
        assert.equal(sessions[step.party].serialize(), before, `${what}: a failed decryption changed the session`);
        const plaintext = sessions[step.party].decrypt(wires[step.message], { rng });
        assert.equal(new TextDecoder().decode(plaintext), step.plaintext, `${what}: plaintext`);
      } else {
        assert.fail(`${what}: unknown action`);
      }
      rng.assertUsedUp();
      assert.deepEqual(stateOf(sessions[step.party]), step.stateAfter, `${what}: state after`);
      // The state survives serialise and parse.
      sessions[step.party] = e2ee.Session.parse(sessions[step.party].serialize());
    }

    // JS-side rejections on the vectors' messages: every one is now a replay.
    for (const [name, wire] of Object.entries(wires)) {
      const party = name.startsWith('A') ? 'bob' : 'alice';
      const before = sessions[party].serialize();
      assert.throws(() => sessions[party].decrypt(wire), e2ee.E2eeError, `replayed ${name}`);
      for (const cut of [wire.length - 1, 60, 10]) {
        assert.throws(() => sessions[party].decrypt(wire.slice(0, cut)), e2ee.E2eeError, `truncated ${name}`);
      }
      assert.equal(sessions[party].serialize(), before, `${name}: a rejected message changed the session`);
    }
    // A set-up message naming the used one-time prekey fails once the prekey is deleted.
    assert.throws(() => e2ee.x3dhAccept({ identity: bob.identity, signedPrekey: spk, oneTimePrekey: null,
                                          message: wires.A1 }), /unknown-prekey/);
  });

  test('safety number (section 8)', () => {
    const v = vectors.safetyNumber;
    assert.equal(e2ee.fingerprint(v.a.actor, unhex(v.a.accountKey)), v.a.digits);
    assert.equal(e2ee.fingerprint(v.b.actor, unhex(v.b.accountKey)), v.b.digits);
    assert.equal(e2ee.safetyNumber(v.a.actor, unhex(v.a.accountKey), v.b.actor, unhex(v.b.accountKey)), v.safetyNumber);
    assert.equal(e2ee.safetyNumber(v.b.actor, unhex(v.b.accountKey), v.a.actor, unhex(v.a.accountKey)), v.safetyNumber);
  });

  test('padding (section 6)', () => {
    for (const c of vectors.padding.cases) {
      assert.equal(hex(e2ee.pad(unhex(c.input))), c.padded, `${c.input.length / 2} bytes`);
      assert.equal(hex(e2ee.unpad(unhex(c.padded))), c.input);
    }
  });

  test('plaintext JSON (section 6)', () => {
    const v = vectors.plaintext;
    assert.equal(e2ee.b64encode(unhex(v.idBytes)), v.id);
    assert.equal(e2ee.newPlaintext({ from: v.from, to: v.to, sent: v.sent, content: v.content,
                                     rng: listRng([v.idBytes], 'id') }).id, v.id);
    const json = e2ee.plaintextJson({ id: v.id, from: v.from, to: v.to, sent: v.sent, content: v.content });
    assert.equal(new TextDecoder().decode(json), v.json);
    assert.deepEqual(e2ee.decodePlaintext(e2ee.utf8(v.json)),
                     { id: v.id, from: v.from, to: v.to, sent: v.sent, content: v.content });
  });

  test('backup (section 10), and a wrong passphrase rejected', () => {
    const v = vectors.backup;
    const rng = listRng(v.random, 'backup');
    const document = e2ee.sealBackup({ actorId: v.actor, accountSecretKey: unhex(v.accountKeySecret),
                                       passphrase: v.passphrase, opslimit: v.opslimit, memlimit: v.memlimit, rng });
    rng.assertUsedUp();
    assert.equal(JSON.stringify(document), v.document);
    assert.equal(JSON.stringify({ actor: v.actor, accountKey: e2ee.b64encode(unhex(v.accountKeySecret)) }), v.plaintext);
    const opened = e2ee.openBackup(v.document, v.passphrase, { actorId: v.actor });
    assert.equal(hex(opened.accountKey.secretKey), v.accountKeySecret);
    assert.throws(() => e2ee.openBackup(v.document, `${v.passphrase}!`), /bad-passphrase/);
    const altered = JSON.parse(v.document);
    const ciphertext = e2ee.b64decode(altered.ciphertext);
    ciphertext[3] ^= 1;
    assert.throws(() => e2ee.openBackup({ ...altered, ciphertext: e2ee.b64encode(ciphertext) }, v.passphrase),
                  /bad-passphrase/);
    assert.throws(() => e2ee.openBackup({ ...altered, opslimit: 3 }, v.passphrase), /bad-passphrase/);
  });
});
