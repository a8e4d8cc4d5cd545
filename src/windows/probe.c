/* SPDX-License-Identifier: MIT */
/*
 * paddock_probe() on Windows: whether the unelevated mode can work here,
 * found by building a write-restricted token from the caller's own, as a
 * run would, and throwing it away.
 */
#include <errno.h>
#include <string.h>

#include "windows/win32.h"

static DWORD try_restricted_token(void)
{
	HANDLE self, restricted;
	SID_AND_ATTRIBUTES everyone = { 0 };
	SID_IDENTIFIER_AUTHORITY world = { SECURITY_WORLD_SID_AUTHORITY };
	DWORD native = 0;

	if (!OpenProcessToken(GetCurrentProcess(),
			      TOKEN_DUPLICATE | TOKEN_QUERY |
				      TOKEN_ASSIGN_PRIMARY,
			      &self))
		return GetLastError();
	if (!AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0,
				      0, 0, 0, &everyone.Sid)) {
		native = GetLastError();
		CloseHandle(self);
		return native;
	}
	if (!CreateRestrictedToken(self, win_token_unelevated.flags, 0, NULL, 0,
				   NULL, 1, &everyone, &restricted)) {
		native = GetLastError();
	} else {
		/* A system that returns a token but ignores
		 * DISABLE_MAX_PRIVILEGE (Wine does) cannot be trusted with
		 * the rest of the restriction either. */
		if (win_rtoken_check_privileges(restricted, NULL) < 0)
			native = ERROR_NOT_SUPPORTED;
		CloseHandle(restricted);
	}
	FreeSid(everyone.Sid);
	CloseHandle(self);
	return native;
}

static bool is_elevated(void)
{
	TOKEN_ELEVATION elevation = { 0 };
	DWORD size;
	HANDLE self;
	BOOL ok;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &self))
		return false;
	ok = GetTokenInformation(self, TokenElevation, &elevation,
				 sizeof(elevation), &size);
	CloseHandle(self);
	return ok && elevation.TokenIsElevated;
}

void paddock_probe(struct paddock_probe *p)
{
	*p = (struct paddock_probe){ 0 };
	p->user_namespaces = ENOSYS;
	p->userns_sysctl = -1;
	p->apparmor_userns = -1;
	p->max_user_namespaces = -1;
	p->mount_api = ENOSYS;
	p->proc_mount = ENOSYS;
	p->landlock_abi = -ENOSYS;
	p->seccomp = ENOSYS;
	p->namespace_free = ENOSYS;
	p->restricted_token = try_restricted_token();
	p->elevated = is_elevated();
	p->isolation = p->restricted_token ? NULL : "unelevated";
}
