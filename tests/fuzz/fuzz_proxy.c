/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for proxy mode's parsers (src/proxy): the HTTP request
 * head, the SOCKS5 greeting and request, and the TLS server name, all fed
 * the same bytes, as a hostile client inside the sandbox could send any of
 * them. libFuzzer's buffer is exactly size bytes, so AddressSanitizer
 * catches a read past it; the checks below catch results that point
 * outside the input, and hosts that would reach the rules unterminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void fuzz_http(const uint8_t *data, size_t size,
		      const struct proxy_rules *rules)
{
	struct proxy_http_request req;
	enum proxy_parse p;

	p = proxy_http_parse((const char *)data, size, 1024, &req);
	if (p != PROXY_PARSE_DONE) {
		check(p == PROXY_PARSE_MORE || req.reason != PROXY_OK);
		return;
	}
	check(req.head_len <= size && req.line_len <= req.head_len);
	check(req.headers_off == req.line_len);
	check(req.path_off + req.path_len <= req.line_len);
	check(memchr(req.host, '\0', sizeof(req.host)) != NULL);
	check(req.port != 0);
	proxy_rules_decide_host(rules, req.host, strlen(req.host), req.port);
}

static void fuzz_socks5(const uint8_t *data, size_t size,
			const struct proxy_rules *rules)
{
	struct proxy_socks5_request req;
	enum proxy_reason reason;
	uint8_t reply[PROXY_SOCKS5_REPLY_MAX];
	size_t len = 0;

	if (proxy_socks5_greeting(data, size, &len, reply, &reason) ==
	    PROXY_PARSE_DONE)
		check(len >= 3 && len <= size);
	if (proxy_socks5_request(data, size, &req) != PROXY_PARSE_DONE)
		return;
	check(req.len <= size);
	check(memchr(req.host, '\0', sizeof(req.host)) != NULL);
	if (req.is_addr)
		proxy_rules_decide_addr(rules, &req.addr, req.port);
	else
		proxy_rules_decide_host(rules, req.host, strlen(req.host),
					req.port);
	check(proxy_socks5_reply(proxy_socks5_rep_for(req.reason),
				 req.is_addr ? &req.addr : NULL, req.port,
				 reply, sizeof(reply)) > 0);
}

static void fuzz_tls(const uint8_t *data, size_t size)
{
	char sni[PROXY_NAME_MAX + 2];
	enum proxy_reason reason;

	if (proxy_tls_sni(data, size, sni, &reason) != PROXY_PARSE_DONE)
		return;
	check(memchr(sni, '\0', sizeof(sni)) != NULL);
	proxy_tls_sni_agrees("example.com", 11, sni);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proxy_rules rules;
	static bool ready;

	if (!ready) {
		proxy_rules_init(&rules);
		proxy_rules_add(&rules, PROXY_ALLOW, "*.example.com");
		proxy_rules_add(&rules, PROXY_ALLOW, "example.org:443");
		proxy_rules_add(&rules, PROXY_ALLOW, "[2001:db8::1]");
		proxy_rules_add(&rules, PROXY_DENY, "bad.example.com");
		ready = true;
	}
	fuzz_http(data, size, &rules);
	fuzz_socks5(data, size, &rules);
	fuzz_tls(data, size);
	return 0;
}
