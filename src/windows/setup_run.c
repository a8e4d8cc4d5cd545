/* SPDX-License-Identifier: MIT */
/*
 * paddock-setup.exe carrying out a plan (setup_plan.c): the foreground
 * part of a setup, the background read grants, or an uninstall.
 *
 * Failure safety. A setup first deletes the old marker, so that whatever
 * fails afterwards leaves no marker to trust; the marker is written only
 * once the users, the rules and WFP filters (read back) and the secrets
 * are in place. The firewall rules and filters come before any secret,
 * so a user whose rule or filter failed has no password paddock knows;
 * the WFP blocks come before the permit that narrows them, and an
 * uninstall removes the permit first, so the offline user stays blocked
 * whatever step fails. The only broad inheritable entries, the read
 * grants, run last, in the background helper, which removes the ones it
 * added when one fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setup_run.h"

static const char *const user_names[2] = { WIN_SETUP_USER_OFFLINE,
					   WIN_SETUP_USER_ONLINE };

static int lookup_sids(struct setup_run *run)
{
	if (win_setupw_account_sid(WIN_SETUP_GROUP, SidTypeAlias,
				   run->group_sid, sizeof(run->group_sid)) < 0)
		return win_setupw_fail(
			&run->report, WIN_SETUP_E_USER, ERROR_NONE_MAPPED,
			WIN_SETUP_GROUP,
			"cannot find the group after creating it");
	for (int a = 0; a < 2; a++)
		if (win_setupw_account_sid(user_names[a], SidTypeUser,
					   run->user_sid[a],
					   sizeof(run->user_sid[a])) < 0)
			return win_setupw_fail(
				&run->report, WIN_SETUP_E_USER,
				ERROR_NONE_MAPPED, user_names[a],
				"cannot find the user after creating it");
	return 0;
}

static int write_marker(struct setup_run *run, const char *path, bool done)
{
	struct win_setup_marker m = { .version = WIN_SETUP_VERSION,
				      .rule_out = true,
				      .rule_in = true,
				      .filter = { true, true, true },
				      .read_grants_done = done };
	struct paddock_error err = { 0 };
	char text[WIN_SETUP_MARKER_MAX];
	int n;

	strcpy(m.owner_sid, run->args.user_sid);
	strcpy(m.profile, run->args.profile);
	strcpy(m.group_sid, run->group_sid);
	for (int a = 0; a < 2; a++) {
		strcpy(m.user[a], user_names[a]);
		strcpy(m.user_sid[a], run->user_sid[a]);
	}
	n = win_setup_marker_format(&m, text, sizeof(text));
	if (n < 0)
		return win_setupw_fail(&run->report, WIN_SETUP_E_MARKER, 0,
				       path, "cannot format the marker");
	if (win_home_write_atomic(path, text, (size_t)n, &err) < 0)
		return win_setupw_fail(&run->report, WIN_SETUP_E_MARKER,
				       err.native, path,
				       "cannot write the marker");
	return 0;
}

int setup_run_read_marker(struct setup_run *run, struct win_setup_marker *m)
{
	char *text;
	size_t len;
	int r = win_setupw_read(run->setup_dir, "setup-marker",
				WIN_SETUP_MARKER_MAX, &text, &len);

	if (r == -ENOENT)
		return r;
	if (r < 0)
		return win_setupw_fail(&run->report, WIN_SETUP_E_MARKER, 0,
				       run->setup_dir,
				       "cannot read the setup marker");
	r = win_setup_marker_parse(text, len, m, NULL);
	free(text);
	if (r < 0)
		return win_setupw_fail(
			&run->report, WIN_SETUP_E_MARKER, 0, run->setup_dir,
			"the setup marker is malformed or of another version");
	return 0;
}

int setup_run_own_marker(struct setup_run *run)
{
	struct win_setup_marker m;
	int r = setup_run_read_marker(run, &m);

	if (r < 0)
		return r;
	if (!win_setup_helper_matches(&m, &run->args))
		return win_setupw_fail(
			&run->report, WIN_SETUP_E_ARGS, 0, run->args.profile,
			"the read grants were sent another owner or profile than the setup marker names");
	return 0;
}

static int new_secret(struct setup_run *run, const struct win_setup_change *c)
{
	char pw[WIN_SETUP_PASSWORD_LEN + 1];
	int r = win_setupw_secret_password(pw, &run->report);

	if (r == 0)
		r = win_setupw_account_password(user_names[c->account], pw,
						&run->report);
	if (r == 0)
		r = win_setupw_secret_write(c->target, pw, &run->report);
	SecureZeroMemory(pw, sizeof(pw));
	return r;
}

/* Local rules must take effect before a rule is worth adding. */
static int add_rule(struct setup_run *run, const struct win_setup_change *c)
{
	bool effective;
	int r = win_setupw_fw_effective(&effective, &run->report);

	if (r == 0 && !effective)
		r = win_setupw_fail(
			&run->report, WIN_SETUP_E_FIREWALL_POLICY, 0,
			"Windows Firewall",
			"local firewall rules take no effect here: Group Policy overrides them or the firewall is off for a profile");
	if (r == 0)
		r = win_setupw_fw_add(c->target, strcmp(c->subject, "out") == 0,
				      run->user_sid[WIN_SETUP_OFFLINE],
				      &run->report);
	return r;
}

