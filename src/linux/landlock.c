/* SPDX-License-Identifier: MIT */
/*
 * Landlock, the second and independent layer of write confinement. In full
 * isolation the mounts already make everything outside the writable roots
 * read-only; Landlock repeats that decision in the kernel's LSM, so that a
 * mistake in one layer (a mount left writable, a descriptor reaching a host
 * mount) does not open the sandbox. Landlock cannot carve a read-only name
 * out of a writable tree, so protected names rest on the mounts alone.
 *
 * Without namespaces (the namespace-free mode) Landlock is the only write
 * layer, and a right granted on a directory holds for everything beneath
 * it. So the top level of each writable root is frozen: every existing
 * entry except the protected names is writable beneath, but nothing can be
 * created, removed or renamed at the top level itself, which is what keeps
 * a missing protected name from being created.
 *
 * The ABI is probed and rights the kernel does not know are dropped, one
 * commented case per version, as the kernel's own sample does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
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
#define PADDOCK_LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define PADDOCK_LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)

/* Directories this deep below a root are not carved further. */
#define CARVE_MAX_DEPTH 32

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

/* The devices a command may write to: of the private /dev in full
 * isolation, of the host's /dev without namespaces (where ptmx is a device
 * node, not a link into pts). */
static const char *const writable_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/tty",
	"/dev/ptmx", "/dev/pts",  NULL,
};

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

/* Drop from attr what the kernel's ABI does not know. */
static void trim_to_abi(struct ruleset_attr *attr, int abi)
{
	switch (abi) {
	case 1:
		/* No REFER (linking or renaming across directories) before
		 * ABI 2: such moves are always denied, which is stricter. */
		attr->handled_access_fs &= ~LANDLOCK_ACCESS_FS_REFER;
		/* fallthrough */
	case 2:
		/* No TRUNCATE before ABI 3: truncation goes unchecked. */
		attr->handled_access_fs &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
		/* fallthrough */
	case 3:
		/* No TCP rights before ABI 4: seccomp refuses inet sockets. */
		attr->handled_access_net = 0;
		/* fallthrough */
	case 4:
	case 5:
		/* No scoping before ABI 6: abstract sockets and signals rest
		 * on the network and PID namespaces. */
		attr->scoped = 0;
		break;
	default:
		break;
	}
}

static struct ruleset_attr ruleset_for(const struct sandbox_spec *spec)
{
	struct ruleset_attr attr = {
		.scoped = PADDOCK_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			  PADDOCK_LANDLOCK_SCOPE_SIGNAL,
	};

	/* A Landlock domain with file-system rules forbids every mount, so a
	 * nested sandbox could not build its view: when the user allows
	 * nested user namespaces, full isolation keeps the mounts as its only
	 * write layer (and says so). */
	if (spec->plan->confine_writes &&
	    (spec->direct || !spec->nested_userns))
		attr.handled_access_fs = WRITE_RIGHTS;
	/* Without a network namespace, "off" must also stop TCP here; with
	 * one, the private loopback must keep working, so TCP is left to the
	 * namespace. */
	if (spec->direct && spec->new_net)
		attr.handled_access_net =
			PADDOCK_LANDLOCK_ACCESS_NET_BIND_TCP |
			PADDOCK_LANDLOCK_ACCESS_NET_CONNECT_TCP;
	trim_to_abi(&attr, spec->landlock_abi);
	return attr;
}

/* Allow access (trimmed to what the ruleset handles) beneath fd, whose
 * fstat is st. */
static int allow_fd_stat(int ruleset, int fd, const struct stat *st,
			 uint64_t access)
{
	struct landlock_path_beneath_attr rule = { .parent_fd = fd };

	/* Directory rights on a file are refused by the kernel. */
	rule.allowed_access =
		S_ISDIR(st->st_mode) ? access : access & FILE_WRITE_RIGHTS;
	if (!rule.allowed_access)
		return 0;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		    &rule, 0) < 0)
		return -errno;
	return 0;
}

/* Allow access (trimmed to what the ruleset handles) beneath fd's path. */
static int allow_fd(int ruleset, int fd, uint64_t access)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	return allow_fd_stat(ruleset, fd, &st, access);
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

/* An entry of dir_fd met while carving, opened without following it: a
 * symbolic link (opened as itself) is skipped, and one that vanished since
 * it was listed needs no rule. One open and one fstat per entry, relative
 * to the directory: a busy /tmp has hundreds of entries. */
