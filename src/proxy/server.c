/* SPDX-License-Identifier: MIT */
/*
 * The proxy: one thread per connection from the sandbox, each with blocking
 * steps bounded by poll() deadlines.
 *
 *   1. The first byte tells the protocol: 5 is SOCKS5, anything else is an
 *      HTTP/1.x request head.
 *   2. The head (or the SOCKS5 greeting and request) must arrive within
 *      head_timeout_ms, in at most PROXY_HTTP_HEAD_MAX bytes.
 *   3. The rules decide on the host as the client named it; only an allowed
 *      name is resolved (so a refused name never reaches a DNS server),
 *      by the map or the system's resolver, and each address is decided
 *      on again (loopback, private ranges). The first allowed address that
 *      answers within connect_timeout_ms is used.
 *   4. CONNECT and SOCKS5 then relay both ways; the client's first bytes
 *      are held until they show whether they are a TLS ClientHello, whose
 *      server name must agree with the host. An absolute-form request is
 *      sent on in origin form, with "Connection: close" so that the next
 *      request, perhaps for another host, comes on a new connection.
 *   5. A tunnel without a byte either way for idle_timeout_ms is closed.
 *
 * Every refusal is written to the report as one JSON object per line, and
 * to the log as a line of text, up to PROXY_REPORT_MAX and PROXY_LOG_MAX
 * lines; a write to the log that would block is dropped, since the caller
 * reads it only while it waits for the command.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/server.h"

#define RELAY_BUFFER 16384
/* The pause after a wake-up of a tunnel that moved nothing. */
#define RELAY_STALL_MS 50
/* The start of a tunnel held for the ClientHello: a record header and the
 * largest record (proxy_tls_sni reads no further). */
#define HELLO_MAX (5 + 16384)
#define ADDRS_MAX 16

enum protocol {
	HTTP_CONNECT,
	HTTP_FORWARD,
	SOCKS5,
};

static const char *const protocol_names[] = { "connect", "http", "socks5" };

struct conn {
	const struct proxy_server *server;
	net_socket client;
	net_socket upstream;
	enum protocol protocol;
	char host[PROXY_NAME_MAX + 3];
	uint16_t port;
	bool host_is_addr;
	long long head_deadline; /* ms on CLOCK_MONOTONIC */
	size_t len; /* bytes in buf */
	char buf[PROXY_HTTP_HEAD_MAX];
};

static net_lock report_lock = NET_LOCK_INIT;

static long long now_ms(void)
{
	return net_now_ms();
}

