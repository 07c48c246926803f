#!/bin/sh
# --ocsf FILE (doc/ocsf.md): the findings of a scan as OCSF Compliance
# Finding events, one JSON object per line. Every line is checked against
# facts read from the OCSF schema (tests/data/ocsf, with where each comes
# from) and, finding by finding, against the JSON result of the same scan
# (tests/cli/ocsf_check.py): the class, type and enumerated ids, the
# required attributes, the status and severity mapping of pass, fail,
# excepted, not_applicable, error and not_evaluated, the counts. Then
# secrets, standard output, re-rendering and bad paths.
. "$top_srcdir/tests/cli/lib.sh"
FACTS="$DATA/ocsf/facts-1.6.0.json"
CHECK="$top_srcdir/tests/cli/ocsf_check.py"
INV="$DATA/inventory"

# check EVENTS [RESULT]: ocsf_check.py accepts them; its counts in $WORK/check.
check() {
	python3 "$CHECK" "$FACTS" "$@" >"$WORK/check" 2>&1 ||
		fail "$(head -c 1500 "$WORK/check")"
}
# count EVENTS STATUS: the events of findings whose attest status is STATUS.
count() {
	jq -c "select(.status_code == \"$2\")" "$1" | wc -l
}
# ids EVENTS STATUS: "status_id compliance.status_id severity_id" of each
# such event, once each.
ids() {
	jq -r "select(.status_code == \"$2\") | \"\(.status_id) \(.compliance.status_id) \(.severity_id)\"" \
		"$1" | sort -u | tr '\n' ';'
}

case_begin "the facts file is the OCSF schema's (class 2003 in Findings, version 1.6.0)"
jq_is "$FACTS" '.class.uid' 2003
jq_is "$FACTS" '.class.category_caption' Findings
jq_is "$FACTS" '.version' 1.6.0
jq_is "$FACTS" '.enums["compliance.status_id"].values["3"]' Fail
jq_is "$FACTS" '[.event[].required[]] | sort | join(",")' \
	"activity_id,category_uid,class_uid,cloud,compliance,finding_info,metadata,severity_id,time,type_uid"
case_end

case_begin "scan --ocsf with exceptions: every line is an event the schema's facts accept"
run "$ATTEST" scan -q --exceptions "$top_srcdir/samples/exceptions.xml" \
	--json "$WORK/e.json" --ocsf "$WORK/e.ndjson"
expect_status 0
expect_file "$WORK/e.ndjson"
check "$WORK/e.ndjson" "$WORK/e.json"
grep -q '^events: ' "$WORK/check" || fail "the checker printed no counts"
case_end

case_begin "one event per finding: the counts per status are the JSON result's"
nfind=$(jq '.findings | length' "$WORK/e.json")
[ "$nfind" -gt 1000 ] || fail "only $nfind findings in the sample scan"
[ "$(wc -l <"$WORK/e.ndjson")" = "$nfind" ] || fail "$(wc -l <"$WORK/e.ndjson") events for $nfind findings"
for s in pass fail excepted not_applicable; do
	want=$(jq "[.findings[] | select(.status == \"$s\")] | length" "$WORK/e.json")
	[ "$want" -gt 0 ] || fail "the sample scan has no $s finding"
	[ "$(count "$WORK/e.ndjson" $s)" = "$want" ] || fail "$(count "$WORK/e.ndjson" $s) $s events, $want findings"
done
case_end

case_begin "pass, fail and excepted carry the ids doc/ocsf.md states"
[ "$(jq -r '"\(.class_uid) \(.type_uid) \(.activity_id)"' "$WORK/e.ndjson" | sort -u)" = "2003 200301 1" ] ||
	fail "class/type/activity: $(jq -r '"\(.class_uid) \(.type_uid) \(.activity_id)"' "$WORK/e.ndjson" | sort -u | tr '\n' ' ')"
# pass: Resolved, compliance Pass, Informational whatever the check's severity
[ "$(ids "$WORK/e.ndjson" pass)" = "4 1 1;" ] || fail "pass: $(ids "$WORK/e.ndjson" pass)"
# fail: New, compliance Fail, the check's severity (1-5)
[ "$(ids "$WORK/e.ndjson" fail)" = "1 3 2;1 3 3;1 3 4;1 3 5;" ] || fail "fail: $(ids "$WORK/e.ndjson" fail)"
# excepted: Suppressed, compliance still Fail, the check's severity
ids "$WORK/e.ndjson" excepted | grep -Eq '^(3 3 [2-5];)+$' || fail "excepted: $(ids "$WORK/e.ndjson" excepted)"
[ "$(ids "$WORK/e.ndjson" not_applicable)" = "99 99 1;" ] ||
	fail "not_applicable: $(ids "$WORK/e.ndjson" not_applicable)"
