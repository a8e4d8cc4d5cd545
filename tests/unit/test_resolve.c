/* SPDX-License-Identifier: MIT */
/* Unit tests for policy resolution, on real temporary trees. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/resolve.h"

/*
 * Every test gets a canonical temporary directory (the "tree") holding an
 * empty directory "ws", and a policy whose workspace is tree/ws, with the
 * temporary directories not writable and TMPDIR unset, so that the plan
 * holds nothing but what the test builds.
 */
struct fixture {
	paddock_policy *p;
	struct plan plan;
	struct paddock_error err;
	char *old_tmpdir;
	char cwd[PATH_MAX];
	char tree[PATH_MAX];
	char *paths[64]; /* made by at(), freed by teardown() */
	size_t n_paths;
};

static const char *at(struct fixture *f, const char *rel)
{
	char *path;

	assert_true(f->n_paths < sizeof(f->paths) / sizeof(f->paths[0]));
	assert_true(asprintf(&path, "%s/%s", f->tree, rel) > 0);
	f->paths[f->n_paths++] = path;
	return path;
}

static void make_dir(struct fixture *f, const char *rel)
{
	assert_int_equal(mkdir(at(f, rel), 0755), 0);
}

static void make_file(struct fixture *f, const char *rel, const char *text)
{
	int fd = open(at(f, rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		      0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static void make_link(struct fixture *f, const char *target, const char *rel)
{
	assert_int_equal(symlink(target, at(f, rel)), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char tmpl[] = "/tmp/paddock-resolve-XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	char *real;

	if (!f || !getcwd(f->cwd, sizeof(f->cwd)) || !mkdtemp(tmpl))
		return -1;
	real = realpath(tmpl, NULL);
	if (!real || strlen(real) >= sizeof(f->tree))
		return -1;
	strcpy(f->tree, real);
	free(real);
	f->old_tmpdir = tmpdir ? strdup(tmpdir) : NULL;
	unsetenv("TMPDIR");
	if (paddock_policy_new(&f->p) < 0)
		return -1;
	paddock_policy_set_tmp_writable(f->p, false);
	make_dir(f, "ws");
	if (paddock_policy_set_workspace(f->p, at(f, "ws")) < 0)
		return -1;
	*state = f;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (chdir(f->cwd) < 0)
		return -1;
	if (f->old_tmpdir)
		setenv("TMPDIR", f->old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	nftw(f->tree, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	plan_free(&f->plan);
	paddock_policy_free(f->p);
	for (size_t i = 0; i < f->n_paths; i++)
		free(f->paths[i]);
	free(f->old_tmpdir);
	free(f);
	return 0;
}

static int resolve(struct fixture *f)
{
	plan_free(&f->plan);
	return plan_resolve(f->p, &f->plan, &f->err);
}

static const struct plan_protected *find_protected(const struct fixture *f,
						   const char *path)
{
	for (size_t i = 0; i < f->plan.n_protected; i++) {
		if (strcmp(f->plan.protected[i].path, path) == 0)
			return &f->plan.protected[i];
	}
	return NULL;
}

static size_t count_git_targets(const struct fixture *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->plan.n_protected; i++)
		n += f->plan.protected[i].git_target;
	return n;
}

static size_t n_default_names(void)
{
	size_t n = 0;

	while (policy_default_protected_names[n])
		n++;
	return n;
}

static void assert_error(const struct fixture *f, enum paddock_step step,
			 int code, const char *operand)
{
	assert_int_equal(f->err.step, step);
	assert_int_equal(f->err.code, code);
	assert_string_equal(f->err.operand, operand);
}

static void workspace_is_the_only_root_by_default(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(resolve(f), 0);
	assert_true(f->plan.confine_writes);
	assert_string_equal(f->plan.workspace, at(f, "ws"));
	assert_int_equal(f->plan.roots.len, 1);
	assert_string_equal(f->plan.roots.items[0], at(f, "ws"));
	assert_int_equal(f->plan.n_deny, 0);
}

static void workspace_through_symlink_is_canonical(void **state)
{
	struct fixture *f = *state;

	make_link(f, "ws", "link");
	assert_int_equal(paddock_policy_set_workspace(f->p, at(f, "link/")), 0);
	assert_int_equal(resolve(f), 0);
	assert_string_equal(f->plan.workspace, at(f, "ws"));
	assert_string_equal(f->plan.roots.items[0], at(f, "ws"));
	assert_non_null(find_protected(f, at(f, "ws/.git")));
}

static void relative_workspace_is_taken_from_cwd(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "ws/sub");
	assert_int_equal(chdir(at(f, "ws")), 0);
	assert_int_equal(paddock_policy_set_workspace(f->p, "./sub/../sub"), 0);
	assert_int_equal(resolve(f), 0);
	assert_string_equal(f->plan.workspace, at(f, "ws/sub"));
}

static void unset_workspace_is_cwd(void **state)
{
	struct fixture *f = *state;
	paddock_policy *p;

	assert_int_equal(paddock_policy_new(&p), 0);
	paddock_policy_free(f->p);
	f->p = p;
	paddock_policy_set_tmp_writable(p, false);
	assert_int_equal(chdir(at(f, "ws")), 0);
	assert_int_equal(resolve(f), 0);
	assert_string_equal(f->plan.workspace, at(f, "ws"));
}

static void missing_workspace_is_enoent(void **state)
{
	struct fixture *f = *state;
	const char *ws = at(f, "absent");

	assert_int_equal(paddock_policy_set_workspace(f->p, ws), 0);
	assert_int_equal(resolve(f), -ENOENT);
	assert_error(f, PADDOCK_STEP_WORKSPACE, ENOENT, ws);
	assert_null(f->plan.workspace);
}

static void file_workspace_is_enotdir(void **state)
{
	struct fixture *f = *state;
	const char *ws = at(f, "file");

	make_file(f, "file", "x");
	assert_int_equal(paddock_policy_set_workspace(f->p, ws), 0);
	assert_int_equal(resolve(f), -ENOTDIR);
	assert_error(f, PADDOCK_STEP_WORKSPACE, ENOTDIR, ws);
}

static void roots_are_sorted_parents_first(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "ws/deep");
	make_dir(f, "ws/deep/er");
	assert_int_equal(
		paddock_policy_add_writable_root(f->p, at(f, "ws/deep/er")), 0);
	assert_int_equal(paddock_policy_add_writable_root(f->p, f->tree), 0);
	assert_int_equal(
		paddock_policy_add_writable_root(f->p, at(f, "ws/deep")), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.roots.len, 4);
	assert_string_equal(f->plan.roots.items[0], f->tree);
	assert_string_equal(f->plan.roots.items[1], at(f, "ws"));
	assert_string_equal(f->plan.roots.items[2], at(f, "ws/deep"));
	assert_string_equal(f->plan.roots.items[3], at(f, "ws/deep/er"));
}

static void duplicate_roots_are_removed(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "other");
	make_link(f, "other", "other-link");
	make_link(f, "ws", "ws-link");
	paddock_policy_add_writable_root(f->p, at(f, "ws"));
	paddock_policy_add_writable_root(f->p, at(f, "ws-link"));
	paddock_policy_add_writable_root(f->p, at(f, "other"));
	paddock_policy_add_writable_root(f->p, at(f, "other/"));
	paddock_policy_add_writable_root(f->p, at(f, "other-link"));
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.roots.len, 2);
	assert_string_equal(f->plan.roots.items[0], at(f, "ws"));
	assert_string_equal(f->plan.roots.items[1], at(f, "other"));
}

static void missing_writable_root_is_enoent(void **state)
{
	struct fixture *f = *state;
	const char *root = at(f, "absent");

	paddock_policy_add_writable_root(f->p, root);
	assert_int_equal(resolve(f), -ENOENT);
	assert_error(f, PADDOCK_STEP_WRITABLE_ROOT, ENOENT, root);
}

static void read_only_has_no_roots(void **state)
{
	struct fixture *f = *state;

	paddock_policy_set_mode(f->p, PADDOCK_MODE_READ_ONLY);
	paddock_policy_set_tmp_writable(f->p, true);
	assert_int_equal(resolve(f), 0);
	assert_true(f->plan.confine_writes);
	assert_string_equal(f->plan.workspace, at(f, "ws"));
	assert_int_equal(f->plan.roots.len, 0);
	assert_int_equal(f->plan.n_protected, 0);
}

static void read_only_refuses_writable_root(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "extra");
	paddock_policy_set_mode(f->p, PADDOCK_MODE_READ_ONLY);
	paddock_policy_add_writable_root(f->p, at(f, "extra"));
	assert_int_equal(resolve(f), -EINVAL);
	assert_error(f, PADDOCK_STEP_POLICY, EINVAL, at(f, "extra"));
	assert_non_null(f->err.message);
}

