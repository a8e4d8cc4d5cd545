#!/usr/bin/env bats
# git repositories whose git directory is not at the top of the workspace:
# a workspace in a subdirectory of a repository, and a worktree whose git
# directory lives in the main repository.

load helpers

@test "in a subdirectory of a repository git finds the parent, but git init cannot plant a nested .git" {
	make_repo "$BASE/repo"
	mkdir "$BASE/repo/sub"
	local before
	before=$(tree_state "$BASE/repo/.git")

	cd "$BASE/repo/sub"
	run paddock_run -- git rev-parse --show-toplevel
	assert_status 0
	[ "$output" = "$BASE/repo" ] || fail "toplevel: $output"
	run paddock_run -- git log --format=%s
	assert_status 0
	assert_output_contains init
	run paddock_run -- git status --porcelain
	assert_status 0
	run paddock_run -- git init
	assert_refused
	[ -z "$(list_entries "$BASE/repo/sub")" ] ||
		fail "left behind: $(list_entries "$BASE/repo/sub")"
	[ "$(tree_state "$BASE/repo/.git")" = "$before" ] || fail "the parent's .git changed"
}

@test "a worktree's git directory and the common directory stay read-only, even with -w on the main repository" {
	make_repo "$BASE/main"
	git -C "$BASE/main" worktree add -q "$BASE/wt" 2>/dev/null
	[ -f "$BASE/wt/.git" ] || fail "no worktree"
	local before
	before=$(tree_state "$BASE/main/.git")

	cd "$BASE/wt"
	run paddock_run -w "$BASE/main" -- sh -c '
		echo "[core] hooksPath = /x" >> "$1/.git/config" && echo wrote1
		echo x > "$1/.git/worktrees/wt/HEAD" && echo wrote2
		echo "#!/bin/sh" > "$1/.git/hooks/post-checkout" && echo wrote3
		git -c user.name=t -c user.email=t@x commit -q --allow-empty -m evil && echo wrote4
		echo ok > "$1/beside"' sh "$BASE/main"
	assert_status 0
	assert_output_contains "Read-only file system"
	refute_output_contains wrote
	assert_file_content "$BASE/main/beside" ok
	[ "$(tree_state "$BASE/main/.git")" = "$before" ] || fail "the main .git changed"
}
