/* SPDX-License-Identifier: MIT */
/*
 * The server of a warm session (see session.c for the processes and the
 * trust boundary). It serves requests one at a time from a poll loop:
 * connections from the listening socket and the owner's channel, control
 * frames and hang-ups from clients, the exits of commands' supervisors,
 * and their deadlines.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "session.h"

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
int session_recv_payload(int conn, char *buf, size_t len)
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

/* Receive len bytes, 1 to SESSION_MAX_PAYLOAD, into a new buffer. */
static int recv_bounded(int conn, uint32_t len, char **ret)
{
	char *buf;
	int r;

	if (!len || len > SESSION_MAX_PAYLOAD)
		return -E2BIG;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	r = session_recv_payload(conn, buf, len);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	return 0;
}

static int read_request(int conn, const struct session_request *req,
			char **ret_buf, char ***ret_argv, char ***ret_envp)
{
	char *buf = NULL;
	int r;

	if (req->argc == 0 || req->argc > SESSION_MAX_STRINGS ||
	    req->envc > SESSION_MAX_STRINGS)
		return -E2BIG;
	r = recv_bounded(conn, req->payload_len, &buf);
	if (r == 0)
		r = session_split_request(buf, req->payload_len, req->argc,
					  req->envc, ret_argv, ret_envp);
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

/* The session's spec, as a command's supervisor starts from it. */
static struct sandbox_spec command_template(const struct session_server *srv)
{
	struct sandbox_spec cmd = srv->c->spec;

	cmd.session = false;
	cmd.session_command = true;
	cmd.placeholders = NULL; /* the session's, released by the owner */
	cmd.scratch = NULL;
	cmd.host_sockets = NULL;
	return cmd;
}

/* The command's environment: the client's, unless the policy sets one. */
static char *const *command_env(const struct session_server *srv,
				char **client_env)
{
	static char *const empty[] = { NULL };
	char *const *envp =
		srv->policy->inherit_env ? client_env : srv->policy->env.items;

	return envp ? envp : empty;
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
	int r = 0;

	*cmd = command_template(srv);
	cmd->envp = command_env(srv, client_env);
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
	spawn_free_command(cmd);
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

/* The sockets, NUL-separated, for a prepared supervisor. */
static int pack_sockets(const struct strv *sockets, struct session_request *req,
			char **ret)
{
	size_t len = 0, used = 0;
	char *buf;

	req->n_sockets = (uint32_t)sockets->len;
	req->sockets_len = 0;
	*ret = NULL;
	for (size_t i = 0; i < sockets->len; i++)
		len += strlen(sockets->items[i]) + 1;
	if (!len)
		return 0;
	if (len > SESSION_MAX_PAYLOAD || sockets->len > SESSION_MAX_STRINGS)
		return -E2BIG;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < sockets->len; i++) {
		size_t n = strlen(sockets->items[i]) + 1;

		memcpy(buf + used, sockets->items[i], n);
		used += n;
	}
	req->sockets_len = (uint32_t)len;
	*ret = buf;
	return 0;
}

/* In a prepared supervisor: the host sockets to cover, sent after the
 * request's payload; *ret is NULL-terminated and points into *ret_buf. */
static int read_sockets(int chan, const struct session_request *req,
			char **ret_buf, char ***ret)
{
	char *buf = NULL;
	int r;

	*ret_buf = NULL;
	*ret = NULL;
	if (!req->n_sockets)
		return 0;
	if (req->n_sockets > SESSION_MAX_STRINGS)
		return -E2BIG;
	r = recv_bounded(chan, req->sockets_len, &buf);
	if (r == 0)
		r = session_split_strings(buf, req->sockets_len, req->n_sockets,
					  ret);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret_buf = buf;
	return 0;
}

/* The prepared supervisor has its request: cover the sockets bound since
 * it was made, take the client's descriptors and run the command as any
 * supervisor does (spawn.c). */
static _Noreturn void spare_run(struct session_server *srv,
				struct sandbox_spec *cmd,
				const struct session_request *req,
				const int fds[SESSION_MAX_FDS])
{
	enum paddock_step step = PADDOCK_STEP_SESSION;
	const char *operand = NULL;
	char *buf = NULL, *sockets_buf = NULL;
	char **argv = NULL, **client_env = NULL, **sockets = NULL;
	int fd, r = read_request(3, req, &buf, &argv, &client_env);

	if (r == 0)
		r = read_sockets(3, req, &sockets_buf, &sockets);
	if (r == 0) {
		cmd->host_sockets = sockets;
		r = mounts_cover_sockets(cmd, &step, &operand);
	}
	if (r == 0) {
		step = PADDOCK_STEP_SPAWN;
		r = spawn_prepare_command(cmd, (const char *const *)argv,
					  command_env(srv, client_env));
	}
	fd = command_descriptors(fds[0], fds + 1);
	if (fd < 0)
		_exit(125);
	cmd->report_fd = fd;
	if (r < 0) {
		report_send(fd, REPORT_SETUP_FAILED, step, -r, operand);
		_exit(125);
	}
	cmd->prebuilt = true;
	supervisor_main(cmd);
}

/*
 * A prepared supervisor: PID 1 of its new namespaces, it mounts its /proc,
 * /dev/shm and /dev/pts and brings up its loopback, then waits for one
 * request on chan (descriptor 3). A failure of the preparation is told to
 * the client of that request, as in a cold start. End of file on chan (the
 * session ends, or the server died) ends it.
 */
static _Noreturn void spare_main(struct session_server *srv, int chan)
{
	struct sandbox_spec cmd = command_template(srv);
	enum paddock_step step = PADDOCK_STEP_SPAWN;
	const char *operand = NULL;
	struct session_request req;
	int fds[SESSION_MAX_FDS];
	int r, got;

	if ((chan != 3 && dup3(chan, 3, O_CLOEXEC) < 0) ||
	    syscall(SYS_close_range, 4U, ~0U, 0U) < 0)
		_exit(125);
	signal(SIGPIPE, SIG_IGN);
	r = supervisor_watch_parent();
	if (r == 0)
		r = mounts_build_command(&cmd, &step, &operand);
	if (r == 0 && cmd.new_net) {
		step = PADDOCK_STEP_LOOPBACK;
		r = net_loopback_up();
	}
	got = session_recv_header(3, &req, fds, SESSION_MAX_FDS);
	if (got != SESSION_MAX_FDS + 1 || req.type != SESSION_SPAWN)
		_exit(0);
	if (r < 0) {
		report_send(fds[0], REPORT_SETUP_FAILED, step, -r, operand);
		_exit(125);
	}
	spare_run(srv, &cmd, &req, fds);
}

/* Prepare the next command's supervisor, in full isolation only (without
 * namespaces a fork is cheap), unless one died unused before. */
static void spare_start(struct session_server *srv)
{
	const struct sandbox_spec *spec = &srv->c->spec;
	int fds[2];
	pid_t pid;

	if (spec->direct || srv->spare.pid || srv->spare_failed || srv->stop)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return;
	pid = raw_clone(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
			(spec->new_net ? CLONE_NEWNET : 0));
	if (pid == 0) {
		close(fds[0]);
		spare_main(srv, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		srv->spare_failed = true;
		return;
	}
	srv->spare = (struct session_spare){ .pid = pid,
					     .pidfd = session_pidfd_open(pid),
					     .chan = fds[0] };
}

static void spare_drop(struct session_server *srv)
{
	if (!srv->spare.pid)
		return;
	kill(srv->spare.pid, SIGKILL);
	while (waitpid(srv->spare.pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	close(srv->spare.chan);
	if (srv->spare.pidfd >= 0)
		close(srv->spare.pidfd);
	srv->spare = (struct session_spare){ 0 };
}

/* Give a request to the prepared supervisor, with the host sockets bound
 * until now; the client's descriptors go with it. */
static int spare_hand_over(struct session_server *srv, int conn,
			   const int stdio[3],
			   const struct session_request *client_req,
			   const char *payload)
{
	struct session_request req = *client_req;
	struct strv sockets = { 0 };
	const int fds[SESSION_MAX_FDS] = { conn, stdio[0], stdio[1], stdio[2] };
	char *packed = NULL;
	int r;

	if (!srv->spare.pid)
		return -ESRCH;
	r = srv->c->plan.confine_writes
		    ? sockets_collect(&srv->c->plan, &sockets)
		    : 0;
	if (r == 0)
		r = pack_sockets(&sockets, &req, &packed);
	if (r == 0)
		r = session_send_header(srv->spare.chan, &req, fds,
					SESSION_MAX_FDS);
	if (r == 0)
		r = session_send_chunks(srv->spare.chan, payload,
					req.payload_len);
	if (r == 0 && req.sockets_len)
		r = session_send_chunks(srv->spare.chan, packed,
					req.sockets_len);
	free(packed);
	strv_clear(&sockets);
	if (r < 0)
		spare_drop(srv);
	return r;
}

static int start_command(struct session_server *srv, int conn,
			 const int stdio[3], const struct session_request *req,
			 const char *payload, char **argv, char **client_env)
{
	struct session_command *sc = &srv->cmds[srv->n_cmds];
	struct strv env = { 0 }, sockets = { 0 };
	struct sandbox_spec cmd = { 0 };
	uint64_t timeout_ms = req->timeout_ms;
	int r, pid, pidfd;

	if (srv->n_cmds == SESSION_MAX_COMMANDS)
		return -EAGAIN;
	if (spare_hand_over(srv, conn, stdio, req, payload) == 0) {
		pid = srv->spare.pid;
		pidfd = srv->spare.pidfd;
		close(srv->spare.chan);
		srv->spare = (struct session_spare){ 0 };
	} else {
		r = command_spec(srv, &cmd, argv, client_env, &env, &sockets);
		pid = r < 0 ? r : clone_supervisor(&cmd, conn, stdio);
		command_spec_free(&cmd, &env, &sockets);
		if (pid < 0) {
			direct_remove_scratch(cmd.scratch);
			free(cmd.scratch);
			return pid;
		}
		pidfd = session_pidfd_open(pid);
	}
	*sc = (struct session_command){
		.pid = pid, .pidfd = pidfd, .conn = conn, .scratch = cmd.scratch
	};
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
		r = start_command(srv, conn, stdio, req, buf, argv, envp);
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
	got = session_recv_header(conn, &req, fds, 3);
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
	int got = session_recv_header(srv->control, &req, fds, 3);

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
	struct pollfd pfds[3 + 2 * SESSION_MAX_COMMANDS];

	while (!srv->stop) {
		size_t n_cmds = srv->n_cmds;
		int wait = expire_commands(srv);
		struct pollfd *spare = &pfds[2 + 2 * n_cmds];

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
		*spare =
			(struct pollfd){ .fd = srv->spare.pid ? srv->spare.pidfd
							      : -1,
					 .events = POLLIN };
		if (poll(pfds, 3 + 2 * n_cmds, wait) <= 0)
			continue;
		if (spare->revents && srv->spare.pid) {
			/* It died unused: do without. */
			spare_drop(srv);
			srv->spare_failed = true;
		}
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
		spare_start(srv);
	}
}

/* The end: every command's tree dies; when the owner is gone, the server
 * also removes the placeholders, as a supervisor does in a cold start. */
static _Noreturn void server_end(struct session_server *srv)
{
	spare_drop(srv);
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
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return -errno;
		r = spawn_build_view(spec, step, operand);
		if (r < 0)
			return r;
	}
	*step = PADDOCK_STEP_SESSION;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

_Noreturn void session_server_main(struct session_server *srv)
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
	spare_start(srv);
	serve(srv);
	server_end(srv);
}
