#!/bin/sh
# The history commands end to end: history, show, diff, trend, db prune /
# check / export / import, forward compatibility refusals, and credentials
# kept out of the database and the reports.
. "$top_srcdir/tests/cli/lib.sh"
INV="$DATA/inventory"

case_begin "commands that read history refuse a missing database"
run "$ATTEST" history --db "$WORK/none.db"
expect_status 1; expect_err "none.db"; expect_err "attest scan"
expect_no_file "$WORK/none.db"
case_end

# The one-bucket estate is dated before the sample, so "latest" (the most
# recent configuration) stays the sample's.
sed 's/"collected_at": "[^"]*"/"collected_at": "2026-11-01T00:00:00Z"/' "$INV/s3-only.json" \
	>"$WORK/s3-only.json"
run "$ATTEST" scan -q
run "$ATTEST" scan -q
run "$ATTEST" scan -q "$WORK/s3-only.json"

case_begin "history lists every scan with scope, sources and scores"
run "$ATTEST" history
expect_status 0
[ "$(grep -c '^[0-9]\{8\}T' "$WORK/out")" = 3 ] || fail "expected 3 scans: $(cat "$WORK/out")"
expect_out "aws:210987654321,345678901234"; expect_out "estate.json"; expect_out "cis-aws-3.0 "
expect_out "as of 2026-11-20T09:30:00Z"; expect_out "as of 2026-11-01T00:00:00Z"
case_end

case_begin "history filters by account, framework, time and count"
run "$ATTEST" history --json --account 111122223333
jq_is "$WORK/out" 'length' 1
jq_is "$WORK/out" '.[0].scope' aws:111122223333
run "$ATTEST" history --json --framework cis-aws-3.0 --since 2000-01-01 --until 2999-12-31
jq_is "$WORK/out" 'length' 3
run "$ATTEST" history --json --since 2999-01-01
jq_is "$WORK/out" 'length' 0
run "$ATTEST" history --json -n 2
jq_is "$WORK/out" 'length' 2
jq_is "$WORK/out" '.[0].frameworks[0].score | type' number
run "$ATTEST" history --since yesterday
expect_status 2; expect_err "yesterday"
case_end

case_begin "show prints a stored scan like the scan summary"
id=$(sqlite3 "$ATTEST_DB" "SELECT scan_id FROM scans WHERE scope LIKE '%210987654321%' ORDER BY rowid LIMIT 1")
run "$ATTEST" show "$id"
expect_status 0; expect_out "attest scan $id"; expect_out "cis-aws-3.0"
run "$ATTEST" show --json "$(printf %s "$id" | cut -c1-22)"
jq_is "$WORK/out" '.scan.id' "$id"
run "$ATTEST" show no-such-scan
expect_status 1; expect_err "no-such-scan"
case_end

case_begin "diff defaults to the latest scan and the previous of its scope"
run "$ATTEST" scan -q
run "$ATTEST" diff --json
expect_status 0
jq_is "$WORK/out" '.from.scope == .to.scope' true
jq_is "$WORK/out" '.counts.newly_failing + .counts.fixed' 0
jq_is "$WORK/out" '.counts.still_failing == (.findings.still_failing | length)' true
jq_is "$WORK/out" '.counts.still_failing > 0' true
jq_is "$WORK/out" '.frameworks[0].delta' 0
run "$ATTEST" diff
expect_status 0; expect_out "Still failing"; expect_out "newly failing"
expect_out "0 newly failing, 0 fixed   coverage"
case_end

