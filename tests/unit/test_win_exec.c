/* SPDX-License-Identifier: MIT */
/* Unit tests for classifying a refused launch (src/windows/exec.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "windows/logic.h"

#define U WIN_EXEC_UNKNOWN
#define G WIN_EXEC_GRANTED
#define D WIN_EXEC_DENIED

struct row {
	struct win_exec_checks checks; /* program user, sandbox; cwd ... */
	enum win_exec_verdict before; /* checked before the launch */
	enum win_exec_verdict after; /* after ERROR_ACCESS_DENIED */
};

static const struct row table[] = {
	/* Everything allowed: go; a refusal nothing explains is paddock's. */
	{ { G, G, G, G }, WIN_EXEC_OK, WIN_EXEC_UNEXPLAINED },
	{ { U, U, U, U }, WIN_EXEC_OK, WIN_EXEC_UNEXPLAINED },
	/* The user cannot execute the program: the command's, 126, also
	 * when the sandbox cannot either, and whatever the directory. */
	{ { D, D, G, G }, WIN_EXEC_NOT_EXECUTABLE, WIN_EXEC_NOT_EXECUTABLE },
	{ { D, U, G, G }, WIN_EXEC_NOT_EXECUTABLE, WIN_EXEC_NOT_EXECUTABLE },
	{ { D, D, D, D }, WIN_EXEC_NOT_EXECUTABLE, WIN_EXEC_NOT_EXECUTABLE },
	/* Only the restricted token cannot: paddock's doing. */
	{ { G, D, G, G }, WIN_EXEC_SANDBOX_PROGRAM, WIN_EXEC_SANDBOX_PROGRAM },
	{ { U, D, G, G }, WIN_EXEC_SANDBOX_PROGRAM, WIN_EXEC_SANDBOX_PROGRAM },
	{ { G, D, G, D }, WIN_EXEC_SANDBOX_PROGRAM, WIN_EXEC_SANDBOX_PROGRAM },
	/* The working directory, which paddock chose. */
	{ { G, G, D, D }, WIN_EXEC_USER_CWD, WIN_EXEC_USER_CWD },
	{ { G, G, D, G }, WIN_EXEC_USER_CWD, WIN_EXEC_USER_CWD },
	{ { G, G, G, D }, WIN_EXEC_SANDBOX_CWD, WIN_EXEC_SANDBOX_CWD },
	{ { G, G, U, D }, WIN_EXEC_SANDBOX_CWD, WIN_EXEC_SANDBOX_CWD },
	{ { G, U, G, U }, WIN_EXEC_OK, WIN_EXEC_UNEXPLAINED },
};

static void classification_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct row *r = &table[i];

		if (win_exec_classify(&r->checks, false) != r->before)
			fail_msg("row %zu, before the launch", i);
		if (win_exec_classify(&r->checks, true) != r->after)
			fail_msg("row %zu, after a refusal", i);
	}
}

/* 126 only ever when the user's own check said no. */
static void only_the_user_makes_it_the_commands(void **state)
{
	const enum win_exec_access all[] = { U, G, D };
	struct win_exec_checks c;

	(void)state;
	for (size_t a = 0; a < 3; a++)
		for (size_t b = 0; b < 3; b++)
			for (size_t d = 0; d < 3; d++)
				for (size_t e = 0; e < 3; e++) {
					c = (struct win_exec_checks){
						all[a], all[b], all[d], all[e]
					};
					assert_int_equal(
						win_exec_classify(&c, true) ==
							WIN_EXEC_NOT_EXECUTABLE,
						all[a] == D);
					assert_true(
						win_exec_classify(&c, true) !=
						WIN_EXEC_OK);
				}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classification_table),
		cmocka_unit_test(only_the_user_makes_it_the_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
