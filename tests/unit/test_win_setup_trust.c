/* SPDX-License-Identifier: MIT */
/* Unit tests for what setup trusts as it finds it: the setup directory and
 * the objects grants are written to (src/windows/setup_trust.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "windows/setup.h"

#define DIR_ATTR WIN_FILE_ATTRIBUTE_DIRECTORY
#define REPARSE WIN_FILE_ATTRIBUTE_REPARSE_POINT
/* IO_REPARSE_TAG_MOUNT_POINT (a junction), IO_REPARSE_TAG_SYMLINK. */
#define TAG_JUNCTION 0xA0000003u
#define TAG_SYMLINK 0xA000000Cu
#define USER "S-1-5-21-1004336348-1177238915-682003330-1001"

static void setup_dir_owned_by_administrators_or_system_is_trusted(void **s)
{
	(void)s;
	assert_int_equal(win_setup_dir_verdict(DIR_ATTR, 0, "S-1-5-32-544"),
			 WIN_SETUP_OBJECT_OK);
	assert_int_equal(win_setup_dir_verdict(DIR_ATTR, 0, "S-1-5-18"),
			 WIN_SETUP_OBJECT_OK);
	/* Other attributes (hidden, not indexed) do not matter. */
	assert_int_equal(win_setup_dir_verdict(DIR_ATTR | 0x2u | 0x2000u, 0,
					       "S-1-5-32-544"),
			 WIN_SETUP_OBJECT_OK);
}

/* A folder a standard user made in ProgramData is his, and so is its DACL. */
static void setup_dir_of_another_owner_is_refused(void **s)
{
	static const char *const owners[] = {
		USER,
		"S-1-5-32-545", /* Users */
		"S-1-3-0", /* CREATOR OWNER, never a real owner */
		"S-1-5-11", /* Authenticated Users */
		"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464", /* TrustedInstaller */
		"S-1-5-32-5440", /* close to Administrators, but not it */
		"S-1-5-180",
		"",
		"BA", /* an SDDL alias is not a SID string */
	};

	(void)s;
	for (size_t i = 0; i < sizeof(owners) / sizeof(*owners); i++)
		assert_int_equal(win_setup_dir_verdict(DIR_ATTR, 0, owners[i]),
				 WIN_SETUP_OBJECT_FOREIGN_OWNER);
	assert_int_equal(win_setup_dir_verdict(DIR_ATTR, 0, NULL),
			 WIN_SETUP_OBJECT_FOREIGN_OWNER);
}

/* A junction is refused whoever owns it: it is the link that is owned, and
 * what it names is the squatter's choice. */
static void setup_dir_that_is_a_reparse_point_is_refused(void **s)
{
	(void)s;
	assert_int_equal(win_setup_dir_verdict(DIR_ATTR | REPARSE, TAG_JUNCTION,
					       "S-1-5-32-544"),
			 WIN_SETUP_OBJECT_REPARSE_POINT);
	assert_int_equal(
		win_setup_dir_verdict(DIR_ATTR | REPARSE, TAG_SYMLINK, USER),
		WIN_SETUP_OBJECT_REPARSE_POINT);
	/* Either sign is enough. */
	assert_int_equal(
		win_setup_dir_verdict(DIR_ATTR | REPARSE, 0, "S-1-5-18"),
		WIN_SETUP_OBJECT_REPARSE_POINT);
	assert_int_equal(
		win_setup_dir_verdict(DIR_ATTR, TAG_JUNCTION, "S-1-5-18"),
		WIN_SETUP_OBJECT_REPARSE_POINT);
}

static void setup_dir_that_is_a_file_is_refused(void **s)
{
	(void)s;
	assert_int_equal(
		win_setup_dir_verdict(0x20u /* archive */, 0, "S-1-5-32-544"),
		WIN_SETUP_OBJECT_NOT_DIRECTORY);
}

static void grant_targets_are_refused_only_as_reparse_points(void **s)
{
	(void)s;
	assert_int_equal(win_setup_grant_verdict(DIR_ATTR, 0),
			 WIN_SETUP_OBJECT_OK);
	assert_int_equal(win_setup_grant_verdict(0x20u, 0),
			 WIN_SETUP_OBJECT_OK);
	assert_int_equal(
		win_setup_grant_verdict(DIR_ATTR | REPARSE, TAG_JUNCTION),
		WIN_SETUP_OBJECT_REPARSE_POINT);
	assert_int_equal(win_setup_grant_verdict(REPARSE, TAG_SYMLINK),
			 WIN_SETUP_OBJECT_REPARSE_POINT);
	assert_int_equal(win_setup_grant_verdict(0, TAG_SYMLINK),
			 WIN_SETUP_OBJECT_REPARSE_POINT);
}

/* Each refusal says what to do: delete the directory. */
static void refusals_say_to_delete_the_directory(void **s)
{
	(void)s;
	assert_non_null(
		strstr(win_setup_dir_text(WIN_SETUP_OBJECT_FOREIGN_OWNER),
		       "delete it"));
	assert_non_null(
		strstr(win_setup_dir_text(WIN_SETUP_OBJECT_REPARSE_POINT),
		       "junction"));
	assert_non_null(
		strstr(win_setup_dir_text(WIN_SETUP_OBJECT_NOT_DIRECTORY),
		       "delete it"));
	assert_string_equal(win_setup_code_name(WIN_SETUP_E_SETUP_DIR),
			    "E_SETUP_DIR");
	/* A new code, so the older exit statuses keep their numbers. */
	assert_int_equal(WIN_SETUP_E_SETUP_DIR, 12);
}

