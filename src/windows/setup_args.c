/* SPDX-License-Identifier: MIT */
/*
 * The arguments paddock.exe sends paddock-setup.exe.
 *
 * TRUST BOUNDARY. paddock-setup.exe runs elevated; whoever started it
 * unelevated chose every byte of its command line. So the elevated side
 * trusts nothing it is sent beyond what this decoder checks, and what it
 * checks is deliberately little:
 *
 *   - the action (install, uninstall, read grants) and the dry-run flag:
 *     the administrator consented to running setup at the UAC prompt, and
 *     each action only creates or removes paddock's own objects;
 *   - the real user's SID, which must have the shape of an account SID;
 *     the elevated side then accepts it only as its own token's user or
 *     the interactive session's user (setup_trust.c), asks the system
 *     that it names a user and reads that user's profile from the system
 *     itself;
 *   - the profile path the caller sees, which must be canonical and
 *     absolute, and is only compared with the system's answer (a mismatch
 *     is refused), never used on its own;
 *   - no extra writable roots: the record keeps a count of them, and it
 *     must be 0. Writing a root's grants elevated would carry a path the
 *     caller chose across the boundary, where string checks cannot tell
 *     a junction, another user's profile or a directory the caller does
 *     not own from his own; and paddock.exe never sends any (the run
 *     writes its roots' grants itself, unelevated, with the user's own
 *     rights). A count other than 0 is refused.
 *
 * Not sent, and so not attackable: the setup directory, the names of the
 * users, group and rules, the passwords (drawn by the elevated side), and
 * anything from the caller's environment (an elevated process started by
 * ShellExecuteEx gets a fresh environment from the profile, not the
 * caller's).
 *
 * The record, before hex: "PDSA", version (1 byte), action (1), flags (1:
 * bit 0 dry run, the rest zero), root count (1), then the SID, the profile
 * and each root as a 16-bit little-endian length and that many bytes of
 * UTF-8 without NUL. Nothing may follow. Every length is checked against
 * what remains and against the field's bound before it is read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setup.h"

static const char magic[4] = { 'P', 'D', 'S', 'A' };

bool win_setup_sid_is_account(const char *sid)
{
	struct win_sid s;

	if (win_sid_parse(sid, &s) < 0)
		return false;
	return s.authority == WIN_SID_NT_AUTHORITY && s.count == 5 &&
	       s.sub[0] == WIN_SID_NT_NON_UNIQUE;
}

/* Canonical, absolute, not a volume root, within bounds. */
static bool path_ok(const char *path)
{
	size_t len = strnlen(path, WIN_SETUP_PATH_MAX);
	char *canon;
	bool ok;

	if (len == 0 || len >= WIN_SETUP_PATH_MAX)
		return false;
	if (win_path_canonical(path, NULL, &canon) < 0)
		return false;
	ok = strcmp(canon, path) == 0 && !win_path_is_volume_root(canon);
	free(canon);
	return ok;
}

static bool args_valid(const struct win_setup_args *a)
{
	if (a->action < WIN_SETUP_INSTALL || a->action > WIN_SETUP_READ_GRANTS)
		return false;
	/* No root crosses UAC (see above). */
	if (a->n_roots != 0)
		return false;
	if (!win_setup_sid_is_account(a->user_sid) || !path_ok(a->profile))
		return false;
	for (size_t i = 0; i < a->n_roots; i++)
		if (!path_ok(a->roots[i]))
			return false;
	return true;
}

struct writer {
	uint8_t buf[WIN_SETUP_ARGS_MAX];
	size_t len;
};

