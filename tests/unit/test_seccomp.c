/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the seccomp filter paddock carries: each variant compiled
 * into the binary when it was built must be exactly what libseccomp makes
 * of the rules now, and must check the architecture first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "linux/linux.h"

static struct seccomp_options variant(unsigned i)
{
	return (struct seccomp_options){
		.allow_userns = i & SECCOMP_VARIANT_ALLOW_USERNS,
		.deny_inet = i & SECCOMP_VARIANT_DENY_INET,
	};
}

static void test_carried_filter_is_the_compiled_one(void **state)
{
	(void)state;
	for (unsigned i = 0; i < SECCOMP_VARIANTS; i++) {
		struct seccomp_options opts = variant(i);
		struct sock_fprog carried, compiled;

		assert_int_equal(seccomp_build(&opts, &carried), 0);
		assert_int_equal(seccomp_compile(&opts, &compiled), 0);
		assert_int_equal(carried.len, compiled.len);
		assert_memory_equal(carried.filter, compiled.filter,
				    carried.len * sizeof(struct sock_filter));
		free(carried.filter);
		free(compiled.filter);
	}
}

static void test_architecture_is_checked_first(void **state)
{
	(void)state;
	for (unsigned i = 0; i < SECCOMP_VARIANTS; i++) {
		struct seccomp_options opts = variant(i);
		struct sock_fprog prog;

		assert_int_equal(seccomp_build(&opts, &prog), 0);
		assert_true(prog.len > 1);
		assert_int_equal(prog.filter[0].code, BPF_LD | BPF_W | BPF_ABS);
		assert_int_equal(prog.filter[0].k,
				 offsetof(struct seccomp_data, arch));
		free(prog.filter);
	}
}

static bool same_filter(const struct sock_fprog *a, const struct sock_fprog *b)
{
	return a->len == b->len &&
	       memcmp(a->filter, b->filter,
		      a->len * sizeof(struct sock_filter)) == 0;
}

/* Each option changes the filter: a variant picked by the wrong index
 * would show as two equal filters. */
static void test_variants_differ(void **state)
{
	struct sock_fprog progs[SECCOMP_VARIANTS];

	(void)state;
	for (unsigned i = 0; i < SECCOMP_VARIANTS; i++) {
		struct seccomp_options opts = variant(i);

		assert_int_equal(seccomp_build(&opts, &progs[i]), 0);
	}
	for (unsigned i = 0; i < SECCOMP_VARIANTS; i++) {
		for (unsigned j = i + 1; j < SECCOMP_VARIANTS; j++)
			assert_false(same_filter(&progs[i], &progs[j]));
	}
	for (unsigned i = 0; i < SECCOMP_VARIANTS; i++)
		free(progs[i].filter);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carried_filter_is_the_compiled_one),
		cmocka_unit_test(test_architecture_is_checked_first),
		cmocka_unit_test(test_variants_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
