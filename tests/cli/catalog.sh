#!/bin/sh
# attest frameworks / attest checks: listing what is installed, filters,
# details, user directories, and errors.
. "$top_srcdir/tests/cli/lib.sh"
EX="$DATA/frameworks/example"

case_begin "frameworks lists cis-aws-3.0 with its 62 controls"
run "$ATTEST" frameworks --json
expect_status 0
cp "$WORK/out" "$WORK/fw.json"
jq_is "$WORK/fw.json" '.[] | select(.id == "cis-aws-3.0") | .counts.controls' 62
jq_is "$WORK/fw.json" '.[] | select(.id == "cis-aws-3.0") | .counts.manual' 8
jq_is "$WORK/fw.json" '[.[] | select(.counts.automated + .counts.manual != .counts.controls)] | length' 0
run "$ATTEST" frameworks
expect_status 0; expect_out "cis-aws-3.0"
case_end

case_begin "frameworks show lists every control with its checks"
run "$ATTEST" frameworks show cis-aws-3.0 --json
expect_status 0
cp "$WORK/out" "$WORK/cis.json"
jq_is "$WORK/cis.json" '.controls | length' 62
jq_is "$WORK/cis.json" '.controls[] | select(.id == "1.4") | .checks | index("iam-root-access-keys-absent") != null' true
jq_is "$WORK/cis.json" '[.controls[] | select(.assessment == "automated" and (.checks | length) == 0)] | length' 0
run "$ATTEST" frameworks show cis-aws-3.0
expect_status 0; expect_out "1.4"; expect_out "iam-root-access-keys-absent"
case_end

case_begin "checks filters by service and severity"
run "$ATTEST" checks --service iam --json
expect_status 0
jq_is "$WORK/out" '[.[] | select(.service != "iam")] | length' 0
jq_is "$WORK/out" 'length > 5' true
run "$ATTEST" checks --severity critical --json
jq_is "$WORK/out" '[.[] | select(.severity != "critical")] | length' 0
case_end

case_begin "checks filters by framework"
run "$ATTEST" checks --framework cis-aws-3.0 --json
expect_status 0
want=$(jq '[.controls[].checks[]] | unique | length' "$WORK/cis.json")
jq_is "$WORK/out" 'length' "$want"
jq_is "$WORK/out" '[.[] | select([.controls[].framework] | index("cis-aws-3.0") == null)] | length' 0
case_end

case_begin "checks show gives the query, remediation and mappings"
run "$ATTEST" checks show iam-root-mfa-enabled --json
expect_status 0
jq_is "$WORK/out" '.controls | map(select(.framework == "cis-aws-3.0"))[0].control' 1.5
jq_is "$WORK/out" '.query | test("SELECT"; "i")' true
jq_is "$WORK/out" '.remediation.cli | length > 0' true
run "$ATTEST" checks show iam-root-mfa-enabled
expect_status 0; expect_out "Remediation"; expect_out "Terraform"; expect_out "cis-aws-3.0 1.5"
case_end

case_begin "user directories add frameworks and checks"
run "$ATTEST" frameworks --frameworks-dir "$EX" --json
expect_status 0
jq_is "$WORK/out" '[.[].id] | index("acme-baseline") != null' true
ATTEST_FRAMEWORKS_PATH="$EX" run "$ATTEST" frameworks --json
jq_is "$WORK/out" '[.[].id] | index("acme-baseline") != null' true
case_end

case_begin "unknown framework or check is an error"
run "$ATTEST" frameworks show no-such-framework
expect_status 1; expect_err "no framework 'no-such-framework'"
run "$ATTEST" checks show no-such-check
expect_status 1; expect_err "no check 'no-such-check'"
case_end

case_begin "bad usage exits 2"
run "$ATTEST" checks show
expect_status 2
run "$ATTEST" frameworks --service iam
expect_status 2
run "$ATTEST" checks --bogus
expect_status 2
case_end

finish