static int remaining(long long deadline)
{
	long long left = deadline - now_ms();

	return left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

/* Wait for s to be ready for events: 1, 0 on timeout, -1 on error. */
static int wait_fd(net_socket s, short events, long long deadline)
{
	for (;;) {
		net_pollfd pfd = { .fd = s, .events = events };
		int wait = remaining(deadline);
		int r;

		if (wait == 0)
			return 0;
		r = net_poll(&pfd, 1, wait);
		if (r > 0)
			return 1;
		if (r < 0 && !net_interrupted())
			return -1;
	}
}

/* recv() and send() on a non-blocking socket, retried when interrupted:
 * > 0 bytes, 0 at the end (recv), -1 with net_would_block() or an error. */
static net_ssize recv_some(net_socket s, void *buf, size_t len)
{
	net_ssize n;

	do {
		n = recv(s, buf, (int)len, 0);
	} while (n < 0 && net_interrupted());
	return n;
}

static net_ssize send_some(net_socket s, const void *buf, size_t len)
{
	net_ssize n;

	do {
		n = send(s, buf, (int)len, NET_SEND_FLAGS);
	} while (n < 0 && net_interrupted());
	return n;
}

static bool send_all(net_socket s, const void *data, size_t len,
		     long long deadline)
{
	const char *p = data;

	while (len) {
		net_ssize n = send_some(s, p, len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && net_would_block()) {
			if (wait_fd(s, POLLOUT, deadline) <= 0)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

/* Read more of the client's head into buf; false on end, error, a full
 * buffer or the head's deadline. */
static bool read_more(struct conn *c)
{
	for (;;) {
		net_ssize n;

		if (c->len >= sizeof(c->buf) ||
		    wait_fd(c->client, POLLIN, c->head_deadline) <= 0)
			return false;
		n = recv_some(c->client, c->buf + c->len,
			      sizeof(c->buf) - c->len);
		if (n > 0) {
			c->len += (size_t)n;
			return true;
		}
		if (n == 0 || !net_would_block())
			return false;
	}
}

/* --- Reports ------------------------------------------------------------ */

/* host as a JSON string's contents: printable ASCII, escaped. */
static void json_text(char *out, size_t size, const char *s)
{
	size_t used = 0;

	for (; *s && used + 7 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			out[used++] = '\\';
			out[used++] = (char)ch;
		} else if (ch < 0x20 || ch > 0x7e) {
			used += (size_t)snprintf(out + used, size - used,
						 "\\u%04x", ch);
		} else {
			out[used++] = (char)ch;
		}
	}
	out[used] = '\0';
}

/*
 * The report and the log are written outside the sandbox, and the command
 * inside decides how many refusals and failures there are: each is cut
 * after its bound (server.h) with one line that says so, lest a loop of
 * refused requests fill the caller's disk or terminal. The counts are the
 * process's: each backend runs one proxy per process, for one run.
 */
static unsigned reported; /* under report_lock */
static atomic_uint logged;

static void log_line(const struct proxy_server *server, const char *line)
{
	unsigned n = atomic_load(&logged);

	if (!server->log || n > PROXY_LOG_MAX)
		return;
	n = atomic_fetch_add(&logged, 1);
	if (n < PROXY_LOG_MAX)
		server->log(server->ctx, line);
	else if (n == PROXY_LOG_MAX)
		server->log(server->ctx,
			    "further refusals and failures are not logged\n");
}

static void report_line(const struct proxy_server *server, const char *line)
{
	char last[64];

	net_lock_take(&report_lock);
	if (reported < PROXY_REPORT_MAX) {
		server->report(server->ctx, line);
	} else if (reported == PROXY_REPORT_MAX) {
		snprintf(last, sizeof(last),
			 "{\"truncated\":true,\"limit\":%u}\n",
			 (unsigned)PROXY_REPORT_MAX);
		server->report(server->ctx, last);
	}
	if (reported <= PROXY_REPORT_MAX)
		reported++;
	net_lock_give(&report_lock);
}

static void report(const struct conn *c, enum proxy_reason reason)
{
	char host[6 * sizeof(c->host) + 1];
	char line[sizeof(host) + 256];
	int n;

	json_text(host, sizeof(host), c->host);
	n = snprintf(
		line, sizeof(line),
		"{\"protocol\":\"%s\",\"host\":\"%s\",\"port\":%u,\"reason\":\"%s\"}\n",
		protocol_names[c->protocol], host, (unsigned)c->port,
		proxy_reason_code(reason));
	if (n > 0 && c->server->report)
		report_line(c->server, line);
	snprintf(line, sizeof(line), "refused %s %s:%u: %s\n",
		 protocol_names[c->protocol], host, (unsigned)c->port,
		 proxy_reason_text(reason));
	log_line(c->server, line);
}

/* --- Answers to the client ----------------------------------------------- */

static void http_answer(struct conn *c, const char *status, const char *code,
			const char *text)
{
	char reply[512];
	int n = snprintf(reply, sizeof(reply),
			 "HTTP/1.1 %s\r\n"
			 "Content-Type: text/plain\r\n"
			 "Connection: close\r\n"
			 "X-Paddock-Reason: %s\r\n"
			 "\r\n"
			 "paddock: %s\n",
			 status, code, text);

	if (n > 0)
		send_all(c->client, reply, (size_t)n, now_ms() + 2000);
}

static void socks5_answer(struct conn *c, enum proxy_socks5_rep rep)
{
	uint8_t reply[PROXY_SOCKS5_REPLY_MAX];
	size_t n = proxy_socks5_reply(rep, NULL, 0, reply, sizeof(reply));

	if (n)
		send_all(c->client, reply, n, now_ms() + 2000);
}

/* A request refused by the rules, or malformed: reported and answered. */
static void refuse(struct conn *c, enum proxy_reason reason,
		   enum proxy_socks5_rep rep)
{
	report(c, reason);
	if (c->protocol == SOCKS5)
		socks5_answer(c, rep);
	else
		http_answer(c, "403 Forbidden", proxy_reason_code(reason),
			    proxy_reason_text(reason));
}

/* A failure on the way to an allowed host: logged and answered. */
static void fail(struct conn *c, const char *why, bool timed_out)
{
	char line[PROXY_NAME_MAX + 128];

	snprintf(line, sizeof(line), "%s %s:%u: %s\n",
		 protocol_names[c->protocol], c->host, (unsigned)c->port, why);
	log_line(c->server, line);
	if (c->protocol == SOCKS5)
		socks5_answer(c, timed_out ? PROXY_SOCKS5_TTL_EXPIRED
					   : PROXY_SOCKS5_HOST_UNREACHABLE);
	else
		http_answer(c,
			    timed_out ? "504 Gateway Timeout"
				      : "502 Bad Gateway",
			    timed_out ? "timeout" : "unreachable", why);
}

/* --- Resolving and connecting ------------------------------------------ */

static void addr_to_sockaddr(const struct proxy_addr *a, uint16_t port,
			     struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == PROXY_IPV4) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, a->bytes, 4);
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, a->bytes, 16);
		*len = sizeof(*in6);
	}
}

