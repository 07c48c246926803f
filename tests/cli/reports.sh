#!/bin/sh
# The machine-readable reports (doc/report-formats.md): native XML, OSCAL,
# XCCDF, JUnit and CSV of the sample scan, each checked against its schema or
# parsed, hostile inventory values surviving intact, all formats written by
# one scan, and re-rendering a stored scan giving byte-identical documents.
# The OSCAL and XCCDF schemas ship in tests/data/schemas (see its README);
# a case whose schema or tool (install-deps.sh installs them) is missing
# fails, it is never skipped.
. "$top_srcdir/tests/cli/lib.sh"
STD="$top_srcdir/tests/data/schemas"
OSCAL_XSD="$STD/oscal-1.0.6/oscal_assessment-results_schema.xsd"
OSCAL12_XSD="$STD/oscal-1.2.1/oscal_assessment-results_schema.xsd"
XCCDF_XSD="$STD/xccdf-1.2/xccdf_1.2.xsd"
R="$WORK/r"
mkdir -p "$R"

command -v xmllint >/dev/null || { echo "xmllint not installed: run install-deps.sh"; exit 1; }


# validate FILE XSD: xmllint --schema must accept it.
validate() {
	xmllint --noout --nonet --schema "$2" "$1" >"$WORK/xl" 2>&1 ||
		fail "$(basename "$1") does not validate against $(basename "$2"): $(head -c 800 "$WORK/xl")"
}
# xcount FILE XPATH: the number of nodes matching (namespaces stripped).
xcount() {
	xmllint --xpath "count($2)" "$1" 2>/dev/null
}

case_begin "one scan writes every format at once"
run "$ATTEST" scan -q --json "$R/s.json" --xml "$R/s.xml" --oscal "$R/s.oscal.xml" \
	--xccdf "$R/s.xccdf.xml" --junit "$R/s.junit.xml" --csv "$R/s.csv"
expect_status 0
for f in s.json s.xml s.oscal.xml s.xccdf.xml s.junit.xml s.csv; do expect_file "$R/$f"; done
ls "$R" | grep -q 'tmp-' && fail "a temporary file was left behind"
case_end
nfind=$(jq '.findings | length' "$R/s.json")
nctl=$(jq '[.frameworks[].controls[]] | length' "$R/s.json")
nchk=$(jq '.checks | length' "$R/s.json")
nfail=$(jq '[.frameworks[].controls[] | select(.status == "fail")] | length' "$R/s.json")
sid=$(jq -r '.scan.id' "$R/s.json")

case_begin "the native XML report validates against doc/report.xsd and matches the JSON"
validate "$R/s.xml" "$top_srcdir/doc/report.xsd"
[ "$(xcount "$R/s.xml" '//*[local-name()="finding"]')" = "$nfind" ] || fail "finding count differs from JSON ($nfind)"
[ "$(xcount "$R/s.xml" '//*[local-name()="control"][@status]')" = "$nctl" ] || fail "control count differs"
[ "$(xcount "$R/s.xml" '/*/*[local-name()="checks"]/*')" = "$nchk" ] || fail "check count differs"
grep -q "<inventory-sha256>$(jq -r .scan.inventory_sha256 "$R/s.json")</inventory-sha256>" "$R/s.xml" ||
	fail "inventory digest missing"
grep -q 'media-type="application/json">{' "$R/s.xml" || fail "evidence JSON missing"
case_end

case_begin "a broken native XML report is caught by the schema (the check can fail)"
sed 's/status="fail"/status="failed"/' "$R/s.xml" >"$R/bad.xml"
xmllint --noout --schema "$top_srcdir/doc/report.xsd" "$R/bad.xml" >/dev/null 2>&1 &&
	fail "a wrong status validated"
sed '0,/<check>iam-root/s/<check>iam-root/<check>no-such-check-iam-root/' "$R/s.xml" >"$R/bad2.xml"
xmllint --noout --schema "$top_srcdir/doc/report.xsd" "$R/bad2.xml" >/dev/null 2>&1 &&
	fail "a reference to a missing check validated"
case_end

