/* SPDX-License-Identifier: MIT */
/*
 * The git directories a ".git" pointer file names (git worktrees and
 * submodules): the text is parsed by the core's parser, which the Linux
 * backend uses too, and the path is made canonical here, the Windows way.
 *
 * Trust boundary: the text comes from a file at the top of a writable
 * root. The file is a protected name, so a command of an earlier run
 * could not have written it; it is the user's (or git's). Still, nothing
 * in it is trusted beyond being a path: the Win32 layer resolves the
 * result to a final path, refuses a target that is not a directory, and
 * the ACL plan refuses a target that is a volume root or holds a writable
 * root. What it can cost is deny entries on a directory the user's own
 * git configuration points at.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/gitfile.h"
#include "windows/logic.h"

static int canonical_from(char *path, const char *base, char **ret)
{
	int r;

	if (!base || !base[0]) {
		free(path);
		return -EINVAL;
	}
	r = win_path_canonical(path, base, ret);
	free(path);
	return r;
}

int win_gitdir_target(const char *text, size_t len, const char *dir, char **ret)
{
	char *path;
	int r = gitfile_parse_pointer(text, len, &path);

	if (r < 0)
		return r;
	return canonical_from(path, dir, ret);
}

int win_gitdir_commondir(const char *text, size_t len, const char *gitdir,
			 char **ret)
{
	char *path;
	int r = gitfile_parse_commondir(text, len, &path);

	if (r < 0)
		return r;
	return canonical_from(path, gitdir, ret);
}
