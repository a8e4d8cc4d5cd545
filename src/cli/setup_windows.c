/* SPDX-License-Identifier: MIT */
/*
 * paddock setup and paddock uninstall on Windows: the arguments of
 * paddock-setup.exe (setup_args.c) built from the caller's own token and
 * profile, the helper started beside paddock.exe (elevated through
 * ShellExecuteEx and "runas" when the caller is not), waited for, and its
 * report turned into one message and a hint.
 *
 * Unlike the rest of the CLI this reaches below the public header, into
 * the setup's own modules: setup is a Windows installation step, not part
 * of the sandbox library's API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "windows/setupw.h"

#include <sddl.h>
#include <shellapi.h>

static int build_args(bool uninstall, bool dry_run, char *hex, size_t size)
{
	static struct win_setup_args a;
	DWORD attributes, native;
	char *home, *profile;
	int r;

	memset(&a, 0, sizeof(a));
	a.action = uninstall ? WIN_SETUP_UNINSTALL : WIN_SETUP_INSTALL;
	a.dry_run = dry_run;
	r = win_rtoken_own_user_sid(a.user_sid, sizeof(a.user_sid));
	if (r < 0) {
		cli_say("cannot read the caller's SID from its token");
		return r;
	}
	if (win_str_getenv("USERPROFILE", &home) < 0) {
		cli_say("cannot find your profile: USERPROFILE is not set");
		return -ENOENT;
	}
	r = win_resolve_final(home, false, &profile, &attributes, &native);
	if (r == 0 && strlen(profile) >= sizeof(a.profile))
		r = -ENAMETOOLONG;
	if (r == 0)
		strcpy(a.profile, profile);
	if (r == 0)
		free(profile);
	if (r < 0)
		cli_say("cannot resolve your profile \"%s\" (Windows error %lu)",
			home, native);
	free(home);
	return r < 0 ? r : win_setup_args_encode(&a, hex, size);
}

/* paddock-setup.exe beside this paddock.exe. */
static int helper_path(wchar_t *out, DWORD size)
{
	DWORD n = GetModuleFileNameW(NULL, out, size);
	wchar_t *slash;

	if (n == 0 || n >= size)
		return -ENAMETOOLONG;
	slash = wcsrchr(out, L'\\');
	if (!slash || (size_t)(slash - out) + 20 >= size)
		return -ENAMETOOLONG;
	wcscpy(slash + 1, L"paddock-setup.exe");
	return GetFileAttributesW(out) == INVALID_FILE_ATTRIBUTES ? -ENOENT : 0;
}

static bool elevated(void)
{
	TOKEN_ELEVATION e = { 0 };
	DWORD len;
	HANDLE token;
	BOOL ok;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return false;
	ok = GetTokenInformation(token, TokenElevation, &e, sizeof(e), &len);
	CloseHandle(token);
	return ok && e.TokenIsElevated;
}

/* Inheritable duplicates of stdout and stderr (distinct handles), which
 * alone the helper inherits: a dry run prints its plan through them. */
static DWORD run_direct(wchar_t *exe, wchar_t *line, DWORD *ret_code)
{
	STARTUPINFOEXW si = { .StartupInfo.cb = sizeof(si) };
	HANDLE self = GetCurrentProcess(), out[2] = { NULL, NULL };
	PROCESS_INFORMATION pi;
	SIZE_T size = 0;
	DWORD native = 0;

	for (int i = 0; i < 2 && !native; i++)
		if (!DuplicateHandle(self,
				     GetStdHandle(i ? STD_ERROR_HANDLE
						    : STD_OUTPUT_HANDLE),
				     self, &out[i], 0, TRUE,
				     DUPLICATE_SAME_ACCESS))
			native = GetLastError();
	InitializeProcThreadAttributeList(NULL, 1, 0, &size);
	si.lpAttributeList = native ? NULL : malloc(size);
	if (!native &&
	    (!si.lpAttributeList ||
	     !InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0,
						&size) ||
	     !UpdateProcThreadAttribute(si.lpAttributeList, 0,
					PROC_THREAD_ATTRIBUTE_HANDLE_LIST, out,
					sizeof(out), NULL, NULL)))
		native = si.lpAttributeList ? GetLastError()
					    : ERROR_NOT_ENOUGH_MEMORY;
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = NULL;
	si.StartupInfo.hStdOutput = out[0];
	si.StartupInfo.hStdError = out[1];
	if (!native && !CreateProcessW(exe, line, NULL, NULL, TRUE,
				       EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
				       &si.StartupInfo, &pi))
		native = GetLastError();
	if (!native) {
		WaitForSingleObject(pi.hProcess, INFINITE);
		GetExitCodeProcess(pi.hProcess, ret_code);
		CloseHandle(pi.hThread);
		CloseHandle(pi.hProcess);
	}
	if (si.lpAttributeList)
		DeleteProcThreadAttributeList(si.lpAttributeList);
	free(si.lpAttributeList);
	for (int i = 0; i < 2; i++)
		if (out[i])
			CloseHandle(out[i]);
	return native;
}

/* Through UAC: the helper gets a console of its own, so what it has to
 * say comes back through its exit status and report file. */
