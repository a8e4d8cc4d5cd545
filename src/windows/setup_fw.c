/* SPDX-License-Identifier: MIT */
/*
 * The offline user's firewall rules, through the Windows Firewall COM API
 * (INetFwPolicy2, INetFwRule3).
 *
 * A rule blocks every protocol, in one direction, on every profile
 * (domain, private, public), for the processes of one user: its
 * LocalUserAuthorizedList is a security descriptor whose DACL allows that
 * user's SID. Block rules win over allow rules in Windows Firewall, so no
 * allow rule of the machine reopens what this one closes.
 *
 * After a rule is added it is read back by name and compared with what
 * was written; a rule the firewall silently changed or dropped is a
 * failure, not a success. paddock.exe repeats the same check before it
 * trusts the setup marker (elevated.c), so that a rule deleted after
 * setup is noticed at the next run.
 *
 * Group Policy can make local rules ineffective (the policy's "apply
 * local firewall rules" set to no): INetFwPolicy2::get_LocalPolicyModifyState
 * then answers NET_FW_MODIFY_STATE_GP_OVERRIDE for the current profiles,
 * and setup reports it instead of claiming a block it cannot enforce; so
 * does a profile whose firewall is turned off.
 */
/* The C forms of the COM methods (INetFwRule3_put_Name(rule, ...)). */
#define COBJMACROS

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setupw.h"

#include <initguid.h>
#include <netfw.h>
#include <ole2.h>
#include <oleauto.h>

/* "Any protocol" (documented, absent from mingw-w64's icftypes.h). */
#define FW_PROTOCOL_ANY 256

struct fw {
	INetFwPolicy2 *policy;
	INetFwRules *rules;
	bool uninit; /* CoUninitialize owed */
};

static int fw_open(struct fw *fw, struct win_setup_report *r)
{
	HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);

	memset(fw, 0, sizeof(*fw));
	if (FAILED(hr) && hr != RPC_E_CHANGED_MODE)
		return win_setupw_fail(r, WIN_SETUP_E_FIREWALL,
				       (unsigned long)hr, NULL,
				       "CoInitializeEx failed");
	fw->uninit = SUCCEEDED(hr);
	hr = CoCreateInstance(&CLSID_NetFwPolicy2, NULL, CLSCTX_INPROC_SERVER,
			      &IID_INetFwPolicy2, (void **)&fw->policy);
	if (SUCCEEDED(hr))
		hr = INetFwPolicy2_get_Rules(fw->policy, &fw->rules);
	if (FAILED(hr)) {
		if (fw->policy)
			INetFwPolicy2_Release(fw->policy);
		if (fw->uninit)
			CoUninitialize();
		return win_setupw_fail(
			r, WIN_SETUP_E_FIREWALL, (unsigned long)hr,
			"INetFwPolicy2",
			"cannot open the Windows Firewall policy (is the firewall service running?)");
	}
	return 0;
}

static void fw_close(struct fw *fw)
{
	if (fw->rules)
		INetFwRules_Release(fw->rules);
	if (fw->policy)
		INetFwPolicy2_Release(fw->policy);
	if (fw->uninit)
		CoUninitialize();
}

/* The LocalUserAuthorizedList of a rule for one user's processes. */
static BSTR user_list(const char *sid)
{
	wchar_t text[WIN_SID_STRING_MAX + 32];

	_snwprintf(text, sizeof(text) / sizeof(*text), L"O:LSD:(A;;CC;;;%hs)",
		   sid);
	text[sizeof(text) / sizeof(*text) - 1] = 0;
	return SysAllocString(text);
}

static BSTR wide_bstr(const char *s)
{
	wchar_t *w;
	BSTR b;

	if (win_str_wide(s, &w) < 0)
		return NULL;
	b = SysAllocString(w);
	free(w);
	return b;
}

