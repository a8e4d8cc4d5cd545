/* SPDX-License-Identifier: MIT */
/* Warm sessions: the protocol between clients, the owner and the server
 * (session.c), and the server (session_server.c). See session.c. */
#ifndef PADDOCK_LINUX_SESSION_H
#define PADDOCK_LINUX_SESSION_H

#include <sys/types.h>

#include "linux.h"

#define SESSION_MAGIC 0x70646b73u /* "pdks" */
#define SESSION_VERSION 1u
#define SESSION_MAX_STRINGS 65536u
#define SESSION_MAX_PAYLOAD (8u << 20)
#define SESSION_CHUNK 65536u
#define SESSION_MAX_COMMANDS 128
#define SESSION_RECV_TIMEOUT_S 5
#define SESSION_STOP_WAIT_MS 10000
#define SESSION_MAX_FDS 4
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
	/* From the server to a prepared supervisor only (0 otherwise): host
	 * sockets to cover, NUL-terminated paths after the payload. */
	uint32_t n_sockets;
	uint32_t sockets_len;
};

/* After a spawn request the client may send these on its connection. */
enum {
	SESSION_SIGNAL = 1
};

struct session_control {
	uint32_t type;
	int32_t value;
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

/* A supervisor prepared before the request it will serve: its namespaces,
 * /proc, /dev/shm, /dev/pts and loopback are ready, and it waits on chan
 * for the request, so that creating namespaces is not on the command's
 * path. */
struct session_spare {
	pid_t pid; /* 0: none */
	int pidfd;
	int chan;
};

struct session_server {
	const struct paddock_policy *policy;
	struct paddock_child *c; /* the spec every command starts from */
	int control; /* the owner's channel */
	int listen_fd; /* -1 without a socket */
	struct session_command cmds[SESSION_MAX_COMMANDS];
	size_t n_cmds;
	struct session_spare spare;
	bool spare_failed; /* one died unused: stop preparing them */
	bool stop;
	bool owner_gone;
};

int session_pidfd_open(pid_t pid);
ssize_t session_send_all(int fd, const void *buf, size_t len);
/* Send a header, with n_fds descriptors attached. */
int session_send_header(int fd, const struct session_request *req,
			const int *fds, size_t n_fds);
/* Receive a header and up to max descriptors (close-on-exec). Returns the
 * number of descriptors plus one, 0 at end of file, or -errno. */
int session_recv_header(int fd, struct session_request *req, int *fds,
			size_t max);
/* Send len bytes in messages of at most SESSION_CHUNK. */
int session_send_chunks(int fd, const char *buf, size_t len);
/* Receive exactly len bytes sent by session_send_chunks(). */
int session_recv_payload(int conn, char *buf, size_t len);

/* Split buf (len bytes) into exactly n NUL-terminated strings that fill
 * it; *ret has n + 1 slots, the last NULL, pointing into buf. -EPROTO for
 * anything else. */
int session_split_strings(char *buf, size_t len, size_t n, char ***ret);
/* The argv and environment of a spawn request: argc + envc strings, argc at
 * least 1 and argv[0] not empty. One allocation, freed with *ret_argv;
 * both arrays are NULL-terminated and point into buf. */
int session_split_request(char *buf, size_t len, uint32_t argc, uint32_t envc,
			  char ***ret_argv, char ***ret_envp);

/* The server: report to the owner, serve until the session ends. */
_Noreturn void session_server_main(struct session_server *srv);

#endif
