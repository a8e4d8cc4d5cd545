/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for command-line quoting (src/windows/cmdline.c).
 *
 * The splitter below follows the documented rules of the MSVC runtime and
 * of CommandLineToArgvW, so that every quoted line can be split back and
 * compared with the argv it came from. It exists only here: paddock never
 * splits a command line. The two splitters differ in one place (a '""'
 * inside a quoted part), so each line is split both ways.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/logic.h"

enum splitter {
	MSVC_RUNTIME, /* '""' inside quotes: a '"', still quoted */
	SHELL32, /* CommandLineToArgvW: a '"', and the quotes end */
};

#define MAX_ARGS 32
#define MAX_ARG 256

struct split {
	size_t argc;
	char argv[MAX_ARGS][MAX_ARG];
};

/* The program name: up to a blank outside quotes, no escapes. */
static const char *split_program(const char *s, struct split *out)
{
	bool quoted = false;
	size_t n = 0;

	for (; *s && (quoted || (*s != ' ' && *s != '\t')); s++) {
		if (*s == '"')
			quoted = !quoted;
		else
			out->argv[0][n++] = *s;
	}
	out->argv[0][n] = '\0';
	out->argc = 1;
	return s;
}

static void split_line(const char *s, enum splitter how, struct split *out)
{
	s = split_program(s, out);
	for (;;) {
		char *arg = out->argv[out->argc];
		bool quoted = false;
		size_t n = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return;
		while (*s && (quoted || (*s != ' ' && *s != '\t'))) {
			size_t slashes = 0;

			while (*s == '\\') {
				slashes++;
				s++;
			}
			if (*s != '"') {
				while (slashes--)
					arg[n++] = '\\';
				if (*s && (quoted || (*s != ' ' && *s != '\t')))
					arg[n++] = *s++;
				continue;
			}
			for (size_t i = 0; i < slashes / 2; i++)
				arg[n++] = '\\';
			if (slashes % 2) {
				arg[n++] = '"';
			} else if (quoted && s[1] == '"') {
				arg[n++] = '"';
				s++;
				if (how == SHELL32)
					quoted = false;
			} else {
				quoted = !quoted;
			}
			s++;
		}
		arg[n] = '\0';
		out->argc++;
	}
}

/* Quote argv, split it back both ways, and compare. */
static void assert_round_trip(const char *const *argv)
{
	static const enum splitter hows[] = { MSVC_RUNTIME, SHELL32 };
	char *line = NULL;
	size_t argc = 0;

	while (argv[argc])
		argc++;
	assert_int_equal(win_cmdline_quote(argv, &line), 0);
	for (size_t h = 0; h < 2; h++) {
		struct split back;

		split_line(line, hows[h], &back);
		if (back.argc != argc)
			fail_msg("\"%s\" split into %zu, not %zu", line,
				 back.argc, argc);
		for (size_t i = 0; i < argc; i++) {
			if (strcmp(back.argv[i], argv[i]) != 0)
				fail_msg(
					"\"%s\": argument %zu is \"%s\", not \"%s\"",
					line, i, back.argv[i], argv[i]);
		}
	}
	free(line);
}

static const char *const tricky[] = {
	"",
	" ",
	"\t",
	"a b",
	"a\tb",
	"\"",
	"\"\"",
	"a\"b",
	"\"a b\"",
	"\\",
	"\\\\",
	"a\\",
	"a\\\\",
	"a b\\",
	"a b\\\\",
	"\\\"",
	"\\\\\"",
	"a\\\"b",
	"a\\\\\"b c",
	"C:\\Program Files\\",
	"C:\\dir\\file.txt",
	"\\\\server\\share\\",
	"--opt=\"x y\"",
	"line\nbreak",
	"vertical\vtab",
	"trailing space ",
	" leading",
	"caf\xc3\xa9",
	"\xe6\x97\xa5\xe6\x9c\xac",
	"emoji \xf0\x9f\x98\x80",
	"%PATH%",
	"a^b&c|d<e>f",
	NULL,
};

static void each_tricky_argument_round_trips(void **state)
{
	(void)state;
	for (size_t i = 0; tricky[i]; i++) {
		const char *argv[] = { "prog", tricky[i], "after", NULL };

		assert_round_trip(argv);
	}
}

static void all_tricky_arguments_together_round_trip(void **state)
{
	const char *argv[MAX_ARGS] = { "C:\\Program Files\\tool\\prog.exe" };
	size_t n = 1;

	(void)state;
	for (size_t i = 0; tricky[i] && n < MAX_ARGS - 1; i++)
		argv[n++] = tricky[i];
	argv[n] = NULL;
	assert_round_trip(argv);
}

static void plain_arguments_are_left_alone(void **state)
{
	const char *argv[] = { "git", "commit", "-m", "msg", "a\\b", NULL };
	char *line;

	(void)state;
	assert_int_equal(win_cmdline_quote(argv, &line), 0);
	assert_string_equal(line, "git commit -m msg a\\b");
	free(line);
}

static void quoting_matches_the_documented_forms(void **state)
{
	static const struct {
		const char *arg;
		const char *quoted;
	} cases[] = {
		{ "", "\"\"" },
		{ "a b", "\"a b\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "a b\\", "\"a b\\\\\"" },
		{ "a\\\"b", "\"a\\\\\\\"b\"" },
		{ "a\\b c", "\"a\\b c\"" },
	};
	char *line;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[] = { "p", cases[i].arg, NULL };

		assert_int_equal(win_cmdline_quote(argv, &line), 0);
		assert_string_equal(line + 2, cases[i].quoted);
		free(line);
	}
}

