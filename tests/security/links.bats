#!/usr/bin/env bats
# Hard links, renames, removal and metadata changes aimed at protected
# names and at files outside the writable roots.

load helpers

setup() {
	common_setup
	require_sandbox
	make_repo "$WS"
	GIT_BEFORE=$(tree_state "$WS/.git")
	OUT_BEFORE=$(tree_state "$OUTSIDE")
}

# .git and the outside directory are exactly as before the run.
assert_host_unchanged() {
	[ "$(tree_state "$WS/.git")" = "$GIT_BEFORE" ] || fail ".git changed"
	[ "$(tree_state "$OUTSIDE")" = "$OUT_BEFORE" ] || fail "$OUTSIDE changed"
}

@test "a hard link to .git/config cannot be made, so it cannot be written" {
	run paddock_run -- sh -c 'ln .git/config x && echo "[core] pager = /x" >> x'
	assert_refused
	assert_output_contains "Invalid cross-device link"
	assert_absent "$WS/x"
	assert_host_unchanged
}

@test "a hard link to a file outside the writable roots cannot be made" {
	run paddock_run -- sh -c 'ln "$1" x && echo pwned >> x' sh "$OUTSIDE/file"
	assert_refused
	assert_output_contains "Invalid cross-device link"
	assert_absent "$WS/x"
	assert_host_unchanged
}

@test "mv .git away and a replacement .git is refused" {
	run paddock_run -- sh -c 'mv .git old || exit 3; mkdir -p .git/hooks'
	assert_status 3
	assert_output_contains "Device or resource busy"
	assert_absent "$WS/old"
	assert_host_unchanged
}

@test "rm -rf .git is refused and removes nothing" {
	run paddock_run -- rm -rf .git
	assert_refused
	assert_output_contains "Read-only file system"
	assert_host_unchanged
}

@test "chmod of a protected file and of an outside file is refused" {
	run paddock_run -- sh -c 'chmod 777 .git/config; r1=$?; chmod 777 "$1"; r2=$?; [ $r1 -ne 0 ] && [ $r2 -ne 0 ] && exit 3' sh "$OUTSIDE/file"
	assert_status 3
	assert_output_contains "Read-only file system"
	assert_host_unchanged
}

@test "chown of a protected file is refused" {
	run paddock_run -- chown "$(id -u):$(id -g)" .git/config .git
	assert_refused
	assert_output_contains "Read-only file system"
	assert_host_unchanged
}

@test "touch -d of a protected file and of an outside file is refused" {
	run paddock_run -- sh -c 'touch -d 2000-01-01 .git/config; r1=$?; touch -d 2000-01-01 "$1"; r2=$?; [ $r1 -ne 0 ] && [ $r2 -ne 0 ] && exit 3' sh "$OUTSIDE/file"
	assert_status 3
	assert_host_unchanged
}

@test "setting an extended attribute on a protected file is refused" {
	if command -v setfattr >/dev/null 2>&1; then
		run paddock_run -- setfattr -n user.paddock -v x .git/config
	else
		run paddock_run -- "$PYTHON" -c 'import os; os.setxattr(".git/config", "user.paddock", b"x")'
	fi
	assert_refused
	assert_output_contains "Read-only file system"
	assert_host_unchanged
	"$PYTHON" -c 'import os, sys; sys.exit("user.paddock" in os.listxattr(sys.argv[1]))' "$WS/.git/config"
}

@test "truncate of a protected file and of an outside file is refused" {
	run paddock_run -- sh -c 'truncate -s 0 .git/config; r1=$?; truncate -s 0 "$1"; r2=$?; [ $r1 -ne 0 ] && [ $r2 -ne 0 ] && exit 3' sh "$OUTSIDE/file"
	assert_status 3
	assert_output_contains "Read-only file system"
	assert_host_unchanged
}
