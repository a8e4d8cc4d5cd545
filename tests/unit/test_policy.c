/* SPDX-License-Identifier: MIT */
/* Unit tests for the policy handle, its setters and the word parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "core/internal.h"

static int setup_policy(void **state)
{
	paddock_policy *p = NULL;

	if (paddock_policy_new(&p) < 0)
		return -1;
	*state = p;
	return 0;
}

static int teardown_policy(void **state)
{
	paddock_policy_free(*state);
	return 0;
}

static void new_policy_has_documented_defaults(void **state)
{
	paddock_policy *p = *state;
	unsigned long ms = 1;

	assert_int_equal(p->mode, PADDOCK_MODE_WORKSPACE_WRITE);
	assert_null(p->workspace);
	assert_int_equal(p->network, PADDOCK_NETWORK_OFF);
	assert_true(p->tmp_writable);
	assert_true(p->inherit_env);
	assert_int_equal(p->env.len, 0);
	assert_int_equal(p->writable_roots.len, 0);
	assert_int_equal(p->deny_read.len, 0);
	assert_null(p->log_fn);
	paddock_policy_get_timeout_ms(p, &ms);
	assert_int_equal(ms, 0);
}

static void new_policy_lists_default_protected_names_first(void **state)
{
	paddock_policy *p = *state;
	const char *const *names;
	size_t n = paddock_policy_protected_names(p, &names), i;

	assert_true(n >= 3);
	assert_string_equal(names[0], ".git");
	assert_string_equal(names[1], ".agents");
	assert_string_equal(names[2], ".paddock");
	for (i = 0; policy_default_protected_names[i]; i++)
		assert_string_equal(names[i],
				    policy_default_protected_names[i]);
	assert_int_equal(n, i);
	assert_null(names[n]);
}

static void free_accepts_null(void **state)
{
	(void)state;
	paddock_policy_free(NULL);
}

static void set_mode_accepts_each_mode_and_rejects_others(void **state)
{
	paddock_policy *p = *state;

	assert_int_equal(paddock_policy_set_mode(p, PADDOCK_MODE_READ_ONLY), 0);
	assert_int_equal(p->mode, PADDOCK_MODE_READ_ONLY);
	assert_int_equal(paddock_policy_set_mode(p, PADDOCK_MODE_FULL_ACCESS),
			 0);
	assert_int_equal(p->mode, PADDOCK_MODE_FULL_ACCESS);
	assert_int_equal(paddock_policy_set_mode(p, (enum paddock_mode)3),
			 -EINVAL);
	assert_int_equal(paddock_policy_set_mode(p, (enum paddock_mode) - 1),
			 -EINVAL);
	assert_int_equal(p->mode, PADDOCK_MODE_FULL_ACCESS);
}

static void set_network_accepts_on_off_and_rejects_others(void **state)
{
	paddock_policy *p = *state;

	assert_int_equal(paddock_policy_set_network(p, PADDOCK_NETWORK_ON), 0);
	assert_int_equal(p->network, PADDOCK_NETWORK_ON);
	assert_int_equal(paddock_policy_set_network(p, (enum paddock_network)3),
			 -EINVAL);
	assert_int_equal(p->network, PADDOCK_NETWORK_ON);
	assert_int_equal(paddock_policy_set_network(p, PADDOCK_NETWORK_PROXY),
			 0);
	assert_int_equal(p->network, PADDOCK_NETWORK_PROXY);
	assert_int_equal(paddock_policy_set_network(p, PADDOCK_NETWORK_OFF), 0);
	assert_int_equal(p->network, PADDOCK_NETWORK_OFF);
}

static void domain_patterns_are_checked_when_added(void **state)
{
	paddock_policy *p = *state;
	struct paddock_error err = { 0 };

	assert_int_equal(paddock_policy_allow_domain(p, "pypi.org", &err), 0);
	assert_int_equal(
		paddock_policy_allow_domain(p, "*.pythonhosted.org:443", &err),
		0);
	assert_int_equal(paddock_policy_deny_domain(p, "[2001:db8::1]", &err),
			 0);
	assert_int_equal(p->allow_domains.len, 2);
	assert_int_equal(p->deny_domains.len, 1);
	assert_string_equal(p->allow_domains.items[1],
			    "*.pythonhosted.org:443");

	static const char *const bad[] = {
		"*",	      "a.*.com", "*example.com", "host:0",
		"host:65536", "",	 "bad name",	 "h\xc3\xa9.com"
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = (struct paddock_error){ 0 };
		assert_int_equal(paddock_policy_allow_domain(p, bad[i], &err),
				 -EINVAL);
		assert_int_equal(err.step, PADDOCK_STEP_POLICY);
		assert_non_null(err.message);
	}
	assert_int_equal(paddock_policy_allow_domain(p, NULL, &err), -EINVAL);
	assert_int_equal(p->allow_domains.len, 2);
}

static void proxy_resolve_takes_name_and_address(void **state)
{
	paddock_policy *p = *state;
	struct paddock_error err = { 0 };

	assert_int_equal(
		paddock_policy_proxy_resolve(p, "a.test=127.0.0.1", &err), 0);
	assert_int_equal(paddock_policy_proxy_resolve(p, "b.test=[::1]", &err),
			 0);
	assert_int_equal(paddock_policy_proxy_resolve(p, "b.test=::1", &err),
			 0);
	assert_int_equal(p->proxy_resolve.len, 3);
	static const char *const bad[] = { "a.test",	      "=127.0.0.1",
					   "1.2.3.4=1.2.3.4", "a.test=",
					   "a.test=host",     "a.test=127.1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(paddock_policy_proxy_resolve(p, bad[i], &err),
				 -EINVAL);
	assert_int_equal(p->proxy_resolve.len, 3);
}

static void proxy_options_need_proxy_mode(void **state)
{
	paddock_policy *p = *state;
	struct paddock_error err = { 0 };

	assert_int_equal(policy_check_network(p, &err), 0);
	assert_int_equal(paddock_policy_set_proxy_report(p, 1), 0);
	assert_int_equal(policy_check_network(p, &err), -EINVAL);
	assert_string_equal(err.operand, "--proxy-report");
	assert_int_equal(paddock_policy_set_proxy_report(p, -1), 0);
	assert_int_equal(paddock_policy_set_proxy_report(p, -2), -EINVAL);
	assert_int_equal(paddock_policy_deny_domain(p, "x.test", &err), 0);
	assert_int_equal(policy_check_network(p, &err), -EINVAL);
	assert_string_equal(err.operand, "--deny-domain");
	assert_int_equal(paddock_policy_set_network(p, PADDOCK_NETWORK_ON), 0);
	assert_int_equal(policy_check_network(p, &err), -EINVAL);
	assert_int_equal(paddock_policy_set_network(p, PADDOCK_NETWORK_PROXY),
			 0);
	assert_int_equal(policy_check_network(p, &err), 0);
}

static void set_workspace_copies_and_replaces(void **state)
{
	paddock_policy *p = *state;
	char path[] = "/srv/one";

	assert_int_equal(paddock_policy_set_workspace(p, path), 0);
	path[1] = 'X';
	assert_string_equal(p->workspace, "/srv/one");
	assert_int_equal(paddock_policy_set_workspace(p, "rel/two"), 0);
	assert_string_equal(p->workspace, "rel/two");
}

static void path_setters_reject_null_empty_and_too_long(void **state)
{
	paddock_policy *p = *state;
	static char longest[PATH_MAX + 1];

	memset(longest, 'a', PATH_MAX);
	longest[0] = '/';
	assert_int_equal(paddock_policy_set_workspace(p, NULL), -EINVAL);
	assert_int_equal(paddock_policy_set_workspace(p, ""), -EINVAL);
	assert_int_equal(paddock_policy_set_workspace(p, longest), -EINVAL);
	assert_null(p->workspace);
	assert_int_equal(paddock_policy_add_writable_root(p, NULL), -EINVAL);
	assert_int_equal(paddock_policy_add_writable_root(p, ""), -EINVAL);
	assert_int_equal(paddock_policy_add_writable_root(p, longest), -EINVAL);
	assert_int_equal(p->writable_roots.len, 0);
	assert_int_equal(paddock_policy_add_deny_read(p, NULL), -EINVAL);
	assert_int_equal(paddock_policy_add_deny_read(p, ""), -EINVAL);
	assert_int_equal(paddock_policy_add_deny_read(p, longest), -EINVAL);
	assert_int_equal(p->deny_read.len, 0);
}

static void path_setters_accept_longest_valid_path(void **state)
{
	paddock_policy *p = *state;
	static char path[PATH_MAX];

	memset(path, 'a', PATH_MAX - 1);
	path[0] = '/';
	assert_int_equal(paddock_policy_set_workspace(p, path), 0);
	assert_int_equal(paddock_policy_add_writable_root(p, path), 0);
	assert_int_equal(paddock_policy_add_deny_read(p, path), 0);
}

static void add_writable_root_and_deny_read_keep_order(void **state)
{
	paddock_policy *p = *state;

	assert_int_equal(paddock_policy_add_writable_root(p, "/w1"), 0);
	assert_int_equal(paddock_policy_add_writable_root(p, "w2"), 0);
	assert_int_equal(paddock_policy_add_deny_read(p, "/d1"), 0);
	assert_int_equal(p->writable_roots.len, 2);
	assert_string_equal(p->writable_roots.items[0], "/w1");
	assert_string_equal(p->writable_roots.items[1], "w2");
	assert_int_equal(p->deny_read.len, 1);
	assert_string_equal(p->deny_read.items[0], "/d1");
}

static void add_protected_name_appends_new_name(void **state)
{
	paddock_policy *p = *state;
	const char *const *names;
	size_t before = paddock_policy_protected_names(p, &names);

	assert_int_equal(paddock_policy_add_protected_name(p, ".hg"), 0);
	assert_int_equal(paddock_policy_protected_names(p, &names), before + 1);
	assert_string_equal(names[before], ".hg");
}

static void add_protected_name_ignores_duplicates(void **state)
{
	paddock_policy *p = *state;
	const char *const *names;
	size_t before = paddock_policy_protected_names(p, &names);

	assert_int_equal(paddock_policy_add_protected_name(p, ".git"), 0);
	assert_int_equal(paddock_policy_add_protected_name(p, ".hg"), 0);
	assert_int_equal(paddock_policy_add_protected_name(p, ".hg"), 0);
	assert_int_equal(paddock_policy_protected_names(p, &names), before + 1);
}

static void add_protected_name_rejects_invalid_names(void **state)
{
	paddock_policy *p = *state;
	static const char *const bad[] = { "",	".",	"..",	    "a/b",
					   "/", "/abs", "trailing/" };
	const char *const *names;
	size_t before = paddock_policy_protected_names(p, &names);
	char too_long[NAME_MAX + 2];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(paddock_policy_add_protected_name(p, bad[i]),
				 -EINVAL);
	assert_int_equal(paddock_policy_add_protected_name(p, NULL), -EINVAL);
	memset(too_long, 'n', NAME_MAX + 1);
	too_long[NAME_MAX + 1] = '\0';
	assert_int_equal(paddock_policy_add_protected_name(p, too_long),
			 -EINVAL);
	assert_int_equal(paddock_policy_protected_names(p, &names), before);
}

static void add_protected_name_accepts_name_max_and_dots(void **state)
{
	paddock_policy *p = *state;
	char longest[NAME_MAX + 1];

	memset(longest, 'n', NAME_MAX);
	longest[NAME_MAX] = '\0';
	assert_int_equal(paddock_policy_add_protected_name(p, longest), 0);
	assert_int_equal(paddock_policy_add_protected_name(p, "..."), 0);
	assert_int_equal(paddock_policy_add_protected_name(p, ".hg"), 0);
	assert_true(strv_contains(&p->protected_names, longest));
	assert_true(strv_contains(&p->protected_names, "..."));
}

static void set_tmp_writable_toggles(void **state)
{
	paddock_policy *p = *state;

	assert_int_equal(paddock_policy_set_tmp_writable(p, false), 0);
	assert_false(p->tmp_writable);
	assert_int_equal(paddock_policy_set_tmp_writable(p, true), 0);
	assert_true(p->tmp_writable);
}

static void set_timeout_round_trips(void **state)
{
	paddock_policy *p = *state;
	unsigned long ms = 0;

	assert_int_equal(paddock_policy_set_timeout_ms(p, 1500), 0);
	paddock_policy_get_timeout_ms(p, &ms);
	assert_int_equal(ms, 1500);
	assert_int_equal(paddock_policy_set_timeout_ms(p, 0), 0);
	paddock_policy_get_timeout_ms(p, &ms);
	assert_int_equal(ms, 0);
}

static void log_fn(enum paddock_log_level level, const char *message,
		   void *userdata)
{
	(void)level;
	(void)message;
	(void)userdata;
}

static void set_log_stores_callback(void **state)
{
	paddock_policy *p = *state;
	int cookie;

	paddock_policy_set_log(p, PADDOCK_LOG_DEBUG, log_fn, &cookie);
	assert_int_equal(p->log_level, PADDOCK_LOG_DEBUG);
	assert_ptr_equal(p->log_fn, log_fn);
	assert_ptr_equal(p->log_userdata, &cookie);
}

static void set_environment_copies_entries(void **state)
{
	paddock_policy *p = *state;
	char entry[] = "A=1";
	const char *envp[] = { entry, "EMPTY=", NULL };

	assert_int_equal(paddock_policy_set_environment(p, envp), 0);
	entry[2] = '9';
	assert_false(p->inherit_env);
	assert_int_equal(p->env.len, 2);
	assert_string_equal(p->env.items[0], "A=1");
	assert_string_equal(p->env.items[1], "EMPTY=");
	assert_null(p->env.items[2]);
}

static void set_environment_empty_array_means_empty_env(void **state)
{
	paddock_policy *p = *state;
	const char *envp[] = { NULL };

	assert_int_equal(paddock_policy_set_environment(p, envp), 0);
	assert_false(p->inherit_env);
	assert_int_equal(p->env.len, 0);
}

static void set_environment_rejects_entry_without_equals(void **state)
{
	paddock_policy *p = *state;
	const char *good[] = { "A=1", NULL };
	const char *bad[] = { "B=2", "NOEQUALS", NULL };

	assert_int_equal(paddock_policy_set_environment(p, bad), -EINVAL);
	assert_true(p->inherit_env);
	assert_int_equal(p->env.len, 0);
	assert_int_equal(paddock_policy_set_environment(p, good), 0);
	assert_int_equal(paddock_policy_set_environment(p, bad), -EINVAL);
	assert_false(p->inherit_env);
	assert_int_equal(p->env.len, 1);
	assert_string_equal(p->env.items[0], "A=1");
}

static void set_environment_null_restores_inheritance(void **state)
{
	paddock_policy *p = *state;
	const char *envp[] = { "A=1", NULL };

	assert_int_equal(paddock_policy_set_environment(p, envp), 0);
	assert_int_equal(paddock_policy_set_environment(p, NULL), 0);
	assert_true(p->inherit_env);
	assert_int_equal(p->env.len, 0);
}

static void mode_parse_accepts_the_three_modes(void **state)
{
	enum paddock_mode m = (enum paddock_mode) - 1;

	(void)state;
	assert_int_equal(paddock_mode_parse("read-only", &m), 0);
	assert_int_equal(m, PADDOCK_MODE_READ_ONLY);
	assert_int_equal(paddock_mode_parse("workspace-write", &m), 0);
	assert_int_equal(m, PADDOCK_MODE_WORKSPACE_WRITE);
	assert_int_equal(paddock_mode_parse("full-access", &m), 0);
	assert_int_equal(m, PADDOCK_MODE_FULL_ACCESS);
}

static void mode_parse_rejects_other_words(void **state)
{
	static const char *const bad[] = { "",		 "READ-ONLY",
					   "readonly",	 "read-only ",
					   " read-only", "workspace",
					   "full",	 "on" };
	enum paddock_mode m = PADDOCK_MODE_FULL_ACCESS;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(paddock_mode_parse(bad[i], &m), -EINVAL);
	assert_int_equal(m, PADDOCK_MODE_FULL_ACCESS);
}

static void network_parse_accepts_off_and_on(void **state)
{
	enum paddock_network n = (enum paddock_network) - 1;

	(void)state;
	assert_int_equal(paddock_network_parse("off", &n), 0);
	assert_int_equal(n, PADDOCK_NETWORK_OFF);
	assert_int_equal(paddock_network_parse("on", &n), 0);
	assert_int_equal(n, PADDOCK_NETWORK_ON);
	assert_int_equal(paddock_network_parse("proxy", &n), 0);
	assert_int_equal(n, PADDOCK_NETWORK_PROXY);
}

static void network_parse_rejects_other_words(void **state)
{
	static const char *const bad[] = { "",	"ON",	 "Off", "yes",
					   "1", "Proxy", "on ", "read-only" };
	enum paddock_network n = PADDOCK_NETWORK_ON;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(paddock_network_parse(bad[i], &n), -EINVAL);
	assert_int_equal(n, PADDOCK_NETWORK_ON);
}

static void timeout_parse_accepts_seconds(void **state)
{
	unsigned long ms = 0;

	(void)state;
	assert_int_equal(paddock_timeout_parse("1", &ms), 0);
	assert_int_equal(ms, 1000);
	assert_int_equal(paddock_timeout_parse("2.5", &ms), 0);
	assert_int_equal(ms, 2500);
	assert_int_equal(paddock_timeout_parse("0.001", &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(paddock_timeout_parse("31536000", &ms), 0);
	assert_int_equal(ms, 31536000000UL);
}

/* A positive timeout shorter than a millisecond must not become 0, which
 * would mean "no timeout". */
