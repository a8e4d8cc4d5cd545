/* SPDX-License-Identifier: MIT */
/*
 * Warm sessions (see paddock.h). Three kinds of process:
 *
 *   owner       paddock_session_open(): resolves the policy, reserves the
 *       |       missing protected names, binds the socket, then forks:
 *   server      in full isolation it enters a new user and mount namespace
 *       |       and builds the sandbox's view once (spawn.c, mounts.c);
 *       |       then it serves requests, cloning for each one:
 *   supervisor  PID 1 of new PID, mount, IPC (and, network off, network)
 *               namespaces: it mounts its own /proc, /dev/shm and
 *               /dev/pts, covers host sockets that appeared since, and runs
 *               the command exactly as a cold start does, reporting to the
 *               client over the client's connection.
 *
 * The server is forked, not raw-cloned: it lives long and allocates, and
 * the library's caller may have threads. It stays in the host's network
 * namespace, so that it reads the host's /proc/net/unix for each command.
 *
 * Trust boundary. Requests reach the server on its listening socket and on
 * the owner's channel. The socket has mode 0600 and the server admits a
 * peer only when SO_PEERCRED gives the session's own uid; inside the
 * sandbox the socket is covered like every host socket (it is bound before
 * the view is built), and none of the server's descriptors reaches a
 * command (close-on-exec, and each supervisor closes all but its own).
 * So requests come from the user who opened the session. They still carry
 * nothing a cold start would not take from its caller: argv, environment,
 * stdio and a timeout; the policy, the mounts and the filters are the
 * session's, fixed at open. Every count and length is bounded, a request
 * must arrive within SESSION_RECV_TIMEOUT_S, and a malformed one is
 * answered with an error frame and dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux.h"

extern char **environ;

#define SESSION_MAGIC 0x70646b73u /* "pdks" */
#define SESSION_VERSION 1u
#define SESSION_MAX_STRINGS 65536u
#define SESSION_MAX_PAYLOAD (8u << 20)
#define SESSION_CHUNK 65536u
#define SESSION_MAX_COMMANDS 128
#define SESSION_RECV_TIMEOUT_S 5
#define SESSION_STOP_WAIT_MS 10000
#define CONNECT_RETRIES 40 /* of 5 ms */
/* The kernel's overflow uid: what SO_PEERCRED says of an unmapped user
 * inside the server's user namespace. */
#define OVERFLOW_UID 65534

enum session_request_type {
	SESSION_SPAWN = 1, /* argv and environment follow, stdio attached */
	SESSION_STOP, /* end the session */
	SESSION_CONNECTION, /* owner only: a new connection is attached */
};

struct session_request {
	uint32_t magic;
	uint32_t version;
	uint32_t type;
	uint32_t argc;
	uint32_t envc;
	uint32_t payload_len; /* argc + envc NUL-terminated strings */
	uint64_t timeout_ms; /* 0: the session policy's */
};

/* After a spawn request the client may send these on its connection. */
enum {
	SESSION_SIGNAL = 1
};

struct session_control {
	uint32_t type;
	int32_t value;
};

struct paddock_session {
	struct paddock_child *c; /* supervisor: the server; report_fd: the
				  * owner's channel */
	char *socket_path; /* removed at close; NULL without one */
	dev_t socket_dev;
	ino_t socket_ino;
	bool ended;
};

/* One command of the session, as the server tracks it. */
struct session_command {
	pid_t pid; /* its supervisor */
	int pidfd;
	int conn; /* the client's connection; -1 once the client is gone */
	char *scratch; /* its private $TMPDIR (namespace-free mode) */
	struct timespec deadline; /* tv_sec 0: none */
	bool timed_out;
};

struct session_server {
	const struct paddock_policy *policy;
	struct paddock_child *c; /* the spec every command starts from */
	int control; /* the owner's channel */
	int listen_fd; /* -1 without a socket */
	struct session_command cmds[SESSION_MAX_COMMANDS];
	size_t n_cmds;
	bool stop;
	bool owner_gone;
};

static int sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static ssize_t send_all(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* Send a header, with descriptors attached when n_fds > 0. */
static int send_header(int fd, const struct session_request *req,
		       const int *fds, size_t n_fds)
{
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)req, .iov_len = sizeof(*req) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	memset(&u, 0, sizeof(u));
	if (n_fds) {
		struct cmsghdr *cm;

		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n_fds * sizeof(int));
	}
	do {
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*req) ? 0 : -EIO;
}

/* Receive a header and up to three descriptors (close-on-exec). Returns
 * the number of descriptors, 0 at end of file, or -errno. */
