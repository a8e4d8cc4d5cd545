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
	OPT_SESSION,
	OPT_ALLOW_DOMAIN,
	OPT_DENY_DOMAIN,
	OPT_PROXY_REPORT,
	OPT_PROXY_RESOLVE,
	OPT_WINDOWS_MODE,
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
	{ "allow-domain", required_argument, NULL, OPT_ALLOW_DOMAIN },
	{ "deny-domain", required_argument, NULL, OPT_DENY_DOMAIN },
	{ "proxy-report", required_argument, NULL, OPT_PROXY_REPORT },
	{ "proxy-resolve", required_argument, NULL, OPT_PROXY_RESOLVE },
	{ "timeout", required_argument, NULL, 't' },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "windows-mode", required_argument, NULL, OPT_WINDOWS_MODE },
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
			struct cli_run_options *opts)
{
	struct paddock_error err = { 0 };
	enum paddock_mode mode;
	enum paddock_network net;
	enum paddock_isolation iso;
	enum paddock_windows_mode wmode;
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
			return bad_value("--network", arg, "off, on or proxy");
		return paddock_policy_set_network(policy, net);
	case OPT_ALLOW_DOMAIN:
	case OPT_DENY_DOMAIN:
	case OPT_PROXY_RESOLVE:
		r = opt == OPT_ALLOW_DOMAIN
			    ? paddock_policy_allow_domain(policy, arg, &err)
		    : opt == OPT_DENY_DOMAIN
			    ? paddock_policy_deny_domain(policy, arg, &err)
			    : paddock_policy_proxy_resolve(policy, arg, &err);
		if (r == -EINVAL && err.message)
			return bad_value(
				opt == OPT_ALLOW_DOMAIN	 ? "--allow-domain"
				: opt == OPT_DENY_DOMAIN ? "--deny-domain"
							 : "--proxy-resolve",
				arg, err.message);
		break;
	case OPT_PROXY_REPORT:
		return cli_open_report(policy, arg);
	case OPT_ISOLATION:
		if (paddock_isolation_parse(arg, &iso) < 0)
			return bad_value("--isolation", arg,
					 "auto, namespaces or landlock");
		return paddock_policy_set_isolation(policy, iso);
	case OPT_WINDOWS_MODE:
		if (paddock_windows_mode_parse(arg, &wmode) < 0)
			return bad_value("--windows-mode", arg,
					 "auto, elevated or unelevated");
		return paddock_policy_set_windows_mode(policy, wmode);
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
		opts->verbosity++;
		return 0;
	case OPT_SESSION:
		opts->session = arg;
		return 0;
	}
	if (r == -EINVAL)
		return bad_value("this option", arg,
				 "an empty or too long path");
	if (r < 0)
		cli_say("cannot apply option: %s", strerror(-r));
	return r;
}

static const char *long_name(int opt)
{
	for (size_t i = 0; options[i].name; i++) {
		if (options[i].val == opt)
			return options[i].name;
	}
	return "?";
}

/* A command of a session runs under the session's policy: an option that
 * would change it is refused rather than silently ignored. */
static bool check_session_options(const struct cli_run_options *opts,
				  int first_policy_option)
{
	if (!opts->session || !first_policy_option)
		return true;
	cli_say("--%s cannot be combined with --session: a command in a session runs under the session's policy",
		long_name(first_policy_option));
	fputs("hint: give policy options to 'paddock session' when opening it\n",
	      stderr);
	return false;
}

/* After the options: the command, or for `paddock session` the socket. */
static int check_operands(const struct cli_run_options *opts, int argc,
			  char **argv)
{
	if (opts->for_session) {
		if (opts->session) {
			cli_say("--session belongs to 'paddock run'");
			return -1;
		}
		if (optind + 1 == argc)
			return optind;
		cli_say(optind >= argc ? "no socket given"
				       : "one socket path only");
		fputs("hint: paddock session [OPTIONS] SOCKET\n", stderr);
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

int cli_parse_run_options(paddock_policy *policy, int argc, char **argv,
			  struct cli_run_options *opts)
{
	int opt, first_policy_option = 0;

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
		if (apply_option(policy, opt, optarg, opts) < 0)
			return -1;
		if (!first_policy_option && opt != 'v' && opt != 't' &&
		    opt != OPT_SESSION)
			first_policy_option = opt;
	}
	if (!check_session_options(opts, first_policy_option))
		return -1;
	return check_operands(opts, argc, argv);
}
