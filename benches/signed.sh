#!/usr/bin/env bash
# Signed streams against unsigned ones (issue 19): enc vs enc --sign (hybrid, Ed25519), dec vs
# dec --signed-by (-o file: one pass; to stdout from a file: two passes; from a pipe: spooled),
# and keyless verify. 1 GiB on tmpfs by default, cases interleaved in a fresh random order
# every round; min and median wall, median CPU-s/GiB (user + sys), ratios within this run.
#
#   benches/signed.sh SEAL [SIZE_MIB] [ROUNDS]      (defaults: 1024 MiB, 5 rounds)
set -euo pipefail
S=$1 SIZE_MIB=${2:-1024} ROUNDS=${3:-5}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
minimum() { tr ' ' '\n' | grep . | sort -g | head -1; }
WORK=$(mktemp -d /dev/shm/seal-signed.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export TMPDIR=$WORK
head -c "$((SIZE_MIB << 20))" /dev/urandom > "$WORK/in"
"$S" keygen -o "$WORK/key"
"$S" keygen --signer -o "$WORK/pq.signer" 2>/dev/null
"$S" keygen --signer --signer-kind ed25519 -o "$WORK/ed.signer" 2>/dev/null
PUB=$("$S" signer "$WORK/pq.signer" 2>/dev/null)
"$S" enc -q -k "$WORK/key" -o "$WORK/plain.seal" "$WORK/in"
"$S" enc -q -k "$WORK/key" --sign "$WORK/pq.signer" -o "$WORK/signed.seal" "$WORK/in"
echo "# $S: ${SIZE_MIB} MiB on tmpfs, ${ROUNDS} rounds, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%F %H:%M')"
CASES=("enc|$S enc -q -k $WORK/key -o $WORK/out $WORK/in"
       "enc --sign (hybrid)|$S enc -q -k $WORK/key --sign $WORK/pq.signer -o $WORK/out $WORK/in"
       "enc --sign (ed25519)|$S enc -q -k $WORK/key --sign $WORK/ed.signer -o $WORK/out $WORK/in"
       "dec -o|$S dec -q -k $WORK/key -o $WORK/out $WORK/plain.seal"
       "dec --signed-by -o|$S dec -q -k $WORK/key --signed-by $PUB -o $WORK/out $WORK/signed.seal"
       "dec > stdout|sh -c '$S dec -q -k $WORK/key $WORK/plain.seal > $WORK/out'"
       "dec --signed-by file > stdout|sh -c '$S dec -q -k $WORK/key --signed-by $PUB $WORK/signed.seal > $WORK/out'"
       "dec --signed-by pipe > stdout|sh -c 'cat $WORK/signed.seal | $S dec -q -k $WORK/key --signed-by $PUB > $WORK/out'"
       "verify --signed-by (no key)|$S verify -q --signed-by $PUB $WORK/signed.seal")
declare -A WALL=() CPU=()
for ((r = 1; r <= ROUNDS; r++)); do
  for i in $(shuf -i 1-${#CASES[@]}); do
    c=${CASES[$((i - 1))]}; name=${c%%|*}
    eval "/usr/bin/time -f '%e %U %S' -o $WORK/time ${c#*|}"
    read -r wall user sys < "$WORK/time"
    WALL[$name]+="$wall "; CPU[$name]+="$(echo "$user + $sys" | bc -l) "
    rm -f "$WORK/out"
  done
done
printf '%-30s %7s %9s %10s\n' case "min s" "median s" "CPU s/GiB"
for c in "${CASES[@]}"; do
  name=${c%%|*}
  printf '%-30s %7.3f %9.3f %10.3f\n' "$name" "$(echo "${WALL[$name]}" | minimum)" \
    "$(echo "${WALL[$name]}" | median)" "$(echo "$(echo "${CPU[$name]}" | median) * 1024 / $SIZE_MIB" | bc -l)"
done
ratio() { echo "scale=3; $(echo "${WALL[$1]}" | median) / $(echo "${WALL[$2]}" | median)" | bc -l; }
cratio() { echo "scale=3; $(echo "${CPU[$1]}" | median) / $(echo "${CPU[$2]}" | median)" | bc -l; }
echo "enc --sign (hybrid) / enc: wall $(ratio 'enc --sign (hybrid)' enc), CPU $(cratio 'enc --sign (hybrid)' enc)"
echo "dec --signed-by file > stdout / dec > stdout: wall $(ratio 'dec --signed-by file > stdout' 'dec > stdout')"
echo "dec --signed-by -o / dec -o: wall $(ratio 'dec --signed-by -o' 'dec -o')"
