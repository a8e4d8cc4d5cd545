/* SPDX-License-Identifier: MIT */
/*
 * The seam between the two halves of the elevated mode (issue 5):
 *
 *   setup.c and friends   (paddock-setup.exe, `paddock setup`/`uninstall`)
 *                         write the marker, the users and the secrets;
 *   elevated.c and friends (paddock.exe's run path and paddock-runner.exe)
 *                         read them through the two functions below.
 *
 * elevated_stub.c implements both as "not set up" until the setup half
 * replaces it; nothing else may depend on how the marker or the secrets
 * are stored.
 */
#ifndef PADDOCK_WINDOWS_ELEVATED_H
#define PADDOCK_WINDOWS_ELEVATED_H

#include "windows/win32.h"

enum win_account {
	WIN_ACCOUNT_OFFLINE, /* network off: every outbound packet blocked */
	WIN_ACCOUNT_ONLINE, /* network on */
};

/* What a valid setup provides, read from its marker and checked against
 * the system (the users, the secrets and the firewall rules exist). */
struct win_setup_info {
	unsigned version; /* the marker's format and setup version */
	wchar_t group_sid[192]; /* the sandbox group, S-1-5-21-... */
	wchar_t user[2][64]; /* indexed by enum win_account */
	wchar_t user_sid[2][192];
	bool read_grants_done; /* the background read grants finished */
};

/*
 * 0 when setup is present and valid; otherwise a negative errno with err
 * naming what is missing or stale (-ENOENT: never set up) and a hint.
 */
int win_setup_load(struct win_setup_info *info, struct paddock_error *err);

/* One sandbox account's logon, decrypted from its secret. */
struct win_logon {
	wchar_t user[64];
	wchar_t domain[64]; /* the computer's name: local accounts */
	wchar_t password[128];
};

/*
 * Decrypt the logon of one account. refresh: the caller's logon just failed
 * with ERROR_LOGON_SESSION... (1312) and wants the secret read again from
 * disk rather than any cached copy.
 */
int win_logon_load(enum win_account which, bool refresh, struct win_logon *out,
		   struct paddock_error *err);
/* Wipe a logon (SecureZeroMemory). */
void win_logon_clear(struct win_logon *logon);

#endif