static int recv_header(int fd, struct session_request *req, int fds[3])
{
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = req, .iov_len = sizeof(*req) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int got = 0;

	do {
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		size_t k;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int one;

			memcpy(&one, CMSG_DATA(cm) + i * sizeof(int),
			       sizeof(int));
			if (got < 3)
				fds[got++] = one;
			else
				close(one);
		}
	}
	if (n != (ssize_t)sizeof(*req) || (msg.msg_flags & MSG_CTRUNC) ||
	    req->magic != SESSION_MAGIC || req->version != SESSION_VERSION) {
		while (got > 0)
			close(fds[--got]);
		return -EPROTO;
	}
	return got + 1;
}

/* ---- The server ------------------------------------------------------ */

static void server_fail(int conn, int code, const char *operand)
{
	report_send(conn, REPORT_SETUP_FAILED, PADDOCK_STEP_SESSION, code,
		    operand);
}

/* Answer with an error and close. What the client sent and the server did
 * not read is dropped first: closing a socket with unread data resets the
 * connection, and the client would see ECONNRESET instead of the error. */
static void server_refuse(int conn, int code)
{
	char sink[4096];

	for (unsigned i = 0; i < 2 * SESSION_MAX_PAYLOAD / SESSION_CHUNK; i++) {
		if (recv(conn, sink, sizeof(sink), MSG_DONTWAIT | MSG_TRUNC) <
		    0)
			break;
	}
	server_fail(conn, code, NULL);
	close(conn);
}

/* Read payload_len bytes sent in chunks of at most SESSION_CHUNK. */
static int recv_payload(int conn, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct iovec iov = { .iov_base = buf + got,
				     .iov_len = len - got };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(conn, &msg, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		if (msg.msg_flags & MSG_TRUNC)
			return -EPROTO;
		got += (size_t)n;
	}
	return 0;
}

/* Split the payload into argv and envp: exactly argc + envc strings. */
static int split_payload(char *buf, size_t len,
			 const struct session_request *req, char ***ret_argv,
			 char ***ret_envp)
{
	size_t total = (size_t)req->argc + req->envc, k = 0;
	char **v = calloc(total + 2, sizeof(char *));
	char *p = buf, *end = buf + len;

	if (!v)
		return -ENOMEM;
	while (p < end && k < total) {
		char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			break;
		v[k++] = p;
		p = nul + 1;
	}
	if (k != total || p != end || !v[0] || !v[0][0]) {
		free(v);
		return -EPROTO;
	}
	/* argv is v[0..argc), NULL; envp is the rest, NULL. */
	memmove(v + req->argc + 1, v + req->argc, req->envc * sizeof(char *));
	v[req->argc] = NULL;
	v[total + 1] = NULL;
	*ret_argv = v;
	*ret_envp = v + req->argc + 1;
	return 0;
}

static int read_request(int conn, const struct session_request *req,
			char **ret_buf, char ***ret_argv, char ***ret_envp)
{
	char *buf;
	int r;

	if (req->argc == 0 || req->argc > SESSION_MAX_STRINGS ||
	    req->envc > SESSION_MAX_STRINGS || req->payload_len == 0 ||
	    req->payload_len > SESSION_MAX_PAYLOAD)
		return -E2BIG;
	buf = malloc(req->payload_len);
	if (!buf)
		return -ENOMEM;
	r = recv_payload(conn, buf, req->payload_len);
	if (r == 0)
		r = split_payload(buf, req->payload_len, req, ret_argv,
				  ret_envp);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret_buf = buf;
	return 0;
}

/* In the supervisor: stdio on 0-2, the connection on 3, nothing else. */
static int command_descriptors(int conn, const int stdio[3])
{
	int moved[4];

	for (int i = 0; i < 4; i++) {
		moved[i] = fcntl(i < 3 ? stdio[i] : conn, F_DUPFD_CLOEXEC, 16);
		if (moved[i] < 0)
			return -errno;
	}
	for (int i = 0; i < 4; i++) {
		if (dup3(moved[i], i, i == 3 ? O_CLOEXEC : 0) < 0)
			return -errno;
	}
	if (syscall(SYS_close_range, 4U, ~0U, 0U) < 0)
		return -errno;
	return 3;
}

static void deadline_after(struct timespec *ret, unsigned long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ret);
	ret->tv_sec += (time_t)(ms / 1000);
	ret->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ret->tv_nsec >= 1000000000L) {
		ret->tv_sec++;
		ret->tv_nsec -= 1000000000L;
	}
}

/* What differs from the session's spec for one command: its argv and
 * environment, a private $TMPDIR without namespaces, the host sockets
 * bound since the session started. */