static void timeout_parse_rounds_tiny_values_up(void **state)
{
	unsigned long ms = 0;

	(void)state;
	assert_int_equal(paddock_timeout_parse("0.0001", &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(paddock_timeout_parse("1.0001", &ms), 0);
	assert_int_equal(ms, 1001);
}

/* A value given to the millisecond must come back exactly, not one more
 * because of binary floating point (4.001 * 1000 = 4001.0000000000005). */
static void timeout_parse_keeps_exact_milliseconds(void **state)
{
	unsigned long ms = 0;

	(void)state;
	assert_int_equal(paddock_timeout_parse("4.001", &ms), 0);
	assert_int_equal(ms, 4001);
	assert_int_equal(paddock_timeout_parse("2.007", &ms), 0);
	assert_int_equal(ms, 2007);
}

static void timeout_parse_rejects_bad_words(void **state)
{
	static const char *const bad[] = {
		"",	      "0",    "0.0",	  "-1",	 "+1", "abc",  "1e400",
		"inf",	      "nan",  "infinity", " 1",	 "1 ", "1s",   ".",
		"31536000.5", "1e10", "-0",	  "1,5", "0x", "2..5", "1e-400",
	};
	unsigned long ms = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = paddock_timeout_parse(bad[i], &ms);

		if (r != -EINVAL)
			fail_msg("\"%s\" gave %d, expected -EINVAL", bad[i], r);
	}
	assert_int_equal(ms, 42);
}

/* A leading blank of any kind is refused, not only a space. */
static void timeout_parse_rejects_leading_whitespace(void **state)
{
	static const char *const bad[] = { "\t1", "\n1", "\v1" };
	unsigned long ms = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = paddock_timeout_parse(bad[i], &ms);

		if (r != -EINVAL)
			fail_msg("\"%s\" gave %d, expected -EINVAL", bad[i], r);
	}
	assert_int_equal(ms, 42);
}

