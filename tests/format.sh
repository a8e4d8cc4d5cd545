#!/usr/bin/env bash
# Fail when a C source or header is not in the project's format (.clang-format).
# Usage: tests/format.sh REPO_ROOT. Exit 77 (skipped) without clang-format.
set -euo pipefail

root=${1:?usage: $0 REPO_ROOT}
cd "$root"

if ! command -v clang-format >/dev/null 2>&1; then
	echo "format: skipped, clang-format is not installed (apt-get install clang-format)"
	exit 77
fi

dirs=()
for d in include src tests bench; do
	[ -d "$d" ] && dirs+=("$d")
done

bad=()
while IFS= read -r -d '' file; do
	clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done < <(find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \) -print0 |
	sort -z)

if [ "${#bad[@]}" -ne 0 ]; then
	echo "format: these files differ from .clang-format ($(clang-format --version)):"
	printf '  %s\n' "${bad[@]}"
	echo "hint: run 'make format' and review the diff"
	exit 1
fi
echo "format: all C sources and headers are clean"
