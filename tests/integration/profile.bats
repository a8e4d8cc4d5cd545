#!/usr/bin/env bats
# Profile files (-p FILE): each directive has the effect of its option;
# comments and blank lines are ignored; relative paths are taken from the
# profile's own directory; a bad line is reported as FILE:LINE: message with
# exit 125, and then nothing runs.

load helpers

setup() {
	common_setup
	require_sandbox
	PROFILE="$BASE/profile"
}

# Write the profile from stdin.
profile() {
	cat >"$PROFILE"
}

# A bad profile was reported at line $1 and nothing ran.
assert_profile_error_at() {
	assert_status 125
	[[ "$stderr" == *"paddock: $PROFILE:$1: "* ]] ||
		fail "expected '$PROFILE:$1: message' on stderr, got: $stderr"
	assert_absent "$WS/marker"
}

@test "a profile's write directive makes a directory writable" {
	mkdir "$BASE/extra"
	profile <<-EOF
		# an extra writable root

		write $BASE/extra
	EOF
	run paddock_run -p "$PROFILE" -- sh -c "echo via-profile > '$BASE/extra/f'"
	assert_status 0
	assert_file_content "$BASE/extra/f" via-profile
}

@test "without the write directive the same write is refused" {
	mkdir "$BASE/extra"
	assert_writable_outside "$BASE/extra"
	profile <<-EOF
		# write $BASE/extra is commented out
	EOF
	run paddock_run -p "$PROFILE" -- sh -c "echo via-profile > '$BASE/extra/f'"
	assert_refused
	assert_absent "$BASE/extra/f"
}

@test "a relative write path is taken from the profile's directory" {
	mkdir "$BASE/extra"
	profile <<-EOF
		write extra
	EOF
	run paddock_run -p "$PROFILE" -- sh -c "echo rel > '$BASE/extra/f'"
	assert_status 0
	assert_file_content "$BASE/extra/f" rel
}

@test "a profile's sandbox read-only refuses a workspace write" {
	profile <<-EOF
		sandbox read-only
	EOF
	run paddock_run -p "$PROFILE" -- sh -c 'echo x > f'
	assert_refused
	assert_absent "$WS/f"
}

@test "a profile's sandbox full-access allows a write outside" {
	profile <<-EOF
		sandbox full-access
	EOF
	run paddock_run -p "$PROFILE" -- sh -c "echo x > '$OUTSIDE/f'"
	assert_status 0
	assert_file_content "$OUTSIDE/f" x
}

@test "a profile's no-tmp makes /tmp read-only" {
	assert_writable_outside /tmp
	profile <<-EOF
		no-tmp
	EOF
	run paddock_run -p "$PROFILE" -- sh -c "echo x > /tmp/$MARK"
	assert_refused
	assert_absent "/tmp/$MARK"
}

@test "a profile's protect directive adds a protected name" {
	profile <<-EOF
		protect .hg
	EOF
	run paddock_run -p "$PROFILE" -- mkdir .hg
	assert_refused
	assert_absent "$WS/.hg"
}

@test "a profile's deny-read directive hides a file" {
	echo secret >"$OUTSIDE/token"
	profile <<-EOF
		deny-read $OUTSIDE/token
	EOF
	run paddock_run -p "$PROFILE" -- cat "$OUTSIDE/token"
	assert_refused
	[[ "$output" != *secret* ]]
}

@test "a profile's cd directive sets the workspace" {
	mkdir "$BASE/other"
	profile <<-EOF
		cd $BASE/other
	EOF
	run paddock_run -p "$PROFILE" -- sh -c 'echo here > f'
	assert_status 0
	assert_file_content "$BASE/other/f" here
	assert_absent "$WS/f"
}

@test "a profile's timeout directive kills the command" {
	profile <<-EOF
		timeout 1
	EOF
	run paddock_run -p "$PROFILE" -- sleep 30
	assert_status 124
}

@test "a value keeps inner spaces and loses surrounding blanks" {
	mkdir "$BASE/with space"
	printf 'write   %s  \t\n' "$BASE/with space" >"$PROFILE"
	run paddock_run -p "$PROFILE" -- sh -c "echo sp > '$BASE/with space/f'"
	assert_status 0
	assert_file_content "$BASE/with space/f" sp
}

@test "an unknown directive is reported as FILE:LINE and nothing runs" {
	profile <<-EOF
		# line 1 is a comment

		frobnicate yes
	EOF
	run --separate-stderr paddock_run -p "$PROFILE" -- touch marker
	assert_profile_error_at 3
}

@test "a bad sandbox value is reported with its line and nothing runs" {
	profile <<-EOF
		no-tmp
		sandbox bogus
	EOF
	run --separate-stderr paddock_run -p "$PROFILE" -- touch marker
	assert_profile_error_at 2
}

@test "a bad network value is reported with its line and nothing runs" {
	profile <<-EOF
		network sometimes
	EOF
	run --separate-stderr paddock_run -p "$PROFILE" -- touch marker
	assert_profile_error_at 1
}

@test "a directive missing its value is reported with its line" {
	profile <<-EOF
		# comment
		write
	EOF
	run --separate-stderr paddock_run -p "$PROFILE" -- touch marker
	assert_profile_error_at 2
}

@test "a value given to no-tmp is reported with its line" {
	profile <<-EOF
		no-tmp please
	EOF
	run --separate-stderr paddock_run -p "$PROFILE" -- touch marker
	assert_profile_error_at 1
}

@test "a bad protected name in a profile is reported with its line" {
	profile <<-EOF
		protect a/b
	EOF
	run --separate-stderr paddock_run -p "$PROFILE" -- touch marker
	assert_profile_error_at 1
}

@test "a missing profile file fails with 125 and nothing runs" {
	run --separate-stderr paddock_run -p "$BASE/no-such-profile" -- touch marker
	assert_status 125
	[[ "$stderr" == *no-such-profile* ]] || fail "stderr: $stderr"
	assert_absent "$WS/marker"
}

@test "a profile that is a directory fails with 125 and nothing runs" {
	run --separate-stderr paddock_run -p "$BASE" -- touch marker
	assert_status 125
	assert_absent "$WS/marker"
}
