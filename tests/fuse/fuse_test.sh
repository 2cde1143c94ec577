#!/bin/sh
# fuse_test.sh: akfuse checked against the reference tools.  Images are
# made by mke2fs -d, mkfs.fat, genisoimage and mksquashfs from generated
# trees, mounted with akfuse and compared with diff, find, getfattr and
# cmp; images written through the mount are checked with e2fsck -fn,
# fsck.fat -n, debugfs and mcopy after the unmount.  Every command on a
# mount point runs under a timeout, so a hang fails instead of blocking.
set -u
B=${AK_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
AKF=$B/fuse/akfuse
BASE=${AK_TESTDIR:-}
OWNBASE=""
[ -n "$BASE" ] || { BASE=$(mktemp -d); OWNBASE=$BASE; }
W=$(mktemp -d "$BASE/fuse.XXXXXX")
export MTOOLS_SKIP_CHECK=1
pass=0
fail=0
MPID=""
MNTS=""
CRED=""

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
# check DESC CMD...: one test, passed when CMD succeeds.
check() { d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }
finish() { echo "fuse_test: $pass passed, $fail failed"; [ $fail -eq 0 ]; exit $?; }
T() { timeout -s KILL 60 "$@"; }	# any command on a mount point

cleanup() {
	for m in $MNTS; do fusermount3 -u -z "$m" 2>/dev/null; done
	[ -n "$MPID" ] && kill "$MPID" 2>/dev/null
	rm -rf "$W" $OWNBASE
	[ -n "$CRED" ] && fusermount3 -u -z "$CRED/mnt" 2>/dev/null
	[ -n "$CRED" ] && rm -rf "$CRED"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mounted() { awk -v m="$1" '$2 == m { f = 1 } END { exit !f }' /proc/mounts; }

# akmount IMAGE DIR [akfuse options]: akfuse -f in the background, up
# to 10 s for the mount to appear.  The log is $W/akfuse.log.
akmount() {
	img=$1 mnt=$2
	shift 2
	mkdir -p "$mnt"
	MNTS="$MNTS $mnt"
	timeout -s TERM 100 "$AKF" -f "$@" "$img" "$mnt" >"$W/akfuse.log" 2>&1 &
	MPID=$!
	i=0
	while [ $i -lt 100 ]; do
		mounted "$mnt" && return 0
		if ! kill -0 "$MPID" 2>/dev/null; then
			wait "$MPID"
			MPID=""
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# akumount DIR: unmount and wait (up to 20 s) for akfuse to finish
# writing back; its exit status.
akumount() {
	fusermount3 -u "$1" || return 1
	i=0
	while kill -0 "$MPID" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$MPID" 2>/dev/null; then
		echo "akfuse did not exit after the unmount" >&2
		kill -KILL "$MPID"
	fi
	wait "$MPID"
	r=$?
	MPID=""
	return $r
}

# --- can FUSE be used here at all? -------------------------------------------
if [ ! -x "$AKF" ]; then
	if pkg-config --exists fuse3 2>/dev/null; then
		bad "$AKF not built"
		finish
	fi
	echo "SKIP: akfuse (libfuse3-dev missing: akfuse not built)"
	finish
fi
for t in fusermount3 mke2fs e2fsck debugfs mkfs.fat fsck.fat mcopy; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "SKIP: akfuse tests (no $t)"
		finish
	fi
done
if [ ! -c /dev/fuse ] || [ ! -r /dev/fuse ] || [ ! -w /dev/fuse ]; then
	echo "SKIP: akfuse tests (/dev/fuse missing or not accessible)"
	finish
fi
mkfs.fat -C "$W/pre.img" 1024 >/dev/null
if ! akmount "$W/pre.img" "$W/pre"; then
	# libfuse's and fusermount3's complaints mean FUSE is unusable here;
	# anything else is akfuse's own failure.
	if grep -qE '^(fuse: |fusermount)' "$W/akfuse.log"; then
		echo "SKIP: akfuse tests (mounting FUSE not permitted here:" \
		    "$(tail -n 1 "$W/akfuse.log"))"
	else
		bad "preflight mount: $(cat "$W/akfuse.log")"
	fi
	finish
fi
check "preflight unmount" akumount "$W/pre"

# --- trees --------------------------------------------------------------------
# gen_files DIR: regular files of several sizes, random content.
gen_files() {
	mkdir -p "$1/d1/d2/d3" "$1/empty" "$1/big dir"
	: >"$1/zero"
	for s in 1 511 4095 4096 4097 65549 300007; do
		head -c $s /dev/urandom >"$1/f$s"
	done
	head -c 1048583 /dev/urandom >"$1/d1/d2/d3/deep"
	head -c 2000 /dev/urandom >"$1/big dir/with space"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		echo "file $i" >"$1/d1/many$i"
	done
}

# listing DIR: what find sees, sorted (directory sizes and link counts
# are the file system's own business and left out).
listing() {
	(cd "$1" && T find . -path ./lost+found -prune -o ! -type d \
	    -printf '%p %y %s %m %l %n\n' -o -type d -printf '%p %y %m\n' |
	    LC_ALL=C sort)
}

# xattrs DIR: every user.* attribute below DIR as "file name=value"
# lines, sorted (getfattr lists in directory order).
xattrs() {
	(cd "$1" && T getfattr -R -d -m '^user\.' . 2>/dev/null) |
	    awk '/^# file: /{ f = substr($0, 9); next } NF { print f, $0 }' |
	    LC_ALL=C sort
}

# cmp_all A B: every regular file of A is the same in B.
cmp_all() {
	(cd "$1" && find . -type f) | while IFS= read -r f; do
		T cmp -s "$1/$f" "$2/$f" || { echo "differs: $f" >&2; return 1; }
	done
}

# --- ext4, read-only ------------------------------------------------------------
E=$W/etree
gen_files "$E"
ln -s f4096 "$E/sym"
ln -s d1/d2/d3/deep "$E/d1/../symdeep"
ln -s /nonexistent/target "$E/dangling"
ln "$E/f4097" "$E/hardlink"
truncate -s 8M "$E/sparse"
printf 'in the middle' | dd of="$E/sparse" bs=1 seek=3145728 conv=notrunc \
    2>/dev/null
chmod 600 "$E/f1"
chmod 751 "$E/d1"
setfattr -n user.color -v blue "$E/f511"
setfattr -n user.empty "$E/f511"
setfattr -n user.long -v "$(head -c 200 /dev/zero | tr '\0' x)" "$E/d1"
mke2fs -q -t ext4 -d "$E" "$W/e.img" 64M >/dev/null 2>&1
md5_before=$(md5sum <"$W/e.img")
M=$W/emnt
if akmount "$W/e.img" "$M" -o ro; then
	ok
	check "ext4 ro: diff -r" T diff -r --no-dereference -x lost+found "$E" "$M"
	listing "$E" >"$W/l1"
	listing "$M" >"$W/l2"
	check "ext4 ro: find listing" cmp -s "$W/l1" "$W/l2"
	check "ext4 ro: cmp every file" cmp_all "$E" "$M"
	xattrs "$E" >"$W/x1"
	xattrs "$M" >"$W/x2"
	check "ext4 ro: getfattr" cmp -s "$W/x1" "$W/x2"
	check "ext4 ro: getfattr found the attributes" \
	    grep -q 'user.color="blue"' "$W/x2"
	ino=$(debugfs -R "stat /f4097" "$W/e.img" 2>/dev/null |
	    sed -n 's/^Inode: \([0-9]*\).*/\1/p')
	check "ext4 ro: st_ino of hard links is the image's ($ino)" \
	    test "$(stat -c %i "$M/f4097")/$(stat -c %i "$M/hardlink")" = \
	    "$ino/$ino"
	blocks=$(stat -c %b "$M/sparse")
	check "ext4 ro: sparse file is sparse ($blocks blocks)" \
	    test "$blocks" -lt 1024
	if command -v python3 >/dev/null 2>&1; then
		check "ext4 ro: SEEK_DATA/SEEK_HOLE" T python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
d = os.lseek(fd, 0, os.SEEK_DATA)
h = os.lseek(fd, d, os.SEEK_HOLE)
sys.exit(not (0 < d <= 3145728 < h < 8 << 20))' "$M/sparse"
	else
		echo "SKIP: SEEK_DATA through akfuse (no python3)"
	fi
	T sh -c "echo x >'$M/new'" 2>"$W/err"
	check "ext4 ro: create fails with EROFS" \
	    grep -q 'Read-only file system' "$W/err"
	T touch "$M/f1" 2>"$W/err"
	check "ext4 ro: touch fails with EROFS" \
	    grep -q 'Read-only file system' "$W/err"
	check "ext4 ro: unmount" akumount "$M"
	check "ext4 ro: image unchanged" \
	    test "$(md5sum <"$W/e.img")" = "$md5_before"
else
	bad "ext4 ro: mount: $(cat "$W/akfuse.log")"
fi

# --- FAT, read-write ------------------------------------------------------------
F=$W/ftree
X=$W/fexp
gen_files "$F"
cp -r "$F" "$X"
mkfs.fat -C "$W/f.img" 32768 >/dev/null
M=$W/fmnt
# change DIR: the same changes on the mount and on the expected tree.
change() {
	T mkdir "$1/newdir" &&
	T touch "$1/newdir/empty" &&
	T mv "$1/d1/many1" "$1/newdir/moved" &&
	T mv "$1/d1/d2" "$1/d2renamed" &&
	T rm "$1/f511" "$1/d1/many2" &&
	T rmdir "$1/empty" &&
	T sh -c 'echo appended >>"$1"' sh "$1/f4095" &&
	T truncate -s 1000 "$1/f4097" &&
	T truncate -s 70000 "$1/f1" &&
	printf 'overwrite' | T dd of="$1/f65549" bs=1 seek=5000 \
	    conv=notrunc 2>/dev/null &&
	T cp "$1/d2renamed/d3/deep" "$1/deepcopy" &&
	T mv "$1/zero" "$1/f4096"
}
if akmount "$W/f.img" "$M"; then
	ok
	check "fat rw: cp -r in" T cp -r "$F/." "$M/"
	check "fat rw: diff after cp" T diff -r "$F" "$M"
	change "$X"
	check "fat rw: changes (mkdir touch mv rm rmdir >> truncate dd cp)" change "$M"
	check "fat rw: diff after changes" T diff -r "$X" "$M"
	check "fat rw: unmount" akumount "$M"
	check "fat rw: fsck.fat -n clean" fsck.fat -n "$W/f.img" >/dev/null
	mkdir "$W/fout"
	mcopy -s -n -i "$W/f.img" '::*' "$W/fout/" 2>"$W/err"
	check "fat rw: mcopy -s out, diff with what was written" \
	    diff -r "$X" "$W/fout"
else
	bad "fat rw: mount: $(cat "$W/akfuse.log")"
fi


# --- ext4, read-write: metadata, then fsck and debugfs ---------------------------
mke2fs -q -t ext4 "$W/w.img" 64M >/dev/null 2>&1
head -c 3000000 /dev/urandom >"$W/payload"
M=$W/wmnt
if akmount "$W/w.img" "$M"; then
	ok
	check "ext4 rw: second mount of the image is refused" \
	    sh -c '! timeout 20 "$1" -f "$2" "$3" 2>"$4"' sh "$AKF" \
	    "$W/w.img" "$W/pre" "$W/err2"
	check "ext4 rw: ... saying the image is in use" \
	    grep -q 'in use' "$W/err2"
	check "ext4 rw: write a file" T cp "$W/payload" "$M/payload"
	check "ext4 rw: symlink" T ln -s payload "$M/sym"
	check "ext4 rw: hard link" T ln "$M/payload" "$M/hard"
	check "ext4 rw: mkdir -p" T mkdir -p "$M/a/b/c"
	check "ext4 rw: rename a directory" T mv "$M/a" "$M/z"
	check "ext4 rw: file in renamed directory" \
	    T sh -c 'echo in-c >"$1/z/b/c/file"' sh "$M"
	check "ext4 rw: setfattr" \
	    T setfattr -n user.k -v value "$M/payload"
	check "ext4 rw: getfattr" \
	    test "$(T getfattr --absolute-names --only-values -n user.k "$M/payload")" = value
	T setfattr -n user.gone -v 1 "$M/z"
	check "ext4 rw: removexattr" T setfattr -x user.gone "$M/z"
	check "ext4 rw: chmod" T chmod 640 "$M/payload"
	check "ext4 rw: touch -d (nanoseconds)" \
	    T touch -d @1234567890.123456789 "$M/payload"
	check "ext4 rw: stat after chmod/touch" test \
	    "$(T stat -c '%a %Y %h' "$M/payload")" = "640 1234567890 2"
	check "ext4 rw: mkfifo (mknod)" T mkfifo "$M/fifo"
	check "ext4 rw: link count of hard link" \
	    test "$(T stat -c %h "$M/hard")" = 2
	T sh -c 'echo one >"$1/hl1" && ln "$1/hl1" "$1/hl2" && cat "$1/hl2" >/dev/null &&
	    echo two-two >>"$1/hl1"' sh "$M"
	check "ext4 rw: a write through one hard link shows through the other" \
	    test "$(T stat -c %s "$M/hl2"):$(T cat "$M/hl2" | tr '\n' ' ')" = \
	    "12:one two-two "
	# Readers and a writer at once: the multi-threaded loop must not
	# deadlock, and every reader must see the right bytes.
	i=0
	readers=""
	while [ $i -lt 4 ]; do
		(j=0; while [ $j -lt 5 ]; do
			T cat "$M/payload" >"$W/r$i" || exit 1
			cmp -s "$W/r$i" "$W/payload" || exit 1
			j=$((j + 1))
		done) &
		readers="$readers $!"
		i=$((i + 1))
	done
	T dd if="$W/payload" of="$M/written" bs=7k 2>/dev/null
	wr=$?
	rd=0
	for p in $readers; do
		wait "$p" || rd=1
	done
	check "ext4 rw: concurrent writer" test $wr -eq 0
	check "ext4 rw: 4 concurrent readers x5 read the right bytes" \
	    test $rd -eq 0
	check "ext4 rw: written file" T cmp -s "$W/payload" "$M/written"
	if command -v python3 >/dev/null 2>&1; then
		# renameat2 flags, and a file unlinked while open.
		T python3 - "$M" <<'PY' >"$W/py.log" 2>&1
import ctypes, errno, os, sys
m = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
def rename2(a, b, flags):
    r = libc.renameat2(-100, a.encode(), -100, b.encode(), flags)
    return 0 if r == 0 else ctypes.get_errno()
for n, v in (("x1", "one"), ("x2", "two")):
    with open(os.path.join(m, n), "w") as f:
        f.write(v)
x1, x2 = os.path.join(m, "x1"), os.path.join(m, "x2")
assert rename2(x1, x2, 1) == errno.EEXIST, "NOREPLACE over a file"
assert open(x1).read() == "one" and open(x2).read() == "two"
r = rename2(x1, x2, 2)
if r == 0:
    assert open(x1).read() == "two" and open(x2).read() == "one", "EXCHANGE"
    print("exchange ok")
else:
    assert r in (errno.EINVAL, errno.EOPNOTSUPP), "EXCHANGE: %d" % r
    print("exchange unsupported")
assert rename2(x1, os.path.join(m, "x3"), 1) == 0, "NOREPLACE to a new name"
f = open(os.path.join(m, "x3"), "r+")
os.unlink(os.path.join(m, "x3"))
f.write("still here"); f.flush(); f.seek(0)
assert f.read() == "still here", "unlinked open file"
assert os.fstat(f.fileno()).st_nlink == 0
f.close()
assert not os.path.exists(os.path.join(m, "x3"))
os.unlink(x2)
print("ok")
PY
		check "ext4 rw: renameat2 NOREPLACE/EXCHANGE, unlinked open file ($(head -n 1 "$W/py.log"))" \
		    grep -qx ok "$W/py.log"
		# Hard links share one node; fallocate; copy_file_range.
		T python3 - "$M" <<'PY' >"$W/py2.log" 2>&1
import ctypes, errno, os, sys
m = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64,
                           ctypes.c_int64]
def t(desc, cond):
    print(("PASS" if cond else "FAIL") + ": " + desc)
def p(n):
    return os.path.join(m, n)
def data(n):
    with open(p(n), "rb") as f:
        return f.read()
os.makedirs(p("hl/sub"))
with open(p("hl/a"), "wb") as f:
    f.write(b"A" * 10000)
os.link(p("hl/a"), p("hl/sub/b"))
rb = open(p("hl/sub/b"), "rb")
rb.read()                       # b's pages are in the host's cache now
with open(p("hl/a"), "r+b") as f:
    f.write(b"B" * 100)
rb.seek(0)
t("hard links: a write through one name, read at once through the other",
  rb.read(100) == b"B" * 100 and data("hl/sub/b")[:100] == b"B" * 100)
with open(p("hl/sub/b"), "ab") as f:
    f.write(b"C" * 10)
t("hard links: size after an append through the other name",
  os.stat(p("hl/a")).st_size == 10010)
sa, sb = os.stat(p("hl/a")), os.stat(p("hl/sub/b"))
t("hard links: nlink 2 and one inode through both names",
  sa.st_nlink == 2 and sb.st_nlink == 2 and sa.st_ino == sb.st_ino)
os.link(p("hl/sub/b"), p("hl/c"))
t("hard links: a third link, nlink 3 through the first name",
  os.stat(p("hl/a")).st_nlink == 3)
os.rename(p("hl/a"), p("hl/c"))
t("hard links: rename onto another link of the file keeps both names",
  os.path.exists(p("hl/a")) and os.path.exists(p("hl/c")))
os.rename(p("hl/sub/b"), p("hl/d"))
with open(p("hl/d"), "r+b") as f:
    f.seek(5000)
    f.write(b"D" * 10)
t("hard links: a renamed link's write shows through the first name",
  data("hl/a")[5000:5010] == b"D" * 10)
os.unlink(p("hl/a"))
os.unlink(p("hl/c"))
t("hard links: unlinking two names keeps the third (nlink 1, data)",
  os.stat(p("hl/d")).st_nlink == 1 and data("hl/d")[:100] == b"B" * 100)
rb.seek(5000)
t("hard links: the file open through a removed name sees the last write",
  rb.read(10) == b"D" * 10)
rb.close()
src = os.urandom(300000)
with open(p("cf_src"), "wb") as f:
    f.write(src)
s = os.open(p("cf_src"), os.O_RDONLY)
d = os.open(p("cf_dst"), os.O_RDWR | os.O_CREAT, 0o644)
n = 0
while n < len(src):
    k = os.copy_file_range(s, d, len(src) - n)
    if k <= 0:
        break
    n += k
t("copy_file_range: a whole file", n == len(src) and data("cf_dst") == src)
k = os.copy_file_range(s, d, 1000, 5, 400000)
got = data("cf_dst")
t("copy_file_range: at offsets, past the end (a hole between)",
  k == 1000 and got[400000:] == src[5:1005] and
  got[300000:400000] == bytes(100000))
t("copy_file_range: at the end of the source copies 0",
  os.copy_file_range(s, d, 10, len(src), 0) == 0)
os.close(s)
os.close(d)
fd = os.open(p("fa"), os.O_RDWR | os.O_CREAT, 0o644)
os.ftruncate(fd, 1 << 20)
r = libc.fallocate(fd, 0, 0, 1 << 20)
st = os.fstat(fd)
t("fallocate: mode 0 over a hole allocates it (st_blocks)",
  r == 0 and st.st_blocks * 512 >= (1 << 20) and st.st_size == 1 << 20)
r = libc.fallocate(fd, 0, (1 << 20) - 10, 4106)
t("fallocate: mode 0 past the end grows the file, zeros",
  r == 0 and os.fstat(fd).st_size == (1 << 20) + 4096 and
  os.pread(fd, 1 << 21, 0) == bytes((1 << 20) + 4096))
os.pwrite(fd, b"keep", 100)
r = libc.fallocate(fd, 0, 0, 8192)
t("fallocate: written data is left alone",
  r == 0 and os.pread(fd, 4, 100) == b"keep")
r = libc.fallocate(fd, 1, 0, 1 << 22)
t("fallocate: KEEP_SIZE is EOPNOTSUPP",
  r == -1 and ctypes.get_errno() == errno.EOPNOTSUPP)
r = libc.fallocate(fd, 3, 0, 4096)
t("fallocate: PUNCH_HOLE is EOPNOTSUPP",
  r == -1 and ctypes.get_errno() == errno.EOPNOTSUPP)
os.close(fd)
print("done")
PY
		while IFS= read -r line; do
			case $line in
			PASS:*) ok ;;
			FAIL:*) bad "ext4 rw: ${line#FAIL: }" ;;
			esac
		done <"$W/py2.log"
		check "ext4 rw: links/fallocate/copy_file_range script ran ($(tail -n 1 "$W/py2.log"))" \
		    grep -qx done "$W/py2.log"
		check "ext4 rw: cp --reflink=never through the mount" \
		    T sh -c 'cp --reflink=never "$1/cf_src" "$1/cf_cp" && cmp -s "$1/cf_src" "$1/cf_cp"' sh "$M"
		T rm -rf "$M/hl" "$M/cf_src" "$M/cf_dst" "$M/cf_cp" "$M/fa"
	else
		echo "SKIP: renameat2 through akfuse (no python3)"
	fi
	# Real programs: cp -a in (links, sparse file, xattrs), tar out.
	check "ext4 rw: cp -a a tree in" T cp -a "$E" "$M/copy"
	check "ext4 rw: diff -r of the copy" \
	    T diff -r --no-dereference "$E" "$M/copy"
	listing "$M/copy" >"$W/l3"
	listing "$E" >"$W/l1"
	check "ext4 rw: find listing of the copy (modes, links, sizes)" \
	    cmp -s "$W/l1" "$W/l3"
	xattrs "$M/copy" >"$W/x3"
	check "ext4 rw: cp -a kept the xattrs" cmp -s "$W/x1" "$W/x3"
	mkdir "$W/untar"
	(cd "$M/copy" && T tar cf - .) | (cd "$W/untar" && tar xf -)
	check "ext4 rw: tar c out of the mount, diff" \
	    T diff -r --no-dereference "$E" "$W/untar"
	# A bounded stress run: 4 processes creating, writing, renaming,
	# deleting; the survivors are known in advance.
	stress() {
		mkdir "$M/s$1" || return 1
		n=0
		while [ $n -lt 40 ]; do
			echo "worker $1 file $n" >"$M/s$1/t$n" || return 1
			mv "$M/s$1/t$n" "$M/s$1/f$n" || return 1
			if [ $((n % 3)) -eq 0 ]; then
				rm "$M/s$1/f$n" || return 1
			fi
			mkdir "$M/s$1/d$n" && rmdir "$M/s$1/d$n" || return 1
			n=$((n + 1))
		done
	}
	workers=""
	for w in 1 2 3 4; do
		T sh -c "$(sed -n '/^	stress() {/,/^	}/p' "$0"); M='$M'; stress $w" &
		workers="$workers $!"
	done
	st=0
	for p in $workers; do wait "$p" || st=1; done
	check "ext4 rw: stress workers finished" test $st -eq 0
	bad_stress=0
	for w in 1 2 3 4; do
		n=0
		while [ $n -lt 40 ]; do
			if [ $((n % 3)) -eq 0 ]; then
				[ ! -e "$M/s$w/f$n" ] || bad_stress=1
			else
				[ "$(cat "$M/s$w/f$n" 2>/dev/null)" = \
				    "worker $w file $n" ] || bad_stress=1
			fi
			n=$((n + 1))
		done
		[ "$(ls "$M/s$w" | wc -l)" -eq 26 ] || bad_stress=1
	done
	check "ext4 rw: stress survivors and contents" test $bad_stress -eq 0
	T rm "$M/hard" "$M/written"
	check "ext4 rw: unmount" akumount "$M"
	check "ext4 rw: e2fsck -fn clean" \
	    e2fsck -fn "$W/w.img" >"$W/fsck.log" 2>&1
	debugfs -R "dump /payload $W/dumped" "$W/w.img" >/dev/null 2>&1
	check "ext4 rw: debugfs dump = what was written" \
	    cmp -s "$W/payload" "$W/dumped"
	check "ext4 rw: debugfs sees the symlink" sh -c \
	    'debugfs -R "stat /sym" "$1" 2>/dev/null | grep -q "Fast link dest: \"payload\""' \
	    sh "$W/w.img"
	check "ext4 rw: debugfs sees the renamed tree" sh -c \
	    'debugfs -R "cat /z/b/c/file" "$1" 2>/dev/null | grep -qx in-c' \
	    sh "$W/w.img"
	check "ext4 rw: debugfs sees the xattr" sh -c \
	    'debugfs -R "ea_get /payload user.k" "$1" 2>/dev/null | grep -q value' \
	    sh "$W/w.img"