/* The addresses of an allowed host: itself, the map's, or the resolver's.
 * *ret_trusted: the map named them, so no range is refused. */
static size_t host_addresses(struct conn *c, struct proxy_addr *out,
			     bool *ret_trusted)
{
	const struct proxy_server *s = c->server;
	struct proxy_host host;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	size_t n = 0;

	*ret_trusted = false;
	if (proxy_host_parse(c->host, strlen(c->host), &host) != PROXY_OK)
		return 0;
	if (host.is_addr) {
		out[0] = host.addr;
		return 1;
	}
	for (size_t i = 0; i < s->n_map; i++) {
		if (strcmp(s->map[i].name, host.name) == 0) {
			out[0] = s->map[i].addr;
			*ret_trusted = true;
			return 1;
		}
	}
	if (getaddrinfo(host.name, NULL, &hints, &res) != 0)
		return 0;
	for (struct addrinfo *ai = res; ai && n < ADDRS_MAX; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			out[n].family = PROXY_IPV4;
			memcpy(out[n].bytes,
			       &((struct sockaddr_in *)ai->ai_addr)->sin_addr,
			       4);
			n++;
		} else if (ai->ai_family == AF_INET6) {
			out[n].family = PROXY_IPV6;
			memcpy(out[n].bytes,
			       &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr,
			       16);
			n++;
		}
	}
	freeaddrinfo(res);
	return n;
}

/* A connected socket, or NET_NO_SOCKET with *ret_timed_out set when the
 * address did not answer in time. */
static net_socket connect_to(const struct proxy_addr *a, uint16_t port,
			     unsigned timeout_ms, bool *ret_timed_out)
{
	struct sockaddr_storage ss;
	socklen_t len;
	net_socket s;
	int err = 0;
	socklen_t err_len = sizeof(err);

	addr_to_sockaddr(a, port, &ss, &len);
	s = socket(ss.ss_family, SOCK_STREAM, 0);
	if (s == NET_NO_SOCKET)
		return NET_NO_SOCKET;
	if (!net_prepare(s)) {
		net_close(s);
		return NET_NO_SOCKET;
	}
	if (connect(s, (struct sockaddr *)&ss, len) == 0)
		return s;
	if (net_connect_pending()) {
		int r = wait_fd(s, POLLOUT, now_ms() + timeout_ms);

		if (r == 0)
			*ret_timed_out = true;
		if (r > 0 &&
		    getsockopt(s, SOL_SOCKET, SO_ERROR, (void *)&err,
			       &err_len) == 0 &&
		    err == 0)
			return s;
	}
	net_close(s);
	return NET_NO_SOCKET;
}

/*
 * Decide on the host and open the connection to it; true with c->upstream
 * set, or false once the client has been answered.
 */
