/* SPDX-License-Identifier: MIT */
/* Unit tests for the ACL plan (src/windows/acl.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "windows/logic.h"

#define WS_SID "S-1-5-21-1-2-3-4"
#define OTHER_SID "S-1-5-21-5-6-7-8"

static const struct win_acl_name ws_names[] = {
	{ ".git", false },
	{ ".agents", true },
};

/* The entries for path and sid, counted; *ret the last one found. */
static size_t find(const struct win_acl_plan *plan, const char *path,
		   const char *sid, enum win_acl_kind kind,
		   const struct win_acl_entry **ret)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->len; i++) {
		const struct win_acl_entry *e = &plan->entries[i];

		if (strcmp(e->path, path) == 0 && strcmp(e->sid, sid) == 0 &&
		    e->kind == kind) {
			*ret = e;
			n++;
		}
	}
	return n;
}

static void workspace_root_is_granted_to_its_sid(void **state)
{
	const struct win_acl_root roots[] = {
		{ "C:\\ws", WS_SID, ws_names, 2 },
	};
	struct win_acl_plan plan;
	const struct win_acl_entry *self = NULL, *below = NULL, *e;

	(void)state;
	assert_int_equal(win_acl_plan_build(roots, 1, NULL, 0, &plan), 0);
	assert_int_equal(find(&plan, "C:\\ws", WS_SID, WIN_ACL_ALLOW, &e), 2);
	for (size_t i = 0; i < plan.len; i++) {
		e = &plan.entries[i];
		if (strcmp(e->path, "C:\\ws") != 0)
			continue;
		if (e->inherit & WIN_ACL_INHERIT_ONLY)
			below = e;
		else
			self = e;
	}
	assert_non_null(self);
	assert_non_null(below);

	/* The root itself: read, write, execute; nothing inherited, and no
	 * delete-child, which would let ".git" be renamed away. */
	assert_int_equal(self->inherit, 0);
	assert_int_equal(self->mask & WIN_ACL_GENERIC_WRITE,
			 WIN_ACL_GENERIC_WRITE);
	assert_int_equal(self->mask & WIN_ACL_GENERIC_READ,
			 WIN_ACL_GENERIC_READ);
	assert_true(self->mask & WIN_ACL_EXECUTE);
	assert_false(self->mask & WIN_ACL_DELETE_CHILD);
	assert_false(self->mask & WIN_ACL_DELETE);

	/* Below it: also delete and delete-child, inherited by files and
	 * directories; never the rights to change ACLs or owners. */
	assert_int_equal(below->inherit, WIN_ACL_OBJECT_INHERIT |
						 WIN_ACL_CONTAINER_INHERIT |
						 WIN_ACL_INHERIT_ONLY);
	assert_true(below->mask & WIN_ACL_DELETE);
	assert_true(below->mask & WIN_ACL_DELETE_CHILD);
	assert_int_equal(below->mask & WIN_ACL_GENERIC_WRITE,
			 WIN_ACL_GENERIC_WRITE);
	assert_false(below->mask & (WIN_ACL_WRITE_DAC | WIN_ACL_WRITE_OWNER));
	assert_false(self->mask & (WIN_ACL_WRITE_DAC | WIN_ACL_WRITE_OWNER));
	win_acl_plan_free(&plan);
}

static void protected_names_are_denied_every_write(void **state)
{
	const struct win_acl_root roots[] = {
		{ "C:\\ws", WS_SID, ws_names, 2 },
	};
	const uint32_t writes[] = {
		WIN_ACL_WRITE_DATA, WIN_ACL_APPEND_DATA,
		WIN_ACL_WRITE_EA,   WIN_ACL_WRITE_ATTRIBUTES,
		WIN_ACL_DELETE,	    WIN_ACL_DELETE_CHILD,
		WIN_ACL_WRITE_DAC,  WIN_ACL_WRITE_OWNER,
	};
	struct win_acl_plan plan;
	const struct win_acl_entry *git, *agents;

	(void)state;
	assert_int_equal(win_acl_plan_build(roots, 1, NULL, 0, &plan), 0);
	assert_int_equal(
		find(&plan, "C:\\ws\\.git", WS_SID, WIN_ACL_DENY, &git), 1);
	assert_int_equal(
		find(&plan, "C:\\ws\\.agents", WS_SID, WIN_ACL_DENY, &agents),
		1);
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		assert_true(git->mask & writes[i]);
		assert_true(agents->mask & writes[i]);
	}
	/* Reads stay allowed. */
	assert_false(git->mask & (WIN_ACL_READ_DATA | WIN_ACL_EXECUTE |
				  WIN_ACL_READ_ATTRIBUTES));
	assert_int_equal(git->inherit,
			 WIN_ACL_OBJECT_INHERIT | WIN_ACL_CONTAINER_INHERIT);
	/* The existing name is denied in place, the missing one reserved. */
	assert_false(git->placeholder);
	assert_true(agents->placeholder);
	assert_int_equal(
		find(&plan, "C:\\ws\\.git", WS_SID, WIN_ACL_ALLOW, &git), 0);
	win_acl_plan_free(&plan);
}

