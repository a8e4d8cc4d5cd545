/* SPDX-License-Identifier: MIT */
/*
 * The pure half of proxy mode (issue 7): the domain rules and the parsers of
 * what a client inside the sandbox sends to the proxy. Nothing here makes a
 * system call, so the same code is built into the Linux and the Windows
 * paddock and is unit-tested and fuzzed on Linux. Nothing prints; every
 * function returns a result the caller turns into a message or a report.
 *
 * The modules, one prefix:
 *   proxy_addr_     literal IPv4 and IPv6 addresses, and their ranges;
 *   proxy_pattern_  one --allow-domain or --deny-domain pattern;
 *   proxy_rules_    the lists of patterns, and the decisions made with them;
 *   proxy_http_     the head of an HTTP/1.x proxy request;
 *   proxy_socks5_   the SOCKS5 greeting, CONNECT request and replies;
 *   proxy_tls_      the server name (SNI) of a TLS ClientHello;
 *   proxy_env       the variables that point clients at the proxy.
 *
 * The lifecycle of the rules: proxy_rules_init(), proxy_rules_add() once per
 * command-line pattern, then any number of proxy_rules_decide_host() and
 * proxy_rules_decide_addr() calls (they do not change the rules, so several
 * threads may share them), and proxy_rules_free().
 *
 * The parsers take the bytes received so far, never read past the length
 * they are given, and answer "need more", "done" or "bad"; fed a longer
 * prefix of the same stream they give the same answer or a later one, so
 * the caller may call them again after each read.
 */
#ifndef PADDOCK_PROXY_H
#define PADDOCK_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A host name is at most 253 characters without the trailing dot, a label
 * 63 (RFC 1035, section 2.3.4). */
#define PROXY_NAME_MAX 253
#define PROXY_LABEL_MAX 63

/* --- Why a pattern or a request was refused ---------------------------- */

/*
 * Every refusal carries one of these. proxy_reason_code() gives a stable
 * word for the machine-readable report, proxy_reason_text() a short phrase
 * for a message; both return a static string, "unknown" for a value out of
 * range.
 */
enum proxy_reason {
	PROXY_OK = 0,
	/* Decisions on a host or an address. */
	PROXY_DENIED, /* a --deny-domain pattern matched */
	PROXY_NOT_ALLOWED, /* no --allow-domain pattern matched */
	PROXY_IP_LITERAL, /* an address, not a name, and no exact IP rule */
	PROXY_LOOPBACK,
	PROXY_PRIVATE, /* RFC 1918 and carrier-grade NAT (100.64.0.0/10) */
	PROXY_LINK_LOCAL,
	PROXY_UNIQUE_LOCAL, /* fc00::/7 and the old site-local fec0::/10 */
	PROXY_UNSPECIFIED, /* 0.0.0.0/8 and :: */
	PROXY_MULTICAST,
	PROXY_RESERVED, /* 240.0.0.0/4, the broadcast address, ::/96 */
	/* Malformed names, patterns and ports. */
	PROXY_BAD_NAME, /* a character or a label shape a host name cannot have */
	PROXY_NON_ASCII, /* IDNA is not supported: the xn-- form is needed */
	PROXY_EMPTY_LABEL,
	PROXY_NAME_TOO_LONG,
	PROXY_LABEL_TOO_LONG,
	PROXY_BAD_WILDCARD, /* "*" alone, or anywhere but a whole first label */
	PROXY_BAD_ADDRESS, /* bracketed or colon-laden, but not an address */
	PROXY_BAD_PORT, /* not 1 to 65535 in decimal */
	PROXY_TOO_MANY_RULES,
	PROXY_NO_MEMORY,
	/* Malformed requests. */
	PROXY_BAD_REQUEST, /* not the request syntax of the protocol */
	PROXY_HEAD_TOO_LARGE,
	PROXY_ORIGIN_FORM, /* "GET /path": a request for a server, not a proxy */
	PROXY_BAD_SCHEME, /* absolute-form other than http:// */
	PROXY_USERINFO, /* "user@host" in a request target */
	PROXY_BAD_VERSION,
	PROXY_BAD_HEADER, /* control character, folding, space before colon */
	PROXY_NO_HOST, /* HTTP/1.1 absolute-form request without Host */
	PROXY_DUPLICATE_HOST,
	PROXY_HOST_MISMATCH, /* Host header and request target disagree */
	PROXY_NO_ACCEPTABLE_METHOD, /* SOCKS5: "no authentication" not offered */
	PROXY_BAD_COMMAND, /* SOCKS5: BIND or UDP ASSOCIATE */
	PROXY_BAD_ADDRESS_TYPE, /* SOCKS5: an ATYP other than 1, 3 or 4 */
	PROXY_NOT_TLS,
	PROXY_SNI_MISMATCH,
	PROXY_REASON_COUNT
};

