#!/usr/bin/env bash
# Cross-build paddock for 64-bit Windows with mingw-w64, warnings as errors,
# into build-windows/ (or the directory given), from the top of a clone:
#
#   tools/windows-build.sh [BUILD_DIR]
#
# As root on Debian it installs what is missing first (tools/deps.sh
# --windows). What the Windows build holds today is in docs/windows.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-windows}

"$root/tools/deps.sh" --windows
cmake -S "$root" -B "$build" -G Ninja \
	-DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
	-DPADDOCK_WERROR=ON >/dev/null
ninja -C "$build"