static void every_capability_sid_is_denied_each_protected_name(void **state)
{
	const struct win_acl_name tmp_names[] = { { ".git", true } };
	const struct win_acl_root roots[] = {
		{ "C:\\ws", WS_SID, ws_names, 2 },
		{ "C:\\Users\\me\\AppData\\Local\\Temp", OTHER_SID, tmp_names,
		  1 },
		{ "D:\\cache", OTHER_SID, NULL, 0 },
	};
	struct win_acl_plan plan;
	const struct win_acl_entry *e;

	(void)state;
	assert_int_equal(win_acl_plan_build(roots, 3, NULL, 0, &plan), 0);
	assert_int_equal(find(&plan, "C:\\ws\\.git", WS_SID, WIN_ACL_DENY, &e),
			 1);
	assert_int_equal(
		find(&plan, "C:\\ws\\.git", OTHER_SID, WIN_ACL_DENY, &e), 1);
	assert_int_equal(find(&plan,
			      "C:\\Users\\me\\AppData\\Local\\Temp\\.git",
			      WS_SID, WIN_ACL_DENY, &e),
			 1);
	assert_true(e->placeholder);
	/* Each root is granted to its own SID only. */
	assert_int_equal(find(&plan, "D:\\cache", OTHER_SID, WIN_ACL_ALLOW, &e),
			 2);
	assert_int_equal(find(&plan, "D:\\cache", WS_SID, WIN_ACL_ALLOW, &e),
			 0);
	assert_int_equal(find(&plan, "C:\\ws", OTHER_SID, WIN_ACL_ALLOW, &e),
			 0);
	/* The null device once per distinct SID, nothing inherited. */
	assert_int_equal(
		find(&plan, WIN_ACL_NUL_DEVICE, WS_SID, WIN_ACL_ALLOW, &e), 1);
	assert_int_equal(e->inherit, 0);
	assert_true(e->mask & WIN_ACL_WRITE_DATA);
	assert_int_equal(
		find(&plan, WIN_ACL_NUL_DEVICE, OTHER_SID, WIN_ACL_ALLOW, &e),
		1);
	/* 2 + 2 + 2 allows on roots, 2 SIDs x 3 names, 2 for NUL. */
	assert_int_equal(plan.len, 6 + 6 + 2);
	win_acl_plan_free(&plan);
}

static void drive_root_paths_are_joined_once(void **state)
{
	const struct win_acl_root roots[] = {
		{ "D:\\", WS_SID, ws_names, 1 },
		{ "\\\\srv\\share", OTHER_SID, ws_names, 1 },
	};
	struct win_acl_plan plan;
	const struct win_acl_entry *e;

	(void)state;
	assert_int_equal(win_acl_plan_build(roots, 2, NULL, 0, &plan), 0);
	assert_int_equal(find(&plan, "D:\\.git", WS_SID, WIN_ACL_DENY, &e), 1);
	assert_int_equal(
		find(&plan, "\\\\srv\\share\\.git", WS_SID, WIN_ACL_DENY, &e),
		1);
	win_acl_plan_free(&plan);
}

static void no_roots_means_no_entries(void **state)
{
	struct win_acl_plan plan = { 0 };

	(void)state;
	assert_int_equal(win_acl_plan_build(NULL, 0, NULL, 0, &plan), 0);
	assert_int_equal(plan.len, 0);
	win_acl_plan_free(&plan);
}