const char *proxy_reason_code(enum proxy_reason reason);
const char *proxy_reason_text(enum proxy_reason reason);

/* --- Literal addresses ------------------------------------------------ */

enum proxy_family {
	PROXY_IPV4 = 4,
	PROXY_IPV6 = 6,
};

/* An address in network order; an IPv4 address uses bytes[0..3]. */
struct proxy_addr {
	enum proxy_family family;
	uint8_t bytes[16];
};

/*
 * Parse a literal address: IPv4 in strict dotted-quad form (four decimal
 * numbers, no leading zeros, none of the "127.1" or "0x7f.1" forms some
 * resolvers accept), or IPv6 text without brackets and without a zone
 * ("%eth0"). PROXY_OK and *ret set, or PROXY_BAD_ADDRESS and *ret
 * untouched. len bytes of s are read; s need not end in NUL.
 */
enum proxy_reason proxy_addr_parse(const char *s, size_t len,
				   struct proxy_addr *ret);
/* The range an address falls in, as the reason to refuse it (PROXY_OK for
 * a public address). IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96)
 * IPv6 addresses are judged by the IPv4 address they carry. */
enum proxy_reason proxy_addr_classify(const struct proxy_addr *addr);
bool proxy_addr_equal(const struct proxy_addr *a, const struct proxy_addr *b);

/* --- Patterns and rules ------------------------------------------------ */

enum proxy_pattern_kind {
	PROXY_PATTERN_EXACT, /* example.com */
	PROXY_PATTERN_WILDCARD, /* *.example.com: subdomains only */
	PROXY_PATTERN_ADDR, /* 192.0.2.1, [2001:db8::1]: that address only */
};

struct proxy_pattern {
	enum proxy_pattern_kind kind;
	/* Lowercase, without the trailing dot; for a wildcard, the part after
	 * "*.". Empty for an address pattern. */
	char name[PROXY_NAME_MAX + 1];
	struct proxy_addr addr;
	uint16_t port; /* 0: every port */
};

/*
 * Parse one pattern: NAME, *.NAME or an address, with an optional ":PORT"
 * (an IPv6 address takes a port only in brackets, "[::1]:8080"). Names are
 * lowercased and lose one trailing dot. PROXY_OK and *ret set, or the
 * reason it is refused and *ret untouched.
 */
enum proxy_reason proxy_pattern_parse(const char *s, struct proxy_pattern *ret);

/* A bound on the patterns of one run: the decisions walk every list. */
#define PROXY_RULES_MAX 1024

enum proxy_list {
	PROXY_ALLOW,
	PROXY_DENY,
};

struct proxy_rules {
	struct proxy_pattern *allow;
	size_t n_allow;
	struct proxy_pattern *deny;
	size_t n_deny;
};

void proxy_rules_init(struct proxy_rules *rules);
/* Parse text and append it to a list; the reason on refusal, with the
 * rules unchanged. */
enum proxy_reason proxy_rules_add(struct proxy_rules *rules,
				  enum proxy_list list, const char *text);
/* Accepts a zeroed or initialized struct; leaves it initialized. */
void proxy_rules_free(struct proxy_rules *rules);

/*
 * A host as a client named it, normalized: an address (brackets removed
 * by the parsers already) or a name, lowercased and without its trailing
 * dot. A name whose last label is all digits, or 0x and hexadecimal
 * digits, is refused as PROXY_IP_LITERAL: resolvers read such names as
 * numeric addresses ("2130706433" is 127.0.0.1 to glibc).
 */
