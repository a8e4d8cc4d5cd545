#!/bin/sh
# Run one libFuzzer target for a bounded time, the way CTest does.
#
# usage: run.sh FUZZER SEEDS WORKDIR SECONDS [LIBFUZZER OPTION]...
#
# New inputs go to WORKDIR/corpus and any crash, leak or timeout to
# WORKDIR/artifacts; SEEDS (the corpus in the source tree) is only read, as
# libFuzzer writes into the first directory it is given and no other.
# Output of the code under test is closed (-close_fd_mask=3): libFuzzer
# keeps its own copy of stderr for its reports and the sanitizers'.
set -eu

if [ $# -lt 4 ]; then
	echo "usage: $0 FUZZER SEEDS WORKDIR SECONDS [LIBFUZZER OPTION]..." >&2
	exit 2
fi
fuzzer=$1
seeds=$2
work=$3
seconds=$4
shift 4

mkdir -p "$work/corpus" "$work/artifacts"
dict=$(dirname "$0")/$(basename "$fuzzer" | sed 's/^fuzz_//').dict
if [ -f "$dict" ]; then
	set -- "-dict=$dict" "$@"
fi

exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
	-close_fd_mask=3 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
