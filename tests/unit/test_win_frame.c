/* SPDX-License-Identifier: MIT */
/* Unit tests for the runner's frames and the elevated mode's decisions
 * (src/windows/frame.h): round trips, and every malformed frame refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/frame.h"

static const char *const env[] = { "PATH=C:\\Windows", "=C:=C:\\w", "X=" };
static const char *const caps[] = { "S-1-5-21-1-2-3-4", "S-1-5-21-5-6-7-8" };

static struct win_frame spawn_frame(void)
{
	return (struct win_frame){
		.type = WIN_FRAME_SPAWN,
		.spawn = {
			.flags = WIN_FRAME_SPAWN_STDIN | WIN_FRAME_SPAWN_DESKTOP,
			.timeout_ms = 1500,
			.application = "C:\\Windows\\system32\\cmd.exe",
			.command_line = "cmd /c \"echo h\xc3\xa9\"",
			.cwd = "C:\\work",
			.env = (const char **)env,
			.n_env = 3,
			.capability_sids = (const char **)caps,
			.n_caps = 2,
		},
	};
}

/* Encode f, read its header as reader, decode its body into out; the
 * encoded buffer is returned for the caller to free after out. */
static uint8_t *round_trip(const struct win_frame *f,
			   enum win_frame_reader reader, struct win_frame *out)
{
	enum win_frame_type type;
	uint8_t *buf;
	uint32_t len;
	size_t n;

	assert_int_equal(win_frame_encode(f, &buf, &n), 0);
	assert_int_equal(win_frame_header(buf, reader, &type, &len), 0);
	assert_int_equal(type, f->type);
	assert_int_equal(len + WIN_FRAME_HEADER_SIZE, n);
	assert_int_equal(win_frame_decode(type, buf + 8, len, out), 0);
	return buf;
}

static void spawn_round_trip(void **state)
{
	struct win_frame f = spawn_frame(), out;
	uint8_t *buf = round_trip(&f, WIN_FRAME_TO_RUNNER, &out);

	(void)state;
	assert_int_equal(out.spawn.flags, f.spawn.flags);
	assert_int_equal(out.spawn.timeout_ms, 1500);
	assert_string_equal(out.spawn.application, f.spawn.application);
	assert_string_equal(out.spawn.command_line, f.spawn.command_line);
	assert_string_equal(out.spawn.cwd, "C:\\work");
	assert_int_equal(out.spawn.n_env, 3);
	assert_string_equal(out.spawn.env[1], "=C:=C:\\w");
	assert_string_equal(out.spawn.env[2], "X=");
	assert_null(out.spawn.env[3]);
	assert_int_equal(out.spawn.n_caps, 2);
	assert_string_equal(out.spawn.capability_sids[1], caps[1]);
	win_frame_clear(&out);
	free(buf);
}

static void small_frames_round_trip(void **state)
{
	const uint8_t data[] = { 'a', 0, 0xff };
	struct win_frame in[] = {
		{ .type = WIN_FRAME_READY, .pid = 4242 },
		{ .type = WIN_FRAME_STDOUT, .chunk = { data, 3 } },
		{ .type = WIN_FRAME_STDERR, .chunk = { data, 1 } },
		{ .type = WIN_FRAME_EXIT, .exit = { 0xC0000005u, false } },
		{ .type = WIN_FRAME_EXIT, .exit = { 1, true } },
		{ .type = WIN_FRAME_ERROR,
		  .error = { WIN_FRAME_STAGE_LOGON_SESSION, 1312, "gone" } },
		{ .type = WIN_FRAME_STDIN_ACK },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct win_frame out;
		uint8_t *buf = round_trip(&in[i], WIN_FRAME_TO_PARENT, &out);

		switch (in[i].type) {
		case WIN_FRAME_READY:
			assert_int_equal(out.pid, 4242);
			break;
		case WIN_FRAME_EXIT:
			assert_int_equal(out.exit.code, in[i].exit.code);
			assert_int_equal(out.exit.timed_out,
					 in[i].exit.timed_out);
			break;
		case WIN_FRAME_ERROR:
			assert_int_equal(out.error.stage,
					 WIN_FRAME_STAGE_LOGON_SESSION);
			assert_int_equal(out.error.native, 1312);
			assert_string_equal(out.error.message, "gone");
			break;
		case WIN_FRAME_STDIN_ACK:
			assert_int_equal(out.type, WIN_FRAME_STDIN_ACK);
			break;
		default:
			assert_int_equal(out.chunk.len, in[i].chunk.len);
			assert_memory_equal(out.chunk.data, data,
					    in[i].chunk.len);
		}
		win_frame_clear(&out);
		free(buf);
	}
}

