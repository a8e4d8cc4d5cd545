/* SPDX-License-Identifier: MIT */
/*
 * Proxy mode on Linux: how the proxy (src/proxy/server.c) is reached from
 * inside the sandbox, and nothing else is.
 *
 *   paddock (the caller)  forks the proxy before the supervisor, with one
 *        |                end of a Unix socket pair; the supervisor gets
 *        |                the other end.
 *   proxy                 on the host's side: the host's network and
 *        |                resolver. It waits for one listening socket.
 *   supervisor            in the sandbox's new network namespace, with only
 *                         its loopback: it binds 127.0.0.1:PROXY_PORT there
 *                         and passes the listening socket to the proxy
 *                         (SCM_RIGHTS), keeping no copy.
 *
 * A socket belongs to the network namespace it was created in, wherever
 * its descriptor goes: so the proxy accepts the sandbox's connections on
 * the sandbox's loopback, and connects out from the host's namespace. No
 * relay process, no path in the file system, no route out of the sandbox:
 * a client that ignores the proxy variables has nowhere to connect to.
 *
 * The proxy runs as the caller, outside the sandbox, and parses what the
 * sandbox sends: it is a process of its own so that a fault in it cannot
 * touch the caller's memory, it dies with the caller (a parent-death
 * signal) and with the run (paddock_child_wait kills it), and it holds no
 * descriptor of the caller's but its three.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux.h"
#include "proxy/server.h"

/* Close every descriptor above 2 but the ones in keep (sorted, >= 3). */
static void close_all_but(const int *keep, size_t n)
{
	unsigned from = 3;

	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}

static void sort3(int *v)
{
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (v[j] < v[i]) {
				int t = v[i];

				v[i] = v[j];
				v[j] = t;
			}
}

/* Receive the listening socket the supervisor sends; -1 when it ended
 * without one. */
static int receive_listener(int sock)
{
	char byte;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int fd;

	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	cm = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!cm || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

struct outputs {
	int report_fd;
	int log_fd;
};

static void write_report(void *ctx, const char *line)
{
	const struct outputs *out = ctx;

	if (write(out->report_fd, line, strlen(line)) < 0) {
		/* The log line that follows is all that is left. */
	}
}

/* Non-blocking: a line the caller is not reading now is dropped. */
static void write_log(void *ctx, const char *line)
{
	const struct outputs *out = ctx;

	if (write(out->log_fd, line, strlen(line)) < 0) {
		/* Dropped. */
	}
}

/* The proxy parses what the sandbox sends: it gives up what it does not
 * need first. It reads (the resolver's files) and connects out, and writes
 * only through the descriptors it holds. */
static int confine(int landlock_abi, const struct sock_fprog *filter)
{
	int r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	r = landlock_confine_proxy(landlock_abi);
	if (r == 0)
		r = seccomp_install(filter);
	return r;
}

/* What the proxy keeps of paddock's process: stdin from /dev/null, stdout
 * and stderr, and its own three descriptors. */
static void keep_only(int sock, int log_fd, int report_fd)
{
	int keep[3] = { sock, log_fd, report_fd };
	int devnull;

	sort3(keep);
	close_all_but(keep, 3);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, 0);
		close(devnull);
	}
}

/*
 * The name the rules decided on must be the only name looked up. glibc's
 * resolver, after NXDOMAIN, tries the name again under each "search"
 * domain of resolv.conf (and HOSTALIASES maps single-label names to
 * others), so that "nx.allowed.test" could be connected to as
 * "nx.allowed.test.corp.example", a name no rule saw. An empty
 * LOCALDOMAIN replaces the search list with none (resolv.conf(5)). Set
 * here, before the proxy's first lookup and before it has threads, since
 * the resolver reads the environment when it is first initialized.
 */
static int resolve_only_the_name(void)
{
	if (setenv("LOCALDOMAIN", "", 1) < 0 || unsetenv("HOSTALIASES") < 0)
		return -errno;
	return 0;
}

static _Noreturn void proxy_main(const struct paddock_policy *policy,
				 int landlock_abi,
				 const struct sock_fprog *filter, pid_t parent,
				 int sock, int log_fd)
{
	static atomic_uint live;
	struct outputs out = { policy->proxy_report_fd, log_fd };
	struct proxy_server server;
	struct proxy_rules rules;
	struct proxy_map_entry *map;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(0);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	keep_only(sock, log_fd, policy->proxy_report_fd);
	fcntl(log_fd, F_SETFL, O_NONBLOCK);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (confine(landlock_abi, filter) < 0) {
		write_log(&out, "cannot confine the proxy itself\n");
		_exit(1);
	}
	if (resolve_only_the_name() < 0) {
		write_log(&out, "cannot turn off the resolver's search list\n");
		_exit(1);
	}
	if (policy_proxy_rules(policy, &rules, &map, NULL) < 0)
		_exit(1);

	server = (struct proxy_server){
		.rules = &rules,
		.map = map,
		.n_map = policy->proxy_resolve.len,
		.listen_fd = receive_listener(sock),
		.stop_fd = sock,
		.report = policy->proxy_report_fd >= 0 ? write_report : NULL,
		.log = write_log,
		.ctx = &out,
		.live = &live,
		.connections_max = PROXY_CONNECTIONS_MAX,
		.head_timeout_ms = PROXY_HEAD_TIMEOUT_MS,
		.connect_timeout_ms = PROXY_CONNECT_TIMEOUT_MS,
		.idle_timeout_ms = PROXY_IDLE_TIMEOUT_MS,
	};
	if (server.listen_fd < 0)
		_exit(0);
	_exit(proxy_serve(&server) < 0 ? 1 : 0);
}

