/* SPDX-License-Identifier: MIT */
/*
 * The C API of warm sessions without a socket (paddock_session_spawn over
 * the owner's channel), driven by tests/integration/session.bats:
 *
 *   session_api WORKSPACE OUTSIDE
 *
 * In one session: a write in the workspace succeeds and lands on disk; a
 * write to OUTSIDE fails and leaves nothing; a timeout ends a command as
 * PADDOCK_TIMED_OUT; two commands run at once; closing the session ends a
 * running command. Prints one line per check and exits 0 when all hold.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "paddock.h"

static int failures;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		failures++;
}

static int run(paddock_session *s, const char *const *argv,
	       unsigned long timeout_ms, struct paddock_result *ret)
{
	struct paddock_error err = { 0 };
	paddock_child *child;
	int r = paddock_session_spawn(s, argv, timeout_ms, &child, &err);

	if (r < 0) {
		printf("spawn failed at %s: %s\n", paddock_step_name(err.step),
		       strerror(err.code));
		return r;
	}
	return paddock_child_wait(child, ret);
}

static int exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static void check_writes(paddock_session *s, const char *outside)
{
	const char *inside[] = { "sh", "-c", "echo in > api-inside.txt", NULL };
	char script[4200];
	const char *escape[] = { "sh", "-c", script, NULL };
	struct paddock_result res;

	expect(run(s, inside, 0, &res) == 0 && res.outcome == PADDOCK_EXITED &&
		       res.status == 0,
	       "a write in the workspace succeeds");
	expect(exists(".", "api-inside.txt"), "and is on disk");

	snprintf(script, sizeof(script), "echo x > '%s/api-escape.txt'",
		 outside);
	expect(run(s, escape, 0, &res) == 0 && res.outcome == PADDOCK_EXITED &&
		       res.status != 0,
	       "a write outside fails");
	expect(!exists(outside, "api-escape.txt"), "and leaves nothing");
}

static void check_timeout_and_concurrency(paddock_session *s)
{
	const char *sleeper[] = { "sleep", "5", NULL };
	const char *quick[] = { "true", NULL };
	struct paddock_error err = { 0 };
	struct paddock_result res, res2;
	paddock_child *a = NULL, *b = NULL;

	expect(run(s, sleeper, 200, &res) == 0 &&
		       res.outcome == PADDOCK_TIMED_OUT,
	       "a timeout ends the command as timed out");

	if (paddock_session_spawn(s, sleeper, 300, &a, &err) < 0 ||
	    paddock_session_spawn(s, quick, 0, &b, &err) < 0) {
		expect(0, "two commands start at once");
		if (a)
			paddock_child_wait(a, &res);
		return;
	}
	expect(1, "two commands start at once");
	expect(paddock_child_wait(b, &res2) == 0 &&
		       res2.outcome == PADDOCK_EXITED && res2.status == 0,
	       "the second ends first, on its own");
	expect(paddock_child_wait(a, &res) == 0 &&
		       res.outcome == PADDOCK_TIMED_OUT,
	       "the first ends by its timeout");
}

static void check_close_ends_commands(paddock_session *s)
{
	const char *sleeper[] = { "sleep", "30", NULL };
	struct paddock_error err = { 0 };
	struct paddock_result res;
	struct timespec t0, t1;
	paddock_child *child;

	expect(paddock_session_spawn(s, sleeper, 0, &child, &err) == 0,
	       "a long command starts");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	paddock_session_close(s);
	expect(paddock_child_wait(child, &res) == 0 &&
		       res.outcome == PADDOCK_FAILED &&
		       res.error.step == PADDOCK_STEP_SESSION,
	       "closing the session ends it, reported as the session's end");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	expect(t1.tv_sec - t0.tv_sec < 5, "at once");
}

int main(int argc, char **argv)
{
	struct paddock_error err = { 0 };
	paddock_policy *policy;
	paddock_session *s;

	if (argc != 3 || chdir(argv[1]) < 0) {
		fputs("usage: session_api WORKSPACE OUTSIDE\n", stderr);
		return 2;
	}
	if (paddock_policy_new(&policy) < 0 ||
	    paddock_session_open(policy, NULL, &s, &err) < 0) {
		printf("FAILED: open: %s: %s\n", paddock_step_name(err.step),
		       strerror(err.code));
		return 1;
	}
	paddock_policy_free(policy);
	check_writes(s, argv[2]);
	check_timeout_and_concurrency(s);
	check_close_ends_commands(s);
	return failures ? 1 : 0;
}
