/* SPDX-License-Identifier: MIT */
/*
 * Placeholders for missing protected names.
 *
 * A bind mount needs something to cover, so a protected name that does not
 * exist yet (a workspace with no .git) is reserved by a placeholder, which
 * the sandbox then binds read-only over itself: the command can neither
 * create the name nor remove the placeholder (it is a mount point). The
 * placeholder is removed when the run ends.
 *
 * The placeholder is a Unix socket node of mode 000 made with mknod, bound
 * to no socket. Nobody can open it (ENXIO, root included), connect() to it
 * is refused, git ignores it (and, as for an unreadable directory, goes on
 * looking for a repository in the parent directories), and it takes an
 * inode but no data block. An empty directory, which paddock used before,
 * takes a block on most disk file systems, and on ext4 mounted with
 * "discard" freeing it waits for the device: 16 of them made up a third
 * of a start. A regular file would be as cheap, but git stops with an
 * error at a ".git" file it cannot read.
 *
 * Several runs may share a writable root (two agents in one workspace, and
 * every run shares /tmp). Each run holds a shared flock on the root's
 * directory for its whole life; at the end a run removes placeholders only
 * if it can take the lock exclusively, that is when no other run still
 * relies on them. A placeholder is unlinked only while it is still the
 * node this run made or adopted (see remove_placeholder), so a name the
 * user created meanwhile is kept.
 *
 * When paddock is killed with SIGKILL, its supervisor still holds the same
 * open file descriptions, hence the shared locks: it kills the tree, detaches
 * the placeholders' mounts in its namespace and removes them itself. Should
 * that fail too, the next run on the root recognises the leftovers (socket
 * nodes or empty directories of mode 000, owned by the caller) and removes
 * them when it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "linux.h"

#define LOCK_WAIT_MS 3000

/* What a placeholder to remove was when this run made or adopted it. */
struct placeholder_id {
	dev_t dev;
	ino_t ino;
	bool dir; /* an empty directory left by an earlier paddock */
};

struct reserved_root {
	int fd; /* the root's directory, flock'ed shared */
	char *path; /* its canonical path */
	struct strv names; /* placeholders to remove at the end */
	struct placeholder_id *ids; /* one per name */
};

struct placeholders {
	struct reserved_root *roots;
	size_t n;
};

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Wait a bounded time for a shared lock: a run that is removing its
 * placeholders holds the exclusive lock only for a few system calls. */
