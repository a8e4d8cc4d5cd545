#!/usr/bin/env bats
# Proxy mode (--network proxy): the command reaches only the allowed
# domains, through paddock's proxy on 127.0.0.1:3128 inside the sandbox.
# Remote hosts are played by a server on the host's loopback, which the
# test names with --proxy-resolve (docs/network.md); everything stays on
# loopback.

load helpers

setup() {
	common_setup
	require_sandbox
	PT="$BATS_TEST_DIRNAME/proxytest.py"
	REPORT="$BASE/report.jsonl"
	ORIGIN_LOG="$BASE/origin.log"
	: >"$ORIGIN_LOG"
	python3 "$PT" origin "$BASE/port" "$ORIGIN_LOG" </dev/null \
		>/dev/null 2>&1 3>&- &
	ORIGIN_PID=$!
	wait_for_file "$BASE/port"
	PORT=$(cat "$BASE/port")
}

teardown() {
	kill "$ORIGIN_PID" ${TLS_ORIGIN_PID:-} 2>/dev/null || true
	wait "$ORIGIN_PID" ${TLS_ORIGIN_PID:-} 2>/dev/null || true
	common_teardown
}

# paddock in proxy mode with allowed.test (and a.allowed.test and
# bad.allowed.test) standing for the origin server, and a report.
proxy_run() {
	paddock_run --network proxy --proxy-report "$REPORT" \
		--proxy-resolve allowed.test=127.0.0.1 \
		--proxy-resolve a.allowed.test=127.0.0.1 \
		--proxy-resolve bad.allowed.test=127.0.0.1 \
		--proxy-resolve other.test=127.0.0.1 "$@"
}

# proxy_run, with paddock's own messages in $BASE/err: stdout and stderr
# interleave mid-line when both are captured together.
proxy_run_log() {
	proxy_run "$@" 2>"$BASE/err"
}

# The report has a line for host $1, port $2, reason $3.
assert_reported() {
	grep -q "\"host\":\"$1\",\"port\":$2,\"reason\":\"$3\"" "$REPORT" ||
		fail "no report of $1:$2 ($3); report: $(cat "$REPORT")"
}

# The origin server received nothing.
assert_origin_untouched() {
	[ ! -s "$ORIGIN_LOG" ] ||
		fail "the origin server was reached: $(cat "$ORIGIN_LOG")"
}

@test "proxy: CONNECT reaches an allowed domain" {
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" connect allowed.test "$PORT"
	assert_status 0
	[ "${lines[0]}" = "HTTP/1.1 200 Connection established" ]
	[ "${lines[1]}" = pong ]
	grep -qx ping "$ORIGIN_LOG"
	[ ! -s "$REPORT" ]
}

