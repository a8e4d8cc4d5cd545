/* SPDX-License-Identifier: MIT */
/* Unit tests for Windows path canonicalisation (src/windows/path.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/logic.h"

static void assert_canonical(const char *path, const char *base,
			     const char *want)
{
	char *got = NULL;
	int r = win_path_canonical(path, base, &got);

	if (r < 0)
		fail_msg("\"%s\" (base \"%s\"): error %d, wanted \"%s\"", path,
			 base ? base : "(none)", r, want);
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" (base \"%s\"): \"%s\", wanted \"%s\"", path,
			 base ? base : "(none)", got, want);
	free(got);
}

static void assert_refused(const char *path, const char *base, int code)
{
	char *got = NULL;
	int r = win_path_canonical(path, base, &got);

	if (r != code)
		fail_msg("\"%s\": %d (\"%s\"), wanted %d", path, r,
			 got ? got : "", code);
}

static void drive_paths_take_one_form(void **state)
{
	(void)state;
	assert_canonical("C:\\Users\\me\\ws", NULL, "C:\\Users\\me\\ws");
	assert_canonical("c:/Users/me/ws", NULL, "C:\\Users\\me\\ws");
	assert_canonical("C:\\Users\\\\me//ws\\", NULL, "C:\\Users\\me\\ws");
	assert_canonical("C:\\", NULL, "C:\\");
	assert_canonical("C:/", NULL, "C:\\");
	assert_canonical("d:\\\\", NULL, "D:\\");
}

static void dots_collapse_and_stop_at_the_root(void **state)
{
	(void)state;
	assert_canonical("C:\\a\\.\\b\\..\\c", NULL, "C:\\a\\c");
	assert_canonical("C:\\a\\b\\..\\..", NULL, "C:\\");
	assert_canonical("C:\\..\\..\\x", NULL, "C:\\x");
	assert_canonical("C:\\a\\..", NULL, "C:\\");
	assert_canonical("\\\\srv\\share\\a\\..\\..\\b", NULL,
			 "\\\\srv\\share\\b");
	assert_canonical("C:\\a\\...b", NULL, "C:\\a\\...b");
}

static void trailing_dots_and_spaces_are_stripped(void **state)
{
	(void)state;
	assert_canonical("C:\\ws\\.git.", NULL, "C:\\ws\\.git");
	assert_canonical("C:\\ws\\.git . .", NULL, "C:\\ws\\.git");
	assert_canonical("C:\\ws\\.git.\\hooks", NULL, "C:\\ws\\.git\\hooks");
	assert_canonical("C:\\ws\\file.txt ", NULL, "C:\\ws\\file.txt");
	assert_refused("C:\\ws\\...", NULL, -EINVAL);
	assert_refused("C:\\ws\\ ", NULL, -EINVAL);
}

static void streams_resolve_to_their_file(void **state)
{
	(void)state;
	assert_canonical("C:\\ws\\file:stream", NULL, "C:\\ws\\file");
	assert_canonical("C:\\ws\\file::$DATA", NULL, "C:\\ws\\file");
	assert_canonical("C:\\ws\\file:s:$DATA", NULL, "C:\\ws\\file");
	assert_canonical("C:\\ws\\.git::$INDEX_ALLOCATION\\hooks\\pre-commit",
			 NULL, "C:\\ws\\.git\\hooks\\pre-commit");
	assert_canonical("C:\\ws\\.GiT:$I30:$INDEX_ALLOCATION", NULL,
			 "C:\\ws\\.GiT");
	assert_canonical("C:\\ws\\.git.::$DATA", NULL, "C:\\ws\\.git");
	assert_refused("C:\\ws\\file:", NULL, -EINVAL);
	assert_refused("C:\\ws\\:stream", NULL, -EINVAL);
	assert_refused("C:\\ws\\::$DATA", NULL, -EINVAL);
	assert_refused("C:\\ws\\f:s:DATA", NULL, -EINVAL);
	assert_refused("C:\\ws\\f:s:$D:x", NULL, -EINVAL);
	assert_refused("C:\\ws\\f:s:$", NULL, -EINVAL);
}

static void unc_paths_keep_server_and_share(void **state)
{
	(void)state;
	assert_canonical("\\\\srv\\share", NULL, "\\\\srv\\share");
	assert_canonical("\\\\srv\\share\\", NULL, "\\\\srv\\share");
	assert_canonical("//srv/share/dir/", NULL, "\\\\srv\\share\\dir");
	assert_canonical("\\\\srv\\share\\..", NULL, "\\\\srv\\share");
	assert_refused("\\\\srv", NULL, -EINVAL);
	assert_refused("\\\\srv\\", NULL, -EINVAL);
	assert_refused("\\\\\\share", NULL, -EINVAL);
}

static void verbatim_paths_join_the_plain_forms(void **state)
{
	(void)state;
	assert_canonical("\\\\?\\C:\\Users\\me", NULL, "C:\\Users\\me");
	assert_canonical("\\\\?\\c:\\", NULL, "C:\\");
	assert_canonical("\\\\?\\C:", NULL, "C:\\");
	assert_canonical("\\\\?\\C:\\dir\\", NULL, "C:\\dir");
	assert_canonical("\\\\?\\UNC\\srv\\share\\dir", NULL,
			 "\\\\srv\\share\\dir");
	assert_canonical("\\\\?\\unc\\srv\\share", NULL, "\\\\srv\\share");
	assert_canonical("\\\\?\\C:\\ws\\f::$DATA", NULL, "C:\\ws\\f");
}

/* Windows takes a verbatim path as it is: these name other files, or
 * none, than their plain look-alikes. */