# a critical failing snapshot: severity Critical (5) and its ARN
jq -c 'select(.status_code == "fail" and .compliance.control == "ec2-snapshot-not-public")' \
	"$WORK/e.ndjson" | head -1 >"$WORK/snap.json"
jq_is "$WORK/snap.json" '"\(.severity_id) \(.severity) \(.status)"' "5 Critical New"
jq_is "$WORK/snap.json" '.resources[0].uid_alt | startswith("arn:aws:ec2:")' true
jq_is "$WORK/snap.json" '.cloud.provider' AWS
jq_is "$WORK/snap.json" '.cloud.account.uid == .resources[0].owner.account.uid' true
case_end

case_begin "an excepted finding states its exception"
jq -c 'select(.unmapped.exception.id == "EX-2026-014")' "$WORK/e.ndjson" | head -1 >"$WORK/exc.json"
expect_file "$WORK/exc.json"
jq_is "$WORK/exc.json" '.status' Suppressed
jq_is "$WORK/exc.json" '.compliance.status' Fail
jq_is "$WORK/exc.json" '.status_detail | startswith("excepted by EX-2026-014, approved by Priya Raman")' true
jq_is "$WORK/exc.json" '.comment | startswith("Legacy SFTP drop")' true
jq_is "$WORK/exc.json" '.unmapped.exception.expires' 2027-03-31
case_end

case_begin "report --ocsf - writes the same events to standard output"
run "$ATTEST" report latest --ocsf -
expect_status 0
cmp -s "$WORK/out" "$WORK/e.ndjson" || fail "report --ocsf - differs from the file scan wrote"
run "$ATTEST" report latest --ocsf "$WORK/again.ndjson"
expect_status 0; expect_out "ocsf of scan .* written to"
cmp -s "$WORK/again.ndjson" "$WORK/e.ndjson" || fail "re-rendering the stored scan differs"
case_end

case_begin "scan --ocsf - writes only the events to standard output"
run "$ATTEST" scan --db "$WORK/stdout.db" --ocsf -
expect_status 0
check "$WORK/out"
[ "$(wc -l <"$WORK/out")" -gt 1000 ] || fail "only $(wc -l <"$WORK/out") lines on stdout"
case_end

case_begin "missing data: error findings and not_evaluated checks are Warning events"
run "$ATTEST" scan -q --db "$WORK/s3.db" --json "$WORK/s3.json" --ocsf "$WORK/s3.ndjson" \
	"$INV/s3-only.json"
expect_status 0
check "$WORK/s3.ndjson" "$WORK/s3.json"
nev=$(jq '[.checks[] | select(.status == "not_evaluated")] | length' "$WORK/s3.json")
[ "$nev" -gt 100 ] || fail "only $nev checks not evaluated"
[ "$(count "$WORK/s3.ndjson" not_evaluated)" = "$nev" ] ||
	fail "$(count "$WORK/s3.ndjson" not_evaluated) not_evaluated events for $nev checks"
[ "$(count "$WORK/s3.ndjson" error)" = "$(jq '[.findings[] | select(.status == "error")] | length' "$WORK/s3.json")" ] ||
	fail "error events differ from error findings"
[ "$(count "$WORK/s3.ndjson" error)" -gt 0 ] || fail "no error finding to check"
jq -r 'select(.status_code == "not_evaluated" or .status_code == "error") | "\(.status_id) \(.compliance.status_id) \(.compliance.status)"' \
	"$WORK/s3.ndjson" | sort -u >"$WORK/warn"
[ "$(cat "$WORK/warn")" = "1 2 Warning" ] || fail "missing data: $(tr '\n' ' ' <"$WORK/warn")"
jq -c 'select(.status_code == "not_evaluated")' "$WORK/s3.ndjson" | head -1 >"$WORK/ne.json"
jq_is "$WORK/ne.json" 'has("resources")' false
jq_is "$WORK/ne.json" '.message | test("was not collected")' true
case_end

case_begin "secrets never appear: a redacted value stays redacted"
run "$ATTEST" scan -q --db "$WORK/secrets.db" --frameworks-dir "$DATA/frameworks/evidence-dump" \
	-f evidence-dump --json "$WORK/secrets.json" --ocsf "$WORK/secrets.ndjson" "$INV/secrets.json"
