#!/usr/bin/env bats
# Descriptors opened on the host before paddock starts reach the host's
# mounts; paddock marks every descriptor above 2 close-on-exec.

load helpers

@test "an inherited write descriptor (3>>outside file) cannot be written" {
	build_prog probe

	run paddock_run -- "$BIN/probe" write-fd 3 3>>"$OUTSIDE/file"
	assert_answer EBADF 1
	run paddock_run -- sh -c 'echo pwned >&3' 3>>"$OUTSIDE/file"
	assert_refused
	assert_file_content "$OUTSIDE/file" original
}

@test "an inherited read-write descriptor (exec 4<>) cannot be written" {
	build_prog probe

	exec 4<>"$OUTSIDE/file"
	run paddock_run -- "$BIN/probe" write-fd 4
	exec 4>&-
	assert_answer EBADF 1
	assert_file_content "$OUTSIDE/file" original
}

@test "an inherited descriptor of an outside directory cannot be used to create files" {
	exec 5<"$OUTSIDE"
	run paddock_run -- sh -c 'cd /proc/self/fd/5 && echo pwned > x'
	exec 5<&-
	assert_refused
	[ "$(list_entries "$OUTSIDE")" = file ]
}
