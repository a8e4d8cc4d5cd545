/* SPDX-License-Identifier: MIT */
/*
 * The proxy of proxy mode: the sockets half (server.c), on top of the pure
 * rules and parsers of proxy.h. POSIX sockets and threads; the Linux
 * backend runs it in a process of its own (src/linux/proxy.c).
 */
#ifndef PADDOCK_PROXY_SERVER_H
#define PADDOCK_PROXY_SERVER_H

#include <stdatomic.h>

#include "proxy/netio.h"
#include "proxy/proxy.h"

/* The port the proxy listens on inside the sandbox's own loopback, for
 * HTTP and SOCKS5 alike (the first byte tells them apart). */
#define PROXY_PORT 3128

/* Bounds: connections served at once (more are closed as soon as they
 * are accepted), time for a request's head or a SOCKS5 negotiation, for
 * a connection to a server, and without a byte either way in a tunnel. */
#define PROXY_CONNECTIONS_MAX 128
#define PROXY_HEAD_TIMEOUT_MS 10000
#define PROXY_CONNECT_TIMEOUT_MS 10000
#define PROXY_IDLE_TIMEOUT_MS 300000

/* Bounds on what the command can make the proxy write outside the
 * sandbox in one run: report lines (then one {"truncated":true,...}
 * line), and log lines of refusals and failures (then one saying the
 * rest are not logged). */
#define PROXY_REPORT_MAX 10000
#define PROXY_LOG_MAX 1000

struct proxy_server {
	const struct proxy_rules *rules;
	const struct proxy_map_entry *map;
	size_t n_map;
	net_socket listen_fd; /* listening (Linux: in the sandbox's network
			       * namespace) */
	net_socket stop_fd; /* the proxy stops when this one hangs up or is
			     * readable; NET_NO_SOCKET: none */
	const volatile int *stop; /* or when this turns nonzero (checked
				   * every 250 ms); NULL: none */
	/* A refused request, as one JSON object and a newline (called under
	 * a lock, one line at a time); NULL: not wanted. */
	void (*report)(void *ctx, const char *line);
	/* A line for the caller's log, ending in a newline; NULL: none. */
	void (*log)(void *ctx, const char *line);
	void *ctx;
	/* The connections being served, kept by the proxy: its owner may
	 * free what the server points to once this is 0 after a stop. */
	atomic_uint *live;
	unsigned connections_max;
	unsigned head_timeout_ms;
	unsigned connect_timeout_ms;
	unsigned idle_timeout_ms;
};

/* Serve until stopped; returns 0, or -1 when waiting on the listening
 * socket fails. Each connection has a thread of its own. */
int proxy_serve(const struct proxy_server *server);

#endif
