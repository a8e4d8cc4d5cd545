/* SPDX-License-Identifier: MIT */
/* Unit tests for the setup and uninstall plans, the marker and the error
 * report (src/windows/setup_plan.c, setup_marker.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "windows/setup.h"

static const char *const children[] = { "Documents",	   ".ssh",
					".gitconfig",	   "NTUSER.DAT",
					"ntuser.dat.LOG1", "AppData" };
static const char *const trees[] = { "C:\\Windows", "C:\\Program Files",
				     "C:\\Program Files (x86)",
				     "C:\\ProgramData" };
static const char *const roots[] = { "D:\\cache" };

static const struct win_setup_input input = {
	.setup_dir = "C:\\ProgramData\\paddock",
	.profile = "C:\\Users\\me",
	.profile_children = children,
	.n_profile_children = 6,
	.system_trees = trees,
	.n_system_trees = 4,
	.roots = roots,
	.n_roots = 1,
};

static ssize_t find(const struct win_setup_plan *p, enum win_setup_kind kind,
		    const char *target)
{
	for (size_t i = 0; i < p->len; i++)
		if (p->changes[i].kind == kind &&
		    (!target || strcmp(p->changes[i].target, target) == 0))
			return (ssize_t)i;
	return -1;
}

static void setup_plan_covers_every_kind_in_order(void **state)
{
	struct win_setup_present none = { 0 };
	struct win_setup_plan p;
	ssize_t out, in, secret, marker, grant, sublayer, block4, block6,
		permit;

	(void)state;
	assert_int_equal(win_setup_plan_install(&input, &none, &p), 0);
	for (int k = 0; k < WIN_SETUP_KIND_COUNT; k++)
		assert_true(find(&p, (enum win_setup_kind)k, NULL) >= 0);
	sublayer = find(&p, WIN_SETUP_SUBLAYER_KIND, WIN_SETUP_SUBLAYER);
	block4 = find(&p, WIN_SETUP_FILTER_KIND, "paddock-offline-block-v4");
	block6 = find(&p, WIN_SETUP_FILTER_KIND, "paddock-offline-block-v6");
	permit =
		find(&p, WIN_SETUP_FILTER_KIND, "paddock-offline-permit-proxy");
	out = find(&p, WIN_SETUP_RULE_KIND, WIN_SETUP_RULE_OUT);
	in = find(&p, WIN_SETUP_RULE_KIND, WIN_SETUP_RULE_IN);
	secret = find(&p, WIN_SETUP_SECRET_KIND, NULL);
	marker = find(&p, WIN_SETUP_MARKER_KIND, NULL);
	grant = find(&p, WIN_SETUP_READ_GRANT_KIND, NULL);
	/* The group before the users, the users before their rules, the
	 * broad block before the narrower rule and before any secret, the
	 * marker after the secrets, the read grants last. */
	assert_true(find(&p, WIN_SETUP_GROUP_KIND, NULL) <
		    find(&p, WIN_SETUP_USER_KIND, NULL));
	assert_true(find(&p, WIN_SETUP_USER_KIND, NULL) < out);
	assert_true(out < in && in < secret && secret < marker);
	assert_true(marker < grant);
	/* The WFP filters right after the outbound rule: the sublayer, the
	 * blocks, then the permit that narrows them, all before any
	 * secret. */
	assert_int_equal(sublayer, out + 1);
	assert_true(sublayer < block4 && block4 < block6 && block6 < permit);
	assert_true(permit < secret);
	assert_string_equal(p.changes[sublayer].subject,
			    "{9014d008-fd78-4fc3-a064-79cbea8e13c1}");
	assert_string_equal(p.changes[permit].subject,
			    "{1d15dc88-be9c-4c52-bee6-a7e88951cd33}");
	for (size_t i = 0; i < p.len; i++) {
		assert_int_equal(p.changes[i].op, WIN_SETUP_ADD);
		assert_int_equal(p.changes[i].background,
				 p.changes[i].kind ==
					 WIN_SETUP_READ_GRANT_KIND);
		if (p.changes[i].kind == WIN_SETUP_READ_GRANT_KIND)
			assert_true((ssize_t)i > marker);
	}
	win_setup_plan_free(&p);
}

static void users_join_users_by_its_well_known_sid(void **state)
{
	struct win_setup_present none = { 0 };
	struct win_setup_plan p;
	int users = 0;

	(void)state;
	assert_int_equal(win_setup_plan_install(&input, &none, &p), 0);
	for (size_t i = 0; i < p.len; i++)
		if (p.changes[i].kind == WIN_SETUP_MEMBER_KIND &&
		    strcmp(p.changes[i].subject, "S-1-5-32-545") == 0)
			users++;
	assert_int_equal(users, 2);
	win_setup_plan_free(&p);
}

