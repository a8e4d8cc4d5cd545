/* SPDX-License-Identifier: MIT */
/* Unit tests for proxy mode's domain rules (src/proxy/rules.c, addr.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "proxy/proxy.h"

struct pattern_case {
	const char *text;
	enum proxy_reason reason;
};

static void patterns_refused_with_their_reason(void **state)
{
	static const struct pattern_case cases[] = {
		{ "", PROXY_EMPTY_LABEL },
		{ "*", PROXY_BAD_WILDCARD },
		{ "*.", PROXY_EMPTY_LABEL },
		{ "**.example.com", PROXY_BAD_WILDCARD },
		{ "*example.com", PROXY_BAD_WILDCARD },
		{ "a.*.example.com", PROXY_BAD_WILDCARD },
		{ "example.*", PROXY_BAD_WILDCARD },
		{ "*.*.example.com", PROXY_BAD_WILDCARD },
		{ "example..com", PROXY_EMPTY_LABEL },
		{ ".example.com", PROXY_EMPTY_LABEL },
		{ "example.com..", PROXY_EMPTY_LABEL },
		{ "-example.com", PROXY_BAD_NAME },
		{ "example-.com", PROXY_BAD_NAME },
		{ "exa mple.com", PROXY_BAD_NAME },
		{ "example%2ecom", PROXY_BAD_NAME },
		{ "ex\xc3\xa4mple.com", PROXY_NON_ASCII },
		{ "example.com:0", PROXY_BAD_PORT },
		{ "example.com:65536", PROXY_BAD_PORT },
		{ "example.com:", PROXY_BAD_PORT },
		{ "example.com:+80", PROXY_BAD_PORT },
		{ "example.com:080808", PROXY_BAD_PORT },
		{ "127.1", PROXY_BAD_ADDRESS },
		{ "0x7f000001", PROXY_BAD_ADDRESS },
		{ "*.0.1", PROXY_BAD_ADDRESS },
		{ "[::1", PROXY_BAD_ADDRESS },
		{ "[::1]x", PROXY_BAD_ADDRESS },
		{ "[127.0.0.1]", PROXY_BAD_ADDRESS },
		{ "[::1]:0", PROXY_BAD_PORT },
		{ "1:2:3", PROXY_BAD_ADDRESS },
		{ "fe80::1%eth0", PROXY_BAD_ADDRESS },
	};
	struct proxy_pattern p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p.port = 4242;
		if (proxy_pattern_parse(cases[i].text, &p) != cases[i].reason)
			fail_msg("\"%s\": %s, expected %s", cases[i].text,
				 proxy_reason_code(proxy_pattern_parse(
					 cases[i].text, &p)),
				 proxy_reason_code(cases[i].reason));
		assert_int_equal(p.port, 4242); /* untouched */
	}
}

static void long_names_and_labels(void **state)
{
	char name[300], label[70];
	struct proxy_pattern p;

	(void)state;
	memset(label, 'a', 63);
	strcpy(label + 63, ".com");
	assert_int_equal(proxy_pattern_parse(label, &p), PROXY_OK);
	memset(label, 'a', 64);
	strcpy(label + 64, ".com");
	assert_int_equal(proxy_pattern_parse(label, &p), PROXY_LABEL_TOO_LONG);

	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters. */
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(proxy_pattern_parse(name, &p), PROXY_OK);
	assert_int_equal(strlen(p.name), 253);
	name[253] = '.'; /* the trailing dot does not count */
	name[254] = '\0';
	assert_int_equal(proxy_pattern_parse(name, &p), PROXY_OK);
	name[253] = 'a';
	assert_int_equal(proxy_pattern_parse(name, &p), PROXY_NAME_TOO_LONG);
	name[299] = '\0';
	assert_int_equal(proxy_pattern_parse(name, &p), PROXY_NAME_TOO_LONG);
}