static int put_bytes(struct writer *w, const void *p, size_t n)
{
	if (n > sizeof(w->buf) - w->len)
		return -ENOSPC;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

static int put_string(struct writer *w, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	uint8_t len[2] = { (uint8_t)(n & 0xff), (uint8_t)(n >> 8) };
	int r = put_bytes(w, len, 2);

	return r < 0 ? r : put_bytes(w, s, n);
}

int win_setup_args_encode(const struct win_setup_args *args, char *buf,
			  size_t size)
{
	static const char hex[] = "0123456789abcdef";
	struct writer *w;
	uint8_t head[4];
	int r;

	if (!args_valid(args))
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	head[0] = WIN_SETUP_ARGS_VERSION;
	head[1] = (uint8_t)args->action;
	head[2] = args->dry_run ? 1 : 0;
	head[3] = (uint8_t)args->n_roots;
	r = put_bytes(w, magic, 4);
	if (r == 0)
		r = put_bytes(w, head, 4);
	if (r == 0)
		r = put_string(w, args->user_sid, WIN_SID_STRING_MAX);
	if (r == 0)
		r = put_string(w, args->profile, WIN_SETUP_PATH_MAX);
	for (size_t i = 0; r == 0 && i < args->n_roots; i++)
		r = put_string(w, args->roots[i], WIN_SETUP_PATH_MAX);
	if (r == 0 && size < 2 * w->len + 1)
		r = -ENOSPC;
	for (size_t i = 0; r == 0 && i < w->len; i++) {
		buf[2 * i] = hex[w->buf[i] >> 4];
		buf[2 * i + 1] = hex[w->buf[i] & 0xf];
	}
	if (r == 0)
		buf[2 * w->len] = '\0';
	free(w);
	return r;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

struct reader {
	const uint8_t *p;
	size_t left;
};

/* A length-prefixed string into out (size bytes, NUL added); -EINVAL for
 * a length past the end, too long, empty or holding a NUL. */
static int get_string(struct reader *rd, char *out, size_t size)
{
	size_t n;

	if (rd->left < 2)
		return -EINVAL;
	n = (size_t)rd->p[0] | (size_t)rd->p[1] << 8;
	rd->p += 2;
	rd->left -= 2;
	if (n == 0 || n >= size || n > rd->left || memchr(rd->p, 0, n))
		return -EINVAL;
	memcpy(out, rd->p, n);
	out[n] = '\0';
	rd->p += n;
	rd->left -= n;
	return 0;
}

static int parse_record(const uint8_t *rec, size_t len,
			struct win_setup_args *a)
{
	struct reader rd;
	int r;

	if (len < 8 || memcmp(rec, magic, 4) != 0)
		return -EINVAL;
	rd = (struct reader){ rec + 8, len - 8 };
	if (rec[4] != WIN_SETUP_ARGS_VERSION)
		return -EPROTO;
	if ((rec[6] & ~1u) || rec[7] > WIN_SETUP_MAX_ROOTS)
		return -EINVAL;
	a->action = (enum win_setup_action)rec[5];
	a->dry_run = rec[6] & 1;
	a->n_roots = rec[7];
	r = get_string(&rd, a->user_sid, sizeof(a->user_sid));
	if (r == 0)
		r = get_string(&rd, a->profile, sizeof(a->profile));
	for (size_t i = 0; r == 0 && i < a->n_roots; i++)
		r = get_string(&rd, a->roots[i], sizeof(a->roots[i]));
	if (r == 0 && rd.left != 0)
		r = -EINVAL;
	if (r == 0 && !args_valid(a))
		r = -EINVAL;
	return r;
}

int win_setup_args_decode(const char *text, size_t len,
			  struct win_setup_args *ret)
{
	struct win_setup_args *a;
	uint8_t *rec;
	int r = 0;

	if (len % 2 || len < 16 || len > 2 * WIN_SETUP_ARGS_MAX)
		return -EINVAL;
	rec = malloc(len / 2);
	a = calloc(1, sizeof(*a));
	if (!rec || !a) {
		free(rec);
		free(a);
		return -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < len / 2; i++) {
		int hi = unhex(text[2 * i]), lo = unhex(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			r = -EINVAL;
		else
			rec[i] = (uint8_t)(hi << 4 | lo);
	}
	if (r == 0)
		r = parse_record(rec, len / 2, a);
	if (r == 0)
		*ret = *a;
	free(rec);
	free(a);
	return r;
}
