#!/usr/bin/env bats
# The system calls the seccomp filter denies (docs/security.md), each made
# by progs/probe.c inside the sandbox, with the exact errno documented.

load helpers

setup() {
	common_setup
	require_sandbox
	build_prog probe
}

# Run the probe inside paddock; its answer is the last line of $output.
probe() {
	run paddock_run -- "$BIN/probe" "$@"
}

# Build progs/i386.c as a freestanding 32-bit program making one system
# call (i386 numbers), or skip when the compiler cannot make 32-bit code.
build_i386() {
	local name=$1
	shift
	cc -m32 -nostdlib -static -ffreestanding -fno-pie -no-pie \
		-fno-stack-protector "$@" -o "$BIN/$name" "$PROGS/i386.c" \
		2>/dev/null || skip "cc cannot build i386 code here (cc -m32)"
}

@test "io_uring_setup fails with ENOSYS" {
	probe io_uring_setup
	assert_answer ENOSYS 1
}

@test "bpf fails with EPERM" {
	probe bpf
	assert_answer EPERM 1
}

@test "perf_event_open fails with EPERM" {
	probe perf_event_open
	assert_answer EPERM 1
}

@test "userfaultfd fails with EPERM" {
	probe userfaultfd
	assert_answer EPERM 1
}

@test "keyctl on the session keyring fails with EPERM" {
	probe keyctl
	assert_answer EPERM 1
}

@test "add_key fails with EPERM and plants no key" {
	probe add_key
	assert_answer EPERM 1
	refute_output_contains ok
}

@test "socket(AF_PACKET) fails with EAFNOSUPPORT" {
	probe socket 17 3 0
	assert_answer EAFNOSUPPORT 1
}

@test "socket(AF_VSOCK) fails with EAFNOSUPPORT" {
	probe socket 40 1 0
	assert_answer EAFNOSUPPORT 1
}

@test "socket(AF_ALG) fails with EAFNOSUPPORT" {
	probe socket 38 5 0
	assert_answer EAFNOSUPPORT 1
}

@test "socket(AF_KEY) fails with EAFNOSUPPORT" {
	probe socket 15 3 2
	assert_answer EAFNOSUPPORT 1
}

@test "socket(AF_NETLINK) other than NETLINK_ROUTE fails with EPROTONOSUPPORT" {
	probe socket 16 3 9 # NETLINK_AUDIT
	assert_answer EPROTONOSUPPORT 1
	probe socket 16 3 15 # NETLINK_KOBJECT_UEVENT
	assert_answer EPROTONOSUPPORT 1
	probe socket 16 3 12 # NETLINK_NETFILTER
	assert_answer EPROTONOSUPPORT 1
	probe socket 16 3 0 # NETLINK_ROUTE stays allowed
	assert_answer ok 0
}

@test "unshare(CLONE_NEWUSER) and clone(CLONE_NEWUSER) fail with EPERM" {
	probe unshare 0x10000000
	assert_answer EPERM 1
	probe clone-newuser
	assert_answer EPERM 1
}

@test "i386 entry point from a 64-bit process (int \$0x80): unshare(CLONE_NEWUSER) EPERM, socketcall ENOSYS" {
	probe int80-unshare
	assert_answer EPERM 1
	probe int80-socketcall
	assert_answer ENOSYS 1
}

@test "x32 entry point: unshare(CLONE_NEWUSER) is refused" {
	probe x32-unshare
	assert_status 1
	case "${lines[-1]}" in
	EPERM | ENOSYS) ;;
	*) fail "x32 unshare answered ${lines[-1]}" ;;
	esac
}

@test "a 32-bit (i386) program: unshare(CLONE_NEWUSER) EPERM, socket(AF_PACKET) EAFNOSUPPORT, io_uring_setup ENOSYS" {
	build_i386 unshare32 -DNR=310 -DARG1=0x10000000
	build_i386 packet32 -DNR=359 -DARG1=17 -DARG2=3
	build_i386 uring32 -DNR=426 -DARG1=1
	# Control: the unshare works outside the sandbox (as root, or with
	# unprivileged user namespaces).
	run "$BIN/unshare32"
	[ "$status" -eq 0 ] || skip "unshare(CLONE_NEWUSER) fails outside the sandbox too ($status)"

	run paddock_run -- "$BIN/unshare32"
	assert_status 1 # EPERM
	run paddock_run -- "$BIN/packet32"
	assert_status 97 # EAFNOSUPPORT
	run paddock_run -- "$BIN/uring32"
	assert_status 38 # ENOSYS
}

@test "namespace-free mode: the same filter (io_uring ENOSYS, bpf EPERM, AF_PACKET EAFNOSUPPORT, CLONE_NEWUSER EPERM)" {
	require_landlock_mode
	run paddock_run --isolation=landlock -- "$BIN/probe" io_uring_setup
	assert_answer ENOSYS 1
	run paddock_run --isolation=landlock -- "$BIN/probe" bpf
	assert_answer EPERM 1
	run paddock_run --isolation=landlock -- "$BIN/probe" socket 17 3 0
	assert_answer EAFNOSUPPORT 1
	run paddock_run --isolation=landlock -- "$BIN/probe" clone-newuser
	assert_answer EPERM 1
}
