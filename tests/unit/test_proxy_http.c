/* SPDX-License-Identifier: MIT */
/* Unit tests for the HTTP proxy request parser (src/proxy/http.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "proxy/proxy.h"

static enum proxy_parse parse(const char *text, struct proxy_http_request *req)
{
	return proxy_http_parse(text, strlen(text), PROXY_HTTP_HEAD_MAX, req);
}

static void connect_parsed(void **state)
{
	const char *text = "CONNECT pypi.org:443 HTTP/1.1\r\n"
			   "Host: pypi.org:443\r\n"
			   "User-Agent: pip\r\n\r\n\x16\x03\x01";
	struct proxy_http_request req;

	(void)state;
	assert_int_equal(parse(text, &req), PROXY_PARSE_DONE);
	assert_true(req.connect);
	assert_string_equal(req.method, "CONNECT");
	assert_string_equal(req.host, "pypi.org");
	assert_int_equal(req.port, 443);
	assert_int_equal(req.minor_version, 1);
	assert_int_equal(req.line_len,
			 strlen("CONNECT pypi.org:443 HTTP/1.1\r\n"));
	assert_int_equal(req.headers_off, req.line_len);
	assert_int_equal(req.head_len, strlen(text) - 3);
	assert_int_equal(req.reason, PROXY_OK);
}

static void connect_variants(void **state)
{
	struct proxy_http_request req;

	(void)state;
	/* HTTP/1.0 and older Python: no Host. */
	assert_int_equal(parse("CONNECT a.example:8443 HTTP/1.0\r\n\r\n", &req),
			 PROXY_PARSE_DONE);
	assert_int_equal(req.port, 8443);
	assert_int_equal(parse("CONNECT a.example:443 HTTP/1.1\r\n\r\n", &req),
			 PROXY_PARSE_DONE);
	/* Host without the port, in another case, with a trailing dot. */
	assert_int_equal(parse("CONNECT a.example:443 HTTP/1.1\r\n"
			       "host:  A.Example. \r\n\r\n",
			       &req),
			 PROXY_PARSE_DONE);
	assert_int_equal(parse("CONNECT [2001:db8::1]:443 HTTP/1.1\r\n"
			       "Host: [2001:db8::1]:443\r\n\r\n",
			       &req),
			 PROXY_PARSE_DONE);
	assert_string_equal(req.host, "2001:db8::1");
	assert_int_equal(req.port, 443);
}

static void absolute_form_parsed(void **state)
{
	const char *text =
		"GET http://deb.debian.org/debian/dists?x=1 HTTP/1.1\r\n"
		"Host: deb.debian.org\r\n"
		"Accept: */*\r\n\r\n";
	struct proxy_http_request req;

	(void)state;
	assert_int_equal(parse(text, &req), PROXY_PARSE_DONE);
	assert_false(req.connect);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.host, "deb.debian.org");
	assert_int_equal(req.port, 80);
	assert_int_equal(req.path_len, strlen("/debian/dists?x=1"));
	assert_memory_equal(text + req.path_off, "/debian/dists?x=1",
			    req.path_len);

	assert_int_equal(parse("POST HTTP://h.example:8080 HTTP/1.1\r\n"
			       "Host: h.example:8080\r\n\r\n",
			       &req),
			 PROXY_PARSE_DONE);
	assert_string_equal(req.method, "POST");
	assert_int_equal(req.port, 8080);
	assert_int_equal(req.path_len, 0);
	assert_int_equal(parse("GET http://[::1]:81/ HTTP/1.1\r\n"
			       "Host: [::1]:81\r\n\r\n",
			       &req),
			 PROXY_PARSE_DONE);
	assert_string_equal(req.host, "::1");
	assert_int_equal(parse("GET http://h.example/ HTTP/1.0\r\n\r\n", &req),
			 PROXY_PARSE_DONE);
	assert_int_equal(parse("GET http://h.example/ HTTP/1.1\r\n"
			       "Host: h.example:80\r\n\r\n",
			       &req),
			 PROXY_PARSE_DONE);
}

struct bad_case {
	const char *text;
	enum proxy_reason reason;
};

