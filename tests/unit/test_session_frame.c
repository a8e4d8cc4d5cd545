/* SPDX-License-Identifier: MIT */
/* Unit tests for the framing of warm-session requests (session.c): the
 * strings a client sends must fill the payload exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linux/session.h"

static void request_splits_argv_and_envp(void **state)
{
	char buf[] = "ls\0-l\0PATH=/bin\0HOME=/h";
	char **argv, **envp;

	(void)state;
	assert_int_equal(
		session_split_request(buf, sizeof(buf), 2, 2, &argv, &envp), 0);
	assert_string_equal(argv[0], "ls");
	assert_string_equal(argv[1], "-l");
	assert_null(argv[2]);
	assert_string_equal(envp[0], "PATH=/bin");
	assert_string_equal(envp[1], "HOME=/h");
	assert_null(envp[2]);
	free(argv);
}

static void request_without_environment(void **state)
{
	char buf[] = "true";
	char **argv, **envp;

	(void)state;
	assert_int_equal(
		session_split_request(buf, sizeof(buf), 1, 0, &argv, &envp), 0);
	assert_string_equal(argv[0], "true");
	assert_null(argv[1]);
	assert_null(envp[0]);
	free(argv);
}

static void request_keeps_empty_arguments(void **state)
{
	char buf[] = "printf\0\0x";
	char **argv, **envp;

	(void)state;
	assert_int_equal(
		session_split_request(buf, sizeof(buf), 3, 0, &argv, &envp), 0);
	assert_string_equal(argv[1], "");
	assert_string_equal(argv[2], "x");
	free(argv);
}

static void request_refuses_bad_counts_and_bytes(void **state)
{
	char **argv = NULL, **envp = NULL;
	char two[] = "a\0b";
	char unterminated[4] = { 'a', '\0', 'b', 'c' };
	char empty_program[] = "\0x";

	(void)state;
	/* Fewer strings than announced, more, none. */
	assert_int_equal(
		session_split_request(two, sizeof(two), 3, 0, &argv, &envp),
		-EPROTO);
	assert_int_equal(
		session_split_request(two, sizeof(two), 1, 0, &argv, &envp),
		-EPROTO);
	assert_int_equal(
		session_split_request(two, sizeof(two), 0, 2, &argv, &envp),
		-EPROTO);
	/* The last string has no NUL. */
	assert_int_equal(session_split_request(unterminated,
					       sizeof(unterminated), 2, 0,
					       &argv, &envp),
			 -EPROTO);
	/* argv[0] must name something. */
	assert_int_equal(session_split_request(empty_program,
					       sizeof(empty_program), 2, 0,
					       &argv, &envp),
			 -EPROTO);
	assert_null(argv);
	assert_null(envp);
}

static void strings_fill_the_buffer_exactly(void **state)
{
	char buf[] = "/run/a.sock\0/run/b.sock";
	char **v;

	(void)state;
	assert_int_equal(session_split_strings(buf, sizeof(buf), 2, &v), 0);
	assert_string_equal(v[0], "/run/a.sock");
	assert_string_equal(v[1], "/run/b.sock");
	assert_null(v[2]);
	free(v);
	assert_int_equal(session_split_strings(buf, sizeof(buf) - 1, 2, &v),
			 -EPROTO);
	assert_int_equal(session_split_strings(buf, 0, 1, &v), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_splits_argv_and_envp),
		cmocka_unit_test(request_without_environment),
		cmocka_unit_test(request_keeps_empty_arguments),
		cmocka_unit_test(request_refuses_bad_counts_and_bytes),
		cmocka_unit_test(strings_fill_the_buffer_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
