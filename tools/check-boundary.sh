#!/bin/sh
# check-boundary.sh KERNEL.o: the boundary rule, checked on the linked
# kernel object.  Every undefined symbol must be a hypercall (hyp_*), and
# no host C library name may remain global (they are made local so the
# kernel's own libkern never meets the host's).
set -eu
obj=$1
# _GLOBAL_OFFSET_TABLE_ is the linker's own (position-independent code
# reaching global data), not a dependency on the host.
bad=$(nm -u "$obj" | awk '{print $2}' |
    grep -Ev '^(hyp_|_GLOBAL_OFFSET_TABLE_$)' || true)
if [ -n "$bad" ]; then
	echo "check-boundary: $obj has undefined non-hypercall symbols:" >&2
	echo "$bad" | sed 's/^/	/' >&2
	exit 1
fi
leak=$(nm -g --defined-only "$obj" | awk '{print $3}' |
    grep -Ev '^(sys_|kapi_|ktest_)' || true)
if [ -n "$leak" ]; then
	echo "check-boundary: $obj exports non-API symbols:" >&2
	echo "$leak" | sed 's/^/	/' >&2
	exit 1
fi
# Host headers must not be reachable: the kernel compiles -nostdinc, and
# no kernel source names a host-only header path.
hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*<(stdio|stdlib|string|unistd|pthread|fcntl|errno|time|signal|stdarg|stdint|stddef|limits|assert|ctype|dirent|sys/stat|sys/types|sys/mman|sys/time|linux/[a-z_]+)\.h>' \
    kern vfs bio dev fs sys 2>/dev/null || true)
if [ -n "$hits" ]; then
	echo "check-boundary: kernel sources include host headers:" >&2
	echo "$hits" | sed 's/^/	/' >&2
	exit 1
fi
# Drivers reach the host only through kernel services (sys/codec.h...).
hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"]hyp/' fs 2>/dev/null || true)
if [ -n "$hits" ]; then
	echo "check-boundary: drivers include hyp/hyp.h:" >&2
	echo "$hits" | sed 's/^/	/' >&2
	exit 1
fi
echo "check-boundary: $obj: only hyp_* undefined, only API exported: ok"