case_begin "diff sees fixed, newly failing, newly excepted findings and control changes"
b=$(sqlite3 "$ATTEST_DB" "SELECT scan_id FROM scans ORDER BY as_of DESC, started_at DESC, rowid DESC LIMIT 1")
sqlite3 "$ATTEST_DB" "
UPDATE findings SET status = 'pass' WHERE finding_id = (SELECT min(finding_id) FROM findings WHERE scan_id = '$b' AND status = 'fail');
UPDATE findings SET status = 'excepted' WHERE finding_id = (SELECT max(finding_id) FROM findings WHERE scan_id = '$b' AND status = 'fail');
UPDATE findings SET status = 'fail' WHERE finding_id = (SELECT max(finding_id) FROM findings WHERE scan_id = '$b' AND status = 'pass');
UPDATE scan_controls SET status = 'pass' WHERE scan_id = '$b' AND control_id = (SELECT min(control_id) FROM scan_controls WHERE scan_id = '$b' AND status = 'fail');
UPDATE scan_frameworks SET score = score + 2.5 WHERE scan_id = '$b';"
run "$ATTEST" diff --json
jq_is "$WORK/out" '[.counts.newly_failing, .counts.fixed, .counts.newly_excepted] | join(",")' 1,1,1
jq_is "$WORK/out" '.findings.fixed[0].to_status' pass
jq_is "$WORK/out" '[.controls[] | select(.to_status == "pass" and .from_status == "fail")] | length' 1
jq_is "$WORK/out" '.frameworks[0].delta' 2.5
run "$ATTEST" diff "$id" "$b"
expect_status 0; expect_out "    fixed  "; expect_out "    newly failing  "
expect_out "    newly excepted "; expect_out "Controls that changed"; expect_out "^Cause: "
case_end

case_begin "diff of a first scan has nothing to compare"
s3=$(sqlite3 "$ATTEST_DB" "SELECT scan_id FROM scans WHERE scope = 'aws:111122223333'")
run "$ATTEST" diff "$s3"
expect_status 1; expect_err "first of its scope"
case_end

case_begin "trend: chart, JSON, CSV, filters"
run "$ATTEST" trend --framework cis-aws-3.0
expect_status 0; expect_out "aws:210987654321,345678901234"; expect_out "%"
grep -q "$(printf '\033')" "$WORK/out" && fail "colour with NO_COLOR set"
run "$ATTEST" trend -f cis-aws-3.0 --ascii
grep -q '#\|\.\.\.' "$WORK/out" || fail "no ASCII bars"
run "$ATTEST" trend -f cis-aws-3.0 --json --account 210987654321
jq_is "$WORK/out" '.series | length' 1
jq_is "$WORK/out" '.series[0].points | length' 3
run "$ATTEST" trend -f cis-aws-3.0 --csv
expect_status 0
[ "$(wc -l <"$WORK/out")" = 5 ] || fail "CSV should have a header and 4 rows"
head -n 1 "$WORK/out" | grep -q '^framework,scope,scan,as_of,started_at,score' || fail "CSV header"
run "$ATTEST" trend --json
expect_status 0
jq_is "$WORK/out" '.framework' null
jq_is "$WORK/out" '[.series[].framework] | unique | length > 3' true
jq_is "$WORK/out" '[.series[] | select(.framework == "cis-aws-3.0" and (.scope | test("210987654321")))][0].points | length' 3
run "$ATTEST" trend -f no-such-fw
expect_status 1; expect_err "no-such-fw"
case_end

case_begin "db export / import round trip gives an identical show"
run "$ATTEST" db export "$id" -o "$WORK/one.attest"
expect_status 0; expect_file "$WORK/one.attest"
run "$ATTEST" show --db "$WORK/one.attest" --json "$id"
cp "$WORK/out" "$WORK/orig.json"
run "$ATTEST" db import "$WORK/one.attest" --db "$WORK/fresh.db"
expect_status 0; expect_out "$id"
run "$ATTEST" show --db "$WORK/fresh.db" --json "$id"
cmp -s "$WORK/out" "$WORK/orig.json" || fail "JSON differs after the round trip"
run "$ATTEST" show --db "$WORK/one.attest" "$id"
cp "$WORK/out" "$WORK/orig.txt"
run "$ATTEST" show --db "$WORK/fresh.db" "$id"
cmp -s "$WORK/out" "$WORK/orig.txt" || fail "summary differs after the round trip"
case_end

case_begin "db import refuses duplicates and bad files"
run "$ATTEST" db import "$WORK/one.attest" --db "$WORK/fresh.db"
expect_status 1; expect_err "already in"
printf 'not a database, only text, but long enough to be read as a header\n' >"$WORK/bad.attest"
run "$ATTEST" db import "$WORK/bad.attest" --db "$WORK/fresh.db"
expect_status 1; expect_err "bad.attest"; expect_err "not an attest export"
run "$ATTEST" db import "$ATTEST_DB" --db "$WORK/fresh.db"
expect_status 1; expect_err "holds 4 scans"
head -c 3000 "$WORK/one.attest" >"$WORK/cut.attest"
run "$ATTEST" db import "$WORK/cut.attest" --db "$WORK/fresh.db"
expect_status 1; expect_err "cut.attest"
[ "$(scan_count "$WORK/fresh.db")" = 1 ] || fail "a refused import changed the database"
run "$ATTEST" db export "$id"
expect_status 2
case_end

