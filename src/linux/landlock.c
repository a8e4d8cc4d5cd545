/* SPDX-License-Identifier: MIT */
/*
 * Landlock, the second and independent layer of write confinement. In full
 * isolation the mounts already make everything outside the writable roots
 * read-only; Landlock repeats that decision in the kernel's LSM, so that a
 * mistake in one layer (a mount left writable, a descriptor reaching a host
 * mount) does not open the sandbox. Landlock cannot carve a read-only name
 * out of a writable tree, so protected names rest on the mounts alone.
 *
 * The ABI is probed and rights the kernel does not know are dropped, one
 * commented case per version, as the kernel's own sample does.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux.h"

/* Later than the headers of Debian 12 (ABI 2). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#define PADDOCK_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define PADDOCK_LANDLOCK_SCOPE_SIGNAL (1ULL << 1)

/* The ruleset attribute of ABI 6. The kernel accepts a larger structure than
 * it knows as long as the fields it does not know are zero. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define FILE_WRITE_RIGHTS \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

#define WRITE_RIGHTS                                                     \
	(FILE_WRITE_RIGHTS | LANDLOCK_ACCESS_FS_REMOVE_DIR |             \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |     \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |   \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM |   \
	 LANDLOCK_ACCESS_FS_REFER)

/* The devices of the private /dev a command may write to. */
static const char *const writable_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/pts", NULL,
};

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

static struct ruleset_attr ruleset_for(int abi, bool confine_writes)
{
	struct ruleset_attr attr = { 0 };

	if (confine_writes)
		attr.handled_access_fs = WRITE_RIGHTS;
	switch (abi) {
	case 1:
		/* No REFER (linking or renaming across directories) before
		 * ABI 2: such moves are always denied, which is stricter. */
		attr.handled_access_fs &= ~LANDLOCK_ACCESS_FS_REFER;
		/* fallthrough */
	case 2:
		/* No TRUNCATE before ABI 3: truncation goes unchecked. */
		attr.handled_access_fs &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
		/* fallthrough */
	case 3:
	case 4:
	case 5:
		/* No scoping before ABI 6: abstract sockets and signals rest
		 * on the network and PID namespaces. */
		break;
	default:
		attr.scoped = PADDOCK_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			      PADDOCK_LANDLOCK_SCOPE_SIGNAL;
		break;
	}
	return attr;
}

/* Allow access (trimmed to what the ruleset handles) beneath fd's path. */
static int allow_fd(int ruleset, int fd, uint64_t access)
{
	struct landlock_path_beneath_attr rule = { .parent_fd = fd };
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	/* Directory rights on a file are refused by the kernel. */
	rule.allowed_access =
		S_ISDIR(st.st_mode) ? access : access & FILE_WRITE_RIGHTS;
	if (!rule.allowed_access)
		return 0;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		    &rule, 0) < 0)
		return -errno;
	return 0;
}

static int allow_path(int ruleset, const char *path, uint64_t access)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = allow_fd(ruleset, fd, access);
	close(fd);
	return r;
}

/* What the command's own standard streams point to stays writable by
 * name too (`echo > /dev/stdout` reopens it). Pipes and sockets are not
 * subject to Landlock, and a failure here only narrows. */
static void allow_stdio(int ruleset, uint64_t access)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;

		if (fstat(fd, &st) == 0 &&
		    (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
			allow_fd(ruleset, fd, access & FILE_WRITE_RIGHTS);
	}
}

static int add_rules(int ruleset, const struct plan *plan, uint64_t access,
		     const char **ret_operand)
{
	int r;

	for (size_t i = 0; i < plan->roots.len; i++) {
		r = allow_path(ruleset, plan->roots.items[i], access);
		if (r < 0) {
			*ret_operand = plan->roots.items[i];
			return r;
		}
	}
	for (size_t i = 0; writable_devices[i]; i++) {
		r = allow_path(ruleset, writable_devices[i], access);
		if (r < 0 && r != -ENOENT) {
			*ret_operand = writable_devices[i];
			return r;
		}
	}
	r = allow_path(ruleset, "/dev/shm", access);
	if (r < 0 && r != -ENOENT) {
		*ret_operand = "/dev/shm";
		return r;
	}
	allow_stdio(ruleset, access);
	return 0;
}

int landlock_apply(const struct plan *plan, int abi, const char **ret_operand)
{
	struct ruleset_attr attr;
	int ruleset, r = 0;

	if (abi <= 0)
		return 0;
	attr = ruleset_for(abi, plan->confine_writes);
	if (!attr.handled_access_fs && !attr.scoped)
		return 0;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
			       0);
	if (ruleset < 0)
		return -errno;
	if (attr.handled_access_fs)
		r = add_rules(ruleset, plan, attr.handled_access_fs,
			      ret_operand);
	if (r == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		r = -errno;
	close(ruleset);
	return r;
}
