/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the profile parser. A profile is untrusted text, so
 * profile_parse() must accept any bytes: return 0 or a negative errno, fill
 * the error with a bounded operand, and leave the policy freeable without a
 * leak whatever it applied before the bad line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct paddock_error err = { 0 };
	paddock_policy *policy;
	int r;

	if (paddock_policy_new(&policy) < 0)
		return 0;
	r = profile_parse(policy, "fuzz", "/base", (const char *)data, size,
			  &err);
	if (r > 0)
		abort();
	/* error_set() truncates: the operand must always end in the buffer. */
	if (!memchr(err.operand, '\0', sizeof(err.operand)))
		abort();
	paddock_policy_free(policy);
	return 0;
}
