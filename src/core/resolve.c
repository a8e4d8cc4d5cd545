/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitfile.h"
#include "resolve.h"

bool path_is_under(const char *path, const char *parent)
{
	size_t n = strlen(parent);

	if (strcmp(parent, "/") == 0)
		return path[0] == '/';
	return strncmp(path, parent, n) == 0 &&
	       (path[n] == '/' || path[n] == '\0');
}

static char *join(const char *dir, const char *name)
{
	char *out;

	if (asprintf(&out, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name) <
	    0)
		return NULL;
	return out;
}

/* Read at most size - 1 bytes of a small file, NUL-terminated; its
 * length. gitfile.c parses what it holds. */
static int read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, size - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

/* Canonicalise rel (absolute, or relative to base). */
static int canonical_from(const char *base, const char *rel, char **ret)
{
	char *joined = rel[0] == '/' ? strdup(rel) : join(base, rel);
	char *real;

	if (!joined)
		return -ENOMEM;
	real = realpath(joined, NULL);
	free(joined);
	if (!real)
		return -errno;
	*ret = real;
	return 0;
}

int git_pointer_target(const char *file, const char *base, char **ret)
{
	char buf[PATH_MAX + 16];
	char *target;
	int r = read_small_file(file, buf, sizeof(buf));

	if (r < 0)
		return r;
	r = gitfile_parse_pointer(buf, (size_t)r, &target);
	if (r < 0)
		return r;
	r = canonical_from(base, target, ret);
	free(target);
	return r;
}

/* st: what lstat found at path, when the caller has it; NULL otherwise. */
static int add_protected(struct plan *plan, char *path, bool missing,
			 bool git_target, const struct stat *st)
{
	struct plan_protected *items;
	struct stat own;

	if (!path)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_protected; i++) {
		if (strcmp(plan->protected[i].path, path) == 0) {
			free(path);
			return 0;
		}
	}
	items = realloc(plan->protected,
			(plan->n_protected + 1) * sizeof(*items));
	if (!items) {
		free(path);
		return -ENOMEM;
	}
	items[plan->n_protected] = (struct plan_protected){
		.path = path, .missing = missing, .git_target = git_target
	};
	if (!missing && !st && lstat(path, &own) == 0)
		st = &own;
	if (!missing && st) {
		items[plan->n_protected].dev = st->st_dev;
		items[plan->n_protected].ino = st->st_ino;
	}
	plan->n_protected++;
	plan->protected = items;
	return 0;
}

/*
 * Whether a path that does not exist could be created by the command: the
 * deepest part of it that exists, made canonical, lies in a writable root.
 * What follows that part is not resolved, so a ".." in it only makes the
 * answer err towards yes.
 */
static bool creatable_in_roots(const struct plan *plan, const char *path)
{
	char *copy = strdup(path), *slash, *real = NULL;
	bool under = false;

	if (!copy)
		return true;
	while (!real && (slash = strrchr(copy, '/')) && slash != copy) {
		*slash = '\0';
		real = realpath(copy, NULL);
		if (!real && errno != ENOENT && errno != ENOTDIR)
			break;
	}
	for (size_t i = 0; real && i < plan->roots.len; i++)
		under = under || path_is_under(real, plan->roots.items[i]);
	free(real);
	free(copy);
	return under;
}

/* A git directory named by a pointer (base + target, as git joins them)
 * does not exist: harmless when nothing can create it, a way out of the
 * sandbox when the command can, since git, run later by the user, would
 * take hooks and config from what the command put there. */
static int missing_git_dir(const struct paddock_policy *policy,
			   const struct plan *plan, const char *base,
			   const char *target, const char *file,
			   struct paddock_error *err)
{
	char *joined = target[0] == '/' ? strdup(target) : join(base, target);
	bool creatable = !joined || creatable_in_roots(plan, joined);

