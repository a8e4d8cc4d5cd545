#!/usr/bin/env bash
# Make sure the tools and libraries that build and test paddock are present.
#
#   tools/deps.sh             what `make build`, `make check` and `make demo` need
#   tools/deps.sh --bench     the same, plus what bench/startup.sh and
#                             bench/run need (the peers themselves are
#                             installed by bench/run)
#   tools/deps.sh --sanitize  the same, plus what `make sanitize` needs (Clang
#                             and its sanitizer and libFuzzer runtimes) and
#                             valgrind, which `make check` uses when present
#   tools/deps.sh --windows   what the mingw-w64 cross-build and its Wine smoke
#                             tests need (`make windows`, `make windows-check`)
#
# Silent when nothing is missing. Otherwise, as root, installs the missing
# Debian packages with apt-get; as anyone else, prints the exact command to
# run and exits 1 (a build script should not ask for a password).
set -euo pipefail

bench=0
sanitize=0
windows=0
case "${1:-}" in
--bench) bench=1 ;;
--sanitize) sanitize=1 ;;
--windows) windows=1 ;;
"") ;;
*)
	echo "usage: $0 [--bench | --sanitize | --windows]" >&2
	exit 2
	;;
esac

missing=()  # Debian packages that must be installed
optional=() # Debian packages that some tests use when present

# Also look in the sbin directories, which are missing from an ordinary
# user's PATH on Debian (useradd lives there).
has_cmd() {
	PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1
}

need_cmd() { # need_cmd COMMAND PACKAGE
	has_cmd "$1" || missing+=("$2")
}

need_cmd cmake cmake
need_cmd ninja ninja-build
if [ "$windows" = 1 ]; then
	# The cross-compiler and the Windows headers and import libraries
	# (mingw-w64 pulls in gcc-mingw-w64 and mingw-w64-x86-64-dev).
	need_cmd x86_64-w64-mingw32-gcc-win32 mingw-w64
	# Debian's wine64 puts its loader outside PATH, in /usr/lib/wine.
	[ -x /usr/lib/wine/wine64 ] || has_cmd wine64 || missing+=(wine64)
fi
need_cmd cc gcc
need_cmd make make
need_cmd pkg-config pkg-config
need_cmd bats bats
need_cmd clang-format clang-format
need_cmd git git
need_cmd python3 python3
need_cmd curl curl # tests/integration/proxy.bats: a real client of the proxy
need_cmd setpriv util-linux
need_cmd unshare util-linux
need_cmd useradd passwd
need_cmd pgrep procps
need_cmd bwrap bubblewrap # tests/integration/nesting.bats, and the benchmark
has_cmd ip || optional+=(iproute2)
if [ "$bench" = 1 ]; then
	need_cmd hyperfine hyperfine
	# bench/run: the report's arithmetic, and GNU time for peak memory.
	need_cmd jq jq
	[ -x /usr/bin/time ] || missing+=(time)
fi
if [ "$sanitize" = 1 ]; then
	need_cmd clang clang
	need_cmd valgrind valgrind
	# Turns the addresses in a sanitizer report into file:line.
	need_cmd llvm-symbolizer llvm
fi

# The C library headers: gcc without libc6-dev cannot compile anything.
if ! command -v cc >/dev/null 2>&1 ||
	! printf '#include <stdio.h>\n' | cc -E -x c - >/dev/null 2>&1; then
	missing+=(libc6-dev)
fi

# Clang without libclang-rt-dev (only recommended, so left out by
# --no-install-recommends) compiles -fsanitize=... but cannot link it. That
# package also holds the runtime -fsanitize=fuzzer links; libfuzzer-14-dev
# would only add a libFuzzer.a for linking it by hand.
sanitizers_link() {
	local dir status
	dir=$(mktemp -d)
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{\n\treturn 0;\n}\n' |
		clang -fsanitize=fuzzer,address,undefined -x c - -o "$dir/t" \
			>/dev/null 2>&1
	status=$?
	rm -rf "$dir"
	return "$status"
}
if [ "$sanitize" = 1 ] &&
	! { command -v clang >/dev/null 2>&1 && sanitizers_link; }; then
	missing+=(libclang-rt-dev)
fi

# Libraries are found the way CMake finds them, through pkg-config.
if ! command -v pkg-config >/dev/null 2>&1; then
	missing+=(libseccomp-dev libcmocka-dev)
else
	pkg-config --exists libseccomp || missing+=(libseccomp-dev)
	pkg-config --exists cmocka || missing+=(libcmocka-dev)
fi

# Optional packages are installed only when we may install; their absence
# alone is not worth a message to a user without root.
can_install=0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	can_install=1
fi
if [ "${#missing[@]}" -eq 0 ]; then
	[ "$can_install" = 1 ] && [ "${#optional[@]}" -gt 0 ] || exit 0
fi

# One package can stand for several commands (util-linux); list it once.
mapfile -t packages < <(printf '%s\n' "${missing[@]}" "${optional[@]}" |
	awk '!seen[$0]++')

if [ "$can_install" = 0 ]; then
	echo "paddock: missing build dependencies: ${missing[*]}" >&2
	if command -v apt-get >/dev/null 2>&1; then
		echo "hint: sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
	else
		echo "hint: install them with your package manager (this script knows only apt-get)" >&2
	fi
	exit 1
fi

echo "paddock: installing ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"
