/* SPDX-License-Identifier: MIT */
/*
 * Windows paths as strings: one canonical form for every spelling of a
 * path, "is this under that root" and protected-name matching.
 *
 * The canonical forms are "C:\dir\file" (drive letter upper case, "C:\" for
 * the root) and "\\server\share\dir". Verbatim paths ("\\?\C:\...",
 * "\\?\UNC\server\share\...") are brought to the same forms; since Windows
 * does not normalise a verbatim path, one that relies on that ("/", ".",
 * "..", a trailing dot or space, all of which name something else or
 * nothing there) is refused rather than reinterpreted.
 *
 * Windows strips trailing dots and spaces from the last component of a
 * path, and a single trailing dot from the others. Here they are stripped
 * from every component: the result differs from Windows only for paths
 * Windows cannot create without "\\?\", and it keeps ".git." and ".git "
 * from slipping past a comparison with ".git".
 *
 * Device paths ("\\.\", "CON", "nul.txt") and every character Windows
 * refuses in a name are errors: a policy never needs them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/logic.h"

static bool is_sep(char c)
{
	return c == '\\' || c == '/';
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equal_folded(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fold(a[i]) != fold(b[i]))
			return false;
	}
	return true;
}

/*
 * The DOS device names, which Win32 resolves to a device in any directory
 * and with any extension ("C:\ws\nul.txt" opened the null device before
 * Windows 11). Compared on the part before the first dot, trailing spaces
 * removed.
 */
static bool is_device_name(const char *name, size_t len)
{
	static const char *const devices[] = { "con",	 "prn",	   "aux",
					       "nul",	 "conin$", "conout$",
					       "clock$", NULL };
	const char *dot = memchr(name, '.', len);
	size_t n = dot ? (size_t)(dot - name) : len;

	while (n > 0 && name[n - 1] == ' ')
		n--;
	for (size_t i = 0; devices[i]; i++) {
		if (strlen(devices[i]) == n &&
		    equal_folded(name, devices[i], n))
			return true;
	}
	/* COM0-9 and LPT0-9. */
	return n == 4 &&
	       (equal_folded(name, "com", 3) || equal_folded(name, "lpt", 3)) &&
	       name[3] >= '0' && name[3] <= '9';
}

/* Characters Windows refuses in a file name, besides the separators and
 * ':', which is handled as a stream separator. */
static bool has_bad_char(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || strchr("<>\"|?*", c))
			return true;
	}
	return false;
}

/* Remove a stream suffix (":stream", ":stream:$TYPE", "::$TYPE") from the
 * component at s. Returns the length of the name before it, or 0 when the
 * suffix is malformed or nothing is left. */
static size_t strip_stream(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len), *type;
	size_t name_len, rest;

	if (!colon)
		return len;
	name_len = (size_t)(colon - s);
	rest = len - name_len - 1;
	type = memchr(colon + 1, ':', rest);
	if (type) {
		size_t type_len = len - (size_t)(type - s) - 1;

		if (type_len < 2 || type[1] != '$' ||
		    memchr(type + 1, ':', type_len))
			return 0;
	} else if (rest == 0) {
		return 0;
	}
	return name_len;
}

/* Whether a component, its stream cut, is a name Windows accepts. A
 * device name is refused in verbatim paths too, where it would name a
 * file: the canonical form, without "\\?\", would name the device. */
static bool is_valid_name(const char *s, size_t len)
{
	if (len == 0 || has_bad_char(s, len) || memchr(s, ':', len))
		return false;
	if (s[len - 1] == '.' || s[len - 1] == ' ')
		return false;
	return !is_device_name(s, len);
}

bool win_path_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (memchr(name, '\\', len) || memchr(name, '/', len))
		return false;
	return is_valid_name(name, len);
}

/* The canonical path being built: a root ("C:\" or "\\server\share") that
 * ".." cannot climb above, then the components. */
struct canon {
	char *out;
	size_t len;
	size_t root_len;
	bool verbatim;
};