case_begin "OSCAL assessment results validate against NIST's schemas"
if [ -r "$OSCAL_XSD" ]; then
	validate "$R/s.oscal.xml" "$OSCAL_XSD"
	validate "$R/s.oscal.xml" "$OSCAL12_XSD"
	[ "$(xcount "$R/s.oscal.xml" '//*[local-name()="include-control"]')" = "$nctl" ] ||
		fail "include-control count is not the control count $nctl"
	nassessed=$(jq '[.frameworks[].controls[] | select(.status != "manual" and .status != "not_evaluated" and .status != "error")] | length' "$R/s.json")
	[ "$(xcount "$R/s.oscal.xml" '//*[local-name()="result"]/*[local-name()="finding"]')" = "$nassessed" ] ||
		fail "one finding per assessed control ($nassessed) expected"
	nobs=$(xcount "$R/s.oscal.xml" '//*[local-name()="observation"]')
	[ "$nobs" -ge "$nfind" ] || fail "$nobs observations for $nfind check results"
	[ "$(xcount "$R/s.oscal.xml" '//*[local-name()="target"]/*[local-name()="status"][@state="not-satisfied"][@reason="fail"]')" = "$nfail" ] ||
		fail "not-satisfied findings differ from the $nfail failing controls"
	# every related observation points at an observation in the document
	xmllint --xpath '//*[local-name()="related-observation"]/@observation-uuid' "$R/s.oscal.xml" |
		sed 's/.*="\(.*\)"/\1/' | sort -u >"$R/rel"
	xmllint --xpath '//*[local-name()="observation"]/@uuid' "$R/s.oscal.xml" |
		sed 's/.*="\(.*\)"/\1/' | sort -u >"$R/obs"
	[ -s "$R/rel" ] || fail "no related observations"
	[ -z "$(comm -23 "$R/rel" "$R/obs")" ] || fail "related-observation to a missing observation"
	# uuids are unique
	xmllint --xpath '//@uuid' "$R/s.oscal.xml" | sed 's/.*="\(.*\)"/\1/' | sort | uniq -d >"$R/dup"
	[ -s "$R/dup" ] && fail "duplicate uuids: $(head -3 "$R/dup")"
	case_end
else
	fail "no OSCAL schema at $OSCAL_XSD"
	case_end
fi

case_begin "OSCAL: every subject, observation, risk, task, party and role resolves; risks, findings and figures match the JSON"
if [ -r "$OSCAL_XSD" ]; then
	python3 "$top_srcdir/tests/cli/oscal_check.py" "$R/s.oscal.xml" "$R/s.json" >"$WORK/py" 2>&1 ||
		fail "$(head -c 1500 "$WORK/py")"
	# the check can fail: an inventory item removed leaves subjects unresolved
	python3 - "$R/s.oscal.xml" "$R/broken.oscal.xml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s = re.sub(r'<inventory-item .*?</inventory-item>', '', s, count=1, flags=re.S)
open(sys.argv[2], 'w').write(s)
PY
	python3 "$top_srcdir/tests/cli/oscal_check.py" "$R/broken.oscal.xml" "$R/s.json" >"$WORK/py" 2>&1 &&
		fail "a document with an unresolved subject passed"
	grep -q "does not resolve to a inventory-item" "$WORK/py" || fail "unexpected complaint: $(head -3 "$WORK/py")"
	case_end
else
	fail "no OSCAL schema at $OSCAL_XSD"
	case_end
fi

