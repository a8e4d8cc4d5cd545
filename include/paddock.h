/* SPDX-License-Identifier: MIT */
/*
 * paddock: run a command, and every process it starts, inside an
 * operating-system sandbox made for AI coding agents.
 *
 * Lifecycle
 * ---------
 *   1. paddock_policy_new()         create a policy with the defaults:
 *                                   workspace-write, workspace = current
 *                                   directory, temporary directories
 *                                   writable, the default protected names,
 *                                   network off, environment inherited.
 *   2. paddock_policy_set_*(),      configure it, or load a profile file
 *      paddock_policy_add_*(),      with paddock_profile_load().
 *      paddock_profile_load()
 *   3. paddock_spawn()              resolve the policy, build the sandbox
 *                                   and start the command inside it. Its
 *                                   stdin, stdout and stderr are the
 *                                   caller's own.
 *   4. paddock_child_signal()       optional: pass a signal to the command.
 *   5. paddock_child_wait()         wait for the command, enforcing the
 *                                   policy's timeout; frees the child.
 *   6. paddock_policy_free()        the policy can be reused for more
 *                                   spawns before it is freed.
 *
 * Errors
 * ------
 * Every function that can fail returns 0 on success or a negative errno
 * value. Functions that take a struct paddock_error fill it on failure (when
 * it is not NULL) with the step that failed, the positive errno and the path
 * or value involved; on Windows also with the native error code of the call
 * that failed, of which the errno is only a translation. The library never
 * prints and never exits; it reports progress through the log callback of
 * the policy, if one is installed.
 *
 * The error codes returned are:
 *   -EINVAL   a bad argument (an unknown mode, an invalid protected name,
 *             a malformed profile line, a contradictory policy);
 *   -ENOMEM   out of memory;
 *   -ENOENT, -ENOTDIR, -EACCES, -ELOOP, -ENAMETOOLONG
 *             a path of the policy could not be resolved;
 *   -EPERM, -ENOSPC, -EOPNOTSUPP, -ENOSYS
 *             the kernel refused a restriction (user namespaces disabled or
 *             confined, a missing system call);
 *   -EBUSY    a writable root is locked by another process for too long;
 *   any other negative errno from a failed system call, with its step.
 *
 * A handle is not thread-safe; distinct handles may be used from distinct
 * threads. paddock_spawn() forks: call it from a thread that may fork.
 *
 * On Windows paths and arguments are UTF-8, the unelevated mode (a
 * write-restricted token and ACL entries) is the backend, signals do not
 * exist (paddock_child_signal() kills the tree and reports the signal
 * number given), and the warm sessions are not supported yet.
 */
#ifndef PADDOCK_H
#define PADDOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(PADDOCK_BUILDING_DLL)
#define PADDOCK_API __declspec(dllexport)
#elif defined(__GNUC__)
#define PADDOCK_API __attribute__((visibility("default")))
#else
#define PADDOCK_API
#endif

#define PADDOCK_VERSION "0.1.0"

/* The longest path or value kept in struct paddock_error, with its NUL. */
#define PADDOCK_OPERAND_MAX 4096

/* Which part of the file system the command may write. */
enum paddock_mode {
	/* Nothing persistent is writable: not the workspace, not /tmp. */
	PADDOCK_MODE_READ_ONLY,
	/* The workspace, the extra writable roots and (unless excluded) the
	 * temporary directories are writable, minus the protected names. */
	PADDOCK_MODE_WORKSPACE_WRITE,
	/* No file-system restriction at all (deny-read paths still apply). */
	PADDOCK_MODE_FULL_ACCESS,
};

enum paddock_network {
	/* A private network with only its own loopback interface. */
	PADDOCK_NETWORK_OFF,
	/* The host's network. */
	PADDOCK_NETWORK_ON,
	/* Proxy mode (Linux, full isolation): the private loopback, on which
	 * a proxy run by paddock outside the sandbox listens; it reaches only
	 * the domains the policy allows (paddock_policy_allow_domain). */
	PADDOCK_NETWORK_PROXY,
};

/* How a backend isolates the command (Linux). */
enum paddock_isolation {
	/* Namespaces where the kernel allows them, else the namespace-free
	 * mode if it can enforce the policy, else refuse. */
	PADDOCK_ISOLATION_AUTO,
	/* User, mount, PID, IPC and network namespaces, Landlock, seccomp. */
	PADDOCK_ISOLATION_NAMESPACES,
	/* No namespaces: Landlock, seccomp and no_new_privs only. New entries
	 * cannot be created at the top of writable roots, $TMPDIR becomes a
	 * private directory removed after the run, deny-read paths are
	 * refused, and with the network off there is no loopback either. */
	PADDOCK_ISOLATION_LANDLOCK,
};

