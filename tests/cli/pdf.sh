#!/bin/sh
# The PDF audit report: `attest scan --pdf` and `attest report SCAN --pdf`
# give a valid PDF (qpdf --check) whose text (pdftotext) holds the framework,
# its figures as the summary prints them, control ids and a known failing
# resource, a printed table of contents with right page numbers, the audit
# frame and a sign-off; the sample's report fits in 120 pages; templates
# change the document and bad ones fail with file and line; a scan with
# 10,000 failing findings lists every one, compactly. tests/cli/pdf_audit.sh
# checks the text against the JSON result.
. "$top_srcdir/tests/cli/lib.sh"

for tool in qpdf pdftotext; do
	command -v $tool >/dev/null 2>&1 || { echo "$tool not installed: run install-deps.sh"; exit 1; }
done

# pdf_text PDF: its text, one file per PDF, in $WORK/PDF.txt.
pdf_text() { pdftotext -layout "$1" "$1.txt" 2>/dev/null || fail "pdftotext failed on $1"; }
expect_pdf() {
	expect_file "$1"
	qpdf --check "$1" >"$WORK/qpdf.out" 2>&1 || fail "qpdf --check: $(tail -3 "$WORK/qpdf.out")"
	pdf_text "$1"
}
expect_text() { grep -q -- "$2" "$1.txt" || fail "$(basename "$1") lacks '$2'"; }

case_begin "scan --pdf writes a valid PDF with both figures, controls and findings"
run "$ATTEST" scan --pdf "$WORK/sample.pdf"
expect_status 0
expect_pdf "$WORK/sample.pdf"
cp "$WORK/err" "$WORK/sample.err"
score=$(sed -n 's/.*controls fully passing \([0-9]* of [0-9]*\) (\([0-9.]*\)%).*/\1 controls (\2 %)/p' \
	"$WORK/out" | head -1)
posture=$(sed -n 's/.*posture *\([0-9.]*\)%.*/\1/p' "$WORK/out" | head -1)
[ -n "$score" ] && [ -n "$posture" ] || fail "no figures in the terminal summary"
expect_text "$WORK/sample.pdf" "cis-aws-3.0"
expect_text "$WORK/sample.pdf" "$score"
expect_text "$WORK/sample.pdf" "$posture % over"
expect_text "$WORK/sample.pdf" "^ *5\.2 "
expect_text "$WORK/sample.pdf" "1\.4 "
# Ids stay whole in their column.
expect_text "$WORK/sample.pdf" "164\.308(a)(7)(ii)(A) "
expect_text "$WORK/sample.pdf" "sg-9997aad8c91cb161d"
expect_text "$WORK/sample.pdf" "nw-prod-legacy-sftp"
expect_text "$WORK/sample.pdf" "Executive summary"
expect_text "$WORK/sample.pdf" "Audit scope and method"
expect_text "$WORK/sample.pdf" "210987654321 (northwind-prod)"
expect_text "$WORK/sample.pdf" "Failing findings by check"
expect_text "$WORK/sample.pdf" "Manual controls awaiting attestation"
expect_text "$WORK/sample.pdf" "Evidence digests"
expect_text "$WORK/sample.pdf" "Sign-off"
expect_text "$WORK/sample.pdf" "page 2 of "
expect_out "pdf written to $WORK/sample.pdf"
case_end

case_begin "the sample's report fits in 120 pages and its text extracts without warnings"
pages=$(qpdf --show-npages "$WORK/sample.pdf")
[ "$pages" -le 120 ] || fail "$pages pages"
echo "# sample report: $pages pages"
pdftotext "$WORK/sample.pdf" "$WORK/plain.txt" 2>"$WORK/pdftotext.err" || fail "pdftotext failed"
[ ! -s "$WORK/pdftotext.err" ] || fail "pdftotext warns: $(head -3 "$WORK/pdftotext.err")"
case_end

case_begin "the appendix holds the inventory's SHA-256 and the scoring formulas"
sha=$(sqlite3 "$ATTEST_DB" 'SELECT inventory_sha256 FROM scans')
expect_text "$WORK/sample.pdf" "$sha"
expect_text "$WORK/sample.pdf" "score *= round(100 × controls_passing / controls_scored, 1)"
expect_text "$WORK/sample.pdf" "posture *= round(Σ weight × pass_share / Σ weight, 1)"
case_end

case_begin "a printed table of contents gives each section's page"
for s in "Executive summary" "Failing findings by check" "Appendix" "Sign-off"; do
	n=$(sed -n '/^Contents$/,/^Sign-off/p' "$WORK/sample.pdf.txt" |
		sed -n "s/^$s  *\([0-9][0-9]*\)\$/\1/p" | head -1)
	[ -n "$n" ] || { fail "no contents line for '$s'"; continue; }
	pdftotext -f "$n" -l "$n" "$WORK/sample.pdf" - 2>/dev/null | grep -q "^$s\$" ||
		fail "'$s' is not on page $n"
