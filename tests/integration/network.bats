#!/usr/bin/env bats
# The network is off by default: a server on the host's loopback cannot be
# reached from inside, and can with --network on. With the network off the
# sandbox still has a loopback of its own that works.

load helpers

# A tiny TCP server: bind 127.0.0.1 on a free port, write the port to file
# $1, then greet every client with the line $2.
SERVER_PY='
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    c.sendall((sys.argv[2] + "\n").encode())
    c.close()
'

# Connect to 127.0.0.1 port $1 and print what the server says.
CLIENT_PY='
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
print(c.recv(100).decode().strip())
'

setup() {
	common_setup
	require_sandbox
	SERVER_PID=
}

teardown() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	common_teardown
}

# Start the host's server; sets PORT and SERVER_PID.
start_host_server() {
	python3 -c "$SERVER_PY" "$BASE/port" "hello-$MARK" </dev/null \
		>/dev/null 2>&1 3>&- &
	SERVER_PID=$!
	wait_for_file "$BASE/port"
	PORT=$(cat "$BASE/port")
}

@test "the host's loopback server answers a client on the host" {
	start_host_server
	run python3 -c "$CLIENT_PY" "$PORT"
	assert_status 0
	[ "$output" = "hello-$MARK" ]
}

@test "with the network off by default, the host's loopback server is unreachable" {
	start_host_server
	run paddock_run -- python3 -c "$CLIENT_PY" "$PORT"
	assert_refused
	[[ "$output" != *"hello-$MARK"* ]]
}

@test "--network off is the same as the default" {
	start_host_server
	run paddock_run --network off -- python3 -c "$CLIENT_PY" "$PORT"
	assert_refused
	[[ "$output" != *"hello-$MARK"* ]]
}

@test "--network on reaches the host's loopback server" {
	start_host_server
	run paddock_run --network on -- python3 -c "$CLIENT_PY" "$PORT"
	assert_status 0
	[ "$output" = "hello-$MARK" ]
}

@test "with the network off, the sandbox's own loopback works" {
	run paddock_run -- sh -c '
		python3 -c "$1" "$PWD/port" inside-hello &
		while [ ! -e port ]; do sleep 0.05; done
		python3 -c "$2" "$(cat port)"
		kill $!' sh "$SERVER_PY" "$CLIENT_PY"
	assert_status 0
	[ "$output" = inside-hello ]
}

@test "with the network off, only the loopback interface exists" {
	run paddock_run -- cat /proc/net/dev
	assert_status 0
	assert_output_contains "lo:"
	local ifaces
	ifaces=$(printf '%s\n' "${lines[@]:2}" | grep -c ':')
	[ "$ifaces" -eq 1 ] || fail "interfaces inside: $output"
}
