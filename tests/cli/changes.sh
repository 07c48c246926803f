#!/bin/sh
# What attest watch records between full scans, as the history commands show
# it: `history --changes` (filters, JSON, terminal-safe text), `show` naming
# the event and actor behind a newly failing finding, `db upgrade` of a
# version-7 database, and db export/import/check/prune carrying, validating
# and deleting the deltas with their base scan. The state is built through
# attest_store_save_delta() by tests/cli/watch_fixture, the call the watch
# makes.
. "$top_srcdir/tests/cli/lib.sh"
H="$DATA/history"
FIX="$(dirname "$ATTEST")/tests/cli/watch_fixture"
[ -x "$FIX" ] || { echo "no $FIX: run make check"; exit 99; }
DB="$WORK/h.db"
ACC=123456789012

# q1 (as of 2026-08-20) then q2 (2026-11-20): alice's access key becomes
# older than 90 days, the one finding newly failing in q2.
run "$ATTEST" scan -q --db "$DB" "$H/q1.json"
run "$ATTEST" scan -q --db "$DB" "$H/q2.json"
S0=$(sqlite3 "$DB" "SELECT scan_id FROM scans ORDER BY as_of LIMIT 1")
S1=$(sqlite3 "$DB" "SELECT scan_id FROM scans ORDER BY as_of DESC LIMIT 1")
KEYCHECK=iam-user-access-keys-rotated-90-days
CRE=AWS::IAM::CredentialReportEntry

case_begin "history --changes with nothing recorded"
run "$ATTEST" history --changes --db "$DB"
expect_status 0; expect_out "no changes match"
run "$ATTEST" history --changes --json --db "$DB"
jq_is "$WORK/out" 'length' 0
case_end

# e-before: before S0; e-early and e-cause between the scans (e-cause the
# latest, so the cause); e-fix: a fix after S1; e-bucket: a bucket of
# another account, no base scan; e-hostile: escape sequences in the actor.
"$FIX" "$DB" e-before "$S0" 2026-08-01T00:00:00Z arn:aws:iam::$ACC:user/old \
	$KEYCHECK $CRE alice $ACC global pass fail "before the first scan" &&
	"$FIX" "$DB" e-early "$S0" 2026-09-01T00:00:00Z arn:aws:iam::$ACC:user/early \
		$KEYCHECK $CRE alice $ACC global pass fail "key too old" &&
	"$FIX" "$DB" e-cause "$S0" 2026-10-01T12:00:00Z arn:aws:iam::$ACC:user/mallory \
		$KEYCHECK $CRE alice $ACC global pass fail "key 1 not rotated" &&
	"$FIX" "$DB" e-fix "$S1" 2026-11-25T00:00:00Z arn:aws:iam::$ACC:user/admin \
		$KEYCHECK $CRE alice $ACC global fail pass "rotated" &&
	"$FIX" "$DB" e-bucket - 2026-10-02T00:00:00Z - s3-bucket-default-encryption \
		AWS::S3::Bucket other 999988887777 us-east-1 - fail "new bucket" &&
	"$FIX" "$DB" e-hostile - 2026-10-03T00:00:00Z "$(printf 'evil\033[31mred\033]0;t\007')" \
		s3-bucket-default-encryption AWS::S3::Bucket gone 999988887777 us-east-1 fail - \
		"gone" || fail "cannot record the fixture's changes"

case_begin "history --changes lists deltas with their events, newest first"
run "$ATTEST" history --changes --db "$DB"
expect_status 0
[ "$(grep -c '^2026-' "$WORK/out")" = 6 ] || fail "expected 6 changes: $(cat "$WORK/out")"
head -1 "$WORK/out" | grep -q "^2026-11-25T00:00:00Z  aws.ec2 AuthorizeSecurityGroupIngress by arn:aws:iam::$ACC:user/admin at 2026-11-24T23:59:40Z (event e-fix)" ||
	fail "first line: $(head -1 "$WORK/out")"