case_begin "XCCDF 1.2 validates, one rule per check, one rule-result per resource naming it, each with a check"
if [ -r "$XCCDF_XSD" ]; then
	validate "$R/s.xccdf.xml" "$XCCDF_XSD"
	[ "$(xcount "$R/s.xccdf.xml" '//*[local-name()="Rule"][not(starts-with(@id, "xccdf_attest_rule_control_"))]')" = "$nchk" ] ||
		fail "Rule count is not $nchk"
	[ "$(xcount "$R/s.xccdf.xml" '//*[local-name()="rule-result"]/*[local-name()="result"][.="fail"]')" = \
	  "$(jq '[.findings[] | select(.status == "fail")] | length' "$R/s.json")" ] ||
		fail "failing rule-results differ from failing findings"
	[ "$(xcount "$R/s.xccdf.xml" '//*[local-name()="rule-result"][*[local-name()="instance"][@context="resource"]]')" = "$nfind" ] ||
		fail "rule-results with a resource are not the $nfind findings"
	[ "$(xcount "$R/s.xccdf.xml" '//*[local-name()="rule-result"][not(*[local-name()="check"])]')" = 0 ] ||
		fail "a rule-result without a check"
	[ "$(xcount "$R/s.xccdf.xml" '//*[local-name()="Rule"][not(*[local-name()="check"])]')" = 0 ] ||
		fail "a Rule without a check"
	[ "$(xcount "$R/s.xccdf.xml" '//*[local-name()="remark"][not(parent::*[local-name()="override"])]')" = 0 ] ||
		fail "a remark OpenSCAP does not know"
	[ "$(xcount "$R/s.xccdf.xml" '//*[local-name()="TestResult"]/*[local-name()="identity"]')" -ge 1 ] ||
		fail "no identity"
	grep -q 'instance context="resource-name" parentContext="resource">nw-prod-legacy-sftp<' "$R/s.xccdf.xml" ||
		fail "resource name not in an instance"
	grep -q 'differ' "$R/s.xccdf.xml" || fail "no word on how attest's scores differ from XCCDF's"
	# the flat score is XCCDF's own model over the rule-results written
	python3 - "$R/s.xccdf.xml" >"$WORK/py" 2>&1 <<'PY' || fail "$(cat "$WORK/py")"
import sys, xml.etree.ElementTree as ET
NS = '{http://checklists.nist.gov/xccdf/1.2}'
tr = ET.parse(sys.argv[1]).getroot().find(NS + 'TestResult')
res = [r.findtext(NS + 'result') for r in tr.findall(NS + 'rule-result')]
flat = [s for s in tr.findall(NS + 'score') if s.get('system') == 'urn:xccdf:scoring:flat-unweighted'][0]
assert float(flat.text) == res.count('pass'), (flat.text, res.count('pass'))
assert float(flat.get('maximum')) == sum(res.count(x) for x in ('pass', 'fail', 'error', 'unknown'))
PY
	case_end
else
	fail "no XCCDF schema at $XCCDF_XSD"
	case_end
fi

# oscap_clean FILE: OpenSCAP's validator reports no warning and no error.
# OpenSCAP 1.3 fails a document whose schematron report is empty (no
# warning at all: its XSLT result has no node to save) and prints only
# "Invalid XCCDF Checklist"; that exit alone, with the schema part passing,
# is a clean document.
oscap_clean() {
	oscap xccdf validate "$1" >"$WORK/oscap" 2>&1
	orc=$?
	if grep -E '^(Warning|Error|File )' "$WORK/oscap" >"$WORK/oscap.w"; then
		fail "oscap on $(basename "$1"): $(sort "$WORK/oscap.w" | uniq -c | head -5)"
	elif [ "$orc" != 0 ]; then
		oscap xccdf validate --skip-schematron "$1" >"$WORK/oscap2" 2>&1 ||
			fail "oscap schema validation of $(basename "$1") failed: $(head -5 "$WORK/oscap2")"
		grep -v -e '^<?xml' -e '^$' -e 'Invalid XCCDF Checklist (1.2) content' "$WORK/oscap" >"$WORK/oscap.o" &&
			fail "oscap on $(basename "$1"): $(head -5 "$WORK/oscap.o")"
	fi
}

case_begin "XCCDF: oscap xccdf validate reports no warning"
if command -v oscap >/dev/null 2>&1; then
	oscap_clean "$R/s.xccdf.xml"
	# the check can fail: a rule-result without its check is a warning. The
	# document keeps only that rule-result: oscap's schematron takes time
	# quadratic in the rule-results (18 s of CPU for the sample's 1,800).
	python3 - "$R/s.xccdf.xml" "$R/warn.xccdf.xml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
i = s.index('<rule-result ')
j = s.index('</rule-result>', i)
part = re.sub(r'<check system=.*?</check>', '', s[i:j], flags=re.S)
k = j + len('</rule-result>')
rest = re.sub(r'<rule-result .*?</rule-result>\s*', '', s[k:], flags=re.S)
open(sys.argv[2], 'w').write(s[:i] + part + s[j:k] + rest)
PY
	oscap xccdf validate "$R/warn.xccdf.xml" 2>&1 | grep -q "should have exactly one child 'check'" ||
		fail "oscap did not notice a rule-result without a check"
	case_end
