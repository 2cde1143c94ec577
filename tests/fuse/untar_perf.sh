#!/bin/sh
# untar_perf.sh [NFILES] [SERVERS]: the metadata workload of bench/run.sh
# section 7 (tar x of a tree of small files into a fresh ext4 image
# through FUSE), small enough to repeat, measured per server: its CPU
# time and context switches (perf stat, software counters, from mount
# to exit: the write-back at unmount included), the wall time of tar x
# alone and of tar x + unmount.  Not a test (not
# in tests/run.sh): a measuring tool for changes to akfuse.
#
#	AK_BUILD=build sh tests/fuse/untar_perf.sh 3000 "akfuse akfuse-s fuse2fs"
#
# from the top of the tree (it compiles bench/gen.c for the tree).
#
# With CALLGRIND=1 akfuse runs under valgrind --tool=callgrind instead
# (-o nosandbox), and its instruction count (Ir) is printed: the figure
# to compare on a loaded machine.  Output: one line per server.
set -eu
N=${1:-3000}
SERVERS=${2:-"akfuse akfuse-s fuse2fs"}
B=${AK_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
AKF=$B/fuse/akfuse
W=$(mktemp -d "${AK_TESTDIR:-/tmp}/untar_perf.XXXXXX")
trap 'fusermount3 -u -z "$W/m" 2>/dev/null || :; rm -rf "$W"' EXIT

cc -O2 -o "$W/gen" bench/gen.c
mkdir -p "$W/src"
"$W/gen" tree "$W/src/tree" "$N" $((N / 100 + 1)) 2
tar cf "$W/tree.tar" -C "$W/src" tree
mkdir -p "$W/m"

now_ms() { date +%s%3N; }
mounted() { awk -v m="$1" '$2 == m { f = 1 } END { exit !f }' /proc/mounts; }

for s in $SERVERS; do
	rm -f "$W/img"
	mke2fs -q -t ext4 -F "$W/img" 512M >/dev/null 2>&1
	case $s in
	akfuse) cmd="$AKF -f -o nosandbox $W/img $W/m" ;;
	akfuse-s) cmd="$AKF -f -s -o nosandbox $W/img $W/m" ;;
	fuse2fs) cmd="fuse2fs -f $W/img $W/m" ;;
	*) echo "untar_perf: unknown server $s" >&2; exit 2 ;;
	esac
	if [ "${CALLGRIND:-0}" = 1 ] && [ "$s" != fuse2fs ]; then
		valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" \
		    $cmd >/dev/null 2>"$W/stat" &
	else
		perf stat -x, -e task-clock,context-switches -o "$W/stat" \
		    $cmd >/dev/null 2>&1 &
	fi
	pid=$!
	i=0
	until mounted "$W/m"; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "untar_perf: $s did not mount" >&2; exit 1; }
	done
	t0=$(now_ms)
	tar xf "$W/tree.tar" -C "$W/m"
	t1=$(now_ms)
	fusermount3 -u "$W/m"
	wait $pid
	t2=$(now_ms)
	if [ "${CALLGRIND:-0}" = 1 ] && [ "$s" != fuse2fs ]; then
		ir=$(awk '/^summary:/ { print $2 }' "$W/cg.out")
		echo "$s: $N files: Ir $ir, tar x $((t1 - t0)) ms, +unmount $((t2 - t0)) ms"
	else
		cpu=$(awk -F, '$3 == "task-clock" { printf "%d", $1 }' "$W/stat")
		cs=$(awk -F, '$3 == "context-switches" { print $1 }' "$W/stat")
		echo "$s: $N files: server cpu $cpu ms, $cs context switches, tar x $((t1 - t0)) ms, +unmount $((t2 - t0)) ms"
	fi
	e2fsck -fn "$W/img" >/dev/null 2>&1 || echo "untar_perf: $s: e2fsck -fn NOT clean" >&2
done
