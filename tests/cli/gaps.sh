#!/bin/sh
# Collection gaps (issue 6, "Honest gaps"): an inventory whose collection_log
# lists failed calls scans with exit 0; the checks needing the withheld types
# are not evaluated with the failed call as their reason; the JSON, XML, PDF
# and OSCAL reports, `attest show` and the audit package list the gaps,
# with secrets in messages redacted; export/import carries them; a malformed
# log fails the scan naming the key and stores nothing; a scan without a log
# has no gaps.
. "$top_srcdir/tests/cli/lib.sh"
for tool in xmllint pdftotext qpdf openssl; do
	command -v $tool >/dev/null 2>&1 || { echo "$tool not installed: run install-deps.sh"; exit 1; }
done
# The OSCAL schema ships in tests/data/schemas (see its README).
OSCAL_XSD="$top_srcdir/tests/data/schemas/oscal-1.0.6/oscal_assessment-results_schema.xsd"
INV="$DATA/inventory/with-gaps.json"
R="$WORK/r"
mkdir -p "$R"

case_begin "an inventory with failed calls scans with exit 0 and stores its gaps"
run "$ATTEST" scan -q --json "$R/g.json" --xml "$R/g.xml" --oscal "$R/g.oscal.xml" --pdf "$R/g.pdf" "$INV"
expect_status 0
jq_is "$R/g.json" '.collection_gaps | length' 5
jq_is "$R/g.json" '.collection_gaps[0] | [.account, .region, .service, .operation, .error_code, .types[0]] | join(" ")' \
	"111122223333 eu-west-1 kms ListKeys AccessDenied AWS::KMS::Key"
jq_is "$R/g.json" '.collection_gaps[3] | [.service, .operation, .account, (.types | length)] | join(" ")' \
	"sts AssumeRole 444455556666 0"
jq_is "$R/g.json" '.collection_gaps[4] | [(.account == null), (.types | length)] | join(" ")' "true 0"
[ "$(sqlite3 "$ATTEST_DB" 'SELECT count(*) FROM scan_gaps')" = 5 ] || fail "scan_gaps does not hold 5 rows"
case_end

case_begin "checks needing a withheld type are not evaluated with the failed call as reason"
jq_is "$R/g.json" '[.checks[] | select(.resource_type == "AWS::KMS::Key")] | all(.status == "not_evaluated")' true
jq_is "$R/g.json" '[.checks[] | select(.resource_type == "AWS::KMS::Key")][0].reason' \
	"resource type AWS::KMS::Key was not collected: kms ListKeys in eu-west-1 (account 111122223333) failed: AccessDenied: User: arn:aws:sts::111122223333:assumed-role/audit/attest is not authorized to perform: kms:ListKeys because no identity-based policy allows the kms:ListKeys action (and 1 more failed call)"
jq_is "$R/g.json" '[.checks[] | select(.resource_type == "AWS::CloudTrail::Trail")][0].reason | startswith("resource type AWS::CloudTrail::Trail was not collected: cloudtrail DescribeTrails in us-east-1")' true
# a type nobody tried to collect keeps the plain reason
jq_is "$R/g.json" '[.checks[] | select(.resource_type == "AWS::RDS::DBInstance")][0].reason' \
	"resource type AWS::RDS::DBInstance was not collected"
jq_is "$R/g.json" '[.checks[] | select(.status == "pass") | .resource_type] | map(select(. == "AWS::KMS::Key" or . == "AWS::CloudTrail::Trail")) | length' 0
case_end

case_begin "a type withheld by one input's log stays not evaluated when another input collected it"
cat >"$WORK/kms-other.json" <<'EOF'
{"attest_inventory": 1, "provider": "aws", "accounts": ["555566667777"], "regions": ["us-east-1"],
 "collected_types": ["AWS::KMS::Key"],
 "resources": [{"type": "AWS::KMS::Key", "id": "k-1", "account": "555566667777", "region": "us-east-1",
   "configuration": {"KeyId": "k-1", "KeyManager": "CUSTOMER", "KeyState": "Enabled",
     "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT"},
   "supplementaryConfiguration": {"KeyRotationStatus": true}}]}
EOF
run "$ATTEST" scan -q --json "$R/two.json" "$INV" "$WORK/kms-other.json"
expect_status 0
jq_is "$R/two.json" '[.checks[] | select(.resource_type == "AWS::KMS::Key")] | all(.status == "not_evaluated")' true
jq_is "$R/two.json" '[.checks[] | select(.id == "kms-key-rotation-enabled")][0].reason | startswith("resource type AWS::KMS::Key was not collected: kms ListKeys")' true
case_end

case_begin "secrets in messages are redacted in the gaps and in the reasons"
grep -q 'wJalrXUtnFEMI' "$R/g.json" "$R/g.xml" "$R/g.oscal.xml" && fail "a secret reached a report"
sqlite3 "$ATTEST_DB" 'SELECT message FROM scan_gaps UNION ALL SELECT reason FROM scan_checks' |
	grep -q 'wJalrXUtnFEMI' && fail "a secret reached the database"
jq_is "$R/g.json" '.collection_gaps[2].message | contains("[REDACTED]")' true
case_end

case_begin "the XML report lists the gaps and validates"
xmllint --noout --nonet --schema "$top_srcdir/doc/report.xsd" "$R/g.xml" >"$WORK/xl" 2>&1 ||
	fail "does not validate: $(head -c 600 "$WORK/xl")"
