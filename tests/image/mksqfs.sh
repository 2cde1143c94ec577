#!/bin/sh
# mksqfs.sh OUTDIR: build the squashfs test images for tests/image/sqfs_read.
#
# Generates a source tree (OUTDIR/tree: files of many sizes around the
# block sizes, compressible and random data, a sparse file with large
# holes, a 50,000-entry directory of empty files, short and long
# symlinks, hard links, a fifo, device nodes when root, user xattrs
# (shared values too, which mksquashfs stores out of line), varied modes,
# owners and mtimes) and images made from it by the reference tool,
# mksquashfs, one per compressor and per layout option.  Each image's
# `unsquashfs -lln` listing is saved next to it as a second oracle.
#
# Writes OUTDIR/images.txt, one line per image: "IMAGE ALLROOT XATTRS";
# prints "SKIP IMAGE (why)" lines for images mksquashfs could not build
# (a compressor it lacks).  Exit 77 if mksquashfs or unsquashfs is missing.
set -eu
out=$1
PATH=$PATH:/sbin:/usr/sbin
for t in mksquashfs unsquashfs; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "mksqfs.sh: $t not found" >&2
		exit 77
	fi
done
export TZ=UTC
T0=1600000000

rm -rf "$out"
mkdir -p "$out"
tree=$out/tree
mkdir -p "$tree"

n=0
stamp() {
	n=$((n + 1))
	touch -h -d "@$((T0 + n * 3607))" "$1"
}
# rfile PATH SIZE: random bytes; zfile: a compressible text pattern.
rfile() {
	head -c "$2" /dev/urandom > "$1"
	stamp "$1"
}
zfile() {
	yes "line of compressible text $2" | head -c "$2" > "$1"
	stamp "$1"
}

rfile "$tree/empty" 0
rfile "$tree/one" 1
zfile "$tree/hundred" 100
for s in 4095 4096 4097 8192 131071 131072 131073 1048576 1048577; do
	rfile "$tree/r_$s" $s
	zfile "$tree/z_$s" $s
done
rfile "$tree/big_random" 3000000
zfile "$tree/big_text" 2000000
# Sparse: data, then 40 MiB of hole, data, a hole to the end.
dd if=/dev/urandom of="$tree/sparse" bs=1000 count=3 2>/dev/null
dd if=/dev/urandom of="$tree/sparse" bs=1 count=5000 seek=41943040 \
    conv=notrunc 2>/dev/null
truncate -s 50000000 "$tree/sparse"
stamp "$tree/sparse"

mkdir -p "$tree/sub/deeper/deepest"
zfile "$tree/sub/inner" 5000
rfile "$tree/sub/deeper/deepest/bottom.txt" 42
stamp "$tree/sub/deeper/deepest"
stamp "$tree/sub/deeper"


ln -s hundred "$tree/link_short"
ln -s "$(printf 'x%.0s' $(seq 1 300))/target" "$tree/link_long"
ln -s /nonexistent/dangling "$tree/link_dangling"
ln -s sub/deeper "$tree/link_dir"
stamp "$tree/link_short"
rfile "$tree/hard_a" 777
ln "$tree/hard_a" "$tree/hard_b"
ln "$tree/hard_a" "$tree/sub/hard_c"
mkfifo "$tree/fifo"
stamp "$tree/fifo"
if [ "$(id -u)" = 0 ]; then
	mknod "$tree/chardev" c 1 3
	mknod "$tree/blockdev" b 7 200
	mknod "$tree/bigdev" c 300 70000
	chown 1000:2000 "$tree/hundred"
	chown 12345:54321 "$tree/sub/inner"
	chown 65534:0 "$tree/sub"
fi
chmod 4755 "$tree/one"
chmod 0600 "$tree/r_4096"
chmod 1777 "$tree/sub/deeper"
chmod 0000 "$tree/z_4096"
chmod 2750 "$tree/sub/deeper/deepest"

# User xattrs, if the file system under OUTDIR keeps them.
xattrs=0
if command -v setfattr >/dev/null 2>&1 &&
    setfattr -n user.probe -v 1 "$tree/hundred" 2>/dev/null; then
	xattrs=1
	setfattr -x user.probe "$tree/hundred"
	setfattr -n user.colour -v blue "$tree/hundred"
	setfattr -n user.size -v 123 "$tree/hundred"
	long=$(printf 'v%.0s' $(seq 1 3000))
	setfattr -n user.long -v "$long" "$tree/r_4097"
	setfattr -n user.shared -v "same value for two files" "$tree/one"
	setfattr -n user.shared -v "same value for two files" "$tree/sub/inner"
	setfattr -n user.dir -v yes "$tree/sub"
	setfattr -n user.empty "$tree/z_8192"
	# trusted. needs root; it goes through the same out-of-line path.
	setfattr -n trusted.sqfs -v "trusted value" "$tree/hundred" \
	    2>/dev/null || true
	setfattr -n trusted.sqfs -v "same value for two files" \
	    "$tree/r_4096" 2>/dev/null || true
fi
stamp "$tree/sub"
stamp "$tree"

# The big directory, in a tree of its own (packed twice, not 13 times):
# 50,000 empty files, fast to make and to pack.
big=$out/bigtree
mkdir -p "$big/bigdir"
(cd "$big/bigdir" && seq -f "entry_%05g" 0 49999 | xargs touch)
stamp "$big/bigdir"
stamp "$big"

# img NAME ALLROOT OPTIONS...: an image of $src.
src=$tree
: > "$out/images.txt"
img() {
	name=$1
	allroot=$2
	shift 2
	if ! mksquashfs "$src" "$out/$name" -noappend -quiet -no-progress \
	    "$@" >"$out/$name.log" 2>&1; then
		echo "SKIP $name (mksquashfs $*: $(head -n 1 "$out/$name.log"))"
		return 0
	fi
	unsquashfs -lln -d /r "$out/$name" > "$out/$name.lls" 2>/dev/null ||
	    true
	x=$xattrs
	case " $* " in *" -no-xattrs "*) x=0 ;; esac
	echo "$name $allroot $x" >> "$out/images.txt"
}
for c in gzip xz lzo lz4 zstd; do
	img "$c.img" 0 -comp $c -xattrs
done
img lzma.img 0 -comp lzma
img allroot.img 1 -all-root
img nofrag.img 0 -no-fragments
img alwaysfrag.img 0 -always-use-fragments
img b4k.img 0 -b 4K -comp gzip
img b1m.img 0 -b 1M -comp zstd
img noxattr.img 0 -no-xattrs -comp lz4
img uncomp.img 0 -noI -noD -noF -noX
src=$big
img big.img 0 -comp gzip
img big4k.img 0 -b 4K -comp xz
exit 0
