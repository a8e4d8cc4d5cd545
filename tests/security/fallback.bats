#!/usr/bin/env bats
# Automatic fallback: inside `unshare -Ur`, user.max_user_namespaces is set
# to 0 for that (nested) namespace only, which simulates a host without
# user namespaces without touching the machine's own setting.

load helpers

setup() {
	common_setup
	require_sandbox
	require_landlock_mode
	require_tool unshare
	unshare -Ur true 2>/dev/null || skip "unshare -Ur is not permitted here"
	make_repo "$WS"
	GIT_BEFORE=$(tree_state "$WS/.git")
	LIMIT_BEFORE=$(cat /proc/sys/user/max_user_namespaces)
}

# Host pathname sockets other than this test's own: the fallback must
# refuse when any exists, so a test that expects it to go ahead cannot run
# on a machine that has them (a desktop session, a running paddock session).
require_no_other_host_sockets() {
	local others
	others=$(host_pathname_sockets | grep -v -F "$BASE/" || true)
	[ -z "$others" ] ||
		skip "host pathname sockets exist ($(echo "$others" | head -n 1)); auto rightly refuses to fall back"
}

# Run paddock with the given arguments where user namespaces are
# unavailable.
run_without_userns() {
	run unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces || exit 99; exec "$@"' sh "$PADDOCK" run "$@"
	[ "$status" -ne 99 ] || skip "cannot limit user namespaces in a nested namespace"
	[ "$(cat /proc/sys/user/max_user_namespaces)" = "$LIMIT_BEFORE" ] ||
		fail "the host's user.max_user_namespaces changed"
}

@test "without user namespaces paddock warns, falls back to the namespace-free mode, and still confines" {
	require_no_other_host_sockets
	run_without_userns -- sh -c '
		echo pwned > "$1/file" && echo wrote1
		echo x >> .git/config && echo wrote2
		exit 0' sh "$OUTSIDE"
	assert_status 0
	assert_output_contains "warning: user namespaces are unavailable"
	assert_output_contains "using Landlock without namespaces"
	refute_output_contains wrote
	assert_file_content "$OUTSIDE/file" original
	[ "$(tree_state "$WS/.git")" = "$GIT_BEFORE" ] || fail ".git changed"
}

@test "without user namespaces --isolation=namespaces refuses with 125 and a hint" {
	run_without_userns --isolation=namespaces -- sh -c 'echo ran > "$1/ran"' sh "$OUTSIDE"
	assert_status 125
	assert_output_contains "hint:"
	assert_absent "$OUTSIDE/ran"
}

@test "without user namespaces, a host pathname Unix socket makes auto refuse rather than weaken" {
	require_tool "$PYTHON"
	start_server "unix:$OUTSIDE/sock"

	run_without_userns -- sh -c 'echo ran > "$1/ran"' sh "$OUTSIDE"
	assert_status 125
	assert_output_contains "cannot block the host's pathname Unix sockets"
	# It names one, the first it found; this test's when it is alone.
	assert_output_contains "host socket(s), such as /"
	assert_output_contains "hint:"
	assert_absent "$OUTSIDE/ran"
}

@test "without user namespaces, an allowed host socket lets auto fall back" {
	require_tool "$PYTHON"
	start_server "unix:$OUTSIDE/sock"
	require_no_other_host_sockets

	run_without_userns --allow-unix-socket "$OUTSIDE/sock" -- true
	assert_status 0
	assert_output_contains "using Landlock without namespaces"
}