static void refused_requests(void **state)
{
	static const struct bad_case cases[] = {
		{ "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n",
		  PROXY_ORIGIN_FORM },
		{ "OPTIONS * HTTP/1.1\r\nHost: a.example\r\n\r\n",
		  PROXY_ORIGIN_FORM },
		{ "CONNECT /x HTTP/1.1\r\n\r\n", PROXY_ORIGIN_FORM },
		{ "GET https://a.example/ HTTP/1.1\r\n\r\n", PROXY_BAD_SCHEME },
		{ "GET ftp://a.example/ HTTP/1.1\r\n\r\n", PROXY_BAD_SCHEME },
		{ "GET a.example/ HTTP/1.1\r\n\r\n", PROXY_BAD_REQUEST },
		{ "GET http://u:p@a.example/ HTTP/1.1\r\n\r\n",
		  PROXY_USERINFO },
		{ "CONNECT a.example@evil.net:443 HTTP/1.1\r\n\r\n",
		  PROXY_USERINFO },
		{ "CONNECT a.example HTTP/1.1\r\n\r\n", PROXY_BAD_PORT },
		{ "CONNECT a.example: HTTP/1.1\r\n\r\n", PROXY_BAD_PORT },
		{ "CONNECT a.example:0 HTTP/1.1\r\n\r\n", PROXY_BAD_PORT },
		{ "CONNECT a.example:65536 HTTP/1.1\r\n\r\n", PROXY_BAD_PORT },
		{ "CONNECT a.example:-1 HTTP/1.1\r\n\r\n", PROXY_BAD_PORT },
		{ "CONNECT ::1:443 HTTP/1.1\r\n\r\n", PROXY_BAD_PORT },
		{ "CONNECT [::1:443 HTTP/1.1\r\n\r\n", PROXY_BAD_ADDRESS },
		{ "CONNECT [a.example]:443 HTTP/1.1\r\n\r\n",
		  PROXY_BAD_ADDRESS },
		{ "CONNECT :443 HTTP/1.1\r\n\r\n", PROXY_BAD_REQUEST },
		{ "CONNECT a%2eexample:443 HTTP/1.1\r\n\r\n", PROXY_BAD_NAME },
		{ "CONNECT a.example:443 HTTP/2.0\r\n\r\n", PROXY_BAD_VERSION },
		{ "CONNECT a.example:443\r\n\r\n", PROXY_BAD_REQUEST },
		{ "CONNECT  a.example:443 HTTP/1.1\r\n\r\n",
		  PROXY_BAD_REQUEST },
		{ "CONNECT a.example:443 HTTP/1.1 \r\n\r\n",
		  PROXY_BAD_VERSION },
		{ "\r\nCONNECT a.example:443 HTTP/1.1\r\n\r\n",
		  PROXY_BAD_REQUEST },
		{ "GET http://a.example/ HTTP/1.1\r\n\r\n", PROXY_NO_HOST },
		{ "GET http://a.example/ HTTP/1.1\r\nHost: a.example\r\n"
		  "Host: a.example\r\n\r\n",
		  PROXY_DUPLICATE_HOST },
		{ "GET http://a.example/ HTTP/1.1\r\nHost: evil.net\r\n\r\n",
		  PROXY_HOST_MISMATCH },
		{ "GET http://a.example/ HTTP/1.1\r\nHost: a.example:81\r\n\r\n",
		  PROXY_HOST_MISMATCH },
		{ "GET http://a.example/ HTTP/1.1\r\nHost: \r\n\r\n",
		  PROXY_HOST_MISMATCH },
		{ "CONNECT a.example:443 HTTP/1.1\r\nHost: b.example\r\n\r\n",
		  PROXY_HOST_MISMATCH },
		{ "GET http://a.example/ HTTP/1.1\r\nHost : a.example\r\n\r\n",
		  PROXY_BAD_HEADER },
		{ "GET http://a.example/ HTTP/1.1\r\nHost: a.example\r\n"
		  " folded\r\n\r\n",
		  PROXY_BAD_HEADER },
		{ "GET http://a.example/ HTTP/1.1\r\nX: a\rb\r\n\r\n",
		  PROXY_BAD_HEADER },
		{ "GET http://a.example/ HTTP/1.1\r\nX: a\nHost: b\r\n\r\n",
		  PROXY_BAD_HEADER },
		{ "GET http://a.example/ HTTP/1.1\r\nX: a\x01\r\n\r\n",
		  PROXY_BAD_HEADER },
		{ "GET http://a.example/ HTTP/1.1\r\n: a\r\n\r\n",
		  PROXY_BAD_HEADER },
		{ "GET http://a.example/ HTTP/1.1\r\nNoColon\r\n\r\n",
		  PROXY_BAD_HEADER },
		{ "GET http://a.example/ HTTP/1.1\n\n", PROXY_BAD_REQUEST },
		{ "GET http://a.example/\x7f HTTP/1.1\r\n\r\n",
		  PROXY_BAD_REQUEST },
		{ "G(T http://a.example/ HTTP/1.1\r\n\r\n", PROXY_BAD_REQUEST },
		{ "VERYLONGMETHODNAME http://a.example/ HTTP/1.1\r\n\r\n",
		  PROXY_BAD_REQUEST },
	};
	struct proxy_http_request req;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum proxy_parse p = parse(cases[i].text, &req);

		if (p != PROXY_PARSE_BAD || req.reason != cases[i].reason)
			fail_msg("case %zu: %d %s, expected %s", i, p,
				 proxy_reason_code(req.reason),
				 proxy_reason_code(cases[i].reason));
	}
}