/* Set every property of the rule; the first failure's HRESULT. */
static HRESULT fill(INetFwRule3 *rule, BSTR name, bool outbound, BSTR users)
{
	BSTR grouping = SysAllocString(L"paddock");
	BSTR text = SysAllocString(
		L"paddock: blocks the network of the sandbox user paddock-offline (paddock setup)");
	HRESULT hr = grouping && text ? S_OK : E_OUTOFMEMORY;

	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_Name(rule, name);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_Description(rule, text);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_Grouping(rule, grouping);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_Protocol(rule, FW_PROTOCOL_ANY);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_Direction(rule,
					       outbound ? NET_FW_RULE_DIR_OUT
							: NET_FW_RULE_DIR_IN);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_Action(rule, NET_FW_ACTION_BLOCK);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_Profiles(rule, NET_FW_PROFILE2_ALL);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_LocalUserAuthorizedList(rule, users);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_put_Enabled(rule, VARIANT_TRUE);
	SysFreeString(grouping);
	SysFreeString(text);
	return hr;
}

/* Read the rule back; *ret_ok when it is as fill() wrote it. */
static HRESULT verify(struct fw *fw, BSTR name, bool outbound, BSTR users,
		      bool *ret_ok)
{
	INetFwRule *rule = NULL;
	INetFwRule3 *rule3 = NULL;
	NET_FW_RULE_DIRECTION dir = 0;
	NET_FW_ACTION action = 0;
	VARIANT_BOOL enabled = VARIANT_FALSE;
	/* fill() writes NET_FW_PROFILE2_ALL, 0x7fffffff, and Windows reads
	 * it back as written: every profile that exists must be in it. */
	const LONG all_profiles = NET_FW_PROFILE2_DOMAIN |
				  NET_FW_PROFILE2_PRIVATE |
				  NET_FW_PROFILE2_PUBLIC;
	LONG protocol = 0, profiles = 0;
	BSTR list = NULL;
	HRESULT hr = INetFwRules_Item(fw->rules, name, &rule);

	*ret_ok = false;
	if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND))
		return S_OK;
	if (SUCCEEDED(hr))
		hr = INetFwRule_QueryInterface(rule, &IID_INetFwRule3,
					       (void **)&rule3);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_get_Direction(rule3, &dir);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_get_Action(rule3, &action);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_get_Enabled(rule3, &enabled);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_get_Protocol(rule3, &protocol);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_get_Profiles(rule3, &profiles);
	if (SUCCEEDED(hr))
		hr = INetFwRule3_get_LocalUserAuthorizedList(rule3, &list);
	if (SUCCEEDED(hr))
		*ret_ok = dir == (outbound ? NET_FW_RULE_DIR_OUT
					   : NET_FW_RULE_DIR_IN) &&
			  action == NET_FW_ACTION_BLOCK && enabled &&
			  protocol == FW_PROTOCOL_ANY &&
			  (profiles & all_profiles) == all_profiles && list &&
			  _wcsicmp(list, users) == 0;
	SysFreeString(list);
	if (rule3)
		INetFwRule3_Release(rule3);
	if (rule)
		INetFwRule_Release(rule);
	return hr;
}

static HRESULT add_rule(struct fw *fw, BSTR name, bool outbound, BSTR users)
{
	INetFwRule3 *rule = NULL;
	HRESULT hr;

	/* Setup again: a rule of the same name is replaced, not doubled. */
	INetFwRules_Remove(fw->rules, name);
	hr = CoCreateInstance(&CLSID_NetFwRule, NULL, CLSCTX_INPROC_SERVER,
			      &IID_INetFwRule3, (void **)&rule);
	if (SUCCEEDED(hr))
		hr = fill(rule, name, outbound, users);
	if (SUCCEEDED(hr))
		hr = INetFwRules_Add(fw->rules, (INetFwRule *)rule);
	if (rule)
		INetFwRule3_Release(rule);
	return hr;
}

