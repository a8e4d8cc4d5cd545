#!/usr/bin/env bats
# Terminal injection: the command shares the caller's terminal (job control
# works), so TIOCSTI / TIOCLINUX would push keystrokes into the shell that
# reads after the command ends. Run under a real pseudo-terminal (script).

load helpers

setup() {
	common_setup
	require_sandbox
	require_tool script
	build_prog probe
}

# Run "$@" with its standard input on a fresh pseudo-terminal; the
# terminal's echo of any injected character lands in $output.
run_on_pty() {
	local cmd

	printf -v cmd '%q ' "$@"
	run script -qec "$cmd" /dev/null </dev/null
	output=${output//$'\r'/}
	mapfile -t lines <<<"$output"
}

@test "TIOCSTI on a real terminal is refused with EPERM and injects nothing" {
	# Control, outside the sandbox: where the host allows TIOCSTI, the
	# injected character shows up in the terminal's echo.
	run_on_pty "$BIN/probe" ioctl 0 0x5412
	if [ "$status" -eq 0 ]; then
		assert_output_contains "#"
	fi
	run_on_pty "$PADDOCK" run -- "$BIN/probe" ioctl 0 0x5412
	assert_answer EPERM 1
	refute_output_contains "#"
}

@test "TIOCSTI with the upper 32 bits of the request set is refused with EPERM" {
	run_on_pty "$PADDOCK" run -- "$BIN/probe" ioctl 0 0xffffffff00005412
	assert_answer EPERM 1
	refute_output_contains "#"
	run_on_pty "$PADDOCK" run -- "$BIN/probe" ioctl 0 0x100005412
	assert_answer EPERM 1
	refute_output_contains "#"
}

@test "TIOCLINUX on a real terminal is refused with EPERM" {
	run_on_pty "$PADDOCK" run -- "$BIN/probe" ioctl 0 0x541c
	assert_answer EPERM 1
	run_on_pty "$PADDOCK" run -- "$BIN/probe" ioctl 0 0xffffffff0000541c
	assert_answer EPERM 1
}

@test "namespace-free mode: TIOCSTI on a real terminal is refused with EPERM" {
	require_landlock_mode
	run_on_pty "$PADDOCK" run --isolation=landlock -- "$BIN/probe" ioctl 0 0x5412
	assert_answer EPERM 1
	refute_output_contains "#"
}
