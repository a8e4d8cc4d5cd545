#!/usr/bin/env bash
# How long does it take to start a command under paddock? One hyperfine run
# compares `paddock run -- /bin/true` with bare /bin/true, with bubblewrap
# given the same policy, with a bare `unshare` and with paddock's
# namespace-free mode, then writes the table and the machine it ran on into
# docs/startup.md.
#
# Usage: bench/startup.sh [PATH_TO_PADDOCK]
# Environment: PADDOCK_BENCH_RUNS (default 300), PADDOCK_BENCH_OUTPUT
# (default docs/startup.md; "-" to write nothing).
#
# When started as root, the benchmark runs as the unprivileged user
# paddock-bench (created if missing), because that is how people run
# paddock, and root takes different paths through user namespaces.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
paddock=$(realpath "${1:-$root/build/paddock}")
runs=${PADDOCK_BENCH_RUNS:-300}
output=${PADDOCK_BENCH_OUTPUT:-$root/docs/startup.md}
bench_user=paddock-bench

for cmd in hyperfine bwrap unshare setpriv git; do
	command -v "$cmd" >/dev/null 2>&1 || {
		echo "bench: $cmd is missing (run 'tools/deps.sh --bench')" >&2
		exit 1
	}
done
[ -x "$paddock" ] || {
	echo "bench: no paddock binary at $paddock (run 'make build')" >&2
	exit 1
}

