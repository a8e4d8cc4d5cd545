/* SPDX-License-Identifier: MIT */
/*
 * The elevated mode's run path in paddock.exe: which mode a run uses, the
 * run-time read grants, and the runner (runner.c) started as a sandbox
 * user, told what to run over the channel (channel.c), and relayed.
 *
 * The hops, and what each failure means:
 *   1. CreateProcessWithLogonW starts paddock-runner.exe as the offline
 *      user (network off: the firewall rule setup installed blocks its
 *      every outbound packet) or the online user. 1312, a logon session
 *      that vanished: the logon is read again from its secret and the
 *      launch retried once. 1385, the "log on locally" right removed by
 *      policy: a message and a hint, no retry. 5, access denied: the
 *      sandbox user may not read the runner's file (grant_runner()
 *      opens it up where the user owns the way to it); a message and a
 *      hint.
 *   2. The runner connects to the two pipes; its process id must be the
 *      one CreateProcessWithLogonW returned, else the run is refused.
 *   3. The spawn request; the runner answers READY or an error frame. An
 *      error frame of the LOGON_SESSION stage (1312 at the runner's own
 *      CreateProcessAsUserW) is retried once too, with the identical
 *      request, before any input was read or output written.
 *   4. The relay until the exit or error frame.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/channel.h"
#include "windows/elevated.h"
#include "windows/sandbox.h"

#include <aclapi.h>

/* How long the runner may take to start and connect: a first logon of a
 * sandbox user creates its profile, which takes seconds. */
#define ACCEPT_MS 60000
/* How long past the timeout the runner may take to report it before
 * paddock ends the runner itself. */
#define WATCHDOG_GRACE_MS 10000
/* How long after a signal the runner may take to end, the terminate
 * frame's sending included, before paddock ends it itself: the runner
 * ends the tree at once and drains what is left, which takes
 * milliseconds. */
#define TERMINATE_GRACE_MS 2000

struct win_elevated {
	const struct paddock_policy *policy;
	enum win_account account;
	wchar_t runner_path[MAX_PATH]; /* final, as started */
	char *runner_utf8; /* the same, for the grants and messages */
	struct win_frame request; /* resent as it is on a retry */
	char *strings[3]; /* application, command line, cwd */
	char **env;
	size_t n_env;
	struct win_channel ch;
	struct win_relay relay;
	struct win_relay_end end;
	HANDLE runner;
	HANDLE watchdog; /* watch_runner() */
	HANDLE terminate; /* an event: a signal asked for the end */
	volatile LONG runner_killed; /* at the timeout, by the watchdog */
	volatile LONG signal;
	unsigned attempt;
	bool relay_kept; /* win_relay_finish() could not stop its thread */
};

static enum win_elev_request request_of(enum paddock_windows_mode mode)
{
	if (mode == PADDOCK_WINDOWS_MODE_ELEVATED)
		return WIN_ELEV_FORCE_ELEVATED;
	if (mode == PADDOCK_WINDOWS_MODE_UNELEVATED)
		return WIN_ELEV_FORCE_UNELEVATED;
	return WIN_ELEV_AUTO;
}

int win_elevated_choose(const struct paddock_policy *policy,
			struct win_setup_info *info, bool *ret_elevated,
			struct paddock_error *err)
{
	struct paddock_error setup_err = { 0 };
	bool full = policy->mode == PADDOCK_MODE_FULL_ACCESS;
	enum win_elev_setup setup = WIN_ELEV_SETUP_ABSENT;
	bool valid;
	int r;

