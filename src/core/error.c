/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const step_names[] = {
	[PADDOCK_STEP_NONE] = "none",
	[PADDOCK_STEP_POLICY] = "policy",
	[PADDOCK_STEP_PROFILE] = "profile",
	[PADDOCK_STEP_WORKSPACE] = "workspace",
	[PADDOCK_STEP_WRITABLE_ROOT] = "writable root",
	[PADDOCK_STEP_PROTECTED_NAME] = "protected name",
	[PADDOCK_STEP_DENY_READ] = "deny-read path",
	[PADDOCK_STEP_PLACEHOLDER] = "protected-name placeholder",
	[PADDOCK_STEP_USER_NAMESPACE] = "user namespace",
	[PADDOCK_STEP_ID_MAP] = "uid/gid map",
	[PADDOCK_STEP_MOUNT] = "mount",
	[PADDOCK_STEP_PROC] = "/proc mount",
	[PADDOCK_STEP_LOOPBACK] = "loopback",
	[PADDOCK_STEP_NO_NEW_PRIVS] = "no_new_privs",
	[PADDOCK_STEP_CAPABILITIES] = "capabilities",
	[PADDOCK_STEP_LANDLOCK] = "Landlock",
	[PADDOCK_STEP_SECCOMP] = "seccomp",
	[PADDOCK_STEP_CHDIR] = "working directory",
	[PADDOCK_STEP_SPAWN] = "spawn",
	[PADDOCK_STEP_SESSION] = "session",
	[PADDOCK_STEP_CAPABILITY_SID] = "capability SID",
	[PADDOCK_STEP_TOKEN] = "restricted token",
	[PADDOCK_STEP_ACL] = "ACL",
	[PADDOCK_STEP_JOB] = "job object",
	[PADDOCK_STEP_UNSUPPORTED] = "unsupported",
	[PADDOCK_STEP_SETUP] = "setup",
	[PADDOCK_STEP_RUNNER] = "runner",
	[PADDOCK_STEP_PROXY] = "proxy",
};

const char *paddock_step_name(enum paddock_step step)
{
	if ((size_t)step >= sizeof(step_names) / sizeof(step_names[0]) ||
	    !step_names[step])
		return "unknown";
	return step_names[step];
}

int error_set(struct paddock_error *err, enum paddock_step step, int code,
	      const char *operand, const char *message)
{
	if (err) {
		err->step = step;
		err->code = code;
		err->line = 0;
		err->message = message;
		err->native = 0;
		snprintf(err->operand, sizeof(err->operand), "%s",
			 operand ? operand : "");
	}
	return -code;
}

void log_msg(const struct paddock_policy *policy, enum paddock_log_level level,
	     const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!policy->log_fn || level > policy->log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	policy->log_fn(level, buf, policy->log_userdata);
}
