/* SPDX-License-Identifier: MIT */
/*
 * The setup and uninstall plans (setup.h says the order and why), and the
 * line --dry-run prints for each change.
 *
 * The read grants and ~/.ssh. The sandbox users must read the real user's
 * tools and configuration (~/.gitconfig, caches, the projects), so the
 * sandbox group gets read and execute there. The entry on the profile
 * itself is for that one object, not inherited; each child at the top of
 * the profile gets an inheritable entry of its own, except ".ssh". An
 * inheritable entry on the profile would be copied onto every file inside
 * .ssh, and OpenSSH for Windows refuses a private key whose DACL allows
 * any SID but the owner's, SYSTEM's and Administrators': the user's keys
 * would stop working, and the sandbox could read them. A deny entry on
 * .ssh would not help: the inherited allow entry would still be there for
 * OpenSSH to see. The cost: a child created at the top of the profile
 * after setup is not readable by the sandbox users until setup runs again
 * (docs/limitations.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "windows/setup.h"

static const char *const user_names[2] = { WIN_SETUP_USER_OFFLINE,
					   WIN_SETUP_USER_ONLINE };

bool win_setup_child_granted(const char *name)
{
	return strcasecmp(name, ".ssh") != 0 &&
	       strncasecmp(name, "ntuser", 6) != 0;
}

static int add(struct win_setup_plan *p, const struct win_setup_change *c)
{
	struct win_setup_change *grown;

	grown = realloc(p->changes, (p->len + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->changes = grown;
	p->changes[p->len++] = *c;
	return 0;
}

/* One change; target and subject copied with their lengths checked. */
static int push(struct win_setup_plan *p, enum win_setup_kind kind,
		const char *target, const char *subject,
		enum win_setup_account account, bool inherit)
{
	struct win_setup_change c = { .kind = kind, .account = account };
	int n;

	n = snprintf(c.target, sizeof(c.target), "%s", target);
	if (n < 0 || (size_t)n >= sizeof(c.target))
		return -ENAMETOOLONG;
	n = snprintf(c.subject, sizeof(c.subject), "%s",
		     subject ? subject : "");
	if (n < 0 || (size_t)n >= sizeof(c.subject))
		return -EINVAL;
	c.inherit = inherit;
	c.background = kind == WIN_SETUP_READ_GRANT_KIND;
	return add(p, &c);
}

static bool canonical(const char *path)
{
	char *canon;
	bool ok;

	if (!path || win_path_canonical(path, NULL, &canon) < 0)
		return false;
	ok = strcmp(canon, path) == 0;
	free(canon);
	return ok;
}

static bool input_valid(const struct win_setup_input *in)
{
	if (!canonical(in->setup_dir) || !canonical(in->profile))
		return false;
	for (size_t i = 0; i < in->n_profile_children; i++)
		if (!win_path_name_is_valid(in->profile_children[i]))
			return false;
	if (in->n_system_trees > WIN_SETUP_MAX_TREES)
		return false;
	for (size_t i = 0; i < in->n_system_trees; i++)
		if (!canonical(in->system_trees[i]))
			return false;
	for (size_t i = 0; i < in->n_roots; i++)
		if (!canonical(in->roots[i]) ||
		    win_path_is_volume_root(in->roots[i]))
			return false;
	return true;
}

static int plan_account(struct win_setup_plan *p, enum win_setup_account a,
			const struct win_setup_present *pr)
{
	const char *name = user_names[a];
	int r = 0;

	if (!pr->user[a])
		r = push(p, WIN_SETUP_USER_KIND, name, NULL, a, false);
	if (r == 0 && !pr->member[a][0])
		r = push(p, WIN_SETUP_MEMBER_KIND, name, WIN_SETUP_GROUP, a,
			 false);
	if (r == 0 && !pr->member[a][1])
		r = push(p, WIN_SETUP_MEMBER_KIND, name, WIN_SETUP_USERS_SID, a,
			 false);
	if (r == 0 && !pr->hidden[a])
		r = push(p, WIN_SETUP_HIDDEN_KIND, name, NULL, a, false);
	if (r == 0 && !pr->profile[a])
		r = push(p, WIN_SETUP_PROFILE_KIND, name, NULL, a, false);
	return r;
}

