/* SPDX-License-Identifier: MIT */
/*
 * The --allow-domain and --deny-domain rules, and the decisions made with
 * them.
 *
 * Trust boundary: the host names reaching proxy_rules_decide_host() come
 * from the program inside the sandbox (a CONNECT target, an absolute-form
 * URL, a SOCKS5 name), and the addresses reaching proxy_rules_decide_addr()
 * from DNS. What crosses, and why it is safe:
 * - A name is bounded (253 characters, 63 per label) and must consist of
 *   ASCII letters, digits, '-' and '_' in non-empty labels: no percent
 *   encoding, no NUL, no space, nothing a resolver or a log line would read
 *   differently from the comparison here. It is lowercased and loses one
 *   trailing dot, the two spellings of one name, before any comparison.
 * - A name that a resolver would take for a number ("2130706433",
 *   "0x7f000001", "127.1") is refused as a literal address.
 * - Literal addresses are parsed strictly (addr.c) and reach a host only
 *   through an exact address rule.
 * - Whatever a name resolves to is judged again by address, so that an
 *   allowed name pointing at 127.0.0.1 or 10.0.0.1 (DNS rebinding, or a
 *   plain misconfiguration) does not open the host's own services or its
 *   local network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

static const struct {
	const char *code;
	const char *text;
} reasons[PROXY_REASON_COUNT] = {
	[PROXY_OK] = { "ok", "allowed" },
	[PROXY_DENIED] = { "denied", "matches a --deny-domain rule" },
	[PROXY_NOT_ALLOWED] = { "not-allowed",
				"matches no --allow-domain rule" },
	[PROXY_IP_LITERAL] = { "ip-literal",
			       "a literal IP address without an exact rule" },
	[PROXY_LOOPBACK] = { "loopback", "a loopback address" },
	[PROXY_PRIVATE] = { "private", "a private network address" },
	[PROXY_LINK_LOCAL] = { "link-local", "a link-local address" },
	[PROXY_UNIQUE_LOCAL] = { "unique-local",
				 "a unique-local IPv6 address" },
	[PROXY_UNSPECIFIED] = { "unspecified", "an unspecified address" },
	[PROXY_MULTICAST] = { "multicast", "a multicast address" },
	[PROXY_RESERVED] = { "reserved", "a reserved address" },
	[PROXY_BAD_NAME] = { "bad-name", "not a valid host name" },
	[PROXY_NON_ASCII] = { "non-ascii",
			      "not ASCII; internationalized names need their xn-- form" },
	[PROXY_EMPTY_LABEL] = { "empty-label",
				"a host name with an empty label" },
	[PROXY_NAME_TOO_LONG] = { "name-too-long",
				  "a host name over 253 characters" },
	[PROXY_LABEL_TOO_LONG] = { "label-too-long",
				   "a host name label over 63 characters" },
	[PROXY_BAD_WILDCARD] = { "bad-wildcard",
				 "a wildcard is only allowed as a whole first label, as in *.example.com" },
	[PROXY_BAD_ADDRESS] = { "bad-address", "not a valid IP address" },
	[PROXY_BAD_PORT] = { "bad-port", "not a port from 1 to 65535" },
	[PROXY_TOO_MANY_RULES] = { "too-many-rules",
				   "more than 1024 domain rules" },
	[PROXY_NO_MEMORY] = { "no-memory", "out of memory" },
	[PROXY_BAD_REQUEST] = { "bad-request", "a malformed request" },
	[PROXY_HEAD_TOO_LARGE] = { "head-too-large",
				   "a request head over the size limit" },
	[PROXY_ORIGIN_FORM] = { "origin-form",
				"a request for a server, not a proxy (no absolute URL)" },
	[PROXY_BAD_SCHEME] = { "bad-scheme",
			       "an absolute URL whose scheme is not http" },
	[PROXY_USERINFO] = { "userinfo",
			     "user information in a request target" },
	[PROXY_BAD_VERSION] = { "bad-version", "not HTTP/1.0 or HTTP/1.1" },
	[PROXY_BAD_HEADER] = { "bad-header", "a malformed header line" },
	[PROXY_NO_HOST] = { "no-host", "an HTTP/1.1 request without Host" },
	[PROXY_DUPLICATE_HOST] = { "duplicate-host",
				   "more than one Host header" },
	[PROXY_HOST_MISMATCH] = { "host-mismatch",
				  "the Host header does not name the request's target" },
	[PROXY_NO_ACCEPTABLE_METHOD] = { "no-acceptable-method",
					 "the SOCKS5 client does not offer \"no authentication\"" },
	[PROXY_BAD_COMMAND] = { "bad-command",
				"a SOCKS5 command other than CONNECT" },
	[PROXY_BAD_ADDRESS_TYPE] = { "bad-address-type",
				     "an unknown SOCKS5 address type" },
	[PROXY_NOT_TLS] = { "not-tls", "not a TLS ClientHello" },
	[PROXY_SNI_MISMATCH] = { "sni-mismatch",
				 "the TLS server name does not match the CONNECT host" },
};

const char *proxy_reason_code(enum proxy_reason reason)
{
	if ((unsigned)reason >= PROXY_REASON_COUNT)
		return "unknown";
	return reasons[reason].code;
}

const char *proxy_reason_text(enum proxy_reason reason)
{
	if ((unsigned)reason >= PROXY_REASON_COUNT)
		return "unknown";
	return reasons[reason].text;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* Whether a (lowercase) label is what resolvers read as a number. */
