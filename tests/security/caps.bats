#!/usr/bin/env bats
# Privileges: the command has no capability, even when paddock runs as
# root, and a setuid binary grants none (no_new_privs).

load helpers

setup() {
	common_setup
	require_sandbox
	build_prog probe
}

cap() {
	awk -v k="$1:" '$1 == k {print $2}' <<<"$output"
}

@test "the command has no capabilities: CapEff, CapPrm, CapBnd, CapAmb all zero" {
	run paddock_run -- "$BIN/probe" ids
	assert_status 0
	[ "$(cap CapEff)" = 0000000000000000 ] || fail "$output"
	[ "$(cap CapPrm)" = 0000000000000000 ] || fail "$output"
	[ "$(cap CapBnd)" = 0000000000000000 ] || fail "$output"
	[ "$(cap CapAmb)" = 0000000000000000 ] || fail "$output"
	assert_output_contains "euid=$(id -u)"
}

@test "namespace-free mode: no effective or permitted capability (bounding set empty for root)" {
	require_landlock_mode
	run paddock_run --isolation=landlock -- "$BIN/probe" ids
	assert_status 0
	[ "$(cap CapEff)" = 0000000000000000 ] || fail "$output"
	[ "$(cap CapPrm)" = 0000000000000000 ] || fail "$output"
	if is_root; then
		[ "$(cap CapBnd)" = 0000000000000000 ] || fail "$output"
	fi
}

@test "a setuid binary does not change the effective uid (both modes)" {
	local binary expect_outside
	if is_root; then
		# root: a copy of id, setuid to nobody.
		binary="$BIN/setuid-id"
		cp "$(command -v id)" "$binary"
		chown 65534 "$binary"
		chmod 4755 "$binary"
		expect_outside=65534
	elif [ -n "${PADDOCK_SETUID_ID:-}" ]; then
		# unprivileged: a setuid-root copy of id made by as-unprivileged.sh.
		binary=$PADDOCK_SETUID_ID
		expect_outside=0
	else
		skip "no setuid-root binary: run as root, or through as-unprivileged.sh"
	fi
	# Control: outside the sandbox the setuid bit takes effect.
	run "$binary" -u
	[ "$status" -eq 0 ] && [ "$output" = "$expect_outside" ] ||
		skip "the setuid bit has no effect outside either (nosuid?): $output"

	run paddock_run -- "$binary" -u
	assert_status 0
	[ "$output" = "$(id -u)" ] || fail "euid became: $output"
	if "$PADDOCK" check 2>&1 | grep -q '^namespace-free mode: *available'; then
		# Only stdout: with host sockets bound, this mode warns on
		# stderr that they stay reachable.
		run --separate-stderr paddock_run --isolation=landlock -- "$binary" -u
		assert_status 0
		[ "$output" = "$(id -u)" ] ||
			fail "euid became (namespace-free mode): $output"
	fi
}
