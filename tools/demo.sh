#!/bin/sh
# demo.sh BUILD: what `make demo` shows: fs-utils on demo/sample.img, a
# small ext4 image kept in the repository (made by mke2fs -d), without
# mounting it, without root and without any tool outside the project.
set -eu
B=${1:-build}
F=$B/fsu/fsu
img=$B/demo.img
cp demo/sample.img "$img"
run() { echo "\$ $*"; "$@"; echo; }
run "$F" ls "$img" -l /
run "$F" ls "$img" -lR /docs
run "$F" cat "$img" /hello.txt
run "$F" put "$img" README.md /README.md
run "$F" get "$img" /README.md "$B/demo-README.md"
run cmp README.md "$B/demo-README.md"
echo "put/get round trip: README.md came back identical"
run "$F" df "$img" -h
rm -f "$B/demo-README.md"