static bool label_is_numeric(const char *s, size_t len)
{
	size_t i = 0;

	if (len > 2 && s[0] == '0' && s[1] == 'x') {
		for (i = 2; i < len && is_hex(s[i]); i++)
			;
		return i == len;
	}
	for (; i < len && is_digit(s[i]); i++)
		;
	return i == len;
}

static enum proxy_reason check_label(const char *s, size_t len)
{
	if (len == 0)
		return PROXY_EMPTY_LABEL;
	if (len > PROXY_LABEL_MAX)
		return PROXY_LABEL_TOO_LONG;
	if (s[0] == '-' || s[len - 1] == '-')
		return PROXY_BAD_NAME;
	return PROXY_OK;
}

/*
 * Check and lowercase the name s[0..len) into out (PROXY_NAME_MAX + 1
 * bytes), dropping one trailing dot. *ret_numeric: whether the last label
 * is a number.
 */
static enum proxy_reason normalize_name(const char *s, size_t len, char *out,
					bool *ret_numeric)
{
	size_t label = 0;
	enum proxy_reason r;

	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return PROXY_NON_ASCII;
	}
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len > PROXY_NAME_MAX)
		return PROXY_NAME_TOO_LONG;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '*')
			return PROXY_BAD_WILDCARD;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c != '.' && c != '-' && c != '_' && !is_digit(c) &&
			 !(c >= 'a' && c <= 'z'))
			return PROXY_BAD_NAME;
		out[i] = c;
		if (c != '.')
			continue;
		r = check_label(out + label, i - label);
		if (r != PROXY_OK)
			return r;
		label = i + 1;
	}
	r = check_label(out + label, len - label);
	if (r != PROXY_OK)
		return r;
	out[len] = '\0';
	*ret_numeric = label_is_numeric(out + label, len - label);
	return PROXY_OK;
}

enum proxy_reason proxy_host_parse(const char *s, size_t len,
				   struct proxy_host *ret)
{
	struct proxy_host host = { 0 };
	bool numeric = false;
	enum proxy_reason r;

	/* A colon can only be IPv6: the parsers took the port off. */
	if (memchr(s, ':', len) ||
	    proxy_addr_parse(s, len, &host.addr) == PROXY_OK) {
		r = proxy_addr_parse(s, len, &host.addr);
		if (r != PROXY_OK)
			return r;
		host.is_addr = true;
		*ret = host;
		return PROXY_OK;
	}
	r = normalize_name(s, len, host.name, &numeric);
	if (r != PROXY_OK)
		return r;
	if (numeric)
		return PROXY_IP_LITERAL;
	*ret = host;
	return PROXY_OK;
}

