/* SPDX-License-Identifier: MIT */
/* The Linux backend: namespaces, mounts, capabilities and seccomp. */
#ifndef PADDOCK_LINUX_H
#define PADDOCK_LINUX_H

#include <linux/filter.h>
#include <stdint.h>
#include <time.h>

#include "../core/resolve.h"

/*
 * What the sandbox reports to paddock through its report pipe. Only
 * paddock's own code writes to that pipe (the supervisor, and the command's
 * process before exec: the descriptor is close-on-exec and the supervisor is
 * not dumpable), so the parent trusts the frames but still bounds them: each
 * is one fixed-size write below PIPE_BUF, hence atomic.
 */
enum report_type {
	REPORT_READY = 1, /* the sandbox is built */
	REPORT_SETUP_FAILED, /* step, code, operand */
	REPORT_EXEC_FAILED, /* code */
	REPORT_EXIT, /* code = the command's wait status */
	REPORT_TIMED_OUT, /* a session's server killed the tree on timeout */
};

#define REPORT_OPERAND_MAX 3968

struct report {
	uint32_t type;
	uint32_t step;
	int32_t code;
	char operand[REPORT_OPERAND_MAX];
};

/* Everything the sandbox's processes need, prepared before the clone so
 * that they never allocate. */
struct placeholders;

struct sandbox_spec {
	const struct plan *plan;
	bool new_net;
	uid_t uid;
	gid_t gid;
	int *root_fds; /* one per writable root, for the clone */
	char *const *argv;
	char **exec_paths; /* candidates for argv[0], NULL-terminated */
	char **sh_argv; /* "/bin/sh", <slot>, argv[1]... */
	char *const *envp;
	struct sock_fprog seccomp; /* the filter, built in the parent */
	int report_fd; /* write end */
	int landlock_abi; /* probed by the parent; <= 0: none */
	bool direct; /* the namespace-free mode */
	bool nested_userns; /* the command may create user namespaces */
	char **host_sockets; /* to cover, NULL-terminated; full isolation */
	struct placeholders *placeholders; /* removed by the supervisor if
					    * paddock dies */
	char *scratch; /* its private $TMPDIR, or NULL */
	bool session; /* a session's view: /proc, /dev/shm and /dev/pts are
		       * mounted for each command */
	bool session_command; /* a command's supervisor in a session */
	bool prebuilt; /* its namespaces were set up before the request */
	bool proxy; /* proxy mode: hand the proxy its listening socket */
	int proxy_fd; /* on which, when proxy */
};

/* Proxy mode's proxy process, seen from the caller (proxy.c). */
struct proxy_run {
	pid_t pid; /* 0: none */
	int supervisor_fd; /* the supervisor's end of the socket pair; the
			    * proxy stops when every copy is closed */
	int log_fd; /* the proxy's lines for the log callback */
	enum paddock_log_level log_level; /* the policy's, copied */
	paddock_log_fn log_fn;
	void *log_userdata;
	char partial[512]; /* a line read in part */
	size_t partial_len;
};

/* Fork the proxy for the policy's rules; it confines itself with
 * no_new_privs, landlock_confine_proxy() and the filter. */
int proxy_launch(const struct paddock_policy *policy, int landlock_abi,
		 const struct sock_fprog *filter, struct proxy_run *run,
		 struct paddock_error *err);
/* Pass the lines the proxy has written so far to the log callback. */
void proxy_drain(struct proxy_run *run);
/* Stop the proxy, log its last lines, close what remains. */
void proxy_finish(struct proxy_run *run);
/* In the supervisor, in the sandbox's network namespace: listen on
 * 127.0.0.1:PROXY_PORT and send the socket to the proxy over sock, which
 * is closed. */
int proxy_listen_send(int sock);
/* The command's environment in proxy mode: envp with the proxy variables
 * set (a JAVA_TOOL_OPTIONS of the caller's kept after paddock's). */
int proxy_environment(char *const *envp, struct strv *ret);

/*
 * One run, from paddock_spawn() to paddock_child_wait(); also a session
 * being opened (launch is then the session's server) and a command started
 * in a session (supervisor is 0: the session's server is its parent, and
 * report_fd the connection to it).
 */
struct paddock_child {
	pid_t supervisor;
	int report_fd;
	unsigned long timeout_ms;
	struct timespec started;
	struct plan plan;
	struct placeholders *placeholders;
	int landlock_abi;
	struct strv
		env; /* the command's environment, when paddock changes it */
	struct sandbox_spec spec;
	struct proxy_run proxy; /* proxy mode */
	/* Starts what the spec describes and waits for its first report. */
	int (*launch)(struct paddock_child *c, struct paddock_error *err);
	void *launch_data;
};

/* Resolve the policy into c->plan, choose the isolation, prepare c->spec
 * for argv (NULL for a session) and call c->launch. */
int spawn_start(const struct paddock_policy *policy, struct paddock_child *c,
		const char *const *argv, struct paddock_error *err);
/* The candidates for argv[0] and the /bin/sh fallback, into spec. */
int spawn_prepare_command(struct sandbox_spec *spec, const char *const *argv,
			  char *const *envp);
