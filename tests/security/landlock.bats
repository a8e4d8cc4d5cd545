#!/usr/bin/env bats
# The namespace-free mode (--isolation=landlock): Landlock, seccomp and
# no_new_privs only. The top level of each writable root is frozen so that
# protected names stay read-only; $TMPDIR is a private directory.

load helpers

setup() {
	common_setup
	require_sandbox
	require_landlock_mode
	make_repo "$WS"
	mkdir "$WS/sub"
	GIT_BEFORE=$(tree_state "$WS/.git")
}

ll_run() {
	run paddock_run --isolation=landlock "$@"
}

@test "namespace-free: writing inside an existing subdirectory works" {
	ll_run -- sh -c 'echo a > sub/a && mkdir sub/d && echo b > sub/d/b'
	assert_status 0
	assert_file_content "$WS/sub/a" a
	assert_file_content "$WS/sub/d/b" b
}

@test "namespace-free: creating a new entry at the top of the workspace is refused" {
	ll_run -- sh -c 'echo x > newtop || mkdir newdir || ln -s /x newlink'
	assert_refused
	assert_output_contains "Permission denied"
	[ "$(list_entries "$WS")" = "$(printf '.git\nsub')" ] ||
		fail "workspace changed: $(list_entries "$WS")"
}

@test "namespace-free: .git cannot be written, replaced or removed" {
	ll_run -- sh -c '
		echo x >> .git/config && echo wrote1
		echo "#!/bin/sh" > .git/hooks/pre-commit && echo wrote2
		mv .git sub/old && echo wrote3
		rm -rf .git 2>/dev/null; [ -d .git ] || echo wrote4
		exit 0'
	assert_status 0
	refute_output_contains wrote
	[ "$(tree_state "$WS/.git")" = "$GIT_BEFORE" ] || fail ".git changed"
	assert_absent "$WS/sub/old"
}

@test "namespace-free: writing outside the roots, a hard link and a symlink out are refused" {
	ll_run -- sh -c '
		echo pwned > "$1/file" && echo wrote1
		ln "$1/file" sub/link && echo wrote2
		ln -s "$1/file" sub/sym && echo pwned > sub/sym && echo wrote3
		exit 0' sh "$OUTSIDE"
	assert_status 0
	refute_output_contains wrote
	assert_file_content "$OUTSIDE/file" original
	[ "$(list_entries "$OUTSIDE")" = file ]
}

@test "namespace-free: \$TMPDIR is a private directory that works and is gone after the run" {
	# stdout only: with host sockets bound, paddock warns on stderr.
	run --separate-stderr paddock_run --isolation=landlock -- sh -c 'echo t > "$TMPDIR/t" && cat "$TMPDIR/t" && echo "$TMPDIR"; echo x > "/tmp/$1" && echo wrote; exit 0' sh "$MARK"
	assert_status 0
	[ "${lines[0]}" = t ] || fail "$output"
	local tmp="${lines[1]}"
	case "$tmp" in
	*/paddock-tmp.*) ;;
	*) fail "TMPDIR is not private: $tmp" ;;
	esac
	assert_absent "$tmp"
	refute_output_contains wrote
	assert_absent "/tmp/$MARK"
}

@test "namespace-free: network off refuses even the sandbox's own loopback" {
	ll_run -- "$PYTHON" -c '
import errno, socket
try:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    c = socket.socket()
    c.connect(s.getsockname())
    print("connected")
except OSError as e:
    print(errno.errorcode[e.errno])'
	assert_answer EAFNOSUPPORT 0
}

@test "namespace-free: a background process is killed when the command ends" {
	ll_run -- sh -c 'sleep 300 & echo $! > sub/bg; exit 0'
	assert_status 0
	local pid
	pid=$(cat "$WS/sub/bg")
	sleep 0.2
	if kill -0 "$pid" 2>/dev/null && grep -q sleep "/proc/$pid/cmdline"; then
		kill -9 "$pid"
		fail "background process $pid outlived the run"
	fi
}

@test "namespace-free: a timeout kills the whole tree, not only the supervisor" {
	ll_run -t 1 -- sh -c 'sleep 300 & echo $! > sub/bg; echo $$ > sub/sh; sleep 300'
	assert_status 124
	local pid
	sleep 0.2
	for pid in $(cat "$WS/sub/bg" "$WS/sub/sh"); do
		if kill -0 "$pid" 2>/dev/null; then
			kill -9 "$pid"
			fail "process $pid outlived the timeout"
		fi
	done
}

@test "namespace-free: paddock killed with SIGKILL takes the tree and the private TMPDIR with it" {
	"$PADDOCK" run --isolation=landlock -- sh -c 'echo "$TMPDIR" > sub/tmp; echo $$ > sub/sh; sleep 300' &
	local paddock=$! pid="" i
	for i in $(seq 50); do
		[ -s "$WS/sub/sh" ] && break
		sleep 0.1
	done
	pid=$(cat "$WS/sub/sh")
	[ -n "$pid" ] || fail "the command never started"
	kill -9 "$paddock"
	wait "$paddock" || true
	for i in $(seq 20); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		fail "the command outlived paddock"
	fi
	# The supervisor removes the private $TMPDIR, as paddock would have.
	assert_absent "$(cat "$WS/sub/tmp")"
}

@test "namespace-free: --deny-read is refused with 125" {
	echo secret >"$OUTSIDE/key"
	ll_run --deny-read "$OUTSIDE/key" -- sh -c 'cat "$1"; echo ran > sub/ran' sh "$OUTSIDE/key"
	assert_status 125
	assert_output_contains "deny-read paths need the mount namespace"
	refute_output_contains secret
	assert_absent "$WS/sub/ran"
}
