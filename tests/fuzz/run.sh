#!/bin/sh
# run.sh BUILD SECONDS TYPE...: run the fuzz harness of each TYPE for
# SECONDS, from its seeds (tests/fuzz/corpus/TYPE) plus what earlier runs
# found (BUILD/corpus-TYPE).  Any crash, sanitizer report, leak or input
# that runs longer than 10 s is a finding: the input is saved as
# BUILD/artifacts-TYPE/crash-*, and this exits non-zero.
set -u
B=$1 secs=$2
shift 2
rc=0
for t in "$@"; do
	mkdir -p "$B/corpus-$t" "$B/artifacts-$t"
	echo "fuzz: $t for ${secs}s"
	if ! "$B/fuzz_$t" -max_total_time="$secs" -timeout=10 \
	    -max_len=400000 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$B/artifacts-$t/" \
	    "$B/corpus-$t" "tests/fuzz/corpus/$t" \
	    > "$B/fuzz-$t.log" 2>&1; then
		echo "fuzz: $t: FINDING; last lines of $B/fuzz-$t.log:" >&2
		grep -av "^#" "$B/fuzz-$t.log" | tail -n 40 >&2
		rc=1
	fi
	grep -aE "^stat::number_of_executed_units" "$B/fuzz-$t.log" |
	    sed "s/^/fuzz: $t: /"
done
exit $rc
