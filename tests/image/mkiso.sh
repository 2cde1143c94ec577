#!/bin/sh
# mkiso.sh OUTDIR: build the ISO 9660 test images for tests/image/iso_read.
#
# Generates a source tree (OUTDIR/tree: files of varied sizes including
# empty ones, long names, directories deeper than 8 levels so that Rock
# Ridge relocates them, short and long symlinks (a target over 255 bytes
# needs SL continuation), hard links, a fifo, a device node when root,
# varied modes, owners and mtimes) and images of it made by genisoimage
# (-R, -J, -R -J, plain, -iso-level 1 and 3) and xorriso -as mkisofs
# (-R -J; and a sparse file over 4 GiB, a multi-extent file, when that
# takes less than ~20 s here).
#
# Writes OUTDIR/images.txt, one line per mount: "IMAGE KIND OPTIONS
# TREE".  KIND "rr" is compared with OUTDIR/TREE (OUTDIR/treex for the
# xorriso images: the tree plus a symlink genisoimage cannot write); "joliet" and "plain" with the
# names isoinfo lists (OUTDIR/IMAGE.KIND.list, isoinfo -f) and the bytes
# isoinfo extracts.  OPTIONS are the mount options, "-" for none.
# OUTDIR/skipped.txt lists what could not be made, one reason a line.
# Exit 77 if genisoimage or isoinfo is missing.
set -eu
out=$1
for t in genisoimage isoinfo; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "mkiso.sh: $t not found" >&2
		exit 77
	fi
done
export TZ=UTC
T0=1500000000

rm -rf "$out"
mkdir -p "$out"
tree=$out/tree
mkdir -p "$tree"
: > "$out/images.txt"
: > "$out/skipped.txt"

# file PATH SIZE: SIZE random bytes, a distinct whole-second mtime.
n=0
file() {
	n=$((n + 1))
	head -c "$2" /dev/urandom > "$1"
	touch -d "@$((T0 + n * 86413))" "$1"
}

file "$tree/empty" 0
file "$tree/empty2" 0
file "$tree/one" 1
for s in 2047 2048 2049 4096 65537 1100000; do
	file "$tree/size_$s" $s
done
file "$tree/README.txt" 300
file "$tree/two.dots.in.name" 10
file "$tree/trailing." 3
file "$tree/MixedCase.Data" 5
long=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	long="${long}abcdefghij"
done
file "$tree/${long}_a_long_name_of_120_chars_XXXXXXXXX" 11
file "$tree/medium_name_of_about_forty_characters.txt" 12

# Deeper than 8 levels: Rock Ridge relocates (CL/PL/RE) below level 8.
d=$tree/deep
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	d=$d/level$i
done
mkdir -p "$d"
file "$d/bottom.txt" 4242
file "$tree/deep/level1/level2/mid.txt" 77
mkdir -p "$tree/sub/inner"
file "$tree/sub/inner/x" 9000
file "$tree/sub/y" 10

# Symlinks: relative, absolute, dot components, and one longer than 255
# bytes (several SL entries, a continuation area).
ln -s size_2048 "$tree/link_short"
ln -s /usr/local/bin/../share/./doc "$tree/link_abs"
ln -s ../sub/./inner/x "$tree/sub/inner/link_up"

# Hard links (non-empty: writers share the extent).
file "$tree/hard_a" 5000
ln "$tree/hard_a" "$tree/sub/hard_b"
mkfifo "$tree/fifo"
if [ "$(id -u)" = 0 ]; then
	mknod "$tree/null_dev" c 1 3
	chown 1234:5678 "$tree/one"
	chown 42:43 "$tree/sub"
fi
chmod 0600 "$tree/README.txt"
chmod 0751 "$tree/sub"
chmod 4755 "$tree/size_2049"
chmod 0640 "$tree/hard_a"
touch -h -d "@$((T0 + 5))" "$tree/link_short"
touch -d "@$((T0 - 86400 * 365 * 40))" "$tree/sub/y"	# before 1980
for dd in $(find "$tree" -depth -type d); do
	n=$((n + 1))
	touch -d "@$((T0 + n * 86413))" "$dd"
done

img() {
	name=$1
	shift
	"$@" -quiet -o "$out/$name" "$src" 2>"$out/$name.log" || {
		cat "$out/$name.log" >&2
		exit 1
	}
}

# list IMAGE KIND ISOINFO-FLAGS: the isoinfo oracle of a tree.
list() {
	isoinfo -i "$out/$1" $3 -f > "$out/$1.$2.list"
}

# mount_line IMAGE KIND OPTIONS: the tree is the one being imaged.
mount_line() {
	echo "$1 $2 $3 $(basename "$src")" >> "$out/images.txt"
}

src=$tree

