/* SPDX-License-Identifier: MIT */
/*
 * paddock_spawn() on Linux. Three processes:
 *
 *   paddock (the caller)  resolves the policy, reserves missing protected
 *        |                names, builds the seccomp filter, then clones:
 *   supervisor            in full isolation, PID 1 of new user, mount, PID,
 *        |                IPC (and, with the network off, network)
 *        |                namespaces: it writes its uid/gid maps and builds
 *        |                the mounts; in the namespace-free mode, a child
 *        |                subreaper. It reports that the sandbox is built,
 *        |                forks the command, forwards signals to it, reaps
 *        |                orphans and reports the command's status.
 *   command               sets no_new_privs, applies Landlock, drops every
 *                         capability, installs the seccomp filter and execs.
 *
 * A command of a warm session has the same supervisor and command; the
 * session's server starts the supervisor instead of paddock, in namespaces
 * of its own below the session's (session.c, session_server.c).
 *
 * No process of the tree outlives the run: when the supervisor exits, the
 * kernel kills everything left in the PID namespace (without namespaces the
 * supervisor kills every descendant itself); when paddock dies, the
 * supervisor hears of it (a parent-death signal), kills the tree and
 * removes what paddock would have removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux.h"
#include "proxy/server.h"

extern char **environ;

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

pid_t raw_clone(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL,
			      NULL);
}

void report_send(int fd, enum report_type type, enum paddock_step step,
		 int code, const char *operand)
{
	struct report rep = { .type = type, .step = step, .code = code };
	ssize_t n;

	if (operand) {
		size_t len = strnlen(operand, sizeof(rep.operand) - 1);

		memcpy(rep.operand, operand, len);
	}
	do {
		n = write(fd, &rep, sizeof(rep));
	} while (n < 0 && errno == EINTR);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n, len = (ssize_t)strlen(text);

	if (fd < 0)
		return -errno;
	n = write(fd, text, (size_t)len);
	if (n != len) {
		int r = n < 0 ? -errno : -EIO;

		close(fd);
		return r;
	}
	close(fd);
	return 0;
}

/* Map only the caller's own uid and gid; setgroups must be denied before
 * an unprivileged process may write a gid map. */
static int write_id_maps(uid_t uid, gid_t gid)
{
	char map[64];
	int r;

	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	r = write_file("/proc/self/uid_map", map);
	if (r == 0)
		r = write_file("/proc/self/setgroups", "deny");
	if (r == 0) {
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid,
			 (unsigned)gid);
		r = write_file("/proc/self/gid_map", map);
	}
	return r;
}

/* Try each candidate of PATH in order, as execvp does: remember EACCES,
 * skip the entries that do not hold the program, stop at a real error. */
static int exec_command(const struct sandbox_spec *spec)
{
	int saved = ENOENT;

	for (size_t i = 0; spec->exec_paths[i]; i++) {
		execve(spec->exec_paths[i], spec->argv, spec->envp);
		if (errno == ENOEXEC) {
			spec->sh_argv[1] = spec->exec_paths[i];
			execve("/bin/sh", spec->sh_argv, spec->envp);
			return -errno;
		}
		if (errno == EACCES)
			saved = EACCES;
		else if (errno != ENOENT && errno != ENOTDIR &&
			 errno != ESTALE && errno != ELOOP &&
			 errno != ENAMETOOLONG)
			return -errno;
	}
	return -saved;
}

