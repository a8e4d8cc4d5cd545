#!/usr/bin/env bash
# Show, with real commands, what `paddock run` allows and refuses under its
# default policy. Usage: tools/demo.sh [PATH_TO_PADDOCK]
#
# Exits 1 when any outcome differs from what the policy promises.
#
# The directories live under $HOME (or the build directory), not under /tmp:
# the default policy keeps /tmp writable, so a "write outside the workspace"
# into /tmp would rightly succeed and prove nothing.
set -euo pipefail

paddock=$(realpath "${1:-build/paddock}")
[ -x "$paddock" ] || {
	echo "demo: no paddock binary at $paddock (run 'make build')" >&2
	exit 1
}

base=${HOME:-}
if [ -z "$base" ] || [ ! -w "$base" ]; then
	base=$(dirname "$paddock")
fi
workspace=$(mktemp -d "$base/paddock-demo.XXXXXX")
outside=$(mktemp -d "$base/paddock-demo-outside.XXXXXX")
server_pid=
cleanup() {
	[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
	rm -rf "$workspace" "$outside"
}
trap cleanup EXIT

failures=0
pass() { printf '\342\234\224 %s: %s\n' "$1" "$2"; }
fail() {
	printf '\342\234\230 %s: %s\n' "$1" "$2"
	failures=$((failures + 1))
}

# Run a shell snippet in the sandbox, with the workspace as working directory.
# Prints the reason in the command's error message (the text after its last
# ": ") and returns the command's exit status.
sandboxed() {
	local err status=0
	err=$(cd "$workspace" && "$paddock" run -- sh -c "$1" 2>&1 >/dev/null) ||
		status=$?
	printf '%s' "${err##*: }"
	return "$status"
}

# expect_allowed WHAT SNIPPET FILE: the snippet succeeds and FILE exists.
expect_allowed() {
	local why
	if why=$(sandboxed "$2") && [ -f "$3" ]; then
		pass "$1" "allowed"
	else
		fail "$1" "expected allowed, got refused (${why:-file missing})"
	fi
}

# expect_refused WHAT SNIPPET FILE: the snippet fails and FILE does not exist.
expect_refused() {
	local why
	if why=$(sandboxed "$2"); then
		fail "$1" "expected refused, but the write succeeded"
	elif [ -e "$3" ]; then
		fail "$1" "expected refused, but $3 exists"
	else
		pass "$1" "refused (${why:-exit status non-zero})"
	fi
}

git -C "$workspace" init -q
echo "paddock demo: workspace $workspace"
echo

expect_allowed "write inside the workspace" \
	"echo hello > inside.txt" "$workspace/inside.txt"
expect_refused "write outside the workspace" \
	"echo hello > '$outside/outside.txt'" "$outside/outside.txt"
expect_refused "write into .git (hooks run outside the sandbox)" \
	"echo 'echo pwned' > .git/hooks/pre-commit" \
	"$workspace/.git/hooks/pre-commit"

# The network: a server listening on the host's loopback, reachable from the
# host, must be unreachable from inside (the sandbox has its own loopback).
portfile="$outside/port"
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(sys.argv[1], "w") as f:
    f.write(str(s.getsockname()[1]))
time.sleep(120)
' "$portfile" &
server_pid=$!
for _ in $(seq 50); do
	[ -s "$portfile" ] && break
	sleep 0.1
done
port=$(cat "$portfile" 2>/dev/null || true)
connect="import socket; socket.create_connection(('127.0.0.1', ${port:-0}), timeout=3)"
what="connect to a server on the host's 127.0.0.1:$port"
if [ -z "$port" ] || ! python3 -c "$connect" 2>/dev/null; then
	fail "$what" "the server did not start on the host"
elif why=$(cd "$workspace" && "$paddock" run -- python3 -c "$connect" 2>&1); then
	fail "$what" "expected refused, but it connected"
else
	why=$(printf '%s\n' "$why" | tail -n 1)
	why=${why#*Error: }
	pass "$what" "refused (${why#\[Errno *\] })"
fi

echo
if [ "$failures" -ne 0 ]; then
	echo "paddock demo: $failures outcome(s) differ from the policy" >&2
	exit 1
fi
echo "paddock demo: every outcome matches the default policy"