static void ssh_and_hives_never_get_a_grant(void **state)
{
	struct win_setup_present none = { 0 };
	struct win_setup_plan p;
	ssize_t profile;

	(void)state;
	assert_int_equal(win_setup_plan_install(&input, &none, &p), 0);
	for (size_t i = 0; i < p.len; i++) {
		const char *t = p.changes[i].target;

		assert_null(strstr(t, ".ssh"));
		assert_null(strstr(t, "NTUSER"));
		assert_null(strstr(t, "ntuser"));
	}
	/* The profile's own entry is not inherited (it would reach .ssh);
	 * its other children's are. */
	profile = find(&p, WIN_SETUP_READ_GRANT_KIND, "C:\\Users\\me");
	assert_true(profile >= 0);
	assert_false(p.changes[profile].inherit);
	assert_true(p.changes[find(&p, WIN_SETUP_READ_GRANT_KIND,
				   "C:\\Users\\me\\Documents")]
			    .inherit);
	assert_true(find(&p, WIN_SETUP_READ_GRANT_KIND,
			 "C:\\Users\\me\\.gitconfig") >= 0);
	for (size_t i = 0; i < 4; i++)
		assert_true(
			p.changes[find(&p, WIN_SETUP_READ_GRANT_KIND, trees[i])]
				.inherit);
	assert_false(win_setup_child_granted(".SSH"));
	assert_true(win_setup_child_granted(".sshd-notes"));
	win_setup_plan_free(&p);
}

static void present_parts_are_skipped_but_secrets_reset(void **state)
{
	struct win_setup_present all;
	struct win_setup_plan p;

	(void)state;
	memset(&all, 1, sizeof(all));
	for (int a = 0; a < 2; a++) {
		all.user[a] = all.hidden[a] = all.profile[a] = true;
		all.member[a][0] = all.member[a][1] = true;
	}
	all.group = all.dir = all.rule_out = all.rule_in = true;
	all.sublayer = true;
	for (int f = 0; f < WIN_SETUP_FILTER_COUNT; f++)
		all.filter[f] = true;
	assert_int_equal(win_setup_plan_install(&input, &all, &p), 0);
	assert_int_equal(find(&p, WIN_SETUP_GROUP_KIND, NULL), -1);
	assert_int_equal(find(&p, WIN_SETUP_USER_KIND, NULL), -1);
	assert_int_equal(find(&p, WIN_SETUP_RULE_KIND, NULL), -1);
	assert_int_equal(find(&p, WIN_SETUP_SUBLAYER_KIND, NULL), -1);
	assert_int_equal(find(&p, WIN_SETUP_FILTER_KIND, NULL), -1);
	assert_true(find(&p, WIN_SETUP_SECRET_KIND,
			 "C:\\ProgramData\\paddock\\paddock-offline.secret") >=
		    0);
	assert_true(find(&p, WIN_SETUP_SECRET_KIND,
			 "C:\\ProgramData\\paddock\\paddock-online.secret") >=
		    0);
	assert_true(find(&p, WIN_SETUP_MARKER_KIND, NULL) >= 0);
	win_setup_plan_free(&p);
}

/* A system tree Users reads already gets no grant, in the plan the dry
 * run prints as in the one the helper carries out; uninstall still
 * removes the entries from every tree (a setup elsewhere may have made
 * them). */
static void readable_system_trees_get_no_grant(void **state)
{
	struct win_setup_present pr = { .tree_readable = { true, false, false,
							   true } };
	struct win_setup_input many = input;
	const char *const five[] = { "C:\\A", "C:\\B", "C:\\C", "C:\\D",
				     "C:\\E" };
	struct win_setup_plan p, undo;

	(void)state;
	assert_int_equal(win_setup_plan_install(&input, &pr, &p), 0);
	assert_int_equal(find(&p, WIN_SETUP_READ_GRANT_KIND, "C:\\Windows"),
			 -1);
	assert_int_equal(find(&p, WIN_SETUP_READ_GRANT_KIND, "C:\\ProgramData"),
			 -1);
	assert_true(find(&p, WIN_SETUP_READ_GRANT_KIND, "C:\\Program Files") >=
		    0);
	assert_true(find(&p, WIN_SETUP_READ_GRANT_KIND,
			 "C:\\Program Files (x86)") >= 0);
	/* The profile's grants do not depend on it. */
	assert_true(find(&p, WIN_SETUP_READ_GRANT_KIND,
			 "C:\\Users\\me\\Documents") >= 0);
	assert_int_equal(win_setup_plan_uninstall(&input, &undo), 0);
	assert_true(find(&undo, WIN_SETUP_READ_GRANT_KIND, "C:\\Windows") >= 0);
	win_setup_plan_free(&p);
	win_setup_plan_free(&undo);
	many.system_trees = five;
	many.n_system_trees = 5;
	assert_int_equal(win_setup_plan_install(&many, &pr, &p), -EINVAL);
}

/* A model of the machine: the set of things the changes made. */
struct model {
	char items[256][2 * WIN_SETUP_PATH_MAX];
	size_t n;
};

static void key(const struct win_setup_change *c, char *out)
{
	snprintf(out, 2 * WIN_SETUP_PATH_MAX, "%d|%s|%s|%d|%d", c->kind,
		 c->target, c->subject, c->account, c->inherit);
}

/* Apply c; an add of what exists or a removal of what does not (or of
 * something another item still depends on) fails the test. */
static void apply(struct model *m, const struct win_setup_change *c)
{
	char k[2 * WIN_SETUP_PATH_MAX];
	size_t i;

	key(c, k);
	for (i = 0; i < m->n && strcmp(m->items[i], k) != 0; i++)
		;
	if (c->op == WIN_SETUP_ADD) {
		assert_int_equal(i, m->n);
		assert_true(m->n < 256);
		strcpy(m->items[m->n++], k);
		return;
	}
	assert_true(i < m->n);
	/* A removal must come after everything added later: the model is a
	 * stack. */
	assert_int_equal(i, m->n - 1);
	m->n--;
}