int proxy_launch(const struct paddock_policy *policy, int landlock_abi,
		 const struct sock_fprog *filter, struct proxy_run *run,
		 struct paddock_error *err)
{
	int sv[2], logp[2];
	pid_t parent = getpid();

	*run = (struct proxy_run){ .supervisor_fd = -1,
				   .log_fd = -1,
				   .log_level = policy->log_level,
				   .log_fn = policy->log_fn,
				   .log_userdata = policy->log_userdata };
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error_set(err, PADDOCK_STEP_PROXY, errno, NULL, NULL);
	if (pipe2(logp, O_CLOEXEC) < 0) {
		int code = errno;

		close(sv[0]);
		close(sv[1]);
		return error_set(err, PADDOCK_STEP_PROXY, code, NULL, NULL);
	}
	/* fork(), not a raw clone: the proxy uses the C library (threads,
	 * the resolver), whose fork handlers must run. */
	run->pid = fork();
	if (run->pid < 0) {
		int code = errno;

		close(sv[0]);
		close(sv[1]);
		close(logp[0]);
		close(logp[1]);
		return error_set(err, PADDOCK_STEP_PROXY, code, NULL, NULL);
	}
	if (run->pid == 0)
		proxy_main(policy, landlock_abi, filter, parent, sv[1],
			   logp[1]);
	close(sv[1]);
	close(logp[1]);
	run->supervisor_fd = sv[0];
	run->log_fd = logp[0];
	return 0;
}

/* Pass each whole line the proxy wrote to the log callback. */
static void log_lines(struct proxy_run *run)
{
	char *start = run->partial, *nl;

	while ((nl = memchr(start, '\n',
			    run->partial_len -
				    (size_t)(start - run->partial)))) {
		*nl = '\0';
		if (run->log_fn && run->log_level >= PADDOCK_LOG_INFO) {
			char line[sizeof(run->partial) + 16];

			snprintf(line, sizeof(line), "proxy: %s", start);
			run->log_fn(PADDOCK_LOG_INFO, line, run->log_userdata);
		}
		start = nl + 1;
	}
	run->partial_len -= (size_t)(start - run->partial);
	memmove(run->partial, start, run->partial_len);
	/* A line longer than the buffer is cut rather than kept whole. */
	if (run->partial_len == sizeof(run->partial))
		run->partial_len = 0;
}

void proxy_drain(struct proxy_run *run)
{
	for (;;) {
		struct pollfd pfd = { .fd = run->log_fd, .events = POLLIN };
		ssize_t n;

		if (run->log_fd < 0 || poll(&pfd, 1, 0) != 1)
			return;
		n = read(run->log_fd, run->partial + run->partial_len,
			 sizeof(run->partial) - run->partial_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(run->log_fd);
			run->log_fd = -1;
			return;
		}
		run->partial_len += (size_t)n;
		log_lines(run);
	}
}

void proxy_finish(struct proxy_run *run)
{
	if (run->pid <= 0)
		return;
	kill(run->pid, SIGKILL);
	while (waitpid(run->pid, NULL, 0) < 0 && errno == EINTR)
		;
	proxy_drain(run);
	if (run->log_fd >= 0)
		close(run->log_fd);
	if (run->supervisor_fd >= 0)
		close(run->supervisor_fd);
	*run = (struct proxy_run){ .pid = 0 };
}

int proxy_listen_send(int sock)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(PROXY_PORT),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} control = { 0 };
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 128) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
		r = -errno;
	close(fd);
	close(sock);
	return r;
}

int proxy_environment(char *const *envp, struct strv *ret)
{
	struct proxy_env vars[PROXY_ENV_MAX];
	size_t n = proxy_env("127.0.0.1", PROXY_PORT, vars, PROXY_ENV_MAX);
	const char *java = NULL;
	int r = 0;

	for (size_t i = 0; envp[i] && r == 0; i++) {
		size_t len = strcspn(envp[i], "=");
		bool ours = false;

		for (size_t j = 0; j < n && !ours; j++)
			ours = strlen(vars[j].name) == len &&
			       strncmp(envp[i], vars[j].name, len) == 0;
		if (ours && strncmp(envp[i], "JAVA_TOOL_OPTIONS=", 18) == 0)
			java = envp[i] + 18;
		if (!ours)
			r = strv_push(ret, envp[i]);
	}
	for (size_t j = 0; j < n && r == 0; j++) {
		bool merge = java && java[0] &&
			     strcmp(vars[j].name, "JAVA_TOOL_OPTIONS") == 0;
		size_t len = strlen(vars[j].name) + strlen(vars[j].value) +
			     (merge ? strlen(java) + 1 : 0) + 2;
		char *s = malloc(len);

		if (!s)
			return -ENOMEM;
		snprintf(s, len, "%s=%s%s%s", vars[j].name, vars[j].value,
			 merge ? " " : "", merge ? java : "");
		r = strv_push_owned(ret, s);
	}
	return r;
}
