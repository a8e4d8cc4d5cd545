/* SPDX-License-Identifier: MIT */
/* The sandbox of one run; see sandbox.h. */
#include <errno.h>
#include <stdlib.h>

#include "windows/sandbox.h"

int win_sandbox_prepare(const struct paddock_policy *policy,
			const struct win_resolved *res,
			struct win_sandbox **ret, struct paddock_error *err)
{
	struct win_sandbox *sb;
	int r;

	(void)res;
	if (policy->mode != PADDOCK_MODE_FULL_ACCESS)
		return error_set(
			err, PADDOCK_STEP_UNSUPPORTED, EOPNOTSUPP,
			"the restricted token",
			"the Windows build does not confine writes yet; only --sandbox full-access runs");
	sb = calloc(1, sizeof(*sb));
	if (!sb)
		return -ENOMEM;
	r = win_home_dir(&sb->home, err);
	if (r == 0 && policy->network == PADDOCK_NETWORK_OFF)
		r = win_home_stubs(sb->home, &sb->stub_dir, err);
	if (r < 0) {
		win_sandbox_finish(policy, sb);
		return r;
	}
	*ret = sb;
	return 0;
}

void win_sandbox_finish(const struct paddock_policy *policy,
			struct win_sandbox *sb)
{
	(void)policy;
	if (!sb)
		return;
	if (sb->token)
		CloseHandle(sb->token);
	free(sb->stub_dir);
	free(sb->home);
	free(sb);
}
