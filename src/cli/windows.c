/* SPDX-License-Identifier: MIT */
/* The Windows pieces of the CLI: a UTF-8 argv and Ctrl-C. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include <windows.h>
#include <shellapi.h>

#include "cli.h"

static char *utf8(const wchar_t *s)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
	char *out;

	if (n <= 0)
		return NULL;
	out = malloc((size_t)n);
	if (out &&
	    WideCharToMultiByte(CP_UTF8, 0, s, -1, out, n, NULL, NULL) != n) {
		free(out);
		out = NULL;
	}
	return out;
}

int cli_utf8_args(int *argc, char ***argv)
{
	int n;
	wchar_t **wide = CommandLineToArgvW(GetCommandLineW(), &n);
	char **args;

	if (!wide)
		return -EINVAL;
	args = calloc((size_t)n + 1, sizeof(*args));
	for (int i = 0; args && i < n; i++) {
		args[i] = utf8(wide[i]);
		if (!args[i]) {
			for (int j = 0; j < i; j++)
				free(args[j]);
			free(args);
			args = NULL;
		}
	}
	LocalFree(wide);
	if (!args)
		return -ENOMEM;
	*argc = n;
	*argv = args;
	return 0;
}

static paddock_child *volatile running;

/*
 * Console control events run this on a thread of their own. Ctrl-C and
 * Ctrl-Break have reached the command too (it shares paddock's console);
 * paddock then ends the whole tree, which Windows offers no gentler way
 * to do for processes that are not consoles' own, and reports the run as
 * interrupted (130, like SIGINT on Linux). TRUE keeps paddock alive to
 * report it. Closing the console or logging off is left to the default
 * handling: paddock ends, and the job object kills the tree with it.
 */
static BOOL WINAPI on_control(DWORD event)
{
	paddock_child *child = running;

	if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT)
		return FALSE;
	if (child)
		paddock_child_signal(child, SIGINT);
	return TRUE;
}

void cli_forward_signals(paddock_child *child, bool in_session)
{
	static bool installed;

	(void)in_session;
	running = child;
	if (child && !installed)
		installed = SetConsoleCtrlHandler(on_control, TRUE) != 0;
}
