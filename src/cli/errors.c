/* SPDX-License-Identifier: MIT */
/* Library errors turned into one message and, where it helps, a hint. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* mingw-w64's errno.h lacks ESTALE, which only the Linux mount steps
 * return; a value no positive errno takes keeps its test false there. */
#ifndef ESTALE
#define ESTALE (-1)
#endif

static const char *const verbs[] = {
	[PADDOCK_STEP_NONE] = "run",
	[PADDOCK_STEP_POLICY] = "accept the policy",
	[PADDOCK_STEP_PROFILE] = "read the profile",
	[PADDOCK_STEP_WORKSPACE] = "use the workspace",
	[PADDOCK_STEP_WRITABLE_ROOT] = "use the writable root",
	[PADDOCK_STEP_PROTECTED_NAME] = "protect",
	[PADDOCK_STEP_DENY_READ] = "deny reading",
	[PADDOCK_STEP_PLACEHOLDER] = "reserve the protected name",
	[PADDOCK_STEP_USER_NAMESPACE] = "create the sandbox's user namespace",
	[PADDOCK_STEP_ID_MAP] = "write the sandbox's uid and gid maps",
	[PADDOCK_STEP_MOUNT] = "build the sandbox's file-system view at",
	[PADDOCK_STEP_PROC] = "mount a private /proc at",
	[PADDOCK_STEP_LOOPBACK] = "bring up the sandbox's loopback interface",
	[PADDOCK_STEP_NO_NEW_PRIVS] = "set no_new_privs",
	[PADDOCK_STEP_CAPABILITIES] = "drop every capability",
	[PADDOCK_STEP_LANDLOCK] = "apply the Landlock rules",
	[PADDOCK_STEP_SECCOMP] = "install the seccomp filter",
	[PADDOCK_STEP_CHDIR] = "enter the working directory",
	[PADDOCK_STEP_SPAWN] = "start the sandbox",
	[PADDOCK_STEP_SESSION] = "use the session",
	[PADDOCK_STEP_CAPABILITY_SID] = "use the capability SIDs in",
	[PADDOCK_STEP_TOKEN] = "build the restricted token",
	[PADDOCK_STEP_ACL] = "write the sandbox's ACL entries on",
	[PADDOCK_STEP_JOB] = "set up the job object holding the command",
	[PADDOCK_STEP_UNSUPPORTED] = "use",
	[PADDOCK_STEP_SETUP] = "read the elevated mode's setup",
	[PADDOCK_STEP_RUNNER] = "start or reach the command runner",
	[PADDOCK_STEP_PROXY] = "start the network proxy",
};

/* Whether this process already runs under a seccomp filter. */
static bool under_seccomp(void)
{
#ifdef __linux__
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, "Seccomp:\t2", 10) == 0;
	fclose(f);
	return found;
#else
	return false;
#endif
}

/* Why a namespace step failed, as far as the machine tells. */
static void namespace_hint(void)
{
	struct paddock_probe probe;

	paddock_probe(&probe);
	if (probe.userns_sysctl == 0)
		fputs("hint: unprivileged user namespaces are disabled; enable them with 'sysctl -w kernel.unprivileged_userns_clone=1'\n",
		      stderr);
	else if (probe.apparmor_userns == 1)
		fputs("hint: AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later); 'sudo make install' installs paddock with an AppArmor profile that allows them (dist/apparmor), or run 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0'\n",
		      stderr);
	else if (probe.max_user_namespaces == 0)
		fputs("hint: user namespaces are limited to zero; raise the limit with 'sysctl -w user.max_user_namespaces=15000'\n",
		      stderr);
	else if (under_seccomp())
		fputs("hint: this process runs under a seccomp filter that refuses user namespaces (Docker's default profile, or an outer paddock sandbox); run paddock outside it, or start the container with '--security-opt seccomp=unconfined'\n",
		      stderr);
	else
		fputs("hint: a container or security module blocks user namespaces; run paddock on the host\n",
		      stderr);
}