static void nul_refused(void **state)
{
	static const char text[] = "GET http://a.example/ HTTP/1.1\r\n"
				   "Host: a.exa\0mple\r\n\r\n";
	struct proxy_http_request req;

	(void)state;
	assert_int_equal(proxy_http_parse(text, sizeof(text) - 1,
					  PROXY_HTTP_HEAD_MAX, &req),
			 PROXY_PARSE_BAD);
	assert_int_equal(req.reason, PROXY_BAD_HEADER);
}

/* Every prefix of a good head asks for more; the whole head is done. */
static void prefixes_need_more(void **state)
{
	const char *text = "CONNECT pypi.org:443 HTTP/1.1\r\n"
			   "Host: pypi.org\r\n\r\n";
	size_t len = strlen(text);
	struct proxy_http_request req;

	(void)state;
	for (size_t n = 0; n < len; n++)
		assert_int_equal(proxy_http_parse(text, n, 4096, &req),
				 PROXY_PARSE_MORE);
	assert_int_equal(proxy_http_parse(text, len, 4096, &req),
			 PROXY_PARSE_DONE);
}

static void size_limits(void **state)
{
	const char *line = "CONNECT a.example:443 HTTP/1.1\r\n";
	size_t len = strlen(line);
	struct proxy_http_request req;
	char *buf = malloc(8192);

	(void)state;
	assert_non_null(buf);
	/* A header line longer than the limit, never ended. */
	memcpy(buf, line, len);
	memcpy(buf + len, "X: ", 3);
	memset(buf + len + 3, 'a', 8192 - len - 3);
	assert_int_equal(proxy_http_parse(buf, 4000, 4096, &req),
			 PROXY_PARSE_MORE);
	assert_int_equal(proxy_http_parse(buf, 4096, 4096, &req),
			 PROXY_PARSE_BAD);
	assert_int_equal(req.reason, PROXY_HEAD_TOO_LARGE);
	assert_int_equal(proxy_http_parse(buf, 8192, 4096, &req),
			 PROXY_PARSE_BAD);
	assert_int_equal(req.reason, PROXY_HEAD_TOO_LARGE);

	/* A complete head just over the limit. */
	memcpy(buf + 4000, "\r\n\r\n", 4);
	assert_int_equal(proxy_http_parse(buf, 4004, 4096, &req),
			 PROXY_PARSE_DONE);
	assert_int_equal(proxy_http_parse(buf, 4004, 4003, &req),
			 PROXY_PARSE_BAD);
	assert_int_equal(req.reason, PROXY_HEAD_TOO_LARGE);

	/* Many short header lines. */
	len = strlen(line);
	memcpy(buf, line, len);
	for (int i = 0; i <= PROXY_HTTP_HEADERS_MAX; i++) {
		memcpy(buf + len, "X: y\r\n", 6);
		len += 6;
	}
	memcpy(buf + len, "\r\n", 2);
	assert_int_equal(proxy_http_parse(buf, len + 2, 8192, &req),
			 PROXY_PARSE_BAD);
	assert_int_equal(req.reason, PROXY_HEAD_TOO_LARGE);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(connect_parsed),
		cmocka_unit_test(connect_variants),
		cmocka_unit_test(absolute_form_parsed),
		cmocka_unit_test(refused_requests),
		cmocka_unit_test(nul_refused),
		cmocka_unit_test(prefixes_need_more),
		cmocka_unit_test(size_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
