/* SPDX-License-Identifier: MIT */
/*
 * Parsing git's pointer files (gitfile.h).
 *
 * Trust boundary: the text comes from a file in a writable root, which the
 * command may have written in an earlier run unless the name is protected
 * (".git" is, by default). Whatever it says, the result is only a path
 * that the caller resolves and then protects more, never less: a path
 * that names the wrong directory leaves the real git directory unprotected
 * only if git would read the file differently, so the parser refuses what
 * git would not read as one path (several lines, control characters)
 * instead of guessing. Accepting a little more than git does (a byte order
 * mark, blanks after the colon) only protects a directory git would not
 * use.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gitfile.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* The path in text[0..len), without a BOM or trailing white space; prefix
 * (or NULL) must come first, followed by optional blanks. */
static int parse(const char *text, size_t len, const char *prefix, char **ret)
{
	size_t n;
	char *out;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (prefix) {
		n = strlen(prefix);
		if (len < n || memcmp(text, prefix, n) != 0)
			return -EINVAL;
		text += n;
		len -= n;
		while (len && (*text == ' ' || *text == '\t')) {
			text++;
			len--;
		}
	}
	while (len && is_space(text[len - 1]))
		len--;
	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return -EINVAL;
	}
	out = malloc(len + 1);
	if (!out)
		return -ENOMEM;
	memcpy(out, text, len);
	out[len] = '\0';
	*ret = out;
	return 0;
}

int gitfile_parse_pointer(const char *text, size_t len, char **ret)
{
	return parse(text, len, "gitdir:", ret);
}

int gitfile_parse_commondir(const char *text, size_t len, char **ret)
{
	return parse(text, len, NULL, ret);
}
