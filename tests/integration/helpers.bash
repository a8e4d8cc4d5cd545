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

# The binary under test and the shared assertions.
source "$BATS_TEST_DIRNAME/../lib/common.bash"

common_setup() {
	make_test_base paddock-test
	cd "$WS"
	# A marker unique to this test, for files in /tmp and for pgrep.
	MARK="paddock-it-$$-$RANDOM-$BATS_TEST_NUMBER"
}

common_teardown() {
	cd /
	remove_test_base
	rm -f /tmp/"$MARK"*
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# Prove that the test user can write directory $1 outside the sandbox, so
# that a refusal inside means something.
assert_writable_outside() {
	local probe="$1/.probe-$MARK"

	: >"$probe" || fail "$1 is not writable outside the sandbox either"
	rm -f "$probe"
}

# The last `run` failed, but not because paddock itself failed: the
# command ran and was refused by the sandbox.
assert_refused() {
	[ "$status" -ne 0 ] || fail "expected the command to fail; it succeeded"
	[ "$status" -ne 125 ] || fail "paddock failed (125) instead of running the command: $output"
}

# No process whose command line contains $1 is left.
assert_no_process() {
	local pids

	if pids=$(pgrep -f -- "$1"); then
		fail "processes still running with '$1': $pids"
	fi
}