static void patterns_normalized(void **state)
{
	struct proxy_pattern p;

	(void)state;
	assert_int_equal(proxy_pattern_parse("Example.COM.", &p), PROXY_OK);
	assert_int_equal(p.kind, PROXY_PATTERN_EXACT);
	assert_string_equal(p.name, "example.com");
	assert_int_equal(p.port, 0);

	assert_int_equal(proxy_pattern_parse("*.PythonHosted.org:443", &p),
			 PROXY_OK);
	assert_int_equal(p.kind, PROXY_PATTERN_WILDCARD);
	assert_string_equal(p.name, "pythonhosted.org");
	assert_int_equal(p.port, 443);

	assert_int_equal(proxy_pattern_parse("192.0.2.7:8080", &p), PROXY_OK);
	assert_int_equal(p.kind, PROXY_PATTERN_ADDR);
	assert_int_equal(p.addr.family, PROXY_IPV4);
	assert_int_equal(p.port, 8080);

	assert_int_equal(proxy_pattern_parse("[2001:DB8::1]:443", &p),
			 PROXY_OK);
	assert_int_equal(p.kind, PROXY_PATTERN_ADDR);
	assert_int_equal(p.addr.family, PROXY_IPV6);
	assert_int_equal(p.addr.bytes[0], 0x20);
	assert_int_equal(p.addr.bytes[15], 1);
	assert_int_equal(p.port, 443);

	assert_int_equal(proxy_pattern_parse("::1", &p), PROXY_OK);
	assert_int_equal(p.port, 0);
	assert_int_equal(proxy_pattern_parse("my_host.internal", &p), PROXY_OK);
}

struct addr_case {
	const char *text;
	bool ok;
};

static void addresses_parsed_strictly(void **state)
{
	static const struct addr_case cases[] = {
		{ "0.0.0.0", true },
		{ "255.255.255.255", true },
		{ "256.0.0.1", false },
		{ "1.2.3", false },
		{ "1.2.3.4.5", false },
		{ "01.2.3.4", false },
		{ "1.2.3.4 ", false },
		{ "1..3.4", false },
		{ "::", true },
		{ "::1", true },
		{ "1::", true },
		{ "1:2:3:4:5:6:7:8", true },
		{ "1:2:3:4:5:6:7::", true },
		{ "1:2:3:4:5:6:7:8:9", false },
		{ "1:2:3:4:5:6:7", false },
		{ "1::2::3", false },
		{ ":::", false },
		{ ":1::", false },
		{ "1:", false },
		{ "12345::", false },
		{ "::ffff:127.0.0.1", true },
		{ "1:2:3:4:5:6:1.2.3.4", true },
		{ "1:2:3:4:5:6:7:1.2.3.4", false },
		{ "::1.2.3", false },
		{ "g::", false },
	};
	struct proxy_addr a;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = proxy_addr_parse(cases[i].text, strlen(cases[i].text),
					   &a) == PROXY_OK;

		if (ok != cases[i].ok)
			fail_msg("\"%s\": parsed %d", cases[i].text, ok);
	}
}

struct range_case {
	const char *text;
	enum proxy_reason reason;
};

static void address_ranges(void **state)
{
	static const struct range_case cases[] = {
		{ "8.8.8.8", PROXY_OK },
		{ "127.0.0.1", PROXY_LOOPBACK },
		{ "127.255.0.9", PROXY_LOOPBACK },
		{ "10.1.2.3", PROXY_PRIVATE },
		{ "172.16.0.1", PROXY_PRIVATE },
		{ "172.31.255.255", PROXY_PRIVATE },
		{ "172.32.0.1", PROXY_OK },
		{ "192.168.1.1", PROXY_PRIVATE },
		{ "100.64.0.1", PROXY_PRIVATE },
		{ "100.127.255.255", PROXY_PRIVATE },
		{ "100.128.0.1", PROXY_OK },
		{ "169.254.169.254", PROXY_LINK_LOCAL },
		{ "0.0.0.0", PROXY_UNSPECIFIED },
		{ "224.0.0.1", PROXY_MULTICAST },
		{ "255.255.255.255", PROXY_RESERVED },
		{ "2606:4700::1111", PROXY_OK },
		{ "::", PROXY_UNSPECIFIED },
		{ "::1", PROXY_LOOPBACK },
		{ "fe80::1", PROXY_LINK_LOCAL },
		{ "fd00::1", PROXY_UNIQUE_LOCAL },
		{ "fc00::1", PROXY_UNIQUE_LOCAL },
		{ "ff02::1", PROXY_MULTICAST },
		{ "::ffff:127.0.0.1", PROXY_LOOPBACK },
		{ "::ffff:10.0.0.1", PROXY_PRIVATE },
		{ "::ffff:8.8.8.8", PROXY_OK },
		{ "64:ff9b::192.168.0.1", PROXY_PRIVATE },
		{ "::127.0.0.1", PROXY_RESERVED },
	};
	struct proxy_addr a;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(proxy_addr_parse(cases[i].text,
						  strlen(cases[i].text), &a),
				 PROXY_OK);
		if (proxy_addr_classify(&a) != cases[i].reason)
			fail_msg("%s: %s", cases[i].text,
				 proxy_reason_code(proxy_addr_classify(&a)));
	}
}

