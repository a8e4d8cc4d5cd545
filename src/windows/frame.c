/* SPDX-License-Identifier: MIT */
/*
 * The runner's frames (frame.h says what crosses the pipe and why every
 * bound is there), and the elevated mode's pure decisions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/frame.h"
#include "windows/logic.h"

#ifdef _WIN32
#include <windows.h>

_Static_assert(WIN_ELEV_LOGON_SESSION_GONE == ERROR_NO_SUCH_LOGON_SESSION,
	       "ERROR_NO_SUCH_LOGON_SESSION");
_Static_assert(WIN_ELEV_LOGON_RIGHT_MISSING == ERROR_LOGON_TYPE_NOT_GRANTED,
	       "ERROR_LOGON_TYPE_NOT_GRANTED");
_Static_assert(ERROR_FILE_NOT_FOUND == 2, "ERROR_FILE_NOT_FOUND");
_Static_assert(ERROR_BAD_EXE_FORMAT == 193, "ERROR_BAD_EXE_FORMAT");
_Static_assert(ERROR_EXE_MACHINE_TYPE_MISMATCH == 216,
	       "ERROR_EXE_MACHINE_TYPE_MISMATCH");
_Static_assert(WIN_ELEV_UILIMIT_HANDLES == JOB_OBJECT_UILIMIT_HANDLES,
	       "JOB_OBJECT_UILIMIT_HANDLES");
_Static_assert(WIN_ELEV_UILIMIT_READCLIPBOARD ==
		       JOB_OBJECT_UILIMIT_READCLIPBOARD,
	       "JOB_OBJECT_UILIMIT_READCLIPBOARD");
_Static_assert(WIN_ELEV_UILIMIT_WRITECLIPBOARD ==
		       JOB_OBJECT_UILIMIT_WRITECLIPBOARD,
	       "JOB_OBJECT_UILIMIT_WRITECLIPBOARD");
_Static_assert(WIN_ELEV_UILIMIT_SYSTEMPARAMETERS ==
		       JOB_OBJECT_UILIMIT_SYSTEMPARAMETERS,
	       "JOB_OBJECT_UILIMIT_SYSTEMPARAMETERS");
_Static_assert(WIN_ELEV_UILIMIT_DISPLAYSETTINGS ==
		       JOB_OBJECT_UILIMIT_DISPLAYSETTINGS,
	       "JOB_OBJECT_UILIMIT_DISPLAYSETTINGS");
_Static_assert(WIN_ELEV_UILIMIT_DESKTOP == JOB_OBJECT_UILIMIT_DESKTOP,
	       "JOB_OBJECT_UILIMIT_DESKTOP");
_Static_assert(WIN_ELEV_UILIMIT_EXITWINDOWS == JOB_OBJECT_UILIMIT_EXITWINDOWS,
	       "JOB_OBJECT_UILIMIT_EXITWINDOWS");
#endif

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static bool for_runner(enum win_frame_type type)
{
	return type == WIN_FRAME_SPAWN || type == WIN_FRAME_STDIN ||
	       type == WIN_FRAME_STDIN_EOF || type == WIN_FRAME_TERMINATE;
}

/* The largest body of each type, and the smallest. */
static void body_bounds(enum win_frame_type type, uint32_t *min, uint32_t *max)
{
	*min = 0;
	switch (type) {
	case WIN_FRAME_SPAWN:
		/* flags, timeout, three empty strings, two counts */
		*min = 4 + 4 + 3 * 5 + 4 + 4;
		*max = WIN_FRAME_MAX_BODY;
		break;
	case WIN_FRAME_READY:
		*min = *max = 4;
		break;
	case WIN_FRAME_STDOUT:
	case WIN_FRAME_STDERR:
	case WIN_FRAME_STDIN:
		*min = 1;
		*max = WIN_FRAME_MAX_CHUNK;
		break;
	case WIN_FRAME_STDIN_EOF:
	case WIN_FRAME_TERMINATE:
	case WIN_FRAME_STDIN_ACK:
		*max = 0;
		break;
	case WIN_FRAME_EXIT:
		*min = *max = 8;
		break;
	case WIN_FRAME_ERROR:
		*min = 4 + 4 + 5;
		*max = 4 + 4 + 5 + WIN_FRAME_MAX_MESSAGE;
		break;
	}
}

