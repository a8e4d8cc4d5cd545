/* SPDX-License-Identifier: MIT */
/*
 * elevated.h for paddock.exe: the setup marker read and checked against
 * the system, and the sandbox users' logons decrypted.
 *
 * The marker is believed only when the system shows what it claims
 * (setup_marker.c decides): the group and both users exist with the SIDs
 * recorded, both secrets are on disk, both firewall rules read back as
 * setup wrote them, local rules take effect, and paddock's WFP sublayer
 * and filters read back as setup added them. Each check costs a lookup,
 * a COM call or an FwpmFilterGetByKey0, made on every load: a rule or
 * filter deleted since the last run, or a user removed, is noticed
 * before paddock relies on it.
 *
 * The setup directory is checked first (setup_trust.c): one that is a
 * junction or symbolic link, or that neither Administrators nor SYSTEM
 * own, is not paddock's, and nothing in it is believed; its marker, if it
 * has one, is untrusted.
 *
 * Errors: -ENOENT when never set up (no marker), -EPROTO when a marker is
 * there but not trusted (another version, something it claims is
 * missing, a setup directory that is not paddock's: err's message says
 * what), -EINVAL for a malformed marker.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/elevated.h"
#include "windows/setupw.h"

static const char *const user_names[2] = { WIN_SETUP_USER_OFFLINE,
					   WIN_SETUP_USER_ONLINE };

static bool sid_is(const char *name, SID_NAME_USE use, const char *expected)
{
	char sid[WIN_SID_STRING_MAX];

	return win_setupw_account_sid(name, use, sid, sizeof(sid)) == 0 &&
	       strcmp(sid, expected) == 0;
}

static bool secret_present(const char *dir, const char *user)
{
	char *blob;
	size_t len;
	char name[96];

	snprintf(name, sizeof(name), "%s.secret", user);
	if (win_setupw_read(dir, name, 4096, &blob, &len) < 0)
		return false;
	free(blob);
	return len > 0;
}

/* What the system shows of what m claims. */
static void look(const char *dir, const struct win_setup_marker *m,
		 struct win_setup_seen *s)
{
	memset(s, 0, sizeof(*s));
	s->group = sid_is(WIN_SETUP_GROUP, SidTypeAlias, m->group_sid);
	for (int a = 0; a < 2; a++) {
		s->user[a] = sid_is(user_names[a], SidTypeUser, m->user_sid[a]);
		s->secret[a] = secret_present(dir, user_names[a]);
	}
	if (win_setupw_fw_check(WIN_SETUP_RULE_OUT, true, m->user_sid[0],
				&s->rule_out, NULL) < 0)
		s->rule_out = false;
	if (m->rule_in &&
	    win_setupw_fw_check(WIN_SETUP_RULE_IN, false, m->user_sid[0],
				&s->rule_in, NULL) < 0)
		s->rule_in = false;
	if (win_setupw_fw_effective(&s->rules_effective, NULL) < 0)
		s->rules_effective = false;
	/* The rules leave loopback open; the filters close it. */
	if (win_setupw_wfp_check(m->user_sid[0], &s->sublayer, s->filter,
				 NULL) < 0) {
		s->sublayer = false;
		memset(s->filter, 0, sizeof(s->filter));
	}
}

static int read_marker(const char *dir, struct win_setup_marker *m,
		       struct paddock_error *err)
{
	char *text;
	size_t len;
	unsigned bad = 0;
	int r = win_setupw_read(dir, "setup-marker", WIN_SETUP_MARKER_MAX,
				&text, &len);

	if (r == -ENOENT)
		return error_set(
			err, PADDOCK_STEP_SETUP, ENOENT, dir,
			"the elevated mode is not set up (no setup marker)");
	if (r < 0)
		return error_set(err, PADDOCK_STEP_SETUP, -r, dir,
				 "cannot read the setup marker");
	r = win_setup_marker_parse(text, len, m, &bad);
	free(text);
	if (r == -EPROTO)
		return error_set(
			err, PADDOCK_STEP_SETUP, EPROTO, dir,
			"the setup marker was written by another version of paddock; run paddock setup again");
	if (r < 0) {
		error_set(
			err, PADDOCK_STEP_SETUP, EINVAL, dir,
			"the setup marker is malformed; run paddock setup again");
		if (err)
			err->line = bad;
		return -EINVAL;
	}
	return 0;
}

/* A setup directory that is not paddock's: its marker is untrusted; with
 * no marker there it was never set up (and setup will refuse the
 * directory until it is deleted, which the message says). */
static int foreign_dir(const char *dir, enum win_setup_object v,
		       struct paddock_error *err)
{
	char path[WIN_SETUP_PATH_MAX + 16];
	wchar_t *wide;
	bool marker = false;

