#!/usr/bin/env bash
# A/B of two seal builds on file -> file enc and dec, on tmpfs and on the disk: wall time and
# CPU time (user + sys) per GiB, interleaved in a fresh random order every round.
#
#   benches/ab.sh SEAL_A SEAL_B [SIZE_MIB] [ROUNDS]      (defaults: 512 MiB, 5 rounds)
#
# Used to choose how the pipeline writes a file (per-worker positional writes or one
# in-order writer): docs/PERFORMANCE.md, "Writing the output".
set -euo pipefail
A=$1 B=$2 SIZE_MIB=${3:-512} ROUNDS=${4:-5}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
minimum() { tr ' ' '\n' | grep . | sort -g | head -1; }
echo "# A = $A, B = $B: ${SIZE_MIB} MiB, ${ROUNDS} rounds, $(nproc) cores, $(date -u '+%F %H:%M')"
for base in /dev/shm /tmp; do
  WORK=$(mktemp -d "$base/seal-ab.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  head -c "$((SIZE_MIB << 20))" /dev/urandom > "$WORK/in"
  "$A" keygen -o "$WORK/key"
  "$A" enc -q -k "$WORK/key" -o "$WORK/in.seal" "$WORK/in"
  cat "$WORK/in" "$WORK/in.seal" > /dev/null
  CASES=("A enc|$A enc -q -k $WORK/key -o $WORK/out $WORK/in"
         "B enc|$B enc -q -k $WORK/key -o $WORK/out $WORK/in"
         "A dec|$A dec -q -k $WORK/key -o $WORK/out $WORK/in.seal"
         "B dec|$B dec -q -k $WORK/key -o $WORK/out $WORK/in.seal")
  declare -A WALL=() CPU=()
  for ((r = 1; r <= ROUNDS; r++)); do
    for i in $(shuf -i 1-${#CASES[@]}); do
      c=${CASES[$((i - 1))]}; name=${c%%|*}
      /usr/bin/time -f '%e %U %S' -o "$WORK/time" ${c#*|}
      read -r wall user sys < "$WORK/time"
      WALL[$name]+="$wall "; CPU[$name]+="$(echo "$user + $sys" | bc -l) "
      rm -f "$WORK/out"; sync
    done
  done
  echo "## $(df --output=fstype "$WORK" | tail -1) ($base)"
  printf '%-6s %8s %9s %14s  %s\n' case "min s" "median s" "CPU s/GiB med" "CPU s, all runs"
  for c in "${CASES[@]}"; do
    name=${c%%|*}
    printf '%-6s %8.3f %9.3f %14.3f  %s\n' "$name" "$(echo "${WALL[$name]}" | minimum)" \
      "$(echo "${WALL[$name]}" | median)" "$(echo "$(echo "${CPU[$name]}" | median) * 1024 / $SIZE_MIB" | bc -l)" \
      "$(echo "${CPU[$name]}" | tr ' ' '\n' | grep . | xargs printf '%.2f ')"
  done
  rm -rf "$WORK"
done
