#!/usr/bin/env bash
# What public-key recipients cost, against a key file, in one run on one machine.
#
#   benches/recipients.sh [SIZE_MIB] [ROUNDS]      (defaults: 1024 MiB, 5 rounds)
#
# 1. A SIZE_MIB file encrypted and decrypted file → file with a key file and with one
#    ML-KEM-768 + X25519 recipient: the header is the only difference, so the times should
#    match. Cases run interleaved, in a fresh random order each round; min and median wall
#    time are reported.
# 2. The header alone: encrypting 1 byte with a key file, to 1 recipient and to 100 recipients
#    of each kind, and decrypting those streams with the identity of the last recipient (the
#    worst case: every stanza of its kind is tried first). Each is the median of ROUNDS × 5
#    runs of the whole process; the key-file case is the baseline of process start-up.
# 3. Many identities (issue 17): 100 stanzas of mixed kinds (34 X-Wing, 33 X25519, 33 SSH
#    Ed25519) decrypted with 10 identities (4 X-Wing, 4 X25519, 2 SSH) whose match is the last
#    stanza; and the decoder's bound: 1024 X-Wing stanzas tried with 4 X-Wing identities
#    (16,384 units, the most seal accepts), none matching. Wall and CPU (user + sys) seconds,
#    min and median of ROUNDS runs each.
# Files live on tmpfs (/dev/shm) when it has room, as in benches/compare.sh.
set -euo pipefail

SIZE_MIB=${1:-1024}
ROUNDS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SEAL=${SEAL:-"$ROOT/target/release/seal"}
if [ -z "${BENCH_DIR:-}" ] && [ "$(df -k --output=avail /dev/shm 2>/dev/null | tail -1)" -gt $((SIZE_MIB * 1024 * 4)) ]; then
    BENCH_DIR=$(mktemp -d /dev/shm/seal-bench.XXXXXX)
