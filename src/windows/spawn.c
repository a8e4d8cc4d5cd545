/* SPDX-License-Identifier: MIT */
/*
 * paddock_spawn(), paddock_child_wait() and paddock_child_signal() on
 * Windows.
 *
 * The process is created suspended, put in a job object, then resumed, so
 * that every instruction it runs, and every process it starts, belongs to
 * the job. The job has JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE and no
 * JOB_OBJECT_LIMIT_BREAKAWAY_OK: no process can leave it, and closing its
 * only handle, which paddock holds, kills the tree, so the tree dies with
 * paddock however paddock ends. A timeout, a "signal" (Ctrl-C through the
 * CLI) and the end of the command's first process all terminate the job,
 * as the end of the PID namespace does on Linux.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "windows/elevated.h"
#include "windows/proxyw.h"
#include "windows/sandbox.h"

struct paddock_child {
	struct paddock_child *next; /* in the registry below */
	const struct paddock_policy *policy; /* for the log; the caller's */
	HANDLE process;
	HANDLE job;
	ULONGLONG deadline; /* GetTickCount64(), 0: no timeout */
	volatile LONG signal; /* set by paddock_child_signal() */
	bool exec_failed; /* the program could not be run; nothing ran */
	struct paddock_error error; /* why, when exec_failed */
	struct win_sandbox *sandbox; /* undone after the run */
	struct win_setup_info setup; /* the elevated mode's */
	bool elevated;
	struct win_elevated *runner; /* the elevated mode's launch */
	struct win_proxy *proxy; /* proxy mode's */
};

/*
 * The live children. paddock_child_signal() may run on another thread (a
 * console control handler runs on a thread of its own) while
 * paddock_child_wait() frees the child: it only touches a child it finds
 * here, under the lock, and the wait removes the child before freeing it.
 */
static SRWLOCK registry_lock = SRWLOCK_INIT;
static struct paddock_child *registry;

static void registry_add(struct paddock_child *child)
{
	AcquireSRWLockExclusive(&registry_lock);
	child->next = registry;
	registry = child;
	ReleaseSRWLockExclusive(&registry_lock);
}

static void registry_remove(struct paddock_child *child)
{
	AcquireSRWLockExclusive(&registry_lock);
	for (struct paddock_child **p = &registry; *p; p = &(*p)->next) {
		if (*p == child) {
			*p = child->next;
			break;
		}
	}
	ReleaseSRWLockExclusive(&registry_lock);
}

static int make_job(HANDLE *ret, struct paddock_error *err)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = { 0 };
	HANDLE job = CreateJobObjectW(NULL, NULL);
	DWORD native;

	if (!job) {
		native = GetLastError();
		return win_err_set(err, PADDOCK_STEP_JOB, native, NULL, NULL);
	}
	limits.BasicLimitInformation.LimitFlags =
		JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation,
				     &limits, sizeof(limits))) {
		native = GetLastError();
		CloseHandle(job);
		return win_err_set(err, PADDOCK_STEP_JOB, native, NULL,
				   "cannot make the job kill its processes");
	}
	*ret = job;
	return 0;
}

/*
 * Whose failure an access refusal around the launch is (exec.c decides;
 * execw.c makes the checks). Returns 0 to go ahead, 1 when the command
 * cannot be executed by the user himself (recorded: 126), or a paddock
 * error (125) naming the step, the path and, through the CLI, a hint.
 */
