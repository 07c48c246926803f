#!/bin/sh
# The documentation's promises: the worked example of doc/check-authoring.md
# runs as described, real results and inventories validate against the JSON
# Schemas in doc/, and broken check or catalog files are reported with the
# file, the line and the culprit.
. "$top_srcdir/tests/cli/lib.sh"
EX="$DATA/frameworks/example"
DOC="$top_srcdir/doc"

# validate SCHEMA FILE [MODE]: validates FILE against the JSON Schema SCHEMA;
# MODE "ndjson" validates the first line against #/$defs/header and the
# other non-blank lines against #/$defs/resource. Prints every error.
validate() {
	python3 -c '
import json, sys
from jsonschema.validators import validator_for
schema = json.load(open(sys.argv[1]))
cls = validator_for(schema)
cls.check_schema(schema)
def part(name):
    return cls({"$ref": "#/$defs/" + name, "$defs": schema["$defs"]})
bad = 0
def check(v, doc, where):
    global bad
    for e in sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        bad += 1
        if bad <= 20:
            path = "/".join(str(p) for p in e.absolute_path)
            print("%s: %s: %s" % (where, path or "(top)", e.message[:300]))
if len(sys.argv) > 3 and sys.argv[3] == "ndjson":
    with open(sys.argv[2]) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                check(part("header") if n == 1 else part("resource"), json.loads(line),
                      "%s line %d" % (sys.argv[2], n))
else:
    check(cls(schema), json.load(open(sys.argv[2])), sys.argv[2])
sys.exit(1 if bad else 0)
' "$@"
}

have_jsonschema() { python3 -c 'import jsonschema' 2>/dev/null; }
# install-deps.sh installs python3-jsonschema: a case that needs it fails without it.
no_jsonschema() { case_begin "$1"; fail "python3-jsonschema is not installed: run install-deps.sh"; case_end; }

case_begin "the worked example of doc/check-authoring.md scans the sample estate"
run "$ATTEST" scan -q --frameworks-dir "$EX" --framework acme-baseline --json "$WORK/ex.json"
expect_status 0
expect_file "$WORK/ex.json"
jq_is "$WORK/ex.json" '.frameworks | map(.id) | join(",")' acme-baseline
jq_is "$WORK/ex.json" '.frameworks[0].controls | map(.id + "=" + .status) | join(" ")' \
	"ACME-1.1=pass ACME-1.2=manual ACME-2.1=fail"
jq_is "$WORK/ex.json" '.frameworks[0].controls | map(.section) | unique | join("|")' \
	"1 Cost and ownership|2 Data handling"
jq_is "$WORK/ex.json" '.frameworks[0] | "\(.score) \(.coverage)"' "50 66.7"
jq_is "$WORK/ex.json" '.frameworks[0].counts | "\(.total) \(.pass) \(.fail) \(.manual)"' "3 1 1 1"
jq_is "$WORK/ex.json" '.checks | map(.id + "=" + .status) | join(" ")' \
	"acme-s3-bucket-cost-center-tag=pass acme-s3-prod-bucket-classified=fail"
jq_is "$WORK/ex.json" '.checks[1].counts | "\(.pass) \(.fail) \(.not_applicable)"' "4 10 11"
jq_is "$WORK/ex.json" '.findings[0] | "\(.status) \(.check) \(.controls[0].control)"' \
	"fail acme-s3-prod-bucket-classified ACME-2.1"
jq_is "$WORK/ex.json" '[.findings[] | select(.status == "fail")][0].evidence | has("data-classification")' true
jq_is "$WORK/ex.json" '[.findings[].status] | unique | join(",")' "fail,not_applicable,pass"
case_end

case_begin "findings are ordered by risk as doc/result-format.md says"
# status (fail, error, pass, not_applicable), severity (critical first), then
# check, account, region and resource id.
jq_is "$WORK/ex.json" '[.findings[] | [
	{"fail": 0, "error": 1, "pass": 2, "not_applicable": 3}[.status],
	{"critical": 0, "high": 1, "medium": 2, "low": 3, "informational": 4}[.severity],
	.check, .resource.account, .resource.region, .resource.id]] | . == sort' true
