/* SPDX-License-Identifier: MIT */
/* Unit tests for the SOCKS5 parser (src/proxy/socks5.c) and the TLS
 * server name extractor (src/proxy/tls.c): the two binary protocols a
 * client inside the sandbox speaks to the proxy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "proxy/proxy.h"

static void greeting(void **state)
{
	const uint8_t ok[] = { 5, 2, 0x02, 0x00 };
	const uint8_t userpass[] = { 5, 1, 0x02 };
	const uint8_t zero[] = { 5, 0 };
	const uint8_t v4[] = { 4, 1, 0 };
	uint8_t reply[2];
	size_t len = 0;
	enum proxy_reason reason;

	(void)state;
	for (size_t n = 0; n < sizeof(ok); n++)
		assert_int_equal(
			proxy_socks5_greeting(ok, n, &len, reply, &reason),
			PROXY_PARSE_MORE);
	assert_int_equal(
		proxy_socks5_greeting(ok, sizeof(ok), &len, reply, &reason),
		PROXY_PARSE_DONE);
	assert_int_equal(len, 4);
	assert_int_equal(reply[0], 5);
	assert_int_equal(reply[1], 0);
	assert_int_equal(reason, PROXY_OK);

	assert_int_equal(proxy_socks5_greeting(userpass, sizeof(userpass), &len,
					       reply, &reason),
			 PROXY_PARSE_DONE);
	assert_int_equal(reply[1], 0xff);
	assert_int_equal(reason, PROXY_NO_ACCEPTABLE_METHOD);

	assert_int_equal(
		proxy_socks5_greeting(zero, sizeof(zero), &len, reply, &reason),
		PROXY_PARSE_BAD);
	assert_int_equal(proxy_socks5_greeting(v4, 1, &len, reply, &reason),
			 PROXY_PARSE_BAD);
}

static void connect_by_name(void **state)
{
	const uint8_t req_bytes[] = { 5,   1,	0,   3,	  8,   'p',  'y', 'p',
				      'i', '.', 'o', 'r', 'g', 0x01, 0xbb };
	struct proxy_socks5_request req;

	(void)state;
	for (size_t n = 0; n < sizeof(req_bytes); n++)
		assert_int_equal(proxy_socks5_request(req_bytes, n, &req),
				 PROXY_PARSE_MORE);
	assert_int_equal(
		proxy_socks5_request(req_bytes, sizeof(req_bytes), &req),
		PROXY_PARSE_DONE);
	assert_false(req.is_addr);
	assert_string_equal(req.host, "pypi.org");
	assert_int_equal(req.port, 443);
	assert_int_equal(req.len, sizeof(req_bytes));
}

static void connect_by_address(void **state)
{
	const uint8_t v4[] = { 5, 1, 0, 1, 127, 0, 0, 1, 0, 80 };
	uint8_t v6[22] = { 5, 1, 0, 4 };
	struct proxy_socks5_request req;

	(void)state;
	assert_int_equal(proxy_socks5_request(v4, sizeof(v4), &req),
			 PROXY_PARSE_DONE);
	assert_true(req.is_addr);
	assert_int_equal(req.addr.family, PROXY_IPV4);
	assert_int_equal(proxy_addr_classify(&req.addr), PROXY_LOOPBACK);
	assert_int_equal(req.port, 80);

	v6[19] = 1;
	v6[21] = 22;
	assert_int_equal(proxy_socks5_request(v6, 21, &req), PROXY_PARSE_MORE);
	assert_int_equal(proxy_socks5_request(v6, sizeof(v6), &req),
			 PROXY_PARSE_DONE);
	assert_int_equal(req.addr.family, PROXY_IPV6);
	assert_int_equal(proxy_addr_classify(&req.addr), PROXY_LOOPBACK);
	assert_int_equal(req.port, 22);
	assert_int_equal(req.len, 22);
}

struct bad_case {
	uint8_t bytes[12];
	size_t len;
	enum proxy_reason reason;
	enum proxy_socks5_rep rep;
};

static void refused_requests(void **state)
{
	static const struct bad_case cases[] = {
		{ { 4 }, 1, PROXY_BAD_REQUEST, PROXY_SOCKS5_FAILURE },
		{ { 5, 2 },
		  2,
		  PROXY_BAD_COMMAND,
		  PROXY_SOCKS5_COMMAND_UNSUPPORTED },
		{ { 5, 3 },
		  2,
		  PROXY_BAD_COMMAND,
		  PROXY_SOCKS5_COMMAND_UNSUPPORTED },
		{ { 5, 1, 1 }, 3, PROXY_BAD_REQUEST, PROXY_SOCKS5_FAILURE },
		{ { 5, 1, 0, 2 },
		  4,
		  PROXY_BAD_ADDRESS_TYPE,
		  PROXY_SOCKS5_ATYP_UNSUPPORTED },
		{ { 5, 1, 0, 3, 0 },
		  5,
		  PROXY_EMPTY_LABEL,
		  PROXY_SOCKS5_FAILURE },
		{ { 5, 1, 0, 3, 3, 'a', 0, 'b', 0, 80 },
		  10,
		  PROXY_BAD_NAME,
		  PROXY_SOCKS5_FAILURE },
		{ { 5, 1, 0, 1, 1, 2, 3, 4, 0, 0 },
		  10,
		  PROXY_BAD_PORT,
		  PROXY_SOCKS5_FAILURE },
	};
	struct proxy_socks5_request req;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(proxy_socks5_request(cases[i].bytes,
						      cases[i].len, &req),
				 PROXY_PARSE_BAD);
		assert_int_equal(req.reason, cases[i].reason);
		assert_int_equal(req.rep, cases[i].rep);
	}
}

static void replies(void **state)
{
	struct proxy_addr a;
	uint8_t buf[PROXY_SOCKS5_REPLY_MAX];
	const uint8_t refused[] = { 5, 2, 0, 1, 0, 0, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(proxy_socks5_reply(PROXY_SOCKS5_NOT_ALLOWED, NULL, 0,
					    buf, sizeof(buf)),
			 10);
	assert_memory_equal(buf, refused, 10);
	assert_int_equal(proxy_addr_parse("::1", 3, &a), PROXY_OK);
	assert_int_equal(proxy_socks5_reply(PROXY_SOCKS5_SUCCEEDED, &a, 1080,
					    buf, sizeof(buf)),
			 22);
	assert_int_equal(buf[3], 4);
	assert_int_equal(buf[19], 1);
	assert_int_equal(buf[20], 1080 >> 8);
	assert_int_equal(buf[21], 1080 & 0xff);
	assert_int_equal(proxy_socks5_reply(0, NULL, 0, buf, 21), 0);

	assert_int_equal(proxy_socks5_rep_for(PROXY_DENIED),
			 PROXY_SOCKS5_NOT_ALLOWED);
	assert_int_equal(proxy_socks5_rep_for(PROXY_LOOPBACK),
			 PROXY_SOCKS5_NOT_ALLOWED);
	assert_int_equal(proxy_socks5_rep_for(PROXY_BAD_COMMAND),
			 PROXY_SOCKS5_COMMAND_UNSUPPORTED);
	assert_int_equal(proxy_socks5_rep_for(PROXY_OK),
			 PROXY_SOCKS5_SUCCEEDED);
}

/* --- TLS --------------------------------------------------------------- */