else
	fail "oscap is not installed (install-deps.sh installs it: openscap-scanner, older: libopenscap8)"
	case_end
fi

case_begin "JUnit: class names without dots, a time on every suite"
xmllint --xpath '//testcase/@classname' "$R/s.junit.xml" | tr ' ' '\n' | grep classname= |
	sed 's/classname="\(.*\)"/\1/' | sort -u >"$R/classes"
[ -s "$R/classes" ] || fail "no classnames"
grep -q '\.' "$R/classes" && fail "a classname with a dot: $(grep '\.' "$R/classes" | head -3)"
grep -qx 'cis-aws-3_0' "$R/classes" || fail "cis-aws-3.0 is not cis-aws-3_0: $(head -3 "$R/classes")"
[ "$(xcount "$R/s.junit.xml" '//testsuite[not(@time)]')" = 0 ] || fail "a testsuite without time"
xmllint --xpath 'string(/testsuites/@time)' "$R/s.junit.xml" | grep -Eq '^[0-9]+$' || fail "testsuites time not a number"
case_end

case_begin "JSON numbers print as a person writes them"
# every real in the result, figures and evidence alike, has at most 15
# significant digits (6.3, not 6.2999999999999998)
grep -Eo '[0-9]+\.[0-9]{16,}' "$R/s.json" | head -3 >"$R/long"
[ -s "$R/long" ] && fail "long reals: $(cat "$R/long")"
jq -e '[.frameworks[] | .score, .posture, .coverage | select(. != null)] | length > 0' "$R/s.json" >/dev/null ||
	fail "no figures to look at"
grep -Eq '"coverage": [0-9]+\.[0-9]\b' "$R/s.json" || fail "coverage not printed with one decimal"
case_end

case_begin "JUnit: well-formed, one testcase per control, failures for failing controls"
xmllint --noout "$R/s.junit.xml" 2>"$WORK/xl" || fail "not well-formed: $(head -c 300 "$WORK/xl")"
[ "$(xcount "$R/s.junit.xml" '//testcase')" = "$nctl" ] || fail "testcases are not the $nctl controls"
[ "$(xcount "$R/s.junit.xml" '//testcase[failure]')" = "$nfail" ] || fail "failures are not the $nfail failing controls"
[ "$(xmllint --xpath 'string(/testsuites/@tests)' "$R/s.junit.xml")" = "$nctl" ] || fail "testsuites/@tests wrong"
nman=$(jq '[.frameworks[].controls[] | select(.status == "manual")] | length' "$R/s.json")
[ "$(xcount "$R/s.junit.xml" '//testcase[skipped]')" -ge "$nman" ] || fail "manual controls not skipped"
grep -q 'iam-root-access-keys-absent: AWS::IAM::AccountSummary' "$R/s.junit.xml" || fail "failing resource not listed"
case_end

case_begin "CSV: one row per (finding, control), with check title, resource name, inventory date"
jq -c '.findings[] | [.check, .resource.id, .resource.account, .resource.region, (.controls | length)]' "$R/s.json" >"$R/fc"
python3 - "$R/s.csv" "$R/fc" "$R/s.json" >"$WORK/py" 2>&1 <<'PY' || fail "$(cat "$WORK/py")"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
head = rows[0]
assert head == ['scan', 'as_of', 'check', 'check_title', 'status', 'severity', 'resource_type',
                'resource_id', 'resource_name', 'arn', 'region', 'account', 'framework', 'control',
                'exception', 'exception_justification', 'exception_approver', 'exception_expires',
                'reason', 'evidence'], head
assert all(len(r) == len(head) for r in rows), 'ragged row'
col = {h: i for i, h in enumerate(head)}
res = json.load(open(sys.argv[3]))
# one row per (finding, control); a finding without a control has one row
want = sum(max(1, json.loads(l)[4]) for l in open(sys.argv[2]))
assert len(rows) - 1 == want, (len(rows) - 1, want)
titles = {c['id']: c['title'] for c in res['checks']}
for r in rows[1:]:
    assert r[col['as_of']] == res['scan']['as_of'], r[col['as_of']]
    assert r[col['check_title']] == titles[r[col['check']]], r[col['check']]
    json.loads(r[col['evidence']]) if r[col['evidence']] else None