/* The WFP sublayer, then the blocks, then the permit that narrows them:
 * should any step fail, what is installed still blocks. Each change's
 * subject is the object's key. */
static int plan_wfp(struct win_setup_plan *p,
		    const struct win_setup_present *pr)
{
	char key[40];
	int r = 0;

	if (!pr->sublayer) {
		win_setup_guid_format(&win_setup_sublayer_key, key,
				      sizeof(key));
		r = push(p, WIN_SETUP_SUBLAYER_KIND, WIN_SETUP_SUBLAYER, key,
			 WIN_SETUP_OFFLINE, false);
	}
	for (int f = 0; r == 0 && f < WIN_SETUP_FILTER_COUNT; f++) {
		if (pr->filter[f])
			continue;
		win_setup_guid_format(&win_setup_filters[f].key, key,
				      sizeof(key));
		r = push(p, WIN_SETUP_FILTER_KIND, win_setup_filters[f].name,
			 key, WIN_SETUP_OFFLINE, false);
	}
	return r;
}

static int plan_files(struct win_setup_plan *p,
		      const struct win_setup_input *in)
{
	char path[WIN_SETUP_PATH_MAX + 64];
	int r = 0;

	for (int a = 0; r == 0 && a < 2; a++) {
		snprintf(path, sizeof(path), "%s\\%s.secret", in->setup_dir,
			 user_names[a]);
		r = push(p, WIN_SETUP_SECRET_KIND, path, NULL,
			 (enum win_setup_account)a, false);
	}
	for (size_t i = 0; r == 0 && i < in->n_roots; i++)
		r = push(p, WIN_SETUP_WRITE_GRANT_KIND, in->roots[i],
			 WIN_SETUP_GROUP, WIN_SETUP_NO_ACCOUNT, true);
	if (r == 0) {
		snprintf(path, sizeof(path), "%s\\setup-marker", in->setup_dir);
		r = push(p, WIN_SETUP_MARKER_KIND, path, NULL,
			 WIN_SETUP_NO_ACCOUNT, false);
	}
	return r;
}

static int plan_read_grants(struct win_setup_plan *p,
			    const struct win_setup_input *in,
			    const struct win_setup_present *pr)
{
	char path[WIN_SETUP_PATH_MAX + 1];
	int r = push(p, WIN_SETUP_READ_GRANT_KIND, in->profile, WIN_SETUP_GROUP,
		     WIN_SETUP_NO_ACCOUNT, false);

	for (size_t i = 0; r == 0 && i < in->n_profile_children; i++) {
		const char *name = in->profile_children[i];
		int n;

		if (!win_setup_child_granted(name))
			continue;
		n = snprintf(path, sizeof(path), "%s\\%s", in->profile, name);
		if (n < 0 || (size_t)n >= sizeof(path))
			return -ENAMETOOLONG;
		r = push(p, WIN_SETUP_READ_GRANT_KIND, path, WIN_SETUP_GROUP,
			 WIN_SETUP_NO_ACCOUNT, true);
	}
	/* Users, of which the sandbox users are members, normally reads
	 * them all; only a tree it cannot read needs an entry. */
	for (size_t i = 0; r == 0 && i < in->n_system_trees; i++)
		if (!pr->tree_readable[i])
			r = push(p, WIN_SETUP_READ_GRANT_KIND,
				 in->system_trees[i], WIN_SETUP_GROUP,
				 WIN_SETUP_NO_ACCOUNT, true);
	return r;
}

int win_setup_plan_install(const struct win_setup_input *in,
			   const struct win_setup_present *pr,
			   struct win_setup_plan *ret)
{
	struct win_setup_plan p = { 0 };
	int r = 0;

