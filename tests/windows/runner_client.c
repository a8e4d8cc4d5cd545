/* SPDX-License-Identifier: MIT */
/*
 * A test client of paddock-runner.exe for the Wine smoke tests. Wine does
 * not implement CreateProcessWithLogonW usefully, so this plays
 * paddock.exe's part with the same code (channel.c: the pipes, the
 * client's process id check, the relay) and starts the runner as the
 * caller with CreateProcessW:
 *
 *   runner_client RUNNER [OPTION]... -- PROGRAM [ARG]...
 *
 *   --stdin            relay this process's stdin to the command
 *   --timeout MS       the request's timeout
 *   --restricted       ask for the write-restricted token (Wine keeps
 *                      every privilege, so the runner must refuse);
 *                      without it the request asks for no restricted
 *                      token, as paddock.exe does for full-access only
 *   --desktop          a private desktop for the launch
 *   --terminate MS     after MS, end the run as paddock.exe does after
 *                      Ctrl-C (win_relay_end_runner(): the terminate
 *                      frame, and the runner ended if it has not ended
 *                      2 s later, said on stderr)
 *   --bad-frame        send a frame of an unknown version after the
 *                      request
 *   --impostor         connect to the pipes from this process before the
 *                      runner does: the accept must refuse the run
 *   --stalled-runner   start this program as a stand-in runner that
 *                      connects, reports READY and then never reads: a
 *                      runner that stopped reading frames
 *
 * PROGRAM is a full path. Exit status: the command's, 124 when the runner
 * reported a timeout, else the status of the runner's error (125, 126,
 * 127), with "runner error: stage S, native N: message" on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/channel.h"

#include <sddl.h>

struct options {
	const char *runner;
	bool stdin_open, restricted, desktop, bad_frame, impostor, stalled;
	DWORD timeout_ms, terminate_ms;
	char **argv; /* the command */
};

static int usage(void)
{
	fputs("usage: runner_client RUNNER [OPTION]... -- PROGRAM [ARG]...\n",
	      stderr);
	return 2;
}

static int parse(int argc, char **argv, struct options *o)
{
	int i;

	if (argc < 4)
		return -1;
	o->runner = argv[1];
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--stdin") == 0)
			o->stdin_open = true;
		else if (strcmp(argv[i], "--restricted") == 0)
			o->restricted = true;
		else if (strcmp(argv[i], "--desktop") == 0)
			o->desktop = true;
		else if (strcmp(argv[i], "--bad-frame") == 0)
			o->bad_frame = true;
		else if (strcmp(argv[i], "--impostor") == 0)
			o->impostor = true;
		else if (strcmp(argv[i], "--stalled-runner") == 0)
			o->stalled = true;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			o->timeout_ms = (DWORD)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--terminate") == 0 && i + 1 < argc)
			o->terminate_ms = (DWORD)strtoul(argv[++i], NULL, 10);
		else
			return -1;
	}
	if (i + 1 >= argc)
		return -1;
	o->argv = argv + i + 1;
	return 0;
}

/* The caller's own SID, which the pipes admit here. */
static wchar_t *own_sid(void)
{
	HANDLE token;
	uint8_t buf[256];
	DWORD n;
	wchar_t *sid = NULL;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return NULL;
	if (GetTokenInformation(token, TokenUser, buf, sizeof(buf), &n))
		ConvertSidToStringSidW(((TOKEN_USER *)buf)->User.Sid, &sid);
	CloseHandle(token);
	return sid;
}

/* The caller's environment as UTF-8 strings, NULL-terminated. */
static char **environment(size_t *ret_n)
{
	wchar_t *block = GetEnvironmentStringsW();
	char **env = calloc(WIN_FRAME_MAX_ENV + 1, sizeof(*env));
	size_t n = 0;

	for (const wchar_t *p = block; env && *p && n < WIN_FRAME_MAX_ENV;
	     p += wcslen(p) + 1) {
		if (win_str_utf8(p, &env[n]) == 0 && strchr(env[n] + 1, '='))
			n++;
	}
	FreeEnvironmentStringsW(block);
	*ret_n = n;
	return env;
}