expect_out "  - $KEYCHECK  $CRE alice ($ACC, global): fail -> pass"
expect_out "AWS::S3::Bucket other (999988887777, us-east-1): (new) -> fail"
expect_out "AWS::S3::Bucket gone (999988887777, us-east-1): fail -> (gone)"
expect_out "by an unknown actor"
tail -2 "$WORK/out" | grep -q "event e-before" || fail "oldest not last"
# the actor's escape sequences are shown escaped, never sent to the terminal
grep -q "$(printf '\033')" "$WORK/out" && fail "a raw escape reached the terminal"
grep -q "$(printf '\007')" "$WORK/out" && fail "a raw BEL reached the terminal"
expect_out 'evil\\x1B\[31mred'
case_end

case_begin "history --changes filters by time, account and count; JSON"
run "$ATTEST" history --changes --json --since 2026-09-01 --until 2026-10-02 --db "$DB"
expect_status 0
jq_is "$WORK/out" '[.[].event.key] | join(",")' "e-bucket,e-cause,e-early"
jq_is "$WORK/out" '.[1].event.actor' "arn:aws:iam::$ACC:user/mallory"
jq_is "$WORK/out" '.[1].event.base_scan' "$S0"
jq_is "$WORK/out" '.[1] | [.check, .resource.type, .resource.id, .resource.account, .resource.region, .old_status, .new_status] | join(" ")' \
	"$KEYCHECK $CRE alice $ACC global pass fail"
jq_is "$WORK/out" '.[0].old_status' null
run "$ATTEST" history --changes --json --account 999988887777 --db "$DB"
jq_is "$WORK/out" '[.[].event.key] | join(",")' "e-hostile,e-bucket"
run "$ATTEST" history --changes --json -n 2 --db "$DB"
jq_is "$WORK/out" 'length' 2
run "$ATTEST" history --changes --since tomorrow --db "$DB"
expect_status 2; expect_err "tomorrow"
run "$ATTEST" history --changes --framework cis-aws-3.0 --db "$DB"
expect_status 2; expect_err "framework"
# without --changes, history still lists scans
run "$ATTEST" history --json --db "$DB"
jq_is "$WORK/out" 'length' 2
case_end

case_begin "show names the event and the actor behind a newly failing finding"
run "$ATTEST" show "$S1" --db "$DB"
expect_status 0
expect_out "Newly failing, with the change that caused it:"
expect_out "  medium $KEYCHECK  $CRE alice ($ACC, global)"
expect_out "    aws.ec2 AuthorizeSecurityGroupIngress by arn:aws:iam::$ACC:user/mallory at 2026-10-01T11:59:40Z (event e-cause)"
grep -q "e-early\|e-before\|e-bucket\|user/old" "$WORK/out" && fail "a change that is not the cause is named"
# the first scan of its scope: e-before is before it, but alice passes there
run "$ATTEST" show "$S0" --db "$DB"
expect_status 0
grep -q "Newly failing, with the change" "$WORK/out" && fail "S0 names a cause"
case_end

case_begin "the PDF's changes section names the cause under a newly failing finding"
run "$ATTEST" report "$S1" --db "$DB" --organization Test --pdf "$WORK/s1.pdf"
expect_status 0
pdftotext "$WORK/s1.pdf" "$WORK/s1.txt" || fail "pdftotext failed"
# the section from "Newly failing" to "Fixed", joined (cells wrap)
sed -n '/^Newly failing$/,/^Fixed$/p' "$WORK/s1.txt" | tr -d '\n' >"$WORK/newly.txt"
grep -q "Caused by aws.ec2 *AuthorizeSecurityGroupIngress" "$WORK/newly.txt" ||
	fail "no cause under the newly failing finding: $(head -c 600 "$WORK/newly.txt")"
grep -q "user/mallory" "$WORK/newly.txt" || fail "the actor is not named"
grep -q "e-cause" "$WORK/newly.txt" || fail "the event is not named"
grep -q "user/early" "$WORK/newly.txt" && fail "an earlier change is named as the cause"
case_end

