#!/usr/bin/env bats
# Changing the mount table from inside: remounting the read-only view
# read-write, binding over a protected name, unmounting it, or making new
# namespaces where the command would have every capability.

load helpers

# mount(2) through ctypes: TARGET FLAGS [SOURCE]; prints the errno name.
MOUNT_PY='
import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
src = sys.argv[3].encode() if len(sys.argv) > 3 else None
r = libc.mount(src, sys.argv[1].encode(), None, int(sys.argv[2], 0), None)
print("mounted" if r == 0 else errno.errorcode[ctypes.get_errno()])'

# mount(8) refused: "permission denied" from the kernel (root), or its own
# "must be superuser" before any system call (an unprivileged caller).
assert_mount_refused() {
	case "$output" in
	*"permission denied"* | *"must be superuser"*) return 0 ;;
	esac
	fail "mount was not refused as expected: $output"
}

@test "mount -o remount,rw / is refused and the outside stays unwritable" {
	require_tool mount
	run paddock_run -- sh -c 'mount -o remount,rw / || exit 3; echo pwned > "$1"' sh "$OUTSIDE/file"
	assert_status 3
	assert_mount_refused
	# The system call itself, not mount(8)'s own check of the caller's uid.
	run paddock_run -- "$PYTHON" -c "$MOUNT_PY" / 0x20 # MS_REMOUNT
	assert_answer EPERM 0
	assert_file_content "$OUTSIDE/file" original
}

@test "mount --bind of a writable directory over .git is refused" {
	make_repo "$WS"
	mkdir "$WS/evil"
	local before
	before=$(tree_state "$WS/.git")

	run paddock_run -- sh -c 'mount --bind evil .git || exit 3; echo "[core] hooksPath = /x" > .git/config'
	assert_status 3
	assert_mount_refused
	run paddock_run -- "$PYTHON" -c "$MOUNT_PY" .git 0x1000 evil # MS_BIND
	assert_answer EPERM 0
	[ "$(tree_state "$WS/.git")" = "$before" ] || fail ".git changed"
}

@test "umount .git is refused and .git stays read-only" {
	make_repo "$WS"
	local before
	before=$(sha "$WS/.git/config")

	run paddock_run -- sh -c 'umount .git || umount -l .git || exit 3; echo x >> .git/config'
	assert_status 3
	assert_output_contains "must be superuser to unmount"
	[ "$(sha "$WS/.git/config")" = "$before" ]
}

@test "unshare -Urm (a new user and mount namespace) is refused" {
	require_tool unshare
	run paddock_run -- unshare -Urm sh -c 'mount -t tmpfs none "$1" && echo pwned' sh "$OUTSIDE"
	assert_refused
	assert_output_contains "Operation not permitted"
	refute_output_contains pwned
	[ "$(list_entries "$OUTSIDE")" = file ]
}

@test "clone(CLONE_NEWUSER) through python ctypes is refused with EPERM" {
	run paddock_run -- "$PYTHON" -c '
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, SIGCHLD = 0x10000000, 17
pid = libc.syscall(56, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)
if pid == 0:
    os._exit(0)
if pid > 0:
    os.waitpid(pid, 0)
    print("created")
else:
    print(errno.errorcode[ctypes.get_errno()])
'
	assert_answer EPERM 0
}
