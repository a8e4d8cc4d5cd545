/* SPDX-License-Identifier: MIT */
/*
 * Warm sessions on Windows: not supported yet. Each entry point fails with
 * one clear error, so that a harness can fall back to paddock_spawn().
 * What a Windows session would need (a runner that keeps the token, the
 * ACL entries and the placeholders between commands, and a named pipe
 * admitting only the same user) is listed in docs/windows.md.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/internal.h"

static int unsupported(struct paddock_error *err)
{
	return error_set(err, PADDOCK_STEP_SESSION, EOPNOTSUPP, NULL,
			 "warm sessions are not supported on Windows yet");
}

int paddock_session_open(const paddock_policy *policy, const char *socket_path,
			 paddock_session **ret, struct paddock_error *err)
{
	(void)policy;
	(void)socket_path;
	(void)ret;
	return unsupported(err);
}

int paddock_session_spawn(paddock_session *session, const char *const *argv,
			  unsigned long timeout_ms, paddock_child **ret,
			  struct paddock_error *err)
{
	(void)session;
	(void)argv;
	(void)timeout_ms;
	(void)ret;
	return unsupported(err);
}

int paddock_session_run(const char *socket_path, const char *const *argv,
			unsigned long timeout_ms, paddock_child **ret,
			struct paddock_error *err)
{
	(void)socket_path;
	(void)argv;
	(void)timeout_ms;
	(void)ret;
	return unsupported(err);
}

int paddock_session_stop(const char *socket_path, struct paddock_error *err)
{
	(void)socket_path;
	return unsupported(err);
}

int paddock_session_wait(paddock_session *session)
{
	(void)session;
	return -EOPNOTSUPP;
}

int paddock_session_fd(const paddock_session *session)
{
	(void)session;
	return -EOPNOTSUPP;
}

void paddock_session_close(paddock_session *session)
{
	(void)session;
}
