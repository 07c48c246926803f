#!/bin/sh
# The PDF audit report: `attest scan --pdf` and `attest report SCAN --pdf`
# give a valid PDF (qpdf --check) whose text (pdftotext) holds the framework,
# its score as the summary prints it, control ids and a known failing
# resource; templates change the document and bad ones fail with file and
# line; a scan with 10,000 failing findings still renders, summarized.
. "$top_srcdir/tests/cli/lib.sh"

for tool in qpdf pdftotext; do
	command -v $tool >/dev/null 2>&1 || { echo "# skip: $tool not installed"; exit 77; }
done

# pdf_text PDF: its text, one file per PDF, in $WORK/PDF.txt.
pdf_text() { pdftotext -layout "$1" "$1.txt" 2>/dev/null || fail "pdftotext failed on $1"; }
expect_pdf() {
	expect_file "$1"
	qpdf --check "$1" >"$WORK/qpdf.out" 2>&1 || fail "qpdf --check: $(tail -3 "$WORK/qpdf.out")"
	pdf_text "$1"
}
expect_text() { grep -q -- "$2" "$1.txt" || fail "$(basename "$1") lacks '$2'"; }

case_begin "scan --pdf writes a valid PDF with scores, controls and findings"
run "$ATTEST" scan --pdf "$WORK/sample.pdf"
expect_status 0
expect_pdf "$WORK/sample.pdf"
score=$(sed -n 's/.*controls fully passing [0-9]* of [0-9]* (\([0-9.]*\)%).*/\1/p' "$WORK/out" | head -1)
[ -n "$score" ] || fail "no score in the summary"
expect_text "$WORK/sample.pdf" "cis-aws-3.0"
expect_text "$WORK/sample.pdf" "$score %"
expect_text "$WORK/sample.pdf" "^ *5\.2 "
expect_text "$WORK/sample.pdf" "1\.4 "
expect_text "$WORK/sample.pdf" "sg-9997aad8c91cb161d"
expect_text "$WORK/sample.pdf" "nw-prod-legacy-sftp"
expect_text "$WORK/sample.pdf" "Executive summary"
expect_text "$WORK/sample.pdf" "Manual controls awaiting attestation"
expect_text "$WORK/sample.pdf" "Evidence digests"
expect_text "$WORK/sample.pdf" "page 2 of "
expect_out "pdf written to $WORK/sample.pdf"
case_end

case_begin "the appendix holds the inventory's SHA-256 and the scoring formula"
sha=$(sqlite3 "$ATTEST_DB" 'SELECT inventory_sha256 FROM scans')
expect_text "$WORK/sample.pdf" "$sha"
expect_text "$WORK/sample.pdf" "score *= round(100"
case_end

case_begin "the outline has one entry per section"
qpdf --json --json-key=outlines "$WORK/sample.pdf" >"$WORK/outline.json" 2>/dev/null ||
	fail "qpdf cannot read the outline"
for s in "Executive summary" "Controls" "Failing findings" "Appendix"; do
	jq -e --arg s "$s" '[.outlines[].title] | index($s) != null' "$WORK/outline.json" \
		>/dev/null || fail "no outline entry '$s'"
done
case_end

case_begin "report latest --pdf renders the stored scan, with a trend after a second scan"
run "$ATTEST" scan -q
expect_status 0
run "$ATTEST" report latest --pdf "$WORK/latest.pdf" --json "$WORK/latest.json"
expect_status 0
expect_pdf "$WORK/latest.pdf"
expect_text "$WORK/latest.pdf" "Score trend"
id=$(jq -r .scan.id "$WORK/latest.json")
expect_text "$WORK/latest.pdf" "$id"
case_end

case_begin "changes since the previous scan: none for the first scan of a scope"
run "$ATTEST" scan -q --db "$WORK/changes.db" "$top_srcdir/samples/estate.json" \
	--pdf "$WORK/first.pdf"
expect_status 0
expect_pdf "$WORK/first.pdf"
expect_text "$WORK/first.pdf" "Changes since the previous scan"
expect_text "$WORK/first.pdf" "There is no previous scan of this scope"
case_end

case_begin "changes since the previous scan: a fixed security group and the score deltas"
# The same estate with the world-open SSH rule of one security group narrowed.
jq '(.resources[] | select(.id == "sg-9997aad8c91cb161d") | .configuration.IpPermissions[0].IpRanges)
	= [{"CidrIp": "10.0.0.0/8"}]' "$top_srcdir/samples/estate.json" >"$WORK/fixed.json" ||
	fail "jq could not edit the sample estate"
run "$ATTEST" scan -q --db "$WORK/changes.db" "$WORK/fixed.json" --pdf "$WORK/second.pdf"
expect_status 0
expect_pdf "$WORK/second.pdf"
prev=$(sqlite3 "$WORK/changes.db" 'SELECT scan_id FROM scans ORDER BY rowid LIMIT 1')
sed -n '/^ *Changes since the previous scan$/,/^ *Newly excepted$/p' "$WORK/second.pdf.txt" \
	>"$WORK/changes.txt"
grep -q "previous scan of the same scope" "$WORK/changes.txt" || fail "no changes section"
grep -q "$prev" "$WORK/changes.txt" || fail "the section does not name the previous scan"
grep -q "There is no previous scan" "$WORK/changes.txt" && fail "second scan says it is the first"
grep -Eq "^ *CIS Amazon Web Services Foundations Benchmark v3\.0\.0 +[0-9.]+ % +[0-9.]+ % +[+-][0-9]+\.[0-9]" \
	"$WORK/changes.txt" || fail "no score delta for cis-aws-3.0"
