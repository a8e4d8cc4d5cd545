/* SPDX-License-Identifier: MIT */
/*
 * Profile files. A profile is untrusted text: every line is bounded, every
 * value is checked by the same setters the command line uses, and nothing in
 * it is executed or expanded except a leading "~/".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifdef _WIN32
#define SEP "\\"
#define HOME_VARIABLE "USERPROFILE"
#else
#define SEP "/"
#define HOME_VARIABLE "HOME"
#endif

enum directive {
	DIR_CD,
	DIR_SANDBOX,
	DIR_WRITE,
	DIR_PROTECT,
	DIR_DENY_READ,
	DIR_NETWORK,
	DIR_NO_TMP,
	DIR_TIMEOUT,
	DIR_ISOLATION,
	DIR_ALLOW_UNIX_SOCKET,
	DIR_ALLOW_USERNS,
	DIR_ALLOW_DOMAIN,
	DIR_DENY_DOMAIN,
};

static const struct {
	const char *name;
	enum directive id;
	bool takes_value;
} directives[] = {
	{ "cd", DIR_CD, true },
	{ "sandbox", DIR_SANDBOX, true },
	{ "write", DIR_WRITE, true },
	{ "protect", DIR_PROTECT, true },
	{ "deny-read", DIR_DENY_READ, true },
	{ "network", DIR_NETWORK, true },
	{ "no-tmp", DIR_NO_TMP, false },
	{ "timeout", DIR_TIMEOUT, true },
	{ "isolation", DIR_ISOLATION, true },
	{ "allow-unix-socket", DIR_ALLOW_UNIX_SOCKET, true },
	{ "allow-userns", DIR_ALLOW_USERNS, false },
	{ "allow-domain", DIR_ALLOW_DOMAIN, true },
	{ "deny-domain", DIR_DENY_DOMAIN, true },
};

struct line_ctx {
	const char *name;
	const char *base;
	unsigned line;
	struct paddock_error *err;
};

static int line_error(const struct line_ctx *c, int code, const char *message)
{
	error_set(c->err, PADDOCK_STEP_PROFILE, code, c->name, message);
	if (c->err)
		c->err->line = c->line;
	return -code;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_sep(char c)
{
#ifdef _WIN32
	return c == '\\' || c == '/';
#else
	return c == '/';
#endif
}

/* On Windows "C:\dir", "C:/dir" and "\\server\share" are absolute; "\dir"
 * and "C:dir" depend on the current drive and directory, so they are taken
 * from the profile's directory like any relative path would be, and the
 * canonicalisation later refuses what does not make sense. */
static bool is_absolute(const char *path)
{
#ifdef _WIN32
	if (((path[0] >= 'A' && path[0] <= 'Z') ||
	     (path[0] >= 'a' && path[0] <= 'z')) &&
	    path[1] == ':' && is_sep(path[2]))
		return true;
	return is_sep(path[0]) && is_sep(path[1]);
#else
	return path[0] == '/';
#endif
}

/* Turn a profile path into an absolute one; *ret is malloc'ed. */
static int profile_path(const struct line_ctx *c, const char *value, char **ret)
{
	const char *prefix = c->base;
	const char *rest = value;
	const char *sep;
	char *out;

	if (is_absolute(value)) {
		prefix = "";
	} else if (value[0] == '~' && (is_sep(value[1]) || !value[1])) {
		prefix = getenv(HOME_VARIABLE);
		if (!prefix || !is_absolute(prefix))
			return line_error(c, EINVAL,
					  "\"~\" used but " HOME_VARIABLE
					  " is not an absolute path");
		rest = value[1] ? value + 2 : "";
	}
	sep = *prefix && !is_sep(prefix[strlen(prefix) - 1]) && *rest ? SEP
								      : "";
	if (asprintf(&out, "%s%s%s", prefix, sep, rest) < 0)
		return -ENOMEM;
	if (strlen(out) >= PATH_MAX) {
		free(out);
		return line_error(c, ENAMETOOLONG, "path too long");
	}
	*ret = out;
	return 0;
}

static int apply_path(struct paddock_policy *p, const struct line_ctx *c,
		      enum directive id, const char *value)
{
	char *path;
	int r = profile_path(c, value, &path);

	if (r < 0)
		return r;
	if (id == DIR_CD)
		r = paddock_policy_set_workspace(p, path);
	else if (id == DIR_WRITE)
		r = paddock_policy_add_writable_root(p, path);
	else if (id == DIR_ALLOW_UNIX_SOCKET)
		r = paddock_policy_allow_unix_socket(p, path);
	else
		r = paddock_policy_add_deny_read(p, path);
	free(path);
	return r;
}

