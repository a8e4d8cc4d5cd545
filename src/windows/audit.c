/* SPDX-License-Identifier: MIT */
/*
 * The Everyone-writable audit. A write-restricted token passes the
 * restricted check through any restricting SID the object's DACL grants,
 * and Everyone and the logon SID are restricting SIDs (token.c says why):
 * a directory that grants Everyone write is writable from inside the
 * sandbox wherever it lies. Such directories are looked for where a
 * command is likely to write, within a time budget, and denied to the
 * capability SIDs: a deny entry for a restricting SID fails the restricted
 * check, whatever else the DACL grants.
 *
 * Never touched: anything under the user's .ssh (OpenSSH refuses keys
 * whose directory's DACL it does not expect), the profile directory itself
 * and the drive root, whose inheritable entries reach everything below
 * them: those are reported, with what to do, not changed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/win32.h"

#define AUDIT_BUDGET_MS 300
#define AUDIT_MAX_CANDIDATES 256

struct audit {
	const struct paddock_policy *policy;
	const struct win_resolved *res;
	const char *sids[3]; /* Everyone, the logon SID */
	const char *const *caps;
	size_t n_caps;
	char *ssh; /* %USERPROFILE%\.ssh, canonical, or NULL */
	struct strv report_only;
	struct strv seen;
	ULONGLONG deadline;
	size_t checked, skipped, found;
};

static bool under_a_root(const struct audit *a, const char *path)
{
	for (size_t i = 0; i < a->res->n_roots; i++) {
		if (win_path_is_under(path, a->res->roots[i].path))
			return true;
	}
	return false;
}

static bool seen(struct audit *a, const char *path)
{
	for (size_t i = 0; i < a->seen.len; i++) {
		if (win_path_is_under(path, a->seen.items[i]) &&
		    win_path_is_under(a->seen.items[i], path))
			return true;
	}
	strv_push(&a->seen, path);
	return false;
}

static void deny(struct audit *a, const char *path, const wchar_t *wide)
{
	for (size_t i = 0; i < a->n_caps; i++) {
		struct win_acl_entry e = {
			.path = (char *)path,
			.sid = a->caps[i],
			.kind = WIN_ACL_DENY,
			.mask = WIN_ACL_ANY_WRITE,
			.inherit = WIN_ACL_OBJECT_INHERIT |
				   WIN_ACL_CONTAINER_INHERIT,
		};
		bool written;
		DWORD native = win_aclw_apply_entry(wide, &e, &written);

		if (native) {
			log_msg(a->policy, PADDOCK_LOG_WARNING,
				"%s is writable by Everyone, so from inside the sandbox too; denying it failed (Windows error %lu)",
				path, native);
			return;
		}
	}
	log_msg(a->policy, PADDOCK_LOG_INFO,
		"%s is writable by Everyone: denied to the sandbox", path);
}

/* Check one directory, given as it was found (resolved here). */
static void check(struct audit *a, const char *given)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	struct win_acl_ace *aces;
	DWORD attributes, native;
	ACL *dacl = NULL;
	wchar_t *wide;
	char *path;
	size_t n;

	if (GetTickCount64() >= a->deadline) {
		a->skipped++;
		return;
	}
	if (win_resolve_final(given, false, &path, &attributes, &native) < 0)
		return;
	if (!(attributes & FILE_ATTRIBUTE_DIRECTORY) || seen(a, path) ||
	    under_a_root(a, path) ||
	    (a->ssh && win_path_is_under(path, a->ssh)) ||
	    win_str_wide(path, &wide) < 0) {
		free(path);
		return;
	}
	a->checked++;
	native = win_aclw_get_dacl(wide, &dacl, &sd);
	if (native == 0 && win_aclw_read_aces(dacl, &aces, &n) == 0) {
		if (dacl && win_acl_writable_by(aces, n, a->sids)) {
			a->found++;
			if (strv_contains(&a->report_only, path))
				log_msg(a->policy, PADDOCK_LOG_WARNING,
					"%s is writable by Everyone, so from inside the sandbox too; paddock does not change its DACL (it reaches everything below): remove the Everyone entry",
					path);
			else
				deny(a, path, wide);
		}
		win_aclw_free_aces(aces, n);
	}
	if (sd)
		LocalFree(sd);
	free(wide);
	free(path);
}

