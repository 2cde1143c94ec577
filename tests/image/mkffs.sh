#!/bin/sh
# mkffs.sh OUTDIR: build the FFS test images for tests/image/ffs_read.
#
# Generates a source tree (OUTDIR/tree: files of many sizes, among them
# every fragment-tail size class of each block size and files reaching
# the single and double indirect blocks, an empty file, hard links,
# short (fast) and long (slow) symlinks, device nodes, a fifo (no
# socket: makefs skips them), deep paths, a 2,000-entry directory, names
# with spaces and UTF-8, varied modes, owners and mtimes) and images of it
# made by the reference tool, NetBSD's makefs as Debian packages it:
# UFS1 and UFS2, little- and big-endian, and each block/fragment size
# pair from 4096/512 to 65536/8192.
#
# Writes OUTDIR/images.txt, one line per image: "IMAGE VERSION ENDIAN
# BSIZE FSIZE".  Also small-ufs{2-le,1-be}.img (4096/512, a few files, a
# double indirect one for UFS2) for the targeted damage of ffs_corrupt.c,
# and tiny-ufs{2-le,1-be}.img (a few KiB of files) for its random damage.
# Exit 77 if makefs is missing.
set -eu
out=$1
PATH=$PATH:/sbin:/usr/sbin
if ! command -v makefs >/dev/null 2>&1; then
	echo "mkffs.sh: makefs not found" >&2
	exit 77
fi
export TZ=UTC
T0=1500000000

rm -rf "$out"
mkdir -p "$out"
tree=$out/tree
mkdir -p "$tree"

# file PATH SIZE: SIZE random bytes and a distinct mtime.
n=0
stamp() {
	n=$((n + 1))
	touch -h -d "@$((T0 + n * 3607))" "$1"
}
file() {
	head -c "$2" /dev/urandom > "$1"
	stamp "$1"
}

file "$tree/empty" 0
# Around every fragment and block size, and the 12-direct-block limit of
# each block size (the tail of the last direct block is fragments).
mkdir "$tree/sizes"
for s in 1 511 512 513 1023 1024 1025 1536 2047 2048 2049 3000 4095 4096 \
    4097 6000 7168 8191 8192 8193 12288 16383 16384 16385 24576 32767 \
    32768 32769 49151 49152 49153 57344 65535 65536 65537 98303 98304 \
    98305 196607 196608 196609 393216 393217 786431 786432 786433; do
	file "$tree/sizes/f_$s" $s
done
# Single indirect for every block size; double indirect for 4 KiB
# (UFS2: 12 + 512 blocks) and 8 KiB UFS2 blocks (12 + 1024).
file "$tree/indirect" 1500000
file "$tree/double" 9000000
# A file of zeros: makefs stores it as data (it keeps no holes).
head -c 300000 /dev/zero > "$tree/zeros"
stamp "$tree/zeros"

mkdir -p "$tree/deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p"
file "$tree/deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/bottom" 77
file "$tree/name with spaces" 10
file "$tree/ünïcødé-名前-ファイル" 20
file "$tree/$(printf 'L%.0s' $(seq 1 255))" 5

ln -s sizes/f_1 "$tree/link_short"
ln -s "$(printf 'x%.0s' $(seq 1 119))" "$tree/link_119"
ln -s "$(printf 'y%.0s' $(seq 1 120))" "$tree/link_120"
ln -s "$(printf 'z%.0s' $(seq 1 59))" "$tree/link_59"
ln -s "$(printf 'w%.0s' $(seq 1 60))" "$tree/link_60"
ln -s "$(printf 'd/%.0s' $(seq 1 700))end" "$tree/link_long"
ln -s /nonexistent/dangling "$tree/link_dangling"
file "$tree/hard_a" 777
ln "$tree/hard_a" "$tree/hard_b"
ln "$tree/hard_a" "$tree/deep/hard_c"
mkfifo "$tree/fifo"
# No socket: makefs leaves sockets out of the image.
if [ "$(id -u)" = 0 ]; then
	mknod "$tree/chardev" c 1 3
	mknod "$tree/blockdev" b 7 200
	mknod "$tree/bigdev" c 300 70000
	chown 1000:2000 "$tree/sizes/f_1"
	chown 12345:54321 "$tree/hard_a"
	chown 65534:0 "$tree/deep"
	chown -h 4242:4343 "$tree/link_short"
fi
chmod 4755 "$tree/sizes/f_511"
chmod 0600 "$tree/sizes/f_4096"
chmod 1777 "$tree/deep/a"
chmod 0000 "$tree/sizes/f_8192"
chmod 2750 "$tree/deep/a/b"

mkdir "$tree/bigdir"
(cd "$tree/bigdir" && seq -f "entry_%04g_with_a_longer_name" 0 1999 |
    xargs touch)
for d in bigdir deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p deep/a/b deep/a deep \
    sizes; do
	stamp "$tree/$d"
done
stamp "$tree"

# img VERSION ENDIAN BSIZE FSIZE
: > "$out/images.txt"
img() {
	name=ufs$1-$2-$3.img
	if ! makefs -t ffs -B "$2" -o "version=$1,bsize=$3,fsize=$4" \
	    -M 256k "$out/$name" "$tree" >"$out/$name.log" 2>&1; then
		echo "SKIP $name (makefs: $(tail -n 1 "$out/$name.log"))"
		return 0
	fi
	echo "$name $1 $2 $3 $4" >> "$out/images.txt"
}
for v in 1 2; do
	for e in le be; do
		img $v $e 4096 512
		img $v $e 8192 1024
		img $v $e 16384 2048
		img $v $e 32768 4096
		img $v $e 65536 8192
	done
done

# The damage targets.
small=$out/small
mkdir -p "$small/sub"
file "$small/hard_a" 777
ln "$small/hard_a" "$small/sub/hard_b"
file "$small/double" 2300000
file "$small/sub/x" 5000
ln -s hard_a "$small/link_short"
ln -s "$(printf 'q%.0s' $(seq 1 300))" "$small/link_long"
mkfifo "$small/fifo"
tiny=$out/tiny
mkdir -p "$tiny/sub"
file "$tiny/a" 3000
file "$tiny/sub/b" 9000
ln -s a "$tiny/l"
ln -s "$(printf 'p%.0s' $(seq 1 200))" "$tiny/long"
for v in 2-le 1-be; do
	makefs -t ffs -B "${v#*-}" -o "version=${v%-*},bsize=4096,fsize=512" \
	    -M 64k "$out/small-ufs$v.img" "$small" >/dev/null
	makefs -t ffs -B "${v#*-}" -o "version=${v%-*},bsize=4096,fsize=512" \
	    -M 96k "$out/tiny-ufs$v.img" "$tiny" >/dev/null
done
exit 0
