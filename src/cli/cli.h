/* SPDX-License-Identifier: MIT */
#ifndef PADDOCK_CLI_H
#define PADDOCK_CLI_H

#include <stdbool.h>

#include "paddock.h"

/* With __USE_MINGW_ANSI_STDIO, mingw-w64's printf is GNU's (%zu, %llu),
 * which the format check must be told. */
#ifdef __MINGW32__
#define CLI_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#else
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#endif

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

struct cli_run_options {
	bool for_session; /* in: parsing `paddock session` (one operand, the
			   * socket), not `paddock run` (a command) */
	int verbosity; /* out: the number of -v */
	const char *session; /* out: --session SOCKET, or NULL */
};

/* Apply the options of `paddock run` or `paddock session` (argv[0] is the
 * subcommand) to the policy. Returns the index of the command (or socket)
 * in argv; 0 when --help was printed; -1 after saying what was wrong. */
int cli_parse_run_options(paddock_policy *policy, int argc, char **argv,
			  struct cli_run_options *opts);
int cli_session(int argc, char **argv);
/* A new policy from the options of `paddock run` or `paddock session`,
 * with the log at the verbosity asked: returns the index of the command
 * (or socket) and sets *ret_policy; 0 after --help and -1 after saying
 * what was wrong, with no policy. */
int cli_policy_from_options(int argc, char **argv, struct cli_run_options *opts,
			    paddock_policy **ret_policy);
/* The log callback of the CLI: "paddock: " and the message on stderr. */
void cli_log_to_stderr(enum paddock_log_level level, const char *message,
		       void *userdata);
/* The exit status for a command's result, after saying why when paddock
 * or the command's start failed; timeout_ms 0 when unknown. */
int cli_exit_code(const struct paddock_result *res, unsigned long timeout_ms);
int cli_check(int argc, char **argv);
/* paddock setup and paddock uninstall (argv[0] says which); Windows only
 * (setup_windows.c). */
int cli_setup(int argc, char **argv);

/* Pass the signals (Windows: the console's Ctrl-C and Ctrl-Break) paddock
 * receives to child until called again with NULL; in_session: the child
 * runs in a warm session, outside paddock's terminal process group. One
 * implementation per platform (signals.c, windows.c). */
void cli_forward_signals(paddock_child *child, bool in_session);

#ifdef _WIN32
/* Replace argc and argv with the UTF-8 form of the process's Unicode
 * command line (CommandLineToArgvW); they live until paddock exits. */
int cli_utf8_args(int *argc, char ***argv);
#endif

/* Open FILE for --proxy-report (created or truncated, mode 0600) and give
 * it to the policy; 0, or -errno after saying why. It stays open until
 * paddock exits. */
int cli_open_report(paddock_policy *policy, const char *path);

/* Print "paddock: " and the formatted message on stderr. */
void cli_say(const char *fmt, ...) CLI_PRINTF(1, 2);

/* Report a library error in one message, with a hint when the user can fix
 * the cause. */
void cli_report_error(const struct paddock_error *err, int code);

#endif