static int allow_entry(int ruleset, int dir_fd, const char *name,
		       uint64_t access)
{
	struct stat st;
	int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (S_ISLNK(st.st_mode))
		r = 0;
	else
		r = allow_fd_stat(ruleset, fd, &st, access);
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

/* Whether path must not be granted beneath: a protected path or another
 * writable root (which gets its own rules). Protected paths match without
 * regard to case: on a case-folding file system ".GIT" is ".git", and
 * elsewhere keeping ".GIT" read-only only narrows. */
static bool is_carved(const struct plan *plan, const char *path)
{
	for (size_t i = 0; i < plan->n_protected; i++) {
		if (strcasecmp(plan->protected[i].path, path) == 0)
			return true;
	}
	for (size_t i = 0; i < plan->roots.len; i++) {
		if (strcmp(plan->roots.items[i], path) == 0)
			return true;
	}
	return false;
}

/* Whether a carved path lies strictly below dir. */
static bool holds_carved(const struct plan *plan, const char *dir)
{
	for (size_t i = 0; i < plan->n_protected; i++) {
		if (path_is_under(plan->protected[i].path, dir) &&
		    strcmp(plan->protected[i].path, dir) != 0)
			return true;
	}
	for (size_t i = 0; i < plan->roots.len; i++) {
		if (path_is_under(plan->roots.items[i], dir) &&
		    strcmp(plan->roots.items[i], dir) != 0)
			return true;
	}
	return false;
}

/*
 * Grant access beneath every entry of dir except the carved ones, and
 * nothing on dir itself. An entry that holds a carved path deeper down is
 * carved the same way, one level at a time. Symbolic links are skipped:
 * writing through one needs its target's own rule.
 */
static int grant_entries(int ruleset, const struct plan *plan, const char *dir,
			 uint64_t access, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (depth > CARVE_MAX_DEPTH)
		return -ELOOP;
	d = opendir(dir);
	if (!d)
		return -errno;
	while (r == 0 && (de = readdir(d))) {
		int n;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n = snprintf(path, sizeof(path), "%s%s%s", dir,
			     strcmp(dir, "/") ? "/" : "", de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if (is_carved(plan, path))
			continue;
		if (holds_carved(plan, path)) {
			r = grant_entries(ruleset, plan, path, access,
					  depth + 1);
			continue;
		}
		r = allow_entry(ruleset, dirfd(d), de->d_name, access);
	}
	closedir(d);
	return r;
}

static int add_device_rules(int ruleset, uint64_t access,
			    const char **ret_operand)
{
	for (size_t i = 0; writable_devices[i]; i++) {
		int r = allow_path(ruleset, writable_devices[i], access);

		if (r < 0 && r != -ENOENT) {
			*ret_operand = writable_devices[i];
			return r;
		}
	}
	return 0;
}

static int add_root_rules(int ruleset, const struct sandbox_spec *spec,
			  uint64_t access, const char **ret_operand)
{
	const struct plan *plan = spec->plan;
	int r;

	for (size_t i = 0; i < plan->roots.len; i++) {
		const char *root = plan->roots.items[i];
		struct stat st;

		/* With mounts, protected names are read-only binds and the
		 * whole root can be granted. */
		if (!spec->direct || stat(root, &st) < 0 ||
		    !S_ISDIR(st.st_mode))
			r = allow_path(ruleset, root, access);
		else
			r = grant_entries(ruleset, plan, root, access, 0);
		if (r < 0) {
			*ret_operand = root;
			return r;
		}
	}
	if (spec->scratch) {
		r = allow_path(ruleset, spec->scratch, access);
		if (r < 0) {
			*ret_operand = spec->scratch;
			return r;
		}
	}
	return 0;
}

static int add_rules(int ruleset, const struct sandbox_spec *spec,
		     uint64_t access, const char **ret_operand)
{
	int r = add_root_rules(ruleset, spec, access, ret_operand);

	if (r == 0)
		r = add_device_rules(ruleset, access, ret_operand);
	/* The private /dev/shm of full isolation; the host's is shared with
	 * every process of the machine, so not without namespaces. */
	if (r == 0 && !spec->direct) {
		r = allow_path(ruleset, "/dev/shm", access);
		if (r == -ENOENT)
			r = 0;
		else if (r < 0)
			*ret_operand = "/dev/shm";
	}
	if (r == 0)
		allow_stdio(ruleset, access);
	return r;
}

int landlock_apply(const struct sandbox_spec *spec, const char **ret_operand)
{
	struct ruleset_attr attr;
	int ruleset, r = 0;

	if (spec->landlock_abi <= 0)
		return spec->direct ? -EOPNOTSUPP : 0;
	attr = ruleset_for(spec);
	if (!attr.handled_access_fs && !attr.handled_access_net && !attr.scoped)
		return 0;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
			       0);
	if (ruleset < 0)
		return -errno;
	if (attr.handled_access_fs)
		r = add_rules(ruleset, spec, attr.handled_access_fs,
			      ret_operand);
	if (r == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		r = -errno;
	close(ruleset);
	return r;
}

int landlock_confine_proxy(int abi)
{
	struct ruleset_attr attr = {
		.handled_access_fs = WRITE_RIGHTS | LANDLOCK_ACCESS_FS_EXECUTE,
		.handled_access_net = PADDOCK_LANDLOCK_ACCESS_NET_BIND_TCP,
		.scoped = PADDOCK_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			  PADDOCK_LANDLOCK_SCOPE_SIGNAL,
	};
	int ruleset, r = 0;

	if (abi <= 0)
		return 0;
	trim_to_abi(&attr, abi);
	/* No rule at all: what the ruleset handles is refused everywhere. */
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
			       0);
	if (ruleset < 0)
		return -errno;
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		r = -errno;
	close(ruleset);
	return r;
}