	if (!input_valid(in))
		return -EINVAL;
	if (!pr->group)
		r = push(&p, WIN_SETUP_GROUP_KIND, WIN_SETUP_GROUP, NULL,
			 WIN_SETUP_NO_ACCOUNT, false);
	for (int a = 0; r == 0 && a < 2; a++)
		r = plan_account(&p, (enum win_setup_account)a, pr);
	if (r == 0 && !pr->dir)
		r = push(&p, WIN_SETUP_DIR_KIND, in->setup_dir, WIN_SETUP_GROUP,
			 WIN_SETUP_NO_ACCOUNT, false);
	/* The broad block first: should the narrower rule fail, what is
	 * installed still blocks every outbound connection. */
	if (r == 0 && !pr->rule_out)
		r = push(&p, WIN_SETUP_RULE_KIND, WIN_SETUP_RULE_OUT, "out",
			 WIN_SETUP_OFFLINE, false);
	/* Firewall rules do not apply to loopback (setup_wfp_spec.c): the
	 * WFP filters close it, the blocks before the permit. */
	if (r == 0)
		r = plan_wfp(&p, pr);
	if (r == 0 && !pr->rule_in)
		r = push(&p, WIN_SETUP_RULE_KIND, WIN_SETUP_RULE_IN, "in",
			 WIN_SETUP_OFFLINE, false);
	if (r == 0)
		r = plan_files(&p, in);
	if (r == 0)
		r = plan_read_grants(&p, in, pr);
	if (r < 0) {
		win_setup_plan_free(&p);
		return r;
	}
	*ret = p;
	return 0;
}

int win_setup_plan_uninstall(const struct win_setup_input *in,
			     struct win_setup_plan *ret)
{
	struct win_setup_present none = { 0 };
	struct win_setup_plan p;
	int r = win_setup_plan_install(in, &none, &p);

	if (r < 0)
		return r;
	for (size_t i = 0; i < p.len / 2; i++) {
		struct win_setup_change t = p.changes[i];

		p.changes[i] = p.changes[p.len - 1 - i];
		p.changes[p.len - 1 - i] = t;
	}
	/* Uninstall waits for every removal: nothing runs in the
	 * background. */
	for (size_t i = 0; i < p.len; i++) {
		p.changes[i].op = WIN_SETUP_REMOVE;
		p.changes[i].background = false;
	}
	*ret = p;
	return 0;
}

bool win_setup_undo_skips(const struct win_setup_change *c,
			  const struct win_setup_undo *u)
{
	switch (c->kind) {
	case WIN_SETUP_READ_GRANT_KIND:
	case WIN_SETUP_WRITE_GRANT_KIND:
		return u->no_group;
	case WIN_SETUP_GROUP_KIND:
		return u->grant_failed;
	case WIN_SETUP_SECRET_KIND:
	case WIN_SETUP_MARKER_KIND:
		return u->dir_foreign;
	default:
		return false;
	}
}

void win_setup_plan_free(struct win_setup_plan *plan)
{
	free(plan->changes);
	plan->changes = NULL;
	plan->len = 0;
}

static const char *group_label(const char *subject)
{
	return strcmp(subject, WIN_SETUP_USERS_SID) == 0
		       ? "the built-in Users group (S-1-5-32-545)"
		       : "group " WIN_SETUP_GROUP;
}

static int describe_filter(const struct win_setup_change *c, char *buf,
			   size_t size)
{
	int f = win_setup_filter_find(c->target);
	const struct win_setup_filter_spec *s;

	if (f < 0)
		return -EINVAL;
	s = &win_setup_filters[f];
	if (s->permit)
		return snprintf(
			buf, size,
			"add WFP filter %s %s (persistent): permit TCP connections of %s to 127.0.0.1 ports %u-%u (paddock's proxy), above the blocks",
			c->target, c->subject, WIN_SETUP_USER_OFFLINE,
			(unsigned)s->port_first, (unsigned)s->port_last);
	return snprintf(
		buf, size,
		"add WFP filter %s %s (persistent): block every IPv%c connection of %s, loopback included",
		c->target, c->subject, s->ipv6 ? '6' : '4',
		WIN_SETUP_USER_OFFLINE);
}

