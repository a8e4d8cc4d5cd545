/* SPDX-License-Identifier: MIT */
/* Unit tests for the network-off environment (src/windows/netenv.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "windows/logic.h"

#define STUBS "C:\\Users\\me\\AppData\\Local\\paddock\\stubs"

/* The value of the entry named name (compared without case), and how many
 * entries have that name. */
static const char *get(char **env, const char *name, size_t *ret_count)
{
	const char *value = NULL;
	size_t len = strlen(name), count = 0;

	for (size_t i = 0; env[i]; i++) {
		if (strncasecmp(env[i], name, len) == 0 && env[i][len] == '=') {
			value = env[i] + len + 1;
			count++;
		}
	}
	if (ret_count)
		*ret_count = count;
	return value;
}

static char **offline(const char *const *envp)
{
	char **env = NULL;

	assert_int_equal(win_netenv_offline(envp, STUBS, ".CMD", &env), 0);
	return env;
}

static void proxies_point_at_the_discard_port(void **state)
{
	const char *envp[] = { "http_proxy=http://corp:3128",
			       "Https_Proxy=http://corp:3128", "no_proxy=*",
			       "NO_PROXY=localhost", NULL };
	char **env = offline(envp);
	size_t n;

	(void)state;
	assert_string_equal(get(env, "HTTP_PROXY", &n), "http://127.0.0.1:9");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "HTTPS_PROXY", &n), "http://127.0.0.1:9");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "ALL_PROXY", NULL), "http://127.0.0.1:9");
	assert_string_equal(get(env, "FTP_PROXY", NULL), "http://127.0.0.1:9");
	assert_null(get(env, "NO_PROXY", &n));
	assert_int_equal(n, 0);
	win_netenv_free(env);
}

static void tools_get_their_offline_switches(void **state)
{
	const char *envp[] = { "GIT_SSH_COMMAND=ssh -i key", "PIP_NO_INDEX=0",
			       "NPM_CONFIG_OFFLINE=false", NULL };
	char **env = offline(envp);
	size_t n;

	(void)state;
	assert_string_equal(get(env, "GIT_SSH_COMMAND", &n), "false");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "GIT_ALLOW_PROTOCOL", NULL), "file");
	assert_string_equal(get(env, "PIP_NO_INDEX", &n), "1");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "npm_config_offline", &n), "true");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "CARGO_NET_OFFLINE", NULL), "true");
	win_netenv_free(env);
}

static void git_proxy_is_appended_after_the_callers_entries(void **state)
{
	const char *none[] = { NULL };
	const char *two[] = { "GIT_CONFIG_COUNT=2",
			      "GIT_CONFIG_KEY_0=user.name",
			      "GIT_CONFIG_VALUE_0=me",
			      "GIT_CONFIG_KEY_1=http.proxy",
			      "GIT_CONFIG_VALUE_1=http://corp:3128",
			      "GIT_CONFIG_KEY_2=stale",
			      "GIT_CONFIG_VALUE_2=stale",
			      NULL };
	char **env = offline(none);
	size_t n;

	(void)state;
	assert_string_equal(get(env, "GIT_CONFIG_COUNT", NULL), "1");
	assert_string_equal(get(env, "GIT_CONFIG_KEY_0", NULL), "http.proxy");
	assert_string_equal(get(env, "GIT_CONFIG_VALUE_0", NULL),
			    "http://127.0.0.1:9");
	win_netenv_free(env);

	env = offline(two);
	assert_string_equal(get(env, "GIT_CONFIG_COUNT", &n), "3");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "GIT_CONFIG_KEY_0", NULL), "user.name");
	assert_string_equal(get(env, "GIT_CONFIG_VALUE_1", NULL),
			    "http://corp:3128");
	assert_string_equal(get(env, "GIT_CONFIG_KEY_2", &n), "http.proxy");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "GIT_CONFIG_VALUE_2", &n),
			    "http://127.0.0.1:9");
	assert_int_equal(n, 1);
	win_netenv_free(env);
}

static void malformed_git_config_count_is_refused(void **state)
{
	static const char *const bad[] = { "GIT_CONFIG_COUNT=",
					   "GIT_CONFIG_COUNT=-1",
					   "GIT_CONFIG_COUNT=1x",
					   "GIT_CONFIG_COUNT= 1",
					   "GIT_CONFIG_COUNT=99999999999",
					   NULL };
	char **env = NULL;

	(void)state;
	for (size_t i = 0; bad[i]; i++) {
		const char *envp[] = { bad[i], NULL };

		assert_int_equal(win_netenv_offline(envp, STUBS, ".CMD", &env),
				 -EINVAL);
	}
	assert_null(env);
}

