#!/usr/bin/env bats
# The process tree: every descendant, even one that daemonizes, is confined
# and dies with paddock; a timeout kills the whole tree; signals sent to
# paddock reach the command; the command has no capabilities, no_new_privs
# set, and sees only its own processes.

load helpers

setup() {
	common_setup
	require_sandbox
	PADDOCK_PID=
}

teardown() {
	if [ -n "$PADDOCK_PID" ]; then
		kill -KILL "$PADDOCK_PID" 2>/dev/null || true
		wait "$PADDOCK_PID" 2>/dev/null || true
	fi
	# Whatever a failed test left running.
	pkill -KILL -f -- "$MARK" 2>/dev/null || true
	common_teardown
}

# A script whose file name carries the marker, so that pgrep -f finds the
# process that runs it (and nothing else: the marker reaches the sandbox
# only through the environment, never on a command line).
write_daemon() {
	DAEMON="$WS/daemon-$MARK.sh"
	cat >"$DAEMON" <<-'EOF'
		echo $$ > started
		sleep 30
	EOF
	export DAEMON
}

@test "a daemonized grandchild is confined: its write outside fails, in the workspace succeeds" {
	assert_writable_outside "$OUTSIDE"
	cat >"$WS/writer.sh" <<-EOF
		echo inside > '$WS/from-grandchild'
		echo outside > '$OUTSIDE/from-grandchild'
		echo \$? > '$WS/outside-status'
	EOF
	run paddock_run -t 10 -- sh -c '
		setsid sh -c "sh ./writer.sh &" </dev/null >/dev/null 2>&1
		while [ ! -e outside-status ]; do sleep 0.05; done'
	assert_status 0
	assert_file_content "$WS/from-grandchild" inside
	[ "$(cat "$WS/outside-status")" != 0 ] ||
		fail "the grandchild's write outside succeeded"
	assert_absent "$OUTSIDE/from-grandchild"
}

@test "a daemonized grandchild is killed when paddock exits" {
	write_daemon
	"$PADDOCK" run -t 20 -- sh -c '
		setsid sh "$DAEMON" </dev/null >/dev/null 2>&1 &
		while [ ! -e go ]; do sleep 0.05; done
		exit 0' 3>&- &
	PADDOCK_PID=$!

	wait_for_file "$WS/started"
	pgrep -f -- "$MARK" >/dev/null ||
		fail "pgrep cannot see the daemon while paddock runs"
	touch "$WS/go"
	wait "$PADDOCK_PID" && status=0 || status=$?
	PADDOCK_PID=
	assert_status 0
	assert_no_process "$MARK"
}

@test "a timeout returns 124 quickly and kills the whole tree" {
	write_daemon
	local start=$SECONDS
	run paddock_run -t 1 -- sh -c '
		setsid sh "$DAEMON" </dev/null >/dev/null 2>&1 &
		sleep 30'
	assert_status 124
	[ $((SECONDS - start)) -lt 5 ] ||
		fail "the timeout took $((SECONDS - start)) s"
	[ -e "$WS/started" ] || fail "the daemon never started"
	assert_no_process "$MARK"
}

@test "a fractional timeout is honoured" {
	local start=$SECONDS
	run paddock_run -t 1.5 -- sleep 30
	assert_status 124
	[ $((SECONDS - start)) -lt 5 ]
}

@test "a command that ends before its timeout keeps its own exit code" {
	run paddock_run -t 5 -- sh -c 'exit 4'
	assert_status 4
}

@test "SIGTERM sent to paddock reaches the command" {
	"$PADDOCK" run -t 20 -- sh -c '
		trap "echo got-term > trapped; exit 3" TERM
		touch ready
		while :; do sleep 0.1; done' 3>&- &
	PADDOCK_PID=$!

	wait_for_file "$WS/ready"
	kill -TERM "$PADDOCK_PID"
	wait "$PADDOCK_PID" && status=0 || status=$?
	PADDOCK_PID=
	assert_status 3
	assert_file_content "$WS/trapped" got-term
}