static size_t put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/*
 * A ClientHello with the given extensions block (type, length, data ...)
 * in buf; its length.
 */
static size_t client_hello(uint8_t *buf, const uint8_t *exts, size_t exts_len)
{
	size_t n = 9, body;

	buf[n++] = 3; /* legacy_version 3.3 */
	buf[n++] = 3;
	memset(buf + n, 0xab, 32); /* random */
	n += 32;
	buf[n++] = 0; /* no session id */
	n += put16(buf + n, 2); /* one cipher suite */
	buf[n++] = 0x13;
	buf[n++] = 0x01;
	buf[n++] = 1; /* compression: null */
	buf[n++] = 0;
	if (exts) {
		n += put16(buf + n, exts_len);
		memcpy(buf + n, exts, exts_len);
		n += exts_len;
	}
	body = n - 9;
	buf[0] = 22;
	buf[1] = 3;
	buf[2] = 1;
	put16(buf + 3, body + 4);
	buf[5] = 1; /* ClientHello */
	buf[6] = 0;
	put16(buf + 7, body);
	return n;
}

static size_t sni_ext(uint8_t *p, const char *name)
{
	size_t len = strlen(name), n = 0;

	n += put16(p + n, 0);
	n += put16(p + n, len + 5);
	n += put16(p + n, len + 3);
	p[n++] = 0;
	n += put16(p + n, len);
	memcpy(p + n, name, len);
	return n + len;
}