/* A filter found changed or missing is added again, alone. */
static void only_missing_filters_are_planned(void **state)
{
	struct win_setup_present pr = { 0 };
	struct win_setup_plan p;

	(void)state;
	pr.sublayer = true;
	pr.filter[WIN_SETUP_FILTER_BLOCK_V4] = true;
	pr.filter[WIN_SETUP_FILTER_PERMIT_PROXY] = true;
	assert_int_equal(win_setup_plan_install(&input, &pr, &p), 0);
	assert_int_equal(find(&p, WIN_SETUP_SUBLAYER_KIND, NULL), -1);
	assert_true(find(&p, WIN_SETUP_FILTER_KIND,
			 "paddock-offline-block-v6") >= 0);
	assert_int_equal(
		find(&p, WIN_SETUP_FILTER_KIND, "paddock-offline-block-v4"),
		-1);
	assert_int_equal(
		find(&p, WIN_SETUP_FILTER_KIND, "paddock-offline-permit-proxy"),
		-1);
	win_setup_plan_free(&p);
}

/* The filters as data: the permit narrower than the blocks and above
 * them, both blocks covering every address and port, the range the one
 * the proxy uses. */
static void filters_block_everything_but_the_proxy_range(void **state)
{
	const struct win_setup_filter_spec *b4 =
		&win_setup_filters[WIN_SETUP_FILTER_BLOCK_V4];
	const struct win_setup_filter_spec *b6 =
		&win_setup_filters[WIN_SETUP_FILTER_BLOCK_V6];
	const struct win_setup_filter_spec *pp =
		&win_setup_filters[WIN_SETUP_FILTER_PERMIT_PROXY];
	char a[40], b[40];

	(void)state;
	assert_false(b4->permit || b6->permit);
	assert_false(b4->ipv6);
	assert_true(b6->ipv6);
	assert_true(!b4->remote_v4 && !b4->protocol && !b4->port_first &&
		    !b4->port_last);
	assert_true(!b6->remote_v4 && !b6->protocol && !b6->port_first &&
		    !b6->port_last);
	assert_true(pp->permit);
	assert_false(pp->ipv6);
	assert_true(pp->weight > b4->weight);
	assert_int_equal(pp->remote_v4, 0x7f000001u);
	assert_int_equal(pp->protocol, 6);
	assert_int_equal(pp->port_first, WIN_PROXY_PORT_FIRST);
	assert_int_equal(pp->port_last, WIN_PROXY_PORT_LAST);
	assert_int_equal(WIN_PROXY_PORT_FIRST, 3128);
	assert_int_equal(WIN_PROXY_PORT_LAST, 3135);
	/* Distinct keys, names and tags. */
	for (int i = 0; i < WIN_SETUP_FILTER_COUNT; i++) {
		win_setup_guid_format(&win_setup_filters[i].key, a, sizeof(a));
		win_setup_guid_format(&win_setup_sublayer_key, b, sizeof(b));
		assert_string_not_equal(a, b);
		assert_int_equal(
			win_setup_filter_find(win_setup_filters[i].name), i);
		for (int j = 0; j < i; j++) {
			win_setup_guid_format(&win_setup_filters[j].key, b,
					      sizeof(b));
			assert_string_not_equal(a, b);
			assert_string_not_equal(win_setup_filters[i].tag,
						win_setup_filters[j].tag);
		}
	}
	assert_int_equal(win_setup_filter_find("paddock-offline-block"), -1);
	assert_int_equal(strlen(a), 38);
	assert_int_equal(win_setup_guid_format(&win_setup_sublayer_key, a, 38),
			 -ENOSPC);
}

static void uninstall_is_the_exact_inverse(void **state)
{
	struct win_setup_present none = { 0 };
	struct win_setup_plan setup, undo;
	static struct model m;
	bool kinds[WIN_SETUP_KIND_COUNT] = { false };

	(void)state;
	assert_int_equal(win_setup_plan_install(&input, &none, &setup), 0);
	assert_int_equal(win_setup_plan_uninstall(&input, &undo), 0);
	assert_int_equal(setup.len, undo.len);
	m.n = 0;
	for (size_t i = 0; i < setup.len; i++)
		apply(&m, &setup.changes[i]);
	for (size_t i = 0; i < undo.len; i++) {
		assert_int_equal(undo.changes[i].op, WIN_SETUP_REMOVE);
		assert_false(undo.changes[i].background);
		kinds[undo.changes[i].kind] = true;
		apply(&m, &undo.changes[i]);
	}
	assert_int_equal(m.n, 0);
	for (int k = 0; k < WIN_SETUP_KIND_COUNT; k++)
		assert_true(kinds[k]);
	/* The permit goes first, the blocks after it, the sublayer after
	 * them, the broad outbound rule after the sublayer: while uninstall
	 * runs, the offline user stays blocked. */
	assert_true(
		find(&undo, WIN_SETUP_FILTER_KIND,
		     "paddock-offline-permit-proxy") <
		find(&undo, WIN_SETUP_FILTER_KIND, "paddock-offline-block-v6"));
	assert_true(
		find(&undo, WIN_SETUP_FILTER_KIND, "paddock-offline-block-v4") <
		find(&undo, WIN_SETUP_SUBLAYER_KIND, NULL));
	assert_true(find(&undo, WIN_SETUP_SUBLAYER_KIND, NULL) <
		    find(&undo, WIN_SETUP_RULE_KIND, WIN_SETUP_RULE_OUT));
	win_setup_plan_free(&setup);
	win_setup_plan_free(&undo);
}

