# fsu.mk: fs-utils, included by the Makefile.  Every fsu/*.c is part of
# the one multi-call binary $(BUILD)/fsu/fsu; the fsu_CMD names are
# symbolic links to it.
FSUSRCS	= $(wildcard fsu/*.c)
FSUOBJS	= $(FSUSRCS:%.c=$(BUILD)/%.o)
FSUCMDS	= cat chgrp chmod chown cp diff df du ecp exec find fsck get ln ls \
	  mkdir mkfifo mknod mv parts put rm rmdir sh stat touch write
FSULIBS	= -ledit -lm

# Start-up is most of a small command's time, and loading ten shared
# libraries was half of it (8.7 ms of CPU against 4.9 ms for `fsu_ls
# IMAGE /` on the 2-core VM): link the libraries statically into fsu when
# their archives are installed (Debian's -dev packages ship them).
FSUSTATICLIBS = z lzma lzo2 lz4 zstd seccomp edit tinfo bsd md
FSUSTATIC := $(shell for l in $(FSUSTATICLIBS); do \
	p=$$($(CC) -print-file-name=lib$$l.a); [ -f "$$p" ] || exit 0; \
	done; echo yes)
# With the C library's archive as well (libc6-dev), fsu is one static
# executable: no dynamic loader, no symbol binding, fewer pages touched
# (459k -> 290k instructions and 161 -> 134 page faults for `fsu_ls
# IMAGE /`).  Sanitizer run-times cannot be linked statically.
FSULIBC := $(shell [ -f "$$($(CC) -print-file-name=libc.a)" ] && echo yes)
ifeq ($(FSUSTATIC)$(FSULIBC)$(strip $(SANFLAGS)),yesyes)
FSULINK	= -static $(FSUSTATICLIBS:%=-l%) -pthread -lm
else ifeq ($(FSUSTATIC),yes)
FSULINK	= -Wl,-Bstatic $(FSUSTATICLIBS:%=-l%) -Wl,-Bdynamic -pthread -lm
else
FSULINK	= $(LDLIBS) $(FSULIBS)
endif

all: $(BUILD)/fsu/fsu $(BUILD)/fsu/.links

$(BUILD)/fsu/%.o: fsu/%.c
	@mkdir -p $(@D)
	$(CC) $(HCFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fsu/fsu: $(FSUOBJS) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $(FSUOBJS) $(BUILD)/libak.a $(FSULINK)

$(BUILD)/fsu/.links: $(BUILD)/fsu/fsu
	for c in $(FSUCMDS); do ln -sf fsu $(BUILD)/fsu/fsu_$$c; done
	touch $@

# `make install` installs fs-utils too, through install-fsu.
install: install-fsu
install-fsu: $(BUILD)/fsu/fsu
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/fsu/fsu $(DESTDIR)$(PREFIX)/bin/
	for c in $(FSUCMDS); do \
	    ln -sf fsu $(DESTDIR)$(PREFIX)/bin/fsu_$$c; done
	install -m 644 man/fsu.1 man/fsu_sh.1 \
	    $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 fsu/fsu.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/fsu

.PHONY: install-fsu

# The copy engine's own test: the engine, its sides and libak, no front end.
FSUCOPYOBJS = $(patsubst %.c,$(BUILD)/%.o,$(wildcard fsu/copy*.c \
	      fsu/side*.c)) $(BUILD)/fsu/fsu_util.o
all: $(BUILD)/tests/fsu/copy_test
$(BUILD)/tests/fsu/copy_test: $(BUILD)/tests/fsu/copy_test.o \
    $(BUILD)/tests/fsu/copy_tree.o $(FSUCOPYOBJS) $(BUILD)/libak.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)