int win_setupw_fw_add(const char *name, bool outbound, const char *user_sid,
		      struct win_setup_report *r)
{
	BSTR wname = wide_bstr(name), users = user_list(user_sid);
	bool ok = false;
	struct fw fw;
	HRESULT hr = E_OUTOFMEMORY;
	int e = fw_open(&fw, r);

	if (e < 0)
		goto free_strings;
	if (wname && users)
		hr = add_rule(&fw, wname, outbound, users);
	if (SUCCEEDED(hr))
		hr = verify(&fw, wname, outbound, users, &ok);
	fw_close(&fw);
	if (FAILED(hr))
		e = win_setupw_fail(r, WIN_SETUP_E_FIREWALL, (unsigned long)hr,
				    name, "cannot add the firewall rule");
	else if (!ok)
		e = win_setupw_fail(
			r, WIN_SETUP_E_FIREWALL, 0, name,
			"the firewall rule read back differs from the rule written");
free_strings:
	SysFreeString(wname);
	SysFreeString(users);
	return e;
}

int win_setupw_fw_remove(const char *name, struct win_setup_report *r)
{
	BSTR wname = wide_bstr(name);
	struct fw fw;
	HRESULT hr = E_OUTOFMEMORY;
	int e = fw_open(&fw, r);

	if (e == 0) {
		/* Remove succeeds when no rule has the name. */
		if (wname)
			hr = INetFwRules_Remove(fw.rules, wname);
		fw_close(&fw);
		if (FAILED(hr))
			e = win_setupw_fail(r, WIN_SETUP_E_UNINSTALL,
					    (unsigned long)hr, name,
					    "cannot delete the firewall rule");
	}
	SysFreeString(wname);
	return e;
}

int win_setupw_fw_check(const char *name, bool outbound, const char *user_sid,
			bool *ret_ok, struct win_setup_report *r)
{
	BSTR wname = wide_bstr(name), users = user_list(user_sid);
	struct fw fw;
	HRESULT hr = E_OUTOFMEMORY;
	int e = fw_open(&fw, r);

	*ret_ok = false;
	if (e == 0) {
		if (wname && users)
			hr = verify(&fw, wname, outbound, users, ret_ok);
		fw_close(&fw);
		if (FAILED(hr))
			e = win_setupw_fail(r, WIN_SETUP_E_FIREWALL,
					    (unsigned long)hr, name,
					    "cannot read the firewall rule");
	}
	SysFreeString(wname);
	SysFreeString(users);
	return e;
}

int win_setupw_fw_effective(bool *ret_effective, struct win_setup_report *r)
{
	NET_FW_MODIFY_STATE state = NET_FW_MODIFY_STATE_OK;
	struct fw fw;
	HRESULT hr;
	int e = fw_open(&fw, r);

	*ret_effective = false;
	if (e < 0)
		return e;
	hr = INetFwPolicy2_get_LocalPolicyModifyState(fw.policy, &state);
	*ret_effective = state != NET_FW_MODIFY_STATE_GP_OVERRIDE;
	/* A profile whose firewall is off enforces no rule at all. */
	for (int i = 0; SUCCEEDED(hr) && i < 3; i++) {
		static const NET_FW_PROFILE_TYPE2 profiles[] = {
			NET_FW_PROFILE2_DOMAIN, NET_FW_PROFILE2_PRIVATE,
			NET_FW_PROFILE2_PUBLIC
		};
		VARIANT_BOOL on = VARIANT_FALSE;

		hr = INetFwPolicy2_get_FirewallEnabled(fw.policy, profiles[i],
						       &on);
		*ret_effective = *ret_effective && on;
	}
	fw_close(&fw);
	if (FAILED(hr))
		return win_setupw_fail(
			r, WIN_SETUP_E_FIREWALL, (unsigned long)hr,
			"INetFwPolicy2::get_LocalPolicyModifyState",
			"cannot tell whether local firewall rules take effect");
	return 0;
}