static int add_account_change(struct setup_run *run,
			      const struct win_setup_change *c)
{
	char pw[WIN_SETUP_PASSWORD_LEN + 1] = "";
	int r = 0;

	/* A new user's first password is random and never stored: the
	 * SECRET change sets the one paddock keeps. */
	if (c->kind == WIN_SETUP_USER_KIND)
		r = win_setupw_secret_password(pw, &run->report);
	if (r == 0)
		r = win_setupw_account_apply(c, pw, &run->report);
	SecureZeroMemory(pw, sizeof(pw));
	return r;
}

int setup_run_change(struct setup_run *run, const struct win_setup_change *c)
{
	bool skipped;

	switch (c->kind) {
	case WIN_SETUP_GROUP_KIND:
	case WIN_SETUP_USER_KIND:
	case WIN_SETUP_MEMBER_KIND:
	case WIN_SETUP_HIDDEN_KIND:
	case WIN_SETUP_PROFILE_KIND:
		if (c->op == WIN_SETUP_REMOVE)
			return win_setupw_account_apply(c, NULL, &run->report);
		return add_account_change(run, c);
	case WIN_SETUP_DIR_KIND:
		if (c->op == WIN_SETUP_REMOVE)
			return win_setupw_dir_remove(c->target, &run->report);
		return win_setupw_dir_create(c->target, run->args.user_sid,
					     run->group_sid, &run->report);
	case WIN_SETUP_RULE_KIND:
		if (c->op == WIN_SETUP_REMOVE)
			return win_setupw_fw_remove(c->target, &run->report);
		return add_rule(run, c);
	case WIN_SETUP_SUBLAYER_KIND:
	case WIN_SETUP_FILTER_KIND:
		if (c->op == WIN_SETUP_REMOVE)
			return win_setupw_wfp_remove(c, &run->report);
		return win_setupw_wfp_add(c, run->user_sid[WIN_SETUP_OFFLINE],
					  &run->report);
	case WIN_SETUP_SECRET_KIND:
	case WIN_SETUP_MARKER_KIND:
		if (c->op == WIN_SETUP_REMOVE)
			return setup_run_delete(run, c->target);
		if (c->kind == WIN_SETUP_SECRET_KIND)
			return new_secret(run, c);
		return write_marker(run, c->target, false);
	case WIN_SETUP_WRITE_GRANT_KIND:
	case WIN_SETUP_READ_GRANT_KIND:
		return win_setupw_grant_apply(c, run->group_sid, &skipped,
					      &run->report);
	default:
		return -EINVAL;
	}
}

int setup_run_delete(struct setup_run *run, const char *path)
{
	wchar_t *wide;
	DWORD native = 0;

	if (win_str_wide(path, &wide) < 0)
		return -ENOMEM;
	if (!DeleteFileW(wide))
		native = GetLastError();
	free(wide);
	if (native && native != ERROR_FILE_NOT_FOUND &&
	    native != ERROR_PATH_NOT_FOUND)
		return win_setupw_fail(&run->report, WIN_SETUP_E_UNINSTALL,
				       native, path, "cannot delete the file");
	return 0;
}