else
	bad "ext4 rw: mount: $(cat "$W/akfuse.log")"
fi

# --- a tree deeper than PATH_MAX, through directory descriptors ----------------
# akfuse reaches every node relative to its parent's descriptor, so the
# host's *at calls can go deeper than any whole path.  AKFUSE_DIRFDS=4
# makes it close its directory descriptors again and again (the bound
# that keeps the kernel's descriptor table from filling), so reopening
# them on demand is checked too.  The oracle is debugfs, walking down
# with its own cd, and e2fsck -fn.
DT=$(dirname "$0")/deep_tree.py
if command -v python3 >/dev/null 2>&1; then
	M=$W/deepmnt
	mke2fs -q -t ext4 "$W/deep.img" 32M >/dev/null 2>&1
	export AKFUSE_DIRFDS=4
	if akmount "$W/deep.img" "$M"; then
		check "deep: make a tree deeper than PATH_MAX with *at calls" \
		    T python3 "$DT" make "$M"
		check "deep: read it back through the mount" \
		    T python3 "$DT" check "$M"
		check "deep: unmount" akumount "$M"
	else
		bad "deep: mount: $(cat "$W/akfuse.log")"
	fi
	unset AKFUSE_DIRFDS
	check "deep: e2fsck -fn clean after making it" \
	    e2fsck -fn "$W/deep.img" >/dev/null 2>&1
	check "deep: debugfs finds all of it (cd level by level)" \
	    python3 "$DT" debugfs "$W/deep.img"
	if akmount "$W/deep.img" "$M"; then
		check "deep: read back after a remount (from the image)" \
		    T python3 "$DT" check "$M"
		check "deep: remove it bottom up" T python3 "$DT" remove "$M"
		check "deep: the mount is empty again" \
		    test "$(T ls -A "$M")" = lost+found
		check "deep: unmount after removing" akumount "$M"
	else
		bad "deep: remount: $(cat "$W/akfuse.log")"
	fi
	check "deep: e2fsck -fn clean after removing it" \
	    e2fsck -fn "$W/deep.img" >/dev/null 2>&1
	check "deep: debugfs sees only lost+found at the root" sh -c \
	    'test "$(debugfs -R "ls" "$1" 2>/dev/null | tr -s " " "\n" | grep -cx "d00x*")" = 0 && debugfs -R "ls" "$1" 2>/dev/null | grep -q lost+found' \
	    sh "$W/deep.img"
