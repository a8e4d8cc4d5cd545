/* SPDX-License-Identifier: MIT */
/* Unit tests for the restricted-token table (src/windows/token.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "windows/logic.h"

#define CAP_A "S-1-5-21-1-2-3-4"
#define CAP_B "S-1-5-21-5-6-7-8"
#define LOGON "S-1-5-5-0-123456"

static void unelevated_token_has_the_documented_flags(void **state)
{
	const struct win_token_spec *t = &win_token_unelevated;

	(void)state;
	assert_int_equal(t->flags, WIN_TOKEN_DISABLE_MAX_PRIVILEGE |
					   WIN_TOKEN_LUA_TOKEN |
					   WIN_TOKEN_WRITE_RESTRICTED);
	assert_int_equal(t->flags & WIN_TOKEN_SANDBOX_INERT, 0);
	assert_int_equal(t->n_kept_privileges, 1);
	assert_string_equal(t->kept_privileges[0], "SeChangeNotifyPrivilege");
}

static void restricting_sids_are_capabilities_logon_everyone(void **state)
{
	const struct win_token_spec *t = &win_token_unelevated;

	(void)state;
	assert_int_equal(t->n_restricting, 3);
	assert_int_equal(t->restricting[0], WIN_TOKEN_SID_CAPABILITIES);
	assert_int_equal(t->restricting[1], WIN_TOKEN_SID_LOGON);
	assert_int_equal(t->restricting[2], WIN_TOKEN_SID_EVERYONE);
	for (size_t i = 0; i < t->n_restricting; i++) {
		assert_int_not_equal(t->restricting[i], WIN_TOKEN_SID_USER);
		assert_int_not_equal(t->restricting[i], WIN_TOKEN_SID_SYSTEM);
	}
}

static void default_dacl_admits_the_runs_own_sids(void **state)
{
	const struct win_token_spec *t = &win_token_unelevated;
	bool user = false, logon = false, caps = false, everyone = false;

	(void)state;
	for (size_t i = 0; i < t->n_default_dacl; i++) {
		user |= t->default_dacl[i] == WIN_TOKEN_SID_USER;
		logon |= t->default_dacl[i] == WIN_TOKEN_SID_LOGON;
		caps |= t->default_dacl[i] == WIN_TOKEN_SID_CAPABILITIES;
		everyone |= t->default_dacl[i] == WIN_TOKEN_SID_EVERYONE;
	}
	assert_true(user && logon && caps);
	assert_false(everyone);
}

static void restricting_sids_of_a_run(void **state)
{
	const char *caps[] = { CAP_A, CAP_B, CAP_A };
	const char *sids[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(win_token_restricting_sids(&win_token_unelevated, caps,
						    3, LOGON, sids, 8, &n),
			 0);
	assert_int_equal(n, 4);
	assert_string_equal(sids[0], CAP_A);
	assert_string_equal(sids[1], CAP_B);
	assert_string_equal(sids[2], LOGON);
	assert_string_equal(sids[3], "S-1-1-0");
}

static void restricting_sids_refuse_bad_input(void **state)
{
	const char *caps[] = { CAP_A };
	const char *not_cap[] = { "S-1-5-32-544" };
	const char *sids[8];
	size_t n = 99;

	(void)state;
	assert_int_equal(win_token_restricting_sids(&win_token_unelevated, caps,
						    0, LOGON, sids, 8, &n),
			 -EINVAL);
	assert_int_equal(win_token_restricting_sids(&win_token_unelevated,
						    not_cap, 1, LOGON, sids, 8,
						    &n),
			 -EINVAL);
	/* A logon SID is S-1-5-5-X-Y. */
	assert_int_equal(win_token_restricting_sids(&win_token_unelevated, caps,
						    1, "S-1-5-18", sids, 8, &n),
			 -EINVAL);
	assert_int_equal(win_token_restricting_sids(&win_token_unelevated, caps,
						    1, "S-1-5-5-1", sids, 8,
						    &n),
			 -EINVAL);
	assert_int_equal(win_token_restricting_sids(&win_token_unelevated, caps,
						    1, LOGON, sids, 2, &n),
			 -ENOSPC);
	assert_int_equal(n, 99);
}

/* A spec that named the user as a restricting SID would let every write
 * the user may do through: refused, not built. */
static void user_sid_cannot_restrict(void **state)
{
	static const enum win_token_sid_source bad[] = {
		WIN_TOKEN_SID_CAPABILITIES,
		WIN_TOKEN_SID_USER,
	};
	const struct win_token_spec spec = { .restricting = bad,
					     .n_restricting = 2 };
	const char *caps[] = { CAP_A };
	const char *sids[8];
	size_t n;

	(void)state;
	assert_int_equal(
		win_token_restricting_sids(&spec, caps, 1, LOGON, sids, 8, &n),
		-EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unelevated_token_has_the_documented_flags),
		cmocka_unit_test(
			restricting_sids_are_capabilities_logon_everyone),
		cmocka_unit_test(default_dacl_admits_the_runs_own_sids),
		cmocka_unit_test(restricting_sids_of_a_run),
		cmocka_unit_test(restricting_sids_refuse_bad_input),
		cmocka_unit_test(user_sid_cannot_restrict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
