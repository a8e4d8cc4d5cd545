/* SPDX-License-Identifier: MIT */
/*
 * probe: make one system call that a sandboxed command should not be able to
 * use, and print what happened: "ok" when the call succeeded, otherwise the
 * name of its errno (e.g. "EPERM"). Exit 0 on success, 1 on failure, 2 on a
 * usage error. The security tests run it inside paddock and compare the
 * printed name with the answer the sandbox documents.
 *
 * usage: probe CALL [ARG]...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long num(const char *s)
{
	return strtol(s, NULL, 0);
}

static long do_io_uring(void)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	return syscall(SYS_io_uring_setup, 1, &p);
}

static long do_perf(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.exclude_kernel = 1;
	return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static long do_clone_newuser(void)
{
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

/* An ioctl with the full 64-bit request given, upper bits included. */
static long do_ioctl(const char *fd, const char *req)
{
	char c = '#';

	return syscall(SYS_ioctl, (int)num(fd), strtoul(req, NULL, 0), &c);
}

/* An i386 system call through int $0x80 from this 64-bit process. */
static long int80(long nr, long a, long b)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b)
			 : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static long do_int80_socketcall(void)
{
	/* socketcall(SYS_SOCKET, {AF_PACKET, SOCK_RAW, 0}), args below 4 GiB */
	unsigned int *args =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (args == MAP_FAILED)
		return -1;
	args[0] = AF_PACKET;
	args[1] = SOCK_RAW;
	args[2] = 0;
	return int80(102, 1, (long)(uintptr_t)args);
}

/* The effective uid and capabilities, as the kernel reports them. */
static long do_ids(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	printf("euid=%d\n", (int)geteuid());
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Cap", 3))
			fputs(line, stdout);
	fclose(f);
	return 0;
}

static long dispatch(int argc, char **argv)
{
	const char *c = argv[1];

	if (!strcmp(c, "io_uring_setup"))
		return do_io_uring();
	if (!strcmp(c, "bpf"))
		return syscall(SYS_bpf, 0, NULL, 0);
	if (!strcmp(c, "perf_event_open"))
		return do_perf();
	if (!strcmp(c, "userfaultfd"))
		return syscall(SYS_userfaultfd, 0);
	if (!strcmp(c, "keyctl"))
		return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
			       KEY_SPEC_SESSION_KEYRING, 0);
	if (!strcmp(c, "add_key"))
		return syscall(SYS_add_key, "user", "paddock-probe", "x", 1,
			       KEY_SPEC_PROCESS_KEYRING);
	if (!strcmp(c, "socket") && argc == 5)
		return socket((int)num(argv[2]), (int)num(argv[3]),
			      (int)num(argv[4]));
	if (!strcmp(c, "clone-newuser"))
		return do_clone_newuser();
	if (!strcmp(c, "unshare") && argc == 3)
		return unshare((int)num(argv[2]));
	if (!strcmp(c, "ioctl") && argc == 4)
		return do_ioctl(argv[2], argv[3]);
	if (!strcmp(c, "int80-unshare"))
		return int80(310, CLONE_NEWUSER, 0);
	if (!strcmp(c, "x32-unshare"))
		return syscall(0x40000000 | 272, CLONE_NEWUSER);
	if (!strcmp(c, "int80-socketcall"))
		return do_int80_socketcall();
	if (!strcmp(c, "ptrace-attach") && argc == 3)
		return ptrace(PTRACE_ATTACH, (pid_t)num(argv[2]), NULL, NULL);
	if (!strcmp(c, "kill") && argc == 4)
		return kill((pid_t)num(argv[2]), (int)num(argv[3]));
	if (!strcmp(c, "write-fd") && argc == 3)
		return write((int)num(argv[2]), "pwned\n", 6);
	if (!strcmp(c, "ids"))
		return do_ids();
	if (!strcmp(c, "open-write") && argc == 3)
		return open(argv[2], O_WRONLY | O_CLOEXEC);
	errno = EINVAL;
	fprintf(stderr, "probe: unknown call or wrong arguments: %s\n", c);
	exit(2);
}

int main(int argc, char **argv)
{
	long r;

	if (argc < 2) {
		fprintf(stderr, "usage: probe CALL [ARG]...\n");
		return 2;
	}
	errno = 0;
	r = dispatch(argc, argv);
	if (r < 0) {
		const char *name = strerrorname_np(errno);

		printf("%s\n", name ? name : "unknown");
		return 1;
	}
	printf("ok\n");
	return 0;
}
