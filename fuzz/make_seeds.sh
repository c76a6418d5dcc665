#!/usr/bin/env bash
# Makes the seed corpus of real seal streams under the fuzz key (0x42 × 32).
set -euo pipefail
cd "$(dirname "$0")/.."
S=target/release/seal
cargo build --release --quiet
k=$(mktemp); trap 'rm -f "$k"' EXIT
cargo run --quiet --manifest-path fuzz/Cargo.toml --bin fuzz_key > "$k"
chmod 600 "$k"
out=fuzz/seeds
mkdir -p "$out/decrypt" "$out/header" "$out/key_text" "$out/armor"
i=0
for cipher in aes-256-gcm chacha20-poly1305; do
  for spec in "0 64" "1 64" "64 64" "65 64" "200 64" "1000 100" "5000 1KiB" "70000 64KiB"; do
    set -- $spec
    i=$((i + 1))
    head -c "$1" /dev/urandom > /tmp/seedplain
    # The first byte of a decrypt seed picks the thread count.
    { printf '\x00'; "$S" enc -k "$k" --cipher "$cipher" --chunk-size "$2" /tmp/seedplain; } > "$out/decrypt/$cipher-$1"
    # (head first: under pipefail, `tail | head` fails when head closes the pipe early)
    head -c 80 "$out/decrypt/$cipher-$1" | tail -c 79 > "$out/header/$cipher-$1"
  done
done
# A passphrase header (key kind 2, with its Argon2id parameter block).
printf 'seed' > /tmp/seedplain
SEED_PW=fuzz "$S" enc --passphrase-env SEED_PW --kdf-memory 1MiB --kdf-passes 1 /tmp/seedplain \
  | head -c 91 > "$out/header/passphrase"
# Armored streams: one frame, and several.
printf 'seal' | "$S" enc -a -k "$k" --chunk-size 64 > "$out/armor/small"
head -c 300 /dev/urandom | "$S" enc -a -k "$k" --chunk-size 64 > "$out/armor/frames"
cp "$k" "$out/key_text/key"
printf 'SEAL-KEY-1-00\n' > "$out/key_text/short"
# Recipient headers (key kind 3) and identity/recipient texts, from the known-answer vectors.
python3 - "$out" <<'PY'
import pathlib, sys
out = pathlib.Path(sys.argv[1])
for path in sorted(pathlib.Path("tests/vectors").glob("*recipient*.txt")):
    fields = dict(l.split(": ", 1) for l in path.read_text().splitlines() if ": " in l and not l.startswith("#"))
    stream = bytes.fromhex(fields["stream"])
    count, at = int.from_bytes(stream[47:49], "big"), 49
    for _ in range(count):
        at += 3 + int.from_bytes(stream[at + 1 : at + 3], "big")
    (out / "header" / path.stem).write_bytes(stream[: at + 32])
    (out / "key_text" / f"{path.stem}-identity").write_text(fields["identity_1"] + "\n")
    (out / "key_text" / f"{path.stem}-recipient").write_text(fields["recipient_1"])
PY
# Signed streams under the fuzz key. By signed_decode's allowed signers (fuzz_key prints their
# signer files): streams that verify, so the fuzzer starts past the signer check and the key
# commitment, in the frames, the held-back signature and both passes; 0 bytes is one empty
# frame, 10 one frame, 150 three (chunk 64). By other signers: refused as not allowed, and
# decrypted in one pass without required signers. Both kinds, a comment, several frames.
mkdir -p "$out/signed_decode"
d=$(mktemp -d); trap 'rm -rf "$k" "$d"' EXIT
for kind in ed25519 mldsa65-ed25519; do
  cargo run --quiet --manifest-path fuzz/Cargo.toml --bin fuzz_key -- "$kind" > "$d/allowed-$kind"
  chmod 600 "$d/allowed-$kind"
  for n in 0 10 150; do
    head -c "$n" /dev/urandom | "$S" enc -k "$k" --chunk-size 64 --sign "$d/allowed-$kind" \
      > "$out/signed_decode/allowed-$kind-$n"
  done
done
head -c 100 /dev/urandom | "$S" enc -k "$k" --chunk-size 64 --sign "$d/allowed-ed25519" \
  --signed-comment "app 1.0" > "$out/signed_decode/allowed-ed25519-comment"
"$S" keygen --signer --signer-kind ed25519 -o "$d/ed" 2>/dev/null
"$S" keygen --signer -o "$d/pq" 2>/dev/null
printf 'seal' | "$S" enc -k "$k" --chunk-size 64 --sign "$d/ed" > "$out/signed_decode/ed25519-small"
head -c 300 /dev/urandom | "$S" enc -k "$k" --chunk-size 64 --sign "$d/ed" \
  --signed-comment "app 1.0" > "$out/signed_decode/ed25519-frames-comment"
head -c 200 /dev/urandom | "$S" enc -k "$k" --chunk-size 64 --sign "$d/pq" > "$out/signed_decode/mldsa65-ed25519"
# Protected signer files: the known-answer vectors' texts (Argon2id m = 8, t = 1, p = 1, under
# a passphrase the target tries), the secret line alone and as a whole file with its comment
# and `# public:` lines, in CRLF.
for v in tests/vectors/signer-files/*-passphrase.txt; do
  name=$(basename "$v" .txt)
  sed -n 's/^secret: //p' "$v" > "$out/signer_text/$name"
  { printf '# seal signer\r\n# public: %s\r\n' "$(sed -n 's/^signer_public: //p' "$v")"
    printf '%s\r\n' "$(sed -n 's/^secret: //p' "$v")"; } > "$out/signer_text/$name-file-crlf"
done
