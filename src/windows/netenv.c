/* SPDX-License-Identifier: MIT */
/*
 * The environment of a run with the network off, in the unelevated mode.
 *
 * Without administrator rights no firewall rule can be installed, so this
 * is advisory: it makes well-behaved tools fail at once instead of reaching
 * the network, and a program with its own socket code walks past all of it.
 * The CLI says so; the elevated mode is the real boundary.
 *
 * What is set, and why each is enough for its tool:
 * - HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, FTP_PROXY: the discard port on
 *   127.0.0.1, where connections fail at once; NO_PROXY is removed, since
 *   any host it names would be reached directly.
 * - git: http.proxy through GIT_CONFIG_COUNT/KEY/VALUE, appended after the
 *   caller's own entries so that it wins over them; GIT_ALLOW_PROTOCOL=file
 *   refuses every network transport; GIT_SSH_COMMAND=false fails at once
 *   (git runs it through its sh, which ignores the arguments). A URL-scoped
 *   "http.<url>.proxy" in the user's configuration still wins over
 *   http.proxy, which GIT_ALLOW_PROTOCOL covers.
 * - pip: PIP_NO_INDEX=1; npm: npm_config_offline=true; cargo:
 *   CARGO_NET_OFFLINE=true.
 * - PATH starts with the directory of failing ssh/scp stubs, and PATHEXT
 *   starts with the stubs' extension: some lookups try each extension
 *   across the whole PATH before the next one, and would otherwise find
 *   ssh.exe later on PATH before ssh.cmd in the stub directory.
 *
 * Windows compares environment names without regard to case, so every
 * spelling of a name set here ("Path", "http_proxy") is replaced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "proxy/proxy.h"
#include "windows/logic.h"

/* cmd.exe's list when PATHEXT is unset. */
#define DEFAULT_PATHEXT ".COM;.EXE;.BAT;.CMD"

static const char *const fixed[] = {
	"HTTP_PROXY=" WIN_NETENV_PROXY,
	"HTTPS_PROXY=" WIN_NETENV_PROXY,
	"ALL_PROXY=" WIN_NETENV_PROXY,
	"FTP_PROXY=" WIN_NETENV_PROXY,
	"GIT_ALLOW_PROTOCOL=file",
	"GIT_SSH_COMMAND=false",
	"PIP_NO_INDEX=1",
	"npm_config_offline=true",
	"CARGO_NET_OFFLINE=true",
	NULL,
};

/* Names dropped from the input: the ones set here, and NO_PROXY. */
static const char *const replaced[] = { "NO_PROXY", "GIT_CONFIG_COUNT", "PATH",
					"PATHEXT", NULL };

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* The length of an entry's name. A name may start with '=' (the per-drive
 * directories, "=C:=C:\dir"), so the separator is searched from the second
 * character. 0 when there is none. */
static size_t name_len(const char *entry)
{
	const char *eq = entry[0] ? strchr(entry + 1, '=') : NULL;

	return eq ? (size_t)(eq - entry) : 0;
}

static bool names_equal(const char *a, size_t a_len, const char *b,
			size_t b_len)
{
	if (a_len != b_len)
		return false;
	for (size_t i = 0; i < a_len; i++) {
		if (upper(a[i]) != upper(b[i]))
			return false;
	}
	return true;
}

static bool name_is(const char *entry, size_t len, const char *name)
{
	return names_equal(entry, len, name, strlen(name));
}

/* The value of name in envp, or NULL. */
static const char *lookup(const char *const *envp, const char *name)
{
	for (size_t i = 0; envp[i]; i++) {
		size_t n = name_len(envp[i]);

		if (name_is(envp[i], n, name))
			return envp[i] + n + 1;
	}
	return NULL;
}

static bool env_has(const struct strv *e, const char *entry, size_t len)
{
	for (size_t i = 0; i < e->len; i++) {
		if (names_equal(e->items[i], name_len(e->items[i]), entry, len))
			return true;
	}
	return false;
}

