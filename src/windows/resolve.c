/* SPDX-License-Identifier: MIT */
/*
 * Resolving the policy's paths on Windows. Each path is opened once and its
 * final path read back from the handle (GetFinalPathNameByHandleW), which
 * resolves junctions, symbolic links, 8.3 short names ("PROGRA~1") and
 * the case stored on disk; the pure logic (path.c) then decides on that
 * canonical form. So a writable root reached through a junction is granted
 * where it really lies, and a junction inside a root that points outside
 * is not a root: the ACL entries are inherited along the real tree only,
 * and a link's target keeps its own DACL.
 *
 * The path is resolved once, before the ACL entries are written; a rename
 * between the two is a race this mode cannot close (the entries are
 * written by path, as SetNamedSecurityInfoW takes one). The cost is
 * bounded: a renamed root gets its entries where it now lies, which is
 * still a directory the user chose.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/win32.h"

/* GetFullPathNameW, then open, then the handle's final path. */
static int full_path(const wchar_t *path, wchar_t **ret, DWORD *ret_native)
{
	DWORD n = GetFullPathNameW(path, 0, NULL, NULL), m;
	wchar_t *full;

	if (n == 0) {
		*ret_native = GetLastError();
		return -EINVAL;
	}
	full = malloc(n * sizeof(*full));
	if (!full)
		return -ENOMEM;
	m = GetFullPathNameW(path, n, full, NULL);
	if (m == 0 || m >= n) {
		*ret_native = m ? ERROR_INSUFFICIENT_BUFFER : GetLastError();
		free(full);
		return -EINVAL;
	}
	*ret = full;
	return 0;
}

static int final_path(HANDLE h, wchar_t **ret, DWORD *ret_native)
{
	DWORD flags = FILE_NAME_NORMALIZED | VOLUME_NAME_DOS;
	DWORD n = GetFinalPathNameByHandleW(h, NULL, 0, flags), m;
	wchar_t *buf;

	if (n == 0) {
		*ret_native = GetLastError();
		return -win_err_errno(*ret_native);
	}
	buf = malloc((n + 1) * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	m = GetFinalPathNameByHandleW(h, buf, n + 1, flags);
	if (m == 0 || m > n) {
		*ret_native = m ? ERROR_INSUFFICIENT_BUFFER : GetLastError();
		free(buf);
		return -win_err_errno(*ret_native);
	}
	*ret = buf;
	return 0;
}

static int open_and_read_back(const wchar_t *full, bool nofollow, wchar_t **ret,
			      DWORD *ret_attributes, DWORD *ret_native)
{
	BY_HANDLE_FILE_INFORMATION info;
	HANDLE h;
	int r;

	/* No access beyond attributes, and every share mode: resolving must
	 * not get in the way of the user's programs. FILE_FLAG_BACKUP_
	 * SEMANTICS is what lets CreateFileW open a directory. */
	h = CreateFileW(full, FILE_READ_ATTRIBUTES,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING,
			FILE_FLAG_BACKUP_SEMANTICS |
				(nofollow ? FILE_FLAG_OPEN_REPARSE_POINT : 0),
			NULL);
	if (h == INVALID_HANDLE_VALUE) {
		*ret_native = GetLastError();
		return -win_err_errno(*ret_native);
	}
	if (!GetFileInformationByHandle(h, &info)) {
		*ret_native = GetLastError();
		CloseHandle(h);
		return -win_err_errno(*ret_native);
	}
	r = final_path(h, ret, ret_native);
	CloseHandle(h);
	if (r == 0)
		*ret_attributes = info.dwFileAttributes;
	return r;
}

int win_resolve_final(const char *path, bool nofollow, char **ret,
		      DWORD *ret_attributes, DWORD *ret_native)
{
	wchar_t *wide = NULL, *full = NULL, *final = NULL;
	char *utf8 = NULL;
	DWORD attributes = 0;
	int r;

	*ret_native = 0;
	r = win_str_wide(path, &wide);
	if (r == 0)
		r = full_path(wide, &full, ret_native);
	if (r == 0)
		r = open_and_read_back(full, nofollow, &final, &attributes,
				       ret_native);
	if (r == 0)
		r = win_str_utf8(final, &utf8);
	if (r == 0)
		r = win_path_canonical(utf8, NULL, ret);
	if (r == 0)
		*ret_attributes = attributes;
	free(utf8);
	free(final);
	free(full);
	free(wide);
	return r;
}

static int fail_path(struct paddock_error *err, enum paddock_step step, int r,
		     DWORD native, const char *path)
{
	if (native)
		return win_err_set(err, step, native, path, NULL);
	return error_set(err, step, -r, path,
			 r == -EINVAL ? "not a path paddock can use" : NULL);
}

static int resolve_dir(const char *given, enum paddock_step step, char **ret,
		       struct paddock_error *err)
{
	DWORD attributes, native;
	int r = win_resolve_final(given, false, ret, &attributes, &native);

	if (r < 0)
		return fail_path(err, step, r, native, given);
	if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
		free(*ret);
		return error_set(err, step, ENOTDIR, given, NULL);
	}
	return 0;
}

