# anykernel: plain make.  `make` builds everything, `make check` builds and
# runs every test, `make install PREFIX=...` installs libak.
#
# Sources are found by directory: a new file in kern/, vfs/, bio/, dev/ or
# fs/<name>/ is part of the kernel; one in lib/ is part of libak.  Kernel
# directories compile freestanding (-nostdinc): only hyp/<host>/ sees the
# host's headers.

CC	?= cc
BUILD	?= build
PREFIX	?= /usr/local
HYP	?= posix
SANFLAGS ?=
OPT	?= -O2

WARN	= -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
	  -Wno-unused-parameter -Werror
CCNAME	:= $(shell $(CC) --version 2>/dev/null | head -n1)
ifneq ($(findstring clang,$(CCNAME)),)
KNOLIB	= -fno-builtin
else
KNOLIB	= -fno-tree-loop-distribute-patterns
endif

KCFLAGS	= -std=c11 -ffreestanding -nostdinc $(KNOLIB) -fno-common -fPIC \
	  -D_KERNEL -DDIAGNOSTIC -I. $(WARN) $(OPT) -g $(SANFLAGS)
HCFLAGS	= -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -fPIC -pthread \
	  -iquote . -Iinclude $(WARN) $(OPT) -g $(SANFLAGS)
LDLIBS	= -pthread -lz -llzma -llzo2 -llz4 -lzstd -lseccomp

