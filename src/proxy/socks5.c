/* SPDX-License-Identifier: MIT */
/*
 * The SOCKS5 greeting, CONNECT request and replies (RFC 1928).
 *
 * Trust boundary: every byte comes from the program inside the sandbox.
 * What crosses, and why it is safe:
 * - Every length is a single byte or fixed by the address type, so no read
 *   goes past 2 + 255 bytes of greeting or 4 + 1 + 255 + 2 of request, and
 *   each length is checked against the bytes received before it is used.
 * - Only "no authentication" and CONNECT are accepted: the proxy holds no
 *   credentials to check, and BIND and UDP ASSOCIATE would open the
 *   sandbox to inbound traffic and to datagrams the rules never see.
 * - A domain name is copied as it came, minus any with a NUL (which C
 *   strings would cut short), and judged by proxy_rules_decide_host() like
 *   any other host; a literal address is flagged so that the rules refuse
 *   it unless an exact address rule allows it.
 */
#include <string.h>

#include "proxy.h"

enum proxy_parse proxy_socks5_greeting(const uint8_t *buf, size_t len,
				       size_t *ret_len, uint8_t ret_reply[2],
				       enum proxy_reason *ret_reason)
{
	size_t n;

	*ret_reason = PROXY_OK;
	if (len >= 1 && buf[0] != PROXY_SOCKS5_VERSION) {
		*ret_reason = PROXY_BAD_REQUEST;
		return PROXY_PARSE_BAD;
	}
	if (len < 2)
		return PROXY_PARSE_MORE;
	n = buf[1];
	if (n == 0) {
		*ret_reason = PROXY_BAD_REQUEST;
		return PROXY_PARSE_BAD;
	}
	if (len < 2 + n)
		return PROXY_PARSE_MORE;
	*ret_len = 2 + n;
	ret_reply[0] = PROXY_SOCKS5_VERSION;
	ret_reply[1] = memchr(buf + 2, PROXY_SOCKS5_NO_AUTH, n)
			       ? PROXY_SOCKS5_NO_AUTH
			       : PROXY_SOCKS5_NO_METHOD;
	if (ret_reply[1] == PROXY_SOCKS5_NO_METHOD)
		*ret_reason = PROXY_NO_ACCEPTABLE_METHOD;
	return PROXY_PARSE_DONE;
}

static enum proxy_parse bad(struct proxy_socks5_request *req,
			    enum proxy_reason reason, enum proxy_socks5_rep rep)
{
	req->reason = reason;
	req->rep = rep;
	return PROXY_PARSE_BAD;
}

/* The address after ATYP at buf[4]; its length with the port, or 0 when
 * more bytes are needed. */
static size_t address_len(const uint8_t *buf, size_t len, uint8_t atyp)
{
	if (atyp == 1)
		return 4 + 2;
	if (atyp == 4)
		return 16 + 2;
	return len > 4 ? 1 + (size_t)buf[4] + 2 : 0;
}

enum proxy_parse proxy_socks5_request(const uint8_t *buf, size_t len,
				      struct proxy_socks5_request *req)
{
	size_t alen;
	uint8_t atyp;

	memset(req, 0, sizeof(*req));
	if (len >= 1 && buf[0] != PROXY_SOCKS5_VERSION)
		return bad(req, PROXY_BAD_REQUEST, PROXY_SOCKS5_FAILURE);
	if (len >= 2 && buf[1] != 1)
		return bad(req, PROXY_BAD_COMMAND,
			   PROXY_SOCKS5_COMMAND_UNSUPPORTED);
	if (len >= 3 && buf[2] != 0)
		return bad(req, PROXY_BAD_REQUEST, PROXY_SOCKS5_FAILURE);
	if (len < 4)
		return PROXY_PARSE_MORE;
	atyp = buf[3];
	if (atyp != 1 && atyp != 3 && atyp != 4)
		return bad(req, PROXY_BAD_ADDRESS_TYPE,
			   PROXY_SOCKS5_ATYP_UNSUPPORTED);
	if (atyp == 3 && len > 4 && buf[4] == 0)
		return bad(req, PROXY_EMPTY_LABEL, PROXY_SOCKS5_FAILURE);
	alen = address_len(buf, len, atyp);
	if (alen == 0 || len < 4 + alen)
		return PROXY_PARSE_MORE;

	if (atyp == 3) {
		if (memchr(buf + 5, '\0', buf[4]))
			return bad(req, PROXY_BAD_NAME, PROXY_SOCKS5_FAILURE);
		memcpy(req->host, buf + 5, buf[4]);
		req->host[buf[4]] = '\0';
	} else {
		req->is_addr = true;
		req->addr.family = atyp == 1 ? PROXY_IPV4 : PROXY_IPV6;
		memcpy(req->addr.bytes, buf + 4, alen - 2);
	}
	req->port = (uint16_t)(buf[4 + alen - 2] << 8 | buf[4 + alen - 1]);
	req->len = 4 + alen;
	if (req->port == 0)
		return bad(req, PROXY_BAD_PORT, PROXY_SOCKS5_FAILURE);
	return PROXY_PARSE_DONE;
}

size_t proxy_socks5_reply(enum proxy_socks5_rep rep,
			  const struct proxy_addr *bound, uint16_t port,
			  uint8_t *buf, size_t size)
{
	static const struct proxy_addr none = { .family = PROXY_IPV4 };
	size_t alen;

	if (size < PROXY_SOCKS5_REPLY_MAX)
		return 0;
	if (!bound)
		bound = &none;
	alen = bound->family == PROXY_IPV4 ? 4 : 16;
	buf[0] = PROXY_SOCKS5_VERSION;
	buf[1] = (uint8_t)rep;
	buf[2] = 0;
	buf[3] = bound->family == PROXY_IPV4 ? 1 : 4;
	memcpy(buf + 4, bound->bytes, alen);
	buf[4 + alen] = (uint8_t)(port >> 8);
	buf[5 + alen] = (uint8_t)port;
	return 6 + alen;
}

enum proxy_socks5_rep proxy_socks5_rep_for(enum proxy_reason reason)
{
	switch (reason) {
	case PROXY_OK:
		return PROXY_SOCKS5_SUCCEEDED;
	case PROXY_BAD_COMMAND:
		return PROXY_SOCKS5_COMMAND_UNSUPPORTED;
	case PROXY_BAD_ADDRESS_TYPE:
		return PROXY_SOCKS5_ATYP_UNSUPPORTED;
	case PROXY_DENIED:
	case PROXY_NOT_ALLOWED:
	case PROXY_IP_LITERAL:
	case PROXY_LOOPBACK:
	case PROXY_PRIVATE:
	case PROXY_LINK_LOCAL:
	case PROXY_UNIQUE_LOCAL:
	case PROXY_UNSPECIFIED:
	case PROXY_MULTICAST:
	case PROXY_RESERVED:
	case PROXY_SNI_MISMATCH:
		/* "connection not allowed by ruleset" */
		return PROXY_SOCKS5_NOT_ALLOWED;
	default:
		return PROXY_SOCKS5_FAILURE;
	}
}
