#!/usr/bin/env bats
# Warm sessions: paddock session SOCKET, then paddock run --session SOCKET.
# Each command of a session must behave as after a cold start: the same
# writes allowed and refused, its own process tree that nothing outlives,
# no view of the other commands, the same network rules; and the session
# must admit only its owner and end cleanly.

load helpers

setup() {
	common_setup
	SOCK="$BASE/s.sock"
	SESSION_PID=
}

teardown() {
	if [ -n "$SESSION_PID" ] && kill -0 "$SESSION_PID" 2>/dev/null; then
		kill -TERM "$SESSION_PID" 2>/dev/null || true
		wait "$SESSION_PID" 2>/dev/null || true
	fi
	common_teardown
}

# Open a session on $SOCK with the given options, in the background, and
# wait until it says it is ready (the socket file alone may be a stale one).
start_session() {
	local i
	: >"$BASE/session.err"
	"$PADDOCK" session -v "$@" "$SOCK" 2>"$BASE/session.err" &
	SESSION_PID=$!
	for i in $(seq 100); do
		grep -q "session ready" "$BASE/session.err" && return 0
		kill -0 "$SESSION_PID" 2>/dev/null || break
		sleep 0.05
	done
	fail "the session did not start: $(cat "$BASE/session.err")"
}

in_session() {
	"$PADDOCK" run --session "$SOCK" "$@"
}

# Processes whose command line carries this test's marker.
marked_processes() {
	pgrep -f "$MARK" || true
}

# Wait up to 5 s for the command carrying the marker to be running.
wait_marked_processes() {
	local i
	for i in $(seq 50); do
		[ -n "$(marked_processes)" ] && return 0
		sleep 0.1
	done
	fail "the command never started"
}

wait_no_marked_processes() {
	local i
	for i in $(seq 50); do
		[ -z "$(marked_processes)" ] && return 0
		sleep 0.1
	done
	fail "processes left: $(marked_processes)"
}

@test "session: a command passes stdin, stdout, stderr and its exit status through" {
	require_sandbox
	start_session

	run in_session -- sh -c 'read line; echo "out:$line"; echo err >&2; exit 7' <<<"hello"
	assert_status 7
	assert_output_contains "out:hello"
	assert_output_contains "err"

	run in_session -- false
	assert_status 1
	run -127 in_session -- /nonexistent/cmd
	assert_status 127
}

@test "session: writes are confined exactly as in a cold start" {
	require_sandbox
	git init -q .
	assert_writable_outside "$OUTSIDE"
	start_session

	run in_session -- sh -c 'echo inside > inside.txt'
	assert_status 0
	assert_file_content inside.txt inside

	run in_session -- sh -c "echo x > '$OUTSIDE/escape.txt'"
	assert_refused
	assert_absent "$OUTSIDE/escape.txt"

	run in_session -- sh -c 'echo x > .git/hooks/pre-commit'
	assert_refused
	assert_absent .git/hooks/pre-commit

	run in_session -- mkdir .agents
	assert_refused
	# What is there is the session's placeholder, not the command's
	# directory.
	[ ! -d .agents ] || fail "the command created .agents"
}

@test "session: commands cannot see or signal each other's processes" {
	require_sandbox
	start_session

	"$PADDOCK" run --session "$SOCK" -- sh -c "echo \$\$ > a.pid; exec sleep 30 # $MARK" &
	local client=$!
	wait_for_file a.pid
	local host_pid
	host_pid=$(pgrep -f "sleep 30 # $MARK" | head -n 1)
	[ -n "$host_pid" ] || fail "the first command is not running"

	# The second command sees its own processes only: no process of the
	# first is in its /proc, and the first's host PID names nothing it
	# may signal.
	run in_session -- sh -c 'cat /proc/[0-9]*/comm'
	assert_status 0
	case "$output" in
	*sleep*) fail "sees the other command's process: $output" ;;
	esac
	[ "${#lines[@]}" -le 4 ] || fail "sees ${#lines[@]} processes: $output"
	run in_session -- kill -TERM "$host_pid"
	[ "$status" -ne 0 ] || fail "signalled a process of another command"
	kill -0 "$host_pid" || fail "the first command's process died"

	kill -KILL "$client"
	wait "$client" 2>/dev/null || true
	wait_no_marked_processes
}

@test "session: no process survives its command, even detached" {
	require_sandbox
	start_session

	run in_session -- sh -c "setsid sh -c 'sleep 60 # $MARK' </dev/null >/dev/null 2>&1 & echo started"
	assert_status 0
	assert_output_contains started
	wait_no_marked_processes

	run in_session -- true
	assert_status 0
}