static bool open_upstream(struct conn *c)
{
	const struct proxy_server *s = c->server;
	struct proxy_addr addrs[ADDRS_MAX];
	enum proxy_reason reason, first_refusal = PROXY_OK;
	bool trusted, timed_out = false;
	size_t n;

	reason = proxy_rules_decide_host(s->rules, c->host, strlen(c->host),
					 c->port);
	if (reason != PROXY_OK) {
		refuse(c, reason, proxy_socks5_rep_for(reason));
		return false;
	}
	n = host_addresses(c, addrs, &trusted);
	if (n == 0) {
		fail(c, "the name does not resolve", false);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		reason = trusted ? PROXY_OK
				 : proxy_rules_decide_addr(s->rules, &addrs[i],
							   c->port);
		if (reason != PROXY_OK) {
			if (first_refusal == PROXY_OK)
				first_refusal = reason;
			continue;
		}
		c->upstream = connect_to(&addrs[i], c->port,
					 s->connect_timeout_ms, &timed_out);
		if (c->upstream != NET_NO_SOCKET)
			return true;
	}
	if (first_refusal != PROXY_OK)
		refuse(c, first_refusal, proxy_socks5_rep_for(first_refusal));
	else
		fail(c,
		     timed_out ? "the server did not answer in time"
			       : "the server refused the connection",
		     timed_out);
	return false;
}

/* --- Relaying -------------------------------------------------------------- */

enum hello {
	HELLO_MORE, /* a valid start: read on */
	HELLO_PASS, /* not TLS, or a server name that agrees */
	HELLO_REFUSED, /* reported */
};

/* The verdict on the client's first bytes through a tunnel to a name: a
 * ClientHello's server name must agree with it. */
static enum hello hello_verdict(struct conn *c, const uint8_t *hello,
				size_t len)
{
	char sni[PROXY_NAME_MAX + 2];
	enum proxy_reason reason = PROXY_OK;
	enum proxy_parse r = proxy_tls_sni(hello, len, sni, &reason);

	if (r == PROXY_PARSE_MORE && len < HELLO_MAX)
		return HELLO_MORE;
	if (r == PROXY_PARSE_MORE)
		reason = PROXY_BAD_REQUEST;
	if (r == PROXY_PARSE_BAD && reason == PROXY_NOT_TLS)
		return HELLO_PASS;
	if (r == PROXY_PARSE_DONE)
		reason = proxy_tls_sni_agrees(c->host, strlen(c->host), sni);
	if (reason == PROXY_OK)
		return HELLO_PASS;
	report(c, reason);
	return HELLO_REFUSED;
}

/*
 * One direction of a tunnel. Its buffer is either empty, and then from is
 * read once poll() says it is readable, or holds bytes, and then to is
 * written once poll() says it is writable; a send that would block is
 * never retried before that.
 */
struct direction {
	net_socket from, to;
	bool open; /* from has not ended */
	uint8_t buf[RELAY_BUFFER];
	size_t len, off; /* bytes waiting to be written */
};

/* What one wake-up of the relay did. */
struct progress {
	bool moved; /* bytes were read or written */
	bool changed; /* a side ended */
};

/* The events to wait for on a socket: its own direction's reading, the
 * other direction's writing. */
static short wanted(const struct direction *from_it,
		    const struct direction *to_it)
{
	return (short)((from_it->open && !from_it->len ? POLLIN : 0) |
		       (to_it->len ? POLLOUT : 0));
}

/* Read, then write, as far as the events poll() reported allow; false to
 * end the tunnel. */
static bool step(struct direction *d, short revents_from, short revents_to,
		 struct progress *p)
{
	net_ssize n;

	if (d->len == 0 && d->open && (revents_from & (POLLIN | POLLHUP))) {
		n = recv_some(d->from, d->buf, sizeof(d->buf));
		if (n > 0) {
			d->len = (size_t)n;
			d->off = 0;
			p->moved = true;
		} else if (n == 0 || !net_would_block()) {
			d->open = false;
			p->changed = true;
			shutdown(d->to, NET_SHUT_WR);
		}
	}
	if (d->len && (revents_to & POLLOUT)) {
		n = send_some(d->to, d->buf + d->off, d->len);
		if (n > 0) {
			d->off += (size_t)n;
			d->len -= (size_t)n;
			p->moved = true;
		} else if (n < 0 && !net_would_block()) {
			return false;
		}
	}
	return true;
}