@test "SIGUSR1 sent to paddock reaches the command" {
	"$PADDOCK" run -t 20 -- sh -c '
		trap "echo got-usr1 > trapped; exit 5" USR1
		touch ready
		while :; do sleep 0.1; done' 3>&- &
	PADDOCK_PID=$!

	wait_for_file "$WS/ready"
	kill -USR1 "$PADDOCK_PID"
	wait "$PADDOCK_PID" && status=0 || status=$?
	PADDOCK_PID=
	assert_status 5
	assert_file_content "$WS/trapped" got-usr1
}

@test "a command killed by the forwarded SIGTERM exits 143" {
	"$PADDOCK" run -t 20 -- sh -c 'touch ready; exec sleep 30' 3>&- &
	PADDOCK_PID=$!

	wait_for_file "$WS/ready"
	sleep 0.1
	kill -TERM "$PADDOCK_PID"
	wait "$PADDOCK_PID" && status=0 || status=$?
	PADDOCK_PID=
	assert_status 143
	# The placeholders of the run are gone too.
	[ "$(list_entries "$WS")" = ready ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "the whole tree dies when paddock itself is killed with SIGKILL" {
	write_daemon
	"$PADDOCK" run -- sh -c '
		setsid sh "$DAEMON" </dev/null >/dev/null 2>&1 &
		exec sleep 30' 3>&- &
	PADDOCK_PID=$!

	wait_for_file "$WS/started"
	pgrep -f -- "$MARK" >/dev/null ||
		fail "pgrep cannot see the daemon while paddock runs"
	kill -KILL "$PADDOCK_PID"
	wait "$PADDOCK_PID" 2>/dev/null || true
	PADDOCK_PID=
	# The kernel delivers the death signal to the supervisor, and then
	# kills the namespace, asynchronously: allow it a moment.
	local tries=40
	while pgrep -f -- "$MARK" >/dev/null && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	assert_no_process "$MARK"
}

@test "the command has no capabilities at all" {
	run paddock_run -- grep '^Cap' /proc/self/status
	assert_status 0
	[ "${#lines[@]}" -ge 5 ] || fail "too few Cap lines: $output"
	local line
	for line in "${lines[@]}"; do
		[[ "$line" =~ ^Cap[A-Za-z]+:[[:space:]]+0+$ ]] ||
			fail "a capability is left: $line"
	done
}

@test "the command runs with no_new_privs set" {
	run paddock_run -- grep '^NoNewPrivs' /proc/self/status
	assert_status 0
	[[ "$output" =~ ^NoNewPrivs:[[:space:]]+1$ ]] || fail "$output"
}

@test "the command sees only its own processes in /proc" {
	sleep 30 3>&- &
	local host_pid=$!

	run paddock_run -- sh -c 'ls /proc | grep -c "^[0-9][0-9]*$"; test -e /proc/'"$host_pid"'/cmdline && echo host-visible; echo $$'
	kill "$host_pid" 2>/dev/null
	wait "$host_pid" 2>/dev/null || true
	assert_status 0
	[[ "$output" != *host-visible* ]] || fail "the host's process $host_pid is visible"
	[ "${lines[0]}" -le 6 ] || fail "${lines[0]} processes visible inside"
	[ "${lines[1]}" -lt 10 ] || fail "the command's pid is ${lines[1]}"
}

@test "the command cannot signal a process outside the sandbox" {
	sleep 30 3>&- &
	local host_pid=$!

	run paddock_run -- kill -TERM "$host_pid"
	local alive=0
	kill -0 "$host_pid" 2>/dev/null && alive=1
	kill "$host_pid" 2>/dev/null
	wait "$host_pid" 2>/dev/null || true
	assert_refused
	[ "$alive" = 1 ] || fail "the host's process was killed from inside"
}