img g_rr.iso genisoimage -R
mount_line g_rr.iso rr -
img g_j.iso genisoimage -J
list g_j.iso joliet -J
mount_line g_j.iso joliet -
img g_rrj.iso genisoimage -R -J
list g_rrj.iso joliet -J
list g_rrj.iso plain ""
mount_line g_rrj.iso rr -
mount_line g_rrj.iso joliet norock
mount_line g_rrj.iso plain norock,nojoliet
img g_plain.iso genisoimage
list g_plain.iso plain ""
mount_line g_plain.iso plain -
img g_l1rr.iso genisoimage -iso-level 1 -R
mount_line g_l1rr.iso rr -
img g_l3.iso genisoimage -iso-level 3
list g_l3.iso plain ""
mount_line g_l3.iso plain -
img g_l3rr.iso genisoimage -iso-level 3 -R -J
mount_line g_l3rr.iso rr -

# El Torito: a 1.44 MB floppy image as the default entry and a "no
# emulation" loader in a second section; the catalog itself hidden.
src=$out/boottree
mkdir -p "$src"
head -c 1474560 /dev/urandom > "$src/floppy.img"
head -c 10000 /dev/urandom > "$src/loader.bin"
img g_boot.iso genisoimage -R -b floppy.img -c boot.cat -hide boot.cat \
    -eltorito-alt-boot -b loader.bin -no-emul-boot -boot-load-size 4
mount_line g_boot.iso boot -

# zisofs: mkzftree compresses a tree, genisoimage -z marks the files
# (Rock Ridge ZF); the image is compared with the uncompressed tree.
if command -v mkzftree >/dev/null 2>&1; then
	src=$out/zsrc
	mkdir -p "$src/d"
	yes 'zisofs compresses this line well' | head -c 300000 > "$src/text"
	head -c 200000 /dev/zero > "$src/zeros"
	{ head -c 40000 /dev/urandom; head -c 100000 /dev/zero; } > "$src/mixed"
	yes abc | head -c 32768 > "$src/d/one_block"
	yes abcd | head -c 32769 > "$src/d/block_and_a_byte"
	head -c 1000 /dev/urandom > "$src/random"
	: > "$src/empty"
	for f in text zeros mixed d/one_block d/block_and_a_byte random \
	    empty d; do
		n=$((n + 1))
		touch -d "@$((T0 + n * 86413))" "$src/$f"
	done
	touch -d "@$T0" "$src"
	mkzftree "$src" "$out/zpacked"
	src=$out/zpacked
	img g_zisofs.iso genisoimage -R -z
	src=$out/zsrc
	mount_line g_zisofs.iso rrz -
else
	echo "zisofs image (mkzftree not installed)" >> "$out/skipped.txt"
fi

if command -v xorriso >/dev/null 2>&1; then
	# A symlink target over 255 bytes: several SL entries, continued
	# across a CE area.  Only here: genisoimage 1.1.11 writes the SL
	# entry of such a target into a continuation area with its length
	# byte wrapped past 255, a corrupt image that nothing can read.
	src=$out/treex
	cp -a "$tree" "$src"
	lt=""
	for i in 1 2 3 4 5 6; do
		lt="$lt${long}dir$i/"
	done
	ln -s "${lt}end" "$src/link_long"
	touch -h -d "@$((T0 + 7))" "$src/link_long"
	touch -d "@$T0" "$src"
	img x_rrj.iso xorriso -as mkisofs -R -J
	list x_rrj.iso joliet -J
	mount_line x_rrj.iso rr -
	mount_line x_rrj.iso joliet norock
	# A file over 4 GiB, sparse on the host: xorriso reads all of it,
	# so only where that is quick.
	src=$out/bigtree
	big=$src
	mkdir -p "$big"
	head -c 3000 /dev/urandom > "$big/head"
	truncate -s $((4096 * 1024 * 1024 + 1024 * 1024 + 123)) "$big/huge"
	printf 'START' | dd of="$big/huge" conv=notrunc status=none
	# Across the end of the first part (4 GiB - 2048 with xorriso).
	printf 'MIDDLE' | dd of="$big/huge" bs=1 \
	    seek=$((4096 * 1024 * 1024 - 2048 - 3)) conv=notrunc status=none
	printf 'END' | dd of="$big/huge" bs=1 \
	    seek=$((4096 * 1024 * 1024 + 1024 * 1024 + 120)) conv=notrunc \
	    status=none
	touch -d "@$T0" "$big/huge" "$big/head" "$big"
	# Written through a pipe into a sparse file: a few KiB on disk.
	t0=$(date +%s)
	timeout 25 xorriso -as mkisofs -quiet -R -iso-level 3 -o - "$big" \
	    2>"$out/x_big.log" | cp --sparse=always /dev/stdin "$out/x_big.iso"
	t1=$(date +%s)
	sz=$(stat -c %s "$out/x_big.iso")
	if [ "$sz" -le $((4096 * 1024 * 1024)) ]; then
		echo "x_big.iso (xorriso failed or took over 25 s)" \
		    >> "$out/skipped.txt"
		rm -f "$out/x_big.iso"
	elif [ $((t1 - t0)) -gt 20 ]; then
		echo "x_big.iso (xorriso took $((t1 - t0)) s)" \
		    >> "$out/skipped.txt"
		rm -f "$out/x_big.iso"
	else
		mount_line x_big.iso big -
	fi
else
	echo "xorriso images (xorriso not installed)" >> "$out/skipped.txt"
fi
exit 0
