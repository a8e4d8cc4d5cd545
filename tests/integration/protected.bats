#!/usr/bin/env bats
# Protected names (.git, .agents, .paddock, agent configuration folders and
# any added with --protect) stay read-only at the top of a writable root and
# cannot be created there; a gitdir: pointer file protects the directory it
# points to. The placeholders paddock uses to reserve a missing name are
# gone after every run, however the command ended.

load helpers

setup() {
	common_setup
	require_sandbox
}

# Names paddock protects by default, beside .git.
default_names=(.agents .paddock .claude .codex .gemini .cursor .vscode)

@test "writing an existing .git/config is refused and the file is unchanged" {
	git init -q "$WS"
	local before
	before=$(sha "$WS/.git/config")

	run paddock_run -- sh -c 'echo "[core] hooksPath = /evil" >> .git/config'
	assert_refused
	run paddock_run -- git config core.hooksPath /evil
	assert_refused
	[ "$(sha "$WS/.git/config")" = "$before" ]
}

@test "a hook cannot be planted in an existing .git" {
	git init -q "$WS"
	run paddock_run -- sh -c 'echo "#!/bin/sh" > .git/hooks/pre-commit'
	assert_refused
	assert_absent "$WS/.git/hooks/pre-commit"
}

@test "an existing .git cannot be removed or renamed" {
	git init -q "$WS"
	run paddock_run -- sh -c 'rm -rf .git'
	assert_refused
	run paddock_run -- mv .git moved
	assert_refused
	[ -f "$WS/.git/config" ]
	assert_absent "$WS/moved"
}

@test "files beside an existing .git stay writable" {
	git init -q "$WS"
	run paddock_run -- sh -c 'echo code > main.c'
	assert_status 0
	assert_file_content "$WS/main.c" code
}

@test "git init in a workspace without .git is refused and leaves nothing behind" {
	echo keep >"$WS/README"
	local before
	before=$(list_entries "$WS")

	run paddock_run -- git init
	assert_refused
	assert_absent "$WS/.git/HEAD"
	[ "$(list_entries "$WS")" = "$before" ] ||
		fail "workspace changed: $(list_entries "$WS")"
}

@test "git init works in the same workspace outside the sandbox" {
	run git init -q "$WS"
	assert_status 0
	[ -f "$WS/.git/HEAD" ]
}

