# Shared by the bats suites (tests/integration, tests/security): the
# binary under test and the assertions both use. Each suite's helpers.bash
# sources this file, then adds its own set-up.

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

assert_absent() {
	[ ! -e "$1" ] && [ ! -L "$1" ] || fail "expected $1 not to exist"
}

# The file $1 exists and holds exactly $2.
assert_file_content() {
	[ -f "$1" ] || fail "expected file $1 to exist"
	local got
	got=$(cat "$1")
	[ "$got" = "$2" ] || fail "$1 holds '$got', expected '$2'"
}

assert_output_contains() {
	case "$output" in
	*"$1"*) return 0 ;;
	esac
	fail "output does not contain '$1': $output"
}

# The last `run` ended with status $1.
assert_status() {
	[ "$status" -eq "$1" ] ||
		fail "exit status $status, expected $1; output: $output"
}

# Every entry of directory $1, hidden ones included, one a line.
list_entries() {
	ls -A1 "$1"
}

# The path of helper program $1 (tests/helpers), or nothing. The caller's
# run names each in PADDOCK_HELPERS; the unprivileged run gets copies in
# PADDOCK_HELPERS_DIR (tests/lib/as-unprivileged.sh).
helper_path() {
	local f
	if [ -n "${PADDOCK_HELPERS_DIR:-}" ] && [ -x "$PADDOCK_HELPERS_DIR/$1" ]; then
		echo "$PADDOCK_HELPERS_DIR/$1"
		return
	fi
	for f in ${PADDOCK_HELPERS:-}; do
		[ "${f##*/}" != "$1" ] || { echo "$f"; return; }
	done
}

# The pathname Unix sockets bound on the host (in this network namespace)
# that exist as sockets, one a line: what paddock covers in full isolation
# and warns about without namespaces.
host_pathname_sockets() {
	local path
	awk 'NR > 1 && $8 ~ /^\// { print $8 }' /proc/net/unix | sort -u |
		while read -r path; do
			[ -S "$path" ] && echo "$path"
		done
	return 0
}

# paddock run with the given options and command, in the current directory.
paddock_run() {
	"$PADDOCK" run "$@"
}

# Skip (with the reason) when this machine cannot enforce the policy at all,
# as paddock check reports it; never let the suite pass silently there.
require_sandbox() {
	local out

	if ! out=$("$PADDOCK" check 2>&1); then
		skip "paddock cannot enforce the policy here: $(echo "$out" | tail -n 1)"
	fi
}

sha() {
	sha256sum "$1" | cut -d' ' -f1
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

# Create this test's $BASE with $WS and $OUTSIDE in it, named PREFIX.XXXXXX
# under $PADDOCK_TEST_BASE (default $HOME), never under a temporary
# directory: the sandbox may write there, which would hide a write that
# should have been refused.
make_test_base() {
	local base_parent="${PADDOCK_TEST_BASE:-$HOME}"

	[ -d "$base_parent" ] && [ -w "$base_parent" ] ||
		fail "test base '$base_parent' is not a writable directory; set PADDOCK_TEST_BASE"
	base_parent=$(cd "$base_parent" && pwd -P)
	if path_is_under "$base_parent" /tmp ||
		{ [ -n "${TMPDIR:-}" ] && path_is_under "$base_parent" "$TMPDIR"; }; then
		fail "test base '$base_parent' is under a temporary directory, which the sandbox may write; set PADDOCK_TEST_BASE elsewhere"
	fi
	BASE=$(mktemp -d "$base_parent/$1.XXXXXX")
	WS="$BASE/ws"
	OUTSIDE="$BASE/outside"
	mkdir "$WS" "$OUTSIDE"
}

# Remove $BASE, whatever modes the test left in it.
remove_test_base() {
	if [ -n "${BASE:-}" ] && [ -d "$BASE" ]; then
		chmod -R u+rwX "$BASE" 2>/dev/null || true
		rm -rf "$BASE"
	fi
}
