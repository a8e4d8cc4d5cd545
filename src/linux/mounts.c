/* SPDX-License-Identifier: MIT */
/*
 * The file-system view, built inside the sandbox's new mount namespace with
 * the kernel's mount API (open_tree, mount_setattr, move_mount: Linux 5.12).
 *
 * Order matters. The writable roots are cloned first, while every mount is
 * still as the host has it; then the whole tree is made read-only in one
 * recursive call; then the clones are put back over their own paths, parents
 * before children. Protected names are bound read-only over themselves after
 * the roots, and deny-read paths are covered last, so that each later step
 * narrows what an earlier one granted and nothing widens it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#define FSOPEN_CLOEXEC 0x00000001
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct paddock_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

static int sys_open_tree(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *to_path)
{
	return (int)syscall(SYS_move_mount, from_dfd, "", AT_FDCWD, to_path,
			    MOVE_MOUNT_F_EMPTY_PATH);
}

static int sys_set_readonly(int dfd, const char *path, unsigned flags)
{
	struct paddock_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	return (int)syscall(SYS_mount_setattr, dfd, path, flags | AT_RECURSIVE,
			    &attr, sizeof(attr));
}

/* Read-only for this one mount, not the ones below it. */
static int sys_set_readonly_one(const char *path)
{
	struct paddock_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, 0, &attr,
			    sizeof(attr));
}

struct step_failure {
	enum paddock_step *step;
	const char **operand;
};

static int fail(const struct step_failure *f, enum paddock_step step,
		const char *operand)
{
	int code = errno ? errno : EIO;

	*f->step = step;
	*f->operand = operand;
	return -code;
}

/*
 * Open path for use as a mount source or target, walking no symbolic link
 * at all: every path of the plan is canonical, so a link met now was put
 * there since resolution. When the plan recorded an identity, the inode
 * found must be that one; ESTALE otherwise. From here on the descriptor,
 * not the name, is used, so a rename or a swap cannot redirect the mount.
 */
