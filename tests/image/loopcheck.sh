#!/bin/sh
# loopcheck.sh TYPE IMAGE MODEL [MOUNTOPTS]: the host kernel as an oracle
# for an image we wrote.  Mounts IMAGE read-only through a loop device
# with the kernel's own TYPE driver and compares the tree with the
# directory MODEL (names and contents, diff -r).
#
# Exit 0: the same; 1: different, or the kernel refused our image;
# 77: the kernel cannot be asked here (not root, no loop devices, no
# driver for TYPE), found by first mounting a reference image the
# matching mkfs made; the caller prints a SKIP.
set -u
type=$1 img=$2 model=$3 opts=${4:-}
PATH=$PATH:/sbin:/usr/sbin
[ "$(id -u)" = 0 ] || exit 77
work=$(mktemp -d "${TMPDIR:-/tmp}/loopcheck.XXXXXX") || exit 77
trap 'umount "$work/mnt" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
mkdir "$work/mnt"
case $type in
vfat)	mkfs.fat -C "$work/ref" 4096 >/dev/null 2>&1 || exit 77 ;;
ext4|ext3|ext2)
	mke2fs -q -F -t "$type" "$work/ref" 4M >/dev/null 2>&1 || exit 77 ;;
*)	exit 77 ;;
esac
mount -t "$type" -o loop,ro "$work/ref" "$work/mnt" 2>/dev/null || exit 77
umount "$work/mnt" || exit 77
if ! mount -t "$type" -o "loop,ro${opts:+,$opts}" "$img" "$work/mnt"; then
	echo "loopcheck: the kernel's $type driver refused $img" >&2
	exit 1
fi
diff -r "$model" "$work/mnt"
