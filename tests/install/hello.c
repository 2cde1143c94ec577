/*
 * hello.c: a client of the installed libak, built by install_test.sh
 * the way a user would build one (pkg-config, or the static archive).
 * Writes a file in the kernel's tmpfs, reads it back, checks the bytes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <ak/ak.h>

int
main(void)
{
	char buf[8] = { 0 };
	int fd;

	if (ak_init() != 0) {
		perror("hello: ak_init");
		return 1;
	}
	if ((fd = ak_sys_open("/hello", O_CREAT | O_RDWR, 0644)) < 0 ||
	    ak_sys_write(fd, "hi\n", 3) != 3 ||
	    ak_sys_pread(fd, buf, 3, 0) != 3 || ak_sys_close(fd) != 0) {
		perror("hello: /hello");
		return 1;
	}
	if (strcmp(buf, "hi\n") != 0) {
		fprintf(stderr, "hello: read back \"%s\"\n", buf);
		return 1;
	}
	return ak_fini() == 0 ? 0 : 1;
}