	if (policy->windows_mode != PADDOCK_WINDOWS_MODE_UNELEVATED) {
		r = win_setup_load(info, &setup_err);
		setup = r == 0	       ? WIN_ELEV_SETUP_VALID
			: r == -ENOENT ? WIN_ELEV_SETUP_ABSENT
				       : WIN_ELEV_SETUP_BROKEN;
	}
	valid = setup == WIN_ELEV_SETUP_VALID;
	switch (win_elev_choose(request_of(policy->windows_mode), setup,
				full)) {
	case WIN_ELEV_USE_ELEVATED:
		log_msg(policy, PADDOCK_LOG_INFO,
			"elevated mode: setup version %u found; the command runs as the sandbox user %ls",
			info->version,
			info->user[policy->network == PADDOCK_NETWORK_ON
					   ? WIN_ACCOUNT_ONLINE
					   : WIN_ACCOUNT_OFFLINE]);
		*ret_elevated = true;
		return 0;
	case WIN_ELEV_USE_UNELEVATED:
		if (policy->windows_mode == PADDOCK_WINDOWS_MODE_UNELEVATED)
			log_msg(policy, PADDOCK_LOG_INFO,
				"unelevated mode: --windows-mode=unelevated");
		else if (full && valid)
			log_msg(policy, PADDOCK_LOG_INFO,
				"unelevated mode: full access means your own rights, which a sandbox user does not have");
		else
			log_msg(policy, PADDOCK_LOG_INFO,
				"unelevated mode: the elevated mode is not available (%s); 'paddock setup' sets it up",
				setup_err.message ? setup_err.message
						  : "setup not found");
		*ret_elevated = false;
		return 0;
	case WIN_ELEV_REFUSE:
		break;
	}
	if (full)
		return error_set(
			err, PADDOCK_STEP_SETUP, EINVAL,
			"--windows-mode=elevated",
			"full access means your own rights, which the elevated mode's sandbox user does not have");
	if (setup == WIN_ELEV_SETUP_BROKEN &&
	    policy->windows_mode == PADDOCK_WINDOWS_MODE_AUTO)
		log_msg(policy, PADDOCK_LOG_INFO,
			"the elevated mode was set up but cannot be trusted now: refusing rather than falling back to the unelevated mode, whose network block is only advisory");
	if (err)
		*err = setup_err;
	return -(setup_err.code ? setup_err.code : ENOENT);
}

/* --- run-time read grants ------------------------------------------------ */

static bool owned_by_caller(const wchar_t *path, PSID user)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	PSID owner = NULL;
	bool mine;

	if (GetNamedSecurityInfoW(path, SE_FILE_OBJECT,
				  OWNER_SECURITY_INFORMATION, &owner, NULL,
				  NULL, NULL, &sd) != ERROR_SUCCESS)
		return false;
	mine = owner && EqualSid(owner, user);
	LocalFree(sd);
	return mine;
}

/*
 * One entry of a run-time grant, written where the user owns the object
 * and the entry is not there yet; rights names it in the messages,
 * consequence says what fails without it.
 */
static void grant_one(const struct paddock_policy *policy,
		      const struct win_setup_info *info,
		      const struct win_acl_entry *e, PSID user,
		      const char *rights, const char *consequence)
{
	wchar_t *wide;
	bool written = false;
	DWORD native;

	if (win_str_wide(e->path, &wide) < 0)
		return;
	/* What the user does not own is not the user's to open up; such
	 * directories (C:\Users) are readable by the Users group. */
	if (!owned_by_caller(wide, user)) {
		log_msg(policy, PADDOCK_LOG_DEBUG,
			"not granting the sandbox group %s on %s: not yours",
			rights, e->path);
		free(wide);
		return;
	}
	native = win_aclw_apply_entry(wide, e, &written);
	free(wide);
	if (native)
		log_msg(policy, PADDOCK_LOG_WARNING,
			"cannot grant the sandbox group %s on %s (Windows error %lu); %s",
			rights, e->path, native, consequence);
	else if (written && !info->read_grants_done)
		log_msg(policy, PADDOCK_LOG_INFO,
			"granted the sandbox group %s on %s now: the background read grants are not done yet",
			rights, e->path);
}

/* The caller's own user SID, inside *buf; NULL when it cannot be read. */
union token_user {
	TOKEN_USER user;
	uint8_t bytes[256];
};