static int lock_shared(int fd)
{
	for (long waited = 0; waited < LOCK_WAIT_MS; waited += 5) {
		if (flock(fd, LOCK_SH | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		sleep_ms(5);
	}
	return -EBUSY;
}

static struct reserved_root *root_for(struct placeholders *ph, const char *dir,
				      int *ret_err)
{
	struct reserved_root *roots;
	struct stat st;
	int fd, r;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		*ret_err = -errno;
		return NULL;
	}
	for (size_t i = 0; i < ph->n; i++) {
		struct stat other;

		if (fstat(fd, &st) == 0 &&
		    fstat(ph->roots[i].fd, &other) == 0 &&
		    st.st_dev == other.st_dev && st.st_ino == other.st_ino) {
			close(fd);
			return &ph->roots[i];
		}
	}
	r = lock_shared(fd);
	roots = r < 0 ? NULL : realloc(ph->roots, (ph->n + 1) * sizeof(*roots));
	if (!roots) {
		close(fd);
		*ret_err = r < 0 ? r : -ENOMEM;
		return NULL;
	}
	ph->roots = roots;
	roots[ph->n] = (struct reserved_root){ .fd = fd, .path = strdup(dir) };
	if (!roots[ph->n].path) {
		close(fd);
		*ret_err = -ENOMEM;
		return NULL;
	}
	return &roots[ph->n++];
}

/* A placeholder of ours: a socket node of mode 000 owned by us, or, from a
 * paddock before the socket nodes, an empty-looking directory of mode 000
 * (rmdir will refuse it if it is not in fact empty). */
static bool is_placeholder(const struct stat *st)
{
	return (S_ISSOCK(st->st_mode) || S_ISDIR(st->st_mode)) &&
	       (st->st_mode & 07777) == 0 && st->st_uid == geteuid();
}

/* Remember a placeholder to remove at the end. */
static int keep(struct reserved_root *root, const char *name,
		const struct stat *st)
{
	struct placeholder_id *ids =
		realloc(root->ids, (root->names.len + 1) * sizeof(*ids));

	if (!ids)
		return -ENOMEM;
	root->ids = ids;
	ids[root->names.len] = (struct placeholder_id){
		.dev = st->st_dev,
		.ino = st->st_ino,
		.dir = S_ISDIR(st->st_mode),
	};
	return strv_push(&root->names, name);
}

/* Take over a placeholder another run made (one still running, or one
 * killed before it could clean up), so that whichever run ends last
 * removes it. */
static int adopt(struct reserved_root *root, const char *name,
		 const struct stat *st)
{
	/* Created by someone else since the policy was resolved: a symbolic
	 * link cannot be kept read-only, so refuse. */
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	if (is_placeholder(st) && !strv_contains(&root->names, name))
		return keep(root, name, st);
	return 0;
}

/* Reserve name (or take what is there) and report its identity, which the
 * sandbox checks again before it covers the name. */
static int reserve(struct reserved_root *root, const char *name,
		   struct stat *ret_st)
{
	for (int tries = 0; tries < 3; tries++) {
		bool created = mknodat(root->fd, name, S_IFSOCK, 0) == 0;

		if (!created && errno != EEXIST)
			return -errno;
		if (fstatat(root->fd, name, ret_st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* removed meanwhile: again */
			return -errno;
		}
		if (created)
			return keep(root, name, ret_st);
		return adopt(root, name, ret_st);
	}
	return -EAGAIN;
}

/* Protected names directly inside a writable root are reserved or adopted;
 * git directories reached through pointer files are not placeholders. */
static int reserve_one(const struct plan *plan, struct placeholders *ph,
		       struct plan_protected *p)
{
	const char *slash = strrchr(p->path, '/');
	char *dir = strndup(p->path, (size_t)(slash - p->path));
	struct reserved_root *root;
	struct stat st;
	int r = 0;

	if (!dir)
		return -ENOMEM;
	if (p->git_target || !strv_contains(&plan->roots, *dir ? dir : "/")) {
		free(dir);
		return 0;
	}
	root = root_for(ph, *dir ? dir : "/", &r);
	free(dir);
	if (!root)
		return r;
	/* Reserve even a name that existed at resolution: another run may
	 * have removed its placeholder before we held the lock. From here on
	 * none can, since removing needs the lock exclusively. */
	r = reserve(root, slash + 1, &st);
	if (r == 0) {
		p->dev = st.st_dev;
		p->ino = st.st_ino;
	}
	return r;
}

int placeholders_acquire(struct plan *plan, struct placeholders **ret,
			 struct paddock_error *err)
{
	struct placeholders *ph = calloc(1, sizeof(*ph));
	int r = 0;

	if (!ph)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_protected; i++) {
		r = reserve_one(plan, ph, &plan->protected[i]);
		if (r < 0) {
			error_set(
				err, PADDOCK_STEP_PLACEHOLDER, -r,
				plan->protected[i].path,
				r == -EBUSY
					? "another process holds a lock on this writable root"
					: NULL);
			placeholders_release(ph);
			return r;
		}
	}
	*ret = ph;
	return 0;
}

/*
 * Remove one placeholder. rmdir never takes more than an empty directory,
 * but unlink takes any file: so a socket node goes only if it is still the
 * very one this run made or adopted. A host process that replaced it in
 * the instant between the check and the unlink would lose its own file;
 * the command cannot, since the sandbox is gone by now, other sandboxes
 * on this root would hold the lock, and the namespace-free mode cannot
 * create or remove names at the top of a root.
 */
static void remove_placeholder(int dir_fd, const char *name,
			       const struct placeholder_id *id)
{
	struct stat st;

	if (id->dir) {
		unlinkat(dir_fd, name, AT_REMOVEDIR);
		return;
	}
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == id->dev && st.st_ino == id->ino && is_placeholder(&st))
		unlinkat(dir_fd, name, 0);
}

static void release(struct placeholders *ph, bool inside)
{
	if (!ph)
		return;
	for (size_t i = 0; i < ph->n; i++) {
		struct reserved_root *root = &ph->roots[i];

		if (flock(root->fd, LOCK_EX | LOCK_NB) == 0) {
			for (size_t j = 0; j < root->names.len; j++) {
				const char *name = root->names.items[j];
				char path[PATH_MAX];

				/* Inside the sandbox the placeholder is still
				 * a mount point, which unlink refuses. */
				if (inside &&
				    snprintf(path, sizeof(path), "%s/%s",
					     root->path,
					     name) < (int)sizeof(path))
					umount2(path, MNT_DETACH);
				remove_placeholder(root->fd, name,
						   &root->ids[j]);
			}
		}
		close(root->fd);
		free(root->path);
		strv_clear(&root->names);
		free(root->ids);
	}
	free(ph->roots);
	free(ph);
}

void placeholders_release(struct placeholders *ph)
{
	release(ph, false);
}

void placeholders_release_inside(struct placeholders *ph)
{
	release(ph, true);
}
