/* SPDX-License-Identifier: MIT */
/* Unit tests for ".git" pointer files on Windows (src/windows/gitdir.c,
 * with the core's parser, src/core/gitfile.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/gitfile.h"
#include "windows/logic.h"

static void expect_target(const char *text, size_t len, const char *want)
{
	char *got = NULL;
	int r = win_gitdir_target(text, len, "C:\\src\\wt", &got);

	if (r != 0)
		fail_msg("\"%s\": %d", text, r);
	assert_string_equal(got, want);
	free(got);
}

#define TARGET(text, want) expect_target(text, sizeof(text) - 1, want)

static void relative_and_absolute_targets(void **state)
{
	(void)state;
	/* What "git worktree add" writes on Windows: forward slashes. */
	TARGET("gitdir: C:/src/repo/.git/worktrees/wt\n",
	       "C:\\src\\repo\\.git\\worktrees\\wt");
	TARGET("gitdir: C:\\src\\repo\\.git\\worktrees\\wt\n",
	       "C:\\src\\repo\\.git\\worktrees\\wt");
	/* A submodule: relative, from the directory holding ".git". */
	TARGET("gitdir: ../repo/.git/modules/sub\n",
	       "C:\\src\\repo\\.git\\modules\\sub");
	TARGET("gitdir: ..\\..\\x.git", "C:\\x.git");
	/* Drive-relative, UNC and long forms. */
	TARGET("gitdir: /other/.git", "C:\\other\\.git");
	TARGET("gitdir: //srv/share/r/.git", "\\\\srv\\share\\r\\.git");
	TARGET("gitdir: \\\\?\\D:\\r\\.git", "D:\\r\\.git");
	TARGET("gitdir: d:/r/.git", "D:\\r\\.git");
}

static void line_endings_blanks_and_bom(void **state)
{
	(void)state;
	TARGET("gitdir: ../r.git\r\n", "C:\\src\\r.git");
	TARGET("gitdir: ../r.git  \t\r\n\r\n", "C:\\src\\r.git");
	TARGET("gitdir:../r.git", "C:\\src\\r.git");
	TARGET("gitdir:\t../r.git\n", "C:\\src\\r.git");
	TARGET("\xef\xbb\xbfgitdir: ../r.git\r\n", "C:\\src\\r.git");
	/* A space inside the path is the path's. */
	TARGET("gitdir: ../my repo/.git\n", "C:\\src\\my repo\\.git");
}

static void garbage_is_refused(void **state)
{
	static const char *const cases[] = {
		"",
		"\n",
		"gitdir:",
		"gitdir:   \r\n",
		"GITDIR: ../r.git",
		"Gitdir: ../r.git",
		" gitdir: ../r.git",
		"git dir: ../r.git",
		"../r.git",
		"gitdir: ../r.git\nmore",
		"gitdir: ../r\r.git",
		"gitdir: ../r\x01.git",
		"gitdir: C:\\r\\a|b", /* a character Windows forbids */
		"gitdir: \\\\.\\PhysicalDrive0", /* a device */
		"gitdir: C:\\r\\NUL",
		"\xff\xfeg\0i\0t\0d\0i\0r\0", /* UTF-16, not git's */
	};
	char *got = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i]);

		if (i == sizeof(cases) / sizeof(cases[0]) - 1)
			len = 16;
		if (win_gitdir_target(cases[i], len, "C:\\src\\wt", &got) !=
		    -EINVAL)
			fail_msg("case %zu accepted", i);
	}
	/* A NUL inside the text, which strlen would hide. */
	assert_int_equal(win_gitdir_target("gitdir: a\0b", 11, "C:\\src", &got),
			 -EINVAL);
	/* No usable base for a relative path. */
	assert_int_equal(win_gitdir_target("gitdir: r.git", 13, NULL, &got),
			 -EINVAL);
	assert_int_equal(win_gitdir_target("gitdir: r.git", 13, "", &got),
			 -EINVAL);
	assert_null(got);
}

static void commondir_is_taken_from_the_git_dir(void **state)
{
	const char *gitdir = "C:\\src\\repo\\.git\\worktrees\\wt";
	char *got = NULL;

	(void)state;
	assert_int_equal(win_gitdir_commondir("../..\n", 6, gitdir, &got), 0);
	assert_string_equal(got, "C:\\src\\repo\\.git");
	free(got);
	assert_int_equal(
		win_gitdir_commondir("C:/src/repo/.git\r\n", 18, gitdir, &got),
		0);
	assert_string_equal(got, "C:\\src\\repo\\.git");
	free(got);
	assert_int_equal(
		win_gitdir_commondir("\xef\xbb\xbf../..", 8, gitdir, &got), 0);
	assert_string_equal(got, "C:\\src\\repo\\.git");
	free(got);
	got = NULL;
	assert_int_equal(win_gitdir_commondir(" \r\n", 3, gitdir, &got),
			 -EINVAL);
	assert_int_equal(win_gitdir_commondir("../..\n../x", 10, gitdir, &got),
			 -EINVAL);
	assert_null(got);
}

/* The core parser keeps the path as written: each backend resolves it. */
static void core_parser_keeps_the_path(void **state)
{
	char *got;

	(void)state;
	assert_int_equal(
		gitfile_parse_pointer("gitdir: C:/r/.git\r\n", 19, &got), 0);
	assert_string_equal(got, "C:/r/.git");
	free(got);
	assert_int_equal(gitfile_parse_commondir("../..", 5, &got), 0);
	assert_string_equal(got, "../..");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relative_and_absolute_targets),
		cmocka_unit_test(line_endings_blanks_and_bom),
		cmocka_unit_test(garbage_is_refused),
		cmocka_unit_test(commondir_is_taken_from_the_git_dir),
		cmocka_unit_test(core_parser_keeps_the_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