	free(joined);
	if (creatable)
		return error_set(
			err, PADDOCK_STEP_PROTECTED_NAME, ENOENT, file,
			"this .git file leads to a git directory that does not exist where the command could create it, and git would then use what the command put there");
	log_msg(policy, PADDOCK_LOG_WARNING,
		"%s leads to a git directory that does not exist (and cannot be created inside); protecting the file only",
		file);
	return 0;
}

/* The canonical git directory that text names from base into *ret; 0 with
 * *ret NULL when it does not exist and cannot be created inside. */
static int git_dir_from(const struct paddock_policy *policy,
			const struct plan *plan, const char *base,
			const char *text, const char *file, char **ret,
			struct paddock_error *err)
{
	int r = canonical_from(base, text, ret);

	if (r == -ENOENT || r == -ENOTDIR) {
		*ret = NULL;
		return missing_git_dir(policy, plan, base, text, file, err);
	}
	if (r < 0 && r != -ENOMEM) {
		/* Out of the caller's reach, so of the command's too. */
		*ret = NULL;
		log_msg(policy, PADDOCK_LOG_WARNING,
			"%s leads to a git directory paddock cannot resolve (%s); protecting the file only",
			file, strerror(-r));
		return 0;
	}
	return r;
}

/*
 * A .git file is a pointer to the real git directory (worktrees and
 * submodules). That directory, and the common directory a worktree's git
 * directory names in its "commondir" file, hold the hooks and the config,
 * so they are protected too.
 */
static int protect_git_pointer(const struct paddock_policy *policy,
			       struct plan *plan, const char *root,
			       const char *file, struct paddock_error *err)
{
	char buf[PATH_MAX + 16];
	char *text = NULL, *gitdir = NULL, *common_file, *common = NULL;
	int n = read_small_file(file, buf, sizeof(buf));
	int r = n < 0 ? n : gitfile_parse_pointer(buf, (size_t)n, &text);

	if (r < 0) {
		/* Not a pointer git would follow either. */
		log_msg(policy, PADDOCK_LOG_WARNING,
			"%s is not a usable gitdir pointer; protecting the file only",
			file);
		return 0;
	}
	r = git_dir_from(policy, plan, root, text, file, &gitdir, err);
	free(text);
	if (r < 0 || !gitdir)
		return r;
	common_file = join(gitdir, "commondir");
	if (!common_file) {
		free(gitdir);
		return -ENOMEM;
	}
	text = NULL;
	n = read_small_file(common_file, buf, sizeof(buf));
	free(common_file);
	r = 0;
	if (n > 0 && gitfile_parse_commondir(buf, (size_t)n, &text) == 0)
		r = git_dir_from(policy, plan, gitdir, text, file, &common,
				 err);
	free(text);
	if (r < 0) {
		free(gitdir);
		return r;
	}
	r = add_protected(plan, gitdir, false, true, NULL);
	if (r < 0 || !common) {
		free(common);
		return r;
	}
	return add_protected(plan, common, false, true, NULL);
}

