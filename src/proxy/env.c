/* SPDX-License-Identifier: MIT */
/*
 * The environment that points a sandboxed command's clients at the proxy.
 *
 * Each variable is there for a client that reads it:
 * - HTTP_PROXY, HTTPS_PROXY (and their lowercase spellings, which curl,
 *   wget, git and Python prefer): most HTTP clients, including pip, git
 *   over HTTPS, cargo, Go and Rust's reqwest; ALL_PROXY, as socks5h:// so
 *   that names are resolved by the proxy, for curl's other protocols;
 * - NO_PROXY: the sandbox's own loopback, reached directly;
 * - npm_config_proxy, npm_config_https_proxy, npm_config_noproxy: npm,
 *   and yarn 1, which reads npm's configuration;
 * - YARN_HTTP_PROXY, YARN_HTTPS_PROXY: yarn 2 and later;
 * - PIP_PROXY: pip, also when a configuration file sets another proxy;
 * - CARGO_HTTP_PROXY: cargo, likewise;
 * - NODE_USE_ENV_PROXY: Node's own fetch and http (Node 24 and later);
 * - JAVA_TOOL_OPTIONS: the JVM's http.proxyHost and https.proxyHost
 *   properties, and every JVM tool that honours them (Maven, Gradle's
 *   wrapper, sbt); the caller's own options follow paddock's.
 * A client that reads none of them tries to connect directly, and fails:
 * the sandbox has no route but its loopback.
 */
#include <stdio.h>
#include <string.h>

#include "proxy/proxy.h"

enum value {
	HTTP_URL,
	SOCKS_URL,
	LOCAL_HOSTS,
	ONE,
	JAVA_OPTIONS,
};

static const struct {
	const char *name;
	enum value value;
} vars[] = {
	{ "HTTP_PROXY", HTTP_URL },
	{ "http_proxy", HTTP_URL },
	{ "HTTPS_PROXY", HTTP_URL },
	{ "https_proxy", HTTP_URL },
	{ "ALL_PROXY", SOCKS_URL },
	{ "all_proxy", SOCKS_URL },
	{ "NO_PROXY", LOCAL_HOSTS },
	{ "no_proxy", LOCAL_HOSTS },
	{ "npm_config_proxy", HTTP_URL },
	{ "npm_config_https_proxy", HTTP_URL },
	{ "npm_config_noproxy", LOCAL_HOSTS },
	{ "YARN_HTTP_PROXY", HTTP_URL },
	{ "YARN_HTTPS_PROXY", HTTP_URL },
	{ "PIP_PROXY", HTTP_URL },
	{ "CARGO_HTTP_PROXY", HTTP_URL },
	{ "NODE_USE_ENV_PROXY", ONE },
	{ "JAVA_TOOL_OPTIONS", JAVA_OPTIONS },
};

size_t proxy_env(const char *host, uint16_t port, struct proxy_env *out,
		 size_t size)
{
	size_t n = sizeof(vars) / sizeof(vars[0]);

	if (size < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char *v = out[i].value;
		size_t cap = sizeof(out[i].value);
		unsigned p = port;

		out[i].name = vars[i].name;
		switch (vars[i].value) {
		case HTTP_URL:
			snprintf(v, cap, "http://%s:%u", host, p);
			break;
		case SOCKS_URL:
			snprintf(v, cap, "socks5h://%s:%u", host, p);
			break;
		case LOCAL_HOSTS:
			snprintf(v, cap, "localhost,127.0.0.1,::1");
			break;
		case ONE:
			snprintf(v, cap, "1");
			break;
		case JAVA_OPTIONS:
			snprintf(v, cap,
				 "-Dhttp.proxyHost=%s -Dhttp.proxyPort=%u "
				 "-Dhttps.proxyHost=%s -Dhttps.proxyPort=%u "
				 "-Dhttp.nonProxyHosts=localhost|127.0.0.1",
				 host, p, host, p);
			break;
		}
	}
	return n;
}
