/* SPDX-License-Identifier: MIT */
/*
 * The sandbox group and users: created with netapi32, hidden from the
 * logon screen through the registry, given a profile with CreateProfile.
 *
 * Built-in groups are named by their well-known SIDs and looked up at run
 * time (LookupAccountSidW): "Users" is "Benutzer" on German Windows, and a
 * name written into the code would fail there.
 *
 * Each change is idempotent: adding what exists (NERR_GroupExists,
 * ERROR_MEMBER_IN_ALIAS, ...) and removing what is gone
 * (NERR_UserNotFound, ...) both succeed, so that setup can run again after
 * a partial failure and uninstall after a partial setup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setupw.h"

#include <lm.h>
#include <sddl.h>
#include <userenv.h>

#define USERLIST_KEY \
	L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList"
#define PROFILE_LIST \
	L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\"

/*
 * The SID of this machine's account name, looked up as COMPUTERNAME\name:
 * unqualified, LookupAccountNameW also searches the domain and its trusted
 * domains (and well-known names), so that a domain account or group of
 * that name would be taken for paddock's. And it must be of the kind
 * setup made: a local group is an alias (SidTypeAlias), a user a user.
 */
static int lookup_local(const char *name, SID_NAME_USE want, BYTE *sid,
			DWORD sid_size)
{
	wchar_t computer[MAX_COMPUTERNAME_LENGTH + 1], qualified[300];
	wchar_t domain[256];
	DWORD computer_size = MAX_COMPUTERNAME_LENGTH + 1, domain_size = 256;
	SID_NAME_USE use = SidTypeUnknown;
	int n;

	if (!GetComputerNameW(computer, &computer_size))
		return -ENOENT;
	n = swprintf(qualified, 300, L"%ls\\", computer);
	if (n < 0 ||
	    !MultiByteToWideChar(CP_UTF8, 0, name, -1, qualified + n, 300 - n))
		return -ENAMETOOLONG;
	if (!LookupAccountNameW(NULL, qualified, sid, &sid_size, domain,
				&domain_size, &use))
		return -ENOENT;
	return use == want ? 0 : -ENOENT;
}

int win_setupw_account_sid(const char *name, SID_NAME_USE use, char *buf,
			   size_t size)
{
	BYTE sid[SECURITY_MAX_SID_SIZE];
	char *text;
	int r = lookup_local(name, use, sid, sizeof(sid));

	if (r < 0)
		return r;
	if (!ConvertSidToStringSidA(sid, &text))
		return -ENOMEM;
	r = snprintf(buf, size, "%s", text) >= (int)size ? -ENOSPC : 0;
	LocalFree(text);
	return r;
}

/* NetLocalGroupAdd and NetUserAdd can report success for an account
 * the system does not have (Wine 8's netapi32 stubs do): an account is
 * created only when it can be looked up afterwards. */
static int exists_after(const wchar_t *name, SID_NAME_USE use,
			struct win_setup_report *r, const char *what)
{
	char utf8[64], sid[WIN_SID_STRING_MAX];

	WideCharToMultiByte(CP_UTF8, 0, name, -1, utf8, sizeof(utf8), NULL,
			    NULL);
	if (win_setupw_account_sid(utf8, use, sid, sizeof(sid)) == 0)
		return 0;
	return win_setupw_fail(r, WIN_SETUP_E_USER, ERROR_NONE_MAPPED, utf8,
			       what);
}

int win_setupw_account_name(const char *sid_text, wchar_t *buf, DWORD size)
{
	wchar_t domain[256];
	DWORD domain_size = 256;
	SID_NAME_USE use;
	PSID sid;
	BOOL ok;

	if (!ConvertStringSidToSidA(sid_text, &sid))
		return -EINVAL;
	ok = LookupAccountSidW(NULL, sid, buf, &size, domain, &domain_size,
			       &use);
	LocalFree(sid);
	return ok ? 0 : -ENOENT;
}

