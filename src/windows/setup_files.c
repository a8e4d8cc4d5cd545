/* SPDX-License-Identifier: MIT */
/*
 * The setup directory and the secrets in it.
 *
 * DPAPI SCOPE. The passwords are encrypted with CryptProtectData and
 * CRYPTPROTECT_LOCAL_MACHINE, not with the default user scope. The user
 * scope ties a blob to the account that encrypted it, and the encrypting
 * process here is the elevated setup: with the usual UAC prompt that is
 * the same account as the real user, but with over-the-shoulder elevation
 * (a standard user types an administrator's credentials) it is the
 * administrator's account, and the real user's paddock.exe could never
 * decrypt what setup wrote. Nor can setup encrypt as the real user: it has
 * no token of his. So the blob is machine-scoped, which any process on
 * this machine could decrypt, and what keeps it secret is the DACL of the
 * directory that holds it: protected (nothing inherited), full control for
 * SYSTEM and Administrators, read for the real user, and every access
 * denied to the sandbox group, so that a command running as a sandbox
 * user cannot read its own or the other user's password. Another local
 * user cannot read it either. What the machine scope adds is that the
 * blob is useless on another machine, e.g. in a backup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setupw.h"

#include <aclapi.h>
#include <bcrypt.h>
#include <dpapi.h>
#include <sddl.h>
#include <shlobj.h>

#define SECRET_MAX 4096
/* The names of the files paddock writes in the setup directory. */
static const wchar_t *const dir_files[] = {
	L"setup-marker",
	L"setup-error",
	L"paddock-offline.secret",
	L"paddock-online.secret",
};

int win_setupw_fail(struct win_setup_report *r, enum win_setup_code code,
		    unsigned long native, const char *operand,
		    const char *message)
{
	if (r) {
		r->code = code;
		r->native = native;
		snprintf(r->operand, sizeof(r->operand), "%s",
			 operand ? operand : "");
		snprintf(r->message, sizeof(r->message), "%s",
			 message ? message : "");
	}
	return native && native < 0x10000 ? -win_err_errno((DWORD)native)
					  : -EIO;
}

/* %ProgramData% as the system records it (FOLDERID_ProgramData), never
 * from the environment, which the caller may have set. */
int win_setupw_dir(char **ret)
{
	wchar_t *base = NULL;
	char *utf8 = NULL, *given;
	HRESULT hr =
		SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &base);
	int r;

	if (FAILED(hr))
		return -ENOENT;
	r = win_str_utf8(base, &utf8);
	CoTaskMemFree(base);
	if (r < 0)
		return r;
	r = asprintf(&given, "%s\\paddock", utf8) < 0 ? -ENOMEM : 0;
	free(utf8);
	if (r < 0)
		return r;
	/* Canonical, but not resolved: a reparse point there is opened as
	 * itself and refused (win_setupw_dir_open), never followed. */
	r = win_path_canonical(given, NULL, ret);
	free(given);
	return r;
}

/* The attributes, reparse tag and owner of the object h names. */
static DWORD object_verdict(HANDLE h, enum win_setup_object *ret)
{
	FILE_ATTRIBUTE_TAG_INFO tag;
	PSECURITY_DESCRIPTOR sd = NULL;
	PSID owner = NULL;
	char *owner_text = NULL;
	DWORD native;

	if (!GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag,
					  sizeof(tag)))
		return GetLastError();
	native = GetSecurityInfo(h, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION,
				 &owner, NULL, NULL, NULL, &sd);
	if (native == 0 && owner && !ConvertSidToStringSidA(owner, &owner_text))
		native = GetLastError();
	if (native == 0)
		*ret = win_setup_dir_verdict(tag.FileAttributes, tag.ReparseTag,
					     owner_text);
	LocalFree(owner_text);
	LocalFree(sd);
	return native;
}

int win_setupw_dir_open(const char *setup_dir, DWORD access, HANDLE *ret,
			enum win_setup_object *ret_verdict,
			struct win_setup_report *r)
{
	enum win_setup_object verdict = WIN_SETUP_OBJECT_OK;
	wchar_t *wide;
	DWORD native;
	HANDLE h;

