/* SPDX-License-Identifier: MIT */
/* paddock run: options to a policy, then spawn, forward signals, wait. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_log_to_stderr(enum paddock_log_level level, const char *message,
		       void *userdata)
{
	static const char *const prefixes[] = { "error: ", "warning: ", "",
						"debug: " };

	(void)userdata;
	cli_say("%s%s", prefixes[level], message);
}

int cli_exit_code(const struct paddock_result *res, unsigned long timeout)
{
	switch (res->outcome) {
	case PADDOCK_EXITED:
		return res->status;
	case PADDOCK_SIGNALED:
		return 128 + res->status;
	case PADDOCK_TIMED_OUT:
		if (timeout)
			cli_say("timed out after %.3g s; killed the command and all its processes",
				(double)timeout / 1000.0);
		else
			cli_say("timed out; killed the command and all its processes");
		return EXIT_TIMED_OUT;
	case PADDOCK_EXEC_FAILED:
		cli_say("cannot execute '%s': %s", res->error.operand,
			strerror(res->status));
		return res->status == ENOENT ? EXIT_NOT_FOUND
					     : EXIT_CANNOT_EXECUTE;
	case PADDOCK_FAILED:
		break;
	}
	cli_report_error(&res->error, -res->error.code);
	return EXIT_PADDOCK_FAILED;
}

static int run_policy(paddock_policy *policy, const char *session, char **cmd,
		      unsigned long timeout)
{
	struct paddock_error err = { 0 };
	struct paddock_result res;
	paddock_child *child;
	int r;

	if (session)
		r = paddock_session_run(session, (const char *const *)cmd,
					timeout, &child, &err);
	else
		r = paddock_spawn(policy, (const char *const *)cmd, &child,
				  &err);
	if (r < 0) {
		cli_report_error(&err, r);
		return EXIT_PADDOCK_FAILED;
	}
	cli_forward_signals(child, session != NULL);
	r = paddock_child_wait(child, &res);
	cli_forward_signals(NULL, false);
	if (r < 0) {
		cli_say("failed to wait for the command: %s", strerror(-r));
		return EXIT_PADDOCK_FAILED;
	}
	return cli_exit_code(&res, timeout);
}

int cli_policy_from_options(int argc, char **argv, struct cli_run_options *opts,
			    paddock_policy **ret_policy)
{
	static const enum paddock_log_level levels[] = { PADDOCK_LOG_WARNING,
							 PADDOCK_LOG_INFO,
							 PADDOCK_LOG_DEBUG };
	paddock_policy *policy;
	int first;

	if (paddock_policy_new(&policy) < 0) {
		cli_say("out of memory");
		return -1;
	}
	first = cli_parse_run_options(policy, argc, argv, opts);
	if (first <= 0) {
		paddock_policy_free(policy);
		return first;
	}
	paddock_policy_set_log(
		policy, levels[opts->verbosity > 2 ? 2 : opts->verbosity],
		cli_log_to_stderr, NULL);
	*ret_policy = policy;
	return first;
}

int cli_run(int argc, char **argv)
{
	struct cli_run_options opts = { 0 };
	unsigned long timeout = 0;
	paddock_policy *policy;
	int first = cli_policy_from_options(argc, argv, &opts, &policy);
	int code;

	if (first <= 0)
		return first < 0 ? EXIT_PADDOCK_FAILED : 0;
	paddock_policy_get_timeout_ms(policy, &timeout);
	code = run_policy(policy, opts.session, argv + first, timeout);
	paddock_policy_free(policy);
	return code;
}
