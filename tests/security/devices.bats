#!/usr/bin/env bats
# Devices and kernel settings: a disk opened for writing, /dev/mem, a
# sysctl, /proc/sysrq-trigger. Writable by their owner (root) without any
# capability, hence a private /dev and a read-only /proc/sys. Nothing here
# ever changes a setting: a sysctl is written with the value it already has.

load helpers

setup() {
	common_setup
	require_sandbox
	build_prog probe
	DISK=$(lsblk -dnpo NAME,TYPE 2>/dev/null | awk '$2 == "disk" {print $1; exit}')
}

@test "a block device cannot be opened for writing (it is not even there)" {
	[ -n "$DISK" ] || skip "no block device on this host"

	run paddock_run -- "$BIN/probe" open-write "$DISK"
	assert_answer ENOENT 1
}

@test "namespace-free mode: a block device cannot be opened for writing" {
	require_landlock_mode
	[ -n "$DISK" ] || skip "no block device on this host"

	run paddock_run --isolation=landlock -- "$BIN/probe" open-write "$DISK"
	assert_answer EACCES 1
}

@test "/dev/mem and /dev/kmem are absent inside" {
	run paddock_run -- sh -c 'ls /dev/mem /dev/kmem /dev/port'
	assert_refused
	run paddock_run -- ls /dev
	assert_status 0
	refute_output_contains mem
	refute_output_contains "$(basename "${DISK:-/dev/none}")"
}

@test "writing a sysctl (the same value back) is refused and the value is unchanged" {
	local knob=/proc/sys/vm/swappiness value
	value=$(cat "$knob")

	run paddock_run -- sh -c 'cat "$1" && echo "$2" > "$1"' sh "$knob" "$value"
	assert_refused
	assert_output_contains "$value"
	assert_output_contains "Read-only file system"
	[ "$(cat "$knob")" = "$value" ]
	run paddock_run -- "$BIN/probe" open-write /proc/sys/kernel/hostname
	if is_root; then
		assert_answer EROFS 1 # the owner: only the read-only mount stops it
	else
		assert_answer EACCES 1
	fi
}

@test "writing /proc/sysrq-trigger is refused" {
	[ -e /proc/sysrq-trigger ] || skip "this kernel has no /proc/sysrq-trigger"
	# 'h' only prints help to the kernel log, should the write go through.
	run paddock_run -- sh -c 'echo h > /proc/sysrq-trigger'
	assert_refused
	run paddock_run -- "$BIN/probe" open-write /proc/sysrq-trigger
	assert_status 1
	refute_output_contains ok
}

@test "namespace-free mode: writing a sysctl (the same value back) is refused" {
	require_landlock_mode
	local knob=/proc/sys/vm/swappiness value
	value=$(cat "$knob")

	run paddock_run --isolation=landlock -- sh -c 'echo "$2" > "$1"' sh "$knob" "$value"
	assert_refused
	assert_output_contains "Permission denied"
	[ "$(cat "$knob")" = "$value" ]
	if [ -e /proc/sysrq-trigger ]; then
		run paddock_run --isolation=landlock -- "$BIN/probe" open-write /proc/sysrq-trigger
		assert_answer EACCES 1
	fi
}
