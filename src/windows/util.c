/* SPDX-License-Identifier: MIT */
/* Native error codes and string conversions for the Win32 layer. */
#include <errno.h>
#include <stdlib.h>

#include "windows/win32.h"

int win_err_errno(DWORD native)
{
	switch (native) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
	case ERROR_BAD_NET_NAME:
	case ERROR_MOD_NOT_FOUND:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_WRITE_PROTECT:
		return EACCES;
	case ERROR_PRIVILEGE_NOT_HELD:
		return EPERM;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return ENOMEM;
	case ERROR_FILENAME_EXCED_RANGE:
		return ENAMETOOLONG;
	case ERROR_DIRECTORY:
		return ENOTDIR;
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS:
		return EEXIST;
	case ERROR_DIR_NOT_EMPTY:
		return ENOTEMPTY;
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
		return EBUSY;
	case ERROR_CANT_RESOLVE_FILENAME:
		return ELOOP;
	case ERROR_BAD_EXE_FORMAT:
	case ERROR_EXE_MACHINE_TYPE_MISMATCH:
		return ENOEXEC;
	case ERROR_CALL_NOT_IMPLEMENTED:
		return ENOSYS;
	case ERROR_NOT_SUPPORTED:
		return EOPNOTSUPP;
	case ERROR_INVALID_NAME:
	case ERROR_INVALID_PARAMETER:
	case ERROR_BAD_PATHNAME:
		return EINVAL;
	case ERROR_DISK_FULL:
		return ENOSPC;
	default:
		return EIO;
	}
}

int win_err_set(struct paddock_error *err, enum paddock_step step, DWORD native,
		const char *operand, const char *message)
{
	int code = win_err_errno(native);

	error_set(err, step, code, operand, message);
	if (err)
		err->native = native;
	return -code;
}

int win_str_wide(const char *s, wchar_t **ret)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL,
				    0);
	wchar_t *w;

	if (n <= 0)
		return -EINVAL;
	w = malloc((size_t)n * sizeof(*w));
	if (!w)
		return -ENOMEM;
	if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) !=
	    n) {
		free(w);
		return -EINVAL;
	}
	*ret = w;
	return 0;
}

int win_str_utf8(const wchar_t *s, char **ret)
{
	int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, s, -1, NULL,
				    0, NULL, NULL);
	char *u;

	if (n <= 0)
		return -EINVAL;
	u = malloc((size_t)n);
	if (!u)
		return -ENOMEM;
	if (WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, s, -1, u, n,
				NULL, NULL) != n) {
		free(u);
		return -EINVAL;
	}
	*ret = u;
	return 0;
}

int win_str_getenv(const char *name, char **ret)
{
	wchar_t *wname, *value;
	DWORD n, m;
	int r = win_str_wide(name, &wname);

	if (r < 0)
		return r;
	n = GetEnvironmentVariableW(wname, NULL, 0);
	if (n <= 1) {
		free(wname);
		return -ENOENT;
	}
	value = malloc(n * sizeof(*value));
	if (!value) {
		free(wname);
		return -ENOMEM;
	}
	m = GetEnvironmentVariableW(wname, value, n);
	free(wname);
	if (m == 0 || m >= n) {
		free(value);
		return -ENOENT;
	}
	r = win_str_utf8(value, ret);
	free(value);
	return r;
}
