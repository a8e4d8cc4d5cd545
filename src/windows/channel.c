/* SPDX-License-Identifier: MIT */
/*
 * The parent-runner channel (channel.h): two named pipes and whole frames
 * over them.
 *
 * Who may connect. The pipes' names are random and their DACL admits only
 * the sandbox user, so only the runner and processes running as that user
 * (the sandboxed commands of earlier runs among them) could open them.
 * FILE_FLAG_FIRST_PIPE_INSTANCE and a single instance mean the name is the
 * parent's from its creation, and the first client is the only one; the
 * parent then checks that this client is the process it started, and
 * refuses the run otherwise. The runner opens the pipes with
 * SECURITY_IDENTIFICATION, so the parent could not act as the sandbox user
 * even if it tried.
 *
 * The parent's pipes are overlapped, so that accepting the runner can wait
 * for the runner's end and a timeout too; the runner's are synchronous.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/channel.h"

#include <bcrypt.h>
#include <sddl.h>

#define PIPE_BUFFER (64 * 1024)

static int fail(struct paddock_error *err, DWORD native, const char *operand,
		const char *what)
{
	return win_err_set(err, PADDOCK_STEP_RUNNER, native, operand, what);
}

/* Wait for an overlapped operation, until deadline (GetTickCount64(); 0:
 * no end), then cancel it: 0, ERROR_TIMEOUT or the native code. */
static DWORD wait_io(HANDLE h, OVERLAPPED *ov, DWORD *n, ULONGLONG deadline)
{
	ULONGLONG now = GetTickCount64();
	DWORD ms = deadline == 0    ? INFINITE
		   : now < deadline ? (DWORD)(deadline - now)
				    : 0;
	DWORD native;

	if (WaitForSingleObject(ov->hEvent, ms) == WAIT_TIMEOUT)
		CancelIoEx(h, ov);
	/* A cancelled operation still completes into ov: wait for it. */
	if (GetOverlappedResult(h, ov, n, TRUE))
		return 0;
	native = GetLastError();
	return native == ERROR_OPERATION_ABORTED && deadline ? ERROR_TIMEOUT
							     : native;
}

/* Read or write exactly len bytes; 0 or the native code. An overlapped
 * handle gets an OVERLAPPED and is waited for, until deadline as
 * wait_io() says. */
static DWORD io(HANDLE h, bool overlapped, bool write, uint8_t *buf, size_t len,
		ULONGLONG deadline)
{
	while (len) {
		OVERLAPPED ov = { 0 };
		DWORD n = 0, native = 0;
		DWORD chunk = len > PIPE_BUFFER ? PIPE_BUFFER : (DWORD)len;
		BOOL ok;

		if (overlapped) {
			ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
			if (!ov.hEvent)
				return GetLastError();
		}
		ok = write ? WriteFile(h, buf, chunk, &n,
				       overlapped ? &ov : NULL)
			   : ReadFile(h, buf, chunk, &n,
				      overlapped ? &ov : NULL);
		if (!ok)
			native = GetLastError();
		if (overlapped && (ok || native == ERROR_IO_PENDING))
			native = wait_io(h, &ov, &n, deadline);
		if (overlapped)
			CloseHandle(ov.hEvent);
		if (native)
			return native;
		if (n == 0)
			return ERROR_BROKEN_PIPE;
		buf += n;
		len -= n;
	}
	return 0;
}

static int random_words(uint32_t words[4], struct paddock_error *err)
{
	NTSTATUS status = BCryptGenRandom(NULL, (PUCHAR)words, 16,
					  BCRYPT_USE_SYSTEM_PREFERRED_RNG);

	if (!BCRYPT_SUCCESS(status))
		return fail(err, (DWORD)status, NULL, "BCryptGenRandom failed");
	return 0;
}

/* A protected DACL: read and write for client_sid only. */
static int client_only(const wchar_t *client_sid, PSECURITY_DESCRIPTOR *ret,
		       struct paddock_error *err)
{
	wchar_t sddl[256];
	int n = swprintf(sddl, 256, L"D:P(A;;GRGW;;;%ls)", client_sid);

