/* SPDX-License-Identifier: MIT */
/*
 * setupw-probe.exe: drives single steps of the setup's Win32 layer
 * (src/windows/setupw.h) for the Wine smoke tests, which cannot run a
 * whole setup (Wine's netapi32 does not create users). Test-only: built
 * beside paddock.exe, never shipped.
 *
 *   setupw-probe.exe dpapi DIR      encrypt a password into DIR, decrypt it
 *   setupw-probe.exe firewall SID   add, read back and remove a block rule
 *   setupw-probe.exe wfp SID        add paddock's WFP sublayer and filters
 *                                   for SID, check them, remove them
 *   setupw-probe.exe grant DIR SID  add, then remove, the read grant of
 *                                   SID on DIR (for DIR alone, as on the
 *                                   profile) and on DIR\missing, through
 *                                   setup's handle-based code
 *   setupw-probe.exe account NAME   look NAME up as setup does, as a user
 *                                   and as a local group (alias)
 *   setupw-probe.exe helper-line    build the background helper's command
 *                                   line for a non-ASCII install path and
 *                                   split it back with CommandLineToArgvW
 *   setupw-probe.exe password       draw a password, print its length
 *
 * Each step prints "STEP: ok" or "STEP: CODE native N: message", and the
 * exit status is 0 only when every step succeeded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "windows/setupw.h"

#include <shellapi.h>

static int say(const char *step, int r, const struct win_setup_report *rep)
{
	if (r == 0)
		printf("%s: ok\n", step);
	else
		printf("%s: %s native 0x%08lx: %s%s%s\n", step,
		       win_setup_code_name(rep->code), rep->native,
		       rep->message, rep->operand[0] ? ": " : "", rep->operand);
	return r == 0 ? 0 : 1;
}

static int dpapi(const char *dir)
{
	struct win_setup_report rep = { 0 };
	const char *pw = "Probe-password_0123456789abcdefXYZ";
	wchar_t back[128], want[128];
	char path[1024];
	int r;

	snprintf(path, sizeof(path), "%s\\probe.secret", dir);
	r = win_setupw_secret_write(path, pw, &rep);
	if (say("dpapi-encrypt", r, &rep))
		return 1;
	r = win_setupw_secret_read(path, back, 128, &rep);
	if (say("dpapi-decrypt", r, &rep))
		return 1;
	MultiByteToWideChar(CP_UTF8, 0, pw, -1, want, 128);
	printf("dpapi-round-trip: %s\n",
	       wcscmp(back, want) == 0 ? "ok" : "MISMATCH");
	return wcscmp(back, want) != 0;
}

static int firewall(const char *sid)
{
	struct win_setup_report rep = { 0 };
	bool effective = false, ok = false;
	int fails = 0, r;

	r = win_setupw_fw_effective(&effective, &rep);
	fails += say("firewall-policy", r, &rep);
	if (r == 0)
		printf("firewall-local-rules-effective: %s\n",
		       effective ? "yes" : "no");
	r = win_setupw_fw_add("paddock-probe-rule", true, sid, &rep);
	fails += say("firewall-add", r, &rep);
	r = win_setupw_fw_check("paddock-probe-rule", true, sid, &ok, &rep);
	fails += say("firewall-check", r, &rep);
	if (r == 0)
		printf("firewall-rule-present: %s\n", ok ? "yes" : "no");
	r = win_setupw_fw_remove("paddock-probe-rule", &rep);
	fails += say("firewall-remove", r, &rep);
	return fails != 0;
}

static struct win_setup_change wfp_change(enum win_setup_kind kind,
					  const char *name)
{
	struct win_setup_change c = { .kind = kind,
				      .account = WIN_SETUP_OFFLINE };

	snprintf(c.target, sizeof(c.target), "%s", name);
	return c;
}

/* The steps setup and uninstall take, in their order, then what
 * paddock.exe's check sees. */
static int wfp(const char *sid)
{
	struct win_setup_report rep = { 0 };
	struct win_setup_change c;
	bool sublayer = false, filter[WIN_SETUP_FILTER_COUNT];
	char step[96];
	int fails = 0, r;

	c = wfp_change(WIN_SETUP_SUBLAYER_KIND, WIN_SETUP_SUBLAYER);
	fails += say("wfp-add-sublayer", win_setupw_wfp_add(&c, sid, &rep),
		     &rep);
	for (int f = 0; f < WIN_SETUP_FILTER_COUNT; f++) {
		c = wfp_change(WIN_SETUP_FILTER_KIND,
			       win_setup_filters[f].name);
		snprintf(step, sizeof(step), "wfp-add-%s",
			 win_setup_filters[f].tag);
		fails += say(step, win_setupw_wfp_add(&c, sid, &rep), &rep);
	}
	r = win_setupw_wfp_check(sid, &sublayer, filter, &rep);
	fails += say("wfp-check", r, &rep);
	if (r == 0) {
		printf("wfp-sublayer-present: %s\n", sublayer ? "yes" : "no");
		for (int f = 0; f < WIN_SETUP_FILTER_COUNT; f++)
			printf("wfp-%s-present: %s\n", win_setup_filters[f].tag,
			       filter[f] ? "yes" : "no");
	}
	for (int f = WIN_SETUP_FILTER_COUNT - 1; f >= 0; f--) {
		c = wfp_change(WIN_SETUP_FILTER_KIND,
			       win_setup_filters[f].name);
		snprintf(step, sizeof(step), "wfp-remove-%s",
			 win_setup_filters[f].tag);
		fails += say(step, win_setupw_wfp_remove(&c, &rep), &rep);
	}
	c = wfp_change(WIN_SETUP_SUBLAYER_KIND, WIN_SETUP_SUBLAYER);
	fails += say("wfp-remove-sublayer", win_setupw_wfp_remove(&c, &rep),
		     &rep);
	return fails != 0;
}