static int group_add(const wchar_t *name, struct win_setup_report *r)
{
	LOCALGROUP_INFO_1 info = {
		(LPWSTR)name,
		(LPWSTR)L"paddock: the sandbox users (paddock setup)",
	};
	NET_API_STATUS st = NetLocalGroupAdd(NULL, 1, (BYTE *)&info, NULL);

	if (st == NERR_Success || st == NERR_GroupExists ||
	    st == ERROR_ALIAS_EXISTS)
		return exists_after(
			name, SidTypeAlias, r,
			"NetLocalGroupAdd reported success, but the group does not exist");
	return win_setupw_fail(r, WIN_SETUP_E_USER, st, WIN_SETUP_GROUP,
			       "cannot create the local group");
}

static int user_add(const wchar_t *name, const char *password,
		    struct win_setup_report *r)
{
	USER_INFO_1 info = { 0 };
	wchar_t *pw;
	NET_API_STATUS st;
	int e = win_str_wide(password, &pw);

	if (e < 0)
		return win_setupw_fail(r, WIN_SETUP_E_USER, 0, NULL,
				       "cannot convert the password");
	info.usri1_name = (LPWSTR)name;
	info.usri1_password = pw;
	info.usri1_priv = USER_PRIV_USER;
	info.usri1_comment = (LPWSTR)L"paddock sandbox user (paddock setup)";
	info.usri1_flags =
		UF_SCRIPT | UF_DONT_EXPIRE_PASSWD | UF_PASSWD_CANT_CHANGE;
	st = NetUserAdd(NULL, 1, (BYTE *)&info, NULL);
	if (st == NERR_UserExists) {
		/* Setup again: the user stays, its password is reset. */
		USER_INFO_1003 reset = { pw };

		st = NetUserSetInfo(NULL, name, 1003, (BYTE *)&reset, NULL);
	}
	SecureZeroMemory(pw, wcslen(pw) * sizeof(*pw));
	free(pw);
	if (st == NERR_Success)
		return exists_after(
			name, SidTypeUser, r,
			"NetUserAdd reported success, but the user does not exist");
	return win_setupw_fail(r, WIN_SETUP_E_USER, st, NULL,
			       "cannot create the user or set its password");
}

static int member_change(const char *user, const char *group, bool add,
			 struct win_setup_report *r)
{
	wchar_t group_name[256];
	BYTE sid[SECURITY_MAX_SID_SIZE];
	LOCALGROUP_MEMBERS_INFO_0 member = { sid };
	NET_API_STATUS st;
	int e = 0;

	if (strncmp(group, "S-1-", 4) == 0)
		e = win_setupw_account_name(group, group_name, 256);
	else
		MultiByteToWideChar(CP_UTF8, 0, group, -1, group_name, 256);
	if (e < 0)
		return win_setupw_fail(r, WIN_SETUP_E_USER, GetLastError(),
				       group, "cannot find the group");
	if (lookup_local(user, SidTypeUser, sid, sizeof(sid)) < 0)
		return add ? win_setupw_fail(r, WIN_SETUP_E_USER,
					     ERROR_NONE_MAPPED, user,
					     "cannot find the user")
			   : 0;
	if (add)
		st = NetLocalGroupAddMembers(NULL, group_name, 0,
					     (BYTE *)&member, 1);
	else
		st = NetLocalGroupDelMembers(NULL, group_name, 0,
					     (BYTE *)&member, 1);
	if (st == NERR_Success || st == ERROR_MEMBER_IN_ALIAS ||
	    st == ERROR_MEMBER_NOT_IN_ALIAS ||
	    (!add && st == NERR_GroupNotFound))
		return 0;
	return win_setupw_fail(r,
			       add ? WIN_SETUP_E_USER : WIN_SETUP_E_UNINSTALL,
			       st, group, "cannot change the group's members");
}

static int hidden_change(const wchar_t *name, bool add,
			 struct win_setup_report *r)
{
	DWORD zero = 0;
	HKEY key;
	LSTATUS st;