static DWORD run_elevated(const wchar_t *exe, const wchar_t *params,
			  DWORD *ret_code)
{
	SHELLEXECUTEINFOW sei = {
		.cbSize = sizeof(sei),
		.fMask = SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC |
			 SEE_MASK_FLAG_NO_UI,
		.lpVerb = L"runas",
		.lpFile = exe,
		.lpParameters = params,
		.nShow = SW_HIDE,
	};

	if (!ShellExecuteExW(&sei))
		return GetLastError();
	if (!sei.hProcess)
		return ERROR_INVALID_HANDLE;
	WaitForSingleObject(sei.hProcess, INFINITE);
	GetExitCodeProcess(sei.hProcess, ret_code);
	CloseHandle(sei.hProcess);
	return 0;
}

static const char *hint_for(enum win_setup_code code)
{
	switch (code) {
	case WIN_SETUP_E_NOT_ADMIN:
		return "run paddock setup as a user who may become administrator, and accept the UAC prompt";
	case WIN_SETUP_E_FIREWALL_POLICY:
		return "turn Windows Firewall on for every profile, or have Group Policy allow local firewall rules; until then the network block cannot be enforced";
	case WIN_SETUP_E_FIREWALL:
		return "check that the Windows Firewall service (mpssvc) is running, then run paddock setup again";
	case WIN_SETUP_E_WFP:
		return "check that the Base Filtering Engine service (BFE) is running, then run paddock setup again; without its filters the offline user could reach services on loopback";
	case WIN_SETUP_E_USER:
		return "this machine may forbid local accounts (a domain policy); paddock keeps using the unelevated mode";
	case WIN_SETUP_E_SETUP_DIR:
		return "someone else's %ProgramData%\\paddock (or a junction there) is never used: check what it holds, delete it from an elevated prompt (rmdir /s), then run paddock setup again";
	case WIN_SETUP_E_ARGS:
		return "run the paddock-setup.exe that came with this paddock.exe, through paddock setup";
	default:
		return "paddock check shows the setup's state; paddock uninstall removes what a partial setup made";
	}
}

/* The helper's failure, from its report when there is one. */
static void report(const char *what, DWORD code)
{
	enum win_setup_code c = (enum win_setup_code)code;
	struct win_setup_report rep = { 0 };

	/* A report of another failure (an older one) is not this one's. */
	if (win_setupw_read_report(&rep) == 0 && rep.code == c)
		cli_say("%s failed: %s%s%s (%s, native error %lu, 0x%08lx)",
			what, rep.message, rep.operand[0] ? ": " : "",
			rep.operand, win_setup_code_name(rep.code), rep.native,
			rep.native);
	else
		cli_say("%s failed with %s (exit status %lu of paddock-setup.exe)",
			what, win_setup_code_name(c), code);
	fprintf(stderr, "hint: %s\n", hint_for(c));
}

static int start(const char *what, wchar_t *exe, const char *hex, bool direct,
		 DWORD *ret_code)
{
	wchar_t *params, *line;
	char *text;
	DWORD native;

	if (asprintf(&text, "--args %s", hex) < 0)
		return -ENOMEM;
	if (win_str_wide(text, &params) < 0) {
		free(text);
		return -ENOMEM;
	}
	free(text);
	if (direct) {
		line = malloc((wcslen(exe) + wcslen(params) + 4) *
			      sizeof(*line));
		if (!line) {
			free(params);
			return -ENOMEM;
		}
		swprintf(line, wcslen(exe) + wcslen(params) + 4, L"\"%ls\" %ls",
			 exe, params);
		native = run_direct(exe, line, ret_code);
		free(line);
	} else {
		native = run_elevated(exe, params, ret_code);
	}
	free(params);
	if (native == ERROR_CANCELLED) {
		cli_say("%s was not started: the administrator prompt (UAC) was declined",
			what);
		fputs("hint: run it again and accept the prompt; until then paddock uses the unelevated mode, whose network block is only advisory\n",
		      stderr);
		return -ECANCELED;
	}
	if (native) {
		cli_say("cannot start paddock-setup.exe (Windows error %lu)",
			native);
		return -EIO;
	}
	return 0;
}

int cli_setup(int argc, char **argv)
{
	bool uninstall = strcmp(argv[0], "uninstall") == 0, dry_run = false;
	static char hex[2 * WIN_SETUP_ARGS_MAX + 1];
	wchar_t exe[MAX_PATH];
	DWORD code = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") != 0) {
			cli_say("%s: unknown option '%s'", argv[0], argv[i]);
			fprintf(stderr, "hint: paddock %s [--dry-run]\n",
				argv[0]);
			return EXIT_PADDOCK_FAILED;
		}
		dry_run = true;
	}
	if (helper_path(exe, MAX_PATH) < 0) {
		cli_say("cannot find paddock-setup.exe beside paddock.exe");
		fputs("hint: keep paddock-setup.exe in the directory of paddock.exe\n",
		      stderr);
		return EXIT_PADDOCK_FAILED;
	}
	if (build_args(uninstall, dry_run, hex, sizeof(hex)) < 0)
		return EXIT_PADDOCK_FAILED;
	/* A dry run changes nothing and needs no elevation. */
	if (start(argv[0], exe, hex, dry_run || elevated(), &code) < 0)
		return EXIT_PADDOCK_FAILED;
	if (code) {
		report(argv[0], code);
		return EXIT_PADDOCK_FAILED;
	}
	if (!dry_run)
		printf(uninstall
			       ? "paddock: uninstall done: every change of paddock setup is removed\n"
			       : "paddock: setup done; the read grants continue in the background (paddock check says when they are finished)\n");
	return 0;
}
