/* SPDX-License-Identifier: MIT */
/*
 * The sandbox group's entries on the real user's files and the system's
 * trees (setup_plan.c decides where and says why .ssh gets none).
 *
 * Each target is opened once, as itself (FILE_FLAG_OPEN_REPARSE_POINT):
 * a junction or symbolic link there is refused, never followed
 * (setup_trust.c says why), and every read and write of its DACL goes
 * through that handle, GetSecurityInfo and SetSecurityInfo, so that the
 * object checked is the object changed. The handle is opened for reading
 * only; ReOpenFile adds WRITE_DAC to the same open object when something
 * must be written, since an administrator may read, but not change, the
 * DACL of the trees TrustedInstaller owns.
 *
 * A grant is added with SetEntriesInAclW (skipped when an explicit entry
 * already covers it) and removed by rewriting the DACL without the
 * explicit entries for the group's SID. SetSecurityInfo, like
 * SetNamedSecurityInfoW, carries inheritable entries to the existing
 * children ("Automatic Propagation of Inheritable ACEs" in the Windows
 * documentation), so the inherited copies come and go with them. Entries
 * of other SIDs, and inherited ones, are never touched.
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

/* path itself, for reading its DACL; *ret_reparse when it is a reparse
 * point, which is closed again and refused. */
static DWORD open_target(const wchar_t *path, HANDLE *ret, bool *ret_reparse)
{
	FILE_ATTRIBUTE_TAG_INFO tag;
	DWORD native = 0;
	HANDLE h;

	*ret_reparse = false;
	h = CreateFileW(path, READ_CONTROL | FILE_READ_ATTRIBUTES,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING,
			FILE_FLAG_BACKUP_SEMANTICS |
				FILE_FLAG_OPEN_REPARSE_POINT,
			NULL);
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError();
	if (!GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag,
					  sizeof(tag)))
		native = GetLastError();
	else if (win_setup_grant_verdict(tag.FileAttributes, tag.ReparseTag) !=
		 WIN_SETUP_OBJECT_OK)
		*ret_reparse = true;
	if (native || *ret_reparse) {
		CloseHandle(h);
		return native;
	}
	*ret = h;
	return 0;
}

static DWORD get_dacl(HANDLE h, ACL **ret, PSECURITY_DESCRIPTOR *sd)
{
	return GetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
			       NULL, NULL, ret, NULL, sd);
}

/* Write dacl to the object h names, through a handle to the same open
 * object with WRITE_DAC added. */
static DWORD set_dacl(HANDLE h, ACL *dacl)
{
	HANDLE w = ReOpenFile(
		h, READ_CONTROL | WRITE_DAC,
		FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT);
	DWORD native;

	if (w == INVALID_HANDLE_VALUE)
		return GetLastError();
	native = SetSecurityInfo(w, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
				 NULL, NULL, dacl, NULL);
	CloseHandle(w);
	return native;
}

static DWORD remove_entries(HANDLE h, const char *sid_text)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	ACL *dacl = NULL, *out = NULL;
	size_t removed = 0;
	PSID sid;
	DWORD native;

	if (!ConvertStringSidToSidA(sid_text, &sid))
		return GetLastError();
	native = get_dacl(h, &dacl, &sd);
	if (native == 0 && dacl)
		native = without_sid(dacl, sid, &out, &removed);
	if (native == 0 && removed)
		native = set_dacl(h, out);
	LocalFree(out);
	LocalFree(sd);
	LocalFree(sid);
	return native;
}

/* Whether Users already reads the tree h names (win_setup_tree_readable). */
static bool readable_by_users(HANDLE h)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	struct win_acl_ace *aces;
	ACL *dacl = NULL;
	size_t n;
	bool yes = false;

	if (get_dacl(h, &dacl, &sd) != 0)
		return false;
	if (win_aclw_read_aces(dacl, &aces, &n) == 0) {
		yes = win_setup_tree_readable(aces, n);
		win_aclw_free_aces(aces, n);
	}
	LocalFree(sd);
	return yes;
}

/* Add e to the DACL of h unless an explicit entry covers it already;
 * *ret_written says whether it was added. */
