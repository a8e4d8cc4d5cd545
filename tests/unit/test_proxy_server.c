/* SPDX-License-Identifier: MIT */
/*
 * The proxy's sockets half (src/proxy/server.c) end to end on loopback,
 * without a sandbox: a local server stands in for a remote host, and the
 * test speaks CONNECT, absolute-form HTTP and SOCKS5 to the proxy the way
 * clients do. Built twice: natively (CTest's unit/proxy_server) and for
 * Windows, where the Wine smoke tests run it (tests/windows/smoke.bats)
 * to prove the Winsock side of netio.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/server.h"

#ifndef _WIN32
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#endif

static int failures;

#define CHECK(cond, ...)                                            \
	do {                                                        \
		if (!(cond)) {                                      \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__);                        \
			printf("\n");                               \
			failures++;                                 \
		}                                                   \
	} while (0)

static net_lock report_lock = NET_LOCK_INIT;
static char reports[8192];

static void on_report(void *ctx, const char *line)
{
	(void)ctx;
	net_lock_take(&report_lock);
	strncat(reports, line, sizeof(reports) - strlen(reports) - 1);
	net_lock_give(&report_lock);
}

static net_socket listen_loopback(uint16_t *ret_port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	net_socket s = socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s == NET_NO_SOCKET ||
	    bind(s, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    listen(s, 64) != 0 ||
	    getsockname(s, (struct sockaddr *)&addr, &len) != 0) {
		printf("FAIL: cannot listen on loopback\n");
		exit(1);
	}
	*ret_port = ntohs(addr.sin_port);
	return s;
}

/* Read what arrives within a second, up to size - 1 bytes. */
static size_t read_reply(net_socket s, char *buf, size_t size)
{
	size_t len = 0;
	long long deadline = net_now_ms() + 2000;

	while (len + 1 < size) {
		net_pollfd pfd = { .fd = s, .events = POLLIN };
		long long left = deadline - net_now_ms();
		int n;

		if (left <= 0 || net_poll(&pfd, 1, (int)left) <= 0)
			break;
		n = (int)recv(s, buf + len, (int)(size - 1 - len), 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "pong") ||
		    strstr(buf, "ping") ||
		    (len >= 2 && (uint8_t)buf[0] == 5 && len >= 10))
			break;
	}
	buf[len] = '\0';
	return len;
}