jq_is "$WORK/ex.json" '[.findings[] | select(.status == "pass") | .severity] | unique | join(",")' "low,medium"
jq_is "$WORK/ex.json" '[.findings[] | select(.status == "pass")][0].severity' medium
case_end

NAME="the JSON result of a scan validates against doc/result.schema.json"
if have_jsonschema; then
	case_begin "$NAME"
	# Every installed framework plus the example: the bundled catalog when it
	# exists, the example alone otherwise.
	run "$ATTEST" scan -q --frameworks-dir "$EX" --json "$WORK/all.json"
	expect_status 0
	run validate "$DOC/result.schema.json" "$WORK/all.json"
	expect_status 0
	[ "$status" = 0 ] || fail "$(head -c 2000 "$WORK/out")"
	run validate "$DOC/result.schema.json" "$WORK/ex.json"
	expect_status 0
	[ "$status" = 0 ] || fail "$(head -c 2000 "$WORK/out")"
	case_end
else
	no_jsonschema "$NAME"
fi

NAME="the schema of the JSON result catches drift"
if have_jsonschema; then
	case_begin "$NAME"
	jq '.findings[0].status = "passed"' "$WORK/ex.json" >"$WORK/drift1.json"
	run validate "$DOC/result.schema.json" "$WORK/drift1.json"
	expect_status 1; expect_out "findings/0/status"
	jq '.frameworks[0].new_key = 1' "$WORK/ex.json" >"$WORK/drift2.json"
	run validate "$DOC/result.schema.json" "$WORK/drift2.json"
	expect_status 1; expect_out "new_key"
	jq '.findings[0].evidence = [1]' "$WORK/ex.json" >"$WORK/drift3.json"
	run validate "$DOC/result.schema.json" "$WORK/drift3.json"
	expect_status 1; expect_out "evidence"
	case_end
else
	no_jsonschema "$NAME"
fi

NAME="the sample estate validates against doc/inventory.schema.json, as JSON and as NDJSON"
if have_jsonschema; then
	case_begin "$NAME"
	run validate "$DOC/inventory.schema.json" "$top_srcdir/samples/estate.json"
	expect_status 0
	[ "$status" = 0 ] || fail "$(head -c 2000 "$WORK/out")"
	jq -c 'del(.resources)' "$top_srcdir/samples/estate.json" >"$WORK/estate.ndjson"
	jq -c '.resources[]' "$top_srcdir/samples/estate.json" >>"$WORK/estate.ndjson"
	run validate "$DOC/inventory.schema.json" "$WORK/estate.ndjson" ndjson
	expect_status 0
	[ "$status" = 0 ] || fail "$(head -c 2000 "$WORK/out")"
	# an inventory with a collection log, and the result of scanning it
	run validate "$DOC/inventory.schema.json" "$DATA/inventory/with-gaps.json"
	expect_status 0
	[ "$status" = 0 ] || fail "$(head -c 2000 "$WORK/out")"
	run "$ATTEST" scan -q --json "$WORK/gaps.json" "$DATA/inventory/with-gaps.json"
	expect_status 0
	run validate "$DOC/result.schema.json" "$WORK/gaps.json"
	expect_status 0
	[ "$status" = 0 ] || fail "$(head -c 2000 "$WORK/out")"
	jq '.collection_gaps[0].types = ["KMS"]' "$WORK/gaps.json" >"$WORK/drift4.json"
	run validate "$DOC/result.schema.json" "$WORK/drift4.json"
	expect_status 1
	case_end
else
	no_jsonschema "$NAME"
fi