/* The uninstall plan carried out as setup_run_uninstall() does: every
 * change not skipped is run, and the removal of the group's entries from
 * fail_target (if any) fails. ran[i] says whether change i ran. */
static void run_undo(const struct win_setup_plan *p, const char *fail_target,
		     struct win_setup_undo u, bool *ran)
{
	for (size_t i = 0; i < p->len; i++) {
		const struct win_setup_change *c = &p->changes[i];
		bool grant = c->kind == WIN_SETUP_READ_GRANT_KIND ||
			     c->kind == WIN_SETUP_WRITE_GRANT_KIND;

		ran[i] = !win_setup_undo_skips(c, &u);
		if (ran[i] && grant && fail_target &&
		    strcmp(c->target, fail_target) == 0)
			u.grant_failed = true;
	}
}

static void uninstall_runs_everything_when_nothing_fails(void **state)
{
	struct win_setup_undo none = { 0 };
	struct win_setup_plan undo;
	bool ran[256];

	(void)state;
	assert_int_equal(win_setup_plan_uninstall(&input, &undo), 0);
	assert_true(undo.len <= 256);
	run_undo(&undo, NULL, none, ran);
	for (size_t i = 0; i < undo.len; i++)
		assert_true(ran[i]);
	/* The group goes last, after every grant that names it. */
	assert_int_equal(undo.changes[undo.len - 1].kind, WIN_SETUP_GROUP_KIND);
	win_setup_plan_free(&undo);
}

/* A failed removal of the group's entries keeps the group, so that a
 * retried uninstall can still find the entries by its SID; everything
 * else is still removed. */
static void uninstall_with_a_failed_grant_keeps_the_group(void **state)
{
	struct win_setup_undo none = { 0 };
	struct win_setup_plan undo;
	bool ran[256];
	ssize_t group, first_grant, last_grant = -1;

	(void)state;
	assert_int_equal(win_setup_plan_uninstall(&input, &undo), 0);
	group = find(&undo, WIN_SETUP_GROUP_KIND, NULL);
	first_grant = find(&undo, WIN_SETUP_READ_GRANT_KIND, NULL);
	for (size_t i = 0; i < undo.len; i++)
		if (undo.changes[i].kind == WIN_SETUP_READ_GRANT_KIND ||
		    undo.changes[i].kind == WIN_SETUP_WRITE_GRANT_KIND)
			last_grant = (ssize_t)i;
	assert_true(first_grant >= 0 && last_grant > first_grant);
	/* Whichever grant fails, the first or the last. */
	run_undo(&undo, undo.changes[first_grant].target, none, ran);
	for (size_t i = 0; i < undo.len; i++)
		assert_int_equal(ran[i], (ssize_t)i != group);
	run_undo(&undo, undo.changes[last_grant].target, none, ran);
	assert_false(ran[group]);
	assert_true(ran[find(&undo, WIN_SETUP_USER_KIND, NULL)]);
	assert_true(ran[find(&undo, WIN_SETUP_DIR_KIND, NULL)]);
	win_setup_plan_free(&undo);
}

/* Without the group no entry can be found; in a setup directory that is
 * not paddock's nothing is deleted but the directory itself. */
static void uninstall_skips_what_it_cannot_or_must_not_reach(void **state)
{
	struct win_setup_undo no_group = { .no_group = true };
	struct win_setup_undo foreign = { .dir_foreign = true };
	struct win_setup_plan undo;
	bool ran[256];

	(void)state;
	assert_int_equal(win_setup_plan_uninstall(&input, &undo), 0);
	run_undo(&undo, NULL, no_group, ran);
	for (size_t i = 0; i < undo.len; i++) {
		enum win_setup_kind k = undo.changes[i].kind;

		assert_int_equal(ran[i],
				 k != WIN_SETUP_READ_GRANT_KIND &&
					 k != WIN_SETUP_WRITE_GRANT_KIND);
	}
	run_undo(&undo, NULL, foreign, ran);
	for (size_t i = 0; i < undo.len; i++) {
		enum win_setup_kind k = undo.changes[i].kind;

		assert_int_equal(ran[i], k != WIN_SETUP_SECRET_KIND &&
						 k != WIN_SETUP_MARKER_KIND);
	}
	assert_true(ran[find(&undo, WIN_SETUP_DIR_KIND, NULL)]);
	win_setup_plan_free(&undo);
}

static void bad_input_is_refused(void **state)
{
	struct win_setup_present none = { 0 };
	struct win_setup_input in = input;
	const char *const bad_child[] = { "a\\b" };
	const char *const volume[] = { "D:\\" };
	struct win_setup_plan p;

	(void)state;
	in.profile = "Users\\me";
	assert_int_equal(win_setup_plan_install(&in, &none, &p), -EINVAL);
	in = input;
	in.profile_children = bad_child;
	in.n_profile_children = 1;
	assert_int_equal(win_setup_plan_install(&in, &none, &p), -EINVAL);
	in = input;
	in.roots = volume;
	assert_int_equal(win_setup_plan_install(&in, &none, &p), -EINVAL);
	assert_int_equal(win_setup_plan_uninstall(&in, &p), -EINVAL);
}

