/* SPDX-License-Identifier: MIT */
/*
 * Finding the program of a command, as cmd.exe would, from the command's
 * own PATH and PATHEXT (those of the sandbox's environment, so that the
 * ssh and scp stubs of a network-off run come first).
 *
 * A name with a directory part ("bin\tool", "C:\x\y.exe", "./run") is
 * taken as it is; a bare name is looked up in each PATH directory in
 * order. In each place the name itself is tried first when it already has
 * an extension, then the name with each PATHEXT extension in order.
 *
 * Unlike cmd.exe and CreateProcessW, the current directory is not
 * searched: it is the workspace, which the command itself may write, and a
 * "git.exe" planted there must not replace the real one in the next run.
 * Windows offers the same choice (NoDefaultCurrentDirectoryInExePath).
 * The caller resolves the program once, before the command starts, and
 * hands CreateProcessW the full path, so the system's own search (which
 * tries the directory of paddock.exe and the system directories first)
 * never runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/logic.h"

#define DEFAULT_PATHEXT ".COM;.EXE;.BAT;.CMD"

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ends_with_folded(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (m > n)
		return false;
	for (size_t i = 0; i < m; i++) {
		if (fold(s[n - m + i]) != fold(suffix[i]))
			return false;
	}
	return true;
}

bool win_program_has_dir(const char *name)
{
	return strpbrk(name, "\\/:") != NULL;
}

/* Whether the last component of name has an extension. */
static bool has_extension(const char *name)
{
	const char *base = name;

	for (const char *p = name; *p; p++) {
		if (*p == '\\' || *p == '/' || *p == ':')
			base = p + 1;
	}
	return strrchr(base, '.') > base;
}

bool win_program_is_batch(const char *path)
{
	return ends_with_folded(path, ".bat") || ends_with_folded(path, ".cmd");
}

struct list {
	char **items;
	size_t len, cap;
};

static int push(struct list *l, const char *dir, size_t dir_len,
		const char *name, const char *ext, size_t ext_len)
{
	bool sep =
		dir_len && dir[dir_len - 1] != '\\' && dir[dir_len - 1] != '/';
	size_t len = dir_len + sep + strlen(name) + ext_len;
	char *s;

	if (len >= WIN_PATH_MAX)
		return 0; /* cannot exist: skipped, not an error */
	if (l->len + 2 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **items = realloc(l->items, cap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	s = malloc(len + 1);
	if (!s)
		return -ENOMEM;
	snprintf(s, len + 1, "%.*s%s%s%.*s", (int)dir_len, dir, sep ? "\\" : "",
		 name, (int)ext_len, ext);
	l->items[l->len++] = s;
	l->items[l->len] = NULL;
	return 0;
}

/* The candidates in one place: the name, then each extension. */
static int push_place(struct list *l, const char *dir, size_t dir_len,
		      const char *name, const char *pathext)
{
	int r = 0;

	if (has_extension(name))
		r = push(l, dir, dir_len, name, "", 0);
	while (r == 0 && *pathext) {
		size_t n = strcspn(pathext, ";");

		if (n && pathext[0] == '.')
			r = push(l, dir, dir_len, name, pathext, n);
		pathext += n + (pathext[n] == ';');
	}
	return r;
}

/* One PATH entry, its surrounding quotes removed ("C:\Program Files\x"
 * is commonly written with them). */
static void path_entry(const char *s, size_t n, const char **ret, size_t *ret_n)
{
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	*ret = s;
	*ret_n = n;
}

void win_program_free(char **candidates)
{
	if (!candidates)
		return;
	for (size_t i = 0; candidates[i]; i++)
		free(candidates[i]);
	free(candidates);
}

int win_program_candidates(const char *name, const char *path,
			   const char *pathext, char ***ret)
{
	struct list l = { 0 };
	int r = 0;

	if (!*name)
		return -EINVAL;
	if (!pathext || !*pathext)
		pathext = DEFAULT_PATHEXT;
	if (win_program_has_dir(name)) {
		r = push_place(&l, "", 0, name, pathext);
	} else {
		while (r == 0 && path && *path) {
			size_t n = strcspn(path, ";"), dir_len;
			const char *dir;

			path_entry(path, n, &dir, &dir_len);
			if (dir_len)
				r = push_place(&l, dir, dir_len, name, pathext);
			path += n + (path[n] == ';');
		}
	}
	if (r == 0 && !l.len)
		r = -ENOENT;
	if (r < 0) {
		win_program_free(l.items);
		return r;
	}
	*ret = l.items;
	return 0;
}
