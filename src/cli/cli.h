/* SPDX-License-Identifier: MIT */
#ifndef PADDOCK_CLI_H
#define PADDOCK_CLI_H

#include "paddock.h"

/* Exit codes of paddock itself, after env(1) and timeout(1). */
enum {
	EXIT_TIMED_OUT = 124,
	EXIT_PADDOCK_FAILED = 125,
	EXIT_CANNOT_EXECUTE = 126,
	EXIT_NOT_FOUND = 127,
};

#include <stdio.h>

void cli_usage(FILE *out);
int cli_run(int argc, char **argv);

/* Apply the options of `paddock run` (argv[0] is "run") to the policy.
 * Returns the index of the command in argv; 0 when --help was printed;
 * -1 after saying what was wrong. */
int cli_parse_run_options(paddock_policy *policy, int argc, char **argv,
			  int *verbosity);
int cli_check(int argc, char **argv);

/* Print "paddock: " and the formatted message on stderr. */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a library error in one message, with a hint when the user can fix
 * the cause. */
void cli_report_error(const struct paddock_error *err, int code);

#endif
