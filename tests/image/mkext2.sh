#!/bin/sh
# mkext2.sh OUTDIR: build the ext2/3/4 test images for tests/image/ext2_read.
#
# Generates a source tree (OUTDIR/tree: files of many sizes, sparse files
# with holes, long and UTF-8 names, a 3000-entry directory so that the
# htree index is used, short and long symlinks, hard links, a fifo, a
# device node and a socket when possible, user xattrs, varied owners,
# modes and nanosecond mtimes) and images made from it by the reference
# tool, `mke2fs -d`, one per layout variant.
#
# Writes OUTDIR/images.txt, one line per image: "IMAGE NSEC OPTIONS",
# NSEC 1 if the layout keeps nanosecond times (inodes > 128 bytes).
# Exit 77 if mke2fs, debugfs or e2fsck is missing.
set -eu
out=$1
PATH=$PATH:/sbin:/usr/sbin
for t in mke2fs debugfs e2fsck; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "mkext2.sh: $t not found" >&2
		exit 77
	fi
done
export TZ=UTC
T0=1600000000

rm -rf "$out"
mkdir -p "$out"
tree=$out/tree
mkdir -p "$tree"

# file PATH SIZE: SIZE random bytes (random, so that no block is all
# zeros: mke2fs -d turns zero blocks into holes), mtime with nanoseconds.
n=0
file() {
	n=$((n + 1))
	head -c "$2" /dev/urandom > "$1"
	touch -d "@$((T0 + n * 3607)).$((n * 12345679 % 1000000000))" "$1"
}

# setx PATH NAME VALUE: a user xattr, with setfattr or python3.
setx() {
	if command -v setfattr >/dev/null 2>&1; then
		setfattr -n "$2" -v "$3" "$1"
	else
		python3 -c 'import os, sys
os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode(),
    follow_symlinks=False)' "$1" "$2" "$3"
	fi
}

file "$tree/empty" 0
file "$tree/one" 1
file "$tree/hundred" 100
for s in 59 60 61 1023 1024 1025 4095 4096 4097 12289 65536 65537 \
    300000 1100000; do
	file "$tree/size_$s" $s
done
mkdir -p "$tree/sub/deeper/deepest"
file "$tree/sub/inner" 5000
file "$tree/sub/deeper/deepest/bottom.txt" 42
file "$tree/with space and, comma" 7
file "$tree/café crème.txt" 17
file "$tree/日本語のファイル名.txt" 33
file "$tree/emoji 😀.bin" 9
long=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do
	long="${long}abcdefghij"
done
file "$tree/${long}12345" 21			# 255 bytes
file "$tree/$long" 2				# 250 bytes

# Sparse files: data at 64 KiB multiples (every block size agrees on
# where the holes are), ending in a hole.  "fragmented" has enough
# pieces for a depth >= 1 extent tree.
sparse() {
	f=$1
	shift
	: > "$f"
	for kib in "$@"; do
		head -c 65536 /dev/urandom |
		    dd of="$f" bs=1024 seek="$kib" conv=notrunc status=none
	done
}
sparse "$tree/sparse" 0 1024 3072
truncate -s 4M "$tree/sparse"
sparse "$tree/fragmented" 0 128 256 384 512 640 768 896 1024 1152 1280
truncate -s 2M "$tree/fragmented"
sparse "$tree/hole_first" 2048
# 400 pieces of 4 KiB, 8 KiB apart: an extent tree of depth 2 with 1 KiB
# blocks (84 extents per leaf), depth 1 with 4 KiB blocks.
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import os, sys
with open(sys.argv[1], "wb") as f:
    for i in range(400):
        f.seek(8192 * i)
        f.write(os.urandom(4096))' "$tree/deep_extents"
else
	: > "$tree/deep_extents"
	i=0
	while [ $i -lt 400 ]; do
		head -c 4096 /dev/urandom | dd of="$tree/deep_extents" bs=4096 \
		    seek=$((i * 2)) conv=notrunc status=none
		i=$((i + 1))
	done
fi
head -c 40960 /dev/zero > "$tree/zeros40k"
touch -d "@$T0" "$tree/sparse" "$tree/fragmented" "$tree/hole_first" \
    "$tree/zeros40k" "$tree/deep_extents"
if [ "${EXT2_BIG:-1}" = 1 ]; then
	# > 4 GiB (large_file): a hole, then data past 4 GiB.
	sparse "$tree/big_sparse" 4718592
	truncate -s 5G "$tree/big_sparse"
fi

# Links.
ln -s one "$tree/symlink_short"
ln -s "sub/deeper/deepest/../../deeper/deepest/../deepest/bottom.txt.long.target.name" \
    "$tree/symlink_long"
ln -s "$long" "$tree/symlink_255"
file "$tree/sub/hardlinked" 3000
ln "$tree/sub/hardlinked" "$tree/hard2"
ln "$tree/sub/hardlinked" "$tree/sub/deeper/hard3"

# Special files, owners, modes.
mkfifo "$tree/fifo"
if [ "$(id -u)" = 0 ]; then
	mknod "$tree/chardev" c 1 3
	mknod "$tree/blockdev" b 8 17
	mknod "$tree/bigdev" c 300 70000
	chown 1234:5678 "$tree/hundred"
	chown 70000:80000 "$tree/one"
	chown -h 42:43 "$tree/symlink_short"
fi
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$tree/socket" \
    2>/dev/null || true
