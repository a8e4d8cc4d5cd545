/* SPDX-License-Identifier: MIT */
/*
 * The channel between paddock.exe and paddock-runner.exe: two named pipes,
 * "-in" (parent to runner) and "-out" (runner to parent), carrying the
 * frames of frame.h. The parent creates both, starts the runner with their
 * names, accepts it (and only it) as their client, then both sides send
 * and receive whole frames. Used by paddock.exe (elevated.c), the runner
 * (runner.c) and the Wine test client (tests/windows/runner_client.c).
 *
 * Every function returns 0 or a negative errno and fills err with
 * PADDOCK_STEP_RUNNER and the native code.
 */
#ifndef PADDOCK_WINDOWS_CHANNEL_H
#define PADDOCK_WINDOWS_CHANNEL_H

#include "windows/frame.h"
#include "windows/win32.h"

/* "\\.\pipe\paddock-runner-" 32 hex digits "-out" and a NUL. */
#define WIN_CHANNEL_NAME_MAX 64

struct win_channel {
	HANDLE in; /* written by the parent, read by the runner */
	HANDLE out; /* written by the runner, read by the parent */
	SRWLOCK write_lock; /* one frame at a time on the side's pipe */
	char names[2][WIN_CHANNEL_NAME_MAX]; /* in, out */
};

/*
 * The parent's side: two pipes with fresh random names (BCryptGenRandom),
 * FILE_FLAG_FIRST_PIPE_INSTANCE (a name someone else holds fails, never
 * joins their pipe), PIPE_REJECT_REMOTE_CLIENTS, one instance each, and a
 * protected DACL that admits client_sid (the sandbox user's SID, or the
 * caller's own for the test client) and nobody else.
 */
int win_channel_create(const wchar_t *client_sid, struct win_channel *ret,
		       struct paddock_error *err);

/*
 * Wait until process (the runner just started) has connected to both
 * pipes, at most timeout_ms, then check with GetNamedPipeClientProcessId
 * that their client is that process: -EPERM when it is another (anything
 * else running as the sandbox user may try), -ETIMEDOUT, -ESRCH when the
 * runner ended first.
 */
int win_channel_accept(struct win_channel *c, HANDLE process, DWORD pid,
		       DWORD timeout_ms, struct paddock_error *err);

/* The runner's side: open both pipes by name (validated first). */
int win_channel_open(const char *in_name, const char *out_name,
		     struct win_channel *ret, struct paddock_error *err);

/* Send one frame on the side's own pipe (the parent's "in", the runner's
 * "out"), whole, under the write lock. */
int win_channel_send(struct win_channel *c, enum win_frame_reader to,
		     const struct win_frame *f, struct paddock_error *err);

/*
 * The parent's side only: send one frame to the runner within timeout_ms,
 * without ever waiting on the write lock (it is tried until the time is
 * up) or past the time on the pipe. -ETIMEDOUT when the lock stayed taken
 * or the pipe took no frame in time; a frame cut short by the time is
 * then on the pipe, so the caller must end the runner, whose stream
 * cannot be trusted any more.
 */
int win_channel_send_within(struct win_channel *c, const struct win_frame *f,
			    DWORD timeout_ms, struct paddock_error *err);

/*
 * Receive one frame sent to reader. *ret_body holds the body the frame
 * points into: free() it after win_frame_clear(). -EPIPE when the other
 * side closed the pipe between frames; -EPROTO, -EBADMSG, -EMSGSIZE for a
 * frame frame.h refuses; -EIO.
 */
int win_channel_recv(struct win_channel *c, enum win_frame_reader reader,
		     struct win_frame *ret, uint8_t **ret_body,
		     struct paddock_error *err);

/* Close both pipes; a zeroed channel is accepted. */
void win_channel_close(struct win_channel *c);

/* --- the parent's relay ---------------------------------------------- */

/* How the runner's last frame ended the launch. */
struct win_relay_end {
	bool ready; /* the command had started (a READY frame came) */
	bool is_error; /* an ERROR frame, or the runner went silent */
	uint32_t code; /* EXIT: the command's code */
	bool timed_out; /* EXIT */
	enum win_frame_stage stage; /* ERROR */
	uint32_t native; /* ERROR */
	char message[WIN_FRAME_MAX_MESSAGE + 1]; /* ERROR */
};

/*
 * The parent's side of a launch, once the spawn request is sent: stdout
 * and stderr frames are written to out and err; after the READY frame, a
 * thread reads in (NULL: the command's stdin is NUL) and sends it as
 * stdin frames, within the stdin window (frame.h), then STDIN_EOF.
 * Nothing is read from in before READY, so that a request retried after
 * an error frame loses no input. Set ch, in, out and err; the rest is the
 * relay's.
 */
struct win_relay {
	struct win_channel *ch;
	HANDLE in, out, err;
	HANDLE stdin_thread;
	HANDLE credit; /* a semaphore: the window's free places */
	HANDLE stop; /* an event: the stdin thread is to end */
	uint8_t *buf; /* the stdin thread's chunk */
};

/*
 * Relay until the EXIT or ERROR frame, into *ret (zeroed by the caller
 * before the first call), and return true; with until_ready, return false
 * as soon as the READY frame came, to be called again later. A broken
 * pipe or a refused frame before the end is an error end of stage
 * PROTOCOL, with the message saying so.
 */
bool win_relay_run(struct win_relay *r, bool until_ready,
		   struct win_relay_end *ret);
/* Ask the runner to end the tree (a TERMINATE frame), within timeout_ms
 * (win_channel_send_within()); any thread. */
int win_relay_terminate(struct win_relay *r, DWORD timeout_ms);
/*
 * The end after a signal: the terminate frame, then the runner's end,
 * both within grace_ms, from a thread that may wait (not a console
 * control handler). A runner that has not ended by then is ended, which
 * closes its job and so kills the tree (kill-on-close), and breaks the
 * pipes, which ends the relay. A frame cut off by the time breaks the
 * stream, which ending the runner makes moot.
 */
enum win_relay_ending {
	WIN_RELAY_ENDED, /* the runner ended by itself */
	WIN_RELAY_KILLED, /* the frame went, the runner did not end */
	WIN_RELAY_KILLED_UNSENT, /* the frame could not be sent in time */
};
enum win_relay_ending win_relay_end_runner(struct win_relay *r, HANDLE runner,
					   DWORD grace_ms);
/*
 * Stop the stdin thread (it may block on a console or pipe read, or on a
 * send) and free what it used; a relay whose thread never started is
 * accepted. false when the thread did not end within 2 s (a driver that
 * ignores cancellation): it still uses the relay and the channel, which
 * the caller must then leave allocated and open.
 */
bool win_relay_finish(struct win_relay *r);

#endif
