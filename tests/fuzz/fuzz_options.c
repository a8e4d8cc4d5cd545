/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the options of `paddock run`. The input is cut at its
 * NUL bytes into at most FUZZ_MAX_ARGS arguments that follow "run"; each
 * input is parsed into a fresh policy, which is then freed. Nothing is run:
 * cli_parse_run_options() only fills the policy. A --profile option may name
 * any file, which is only read (and opened with O_NONBLOCK, so a FIFO cannot
 * stall the fuzzer); no option creates a file.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define FUZZ_MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * main.c, which holds these in paddock, also holds main() and cannot be
 * linked next to libFuzzer's. The message is still formatted, so that a bad
 * argument to cli_say() shows up here, and then dropped: the fuzzer would
 * print it millions of times.
 */
void cli_say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

void cli_usage(FILE *out)
{
	(void)out;
}

/* main.c's opens a file, which a fuzzer must not do millions of times. */
int cli_open_report(paddock_policy *policy, const char *path)
{
	(void)path;
	return paddock_policy_set_proxy_report(policy, -1);
}

/*
 * glibc's getopt keeps a pointer into the last argv it parsed (the rest of a
 * cluster such as "-vx"), and only optind = 0 discards it. The parser sets
 * optind = 1 itself, which is enough for paddock's single call but not for
 * a second argv: reset fully with a call that parses nothing, using the same
 * "+" (stop at the first operand) as the parser, since that is kept too.
 */
static void getopt_full_reset(void)
{
	static char name[] = "fuzz";
	static char *none[] = { name, NULL };

	optind = 0;
	opterr = 0;
	if (getopt(1, none, "+") != -1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char run[] = "run";
	char *argv[FUZZ_MAX_ARGS + 2];
	paddock_policy *policy;
	struct cli_run_options opts = { .for_session = size % 2 == 1 };
	int argc = 0, r;
	char *text, *p;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = run;
	for (p = text; p < text + size && argc <= FUZZ_MAX_ARGS;
	     p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	if (paddock_policy_new(&policy) < 0) {
		free(text);
		return 0;
	}
	getopt_full_reset();
	r = cli_parse_run_options(policy, argc, argv, &opts);
	/* The index of the command, when there is one, is inside argv. */
	if (r < -1 || r >= argc)
		abort();
	paddock_policy_free(policy);
	free(text);
	return 0;
}