chmod 0600 "$tree/size_59"
chmod 04755 "$tree/size_60"
chmod 0000 "$tree/size_61"
mkdir -p "$tree/sticky"
chmod 01777 "$tree/sticky"
chmod 02750 "$tree/sub/deeper"

# Extended attributes: small ones stay in the inode, a big one needs the
# external block.
setx "$tree/hundred" user.small "v"
setx "$tree/hundred" user.other "second value"
setx "$tree/sub" user.dir "on a directory"
big=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	big="${big}0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
done
setx "$tree/size_4096" user.big "$big"
setx "$tree/size_4096" user.tiny "t"

# A big directory (htree: index blocks with more than one level at 1 KiB).
mkdir -p "$tree/many"
awk -v d="$tree/many" 'BEGIN {
	for (i = 0; i < 3000; i++) {
		f = sprintf("%s/entry_%05d_with_a_rather_long_name_to_fill_blocks", d, i)
		printf "%d", i > f
		close(f)
	}
}'
# Non-ASCII names hash differently with signed and unsigned chars.
for u in "été" "Ünïcödé ñame" "日本語" "😀 emoji" "ÿÿÿ"; do
	printf x > "$tree/many/$u"
done
find "$tree/many" -type f -exec touch -d "@$T0.5" {} +
# Directory times last: creating entries changed them.
find "$tree" -type d -exec touch -d "@$((T0 - 86400)).25" {} +

: > "$out/images.txt"
# post NAME NSEC OPTIONS: what mke2fs -d cannot make, made by debugfs.
# mke2fs 1.47.0 copies whole seconds only: /hundred gets a nanosecond
# mtime (123456789) where inodes have room for it.  In extent images,
# /zeros40k (a hole in the tree's image) gets unwritten extents, which
# must read as zeros.
post() {
	if [ "$2" = 1 ]; then
		debugfs -w -R "set_inode_field /hundred mtime_extra 0x1d6f3454" \
		    "$out/$1.img" >/dev/null 2>&1
	fi
	# mke2fs -d builds linear directories; e2fsck -D indexes them
	# (htree) as the kernel would once they grow.
	e2fsck -fyD "$out/$1.img" >/dev/null 2>&1 || true
	# With inline_data, mke2fs 1.47.0 loses the trailing hole of
	# sparse files and allocates a zero block 0 for those starting
	# with a hole; give them back their sizes and holes.
	case "$3" in
	*inline_data*)
		for f in sparse:4194304 fragmented:2097152 \
		    big_sparse:5368709120; do
			debugfs -w -R "set_inode_field /${f%%:*} size ${f#*:}" \
			    "$out/$1.img" >/dev/null 2>&1
		done
		for f in hole_first big_sparse; do
			debugfs -w -R "punch /$f 0 0" "$out/$1.img" \
			    >/dev/null 2>&1
		done ;;
	esac
	case "$1 $3" in
	ext4*^extent*) ;;
	ext4*)	debugfs -w -R "fallocate /zeros40k 0 9" "$out/$1.img" \
		    >/dev/null 2>&1 ;;
	esac
}

# img NAME MIB NSEC MKE2FS-OPTIONS...
img() {
	name=$1 mib=$2 nsec=$3
	shift 3
	rm -f "$out/$name.img"
	truncate -s "${mib}M" "$out/$name.img"
	if mke2fs -q -F -E root_owner=0:0 "$@" -d "$tree" \
	    "$out/$name.img" >"$out/$name.log" 2>&1; then
		post "$name" "$nsec" "$*"
		echo "$name.img $nsec $*" >> "$out/images.txt"
	else
		echo "SKIP: ext2 image $name (mke2fs $*: $(head -n 1 \
		    "$out/$name.log"))"
		rm -f "$out/$name.img"
	fi
}
# The images are independent: build them in parallel.
img ext2_1k 64 0 -t ext2 -b 1024 &
img ext2_4k 64 0 -t ext2 -b 4096 &
img ext2_rev0 64 0 -t ext2 -r 0 &
img ext3_4k 64 1 -t ext3 &
img ext4 64 1 -t ext4 &
img ext4_1k 64 1 -t ext4 -b 1024 &
img ext4_i128 64 0 -t ext4 -I 128 &
img ext4_inline 64 1 -t ext4 -O inline_data &
img ext4_gdtcsum 64 1 -t ext4 -O ^metadata_csum,uninit_bg &
img ext4_nocsum 64 1 -t ext4 -O ^metadata_csum,^uninit_bg &
img ext4_blockmap 64 1 -t ext4 -O ^extent,^64bit,^flex_bg &
# Many small groups, so that meta_bg spreads the descriptor blocks over
# several meta groups (and sparse_super2 puts its backups far apart).
img ext4_meta_bg 64 1 -t ext4 -b 1024 -g 1024 -O meta_bg,^resize_inode &
img ext2_meta_bg 64 0 -t ext2 -b 1024 -g 512 -O meta_bg,^resize_inode &
img ext4_sparse2_1k 64 1 -t ext4 -b 1024 -g 1024 -O sparse_super2 &
img ext4_sparse2 64 1 -t ext4 -O sparse_super2 &
img ext4_csumseed 64 1 -t ext4 -O metadata_csum_seed &
img ext4_32bit 64 1 -t ext4 -O ^64bit &
img ext4_64k 512 1 -t ext4 -b 65536 &
img ext4_nojournal 64 1 -t ext4 -O ^has_journal,^flex_bg &
wait
exit 0