static int judge_access(struct paddock_child *child, const struct win_launch *l,
			bool launch_denied, struct paddock_error *err)
{
	struct win_exec_checks checks;
	enum win_exec_verdict verdict;
	char *app = NULL, *cwd = NULL;
	int r = -ENOMEM;

	win_execw_check(l, child->sandbox->token, &checks);
	verdict = win_exec_classify(&checks, launch_denied);
	if (verdict == WIN_EXEC_OK)
		return 0;
	if (verdict == WIN_EXEC_NOT_EXECUTABLE) {
		win_err_set(err, PADDOCK_STEP_SPAWN, ERROR_ACCESS_DENIED,
			    l->program, NULL);
		child->exec_failed = true;
		return 1;
	}
	if (win_str_utf8(l->app, &app) < 0 || win_str_utf8(l->cwd, &cwd) < 0)
		verdict = WIN_EXEC_OK; /* out of memory: r stays -ENOMEM */
	if (verdict == WIN_EXEC_SANDBOX_PROGRAM)
		r = win_err_set(
			err, PADDOCK_STEP_SPAWN, ERROR_ACCESS_DENIED, app,
			"the sandbox's restricted token may not execute this program, though the user may");
	else if (verdict == WIN_EXEC_USER_CWD)
		r = win_err_set(err, PADDOCK_STEP_CHDIR, ERROR_ACCESS_DENIED,
				cwd, "the user may not enter this directory");
	else if (verdict == WIN_EXEC_SANDBOX_CWD)
		r = win_err_set(
			err, PADDOCK_STEP_CHDIR, ERROR_ACCESS_DENIED, cwd,
			"the sandbox's restricted token may not enter this directory, though the user may");
	else if (verdict == WIN_EXEC_UNEXPLAINED)
		r = win_err_set(
			err, PADDOCK_STEP_SPAWN, ERROR_ACCESS_DENIED, app,
			"Windows refused to start the command, and neither the program nor the working directory is denied to the sandbox: not known to be the command's failure");
	free(app);
	free(cwd);
	return r;
}

/* Start the prepared command suspended, in the job, then resume it. */
static int start(struct paddock_child *child, const struct win_launch *l,
		 struct paddock_error *err)
{
	PROCESS_INFORMATION pi;
	DWORD native = win_launch_start(l, child->sandbox->token, &pi);
	int r;

	if (native == ERROR_ACCESS_DENIED) {
		r = judge_access(child, l, true, err);
		return r > 0 ? 0 : r;
	}
	if (native)
		return win_err_set(err, PADDOCK_STEP_SPAWN, native, l->program,
				   NULL);
	if (!AssignProcessToJobObject(child->job, pi.hProcess)) {
		native = GetLastError();
		TerminateProcess(pi.hProcess, 1);
		CloseHandle(pi.hThread);
		CloseHandle(pi.hProcess);
		return win_err_set(err, PADDOCK_STEP_JOB, native, l->program,
				   "cannot put the command in its job object");
	}
	if (ResumeThread(pi.hThread) == (DWORD)-1) {
		native = GetLastError();
		TerminateJobObject(child->job, 1);
		CloseHandle(pi.hThread);
		CloseHandle(pi.hProcess);
		return win_err_set(err, PADDOCK_STEP_SPAWN, native, l->program,
				   "cannot resume the command");
	}
	CloseHandle(pi.hThread);
	child->process = pi.hProcess;
	return 0;
}

static void child_free(struct paddock_child *child)
{
	win_elevated_free(child->runner);
	win_proxy_stop(child->proxy);
	if (child->job)
		CloseHandle(child->job);
	if (child->process)
		CloseHandle(child->process);
	win_sandbox_finish(child->policy, child->sandbox);
	free(child);
}

/* Not finding the program, and CreateProcess's own "cannot execute"
 * answers, are the command's failure (127, 126), not paddock's.
 * ERROR_ACCESS_DENIED is not among them: judge_access() decides whose
 * failure that is. */
static bool is_exec_failure(const struct paddock_error *e)
{
	return e->step == PADDOCK_STEP_SPAWN &&
	       (e->native == ERROR_BAD_EXE_FORMAT ||
		e->native == ERROR_EXE_MACHINE_TYPE_MISMATCH ||
		e->native == ERROR_FILE_NOT_FOUND);
}

