/* SPDX-License-Identifier: MIT */
/*
 * The frames paddock.exe and paddock-runner.exe exchange over their two
 * named pipes (the elevated mode, docs/windows.md), and the pure decisions
 * of the elevated mode's run path. Plain C: unit-tested and fuzzed on
 * Linux.
 *
 * A frame is an 8-byte header, then a body:
 *
 *   u32 body length | u16 version | u16 type | body
 *
 * all little-endian. Strings in a body are a u32 length, that many bytes
 * of UTF-8 holding no NUL, then a NUL. Bodies:
 *
 *   SPAWN      u32 flags, u32 timeout_ms, str application,
 *              str command_line, str cwd, u32 n_env, n_env x str,
 *              u32 n_caps, n_caps x str (capability SIDs)
 *   READY      u32 the command's process id
 *   STDOUT, STDERR, STDIN   1 to WIN_FRAME_MAX_CHUNK bytes
 *   STDIN_EOF, TERMINATE, STDIN_ACK    nothing
 *   EXIT       u32 exit code, u32 flags (WIN_FRAME_EXIT_TIMED_OUT)
 *   ERROR      u32 stage, u32 native code, str message
 *
 * THE TRUST BOUNDARY. The parent (the real user) reads what the runner
 * sends, and the runner runs as a sandbox user, the same principal as
 * every sandboxed command of earlier runs: a frame from that side may be
 * forged by anything the sandbox ran. So every length and count is
 * bounded before anything is allocated (the header's length by the type's
 * own bound, counts by their bound and by the bytes left), unknown
 * versions, types, flags and stages are refused, a body must be consumed
 * exactly, and decoded strings are checked to hold no NUL. The runner
 * reads what the parent sends, decoded with the same checks; the request
 * gives it nothing it did not have (it starts a command as itself, more
 * restricted), so it need not trust the parent either.
 *
 * STDIN FLOW. The parent sends a stdin chunk only while fewer than
 * WIN_FRAME_STDIN_WINDOW of those it sent are unacknowledged; the runner
 * acknowledges each (STDIN_ACK) once it has written it to the command, or
 * dropped it because the command closed its stdin. The runner can then
 * always read the parent's next frame at once, with at most the window
 * queued for the command: a terminate frame never waits behind stdin data
 * a command does not read. A parent that sends beyond the window, and a
 * runner that acknowledges more than it was sent, are refused.
 */
#ifndef PADDOCK_WINDOWS_FRAME_H
#define PADDOCK_WINDOWS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 2: STDIN_ACK and the stdin window. */
#define WIN_FRAME_VERSION 2
#define WIN_FRAME_HEADER_SIZE 8
/* A spawn request's body: a command line (32767 UTF-16 units, at most
 * three bytes each in UTF-8), an environment block of the same order and
 * room to spare. */
#define WIN_FRAME_MAX_BODY (1024u * 1024u)
#define WIN_FRAME_MAX_CHUNK (64u * 1024u)
#define WIN_FRAME_MAX_ENV 4096u
/* One capability SID per writable-root class (workspace, others). */
#define WIN_FRAME_MAX_CAPS 8u
#define WIN_FRAME_MAX_MESSAGE 1024u
/* Stdin chunks the parent may have sent and the runner not acknowledged:
 * what the runner queues for a command at most. */
#define WIN_FRAME_STDIN_WINDOW 4u

enum win_frame_type {
	WIN_FRAME_SPAWN = 1, /* parent -> runner */
	WIN_FRAME_READY, /* runner -> parent: the command started */
	WIN_FRAME_STDOUT, /* runner -> parent */
	WIN_FRAME_STDERR, /* runner -> parent */
	WIN_FRAME_STDIN, /* parent -> runner */
	WIN_FRAME_STDIN_EOF, /* parent -> runner */
	WIN_FRAME_TERMINATE, /* parent -> runner: end the tree */
	WIN_FRAME_EXIT, /* runner -> parent: the last frame */
	WIN_FRAME_ERROR, /* runner -> parent: the last frame */
	WIN_FRAME_STDIN_ACK, /* runner -> parent: one stdin chunk written */
};
#define WIN_FRAME_TYPE_LAST WIN_FRAME_STDIN_ACK

/* Who reads a frame: a reader refuses the types the other side reads. */
enum win_frame_reader {
	WIN_FRAME_TO_RUNNER,
	WIN_FRAME_TO_PARENT,
};

/* The spawn request's flags. */
#define WIN_FRAME_SPAWN_STDIN 0x1u /* stdin frames follow; else NUL */
#define WIN_FRAME_SPAWN_DESKTOP 0x2u /* a private desktop for the launch */
/* No restricted token: only ever the request of --sandbox full-access,
 * which confines no write anyway (the runner's user and its firewall
 * rule still apply). The parent sets it for nothing else. */
#define WIN_FRAME_SPAWN_UNRESTRICTED 0x4u
#define WIN_FRAME_SPAWN_FLAGS 0x7u