static void pop_component(struct canon *c)
{
	size_t i = c->len;

	while (i > c->root_len && c->out[i - 1] != '\\')
		i--;
	/* i is past the separator, or the root's own end. */
	if (i > c->root_len)
		i--;
	c->len = i < c->root_len ? c->root_len : i;
}

static int push_component(struct canon *c, const char *s, size_t len)
{
	if (!c->verbatim && len == 1 && s[0] == '.')
		return 0;
	if (!c->verbatim && len == 2 && s[0] == '.' && s[1] == '.') {
		pop_component(c);
		return 0;
	}
	len = strip_stream(s, len);
	while (!c->verbatim && len > 0 &&
	       (s[len - 1] == '.' || s[len - 1] == ' '))
		len--;
	if (!is_valid_name(s, len))
		return -EINVAL;
	if (c->out[c->len - 1] != '\\')
		c->out[c->len++] = '\\';
	memcpy(c->out + c->len, s, len);
	c->len += len;
	return 0;
}

/* In a verbatim path only '\' separates, and only the last component may
 * be empty (a trailing separator). */
static int push_components(struct canon *c, const char *s)
{
	while (*s) {
		size_t n = 0;
		int r;

		while (s[n] && !(c->verbatim ? s[n] == '\\' : is_sep(s[n])))
			n++;
		if (n == 0) {
			if (c->verbatim && s[1] != '\0')
				return -EINVAL;
			s++;
			continue;
		}
		r = push_component(c, s, n);
		if (r < 0)
			return r;
		s += n;
		if (*s)
			s++;
	}
	return 0;
}

/* Write "\\server\share" from s and return what follows it. */
static const char *put_unc_root(struct canon *c, const char *s)
{
	size_t server = 0, share;

	while (s[server] && !is_sep(s[server]))
		server++;
	if (!is_valid_name(s, server) || !is_sep(s[server]))
		return NULL;
	for (share = 0; s[server + 1 + share] && !is_sep(s[server + 1 + share]);
	     share++)
		;
	if (!is_valid_name(s + server + 1, share))
		return NULL;
	memcpy(c->out, "\\\\", 2);
	memcpy(c->out + 2, s, server + 1 + share);
	c->out[2 + server] = '\\';
	c->len = c->root_len = 2 + server + 1 + share;
	s += server + 1 + share;
	return *s ? s + 1 : s;
}

static const char *put_drive_root(struct canon *c, const char *s)
{
	c->out[0] = fold(s[0]) - 'a' + 'A';
	c->out[1] = ':';
	c->out[2] = '\\';
	c->len = c->root_len = 3;
	return s[2] ? s + 3 : s + 2;
}

static bool is_drive_absolute(const char *s)
{
	return is_letter(s[0]) && s[1] == ':' && is_sep(s[2]);
}

/* Write the root of an absolute path and return the rest, or NULL. */
static const char *put_root(struct canon *c, const char *s)
{
	if (strncmp(s, "\\\\?\\", 4) == 0) {
		c->verbatim = true;
		if (strchr(s, '/'))
			return NULL;
		s += 4;
		if (equal_folded(s, "unc\\", 4))
			return put_unc_root(c, s + 4);
		if (is_letter(s[0]) && s[1] == ':' && (!s[2] || s[2] == '\\'))
			return put_drive_root(c, s);
		return NULL;
	}
	if (is_sep(s[0]) && is_sep(s[1])) {
		/* "\\.\", "\\?" spelt with '/', and their kin: devices. */
		if ((s[2] == '.' || s[2] == '?') && (!s[3] || is_sep(s[3])))
			return NULL;
		return put_unc_root(c, s + 2);
	}
	if (is_drive_absolute(s))
		return put_drive_root(c, s);
	return NULL;
}

static bool is_absolute(const char *s)
{
	return is_drive_absolute(s) || (is_sep(s[0]) && is_sep(s[1]));
}