static int command_spec(struct session_server *srv, struct sandbox_spec *cmd,
			char **argv, char **client_env, struct strv *env,
			struct strv *sockets)
{
	const struct paddock_policy *policy = srv->policy;
	const struct plan *plan = &srv->c->plan;
	char *const *envp =
		policy->inherit_env ? client_env : policy->env.items;
	int r = 0;

	*cmd = srv->c->spec;
	cmd->session = false;
	cmd->session_command = true;
	cmd->placeholders = NULL; /* the session's, released by the owner */
	cmd->scratch = NULL;
	cmd->host_sockets = NULL;
	cmd->envp = envp ? envp : (char *[]){ NULL };
	if (cmd->direct && plan->confine_writes && policy->tmp_writable &&
	    plan->roots.len) {
		r = direct_prepare(cmd, env, NULL);
		if (r == 0)
			cmd->envp = env->items;
	}
	if (r == 0 && !cmd->direct && plan->confine_writes) {
		r = sockets_collect(plan, sockets);
		cmd->host_sockets = sockets->items;
	}
	if (r == 0)
		r = spawn_prepare_command(cmd, (const char *const *)argv,
					  cmd->envp);
	return r;
}

static void command_spec_free(struct sandbox_spec *cmd, struct strv *env,
			      struct strv *sockets)
{
	for (char **p = cmd->exec_paths; p && *p; p++)
		free(*p);
	free(cmd->exec_paths);
	for (char **p = cmd->sh_argv; p && *p; p++)
		free(*p);
	free(cmd->sh_argv);
	strv_clear(env);
	strv_clear(sockets);
}

static int clone_supervisor(struct sandbox_spec *cmd, int conn,
			    const int stdio[3])
{
	unsigned long flags = 0;
	pid_t pid;

	if (!cmd->direct)
		flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
			(cmd->new_net ? CLONE_NEWNET : 0);
	pid = raw_clone(flags);
	if (pid == 0) {
		int fd = command_descriptors(conn, stdio);

		if (fd < 0)
			_exit(125);
		cmd->report_fd = fd;
		supervisor_main(cmd);
	}
	return pid < 0 ? -errno : pid;
}

static int start_command(struct session_server *srv, int conn,
			 const int stdio[3], char **argv, char **client_env,
			 uint64_t timeout_ms)
{
	struct session_command *sc = &srv->cmds[srv->n_cmds];
	struct strv env = { 0 }, sockets = { 0 };
	struct sandbox_spec cmd;
	int r, pid;

	if (srv->n_cmds == SESSION_MAX_COMMANDS)
		return -EAGAIN;
	r = command_spec(srv, &cmd, argv, client_env, &env, &sockets);
	pid = r < 0 ? r : clone_supervisor(&cmd, conn, stdio);
	command_spec_free(&cmd, &env, &sockets);
	if (pid < 0) {
		direct_remove_scratch(cmd.scratch);
		free(cmd.scratch);
		return pid;
	}
	*sc = (struct session_command){ .pid = pid,
					.pidfd = sys_pidfd_open(pid),
					.conn = conn,
					.scratch = cmd.scratch };
	if (!timeout_ms)
		timeout_ms = srv->policy->timeout_ms;
	if (timeout_ms)
		deadline_after(&sc->deadline,
			       timeout_ms > 31536000000ULL
				       ? 31536000000UL
				       : (unsigned long)timeout_ms);
	srv->n_cmds++;
	return 0;
}

/* A spawn request, read from conn; conn is kept by the command or closed. */
static void serve_spawn(struct session_server *srv, int conn,
			const struct session_request *req, const int stdio[3],
			int n_fds)
{
	char *buf = NULL, **argv = NULL, **envp = NULL;
	int r = n_fds == 3 ? read_request(conn, req, &buf, &argv, &envp)
			   : -EPROTO;

	if (r == 0)
		r = start_command(srv, conn, stdio, argv, envp,
				  req->timeout_ms);
	if (r < 0)
		server_refuse(conn, -r);
	free(argv);
	free(buf);
}

static void serve_connection(struct session_server *srv, int conn)
{
	const struct timeval limit = { .tv_sec = SESSION_RECV_TIMEOUT_S };
	struct session_request req;
	int fds[3] = { -1, -1, -1 };
	int got;

	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	got = recv_header(conn, &req, fds);
	if (got > 0 && req.type == SESSION_SPAWN)
		serve_spawn(srv, conn, &req, fds, got - 1);
	else if (got > 0 && req.type == SESSION_STOP)
		srv->stop = true; /* conn stays open: EOF says it is done */
	else if (got > 0)
		server_refuse(conn, EPROTO);
	else
		close(conn);
	for (int i = 0; i < got - 1; i++)
		close(fds[i]);
}

