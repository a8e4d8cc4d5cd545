/* SPDX-License-Identifier: MIT */
/*
 * Proxy mode on Windows: the proxy of src/proxy/server.c, run on threads
 * of paddock.exe, as the real user, for the length of one run.
 *
 * The command runs as the elevated mode's offline user, whose every
 * connection the setup's filters block but those to 127.0.0.1 on the
 * reserved port range (WIN_PROXY_PORT_FIRST to WIN_PROXY_PORT_LAST): the
 * proxy listens on the first free port of that range, so that setup never
 * has to run again when the port changes, and several runs can have a
 * proxy each. The listening socket is bound with SO_EXCLUSIVEADDRUSE, so
 * no other program can bind the same port and take the run's connections.
 *
 * Refusals go to the policy's report descriptor (a C runtime descriptor,
 * as the CLI opens it) and to the log callback, from the proxy's threads.
 */
#include <errno.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/server.h"
#include "windows/proxyw.h"

struct win_proxy {
	struct proxy_server server;
	struct proxy_rules rules;
	struct proxy_map_entry *map;
	/* Only the log fields are set: log_msg() reads nothing else, and the
	 * caller's policy may be gone before the last connection ends. */
	struct paddock_policy log;
	int report_fd;
	uint16_t port;
	volatile int stop;
	atomic_uint live;
	HANDLE done; /* set when proxy_serve() has returned */
};

static void write_report(void *ctx, const char *line)
{
	const struct win_proxy *p = ctx;

	if (_write(p->report_fd, line, (unsigned)strlen(line)) < 0) {
		/* The log line that follows is all that is left. */
	}
}

static void write_log(void *ctx, const char *line)
{
	const struct win_proxy *p = ctx;
	size_t len = strlen(line);

	log_msg(&p->log, PADDOCK_LOG_INFO, "proxy: %.*s",
		(int)(len && line[len - 1] == '\n' ? len - 1 : len), line);
}

static void serve(void *arg)
{
	struct win_proxy *p = arg;

	proxy_serve(&p->server);
	SetEvent(p->done);
}

/* Listen on 127.0.0.1 at the first free port of the range. */
static int listen_in_range(struct win_proxy *p, struct paddock_error *err)
{
	DWORD native = 0;

	for (unsigned port = WIN_PROXY_PORT_FIRST; port <= WIN_PROXY_PORT_LAST;
	     port++) {
		struct sockaddr_in addr = { .sin_family = AF_INET };
		SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL,
				      0, WSA_FLAG_NO_HANDLE_INHERIT);
		BOOL on = TRUE;

		if (s == INVALID_SOCKET) {
			native = (DWORD)WSAGetLastError();
			break;
		}
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		addr.sin_port = htons((u_short)port);
		if (setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE,
			       (const char *)&on, sizeof(on)) == 0 &&
		    bind(s, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		    listen(s, SOMAXCONN) == 0) {
			p->server.listen_fd = s;
			p->port = (uint16_t)port;
			return 0;
		}
		native = (DWORD)WSAGetLastError();
		closesocket(s);
		if (native != WSAEADDRINUSE && native != WSAEACCES)
			break;
	}
	return win_err_set(
		err, PADDOCK_STEP_PROXY, native, NULL,
		native == WSAEADDRINUSE || native == WSAEACCES
			? "every port of the proxy's reserved range (127.0.0.1:3128-3135) is in use: eight proxied runs at once are the most"
			: "cannot listen on the proxy's loopback port");
}

/* The proxy's settings; the listening socket comes later. */
static void server_init(struct win_proxy *p,
			const struct paddock_policy *policy)
{
	p->log.log_fn = policy->log_fn;
	p->log.log_level = policy->log_level;
	p->log.log_userdata = policy->log_userdata;
	p->report_fd = policy->proxy_report_fd;
	p->server = (struct proxy_server){
		.rules = &p->rules,
		.n_map = policy->proxy_resolve.len,
		.listen_fd = INVALID_SOCKET,
		.stop_fd = INVALID_SOCKET,
		.stop = &p->stop,
		.live = &p->live,
		.report = p->report_fd >= 0 ? write_report : NULL,
		.log = write_log,
		.ctx = p,
		.connections_max = PROXY_CONNECTIONS_MAX,
		.head_timeout_ms = PROXY_HEAD_TIMEOUT_MS,
		.connect_timeout_ms = PROXY_CONNECT_TIMEOUT_MS,
		.idle_timeout_ms = PROXY_IDLE_TIMEOUT_MS,
	};
}

static void proxy_free(struct win_proxy *p)
{
	if (p->server.listen_fd != INVALID_SOCKET)
		closesocket(p->server.listen_fd);
	if (p->done)
		CloseHandle(p->done);
	proxy_rules_free(&p->rules);
	free(p->map);
	free(p);
	WSACleanup();
}

int win_proxy_start(const struct paddock_policy *policy, struct win_proxy **ret,
		    struct paddock_error *err)
{
	struct win_proxy *p = calloc(1, sizeof(*p));
	WSADATA wsa;
	int r, wsa_r;

	if (!p)
		return -ENOMEM;
	wsa_r = WSAStartup(MAKEWORD(2, 2), &wsa);
	if (wsa_r != 0) {
		free(p);
		return win_err_set(err, PADDOCK_STEP_PROXY, (DWORD)wsa_r, NULL,
				   "cannot start Winsock");
	}
	server_init(p, policy);
	r = policy_proxy_rules(policy, &p->rules, &p->map, err);
	p->server.map = p->map;
	if (r == 0)
		r = listen_in_range(p, err);
	if (r == 0) {
		p->done = CreateEventW(NULL, TRUE, FALSE, NULL);
		if (!p->done)
			r = win_err_set(err, PADDOCK_STEP_PROXY, GetLastError(),
					NULL, NULL);
	}
	if (r == 0 && !net_thread(serve, p))
		r = win_err_set(err, PADDOCK_STEP_PROXY, GetLastError(), NULL,
				"cannot start the proxy's thread");
	if (r < 0) {
		proxy_free(p);
		return r;
	}
	log_msg(policy, PADDOCK_LOG_INFO,
		"network: proxy on 127.0.0.1:%u, %zu allowed pattern(s), %zu denied",
		(unsigned)p->port, policy->allow_domains.len,
		policy->deny_domains.len);
	*ret = p;
	return 0;
}

uint16_t win_proxy_port(const struct win_proxy *p)
{
	return p->port;
}

void win_proxy_stop(struct win_proxy *p)
{
	if (!p)
		return;
	p->stop = 1;
	/* proxy_serve() sees the flag within 250 ms. */
	if (WaitForSingleObject(p->done, 2000) != WAIT_OBJECT_0)
		return; /* the thread still runs: p stays, for it */
	closesocket(p->server.listen_fd);
	CloseHandle(p->done);
	/* The command's tree is dead, so each tunnel ends at its next read;
	 * a connection that outlasts the wait keeps p, which is then left
	 * to the process rather than freed under its thread. */
	for (int i = 0; i < 40 && atomic_load(&p->live); i++)
		Sleep(50);
	if (atomic_load(&p->live))
		return;
	p->server.listen_fd = INVALID_SOCKET;
	p->done = NULL;
	proxy_free(p);
}
