#!/bin/sh
# The CTest fixture around a sanitizer build's tests: `setup` empties the
# directory the sanitized paddock writes its reports to (see
# sanitizer_options.c), `check` fails, showing them, if any were written,
# and otherwise removes it.
#
# usage: sanitizer-reports.sh setup|check DIR
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 setup|check DIR" >&2
	exit 2
fi
dir=$2

case "$1" in
setup)
	rm -rf "$dir"
	# Sticky and open to all: the unprivileged run writes here too.
	mkdir -m 1777 "$dir"
	;;
check)
	found=0
	for report in "$dir"/*; do
		[ -f "$report" ] || continue
		found=$((found + 1))
		echo "== $report"
		cat "$report"
	done
	if [ "$found" -ne 0 ]; then
		echo "sanitizers: $found report(s) from paddock during the tests"
		exit 1
	fi
	echo "sanitizers: no report from paddock during the tests"
	rmdir "$dir"
	;;
*)
	echo "usage: $0 setup|check DIR" >&2
	exit 2
	;;
esac