	if (win_str_wide(setup_dir, &wide) < 0)
		return -ENOMEM;
	/* FILE_FLAG_OPEN_REPARSE_POINT: a junction or symbolic link at the
	 * name is opened as itself, so that the check below sees it. */
	h = CreateFileW(wide, READ_CONTROL | FILE_READ_ATTRIBUTES | access,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING,
			FILE_FLAG_BACKUP_SEMANTICS |
				FILE_FLAG_OPEN_REPARSE_POINT,
			NULL);
	native = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
	free(wide);
	if (native == ERROR_FILE_NOT_FOUND || native == ERROR_PATH_NOT_FOUND)
		return -ENOENT;
	if (native) {
		int e = win_setupw_fail(r, WIN_SETUP_E_SETUP_DIR, native,
					setup_dir,
					"cannot open the setup directory");

		/* -EPERM says "not paddock's", which is not known here. */
		return e == -EPERM ? -EIO : e;
	}
	native = object_verdict(h, &verdict);
	if (native == 0 && verdict == WIN_SETUP_OBJECT_OK) {
		if (ret)
			*ret = h;
		else
			CloseHandle(h);
		return 0;
	}
	CloseHandle(h);
	if (native)
		return win_setupw_fail(
			r, WIN_SETUP_E_SETUP_DIR, native, setup_dir,
			"cannot read the setup directory's attributes or owner");
	if (ret_verdict)
		*ret_verdict = verdict;
	win_setupw_fail(r, WIN_SETUP_E_SETUP_DIR, 0, setup_dir,
			win_setup_dir_text(verdict));
	return -EPERM;
}

int win_setupw_dir_check(const char *setup_dir,
			 enum win_setup_object *ret_verdict)
{
	return win_setupw_dir_open(setup_dir, 0, NULL, ret_verdict, NULL);
}

int win_setupw_read_report(struct win_setup_report *ret)
{
	char *dir = NULL, *text = NULL;
	size_t len = 0;
	int r = win_setupw_dir(&dir);

	/* A report in a directory that is not paddock's is not setup's. */
	if (r == 0)
		r = win_setupw_dir_check(dir, NULL);
	if (r == 0)
		r = win_setupw_read(dir, "setup-error", WIN_SETUP_REPORT_MAX,
				    &text, &len);
	if (r == 0)
		r = win_setup_report_parse(text, len, ret);
	free(text);
	free(dir);
	return r;
}

int win_setupw_helper_line(const wchar_t *exe, const char *hex, wchar_t **ret)
{
	wchar_t *whex, *line;
	size_t size;
	int n;

	/* hex is ASCII; exe goes from wide to wide, never through the C
	 * locale's multibyte conversion, which fails on a character it
	 * does not know (a non-ASCII install path). */
	if (win_str_wide(hex, &whex) < 0)
		return -ENOMEM;
	size = wcslen(exe) + wcslen(whex) + 16;
	line = malloc(size * sizeof(*line));
	n = line ? swprintf(line, size, L"\"%ls\" --args %ls", exe, whex) : -1;
	free(whex);
	if (n < 0 || (size_t)n >= size) {
		free(line);
		return -ENOMEM;
	}
	*ret = line;
	return 0;
}