static void verbatim_paths_that_need_normalising_are_refused(void **state)
{
	(void)state;
	assert_refused("\\\\?\\C:\\a\\..\\b", NULL, -EINVAL);
	assert_refused("\\\\?\\C:\\a\\.\\b", NULL, -EINVAL);
	assert_refused("\\\\?\\C:\\ws\\.git.", NULL, -EINVAL);
	assert_refused("\\\\?\\C:\\ws\\.git ", NULL, -EINVAL);
	assert_refused("\\\\?\\C:\\ws/.git", NULL, -EINVAL);
	assert_refused("\\\\?\\C:\\a\\\\b", NULL, -EINVAL);
	assert_refused("\\\\?\\C:\\ws\\nul", NULL, -EINVAL);
	assert_refused("\\\\?\\Volume{1234}\\x", NULL, -EINVAL);
	assert_refused("\\\\?\\", NULL, -EINVAL);
	assert_refused("//?/C:/x", NULL, -EINVAL);
}

static void relative_paths_use_the_base(void **state)
{
	(void)state;
	assert_canonical("sub\\x", "C:\\ws", "C:\\ws\\sub\\x");
	assert_canonical("..\\other", "C:\\ws", "C:\\other");
	assert_canonical(".", "C:\\ws", "C:\\ws");
	assert_canonical("\\top", "C:\\ws\\sub", "C:\\top");
	assert_canonical("/top", "\\\\srv\\share\\ws", "\\\\srv\\share\\top");
	assert_canonical("sub", "\\\\srv\\share", "\\\\srv\\share\\sub");
	assert_canonical("c:sub", "C:\\ws", "C:\\ws\\sub");
	assert_canonical("C:", "C:\\ws", "C:\\ws");
	assert_canonical("x", "C:\\", "C:\\x");
	assert_canonical("\\", "C:\\ws", "C:\\");
}

static void relative_paths_without_a_usable_base_are_refused(void **state)
{
	(void)state;
	assert_refused("sub", NULL, -EINVAL);
	assert_refused("\\top", NULL, -EINVAL);
	assert_refused("sub", "relative\\base", -EINVAL);
	/* The directory of another drive is not known here. */
	assert_refused("D:sub", "C:\\ws", -EINVAL);
	assert_refused("C:sub", "\\\\srv\\share", -EINVAL);
	assert_refused("sub", "C:\\bad|base", -EINVAL);
}