/* Whether the directory at path has no entry but "." and "..". */
static bool dir_is_empty(const wchar_t *path)
{
	size_t n = wcslen(path);
	wchar_t *pattern = malloc((n + 3) * sizeof(*pattern));
	WIN32_FIND_DATAW data;
	bool empty = true;
	HANDLE find;

	if (!pattern)
		return false;
	memcpy(pattern, path, n * sizeof(*pattern));
	memcpy(pattern + n, L"\\*", 3 * sizeof(*pattern));
	find = FindFirstFileW(pattern, &data);
	free(pattern);
	if (find == INVALID_HANDLE_VALUE)
		return false;
	do {
		if (wcscmp(data.cFileName, L".") &&
		    wcscmp(data.cFileName, L".."))
			empty = false;
	} while (empty && FindNextFileW(find, &data));
	FindClose(find);
	return empty;
}

/*
 * What is at root\name: nothing (missing), a placeholder an earlier or
 * concurrent run left (an empty hidden directory, reused), or a file or
 * directory. A junction or symbolic link is refused: its target keeps its
 * own DACL, so the deny entries could not keep it read-only.
 */
static int inspect_name(struct win_resolved_name *n, struct paddock_error *err)
{
	WIN32_FILE_ATTRIBUTE_DATA data;
	wchar_t *wide;
	DWORD native;
	int r = win_str_wide(n->path, &wide);

	if (r < 0)
		return error_set(err, PADDOCK_STEP_PROTECTED_NAME, -r, n->path,
				 NULL);
	if (!GetFileAttributesExW(wide, GetFileExInfoStandard, &data)) {
		native = GetLastError();
		if (native != ERROR_FILE_NOT_FOUND) {
			free(wide);
			return win_err_set(err, PADDOCK_STEP_PROTECTED_NAME,
					   native, n->path, NULL);
		}
		n->missing = true;
	} else if (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
		free(wide);
		return error_set(
			err, PADDOCK_STEP_PROTECTED_NAME, ELOOP, n->path,
			"a protected name is a junction or symbolic link, which paddock cannot keep read-only");
	} else if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
		   (data.dwFileAttributes & FILE_ATTRIBUTE_HIDDEN) &&
		   dir_is_empty(wide)) {
		n->placeholder = true;
	}
	n->is_file = !n->missing &&
		     !(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
	free(wide);
	return 0;
}

/* ".git", compared as Windows compares names. */
static bool is_dot_git(const char *name)
{
	static const char dot_git[] = ".git";

	for (size_t i = 0; i < sizeof(dot_git); i++) {
		char c = name[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != dot_git[i])
			return false;
	}
	return true;
}

