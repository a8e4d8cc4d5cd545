/* SPDX-License-Identifier: MIT */
/*
 * The capability SIDs, persisted per user in paddock's home, in the file
 * "capability-sids" (win_sid_store_lookup() reads it): one SID per
 * workspace, keyed by the case-folded canonical path, one for the other
 * writable roots and one for read-only runs, which no ACL entry grants.
 * The same workspace gets the same SID on every run, so that its ACL
 * entries are written once and found present afterwards.
 *
 * Concurrent runs of the same user serialise on "capability-sids.lock",
 * opened without sharing; the store itself is replaced atomically
 * (win_home_write_atomic()), so a reader never sees half a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/win32.h"

#include <bcrypt.h>

#define STORE_MAX (1024 * 1024)
#define LOCK_WAIT_MS 10000

/* Open the lock file without sharing, waiting while another run has it. */
static int lock(const char *home, HANDLE *ret, struct paddock_error *err)
{
	char *path;
	wchar_t *wide = NULL;
	DWORD native = 0;
	int r;

	if (asprintf(&path, "%s\\capability-sids.lock", home) < 0)
		return -ENOMEM;
	r = win_str_wide(path, &wide);
	if (r < 0)
		r = error_set(err, PADDOCK_STEP_CAPABILITY_SID, -r, path, NULL);
	for (int waited = 0; r == 0; waited += 20) {
		*ret = CreateFileW(wide, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				   OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
		if (*ret != INVALID_HANDLE_VALUE)
			break;
		native = GetLastError();
		if (native != ERROR_SHARING_VIOLATION ||
		    waited >= LOCK_WAIT_MS) {
			r = win_err_set(err, PADDOCK_STEP_CAPABILITY_SID,
					native, path, NULL);
			break;
		}
		Sleep(20);
	}
	free(wide);
	free(path);
	return r;
}

/* The store's text; an absent store is empty. */
static int read_store(const wchar_t *wide, const char *path, char **ret,
		      size_t *ret_len, struct paddock_error *err)
{
	LARGE_INTEGER size;
	DWORD done, native;
	HANDLE h;
	char *buf;

	h = CreateFileW(wide, GENERIC_READ, FILE_SHARE_READ, NULL,
			OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		native = GetLastError();
		if (native != ERROR_FILE_NOT_FOUND)
			return win_err_set(err, PADDOCK_STEP_CAPABILITY_SID,
					   native, path, NULL);
		*ret = NULL;
		*ret_len = 0;
		return 0;
	}
	if (!GetFileSizeEx(h, &size) || size.QuadPart > STORE_MAX) {
		native = size.QuadPart > STORE_MAX ? ERROR_FILE_TOO_LARGE
						   : GetLastError();
		CloseHandle(h);
		return win_err_set(err, PADDOCK_STEP_CAPABILITY_SID, native,
				   path, NULL);
	}
	buf = malloc((size_t)size.QuadPart + 1);
	if (!buf) {
		CloseHandle(h);
		return -ENOMEM;
	}
	if (!ReadFile(h, buf, (DWORD)size.QuadPart, &done, NULL)) {
		native = GetLastError();
		CloseHandle(h);
		free(buf);
		return win_err_set(err, PADDOCK_STEP_CAPABILITY_SID, native,
				   path, NULL);
	}
	CloseHandle(h);
	*ret = buf;
	*ret_len = done;
	return 0;
}

/* A new capability SID from the system's preferred random generator. */
static int new_sid(struct win_sid *ret, struct paddock_error *err)
{
	uint32_t words[4];
	NTSTATUS status = BCryptGenRandom(NULL, (PUCHAR)words, sizeof(words),
					  BCRYPT_USE_SYSTEM_PREFERRED_RNG);

	if (status != 0) {
		error_set(err, PADDOCK_STEP_CAPABILITY_SID, EIO, NULL,
			  "BCryptGenRandom failed");
		if (err)
			err->native = (unsigned long)status;
		return -EIO;
	}
	win_sid_capability(words, ret);
	return 0;
}

int win_capsid_new(char buf[WIN_SID_STRING_MAX], struct paddock_error *err)
{
	struct win_sid sid;
	int r = new_sid(&sid, err);

	if (r == 0 && win_sid_format(&sid, buf, WIN_SID_STRING_MAX) < 0)
		r = error_set(err, PADDOCK_STEP_CAPABILITY_SID, ENOSPC, NULL,
			      "cannot format a SID");
	return r;
}

/* Append key's line to the store and write it back. */
static int add_sid(const char *path, const char *text, size_t len,
		   const char *key, struct win_sid *ret,
		   struct paddock_error *err)
{
	char line[WIN_PATH_MAX + WIN_SID_STRING_MAX + 2];
	char *out;
	int n, r = new_sid(ret, err);

	if (r < 0)
		return r;
	n = win_sid_store_line(key, ret, line, sizeof(line));
	if (n < 0)
		return error_set(err, PADDOCK_STEP_CAPABILITY_SID, -n, key,
				 NULL);
	out = malloc(len + (size_t)n);
	if (!out)
		return -ENOMEM;
	if (len)
		memcpy(out, text, len);
	memcpy(out + len, line, (size_t)n);
	r = win_home_write_atomic(path, out, len + (size_t)n, err);
	free(out);
	return r;
}

static int get_locked(const char *path, const char *key, struct win_sid *ret,
		      struct paddock_error *err)
{
	char *text = NULL;
	size_t len = 0;
	unsigned bad = 0;
	wchar_t *wide;
	int r = win_str_wide(path, &wide);

	if (r < 0)
		return error_set(err, PADDOCK_STEP_CAPABILITY_SID, -r, path,
				 NULL);
	r = read_store(wide, path, &text, &len, err);
	free(wide);
	if (r < 0)
		return r;
	r = win_sid_store_lookup(text ? text : "", len, key, ret, &bad);
	if (r == -EINVAL) {
		r = error_set(
			err, PADDOCK_STEP_CAPABILITY_SID, EINVAL, path,
			"a line of the capability SID store is malformed; paddock will not guess, fix or remove the file");
		if (err)
			err->line = bad;
	} else if (r == -ENOENT) {
		r = add_sid(path, text, len, key, ret, err);
	}
	free(text);
	return r;
}

int win_capsid_get(const char *home, const char *key, char **ret,
		   struct paddock_error *err)
{
	char buf[WIN_SID_STRING_MAX];
	struct win_sid sid;
	HANDLE held;
	char *path;
	int r;

	if (asprintf(&path, "%s\\capability-sids", home) < 0)
		return -ENOMEM;
	r = lock(home, &held, err);
	if (r == 0) {
		r = get_locked(path, key, &sid, err);
		CloseHandle(held);
	}
	free(path);
	if (r < 0)
		return r;
	r = win_sid_format(&sid, buf, sizeof(buf));
	if (r < 0)
		return error_set(err, PADDOCK_STEP_CAPABILITY_SID, -r, key,
				 NULL);
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}
