/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "proxy/proxy.h"

/* POSIX's NAME_MAX, which mingw-w64's <limits.h> lacks; 255 is also the
 * longest name NTFS stores. */
#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/*
 * Names that let a command run code outside the sandbox later, when the user
 * or an agent opens the workspace with the real user's rights: git hooks and
 * configuration, agent instruction and hook folders, editor task folders.
 * docs/policy.md gives the reason for each.
 */
const char *const policy_default_protected_names[] = {
	".git",	   ".agents", ".paddock", ".claude", ".codex",
	".gemini", ".cursor", ".vscode",  NULL,
};

int paddock_mode_parse(const char *word, enum paddock_mode *ret)
{
	if (strcmp(word, "read-only") == 0)
		*ret = PADDOCK_MODE_READ_ONLY;
	else if (strcmp(word, "workspace-write") == 0)
		*ret = PADDOCK_MODE_WORKSPACE_WRITE;
	else if (strcmp(word, "full-access") == 0)
		*ret = PADDOCK_MODE_FULL_ACCESS;
	else
		return -EINVAL;
	return 0;
}

int paddock_isolation_parse(const char *word, enum paddock_isolation *ret)
{
	if (strcmp(word, "auto") == 0)
		*ret = PADDOCK_ISOLATION_AUTO;
	else if (strcmp(word, "namespaces") == 0)
		*ret = PADDOCK_ISOLATION_NAMESPACES;
	else if (strcmp(word, "landlock") == 0)
		*ret = PADDOCK_ISOLATION_LANDLOCK;
	else
		return -EINVAL;
	return 0;
}

int paddock_windows_mode_parse(const char *word, enum paddock_windows_mode *ret)
{
	if (strcmp(word, "auto") == 0)
		*ret = PADDOCK_WINDOWS_MODE_AUTO;
	else if (strcmp(word, "elevated") == 0)
		*ret = PADDOCK_WINDOWS_MODE_ELEVATED;
	else if (strcmp(word, "unelevated") == 0)
		*ret = PADDOCK_WINDOWS_MODE_UNELEVATED;
	else
		return -EINVAL;
	return 0;
}

int paddock_network_parse(const char *word, enum paddock_network *ret)
{
	if (strcmp(word, "off") == 0)
		*ret = PADDOCK_NETWORK_OFF;
	else if (strcmp(word, "on") == 0)
		*ret = PADDOCK_NETWORK_ON;
	else if (strcmp(word, "proxy") == 0)
		*ret = PADDOCK_NETWORK_PROXY;
	else
		return -EINVAL;
	return 0;
}

/* Digits with at most one decimal point: no sign, blank, exponent or hex,
 * which strtod would otherwise accept. */
static bool is_plain_decimal(const char *s)
{
	bool digit = false, point = false;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && !point)
			point = true;
		else
			return false;
	}
	return digit;
}

int parse_seconds(const char *s, unsigned long *ret_ms)
{
	double secs, exact;
	long long ms;

	if (!is_plain_decimal(s))
		return -EINVAL;
	errno = 0;
	secs = strtod(s, NULL);
	if (errno || !isfinite(secs) || secs <= 0 || secs > 31536000.0)
		return -EINVAL;
	/* Round up to whole milliseconds, never down to "no timeout", but
	 * forgive the binary error of a value given to the millisecond
	 * (4.001 * 1000 is 4001.0000000000005). The conversion truncates,
	 * and the bound above keeps it in range; rounding up by hand spares
	 * every start the loading of libm for one ceil(). */
	exact = secs * 1000.0 - 1e-6;
	ms = (long long)exact;
	if ((double)ms < exact)
		ms++;
	*ret_ms = ms > 0 ? (unsigned long)ms : 1;
	return 0;
}

int paddock_timeout_parse(const char *word, unsigned long *ret_ms)
{
	return parse_seconds(word, ret_ms);
}

int paddock_policy_new(paddock_policy **ret)
{
	struct paddock_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->mode = PADDOCK_MODE_WORKSPACE_WRITE;
	p->network = PADDOCK_NETWORK_OFF;
	p->proxy_report_fd = -1;
	p->tmp_writable = true;
	p->inherit_env = true;
	p->log_level = PADDOCK_LOG_WARNING;
	if (strv_copy(&p->protected_names, policy_default_protected_names)) {
		free(p);
		return -ENOMEM;
	}
	*ret = p;
	return 0;
}