int win_frame_header(const uint8_t header[WIN_FRAME_HEADER_SIZE],
		     enum win_frame_reader reader,
		     enum win_frame_type *ret_type, uint32_t *ret_len)
{
	uint32_t len = get_u32(header), min, max;
	unsigned version = header[4] | (unsigned)header[5] << 8;
	unsigned type = header[6] | (unsigned)header[7] << 8;

	if (version != WIN_FRAME_VERSION)
		return -EPROTO;
	if (type < WIN_FRAME_SPAWN || type > WIN_FRAME_TYPE_LAST ||
	    for_runner(type) != (reader == WIN_FRAME_TO_RUNNER))
		return -EBADMSG;
	body_bounds(type, &min, &max);
	if (len < min || len > max)
		return -EMSGSIZE;
	*ret_type = type;
	*ret_len = len;
	return 0;
}

/* A cursor over a body being decoded. */
struct reader {
	const uint8_t *p;
	size_t left;
};

static int read_u32(struct reader *r, uint32_t *ret)
{
	if (r->left < 4)
		return -EBADMSG;
	*ret = get_u32(r->p);
	r->p += 4;
	r->left -= 4;
	return 0;
}

/* A string: its length, its bytes without a NUL, then a NUL. */
static int read_str(struct reader *r, size_t max, const char **ret)
{
	uint32_t len;

	if (read_u32(r, &len) < 0 || len > max || len >= r->left)
		return -EBADMSG;
	if (r->p[len] != '\0' || memchr(r->p, '\0', len))
		return -EBADMSG;
	*ret = (const char *)r->p;
	r->p += len + 1;
	r->left -= (size_t)len + 1;
	return 0;
}

/* A count, then that many strings; the count is bounded by max and by the
 * bytes left (five at least per string) before the array is allocated. */