/* ":PORT" at the end of s[0..len), if any: 1 to 65535 in decimal. */
static enum proxy_reason split_port(const char *s, size_t *len,
				    uint16_t *ret_port)
{
	const char *colon = memchr(s, ':', *len);
	unsigned long port = 0;
	size_t i;

	*ret_port = 0;
	if (!colon)
		return PROXY_OK;
	i = (size_t)(colon - s) + 1;
	if (i == *len || *len - i > 5)
		return PROXY_BAD_PORT;
	for (; i < *len; i++) {
		if (!is_digit(s[i]))
			return PROXY_BAD_PORT;
		port = port * 10 + (unsigned long)(s[i] - '0');
	}
	if (port == 0 || port > 65535)
		return PROXY_BAD_PORT;
	*len = (size_t)(colon - s);
	*ret_port = (uint16_t)port;
	return PROXY_OK;
}

/* "[v6]", "[v6]:PORT" or a bare IPv6 address (more than one colon, so no
 * port). */
static enum proxy_reason parse_v6_pattern(const char *s, size_t len,
					  struct proxy_pattern *p)
{
	const char *close;
	size_t rest;
	enum proxy_reason r;

	p->kind = PROXY_PATTERN_ADDR;
	if (s[0] != '[')
		return proxy_addr_parse(s, len, &p->addr);
	close = memchr(s, ']', len);
	if (!close)
		return PROXY_BAD_ADDRESS;
	rest = len - (size_t)(close + 1 - s);
	if (rest > 0 && close[1] != ':')
		return PROXY_BAD_ADDRESS;
	r = split_port(close + 1, &rest, &p->port);
	if (r != PROXY_OK)
		return r;
	r = proxy_addr_parse(s + 1, (size_t)(close - s) - 1, &p->addr);
	if (r == PROXY_OK && p->addr.family != PROXY_IPV6)
		return PROXY_BAD_ADDRESS;
	return r;
}

/* NAME, *.NAME or IPv4, after the port was split off. */
static enum proxy_reason parse_name_pattern(const char *s, size_t len,
					    struct proxy_pattern *p)
{
	bool numeric = false;
	enum proxy_reason r;

	if (proxy_addr_parse(s, len, &p->addr) == PROXY_OK) {
		p->kind = PROXY_PATTERN_ADDR;
		return PROXY_OK;
	}
	p->kind = PROXY_PATTERN_EXACT;
	if (len >= 1 && s[0] == '*') {
		if (len < 2 || s[1] != '.')
			return PROXY_BAD_WILDCARD;
		p->kind = PROXY_PATTERN_WILDCARD;
		s += 2;
		len -= 2;
		if (len == 0)
			return PROXY_EMPTY_LABEL;
	}
	r = normalize_name(s, len, p->name, &numeric);
	if (r != PROXY_OK)
		return r;
	/* "127.1" or "*.0.1" would match nothing a client can send as a
	 * name (those are refused as literals), so they are mistakes. */
	return numeric ? PROXY_BAD_ADDRESS : PROXY_OK;
}

enum proxy_reason proxy_pattern_parse(const char *s, struct proxy_pattern *ret)
{
	struct proxy_pattern p = { 0 };
	size_t len = strlen(s);
	const char *colon = memchr(s, ':', len);
	enum proxy_reason r;

	if (len == 0)
		return PROXY_EMPTY_LABEL;
	/* A name, a port and a pair of brackets. */
	if (len > PROXY_NAME_MAX + 8)
		return PROXY_NAME_TOO_LONG;
	if (s[0] == '[' ||
	    (colon && memchr(colon + 1, ':', len - 1 - (size_t)(colon - s))))
		r = parse_v6_pattern(s, len, &p);
	else {
		r = split_port(s, &len, &p.port);
		if (r == PROXY_OK)
			r = parse_name_pattern(s, len, &p);
	}
	if (r != PROXY_OK)
		return r;
	*ret = p;
	return PROXY_OK;
}