/* Which of Windows's two modes runs the command (docs/windows.md). Other
 * platforms refuse every value but AUTO. */
enum paddock_windows_mode {
	/* The elevated mode (sandbox users, firewall) when `paddock setup`
	 * was run and is intact, else the unelevated one. */
	PADDOCK_WINDOWS_MODE_AUTO,
	/* The elevated mode, or no run at all when it is not set up. */
	PADDOCK_WINDOWS_MODE_ELEVATED,
	/* A write-restricted token as the caller; advisory network off. */
	PADDOCK_WINDOWS_MODE_UNELEVATED,
};

/* The step that failed; paddock_step_name() gives a readable name. */
enum paddock_step {
	PADDOCK_STEP_NONE,
	PADDOCK_STEP_POLICY, /* an invalid policy value */
	PADDOCK_STEP_PROFILE, /* reading or parsing a profile file */
	PADDOCK_STEP_WORKSPACE, /* resolving the workspace */
	PADDOCK_STEP_WRITABLE_ROOT, /* resolving an extra writable root */
	PADDOCK_STEP_PROTECTED_NAME, /* inspecting a protected name */
	PADDOCK_STEP_DENY_READ, /* resolving a deny-read path */
	PADDOCK_STEP_PLACEHOLDER, /* reserving a missing protected name */
	PADDOCK_STEP_USER_NAMESPACE, /* creating the namespaces */
	PADDOCK_STEP_ID_MAP, /* writing the uid and gid maps */
	PADDOCK_STEP_MOUNT, /* building the file-system view */
	PADDOCK_STEP_PROC, /* mounting /proc for the PID namespace */
	PADDOCK_STEP_LOOPBACK, /* bringing up the private loopback */
	PADDOCK_STEP_NO_NEW_PRIVS, /* setting no_new_privs */
	PADDOCK_STEP_CAPABILITIES, /* dropping every capability */
	PADDOCK_STEP_LANDLOCK, /* the Landlock ruleset */
	PADDOCK_STEP_SECCOMP, /* building or loading the filter */
	PADDOCK_STEP_CHDIR, /* entering the working directory */
	PADDOCK_STEP_SPAWN, /* forking, pipes, the supervisor */
	PADDOCK_STEP_SESSION, /* reaching or serving a warm session */
	PADDOCK_STEP_CAPABILITY_SID, /* Windows: reading or storing the
				       * capability SIDs */
	PADDOCK_STEP_TOKEN, /* Windows: building the restricted token */
	PADDOCK_STEP_ACL, /* Windows: writing the ACL entries */
	PADDOCK_STEP_JOB, /* Windows: the job object holding the tree */
	PADDOCK_STEP_UNSUPPORTED, /* a feature this platform lacks */
	PADDOCK_STEP_SETUP, /* Windows: the elevated mode's setup, its
			     * marker or its secrets */
	PADDOCK_STEP_RUNNER, /* Windows: starting or talking to the runner */
	PADDOCK_STEP_PROXY, /* proxy mode: the proxy or its relay */
};

struct paddock_error {
	enum paddock_step step;
	int code; /* positive errno; 0 when not applicable */
	unsigned line; /* profile line number; 0 when none */
	const char *message; /* static text saying what was wrong, or
				    * NULL when the errno says it all */
	char operand[PADDOCK_OPERAND_MAX]; /* path or value; may be empty */
	unsigned long native; /* Windows: the GetLastError() value or
			       * HRESULT of the call that failed, which code
			       * translates; 0 elsewhere or when none */
};

/* How the command ended. */
enum paddock_outcome {
	PADDOCK_EXITED, /* status = its exit code */
	PADDOCK_SIGNALED, /* status = the signal that killed it */
	PADDOCK_TIMED_OUT, /* the timeout killed the tree; status = 0 */
	PADDOCK_EXEC_FAILED, /* the sandbox was built but the command could
				 * not be executed; status = positive errno
				 * (ENOENT: not found) */
	PADDOCK_FAILED, /* the sandbox could not be built; see error */
};

