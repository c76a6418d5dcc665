#!/usr/bin/env python3
"""An independent seal decoder and encoder (version 1, fixed framing, and version 2, live
framing), written from docs/FORMAT.md alone.

It checks every known-answer vector in tests/vectors/: the key text parses (or the passphrase
stretches, with OpenSSL's Argon2id, or each identity opens its recipient stanza), decoding the
stream gives the plaintext, encoding the plaintext with the vector's secret and salt gives the
stream byte for byte, and damaged copies of the stream are refused. It also reads the armored
worked example in docs/FORMAT.md and refuses malformed copies of it. CI runs it (see .ci/run);
it needs the Python `cryptography` package (48 or later: Argon2id, and ML-KEM-768 for X-Wing).
`--example NAME` prints the intermediate values of one vector for the worked examples in
docs/FORMAT.md.

Recipient stanzas are opened by HPKE (RFC 9180) composed here from `cryptography`'s X25519,
HKDF-SHA256 and ChaCha20-Poly1305, and X-Wing (ML-KEM-768 + X25519) composed from its
ML-KEM-768, X25519, SHA3-256 and SHAKE256: an implementation independent of seal's Rust crates.
Both kinds of stanza are also rebuilt byte for byte from the vectors' fixed randomness (X-Wing's
ML-KEM-768 encapsulation is written here from FIPS 203, as `cryptography` has no
fixed-randomness encapsulation).
"""

import base64
import hashlib
import hmac
import pathlib
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = bytes([0x89, 0x53, 0x45, 0x41, 0x4C, 0x0D, 0x0A, 0x1A])
HEADER_LEN = {1: 79, 2: 91}  # key file, passphrase; recipients (3) vary
OVERHEAD = 28
CIPHERS = {1: AESGCM, 2: ChaCha20Poly1305}
CIPHER_NAMES = {"aes-256-gcm": 1, "chacha20-poly1305": 2}


class Refused(Exception):
    pass


def parse_key(text: str) -> bytes:
    prefix = "SEAL-KEY-1-"
    if not text.startswith(prefix):
        raise Refused("not a key file")
    body = text[len(prefix):]
    if body.endswith("\r\n"):
        body = body[:-2]
    elif body.endswith("\n"):
        body = body[:-1]
    if len(body) != 72 or any(c not in "0123456789abcdef" for c in body):
        raise Refused("malformed key")
    raw = bytes.fromhex(body)
    key, checksum = raw[:32], raw[32:]
    if hashlib.sha256(b"seal key checksum v1" + key).digest()[:4] != checksum:
        raise Refused("bad checksum")
    return key


def kdf_params(block: bytes):
    """The Argon2id parameter block of a passphrase header, bounded before any work."""
    memory, passes, lanes = (int.from_bytes(block[i : i + 4], "big") for i in (0, 4, 8))
    if not (1 <= lanes <= 8 and 1 <= passes <= 64 and 8 * lanes <= memory <= 1 << 20):
        raise Refused("kdf cost")
    if memory * passes > 8 << 20:
        raise Refused("kdf cost")
    return memory, passes, lanes


def stretch(passphrase: bytes, salt: bytes, memory: int, passes: int, lanes: int) -> bytes:
    return Argon2id(salt=salt, length=32, iterations=passes, lanes=lanes, memory_cost=memory).derive(passphrase)


def derive(key: bytes, bound: bytes):
    salt = bound[15:47]

    def expand(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=label + bound).derive(key)

    return expand(b"seal v1 frame key"), expand(b"seal v1 key commitment")


# --- Recipients (key kind 3) ---------------------------------------------------------------

KIND_XWING, KIND_X25519, KIND_SSH = 1, 2, 3
STANZA_BODY_LEN = {KIND_XWING: 1120 + 48, KIND_X25519: 32 + 48, KIND_SSH: 32 + 48}
ENC_LEN = {KIND_XWING: 1120, KIND_X25519: 32, KIND_SSH: 32}
KEM_ID = {KIND_XWING: 0x647A, KIND_X25519: 0x0020, KIND_SSH: 0x0020}
SSH_INFO_LABEL = b"seal v1 ssh-ed25519 file key"
ED25519_P = 2**255 - 19
MAX_RECIPIENTS, MAX_STANZA_BODY = 1024, 2048
IDENTITY_HRP = {"SEAL-IDENTITY-PQ-": KIND_XWING, "SEAL-IDENTITY-X25519-": KIND_X25519}
RECIPIENT_HRP = {"sealpq": KIND_XWING, "sealx": KIND_X25519}
HPKE_INFO = b"seal v1 file key"
BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32m_decode(text: str):
    """(hrp, data bytes) of a Bech32m text (BIP 350), any length."""
    if text.lower() != text and text.upper() != text:
        raise Refused("mixed case")
    text = text.lower()
    sep = text.rfind("1")
    if sep < 1 or len(text) - sep - 1 < 6:
        raise Refused("no separator")
    hrp, data = text[:sep], text[sep + 1 :]
    if any(c not in BECH32_ALPHABET for c in data):
        raise Refused("bad character")
    values = [BECH32_ALPHABET.index(c) for c in data]

    def polymod(values):
        gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
        chk = 1
        for v in values:
            top = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ v
            for i in range(5):
                chk ^= gen[i] if (top >> i) & 1 else 0
        return chk

    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    if polymod(expanded + values) != 0x2BC830A3:
        raise Refused("bad checksum")
    bits, acc, out = 0, 0, bytearray()
    for v in values[:-6]:
        acc, bits = acc << 5 | v, bits + 5
        if bits >= 8:
            bits -= 8
            out.append(acc >> bits & 0xFF)
    if bits >= 5 or acc & ((1 << bits) - 1):
        raise Refused("bad padding")
    return hrp, bytes(out)