struct proxy_host {
	bool is_addr;
	struct proxy_addr addr;
	char name[PROXY_NAME_MAX + 1]; /* empty for an address */
};

enum proxy_reason proxy_host_parse(const char *s, size_t len,
				   struct proxy_host *ret);
/* Whether pattern covers host on port. An address pattern covers only that
 * address, a name pattern only names. */
bool proxy_pattern_match(const struct proxy_pattern *pattern,
			 const struct proxy_host *host, uint16_t port);

/*
 * The decision on a requested host and port, before any resolution: deny
 * patterns first, then allow patterns. A name must match an allow pattern
 * and no deny pattern; an address must match an allow address pattern.
 * host is the text from the request, normalized here.
 */
enum proxy_reason proxy_rules_decide_host(const struct proxy_rules *rules,
					  const char *host, size_t len,
					  uint16_t port);
/*
 * The decision on one address the proxy resolved an allowed name to, or
 * the literal address a client asked for: refused when a deny address
 * pattern names it, or when it is in a special range (loopback, private,
 * link-local, ...) and no allow address pattern names it.
 */
enum proxy_reason proxy_rules_decide_addr(const struct proxy_rules *rules,
					  const struct proxy_addr *addr,
					  uint16_t port);

/* One name the proxy resolves itself, without the system's resolver: a
 * test's stand-in for a remote host (paddock_policy_proxy_resolve). */
struct proxy_map_entry {
	char name[PROXY_NAME_MAX + 1]; /* normalized */
	struct proxy_addr addr;
};

/* Parse "NAME=ADDRESS" (the address may be in brackets); PROXY_OK, or
 * PROXY_BAD_NAME or PROXY_BAD_ADDRESS with *ret untouched. */
enum proxy_reason proxy_map_parse(const char *text,
				  struct proxy_map_entry *ret);

/* --- Parser results ---------------------------------------------------- */

enum proxy_parse {
	PROXY_PARSE_MORE, /* a valid prefix: read more and call again */
	PROXY_PARSE_DONE,
	PROXY_PARSE_BAD, /* the reason is in the result */
};

/* --- HTTP/1.x ----------------------------------------------------------- */

/* A head limit for callers without their own: enough for any client seen
 * in practice, small enough that many connections cost little. */
#define PROXY_HTTP_HEAD_MAX 16384
#define PROXY_HTTP_METHOD_MAX 16
/* Header lines are counted too: a head of many tiny lines is cheap to send
 * and each one costs the parser a pass. */
#define PROXY_HTTP_HEADERS_MAX 100

struct proxy_http_request {
	enum proxy_reason reason; /* PROXY_OK unless the answer was BAD */
	bool connect; /* CONNECT host:port, else absolute-form http:// */
	char method[PROXY_HTTP_METHOD_MAX + 1];
	char host[PROXY_NAME_MAX + 1]; /* as sent, IPv6 without brackets */
	uint16_t port; /* 80 when an absolute-form target names none */
	int minor_version; /* HTTP/1.0 or HTTP/1.1 */
	size_t line_len; /* the request line, CRLF included */
	/* The path and query of an absolute-form target, where the buffer
	 * holds them, for the origin-form line the proxy sends on; an empty
	 * path stands for "/". */
	size_t path_off;
	size_t path_len;
	size_t headers_off; /* the first header line */
	size_t head_len; /* through the empty line ending the head */
};

/*
 * Parse the head of a proxy request in buf[0..len). limit bounds the head;
 * a head that does not end within limit bytes is PROXY_HEAD_TOO_LARGE.
 * On DONE, the bytes from head_len on belong to the body or the tunnel.
 */
enum proxy_parse proxy_http_parse(const char *buf, size_t len, size_t limit,
				  struct proxy_http_request *ret);

/* --- SOCKS5 (RFC 1928) ------------------------------------------------- */

#define PROXY_SOCKS5_VERSION 5
#define PROXY_SOCKS5_NO_AUTH 0x00
#define PROXY_SOCKS5_NO_METHOD 0xff
/* The longest reply: 4 + 1 + 255 + 2 bytes with a domain name; paddock
 * only writes addresses, at most 4 + 16 + 2. */
