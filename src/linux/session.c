/* SPDX-License-Identifier: MIT */
/*
 * Warm sessions (see paddock.h). Three kinds of process:
 *
 *   owner       paddock_session_open(): resolves the policy, reserves the
 *       |       missing protected names, binds the socket, then forks:
 *   server      in full isolation it enters a new user and mount namespace
 *       |       and builds the sandbox's view once (spawn.c, mounts.c);
 *       |       then it serves requests (session_server.c), one
 *       |       supervisor for each:
 *   supervisor  PID 1 of new PID, mount, IPC (and, network off, network)
 *               namespaces: it mounts its own /proc, /dev/shm and
 *               /dev/pts, covers host sockets that appeared since, and runs
 *               the command exactly as a cold start does, reporting to the
 *               client over the client's connection. The server prepares
 *               the next one before its request arrives.
 *
 * This file holds the owner's and the clients' side and the framing both
 * use (session.h). The server is forked, not raw-cloned: it lives long and
 * allocates, and the library's caller may have threads. It stays in the
 * host's network namespace, so that it reads the host's /proc/net/unix for
 * each command.
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

#include "session.h"

extern char **environ;

struct paddock_session {
	struct paddock_child *c; /* supervisor: the server; report_fd: the
				  * owner's channel */
	char *socket_path; /* removed at close; NULL without one */
	dev_t socket_dev;
	ino_t socket_ino;
	bool ended;
};

int session_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

ssize_t session_send_all(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n;
}

int session_send_header(int fd, const struct session_request *req,
			const int *fds, size_t n_fds)
{
	union {
		char buf[CMSG_SPACE(SESSION_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)req, .iov_len = sizeof(*req) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (n_fds > SESSION_MAX_FDS)
		return -EINVAL;
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

int session_recv_header(int fd, struct session_request *req, int *fds,
			size_t max)
{
	union {
		char buf[CMSG_SPACE(SESSION_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = req, .iov_len = sizeof(*req) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	size_t got = 0;

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
			if (got < max)
				fds[got++] = one;
			else
				close(one);
		}
	}
	if (n != (ssize_t)sizeof(*req) ||
	    (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) ||
	    req->magic != SESSION_MAGIC || req->version != SESSION_VERSION) {
		while (got > 0)
			close(fds[--got]);
		return -EPROTO;
	}
	return (int)got + 1;
}

int session_split_strings(char *buf, size_t len, size_t n, char ***ret)
{
	char **v = calloc(n + 1, sizeof(char *));
	char *p = buf, *end = buf + len;
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	while (p < end && k < n) {
		char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			break;
		v[k++] = p;
		p = nul + 1;
	}
	if (k != n || p != end) {
		free(v);
		return -EPROTO;
	}
	*ret = v;
	return 0;
}

int session_split_request(char *buf, size_t len, uint32_t argc, uint32_t envc,
			  char ***ret_argv, char ***ret_envp)
{
	size_t total = (size_t)argc + envc;
	char **v, **grown;
	int r;

	if (!argc)
		return -EPROTO;
	r = session_split_strings(buf, len, total, &v);
	if (r < 0)
		return r;
	if (!v[0][0]) {
		free(v);
		return -EPROTO;
	}
	/* One more slot: argv ends with a NULL of its own before envp. */
	grown = realloc(v, (total + 2) * sizeof(char *));
	if (!grown) {
		free(v);
		return -ENOMEM;
	}
	memmove(grown + argc + 1, grown + argc, envc * sizeof(char *));
	grown[argc] = NULL;
	grown[total + 1] = NULL;
	*ret_argv = grown;
	*ret_envp = grown + argc + 1;
	return 0;
}

int session_send_chunks(int fd, const char *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		size_t n = len - off;
		ssize_t sent = session_send_all(
			fd, buf + off, n > SESSION_CHUNK ? SESSION_CHUNK : n);

		if (sent < 0)
			return -errno;
		off += (size_t)sent;
	}
	return 0;
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
		session_server_main(&srv);
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

/* A session socket for path, its address in *ret; or -errno. */
static int session_socket(const char *path, struct sockaddr_un *ret,
			  struct paddock_error *err)
{
	int fd, r = fill_address(path, ret, err);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_set(err, PADDOCK_STEP_SESSION, errno, path, NULL);
	return fd;
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
	int fd = session_socket(path, &sa, err);
	int r;

	if (fd < 0)
		return fd;
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
	paddock_session *s;
	int r = -ENOMEM;

	if (policy->windows_mode != PADDOCK_WINDOWS_MODE_AUTO)
		return error_set(
			err, PADDOCK_STEP_UNSUPPORTED, EOPNOTSUPP,
			"--windows-mode",
			"the elevated and unelevated modes are Windows's; on Linux only auto applies");
	s = calloc(1, sizeof(*s));
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
		session_send_header(s->c->report_fd, &stop, NULL, 0);
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
	int fd = session_socket(path, &sa, err);

	if (fd < 0)
		return fd;
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
	r = session_send_header(conn, &req, fds, 3);
	if (r == 0)
		r = session_send_chunks(conn, buf, req.payload_len);
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
	r = session_send_header(s->c->report_fd, &req, &fds[1], 1);
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
	r = session_send_header(conn, &req, NULL, 0);
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

	if (session_send_all(c->report_fd, &ctl, sizeof(ctl)) < 0)
		return -errno;
	return 0;
}