static void stubs_come_first_on_path(void **state)
{
	const char *envp[] = { "Path=C:\\Windows\\system32;C:\\Git\\cmd",
			       "PATHEXT=.COM;.EXE;.BAT;.cmd;.VBS", NULL };
	const char *none[] = { NULL };
	char **env = offline(envp);
	size_t n;

	(void)state;
	assert_string_equal(get(env, "PATH", &n),
			    STUBS ";C:\\Windows\\system32;C:\\Git\\cmd");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "PATHEXT", &n),
			    ".CMD;.COM;.EXE;.BAT;.VBS");
	assert_int_equal(n, 1);
	win_netenv_free(env);

	env = offline(none);
	assert_string_equal(get(env, "PATH", NULL), STUBS);
	assert_string_equal(get(env, "PATHEXT", NULL), ".CMD;.COM;.EXE;.BAT");
	win_netenv_free(env);
}

static void other_variables_are_kept_once(void **state)
{
	const char *envp[] = { "=C:=C:\\ws", "USERPROFILE=C:\\Users\\me",
			       "Temp=C:\\t", "TEMP=C:\\other",
			       "EMPTY=",     "WEIRD=a=b",
			       NULL };
	char **env = offline(envp);
	size_t n;

	(void)state;
	assert_string_equal(get(env, "=C:", NULL), "C:\\ws");
	assert_string_equal(get(env, "USERPROFILE", NULL), "C:\\Users\\me");
	assert_string_equal(get(env, "TEMP", &n), "C:\\t");
	assert_int_equal(n, 1);
	assert_string_equal(get(env, "EMPTY", NULL), "");
	assert_string_equal(get(env, "WEIRD", NULL), "a=b");
	win_netenv_free(env);
}

/* Compare two entries' names as Windows sorts them: upper-cased. */
static int compare_upper(const char *a, const char *b)
{
	size_t na = strchr(a + 1, '=') - a, nb = strchr(b + 1, '=') - b;

	for (size_t i = 0; i < na && i < nb; i++) {
		int x = toupper((unsigned char)a[i]);
		int y = toupper((unsigned char)b[i]);

		if (x != y)
			return x - y;
	}
	return na < nb ? -1 : na > nb;
}

/* CreateProcessW wants the block sorted by name, upper-cased. */
static void result_is_sorted_as_windows_wants(void **state)
{
	const char *envp[] = { "zeta=1",   "GITHUB_TOKEN=x", "alpha=2",
			       "=D:=D:\\", "A1=3",	     "A=4",
			       NULL };
	char **env = offline(envp);
	size_t i;

	(void)state;
	assert_string_equal(env[0], "=D:=D:\\");
	for (i = 1; env[i]; i++) {
		if (compare_upper(env[i - 1], env[i]) >= 0)
			fail_msg("\"%s\" before \"%s\"", env[i - 1], env[i]);
	}
	assert_true(i > 6);
	win_netenv_free(env);
}

static void underscore_sorts_after_letters(void **state)
{
	const char *envp[] = { "GIT_A=1", "GITHUB=2", NULL };
	char **env = offline(envp);
	size_t github = 0, git_a = 0;

	(void)state;
	for (size_t i = 0; env[i]; i++) {
		if (strncmp(env[i], "GITHUB=", 7) == 0)
			github = i;
		if (strncmp(env[i], "GIT_A=", 6) == 0)
			git_a = i;
	}
	assert_true(github < git_a);
	win_netenv_free(env);
}

static void bad_input_is_refused(void **state)
{
	const char *no_eq[] = { "NAME", NULL };
	const char *empty[] = { "", NULL };
	const char *none[] = { NULL };
	char **env = NULL;

	(void)state;
	assert_int_equal(win_netenv_offline(no_eq, STUBS, ".CMD", &env),
			 -EINVAL);
	assert_int_equal(win_netenv_offline(empty, STUBS, ".CMD", &env),
			 -EINVAL);
	assert_int_equal(win_netenv_offline(none, "", ".CMD", &env), -EINVAL);
	assert_int_equal(win_netenv_offline(none, "C:\\a;b", ".CMD", &env),
			 -EINVAL);
	assert_int_equal(win_netenv_offline(none, STUBS, "CMD", &env), -EINVAL);
	assert_int_equal(win_netenv_offline(none, STUBS, ".", &env), -EINVAL);
	assert_int_equal(win_netenv_offline(none, STUBS, ".A;B", &env),
			 -EINVAL);
	assert_null(env);
}