static void sni_found(void **state)
{
	uint8_t exts[300], buf[512];
	size_t n = 0, len;
	char sni[PROXY_NAME_MAX + 2];
	enum proxy_reason r;

	(void)state;
	/* An unrelated extension first (supported_versions). */
	n += put16(exts + n, 43);
	n += put16(exts + n, 3);
	exts[n++] = 2;
	n += put16(exts + n, 0x0304);
	n += sni_ext(exts + n, "PyPI.org");
	len = client_hello(buf, exts, n);
	for (size_t k = 0; k < len; k++)
		assert_int_equal(proxy_tls_sni(buf, k, sni, &r),
				 PROXY_PARSE_MORE);
	assert_int_equal(proxy_tls_sni(buf, len, sni, &r), PROXY_PARSE_DONE);
	assert_string_equal(sni, "PyPI.org");
	assert_int_equal(proxy_tls_sni_agrees("pypi.org", 8, sni), PROXY_OK);
	assert_int_equal(proxy_tls_sni_agrees("pypi.org.", 9, sni), PROXY_OK);
	assert_int_equal(proxy_tls_sni_agrees("evil.net", 8, sni),
			 PROXY_SNI_MISMATCH);
	assert_int_equal(proxy_tls_sni_agrees("a.pypi.org", 10, sni),
			 PROXY_SNI_MISMATCH);

	/* No extensions, or none naming a server. */
	len = client_hello(buf, NULL, 0);
	assert_int_equal(proxy_tls_sni(buf, len, sni, &r), PROXY_PARSE_DONE);
	assert_string_equal(sni, "");
	assert_int_equal(proxy_tls_sni_agrees("pypi.org", 8, sni), PROXY_OK);
}

static void sni_refused(void **state)
{
	uint8_t exts[300], buf[512];
	size_t n = 0, len;
	char sni[PROXY_NAME_MAX + 2];
	enum proxy_reason r;

	(void)state;
	assert_int_equal(proxy_tls_sni((const uint8_t *)"GET /", 5, sni, &r),
			 PROXY_PARSE_BAD);
	assert_int_equal(r, PROXY_NOT_TLS);
	assert_int_equal(proxy_tls_sni((const uint8_t *)"SSH-2.0", 7, sni, &r),
			 PROXY_PARSE_BAD);

	/* Two server_name extensions. */
	n += sni_ext(exts + n, "pypi.org");
	n += sni_ext(exts + n, "evil.net");
	len = client_hello(buf, exts, n);
	assert_int_equal(proxy_tls_sni(buf, len, sni, &r), PROXY_PARSE_BAD);
	assert_int_equal(r, PROXY_BAD_REQUEST);

	/* An extension longer than its block. */
	n = sni_ext(exts, "pypi.org");
	exts[3] = 200;
	len = client_hello(buf, exts, n);
	assert_int_equal(proxy_tls_sni(buf, len, sni, &r), PROXY_PARSE_BAD);

	/* A handshake longer than its record: split over two records. */
	n = sni_ext(exts, "pypi.org");
	len = client_hello(buf, exts, n);
	buf[8] = (uint8_t)(buf[8] + 1);
	assert_int_equal(proxy_tls_sni(buf, len, sni, &r), PROXY_PARSE_BAD);

	/* An empty name. */
	n = sni_ext(exts, "");
	len = client_hello(buf, exts, n);
	assert_int_equal(proxy_tls_sni(buf, len, sni, &r), PROXY_PARSE_BAD);
}

