#!/usr/bin/env bats
# paddock inside paddock, and inside bubblewrap: it either works or fails
# clearly. Inside paddock the outer seccomp filter refuses user namespaces,
# so the inner one falls back to the namespace-free mode and says so.

load helpers

@test "paddock inside paddock confines, in the namespace-free mode, and says so" {
	mkdir sub
	run --separate-stderr "$PADDOCK" run -- "$PADDOCK" run -- sh -c \
		"echo in > sub/in.txt; echo out > '$OUTSIDE/out.txt'; exit 0"

	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$stderr" == *"using Landlock without namespaces"* ]] ||
		fail "no fallback warning: $stderr"
	[ "$(cat sub/in.txt)" = in ]
	[ ! -e "$OUTSIDE/out.txt" ] || fail "the inner sandbox wrote outside"
}

@test "paddock inside paddock with --isolation=namespaces fails clearly" {
	run --separate-stderr "$PADDOCK" run -- "$PADDOCK" run \
		--isolation=namespaces -- touch marker

	[ "$status" -eq 125 ]
	[[ "$stderr" == *"user namespace"* ]] || fail "stderr: $stderr"
	[[ "$stderr" == *"hint: "*"outer paddock"* ]] || fail "no hint: $stderr"
	[ ! -e marker ]
}

@test "paddock inside bubblewrap works and confines" {
	command -v bwrap >/dev/null || skip "bubblewrap is not installed"
	# Inside bubblewrap a fresh /proc may be refused, and paddock then
	# uses the namespace-free mode, whose workspace top level is frozen:
	# write into a subdirectory, which both modes allow.
	mkdir sub
	run --separate-stderr bwrap --ro-bind / / --dev /dev --proc /proc \
		--bind "$BASE" "$BASE" --bind /tmp /tmp --unshare-user \
		--unshare-pid --chdir "$WS" \
		"$PADDOCK" run -- sh -c \
		"echo in > sub/in.txt; echo out > '$OUTSIDE/out.txt'; exit 0"

	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$(cat sub/in.txt)" = in ]
	[ ! -e "$OUTSIDE/out.txt" ] || fail "paddock inside bwrap wrote outside"
}

# With --allow-userns a nested sandbox gets its namespaces back. For root the
# kernel (5.12+) refuses to map uid 0 into a new namespace without
# CAP_SETFCAP, which the sandbox drops, so these run unprivileged only.
@test "with --allow-userns, paddock inside paddock keeps full isolation (unprivileged)" {
	[ "$(id -u)" -ne 0 ] || skip "root's nested uid 0 map needs CAP_SETFCAP, which the sandbox drops"
	run --separate-stderr "$PADDOCK" run --allow-userns -- "$PADDOCK" run -- \
		sh -c "echo in > in.txt; echo out > '$OUTSIDE/out.txt'; exit 0"

	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$stderr" == *"Landlock's file-system layer is off"* ]] ||
		fail "the outer sandbox did not say what --allow-userns drops: $stderr"
	[[ "$stderr" != *"using Landlock without namespaces"* ]] ||
		fail "the inner paddock fell back: $stderr"
	[ "$(cat in.txt)" = in ]
	[ ! -e "$OUTSIDE/out.txt" ] || fail "the nested sandbox wrote outside"
}

@test "with --allow-userns, bubblewrap runs inside paddock (unprivileged); without it, it cannot" {
	command -v bwrap >/dev/null || skip "bubblewrap is not installed"
	[ "$(id -u)" -ne 0 ] || skip "root's nested uid 0 map needs CAP_SETFCAP, which the sandbox drops"
	run "$PADDOCK" run -- bwrap --ro-bind / / --dev /dev --proc /proc \
		--unshare-user --unshare-pid true
	[ "$status" -ne 0 ] || fail "bubblewrap created a user namespace without --allow-userns"

	run "$PADDOCK" run --allow-userns -- bwrap --ro-bind / / --dev /dev \
		--proc /proc --unshare-user --unshare-pid true
	[ "$status" -eq 0 ] || fail "status $status: $output"
}