static void full_access_does_not_confine_writes(void **state)
{
	struct fixture *f = *state;

	paddock_policy_set_mode(f->p, PADDOCK_MODE_FULL_ACCESS);
	assert_int_equal(resolve(f), 0);
	assert_false(f->plan.confine_writes);
	assert_string_equal(f->plan.workspace, at(f, "ws"));
	assert_int_equal(f->plan.roots.len, 0);
}

static void tmp_is_a_root_when_enabled(void **state)
{
	struct fixture *f = *state;
	char *tmp = realpath("/tmp", NULL);

	assert_non_null(tmp);
	paddock_policy_set_tmp_writable(f->p, true);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.roots.len, 2);
	assert_true(strv_contains(&f->plan.roots, tmp));
	assert_true(strv_contains(&f->plan.roots, at(f, "ws")));
	free(tmp);
}

static void tmpdir_is_a_root_when_enabled(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "tmpdir");
	make_link(f, "tmpdir", "tmpdir-link");
	assert_int_equal(setenv("TMPDIR", at(f, "tmpdir-link"), 1), 0);
	paddock_policy_set_tmp_writable(f->p, true);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.roots.len, 3);
	assert_true(strv_contains(&f->plan.roots, at(f, "tmpdir")));
}

static void tmpdir_missing_or_relative_is_skipped(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "ws/rel");
	paddock_policy_set_tmp_writable(f->p, true);
	assert_int_equal(setenv("TMPDIR", at(f, "absent"), 1), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.roots.len, 2);
	assert_int_equal(chdir(at(f, "ws")), 0);
	assert_int_equal(setenv("TMPDIR", "rel", 1), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.roots.len, 2);
	assert_false(strv_contains(&f->plan.roots, at(f, "ws/rel")));
}

