#!/usr/bin/env bats
# /proc as a way around the read-only view: reopening a read-only
# descriptor for writing, and walking into another process's root.

load helpers

@test "a read-only descriptor of .git/config cannot be reopened for writing through /proc/self/fd" {
	make_repo "$WS"
	local before
	before=$(sha "$WS/.git/config")

	run paddock_run -- sh -c 'exec 3<.git/config; echo "[core] fsmonitor = /x" >> /proc/self/fd/3'
	assert_refused
	assert_output_contains "Read-only file system"
	[ "$(sha "$WS/.git/config")" = "$before" ]
}

@test "writing through /proc/self/root and /proc/<sibling>/root is refused" {
	make_repo "$WS"
	local before
	before=$(sha "$WS/.git/config")

	run paddock_run -- sh -c '
		sleep 30 & sib=$!
		echo x >> "/proc/self/root$1/.git/config" && echo wrote1
		echo x > "/proc/$sib/root$2/file" && echo wrote2
		kill $sib' sh "$WS" "$OUTSIDE"
	assert_status 0
	assert_output_contains "Read-only file system"
	refute_output_contains wrote
	[ "$(sha "$WS/.git/config")" = "$before" ]
	assert_file_content "$OUTSIDE/file" original
}

@test "writing through /proc/1/root (the supervisor) is refused" {
	make_repo "$WS"
	local before
	before=$(sha "$WS/.git/config")

	run paddock_run -- sh -c '
		echo x >> "/proc/1/root$1/.git/config" && echo wrote1
		echo x > "/proc/1/root$2/file" && echo wrote2
		ls /proc/1/root/ >/dev/null && echo listed' sh "$WS" "$OUTSIDE"
	assert_status 2
	assert_output_contains "Permission denied"
	refute_output_contains wrote
	refute_output_contains listed
	[ "$(sha "$WS/.git/config")" = "$before" ]
	assert_file_content "$OUTSIDE/file" original
}