/*
 * Servers reassemble a ClientHello across records: a first record that is
 * empty, or carries a byte of the ClientHello, must be refused, never let
 * through as "not TLS", or the whole ClientHello after it goes unchecked.
 */
static void assert_refused_start(const uint8_t *buf, size_t len)
{
	char sni[PROXY_NAME_MAX + 2];
	enum proxy_reason r;
	size_t k;

	for (k = 1; k <= len; k++) {
		enum proxy_parse p = proxy_tls_sni(buf, k, sni, &r);

		if (p != PROXY_PARSE_MORE)
			break;
	}
	assert_true(k <= len);
	assert_int_equal(proxy_tls_sni(buf, k, sni, &r), PROXY_PARSE_BAD);
	assert_int_equal(r, PROXY_BAD_REQUEST);
	/* A longer prefix of the same stream gives the same answer. */
	assert_int_equal(proxy_tls_sni(buf, len, sni, &r), PROXY_PARSE_BAD);
	assert_int_equal(r, PROXY_BAD_REQUEST);
}

static void sni_odd_records_refused(void **state)
{
	uint8_t exts[300], hello[512], buf[600];
	size_t n, len, body;
	/* The first record's length: empty, the handshake type alone, the
	 * type and two of the three bytes of its length. */
	static const size_t firsts[] = { 0, 1, 3 };

	(void)state;
	n = sni_ext(exts, "evil.net");
	len = client_hello(hello, exts, n);
	body = len - 5;

	/* Each short first record, then a record with the rest. */
	for (size_t i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
		size_t used = firsts[i], m = 0;

		buf[m++] = 22;
		buf[m++] = 3;
		buf[m++] = 1;
		m += put16(buf + m, used);
		memcpy(buf + m, hello + 5, used);
		m += used;
		buf[m++] = 22;
		buf[m++] = 3;
		buf[m++] = 1;
		m += put16(buf + m, body - used);
		memcpy(buf + m, hello + 5 + used, body - used);
		m += body - used;
		assert_refused_start(buf, m);
	}

	/* A handshake message other than a ClientHello (here ServerHello). */
	memcpy(buf, hello, len);
	buf[5] = 2;
	assert_refused_start(buf, len);

	/* A record longer than TLS allows (16385 bytes). */
	memcpy(buf, hello, len);
	put16(buf + 3, 16385);
	assert_refused_start(buf, len);
}

static void sni_not_tls(void **state)
{
	char sni[PROXY_NAME_MAX + 2];
	enum proxy_reason r;
	/* 22 then a major version other than 3: not a TLS record at all. */
	static const uint8_t other[] = { 22, 1, 0, 0, 0 };

	(void)state;
	assert_int_equal(proxy_tls_sni(other, sizeof(other), sni, &r),
			 PROXY_PARSE_BAD);
	assert_int_equal(r, PROXY_NOT_TLS);
	/* The start of a handshake record: more is needed to tell. */
	assert_int_equal(proxy_tls_sni(other, 1, sni, &r), PROXY_PARSE_MORE);
	assert_int_equal(proxy_tls_sni((const uint8_t *)"\x16\x03", 2, sni, &r),
			 PROXY_PARSE_MORE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(greeting),
		cmocka_unit_test(connect_by_name),
		cmocka_unit_test(connect_by_address),
		cmocka_unit_test(refused_requests),
		cmocka_unit_test(replies),
		cmocka_unit_test(sni_found),
		cmocka_unit_test(sni_refused),
		cmocka_unit_test(sni_odd_records_refused),
		cmocka_unit_test(sni_not_tls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