	if (n < 0 || n >= 256)
		return error_set(err, PADDOCK_STEP_RUNNER, EINVAL, NULL,
				 "the sandbox user's SID is too long");
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
		    sddl, SDDL_REVISION_1, ret, NULL))
		return fail(err, GetLastError(), NULL,
			    "cannot build the pipes' security descriptor");
	return 0;
}

static int make_pipe(const char *name, DWORD direction, SECURITY_ATTRIBUTES *sa,
		     HANDLE *ret, struct paddock_error *err)
{
	wchar_t *wide;
	int r = win_str_wide(name, &wide);

	if (r < 0)
		return error_set(err, PADDOCK_STEP_RUNNER, -r, name, NULL);
	*ret = CreateNamedPipeW(wide,
				direction | FILE_FLAG_FIRST_PIPE_INSTANCE |
					FILE_FLAG_OVERLAPPED,
				PIPE_TYPE_BYTE | PIPE_READMODE_BYTE |
					PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
				1, PIPE_BUFFER, PIPE_BUFFER, 0, sa);
	free(wide);
	if (*ret == INVALID_HANDLE_VALUE) {
		*ret = NULL;
		return fail(err, GetLastError(), name,
			    "cannot create the runner's pipe");
	}
	return 0;
}

int win_channel_create(const wchar_t *client_sid, struct win_channel *ret,
		       struct paddock_error *err)
{
	SECURITY_ATTRIBUTES sa = { .nLength = sizeof(sa) };
	struct win_channel c = { 0 };
	uint32_t words[4];
	int r;

	InitializeSRWLock(&c.write_lock);
	r = random_words(words, err);
	if (r == 0 && (win_elev_pipe_name(words, true, c.names[0],
					  WIN_CHANNEL_NAME_MAX) < 0 ||
		       win_elev_pipe_name(words, false, c.names[1],
					  WIN_CHANNEL_NAME_MAX) < 0))
		r = error_set(err, PADDOCK_STEP_RUNNER, ENOSPC, NULL,
			      "pipe name too long");
	if (r == 0)
		r = client_only(client_sid, &sa.lpSecurityDescriptor, err);
	if (r < 0)
		return r;
	r = make_pipe(c.names[0], PIPE_ACCESS_OUTBOUND, &sa, &c.in, err);
	if (r == 0)
		r = make_pipe(c.names[1], PIPE_ACCESS_INBOUND, &sa, &c.out,
			      err);
	LocalFree(sa.lpSecurityDescriptor);
	if (r < 0) {
		win_channel_close(&c);
		return r;
	}
	*ret = c;
	return 0;
}

/* Start an overlapped connect; *ret_done when a client already came. */
static DWORD start_connect(HANDLE pipe, OVERLAPPED *ov, bool *ret_done)
{
	DWORD native;

	*ret_done = false;
	ov->hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!ov->hEvent)
		return GetLastError();
	native = ConnectNamedPipe(pipe, ov) ? 0 : GetLastError();
	if (native == 0 || native == ERROR_PIPE_CONNECTED) {
		*ret_done = true;
		return 0;
	}
	return native == ERROR_IO_PENDING ? 0 : native;
}

/* Wait for both connects, the runner's end or the timeout. */
static int wait_connects(struct win_channel *c, OVERLAPPED ov[2], bool done[2],
			 HANDLE process, DWORD timeout_ms,
			 struct paddock_error *err)
{
	ULONGLONG deadline = GetTickCount64() + timeout_ms;
	HANDLE pipes[2] = { c->in, c->out };

	while (!done[0] || !done[1]) {
		HANDLE wait[2] = { ov[done[0] ? 1 : 0].hEvent, process };

		ULONGLONG now = GetTickCount64();
		size_t i = done[0] ? 1 : 0;
		DWORD w, n;

		if (now >= deadline)
			return error_set(
				err, PADDOCK_STEP_RUNNER, ETIMEDOUT, NULL,
				"the runner did not connect to its pipes in time");
		w = WaitForMultipleObjects(2, wait, FALSE,
					   (DWORD)(deadline - now));
		if (w == WAIT_OBJECT_0 + 1)
			return error_set(
				err, PADDOCK_STEP_RUNNER, ESRCH, NULL,
				"the runner ended before it connected to its pipes");
		if (w == WAIT_FAILED)
			return fail(err, GetLastError(), NULL,
				    "cannot wait for the runner");
		if (w != WAIT_OBJECT_0)
			continue;
		if (!GetOverlappedResult(pipes[i], &ov[i], &n, FALSE))
			return fail(err, GetLastError(), c->names[i],
				    "the runner's connection failed");
		done[i] = true;
	}
	return 0;
}

