#!/bin/sh
# Exceptions and attestations: applied to the right findings and controls,
# never turned into passes, lapsing at expiry, and refusing bad entries with
# file and line.
. "$top_srcdir/tests/cli/lib.sh"
S="$top_srcdir/samples"

case_begin "sample exceptions and attestations apply"
run "$ATTEST" scan -q --exceptions "$S/exceptions.xml" --attestations "$S/attestations.xml" \
	--json "$WORK/r.json"
expect_status 0
jq_is "$WORK/r.json" '[.findings[] | select(.status == "excepted")] | length > 0' true
jq_is "$WORK/r.json" '[.findings[] | select(.status == "excepted" and .exception == null)] | length' 0
jq_is "$WORK/r.json" '[.findings[] | select(.exception == "EX-2026-014")][0].resource.id' sg-9997aad8c91cb161d
jq_is "$WORK/r.json" '[.findings[] | select(.exception == "EX-2026-021") | .resource.id | startswith("northwind-prod-")] | all' true
jq_is "$WORK/r.json" '.exceptions | map(select(.id == "EX-2026-014"))[0].in_force' true
jq_is "$WORK/r.json" '.exceptions | map(select(.id == "EX-2026-014"))[0].matched' 1
case_end

case_begin "an excepted finding is never a pass"
jq_is "$WORK/r.json" '[.findings[] | select(.exception != null and .status != "excepted")] | length' 0
case_end

case_begin "an expired exception does not apply and the scan warns"
expect_err "EX-2025-007"
expect_err "expired"
jq_is "$WORK/r.json" '[.findings[] | select(.exception == "EX-2025-007")] | length' 0
jq_is "$WORK/r.json" '.exceptions | map(select(.id == "EX-2025-007"))[0].in_force' false
case_end

case_begin "attested manual controls count as satisfied, expired ones do not"
jq_is "$WORK/r.json" '.frameworks[] | select(.id == "cis-aws-3.0") | .controls[] | select(.id == "1.1") | .status' attested
jq_is "$WORK/r.json" '.frameworks[] | select(.id == "cis-aws-3.0") | .controls[] | select(.id == "5.5") | .status' manual
jq_is "$WORK/r.json" '.frameworks[] | select(.id == "cis-aws-3.0") | .counts.attested' 2
expect_err "control '5.5'"
case_end

case_begin "attestations raise the score, exceptions never add passes"
run "$ATTEST" scan -q --json "$WORK/plain.json"
plain=$(jq '.frameworks[] | select(.id == "cis-aws-3.0") | .counts.pass' "$WORK/plain.json")
jq_is "$WORK/r.json" '.frameworks[] | select(.id == "cis-aws-3.0") | .counts.pass' "$plain"
case_end

case_begin "an exception never hides an error of the same check"
cat >"$WORK/vols.json" <<'JSON'
{"attest_inventory": 1, "provider": "aws", "collected_at": "2026-11-20T10:00:00Z",
 "accounts": ["111122223333"], "regions": ["us-east-1"],
 "collected_types": ["AWS::EC2::Volume", "AWS::EC2::EBSEncryptionByDefault"],
 "resources": [
  {"type": "AWS::EC2::Volume", "id": "vol-a", "account": "111122223333", "region": "us-east-1",
   "configuration": {"VolumeId": "vol-a", "Encrypted": false, "State": "in-use"}},
  {"type": "AWS::EC2::Volume", "id": "vol-b", "account": "111122223333", "region": "us-east-1",
   "configuration": {"VolumeId": "vol-b", "State": "in-use"}}]}
JSON
cat >"$WORK/vol-exc.xml" <<'XML'
<exceptions xmlns="urn:attest:exceptions:1">
  <exception id="EX-VOL"><check>ec2-ebs-volume-encrypted</check>
    <match><resource-id>vol-a</resource-id></match>
    <justification>test</justification><approver>test</approver><expires>2030-01-01</expires>
  </exception>
</exceptions>
XML
run "$ATTEST" scan -q --framework cis-aws-3.0 --exceptions "$WORK/vol-exc.xml" \
	--json "$WORK/vols.out.json" "$WORK/vols.json"
expect_status 0
jq_is "$WORK/vols.out.json" '.findings[] | select(.resource.id == "vol-a") | .status' excepted
jq_is "$WORK/vols.out.json" '.findings[] | select(.resource.id == "vol-b") | .status' error
jq_is "$WORK/vols.out.json" '.checks[] | select(.id == "ec2-ebs-volume-encrypted") | .status' error
case_end

bad() { # NAME FILE-CONTENT OPTION EXPECTED-STDERR
	case_begin "$1"
	printf '%s\n' "$2" >"$WORK/bad.xml"
	before=$(scan_count "$ATTEST_DB")
	run "$ATTEST" scan -q "$3" "$WORK/bad.xml"
	expect_status 1; expect_err "bad.xml"; expect_err "$4"
	[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored"
	case_end
}

HEAD='<exceptions xmlns="urn:attest:exceptions:1">'
bad "exception naming an unknown check" "$HEAD
<exception id=\"X1\"><check>no-such-check</check><match><account>1</account></match>
<justification>j</justification><approver>a</approver><expires>2030-01-01</expires></exception>
</exceptions>" --exceptions "line 2.*unknown check 'no-such-check'"

bad "exception matching everything" "$HEAD
<exception id=\"X1\"><check>iam-root-mfa-enabled</check><match/>
<justification>j</justification><approver>a</approver><expires>2030-01-01</expires></exception>
</exceptions>" --exceptions "matches every resource"

bad "exception without an approver" "$HEAD
<exception id=\"X1\"><check>iam-root-mfa-enabled</check><match><account>1</account></match>
<justification>j</justification><expires>2030-01-01</expires></exception>
</exceptions>" --exceptions "line [0-9]"

bad "exception with a bad date" "$HEAD
<exception id=\"X1\"><check>iam-root-mfa-enabled</check><match><account>1</account></match>
<justification>j</justification><approver>a</approver><expires>next year</expires></exception>
</exceptions>" --exceptions "line [0-9]"

bad "duplicate exception ids" "$HEAD
<exception id=\"X1\"><check>iam-root-mfa-enabled</check><match><account>1</account></match>
<justification>j</justification><approver>a</approver><expires>2030-01-01</expires></exception>
<exception id=\"X1\"><check>iam-root-mfa-enabled</check><match><account>2</account></match>
<justification>j</justification><approver>a</approver><expires>2030-01-01</expires></exception>
</exceptions>" --exceptions "line [0-9]"

AHEAD='<attestations xmlns="urn:attest:attestations:1">'
bad "attestation of an unknown control" "$AHEAD
<attestation framework=\"cis-aws-3.0\" control=\"9.99\"><attested-by>a</attested-by>
<date>2026-01-01</date><statement>s</statement><expires>2030-01-01</expires></attestation>
</attestations>" --attestations "line 2.*no control '9.99'"

bad "attestation of an automated control" "$AHEAD
<attestation framework=\"cis-aws-3.0\" control=\"1.4\"><attested-by>a</attested-by>
<date>2026-01-01</date><statement>s</statement><expires>2030-01-01</expires></attestation>
</attestations>" --attestations "is automated"

bad "attestation file that is not well-formed" "$AHEAD
<attestation framework=\"cis-aws-3.0\" control=\"1.1\">
</attestations>" --attestations "line [0-9]"

case_begin "a missing exceptions file is an error"
run "$ATTEST" scan -q --exceptions "$WORK/nope.xml"
expect_status 1; expect_err "nope.xml"
case_end

finish
