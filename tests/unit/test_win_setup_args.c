/* SPDX-License-Identifier: MIT */
/* Unit tests for the arguments that cross the UAC boundary
 * (src/windows/setup_args.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setup.h"

#define SID "S-1-5-21-1004336348-1177238915-682003330-1001"
#define BUF (2 * WIN_SETUP_ARGS_MAX + 1)

static void base(struct win_setup_args *a)
{
	memset(a, 0, sizeof(*a));
	a->action = WIN_SETUP_INSTALL;
	strcpy(a->user_sid, SID);
	strcpy(a->profile, "C:\\Users\\me");
}

static int round_trip(const struct win_setup_args *a,
		      struct win_setup_args *back)
{
	static char buf[BUF];
	int r = win_setup_args_encode(a, buf, sizeof(buf));

	return r < 0 ? r : win_setup_args_decode(buf, strlen(buf), back);
}

static void args_round_trip(void **state)
{
	struct win_setup_args a, back;

	(void)state;
	base(&a);
	a.action = WIN_SETUP_UNINSTALL;
	a.dry_run = true;
	assert_int_equal(round_trip(&a, &back), 0);
	assert_int_equal(back.action, WIN_SETUP_UNINSTALL);
	assert_true(back.dry_run);
	assert_string_equal(back.user_sid, SID);
	assert_string_equal(back.profile, "C:\\Users\\me");
	assert_int_equal(back.n_roots, 0);
}

/* No writable root crosses UAC: the encoder refuses to send one, and the
 * decoder refuses a record that carries one, however harmless it looks. */
static void writable_roots_are_refused(void **state)
{
	struct win_setup_args a;
	char buf[BUF];

	(void)state;
	base(&a);
	a.n_roots = 1;
	strcpy(a.roots[0], "D:\\src");
	assert_int_equal(win_setup_args_encode(&a, buf, sizeof(buf)), -EINVAL);
	a.n_roots = 2;
	strcpy(a.roots[1], "\\\\server\\share\\cache");
	assert_int_equal(win_setup_args_encode(&a, buf, sizeof(buf)), -EINVAL);
}

static void encoder_refuses_what_the_decoder_would(void **state)
{
	struct win_setup_args a;
	char buf[BUF];

	(void)state;
	base(&a);
	strcpy(a.profile, "Users\\me");
	assert_int_equal(win_setup_args_encode(&a, buf, sizeof(buf)), -EINVAL);
	base(&a);
	strcpy(a.user_sid, "S-1-5-32-544"); /* Administrators: a group */
	assert_int_equal(win_setup_args_encode(&a, buf, sizeof(buf)), -EINVAL);
	base(&a);
	assert_int_equal(win_setup_args_encode(&a, buf, 8), -ENOSPC);
}

/* Hex of a hand-made record, to reach what the encoder never writes. */
static size_t hexify(const unsigned char *rec, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", rec[i]);
	return 2 * n;
}

static size_t record(unsigned char *rec, unsigned version, unsigned action,
		     unsigned flags, unsigned roots, const char *sid,
		     const char *profile)
{
	size_t n = 0, l;

	memcpy(rec, "PDSA", 4);
	n = 4;
	rec[n++] = (unsigned char)version;
	rec[n++] = (unsigned char)action;
	rec[n++] = (unsigned char)flags;
	rec[n++] = (unsigned char)roots;
	l = strlen(sid);
	rec[n++] = (unsigned char)l;
	rec[n++] = 0;
	memcpy(rec + n, sid, l);
	n += l;
	l = strlen(profile);
	rec[n++] = (unsigned char)l;
	rec[n++] = 0;
	memcpy(rec + n, profile, l);
	return n + l;
}

static int decode_record(const unsigned char *rec, size_t n)
{
	static char hex[BUF + 64];
	struct win_setup_args a;

	return win_setup_args_decode(hex, hexify(rec, n, hex), &a);
}

static void hand_made_record_is_accepted(void **state)
{
	unsigned char rec[256];

	(void)state;
	assert_int_equal(decode_record(rec, record(rec, 1, 3, 0, 0, SID,
						   "C:\\Users\\me")),
			 0);
}

/* A well-formed record with one canonical root after the profile. */
static void record_with_a_root_is_refused(void **state)
{
	unsigned char rec[256];
	size_t n = record(rec, 1, 1, 0, 1, SID, "C:\\Users\\me");
	const char *root = "D:\\src";

	(void)state;
	rec[n++] = (unsigned char)strlen(root);
	rec[n++] = 0;
	memcpy(rec + n, root, strlen(root));
	n += strlen(root);
	assert_int_equal(decode_record(rec, n), -EINVAL);
	/* The same record without the root is accepted. */
	assert_int_equal(decode_record(rec, record(rec, 1, 1, 0, 0, SID,
						   "C:\\Users\\me")),
			 0);
}