[ "$(xmllint --xpath 'count(//*[local-name()="gap"])' "$R/g.xml")" = 5 ] || fail "not 5 gap elements"
grep -q '<gap account="444455556666" region="global" service="sts" operation="AssumeRole" error-code="AccessDenied">' "$R/g.xml" ||
	fail "the AssumeRole gap is missing"
grep -q '<withheld-type>AWS::KMS::Key</withheld-type>' "$R/g.xml" || fail "withheld type missing"
case_end

case_begin "OSCAL records each gap as an observation and still validates"
xmllint --noout --nonet --schema "$OSCAL_XSD" "$R/g.oscal.xml" >"$WORK/xl" 2>&1 ||
	fail "does not validate: $(head -c 600 "$WORK/xl")"
[ "$(grep -c '<title>Collection gap: ' "$R/g.oscal.xml")" = 5 ] || fail "not 5 gap observations"
grep -q 'value="OptInRequired"' "$R/g.oscal.xml" || fail "error code prop missing"
case_end

case_begin "the PDF has a Collection gaps section, outlined, and the summary says so"
pdftotext -layout "$R/g.pdf" "$R/g.txt" 2>/dev/null
grep -q 'Collection gaps' "$R/g.txt" || fail "no Collection gaps section"
grep -q '4 calls of the collection failed' "$R/g.txt" || fail "the section does not count the calls"
grep -q 'The inventory is incomplete: 4 calls' "$R/g.txt" || fail "the executive summary does not say so"
[ "$(grep -c '1 account could not be collected' "$R/g.txt")" = 2 ] ||
	fail "the summary and the section do not both name the account not collected"
grep -q 'DescribeTrails' "$R/g.txt" || fail "a failed call is not listed"
grep -q 'OptInRequired' "$R/g.txt" || fail "an error code is not listed"
qpdf --json --json-key=outlines "$R/g.pdf" >"$R/outline.json" 2>/dev/null ||
	fail "qpdf cannot read the outline"
jq -e '[.outlines[].title] | index("Collection gaps") != null' "$R/outline.json" \
	>/dev/null || fail "no outline entry 'Collection gaps'"
case_end

case_begin "attest show prints the gaps line"
run "$ATTEST" show
expect_status 0
expect_out "4 collection gaps (calls that failed): the checks that needed them are not evaluated"
expect_out "1 account could not be collected (the audit role could not be assumed there): it is outside the scope of this scan"
expect_out "sts AssumeRole in global (account 444455556666): AccessDenied"
case_end

case_begin "the audit package holds evidence/collection-gaps.json"
openssl genpkey -algorithm ed25519 -out "$WORK/k.pem" 2>/dev/null
run "$ATTEST" package latest -o "$R/pkg" -k "$WORK/k.pem"
expect_status 0
jq_is "$R/pkg/evidence/collection-gaps.json" '.collection_gaps | length' 5
grep -q '"evidence/collection-gaps.json"' "$R/pkg/manifest.json" || fail "not in the manifest"
case_end

case_begin "export and import carry the gaps"
run "$ATTEST" db export latest -o "$R/one.db"
expect_status 0
run "$ATTEST" db import "$R/one.db" --db "$WORK/other.db"
expect_status 0
run "$ATTEST" show --db "$WORK/other.db" --json
expect_status 0
cp "$WORK/out" "$R/imported.json"
[ "$(jq -c .collection_gaps "$R/imported.json")" = "$(jq -c .collection_gaps "$R/g.json")" ] ||
	fail "the imported gaps differ"
run "$ATTEST" db check
expect_status 0
case_end

case_begin "deleting a scan deletes its gaps"
run "$ATTEST" db prune --before 2999-01-01 --db "$WORK/other.db"
[ "$(sqlite3 "$WORK/other.db" 'SELECT count(*) FROM scan_gaps')" = 0 ] ||
	fail "gaps outlived their scan (prune exit $status: $(head -c 300 "$WORK/err"))"
case_end

case_begin "many gaps are summarised in the PDF and the terminal, listed whole in JSON"
jq '.collection_log = [range(0; 80) as $i | {account: "111122223333", service: "kms",
	region: "region-\($i)", operation: "ListKeys", error_code: "AccessDenied",
	message: "denied \($i)", types: ["AWS::KMS::Key"]}]' "$INV" >"$WORK/many.json"
run "$ATTEST" scan --json "$R/many.json" --pdf "$R/many.pdf" "$WORK/many.json"
expect_status 0
expect_out "80 collection gaps"
expect_out "and 75 more"
jq_is "$R/many.json" '.collection_gaps | length' 80
jq_is "$R/many.json" '[.checks[] | select(.resource_type == "AWS::KMS::Key")][0].reason | endswith("(and 79 more failed calls)")' true
pdftotext "$R/many.pdf" - 2>/dev/null | tr '\n' ' ' | grep -q 'and 20 more failed calls' ||
	fail "the PDF does not summarise beyond 60 calls"
case_end

case_begin "a malformed collection_log entry fails the scan naming the key; nothing is stored"
before=$(scan_count "$ATTEST_DB")
run "$ATTEST" scan -q --json "$R/bad.json" "$DATA/bad/collection-log-bad-entry.json"
expect_status 1
expect_err "collection-log-bad-entry.json"
expect_err "collection_log\[3\].error_code"
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored"
expect_no_file "$R/bad.json"
case_end

case_begin "a scan of an inventory without a collection_log has no gaps"
run "$ATTEST" scan -q --json "$R/plain.json" "$DATA/inventory/s3-only.json"
expect_status 0
jq_is "$R/plain.json" '.collection_gaps | length' 0
run "$ATTEST" show
grep -q 'collection gap' "$WORK/out" && fail "show mentions gaps"
case_end

finish