/*
 * Wait until one of the tunnel's sockets is ready for what the directions
 * want of it, or the deadline; the events each reported, client first.
 * A socket nothing is wanted of is left out of the poll set: poll() and
 * WSAPoll() report POLLHUP and POLLERR whatever was asked, so a socket
 * whose peer has hung up, polled for nothing, would wake the relay at
 * once, again and again, while the bytes for it wait on a reader that
 * does not read. Returns poll()'s result.
 */
static int relay_wait(const struct direction *up, const struct direction *down,
		      long long deadline, short ret_revents[2])
{
	const struct direction *from[2] = { up, down };
	short want[2] = { wanted(up, down), wanted(down, up) };
	net_pollfd pfd[2];
	unsigned n = 0, k = 0;
	int r;

	for (int i = 0; i < 2; i++) {
		if (want[i])
			pfd[n++] = (net_pollfd){ .fd = from[i]->from,
						 .events = want[i] };
	}
	r = net_poll(pfd, n, remaining(deadline));
	for (int i = 0; i < 2; i++)
		ret_revents[i] = r > 0 && want[i] ? pfd[k++].revents : 0;
	return r;
}

/* The client's first bytes through a tunnel to a name, held until
 * hello_verdict() lets them pass. */
struct held {
	uint8_t *buf; /* HELLO_MAX bytes */
	size_t len;
	bool checking;
};

/* Send the held bytes on once the verdict lets them; false to end the
 * tunnel. */
static bool held_settle(struct conn *c, struct held *h)
{
	enum hello v;

	if (!h->checking || !h->len)
		return true;
	v = hello_verdict(c, h->buf, h->len);
	if (v == HELLO_REFUSED)
		return false;
	if (v == HELLO_MORE)
		return true;
	h->checking = false;
	return send_all(c->upstream, h->buf, h->len, now_ms() + 10000);
}

/* Read the client's next bytes into the held ones; false to end. */
static bool held_read(struct conn *c, struct held *h, struct progress *p)
{
	net_ssize n = recv_some(c->client, h->buf + h->len, HELLO_MAX - h->len);

	if (n > 0) {
		h->len += (size_t)n;
		p->moved = true;
	}
	return n > 0 || (n < 0 && net_would_block());
}

/*
 * One wake-up of the relay: false to end the tunnel. The idle deadline
 * moves only when bytes do, so that a tunnel woken without moving any
 * (a peer hung up, nobody reads) still reaches it.
 */
static bool relay_turn(struct conn *c, struct direction *up,
		       struct direction *down, struct held *h,
		       long long *idle_deadline)
{
	struct progress p = { 0 };
	short ev[2];
	int r = relay_wait(up, down, *idle_deadline, ev);

	if (r < 0)
		return net_interrupted();
	if (r == 0)
		return remaining(*idle_deadline) > 0;
	if ((ev[0] | ev[1]) & (POLLNVAL | POLLERR))
		return false;
	if (h->checking && (ev[0] & (POLLIN | POLLHUP))) {
		if (!held_read(c, h, &p))
			return false;
		ev[0] &= (short)~(POLLIN | POLLHUP);
	}
	if (!step(up, ev[0], ev[1], &p) || !step(down, ev[1], ev[0], &p))
		return false;
	if (p.moved)
		*idle_deadline = now_ms() + c->server->idle_timeout_ms;
	else if (!p.changed)
		/* Woken for nothing: a POLLHUP on a socket waited on for
		 * POLLOUT, which WSAPoll may report after the peer's FIN
		 * alone. Pause, rather than spin until the deadline. */
		net_sleep_ms(RELAY_STALL_MS);
	return true;
}

/*
 * Relay both ways until both sides have ended, or idle_timeout_ms pass
 * without a byte. pending: bytes of the client's to send first. check:
 * hold the client's bytes, not the server's, until hello_verdict() passes
 * them, whenever they come (a server may speak first).
 */
