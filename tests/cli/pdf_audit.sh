#!/bin/sh
# The PDF report against the JSON result of the same scan, through two
# independent text extractors (poppler's pdftotext and MuPDF's mutool):
# every failing finding's resource is in both texts; each count line adds up;
# both figures and the coverage are the JSON's; the appendix prints
# doc/scoring.md's formulas; no example id of a check's fix is printed under
# a real finding, and the fix commands paste into a shell as the commands
# they are; --framework renders only the frameworks asked for; exceptions
# and attestations show their text, what they matched, and the lapsed ones
# apart. tests/cli/pdf_check.py does the comparing.
. "$top_srcdir/tests/cli/lib.sh"

for tool in qpdf pdftotext mutool python3; do
	command -v $tool >/dev/null 2>&1 || { echo "$tool not installed: run install-deps.sh"; exit 1; }
done
CHECK="python3 $top_srcdir/tests/cli/pdf_check.py"
SAMPLES="$top_srcdir/samples"

# texts PDF: PDF.raw (pdftotext, content order), PDF.mu (mutool); pdftotext
# must not warn.
texts() {
	pdftotext -raw "$1" "$1.raw" 2>"$WORK/pdftotext.err" || fail "pdftotext failed on $1"
	[ ! -s "$WORK/pdftotext.err" ] || fail "pdftotext warns: $(head -2 "$WORK/pdftotext.err")"
	mutool draw -q -F txt -o "$1.mu" "$1" 2>/dev/null || fail "mutool failed on $1"
	[ -s "$1.mu" ] || fail "mutool extracts no text from $1"
}
check() { $CHECK "$@" >"$WORK/check.out" 2>&1 || fail "$1: $(head -5 "$WORK/check.out")"; }

case_begin "the sample: every failing finding in both extractors' text"
run "$ATTEST" scan --json "$WORK/s.json" --pdf "$WORK/s.pdf"
expect_status 0
texts "$WORK/s.pdf"
check complete "$WORK/s.json" "$WORK/s.pdf.raw" "$WORK/s.pdf.mu"
case_end

case_begin "the sample: count lines add up, figures and formulas are the JSON's and the doc's"
check counts "$WORK/s.json" "$WORK/s.pdf.raw"
check figures "$WORK/s.json" "$WORK/s.pdf.raw"
check formulas "$top_srcdir/doc/scoring.md" "$WORK/s.pdf.raw"
case_end

case_begin "the sample: evidence cut only with a note naming the file and the evidence's digest"
tr '\n' ' ' <"$WORK/s.pdf.raw" | tr -s ' ' |
	grep -o 'evidence cut after [0-9]* of [0-9]* lines: the whole evidence (SHA-256 [0-9a-f]*) is in the audit package.s evidence file for check [a-z0-9-]*' \
	>"$WORK/cuts.txt"
[ -s "$WORK/cuts.txt" ] || fail "no evidence is cut in the sample: nothing to check"
sqlite3 "$ATTEST_DB" "SELECT evidence FROM findings WHERE status = 'fail'" >/dev/null ||
	fail "cannot read the findings"
python3 -c '
import hashlib, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
known = set()
for c, e in db.execute("SELECT check_id, evidence FROM findings WHERE status = '"'"'fail'"'"'"):
    known.add((hashlib.sha256(e.encode()).hexdigest(), c))
bad = 0
for line in open(sys.argv[2]):
    m = re.search(r"SHA-256 ([0-9a-f]{64})\) .* check ([a-z0-9-]+)", line)
    if not m or (m.group(1), m.group(2)) not in known:
        print("no such evidence:", line.strip()); bad = 1
sys.exit(bad)' "$ATTEST_DB" "$WORK/cuts.txt" >"$WORK/cuts.out" || fail "$(head -3 "$WORK/cuts.out")"
case_end

case_begin "the sample: no example id of a fix under a real finding"
check placeholders "$WORK/s.json" "$WORK/s.pdf.raw"
case_end

case_begin "fix commands paste into a shell as the commands they are"
# Each command the PDF prints (from "aws " to the last line continued with a
# backslash) runs against a stand-in aws that prints its arguments: it must
# parse, and the security group's fix must name the group itself.
sed -n '/^Failing findings by check$/,/^Manual controls awaiting attestation$/p' "$WORK/s.pdf.raw" |
	awk '/^aws / { cmd = 1 } cmd { print; if ($0 !~ /\\$/) { print "#--"; cmd = 0 } }' \
	>"$WORK/commands.txt"
n=$(grep -c '^#--$' "$WORK/commands.txt")
[ "$n" -ge 100 ] || fail "only $n commands found"
wrapped=$(grep -c ' \\$' "$WORK/commands.txt")
[ "$wrapped" -ge 10 ] || fail "only $wrapped continued lines"
awk -v dir="$WORK" 'BEGIN { n = 0 } /^#--$/ { n++; next } { print > (dir "/cmd." n) }' \
	"$WORK/commands.txt"