# every (finding, control) pair of the JSON is a row
pairs = {(f['check'], f['resource']['id'], c['framework'], c['control'])
         for f in res['findings'] for c in f['controls']}
got = {(r[col['check']], r[col['resource_id']], r[col['framework']], r[col['control']])
       for r in rows[1:] if r[col['framework']]}
assert pairs == got, (len(pairs), len(got))
key = lambda t, i, a, g: (t, i, a or '', g or '')
names = {key(f['resource']['type'], f['resource']['id'], f['resource'].get('account'),
              f['resource'].get('region')): f['resource'].get('name') for f in res['findings']}
assert any(r[col['resource_name']] for r in rows[1:]), 'no resource name'
for r in rows[1:]:
    k = key(r[col['resource_type']], r[col['resource_id']], r[col['account']], r[col['region']])
    assert r[col['resource_name']] == (names[k] or ''), k
PY
case_end

case_begin "hostile inventory values survive every format intact"
run "$ATTEST" scan -q --json "$R/h.json" --xml "$R/h.xml" --oscal "$R/h.oscal.xml" \
	--xccdf "$R/h.xccdf.xml" --junit "$R/h.junit.xml" --csv "$R/h.csv" \
	"$DATA/inventory/hostile-values.json"
expect_status 0
validate "$R/h.xml" "$top_srcdir/doc/report.xsd"
validate "$R/h.oscal.xml" "$OSCAL_XSD"
validate "$R/h.xccdf.xml" "$XCCDF_XSD"
xmllint --noout "$R/h.junit.xml" || fail "JUnit not well-formed"
jq -r '.findings[].resource.id' "$R/h.json" | sort -u >"$R/ids.json"
python3 - "$R/h.csv" "$R/ids.json" >"$WORK/py" 2>&1 <<'PY' || fail "$(cat "$WORK/py")"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
ids = sorted(set(r[7] for r in rows[1:]))
want = sorted(set(open(sys.argv[2], encoding='utf-8').read().splitlines()))
assert ids == want, (ids, want)
for hostile in ["'; DROP TABLE resources; --", '"quoted" bucket', '\u00fcnic\u00f8de-\u2603', '%s%n%x']:
    assert hostile in ids, hostile
PY
xmllint --xpath '//*[local-name()="finding"]/*[local-name()="resource"]/@id' "$R/h.xml" >"$R/hx" 2>/dev/null
grep -q 'id="&quot;quoted&quot; bucket"' "$R/hx" || fail "quoted id changed in the XML"
grep -q "id=\"'; DROP TABLE resources; --\"" "$R/hx" || fail "SQL-like id changed in the XML"
case_end

case_begin "CSV cells that a spreadsheet would run as formulas are neutralized"
cat >"$R/formula.json" <<'JSON'
{"attest_inventory": 1, "provider": "aws", "collected_types": ["AWS::S3::Bucket"],
 "resources": [
  {"type": "AWS::S3::Bucket", "id": "=HYPERLINK(\"http://x\")", "account": "111122223333", "region": "us-east-1",
   "configuration": {"Name": "=HYPERLINK(\"http://x\")"}, "supplementaryConfiguration": {"BucketPolicy": null}},
  {"type": "AWS::S3::Bucket", "id": "@SUM(1+1)", "account": "111122223333", "region": "us-east-1",
   "configuration": {"Name": "@SUM(1+1)"}, "supplementaryConfiguration": {"BucketPolicy": null}}]}
JSON
run "$ATTEST" scan -q --csv "$R/f.csv" "$R/formula.json"
expect_status 0
python3 - "$R/f.csv" >"$WORK/py" 2>&1 <<'PY' || fail "$(cat "$WORK/py")"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
ids = set(r[7] for r in rows[1:])
assert ids == {"'=HYPERLINK(\"http://x\")", "'@SUM(1+1)"}, ids
for r in rows[1:]:
    for cell in r:
        assert cell[:1] not in ('=', '+', '-', '@'), cell
