/* SPDX-License-Identifier: MIT */
/* Passwords of the sandbox users, and which system trees need a grant. */
#include <errno.h>
#include <string.h>

#include "windows/setup.h"

int win_setup_password(const uint8_t *random, size_t n, char *out)
{
	static const char alphabet[] = WIN_SETUP_PASSWORD_ALPHABET;
	const unsigned size = sizeof(alphabet) - 1;
	/* The largest multiple of size in a byte's range: bytes at or
	 * above it would make the first characters likelier. */
	const unsigned limit = 256 - 256 % size;
	bool upper = false, lower = false, digit = false, symbol = false;
	size_t len = 0;

	for (size_t i = 0; i < n && len < WIN_SETUP_PASSWORD_LEN; i++) {
		char c;

		if (random[i] >= limit)
			continue;
		c = alphabet[random[i] % size];
		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
		digit |= c >= '0' && c <= '9';
		symbol |= strchr("-_.+=#", c) != NULL;
		out[len++] = c;
	}
	out[len] = '\0';
	if (len < WIN_SETUP_PASSWORD_LEN || !upper || !lower || !digit ||
	    !symbol)
		return -EAGAIN;
	return 0;
}

static bool broad_sid(const char *sid)
{
	return strcmp(sid, WIN_SETUP_USERS_SID) == 0 ||
	       strcmp(sid, "S-1-5-11") == 0 ||
	       strcmp(sid, WIN_SID_EVERYONE) == 0;
}

bool win_setup_tree_readable(const struct win_acl_ace *aces, size_t n)
{
	const uint32_t want = WIN_ACL_READ_DATA | WIN_ACL_EXECUTE |
			      WIN_ACL_READ_ATTRIBUTES | WIN_ACL_READ_CONTROL;
	const uint32_t inherit =
		WIN_ACL_OBJECT_INHERIT | WIN_ACL_CONTAINER_INHERIT;
	uint32_t self = 0, below = 0;

	for (size_t i = 0; i < n; i++) {
		if (!broad_sid(aces[i].sid))
			continue;
		if (aces[i].kind == WIN_ACL_DENY && (aces[i].mask & want))
			return false;
		if (aces[i].kind != WIN_ACL_ALLOW)
			continue;
		if (!(aces[i].flags & WIN_ACL_INHERIT_ONLY))
			self |= aces[i].mask;
		if ((aces[i].flags & inherit) == inherit)
			below |= aces[i].mask;
	}
	return (self & want) == want && (below & want) == want;
}