static int canonical_absolute(const char *path, char **ret,
			      size_t *ret_root_len)
{
	struct canon c = { 0 };
	const char *rest;
	int r;

	if (strlen(path) > WIN_PATH_MAX)
		return -ENAMETOOLONG;
	/* The result is never longer than the input plus a root's '\'. */
	c.out = malloc(strlen(path) + 2);
	if (!c.out)
		return -ENOMEM;
	rest = put_root(&c, path);
	r = rest ? push_components(&c, rest) : -EINVAL;
	if (r < 0) {
		free(c.out);
		return r;
	}
	c.out[c.len] = '\0';
	*ret = c.out;
	if (ret_root_len)
		*ret_root_len = c.root_len;
	return 0;
}

/* Join a relative path to its base: "C:dir" and "dir" after the base,
 * "\dir" after the base's root. */
static int join_base(const char *path, const char *base, char **ret)
{
	size_t root_len, keep, len;
	char *cbase, *joined;
	int r;

	r = canonical_absolute(base, &cbase, &root_len);
	if (r < 0)
		return r;
	if (is_letter(path[0]) && path[1] == ':') {
		if (root_len != 3 || fold(path[0]) != fold(cbase[0])) {
			free(cbase);
			return -EINVAL;
		}
		path += 2;
	}
	keep = is_sep(path[0]) ? (root_len == 3 ? 2 : root_len) : strlen(cbase);
	len = keep + 1 + strlen(path) + 1;
	joined = malloc(len);
	if (!joined) {
		free(cbase);
		return -ENOMEM;
	}
	memcpy(joined, cbase, keep);
	joined[keep] = '\\';
	strcpy(joined + keep + 1, path);
	free(cbase);
	*ret = joined;
	return 0;
}

int win_path_canonical(const char *path, const char *base, char **ret)
{
	char *joined;
	int r;

	if (path[0] == '\0')
		return -EINVAL;
	if (strlen(path) > WIN_PATH_MAX)
		return -ENAMETOOLONG;
	if (is_absolute(path))
		return canonical_absolute(path, ret, NULL);
	if (!base || !is_absolute(base))
		return -EINVAL;
	r = join_base(path, base, &joined);
	if (r < 0)
		return r;
	r = canonical_absolute(joined, ret, NULL);
	free(joined);
	return r;
}

/*
 * Known shortcoming: only ASCII letters are folded. NTFS compares names
 * through its own upper-case table, which covers most of Unicode, so two
 * non-ASCII names that differ in case are one file on disk but two keys
 * here. It matters for a policy path spelt in a different case than on
 * disk; the Win32 layer avoids it by deciding on final paths, which carry
 * the case stored on disk.
 */
int win_path_key(const char *canonical, char **ret)
{
	size_t len = strlen(canonical);
	char *key = malloc(len + 1);

	if (!key)
		return -ENOMEM;
	for (size_t i = 0; i <= len; i++)
		key[i] = fold(canonical[i]);
	*ret = key;
	return 0;
}

bool win_path_is_volume_root(const char *path)
{
	size_t seps = 0;

	if (path[strlen(path) - 1] == '\\')
		return true;
	if (path[0] != '\\')
		return false;
	for (const char *p = path; *p; p++)
		seps += *p == '\\';
	return seps <= 3;
}

bool win_path_is_under(const char *path, const char *root)
{
	size_t len = strlen(root);

	if (len == 0 || strlen(path) < len || !equal_folded(path, root, len))
		return false;
	return path[len] == '\0' || path[len] == '\\' || root[len - 1] == '\\';
}

const char *win_path_protected_by(const char *path, const char *root,
				  const char *const *names)
{
	size_t len = strlen(root), n;

	if (!win_path_is_under(path, root) || path[len] == '\0')
		return NULL;
	path += len;
	if (*path == '\\')
		path++;
	for (n = 0; path[n] && path[n] != '\\'; n++)
		;
	for (size_t i = 0; names[i]; i++) {
		if (strlen(names[i]) == n && equal_folded(path, names[i], n))
			return names[i];
	}
	return NULL;
}
