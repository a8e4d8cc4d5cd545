/* SPDX-License-Identifier: MIT */
/*
 * The Win32 layer of the elevated mode's setup: what setup.h decides,
 * carried out. Used by paddock-setup.exe (which makes the changes) and by
 * paddock.exe (which checks them in win_setup_load() and decrypts the
 * logons in win_logon_load(), elevated.c).
 *
 *   win_setupw_dir_       the setup directory and its files;
 *   win_setupw_account_   the group, the users, their membership, hiding
 *                         and profiles (netapi32, userenv, the registry);
 *   win_setupw_secret_    passwords, DPAPI;
 *   win_setupw_fw_        the firewall rules (the Windows Firewall COM API);
 *   win_setupw_wfp_       the WFP sublayer and filters (fwpuclnt);
 *   win_setupw_grant_     the read and write grants of the sandbox group.
 *
 * Every function returns 0 or a negative errno and fills the report with
 * a stable code, the native error (GetLastError(), a NET_API_STATUS or an
 * HRESULT) and the object it concerns.
 */
#ifndef PADDOCK_WINDOWS_SETUPW_H
#define PADDOCK_WINDOWS_SETUPW_H

#include "windows/setup.h"
#include "windows/win32.h"

/* Fill r and return -EIO (or -errno when native is a Win32 error). */
int win_setupw_fail(struct win_setup_report *r, enum win_setup_code code,
		    unsigned long native, const char *operand,
		    const char *message);

/* %ProgramData%\paddock, %ProgramData% being the known folder (never the
 * environment's); canonical, not resolved. */
int win_setupw_dir(char **ret);
/* Open the setup directory itself, never what a reparse point there names,
 * with READ_CONTROL, FILE_READ_ATTRIBUTES and access, and check it
 * (win_setup_dir_verdict()). -ENOENT when nothing is there; -EPERM with
 * E_SETUP_DIR (and *ret_verdict) when it is not paddock's; E_SETUP_DIR
 * when it cannot be opened or read. ret may be NULL: checked only. */
int win_setupw_dir_open(const char *setup_dir, DWORD access, HANDLE *ret,
			enum win_setup_object *ret_verdict,
			struct win_setup_report *r);
/* win_setupw_dir_open() without a handle or a report. */
int win_setupw_dir_check(const char *setup_dir,
			 enum win_setup_object *ret_verdict);
/* The last failed setup's report (setup-error), read only from a setup
 * directory that is paddock's. */
int win_setupw_read_report(struct win_setup_report *ret);
/* The command line of the background helper: "EXE" --args HEX, built in
 * wide characters (exe may hold any character a path may). Free it. */
int win_setupw_helper_line(const wchar_t *exe, const char *hex, wchar_t **ret);
/* The contents of setup_dir\name, at most max bytes; -ENOENT when
 * absent, -EFBIG when longer. */
int win_setupw_read(const char *setup_dir, const char *name, size_t max,
		    char **ret, size_t *ret_len);
/* Create setup_dir, owned by Administrators, with a protected DACL: full
 * control for SYSTEM and Administrators, read for owner_sid, every access
 * denied to group_sid (NULL: no group yet). An existing directory is used
 * only if it is paddock's (E_SETUP_DIR otherwise) and gets that DACL
 * again, through the handle that was checked. */
int win_setupw_dir_create(const char *setup_dir, const char *owner_sid,
			  const char *group_sid, struct win_setup_report *r);
/* Delete the files paddock writes there, then the directory. A directory
 * that is not paddock's is only removed if empty (or a link), its contents
 * never touched; E_SETUP_DIR when it stays. */
int win_setupw_dir_remove(const char *setup_dir, struct win_setup_report *r);

/* What of the group and users is there: the accounts, the users'
 * memberships, logon-screen values and profiles (read-only; works
 * unelevated, so the dry run asks it too). */
void win_setupw_account_present(struct win_setup_present *p);
/* The SID of this machine's account name ("S-1-..."), looked up as
 * COMPUTERNAME\name and only if it is of the kind use (SidTypeAlias for
 * a local group, SidTypeUser); -ENOENT otherwise. */
int win_setupw_account_sid(const char *name, SID_NAME_USE use, char *buf,
			   size_t size);
/* The localised name of a well-known SID ("S-1-5-32-545": Users). */
int win_setupw_account_name(const char *sid, wchar_t *buf, DWORD size);
/* Set a user's password (NetUserSetInfo, level 1003). */
int win_setupw_account_password(const char *user, const char *password,
				struct win_setup_report *r);
/* Carry out a GROUP, USER, MEMBER, HIDDEN or PROFILE change; a new user
 * gets password, which the SECRET change replaces. */
int win_setupw_account_apply(const struct win_setup_change *c,
			     const char *password, struct win_setup_report *r);

/* A fresh random password (win_setup_password()). */
int win_setupw_secret_password(char out[WIN_SETUP_PASSWORD_LEN + 1],
			       struct win_setup_report *r);
/* Encrypt password with DPAPI (see setup_secret.c for the scope) and
 * write it to path. */
int win_setupw_secret_write(const char *path, const char *password,
			    struct win_setup_report *r);
/* Read and decrypt; out holds size wide characters. */
int win_setupw_secret_read(const char *path, wchar_t *out, size_t size,
			   struct win_setup_report *r);

/* Add the rule (removing one of the same name first), then read it back
 * and compare. */
int win_setupw_fw_add(const char *name, bool outbound, const char *user_sid,
		      struct win_setup_report *r);
int win_setupw_fw_remove(const char *name, struct win_setup_report *r);
/* Whether the rule exists and reads back as paddock writes it. */
int win_setupw_fw_check(const char *name, bool outbound, const char *user_sid,
			bool *ret_ok, struct win_setup_report *r);
/* Whether local rules take effect on every profile (no Group Policy
 * overrides them). */
int win_setupw_fw_effective(bool *ret_effective, struct win_setup_report *r);

/* Add a SUBLAYER or FILTER change for the offline user user_sid: the
 * sublayer read back, each filter replaced, read back by key and
 * compared inside one transaction (setup_wfp.c). E_WFP on failure. */
int win_setupw_wfp_add(const struct win_setup_change *c, const char *user_sid,
		       struct win_setup_report *r);
/* Remove one; what is already gone succeeds. E_UNINSTALL on failure. */
int win_setupw_wfp_remove(const struct win_setup_change *c,
			  struct win_setup_report *r);
/* Whether paddock's sublayer and each filter (for user_sid) read back as
 * setup adds them: one lookup by key each. */
int win_setupw_wfp_check(const char *user_sid, bool *ret_sublayer,
			 bool ret_filter[WIN_SETUP_FILTER_COUNT],
			 struct win_setup_report *r);

/* Whether Users already reads and executes the tree at path and all of
 * it (win_setup_tree_readable()); false when it cannot be read. Works
 * unelevated, so the dry run asks it too. */
bool win_setupw_tree_readable(const char *path);
/* Apply or remove a WRITE_GRANT or READ_GRANT change for group_sid,
 * through a handle to the target itself; a reparse point there is refused
 * (E_ACL, E_UNINSTALL), a target gone since the plan skipped.
 * *ret_skipped: nothing was written (gone, or an entry there already). */
int win_setupw_grant_apply(const struct win_setup_change *c,
			   const char *group_sid, bool *ret_skipped,
			   struct win_setup_report *r);

#endif
