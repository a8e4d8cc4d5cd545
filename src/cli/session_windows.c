/* SPDX-License-Identifier: MIT */
/*
 * paddock session on Windows: the options are parsed as on Linux, so that
 * a mistake in them is reported as such, then the library says that warm
 * sessions are not supported there yet.
 */
#include <string.h>

#include "cli.h"

int cli_session(int argc, char **argv)
{
	struct cli_run_options opts = { .for_session = true };
	struct paddock_error err = { 0 };
	paddock_session *session;
	paddock_policy *policy;
	int first, r;

	if (argc > 1 && strcmp(argv[1], "--stop") == 0) {
		r = paddock_session_stop(argc > 2 ? argv[2] : "", &err);
		cli_report_error(&err, r);
		return EXIT_PADDOCK_FAILED;
	}
	first = cli_policy_from_options(argc, argv, &opts, &policy);
	if (first <= 0)
		return first < 0 ? EXIT_PADDOCK_FAILED : 0;
	r = paddock_session_open(policy, argv[first], &session, &err);
	paddock_policy_free(policy);
	if (r == 0) {
		paddock_session_close(session);
		return 0;
	}
	cli_report_error(&err, r);
	fputs("hint: run each command with 'paddock run'\n", stderr);
	return EXIT_PADDOCK_FAILED;
}
