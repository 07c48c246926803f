#!/bin/sh
# attest scan end to end: the sample estate, output formats, exit codes,
# not-collected data, and the history database staying untouched by failures.
. "$top_srcdir/tests/cli/lib.sh"
INV="$DATA/inventory"

case_begin "scan of the bundled sample estate"
run "$ATTEST" scan --json "$WORK/sample.json"
expect_status 0
expect_out "cis-aws-3.0"; expect_out "controls fully passing"; expect_out "posture"; expect_out "Stored as scan"
expect_file "$WORK/sample.json"
jq_is "$WORK/sample.json" '.frameworks | map(.id) | index("cis-aws-3.0") != null' true
jq_is "$WORK/sample.json" '.findings | length > 0' true
jq_is "$WORK/sample.json" '[.findings[] | select(.status == "fail")] | length > 0' true
jq_is "$WORK/sample.json" '[.findings[] | select(.resource.type == null or .check == null or .reason == null)] | length' 0
jq_is "$WORK/sample.json" '.scan.resource_count > 300' true
[ "$(scan_count "$ATTEST_DB")" = 1 ] || fail "history should hold 1 scan"
case_end

case_begin "every finding carries evidence, controls and remediation"
jq_is "$WORK/sample.json" '[.findings[] | select((.evidence | type) != "object")] | length' 0
jq_is "$WORK/sample.json" '[.findings[] | select(.controls | length == 0)] | length' 0
jq_is "$WORK/sample.json" '[.findings[] | select(.remediation.cli == null)] | length' 0
case_end

case_begin "--json - writes pure JSON to stdout, summary to stderr"
run "$ATTEST" scan --json -
expect_status 0
jq -e '.scan.id' "$WORK/out" >/dev/null || fail "stdout is not the JSON result"
expect_err "cis-aws-3.0"
case_end

case_begin "the scan id in the JSON is the stored scan"
id=$(jq -r '.scan.id' "$WORK/out")
[ "$(sqlite3 "$ATTEST_DB" "SELECT count(*) FROM scans WHERE scan_id = '$id'")" = 1 ] ||
	fail "scan $id not in the history database"
case_end

case_begin "NDJSON and JSON forms of the same estate give the same verdicts"
jq -c 'del(.resources)' "$top_srcdir/samples/estate.json" >"$WORK/estate.ndjson"
jq -c '.resources[]' "$top_srcdir/samples/estate.json" >>"$WORK/estate.ndjson"
run "$ATTEST" scan -q --json "$WORK/nd.json" "$WORK/estate.ndjson"
expect_status 0
jq -S '[.findings[] | [.check, .status, .resource.type, .resource.id]] | sort' "$WORK/sample.json" >"$WORK/a"
jq -S '[.findings[] | [.check, .status, .resource.type, .resource.id]] | sort' "$WORK/nd.json" >"$WORK/b"
cmp -s "$WORK/a" "$WORK/b" || fail "findings differ between JSON and NDJSON"
jq_is "$WORK/nd.json" '.scan.sources[0].format' attest-ndjson
case_end

case_begin "the summary says how the score moved since the previous scan"
run "$ATTEST" scan
expect_status 0; expect_out "since 2"
case_end

case_begin "--fail-under not met exits 3, met exits 0"
run "$ATTEST" scan -q --fail-under 100
expect_status 3; expect_err "below --fail-under"
run "$ATTEST" scan -q --fail-under 0
expect_status 0
case_end

case_begin "unknown framework is an error"
before=$(scan_count "$ATTEST_DB")
run "$ATTEST" scan --framework no-such-framework
expect_status 1; expect_err "unknown framework 'no-such-framework'"
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a failed scan was stored"
case_end

case_begin "a type that was not collected makes its checks not_evaluated"
run "$ATTEST" scan -q --json "$WORK/s3.json" "$INV/s3-only.json"
expect_status 0
jq_is "$WORK/s3.json" '[.checks[] | select(.resource_type == "AWS::IAM::AccountPasswordPolicy")][0].status' not_evaluated
jq_is "$WORK/s3.json" '[.checks[] | select(.status == "not_evaluated" and .status != "pass")] | length > 0' true
jq_is "$WORK/s3.json" '[.frameworks[] | select(.coverage >= 100)] | length' 0
case_end

case_begin "hostile ids and values are handled as data"
len=2000000
{ printf '{"attest_inventory":1,"provider":"aws","collected_types":["AWS::S3::Bucket"]}\n'
  printf '{"type":"AWS::S3::Bucket","id":"long-tag","account":"111122223333","region":"us-east-1","tags":{"blob":"'
  head -c $len /dev/zero | tr '\0' x
  printf '"}}\n'; } >"$WORK/long.ndjson"
