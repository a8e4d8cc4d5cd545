#!/usr/bin/env bats
# The file-system promises of the sandbox modes: the workspace, extra
# writable roots and /tmp are writable, everything else is not; read-only
# and full-access change that; deny-read paths cannot be read inside. Every
# test checks the disk afterwards, and proves the allowed action works
# before trusting a refusal.

load helpers

setup() {
	common_setup
	require_sandbox
}

@test "a write in the workspace succeeds and lands on disk" {
	run paddock_run -- sh -c 'echo hello > note.txt'
	assert_status 0
	assert_file_content "$WS/note.txt" hello
}

@test "a write in a subdirectory of the workspace succeeds" {
	run paddock_run -- sh -c 'mkdir -p a/b && echo deep > a/b/c'
	assert_status 0
	assert_file_content "$WS/a/b/c" deep
}

@test "a write outside the workspace is refused and nothing lands on disk" {
	assert_writable_outside "$OUTSIDE"
	run paddock_run -- sh -c "echo escaped > '$OUTSIDE/escape.txt'"
	assert_refused
	assert_absent "$OUTSIDE/escape.txt"
}

@test "an existing file outside the workspace can be read but not changed" {
	echo original >"$OUTSIDE/existing"
	local before
	before=$(sha "$OUTSIDE/existing")

	run paddock_run -- sh -c "cat '$OUTSIDE/existing'"
	assert_status 0
	[ "$output" = original ]

	run paddock_run -- sh -c "echo changed >> '$OUTSIDE/existing'"
	assert_refused
	run paddock_run -- rm -f "$OUTSIDE/existing"
	assert_refused
	[ "$(sha "$OUTSIDE/existing")" = "$before" ]
}

@test "-C chooses the workspace: writes land there and not in the current directory" {
	mkdir "$BASE/other"
	run paddock_run -C "$BASE/other" -- sh -c 'pwd; echo here > f'
	assert_status 0
	[ "${lines[0]}" = "$BASE/other" ]
	assert_file_content "$BASE/other/f" here
	assert_absent "$WS/f"
}

@test "-w makes an extra writable root: the write succeeds and is on disk" {
	mkdir "$BASE/extra"
	run paddock_run -w "$BASE/extra" -- sh -c "echo extra > '$BASE/extra/f'"
	assert_status 0
	assert_file_content "$BASE/extra/f" extra
}

@test "without -w the same write to that directory is refused" {
	mkdir "$BASE/extra"
	assert_writable_outside "$BASE/extra"
	run paddock_run -- sh -c "echo extra > '$BASE/extra/f'"
	assert_refused
	assert_absent "$BASE/extra/f"
}

@test "a missing writable root is a paddock failure (125) and nothing runs" {
	run paddock_run -w "$BASE/missing" -- touch marker
	assert_status 125
	assert_output_contains "$BASE/missing"
	assert_absent "$WS/marker"
}

@test "/tmp is writable by default and the file appears in the host's /tmp" {
	run paddock_run -- sh -c "echo in-tmp > /tmp/$MARK"
	assert_status 0
	assert_file_content "/tmp/$MARK" in-tmp
}

@test "--no-tmp makes /tmp read-only and nothing lands in the host's /tmp" {
	assert_writable_outside /tmp
	run paddock_run --no-tmp -- sh -c "echo in-tmp > /tmp/$MARK"
	assert_refused
	assert_absent "/tmp/$MARK"
}

@test "--no-tmp still lets the command write its workspace" {
	run paddock_run --no-tmp -- sh -c 'echo ok > f'
	assert_status 0
	assert_file_content "$WS/f" ok
}

@test "--sandbox read-only refuses a write in the workspace" {
	run paddock_run --sandbox read-only -- sh -c 'echo nope > f'
	assert_refused
	assert_absent "$WS/f"
}

@test "--sandbox read-only refuses a write in /tmp" {
	run paddock_run -s read-only -- sh -c "echo nope > /tmp/$MARK"
	assert_refused
	assert_absent "/tmp/$MARK"
}

@test "--sandbox read-only still lets the command read the workspace" {
	echo readable >"$WS/f"
	run paddock_run -s read-only -- cat f
	assert_status 0
	[ "$output" = readable ]
}

@test "--sandbox full-access allows a write outside the workspace" {
	run paddock_run --sandbox full-access -- \
		sh -c "echo free > '$OUTSIDE/free.txt'"
	assert_status 0
	assert_file_content "$OUTSIDE/free.txt" free
}

@test "--deny-read FILE makes the file unreadable inside; it stays readable outside" {
	echo secret-token >"$OUTSIDE/token"

	run paddock_run -- cat "$OUTSIDE/token"
	assert_status 0
	[ "$output" = secret-token ]

	run paddock_run --deny-read "$OUTSIDE/token" -- cat "$OUTSIDE/token"
	assert_refused
	[[ "$output" != *secret-token* ]]

	assert_file_content "$OUTSIDE/token" secret-token
}

@test "--deny-read DIR makes the directory and its files unreadable inside" {
	mkdir "$OUTSIDE/keys"
	echo private-key >"$OUTSIDE/keys/id_ed25519"

	run paddock_run -- cat "$OUTSIDE/keys/id_ed25519"
	assert_status 0
	[ "$output" = private-key ]

	run paddock_run --deny-read "$OUTSIDE/keys" -- cat "$OUTSIDE/keys/id_ed25519"
	assert_refused
	[[ "$output" != *private-key* ]]

	run paddock_run -- ls "$OUTSIDE/keys"
	assert_status 0
	[ "$output" = id_ed25519 ]

	run paddock_run --deny-read "$OUTSIDE/keys" -- ls "$OUTSIDE/keys"
	assert_refused
	[[ "$output" != *id_ed25519* ]]

	assert_file_content "$OUTSIDE/keys/id_ed25519" private-key
}

@test "--deny-read on a file in the workspace hides it and it cannot be overwritten" {
	echo secret >"$WS/.env"
	run paddock_run --deny-read "$WS/.env" -- sh -c 'cat .env'
	assert_refused
	[[ "$output" != *secret* ]]
	run paddock_run --deny-read "$WS/.env" -- sh -c 'echo leaked > .env'
	assert_refused
	assert_file_content "$WS/.env" secret
}

@test "--deny-read of a path that does not exist is accepted and the command runs" {
	run paddock_run --deny-read "$OUTSIDE/no-such-file" -- sh -c 'echo ran > f'
	assert_status 0
	assert_file_content "$WS/f" ran
	assert_absent "$OUTSIDE/no-such-file"
}