static void parse_seconds_matches_timeout_parse(void **state)
{
	unsigned long ms = 0;

	(void)state;
	assert_int_equal(parse_seconds("10", &ms), 0);
	assert_int_equal(ms, 10000);
	assert_int_equal(parse_seconds("nan", &ms), -EINVAL);
}

static void step_name_names_every_step(void **state)
{
	static const struct {
		enum paddock_step step;
		const char *name;
	} steps[] = {
		{ PADDOCK_STEP_NONE, "none" },
		{ PADDOCK_STEP_POLICY, "policy" },
		{ PADDOCK_STEP_PROFILE, "profile" },
		{ PADDOCK_STEP_WORKSPACE, "workspace" },
		{ PADDOCK_STEP_WRITABLE_ROOT, "writable root" },
		{ PADDOCK_STEP_PROTECTED_NAME, "protected name" },
		{ PADDOCK_STEP_DENY_READ, "deny-read path" },
		{ PADDOCK_STEP_PLACEHOLDER, "protected-name placeholder" },
		{ PADDOCK_STEP_USER_NAMESPACE, "user namespace" },
		{ PADDOCK_STEP_ID_MAP, "uid/gid map" },
		{ PADDOCK_STEP_MOUNT, "mount" },
		{ PADDOCK_STEP_PROC, "/proc mount" },
		{ PADDOCK_STEP_LOOPBACK, "loopback" },
		{ PADDOCK_STEP_NO_NEW_PRIVS, "no_new_privs" },
		{ PADDOCK_STEP_CAPABILITIES, "capabilities" },
		{ PADDOCK_STEP_LANDLOCK, "Landlock" },
		{ PADDOCK_STEP_SECCOMP, "seccomp" },
		{ PADDOCK_STEP_CHDIR, "working directory" },
		{ PADDOCK_STEP_SPAWN, "spawn" },
		{ PADDOCK_STEP_SESSION, "session" },
		{ PADDOCK_STEP_CAPABILITY_SID, "capability SID" },
		{ PADDOCK_STEP_TOKEN, "restricted token" },
		{ PADDOCK_STEP_ACL, "ACL" },
		{ PADDOCK_STEP_JOB, "job object" },
		{ PADDOCK_STEP_SETUP, "setup" },
		{ PADDOCK_STEP_RUNNER, "runner" },
		{ PADDOCK_STEP_PROXY, "proxy" },
		{ PADDOCK_STEP_UNSUPPORTED, "unsupported" },
	};

	(void)state;
	assert_int_equal(sizeof(steps) / sizeof(steps[0]),
			 PADDOCK_STEP_PROXY + 1);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		assert_string_equal(paddock_step_name(steps[i].step),
				    steps[i].name);
}

