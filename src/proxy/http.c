/* SPDX-License-Identifier: MIT */
/*
 * The head of an HTTP/1.x request sent to the proxy (RFC 9112).
 *
 * Trust boundary: every byte comes from the program inside the sandbox,
 * which may be hostile. What crosses, and why it is safe:
 * - The head is read only within the length given and within limit; the
 *   parser keeps no state between calls, so a slow client costs a rescan of
 *   at most limit bytes per read, and the caller's idle timeout ends it.
 * - Lines end in CRLF only. A bare CR or LF, a NUL anywhere, a control
 *   character in a header value, folded lines and space before a colon are
 *   refused rather than repaired: each is a way to make the proxy and the
 *   origin server read different requests (request smuggling).
 * - Only CONNECT host:port and absolute-form http:// targets are accepted,
 *   without user information ("http://allowed@evil/"), so the host the rules
 *   judge is the host the proxy connects to. The host is copied only when it
 *   fits and holds nothing but name or address characters; percent-encoding
 *   is refused, never decoded.
 * - One Host header at most, and it must name the target: the Host header
 *   is what an origin server routes by, so an absolute-form request for an
 *   allowed target with another Host would reach a virtual host the rules
 *   never saw. This holds only for the head parsed here: what a client
 *   sends inside a CONNECT tunnel, plain HTTP included, is relayed unread,
 *   so a request there may name any Host served at the allowed address
 *   (docs/network.md, "Limits, by design").
 */
#include <string.h>

#include "proxy.h"

static bool is_tchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equal_nocase(const char *a, size_t a_len, const char *b)
{
	size_t i;

	for (i = 0; i < a_len && b[i]; i++) {
		if (lower(a[i]) != lower(b[i]))
			return false;
	}
	return i == a_len && !b[i];
}

static bool is_host_char(char c, bool bracketed)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_' ||
	       (bracketed && c == ':');
}

/* 1 to 65535 in decimal. */
static bool parse_port(const char *s, size_t len, uint16_t *ret)
{
	unsigned long port = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		port = port * 10 + (unsigned long)(s[i] - '0');
	}
	if (port == 0 || port > 65535)
		return false;
	*ret = (uint16_t)port;
	return true;
}

/*
 * host[:port] or [v6][:port] into host (PROXY_NAME_MAX + 1 bytes, brackets
 * removed) and *port, which keeps its value when no port is written.
 */
static enum proxy_reason parse_authority(const char *s, size_t len, char *host,
					 uint16_t *port)
{
	const char *name = s, *colon = NULL;
	size_t name_len = len;
	bool bracketed = len > 0 && s[0] == '[';
	struct proxy_addr addr;

	if (memchr(s, '@', len))
		return PROXY_USERINFO;
	if (bracketed) {
		const char *close = memchr(s, ']', len);

		if (!close)
			return PROXY_BAD_ADDRESS;
		name = s + 1;
		name_len = (size_t)(close - name);
		if (close + 1 < s + len && close[1] != ':')
			return PROXY_BAD_ADDRESS;
		colon = close + 1 < s + len ? close + 1 : NULL;
		if (proxy_addr_parse(name, name_len, &addr) != PROXY_OK ||
		    addr.family != PROXY_IPV6)
			return PROXY_BAD_ADDRESS;
	} else {
		colon = memchr(s, ':', len);
		if (colon)
			name_len = (size_t)(colon - s);
	}
	if (colon &&
	    !parse_port(colon + 1, len - (size_t)(colon + 1 - s), port))
		return PROXY_BAD_PORT;
	if (name_len == 0 || name_len > PROXY_NAME_MAX)
		return name_len ? PROXY_NAME_TOO_LONG : PROXY_BAD_REQUEST;
	for (size_t i = 0; i < name_len; i++) {
		if (!is_host_char(name[i], bracketed))
			return (unsigned char)name[i] >= 0x80 ? PROXY_NON_ASCII
							      : PROXY_BAD_NAME;
	}
	memcpy(host, name, name_len);
	host[name_len] = '\0';
	return PROXY_OK;
}