case_begin "db check passes a good database and reports an incomplete scan"
run "$ATTEST" db check
expect_status 0; expect_out "ok"
cp "$ATTEST_DB" "$WORK/broken.db"
sqlite3 "$WORK/broken.db" "DELETE FROM scan_controls WHERE scan_id = '$id'"
run "$ATTEST" db check --db "$WORK/broken.db"
expect_status 1; expect_out "incomplete"
case_end

case_begin "db prune keeps the most recent N per scope, --before by date"
cp "$ATTEST_DB" "$WORK/prune.db"
run "$ATTEST" db prune --keep 1 --dry-run --db "$WORK/prune.db"
expect_status 0; expect_out "would delete 2 scans"
[ "$(scan_count "$WORK/prune.db")" = 4 ] || fail "dry run deleted"
run "$ATTEST" db prune --keep 1 --db "$WORK/prune.db"
expect_out "deleted 2 scans"
[ "$(scan_count "$WORK/prune.db")" = 2 ] || fail "expected 2 scans left"
[ "$(sqlite3 "$WORK/prune.db" "SELECT count(*) FROM findings WHERE scan_id NOT IN (SELECT scan_id FROM scans)")" = 0 ] ||
	fail "findings of pruned scans remain"
run "$ATTEST" db prune --before 2999-01-01 --db "$WORK/prune.db"
[ "$(scan_count "$WORK/prune.db")" = 0 ] || fail "--before left scans"
run "$ATTEST" db prune --db "$WORK/prune.db"
expect_status 2
case_end

case_begin "a database from a newer attest is refused by every command"
cp "$ATTEST_DB" "$WORK/newer.db"
sqlite3 "$WORK/newer.db" 'PRAGMA user_version = 99;'
cp "$WORK/newer.db" "$WORK/newer.orig"
for c in history "show latest" diff "trend -f cis-aws-3.0" "db check"; do
	run "$ATTEST" $c --db "$WORK/newer.db"
	expect_status 1; expect_err "newer attest"
done
cmp -s "$WORK/newer.db" "$WORK/newer.orig" || fail "the newer database was modified"
case_end

case_begin "a corrupt file as --db fails with a clear error"
head -c 8192 "$ATTEST_DB" >"$WORK/corrupt.db"
dd if=/dev/urandom of="$WORK/corrupt.db" bs=1 seek=100 count=4000 conv=notrunc 2>/dev/null
run "$ATTEST" history --db "$WORK/corrupt.db"
expect_status 1; expect_err "corrupt.db"
case_end

case_begin "credentials in the inventory never reach the database or the reports"
run "$ATTEST" scan -q --db "$WORK/secrets.db" --frameworks-dir "$DATA/frameworks/evidence-dump" \
	-f evidence-dump --json "$WORK/secrets.json" "$INV/secrets.json"
expect_status 0
jq_is "$WORK/secrets.json" '.findings[0].evidence.configuration.MetadataOptions.HttpTokens' required
jq_is "$WORK/secrets.json" '.findings[0].evidence.tags.db_password' '[REDACTED]'
for s in Tag-Pa55word-XYZZY sk_live_ENVSECRET4242 AKIAQSECRETEXAMPLE12 bearerSECRETtoken99 \
	b3BlbnNzaC1rZXktdjEPEMSECRET IyEvYmluL2Jhc2gKZXhwb3J0; do
	for f in "$WORK"/secrets.db*; do
		grep -q "$s" "$f" && fail "'$s' found in $(basename "$f")"
	done
	grep -q "$s" "$WORK/secrets.json" && fail "'$s' found in the JSON result"
done
run "$ATTEST" db export latest -o "$WORK/secrets.attest" --db "$WORK/secrets.db"
grep -q "XYZZY" "$WORK/secrets.attest" && fail "secret in the export"
case_end

finish
