/* SPDX-License-Identifier: MIT */
/*
 * paddock.exe's proxy (src/windows/proxyw.c) for the Wine smoke tests:
 * two proxies started at once take the first free port of the reserved
 * range and a later one, a refused CONNECT is answered and written to the report file,
 * and a stopped proxy frees its port. Test-only, never installed.
 *
 *   proxyw-probe.exe REPORT_FILE
 */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>

#include "proxy/netio.h"
#include "windows/proxyw.h"

static int failures;

static void check(bool ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAIL");
	failures += !ok;
}

/* CONNECT host:443 through the proxy on port; the reply's first line. */
static void connect_through(uint16_t port, const char *host, char *reply,
			    size_t size)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
	char req[256];
	int n, got = 0;

	reply[0] = '\0';
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(port);
	if (s == INVALID_SOCKET ||
	    connect(s, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		return;
	n = snprintf(req, sizeof(req), "CONNECT %s:443 HTTP/1.1\r\n\r\n", host);
	send(s, req, n, 0);
	while (got < (int)size - 1) {
		n = recv(s, reply + got, (int)size - 1 - got, 0);
		if (n <= 0)
			break;
		got += n;
	}
	reply[got] = '\0';
	reply[strcspn(reply, "\r\n")] = '\0';
	closesocket(s);
}

/* The first port of the range at or after from that nothing else holds
 * now, found the way proxyw.c binds; 0 when none. Another program, or
 * another test run on the machine, may hold one. */
static uint16_t free_port(unsigned from)
{
	for (unsigned port = from; port <= WIN_PROXY_PORT_LAST; port++) {
		struct sockaddr_in addr = { .sin_family = AF_INET };
		SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
		BOOL on = TRUE;
		bool ok;

		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		addr.sin_port = htons((u_short)port);
		ok = s != INVALID_SOCKET &&
		     setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE,
				(const char *)&on, sizeof(on)) == 0 &&
		     bind(s, (struct sockaddr *)&addr, sizeof(addr)) == 0;
		if (s != INVALID_SOCKET)
			closesocket(s);
		if (ok)
			return (uint16_t)port;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct paddock_error err = { 0 };
	struct win_proxy *a = NULL, *b = NULL, *c = NULL;
	paddock_policy *policy;
	char reply[256];
	uint16_t first;
	WSADATA wsa;
	int fd;

	if (argc != 2)
		return 2;
	fd = _open(argv[1], _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY, 0600);
	if (fd < 0 || paddock_policy_new(&policy) < 0 ||
	    paddock_policy_set_network(policy, PADDOCK_NETWORK_PROXY) < 0 ||
	    paddock_policy_allow_domain(policy, "allowed.test", &err) < 0 ||
	    paddock_policy_set_proxy_report(policy, fd) < 0)
		return 2;

	/* win_proxy_start() starts Winsock for itself; the probe's own
	 * sockets need it first. */
	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
		return 2;
	first = free_port(WIN_PROXY_PORT_FIRST);
	check(first != 0, "a port of the range is free");
	check(win_proxy_start(policy, &a, &err) == 0, "first proxy starts");
	check(win_proxy_start(policy, &b, &err) == 0, "second proxy starts");
	if (!a || !b || !first)
		return 1;
	printf("ports: %u %u\n", (unsigned)win_proxy_port(a),
	       (unsigned)win_proxy_port(b));
	check(win_proxy_port(a) == first,
	      "the first takes the range's first free port");
	check(win_proxy_port(b) > win_proxy_port(a) &&
		      win_proxy_port(b) <= WIN_PROXY_PORT_LAST,
	      "the second takes a later one");

	connect_through(win_proxy_port(a), "other.test", reply, sizeof(reply));
	printf("reply: %s\n", reply);
	check(strcmp(reply, "HTTP/1.1 403 Forbidden") == 0,
	      "a domain not allowed is refused");

	win_proxy_stop(a);
	check(win_proxy_start(policy, &c, &err) == 0 &&
		      win_proxy_port(c) == first,
	      "a stopped proxy's port is free again");
	win_proxy_stop(b);
	win_proxy_stop(c);
	_close(fd);
	paddock_policy_free(policy);
	WSACleanup();
	return failures ? 1 : 0;
}
