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
