/* SPDX-License-Identifier: MIT */
/*
 * Building the write-restricted tokens that token.c describes. Every
 * choice (flags, restricting and deny-only SIDs, default DACL, kept
 * privileges) is read from the spec the caller names (win_token_unelevated
 * or win_token_elevated); this file only carries it out and checks the
 * result, so that the tables stay the one place to audit.
 */
#include <errno.h>
#include <stdio.h>
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

int win_rtoken_user_sid(HANDLE token, char **ret, struct paddock_error *err)
{
	TOKEN_USER *user;
	DWORD native;
	BOOL ok;

	if (token_info(token, TokenUser, (void **)&user, &native) < 0)
		return fail(err, native, "cannot read the token's user");
	ok = ConvertSidToStringSidA(user->User.Sid, ret);
	native = GetLastError();
	free(user);
	return ok ? 0 : fail(err, native, "cannot read the user's SID");
}

int win_rtoken_own_user_sid(char *buf, size_t size)
{
	HANDLE self;
	char *sid;
	int r;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &self))
		return -EACCES;
	r = win_rtoken_user_sid(self, &sid, NULL);
	CloseHandle(self);
	if (r < 0)
		return -EACCES;
	r = snprintf(buf, size, "%s", sid) < (int)size ? 0 : -ENOSPC;
	LocalFree(sid);
	return r;
}

static int set_default_dacl(HANDLE token, const char *const *names, size_t n,
			    struct paddock_error *err)
{
	PSID sids[MAX_SIDS] = { 0 };
	TOKEN_DEFAULT_DACL dd;
	DWORD native = 0;
	ACL *acl;
	int r = to_sids(names, n, sids, err);

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
	/* Both tokens keep the same privileges (test_win_token.c). */
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

/* The token's SIDs, as the spec names them, from in. */
struct token_sids {
	const char *restricting[MAX_SIDS];
	const char *disabled[MAX_SIDS];
	const char *dacl[MAX_SIDS];
	size_t n_restricting, n_disabled, n_dacl;
};

static int token_sids(const struct win_token_spec *spec,
		      const struct win_token_sids *in, struct token_sids *ret,
		      struct paddock_error *err)
{
	if (win_token_restricting_sids(spec, in, ret->restricting, MAX_SIDS,
				       &ret->n_restricting) < 0 ||
	    win_token_disabled_sids(spec, in, ret->disabled, MAX_SIDS,
				    &ret->n_disabled) < 0 ||
	    win_token_default_dacl_sids(spec, in, ret->dacl, MAX_SIDS,
					&ret->n_dacl) < 0)
		return error_set(err, PADDOCK_STEP_TOKEN, EINVAL, in->logon,
				 "the restricted token's SIDs are not valid");
	return 0;
}

/* SIDs and attributes for CreateRestrictedToken; freed with free_sa(). */
static int to_sa(const char *const *names, size_t n, SID_AND_ATTRIBUTES *sa,
		 struct paddock_error *err)
{
	PSID sids[MAX_SIDS] = { 0 };
	int r = to_sids(names, n, sids, err);

	for (size_t i = 0; r == 0 && i < n; i++)
		sa[i] = (SID_AND_ATTRIBUTES){ .Sid = sids[i] };
	return r;
}

static void free_sa(SID_AND_ATTRIBUTES *sa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		LocalFree(sa[i].Sid);
}

static int restrict_token(HANDLE self, const struct win_token_spec *spec,
			  const struct token_sids *t, HANDLE *ret,
			  struct paddock_error *err)
{
	SID_AND_ATTRIBUTES restricting[MAX_SIDS], disabled[MAX_SIDS];
	DWORD native = 0;
	int r = to_sa(t->restricting, t->n_restricting, restricting, err);

	if (r < 0)
		return r;
	r = to_sa(t->disabled, t->n_disabled, disabled, err);
	if (r < 0) {
		free_sa(restricting, t->n_restricting);
		return r;
	}
	if (!CreateRestrictedToken(self, spec->flags, (DWORD)t->n_disabled,
				   t->n_disabled ? disabled : NULL, 0, NULL,
				   (DWORD)t->n_restricting, restricting, ret))
		native = GetLastError();
	free_sa(restricting, t->n_restricting);
	free_sa(disabled, t->n_disabled);
	return native ? fail(err, native, "CreateRestrictedToken failed") : 0;
}

/* The user's and the logon SIDs of self, LocalFree'd by the caller. */
static int own_sids(HANDLE self, char **ret_user, char **ret_logon,
		    struct paddock_error *err)
{
	int r = win_rtoken_user_sid(self, ret_user, err);

	if (r < 0)
		return r;
	r = win_rtoken_logon_sid(self, ret_logon, err);
	if (r < 0) {
		LocalFree(*ret_user);
		*ret_user = NULL;
	}
	return r;
}

int win_rtoken_build(const struct win_token_spec *spec,
		     const char *const *capability_sids, size_t n,
		     const char *launch_sid, HANDLE *ret, char **ret_logon_sid,
		     struct paddock_error *err)
{
	struct token_sids t;
	HANDLE self, token = NULL;
	char *user = NULL, *logon = NULL;
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
	r = own_sids(self, &user, &logon, err);
	if (r == 0) {
		struct win_token_sids in = { .caps = capability_sids,
					     .n_caps = n,
					     .logon = logon,
					     .launch = launch_sid,
					     .user = user };

		r = token_sids(spec, &in, &t, err);
	}
	if (r == 0)
		r = restrict_token(self, spec, &t, &token, err);
	if (r == 0)
		r = set_default_dacl(token, t.dacl, t.n_dacl, err);
	if (r == 0)
		r = win_rtoken_check_privileges(token, err);
	CloseHandle(self);
	LocalFree(user);
	if (r == 0) {
		*ret_logon_sid = strdup(logon);
		if (!*ret_logon_sid)
			r = -ENOMEM;
	}
	LocalFree(logon);
	if (r < 0) {
		if (token)
			CloseHandle(token);
		return r;
	}
	*ret = token;
	return 0;
}