#define ADMIN "S-1-5-21-1004336348-1177238915-682003330-500"
#define OTHER "S-1-5-21-1004336348-1177238915-682003330-1002"

/* Same-user elevation: the token's user is the real user. */
static void caller_is_the_elevated_user_or_the_session_user(void **s)
{
	(void)s;
	assert_true(win_setup_caller_allowed(USER, USER, USER));
	assert_true(win_setup_caller_allowed(USER, USER, NULL));
	assert_true(win_setup_caller_allowed(USER, USER, ""));
	/* Over the shoulder: an administrator elevated for the user in
	 * front of him. */
	assert_true(win_setup_caller_allowed(USER, ADMIN, USER));
	/* A session without an interactive user (a service, SSH). */
	assert_true(win_setup_caller_allowed(ADMIN, ADMIN, ""));
}

/* Any other account's SID is refused, whoever asks. */
static void another_account_is_refused(void **s)
{
	(void)s;
	assert_false(win_setup_caller_allowed(OTHER, USER, USER));
	assert_false(win_setup_caller_allowed(OTHER, ADMIN, USER));
	assert_false(win_setup_caller_allowed(OTHER, NULL, NULL));
	assert_false(win_setup_caller_allowed(OTHER, "", ""));
	/* Not an account SID at all, even if it were the token's. */
	assert_false(win_setup_caller_allowed("S-1-5-18", "S-1-5-18", ""));
	assert_false(win_setup_caller_allowed("S-1-5-32-544", "S-1-5-32-544",
					      "S-1-5-32-544"));
	assert_false(win_setup_caller_allowed("", "", ""));
	/* A SID with a sub-authority more or less is another SID. */
	assert_false(win_setup_caller_allowed(
		USER, "S-1-5-21-1004336348-1177238915-682003330-1001-1", ""));
	assert_false(win_setup_caller_allowed(
		USER, "S-1-5-21-1004336348-1177238915-682003330", ""));
}

static void helper_must_name_the_marker_owner_and_profile(void **s)
{
	struct win_setup_marker m = { .version = WIN_SETUP_VERSION };
	struct win_setup_args a = { .action = WIN_SETUP_READ_GRANTS };

	(void)s;
	strcpy(m.owner_sid, USER);
	strcpy(m.profile, "C:\\Users\\me");
	strcpy(a.user_sid, USER);
	strcpy(a.profile, "C:\\Users\\me");
	assert_true(win_setup_helper_matches(&m, &a));
	/* Windows compares paths without case. */
	strcpy(a.profile, "C:\\USERS\\Me");
	assert_true(win_setup_helper_matches(&m, &a));
	/* Another profile, another owner. */
	strcpy(a.profile, "C:\\Users\\other");
	assert_false(win_setup_helper_matches(&m, &a));
	strcpy(a.profile, "C:\\Users\\me\\sub");
	assert_false(win_setup_helper_matches(&m, &a));
	strcpy(a.profile, "C:\\Users\\me");
	strcpy(a.user_sid, OTHER);
	assert_false(win_setup_helper_matches(&m, &a));
}

/* Uninstall cleans the profile of whoever set up, as the system records
 * it, not the profile of whoever runs it; nothing else is followed. */
static void uninstall_cleans_the_owners_profile(void **s)
{
	struct win_setup_marker m = { .version = WIN_SETUP_VERSION };
	const char *mine = "C:\\Users\\admin";

	(void)s;
	strcpy(m.owner_sid, USER);
	strcpy(m.profile, "C:\\Users\\me");
	assert_string_equal(
		win_setup_uninstall_profile(&m, "C:\\users\\ME", mine),
		"C:\\Users\\me");
	/* No marker, or the system records no profile for its owner. */
	assert_ptr_equal(win_setup_uninstall_profile(NULL, NULL, mine), mine);
	assert_ptr_equal(win_setup_uninstall_profile(&m, NULL, mine), mine);
	/* A marker's profile the system does not bear out. */
	assert_ptr_equal(
		win_setup_uninstall_profile(&m, "C:\\Users\\you", mine), mine);
	m.profile[0] = '\0';
	assert_ptr_equal(win_setup_uninstall_profile(&m, "C:\\Users\\me", mine),
			 mine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			setup_dir_owned_by_administrators_or_system_is_trusted),
		cmocka_unit_test(setup_dir_of_another_owner_is_refused),
		cmocka_unit_test(setup_dir_that_is_a_reparse_point_is_refused),
		cmocka_unit_test(setup_dir_that_is_a_file_is_refused),
		cmocka_unit_test(
			grant_targets_are_refused_only_as_reparse_points),
		cmocka_unit_test(refusals_say_to_delete_the_directory),
		cmocka_unit_test(
			caller_is_the_elevated_user_or_the_session_user),
		cmocka_unit_test(another_account_is_refused),
		cmocka_unit_test(helper_must_name_the_marker_owner_and_profile),
		cmocka_unit_test(uninstall_cleans_the_owners_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