static void relay(struct conn *c, const void *pending, size_t pending_len,
		  bool check)
{
	struct direction *up = calloc(2, sizeof(*up));
	struct direction *down = up + 1;
	struct held h = { .checking = check };
	long long idle_deadline;

	if (!up || (check && !(h.buf = malloc(HELLO_MAX))))
		goto out;
	if (check) {
		h.len = pending_len < HELLO_MAX ? pending_len : HELLO_MAX;
		memcpy(h.buf, pending, h.len);
	} else if (pending_len && !send_all(c->upstream, pending, pending_len,
					    now_ms() + 10000)) {
		goto out;
	}
	*up = (struct direction){ .from = c->client,
				  .to = c->upstream,
				  .open = true };
	*down = (struct direction){ .from = c->upstream,
				    .to = c->client,
				    .open = true };
	idle_deadline = now_ms() + c->server->idle_timeout_ms;
	/* Both sides ended and every byte written: nothing is wanted. */
	while (wanted(up, down) || wanted(down, up)) {
		if (!held_settle(c, &h) ||
		    !relay_turn(c, up, down, &h, &idle_deadline))
			break;
	}
out:
	free(h.buf);
	free(up);
}

/* --- The protocols --------------------------------------------------------- */

/* The tunnel of CONNECT and SOCKS5: bytes the client sent after its
 * request are its start; a ClientHello is checked when the host is a
 * name. */
static void tunnel(struct conn *c)
{
	relay(c, c->buf, c->len, !c->host_is_addr);
}

static bool is_hop_header(const char *line, size_t len)
{
	static const char *const names[] = { "connection", "proxy-connection",
					     "keep-alive",
					     "proxy-authorization" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (len > n && line[n] == ':' &&
		    net_strncasecmp(line, names[i], n) == 0)
			return true;
	}
	return false;
}

/* The request in origin form for the server, its hop-by-hop headers
 * replaced by "Connection: close", then the body bytes already read. */
static void forward(struct conn *c, const struct proxy_http_request *req)
{
	size_t cap = req->head_len + 64 + (c->len - req->head_len);
	char *out = malloc(cap);
	size_t used;
	int n;

	if (!out)
		return;
	n = snprintf(out, cap, "%s %.*s HTTP/1.%d\r\n", req->method,
		     req->path_len ? (int)req->path_len : 1,
		     req->path_len ? c->buf + req->path_off : "/",
		     req->minor_version);
	used = n > 0 ? (size_t)n : 0;
	for (size_t off = req->headers_off; off + 2 < req->head_len;) {
		const char *line = c->buf + off;
		const char *end = memchr(line, '\n', req->head_len - off);
		size_t len =
			end ? (size_t)(end - line) + 1 : req->head_len - off;

		if (!is_hop_header(line, len) && used + len < cap) {
			memcpy(out + used, line, len);
			used += len;
		}
		off += len;
	}
	n = snprintf(out + used, cap - used, "Connection: close\r\n\r\n");
	used += n > 0 ? (size_t)n : 0;
	memcpy(out + used, c->buf + req->head_len, c->len - req->head_len);
	used += c->len - req->head_len;
	c->len = 0;
	relay(c, out, used, false);
	free(out);
}

static void serve_http(struct conn *c)
{
	struct proxy_http_request req;
	enum proxy_parse r;

	c->protocol = HTTP_CONNECT;
	while ((r = proxy_http_parse(c->buf, c->len, sizeof(c->buf), &req)) ==
	       PROXY_PARSE_MORE) {
		if (!read_more(c))
			return;
	}
	if (r == PROXY_PARSE_BAD) {
		if (req.host[0]) {
			snprintf(c->host, sizeof(c->host), "%s", req.host);
			c->port = req.port;
		}
		c->protocol = req.connect ? HTTP_CONNECT : HTTP_FORWARD;
		refuse(c, req.reason, PROXY_SOCKS5_FAILURE);
		return;
	}
	c->protocol = req.connect ? HTTP_CONNECT : HTTP_FORWARD;
	snprintf(c->host, sizeof(c->host), "%s", req.host);
	c->port = req.port;
	{
		struct proxy_host h;

		c->host_is_addr = proxy_host_parse(c->host, strlen(c->host),
						   &h) == PROXY_OK &&
				  h.is_addr;
	}
	if (!open_upstream(c))
		return;
	if (req.connect) {
		static const char ok[] =
			"HTTP/1.1 200 Connection established\r\n\r\n";

		memmove(c->buf, c->buf + req.head_len, c->len - req.head_len);
		c->len -= req.head_len;
		if (send_all(c->client, ok, sizeof(ok) - 1, now_ms() + 10000))
			tunnel(c);
	} else {
		forward(c, &req);
	}
}

