/* SPDX-License-Identifier: MIT */
/*
 * The server name (SNI, RFC 6066) of the TLS ClientHello a client sends
 * first through a CONNECT tunnel, so that the proxy can require it to name
 * the host the tunnel was allowed for.
 *
 * Trust boundary: every byte comes from the program inside the sandbox.
 * What crosses, and why it is safe:
 * - Every length (record, handshake, session id, cipher suites,
 *   compression methods, extensions, the name list, the name) is checked
 *   against the bytes that enclose it before it is used, through one
 *   bounded cursor; a length that overruns is "bad", never a short read.
 * - Only the first record is read, at most 5 + 16384 bytes. A ClientHello
 *   split over several records is refused rather than reassembled: it is
 *   rare in practice, and reassembly would be unbounded state.
 * - "Not TLS", which lets a tunnel through unchecked, is said only of a
 *   stream whose first two bytes are not those of a handshake record
 *   (22, then major version 3). Once they are, every shape this parser
 *   does not accept is refused: servers reassemble a handshake message
 *   across records, so an empty first record, or one carrying a byte of
 *   the ClientHello, is followed by a whole ClientHello the server reads.
 * - A second server_name extension, or a second host name in it, is
 *   refused: servers disagree on which one wins, and the proxy must check
 *   the one the server will use.
 * - The name is returned as bytes without NUL for proxy_tls_sni_agrees(),
 *   which validates it like any host name.
 */
#include <string.h>

#include "proxy.h"

#define RECORD_HANDSHAKE 22
#define RECORD_MAJOR 3
#define HANDSHAKE_CLIENT_HELLO 1
#define EXTENSION_SERVER_NAME 0
#define NAME_TYPE_HOST 0
#define RECORD_MAX 16384

struct cursor {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static const uint8_t *take(struct cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

static size_t take_num(struct cursor *c, size_t bytes)
{
	const uint8_t *p = take(c, bytes);
	size_t v = 0;

	for (size_t i = 0; p && i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* A sub-cursor over the next n bytes, given by a length of len_bytes. */
static struct cursor take_vector(struct cursor *c, size_t len_bytes)
{
	size_t n = take_num(c, len_bytes);
	struct cursor sub = { .p = take(c, n), .left = n, .bad = c->bad };

	return sub;
}

/* The server_name extension's body: one host name, copied to sni. */
static enum proxy_reason read_server_name(struct cursor ext, char *sni)
{
	struct cursor list = take_vector(&ext, 2);
	struct cursor name;
	bool found = false;

	while (!list.bad && list.left > 0) {
		size_t type = take_num(&list, 1);

		name = take_vector(&list, 2);
		if (name.bad || type != NAME_TYPE_HOST)
			continue;
		if (found || name.left == 0 || name.left > PROXY_NAME_MAX + 1 ||
		    memchr(name.p, '\0', name.left))
			return PROXY_BAD_REQUEST;
		memcpy(sni, name.p, name.left);
		sni[name.left] = '\0';
		found = true;
	}
	return list.bad || ext.left ? PROXY_BAD_REQUEST : PROXY_OK;
}

/* ClientHello fields up to the extensions, then the extensions. */
static enum proxy_reason read_client_hello(struct cursor hello, char *sni)
{
	struct cursor exts, ext;
	bool seen = false;
	enum proxy_reason r;

	take(&hello, 2 + 32); /* legacy_version, random */
	if (take_vector(&hello, 1).left > 32) /* legacy_session_id */
		return PROXY_BAD_REQUEST;
	take_vector(&hello, 2); /* cipher_suites */
	take_vector(&hello, 1); /* legacy_compression_methods */
	if (hello.bad)
		return PROXY_BAD_REQUEST;
	if (hello.left == 0)
		return PROXY_OK; /* no extensions at all */
	exts = take_vector(&hello, 2);
	if (hello.bad || hello.left)
		return PROXY_BAD_REQUEST;
	while (exts.left > 0) {
		size_t type = take_num(&exts, 2);

		ext = take_vector(&exts, 2);
		if (exts.bad)
			return PROXY_BAD_REQUEST;
		if (type != EXTENSION_SERVER_NAME)
			continue;
		if (seen)
			return PROXY_BAD_REQUEST;
		seen = true;
		r = read_server_name(ext, sni);
		if (r != PROXY_OK)
			return r;
	}
	return PROXY_OK;
}

enum proxy_parse proxy_tls_sni(const uint8_t *buf, size_t len,
			       char sni[PROXY_NAME_MAX + 2],
			       enum proxy_reason *ret_reason)
{
	struct cursor record, hello;
	size_t record_len, hello_len;

	sni[0] = '\0';
	*ret_reason = PROXY_NOT_TLS;
	if ((len >= 1 && buf[0] != RECORD_HANDSHAKE) ||
	    (len >= 2 && buf[1] != RECORD_MAJOR))
		return PROXY_PARSE_BAD;
	/* From here on the stream claims to be TLS: nothing passes unread. */
	*ret_reason = PROXY_BAD_REQUEST;
	if (len < 5)
		return PROXY_PARSE_MORE;
	record_len = (size_t)buf[3] << 8 | buf[4];
	if (record_len < 4 || record_len > RECORD_MAX ||
	    (len > 5 && buf[5] != HANDSHAKE_CLIENT_HELLO))
		return PROXY_PARSE_BAD;
	if (len < 5 + record_len)
		return PROXY_PARSE_MORE;

	record = (struct cursor){ .p = buf + 5, .left = record_len };
	take(&record, 1);
	hello_len = take_num(&record, 3);
	if (hello_len != record.left)
		return PROXY_PARSE_BAD;
	hello = (struct cursor){ .p = record.p, .left = hello_len };
	*ret_reason = read_client_hello(hello, sni);
	return *ret_reason == PROXY_OK ? PROXY_PARSE_DONE : PROXY_PARSE_BAD;
}

enum proxy_reason proxy_tls_sni_agrees(const char *host, size_t host_len,
				       const char *sni)
{
	struct proxy_host a, b;

	if (!sni[0])
		return PROXY_OK;
	if (proxy_host_parse(host, host_len, &a) != PROXY_OK ||
	    proxy_host_parse(sni, strlen(sni), &b) != PROXY_OK || a.is_addr ||
	    b.is_addr || strcmp(a.name, b.name) != 0)
		return PROXY_SNI_MISMATCH;
	return PROXY_OK;
}
