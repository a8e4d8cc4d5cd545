#!/usr/bin/env bash
# Run representative paddock invocations under valgrind's memcheck and fail
# when paddock's own process has a memory error or a definite leak.
#
# usage: tests/valgrind.sh PADDOCK_BINARY
# exit:  0 every case checked; 1 a finding or an unexpected exit status;
#        77 (skipped) without valgrind, or when valgrind cannot build a
#        sandbox (the reason is printed; the cases that need no sandbox,
#        and paddock's failure path for the others, are still checked).
#
# The verdict is paddock's exit status: --error-exitcode=99 applies to the
# process valgrind started, and the sandbox's processes, forked without an
# exec, carry their own valgrind with its own count. No case expects 99.
set -euo pipefail

paddock=${1:?usage: $0 PADDOCK_BINARY}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "skipped: valgrind is not installed (apt-get install valgrind)"
	exit 77
fi

base=$(mktemp -d "${TMPDIR:-/tmp}/paddock-valgrind.XXXXXX")
trap 'rm -rf "$base"' EXIT
ws=$base/ws
outside=$base/outside
logs=$base/logs
mkdir "$ws" "$outside" "$logs"
printf 'sandbox sometimes\n' >"$base/bad.profile"
printf 'cd %s\nsandbox read-only\ntimeout 30\n' "$ws" >"$base/good.profile"

# mount(2) ignores its type argument, which may be NULL, for a bind, a
# remount, a move or a propagation change; valgrind 3.19 reads it anyway.
cat >"$base/valgrind.supp" <<'EOF'
{
   mount-type-is-ignored-for-bind-and-remount
   Memcheck:Param
   mount(type)
   fun:mount
   ...
}
EOF

failures=0

# vg NAME ARGS...: run paddock under valgrind; sets $status, log in $log.
vg() {
	local name=$1
	shift
	log=$logs/$name
	set +e
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --trace-children=no \
		--suppressions="$base/valgrind.supp" \
		"$paddock" "$@" </dev/null >"$log" 2>&1
	status=$?
	set -e
}

# expect NAME "STATUS..." ARGS...: one case, and its verdict.
expect() {
	local name=$1 want=$2
	shift 2
	vg "$name" "$@"
	if [ "$status" -eq 99 ]; then
		echo "not ok $name: valgrind found errors in paddock (paddock $*)"
	elif [[ " $want " != *" $status "* ]]; then
		echo "not ok $name: exit status $status, expected $want (paddock $*)"
	else
		echo "ok $name"
		return 0
	fi
	sed 's/^/    /' "$log"
	failures=$((failures + 1))
	return 1
}

# Cases that end before any sandbox is built.
expect help 0 --help || true
expect version 0 --version || true
expect unknown-command 125 frobnicate || true
expect bad-option 125 run --bogus -- true || true
expect no-command 125 run -v || true
expect bad-profile 125 run -p "$base/bad.profile" -- true || true
expect missing-profile 125 run -p "$base/missing.profile" -- true || true
# 1 when this machine (or valgrind) cannot enforce the default policy, so
# also make sure that it was paddock that said so.
if expect check "0 1" check && ! grep -q '^paddock run: ' "$log"; then
	echo "not ok check: no verdict printed"
	sed 's/^/    /' "$log"
	failures=$((failures + 1))
fi

# Can a sandbox be built under valgrind at all? The sandbox's set-up code
# runs in forked children that stay under valgrind, so valgrind must know
# every system call it makes (the mount API, Landlock, seccomp).
vg probe run -C "$ws" -- true
sandbox=1
if [ "$status" -ne 0 ]; then
	missing=$(sed -n 's/.*unhandled [a-z0-9_]*-linux syscall: \([0-9]*\).*/\1/p' \
		"$log" | sort -nu | tr '\n' ' ')
	if [ "$status" -ne 125 ] || [ -z "$missing" ]; then
		echo "not ok probe: exit status $status (paddock run -C $ws -- true)"
		sed 's/^/    /' "$log"
		exit 1
	fi
	sandbox=0
fi

# The names of the system calls valgrind 3.19 is known to lack, on x86_64.
syscall_name() {
	case "$(uname -m):$1" in
	x86_64:317) echo seccomp ;;
	x86_64:428) echo open_tree ;;
	x86_64:429) echo move_mount ;;
	x86_64:442) echo mount_setattr ;;
	x86_64:444) echo landlock_create_ruleset ;;
	x86_64:445) echo landlock_add_rule ;;
	x86_64:446) echo landlock_restrict_self ;;
	*) echo "number $1" ;;
	esac
}

# Without a sandbox each case still goes through paddock's failure path,
# which must report 125 and free what it allocated.
want() {
	if [ "$sandbox" = 1 ]; then
		echo "$1"
	else
		echo 125
	fi
}

expect workspace-write "$(want 0)" run -C "$ws" -- \
	sh -c 'echo ok >inside' || true
if [ "$sandbox" = 1 ] && [ ! -f "$ws/inside" ]; then
	echo "not ok workspace-write: $ws/inside was not written"
	failures=$((failures + 1))
fi
expect refused-write "$(want 1)" run -C "$ws" --no-tmp -- \
	touch "$outside/written" || true
if [ -e "$outside/written" ]; then
	echo "not ok refused-write: $outside/written exists"
	failures=$((failures + 1))
fi
expect timeout "$(want 124)" run -C "$ws" -t 0.5 -- sleep 30 || true
expect not-found "$(want 127)" run -C "$ws" -- paddock-no-such-command ||
	true
expect profile "$(want 0)" run -p "$base/good.profile" -- true || true
expect verbose "$(want 0)" run -vv -C "$ws" -- true || true

if [ "$failures" -ne 0 ]; then
	echo "valgrind: $failures case(s) failed"
	exit 1
fi
if [ "$sandbox" = 0 ]; then
	names=()
	for n in $missing; do
		names+=("$(syscall_name "$n")")
	done
	echo "skipped: $(valgrind --version) does not implement the system calls ${names[*]}, which building a sandbox needs (they return ENOSYS under it, and paddock refuses to run without the restrictions they apply); paddock's own process was checked on every path that needs no sandbox and on the failure path of the others"
	exit 77
fi
echo "valgrind: every case clean"
