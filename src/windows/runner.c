/* SPDX-License-Identifier: MIT */
/*
 * paddock-runner.exe: the third of the elevated mode's four layers
 * (paddock.exe -> paddock-setup.exe -> paddock-runner.exe -> the command).
 *
 * paddock.exe starts it as a sandbox user (CreateProcessWithLogonW),
 * because CreateProcessAsUserW with a token that is not the caller's own
 * needs a privilege ordinary users lack: the runner *is* the sandbox user,
 * so the restricted token it builds from its own token is one it may
 * use. Usage:
 *
 *   paddock-runner.exe IN-PIPE OUT-PIPE
 *
 * It connects to the two pipes its parent created (channel.c), reads one
 * spawn request, builds the write-restricted token from its own token with
 * the request's capability SIDs (rtoken.c, token.c's win_token_elevated),
 * creates a window station and a desktop of this launch that only the
 * sandbox user and the launch's own SID may open, starts the command
 * suspended with CreateProcessAsUserW on that desktop, puts it in a job
 * object that kills the tree when its last handle closes and limits its
 * use of the user interface, resumes it, and relays: the command's stdout
 * and stderr become frames, stdin frames are written to the command by a
 * thread of their own and acknowledged (the stdin window, frame.h), a
 * terminate frame or the timeout ends the tree. Its last frame is an exit
 * frame, or an error frame with the stage, the native code and a message;
 * it then exits with the command's code (125 for its own failures).
 *
 * What crosses into the runner is the spawn request (frame.h says how it
 * is bounded and checked). The request can only make the runner start a
 * command as itself, more restricted than itself, so a forged request
 * gains nothing; the pipe names on its command line are checked to be
 * paddock's own form. If the parent goes away, the pipe breaks, the
 * runner ends the job and exits: the tree never outlives paddock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/channel.h"

#include <sddl.h>
#include <shellapi.h>

#define EXIT_RUNNER_FAILED 125
/* How long the pumps may take to drain after the tree has ended. */
#define DRAIN_MS 5000

/*
 * The parent's stdin chunks on their way to the command. The input thread
 * queues them and goes back to reading frames; the stdin thread writes
 * them, so that a command that does not read its stdin blocks that thread
 * alone, never the reading of a terminate frame. The parent keeps at most
 * WIN_FRAME_STDIN_WINDOW chunks unacknowledged (frame.h), which bounds
 * the queue; more is a protocol error.
 */
struct stdin_chunk {
	uint8_t *body; /* the frame's body, freed once written */
	const uint8_t *data;
	size_t len;
};

struct stdin_queue {
	SRWLOCK lock;
	CONDITION_VARIABLE changed;
	struct stdin_chunk chunks[WIN_FRAME_STDIN_WINDOW];
	size_t first, len;
	bool eof; /* STDIN_EOF came: close once the queue is written */
};

struct runner {
	struct win_channel ch;
	struct win_frame req; /* the spawn request */
	uint8_t *req_body;
	HANDLE token; /* restricted; NULL for an unrestricted request */
	char launch_sid[WIN_SID_STRING_MAX]; /* made for this launch */
	HWINSTA station;
	HDESK desktop;
	wchar_t desktop_name[160];
	HANDLE job;
	HANDLE process;
	HANDLE child_std[3]; /* the command's ends, inheritable */
	HANDLE stdin_w, stdout_r, stderr_r; /* the runner's ends */
	struct stdin_queue stdin_q; /* for the stdin thread */
	volatile LONG terminated; /* by a terminate frame */
	volatile LONG protocol_error; /* the parent sent a bad frame */
};

/* Send an error frame; returns the runner's failure exit code. */
static int report(struct runner *rn, enum win_frame_stage stage, DWORD native,
		  const char *message)
{
	struct win_frame f = {
		.type = WIN_FRAME_ERROR,
		.error = { stage, native, message },
	};
	char cut[WIN_FRAME_MAX_MESSAGE + 1];

	if (message && strlen(message) > WIN_FRAME_MAX_MESSAGE) {
		snprintf(cut, sizeof(cut), "%s", message);
		f.error.message = cut;
	}
	win_channel_send(&rn->ch, WIN_FRAME_TO_PARENT, &f, NULL);
	return EXIT_RUNNER_FAILED;
}