static void mark_inherited_fds_cloexec(void)
{
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	for (int fd = 3; fd < 65536; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void command_main(const struct sandbox_spec *spec)
{
	enum paddock_step step = PADDOCK_STEP_CHDIR;
	const char *operand = spec->plan->workspace;
	sigset_t none;
	int r;

	/* A library caller may block signals in its thread (for signalfd);
	 * the command must still be interruptible. SIGPIPE was ignored by
	 * the supervisor only. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Descriptors the caller left inheritable would reach the host's
	 * mounts, which the read-only view does not cover. */
	mark_inherited_fds_cloexec();

	r = chdir(spec->plan->workspace) < 0 ? -errno : 0;
	if (r == 0) {
		step = PADDOCK_STEP_NO_NEW_PRIVS;
		r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
	}
	if (r == 0) {
		step = PADDOCK_STEP_LANDLOCK;
		operand = NULL;
		r = landlock_apply(spec, &operand);
	}
	if (r == 0) {
		step = PADDOCK_STEP_CAPABILITIES;
		r = caps_drop_all();
	}
	if (r == 0) {
		step = PADDOCK_STEP_SECCOMP;
		r = seccomp_install(&spec->seccomp);
	}
	if (r < 0) {
		if (step != PADDOCK_STEP_CHDIR && step != PADDOCK_STEP_LANDLOCK)
			operand = NULL;
		report_send(spec->report_fd, REPORT_SETUP_FAILED, step, -r,
			    operand);
		_exit(125);
	}
	r = exec_command(spec);
	report_send(spec->report_fd, REPORT_EXEC_FAILED, PADDOCK_STEP_NONE, -r,
		    spec->argv[0]);
	_exit(r == -ENOENT ? 127 : 126);
}

static volatile sig_atomic_t command_pid;
static volatile sig_atomic_t pending_signal;

/*
 * The supervisor shares the user's process group, so a terminal's Ctrl-C
 * reaches it as well as the command. Only signals sent by a process
 * (paddock passing one on, si_code <= 0) are forwarded; one generated by
 * the terminal (SI_KERNEL) has already reached the command directly.
 */
static void forward_signal(int sig, siginfo_t *info, void *context)
{
	(void)context;
	if (info->si_code > 0)
		return;
	if (command_pid > 0)
		kill(command_pid, sig);
	else
		pending_signal = sig;
}

static const int forwarded_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT,
};

static void install_forwarders(void)
{
	struct sigaction sa = { .sa_sigaction = forward_signal,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(int); i++)
		sigaction(forwarded_signals[i], &sa, NULL);
}

/*
 * paddock is gone: kill the tree, then remove what paddock would have
 * removed (the placeholders; the private $TMPDIR without namespaces). As PID 1 of the namespace, kill(-1) reaches
 * every other process in it.
 */
static _Noreturn void supervisor_abandon(const struct sandbox_spec *spec)
{
	if (spec->direct) {
		direct_kill_tree();
		direct_remove_scratch(spec->scratch);
	} else {
		kill(-1, SIGKILL);
		while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
			;
	}
	placeholders_release_inside(spec->placeholders);
	_exit(125);
}

/* In a session the client stops at the exit frame, without waiting for
 * the supervisor's own end: so the rest of the tree dies first. As PID 1
 * of the namespace, kill(-1) reaches every other process in it. */
static void kill_namespace(void)
{
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

/* Reap everything; return the command's wait status once it has ended.
 * Without namespaces, paddock's death is a signal to kill the tree. */
static int supervise(const struct sandbox_spec *spec, pid_t pid)
{
	for (;;) {
		int status;
		pid_t got = waitpid(-1, &status, __WALL);

		if (got == pid)
			return status;
		if (supervisor_parent_died())
			supervisor_abandon(spec);
		if (got < 0 && errno != EINTR)
			return W_EXITCODE(125, 0);
	}
}

/* Whether paddock is gone: the read end of the report pipe is closed (in
 * a session, the client's end of its connection). */
static bool paddock_gone(const struct sandbox_spec *spec)
{
	struct pollfd pfd = { .fd = spec->report_fd, .events = 0 };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP));
}

int spawn_build_view(const struct sandbox_spec *spec, enum paddock_step *step,
		     const char **operand)
{
	int r;

	*step = PADDOCK_STEP_ID_MAP;
	r = write_id_maps(spec->uid, spec->gid);
	if (r < 0)
		return r;
	return mounts_build(spec, step, operand);
}

static int namespaces_setup(const struct sandbox_spec *spec,
			    enum paddock_step *step, const char **operand)
{
	int r = spawn_build_view(spec, step, operand);

	if (r < 0)
		return r;