static void bad_input_is_refused(void **state)
{
	const struct win_acl_name bad_name[] = { { ".git.", false } };
	const struct win_acl_name slash_name[] = { { "a\\b", false } };
	const struct win_acl_root cases[][1] = {
		{ { "C:\\ws", "S-1-5-32-544", NULL,
		    0 } }, /* not a capability */
		{ { "C:\\ws", "S-1-5-21-1-2-3", NULL, 0 } },
		{ { "C:\\ws", "garbage", NULL, 0 } },
		{ { "C:/ws", WS_SID, NULL, 0 } }, /* not canonical */
		{ { "c:\\ws", WS_SID, NULL, 0 } },
		{ { "C:\\ws\\", WS_SID, NULL, 0 } },
		{ { "ws", WS_SID, NULL, 0 } },
		{ { "C:\\ws", WS_SID, bad_name, 1 } },
		{ { "C:\\ws", WS_SID, slash_name, 1 } },
	};
	struct win_acl_plan plan = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (win_acl_plan_build(cases[i], 1, NULL, 0, &plan) != -EINVAL)
			fail_msg("case %zu accepted", i);
	}
	assert_null(plan.entries);
}

/* A root inside another root's protected name would grant what the
 * deny entries take away. */
static void root_inside_a_protected_name_is_refused(void **state)
{
	const struct win_acl_root roots[] = {
		{ "C:\\ws", WS_SID, ws_names, 2 },
		{ "C:\\ws\\.GIT\\hooks", OTHER_SID, NULL, 0 },
	};
	const struct win_acl_root missing[] = {
		{ "C:\\ws", WS_SID, ws_names, 2 },
		{ "C:\\ws\\.agents", OTHER_SID, NULL, 0 },
	};
	const struct win_acl_root nested[] = {
		{ "C:\\ws", WS_SID, ws_names, 2 },
		{ "C:\\ws\\sub", OTHER_SID, ws_names, 2 },
	};
	struct win_acl_plan plan;

	(void)state;
	assert_int_equal(win_acl_plan_build(roots, 2, NULL, 0, &plan), -EINVAL);
	assert_int_equal(win_acl_plan_build(missing, 2, NULL, 0, &plan),
			 -EINVAL);
	assert_int_equal(win_acl_plan_build(nested, 2, NULL, 0, &plan), 0);
	win_acl_plan_free(&plan);
}

/* A worktree's git directory and its common directory lie outside every
 * writable root; each capability SID of the run is denied them like a
 * protected name, inherited by what they hold, and nothing is granted. */
static void git_dirs_are_denied_to_every_capability_sid(void **state)
{
	const struct win_acl_root roots[] = {
		{ "C:\\wt", WS_SID, ws_names, 2 },
		{ "C:\\tmp", OTHER_SID, NULL, 0 },
	};
	const char *const dirs[] = { "C:\\repo\\.git\\worktrees\\wt",
				     "C:\\repo\\.git" };
	const char *const sids[] = { WS_SID, OTHER_SID };
	struct win_acl_plan plan;
	const struct win_acl_entry *e = NULL;

	(void)state;
	assert_int_equal(win_acl_plan_build(roots, 2, dirs, 2, &plan), 0);
	for (size_t i = 0; i < 2; i++) {
		for (size_t j = 0; j < 2; j++) {
			assert_int_equal(
				find(&plan, dirs[i], sids[j], WIN_ACL_DENY, &e),
				1);
			assert_int_equal(e->mask, WIN_ACL_ANY_WRITE);
			assert_int_equal(e->inherit,
					 WIN_ACL_OBJECT_INHERIT |
						 WIN_ACL_CONTAINER_INHERIT);
			assert_false(e->placeholder);
			assert_int_equal(find(&plan, dirs[i], sids[j],
					      WIN_ACL_ALLOW, &e),
					 0);
		}
	}
	/* The deny matches the protected name's, entry for entry. */
	assert_int_equal(find(&plan, "C:\\wt\\.git", WS_SID, WIN_ACL_DENY, &e),
			 1);
	assert_int_equal(e->mask, WIN_ACL_ANY_WRITE);
	win_acl_plan_free(&plan);
}

/* A git directory inside a writable root (git clone --separate-git-dir)
 * gets its explicit deny, which comes before the root's inherited grant;
 * the same directory named twice, in any case, is planned once. */
