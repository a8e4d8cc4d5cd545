/* SPDX-License-Identifier: MIT */
/* paddock_probe(): what this machine can enforce, found by trying it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

/* Exit codes of the probing child: which step failed. */
enum {
	PROBE_OK,
	PROBE_ID_MAP = 10,
	PROBE_MOUNT_API,
	PROBE_PROC,
	PROBE_SECCOMP,
};

static int read_int_file(const char *path)
{
	char buf[32] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static int write_map(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static _Noreturn void probe_child(uid_t uid, gid_t gid)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, 0x7fff0000U);
	struct sock_fprog prog = { 1, &allow };
	char map[64];
	int fd;

	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_map("/proc/self/uid_map", map) ||
	    write_map("/proc/self/setgroups", "deny"))
		_exit(PROBE_ID_MAP);
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (write_map("/proc/self/gid_map", map))
		_exit(PROBE_ID_MAP);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(PROBE_MOUNT_API);
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/",
			  OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		_exit(PROBE_MOUNT_API);
	close(fd);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		_exit(PROBE_PROC);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, 0, &prog))
		_exit(PROBE_SECCOMP);
	_exit(PROBE_OK);
}

static void probe_namespaces(struct paddock_probe *p)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int status;
	pid_t pid = raw_clone(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
			      CLONE_NEWIPC | CLONE_NEWNET);

	p->mount_api = p->proc_mount = p->seccomp = EPERM;
	if (pid < 0) {
		p->user_namespaces = errno;
		return;
	}
	if (pid == 0)
		probe_child(uid, gid);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : PROBE_ID_MAP;
	p->user_namespaces = status == PROBE_ID_MAP ? EPERM : 0;
	p->mount_api =
		status == PROBE_OK || status > PROBE_MOUNT_API ? 0 : EPERM;
	p->proc_mount = status == PROBE_OK || status > PROBE_PROC ? 0 : EPERM;
	p->seccomp = status == PROBE_OK ? 0 : EPERM;
}

void paddock_probe(struct paddock_probe *p)
{
	long abi;

	*p = (struct paddock_probe){ 0 };
	p->userns_sysctl =
		read_int_file("/proc/sys/kernel/unprivileged_userns_clone");
	p->apparmor_userns = read_int_file(
		"/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	p->max_user_namespaces =
		read_int_file("/proc/sys/user/max_user_namespaces");
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	p->landlock_abi = abi < 0 ? -errno : (int)abi;

	probe_namespaces(p);
	p->namespace_free = p->landlock_abi >= 6 ? 0 : EOPNOTSUPP;
	if (!p->user_namespaces && !p->mount_api && !p->proc_mount &&
	    !p->seccomp)
		p->isolation = "namespaces";
	else if (!p->namespace_free)
		p->isolation = "landlock";
}