void paddock_policy_free(paddock_policy *p)
{
	if (!p)
		return;
	free(p->workspace);
	strv_clear(&p->writable_roots);
	strv_clear(&p->protected_names);
	strv_clear(&p->deny_read);
	strv_clear(&p->allowed_sockets);
	strv_clear(&p->allow_domains);
	strv_clear(&p->deny_domains);
	strv_clear(&p->proxy_resolve);
	strv_clear(&p->env);
	free(p);
}

int paddock_policy_set_mode(paddock_policy *p, enum paddock_mode mode)
{
	if (mode != PADDOCK_MODE_READ_ONLY &&
	    mode != PADDOCK_MODE_WORKSPACE_WRITE &&
	    mode != PADDOCK_MODE_FULL_ACCESS)
		return -EINVAL;
	p->mode = mode;
	return 0;
}

static bool path_is_valid(const char *path)
{
	return path && *path && strlen(path) < PATH_MAX;
}

int paddock_policy_set_workspace(paddock_policy *p, const char *path)
{
	char *copy;

	if (!path_is_valid(path))
		return -EINVAL;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	free(p->workspace);
	p->workspace = copy;
	return 0;
}

int paddock_policy_add_writable_root(paddock_policy *p, const char *path)
{
	if (!path_is_valid(path))
		return -EINVAL;
	return strv_push(&p->writable_roots, path);
}

bool policy_name_is_valid(const char *name)
{
	return name && *name && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && !strchr(name, '/') &&
	       strlen(name) <= NAME_MAX;
}

int paddock_policy_add_protected_name(paddock_policy *p, const char *name)
{
	if (!policy_name_is_valid(name))
		return -EINVAL;
	if (strv_contains(&p->protected_names, name))
		return 0;
	return strv_push(&p->protected_names, name);
}

int paddock_policy_add_deny_read(paddock_policy *p, const char *path)
{
	if (!path_is_valid(path))
		return -EINVAL;
	return strv_push(&p->deny_read, path);
}

int paddock_policy_allow_unix_socket(paddock_policy *p, const char *path)
{
	if (!path_is_valid(path))
		return -EINVAL;
	return strv_push(&p->allowed_sockets, path);
}

int paddock_policy_set_nested_userns(paddock_policy *p, bool allow)
{
	p->nested_userns = allow;
	return 0;
}

int paddock_policy_set_network(paddock_policy *p, enum paddock_network network)
{
	if (network != PADDOCK_NETWORK_OFF && network != PADDOCK_NETWORK_ON &&
	    network != PADDOCK_NETWORK_PROXY)
		return -EINVAL;
	p->network = network;
	return 0;
}

static int add_domain(struct strv *list, const char *pattern,
		      struct paddock_error *err)
{
	struct proxy_pattern parsed;
	enum proxy_reason reason;

	if (!pattern)
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, NULL,
				 "no domain pattern");
	reason = proxy_pattern_parse(pattern, &parsed);
	if (reason != PROXY_OK)
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, pattern,
				 proxy_reason_text(reason));
	if (list->len >= PROXY_RULES_MAX)
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, pattern,
				 proxy_reason_text(PROXY_TOO_MANY_RULES));
	return strv_push(list, pattern);
}

int paddock_policy_allow_domain(paddock_policy *p, const char *pattern,
				struct paddock_error *err)
{
	return add_domain(&p->allow_domains, pattern, err);
}

int paddock_policy_deny_domain(paddock_policy *p, const char *pattern,
			       struct paddock_error *err)
{
	return add_domain(&p->deny_domains, pattern, err);
}

int policy_check_network(const struct paddock_policy *p,
			 struct paddock_error *err)
{
	const char *option = p->allow_domains.len      ? "--allow-domain"
			     : p->deny_domains.len     ? "--deny-domain"
			     : p->proxy_resolve.len    ? "--proxy-resolve"
			     : p->proxy_report_fd >= 0 ? "--proxy-report"
						       : NULL;

	if (p->network == PADDOCK_NETWORK_PROXY || !option)
		return 0;
	return error_set(err, PADDOCK_STEP_POLICY, EINVAL, option,
			 "only proxy mode uses it; add --network proxy");
}