static PSID caller_sid(union token_user *buf)
{
	HANDLE self;
	DWORD n;
	BOOL ok = FALSE;

	if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &self)) {
		ok = GetTokenInformation(self, TokenUser, buf, sizeof(*buf),
					 &n);
		CloseHandle(self);
	}
	return ok ? buf->user.User.Sid : NULL;
}

void win_elevated_grant_cwd(const struct paddock_policy *policy,
			    const struct win_setup_info *info,
			    const char *group_sid, const char *cwd)
{
	struct win_acl_plan plan;
	union token_user buf;
	PSID user;

	if (win_acl_plan_traverse(cwd, group_sid, &plan) < 0)
		return;
	user = caller_sid(&buf);
	for (size_t i = 0; user && i < plan.len; i++)
		grant_one(
			policy, info, &plan.entries[i], user,
			"read and traverse",
			"a program that reads its working directory's parents, such as PowerShell, may fail");
	win_acl_plan_free(&plan);
}

/*
 * CreateProcessWithLogonW opens paddock-runner.exe as the sandbox user.
 * Where paddock lies in the real user's profile (a clone, %LOCALAPPDATA%,
 * scoop), nothing lets that user read it until the background read
 * grants reach it, and those must not delay the first command; nor do
 * they cover what was created in the profile after setup. So before each
 * start the group gets read and execute on the runner itself and traverse
 * on the directories above it, where the user owns them: the one file,
 * not the tree it lies in. Failures are warnings; the launch then fails
 * with its own message and hint.
 */
static void grant_runner(struct win_elevated *el,
			 const struct win_setup_info *info)
{
	struct win_acl_plan plan;
	union token_user buf;
	char *group;
	PSID user;

	if (win_str_utf8(info->group_sid, &group) < 0)
		return;
	if (win_acl_plan_executable(el->runner_utf8, group, &plan) == 0) {
		user = caller_sid(&buf);
		for (size_t i = 0; user && i < plan.len; i++)
			grant_one(
				el->policy, info, &plan.entries[i], user,
				i == 0 ? "read and execute" : "traverse",
				"the sandbox user may be unable to start paddock-runner.exe");
		win_acl_plan_free(&plan);
	}
	free(group);
}

/* --- the request ---------------------------------------------------------- */

/* The environment block back into "NAME=value" strings. */
static int env_strings(const wchar_t *block, struct win_elevated *el)
{
	size_t n = 0;

	for (const wchar_t *p = block; *p; p += wcslen(p) + 1)
		n++;
	if (n > WIN_FRAME_MAX_ENV)
		return -E2BIG;
	el->env = calloc(n + 1, sizeof(*el->env));
	if (!el->env)
		return -ENOMEM;
	for (const wchar_t *p = block; *p; p += wcslen(p) + 1) {
		int r = win_str_utf8(p, &el->env[el->n_env]);

		if (r < 0)
			return r;
		el->n_env++;
	}
	return 0;
}

static int build_request(struct win_elevated *el, const struct win_launch *l,
			 const char *const *caps, size_t n_caps,
			 bool stdin_open)
{
	int r = win_str_utf8(l->app, &el->strings[0]);

	if (r == 0)
		r = win_str_utf8(l->line, &el->strings[1]);
	if (r == 0)
		r = win_str_utf8(l->cwd, &el->strings[2]);
	if (r == 0)
		r = env_strings(l->env, el);
	if (r < 0)
		return r;
	el->request = (struct win_frame){
		.type = WIN_FRAME_SPAWN,
		.spawn = {
			/* Never WIN_FRAME_SPAWN_UNRESTRICTED: full access
			 * does not reach the elevated mode. */
			.flags = WIN_FRAME_SPAWN_DESKTOP |
				 (stdin_open ? WIN_FRAME_SPAWN_STDIN : 0),
			/* Bounded so that the watchdog's wait, the
			 * timeout plus its grace, stays finite. */
			.timeout_ms = el->policy->timeout_ms >
						      UINT32_MAX - 2 * WATCHDOG_GRACE_MS
					      ? UINT32_MAX - 2 * WATCHDOG_GRACE_MS
					      : (uint32_t)el->policy->timeout_ms,
			.application = el->strings[0],
			.command_line = el->strings[1],
			.cwd = el->strings[2],
			.env = (const char **)el->env,
			.n_env = el->n_env,
			.capability_sids = (const char **)caps,
			.n_caps = n_caps,
		},
	};
	return 0;
}