static void every_change_has_a_dry_run_line(void **state)
{
	struct win_setup_present none = { 0 };
	struct win_setup_plan setup, undo;
	char line[2 * WIN_SETUP_PATH_MAX];

	(void)state;
	assert_int_equal(win_setup_plan_install(&input, &none, &setup), 0);
	assert_int_equal(win_setup_plan_uninstall(&input, &undo), 0);
	for (size_t i = 0; i < setup.len; i++) {
		assert_int_equal(win_setup_describe(&setup.changes[i], line,
						    sizeof(line)),
				 0);
		assert_non_null(strstr(line, setup.changes[i].target));
		assert_int_equal(win_setup_describe(&undo.changes[i], line,
						    sizeof(line)),
				 0);
		assert_non_null(strstr(line, undo.changes[i].target));
	}
	assert_int_equal(win_setup_describe(&setup.changes[0], line, 8),
			 -ENOSPC);
	win_setup_describe(&setup.changes[find(&setup, WIN_SETUP_RULE_KIND,
					       WIN_SETUP_RULE_OUT)],
			   line, sizeof(line));
	assert_string_equal(
		line,
		"add firewall rule paddock-offline-block-outbound: block all outbound traffic of paddock-offline, every profile");
	win_setup_describe(&setup.changes[find(&setup, WIN_SETUP_FILTER_KIND,
					       "paddock-offline-block-v6")],
			   line, sizeof(line));
	assert_string_equal(
		line,
		"add WFP filter paddock-offline-block-v6 {c4915ccb-e77c-4584-8796-be14590fdc0e} (persistent): block every IPv6 connection of paddock-offline, loopback included");
	win_setup_describe(&setup.changes[find(&setup, WIN_SETUP_FILTER_KIND,
					       "paddock-offline-permit-proxy")],
			   line, sizeof(line));
	assert_string_equal(
		line,
		"add WFP filter paddock-offline-permit-proxy {1d15dc88-be9c-4c52-bee6-a7e88951cd33} (persistent): permit TCP connections of paddock-offline to 127.0.0.1 ports 3128-3135 (paddock's proxy), above the blocks");
	win_setup_describe(
		&undo.changes[find(&undo, WIN_SETUP_SUBLAYER_KIND, NULL)], line,
		sizeof(line));
	assert_string_equal(
		line,
		"delete WFP sublayer paddock-offline-connect {9014d008-fd78-4fc3-a064-79cbea8e13c1}");
	win_setup_plan_free(&setup);
	win_setup_plan_free(&undo);
}

/* --- marker ------------------------------------------------------------ */

#define OWNER "S-1-5-21-1-2-3-1001"

static struct win_setup_marker sample(void)
{
	struct win_setup_marker m = { .version = WIN_SETUP_VERSION,
				      .rule_out = true,
				      .rule_in = true,
				      .filter = { true, true, true } };

	strcpy(m.owner_sid, OWNER);
	strcpy(m.profile, "C:\\Users\\me");
	strcpy(m.group_sid, "S-1-5-21-1-2-3-1010");
	strcpy(m.user[0], WIN_SETUP_USER_OFFLINE);
	strcpy(m.user[1], WIN_SETUP_USER_ONLINE);
	strcpy(m.user_sid[0], "S-1-5-21-1-2-3-1011");
	strcpy(m.user_sid[1], "S-1-5-21-1-2-3-1012");
	return m;
}

