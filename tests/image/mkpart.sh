#!/bin/sh
# mkpart.sh OUTDIR: partitioned disk images for tests/image/part_read.
#
# Each file system is made by its reference tool in an image of its own
# (mkfs.fat, mke2fs -d, mksquashfs), holding a file "marker" whose bytes
# are kept as OUTDIR/NAME.marker, and is then copied into its partition
# with dd.  The partition tables are written by sfdisk, whose dump
# (`sfdisk -d`, saved as DISK.dump) is the oracle for what part_read
# reads:
#
#	mbr.img		primaries 1 (FAT16), 2 (ext4), an extended 3 with
#			logicals 5 (ext2), 6 (FAT12) and 7 (empty)
#	gpt.img		1 EFI system (FAT16, named), 2 Linux (ext4),
#			3 (squashfs), with a gap slot left empty
#	fat.img		a FAT file system on the whole device (no table)
#
# (GPT with 4096-byte sectors is built by hand in tests/unit/t_part.c:
# Debian 12's sfdisk cannot write one to a file.)  Exit 77 when a tool
# is missing.
set -eu
out=$1
PATH=$PATH:/sbin:/usr/sbin
for t in sfdisk mkfs.fat mke2fs mcopy mksquashfs; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "mkpart.sh: $t not found" >&2
		exit 77
	fi
done
export TZ=UTC MTOOLS_SKIP_CHECK=1
rm -rf "$out"
mkdir -p "$out"

# marker NAME: a file of random size and bytes, kept for the comparison.
marker() {
	head -c $((4096 + $(od -An -N2 -tu2 /dev/urandom))) /dev/urandom \
	    > "$out/$1.marker"
}
fat() {		# fat NAME SIZE_MIB BITS
	marker "$1"
	rm -f "$out/$1.fs"
	mkfs.fat -C -F "$3" "$out/$1.fs" $(($2 * 1024)) >/dev/null
	mcopy -i "$out/$1.fs" "$out/$1.marker" ::/marker
}
ext() {		# ext NAME SIZE_MIB TYPE [BLOCKSIZE]
	marker "$1"
	rm -rf "$out/$1.d"
	mkdir "$out/$1.d"
	cp "$out/$1.marker" "$out/$1.d/marker"
	mke2fs -q -F -t "$3" -b "${4:-1024}" -d "$out/$1.d" "$out/$1.fs" \
	    "$2M" >/dev/null
	rm -rf "$out/$1.d"
}
sqfs() {	# sqfs NAME
	marker "$1"
	rm -rf "$out/$1.d" "$out/$1.fs"
	mkdir "$out/$1.d"
	cp "$out/$1.marker" "$out/$1.d/marker"
	mksquashfs "$out/$1.d" "$out/$1.fs" -quiet -no-progress >/dev/null
	rm -rf "$out/$1.d"
}
# place DISK PARTNUM FSNAME: dd the file system into the partition.
place() {
	start=$(sfdisk -d "$out/$1" | sed -n "s|^.*$1$2 : start= *\([0-9]*\),.*|\1|p")
	ss=$(sfdisk -d "$out/$1" | sed -n 's/^sector-size: *//p')
	dd if="$out/$3.fs" of="$out/$1" bs="${ss:-512}" seek="$start" \
	    conv=notrunc status=none
}

truncate -s 64M "$out/mbr.img"
sfdisk -q "$out/mbr.img" <<'T'
label: dos
start=2048, size=16M, type=6, bootable
size=12M, type=83
type=5
size=8M, type=83
size=6M, type=1
size=2M, type=83
T
fat mbr1 16 16;	place mbr.img 1 mbr1
ext mbr2 12 ext4;	place mbr.img 2 mbr2
ext mbr5 8 ext2;	place mbr.img 5 mbr5
fat mbr6 2 12;	place mbr.img 6 mbr6

truncate -s 64M "$out/gpt.img"
sfdisk -q "$out/gpt.img" <<'T'
label: gpt
start=2048, size=16M, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system"
size=16M, type=0FC63DAF-8483-4772-8E79-3D47424944E4, name="root fs"
4: size=8M, type=0FC63DAF-8483-4772-8E79-3D47424944E4, name="sq"
T
fat gpt1 16 16;	place gpt.img 1 gpt1
ext gpt2 16 ext4;	place gpt.img 2 gpt2
sqfs gpt4;	place gpt.img 4 gpt4

fat fat 16 16
mv "$out/fat.fs" "$out/fat.img"

for d in mbr gpt; do
	sfdisk -d "$out/$d.img" > "$out/$d.dump"
done
rm -f "$out"/*.fs
