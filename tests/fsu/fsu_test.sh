#!/bin/sh
# fsu_test.sh: the fs-utils front end and commands against reference
# tools.  A generated tree goes into ext4 (mke2fs -d), FAT (mkfs.fat +
# mcopy -s) and ISO 9660 (genisoimage -R) images; fsu_ls, fsu_find,
# fsu_du, fsu_stat and fsu_cat must agree with GNU ls, find, du, stat and
# cat on the tree itself.  Writing commands are checked with mtools,
# debugfs, fsck.fat -n and e2fsck -fn; then every error path, fsu_sh,
# and partition tables made with sfdisk.
#
# Finds the build through $AK_BUILD (tests/run.sh sets it), else build/.
set -u
export LC_ALL=C TZ=UTC
unset FSU_DEVICE FSU_TYPE FSU_MNTOPTS

SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${AK_BUILD:-$SRC/build}
F=$B/fsu
case $F in /*) ;; *) F=$(pwd)/$F ;; esac
W=$(mktemp -d "${AK_TESTDIR:-${TMPDIR:-/tmp}}/fsu_test.XXXXXX")
trap 'umount "$W/ro" 2>/dev/null; rm -rf "$W"' EXIT INT TERM
T=$W/tree
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
skip() { echo "SKIP: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }
# check DESC CMD...: CMD must succeed.
check() { d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }
# same DESC FILE1 FILE2: the two outputs must be identical.
same() {
	if cmp -s "$2" "$3"; then ok; else
		bad "$1"; diff "$2" "$3" | head -n 10 | sed 's/^/    /'
	fi
}
# status DESC WANT CMD...: exit status must be WANT; stderr in $W/err.
status() {
	d=$1; want=$2; shift 2
	"$@" >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		bad "$d (exit $rc, want $want)"; sed 's/^/    /' "$W/err" | head -n 5
	fi
}
# errmsg DESC PATTERN: the last status call's stderr must match.
errmsg() {
	if grep -q -- "$2" "$W/err"; then ok; else
		bad "$1: stderr lacks '$2'"; sed 's/^/    /' "$W/err" | head -n 5
	fi
}

if [ ! -x "$F/fsu" ]; then
	bad "$F/fsu not built"
	echo "fsu_test: $pass passed, $fail failed"
	exit 1
fi
for c in ls cat find du stat sh write mkdir; do
	[ -e "$F/fsu_$c" ] || bad "link fsu_$c missing"
done

# --- the reference tree ----------------------------------------------
mktree() {
	mkdir -p "$T/etc" "$T/d1/d2/d3" "$T/empty" "$T/with space"
	printf 'root:x:0:0::/root:/bin/sh\nbob:x:1000:1000::/home:/bin/sh\n' \
	    >"$T/etc/passwd"
	printf 'root:x:0:\nstaff:x:1000:\n' >"$T/etc/group"
	echo hello >"$T/etc/hostname"
	: >"$T/zero"
	for n in 1 1023 1024 1536 4095 4096 10239 100000 1048577; do
		head -c $n /dev/urandom >"$T/d1/f$n"
	done
	printf 'a\nb\nc\n' >"$T/d1/d2/abc.txt"
	printf 'x\n' >"$T/with space/my file.TXT"
	echo deep >"$T/d1/d2/d3/deep"
	ln -s ../etc/hostname "$T/d1/rel"
	ln -s /etc/passwd "$T/d1/abs"
	ln -s nowhere "$T/d1/dangling"
	ln "$T/d1/f4096" "$T/d1/hard"
	chmod 4755 "$T/d1/f1"
	chmod 1777 "$T/empty"
	chmod 0600 "$T/d1/f1023"
	chmod 0751 "$T/d1/d2"
	touch -h -d '2019-03-04 05:06:07.123456789' "$T/d1/f1024" "$T/d1/rel"
	touch -d '2001-01-01 00:00:00' "$T/d1/d2/abc.txt"
	touch -d "@$(($(date +%s) - 3600))" "$T/etc/hostname"
	if [ "$(id -u)" = 0 ]; then
		chown 1000:1000 "$T/d1/f1536" "$T/etc"
		chown -h 1000:0 "$T/d1/abs"
	fi
}
mktree
# The FAT tree: only directories and regular files (mcopy reads fifos).
mkdir -p "$W/fattree"
cp -r "$T/etc" "$T/d1" "$W/fattree/" 2>/dev/null
find "$W/fattree" -type l -exec rm -f {} +
# The special files live in ext4 only.
mkfifo "$T/d1/fifo"
[ "$(id -u)" = 0 ] && mknod "$T/d1/cdev" c 1 3 && mknod "$T/d1/bdev" b 7 9

E=$W/e.img
if mke2fs -q -F -t ext4 -I 256 -d "$T" "$E" 16M >/dev/null 2>&1; then
	ok
else
	bad "mke2fs -d failed"
fi
# mke2fs may read files: their atimes change, so compare after it.

# --- ls, find, du, stat, cat against GNU on the tree -------------------
# ls -lnR: fields only (widths depend on directory sizes), directory
# sizes and link counts blanked (they are the file system's), no totals.
# mke2fs -d stores whole seconds: fractions go too.
normls() {
	sed -e 's|^\./|/|' -e 's|^\.:$|/:|' -e 's|\.[0-9]\{9\} | |' |
	    grep -v -e '^total ' -e 'lost+found' -e '^$' |
	    awk '/^d/ { $2 = "-"; $5 = "-" } { $1 = $1; print }'
}
"$F/fsu_ls" "$E" -lnR --time-style=full-iso / >"$W/a" 2>"$W/err" ||
    bad "fsu_ls -lnR failed: $(cat "$W/err")"
(cd "$T" && ls -lnR --time-style=full-iso .) >"$W/b"
normls <"$W/a" >"$W/a2"
normls <"$W/b" | sed 's|^/\(.*\):$|/\1:|' >"$W/b2"
same "ls -lnR --time-style=full-iso vs GNU ls" "$W/a2" "$W/b2"

for opts in "-1" "-a1" "-A1" "-1r" "-1F" "-1i" "-d1" "-1h"; do
	"$F/fsu_ls" "$E" $opts /d1 >"$W/a" 2>&1
	(cd "$T" && ls $opts d1) >"$W/b" 2>&1
	if [ "$opts" = "-1i" ]; then
		# inode numbers differ: compare names, and the hard link pair
		awk '{ print $2 }' "$W/a" >"$W/a2"
		awk '{ print $2 }' "$W/b" >"$W/b2"
		same "ls $opts names" "$W/a2" "$W/b2"
		i1=$(awk '$2 == "hard" { print $1 }' "$W/a")
		i2=$(awk '$2 == "f4096" { print $1 }' "$W/a")
		check "ls -i: hard links share an inode" [ "$i1" = "$i2" ]
		continue
	fi
	[ "$opts" = "-d1" ] && sed -i 's|^d1$|/d1|' "$W/b"
	same "ls $opts vs GNU ls" "$W/a" "$W/b"
done
# ls -C: GNU's column layout (tabs included) at several widths.
for cols in 30 50 80 200; do
	for opts in -C -CF; do
		COLUMNS=$cols "$F/fsu_ls" "$E" $opts /d1 >"$W/a" 2>&1
		(cd "$T/d1" && COLUMNS=$cols ls $opts) >"$W/b" 2>&1
		same "ls $opts with COLUMNS=$cols" "$W/a" "$W/b"
	done
done
# -t, -S, -r on files with distinct times (to the second) and sizes.
for opts in -1t -1S -1tr -1Sr; do
	case $opts in
	*t*) l="d1/f1024 d1/d2/abc.txt etc/hostname zero" ;;
	*) l="d1/f1024 d1/d2/abc.txt etc/hostname d1/f1 d1/f100000" ;;
	esac
	"$F/fsu_ls" "$E" $opts $(echo " $l" | sed 's| | /|g') >"$W/a" 2>&1
	(cd "$T" && ls $opts $l) | sed 's|^|/|' >"$W/b" 2>&1
	same "ls $opts vs GNU ls" "$W/a" "$W/b"
done
# -h sizes of files (not directories) must read like GNU's.
"$F/fsu_ls" "$E" -lh --time-style=+%s /d1 | awk '/^-/ { print $5, $7 }' \
    >"$W/a"
(cd "$T/d1" && ls -lh --time-style=+%s) | awk '/^-/ { print $5, $7 }' \
    >"$W/b"
same "ls -lh sizes vs GNU ls" "$W/a" "$W/b"
for st in long-iso iso +%Y/%j; do
	"$F/fsu_ls" "$E" -ln --time-style=$st /d1/d2/abc.txt /etc/hostname |
	    awk '{ $1 = $1; print }' >"$W/a"
	(cd "$T" && ls -ln --time-style=$st d1/d2/abc.txt etc/hostname) |
	    sed 's| d1/| /d1/|; s| etc/| /etc/|' | awk '{ $1 = $1; print }' \
	    >"$W/b"
	same "ls --time-style=$st" "$W/a" "$W/b"
done
"$F/fsu_ls" "$E" -l /d1/d2/abc.txt /etc/hostname | awk '{ $1=$1; print }' \
    >"$W/a"
(cd "$T" && ls -ln d1/d2/abc.txt etc/hostname) | awk '{ $1 = $1; print }' |
    sed 's| d1/| /d1/|; s| etc/| /etc/|' >"$W/b"
same "ls -l default time style (recent and old)" "$W/a" "$W/b"
if [ "$(id -u)" = 0 ]; then
	"$F/fsu_ls" "$E" -l --names=image /d1/f1536 | awk '{print $3, $4}' \
	    >"$W/a"
	echo "bob staff" >"$W/b"
	same "ls --names=image uses the image's passwd/group" "$W/a" "$W/b"
fi
"$F/fsu_ls" "$E" --color=always /d1/d2 | grep -q "$(printf '\033')\\[01;34md3" &&
    ok || bad "ls --color=always colours directories"
"$F/fsu_ls" "$E" --color=auto /d1/d2 | grep -q "$(printf '\033')" &&
    bad "ls --color=auto coloured a pipe" || ok

# find: whole tree and predicates.
normfind() { sed -e 's|^\.$|/|' -e 's|^\./|/|' | grep -v lost+found | sort; }
fcmp() {
	d=$1; shift
	"$F/fsu_find" "$E" / "$@" 2>&1 | normfind >"$W/a"
	(cd "$T" && find . "$@") 2>&1 | normfind >"$W/b"
	same "find $d" "$W/a" "$W/b"
}
fcmp "(all)"
fcmp "-name" -name 'f*'
fcmp "-iname" -iname '*.txt'
fcmp "-path" -path '*/d2/*'
fcmp "-type f" -type f
fcmp "-type d" -type d
fcmp "-type l" -type l
fcmp "-type p" -type p
fcmp "-size +4k" -size +4k
fcmp "-size -2" -size -2
fcmp "-size 4096c" -type f -size 4096c
fcmp "-mtime +30" -mtime +30
fcmp "-mtime -1" -mtime -1
fcmp "-perm -4000" -perm -4000
fcmp "-perm 600" -perm 600
fcmp "-perm /o+w" -perm /o+w
fcmp "-user 1000" -user 1000
fcmp "-maxdepth 1" -maxdepth 1
fcmp "-mindepth 3" -mindepth 3
fcmp "-empty" -empty
fcmp "! -type d -o -name d2" ! -type d -o -name d2
fcmp "( -name f1 -o -name f1024 ) -type f" \( -name f1 -o -name f1024 \) \
    -type f
fcmp "-ipath" -ipath '*/WITH*/*.txt'
fcmp "-group 0 -type f" -group 0 -type f
fcmp "-mmin -600" -mmin -600 -type f
fcmp "-prune" -name d2 -prune -o -print
"$F/fsu_find" "$E" -L /d1 -type f | sort >"$W/a"
(cd "$T" && find -L d1 -type f 2>/dev/null) | sed 's|^|/|' | sort >"$W/b"
same "find -L follows links" "$W/a" "$W/b"
"$F/fsu_find" "$E" / -newer /d1/f1024 | normfind >"$W/a"
(cd "$T" && find . -newer d1/f1024) | normfind >"$W/b"
same "find -newer" "$W/a" "$W/b"
"$F/fsu_find" "$E" /d1/d2 -print0 | tr '\0' '\n' >"$W/a"
(cd "$T" && find d1/d2 -print0) | tr '\0' '\n' | sed 's|^|/|' | sort >"$W/b"
sort "$W/a" >"$W/a2"
same "find -print0" "$W/a2" "$W/b"
status "find with an unknown predicate" 2 "$F/fsu_find" "$E" / -bogus

# du: file sizes (-ab, links counted) as GNU du; directory totals must
# add up (their own sizes are the file system's).
"$F/fsu_du" "$E" -abl / | grep -v lost+found >"$W/du"
awk -F'\t' '{ print $2 "\t" $1 }' "$W/du" | sort >"$W/a0"
(cd "$T" && find . ! -type d) | normfind >"$W/files"
(cd "$T" && du -abl .) | sed 's|\t\./|\t/|' |
    awk -F'\t' '{ print $2 "\t" $1 }' | sort >"$W/b0"
join -t "$(printf '\t')" "$W/a0" "$W/files" >"$W/a" 2>/dev/null
join -t "$(printf '\t')" "$W/b0" "$W/files" >"$W/b" 2>/dev/null
same "du -abl file sizes vs GNU du" "$W/a" "$W/b"
check "du -abl listed every file" [ "$(wc -l <"$W/a")" -eq \
    "$(wc -l <"$W/files")" ]
tot=$("$F/fsu_du" "$E" -sb /d1 | cut -f1)
sum=$("$F/fsu_du" "$E" -ab /d1 | awk -F'\t' '$2 != "/d1" && $2 !~ /^\/d1\/d2\// {
    s += $1 } END { print s }')
own=$("$F/fsu_stat" "$E" -c %s /d1)
check "du -sb equals own size + children" [ "$tot" -eq $((sum + own)) ]
"$F/fsu_du" "$E" -d 1 / | cut -f2 | grep -c / >"$W/a"
check "du -d 1 shows depth 0 and 1 only" [ "$(cat "$W/a")" -eq \
    "$(( $(find "$T" -mindepth 1 -maxdepth 1 -type d | wc -l) + 2 ))" ]
"$F/fsu_du" "$E" -sbc /d1 /etc | tail -n 1 >"$W/a"
t1=$("$F/fsu_du" "$E" -sb /d1 | cut -f1)
t2=$("$F/fsu_du" "$E" -sb /etc | cut -f1)
check "du -c total" [ "$(cat "$W/a")" = "$((t1 + t2))	total" ]
"$F/fsu_du" "$E" -sh /d1 | grep -q '^[0-9.]*[KM]	/d1$' && ok ||
    bad "du -sh prints a human size"

# stat -c with GNU's letters.
SF='%n|%a|%A|%F|%u|%g|%s|%Y|%N'
(cd "$T" && find . ! -type d ! -name f1536) | normfind >"$W/list"
(cd "$T" && sed 's|^/||' "$W/list" | xargs -d '\n' stat -c "$SF") |
    sed 's|^|/|; s|\x27|\x27/|' >"$W/b"
xargs -d '\n' "$F/fsu_stat" "$E" -c "$SF" <"$W/list" >"$W/a"
same "stat -c vs GNU stat (files, links, devices)" "$W/a" "$W/b"
(cd "$T" && find . -type d) | normfind | grep -v '^/$' >"$W/list"
(cd "$T" && sed 's|^/||' "$W/list" | xargs -d '\n' stat -c '%n %a %A %F %u %g %Y') |
    sed 's|^|/|' >"$W/b"
xargs -d '\n' "$F/fsu_stat" "$E" -c '%n %a %A %F %u %g %Y' <"$W/list" \
    >"$W/a"
same "stat -c vs GNU stat (directories)" "$W/a" "$W/b"
"$F/fsu_stat" "$E" -L -c '%n %F %s' /d1/rel >"$W/a"
echo "/d1/rel regular file 6" >"$W/b"
same "stat -L follows the link" "$W/a" "$W/b"
"$F/fsu_stat" "$E" -t /d1/f1 | cut -d' ' -f1,2,4-6,9,10,13 >"$W/a"
(cd "$T" && stat -t d1/f1) | sed 's|^|/|' | cut -d' ' -f1,2,4-6,9,10,13 >"$W/b"
same "stat -t (terse) vs GNU" "$W/a" "$W/b"
"$F/fsu_stat" "$E" --printf '%s\t%n\n' /etc/hostname >"$W/a"
printf '6\t/etc/hostname\n' >"$W/b"
same "stat --printf escapes" "$W/a" "$W/b"
"$F/fsu_stat" "$E" /etc/hostname >"$W/a" && grep -q '^  File: ' "$W/a" &&
    grep -q 'Modify: ' "$W/a" && ok || bad "stat default format"

# cat: every regular file, byte for byte, in one process.
(cd "$T" && find . -type f) | normfind >"$W/list"
xargs -d '\n' "$F/fsu_cat" "$E" <"$W/list" >"$W/a"
(cd "$T" && sed 's|^/||' "$W/list" | xargs -d '\n' cat) >"$W/b"
same "cat of every file" "$W/a" "$W/b"
status "cat of a directory fails" 1 "$F/fsu_cat" "$E" /d1
errmsg "cat of a directory" "fsu_cat: /d1: Is a directory"

# df: the numbers statvfs gives, as e2fsck counts them.
"$F/fsu_df" "$E" -i | tail -n 1 >"$W/a"
inodes=$(dumpe2fs -h "$E" 2>/dev/null | awk -F: '/^Inode count/ { print $2+0 }')
check "df -i inode count" [ "$(awk '{ print $2 }' "$W/a")" = "$inodes" ]
"$F/fsu_df" "$E" | tail -n 1 >"$W/a"
# The size is the superblock's block count, less at most the overhead
# (whether metadata counts is the driver's choice, as in Linux).
set -- $(dumpe2fs -h "$E" 2>/dev/null | awk -F: '/^Block count/ { c = $2 }
    /^Overhead clusters/ { o = $2 } /^Block size/ { s = $2 }
    END { print (c - o) * s / 1024, c * s / 1024 }')
awk -v lo="$1" -v hi="$2" '{ exit !($2 >= lo && $2 <= hi &&
    $3 + $4 <= $2) }' "$W/a" && ok || bad "df: 1K-blocks outside [$1, $2]"
status "df -h" 0 "$F/fsu_df" "$E" -h
grep -q 'Avail' "$W/out" && ok || bad "df -h header"

# --- ISO 9660 (Rock Ridge) and FAT: the same tree read back ----------
if have genisoimage; then
	I=$W/i.iso
	genisoimage -quiet -R -o "$I" "$W/fattree" 2>/dev/null
	"$F/fsu_find" "$I" / | sort >"$W/a"
	(cd "$W/fattree" && find .) | normfind >"$W/b"
	same "iso: find" "$W/a" "$W/b"
	(cd "$W/fattree" && find . -type f) | normfind >"$W/list"
	xargs -d '\n' "$F/fsu_cat" "$I" <"$W/list" >"$W/a"
	(cd "$W/fattree" && sed 's|^/||' "$W/list" | xargs -d '\n' cat) >"$W/b"
	same "iso: cat" "$W/a" "$W/b"
	status "iso: write refused" 1 "$F/fsu_mkdir" "$I" /x
else
	skip "iso tests (genisoimage missing)"
fi

FI=$W/f.img
mkfs.fat -C "$FI" 8192 >/dev/null && mcopy -s -i "$FI" "$W/fattree/etc" \
    "$W/fattree/d1" ::/ || bad "mkfs.fat/mcopy failed"
"$F/fsu_find" "$FI" / | sort >"$W/a"
(cd "$W/fattree" && find .) | normfind >"$W/b"
same "fat: find" "$W/a" "$W/b"
xargs -d '\n' "$F/fsu_cat" "$FI" <"$W/list" >"$W/a"
(cd "$W/fattree" && sed 's|^/||' "$W/list" | xargs -d '\n' cat) >"$W/b"
same "fat: cat" "$W/a" "$W/b"

# --- writing on FAT, read back with mtools -----------------------------
fatck() {
	if fsck.fat -n "$FI" >"$W/fsck" 2>&1 &&
	    ! grep -q -i -e reclaim -e differ -e 'free cluster' "$W/fsck"; then
		ok
	else
		bad "fsck.fat -n after $1"; head -n 5 "$W/fsck" | sed 's/^/    /'
	fi
}
echo "first version, longer" | "$F/fsu_write" "$FI" /w.txt
echo short | "$F/fsu_write" "$FI" /w.txt
check "fat: write truncates (mtype)" [ "$(mtype -i "$FI" ::/w.txt)" = short ]
echo more | "$F/fsu_write" "$FI" -a /w.txt
check "fat: write -a appends" [ "$(mtype -i "$FI" ::/w.txt | tr '\n' .)" = \
    "short.more." ]
status "fat: mkdir -p" 0 "$F/fsu_mkdir" "$FI" -p /a/b/c
mdir -i "$FI" -b ::/a/b 2>/dev/null | grep -q '/c/$' && ok ||
    bad "fat: mkdir -p made /a/b/c (mdir)"
status "fat: mkdir of an existing dir fails" 1 "$F/fsu_mkdir" "$FI" /a
errmsg "fat: mkdir existing" "fsu_mkdir: /a: File exists"
status "fat: mv into a directory" 0 "$F/fsu_mv" "$FI" /w.txt /a/b
check "fat: mv put it in /a/b" [ "$(mtype -i "$FI" ::/a/b/w.txt | head -n 1)" = short ]
mtype -i "$FI" ::/w.txt >/dev/null 2>&1 && bad "fat: mv left the source" || ok
status "fat: mv rename" 0 "$F/fsu_mv" "$FI" /a/b/w.txt /a/renamed
mtype -i "$FI" ::/a/renamed >/dev/null 2>&1 && ok || bad "fat: renamed file"
status "fat: touch -d" 0 "$F/fsu_touch" "$FI" -d '2021-05-06 07:08:10' /a/renamed
(cd "$W" && rm -f renamed && mcopy -m -i "$FI" ::/a/renamed renamed &&
    stat -c %Y renamed) >"$W/a" 2>/dev/null
check "fat: touch -d time read back by mcopy -m" \
    [ "$(cat "$W/a")" = "$(date -d '2021-05-06 07:08:10' +%s)" ]
status "fat: touch creates" 0 "$F/fsu_touch" "$FI" /a/new
mtype -i "$FI" ::/a/new >/dev/null 2>&1 && ok || bad "fat: touch created"
status "fat: touch -c does not create" 0 "$F/fsu_touch" "$FI" -c /a/none
mtype -i "$FI" ::/a/none >/dev/null 2>&1 && bad "fat: touch -c created" || ok
status "fat: chmod a-w" 0 "$F/fsu_chmod" "$FI" a-w /a/new
mattrib -i "$FI" ::/a/new | grep -q '^ *R\|  R ' && ok ||
    { mattrib -i "$FI" ::/a/new | grep -q R && ok || bad "fat: chmod a-w set R"; }
status "fat: rm of a directory without -r fails" 1 "$F/fsu_rm" "$FI" /a
status "fat: rmdir of a non-empty dir fails" 1 "$F/fsu_rmdir" "$FI" /a
status "fat: rmdir -p stops at a non-empty /a" 1 "$F/fsu_rmdir" "$FI" -p /a/b/c
mdir -i "$FI" ::/a/b >/dev/null 2>&1 && bad "fat: rmdir -p left /a/b" || ok
status "fat: rm -r" 0 "$F/fsu_rm" "$FI" -r /a
mdir -i "$FI" ::/a >/dev/null 2>&1 && bad "fat: rm -r left /a" || ok
status "fat: rm -f of nothing" 0 "$F/fsu_rm" "$FI" -f /nothing
status "fat: rm of nothing" 1 "$F/fsu_rm" "$FI" /nothing
errmsg "fat: rm message" "fsu_rm: /nothing: No such file or directory"
status "fat: symlink refused" 1 "$F/fsu_ln" "$FI" -s x /sl
fatck "the FAT writes"
# A write that does not fit: ENOSPC named, exit 1, the image still valid.
SM=$W/small.img
mkfs.fat -C "$SM" 360 >/dev/null
head -c 1000000 /dev/urandom >"$W/big"
status "write: ENOSPC" 1 sh -c "\"$F/fsu_write\" \"$SM\" /big <\"$W/big\""
errmsg "write: ENOSPC" "fsu_write: /big: No space left on device"
if fsck.fat -n "$SM" >"$W/fsck" 2>&1 && ! grep -qi reclaim "$W/fsck"; then
	ok
else
	bad "fsck.fat -n after ENOSPC"; head -n 5 "$W/fsck"
fi
status "-v says what was mounted" 0 "$F/fsu_ls" -v "$FI" /
errmsg "-v" "fatfs file system mounted read-only"
status "-o passes mount options" 1 "$F/fsu_ls" -o nosuchoption=1 "$FI" /

# --- writing on ext4, read back with debugfs ----------------------------
dbg() { debugfs -R "$1" "$E" 2>/dev/null; }
if "$F/fsu_mkdir" "$E" /w 2>"$W/err"; then
	echo data | "$F/fsu_write" "$E" /w/f
	: | "$F/fsu_write" "$E" /w/ns
	check "ext4: write (debugfs cat)" [ "$(dbg 'cat /w/f')" = data ]
	status "ext4: chmod symbolic" 0 "$F/fsu_chmod" "$E" u=rw,g=r,o= /w/f
	dbg 'stat /w/f' | grep -q 'Mode:  0640' && ok || bad "ext4: chmod 0640"
	status "ext4: chmod -R" 0 "$F/fsu_chmod" "$E" -R go-rwx /w
	dbg 'stat /w' | grep -q 'Mode:  0700' && ok || bad "ext4: chmod -R dir"
	status "ext4: chown by image name" 0 "$F/fsu_chown" "$E" bob:staff /w/f
	dbg 'stat /w/f' | grep -q 'User:  1000 *Group:  1000' && ok ||
	    bad "ext4: chown bob:staff"
	status "ext4: chown -R numbers" 0 "$F/fsu_chown" "$E" -R 7:8 /w
	dbg 'stat /w/f' | grep -q 'User:     7 *Group:     8' && ok ||
	    bad "ext4: chown -R 7:8"
	status "ext4: chgrp" 0 "$F/fsu_chgrp" "$E" staff /w/f
	dbg 'stat /w/f' | grep -q 'Group:  1000' && ok || bad "ext4: chgrp"
	status "ext4: chown unknown name" 1 "$F/fsu_chown" "$E" nosuch /w/f
	status "ext4: ln -s" 0 "$F/fsu_ln" "$E" -s /etc/hostname /w/sl
	dbg 'stat /w/sl' | grep -q 'Fast link dest: "/etc/hostname"' && ok ||
	    bad "ext4: symlink target"
	status "ext4: ln -s without -f onto an existing name" 1 \
	    "$F/fsu_ln" "$E" -s other /w/sl
	status "ext4: ln -sf" 0 "$F/fsu_ln" "$E" -sf other /w/sl
	dbg 'stat /w/sl' | grep -q 'Fast link dest: "other"' && ok ||
	    bad "ext4: ln -sf target"
	status "ext4: hard link" 0 "$F/fsu_ln" "$E" /w/f /w/hl
	dbg 'stat /w/f' | grep -q 'Links: 2' && ok || bad "ext4: link count"
	status "ext4: mkfifo" 0 "$F/fsu_mkfifo" "$E" -m 600 /w/fifo
	dbg 'stat /w/fifo' | grep -q 'Type: FIFO *Mode:  0600' && ok ||
	    bad "ext4: mkfifo -m 600"
	status "ext4: mknod c" 0 "$F/fsu_mknod" "$E" /w/null c 1 3
	"$F/fsu_ls" "$E" -l /w/null | grep -q '^c.* 1, 3 ' && ok ||
	    bad "ext4: mknod c 1 3"
	status "ext4: touch -t" 0 "$F/fsu_touch" "$E" -t 200102030405.06 /w/f
	check "ext4: touch -t mtime" [ "$("$F/fsu_stat" "$E" -c %Y /w/f)" = \
	    "$(date -d '2001-02-03 04:05:06' +%s)" ]
	status "ext4: touch -m -r" 0 "$F/fsu_touch" "$E" -m -r /etc/hostname /w/hl
	check "ext4: touch -r copies mtime" [ "$("$F/fsu_stat" "$E" -c %Y /w/hl)" = \
	    "$(stat -c %Y "$T/etc/hostname")" ]
	status "ext4: touch -d with nanoseconds" 0 "$F/fsu_touch" "$E" \
	    -d '2019-03-04 05:06:07.123456789' /w/ns
	check "ext4: nanoseconds kept" [ "$("$F/fsu_stat" "$E" -c %y /w/ns)" = \
	    "2019-03-04 05:06:07.123456789 +0000" ]
	dbg 'stat /w/ns' | grep -q 'mtime: 0x5c7cb23f:1d6f3454' && ok ||
	    bad "ext4: debugfs sees the nanoseconds"
	status "ext4: touch -a leaves mtime" 0 "$F/fsu_touch" "$E" -a -d @5 /w/hl
	check "ext4: touch -a" [ "$("$F/fsu_stat" "$E" -c '%X %Y' /w/hl)" = \
	    "5 $(stat -c %Y "$T/etc/hostname")" ]
	status "ext4: mkdir -m" 0 "$F/fsu_mkdir" "$E" -m 2750 /w/m
	dbg 'stat /w/m' | grep -q 'Mode:  02750' && ok || bad "ext4: mkdir -m 2750"
	status "ext4: mv -n keeps the target" 0 "$F/fsu_mv" "$E" -n /w/hl /w/f
	dbg 'stat /w/hl' | grep -q 'Inode:' && ok || bad "ext4: mv -n moved"
	status "ext4: chown -h changes the link" 0 "$F/fsu_chown" "$E" -h 55:66 /w/sl
	dbg 'stat /w/sl' | grep -q 'User:    55 *Group:    66' && ok ||
	    bad "ext4: chown -h on the link"
	dbg 'stat /w/f' | grep -q 'User:    55' && bad "ext4: chown -h followed" || ok
	status "ext4: mkdir -v" 0 "$F/fsu_mkdir" "$E" -v /w/e
	check "ext4: mkdir -v message" grep -q "created directory '/w/e'" "$W/out"
	status "ext4: rm without -d on a directory" 1 "$F/fsu_rm" "$E" /w/e
	errmsg "ext4: rm on a directory" "/w/e: Is a directory"
	status "ext4: rm -d" 0 "$F/fsu_rm" "$E" -d /w/e
	status "ext4: mv -v" 0 "$F/fsu_mv" "$E" -v /w/hl /w/hl2
	check "ext4: mv -v message" grep -q "renamed '/w/hl' -> '/w/hl2'" "$W/out"
	status "ext4: chmod -v" 0 "$F/fsu_chmod" "$E" -v 0604 /w/hl2
	check "ext4: chmod -v message" grep -q "0604" "$W/out"
	status "ext4: rm -rv" 0 "$F/fsu_rm" "$E" -rv /w
	grep -c '^removed' "$W/out" | grep -q '^8$' && ok ||
	    bad "ext4: rm -v printed $(grep -c removed "$W/out") lines, want 8"
	dbg 'stat /w' | grep -q Inode: && bad "ext4: rm -r left /w" || ok
	if e2fsck -fn "$E" >"$W/fsck" 2>&1; then ok; else
		bad "e2fsck -fn after the ext4 writes"; tail -n 5 "$W/fsck"
	fi
else
	skip "ext4 write tests (read-write mount refused: $(cat "$W/err"))"
fi

# --- error paths and exit statuses -----------------------------------
status "nonexistent image" 1 "$F/fsu_ls" "$W/nope.img" /
errmsg "nonexistent image" "nope.img: No such file or directory"
head -c 1048576 /dev/zero >"$W/zero.img"
status "image without a file system" 1 "$F/fsu_ls" "$W/zero.img" /
errmsg "image without a file system" "zero.img: no file system found"
status "wrong -t" 1 "$F/fsu_ls" -t vfat "$E" /
errmsg "wrong -t" "not a vfat file system"
status "unknown -t" 1 "$F/fsu_ls" -t nosuchfs "$E" /
status "directory as image" 1 "$F/fsu_ls" "$W" /
status "nonexistent path" 1 "$F/fsu_ls" "$E" /no/such
errmsg "nonexistent path" "fsu_ls: /no/such: No such file or directory"
status "usage: no image" 2 "$F/fsu_ls"
status "usage: bad option" 2 "$F/fsu_ls" "$E" --bogus
status "usage: bad common option" 2 "$F/fsu_ls" -Q "$E" /
status "usage: missing operand" 2 "$F/fsu_mkdir" "$FI"
status "usage: bad mode" 2 "$F/fsu_chmod" "$FI" u+q /etc
status "fsu --help" 0 "$F/fsu" --help
grep -q '^  sh ' "$W/out" && grep -q '^  parts ' "$W/out" && ok ||
    bad "fsu --help lists the commands"
status "fsu_ls --help" 0 "$F/fsu_ls" --help
status "fsu ls (multi-call)" 0 "$F/fsu" ls "$E" /etc
check "fsu ls lists" grep -q hostname "$W/out"
status "unknown command" 2 "$F/fsu" frob "$E"
FSU_DEVICE=$E "$F/fsu_cat" /etc/hostname >"$W/a" 2>&1
check "FSU_DEVICE replaces IMAGE" [ "$(cat "$W/a")" = hello ]
FSU_TYPE=vfat "$F/fsu_ls" "$E" / >/dev/null 2>&1 && bad "FSU_TYPE ignored" || ok

# A write command on a read-only image file (root ignores modes: use a
# read-only bind mount, or an unprivileged user).
RO=$W/ro
mkdir -p "$RO"
cp "$FI" "$RO/ro.img"
chmod 444 "$RO/ro.img"
if [ "$(id -u)" != 0 ]; then
	status "write on a read-only image" 1 "$F/fsu_mkdir" "$RO/ro.img" /x
	status "read a read-only image" 0 "$F/fsu_ls" "$RO/ro.img" /
elif mount --bind "$RO" "$RO" 2>/dev/null && mount -o remount,bind,ro "$RO" 2>/dev/null; then
	status "write on a read-only image (ro bind mount)" 1 \
	    "$F/fsu_mkdir" "$RO/ro.img" /x
	errmsg "write on a read-only image" "read-only"
	status "read a read-only image (ro bind mount)" 0 \
	    "$F/fsu_ls" "$RO/ro.img" /
	umount "$RO"
elif have setpriv && chmod 755 "$W" &&
    setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	status "write on a read-only image (as nobody)" 1 setpriv \
	    --reuid=65534 --regid=65534 --clear-groups \
	    "$F/fsu_mkdir" "$RO/ro.img" /x
	errmsg "write on a read-only image" "read-only"
	status "read a read-only image (as nobody)" 0 setpriv \
	    --reuid=65534 --regid=65534 --clear-groups \
	    "$F/fsu_ls" "$RO/ro.img" /
else
	skip "read-only image file (root, no ro bind mount, no setpriv)"
fi

# Two writers: fsu_sh holds the image while it reads a fifo.
mkfifo "$W/fifo"
trap '' PIPE	# if fsu_sh dies, the writes below fail instead of killing us
"$F/fsu_sh" "$FI" <"$W/fifo" >"$W/shout" 2>&1 &
shpid=$!
exec 9>"$W/fifo"
echo "mkdir /held" >&9
i=0
while [ $i -lt 50 ] && ! mdir -i "$FI" ::/ 2>/dev/null | grep -qi held; do
	sleep 0.1
	i=$((i + 1))
done
status "second writer" 1 "$F/fsu_mkdir" "$FI" /x
errmsg "second writer" "image is in use"
status "reader while a writer holds the image" 1 "$F/fsu_ls" "$FI" /
exec 9>&-
wait $shpid
check "the holding fsu_sh exited 0" [ $? -eq 0 ]
status "writer after the holder left" 0 "$F/fsu_rmdir" "$FI" /held
fatck "the two writers"

# --- fsu_sh -------------------------------------------------------------
"$F/fsu_sh" "$E" -r -c 'cd /d1/d2; pwd; ls; cat abc.txt; cd d3; cat deep' \
    >"$W/a" 2>&1
printf '/d1/d2\nabc.txt\nd3\na\nb\nc\ndeep\n' >"$W/b"
same "fsu_sh -c: cd, pwd, relative paths" "$W/a" "$W/b"
status "fsu_sh -c: status of the last failure" 1 "$F/fsu_sh" "$E" -r -c \
    'ls /nope; ls /'
status "fsu_sh -c: unknown command" 2 "$F/fsu_sh" "$E" -r -c 'frob'
status "fsu_sh -c: exit N" 3 "$F/fsu_sh" "$E" -r -c 'exit 3; ls /nope'
status "fsu_sh -r refuses writes" 1 "$F/fsu_sh" "$E" -r -c 'mkdir /x'
printf 'mkdir /s\nwrite /s/f < %s\n# comment\ncat "/s/f" > %s\nrm -r /s\n' \
    "$T/etc/hostname" "$W/shcat" >"$W/script"
status "fsu_sh script on stdin" 0 sh -c "\"$F/fsu_sh\" \"$FI\" <\"$W/script\""
check "fsu_sh: redirections" [ "$(cat "$W/shcat" 2>/dev/null)" = hello ]
mdir -i "$FI" ::/s >/dev/null 2>&1 && bad "fsu_sh script: rm -r /s" || ok
if have script; then
	# A terminal: libedit completes "/d1/d2/d" to "/d1/d2/d3/", "pw" to "pwd".
	(sleep 1; printf 'cd /d1/d2/d\t\n'; sleep 0.5; printf 'pw\t\n'
	    sleep 0.5; printf 'exit\n') |
	    script -qfec "\"$F/fsu_sh\" \"$E\" -r" /dev/null >"$W/a" 2>&1
	grep -q '^/d1/d2/d3' "$W/a" && grep -q 'fsu:/d1/d2/d3> ' "$W/a" && ok ||
	    { bad "fsu_sh on a terminal: completion, cd, pwd"; head -c 600 "$W/a"; }
else
	skip "fsu_sh on a terminal (script(1) missing)"
fi
status "fsu_sh: help" 0 "$F/fsu_sh" "$E" -r -c help
check "fsu_sh: help lists commands" grep -q '^  chmod ' "$W/out"
status "fsu_sh -e stops at the first failure" 1 "$F/fsu_sh" "$E" -r -e -c \
    'ls /nope; ls /etc'
grep -q hostname "$W/out" && bad "fsu_sh -e went on" || ok
status "fsu_sh: unterminated quote" 2 "$F/fsu_sh" "$E" -r -c 'ls "/d1'
fatck "fsu_sh"

# bash completion of commands and image paths.
if have bash; then
	PATH=$F:$PATH bash -c '. "$1"; COMP_WORDS=(fsu_ls "$2" /d1/d2/); COMP_CWORD=2
	    _fsu; printf "%s\n" "${COMPREPLY[@]}"; COMP_WORDS=(fsu mkf); COMP_CWORD=1
	    _fsu; printf "%s\n" "${COMPREPLY[@]}"' sh "$SRC/fsu/fsu.bash" "$E" >"$W/a" 2>&1
	printf '/d1/d2/abc.txt\n/d1/d2/d3\nmkfifo\n' >"$W/b"
	same "bash completion" "$W/a" "$W/b"
else
	skip "bash completion (no bash)"
fi

# --- exec and diff -------------------------------------------------------
printf 'one\ntwo\n' | "$F/fsu_write" "$FI" /e.txt
m0=$("$F/fsu_stat" "$FI" -c %Y /e.txt)
sleep 2
status "exec: program that only reads" 0 "$F/fsu_exec" "$FI" cat /e.txt
check "exec: file handed over" grep -q two "$W/out"
check "exec: unchanged file not written" [ "$("$F/fsu_stat" "$FI" -c %Y /e.txt)" = "$m0" ]
status "exec: sed -i" 0 "$F/fsu_exec" "$FI" sed -i s/two/three/ /e.txt
check "exec: changed file written back" [ "$(mtype -i "$FI" ::/e.txt | tail -n 1)" = three ]
status "exec: program status" 1 "$F/fsu_exec" "$FI" false /e.txt
ls "${TMPDIR:-/tmp}"/fsu.*.e.txt >/dev/null 2>&1 &&
    bad "exec: temporary file left behind" || ok
printf 'one\nthree\n' | "$F/fsu_write" "$FI" /e2.txt
status "diff: same" 0 "$F/fsu_diff" "$FI" /e.txt /e2.txt
printf 'one\nfour\n' | "$F/fsu_write" "$FI" /e2.txt
status "diff: different" 1 "$F/fsu_diff" "$FI" /e.txt /e2.txt
grep -q '^> four' "$W/out" && ok || bad "diff output"
status "diff -u" 1 "$F/fsu_diff" "$FI" -u /e.txt /e2.txt
grep -q '^+four' "$W/out" && grep -q '^--- /e.txt' "$W/out" && ok ||
    bad "diff -u output"
status "diff -q" 1 "$F/fsu_diff" "$FI" -q /e.txt /e2.txt
printf 'one\nthree\n' >"$W/host.txt"
status "diff -H host file, same" 0 "$F/fsu_diff" "$FI" -H /e.txt "$W/host.txt"
status "diff -H host file, -q different" 1 "$F/fsu_diff" "$FI" -H -q /e2.txt "$W/host.txt"
status "diff: trouble" 2 "$F/fsu_diff" "$FI" /e.txt /nope

# --- copies (the copy engine is tested by copy_test; here the commands) -
printf 'payload\n' >"$W/put.txt"
if "$F/fsu_put" "$FI" "$W/put.txt" /put.txt 2>"$W/err"; then
	check "put: mtype reads it" [ "$(mtype -i "$FI" ::/put.txt)" = payload ]
	status "cp inside the image" 0 "$F/fsu_cp" "$FI" /put.txt /cp.txt
	check "cp: copy readable" [ "$(mtype -i "$FI" ::/cp.txt)" = payload ]
	rm -f "$W/got.txt"
	status "get" 0 "$F/fsu_get" "$FI" /cp.txt "$W/got.txt"
	same "get: bytes" "$W/got.txt" "$W/put.txt"
	rm -f "$W/got.txt"
	status "ecp -g" 0 "$F/fsu_ecp" "$FI" -g /cp.txt "$W/got.txt"
	same "ecp -g: bytes" "$W/got.txt" "$W/put.txt"
	status "ecp (put)" 0 "$F/fsu_ecp" "$FI" "$W/put.txt" /ecp.txt
	check "ecp: put readable" [ "$(mtype -i "$FI" ::/ecp.txt)" = payload ]
	status "get -R" 0 "$F/fsu_get" "$E" -R /d1 "$W/got"
	(cd "$T/d1" && find . -type f | sort | xargs cat) >"$W/b"
	(cd "$W/got" && find . -type f | sort | xargs cat) >"$W/a"
	same "get -R: contents" "$W/a" "$W/b"
	fatck "the copies"
else
	skip "copy commands (fsu_put failed: $(head -n 1 "$W/err"))"
fi

# --- partition tables ----------------------------------------------------
if have sfdisk; then
	D=$W/disk.img
	truncate -s 24M "$D"
	printf 'label: dos\nstart=2048, size=8192, type=83\nstart=10240, size=30000, type=5\nstart=12288, size=8192, type=c\n' |
	    sfdisk -q "$D" >/dev/null 2>&1
	mke2fs -q -F -t ext4 -d "$T/etc" "$W/p1.img" 4M >/dev/null 2>&1
	dd if="$W/p1.img" of="$D" bs=512 seek=2048 conv=notrunc status=none
	dd if="$FI" of="$D" bs=512 seek=12288 count=8192 conv=notrunc status=none
	status "mbr: several file systems, no -p" 1 "$F/fsu_ls" "$D" /
	errmsg "mbr: the table is listed" "choose one with -p"
	status "mbr: parts" 0 "$F/fsu_parts" "$D"
	check "mbr: parts shows the logical partition" \
	    grep -q '^5 *mbr *6291456' "$W/out"
	check "mbr: parts probes ext4 on 1" grep -q '^1 .*ext' "$W/out"
	status "mbr: -p 1 (primary ext4)" 0 "$F/fsu_cat" -p 1 "$D" /hostname
	check "mbr: -p 1 content" [ "$(cat "$W/out")" = hello ]
	status "mbr: -p 5 (logical FAT)" 0 "$F/fsu_cat" -p 5 "$D" /e.txt
	status "mbr: --offset" 0 "$F/fsu_cat" --offset $((2048 * 512)) "$D" /hostname
	status "mbr: nonexistent partition" 1 "$F/fsu_ls" -p 9 "$D" /
	errmsg "mbr: nonexistent partition" "no partition 9"
	status "mbr: write into a logical partition" 0 \
	    "$F/fsu_mkdir" -p 5 "$D" /inpart
	dd if="$D" of="$W/p5.img" bs=512 skip=12288 count=8192 status=none
	mdir -i "$W/p5.img" ::/ 2>/dev/null | grep -qi inpart && ok ||
	    bad "mbr: mkdir landed in partition 5"
	G=$W/gpt.img
	truncate -s 24M "$G"
	printf 'label: gpt\nstart=2048, size=8192, name=boot\nstart=12288, size=8192, name=data\n' |
	    sfdisk -q "$G" >/dev/null 2>&1
	dd if="$W/p1.img" of="$G" bs=512 seek=12288 conv=notrunc status=none
	status "gpt: the only file system is chosen" 0 "$F/fsu_cat" "$G" /hostname
	check "gpt: content" [ "$(cat "$W/out")" = hello ]
	status "gpt: parts" 0 "$F/fsu_parts" "$G"
	check "gpt: names shown" grep -q 'data' "$W/out"
	status "gpt: -p 1 holds no file system" 1 "$F/fsu_ls" -p 1 "$G" /
	status "no table: parts" 0 "$F/fsu_parts" "$E"
else
	skip "partition tests (sfdisk missing: apt-get install fdisk)"
fi

# --- interrupted writers -----------------------------------------------------
# SIGINT in the middle of a large put: exit 130 (or 0 if it had already
# finished), and the image unmounted cleanly: fsck.fat -n finds nothing
# (the partial file stays, as with cp).
IN=$W/intr.img
head -c 200M /dev/zero >"$W/big200"
rm -f "$IN"
mkfs.fat -F 32 -C "$IN" 524288 >/dev/null
"$F/fsu_put" "$IN" "$W/big200" /big 2>"$W/err" &
pid=$!
sleep 0.2
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
if [ $rc -eq 130 ] || [ $rc -eq 0 ]; then ok; else
	bad "interrupted put: exit $rc"; sed 's/^/    /' "$W/err" | head -n 5
fi
[ $rc -eq 130 ] && errmsg "interrupted put: message" "interrupted"
check "interrupted put: fsck.fat -n clean" sh -c 'fsck.fat -n "$1" >/dev/null' _ "$IN"

# --- the sandbox ---------------------------------------------------------
# fsu_write waits on a fifo after mounting: its seccomp mode must be 2
# (filtering) then, and 0 with --no-sandbox.  Sanitizer builds do not
# confine themselves (their run-times need more calls); sandbox_test
# covers ak_sandbox itself.
seccomp_of() {	# seccomp_of [FSU OPTIONS]: "Seccomp:" of a waiting writer
	rm -f "$W/fifo"
	mkfifo "$W/fifo"
	"$F/fsu_write" "$@" "$E" /sandboxed <"$W/fifo" &
	pid=$!
	exec 9>"$W/fifo"
	m=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		m=$(sed -n 's/^Seccomp:[[:space:]]*//p' /proc/$pid/status 2>/dev/null)
		[ "$m" = 2 ] && break
		sleep 0.2
	done
	echo data >&9
	exec 9>&-
	wait $pid
	echo "$m"
}
if nm "$F/fsu" 2>/dev/null | grep -q __asan_init; then
	skip "fs-utils sandbox (sanitizer build)"
elif [ ! -r /proc/self/status ] || ! grep -q '^Seccomp:' /proc/self/status; then
	skip "fs-utils sandbox (no seccomp in this kernel)"
else
	check "sandbox: a writer is confined after mounting" \
	    [ "$(seccomp_of)" = 2 ]
	check "sandbox: --no-sandbox" [ "$(seccomp_of --no-sandbox)" = 0 ]
	status "sandbox: the confined write landed" 0 "$F/fsu_cat" "$E" /sandboxed
	check "sandbox: content" [ "$(cat "$W/out")" = data ]
fi

echo "fsu_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
