/* SPDX-License-Identifier: MIT */
/*
 * Writing the ACL plan (acl.c decides it): for each entry, the object's
 * DACL is read, the entry skipped when an explicit entry already covers
 * it, else merged in with SetEntriesInAclW and written back with
 * SetNamedSecurityInfoW, which also carries inheritable entries down the
 * tree (slow on large trees the first time; later runs find the entries
 * present and write nothing).
 *
 * Placeholders: a missing protected name is reserved by an empty, hidden
 * directory created before its deny entries are written. Each run keeps a
 * handle open on it without FILE_SHARE_DELETE, so that a concurrent run
 * that ends first cannot remove it (its RemoveDirectoryW fails with a
 * sharing violation); the last run to end removes it while it is still
 * empty. resolve.c recognises an empty hidden directory at a protected
 * name as a placeholder to reuse.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/sandbox.h"

#include <aclapi.h>
#include <sddl.h>

/* Generic rights (GENERIC_WRITE in an entry written by a tool) as the
 * file rights they stand for, which is what the pure logic compares. */
static uint32_t file_mask(ACCESS_MASK mask)
{
	GENERIC_MAPPING map = { FILE_GENERIC_READ, FILE_GENERIC_WRITE,
				FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS };

	MapGenericMask(&mask, &map);
	return mask;
}

/* The DACL's entries as the pure logic reads them. The strings point into
 * one LocalAlloc'ed block each; free with win_aclw_free_aces(). */
int win_aclw_read_aces(ACL *dacl, struct win_acl_ace **ret, size_t *ret_n)
{
	struct win_acl_ace *aces;
	size_t n = 0;

	aces = calloc(dacl && dacl->AceCount ? dacl->AceCount : 1,
		      sizeof(*aces));
	if (!aces)
		return -ENOMEM;
	for (DWORD i = 0; dacl && i < dacl->AceCount; i++) {
		ACE_HEADER *h;
		ACCESS_ALLOWED_ACE *a;
		char *sid;

		if (!GetAce(dacl, i, (void **)&h))
			continue;
		if (h->AceType != ACCESS_ALLOWED_ACE_TYPE &&
		    h->AceType != ACCESS_DENIED_ACE_TYPE)
			continue;
		/* The allowed and denied entries share one layout. */
		a = (ACCESS_ALLOWED_ACE *)h;
		if (!ConvertSidToStringSidA((PSID)&a->SidStart, &sid))
			continue;
		aces[n++] = (struct win_acl_ace){
			.kind = h->AceType == ACCESS_DENIED_ACE_TYPE
					? WIN_ACL_DENY
					: WIN_ACL_ALLOW,
			.sid = sid,
			.mask = file_mask(a->Mask),
			.flags = h->AceFlags & VALID_INHERIT_FLAGS,
			.inherited = (h->AceFlags & INHERITED_ACE) != 0,
		};
	}
	*ret = aces;
	*ret_n = n;
	return 0;
}

void win_aclw_free_aces(struct win_acl_ace *aces, size_t n)
{
	for (size_t i = 0; i < n; i++)
		LocalFree((char *)aces[i].sid);
	free(aces);
}

DWORD win_aclw_get_dacl(const wchar_t *path, ACL **ret,
			PSECURITY_DESCRIPTOR *sd)
{
	return GetNamedSecurityInfoW(path, SE_FILE_OBJECT,
				     DACL_SECURITY_INFORMATION, NULL, NULL, ret,
				     NULL, sd);
}

static DWORD add_entry(const wchar_t *path, ACL *dacl,
		       const struct win_acl_entry *e)
{
	EXPLICIT_ACCESS_W ea = { 0 };
	ACL *merged = NULL;
	PSID sid;
	DWORD native;

	if (!ConvertStringSidToSidA(e->sid, &sid))
		return GetLastError();
	ea.grfAccessPermissions = e->mask;
	ea.grfAccessMode = e->kind == WIN_ACL_DENY ? DENY_ACCESS : GRANT_ACCESS;
	ea.grfInheritance = e->inherit;
	ea.Trustee.TrusteeForm = TRUSTEE_IS_SID;
	ea.Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
	ea.Trustee.ptstrName = (LPWSTR)sid;
	native = SetEntriesInAclW(1, &ea, dacl, &merged);
	if (native == ERROR_SUCCESS)
		native = SetNamedSecurityInfoW((LPWSTR)path, SE_FILE_OBJECT,
					       DACL_SECURITY_INFORMATION, NULL,
					       NULL, merged, NULL);
	if (merged)
		LocalFree(merged);
	LocalFree(sid);
	return native;
}

/* Write e unless present; *ret_written says whether it was. */
DWORD win_aclw_apply_entry(const wchar_t *path, const struct win_acl_entry *e,
			   bool *ret_written)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	struct win_acl_ace *aces;
	ACL *dacl = NULL;
	size_t n;
	DWORD native = win_aclw_get_dacl(path, &dacl, &sd);

	*ret_written = false;
	if (native != ERROR_SUCCESS)
		return native;
	if (win_aclw_read_aces(dacl, &aces, &n) < 0) {
		LocalFree(sd);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	if (!win_acl_entry_present(aces, n, e)) {
		native = add_entry(path, dacl, e);
		*ret_written = native == ERROR_SUCCESS;
	}
	win_aclw_free_aces(aces, n);
	LocalFree(sd);
	return native;
}