bad=0
for f in "$WORK"/cmd.*; do
	grep -q '<' "$f" && continue # a <placeholder> to fill in is not meant to run
	(cd "$WORK" && sh -c 'aws() { for a in "$@"; do printf "[%s]\n" "$a"; done; }; . "$1"' sh "$f") \
		>"$f.args" 2>"$f.err" || { bad=$((bad + 1)); fail "does not parse: $(head -3 "$f")"; }
	grep -q '^\[ \|^\[\]$' "$f.args" && fail "an argument is empty or split: $(head -2 "$f")"
done
[ "$bad" -eq 0 ] || fail "$bad commands do not parse"
grep -l '^\[revoke-security-group-ingress\]$' "$WORK"/cmd.*.args >"$WORK/sg.list"
found=0
while read -r f; do
	grep -A1 '^\[--group-id\]$' "$f" | grep -q '^\[sg-9997aad8c91cb161d\]$' && found=1
done <"$WORK/sg.list"
[ "$found" = 1 ] || fail "no revoke command names sg-9997aad8c91cb161d"
case_end

case_begin "report --framework renders only that framework"
id=$(jq -r .scan.id "$WORK/s.json")
run "$ATTEST" report "$id" --framework hipaa --pdf "$WORK/h.pdf"
expect_status 0
texts "$WORK/h.pdf"
check only "$WORK/s.json" "$WORK/h.pdf.raw" hipaa
grep -q "164\.312(a)(1)" "$WORK/h.pdf.raw" || fail "no HIPAA control"
[ "$(qpdf --show-npages "$WORK/h.pdf")" -lt "$(qpdf --show-npages "$WORK/s.pdf")" ] ||
	fail "one framework is not shorter than five"
# Its failing findings are those of HIPAA's checks, every one.
jq '.findings |= map(select(any(.controls[]; .framework == "hipaa")))
	| .frameworks |= map(select(.id == "hipaa"))' "$WORK/s.json" >"$WORK/h.json"
check complete "$WORK/h.json" "$WORK/h.pdf.raw" "$WORK/h.pdf.mu"
check counts "$WORK/h.json" "$WORK/h.pdf.raw"
run "$ATTEST" report "$id" --framework hipaa --framework soc2 --pdf "$WORK/hs.pdf"
expect_status 0
texts "$WORK/hs.pdf"
check only "$WORK/s.json" "$WORK/hs.pdf.raw" hipaa soc2
case_end

case_begin "exceptions and attestations: text, matches, lapsed ones apart, counts with attested"
run "$ATTEST" scan --db "$WORK/ea.db" --exceptions "$SAMPLES/exceptions.xml" \
	--attestations "$SAMPLES/attestations.xml" --json "$WORK/ea.json" --pdf "$WORK/ea.pdf"
expect_status 0
texts "$WORK/ea.pdf"
check counts "$WORK/ea.json" "$WORK/ea.pdf.raw"
check figures "$WORK/ea.json" "$WORK/ea.pdf.raw"
check complete "$WORK/ea.json" "$WORK/ea.pdf.raw" "$WORK/ea.pdf.mu"
grep -q "62 controls: 1 pass, 2 attested, 53 fail, 6 manual" "$WORK/ea.pdf.raw" ||
	fail "the cis-aws-3.0 count line lacks the attested controls"
sed -n '/^Exceptions in force$/,/^Lapsed exceptions$/p' "$WORK/ea.pdf.raw" | tr '\n' ' ' |
	tr -s ' ' >"$WORK/in-force.txt"
for w in "EX-2026-014" "EX-2026-021" "Priya Raman, Head of Security" \
	"whose source addresses change without notice" "Resources excepted (1): sg-9997aad8c91cb161d"; do
	grep -qF "$w" "$WORK/in-force.txt" || fail "exceptions in force lack '$w'"
done
grep -q "EX-2025-007" "$WORK/in-force.txt" && fail "a lapsed exception is listed as in force"
sed -n '/^Lapsed exceptions$/,/^Attestations in force$/p' "$WORK/ea.pdf.raw" >"$WORK/lapsed.txt"
grep -q "EX-2025-007" "$WORK/lapsed.txt" || fail "the lapsed exception is not in its table"
grep -q "2025-11-01" "$WORK/lapsed.txt" || fail "the lapsed exception's expiry is not shown"
sed -n '/^Attestations in force$/,/^Lapsed attestations$/p' "$WORK/ea.pdf.raw" | tr '\n' ' ' |
	tr -s ' ' >"$WORK/att.txt"
grep -qF "the security mailbox and the on-call phone line" "$WORK/att.txt" ||
	fail "the attestation's statement is not shown whole"
grep -qF "cis-aws-3.0 5.5" "$WORK/att.txt" && fail "a lapsed attestation is listed as in force"
sed -n '/^Lapsed attestations$/,/^Appendix$/p' "$WORK/ea.pdf.raw" >"$WORK/latt.txt"
grep -q "5\.5" "$WORK/latt.txt" || fail "the lapsed attestation is not in its table"
# No text keeps the XML file's line breaks and indentation.
grep -q "change$" "$WORK/ea.pdf.mu" && grep -A1 "change$" "$WORK/ea.pdf.mu" | grep -q "^ \{4,\}without" &&
	fail "the justification keeps the XML indentation"
case_end

finish
