/* SPDX-License-Identifier: MIT */
/*
 * The access checks behind exec.c's classification of a refused launch:
 * may the caller, and may the restricted token, execute the program
 * (FILE_EXECUTE | FILE_READ_DATA: an image is mapped from a file opened
 * for both) and enter the working directory (FILE_TRAVERSE, with which a
 * process opens its current directory)?
 *
 * The caller's answer is found by opening the object with those rights,
 * which is exactly the question. The restricted token's answer comes from
 * AccessCheck against the object's security descriptor (owner, group,
 * DACL and mandatory label), with an identification-level duplicate of
 * the token: AccessCheck makes the two passes of a restricted token as
 * the kernel does, and unlike impersonating the token it leaves the
 * calling thread's identity alone, which a library must not change
 * behind its caller's back. A check that cannot be made (the security
 * descriptor cannot be read) answers UNKNOWN, which exec.c never turns
 * into the command's failure.
 */
#include <stdlib.h>

#include "windows/win32.h"

#define PROGRAM_ACCESS (FILE_EXECUTE | FILE_READ_DATA)
#define CWD_ACCESS FILE_TRAVERSE

static enum win_exec_access caller_can(const wchar_t *path, DWORD access,
				       bool dir)
{
	HANDLE h = CreateFileW(
		path, access,
		FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
		OPEN_EXISTING, dir ? FILE_FLAG_BACKUP_SEMANTICS : 0, NULL);

	if (h != INVALID_HANDLE_VALUE) {
		CloseHandle(h);
		return WIN_EXEC_GRANTED;
	}
	return GetLastError() == ERROR_ACCESS_DENIED ? WIN_EXEC_DENIED
						     : WIN_EXEC_UNKNOWN;
}

static PSECURITY_DESCRIPTOR read_sd(const wchar_t *path)
{
	SECURITY_INFORMATION si =
		OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
		DACL_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION;
	PSECURITY_DESCRIPTOR sd;
	DWORD n = 0;

	/* The first call only says how large the descriptor is. */
	if (GetFileSecurityW(path, si, NULL, 0, &n) ||
	    GetLastError() != ERROR_INSUFFICIENT_BUFFER || n == 0)
		return NULL;
	sd = malloc(n);
	if (sd && !GetFileSecurityW(path, si, sd, n, &n)) {
		free(sd);
		sd = NULL;
	}
	return sd;
}

static enum win_exec_access token_can(HANDLE identity, const wchar_t *path,
				      DWORD access)
{
	GENERIC_MAPPING map = { FILE_GENERIC_READ, FILE_GENERIC_WRITE,
				FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS };
	/* Room for the privileges AccessCheck may report as used. */
	union {
		PRIVILEGE_SET set;
		char room[256];
	} privileges;
	DWORD size = sizeof(privileges), granted = 0;
	BOOL status = FALSE;
	PSECURITY_DESCRIPTOR sd = read_sd(path);
	enum win_exec_access answer = WIN_EXEC_UNKNOWN;

	if (!sd)
		return answer;
	MapGenericMask(&access, &map);
	if (AccessCheck(sd, identity, access, &map, &privileges.set, &size,
			&granted, &status))
		answer = status ? WIN_EXEC_GRANTED : WIN_EXEC_DENIED;
	free(sd);
	return answer;
}

void win_execw_check(const struct win_launch *l, HANDLE token,
		     struct win_exec_checks *ret)
{
	HANDLE identity = NULL;

	ret->program_user = caller_can(l->app, PROGRAM_ACCESS, false);
	ret->cwd_user = caller_can(l->cwd, CWD_ACCESS, true);
	if (!token) {
		/* No restricted token: the command runs as the caller. */
		ret->program_sandbox = ret->program_user;
		ret->cwd_sandbox = ret->cwd_user;
		return;
	}
	ret->program_sandbox = WIN_EXEC_UNKNOWN;
	ret->cwd_sandbox = WIN_EXEC_UNKNOWN;
	if (!DuplicateTokenEx(token, TOKEN_QUERY, NULL, SecurityIdentification,
			      TokenImpersonation, &identity))
		return;
	ret->program_sandbox = token_can(identity, l->app, PROGRAM_ACCESS);
	ret->cwd_sandbox = token_can(identity, l->cwd, CWD_ACCESS);
	CloseHandle(identity);
}
