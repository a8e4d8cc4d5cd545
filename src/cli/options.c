/* SPDX-License-Identifier: MIT */
/*
 * The options of `paddock run`, applied to a policy in command-line order
 * so that a later option overrides a profile loaded before it. Separate
 * from run.c so that the fuzz target can drive it without running
 * anything.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_PROTECT = 256,
	OPT_DENY_READ,
	OPT_NO_TMP,
	OPT_ISOLATION,
	OPT_ALLOW_UNIX_SOCKET,
	OPT_ALLOW_USERNS,
};

static const struct option options[] = {
	{ "cd", required_argument, NULL, 'C' },
	{ "sandbox", required_argument, NULL, 's' },
	{ "write", required_argument, NULL, 'w' },
	{ "protect", required_argument, NULL, OPT_PROTECT },
	{ "deny-read", required_argument, NULL, OPT_DENY_READ },
	{ "network", required_argument, NULL, 'n' },
	{ "no-tmp", no_argument, NULL, OPT_NO_TMP },
	{ "isolation", required_argument, NULL, OPT_ISOLATION },
	{ "allow-unix-socket", required_argument, NULL, OPT_ALLOW_UNIX_SOCKET },
	{ "allow-userns", no_argument, NULL, OPT_ALLOW_USERNS },
	{ "timeout", required_argument, NULL, 't' },
	{ "profile", required_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad_value(const char *option, const char *value, const char *want)
{
	cli_say("invalid value '%s' for %s: %s", value, option, want);
	return -EINVAL;
}

/* Apply one option to the policy; returns 0 or a negative errno after
 * saying what was wrong. */
static int apply_option(paddock_policy *policy, int opt, const char *arg,
			int *verbosity)
{
	struct paddock_error err = { 0 };
	enum paddock_mode mode;
	enum paddock_network net;
	enum paddock_isolation iso;
	unsigned long ms;
	int r = 0;

	switch (opt) {
	case 'C':
		r = paddock_policy_set_workspace(policy, arg);
		break;
	case 's':
		if (paddock_mode_parse(arg, &mode) < 0)
			return bad_value(
				"--sandbox", arg,
				"read-only, workspace-write or full-access");
		return paddock_policy_set_mode(policy, mode);
	case 'w':
		r = paddock_policy_add_writable_root(policy, arg);
		break;
	case OPT_PROTECT:
		r = paddock_policy_add_protected_name(policy, arg);
		if (r == -EINVAL)
			return bad_value(
				"--protect", arg,
				"one path component, not '.', '..' or a path");
		break;
	case OPT_DENY_READ:
		r = paddock_policy_add_deny_read(policy, arg);
		break;
	case OPT_ALLOW_UNIX_SOCKET:
		r = paddock_policy_allow_unix_socket(policy, arg);
		break;
	case 'n':
		if (paddock_network_parse(arg, &net) < 0)
			return bad_value("--network", arg, "off or on");
		return paddock_policy_set_network(policy, net);
	case OPT_ISOLATION:
		if (paddock_isolation_parse(arg, &iso) < 0)
			return bad_value("--isolation", arg,
					 "auto, namespaces or landlock");
		return paddock_policy_set_isolation(policy, iso);
	case OPT_ALLOW_USERNS:
		return paddock_policy_set_nested_userns(policy, true);
	case OPT_NO_TMP:
		return paddock_policy_set_tmp_writable(policy, false);
	case 't':
		if (paddock_timeout_parse(arg, &ms) < 0)
			return bad_value("--timeout", arg,
					 "a positive number of seconds");
		return paddock_policy_set_timeout_ms(policy, ms);
	case 'p':
		r = paddock_profile_load(policy, arg, &err);
		if (r < 0)
			cli_report_error(&err, r);
		return r;
	case 'v':
		(*verbosity)++;
		return 0;
	}
	if (r == -EINVAL)
		return bad_value("this option", arg,
				 "an empty or too long path");
	if (r < 0)
		cli_say("cannot apply option: %s", strerror(-r));
	return r;
}

int cli_parse_run_options(paddock_policy *policy, int argc, char **argv,
			  int *verbosity)
{
	int opt;

	opterr = 0;
	/* 0, not 1: glibc then also forgets its position in the previous
	 * argv, which a caller parsing twice may have freed. */
	optind = 0;
	while ((opt = getopt_long(argc, argv, "+C:s:w:n:t:p:vh", options,
				  NULL)) != -1) {
		if (opt == 'h') {
			cli_usage(stdout);
			return 0;
		}
		if (opt == '?' || opt == ':') {
			if (optopt && optopt < 256 && strchr("Cswntp", optopt))
				cli_say("option '-%c' needs a value", optopt);
			else
				cli_say("unknown option or missing value: '%s'",
					argv[optind - 1]);
			fputs("hint: see 'paddock --help'\n", stderr);
			return -1;
		}
		if (apply_option(policy, opt, optarg, verbosity) < 0)
			return -1;
	}
	if (optind >= argc) {
		cli_say("no command given");
		fputs("hint: paddock run [OPTIONS] [--] COMMAND [ARG]...\n",
		      stderr);
		return -1;
	}
	return optind;
}
