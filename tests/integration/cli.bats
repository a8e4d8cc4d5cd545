#!/usr/bin/env bats
# The command line: exit codes follow env(1) and timeout(1) (the command's
# own code, 128+N for a signal, 124, 126, 127) and a failure of paddock
# itself is always 125 with a message, and nothing run; stdin, stdout and
# stderr pass through; check, --help and --version answer.

load helpers

setup() {
	common_setup
}

# paddock failed before running anything: 125, a "paddock:" message on
# stderr, and the command (which would create $WS/marker) never ran.
assert_paddock_failed() {
	assert_status 125
	[[ "$stderr" == *paddock:* ]] || fail "no paddock: message on stderr: '$stderr'"
	[ -z "$output" ] || fail "unexpected stdout: '$output'"
	assert_absent "$WS/marker"
}

@test "the command's own exit code is returned" {
	require_sandbox
	run paddock_run -- sh -c 'exit 7'
	assert_status 7
	run paddock_run -- true
	assert_status 0
	run paddock_run -- false
	assert_status 1
}

@test "a command killed by SIGTERM gives 143" {
	require_sandbox
	run paddock_run -- sh -c 'kill -TERM $$'
	assert_status 143
}

@test "a command killed by SIGKILL gives 137" {
	require_sandbox
	run paddock_run -- sh -c 'kill -KILL $$'
	assert_status 137
}

@test "a timeout gives 124 with a message" {
	require_sandbox
	run --separate-stderr paddock_run -t 1 -- sleep 30
	assert_status 124
	[[ "$stderr" == *"timed out"* ]] || fail "stderr: $stderr"
}

@test "a command that is not found gives 127" {
	require_sandbox
	run -127 --separate-stderr paddock_run -- no-such-command-"$MARK"
	assert_status 127
	[[ "$stderr" == *no-such-command-* ]] || fail "stderr: $stderr"
}

@test "a command path that does not exist gives 127" {
	require_sandbox
	run -127 paddock_run -- ./missing-script
	assert_status 127
}

@test "a file without the execute bit gives 126" {
	require_sandbox
	printf '#!/bin/sh\ntouch marker\n' >"$WS/script"
	chmod 644 "$WS/script"
	run paddock_run -- ./script
	assert_status 126
	assert_absent "$WS/marker"
}

@test "the same file with the execute bit runs" {
	require_sandbox
	printf '#!/bin/sh\ntouch marker\n' >"$WS/script"
	chmod 755 "$WS/script"
	run paddock_run -- ./script
	assert_status 0
	[ -f "$WS/marker" ]
}

@test "a script without a #! line is run by /bin/sh" {
	require_sandbox
	printf 'echo shell > marker\n' >"$WS/script"
	chmod 755 "$WS/script"
	run paddock_run -- ./script
	assert_status 0
	assert_file_content "$WS/marker" shell
}

@test "a directory as the command gives 126" {
	require_sandbox
	mkdir "$WS/dir"
	run paddock_run -- ./dir
	assert_status 126
}

@test "an unknown option fails with 125 and runs nothing" {
	run --separate-stderr paddock_run --bogus -- touch marker
	assert_paddock_failed
	[[ "$stderr" == *--bogus* ]]
}

@test "--windows-mode is Windows's: refused here with 125, auto accepted" {
	require_sandbox
	run --separate-stderr paddock_run --windows-mode=elevated -- touch marker
	assert_paddock_failed
	[[ "$stderr" == *"on Linux only auto applies"* ]] || fail "$stderr"
	run --separate-stderr paddock_run --windows-mode=unelevated -- touch marker
	assert_paddock_failed
	run --separate-stderr paddock_run --windows-mode=sideways -- touch marker
	assert_paddock_failed
	[[ "$stderr" == *"auto, elevated or unelevated"* ]] || fail "$stderr"
	run paddock_run --windows-mode=auto -- touch marker
	assert_status 0
	[ -e "$WS/marker" ] || fail "the command did not run"
}

@test "an unknown subcommand fails with 125" {
	run --separate-stderr "$PADDOCK" frobnicate
	assert_paddock_failed
}

@test "no command fails with 125" {
	run --separate-stderr paddock_run
	assert_paddock_failed
	run --separate-stderr paddock_run --
	assert_paddock_failed
	run --separate-stderr paddock_run -s read-only
	assert_paddock_failed
}

@test "an option without its value fails with 125" {
	run --separate-stderr paddock_run -w
	assert_paddock_failed
	[[ "$stderr" == *-w* ]] || fail "the option is not named: $stderr"
}

