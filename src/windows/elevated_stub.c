/* SPDX-License-Identifier: MIT */
/* elevated.h before the setup half exists: never set up. */
#include <errno.h>
#include <string.h>

#include "windows/elevated.h"

int win_setup_load(struct win_setup_info *info, struct paddock_error *err)
{
	memset(info, 0, sizeof(*info));
	return win_err_set(err, PADDOCK_STEP_SETUP, ERROR_FILE_NOT_FOUND, NULL,
			   "the elevated mode is not set up");
}

int win_logon_load(enum win_account which, bool refresh, struct win_logon *out,
		   struct paddock_error *err)
{
	(void)which;
	(void)refresh;
	memset(out, 0, sizeof(*out));
	return win_err_set(err, PADDOCK_STEP_SETUP, ERROR_FILE_NOT_FOUND, NULL,
			   "the elevated mode is not set up");
}

void win_logon_clear(struct win_logon *logon)
{
	SecureZeroMemory(logon, sizeof(*logon));
}