static int start_runner(const struct options *o, const struct win_channel *c,
			PROCESS_INFORMATION *pi)
{
	STARTUPINFOW si = { .cb = sizeof(si) };
	char self[MAX_PATH * 3], *line;
	wchar_t wself[MAX_PATH], *wline, *app;
	const char *argv[] = { o->runner, c->names[0], c->names[1], NULL };
	const char *stub[] = { self, "--stall", c->names[0], c->names[1],
			       NULL };
	BOOL ok;

	GetModuleFileNameW(NULL, wself, MAX_PATH);
	WideCharToMultiByte(CP_UTF8, 0, wself, -1, self, sizeof(self), NULL,
			    NULL);
	if (win_cmdline_quote(o->stalled ? stub : argv, &line) < 0 ||
	    win_str_wide(line, &wline) < 0 ||
	    win_str_wide(o->stalled ? self : o->runner, &app) < 0)
		return -1;
	ok = CreateProcessW(app, wline, NULL, NULL, FALSE, 0, NULL, NULL, &si,
			    pi);
	if (!ok)
		fprintf(stderr, "runner_client: cannot start %s (error %lu)\n",
			o->runner, GetLastError());
	free(line);
	free(wline);
	free(app);
	return ok ? 0 : -1;
}

/* The stand-in runner of --stalled-runner: connected, READY, deaf. */
static int stall(const char *in, const char *out)
{
	struct win_frame ready = { .type = WIN_FRAME_READY,
				   .pid = GetCurrentProcessId() };
	struct win_channel c;

	if (win_channel_open(in, out, &c, NULL) < 0 ||
	    win_channel_send(&c, WIN_FRAME_TO_PARENT, &ready, NULL) < 0)
		return 125;
	Sleep(120000);
	return 0;
}

/* Open both pipes from here, as something that is not the runner. */
static void impostor(const struct win_channel *c)
{
	for (int i = 0; i < 2; i++) {
		wchar_t *name;

		if (win_str_wide(c->names[i], &name) < 0)
			continue;
		CreateFileW(name, i ? GENERIC_WRITE : GENERIC_READ, 0, NULL,
			    OPEN_EXISTING, 0, NULL);
		free(name);
	}
}

static int send_request(const struct options *o, struct win_channel *c)
{
	char cwd[MAX_PATH * 3], *line;
	wchar_t wcwd[MAX_PATH];
	size_t n_env;
	char **env = environment(&n_env);
	const char *caps[] = { "S-1-5-21-1-2-3-4" };
	struct paddock_error e = { 0 };
	struct win_frame f = { .type = WIN_FRAME_SPAWN };
	int r;

	GetCurrentDirectoryW(MAX_PATH, wcwd);
	WideCharToMultiByte(CP_UTF8, 0, wcwd, -1, cwd, sizeof(cwd), NULL, NULL);
	if (win_cmdline_quote((const char *const *)o->argv, &line) < 0)
		return -1;
	f.spawn = (struct win_frame_spawn){
		.flags = (o->stdin_open ? WIN_FRAME_SPAWN_STDIN : 0) |
			 (o->desktop ? WIN_FRAME_SPAWN_DESKTOP : 0) |
			 (o->restricted ? 0 : WIN_FRAME_SPAWN_UNRESTRICTED),
		.timeout_ms = o->timeout_ms,
		.application = o->argv[0],
		.command_line = line,
		.cwd = cwd,
		.env = (const char **)env,
		.n_env = n_env,
		.capability_sids = caps,
		.n_caps = 1,
	};
	r = win_channel_send(c, WIN_FRAME_TO_RUNNER, &f, &e);
	free(line);
	for (size_t i = 0; i < n_env; i++)
		free(env[i]);
	free(env);
	return r;
}

/* A frame header of version 99. */
static void send_bad_frame(struct win_channel *c)
{
	static const uint8_t bad[8] = { 0, 0, 0, 0, 99, 0, WIN_FRAME_STDIN_EOF,
					0 };
	OVERLAPPED ov = { .hEvent = CreateEventW(NULL, TRUE, FALSE, NULL) };
	DWORD n;

	if (!WriteFile(c->in, bad, sizeof(bad), NULL, &ov) &&
	    GetLastError() != ERROR_IO_PENDING)
		return;
	GetOverlappedResult(c->in, &ov, &n, TRUE);
	CloseHandle(ov.hEvent);
}