/* The peer must be the session's own user. Inside the server's user
 * namespace an unmapped uid reads as the overflow uid, which
 * paddock_session_open() refuses as an owner. */
static bool peer_admitted(const struct session_server *srv, int conn)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == srv->c->spec.uid;
}

static void serve_listener(struct session_server *srv)
{
	int conn = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (conn < 0)
		return;
	if (!peer_admitted(srv, conn)) {
		server_refuse(conn, EACCES);
		return;
	}
	serve_connection(srv, conn);
}

/* The owner's channel: a connection it made for paddock_session_spawn(),
 * a stop, or end of file when the owner is gone. */
static void serve_control(struct session_server *srv)
{
	struct session_request req;
	int fds[3] = { -1, -1, -1 };
	int got = recv_header(srv->control, &req, fds);

	if (got <= 0 && got != -EPROTO && got != -EAGAIN) {
		srv->stop = srv->owner_gone = true;
		return;
	}
	if (got == 2 && req.type == SESSION_CONNECTION) {
		serve_connection(srv, fds[0]);
		return;
	}
	if (got > 0 && req.type == SESSION_STOP)
		srv->stop = true;
	for (int i = 0; i < got - 1; i++)
		close(fds[i]);
}

/* Kill a command's whole tree: its supervisor is PID 1 of the command's
 * namespace; without namespaces it kills the tree itself on SIGRTMIN. */
static void kill_command(const struct session_server *srv,
			 const struct session_command *sc)
{
	kill(sc->pid, srv->c->spec.direct ? SIGRTMIN : SIGKILL);
}

