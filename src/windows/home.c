/* SPDX-License-Identifier: MIT */
/*
 * paddock's per-user directory: %PADDOCK_HOME%, else
 * %LOCALAPPDATA%\paddock. It holds the capability SIDs and the ssh/scp
 * stubs. It must not lie inside a writable root (spawn.c checks): the
 * files in it are created with the DACL inherited from the user's profile,
 * which grants no restricting SID of the sandbox, so a sandboxed command
 * can read them but not change them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/win32.h"

static int make_dir(const char *path, struct paddock_error *err)
{
	wchar_t *wide;
	DWORD native = 0;
	int r = win_str_wide(path, &wide);

	if (r < 0)
		return error_set(err, PADDOCK_STEP_CAPABILITY_SID, -r, path,
				 NULL);
	if (!CreateDirectoryW(wide, NULL))
		native = GetLastError();
	free(wide);
	if (native && native != ERROR_ALREADY_EXISTS)
		return win_err_set(err, PADDOCK_STEP_CAPABILITY_SID, native,
				   path, "cannot create paddock's directory");
	return 0;
}

int win_home_dir(char **ret, struct paddock_error *err)
{
	char *given = NULL, *base = NULL;
	DWORD attributes, native;
	int r = win_str_getenv("PADDOCK_HOME", &given);

	if (r == -ENOENT) {
		r = win_str_getenv("LOCALAPPDATA", &base);
		if (r == -ENOENT)
			return error_set(
				err, PADDOCK_STEP_CAPABILITY_SID, ENOENT,
				"%LOCALAPPDATA%",
				"neither PADDOCK_HOME nor LOCALAPPDATA is set");
		if (r == 0 && asprintf(&given, "%s\\paddock", base) < 0)
			r = -ENOMEM;
		free(base);
	}
	if (r < 0)
		return r;
	r = make_dir(given, err);
	if (r == 0) {
		r = win_resolve_final(given, false, ret, &attributes, &native);
		if (r < 0)
			r = native ? win_err_set(err,
						 PADDOCK_STEP_CAPABILITY_SID,
						 native, given, NULL)
				   : error_set(err, PADDOCK_STEP_CAPABILITY_SID,
					       -r, given, NULL);
	}
	free(given);
	return r;
}

static int write_all(HANDLE h, const char *data, size_t len, DWORD *native)
{
	while (len) {
		DWORD chunk = len > 1u << 20 ? 1u << 20 : (DWORD)len, done;

		if (!WriteFile(h, data, chunk, &done, NULL)) {
			*native = GetLastError();
			return -1;
		}
		data += done;
		len -= done;
	}
	if (!FlushFileBuffers(h)) {
		*native = GetLastError();
		return -1;
	}
	return 0;
}

/* Write the temporary file and move it over the target. */
static DWORD replace_file(const wchar_t *tmp, const wchar_t *target,
			  const char *data, size_t len)
{
	DWORD native = 0;
	HANDLE h;

	/* CREATE_NEW: a file of the same name is never reused, whoever made
	 * it; NULL security attributes: not inheritable. */
	h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW,
			FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError();
	if (write_all(h, data, len, &native) < 0) {
		CloseHandle(h);
		DeleteFileW(tmp);
		return native;
	}
	if (!CloseHandle(h)) {
		native = GetLastError();
		DeleteFileW(tmp);
		return native;
	}
	if (!MoveFileExW(tmp, target,
			 MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
		native = GetLastError();
		DeleteFileW(tmp);
		return native;
	}
	return 0;
}

int win_home_write_atomic(const char *path, const char *data, size_t len,
			  struct paddock_error *err)
{
	wchar_t *wide = NULL, *wtmp = NULL;
	char *tmp = NULL;
	DWORD native;
	int r;

	if (asprintf(&tmp, "%s.%lu-%llu.tmp", path, GetCurrentProcessId(),
		     (unsigned long long)GetTickCount64()) < 0)
		return -ENOMEM;
	r = win_str_wide(path, &wide);
	if (r == 0)
		r = win_str_wide(tmp, &wtmp);
	if (r < 0) {
		r = error_set(err, PADDOCK_STEP_CAPABILITY_SID, -r, path, NULL);
		goto out;
	}
	native = replace_file(wtmp, wide, data, len);
	if (native)
		r = win_err_set(err, PADDOCK_STEP_CAPABILITY_SID, native, path,
				NULL);
out:
	free(wtmp);
	free(wide);
	free(tmp);
	return r;
}

/*
 * The stubs fail at once with a message, so that a tool that runs ssh
 * (git over ssh, scp) reports an error instead of hanging or reaching the
 * network. "%~n0" is the stub's own name. The directory's name carries a
 * version, so that changed stubs land in a new directory rather than being
 * compared at every run.
 */
static const char stub_text[] =
	"@echo paddock: the network is off in this sandbox; %~n0 is blocked 1>&2\r\n"
	"@exit /b 255\r\n";

int win_home_stubs(const char *home, char **ret, struct paddock_error *err)
{
	static const char *const names[] = { "ssh", "scp", "sftp" };
	char *dir, *file;
	int r;

	if (asprintf(&dir, "%s\\stubs-1", home) < 0)
		return -ENOMEM;
	r = make_dir(dir, err);
	for (size_t i = 0; r == 0 && i < 3; i++) {
		wchar_t *wide;

		if (asprintf(&file, "%s\\%s.cmd", dir, names[i]) < 0) {
			r = -ENOMEM;
			break;
		}
		r = win_str_wide(file, &wide);
		if (r < 0) {
			free(file);
			break;
		}
		/* A failure other than "not found" makes the write below
		 * fail too, and that reports it. */
		if (GetFileAttributesW(wide) == INVALID_FILE_ATTRIBUTES)
			r = win_home_write_atomic(file, stub_text,
						  sizeof(stub_text) - 1, err);
		free(wide);
		free(file);
	}
	if (r < 0) {
		free(dir);
		return r;
	}
	*ret = dir;
	return 0;
}