/* Whether the client of pipe is the process pid. */
static int check_client(HANDLE pipe, const char *name, DWORD pid,
			struct paddock_error *err)
{
	ULONG client = 0;

	if (!GetNamedPipeClientProcessId(pipe, &client))
		return fail(
			err, GetLastError(), name,
			"cannot tell which process connected to the runner's pipe");
	if (client != pid)
		return error_set(
			err, PADDOCK_STEP_RUNNER, EPERM, name,
			"a process other than the runner paddock started connected to its pipe; refused");
	return 0;
}

int win_channel_accept(struct win_channel *c, HANDLE process, DWORD pid,
		       DWORD timeout_ms, struct paddock_error *err)
{
	OVERLAPPED ov[2] = { { 0 }, { 0 } };
	bool done[2] = { false, false };
	DWORD native = start_connect(c->in, &ov[0], &done[0]);
	int r = 0;

	if (!native)
		native = start_connect(c->out, &ov[1], &done[1]);
	if (native)
		r = fail(err, native, NULL, "cannot wait for the runner");
	if (r == 0)
		r = wait_connects(c, ov, done, process, timeout_ms, err);
	for (int i = 0; i < 2; i++) {
		HANDLE pipe = i ? c->out : c->in;
		DWORD n;

		/* A connect still pending writes into ov[i] when it ends:
		 * cancel it and wait for it before ov goes away. */
		if (r < 0 && ov[i].hEvent && !done[i] &&
		    CancelIoEx(pipe, &ov[i]))
			GetOverlappedResult(pipe, &ov[i], &n, TRUE);
		if (ov[i].hEvent)
			CloseHandle(ov[i].hEvent);
	}
	if (r == 0)
		r = check_client(c->in, c->names[0], pid, err);
	if (r == 0)
		r = check_client(c->out, c->names[1], pid, err);
	return r;
}

static int open_pipe(const char *name, DWORD access, HANDLE *ret,
		     struct paddock_error *err)
{
	wchar_t *wide;
	int r;

	if (!win_elev_pipe_name_valid(name))
		return error_set(err, PADDOCK_STEP_RUNNER, EINVAL, name,
				 "not a pipe name of paddock's");
	r = win_str_wide(name, &wide);
	if (r < 0)
		return error_set(err, PADDOCK_STEP_RUNNER, -r, name, NULL);
	*ret = CreateFileW(wide, access, 0, NULL, OPEN_EXISTING,
			   SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
			   NULL);
	free(wide);
	if (*ret == INVALID_HANDLE_VALUE) {
		*ret = NULL;
		return fail(err, GetLastError(), name,
			    "cannot open the parent's pipe");
	}
	return 0;
}

int win_channel_open(const char *in_name, const char *out_name,
		     struct win_channel *ret, struct paddock_error *err)
{
	struct win_channel c = { 0 };
	int r;

	InitializeSRWLock(&c.write_lock);
	r = open_pipe(in_name, GENERIC_READ, &c.in, err);
	if (r == 0)
		r = open_pipe(out_name, GENERIC_WRITE, &c.out, err);
	if (r < 0) {
		win_channel_close(&c);
		return r;
	}
	snprintf(c.names[0], WIN_CHANNEL_NAME_MAX, "%s", in_name);
	snprintf(c.names[1], WIN_CHANNEL_NAME_MAX, "%s", out_name);
	*ret = c;
	return 0;
}