/* An error frame from a paddock_error: its message and operand. */
static int report_err(struct runner *rn, enum win_frame_stage stage,
		      const struct paddock_error *e)
{
	char message[WIN_FRAME_MAX_MESSAGE];

	snprintf(message, sizeof(message), "%s%s%s",
		 e->message ? e->message : strerror(e->code),
		 e->operand[0] ? ": " : "", e->operand);
	return report(rn, stage, (DWORD)e->native, message);
}

static int read_request(struct runner *rn)
{
	struct paddock_error e = { 0 };
	int r = win_channel_recv(&rn->ch, WIN_FRAME_TO_RUNNER, &rn->req,
				 &rn->req_body, &e);

	if (r == -EPIPE)
		return EXIT_RUNNER_FAILED; /* nobody to tell */
	if (r < 0)
		return report_err(rn, WIN_FRAME_STAGE_PROTOCOL, &e);
	if (rn->req.type != WIN_FRAME_SPAWN)
		return report(rn, WIN_FRAME_STAGE_PROTOCOL, 0,
			      "the first frame must be a spawn request");
	return 0;
}

/* The launch's SID, and the restricted token unless the request is an
 * unrestricted one (the Wine tests' client asks for that). */
static int make_token(struct runner *rn)
{
	const struct win_frame_spawn *s = &rn->req.spawn;
	struct paddock_error e = { 0 };
	char *logon;
	int r = win_capsid_new(rn->launch_sid, &e);

	if (r < 0)
		return report_err(rn, WIN_FRAME_STAGE_TOKEN, &e);
	if (s->flags & WIN_FRAME_SPAWN_UNRESTRICTED)
		return 0;
	r = win_rtoken_build(&win_token_elevated, s->capability_sids, s->n_caps,
			     rn->launch_sid, &rn->token, &logon, &e);
	if (r < 0)
		return report_err(rn, WIN_FRAME_STAGE_TOKEN, &e);
	free(logon);
	return 0;
}

/* The security attributes of the launch's window station and desktop
 * (win_elev_desktop_sddl()); LocalFree the descriptor. */
static int desktop_security(struct runner *rn, SECURITY_ATTRIBUTES *sa)
{
	char sddl[2 * WIN_SID_STRING_MAX + 32], *user = NULL;
	struct paddock_error e = { 0 };
	HANDLE self;
	int r;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &self))
		return report(rn, WIN_FRAME_STAGE_DESKTOP, GetLastError(),
			      "cannot open the runner's token");
	r = win_rtoken_user_sid(self, &user, &e);
	CloseHandle(self);
	if (r < 0)
		return report_err(rn, WIN_FRAME_STAGE_DESKTOP, &e);
	r = win_elev_desktop_sddl(user, rn->launch_sid, sddl, sizeof(sddl));
	LocalFree(user);
	*sa = (SECURITY_ATTRIBUTES){ .nLength = sizeof(*sa) };
	if (r < 0 ||
	    !ConvertStringSecurityDescriptorToSecurityDescriptorA(
		    sddl, SDDL_REVISION_1, &sa->lpSecurityDescriptor, NULL))
		return report(rn, WIN_FRAME_STAGE_DESKTOP,
			      r < 0 ? 0 : GetLastError(),
			      "cannot build the desktop's security descriptor");
	return 0;
}

/* A desktop on the station; the process's station is switched to it for
 * the call, as CreateDesktopW creates on the caller's station. */
static DWORD desktop_on(HWINSTA station, const wchar_t *name,
			SECURITY_ATTRIBUTES *sa, HDESK *ret)
{
	HWINSTA own = GetProcessWindowStation();
	DWORD native = 0;

	if (!own || !SetProcessWindowStation(station))
		return GetLastError();
	*ret = CreateDesktopW(name, NULL, NULL, 0, GENERIC_ALL, sa);
	if (!*ret)
		native = GetLastError();
	if (!SetProcessWindowStation(own) && !native)
		native = GetLastError();
	return native;
}

