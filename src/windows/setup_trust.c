/* SPDX-License-Identifier: MIT */
/*
 * What setup may use as it finds it on disk: the setup directory, and the
 * objects the sandbox group's grants are written to.
 *
 * THE SETUP DIRECTORY. %ProgramData%\paddock holds the DPAPI
 * machine-scoped secrets, which any local process that can read them can
 * decrypt, so its DACL is their only protection. By default a standard
 * user may create a folder in ProgramData, and then owns it (CREATOR OWNER
 * is granted full control there); the owner of an object may always read
 * and change its DACL, whatever the DACL says. So a directory someone
 * made before setup ran is never adopted: setup and paddock.exe open it
 * without following a reparse point (a junction to a directory of the
 * squatter's would do as well) and use it only when it is a directory
 * owned by Administrators or SYSTEM, which a standard user cannot make
 * (setup creates it with the owner Administrators). Once such a directory
 * carries setup's protected DACL, no standard user may rename, delete or
 * re-point it, so the path keeps naming the object that was checked.
 *
 * THE CALLER'S SID. paddock-setup.exe is sent the real user's SID by the
 * unelevated paddock.exe, whose command line anyone could have written.
 * An administrator who consents at the UAC prompt consents to setting up
 * paddock for himself or for the user in front of him, not for an account
 * named by a stranger: so the SID must be the elevated token's user or
 * the interactive session's user. The background helper, started by the
 * foreground setup, must moreover name the owner and profile of the
 * marker that setup wrote.
 *
 * GRANT TARGETS. The read grants are written by name, in the background,
 * a while after the profile was listed. A child of the profile replaced by
 * a junction in between would carry an inheritable grant onto whatever the
 * junction names (another user's profile), so each target is opened as
 * itself and refused when it is a reparse point.
 */
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#endif

#include "windows/setup.h"

#ifdef _WIN32
_Static_assert(WIN_FILE_ATTRIBUTE_DIRECTORY == FILE_ATTRIBUTE_DIRECTORY,
	       "FILE_ATTRIBUTE_DIRECTORY");
_Static_assert(WIN_FILE_ATTRIBUTE_REPARSE_POINT == FILE_ATTRIBUTE_REPARSE_POINT,
	       "FILE_ATTRIBUTE_REPARSE_POINT");
#endif

static bool sid_is(const char *sid, const char *expected)
{
	struct win_sid a, b;

	return sid && win_sid_parse(sid, &a) == 0 &&
	       win_sid_parse(expected, &b) == 0 && win_sid_equal(&a, &b);
}

enum win_setup_object win_setup_grant_verdict(uint32_t attributes,
					      uint32_t reparse_tag)
{
	/* Either says so: the tag is what FileAttributeTagInfo reads. */
	if ((attributes & WIN_FILE_ATTRIBUTE_REPARSE_POINT) || reparse_tag)
		return WIN_SETUP_OBJECT_REPARSE_POINT;
	return WIN_SETUP_OBJECT_OK;
}

enum win_setup_object win_setup_dir_verdict(uint32_t attributes,
					    uint32_t reparse_tag,
					    const char *owner_sid)
{
	enum win_setup_object v =
		win_setup_grant_verdict(attributes, reparse_tag);

	if (v != WIN_SETUP_OBJECT_OK)
		return v;
	if (!(attributes & WIN_FILE_ATTRIBUTE_DIRECTORY))
		return WIN_SETUP_OBJECT_NOT_DIRECTORY;
	if (!sid_is(owner_sid, WIN_SID_ADMINISTRATORS) &&
	    !sid_is(owner_sid, WIN_SID_SYSTEM))
		return WIN_SETUP_OBJECT_FOREIGN_OWNER;
	return WIN_SETUP_OBJECT_OK;
}

const char *win_setup_dir_text(enum win_setup_object verdict)
{
	switch (verdict) {
	case WIN_SETUP_OBJECT_OK:
		return "the setup directory is paddock's";
	case WIN_SETUP_OBJECT_REPARSE_POINT:
		return "the setup directory %ProgramData%\\paddock is a junction or symbolic link, which paddock never follows: delete it (rmdir, from an elevated prompt) before paddock setup";
	case WIN_SETUP_OBJECT_NOT_DIRECTORY:
		return "%ProgramData%\\paddock is a file, not the setup directory: delete it (from an elevated prompt) before paddock setup";
	case WIN_SETUP_OBJECT_FOREIGN_OWNER:
		return "the setup directory %ProgramData%\\paddock is owned by neither Administrators nor SYSTEM, so whoever made it can still change its DACL: delete it (from an elevated prompt) before paddock setup";
	}
	return "the setup directory cannot be trusted";
}

bool win_setup_caller_allowed(const char *sent, const char *token_user,
			      const char *session_user)
{
	if (!win_setup_sid_is_account(sent))
		return false;
	return sid_is(token_user, sent) || sid_is(session_user, sent);
}

bool win_setup_helper_matches(const struct win_setup_marker *m,
			      const struct win_setup_args *a)
{
	char *mine = NULL, *theirs = NULL;
	bool same;

	if (!sid_is(m->owner_sid, a->user_sid))
		return false;
	same = win_path_key(m->profile, &mine) == 0 &&
	       win_path_key(a->profile, &theirs) == 0 &&
	       strcmp(mine, theirs) == 0;
	free(mine);
	free(theirs);
	return same;
}

const char *win_setup_uninstall_profile(const struct win_setup_marker *m,
					const char *owner_system_profile,
					const char *caller_profile)
{
	char *a = NULL, *b = NULL;
	bool confirmed;

	if (!m || !m->profile[0] || !owner_system_profile)
		return caller_profile;
	confirmed = win_path_key(m->profile, &a) == 0 &&
		    win_path_key(owner_system_profile, &b) == 0 &&
		    strcmp(a, b) == 0;
	free(a);
	free(b);
	return confirmed ? m->profile : caller_profile;
}