static void unknown_version_is_refused(void **state)
{
	unsigned char rec[256];

	(void)state;
	assert_int_equal(decode_record(rec, record(rec, 2, 1, 0, 0, SID,
						   "C:\\Users\\me")),
			 -EPROTO);
	assert_int_equal(decode_record(rec, record(rec, 0, 1, 0, 0, SID,
						   "C:\\Users\\me")),
			 -EPROTO);
}

static void bad_fields_are_refused(void **state)
{
	unsigned char rec[256];
	size_t n;

	(void)state;
	/* Unknown action, unknown flag, too many roots. */
	n = record(rec, 1, 4, 0, 0, SID, "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 0, 0, 0, SID, "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 2, 0, SID, "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 0, 17, SID, "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	/* A root announced but absent. */
	n = record(rec, 1, 1, 0, 1, SID, "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	/* Paths that are not absolute or not canonical, a volume root. */
	n = record(rec, 1, 1, 0, 0, SID, "Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 0, 0, SID, "C:\\Users\\..\\Windows");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 0, 0, SID, "C:\\Users\\me\\");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 0, 0, SID, "C:\\");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 0, 0, SID, "\\\\.\\C:\\x");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	/* SIDs that are not accounts', or not SIDs. */
	n = record(rec, 1, 1, 0, 0, "S-1-5-18", "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 0, 0, "S-1-5-21-1-2-3", "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 0, 0, "me", "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
}

static void bad_lengths_are_refused(void **state)
{
	unsigned char rec[256];
	size_t n = record(rec, 1, 1, 0, 0, SID, "C:\\Users\\me");

	(void)state;
	/* Trailing bytes. */
	rec[n] = 0;
	assert_int_equal(decode_record(rec, n + 1), -EINVAL);
	/* Truncated at every length. */
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(decode_record(rec, cut), -EINVAL);
	/* A length past the end. */
	rec[9] = 0xff;
	assert_int_equal(decode_record(rec, n), -EINVAL);
	/* An empty string, a NUL inside one. */
	n = record(rec, 1, 1, 0, 0, "", "C:\\Users\\me");
	assert_int_equal(decode_record(rec, n), -EINVAL);
	n = record(rec, 1, 1, 0, 0, SID, "C:\\Users\\me");
	rec[n - 2] = 0;
	assert_int_equal(decode_record(rec, n), -EINVAL);
}

static void bad_text_is_refused(void **state)
{
	struct win_setup_args a, untouched;
	static char big[2 * WIN_SETUP_ARGS_MAX + 4];
	char buf[BUF];

	(void)state;
	base(&a);
	assert_int_equal(win_setup_args_encode(&a, buf, sizeof(buf)), 0);
	memset(&untouched, 0x5a, sizeof(untouched));
	a = untouched;
	/* Odd length, upper-case or non-hex digits, no magic. */
	assert_int_equal(win_setup_args_decode(buf, strlen(buf) - 1, &a),
			 -EINVAL);
	buf[0] = 'Z';
	assert_int_equal(win_setup_args_decode(buf, strlen(buf), &a), -EINVAL);
	buf[0] = 'A';
	assert_int_equal(win_setup_args_decode(buf, strlen(buf), &a), -EINVAL);
	assert_int_equal(win_setup_args_decode("00000000000000000000", 20, &a),
			 -EINVAL);
	/* Over the bound, whatever it holds. */
	memset(big, '0', sizeof(big));
	assert_int_equal(win_setup_args_decode(big, sizeof(big), &a), -EINVAL);
	assert_memory_equal(&a, &untouched, sizeof(a));
}

static void account_sids_are_recognised(void **state)
{
	(void)state;
	assert_true(win_setup_sid_is_account(SID));
	assert_false(win_setup_sid_is_account("S-1-5-32-545"));
	assert_false(win_setup_sid_is_account("S-1-5-21-1-2-3-4-5-6"));
	assert_false(win_setup_sid_is_account("S-1-1-0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(args_round_trip),
		cmocka_unit_test(writable_roots_are_refused),
		cmocka_unit_test(encoder_refuses_what_the_decoder_would),
		cmocka_unit_test(hand_made_record_is_accepted),
		cmocka_unit_test(record_with_a_root_is_refused),
		cmocka_unit_test(unknown_version_is_refused),
		cmocka_unit_test(bad_fields_are_refused),
		cmocka_unit_test(bad_lengths_are_refused),
		cmocka_unit_test(bad_text_is_refused),
		cmocka_unit_test(account_sids_are_recognised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
