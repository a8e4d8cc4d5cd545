#!/usr/bin/env bash
# How long does it take to start a command under paddock? One hyperfine run
# compares `paddock run -- /bin/true` with bare /bin/true, with bubblewrap
# given the same policy, and with a bare `unshare`, then writes the table
# and the machine it ran on into docs/performance.md.
#
# Usage: bench/startup.sh [PATH_TO_PADDOCK]
# Environment: PADDOCK_BENCH_RUNS (default 300), PADDOCK_BENCH_OUTPUT
# (default docs/performance.md; "-" to write nothing).
#
# When started as root, the benchmark runs as the unprivileged user
# paddock-bench (created if missing), because that is how people run
# paddock, and root takes different paths through user namespaces.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
paddock=$(realpath "${1:-$root/build/paddock}")
runs=${PADDOCK_BENCH_RUNS:-300}
output=${PADDOCK_BENCH_OUTPUT:-$root/docs/performance.md}
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
	-n "bwrap, same policy" "$bwrap_cmd"
	-n "unshare -Urmnp --fork /bin/true" "unshare -Urmnp --fork /bin/true")

(cd "$ws" && "${as_user[@]}" "${bench[@]}")
echo
cat "$results"

[ "$output" != "-" ] || exit 0

# Print a command line a reader can paste into a shell, one option per line
# before each -n so that the four commands stand out.
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
  mounts at all.

paddock also does work bubblewrap is not asked to do here: it reserves the
missing protected names (`.agents`, `.paddock`, ...) in every writable root
and removes them afterwards, covers the writable parts of `/proc` and the
host's Unix sockets, drops every capability, sets `no_new_privs`, applies
Landlock rules and installs a seccomp filter.

Where the time goes (from `strace -f -c` of one start as an unprivileged
user): about 670 system calls. The largest groups are the protected-name
placeholders (8 names in each of 2 writable roots: `mkdir`, `flock`, a
read-only bind of 3 mount calls each, then `rmdir`, on a journalling file
system), path resolution (`realpath` and `lstat`, some 120 `stat` calls),
the mount API (about 75 calls) and the capability drop (about 70 `prctl`).
Cutting these without weakening anything (placeholders only where a name
is missing and matters, fewer stat calls, a cached filter) is the work of
the performance issue; the target there is half of bubblewrap's time.

Start-up is one figure among several: `bench/run` also measures
spawn-heavy, file-heavy and build workloads and memory against more peers,
in [benchmarks.md](benchmarks.md).

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