grep -Eq "^ *[0-9]+ newly failing, [1-9][0-9]* fixed, [0-9]+ still failing, [0-9]+ newly excepted" \
	"$WORK/changes.txt" || fail "no finding counts with a fixed finding"
sed -n '/^ *Fixed$/,$p' "$WORK/changes.txt" >"$WORK/fixed.txt"
grep -q "sg-9997aad8c91cb161d" "$WORK/fixed.txt" || fail "the fixed security group is not listed"
grep -q "fail → pass" "$WORK/fixed.txt" || fail "the fixed finding does not show fail → pass"
case_end

case_begin "report by id prefix; the same scan renders to the same bytes"
run "$ATTEST" report "$(echo "$id" | cut -c1-20)" --pdf "$WORK/again.pdf"
expect_status 0
cmp -s "$WORK/latest.pdf" "$WORK/again.pdf" || fail "two renderings of one scan differ"
case_end

case_begin "report: unknown scan, no format, no database"
run "$ATTEST" report no-such-scan --pdf "$WORK/none.pdf"
expect_status 1
expect_no_file "$WORK/none.pdf"
run "$ATTEST" report latest
expect_status 2
run "$ATTEST" report latest --db "$WORK/absent.db" --pdf "$WORK/none.pdf"
expect_status 1
expect_no_file "$WORK/absent.db"
case_end

case_begin "a template sets the organization, title and sections"
cat >"$WORK/t.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<template xmlns="urn:attest:template:1">
  <organization>Zürich Rückversicherung AG</organization>
  <title>Quarterly cloud audit</title>
  <sections><section name="summary"/><section name="appendix"/></sections>
  <limits findings-per-control="2"/>
</template>
EOF
run "$ATTEST" report latest --template "$WORK/t.xml" --pdf "$WORK/t.pdf"
expect_status 0
expect_pdf "$WORK/t.pdf"
expect_text "$WORK/t.pdf" "Zürich Rückversicherung AG"
grep -q "Failing findings" "$WORK/t.pdf.txt" && fail "left-out section rendered"
expect_text "$WORK/t.pdf" "Appendix"
case_end

case_begin "a bad template fails with file and line, exit 1, and writes no PDF"
cat >"$WORK/bad.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<template xmlns="urn:attest:template:1">
  <organization>Example</organization>
  <colors primary="blue"/>
</template>
EOF
before=$(scan_count "$ATTEST_DB")
run "$ATTEST" scan --template "$WORK/bad.xml" --pdf "$WORK/bad.pdf"
expect_status 1
expect_err "bad.xml' at line 4"
expect_no_file "$WORK/bad.pdf"
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored despite the bad template"
run "$ATTEST" report latest --template "$WORK/bad.xml" --pdf "$WORK/bad.pdf"
expect_status 1
expect_err "bad.xml' at line 4"
expect_no_file "$WORK/bad.pdf"
printf '<template xmlns="urn:attest:template:1">\n<organization>x</organization>\n<logo>nope.png</logo>\n' \
	>"$WORK/broken.xml"
run "$ATTEST" report latest --template "$WORK/broken.xml" --pdf "$WORK/bad.pdf"
expect_status 1
expect_err "broken.xml' at line"
printf '<template xmlns="urn:attest:template:1">\n<organization>x</organization>\n<logo>nope.png</logo>\n</template>\n' \
	>"$WORK/nologo.xml"
run "$ATTEST" report latest --template "$WORK/nologo.xml" --pdf "$WORK/bad.pdf"
expect_status 1
expect_err "nologo.xml' at line 3: cannot read logo"
expect_no_file "$WORK/bad.pdf"
case_end

case_begin "a logo that is not a PNG fails cleanly"
echo "not a png" >"$WORK/logo.png"
printf '<template xmlns="urn:attest:template:1">\n<organization>x</organization>\n<logo>logo.png</logo>\n</template>\n' \
	>"$WORK/badlogo.xml"
run "$ATTEST" report latest --template "$WORK/badlogo.xml" --pdf "$WORK/bad.pdf"
expect_status 1
expect_err "logo"
expect_no_file "$WORK/bad.pdf"
case_end

case_begin "10,000 failing findings render, summarized per control"
{
	echo '{"attest_inventory":1,"provider":"aws","source":"pdf test","collected_at":"2026-11-20T00:00:00Z","accounts":["111122223333"],"regions":["us-east-1"],"collected_types":["AWS::EC2::SecurityGroup"]}'
	awk 'BEGIN { for (i = 0; i < 10000; i++)
		printf "{\"type\":\"AWS::EC2::SecurityGroup\",\"id\":\"sg-%08x\",\"region\":\"us-east-1\",\"account\":\"111122223333\",\"configuration\":{\"GroupId\":\"sg-%08x\",\"GroupName\":\"open-%d\",\"VpcId\":\"vpc-0001\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}],\"Ipv6Ranges\":[]}],\"IpPermissionsEgress\":[]}}\n", i, i, i }'
} >"$WORK/open.ndjson"
run "$ATTEST" scan --db "$WORK/big.db" "$WORK/open.ndjson" --pdf "$WORK/big.pdf"
expect_status 0
expect_pdf "$WORK/big.pdf"
n=$(sqlite3 "$WORK/big.db" "SELECT count(*) FROM findings WHERE status = 'fail'")
[ "$n" -ge 10000 ] || fail "only $n failing findings"
expect_text "$WORK/big.pdf" "cis-aws-3.0"
expect_text "$WORK/big.pdf" "5\.2 "
expect_text "$WORK/big.pdf" "sg-00000000"
expect_text "$WORK/big.pdf" "9975 more failing findings of control 5.2"
pages=$(qpdf --show-npages "$WORK/big.pdf")
[ "$pages" -lt 200 ] || fail "$pages pages: findings were not summarized"
case_end

finish