static enum proxy_reason decide(const struct proxy_rules *rules,
				const char *host, uint16_t port)
{
	return proxy_rules_decide_host(rules, host, strlen(host), port);
}

static void decisions_on_names(void **state)
{
	struct proxy_rules rules;

	(void)state;
	proxy_rules_init(&rules);
	assert_int_equal(proxy_rules_add(&rules, PROXY_ALLOW, "pypi.org"),
			 PROXY_OK);
	assert_int_equal(proxy_rules_add(&rules, PROXY_ALLOW, "*.example.com"),
			 PROXY_OK);
	assert_int_equal(proxy_rules_add(&rules, PROXY_DENY, "bad.example.com"),
			 PROXY_OK);
	assert_int_equal(proxy_rules_add(&rules, PROXY_ALLOW, "git.org:22"),
			 PROXY_OK);
	assert_int_equal(proxy_rules_add(&rules, PROXY_DENY, "*"),
			 PROXY_BAD_WILDCARD);
	assert_int_equal(rules.n_allow, 3);
	assert_int_equal(rules.n_deny, 1);

	assert_int_equal(decide(&rules, "pypi.org", 443), PROXY_OK);
	assert_int_equal(decide(&rules, "PyPI.Org.", 443), PROXY_OK);
	assert_int_equal(decide(&rules, "www.pypi.org", 443),
			 PROXY_NOT_ALLOWED);
	assert_int_equal(decide(&rules, "pypi.org.evil.net", 443),
			 PROXY_NOT_ALLOWED);
	/* The wildcard covers subdomains at any depth, not the name itself. */
	assert_int_equal(decide(&rules, "a.example.com", 443), PROXY_OK);
	assert_int_equal(decide(&rules, "a.b.example.com", 80), PROXY_OK);
	assert_int_equal(decide(&rules, "example.com", 443), PROXY_NOT_ALLOWED);
	assert_int_equal(decide(&rules, "evil-example.com", 443),
			 PROXY_NOT_ALLOWED);
	assert_int_equal(decide(&rules, "example.com.evil.net", 443),
			 PROXY_NOT_ALLOWED);
	/* Deny wins over allow. */
	assert_int_equal(decide(&rules, "bad.example.com", 443), PROXY_DENIED);
	assert_int_equal(decide(&rules, "BAD.example.com.", 443), PROXY_DENIED);
	assert_int_equal(decide(&rules, "x.bad.example.com", 443), PROXY_OK);
	/* Ports. */
	assert_int_equal(decide(&rules, "git.org", 22), PROXY_OK);
	assert_int_equal(decide(&rules, "git.org", 443), PROXY_NOT_ALLOWED);
	assert_int_equal(decide(&rules, "pypi.org", 0), PROXY_BAD_PORT);
	/* Names that are not names. */
	assert_int_equal(decide(&rules, "pypi%2eorg", 443), PROXY_BAD_NAME);
	assert_int_equal(decide(&rules, "", 443), PROXY_EMPTY_LABEL);
	assert_int_equal(decide(&rules, "a..example.com", 443),
			 PROXY_EMPTY_LABEL);
	assert_int_equal(decide(&rules, "p\xc3\xbd.example.com", 443),
			 PROXY_NON_ASCII);
	assert_int_equal(
		proxy_rules_decide_host(&rules, "pypi.org\0x", 10, 443),
		PROXY_BAD_NAME);
	proxy_rules_free(&rules);
	proxy_rules_free(&rules);
	proxy_rules_free(NULL);
}