/* Free what spawn_prepare_command() allocated. */
void spawn_free_command(struct sandbox_spec *spec);
/* Start the supervisor of c->spec (cloned with the namespaces it needs) and
 * wait for its first report. */
int spawn_supervisor(struct paddock_child *c, struct paddock_error *err);
/* Read the supervisor's first frame: 0 when the sandbox is built. */
int spawn_wait_ready(struct paddock_child *c, struct paddock_error *err);
/* Free c and everything it holds, releasing the placeholders. */
void spawn_child_free(struct paddock_child *c);
/* In new user and mount namespaces: map the caller's own uid and gid,
 * then build the file-system view (mounts_build). */
int spawn_build_view(const struct sandbox_spec *spec, enum paddock_step *step,
		     const char **operand);
/* Pass a signal to a command of a session, through its connection. */
int session_child_signal(const struct paddock_child *c, int sig);
/* The supervisor of one command; see spawn.c. */
_Noreturn void supervisor_main(const struct sandbox_spec *spec);

/* Send one frame; used from the sandbox's processes only. */
void report_send(int fd, enum report_type type, enum paddock_step step,
		 int code, const char *operand);

/* Build the file-system view inside the new mount namespace. On failure
 * returns -errno and sets *ret_step and *ret_operand. */
int mounts_build(const struct sandbox_spec *spec, enum paddock_step *ret_step,
		 const char **ret_operand);

/* For a command of a session, in its new mount namespace: a /proc of its
 * own PID namespace, and a fresh /dev/shm and /dev/pts. */
int mounts_build_command(const struct sandbox_spec *spec,
			 enum paddock_step *ret_step, const char **ret_operand);

/* Cover spec->host_sockets (see mounts_build). */
int mounts_cover_sockets(const struct sandbox_spec *spec,
			 enum paddock_step *ret_step, const char **ret_operand);

/* Bring up the loopback interface of the new network namespace. */
int net_loopback_up(void);

/* Drop every capability and lock the securebits so that exec cannot give
 * any back, then check that none is left. */
int caps_drop_all(void);

/* The Landlock ABI version, or a negative errno when unavailable. */
int landlock_abi(void);
/* The proxy's own confinement: no write, no exec and no bind anywhere,
 * and (ABI 6) no signal or abstract socket outside its own domain.
 * Without Landlock, nothing. no_new_privs must be set. */
int landlock_confine_proxy(int abi);

/* Restrict writes to the plan's writable roots (and harmless devices) with
 * Landlock; without namespaces, freeze the top level of each root and stop
 * TCP when the network is off; scope abstract sockets and signals from
 * ABI 6. A no-op without Landlock in full isolation, -EOPNOTSUPP without
 * namespaces. no_new_privs must be set. */
int landlock_apply(const struct sandbox_spec *spec, const char **ret_operand);

struct seccomp_options {
	bool allow_userns; /* let the command create user namespaces */
	bool deny_inet; /* no network namespace and the network is off */
};

/* The filter comes in one variant per combination of the options, each
 * compiled when paddock is built. */
#define SECCOMP_VARIANT_ALLOW_USERNS 1U
#define SECCOMP_VARIANT_DENY_INET 2U
#define SECCOMP_VARIANTS 4U

/* Copy the compiled filter for opts into *ret (free ret->filter). */
int seccomp_build(const struct seccomp_options *opts, struct sock_fprog *ret);
/* Compile the filter for opts with libseccomp (seccomp_rules.c); only the
 * build-time generator and the unit tests link it. */
int seccomp_compile(const struct seccomp_options *opts, struct sock_fprog *ret);
/* Install a filter built by seccomp_build; no_new_privs must be set. */
int seccomp_install(const struct sock_fprog *prog);

/* Reserve the missing protected names of a plan with placeholders, see
 * placeholder.c. */
struct placeholders;
int placeholders_acquire(struct plan *plan, struct placeholders **ret,
			 struct paddock_error *err);
void placeholders_release(struct placeholders *ph);
/* From the supervisor, after paddock died: detach the placeholders' mounts
 * in the sandbox's namespace and remove them, if no other run uses them. */
void placeholders_release_inside(struct placeholders *ph);

/* The pathname Unix sockets bound on the host that the command must not
 * reach: all but the allowed ones and those under deny-read paths. */
int sockets_collect(const struct plan *plan, struct strv *ret);

/* The namespace-free mode (direct.c). direct_check() returns NULL when it
 * can enforce the plan, else why not. */
const char *direct_check(const struct paddock_policy *policy,
			 const struct plan *plan, int abi);
int direct_prepare(struct sandbox_spec *spec, struct strv *env,
		   struct paddock_error *err);
void direct_cleanup(struct sandbox_spec *spec);
void direct_remove_scratch(const char *scratch);
int direct_supervisor_setup(void);
/* Ask for SIGRTMIN when paddock dies and note it; see direct.c. */
int supervisor_watch_parent(void);
bool supervisor_parent_died(void);
void direct_kill_tree(void);

/* A fork that skips the C library's fork handlers: the sandbox's processes
 * only make system calls, so nothing of the library's state is needed. */
pid_t raw_clone(unsigned long flags);

#endif
