/* SPDX-License-Identifier: MIT */
/*
 * Literal addresses and the ranges the proxy will not connect to unless told
 * to. The parser is written here rather than taken from inet_pton() so that
 * it is the same, strict one on Linux and Windows: inet_aton() and some
 * Windows resolvers accept "127.1", "0x7f.0.0.1" and "017.0.0.1", and a
 * check that reads those differently from the resolver is a way around it.
 */
#include <string.h>

#include "proxy.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four decimal numbers of 0 to 255, no leading zeros, nothing else. */
static bool parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned value = 0;
		size_t start = i;

		if (part > 0) {
			if (i >= len || s[i] != '.')
				return false;
			start = ++i;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			value = value * 10 + (unsigned)(s[i++] - '0');
		if (i == start || value > 255 ||
		    (s[start] == '0' && i - start > 1))
			return false;
		out[part] = (uint8_t)value;
	}
	return i == len;
}

/* One group of one to four hexadecimal digits; its end, or 0. */
static size_t parse_group(const char *s, size_t len, size_t i, uint16_t *ret)
{
	unsigned value = 0;
	size_t start = i;

	while (i < len && i - start < 4 && hex_value(s[i]) >= 0)
		value = value * 16 + (unsigned)hex_value(s[i++]);
	if (i == start || (i < len && hex_value(s[i]) >= 0))
		return 0;
	*ret = (uint16_t)value;
	return i;
}

/* Whether the piece starting at i is a dotted quad (it holds a dot before
 * the next colon). */
static bool quad_follows(const char *s, size_t len, size_t i)
{
	for (; i < len && s[i] != ':'; i++) {
		if (s[i] == '.')
			return true;
	}
	return false;
}

/*
 * RFC 4291 section 2.2 text: eight groups, or fewer around one "::", the
 * last two groups optionally written as a dotted quad. The groups before
 * "::" go to head, those after it to tail.
 */
static bool parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
	uint16_t head[8], tail[8];
	size_t n_head = 0, n_tail = 0, i = 0;
	bool gap = false;
	uint8_t quad[4];

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = true;
		i = 2;
	}
	while (i < len) {
		uint16_t *list = gap ? tail : head;
		size_t *n = gap ? &n_tail : &n_head;

		if (quad_follows(s, len, i)) {
			if (n_head + n_tail > 6 ||
			    !parse_ipv4(s + i, len - i, quad))
				return false;
			list[(*n)++] = (uint16_t)(quad[0] << 8 | quad[1]);
			list[(*n)++] = (uint16_t)(quad[2] << 8 | quad[3]);
			break;
		}
		if (n_head + n_tail >= 8)
			return false;
		i = parse_group(s, len, i, &list[*n]);
		if (!i)
			return false;
		(*n)++;
		if (i == len)
			break;
		if (s[i] != ':' || ++i == len)
			return false;
		if (s[i] == ':') {
			if (gap)
				return false;
			gap = true;
			i++;
		}
	}
	if (gap ? n_head + n_tail > 7 : n_head != 8)
		return false;

	memset(out, 0, 16);
	for (size_t k = 0; k < n_head; k++) {
		out[2 * k] = (uint8_t)(head[k] >> 8);
		out[2 * k + 1] = (uint8_t)head[k];
	}
	for (size_t k = 0; k < n_tail; k++) {
		size_t at = 8 - n_tail + k;

		out[2 * at] = (uint8_t)(tail[k] >> 8);
		out[2 * at + 1] = (uint8_t)tail[k];
	}
	return true;
}

enum proxy_reason proxy_addr_parse(const char *s, size_t len,
				   struct proxy_addr *ret)
{
	struct proxy_addr addr = { 0 };

	/* The longest IPv6 text, with a dotted quad, is 45 characters. */
	if (len > 45)
		return PROXY_BAD_ADDRESS;
	if (memchr(s, ':', len)) {
		if (!parse_ipv6(s, len, addr.bytes))
			return PROXY_BAD_ADDRESS;
		addr.family = PROXY_IPV6;
	} else {
		if (!parse_ipv4(s, len, addr.bytes))
			return PROXY_BAD_ADDRESS;
		addr.family = PROXY_IPV4;
	}
	*ret = addr;
	return PROXY_OK;
}

static enum proxy_reason classify_ipv4(const uint8_t *b)
{
	if (b[0] == 0)
		return PROXY_UNSPECIFIED;
	if (b[0] == 127)
		return PROXY_LOOPBACK;
	if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
	    (b[0] == 192 && b[1] == 168) ||
	    (b[0] == 100 && (b[1] & 0xc0) == 64))
		return PROXY_PRIVATE;
	if (b[0] == 169 && b[1] == 254)
		return PROXY_LINK_LOCAL;
	if (b[0] >= 224 && b[0] < 240)
		return PROXY_MULTICAST;
	if (b[0] >= 240)
		return PROXY_RESERVED;
	return PROXY_OK;
}

static bool prefix_is(const uint8_t *b, const uint8_t *prefix, size_t len)
{
	return memcmp(b, prefix, len) == 0;
}

static const uint8_t mapped_prefix[12] = { 0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff };
static const uint8_t nat64_prefix[12] = { 0x00, 0x64, 0xff, 0x9b };
static const uint8_t zero_prefix[12] = { 0 };

enum proxy_reason proxy_addr_classify(const struct proxy_addr *addr)
{
	const uint8_t *b = addr->bytes;

	if (addr->family == PROXY_IPV4)
		return classify_ipv4(b);
	/* An IPv4-mapped address reaches the IPv4 address on a dual-stack
	 * socket, and a NAT64 gateway turns 64:ff9b::/96 into it. */
	if (prefix_is(b, mapped_prefix, 12) || prefix_is(b, nat64_prefix, 12))
		return classify_ipv4(b + 12);
	if (prefix_is(b, zero_prefix, 12)) {
		if (b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1)
			return b[15] ? PROXY_LOOPBACK : PROXY_UNSPECIFIED;
		/* The deprecated IPv4-compatible addresses (RFC 4291, 2.5.5.1). */
		return PROXY_RESERVED;
	}
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return PROXY_LINK_LOCAL;
	if ((b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) || (b[0] & 0xfe) == 0xfc)
		return PROXY_UNIQUE_LOCAL;
	if (b[0] == 0xff)
		return PROXY_MULTICAST;
	return PROXY_OK;
}

/* An IPv4-mapped IPv6 address is the same destination as the IPv4 one. */
static struct proxy_addr unmapped(const struct proxy_addr *a)
{
	struct proxy_addr r = *a;

	if (a->family == PROXY_IPV6 && prefix_is(a->bytes, mapped_prefix, 12)) {
		r.family = PROXY_IPV4;
		memmove(r.bytes, a->bytes + 12, 4);
		memset(r.bytes + 4, 0, 12);
	}
	return r;
}

bool proxy_addr_equal(const struct proxy_addr *a, const struct proxy_addr *b)
{
	struct proxy_addr x = unmapped(a), y = unmapped(b);
	size_t len = x.family == PROXY_IPV4 ? 4 : 16;

	return x.family == y.family && memcmp(x.bytes, y.bytes, len) == 0;
}