expect_status 0
check "$WORK/secrets.ndjson" "$WORK/secrets.json"
jq -c 'select(.evidences[0].data.tags.db_password)' "$WORK/secrets.ndjson" | head -1 >"$WORK/sec.json"
jq_is "$WORK/sec.json" '.evidences[0].data.tags.db_password' '[REDACTED]'
for s in Tag-Pa55word-XYZZY sk_live_ENVSECRET4242 AKIAQSECRETEXAMPLE12 bearerSECRETtoken99 \
	b3BlbnNzaC1rZXktdjEPEMSECRET IyEvYmluL2Jhc2gKZXhwb3J0; do
	grep -q "$s" "$INV/secrets.json" || fail "'$s' is not in the inventory: the case proves nothing"
	grep -q "$s" "$WORK/secrets.ndjson" && fail "'$s' found in the OCSF events"
done
case_end

case_begin "the checker catches a wrong event (it can fail)"
head -1 "$WORK/e.ndjson" >"$WORK/one.ndjson"
check "$WORK/one.ndjson"
jq -c '.type_uid = 200302' "$WORK/one.ndjson" >"$WORK/bad1.ndjson"
jq -c 'del(.finding_info.uid)' "$WORK/one.ndjson" >"$WORK/bad2.ndjson"
jq -c '.compliance.status_id = 7' "$WORK/one.ndjson" >"$WORK/bad3.ndjson"
jq -c '.severity = "Low"' "$WORK/one.ndjson" >"$WORK/bad4.ndjson"
{ head -c 200 "$WORK/one.ndjson"; echo; } >"$WORK/bad5.ndjson"
jq -c '.compliance.framework = "cis"' "$WORK/one.ndjson" >"$WORK/bad6.ndjson"
jq -c 'del(.cloud)' "$WORK/one.ndjson" >"$WORK/bad7.ndjson"
for b in bad1 bad2 bad3 bad4 bad5 bad6 bad7; do
	python3 "$CHECK" "$FACTS" "$WORK/$b.ndjson" >/dev/null 2>&1 && fail "$b passed the checker"
done
# a status mapped wrongly is caught against the result
sed '0,/"status_code":"pass"/s/"status_id":4,"status":"Resolved"/"status_id":1,"status":"New"/' \
	"$WORK/e.ndjson" >"$WORK/bad8.ndjson"
cmp -s "$WORK/bad8.ndjson" "$WORK/e.ndjson" && fail "the edit did not apply"
python3 "$CHECK" "$FACTS" "$WORK/bad8.ndjson" "$WORK/e.json" >/dev/null 2>&1 &&
	fail "a pass mapped to New passed the checker"
sed 1d "$WORK/e.ndjson" >"$WORK/bad9.ndjson"
python3 "$CHECK" "$FACTS" "$WORK/bad9.ndjson" "$WORK/e.json" >/dev/null 2>&1 &&
	fail "a missing event passed the checker"
case_end

case_begin "bad paths: a missing directory fails with the path (exit 1), nothing stored"
before=$(scan_count "$ATTEST_DB")
run "$ATTEST" scan -q --ocsf "$WORK/no/such/dir/x.ndjson"
expect_status 1; expect_err "no/such/dir"
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored"
run "$ATTEST" report latest --ocsf "$WORK/no/such/dir/x.ndjson"
expect_status 1; expect_err "cannot write --ocsf output '$WORK/no/such/dir/x.ndjson'"
expect_no_file "$WORK/no"
case_end

case_begin "bad paths: the database, an input or another output is refused (usage, exit 2)"
run "$ATTEST" report latest --ocsf "$ATTEST_DB"
expect_status 2; expect_err "history database"
run "$ATTEST" scan -q --ocsf "$INV/s3-only.json" "$INV/s3-only.json"
expect_status 2
run "$ATTEST" report latest --ocsf "$WORK/same" --json "$WORK/same"
expect_status 2
run "$ATTEST" report latest --ocsf - --json -
expect_status 2
run "$ATTEST" report no-such-scan --ocsf "$WORK/x.ndjson"
expect_status 1; expect_err "no-such-scan"
expect_no_file "$WORK/x.ndjson"
case_end

case_begin "help and the man page list --ocsf for scan and report"
for cmd in scan report; do
	run "$ATTEST" help "$cmd"
	expect_status 0; expect_out "--ocsf FILE"
done
grep -q 'ocsf' "$ATTEST_MAN" || fail "attest(1) does not mention --ocsf"
case_end

finish
