# Shared set-up for the escape attempts: every test drives the real paddock
# binary ($PADDOCK) in a fresh workspace, tries one way out, and checks both
# the answer the command got and the host's state afterwards.
#
# Adapted from tests/integration/helpers.bash (same layout, same rules):
#
#   $BASE/ws        the workspace, the command's working directory
#   $BASE/outside   a directory the test user may write, but the sandbox
#                   may not
#   $BASE/bin       helper programs compiled for this test (progs/)
#
# $BASE is NOT under /tmp: the default policy makes /tmp writable, which
# would hide a write that should have been refused. $PADDOCK_TEST_BASE
# chooses where it is created (default: $HOME).

# The binary under test and the shared assertions.
source "$BATS_TEST_DIRNAME/../lib/common.bash"

PROGS="$(cd "$BATS_TEST_DIRNAME/progs" && pwd -P)"
# The system's python, not a per-user shim: the sandboxed command must be
# able to run it whoever the caller is.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=$(command -v python3 || true)

common_setup() {
	make_test_base paddock-sec
	BIN="$BASE/bin"
	mkdir "$BIN"
	chmod 755 "$BASE"
	echo original >"$OUTSIDE/file"
	cd "$WS"
	MARK="paddock-sec-$$-$RANDOM-$BATS_TEST_NUMBER"
	HOST_PIDS=()
}

common_teardown() {
	local pid

	for pid in "${HOST_PIDS[@]}"; do
		kill -9 "$pid" 2>/dev/null || true
	done
	cd /
	remove_test_base
	rm -rf /tmp/"$MARK"*
}

setup() {
	common_setup
	require_sandbox
}

teardown() {
	common_teardown
}

# Skip unless the namespace-free mode is usable here.
require_landlock_mode() {
	"$PADDOCK" check 2>&1 | grep -q '^namespace-free mode: *available' ||
		skip "the namespace-free mode is not available on this machine"
}

require_tool() {
	command -v "$1" >/dev/null 2>&1 || skip "'$1' is not installed"
}

is_root() {
	[ "$(id -u)" -eq 0 ]
}

# Compile progs/NAME.c into $BIN/NAME.
build_prog() {
	cc -O1 -Wall -o "$BIN/$1" "$PROGS/$1.c" ||
		fail "cannot compile $PROGS/$1.c"
}

# Start a host process (outside the sandbox) that the test kills in its
# teardown; its pid is in $HOST_PID.
start_host() {
	"$@" &
	HOST_PID=$!
	HOST_PIDS+=("$HOST_PID")
}

# A host sleep that must survive whatever the sandboxed command does.
start_host_sleep() {
	start_host sleep 300
	SLEEP_PID=$HOST_PID
}

assert_alive() {
	kill -0 "$1" 2>/dev/null || fail "host process $1 was killed"
	[ "$(cat "/proc/$1/stat" 2>/dev/null | cut -d' ' -f3)" != Z ] ||
		fail "host process $1 is a zombie: it was killed"
}

# Start progs/server.py on the host with the given endpoints; the ports
# actually bound (or the endpoints) land in the array SERVER, in order.
start_server() {
	local ready="$BASE/server.ready"

	start_host "$PYTHON" "$PROGS/server.py" "$ready" "$@"
	wait_for_file "$ready"
	mapfile -t SERVER <"$ready"
}

# The host itself can connect: proves a refusal inside means something.
assert_host_connects() {
	run "$PYTHON" "$PROGS/connect.py" "$@"
	[ "$output" = connected ] ||
		fail "the host cannot connect to $* either: $output"
}

# The command ran (paddock did not fail) and was refused.
assert_refused() {
	[ "$status" -ne 0 ] || fail "expected the command to fail; it succeeded: $output"
	[ "$status" -ne 125 ] || fail "paddock failed (125) instead of running the command: $output"
}

refute_output_contains() {
	case "$output" in
	*"$1"*) fail "output contains '$1': $output" ;;
	esac
	return 0
}

# The last run printed exactly $1 as its last line and exited with $2.
assert_answer() {
	local last="${lines[${#lines[@]} - 1]:-}"

	[ "$last" = "$1" ] && [ "$status" -eq "$2" ] ||
		fail "expected '$1' and status $2, got '$last' and status $status; output: $output"
}

# A fingerprint of a whole tree: names, modes, owners, sizes, times and
# contents, so that any change to it shows.
tree_state() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# A git repository in $1 with one commit, created outside the sandbox.
make_repo() {
	git init -q "$1"
	git -C "$1" -c user.name=t -c user.email=t@example.invalid \
		commit -q --allow-empty -m init
}