static void serve_client(struct session_server *srv, struct session_command *sc)
{
	struct session_control ctl;
	ssize_t n;

	do {
		n = recv(sc->conn, &ctl, sizeof(ctl), MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n == (ssize_t)sizeof(ctl) && ctl.type == SESSION_SIGNAL &&
	    ctl.value > 0 && ctl.value < NSIG && ctl.value != SIGKILL &&
	    ctl.value != SIGSTOP) {
		kill(sc->pid, ctl.value);
		return;
	}
	/* The client is gone (or spoke nonsense): as when paddock dies in a
	 * cold start, the command's tree dies. */
	kill_command(srv, sc);
	close(sc->conn);
	sc->conn = -1;
}

/* The supervisor has ended: tell a client it timed out, clean up. */
static void reap_command(struct session_command *sc)
{
	while (waitpid(sc->pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	if (sc->conn >= 0 && sc->timed_out)
		report_send(sc->conn, REPORT_TIMED_OUT, PADDOCK_STEP_NONE, 0,
			    NULL);
	if (sc->conn >= 0)
		close(sc->conn);
	if (sc->pidfd >= 0)
		close(sc->pidfd);
	direct_remove_scratch(sc->scratch);
	free(sc->scratch);
	sc->pid = 0;
}

static int ms_until(const struct timespec *deadline, const struct timespec *now)
{
	long long ms = (long long)(deadline->tv_sec - now->tv_sec) * 1000 +
		       (deadline->tv_nsec - now->tv_nsec) / 1000000;

	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

/* Kill the commands past their deadline; return the poll timeout. */
static int expire_commands(struct session_server *srv)
{
	struct timespec now;
	int wait = -1;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (size_t i = 0; i < srv->n_cmds; i++) {
		struct session_command *sc = &srv->cmds[i];
		int left;

		if (!sc->deadline.tv_sec || sc->timed_out)
			continue;
		left = ms_until(&sc->deadline, &now);
		if (left == 0) {
			sc->timed_out = true;
			kill_command(srv, sc);
		} else if (wait < 0 || left < wait) {
			wait = left;
		}
	}
	return wait;
}

static void compact_commands(struct session_server *srv)
{
	size_t k = 0;

	for (size_t i = 0; i < srv->n_cmds; i++) {
		if (srv->cmds[i].pid)
			srv->cmds[k++] = srv->cmds[i];
	}
	srv->n_cmds = k;
}

static void serve(struct session_server *srv)
{
	struct pollfd pfds[2 + 2 * SESSION_MAX_COMMANDS];

	while (!srv->stop) {
		size_t n_cmds = srv->n_cmds;
		int wait = expire_commands(srv);

		pfds[0] =
			(struct pollfd){ .fd = srv->control, .events = POLLIN };
		pfds[1] = (struct pollfd){ .fd = srv->listen_fd,
					   .events = POLLIN };
		for (size_t i = 0; i < n_cmds; i++) {
			pfds[2 + 2 * i] =
				(struct pollfd){ .fd = srv->cmds[i].pidfd,
						 .events = POLLIN };
			pfds[3 + 2 * i] =
				(struct pollfd){ .fd = srv->cmds[i].conn,
						 .events = POLLIN };
		}
		if (poll(pfds, 2 + 2 * n_cmds, wait) <= 0)
			continue;
		for (size_t i = 0; i < n_cmds; i++) {
			struct session_command *sc = &srv->cmds[i];

			if (pfds[3 + 2 * i].revents && sc->conn >= 0)
				serve_client(srv, sc);
			if (pfds[2 + 2 * i].revents)
				reap_command(sc);
		}
		compact_commands(srv);
		if (pfds[0].revents)
			serve_control(srv);
		if (pfds[1].revents && !srv->stop)
			serve_listener(srv);
	}
}

/* The end: every command's tree dies; when the owner is gone, the server
 * also removes the placeholders, as a supervisor does in a cold start. */
static _Noreturn void server_end(struct session_server *srv)
{
	for (size_t i = 0; i < srv->n_cmds; i++)
		kill_command(srv, &srv->cmds[i]);
	for (size_t i = 0; i < srv->n_cmds; i++) {
		srv->cmds[i].timed_out = false;
		reap_command(&srv->cmds[i]);
	}
	if (srv->owner_gone)
		placeholders_release_inside(srv->c->placeholders);
	_exit(0);
}

static int server_setup(struct session_server *srv, enum paddock_step *step,
			const char **operand)
{
	struct sandbox_spec *spec = &srv->c->spec;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int r;

	/* Its own session and process group: a terminal's Ctrl-C meant for
	 * the owner does not reach the commands of other clients. */
	setsid();
	if (null >= 0) {
		for (int fd = 0; fd < 3; fd++)
			dup2(null, fd);
		close(null);
	}
	signal(SIGPIPE, SIG_IGN);

	if (!spec->direct) {
		*step = PADDOCK_STEP_USER_NAMESPACE;
		if (unshare(CLONE_NEWUSER) < 0)
			return -errno;
		*step = PADDOCK_STEP_ID_MAP;
		r = spawn_write_id_maps(spec->uid, spec->gid);
		if (r < 0)
			return r;
		*step = PADDOCK_STEP_USER_NAMESPACE;
		if (unshare(CLONE_NEWNS) < 0)
			return -errno;
		r = mounts_build(spec, step, operand);
		if (r < 0)
			return r;
	}
	*step = PADDOCK_STEP_SESSION;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static _Noreturn void server_main(struct session_server *srv)
{
	enum paddock_step step = PADDOCK_STEP_SESSION;
	const char *operand = NULL;
	int r = server_setup(srv, &step, &operand);

	if (r < 0) {
		report_send(srv->control, REPORT_SETUP_FAILED, step, -r,
			    operand);
		_exit(125);
	}
	report_send(srv->control, REPORT_READY, PADDOCK_STEP_NONE, 0, NULL);
	serve(srv);
	server_end(srv);
}

/* ---- The owner ------------------------------------------------------- */

struct session_launch {
	const struct paddock_policy *policy;
	int listen_fd;
};

/* The launch step of spawn_start(): fork the server, wait until it has
 * built the sandbox's view. */
static int session_launch(struct paddock_child *c, struct paddock_error *err)
{
	const struct session_launch *how = c->launch_data;
	int fds[2];

	c->spec.session = true;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return error_set(err, PADDOCK_STEP_SESSION, errno, NULL, NULL);
	c->supervisor = fork();
	if (c->supervisor < 0) {
		int code = errno;

		close(fds[0]);
		close(fds[1]);
		return error_set(err, PADDOCK_STEP_SPAWN, code, NULL, NULL);
	}
	if (c->supervisor == 0) {
		struct session_server srv = { .policy = how->policy,
					      .c = c,
					      .control = fds[1],
					      .listen_fd = how->listen_fd };

		close(fds[0]);
		server_main(&srv);
	}
	close(fds[1]);
	c->report_fd = fds[0];
	return spawn_wait_ready(c, err);
}

static int fill_address(const char *path, struct sockaddr_un *ret,
			struct paddock_error *err)
{
	size_t len = strlen(path);

	*ret = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (!len || len >= sizeof(ret->sun_path))
		return error_set(err, PADDOCK_STEP_SESSION, ENAMETOOLONG, path,
				 "a socket path must be 1 to 107 bytes long");
	memcpy(ret->sun_path, path, len);
	return 0;
}

/* A socket left by a session whose owner died: nobody accepts on it. Any
 * other file at the path is the user's and stays. */
static int remove_stale_socket(const struct sockaddr_un *sa,
			       struct paddock_error *err)
{
	struct stat st;
	int probe, r;

	if (lstat(sa->sun_path, &st) < 0)
		return error_set(err, PADDOCK_STEP_SESSION, errno, sa->sun_path,
				 NULL);
	if (!S_ISSOCK(st.st_mode))
		return error_set(err, PADDOCK_STEP_SESSION, EEXIST,
				 sa->sun_path,
				 "the path exists and is not a socket");
	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return error_set(err, PADDOCK_STEP_SESSION, errno, NULL, NULL);
	r = connect(probe, (const struct sockaddr *)sa, sizeof(*sa));
	close(probe);
	if (r == 0)
		return error_set(err, PADDOCK_STEP_SESSION, EADDRINUSE,
				 sa->sun_path,
				 "a session already listens on this socket");
	if (unlink(sa->sun_path) < 0 && errno != ENOENT)
		return error_set(err, PADDOCK_STEP_SESSION, errno, sa->sun_path,
				 NULL);
	return 0;
}

/* Bind and listen before the sandbox's view is built, so that the socket
 * is among the host sockets covered inside it. */
static int session_listen(paddock_session *s, const char *path, int *ret,
			  struct paddock_error *err)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, r = fill_address(path, &sa, err);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_set(err, PADDOCK_STEP_SESSION, errno, path, NULL);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (r < 0 && errno == EADDRINUSE) {
		r = remove_stale_socket(&sa, err);
		if (r < 0) {
			close(fd);
			return r;
		}
		r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	/* Until the chmod the socket may be open to others; the server's
	 * peer check still admits only the owner's uid. */
	if (r < 0 || chmod(path, 0600) < 0 || listen(fd, 64) < 0 ||
	    lstat(path, &st) < 0) {
		int code = errno;

		if (r == 0)
			unlink(path);
		close(fd);
		return error_set(err, PADDOCK_STEP_SESSION, code, path, NULL);
	}
	s->socket_dev = st.st_dev;
	s->socket_ino = st.st_ino;
	*ret = fd;
	return 0;
}

/* Remove the socket if it is still the one this session bound. */
static void remove_own_socket(const paddock_session *s)
{
	struct stat st;

	if (s->socket_path && lstat(s->socket_path, &st) == 0 &&
	    st.st_dev == s->socket_dev && st.st_ino == s->socket_ino)
		unlink(s->socket_path);
}

int paddock_session_open(const paddock_policy *policy, const char *socket_path,
			 paddock_session **ret, struct paddock_error *err)
{
	struct session_launch how = { .policy = policy, .listen_fd = -1 };
	paddock_session *s = calloc(1, sizeof(*s));
	int r = -ENOMEM;

	if (!s || !(s->c = calloc(1, sizeof(*s->c))))
		goto fail;
	s->c->report_fd = -1;
	s->c->launch = session_launch;
	s->c->launch_data = &how;
	if (socket_path && geteuid() == OVERFLOW_UID) {
		r = error_set(
			err, PADDOCK_STEP_SESSION, EPERM, socket_path,
			"the overflow user (nobody) cannot be told apart from others inside the session");
		goto fail;
	}
	if (socket_path) {
		r = -ENOMEM;
		s->socket_path = strdup(socket_path);
		if (!s->socket_path)
			goto fail;
		r = session_listen(s, socket_path, &how.listen_fd, err);
		if (r < 0) {
			free(s->socket_path);
			s->socket_path = NULL;
			goto fail;
		}
	}
	r = spawn_start(policy, s->c, NULL, err);
	/* The server has its own copy; the owner never accepts. */
	if (how.listen_fd >= 0)
		close(how.listen_fd);
	if (r < 0)
		goto fail;
	s->c->launch_data = NULL;
	*ret = s;
	return 0;

fail:
	if (s && s->c) {
		remove_own_socket(s);
		spawn_child_free(s->c);
	}
	if (s)
		free(s->socket_path);
	free(s);
	return r;
}

int paddock_session_wait(paddock_session *s)
{
	struct pollfd pfd = { .fd = s->c->report_fd, .events = POLLIN };

	while (!s->ended) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				return -EINTR;
			return -errno;
		}
		if (pfd.revents & (POLLHUP | POLLERR))
			s->ended = true;
		else if (pfd.revents & POLLIN) {
			char drain[64];

			if (recv(pfd.fd, drain, sizeof(drain), 0) <= 0)
				s->ended = true;
		}
	}
	return 0;
}

int paddock_session_fd(const paddock_session *s)
{
	return s->c->report_fd;
}

void paddock_session_close(paddock_session *s)
{
	const struct session_request stop = { .magic = SESSION_MAGIC,
					      .version = SESSION_VERSION,
					      .type = SESSION_STOP };

	if (!s)
		return;
	if (!s->ended)
		send_header(s->c->report_fd, &stop, NULL, 0);
	while (waitpid(s->c->supervisor, NULL, 0) < 0 && errno == EINTR)
		;
	remove_own_socket(s);
	spawn_child_free(s->c);
	free(s->socket_path);
	free(s);
}

/* ---- Clients --------------------------------------------------------- */

/* The socket appears at bind(), a moment before listen(): a refusal in
 * that window is retried briefly. A stale socket is refused for good. */
static int connect_retrying(int fd, const struct sockaddr_un *sa)
{
	const struct timespec pause = { 0, 5000000L };

	for (int tries = 0;; tries++) {
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		if ((errno != ECONNREFUSED && errno != EINTR) ||
		    tries == CONNECT_RETRIES)
			return -1;
		nanosleep(&pause, NULL);
	}
}

static int session_connect(const char *path, int *ret,
			   struct paddock_error *err)
{
	struct sockaddr_un sa;
	int fd, r = fill_address(path, &sa, err);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_set(err, PADDOCK_STEP_SESSION, errno, path, NULL);
	if (connect_retrying(fd, &sa) < 0) {
		int code = errno;

		close(fd);
		return error_set(err, PADDOCK_STEP_SESSION, code, path,
				 code == ECONNREFUSED || code == ENOENT
					 ? "no session listens on this socket"
					 : NULL);
	}
	*ret = fd;
	return 0;
}

/* The strings of argv and envp, packed; NULL when too large. */
static char *pack_strings(const char *const *argv, char *const *envp,
			  struct session_request *req)
{
	size_t len = 0, used = 0;
	char *buf;

	req->argc = req->envc = 0;
	for (; argv[req->argc]; req->argc++)
		len += strlen(argv[req->argc]) + 1;
	for (; envp && envp[req->envc]; req->envc++)
		len += strlen(envp[req->envc]) + 1;
	if (len > SESSION_MAX_PAYLOAD || req->argc > SESSION_MAX_STRINGS ||
	    req->envc > SESSION_MAX_STRINGS)
		return NULL;
	buf = malloc(len);
	if (!buf)
		return NULL;
	for (uint32_t i = 0; i < req->argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		memcpy(buf + used, argv[i], n);
		used += n;
	}
	for (uint32_t i = 0; i < req->envc; i++) {
		size_t n = strlen(envp[i]) + 1;

		memcpy(buf + used, envp[i], n);
		used += n;
	}
	req->payload_len = (uint32_t)len;
	return buf;
}

/* The caller's stdin, stdout and stderr; /dev/null stands in for a closed
 * one (SCM_RIGHTS cannot carry a closed descriptor). */
static void caller_stdio(int fds[3], int opened[3])
{
	for (int i = 0; i < 3; i++) {
		opened[i] = -1;
		fds[i] = i;
		if (fcntl(i, F_GETFD) < 0) {
			opened[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
			fds[i] = opened[i];
		}
	}
}

static int send_spawn(int conn, const char *const *argv, unsigned long timeout,
		      struct paddock_error *err)
{
	struct session_request req = { .magic = SESSION_MAGIC,
				       .version = SESSION_VERSION,
				       .type = SESSION_SPAWN,
				       .timeout_ms = timeout };
	char *buf = pack_strings(argv, environ, &req);
	int fds[3], opened[3];
	int r;

	if (!buf)
		return error_set(
			err, PADDOCK_STEP_SESSION, E2BIG, NULL,
			"the command line and environment are too large");
	caller_stdio(fds, opened);
	r = send_header(conn, &req, fds, 3);
	for (size_t off = 0; r == 0 && off < req.payload_len;) {
		size_t n = req.payload_len - off;
		ssize_t sent;

		sent = send_all(conn, buf + off,
				n > SESSION_CHUNK ? SESSION_CHUNK : n);
		r = sent < 0 ? -errno : 0;
		off += sent > 0 ? (size_t)sent : 0;
	}
	for (int i = 0; i < 3; i++) {
		if (opened[i] >= 0)
			close(opened[i]);
	}
	free(buf);
	if (r < 0)
		return error_set(err, PADDOCK_STEP_SESSION, -r, NULL,
				 r == -EPIPE || r == -ECONNRESET
					 ? "the session has ended"
					 : NULL);
	return 0;
}

/* The server may refuse a request before reading all of it (a peer it does
 * not admit): its error frame is then waiting, and says more than EPIPE. */
static int refusal_reason(int conn, int r, struct paddock_error *err)
{
	struct report rep;
	ssize_t n = recv(conn, &rep, sizeof(rep), MSG_DONTWAIT);

	if (n < 0 && errno == ECONNRESET)
		n = recv(conn, &rep, sizeof(rep), MSG_DONTWAIT);
	if (n != sizeof(rep) || rep.type != REPORT_SETUP_FAILED)
		return r;
	rep.operand[sizeof(rep.operand) - 1] = '\0';
	return error_set(err, (enum paddock_step)rep.step, rep.code,
			 rep.operand, NULL);
}

/* Send the request on conn and wait until the sandbox is built; conn is
 * the child's from then on, or closed. */
static int client_start(int conn, const char *const *argv,
			unsigned long timeout, paddock_child **ret,
			struct paddock_error *err)
{
	struct paddock_child *c;
	int r;

	if (!argv || !argv[0] || !argv[0][0]) {
		close(conn);
		return error_set(err, PADDOCK_STEP_POLICY, EINVAL, NULL,
				 "no command to run");
	}
	r = send_spawn(conn, argv, timeout, err);
	if (r == -EPIPE || r == -ECONNRESET)
		r = refusal_reason(conn, r, err);
	c = r < 0 ? NULL : calloc(1, sizeof(*c));
	if (!c) {
		close(conn);
		return r < 0 ? r : -ENOMEM;
	}
	c->report_fd = conn;
	r = spawn_wait_ready(c, err);
	if (r < 0) {
		if (err && err->step == PADDOCK_STEP_SPAWN &&
		    err->code == EPIPE)
			error_set(
				err, PADDOCK_STEP_SESSION, EPIPE, NULL,
				"the session ended before the command started");
		spawn_child_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int paddock_session_spawn(paddock_session *s, const char *const *argv,
			  unsigned long timeout_ms, paddock_child **ret,
			  struct paddock_error *err)
{
	const struct session_request req = { .magic = SESSION_MAGIC,
					     .version = SESSION_VERSION,
					     .type = SESSION_CONNECTION };
	int fds[2], r;

	if (s->ended)
		return error_set(err, PADDOCK_STEP_SESSION, EPIPE, NULL,
				 "the session has ended");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return error_set(err, PADDOCK_STEP_SESSION, errno, NULL, NULL);
	r = send_header(s->c->report_fd, &req, &fds[1], 1);
	close(fds[1]);
	if (r < 0) {
		close(fds[0]);
		return error_set(err, PADDOCK_STEP_SESSION, -r, NULL,
				 "the session has ended");
	}
	return client_start(fds[0], argv, timeout_ms, ret, err);
}

int paddock_session_run(const char *socket_path, const char *const *argv,
			unsigned long timeout_ms, paddock_child **ret,
			struct paddock_error *err)
{
	int conn, r = session_connect(socket_path, &conn, err);

	if (r < 0)
		return r;
	r = client_start(conn, argv, timeout_ms, ret, err);
	if (r < 0 && err && err->step == PADDOCK_STEP_SESSION &&
	    !err->operand[0])
		snprintf(err->operand, sizeof(err->operand), "%s", socket_path);
	return r;
}

int paddock_session_stop(const char *socket_path, struct paddock_error *err)
{
	const struct session_request req = { .magic = SESSION_MAGIC,
					     .version = SESSION_VERSION,
					     .type = SESSION_STOP };
	struct pollfd pfd;
	char byte[sizeof(struct report)];
	int conn, r = session_connect(socket_path, &conn, err);

	if (r < 0)
		return r;
	r = send_header(conn, &req, NULL, 0);
	if (r < 0) {
		close(conn);
		return error_set(err, PADDOCK_STEP_SESSION, -r, socket_path,
				 NULL);
	}
	/* The server keeps the connection open until it exits. */
	pfd = (struct pollfd){ .fd = conn, .events = POLLIN };
	for (;;) {
		r = poll(&pfd, 1, SESSION_STOP_WAIT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || recv(conn, byte, sizeof(byte), 0) <= 0)
			break;
		/* An error frame: refused. */
		close(conn);
		return error_set(err, PADDOCK_STEP_SESSION, EACCES, socket_path,
				 "the session refused to stop");
	}
	close(conn);
	if (r == 0)
		return error_set(err, PADDOCK_STEP_SESSION, ETIMEDOUT,
				 socket_path, NULL);
	return 0;
}

int session_child_signal(const struct paddock_child *c, int sig)
{
	const struct session_control ctl = { .type = SESSION_SIGNAL,
					     .value = sig };

	if (send_all(c->report_fd, &ctl, sizeof(ctl)) < 0)
		return -errno;
	return 0;
}