/*
 * The command's own window station, and a desktop on it, both granted only
 * to the sandbox user and the launch's SID. A desktop of its own on the
 * runner's station would not be enough: the command's token carries the
 * real user's logon SID (deny-only, see token.c), and the clipboard and
 * global atoms belong to the station. With its own station the command
 * has no handle to WinSta0 and cannot open it, so it can neither send
 * messages or input to the user's applications nor read their clipboard.
 * Only administrators may name a window station; a NULL name makes
 * Windows derive one from the runner's logon session, which is this
 * launch's alone (CreateProcessWithLogonW logs on anew each time).
 */
static int make_desktop(struct runner *rn)
{
	SECURITY_ATTRIBUTES sa;
	wchar_t name[64], station[64] = L"winsta0";
	DWORD native;

	if (!(rn->req.spawn.flags & WIN_FRAME_SPAWN_DESKTOP)) {
		GetUserObjectInformationW(
			GetProcessWindowStation(), UOI_NAME, station,
			sizeof(station) - sizeof(wchar_t), NULL);
		swprintf(rn->desktop_name, 160, L"%ls\\default", station);
		return 0;
	}
	if (desktop_security(rn, &sa) < 0)
		return -1;
	/* CWF_CREATE_ONLY: a station that exists already has a DACL of
	 * someone else's choosing; refuse it rather than share it. */
	rn->station = CreateWindowStationW(NULL, CWF_CREATE_ONLY,
					   WINSTA_ALL_ACCESS, &sa);
	native = rn->station ? 0 : GetLastError();
	swprintf(name, 64, L"paddock-%lu-%llx", GetCurrentProcessId(),
		 (unsigned long long)GetTickCount64());
	if (!native &&
	    !GetUserObjectInformationW(rn->station, UOI_NAME, station,
				       sizeof(station) - sizeof(wchar_t), NULL))
		native = GetLastError();
	if (!native)
		native = desktop_on(rn->station, name, &sa, &rn->desktop);
	LocalFree(sa.lpSecurityDescriptor);
	if (native)
		return report(
			rn, WIN_FRAME_STAGE_DESKTOP, native,
			"cannot create the launch's window station and desktop");
	swprintf(rn->desktop_name, 160, L"%ls\\%ls", station, name);
	return 0;
}

static int make_job(struct runner *rn)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = { 0 };
	JOBOBJECT_BASIC_UI_RESTRICTIONS ui = {
		.UIRestrictionsClass = WIN_ELEV_JOB_UI_LIMITS,
	};

	rn->job = CreateJobObjectW(NULL, NULL);
	if (!rn->job)
		return report(rn, WIN_FRAME_STAGE_JOB, GetLastError(),
			      "cannot create the job object");
	limits.BasicLimitInformation.LimitFlags =
		JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (!SetInformationJobObject(rn->job, JobObjectExtendedLimitInformation,
				     &limits, sizeof(limits)))
		return report(rn, WIN_FRAME_STAGE_JOB, GetLastError(),
			      "cannot make the job kill its processes");
	if (!SetInformationJobObject(rn->job, JobObjectBasicUIRestrictions, &ui,
				     sizeof(ui)))
		return report(
			rn, WIN_FRAME_STAGE_JOB, GetLastError(),
			"cannot limit the job's use of the user interface");
	return 0;
}

/* A pipe whose end child (0: read, 1: write) the command inherits. */
static DWORD child_pipe(int child, HANDLE *ret_child, HANDLE *ret_own)
{
	HANDLE h[2];

	if (!CreatePipe(&h[0], &h[1], NULL, WIN_FRAME_MAX_CHUNK))
		return GetLastError();
	if (!SetHandleInformation(h[child], HANDLE_FLAG_INHERIT,
				  HANDLE_FLAG_INHERIT)) {
		DWORD native = GetLastError();

		CloseHandle(h[0]);
		CloseHandle(h[1]);
		return native;
	}
	*ret_child = h[child];
	*ret_own = h[!child];
	return 0;
}

static int make_stdio(struct runner *rn)
{
	SECURITY_ATTRIBUTES inherit = { .nLength = sizeof(inherit),
					.bInheritHandle = TRUE };
	DWORD native = 0;

	if (rn->req.spawn.flags & WIN_FRAME_SPAWN_STDIN) {
		native = child_pipe(0, &rn->child_std[0], &rn->stdin_w);
	} else {
		rn->child_std[0] =
			CreateFileW(L"NUL", GENERIC_READ,
				    FILE_SHARE_READ | FILE_SHARE_WRITE,
				    &inherit, OPEN_EXISTING, 0, NULL);
		if (rn->child_std[0] == INVALID_HANDLE_VALUE) {
			rn->child_std[0] = NULL;
			native = GetLastError();
		}
	}
	if (!native)
		native = child_pipe(1, &rn->child_std[1], &rn->stdout_r);
	if (!native)
		native = child_pipe(1, &rn->child_std[2], &rn->stderr_r);
	return native ? report(rn, WIN_FRAME_STAGE_IO, native,
			       "cannot create the command's pipes")
		      : 0;
}

