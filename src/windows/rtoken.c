/* SPDX-License-Identifier: MIT */
/*
 * Building the write-restricted token that token.c describes. Every
 * choice (flags, restricting SIDs, default DACL, kept privileges) is read
 * from win_token_unelevated; this file only carries it out and checks the
 * result, so that the table stays the one place to audit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/win32.h"

#include <sddl.h>

#define MAX_SIDS 16

static int fail(struct paddock_error *err, DWORD native, const char *what)
{
	return win_err_set(err, PADDOCK_STEP_TOKEN, native, NULL, what);
}

/* Token information of any class, in a malloc'ed buffer. */
static int token_info(HANDLE token, TOKEN_INFORMATION_CLASS cls, void **ret,
		      DWORD *ret_native)
{
	DWORD size = 0;
	void *buf;

	if (!GetTokenInformation(token, cls, NULL, 0, &size) &&
	    GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
		*ret_native = GetLastError();
		return -1;
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		*ret_native = ERROR_NOT_ENOUGH_MEMORY;
		return -1;
	}
	if (!GetTokenInformation(token, cls, buf, size, &size)) {
		*ret_native = GetLastError();
		free(buf);
		return -1;
	}
	*ret = buf;
	return 0;
}

int win_rtoken_logon_sid(HANDLE self, char **ret, struct paddock_error *err)
{
	TOKEN_GROUPS *groups;
	DWORD native;
	int r = -ENOENT;

	if (token_info(self, TokenGroups, (void **)&groups, &native) < 0)
		return fail(err, native, "cannot read the token's groups");
	for (DWORD i = 0; i < groups->GroupCount && r == -ENOENT; i++) {
		if (!(groups->Groups[i].Attributes & SE_GROUP_LOGON_ID))
			continue;
		if (!ConvertSidToStringSidA(groups->Groups[i].Sid, ret))
			r = fail(err, GetLastError(),
				 "cannot read the logon SID");
		else
			r = 0;
	}
	free(groups);
	if (r == -ENOENT)
		return error_set(
			err, PADDOCK_STEP_TOKEN, ENOENT, NULL,
			"paddock's token has no logon SID (a service or a batch logon?); the restricted token needs one");
	return r;
}

/* The SIDs of names, converted; freed with LocalFree each. */
static int to_sids(const char *const *names, size_t n, PSID *ret,
		   struct paddock_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!ConvertStringSidToSidA(names[i], &ret[i])) {
			DWORD native = GetLastError();

			while (i--)
				LocalFree(ret[i]);
			return win_err_set(err, PADDOCK_STEP_TOKEN, native,
					   names[i], "cannot convert the SID");
		}
	}
	return 0;
}

/* The SIDs the default DACL grants, per the table. */
static int default_dacl_sids(const char *const *caps, size_t n_caps,
			     const char *logon, const char *user,
			     const char **ret, size_t *ret_n)
{
	const struct win_token_spec *spec = &win_token_unelevated;
	size_t n = 0;

	for (size_t i = 0; i < spec->n_default_dacl; i++) {
		switch (spec->default_dacl[i]) {
		case WIN_TOKEN_SID_CAPABILITIES:
			for (size_t j = 0; j < n_caps && n < MAX_SIDS; j++)
				ret[n++] = caps[j];
			break;
		case WIN_TOKEN_SID_LOGON:
			ret[n++] = logon;
			break;
		case WIN_TOKEN_SID_USER:
			ret[n++] = user;
			break;
		case WIN_TOKEN_SID_SYSTEM:
			ret[n++] = "S-1-5-18";
			break;
		case WIN_TOKEN_SID_EVERYONE:
			ret[n++] = WIN_SID_EVERYONE;
			break;
		}
		if (n >= MAX_SIDS)
			return -E2BIG;
	}
	*ret_n = n;
	return 0;
}

/* An ACL granting GENERIC_ALL to each SID. */
static int build_dacl(PSID *sids, size_t n, ACL **ret, DWORD *ret_native)
{
	DWORD size = sizeof(ACL);
	ACL *acl;

	for (size_t i = 0; i < n; i++)
		size += sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD) +
			GetLengthSid(sids[i]);
	acl = malloc(size);
	if (!acl) {
		*ret_native = ERROR_NOT_ENOUGH_MEMORY;
		return -1;
	}
	if (!InitializeAcl(acl, size, ACL_REVISION)) {
		*ret_native = GetLastError();
		free(acl);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL,
					 sids[i])) {
			*ret_native = GetLastError();
			free(acl);
			return -1;
		}
	}
	*ret = acl;
	return 0;
}

static int user_sid(HANDLE self, char **ret, struct paddock_error *err)
{
	TOKEN_USER *user;
	DWORD native;
	BOOL ok;

	if (token_info(self, TokenUser, (void **)&user, &native) < 0)
		return fail(err, native, "cannot read the token's user");
	ok = ConvertSidToStringSidA(user->User.Sid, ret);
	native = GetLastError();
	free(user);
	return ok ? 0 : fail(err, native, "cannot read the user's SID");
}

