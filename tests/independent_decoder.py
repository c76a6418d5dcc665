#!/usr/bin/env python3
"""An independent seal decoder and encoder (version 1, fixed framing, and version 2, live
framing), written from docs/FORMAT.md alone.

It checks every known-answer vector in tests/vectors/: the key text parses (or the passphrase
stretches, with OpenSSL's Argon2id), decoding the stream gives the plaintext, encoding the
plaintext with the vector's secret and salt gives the stream byte for byte, and damaged copies
of the stream are refused. It also reads the armored worked example in docs/FORMAT.md and
refuses malformed copies of it. CI runs it (see .ci/run); it needs the Python `cryptography`
package (44 or later, for Argon2id). `--example NAME` prints the intermediate values of one vector
for the worked example in docs/FORMAT.md.
"""

import base64
import hashlib
import hmac
import pathlib
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = bytes([0x89, 0x53, 0x45, 0x41, 0x4C, 0x0D, 0x0A, 0x1A])
HEADER_LEN = {1: 79, 2: 91}
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


def nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def decode(secret, stream: bytes) -> bytes:
    """secret: ("key", 32 bytes) or ("passphrase", bytes)."""
    if stream[: min(len(stream), 8)] != MAGIC[: min(len(stream), 8)]:
        raise Refused("bad magic")
    if len(stream) < 15:
        raise Refused("truncated header")
    if stream[8] not in (1, 2):
        raise Refused("version")
    if stream[9] not in CIPHERS:
        raise Refused("cipher")
    if stream[10] not in HEADER_LEN:
        raise Refused("key kind")
    chunk = int.from_bytes(stream[11:15], "big")
    if not 64 <= chunk <= 16 * 1024 * 1024:
        raise Refused("chunk size")
    header_len = HEADER_LEN[stream[10]]
    if len(stream) < header_len:
        raise Refused("truncated header")
    header = stream[:header_len]
    bound = header[:-32]
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
    """secret as for decode; kdf: (memory_kib, passes, lanes) for a passphrase; frames: the
    plaintext length of every frame of a live (version 2) stream, else fixed framing."""
    version = 1 if frames is None else 2
    if secret[0] == "key":
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


def secret_of(v: dict):
    if "key" in v:
        return ("key", parse_key(v["key"])), None
    kdf = tuple(int(v[f]) for f in ("kdf_memory_kib", "kdf_passes", "kdf_lanes"))
    return ("passphrase", bytes.fromhex(v["passphrase"])), kdf


def check(path: pathlib.Path) -> None:
    v = load(path)
    secret, kdf = secret_of(v)
    key = secret
    stream = bytes.fromhex(v["stream"])
    plain = bytes.fromhex(v["plaintext"])
    assert decode(key, stream) == plain, f"{path.name}: decoded plaintext differs"
    frames = [int(n) for n in v["frames"].split(",")] if "frames" in v else None
    again = encode(key, CIPHER_NAMES[v["cipher"]], int(v["chunk_size"]), bytes.fromhex(v["salt"]), plain, kdf, frames)
    assert again == stream, f"{path.name}: re-encoded stream differs"
    damaged = [stream[:-1], stream + b"\x00", stream[: HEADER_LEN[stream[10]]]]
    if frames is not None:
        # Relabelled as fixed framing; and frames dropped, duplicated and reordered.
        damaged.append(stream[:8] + b"\x01" + stream[9:])
        starts, at = [], HEADER_LEN[stream[10]]
        for length in frames:
            starts.append(at)
            at += length + 32
        cut = [stream[a : a + frames[i] + 32] for i, a in enumerate(starts)]
        head = stream[: starts[0]]
        damaged.append(head + b"".join(cut[1:]))
        damaged.append(head + b"".join(cut[:1] + cut))
        damaged.append(head + b"".join(cut[1:2] + cut[:1] + cut[2:]))
        damaged.append(head + b"".join(cut[:-1]))
    for offset in range(0, len(stream), 7):
        flipped = bytearray(stream)
        flipped[offset] ^= 0x01
        damaged.append(bytes(flipped))
    for bad in damaged:
        try:
            decode(key, bad)
        except Refused:
            continue
        raise AssertionError(f"{path.name}: a damaged stream was accepted")


def main() -> int:
    here = pathlib.Path(__file__).resolve().parent / "vectors"
    if len(sys.argv) == 3 and sys.argv[1] == "--example":
        v = load(here / f"{sys.argv[2]}.txt")
        (kind, secret), kdf = secret_of(v)
        stream = bytes.fromhex(v["stream"])
        bound = stream[: HEADER_LEN[stream[10]] - 32]
        if kind == "key":
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
    print(f"independent decoder: {len(paths)} vectors and the armor example passed, 0 failed")
    return 0 if paths else 1


if __name__ == "__main__":
    sys.exit(main())