static void tmpdir_ignored_when_tmp_disabled(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "tmpdir");
	assert_int_equal(setenv("TMPDIR", at(f, "tmpdir"), 1), 0);
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.roots.len, 1);
	assert_string_equal(f->plan.roots.items[0], at(f, "ws"));
}

static void missing_protected_names_are_marked_missing(void **state)
{
	struct fixture *f = *state;
	const struct plan_protected *pr;

	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.n_protected, n_default_names());
	pr = find_protected(f, at(f, "ws/.agents"));
	assert_non_null(pr);
	assert_true(pr->missing);
	assert_false(pr->git_target);
	assert_non_null(find_protected(f, at(f, "ws/.git")));
	assert_non_null(find_protected(f, at(f, "ws/.paddock")));
}

static void existing_protected_dir_is_not_missing(void **state)
{
	struct fixture *f = *state;
	const struct plan_protected *pr;

	make_dir(f, "ws/.git");
	make_file(f, "ws/.paddock", "");
	assert_int_equal(resolve(f), 0);
	pr = find_protected(f, at(f, "ws/.git"));
	assert_non_null(pr);
	assert_false(pr->missing);
	assert_false(pr->git_target);
	pr = find_protected(f, at(f, "ws/.paddock"));
	assert_non_null(pr);
	assert_false(pr->missing);
	assert_true(find_protected(f, at(f, "ws/.agents"))->missing);
}

static void protected_names_apply_to_every_root(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "extra");
	paddock_policy_add_writable_root(f->p, at(f, "extra"));
	paddock_policy_add_protected_name(f->p, ".hg");
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.n_protected, 2 * (n_default_names() + 1));
	assert_non_null(find_protected(f, at(f, "ws/.hg")));
	assert_non_null(find_protected(f, at(f, "extra/.hg")));
	assert_non_null(find_protected(f, at(f, "extra/.git")));
}

static void protected_name_symlink_is_eloop(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "elsewhere");
	make_link(f, "../elsewhere", "ws/.agents");
	assert_int_equal(resolve(f), -ELOOP);
	assert_error(f, PADDOCK_STEP_PROTECTED_NAME, ELOOP,
		     at(f, "ws/.agents"));
	assert_non_null(f->err.message);
}

static void dangling_protected_name_symlink_is_eloop(void **state)
{
	struct fixture *f = *state;

	make_link(f, "../nowhere", "ws/.git");
	assert_int_equal(resolve(f), -ELOOP);
	assert_error(f, PADDOCK_STEP_PROTECTED_NAME, ELOOP, at(f, "ws/.git"));
}

