/* SPDX-License-Identifier: MIT */
/*
 * The restricted token of the unelevated mode, as one table.
 *
 * CreateRestrictedToken, from the caller's own token:
 * - DISABLE_MAX_PRIVILEGE deletes every privilege except
 *   SeChangeNotifyPrivilege (bypass traverse checking, which ordinary
 *   path lookups need); kept_privileges records that one so that the
 *   Win32 layer can check the new token holds nothing else.
 * - LUA_TOKEN makes the token a limited (UAC-filtered) one even when the
 *   caller is an administrator with a split token.
 * - WRITE_RESTRICTED checks the restricting SIDs for write access only:
 *   reads stay as the user's, writes need the user's access and the grant
 *   of at least one restricting SID in the object's DACL.
 * - The restricting SIDs: the run's capability SIDs (granted on writable
 *   roots by the ACL plan), the logon SID (the session's own objects, such
 *   as its window station and the pipes its processes create) and Everyone
 *   (objects the system makes writable to all, such as the null device and
 *   some temporary directories; see the Everyone-writable audit).
 * - The default DACL of the new token, for the objects the command creates
 *   (pipes, events, files outside inheritance): full access for the user,
 *   the logon SID, the capability SIDs and SYSTEM, so that the command's
 *   own processes, checked against the restricting SIDs, can open them.
 *   Without it builds that create named pipes hang.
 */
#include <errno.h>
#include <stddef.h>

#ifdef _WIN32
#include <windows.h>
#endif

#include "windows/logic.h"

#ifdef _WIN32
_Static_assert(WIN_TOKEN_DISABLE_MAX_PRIVILEGE == DISABLE_MAX_PRIVILEGE,
	       "DISABLE_MAX_PRIVILEGE");
_Static_assert(WIN_TOKEN_SANDBOX_INERT == SANDBOX_INERT, "SANDBOX_INERT");
_Static_assert(WIN_TOKEN_LUA_TOKEN == LUA_TOKEN, "LUA_TOKEN");
_Static_assert(WIN_TOKEN_WRITE_RESTRICTED == WRITE_RESTRICTED,
	       "WRITE_RESTRICTED");
#endif

static const enum win_token_sid_source restricting[] = {
	WIN_TOKEN_SID_CAPABILITIES,
	WIN_TOKEN_SID_LOGON,
	WIN_TOKEN_SID_EVERYONE,
};

static const enum win_token_sid_source default_dacl[] = {
	WIN_TOKEN_SID_USER,
	WIN_TOKEN_SID_LOGON,
	WIN_TOKEN_SID_CAPABILITIES,
	WIN_TOKEN_SID_SYSTEM,
};

static const char *const kept_privileges[] = { "SeChangeNotifyPrivilege" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const struct win_token_spec win_token_unelevated = {
	.flags = WIN_TOKEN_DISABLE_MAX_PRIVILEGE | WIN_TOKEN_LUA_TOKEN |
		 WIN_TOKEN_WRITE_RESTRICTED,
	.restricting = restricting,
	.n_restricting = COUNT(restricting),
	.default_dacl = default_dacl,
	.n_default_dacl = COUNT(default_dacl),
	.kept_privileges = kept_privileges,
	.n_kept_privileges = COUNT(kept_privileges),
};

/* A logon SID is S-1-5-5-X-Y (SECURITY_LOGON_IDS_RID). */
static bool is_logon_sid(const char *s)
{
	struct win_sid sid;

	return win_sid_parse(s, &sid) == 0 &&
	       sid.authority == WIN_SID_NT_AUTHORITY && sid.count == 3 &&
	       sid.sub[0] == 5;
}

static int put(const char **ret, size_t max, size_t *n, const char *sid)
{
	if (*n == max)
		return -ENOSPC;
	ret[(*n)++] = sid;
	return 0;
}

static int put_capabilities(const char *const *caps, size_t n_caps,
			    const char **ret, size_t max, size_t *n)
{
	struct win_sid a, b;

	for (size_t i = 0; i < n_caps; i++) {
		bool dup = false;
		int r;

		if (win_sid_parse(caps[i], &a) < 0 ||
		    !win_sid_is_capability(&a))
			return -EINVAL;
		for (size_t j = 0; j < i && !dup; j++) {
			win_sid_parse(caps[j], &b);
			dup = win_sid_equal(&a, &b);
		}
		if (dup)
			continue;
		r = put(ret, max, n, caps[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int win_token_restricting_sids(const struct win_token_spec *spec,
			       const char *const *capability_sids, size_t n,
			       const char *logon_sid, const char **ret,
			       size_t max, size_t *ret_n)
{
	size_t count = 0;
	int r = 0;

	if (n == 0 || !is_logon_sid(logon_sid))
		return -EINVAL;
	for (size_t i = 0; i < spec->n_restricting && r == 0; i++) {
		switch (spec->restricting[i]) {
		case WIN_TOKEN_SID_CAPABILITIES:
			r = put_capabilities(capability_sids, n, ret, max,
					     &count);
			break;
		case WIN_TOKEN_SID_LOGON:
			r = put(ret, max, &count, logon_sid);
			break;
		case WIN_TOKEN_SID_EVERYONE:
			r = put(ret, max, &count, WIN_SID_EVERYONE);
			break;
		default:
			/* The user and SYSTEM only ever appear in the
			 * default DACL: a restricting user SID would let
			 * every write the user may do through. */
			r = -EINVAL;
			break;
		}
	}
	if (r < 0)
		return r;
	*ret_n = count;
	return 0;
}