@test "session: each command gets its own /dev/shm and /tmp stays the host's" {
	require_sandbox
	start_session

	run in_session -- sh -c "echo a > /dev/shm/$MARK && echo b > /tmp/$MARK"
	assert_status 0
	run in_session -- cat "/dev/shm/$MARK"
	[ "$status" -ne 0 ] || fail "a later command read the earlier one's /dev/shm"
	assert_file_content "/tmp/$MARK" b
}

@test "session: a timeout kills the command's tree and exits 124" {
	require_sandbox
	start_session

	run in_session --timeout 0.5 -- sh -c "sleep 30 # $MARK & sleep 31 # $MARK"
	assert_status 124
	wait_no_marked_processes

	# The session's own timeout applies when the client gives none.
	kill -TERM "$SESSION_PID"
	wait "$SESSION_PID" || true
	start_session --timeout 0.5
	run in_session -- sleep 30
	assert_status 124
}

@test "session: a client killed with SIGKILL takes its command's tree with it" {
	require_sandbox
	start_session

	"$PADDOCK" run --session "$SOCK" -- sh -c "sleep 60 # $MARK" &
	local client=$!
	wait_marked_processes
	kill -KILL "$client"
	wait "$client" 2>/dev/null || true
	wait_no_marked_processes
	run in_session -- true
	assert_status 0
}

@test "session: a signal to the client reaches the command" {
	require_sandbox
	start_session

	"$PADDOCK" run --session "$SOCK" -- sh -c "trap 'echo got-term > \"$WS/term\"; exit 3' TERM; echo \$\$ > ready; while :; do sleep 0.1; done" &
	local client=$!
	wait_for_file ready
	kill -TERM "$client"
	local status=0
	wait "$client" || status=$?
	[ "$status" -eq 3 ] || fail "exit status $status, expected 3"
	assert_file_content term got-term
}

@test "session: network off, a command cannot reach the host's loopback; on, it can" {
	require_sandbox
	python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.sendall(b"hello\n"); c.close()
' "$BASE/port" </dev/null >/dev/null 2>&1 &
	local server=$!
	wait_for_file "$BASE/port"
	local port
	port=$(cat "$BASE/port")
	local client="exec 3<>/dev/tcp/127.0.0.1/$port && head -n 1 <&3"

	run bash -c "$client"
	assert_output_contains hello

	start_session
	run in_session -- bash -c "$client"
	assert_refused
	kill -TERM "$SESSION_PID"
	wait "$SESSION_PID" || true

	start_session --network on
	run in_session -- bash -c "$client"
	kill "$server"
	assert_status 0
	assert_output_contains hello
}

@test "session: the session's socket is unreachable from inside it" {
	require_sandbox
	start_session

	run in_session -- "$PADDOCK" run --session "$SOCK" -- echo nested-ok
	[ "$status" -ne 0 ] || fail "a command reached its own session: $output"
	case "$output" in
	*nested-ok*) fail "a nested command ran: $output" ;;
	esac
}

@test "session: a host socket bound after the session started is unreachable" {
	require_sandbox
	start_session
	python3 -c '
import socket, sys, os
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
open(sys.argv[1] + ".ready", "w").close()
while True:
    c, _ = s.accept(); c.sendall(b"hello\n"); c.close()
' "$OUTSIDE/late.sock" </dev/null >/dev/null 2>&1 &
	local server=$!
	wait_for_file "$OUTSIDE/late.sock.ready"
	local connect='import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(16).decode().strip())'

	run python3 -c "$connect" "$OUTSIDE/late.sock"
	assert_output_contains hello
	run in_session -- python3 -c "$connect" "$OUTSIDE/late.sock"
	kill "$server"
	assert_refused
	case "$output" in
	*hello*) fail "reached the host socket: $output" ;;
	esac
}

@test "session: --stop ends it, removes its socket and placeholders, kills running commands" {
	require_sandbox
	start_session
	[ -e .agents ] || fail "no placeholder during the session, the test proves nothing"
	"$PADDOCK" run --session "$SOCK" -- sh -c "sleep 60 # $MARK" &
	local client=$!
	wait_marked_processes

	run "$PADDOCK" session --stop "$SOCK"
	assert_status 0
	wait "$SESSION_PID"
	wait "$client" 2>/dev/null || true
	wait_no_marked_processes
	assert_absent "$SOCK"
	[ -z "$(ls -A)" ] || fail "left in the workspace: $(ls -A)"

	run in_session -- true
	assert_status 125
	assert_output_contains "no session listens"
}

