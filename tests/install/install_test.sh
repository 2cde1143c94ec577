#!/bin/sh
# install_test.sh BUILD: install libak into a scratch prefix and build a
# client against it, with pkg-config (shared library) and with the
# static archive, as a user would.  Prints "install: N passed, M failed".
set -u
B=${1:-build}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ak-install.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: install: $1"; fail=$((fail + 1)); }

if make -s BUILD="$B" PREFIX="$dir/usr" install >"$dir/log" 2>&1; then
	ok
else
	bad "make install"; cat "$dir/log"
fi
export PKG_CONFIG_PATH="$dir/usr/lib/pkgconfig"
cflags=$(pkg-config --cflags ak) && libs=$(pkg-config --libs ak) &&
    ${CC:-cc} -o "$dir/hello" tests/install/hello.c $cflags $libs &&
    LD_LIBRARY_PATH="$dir/usr/lib" "$dir/hello" && ok ||
    bad "client built with pkg-config and the shared library"
# The archive needs the host's codec libraries (Libs.private).
slibs=$(pkg-config --static --libs-only-l ak | sed 's/-lak//') &&
${CC:-cc} -o "$dir/hello_static" tests/install/hello.c -I"$dir/usr/include" \
    "$dir/usr/lib/libak.a" -pthread $slibs && "$dir/hello_static" && ok ||
    bad "client linked with the static archive"
echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
