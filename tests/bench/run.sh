#!/bin/sh
# make bench: generates deterministic synthetic estates (NDJSON) and scans
# them against every installed framework, printing resources per second and
# peak memory (from attest scan --verbose). Sizes: BENCH_SIZES, default
# "10000 100000". Not part of make check: timings are not pass/fail.
set -eu
: "${ATTEST:?}" "${top_srcdir:?}"
sizes=${BENCH_SIZES:-10000 100000}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '%-10s %10s %12s %14s %12s\n' resources "MB" "seconds" "resources/s" "peak MiB"
for n in $sizes; do
	./tests/bench/gen_estate "$n" >"$work/estate.ndjson"
	mb=$(du -m "$work/estate.ndjson" | cut -f1)
	start=$(date +%s.%N)
	"$ATTEST" scan -q -v --db "$work/h.db" "$work/estate.ndjson" 2>"$work/err" || {
		cat "$work/err"; exit 1; }
	end=$(date +%s.%N)
	peak=$(sed -n 's/.*peak memory \([0-9.]*\) MiB.*/\1/p' "$work/err" | tail -n 1)
	awk -v n="$n" -v mb="$mb" -v s="$start" -v e="$end" -v p="$peak" \
		'BEGIN { t = e - s; printf "%-10d %10d %12.2f %14.0f %12s\n", n, mb, t, n / t, p }'
	grep 'phases:' "$work/err" | sed 's/^attest: /           /'
	rm -f "$work/h.db" "$work/h.db-wal" "$work/h.db-shm"
done