else
	echo "SKIP: akfuse deep tree (no python3)"
fi

# --- security.capability: remembered absent, still dropped on write -------------
# akfuse answers the host's question before each write (is there a
# security.capability to drop?) from memory once the image said no; a
# setxattr must make it ask again, and a write must still drop one.
# Oracle: debugfs ea_list after the unmount.
if command -v python3 >/dev/null 2>&1; then
	M=$W/capmnt
	mke2fs -q -t ext4 "$W/cap.img" 16M >/dev/null 2>&1
	if akmount "$W/cap.img" "$M"; then
		T python3 - "$M" >"$W/cap.log" 2>&1 <<'PY'
import os, struct, sys
os.chdir(sys.argv[1])
cap = struct.pack('<IIIII', 0x02000001, 1 << 13, 0, 0, 0)  # cap_net_raw+ep
for n in ('f', 'g'):
    with open(n, 'wb') as f:
        f.write(b'first\n')          # the host asks; the answer is kept
    os.setxattr(n, 'security.capability', cap)
    print(n, 'set', os.getxattr(n, 'security.capability') == cap)
with open('f', 'ab') as f:
    f.write(b'second\n')             # drops f's, not g's
try:
    os.getxattr('f', 'security.capability')
    print('f kept')
except OSError as e:
    print('f dropped' if e.errno == 61 else 'f error %d' % e.errno)