static void close_child_std(struct runner *rn)
{
	for (int i = 0; i < 3; i++) {
		if (rn->child_std[i])
			CloseHandle(rn->child_std[i]);
		rn->child_std[i] = NULL;
	}
}

static DWORD launch_prepare(const struct win_frame_spawn *s,
			    struct win_launch *l)
{
	if (win_str_wide(s->application, &l->app) < 0 ||
	    win_str_wide(s->command_line, &l->line) < 0 ||
	    win_str_wide(s->cwd, &l->cwd) < 0 ||
	    win_launch_env_block((char **)s->env, &l->env) < 0)
		return ERROR_INVALID_PARAMETER;
	return 0;
}

static int launch(struct runner *rn)
{
	struct win_launch l = { 0 };
	struct win_frame ready = { .type = WIN_FRAME_READY };
	PROCESS_INFORMATION pi;
	DWORD native = launch_prepare(&rn->req.spawn, &l);

	if (!native)
		native = win_launch_start_with(&l, rn->token, rn->child_std,
					       rn->desktop_name, &pi);
	win_launch_free(&l);
	close_child_std(rn);
	if (native == WIN_ELEV_LOGON_SESSION_GONE)
		return report(rn, WIN_FRAME_STAGE_LOGON_SESSION, native,
			      "the runner's logon session is gone");
	if (native)
		return report(rn, win_elev_launch_stage(native), native,
			      rn->req.spawn.application);
	if (!AssignProcessToJobObject(rn->job, pi.hProcess)) {
		native = GetLastError();
		TerminateProcess(pi.hProcess, EXIT_RUNNER_FAILED);
	} else if (ResumeThread(pi.hThread) == (DWORD)-1) {
		native = GetLastError();
		TerminateJobObject(rn->job, EXIT_RUNNER_FAILED);
	}
	CloseHandle(pi.hThread);
	rn->process = pi.hProcess;
	if (native)
		return report(rn, WIN_FRAME_STAGE_JOB, native,
			      "cannot start the command in its job object");
	ready.pid = pi.dwProcessId;
	win_channel_send(&rn->ch, WIN_FRAME_TO_PARENT, &ready, NULL);
	return 0;
}

struct pump {
	struct runner *rn;
	HANDLE from;
	enum win_frame_type type;
};

/* The command's stdout or stderr, as frames, until every writer closed. */
static DWORD WINAPI pump_output(void *arg)
{
	struct pump *p = arg;
	static uint8_t bufs[2][WIN_FRAME_MAX_CHUNK];
	uint8_t *buf = bufs[p->type == WIN_FRAME_STDERR];
	DWORD n;

	while (ReadFile(p->from, buf, WIN_FRAME_MAX_CHUNK, &n, NULL) && n) {
		struct win_frame f = { .type = p->type, .chunk = { buf, n } };

		if (win_channel_send(&p->rn->ch, WIN_FRAME_TO_PARENT, &f,
				     NULL) < 0)
			break;
	}
	return 0;
}

/* Queue one chunk (taking its body) or, with data NULL, the end of
 * stdin; -EPROTO when the parent sent beyond its window, or after the
 * end. */
static int stdin_queue_put(struct stdin_queue *q, uint8_t *body,
			   const uint8_t *data, size_t len)
{
	int r = 0;

	AcquireSRWLockExclusive(&q->lock);
	if (q->eof || (data && q->len == WIN_FRAME_STDIN_WINDOW)) {
		r = -EPROTO;
	} else if (data) {
		q->chunks[(q->first + q->len) % WIN_FRAME_STDIN_WINDOW] =
			(struct stdin_chunk){ body, data, len };
		q->len++;
	} else {
		q->eof = true;
	}
	ReleaseSRWLockExclusive(&q->lock);
	WakeConditionVariable(&q->changed);
	return r;
}

