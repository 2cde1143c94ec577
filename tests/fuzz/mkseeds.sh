#!/bin/sh
# mkseeds.sh: (re)make the seed images of tests/fuzz/corpus/<type>/ with
# the reference tools, as small as each tool allows, from one small tree
# (a file with an xattr, a symlink, a subdirectory).  The seeds are kept
# in the repository so that fuzzing starts from the same inputs
# everywhere; run this only to change them.
set -eu
cd "$(dirname "$0")"
PATH=$PATH:/sbin:/usr/sbin
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/tree/sub" corpus/vfat corpus/ext4 corpus/cd9660 corpus/squashfs
echo hello > "$t/tree/a"
printf 'long file name content\n' > "$t/tree/Long File Name.txt"
ln -s a "$t/tree/l"
echo x > "$t/tree/sub/b"
setfattr -n user.k -v v "$t/tree/a" 2>/dev/null || true
export MTOOLS_SKIP_CHECK=1
rm -f corpus/*/*
mkfs.fat -C -i 1 corpus/vfat/fat12.img 64 >/dev/null
mcopy -s -i corpus/vfat/fat12.img "$t/tree/a" "$t/tree/Long File Name.txt" \
    "$t/tree/sub" ::/
E2FSPROGS_FAKE_TIME=1600000000 mke2fs -q -F -t ext4 -b 1024 -N 16 \
    -U 01234567-89ab-cdef-0123-456789abcdef -E hash_seed=01234567-89ab-cdef-0123-456789abcdef \
    -d "$t/tree" corpus/ext4/ext4.img 128k
E2FSPROGS_FAKE_TIME=1600000000 mke2fs -q -F -t ext2 -b 1024 -N 16 \
    -U 01234567-89ab-cdef-0123-456789abcdef -E hash_seed=01234567-89ab-cdef-0123-456789abcdef \
    -d "$t/tree" corpus/ext4/ext2.img 64k
# mke2fs leaves a new file short of the size it was given (the last
# blocks are never written), and the driver refuses a device smaller
# than the file system: extend it.
truncate -s 64k corpus/ext4/ext2.img
genisoimage -quiet -R -J -o corpus/cd9660/rr.iso "$t/tree"
mksquashfs "$t/tree" corpus/squashfs/gzip.sqfs -quiet -no-progress \
    -comp gzip >/dev/null
mksquashfs "$t/tree" corpus/squashfs/zstd.sqfs -quiet -no-progress \
    -comp zstd >/dev/null
sh mkjseed.sh "$t/tree" corpus/ext4/jrecover.img
# FFS: UFS2 little-endian and UFS1 big-endian with 4 KiB blocks, the
# smallest makefs makes for this tree.
mkdir -p corpus/ffs
makefs -t ffs -B le -o version=2,bsize=4096,fsize=512 -M 96k \
    -T 1600000000 corpus/ffs/ufs2-le.img "$t/tree" >/dev/null
makefs -t ffs -B be -o version=1,bsize=4096,fsize=512 -M 96k \
    -T 1600000000 corpus/ffs/ufs1-be.img "$t/tree" >/dev/null
ls -l corpus/*
