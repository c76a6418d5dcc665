#!/usr/bin/env bash
# Side-by-side throughput of seal against moving the same bytes with no encryption, and
# against openssl, age and gpg where installed, in one run on one machine.
#
#   benches/compare.sh [SIZE_MIB] [ROUNDS]      (defaults: 1024 MiB, 5 rounds)
#
# Every command runs ROUNDS times, interleaved round by round in a fresh random order (so a
# noisy neighbour hits all of them alike); the min and median wall time of each are
# reported, with the median CPU time (user + sys, of every process of the case, through
# /usr/bin/time) per GiB beside them, and ratios use medians. Each run's output is synced
# before the next run starts. Input comes from a file in the page cache; outputs go to the
# same directory as the input. Last, the first-line latency of a live stream (a producer that
# writes one line, then pauses) through `enc | dec`, for seal --max-delay 200ms and 1s and
# for age.
set -euo pipefail

SIZE_MIB=${1:-1024}
ROUNDS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SEAL=${SEAL:-"$ROOT/target/release/seal"}   # SEAL=/path/to/seal measures another build
# Files live on tmpfs by default: on this VM, writes of fresh files to the disk-backed file
# system swing between ~0.3 s and ~3 s per GiB for cp as much as for seal, which drowns
# what is being measured. BENCH_DIR=/some/disk/dir measures there instead.
if [ -z "${BENCH_DIR:-}" ] && [ "$(df -k --output=avail /dev/shm 2>/dev/null | tail -1)" -gt $((SIZE_MIB * 1024 * 5)) ]; then
    BENCH_DIR=$(mktemp -d /dev/shm/seal-bench.XXXXXX)