struct terminator {
	struct win_relay *relay;
	HANDLE runner;
	HANDLE done; /* the run ended first: nothing to terminate */
	DWORD ms;
};

static DWORD WINAPI terminate_later(void *arg)
{
	struct terminator *t = arg;

	if (WaitForSingleObject(t->done, t->ms) != WAIT_TIMEOUT)
		return 0;
	/* paddock.exe's grace (TERMINATE_GRACE_MS in elevated_run.c). */
	switch (win_relay_end_runner(t->relay, t->runner, 2000)) {
	case WIN_RELAY_KILLED:
		fputs("runner_client: the runner did not end within 2 s of the terminate frame; ended it\n",
		      stderr);
		break;
	case WIN_RELAY_KILLED_UNSENT:
		fputs("runner_client: the terminate frame could not be sent within 2 s; ended the runner\n",
		      stderr);
		break;
	case WIN_RELAY_ENDED:
		break;
	}
	return 0;
}

static int report(const struct win_relay_end *end)
{
	if (!end->is_error)
		return end->timed_out ? 124 : (int)end->code;
	fprintf(stderr, "runner error: stage %u, native %u: %s\n",
		(unsigned)end->stage, (unsigned)end->native, end->message);
	return win_elev_error_status(end->stage);
}

static int drive(const struct options *o, struct win_channel *c)
{
	struct paddock_error e = { 0 };
	PROCESS_INFORMATION pi;
	struct win_relay relay = {
		.ch = c,
		.in = o->stdin_open ? GetStdHandle(STD_INPUT_HANDLE) : NULL,
		.out = GetStdHandle(STD_OUTPUT_HANDLE),
		.err = GetStdHandle(STD_ERROR_HANDLE),
	};
	struct terminator t = { &relay, NULL, NULL, o->terminate_ms };
	struct win_relay_end end = { 0 };
	HANDLE terminator = NULL;

	if (o->impostor)
		impostor(c);
	if (start_runner(o, c, &pi) < 0)
		return 125;
	if (win_channel_accept(c, pi.hProcess, pi.dwProcessId, 10000, &e) < 0) {
		fprintf(stderr, "runner_client: refused: %s: %s\n", e.message,
			e.operand);
		TerminateProcess(pi.hProcess, 125);
		return 125;
	}
	if (send_request(o, c) < 0)
		return 125;
	if (o->bad_frame)
		send_bad_frame(c);
	t.runner = pi.hProcess;
	t.done = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (o->terminate_ms && t.done)
		terminator =
			CreateThread(NULL, 0, terminate_later, &t, 0, NULL);
	win_relay_run(&relay, false, &end);
	if (t.done)
		SetEvent(t.done);
	if (terminator) {
		WaitForSingleObject(terminator, INFINITE);
		CloseHandle(terminator);
	}
	if (t.done)
		CloseHandle(t.done);
	if (!win_relay_finish(&relay)) {
		/* The thread still uses the relay and the channel: end the
		 * process rather than free them. */
		fputs("runner_client: the stdin thread did not stop\n", stderr);
		fflush(NULL);
		ExitProcess((UINT)report(&end));
	}
	WaitForSingleObject(pi.hProcess, 10000);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	return report(&end);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct paddock_error e = { 0 };
	struct win_channel c;
	wchar_t *sid;
	int code;

	if (argc == 4 && strcmp(argv[1], "--stall") == 0)
		return stall(argv[2], argv[3]);
	if (parse(argc, argv, &o) < 0)
		return usage();
	sid = own_sid();
	if (!sid || win_channel_create(sid, &c, &e) < 0) {
		fprintf(stderr,
			"runner_client: cannot create the pipes (%lu)\n",
			e.native);
		return 125;
	}
	LocalFree(sid);
	code = drive(&o, &c);
	win_channel_close(&c);
	return code;
}
