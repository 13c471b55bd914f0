#!/usr/bin/env python3
"""Independent check of tests/vectors/e2ee_v1.json against docs/e2ee.md, written
from the spec text with Python's hashlib (BLAKE2b) and the `cryptography`
package (X25519, Ed25519, ChaCha20-Poly1305; XChaCha20 is built here from
HChaCha20). It shares no code with the C++ library."""
import base64, hashlib, json, struct, sys
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
H = bytes.fromhex
failures = 0

def check(name, got, want):
    global failures
    if got != want:
        failures += 1
        print("MISMATCH", name, "\n  got ", got, "\n  want", want)

def kdf(key, label, data, n):
    return hashlib.blake2b(b"Parvis-E2EE-v1/" + label.encode() + b"\0" + data, digest_size=n, key=key).digest()

def x_pub(secret):
    return X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes(*RAW)

def dh(secret, public):
    out = X25519PrivateKey.from_private_bytes(secret).exchange(X25519PublicKey.from_public_bytes(public))
    assert out != bytes(32)
    return out

def ed_pub(seed):
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(*RAW)

def ed_sign(seed, msg):
    return Ed25519PrivateKey.from_private_bytes(seed).sign(msg)

def rotl(v, c): return ((v << c) & 0xffffffff) | (v >> (32 - c))

def hchacha20(key, nonce16):
    s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] + list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    def qr(a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 7)
    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))

def xchacha_open(key, nonce, ct, ad):
    sub = hchacha20(key, nonce[:16])
    return ChaCha20Poly1305(sub).decrypt(b"\0\0\0\0" + nonce[16:], ct, ad)

def xchacha_seal(key, nonce, pt, ad):
    return ChaCha20Poly1305(hchacha20(key, nonce[:16])).encrypt(b"\0\0\0\0" + nonce[16:], pt, ad)

def u32(x): return struct.pack(">I", x)
def lp(b): return u32(len(b)) + b
def b64(b): return base64.urlsafe_b64encode(b).decode().rstrip("=")
def unb64(t): return base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))

