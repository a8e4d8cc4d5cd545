/* SPDX-License-Identifier: MIT */
/*
 * Whose failure a refused launch is. CreateProcessAsUserW answering
 * ERROR_ACCESS_DENIED says only that some access was refused; under the
 * restricted token that may be paddock's own doing, and a failure of
 * paddock must never look like the command's (126). So launch.c checks,
 * for the caller's own token and for the restricted token, whether the
 * program may be executed (FILE_EXECUTE | FILE_READ_DATA, what mapping an
 * image needs) and whether the working directory may be entered
 * (FILE_TRAVERSE, what a process opens its current directory with), and
 * this function decides:
 *
 * 1. The user himself cannot execute the program: the command's failure,
 *    126, as it would be without paddock. It comes first because no
 *    change of paddock's could make the command run.
 * 2. The user can, the restricted token cannot: paddock's failure, 125.
 *    A write-restricted token checks reads and execution as the user, so
 *    this comes from the other flags of the token: LUA_TOKEN makes the
 *    Administrators group deny-only, so a program only administrators
 *    may run, run by an administrator, is refused inside.
 * 3. The user cannot enter the working directory (the workspace paddock
 *    chose from its options): 125.
 * 4. Only the restricted token cannot enter it: 125, as in 2.
 * 5. The launch was refused and no check explains it (a check that could
 *    not be made, or a cause outside these two objects): 125, since it
 *    cannot be shown to be the command's. Checked before the launch,
 *    nothing denied means go ahead.
 */
#include "windows/logic.h"

enum win_exec_verdict win_exec_classify(const struct win_exec_checks *c,
					bool launch_denied)
{
	if (c->program_user == WIN_EXEC_DENIED)
		return WIN_EXEC_NOT_EXECUTABLE;
	if (c->program_sandbox == WIN_EXEC_DENIED)
		return WIN_EXEC_SANDBOX_PROGRAM;
	if (c->cwd_user == WIN_EXEC_DENIED)
		return WIN_EXEC_USER_CWD;
	if (c->cwd_sandbox == WIN_EXEC_DENIED)
		return WIN_EXEC_SANDBOX_CWD;
	return launch_denied ? WIN_EXEC_UNEXPLAINED : WIN_EXEC_OK;
}