static int describe_add(const struct win_setup_change *c, char *buf,
			size_t size)
{
	switch (c->kind) {
	case WIN_SETUP_GROUP_KIND:
		return snprintf(buf, size, "create local group %s", c->target);
	case WIN_SETUP_USER_KIND:
		return snprintf(
			buf, size,
			"create local user %s (network %s) with a random %d-character password",
			c->target,
			c->account == WIN_SETUP_OFFLINE ? "off" : "on",
			WIN_SETUP_PASSWORD_LEN);
	case WIN_SETUP_MEMBER_KIND:
		return snprintf(buf, size, "add %s to %s", c->target,
				group_label(c->subject));
	case WIN_SETUP_HIDDEN_KIND:
		return snprintf(
			buf, size,
			"hide %s from the logon screen (registry: HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList)",
			c->target);
	case WIN_SETUP_PROFILE_KIND:
		return snprintf(buf, size, "create the profile of %s",
				c->target);
	case WIN_SETUP_DIR_KIND:
		return snprintf(
			buf, size,
			"create directory %s, owned by Administrators, or take the one there if Administrators or SYSTEM own it and it is no junction; set its DACL: readable by you, SYSTEM and Administrators, denied to %s",
			c->target, c->subject);
	case WIN_SETUP_RULE_KIND:
		return snprintf(
			buf, size,
			"add firewall rule %s: block all %sbound traffic of %s, every profile",
			c->target, c->subject, WIN_SETUP_USER_OFFLINE);
	case WIN_SETUP_SUBLAYER_KIND:
		return snprintf(
			buf, size,
			"add WFP sublayer %s %s (persistent, weight %u: evaluated first) for the filters of %s",
			c->target, c->subject, WIN_SETUP_SUBLAYER_WEIGHT,
			WIN_SETUP_USER_OFFLINE);
	case WIN_SETUP_FILTER_KIND:
		return describe_filter(c, buf, size);
	case WIN_SETUP_SECRET_KIND:
		return snprintf(
			buf, size,
			"set a new password for %s and write it, DPAPI-encrypted, to %s",
			c->account == WIN_SETUP_OFFLINE ? WIN_SETUP_USER_OFFLINE
							: WIN_SETUP_USER_ONLINE,
			c->target);
	case WIN_SETUP_WRITE_GRANT_KIND:
		return snprintf(
			buf, size,
			"grant %s read, write and delete on %s and everything inside",
			c->subject, c->target);
	case WIN_SETUP_READ_GRANT_KIND:
		return snprintf(
			buf, size,
			"grant %s read and execute on %s%s (background)",
			c->subject, c->target,
			c->inherit ? " and everything inside"
				   : " (that directory only)");
	case WIN_SETUP_MARKER_KIND:
		return snprintf(buf, size, "write the setup marker %s",
				c->target);
	default:
		return -EINVAL;
	}
}

static int describe_remove(const struct win_setup_change *c, char *buf,
			   size_t size)
{
	switch (c->kind) {
	case WIN_SETUP_GROUP_KIND:
		return snprintf(buf, size, "delete local group %s", c->target);
	case WIN_SETUP_USER_KIND:
		return snprintf(buf, size, "delete local user %s", c->target);
	case WIN_SETUP_MEMBER_KIND:
		return snprintf(buf, size, "remove %s from %s", c->target,
				group_label(c->subject));
	case WIN_SETUP_HIDDEN_KIND:
		return snprintf(buf, size,
				"remove the logon-screen entry of %s",
				c->target);
	case WIN_SETUP_PROFILE_KIND:
		return snprintf(buf, size, "delete the profile of %s",
				c->target);
	case WIN_SETUP_DIR_KIND:
		return snprintf(buf, size, "delete directory %s", c->target);
	case WIN_SETUP_RULE_KIND:
		return snprintf(buf, size, "delete firewall rule %s",
				c->target);
	case WIN_SETUP_SUBLAYER_KIND:
		return snprintf(buf, size, "delete WFP sublayer %s %s",
				c->target, c->subject);
	case WIN_SETUP_FILTER_KIND:
		return snprintf(buf, size, "delete WFP filter %s %s", c->target,
				c->subject);
	case WIN_SETUP_SECRET_KIND:
		return snprintf(buf, size, "delete the secret %s", c->target);
	case WIN_SETUP_WRITE_GRANT_KIND:
	case WIN_SETUP_READ_GRANT_KIND:
		return snprintf(buf, size, "remove the entries for %s from %s",
				c->subject, c->target);
	case WIN_SETUP_MARKER_KIND:
		return snprintf(buf, size, "delete the setup marker %s",
				c->target);
	default:
		return -EINVAL;
	}
}

int win_setup_describe(const struct win_setup_change *c, char *buf, size_t size)
{
	int n = c->op == WIN_SETUP_ADD ? describe_add(c, buf, size)
				       : describe_remove(c, buf, size);

	if (n < 0)
		return n;
	return (size_t)n >= size ? -ENOSPC : 0;
}