def pad(b):
    n = (len(b) // 256 + 1) * 256
    return b + b"\x80" + bytes(n - len(b) - 1)

def unpad(b):
    i = len(b) - 1
    while b[i] == 0: i -= 1
    assert b[i] == 0x80
    return b[:i]

v = json.load(open(sys.argv[1]))

for c in v["kdf"]["cases"]:
    check("kdf " + c["label"], kdf(H(c["key"]), c["label"], H(c["input"]), c["n"]).hex(), c["output"])

dl = v["deviceList"]
check("AK public", ed_pub(H(dl["accountKeySeed"])).hex(), dl["accountKeyPublic"])
devs = []
for d in dl["devices"]:
    r = [H(x) for x in d["random"]]
    check("device id", b64(r[0]), d["id"])
    check("DS", ed_pub(r[1]).hex(), d["signingKey"])
    check("DI", x_pub(r[2]).hex(), d["identityKey"])
    devs.append((d["id"].encode(), ed_pub(r[1]), x_pub(r[2])))
devs.sort(key=lambda d: d[0])
blob = b"Parvis-E2EE-v1/device-list\0" + lp(dl["actor"].encode()) + struct.pack(">Q", dl["version"]) + u32(len(devs))
for i, s, x in devs: blob += lp(i) + s + x
check("device list bytes", blob.hex(), dl["bytes"])
check("device list sig", ed_sign(H(dl["accountKeySeed"]), blob).hex(), dl["signature"])

pk = v["prekeys"]
check("prekey device DS", ed_pub(H(pk["deviceSigningSeed"])).hex(), pk["deviceSigningPublic"])
for c in pk["cases"]:
    pub = x_pub(H(c["secret"]))
    check("prekey public", pub.hex(), c["public"])
    b = b"Parvis-E2EE-v1/" + c["kind"].encode() + b"\0" + lp(pk["deviceId"].encode()) + u32(c["id"]) + pub
    check("prekey bytes", b.hex(), c["bytes"])
    check("prekey sig", ed_sign(H(pk["deviceSigningSeed"]), b).hex(), c["signature"])

for c in v["x3dh"]["cases"]:
    dia, eka, dib, spk = (H(c[k]) for k in ("initiatorIdentitySecret", "ephemeralSecret", "responderIdentitySecret", "signedPrekeySecret"))
    dhs = [dh(dia, x_pub(spk)), dh(eka, x_pub(dib)), dh(eka, x_pub(spk))]
    if c["oneTimePrekeySecret"]: dhs.append(dh(eka, x_pub(H(c["oneTimePrekeySecret"]))))
    # and from the responder's side
    rdhs = [dh(spk, x_pub(dia)), dh(dib, x_pub(eka)), dh(spk, x_pub(eka))]
    if c["oneTimePrekeySecret"]: rdhs.append(dh(H(c["oneTimePrekeySecret"]), x_pub(eka)))
    check("x3dh sides agree", rdhs, dhs)
    check("x3dh dh", [d.hex() for d in dhs], c["dh"])
    check("x3dh sk", kdf(b"", "x3dh", b"\xff" * 32 + b"".join(dhs), 32).hex(), c["sk"])
    check("x3dh ad", (x_pub(dia) + x_pub(dib)).hex(), c["ad"])

# The conversation, with a from-scratch Double Ratchet.
conv = v["conversation"]
A, B = conv["alice"], conv["bob"]
dia = H(A["identitySecret"]); bob_di = H(B["identitySecret"])
spk = H(B["signedPrekey"]["secret"]); opk = H(B["oneTimePrekey"]["secret"])
check("bob DS", ed_pub(H(B["deviceRandom"][1])).hex(), B["signingPublic"])
check("bob id", b64(H(B["deviceRandom"][0])), B["deviceId"])
for kind, p in (("signed-prekey", B["signedPrekey"]), ("one-time-prekey", B["oneTimePrekey"])):
    b = b"Parvis-E2EE-v1/" + kind.encode() + b"\0" + lp(B["deviceId"].encode()) + u32(p["id"]) + x_pub(H(p["secret"]))
    check("bundle sig", ed_sign(H(B["deviceRandom"][1]), b).hex(), p["signature"])

def kdf_rk(rk, d):
    o = kdf(rk, "root", d, 64); return o[:32], o[32:]
def kdf_ck(ck):
    return kdf(ck, "message-key", b"", 32), kdf(ck, "chain-key", b"", 32)
def aead_keys(mk):
    o = kdf(mk, "aead", b"", 56); return o[:32], o[32:]

class Party:
    pass

def skip(p, until):
    assert until <= p.nr + 1000
    if p.ckr is None: return
    while p.nr < until:
        mk, p.ckr = kdf_ck(p.ckr); p.skipped[(p.dhr, p.nr)] = mk; p.nr += 1

def ratchet(p, key, rnd):
    p.pn = p.ns; p.ns = 0; p.nr = 0; p.dhr = key
    p.rk, p.ckr = kdf_rk(p.rk, dh(p.dhs, p.dhr))
    p.dhs = rnd.pop(0)
    p.rk, p.cks = kdf_rk(p.rk, dh(p.dhs, p.dhr))

def encrypt(p, plaintext):
    mk, p.cks = kdf_ck(p.cks)
    prefix = b"\x01" + (b"\x01" + p.setup if p.setup_pending else b"\x02") + x_pub(p.dhs) + u32(p.pn) + u32(p.ns)
    p.ns += 1
    k, n = aead_keys(mk)
    return prefix + xchacha_seal(k, n, pad(plaintext), p.ad + prefix)

def decrypt(p, wire, rnd):
    assert wire[0] == 1
    off = 2 + (40 if wire[1] == 1 else 0)
    if wire[1] == 1: assert wire[2:42] == p.setup
    key = wire[off:off + 32]; pn, n = struct.unpack(">II", wire[off + 32:off + 40])
    prefix, ct = wire[:off + 40], wire[off + 40:]
    if (key, n) in p.skipped:
        mk = p.skipped.pop((key, n))
    else:
        if key != p.dhr:
            skip(p, pn); ratchet(p, key, rnd)
        skip(p, n)
        mk, p.ckr = kdf_ck(p.ckr); p.nr += 1
    k, nonce = aead_keys(mk)
    out = unpad(xchacha_open(k, nonce, ct, p.ad + prefix))
    p.setup_pending = False
    return out

wires = {}
alice = bob = None
for step in conv["steps"]:
    rnd = [H(x) for x in step.get("random", [])]
    name = step.get("message", "")
    if step["action"] == "initiate":
        alice = Party(); ek = rnd.pop(0)
        spk_pub, opk_pub, dib_pub = x_pub(spk), x_pub(opk), x_pub(bob_di)
        dhs = [dh(dia, spk_pub), dh(ek, dib_pub), dh(ek, spk_pub), dh(ek, opk_pub)]
        sk = kdf(b"", "x3dh", b"\xff" * 32 + b"".join(dhs), 32)
        alice.ad = x_pub(dia) + dib_pub
        alice.dhs, alice.dhr = ek, spk_pub
        alice.rk, alice.cks = kdf_rk(sk, dh(ek, spk_pub))
        alice.ckr = None; alice.ns = alice.nr = alice.pn = 0; alice.skipped = {}
        alice.setup = x_pub(dia) + u32(B["signedPrekey"]["id"]) + u32(B["oneTimePrekey"]["id"])
        alice.setup_pending = True
    elif step["action"] == "encrypt":
        p = alice if step["party"] == "alice" else bob
        w = encrypt(p, step["plaintext"].encode())
        check("wire " + name, w.hex(), step["wire"])
        check("padded " + name, pad(step["plaintext"].encode()).hex(), step["paddedPlaintext"])
        wires[name] = w
    elif step["action"] == "accept":
        w = wires[name]
        setup = w[2:42]; ek_pub = w[42:74]
        dia_pub = setup[:32]
        dhs = [dh(spk, dia_pub), dh(bob_di, ek_pub), dh(spk, ek_pub), dh(opk, ek_pub)]
        sk = kdf(b"", "x3dh", b"\xff" * 32 + b"".join(dhs), 32)
        bob = Party(); bob.ad = dia_pub + x_pub(bob_di); bob.setup = setup; bob.setup_pending = False
        bob.dhs, bob.dhr, bob.rk = spk, None, sk
        bob.cks = bob.ckr = None; bob.ns = bob.nr = bob.pn = 0; bob.skipped = {}
        check("accept " + name, decrypt(bob, w, rnd).decode(), step["plaintext"])
    else:
        p = alice if step["party"] == "alice" else bob
        check("decrypt " + name, decrypt(p, wires[name], rnd).decode(), step["plaintext"])
    if step["action"] != "encrypt": check("draws used " + name, rnd, [])

sn = v["safetyNumber"]
def digits(actor, ak):
    f = kdf(b"", "fingerprint", lp(actor.encode()) + ak, 30)
    return "".join("%05d" % (int.from_bytes(f[5 * i:5 * i + 5], "big") % 100000) for i in range(6))
da, db = digits(sn["a"]["actor"], H(sn["a"]["accountKey"])), digits(sn["b"]["actor"], H(sn["b"]["accountKey"]))
check("digits a", da, sn["a"]["digits"]); check("digits b", db, sn["b"]["digits"])
check("safety number", min(da, db) + max(da, db), sn["safetyNumber"])

for c in v["padding"]["cases"]:
    check("pad", pad(H(c["input"])).hex(), c["padded"])

pt = v["plaintext"]
check("plaintext json", json.dumps({"id": b64(H(pt["idBytes"])), "from": pt["from"], "to": pt["to"], "sent": pt["sent"], "content": pt["content"]}, separators=(",", ":"), ensure_ascii=False), pt["json"])

bk = v["backup"]
doc = json.loads(bk["document"])
salt, nonce = [H(x) for x in bk["random"]]
check("backup salt", unb64(doc["salt"]), salt); check("backup nonce", unb64(doc["nonce"]), nonce)
# Argon2id through the system's libargon2 (libsodium's crypto_pwhash is Argon2id v1.3,
# parallelism 1, memlimit in bytes = m_cost in KiB).
import ctypes, ctypes.util
lib = ctypes.CDLL(ctypes.util.find_library("argon2") or "libargon2.so.1")
out = ctypes.create_string_buffer(32)
pw = bk["passphrase"].encode()
rc = lib.argon2id_hash_raw(ctypes.c_uint32(bk["opslimit"]), ctypes.c_uint32(bk["memlimit"] // 1024), ctypes.c_uint32(1),
                           pw, ctypes.c_size_t(len(pw)), salt, ctypes.c_size_t(len(salt)), out, ctypes.c_size_t(32))
check("argon2 rc", rc, 0)
plain = xchacha_open(out.raw, nonce, unb64(doc["ciphertext"]), b"Parvis-E2EE-v1/backup")
check("backup plaintext", plain.decode(), bk["plaintext"])
check("backup account key", unb64(json.loads(plain)["accountKey"]).hex(), bk["accountKeySecret"])
check("backup header", (doc["version"], doc["kdf"], doc["opslimit"], doc["memlimit"]), (1, "argon2id13", bk["opslimit"], bk["memlimit"]))

print("failures:", failures)
sys.exit(1 if failures else 0)