static net_socket to_proxy(uint16_t port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	net_socket s = socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(port);
	if (s == NET_NO_SOCKET ||
	    connect(s, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		printf("FAIL: cannot reach the proxy\n");
		exit(1);
	}
	return s;
}

#ifndef _WIN32
static size_t stall_sent;
static int stall_unread; /* bytes the proxy left unread at the end */

/* The proxy's socket for the origin's connection c: this process is the
 * proxy, so it is one of our descriptors. -1 when none is. */
static int proxy_side_of(int c)
{
	struct sockaddr_in here, there, a, b;
	socklen_t len = sizeof(here);

	if (getsockname(c, (struct sockaddr *)&here, &len) != 0 ||
	    getpeername(c, (struct sockaddr *)&there, &len) != 0)
		return -1;
	for (int fd = 3; fd < 1024; fd++) {
		socklen_t la = sizeof(a), lb = sizeof(b);

		if (fd != c &&
		    getsockname(fd, (struct sockaddr *)&a, &la) == 0 &&
		    getpeername(fd, (struct sockaddr *)&b, &lb) == 0 &&
		    la == sizeof(a) && a.sin_port == there.sin_port &&
		    b.sin_port == here.sin_port)
			return fd;
	}
	return -1;
}

/* "stall": send until the proxy stops reading, its buffers towards a
 * client that reads nothing being full, then end the sending side, so
 * that the FIN reaches a proxy still holding bytes for the client. */
static void origin_stall(int c)
{
	static char chunk[16384];
	int proxy = proxy_side_of(c), queued = 0;

	memset(chunk, 'A', sizeof(chunk));
	while (proxy >= 0 && !queued && stall_sent < 64 * 1024 * 1024) {
		if (send(c, chunk, sizeof(chunk), 0) != (ssize_t)sizeof(chunk))
			break;
		stall_sent += sizeof(chunk);
		for (int i = 0; i < 150; i++) {
			if (ioctl(proxy, FIONREAD, &queued) != 0 || !queued)
				break;
			net_sleep_ms(2);
		}
	}
	stall_unread = queued;
	shutdown(c, SHUT_WR);
}
#endif

/* The origin: answers "ping" with "pong", a GET with a line naming its
 * request line, and "stall" with origin_stall(). */
static void origin_client(void *arg)
{
	net_socket c = (net_socket)(uintptr_t)arg;
	char buf[1024];
	size_t n = read_reply(c, buf, sizeof(buf));

#ifndef _WIN32
	if (n >= 5 && memcmp(buf, "stall", 5) == 0)
		origin_stall(c);
#endif
	if (n >= 4 && memcmp(buf, "ping", 4) == 0) {
		send(c, "pong\n", 5, 0);
	} else if (n >= 4 && memcmp(buf, "GET ", 4) == 0) {
		char reply[1200];
		int len = snprintf(reply, sizeof(reply),
				   "HTTP/1.0 200 OK\r\n\r\norigin saw %.*s\n",
				   (int)strcspn(buf, "\r"), buf);

		send(c, reply, len, 0);
	}
	net_close(c);
}

static void origin(void *arg)
{
	net_socket s = (net_socket)(uintptr_t)arg;

	for (;;) {
		net_socket c = accept(s, NULL, NULL);

		if (c != NET_NO_SOCKET)
			net_thread(origin_client, (void *)(uintptr_t)c);
	}
}

static void serve(void *arg)
{
	proxy_serve(arg);
}

#ifndef _WIN32
static long long cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A client that ends its sending side and reads nothing, while the
 * server sends until the proxy holds bytes for the client and then ends
 * too: the proxy waits without spinning (once, the server's hung-up
 * socket, polled for nothing, woke it at once, forever), and the tunnel
 * ends at the idle deadline, which moves only when bytes do.
 * POSIX only: origin_stall() finds the proxy's socket among ours.
 */
static void half_closed_tunnel(uint16_t proxy, uint16_t origin_port,
			       const atomic_uint *live, unsigned idle_ms)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int small = 4096, s = socket(AF_INET, SOCK_STREAM, 0);
	char req[128], buf[256];
	long long cpu, deadline;
	int n;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(proxy);
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		CHECK(false, "cannot reach the proxy");
		return;
	}
	n = snprintf(req, sizeof(req),
		     "CONNECT allowed.test:%u HTTP/1.1\r\n\r\n",
		     (unsigned)origin_port);
	send(s, req, (size_t)n, 0);
	read_reply(s, buf, sizeof(buf));
	CHECK(strstr(buf, " 200 ") != NULL, "CONNECT: '%s'", buf);
	send(s, "stall\n", 6, 0);
	shutdown(s, SHUT_WR);

	/* The origin has sent and ended once it has counted its bytes. */
	for (int i = 0; i < 100 && atomic_load(live) && !stall_sent; i++)
		net_sleep_ms(50);
	net_sleep_ms(500);
	CHECK(stall_sent && stall_unread > 0,
	      "the origin sent %zu bytes, %d of them left unread", stall_sent,
	      stall_unread);
	cpu = cpu_ms();
	net_sleep_ms(1000);
	cpu = cpu_ms() - cpu;
	CHECK(cpu < 200, "the proxy used %lld ms of CPU in 1 s, waiting", cpu);

	deadline = net_now_ms() + idle_ms + 3000;
	while (atomic_load(live) && net_now_ms() < deadline)
		net_sleep_ms(50);
	CHECK(atomic_load(live) == 0,
	      "the half-closed tunnel outlived its idle deadline");
	net_close(s);
}
#endif

static void connect_and_ping(uint16_t proxy, const char *host, uint16_t port,
			     const char *want, bool ping)
{
	char req[256], buf[1024];
	net_socket s = to_proxy(proxy);
	int n = snprintf(req, sizeof(req), "CONNECT %s:%u HTTP/1.1\r\n\r\n",
			 host, (unsigned)port);

	send(s, req, n, 0);
	read_reply(s, buf, sizeof(buf));
	CHECK(strstr(buf, want) != NULL, "CONNECT %s: got '%s', want '%s'",
	      host, buf, want);
	if (ping) {
		send(s, "ping\n", 5, 0);
		read_reply(s, buf, sizeof(buf));
		CHECK(strstr(buf, "pong") != NULL, "tunnel to %s: got '%s'",
		      host, buf);
	}
	net_close(s);
}

int main(void)
{
	static volatile int stop;
	static atomic_uint live;
	struct proxy_rules rules;
	struct proxy_map_entry map[1];
	struct proxy_server server;
	uint16_t origin_port, proxy_port;
	net_socket origin_s, proxy_s, s;
	char buf[1024], req[256];
	int n;

#ifdef _WIN32
	WSADATA wsa;

	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
		printf("FAIL: WSAStartup\n");
		return 1;
	}