/* Whether the input entry is one this file sets or removes. */
static bool is_replaced(const char *entry, size_t len, unsigned long count)
{
	char key[40];

	for (size_t i = 0; fixed[i]; i++) {
		if (names_equal(entry, len, fixed[i], name_len(fixed[i])))
			return true;
	}
	for (size_t i = 0; replaced[i]; i++) {
		if (name_is(entry, len, replaced[i]))
			return true;
	}
	snprintf(key, sizeof(key), "GIT_CONFIG_KEY_%lu", count);
	if (name_is(entry, len, key))
		return true;
	snprintf(key, sizeof(key), "GIT_CONFIG_VALUE_%lu", count);
	return name_is(entry, len, key);
}

/* GIT_CONFIG_COUNT as git reads it: a plain decimal number. Absent is 0. */
static int git_config_count(const char *const *envp, unsigned long *ret)
{
	const char *s = lookup(envp, "GIT_CONFIG_COUNT");
	unsigned long n = 0;

	if (!s) {
		*ret = 0;
		return 0;
	}
	if (*s == '\0' || strlen(s) > 6)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	*ret = n;
	return 0;
}

static char *join4(const char *a, const char *b, const char *c, const char *d)
{
	size_t len = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s%s%s%s", a, b, c, d);
	return s;
}

/* "PATHEXT=" stub_ext, then every other extension of old in its order. */
static char *pathext_value(const char *old, const char *stub_ext)
{
	size_t cap = strlen("PATHEXT=") + strlen(stub_ext) + strlen(old) + 2;
	size_t ext_len = strlen(stub_ext), len;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	len = (size_t)snprintf(s, cap, "PATHEXT=%s", stub_ext);
	while (*old) {
		size_t n = strcspn(old, ";");

		if (n > 0 && !names_equal(old, n, stub_ext, ext_len)) {
			s[len++] = ';';
			memcpy(s + len, old, n);
			len += n;
		}
		old += n;
		if (*old)
			old++;
	}
	s[len] = '\0';
	return s;
}

/* The entries this file adds, after the caller's kept ones. */
static int push_offline(struct strv *e, const char *const *envp,
			const char *stub_dir, const char *stub_ext,
			unsigned long count)
{
	const char *path = lookup(envp, "PATH");
	const char *pathext = lookup(envp, "PATHEXT");
	char buf[64];
	int r = 0;

	for (size_t i = 0; fixed[i] && r == 0; i++)
		r = strv_push_owned(e, strdup(fixed[i]));
	snprintf(buf, sizeof(buf), "GIT_CONFIG_KEY_%lu=", count);
	if (r == 0)
		r = strv_push_owned(e, join4(buf, "http.proxy", "", ""));
	snprintf(buf, sizeof(buf), "GIT_CONFIG_VALUE_%lu=", count);
	if (r == 0)
		r = strv_push_owned(e, join4(buf, WIN_NETENV_PROXY, "", ""));
	snprintf(buf, sizeof(buf), "GIT_CONFIG_COUNT=%lu", count + 1);
	if (r == 0)
		r = strv_push_owned(e, strdup(buf));
	if (r == 0)
		r = strv_push_owned(
			e, path && *path ? join4("PATH=", stub_dir, ";", path)
					 : join4("PATH=", stub_dir, "", ""));
	if (r == 0)
		r = strv_push_owned(
			e, pathext_value(pathext ? pathext : DEFAULT_PATHEXT,
					 stub_ext));
	return r;
}

/* Case-folded to upper case, as Windows sorts environment blocks. */
static int compare_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = name_len(x), ny = name_len(y);

	for (size_t i = 0; i < nx && i < ny; i++) {
		char cx = upper(x[i]), cy = upper(y[i]);

		if (cx != cy)
			return (unsigned char)cx < (unsigned char)cy ? -1 : 1;
	}
	return nx < ny ? -1 : nx > ny;
}

