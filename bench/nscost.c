/* SPDX-License-Identifier: MIT */
/*
 * What the kernel charges for each kind of namespace. Inside one user and
 * mount namespace (where a session's server runs), clone with each set of
 * flags, optionally mount a /proc and exec /bin/true in the child, and
 * wait; prints the mean of 200 rounds. Run it as an unprivileged user:
 *
 *   cc -O2 bench/nscost.c -o /tmp/nscost
 *   setpriv --reuid=USER --regid=GROUP --clear-groups /tmp/nscost
 *
 * docs/performance.md records its output on the benchmark machine.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 200
#define ALL (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET)

struct variant {
	const char *name;
	unsigned long flags;
	int mount_proc;
	int exec_true;
};

static const struct variant variants[] = {
	{ "fork", 0, 0, 0 },
	{ "fork + exec", 0, 0, 1 },
	{ "PID", CLONE_NEWPID, 0, 0 },
	{ "PID + mount", CLONE_NEWPID | CLONE_NEWNS, 0, 0 },
	{ "PID + mount + /proc", CLONE_NEWPID | CLONE_NEWNS, 1, 0 },
	{ "IPC", CLONE_NEWIPC, 0, 0 },
	{ "network", CLONE_NEWNET, 0, 0 },
	{ "all four + /proc", ALL, 1, 0 },
	{ "all four + /proc + exec", ALL, 1, 1 },
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int enter_user_and_mount_namespace(void)
{
	/* Taken before the unshare: inside, until mapped, they read as the
	 * overflow ids. */
	unsigned uid = getuid(), gid = getgid();
	char map[64];

	if (unshare(CLONE_NEWUSER) < 0)
		return -1;
	snprintf(map, sizeof(map), "%u %u 1", uid, uid);
	if (write_file("/proc/self/uid_map", map) < 0 ||
	    write_file("/proc/self/setgroups", "deny") < 0)
		return -1;
	snprintf(map, sizeof(map), "%u %u 1", gid, gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		return -1;
	return unshare(CLONE_NEWNS);
}

static int one_round(const struct variant *v)
{
	int status;
	pid_t pid = (pid_t)syscall(SYS_clone, v->flags | SIGCHLD, 0, 0, 0, 0);

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (v->mount_proc && mount("proc", "/proc", "proc", 0, NULL))
			_exit(1);
		if (v->exec_true)
			execl("/bin/true", "true", (char *)NULL);
		_exit(v->exec_true ? 127 : 0);
	}
	if (waitpid(pid, &status, 0) < 0 || status != 0)
		return -1;
	return 0;
}

int main(void)
{
	if (enter_user_and_mount_namespace() < 0) {
		perror("nscost: user namespace");
		return 1;
	}
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		double start = now();

		for (int k = 0; k < ROUNDS; k++) {
			if (one_round(&variants[i]) < 0) {
				fprintf(stderr, "nscost: %s failed\n",
					variants[i].name);
				return 1;
			}
		}
		printf("%-24s %.3f ms\n", variants[i].name,
		       (now() - start) * 1000 / ROUNDS);
	}
	return 0;
}