fi
WORK=${BENCH_DIR:-$(mktemp -d /var/tmp/seal-bench.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT

if [ "$SEAL" = "$ROOT/target/release/seal" ]; then
    (cd "$ROOT" && cargo build --release --locked --quiet)
fi
NPROC=$(nproc)
echo "# seal compare: ${SIZE_MIB} MiB, ${ROUNDS} rounds, $NPROC cores, $(date -u +%F)"
echo "# seal $("$SEAL" --version | cut -d' ' -f2), default threads = $NPROC, files in $(df --output=fstype "$WORK" | tail -1) ($WORK)"

IN="$WORK/in.bin"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$IN"
"$SEAL" keygen -o "$WORK/key"
"$SEAL" enc -k "$WORK/key" -o "$WORK/in.seal" "$IN"
HAVE_AGE=0
if command -v age >/dev/null && command -v age-keygen >/dev/null; then
    HAVE_AGE=1
    age-keygen -o "$WORK/age.key" 2>/dev/null
    AGE_RCPT=$(age-keygen -y "$WORK/age.key")
    age -r "$AGE_RCPT" -o "$WORK/in.age" "$IN"
fi
HAVE_GPG=0
if command -v gpg >/dev/null && [ -z "${NO_GPG:-}" ]; then   # NO_GPG=1 skips gpg
    HAVE_GPG=1
    export GNUPGHOME="$WORK/gnupg"
    mkdir -m 700 "$GNUPGHOME"
fi
cat "$IN" "$WORK/in.seal" > /dev/null   # warm the page cache

# name|command (run with bash -c; $IN, $WORK, $SEAL are exported)
export IN WORK SEAL AGE_RCPT=${AGE_RCPT:-}
CASES=(
  "cp|cp \"\$IN\" \"\$WORK/out\""
  "enc file t1|\"\$SEAL\" enc -k \"\$WORK/key\" --threads 1 -o \"\$WORK/out\" \"\$IN\""
  "enc file tN|\"\$SEAL\" enc -k \"\$WORK/key\" -o \"\$WORK/out\" \"\$IN\""
  "dec file t1|\"\$SEAL\" dec -k \"\$WORK/key\" --threads 1 -o \"\$WORK/out\" \"\$WORK/in.seal\""
  "dec file tN|\"\$SEAL\" dec -k \"\$WORK/key\" -o \"\$WORK/out\" \"\$WORK/in.seal\""
  "cat pipe|cat \"\$IN\" | cat | cat > /dev/null"
  "enc pipe t1|cat \"\$IN\" | \"\$SEAL\" enc -k \"\$WORK/key\" --threads 1 | cat > /dev/null"
  "enc pipe tN|cat \"\$IN\" | \"\$SEAL\" enc -k \"\$WORK/key\" | cat > /dev/null"
  "dec pipe t1|cat \"\$WORK/in.seal\" | \"\$SEAL\" dec -k \"\$WORK/key\" --threads 1 | cat > /dev/null"
  "dec pipe tN|cat \"\$WORK/in.seal\" | \"\$SEAL\" dec -k \"\$WORK/key\" | cat > /dev/null"
)
if [ $HAVE_AGE = 1 ]; then
  CASES+=("age enc file|age -r \"\$AGE_RCPT\" -o \"\$WORK/out\" \"\$IN\"")
  CASES+=("age dec file|age -d -i \"\$WORK/age.key\" -o \"\$WORK/out\" \"\$WORK/in.age\"")
fi
if [ $HAVE_GPG = 1 ]; then
  CASES+=("gpg -c enc file|gpg --batch -q --pinentry-mode loopback --passphrase bench --compress-algo none --cipher-algo AES256 -c -o \"\$WORK/out\" \"\$IN\"")
fi

declare -A TIMES CPUS
for ((r = 1; r <= ROUNDS; r++)); do
  # A new random order every round, so that whatever the machine does at a given point of a
  # round (writeback, a neighbour's load) falls on every case alike.
  for i in $(shuf -i 1-${#CASES[@]}); do
    c=${CASES[$((i - 1))]}
    name=${c%%|*}; cmd=${c#*|}
    export OUT="$WORK/out.$i"
    cmd=${cmd//\$WORK\/out/\$OUT}
    /usr/bin/time -f '%e %U %S' -o "$WORK/time" bash -c "set -o pipefail; $cmd"
    read -r wall user sys < "$WORK/time"
    TIMES[$name]+="$wall "
    CPUS[$name]+="$(echo "$user + $sys" | bc -l) "
    # Remove and flush this run's output before the next run starts, untimed: otherwise
    # dirty pages pile up across runs until background writeback starts and takes a core
    # from whichever run is going on then.
    rm -f "$OUT"; sync
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
minimum() { tr ' ' '\n' | grep . | sort -g | head -1; }
declare -A MED CPU
printf '\n%-16s %9s %9s %10s %12s  %s\n' case "min s" "median s" "MiB/s(med)" "CPU s/GiB" "all runs, wall s"
for c in "${CASES[@]}"; do
  name=${c%%|*}
  med=$(echo "${TIMES[$name]}" | median); min=$(echo "${TIMES[$name]}" | minimum)
  MED[$name]=$med
  CPU[$name]=$(echo "$(echo "${CPUS[$name]}" | median) * 1024 / $SIZE_MIB" | bc -l)
  printf '%-16s %9.3f %9.3f %10.0f %12.3f  %s\n' "$name" "$min" "$med" "$(echo "$SIZE_MIB / $med" | bc -l)" \
      "${CPU[$name]}" "$(echo "${TIMES[$name]}" | tr ' ' '\n' | grep . | xargs printf '%.2f ')"
done

ratio() {
  if [ "$(echo "$3 > 0" | bc -l)" = 1 ]; then
    printf '%-40s %6.2f   (goal %s)\n' "$1" "$(echo "$2 / $3" | bc -l)" "$4"
  else
    printf '%-40s %6s   (goal %s)\n' "$1" "n/a" "$4"
  fi
}
echo
echo "# ratios of medians (time / time)"
ratio "enc file tN / cp" "${MED[enc file tN]}" "${MED[cp]}" "<= 1.5"
ratio "dec file tN / cp" "${MED[dec file tN]}" "${MED[cp]}" "<= 1.5"
ratio "enc pipe tN / cat pipe" "${MED[enc pipe tN]}" "${MED[cat pipe]}" "<= 1.3"
ratio "dec pipe tN / cat pipe" "${MED[dec pipe tN]}" "${MED[cat pipe]}" "<= 1.3"
ratio "speed-up enc file t1 / tN" "${MED[enc file t1]}" "${MED[enc file tN]}" ">= 1.8"
ratio "speed-up dec file t1 / tN" "${MED[dec file t1]}" "${MED[dec file tN]}" ">= 1.8"
ratio "speed-up enc pipe t1 / tN" "${MED[enc pipe t1]}" "${MED[enc pipe tN]}" "-"
ratio "CPU/GiB enc file tN / cp" "${CPU[enc file tN]}" "${CPU[cp]}" "<= 1.5"
ratio "CPU/GiB dec file tN / cp" "${CPU[dec file tN]}" "${CPU[cp]}" "<= 1.5"
ratio "CPU/GiB enc pipe tN / cat pipe" "${CPU[enc pipe tN]}" "${CPU[cat pipe]}" "-"
ratio "CPU/GiB dec pipe tN / cat pipe" "${CPU[dec pipe tN]}" "${CPU[cat pipe]}" "-"
if [ $HAVE_AGE = 1 ]; then
  ratio "age enc file / seal enc file tN" "${MED[age enc file]}" "${MED[enc file tN]}" "speed-up over age"
  ratio "age dec file / seal dec file tN" "${MED[age dec file]}" "${MED[dec file tN]}" "speed-up over age"
  ratio "CPU/GiB age enc file / seal enc file tN" "${CPU[age enc file]}" "${CPU[enc file tN]}" "-"
  ratio "CPU/GiB age dec file / seal dec file tN" "${CPU[age dec file]}" "${CPU[dec file tN]}" "-"
fi
if [ $HAVE_GPG = 1 ]; then
  ratio "gpg -c enc file / seal enc file tN" "${MED[gpg -c enc file]}" "${MED[enc file tN]}" "speed-up over gpg"
fi

echo
echo "# openssl speed -evp aes-256-gcm, one core, 16 KiB blocks (1000s of bytes/s):"
openssl speed -seconds 2 -bytes 16384 -evp aes-256-gcm 2>/dev/null | grep -i '^aes-256-gcm' || true

echo
echo "# peak RSS (KiB) of seal enc | seal dec at the default thread count, stdin to stdout"
for mib in 100 4096; do
  enc=$( { head -c "$((mib * 1024 * 1024))" /dev/zero \
      | /usr/bin/time -f '%M' "$SEAL" enc -k "$WORK/key" 2> "$WORK/enc.rss" \
      | /usr/bin/time -f '%M' "$SEAL" dec -k "$WORK/key" 2> "$WORK/dec.rss" > /dev/null; } ; cat "$WORK/enc.rss")
  printf '%5d MiB stream: enc %s KiB, dec %s KiB   (goal: <= 65536, and no higher for 4096 than for 100)\n' \
      "$mib" "$enc" "$(cat "$WORK/dec.rss")"
done

echo
echo "# live stream: first-line latency through enc | dec (a producer writes one line, then"
echo "# pauses ${LIVE_PAUSE:=3} s before ending); goal for seal: <= DURATION + 0.1 s"
# name|encoder|decoder
LIVE=(
  "seal --max-delay 200ms|\"\$SEAL\" enc -q --max-delay 200ms -k \"\$WORK/key\"|\"\$SEAL\" dec -q -k \"\$WORK/key\""
  "seal --max-delay 1s|\"\$SEAL\" enc -q --max-delay 1s -k \"\$WORK/key\"|\"\$SEAL\" dec -q -k \"\$WORK/key\""
)
if [ $HAVE_AGE = 1 ]; then
  LIVE+=("age|age -r \"\$AGE_RCPT\"|age -d -i \"\$WORK/age.key\"")
fi
declare -A LAT
for ((r = 1; r <= ROUNDS; r++)); do
  for i in $(shuf -i 1-${#LIVE[@]}); do
    c=${LIVE[$((i - 1))]}
    name=${c%%|*}; rest=${c#*|}; encoder=${rest%%|*}; decoder=${rest#*|}
    rm -f "$WORK/t0" "$WORK/t1"
    bash -c "{ date +%s.%N > \"\$WORK/t0\"; echo 'line 1'; sleep $LIVE_PAUSE; } | $encoder | $decoder \
        | { read -r line; date +%s.%N > \"\$WORK/t1\"; cat > /dev/null; }"
    LAT[$name]+="$(echo "$(cat "$WORK/t1") - $(cat "$WORK/t0")" | bc -l) "
  done
done
printf '%-24s %9s %9s  %s\n' case "min s" "median s" "all runs, s"
for c in "${LIVE[@]}"; do
  name=${c%%|*}
  printf '%-24s %9.3f %9.3f  %s\n' "$name" "$(echo "${LAT[$name]}" | minimum)" "$(echo "${LAT[$name]}" | median)" \
      "$(echo "${LAT[$name]}" | tr ' ' '\n' | grep . | xargs printf '%.2f ')"
done

echo
echo "# small files: wall time per run of 200 runs on a 1 KiB file (no worker pool is started"
echo "# for an input of at most one chunk)"
head -c 1024 /dev/urandom > "$WORK/small"
for c in "cp|cp \"\$WORK/small\" \"\$WORK/small.out\"" \
         "seal enc -o|\"\$SEAL\" enc -q -k \"\$WORK/key\" -o \"\$WORK/small.out\" \"\$WORK/small\""; do
  name=${c%%|*}; cmd=${c#*|}
  t0=$(date +%s.%N)
  bash -c "for i in \$(seq 200); do $cmd; done"
  t1=$(date +%s.%N)
  printf '%-12s %6.2f ms per file\n' "$name" "$(echo "($t1 - $t0) * 1000 / 200" | bc -l)"
done