#define PROXY_SOCKS5_REPLY_MAX 22

/* REP values of a reply (RFC 1928, section 6). */
enum proxy_socks5_rep {
	PROXY_SOCKS5_SUCCEEDED = 0x00,
	PROXY_SOCKS5_FAILURE = 0x01,
	PROXY_SOCKS5_NOT_ALLOWED = 0x02,
	PROXY_SOCKS5_NET_UNREACHABLE = 0x03,
	PROXY_SOCKS5_HOST_UNREACHABLE = 0x04,
	PROXY_SOCKS5_REFUSED = 0x05,
	PROXY_SOCKS5_TTL_EXPIRED = 0x06,
	PROXY_SOCKS5_COMMAND_UNSUPPORTED = 0x07,
	PROXY_SOCKS5_ATYP_UNSUPPORTED = 0x08,
};

/*
 * The greeting: VER, NMETHODS, METHODS. On DONE *ret_len is its length and
 * *ret_reply the two bytes to answer with: "no authentication" when it is
 * offered, else "no acceptable method" (and the reason is
 * PROXY_NO_ACCEPTABLE_METHOD: send the reply, then close).
 */
enum proxy_parse proxy_socks5_greeting(const uint8_t *buf, size_t len,
				       size_t *ret_len, uint8_t ret_reply[2],
				       enum proxy_reason *ret_reason);

struct proxy_socks5_request {
	enum proxy_reason reason; /* PROXY_OK unless the answer was BAD */
	/* The reply to send before closing, for a BAD request. */
	enum proxy_socks5_rep rep;
	bool is_addr; /* ATYP 1 or 4: a literal address */
	struct proxy_addr addr;
	char host[PROXY_NAME_MAX + 3]; /* ATYP 3: the name, up to 255 bytes */
	uint16_t port;
	size_t len; /* the request's length */
};

/* The CONNECT request that follows the greeting. */
enum proxy_parse proxy_socks5_request(const uint8_t *buf, size_t len,
				      struct proxy_socks5_request *ret);
/* The reply to a request; bound may be NULL for 0.0.0.0:0, which clients
 * ignore. Its length, or 0 when size is below PROXY_SOCKS5_REPLY_MAX. */
size_t proxy_socks5_reply(enum proxy_socks5_rep rep,
			  const struct proxy_addr *bound, uint16_t port,
			  uint8_t *buf, size_t size);
/* The REP that tells a client why its request was refused. */
enum proxy_socks5_rep proxy_socks5_rep_for(enum proxy_reason reason);

/* --- TLS ClientHello (RFC 8446, RFC 6066) ---------------------------- */

/*
 * The server name in the ClientHello a client sends first through a CONNECT
 * tunnel. DONE with the name in sni, or sni empty when the client sent
 * none; BAD with PROXY_NOT_TLS only when the first two bytes are not
 * those of a TLS handshake record (22, 3), and with PROXY_BAD_REQUEST for
 * any other shape: a ClientHello that is malformed, repeats the name, is
 * split over several records, or follows an empty or tiny first record.
 * Reads at most 5 + 16384 bytes.
 */
enum proxy_parse proxy_tls_sni(const uint8_t *buf, size_t len,
			       char sni[PROXY_NAME_MAX + 2],
			       enum proxy_reason *ret_reason);
/* Whether a server name agrees with the CONNECT host (host_len bytes):
 * the same name once normalized, or no server name at all. PROXY_OK or
 * PROXY_SNI_MISMATCH. */
enum proxy_reason proxy_tls_sni_agrees(const char *host, size_t host_len,
				       const char *sni);

/* --- The command's environment ----------------------------------------- */

#define PROXY_ENV_MAX 24

struct proxy_env {
	const char *name;
	char value[256];
};

/*
 * The variables that point common clients (curl, pip, npm, yarn, git,
 * cargo, Node, the JVM) at a proxy on host:port, for both HTTP and SOCKS5
 * (see env.c). Returns how many were written, 0 when size is too small.
 * JAVA_TOOL_OPTIONS carries paddock's options only: a caller keeping the
 * command's own appends them after a space.
 */
size_t proxy_env(const char *host, uint16_t port, struct proxy_env *out,
		 size_t size);

#endif