/* The foreground changes of a setup, in order; the first failure stops. */
int setup_run_install(struct setup_run *run, const struct win_setup_plan *p)
{
	char marker[WIN_SETUP_PATH_MAX + 16];
	bool sids = false;
	int r;

	snprintf(marker, sizeof(marker), "%s\\setup-marker", run->setup_dir);
	r = setup_run_delete(run, marker);
	for (size_t i = 0; r == 0 && i < p->len; i++) {
		const struct win_setup_change *c = &p->changes[i];

		if (c->background)
			continue;
		/* The SIDs are known once the group and users exist. */
		if (!sids && c->kind > WIN_SETUP_PROFILE_KIND) {
			r = lookup_sids(run);
			sids = true;
			if (r < 0)
				break;
		}
		r = setup_run_change(run, c);
	}
	return r;
}

/* A failed removal of the group's entries, as reported: the group is
 * kept (win_setup_undo_skips), and the report says so. */
static void grant_kept(struct win_setup_report *r)
{
	char message[sizeof(r->message)];

	snprintf(message, sizeof(message),
		 "%s; the group " WIN_SETUP_GROUP
		 " is kept, so that paddock uninstall can retry",
		 r->message);
	memcpy(r->message, message, sizeof(message));
	r->code = WIN_SETUP_E_UNINSTALL;
}

/* Every removal is tried but what win_setup_undo_skips() leaves; the first
 * failure is the one reported. The caller holds the read-grants mutex, so
 * that no background helper adds a grant meanwhile. */
int setup_run_uninstall(struct setup_run *run, const struct win_setup_plan *p)
{
	struct win_setup_undo undo = { .dir_foreign = run->dir_foreign };
	struct win_setup_report first = { 0 };
	int result = 0;

	/* Grants name the group by SID; if it is gone already, there is
	 * nothing left to match them with. */
	if (win_setupw_account_sid(WIN_SETUP_GROUP, SidTypeAlias,
				   run->group_sid,
				   sizeof(run->group_sid)) < 0) {
		run->group_sid[0] = '\0';
		undo.no_group = true;
	}
	for (size_t i = 0; i < p->len; i++) {
		const struct win_setup_change *c = &p->changes[i];
		bool grant = c->kind == WIN_SETUP_READ_GRANT_KIND ||
			     c->kind == WIN_SETUP_WRITE_GRANT_KIND;
		int r;

		if (win_setup_undo_skips(c, &undo))
			continue;
		r = setup_run_change(run, c);
		if (r < 0 && grant) {
			undo.grant_failed = true;
			grant_kept(&run->report);
		}
		if (r < 0 && result == 0) {
			result = r;
			first = run->report;
		}
	}
	if (result < 0)
		run->report = first;
	return result;
}

/* Undo the grants of p->changes[0..n) that were written, newest first. */
static void roll_back(struct setup_run *run, const struct win_setup_plan *p,
		      const bool *written, size_t n)
{
	struct win_setup_report keep = run->report;

	while (n--) {
		struct win_setup_change undo = p->changes[n];
		bool skipped;

		if (!written[n])
			continue;
		undo.op = WIN_SETUP_REMOVE;
		win_setupw_grant_apply(&undo, run->group_sid, &skipped,
				       &run->report);
	}
	run->report = keep;
}

/* Whether the setup this helper works for is still the one in force: its
 * marker is there and names the same owner and profile. Uninstall deletes
 * the marker before it waits for the helper's mutex, and a new setup
 * deletes it first thing, so a helper that finds it gone stops. */
static int still_wanted(struct setup_run *run)
{
	int r = setup_run_own_marker(run);

	if (r == -ENOENT)
		run->stopped = true;
	return r;
}

int setup_run_read_grants(struct setup_run *run, const struct win_setup_plan *p)
{
	char marker[WIN_SETUP_PATH_MAX + 16];
	bool *written = calloc(p->len + 1, sizeof(*written));
	int r = written ? lookup_sids(run) : -ENOMEM;
	size_t i;

	for (i = 0; r == 0 && i < p->len; i++) {
		const struct win_setup_change *c = &p->changes[i];
		bool skipped = false;

		if (!c->background)
			continue;
		r = still_wanted(run);
		if (r == 0)
			r = win_setupw_grant_apply(c, run->group_sid, &skipped,
						   &run->report);
		written[i] = r == 0 && !skipped;
	}
	if (r == 0)
		r = still_wanted(run);
	/* A failure, or a setup no longer in force: the grants this run
	 * wrote go, so that nothing broad and inheritable stays behind. */
	if (r < 0)
		roll_back(run, p, written, i);
	free(written);
	if (run->stopped)
		return 0;
	if (r < 0)
		return r;
	snprintf(marker, sizeof(marker), "%s\\setup-marker", run->setup_dir);
	return write_marker(run, marker, true);
}