int policy_proxy_rules(const struct paddock_policy *p,
		       struct proxy_rules *rules,
		       struct proxy_map_entry **ret_map,
		       struct paddock_error *err)
{
	const struct strv *lists[2] = { &p->allow_domains, &p->deny_domains };
	struct proxy_map_entry *map;

	proxy_rules_init(rules);
	*ret_map = NULL;
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->len; i++) {
			if (proxy_rules_add(rules, l ? PROXY_DENY : PROXY_ALLOW,
					    lists[l]->items[i]) != PROXY_OK)
				return error_set(err, PADDOCK_STEP_PROXY,
						 EINVAL, lists[l]->items[i],
						 NULL);
		}
	}
	map = calloc(p->proxy_resolve.len + 1, sizeof(*map));
	if (!map)
		return -ENOMEM;
	*ret_map = map;
	for (size_t i = 0; i < p->proxy_resolve.len; i++) {
		if (proxy_map_parse(p->proxy_resolve.items[i], &map[i]) !=
		    PROXY_OK)
			return error_set(err, PADDOCK_STEP_PROXY, EINVAL,
					 p->proxy_resolve.items[i], NULL);
	}
	return 0;
}

int paddock_policy_set_proxy_report(paddock_policy *p, int fd)
{
	if (fd < -1)
		return -EINVAL;
	p->proxy_report_fd = fd;
	return 0;
}

int paddock_policy_proxy_resolve(paddock_policy *p, const char *mapping,
				 struct paddock_error *err)
{
	struct proxy_map_entry entry;
	enum proxy_reason reason;

	if (!mapping)
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, NULL,
				 "expected NAME=ADDRESS");
	reason = proxy_map_parse(mapping, &entry);
	if (reason == PROXY_BAD_NAME)
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, mapping,
				 "expected NAME=ADDRESS, NAME a host name");
	if (reason != PROXY_OK)
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, mapping,
				 "ADDRESS must be an IPv4 or IPv6 address");
	return strv_push(&p->proxy_resolve, mapping);
}

int paddock_policy_set_windows_mode(paddock_policy *p,
				    enum paddock_windows_mode mode)
{
	if (mode != PADDOCK_WINDOWS_MODE_AUTO &&
	    mode != PADDOCK_WINDOWS_MODE_ELEVATED &&
	    mode != PADDOCK_WINDOWS_MODE_UNELEVATED)
		return -EINVAL;
	p->windows_mode = mode;
	return 0;
}

int paddock_policy_set_isolation(paddock_policy *p,
				 enum paddock_isolation isolation)
{
	if (isolation != PADDOCK_ISOLATION_AUTO &&
	    isolation != PADDOCK_ISOLATION_NAMESPACES &&
	    isolation != PADDOCK_ISOLATION_LANDLOCK)
		return -EINVAL;
	p->isolation = isolation;
	return 0;
}

int paddock_policy_set_tmp_writable(paddock_policy *p, bool writable)
{
	p->tmp_writable = writable;
	return 0;
}

int paddock_policy_set_environment(paddock_policy *p, const char *const *envp)
{
	int r;

	if (!envp) {
		strv_clear(&p->env);
		p->inherit_env = true;
		return 0;
	}
	for (size_t i = 0; envp[i]; i++) {
		if (!strchr(envp[i], '='))
			return -EINVAL;
	}
	r = strv_copy(&p->env, envp);
	if (r < 0)
		return r;
	p->inherit_env = false;
	return 0;
}

int paddock_policy_set_timeout_ms(paddock_policy *p, unsigned long timeout_ms)
{
	p->timeout_ms = timeout_ms;
	return 0;
}

void paddock_policy_get_timeout_ms(const paddock_policy *p,
				   unsigned long *ret_timeout_ms)
{
	*ret_timeout_ms = p->timeout_ms;
}

void paddock_policy_set_log(paddock_policy *p, enum paddock_log_level level,
			    paddock_log_fn fn, void *userdata)
{
	p->log_level = level;
	p->log_fn = fn;
	p->log_userdata = userdata;
}

size_t paddock_policy_protected_names(const paddock_policy *p,
				      const char *const **ret)
{
	*ret = (const char *const *)p->protected_names.items;
	return p->protected_names.len;
}
