/* SPDX-License-Identifier: MIT */
/*
 * The seccomp filter. Its rules are in seccomp_rules.c; libseccomp compiles
 * them when paddock is built (seccomp_gen.c), and this file picks the
 * compiled variant the policy needs and installs it. Compiling the filter
 * at every start took longer than all of paddock's mounts together, and
 * the result never changes for a given build: a copy in the binary is as
 * trustworthy as the code that would have built it.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux.h"
#include "seccomp_filters.h"

_Static_assert(sizeof(seccomp_variants) / sizeof(seccomp_variants[0]) ==
		       SECCOMP_VARIANTS,
	       "one compiled filter per variant");

int seccomp_build(const struct seccomp_options *opts, struct sock_fprog *ret)
{
	unsigned i = (opts->allow_userns ? SECCOMP_VARIANT_ALLOW_USERNS : 0) |
		     (opts->deny_inet ? SECCOMP_VARIANT_DENY_INET : 0);
	const struct sock_fprog *v = &seccomp_variants[i];
	struct sock_filter *copy = malloc(v->len * sizeof(*copy));

	if (!copy)
		return -ENOMEM;
	memcpy(copy, v->filter, v->len * sizeof(*copy));
	*ret = (struct sock_fprog){ .len = v->len, .filter = copy };
	return 0;
}

int seccomp_install(const struct sock_fprog *prog)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0)
		return -errno;
	return 0;
}
