/*
 * sandbox_test.c: ak_sandbox.  A child process boots the kernel, mounts
 * a FAT image read-write, confines itself, and then must still be able
 * to do the kernel's work (read, write, a new thread, sync, unmount),
 * while opening a host file, running a program, forking, and opening a
 * socket must fail with EPERM.  The child reports each result on a pipe
 * opened before the filter and leaves with _exit (so that no sanitizer
 * run-time needs forbidden calls at exit).  The image, read afterwards
 * by fsck.fat and mtype, must hold what the confined child wrote.
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ak/ak.h"

#define NCHECK	9
static const char *const names[NCHECK] = {
	"setup and ak_sandbox", "read through the kernel",
	"write through the kernel", "a new thread",
	"open of a host file refused", "execve refused", "fork refused", "socket refused",
	"ak_fini (sync, unmount)",
};

static void *
thread_fn(void *arg)
{
	return arg;
}

/* The confined child: result[i] = 1 when check i holds. */
static void
child(const char *img, int out)
{
	char result[NCHECK] = { 0 }, buf[64];
	char *const argv[] = { "/bin/true", NULL };
	pthread_t t;
	int fd;

	result[0] = ak_init() == 0 && ak_sys_mkdir("/mnt", 0755) == 0 &&
	    ak_sys_mount("vfat", "/mnt", 0, img, NULL) == 0 &&
	    ak_sandbox() == 0;
	if ((fd = ak_sys_open("/mnt/IN.TXT", O_RDONLY)) >= 0) {
		result[1] = ak_sys_read(fd, buf, sizeof(buf)) == 6 &&
		    memcmp(buf, "inside", 6) == 0;
		ak_sys_close(fd);
	}
	if ((fd = ak_sys_open("/mnt/OUT.TXT", O_WRONLY | O_CREAT, 0644)) >= 0) {
		result[2] = ak_sys_write(fd, "written\n", 8) == 8 &&
		    ak_sys_fsync(fd) == 0;
		ak_sys_close(fd);
	}
	result[3] = pthread_create(&t, NULL, thread_fn, NULL) == 0 &&
	    pthread_join(t, NULL) == 0;
	result[4] = open("/etc/hostname", O_RDONLY) < 0 && errno == EPERM;
	result[5] = execve(argv[0], argv, NULL) < 0 && errno == EPERM;
	result[6] = fork() < 0 && errno == EPERM;
	result[7] = socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM;
	result[8] = ak_fini() == 0;
	(void)write(out, result, sizeof(result));
	_exit(0);
}

int
main(void)
{
	const char *t = getenv("AK_TESTDIR");
	char dir[256], img[300], cmd[4096], result[NCHECK];
	int p[2], status, i, npass = 0, nfail = 0;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/sandbox", t ? t : "/tmp");
	snprintf(img, sizeof(img), "%s/fat.img", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s' && "
	    "mkfs.fat -C '%s' 1024 >/dev/null && printf inside > '%s/in' && "
	    "MTOOLS_SKIP_CHECK=1 mcopy -i '%s' '%s/in' ::/IN.TXT", dir, dir,
	    img, dir, img, dir);
	if (system(cmd) != 0 || pipe(p) != 0) {
		printf("FAIL: setup\nsandbox_test: 0 passed, 1 failed\n");
		return 1;
	}
	if ((pid = fork()) == 0) {
		close(p[0]);
		child(img, p[1]);
	}
	close(p[1]);
	memset(result, 0, sizeof(result));
	if (read(p[0], result, sizeof(result)) != sizeof(result))
		printf("FAIL: the confined child died before reporting\n");
	waitpid(pid, &status, 0);
	for (i = 0; i < NCHECK; i++) {
		if (result[i])
			npass++;
		else {
			nfail++;
			printf("FAIL: %s\n", names[i]);
		}
	}
	snprintf(cmd, sizeof(cmd), "fsck.fat -n '%s' >/dev/null && test "
	    "\"$(MTOOLS_SKIP_CHECK=1 mtype -i '%s' ::/OUT.TXT)\" = written",
	    img, img);
	if (system(cmd) == 0)
		npass++;
	else {
		nfail++;
		printf("FAIL: the image after the confined run (fsck.fat, "
		    "mtype)\n");
	}
	printf("sandbox_test: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