# Under /var/tmp rather than /tmp: /tmp is a writable root of its own in
# both sandboxes, and the workspace should not sit inside another one.
stage=$(mktemp -d /var/tmp/paddock-bench.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
install -m 755 "$paddock" "$stage/paddock"
ws=$stage/workspace
mkdir "$ws"
git init -q "$ws"

as_user=()
if [ "$(id -u)" -eq 0 ]; then
	id -u "$bench_user" >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$bench_user"
	chown -R "$bench_user:" "$ws"
	install -m 777 -d "$stage/results"
	as_user=(setpriv --reuid "$bench_user" --regid "$bench_user"
		--init-groups env -i HOME="$ws" LANG=C.UTF-8
		PATH=/usr/local/bin:/usr/bin:/bin)
else
	mkdir "$stage/results"
fi
results=$stage/results/startup.md

# The same policy as paddock's default: everything read-only, the workspace
# and /tmp writable, .git read-only, new user, PID, network and IPC
# namespaces, a private /proc and a minimal private /dev. /tmp comes before
# the workspace so that binding it cannot cover the workspace's mounts.
bwrap_cmd="bwrap --ro-bind / / --bind /tmp /tmp --bind $ws $ws"
bwrap_cmd+=" --ro-bind $ws/.git $ws/.git --proc /proc --dev /dev"
bwrap_cmd+=" --unshare-user --unshare-pid --unshare-net --unshare-ipc"
bwrap_cmd+=" --die-with-parent --chdir $ws /bin/true"

bench=(hyperfine -N --warmup 20 --runs "$runs" --export-markdown "$results"
	-n "/bin/true (no sandbox)" "/bin/true"
	-n "paddock run -- /bin/true" "$stage/paddock run -- /bin/true"
	-n "paddock run --isolation=landlock -- /bin/true"
	"$stage/paddock run --isolation=landlock -- /bin/true"
	-n "bwrap, same policy" "$bwrap_cmd"
	-n "unshare -Urmnp --fork /bin/true" "unshare -Urmnp --fork /bin/true")

(cd "$ws" && "${as_user[@]}" "${bench[@]}")
echo
cat "$results"

[ "$output" != "-" ] || exit 0

# Print a command line a reader can paste into a shell, one option per line
# before each -n so that the commands stand out.
print_command() {
	local arg line=""
	for arg in "$@"; do
		if [ "$arg" = -n ]; then
			printf '%s \\\n' "$line"
			line="  -n"
			continue
		fi
		[[ "$arg" =~ ^[A-Za-z0-9_./=:+-]+$ ]] || arg="'$arg'"
		line+="${line:+ }$arg"
	done
	printf '%s\n' "$line"
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
debian=$(cat /etc/debian_version 2>/dev/null || echo unknown)
user_desc="as $(id -un)"
[ "${#as_user[@]}" -eq 0 ] || user_desc="as the unprivileged user $bench_user (started by root)"

{
	cat <<'INTRO'
# Start-up cost

An agent runs many short commands, so what paddock adds to each one matters.
This page times `paddock run -- /bin/true` (the default policy: workspace
writable, everything else read-only, `.git` read-only, no network) against:

- `/bin/true` with no sandbox, the floor;
- bubblewrap given the same policy (read-only root, writable workspace and
  `/tmp`, read-only `.git`, new user, PID, network and IPC namespaces, a
  private `/proc`, a minimal private `/dev`), the tool people would
  otherwise reach for;
- `unshare -Urmnp --fork`, the bare cost of creating the namespaces with no
  mounts at all;
- paddock's namespace-free mode (`--isolation=landlock`), for machines
  without user namespaces.

paddock also does work bubblewrap is not asked to do here: it reserves the
missing protected names (`.agents`, `.paddock`, ...) in every writable root
and removes them afterwards, covers the writable parts of `/proc` and the
host's Unix sockets, drops every capability, sets `no_new_privs`, applies
Landlock rules and installs a seccomp filter.

Where the time goes, measured as the unprivileged user with `strace -f -c`
(calls), `perf stat -r 60 -e task-clock` (CPU and elapsed time) and
`perf record -g` (the kernel's share) of `paddock run -- /bin/true`:

- Before the performance work: 638 system calls, 3.7 ms of CPU, 4.2 ms
  elapsed. The number of calls was not the problem; three costs were. The
  placeholders for missing protected names were empty directories, and on
  this machine's ext4 (mounted with `discard`) each `rmdir` waits for the
  disk to discard the directory's block: 16 took 1.85 ms. Compiling the
  seccomp filter with libseccomp took 0.6 ms of CPU at every start. Loading
  libseccomp and libm added page faults.
- Now: 613 calls, 2.0 ms of CPU, 2.6 ms elapsed. The placeholders are Unix
  socket nodes of mode 000, which take no data block (16 in 0.13 ms); the
  filter is compiled when paddock is built and carried in the binary; paddock
  loads only libc; the capability drop stops at the last capability the
  kernel knows (47 `prctl` instead of 69).
- What remains is mostly the kernel's. Creating the user, mount, PID, IPC
  and network namespaces is the largest part (the network namespace alone,
  with its loopback device and sysctl tables, is about 15% of the CPU
  samples), then about 75 mount-API calls that build the view, the JIT of
  the 184-instruction seccomp filter, two clones and an exec.
  `unshare -Urmnp --fork /bin/true`, which creates the namespaces and
  nothing else, takes about 1.5 ms here: already half of bubblewrap's time.
  So half of bubblewrap is out of reach for any start that creates these
  namespaces; reaching it means not creating them per command, which is
  what warm sessions do (`paddock session`, see performance.md). A shorter filter (the socket
  families as a few ranges rather than one rule each) would trim the JIT.
- The namespace-free mode (`--isolation=landlock`) makes about 2200 calls:
  one Landlock rule for each top-level entry of each writable root (501 in
  this machine's `/tmp`; now one open and one `fstat` each instead of
  three calls), plus a private `$TMPDIR` created and removed. It cannot
  come within 1.3 times bare `/bin/true` (about 0.45 ms here): a start
  still forks a supervisor and the command and execs, and the rules scale
  with the size of `/tmp`.

Start-up is one figure among several: `bench/run` also measures
spawn-heavy, file-heavy and build workloads and memory against more peers,
in [performance.md](performance.md).

The numbers below come from one run of `bench/startup.sh` (`make bench`) on
the machine described; they are not a promise for other machines. Run it
again to measure yours.

INTRO
	echo "## Results"
	echo
	cat "$results"
	echo
	echo "## Machine and run"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- CPU: ${cpu:-unknown}, $(nproc) logical CPUs"
	echo "- kernel: $(uname -srm)"
	echo "- Debian: $debian"
	echo "- $("$paddock" --version), $(bwrap --version), $(hyperfine --version)"
	echo "- ran $user_desc, workspace under \`/var/tmp\` with \`git init\`"
	echo
	echo "Command line:"
	echo
	echo '```'
	print_command "${bench[@]}"
	echo '```'
} >"$output"
echo
echo "bench: wrote $output"