struct paddock_result {
	enum paddock_outcome outcome;
	int status;
	struct paddock_error error; /* filled for PADDOCK_FAILED */
};

enum paddock_log_level {
	PADDOCK_LOG_ERROR,
	PADDOCK_LOG_WARNING,
	PADDOCK_LOG_INFO, /* what is enforced */
	PADDOCK_LOG_DEBUG,
};

typedef void (*paddock_log_fn)(enum paddock_log_level level,
			       const char *message, void *userdata);

typedef struct paddock_policy paddock_policy;
typedef struct paddock_child paddock_child;

/* Returns the readable name of a step, such as "mount". */
PADDOCK_API const char *paddock_step_name(enum paddock_step step);

/* Parse "read-only", "workspace-write", "full-access" (and "off", "on",
 * "proxy" for the network). Return 0, or -EINVAL for any other word. */
PADDOCK_API int paddock_mode_parse(const char *word, enum paddock_mode *ret);
PADDOCK_API int paddock_isolation_parse(const char *word,
					enum paddock_isolation *ret);
PADDOCK_API int paddock_network_parse(const char *word,
				      enum paddock_network *ret);
/* "auto", "elevated", "unelevated". */
PADDOCK_API int paddock_windows_mode_parse(const char *word,
					   enum paddock_windows_mode *ret);

/* Parse a timeout in seconds, such as "10" or "2.5", into milliseconds.
 * -EINVAL unless it is a positive number of at most a year. */
PADDOCK_API int paddock_timeout_parse(const char *word, unsigned long *ret_ms);

/* Create a policy with the defaults listed at the top of this file. */
PADDOCK_API int paddock_policy_new(paddock_policy **ret);
/* Free a policy; NULL is accepted. */
PADDOCK_API void paddock_policy_free(paddock_policy *policy);

PADDOCK_API int paddock_policy_set_mode(paddock_policy *policy,
					enum paddock_mode mode);
/* The workspace is also the command's working directory. A relative path
 * is taken from the current directory when the policy is resolved. */
PADDOCK_API int paddock_policy_set_workspace(paddock_policy *policy,
					     const char *path);
/* One more writable root; it must exist when the command is spawned. */
PADDOCK_API int paddock_policy_add_writable_root(paddock_policy *policy,
						 const char *path);
/* One more protected name: a single path component such as ".hg". It stays
 * read-only at the top of every writable root and cannot be created there.
 * -EINVAL for "", ".", "..", or a name with a '/'. */
PADDOCK_API int paddock_policy_add_protected_name(paddock_policy *policy,
						  const char *name);
/* A path that must be unreadable inside the sandbox. A path that does not
 * exist is skipped (there is nothing to hide). */
PADDOCK_API int paddock_policy_add_deny_read(paddock_policy *policy,
					     const char *path);
/* Keep a pathname Unix socket of the host reachable. By default every
 * socket bound on the host when the command starts is unreachable (in the
 * namespace-free mode none can be blocked). The path must exist. */
PADDOCK_API int paddock_policy_allow_unix_socket(paddock_policy *policy,
						 const char *path);
/* Let the command create user namespaces (default false): what nested
 * sandboxes such as bubblewrap, or a nested paddock in full isolation,
 * need. Off, seccomp refuses them, since a user namespace hands the command
 * every capability over new namespaces, a large kernel attack surface. */
PADDOCK_API int paddock_policy_set_nested_userns(paddock_policy *policy,
						 bool allow);
PADDOCK_API int paddock_policy_set_network(paddock_policy *policy,
					   enum paddock_network network);
PADDOCK_API int paddock_policy_set_isolation(paddock_policy *policy,
					     enum paddock_isolation isolation);
/* Windows: which mode runs the command (default auto). Elsewhere any
 * value but auto makes paddock_spawn() fail (PADDOCK_STEP_UNSUPPORTED). */
PADDOCK_API int paddock_policy_set_windows_mode(paddock_policy *policy,
						enum paddock_windows_mode mode);
/* Whether /tmp and $TMPDIR are writable roots (default true). */
PADDOCK_API int paddock_policy_set_tmp_writable(paddock_policy *policy,
						bool writable);
/* The command's environment, a NULL-terminated "NAME=value" array that is
 * copied; NULL means inherit the caller's environment (the default). */
PADDOCK_API int paddock_policy_set_environment(paddock_policy *policy,
					       const char *const *envp);
