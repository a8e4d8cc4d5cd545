#!/usr/bin/env bats
# Time of check against time of use: while paddock starts, the host swaps
# the workspace's .git between a real directory and a symlink to an outside
# directory, atomically (renameat2 RENAME_EXCHANGE), in a tight loop. Each
# run must either refuse (125) or enforce; never write outside, and never
# bind the symlink's target (the outside directory) in place of .git. The
# name .git itself may well show the outside directory during a run: the
# host keeps swapping the names in the shared workspace after the start,
# which is not paddock following the link; the mount table says what
# paddock bound.

load helpers

RUNS=50

@test "swapping .git between a directory and a symlink while paddock starts never lets a write through" {
	make_repo "$WS"
	echo marker >"$OUTSIDE/outside-marker"
	ln -s "$OUTSIDE" "$WS/swap"
	local git_before out_before
	git_before=$(tree_state "$WS/.git")
	out_before=$(tree_state "$OUTSIDE")

	start_host "$PYTHON" -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
os.chdir(sys.argv[1])
while True:
    libc.renameat2(AT_FDCWD, b".git", AT_FDCWD, b"swap", RENAME_EXCHANGE)
' "$WS"

	local i refused=0 enforced=0
	for ((i = 0; i < RUNS; i++)); do
		run paddock_run -- sh -c '
			awk "{print \"root=\" \$4}" /proc/self/mountinfo
			echo x >> .git/config && echo WROTE1
			echo x > .git/pwned && echo WROTE2
			echo x > swap/pwned && echo WROTE3
			exit 0'
		case "$status" in
		125) refused=$((refused + 1)) ;;
		0) enforced=$((enforced + 1)) ;;
		*) fail "run $i: unexpected status $status: $output" ;;
		esac
		refute_output_contains WROTE
		refute_output_contains "root=${OUTSIDE#/}"
		refute_output_contains "/$(basename "$BASE")/outside"$'\n'
	done
	kill -9 "$HOST_PID"
	wait "$HOST_PID" 2>/dev/null || true
	[ -d "$WS/.git" ] && [ ! -L "$WS/.git" ] || {
		mv -T "$WS/.git" "$WS/tmp-swap" && mv -T "$WS/swap" "$WS/.git" &&
			mv -T "$WS/tmp-swap" "$WS/swap"
	}
	echo "# $refused refused, $enforced enforced" >&3

	[ "$(tree_state "$WS/.git")" = "$git_before" ] || fail ".git changed"
	[ "$(tree_state "$OUTSIDE")" = "$out_before" ] || fail "$OUTSIDE changed"
	[ -z "$(find "$OUTSIDE" -name pwned)" ]
}