static int sent(DWORD native, struct paddock_error *err)
{
	if (native == ERROR_BROKEN_PIPE || native == ERROR_NO_DATA)
		return error_set(err, PADDOCK_STEP_RUNNER, EPIPE, NULL,
				 "the other end of the runner's pipe is gone");
	if (native == ERROR_TIMEOUT)
		return error_set(err, PADDOCK_STEP_RUNNER, ETIMEDOUT, NULL,
				 "the runner's pipe took no frame in time");
	return native ? fail(err, native, NULL, "cannot write to the pipe") : 0;
}

static int encode(const struct win_frame *f, uint8_t **ret, size_t *ret_len,
		  struct paddock_error *err)
{
	int r = win_frame_encode(f, ret, ret_len);

	return r < 0 ? error_set(err, PADDOCK_STEP_RUNNER, -r, NULL,
				 "cannot encode a frame")
		     : 0;
}

/* The parent created the pipes overlapped; the runner opened them
 * synchronously. Which side this is follows from the direction. */
int win_channel_send(struct win_channel *c, enum win_frame_reader to,
		     const struct win_frame *f, struct paddock_error *err)
{
	bool parent = to == WIN_FRAME_TO_RUNNER;
	uint8_t *buf;
	size_t len;
	DWORD native;
	int r = encode(f, &buf, &len, err);

	if (r < 0)
		return r;
	AcquireSRWLockExclusive(&c->write_lock);
	native = io(parent ? c->in : c->out, parent, true, buf, len, 0);
	ReleaseSRWLockExclusive(&c->write_lock);
	free(buf);
	return sent(native, err);
}

/* The lock is only tried, never waited for: whoever holds it may be
 * blocked on a runner that does not read. */
int win_channel_send_within(struct win_channel *c, const struct win_frame *f,
			    DWORD timeout_ms, struct paddock_error *err)
{
	ULONGLONG deadline = GetTickCount64() + timeout_ms;
	uint8_t *buf;
	size_t len;
	DWORD native;
	int r = encode(f, &buf, &len, err);

	if (r < 0)
		return r;
	while (!TryAcquireSRWLockExclusive(&c->write_lock)) {
		if (GetTickCount64() >= deadline) {
			free(buf);
			return sent(ERROR_TIMEOUT, err);
		}
		Sleep(5);
	}
	native = io(c->in, true, true, buf, len, deadline);
	ReleaseSRWLockExclusive(&c->write_lock);
	free(buf);
	return sent(native, err);
}

int win_channel_recv(struct win_channel *c, enum win_frame_reader reader,
		     struct win_frame *ret, uint8_t **ret_body,
		     struct paddock_error *err)
{
	bool parent = reader == WIN_FRAME_TO_PARENT;
	HANDLE h = parent ? c->out : c->in;
	uint8_t header[WIN_FRAME_HEADER_SIZE], *body;
	enum win_frame_type type;
	uint32_t len;
	DWORD native = io(h, parent, false, header, sizeof(header), 0);
	int r;

	if (native == ERROR_BROKEN_PIPE || native == ERROR_PIPE_NOT_CONNECTED)
		return error_set(err, PADDOCK_STEP_RUNNER, EPIPE, NULL,
				 "the other end of the runner's pipe is gone");
	if (native)
		return fail(err, native, NULL, "cannot read from the pipe");
	r = win_frame_header(header, reader, &type, &len);
	if (r < 0)
		return error_set(
			err, PADDOCK_STEP_RUNNER, -r, NULL,
			"refused a frame: bad version, type or length");
	body = malloc(len ? len : 1);
	if (!body)
		return -ENOMEM;
	native = io(h, parent, false, body, len, 0);
	if (native) {
		free(body);
		return fail(err, native, NULL, "a frame was cut short");
	}
	r = win_frame_decode(type, body, len, ret);
	if (r < 0) {
		free(body);
		return error_set(err, PADDOCK_STEP_RUNNER, -r, NULL,
				 "refused a malformed frame");
	}
	*ret_body = body;
	return 0;
}

void win_channel_close(struct win_channel *c)
{
	if (c->in)
		CloseHandle(c->in);
	if (c->out)
		CloseHandle(c->out);
	c->in = c->out = NULL;
}

/* --- the parent's relay ---------------------------------------------- */

