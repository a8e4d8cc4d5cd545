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
#define LAUNCH "S-1-5-21-9-10-11-12"
#define USER "S-1-5-21-100-200-300-1011"

/* The SIDs of one launch: caps, the logon SID, and what a spec may name. */
static struct win_token_sids sids_of(const char *const *caps, size_t n,
				     const char *logon)
{
	return (struct win_token_sids){ .caps = caps,
					.n_caps = n,
					.logon = logon,
					.launch = LAUNCH,
					.user = USER };
}

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
	struct win_token_sids in = sids_of(caps, 3, LOGON);

	assert_int_equal(win_token_restricting_sids(&win_token_unelevated, &in,
						    sids, 8, &n),
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
	const struct win_token_spec *t = &win_token_unelevated;
	struct win_token_sids none = sids_of(caps, 0, LOGON),
			      bad_cap = sids_of(not_cap, 1, LOGON),
			      system = sids_of(caps, 1, "S-1-5-18"),
			      short_logon = sids_of(caps, 1, "S-1-5-5-1"),
			      no_logon = sids_of(caps, 1, NULL),
			      good = sids_of(caps, 1, LOGON);
	const char *sids[8];
	size_t n = 99;

	(void)state;
	assert_int_equal(win_token_restricting_sids(t, &none, sids, 8, &n),
			 -EINVAL);
	assert_int_equal(win_token_restricting_sids(t, &bad_cap, sids, 8, &n),
			 -EINVAL);
	/* A logon SID is S-1-5-5-X-Y. */
	assert_int_equal(win_token_restricting_sids(t, &system, sids, 8, &n),
			 -EINVAL);
	assert_int_equal(
		win_token_restricting_sids(t, &short_logon, sids, 8, &n),
		-EINVAL);
	assert_int_equal(win_token_restricting_sids(t, &no_logon, sids, 8, &n),
			 -EINVAL);
	assert_int_equal(win_token_restricting_sids(t, &good, sids, 2, &n),
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
	struct win_token_sids in = sids_of(caps, 1, LOGON);
	const char *sids[8];
	size_t n;

	(void)state;
	assert_int_equal(win_token_restricting_sids(&spec, &in, sids, 8, &n),
			 -EINVAL);
}

static bool names(const char *const *sids, size_t n, const char *sid)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(sids[i], sid) == 0)
			return true;
	}
	return false;
}

/* The elevated token: the runner's logon SID is the real user's (the
 * secondary logon service's doing), so it must grant nothing: deny-only,
 * neither restricting nor in the default DACL; the launch's SID takes
 * both places. */
static void elevated_token_disables_the_logon_sid(void **state)
{
	const struct win_token_spec *t = &win_token_elevated;
	const char *caps[] = { CAP_A, CAP_B };
	struct win_token_sids in = sids_of(caps, 2, LOGON);
	const char *restricting[8], *disabled[8], *dacl[8];
	size_t n_r, n_d, n_a;

	(void)state;
	assert_int_equal(t->flags, win_token_unelevated.flags);
	assert_int_equal(
		win_token_restricting_sids(t, &in, restricting, 8, &n_r), 0);
	assert_int_equal(win_token_disabled_sids(t, &in, disabled, 8, &n_d), 0);
	assert_int_equal(win_token_default_dacl_sids(t, &in, dacl, 8, &n_a), 0);
	assert_int_equal(n_d, 1);
	assert_string_equal(disabled[0], LOGON);
	assert_false(names(restricting, n_r, LOGON));
	assert_false(names(dacl, n_a, LOGON));
	assert_int_equal(n_r, 4);
	assert_string_equal(restricting[0], CAP_A);
	assert_string_equal(restricting[1], CAP_B);
	assert_string_equal(restricting[2], LAUNCH);
	assert_string_equal(restricting[3], "S-1-1-0");
	assert_true(names(dacl, n_a, USER) && names(dacl, n_a, LAUNCH) &&
		    names(dacl, n_a, CAP_A) && names(dacl, n_a, CAP_B) &&
		    names(dacl, n_a, "S-1-5-18"));
	assert_false(names(dacl, n_a, "S-1-1-0"));
	/* Both tokens keep the same privileges: rtoken.c checks one list. */
	assert_int_equal(t->n_kept_privileges,
			 win_token_unelevated.n_kept_privileges);
	assert_string_equal(t->kept_privileges[0],
			    win_token_unelevated.kept_privileges[0]);
}

/* The unelevated token disables nothing, and needs no launch SID. */
static void unelevated_token_disables_nothing(void **state)
{
	const char *caps[] = { CAP_A };
	struct win_token_sids in = sids_of(caps, 1, LOGON);
	const char *sids[8];
	size_t n = 99;

	(void)state;
	in.launch = NULL;
	assert_int_equal(win_token_disabled_sids(&win_token_unelevated, &in,
						 sids, 8, &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(win_token_default_dacl_sids(&win_token_unelevated, &in,
						     sids, 8, &n),
			 0);
	assert_true(names(sids, n, LOGON) && names(sids, n, USER));
}

/* A launch SID must be capability-shaped, and present where named. */
static void elevated_token_needs_a_launch_sid(void **state)
{
	const char *caps[] = { CAP_A };
	struct win_token_sids in = sids_of(caps, 1, LOGON);
	const char *sids[8];
	size_t n;

	(void)state;
	in.launch = NULL;
	assert_int_equal(win_token_restricting_sids(&win_token_elevated, &in,
						    sids, 8, &n),
			 -EINVAL);
	in.launch = "S-1-5-32-545";
	assert_int_equal(win_token_restricting_sids(&win_token_elevated, &in,
						    sids, 8, &n),
			 -EINVAL);
	in.launch = LAUNCH;
	in.user = "not a SID";
	assert_int_equal(win_token_default_dacl_sids(&win_token_elevated, &in,
						     sids, 8, &n),
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
		cmocka_unit_test(elevated_token_disables_the_logon_sid),
		cmocka_unit_test(unelevated_token_disables_nothing),
		cmocka_unit_test(elevated_token_needs_a_launch_sid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
