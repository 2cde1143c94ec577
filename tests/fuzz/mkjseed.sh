#!/bin/sh
# mkjseed.sh TREE OUT: the needs_recovery seed of tests/fuzz/corpus/ext4
# (run by mkseeds.sh): a 256 KiB ext4 whose 64-block internal journal
# holds one transaction logging the blocks a change made, then a revoke,
# with needs_recovery set.  debugfs will not write a journal under 1024
# blocks (1 MiB, more than the fuzzers take), so the log is written here
# (python3); e2fsck calls so small a journal invalid and drops it, the
# driver replays it (as the kernel's recovery would).  No journal
# checksums, so that mutations reach the replay itself.
set -eu
tree=$1 out=$2
t=$(mktemp -d)
E2FSPROGS_FAKE_TIME=1600000000 mke2fs -q -F -t ext4 -O ^has_journal \
    -b 1024 -N 32 -U 01234567-89ab-cdef-0123-456789abcdef \
    -E hash_seed=01234567-89ab-cdef-0123-456789abcdef -d "$tree" "$t/s.img" 256k >/dev/null
head -c 65536 /dev/zero | tr '\0' '\377' > "$t/jfile"
printf 'write %s/jfile .journal\n' "$t" | debugfs -w -f - "$t/s.img" >/dev/null 2>&1
ino=$(debugfs -R 'stat /.journal' "$t/s.img" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p')
test -n "$ino"
printf 'unlink .journal\nsif <%s> links_count 1\nssv journal_inum %s\nfeature has_journal\n' "$ino" "$ino" |
    debugfs -w -f - "$t/s.img" >/dev/null 2>&1
cp "$t/s.img" "$t/m.img"
printf 'rm sub/b\nsymlink l2 /sub\n' | debugfs -w -f - "$t/m.img" >/dev/null 2>&1
JMAP=$(for i in $(seq 0 63); do debugfs -R "bmap <$ino> $i" "$t/s.img" 2>/dev/null; done | tr '\n' ' ')
export JMAP
blocks=$(cmp -l "$t/s.img" "$t/m.img" | awk '{print int(($1-1)/1024)}' | uniq)
python3 - "$t/s.img" "$t/m.img" $blocks <<'PY'
import os, struct, sys
img, mod = sys.argv[1], sys.argv[2]
blocks = [int(b) for b in sys.argv[3:]]
jmap = [int(b) for b in os.environ['JMAP'].split()]
assert len(jmap) == 64
BS, MAGIC = 1024, 0xC03B3998
src = open(mod, 'rb').read()
log = bytearray(64 * BS)
# superblock v2: block size, 64 blocks, log from 1, sequence 1, start 1,
# incompat revoke; no checksums (mutations then reach the replay itself)
struct.pack_into('>3I5I4x3I', log, 0, MAGIC, 4, 0, BS, 64, 1, 1, 1, 0, 1, 0)
log[0x30:0x40] = bytes(range(16))
struct.pack_into('>I', log, 0x40, 1)
desc = bytearray(BS)
struct.pack_into('>3I', desc, 0, MAGIC, 1, 1)
for i, b in enumerate(blocks):
    flags = 0x2 | (0x8 if i == len(blocks) - 1 else 0)
    struct.pack_into('>IHH', desc, 12 + 8 * i, b, 0, flags)
log[BS:2 * BS] = desc
for i, b in enumerate(blocks):
    log[(2 + i) * BS:(3 + i) * BS] = src[b * BS:(b + 1) * BS]
n = 2 + len(blocks)
struct.pack_into('>3I', log, n * BS, MAGIC, 2, 1)
struct.pack_into('>3II I', log, (n + 1) * BS, MAGIC, 5, 2, 20, 200)
struct.pack_into('>3I', log, (n + 2) * BS, MAGIC, 2, 2)
with open(img, 'r+b') as f:
    for i, p in enumerate(jmap):
        f.seek(p * BS)
        f.write(log[i * BS:(i + 1) * BS])
PY
debugfs -w -R 'feature needs_recovery' "$t/s.img" >/dev/null 2>&1
cp "$t/s.img" "$out"
rm -rf "$t"
