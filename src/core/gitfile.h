/* SPDX-License-Identifier: MIT */
/*
 * The text of git's pointer files, shared by every backend: a ".git" file
 * ("gitdir: PATH", what git worktrees and submodules leave in place of the
 * .git directory) and a worktree git directory's "commondir" file (a bare
 * PATH). Pure string work: the caller reads the file, bounds its size, and
 * resolves the path it gets back against the directory git would use.
 */
#ifndef PADDOCK_CORE_GITFILE_H
#define PADDOCK_CORE_GITFILE_H

#include <stddef.h>

/*
 * The PATH of a "gitdir: PATH" file of len bytes, as written (relative or
 * absolute, separators untouched), malloc'ed. A UTF-8 byte order mark is
 * skipped, blanks after the colon and trailing white space (CRLF included)
 * are dropped. -EINVAL for anything else: no "gitdir:" prefix (git spells
 * it in lower case), an empty path, a NUL, a line break or another control
 * character inside the path; -ENOMEM.
 */
int gitfile_parse_pointer(const char *text, size_t len, char **ret);

/* The PATH of a "commondir" file, under the same rules, without the
 * prefix. */
int gitfile_parse_commondir(const char *text, size_t len, char **ret);

#endif
