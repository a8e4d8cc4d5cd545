/* SPDX-License-Identifier: MIT */
/*
 * Reading a profile file on Windows (profile_read(), declared in
 * core/internal.h): opened once with CreateFileW, checked through the
 * handle (a disk file, at most PROFILE_MAX_SIZE bytes), read, and its
 * directory taken from the handle's final path, so that relative paths in
 * it are taken from where the file really lies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/win32.h"

static int fail(struct paddock_error *err, const char *path, DWORD native)
{
	return win_err_set(err, PADDOCK_STEP_PROFILE, native, path, NULL);
}

static int read_handle(HANDLE h, const char *path, char **ret, size_t *ret_len,
		       struct paddock_error *err)
{
	LARGE_INTEGER size;
	DWORD done;
	char *buf;

	if (GetFileType(h) != FILE_TYPE_DISK)
		return error_set(err, PADDOCK_STEP_PROFILE, EINVAL, path,
				 "not a regular file");
	if (!GetFileSizeEx(h, &size))
		return fail(err, path, GetLastError());
	if (size.QuadPart > PROFILE_MAX_SIZE)
		return error_set(err, PADDOCK_STEP_PROFILE, EFBIG, path,
				 "profile larger than 1 MiB");
	/* One byte more than the size: a file that grew is noticed. */
	buf = malloc((size_t)size.QuadPart + 1);
	if (!buf)
		return -ENOMEM;
	if (!ReadFile(h, buf, (DWORD)size.QuadPart + 1, &done, NULL)) {
		DWORD native = GetLastError();

		free(buf);
		return fail(err, path, native);
	}
	if (done > (DWORD)size.QuadPart) {
		free(buf);
		return error_set(err, PADDOCK_STEP_PROFILE, EFBIG, path,
				 "profile grew while being read");
	}
	*ret = buf;
	*ret_len = done;
	return 0;
}

int profile_read(const char *path, char **ret_text, size_t *ret_len,
		 char **ret_base, struct paddock_error *err)
{
	DWORD attributes, native;
	char *final, *slash;
	wchar_t *wide;
	HANDLE h;
	int r;

	r = win_str_wide(path, &wide);
	if (r < 0)
		return error_set(err, PADDOCK_STEP_PROFILE, -r, path, NULL);
	h = CreateFileW(wide, GENERIC_READ, FILE_SHARE_READ, NULL,
			OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	native = GetLastError();
	free(wide);
	if (h == INVALID_HANDLE_VALUE)
		return fail(err, path, native);
	r = read_handle(h, path, ret_text, ret_len, err);
	CloseHandle(h);
	if (r < 0)
		return r;

	r = win_resolve_final(path, false, &final, &attributes, &native);
	if (r < 0) {
		free(*ret_text);
		return native ? fail(err, path, native)
			      : error_set(err, PADDOCK_STEP_PROFILE, -r, path,
					  NULL);
	}
	slash = strrchr(final, '\\');
	/* "C:\p" keeps "C:\"; "\\server\share\p" keeps the share. */
	if (slash && slash > final && slash[-1] == ':')
		slash[1] = '\0';
	else if (slash)
		slash[0] = '\0';
	*ret_base = final;
	return 0;
}