/* The next chunk; false at the end of stdin. */
static bool stdin_queue_take(struct stdin_queue *q, struct stdin_chunk *ret)
{
	bool more;

	AcquireSRWLockExclusive(&q->lock);
	while (q->len == 0 && !q->eof)
		SleepConditionVariableSRW(&q->changed, &q->lock, INFINITE, 0);
	more = q->len > 0;
	if (more) {
		*ret = q->chunks[q->first];
		q->first = (q->first + 1) % WIN_FRAME_STDIN_WINDOW;
		q->len--;
	}
	ReleaseSRWLockExclusive(&q->lock);
	return more;
}

static bool write_all(HANDLE h, const uint8_t *data, size_t len)
{
	DWORD n;

	while (len) {
		if (!WriteFile(h, data, (DWORD)len, &n, NULL) || n == 0)
			return false;
		data += n;
		len -= n;
	}
	return true;
}

/*
 * The command's stdin, written from the queue; the only user of stdin_w
 * once the relay runs. Each chunk is acknowledged once written, or
 * dropped: a command that closed its stdin loses the rest, as with a pipe
 * on any system. A write blocked on a command that does not read ends
 * when the job is terminated (the pipe's other end then closes), or with
 * the process.
 */
static DWORD WINAPI write_stdin(void *arg)
{
	struct runner *rn = arg;
	struct win_frame ack = { .type = WIN_FRAME_STDIN_ACK };
	struct stdin_chunk c;

	while (stdin_queue_take(&rn->stdin_q, &c)) {
		if (rn->stdin_w && !write_all(rn->stdin_w, c.data, c.len)) {
			CloseHandle(rn->stdin_w);
			rn->stdin_w = NULL;
		}
		free(c.body);
		win_channel_send(&rn->ch, WIN_FRAME_TO_PARENT, &ack, NULL);
	}
	if (rn->stdin_w)
		CloseHandle(rn->stdin_w);
	rn->stdin_w = NULL;
	return 0;
}

static void refuse_input(struct runner *rn)
{
	InterlockedExchange(&rn->protocol_error, 1);
	TerminateJobObject(rn->job, EXIT_RUNNER_FAILED);
}

/* One frame from the parent; false to stop reading. A stdin chunk's body
 * is taken (*body set to NULL). Stdin frames are refused when the request
 * did not open stdin. */
static bool handle_input(struct runner *rn, const struct win_frame *f,
			 uint8_t **body)
{
	bool has_stdin = rn->req.spawn.flags & WIN_FRAME_SPAWN_STDIN;

	switch (f->type) {
	case WIN_FRAME_STDIN:
		if (!has_stdin ||
		    stdin_queue_put(&rn->stdin_q, *body, f->chunk.data,
				    f->chunk.len) < 0)
			break;
		*body = NULL;
		return true;
	case WIN_FRAME_STDIN_EOF:
		if (!has_stdin ||
		    stdin_queue_put(&rn->stdin_q, NULL, NULL, 0) < 0)
			break;
		return true;
	case WIN_FRAME_TERMINATE:
		InterlockedExchange(&rn->terminated, 1);
		TerminateJobObject(rn->job, 1);
		return false;
	default:
		break;
	}
	refuse_input(rn);
	return false;
}

/* The parent's frames after the request. A broken pipe means paddock is
 * gone: the tree ends with it. */
static DWORD WINAPI read_input(void *arg)
{
	struct runner *rn = arg;

	for (;;) {
		struct paddock_error e = { 0 };
		struct win_frame f;
		uint8_t *body;
		bool more;
		int r = win_channel_recv(&rn->ch, WIN_FRAME_TO_RUNNER, &f,
					 &body, &e);

		if (r < 0) {
			if (r != -EPIPE)
				InterlockedExchange(&rn->protocol_error, 1);
			TerminateJobObject(rn->job, EXIT_RUNNER_FAILED);
			return 0;
		}
		more = handle_input(rn, &f, &body);
		win_frame_clear(&f);
		free(body);
		if (!more)
			return 0;
	}
}

