#!/bin/sh
# Untrusted text never reaches the terminal raw (attest_term_escape): escape
# sequences, C1 controls and bidirectional overrides put into every field an
# inventory, a file name or a catalog gives are printed as visible escapes by
# every command that shows them.
. "$top_srcdir/tests/cli/lib.sh"
cd "$WORK" || exit 1

# The payloads: OSC retitle + BEL, clear screen, CSI as a C1 byte, a
# right-to-left override, an isolate, a line separator, a bare CR, DEL.
python3 - "$DATA/inventory/s3-only.json" <<'PY'
import json
import sys
payloads = ["\u001b]0;PWNED\u0007", "\u001b[2J", "\u009b31m", "\u202e", "\u2066", "\u2028",
            "\r", "\u007f", "\u001bP+q\u001b\\"]
base = json.load(open(sys.argv[1]))
docs = []
for i, p in enumerate(payloads):
    d = json.loads(json.dumps(base))
    acct = "1" + p
    d["accounts"] = [acct]
    d["regions"] = ["us-east-1" + p]
    d["source"] = "src" + p
    r = d["resources"][0]
    r["account"] = acct
    r["region"] = "us-east-1" + p
    r["id"] = "bucket" + p
    r["configuration"]["Name"] = "bucket" + p
    json.dump(d, open(f"evil{i}.json", "w"))
PY
[ -s evil0.json ] || { echo "cannot build the hostile inventories"; exit 1; }

# clean FILE...: no byte a terminal acts on (C0 but \n, DEL, C1 or bidi in UTF-8).
clean() {
	for f in "$@"; do
		if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]' "$f"; then
			fail "raw control text in $(basename "$f"): $(LC_ALL=C grep -aP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$f" | head -2 | od -c | head -4)"
		fi
	done
}

case_begin "scan summary: accounts, regions, resources and file names are escaped"
n=0
for f in evil*.json; do
	run "$ATTEST" scan "$f"
	expect_status 0
	clean "$WORK/out" "$WORK/err"
	n=$((n + 1))
done
expect_out '\\x1B'
echo "# hostile inventories scanned: $n"
case_end

case_begin "load errors name hostile file names escaped"
for name in "$(printf 'bad\033]0;X\007.json')" "$(printf 'bad\033[2J.json')" \
	"$(printf 'bad\342\200\256nosj.exe')" "$(printf 'bad\302\233.json')"; do
	printf '{' >"$name"
	run "$ATTEST" scan "$name"
	expect_status 1
	clean "$WORK/err"
	run "$ATTEST" scan "missing-$name"
	expect_status 1
	clean "$WORK/err"
done
case_end

case_begin "usage errors echo hostile arguments escaped"
run "$ATTEST" scan --fail-under "$(printf '\033[2J')"
expect_status 2
clean "$WORK/err"
run "$ATTEST" "$(printf 'no\033]0;X\007such')"
clean "$WORK/err"
case_end

case_begin "reports rendered again: the summary of a stored hostile scan"
run "$ATTEST" report latest --json "$WORK/r.json"
expect_status 0
clean "$WORK/out" "$WORK/err"
case_end

case_begin "show, history, diff and trend of stored hostile scans are escaped"
# Every hostile inventory above was scanned into the history; each is also
# compared with the same estate unharmed so that diff names the resources.
run "$ATTEST" scan "$DATA/inventory/s3-only.json"
expect_status 0
n=0
for id in $(sqlite3 "$ATTEST_DB" "SELECT scan_id FROM scans ORDER BY rowid"); do
	run "$ATTEST" show "$id"
	expect_status 0
	clean "$WORK/out" "$WORK/err"
	run "$ATTEST" diff "$id" latest
	clean "$WORK/out" "$WORK/err"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n stored scans to show"
run "$ATTEST" history
expect_status 0
clean "$WORK/out" "$WORK/err"
expect_out '\\x1B'
run "$ATTEST" trend
clean "$WORK/out" "$WORK/err"
echo "# stored hostile scans shown and compared: $n"
case_end

finish