/*
 * Proxy mode's rules (docs/network.md). A pattern is a host name
 * ("pypi.org"), a wildcard over its subdomains ("*.pythonhosted.org") or
 * an exact address ("192.0.2.1", "[2001:db8::1]"), each with an optional
 * ":PORT". A deny pattern wins over every allow pattern. -EINVAL with
 * err->message saying why for a malformed pattern.
 */
PADDOCK_API int paddock_policy_allow_domain(paddock_policy *policy,
					    const char *pattern,
					    struct paddock_error *err);
PADDOCK_API int paddock_policy_deny_domain(paddock_policy *policy,
					   const char *pattern,
					   struct paddock_error *err);
/* Where the proxy writes one JSON object per line for each refused request
 * (host, port, protocol, reason); the descriptor is the caller's, kept
 * open until paddock_child_wait() returns; -1 (the default) for none. */
PADDOCK_API int paddock_policy_set_proxy_report(paddock_policy *policy, int fd);
/*
 * For tests: make the proxy resolve name to address ("NAME=ADDRESS", like
 * curl's --resolve) instead of asking the system's resolver. The address
 * is the user's own choice, so the private-range refusal does not apply
 * to it; the domain rules still do.
 */
PADDOCK_API int paddock_policy_proxy_resolve(paddock_policy *policy,
					     const char *mapping,
					     struct paddock_error *err);
/* Kill the whole tree after this many milliseconds; 0 means no timeout. */
PADDOCK_API int paddock_policy_set_timeout_ms(paddock_policy *policy,
					      unsigned long timeout_ms);
PADDOCK_API void paddock_policy_get_timeout_ms(const paddock_policy *policy,
					       unsigned long *ret_timeout_ms);
/* Receive messages at level and more severe ones. */
PADDOCK_API void paddock_policy_set_log(paddock_policy *policy,
					enum paddock_log_level level,
					paddock_log_fn fn, void *userdata);

/* The protected names the policy applies, the defaults first. Valid until
 * the policy is changed or freed. */
PADDOCK_API size_t paddock_policy_protected_names(const paddock_policy *policy,
						  const char *const **ret);

/*
 * Apply a profile file to the policy. The format is one directive per line,
 * mirroring the long options of `paddock run`:
 *
 *     # comment
 *     cd PATH          sandbox MODE     write PATH      protect NAME
 *     deny-read PATH   network MODE     no-tmp          timeout SECONDS
 *     isolation MODE   allow-unix-socket PATH            allow-userns
 *     allow-domain PATTERN                deny-domain PATTERN
 *
 * Blank lines and lines starting with '#' are ignored. A value is the rest
 * of the line with surrounding blanks removed, so paths may contain spaces.
 * Relative paths are taken from the profile's own directory; a leading "~/"
 * means $HOME. On failure the policy may be partly changed; the error
 * carries the line number and a message. -EINVAL for a bad line.
 */
PADDOCK_API int paddock_profile_load(paddock_policy *policy, const char *path,
				     struct paddock_error *err);

/*
 * Resolve the policy, build the sandbox and start argv inside it; argv[0]
 * is searched in the PATH of the command's environment. The command's
 * stdin, stdout and stderr are the caller's. On success *ret is a child to
 * wait for. A sandbox that cannot be fully built is never run: the command
 * is only started once every restriction is in place.
 *
 * Failures found before the command's process starts (a bad policy, a
 * missing path, namespaces refused, a mount that failed) are returned here
 * with their step; with PADDOCK_ISOLATION_AUTO, namespaces refused by the
 * kernel select the namespace-free mode when it can enforce the policy (a
 * warning goes to the log callback). A failure of the command's own last
 * steps (entering the workspace, Landlock, capabilities, seccomp) is
 * reported by paddock_child_wait() as PADDOCK_FAILED.
 */
PADDOCK_API int paddock_spawn(const paddock_policy *policy,
			      const char *const *argv, paddock_child **ret,
			      struct paddock_error *err);

/* Pass a signal to the command. Async-signal-safe, so a signal handler may
 * call it. Returns 0 or a negative errno. */
PADDOCK_API int paddock_child_signal(const paddock_child *child, int sig);

/* Wait for the command to end, kill the whole tree on timeout, clean up
 * what the sandbox left on the host and free the child. Returns 0 (the
 * outcome is in *ret) or a negative errno if waiting itself failed, in
 * which case the tree has been killed. */
PADDOCK_API int paddock_child_wait(paddock_child *child,
				   struct paddock_result *ret);

