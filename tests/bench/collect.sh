#!/bin/sh
# make bench, live collection: the loopback AWS test server serves a synthetic
# account of BENCH_AWS_RESOURCES (default 20000) resources with an injected
# latency of BENCH_AWS_LATENCY_MS (default 50) per call, and attest collects
# it with BENCH_AWS_CONCURRENCY (default 32) requests in flight. Prints the
# time, the calls made, and the ratio of the time to the ideal
# calls x latency / concurrency (1.0 would be perfect overlap).
set -eu
: "${ATTEST:?}" "${top_srcdir:?}"
n=${BENCH_AWS_RESOURCES:-20000}
lat=${BENCH_AWS_LATENCY_MS:-50}
conc=${BENCH_AWS_CONCURRENCY:-32}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-bench-aws.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
python3 "$top_srcdir/tests/bench/gen_aws_estate.py" "$n" >"$work/estate.json"
printf '{"latency_ms": %s, "page_size": 1000, "report_polls": 0}\n' "$lat" >"$work/scenario.json"
python3 "$top_srcdir/tests/aws-server/server.py" --estate "$work/estate.json" \
	--scenario "$work/scenario.json" >"$work/port" 2>"$work/server.err" &
pid=$!
i=0
while ! grep -q PORT "$work/port" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(sed -n 's/^PORT //p' "$work/port")
start=$(date +%s.%N)
AWS_ACCESS_KEY_ID=AKIDATTESTTEST000001 AWS_SECRET_ACCESS_KEY=attest/test/secret/key/0000000000000000 \
	AWS_REGION=us-east-1 AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_CONFIG_FILE=/nonexistent \
	AWS_SHARED_CREDENTIALS_FILE=/nonexistent no_proxy='*' \
	/usr/bin/time -f '%M' -o "$work/rss" "$ATTEST" collect aws --concurrency "$conc" \
	-o "$work/out.ndjson" 2>"$work/err" || { cat "$work/err"; exit 1; }
end=$(date +%s.%N)
calls=$(sed -n 's/.* \([0-9][0-9]*\) calls,.*/\1/p' "$work/err" | tail -n 1)
got=$(($(wc -l <"$work/out.ndjson") - 1))
awk -v s="$start" -v e="$end" -v c="$calls" -v l="$lat" -v k="$conc" -v r="$got" \
	-v m="$(cat "$work/rss")" 'BEGIN {
	t = e - s; ideal = c * l / 1000 / k
	printf "collect: %d resources, %d calls, %.1f s (ideal %.1f s at %d in flight, %d ms each): ratio %.2f, peak %.1f MiB\n",
		r, c, t, ideal, k, l, t / ideal, m / 1024 }'