KDIRS	= kern kern/lib vfs bio dev $(wildcard fs/*)
KSRCS	= $(foreach d,$(KDIRS),$(wildcard $(d)/*.c))
KOBJS	= $(KSRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/components.o
HSRCS	= $(wildcard hyp/$(HYP)/*.c)
HOBJS	= $(HSRCS:%.c=$(BUILD)/%.o)
LSRCS	= $(wildcard lib/*.c)
LOBJS	= $(LSRCS:%.c=$(BUILD)/%.o)
KTSRCS	= $(wildcard tests/unit/*.c)
KTOBJS	= $(KTSRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/ktests.o
EXPORTS	= --wildcard --keep-global-symbol='sys_*' \
	  --keep-global-symbol='kapi_*' --keep-global-symbol='ktest_*'

VFSTESTS = $(BUILD)/tests/vfs/vfs_conform $(BUILD)/tests/stress/stress
TESTBINS = $(BUILD)/tests/unit/ktest_run $(BUILD)/tests/host/hyp_test \
	   $(VFSTESTS)
TESTBINS += $(BUILD)/tests/image/fat_read
TESTBINS += $(BUILD)/tests/image/fat_volume
TESTBINS += $(BUILD)/tests/image/ext2_read
TESTBINS += $(BUILD)/tests/image/ext2_dirindex
TESTBINS += $(BUILD)/tests/image/ext2_write
TESTBINS += $(BUILD)/tests/image/ext2_journal
TESTBINS += $(BUILD)/tests/image/sqfs_read
TESTBINS += $(BUILD)/tests/image/iso_read
TESTBINS += $(BUILD)/tests/image/part_read
TESTBINS += $(BUILD)/tests/fault/fault_test
TESTBINS += $(BUILD)/tests/fault/fault_modes
TESTBINS += $(BUILD)/tests/fault/crash_long
TESTBINS += $(BUILD)/tests/fault/tmpfs_nomem
TESTBINS += $(BUILD)/tests/fuzz/hostile_mem
TESTBINS += $(BUILD)/tests/fuzz/fuzz_replay
TESTBINS += $(BUILD)/tests/image/ffs_read
TESTBINS += $(BUILD)/tests/image/ffs_write
TESTBINS += $(BUILD)/tests/image/ffs_wdata
TESTBINS += $(BUILD)/tests/image/ffs_wfault
TESTBINS += $(BUILD)/tests/host/sandbox_test

all: $(BUILD)/libak.a $(BUILD)/libak.so $(BUILD)/ak.pc $(TESTBINS)

include fsu/fsu.mk
include fuse/fuse.mk


# --- kernel ---------------------------------------------------------------
# The tables are regenerated on every run (a new source file may be older
# than the table) and replaced only when they change, so nothing relinks
# needlessly.
$(BUILD)/gen/components.c: FORCE
	@mkdir -p $(@D)
	@sh tools/mktables.sh components $(KSRCS) > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/gen/ktests.c: FORCE
	@mkdir -p $(@D)
	@sh tools/mktables.sh ktests $(KTSRCS) > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(KCFLAGS) -c -o $@ $<
$(BUILD)/kern/%.o: kern/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/vfs/%.o: vfs/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/bio/%.o: bio/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/dev/%.o: dev/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/fs/%.o: fs/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<

# The kernel as one relocatable object with only the API left global.
$(BUILD)/kernel.o: $(KOBJS)
	$(LD) -r -o $@.raw $(KOBJS)
	objcopy $(EXPORTS) $@.raw $@
# The kernel with the in-kernel unit tests linked in.
$(BUILD)/ktest.o: $(KOBJS) $(KTOBJS)
	$(LD) -r -o $@.raw $(KOBJS) $(KTOBJS)
	objcopy $(EXPORTS) $@.raw $@

# --- host side: hypervisor, libak, tests ---------------------------------
$(BUILD)/hyp/%.o: hyp/%.c hyp/hyp.h
	@mkdir -p $(@D)
	$(CC) $(HCFLAGS) -D_HYP -MMD -MP -c -o $@ $<
$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(HCFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(HCFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libak.a: $(BUILD)/kernel.o $(HOBJS) $(LOBJS)
	rm -f $@
	$(AR) rcs $@ $^
$(BUILD)/libak.so: $(BUILD)/kernel.o $(HOBJS) $(LOBJS)
	$(CC) -shared $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/ak.pc: tools/ak.pc.in
	sed 's|@PREFIX@|$(PREFIX)|' $< > $@

# libak on the fault-injection host (hyp/test, hyp/test/hyp_fault.h):
# the POSIX host with the calls hyp/test wraps renamed to hypposix_*.
FAULTSYMS = blk_read blk_write blk_flush malloc free init clock_gettime \
	    clock_sleep getrandom
TOBJS	= $(patsubst %.c,$(BUILD)/%.o,$(wildcard hyp/test/*.c))
$(BUILD)/hyp/posix-wrapped.o: $(HOBJS) Makefile
	$(LD) -r -o $@.raw $(HOBJS)
	objcopy $(foreach s,$(FAULTSYMS),--redefine-sym hyp_$(s)=hypposix_$(s)) \
	    $@.raw $@
$(BUILD)/libak-fault.a: $(BUILD)/kernel.o $(BUILD)/hyp/posix-wrapped.o \
    $(TOBJS) $(LOBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/host/sandbox_test: $(BUILD)/tests/host/sandbox_test.o \
    $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/fuzz/fuzz_replay: $(BUILD)/tests/fuzz/fuzz_replay.o \
    $(BUILD)/tests/fuzz/fuzz_fs.o $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/fault/fault_test: $(BUILD)/tests/fault/fault_test.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak-fault.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/fault/fault_modes: $(BUILD)/tests/fault/fault_modes.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak-fault.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/fault/crash_long: $(BUILD)/tests/fault/crash_long.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak-fault.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/fault/tmpfs_nomem: $(BUILD)/tests/fault/tmpfs_nomem.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak-fault.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/fuzz/hostile_mem: $(BUILD)/tests/fuzz/hostile_mem.o \
    $(BUILD)/tests/fuzz/hostile_img.o $(BUILD)/tests/fuzz/fuzz_fs.o \
    $(BUILD)/tests/lib/tcheck.o \
    $(BUILD)/libak-fault.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/ktest_run: $(BUILD)/tests/host/ktest_run.o \
    $(BUILD)/ktest.o $(HOBJS) $(LOBJS)
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/host/hyp_test: $(BUILD)/tests/host/hyp_test.o $(HOBJS)
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
VFSCOMMON = $(wildcard tests/vfs/common/*.c)
$(BUILD)/tests/vfs/vfs_conform: $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/vfs/*.c) $(VFSCOMMON)) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/stress/stress: $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/stress/*.c) $(VFSCOMMON)) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
# tests/lib/treecmp*.c: a host tree against the tree through libak
TREECMP = $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/treecmp*.c))
$(BUILD)/tests/image/fat_read: $(BUILD)/tests/image/fat_read.o \
    $(BUILD)/tests/image/fat_corrupt.o $(BUILD)/tests/image/fat_write.o \
    $(BUILD)/tests/lib/tcheck.o $(TREECMP) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/fat_volume: $(BUILD)/tests/image/fat_volume.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/ext2_read: $(patsubst %.c,$(BUILD)/%.o,\
    $(wildcard tests/image/ext2_read.c tests/image/ext2r_*.c)) \
    $(BUILD)/tests/lib/tcheck.o $(TREECMP) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
# tests/lib/mcheck*.c: a write test's random operations against a model
MCHECK = $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/mcheck*.c))
$(BUILD)/tests/image/ext2_write: $(patsubst %.c,$(BUILD)/%.o,\
    $(wildcard tests/image/ext2_write.c tests/image/ext2w_*.c)) \
    $(BUILD)/tests/lib/tcheck.o $(MCHECK) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/ext2_journal: $(BUILD)/tests/image/ext2_journal.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/ext2_dirindex: $(BUILD)/tests/image/ext2_dirindex.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/sqfs_read: $(BUILD)/tests/image/sqfs_read.o \
    $(BUILD)/tests/image/sqfs_corrupt.o $(BUILD)/tests/lib/tcheck.o \
    $(TREECMP) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/part_read: $(BUILD)/tests/image/part_read.o \
    $(BUILD)/tests/lib/tcheck.o $(TREECMP) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/iso_read: $(BUILD)/tests/image/iso_read.o \
    $(BUILD)/tests/image/iso_corrupt.o $(BUILD)/tests/lib/tcheck.o \
    $(TREECMP) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/ffs_read: $(BUILD)/tests/image/ffs_read.o \
    $(BUILD)/tests/image/ffs_corrupt.o $(BUILD)/tests/lib/tcheck.o \
    $(TREECMP) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/ffs_write: $(BUILD)/tests/image/ffs_write.o \
    $(BUILD)/tests/image/ffsw_ops.o $(BUILD)/tests/image/ffsw_cmp.o \
    $(BUILD)/tests/image/ffsw_misc.o $(BUILD)/tests/lib/tcheck.o \
    $(MCHECK) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/ffs_wdata: $(BUILD)/tests/image/ffs_wdata.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/image/ffs_wfault: $(BUILD)/tests/image/ffs_wfault.o \
    $(BUILD)/tests/lib/tcheck.o $(BUILD)/libak-fault.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

# --- checks ----------------------------------------------------------------
check: deps
	$(MAKE) check-build
	$(MAKE) check-run

deps:
	@sh tools/deps.sh

check-build: all

check-run: all
	sh tools/check-boundary.sh $(BUILD)/kernel.o
	sh tools/check-boundary.sh $(BUILD)/ktest.o
	sh tests/run.sh $(BUILD)
	sh tests/install/install_test.sh $(BUILD)

# Sanitizer builds of the whole suite (called by .ci/run).
check-asan:
	$(MAKE) BUILD=build-asan OPT=-O1 \
	    SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    all
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    sh tests/run.sh build-asan
check-tsan:
	$(MAKE) BUILD=build-tsan OPT=-O1 SANFLAGS="-fsanitize=thread" \
	    build-tsan/tests/stress/stress
	# Without address randomisation: the TSan of gcc 12 cannot map its
	# shadow memory on kernels with more random mmap bits.
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tools/tsan.supp" \
	    setarch $$(uname -m) -R build-tsan/tests/stress/stress
check-clang:
	$(MAKE) CC=clang BUILD=build-clang all

# libFuzzer harnesses, one per driver (tests/fuzz), built with clang and
# ASan+UBSan; `make fuzz FUZZ_SECONDS=N` runs each for N seconds.
FUZZ_SECONDS ?= 60
FUZZTYPES = vfat ext4 cd9660 squashfs ffs
FUZZSAN	= -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer
fuzz-build:
	$(MAKE) CC=clang BUILD=build-fuzz OPT=-O1 \
	    SANFLAGS="$(FUZZSAN) -fsanitize=fuzzer-no-link" build-fuzz/libak.a
	for t in $(FUZZTYPES); do \
	    clang $(HCFLAGS) -O1 $(FUZZSAN) -fsanitize=fuzzer \
	    -DFUZZ_TYPE=\"$$t\" \
	    -o build-fuzz/fuzz_$$t tests/fuzz/fuzz_main.c tests/fuzz/fuzz_fs.c \
	    build-fuzz/libak.a \
	    $(LDLIBS) || exit 1; done
fuzz: fuzz-build
	sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZTYPES)

# The same harnesses for AFL++ (tests/fuzz/fuzz_afl.c: persistent mode),
# built with afl-clang-fast into build-afl/afl_TYPE; AFLSAN= adds
# sanitizers (e.g. -fsanitize=address).  Not run by make check or CI;
# docs/testing.md says how to run afl-fuzz.
AFLCC	?= afl-clang-fast
AFLSAN	?=
fuzz-afl:
	$(MAKE) CC=$(AFLCC) BUILD=build-afl OPT=-O2 SANFLAGS="$(AFLSAN)" \
	    build-afl/libak.a
	for t in $(FUZZTYPES); do \
	    $(AFLCC) $(HCFLAGS) -O2 $(AFLSAN) -DFUZZ_TYPE=\"$$t\" \
	    -o build-afl/afl_$$t tests/fuzz/fuzz_afl.c tests/fuzz/fuzz_fs.c \
	    build-afl/libak.a $(LDLIBS) || exit 1; done

# fs-utils on the sample image in demo/ (the README's first example).
demo: all
	sh tools/demo.sh $(BUILD)

# Benchmarks against the peers (bench/run.sh; not part of check).
bench: all
	sh bench/run.sh $(BUILD)
bench-quick: all
	BENCH_QUICK=1 sh bench/run.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/ak
	install -m 644 $(BUILD)/libak.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libak.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/ak/ak.h $(DESTDIR)$(PREFIX)/include/ak/
	sed 's|@PREFIX@|$(PREFIX)|' tools/ak.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ak.pc

clean:
	rm -rf build build-asan build-tsan build-clang build-fuzz build-afl

.PHONY: FORCE all check deps check-build check-run check-asan check-tsan \
	check-clang fuzz fuzz-build fuzz-afl demo bench bench-quick install clean
.DELETE_ON_ERROR:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