def ssh_wire(a: bytes) -> bytes:
    """The OpenSSH wire form of an Ed25519 public key: string "ssh-ed25519" || string a."""
    return len(b"ssh-ed25519").to_bytes(4, "big") + b"ssh-ed25519" + len(a).to_bytes(4, "big") + a


def ssh_keys(seed: bytes):
    """(X25519 secret, Ed25519 public key A, X25519 image u, HPKE info) of an Ed25519 seed,
    from FORMAT.md "SSH Ed25519 recipients": the secret is clamp(SHA-512(seed)[0..32]); u is
    (1 + y) / (1 - y) mod p computed here from A, and must equal X25519(secret, 9)."""
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    a = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    y = int.from_bytes(a, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow(1 - y, ED25519_P - 2, ED25519_P) % ED25519_P
    u_bytes = u.to_bytes(32, "little")
    assert x25519_public(bytes(h)) == u_bytes, "the Edwards-to-Montgomery map and the secret agree"
    info = SSH_INFO_LABEL + hashlib.sha256(ssh_wire(a)).digest()
    return bytes(h), a, u_bytes, info


def parse_identity(text: str):
    """(recipient kind, 32 secret bytes) of an identity text; for an SSH identity in a vector
    (`ssh-ed25519-seed HEX`), the Ed25519 seed."""
    if text.startswith("ssh-ed25519-seed "):
        return KIND_SSH, bytes.fromhex(text.split(" ", 1)[1])
    hrp, data = bech32m_decode(text.strip())
    kind = {h.lower(): k for h, k in IDENTITY_HRP.items()}.get(hrp)
    if kind is None or len(data) != 32:
        raise Refused("not an identity")
    return kind, data


def parse_recipient(text: str):
    if text.startswith("ssh-ed25519 "):
        blob = base64.b64decode(text.split()[1], validate=True)
        if len(blob) != 51 or blob != ssh_wire(blob[19:]):
            raise Refused("not an ssh-ed25519 key")
        return KIND_SSH, blob[19:]
    hrp, data = bech32m_decode(text)
    kind = RECIPIENT_HRP.get(hrp)
    if kind is None or len(data) != {KIND_XWING: 1216, KIND_X25519: 32}[kind]:
        raise Refused("not a recipient")
    return kind, data


def x25519(scalar: bytes, point: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(scalar).exchange(X25519PublicKey.from_public_bytes(point))


def x25519_public(scalar: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(scalar).public_key().public_bytes_raw()


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out, i = out + block, i + 1
    return out[:length]


def labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hkdf_extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return hkdf_expand(prk, length.to_bytes(2, "big") + b"HPKE-v1" + suite + label + info, length)


def xwing_keys(seed: bytes):
    """X-Wing: (ML-KEM-768 private key, X25519 scalar, public key) of a 32-byte seed."""
    expanded = hashlib.shake_256(seed).digest(96)
    mlkem = MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
    sk_x = expanded[64:96]
    return mlkem, sk_x, mlkem.public_key().public_bytes_raw() + x25519_public(sk_x)


# ML-KEM-768 encapsulation (FIPS 203), written here so that X-Wing stanzas made with the vectors'
# fixed randomness can be rebuilt byte for byte: `cryptography` only encapsulates with fresh
# randomness. Decapsulation (opening stanzas) still uses `cryptography`'s ML-KEM, so the two
# check each other.
Q, N, K, ETA1, ETA2, DU, DV = 3329, 256, 3, 2, 2, 10, 4


def bitrev7(i):
    return int(f"{i:07b}"[::-1], 2)


ZETAS = [pow(17, bitrev7(i), Q) for i in range(128)]
GAMMAS = [pow(17, 2 * bitrev7(i) + 1, Q) for i in range(128)]


def ntt(f):
    f, i, length = list(f), 1, 128
    while length >= 2:
        for start in range(0, N, 2 * length):
            zeta, i = ZETAS[i], i + 1
            for j in range(start, start + length):
                t = zeta * f[j + length] % Q
                f[j + length], f[j] = (f[j] - t) % Q, (f[j] + t) % Q
        length //= 2
    return f


def ntt_inverse(f):
    f, i, length = list(f), 127, 2
    while length <= 128:
        for start in range(0, N, 2 * length):
            zeta, i = ZETAS[i], i - 1
            for j in range(start, start + length):
                t = f[j]
                f[j] = (t + f[j + length]) % Q
                f[j + length] = zeta * (f[j + length] - t) % Q
        length *= 2
    return [x * 3303 % Q for x in f]


def multiply_ntts(f, g):
    h = [0] * N
    for i in range(128):
        a0, a1, b0, b1 = f[2 * i], f[2 * i + 1], g[2 * i], g[2 * i + 1]
        h[2 * i] = (a0 * b0 + a1 * b1 * GAMMAS[i]) % Q
        h[2 * i + 1] = (a0 * b1 + a1 * b0) % Q
    return h


def add(f, g):
    return [(a + b) % Q for a, b in zip(f, g)]


def sample_ntt(seed):
    stream = hashlib.shake_128(seed).digest(3 * 1024)
    a, pos = [], 0
    while len(a) < N:
        c0, c1, c2 = stream[pos : pos + 3]
        pos += 3
        d1, d2 = c0 + 256 * (c1 % 16), c1 // 16 + 16 * c2
        if d1 < Q:
            a.append(d1)
        if d2 < Q and len(a) < N:
            a.append(d2)
    return a


def cbd(data, eta):
    bits = [(data[i // 8] >> (i % 8)) & 1 for i in range(len(data) * 8)]
    return [
        (sum(bits[2 * i * eta + j] for j in range(eta)) - sum(bits[2 * i * eta + eta + j] for j in range(eta))) % Q
        for i in range(N)
    ]


def prf(eta, s, b):
    return hashlib.shake_256(s + bytes([b])).digest(64 * eta)


def byte_encode(f, d):
    bits = [(x >> j) & 1 for x in f for j in range(d)]
    return bytes(sum(bits[8 * i + j] << j for j in range(8)) for i in range(len(bits) // 8))


def byte_decode(data, d):
    bits = [(data[i // 8] >> (i % 8)) & 1 for i in range(len(data) * 8)]
    m = Q if d == 12 else 1 << d
    return [sum(bits[d * i + j] << j for j in range(d)) % m for i in range(N)]


def compress(f, d):
    return [((x << d) + Q // 2) // Q % (1 << d) for x in f]


def mlkem768_encaps_derand(ek: bytes, m: bytes):
    """FIPS 203 ML-KEM.Encaps_internal(ek, m) for ML-KEM-768: (shared secret, ciphertext)."""
    assert len(ek) == 384 * K + 32 and len(m) == 32
    g = hashlib.sha3_512(m + hashlib.sha3_256(ek).digest()).digest()
    shared, r = g[:32], g[32:]
    t_hat = [byte_decode(ek[384 * i : 384 * (i + 1)], 12) for i in range(K)]
    rho = ek[384 * K :]
    a_hat = [[sample_ntt(rho + bytes([j, i])) for j in range(K)] for i in range(K)]
    y = [cbd(prf(ETA1, r, i), ETA1) for i in range(K)]
    e1 = [cbd(prf(ETA2, r, K + i), ETA2) for i in range(K)]
    e2 = cbd(prf(ETA2, r, 2 * K), ETA2)
    y_hat = [ntt(p) for p in y]
    u = []
    for i in range(K):
        acc = [0] * N
        for j in range(K):
            acc = add(acc, multiply_ntts(a_hat[j][i], y_hat[j]))
        u.append(add(ntt_inverse(acc), e1[i]))
    mu = [x * 1665 for x in byte_decode(m, 1)]
    acc = [0] * N
    for j in range(K):
        acc = add(acc, multiply_ntts(t_hat[j], y_hat[j]))
    v = add(add(ntt_inverse(acc), e2), mu)
    c1 = b"".join(byte_encode(compress(p, DU), DU) for p in u)
    return shared, c1 + byte_encode(compress(v, DV), DV)


def kem_shared_secret(kind: int, secret: bytes, enc: bytes) -> bytes:
    """The HPKE KEM's Decap(enc, skR)."""
    if kind == KIND_XWING:
        mlkem, sk_x, pk = xwing_keys(secret)
        ss_m = mlkem.decapsulate(enc[:1088])
        ct_x, pk_x = enc[1088:], pk[1184:]
        return hashlib.sha3_256(ss_m + x25519(sk_x, ct_x) + ct_x + pk_x + b"\\.//^\\").digest()
    if kind == KIND_SSH:
        secret = ssh_keys(secret)[0]
    return dhkem_shared_secret(x25519(secret, enc), enc, x25519_public(secret))


def hpke_info(kind: int, secret: bytes) -> bytes:
    """The HPKE info of a stanza kind: an SSH stanza's binds its key (FORMAT.md)."""
    return ssh_keys(secret)[3] if kind == KIND_SSH else HPKE_INFO


def dhkem_shared_secret(dh: bytes, enc: bytes, pk_r: bytes) -> bytes:
    suite = b"KEM" + (0x0020).to_bytes(2, "big")
    eae_prk = labeled_extract(suite, b"", b"eae_prk", dh)
    return labeled_expand(suite, eae_prk, b"shared_secret", enc + pk_r, 32)


def hpke_key_schedule(kind: int, shared_secret: bytes, info: bytes = HPKE_INFO):
    """RFC 9180 base mode with HKDF-SHA256 and ChaCha20-Poly1305: (key, base_nonce)."""
    suite = b"HPKE" + KEM_ID[kind].to_bytes(2, "big") + (1).to_bytes(2, "big") + (3).to_bytes(2, "big")
    psk_id_hash = labeled_extract(suite, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(suite, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(suite, shared_secret, b"secret", b"")
    return (
        labeled_expand(suite, secret, b"key", context, 32),
        labeled_expand(suite, secret, b"base_nonce", context, 12),
    )


def unwrap(kind: int, secret: bytes, body: bytes):
    """The file key in a stanza body, or None if it does not open."""
    enc, wrapped = body[: ENC_LEN[kind]], body[ENC_LEN[kind] :]
    try:
        key, base_nonce = hpke_key_schedule(kind, kem_shared_secret(kind, secret, enc), hpke_info(kind, secret))
        return ChaCha20Poly1305(key).decrypt(base_nonce, wrapped, b"")
    except Exception:
        return None


def xwing_stanza(pk: bytes, eseed: bytes, file_key: bytes) -> bytes:
    """An X-Wing stanza body made with encapsulation randomness `eseed` (64 bytes): X-Wing's
    EncapsulateDerand, ML-KEM-768 from the first 32 bytes, the X25519 ephemeral scalar from the
    last 32."""
    ss_m, ct_m = mlkem768_encaps_derand(pk[:1184], eseed[:32])
    ct_x, pk_x = x25519_public(eseed[32:]), pk[1184:]
    ss = hashlib.sha3_256(ss_m + x25519(eseed[32:], pk_x) + ct_x + pk_x + b"\\.//^\\").digest()
    key, base_nonce = hpke_key_schedule(KIND_XWING, ss)
    return ct_m + ct_x + ChaCha20Poly1305(key).encrypt(base_nonce, file_key, b"")


def x25519_stanza(pk_r: bytes, ikm: bytes, file_key: bytes, info: bytes = HPKE_INFO) -> bytes:
    """An X25519 (or, with its info, SSH) stanza body made with ephemeral randomness `ikm`
    (RFC 9180 DeriveKeyPair)."""
    suite = b"KEM" + (0x0020).to_bytes(2, "big")
    sk_e = labeled_expand(suite, labeled_extract(suite, b"", b"dkp_prk", ikm), b"sk", b"", 32)
    enc = x25519_public(sk_e)
    key, base_nonce = hpke_key_schedule(KIND_X25519, dhkem_shared_secret(x25519(sk_e, pk_r), enc, pk_r), info)
    return enc + ChaCha20Poly1305(key).encrypt(base_nonce, file_key, b"")


def recipient_stanzas(stream: bytes):
    """The stanzas [(kind, body)] of a recipient header and the header's length, bounded as
    FORMAT.md says before anything is taken from them."""
    if len(stream) < 49:
        raise Refused("truncated header")
    count = int.from_bytes(stream[47:49], "big")
    if not 1 <= count <= MAX_RECIPIENTS:
        raise Refused("recipient count")
    at, stanzas = 49, []
    for _ in range(count):
        if len(stream) < at + 3:
            raise Refused("truncated header")
        kind, length = stream[at], int.from_bytes(stream[at + 1 : at + 3], "big")
        if length != STANZA_BODY_LEN.get(kind, length) or length > MAX_STANZA_BODY:
            raise Refused("stanza length")
        stanzas.append((kind, stream[at + 3 : at + 3 + length]))
        at += 3 + length
    return stanzas, at + 32


def header_length(stream: bytes) -> int:
    return recipient_stanzas(stream)[1] if stream[10] == 3 else HEADER_LEN[stream[10]]


def nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def decode(secret, stream: bytes) -> bytes:
    """secret: ("key", 32 bytes), ("passphrase", bytes) or ("identity", (kind, 32 bytes))."""
    if stream[: min(len(stream), 8)] != MAGIC[: min(len(stream), 8)]:
        raise Refused("bad magic")
    if len(stream) < 15:
        raise Refused("truncated header")
    if stream[8] not in (1, 2):
        raise Refused("version")
    if stream[9] not in CIPHERS:
        raise Refused("cipher")
    if stream[10] not in (1, 2, 3):
        raise Refused("key kind")
    chunk = int.from_bytes(stream[11:15], "big")
    if not 64 <= chunk <= 16 * 1024 * 1024:
        raise Refused("chunk size")
    header_len = header_length(stream)
    if len(stream) < header_len:
        raise Refused("truncated header")
    header = stream[:header_len]
    bound = header[:-32]
    if header[10] == 3:
        if secret[0] != "identity":
            raise Refused("a recipient stream")
        kind, identity = secret[1]
        stanzas = recipient_stanzas(stream)[0]
        opened = [unwrap(kind, identity, body) for k, body in stanzas if k == kind]
        keys = [derive(k, bound) for k in opened if k is not None]
        if not keys:
            raise Refused(f"no identity matches any of the stream's {len(stanzas)} recipients")
        matching = [fk for fk, c in keys if hmac.compare_digest(c, header[-32:])]
        if not matching:
            raise Refused("header modified")
        frame_key = matching[0]
        return decode_frames(header, frame_key, stream)
    if header[10] == 1:
        if secret[0] != "key":
            raise Refused("a key file stream")
        key = secret[1]
    else:
        params = kdf_params(header[47:59])
        if secret[0] != "passphrase":
            raise Refused("a passphrase stream")
        key = stretch(secret[1], header[15:47], *params)
    frame_key, commitment = derive(key, bound)
    if not hmac.compare_digest(commitment, header[-32:]):
        raise Refused("wrong key")
    return decode_frames(header, frame_key, stream)


def decode_frames(header: bytes, frame_key: bytes, stream: bytes) -> bytes:
    """The plaintext of the frames after `header`, all authenticated."""
    header_len, chunk = len(header), int.from_bytes(header[11:15], "big")
    aead = CIPHERS[header[9]](frame_key)
    if header[8] == 2:
        return decode_live(aead, chunk, stream, header_len)
    full = chunk + OVERHEAD
    pos, index, out = header_len, 0, bytearray()
    while True:
        frame = stream[pos : pos + full]
        at_eof = pos + len(frame) >= len(stream)
        if len(frame) < OVERHEAD:
            raise Refused("truncated")
        if frame[:12] == nonce(index, False):
            final = False
        elif frame[:12] == nonce(index, True):
            final = True
        else:
            raise Refused("frame out of place")
        if not final and len(frame) < full:
            raise Refused("truncated")
        try:
            plain = aead.decrypt(nonce(index, final), frame[12:], b"")
        except Exception:
            raise Refused(f"frame {index} failed authentication")
        if final and not plain and index > 0:
            raise Refused("empty final frame")
        out += plain
        if final:
            if not at_eof:
                raise Refused("data after the final frame")
            return bytes(out)
        if at_eof:
            raise Refused("truncated: no final frame")
        pos += full
        index += 1


def decode_live(aead, chunk: int, stream: bytes, pos: int) -> bytes:
    """The frames of a version 2 stream, from offset `pos`: length(4) || nonce || ct || tag."""
    index, out = 0, bytearray()
    while True:
        prefix = stream[pos : pos + 16]
        if len(prefix) < 16:
            raise Refused(f"truncated: frame {index}")
        if prefix[4:] == nonce(index, False):
            final = False
        elif prefix[4:] == nonce(index, True):
            final = True
        else:
            raise Refused("frame out of place")
        length = int.from_bytes(prefix[:4], "big")
        if length > chunk or (length == 0 and not final):
            raise Refused(f"frame {index}: length {length} out of range")
        frame = stream[pos : pos + length + 32]
        if len(frame) < length + 32:
            raise Refused(f"truncated: frame {index}")
        try:
            plain = aead.decrypt(nonce(index, final), frame[16:], frame[:4])
        except Exception:
            raise Refused(f"frame {index} failed authentication")
        out += plain
        pos += len(frame)
        if final:
            if pos != len(stream):
                raise Refused("data after the final frame")
            return bytes(out)
        index += 1


def encode(secret, cipher_id: int, chunk: int, salt: bytes, plain: bytes, kdf=None, frames=None) -> bytes:
    """secret as for decode, or ("file_key", (32 bytes, [(kind, stanza body)])) for a recipient
    stream; kdf: (memory_kib, passes, lanes) for a passphrase; frames: the plaintext length of
    every frame of a live (version 2) stream, else fixed framing."""
    version = 1 if frames is None else 2
    if secret[0] == "file_key":
        key, stanzas = secret[1]
        block = len(stanzas).to_bytes(2, "big")
        block += b"".join(bytes([k]) + len(b).to_bytes(2, "big") + b for k, b in stanzas)
        bound = MAGIC + bytes([version, cipher_id, 3]) + chunk.to_bytes(4, "big") + salt + block
    elif secret[0] == "key":
        bound = MAGIC + bytes([version, cipher_id, 1]) + chunk.to_bytes(4, "big") + salt
        key = secret[1]
    else:
        block = b"".join(n.to_bytes(4, "big") for n in kdf)
        bound = MAGIC + bytes([version, cipher_id, 2]) + chunk.to_bytes(4, "big") + salt + block
        key = stretch(secret[1], salt, *kdf)
    frame_key, commitment = derive(key, bound)
    aead = CIPHERS[cipher_id](frame_key)
    out = bytearray(bound + commitment)
    if frames is not None:
        at = 0
        for i, length in enumerate(frames):
            n = nonce(i, i == len(frames) - 1)
            ad = length.to_bytes(4, "big")
            out += ad + n + aead.encrypt(n, plain[at : at + length], ad)
            at += length
        assert at == len(plain)
        return bytes(out)
    chunks = [plain[i : i + chunk] for i in range(0, len(plain), chunk)] or [b""]
    for i, piece in enumerate(chunks):
        n = nonce(i, i == len(chunks) - 1)
        out += n + aead.encrypt(n, piece, b"")
    return bytes(out)


BEGIN = b"-----BEGIN SEAL ENCRYPTED FILE-----"
END = b"-----END SEAL ENCRYPTED FILE-----"
B64 = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def dearmor(text: bytes) -> bytes:
    """The stream that armored `text` holds ("ASCII armor" in docs/FORMAT.md)."""
    lines = [l[:-1] if l.endswith(b"\r") else l for l in text.split(b"\n")]
    if lines and lines[-1] == b"":
        lines.pop()
    blank = lambda l: all(c in b" \t" for c in l)
    start = 0
    while start < len(lines) and blank(lines[start]) and start < 64:
        start += 1
    if start >= len(lines) or lines[start] != BEGIN:
        raise Refused("not armor")
    try:
        stop = lines.index(END, start)
    except ValueError:
        raise Refused("no END line")
    tail = lines[stop + 1 :]
    if len(tail) > 64 or not all(blank(l) for l in tail):
        raise Refused("data after END")
    body = lines[start + 1 : stop]
    if not body:
        raise Refused("empty armor")
    for i, line in enumerate(body):
        last = i == len(body) - 1
        if len(line) > 64 or (not last and len(line) != 64) or len(line) % 4:
            raise Refused("line length")
        data = line.rstrip(b"=")
        if (not last and data != line) or len(line) - len(data) > 2 or any(c not in B64 for c in data):
            raise Refused("base64")
    joined = b"".join(body)
    decoded = base64.b64decode(joined, validate=True)
    if base64.b64encode(decoded) != joined:
        raise Refused("non-canonical base64")
    return decoded


def check_armor_example(here: pathlib.Path) -> None:
    doc = (here.parent.parent / "docs" / "FORMAT.md").read_bytes()
    block = doc[doc.rindex(BEGIN) : doc.rindex(END) + len(END) + 1]
    stream = bytes.fromhex(load(here / "aes-256-gcm-worked-example.txt")["stream"])
    assert dearmor(block) == stream, "the armored worked example is not the worked example"
    assert dearmor(b"\r\n  \n" + block.replace(b"\n", b"\r\n") + b"\t\n") == stream
    lines = block.split(b"\n")
    for bad in (
        block + b"x\n",
        b"\n".join(lines[:-2]) + b"\n",
        b"\n".join(lines[:1] + [lines[1] + b"A"] + lines[2:]),
        b"\n".join(lines[:1] + [lines[1][:60]] + lines[2:]),
        b"\n".join(lines[:1] + [lines[1][:63] + b"="] + lines[2:]),
    ):
        try:
            dearmor(bad)
        except Refused:
            continue
        raise AssertionError("a malformed armor was accepted")


def load(path: pathlib.Path) -> dict:
    fields = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split(": ", 1)
            fields[name] = value
    return fields


def identities_of(v: dict):
    return [parse_identity(v[f"identity_{i}"]) for i in range(1, 10) if f"identity_{i}" in v]


def secret_of(v: dict):
    if "identity_1" in v:
        return ("identity", identities_of(v)[0]), None
    if "key" in v:
        return ("key", parse_key(v["key"])), None
    kdf = tuple(int(v[f]) for f in ("kdf_memory_kib", "kdf_passes", "kdf_lanes"))
    return ("passphrase", bytes.fromhex(v["passphrase"])), kdf


def recipient_encoding(v: dict, stream: bytes):
    """The encoding secret of a recipient vector: its file key and stanzas, each made here
    from the vector's HPKE randomness (32 bytes for an X25519 stanza, 64 for an X-Wing one, in
    stanza order), which must equal the stream's and open with its identity."""
    file_key = bytes.fromhex(v["file_key"])
    randomness = bytes.fromhex(v["hpke_randomness"])
    stanzas = recipient_stanzas(stream)[0]
    made = []
    for i, (kind, body) in enumerate(stanzas, start=1):
        r_kind, pk = parse_recipient(v[f"recipient_{i}"])
        i_kind, secret = parse_identity(v[f"identity_{i}"])
        assert kind == r_kind == i_kind, "stanza kinds"
        if kind == KIND_SSH:
            _, a, u, info = ssh_keys(secret)
            assert pk == a, "recipient of the identity"
            body_again = x25519_stanza(u, randomness[:32], file_key, info)
            assert body_again == body, "SSH stanza made independently differs"
            randomness = randomness[32:]
        elif kind == KIND_X25519:
            assert pk == x25519_public(secret), "recipient of the identity"
            body_again = x25519_stanza(pk, randomness[:32], file_key)
            assert body_again == body, "X25519 stanza made independently differs"
            randomness = randomness[32:]
        else:
            assert pk == xwing_keys(secret)[2], "recipient of the identity"
            body_again = xwing_stanza(pk, randomness[:64], file_key)
            assert body_again == body, "X-Wing stanza made independently differs"
            randomness = randomness[64:]
        assert unwrap(kind, secret, body) == file_key, "the stanza holds the file key"
        made.append((kind, body))
    assert not randomness, "randomness left over"
    return ("file_key", (file_key, made))


def check(path: pathlib.Path) -> None:
    v = load(path)
    secret, kdf = secret_of(v)
    stream = bytes.fromhex(v["stream"])
    plain = bytes.fromhex(v["plaintext"])
    keys = [("identity", i) for i in identities_of(v)] or [secret]
    for key in keys:
        assert decode(key, stream) == plain, f"{path.name}: decoded plaintext differs"
    frames = [int(n) for n in v["frames"].split(",")] if "frames" in v else None
    encoding = recipient_encoding(v, stream) if "identity_1" in v else secret
    again = encode(encoding, CIPHER_NAMES[v["cipher"]], int(v["chunk_size"]), bytes.fromhex(v["salt"]), plain, kdf, frames)
    assert again == stream, f"{path.name}: re-encoded stream differs"
    header_len = header_length(stream)
    damaged = [stream[:-1], stream + b"\x00", stream[:header_len]]
    if frames is not None:
        # Relabelled as fixed framing; and frames dropped, duplicated and reordered.
        damaged.append(stream[:8] + b"\x01" + stream[9:])
        starts, at = [], header_len
        for length in frames:
            starts.append(at)
            at += length + 32
        cut = [stream[a : a + frames[i] + 32] for i, a in enumerate(starts)]
        head = stream[: starts[0]]
        damaged.append(head + b"".join(cut[1:]))
        damaged.append(head + b"".join(cut[:1] + cut))
        damaged.append(head + b"".join(cut[1:2] + cut[:1] + cut[2:]))
        damaged.append(head + b"".join(cut[:-1]))
    # Every header byte of a recipient stream (a third of them for the big X-Wing headers),
    # every 7th byte elsewhere.
    step = 1 if header_len < 200 else 3
    offsets = set(range(0, header_len, step)) | set(range(0, len(stream), 7))
    for offset in sorted(offsets):
        flipped = bytearray(stream)
        flipped[offset] ^= 0x01
        damaged.append(bytes(flipped))
    for bad in damaged:
        for key in keys:
            try:
                decode(key, bad)
            except Refused:
                continue
            raise AssertionError(f"{path.name}: a damaged stream was accepted")
    if len(keys) > 1 or "identity_1" in v:
        stranger = ("identity", (KIND_X25519, bytes(range(200, 232))))
        try:
            decode(stranger, stream)
        except Refused as e:
            assert "no identity matches" in str(e), e
        else:
            raise AssertionError(f"{path.name}: a stranger's identity decrypted")


# Signed streams (docs/FORMAT.md "Signed streams", format version 3). BLAKE3 from the PyPI
# package `blake3` (bindings to the Rust crate seal uses, so tests/vectors/primitives/blake3.txt,
# BLAKE3's official vectors, are checked here too); ML-DSA-65 and Ed25519 from `cryptography`.

FRAME_DIGEST_CONTEXT = "seal 2026-12-06 frame digest"
TRANSCRIPT_CONTEXT = "seal 2026-12-06 stream transcript"
SIGNER_KINDS = {1: (1984, 3373), 2: (32, 64)}
COMPOSITE_PREFIX = b"CompositeAlgorithmSignatures2025"
COMPOSITE_LABEL = b"COMPSIG-MLDSA65-Ed25519-SHA512"
SIGNATURE_CONTEXT = b"seal signed stream v1"


def composite_message(ctx: bytes, m: bytes) -> bytes:
    return COMPOSITE_PREFIX + COMPOSITE_LABEL + bytes([len(ctx)]) + ctx + hashlib.sha512(m).digest()


def composite_verify(pk: bytes, m: bytes, ctx: bytes, sig: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA65PublicKey

    mp = composite_message(ctx, m)
    ok = True
    try:
        MLDSA65PublicKey.from_public_bytes(pk[:1952]).verify(sig[:3309], mp, COMPOSITE_LABEL)
    except InvalidSignature:
        ok = False
    try:
        Ed25519PublicKey.from_public_bytes(pk[1952:]).verify(sig[3309:], mp)
    except InvalidSignature:
        ok = False
    return ok


def signer_keys(kind: int, seed: bytes):
    """The public key, and the Ed25519 private key, of signer seed `seed` (HKDF-SHA-256)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA65PrivateKey

    def sub(info: bytes) -> bytes:
        return hkdf_expand(hkdf_extract(b"", seed), info, 32)

    if kind == 1:
        ml = MLDSA65PrivateKey.from_seed_bytes(sub(b"seal signer v1 ML-DSA-65 seed"))
        ed = Ed25519PrivateKey.from_private_bytes(sub(b"seal signer v1 hybrid Ed25519 seed"))
        return ml.public_key().public_bytes_raw() + ed.public_key().public_bytes_raw(), ed
    ed = Ed25519PrivateKey.from_private_bytes(sub(b"seal signer v1 Ed25519 seed"))
    return ed.public_key().public_bytes_raw(), ed


def check_signed(path: pathlib.Path):
    import blake3

    v = load(path)
    stream = bytes.fromhex(v["stream"])
    assert stream[8] == 3 and stream[10] == 1, "a signed key-file stream"
    at = 47
    kind = stream[at]
    pk_len, sig_len = SIGNER_KINDS[kind]
    public = stream[at + 1 : at + 1 + pk_len]
    clen = int.from_bytes(stream[at + 1 + pk_len : at + 3 + pk_len], "big")
    assert clen <= 1024
    comment = stream[at + 3 + pk_len : at + 3 + pk_len + clen]
    assert comment == bytes.fromhex(v["comment"])
    header_len = at + 3 + pk_len + clen + 32
    header = stream[:header_len]
    frames, signature = stream[header_len:-sig_len], stream[-sig_len:]
    # The signer's public key, re-derived from its seed.
    derived, ed = signer_keys(kind, bytes.fromhex(v["signer_seed"]))
    assert derived == public, "public key from the seed"
    # Decrypt (the frames alone, as an unsigned decoder would after the header).
    key = parse_key(v["key"])
    frame_key, commitment = derive(key, header[:-32])
    assert hmac.compare_digest(commitment, header[-32:]), "commitment"
    assert decode_frames(header, frame_key, header + frames) == bytes.fromhex(v["plaintext"])
    # Frame digests, transcript, message.
    full = int.from_bytes(header[11:15], "big") + OVERHEAD
    t = blake3.blake3(derive_key_context=TRANSCRIPT_CONTEXT)
    t.update(header)
    n = 0
    for pos in range(0, len(frames), full):
        d = blake3.blake3(derive_key_context=FRAME_DIGEST_CONTEXT)
        d.update(n.to_bytes(8, "big") + frames[pos : pos + full])
        t.update(d.digest())
        n += 1
    t.update(n.to_bytes(8, "big"))
    m = b"seal signed stream v1" + bytes([kind]) + public + clen.to_bytes(2, "big") + comment + t.digest()
    if kind == 1:
        assert composite_verify(public, m, SIGNATURE_CONTEXT, signature), "composite signature"
        assert ed.sign(composite_message(SIGNATURE_CONTEXT, m)) == signature[3309:], "Ed25519 half, byte for byte"
    else:
        ed.public_key().verify(signature, m)
        assert ed.sign(m) == signature, "Ed25519 signature, byte for byte"
    bad = bytearray(signature)
    bad[-1] ^= 1
    if kind == 1:
        assert not composite_verify(public, m, SIGNATURE_CONTEXT, bytes(bad))


def check_primitives(here: pathlib.Path):
    import blake3

    v = load(here / "primitives" / "composite-mldsa65-ed25519.txt")
    pk, m, ctx = (bytes.fromhex(v[k]) for k in ("pk", "m", "ctx"))
    assert composite_verify(pk, m, b"", bytes.fromhex(v["s"]))
    assert composite_verify(pk, m, ctx, bytes.fromhex(v["sWithContext"]))
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA65PublicKey

    pk = None
    for line in (here / "primitives" / "wycheproof-mldsa65-verify.txt").read_text().splitlines():
        if line.startswith("#"):
            continue
        parts = line.split(" ")
        if parts[0] == "pk":
            pk = MLDSA65PublicKey.from_public_bytes(bytes.fromhex(parts[1]))
            continue
        ctx, msg, sig = (b"" if x == "-" else bytes.fromhex(x) for x in parts[2:5])
        try:
            pk.verify(sig, msg, ctx)
            ok = True
        except (InvalidSignature, ValueError):
            ok = False
        assert ok == (parts[1] == "valid"), f"Wycheproof ML-DSA-65 tcId {parts[0]}"
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA65PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    # ACVP key generation: OpenSSL's ML-DSA-65 from the seed gives the published public key.
    for line in (here / "primitives" / "acvp-mldsa65-keygen.txt").read_text().splitlines():
        if line.startswith("#"):
            continue
        tc, seed, pk = line.split(" ")[:3]
        made = MLDSA65PrivateKey.from_seed_bytes(bytes.fromhex(seed)).public_key()
        assert made.public_bytes(Encoding.Raw, PublicFormat.Raw).hex() == pk, f"ACVP tcId {tc}"
    # Wycheproof's Ed25519 subset (OpenSSL is not verify_strict, but this subset holds no case
    # where the two differ; the speccheck cases, which do, are checked in Rust only).
    pk = None
    for line in (here / "primitives" / "wycheproof-ed25519-verify.txt").read_text().splitlines():
        if line.startswith("#"):
            continue
        parts = line.split(" ")
        if parts[0] == "pk":
            pk = Ed25519PublicKey.from_public_bytes(bytes.fromhex(parts[1]))
            continue
        msg, sig = (b"" if x == "-" else bytes.fromhex(x) for x in parts[3:5])
        try:
            pk.verify(sig, msg)
            ok = True
        except (InvalidSignature, ValueError):
            ok = False
        assert ok == (parts[1] == "valid"), f"Wycheproof Ed25519 tcId {parts[0]}"
    for line in (here / "primitives" / "blake3.txt").read_text().splitlines():
        if line.startswith("#"):
            continue
        n, h, dk = line.split(" ")
        data = bytes(i % 251 for i in range(int(n)))
        assert blake3.blake3(data).digest(131).hex() == h
        assert blake3.blake3(data, derive_key_context="BLAKE3 2019-12-27 16:29:52 test vectors context").digest(131).hex() == dk


PROTECTED_SIGNER_HRPS = {"ed25519": "SEAL-SIGNER-ED25519-PASSPHRASE-", "mldsa65-ed25519": "SEAL-SIGNER-PQ-PASSPHRASE-"}


def check_protected_signer(path: pathlib.Path):
    """A passphrase-protected signer file: decoded, its cost bounded, opened with OpenSSL's
    Argon2id and ChaCha20-Poly1305, its seed and public key compared, and re-encoded."""
    v = load(path)
    hrp = PROTECTED_SIGNER_HRPS[v["signature_kind"]]
    got_hrp, data = bech32m_decode(v["secret"])
    assert got_hrp == hrp.lower() and len(data) == 92, path
    params = data[:12]
    memory, passes, lanes = kdf_params(params)
    assert (memory, passes, lanes) == (int(v["memory_kib"]), int(v["passes"]), int(v["lanes"]))
    salt, wrapped, tag = data[12:44], data[44:76], data[76:]
    assert salt.hex() == v["salt"]
    w = stretch(v["passphrase"].encode(), salt, memory, passes, lanes)
    ad = hrp.encode() + params
    seed = ChaCha20Poly1305(w).decrypt(bytes(12), wrapped + tag, ad)
    assert seed.hex() == v["signer_seed"], path
    public, _ = signer_keys(1 if v["signature_kind"] == "mldsa65-ed25519" else 2, seed)
    assert bech32m_decode(v["signer_public"])[1] == public, path
    # Re-encoded: the same bytes; a wrong passphrase or another kind's AD fails.
    assert ChaCha20Poly1305(w).encrypt(bytes(12), seed, ad) == wrapped + tag
    for bad_w, bad_ad in ((hashlib.sha256(w).digest(), ad), (w, b"SEAL-SIGNER-X-" + params)):
        try:
            ChaCha20Poly1305(bad_w).decrypt(bytes(12), wrapped + tag, bad_ad)
        except Exception:
            continue
        raise AssertionError("a wrong key or AD opened the signer file")


def main() -> int:
    here = pathlib.Path(__file__).resolve().parent / "vectors"
    if len(sys.argv) == 3 and sys.argv[1] == "--example":
        v = load(here / f"{sys.argv[2]}.txt")
        (kind, secret), kdf = secret_of(v)
        stream = bytes.fromhex(v["stream"])
        bound = stream[: header_length(stream) - 32]
        if kind == "identity":
            key = bytes.fromhex(v["file_key"])
            r_kind, identity = secret
            body = recipient_stanzas(stream)[0][0][1]
            enc = body[: ENC_LEN[r_kind]]
            if r_kind == KIND_X25519:
                suite = b"KEM" + (0x0020).to_bytes(2, "big")
                ikm = bytes.fromhex(v["hpke_randomness"])[:32]
                sk_e = labeled_expand(suite, labeled_extract(suite, b"", b"dkp_prk", ikm), b"sk", b"", 32)
                print("identity_secret", identity.hex())
                print("recipient_public", x25519_public(identity).hex())
                print("ephemeral_ikm", ikm.hex())
                print("ephemeral_secret", sk_e.hex())
                print("dh", x25519(identity, enc).hex())
            else:
                print("identity_seed", identity.hex())
            ss = kem_shared_secret(r_kind, identity, enc)
            hpke_key, base_nonce = hpke_key_schedule(r_kind, ss)
            print("enc", enc.hex())
            print("shared_secret", ss.hex())
            print("hpke_key", hpke_key.hex())
            print("hpke_base_nonce", base_nonce.hex())
            print("wrapped", body[ENC_LEN[r_kind] :].hex())
            print("file_key", key.hex())
        elif kind == "key":
            key = secret
            print("checksum", v["key"][-8:])
        else:
            key = stretch(secret, stream[15:47], *kdf)
            print("stretched", key.hex())
        frame_key, commitment = derive(key, bound)
        print("plaintext", bytes.fromhex(v["plaintext"]).hex())
        print("bound", bound.hex())
        print("frame_key", frame_key.hex())
        print("commitment", commitment.hex())
        for i in range(0, len(stream), 16):
            print("dump %04x: %s" % (i, " ".join(f"{b:02x}" for b in stream[i : i + 16])))
        return 0
    paths = sorted(here.glob("*.txt"))
    for path in paths:
        check(path)
    check_armor_example(here)
    signed = sorted((here / "signed").glob("*.txt"))
    for path in signed:
        check_signed(path)
    check_primitives(here)
    protected = sorted((here / "signer-files").glob("*-passphrase.txt"))
    for path in protected:
        check_protected_signer(path)
    print(
        f"independent decoder: {len(paths)} vectors, {len(signed)} signed vectors, "
        f"{len(protected)} protected signer files, the armor example "
        "and the published primitive vectors (composite, Wycheproof, ACVP, BLAKE3) passed, 0 failed"
    )
    return 0 if paths else 1


if __name__ == "__main__":
    sys.exit(main())