@test "placeholders exist during a run and are removed after it" {
	run paddock_run -- ls -A
	assert_status 0
	assert_output_contains .git
	assert_output_contains .agents
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "placeholders are removed when the command fails" {
	run paddock_run -- sh -c 'ls -A; exit 3'
	assert_status 3
	assert_output_contains .git
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "placeholders are removed when the command is killed by SIGKILL" {
	run paddock_run -- sh -c 'ls -A; kill -KILL $$'
	assert_status 137
	assert_output_contains .git
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "placeholders are removed when the command is killed by SIGTERM" {
	run paddock_run -- sh -c 'ls -A; kill -TERM $$'
	assert_status 143
	assert_output_contains .git
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "placeholders are removed after a timeout" {
	run paddock_run -t 1 -- sh -c 'ls -A; sleep 30'
	assert_status 124
	assert_output_contains .git
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "placeholders left by a paddock killed with SIGKILL are removed by the next run" {
	"$PADDOCK" run -- sh -c 'touch ready; exec sleep 30' 3>&- &
	local pid=$!
	wait_for_file "$WS/ready"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	rm "$WS/ready"

	run paddock_run -- true
	assert_status 0
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "a placeholder cannot be opened, and git still finds the repository above" {
	local outer=$BASE/outer
	mkdir -p "$outer/ws"
	git init -q "$outer"
	run paddock_run -C "$outer/ws" -- sh -c '
		cat .claude 2>/dev/null && echo READ
		ls .claude/ 2>/dev/null && echo LISTED
		git -c safe.directory="*" rev-parse --show-toplevel'
	assert_status 0
	[[ "$output" != *READ* && "$output" != *LISTED* ]] ||
		fail "a placeholder could be read: $output"
	assert_output_contains "$outer"
	[ -z "$(list_entries "$outer/ws")" ] ||
		fail "left behind: $(list_entries "$outer/ws")"
}

@test "an empty mode 000 directory left by an earlier paddock is removed" {
	mkdir -m 000 "$WS/.claude"
	run paddock_run -- true
	assert_status 0
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "a file the host puts in place of a placeholder during a run is kept" {
	"$PADDOCK" run -- sh -c 'touch ready; while [ ! -e go ]; do sleep 0.05; done' 3>&- &
	local pid=$!
	wait_for_file "$WS/ready"
	rm "$WS/.claude"
	echo mine >"$WS/.claude"
	touch "$WS/go"
	wait "$pid"
	assert_file_content "$WS/.claude" mine
	rm "$WS/ready" "$WS/go" "$WS/.claude"
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "placeholders are removed from an extra writable root too" {
	mkdir "$BASE/extra"
	run paddock_run -w "$BASE/extra" -- ls -A "$BASE/extra"
	assert_status 0
	assert_output_contains .git
	[ -z "$(list_entries "$BASE/extra")" ] ||
		fail "left behind: $(list_entries "$BASE/extra")"
}

@test "the default protected names cannot be created in the workspace" {
	local name
	for name in "${default_names[@]}"; do
		run paddock_run -- sh -c "mkdir -p $name/x || echo data > $name"
		assert_refused
		assert_absent "$WS/$name"
	done
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "the default protected names cannot be created in an extra writable root" {
	mkdir "$BASE/extra"
	run paddock_run -w "$BASE/extra" -- mkdir "$BASE/extra/.agents"
	assert_refused
	assert_absent "$BASE/extra/.agents"
}

@test "an existing .vscode stays read-only: its settings are unchanged" {
	mkdir "$WS/.vscode"
	echo '{}' >"$WS/.vscode/settings.json"
	local before
	before=$(sha "$WS/.vscode/settings.json")

	run paddock_run -- sh -c 'echo "{\"evil\": 1}" > .vscode/settings.json'
	assert_refused
	run paddock_run -- sh -c 'echo x > .vscode/tasks.json'
	assert_refused
	[ "$(sha "$WS/.vscode/settings.json")" = "$before" ]
	assert_absent "$WS/.vscode/tasks.json"
}

@test "a name that is not protected can be created in the workspace" {
	run paddock_run -- mkdir .hg
	assert_status 0
	[ -d "$WS/.hg" ]
}

@test "--protect NAME adds a protected name that cannot be created" {
	run paddock_run --protect .hg -- mkdir .hg
	assert_refused
	assert_absent "$WS/.hg"
	[ -z "$(list_entries "$WS")" ] ||
		fail "left behind: $(list_entries "$WS")"
}

@test "--protect NAME keeps an existing NAME read-only" {
	mkdir "$WS/.hg"
	echo old >"$WS/.hg/hgrc"
	run paddock_run --protect .hg -- sh -c 'echo new > .hg/hgrc'
	assert_refused
	assert_file_content "$WS/.hg/hgrc" old
}

@test "--protect does not drop the default protected names" {
	run paddock_run --protect .hg -- mkdir .claude
	assert_refused
	assert_absent "$WS/.claude"
}

# A linked worktree: the workspace's .git is a file that points at a git
# directory elsewhere; here that directory lies inside an extra writable
# root, so only the pointer makes it read-only.
make_gitdir_pointer() {
	mkdir -p "$BASE/main/gitdirs/wt"
	echo '[core]' >"$BASE/main/gitdirs/wt/config"
	echo "gitdir: $BASE/main/gitdirs/wt" >"$WS/.git"
}

@test "the directory a gitdir: pointer names is read-only inside" {
	make_gitdir_pointer
	local before
	before=$(sha "$BASE/main/gitdirs/wt/config")

	run paddock_run -w "$BASE/main" -- sh -c "echo x > '$BASE/main/sibling'"
	assert_status 0
	assert_file_content "$BASE/main/sibling" x

	run paddock_run -w "$BASE/main" -- \
		sh -c "echo evil >> '$BASE/main/gitdirs/wt/config'"
	assert_refused
	run paddock_run -w "$BASE/main" -- \
		sh -c "echo x > '$BASE/main/gitdirs/wt/new'"
	assert_refused
	[ "$(sha "$BASE/main/gitdirs/wt/config")" = "$before" ]
	assert_absent "$BASE/main/gitdirs/wt/new"
}

@test "a gitdir: pointer file itself is read-only inside" {
	make_gitdir_pointer
	local before
	before=$(sha "$WS/.git")

	run paddock_run -w "$BASE/main" -- sh -c 'echo "gitdir: /tmp/evil" > .git'
	assert_refused
	run paddock_run -w "$BASE/main" -- rm -f .git
	assert_refused
	[ "$(sha "$WS/.git")" = "$before" ]
}

@test "a .git file naming a missing git directory the command could create is refused (125)" {
	# git would take hooks from whatever the command put there.
	echo "gitdir: $BASE/main/gone.git" >"$WS/.git"
	mkdir -p "$BASE/main"
	run paddock_run -w "$BASE/main" -- touch ran
	assert_status 125
	assert_output_contains "does not exist"
	assert_output_contains "hint:"
	assert_absent ran
	assert_absent "$BASE/main/gone.git"

	# Where the command cannot create it, only the file needs protecting.
	run paddock_run -- touch ran
	assert_status 0
	assert_output_contains "protecting the file only"
	[ -f ran ] || fail "the command did not run"
}

@test "a protected name that is a symbolic link is a paddock failure (125) and nothing runs" {
	mkdir "$OUTSIDE/target"
	ln -s "$OUTSIDE/target" "$WS/.claude"
	run paddock_run -- touch marker
	assert_status 125
	assert_output_contains .claude
	assert_absent "$WS/marker"
	assert_absent "$OUTSIDE/target/marker"
}
