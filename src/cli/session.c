/* SPDX-License-Identifier: MIT */
/*
 * paddock session: open a warm session on a socket and keep it until a
 * client stops it (paddock session --stop) or paddock gets SIGINT, SIGTERM
 * or SIGHUP. Commands reach it with paddock run --session SOCKET.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* Block the stop signals, so that they are only delivered inside ppoll
 * and none is lost between a check and the wait. */
static void install_stop_handlers(sigset_t *ret_wait_mask)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(int); i++) {
		sigaction(stop_signals[i], &sa, NULL);
		sigaddset(&block, stop_signals[i]);
	}
	sigprocmask(SIG_BLOCK, &block, ret_wait_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(int); i++)
		sigdelset(ret_wait_mask, stop_signals[i]);
}

static void serve_until_stopped(paddock_session *session)
{
	struct pollfd pfd = { .fd = paddock_session_fd(session),
			      .events = POLLIN };
	sigset_t wait_mask;

	install_stop_handlers(&wait_mask);
	while (!stop_signal) {
		if (ppoll(&pfd, 1, NULL, &wait_mask) > 0)
			break;
	}
}

static int stop_session(int argc, char **argv)
{
	struct paddock_error err = { 0 };
	int r;

	if (argc != 3) {
		cli_say("--stop takes one socket path");
		fputs("hint: paddock session --stop SOCKET\n", stderr);
		return EXIT_PADDOCK_FAILED;
	}
	r = paddock_session_stop(argv[2], &err);
	if (r < 0) {
		cli_report_error(&err, r);
		return EXIT_PADDOCK_FAILED;
	}
	return 0;
}

int cli_session(int argc, char **argv)
{
	struct cli_run_options opts = { .for_session = true };
	struct paddock_error err = { 0 };
	paddock_session *session;
	paddock_policy *policy;
	int first, r;

	if (argc > 1 && strcmp(argv[1], "--stop") == 0)
		return stop_session(argc, argv);
	first = cli_policy_from_options(argc, argv, &opts, &policy);
	if (first <= 0)
		return first < 0 ? EXIT_PADDOCK_FAILED : 0;
	r = paddock_session_open(policy, argv[first], &session, &err);
	paddock_policy_free(policy);
	if (r < 0) {
		cli_report_error(&err, r);
		return EXIT_PADDOCK_FAILED;
	}
	if (opts.verbosity)
		cli_say("session ready on %s", argv[first]);
	serve_until_stopped(session);
	paddock_session_close(session);
	if (opts.verbosity)
		cli_say("session on %s ended", argv[first]);
	return 0;
}