static void git_dir_inside_a_root_is_denied_once(void **state)
{
	const struct win_acl_root roots[] = {
		{ "C:\\ws", WS_SID, ws_names, 2 },
	};
	const char *const dirs[] = { "C:\\ws\\gitdir", "C:\\WS\\GitDir" };
	struct win_acl_plan plan;
	const struct win_acl_entry *e = NULL;

	(void)state;
	assert_int_equal(win_acl_plan_build(roots, 1, dirs, 2, &plan), 0);
	assert_int_equal(
		find(&plan, "C:\\ws\\gitdir", WS_SID, WIN_ACL_DENY, &e), 1);
	assert_int_equal(
		find(&plan, "C:\\WS\\GitDir", WS_SID, WIN_ACL_DENY, &e), 0);
	win_acl_plan_free(&plan);
}

/* What a git directory cannot be: a writable root's ancestor or the root
 * itself (the root's explicit grant would win over the inherited deny),
 * a volume root, a path that is not canonical. */
static void bad_git_dirs_are_refused(void **state)
{
	const struct win_acl_root roots[] = {
		{ "C:\\repo\\.git\\wt", WS_SID, ws_names, 2 },
	};
	const char *const cases[] = {
		"C:\\repo\\.git",
		"C:\\repo\\.git\\WT",
		"C:\\",
		"\\\\srv\\share",
		"C:/repo/.git/x",
		"relative",
		"",
	};
	struct win_acl_plan plan = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (win_acl_plan_build(roots, 1, &cases[i], 1, &plan) !=
		    -EINVAL)
			fail_msg("case %zu accepted", i);
	}
	assert_null(plan.entries);
	/* Without roots there is no capability SID to deny: nothing. */
	assert_int_equal(win_acl_plan_build(NULL, 0, cases, 1, &plan), 0);
	assert_int_equal(plan.len, 0);
	win_acl_plan_free(&plan);
}

static void present_entries_are_recognised(void **state)
{
	const struct win_acl_entry want = {
		.path = "C:\\ws",
		.sid = WS_SID,
		.kind = WIN_ACL_ALLOW,
		.mask = WIN_ACL_GENERIC_READ,
		.inherit = WIN_ACL_OBJECT_INHERIT,
	};
	struct win_acl_ace aces[] = {
		{ WIN_ACL_ALLOW, OTHER_SID, WIN_ACL_GENERIC_READ,
		  WIN_ACL_OBJECT_INHERIT, false },
		{ WIN_ACL_ALLOW, WS_SID, WIN_ACL_GENERIC_READ | WIN_ACL_DELETE,
		  WIN_ACL_OBJECT_INHERIT, true },
	};

	(void)state;
	/* Another SID, or an inherited entry: still to be written. */
	assert_false(win_acl_entry_present(aces, 2, &want));
	aces[1].inherited = false;
	/* A wider mask covers the entry. */
	assert_true(win_acl_entry_present(aces, 2, &want));
	aces[1].flags |= WIN_ACL_CONTAINER_INHERIT;
	assert_false(win_acl_entry_present(aces, 2, &want));
	aces[1].flags = WIN_ACL_OBJECT_INHERIT;
	aces[1].kind = WIN_ACL_DENY;
	assert_false(win_acl_entry_present(aces, 2, &want));
	aces[1].kind = WIN_ACL_ALLOW;
	aces[1].mask = WIN_ACL_READ_DATA;
	assert_false(win_acl_entry_present(aces, 2, &want));
}

static void everyone_writable_directories_are_found(void **state)
{
	static const char *const sids[] = { WIN_SID_EVERYONE, "S-1-5-5-0-999",
					    NULL };
	struct win_acl_ace aces[] = {
		{ WIN_ACL_ALLOW, "S-1-5-32-545", WIN_ACL_GENERIC_WRITE, 0,
		  false },
		{ WIN_ACL_ALLOW, WIN_SID_EVERYONE, WIN_ACL_GENERIC_READ, 0,
		  false },
		{ WIN_ACL_ALLOW, WIN_SID_EVERYONE, WIN_ACL_APPEND_DATA,
		  WIN_ACL_INHERIT_ONLY | WIN_ACL_CONTAINER_INHERIT, false },
	};

	(void)state;
	/* Users may write, Everyone only reads, and the add-subdirectory
	 * right is only for the children. */
	assert_false(win_acl_writable_by(aces, 3, sids));
	aces[2].flags = WIN_ACL_CONTAINER_INHERIT;
	assert_true(win_acl_writable_by(aces, 3, sids));
	/* The logon SID counts as Everyone does. */
	aces[2].sid = "S-1-5-5-0-999";
	assert_true(win_acl_writable_by(aces, 3, sids));
	/* A deny entry first takes the right back. */
	aces[0] = (struct win_acl_ace){ WIN_ACL_DENY, "S-1-5-5-0-999",
					WIN_ACL_APPEND_DATA, 0, false };
	assert_false(win_acl_writable_by(aces, 3, sids));
}