print('g kept', os.getxattr('g', 'security.capability') == cap)
PY
		check "capability: set after a write is seen ($(tr '\n' ' ' <"$W/cap.log"))" \
		    grep -qx "g set True" "$W/cap.log"
		check "capability: a write drops it" grep -qx "f dropped" "$W/cap.log"
		check "capability: another file keeps it" grep -qx "g kept True" "$W/cap.log"
		check "capability: unmount" akumount "$M"
		check "capability: on the image: f none, g one (debugfs)" sh -c \
		    '! debugfs -R "ea_list /f" "$1" 2>/dev/null | grep -q security.capability && debugfs -R "ea_list /g" "$1" 2>/dev/null | grep -q "security.capability (20)"' \
		    sh "$W/cap.img"
	else
		bad "capability: mount: $(cat "$W/akfuse.log")"
	fi
else
	echo "SKIP: akfuse security.capability (no python3)"
fi

# --- credentials: requests run as their caller --------------------------------------
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	mke2fs -q -t ext4 "$W/c.img" 16M >/dev/null 2>&1
	# The scratch directory is private: mount where nobody can reach.
	CRED=$(mktemp -d /tmp/akfuse-cred.XXXXXX)
	chmod 755 "$CRED"
	M=$CRED/mnt
	if akmount "$W/c.img" "$M" -o allow_other; then
		ok
		T mkdir -m 1777 "$M/pub"
		chmod 755 "$M"
		AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
		check "cred: nobody can list the mount (so denials are akfuse's)" \
		    T $AS ls "$M/pub"
		T $AS touch "$M/denied" 2>"$W/err"
		check "cred: nobody cannot create in a root 755 directory" \
		    grep -q 'Permission denied' "$W/err"
		check "cred: nobody can create in a 1777 directory" \
		    T $AS touch "$M/pub/mine"
		check "cred: the new file belongs to nobody" \
		    test "$(stat -c %u:%g "$M/pub/mine")" = 65534:65534
		T sh -c 'echo secret >"$1/pub/root-only"; chmod 600 "$1/pub/root-only"' sh "$M"
		T $AS cat "$M/pub/root-only" >/dev/null 2>"$W/err"
		check "cred: nobody cannot read a root 600 file" \
		    grep -q 'Permission denied' "$W/err"
		# Supplementary groups come from /proc, read by the sandbox's
		# helper process once akfuse is confined.
		T sh -c 'echo grp >"$1/pub/grp"; chgrp 4242 "$1/pub/grp"; chmod 640 "$1/pub/grp"' sh "$M"
		check "cred: a supplementary group grants read (through the sandbox helper)" \
		    test "$(T setpriv --reuid=65534 --regid=65534 --groups=4242 cat "$M/pub/grp")" = grp
		check "cred: unmount" akumount "$M"
		check "cred: e2fsck -fn clean" e2fsck -fn "$W/c.img" >/dev/null 2>&1
	else
		bad "cred: mount: $(cat "$W/akfuse.log")"
	fi
	rmdir "$M" "$CRED" 2>/dev/null
