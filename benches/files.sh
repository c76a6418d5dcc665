#!/usr/bin/env bash
# `seal enc -o` and `seal dec -o` (file -> file) against `cp`, on tmpfs and on ext4 on a loop
# device this script makes, in one run: wall time and CPU-seconds (user + sys) per GiB, every
# case run ROUNDS times, interleaved in a fresh random order each round; min and median.
#
#   benches/files.sh [SIZE_MIB] [ROUNDS]          (defaults: 1024 MiB, 9 rounds)
#
#   SEAL=/path/to/seal   the build measured (default: target/release/seal, built first)
#   SEAL_B=/path/to/seal a second build, measured beside the first (A/B) in the same rounds
#   NO_DISK=1            tmpfs only (the disk part needs root: losetup, mount)
#   IMG_DIR=/var/tmp     where the disk image file is made (on the machine's disk)
#
# The goals it checks (issue 18), as ratios of the two medians of one run: on tmpfs, seal at
# 2 threads at least 0.9x `cp`'s speed, and its CPU-seconds per GiB at 2 threads at most 1.1x
# its `--threads 1` figure; on ext4, seal (which syncs its output before renaming it into
# place) within 1.15x of `cp` followed by `sync` of the copy. docs/PERFORMANCE.md has the
# figures and what they mean.
set -euo pipefail

SIZE_MIB=${1:-1024}
ROUNDS=${2:-9}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
A=${SEAL:-"$ROOT/target/release/seal"}
B=${SEAL_B:-}
if [ "$A" = "$ROOT/target/release/seal" ]; then
    (cd "$ROOT" && cargo build --release --locked --quiet)
fi