/* Wait for the command's first process or the deadline. */
static bool wait_command(struct runner *rn)
{
	DWORD timeout = rn->req.spawn.timeout_ms;
	DWORD w =
		WaitForSingleObject(rn->process, timeout ? timeout : INFINITE);

	return w == WAIT_TIMEOUT;
}

static int relay(struct runner *rn)
{
	struct pump out = { rn, rn->stdout_r, WIN_FRAME_STDOUT };
	struct pump err = { rn, rn->stderr_r, WIN_FRAME_STDERR };
	struct win_frame f = { .type = WIN_FRAME_EXIT };
	HANDLE pumps[2], input, writer = NULL;
	DWORD code = EXIT_RUNNER_FAILED;
	bool has_stdin = rn->stdin_w != NULL, timed_out;

	pumps[0] = CreateThread(NULL, 0, pump_output, &out, 0, NULL);
	pumps[1] = CreateThread(NULL, 0, pump_output, &err, 0, NULL);
	if (has_stdin)
		writer = CreateThread(NULL, 0, write_stdin, rn, 0, NULL);
	input = CreateThread(NULL, 0, read_input, rn, 0, NULL);
	if (!pumps[0] || !pumps[1] || !input || (has_stdin && !writer)) {
		TerminateJobObject(rn->job, EXIT_RUNNER_FAILED);
		return report(rn, WIN_FRAME_STAGE_IO, GetLastError(),
			      "cannot start the runner's threads");
	}
	timed_out = wait_command(rn);
	/* The end of the first process ends the tree, as in the
	 * unelevated mode; then the pumps see every writer closed. */
	TerminateJobObject(rn->job, timed_out ? 1 : EXIT_RUNNER_FAILED);
	WaitForSingleObject(rn->process, INFINITE);
	WaitForMultipleObjects(2, pumps, TRUE, DRAIN_MS);
	if (InterlockedCompareExchange(&rn->protocol_error, 0, 0))
		return report(
			rn, WIN_FRAME_STAGE_PROTOCOL, 0,
			"the parent sent a frame the runner refuses; the command was ended");
	if (!GetExitCodeProcess(rn->process, &code))
		return report(rn, WIN_FRAME_STAGE_WAIT, GetLastError(),
			      "cannot read the command's exit code");
	f.exit.code = code;
	f.exit.timed_out = timed_out;
	win_channel_send(&rn->ch, WIN_FRAME_TO_PARENT, &f, NULL);
	/* The input thread and the pumps may still block on their pipes;
	 * ExitProcess ends them. */
	return (int)code;
}

static int run(struct runner *rn)
{
	int r = read_request(rn);

	if (r == 0)
		r = make_token(rn);
	if (r == 0)
		r = make_desktop(rn);
	if (r == 0)
		r = make_job(rn);
	if (r == 0)
		r = make_stdio(rn);
	if (r == 0)
		r = launch(rn);
	if (r == 0)
		r = relay(rn);
	return r;
}

/* The pipe names, from the Unicode command line. */
static int arguments(char **ret_in, char **ret_out)
{
	int argc;
	wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
	int r = -EINVAL;

	if (argv && argc == 3 && win_str_utf8(argv[1], ret_in) == 0) {
		r = win_str_utf8(argv[2], ret_out);
		if (r < 0)
			free(*ret_in);
	}
	LocalFree(argv);
	return r;
}

int main(void)
{
	struct runner rn = { 0 };
	struct paddock_error e = { 0 };
	char *in, *out;
	int code;

	/* No dialog may wait for a click on a desktop nobody sees. */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX |
		     SEM_NOOPENFILEERRORBOX);
	InitializeSRWLock(&rn.stdin_q.lock);
	InitializeConditionVariable(&rn.stdin_q.changed);
	if (arguments(&in, &out) < 0) {
		fputs("usage: paddock-runner.exe IN-PIPE OUT-PIPE (started by paddock.exe, not by hand)\n",
		      stderr);
		return EXIT_RUNNER_FAILED;
	}
	code = win_channel_open(in, out, &rn.ch, &e) < 0 ? EXIT_RUNNER_FAILED
							 : run(&rn);
	free(in);
	free(out);
	fflush(NULL);
	/* ExitProcess, not a return through the C runtime's cleanup, with
	 * threads possibly blocked on the pipes: closing the job's handle
	 * as the process ends kills what is left of the tree. */
	ExitProcess((UINT)code);
}
