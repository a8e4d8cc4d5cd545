#!/usr/bin/env bats
# Reaching host services: TCP on the host's loopback, the host's abstract
# and pathname Unix sockets. A server (progs/server.py) listens on the host;
# the test first proves the host itself can connect.

load helpers

setup() {
	common_setup
	require_sandbox
	[ -n "$PYTHON" ] || skip "python3 is not installed"
}

@test "a host loopback TCP server is unreachable with the network off" {
	start_server tcp:127.0.0.1:0
	assert_host_connects tcp 127.0.0.1 "${SERVER[0]}"

	run paddock_run -- "$PYTHON" "$PROGS/connect.py" tcp 127.0.0.1 "${SERVER[0]}"
	assert_answer ECONNREFUSED 1
}

@test "a host IPv6 loopback (::1) TCP server is unreachable with the network off" {
	"$PYTHON" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
		skip "no IPv6 loopback on this host"
	start_server tcp:::1:0
	assert_host_connects tcp ::1 "${SERVER[0]}"

	run paddock_run -- "$PYTHON" "$PROGS/connect.py" tcp ::1 "${SERVER[0]}"
	assert_answer ECONNREFUSED 1
}

@test "a host abstract Unix socket is unreachable with the network off" {
	start_server "abstract:$MARK"
	assert_host_connects abstract "$MARK"

	run paddock_run -- "$PYTHON" "$PROGS/connect.py" abstract "$MARK"
	assert_answer ECONNREFUSED 1
}

@test "a host abstract Unix socket is unreachable with the network on (Landlock scoping)" {
	start_server "abstract:$MARK"
	assert_host_connects abstract "$MARK"

	run paddock_run -n on -- "$PYTHON" "$PROGS/connect.py" abstract "$MARK"
	assert_answer EPERM 1
}

@test "a host pathname Unix socket is unreachable by default and reachable with --allow-unix-socket" {
	start_server "unix:$OUTSIDE/sock"
	assert_host_connects unix "$OUTSIDE/sock"

	run paddock_run -- "$PYTHON" "$PROGS/connect.py" unix "$OUTSIDE/sock"
	assert_answer EACCES 1
	run paddock_run -n on -- "$PYTHON" "$PROGS/connect.py" unix "$OUTSIDE/sock"
	assert_answer EACCES 1
	run paddock_run --allow-unix-socket "$OUTSIDE/sock" -- "$PYTHON" "$PROGS/connect.py" unix "$OUTSIDE/sock"
	assert_answer connected 0
	[ -S "$OUTSIDE/sock" ] || fail "the host socket was replaced"
}

@test "namespace-free mode: a host abstract Unix socket is unreachable, network off and on" {
	require_landlock_mode
	start_server "abstract:$MARK"

	run paddock_run --isolation=landlock -- "$PYTHON" "$PROGS/connect.py" abstract "$MARK"
	assert_answer EPERM 1
	run paddock_run --isolation=landlock -n on -- "$PYTHON" "$PROGS/connect.py" abstract "$MARK"
	assert_answer EPERM 1
}

@test "namespace-free mode: a host pathname Unix socket stays reachable, and paddock says so" {
	require_landlock_mode
	start_server "unix:$OUTSIDE/sock"

	run paddock_run --isolation=landlock -- "$PYTHON" "$PROGS/connect.py" unix "$OUTSIDE/sock"
	# The mode cannot block it (docs/limitations.md); an explicit
	# --isolation=landlock accepts that, and must say it.
	# The count and the example depend on what else the host has bound.
	[[ "$output" =~ "warning: without namespaces the host's "[0-9]+" pathname Unix socket(s), such as "/[^,]+", stay reachable" ]] ||
		fail "no warning about reachable host sockets: $output"
}
