/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the decoder of the arguments paddock-setup.exe
 * takes across the UAC boundary (src/windows/setup_args.c). Whatever the
 * input, a record the decoder accepts must satisfy every rule the
 * elevated side relies on, and encode back to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct win_setup_args *a, const uint8_t *data,
		  size_t size)
{
	static char again[2 * WIN_SETUP_ARGS_MAX + 1];

	if (a->action < WIN_SETUP_INSTALL || a->action > WIN_SETUP_READ_GRANTS)
		abort();
	/* No writable root crosses UAC. */
	if (a->n_roots != 0 || !win_setup_sid_is_account(a->user_sid) ||
	    a->profile[0] == '\0')
		abort();
	if (win_setup_args_encode(a, again, sizeof(again)) != 0)
		abort();
	/* The decoder accepts lower-case hex only, so the text is unique. */
	if (strlen(again) != size || memcmp(again, data, size) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct win_setup_args *a = malloc(sizeof(*a));

	if (!a)
		return 0;
	if (win_setup_args_decode((const char *)data, size, a) == 0)
		check(a, data, size);
	free(a);
	return 0;
}