else
	echo "SKIP: akfuse credentials (needs root and setpriv)"
fi

# --- ISO 9660 and squashfs, read-only -------------------------------------------
R=$W/rtree
gen_files "$R"
ln -s f4096 "$R/sym"
if command -v genisoimage >/dev/null 2>&1; then
	genisoimage -quiet -R -o "$W/i.iso" "$R" 2>/dev/null
	M=$W/imnt
	# No -o ro: akfuse falls back to read-only by itself.
	if akmount "$W/i.iso" "$M"; then
		ok
		check "iso: diff -r" T diff -r --no-dereference "$R" "$M"
		check "iso: cmp every file" cmp_all "$R" "$M"
		check "iso: mounted read-only" sh -c \
		    '! touch "$1/new" 2>/dev/null' sh "$M"
		check "iso: unmount" akumount "$M"
	else
		bad "iso: mount: $(cat "$W/akfuse.log")"
	fi
else
	echo "SKIP: akfuse on ISO 9660 (no genisoimage)"
fi
if command -v mksquashfs >/dev/null 2>&1; then
	mksquashfs "$R" "$W/s.img" -quiet -noappend >/dev/null 2>&1
	M=$W/smnt
	# -s: the single-threaded loop.
	if akmount "$W/s.img" "$M" -s -o ro -o type=squashfs; then
		ok
		check "squashfs: diff -r" T diff -r --no-dereference "$R" "$M"
		listing "$R" | sed 's/ [0-9]*$//' >"$W/l1"
		listing "$M" | sed 's/ [0-9]*$//' >"$W/l2"
		check "squashfs: find listing" cmp -s "$W/l1" "$W/l2"
		check "squashfs: unmount" akumount "$M"
	else
		bad "squashfs: mount: $(cat "$W/akfuse.log")"
	fi