static void marker_round_trips(void **state)
{
	struct win_setup_marker m = sample(), back;
	char buf[WIN_SETUP_MARKER_MAX];
	int n;

	(void)state;
	m.read_grants_done = true;
	n = win_setup_marker_format(&m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(win_setup_marker_parse(buf, (size_t)n, &back, NULL),
			 0);
	assert_memory_equal(&m, &back, sizeof(m));
	assert_int_equal(win_setup_marker_format(&m, buf, 16), -ENOSPC);
	n = win_setup_marker_format(&m, buf, sizeof(buf));
	assert_non_null(
		strstr(buf, "\nfilters block-v4,block-v6,permit-proxy\n"));
	m.filter[WIN_SETUP_FILTER_PERMIT_PROXY] = false;
	n = win_setup_marker_format(&m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(win_setup_marker_parse(buf, (size_t)n, &back, NULL),
			 0);
	assert_false(back.filter[WIN_SETUP_FILTER_PERMIT_PROXY]);
	/* A marker without both blocks is not a setup. */
	m.filter[WIN_SETUP_FILTER_BLOCK_V6] = false;
	assert_int_equal(win_setup_marker_format(&m, buf, sizeof(buf)),
			 -EINVAL);
	m.filter[WIN_SETUP_FILTER_BLOCK_V6] = true;
	m.rule_out = false;
	assert_int_equal(win_setup_marker_format(&m, buf, sizeof(buf)),
			 -EINVAL);
}

static int parse(const char *text, unsigned *bad)
{
	struct win_setup_marker m;

	return win_setup_marker_parse(text, strlen(text), &m, bad);
}

#define BODY                                                        \
	"owner " OWNER "\nprofile C:\\Users\\me\n"                  \
	"group S-1-5-21-1-2-3-1010\n"                               \
	"offline paddock-offline S-1-5-21-1-2-3-1011\n"             \
	"online paddock-online S-1-5-21-1-2-3-1012\nrules out,in\n" \
	"filters block-v4,block-v6,permit-proxy\n"

static void marker_parser_is_strict(void **state)
{
	unsigned bad = 0;

	(void)state;
	assert_int_equal(parse("paddock-setup-marker 3\n" BODY
			       "read-grants pending\n",
			       &bad),
			 0);
	/* A marker of version 1 (before the WFP filters), 2 (before the
	 * profile) or of a later version asks for setup again. */
	assert_int_equal(parse("paddock-setup-marker 1\n" BODY
			       "read-grants pending\n",
			       &bad),
			 -EPROTO);
	assert_int_equal(parse("paddock-setup-marker 2\n" BODY
			       "read-grants pending\n",
			       &bad),
			 -EPROTO);
	assert_int_equal(parse("paddock-setup-marker 4\n" BODY
			       "read-grants pending\n",
			       &bad),
			 -EPROTO);
	/* A missing key, a repeated key, an unknown key, an empty line. */
	assert_int_equal(parse("paddock-setup-marker 3\n" BODY, &bad), -EINVAL);
	assert_int_equal(parse("paddock-setup-marker 3\n" BODY
			       "read-grants done\nread-grants done\n",
			       &bad),
			 -EINVAL);
	assert_int_equal(bad, 10);
	assert_int_equal(parse("paddock-setup-marker 3\n" BODY
			       "read-grants done\nextra 1\n",
			       &bad),
			 -EINVAL);
	assert_int_equal(parse("paddock-setup-marker 3\n" BODY
			       "\nread-grants done\n",
			       &bad),
			 -EINVAL);
	/* Another user's name, a group SID for a user, no newline at the
	 * end, a carriage return. */
	assert_int_equal(
		parse("paddock-setup-marker 3\nowner " OWNER
		      "\nprofile C:\\Users\\me\ngroup S-1-5-21-1-2-3-1010\noffline admin S-1-5-21-1-2-3-1011\nonline paddock-online S-1-5-21-1-2-3-1012\nrules out\nread-grants done\n",
		      &bad),
		-EINVAL);
	assert_int_equal(bad, 5);
	assert_int_equal(
		parse("paddock-setup-marker 3\nowner S-1-5-32-544\ngroup S-1-5-21-1-2-3-1010\n",
		      &bad),
		-EINVAL);
	assert_int_equal(parse("paddock-setup-marker 3", &bad), -EINVAL);
	assert_int_equal(parse("paddock-setup-marker 3\r\n" BODY
			       "read-grants done\n",
			       &bad),
			 -EINVAL);
}

/* The profile line: a canonical absolute path, once. */
static void marker_profile_line_is_strict(void **state)
{
	static const char *const bad_profiles[] = {
		"Users\\me", "C:\\Users\\me\\", "C:\\Users\\..\\Windows",
		"C:\\",	     "\\\\.\\C:\\x",	"",
	};
	char text[1024];
	unsigned bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_profiles) / sizeof(*bad_profiles);
	     i++) {
		snprintf(
			text, sizeof(text),
			"paddock-setup-marker 3\nowner " OWNER
			"\nprofile %s\ngroup S-1-5-21-1-2-3-1010\noffline paddock-offline S-1-5-21-1-2-3-1011\nonline paddock-online S-1-5-21-1-2-3-1012\nrules out,in\nfilters block-v4,block-v6\nread-grants done\n",
			bad_profiles[i]);
		assert_int_equal(parse(text, &bad), -EINVAL);
		assert_int_equal(bad, 3);
	}
	/* Without it, or twice. */
	assert_int_equal(
		parse("paddock-setup-marker 3\nowner " OWNER
		      "\ngroup S-1-5-21-1-2-3-1010\noffline paddock-offline S-1-5-21-1-2-3-1011\nonline paddock-online S-1-5-21-1-2-3-1012\nrules out,in\nfilters block-v4,block-v6\nread-grants done\n",
		      &bad),
		-EINVAL);
	assert_int_equal(parse("paddock-setup-marker 3\n" BODY
			       "profile C:\\Users\\me\nread-grants done\n",
			       &bad),
			 -EINVAL);
}

#define HEAD                                                               \
	"paddock-setup-marker 3\nowner " OWNER "\nprofile C:\\Users\\me\n" \
	"group S-1-5-21-1-2-3-1010\n"                                      \
	"offline paddock-offline S-1-5-21-1-2-3-1011\n"                    \
	"online paddock-online S-1-5-21-1-2-3-1012\nrules out,in\n"