/* e is a struct paddock_error of the caller's, never NULL. */
static int launch(struct paddock_child *child, const char *const *argv,
		  const struct win_resolved *res, struct paddock_error *e)
{
	struct win_launch l;
	bool not_found;
	int r;

	r = win_launch_prepare(child->policy, argv, res->workspace,
			       child->sandbox->stub_dir,
			       child->proxy ? win_proxy_port(child->proxy) : 0,
			       &l, &not_found, e);
	if (r < 0) {
		child->exec_failed = not_found;
		return not_found ? 0 : r;
	}
	if (child->elevated) {
		r = win_elevated_start(
			child->policy, &child->setup, &l,
			(const char *const *)child->sandbox->caps,
			child->sandbox->n_caps, &child->runner, e);
		win_launch_free(&l);
		return r;
	}
	/* Under the restricted token, check before the launch too: a
	 * working directory the token cannot enter may not fail
	 * CreateProcessAsUserW but kill the new process as it starts, with
	 * an exit code that would look like the command's. */
	r = child->sandbox->token ? judge_access(child, &l, false, e) : 0;
	if (r > 0) {
		win_launch_free(&l);
		return 0;
	}
	if (r == 0)
		r = make_job(&child->job, e);
	if (r == 0)
		r = start(child, &l, e);
	if (r == 0 && child->exec_failed) {
		win_launch_free(&l);
		return 0;
	}
	if (r < 0 && is_exec_failure(e)) {
		child->exec_failed = true;
		r = 0;
	}
	if (r == 0 && child->policy->timeout_ms)
		child->deadline = GetTickCount64() + child->policy->timeout_ms;
	win_launch_free(&l);
	return r;
}

/* What the Windows backend cannot do, refused before anything changes. */
static int check_policy(const struct paddock_policy *policy,
			struct paddock_error *err)
{
	int r = policy_check_network(policy, err);

	if (r < 0)
		return r;
	if (policy->isolation != PADDOCK_ISOLATION_AUTO)
		return error_set(
			err, PADDOCK_STEP_UNSUPPORTED, EOPNOTSUPP,
			"--isolation",
			"namespaces and Landlock are Linux's; on Windows only auto applies");
	if (policy->deny_read.len)
		return error_set(
			err, PADDOCK_STEP_UNSUPPORTED, EOPNOTSUPP,
			policy->deny_read.items[0],
			"deny-read paths cannot be enforced in the unelevated mode: a write-restricted token leaves reads as the user's");
	if (policy->allowed_sockets.len)
		log_msg(policy, PADDOCK_LOG_INFO,
			"--allow-unix-socket changes nothing on Windows: the unelevated mode does not block host sockets");
	if (policy->nested_userns)
		log_msg(policy, PADDOCK_LOG_INFO,
			"--allow-userns changes nothing on Windows");
	return 0;
}

int paddock_spawn(const paddock_policy *policy, const char *const *argv,
		  paddock_child **ret, struct paddock_error *err)
{
	struct paddock_error e = { 0 };
	struct win_resolved res;
	struct paddock_child *child;
	int r;

	if (!argv || !argv[0] || !argv[0][0])
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, NULL,
				 "no command given");
	r = check_policy(policy, &e);
	if (r == 0)
		r = win_resolve_policy(policy, &res, &e);
	if (r < 0)
		goto fail;
	child = calloc(1, sizeof(*child));
	if (!child) {
		win_resolve_free(&res);
		return -ENOMEM;
	}
	child->policy = policy;
	r = win_elevated_choose(policy, &child->setup, &child->elevated, &e);
	/* Proxy mode's one way out is what the offline user's filters leave
	 * open; the unelevated mode has no way to close the others. */
	if (r == 0 && policy->network == PADDOCK_NETWORK_PROXY &&
	    !child->elevated)
		r = error_set(
			&e, PADDOCK_STEP_SETUP, EOPNOTSUPP, "--network proxy",
			"proxy mode needs the elevated mode: in the unelevated mode nothing keeps a program from going around the proxy");
	if (r == 0 && policy->network == PADDOCK_NETWORK_PROXY)
		r = win_proxy_start(policy, &child->proxy, &e);
	if (r == 0)
		r = win_sandbox_prepare(policy, &res,
					child->elevated ? &child->setup : NULL,
					&child->sandbox, &e);
	if (r == 0)
		r = launch(child, argv, &res, &e);
	win_resolve_free(&res);
	if (r < 0) {
		child_free(child);
		goto fail;
	}
	child->error = e;
	registry_add(child);
	*ret = child;
	return 0;
fail:
	if (err)
		*err = e;
	return r;
}