done
case_end

case_begin "the organization: a warning while it is the placeholder, none once set"
grep -q "warning: the PDF report names the organization 'Your organization'" "$WORK/sample.err" ||
	fail "no warning about the placeholder organization"
run "$ATTEST" report latest --organization "Northwind Analytics Ltd" --pdf "$WORK/org.pdf"
expect_status 0
grep -q "warning" "$WORK/err" && fail "warns with --organization"
expect_pdf "$WORK/org.pdf"
expect_text "$WORK/org.pdf" "Northwind Analytics Ltd"
grep -q "Your organization" "$WORK/org.pdf.txt" && fail "the placeholder is still printed"
case_end

case_begin "the outline has one entry per section"
qpdf --json --json-key=outlines "$WORK/sample.pdf" >"$WORK/outline.json" 2>/dev/null ||
	fail "qpdf cannot read the outline"
for s in "Executive summary" "Controls" "Failing findings by check" "Appendix" "Sign-off"; do
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
expect_text "$WORK/latest.pdf" "Posture trend"
id=$(jq -r .scan.id "$WORK/latest.json")
expect_text "$WORK/latest.pdf" "$id"
pages=$(qpdf --show-npages "$WORK/latest.pdf")
[ "$pages" -le 120 ] || fail "$pages pages with the changes and the trend"
case_end

case_begin "changes since the previous scan: none for the first scan of a scope"
run "$ATTEST" scan -q --db "$WORK/changes.db" "$top_srcdir/samples/estate.json" \
	--pdf "$WORK/first.pdf"
expect_status 0
expect_pdf "$WORK/first.pdf"
expect_text "$WORK/first.pdf" "Changes since the previous scan"
expect_text "$WORK/first.pdf" "There is no previous scan of this scope"
case_end

case_begin "changes since the previous scan: a fixed security group beside the figures' changes"
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
# Each figure's change beside the findings that moved it: cis-aws-3.0 maps
# the fixed group's check, and nothing newly fails.
grep -Eq "^ *cis-aws-3\.0 +[0-9.]+ % → [0-9.]+ % \([+-][0-9]+\.[0-9]\) +[0-9.]+ % → [0-9.]+ % \([+-][0-9]+\.[0-9]\) .* 0 +[1-9][0-9]* *$" \
	"$WORK/changes.txt" || fail "no figures with newly failing and fixed counts for cis-aws-3.0"
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

case_begin "report: unknown scan, no format, no database, unknown framework"
run "$ATTEST" report no-such-scan --pdf "$WORK/none.pdf"
expect_status 1
expect_no_file "$WORK/none.pdf"
run "$ATTEST" report latest
expect_status 2
run "$ATTEST" report latest --db "$WORK/absent.db" --pdf "$WORK/none.pdf"
expect_status 1
expect_no_file "$WORK/absent.db"
run "$ATTEST" report latest --framework no-such-framework --pdf "$WORK/none.pdf"
expect_status 1
expect_err "has no framework 'no-such-framework'"
expect_no_file "$WORK/none.pdf"
case_end

case_begin "a template sets the organization, title, audit frame, sign-off and sections"
cat >"$WORK/t.xml" <<'TEMPLATE'
<?xml version="1.0" encoding="UTF-8"?>
<template xmlns="urn:attest:template:1">
  <organization>Zürich Rückversicherung AG</organization>
  <title>Quarterly cloud audit</title>
  <scope>The production
     and staging accounts of the reinsurance platform.</scope>
  <methodology>Configuration review by attest, sampled by the internal audit team.</methodology>
  <limitations>On-premises systems are out of scope.</limitations>
  <sign-off><role>Head of Internal Audit</role><role>Group CISO</role></sign-off>
  <sections><section name="frame"/><section name="summary"/><section name="appendix"/>
    <section name="signoff"/></sections>
  <limits findings-per-control="2"/>
</template>
TEMPLATE
run "$ATTEST" report latest --template "$WORK/t.xml" --pdf "$WORK/t.pdf"
expect_status 0
expect_pdf "$WORK/t.pdf"
expect_text "$WORK/t.pdf" "Zürich Rückversicherung AG"
grep -q "Failing findings" "$WORK/t.pdf.txt" && fail "left-out section rendered"
grep -q "^Contents" "$WORK/t.pdf.txt" && fail "left-out contents rendered"
expect_text "$WORK/t.pdf" "Appendix"
expect_text "$WORK/t.pdf" "production and staging accounts"
expect_text "$WORK/t.pdf" "sampled by the internal audit team"
expect_text "$WORK/t.pdf" "On-premises systems are out of scope"
expect_text "$WORK/t.pdf" "Head of Internal Audit"
expect_text "$WORK/t.pdf" "Group CISO"
grep -q "warning" "$WORK/err" && fail "warns about a set organization"
case_end