int win_setupw_read(const char *setup_dir, const char *name, size_t max,
		    char **ret, size_t *ret_len)
{
	LARGE_INTEGER size;
	wchar_t *wide;
	char *path, *buf;
	DWORD done;
	HANDLE h;
	int r;

	if (asprintf(&path, "%s\\%s", setup_dir, name) < 0)
		return -ENOMEM;
	r = win_str_wide(path, &wide);
	free(path);
	if (r < 0)
		return r;
	h = CreateFileW(wide, GENERIC_READ, FILE_SHARE_READ, NULL,
			OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	free(wide);
	if (h == INVALID_HANDLE_VALUE)
		return -win_err_errno(GetLastError());
	if (!GetFileSizeEx(h, &size) || (uint64_t)size.QuadPart > max) {
		CloseHandle(h);
		return -EFBIG;
	}
	buf = malloc((size_t)size.QuadPart + 1);
	if (!buf || !ReadFile(h, buf, (DWORD)size.QuadPart, &done, NULL)) {
		r = buf ? -win_err_errno(GetLastError()) : -ENOMEM;
		CloseHandle(h);
		free(buf);
		return r;
	}
	CloseHandle(h);
	buf[done] = '\0';
	*ret = buf;
	*ret_len = done;
	return 0;
}

/* setup_dir's security descriptor: the owner Administrators, a protected
 * DACL. */
static int dir_descriptor(const char *owner_sid, const char *group_sid,
			  PSECURITY_DESCRIPTOR *ret)
{
	char *sddl;
	BOOL ok;

	/* The deny entry first: an explicit deny is checked before every
	 * allow, and the sandbox users are also members of Users. Without
	 * a group yet (the report of a setup that failed before creating
	 * it), only SYSTEM, Administrators and the owner are allowed. */
	if (asprintf(
		    &sddl,
		    "O:BAD:P%s%s%s(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FR;;;%s)",
		    group_sid ? "(D;OICI;GA;;;" : "",
		    group_sid ? group_sid : "", group_sid ? ")" : "",
		    owner_sid) < 0)
		return -ENOMEM;
	ok = ConvertStringSecurityDescriptorToSecurityDescriptorA(
		sddl, SDDL_REVISION_1, ret, NULL);
	free(sddl);
	return ok ? 0 : -EINVAL;
}

int win_setupw_dir_create(const char *setup_dir, const char *owner_sid,
			  const char *group_sid, struct win_setup_report *r)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
	PSECURITY_DESCRIPTOR sd;
	BOOL present, defaulted;
	wchar_t *wide;
	HANDLE h;
	ACL *dacl = NULL;
	DWORD native = 0;
	int e;

	if (dir_descriptor(owner_sid, group_sid, &sd) < 0)
		return win_setupw_fail(r, WIN_SETUP_E_MARKER, GetLastError(),
				       setup_dir,
				       "cannot build the directory's DACL");
	if (win_str_wide(setup_dir, &wide) < 0) {
		LocalFree(sd);
		return -ENOMEM;
	}
	sa.lpSecurityDescriptor = sd;
	if (!CreateDirectoryW(wide, &sa) &&
	    (native = GetLastError()) == ERROR_ALREADY_EXISTS)
		native = 0;
	free(wide);
	if (native) {
		LocalFree(sd);
		return win_setupw_fail(r, WIN_SETUP_E_MARKER, native, setup_dir,
				       "cannot create the setup directory");
	}
	/* New or found, the directory is checked through a handle and its
	 * DACL set through that handle: a directory that was already there
	 * is used only if it is paddock's (setup_trust.c), and gets the
	 * DACL again, so that a changed one does not survive. */
	e = win_setupw_dir_open(setup_dir, WRITE_DAC, &h, NULL, r);
	if (e < 0) {
		LocalFree(sd);
		return e;
	}
	if (!GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted))
		native = GetLastError();
	else
		native = SetSecurityInfo(
			h, SE_FILE_OBJECT,
			DACL_SECURITY_INFORMATION |
				PROTECTED_DACL_SECURITY_INFORMATION,
			NULL, NULL, dacl, NULL);
	CloseHandle(h);
	LocalFree(sd);
	if (native)
		return win_setupw_fail(r, WIN_SETUP_E_MARKER, native, setup_dir,
				       "cannot set the setup directory's DACL");
	return 0;
}

/* A directory that is not paddock's: nothing inside is touched (through a
 * junction, the files would be someone else's), and the directory itself
 * goes only if it is empty, or a link, which RemoveDirectoryW deletes
 * without touching its target. */
static int remove_foreign_dir(const char *setup_dir, enum win_setup_object v,
			      struct win_setup_report *r)
{
	wchar_t *wide;
	DWORD native;

	if (win_str_wide(setup_dir, &wide) < 0)
		return -ENOMEM;
	native = RemoveDirectoryW(wide) ? 0 : GetLastError();
	free(wide);
	if (native)
		return win_setupw_fail(r, WIN_SETUP_E_SETUP_DIR, native,
				       setup_dir, win_setup_dir_text(v));
	return 0;
}

