#!/bin/sh
# deps.sh: make sure the build and test dependencies are installed.  As
# root, install what is missing with apt-get; otherwise print the command.
set -eu
need=""
have() { command -v "$1" >/dev/null 2>&1; }
pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
for p in gcc make binutils clang libclang-rt-14-dev libc6-dev pkg-config \
    dosfstools mtools e2fsprogs attr genisoimage xorriso \
    zlib1g-dev liblzma-dev liblzo2-dev liblz4-dev libzstd-dev squashfs-tools \
    libedit-dev fdisk libseccomp-dev libfuse3-dev fuse3 afl++ makefs sleuthkit python3; do
	pkg "$p" || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && have apt-get; then
	echo "deps: installing:$need"
	apt-get update -qq || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
else
	echo "deps: missing packages:$need" >&2
	echo "deps: run: sudo apt-get install -y$need" >&2
	exit 1
fi