static void to_runner_frames_round_trip(void **state)
{
	const uint8_t data[] = "input";
	struct win_frame in[] = {
		{ .type = WIN_FRAME_STDIN, .chunk = { data, 5 } },
		{ .type = WIN_FRAME_STDIN_EOF },
		{ .type = WIN_FRAME_TERMINATE },
	};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct win_frame out;

		free(round_trip(&in[i], WIN_FRAME_TO_RUNNER, &out));
		assert_int_equal(out.type, in[i].type);
	}
}

static void header_refuses_version_type_direction_and_size(void **state)
{
	uint8_t h[8] = { 4, 0, 0, 0, WIN_FRAME_VERSION, 0, WIN_FRAME_READY, 0 };
	enum win_frame_type type;
	uint32_t len;

	(void)state;
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 0);
	/* the runner does not read what the runner sends */
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_RUNNER, &type, &len),
			 -EBADMSG);
	/* the version before the stdin window, and the one after */
	h[4] = WIN_FRAME_VERSION - 1;
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 -EPROTO);
	h[4] = WIN_FRAME_VERSION + 1;
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 -EPROTO);
	h[4] = WIN_FRAME_VERSION;
	h[5] = 1; /* version 257 */
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 -EPROTO);
	h[5] = 0;
	for (unsigned t = 0; t < 0x200; t += 0x1f) {
		h[6] = (uint8_t)t;
		h[7] = (uint8_t)(t >> 8);
		if (t >= WIN_FRAME_SPAWN && t <= WIN_FRAME_TYPE_LAST)
			continue;
		assert_int_equal(
			win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			-EBADMSG);
	}
	h[6] = WIN_FRAME_READY;
	h[7] = 0;
	h[0] = 5; /* a READY body is 4 bytes */
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 -EMSGSIZE);
	/* a chunk of 64 KiB + 1, a spawn request of 4 GiB - 1 */
	h[6] = WIN_FRAME_STDOUT;
	memcpy(h, "\x01\x00\x01\x00", 4);
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 -EMSGSIZE);
	h[6] = WIN_FRAME_SPAWN;
	memset(h, 0xff, 4);
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_RUNNER, &type, &len),
			 -EMSGSIZE);
	/* an empty chunk, a terminate with a body */
	h[6] = WIN_FRAME_STDIN;
	memset(h, 0, 4);
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_RUNNER, &type, &len),
			 -EMSGSIZE);
	h[6] = WIN_FRAME_TERMINATE;
	h[0] = 1;
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_RUNNER, &type, &len),
			 -EMSGSIZE);
	/* an acknowledgement is the runner's, and has no body */
	h[6] = WIN_FRAME_STDIN_ACK;
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 -EMSGSIZE);
	h[0] = 0;
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 0);
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_RUNNER, &type, &len),
			 -EBADMSG);
	h[6] = WIN_FRAME_TYPE_LAST + 1;
	assert_int_equal(win_frame_header(h, WIN_FRAME_TO_PARENT, &type, &len),
			 -EBADMSG);
}

/* Every proper prefix of a spawn body, and the body with a byte more, is
 * refused. */
static void truncated_spawn_refused(void **state)
{
	struct win_frame f = spawn_frame(), out;
	uint8_t *buf, *longer;
	size_t n;

	(void)state;
	assert_int_equal(win_frame_encode(&f, &buf, &n), 0);
	for (size_t len = 0; len < n - 8; len++)
		assert_int_equal(
			win_frame_decode(WIN_FRAME_SPAWN, buf + 8, len, &out),
			-EBADMSG);
	longer = malloc(n + 1);
	memcpy(longer, buf, n);
	longer[n] = 0;
	assert_int_equal(
		win_frame_decode(WIN_FRAME_SPAWN, longer + 8, n - 7, &out),
		-EBADMSG);
	free(longer);
	free(buf);
}

/* A spawn body built by hand. */
struct body {
	uint8_t b[256];
	size_t n;
};

static void u32(struct body *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->b[b->n++] = (uint8_t)(v >> (8 * i));
}

