#!/usr/bin/env bash
# Run the Wine smoke tests (smoke.bats) against the Windows build:
#
#   tests/windows/smoke.sh [BUILD_WINDOWS_DIR]   (default: build-windows)
#
# Exit 77 (skipped, with the reason) when paddock.exe or Wine is missing,
# so that CTest reports a skip rather than a pass.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-windows}
exe="$build/paddock.exe"

if [ ! -f "$exe" ]; then
	echo "windows/smoke: skipped, no $exe (build it with 'make windows')"
	exit 77
fi
# Debian's wine64 package installs the loader outside PATH; the wine
# package adds /usr/bin/wine64.
wine=$(command -v wine64 || true)
[ -n "$wine" ] || [ ! -x /usr/lib/wine/wine64 ] || wine=/usr/lib/wine/wine64
if [ -z "$wine" ]; then
	echo "windows/smoke: skipped, wine64 is not installed (apt-get install wine64)"
	exit 77
fi
echo "# $("$wine" --version), $(x86_64-w64-mingw32-gcc-win32 -dumpversion 2>/dev/null || echo "?") mingw-w64 gcc"
PADDOCK_EXE=$(cd "$(dirname "$exe")" && pwd)/paddock.exe WINE=$wine \
	exec bats --tap "$here/smoke.bats"
