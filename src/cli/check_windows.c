/* SPDX-License-Identifier: MIT */
/* paddock check on Windows: the mode paddock run would use, and why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <windows.h>

#include "cli.h"
#include "windows/elevated.h"
#include "windows/setupw.h"

/* The elevated mode's setup: valid or not and why, and the last failed
 * setup's report (setup_main.c writes it, a success removes it). -ENOENT
 * when it was never set up. */
static int print_setup(void)
{
	struct paddock_error err = { 0 };
	struct win_setup_info info;
	struct win_setup_report rep;
	int r = win_setup_load(&info, &err);
	bool valid = r == 0;

	if (valid)
		printf("elevated mode (sandbox users, firewall): set up and verified (users %ls and %ls; read grants %s)\n",
		       info.user[0], info.user[1],
		       info.read_grants_done ? "done" : "still running");
	else
		printf("elevated mode (sandbox users, firewall): not usable: %s (run 'paddock setup')\n",
		       err.message ? err.message : "not set up");
	if (win_setupw_read_report(&rep) == 0)
		printf("last setup failed:                    %s: %s%s%s (native error %lu, 0x%08lx)\n",
		       win_setup_code_name(rep.code), rep.message,
		       rep.operand[0] ? ": " : "", rep.operand, rep.native,
		       rep.native);
	return r;
}

/* The version Windows really runs, which GetVersionEx hides from programs
 * without a manifest; RtlGetVersion in ntdll always tells. */
static void print_system(void)
{
	typedef LONG(WINAPI * get_version_fn)(OSVERSIONINFOW *);
	OSVERSIONINFOW v = { .dwOSVersionInfoSize = sizeof(v) };
	HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
	FARPROC proc = ntdll ? GetProcAddress(ntdll, "RtlGetVersion") : NULL;
	get_version_fn get_version;

	if (!proc) {
		printf("paddock %s on Windows (version unknown)\n",
		       PADDOCK_VERSION);
		return;
	}
	/* GetProcAddress returns a generic function pointer by contract. */
	get_version = (get_version_fn)(void (*)(void))proc;
	if (get_version(&v) != 0) {
		printf("paddock %s on Windows (version unknown)\n",
		       PADDOCK_VERSION);
		return;
	}
	printf("paddock %s on Windows %lu.%lu build %lu\n", PADDOCK_VERSION,
	       v.dwMajorVersion, v.dwMinorVersion, v.dwBuildNumber);
}

int cli_check(int argc, char **argv)
{
	struct paddock_probe p;
	int setup;

	(void)argv;
	if (argc > 1) {
		cli_say("check takes no arguments");
		return EXIT_PADDOCK_FAILED;
	}
	paddock_probe(&p);
	print_system();
	printf("caller's token:                       %s\n",
	       p.elevated ? "elevated (administrator)" : "not elevated");
	if (p.restricted_token == ERROR_NOT_SUPPORTED)
		printf("write-restricted token:               unavailable: the system returned a token that kept its privileges (Wine does this: it does not implement restricted tokens)\n");
	else if (p.restricted_token)
		printf("write-restricted token:               unavailable (Windows error %lu)\n",
		       p.restricted_token);
	else
		printf("write-restricted token:               available\n");
	setup = print_setup();
	printf("network: in the elevated mode the offline user's firewall rule and filters block it (proxy mode: all but the proxy's loopback ports); blocking is ADVISORY in the unelevated mode: proxies point at a closed port and ssh/scp are stubbed, but a program with its own socket code still reaches the network, and proxy mode is refused\n");
	printf("not enforced in the unelevated mode: deny-read paths (refused), blocking host sockets\n");
	if (setup < 0 && setup != -ENOENT)
		printf("paddock run: refuses, except with --windows-mode=unelevated or --sandbox full-access: the elevated mode was set up but cannot be trusted now, and the unelevated mode's network block is only advisory (run 'paddock setup' again)\n");
	if (!p.isolation) {
		printf("paddock run: cannot build a write-restricted token here; it refuses to run except with --sandbox full-access, which confines nothing\n");
		return 1;
	}
	if (setup < 0 && setup != -ENOENT)
		return 1;
	if (setup == 0)
		printf("paddock run: uses the elevated mode: the command runs as a sandbox user (offline or online) under a write-restricted token; full access, and --windows-mode=unelevated, use the unelevated mode\n");
	else
		printf("paddock run: uses the unelevated mode: a write-restricted token and ACL entries for capability SIDs confine writes to the writable roots, minus the protected names; no administrator rights are needed ('paddock setup' adds the elevated mode)\n");
	return 0;
}