static int read_strs(struct reader *r, size_t max, const char ***ret,
		     size_t *ret_n)
{
	const char **v;
	uint32_t n;

	if (read_u32(r, &n) < 0 || n > max || n > r->left / 5)
		return -EBADMSG;
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		if (read_str(r, WIN_FRAME_MAX_BODY, &v[i]) < 0) {
			free(v);
			return -EBADMSG;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int decode_spawn(struct reader *r, struct win_frame_spawn *s)
{
	int ret;

	if (read_u32(r, &s->flags) < 0 || (s->flags & ~WIN_FRAME_SPAWN_FLAGS) ||
	    read_u32(r, &s->timeout_ms) < 0 ||
	    read_str(r, WIN_FRAME_MAX_BODY, &s->application) < 0 ||
	    read_str(r, WIN_FRAME_MAX_BODY, &s->command_line) < 0 ||
	    read_str(r, WIN_FRAME_MAX_BODY, &s->cwd) < 0)
		return -EBADMSG;
	if (!s->application[0] || !s->command_line[0] || !s->cwd[0])
		return -EBADMSG;
	ret = read_strs(r, WIN_FRAME_MAX_ENV, &s->env, &s->n_env);
	if (ret < 0)
		return ret;
	ret = read_strs(r, WIN_FRAME_MAX_CAPS, &s->capability_sids, &s->n_caps);
	if (ret < 0) {
		free(s->env);
		s->env = NULL;
		return ret;
	}
	for (size_t i = 0; i < s->n_env; i++) {
		/* "NAME=value" with a name: "=C:=C:\dir" is Windows's own
		 * per-drive directory and has an empty-looking name. */
		if (!s->env[i][0] || !strchr(s->env[i] + 1, '='))
			return -EBADMSG;
	}
	return 0;
}

static int decode_body(struct reader *r, struct win_frame *f)
{
	uint32_t flags, stage;

	switch (f->type) {
	case WIN_FRAME_SPAWN:
		return decode_spawn(r, &f->spawn);
	case WIN_FRAME_READY:
		return read_u32(r, &f->pid);
	case WIN_FRAME_STDOUT:
	case WIN_FRAME_STDERR:
	case WIN_FRAME_STDIN:
		if (r->left == 0 || r->left > WIN_FRAME_MAX_CHUNK)
			return -EBADMSG;
		f->chunk.data = r->p;
		f->chunk.len = r->left;
		r->p += r->left;
		r->left = 0;
		return 0;
	case WIN_FRAME_STDIN_EOF:
	case WIN_FRAME_TERMINATE:
	case WIN_FRAME_STDIN_ACK:
		return 0;
	case WIN_FRAME_EXIT:
		if (read_u32(r, &f->exit.code) < 0 || read_u32(r, &flags) < 0 ||
		    (flags & ~WIN_FRAME_EXIT_TIMED_OUT))
			return -EBADMSG;
		f->exit.timed_out = flags & WIN_FRAME_EXIT_TIMED_OUT;
		return 0;
	case WIN_FRAME_ERROR:
		if (read_u32(r, &stage) < 0 ||
		    stage < WIN_FRAME_STAGE_PROTOCOL ||
		    stage > WIN_FRAME_STAGE_LAST ||
		    read_u32(r, &f->error.native) < 0 ||
		    read_str(r, WIN_FRAME_MAX_MESSAGE, &f->error.message) < 0)
			return -EBADMSG;
		f->error.stage = stage;
		return 0;
	}
	return -EBADMSG;
}

int win_frame_decode(enum win_frame_type type, const uint8_t *body, size_t len,
		     struct win_frame *ret)
{
	struct reader r = { body, len };
	struct win_frame f = { .type = type };
	int err;

	if (len > WIN_FRAME_MAX_BODY)
		return -EBADMSG;
	err = decode_body(&r, &f);
	if (err == 0 && r.left)
		err = -EBADMSG; /* trailing bytes */
	if (err < 0) {
		win_frame_clear(&f);
		return err;
	}
	*ret = f;
	return 0;
}

void win_frame_clear(struct win_frame *f)
{
	if (f->type == WIN_FRAME_SPAWN) {
		free(f->spawn.env);
		free(f->spawn.capability_sids);
		f->spawn.env = NULL;
		f->spawn.capability_sids = NULL;
	}
}

/* --- encoding ----------------------------------------------------------- */

struct writer {
	uint8_t *buf; /* NULL: only count */
	size_t len;
};

static void write_u32(struct writer *w, uint32_t v)
{
	if (w->buf)
		put_u32(w->buf + w->len, v);
	w->len += 4;
}

static void write_bytes(struct writer *w, const void *data, size_t len)
{
	if (w->buf && len)
		memcpy(w->buf + w->len, data, len);
	w->len += len;
}

static void write_str(struct writer *w, const char *s)
{
	size_t len = strlen(s);

	write_u32(w, (uint32_t)len);
	write_bytes(w, s, len + 1);
}

static void write_spawn(struct writer *w, const struct win_frame_spawn *s)
{
	write_u32(w, s->flags);
	write_u32(w, s->timeout_ms);
	write_str(w, s->application);
	write_str(w, s->command_line);
	write_str(w, s->cwd);
	write_u32(w, (uint32_t)s->n_env);
	for (size_t i = 0; i < s->n_env; i++)
		write_str(w, s->env[i]);
	write_u32(w, (uint32_t)s->n_caps);
	for (size_t i = 0; i < s->n_caps; i++)
		write_str(w, s->capability_sids[i]);
}

static void write_body(struct writer *w, const struct win_frame *f)
{
	switch (f->type) {
	case WIN_FRAME_SPAWN:
		write_spawn(w, &f->spawn);
		break;
	case WIN_FRAME_READY:
		write_u32(w, f->pid);
		break;
	case WIN_FRAME_STDOUT:
	case WIN_FRAME_STDERR:
	case WIN_FRAME_STDIN:
		write_bytes(w, f->chunk.data, f->chunk.len);
		break;
	case WIN_FRAME_STDIN_EOF:
	case WIN_FRAME_TERMINATE:
	case WIN_FRAME_STDIN_ACK:
		break;
	case WIN_FRAME_EXIT:
		write_u32(w, f->exit.code);
		write_u32(w, f->exit.timed_out ? WIN_FRAME_EXIT_TIMED_OUT : 0);
		break;
	case WIN_FRAME_ERROR:
		write_u32(w, f->error.stage);
		write_u32(w, f->error.native);
		write_str(w, f->error.message ? f->error.message : "");
		break;
	}
}

/* What the decoder would refuse, refused before encoding. */
static int check_encodable(const struct win_frame *f)
{
	const struct win_frame_spawn *s = &f->spawn;

	switch (f->type) {
	case WIN_FRAME_SPAWN:
		if (s->flags & ~WIN_FRAME_SPAWN_FLAGS)
			return -EINVAL;
		if (s->n_env > WIN_FRAME_MAX_ENV ||
		    s->n_caps > WIN_FRAME_MAX_CAPS)
			return -E2BIG;
		if (!s->application || !s->application[0] || !s->command_line ||
		    !s->command_line[0] || !s->cwd || !s->cwd[0])
			return -EINVAL;
		for (size_t i = 0; i < s->n_env; i++) {
			if (!s->env[i][0] || !strchr(s->env[i] + 1, '='))
				return -EINVAL;
		}
		return 0;
	case WIN_FRAME_STDOUT:
	case WIN_FRAME_STDERR:
	case WIN_FRAME_STDIN:
		if (f->chunk.len == 0)
			return -EINVAL;
		return f->chunk.len > WIN_FRAME_MAX_CHUNK ? -E2BIG : 0;
	case WIN_FRAME_ERROR:
		if (f->error.stage < WIN_FRAME_STAGE_PROTOCOL ||
		    f->error.stage > WIN_FRAME_STAGE_LAST)
			return -EINVAL;
		if (f->error.message &&
		    strlen(f->error.message) > WIN_FRAME_MAX_MESSAGE)
			return -E2BIG;
		return 0;
	case WIN_FRAME_READY:
	case WIN_FRAME_STDIN_EOF:
	case WIN_FRAME_TERMINATE:
	case WIN_FRAME_EXIT:
	case WIN_FRAME_STDIN_ACK:
		return 0;
	}
	return -EINVAL;
}

int win_frame_encode(const struct win_frame *f, uint8_t **ret, size_t *ret_len)
{
	struct writer w = { NULL, 0 };
	uint32_t min, max;
	int r = check_encodable(f);

	if (r < 0)
		return r;
	write_body(&w, f);
	body_bounds(f->type, &min, &max);
	if (w.len > max)
		return -E2BIG;
	if (w.len < min)
		return -EINVAL;
	w.buf = malloc(WIN_FRAME_HEADER_SIZE + w.len);
	if (!w.buf)
		return -ENOMEM;
	put_u32(w.buf, (uint32_t)w.len);
	w.buf[4] = WIN_FRAME_VERSION;
	w.buf[5] = 0;
	w.buf[6] = (uint8_t)f->type;
	w.buf[7] = 0;
	w.len = WIN_FRAME_HEADER_SIZE;
	write_body(&w, f);
	*ret = w.buf;
	*ret_len = w.len;
	return 0;
}

/* --- the elevated mode's decisions ------------------------------------ */

enum win_elev_choice win_elev_choose(enum win_elev_request request,
				     enum win_elev_setup setup,
				     bool full_access)
{
	bool valid = setup == WIN_ELEV_SETUP_VALID;

	switch (request) {
	case WIN_ELEV_FORCE_UNELEVATED:
		return WIN_ELEV_USE_UNELEVATED;
	case WIN_ELEV_FORCE_ELEVATED:
		return valid && !full_access ? WIN_ELEV_USE_ELEVATED
					     : WIN_ELEV_REFUSE;
	case WIN_ELEV_AUTO:
		break;
	}
	if (full_access)
		return WIN_ELEV_USE_UNELEVATED;
	if (setup == WIN_ELEV_SETUP_BROKEN)
		return WIN_ELEV_REFUSE;
	return valid ? WIN_ELEV_USE_ELEVATED : WIN_ELEV_USE_UNELEVATED;
}

bool win_elev_should_retry(enum win_elev_hop hop, uint32_t stage,
			   uint32_t native, unsigned attempt)
{
	if (attempt != 0)
		return false;
	if (hop == WIN_ELEV_HOP_LOGON)
		return native == WIN_ELEV_LOGON_SESSION_GONE;
	return stage == WIN_FRAME_STAGE_LOGON_SESSION;
}

enum win_frame_stage win_elev_launch_stage(uint32_t native)
{
	switch (native) {
	case WIN_ELEV_LOGON_SESSION_GONE:
		return WIN_FRAME_STAGE_LOGON_SESSION;
	case 2: /* ERROR_FILE_NOT_FOUND */
		return WIN_FRAME_STAGE_NOT_FOUND;
	case 193: /* ERROR_BAD_EXE_FORMAT */
	case 216: /* ERROR_EXE_MACHINE_TYPE_MISMATCH */
		return WIN_FRAME_STAGE_EXECUTE;
	default:
		return WIN_FRAME_STAGE_LAUNCH;
	}
}

int win_elev_error_status(enum win_frame_stage stage)
{
	if (stage == WIN_FRAME_STAGE_NOT_FOUND)
		return 127;
	if (stage == WIN_FRAME_STAGE_EXECUTE)
		return 126;
	return 125;
}

enum win_elev_outcome win_elev_outcome(const struct win_elev_end *end)
{
	if (end->error && win_elev_error_status(end->stage) != 125)
		return WIN_ELEV_EXEC_FAILED;
	if (end->timed_out || (end->error && end->killed_at_timeout))
		return WIN_ELEV_TIMED_OUT;
	if (end->signaled)
		return WIN_ELEV_SIGNALED;
	return end->error ? WIN_ELEV_FAILED : WIN_ELEV_EXITED;
}

#define PIPE_PREFIX "\\\\.\\pipe\\paddock-runner-"

int win_elev_pipe_name(const uint32_t words[4], bool to_runner, char *buf,
		       size_t size)
{
	int n = snprintf(buf, size, PIPE_PREFIX "%08x%08x%08x%08x-%s",
			 (unsigned)words[0], (unsigned)words[1],
			 (unsigned)words[2], (unsigned)words[3],
			 to_runner ? "in" : "out");

	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

bool win_elev_pipe_name_valid(const char *name)
{
	size_t prefix = strlen(PIPE_PREFIX);
	const char *p = name + prefix;

	if (strncmp(name, PIPE_PREFIX, prefix) != 0)
		return false;
	for (int i = 0; i < 32; i++, p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	}
	return strcmp(p, "-in") == 0 || strcmp(p, "-out") == 0;
}

int win_elev_desktop_sddl(const char *user_sid, const char *launch_sid,
			  char *buf, size_t size)
{
	struct win_sid user, launch;
	int n;

	if (!user_sid || !launch_sid || win_sid_parse(user_sid, &user) < 0 ||
	    win_sid_parse(launch_sid, &launch) < 0 ||
	    !win_sid_is_capability(&launch))
		return -EINVAL;
	n = snprintf(buf, size, "D:P(A;;GA;;;%s)(A;;GA;;;%s)", user_sid,
		     launch_sid);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