/* --- the runner ------------------------------------------------------------ */

/*
 * paddock-runner.exe beside paddock.exe, resolved once to its final path
 * (links followed), which is both granted to the sandbox group and
 * started: what is granted is what runs.
 */
static int runner_path(struct win_elevated *el, struct paddock_error *err)
{
	wchar_t self[MAX_PATH], *slash, *wide = NULL;
	DWORD n = GetModuleFileNameW(NULL, self, MAX_PATH), attributes;
	DWORD native = 0;
	char *beside = NULL;
	int r;

	if (n == 0 || n >= MAX_PATH)
		return win_err_set(err, PADDOCK_STEP_RUNNER, GetLastError(),
				   NULL, "cannot find paddock.exe's directory");
	slash = wcsrchr(self, L'\\');
	if (!slash || (size_t)(slash - self) + 20 >= MAX_PATH)
		return error_set(err, PADDOCK_STEP_RUNNER, ENAMETOOLONG, NULL,
				 "paddock.exe's path is too long");
	wcscpy(slash + 1, L"paddock-runner.exe");
	r = win_str_utf8(self, &beside);
	if (r == 0)
		r = win_resolve_final(beside, false, &el->runner_utf8,
				      &attributes, &native);
	if (r < 0) {
		r = win_err_set(
			err, PADDOCK_STEP_RUNNER, native, beside,
			"cannot find paddock-runner.exe beside paddock.exe");
		free(beside);
		return r;
	}
	free(beside);
	r = win_str_wide(el->runner_utf8, &wide);
	if (r == 0 && wcslen(wide) >= MAX_PATH)
		r = -ENAMETOOLONG;
	if (r == 0)
		wcscpy(el->runner_path, wide);
	free(wide);
	return r < 0 ? error_set(err, PADDOCK_STEP_RUNNER, -r, el->runner_utf8,
				 "paddock-runner.exe's path cannot be used")
		     : 0;
}

/* CreateProcessWithLogonW; 0 or the native code. */
static DWORD logon_start(struct win_elevated *el, const struct win_logon *lg,
			 PROCESS_INFORMATION *pi)
{
	/* CreateProcessWithLogonW always acts as if CREATE_NEW_CONSOLE,
	 * CREATE_NEW_PROCESS_GROUP and CREATE_DEFAULT_ERROR_MODE were set,
	 * and CREATE_NO_WINDOW means nothing with a new console: the
	 * runner's console would be a window on the user's screen for the
	 * whole run. SW_HIDE is what keeps the new console's window hidden.
	 * The error mode is not inherited either (the default one is
	 * given): the runner sets its own first thing. */
	STARTUPINFOW si = {
		.cb = sizeof(si),
		.dwFlags = STARTF_USESHOWWINDOW,
		.wShowWindow = SW_HIDE,
	};
	wchar_t line[MAX_PATH + 2 * WIN_CHANNEL_NAME_MAX + 8], dir[MAX_PATH];
	UINT n = GetSystemDirectoryW(dir, MAX_PATH);

	if (n == 0 || n >= MAX_PATH)
		return GetLastError();
	swprintf(line, sizeof(line) / sizeof(line[0]), L"\"%ls\" %hs %hs",
		 el->runner_path, el->ch.names[0], el->ch.names[1]);
	/* The runner starts in the system directory: the sandbox user may
	 * not read the caller's current one. */
	if (!CreateProcessWithLogonW(lg->user, lg->domain, lg->password,
				     LOGON_WITH_PROFILE, el->runner_path, line,
				     CREATE_UNICODE_ENVIRONMENT, NULL, dir, &si,
				     pi))
		return GetLastError();
	return 0;
}

