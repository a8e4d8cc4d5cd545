/* SPDX-License-Identifier: MIT */
/*
 * Pathname Unix sockets of the host. A read-only mount does not stop
 * connect(), and some of these sockets grant full control of the machine
 * (the container engine's) or act for the user (ssh and gpg agents, the
 * session bus). In full isolation each socket bound on the host when the
 * run starts is covered with an empty file of mode 000, so that connect()
 * fails; the ones the user names with --allow-unix-socket stay reachable.
 *
 * /proc/net/unix is read here, in paddock's own process, before the
 * sandbox exists: it is the kernel's list, not the command's, and the
 * paths in it are only ever used as mount targets, never opened.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "linux.h"

/* The path of one /proc/net/unix line: what follows the seventh field. */
static const char *socket_path(char *line)
{
	char *p = line;

	for (int field = 0; field < 7; field++) {
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
	}
	while (*p == ' ')
		p++;
	p[strcspn(p, "\n")] = '\0';
	return p;
}

static bool socket_allowed(const struct plan *plan, const char *path)
{
	for (size_t i = 0; i < plan->n_deny; i++) {
		if (path_is_under(path, plan->deny[i].path))
			return true; /* already hidden */
	}
	return strv_contains(&plan->allowed_sockets, path);
}

int sockets_collect(const struct plan *plan, struct strv *ret)
{
	FILE *f = fopen("/proc/net/unix", "re");
	char line[PATH_MAX + 128];
	int r = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		const char *path = socket_path(line);
		struct stat st;

		/* Abstract sockets ("@...") are the network namespace's and
		 * Landlock's business; relative names cannot be resolved. */
		if (path[0] != '/' || socket_allowed(plan, path) ||
		    strv_contains(ret, path))
			continue;
		if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		r = strv_push(ret, path);
	}
	fclose(f);
	return r;
}