static void str(struct body *b, const char *s, size_t len)
{
	u32(b, (uint32_t)len);
	memcpy(b->b + b->n, s, len);
	b->n += len;
	b->b[b->n++] = 0;
}

static struct body spawn_head(uint32_t flags)
{
	struct body b = { .n = 0 };

	u32(&b, flags);
	u32(&b, 0);
	str(&b, "a.exe", 5);
	str(&b, "a", 1);
	str(&b, "C:\\", 3);
	return b;
}

static int decode(const struct body *b)
{
	struct win_frame out;
	int r = win_frame_decode(WIN_FRAME_SPAWN, b->b, b->n, &out);

	if (r == 0)
		win_frame_clear(&out);
	return r;
}

static void malicious_spawn_refused(void **state)
{
	struct body b;

	(void)state;
	b = spawn_head(0);
	u32(&b, 0);
	u32(&b, 0);
	assert_int_equal(decode(&b), 0);

	/* an unknown flag */
	b = spawn_head(0x80);
	u32(&b, 0);
	u32(&b, 0);
	assert_int_equal(decode(&b), -EBADMSG);

	/* a count far beyond the bytes that follow, which must not be
	 * allocated for */
	b = spawn_head(0);
	u32(&b, 0xffffffffu);
	u32(&b, 0);
	assert_int_equal(decode(&b), -EBADMSG);
	b = spawn_head(0);
	u32(&b, WIN_FRAME_MAX_ENV + 1);
	u32(&b, 0);
	assert_int_equal(decode(&b), -EBADMSG);

	/* more capability SIDs than allowed */
	b = spawn_head(0);
	u32(&b, 0);
	u32(&b, WIN_FRAME_MAX_CAPS + 1);
	for (unsigned i = 0; i <= WIN_FRAME_MAX_CAPS; i++)
		str(&b, "S", 1);
	assert_int_equal(decode(&b), -EBADMSG);

	/* a NUL inside a string; a string without its NUL */
	b = spawn_head(0);
	u32(&b, 1);
	str(&b, "A=\0B", 4);
	u32(&b, 0);
	assert_int_equal(decode(&b), -EBADMSG);
	b = spawn_head(0);
	u32(&b, 1);
	str(&b, "A=1", 3);
	b.b[b.n - 1] = 'x';
	u32(&b, 0);
	assert_int_equal(decode(&b), -EBADMSG);

	/* a string longer than what is left */
	b = spawn_head(0);
	u32(&b, 1);
	u32(&b, 1000);
	assert_int_equal(decode(&b), -EBADMSG);

	/* environment entries without a name or '=' */
	b = spawn_head(0);
	u32(&b, 1);
	str(&b, "", 0);
	u32(&b, 0);
	assert_int_equal(decode(&b), -EBADMSG);
	b = spawn_head(0);
	u32(&b, 1);
	str(&b, "NOVALUE", 7);
	u32(&b, 0);
	assert_int_equal(decode(&b), -EBADMSG);
}

static void empty_program_refused(void **state)
{
	struct body b = { .n = 0 };

	(void)state;
	u32(&b, 0);
	u32(&b, 0);
	str(&b, "", 0);
	str(&b, "a", 1);
	str(&b, "C:\\", 3);
	u32(&b, 0);
	u32(&b, 0);
	assert_int_equal(decode(&b), -EBADMSG);
}