static void marker_filters_line_is_strict(void **state)
{
	unsigned bad = 0;

	(void)state;
	assert_int_equal(parse(HEAD "filters block-v4,block-v6\n"
				    "read-grants done\n",
			       &bad),
			 0);
	/* No filters line, a block missing, an unknown or repeated tag,
	 * the wrong order, an empty item. */
	assert_int_equal(parse(HEAD "read-grants done\n", &bad), -EINVAL);
	assert_int_equal(parse(HEAD "filters block-v4,permit-proxy\n"
				    "read-grants done\n",
			       &bad),
			 -EINVAL);
	assert_int_equal(bad, 8);
	assert_int_equal(parse(HEAD "filters block-v4,block-v6,allow-all\n"
				    "read-grants done\n",
			       &bad),
			 -EINVAL);
	assert_int_equal(parse(HEAD "filters block-v4,block-v4,block-v6\n"
				    "read-grants done\n",
			       &bad),
			 -EINVAL);
	assert_int_equal(parse(HEAD "filters block-v6,block-v4\n"
				    "read-grants done\n",
			       &bad),
			 -EINVAL);
	assert_int_equal(parse(HEAD "filters block-v4,,block-v6\n"
				    "read-grants done\n",
			       &bad),
			 -EINVAL);
	assert_int_equal(parse(HEAD "filters block-v4,block-v6,\n"
				    "read-grants done\n",
			       &bad),
			 -EINVAL);
	assert_int_equal(parse(HEAD "filters \nread-grants done\n", &bad),
			 -EINVAL);
}

static void marker_is_trusted_only_when_everything_is_there(void **state)
{
	struct win_setup_marker m = sample();
	struct win_setup_seen all = { .group = true,
				      .user = { true, true },
				      .secret = { true, true },
				      .rule_out = true,
				      .rule_in = true,
				      .rules_effective = true,
				      .sublayer = true,
				      .filter = { true, true, true } };
	struct win_setup_seen s;

	(void)state;
	assert_int_equal(win_setup_marker_trust(&m, &all), WIN_SETUP_TRUSTED);
	s = all;
	s.group = false;
	assert_int_equal(win_setup_marker_trust(&m, &s), WIN_SETUP_NO_GROUP);
	s = all;
	s.user[1] = false;
	assert_int_equal(win_setup_marker_trust(&m, &s), WIN_SETUP_NO_USER);
	s = all;
	s.secret[0] = false;
	assert_int_equal(win_setup_marker_trust(&m, &s), WIN_SETUP_NO_SECRET);
	/* A firewall rule deleted after setup. */
	s = all;
	s.rule_out = false;
	assert_int_equal(win_setup_marker_trust(&m, &s), WIN_SETUP_NO_RULE);
	s = all;
	s.rule_in = false;
	assert_int_equal(win_setup_marker_trust(&m, &s), WIN_SETUP_NO_RULE);
	/* A WFP filter deleted after setup, or the sublayer, or a filter
	 * changed (it does not read back as added). */
	for (int f = 0; f < WIN_SETUP_FILTER_COUNT; f++) {
		s = all;
		s.filter[f] = false;
		assert_int_equal(win_setup_marker_trust(&m, &s),
				 WIN_SETUP_NO_FILTER);
	}
	s = all;
	s.sublayer = false;
	assert_int_equal(win_setup_marker_trust(&m, &s), WIN_SETUP_NO_FILTER);
	/* A permit the marker does not claim is not required; a block
	 * always is. */
	m.filter[WIN_SETUP_FILTER_PERMIT_PROXY] = false;
	s = all;
	s.filter[WIN_SETUP_FILTER_PERMIT_PROXY] = false;
	assert_int_equal(win_setup_marker_trust(&m, &s), WIN_SETUP_TRUSTED);
	m.filter[WIN_SETUP_FILTER_BLOCK_V4] = false;
	assert_int_equal(win_setup_marker_trust(&m, &all), WIN_SETUP_NO_FILTER);
	m = sample();
	s = all;
	s.rules_effective = false;
	assert_int_equal(win_setup_marker_trust(&m, &s),
			 WIN_SETUP_RULES_OVERRIDDEN);
	m.version = 0;
	assert_int_equal(win_setup_marker_trust(&m, &all),
			 WIN_SETUP_STALE_VERSION);
	assert_non_null(
		strstr(win_setup_distrust_text(WIN_SETUP_NO_RULE), "firewall"));
	assert_non_null(
		strstr(win_setup_distrust_text(WIN_SETUP_NO_FILTER), "WFP"));
}

static void report_round_trips_and_is_strict(void **state)
{
	struct win_setup_report r = { .code = WIN_SETUP_E_FIREWALL,
				      .native = 0x80070005ul },
				back;
	char buf[WIN_SETUP_REPORT_MAX];
	int n;

	(void)state;
	strcpy(r.operand, WIN_SETUP_RULE_OUT);
	strcpy(r.message, "the rule read back differs from the rule written");
	n = win_setup_report_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "code E_FIREWALL\n"));
	assert_int_equal(win_setup_report_parse(buf, (size_t)n, &back), 0);
	assert_int_equal(back.code, WIN_SETUP_E_FIREWALL);
	assert_int_equal(back.native, 0x80070005ul);
	assert_string_equal(back.message, r.message);
	assert_int_equal(win_setup_report_parse(buf, (size_t)n - 1, &back),
			 -EINVAL);
	strcpy(buf, "code E_NOPE\nnative 1\noperand x\nmessage y\n");
	assert_int_equal(win_setup_report_parse(buf, strlen(buf), &back),
			 -EINVAL);
	strcpy(buf, "code E_ACL\nnative x1\noperand x\nmessage y\n");
	assert_int_equal(win_setup_report_parse(buf, strlen(buf), &back),
			 -EINVAL);
	strcpy(r.message, "two\nlines");
	assert_int_equal(win_setup_report_format(&r, buf, sizeof(buf)),
			 -EINVAL);
	assert_string_equal(win_setup_code_name(WIN_SETUP_E_CANCELLED),
			    "E_CANCELLED");
	assert_string_equal(win_setup_code_name(WIN_SETUP_E_WFP), "E_WFP");
	/* Codes are exit statuses: the older ones keep their numbers. */
	assert_int_equal(WIN_SETUP_E_UNINSTALL, 10);
	assert_int_equal(WIN_SETUP_E_WFP, 11);
	r.code = WIN_SETUP_E_WFP;
	strcpy(r.message, "x");
	n = win_setup_report_format(&r, buf, sizeof(buf));
	assert_int_equal(win_setup_report_parse(buf, (size_t)n, &back), 0);
	assert_int_equal(back.code, WIN_SETUP_E_WFP);
}