/* "http://authority[/path]"; the scheme is case-insensitive. */
static enum proxy_reason parse_absolute(const char *line, const char *t,
					size_t len,
					struct proxy_http_request *req)
{
	const char *sep = NULL;
	size_t scheme_len, auth_len;

	if ((len >= 1 && t[0] == '/') || (len == 1 && t[0] == '*'))
		return PROXY_ORIGIN_FORM;
	for (size_t i = 0; i + 2 < len; i++) {
		if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/') {
			sep = t + i;
			break;
		}
		if (!is_tchar(t[i]))
			break;
	}
	if (!sep)
		return PROXY_BAD_REQUEST;
	scheme_len = (size_t)(sep - t);
	if (!equal_nocase(t, scheme_len, "http"))
		return PROXY_BAD_SCHEME;
	t = sep + 3;
	len -= scheme_len + 3;
	for (auth_len = 0; auth_len < len; auth_len++) {
		if (t[auth_len] == '/' || t[auth_len] == '?' ||
		    t[auth_len] == '#')
			break;
	}
	req->port = 80;
	req->path_off = (size_t)(t + auth_len - line);
	req->path_len = len - auth_len;
	return parse_authority(t, auth_len, req->host, &req->port);
}

/* METHOD SP TARGET SP HTTP/1.x, without its CRLF. */
static enum proxy_reason parse_request_line(const char *line, size_t len,
					    struct proxy_http_request *req)
{
	const char *sp1 = memchr(line, ' ', len), *sp2, *target, *version;
	size_t method_len, target_len, version_len;
	enum proxy_reason r;

	if (!sp1)
		return PROXY_BAD_REQUEST;
	method_len = (size_t)(sp1 - line);
	target = sp1 + 1;
	sp2 = memchr(target, ' ', len - method_len - 1);
	if (!sp2 || method_len == 0 || method_len > PROXY_HTTP_METHOD_MAX)
		return PROXY_BAD_REQUEST;
	for (size_t i = 0; i < method_len; i++) {
		if (!is_tchar(line[i]))
			return PROXY_BAD_REQUEST;
	}
	target_len = (size_t)(sp2 - target);
	if (target_len == 0)
		return PROXY_BAD_REQUEST;
	version = sp2 + 1;
	version_len = len - (size_t)(version - line);
	for (size_t i = 0; i < target_len; i++) {
		if ((unsigned char)target[i] <= 0x20 || target[i] == 0x7f ||
		    (unsigned char)target[i] >= 0x80)
			return PROXY_BAD_REQUEST;
	}
	if (version_len != 8 || memcmp(version, "HTTP/1.", 7) != 0 ||
	    (version[7] != '0' && version[7] != '1'))
		return PROXY_BAD_VERSION;
	req->minor_version = version[7] - '0';
	memcpy(req->method, line, method_len);
	req->method[method_len] = '\0';
	req->connect = method_len == 7 && memcmp(line, "CONNECT", 7) == 0;
	if (!req->connect)
		return parse_absolute(line, target, target_len, req);
	if (target_len > 0 && target[0] == '/')
		return PROXY_ORIGIN_FORM;
	/* CONNECT names its port (RFC 9110, 9.3.6): there is no default. */
	req->port = 0;
	r = parse_authority(target, target_len, req->host, &req->port);
	if (r != PROXY_OK)
		return r;
	return req->port ? PROXY_OK : PROXY_BAD_PORT;
}

/* NAME ":" OWS VALUE OWS, without its CRLF; *ret_value is the trimmed
 * value when the header is Host, else untouched. */
static enum proxy_reason parse_header(const char *line, size_t len,
				      bool *ret_is_host, const char **ret_value,
				      size_t *ret_value_len)
{
	const char *colon = memchr(line, ':', len), *v, *end = line + len;

	if (!colon || colon == line)
		return PROXY_BAD_HEADER;
	for (const char *p = line; p < colon; p++) {
		if (!is_tchar(*p))
			return PROXY_BAD_HEADER;
	}
	for (const char *p = colon + 1; p < end; p++) {
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return PROXY_BAD_HEADER;
	}
	*ret_is_host = equal_nocase(line, (size_t)(colon - line), "host");
	if (!*ret_is_host)
		return PROXY_OK;
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*ret_value = v;
	*ret_value_len = (size_t)(end - v);
	return PROXY_OK;
}