#define WIN_FRAME_EXIT_TIMED_OUT 0x1u

/* Where the runner failed: the stage of an error frame. */
enum win_frame_stage {
	WIN_FRAME_STAGE_PROTOCOL = 1, /* a bad or unexpected frame */
	WIN_FRAME_STAGE_TOKEN, /* its own token, the restricted one */
	WIN_FRAME_STAGE_DESKTOP, /* the private desktop */
	WIN_FRAME_STAGE_JOB, /* the job object */
	WIN_FRAME_STAGE_LAUNCH, /* CreateProcessAsUserW */
	WIN_FRAME_STAGE_LOGON_SESSION, /* the launch found its logon
					* session gone (1312): retry */
	WIN_FRAME_STAGE_NOT_FOUND, /* the program does not exist: 127 */
	WIN_FRAME_STAGE_EXECUTE, /* the program cannot be executed: 126 */
	WIN_FRAME_STAGE_IO, /* the command's pipes */
	WIN_FRAME_STAGE_WAIT, /* waiting for the command */
};
#define WIN_FRAME_STAGE_LAST WIN_FRAME_STAGE_WAIT

struct win_frame_spawn {
	uint32_t flags;
	uint32_t timeout_ms; /* 0: none */
	const char *application; /* full path of the program (or cmd.exe) */
	const char *command_line; /* as CreateProcessW takes it */
	const char *cwd;
	const char **env; /* "NAME=value", sorted as Windows wants */
	size_t n_env;
	const char **capability_sids;
	size_t n_caps;
};

struct win_frame {
	enum win_frame_type type;
	union {
		struct win_frame_spawn spawn;
		struct {
			const uint8_t *data;
			size_t len;
		} chunk; /* STDOUT, STDERR, STDIN */
		uint32_t pid; /* READY */
		struct {
			uint32_t code;
			bool timed_out;
		} exit;
		struct {
			enum win_frame_stage stage;
			uint32_t native;
			const char *message;
		} error;
	};
};

/*
 * Read a header: *ret_type and *ret_len (the body's length) when the
 * version is WIN_FRAME_VERSION, the type one that reader reads, and the
 * length within that type's bound. -EPROTO for another version, -EBADMSG
 * for a type not for reader, -EMSGSIZE for a length out of bounds.
 */
int win_frame_header(const uint8_t header[WIN_FRAME_HEADER_SIZE],
		     enum win_frame_reader reader,
		     enum win_frame_type *ret_type, uint32_t *ret_len);

/*
 * Decode the body of a frame of type (len bytes, as the header said).
 * Strings and chunks point into body, which must outlive ret; a spawn
 * request's env and capability_sids arrays are allocated (at most one
 * pointer per byte of body) and freed by win_frame_clear(). -EBADMSG for
 * any malformed body, -ENOMEM.
 */
int win_frame_decode(enum win_frame_type type, const uint8_t *body, size_t len,
		     struct win_frame *ret);
void win_frame_clear(struct win_frame *f);

/* Encode f, header included, into a malloc'ed buffer; -E2BIG when a
 * length or count is beyond its bound, -EINVAL for a string holding a
 * NUL or an unknown type, flag or stage, -ENOMEM. */
int win_frame_encode(const struct win_frame *f, uint8_t **ret, size_t *ret_len);

/* --- the elevated mode's decisions ------------------------------------ */

/* What --windows-mode asked. */
enum win_elev_request {
	WIN_ELEV_AUTO,
	WIN_ELEV_FORCE_ELEVATED,
	WIN_ELEV_FORCE_UNELEVATED,
};

enum win_elev_choice {
	WIN_ELEV_USE_ELEVATED,
	WIN_ELEV_USE_UNELEVATED,
	WIN_ELEV_REFUSE, /* no valid setup where one is needed: 125 */
};

/* What win_setup_load() found. */
enum win_elev_setup {
	WIN_ELEV_SETUP_ABSENT, /* never set up (no marker) */
	WIN_ELEV_SETUP_BROKEN, /* a marker the system does not bear out */
	WIN_ELEV_SETUP_VALID,
};

/*
 * The mode of a run: elevated when setup is valid, unless unelevated is
 * forced; never the unelevated mode when elevated was forced. Full access
 * means the user's own rights, which a sandbox user does not have: auto
 * then picks the unelevated mode, and forcing elevated is refused.
 *
 * A setup that is there but cannot be trusted (a firewall rule or filter
 * deleted, Group Policy overriding local rules, a stale marker) is
 * refused in auto too: the user chose the elevated mode's network block,
 * and quietly running with the unelevated mode's advisory one instead
 * would weaken the run without asking. --windows-mode=unelevated is the
 * explicit way to accept that.
 */
enum win_elev_choice win_elev_choose(enum win_elev_request request,
				     enum win_elev_setup setup,
				     bool full_access);