/* --- passwords and system trees ------------------------------------------ */

static void password_has_every_class_and_no_bias(void **state)
{
	uint8_t random[256];
	char pw[WIN_SETUP_PASSWORD_LEN + 1];
	const size_t size = sizeof(WIN_SETUP_PASSWORD_ALPHABET) - 1;

	(void)state;
	for (size_t i = 0; i < sizeof(random); i++)
		random[i] = (uint8_t)(i * 37 + 11);
	assert_int_equal(win_setup_password(random, sizeof(random), pw), 0);
	assert_int_equal(strlen(pw), WIN_SETUP_PASSWORD_LEN);
	assert_true(strlen(pw) >= 24);
	assert_int_equal(strspn(pw, WIN_SETUP_PASSWORD_ALPHABET), strlen(pw));
	/* Bytes at or above the last full multiple of the alphabet are
	 * skipped: all of them give no password at all. */
	memset(random, (int)(256 - 256 % size), sizeof(random));
	assert_int_equal(win_setup_password(random, sizeof(random), pw),
			 -EAGAIN);
	/* Enough bytes but one class only (all 'A'). */
	memset(random, 0, sizeof(random));
	assert_int_equal(win_setup_password(random, sizeof(random), pw),
			 -EAGAIN);
	/* Too few bytes. */
	assert_int_equal(win_setup_password(random, 8, pw), -EAGAIN);
}

static void system_trees_readable_through_users_need_no_grant(void **state)
{
	const uint32_t rx = WIN_ACL_GENERIC_READ | WIN_ACL_GENERIC_EXECUTE;
	const uint32_t oici =
		WIN_ACL_OBJECT_INHERIT | WIN_ACL_CONTAINER_INHERIT;
	struct win_acl_ace windows[] = {
		{ WIN_ACL_ALLOW, "S-1-5-32-545", rx, 0, false },
		{ WIN_ACL_ALLOW, "S-1-5-32-545", rx,
		  oici | WIN_ACL_INHERIT_ONLY, false },
	};
	struct win_acl_ace profile[] = {
		{ WIN_ACL_ALLOW, "S-1-5-21-1-2-3-1001", rx, oici, false },
		{ WIN_ACL_ALLOW, "S-1-5-32-544", rx, oici, false },
	};
	struct win_acl_ace denied[] = {
		{ WIN_ACL_DENY, WIN_SID_EVERYONE, WIN_ACL_READ_DATA, 0, false },
		{ WIN_ACL_ALLOW, "S-1-5-11", rx, oici, true },
	};
	struct win_acl_ace self_only[] = {
		{ WIN_ACL_ALLOW, "S-1-5-11", rx, 0, false },
	};

	(void)state;
	assert_true(win_setup_tree_readable(windows, 2));
	assert_false(win_setup_tree_readable(profile, 2));
	assert_false(win_setup_tree_readable(denied, 2));
	assert_true(win_setup_tree_readable(denied + 1, 1));
	assert_false(win_setup_tree_readable(self_only, 1));
	assert_false(win_setup_tree_readable(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(setup_plan_covers_every_kind_in_order),
		cmocka_unit_test(users_join_users_by_its_well_known_sid),
		cmocka_unit_test(ssh_and_hives_never_get_a_grant),
		cmocka_unit_test(present_parts_are_skipped_but_secrets_reset),
		cmocka_unit_test(only_missing_filters_are_planned),
		cmocka_unit_test(readable_system_trees_get_no_grant),
		cmocka_unit_test(filters_block_everything_but_the_proxy_range),
		cmocka_unit_test(uninstall_is_the_exact_inverse),
		cmocka_unit_test(uninstall_runs_everything_when_nothing_fails),
		cmocka_unit_test(uninstall_with_a_failed_grant_keeps_the_group),
		cmocka_unit_test(
			uninstall_skips_what_it_cannot_or_must_not_reach),
		cmocka_unit_test(bad_input_is_refused),
		cmocka_unit_test(every_change_has_a_dry_run_line),
		cmocka_unit_test(marker_round_trips),
		cmocka_unit_test(marker_parser_is_strict),
		cmocka_unit_test(marker_profile_line_is_strict),
		cmocka_unit_test(marker_filters_line_is_strict),
		cmocka_unit_test(
			marker_is_trusted_only_when_everything_is_there),
		cmocka_unit_test(report_round_trips_and_is_strict),
		cmocka_unit_test(password_has_every_class_and_no_bias),
		cmocka_unit_test(
			system_trees_readable_through_users_need_no_grant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