/* The .git files at the top of the roots: their git directories. */
static int follow_git_pointers(const struct paddock_policy *policy,
			       struct win_resolved *res,
			       struct paddock_error *err)
{
	for (size_t i = 0; i < res->n_roots; i++) {
		const struct win_resolved_root *root = &res->roots[i];

		for (size_t j = 0; j < root->n_names; j++) {
			const struct win_resolved_name *n = &root->names[j];
			int r;

			if (!n->is_file || !is_dot_git(n->name))
				continue;
			r = win_gitdirw_follow(policy, res, root->path, n->path,
					       err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int resolve_names(const struct paddock_policy *policy,
			 struct win_resolved_root *root,
			 struct paddock_error *err)
{
	size_t count = policy->protected_names.len;

	root->names = calloc(count ? count : 1, sizeof(*root->names));
	if (!root->names)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		const char *name = policy->protected_names.items[i];
		struct win_resolved_name *n = &root->names[root->n_names++];
		bool drive = root->path[strlen(root->path) - 1] == '\\';
		int r;

		if (!win_path_name_is_valid(name))
			return error_set(
				err, PADDOCK_STEP_PROTECTED_NAME, EINVAL, name,
				"not a name Windows can hold (a ':', a trailing dot or space, a device name)");
		n->name = strdup(name);
		if (n->name && asprintf(&n->path, "%s%s%s", root->path,
					drive ? "" : "\\", name) < 0)
			n->path = NULL;
		if (!n->name || !n->path)
			return -ENOMEM;
		r = inspect_name(n, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Add a root unless it is one already, compared as Windows compares. */
static int add_root(struct win_resolved *res, char *path, bool is_workspace)
{
	struct win_resolved_root *roots;

	for (size_t i = 0; i < res->n_roots; i++) {
		if (win_path_is_under(path, res->roots[i].path) &&
		    win_path_is_under(res->roots[i].path, path)) {
			free(path);
			return 0;
		}
	}
	roots = realloc(res->roots, (res->n_roots + 1) * sizeof(*roots));
	if (!roots) {
		free(path);
		return -ENOMEM;
	}
	roots[res->n_roots++] =
		(struct win_resolved_root){ .path = path,
					    .is_workspace = is_workspace };
	res->roots = roots;
	return 0;
}

/* %TEMP% and %TMP%; a missing or unusable one is skipped, not an error. */
static int add_tmp_roots(const struct paddock_policy *policy,
			 struct win_resolved *res)
{
	static const char *const names[] = { "TEMP", "TMP" };

	for (size_t i = 0; i < 2; i++) {
		char *value, *path;
		DWORD attributes, native;
		int r = win_str_getenv(names[i], &value);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		r = win_resolve_final(value, false, &path, &attributes,
				      &native);
		if (r == 0 && !(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
			free(path);
			r = -ENOTDIR;
		}
		if (r < 0) {
			log_msg(policy, PADDOCK_LOG_INFO,
				"%%%s%% (%s) is not a usable directory; not made writable",
				names[i], value);
			free(value);
			continue;
		}
		free(value);
		r = add_root(res, path, false);
		if (r < 0)
			return r;
	}
	return 0;
}

static int compare_roots(const void *a, const void *b)
{
	size_t la = strlen(((const struct win_resolved_root *)a)->path);
	size_t lb = strlen(((const struct win_resolved_root *)b)->path);

	return (la > lb) - (la < lb);
}

static int resolve_roots(const struct paddock_policy *policy,
			 struct win_resolved *res, struct paddock_error *err)
{
	char *path;
	int r;

	path = strdup(res->workspace);
	if (!path)
		return -ENOMEM;
	r = add_root(res, path, true);
	for (size_t i = 0; r == 0 && i < policy->writable_roots.len; i++) {
		r = resolve_dir(policy->writable_roots.items[i],
				PADDOCK_STEP_WRITABLE_ROOT, &path, err);
		if (r == 0)
			r = add_root(res, path, false);
	}
	if (r == 0 && policy->tmp_writable)
		r = add_tmp_roots(policy, res);
	if (r < 0)
		return r;
	qsort(res->roots, res->n_roots, sizeof(*res->roots), compare_roots);
	return 0;
}

/* A git directory that is a volume root, or that holds a writable root,
 * cannot be denied without undoing the grants (see acl.c). */
static int check_git_dirs(const struct win_resolved *res,
			  struct paddock_error *err)
{
	for (size_t i = 0; i < res->n_git_dirs; i++) {
		const char *dir = res->git_dirs[i].path;

		if (win_path_is_volume_root(dir))
			return error_set(
				err, PADDOCK_STEP_PROTECTED_NAME, EINVAL,
				res->git_dirs[i].pointer,
				"a .git file points to the root of a drive or share, which paddock will not deny to the sandbox as a whole");
		for (size_t j = 0; j < res->n_roots; j++) {
			if (win_path_is_under(res->roots[j].path, dir))
				return error_set(
					err, PADDOCK_STEP_WRITABLE_ROOT, EINVAL,
					res->roots[j].path,
					"a writable root lies inside a git directory that a .git file points to");
		}
	}
	return 0;
}

/*
 * Refuse what the ACL entries cannot express: a drive root as a writable
 * root (full access under another name, and a DACL change that would be
 * propagated over the whole drive), and a writable root at or inside a
 * protected name of another root (its grant would undo the deny).
 */
static int check_roots(const struct win_resolved *res,
		       struct paddock_error *err)
{
	for (size_t i = 0; i < res->n_roots; i++) {
		const char *path = res->roots[i].path;
		const char *names[2] = { NULL, NULL };

		if (win_path_is_volume_root(path))
			return error_set(
				err, PADDOCK_STEP_WRITABLE_ROOT, EINVAL, path,
				"a drive or share root cannot be a writable root; use --sandbox full-access");
		for (size_t j = 0; j < res->n_roots; j++) {
			for (size_t k = 0; k < res->roots[j].n_names; k++) {
				names[0] = res->roots[j].names[k].name;
				if (win_path_protected_by(
					    path, res->roots[j].path, names))
					return error_set(
						err, PADDOCK_STEP_WRITABLE_ROOT,
						EINVAL, path,
						"a writable root lies inside a protected path");
			}
		}
	}
	return check_git_dirs(res, err);
}

int win_resolve_policy(const struct paddock_policy *policy,
		       struct win_resolved *ret, struct paddock_error *err)
{
	struct win_resolved res = { 0 };
	int r;

	if (policy->mode == PADDOCK_MODE_READ_ONLY &&
	    policy->writable_roots.len)
		return error_set(
			err, PADDOCK_STEP_POLICY, EINVAL,
			policy->writable_roots.items[0],
			"a writable root cannot be combined with read-only mode");
	r = resolve_dir(policy->workspace ? policy->workspace : ".",
			PADDOCK_STEP_WORKSPACE, &res.workspace, err);
	if (r == 0 && policy->mode == PADDOCK_MODE_WORKSPACE_WRITE)
		r = resolve_roots(policy, &res, err);
	for (size_t i = 0; r == 0 && i < res.n_roots; i++)
		r = resolve_names(policy, &res.roots[i], err);
	if (r == 0)
		r = follow_git_pointers(policy, &res, err);
	if (r == 0)
		r = check_roots(&res, err);
	if (r < 0) {
		win_resolve_free(&res);
		return r;
	}
	*ret = res;
	return 0;
}

void win_resolve_free(struct win_resolved *r)
{
	for (size_t i = 0; i < r->n_roots; i++) {
		for (size_t j = 0; j < r->roots[i].n_names; j++) {
			free(r->roots[i].names[j].name);
			free(r->roots[i].names[j].path);
		}
		free(r->roots[i].names);
		free(r->roots[i].path);
	}
	free(r->roots);
	for (size_t i = 0; i < r->n_git_dirs; i++) {
		free(r->git_dirs[i].path);
		free(r->git_dirs[i].pointer);
	}
	free(r->git_dirs);
	free(r->workspace);
	*r = (struct win_resolved){ 0 };
}
