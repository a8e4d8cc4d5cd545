#!/usr/bin/env bats
# Faults: paddock killed mid-run, and many sandboxes at once. Proves that
# nothing is left behind (processes, placeholders, mounts, zombies) and
# that the next run works.

load helpers

# Processes whose command line carries this test's marker.
marked_processes() {
	pgrep -f "$MARK" || true
}

@test "paddock killed with SIGKILL mid-run leaves no process, placeholder or mount, and the next run works" {
	local before_mounts after_mounts pid i
	before_mounts=$(wc -l </proc/self/mountinfo)

	"$PADDOCK" run -- sh -c "sleep 60 # $MARK" &
	pid=$!
	for i in $(seq 50); do
		[ -n "$(marked_processes)" ] && [ -e .git ] && break
		sleep 0.1
	done
	[ -n "$(marked_processes)" ] || fail "the command never started"
	[ -e .git ] || fail "no placeholder during the run, the test proves nothing"

	kill -KILL "$pid"
	wait "$pid" || true
	for i in $(seq 50); do
		[ -z "$(marked_processes)" ] && [ -z "$(ls -A)" ] && break
		sleep 0.1
	done

	[ -z "$(marked_processes)" ] || fail "processes left: $(marked_processes)"
	[ -z "$(ls -A)" ] || fail "left in the workspace: $(ls -A)"
	after_mounts=$(wc -l </proc/self/mountinfo)
	[ "$before_mounts" -eq "$after_mounts" ] ||
		fail "host mount table changed: $before_mounts -> $after_mounts lines"

	run "$PADDOCK" run -- sh -c 'echo next > next.txt'
	[ "$status" -eq 0 ]
	[ "$(cat next.txt)" = next ]
	[ "$(ls -A)" = next.txt ]
}

@test "200 concurrent sandboxes all succeed and leave no process, zombie or placeholder" {
	local i failures=0 pids=()

	for i in $(seq 200); do
		"$PADDOCK" run -- sh -c "echo $i > out.$i # $MARK" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || failures=$((failures + 1))
	done

	[ "$failures" -eq 0 ] || fail "$failures of 200 runs failed"
	[ "$(ls | grep -c '^out\.')" -eq 200 ] || fail "not every run wrote its file"
	[ "$(cat out.137)" = 137 ]
	[ -z "$(marked_processes)" ] || fail "processes left: $(marked_processes)"
	# Zombies would be children of this shell that nobody reaped.
	[ -z "$(ps -o stat= --ppid $$ | grep Z)" ] || fail "zombies left"
	[ -z "$(ls -A | grep -v '^out\.')" ] ||
		fail "left in the workspace: $(ls -A | grep -v '^out\.')"
}

@test "the command inherits no descriptor beyond stdin, stdout and stderr" {
	exec 7>"$OUTSIDE/fd7"
	run "$PADDOCK" run -- sh -c 'ls /proc/self/fd'
	exec 7>&-

	[ "$status" -eq 0 ]
	# ls itself opens one more: the directory it lists.
	[ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ] ||
		fail "descriptors seen inside: $output"
}

@test "paddock holds only its report pipe and root locks beyond what it inherited" {
	local pid n base i
	# The harness leaves descriptors open; a plain process started the
	# same way shows how many.
	sleep 30 &
	pid=$!
	base=$(ls /proc/"$pid"/fd | wc -l)
	kill "$pid"
	wait "$pid" || true

	"$PADDOCK" run -- sh -c "sleep 30 # $MARK" &
	pid=$!
	for i in $(seq 50); do
		[ -n "$(marked_processes)" ] && break
		sleep 0.1
	done
	n=$(ls /proc/"$pid"/fd | wc -l)
	kill -TERM "$pid"
	wait "$pid" || true

	# The report pipe and one lock per writable root (workspace, /tmp),
	# and one spare: a sanitizer's runtime may hold one of its own.
	[ "$n" -le $((base + 4)) ] ||
		fail "paddock holds $n descriptors, $base inherited"
}
