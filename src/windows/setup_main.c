/* SPDX-License-Identifier: MIT */
/*
 * paddock-setup.exe: the only part of paddock that runs elevated.
 *
 *   paddock-setup.exe --args HEX
 *
 * HEX is the record of setup_args.c, whose comment lists what crosses the
 * UAC boundary and why each item is safe. `paddock setup` and `paddock
 * uninstall` start this program (elevated through ShellExecuteEx when the
 * caller is not), and a setup starts it once more, detached, for the
 * background read grants. Its exit status is a win_setup_code; on failure
 * it also writes the report to the setup directory, where `paddock setup`
 * and `paddock check` read it, since an elevated process's own console
 * closes with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setup_run.h"

#include <sddl.h>
#include <shellapi.h>
#include <shlobj.h>
#include <wtsapi32.h>

#define PROFILE_LIST \
	L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\"
#define READ_GRANTS_MUTEX L"Global\\paddock-setup-read-grants"

static int refuse(struct setup_run *run, const char *operand,
		  const char *message)
{
	return win_setupw_fail(&run->report, WIN_SETUP_E_ARGS, 0, operand,
			       message);
}

static int parse_argv(struct setup_run *run)
{
	wchar_t **wide;
	char *hex = NULL;
	int n, r;

	wide = CommandLineToArgvW(GetCommandLineW(), &n);
	if (!wide || n != 3 || wcscmp(wide[1], L"--args") != 0 ||
	    win_str_utf8(wide[2], &hex) < 0) {
		if (wide)
			LocalFree(wide);
		return refuse(
			run, NULL,
			"usage: paddock-setup.exe --args HEX (started by paddock setup, not by hand)");
	}
	LocalFree(wide);
	r = win_setup_args_decode(hex, strlen(hex), &run->args);
	free(hex);
	if (r == -EPROTO)
		return refuse(
			run, "--args",
			"the arguments are of another version: use the paddock.exe beside this paddock-setup.exe");
	if (r < 0)
		return refuse(run, "--args", "malformed arguments refused");
	return 0;
}

/* The profile the system records for sid, canonical; NULL if none. */
static char *system_profile(const char *sid)
{
	wchar_t key[200], raw[MAX_PATH], expanded[MAX_PATH];
	DWORD size = sizeof(raw), attributes, native;
	char *utf8 = NULL, *final = NULL;

	_snwprintf(key, 200, L"%ls%hs", PROFILE_LIST, sid);
	key[199] = 0;
	if (RegGetValueW(HKEY_LOCAL_MACHINE, key, L"ProfileImagePath",
			 RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND,
			 NULL, raw, &size) != ERROR_SUCCESS)
		return NULL;
	if (!ExpandEnvironmentStringsW(raw, expanded, MAX_PATH) ||
	    win_str_utf8(expanded, &utf8) < 0)
		return NULL;
	win_resolve_final(utf8, false, &final, &attributes, &native);
	free(utf8);
	return final;
}

/* The SID of the user of this process's token, or "". */
static void token_user(char *buf, size_t size)
{
	if (win_rtoken_own_user_sid(buf, size) < 0)
		buf[0] = '\0';
}

/* The SID of the user logged on to the session this process runs in
 * (DOMAIN\user, looked up qualified), or "" when there is none, as in a
 * service's session. */
static void session_user(char *buf, size_t size)
{
	wchar_t *user = NULL, *domain = NULL, name[512], ref[256];
	BYTE sid[SECURITY_MAX_SID_SIZE];
	DWORD n, sid_size = sizeof(sid), ref_size = 256;
	SID_NAME_USE use = SidTypeUnknown;
	char *text;

	buf[0] = '\0';
	if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE,
					WTS_CURRENT_SESSION, WTSUserName, &user,
					&n) &&
	    WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE,
					WTS_CURRENT_SESSION, WTSDomainName,
					&domain, &n) &&
	    user[0] && domain[0] &&
	    swprintf(name, 512, L"%ls\\%ls", domain, user) > 0 &&
	    LookupAccountNameW(NULL, name, sid, &sid_size, ref, &ref_size,
			       &use) &&
	    use == SidTypeUser && ConvertSidToStringSidA(sid, &text)) {
		snprintf(buf, size, "%s", text);
		LocalFree(text);
	}
	if (user)
		WTSFreeMemory(user);
	if (domain)
		WTSFreeMemory(domain);
}