PY
case_end

case_begin "a control id that is not an OSCAL token is encoded and kept in a prop"
if [ -r "$OSCAL_XSD" ]; then
	mkdir -p "$R/fw"
	if grep -l 'control id="' "$top_srcdir/frameworks/"*.xml >/dev/null 2>&1; then
		src=$(ls "$top_srcdir/frameworks/"*.xml | grep -v framework.xsd | head -1)
		fwid=$(sed -n 's/.*<framework[^>]* id="\([^"]*\)".*/\1/p' "$src" | head -1)
		sed -e "s/<framework\([^>]*\) id=\"$fwid\"/<framework\1 id=\"tok-test\"/" \
		    -e '0,/<control id="[^"]*"/s//<control id="164.312(a)(2)(iv) x_y"/' "$src" >"$R/fw/tok.xml"
		run "$ATTEST" scan -q --frameworks-dir "$R/fw" --framework tok-test --oscal "$R/t.oscal.xml"
		if [ "$status" = 0 ]; then
			validate "$R/t.oscal.xml" "$OSCAL_XSD"
			grep -q 'control-id="tok-test__164.312_28a_29_282_29_28iv_29_20x_5Fy"' "$R/t.oscal.xml" ||
				fail "encoded control token missing"
			grep -q -e 'value="164.312(a)(2)(iv) x_y"' -e '<li>164.312(a)(2)(iv) x_y: ' "$R/t.oscal.xml" ||
				fail "original control id not kept"
		else
			fail "scan with a renamed catalog failed: $(head -c 400 "$WORK/err")"
		fi
	else
		fail "no catalog to derive a test framework from"
	fi
	case_end
else
	fail "no OSCAL schema"
	case_end
fi

# Exceptions and attestations in every format: a scan given the samples'
# exceptions (two in force, one lapsed) and attestations (two in force, one
# lapsed), each format checked against the JSON result of the same scan.
case_begin "exceptions and attestations: one scan writes every format"
run "$ATTEST" scan --exceptions "$top_srcdir/samples/exceptions.xml" \
	--attestations "$top_srcdir/samples/attestations.xml" --json "$R/e.json" --xml "$R/e.xml" \
	--oscal "$R/e.oscal.xml" --xccdf "$R/e.xccdf.xml" --junit "$R/e.junit.xml" --csv "$R/e.csv"
expect_status 0
cp "$WORK/out" "$R/e.summary"
for f in e.json e.xml e.oscal.xml e.xccdf.xml e.junit.xml e.csv; do expect_file "$R/$f"; done
case_end
nexc=$(jq '[.findings[] | select(.status == "excepted")] | length' "$R/e.json")
[ "$nexc" -gt 0 ] || echo "# the sample exceptions excepted nothing" >&2

case_begin "exceptions and attestations: the terminal summary counts them and names the lapsed"
inforce=$(jq '[.exceptions[] | select(.in_force)] | length' "$R/e.json")
lapsed=$(jq -r '[.exceptions[] | select(.in_force | not) | "\(.id) (expired \(.expires))"] | join(", ")' "$R/e.json")
nlapsed=$(jq '[.exceptions[] | select(.in_force | not)] | length' "$R/e.json")
grep -q "exceptions    $nexc findings excepted ($inforce exceptions in force); $nlapsed exception lapsed: $lapsed" "$R/e.summary" ||
	fail "exception line: $(grep exceptions "$R/e.summary")"
natt=$(jq '[.attestations[] | select(.in_force)] | length' "$R/e.json")
alapsed=$(jq -r '[.attestations[] | select(.in_force | not) | "\(.framework) \(.control) (expired \(.expires))"] | join(", ")' "$R/e.json")
grep -q "attestations  $natt controls attested; 1 attestation lapsed: $alapsed" "$R/e.summary" ||
	fail "attestation line: $(grep attestations "$R/e.summary")"
case_end