static int protect_names_in_root(const struct paddock_policy *policy,
				 struct plan *plan, const char *root,
				 struct paddock_error *err)
{
	for (size_t i = 0; i < policy->protected_names.len; i++) {
		const char *name = policy->protected_names.items[i];
		char *path = join(root, name);
		struct stat st;
		int r;

		if (!path)
			return -ENOMEM;
		if (lstat(path, &st) < 0) {
			if (errno != ENOENT) {
				r = error_set(err, PADDOCK_STEP_PROTECTED_NAME,
					      errno, path, NULL);
				free(path);
				return r;
			}
			r = add_protected(plan, path, true, false, NULL);
		} else if (S_ISLNK(st.st_mode)) {
			r = error_set(
				err, PADDOCK_STEP_PROTECTED_NAME, ELOOP, path,
				"a protected name is a symbolic link, which paddock cannot keep read-only");
			free(path);
			return r;
		} else if (S_ISREG(st.st_mode) && strcmp(name, ".git") == 0) {
			r = protect_git_pointer(policy, plan, root, path, err);
			if (r >= 0)
				r = add_protected(plan, path, false, false,
						  &st);
			else
				free(path);
		} else {
			r = add_protected(plan, path, false, false, &st);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_root(struct plan *plan, const char *given,
		    enum paddock_step step, struct paddock_error *err)
{
	char *real = realpath(given, NULL);

	if (!real)
		return error_set(err, step, errno, given, NULL);
	if (strv_contains(&plan->roots, real)) {
		free(real);
		return 0;
	}
	return strv_push_owned(&plan->roots, real);
}

/* $TMPDIR is optional: a missing one is skipped, not an error. */
static int add_tmp_roots(const struct paddock_policy *policy, struct plan *plan,
			 struct paddock_error *err)
{
	const char *tmpdir = getenv("TMPDIR");
	struct stat st;
	int r;

	if (stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode)) {
		r = add_root(plan, "/tmp", PADDOCK_STEP_WRITABLE_ROOT, err);
		if (r < 0)
			return r;
	}
	if (!tmpdir || tmpdir[0] != '/')
		return 0;
	if (stat(tmpdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_msg(policy, PADDOCK_LOG_INFO,
			"TMPDIR %s is not a directory; not made writable",
			tmpdir);
		return 0;
	}
	return add_root(plan, tmpdir, PADDOCK_STEP_WRITABLE_ROOT, err);
}

static int compare_length(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return (la > lb) - (la < lb);
}

static int resolve_roots(const struct paddock_policy *policy, struct plan *plan,
			 struct paddock_error *err)
{
	int r;

	if (policy->mode != PADDOCK_MODE_WORKSPACE_WRITE)
		return 0;
	r = strv_push(&plan->roots, plan->workspace);
	for (size_t i = 0; r >= 0 && i < policy->writable_roots.len; i++)
		r = add_root(plan, policy->writable_roots.items[i],
			     PADDOCK_STEP_WRITABLE_ROOT, err);
	if (r >= 0 && policy->tmp_writable)
		r = add_tmp_roots(policy, plan, err);
	if (r < 0)
		return r;
	if (plan->roots.len > 1)
		qsort(plan->roots.items, plan->roots.len, sizeof(char *),
		      compare_length);
	return 0;
}

static int resolve_deny(const struct paddock_policy *policy, struct plan *plan,
			struct paddock_error *err)
{
	for (size_t i = 0; i < policy->deny_read.len; i++) {
		const char *given = policy->deny_read.items[i];
		char *real = realpath(given, NULL);
		struct plan_deny *items;
		struct stat st;

		if (!real && errno == ENOENT) {
			log_msg(policy, PADDOCK_LOG_INFO,
				"deny-read %s does not exist; nothing to hide",
				given);
			continue;
		}
		if (!real || stat(real, &st) < 0) {
			free(real);
			return error_set(err, PADDOCK_STEP_DENY_READ, errno,
					 given, NULL);
		}
		items = realloc(plan->deny,
				(plan->n_deny + 1) * sizeof(*items));
		if (!items) {
			free(real);
			return -ENOMEM;
		}
		items[plan->n_deny++] = (struct plan_deny){
			.path = real,
			.is_dir = S_ISDIR(st.st_mode),
			.dev = st.st_dev,
			.ino = st.st_ino,
		};
		plan->deny = items;
	}
	return 0;
}

/* A socket the user allows must exist: a typo would otherwise leave the
 * socket blocked without a word. */
static int resolve_sockets(const struct paddock_policy *policy,
			   struct plan *plan, struct paddock_error *err)
{
	for (size_t i = 0; i < policy->allowed_sockets.len; i++) {
		const char *given = policy->allowed_sockets.items[i];
		char *real = realpath(given, NULL);
		int r;

		if (!real)
			return error_set(
				err, PADDOCK_STEP_POLICY, errno, given,
				"cannot resolve the Unix socket to allow");
		r = strv_push_owned(&plan->allowed_sockets, real);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Refuse contradictions instead of letting one mount silently hide another:
 * a writable root inside a protected path, or a deny-read path that would
 * cover a writable root or the working directory. A root of "/" is refused
 * too: the sandbox's processes keep the old root directory, so a mount over
 * "/" would not be seen and the workspace would silently stay read-only.
 */
static int check_conflicts(const struct plan *plan, struct paddock_error *err)
{
	for (size_t i = 0; i < plan->roots.len; i++) {
		const char *root = plan->roots.items[i];

		/* A writable "/" would be full access under another name. */
		if (strcmp(root, "/") == 0)
			return error_set(
				err, PADDOCK_STEP_WRITABLE_ROOT, EINVAL, root,
				"the whole file system cannot be a writable root; use --sandbox full-access");

		for (size_t j = 0; j < plan->n_protected; j++) {
			if (path_is_under(root, plan->protected[j].path))
				return error_set(
					err, PADDOCK_STEP_WRITABLE_ROOT, EINVAL,
					root,
					"a writable root lies inside a protected path");
		}
	}
	for (size_t j = 0; j < plan->n_deny; j++) {
		const char *deny = plan->deny[j].path;

		if (path_is_under(plan->workspace, deny))
			return error_set(
				err, PADDOCK_STEP_DENY_READ, EINVAL, deny,
				"a deny-read path contains the workspace");
		for (size_t i = 0; i < plan->roots.len; i++) {
			if (path_is_under(plan->roots.items[i], deny))
				return error_set(
					err, PADDOCK_STEP_DENY_READ, EINVAL,
					deny,
					"a deny-read path contains a writable root");
		}
	}
	return 0;
}

static int resolve_workspace(const struct paddock_policy *policy,
			     struct plan *plan, struct paddock_error *err)
{
	const char *given = policy->workspace ? policy->workspace : ".";
	struct stat st;

	plan->workspace = realpath(given, NULL);
	if (!plan->workspace)
		return error_set(err, PADDOCK_STEP_WORKSPACE, errno, given,
				 NULL);
	if (stat(plan->workspace, &st) < 0)
		return error_set(err, PADDOCK_STEP_WORKSPACE, errno, given,
				 NULL);
	if (!S_ISDIR(st.st_mode))
		return error_set(err, PADDOCK_STEP_WORKSPACE, ENOTDIR, given,
				 NULL);
	return 0;
}

int plan_resolve(const struct paddock_policy *policy, struct plan *ret,
		 struct paddock_error *err)
{
	struct plan plan = { 0 };
	int r;

	plan.confine_writes = policy->mode != PADDOCK_MODE_FULL_ACCESS;
	if (policy->mode == PADDOCK_MODE_READ_ONLY &&
	    policy->writable_roots.len)
		return error_set(
			err, PADDOCK_STEP_POLICY, EINVAL,
			policy->writable_roots.items[0],
			"a writable root cannot be combined with read-only mode");
	r = resolve_workspace(policy, &plan, err);
	if (r >= 0)
		r = resolve_roots(policy, &plan, err);
	for (size_t i = 0; r >= 0 && i < plan.roots.len; i++) {
		struct stat st;

		if (stat(plan.roots.items[i], &st) == 0 && S_ISDIR(st.st_mode))
			r = protect_names_in_root(policy, &plan,
						  plan.roots.items[i], err);
	}
	if (r >= 0)
		r = resolve_deny(policy, &plan, err);
	if (r >= 0)
		r = resolve_sockets(policy, &plan, err);
	if (r >= 0)
		r = check_conflicts(&plan, err);
	if (r < 0) {
		plan_free(&plan);
		return r;
	}
	*ret = plan;
	return 0;
}

void plan_free(struct plan *plan)
{
	free(plan->workspace);
	strv_clear(&plan->roots);
	for (size_t i = 0; i < plan->n_protected; i++)
		free(plan->protected[i].path);
	free(plan->protected);
	for (size_t i = 0; i < plan->n_deny; i++)
		free(plan->deny[i].path);
	free(plan->deny);
	strv_clear(&plan->allowed_sockets);
	*plan = (struct plan){ 0 };
}