TMPFS=$(mktemp -d /dev/shm/seal-files.XXXXXX)
IMG= LOOP= MNT=
cleanup() {
    rm -rf "$TMPFS"
    if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null || true; rmdir "$MNT" 2>/dev/null || true; fi
    if [ -n "$LOOP" ]; then losetup -d "$LOOP" 2>/dev/null || true; fi
    if [ -n "$IMG" ]; then rm -f "$IMG"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DIRS=("$TMPFS")
if [ -z "${NO_DISK:-}" ]; then
    if [ "$(id -u)" = 0 ]; then
        # A fresh ext4 on a loop device over a file on the machine's disk. --direct-io=on keeps
        # the image's pages out of the page cache a second time, so that a sync of the copy
        # goes to the disk as it would on a real partition.
        IMG=$(mktemp "${IMG_DIR:-/var/tmp}/seal-files.XXXXXX.img")
        truncate -s "$((SIZE_MIB * 6 + 1024))M" "$IMG"   # room to spare: a full ext4 allocates slowly
        mkfs.ext4 -q -F "$IMG"
        LOOP=$(losetup --find --show --direct-io=on "$IMG" 2>/dev/null || losetup --find --show "$IMG")
        MNT=$(mktemp -d /tmp/seal-files-mnt.XXXXXX)
        mount -t ext4 "$LOOP" "$MNT"
        DIRS+=("$MNT")
    else
        echo "# not root: no loop device, tmpfs only (NO_DISK=1 to silence this)"
    fi
fi

echo "# seal files: ${SIZE_MIB} MiB, ${ROUNDS} rounds, $(nproc) cores, $(date -u '+%F %H:%M UTC')"
echo "# A = $A ($("$A" --version))"
[ -n "$B" ] && echo "# B = $B ($("$B" --version))"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

BUILDS=(A); [ -n "$B" ] && BUILDS+=(B)
declare -A BIN=([A]="$A" [B]="$B")
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
minimum() { tr ' ' '\n' | grep . | sort -g | head -1; }
ratio() { printf '%-44s %6.2f %6.2f   (goal %s)\n' "$1" "$(echo "$2 / $3" | bc -l)" "$(echo "$4 / $5" | bc -l)" "$6"; }

# Every case of both file systems in one list, each round in a fresh random order, so that
# the machine's load at any moment falls on every case alike. name|command, with the
# directory in place of @ (cp+sync: `sync FILE` is an fsync of the copy).
CASES=()
for dir in "${DIRS[@]}"; do
    fs=$(df --output=fstype "$dir" | tail -1)
    head -c "$((SIZE_MIB << 20))" /dev/urandom > "$dir/in"
    "$A" keygen -o "$dir/key"
    "$A" enc -q -k "$dir/key" -o "$dir/in.seal" "$dir/in"
    sync -f "$dir/in"
    CASES+=("$fs cp|cp @/in @/out")
    if [ "$fs" = tmpfs ]; then
        threads=(2 1)
    else
        CASES+=("$fs cp+sync|cp @/in @/out && sync @/out")
        threads=(2)
    fi
    for b in "${BUILDS[@]}"; do
        for t in "${threads[@]}"; do
            CASES+=("$fs $b enc t$t|${BIN[$b]} enc -q --threads $t -k @/key -o @/out @/in")
            CASES+=("$fs $b dec t$t|${BIN[$b]} dec -q --threads $t -k @/key -o @/out @/in.seal")
        done
    done
    CASES=("${CASES[@]//@/$dir}")
    cat "$dir/in" "$dir/in.seal" > /dev/null   # in the page cache for every case
done

declare -A WALL=() CPU=() MED=() MIN=() CPUMED=() CPUMIN=()
for ((r = 1; r <= ROUNDS; r++)); do
    for i in $(shuf -i 1-${#CASES[@]}); do
        c=${CASES[$((i - 1))]}; name=${c%%|*}; cmd=${c#*|}
        /usr/bin/time -f '%e %U %S' -o "$TMPFS/time" bash -c "$cmd"
        read -r wall user sys < "$TMPFS/time"
        WALL[$name]+="$wall "; CPU[$name]+="$(echo "$user + $sys" | bc -l) "
        # Untimed: remove the output and flush what is left of it before the next run, and
        # read the inputs again so that every run starts with them in the page cache (this
        # shared VM's memory management evicts cold pages now and then; a run that read its
        # input from the disk would measure the disk).
        for dir in "${DIRS[@]}"; do
            rm -f "$dir/out"; sync -f "$dir"; cat "$dir/in" "$dir/in.seal" > /dev/null
        done
    done
done

printf '\n%-20s %7s %8s %10s %8s %6s  %s\n' case "min s" "median s" "MiB/s(med)" "CPU/GiB" "(med)" "wall s, all runs"
for c in "${CASES[@]}"; do
    name=${c%%|*}
    MED[$name]=$(echo "${WALL[$name]}" | median); MIN[$name]=$(echo "${WALL[$name]}" | minimum)
    CPUMED[$name]=$(echo "$(echo "${CPU[$name]}" | median) * 1024 / $SIZE_MIB" | bc -l)
    CPUMIN[$name]=$(echo "$(echo "${CPU[$name]}" | minimum) * 1024 / $SIZE_MIB" | bc -l)
    printf '%-20s %7.3f %8.3f %10.0f %8.3f %6.3f  %s\n' "$name" "${MIN[$name]}" "${MED[$name]}" \
        "$(echo "$SIZE_MIB / ${MED[$name]}" | bc -l)" "${CPUMIN[$name]}" "${CPUMED[$name]}" \
        "$(echo "${WALL[$name]}" | tr ' ' '\n' | grep . | xargs printf '%.2f ')"
done
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "# goals: ratio of medians, ratio of minimums"
for b in "${BUILDS[@]}"; do
    for op in enc dec; do
        n="tmpfs $b $op t2"
        ratio "$b $op -o, tmpfs: speed vs cp" "${MED[tmpfs cp]}" "${MED[$n]}" "${MIN[tmpfs cp]}" "${MIN[$n]}" ">= 0.9"
        ratio "$b $op -o, tmpfs: CPU/GiB t2 / t1" "${CPUMED[$n]}" "${CPUMED[tmpfs $b $op t1]}" \
            "${CPUMIN[$n]}" "${CPUMIN[tmpfs $b $op t1]}" "<= 1.1"
        if [ -n "${MED[ext4 $b $op t2]:-}" ]; then
            ratio "$b $op -o, ext4: time / (cp + sync)" "${MED[ext4 $b $op t2]}" "${MED[ext4 cp+sync]}" \
                "${MIN[ext4 $b $op t2]}" "${MIN[ext4 cp+sync]}" "<= 1.15"
        fi
    done
done
if [ -n "$B" ]; then
    echo
    echo "# A/B: B / A of wall median, wall min, CPU/GiB median, CPU/GiB min (below 1: B is better)"
    for k in "${!MED[@]}"; do
        case $k in *" A "*) ;; *) continue ;; esac
        kb=${k/ A / B }
        printf '%-20s %6.3f %6.3f %6.3f %6.3f\n' "${k/ A / }" "$(echo "${MED[$kb]} / ${MED[$k]}" | bc -l)" \
            "$(echo "${MIN[$kb]} / ${MIN[$k]}" | bc -l)" "$(echo "${CPUMED[$kb]} / ${CPUMED[$k]}" | bc -l)" \
            "$(echo "${CPUMIN[$kb]} / ${CPUMIN[$k]}" | bc -l)"
    done | sort
fi