static void program_name_is_quoted_but_not_escaped(void **state)
{
	const char *spaced[] = { "C:\\Program Files\\dir\\", "x", NULL };
	const char *empty[] = { "", NULL };
	char *line;

	(void)state;
	assert_int_equal(win_cmdline_quote(spaced, &line), 0);
	assert_string_equal(line, "\"C:\\Program Files\\dir\\\" x");
	free(line);
	assert_round_trip(spaced);
	assert_round_trip(empty);
}

static void program_name_with_a_quote_is_refused(void **state)
{
	const char *argv[] = { "a\"b", NULL };
	const char *none[] = { NULL };
	char *line = NULL;

	(void)state;
	assert_int_equal(win_cmdline_quote(argv, &line), -EINVAL);
	assert_int_equal(win_cmdline_quote(none, &line), -EINVAL);
	assert_null(line);
}

static void invalid_utf8_is_refused(void **state)
{
	static const char *const bad[] = {
		"\xff",
		"\xc3", /* truncated */
		"\xc0\xaf", /* overlong '/' */
		"\xe0\x80\xaf", /* overlong */
		"\xed\xa0\x80", /* a surrogate */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"\x80",
		NULL,
	};
	char *line = NULL;

	(void)state;
	for (size_t i = 0; bad[i]; i++) {
		const char *argv[] = { "p", bad[i], NULL };

		assert_int_equal(win_cmdline_quote(argv, &line), -EINVAL);
	}
	assert_null(line);
}

/* The limit counts UTF-16 units: an astral character is two. */
static void overlong_lines_are_refused(void **state)
{
	char *big = malloc(WIN_CMDLINE_MAX + 1), *line;
	const char *argv[] = { "p", big, NULL };
	size_t fits = WIN_CMDLINE_MAX - 1 - 2; /* "p " and the NUL */

	(void)state;
	memset(big, 'a', fits);
	big[fits] = '\0';
	assert_int_equal(win_cmdline_quote(argv, &line), 0);
	assert_int_equal(strlen(line), WIN_CMDLINE_MAX - 1);
	free(line);

	big[fits] = 'a';
	big[fits + 1] = '\0';
	assert_int_equal(win_cmdline_quote(argv, &line), -E2BIG);

	/* Quotes count too: the same length with a space no longer fits. */
	big[fits] = '\0';
	big[0] = ' ';
	assert_int_equal(win_cmdline_quote(argv, &line), -E2BIG);
	free(big);
}

static void astral_characters_count_twice(void **state)
{
	size_t n = (WIN_CMDLINE_MAX - 3) / 2 + 1; /* one unit too many */
	char *big = malloc(4 * n + 1), *line;
	const char *argv[] = { "p", big, NULL };

	(void)state;
	for (size_t i = 0; i < n; i++)
		memcpy(big + 4 * i, "\xf0\x9f\x98\x80", 4);
	big[4 * n] = '\0';
	assert_int_equal(win_cmdline_quote(argv, &line), -E2BIG);
	big[4 * (n - 1)] = '\0';
	assert_int_equal(win_cmdline_quote(argv, &line), 0);
	free(line);
	free(big);
}

static void batch_line_quotes_what_cmd_would_read(void **state)
{
	static const char *const args[] = { "plain", "a b",    "x&calc",
					    "",	     "^(|)<>", NULL };
	char *line = NULL;

	(void)state;
	assert_int_equal(win_cmdline_batch("C:\\W\\cmd.exe", "C:\\w s\\t.cmd",
					   args, &line),
			 0);
	assert_string_equal(
		line,
		"\"C:\\W\\cmd.exe\" /d /v:off /s /c \"\"C:\\w s\\t.cmd\" plain \"a b\" \"x&calc\" \"\" \"^(|)<>\"\"");
	free(line);
}

static void batch_line_refuses_what_cmd_expands(void **state)
{
	static const char *const percent[] = { "%PATH%", NULL };
	static const char *const quote[] = { "a\"&calc", NULL };
	static const char *const newline[] = { "a\nb", NULL };
	static const char *const none[] = { NULL };
	char *line = NULL;

	(void)state;
	assert_int_equal(
		win_cmdline_batch("C:\\cmd.exe", "C:\\t.cmd", percent, &line),
		-EINVAL);
	assert_int_equal(
		win_cmdline_batch("C:\\cmd.exe", "C:\\t.cmd", quote, &line),
		-EINVAL);
	assert_int_equal(
		win_cmdline_batch("C:\\cmd.exe", "C:\\t.cmd", newline, &line),
		-EINVAL);
	assert_int_equal(
		win_cmdline_batch("C:\\cmd.exe", "C:\\100%.cmd", none, &line),
		-EINVAL);
	assert_int_equal(
		win_cmdline_batch("C:\\c\"md.exe", "C:\\t.cmd", none, &line),
		-EINVAL);
	assert_null(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_tricky_argument_round_trips),
		cmocka_unit_test(all_tricky_arguments_together_round_trip),
		cmocka_unit_test(plain_arguments_are_left_alone),
		cmocka_unit_test(quoting_matches_the_documented_forms),
		cmocka_unit_test(program_name_is_quoted_but_not_escaped),
		cmocka_unit_test(program_name_with_a_quote_is_refused),
		cmocka_unit_test(invalid_utf8_is_refused),
		cmocka_unit_test(overlong_lines_are_refused),
		cmocka_unit_test(astral_characters_count_twice),
		cmocka_unit_test(batch_line_quotes_what_cmd_would_read),
		cmocka_unit_test(batch_line_refuses_what_cmd_expands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