	st = RegCreateKeyExW(HKEY_LOCAL_MACHINE, USERLIST_KEY, 0, NULL, 0,
			     KEY_SET_VALUE, NULL, &key, NULL);
	if (st != ERROR_SUCCESS)
		return win_setupw_fail(r, WIN_SETUP_E_USER, (DWORD)st,
				       "HKLM\\...\\SpecialAccounts\\UserList",
				       "cannot open the registry key");
	if (add)
		st = RegSetValueExW(key, name, 0, REG_DWORD, (BYTE *)&zero,
				    sizeof(zero));
	else
		st = RegDeleteValueW(key, name);
	RegCloseKey(key);
	if (st == ERROR_SUCCESS || (!add && st == ERROR_FILE_NOT_FOUND))
		return 0;
	return win_setupw_fail(r, WIN_SETUP_E_USER, (DWORD)st,
			       "HKLM\\...\\SpecialAccounts\\UserList",
			       "cannot write the registry value");
}

static int profile_change(const char *user, const wchar_t *name, bool add,
			  struct win_setup_report *r)
{
	char sid[WIN_SID_STRING_MAX];
	wchar_t wsid[WIN_SID_STRING_MAX], path[MAX_PATH];
	HRESULT hr;

	if (win_setupw_account_sid(user, SidTypeUser, sid, sizeof(sid)) < 0)
		return add ? win_setupw_fail(r, WIN_SETUP_E_USER,
					     ERROR_NONE_MAPPED, user,
					     "cannot find the user")
			   : 0;
	MultiByteToWideChar(CP_UTF8, 0, sid, -1, wsid, WIN_SID_STRING_MAX);
	if (add) {
		hr = CreateProfile(wsid, name, path, MAX_PATH);
		if (SUCCEEDED(hr) ||
		    hr == HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS))
			return 0;
		return win_setupw_fail(r, WIN_SETUP_E_USER, (unsigned long)hr,
				       user, "cannot create the profile");
	}
	if (DeleteProfileW(wsid, NULL, NULL) ||
	    GetLastError() == ERROR_FILE_NOT_FOUND)
		return 0;
	return win_setupw_fail(r, WIN_SETUP_E_UNINSTALL, GetLastError(), user,
			       "cannot delete the profile");
}

static int user_remove(const wchar_t *name, const char *user,
		       struct win_setup_report *r)
{
	NET_API_STATUS st = NetUserDel(NULL, name);

	if (st == NERR_Success || st == NERR_UserNotFound)
		return 0;
	return win_setupw_fail(r, WIN_SETUP_E_UNINSTALL, st, user,
			       "cannot delete the user");
}

static int group_remove(const wchar_t *name, struct win_setup_report *r)
{
	NET_API_STATUS st = NetLocalGroupDel(NULL, name);

	if (st == NERR_Success || st == NERR_GroupNotFound ||
	    st == ERROR_NO_SUCH_ALIAS)
		return 0;
	return win_setupw_fail(r, WIN_SETUP_E_UNINSTALL, st, WIN_SETUP_GROUP,
			       "cannot delete the local group");
}

int win_setupw_account_password(const char *user, const char *password,
				struct win_setup_report *r)
{
	wchar_t *name, *pw;
	USER_INFO_1003 info;
	NET_API_STATUS st;

	if (win_str_wide(user, &name) < 0)
		return -ENOMEM;
	if (win_str_wide(password, &pw) < 0) {
		free(name);
		return -ENOMEM;
	}
	info.usri1003_password = pw;
	st = NetUserSetInfo(NULL, name, 1003, (BYTE *)&info, NULL);
	SecureZeroMemory(pw, wcslen(pw) * sizeof(*pw));
	free(pw);
	free(name);
	if (st != NERR_Success)
		return win_setupw_fail(r, WIN_SETUP_E_SECRET, st, user,
				       "cannot set the user's password");
	return 0;
}