static void bad_names_and_devices_are_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"C:\\a<b",
		"C:\\a>b",
		"C:\\a\"b",
		"C:\\a|b",
		"C:\\a?b",
		"C:\\a*b",
		"C:\\a\x01"
		"b",
		"C:\\a\tb",
		"C:\\dir\\CON",
		"C:\\dir\\nul.txt",
		"C:\\dir\\Nul .txt",
		"C:\\dir\\com1",
		"C:\\dir\\LPT9.log",
		"C:\\dir\\conin$",
		"C:\\aux\\x",
		"\\\\.\\C:\\x",
		"\\\\.\\NUL",
		"//./pipe/x",
		"\\\\srv\\nul",
		NULL,
	};

	(void)state;
	for (size_t i = 0; bad[i]; i++)
		assert_refused(bad[i], NULL, -EINVAL);
	/* Names that merely start like a device are fine. */
	assert_canonical("C:\\dir\\console", NULL, "C:\\dir\\console");
	assert_canonical("C:\\dir\\com10", NULL, "C:\\dir\\com10");
	assert_canonical("C:\\dir\\nulls.txt", NULL, "C:\\dir\\nulls.txt");
}

static void overlong_paths_are_refused(void **state)
{
	char *big = malloc(WIN_PATH_MAX + 2);

	(void)state;
	memcpy(big, "C:\\", 3);
	memset(big + 3, 'a', WIN_PATH_MAX - 2);
	big[WIN_PATH_MAX + 1] = '\0';
	assert_refused(big, NULL, -ENAMETOOLONG);
	assert_refused("a", big, -ENAMETOOLONG);
	free(big);
}