/*
 * The stdin thread: a chunk is read only when the window has room (a
 * credit of r->credit, given back by the runner's STDIN_ACK), so that
 * stdin is consumed no faster than the command takes it, give or take the
 * window, and a send never waits on a runner that stopped reading frames
 * because its command does not read stdin.
 *
 * Known shortcoming: with an interactive console as stdin, this thread
 * reads what is typed while the command runs and hands it to the command,
 * whether the command reads its stdin or not; the unelevated mode's
 * command shares the console instead. docs/limitations.md lists it.
 */
static bool stopping(const struct win_relay *r)
{
	return WaitForSingleObject(r->stop, 0) == WAIT_OBJECT_0;
}

static DWORD WINAPI relay_stdin(void *arg)
{
	struct win_relay *r = arg;
	struct win_frame eof = { .type = WIN_FRAME_STDIN_EOF };
	struct win_frame f = { .type = WIN_FRAME_STDIN, .chunk = { r->buf } };
	/* The stop event first: when both are set, the lower index wins. */
	HANDLE stop_or_credit[2] = { r->stop, r->credit };
	DWORD n;

	for (;;) {
		if (WaitForMultipleObjects(2, stop_or_credit, FALSE,
					   INFINITE) != WAIT_OBJECT_0 + 1)
			return 0;
		if (!ReadFile(r->in, r->buf, WIN_FRAME_MAX_CHUNK, &n, NULL) ||
		    n == 0 || stopping(r))
			break;
		f.chunk.len = n;
		if (win_channel_send(r->ch, WIN_FRAME_TO_RUNNER, &f, NULL) < 0)
			return 0;
	}
	if (!stopping(r))
		win_channel_send(r->ch, WIN_FRAME_TO_RUNNER, &eof, NULL);
	return 0;
}

/* The stdin thread and what it uses; false when any of it cannot be
 * made, and then nothing of it remains. */
static bool start_stdin(struct win_relay *r)
{
	r->credit = CreateSemaphoreW(NULL, WIN_FRAME_STDIN_WINDOW,
				     WIN_FRAME_STDIN_WINDOW, NULL);
	r->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
	r->buf = malloc(WIN_FRAME_MAX_CHUNK);
	if (r->credit && r->stop && r->buf)
		r->stdin_thread =
			CreateThread(NULL, 0, relay_stdin, r, 0, NULL);
	if (r->stdin_thread)
		return true;
	win_relay_finish(r); /* no thread: always done */
	return false;
}

static void write_all(HANDLE to, const uint8_t *data, size_t len)
{
	DWORD n;

	/* The caller's stdout closed: the output is dropped, as a pipe
	 * would drop it, and the command goes on. */
	while (to && len && WriteFile(to, data, (DWORD)len, &n, NULL) && n) {
		data += n;
		len -= n;
	}
}

static void end_with(struct win_relay_end *ret, enum win_frame_stage stage,
		     uint32_t native, const char *message)
{
	ret->is_error = true;
	ret->stage = stage;
	ret->native = native;
	snprintf(ret->message, sizeof(ret->message), "%s", message);
}

/* One frame; true when it was the last. */
static bool relay_frame(struct win_relay *r, const struct win_frame *f,
			struct win_relay_end *ret)
{
	switch (f->type) {
	case WIN_FRAME_READY:
		if (ret->ready) {
			end_with(
				ret, WIN_FRAME_STAGE_PROTOCOL, 0,
				"the runner reported the command started twice");
			return true;
		}
		ret->ready = true;
		if (r->in && !start_stdin(r)) {
			end_with(ret, WIN_FRAME_STAGE_IO, GetLastError(),
				 "paddock cannot start relaying stdin");
			return true;
		}
		return false;
	case WIN_FRAME_STDIN_ACK:
		/* The semaphore's maximum is the window: more releases than
		 * chunks sent fail. */
		if (!r->credit || !ReleaseSemaphore(r->credit, 1, NULL)) {
			end_with(
				ret, WIN_FRAME_STAGE_PROTOCOL, 0,
				"the runner acknowledged stdin it was not sent");
			return true;
		}
		return false;
	case WIN_FRAME_STDOUT:
	case WIN_FRAME_STDERR:
		write_all(f->type == WIN_FRAME_STDOUT ? r->out : r->err,
			  f->chunk.data, f->chunk.len);
		return false;
	case WIN_FRAME_EXIT:
		ret->code = f->exit.code;
		ret->timed_out = f->exit.timed_out;
		return true;
	case WIN_FRAME_ERROR:
		end_with(ret, f->error.stage, f->error.native,
			 f->error.message);
		return true;
	default:
		end_with(ret, WIN_FRAME_STAGE_PROTOCOL, 0,
			 "the runner sent a frame only the runner reads");
		return true;
	}
}

