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
 *
 * The elevated mode's token (win_token_elevated) is built the same way by
 * paddock-runner.exe from the sandbox user's token, with one difference.
 * CreateProcessWithLogonW "uses the logon SID in the caller token" (its
 * documentation's remarks), so that the new process can use the caller's
 * window station:
 * the runner's logon SID is the real user's interactive one, which
 * WinSta0 and its default desktop grant full access. Kept enabled, it
 * would let the command open WinSta0\Default and send input and window
 * messages to the user's applications, whatever desktop it was started
 * on. So there the logon SID is deny-only, and a SID made at random for
 * the launch takes its two places: a restricting SID, and an entry of the
 * default DACL. The runner grants that SID (and the sandbox user) its own
 * window station and desktop (win_elev_desktop_sddl()), the only ones the
 * command can open.
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

static const enum win_token_sid_source elevated_restricting[] = {
	WIN_TOKEN_SID_CAPABILITIES,
	WIN_TOKEN_SID_LAUNCH,
	WIN_TOKEN_SID_EVERYONE,
};

static const enum win_token_sid_source elevated_disabled[] = {
	WIN_TOKEN_SID_LOGON,
};

static const enum win_token_sid_source elevated_default_dacl[] = {
	WIN_TOKEN_SID_USER,
	WIN_TOKEN_SID_LAUNCH,
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

const struct win_token_spec win_token_elevated = {
	.flags = WIN_TOKEN_DISABLE_MAX_PRIVILEGE | WIN_TOKEN_LUA_TOKEN |
		 WIN_TOKEN_WRITE_RESTRICTED,
	.restricting = elevated_restricting,
	.n_restricting = COUNT(elevated_restricting),
	.disabled = elevated_disabled,
	.n_disabled = COUNT(elevated_disabled),
	.default_dacl = elevated_default_dacl,
	.n_default_dacl = COUNT(elevated_default_dacl),
	.kept_privileges = kept_privileges,
	.n_kept_privileges = COUNT(kept_privileges),
};

/* A logon SID is S-1-5-5-X-Y (SECURITY_LOGON_IDS_RID). */
static bool is_logon_sid(const char *s)
{
	struct win_sid sid;

	return s && win_sid_parse(s, &sid) == 0 &&
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

static bool is_sid(const char *s)
{
	struct win_sid sid;

	return s && win_sid_parse(s, &sid) == 0;
}

static bool is_capability_shaped(const char *s)
{
	struct win_sid sid;

	return s && win_sid_parse(s, &sid) == 0 && win_sid_is_capability(&sid);
}

/* The SIDs of one source into ret; -EINVAL when in lacks it. */
static int put_source(enum win_token_sid_source source,
		      const struct win_token_sids *in, const char **ret,
		      size_t max, size_t *n)
{
	switch (source) {
	case WIN_TOKEN_SID_CAPABILITIES:
		return put_capabilities(in->caps, in->n_caps, ret, max, n);
	case WIN_TOKEN_SID_LOGON:
		return put(ret, max, n, in->logon);
	case WIN_TOKEN_SID_EVERYONE:
		return put(ret, max, n, WIN_SID_EVERYONE);
	case WIN_TOKEN_SID_USER:
		return is_sid(in->user) ? put(ret, max, n, in->user) : -EINVAL;
	case WIN_TOKEN_SID_SYSTEM:
		return put(ret, max, n, "S-1-5-18");
	case WIN_TOKEN_SID_LAUNCH:
		return is_capability_shaped(in->launch)
			       ? put(ret, max, n, in->launch)
			       : -EINVAL;
	}
	return -EINVAL;
}

/* Every SID of the sources in list, in order; ret_n untouched on error. */
static int collect(const enum win_token_sid_source *list, size_t n_list,
		   bool user_or_system, const struct win_token_sids *in,
		   const char **ret, size_t max, size_t *ret_n)
{
	size_t count = 0;
	int r = 0;

	if (in->n_caps == 0 || !is_logon_sid(in->logon))
		return -EINVAL;
	for (size_t i = 0; i < n_list && r == 0; i++) {
		if (!user_or_system && (list[i] == WIN_TOKEN_SID_USER ||
					list[i] == WIN_TOKEN_SID_SYSTEM))
			r = -EINVAL;
		else
			r = put_source(list[i], in, ret, max, &count);
	}
	if (r < 0)
		return r;
	*ret_n = count;
	return 0;
}

int win_token_restricting_sids(const struct win_token_spec *spec,
			       const struct win_token_sids *in,
			       const char **ret, size_t max, size_t *ret_n)
{
	/* The user and SYSTEM only ever appear in the default DACL: a
	 * restricting user SID would let every write the user may do
	 * through. */
	return collect(spec->restricting, spec->n_restricting, false, in, ret,
		       max, ret_n);
}

int win_token_disabled_sids(const struct win_token_spec *spec,
			    const struct win_token_sids *in, const char **ret,
			    size_t max, size_t *ret_n)
{
	return collect(spec->disabled, spec->n_disabled, false, in, ret, max,
		       ret_n);
}

int win_token_default_dacl_sids(const struct win_token_spec *spec,
				const struct win_token_sids *in,
				const char **ret, size_t max, size_t *ret_n)
{
	return collect(spec->default_dacl, spec->n_default_dacl, true, in, ret,
		       max, ret_n);
}