case_begin "exceptions and attestations: JSON lists them, text folded, excepted findings name theirs"
jq_is "$R/e.json" '.exceptions | length' 3
jq_is "$R/e.json" '.attestations | length' 3
jq_is "$R/e.json" '[.exceptions[].justification, .attestations[].statement | select(test("\n|  "))] | length' 0
jq_is "$R/e.json" '[.findings[] | select(.status == "excepted" and .exception == null)] | length' 0
jq_is "$R/e.json" "[.exceptions[] | select(.in_force) | .matched] | add" "$nexc"
case_end

case_begin "exceptions: CSV carries the exception id, justification, approver and expiry"
python3 - "$R/e.csv" "$R/e.json" >"$WORK/py" 2>&1 <<'PY' || fail "$(cat "$WORK/py")"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
res = json.load(open(sys.argv[2]))
exc = {e['id']: e for e in res['exceptions']}
excepted = [r for r in rows if r['status'] == 'excepted']
assert excepted, 'no excepted row'
for r in rows:
    if r['status'] != 'excepted':
        assert not r['exception'] and not r['exception_approver'], r
        continue
    e = exc[r['exception']]
    assert r['exception_justification'] == e['justification'], r['exception_justification']
    assert r['exception_approver'] == e['approver'] and r['exception_expires'] == e['expires'], r
want = sum(max(1, len(f['controls'])) for f in res['findings'] if f['status'] == 'excepted')
assert len(excepted) == want, (len(excepted), want)
PY
case_end

case_begin "exceptions and attestations: native XML lists them and excepted findings name theirs"
validate "$R/e.xml" "$top_srcdir/doc/report.xsd"
[ "$(xcount "$R/e.xml" '//*[local-name()="exceptions"]/*')" = 3 ] || fail "exceptions missing"
[ "$(xcount "$R/e.xml" '//*[local-name()="attestations"]/*')" = 3 ] || fail "attestations missing"
[ "$(xcount "$R/e.xml" '//*[local-name()="finding"][@exception]')" = "$nexc" ] || fail "excepted findings without their exception"
case_end

case_begin "exceptions and attestations: XCCDF overrides by the approver, attested controls as rules"
if [ -r "$XCCDF_XSD" ]; then
	validate "$R/e.xccdf.xml" "$XCCDF_XSD"
	command -v oscap >/dev/null 2>&1 && oscap_clean "$R/e.xccdf.xml"
	python3 - "$R/e.xccdf.xml" "$R/e.json" >"$WORK/py" 2>&1 <<'PY' || fail "$(cat "$WORK/py")"
import json, sys, xml.etree.ElementTree as ET
NS = '{http://checklists.nist.gov/xccdf/1.2}'
root = ET.parse(sys.argv[1]).getroot()
res = json.load(open(sys.argv[2]))
exc = {e['id']: e for e in res['exceptions']}
trs = root.findall(NS + 'TestResult')
ov = [r for tr in trs for r in tr.findall(NS + 'rule-result') if r.find(NS + 'override') is not None]
n = len([f for f in res['findings'] if f['status'] == 'excepted'])
assert len(ov) == n, (len(ov), n)
for tr in trs:
    rr = tr.findall(NS + 'rule-result')
    with_ov = [r.find(NS + 'override') is not None for r in rr]
    assert all(with_ov) or not any(with_ov), 'a TestResult mixes overridden and plain results'
for r in ov:
    o = r.find(NS + 'override')
    assert r.findtext(NS + 'result') == o.findtext(NS + 'new-result') == 'informational'
    assert o.findtext(NS + 'old-result') == 'fail'
    eid = o.findtext(NS + 'remark').split()[1].rstrip(',')
    assert o.get('authority') == exc[eid]['approver'], (o.get('authority'), eid)
    assert exc[eid]['justification'] in o.findtext(NS + 'remark')
att = {(a['framework'], a['control']): a for a in res['attestations']}
rules = [r for r in root.findall(NS + 'Rule') if '_rule_control_' in r.get('id')]
assert len(rules) == len(att), (len(rules), len(att))
results = {r.get('idref'): r for tr in trs for r in tr.findall(NS + 'rule-result')}
for rule in rules:
    fw, ctl = rule.findtext(NS + 'ident'), None
    ident = rule.find(NS + 'ident')
    a = att[(ident.get('system').rsplit(':', 1)[1], ident.text)]
    rr = results[rule.get('id')]
    assert rr.findtext(NS + 'result') == ('pass' if a['in_force'] else 'notchecked'), a
    assert a['attested_by'] in rr.findtext(NS + 'message'), rr.findtext(NS + 'message')
