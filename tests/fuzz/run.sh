#!/bin/sh
# Runs each libFuzzer target briefly over a copy of its seed corpus. A crash,
# leak or timeout fails the case; libFuzzer's report goes to the test log.
# FUZZ_SECONDS (default 15) bounds each run.
set -u
: "${top_srcdir:?}"
seconds=${FUZZ_SECONDS:-15}
passed=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

for target in fuzz_inventory fuzz_aws_xml fuzz_aws_json fuzz_text fuzz_package fuzz_event; do
	bin=./tests/fuzz/$target
	if [ ! -x "$bin" ]; then
		# clang is optional for users (install-deps.sh installs it when it can);
		# CI must run the fuzz targets.
		if [ "${CI:-}" = true ]; then
			echo "not ok - $bin not built (no clang with libFuzzer at configure time)"
			echo "# cases: 0 passed, 1 failed"
			exit 1
		fi
		echo "$bin not built (no clang with libFuzzer at configure time): skipped"
		exit 77
	fi
	mkdir -p "$work/$target"
	cp "$top_srcdir"/tests/data/inventory/* "$top_srcdir"/tests/data/bad/* \
		"$top_srcdir"/tests/data/awsconfig/* "$work/$target/"
	cp "$top_srcdir"/tests/data/aws-collect/seeds/* "$top_srcdir"/tests/data/package/* \
		"$top_srcdir"/tests/data/events/* "$work/$target/"
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$work/" "$work/$target" >"$work/$target.log" 2>&1; then
		passed=$((passed + 1)); echo "ok - $target ($(grep -c . "$work/$target.log") log lines)"
		tail -n 2 "$work/$target.log"
	else
		failed=$((failed + 1)); echo "not ok - $target"
		tail -n 60 "$work/$target.log"
	fi
done
echo "# cases: $passed passed, $failed failed"
[ "$failed" = 0 ]
