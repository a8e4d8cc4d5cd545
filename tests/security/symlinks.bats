#!/usr/bin/env bats
# Symbolic links: planted by the command, or already in the host's paths.
# paddock resolves every path once, before enforcing, and enforces the real
# directories; a protected name that is a link is refused outright.

load helpers

@test "a symlink in the workspace to .git/config cannot be written through" {
	make_repo "$WS"
	local before
	before=$(sha "$WS/.git/config")

	run paddock_run -- sh -c 'ln -s .git/config lnk && echo "[core] editor = /x" >> lnk'
	assert_refused
	assert_output_contains "Read-only file system"
	[ "$(sha "$WS/.git/config")" = "$before" ]
}

@test "a symlink in the workspace to a file outside the roots cannot be written through" {
	run paddock_run -- sh -c 'ln -s "$1" lnk && echo pwned > lnk' sh "$OUTSIDE/file"
	assert_refused
	assert_output_contains "Read-only file system"
	assert_file_content "$OUTSIDE/file" original
	[ -L "$WS/lnk" ]
}

@test "a protected name that is a symlink to an outside directory is refused (125)" {
	ln -s "$OUTSIDE" "$WS/.agents"

	run paddock_run -- sh -c 'echo ran > ran; echo pwned > .agents/x'
	assert_status 125
	assert_output_contains "a protected name is a symbolic link"
	assert_output_contains "hint:"
	assert_absent "$WS/ran"
	[ "$(list_entries "$OUTSIDE")" = file ]
}

@test "a symlinked workspace works and is enforced on the real directory" {
	make_repo "$WS"
	ln -s "$WS" "$BASE/wslink"
	local before
	before=$(sha "$WS/.git/config")

	cd "$BASE/wslink"
	run paddock_run -- sh -c 'echo ok > made; echo x >> .git/config; echo x > "$1"/file; exit 0' sh "$OUTSIDE"
	assert_status 0
	assert_file_content "$WS/made" ok
	assert_output_contains "Read-only file system"
	[ "$(sha "$WS/.git/config")" = "$before" ]
	assert_file_content "$OUTSIDE/file" original
}

@test "a symlinked TMPDIR works and is enforced on its target" {
	mkdir "$BASE/realtmp"
	ln -s "$BASE/realtmp" "$BASE/tmplink"

	TMPDIR="$BASE/tmplink" run paddock_run -- sh -c 'echo t > "$TMPDIR/t" && cat "$TMPDIR/t" && echo x > "$1"/file' sh "$OUTSIDE"
	assert_refused
	assert_output_contains t
	assert_file_content "$BASE/realtmp/t" t
	assert_file_content "$OUTSIDE/file" original
}

@test "a TMPDIR that is a symlink into .git is refused (125)" {
	make_repo "$WS"
	ln -s "$WS/.git" "$BASE/tmplink"
	local before
	before=$(tree_state "$WS/.git")

	TMPDIR="$BASE/tmplink" run paddock_run -- sh -c 'echo x > "$TMPDIR/hooks/pre-commit"'
	assert_status 125
	assert_output_contains "a writable root lies inside a protected path"
	[ "$(tree_state "$WS/.git")" = "$before" ] || fail ".git changed"
}

@test "a writable root nested in another keeps its own protected names, and its read-only parent stays read-only" {
	make_repo "$WS/sub"
	mkdir "$OUTSIDE/inner"
	local before
	before=$(sha "$WS/sub/.git/config")

	run paddock_run -w "$WS/sub" -w "$OUTSIDE/inner" -- sh -c '
		echo a > sub/a && echo b > "$1/inner/b" || exit 4
		echo x >> sub/.git/config
		echo x > "$1/file"
		mkdir sub/.agents
		exit 0' sh "$OUTSIDE"
	assert_status 0
	assert_file_content "$WS/sub/a" a
	assert_file_content "$OUTSIDE/inner/b" b
	[ "$(sha "$WS/sub/.git/config")" = "$before" ]
	assert_file_content "$OUTSIDE/file" original
	assert_absent "$WS/sub/.agents"
}

@test "a writable root inside a protected path is refused (125)" {
	make_repo "$WS"
	local before
	before=$(tree_state "$WS/.git")

	run paddock_run -w "$WS/.git/hooks" -- sh -c 'echo "#!/bin/sh" > .git/hooks/pre-commit'
	assert_status 125
	assert_output_contains "a writable root lies inside a protected path"
	[ "$(tree_state "$WS/.git")" = "$before" ] || fail ".git changed"
}