	if (spec->new_net) {
		*step = PADDOCK_STEP_LOOPBACK;
		r = net_loopback_up();
		if (r < 0)
			return r;
	}
	if (spec->proxy) {
		*step = PADDOCK_STEP_PROXY;
		r = proxy_listen_send(spec->proxy_fd);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A command of a session: the session's namespaces are built already; its
 * own PID, mount, IPC (and network) namespaces are new. */
static int session_command_setup(const struct sandbox_spec *spec,
				 enum paddock_step *step, const char **operand)
{
	int r = mounts_build_command(spec, step, operand);

	if (r == 0 && spec->new_net) {
		*step = PADDOCK_STEP_LOOPBACK;
		r = net_loopback_up();
	}
	return r;
}

static int supervisor_setup(const struct sandbox_spec *spec,
			    enum paddock_step *step, const char **operand)
{
	int r;

	/* Hear of paddock's death, to kill the tree and clean up (see
	 * supervisor_abandon); and if paddock is already gone, stop here. */
	*step = PADDOCK_STEP_SPAWN;
	r = spec->direct ? direct_supervisor_setup()
			 : supervisor_watch_parent();
	if (r < 0)
		return r;
	if (paddock_gone(spec))
		return -ESRCH;

	if (spec->session_command && !spec->direct)
		r = spec->prebuilt ? 0
				   : session_command_setup(spec, step, operand);
	else if (!spec->direct)
		r = namespaces_setup(spec, step, operand);
	if (r < 0)
		return r;

	/* Not dumpable: the command, same uid, cannot ptrace the supervisor
	 * or open its descriptors through /proc. */
	*step = PADDOCK_STEP_SPAWN;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

_Noreturn void supervisor_main(const struct sandbox_spec *spec)
{
	enum paddock_step step = PADDOCK_STEP_NONE;
	const char *operand = NULL;
	pid_t pid;
	int r;

	/* paddock may die at any point: a report to the closed pipe must not
	 * kill the supervisor before it has cleaned up. The command gets the
	 * default back before exec. */
	signal(SIGPIPE, SIG_IGN);
	r = supervisor_setup(spec, &step, &operand);
	if (r == -ESRCH || supervisor_parent_died())
		supervisor_abandon(spec);
	if (r < 0) {
		report_send(spec->report_fd, REPORT_SETUP_FAILED, step, -r,
			    operand);
		_exit(125);
	}

	report_send(spec->report_fd, REPORT_READY, PADDOCK_STEP_NONE, 0, NULL);
	install_forwarders();
	pid = raw_clone(0);
	if (pid < 0) {
		report_send(spec->report_fd, REPORT_SETUP_FAILED,
			    PADDOCK_STEP_SPAWN, errno, NULL);
		_exit(125);
	}
	if (pid == 0)
		command_main(spec);
	command_pid = pid;
	if (pending_signal)
		kill(pid, pending_signal);

	r = supervise(spec, pid);
	if (spec->direct)
		direct_kill_tree();
	else if (spec->session_command)
		kill_namespace();
	/* A session's client returns at the exit frame: the command's private
	 * $TMPDIR must be gone by then (the server's removal comes later). */
	if (spec->direct && spec->session_command)
		direct_remove_scratch(spec->scratch);
	report_send(spec->report_fd, REPORT_EXIT, PADDOCK_STEP_NONE, r, NULL);
	_exit(0);
}

/* The candidates execve tries for argv[0], from the command's own PATH. */
static int exec_candidates(const char *name, char *const *envp,
			   struct strv *ret)
{
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	const char *p;

	if (strchr(name, '/'))
		return strv_push(ret, name);
	for (size_t i = 0; envp[i]; i++) {
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	}
	for (p = path;; p++) {
		const char *end = strchrnul(p, ':');
		char *candidate;
		int r;

		if (asprintf(&candidate, "%.*s%s%s", (int)(end - p), p,
			     end == p ? "" : "/", name) < 0)
			return -ENOMEM;
		r = strv_push_owned(ret, candidate);
		if (r < 0)
			return r;
		if (!*end)
			return 0;
		p = end;
	}
}

static int sh_argv_for(const char *const *argv, struct strv *ret)
{
	int r = strv_push(ret, "/bin/sh");

	if (r == 0)
		r = strv_push(ret, argv[0]);
	for (size_t i = 1; r == 0 && argv[i]; i++)
		r = strv_push(ret, argv[i]);
	return r;
}

/* One line per writable root: its protected names, the missing ones
 * marked as reserved. */
static void log_protected(const struct paddock_policy *policy,
			  const struct plan *plan, const char *root)
{
	char line[768];
	size_t used = 0, len = strlen(root);

	line[0] = '\0';
	for (size_t i = 0; i < plan->n_protected; i++) {
		const struct plan_protected *p = &plan->protected[i];
		const char *name = p->path + len + (strcmp(root, "/") != 0);
		int n;

		if (p->git_target || !path_is_under(p->path, root) ||
		    strchr(name, '/'))
			continue;
		n = snprintf(line + used, sizeof(line) - used, "%s%s%s",
			     used ? ", " : "", name,
			     p->missing ? " (reserved)" : "");
		if (n < 0 || (size_t)n >= sizeof(line) - used)
			break;
		used += (size_t)n;
	}
	if (used)
		log_msg(policy, PADDOCK_LOG_INFO, "read-only in %s: %s", root,
			line);
}

static void log_enforcement(const struct paddock_policy *policy,
			    const struct plan *plan, bool direct)
{
	static const char *const modes[] = { "read-only", "workspace-write",
					     "full-access" };

	if (direct)
		log_msg(policy, PADDOCK_LOG_INFO,
			"enforcing %s without namespaces: Landlock, seccomp, no_new_privs",
			modes[policy->mode]);
	else
		log_msg(policy, PADDOCK_LOG_INFO,
			"enforcing %s with user, mount, PID and IPC namespaces%s",
			modes[policy->mode],
			policy->network != PADDOCK_NETWORK_ON
				? " and a network namespace"
				: "");
	log_msg(policy, PADDOCK_LOG_INFO, "workspace: %s", plan->workspace);
	if (!plan->confine_writes)
		log_msg(policy, PADDOCK_LOG_INFO,
			"file system: every write allowed (full-access)");
	else if (!plan->roots.len)
		log_msg(policy, PADDOCK_LOG_INFO,
			"file system: read-only everywhere");
	for (size_t i = 0; i < plan->roots.len; i++)
		log_msg(policy, PADDOCK_LOG_INFO, "writable root: %s",
			plan->roots.items[i]);
	for (size_t i = 0; i < plan->roots.len; i++)
		log_protected(policy, plan, plan->roots.items[i]);
	for (size_t i = 0; i < plan->n_protected; i++) {
		if (plan->protected[i].git_target)
			log_msg(policy, PADDOCK_LOG_INFO,
				"protected git directory: %s",
				plan->protected[i].path);
	}
	for (size_t i = 0; i < plan->n_deny; i++)
		log_msg(policy, PADDOCK_LOG_INFO, "deny-read: %s",
			plan->deny[i].path);
	if (direct && plan->confine_writes)
		log_msg(policy, PADDOCK_LOG_INFO,
			"host Unix sockets: reachable (blocking them needs the mount namespace)");
	if (direct && plan->confine_writes)
		log_msg(policy, PADDOCK_LOG_INFO,
			"the top level of each writable root is frozen: existing entries stay writable, none can be created, removed or renamed there");
	if (policy->network == PADDOCK_NETWORK_PROXY)
		log_msg(policy, PADDOCK_LOG_INFO,
			"network: proxy (a private loopback; the proxy on 127.0.0.1:%d reaches %zu allowed pattern(s), %zu denied)",
			PROXY_PORT, policy->allow_domains.len,
			policy->deny_domains.len);
	else
		log_msg(policy, PADDOCK_LOG_INFO, "network: %s",
			policy->network == PADDOCK_NETWORK_ON
				? "on (the host's network)"
			: direct
				? "off (no inet socket at all, loopback included)"
				: "off (a private loopback only)");
	if (policy->nested_userns && !direct && plan->confine_writes)
		log_msg(policy, PADDOCK_LOG_WARNING,
			"--allow-userns: Landlock's file-system layer is off, since it forbids the mounts a nested sandbox makes; the mount namespace alone confines writes");
	log_msg(policy, PADDOCK_LOG_INFO,
		"capabilities: none; no_new_privs; seccomp policy of docs/security.md%s",
		direct || plan->confine_writes
			? "; Landlock where the kernel has it"
			: "");
}

static void strv_free_items(char **items)
{
	struct strv v = { .items = items };

	if (!items)
		return;
	while (v.items[v.len])
		v.len++;
	strv_clear(&v);
}

void spawn_free_command(struct sandbox_spec *spec)
{
	strv_free_items(spec->exec_paths);
	strv_free_items(spec->sh_argv);
	spec->exec_paths = NULL;
	spec->sh_argv = NULL;
}

/* Undo prepare_spec() and a started sandbox, so that another mode can be
 * tried; the plan is kept. */
static void spec_clear(struct paddock_child *c)
{
	placeholders_release(c->placeholders);
	c->placeholders = NULL;
	if (c->report_fd >= 0)
		close(c->report_fd);
	c->report_fd = -1;
	direct_cleanup(&c->spec);
	free(c->spec.root_fds);
	free(c->spec.seccomp.filter);
	spawn_free_command(&c->spec);
	strv_free_items(c->spec.host_sockets);
	strv_clear(&c->env);
	c->spec = (struct sandbox_spec){ 0 };
}

void spawn_child_free(struct paddock_child *c)
{
	proxy_finish(&c->proxy);
	spec_clear(c);
	plan_free(&c->plan);
	free(c);
}

int spawn_prepare_command(struct sandbox_spec *spec, const char *const *argv,
			  char *const *envp)
{
	struct strv paths = { 0 }, sh = { 0 };
	int r = exec_candidates(argv[0], envp, &paths);

	spec->argv = (char *const *)argv;
	spec->envp = envp;
	spec->exec_paths = paths.items;
	if (r == 0)
		r = sh_argv_for(argv, &sh);
	spec->sh_argv = sh.items;
	return r;
}

static int prepare_spec(const struct paddock_policy *policy,
			struct paddock_child *c, const char *const *argv,
			bool direct, struct paddock_error *err)
{
	struct sandbox_spec *spec = &c->spec;
	int r;

	spec->plan = &c->plan;
	spec->direct = direct;
	spec->nested_userns = policy->nested_userns;
	spec->new_net = policy->network != PADDOCK_NETWORK_ON;
	spec->landlock_abi = c->landlock_abi;
	spec->uid = geteuid();
	spec->gid = getegid();
	spec->envp = policy->inherit_env ? environ : policy->env.items;
	if (!spec->envp)
		spec->envp = (char *[]){ NULL };
	spec->root_fds = calloc(c->plan.roots.len + 1, sizeof(int));
	if (!spec->root_fds)
		return -ENOMEM;

	if (!direct && c->plan.confine_writes) {
		struct strv sockets = { 0 };

		r = sockets_collect(&c->plan, &sockets);
		spec->host_sockets = sockets.items;
		if (r < 0)
			return error_set(err, PADDOCK_STEP_MOUNT, -r,
					 "/proc/net/unix", NULL);
		log_msg(policy, PADDOCK_LOG_INFO,
			"host Unix sockets made unreachable: %zu (keep one with --allow-unix-socket)",
			sockets.len);
	}

	if (direct && c->plan.confine_writes && policy->tmp_writable &&
	    c->plan.roots.len) {
		r = direct_prepare(spec, &c->env, err);
		if (r < 0)
			return r;
		spec->envp = c->env.items;
	}

	if (policy->network == PADDOCK_NETWORK_PROXY) {
		r = proxy_environment(spec->envp, &c->env);
		if (r < 0)
			return r;
		spec->envp = c->env.items;
	}

	if (argv) {
		r = spawn_prepare_command(spec, argv, spec->envp);
		if (r < 0)
			return r;
	}

	r = seccomp_build(
		&(struct seccomp_options){
			.allow_userns = policy->nested_userns,
			.deny_inet = direct && spec->new_net,
		},
		&spec->seccomp);
	if (r < 0)
		return error_set(err, PADDOCK_STEP_SECCOMP, -r, NULL, NULL);
	return 0;
}

/* The first frame says whether the sandbox was built; a failure is
 * returned here, from paddock_spawn(), with its step and path. */
int spawn_wait_ready(struct paddock_child *c, struct paddock_error *err)
{
	struct report rep;
	bool reset = false;
	ssize_t n;
	int status;

	/* A session's server that refuses a request closes the connection
	 * after its error frame; the kernel reports the reset first (once),
	 * then the frame. */
	do {
		n = read(c->report_fd, &rep, sizeof(rep));
	} while (n < 0 && (errno == EINTR ||
			   (errno == ECONNRESET && !reset && (reset = true))));
	if (n == sizeof(rep) && rep.type == REPORT_READY)
		return 0;

	while (c->supervisor > 0 && waitpid(c->supervisor, &status, 0) < 0 &&
	       errno == EINTR)
		;
	if (n != sizeof(rep) || rep.type != REPORT_SETUP_FAILED)
		return error_set(
			err, PADDOCK_STEP_SPAWN, EPIPE, NULL,
			"the sandbox's supervisor ended without a report");
	rep.operand[sizeof(rep.operand) - 1] = '\0';
	return error_set(err, (enum paddock_step)rep.step, rep.code,
			 rep.operand, NULL);
}

int spawn_supervisor(struct paddock_child *c, struct paddock_error *err)
{
	unsigned long flags = 0;
	int fds[2];

	if (!c->spec.direct)
		flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
			CLONE_NEWIPC | (c->spec.new_net ? CLONE_NEWNET : 0);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return error_set(err, PADDOCK_STEP_SPAWN, errno, NULL, NULL);
	c->spec.report_fd = fds[1];
	clock_gettime(CLOCK_MONOTONIC, &c->started);

	c->supervisor = raw_clone(flags);
	if (c->supervisor < 0) {
		int code = errno;

		close(fds[0]);
		close(fds[1]);
		return error_set(err,
				 flags ? PADDOCK_STEP_USER_NAMESPACE
				       : PADDOCK_STEP_SPAWN,
				 code, NULL, NULL);
	}
	if (c->supervisor == 0) {
		close(fds[0]);
		supervisor_main(&c->spec);
	}
	close(fds[1]);
	c->report_fd = fds[0];
	return spawn_wait_ready(c, err);
}

static int start_namespaces(const struct paddock_policy *policy,
			    struct paddock_child *c, const char *const *argv,
			    struct paddock_error *err)
{
	int r = 0;

	log_enforcement(policy, &c->plan, false);
	if (c->plan.confine_writes)
		r = placeholders_acquire(&c->plan, &c->placeholders, err);
	if (r == 0)
		r = prepare_spec(policy, c, argv, false, err);
	c->spec.placeholders = c->placeholders;
	if (r == 0 && policy->network == PADDOCK_NETWORK_PROXY) {
		r = proxy_launch(policy, c->landlock_abi, &c->spec.seccomp,
				 &c->proxy, err);
		c->spec.proxy = r == 0;
		c->spec.proxy_fd = c->proxy.supervisor_fd;
	}
	if (r == 0)
		r = c->launch(c, err);
	return r;
}

/* Host sockets the namespace-free mode would leave reachable: none means
 * it enforces the whole policy; some make it a weaker mode, which only an
 * explicit --isolation=landlock may choose. */
static int direct_open_sockets(const struct plan *plan, char *first,
			       size_t size, size_t *ret_count)
{
	struct strv sockets = { 0 };
	int r = sockets_collect(plan, &sockets);

	if (r == 0 && sockets.len)
		snprintf(first, size, "%s", sockets.items[0]);
	*ret_count = sockets.len;
	strv_clear(&sockets);
	return r;
}

static int start_direct(const struct paddock_policy *policy,
			struct paddock_child *c, const char *const *argv,
			struct paddock_error *err)
{
	const char *why = direct_check(policy, &c->plan, c->landlock_abi);
	int r;

	if (why)
		return error_set(err, PADDOCK_STEP_LANDLOCK, EOPNOTSUPP, NULL,
				 why);
	log_enforcement(policy, &c->plan, true);
	if (policy->isolation == PADDOCK_ISOLATION_LANDLOCK &&
	    c->plan.confine_writes) {
		char socket[PATH_MAX] = "";
		size_t n = 0;

		if (direct_open_sockets(&c->plan, socket, sizeof(socket), &n) ==
			    0 &&
		    n)
			log_msg(policy, PADDOCK_LOG_WARNING,
				"without namespaces the host's %zu pathname Unix socket(s), such as %s, stay reachable",
				n, socket);
	}
	r = prepare_spec(policy, c, argv, true, err);
	if (r == 0)
		r = c->launch(c, err);
	return r;
}

/* Failures that mean user namespaces are not usable here, as opposed to a
 * problem with the policy. */
static bool namespaces_unusable(const struct paddock_error *err)
{
	switch (err->step) {
	case PADDOCK_STEP_USER_NAMESPACE:
	case PADDOCK_STEP_ID_MAP:
	case PADDOCK_STEP_PROC:
		return true;
	case PADDOCK_STEP_MOUNT:
		/* The first mount call, on "/", is where a user namespace
		 * without capabilities (Ubuntu's AppArmor restriction) shows;
		 * a failure on a path of the plan is not about namespaces. */
		return strcmp(err->operand, "/") == 0 &&
		       (err->code == EPERM || err->code == EACCES);
	default:
		return false;
	}
}

/*
 * auto: namespaces first; when the kernel refuses them, the namespace-free
 * mode if it can enforce this policy, said on stderr; otherwise the
 * namespace error stands, since it names the fix.
 */
static int start_auto(const struct paddock_policy *policy,
		      struct paddock_child *c, const char *const *argv,
		      struct paddock_error *err)
{
	struct paddock_error direct_err;
	char socket[PATH_MAX] = "";
	size_t n_sockets = 0;
	const char *why;
	int r = start_namespaces(policy, c, argv, err);

	if (r == 0 || !namespaces_unusable(err))
		return r;
	why = direct_check(policy, &c->plan, c->landlock_abi);
	if (!why && c->plan.confine_writes &&
	    direct_open_sockets(&c->plan, socket, sizeof(socket), &n_sockets) ==
		    0 &&
	    n_sockets)
		why = "it cannot block the host's pathname Unix sockets";
	if (why) {
		log_msg(policy, PADDOCK_LOG_WARNING,
			"user namespaces are unavailable, and the namespace-free mode cannot enforce this policy: %s",
			why);
		if (n_sockets)
			log_msg(policy, PADDOCK_LOG_WARNING,
				"%zu host socket(s), such as %s; accept them with --isolation=landlock, or allow each with --allow-unix-socket",
				n_sockets, socket);
		return r;
	}
	log_msg(policy, PADDOCK_LOG_WARNING,
		"user namespaces are unavailable (%s: %s); using Landlock without namespaces: new entries cannot be created at the top of writable roots, and $TMPDIR is private",
		paddock_step_name(err->step), strerror(err->code));
	spec_clear(c);
	r = start_direct(policy, c, argv, &direct_err);
	if (r < 0)
		*err = direct_err;
	return r;
}

int spawn_start(const struct paddock_policy *policy, struct paddock_child *c,
		const char *const *argv, struct paddock_error *err)
{
	int r;

	r = policy_check_network(policy, err);
	if (r < 0)
		return r;
	if (!argv && policy->network == PADDOCK_NETWORK_PROXY)
		return error_set(
			err, PADDOCK_STEP_SESSION, EOPNOTSUPP, NULL,
			"proxy mode is not available in warm sessions yet; use paddock run");
	c->landlock_abi = landlock_abi();
	r = plan_resolve(policy, &c->plan, err);
	if (r < 0)
		return r;
	if (policy->isolation == PADDOCK_ISOLATION_LANDLOCK)
		return start_direct(policy, c, argv, err);
	if (policy->isolation == PADDOCK_ISOLATION_NAMESPACES)
		return start_namespaces(policy, c, argv, err);
	return start_auto(policy, c, argv, err);
}

int paddock_spawn(const paddock_policy *policy, const char *const *argv,
		  paddock_child **ret, struct paddock_error *err)
{
	struct paddock_child *c;
	int r;

	if (!argv || !argv[0] || !argv[0][0])
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, NULL,
				 "no command to run");
	if (policy->windows_mode != PADDOCK_WINDOWS_MODE_AUTO)
		return error_set(
			err, PADDOCK_STEP_UNSUPPORTED, EOPNOTSUPP,
			"--windows-mode",
			"the elevated and unelevated modes are Windows's; on Linux only auto applies");
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->report_fd = -1;
	c->timeout_ms = policy->timeout_ms;
	c->launch = spawn_supervisor;
	r = spawn_start(policy, c, argv, err);
	if (r < 0) {
		spawn_child_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int paddock_child_signal(const paddock_child *c, int sig)
{
	if (c->supervisor == 0)
		return session_child_signal(c, sig);
	if (kill(c->supervisor, sig) < 0)
		return -errno;
	return 0;
}

static long remaining_ms(const struct paddock_child *c)
{
	struct timespec now;
	long elapsed;

	if (!c->timeout_ms)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = (now.tv_sec - c->started.tv_sec) * 1000L +
		  (now.tv_nsec - c->started.tv_nsec) / 1000000L;
	return elapsed >= (long)c->timeout_ms ? 0
					      : (long)c->timeout_ms - elapsed;
}

/* Read the supervisor's frames until it closes the pipe or time runs out;
 * the first failure frame wins over the exit frame. Returns true on
 * timeout. */
static bool collect_reports(struct paddock_child *c, struct report *ret,
			    bool *ret_have)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = c->report_fd, .events = POLLIN },
			{ .fd = c->proxy.pid > 0 ? c->proxy.log_fd : -1,
			  .events = POLLIN },
		};
		struct report rep;
		long wait_ms = remaining_ms(c);
		ssize_t n;

		if (wait_ms == 0)
			return true;
		if (poll(pfd, 2,
			 wait_ms > INT32_MAX ? INT32_MAX : (int)wait_ms) <= 0)
			continue;
		if (pfd[1].revents)
			proxy_drain(&c->proxy);
		if (!pfd[0].revents)
			continue;
		n = read(c->report_fd, &rep, sizeof(rep));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		if (n != sizeof(rep) || (*ret_have && ret->type != REPORT_EXIT))
			continue;
		rep.operand[sizeof(rep.operand) - 1] = '\0';
		*ret = rep;
		*ret_have = true;
		/* A session's supervisor has killed the tree before it sends
		 * either of these: nothing follows that matters. */
		if (c->supervisor == 0 &&
		    (rep.type == REPORT_EXIT || rep.type == REPORT_TIMED_OUT))
			return false;
	}
}

