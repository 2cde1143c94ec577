# fuse.mk: akfuse, included by the Makefile.  Every fuse/*.c is part of
# $(BUILD)/fuse/akfuse.  Without libfuse3's development files (Debian
# libfuse3-dev, installed by tools/deps.sh) akfuse is left out and its
# test says SKIP.
AKFSRCS	= $(wildcard fuse/*.c)
AKFOBJS	= $(AKFSRCS:%.c=$(BUILD)/%.o)
AKFCFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)
AKFLIBS	:= $(shell pkg-config --libs fuse3 2>/dev/null)

ifneq ($(AKFLIBS),)
all: $(BUILD)/fuse/akfuse
install: install-akfuse
endif

$(BUILD)/fuse/%.o: fuse/%.c
	@mkdir -p $(@D)
	$(CC) $(HCFLAGS) $(AKFCFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fuse/akfuse: $(AKFOBJS) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $(AKFOBJS) $(BUILD)/libak.a $(LDLIBS) \
	    $(AKFLIBS)

install-akfuse: $(BUILD)/fuse/akfuse
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/fuse/akfuse $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/akfuse.1 $(DESTDIR)$(PREFIX)/share/man/man1/

.PHONY: install-akfuse

# fuse_conform: the vfs_conform scenarios through an akfuse mount.  It
# needs no libfuse itself (it runs akfuse), so it is always built and
# says SKIP where akfuse or /dev/fuse is missing.
FCOBJS	= $(BUILD)/tests/fuse/fuse_conform.o $(BUILD)/tests/fuse/fc_xattrat.o \
	  $(patsubst %.c,$(BUILD)/%.o,$(filter-out tests/vfs/vc_main.c, \
	  $(wildcard tests/vfs/*.c)) $(wildcard tests/vfs/common/*.c))
all: $(BUILD)/tests/fuse/fuse_conform
$(BUILD)/tests/fuse/fuse_conform: $(FCOBJS) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