/*
 * Warm sessions. An agent harness that runs many commands under one policy
 * opens a session once: paddock resolves the policy, reserves the protected
 * names and builds the sandbox's user and mount namespaces a single time.
 * Each command then starts in a fresh process tree with its own PID, mount,
 * IPC and (network off) network namespaces, a /proc of its own, Landlock,
 * seccomp and no capabilities, exactly as a cold start; no process
 * survives from one command to the next, and commands of one session
 * cannot see or signal each other. A command's stdin, stdout and stderr
 * are its caller's, its environment is its caller's unless the session's
 * policy sets one, and its working directory is the workspace.
 *
 * The session ends when paddock_session_close() is called, when a client
 * asks (paddock_session_stop), or when the process that opened it exits:
 * every running command's tree is then killed and the placeholders are
 * removed. Host sockets bound after the session started are covered for
 * the commands started after them, as in a cold start.
 */
typedef struct paddock_session paddock_session;

/* Open a session for the policy. When socket_path is not NULL, the session
 * also listens there (mode 0600; only the same user is admitted, and the
 * socket is unreachable from inside the sandbox) for
 * paddock_session_run() from other processes; an existing socket nobody
 * listens on is replaced, any other file is an error (-EEXIST). Failures
 * are those of paddock_spawn(), plus PADDOCK_STEP_SESSION. */
PADDOCK_API int paddock_session_open(const paddock_policy *policy,
				     const char *socket_path,
				     paddock_session **ret,
				     struct paddock_error *err);

/* Start argv in the session; the child is waited for with
 * paddock_child_wait() as after paddock_spawn(). timeout_ms 0 means the
 * session policy's timeout. */
PADDOCK_API int paddock_session_spawn(paddock_session *session,
				      const char *const *argv,
				      unsigned long timeout_ms,
				      paddock_child **ret,
				      struct paddock_error *err);

/* The same, from any process of the session's user, through the socket
 * the session listens on. */
PADDOCK_API int paddock_session_run(const char *socket_path,
				    const char *const *argv,
				    unsigned long timeout_ms,
				    paddock_child **ret,
				    struct paddock_error *err);

/* Ask the session listening on socket_path to end; returns once it has. */
PADDOCK_API int paddock_session_stop(const char *socket_path,
				     struct paddock_error *err);

/* Block until the session ends (asked by a client) and return 0, or
 * -EINTR when a signal arrived first. */
PADDOCK_API int paddock_session_wait(paddock_session *session);

/* A descriptor that polls readable or hung up once the session has ended,
 * for an event loop; then call paddock_session_wait(), which returns at
 * once. */
PADDOCK_API int paddock_session_fd(const paddock_session *session);

/* End the session if it is still running (killing the commands still in
 * it), remove its socket and placeholders, and free it. NULL is
 * accepted. */
PADDOCK_API void paddock_session_close(paddock_session *session);

/* What this machine can enforce. */
struct paddock_probe {
	int user_namespaces; /* 0 usable, else the positive errno */
	int userns_sysctl; /* kernel.unprivileged_userns_clone: 0, 1 or -1
				* when the kernel has no such switch */
	int apparmor_userns; /* kernel.apparmor_restrict_unprivileged_userns:
				* 0, 1 or -1 when absent */
	int max_user_namespaces; /* user.max_user_namespaces, -1 if unknown */
	int mount_api; /* 0 when open_tree/mount_setattr work */
	int proc_mount; /* 0 when a fresh /proc can be mounted */
	int landlock_abi; /* >0 the ABI version; else negative errno */
	int seccomp; /* 0 when seccomp filters can be installed */
	int namespace_free; /* 0 when the namespace-free mode is usable:
			     * Landlock ABI 6 or later */
	const char *isolation; /* what paddock run would use for the default
				* policy: "namespaces", "landlock",
				* "unelevated" (Windows), or NULL when it
				* would refuse to run */
	/* Windows only (0 elsewhere): 0 when a write-restricted token can
	 * be built from the caller's, else the native error code. */
	unsigned long restricted_token;
	/* Windows only (0 elsewhere): true when the caller's token is
	 * elevated (an administrator past UAC). */
	bool elevated;
};

/* Probe the machine. Never fails: each field says what it found. */
PADDOCK_API void paddock_probe(struct paddock_probe *ret);

#ifdef __cplusplus
}
#endif

#endif /* PADDOCK_H */