static int grant_step(const char *step, enum win_setup_op op, const char *path,
		      const char *sid)
{
	struct win_setup_report rep = { 0 };
	struct win_setup_change c = { .kind = WIN_SETUP_READ_GRANT_KIND,
				      .op = op };
	bool skipped = false;
	int r;

	snprintf(c.target, sizeof(c.target), "%s", path);
	r = win_setupw_grant_apply(&c, sid, &skipped, &rep);
	if (r == 0)
		printf("%s: ok%s\n", step, skipped ? " (nothing written)" : "");
	else
		say(step, r, &rep);
	return r != 0;
}

/* A read grant added and removed as the background helper and uninstall
 * do, and a target that vanished since the plan. */
static int grant(const char *dir, const char *sid)
{
	char missing[1024];
	int fails = 0;

	snprintf(missing, sizeof(missing), "%s\\missing", dir);
	fails += grant_step("grant-add", WIN_SETUP_ADD, dir, sid);
	fails += grant_step("grant-remove", WIN_SETUP_REMOVE, dir, sid);
	fails += grant_step("grant-add-missing", WIN_SETUP_ADD, missing, sid);
	fails += grant_step("grant-remove-missing", WIN_SETUP_REMOVE, missing,
			    sid);
	return fails != 0;
}

/* NAME looked up qualified with the computer's name, once for each kind
 * setup asks for. */
static int account(const char *name)
{
	char sid[WIN_SID_STRING_MAX];
	int user = win_setupw_account_sid(name, SidTypeUser, sid, sizeof(sid));

	printf("account-user: %s\n", user == 0 ? sid : "not found");
	printf("account-alias: %s\n",
	       win_setupw_account_sid(name, SidTypeAlias, sid, sizeof(sid)) == 0
		       ? sid
		       : "not found");
	return 0;
}

/* A path with characters outside ASCII and outside any one code page:
 * the helper's command line must carry it unchanged. */
static int helper_line(void)
{
	const wchar_t *exe =
		L"C:\\Pr\u00fcfung \u6e2c\u8a66\\paddock-setup.exe";
	wchar_t *line = NULL, **argv;
	int argc = 0, ok;

	if (win_setupw_helper_line(exe, "50445341", &line) < 0) {
		printf("helper-line: cannot build it\n");
		return 1;
	}
	argv = CommandLineToArgvW(line, &argc);
	ok = argv && argc == 3 && wcscmp(argv[0], exe) == 0 &&
	     wcscmp(argv[1], L"--args") == 0 &&
	     wcscmp(argv[2], L"50445341") == 0;
	printf("helper-line: %s\n", ok ? "ok" : "MISMATCH");
	if (argv)
		LocalFree(argv);
	free(line);
	return !ok;
}

int main(int argc, char **argv)
{
	struct win_setup_report rep = { 0 };
	char pw[WIN_SETUP_PASSWORD_LEN + 1];

	if (argc == 3 && strcmp(argv[1], "dpapi") == 0)
		return dpapi(argv[2]);
	if (argc == 3 && strcmp(argv[1], "firewall") == 0)
		return firewall(argv[2]);
	if (argc == 3 && strcmp(argv[1], "wfp") == 0)
		return wfp(argv[2]);
	if (argc == 3 && strcmp(argv[1], "account") == 0)
		return account(argv[2]);
	if (argc == 2 && strcmp(argv[1], "helper-line") == 0)
		return helper_line();
	if (argc == 4 && strcmp(argv[1], "grant") == 0)
		return grant(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "password") == 0) {
		int r = win_setupw_secret_password(pw, &rep);

		if (say("password", r, &rep) == 0)
			printf("password-length: %zu\n", strlen(pw));
		return r != 0;
	}
	fprintf(stderr,
		"usage: setupw-probe.exe dpapi DIR | firewall SID | wfp SID | grant DIR SID | account NAME | helper-line | password\n");
	return 2;
}