/* The SID is the caller's (setup_trust.c says which callers), names a
 * user, and the profile sent is the system's for it. */
static int check_user(struct setup_run *run)
{
	char token[WIN_SID_STRING_MAX], session[WIN_SID_STRING_MAX];
	wchar_t name[256], domain[256];
	DWORD n = 256, d = 256;
	SID_NAME_USE use = SidTypeUnknown;
	char *profile, *a = NULL, *b = NULL;
	PSID sid;
	bool same;

	token_user(token, sizeof(token));
	session_user(session, sizeof(session));
	if (!win_setup_caller_allowed(run->args.user_sid, token, session))
		return refuse(
			run, run->args.user_sid,
			"the SID sent is neither the elevated user's nor that of the user logged on to this session");
	if (!ConvertStringSidToSidA(run->args.user_sid, &sid))
		return refuse(run, run->args.user_sid, "not a SID");
	LookupAccountSidW(NULL, sid, name, &n, domain, &d, &use);
	LocalFree(sid);
	if (use != SidTypeUser)
		return refuse(run, run->args.user_sid,
			      "the SID sent is not a user's");
	profile = system_profile(run->args.user_sid);
	if (!profile)
		return refuse(run, run->args.user_sid,
			      "the system records no profile for this user");
	same = win_path_key(profile, &a) == 0 &&
	       win_path_key(run->args.profile, &b) == 0 && strcmp(a, b) == 0;
	free(a);
	free(b);
	free(profile);
	if (!same)
		return refuse(
			run, run->args.profile,
			"the profile sent is not the one the system records for the user");
	return 0;
}

static bool is_admin(void)
{
	BYTE sid[SECURITY_MAX_SID_SIZE];
	DWORD size = sizeof(sid);
	BOOL member = FALSE;

	/* Under UAC's filtered token Administrators is deny-only, so this
	 * is true only in an elevated process. */
	if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &size))
		return false;
	return CheckTokenMembership(NULL, sid, &member) && member;
}

/* Names at the top of the profile: not ".", "..", or a reparse point
 * (the legacy junctions such as "Application Data", which deny listing,
 * and links whose target is not the profile's to grant). */