	snprintf(path, sizeof(path), "%s\\setup-marker", dir);
	if (win_str_wide(path, &wide) == 0) {
		marker = GetFileAttributesW(wide) != INVALID_FILE_ATTRIBUTES;
		free(wide);
	}
	return error_set(err, PADDOCK_STEP_SETUP, marker ? EPROTO : ENOENT, dir,
			 win_setup_dir_text(v));
}

/* The setup directory, when it is paddock's or not there at all (reading
 * from it then finds nothing); else an error, and *ret is NULL. */
static int setup_dir(char **ret, struct paddock_error *err)
{
	enum win_setup_object v = WIN_SETUP_OBJECT_OK;
	int r;

	*ret = NULL;
	if (win_setupw_dir(ret) < 0)
		return error_set(err, PADDOCK_STEP_SETUP, ENOENT,
				 "%ProgramData%",
				 "cannot find the setup directory");
	r = win_setupw_dir_check(*ret, &v);
	if (r == 0 || r == -ENOENT)
		return 0;
	/* Setup's DACL lets in SYSTEM, Administrators and the user who ran
	 * it: for anyone else on the machine it was never set up, which
	 * is not a setup gone bad (auto then uses the unelevated mode). */
	if (r == -EACCES)
		r = error_set(
			err, PADDOCK_STEP_SETUP, ENOENT, *ret,
			"the elevated mode is set up for another user of this machine (its setup directory is not open to you)");
	else if (r == -EPERM)
		r = foreign_dir(*ret, v, err);
	else
		r = error_set(err, PADDOCK_STEP_SETUP, -r, *ret,
			      "cannot open the setup directory");
	free(*ret);
	*ret = NULL;
	return r;
}

int win_setup_load(struct win_setup_info *info, struct paddock_error *err)
{
	struct win_setup_marker m;
	struct win_setup_seen seen;
	enum win_setup_distrust verdict;
	char *dir;
	int r;

	memset(info, 0, sizeof(*info));
	r = setup_dir(&dir, err);
	if (r < 0)
		return r;
	r = read_marker(dir, &m, err);
	if (r == 0) {
		look(dir, &m, &seen);
		verdict = win_setup_marker_trust(&m, &seen);
		if (verdict != WIN_SETUP_TRUSTED)
			r = error_set(err, PADDOCK_STEP_SETUP, EPROTO, dir,
				      win_setup_distrust_text(verdict));
	}
	free(dir);
	if (r < 0)
		return r;
	info->version = m.version;
	info->read_grants_done = m.read_grants_done;
	MultiByteToWideChar(CP_UTF8, 0, m.group_sid, -1, info->group_sid, 192);
	for (int a = 0; a < 2; a++) {
		MultiByteToWideChar(CP_UTF8, 0, m.user[a], -1, info->user[a],
				    64);
		MultiByteToWideChar(CP_UTF8, 0, m.user_sid[a], -1,
				    info->user_sid[a], 192);
	}
	return 0;
}

/*
 * Nothing is cached between calls: every load reads and decrypts the
 * secret from disk, so a refresh after ERROR_LOGON_SESSION... (1312) gets
 * the password a setup run since may have reset.
 */
int win_logon_load(enum win_account which, bool refresh, struct win_logon *out,
		   struct paddock_error *err)
{
	struct win_setup_report report = { 0 };
	DWORD size = 64;
	char *dir, *path;
	int r;

	(void)refresh;
	memset(out, 0, sizeof(*out));
	if (which != WIN_ACCOUNT_OFFLINE && which != WIN_ACCOUNT_ONLINE)
		return error_set(err, PADDOCK_STEP_SETUP, EINVAL, NULL,
				 "no such sandbox account");
	r = setup_dir(&dir, err);
	if (r < 0)
		return r;
	r = asprintf(&path, "%s\\%s.secret", dir, user_names[which]);
	free(dir);
	if (r < 0)
		return -ENOMEM;
	r = win_setupw_secret_read(path, out->password, 128, &report);
	if (r < 0) {
		/* err->message must be static text: the report's is not. */
		r = win_err_set(
			err, PADDOCK_STEP_SETUP, report.native, path,
			"cannot read or decrypt the sandbox user's secret; run paddock setup again");
		free(path);
		win_logon_clear(out);
		return r;
	}
	free(path);
	MultiByteToWideChar(CP_UTF8, 0, user_names[which], -1, out->user, 64);
	if (!GetComputerNameW(out->domain, &size)) {
		r = win_err_set(err, PADDOCK_STEP_SETUP, GetLastError(), NULL,
				"cannot read the computer's name");
		win_logon_clear(out);
	}
	return r;
}

void win_logon_clear(struct win_logon *logon)
{
	SecureZeroMemory(logon, sizeof(*logon));
}
