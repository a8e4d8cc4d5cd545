/* SPDX-License-Identifier: MIT */
/*
 * The sandbox of one run in the unelevated mode: what is prepared before
 * the command starts (the capability SIDs, the ACL entries, the
 * placeholders, the restricted token, the stub directory) and undone after
 * it (the placeholders).
 */
#ifndef PADDOCK_WINDOWS_SANDBOX_H
#define PADDOCK_WINDOWS_SANDBOX_H

#include "windows/win32.h"

struct win_sandbox {
	char *home; /* paddock's per-user directory */
	char *stub_dir; /* the ssh/scp stubs; NULL with the network on */
	HANDLE token; /* the restricted token; NULL in full-access mode */
	HANDLE *placeholders; /* open, without FILE_SHARE_DELETE */
	char **placeholder_paths;
	size_t n_placeholders;
};

/* Prepare the sandbox for the resolved policy. */
int win_sandbox_prepare(const struct paddock_policy *policy,
			const struct win_resolved *res,
			struct win_sandbox **ret, struct paddock_error *err);
/* Remove the placeholders still empty, close the token, free. NULL is
 * accepted. */
void win_sandbox_finish(const struct paddock_policy *policy,
			struct win_sandbox *sb);

#endif
