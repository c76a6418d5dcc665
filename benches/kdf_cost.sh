#!/usr/bin/env bash
# Measures what a passphrase costs: the time of `seal enc` and `seal dec` on an empty input with
# a passphrase at the default Argon2id cost (256 MiB, 6 passes) against the same with a key file,
# run alternately, RUNS times each. Prints medians, the difference (the Argon2id time) and the
# peak RSS of a passphrase run.
#   usage: benches/kdf_cost.sh [RUNS]   (default 9)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
cargo build --release --quiet
S=$PWD/target/release/seal
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$S" keygen -o key
: > empty
export BENCH_PW="bench passphrase"
"$S" enc --passphrase-env BENCH_PW -o pass.seal empty
"$S" enc -k key -o key.seal empty

now() { date +%s.%N; }
time_of() { local t0; t0=$(now); "$@" > /dev/null; echo "$(now) - $t0" | bc -l; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for ((i = 0; i < runs; i++)); do
  time_of "$S" enc --passphrase-env BENCH_PW empty >> enc_pass
  time_of "$S" enc -k key empty >> enc_key
  time_of "$S" dec --passphrase-env BENCH_PW pass.seal >> dec_pass
  time_of "$S" dec -k key key.seal >> dec_key
done
for op in enc dec; do
  p=$(median < "${op}_pass"); k=$(median < "${op}_key")
  printf '%s: passphrase %.3f s, key file %.3f s, Argon2id %.3f s (median of %d)\n' \
    "$op" "$p" "$k" "$(echo "$p - $k" | bc -l)" "$runs"
done
rss=$( { /usr/bin/time -f '%M' "$S" dec --passphrase-env BENCH_PW pass.seal > /dev/null; } 2>&1 )
echo "peak RSS of a passphrase dec: $((rss / 1024)) MiB"