static int logon_failed(const struct win_elevated *el, DWORD native,
			struct paddock_error *err)
{
	/* The secondary logon service opens the image as the sandbox user:
	 * an access refusal here is that user's, on the runner's file or a
	 * directory above it that grant_runner() could not open up. */
	if (native == ERROR_ACCESS_DENIED)
		return win_err_set(
			err, PADDOCK_STEP_RUNNER, native, el->runner_utf8,
			"the sandbox users cannot read paddock-runner.exe where it lies");
	if (native == WIN_ELEV_LOGON_RIGHT_MISSING)
		return win_err_set(
			err, PADDOCK_STEP_RUNNER, native, NULL,
			"the sandbox user may not log on here: the \"log on locally\" right was removed by policy");
	if (native == WIN_ELEV_LOGON_SESSION_GONE)
		return win_err_set(
			err, PADDOCK_STEP_RUNNER, native, NULL,
			"the sandbox user's logon session vanished twice, after a refresh of its credentials");
	return win_err_set(
		err, PADDOCK_STEP_RUNNER, native, NULL,
		"cannot start paddock-runner.exe as the sandbox user");
}

/* One attempt: pipes, runner, accept, request, and the first answer. */
static int attempt(struct win_elevated *el, const struct win_setup_info *info,
		   DWORD *ret_logon_native, struct paddock_error *err)
{
	struct win_logon lg;
	PROCESS_INFORMATION pi;
	DWORD native;
	int r;

	*ret_logon_native = 0;
	r = win_channel_create(info->user_sid[el->account], &el->ch, err);
	if (r == 0)
		r = win_logon_load(el->account, el->attempt > 0, &lg, err);
	if (r < 0)
		return r;
	native = logon_start(el, &lg, &pi);
	win_logon_clear(&lg);
	if (native) {
		*ret_logon_native = native;
		return logon_failed(el, native, err);
	}
	CloseHandle(pi.hThread);
	el->runner = pi.hProcess;
	r = win_channel_accept(&el->ch, pi.hProcess, pi.dwProcessId, ACCEPT_MS,
			       err);
	if (r == 0)
		r = win_channel_send(&el->ch, WIN_FRAME_TO_RUNNER, &el->request,
				     err);
	if (r == 0 && win_relay_run(&el->relay, true, &el->end) &&
	    !el->end.is_error)
		r = error_set(err, PADDOCK_STEP_RUNNER, EPROTO, NULL,
			      "the runner reported an exit before the start");
	return r;
}

static void close_attempt(struct win_elevated *el)
{
	bool relay_done = win_relay_finish(&el->relay);

	if (el->runner) {
		/* A runner that connected to someone else's pipe, or never
		 * answered, must not go on as the sandbox user. */
		TerminateProcess(el->runner, 125);
		if (el->watchdog) {
			WaitForSingleObject(el->watchdog, INFINITE);
			CloseHandle(el->watchdog);
			el->watchdog = NULL;
		}
		CloseHandle(el->runner);
		el->runner = NULL;
	}
	if (relay_done)
		win_channel_close(&el->ch);
	else
		el->relay_kept = true;
}

/*
 * The watchdog, for the two ends paddock enforces itself when the runner
 * does not: past the timeout and a grace period, and within
 * TERMINATE_GRACE_MS of a signal (win_relay_end_runner(), whose send
 * never waits on the channel's write lock: the stdin thread may hold it,
 * blocked on a runner that stopped reading). Ending the runner closes
 * its job, whose kill-on-close limit kills the tree, and breaks the pipe,
 * which ends the relay. win_elevated_signal() runs on a console control
 * handler's thread and so only sets the event; the sending and the
 * waiting happen here.
 */