static int open_exact(const char *path, dev_t dev, ino_t ino)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	struct stat st;
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd < 0)
		return -1;
	if (ino &&
	    (fstat(fd, &st) < 0 || st.st_dev != dev || st.st_ino != ino)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* A detached copy of what fd names and everything mounted below it. */
static int clone_fd(int fd)
{
	return sys_open_tree(fd, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				     AT_RECURSIVE | AT_EMPTY_PATH);
}

static int move_onto_fd(int from, int to)
{
	return (int)syscall(SYS_move_mount, from, "", to, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* A detached copy of path, opened as open_exact() does. */
static int clone_path(const char *path)
{
	int fd = open_exact(path, 0, 0);
	int tree;

	if (fd < 0)
		return -1;
	tree = clone_fd(fd);
	if (tree < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	return tree;
}

/* Bind the inode the plan saw at path read-only over itself. */
static int bind_readonly_exact(const char *path, dev_t dev, ino_t ino)
{
	int fd = open_exact(path, dev, ino);
	int tree, r = -1;

	if (fd < 0)
		return -errno;
	tree = clone_fd(fd);
	if (tree >= 0 && sys_set_readonly(tree, "", AT_EMPTY_PATH) == 0)
		r = move_onto_fd(tree, fd);
	if (r < 0)
		r = -errno;
	if (tree >= 0)
		close(tree);
	close(fd);
	return r;
}

/* Bind path read-only over itself (fixed system paths). */
static int bind_readonly(const char *path)
{
	return bind_readonly_exact(path, 0, 0);
}

/* Move a detached mount over path, resolved now (after the mounts it
 * lies under are in place) and checked as open_exact() does. */
static int move_onto_path(int from, const char *path, dev_t dev, ino_t ino)
{
	int to = open_exact(path, dev, ino);
	int r;

	if (to < 0)
		return -1;
	r = move_onto_fd(from, to);
	if (r < 0) {
		int saved = errno;

		close(to);
		errno = saved;
		return -1;
	}
	close(to);
	return 0;
}

static bool under_a_root(const struct plan *plan, const char *path)
{
	for (size_t i = 0; i < plan->roots.len; i++) {
		if (path_is_under(path, plan->roots.items[i]))
			return true;
	}
	return false;
}

static int build_writes(const struct sandbox_spec *spec,
			const struct step_failure *f)
{
	const struct plan *plan = spec->plan;

	for (size_t i = 0; i < plan->roots.len; i++) {
		spec->root_fds[i] = clone_path(plan->roots.items[i]);
		if (spec->root_fds[i] < 0)
			return fail(f, PADDOCK_STEP_MOUNT,
				    plan->roots.items[i]);
	}

	if (sys_set_readonly(AT_FDCWD, "/", 0) < 0)
		return fail(f, PADDOCK_STEP_MOUNT, "/");

	/* Parents first: a nested root's target is resolved through its
	 * parent's clone, already in place. */
	for (size_t i = 0; i < plan->roots.len; i++) {
		if (move_onto_path(spec->root_fds[i], plan->roots.items[i], 0,
				   0) < 0)
			return fail(f, PADDOCK_STEP_MOUNT,
				    plan->roots.items[i]);
		close(spec->root_fds[i]);
		spec->root_fds[i] = -1;
	}

	for (size_t i = 0; i < plan->n_protected; i++) {
		const struct plan_protected *p = &plan->protected[i];
		int r;

		if (!under_a_root(plan, p->path))
			continue;
		r = bind_readonly_exact(p->path, p->dev, p->ino);
		if (r < 0) {
			errno = -r;
			return fail(f, PADDOCK_STEP_MOUNT, p->path);
		}
	}
	return 0;
}

/* A fresh, empty tmpfs whose root has the given mode. */
static int new_tmpfs(const char *mode, unsigned attrs)
{
	int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	int mnt = -1;

	if (fs < 0)
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", mode, 0) ==
		    0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "64k", 0) ==
		    0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
	close(fs);
	return mnt;
}

/*
 * A deny-read directory is covered by an empty read-only tmpfs of mode 000;
 * a file by an empty file of mode 000 taken from a private staging tmpfs.
 * With every capability dropped, not even uid 0 can open either. Returns a
 * detached mount ready to be moved, or -1 with errno set.
 */
static int deny_source(bool is_dir, int *stage)
{
	const unsigned attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			       MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int fd;

	if (is_dir)
		return new_tmpfs("000", attrs);
	if (*stage < 0)
		*stage = new_tmpfs("700", 0);
	if (*stage < 0)
		return -1;
	fd = openat(*stage, "denied", O_CREAT | O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	close(fd);
	fd = sys_open_tree(*stage, "denied",
			   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd >= 0 && sys_set_readonly(fd, "", AT_EMPTY_PATH) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int build_deny(const struct sandbox_spec *spec,
		      const struct step_failure *f)
{
	const struct plan *plan = spec->plan;
	int stage = -1, r = 0;

	for (size_t i = 0; r == 0 && i < plan->n_deny; i++) {
		const char *path = plan->deny[i].path;
		int fd = deny_source(plan->deny[i].is_dir, &stage);

		if (fd < 0 || move_onto_path(fd, path, plan->deny[i].dev,
					     plan->deny[i].ino) < 0)
			r = fail(f, PADDOCK_STEP_MOUNT, path);
		if (fd >= 0)
			close(fd);
	}
	if (stage >= 0)
		close(stage);
	return r;
}

/* Cover each host socket with the same inert file as a deny-read file; a
 * socket that vanished since it was listed needs no cover. */
static int build_sockets(const struct sandbox_spec *spec,
			 const struct step_failure *f)
{
	int stage = -1, r = 0;

	for (size_t i = 0;
	     r == 0 && spec->host_sockets && spec->host_sockets[i]; i++) {
		const char *path = spec->host_sockets[i];
		int fd = deny_source(false, &stage);

		if (fd < 0) {
			r = fail(f, PADDOCK_STEP_MOUNT, path);
			break;
		}
		/* Gone, or out of the caller's reach (and so of the
		 * command's) since it was listed: nothing to cover. */
		if (move_onto_path(fd, path, 0, 0) < 0 && errno != ENOENT &&
		    errno != EACCES && errno != ENOTDIR)
			r = fail(f, PADDOCK_STEP_MOUNT, path);
		close(fd);
	}
	if (stage >= 0)
		close(stage);
	return r;
}

/*
 * /proc files that tune the whole machine. A fresh procfs exposes them with
 * their usual owner, root, and the kernel lets uid 0 write a sysctl on
 * owner rights alone, capabilities or not: so when paddock runs as root they
 * must be covered read-only.
 */
static const char *const proc_covers[] = {
	"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", NULL,
};

static int build_proc(const struct sandbox_spec *spec,
		      const struct step_failure *f)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return fail(f, PADDOCK_STEP_PROC, "/proc");
	/* The kernel refuses a fresh /proc where any part of the current one
	 * is covered, so the covers would stop a nested sandbox. Only uid 0
	 * needs them (to others these files are read-only by permission),
	 * so with nested user namespaces allowed they are kept for root
	 * alone. */
	if (spec->uid != 0 && spec->nested_userns)
		return 0;
	for (size_t i = 0; proc_covers[i]; i++) {
		int r = bind_readonly(proc_covers[i]);

		if (r < 0 && r != -ENOENT) {
			errno = -r;
			return fail(f, PADDOCK_STEP_PROC, proc_covers[i]);
		}
	}
	return 0;
}

/*
 * A private /dev with only the harmless devices, instead of the host's: a
 * root caller would otherwise keep owner rights on disks and consoles. New
 * pseudo-terminals come from a private devpts instance, so the command
 * cannot open the user's other terminals; its own stays reachable through
 * its descriptors and /dev/tty, but ttyname() finds no name for it.
 */
static const char *const dev_nodes[] = {
	"null", "zero", "full", "random", "urandom", "tty", NULL,
};

static const char *const dev_links[][2] = {
	{ "fd", "/proc/self/fd" },	 { "ptmx", "pts/ptmx" },
	{ "stdin", "/proc/self/fd/0" },	 { "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

#define N_DEV_NODES (sizeof(dev_nodes) / sizeof(dev_nodes[0]) - 1)

/* Clone what /dev must keep before the new /dev covers the host's. */
static int clone_dev(int clones[N_DEV_NODES], const struct step_failure *f)
{
	char path[32];

	for (size_t i = 0; i < N_DEV_NODES; i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		clones[i] = clone_path(path);
		if (clones[i] < 0 && errno != ENOENT)
			return fail(f, PADDOCK_STEP_MOUNT, path);
	}
	return 0;
}

static int populate_dev(int dev, int clones[N_DEV_NODES],
			const struct step_failure *f)
{
	char path[32];
	int fd;

	for (size_t i = 0; i < N_DEV_NODES; i++) {
		if (clones[i] < 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		fd = openat(dev, dev_nodes[i], O_CREAT | O_RDONLY | O_CLOEXEC,
			    0);
		if (fd < 0)
			return fail(f, PADDOCK_STEP_MOUNT, path);
		close(fd);
		if (sys_move_mount(clones[i], path) < 0)
			return fail(f, PADDOCK_STEP_MOUNT, path);
	}
	if (mkdirat(dev, "pts", 0755) < 0 ||
	    mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		return fail(f, PADDOCK_STEP_MOUNT, "/dev/pts");
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		if (symlinkat(dev_links[i][1], dev, dev_links[i][0]) < 0)
			return fail(f, PADDOCK_STEP_MOUNT, dev_links[i][0]);
	}
	if (mkdirat(dev, "shm", 01777) < 0 ||
	    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		return fail(f, PADDOCK_STEP_MOUNT, "/dev/shm");
	return 0;
}

static int build_dev(const struct step_failure *f)
{
	int clones[N_DEV_NODES];
	int dev = -1, r;

	for (size_t i = 0; i < N_DEV_NODES; i++)
		clones[i] = -1;
	r = clone_dev(clones, f);
	if (r == 0) {
		int mnt =
			new_tmpfs("755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);

		if (mnt < 0 || sys_move_mount(mnt, "/dev") < 0)
			r = fail(f, PADDOCK_STEP_MOUNT, "/dev");
		if (mnt >= 0)
			close(mnt);
	}
	if (r == 0) {
		dev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
		r = dev < 0 ? fail(f, PADDOCK_STEP_MOUNT, "/dev")
			    : populate_dev(dev, clones, f);
	}
	if (r == 0 && sys_set_readonly_one("/dev") < 0)
		r = fail(f, PADDOCK_STEP_MOUNT, "/dev");
	for (size_t i = 0; i < N_DEV_NODES; i++) {
		if (clones[i] >= 0)
			close(clones[i]);
	}
	if (dev >= 0)
		close(dev);
	return r;
}

int mounts_build(const struct sandbox_spec *spec, enum paddock_step *ret_step,
		 const char **ret_operand)
{
	const struct step_failure f = { ret_step, ret_operand };
	int r;

	errno = 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(&f, PADDOCK_STEP_MOUNT, "/");

	if (spec->plan->confine_writes) {
		r = build_writes(spec, &f);
		if (r == 0)
			r = build_dev(&f);
		if (r < 0)
			return r;
	}

	r = build_deny(spec, &f);
	if (r == 0)
		r = build_sockets(spec, &f);
	if (r < 0)
		return r;

	/* A /proc that shows only the sandbox's own PID namespace; a
	 * session has none: each of its commands mounts its own. */
	return spec->session ? 0 : build_proc(spec, &f);
}

/*
 * A command of a session shares the session's mounts but has its own PID
 * namespace, hence its own /proc; and, as in a cold start, a /dev/shm and
 * pseudo-terminals that no other command sees. The namespace is a private
 * copy of the session's, so these mounts stay the command's.
 */
int mounts_build_command(const struct sandbox_spec *spec,
			 enum paddock_step *ret_step, const char **ret_operand)
{
	const struct step_failure f = { ret_step, ret_operand };
	int r = build_proc(spec, &f);

	if (r < 0 || !spec->plan->confine_writes)
		return r;
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		return fail(&f, PADDOCK_STEP_MOUNT, "/dev/pts");
	if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		return fail(&f, PADDOCK_STEP_MOUNT, "/dev/shm");
	return build_sockets(spec, &f);
}

int mounts_cover_sockets(const struct sandbox_spec *spec,
			 enum paddock_step *ret_step, const char **ret_operand)
{
	const struct step_failure f = { ret_step, ret_operand };

	return build_sockets(spec, &f);
}