static int apply(struct paddock_policy *p, const struct line_ctx *c,
		 enum directive id, const char *value)
{
	enum paddock_mode mode;
	enum paddock_network net;
	enum paddock_isolation iso;
	unsigned long ms;

	switch (id) {
	case DIR_CD:
	case DIR_WRITE:
	case DIR_DENY_READ:
	case DIR_ALLOW_UNIX_SOCKET:
		return apply_path(p, c, id, value);
	case DIR_SANDBOX:
		if (paddock_mode_parse(value, &mode) < 0)
			return line_error(
				c, EINVAL,
				"sandbox must be read-only, workspace-write or full-access");
		return paddock_policy_set_mode(p, mode);
	case DIR_NETWORK:
		if (paddock_network_parse(value, &net) < 0)
			return line_error(c, EINVAL,
					  "network must be off, on or proxy");
		return paddock_policy_set_network(p, net);
	case DIR_PROTECT:
		if (!policy_name_is_valid(value))
			return line_error(
				c, EINVAL,
				"a protected name is one path component, not \".\", \"..\" or a path");
		return paddock_policy_add_protected_name(p, value);
	case DIR_ISOLATION:
		if (paddock_isolation_parse(value, &iso) < 0)
			return line_error(
				c, EINVAL,
				"isolation must be auto, namespaces or landlock");
		return paddock_policy_set_isolation(p, iso);
	case DIR_ALLOW_USERNS:
		return paddock_policy_set_nested_userns(p, true);
	case DIR_ALLOW_DOMAIN:
	case DIR_DENY_DOMAIN: {
		struct paddock_error why = { 0 };
		int r = id == DIR_ALLOW_DOMAIN
				? paddock_policy_allow_domain(p, value, &why)
				: paddock_policy_deny_domain(p, value, &why);

		if (r < 0 && why.message)
			return line_error(c, -r, why.message);
		return r;
	}
	case DIR_NO_TMP:
		return paddock_policy_set_tmp_writable(p, false);
	case DIR_TIMEOUT:
		if (parse_seconds(value, &ms) < 0)
			return line_error(
				c, EINVAL,
				"timeout must be a positive number of seconds");
		return paddock_policy_set_timeout_ms(p, ms);
	}
	return line_error(c, EINVAL, "unknown directive");
}

/* Parse one line, already cut at its newline and NUL-terminated. */
static int parse_line(struct paddock_policy *p, const struct line_ctx *c,
		      char *s)
{
	char *end = s + strlen(s);
	char *word, *value;

	while (is_blank(*s))
		s++;
	while (end > s && is_blank(end[-1]))
		*--end = '\0';
	if (!*s || *s == '#')
		return 0;
	word = s;
	while (*s && !is_blank(*s))
		s++;
	if (*s)
		*s++ = '\0';
	while (is_blank(*s))
		s++;
	value = s;
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]);
	     i++) {
		if (strcmp(word, directives[i].name) != 0)
			continue;
		if (directives[i].takes_value && !*value)
			return line_error(c, EINVAL, "missing value");
		if (!directives[i].takes_value && *value)
			return line_error(c, EINVAL,
					  "this directive takes no value");
		return apply(p, c, directives[i].id, value);
	}
	return line_error(c, EINVAL, "unknown directive");
}

int profile_parse(struct paddock_policy *p, const char *name, const char *base,
		  const char *text, size_t len, struct paddock_error *err)
{
	struct line_ctx c = { .name = name, .base = base, .err = err };
	size_t start = 0;

	const char *nul = memchr(text, '\0', len);

	if (nul) {
		c.line = 1;
		for (const char *q = text; q < nul; q++)
			c.line += *q == '\n';
		return line_error(&c, EINVAL, "profile contains a NUL byte");
	}
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t n = nl ? (size_t)(nl - text) - start : len - start;
		char *line = malloc(n + 1);
		int r;

		if (!line)
			return -ENOMEM;
		memcpy(line, text + start, n);
		line[n] = '\0';
		c.line++;
		r = parse_line(p, &c, line);
		free(line);
		if (r < 0)
			return r;
		start += n + 1;
	}
	return 0;
}

int paddock_profile_load(paddock_policy *p, const char *path,
			 struct paddock_error *err)
{
	char *text, *base;
	size_t len;
	int r;

	r = profile_read(path, &text, &len, &base, err);
	if (r < 0)
		return r;

	r = profile_parse(p, path, base, text, len, err);
	free(base);
	free(text);
	return r;
}
