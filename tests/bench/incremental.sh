#!/bin/sh
# make bench: one incremental re-evaluation of attest watch against the whole
# evaluation of the same estate (tests/bench/bench_incremental.c), on
# synthetic estates of BENCH_INCREMENTAL_SIZES resources (default 100000).
set -eu
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
for n in ${BENCH_INCREMENTAL_SIZES:-100000}; do
	./tests/bench/gen_estate "$n" >"$work/estate.ndjson"
	./tests/bench/bench_incremental "$work/estate.ndjson" 20
done
