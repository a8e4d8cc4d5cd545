/* SPDX-License-Identifier: MIT */
/*
 * SID strings: the "S-1-5-21-a-b-c-d" form of capability SIDs.
 *
 * Capability SIDs are persisted per user and read back on every run, so the
 * parser is a trust boundary: a file the user (not the sandbox) can change
 * says which SID the ACL entries and the token name. It accepts exactly the
 * form win_sid_format() writes and nothing looser: an upper-case 'S',
 * revision 1, decimal numbers without sign, blank or leading zero, each
 * within its field's width, at most WIN_SID_MAX_SUB sub-authorities. The
 * Win32 parser (ConvertStringSidToSid) is more lenient (hexadecimal
 * authorities, lower-case 's'); being stricter only refuses odd input.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "windows/logic.h"

void win_sid_capability(const uint32_t words[4], struct win_sid *ret)
{
	*ret = (struct win_sid){
		.authority = WIN_SID_NT_AUTHORITY,
		.count = 5,
		.sub = { WIN_SID_NT_NON_UNIQUE, words[0], words[1], words[2],
			 words[3] },
	};
}

bool win_sid_is_capability(const struct win_sid *sid)
{
	return sid->authority == WIN_SID_NT_AUTHORITY && sid->count == 5 &&
	       sid->sub[0] == WIN_SID_NT_NON_UNIQUE;
}

bool win_sid_equal(const struct win_sid *a, const struct win_sid *b)
{
	if (a->authority != b->authority || a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		if (a->sub[i] != b->sub[i])
			return false;
	}
	return true;
}

int win_sid_format(const struct win_sid *sid, char *buf, size_t size)
{
	size_t len;
	int n;

	if (sid->count > WIN_SID_MAX_SUB || sid->authority > WIN_SID_MAX_AUTH)
		return -EINVAL;
	n = snprintf(buf, size, "S-1-%llu", (unsigned long long)sid->authority);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	len = (size_t)n;
	for (size_t i = 0; i < sid->count; i++) {
		n = snprintf(buf + len, size - len, "-%lu",
			     (unsigned long)sid->sub[i]);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return 0;
}

/* Read one decimal number no greater than max at *s, advancing *s past it.
 * "0" is accepted, "00" and "01" are not: one number has one spelling. */
static int parse_number(const char **s, uint64_t max, uint64_t *ret)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (v > (max - digit) / 10)
			return -EINVAL;
		v = v * 10 + digit;
	}
	*s = p;
	*ret = v;
	return 0;
}

int win_sid_parse(const char *s, struct win_sid *ret)
{
	struct win_sid sid = { 0 };
	uint64_t v;

	if (strncmp(s, "S-1-", 4) != 0)
		return -EINVAL;
	s += 4;
	if (parse_number(&s, WIN_SID_MAX_AUTH, &sid.authority) < 0)
		return -EINVAL;
	while (*s == '-') {
		s++;
		if (sid.count == WIN_SID_MAX_SUB ||
		    parse_number(&s, UINT32_MAX, &v) < 0)
			return -EINVAL;
		sid.sub[sid.count++] = (uint32_t)v;
	}
	if (*s != '\0')
		return -EINVAL;
	*ret = sid;
	return 0;
}

/*
 * The store of capability SIDs, one "KEY<TAB>SID" line each. The file is
 * the user's and the sandbox cannot write it, but it is read back on
 * every run: a line that is not exactly this shape, or whose SID is not a
 * capability SID, makes the whole store invalid (the caller refuses to
 * run rather than guess which SID was meant). Keys hold no tab or line
 * break, which win_sid_store_line() checks.
 */
int win_sid_store_lookup(const char *text, size_t len, const char *key,
			 struct win_sid *ret, unsigned *ret_bad_line)
{
	size_t key_len = strlen(key), at = 0;
	unsigned line = 0;
	int found = -ENOENT;

	while (at < len) {
		const char *start = text + at, *nl, *tab;
		size_t n;
		char sid[WIN_SID_STRING_MAX];
		struct win_sid parsed;

		nl = memchr(start, '\n', len - at);
		n = nl ? (size_t)(nl - start) : len - at;
		at += n + 1;
		line++;
		tab = memchr(start, '\t', n);
		if (!tab || tab == start ||
		    (size_t)(start + n - tab - 1) >= sizeof(sid) ||
		    memchr(start, '\0', n))
			goto bad;
		memcpy(sid, tab + 1, (size_t)(start + n - tab - 1));
		sid[start + n - tab - 1] = '\0';
		if (win_sid_parse(sid, &parsed) < 0 ||
		    !win_sid_is_capability(&parsed))
			goto bad;
		if (found < 0 && (size_t)(tab - start) == key_len &&
		    memcmp(start, key, key_len) == 0) {
			*ret = parsed;
			found = 0;
		}
	}
	return found;
bad:
	if (ret_bad_line)
		*ret_bad_line = line;
	return -EINVAL;
}

int win_sid_store_line(const char *key, const struct win_sid *sid, char *buf,
		       size_t size)
{
	char s[WIN_SID_STRING_MAX];
	int n;

	if (!*key || strpbrk(key, "\t\r\n") || !win_sid_is_capability(sid))
		return -EINVAL;
	n = win_sid_format(sid, s, sizeof(s));
	if (n < 0)
		return n;
	n = snprintf(buf, size, "%s\t%s\n", key, s);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}