case_begin "the JSON result gives a newly failing finding its cause"
run "$ATTEST" show --json "$S1" --db "$DB"
expect_status 0
cp "$WORK/out" "$WORK/s1.json"
jq_is "$WORK/s1.json" '[.findings[] | select(.cause)] | length' 1
jq_is "$WORK/s1.json" '.findings[] | select(.cause) | "\(.check) \(.resource.id) \(.cause.event_key) \(.cause.actor) \(.cause.source) \(.cause.name) \(.cause.time)"' \
	"$KEYCHECK alice e-cause arn:aws:iam::$ACC:user/mallory aws.ec2 AuthorizeSecurityGroupIngress 2026-10-01T11:59:40Z"
if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 - "$top_srcdir/doc/result.schema.json" "$WORK/s1.json" <<'PY' || fail "the result with a cause does not validate"
import json, sys
from jsonschema.validators import validator_for
schema = json.load(open(sys.argv[1]))
validator_for(schema)(schema).validate(json.load(open(sys.argv[2])))
PY
fi
run "$ATTEST" show --json "$S0" --db "$DB"
jq_is "$WORK/out" '[.findings[] | select(.cause)] | length' 0
case_end

case_begin "db upgrade brings a version-7 database to version 8"
cp "$DB" "$WORK/v7.db"
sqlite3 "$WORK/v7.db" 'DROP TABLE deltas; DROP TABLE watch_events; DROP TABLE watch_dead_letters; DROP TABLE alert_outbox; PRAGMA user_version = 7' ||
	fail "cannot make a version-7 database"
run "$ATTEST" history --changes --db "$WORK/v7.db"
expect_status 1; expect_err "attest db upgrade"
run "$ATTEST" db upgrade --db "$WORK/v7.db"
expect_status 0
[ "$(sqlite3 "$WORK/v7.db" 'PRAGMA user_version')" = 8 ] || fail "not version 8"
run "$ATTEST" history --changes --db "$WORK/v7.db"
expect_status 0; expect_out "no changes match"
run "$ATTEST" db check --db "$WORK/v7.db"
expect_status 0
case_end

case_begin "export/import carry a scan's changes; db check and prune know them"
run "$ATTEST" db export "$S0" -o "$WORK/s0.attest" --db "$DB"
expect_status 0
run "$ATTEST" db import "$WORK/s0.attest" --db "$WORK/dst.db"
expect_status 0
run "$ATTEST" history --changes --json --db "$WORK/dst.db"
jq_is "$WORK/out" '[.[].event.key] | join(",")' "e-cause,e-early,e-before"
run "$ATTEST" db check --db "$WORK/dst.db"
expect_status 0
# a corrupted delta row is named by db check
cp "$DB" "$WORK/bad.db"
sqlite3 "$WORK/bad.db" "UPDATE deltas SET at = '9999-01-01T00:00:00Z' WHERE event_key = 'e-early'"
run "$ATTEST" db check --db "$WORK/bad.db"
expect_status 1; expect_out "table deltas"; expect_out "e-early"; expect_out "column at"
# ... and an export holding one is refused whole
run "$ATTEST" db export "$S0" -o "$WORK/bad.attest" --db "$WORK/bad.db"
run "$ATTEST" db import "$WORK/bad.attest" --db "$WORK/dst2.db"
expect_status 1; expect_err "table deltas"
[ "$(scan_count "$WORK/dst2.db")" = 0 ] || fail "a bad export was partly imported"
# prune S0: its three changes go with it, S1's and those of no scan stay
run "$ATTEST" db prune --keep 1 --db "$DB"
expect_status 0
run "$ATTEST" history --changes --json --db "$DB"
jq_is "$WORK/out" '[.[].event.key] | join(",")' "e-fix,e-hostile,e-bucket"
run "$ATTEST" db check --db "$DB"
expect_status 0
case_end

finish
