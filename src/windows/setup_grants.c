/* SPDX-License-Identifier: MIT */
/*
 * The sandbox group's entries on the real user's files and the system's
 * trees (setup_plan.c decides where and says why .ssh gets none).
 *
 * A grant is added with aclw.c's win_aclw_apply_entry() (skipped when an
 * explicit entry already covers it) and removed by rewriting the DACL
 * without the explicit entries for the group's SID; SetNamedSecurityInfoW
 * then carries the change down the tree, so the inherited copies go too.
 * Entries of other SIDs, and inherited ones, are never touched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setupw.h"

#include <aclapi.h>
#include <sddl.h>

/* The DACL of dacl without the explicit entries for sid; *ret_removed
 * counts them. LocalFree the result. */
static DWORD without_sid(ACL *dacl, PSID sid, ACL **ret, size_t *ret_removed)
{
	ACL_SIZE_INFORMATION info;
	ACL *out;

	*ret_removed = 0;
	if (!GetAclInformation(dacl, &info, sizeof(info), AclSizeInformation))
		return GetLastError();
	out = LocalAlloc(LPTR, info.AclBytesInUse);
	if (!out)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (!InitializeAcl(out, info.AclBytesInUse, ACL_REVISION)) {
		LocalFree(out);
		return GetLastError();
	}
	for (DWORD i = 0; i < info.AceCount; i++) {
		ACE_HEADER *h;
		bool ours;

		if (!GetAce(dacl, i, (void **)&h))
			continue;
		ours = (h->AceType == ACCESS_ALLOWED_ACE_TYPE ||
			h->AceType == ACCESS_DENIED_ACE_TYPE) &&
		       !(h->AceFlags & INHERITED_ACE) &&
		       EqualSid((PSID) & ((ACCESS_ALLOWED_ACE *)h)->SidStart,
				sid);
		if (ours) {
			(*ret_removed)++;
			continue;
		}
		if (!AddAce(out, ACL_REVISION, MAXDWORD, h, h->AceSize)) {
			LocalFree(out);
			return GetLastError();
		}
	}
	*ret = out;
	return 0;
}

static DWORD remove_entries(const wchar_t *path, const char *sid_text)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	ACL *dacl = NULL, *out = NULL;
	size_t removed = 0;
	PSID sid;
	DWORD native;

	if (!ConvertStringSidToSidA(sid_text, &sid))
		return GetLastError();
	native = win_aclw_get_dacl(path, &dacl, &sd);
	if (native == ERROR_FILE_NOT_FOUND || native == ERROR_PATH_NOT_FOUND)
		native = 0; /* gone: nothing to remove */
	else if (native == 0 && dacl)
		native = without_sid(dacl, sid, &out, &removed);
	if (native == 0 && removed)
		native = SetNamedSecurityInfoW((LPWSTR)path, SE_FILE_OBJECT,
					       DACL_SECURITY_INFORMATION, NULL,
					       NULL, out, NULL);
	LocalFree(out);
	LocalFree(sd);
	LocalFree(sid);
	return native;
}

/* Whether Users already reads the tree at path (win_setup_tree_readable). */
static bool readable_by_users(const wchar_t *path)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	struct win_acl_ace *aces;
	ACL *dacl = NULL;
	size_t n;
	bool yes = false;

	if (win_aclw_get_dacl(path, &dacl, &sd) != 0)
		return false;
	if (win_aclw_read_aces(dacl, &aces, &n) == 0) {
		yes = win_setup_tree_readable(aces, n);
		win_aclw_free_aces(aces, n);
	}
	LocalFree(sd);
	return yes;
}

static DWORD add_grant(const wchar_t *path, const struct win_setup_change *c,
		       const char *group_sid, bool *ret_skipped)
{
	const uint32_t oici =
		WIN_ACL_OBJECT_INHERIT | WIN_ACL_CONTAINER_INHERIT;
	struct win_acl_entry e = { .sid = group_sid, .kind = WIN_ACL_ALLOW };
	bool written;
	DWORD native;

	if (c->kind == WIN_SETUP_READ_GRANT_KIND) {
		if (c->inherit && readable_by_users(path)) {
			*ret_skipped = true;
			return 0;
		}
		e.mask = WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_EXECUTE;
		e.inherit = c->inherit ? oici : 0;
		return win_aclw_apply_entry(path, &e, &written);
	}
	/* A writable root as in acl.c: no delete-child on the root itself,
	 * everything below it inherits full change rights. */
	e.mask = WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_WRITE |
		 WIN_ACL_GENERIC_EXECUTE;
	e.inherit = 0;
	native = win_aclw_apply_entry(path, &e, &written);
	if (native)
		return native;
	e.mask |= WIN_ACL_DELETE | WIN_ACL_DELETE_CHILD;
	e.inherit = oici | WIN_ACL_INHERIT_ONLY;
	return win_aclw_apply_entry(path, &e, &written);
}

int win_setupw_grant_apply(const struct win_setup_change *c,
			   const char *group_sid, bool *ret_skipped,
			   struct win_setup_report *r)
{
	wchar_t *path;
	DWORD native;

	*ret_skipped = false;
	if (win_str_wide(c->target, &path) < 0)
		return -ENOMEM;
	if (c->op == WIN_SETUP_ADD)
		native = add_grant(path, c, group_sid, ret_skipped);
	else
		native = remove_entries(path, group_sid);
	free(path);
	if (native)
		return win_setupw_fail(
			r,
			c->op == WIN_SETUP_ADD ? WIN_SETUP_E_ACL
					       : WIN_SETUP_E_UNINSTALL,
			native, c->target,
			c->op == WIN_SETUP_ADD
				? "cannot add the sandbox group's entry"
				: "cannot remove the sandbox group's entries");
	return 0;
}