fi
WORK=${BENCH_DIR:-$(mktemp -d /var/tmp/seal-bench.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
if [ "$SEAL" = "$ROOT/target/release/seal" ]; then
    (cd "$ROOT" && cargo build --release --locked --quiet)
fi
echo "# seal recipients: ${SIZE_MIB} MiB, ${ROUNDS} rounds, $(nproc) cores, $(date -u +%F)"
echo "# files in $(df --output=fstype "$WORK" | tail -1) ($WORK)"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
min() { sort -n | head -1; }

"$SEAL" keygen -o "$WORK/key"
"$SEAL" keygen --identity -o "$WORK/pq.id" 2>/dev/null
PQ=$("$SEAL" recipient "$WORK/pq.id")
IN="$WORK/in.bin"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$IN"
"$SEAL" enc -k "$WORK/key" -o "$WORK/key.seal" "$IN"
"$SEAL" enc -r "$PQ" -o "$WORK/pq.seal" "$IN"
cat "$IN" "$WORK/key.seal" "$WORK/pq.seal" > /dev/null

export SEAL WORK IN PQ
CASES=(
  "enc key file|\"\$SEAL\" enc -k \"\$WORK/key\" -o \"\$WORK/out\" \"\$IN\""
  "enc 1 pq recipient|\"\$SEAL\" enc -r \"\$PQ\" -o \"\$WORK/out\" \"\$IN\""
  "dec key file|\"\$SEAL\" dec -k \"\$WORK/key\" -o \"\$WORK/out\" \"\$WORK/key.seal\""
  "dec 1 pq recipient|\"\$SEAL\" dec -k \"\$WORK/pq.id\" -o \"\$WORK/out\" \"\$WORK/pq.seal\""
)
declare -A T
for ((r = 1; r <= ROUNDS; r++)); do
    for i in $(shuf -i 0-$((${#CASES[@]} - 1))); do
        name=${CASES[$i]%%|*}
        cmd=${CASES[$i]#*|}
        start=$(now)
        bash -c "$cmd"
        end=$(now)
        sync
        T[$name]+="$(( (end - start) / 1000000 )) "
    done
done
echo
echo "| case (${SIZE_MIB} MiB, file → file) | min s | median s | MiB/s (median) |"
echo "|---|---:|---:|---:|"
for c in "${CASES[@]}"; do
    name=${c%%|*}
    ms_min=$(tr ' ' '\n' <<< "${T[$name]}" | grep . | min)
    ms_med=$(tr ' ' '\n' <<< "${T[$name]}" | grep . | median)
    printf '| %s | %.3f | %.3f | %d |\n' "$name" "$(bc -l <<< "$ms_min/1000")" \
        "$(bc -l <<< "$ms_med/1000")" "$(( SIZE_MIB * 1000 / (ms_med > 0 ? ms_med : 1) ))"
done

# 2. The header alone.
printf 'x' > "$WORK/one"
for kind in mlkem768x25519 x25519; do
    : > "$WORK/$kind-100.txt"
    for i in $(seq 1 100); do
        "$SEAL" keygen --identity --kind "$kind" -o "$WORK/$kind-$i.id" 2>/dev/null
        "$SEAL" recipient "$WORK/$kind-$i.id" >> "$WORK/$kind-100.txt"
    done
    "$SEAL" enc -R "$WORK/$kind-100.txt" -o "$WORK/$kind-100.seal" "$WORK/one"
    head -1 "$WORK/$kind-100.txt" > "$WORK/$kind-1.txt"
    "$SEAL" enc -R "$WORK/$kind-1.txt" -o "$WORK/$kind-1.seal" "$WORK/one"
done
"$SEAL" enc -k "$WORK/key" -o "$WORK/one.seal" "$WORK/one"
time_ms() { # median wall ms of ROUNDS × 5 runs of "$@"
    for ((k = 0; k < ROUNDS * 5; k++)); do
        start=$(now); "$@" > /dev/null; end=$(now)
        echo $(( (end - start) / 1000 ))
    done | median | awk '{printf "%.2f", $1 / 1000}'
}
echo
echo "| 1-byte stream | enc ms (median) | dec ms (median, last recipient's identity) | header bytes |"
echo "|---|---:|---:|---:|"
echo "| key file | $(time_ms "$SEAL" enc -k "$WORK/key" -o "$WORK/o" "$WORK/one") | $(time_ms "$SEAL" dec -k "$WORK/key" "$WORK/one.seal") | $(( $(stat -c %s "$WORK/one.seal") - 29 )) |"
for kind in mlkem768x25519 x25519; do
    for n in 1 100; do
        last=$([ "$n" = 1 ] && echo 1 || echo 100)
        echo "| $n $kind recipient(s) | $(time_ms "$SEAL" enc -R "$WORK/$kind-$n.txt" -o "$WORK/o" "$WORK/one") | $(time_ms "$SEAL" dec -k "$WORK/$kind-$last.id" "$WORK/$kind-$n.seal") | $(( $(stat -c %s "$WORK/$kind-$n.seal") - 29 )) |"
    done
done

# 3. Many identities and the trial-work bound.
M="$WORK/many"; mkdir -p "$M"
: > "$M/r.txt"
for i in $(seq 1 34); do "$SEAL" keygen --identity -o "$M/p$i.id" 2>/dev/null; "$SEAL" recipient "$M/p$i.id" >> "$M/r.txt"; done
for i in $(seq 1 33); do "$SEAL" keygen --identity --kind x25519 -o "$M/x$i.id" 2>/dev/null; "$SEAL" recipient "$M/x$i.id" >> "$M/r.txt"; done
for i in $(seq 1 33); do ssh-keygen -q -t ed25519 -N '' -f "$M/s$i"; cat "$M/s$i.pub" >> "$M/r.txt"; done
"$SEAL" enc --allow-classical-mix -R "$M/r.txt" -o "$M/100.seal" "$WORK/one"
# The identities: 4 X-Wing and 4 X25519 ones that no stanza is for, an SSH key no stanza is
# for, and the last stanza's SSH key: every stanza is tried with every identity of its kind.
for i in 1 2 3 4; do
    "$SEAL" keygen --identity -o "$M/op$i.id" 2>/dev/null
    "$SEAL" keygen --identity --kind x25519 -o "$M/ox$i.id" 2>/dev/null
done
ssh-keygen -q -t ed25519 -N '' -f "$M/os"
cat "$M"/op{1,2,3,4}.id "$M"/ox{1,2,3,4}.id > "$M/ids"; chmod 600 "$M/ids"
: > "$M/r1024.txt"
for i in $(seq 1 1024); do "$SEAL" keygen --identity -o "$M/q.id" 2>/dev/null; "$SEAL" recipient "$M/q.id" >> "$M/r1024.txt"; rm "$M/q.id"; done
"$SEAL" enc -R "$M/r1024.txt" -o "$M/1024.seal" "$WORK/one"
cat "$M"/op{1,2,3,4}.id > "$M/pq4"; chmod 600 "$M/pq4"
run_case() { # prints "wall_s cpu_s" of one run of "$@" (its exit status ignored)
    local t0
    t0=$(now)
    /usr/bin/time -f '%U %S' -o "$M/time" "$@" > /dev/null 2>&1 || true
    echo "$(bc -l <<< "($(now) - $t0) / 1000000000") $(tail -1 "$M/time" | awk '{print $1 + $2}')"
}
echo
echo "| case | wall s min | wall s median | CPU s median |"
echo "|---|---:|---:|---:|"
for c in "100 mixed stanzas × 10 identities (match last)|$SEAL dec -k $M/ids -k $M/os -k $M/s33 $M/100.seal" \
         "1024 X-Wing stanzas × 4 X-Wing identities (the bound, no match)|$SEAL dec -k $M/pq4 $M/1024.seal"; do
    name=${c%%|*}; cmd=${c#*|}
    : > "$M/w"; : > "$M/c"
    for ((r = 0; r < ROUNDS; r++)); do
        read -r w c <<< "$(run_case $cmd)"; echo "$w" >> "$M/w"; echo "$c" >> "$M/c"
    done
    printf '| %s | %.3f | %.3f | %.3f |\n' "$name" "$(min < "$M/w")" "$(median < "$M/w")" "$(median < "$M/c")"
done
