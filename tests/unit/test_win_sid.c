/* SPDX-License-Identifier: MIT */
/* Unit tests for SID strings (src/windows/sid.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "windows/logic.h"

static void capability_sid_formats_as_s_1_5_21(void **state)
{
	const uint32_t words[4] = { 1, 4294967295u, 0, 123456789 };
	struct win_sid sid;
	char buf[WIN_SID_STRING_MAX];

	(void)state;
	win_sid_capability(words, &sid);
	assert_true(win_sid_is_capability(&sid));
	assert_int_equal(win_sid_format(&sid, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "S-1-5-21-1-4294967295-0-123456789");
}

static void capability_sid_round_trips(void **state)
{
	const uint32_t words[][4] = {
		{ 0, 0, 0, 0 },
		{ 4294967295u, 4294967295u, 4294967295u, 4294967295u },
		{ 10, 100, 1000, 10000 },
		{ 0xdeadbeef, 0x01234567, 0x89abcdef, 7 },
	};
	struct win_sid sid, back;
	char buf[WIN_SID_STRING_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		win_sid_capability(words[i], &sid);
		assert_int_equal(win_sid_format(&sid, buf, sizeof(buf)), 0);
		assert_int_equal(win_sid_parse(buf, &back), 0);
		assert_true(win_sid_equal(&sid, &back));
		assert_true(win_sid_is_capability(&back));
	}
}

static void parse_accepts_well_known_sids(void **state)
{
	struct win_sid sid;

	(void)state;
	assert_int_equal(win_sid_parse("S-1-1-0", &sid), 0);
	assert_int_equal(sid.authority, 1);
	assert_int_equal(sid.count, 1);
	assert_int_equal(sid.sub[0], 0);
	assert_false(win_sid_is_capability(&sid));

	assert_int_equal(win_sid_parse("S-1-5-5-0-123456", &sid), 0);
	assert_int_equal(sid.count, 3);
	assert_int_equal(sid.sub[2], 123456);

	assert_int_equal(win_sid_parse("S-1-5", &sid), 0);
	assert_int_equal(sid.count, 0);
	assert_int_equal(win_sid_parse("S-1-5-18", &sid), 0);
}

static void parse_accepts_fifteen_sub_authorities(void **state)
{
	const char *s = "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15";
	struct win_sid sid;
	char buf[WIN_SID_STRING_MAX];

	(void)state;
	assert_int_equal(win_sid_parse(s, &sid), 0);
	assert_int_equal(sid.count, 15);
	assert_int_equal(win_sid_format(&sid, buf, sizeof(buf)), 0);
	assert_string_equal(buf, s);
}

static void parse_rejects_malformed_strings(void **state)
{
	static const char *const bad[] = {
		"",
		"S",
		"S-",
		"S-1",
		"S-1-",
		"s-1-5-21-1-2-3-4", /* lower-case s */
		"S-2-5-21-1-2-3-4", /* revision 2 */
		"S-1-5-21-1-2-3-4-", /* trailing dash */
		"S-1-5--21-1-2-3", /* empty number */
		"S-1-5-21-1-2-3-4294967296", /* over 32 bits */
		"S-1-5-21-1-2-3-99999999999",
		"S-1-4294967296-1", /* authority over the decimal range */
		"S-1-0x5-21", /* hexadecimal */
		"S-1-5-021-1", /* leading zero */
		"S-1-5-00",
		"S-1-5-+21",
		"S-1-5--1",
		"S-1-5-21 ",
		" S-1-5-21",
		"S-1-5-21-1-2-3-4\n",
		"S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", /* 16 subs */
		"S-1-5-21-a-2-3-4",
		NULL,
	};
	struct win_sid sid = { .authority = 77 };

	(void)state;
	for (size_t i = 0; bad[i]; i++) {
		if (win_sid_parse(bad[i], &sid) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* Untouched on failure. */
	assert_int_equal(sid.authority, 77);
}

static void format_reports_a_short_buffer(void **state)
{
	const uint32_t words[4] = { 1, 2, 3, 4 };
	struct win_sid sid;
	char buf[WIN_SID_STRING_MAX];
	size_t need = strlen("S-1-5-21-1-2-3-4") + 1;

	(void)state;
	win_sid_capability(words, &sid);
	assert_int_equal(win_sid_format(&sid, buf, need - 1), -ENOSPC);
	assert_int_equal(win_sid_format(&sid, buf, 3), -ENOSPC);
	assert_int_equal(win_sid_format(&sid, buf, need), 0);
	assert_string_equal(buf, "S-1-5-21-1-2-3-4");
}

static void format_rejects_out_of_range_sids(void **state)
{
	struct win_sid sid = { .authority = 5, .count = WIN_SID_MAX_SUB + 1 };
	char buf[WIN_SID_STRING_MAX];

	(void)state;
	assert_int_equal(win_sid_format(&sid, buf, sizeof(buf)), -EINVAL);
	sid.count = 1;
	sid.authority = (uint64_t)WIN_SID_MAX_AUTH + 1;
	assert_int_equal(win_sid_format(&sid, buf, sizeof(buf)), -EINVAL);
}

static void longest_sid_fits_the_documented_buffer(void **state)
{
	struct win_sid sid = { .authority = WIN_SID_MAX_AUTH,
			       .count = WIN_SID_MAX_SUB };
	char buf[WIN_SID_STRING_MAX];
	struct win_sid back;

	(void)state;
	for (size_t i = 0; i < WIN_SID_MAX_SUB; i++)
		sid.sub[i] = UINT32_MAX;
	assert_int_equal(win_sid_format(&sid, buf, sizeof(buf)), 0);
	assert_int_equal(win_sid_parse(buf, &back), 0);
	assert_true(win_sid_equal(&sid, &back));
}

static void capability_shape_is_checked(void **state)
{
	struct win_sid sid;

	(void)state;
	assert_int_equal(win_sid_parse("S-1-5-21-1-2-3-4", &sid), 0);
	assert_true(win_sid_is_capability(&sid));
	assert_int_equal(win_sid_parse("S-1-5-21-1-2-3", &sid), 0);
	assert_false(win_sid_is_capability(&sid));
	assert_int_equal(win_sid_parse("S-1-5-32-1-2-3-4", &sid), 0);
	assert_false(win_sid_is_capability(&sid));
	assert_int_equal(win_sid_parse("S-1-16-21-1-2-3-4", &sid), 0);
	assert_false(win_sid_is_capability(&sid));
}

static void equal_compares_every_field(void **state)
{
	struct win_sid a, b;

	(void)state;
	assert_int_equal(win_sid_parse("S-1-5-21-1-2-3-4", &a), 0);
	assert_int_equal(win_sid_parse("S-1-5-21-1-2-3-4", &b), 0);
	assert_true(win_sid_equal(&a, &b));
	assert_int_equal(win_sid_parse("S-1-5-21-1-2-3-5", &b), 0);
	assert_false(win_sid_equal(&a, &b));
	assert_int_equal(win_sid_parse("S-1-5-21-1-2-3", &b), 0);
	assert_false(win_sid_equal(&a, &b));
	assert_int_equal(win_sid_parse("S-1-1-21-1-2-3-4", &b), 0);
	assert_false(win_sid_equal(&a, &b));
}

static void store_finds_the_key_and_checks_every_line(void **state)
{
	static const char text[] = "C:\\a\tS-1-5-21-1-2-3-4\n"
				   "other-roots\tS-1-5-21-5-6-7-8\n";
	static const char bad[] = "C:\\a\tS-1-5-21-1-2-3-4\nbroken\n";
	static const char not_capability[] = "k\tS-1-1-0\n";
	struct win_sid sid, want;
	unsigned line = 0;
	static const uint32_t words[4] = { 5, 6, 7, 8 };

	(void)state;
	win_sid_capability(words, &want);
	assert_int_equal(win_sid_store_lookup(text, sizeof(text) - 1,
					      "other-roots", &sid, &line),
			 0);
	assert_true(win_sid_equal(&sid, &want));
	assert_int_equal(win_sid_store_lookup(text, sizeof(text) - 1, "C:\\b",
					      &sid, &line),
			 -ENOENT);
	/* A key is matched whole, not as a prefix. */
	assert_int_equal(win_sid_store_lookup(text, sizeof(text) - 1, "C:\\",
					      &sid, &line),
			 -ENOENT);
	assert_int_equal(win_sid_store_lookup(bad, sizeof(bad) - 1, "C:\\a",
					      &sid, &line),
			 -EINVAL);
	assert_int_equal(line, 2);
	assert_int_equal(win_sid_store_lookup(not_capability,
					      sizeof(not_capability) - 1, "k",
					      &sid, &line),
			 -EINVAL);
	assert_int_equal(win_sid_store_lookup("", 0, "k", &sid, &line),
			 -ENOENT);
}

static void store_line_round_trips(void **state)
{
	static const uint32_t words[4] = { 1, 2, 3, 4294967295u };
	struct win_sid sid, back;
	char buf[256];
	int n;

	(void)state;
	win_sid_capability(words, &sid);
	n = win_sid_store_line("read-only", &sid, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "read-only\tS-1-5-21-1-2-3-4294967295\n");
	assert_int_equal(
		win_sid_store_lookup(buf, (size_t)n, "read-only", &back, NULL),
		0);
	assert_true(win_sid_equal(&sid, &back));
	assert_int_equal(win_sid_store_line("a\tb", &sid, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(win_sid_store_line("k", &sid, buf, 8), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capability_sid_formats_as_s_1_5_21),
		cmocka_unit_test(capability_sid_round_trips),
		cmocka_unit_test(parse_accepts_well_known_sids),
		cmocka_unit_test(parse_accepts_fifteen_sub_authorities),
		cmocka_unit_test(parse_rejects_malformed_strings),
		cmocka_unit_test(format_reports_a_short_buffer),
		cmocka_unit_test(format_rejects_out_of_range_sids),
		cmocka_unit_test(longest_sid_fits_the_documented_buffer),
		cmocka_unit_test(capability_shape_is_checked),
		cmocka_unit_test(equal_compares_every_field),
		cmocka_unit_test(store_finds_the_key_and_checks_every_line),
		cmocka_unit_test(store_line_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