run "$ATTEST" scan -q -v --json "$WORK/h.json" "$INV/hostile-values.json" "$WORK/long.ndjson"
expect_status 0
jq_is "$WORK/h.json" '[.findings[].resource.id] | index("'"'"'; DROP TABLE resources; --") != null' true
jq_is "$WORK/h.json" '[.findings[].resource.id] | index("\"quoted\" bucket") != null' true
jq_is "$WORK/h.json" '[.findings[].resource.id] | index("%s%n%x") != null' true
case_end

case_begin "a resource type no check reads is loaded as data, with a warning"
expect_err "type 'AWS::Unknown::Thing' were loaded, but no installed check reads"
case_end

case_begin "AWS Config snapshot, file naming style"
run "$ATTEST" scan -q --json "$WORK/cfg.json" "$INV/awsconfig-snapshot.json"
expect_status 0
jq_is "$WORK/cfg.json" '.scan.sources[0].format' aws-config
jq_is "$WORK/cfg.json" '[.findings[] | select(.resource.type == "AWS::S3::Bucket")] | length > 0' true
case_end

case_begin "AWS Config snapshot, API naming style"
run "$ATTEST" scan -q --json "$WORK/api.json" "$INV/awsconfig-api.json"
expect_status 0
jq_is "$WORK/api.json" '[.findings[] | select(.resource.type == "AWS::IAM::User")] | length > 0' true
case_end

case_begin "a missing input file is an error naming it"
run "$ATTEST" scan "$WORK/does-not-exist.json"
expect_status 1; expect_err "does-not-exist.json"
case_end

for f in "$DATA"/bad/*; do
	name=$(basename "$f")
	case_begin "bad input $name fails cleanly"
	before=$(scan_count "$ATTEST_DB")
	cp "$ATTEST_DB" "$WORK/before.db"
	run "$ATTEST" scan -q --json "$WORK/bad.json" "$f"
	expect_status 1
	expect_err "$name"
	case "$name" in
	empty.json|no-header.json|no-collected-types.json|wrong-version.json|collection-log-bad-entry.json) ;;
	*) expect_err "line [0-9]" ;;
	esac
	[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "the history database changed"
	expect_no_file "$WORK/bad.json"
	case_end
done

case_begin "an interrupted scan leaves no temporary copy of the estate behind"
mkdir -p "$WORK/tmp"
{ printf '{"attest_inventory":1,"provider":"aws","collected_types":["AWS::S3::Bucket"],"accounts":["111122223333"]}\n'
  awk 'BEGIN { for (i = 0; i < 60000; i++)
	printf "{\"type\":\"AWS::S3::Bucket\",\"id\":\"b%d\",\"account\":\"111122223333\",\"region\":\"us-east-1\",\"configuration\":{\"Name\":\"b%d\"},\"supplementaryConfiguration\":{\"BucketPolicy\":null}}\n", i, i }'
} >"$WORK/many.ndjson"
before=$(scan_count "$ATTEST_DB")
TMPDIR="$WORK/tmp" "$ATTEST" scan -q "$WORK/many.ndjson" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM "$pid" 2>/dev/null
wait "$pid"
[ -z "$(ls -A "$WORK/tmp")" ] || fail "left behind: $(ls "$WORK/tmp")"
after=$(scan_count "$ATTEST_DB")
[ "$after" = "$before" ] || [ "$after" = $((before + 1)) ] || fail "history changed by $((after - before)) scans"
case_end

case_begin "a file that is not a database is refused as --db"
printf 'this is not an SQLite database, just text that is long enough to matter\n' >"$WORK/junk.db"
cp "$WORK/junk.db" "$WORK/junk.orig"
run "$ATTEST" scan -q --db "$WORK/junk.db"
expect_status 1; expect_err "junk.db"
cmp -s "$WORK/junk.db" "$WORK/junk.orig" || fail "the file was modified"
case_end

case_begin "another application's SQLite database is refused"
sqlite3 "$WORK/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'
run "$ATTEST" scan -q --db "$WORK/other.db"
expect_status 1; expect_err "not an attest history database"
case_end

case_begin "a database from a newer attest is refused and left untouched"
cp "$ATTEST_DB" "$WORK/newer.db"
sqlite3 "$WORK/newer.db" 'PRAGMA user_version = 99;'
cp "$WORK/newer.db" "$WORK/newer.orig"
run "$ATTEST" scan -q --db "$WORK/newer.db"
expect_status 1; expect_err "newer attest"
cmp -s "$WORK/newer.db" "$WORK/newer.orig" || fail "the newer database was modified"
case_end

finish