static DWORD WINAPI watch_runner(void *arg)
{
	struct win_elevated *el = arg;
	HANDLE ends[2] = { el->runner, el->terminate };
	DWORD timeout = el->request.spawn.timeout_ms;
	DWORD w = WaitForMultipleObjects(2, ends, FALSE,
					 timeout ? timeout + WATCHDOG_GRACE_MS
						 : INFINITE);

	if (w == WAIT_TIMEOUT) {
		InterlockedExchange(&el->runner_killed, 1);
		TerminateProcess(el->runner, 124);
		return 0;
	}
	if (w != WAIT_OBJECT_0 + 1)
		return 0;
	switch (win_relay_end_runner(&el->relay, el->runner,
				     TERMINATE_GRACE_MS)) {
	case WIN_RELAY_KILLED:
		log_msg(el->policy, PADDOCK_LOG_INFO,
			"the runner did not end within %u ms of the terminate request; ended it, and with its job the command's tree",
			TERMINATE_GRACE_MS);
		break;
	case WIN_RELAY_KILLED_UNSENT:
		log_msg(el->policy, PADDOCK_LOG_INFO,
			"the runner's pipe took no terminate request within %u ms; ended the runner, and with its job the command's tree",
			TERMINATE_GRACE_MS);
		break;
	case WIN_RELAY_ENDED:
		break;
	}
	return 0;
}

static bool should_retry(struct win_elevated *el, int r, DWORD logon_native)
{
	if (r < 0 && logon_native)
		return win_elev_should_retry(WIN_ELEV_HOP_LOGON, 0,
					     logon_native, el->attempt);
	return r == 0 && el->end.is_error && !el->end.ready &&
	       win_elev_should_retry(WIN_ELEV_HOP_RUNNER, el->end.stage,
				     el->end.native, el->attempt);
}

static int start(struct win_elevated *el, const struct win_setup_info *info,
		 struct paddock_error *err)
{
	DWORD logon_native;
	int r;

	for (;;) {
		el->end = (struct win_relay_end){ 0 };
		r = attempt(el, info, &logon_native, err);
		if (!should_retry(el, r, logon_native))
			return r;
		log_msg(el->policy, PADDOCK_LOG_INFO,
			"the sandbox user's logon session vanished (Windows error 1312); reading its credentials again and retrying once");
		close_attempt(el);
		el->attempt++;
	}
}

static void elevated_free(struct win_elevated *el)
{
	close_attempt(el);
	if (el->terminate)
		CloseHandle(el->terminate);
	free(el->runner_utf8);
	free(el->strings[0]);
	free(el->strings[1]);
	free(el->strings[2]);
	for (size_t i = 0; i < el->n_env; i++)
		free(el->env[i]);
	free(el->env);
	/* A stdin thread that could not be stopped still uses the relay and
	 * the channel inside el: el is left to it, a leak rather than a use
	 * after free. */
	if (el->relay_kept) {
		log_msg(el->policy, PADDOCK_LOG_DEBUG,
			"the stdin relay did not stop; its state is left allocated");
		return;
	}
	free(el);
}

int win_elevated_start(const struct paddock_policy *policy,
		       const struct win_setup_info *info,
		       const struct win_launch *l, const char *const *caps,
		       size_t n_caps, struct win_elevated **ret,
		       struct paddock_error *err)
{
	struct win_elevated *el = calloc(1, sizeof(*el));
	HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
	int r;

	if (!el)
		return -ENOMEM;
	el->policy = policy;
	/* Proxy mode runs as the offline user too: its filters leave only
	 * the proxy's loopback ports open. */
	el->account = policy->network == PADDOCK_NETWORK_ON
			      ? WIN_ACCOUNT_ONLINE
			      : WIN_ACCOUNT_OFFLINE;
	if (in == INVALID_HANDLE_VALUE)
		in = NULL;
	el->relay = (struct win_relay){
		.ch = &el->ch,
		.in = in,
		.out = GetStdHandle(STD_OUTPUT_HANDLE),
		.err = GetStdHandle(STD_ERROR_HANDLE),
	};
	r = runner_path(el, err);
	if (r == 0)
		grant_runner(el, info);
	if (r == 0 && build_request(el, l, caps, n_caps, in != NULL) < 0)
		r = error_set(err, PADDOCK_STEP_RUNNER, EINVAL, NULL,
			      "the command cannot be put in a spawn request");
	el->terminate = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (r == 0 && !el->terminate)
		r = win_err_set(err, PADDOCK_STEP_RUNNER, GetLastError(), NULL,
				"cannot create the runner's terminate event");
	if (r == 0)
		r = start(el, info, err);
	/* Without the watchdog neither a signal nor a runner that outlives
	 * the timeout could end the run: no watchdog, no run. */
	if (r == 0 && !el->end.is_error) {
		el->watchdog = CreateThread(NULL, 0, watch_runner, el, 0, NULL);
		if (!el->watchdog)
			r = win_err_set(
				err, PADDOCK_STEP_RUNNER, GetLastError(), NULL,
				"cannot start the thread that watches the runner");
	}
	if (r < 0) {
		elevated_free(el);
		return r;
	}
	*ret = el;
	return 0;
}

