#!/bin/sh
# bench/run.sh BUILD: `make bench` and `make bench-quick`.
#
# Builds deterministic images (ext4 with mke2fs's default features,
# FAT32, ISO 9660 with Rock Ridge, squashfs with zstd), each holding a
# large incompressible file /big, a tree of small files /tree and a
# directory of many entries /flat, and times fs-utils side by side with
# the tools users would otherwise run, on the same images in the same
# run (hyperfine; medians), and each fs-utils run's peak memory
# (/usr/bin/time).  Writes bench/RESULTS.md (BENCH_QUICK=1: a smaller
# run into $BENCH_DIR/RESULTS-quick.md).  Timing never fails anything:
# this reports, CI does not run it.
#
# Peers that need root (a kernel loop mount) or FUSE are measured only
# where they work; the table says which were left out and why.
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FSU=$ROOT/$B/fsu/fsu
QUICK=${BENCH_QUICK:-0}
W=${BENCH_DIR:-$ROOT/$B/bench}
PATH=$PATH:/sbin:/usr/sbin
export MTOOLS_SKIP_CHECK=1 LC_ALL=C

if [ "$QUICK" = 1 ]; then
	BIG=$((64 << 20)) NFILES=2000 NDIRS=20 NFLAT=5000 IMG=512M RUNS=3
	OUT=$W/RESULTS-quick.md
else
	BIG=$((1 << 30)) NFILES=20000 NDIRS=200 NFLAT=50000 IMG=2G RUNS=5
	OUT=$ROOT/bench/RESULTS.md
fi

# --- dependencies --------------------------------------------------------
need=""
for p in hyperfine e2tools genext2fs p7zip-full fuse2fs mtools \
    dosfstools e2fsprogs squashfs-tools genisoimage time; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need \
		    >/dev/null
	else
		echo "bench: missing packages:$need" >&2
		exit 1
	fi
fi
[ -x "$FSU" ] || { echo "bench: $FSU not built (make first)" >&2; exit 1; }

mkdir -p "$W"
cc -O2 -o "$W/gen" "$ROOT/bench/gen.c"

