/* SPDX-License-Identifier: MIT */
/*
 * What an agent harness does: run many short commands from one process.
 * bench/run times this program under hyperfine, so that a sandboxed run
 * through the C API is compared with plain fork and exec of the same
 * command, in the same session:
 *
 *   harness bare N      fork, exec /bin/true, wait; N times
 *   harness cold N      paddock_spawn, paddock_child_wait; N times
 *   harness session N   one paddock_session_open, then N paddock_session_spawn
 *
 * The policy is paddock's default for the current directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paddock.h"

static const char *const command[] = { "/bin/true", NULL };

static int check(const struct paddock_result *res)
{
	if (res->outcome == PADDOCK_EXITED && res->status == 0)
		return 0;
	fprintf(stderr, "harness: the command failed (outcome %d, status %d)\n",
		res->outcome, res->status);
	return 1;
}

static int run_bare(long n)
{
	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			execv(command[0], (char *const *)command);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || status != 0)
			return 1;
	}
	return 0;
}

static int run_cold(paddock_policy *policy, long n)
{
	for (long i = 0; i < n; i++) {
		struct paddock_error err;
		struct paddock_result res;
		paddock_child *child;

		if (paddock_spawn(policy, command, &child, &err) < 0) {
			fprintf(stderr, "harness: spawn failed at %s\n",
				paddock_step_name(err.step));
			return 1;
		}
		if (paddock_child_wait(child, &res) < 0 || check(&res))
			return 1;
	}
	return 0;
}

static int run_session(paddock_policy *policy, long n)
{
	struct paddock_error err;
	paddock_session *session;
	int r = 0;

	if (paddock_session_open(policy, NULL, &session, &err) < 0) {
		fprintf(stderr, "harness: session failed at %s\n",
			paddock_step_name(err.step));
		return 1;
	}
	for (long i = 0; r == 0 && i < n; i++) {
		struct paddock_result res;
		paddock_child *child;

		if (paddock_session_spawn(session, command, 0, &child, &err) <
		    0) {
			fprintf(stderr, "harness: spawn failed at %s\n",
				paddock_step_name(err.step));
			r = 1;
		} else if (paddock_child_wait(child, &res) < 0 || check(&res)) {
			r = 1;
		}
	}
	paddock_session_close(session);
	return r;
}

int main(int argc, char **argv)
{
	paddock_policy *policy;
	long n = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	int r;

	if (n <= 0) {
		fputs("usage: harness bare|cold|session N\n", stderr);
		return 2;
	}
	if (strcmp(argv[1], "bare") == 0)
		return run_bare(n);
	if (paddock_policy_new(&policy) < 0)
		return 1;
	if (strcmp(argv[1], "cold") == 0)
		r = run_cold(policy, n);
	else if (strcmp(argv[1], "session") == 0)
		r = run_session(policy, n);
	else
		r = 2;
	paddock_policy_free(policy);
	return r;
}
