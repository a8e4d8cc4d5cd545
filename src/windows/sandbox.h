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

struct win_setup_info;

struct win_sandbox {
	const struct win_setup_info *setup; /* elevated mode; else NULL */
	char *group_sid; /* the sandbox group's, UTF-8, elevated mode */
	char *caps[2]; /* the capability SIDs, for the runner's request */
	size_t n_caps;
	char *home; /* paddock's per-user directory */
	char *stub_dir; /* the ssh/scp stubs; NULL with the network on */
	HANDLE token; /* the restricted token; NULL in full-access mode */
	HANDLE *placeholders; /* open, without FILE_SHARE_DELETE */
	char **placeholder_paths;
	size_t n_placeholders;
};

/* Prepare the sandbox for the resolved policy; setup (NULL: the
 * unelevated mode) selects the elevated mode, whose token the runner
 * builds, and whose sandbox group gets the roots' grants too. */
int win_sandbox_prepare(const struct paddock_policy *policy,
			const struct win_resolved *res,
			const struct win_setup_info *setup,
			struct win_sandbox **ret, struct paddock_error *err);
/* Remove the placeholders still empty, close the token, free. NULL is
 * accepted. */
void win_sandbox_finish(const struct paddock_policy *policy,
			struct win_sandbox *sb);

/* --- the elevated mode's run path (elevated.c) ----------------------- */

struct win_elevated;

/* Whether this run uses the elevated mode (*info filled), said at -v;
 * an error when it was forced and cannot be used (125, with a hint). */
int win_elevated_choose(const struct paddock_policy *policy,
			struct win_setup_info *info, bool *ret_elevated,
			struct paddock_error *err);
/* Read and traverse for the sandbox group on the working directory and
 * the directories above it that the user owns; said at -v when the
 * background read grants were not done yet. Failures are warnings. */
void win_elevated_grant_cwd(const struct paddock_policy *policy,
			    const struct win_setup_info *info,
			    const char *group_sid, const char *cwd);
/* Start the prepared command through the runner, as the sandbox user;
 * returns once the runner reported the command started (READY) or a
 * failure that ends the run. */
int win_elevated_start(const struct paddock_policy *policy,
		       const struct win_setup_info *info,
		       const struct win_launch *l, const char *const *caps,
		       size_t n_caps, struct win_elevated **ret,
		       struct paddock_error *err);
/* Relay until the end and fill ret. */
int win_elevated_wait(struct win_elevated *el, struct paddock_result *ret);
/* Close the channel, end a runner still there, free; NULL accepted. */
void win_elevated_free(struct win_elevated *el);
/* Ask the runner to end the tree; sig is reported as the outcome. */
int win_elevated_signal(struct win_elevated *el, int sig);

#endif
