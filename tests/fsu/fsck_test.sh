#!/bin/sh
# fsck_test.sh: fsu_fsck, the read-only check front end.  FFS images made
# by makefs (UFS1 big-endian, UFS2 little-endian) must pass with exit 0
# and a summary line; the same images with one superblock count changed
# must give exit 4, name the problem, and stay byte for byte unchanged;
# repairs (-y), types without a checker here, missing images and bad
# usage must fail with fsck(8)'s codes and a message.
#
# Finds the build through $AK_BUILD (tests/run.sh sets it), else build/.
set -u
export LC_ALL=C TZ=UTC
unset FSU_DEVICE FSU_TYPE FSU_MNTOPTS

SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${AK_BUILD:-$SRC/build}
F=$B/fsu
case $F in /*) ;; *) F=$(pwd)/$F ;; esac
W=$(mktemp -d "${AK_TESTDIR:-${TMPDIR:-/tmp}}/fsck_test.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
summary() {
	echo "fsck_test: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

# run WHAT WANT-STATUS WANT-PATTERN CMD...: status and output (both
# streams) of CMD; the pattern must appear.
run() {
	what=$1 want=$2 pat=$3
	shift 3
	"$@" >"$W/out" 2>&1
	st=$?
	if [ "$st" -ne "$want" ]; then
		bad "$what: exit $st, want $want: $(head -c 300 "$W/out")"
	elif ! grep -q -- "$pat" "$W/out"; then
		bad "$what: no '$pat' in: $(head -c 300 "$W/out")"
	else
		ok
	fi
}

# poke FILE OFFSET HEXBYTES: overwrite bytes in place.
poke() {
	for h in $(echo "$3" | sed 's/\(..\)/\1 /g'); do
		printf "\\$(printf %03o "0x$h")"
	done | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

PATH=$PATH:/sbin:/usr/sbin
if ! command -v makefs >/dev/null 2>&1; then
	echo "SKIP: fsu_fsck on FFS (makefs not installed)"
	summary
fi
mkdir -p "$W/t/dir/sub"
echo hello >"$W/t/a"
head -c 70000 /dev/urandom >"$W/t/dir/big"
ln "$W/t/a" "$W/t/dir/hard"
ln -s ../a "$W/t/dir/sym"
makefs -t ffs -s 4m -B be -o version=1 "$W/u1.img" "$W/t" >/dev/null &&
    makefs -t ffs -s 4m -B le -o version=2 "$W/u2.img" "$W/t" >/dev/null ||
    { bad "makefs failed"; summary; }

for v in 1 2; do
	img=$W/u$v.img
	run "ufs$v clean" 0 "u$v.img: ffs: no problems found: 6/" \
	    "$F/fsu_fsck" -n "$img"
	run "ufs$v clean, -f after IMAGE" 0 "no problems found" \
	    "$F/fsu_fsck" "$img" -f
	run "ufs$v clean, forced type alias" 0 "ufs2: no problems" \
	    "$F/fsu_fsck" -t ufs2 "$img"
	# fs_cstotal.cs_ndir (int64 at 1008 of the superblock at 8 KiB).
	cp "$img" "$W/bad.img"
	if [ $v = 1 ]; then
		poke "$W/bad.img" $((8192 + 1008)) 0000000000000009
	else
		poke "$W/bad.img" $((8192 + 1008)) 0900000000000000
	fi
	cp "$W/bad.img" "$W/bad.orig"
	run "ufs$v wrong directory count" 4 \
	    "superblock summary: 9 dirs" "$F/fsu_fsck" -n "$W/bad.img"
	if grep -q "problems found (listed above); the image was not" \
	    "$W/out"; then ok; else bad "ufs$v: no verdict line"; fi
	if cmp -s "$W/bad.img" "$W/bad.orig"; then ok; else
		bad "ufs$v: fsu_fsck changed the image"; fi
	run "ufs$v -y refused" 2 "repairs are not supported" \
	    "$F/fsu_fsck" -y "$W/bad.img"
done

run "missing image" 8 "nothing.img: No such file" \
    "$F/fsu_fsck" -n "$W/nothing.img"
run "operand after IMAGE" 2 "usage: fsu_fsck" \
    "$F/fsu_fsck" "$W/u2.img" /dir
head -c 1048576 /dev/zero >"$W/zero.img"
run "no file system" 8 "zero.img: no file system found" \
    "$F/fsu_fsck" -n "$W/zero.img"
if command -v mke2fs >/dev/null 2>&1; then
	mke2fs -q -F -t ext4 "$W/e.img" 4M >/dev/null 2>&1
	run "ext4 names its checker" 8 "no checker here; use e2fsck -fn" \
	    "$F/fsu_fsck" -n "$W/e.img"
else
	echo "SKIP: fsu_fsck on ext4 (mke2fs not installed)"
fi
summary