int win_setupw_dir_remove(const char *setup_dir, struct win_setup_report *r)
{
	enum win_setup_object v = WIN_SETUP_OBJECT_OK;
	wchar_t *wide, path[MAX_PATH + 64];
	DWORD native;
	int e = win_setupw_dir_check(setup_dir, &v);

	if (e == -ENOENT)
		return 0;
	if (e == -EPERM)
		return remove_foreign_dir(setup_dir, v, r);
	if (e < 0)
		return win_setupw_fail(r, WIN_SETUP_E_UNINSTALL, 0, setup_dir,
				       "cannot open the setup directory");
	if (win_str_wide(setup_dir, &wide) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(dir_files) / sizeof(*dir_files); i++) {
		_snwprintf(path, MAX_PATH + 64, L"%ls\\%ls", wide,
			   dir_files[i]);
		path[MAX_PATH + 63] = 0;
		DeleteFileW(path);
	}
	native = RemoveDirectoryW(wide) ? 0 : GetLastError();
	free(wide);
	if (native && native != ERROR_FILE_NOT_FOUND &&
	    native != ERROR_PATH_NOT_FOUND)
		return win_setupw_fail(
			r, WIN_SETUP_E_UNINSTALL, native, setup_dir,
			"cannot delete the setup directory (does it hold files paddock did not write?)");
	return 0;
}

int win_setupw_secret_password(char out[WIN_SETUP_PASSWORD_LEN + 1],
			       struct win_setup_report *r)
{
	uint8_t random[4 * WIN_SETUP_PASSWORD_LEN];
	int e = -EAGAIN;

	for (int tries = 0; e == -EAGAIN && tries < 16; tries++) {
		NTSTATUS st = BCryptGenRandom(NULL, random, sizeof(random),
					      BCRYPT_USE_SYSTEM_PREFERRED_RNG);

		if (st != 0)
			return win_setupw_fail(r, WIN_SETUP_E_SECRET,
					       (unsigned long)st, NULL,
					       "BCryptGenRandom failed");
		e = win_setup_password(random, sizeof(random), out);
	}
	SecureZeroMemory(random, sizeof(random));
	if (e < 0)
		return win_setupw_fail(r, WIN_SETUP_E_SECRET, 0, NULL,
				       "cannot draw a password");
	return 0;
}

int win_setupw_secret_write(const char *path, const char *password,
			    struct win_setup_report *r)
{
	DATA_BLOB in = { (DWORD)strlen(password), (BYTE *)password }, out;
	struct paddock_error err = { 0 };
	int e;

	if (!CryptProtectData(&in, L"paddock", NULL, NULL, NULL,
			      CRYPTPROTECT_LOCAL_MACHINE |
				      CRYPTPROTECT_UI_FORBIDDEN,
			      &out))
		return win_setupw_fail(r, WIN_SETUP_E_SECRET, GetLastError(),
				       path, "CryptProtectData failed");
	e = win_home_write_atomic(path, (const char *)out.pbData, out.cbData,
				  &err);
	LocalFree(out.pbData);
	if (e < 0)
		return win_setupw_fail(r, WIN_SETUP_E_SECRET, err.native, path,
				       "cannot write the secret");
	return 0;
}

int win_setupw_secret_read(const char *path, wchar_t *out, size_t size,
			   struct win_setup_report *r)
{
	const char *slash = strrchr(path, '\\');
	DATA_BLOB in, plain;
	char *dir, *blob;
	size_t len;
	int e, n;

	if (!slash)
		return -EINVAL;
	dir = malloc((size_t)(slash - path) + 1);
	if (!dir)
		return -ENOMEM;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	e = win_setupw_read(dir, slash + 1, SECRET_MAX, &blob, &len);
	free(dir);
	if (e < 0)
		return win_setupw_fail(r, WIN_SETUP_E_SECRET, 0, path,
				       "cannot read the secret");
	in = (DATA_BLOB){ (DWORD)len, (BYTE *)blob };
	if (!CryptUnprotectData(&in, NULL, NULL, NULL, NULL,
				CRYPTPROTECT_UI_FORBIDDEN, &plain)) {
		free(blob);
		return win_setupw_fail(r, WIN_SETUP_E_SECRET, GetLastError(),
				       path, "CryptUnprotectData failed");
	}
	free(blob);
	n = plain.cbData < size
		    ? MultiByteToWideChar(CP_UTF8, 0, (char *)plain.pbData,
					  (int)plain.cbData, out, (int)size - 1)
		    : 0;
	SecureZeroMemory(plain.pbData, plain.cbData);
	LocalFree(plain.pbData);
	if (n <= 0)
		return win_setupw_fail(r, WIN_SETUP_E_SECRET, 0, path,
				       "the secret is not a password");
	out[n] = 0;
	return 0;
}