static void step_name_of_unknown_step_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(
		paddock_step_name((enum paddock_step)(PADDOCK_STEP_PROXY + 1)),
		"unknown");
	assert_string_equal(paddock_step_name((enum paddock_step)1000),
			    "unknown");
	assert_string_equal(paddock_step_name((enum paddock_step) - 1),
			    "unknown");
}

static void error_set_fills_error_and_returns_negative_code(void **state)
{
	struct paddock_error err = { .line = 7 };

	(void)state;
	assert_int_equal(
		error_set(&err, PADDOCK_STEP_MOUNT, EPERM, "/x", "why"),
		-EPERM);
	assert_int_equal(err.step, PADDOCK_STEP_MOUNT);
	assert_int_equal(err.code, EPERM);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.message, "why");
	assert_string_equal(err.operand, "/x");
	assert_int_equal(
		error_set(NULL, PADDOCK_STEP_MOUNT, ENOENT, NULL, NULL),
		-ENOENT);
	assert_int_equal(error_set(&err, PADDOCK_STEP_NONE, EINVAL, NULL, NULL),
			 -EINVAL);
	assert_string_equal(err.operand, "");
	assert_null(err.message);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_policy, teardown_policy)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(new_policy_has_documented_defaults),
		T(new_policy_lists_default_protected_names_first),
		cmocka_unit_test(free_accepts_null),
		T(set_mode_accepts_each_mode_and_rejects_others),
		T(set_network_accepts_on_off_and_rejects_others),
		T(domain_patterns_are_checked_when_added),
		T(proxy_resolve_takes_name_and_address),
		T(proxy_options_need_proxy_mode),
		T(set_workspace_copies_and_replaces),
		T(path_setters_reject_null_empty_and_too_long),
		T(path_setters_accept_longest_valid_path),
		T(add_writable_root_and_deny_read_keep_order),
		T(add_protected_name_appends_new_name),
		T(add_protected_name_ignores_duplicates),
		T(add_protected_name_rejects_invalid_names),
		T(add_protected_name_accepts_name_max_and_dots),
		T(set_tmp_writable_toggles),
		T(set_timeout_round_trips),
		T(set_log_stores_callback),
		T(set_environment_copies_entries),
		T(set_environment_empty_array_means_empty_env),
		T(set_environment_rejects_entry_without_equals),
		T(set_environment_null_restores_inheritance),
		cmocka_unit_test(mode_parse_accepts_the_three_modes),
		cmocka_unit_test(mode_parse_rejects_other_words),
		cmocka_unit_test(network_parse_accepts_off_and_on),
		cmocka_unit_test(network_parse_rejects_other_words),
		cmocka_unit_test(timeout_parse_accepts_seconds),
		cmocka_unit_test(timeout_parse_rounds_tiny_values_up),
		cmocka_unit_test(timeout_parse_keeps_exact_milliseconds),
		cmocka_unit_test(timeout_parse_rejects_bad_words),
		cmocka_unit_test(timeout_parse_rejects_leading_whitespace),
		cmocka_unit_test(parse_seconds_matches_timeout_parse),
		cmocka_unit_test(step_name_names_every_step),
		cmocka_unit_test(step_name_of_unknown_step_is_unknown),
		cmocka_unit_test(
			error_set_fills_error_and_returns_negative_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