static void git_pointer_relative_protects_file_and_target(void **state)
{
	struct fixture *f = *state;
	const struct plan_protected *file, *target;

	make_dir(f, "real.git");
	make_file(f, "ws/.git", "gitdir: ../real.git\n");
	assert_int_equal(resolve(f), 0);
	file = find_protected(f, at(f, "ws/.git"));
	target = find_protected(f, at(f, "real.git"));
	assert_non_null(file);
	assert_non_null(target);
	assert_false(file->missing);
	assert_false(file->git_target);
	assert_false(target->missing);
	assert_true(target->git_target);
	assert_int_equal(count_git_targets(f), 1);
	assert_int_equal(f->plan.n_protected, n_default_names() + 1);
}

static void git_pointer_absolute_protects_file_and_target(void **state)
{
	struct fixture *f = *state;
	char text[PATH_MAX + 16];
	const struct plan_protected *target;

	make_dir(f, "real.git");
	snprintf(text, sizeof(text), "gitdir: %s\n", at(f, "real.git"));
	make_file(f, "ws/.git", text);
	assert_int_equal(resolve(f), 0);
	assert_non_null(find_protected(f, at(f, "ws/.git")));
	target = find_protected(f, at(f, "real.git"));
	assert_non_null(target);
	assert_true(target->git_target);
}

static void git_worktree_protects_common_dir(void **state)
{
	struct fixture *f = *state;
	const struct plan_protected *gitdir, *common;

	make_dir(f, "main.git");
	make_dir(f, "main.git/worktrees");
	make_dir(f, "main.git/worktrees/wt");
	make_file(f, "main.git/worktrees/wt/commondir", "../..\n");
	make_file(f, "ws/.git", "gitdir: ../main.git/worktrees/wt\n");
	assert_int_equal(resolve(f), 0);
	gitdir = find_protected(f, at(f, "main.git/worktrees/wt"));
	common = find_protected(f, at(f, "main.git"));
	assert_non_null(gitdir);
	assert_non_null(common);
	assert_true(gitdir->git_target);
	assert_true(common->git_target);
	assert_non_null(find_protected(f, at(f, "ws/.git")));
	assert_int_equal(count_git_targets(f), 2);
}

static void git_worktree_absolute_commondir_is_protected(void **state)
{
	struct fixture *f = *state;
	char text[PATH_MAX + 16];

	make_dir(f, "main.git");
	make_dir(f, "wt.git");
	snprintf(text, sizeof(text), "%s\r\n", at(f, "main.git"));
	make_file(f, "wt.git/commondir", text);
	make_file(f, "ws/.git", "gitdir: ../wt.git\n");
	assert_int_equal(resolve(f), 0);
	assert_true(find_protected(f, at(f, "wt.git"))->git_target);
	assert_non_null(find_protected(f, at(f, "main.git")));
	assert_true(find_protected(f, at(f, "main.git"))->git_target);
}

static void malformed_git_file_protects_only_the_file(void **state)
{
	struct fixture *f = *state;
	const struct plan_protected *file;

	make_dir(f, "real.git");
	make_file(f, "ws/.git", "not a pointer: ../real.git\n");
	assert_int_equal(resolve(f), 0);
	file = find_protected(f, at(f, "ws/.git"));
	assert_non_null(file);
	assert_false(file->missing);
	assert_null(find_protected(f, at(f, "real.git")));
	assert_int_equal(count_git_targets(f), 0);
	assert_int_equal(f->plan.n_protected, n_default_names());
}

static void git_pointer_to_missing_dir_protects_only_the_file(void **state)
{
	struct fixture *f = *state;

	make_file(f, "ws/.git", "gitdir: ../gone.git\n");
	assert_int_equal(resolve(f), 0);
	assert_non_null(find_protected(f, at(f, "ws/.git")));
	assert_int_equal(count_git_targets(f), 0);
}

/* A missing git directory the command could create would be used by git
 * outside the sandbox: refused, as is a missing common directory there. */
static void git_pointer_to_creatable_missing_dir_is_refused(void **state)
{
	struct fixture *f = *state;

	make_file(f, "ws/.git", "gitdir: sub/gone.git\n");
	assert_int_equal(resolve(f), -ENOENT);
	assert_int_equal(f->err.step, PADDOCK_STEP_PROTECTED_NAME);
	assert_string_equal(f->err.operand, at(f, "ws/.git"));

	/* Climbing back out through a missing directory counts as inside. */
	make_file(f, "ws/.git", "gitdir: gone/../../elsewhere.git\n");
	assert_int_equal(resolve(f), -ENOENT);
}