void win_netenv_free(char **env)
{
	if (!env)
		return;
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

int win_netenv_offline(const char *const *envp, const char *stub_dir,
		       const char *stub_ext, char ***ret)
{
	struct strv e = { 0 };
	unsigned long count;
	int r;

	/* A ';' would split the directory in two PATH entries. */
	if (!stub_dir[0] || strpbrk(stub_dir, ";\"") || stub_ext[0] != '.' ||
	    !stub_ext[1] || strpbrk(stub_ext, ";\\/"))
		return -EINVAL;
	for (size_t i = 0; envp[i]; i++) {
		if (name_len(envp[i]) == 0)
			return -EINVAL;
	}
	r = git_config_count(envp, &count);
	if (r < 0)
		return r;

	for (size_t i = 0; envp[i] && r == 0; i++) {
		size_t n = name_len(envp[i]);

		if (!is_replaced(envp[i], n, count) && !env_has(&e, envp[i], n))
			r = strv_push_owned(&e, strdup(envp[i]));
	}
	if (r == 0)
		r = push_offline(&e, envp, stub_dir, stub_ext, count);
	if (r < 0) {
		win_netenv_free(e.items);
		return r;
	}

	qsort(e.items, e.len, sizeof(*e.items), compare_names);
	*ret = e.items;
	return 0;
}

int win_netenv_online(const char *const *envp, char ***ret)
{
	struct strv e = { 0 };
	int r = 0;

	for (size_t i = 0; envp[i]; i++) {
		if (name_len(envp[i]) == 0)
			return -EINVAL;
	}
	for (size_t i = 0; envp[i] && r == 0; i++) {
		size_t n = name_len(envp[i]);

		if (!env_has(&e, envp[i], n))
			r = strv_push_owned(&e, strdup(envp[i]));
	}
	if (r == 0 && !e.items) {
		e.items = calloc(1, sizeof(*e.items));
		if (!e.items)
			r = -ENOMEM;
	}
	if (r < 0) {
		win_netenv_free(e.items);
		return r;
	}
	qsort(e.items, e.len, sizeof(*e.items), compare_names);
	*ret = e.items;
	return 0;
}

/* Whether the caller's entry is one proxy mode sets. */
static bool is_proxy_variable(const char *entry, size_t len,
			      const struct proxy_env *vars, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (name_is(entry, len, vars[i].name))
			return true;
	}
	return false;
}

int win_netenv_proxy(const char *const *envp, uint16_t port, char ***ret)
{
	struct proxy_env vars[PROXY_ENV_MAX];
	size_t n = proxy_env("127.0.0.1", port, vars, PROXY_ENV_MAX);
	const char *java = lookup(envp, "JAVA_TOOL_OPTIONS");
	struct strv e = { 0 };
	int r = n ? 0 : -EINVAL;

	for (size_t i = 0; envp[i]; i++) {
		if (name_len(envp[i]) == 0)
			return -EINVAL;
	}
	for (size_t i = 0; envp[i] && r == 0; i++) {
		size_t len = name_len(envp[i]);

		if (!is_proxy_variable(envp[i], len, vars, n) &&
		    !env_has(&e, envp[i], len))
			r = strv_push_owned(&e, strdup(envp[i]));
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *name = vars[i].name;
		bool merge = java && java[0] &&
			     strcmp(name, "JAVA_TOOL_OPTIONS") == 0;

		if (env_has(&e, name, strlen(name)))
			continue; /* the other spelling of one already set */
		r = strv_push_owned(
			&e, join4(name, "=", vars[i].value, merge ? " " : ""));
		if (r == 0 && merge) {
			char *joined = join4(e.items[e.len - 1], java, "", "");

			if (!joined) {
				r = -ENOMEM;
				break;
			}
			free(e.items[e.len - 1]);
			e.items[e.len - 1] = joined;
		}
	}
	if (r < 0) {
		win_netenv_free(e.items);
		return r;
	}
	qsort(e.items, e.len, sizeof(*e.items), compare_names);
	*ret = e.items;
	return 0;
}

const char *win_netenv_get(const char *const *env, const char *name)
{
	return lookup(env, name);
}
