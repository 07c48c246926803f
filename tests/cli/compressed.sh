#!/bin/sh
# gzip-compressed inputs: AWS Config delivers snapshots to S3 as .json.gz,
# and large NDJSON inventories are kept compressed. They must scan exactly
# like their plain text, be named by the digest of the file on disk, and a
# damaged file must fail with an error naming it, leaving history untouched.
. "$top_srcdir/tests/cli/lib.sh"
command -v gzip >/dev/null 2>&1 || { echo "gzip not installed: skipped"; exit 77; }
INV="$DATA/inventory"
ESTATE="$top_srcdir/samples/estate.json"
verdicts() { jq -S '[.findings[] | [.check, .status, .resource.type, .resource.id]] | sort' "$1"; }

"$ATTEST" scan -q --db "$WORK/plain.db" --json "$WORK/plain.json" "$ESTATE" >/dev/null 2>&1 ||
	echo "the plain scan failed" >&2
verdicts "$WORK/plain.json" >"$WORK/plain.v"

case_begin "a gzipped JSON inventory scans like the plain one"
gzip -c "$ESTATE" >"$WORK/estate.json.gz"
run "$ATTEST" scan -q --json "$WORK/gz.json" "$WORK/estate.json.gz"
expect_status 0
verdicts "$WORK/gz.json" >"$WORK/gz.v"
cmp -s "$WORK/plain.v" "$WORK/gz.v" || fail "verdicts differ: $(diff "$WORK/plain.v" "$WORK/gz.v" | head -5)"
jq_is "$WORK/gz.json" '.scan.sources[0].format' attest-json
jq_is "$WORK/gz.json" '.scan.sources[0].sha256' "$(sha256sum "$WORK/estate.json.gz" | cut -d' ' -f1)"
jq_is "$WORK/gz.json" '.scan.sources[0].bytes' "$(wc -c <"$WORK/estate.json.gz" | tr -d ' ')"
case_end

case_begin "gzipped NDJSON in several gzip members (cat a.gz b.gz), and from stdin"
jq -c 'del(.resources)' "$ESTATE" >"$WORK/estate.ndjson"
jq -c '.resources[]' "$ESTATE" >>"$WORK/estate.ndjson"
n=$(wc -l <"$WORK/estate.ndjson")
head -n $((n / 2)) "$WORK/estate.ndjson" | gzip -c >"$WORK/multi.ndjson.gz"
tail -n +$((n / 2 + 1)) "$WORK/estate.ndjson" | gzip -c >>"$WORK/multi.ndjson.gz"
run "$ATTEST" scan -q --json "$WORK/multi.json" "$WORK/multi.ndjson.gz"
expect_status 0
verdicts "$WORK/multi.json" >"$WORK/multi.v"
cmp -s "$WORK/plain.v" "$WORK/multi.v" || fail "verdicts differ for the two-member file"
jq_is "$WORK/multi.json" '.scan.sources[0].format' attest-ndjson
"$ATTEST" scan -q --json "$WORK/stdin.json" - <"$WORK/multi.ndjson.gz" >/dev/null 2>"$WORK/err" ||
	fail "scan of gzip on stdin failed: $(cat "$WORK/err")"
verdicts "$WORK/stdin.json" >"$WORK/stdin.v"
cmp -s "$WORK/plain.v" "$WORK/stdin.v" || fail "verdicts differ for gzip on stdin"
case_end

case_begin "a gzipped AWS Config snapshot imports like the plain one"
"$ATTEST" scan -q --db "$WORK/cfg.db" --json "$WORK/cfg-plain.json" "$INV/awsconfig-snapshot.json" \
	>/dev/null 2>&1 || fail "plain snapshot scan failed"
gzip -c "$INV/awsconfig-snapshot.json" >"$WORK/snap.json.gz"
run "$ATTEST" scan -q --json "$WORK/cfg-gz.json" "$WORK/snap.json.gz"
expect_status 0
jq_is "$WORK/cfg-gz.json" '.scan.sources[0].format' aws-config
verdicts "$WORK/cfg-plain.json" >"$WORK/a"
verdicts "$WORK/cfg-gz.json" >"$WORK/b"
cmp -s "$WORK/a" "$WORK/b" || fail "snapshot verdicts differ"
jq_is "$WORK/cfg-gz.json" '.scan.resource_count' "$(jq '.scan.resource_count' "$WORK/cfg-plain.json")"
case_end

# damaged FILE WHAT: the scan fails naming the file, and history is unchanged.
damaged() {
	before=$(scan_count "$ATTEST_DB")
	run "$ATTEST" scan -q --json "$WORK/bad.json" "$1"
	expect_status 1
	expect_err "$(basename "$1")"
	expect_err "$2"
	expect_no_file "$WORK/bad.json"
	[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "the history database changed"
}

case_begin "a truncated gzip file fails, even when the JSON inside looks complete"
size=$(wc -c <"$WORK/estate.json.gz")
head -c $((size - 4)) "$WORK/estate.json.gz" >"$WORK/cut-trailer.json.gz"
damaged "$WORK/cut-trailer.json.gz" "truncated"
head -c $((size / 2)) "$WORK/estate.json.gz" >"$WORK/cut-half.json.gz"
damaged "$WORK/cut-half.json.gz" "gzip"
case_end

case_begin "a corrupted byte inside gzip data fails with the decompression error"
python3 - "$WORK/estate.json.gz" "$WORK/flip.json.gz" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0xFF
open(sys.argv[2], "wb").write(data)
EOF
damaged "$WORK/flip.json.gz" "decompress"
case_end

case_begin "garbage after the last gzip member fails"
{ cat "$WORK/estate.json.gz"; printf 'not gzip at all'; } >"$WORK/trail.json.gz"
damaged "$WORK/trail.json.gz" "decompress"
case_end

finish