@test "a nonexistent workspace fails with 125 and names it" {
	run --separate-stderr paddock_run -C /nonexistent -- touch marker
	assert_paddock_failed
	[[ "$stderr" == */nonexistent* ]]
	assert_absent /nonexistent
}

@test "a workspace that is a file fails with 125" {
	: >"$BASE/file"
	run --separate-stderr paddock_run -C "$BASE/file" -- touch marker
	assert_paddock_failed
}

@test "a bad --sandbox value fails with 125" {
	run --separate-stderr paddock_run --sandbox bogus -- touch marker
	assert_paddock_failed
	[[ "$stderr" == *bogus* ]]
}

@test "a bad --network value fails with 125" {
	run --separate-stderr paddock_run --network maybe -- touch marker
	assert_paddock_failed
	[[ "$stderr" == *maybe* ]]
}

@test "bad --timeout values fail with 125" {
	local value
	for value in 0 -1 abc 1x ""; do
		run --separate-stderr paddock_run --timeout "$value" -- touch marker
		assert_paddock_failed
	done
}

@test "--protect with a path, '.' or '..' fails with 125" {
	local value
	for value in a/b . .. ""; do
		run --separate-stderr paddock_run --protect "$value" -- touch marker
		assert_paddock_failed
	done
}

@test "read-only combined with a writable root fails with 125" {
	mkdir "$BASE/extra"
	run --separate-stderr paddock_run -s read-only -w "$BASE/extra" -- \
		sh -c "touch marker '$BASE/extra/marker'"
	assert_paddock_failed
	assert_absent "$BASE/extra/marker"
}

@test "stdin, stdout and stderr pass through separately" {
	require_sandbox
	printf 'line one\nline two\n' >"$BASE/in"
	paddock_run -- sh -c 'cat; echo to-stderr >&2' \
		<"$BASE/in" >"$BASE/out" 2>"$BASE/err"
	[ "$(cat "$BASE/out")" = "$(printf 'line one\nline two')" ] ||
		fail "stdout: $(cat "$BASE/out")"
	[ "$(cat "$BASE/err")" = to-stderr ] || fail "stderr: $(cat "$BASE/err")"
}

@test "data piped into paddock reaches the command and back" {
	require_sandbox
	run bash -c 'seq 1 1000 | "$PADDOCK" run -- sh -c "wc -l" | tr -d " "'
	assert_status 0
	[ "$output" = 1000 ]
}

@test "by default paddock prints nothing of its own" {
	require_sandbox
	run --separate-stderr paddock_run -- true
	assert_status 0
	[ -z "$output" ] && [ -z "$stderr" ] || fail "out='$output' err='$stderr'"
}

@test "-v says what is enforced on stderr" {
	require_sandbox
	run --separate-stderr paddock_run -v -- true
	assert_status 0
	[[ "$stderr" == *"$WS"* ]] || fail "workspace not mentioned: $stderr"
	[ -z "$output" ]
}

@test "the environment is inherited" {
	require_sandbox
	FROM_HOST="$MARK" run paddock_run -- sh -c 'echo "$FROM_HOST"'
	assert_status 0
	[ "$output" = "$MARK" ]
}

@test "paddock check exits 0 and reports user namespaces" {
	run "$PADDOCK" check
	assert_status 0
	assert_output_contains "user namespaces"
}

@test "paddock check with an argument fails with 125" {
	run "$PADDOCK" check extra
	assert_status 125
}

@test "--version prints the version" {
	run "$PADDOCK" --version
	assert_status 0
	[[ "$output" =~ ^paddock\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "$output"
}

@test "--help prints the usage on stdout" {
	run --separate-stderr "$PADDOCK" --help
	assert_status 0
	assert_output_contains "Usage: paddock run"
	assert_output_contains "--sandbox"
	[ -z "$stderr" ]
}

@test "setup and uninstall are refused on Linux, with a reason and a hint" {
	for cmd in setup uninstall; do
		run --separate-stderr "$PADDOCK" "$cmd" --dry-run
		assert_status 125
		[[ "$stderr" == *"'$cmd' exists only on Windows"* ]] || fail "$stderr"
		[[ "$stderr" == *"hint: "* ]] || fail "$stderr"
		[ -z "$output" ]
	done
	run "$PADDOCK" --help
	assert_output_contains "paddock setup [--dry-run]"
	assert_output_contains "paddock uninstall [--dry-run]"
}

@test "run --help prints the usage and runs nothing" {
	run --separate-stderr paddock_run --help -- touch marker
	assert_status 0
	assert_output_contains "Usage: paddock run"
	assert_absent "$WS/marker"
}
