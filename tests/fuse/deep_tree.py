#!/usr/bin/env python3
"""deep_tree.py make|check|remove ROOT | debugfs IMAGE: a tree deeper than
PATH_MAX, made, checked and removed with the host's *at calls only (no
whole path to its bottom exists), for fuse_test.sh.

make:   LEVELS directories of NAMELEN-byte names, each with a file f
        holding its level; at the bottom a symbolic link, a hard link,
        a user xattr, a chmod, a directory renamed and a file moved up
        a level (both far below PATH_MAX).
check:  everything make left, read back; --plain leaves out what a copy
        made by debugfs rdump cannot keep (hard links, xattrs).
remove: the whole tree, bottom up.
debugfs: what make left, read from IMAGE (ext2/3/4) by debugfs, which
        walks down with cd (its own inode-relative lookups), so the check
        does not go through akfuse at all.
Prints what is wrong and exits 1 on the first difference.
"""
import os
import sys

LEVELS = 24
NAMELEN = 200          # 24 levels of 201 bytes: 4,824 > PATH_MAX (4,096)


def name(i):
    return ('d%02d' % i).ljust(NAMELEN, 'x')


def fail(msg):
    print('deep_tree: %s' % msg, file=sys.stderr)
    sys.exit(1)


def write(dfd, fname, data, mode=0o644):
    fd = os.open(fname, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode,
                 dir_fd=dfd)
    os.write(fd, data)
    os.close(fd)


def read(dfd, fname):
    fd = os.open(fname, os.O_RDONLY, dir_fd=dfd)
    data = os.read(fd, 4096)
    os.close(fd)
    return data


def descend(root, make):
    """Directory descriptors of levels 0..LEVELS-1 (made first if make)."""
    fds = []
    top = dfd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for i in range(LEVELS):
        if make:
            os.mkdir(name(i), 0o755, dir_fd=dfd)
        dfd = os.open(name(i), os.O_RDONLY | os.O_DIRECTORY, dir_fd=dfd)
        fds.append(dfd)
        if make:
            write(dfd, 'f', b'level %d\n' % i)
    os.close(top)
    return fds


def xattr_path(dfd, fname):
    # A short path to a deep file: the host's magic link for dfd.
    return '/proc/self/fd/%d/%s' % (dfd, fname)


def make(root):
    fds = descend(root, True)
    bottom, above = fds[-1], fds[-2]
    os.symlink('f', 'ln', dir_fd=bottom)
    os.link('f', 'hl', src_dir_fd=bottom, dst_dir_fd=bottom)
    os.setxattr(xattr_path(bottom, 'f'), 'user.deep', b'bottom',
                follow_symlinks=False)
    os.chmod('f', 0o600, dir_fd=bottom)
    os.mkdir('a', 0o700, dir_fd=bottom)
    afd = os.open('a', os.O_RDONLY | os.O_DIRECTORY, dir_fd=bottom)
    write(afd, 'inner', b'inside a\n')
    os.close(afd)
    os.rename('a', 'b', src_dir_fd=bottom, dst_dir_fd=bottom)
    write(bottom, 'mv', b'moved up\n')
    os.rename('mv', 'mv', src_dir_fd=bottom, dst_dir_fd=above)
    for fd in fds:
        os.close(fd)


def expect(what, got, want):
    if got != want:
        fail('%s: %r, expected %r' % (what, got, want))


def check(root, plain):
    fds = descend(root, False)
    for i, dfd in enumerate(fds):
        expect('level %d file' % i, read(dfd, 'f'), b'level %d\n' % i)
        want = {'f'}
        if i < LEVELS - 1:
            want.add(name(i + 1))
        if i == LEVELS - 2:
            want.add('mv')
        if i == LEVELS - 1:
            want |= {'ln', 'b'} | (set() if plain else {'hl'})
        # plain: rdump turns the hard link into a second copy
        got = set(os.listdir(dfd)) - ({'hl'} if plain else set())
        expect('level %d names' % i, sorted(got), sorted(want))
    bottom = fds[-1]
    expect('symlink', os.readlink('ln', dir_fd=bottom), 'f')
    expect('renamed dir', read(bottom, 'b/inner'), b'inside a\n')
    expect('moved file', read(fds[-2], 'mv'), b'moved up\n')
    st = os.stat('f', dir_fd=bottom, follow_symlinks=False)
    expect('mode', st.st_mode & 0o7777, 0o600)
    if not plain:
        expect('link count', st.st_nlink, 2)
        expect('xattr', os.getxattr(xattr_path(bottom, 'f'), 'user.deep',
                                    follow_symlinks=False), b'bottom')
    for fd in fds:
        os.close(fd)


def remove_in(dfd):
    for n in os.listdir(dfd):
        st = os.stat(n, dir_fd=dfd, follow_symlinks=False)
        if (st.st_mode & 0o170000) == 0o040000:
            sub = os.open(n, os.O_RDONLY | os.O_DIRECTORY, dir_fd=dfd)
            remove_in(sub)
            os.close(sub)
            os.rmdir(n, dir_fd=dfd)
        else:
            os.unlink(n, dir_fd=dfd)


def remove(root):
    dfd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    sub = os.open(name(0), os.O_RDONLY | os.O_DIRECTORY, dir_fd=dfd)
    remove_in(sub)
    os.close(sub)
    os.rmdir(name(0), dir_fd=dfd)
    os.close(dfd)


def debugfs(image):
    import subprocess
    cmds = ['cd %s\ncat f' % name(i) for i in range(LEVELS)]
    cmds += ['cat b/inner', 'stat ln', 'stat f', 'ea_get f user.deep',
             'cd ..', 'cat mv']
    r = subprocess.run(['debugfs', '-f', '-', image], capture_output=True,
                       input='\n'.join(cmds) + '\n', text=True)
    out, at = r.stdout, 0
    want = ['level %d\n' % i for i in range(LEVELS)]
    want += ['inside a\n', 'Fast link dest: "f"', 'Mode:  0600',
             'Links: 2', 'bottom', 'moved up\n']
    for w in want:
        at = out.find(w, at)
        if at < 0:
            fail('debugfs %s: no %r in order (stderr: %s)' %
                 (image, w, r.stderr.strip()[-200:]))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == 'debugfs':
        debugfs(sys.argv[2])
        return
    if len(sys.argv) < 3 or sys.argv[1] not in ('make', 'check', 'remove'):
        fail('usage: deep_tree.py make|check|remove ROOT | debugfs IMAGE')
    root, plain = sys.argv[2], '--plain' in sys.argv[3:]
    try:
        if sys.argv[1] == 'make':
            make(root)
        elif sys.argv[1] == 'check':
            check(root, plain)
        else:
            remove(root)
    except OSError as e:
        fail('%s %s: %s' % (sys.argv[1], root, e))


if __name__ == '__main__':
    main()