case_begin "a bad template fails with file and line, exit 1, and writes no PDF"
cat >"$WORK/bad.xml" <<'TEMPLATE'
<?xml version="1.0" encoding="UTF-8"?>
<template xmlns="urn:attest:template:1">
  <organization>Example</organization>
  <colors primary="blue"/>
</template>
TEMPLATE
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

case_begin "a 70,000-character id: the PDF cuts it with a marker, JSON keeps it whole"
# issue 10 #23: libharu refuses strings over 65,535 bytes (error 0x105B) and
# a whole id would fill pages; words are cut at 1,000 bytes everywhere the
# PDF draws text (paragraphs, table cells, fix commands), also in UTF-8.
long=$(awk 'BEGIN { s = "b"; for (i = 0; i < 70000; i++) s = s "x"; print s }')
wide=$(awk 'BEGIN { s = "b"; for (i = 0; i < 3000; i++) s = s "\u00e9"; print s }')
{
	echo '{"attest_inventory":1,"provider":"aws","source":"pdf test","collected_at":"2026-11-20T00:00:00Z","accounts":["111122223333"],"regions":["us-east-1"],"collected_types":["AWS::S3::Bucket","AWS::EC2::SecurityGroup"]}'
	printf '{"type":"AWS::S3::Bucket","id":"%s","arn":"arn:aws:s3:::%s","name":"%s","region":"us-east-1","account":"111122223333","configuration":{"Name":"%s"}}\n' \
		"$long" "$long" "$long" "$long"
	printf '{"type":"AWS::EC2::SecurityGroup","id":"sg-1","region":"us-east-1","account":"111122223333","configuration":{"GroupId":"sg-1","GroupName":"%s","VpcId":"vpc-1","Description":"%s","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[]}],"IpPermissionsEgress":[]}}\n' \
		"$wide" "$wide"
} >"$WORK/long.ndjson"
run "$ATTEST" scan --db "$WORK/long.db" "$WORK/long.ndjson" --pdf "$WORK/long.pdf" \
	--json "$WORK/long.json"
expect_status 0
expect_pdf "$WORK/long.pdf"
expect_text "$WORK/long.pdf" "more characters cut\]"
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$WORK/long.pdf.txt")
[ "$longest" -lt 2000 ] || fail "a line of $longest characters in the PDF text"
grep -q "$long" "$WORK/long.json" || fail "the JSON report does not keep the whole id"
case_end

case_begin "10,000 failing findings: every one listed, compactly, with the evidence file named"
{
	echo '{"attest_inventory":1,"provider":"aws","source":"pdf test","collected_at":"2026-11-20T00:00:00Z","accounts":["111122223333"],"regions":["us-east-1"],"collected_types":["AWS::EC2::SecurityGroup"]}'
	awk 'BEGIN { for (i = 0; i < 10000; i++)
		printf "{\"type\":\"AWS::EC2::SecurityGroup\",\"id\":\"sg-%08x\",\"region\":\"us-east-1\",\"account\":\"111122223333\",\"configuration\":{\"GroupId\":\"sg-%08x\",\"GroupName\":\"open-%d\",\"VpcId\":\"vpc-0001\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}],\"Ipv6Ranges\":[]}],\"IpPermissionsEgress\":[]}}\n", i, i, i }'
} >"$WORK/open.ndjson"
run "$ATTEST" scan --db "$WORK/big.db" "$WORK/open.ndjson" --pdf "$WORK/big.pdf"
expect_status 0
expect_pdf "$WORK/big.pdf"
sqlite3 "$WORK/big.db" "SELECT DISTINCT resource_id FROM findings WHERE status = 'fail'" \
	>"$WORK/big.ids"
[ "$(wc -l <"$WORK/big.ids")" -ge 10000 ] || fail "only $(wc -l <"$WORK/big.ids") failing resources"
expect_text "$WORK/big.pdf" "cis-aws-3.0"
expect_text "$WORK/big.pdf" "5\.2 "
pdftotext -raw "$WORK/big.pdf" "$WORK/big.raw" 2>/dev/null
tr -s ' ,\n' '\n\n\n' <"$WORK/big.raw" | sort -u >"$WORK/big.words"
missing=$(sort "$WORK/big.ids" | comm -23 - "$WORK/big.words" | wc -l)
[ "$missing" -eq 0 ] || fail "$missing failing resources are not in the PDF"
tr '\n' ' ' <"$WORK/big.raw" | grep -q "evidence file for check ec2-sg-no-ipv4-world-ingress-admin-ports" ||
	fail "the evidence file of the large check is not named"
grep -q "Account 111122223333, region us-east-1: 10000 resources" "$WORK/big.raw" ||
	fail "no compact list by account and region"
grep -q "more than the 200 per check" "$WORK/big.raw" || fail "the bound is not stated"
pages=$(qpdf --show-npages "$WORK/big.pdf")
[ "$pages" -lt 150 ] || fail "$pages pages: the list is not compact"
echo "# 10,000 failing findings: $pages pages"
case_end

finish
