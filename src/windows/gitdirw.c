/* SPDX-License-Identifier: MIT */
/*
 * Following a ".git" pointer file on Windows (gitdir.c parses it): a git
 * worktree or submodule keeps a file "gitdir: PATH" where a repository
 * keeps its .git directory, and PATH (with, for a worktree, the common
 * directory its "commondir" file names) holds the hooks and the config
 * that git runs. The .git file itself is a protected name; the
 * directories it names are protected here too, as the Linux backend does.
 *
 * Fail closed: a .git file paddock cannot read as a pointer, or whose
 * directories it cannot resolve, stops the run (exit 125), since running
 * would leave the real git directory writable. A missing "commondir" file
 * is not a failure: a submodule's git directory has none.
 *
 * The file is opened once without following a reparse point (resolve.c
 * has already refused a .git that is one), bounded and read through the
 * handle; the directories are resolved to their final paths by
 * win_resolve_final(), so the deny entries land where the directory
 * really lies, wherever that is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/win32.h"

/* Read the small file at path; -ENOENT with *ret_native set when there is
 * none, -EFBIG when it is larger than a pointer can be. */
static int read_small(const char *path, char **ret, size_t *ret_len,
		      DWORD *ret_native)
{
	LARGE_INTEGER size;
	DWORD done = 0;
	wchar_t *wide;
	char *buf = NULL;
	HANDLE h;
	int r = win_str_wide(path, &wide);

	*ret_native = 0;
	if (r < 0)
		return r;
	h = CreateFileW(wide, GENERIC_READ,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT,
			NULL);
	*ret_native = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
	free(wide);
	if (h == INVALID_HANDLE_VALUE)
		return -win_err_errno(*ret_native);
	if (!GetFileSizeEx(h, &size))
		*ret_native = GetLastError();
	else if (size.QuadPart > WIN_GITDIR_FILE_MAX)
		r = -EFBIG;
	else if (!(buf = malloc((size_t)size.QuadPart + 1)))
		r = -ENOMEM;
	else if (!ReadFile(h, buf, (DWORD)size.QuadPart + 1, &done, NULL))
		*ret_native = GetLastError();
	else if (done > (DWORD)size.QuadPart)
		r = -EFBIG; /* it grew while being read */
	CloseHandle(h);
	if (*ret_native)
		r = -win_err_errno(*ret_native);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	*ret_len = done;
	return 0;
}

static int add_git_dir(struct win_resolved *res, char *path,
		       const char *pointer)
{
	struct win_resolved_gitdir *dirs;
	char *copy = strdup(pointer);

	dirs = copy ? realloc(res->git_dirs,
			      (res->n_git_dirs + 1) * sizeof(*dirs))
		    : NULL;
	if (!dirs) {
		free(copy);
		free(path);
		return -ENOMEM;
	}
	dirs[res->n_git_dirs++] =
		(struct win_resolved_gitdir){ .path = path, .pointer = copy };
	res->git_dirs = dirs;
	return 0;
}

/* The final path of the directory named, or a failure naming it. */
static int resolve_git_dir(const char *named, char **ret,
			   struct paddock_error *err)
{
	DWORD attributes, native;
	int r = win_resolve_final(named, false, ret, &attributes, &native);

	if (r < 0 && native)
		return win_err_set(
			err, PADDOCK_STEP_PROTECTED_NAME, native, named,
			"cannot resolve the git directory a .git file points to, so it cannot be protected");
	if (r < 0)
		return error_set(
			err, PADDOCK_STEP_PROTECTED_NAME, -r, named,
			"cannot resolve the git directory a .git file points to, so it cannot be protected");
	if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
		free(*ret);
		return error_set(
			err, PADDOCK_STEP_PROTECTED_NAME, ENOTDIR, named,
			"a .git file points to something that is not a directory");
	}
	return 0;
}

/* The worktree's common directory, when gitdir names one. */
static int follow_commondir(const struct paddock_policy *policy,
			    struct win_resolved *res, const char *gitdir,
			    const char *file, struct paddock_error *err)
{
	char *path, *text, *named, *common;
	size_t len;
	DWORD native;
	int r;

	if (asprintf(&path, "%s\\commondir", gitdir) < 0)
		return -ENOMEM;
	r = read_small(path, &text, &len, &native);
	if (r == -ENOENT && (native == ERROR_FILE_NOT_FOUND ||
			     native == ERROR_PATH_NOT_FOUND)) {
		free(path);
		return 0;
	}
	if (r == 0) {
		r = win_gitdir_commondir(text, len, gitdir, &named);
		free(text);
		if (r == -EINVAL)
			r = error_set(
				err, PADDOCK_STEP_PROTECTED_NAME, EINVAL, path,
				"a worktree's commondir file that paddock cannot read as one path");
	} else {
		r = native ? win_err_set(err, PADDOCK_STEP_PROTECTED_NAME,
					 native, path, NULL)
			   : error_set(err, PADDOCK_STEP_PROTECTED_NAME, -r,
				       path, NULL);
	}
	free(path);
	if (r < 0)
		return r;
	r = resolve_git_dir(named, &common, err);
	free(named);
	if (r < 0)
		return r;
	log_msg(policy, PADDOCK_LOG_INFO,
		"%s: common git directory %s, to be protected like .git", file,
		common);
	return add_git_dir(res, common, file);
}

int win_gitdirw_follow(const struct paddock_policy *policy,
		       struct win_resolved *res, const char *root,
		       const char *file, struct paddock_error *err)
{
	char *text, *named, *gitdir;
	size_t len;
	DWORD native;
	int r = read_small(file, &text, &len, &native);

	if (r < 0 && native)
		return win_err_set(err, PADDOCK_STEP_PROTECTED_NAME, native,
				   file, NULL);
	if (r == -EFBIG)
		return error_set(
			err, PADDOCK_STEP_PROTECTED_NAME, EFBIG, file,
			"a .git file too large to be a gitdir pointer");
	if (r < 0)
		return error_set(err, PADDOCK_STEP_PROTECTED_NAME, -r, file,
				 NULL);
	r = win_gitdir_target(text, len, root, &named);
	free(text);
	if (r == -EINVAL)
		return error_set(
			err, PADDOCK_STEP_PROTECTED_NAME, EINVAL, file,
			"a .git file that is not a \"gitdir: PATH\" pointer paddock can read, so the git directory it names cannot be protected");
	if (r < 0)
		return error_set(err, PADDOCK_STEP_PROTECTED_NAME, -r, file,
				 NULL);
	log_msg(policy, PADDOCK_LOG_INFO, "%s: gitdir pointer to %s", file,
		named);
	r = resolve_git_dir(named, &gitdir, err);
	free(named);
	if (r < 0)
		return r;
	log_msg(policy, PADDOCK_LOG_INFO,
		"%s: git directory %s, to be protected like .git", file,
		gitdir);
	r = add_git_dir(res, gitdir, file);
	if (r == 0)
		r = follow_commondir(policy, res, gitdir, file, err);
	return r;
}