static void fill_result(const struct report *rep, bool have,
			struct paddock_result *ret)
{
	*ret = (struct paddock_result){ .outcome = PADDOCK_FAILED };
	if (!have) {
		error_set(&ret->error, PADDOCK_STEP_SPAWN, EPIPE, NULL,
			  "the sandbox's supervisor ended without a report");
	} else if (rep->type == REPORT_SETUP_FAILED) {
		error_set(&ret->error, (enum paddock_step)rep->step, rep->code,
			  rep->operand, NULL);
	} else if (rep->type == REPORT_TIMED_OUT) {
		ret->outcome = PADDOCK_TIMED_OUT;
	} else if (rep->type == REPORT_EXEC_FAILED) {
		ret->outcome = PADDOCK_EXEC_FAILED;
		ret->status = rep->code;
		snprintf(ret->error.operand, sizeof(ret->error.operand), "%s",
			 rep->operand);
	} else if (WIFEXITED(rep->code)) {
		ret->outcome = PADDOCK_EXITED;
		ret->status = WEXITSTATUS(rep->code);
	} else if (WIFSIGNALED(rep->code)) {
		ret->outcome = PADDOCK_SIGNALED;
		ret->status = WTERMSIG(rep->code);
	}
}

/*
 * Kill the whole tree. Killing PID 1 of the namespace does it at once.
 * Without namespaces only the supervisor can find the tree: it is told as
 * if paddock had died (SIGRTMIN), kills every descendant and exits; it
 * gets a bounded time for that, then SIGKILL.
 */
static void kill_tree(struct paddock_child *c)
{
	if (!c->spec.direct) {
		kill(c->supervisor, SIGKILL);
		return;
	}
	kill(c->supervisor, SIGRTMIN);
	for (int waited = 0; waited < 2000; waited += 10) {
		if (waitpid(c->supervisor, NULL, WNOHANG | __WALL) != 0)
			return;
		usleep(10000);
	}
	kill(c->supervisor, SIGKILL);
}

int paddock_child_wait(paddock_child *c, struct paddock_result *ret)
{
	struct report rep;
	bool have = false;
	bool timed_out = collect_reports(c, &rep, &have);
	int status;

	if (timed_out)
		kill_tree(c);
	while (c->supervisor > 0 && waitpid(c->supervisor, &status, 0) < 0 &&
	       errno == EINTR)
		;
	fill_result(&rep, have, ret);
	if (!have && c->supervisor == 0)
		error_set(&ret->error, PADDOCK_STEP_SESSION, EPIPE, NULL,
			  "the session ended while the command ran");
	if (timed_out)
		*ret = (struct paddock_result){ .outcome = PADDOCK_TIMED_OUT };
	spawn_child_free(c);
	return 0;
}
