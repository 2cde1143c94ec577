#!/bin/sh
# mkfat.sh OUTDIR: build the FAT test images for tests/image/fat_read.
#
# Generates two source trees (OUTDIR/full and OUTDIR/small: long, short,
# mixed-case, UTF-8 and colliding names, files of sizes around cluster
# boundaries, a deep tree, a directory with many files), then images made
# by the reference tools: `mkfs.fat -C` (FAT12/16/32, 512 and 4096-byte
# sectors, clusters from 512 B to 64 KiB) filled by `mcopy -s -m`.
#
# Writes OUTDIR/images.txt, one line per image: "IMAGE TREE OPTS", and
# OUTDIR/short.txt: "IMAGE<TAB>PATH<TAB>SHORTNAME" for some long names
# as mshortname (the mtools oracle) reports them.  Also OUTDIR/corrupt.img,
# a small FAT16 image the test program damages on purpose, and empty
# images for the write tests, listed in OUTDIR/wimages.txt.
#
# Exit 77 if dosfstools or mtools are missing.
set -eu
out=$1
for t in mkfs.fat mcopy mshortname; do
	if ! command -v $t >/dev/null 2>&1 &&
	    ! [ -x /sbin/$t ] && ! [ -x /usr/sbin/$t ]; then
		echo "mkfat.sh: $t not found" >&2
		exit 77
	fi
done
PATH=$PATH:/sbin:/usr/sbin
# mcopy -m stores local time; the test reads the volume as UTC.
export TZ=UTC
export MTOOLS_SKIP_CHECK=1
# Fixed, even-second mtimes (FAT keeps 2-second resolution).
T0=1600000000

rm -rf "$out"
mkdir -p "$out"

# file PATH SIZE: SIZE pseudo-random bytes, mtime T0 + a per-file offset.
n=0
file() {
	n=$((n + 2))
	head -c "$2" /dev/urandom > "$1"
	touch -d "@$((T0 + n * 3602))" "$1"
}

# common DIR: the names and sizes both trees have.
common() {
	d=$1
	mkdir -p "$d"
	file "$d/hello.txt" 5
	file "$d/UPPER.TXT" 7
	file "$d/README" 10
	file "$d/This is a long file name.txt" 100
	file "$d/a.b.c.d.many.dots" 3
	file "$d/café.txt" 17
	file "$d/日本語のファイル.txt" 33
	# No non-BMP names here: mtools 4.0.32 truncates U+1F600 to U+F600
	# in the long name.  fat_read writes a surrogate pair itself.
	file "$d/Ωmega ДЖ ñ.bin" 9
	file "$d/x" 1
	file "$d/empty" 0
	mkdir -p "$d/case1" "$d/case2" "$d/case3"
	file "$d/case1/Readme.TXT" 11
	file "$d/case2/readme.txt" 12
	file "$d/case3/MiXeD.CaSe" 13
	file "$d/case3/lower.EXT" 14
	file "$d/case3/UPPER.ext" 15
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		file "$d/longfilename number $i.text" $((i * 3))
	done
	long=""
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		long="${long}abcdefghij"
	done
	file "$d/$long.end" 21
	p="$d/deep"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		p="$p/level$i"
	done
	mkdir -p "$p"
	file "$p/bottom.txt" 42
}

# sizes DIR SIZE...: files around the given cluster sizes.
sizes() {
	d=$1
	shift
	mkdir -p "$d/sizes"
	for c in "$@"; do
		for s in $((c - 1)) $c $((c + 1)); do
			file "$d/sizes/s$s" $s
		done
	done
}

# many DIR N: a directory of N small files with 8.3 names (lower case:
# NT flags) and N/10 with long names, by one awk, not N processes.  (Long
# names sharing a prefix make mcopy quadratic in its ~N tail search, so
# the colliding ones are few, in common().)
many() {
	mkdir -p "$1/many"
	awk -v d="$1/many" -v n="$2" 'BEGIN {
		pad = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
		for (i = 0; i < n; i++) {
			f = sprintf("%s/f%04d.dat", d, i)
			printf "%s", substr(pad, 1, i % 50) > f
			close(f)
		}
		for (i = 0; i < n / 10; i++) {
			f = sprintf("%s/%04d Long Name.text", d, i)
			printf "%s", substr(pad, 1, i % 7) > f
			close(f)
		}
	}'
	find "$1/many" -type f -exec touch -d "@$T0" {} +
}

