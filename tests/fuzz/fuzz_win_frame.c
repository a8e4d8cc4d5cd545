/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the runner's frames (src/windows/frame.h), read as
 * the parent reads what the runner sends and as the runner reads what
 * the parent sends: the first byte chooses the reader, the rest is a
 * stream of frames. A frame that decodes must encode back to the same
 * bytes, and every string and chunk must lie inside its body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "windows/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_inside(const char *s, const uint8_t *body, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;

	if (p < body || p >= body + len ||
	    !memchr(p, '\0', len - (size_t)(p - body)))
		abort();
}

static void check_frame(const struct win_frame *f, const uint8_t *body,
			size_t len)
{
	uint8_t *again;
	size_t n;

	if (f->type == WIN_FRAME_SPAWN) {
		check_inside(f->spawn.application, body, len);
		check_inside(f->spawn.command_line, body, len);
		check_inside(f->spawn.cwd, body, len);
		for (size_t i = 0; i < f->spawn.n_env; i++)
			check_inside(f->spawn.env[i], body, len);
		for (size_t i = 0; i < f->spawn.n_caps; i++)
			check_inside(f->spawn.capability_sids[i], body, len);
	}
	if (f->type == WIN_FRAME_ERROR)
		check_inside(f->error.message, body, len);
	/* What decodes is what the encoder writes, byte for byte. */
	if (win_frame_encode(f, &again, &n) != 0)
		abort();
	if (n != len + WIN_FRAME_HEADER_SIZE ||
	    memcmp(again + WIN_FRAME_HEADER_SIZE, body, len) != 0)
		abort();
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum win_frame_reader reader;

	if (size < 1)
		return 0;
	reader = data[0] & 1 ? WIN_FRAME_TO_PARENT : WIN_FRAME_TO_RUNNER;
	data++;
	size--;
	while (size >= WIN_FRAME_HEADER_SIZE) {
		enum win_frame_type type;
		struct win_frame f;
		uint32_t len;
		uint8_t *body;

		if (win_frame_header(data, reader, &type, &len) < 0 ||
		    len > size - WIN_FRAME_HEADER_SIZE)
			return 0;
		/* A copy of exactly len bytes, so that ASan sees any read
		 * past the body. */
		body = malloc(len ? len : 1);
		if (!body)
			return 0;
		memcpy(body, data + WIN_FRAME_HEADER_SIZE, len);
		if (win_frame_decode(type, body, len, &f) == 0) {
			check_frame(&f, body, len);
			win_frame_clear(&f);
		}
		free(body);
		data += WIN_FRAME_HEADER_SIZE + len;
		size -= WIN_FRAME_HEADER_SIZE + len;
	}
	return 0;
}