static void print_hint(const struct paddock_error *err, int code)
{
	switch (err->step) {
	case PADDOCK_STEP_USER_NAMESPACE:
	case PADDOCK_STEP_ID_MAP:
		namespace_hint();
		break;
	case PADDOCK_STEP_MOUNT:
		if (code == ESTALE || code == ELOOP)
			fputs("hint: the path changed while the sandbox was being built (a rename, or a symbolic link put in its place); nothing ran, try again\n",
			      stderr);
		else if (code == ENOSYS)
			fputs("hint: paddock needs Linux 5.12 or later (open_tree, move_mount, mount_setattr)\n",
			      stderr);
		else if (code == EPERM || code == EACCES)
			namespace_hint();
		break;
	case PADDOCK_STEP_PROC:
		fputs("hint: /proc is partly hidden here (a container?); the kernel refuses a fresh /proc while any part of the host's is covered\n",
		      stderr);
		break;
	case PADDOCK_STEP_PROTECTED_NAME:
		if (code == ELOOP)
			fputs("hint: replace the symbolic link with what it points to, or run outside this writable root\n",
			      stderr);
		else if (err->message && strstr(err->message, ".git file"))
			fputs("hint: the .git file of a git worktree or submodule names a git directory paddock must protect; repair it ('git worktree repair' after a move) or remove it\n",
			      stderr);
		break;
	case PADDOCK_STEP_LANDLOCK:
		if (code == EOPNOTSUPP && err->message &&
		    strstr(err->message, "deny-read"))
			fputs("hint: drop --deny-read, or run where user namespaces are available (--isolation=namespaces)\n",
			      stderr);
		else if (code == EOPNOTSUPP)
			fputs("hint: the namespace-free mode needs Linux 6.12 or later; where user namespaces are available use --isolation=namespaces ('paddock check' tells)\n",
			      stderr);
		break;
	case PADDOCK_STEP_TOKEN:
		if (code == EPERM)
			fputs("hint: this system ignores the restrictions asked of CreateRestrictedToken (Wine does), so paddock refuses to run; 'paddock check' tells; --sandbox full-access runs without confinement\n",
			      stderr);
		break;
	case PADDOCK_STEP_SPAWN:
	case PADDOCK_STEP_CHDIR:
		if (err->message &&
		    strstr(err->message, "restricted token may not"))
			fputs("hint: the sandbox's token is a limited one, in which the Administrators group only denies; grant your own user read and execute there (icacls PATH /grant \"%USERNAME%\":RX), or use --sandbox full-access\n",
			      stderr);
		else if (err->message &&
			 strstr(err->message, "user may not enter"))
			fputs("hint: choose a working directory you can enter with -C\n",
			      stderr);
		break;
	case PADDOCK_STEP_SETUP:
		if (err->message && strstr(err->message, "full access"))
			fputs("hint: drop --windows-mode=elevated, or choose --sandbox workspace-write or read-only\n",
			      stderr);
		else
			fputs("hint: run paddock setup (it asks for administrator rights once), or choose --windows-mode=unelevated\n",
			      stderr);
		break;
	case PADDOCK_STEP_RUNNER:
		if (err->native == 1385) /* ERROR_LOGON_TYPE_NOT_GRANTED */
			fputs("hint: a policy took the sandbox users' right to log on locally; an administrator can give it back (secpol.msc, User Rights Assignment, \"Allow log on locally\"), or choose --windows-mode=unelevated\n",
			      stderr);
		else if (err->native == 5 && err->message && /* ACCESS_DENIED */
			 strstr(err->message, "cannot read paddock-runner.exe"))
			fprintf(stderr,
				"hint: paddock grants the sandbox group read and execute on it, and traverse on the directories above it, only where you own them; grant the rest yourself (icacls \"%s\" /grant paddock-sandbox:RX, and /grant paddock-sandbox:(X) on each directory above it), or put paddock where Users may read, such as under C:\\Program Files\n",
				err->operand);
		break;
	case PADDOCK_STEP_PLACEHOLDER:
		if (code == EBUSY)
			fputs("hint: another process holds a lock on this directory; retry when it is done\n",
			      stderr);
		break;
	default:
		break;
	}
}

void cli_report_error(const struct paddock_error *err, int code)
{
	char reason[512];

	code = code < 0 ? -code : code;
	if (!code)
		code = err->code;
	/* On Windows the errno is a translation: the native code is what a
	 * user can look up. */
	if (err->native)
		snprintf(reason, sizeof(reason), "%s (Windows error %lu)",
			 err->message ? err->message : strerror(code),
			 err->native);
	else
		snprintf(reason, sizeof(reason), "%s",
			 err->message ? err->message : strerror(code));
	if (err->step == PADDOCK_STEP_PROFILE && err->line) {
		cli_say("%s:%u: %s", err->operand, err->line, reason);
		return;
	}
	if ((size_t)err->step >= sizeof(verbs) / sizeof(verbs[0]) ||
	    !verbs[err->step]) {
		cli_say("failed: %s", reason);
		return;
	}
	if (err->operand[0])
		cli_say("failed to %s \"%s\": %s", verbs[err->step],
			err->operand, reason);
	else
		cli_say("failed to %s: %s", verbs[err->step], reason);
	print_hint(err, code);
}