else
	echo "SKIP: akfuse on squashfs (no mksquashfs)"
fi

# --- errors ---------------------------------------------------------------------
# fails DESC PATTERN AKFUSE-ARGS...: akfuse must exit non-zero, say
# PATTERN, and leave nothing mounted.
fails() {
	d=$1 pat=$2
	shift 2
	mkdir -p "$W/emnt2"
	timeout -s KILL 20 "$AKF" "$@" "$W/emnt2" >"$W/err" 2>&1
	r=$?
	if [ $r -eq 0 ] || [ $r -ge 124 ]; then
		bad "$d: exit status $r"
		fusermount3 -u -z "$W/emnt2" 2>/dev/null
	elif ! grep -q "$pat" "$W/err"; then
		bad "$d: message: $(cat "$W/err")"
	elif mounted "$W/emnt2"; then
		bad "$d: left a mount behind"
	else
		ok
	fi
}
fails "nonexistent image" "No such file" -f "$W/nonexistent.img"
head -c 1048576 /dev/zero >"$W/zero.img"
fails "image with no file system" "no file system" -f "$W/zero.img"
fails "wrong -o type" "not a vfat" -f -o type=vfat "$W/e.img"
fails "unknown -o type" "unknown file system type" -f -o type=nosuchfs \
    "$W/e.img"