# --- images ----------------------------------------------------------------
stamp="$BIG-$NFILES-$NDIRS-$NFLAT-$IMG"
if [ "$(cat "$W/images.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "bench: building images in $W"
	rm -rf "$W/src" "$W"/*.img
	mkdir -p "$W/src"
	"$W/gen" data "$BIG" 1 > "$W/src/big"
	"$W/gen" tree "$W/src/tree" "$NFILES" "$NDIRS" 2
	"$W/gen" flat "$W/src/flat" "$NFLAT"
	mke2fs -q -F -t ext4 -d "$W/src" "$W/ext4.img" "$IMG"
	mkfs.fat -F 32 -C "$W/fat.img" $(( $(echo "$IMG" | tr -d GM) *
	    $(case $IMG in *G) echo 1048576;; *) echo 1024;; esac) )) >/dev/null
	mcopy -s -i "$W/fat.img" "$W/src/big" "$W/src/tree" ::/
	# mcopy needs hours for the flat directory (each new name scans
	# all the others): fs-utils puts it, and fsck.fat vouches for it.
	"$FSU" put "$W/fat.img" -R "$W/src/flat" /flat
	fsck.fat -n "$W/fat.img" >/dev/null
	genisoimage -quiet -R -J -joliet-long -o "$W/iso.img" "$W/src"
	mksquashfs "$W/src" "$W/sqfs.img" -comp zstd -quiet -no-progress \
	    >/dev/null
	echo "$stamp" > "$W/images.stamp"
fi

# --- what can run here -----------------------------------------------------
MNT=$W/mnt
mkdir -p "$MNT"
canloop=0
if [ "$(id -u)" = 0 ] && mount -o loop,ro "$W/ext4.img" "$MNT" 2>/dev/null
then
	umount "$MNT"
	canloop=1
fi
canfuse=0
if [ -c /dev/fuse ] && fuse2fs -o ro,fakeroot "$W/ext4.img" "$MNT" \
    >/dev/null 2>&1; then
	fusermount -u "$MNT" 2>/dev/null || umount "$MNT"
	canfuse=1
fi
skipped=""
skip() { skipped="$skipped
- $1"; }

# --- measuring -----------------------------------------------------------
CSV=$W/results.csv
: > "$CSV"
# run GROUP LABEL [--prepare CMD] COMMAND: median of RUNS runs after a
# warm-up; fs-utils runs also get their peak resident memory measured.
run() {
	group=$1 label=$2
	shift 2
	eval "cmd=\${$#}"
	if ! hyperfine --style none --warmup 1 --runs "$RUNS" \
	    --export-csv "$W/h.csv" "$@" >/dev/null 2>"$W/h.err"; then
		skip "$group / $label: failed: $(tail -n 1 "$W/h.err")"
		return
	fi
	med=$(sed -n 2p "$W/h.csv" | awk -F, '{ printf "%.1f", $4 * 1000 }')
	mem=""
	case $label in
	fsu*)	/usr/bin/time -o "$W/mem" -f '%M' sh -c "$cmd" \
		    >/dev/null 2>&1 && mem=$(tail -n 1 "$W/mem") ;;
	esac
	echo "$group,$label,$med,$mem" >> "$CSV"
}

E=$W/ext4.img F=$W/fat.img I=$W/iso.img S=$W/sqfs.img
# Files extracted to the host go to a tmpfs when there is one.  On the
# disk's ext4 each run re-creates 20,000 inodes its predecessor deleted
# seconds before, and ext4's allocator then skips "recently deleted"
# inodes one buffer lookup at a time: perf showed 78 % of every tool's
# extraction time in that scan (ext4_create -> recently_deleted), the
# same for all of them and absent from a one-off extraction.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	X=/dev/shm/ak-bench-x.$$
	xfs="tmpfs (/dev/shm)"
else
	X=$W/x
	xfs="the build directory's file system"
fi
trap 'rm -rf "$X"' EXIT

# 0. the physical limit
run "0 limit" "cat image > /dev/null" "cat $E > /dev/null"
run "0 limit" "dd zero $((BIG >> 20)) MiB" \
    "dd if=/dev/zero of=/dev/null bs=1M count=$((BIG >> 20)) status=none"

# 1. start-up: list the root
run "1 start-up ext4" "fsu_ls" "$FSU ls $E /"
run "1 start-up ext4" "debugfs ls" "debugfs -R 'ls /' $E"
run "1 start-up ext4" "e2ls" "e2ls $E:/"
run "1 start-up fat" "fsu_ls" "$FSU ls $F /"
run "1 start-up fat" "mdir" "mdir -i $F ::/"
run "1 start-up fat" "7z l" "7z l $F"
run "1 start-up iso" "fsu_ls" "$FSU ls $I /"
run "1 start-up iso" "isoinfo -l" "isoinfo -R -l -i $I"
run "1 start-up iso" "7z l" "7z l $I"
run "1 start-up squashfs" "fsu_ls" "$FSU ls $S /"
run "1 start-up squashfs" "unsquashfs -l" "unsquashfs -l $S"

# 2. read the big file out
run "2 read big ext4" "fsu_cat" "$FSU cat $E /big > /dev/null"
run "2 read big ext4" "fsu_get" --prepare "rm -f $X" "$FSU get $E /big $X"
run "2 read big ext4" "debugfs dump" --prepare "rm -f $X" \
    "debugfs -R 'dump /big $X' $E"
run "2 read big ext4" "e2cp" --prepare "rm -f $X" "e2cp $E:/big $X"
if [ $canloop = 1 ]; then
	mount -o loop,ro "$E" "$MNT"
	run "2 read big ext4" "loop mount cat" "cat $MNT/big > /dev/null"
	umount "$MNT"
else
	skip "kernel loop mounts (not root or no loop devices)"
fi
if [ $canfuse = 1 ]; then
	fuse2fs -o ro,fakeroot "$E" "$MNT" >/dev/null 2>&1
	run "2 read big ext4" "fuse2fs cat" "cat $MNT/big > /dev/null"
	fusermount -u "$MNT" 2>/dev/null || umount "$MNT"
else
	skip "fuse2fs (no /dev/fuse)"
fi
run "2 read big fat" "fsu_cat" "$FSU cat $F /big > /dev/null"
run "2 read big fat" "mcopy" --prepare "rm -f $X" "mcopy -i $F ::/big $X"
run "2 read big fat" "7z e" "7z e -so $F big > /dev/null"
run "2 read big iso" "fsu_cat" "$FSU cat $I /big > /dev/null"
run "2 read big iso" "isoinfo -x" "isoinfo -R -i $I -x /big > /dev/null"
run "2 read big iso" "7z e" "7z e -so $I big > /dev/null"
run "2 read big squashfs" "fsu_cat" "$FSU cat $S /big > /dev/null"
run "2 read big squashfs" "unsquashfs -cat" "unsquashfs -cat $S big > /dev/null"

# 3. extract the tree
run "3 extract tree ext4" "fsu_get -R" --prepare "rm -rf $X" \
    "$FSU get $E -R /tree $X"
run "3 extract tree ext4" "debugfs rdump" --prepare "rm -rf $X; mkdir $X" \
    "debugfs -R 'rdump /tree $X' $E"
if [ $canloop = 1 ]; then
	mount -o loop,ro "$E" "$MNT"
	run "3 extract tree ext4" "loop mount cp -a" --prepare "rm -rf $X" \
	    "cp -a $MNT/tree $X"
	umount "$MNT"
fi
run "3 extract tree fat" "fsu_get -R" --prepare "rm -rf $X" \
    "$FSU get $F -R /tree $X"
run "3 extract tree fat" "mcopy -s" --prepare "rm -rf $X; mkdir $X" \
    "mcopy -s -i $F ::/tree $X"
run "3 extract tree iso" "fsu_get -R" --prepare "rm -rf $X" \
    "$FSU get $I -R /tree $X"
run "3 extract tree iso" "7z x" --prepare "rm -rf $X" "7z x -o$X $I tree"
run "3 extract tree squashfs" "fsu_get -R" --prepare "rm -rf $X" \
    "$FSU get $S -R /tree $X"
run "3 extract tree squashfs" "unsquashfs" --prepare "rm -rf $X" \
    "unsquashfs -q -n -d $X $S /tree"

# 4. put the tree into a fresh image (the image is made in --prepare for
# every tool that cannot make one; mke2fs -d and genext2fs make their own)
N=$W/new.img
mkext4="rm -f $N; mke2fs -q -F -t ext4 $N $IMG"
mkfat="rm -f $N; mkfs.fat -F 32 -C $N $(du -k --apparent-size $F | cut -f1) >/dev/null"
run "4 put tree ext4" "fsu_put -R" --prepare "$mkext4" \
    "$FSU put $N -R $W/src/tree /tree"
run "4 put tree ext4" "mke2fs -d" --prepare "rm -f $N" \
    "mke2fs -q -F -t ext4 -d $W/src/tree $N $IMG"
run "4 put tree ext4" "genext2fs -d" --prepare "rm -f $N" \
    "genext2fs -q -B 4096 -b $(( $(du -k --apparent-size $E | cut -f1) / 4 )) -N $((NFILES + NFLAT + 1000)) -d $W/src/tree $N"
run "4 put tree fat" "fsu_put -R" --prepare "$mkfat" \
    "$FSU put $N -R $W/src/tree /tree"
run "4 put tree fat" "mcopy -s" --prepare "$mkfat" \
    "mcopy -s -i $N $W/src/tree ::/"
# fsu_put fdatasyncs the image at unmount, mcopy does not: the same
# work made durable is mcopy followed by a sync of the image file.
run "4 put tree fat" "mcopy -s + sync" --prepare "$mkfat" \
    "mcopy -s -i $N $W/src/tree ::/ && sync $N"

# 5. write the big file into a fresh image
run "5 write big ext4" "fsu_put" --prepare "$mkext4" \
    "$FSU put $N $W/src/big /big"
run "5 write big ext4" "e2cp" --prepare "$mkext4" "e2cp $W/src/big $N:/big"
run "5 write big ext4" "debugfs write" --prepare "$mkext4" \
    "debugfs -w -R 'write $W/src/big big' $N"
run "5 write big fat" "fsu_put" --prepare "$mkfat" \
    "$FSU put $N $W/src/big /big"
run "5 write big fat" "mcopy" --prepare "$mkfat" "mcopy -i $N $W/src/big ::/big"
run "5 write big fat" "mcopy + sync" --prepare "$mkfat" \
    "mcopy -i $N $W/src/big ::/big && sync $N"

# 6. list the big directory
run "6 list flat ext4" "fsu_ls -l" "$FSU ls $E -l /flat > /dev/null"
run "6 list flat ext4" "debugfs ls -l" "debugfs -R 'ls -l /flat' $E > /dev/null"
if [ $canloop = 1 ]; then
	mount -o loop,ro "$E" "$MNT"
	run "6 list flat ext4" "loop mount ls -l" "ls -l $MNT/flat > /dev/null"
	umount "$MNT"
fi
run "6 list flat fat" "fsu_ls -l" "$FSU ls $F -l /flat > /dev/null"
run "6 list flat fat" "mdir" "mdir -i $F ::/flat > /dev/null"
# 7. akfuse against fuse2fs, the same ext4 image through FUSE: the big
# file read and written, and the tree untarred (metadata-heavy).  Each
# run gets a fresh mount in --prepare (no pages cached from the last
# run), and a write run a fresh image; unmounting waits until the
# server has exited (both write back after the host lets go).
AKF=$ROOT/$B/fuse/akfuse
if [ $canfuse = 1 ] && [ -x "$AKF" ]; then
	cat > "$W/fmnt.sh" <<FMNT
#!/bin/sh
# fmnt.sh akfuse|fuse2fs IMAGE [ro] | fmnt.sh -u: (un)mount $MNT.
if [ "\$1" = -u ]; then
	if mountpoint -q "$MNT"; then
		fusermount3 -u "$MNT" 2>/dev/null || umount "$MNT"
	fi
	while pgrep -f "^[^ ]*(akfuse|fuse2fs) .*$MNT" >/dev/null; do
		sleep 0.02
	done
	exit 0
fi
o=""
[ "\${3:-}" = ro ] && o="-o ro"
[ "\$1" = fuse2fs ] && [ -n "\$o" ] && o="-o ro,fakeroot"
if [ "\$1" = akfuse ]; then exec "$AKF" \$o "\$2" "$MNT"; fi
if [ "\$1" = akfuse-s ]; then exec "$AKF" -s \$o "\$2" "$MNT"; fi
exec fuse2fs \$o "\$2" "$MNT" >/dev/null
FMNT
	FM="sh $W/fmnt.sh"
	tar cf "$W/tree.tar" -C "$W/src" tree
	for t in akfuse fuse2fs; do
		run "7 fuse read big ext4" "$t cat" \
		    --prepare "$FM -u; $FM $t $E ro" "cat $MNT/big > /dev/null"
		$FM -u
	done
	for t in akfuse fuse2fs; do
		run "7 fuse write big ext4" "$t dd conv=fsync" \
		    --prepare "$FM -u; $mkext4; $FM $t $N" \
		    "dd if=$W/src/big of=$MNT/big bs=1M conv=fsync status=none"
		$FM -u
	done
	# akfuse -s: one thread, no hand-off between threads per request
	# (tar sends one request at a time).
	for t in akfuse akfuse-s fuse2fs; do
		run "7 fuse untar tree ext4" "$t tar x" \
		    --prepare "$FM -u; $mkext4; $FM $t $N" \
		    "tar xf $W/tree.tar -C $MNT"
		$FM -u
	done
	# The same with the write-back at unmount counted in.
	for t in akfuse akfuse-s fuse2fs; do
		run "7 fuse untar tree + unmount ext4" "$t tar x + unmount" \
		    --prepare "$FM -u; $mkext4; $FM $t $N" \
		    "tar xf $W/tree.tar -C $MNT && $FM -u"
		$FM -u
	done
else
	skip "akfuse vs fuse2fs (no /dev/fuse, fuse2fs or akfuse)"
fi
rm -rf "$X" "$N"

sh "$ROOT/bench/report.sh" "$CSV" "$BIG" "$NFILES" "$NFLAT" "$skipped" \
    "$xfs" > "$OUT"
echo "bench: results in $OUT"