#define GROUP_SID "S-1-5-21-100-200-300-1001"

/* The elevated mode: the sandbox group gets every allow entry of a
 * writable root, and none of the denies or the null device's. */
static void group_gets_the_roots_allow_entries_only(void **state)
{
	const struct win_acl_root roots[] = {
		{ "C:\\ws", WS_SID, ws_names, 2 },
		{ "D:\\other", OTHER_SID, NULL, 0 },
	};
	struct win_acl_plan plan;
	const struct win_acl_entry *e, *twin;
	size_t before;

	(void)state;
	assert_int_equal(win_acl_plan_build(roots, 2, NULL, 0, &plan), 0);
	before = plan.len;
	assert_int_equal(win_acl_plan_add_group(&plan, GROUP_SID), 0);
	assert_int_equal(find(&plan, "C:\\ws", GROUP_SID, WIN_ACL_ALLOW, &e),
			 2);
	assert_int_equal(find(&plan, "D:\\other", GROUP_SID, WIN_ACL_ALLOW, &e),
			 2);
	assert_int_equal(plan.len, before + 4);
	/* each twin has the mask and inheritance of its capability entry */
	for (size_t i = 0; i < before; i++) {
		const struct win_acl_entry *c = &plan.entries[i];
		bool found = false;

		if (c->kind != WIN_ACL_ALLOW ||
		    strcmp(c->path, WIN_ACL_NUL_DEVICE) == 0)
			continue;
		for (size_t j = before; j < plan.len; j++) {
			twin = &plan.entries[j];
			found |= strcmp(twin->path, c->path) == 0 &&
				 twin->mask == c->mask &&
				 twin->inherit == c->inherit;
		}
		assert_true(found);
	}
	assert_int_equal(
		find(&plan, "C:\\ws\\.git", GROUP_SID, WIN_ACL_DENY, &e), 0);
	assert_int_equal(
		find(&plan, WIN_ACL_NUL_DEVICE, GROUP_SID, WIN_ACL_ALLOW, &e),
		0);
	assert_int_equal(win_acl_plan_add_group(&plan, "S-1-x"), -EINVAL);
	win_acl_plan_free(&plan);
}

static void working_directory_components_are_readable_by_the_group(void **state)
{
	struct win_acl_plan plan;
	const struct win_acl_entry *e;

	(void)state;
	assert_int_equal(win_acl_plan_traverse("C:\\Users\\me\\src\\ws",
					       GROUP_SID, &plan),
			 0);
	assert_int_equal(plan.len, 4);
	assert_int_equal(find(&plan, "C:\\Users\\me\\src\\ws", GROUP_SID,
			      WIN_ACL_ALLOW, &e),
			 1);
	assert_int_equal(e->inherit,
			 WIN_ACL_OBJECT_INHERIT | WIN_ACL_CONTAINER_INHERIT);
	assert_int_equal(e->mask & WIN_ACL_ANY_WRITE, 0);
	assert_true(e->mask & WIN_ACL_EXECUTE);
	assert_true(e->mask & WIN_ACL_READ_DATA);
	for (const char *const *p = (const char *const[]){ "C:\\Users\\me\\src",
							   "C:\\Users\\me",
							   "C:\\Users", NULL };
	     *p; p++) {
		assert_int_equal(find(&plan, *p, GROUP_SID, WIN_ACL_ALLOW, &e),
				 1);
		assert_int_equal(e->inherit, 0);
		assert_int_equal(e->mask & WIN_ACL_ANY_WRITE, 0);
	}
	/* never the volume root */
	assert_int_equal(find(&plan, "C:\\", GROUP_SID, WIN_ACL_ALLOW, &e), 0);
	win_acl_plan_free(&plan);

	assert_int_equal(
		win_acl_plan_traverse("\\\\srv\\share\\ws", GROUP_SID, &plan),
		0);
	assert_int_equal(plan.len, 1);
	win_acl_plan_free(&plan);
	assert_int_equal(win_acl_plan_traverse("C:\\", GROUP_SID, &plan),
			 -EINVAL);
	assert_int_equal(
		win_acl_plan_traverse("C:\\a\\..\\b", GROUP_SID, &plan),
		-EINVAL);
	assert_int_equal(win_acl_plan_traverse("C:\\ws", "nope", &plan),
			 -EINVAL);
}

