/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"Usage: paddock run [OPTIONS] [--] COMMAND [ARG]...\n"
	"Run COMMAND, and every process it starts, inside a sandbox.\n"
	"\n"
	"  -C, --cd DIR          workspace and working directory (default: current directory)\n"
	"  -s, --sandbox MODE    read-only | workspace-write | full-access   (default: workspace-write)\n"
	"  -w, --write PATH      extra writable root (repeatable)\n"
	"      --protect NAME    one more protected name inside writable roots (repeatable)\n"
	"      --deny-read PATH  make PATH unreadable (repeatable)\n"
	"      --allow-unix-socket PATH  keep a host Unix socket reachable (repeatable)\n"
	"  -n, --network MODE    off | on | proxy   (default: off)\n"
	"      --allow-domain PATTERN   with --network proxy: a host the command may\n"
	"                        reach (pypi.org, *.pythonhosted.org, host:443; repeatable)\n"
	"      --deny-domain PATTERN    refused even when allowed (repeatable)\n"
	"      --proxy-report FILE      write each refused request there as JSON Lines\n"
	"      --proxy-resolve NAME=ADDRESS  for tests: the proxy takes NAME to be at\n"
	"                        ADDRESS, even a private one (repeatable)\n"
	"      --no-tmp          do not make /tmp and $TMPDIR writable\n"
	"      --isolation MODE  auto | namespaces | landlock   (default: auto)\n"
	"      --allow-userns    let the command create user namespaces (nested sandboxes)\n"
	"      --windows-mode MODE  auto | elevated | unelevated   (Windows only; default: auto)\n"
	"  -t, --timeout SECS    kill the whole tree after SECS seconds\n"
	"  -p, --profile FILE    read options from a profile file\n"
	"  -v, --verbose         say what is enforced (twice: more)\n"
	"\n"
	"      --session SOCKET  run in the warm session listening on SOCKET (only\n"
	"                        -t and -v may be given with it)\n"
	"\n"
	"       paddock session [OPTIONS] SOCKET\n"
	"                               open a warm session with the options of run;\n"
	"                               it lasts until SIGINT, SIGTERM or --stop\n"
	"       paddock session --stop SOCKET\n"
	"       paddock check           say what this machine can enforce, and how\n"
	"       paddock setup [--dry-run]\n"
	"                               Windows: create the sandbox users, their\n"
	"                               firewall rules and grants (asks for elevation)\n"
	"       paddock uninstall [--dry-run]\n"
	"                               Windows: remove everything setup made\n"
	"       paddock --help | --version\n"
	"\n"
	"Exit status: the command's own; 128+N when signal N killed it; 124 on\n"
	"timeout; 125 when paddock failed; 126 when COMMAND cannot be executed;\n"
	"127 when it is not found.\n";

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

int cli_open_report(paddock_policy *policy, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0) {
		int code = errno;

		cli_say("cannot open the proxy report \"%s\": %s", path,
			strerror(code));
		return -code;
	}
	return paddock_policy_set_proxy_report(policy, fd);
}

void cli_usage(FILE *out)
{
	fputs(usage, out);
}

void cli_say(const char *fmt, ...)
{
	va_list ap;

	fputs("paddock: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	const char *cmd;

#ifdef _WIN32
	/* The C runtime's argv is in the ANSI code page; paddock's is
	 * UTF-8, like the library's paths. */
	if (cli_utf8_args(&argc, &argv) < 0) {
		cli_say("cannot read the command line as Unicode");
		return EXIT_PADDOCK_FAILED;
	}
#endif
	cmd = argc > 1 ? argv[1] : NULL;
	if (!cmd) {
		fputs(usage, stderr);
		return EXIT_PADDOCK_FAILED;
	}
	if (strcmp(cmd, "run") == 0)
		return cli_run(argc - 1, argv + 1);
	if (strcmp(cmd, "session") == 0)
		return cli_session(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cli_check(argc - 1, argv + 1);
	if (strcmp(cmd, "setup") == 0 || strcmp(cmd, "uninstall") == 0) {
#ifdef _WIN32
		return cli_setup(argc - 1, argv + 1);
#else
		cli_say("'%s' exists only on Windows: paddock needs no setup on Linux",
			cmd);
		fputs("hint: 'paddock check' says what this machine enforces; run commands with 'paddock run'\n",
		      stderr);
		return EXIT_PADDOCK_FAILED;
#endif
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("paddock %s\n", PADDOCK_VERSION);
		return 0;
	}
	cli_say("unknown command '%s'", cmd);
	fputs("hint: see 'paddock --help'\n", stderr);
	return EXIT_PADDOCK_FAILED;
}
