#!/bin/sh
# run.sh BUILD: run every test program of a build and sum the results.
#
# Each program prints, as its last line, "<name>: N passed, M failed"
# (and "SKIP: <what> (<why>)" lines for tests it could not run here) and
# exits non-zero when something failed.  A program that crashes, exits
# non-zero or prints no summary counts as a failure: a test suite that
# dies half way must never look green.
set -u
B=${1:-build}
TMPBASE=$(mktemp -d "${TMPDIR:-/tmp}/ak-tests.XXXXXX")
trap 'rm -rf "$TMPBASE"' EXIT INT TERM
export AK_TESTDIR="$TMPBASE"
export AK_BUILD="$B"	# for test scripts (tests/fsu/fsu_test.sh)

progs="$B/tests/unit/ktest_run $B/tests/host/hyp_test
    $B/tests/vfs/vfs_conform $B/tests/stress/stress
    $B/tests/image/fat_read $B/tests/image/fat_volume
    $B/tests/image/ext2_read $B/tests/image/ext2_write
    $B/tests/image/ext2_journal
    $B/tests/image/ext2_dirindex
    $B/tests/image/sqfs_read $B/tests/image/iso_read $B/tests/image/part_read
    $B/tests/fault/fault_test $B/tests/fuzz/fuzz_replay
    $B/tests/fault/fault_modes $B/tests/fuzz/hostile_mem
    $B/tests/fault/crash_long $B/tests/fault/tmpfs_nomem
    $B/tests/host/sandbox_test $B/tests/fsu/copy_test
    $B/tests/image/ffs_read $B/tests/image/ffs_write
    $B/tests/image/ffs_wdata $B/tests/image/ffs_wfault
    tests/fsu/fsu_test.sh tests/fsu/fsck_test.sh tests/fuse/fuse_test.sh $B/tests/fuse/fuse_conform"
tpass=0
tfail=0
broken=""
for p in $progs; do
	name=$(basename "$p")
	if [ ! -x "$p" ]; then
		echo "run.sh: $p: not built" >&2
		broken="$broken $name"
		continue
	fi
	log="$TMPBASE/$name.log"
	"$p" >"$log" 2>&1
	rc=$?
	grep -E '^ *(SKIP|FAIL)' "$log"
	sum=$(grep -E '^[A-Za-z0-9_]+: [0-9]+ passed, [0-9]+ failed$' "$log" |
	    tail -n 1)
	if [ -z "$sum" ] || [ $rc -ne 0 ]; then
		echo "run.sh: $name exited $rc; last lines of its output:" >&2
		tail -n 30 "$log" >&2
		broken="$broken $name"
	fi
	[ -n "$sum" ] || continue
	echo "$sum"
	np=$(echo "$sum" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	nf=$(echo "$sum" | sed 's/.* \([0-9]*\) failed$/\1/')
	tpass=$((tpass + np))
	tfail=$((tfail + nf))
done
echo "total: $tpass passed, $tfail failed"
if [ -n "$broken" ]; then
	echo "run.sh: failing programs:$broken" >&2
	exit 1
fi
[ "$tfail" -eq 0 ]