static void literal_addresses_need_an_exact_rule(void **state)
{
	struct proxy_rules rules;

	(void)state;
	proxy_rules_init(&rules);
	assert_int_equal(proxy_rules_add(&rules, PROXY_ALLOW, "*.example.com"),
			 PROXY_OK);
	assert_int_equal(decide(&rules, "93.184.216.34", 443),
			 PROXY_IP_LITERAL);
	assert_int_equal(decide(&rules, "2130706433", 80), PROXY_IP_LITERAL);
	assert_int_equal(decide(&rules, "0x7f000001", 80), PROXY_IP_LITERAL);
	assert_int_equal(decide(&rules, "127.1", 80), PROXY_IP_LITERAL);
	assert_int_equal(decide(&rules, "2001:db8::1", 443), PROXY_IP_LITERAL);
	assert_int_equal(decide(&rules, "1.example.123", 443),
			 PROXY_IP_LITERAL);
	assert_int_equal(decide(&rules, "fe80::1%eth0", 443),
			 PROXY_BAD_ADDRESS);

	assert_int_equal(proxy_rules_add(&rules, PROXY_ALLOW, "192.0.2.1"),
			 PROXY_OK);
	assert_int_equal(
		proxy_rules_add(&rules, PROXY_ALLOW, "[2001:db8::1]:443"),
		PROXY_OK);
	assert_int_equal(decide(&rules, "192.0.2.1", 80), PROXY_OK);
	assert_int_equal(decide(&rules, "::ffff:192.0.2.1", 80), PROXY_OK);
	assert_int_equal(decide(&rules, "192.0.2.2", 80), PROXY_IP_LITERAL);
	assert_int_equal(decide(&rules, "2001:db8:0::1", 443), PROXY_OK);
	assert_int_equal(decide(&rules, "2001:db8::1", 80), PROXY_IP_LITERAL);
	proxy_rules_free(&rules);
}

static enum proxy_reason decide_addr(const struct proxy_rules *rules,
				     const char *text, uint16_t port)
{
	struct proxy_addr a;

	assert_int_equal(proxy_addr_parse(text, strlen(text), &a), PROXY_OK);
	return proxy_rules_decide_addr(rules, &a, port);
}

static void resolved_addresses(void **state)
{
	struct proxy_rules rules;

	(void)state;
	proxy_rules_init(&rules);
	assert_int_equal(decide_addr(&rules, "93.184.216.34", 443), PROXY_OK);
	assert_int_equal(decide_addr(&rules, "127.0.0.1", 443), PROXY_LOOPBACK);
	assert_int_equal(decide_addr(&rules, "::ffff:169.254.169.254", 80),
			 PROXY_LINK_LOCAL);
	assert_int_equal(proxy_rules_add(&rules, PROXY_ALLOW, "10.0.0.5:8443"),
			 PROXY_OK);
	assert_int_equal(proxy_rules_add(&rules, PROXY_DENY, "93.184.216.34"),
			 PROXY_OK);
	assert_int_equal(decide_addr(&rules, "10.0.0.5", 8443), PROXY_OK);
	assert_int_equal(decide_addr(&rules, "10.0.0.5", 443), PROXY_PRIVATE);
	assert_int_equal(decide_addr(&rules, "10.0.0.6", 8443), PROXY_PRIVATE);
	assert_int_equal(decide_addr(&rules, "93.184.216.34", 443),
			 PROXY_DENIED);
	proxy_rules_free(&rules);
}

static void every_reason_has_a_code_and_a_text(void **state)
{
	(void)state;
	for (int r = 0; r < PROXY_REASON_COUNT; r++) {
		assert_non_null(proxy_reason_code(r));
		assert_non_null(proxy_reason_text(r));
		assert_true(strlen(proxy_reason_code(r)) > 0);
		for (int s = 0; s < r; s++)
			assert_string_not_equal(proxy_reason_code(r),
						proxy_reason_code(s));
	}
	assert_string_equal(proxy_reason_code(PROXY_REASON_COUNT), "unknown");
	assert_string_equal(proxy_reason_code(PROXY_DENIED), "denied");
}