int win_setupw_account_apply(const struct win_setup_change *c,
			     const char *password, struct win_setup_report *r)
{
	bool add = c->op == WIN_SETUP_ADD;
	wchar_t name[64];

	if (!MultiByteToWideChar(CP_UTF8, 0, c->target, -1, name, 64))
		return win_setupw_fail(r, WIN_SETUP_E_USER, GetLastError(),
				       c->target, "name too long");
	switch (c->kind) {
	case WIN_SETUP_GROUP_KIND:
		return add ? group_add(name, r) : group_remove(name, r);
	case WIN_SETUP_USER_KIND:
		return add ? user_add(name, password, r)
			   : user_remove(name, c->target, r);
	case WIN_SETUP_MEMBER_KIND:
		return member_change(c->target, c->subject, add, r);
	case WIN_SETUP_HIDDEN_KIND:
		return hidden_change(name, add, r);
	case WIN_SETUP_PROFILE_KIND:
		return profile_change(c->target, name, add, r);
	default:
		return -EINVAL;
	}
}

/* Whether user is a direct member of the local groups named group and
 * users (the localised name of Users). */
static void memberships(const wchar_t *user, const wchar_t *users, bool ret[2])
{
	LOCALGROUP_USERS_INFO_0 *groups = NULL;
	DWORD read = 0, total = 0;

	ret[0] = ret[1] = false;
	if (NetUserGetLocalGroups(NULL, user, 0, 0, (BYTE **)&groups,
				  MAX_PREFERRED_LENGTH, &read,
				  &total) != NERR_Success)
		return;
	for (DWORD i = 0; i < read; i++) {
		if (_wcsicmp(groups[i].lgrui0_name, L"" WIN_SETUP_GROUP) == 0)
			ret[0] = true;
		if (users[0] && _wcsicmp(groups[i].lgrui0_name, users) == 0)
			ret[1] = true;
	}
	NetApiBufferFree(groups);
}

/* Whether the logon-screen value hides user (0). */
static bool hidden(const wchar_t *user)
{
	DWORD value = 1, size = sizeof(value);

	return RegGetValueW(HKEY_LOCAL_MACHINE, USERLIST_KEY, user,
			    RRF_RT_REG_DWORD, NULL, &value,
			    &size) == ERROR_SUCCESS &&
	       value == 0;
}

/* Whether the system records a profile for sid. */
static bool has_profile(const char *sid)
{
	wchar_t key[256], wsid[WIN_SID_STRING_MAX], path[MAX_PATH];
	DWORD size = sizeof(path);

	if (!MultiByteToWideChar(CP_UTF8, 0, sid, -1, wsid,
				 WIN_SID_STRING_MAX) ||
	    swprintf(key, 256, L"%ls%ls", PROFILE_LIST, wsid) < 0)
		return false;
	return RegGetValueW(HKEY_LOCAL_MACHINE, key, L"ProfileImagePath",
			    RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND,
			    NULL, path, &size) == ERROR_SUCCESS;
}

void win_setupw_account_present(struct win_setup_present *p)
{
	static const char *const names[2] = { WIN_SETUP_USER_OFFLINE,
					      WIN_SETUP_USER_ONLINE };
	char sid[WIN_SID_STRING_MAX];
	wchar_t users[256] = L"", name[64];

	p->group = win_setupw_account_sid(WIN_SETUP_GROUP, SidTypeAlias, sid,
					  sizeof(sid)) == 0;
	if (win_setupw_account_name(WIN_SETUP_USERS_SID, users, 256) < 0)
		users[0] = 0;
	for (int a = 0; a < 2; a++) {
		p->user[a] = win_setupw_account_sid(names[a], SidTypeUser, sid,
						    sizeof(sid)) == 0;
		if (!p->user[a] ||
		    !MultiByteToWideChar(CP_UTF8, 0, names[a], -1, name, 64))
			continue;
		memberships(name, users, p->member[a]);
		p->member[a][0] = p->member[a][0] && p->group;
		p->hidden[a] = hidden(name);
		p->profile[a] = has_profile(sid);
	}
}
