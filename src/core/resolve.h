/* SPDX-License-Identifier: MIT */
/*
 * Policy resolution: turn a policy into the concrete, canonical paths a
 * backend enforces. It reads the file system (realpath, lstat, gitdir
 * pointer files) but changes nothing.
 */
#ifndef PADDOCK_CORE_RESOLVE_H
#define PADDOCK_CORE_RESOLVE_H

#include <sys/types.h>

#include "internal.h"

struct plan_protected {
	char *path; /* absolute, canonical parent + name */
	bool missing; /* does not exist yet: must not become creatable */
	bool git_target; /* a git directory reached through a gitdir: file */
	dev_t dev; /* the identity seen at resolution (ino 0: none), */
	ino_t ino; /* checked again where the path is used */
};

struct plan_deny {
	char *path;
	bool is_dir;
	dev_t dev;
	ino_t ino;
};

struct plan {
	bool confine_writes; /* false in full-access mode */
	char *workspace; /* canonical; also the working directory */
	struct strv roots; /* writable roots, parents before children */
	struct plan_protected *protected;
	size_t n_protected;
	struct plan_deny *deny;
	size_t n_deny;
	struct strv allowed_sockets; /* canonical */
};

int plan_resolve(const struct paddock_policy *policy, struct plan *ret,
		 struct paddock_error *err);
void plan_free(struct plan *plan);

/* Whether path is parent or lies below it (both canonical). */
bool path_is_under(const char *path, const char *parent);

/* Read a "gitdir: PATH" pointer file held in dirfd/name and return the
 * canonical directory it points to, relative paths being taken from base.
 * -EINVAL when the file is not a pointer file. */
int git_pointer_target(const char *file, const char *base, char **ret);

#endif
