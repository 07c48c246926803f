#!/bin/sh
# Hostile and unlucky user input to the engine, end to end (issue 10):
# a user check that forges another check's results (defect 3), check SQL
# that never ends or floods (11), BLOB evidence (12), a `*` exception (10)
# and an expiry in the year 10000 (25). The generated variants of each class
# are in tests/unit/test_engine.c; this script shows the program's side:
# exit status, messages with file and line, what is stored and reported.
. "$top_srcdir/tests/cli/lib.sh"
INV="$DATA/hostile/inventory.json"
FW="$WORK/fw"
mkdir -p "$FW/checks"

# checks ID:QUERY...: writes user checks judging S3 buckets, and a catalog
# "hostile" with one control per check.
checks() {
	{
		echo '<checks xmlns="urn:attest:checks:1">'
		for spec in "$@"; do
			cat <<EOF
  <check id="${spec%%:*}">
    <title>t</title><service>s3</service><severity>low</severity>
    <resource-type>AWS::S3::Bucket</resource-type>
    <rationale>r</rationale>
    <remediation><steps>s</steps><cli>c</cli><terraform>t</terraform></remediation>
    <query><![CDATA[${spec#*:}]]></query>
  </check>
EOF
		done
		echo '</checks>'
	} >"$FW/checks/hostile.xml"
	{
		echo '<framework xmlns="urn:attest:framework:1" id="hostile" version="1">'
		echo '<title>t</title><publisher>p</publisher><description>d</description>'
		echo '<section id="1"><title>s</title>'
		for spec in "$@"; do
			echo "<control id=\"${spec%%:*}\" assessment=\"automated\"><title>c</title>"
			echo "<check ref=\"${spec%%:*}\"/></control>"
		done
		echo '</section></framework>'
	} >"$FW/hostile.xml"
}

OK="hostile-ok:SELECT rid, 'pass' AS status, 'ok' AS reason, NULL AS evidence
  FROM resources WHERE type = 'AWS::S3::Bucket'"
BASE="SELECT rid, 'fail' AS status, 'x' AS reason, NULL AS evidence
  FROM resources WHERE type = 'AWS::S3::Bucket'"
FOREVER="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"

# The baseline: PCI DSS over the inventory, without any user check.
run "$ATTEST" scan -q --framework pci-dss-4.0 --json "$WORK/base.json" "$INV"
BASE_SCORE=$(jq -r '.frameworks[0].score' "$WORK/base.json")

case_begin "a check cannot forge another check's rows (defect 3)"
checks "$OK" "hostile-forge:$BASE) AS q UNION ALL SELECT 'kms-key-rotation-enabled', rid, 'pass', 'x', '{}' FROM resources /*"
before=$(scan_count "$ATTEST_DB")
run "$ATTEST" scan -q --frameworks-dir "$FW" --framework pci-dss-4.0 --framework hostile "$INV"
expect_status 1
expect_err "hostile.xml' at line [0-9]*: the query of check 'hostile-forge' does not compile"
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored"
# The same rows as a legal UNION stay the forging check's own: error rows
# about resources that are not buckets, and nothing for the bundled check.
checks "$OK" "hostile-forge:$BASE UNION ALL SELECT rid, 'pass', 'x', '{}' FROM resources WHERE type <> 'AWS::S3::Bucket'"
run "$ATTEST" scan -q --frameworks-dir "$FW" --framework pci-dss-4.0 --framework hostile \
	--json "$WORK/forge.json" "$INV"
expect_status 0
jq_is "$WORK/forge.json" '.checks[] | select(.id == "kms-key-rotation-enabled") | .status' not_applicable
jq_is "$WORK/forge.json" '[.findings[] | select(.check == "kms-key-rotation-enabled")] | length' 0
jq_is "$WORK/forge.json" '.frameworks[] | select(.id == "pci-dss-4.0") | .score' "$BASE_SCORE"
jq_is "$WORK/forge.json" '[.findings[] | select(.check == "hostile-forge") | .status] | sort | unique | join(",")' "error,fail"
jq_is "$WORK/forge.json" '[.findings[] | select(.check == "hostile-forge" and .status == "error")][0].reason' \
	"check judged a row that is not a AWS::S3::Bucket"
case_end

case_begin "a check that never ends is stopped, the scan goes on (defect 11)"
checks "$OK" "hostile-loop:$FOREVER SELECT r.rid, 'pass' AS status, 'x' AS reason, NULL AS evidence
  FROM resources r, n WHERE r.type = 'AWS::S3::Bucket' AND n.i < 0"
t0=$(date +%s)
ATTEST_CHECK_TIME_LIMIT=0.5 run "$ATTEST" scan -q --frameworks-dir "$FW" --framework hostile \
	--json "$WORK/loop.json" "$INV"
expect_status 0
[ $(($(date +%s) - t0)) -lt 30 ] || fail "the scan took $(($(date +%s) - t0)) s"
jq_is "$WORK/loop.json" '.checks[] | select(.id == "hostile-loop") | .status + ": " + .reason' \
	"error: check 'hostile-loop' ran longer than its time limit of 0.5 s (ATTEST_CHECK_TIME_LIMIT) and was stopped"
jq_is "$WORK/loop.json" '.checks[] | select(.id == "hostile-ok") | .status' pass
expect_err "check 'hostile-loop' ('$FW/checks/hostile.xml' line [0-9]*) is error"
case_end

case_begin "a check that returns rows without end is stopped (defect 11)"
checks "$OK" "hostile-flood:$FOREVER SELECT (SELECT min(rid) FROM resources WHERE type = 'AWS::S3::Bucket') AS rid,
  'pass' AS status, printf('%.*c', 1000, 'x') AS reason, NULL AS evidence FROM n"
ATTEST_CHECK_ROW_LIMIT=500 run "$ATTEST" scan -q --frameworks-dir "$FW" --framework hostile \
	--json "$WORK/flood.json" "$INV"
expect_status 0
jq_is "$WORK/flood.json" '.checks[] | select(.id == "hostile-flood") | .reason' \
	"check 'hostile-flood' returned more than 500 rows, its row limit (ATTEST_CHECK_ROW_LIMIT), and was stopped"
jq_is "$WORK/flood.json" '[.findings[] | select(.check == "hostile-flood")] | length' 0
ATTEST_CHECK_BYTE_LIMIT=100000 run "$ATTEST" scan -q --frameworks-dir "$FW" --framework hostile \
	--json "$WORK/bytes.json" "$INV"
expect_status 0
jq_is "$WORK/bytes.json" '.checks[] | select(.id == "hostile-flood") | .reason' \
	"check 'hostile-flood' returned more than 100000 bytes of status, reason and evidence, its byte limit (ATTEST_CHECK_BYTE_LIMIT), and was stopped"
case_end

case_begin "a malformed limit is refused before anything is scanned"
before=$(scan_count "$ATTEST_DB")
for v in nan inf 0 -5 0x10 1e3 "5 s" 100000; do
	ATTEST_CHECK_TIME_LIMIT=$v run "$ATTEST" scan -q --framework hostile --frameworks-dir "$FW" "$INV"
	expect_status 1
	expect_err "ATTEST_CHECK_TIME_LIMIT must be a number of seconds"
done
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored"
case_end

case_begin "BLOB evidence makes the check error, not the scan (defect 12)"
checks "$OK" "hostile-blob:SELECT rid, 'pass' AS status, 'x' AS reason, x'00ff' AS evidence
  FROM resources WHERE type = 'AWS::S3::Bucket'"
run "$ATTEST" scan -q --frameworks-dir "$FW" --framework hostile --json "$WORK/blob.json" "$INV"
expect_status 0
jq_is "$WORK/blob.json" '.checks[] | select(.id == "hostile-blob") | .status + ": " + .reason' \
	"error: column 'evidence' of the query is a BLOB; evidence must be text (or NULL)"
jq_is "$WORK/blob.json" '.checks[] | select(.id == "hostile-ok") | .status' pass
expect_err "check 'hostile-blob' ('$FW/checks/hostile.xml' line [0-9]*) is error: column 'evidence'"
case_end

EXC='<exceptions xmlns="urn:attest:exceptions:1">'
exception() { # ATTRS MATCH EXPIRES
	printf '%s\n<exception id="X1"%s><check>s3-bucket-denies-insecure-transport</check>\n<match>%s</match>\n<justification>j</justification><approver>a</approver>\n<expires>%s</expires></exception>\n</exceptions>\n' \
		"$EXC" "$1" "$2" "$3" >"$WORK/exc.xml"
}

case_begin "a '*' exception is refused unless it says scope=\"all\" (defect 10)"
before=$(scan_count "$ATTEST_DB")
for m in '<resource-id>*</resource-id>' \
	'<resource-id>*</resource-id><arn>*</arn><account>*</account><region>*</region>' \
	'<account>[0-9]*</account>' '<region>*-*-?</region>'; do
	exception "" "$m" 2030-01-01
	run "$ATTEST" scan -q --framework pci-dss-4.0 --exceptions "$WORK/exc.xml" "$INV"
	expect_status 1
	expect_err "exc.xml' at line 2: exception 'X1' matches every resource"
done
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored"
exception ' scope="all"' '<resource-id>*</resource-id>' 2030-01-01
run "$ATTEST" scan --framework pci-dss-4.0 --exceptions "$WORK/exc.xml" --json "$WORK/all.json" "$INV"
expect_status 0
expect_err "exception 'X1' ('$WORK/exc.xml' line 2) excepts every failure of check 's3-bucket-denies-insecure-transport' (scope=\"all\") until 2030-01-01"
jq_is "$WORK/all.json" '.checks[] | select(.id == "s3-bucket-denies-insecure-transport") | .status' excepted
jq_is "$WORK/all.json" '.exceptions[0].matched' 2
case_end

case_begin "an expiry in the year 10000 is in force (defect 25)"
exception "" '<resource-id>hostile-a</resource-id>' 10000-01-01
printf '%s\n' '<attestations xmlns="urn:attest:attestations:1">' \
	'<attestation framework="pci-dss-4.0" control="1.1.1"><attested-by>a</attested-by>' \
	'<date>2026-01-01</date><statement>s</statement><expires>10000-01-01</expires></attestation>' \
	'</attestations>' >"$WORK/att.xml"
run "$ATTEST" scan -q --framework pci-dss-4.0 --exceptions "$WORK/exc.xml" \
	--attestations "$WORK/att.xml" --json "$WORK/y10k.json" "$INV"
expect_status 0
jq_is "$WORK/y10k.json" '.exceptions[0] | "\(.in_force) \(.matched)"' "true 1"
jq_is "$WORK/y10k.json" '.attestations[0].in_force' true
jq_is "$WORK/y10k.json" '.frameworks[0].controls[] | select(.id == "1.1.1") | .status' attested
exception "" '<resource-id>hostile-a</resource-id>' 1234567890-01-01
run "$ATTEST" scan -q --framework pci-dss-4.0 --exceptions "$WORK/exc.xml" "$INV"
expect_status 1
expect_err "exc.xml' at line 5: <expires> of exception 'X1' is not a date"
case_end

finish