static void canonical_form_is_a_fixed_point(void **state)
{
	static const char *const paths[] = {
		"c:/a/./b/../c.", "\\\\?\\UNC\\s\\sh\\x", "C:\\",
		"//s/sh/a//b/",	  "C:\\ws\\f::$DATA",	  NULL,
	};

	(void)state;
	for (size_t i = 0; paths[i]; i++) {
		char *once, *twice;

		assert_int_equal(win_path_canonical(paths[i], NULL, &once), 0);
		assert_int_equal(win_path_canonical(once, NULL, &twice), 0);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

static void key_folds_case(void **state)
{
	char *key;

	(void)state;
	assert_int_equal(win_path_key("C:\\Users\\Me\\.GiT", &key), 0);
	assert_string_equal(key, "c:\\users\\me\\.git");
	free(key);
	/* Non-ASCII bytes are kept as they are. */
	assert_int_equal(win_path_key("C:\\\xc3\x89T\xc3\x89", &key), 0);
	assert_string_equal(key, "c:\\\xc3\x89t\xc3\x89");
	free(key);
}

static void under_compares_whole_components(void **state)
{
	(void)state;
	assert_true(win_path_is_under("C:\\ws", "C:\\ws"));
	assert_true(win_path_is_under("C:\\ws\\a", "C:\\ws"));
	assert_true(win_path_is_under("c:\\WS\\a", "C:\\ws"));
	assert_true(win_path_is_under("C:\\ws", "C:\\"));
	assert_true(win_path_is_under("C:\\", "C:\\"));
	assert_true(win_path_is_under("\\\\s\\sh\\a", "\\\\s\\sh"));
	assert_false(win_path_is_under("C:\\wsx", "C:\\ws"));
	assert_false(win_path_is_under("C:\\w", "C:\\ws"));
	assert_false(win_path_is_under("C:\\ws", "C:\\ws\\a"));
	assert_false(win_path_is_under("D:\\ws", "C:\\"));
	assert_false(win_path_is_under("\\\\s\\share", "\\\\s\\sh"));
	assert_false(win_path_is_under("C:\\ws", ""));
}

static void protected_names_match_at_the_top_of_a_root(void **state)
{
	static const char *const names[] = { ".git", ".agents", NULL };

	(void)state;
	assert_string_equal(
		win_path_protected_by("C:\\ws\\.git", "C:\\ws", names), ".git");
	assert_string_equal(win_path_protected_by("C:\\ws\\.GiT\\hooks\\x",
						  "C:\\ws", names),
			    ".git");
	assert_string_equal(
		win_path_protected_by("c:\\WS\\.AGENTS", "C:\\ws", names),
		".agents");
	assert_string_equal(
		win_path_protected_by("C:\\.git\\config", "C:\\", names),
		".git");
	assert_null(win_path_protected_by("C:\\ws", "C:\\ws", names));
	assert_null(
		win_path_protected_by("C:\\ws\\sub\\.git", "C:\\ws", names));
	assert_null(
		win_path_protected_by("C:\\ws\\.gitignore", "C:\\ws", names));
	assert_null(win_path_protected_by("C:\\ws\\.gi", "C:\\ws", names));
	assert_null(win_path_protected_by("C:\\other\\.git", "C:\\ws", names));
	assert_null(win_path_protected_by("C:\\ws.git", "C:\\ws", names));
}

/* The spellings Windows maps to ".git" all reach the rule after
 * canonicalisation. */
static void spellings_of_a_protected_name_are_caught(void **state)
{
	static const char *const names[] = { ".git", NULL };
	static const char *const spellings[] = {
		"C:\\ws\\.GIT\\config",
		"c:/ws/.git/config",
		"C:\\ws\\.git.\\config",
		"C:\\ws\\.git \\config",
		"C:\\ws\\.git::$INDEX_ALLOCATION\\config",
		"C:\\ws\\.git:stream",
		"\\\\?\\C:\\ws\\.Git\\config",
		"C:\\ws\\sub\\..\\.git",
		NULL,
	};

	(void)state;
	for (size_t i = 0; spellings[i]; i++) {
		char *c;

		assert_int_equal(win_path_canonical(spellings[i], NULL, &c), 0);
		if (!win_path_protected_by(c, "C:\\ws", names))
			fail_msg("\"%s\" (\"%s\") escaped", spellings[i], c);
		free(c);
	}
}

static void protected_name_validity(void **state)
{
	static const char *const good[] = { ".git", ".agents", ".hg",
					    "a b",  "x.y",     NULL };
	static const char *const bad[] = { "",	    ".",     "..",    "a\\b",
					   "a/b",   "a:b",   ".git.", ".git ",
					   "NUL",   "con.x", "a*",    "a?",
					   "a\x1f", NULL };

	(void)state;
	for (size_t i = 0; good[i]; i++)
		assert_true(win_path_name_is_valid(good[i]));
	for (size_t i = 0; bad[i]; i++) {
		if (win_path_name_is_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	}
}

static void volume_roots(void **state)
{
	(void)state;
	assert_true(win_path_is_volume_root("C:\\"));
	assert_true(win_path_is_volume_root("\\\\server\\share"));
	assert_false(win_path_is_volume_root("C:\\ws"));
	assert_false(win_path_is_volume_root("\\\\server\\share\\dir"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drive_paths_take_one_form),
		cmocka_unit_test(dots_collapse_and_stop_at_the_root),
		cmocka_unit_test(trailing_dots_and_spaces_are_stripped),
		cmocka_unit_test(streams_resolve_to_their_file),
		cmocka_unit_test(unc_paths_keep_server_and_share),
		cmocka_unit_test(verbatim_paths_join_the_plain_forms),
		cmocka_unit_test(
			verbatim_paths_that_need_normalising_are_refused),
		cmocka_unit_test(relative_paths_use_the_base),
		cmocka_unit_test(
			relative_paths_without_a_usable_base_are_refused),
		cmocka_unit_test(bad_names_and_devices_are_refused),
		cmocka_unit_test(overlong_paths_are_refused),
		cmocka_unit_test(canonical_form_is_a_fixed_point),
		cmocka_unit_test(key_folds_case),
		cmocka_unit_test(under_compares_whole_components),
		cmocka_unit_test(protected_names_match_at_the_top_of_a_root),
		cmocka_unit_test(spellings_of_a_protected_name_are_caught),
		cmocka_unit_test(protected_name_validity),
		cmocka_unit_test(volume_roots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