#endif
	origin_s = listen_loopback(&origin_port);
	proxy_s = listen_loopback(&proxy_port);
#ifndef _WIN32
	/* The proxy's sockets towards clients inherit a small, fixed send
	 * buffer: no autotuning, so that a client that reads nothing stops
	 * the proxy after a few bytes, every time. */
	{
		int small = 4096;

		setsockopt(proxy_s, SOL_SOCKET, SO_SNDBUF, &small,
			   sizeof(small));
	}
#endif
	proxy_rules_init(&rules);
	CHECK(proxy_rules_add(&rules, PROXY_ALLOW, "allowed.test") == PROXY_OK,
	      "allow pattern");
	CHECK(proxy_map_parse("allowed.test=127.0.0.1", &map[0]) == PROXY_OK,
	      "map entry");
	server = (struct proxy_server){
		.rules = &rules,
		.map = map,
		.n_map = 1,
		.listen_fd = proxy_s,
		.stop_fd = NET_NO_SOCKET,
		.stop = &stop,
		.report = on_report,
		.live = &live,
		.connections_max = 16,
		.head_timeout_ms = 2000,
		.connect_timeout_ms = 2000,
		.idle_timeout_ms = 2000,
	};
	net_thread(origin, (void *)(uintptr_t)origin_s);
	net_thread(serve, &server);

	connect_and_ping(proxy_port, "allowed.test", origin_port,
			 "HTTP/1.1 200 Connection established", true);
	connect_and_ping(proxy_port, "other.test", origin_port,
			 "X-Paddock-Reason: not-allowed", false);
	connect_and_ping(proxy_port, "127.0.0.1", origin_port,
			 "X-Paddock-Reason: ip-literal", false);

	/* Absolute-form: sent on in origin form. */
	s = to_proxy(proxy_port);
	n = snprintf(req, sizeof(req),
		     "GET http://allowed.test:%u/x?y HTTP/1.1\r\n"
		     "Host: allowed.test:%u\r\n\r\n",
		     (unsigned)origin_port, (unsigned)origin_port);
	send(s, req, n, 0);
	read_reply(s, buf, sizeof(buf));
	read_reply(s, buf + strlen(buf), sizeof(buf) - strlen(buf));
	CHECK(strstr(buf, "origin saw GET /x?y HTTP/1.1") != NULL,
	      "absolute-form GET: got '%s'", buf);
	net_close(s);

	/* SOCKS5 with a host name. */
	s = to_proxy(proxy_port);
	{
		uint8_t hello[] = { 5, 1, 0 };
		uint8_t connect_req[64] = { 5, 1, 0, 3, 12 };

		memcpy(connect_req + 5, "allowed.test", 12);
		connect_req[17] = (uint8_t)(origin_port >> 8);
		connect_req[18] = (uint8_t)origin_port;
		send(s, (const char *)hello, 3, 0);
		n = (int)recv(s, buf, 2, 0);
		CHECK(n == 2 && buf[0] == 5 && buf[1] == 0, "SOCKS5 greeting");
		send(s, (const char *)connect_req, 19, 0);
		n = (int)recv(s, buf, 10, 0);
		CHECK(n == 10 && buf[1] == 0, "SOCKS5 reply %d",
		      n > 1 ? buf[1] : -1);
		send(s, "ping\n", 5, 0);
		read_reply(s, buf, sizeof(buf));
		CHECK(strstr(buf, "pong") != NULL, "SOCKS5 tunnel: '%s'", buf);
	}
	net_close(s);

#ifndef _WIN32
	/* Last: it waits for every connection to end. */
	half_closed_tunnel(proxy_port, origin_port, &live,
			   server.idle_timeout_ms);
#endif

	net_lock_take(&report_lock);
	CHECK(strstr(reports, "\"host\":\"other.test\",\"port\":") != NULL &&
		      strstr(reports, "\"reason\":\"not-allowed\"") != NULL,
	      "report: %s", reports);
	CHECK(strstr(reports, "\"reason\":\"ip-literal\"") != NULL,
	      "report: %s", reports);
	net_lock_give(&report_lock);

	stop = 1;
	/* Every connection has ended: nothing holds the server any more. */
	for (int i = 0; i < 40 && atomic_load(&live); i++)
		net_sleep_ms(50);
	CHECK(atomic_load(&live) == 0, "%u connection(s) still served",
	      atomic_load(&live));
	/* proxy_serve() sees the flag within 250 ms, then holds no rule. */
	net_sleep_ms(300);
	proxy_rules_free(&rules);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
