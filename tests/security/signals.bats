#!/usr/bin/env bats
# Processes outside the sandbox: the command cannot see, signal or trace
# them. Each test starts a host sleep and checks that it survives.

load helpers

@test "kill -TERM of a host pid fails and the host process survives" {
	start_host_sleep

	run paddock_run -- sh -c 'kill -TERM "$1"' sh "$SLEEP_PID"
	assert_refused
	assert_output_contains "No such process"
	assert_alive "$SLEEP_PID"
}

@test "kill -9 -1 inside kills no host process" {
	start_host_sleep

	run paddock_run -- sh -c 'kill -9 -1; exit 0'
	assert_status 0
	assert_alive "$SLEEP_PID"
	assert_alive "$$"
}

@test "ptrace attach and gdb -p of a host pid fail" {
	build_prog probe
	start_host_sleep

	run paddock_run -- "$BIN/probe" ptrace-attach "$SLEEP_PID"
	assert_answer ESRCH 1
	run paddock_run -- "$PYTHON" -c '
import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.ptrace(16, int(sys.argv[1]), None, None)  # PTRACE_ATTACH
print("attached" if r == 0 else errno.errorcode[ctypes.get_errno()])' "$SLEEP_PID"
	assert_answer ESRCH 0
	if command -v gdb >/dev/null 2>&1; then
		run paddock_run -- gdb -nx -batch -p "$SLEEP_PID"
		assert_output_contains "No such process"
		refute_output_contains "Attaching to process $SLEEP_PID"
	fi
	assert_alive "$SLEEP_PID"
	[ "$(awk '/^TracerPid/ {print $2}' "/proc/$SLEEP_PID/status")" = 0 ]
}

@test "/proc/<host pid> is not visible inside" {
	start_host_sleep

	run paddock_run -- sh -c 'ls -d "/proc/$1" || exit 3; cat "/proc/$1/cmdline"' sh "$SLEEP_PID"
	assert_status 3
	run paddock_run -- sh -c 'ls /proc | grep -c "^[0-9]"'
	assert_status 0
	[ "$output" -lt 10 ] || fail "too many processes visible: $output"
}

@test "namespace-free mode: signals and ptrace to a visible host pid are refused by Landlock" {
	require_landlock_mode
	build_prog probe
	start_host_sleep

	run paddock_run --isolation=landlock -- "$BIN/probe" kill "$SLEEP_PID" 15
	assert_answer EPERM 1
	run paddock_run --isolation=landlock -- "$BIN/probe" ptrace-attach "$SLEEP_PID"
	assert_answer EPERM 1
	run paddock_run --isolation=landlock -- sh -c 'kill -9 -1; exit 0'
	assert_alive "$SLEEP_PID"
	assert_alive "$$"
}