static void check_env_dir(struct audit *a, const char *name, const char *suffix,
			  bool report_only)
{
	char *value, *path;

	if (win_str_getenv(name, &value) < 0)
		return;
	if (asprintf(&path, "%s%s", value, suffix) >= 0) {
		DWORD attributes, native;
		char *final;

		if (report_only && win_resolve_final(path, false, &final,
						     &attributes, &native) == 0)
			strv_push_owned(&a->report_only, final);
		check(a, path);
		free(path);
	}
	free(value);
}

static void check_path_dirs(struct audit *a)
{
	char *path, *dir, *next;

	if (win_str_getenv("PATH", &path) < 0)
		return;
	for (dir = path; dir; dir = next) {
		next = strchr(dir, ';');
		if (next)
			*next++ = '\0';
		if (*dir)
			check(a, dir);
	}
	free(path);
}

/* In read-only mode the workspace is no root, so its children are the
 * first place a command writes. */
static void check_children(struct audit *a, const char *dir)
{
	WIN32_FIND_DATAW data;
	wchar_t *pattern;
	HANDLE find;
	char *s;

	if (asprintf(&s, "%s\\*", dir) < 0)
		return;
	if (win_str_wide(s, &pattern) < 0) {
		free(s);
		return;
	}
	free(s);
	find = FindFirstFileW(pattern, &data);
	free(pattern);
	if (find == INVALID_HANDLE_VALUE)
		return;
	for (size_t i = 0; i < AUDIT_MAX_CANDIDATES; i++) {
		char *name, *child;

		if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
		    wcscmp(data.cFileName, L".") &&
		    wcscmp(data.cFileName, L"..") &&
		    win_str_utf8(data.cFileName, &name) == 0) {
			if (asprintf(&child, "%s\\%s", dir, name) >= 0) {
				check(a, child);
				free(child);
			}
			free(name);
		}
		if (!FindNextFileW(find, &data))
			break;
	}
	FindClose(find);
}

void win_audit_run(const struct paddock_policy *policy,
		   const struct win_resolved *res, const char *logon_sid,
		   const char *const *capability_sids, size_t n_caps)
{
	struct audit a = {
		.policy = policy,
		.res = res,
		.sids = { WIN_SID_EVERYONE, logon_sid, NULL },
		.caps = capability_sids,
		.n_caps = n_caps,
		.deadline = GetTickCount64() + AUDIT_BUDGET_MS,
	};
	char *ssh;
	DWORD attributes, native;

	if (win_str_getenv("USERPROFILE", &ssh) == 0) {
		char *joined;

		if (asprintf(&joined, "%s\\.ssh", ssh) >= 0) {
			if (win_resolve_final(joined, false, &a.ssh,
					      &attributes, &native) < 0)
				a.ssh = NULL;
			free(joined);
		}
		free(ssh);
	}
	if (policy->mode == PADDOCK_MODE_READ_ONLY)
		check_children(&a, res->workspace);
	check_env_dir(&a, "USERPROFILE", "", true);
	check_env_dir(&a, "SystemDrive", "\\", true);
	check_env_dir(&a, "ProgramData", "", false);
	check_env_dir(&a, "PUBLIC", "", false);
	check_path_dirs(&a);
	log_msg(policy, PADDOCK_LOG_INFO,
		"Everyone-writable audit: %zu directories checked, %zu found writable%s",
		a.checked, a.found,
		a.skipped ? ", stopped at its time budget" : "");
	free(a.ssh);
	strv_clear(&a.report_only);
	strv_clear(&a.seen);
}