@test "proxy: an absolute-form GET reaches an allowed domain, in origin form, hop-by-hop headers dropped" {
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" get allowed.test "$PORT" /path?q=1
	assert_status 0
	# The origin adds a line when a hop-by-hop header reached it.
	[ "${#lines[@]}" -eq 2 ] || fail "output: $output"
	[ "${lines[0]}" = "HTTP/1.0 200 OK" ]
	[ "${lines[1]}" = "origin-ok /path?q=1" ]
	grep -qx "GET /path?q=1 HTTP/1.1" "$ORIGIN_LOG"
	# The head it got: Host and Accept kept, Proxy-Connection,
	# Connection, Keep-Alive and Proxy-Authorization replaced by one
	# "Connection: close".
	[ "$(grep '^header: ' "$ORIGIN_LOG")" = "header: Host: allowed.test:$PORT
header: Accept: */*
header: Connection: close" ] || fail "origin log: $(cat "$ORIGIN_LOG")"
}

@test "proxy: SOCKS5 with a host name reaches an allowed domain" {
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" socks allowed.test "$PORT"
	assert_status 0
	[ "${lines[0]}" = "socks reply 0" ]
	[ "${lines[1]}" = pong ]
}

@test "proxy: curl follows the proxy variables paddock sets, over HTTP and HTTPS tunnels" {
	run proxy_run --allow-domain allowed.test -- \
		curl -sS -m 10 "http://allowed.test:$PORT/via-env"
	assert_status 0
	[ "$output" = "origin-ok /via-env" ]
	# HTTP through a CONNECT tunnel (--proxytunnel): curl's own CONNECT.
	run proxy_run --allow-domain allowed.test -- \
		curl -sS -v -m 10 -p "http://allowed.test:$PORT/via-tunnel"
	assert_status 0
	assert_output_contains "> CONNECT allowed.test:$PORT HTTP/1.1"
	[ "${lines[-1]}" = "origin-ok /via-tunnel" ]
	# HTTPS: curl takes HTTPS_PROXY, tunnels with CONNECT and verifies
	# the origin's certificate, its ClientHello naming the CONNECT host.
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=allowed.test \
		-addext subjectAltName=DNS:allowed.test -keyout "$BASE/key.pem" \
		-out "$BASE/cert.pem" 2>/dev/null
	python3 "$PT" tls-origin "$BASE/tls-port" "$BASE/cert.pem" "$BASE/key.pem" \
		</dev/null >/dev/null 2>&1 3>&- &
	TLS_ORIGIN_PID=$!
	wait_for_file "$BASE/tls-port"
	run proxy_run --proxy-resolve tls.test=127.0.0.1 \
		--allow-domain allowed.test -- sh -c '
		curl -sS -v -m 10 --cacert "$1" "https://allowed.test:$2/via-https"
		curl -sS -m 10 --cacert "$1" "https://tls.test:$2/"; echo "curl $?"' \
		sh "$BASE/cert.pem" "$(cat "$BASE/tls-port")"
	assert_status 0
	assert_output_contains "> CONNECT allowed.test:$(cat "$BASE/tls-port") HTTP/1.1"
	assert_output_contains "origin-tls-ok /via-https"
	# A name not allowed is refused at CONNECT (curl: 56, the proxy's 403).
	[ "${lines[-1]}" = "curl 56" ]
	assert_reported tls.test "$(cat "$BASE/tls-port")" not-allowed
	run proxy_run --allow-domain allowed.test -- sh -c \
		'curl -sS -m 10 --socks5-hostname "${ALL_PROXY#socks5h://}" "$1"' \
		sh "http://allowed.test:$PORT/via-socks"
	assert_status 0
	[ "$output" = "origin-ok /via-socks" ]
}

@test "proxy: the environment points npm, pip, yarn, cargo, Node and the JVM at the proxy" {
	run proxy_run --allow-domain allowed.test -- env
	assert_status 0
	for v in HTTP_PROXY=http://127.0.0.1:3128 https_proxy=http://127.0.0.1:3128 \
		ALL_PROXY=socks5h://127.0.0.1:3128 NO_PROXY=localhost,127.0.0.1,::1 \
		npm_config_proxy=http://127.0.0.1:3128 \
		npm_config_https_proxy=http://127.0.0.1:3128 \
		YARN_HTTPS_PROXY=http://127.0.0.1:3128 PIP_PROXY=http://127.0.0.1:3128 \
		CARGO_HTTP_PROXY=http://127.0.0.1:3128 NODE_USE_ENV_PROXY=1; do
		printf '%s\n' "${lines[@]}" | grep -qx "$v" || fail "missing $v"
	done
	printf '%s\n' "${lines[@]}" |
		grep -q '^JAVA_TOOL_OPTIONS=-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=3128 '
	# The caller's own JVM options are kept, after paddock's.
	JAVA_TOOL_OPTIONS=-Xmx1g run proxy_run -- printenv JAVA_TOOL_OPTIONS
	[[ "$output" == "-Dhttp.proxyHost=127.0.0.1 "*" -Xmx1g" ]]
	# And another proxy of the caller's is replaced, not kept.
	HTTPS_PROXY=http://192.0.2.1:8080 run proxy_run -- printenv HTTPS_PROXY
	[ "$output" = http://127.0.0.1:3128 ]
}

@test "proxy: a domain not allowed is refused, reported, and never reached" {
	run proxy_run_log -v --allow-domain allowed.test -- sh -c '
		python3 "$1" connect other.test "$2"
		python3 "$1" get other.test "$2" /
		python3 "$1" socks other.test "$2"' sh "$PT" "$PORT"
	assert_status 0
	assert_output_contains "HTTP/1.1 403 Forbidden"
	assert_output_contains "X-Paddock-Reason: not-allowed"
	assert_output_contains "socks reply 2"
	grep -q "^paddock: proxy: refused connect other.test:$PORT: " "$BASE/err" ||
		fail "not logged at -v: $(cat "$BASE/err")"
	assert_origin_untouched
	assert_reported other.test "$PORT" not-allowed
	grep -q '"protocol":"connect"' "$REPORT"
	grep -q '"protocol":"http"' "$REPORT"
	grep -q '"protocol":"socks5"' "$REPORT"
	[ "$(wc -l <"$REPORT")" -eq 3 ]
}

@test "proxy: the report and the log of refusals are bounded" {
	# 10,050 refused requests: the report keeps the first 10,000 and says
	# it was cut, the -v log the first 1,000 and says the rest are not
	# logged.
	run proxy_run_log -v --allow-domain allowed.test -- python3 -c '
import socket
for _ in range(10050):
    s = socket.create_connection(("127.0.0.1", 3128))
    s.sendall(b"CONNECT other.test:1 HTTP/1.1\r\n\r\n")
    s.recv(100)
    s.close()
print("done")'
	assert_status 0
	[ "$output" = done ]
	[ "$(wc -l <"$REPORT")" -eq 10001 ] ||
		fail "$(wc -l <"$REPORT") report lines"
	[ "$(grep -c '"host":"other.test","port":1,"reason":"not-allowed"' \
		"$REPORT")" -eq 10000 ]
	[ "$(tail -n 1 "$REPORT")" = '{"truncated":true,"limit":10000}' ]
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$REPORT"
	[ "$(grep -c '^paddock: proxy: refused connect other.test:1: ' \
		"$BASE/err")" -eq 1000 ] || fail "log: $(grep -c . "$BASE/err") lines"
	[ "$(grep -c 'further refusals and failures are not logged' \
		"$BASE/err")" -eq 1 ]
}

@test "proxy: a wildcard covers subdomains only, and --deny-domain wins" {
	run proxy_run --allow-domain '*.allowed.test' \
		--deny-domain bad.allowed.test -- sh -c '
		python3 "$1" connect a.allowed.test "$2"
		python3 "$1" connect bad.allowed.test "$2"
		python3 "$1" connect allowed.test "$2"' sh "$PT" "$PORT"
	assert_status 0
	[ "${lines[0]}" = "HTTP/1.1 200 Connection established" ]
	[ "${lines[1]}" = pong ]
	[ "${lines[3]}" = "X-Paddock-Reason: denied" ]
	[ "${lines[5]}" = "X-Paddock-Reason: not-allowed" ]
	assert_reported bad.allowed.test "$PORT" denied
	assert_reported allowed.test "$PORT" not-allowed
	[ "$(grep -c ping "$ORIGIN_LOG")" -eq 1 ]
}

@test "proxy: a port in the pattern restricts it to that port" {
	run proxy_run --allow-domain "allowed.test:$PORT" -- sh -c '
		python3 "$1" connect allowed.test "$2"
		python3 "$1" connect allowed.test 1' sh "$PT" "$PORT"
	assert_status 0
	[ "${lines[1]}" = pong ]
	[ "${lines[3]}" = "X-Paddock-Reason: not-allowed" ]
	assert_reported allowed.test 1 not-allowed
}

@test "proxy: literal IP addresses are refused unless allowed exactly" {
	run proxy_run --allow-domain allowed.test -- sh -c '
		python3 "$1" connect 127.0.0.1 "$2"
		python3 "$1" socks-ip 127.0.0.1 "$2"
		python3 "$1" connect 2130706433 "$2"' sh "$PT" "$PORT"
	assert_status 0
	assert_output_contains "X-Paddock-Reason: ip-literal"
	assert_output_contains "socks reply 2"
	assert_reported 127.0.0.1 "$PORT" ip-literal
	assert_reported 2130706433 "$PORT" ip-literal
	assert_origin_untouched
	# An exact address pattern allows that address, loopback included.
	run proxy_run --allow-domain "127.0.0.1:$PORT" -- \
		python3 "$PT" connect 127.0.0.1 "$PORT"
	assert_status 0
	[ "${lines[1]}" = pong ]
}

@test "proxy: an allowed name that resolves to the host's loopback is refused" {
	# localhost comes from the host's /etc/hosts, not from the test's map.
	run paddock_run --network proxy --proxy-report "$REPORT" \
		--allow-domain localhost -- python3 "$PT" connect localhost "$PORT"
	assert_status 0
	assert_output_contains "X-Paddock-Reason: loopback"
	assert_reported localhost "$PORT" loopback
	assert_origin_untouched
}

@test "proxy: a TLS ClientHello must name the CONNECT host" {
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" tls allowed.test "$PORT" other.test
	assert_status 0
	[ "${lines[0]}" = "HTTP/1.1 200 Connection established" ]
	assert_output_contains "handshake failed"
	assert_reported allowed.test "$PORT" sni-mismatch
	assert_origin_untouched
	# The same ClientHello naming the host goes through to the server.
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" tls allowed.test "$PORT" allowed.test
	grep -qx tls-client-hello "$ORIGIN_LOG"
}

@test "proxy: a ClientHello after an empty or a one-byte first record is refused" {
	# Servers reassemble a ClientHello across records: the proxy must not
	# take a short first record for "not TLS" and let the rest through.
	run proxy_run_log -v --allow-domain allowed.test -- sh -c '
		python3 "$1" tls-split allowed.test "$2" other.test frag
		python3 "$1" tls-split allowed.test "$2" other.test empty' \
		sh "$PT" "$PORT"
	assert_status 0
	[ "${lines[0]}" = "HTTP/1.1 200 Connection established" ]
	[ "${lines[1]}" = closed ]
	[ "${lines[3]}" = closed ]
	[ "${#lines[@]}" -eq 4 ]
	assert_origin_untouched
	[ "$(grep -c "\"host\":\"allowed.test\",\"port\":$PORT,\"reason\":\"bad-request\"" \
		"$REPORT")" -eq 2 ] || fail "report: $(cat "$REPORT")"
	[ "$(grep -c "^paddock: proxy: refused connect allowed.test:$PORT: " \
		"$BASE/err")" -eq 2 ] || fail "not logged at -v: $(cat "$BASE/err")"
	# The same client's ClientHello, whole and naming the host, goes on.
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" tls-split allowed.test "$PORT" allowed.test whole
	assert_status 0
	grep -qx tls-client-hello "$ORIGIN_LOG"
	[ ! -s "$REPORT" ]
}

@test "proxy: a name is looked up as named, never under the resolver's search domains" {
	# A mount and network namespace of the test's own: a resolv.conf with
	# a search domain, a name server on its loopback, and an origin at
	# 198.51.100.7, the address that name server gives found.allowed.test
	# and every name under corp.example.
	local ns=(unshare --mount --net)
	[ "$(id -u)" -eq 0 ] || ns=(unshare --map-root-user --mount --net)
	"${ns[@]}" true 2>/dev/null ||
		skip "cannot create a mount and network namespace here"
	printf 'nameserver 127.0.0.1\nsearch corp.example\noptions attempts:1 timeout:1\n' \
		>"$BASE/resolv.conf"
	run "${ns[@]}" sh -c '
		ip=$(command -v ip || echo /usr/sbin/ip)
		"$ip" link set lo up && "$ip" addr add 198.51.100.7/32 dev lo &&
			mount --bind "$1/resolv.conf" /etc/resolv.conf || exit 99
		python3 "$2" dns "$1/dns.ready" "$1/dns.log" </dev/null >/dev/null 2>&1 &
		dns=$!
		python3 "$2" origin "$1/ns.port" "$1/ns.log" 198.51.100.7 \
			</dev/null >/dev/null 2>&1 &
		origin=$!
		tries=100
		while { [ ! -e "$1/dns.ready" ] || [ ! -e "$1/ns.port" ]; } &&
			[ "$tries" -gt 0 ]; do
			sleep 0.05
			tries=$((tries - 1))
		done
		"$3" run --network proxy --allow-domain "*.allowed.test" -- sh -c "
			python3 \"\$1\" connect found.allowed.test \"\$2\"
			python3 \"\$1\" connect nx.allowed.test \"\$2\"" \
			sh "$2" "$(cat "$1/ns.port")"
		status=$?
		kill "$dns" "$origin"
		exit "$status"' sh "$BASE" "$PT" "$PADDOCK"
	assert_status 0
	# The name the server knows is looked up and reached...
	[ "${lines[0]}" = "HTTP/1.1 200 Connection established" ]
	[ "${lines[1]}" = pong ]
	grep -qx "query found.allowed.test 1" "$BASE/dns.log"
	# ...and one it does not know fails, never retried as another name.
	[ "${lines[2]}" = "HTTP/1.1 502 Bad Gateway" ]
	grep -qx "query nx.allowed.test 1" "$BASE/dns.log"
	! grep corp.example "$BASE/dns.log" || fail "searched: $(cat "$BASE/dns.log")"
	[ "$(grep -c ping "$BASE/ns.log")" -eq 1 ]
}

@test "proxy: connections that bypass the proxy have no route out" {
	run proxy_run --allow-domain allowed.test -- sh -c '
		python3 "$1" direct 127.0.0.1 "$2"
		python3 "$1" direct 192.0.2.1 80
		curl -sS -m 5 --noproxy "*" "http://127.0.0.1:$2/"; echo "curl $?"' \
		sh "$PT" "$PORT"
	assert_status 0
	[[ "${lines[0]}" == "failed: "* ]]
	[[ "${lines[1]}" == "failed: "* ]]
	[[ "$output" == *"curl 7"* ]]
	assert_origin_untouched
}

@test "proxy: DNS lookups inside fail at once" {
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" resolve allowed.test
	assert_status 0
	[[ "${lines[0]}" == "failed: "* ]]
	local seconds=${lines[1]#seconds }
	[ "${seconds%.*}" -lt 3 ] || fail "the lookup took $seconds s"
}

@test "proxy: many connections at once are served" {
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" many 60 allowed.test "$PORT"
	assert_status 0
	[ "$output" = "answered 60 of 60" ]
}

@test "proxy: more connections than the limit are cut, and the proxy serves on" {
	run proxy_run_log -v --allow-domain allowed.test -- sh -c '
		python3 -c "
import socket, time
held = [socket.create_connection((\"127.0.0.1\", 3128)) for _ in range(200)]
time.sleep(1)
closed = 0
for s in held:
    s.settimeout(0.05)
    try:
        closed += s.recv(1) == b\"\"
    except OSError:
        pass
print(\"closed\", closed)
for s in held:
    s.close()
time.sleep(0.5)
"
		python3 "$1" connect allowed.test "$2"' sh "$PT" "$PORT"
	assert_status 0
	# 128 are served; the rest are closed as soon as they are accepted.
	assert_output_contains "closed 72"
	grep -q "the proxy serves its most connections at once" "$BASE/err"
	assert_output_contains pong
}

@test "proxy: slow clients cannot hold the proxy: their head has a deadline" {
	run proxy_run --allow-domain allowed.test -- \
		python3 "$PT" slow 20 allowed.test "$PORT"
	assert_status 0
	assert_output_contains "normal client served: True"
	assert_output_contains "slow clients closed by the proxy: 20 of 20"
}

@test "proxy: bad patterns and options without --network proxy are refused" {
	run paddock_run --network proxy --allow-domain '*' -- true
	assert_status 125
	assert_output_contains "--allow-domain"
	run paddock_run --network proxy --allow-domain 'a.*.com' -- true
	assert_status 125
	run paddock_run --network proxy --proxy-resolve 'x.test=not-an-address' -- true
	assert_status 125
	run paddock_run --allow-domain example.com -- true
	assert_status 125
	assert_output_contains "--network proxy"
	run paddock_run --network on --deny-domain example.com -- true
	assert_status 125
}

@test "proxy: needs a network namespace: refused without namespaces and in sessions" {
	run paddock_run --isolation landlock --network proxy -- true
	assert_status 125
	assert_output_contains "proxy mode needs a network namespace"
	run "$PADDOCK" session --network proxy "$BASE/s.sock"
	[ "$status" -ne 0 ]
	assert_output_contains "proxy mode is not available in warm sessions"
	[ ! -e "$BASE/s.sock" ]
}

@test "proxy: the proxy ends with the run, and when paddock is killed" {
	# The proxy is a fork of paddock: its command line names the report.
	proxy_run --allow-domain allowed.test -- sleep 1 &
	local pid=$!
	sleep 0.5
	[ "$(pgrep -fc -- "$REPORT")" -ge 2 ] ||
		fail "no proxy process while the command runs"
	wait "$pid"
	sleep 0.2
	! pgrep -f -- "$REPORT" >/dev/null || fail "left: $(pgrep -fa -- "$REPORT")"

	# exec: $! must be paddock itself, not a subshell running it.
	(exec "$PADDOCK" run --network proxy --proxy-report "$REPORT" \
		--allow-domain allowed.test -- sleep 30) &
	pid=$!
	sleep 0.5
	# The proxy is the child of paddock's that confined itself with
	# seccomp (the supervisor does not): it must be there to be killed.
	local child proxy=
	for child in $(pgrep -P "$pid"); do
		if grep -q '^Seccomp:[[:space:]]*2' "/proc/$child/status"; then
			proxy=$child
		fi
	done
	[ -n "$proxy" ] || fail "no proxy process before paddock is killed"
	kill -KILL "$pid"
	wait "$pid" || true
	sleep 0.5
	# Gone, or a zombie its new parent has not reaped yet: not running.
	local state
	state=$(sed 's/.*) //' "/proc/$proxy/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$state" ] || [ "$state" = Z ] ||
		fail "the proxy $proxy outlived paddock (state $state)"
	! pgrep -f -- "$REPORT" >/dev/null || fail "left: $(pgrep -fa -- "$REPORT")"
}

@test "proxy: the proxy confines itself: no_new_privs and a seccomp filter" {
	(exec "$PADDOCK" run --network proxy --allow-domain allowed.test \
		-- sleep 2) &
	local pid=$! child confined=0 children=0
	sleep 0.5
	# paddock's two children: the supervisor (in the sandbox's user
	# namespace; the command below it confines itself) and the proxy.
	# Their status is readable even though neither is dumpable.
	for child in $(pgrep -P "$pid"); do
		children=$((children + 1))
		if grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$child/status" &&
			grep -q '^Seccomp:[[:space:]]*2' "/proc/$child/status"; then
			confined=$((confined + 1))
		fi
	done
	[ "$children" -eq 2 ] || fail "paddock has $children children"
	[ "$confined" -eq 1 ] || fail "$confined confined children, want the proxy alone"
	# paddock itself is not: the check can tell them apart.
	grep -q '^Seccomp:[[:space:]]*0' "/proc/$pid/status"
	wait "$pid"
}