[ -f "$W/i.iso" ] &&
    fails "read-write mount of an ISO with -o rw" "Read-only file system" \
    -f -o rw "$W/i.iso"
timeout -s KILL 20 "$AKF" -f "$W/e.img" "$W/no/such/dir" >"$W/err" 2>&1
r=$?
check "missing mount point: exit status 2 ($r)" test $r -eq 2
check "missing mount point: message" grep -q 'bad mount point' "$W/err"
# Without -f the parent waits for the child's verdict.
fails "daemon mode reports errors too" "no file system" "$W/zero.img"

# --- partitions: -o part=N, and the one-file-system probe ------------------------
if command -v sfdisk >/dev/null 2>&1; then
	P=$W/ptree
	mkdir -p "$P/sub"
	head -c 123457 /dev/urandom >"$P/sub/blob"
	echo part >"$P/name"
	mkfs.fat -C "$W/p1.img" 8192 >/dev/null
	mcopy -i "$W/p1.img" "$P/name" ::/name
	mke2fs -q -t ext4 -d "$P" "$W/p2.img" 8M >/dev/null 2>&1
	# two partitions: 1 (FAT) at 1 MiB, 2 (ext4) at 10 MiB
	truncate -s 20M "$W/disk.img"
	printf 'start=2048, size=16384, type=c\nstart=20480, size=16384, type=83\n' |
	    sfdisk -q "$W/disk.img" >/dev/null 2>&1
	dd if="$W/p1.img" of="$W/disk.img" bs=1M seek=1 conv=notrunc 2>/dev/null
	dd if="$W/p2.img" of="$W/disk.img" bs=1M seek=10 conv=notrunc 2>/dev/null
	cp "$W/disk.img" "$W/disk1.img"
	dd if=/dev/zero of="$W/disk1.img" bs=1M seek=10 count=8 conv=notrunc \
	    2>/dev/null
	cp "$W/disk1.img" "$W/disk1.orig"
	fails "partitions: two file systems, no -o part" "several partitions" \
	    -o ro "$W/disk.img"
	fails "partitions: -o part=7" "no such partition" -o ro,part=7 \
	    "$W/disk.img"
	M=$W/pmnt
	if akmount "$W/disk.img" "$M" -o ro,part=2; then
		ok
		check "partitions: part=2 is the ext4 tree" \
		    T diff -r -x lost+found "$P" "$M"
		check "partitions: unmount part=2" akumount "$M"
	else
		bad "partitions: mount part=2: $(cat "$W/akfuse.log")"
	fi
	if akmount "$W/disk1.img" "$M"; then
		ok
		check "partitions: the only file system is found (FAT)" \
		    T cmp -s "$P/name" "$M/name"
		check "partitions: write into the partition" \
		    T cp "$P/sub/blob" "$M/blob"
		check "partitions: unmount" akumount "$M"
		dd if="$W/disk1.img" of="$W/p1.out" bs=1M skip=1 count=8 \
		    2>/dev/null
		check "partitions: fsck.fat -n of the partition clean" \
		    fsck.fat -n "$W/p1.out" >/dev/null
		mcopy -n -i "$W/p1.out" ::/blob "$W/blob.out" 2>/dev/null
		check "partitions: mcopy of what was written" \
		    cmp -s "$P/sub/blob" "$W/blob.out"
		check "partitions: the rest of the disk untouched" sh -c \
		    'cmp -s -n 1048576 "$1" "$2" && cmp -s -i 9437184 "$1" "$2"' \
		    sh "$W/disk1.orig" "$W/disk1.img"
	else
		bad "partitions: mount disk1: $(cat "$W/akfuse.log")"
	fi