static void serve_socks5(struct conn *c)
{
	struct proxy_socks5_request req;
	enum proxy_reason reason = PROXY_OK;
	uint8_t reply[PROXY_SOCKS5_REPLY_MAX];
	size_t greeting_len, n;
	enum proxy_parse r;

	c->protocol = SOCKS5;
	while ((r = proxy_socks5_greeting((uint8_t *)c->buf, c->len,
					  &greeting_len, reply, &reason)) ==
	       PROXY_PARSE_MORE) {
		if (!read_more(c))
			return;
	}
	if (r == PROXY_PARSE_BAD) {
		report(c, reason);
		return;
	}
	if (!send_all(c->client, reply, 2, c->head_deadline))
		return;
	if (reason != PROXY_OK) {
		report(c, reason);
		return;
	}
	memmove(c->buf, c->buf + greeting_len, c->len - greeting_len);
	c->len -= greeting_len;
	while ((r = proxy_socks5_request((uint8_t *)c->buf, c->len, &req)) ==
	       PROXY_PARSE_MORE) {
		if (!read_more(c))
			return;
	}
	if (req.is_addr) {
		int af = req.addr.family == PROXY_IPV4 ? AF_INET : AF_INET6;

		inet_ntop(af, req.addr.bytes, c->host, sizeof(c->host));
	} else {
		snprintf(c->host, sizeof(c->host), "%s", req.host);
	}
	c->host_is_addr = req.is_addr;
	c->port = req.port;
	if (r == PROXY_PARSE_BAD) {
		refuse(c, req.reason, req.rep);
		return;
	}
	if (!open_upstream(c))
		return;
	n = proxy_socks5_reply(PROXY_SOCKS5_SUCCEEDED, NULL, 0, reply,
			       sizeof(reply));
	memmove(c->buf, c->buf + req.len, c->len - req.len);
	c->len -= req.len;
	if (n && send_all(c->client, reply, n, now_ms() + 10000))
		tunnel(c);
}

static void serve(void *arg)
{
	struct conn *c = arg;
	atomic_uint *live = c->server->live;

	if (read_more(c)) {
		if ((uint8_t)c->buf[0] == PROXY_SOCKS5_VERSION)
			serve_socks5(c);
		else
			serve_http(c);
	}
	net_close(c->client);
	if (c->upstream != NET_NO_SOCKET)
		net_close(c->upstream);
	free(c);
	/* Last: the owner may free the server once this reaches 0. */
	atomic_fetch_sub(live, 1);
}

static void start(const struct proxy_server *s, net_socket fd)
{
	struct conn *c;

	if (atomic_load(s->live) >= s->connections_max) {
		log_line(
			s,
			"connection refused: the proxy serves its most connections at once\n");
		net_close(fd);
		return;
	}
	c = malloc(sizeof(*c));
	if (!c || !net_prepare(fd)) {
		free(c);
		net_close(fd);
		return;
	}
	*c = (struct conn){ .server = s,
			    .client = fd,
			    .upstream = NET_NO_SOCKET };
	c->head_deadline = now_ms() + s->head_timeout_ms;
	atomic_fetch_add(s->live, 1);
	if (!net_thread(serve, c)) {
		atomic_fetch_sub(s->live, 1);
		net_close(fd);
		free(c);
	}
}

int proxy_serve(const struct proxy_server *s)
{
	while (!(s->stop && *s->stop)) {
		net_pollfd pfd[2] = {
			{ .fd = s->listen_fd, .events = POLLIN },
			{ .fd = s->stop_fd, .events = POLLIN },
		};
		net_socket fd;
		int r = net_poll(pfd, s->stop_fd == NET_NO_SOCKET ? 1 : 2,
				 s->stop ? 250 : -1);

		if (r < 0 && net_interrupted())
			continue;
		if (r < 0)
			return -1;
		if (s->stop_fd != NET_NO_SOCKET && pfd[1].revents)
			return 0;
		if (!(pfd[0].revents & POLLIN))
			continue;
		fd = accept(s->listen_fd, NULL, NULL);
		if (fd != NET_NO_SOCKET)
			start(s, fd);
		else if (net_out_of_resources())
			/* Out of descriptors: let connections end first. */
			net_sleep_ms(50);
	}
	return 0;
}