bool win_relay_run(struct win_relay *r, bool until_ready,
		   struct win_relay_end *ret)
{
	for (;;) {
		struct paddock_error e = { 0 };
		struct win_frame f;
		uint8_t *body;
		bool last;

		if (win_channel_recv(r->ch, WIN_FRAME_TO_PARENT, &f, &body,
				     &e) < 0) {
			end_with(
				ret, WIN_FRAME_STAGE_PROTOCOL,
				(uint32_t)e.native,
				e.code == EPIPE
					? "the runner ended without reporting the command's end"
					: "refused a frame from the runner");
			return true;
		}
		last = relay_frame(r, &f, ret);
		win_frame_clear(&f);
		free(body);
		if (last)
			return true;
		if (until_ready && ret->ready)
			return false;
	}
}

int win_relay_terminate(struct win_relay *r, DWORD timeout_ms)
{
	struct win_frame f = { .type = WIN_FRAME_TERMINATE };

	return win_channel_send_within(r->ch, &f, timeout_ms, NULL);
}

enum win_relay_ending win_relay_end_runner(struct win_relay *r, HANDLE runner,
					   DWORD grace_ms)
{
	ULONGLONG deadline = GetTickCount64() + grace_ms;
	bool sent = win_relay_terminate(r, grace_ms) == 0;
	ULONGLONG now = GetTickCount64();

	if (sent && now < deadline &&
	    WaitForSingleObject(runner, (DWORD)(deadline - now)) ==
		    WAIT_OBJECT_0)
		return WIN_RELAY_ENDED;
	if (WaitForSingleObject(runner, 0) == WAIT_OBJECT_0)
		return WIN_RELAY_ENDED;
	/* 130, as for the run: the job's kill-on-close ends the tree. */
	TerminateProcess(runner, 130);
	return sent ? WIN_RELAY_KILLED : WIN_RELAY_KILLED_UNSENT;
}

/*
 * Why a loop. The stdin thread blocks in one of three places: the wait
 * for room in the window, which the stop event ends; the read of in,
 * which CancelSynchronousIo() ends; a send to the runner, which
 * CancelIoEx() on the pipe ends. A cancel reaches only an operation
 * already under way, and the thread may be between two (a cancel issued
 * just before its ReadFile is lost, and the read would then block for
 * good). So the stop event is set first, which every step checks before
 * it blocks again, and the cancels are repeated until the thread has
 * ended. The bound covers a driver that ignores cancellation: the thread
 * then keeps the relay and the channel, which are left to it rather than
 * freed under it.
 */
#define FINISH_TRIES 100
#define FINISH_TRY_MS 20

bool win_relay_finish(struct win_relay *r)
{
	int i = 0;

	if (r->stdin_thread) {
		SetEvent(r->stop);
		for (; i < FINISH_TRIES; i++) {
			CancelSynchronousIo(r->stdin_thread);
			CancelIoEx(r->ch->in, NULL);
			if (WaitForSingleObject(r->stdin_thread,
						FINISH_TRY_MS) != WAIT_TIMEOUT)
				break;
		}
		if (i == FINISH_TRIES)
			return false;
		CloseHandle(r->stdin_thread);
	}
	if (r->credit)
		CloseHandle(r->credit);
	if (r->stop)
		CloseHandle(r->stop);
	free(r->buf);
	r->stdin_thread = r->credit = r->stop = NULL;
	r->buf = NULL;
	return true;
}