else
	echo "SKIP: akfuse partitions (no sfdisk)"
fi

# --- corrupt images: an error, never a crash or a hang ---------------------------
for k in 1 2 3 4 5 6; do
	cp "$W/e.img" "$W/bad.img"
	# 30 deterministic 8-byte smudges in the first 4 MiB (metadata),
	# sparing the superblock so that most of them mount.
	i=0
	while [ $i -lt 30 ]; do
		off=$(( (i * 7919 + k * 104729) % 4194304 ))
		[ $off -ge 1024 ] && [ $off -lt 2048 ] && off=$((off + 2048))
		printf '\245\245\245\245\245\245\245\245' |
		    dd of="$W/bad.img" bs=1 seek=$off conv=notrunc 2>/dev/null
		i=$((i + 1))
	done
	M=$W/bmnt
	if akmount "$W/bad.img" "$M" -o ro; then
		T find "$M" -type f -exec cat {} + >/dev/null 2>&1
		T ls -laR "$M" >/dev/null 2>&1
		xattrs "$M" >/dev/null 2>&1
		check "corrupt image $k: akfuse survives reading it" akumount "$M"
	else
		check "corrupt image $k: refused with a message" \
		    grep -q '^akfuse: ' "$W/akfuse.log"
	fi
done

# --- the sandbox: seccomp once mounted, -o nosandbox ----------------------------
# seccomp_of: "Seccomp:" of the akfuse serving now (a child of timeout).
seccomp_of() {
	p=$(pgrep -P "$MPID" | head -n 1)
	sed -n 's/^Seccomp:[[:space:]]*//p' "/proc/$p/status" 2>/dev/null
}
if nm "$AKF" 2>/dev/null | grep -Eq '__(asan|tsan)_init'; then
	echo "SKIP: akfuse sandbox (sanitizer build)"
elif ! grep -q '^Seccomp:' /proc/self/status; then
	echo "SKIP: akfuse sandbox (no seccomp in this kernel)"
else
	mke2fs -q -t ext4 "$W/sb.img" 16M >/dev/null 2>&1
	M=$W/sbmnt
	if akmount "$W/sb.img" "$M"; then
		check "sandbox: akfuse is confined once mounted (Seccomp: 2)" \
		    test "$(seccomp_of)" = 2
		check "sandbox: confined, it still writes and reads" \
		    test "$(T sh -c 'echo in-sandbox >"$1/s" && cat "$1/s"' sh "$M")" = in-sandbox
		check "sandbox: unmount" akumount "$M"
	else
		bad "sandbox: mount: $(cat "$W/akfuse.log")"
	fi
	if akmount "$W/sb.img" "$M" -o nosandbox; then
		check "sandbox: -o nosandbox leaves it unconfined (Seccomp: 0)" \
		    test "$(seccomp_of)" = 0
		check "sandbox: -o nosandbox unmount" akumount "$M"
	else
		bad "sandbox: mount -o nosandbox: $(cat "$W/akfuse.log")"
	fi
	check "sandbox: e2fsck -fn clean, the confined write landed" sh -c \
	    'e2fsck -fn "$1" >/dev/null 2>&1 && debugfs -R "cat /s" "$1" 2>/dev/null | grep -qx in-sandbox' \
	    sh "$W/sb.img"
fi

# --- background mode, and SIGTERM ------------------------------------------------
M=$W/dmnt
mkdir -p "$M"
MNTS="$MNTS $M"
check "daemon mode: akfuse returns 0 once mounted" \
    timeout -s KILL 20 "$AKF" "$W/f.img" "$M"
check "daemon mode: mounted" mounted "$M"
check "daemon mode: files readable" T cmp -s "$X/deepcopy" "$M/deepcopy"
T fusermount3 -u "$M"
# The daemon writes back after the unmount: wait (up to 20 s) until
# no akfuse process serves this image any more.
daemon_alive() {
	for c in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' <"$c"; } 2>/dev/null |
		    grep -qF "$AKF $W/f.img" && return 0
	done
	return 1
}
i=0
while daemon_alive && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
if daemon_alive; then bad "daemon mode: still running after the unmount"; else ok; fi
check "daemon mode: fsck.fat -n clean" fsck.fat -n "$W/f.img" >/dev/null
if akmount "$W/f.img" "$M"; then
	T sh -c 'echo sigterm >"$1/sig"' sh "$M"
	kill -TERM "$MPID"
	i=0
	while kill -0 "$MPID" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	wait "$MPID"
	check "SIGTERM: akfuse exits 0" test $? -eq 0
	MPID=""
	if mounted "$M"; then bad "SIGTERM: still mounted"; else ok; fi
	check "SIGTERM: fsck.fat -n clean" fsck.fat -n "$W/f.img" >/dev/null
	got=$(mtype -i "$W/f.img" ::/sig 2>&1)
	check "SIGTERM: the last write reached the image ($got)" \
	    test "$got" = sigterm
else
	bad "SIGTERM: mount: $(cat "$W/akfuse.log")"
fi

finish
