# Shared set-up for the integration tests: every test drives the real
# paddock binary ($PADDOCK) in a fresh workspace, and checks the disk
# afterwards.
#
# Layout of one test, all under a fresh directory that is NOT under /tmp
# (the default policy makes /tmp writable, which would hide a write that
# should have been refused):
#
#   $BASE/ws        the workspace, the command's working directory
#   $BASE/outside   a directory the test user may write, but the sandbox
#                   may not (unless a test says otherwise)
#
# $PADDOCK_TEST_BASE chooses where $BASE is created (default: $HOME).

bats_require_minimum_version 1.5.0

if [ -z "${PADDOCK:-}" ]; then
	echo "PADDOCK is not set: point it at the paddock binary," \
		"e.g. PADDOCK=build/paddock bats tests/integration" >&2
	exit 1
fi
# The tests change directory: make the path absolute once.
case "$PADDOCK" in
/*) ;;
*/*) PADDOCK="$(cd "$(dirname "$PADDOCK")" && pwd -P)/${PADDOCK##*/}" ;;
*) PADDOCK=$(command -v "$PADDOCK") || PADDOCK= ;;
esac
if [ ! -x "$PADDOCK" ]; then
	echo "PADDOCK=$PADDOCK is not an executable file" >&2
	exit 1
fi

# Fail the test with a message on stderr (shown by bats on failure).
fail() {
	echo "$*" >&2
	return 1
}

# Is $1 at or below directory $2?
path_is_under() {
	case "$1/" in
	"${2%/}"/*) return 0 ;;
	*) return 1 ;;
	esac
}

common_setup() {
	local base_parent="${PADDOCK_TEST_BASE:-$HOME}"

	[ -d "$base_parent" ] && [ -w "$base_parent" ] ||
		fail "test base '$base_parent' is not a writable directory; set PADDOCK_TEST_BASE"
	base_parent=$(cd "$base_parent" && pwd -P)
	if path_is_under "$base_parent" /tmp ||
		{ [ -n "${TMPDIR:-}" ] && path_is_under "$base_parent" "$TMPDIR"; }; then
		fail "test base '$base_parent' is under a temporary directory, which the sandbox may write; set PADDOCK_TEST_BASE elsewhere"
	fi
	BASE=$(mktemp -d "$base_parent/paddock-test.XXXXXX")
	WS="$BASE/ws"
	OUTSIDE="$BASE/outside"
	mkdir "$WS" "$OUTSIDE"
	cd "$WS"
	# A marker unique to this test, for files in /tmp and for pgrep.
	MARK="paddock-it-$$-$RANDOM-$BATS_TEST_NUMBER"
}

common_teardown() {
	cd /
	if [ -n "${BASE:-}" ] && [ -d "$BASE" ]; then
		chmod -R u+rwX "$BASE" 2>/dev/null || true
		rm -rf "$BASE"
	fi
	rm -f /tmp/"$MARK"*
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# Skip (with the reason) when this machine cannot enforce the policy at all,
# as paddock check reports it; never let the suite pass silently there.
require_sandbox() {
	local out

	if ! out=$("$PADDOCK" check 2>&1); then
		skip "paddock cannot enforce the policy here: $(echo "$out" | tail -n 1)"
	fi
}

# paddock run with the given options and command, in the current directory.
paddock_run() {
	"$PADDOCK" run "$@"
}

# Prove that the test user can write directory $1 outside the sandbox, so
# that a refusal inside means something.
assert_writable_outside() {
	local probe="$1/.probe-$MARK"

	: >"$probe" || fail "$1 is not writable outside the sandbox either"
	rm -f "$probe"
}

# The file $1 exists and holds exactly $2.
assert_file_content() {
	[ -f "$1" ] || fail "expected file $1 to exist"
	local got
	got=$(cat "$1")
	[ "$got" = "$2" ] || fail "$1 holds '$got', expected '$2'"
}

assert_absent() {
	[ ! -e "$1" ] && [ ! -L "$1" ] || fail "expected $1 not to exist"
}

# The last `run` ended with status $1.
assert_status() {
	[ "$status" -eq "$1" ] ||
		fail "exit status $status, expected $1; output: $output"
}

# The last `run` failed, but not because paddock itself failed: the
# command ran and was refused by the sandbox.
assert_refused() {
	[ "$status" -ne 0 ] || fail "expected the command to fail; it succeeded"
	[ "$status" -ne 125 ] || fail "paddock failed (125) instead of running the command: $output"
}

assert_output_contains() {
	case "$output" in
	*"$1"*) return 0 ;;
	esac
	fail "output does not contain '$1': $output"
}

# Every entry of directory $1, hidden ones included, one a line.
list_entries() {
	ls -A1 "$1"
}

# Wait up to $2 seconds (default 5) for file $1 to appear.
wait_for_file() {
	local tries=$(( ${2:-5} * 20 ))

	while [ ! -e "$1" ] && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -e "$1" ] || fail "timed out waiting for $1"
}

# No process whose command line contains $1 is left.
assert_no_process() {
	local pids

	if pids=$(pgrep -f -- "$1"); then
		fail "processes still running with '$1': $pids"
	fi
}

sha() {
	sha256sum "$1" | cut -d' ' -f1
}