/* The static message of an error frame's stage; the runner's own text
 * goes in the operand. */
static const char *stage_message(enum win_frame_stage stage)
{
	switch (stage) {
	case WIN_FRAME_STAGE_TOKEN:
		return "the runner could not build the restricted token";
	case WIN_FRAME_STAGE_DESKTOP:
		return "the runner could not create the private desktop";
	case WIN_FRAME_STAGE_JOB:
		return "the runner could not hold the command in a job object";
	case WIN_FRAME_STAGE_LAUNCH:
		return "the runner could not start the command (may the sandbox user read it and its working directory?)";
	case WIN_FRAME_STAGE_LOGON_SESSION:
		return "the sandbox user's logon session vanished twice, after a refresh of its credentials";
	default:
		return "the runner failed";
	}
}

int win_elevated_wait(struct win_elevated *el, struct paddock_result *ret)
{
	struct win_relay_end *end = &el->end;
	struct win_elev_end facts;
	LONG sig;

	if (!end->is_error)
		win_relay_run(&el->relay, false, end);
	/* Read after the relay ended: a signal that ended the runner is
	 * then known, and its death is the signal's, not a failure. */
	sig = InterlockedCompareExchange(&el->signal, 0, 0);
	facts = (struct win_elev_end){
		.error = end->is_error,
		.stage = end->stage,
		.timed_out = end->timed_out,
		.killed_at_timeout =
			InterlockedCompareExchange(&el->runner_killed, 0, 0),
		.signaled = sig != 0,
	};
	*ret = (struct paddock_result){ .outcome = PADDOCK_EXITED };
	switch (win_elev_outcome(&facts)) {
	case WIN_ELEV_EXEC_FAILED:
		ret->outcome = PADDOCK_EXEC_FAILED;
		ret->status = end->stage == WIN_FRAME_STAGE_NOT_FOUND ? ENOENT
								      : ENOEXEC;
		error_set(&ret->error, PADDOCK_STEP_SPAWN, ret->status,
			  end->message, NULL);
		break;
	case WIN_ELEV_TIMED_OUT:
		ret->outcome = PADDOCK_TIMED_OUT;
		break;
	case WIN_ELEV_SIGNALED:
		ret->outcome = PADDOCK_SIGNALED;
		ret->status = sig;
		break;
	case WIN_ELEV_FAILED:
		ret->outcome = PADDOCK_FAILED;
		win_err_set(&ret->error, PADDOCK_STEP_RUNNER, end->native,
			    end->message, stage_message(end->stage));
		break;
	case WIN_ELEV_EXITED:
		ret->status = (int)end->code;
		break;
	}
	if (el->runner)
		WaitForSingleObject(el->runner, 5000);
	return 0;
}

void win_elevated_free(struct win_elevated *el)
{
	if (el)
		elevated_free(el);
}

/* Called from a console control handler, under spawn.c's registry lock:
 * it must not block, so it only records the signal and wakes the
 * watchdog, which sends the terminate frame and, if need be, ends the
 * runner. */
int win_elevated_signal(struct win_elevated *el, int sig)
{
	InterlockedCompareExchange(&el->signal, sig, 0);
	return SetEvent(el->terminate) ? 0 : -win_err_errno(GetLastError());
}