static DWORD apply_entry(HANDLE h, const struct win_acl_entry *e,
			 bool *ret_written)
{
	EXPLICIT_ACCESS_W ea = { 0 };
	PSECURITY_DESCRIPTOR sd = NULL;
	struct win_acl_ace *aces;
	ACL *dacl = NULL, *merged = NULL;
	PSID sid = NULL;
	size_t n;
	bool present;
	DWORD native = get_dacl(h, &dacl, &sd);

	if (native)
		return native;
	if (win_aclw_read_aces(dacl, &aces, &n) < 0) {
		LocalFree(sd);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	present = win_acl_entry_present(aces, n, e);
	win_aclw_free_aces(aces, n);
	if (!present && !ConvertStringSidToSidA(e->sid, &sid))
		native = GetLastError();
	if (!present && native == 0) {
		ea.grfAccessPermissions = e->mask;
		ea.grfAccessMode = GRANT_ACCESS;
		ea.grfInheritance = e->inherit;
		ea.Trustee.TrusteeForm = TRUSTEE_IS_SID;
		ea.Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
		ea.Trustee.ptstrName = (LPWSTR)sid;
		native = SetEntriesInAclW(1, &ea, dacl, &merged);
		if (native == 0)
			native = set_dacl(h, merged);
		*ret_written = native == 0;
	}
	LocalFree(merged);
	LocalFree(sid);
	LocalFree(sd);
	return native;
}

/* *ret_skipped: nothing was written (an entry there already), so a
 * roll-back has nothing of this run's to remove. */
static DWORD add_grant(HANDLE h, const struct win_setup_change *c,
		       const char *group_sid, bool *ret_skipped)
{
	const uint32_t oici =
		WIN_ACL_OBJECT_INHERIT | WIN_ACL_CONTAINER_INHERIT;
	struct win_acl_entry e = { .sid = group_sid, .kind = WIN_ACL_ALLOW };
	bool self = false, below = false;
	DWORD native;

	/* Whether a system tree needs its grant at all was decided with the
	 * plan (win_setupw_tree_readable()), so that the dry run says it. */
	if (c->kind == WIN_SETUP_READ_GRANT_KIND) {
		e.mask = WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_EXECUTE;
		e.inherit = c->inherit ? oici : 0;
		native = apply_entry(h, &e, &self);
		*ret_skipped = !self;
		return native;
	}
	/* A writable root as in acl.c: no delete-child on the root itself,
	 * everything below it inherits full change rights. */
	e.mask = WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_WRITE |
		 WIN_ACL_GENERIC_EXECUTE;
	e.inherit = 0;
	native = apply_entry(h, &e, &self);
	if (native == 0) {
		e.mask |= WIN_ACL_DELETE | WIN_ACL_DELETE_CHILD;
		e.inherit = oici | WIN_ACL_INHERIT_ONLY;
		native = apply_entry(h, &e, &below);
	}
	*ret_skipped = !self && !below;
	return native;
}

bool win_setupw_tree_readable(const char *path)
{
	wchar_t *wide;
	HANDLE h = NULL;
	bool reparse, yes = false;
	DWORD native;

	if (win_str_wide(path, &wide) < 0)
		return false;
	native = open_target(wide, &h, &reparse);
	free(wide);
	if (native == 0 && !reparse) {
		yes = readable_by_users(h);
		CloseHandle(h);
	}
	return yes;
}

int win_setupw_grant_apply(const struct win_setup_change *c,
			   const char *group_sid, bool *ret_skipped,
			   struct win_setup_report *r)
{
	bool add = c->op == WIN_SETUP_ADD, reparse;
	wchar_t *path;
	HANDLE h = NULL;
	DWORD native;

	*ret_skipped = false;
	if (win_str_wide(c->target, &path) < 0)
		return -ENOMEM;
	native = open_target(path, &h, &reparse);
	free(path);
	/* Gone since the plan was made: nothing to grant or remove. */
	if (native == ERROR_FILE_NOT_FOUND || native == ERROR_PATH_NOT_FOUND) {
		*ret_skipped = true;
		return 0;
	}
	if (reparse)
		return win_setupw_fail(
			r, add ? WIN_SETUP_E_ACL : WIN_SETUP_E_UNINSTALL, 0,
			c->target,
			add ? "the path is a junction or symbolic link now (a reparse point): setup grants nothing through one"
			    : "the path is a junction or symbolic link now (a reparse point): uninstall removes nothing through one; remove the link, then run paddock uninstall again");
	if (native == 0) {
		native = add ? add_grant(h, c, group_sid, ret_skipped)
			     : remove_entries(h, group_sid);
		CloseHandle(h);
	}
	if (native)
		return win_setupw_fail(
			r, add ? WIN_SETUP_E_ACL : WIN_SETUP_E_UNINSTALL,
			native, c->target,
			add ? "cannot add the sandbox group's entry"
			    : "cannot remove the sandbox group's entries");
	return 0;
}