static void bad_exit_and_error_refused(void **state)
{
	uint8_t exit_body[8] = { 0, 0, 0, 0, 2, 0, 0, 0 };
	uint8_t error_body[13] = { 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct win_frame out;

	(void)state;
	/* flag 2 does not exist */
	assert_int_equal(win_frame_decode(WIN_FRAME_EXIT, exit_body, 8, &out),
			 -EBADMSG);
	/* stage 99 does not exist, nor stage 0 */
	assert_int_equal(
		win_frame_decode(WIN_FRAME_ERROR, error_body, 13, &out),
		-EBADMSG);
	error_body[0] = 0;
	assert_int_equal(
		win_frame_decode(WIN_FRAME_ERROR, error_body, 13, &out),
		-EBADMSG);
	error_body[0] = WIN_FRAME_STAGE_IO;
	assert_int_equal(
		win_frame_decode(WIN_FRAME_ERROR, error_body, 13, &out), 0);
	assert_string_equal(out.error.message, "");
	/* a message announced longer than the bound */
	error_body[9] = 0x10;
	assert_int_equal(
		win_frame_decode(WIN_FRAME_ERROR, error_body, 13, &out),
		-EBADMSG);
}

static void encoder_refuses_what_decoder_would(void **state)
{
	static uint8_t big[WIN_FRAME_MAX_CHUNK + 1];
	char message[WIN_FRAME_MAX_MESSAGE + 2];
	const char *bad_env[] = { "NOEQUALS" };
	struct win_frame f = spawn_frame();
	uint8_t *buf;
	size_t n;

	(void)state;
	f.spawn.n_caps = WIN_FRAME_MAX_CAPS + 1;
	assert_int_equal(win_frame_encode(&f, &buf, &n), -E2BIG);
	f = spawn_frame();
	f.spawn.flags = 0x100;
	assert_int_equal(win_frame_encode(&f, &buf, &n), -EINVAL);
	f = spawn_frame();
	f.spawn.env = bad_env;
	f.spawn.n_env = 1;
	assert_int_equal(win_frame_encode(&f, &buf, &n), -EINVAL);
	f = (struct win_frame){ .type = WIN_FRAME_STDOUT,
				.chunk = { big, sizeof(big) } };
	assert_int_equal(win_frame_encode(&f, &buf, &n), -E2BIG);
	f.chunk.len = 0;
	assert_int_equal(win_frame_encode(&f, &buf, &n), -EINVAL);
	memset(message, 'm', sizeof(message) - 1);
	message[sizeof(message) - 1] = '\0';
	f = (struct win_frame){ .type = WIN_FRAME_ERROR,
				.error = { WIN_FRAME_STAGE_IO, 0, message } };
	assert_int_equal(win_frame_encode(&f, &buf, &n), -E2BIG);
	f.error.stage = 0;
	assert_int_equal(win_frame_encode(&f, &buf, &n), -EINVAL);
}

static void mode_choice(void **state)
{
	const enum win_elev_setup valid = WIN_ELEV_SETUP_VALID,
				  absent = WIN_ELEV_SETUP_ABSENT,
				  broken = WIN_ELEV_SETUP_BROKEN;

	(void)state;
	assert_int_equal(win_elev_choose(WIN_ELEV_AUTO, valid, false),
			 WIN_ELEV_USE_ELEVATED);
	assert_int_equal(win_elev_choose(WIN_ELEV_AUTO, absent, false),
			 WIN_ELEV_USE_UNELEVATED);
	/* set up, but not borne out by the system: refused, not weakened */
	assert_int_equal(win_elev_choose(WIN_ELEV_AUTO, broken, false),
			 WIN_ELEV_REFUSE);
	assert_int_equal(win_elev_choose(WIN_ELEV_FORCE_ELEVATED, valid, false),
			 WIN_ELEV_USE_ELEVATED);
	/* forced, without setup: refused, never the weaker mode */
	assert_int_equal(
		win_elev_choose(WIN_ELEV_FORCE_ELEVATED, absent, false),
		WIN_ELEV_REFUSE);
	assert_int_equal(
		win_elev_choose(WIN_ELEV_FORCE_ELEVATED, broken, false),
		WIN_ELEV_REFUSE);
	/* asked for by name: the unelevated mode, whatever setup says */
	assert_int_equal(
		win_elev_choose(WIN_ELEV_FORCE_UNELEVATED, valid, false),
		WIN_ELEV_USE_UNELEVATED);
	assert_int_equal(
		win_elev_choose(WIN_ELEV_FORCE_UNELEVATED, broken, false),
		WIN_ELEV_USE_UNELEVATED);
	/* full access is the user's own rights: not a sandbox user's */
	assert_int_equal(win_elev_choose(WIN_ELEV_AUTO, valid, true),
			 WIN_ELEV_USE_UNELEVATED);
	assert_int_equal(win_elev_choose(WIN_ELEV_AUTO, broken, true),
			 WIN_ELEV_USE_UNELEVATED);
	assert_int_equal(win_elev_choose(WIN_ELEV_FORCE_ELEVATED, valid, true),
			 WIN_ELEV_REFUSE);
}

/* The launch's window station and desktop: the sandbox user and the
 * launch's SID, nobody else, and nothing inherited. */
static void desktop_sddl(void **state)
{
	char buf[160];

	(void)state;
	assert_int_equal(win_elev_desktop_sddl("S-1-5-21-1-2-3-1011",
					       "S-1-5-21-9-10-11-12", buf,
					       sizeof(buf)),
			 0);
	assert_string_equal(
		buf,
		"D:P(A;;GA;;;S-1-5-21-1-2-3-1011)(A;;GA;;;S-1-5-21-9-10-11-12)");
	/* no logon SID, no well-known group in the launch's place */
	assert_int_equal(win_elev_desktop_sddl("S-1-5-21-1-2-3-1011",
					       "S-1-5-5-0-1234", buf,
					       sizeof(buf)),
			 -EINVAL);
	assert_int_equal(win_elev_desktop_sddl("S-1-5-21-1-2-3-1011", "S-1-1-0",
					       buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(win_elev_desktop_sddl("(A;;GA;;;WD)",
					       "S-1-5-21-9-10-11-12", buf,
					       sizeof(buf)),
			 -EINVAL);
	assert_int_equal(win_elev_desktop_sddl(NULL, "S-1-5-21-9-10-11-12", buf,
					       sizeof(buf)),
			 -EINVAL);
	assert_int_equal(win_elev_desktop_sddl("S-1-5-21-1-2-3-1011",
					       "S-1-5-21-9-10-11-12", buf, 20),
			 -ENOSPC);
}

static void job_ui_limits(void **state)
{
	(void)state;
	/* No USER handles from outside, no clipboard, no desktop switch. */
	assert_true(WIN_ELEV_JOB_UI_LIMITS & WIN_ELEV_UILIMIT_HANDLES);
	assert_true(WIN_ELEV_JOB_UI_LIMITS & WIN_ELEV_UILIMIT_READCLIPBOARD);
	assert_true(WIN_ELEV_JOB_UI_LIMITS & WIN_ELEV_UILIMIT_WRITECLIPBOARD);
	assert_true(WIN_ELEV_JOB_UI_LIMITS & WIN_ELEV_UILIMIT_DESKTOP);
	assert_int_equal(WIN_ELEV_JOB_UI_LIMITS & 0x20u, 0); /* atoms */
}

static void retry_only_once_and_only_for_1312(void **state)
{
	(void)state;
	assert_true(win_elev_should_retry(WIN_ELEV_HOP_LOGON, 0, 1312, 0));
	assert_false(win_elev_should_retry(WIN_ELEV_HOP_LOGON, 0, 1312, 1));
	assert_false(win_elev_should_retry(WIN_ELEV_HOP_LOGON, 0, 1385, 0));
	assert_false(win_elev_should_retry(WIN_ELEV_HOP_LOGON, 0, 5, 0));
	assert_true(win_elev_should_retry(
		WIN_ELEV_HOP_RUNNER, WIN_FRAME_STAGE_LOGON_SESSION, 1312, 0));
	assert_false(win_elev_should_retry(
		WIN_ELEV_HOP_RUNNER, WIN_FRAME_STAGE_LOGON_SESSION, 1312, 1));
	/* the runner's other failures are not retried, whatever the code */
	assert_false(win_elev_should_retry(WIN_ELEV_HOP_RUNNER,
					   WIN_FRAME_STAGE_LAUNCH, 1312, 0));
}

static void launch_failures_get_their_stage(void **state)
{
	(void)state;
	assert_int_equal(win_elev_launch_stage(1312),
			 WIN_FRAME_STAGE_LOGON_SESSION);
	assert_int_equal(win_elev_launch_stage(2), WIN_FRAME_STAGE_NOT_FOUND);
	assert_int_equal(win_elev_launch_stage(193), WIN_FRAME_STAGE_EXECUTE);
	assert_int_equal(win_elev_launch_stage(216), WIN_FRAME_STAGE_EXECUTE);
	/* access denied is not the command's failure: 125 */
	assert_int_equal(win_elev_launch_stage(5), WIN_FRAME_STAGE_LAUNCH);
	assert_int_equal(win_elev_error_status(win_elev_launch_stage(5)), 125);
	assert_int_equal(win_elev_launch_stage(1385), WIN_FRAME_STAGE_LAUNCH);
}

static void error_statuses(void **state)
{
	(void)state;
	assert_int_equal(win_elev_error_status(WIN_FRAME_STAGE_NOT_FOUND), 127);
	assert_int_equal(win_elev_error_status(WIN_FRAME_STAGE_EXECUTE), 126);
	assert_int_equal(win_elev_error_status(WIN_FRAME_STAGE_TOKEN), 125);
	assert_int_equal(win_elev_error_status(WIN_FRAME_STAGE_PROTOCOL), 125);
}

static enum win_elev_outcome outcome(bool error, enum win_frame_stage stage,
				     bool timed_out, bool killed, bool signaled)
{
	const struct win_elev_end end = { error, stage, timed_out, killed,
					  signaled };

	return win_elev_outcome(&end);
}

static void outcomes(void **state)
{
	const enum win_frame_stage protocol = WIN_FRAME_STAGE_PROTOCOL;

	(void)state;
	assert_int_equal(outcome(false, 0, false, false, false),
			 WIN_ELEV_EXITED);
	assert_int_equal(
		outcome(true, WIN_FRAME_STAGE_NOT_FOUND, false, false, false),
		WIN_ELEV_EXEC_FAILED);
	assert_int_equal(
		outcome(true, WIN_FRAME_STAGE_EXECUTE, false, false, true),
		WIN_ELEV_EXEC_FAILED);
	assert_int_equal(outcome(false, 0, true, false, false),
			 WIN_ELEV_TIMED_OUT);
	assert_int_equal(outcome(true, protocol, false, true, false),
			 WIN_ELEV_TIMED_OUT);
	/* after Ctrl-C: the exit frame, or the runner paddock ended (silent,
	 * or an error frame for the frame it was cut off in), is 130 */
	assert_int_equal(outcome(false, 0, false, false, true),
			 WIN_ELEV_SIGNALED);
	assert_int_equal(outcome(true, protocol, false, false, true),
			 WIN_ELEV_SIGNALED);
	assert_int_equal(
		outcome(true, WIN_FRAME_STAGE_WAIT, false, false, true),
		WIN_ELEV_SIGNALED);
	/* without a signal, the runner's death is a failure */
	assert_int_equal(outcome(true, protocol, false, false, false),
			 WIN_ELEV_FAILED);
	assert_int_equal(
		outcome(true, WIN_FRAME_STAGE_TOKEN, false, false, false),
		WIN_ELEV_FAILED);
	/* the timeout came first */
	assert_int_equal(outcome(false, 0, true, false, true),
			 WIN_ELEV_TIMED_OUT);
}

static void pipe_names(void **state)
{
	const uint32_t words[4] = { 0xdeadbeef, 1, 0, 0xffffffff };
	char buf[80], small[20];

	(void)state;
	assert_int_equal(win_elev_pipe_name(words, true, buf, sizeof(buf)), 0);
	assert_string_equal(
		buf,
		"\\\\.\\pipe\\paddock-runner-deadbeef0000000100000000ffffffff-in");
	assert_true(win_elev_pipe_name_valid(buf));
	assert_int_equal(win_elev_pipe_name(words, false, buf, sizeof(buf)), 0);
	assert_true(win_elev_pipe_name_valid(buf));
	assert_int_equal(win_elev_pipe_name(words, false, small, sizeof(small)),
			 -ENOSPC);
	assert_false(win_elev_pipe_name_valid(
		"\\\\.\\pipe\\paddock-runner-deadbeef-in"));
	assert_false(win_elev_pipe_name_valid(
		"\\\\.\\pipe\\paddock-runner-DEADBEEF0000000100000000ffffffff-in"));
	assert_false(win_elev_pipe_name_valid(
		"\\\\host\\pipe\\paddock-runner-deadbeef0000000100000000ffffffff-in"));
	assert_false(win_elev_pipe_name_valid(
		"\\\\.\\pipe\\paddock-runner-deadbeef0000000100000000ffffffff-in\\x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spawn_round_trip),
		cmocka_unit_test(small_frames_round_trip),
		cmocka_unit_test(to_runner_frames_round_trip),
		cmocka_unit_test(
			header_refuses_version_type_direction_and_size),
		cmocka_unit_test(truncated_spawn_refused),
		cmocka_unit_test(malicious_spawn_refused),
		cmocka_unit_test(empty_program_refused),
		cmocka_unit_test(bad_exit_and_error_refused),
		cmocka_unit_test(encoder_refuses_what_decoder_would),
		cmocka_unit_test(mode_choice),
		cmocka_unit_test(desktop_sddl),
		cmocka_unit_test(job_ui_limits),
		cmocka_unit_test(retry_only_once_and_only_for_1312),
		cmocka_unit_test(launch_failures_get_their_stage),
		cmocka_unit_test(error_statuses),
		cmocka_unit_test(outcomes),
		cmocka_unit_test(pipe_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