static void git_worktree_creatable_missing_commondir_is_refused(void **state)
{
	struct fixture *f = *state;
	char text[PATH_MAX + 16];

	make_dir(f, "wt.git");
	snprintf(text, sizeof(text), "%s\n", at(f, "ws/gone-main.git"));
	make_file(f, "wt.git/commondir", text);
	make_file(f, "ws/.git", "gitdir: ../wt.git\n");
	assert_int_equal(resolve(f), -ENOENT);
	assert_int_equal(f->err.step, PADDOCK_STEP_PROTECTED_NAME);
}

static void deny_read_records_existing_paths(void **state)
{
	struct fixture *f = *state;

	make_file(f, "secret", "key");
	make_dir(f, "keys");
	make_link(f, "secret", "secret-link");
	paddock_policy_add_deny_read(f->p, at(f, "secret-link"));
	paddock_policy_add_deny_read(f->p, at(f, "absent"));
	paddock_policy_add_deny_read(f->p, at(f, "keys"));
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.n_deny, 2);
	assert_string_equal(f->plan.deny[0].path, at(f, "secret"));
	assert_false(f->plan.deny[0].is_dir);
	assert_string_equal(f->plan.deny[1].path, at(f, "keys"));
	assert_true(f->plan.deny[1].is_dir);
}

static void deny_read_inside_workspace_is_allowed(void **state)
{
	struct fixture *f = *state;

	make_file(f, "ws/.env", "TOKEN=x");
	paddock_policy_add_deny_read(f->p, at(f, "ws/.env"));
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->plan.n_deny, 1);
	assert_string_equal(f->plan.deny[0].path, at(f, "ws/.env"));
}

static void deny_read_containing_workspace_is_refused(void **state)
{
	struct fixture *f = *state;

	paddock_policy_add_deny_read(f->p, f->tree);
	assert_int_equal(resolve(f), -EINVAL);
	assert_error(f, PADDOCK_STEP_DENY_READ, EINVAL, f->tree);
	assert_non_null(f->err.message);
}

static void deny_read_of_workspace_itself_is_refused(void **state)
{
	struct fixture *f = *state;

	paddock_policy_set_mode(f->p, PADDOCK_MODE_READ_ONLY);
	paddock_policy_add_deny_read(f->p, at(f, "ws"));
	assert_int_equal(resolve(f), -EINVAL);
	assert_error(f, PADDOCK_STEP_DENY_READ, EINVAL, at(f, "ws"));
}

static void deny_read_containing_writable_root_is_refused(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "data");
	make_dir(f, "data/out");
	paddock_policy_add_writable_root(f->p, at(f, "data/out"));
	paddock_policy_add_deny_read(f->p, at(f, "data"));
	assert_int_equal(resolve(f), -EINVAL);
	assert_error(f, PADDOCK_STEP_DENY_READ, EINVAL, at(f, "data"));
	assert_non_null(f->err.message);
}

static void writable_root_inside_protected_path_is_refused(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "ws/.git");
	make_dir(f, "ws/.git/hooks");
	paddock_policy_add_writable_root(f->p, at(f, "ws/.git/hooks"));
	assert_int_equal(resolve(f), -EINVAL);
	assert_error(f, PADDOCK_STEP_WRITABLE_ROOT, EINVAL,
		     at(f, "ws/.git/hooks"));
	assert_non_null(f->err.message);
}

static void writable_root_inside_git_target_is_refused(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "real.git");
	make_dir(f, "real.git/hooks");
	make_file(f, "ws/.git", "gitdir: ../real.git\n");
	paddock_policy_add_writable_root(f->p, at(f, "real.git/hooks"));
	assert_int_equal(resolve(f), -EINVAL);
	assert_error(f, PADDOCK_STEP_WRITABLE_ROOT, EINVAL,
		     at(f, "real.git/hooks"));
}

static void path_is_under_edge_cases(void **state)
{
	(void)state;
	assert_true(path_is_under("/a/b", "/a"));
	assert_true(path_is_under("/a/b/c", "/a"));
	assert_true(path_is_under("/a", "/a"));
	assert_false(path_is_under("/ab", "/a"));
	assert_false(path_is_under("/a", "/a/b"));
	assert_false(path_is_under("/b", "/a"));
	assert_true(path_is_under("/", "/"));
	assert_true(path_is_under("/x", "/"));
	assert_true(path_is_under("/x/y", "/"));
	assert_false(path_is_under("/a.b", "/a"));
	assert_false(path_is_under("/a-b/c", "/a"));
}