@test "session: its owner killed with SIGKILL ends it; the stale socket is replaced next time" {
	require_sandbox
	start_session
	"$PADDOCK" run --session "$SOCK" -- sh -c "sleep 60 # $MARK" &
	local client=$!
	wait_marked_processes

	kill -KILL "$SESSION_PID"
	wait "$SESSION_PID" 2>/dev/null || true
	wait "$client" 2>/dev/null || true
	wait_no_marked_processes
	# The server removes the placeholders once it sees its owner gone.
	local i
	for i in $(seq 50); do
		[ -z "$(ls -A)" ] && break
		sleep 0.1
	done
	[ -z "$(ls -A)" ] || fail "left in the workspace: $(ls -A)"

	start_session
	run in_session -- echo again
	assert_status 0
	assert_output_contains again
}

@test "session: a second session on a live socket is refused, and a non-socket file is never replaced" {
	require_sandbox
	start_session
	run "$PADDOCK" session "$SOCK"
	assert_status 125
	assert_output_contains "already listens"

	echo precious >"$BASE/file"
	run "$PADDOCK" session "$BASE/file"
	assert_status 125
	assert_output_contains "not a socket"
	assert_file_content "$BASE/file" precious
}

@test "session: bad usage is refused with a hint" {
	run "$PADDOCK" run --session "$SOCK" -w "$OUTSIDE" -- true
	assert_status 125
	assert_output_contains "cannot be combined with --session"
	assert_output_contains "hint:"

	run "$PADDOCK" run --session "$SOCK" -- true
	assert_status 125
	assert_output_contains "no session listens"

	run "$PADDOCK" session
	assert_status 125
	assert_output_contains "no socket given"

	run "$PADDOCK" session --stop
	assert_status 125
}

@test "session: only its owner is admitted" {
	require_sandbox
	[ "$(id -u)" -eq 0 ] || skip "needs root to act as two users"
	local dir owner=paddock-test
	id -u "$owner" >/dev/null 2>&1 || skip "no user $owner"
	dir=$(mktemp -d /var/tmp/paddock-session.XXXXXX)
	chown "$owner" "$dir"
	chmod 755 "$dir"
	mkdir "$dir/ws"
	chown "$owner" "$dir/ws"
	(cd "$dir/ws" && exec setpriv --reuid="$owner" --regid="$(id -g "$owner")" \
		--init-groups "$PADDOCK" session "$dir/s.sock") 2>/dev/null &
	SESSION_PID=$!
	wait_for_file "$dir/s.sock"

	# root passes the socket's mode 0600, so only the server's check on
	# the peer's uid stands in the way.
	run "$PADDOCK" run --session "$dir/s.sock" -- echo admitted
	kill -TERM "$SESSION_PID"
	wait "$SESSION_PID" || true
	rm -rf "$dir"
	assert_status 125
	case "$output" in
	*admitted*) fail "root's command ran in another user's session" ;;
	esac
	assert_output_contains "Permission denied"
}

@test "session: the namespace-free mode gives each command a private TMPDIR, removed after" {
	require_sandbox
	"$PADDOCK" run --isolation=landlock -- true 2>/dev/null ||
		skip "the namespace-free mode is not available here"
	start_session --isolation=landlock

	run in_session -- sh -c 'echo "$TMPDIR"; echo x > "$TMPDIR/f" && cat "$TMPDIR/f"'
	assert_status 0
	local first=${lines[0]}
	[ -n "$first" ] && [ "$first" != /tmp ] || fail "TMPDIR is '$first'"
	assert_absent "$first"

	run in_session -- sh -c "echo x > '$OUTSIDE/escape.txt'"
	assert_refused
	assert_absent "$OUTSIDE/escape.txt"
}

@test "session: the C API runs commands in one session without a socket" {
	require_sandbox
	local api
	api=$(helper_path session_api)
	[ -n "$api" ] || skip "the session_api helper is not built (PADDOCK_HELPERS)"
	assert_writable_outside "$OUTSIDE"

	run "$api" "$WS" "$OUTSIDE"
	assert_status 0
	assert_file_content "$WS/api-inside.txt" in
	assert_absent "$OUTSIDE/api-escape.txt"
	case "$output" in
	*FAILED*) fail "$output" ;;
	esac
}
