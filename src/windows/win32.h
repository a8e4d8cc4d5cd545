/* SPDX-License-Identifier: MIT */
/*
 * The Win32 layer of the Windows backend: what calls Windows. The decisions
 * are made by the pure functions of logic.h; the modules here read what
 * those functions need from the system and carry out what they decide.
 *
 *   win_err_      native error codes into paddock errors;
 *   win_str_      UTF-8 <-> UTF-16;
 *   win_resolve_  the policy's paths, opened once and read back as final
 *                 paths (junctions, symbolic links and 8.3 names resolved);
 *   win_home_     paddock's per-user directory and the files in it;
 *   win_capsid_   the persisted capability SIDs;
 *   win_rtoken_   the write-restricted token, built from token.c's table;
 *   win_gitdirw_  following a ".git" pointer file to the git directories;
 *   win_aclw_     writing acl.c's plan, the placeholders, the audit;
 *   win_execw_    the access checks behind a refused launch's verdict;
 *   win_spawn_    the command's process, its job object and its end.
 *
 * Every function returns 0 or a negative errno and, where it takes a
 * struct paddock_error, fills it with the step, the errno and the native
 * code (GetLastError() read on the line after the failed call).
 */
#ifndef PADDOCK_WINDOWS_WIN32_H
#define PADDOCK_WINDOWS_WIN32_H

#include <windows.h>

#include "core/internal.h"
#include "windows/logic.h"

/* --- errors and strings ---------------------------------------------- */

/* The errno closest to a Win32 error code. */
int win_err_errno(DWORD native);
/* Fill err with step, the translated errno and native; return -errno. */
int win_err_set(struct paddock_error *err, enum paddock_step step, DWORD native,
		const char *operand, const char *message);

/* UTF-8 to a malloc'ed UTF-16 string; -EINVAL for invalid UTF-8. */
int win_str_wide(const char *s, wchar_t **ret);
/* UTF-16 to a malloc'ed UTF-8 string; -EINVAL for unpaired surrogates. */
int win_str_utf8(const wchar_t *s, char **ret);

/* The value of an environment variable of paddock's own, as UTF-8;
 * -ENOENT when unset or empty. */
int win_str_getenv(const char *name, char **ret);

/* --- paths --------------------------------------------------------------- */

/*
 * The final path of an existing file or directory: opened once (without
 * following a reparse point at the last component when nofollow), then
 * read back with GetFinalPathNameByHandleW, brought to the canonical form
 * of win_path_canonical(); *ret_attributes are its attributes. Relative
 * paths are taken from the current directory. On failure *ret_native is
 * the native code (0 for a path the pure logic refused).
 */
int win_resolve_final(const char *path, bool nofollow, char **ret,
		      DWORD *ret_attributes, DWORD *ret_native);

/* A writable root or protected name as the policy resolves to. */
struct win_resolved_name {
	char *name; /* as the policy spells it */
	char *path; /* root\name, canonical */
	bool missing; /* nothing there: reserve it */
	bool placeholder; /* an empty hidden directory a run left: reuse */
	bool is_file; /* exists and is not a directory */
};

struct win_resolved_root {
	char *path; /* canonical final path */
	bool is_workspace;
	struct win_resolved_name *names;
	size_t n_names;
};

/* A git directory a ".git" pointer file names, denied like a protected
 * name wherever it lies. */
struct win_resolved_gitdir {
	char *path; /* canonical final path */
	char *pointer; /* the .git file that named it (or its commondir) */
};

struct win_resolved {
	char *workspace; /* canonical final path, the working directory */
	struct win_resolved_root *roots; /* workspace-write only */
	size_t n_roots;
	struct win_resolved_gitdir *git_dirs;
	size_t n_git_dirs;
};

int win_resolve_policy(const struct paddock_policy *policy,
		       struct win_resolved *ret, struct paddock_error *err);

/* Read the ".git" file at file, at the top of the writable root root, and
 * add the git directory it names, and the worktree's common directory, to
 * res->git_dirs; a pointer that cannot be read or resolved is an error. */
int win_gitdirw_follow(const struct paddock_policy *policy,
		       struct win_resolved *res, const char *root,
		       const char *file, struct paddock_error *err);
void win_resolve_free(struct win_resolved *r);

/* --- paddock's home ------------------------------------------------------ */

/* %PADDOCK_HOME%, else %LOCALAPPDATA%\paddock, created when missing;
 * canonical. */
int win_home_dir(char **ret, struct paddock_error *err);
/* Replace the file at path with data atomically: written to a temporary
 * file beside it, flushed, then moved over it with MoveFileExW
 * (MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH). */
int win_home_write_atomic(const char *path, const char *data, size_t len,
			  struct paddock_error *err);
/* The directory of failing ssh and scp stubs, created or refreshed. */
int win_home_stubs(const char *home, char **ret, struct paddock_error *err);

/* --- capability SIDs, token, ACL entries ---------------------------------- */

/* The capability SID stored under key in home, created and stored when
 * absent; "S-1-5-21-..." in *ret, malloc'ed. */
int win_capsid_get(const char *home, const char *key, char **ret,
		   struct paddock_error *err);