bool proxy_pattern_match(const struct proxy_pattern *pattern,
			 const struct proxy_host *host, uint16_t port)
{
	size_t hl, nl;

	if (pattern->port && pattern->port != port)
		return false;
	if (pattern->kind == PROXY_PATTERN_ADDR)
		return host->is_addr &&
		       proxy_addr_equal(&pattern->addr, &host->addr);
	if (host->is_addr)
		return false;
	if (pattern->kind == PROXY_PATTERN_EXACT)
		return strcmp(pattern->name, host->name) == 0;
	/* *.example.com: a.example.com and a.b.example.com, but neither
	 * example.com nor evil-example.com. */
	hl = strlen(host->name);
	nl = strlen(pattern->name);
	return hl > nl + 1 && host->name[hl - nl - 1] == '.' &&
	       strcmp(host->name + hl - nl, pattern->name) == 0;
}

void proxy_rules_init(struct proxy_rules *rules)
{
	memset(rules, 0, sizeof(*rules));
}

enum proxy_reason proxy_rules_add(struct proxy_rules *rules,
				  enum proxy_list list, const char *text)
{
	struct proxy_pattern p, **items, *grown;
	size_t *n;
	enum proxy_reason r;

	r = proxy_pattern_parse(text, &p);
	if (r != PROXY_OK)
		return r;
	if (rules->n_allow + rules->n_deny >= PROXY_RULES_MAX)
		return PROXY_TOO_MANY_RULES;
	items = list == PROXY_DENY ? &rules->deny : &rules->allow;
	n = list == PROXY_DENY ? &rules->n_deny : &rules->n_allow;

	grown = realloc(*items, (*n + 1) * sizeof(p));
	if (!grown)
		return PROXY_NO_MEMORY;
	grown[(*n)++] = p;
	*items = grown;
	return PROXY_OK;
}

void proxy_rules_free(struct proxy_rules *rules)
{
	if (!rules)
		return;
	free(rules->allow);
	free(rules->deny);
	proxy_rules_init(rules);
}

static bool any_match(const struct proxy_pattern *list, size_t n,
		      const struct proxy_host *host, uint16_t port)
{
	for (size_t i = 0; i < n; i++) {
		if (proxy_pattern_match(&list[i], host, port))
			return true;
	}
	return false;
}

enum proxy_reason proxy_rules_decide_host(const struct proxy_rules *rules,
					  const char *host, size_t len,
					  uint16_t port)
{
	struct proxy_host h;
	enum proxy_reason r;

	if (port == 0)
		return PROXY_BAD_PORT;
	r = proxy_host_parse(host, len, &h);
	if (r != PROXY_OK)
		return r;
	if (any_match(rules->deny, rules->n_deny, &h, port))
		return PROXY_DENIED;
	if (any_match(rules->allow, rules->n_allow, &h, port))
		return PROXY_OK;
	return h.is_addr ? PROXY_IP_LITERAL : PROXY_NOT_ALLOWED;
}

enum proxy_reason proxy_rules_decide_addr(const struct proxy_rules *rules,
					  const struct proxy_addr *addr,
					  uint16_t port)
{
	struct proxy_host h = { .is_addr = true, .addr = *addr };
	enum proxy_reason range;

	if (any_match(rules->deny, rules->n_deny, &h, port))
		return PROXY_DENIED;
	range = proxy_addr_classify(addr);
	if (range == PROXY_OK ||
	    any_match(rules->allow, rules->n_allow, &h, port))
		return PROXY_OK;
	return range;
}

enum proxy_reason proxy_map_parse(const char *text, struct proxy_map_entry *ret)
{
	const char *eq = strchr(text, '=');
	struct proxy_host host;
	struct proxy_addr addr;
	const char *a;
	size_t len;

	if (!eq)
		return PROXY_BAD_NAME;
	if (proxy_host_parse(text, (size_t)(eq - text), &host) != PROXY_OK ||
	    host.is_addr)
		return PROXY_BAD_NAME;
	a = eq + 1;
	len = strlen(a);
	if (len >= 2 && a[0] == '[' && a[len - 1] == ']') {
		a++;
		len -= 2;
	}
	if (proxy_addr_parse(a, len, &addr) != PROXY_OK)
		return PROXY_BAD_ADDRESS;
	ret->addr = addr;
	snprintf(ret->name, sizeof(ret->name), "%s", host.name);
	return PROXY_OK;
}