common "$out/small"
sizes "$out/small" 512 2048 4096
many "$out/small" 150

common "$out/full"
sizes "$out/full" 512 1024 2048 4096 8192 16384 32768 65536
many "$out/full" 2000
file "$out/full/big.bin" 3145728
file "$out/full/sizes/s5000000" 5000000

: > "$out/images.txt"
: > "$out/short.txt"
# img NAME TREE KIB MKFS-OPTIONS...
img() {
	name=$1 tree=$2 kib=$3
	shift 3
	mkfs.fat -C "$@" -n "TESTVOL" "$out/$name.img" "$kib" >/dev/null
	mcopy -s -m -i "$out/$name.img" "$out/$tree"/* ::
	echo "$name.img $tree" >> "$out/images.txt"
	for p in "This is a long file name.txt" "longfilename number 1.text" \
	    "longfilename number 2.text" "longfilename number 12.text" \
	    "case1/Readme.TXT" "café.txt"; do
		s=$(mshortname -i "$out/$name.img" "::/$p" 2>/dev/null |
		    sed -n 's|^::/\(.*/\)*||p' | head -n 1) || true
		[ -n "$s" ] && printf '%s\t%s\t%s\n' "$name.img" "$p" "$s" \
		    >> "$out/short.txt"
	done
}

img fat12_512_s1 small 1440 -F 12 -S 512 -s 1
img fat12_4k_s1 small 8192 -F 12 -S 4096 -s 1
img fat12_512_s128 small 20480 -F 12 -S 512 -s 128
img fat12_512_s32 small 8192 -F 12 -S 512 -s 32
img fat16_512_s16 small 65536 -F 16 -S 512 -s 16
img fat16_512_s4 full 65536 -F 16 -S 512 -s 4
img fat16_512_s128 full 307200 -F 16 -S 512 -s 128
img fat16_4k_s2 full 307200 -F 16 -S 4096 -s 2
img fat32_512_s1 full 65536 -F 32 -S 512 -s 1
img fat32_4k_s1 full 307200 -F 32 -S 4096 -s 1
img fat32_512_s8 small 307200 -F 32 -S 512 -s 8

# Empty images for the write tests (written only with AK_FATFS_WRITE=1).
: > "$out/wimages.txt"
wimg() {
	name=$1 kib=$2
	shift 2
	mkfs.fat -C "$@" "$out/$name.img" "$kib" >/dev/null
	echo "$name.img" >> "$out/wimages.txt"
}
wimg w12 8000 -F 12 -S 512 -s 4
wimg w16 32768 -F 16 -S 512 -s 1
wimg w32 65536 -F 32 -S 512 -s 1
wimg w32k 307200 -F 32 -S 4096 -s 1

# A small FAT12 volume with a 32-entry root for the limit tests.
mkfs.fat -C -F 12 -S 512 -s 1 -r 32 "$out/wsmall.img" 400 >/dev/null

# The image the corruption tests damage: FAT16, 512-byte clusters, a file
# of 8 clusters (clusters 2-9), a long-named file and a subdirectory.
mkdir -p "$out/ctree/sub"
head -c 4096 /dev/urandom > "$out/ctree/a.bin"
head -c 10 /dev/urandom > "$out/ctree/longname_file.txt"
head -c 10 /dev/urandom > "$out/ctree/sub/inner.txt"
mkfs.fat -C -F 16 -S 512 -s 1 "$out/corrupt.img" 8192 >/dev/null
mcopy -i "$out/corrupt.img" "$out/ctree/a.bin" ::
mcopy -i "$out/corrupt.img" "$out/ctree/longname_file.txt" ::
mcopy -s -i "$out/corrupt.img" "$out/ctree/sub" ::
exit 0