/* The runner's file: read and execute on it, nothing inherited, and only
 * traverse on the directories above, which stay unlistable. */
static void an_executable_and_the_way_to_it_are_granted(void **state)
{
	const char *const dirs[] = { "C:\\Users\\me\\paddock\\build",
				     "C:\\Users\\me\\paddock", "C:\\Users\\me",
				     "C:\\Users", NULL };
	struct win_acl_plan plan;
	const struct win_acl_entry *e;

	(void)state;
	assert_int_equal(
		win_acl_plan_executable(
			"C:\\Users\\me\\paddock\\build\\paddock-runner.exe",
			GROUP_SID, &plan),
		0);
	assert_int_equal(plan.len, 5);
	assert_int_equal(
		find(&plan, "C:\\Users\\me\\paddock\\build\\paddock-runner.exe",
		     GROUP_SID, WIN_ACL_ALLOW, &e),
		1);
	assert_int_equal(e->inherit, 0);
	assert_int_equal(e->mask & WIN_ACL_ANY_WRITE, 0);
	assert_true(e->mask & WIN_ACL_READ_DATA);
	assert_true(e->mask & WIN_ACL_EXECUTE);
	for (const char *const *p = dirs; *p; p++) {
		assert_int_equal(find(&plan, *p, GROUP_SID, WIN_ACL_ALLOW, &e),
				 1);
		assert_int_equal(e->inherit, 0);
		assert_int_equal(e->mask & WIN_ACL_ANY_WRITE, 0);
		assert_true(e->mask & WIN_ACL_EXECUTE);
		/* FILE_LIST_DIRECTORY is FILE_READ_DATA's bit */
		assert_int_equal(e->mask & WIN_ACL_READ_DATA, 0);
	}
	assert_int_equal(find(&plan, "C:\\", GROUP_SID, WIN_ACL_ALLOW, &e), 0);
	win_acl_plan_free(&plan);

	/* a file at the top of a share: the file alone */
	assert_int_equal(win_acl_plan_executable("\\\\srv\\share\\r.exe",
						 GROUP_SID, &plan),
			 0);
	assert_int_equal(plan.len, 1);
	win_acl_plan_free(&plan);
	assert_int_equal(win_acl_plan_executable("C:\\", GROUP_SID, &plan),
			 -EINVAL);
	assert_int_equal(
		win_acl_plan_executable("C:\\a\\..\\r.exe", GROUP_SID, &plan),
		-EINVAL);
	assert_int_equal(win_acl_plan_executable("r.exe", GROUP_SID, &plan),
			 -EINVAL);
	assert_int_equal(win_acl_plan_executable("C:\\r.exe", "S-1-x", &plan),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(present_entries_are_recognised),
		cmocka_unit_test(group_gets_the_roots_allow_entries_only),
		cmocka_unit_test(
			working_directory_components_are_readable_by_the_group),
		cmocka_unit_test(an_executable_and_the_way_to_it_are_granted),
		cmocka_unit_test(everyone_writable_directories_are_found),
		cmocka_unit_test(workspace_root_is_granted_to_its_sid),
		cmocka_unit_test(protected_names_are_denied_every_write),
		cmocka_unit_test(
			every_capability_sid_is_denied_each_protected_name),
		cmocka_unit_test(drive_root_paths_are_joined_once),
		cmocka_unit_test(no_roots_means_no_entries),
		cmocka_unit_test(bad_input_is_refused),
		cmocka_unit_test(root_inside_a_protected_name_is_refused),
		cmocka_unit_test(git_dirs_are_denied_to_every_capability_sid),
		cmocka_unit_test(git_dir_inside_a_root_is_denied_once),
		cmocka_unit_test(bad_git_dirs_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
