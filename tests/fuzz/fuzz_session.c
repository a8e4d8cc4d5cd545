/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the framing of warm-session requests: the first 8
 * bytes are the announced argc and envc (little-endian 32-bit), the rest
 * the payload. Whatever the input, the split must succeed only with
 * exactly that many NUL-terminated strings filling the payload, and every
 * string must lie inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t read_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void check_inside(char **v, const char *buf, size_t len, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t room = (size_t)(buf + len - v[i]);

		if (v[i] < buf || v[i] >= buf + len ||
		    strnlen(v[i], room) >= room)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t argc, envc;
	char **argv, **envp;
	char *buf;
	size_t len;

	if (size < 8)
		return 0;
	/* Bounded as the server bounds them before it splits. */
	argc = read_u32(data) % 64;
	envc = read_u32(data + 4) % 64;
	len = size - 8;
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 8, len);
	if (session_split_request(buf, len, argc, envc, &argv, &envp) == 0) {
		if (!argc || argv[argc] || envp[envc] || !argv[0][0])
			abort();
		check_inside(argv, buf, len, argc);
		check_inside(envp, buf, len, envc);
		free(argv);
	}
	free(buf);
	return 0;
}