static void git_pointer_target_tolerates_blanks_and_crlf(void **state)
{
	struct fixture *f = *state;
	char *target = NULL;

	make_dir(f, "real.git");
	make_file(f, "ws/.git", "gitdir: \t ../real.git  \r\n");
	assert_int_equal(
		git_pointer_target(at(f, "ws/.git"), at(f, "ws"), &target), 0);
	assert_string_equal(target, at(f, "real.git"));
	free(target);
	make_file(f, "ws/.git", "gitdir:../real.git\r\n\r\n");
	assert_int_equal(
		git_pointer_target(at(f, "ws/.git"), at(f, "ws"), &target), 0);
	assert_string_equal(target, at(f, "real.git"));
	free(target);
}

static void git_pointer_target_rejects_non_pointers(void **state)
{
	struct fixture *f = *state;
	char *target = NULL;

	make_file(f, "ws/.git", "gitdir:   \n");
	assert_int_equal(
		git_pointer_target(at(f, "ws/.git"), at(f, "ws"), &target),
		-EINVAL);
	make_file(f, "ws/.git", "GITDIR: ..\n");
	assert_int_equal(
		git_pointer_target(at(f, "ws/.git"), at(f, "ws"), &target),
		-EINVAL);
	make_file(f, "ws/.git", "");
	assert_int_equal(
		git_pointer_target(at(f, "ws/.git"), at(f, "ws"), &target),
		-EINVAL);
	assert_int_equal(
		git_pointer_target(at(f, "ws/absent"), at(f, "ws"), &target),
		-ENOENT);
	make_file(f, "ws/.git", "gitdir: ../gone.git\n");
	assert_int_equal(
		git_pointer_target(at(f, "ws/.git"), at(f, "ws"), &target),
		-ENOENT);
	assert_null(target);
}

static void plan_free_resets_plan_and_accepts_repeats(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(resolve(f), 0);
	plan_free(&f->plan);
	assert_null(f->plan.workspace);
	assert_null(f->plan.protected);
	assert_int_equal(f->plan.n_protected, 0);
	assert_int_equal(f->plan.roots.len, 0);
	plan_free(&f->plan);
}

static void failed_resolve_leaves_plan_untouched(void **state)
{
	struct fixture *f = *state;
	struct plan plan = { .n_deny = 7 };

	paddock_policy_add_deny_read(f->p, f->tree);
	assert_int_equal(plan_resolve(f->p, &plan, &f->err), -EINVAL);
	assert_int_equal(plan.n_deny, 7);
	assert_null(plan.workspace);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(workspace_is_the_only_root_by_default),
		T(workspace_through_symlink_is_canonical),
		T(relative_workspace_is_taken_from_cwd),
		T(unset_workspace_is_cwd),
		T(missing_workspace_is_enoent),
		T(file_workspace_is_enotdir),
		T(roots_are_sorted_parents_first),
		T(duplicate_roots_are_removed),
		T(missing_writable_root_is_enoent),
		T(read_only_has_no_roots),
		T(read_only_refuses_writable_root),
		T(full_access_does_not_confine_writes),
		T(tmp_is_a_root_when_enabled),
		T(tmpdir_is_a_root_when_enabled),
		T(tmpdir_missing_or_relative_is_skipped),
		T(tmpdir_ignored_when_tmp_disabled),
		T(missing_protected_names_are_marked_missing),
		T(existing_protected_dir_is_not_missing),
		T(protected_names_apply_to_every_root),
		T(protected_name_symlink_is_eloop),
		T(dangling_protected_name_symlink_is_eloop),
		T(git_pointer_relative_protects_file_and_target),
		T(git_pointer_absolute_protects_file_and_target),
		T(git_worktree_protects_common_dir),
		T(git_worktree_absolute_commondir_is_protected),
		T(malformed_git_file_protects_only_the_file),
		T(git_pointer_to_missing_dir_protects_only_the_file),
		T(git_pointer_to_creatable_missing_dir_is_refused),
		T(git_worktree_creatable_missing_commondir_is_refused),
		T(deny_read_records_existing_paths),
		T(deny_read_inside_workspace_is_allowed),
		T(deny_read_containing_workspace_is_refused),
		T(deny_read_of_workspace_itself_is_refused),
		T(deny_read_containing_writable_root_is_refused),
		T(writable_root_inside_protected_path_is_refused),
		T(writable_root_inside_git_target_is_refused),
		T(path_is_under_edge_cases),
		T(git_pointer_target_tolerates_blanks_and_crlf),
		T(git_pointer_target_rejects_non_pointers),
		T(plan_free_resets_plan_and_accepts_repeats),
		T(failed_resolve_leaves_plan_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