/* A capability-shaped SID made at random for one use, never stored. */
int win_capsid_new(char buf[WIN_SID_STRING_MAX], struct paddock_error *err);

/*
 * The write-restricted token of one of token.c's tables
 * (win_token_unelevated in paddock.exe, win_token_elevated in the runner),
 * built from this process's own primary token: the restricting and
 * deny-only SIDs and the default DACL as the table names them, with
 * launch_sid for a table that names a launch SID (NULL otherwise); the
 * token is checked to hold no privilege but the kept ones.
 * *ret_logon_sid is the logon SID's string, malloc'ed.
 */
int win_rtoken_build(const struct win_token_spec *spec,
		     const char *const *capability_sids, size_t n,
		     const char *launch_sid, HANDLE *ret, char **ret_logon_sid,
		     struct paddock_error *err);

/* The user SID of token, "S-1-5-...", LocalFree'd by the caller. */
int win_rtoken_user_sid(HANDLE token, char **ret, struct paddock_error *err);
/* The user SID of this process's token into buf; -EACCES, -ENOSPC. */
int win_rtoken_own_user_sid(char *buf, size_t size);

/* The logon SID of token, "S-1-5-5-X-Y", LocalFree'd by the caller. */
int win_rtoken_logon_sid(HANDLE token, char **ret, struct paddock_error *err);

/* -EPERM unless token holds only the kept privileges of the table. */
int win_rtoken_check_privileges(HANDLE token, struct paddock_error *err);

/* Write the entries of plan that are not present; placeholders are
 * created first. See aclw.c. */
struct win_sandbox;
int win_aclw_apply(const struct paddock_policy *policy,
		   const struct win_acl_plan *plan, struct win_sandbox *sb,
		   struct paddock_error *err);

/* Remove the placeholders of this run that are still empty and unused. */
void win_aclw_release(const struct paddock_policy *policy,
		      struct win_sandbox *sb);
/* The DACL of a file or directory; LocalFree(*sd) after use. Returns 0 or
 * the native code. */
DWORD win_aclw_get_dacl(const wchar_t *path, ACL **ret,
			PSECURITY_DESCRIPTOR *sd);
/* A DACL's allow and deny entries as the pure logic reads them. */
int win_aclw_read_aces(ACL *dacl, struct win_acl_ace **ret, size_t *ret_n);
void win_aclw_free_aces(struct win_acl_ace *aces, size_t n);
/* Write one entry unless present; 0 or the native code. */
DWORD win_aclw_apply_entry(const wchar_t *path, const struct win_acl_entry *e,
			   bool *ret_written);

/*
 * The Everyone-writable audit: the directories a sandboxed command is
 * likely to reach outside its writable roots (the workspace's children in
 * read-only mode, the profile, the PATH directories, the system drive's
 * root, ProgramData), checked for a grant of write to Everyone or the
 * logon SID within a time budget, and denied to the capability SIDs where
 * the user may change their DACL. Reported at -v; a directory that stays
 * writable from inside is a warning.
 */
void win_audit_run(const struct paddock_policy *policy,
		   const struct win_resolved *res, const char *logon_sid,
		   const char *const *capability_sids, size_t n_caps);

/* --- the command's process ------------------------------------------------ */

/* What CreateProcessW gets, prepared before anything is changed. */
struct win_launch {
	char *program; /* the program found, UTF-8 */
	wchar_t *app; /* the program, or cmd.exe for a batch file */
	wchar_t *line; /* the command line */
	wchar_t *env; /* the environment block */
	wchar_t *cwd; /* the workspace */
};

/*
 * The command's environment (the network-off one when the network is off,
 * with stub_dir first on PATH; proxy mode's, pointing at 127.0.0.1:
 * proxy_port), its program found through that
 * environment's PATH and PATHEXT, its command line and working directory.
 * On failure *ret_not_found tells that the program was not found, which is
 * the command's failure (127), not paddock's.
 */
int win_launch_prepare(const struct paddock_policy *policy,
		       const char *const *argv, const char *cwd,
		       const char *stub_dir, uint16_t proxy_port,
		       struct win_launch *ret, bool *ret_not_found,
		       struct paddock_error *err);
void win_launch_free(struct win_launch *l);
/* The checks exec.c classifies: may the caller, and may token (NULL: the
 * caller's own), execute l->app and enter l->cwd? See execw.c. */
void win_execw_check(const struct win_launch *l, HANDLE token,
		     struct win_exec_checks *ret);
/* Create the process suspended, with token (NULL: paddock's own) and only
 * the standard handles inherited. Returns 0 or the native error code. */
DWORD win_launch_start(const struct win_launch *l, HANDLE token,
		       PROCESS_INFORMATION *ret);
/* The same with std[3] (inheritable handles, or NULL) as the standard
 * handles, on desktop ("winsta0\NAME"), without a console window: the
 * runner's launch. */
DWORD win_launch_start_with(const struct win_launch *l, HANDLE token,
			    HANDLE std[3], const wchar_t *desktop,
			    PROCESS_INFORMATION *ret);
/* A Unicode environment block from "NAME=value" strings; -EINVAL for one
 * that is not valid UTF-8. */
int win_launch_env_block(char **env, wchar_t **ret);

#endif