static void online_only_dedupes_and_sorts(void **state)
{
	static const char *const envp[] = { "b=1", "Path=C:\\x", "A=2",
					    "PATH=C:\\y", NULL };
	static const char *const empty[] = { NULL };
	char **env = NULL;

	(void)state;
	assert_int_equal(win_netenv_online(envp, &env), 0);
	assert_string_equal(env[0], "A=2");
	assert_string_equal(env[1], "b=1");
	assert_string_equal(env[2], "Path=C:\\x");
	assert_null(env[3]);
	assert_string_equal(win_netenv_get((const char *const *)env, "path"),
			    "C:\\x");
	assert_null(win_netenv_get((const char *const *)env, "PATHEXT"));
	win_netenv_free(env);
	assert_int_equal(win_netenv_online(empty, &env), 0);
	assert_null(env[0]);
	win_netenv_free(env);
}

static size_t count_named(char **env, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; env[i]; i++)
		n += strncasecmp(env[i], name, strlen(name)) == 0 &&
		     env[i][strlen(name)] == '=';
	return n;
}

static void proxy_points_clients_at_the_port_once_each(void **state)
{
	static const char *const envp[] = { "http_proxy=http://corp:8080",
					    "HTTPS_PROXY=http://corp:8080",
					    "Path=C:\\bin",
					    "java_tool_options=-Xmx1g",
					    "npm_config_proxy=x",
					    NULL };
	char **env = NULL;
	const char *const *e;

	(void)state;
	assert_int_equal(win_netenv_proxy(envp, 3130, &env), 0);
	e = (const char *const *)env;
	assert_string_equal(win_netenv_get(e, "http_proxy"),
			    "http://127.0.0.1:3130");
	assert_string_equal(win_netenv_get(e, "HTTPS_PROXY"),
			    "http://127.0.0.1:3130");
	assert_string_equal(win_netenv_get(e, "ALL_PROXY"),
			    "socks5h://127.0.0.1:3130");
	assert_string_equal(win_netenv_get(e, "NO_PROXY"),
			    "localhost,127.0.0.1,::1");
	assert_string_equal(win_netenv_get(e, "npm_config_proxy"),
			    "http://127.0.0.1:3130");
	assert_string_equal(win_netenv_get(e, "PIP_PROXY"),
			    "http://127.0.0.1:3130");
	assert_string_equal(win_netenv_get(e, "PATH"), "C:\\bin");
	assert_string_equal(
		win_netenv_get(e, "JAVA_TOOL_OPTIONS"),
		"-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=3130 "
		"-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=3130 "
		"-Dhttp.nonProxyHosts=localhost|127.0.0.1 -Xmx1g");
	/* One entry per name, whatever the spellings. */
	assert_int_equal(count_named(env, "HTTP_PROXY"), 1);
	assert_int_equal(count_named(env, "NO_PROXY"), 1);
	assert_int_equal(count_named(env, "JAVA_TOOL_OPTIONS"), 1);
	/* Sorted as Windows sorts a block: names folded to upper case. */
	for (size_t i = 1; env[i]; i++) {
		const char *a = env[i - 1], *b = env[i];

		while (*a && *a != '=' &&
		       toupper((unsigned char)*a) ==
			       toupper((unsigned char)*b)) {
			a++;
			b++;
		}
		assert_true((*a == '=' ? 0 : toupper((unsigned char)*a)) <
			    (*b == '=' ? 0 : toupper((unsigned char)*b)));
	}
	win_netenv_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proxy_points_clients_at_the_port_once_each),
		cmocka_unit_test(online_only_dedupes_and_sorts),
		cmocka_unit_test(proxies_point_at_the_discard_port),
		cmocka_unit_test(tools_get_their_offline_switches),
		cmocka_unit_test(
			git_proxy_is_appended_after_the_callers_entries),
		cmocka_unit_test(malformed_git_config_count_is_refused),
		cmocka_unit_test(stubs_come_first_on_path),
		cmocka_unit_test(other_variables_are_kept_once),
		cmocka_unit_test(result_is_sorted_as_windows_wants),
		cmocka_unit_test(underscore_sorts_after_letters),
		cmocka_unit_test(bad_input_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