/* Host names compared without case and without one trailing dot. */
static bool same_name(const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);

	if (al && a[al - 1] == '.')
		al--;
	if (bl && b[bl - 1] == '.')
		bl--;
	if (al != bl)
		return false;
	for (size_t i = 0; i < al; i++) {
		if (lower(a[i]) != lower(b[i]))
			return false;
	}
	return true;
}

/*
 * The Host header against the target. For CONNECT only the name is
 * compared: clients differ on whether they write the port there, and the
 * header goes no further than the proxy.
 */
static enum proxy_reason check_host(const struct proxy_http_request *req,
				    const char *value, size_t len)
{
	char host[PROXY_NAME_MAX + 1];
	uint16_t port = 80;
	enum proxy_reason r;

	if (!value)
		return req->minor_version == 1 && !req->connect ? PROXY_NO_HOST
								: PROXY_OK;
	r = parse_authority(value, len, host, &port);
	if (r != PROXY_OK)
		return r == PROXY_USERINFO ? r : PROXY_HOST_MISMATCH;
	if (!same_name(host, req->host) || (!req->connect && port != req->port))
		return PROXY_HOST_MISMATCH;
	return PROXY_OK;
}

/*
 * The end of the line starting at pos: the index after its LF, 0 when the
 * buffer ends first, or SIZE_MAX for a bare CR, a bare LF or a NUL.
 */
static size_t line_end(const char *buf, size_t len, size_t pos)
{
	for (size_t i = pos; i < len; i++) {
		if (buf[i] == '\0')
			return SIZE_MAX;
		if (buf[i] == '\n')
			return i > pos && buf[i - 1] == '\r' ? i + 1 : SIZE_MAX;
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] != '\n')
			return SIZE_MAX;
	}
	return 0;
}

static enum proxy_parse bad(struct proxy_http_request *req,
			    enum proxy_reason reason)
{
	req->reason = reason;
	return PROXY_PARSE_BAD;
}

enum proxy_parse proxy_http_parse(const char *buf, size_t len, size_t limit,
				  struct proxy_http_request *req)
{
	const char *host_value = NULL;
	size_t pos = 0, end, host_len = 0, n_headers = 0, scan;
	bool is_host;
	enum proxy_reason r;

	memset(req, 0, sizeof(*req));
	scan = len < limit ? len : limit;
	while ((end = line_end(buf, scan, pos)) != 0) {
		const char *value = NULL;
		size_t line_len = end - pos - 2;

		if (end == SIZE_MAX)
			return bad(req,
				   pos ? PROXY_BAD_HEADER : PROXY_BAD_REQUEST);
		if (pos == 0) {
			r = parse_request_line(buf, line_len, req);
			req->line_len = end;
			req->headers_off = end;
		} else if (line_len == 0) {
			req->head_len = end;
			r = check_host(req, host_value, host_len);
			return r == PROXY_OK ? PROXY_PARSE_DONE : bad(req, r);
		} else if (++n_headers > PROXY_HTTP_HEADERS_MAX) {
			r = PROXY_HEAD_TOO_LARGE;
		} else if (buf[pos] == ' ' || buf[pos] == '\t') {
			r = PROXY_BAD_HEADER; /* obsolete line folding */
		} else {
			r = parse_header(buf + pos, line_len, &is_host, &value,
					 &host_len);
			if (r == PROXY_OK && is_host && host_value)
				r = PROXY_DUPLICATE_HOST;
			if (r == PROXY_OK && is_host)
				host_value = value;
		}
		if (r != PROXY_OK)
			return bad(req, r);
		pos = end;
	}
	return len >= limit ? bad(req, PROXY_HEAD_TOO_LARGE) : PROXY_PARSE_MORE;
}