NAME="the inventory schema rejects what the loader rejects"
if have_jsonschema; then
	case_begin "$NAME"
	for f in bad-type-name id-number tags-string wrong-version no-collected-types no-header \
		collection-log-bad-entry; do
		run validate "$DOC/inventory.schema.json" "$DATA/bad/$f.json"
		[ "$status" = 1 ] || fail "$f.json validates against the schema"
		run "$ATTEST" scan -q --frameworks-dir "$EX" "$DATA/bad/$f.json"
		[ "$status" = 1 ] || fail "attest accepted $f.json (exit $status)"
	done
	case_end
else
	no_jsonschema "$NAME"
fi

# broken_copy NAME: a copy of the example in $WORK/NAME, to be edited.
broken_copy() {
	rm -rf "$WORK/$1"
	cp -R "$EX" "$WORK/$1"
}

case_begin "a check without <severity> is rejected with its file and line"
broken_copy nosev
sed '/<severity>low<\/severity>/d' "$EX/checks/aws/acme.xml" >"$WORK/nosev/checks/aws/acme.xml"
before=$(scan_count "$ATTEST_DB")
run "$ATTEST" scan -q --frameworks-dir "$WORK/nosev" --framework acme-baseline
expect_status 1
expect_err "nosev/checks/aws/acme.xml"; expect_err "line [0-9]"; expect_err "severity"
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a failed scan was stored"
case_end

case_begin "a check whose query does not compile is rejected with its file and line"
broken_copy badsql
sed 's/  FROM resources r/  FROM resources r r2 r3/' "$EX/checks/aws/acme.xml" >"$WORK/badsql/checks/aws/acme.xml"
run "$ATTEST" scan -q --frameworks-dir "$WORK/badsql" --framework acme-baseline
expect_status 1
expect_err "badsql/checks/aws/acme.xml"; expect_err "at line 18"
expect_err "acme-s3-bucket-cost-center-tag"; expect_err "does not compile"
case_end

case_begin "a check query cannot smuggle in a second statement"
broken_copy writes
sed "s/ WHERE r.type = 'AWS::S3::Bucket'\$/ WHERE r.type = 'AWS::S3::Bucket'; DELETE FROM resources/" \
	"$EX/checks/aws/acme.xml" >"$WORK/writes/checks/aws/acme.xml"
grep -q "DELETE FROM resources" "$WORK/writes/checks/aws/acme.xml" || fail "test setup: sed did not apply"
run "$ATTEST" scan -q --frameworks-dir "$WORK/writes" --framework acme-baseline
expect_status 1
expect_err "writes/checks/aws/acme.xml"; expect_err "at line 18"; expect_err "more than one statement"
case_end

case_begin "a control mapping an unknown check is rejected naming the control and the id"
broken_copy unknown
sed 's/ref="acme-s3-prod-bucket-classified"/ref="acme-no-such-check"/' "$EX/acme-baseline.xml" \
	>"$WORK/unknown/acme-baseline.xml"
run "$ATTEST" scan -q --frameworks-dir "$WORK/unknown" --framework acme-baseline
expect_status 1
expect_err "unknown/acme-baseline.xml"; expect_err "line [0-9]"
expect_err "control 'ACME-2.1'"; expect_err "acme-no-such-check"
case_end

case_begin "a later directory replaces a check of the same id (ATTEST_FRAMEWORKS_PATH, then --frameworks-dir)"
mkdir -p "$WORK/override/checks"
sed -e 's/<severity>low<\/severity>/<severity>high<\/severity>/' \
	-e '/<check id="acme-s3-prod-bucket-classified">/,/<\/check>/d' \
	"$EX/checks/aws/acme.xml" >"$WORK/override/checks/acme.xml"
ATTEST_FRAMEWORKS_PATH="$EX" run "$ATTEST" scan -q --frameworks-dir "$WORK/override" \
	--framework acme-baseline --json "$WORK/over.json"
expect_status 0
jq_is "$WORK/over.json" '.checks[] | select(.id == "acme-s3-bucket-cost-center-tag") | .severity' high
jq_is "$WORK/over.json" '.checks[] | select(.id == "acme-s3-prod-bucket-classified") | .severity' medium
case_end

finish