static int list_children(const char *profile, char ***ret, size_t *ret_n)
{
	WIN32_FIND_DATAW fd;
	char **names = calloc(WIN_SETUP_MAX_CHILDREN, sizeof(*names));
	wchar_t *pattern;
	char *p;
	size_t n = 0;
	HANDLE h;

	if (!names || asprintf(&p, "%s\\*", profile) < 0)
		return -ENOMEM;
	if (win_str_wide(p, &pattern) < 0) {
		free(p);
		return -ENOMEM;
	}
	free(p);
	h = FindFirstFileExW(pattern, FindExInfoBasic, &fd,
			     FindExSearchNameMatch, NULL, 0);
	free(pattern);
	while (h != INVALID_HANDLE_VALUE && n < WIN_SETUP_MAX_CHILDREN) {
		if (wcscmp(fd.cFileName, L".") && wcscmp(fd.cFileName, L"..") &&
		    !(fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
		    win_str_utf8(fd.cFileName, &names[n]) == 0)
			n++;
		if (!FindNextFileW(h, &fd))
			break;
	}
	if (h != INVALID_HANDLE_VALUE)
		FindClose(h);
	*ret = names;
	*ret_n = n;
	return 0;
}

/* The path of a known folder, UTF-8; NULL when it has none here. */
static char *known_folder(const KNOWNFOLDERID *id)
{
	wchar_t *wide = NULL;
	char *utf8 = NULL;

	if (FAILED(SHGetKnownFolderPath(id, 0, NULL, &wide)))
		return NULL;
	if (win_str_utf8(wide, &utf8) < 0)
		utf8 = NULL;
	CoTaskMemFree(wide);
	return utf8;
}

/* Whether path is one of trees[0..n) (32-bit Windows has one Program
 * Files). */
static bool listed(char *const *trees, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (win_path_is_under(path, trees[i]) &&
		    win_path_is_under(trees[i], path))
			return true;
	return false;
}

/* The system trees that exist here, canonical: the Windows directory and
 * the Program Files, Program Files (x86) and ProgramData known folders,
 * as the system records them, never from the environment (which the
 * unelevated caller's session may have set). */
static size_t system_trees(char **out)
{
	static const KNOWNFOLDERID *const folders[] = {
		&FOLDERID_ProgramFiles,
		&FOLDERID_ProgramFilesX86,
		&FOLDERID_ProgramData,
	};
	wchar_t windows[MAX_PATH];
	char *found[4] = { NULL };
	UINT len = GetSystemWindowsDirectoryW(windows, MAX_PATH);
	size_t n = 0;

	if (len > 0 && len < MAX_PATH && win_str_utf8(windows, &found[0]) < 0)
		found[0] = NULL;
	for (size_t i = 0; i < 3; i++)
		found[i + 1] = known_folder(folders[i]);
	for (size_t i = 0; i < 4; i++) {
		DWORD attributes, native;
		char *tree = NULL;

		if (found[i] && win_resolve_final(found[i], false, &tree,
						  &attributes, &native) == 0) {
			if (listed(out, n, tree))
				free(tree);
			else
				out[n++] = tree;
		}
		free(found[i]);
	}
	return n;
}

/* An uninstall removes the grants of the setup that was made, whoever
 * runs it (win_setup_uninstall_profile()). A marker that cannot be read
 * leaves the caller's profile: uninstall goes on either way. */
static void uninstall_profile(struct setup_run *run)
{
	static struct win_setup_marker m;
	char *owner_profile = NULL;
	const char *chosen;
	struct win_setup_report quiet = run->report;
	bool found = setup_run_read_marker(run, &m) == 0;

	run->report = quiet;
	if (found)
		owner_profile = system_profile(m.owner_sid);
	chosen = win_setup_uninstall_profile(found ? &m : NULL, owner_profile,
					     run->args.profile);
	if (chosen != run->args.profile)
		snprintf(run->args.profile, sizeof(run->args.profile), "%s",
			 chosen);
	free(owner_profile);
}

struct gathered {
	struct win_setup_input in;
	char **children, *trees[4];
	size_t n_children;
};

static int gather(struct setup_run *run, struct gathered *g)
{
	int r = list_children(run->args.profile, &g->children, &g->n_children);

	if (r < 0)
		return r;
	g->in.setup_dir = run->setup_dir;
	g->in.profile = run->args.profile;
	g->in.profile_children = (const char *const *)g->children;
	g->in.n_profile_children = g->n_children;
	g->in.n_system_trees = system_trees(g->trees);
	g->in.system_trees = (const char *const *)g->trees;
	/* No writable root crosses UAC (setup_args.c refuses any), so the
	 * plan has no write grant. */
	g->in.roots = NULL;
	g->in.n_roots = 0;
	return 0;
}

static void gathered_free(struct gathered *g)
{
	for (size_t i = 0; i < g->n_children; i++)
		free(g->children[i]);
	free(g->children);
	for (size_t i = 0; i < g->in.n_system_trees; i++)
		free(g->trees[i]);
}

/* What exists already, as setup would find it: the group, the users and
 * what makes them usable, the verified rules and WFP filters, and which
 * system trees Users can read already. All of it is read-only and works
 * unelevated, so the dry run sees what the real run would skip. The rest
 * (the directory's DACL, the secrets, the marker) is done again. */
static void present(const struct win_setup_input *in,
		    struct win_setup_present *p)
{
	char sid[WIN_SID_STRING_MAX];
	bool ok = false;

	memset(p, 0, sizeof(*p));
	win_setupw_account_present(p);
	for (size_t i = 0; i < in->n_system_trees; i++)
		p->tree_readable[i] =
			win_setupw_tree_readable(in->system_trees[i]);
	if (!p->user[0] ||
	    win_setupw_account_sid(WIN_SETUP_USER_OFFLINE, SidTypeUser, sid,
				   sizeof(sid)) < 0)
		return;
	if (win_setupw_fw_check(WIN_SETUP_RULE_OUT, true, sid, &ok, NULL) == 0)
		p->rule_out = ok;
	if (win_setupw_fw_check(WIN_SETUP_RULE_IN, false, sid, &ok, NULL) == 0)
		p->rule_in = ok;
	/* A filter that cannot be read is planned again, not assumed. */
	if (win_setupw_wfp_check(sid, &p->sublayer, p->filter, NULL) < 0) {
		p->sublayer = false;
		memset(p->filter, 0, sizeof(p->filter));
	}
}

/* The dry run: the changes the real run would make, and for an uninstall
 * not those it would skip as things stand (win_setup_undo_skips()). */
static void print_plan(const struct win_setup_plan *p, const char *what,
		       const struct win_setup_undo *undo)
{
	char line[3 * WIN_SETUP_PATH_MAX];
	size_t n = 0;

	for (size_t i = 0; i < p->len; i++)
		n += !undo || !win_setup_undo_skips(&p->changes[i], undo);
	printf("paddock %s --dry-run: %zu changes, none made:\n", what, n);
	for (size_t i = 0; i < p->len; i++)
		if ((!undo || !win_setup_undo_skips(&p->changes[i], undo)) &&
		    win_setup_describe(&p->changes[i], line, sizeof(line)) == 0)
			printf("  %s\n", line);
	fflush(stdout);
}

/* An uninstall's dry run, without what uninstall would skip as things
 * stand: the grants when the group is gone, the files of a foreign
 * setup directory. */
static void print_uninstall(const struct setup_run *run,
			    const struct win_setup_plan *p)
{
	char sid[WIN_SID_STRING_MAX];
	struct win_setup_undo undo = {
		.no_group =
			win_setupw_account_sid(WIN_SETUP_GROUP, SidTypeAlias,
					       sid, sizeof(sid)) < 0,
		.dir_foreign = run->dir_foreign,
	};

	print_plan(p, "uninstall", &undo);
}

/* The background helper: this program again, detached, inheriting no
 * handle, with the same arguments but the action. */
static int start_background(struct setup_run *run)
{
	struct win_setup_args a = run->args;
	STARTUPINFOW si = { .cb = sizeof(si) };
	PROCESS_INFORMATION pi;
	wchar_t self[MAX_PATH], *line;
	char hex[2 * WIN_SETUP_ARGS_MAX + 1];
	DWORD n = GetModuleFileNameW(NULL, self, MAX_PATH);
	BOOL ok;

	a.action = WIN_SETUP_READ_GRANTS;
	if (n == 0 || n >= MAX_PATH ||
	    win_setup_args_encode(&a, hex, sizeof(hex)) < 0)
		return win_setupw_fail(
			&run->report, WIN_SETUP_E_ACL,
			n >= MAX_PATH ? ERROR_INSUFFICIENT_BUFFER
				      : GetLastError(),
			NULL, "cannot start the background read grants");
	if (win_setupw_helper_line(self, hex, &line) < 0)
		return -ENOMEM;
	ok = CreateProcessW(self, line, NULL, NULL, FALSE,
			    DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP, NULL,
			    NULL, &si, &pi);
	free(line);
	if (!ok)
		return win_setupw_fail(
			&run->report, WIN_SETUP_E_ACL, GetLastError(),
			"paddock-setup.exe",
			"cannot start the background read grants");
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	return 0;
}

/* The report in the setup directory: written on failure, removed on
 * success, so that `paddock check` shows only the latest outcome; never
 * written to, or removed from, a directory that is not paddock's. */
static void write_report(struct setup_run *run, bool failed)
{
	struct paddock_error err = { 0 };
	char path[WIN_SETUP_PATH_MAX + 16], text[WIN_SETUP_REPORT_MAX];
	int n;

	if (!run->setup_dir || run->dir_foreign)
		return;
	/* A setup that failed before making its directory makes it now,
	 * without the group's deny entry (setup_files.c), so that the
	 * report has a place. The background helper and uninstall never
	 * make it: the directory may be gone because uninstall ran. */
	if (failed && run->args.action == WIN_SETUP_INSTALL &&
	    win_setupw_dir_check(run->setup_dir, NULL) == -ENOENT)
		win_setupw_dir_create(run->setup_dir, run->args.user_sid, NULL,
				      NULL);
	if (win_setupw_dir_check(run->setup_dir, NULL) < 0)
		return;
	snprintf(path, sizeof(path), "%s\\setup-error", run->setup_dir);
	if (!failed) {
		setup_run_delete(run, path);
		return;
	}
	n = win_setup_report_format(&run->report, text, sizeof(text));
	if (n > 0)
		win_home_write_atomic(path, text, (size_t)n, &err);
}

/* The setup directory, before anything is changed: one that is there but
 * not paddock's stops a setup (and its dry run) with E_SETUP_DIR, since
 * its owner could read the secrets setup would write; uninstall goes on
 * without touching it, to remove paddock's users, group and rules. */
static int check_dir(struct setup_run *run)
{
	int r = win_setupw_dir_open(run->setup_dir, 0, NULL, NULL,
				    &run->report);

	if (r == -ENOENT)
		return 0;
	if (r < 0 && run->args.action == WIN_SETUP_UNINSTALL)
		run->dir_foreign = true;
	/* Unelevated, another user's setup directory cannot be opened;
	 * the elevated run will check it. */
	else if (r == -EACCES && run->args.dry_run)
		r = 0;
	if (run->dir_foreign || r == 0) {
		memset(&run->report, 0, sizeof(run->report));
		return 0;
	}
	return r;
}

static int held_mutex(HANDLE *ret, struct setup_run *run,
		      enum win_setup_code code)
{
	HANDLE m = CreateMutexW(NULL, FALSE, READ_GRANTS_MUTEX);
	DWORD w;

	if (!m)
		return win_setupw_fail(&run->report, code, GetLastError(),
				       "read-grants mutex",
				       "cannot create the mutex");
	w = WaitForSingleObject(m, INFINITE);
	if (w != WAIT_OBJECT_0 && w != WAIT_ABANDONED) {
		CloseHandle(m);
		return win_setupw_fail(&run->report, code, GetLastError(),
				       "read-grants mutex",
				       "cannot wait for the mutex");
	}
	*ret = m;
	return 0;
}

/* The marker goes first: paddock.exe stops trusting the setup at once,
 * and a background helper still granting stops at its next grant and
 * takes back what it wrote (setup_run.c). Then, holding the helper's
 * mutex, so that none adds a grant while the grants are removed, every
 * removal of the plan (which deletes the marker again, reporting a
 * failure there). */
static int uninstall(struct setup_run *run, const struct win_setup_plan *p)
{
	char marker[WIN_SETUP_PATH_MAX + 16];
	struct win_setup_report keep = run->report;
	HANDLE m;
	int r;

	if (!run->dir_foreign) {
		snprintf(marker, sizeof(marker), "%s\\setup-marker",
			 run->setup_dir);
		setup_run_delete(run, marker);
		run->report = keep;
	}
	r = held_mutex(&m, run, WIN_SETUP_E_UNINSTALL);
	if (r < 0)
		return r;
	r = setup_run_uninstall(run, p);
	ReleaseMutex(m);
	CloseHandle(m);
	return r;
}

static int act(struct setup_run *run, const struct win_setup_input *in)
{
	struct win_setup_present pr = { 0 };
	struct win_setup_plan plan;
	HANDLE m = NULL;
	int r;

	/* A setup, its dry run and the background helper skip what is
	 * there; an uninstall removes everything setup could have made. */
	if (run->args.action == WIN_SETUP_UNINSTALL) {
		r = win_setup_plan_uninstall(in, &plan);
	} else {
		present(in, &pr);
		r = win_setup_plan_install(in, &pr, &plan);
	}
	if (r < 0)
		return refuse(run, NULL, "cannot plan the setup");
	if (run->args.dry_run && run->args.action == WIN_SETUP_UNINSTALL) {
		print_uninstall(run, &plan);
	} else if (run->args.dry_run) {
		print_plan(&plan, "setup", NULL);
	} else if (run->args.action == WIN_SETUP_INSTALL) {
		r = setup_run_install(run, &plan);
		if (r == 0)
			r = start_background(run);
	} else if (run->args.action == WIN_SETUP_UNINSTALL) {
		r = uninstall(run, &plan);
	} else if ((r = held_mutex(&m, run, WIN_SETUP_E_ACL)) == 0) {
		r = setup_run_read_grants(run, &plan);
		ReleaseMutex(m);
		CloseHandle(m);
	}
	win_setup_plan_free(&plan);
	return r;
}

static int run_setup(struct setup_run *run)
{
	struct gathered g = { 0 };
	int r = win_setupw_dir(&run->setup_dir);

	if (r < 0)
		return win_setupw_fail(&run->report, WIN_SETUP_E_MARKER, 0,
				       "%ProgramData%",
				       "cannot find the setup directory");
	r = parse_argv(run);
	if (r == 0)
		r = check_user(run);
	if (r == 0 && !run->args.dry_run && !is_admin())
		r = win_setupw_fail(&run->report, WIN_SETUP_E_NOT_ADMIN,
				    ERROR_ACCESS_DENIED, NULL,
				    "paddock-setup.exe must run elevated");
	if (r == 0)
		r = check_dir(run);
	/* The background helper works for the setup that wrote the marker:
	 * for its owner and profile only, and not at all once it is gone. */
	if (r == 0 && run->args.action == WIN_SETUP_READ_GRANTS &&
	    (r = setup_run_own_marker(run)) == -ENOENT) {
		run->stopped = true;
		return 0;
	}
	if (r == 0 && run->args.action == WIN_SETUP_UNINSTALL &&
	    !run->dir_foreign)
		uninstall_profile(run);
	if (r == 0)
		r = gather(run, &g);
	if (r == 0)
		r = act(run, &g.in);
	gathered_free(&g);
	return r;
}

int main(void)
{
	static struct setup_run run;
	int r;

	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	r = run_setup(&run);
	if (r < 0 && run.report.code == WIN_SETUP_OK)
		win_setupw_fail(&run.report, WIN_SETUP_E_MARKER, 0, NULL,
				"out of memory");
	if (r < 0)
		fprintf(stderr,
			"paddock-setup: %s: %s%s%s (native error %lu, 0x%08lx)\n",
			win_setup_code_name(run.report.code),
			run.report.message, run.report.operand[0] ? ": " : "",
			run.report.operand, run.report.native,
			run.report.native);
	/* A dry run and refused arguments change nothing, the report
	 * included. */
	if (!run.args.dry_run && !run.stopped &&
	    run.report.code != WIN_SETUP_E_ARGS)
		write_report(&run, r < 0);
	free(run.setup_dir);
	return r < 0 ? (int)run.report.code : 0;
}
