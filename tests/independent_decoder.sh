#!/bin/sh
# Runs tests/independent_decoder.py (the decoder written from docs/FORMAT.md alone) with
# Python's `cryptography` package. When the system's python3 lacks it (or has one without
# Argon2id, or without ML-KEM-768 from a seed for the X-Wing recipient vectors, or without
# ML-DSA-65 or the `blake3` package for the signed vectors), it is installed
# in a virtual environment under target/, never into the system.
set -eu
cd "$(dirname "$0")/.."
check='from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey
MLKEM768PrivateKey.from_seed_bytes(bytes(64))
from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA65PrivateKey
import blake3'
if python3 -c "$check" 2>/dev/null; then
    exec python3 tests/independent_decoder.py
fi
venv=target/independent-decoder-venv
if ! "$venv/bin/python" -c "$check" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv" || {
        echo "independent_decoder.sh: python3 -m venv failed (on Debian and Ubuntu: apt install python3-venv)" >&2
        exit 1
    }
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'cryptography>=48' 'blake3>=1.0.11'
fi
exec "$venv/bin/python" tests/independent_decoder.py