PY
	case_end
else
	fail "no XCCDF schema at $XCCDF_XSD"
	case_end
fi

case_begin "exceptions and attestations: OSCAL accepted risks and attestation observations, valid and resolvable"
if [ -r "$OSCAL_XSD" ]; then
	validate "$R/e.oscal.xml" "$OSCAL_XSD"
	validate "$R/e.oscal.xml" "$OSCAL12_XSD"
	python3 "$top_srcdir/tests/cli/oscal_check.py" "$R/e.oscal.xml" "$R/e.json" >"$WORK/py" 2>&1 ||
		fail "$(head -c 1500 "$WORK/py")"
	[ "$(xcount "$R/e.oscal.xml" '//*[local-name()="risk"][*[local-name()="status"]="deviation-approved"]')" = "$inforce" ] ||
		fail "deviation-approved risks are not the $inforce exceptions in force"
	[ "$(xcount "$R/e.oscal.xml" '//*[local-name()="observation"][*[local-name()="origin"]/*[local-name()="actor"][@type="party"]]')" = 3 ] ||
		fail "attestation observations by a party are not the 3 attestations"
	case_end
else
	fail "no OSCAL schema at $OSCAL_XSD"
	case_end
fi

case_begin "attestations: JUnit names the attester of an attested control"
jq -r '.attestations[] | select(.in_force) | .attested_by' "$R/e.json" | sort -u | while read -r who; do
	grep -q "<system-out>attested by $who on " "$R/e.junit.xml" || echo "$who"
done >"$R/missing"
[ -s "$R/missing" ] && fail "attesters missing from JUnit: $(cat "$R/missing")"
case_end

case_begin "the identity that collected the inventory is the XCCDF TestResult's identity"
jq '.collected_by = "arn:aws:sts::111122223333:assumed-role/audit/attest"' \
	"$DATA/inventory/hostile-values.json" >"$R/who.json" 2>/dev/null || fail "fixture not JSON"
run "$ATTEST" scan -q --json "$R/who.result.json" --xccdf "$R/who.xccdf.xml" "$R/who.json"
expect_status 0
jq_is "$R/who.result.json" '.scan.sources[0].collected_by' "arn:aws:sts::111122223333:assumed-role/audit/attest"
[ "$(xmllint --xpath 'string(//*[local-name()="identity"])' "$R/who.xccdf.xml")" = \
  "arn:aws:sts::111122223333:assumed-role/audit/attest" ] || fail "identity is not the collector"
[ "$(xmllint --xpath 'string(//*[local-name()="identity"]/@authenticated)' "$R/who.xccdf.xml")" = true ] ||
	fail "a known identity is not authenticated"
jq_is "$R/s.json" '.scan.sources[0] | has("collected_by")' false
case_end

case_begin "re-rendering a stored scan with attest report gives byte-identical documents"
if "$ATTEST" help report >/dev/null 2>&1; then
	run "$ATTEST" report "$sid" --xml "$R/a.xml" --oscal "$R/a.oscal.xml" --xccdf "$R/a.xccdf.xml" \
		--junit "$R/a.junit.xml" --csv "$R/a.csv"
	expect_status 0
	for f in xml oscal.xml xccdf.xml junit.xml csv; do
		cmp -s "$R/s.$f" "$R/a.$f" || fail "re-rendered $f differs"
	done
	case_end
else
	fail "no 'attest report' command"
	case_end
fi

case_begin "a report of a scan that does not exist fails cleanly"
if "$ATTEST" help report >/dev/null 2>&1; then
	run "$ATTEST" report no-such-scan --oscal "$R/none.xml"
	[ "$status" = 0 ] && fail "exit 0 for a missing scan"
	expect_no_file "$R/none.xml"
	case_end
else
	fail "no 'attest report' command"
	case_end
fi

case_begin "an unwritable report path fails with the path named, nothing stored half-way"
run "$ATTEST" scan -q --xccdf /nonexistent-dir/x.xml
expect_status 1
expect_err "/nonexistent-dir/x.xml"
case_end

finish