int paddock_child_signal(const paddock_child *child, int sig)
{
	int r = -ESRCH;

	if (sig < 0 || sig > 64)
		return -EINVAL;
	AcquireSRWLockShared(&registry_lock);
	for (struct paddock_child *c = registry; c; c = c->next) {
		if (c != child)
			continue;
		r = 0;
		if (sig != 0 && c->runner) {
			r = win_elevated_signal(c->runner, sig);
			break;
		}
		if (sig == 0 || !c->job)
			break;
		InterlockedCompareExchange(&c->signal, sig, 0);
		if (!TerminateJobObject(c->job, 128u + (unsigned)sig))
			r = -win_err_errno(GetLastError());
		break;
	}
	ReleaseSRWLockShared(&registry_lock);
	return r;
}

/*
 * Terminate what is left of the tree and wait until the job is empty, so
 * that no process of the command still holds a file when paddock returns.
 * TerminateJobObject only starts the termination; the processes are gone
 * when the job counts none. Bounded: a process stuck in the kernel is
 * reported at -v rather than waited for forever.
 */
static void end_tree(struct paddock_child *child)
{
	JOBOBJECT_BASIC_ACCOUNTING_INFORMATION info;

	if (!TerminateJobObject(child->job, 1)) {
		log_msg(child->policy, PADDOCK_LOG_WARNING,
			"cannot terminate the command's job (Windows error %lu); its processes end when paddock does",
			GetLastError());
		return;
	}
	for (int i = 0; i < 500; i++) {
		if (!QueryInformationJobObject(
			    child->job, JobObjectBasicAccountingInformation,
			    &info, sizeof(info), NULL)) {
			log_msg(child->policy, PADDOCK_LOG_DEBUG,
				"cannot count the job's processes (Windows error %lu)",
				GetLastError());
			return;
		}
		if (info.ActiveProcesses == 0)
			return;
		Sleep(10);
	}
	log_msg(child->policy, PADDOCK_LOG_INFO,
		"%lu process(es) of the command still ending after 5 s",
		info.ActiveProcesses);
}

/* Wait for the first process, or the deadline; -errno when waiting
 * failed. */
static int wait_process(struct paddock_child *child, bool *ret_timed_out)
{
	DWORD ms = INFINITE, w;

	*ret_timed_out = false;
	for (;;) {
		if (child->deadline) {
			ULONGLONG now = GetTickCount64();

			if (now >= child->deadline) {
				*ret_timed_out = true;
				return 0;
			}
			ms = (DWORD)(child->deadline - now);
		}
		w = WaitForSingleObject(child->process, ms);
		if (w == WAIT_OBJECT_0)
			return 0;
		if (w == WAIT_FAILED)
			return -win_err_errno(GetLastError());
	}
}

static void outcome(struct paddock_child *child, bool timed_out,
		    struct paddock_result *ret)
{
	DWORD code = 0;
	LONG sig = InterlockedCompareExchange(&child->signal, 0, 0);

	*ret = (struct paddock_result){ .outcome = PADDOCK_EXITED };
	if (timed_out) {
		ret->outcome = PADDOCK_TIMED_OUT;
	} else if (sig) {
		ret->outcome = PADDOCK_SIGNALED;
		ret->status = sig;
	} else if (!GetExitCodeProcess(child->process, &code)) {
		ret->outcome = PADDOCK_FAILED;
		win_err_set(&ret->error, PADDOCK_STEP_SPAWN, GetLastError(),
			    NULL, "cannot read the command's exit code");
	} else {
		/* A 32-bit code such as 0xC0000005 (an access violation)
		 * keeps its bits; the caller truncates it as it must. */
		ret->status = (int)code;
	}
}

int paddock_child_wait(paddock_child *child, struct paddock_result *ret)
{
	bool timed_out = false;
	int r = 0;

	if (child->runner) {
		r = win_elevated_wait(child->runner, ret);
	} else if (child->exec_failed) {
		*ret = (struct paddock_result){
			.outcome = PADDOCK_EXEC_FAILED,
			.status = child->error.code,
			.error = child->error,
		};
	} else {
		r = wait_process(child, &timed_out);
		end_tree(child);
		if (r == 0)
			outcome(child, timed_out, ret);
	}
	registry_remove(child);
	child_free(child);
	return r;
}