static int remember_placeholder(struct win_sandbox *sb, const char *path,
				HANDLE h)
{
	size_t n = sb->n_placeholders + 1;
	HANDLE *handles = realloc(sb->placeholders, n * sizeof(*handles));
	char **paths;

	if (handles)
		sb->placeholders = handles;
	paths = handles ? realloc(sb->placeholder_paths, n * sizeof(*paths))
			: NULL;
	if (paths)
		sb->placeholder_paths = paths;
	if (!handles || !paths || !(paths[n - 1] = strdup(path))) {
		CloseHandle(h);
		return -ENOMEM;
	}
	handles[n - 1] = h;
	sb->n_placeholders = n;
	return 0;
}

static bool is_placeholder_of_this_run(const struct win_sandbox *sb,
				       const char *path)
{
	for (size_t i = 0; i < sb->n_placeholders; i++) {
		if (strcmp(sb->placeholder_paths[i], path) == 0)
			return true;
	}
	return false;
}

/* Create (or reuse) the placeholder at path and hold it open. */
static int make_placeholder(struct win_sandbox *sb, const char *path,
			    const wchar_t *wide, struct paddock_error *err)
{
	BY_HANDLE_FILE_INFORMATION info;
	DWORD native;
	HANDLE h;

	if (is_placeholder_of_this_run(sb, path))
		return 0;
	if (!CreateDirectoryW(wide, NULL) &&
	    (native = GetLastError()) != ERROR_ALREADY_EXISTS)
		return win_err_set(err, PADDOCK_STEP_PLACEHOLDER, native, path,
				   NULL);
	h = CreateFileW(wide, FILE_READ_ATTRIBUTES,
			FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
			FILE_FLAG_BACKUP_SEMANTICS |
				FILE_FLAG_OPEN_REPARSE_POINT,
			NULL);
	if (h == INVALID_HANDLE_VALUE)
		return win_err_set(err, PADDOCK_STEP_PLACEHOLDER,
				   GetLastError(), path, NULL);
	if (!GetFileInformationByHandle(h, &info)) {
		native = GetLastError();
		CloseHandle(h);
		return win_err_set(err, PADDOCK_STEP_PLACEHOLDER, native, path,
				   NULL);
	}
	/* Something else appeared there since the resolution: what it is
	 * gets the deny entries, and is the user's, never removed. */
	if (!(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
	    (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
		CloseHandle(h);
		return 0;
	}
	if (!SetFileAttributesW(wide, FILE_ATTRIBUTE_HIDDEN)) {
		native = GetLastError();
		CloseHandle(h);
		return win_err_set(err, PADDOCK_STEP_PLACEHOLDER, native, path,
				   "cannot hide the placeholder");
	}
	return remember_placeholder(sb, path, h);
}

int win_aclw_apply(const struct paddock_policy *policy,
		   const struct win_acl_plan *plan, struct win_sandbox *sb,
		   struct paddock_error *err)
{
	size_t written = 0;

	for (size_t i = 0; i < plan->len; i++) {
		const struct win_acl_entry *e = &plan->entries[i];
		bool nul = strcmp(e->path, WIN_ACL_NUL_DEVICE) == 0;
		bool done;
		wchar_t *wide;
		DWORD native;
		int r = win_str_wide(e->path, &wide);

		if (r < 0)
			return error_set(err, PADDOCK_STEP_ACL, -r, e->path,
					 NULL);
		r = e->placeholder ? make_placeholder(sb, e->path, wide, err)
				   : 0;
		native = r == 0 ? win_aclw_apply_entry(wide, e, &done) : 0;
		free(wide);
		if (r < 0)
			return r;
		/* The null device's DACL grants Everyone, a restricting SID,
		 * on every Windows seen; a system that refuses the entry is
		 * noted, not fatal: tools then fail to write to NUL, which
		 * they say. */
		if (native && nul) {
			log_msg(policy, PADDOCK_LOG_INFO,
				"cannot grant the sandbox the null device (Windows error %lu)",
				native);
			continue;
		}
		if (native)
			return win_err_set(err, PADDOCK_STEP_ACL, native,
					   e->path, NULL);
		written += done;
	}
	log_msg(policy, PADDOCK_LOG_INFO,
		"ACL entries: %zu written, %zu already present", written,
		plan->len - written);
	return 0;
}

void win_aclw_release(const struct paddock_policy *policy,
		      struct win_sandbox *sb)
{
	for (size_t i = 0; i < sb->n_placeholders; i++) {
		wchar_t *wide;

		CloseHandle(sb->placeholders[i]);
		/* Fails, and leaves it, when it is no longer empty or a
		 * concurrent run still holds it; that run removes it. */
		if (win_str_wide(sb->placeholder_paths[i], &wide) == 0) {
			if (!RemoveDirectoryW(wide))
				log_msg(policy, PADDOCK_LOG_DEBUG,
					"placeholder %s left in place (Windows error %lu)",
					sb->placeholder_paths[i],
					GetLastError());
			free(wide);
		}
		free(sb->placeholder_paths[i]);
	}
	free(sb->placeholders);
	free(sb->placeholder_paths);
	sb->placeholders = NULL;
	sb->placeholder_paths = NULL;
	sb->n_placeholders = 0;
}