/* The hop that failed: the parent's CreateProcessWithLogonW, or the
 * runner's own launch (an error frame). */
enum win_elev_hop {
	WIN_ELEV_HOP_LOGON,
	WIN_ELEV_HOP_RUNNER,
};

#define WIN_ELEV_LOGON_SESSION_GONE 1312u /* ERROR_NO_SUCH_LOGON_SESSION */
#define WIN_ELEV_LOGON_RIGHT_MISSING 1385u /* ERROR_LOGON_TYPE_NOT_GRANTED */

/* Whether a failure is the vanished logon session that one refresh of the
 * credentials and one retry of the identical request may cure: only on
 * the first attempt (attempt 0). */
bool win_elev_should_retry(enum win_elev_hop hop, uint32_t stage,
			   uint32_t native, unsigned attempt);

/* The stage a failed launch (CreateProcessAsUserW's native code) is
 * reported as: 1312 its own (the parent retries), not found (127), not
 * an executable (126), else the launch's failure (125). */
enum win_frame_stage win_elev_launch_stage(uint32_t native);

/* The exit status an error frame's stage means: 127 not found, 126
 * cannot execute, 125 for every failure of the runner itself. */
int win_elev_error_status(enum win_frame_stage stage);

/* How a launch through the runner ended, as paddock reports it. */
enum win_elev_outcome {
	WIN_ELEV_EXITED, /* the command's own code */
	WIN_ELEV_EXEC_FAILED, /* the program was not found (127) or not
			       * executable (126) */
	WIN_ELEV_TIMED_OUT, /* 124 */
	WIN_ELEV_SIGNALED, /* 130 after Ctrl-C */
	WIN_ELEV_FAILED, /* 125: paddock's or the runner's failure */
};

/* What paddock knows at the end of a launch. */
struct win_elev_end {
	bool error; /* an error frame, or the runner went silent */
	enum win_frame_stage stage; /* the error's */
	bool timed_out; /* the exit frame said so */
	bool killed_at_timeout; /* paddock ended a runner that outlived the
				 * timeout */
	bool signaled; /* a signal asked for the end */
};

/*
 * The outcome: a command that could not start keeps its 127 or 126; a
 * timeout, reported or enforced by paddock, is 124; a signal then wins
 * over everything else, a runner's error or silence included, since
 * after a signal paddock may end the runner itself and its death is that
 * signal's doing; any other error is 125.
 */
enum win_elev_outcome win_elev_outcome(const struct win_elev_end *end);

/* The pipe names of one launch, "\\.\pipe\paddock-runner-" and 32 hex
 * digits of words, then "-in" (parent -> runner) or "-out". -ENOSPC when
 * size is too small. */
int win_elev_pipe_name(const uint32_t words[4], bool to_runner, char *buf,
		       size_t size);

/* Whether name is a pipe name win_elev_pipe_name() writes: what the runner
 * accepts on its command line, so that it connects to nothing else. */
bool win_elev_pipe_name_valid(const char *name);

/*
 * The security descriptor, in SDDL, of the window station and the desktop
 * the runner makes for one launch: protected, full access for the sandbox
 * user (the normal access check of the command's token) and for the
 * launch's SID (its restricting SID, which writes need), nothing for
 * anyone else. -EINVAL unless both parse as SIDs and launch_sid has the
 * capability shape; -ENOSPC when size is too small.
 */
int win_elev_desktop_sddl(const char *user_sid, const char *launch_sid,
			  char *buf, size_t size);

/* The job's UI restrictions (JOB_OBJECT_UILIMIT_*, with winnt.h's values):
 * no USER handles of processes outside the job, no clipboard, no desktop
 * switching or creation, no system-wide settings, display changes or
 * logoff. Global atoms are left alone: the window station is the
 * command's own, and some tools use them. */
#define WIN_ELEV_UILIMIT_HANDLES 0x1u
#define WIN_ELEV_UILIMIT_READCLIPBOARD 0x2u
#define WIN_ELEV_UILIMIT_WRITECLIPBOARD 0x4u
#define WIN_ELEV_UILIMIT_SYSTEMPARAMETERS 0x8u
#define WIN_ELEV_UILIMIT_DISPLAYSETTINGS 0x10u
#define WIN_ELEV_UILIMIT_DESKTOP 0x40u
#define WIN_ELEV_UILIMIT_EXITWINDOWS 0x80u
#define WIN_ELEV_JOB_UI_LIMITS                                                 \
	(WIN_ELEV_UILIMIT_HANDLES | WIN_ELEV_UILIMIT_READCLIPBOARD |           \
	 WIN_ELEV_UILIMIT_WRITECLIPBOARD | WIN_ELEV_UILIMIT_SYSTEMPARAMETERS | \
	 WIN_ELEV_UILIMIT_DISPLAYSETTINGS | WIN_ELEV_UILIMIT_DESKTOP |         \
	 WIN_ELEV_UILIMIT_EXITWINDOWS)

#endif