static void map_entries_parsed(void **state)
{
	struct proxy_map_entry e;

	(void)state;
	assert_int_equal(proxy_map_parse("Allowed.TEST.=127.0.0.1", &e),
			 PROXY_OK);
	assert_string_equal(e.name, "allowed.test");
	assert_int_equal(e.addr.family, PROXY_IPV4);
	assert_int_equal(e.addr.bytes[0], 127);
	assert_int_equal(proxy_map_parse("v6.test=[2001:db8::1]", &e),
			 PROXY_OK);
	assert_int_equal(e.addr.family, PROXY_IPV6);
	assert_int_equal(proxy_map_parse("v6.test=2001:db8::1", &e), PROXY_OK);

	strcpy(e.name, "untouched");
	assert_int_equal(proxy_map_parse("no-address", &e), PROXY_BAD_NAME);
	assert_int_equal(proxy_map_parse("=1.2.3.4", &e), PROXY_BAD_NAME);
	assert_int_equal(proxy_map_parse("1.2.3.4=1.2.3.4", &e),
			 PROXY_BAD_NAME);
	assert_int_equal(proxy_map_parse("2130706433=1.2.3.4", &e),
			 PROXY_BAD_NAME);
	assert_int_equal(proxy_map_parse("a.test=", &e), PROXY_BAD_ADDRESS);
	assert_int_equal(proxy_map_parse("a.test=127.1", &e),
			 PROXY_BAD_ADDRESS);
	assert_int_equal(proxy_map_parse("a.test=[::1", &e), PROXY_BAD_ADDRESS);
	assert_string_equal(e.name, "untouched");
}

/* The variables for clients: each one named once, pointing at the proxy. */
static void environment_points_every_client_at_the_proxy(void **state)
{
	struct proxy_env vars[PROXY_ENV_MAX];
	size_t n = proxy_env("127.0.0.1", 3128, vars, PROXY_ENV_MAX);
	static const struct {
		const char *name, *value;
	} want[] = {
		{ "HTTP_PROXY", "http://127.0.0.1:3128" },
		{ "https_proxy", "http://127.0.0.1:3128" },
		{ "ALL_PROXY", "socks5h://127.0.0.1:3128" },
		{ "no_proxy", "localhost,127.0.0.1,::1" },
		{ "npm_config_https_proxy", "http://127.0.0.1:3128" },
		{ "YARN_HTTP_PROXY", "http://127.0.0.1:3128" },
		{ "PIP_PROXY", "http://127.0.0.1:3128" },
		{ "CARGO_HTTP_PROXY", "http://127.0.0.1:3128" },
		{ "NODE_USE_ENV_PROXY", "1" },
		{ "JAVA_TOOL_OPTIONS",
		  "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=3128 "
		  "-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=3128 "
		  "-Dhttp.nonProxyHosts=localhost|127.0.0.1" },
	};

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		size_t found = 0;

		for (size_t j = 0; j < n; j++) {
			if (strcmp(vars[j].name, want[i].name) == 0) {
				assert_string_equal(vars[j].value,
						    want[i].value);
				found++;
			}
		}
		assert_int_equal(found, 1);
	}
	assert_int_equal(proxy_env("127.0.0.1", 3128, vars, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_entries_parsed),
		cmocka_unit_test(environment_points_every_client_at_the_proxy),
		cmocka_unit_test(patterns_refused_with_their_reason),
		cmocka_unit_test(long_names_and_labels),
		cmocka_unit_test(patterns_normalized),
		cmocka_unit_test(addresses_parsed_strictly),
		cmocka_unit_test(address_ranges),
		cmocka_unit_test(decisions_on_names),
		cmocka_unit_test(literal_addresses_need_an_exact_rule),
		cmocka_unit_test(resolved_addresses),
		cmocka_unit_test(every_reason_has_a_code_and_a_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