static int set_default_dacl(HANDLE token, HANDLE self, const char *const *caps,
			    size_t n_caps, const char *logon,
			    struct paddock_error *err)
{
	const char *names[MAX_SIDS] = { 0 };
	PSID sids[MAX_SIDS] = { 0 };
	TOKEN_DEFAULT_DACL dd;
	char *user;
	size_t n = 0;
	DWORD native = 0;
	ACL *acl;
	int r = user_sid(self, &user, err);

	if (r < 0)
		return r;
	r = default_dacl_sids(caps, n_caps, logon, user, names, &n);
	if (r < 0) {
		LocalFree(user);
		return error_set(err, PADDOCK_STEP_TOKEN, -r, NULL,
				 "too many SIDs for the default DACL");
	}
	r = to_sids(names, n, sids, err);
	LocalFree(user);
	if (r < 0)
		return r;
	if (build_dacl(sids, n, &acl, &native) == 0) {
		dd.DefaultDacl = acl;
		if (!SetTokenInformation(token, TokenDefaultDacl, &dd,
					 sizeof(dd)))
			native = GetLastError();
		free(acl);
	}
	for (size_t i = 0; i < n; i++)
		LocalFree(sids[i]);
	return native ? fail(err, native, "cannot set the default DACL") : 0;
}

static bool is_kept(const char *name)
{
	const struct win_token_spec *spec = &win_token_unelevated;

	for (size_t i = 0; i < spec->n_kept_privileges; i++) {
		if (strcmp(name, spec->kept_privileges[i]) == 0)
			return true;
	}
	return false;
}

/*
 * DISABLE_MAX_PRIVILEGE is documented to delete every privilege but
 * SeChangeNotifyPrivilege; this checks that the token obtained really
 * holds nothing more, so that a system (or an emulation of one) that
 * ignores the flag is refused rather than trusted.
 */
int win_rtoken_check_privileges(HANDLE token, struct paddock_error *err)
{
	TOKEN_PRIVILEGES *privs;
	char name[128];
	DWORD native, size;
	int r = 0;

	if (token_info(token, TokenPrivileges, (void **)&privs, &native) < 0)
		return fail(err, native,
			    "cannot read the restricted token's privileges");
	for (DWORD i = 0; i < privs->PrivilegeCount && r == 0; i++) {
		size = sizeof(name);
		if (!LookupPrivilegeNameA(NULL, &privs->Privileges[i].Luid,
					  name, &size))
			r = fail(
				err, GetLastError(),
				"cannot name a privilege of the restricted token");
		else if (!is_kept(name))
			r = error_set(
				err, PADDOCK_STEP_TOKEN, EPERM, name,
				"the restricted token kept a privilege it must not hold");
	}
	free(privs);
	return r;
}

static int restrict_token(HANDLE self, const char *const *restricting, size_t n,
			  HANDLE *ret, struct paddock_error *err)
{
	SID_AND_ATTRIBUTES sa[MAX_SIDS];
	PSID sids[MAX_SIDS] = { 0 };
	DWORD native = 0;
	int r = to_sids(restricting, n, sids, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		sa[i] = (SID_AND_ATTRIBUTES){ .Sid = sids[i] };
	if (!CreateRestrictedToken(self, win_token_unelevated.flags, 0, NULL, 0,
				   NULL, (DWORD)n, sa, ret))
		native = GetLastError();
	for (size_t i = 0; i < n; i++)
		LocalFree(sids[i]);
	return native ? fail(err, native, "CreateRestrictedToken failed") : 0;
}

int win_rtoken_build(const char *const *capability_sids, size_t n, HANDLE *ret,
		     char **ret_logon_sid, struct paddock_error *err)
{
	const char *restricting[MAX_SIDS];
	size_t n_restricting;
	HANDLE self, token = NULL;
	char *logon = NULL;
	int r;

	/* The restricted token gets the access of this handle: what
	 * CreateProcessAsUserW needs, and TOKEN_ADJUST_DEFAULT for its
	 * default DACL. */
	if (!OpenProcessToken(GetCurrentProcess(),
			      TOKEN_DUPLICATE | TOKEN_QUERY |
				      TOKEN_ASSIGN_PRIMARY |
				      TOKEN_ADJUST_DEFAULT,
			      &self))
		return fail(err, GetLastError(), "cannot open paddock's token");
	r = win_rtoken_logon_sid(self, &logon, err);
	if (r == 0 && win_token_restricting_sids(
			      &win_token_unelevated, capability_sids, n, logon,
			      restricting, MAX_SIDS, &n_restricting) < 0)
		r = error_set(err, PADDOCK_STEP_TOKEN, EINVAL, logon,
			      "the restricting SIDs are not valid");
	if (r == 0)
		r = restrict_token(self, restricting, n_restricting, &token,
				   err);
	if (r == 0)
		r = set_default_dacl(token, self, capability_sids, n, logon,
				     err);
	if (r == 0)
		r = win_rtoken_check_privileges(token, err);
	CloseHandle(self);
	if (r < 0) {
		if (token)
			CloseHandle(token);
		LocalFree(logon);
		return r;
	}
	*ret_logon_sid = strdup(logon);
	LocalFree(logon);
	if (!*ret_logon_sid) {
		CloseHandle(token);
		return -ENOMEM;
	}
	*ret = token;
	return 0;
}
