/* SPDX-License-Identifier: MIT */
/* Unit tests for program resolution (src/windows/program.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/logic.h"

static void expect_candidates(const char *name, const char *path,
			      const char *pathext, const char *const *want)
{
	char **got = NULL;
	size_t i;

	assert_int_equal(win_program_candidates(name, path, pathext, &got), 0);
	for (i = 0; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
	win_program_free(got);
}

static void bare_name_tries_each_dir_then_each_extension(void **state)
{
	static const char *const want[] = {
		"C:\\a\\git.EXE",
		"C:\\a\\git.CMD",
		"D:\\b c\\git.EXE",
		"D:\\b c\\git.CMD",
		NULL,
	};

	(void)state;
	expect_candidates("git", "C:\\a;;\"D:\\b c\\\"", ".EXE;.CMD", want);
}

static void name_with_extension_is_tried_first(void **state)
{
	static const char *const want[] = { "C:\\a\\x.exe", "C:\\a\\x.exe.COM",
					    NULL };

	(void)state;
	expect_candidates("x.exe", "C:\\a\\", ".COM", want);
}

static void name_with_directory_skips_path(void **state)
{
	static const char *const want[] = { "bin\\tool.EXE", "bin\\tool.BAT",
					    NULL };
	static const char *const want_abs[] = { "C:/x/y.cmd", NULL };

	(void)state;
	expect_candidates("bin\\tool", "C:\\never", ".EXE;.BAT", want);
	expect_candidates("C:/x/y.cmd", "C:\\never", ";;", want_abs);
	assert_true(win_program_has_dir("./run"));
	assert_true(win_program_has_dir("C:run"));
	assert_false(win_program_has_dir("run.exe"));
}

static void default_pathext_and_bad_entries(void **state)
{
	static const char *const want[] = { "C:\\a\\t.COM", "C:\\a\\t.EXE",
					    "C:\\a\\t.BAT", "C:\\a\\t.CMD",
					    NULL };
	static const char *const want_dotless[] = { "C:\\a\\t.EXE", NULL };

	(void)state;
	expect_candidates("t", "C:\\a", NULL, want);
	expect_candidates("t", "C:\\a", "", want);
	/* An entry without a leading dot is not an extension. */
	expect_candidates("t", "C:\\a", "EXE;.EXE", want_dotless);
}

static void the_current_directory_is_never_searched(void **state)
{
	char **got = NULL;

	(void)state;
	assert_int_equal(win_program_candidates("git", "", NULL, &got),
			 -ENOENT);
	assert_int_equal(win_program_candidates("git", NULL, NULL, &got),
			 -ENOENT);
	assert_int_equal(win_program_candidates("", "C:\\a", NULL, &got),
			 -EINVAL);
	assert_null(got);
}

static void batch_files_are_recognised_in_any_case(void **state)
{
	(void)state;
	assert_true(win_program_is_batch("C:\\x\\a.bat"));
	assert_true(win_program_is_batch("C:\\x\\a.CmD"));
	assert_false(win_program_is_batch("C:\\x\\a.exe"));
	assert_false(win_program_is_batch("cmd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bare_name_tries_each_dir_then_each_extension),
		cmocka_unit_test(name_with_extension_is_tried_first),
		cmocka_unit_test(name_with_directory_skips_path),
		cmocka_unit_test(default_pathext_and_bad_entries),
		cmocka_unit_test(the_current_directory_is_never_searched),
		cmocka_unit_test(batch_files_are_recognised_in_any_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
