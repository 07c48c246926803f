#!/bin/sh
# Moving scans between history databases and what a history may contain
# (issue 10, defects 5, 19, 21 and the read-only export).
#
# 5: the inputs a scan kept (--keep-inputs) travel with db export / import,
#    so the imported scan packages with its inventory; an export without
#    them (as older attests wrote) imports and packages, the package saying
#    why the inventory is missing.
# 19: --keep-inputs reads the inputs before the write lock: a FIFO input
#    neither blocks the scan nor other writers; a multi-chunk input is kept
#    byte for byte.
# 21: a generated corpus of crafted exports, one bad field each across every
#    table an export carries: each is refused by db import naming table and
#    column, importing nothing, and db check on a history holding the same
#    row exits 1 naming it.
# Read-only: db export works from a history in a read-only directory and
#    changes nothing there.
. "$top_srcdir/tests/cli/lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "openssl missing: run install-deps.sh"; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "python3 missing: run install-deps.sh"; exit 1; }
K="$WORK/keys"
mkdir -p "$K"
openssl genpkey -algorithm ed25519 -out "$K/ed.pem" 2>/dev/null &&
	openssl pkey -in "$K/ed.pem" -pubout -out "$K/ed.pub" 2>/dev/null || { echo "openssl failed"; exit 1; }
INV="$WORK/with-gaps.json"
cp "$DATA/inventory/with-gaps.json" "$INV"
SUM=$(sha256sum "$INV" | cut -d' ' -f1)

case_begin "kept inputs travel with export and import; the imported scan packages and verifies (#5)"
run "$ATTEST" scan -q --keep-inputs --db "$WORK/a.db" --exceptions "$top_srcdir/samples/exceptions.xml" \
	--attestations "$top_srcdir/samples/attestations.xml" "$INV"
expect_status 0
run "$ATTEST" db export latest --db "$WORK/a.db" -o "$WORK/a.attest"
expect_status 0
[ "$(sqlite3 "$WORK/a.attest" 'SELECT count(*) FROM input_blobs')" = 1 ] || fail "the export carries no kept input"
run "$ATTEST" db import "$WORK/a.attest" --db "$WORK/fresh.db"
expect_status 0
run "$ATTEST" package latest --db "$WORK/fresh.db" -o "$WORK/p1" --key "$K/ed.pem"
expect_status 0
expect_out "1 of 1 inventory files"
run "$ATTEST" verify "$WORK/p1" --pubkey "$K/ed.pub"
expect_status 0
[ "$(sha256sum "$WORK/p1/inventory/1-with-gaps.json" | cut -d' ' -f1)" = "$SUM" ] ||
	fail "the packaged inventory is not the scanned file"
# a second import elsewhere, where the copy already exists, stores it once
run "$ATTEST" scan -q --keep-inputs --db "$WORK/b.db" "$INV"
run "$ATTEST" db import "$WORK/a.attest" --db "$WORK/b.db"
expect_status 0
[ "$(sqlite3 "$WORK/b.db" 'SELECT count(*) FROM input_blobs')" = 1 ] || fail "the copy is stored twice"
run "$ATTEST" db check --db "$WORK/b.db"
expect_status 0
case_end

case_begin "an export without the kept copies imports; its package says why the inventory is missing (#5)"
cp "$WORK/a.attest" "$WORK/old.attest"
sqlite3 "$WORK/old.attest" 'DELETE FROM input_chunks; DELETE FROM input_blobs' || fail "sqlite3 failed"
run "$ATTEST" db import "$WORK/old.attest" --db "$WORK/old.db"
expect_status 0
[ "$(sqlite3 "$WORK/old.db" 'SELECT kept FROM scan_inputs')" = 0 ] || fail "recorded as kept"
run "$ATTEST" package latest --db "$WORK/old.db" -o "$WORK/p2" --key "$K/ed.pem"
expect_status 0
jq_is "$WORK/p2/manifest.json" '.inventory.sources[0].missing | test("no copy of it came with the scan")' true
run "$ATTEST" verify "$WORK/p2" --pubkey "$K/ed.pub"
expect_status 0
run "$ATTEST" db check --db "$WORK/old.db"
expect_status 0
case_end

case_begin "db export works from a read-only history and changes nothing there"
if [ "$(id -u)" = 0 ]; then
	echo "# running as root: permissions do not bind, read-only case not meaningful"
else
	mkdir "$WORK/ro"
	cp "$WORK/a.db" "$WORK/ro/h.db"
	chmod 444 "$WORK/ro/h.db"
	chmod 555 "$WORK/ro"
	before=$(ls -la "$WORK/ro" | sha256sum)
	run "$ATTEST" db export latest --db "$WORK/ro/h.db" -o "$WORK/ro.attest"
	expect_status 0
	[ "$(ls -la "$WORK/ro" | sha256sum)" = "$before" ] || fail "the read-only directory changed"
	run "$ATTEST" db import "$WORK/ro.attest" --db "$WORK/ro-import.db"
	expect_status 0
	chmod 755 "$WORK/ro"
	# a read-only file in a writable directory
	cp "$WORK/a.db" "$WORK/rofile.db"
	chmod 444 "$WORK/rofile.db"
	run "$ATTEST" db export latest --db "$WORK/rofile.db" -o "$WORK/rofile.attest"
	expect_status 0
fi
case_end

case_begin "a FIFO input with --keep-inputs neither blocks the scan nor other writers (#19)"
mkfifo "$WORK/fifo"
"$ATTEST" scan -q --keep-inputs --db "$WORK/f.db" "$WORK/fifo" >"$WORK/fifo.out" 2>"$WORK/fifo.err" &
pid=$!
# while that scan waits for its input, another writer commits
run "$ATTEST" scan -q --db "$WORK/f.db" "$INV"
expect_status 0
cat "$INV" >"$WORK/fifo"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then
	fail "the FIFO scan still runs 20 s after its input was written"
	kill "$pid"
fi
wait "$pid"; st=$?
[ "$st" = 0 ] || fail "the FIFO scan exited $st: $(cat "$WORK/fifo.err")"
grep -q "not a regular file" "$WORK/fifo.err" || fail "no warning: $(cat "$WORK/fifo.err")"
[ "$(sqlite3 "$WORK/f.db" 'SELECT count(*) FROM scans')" = 2 ] || fail "not 2 scans"
[ "$(sqlite3 "$WORK/f.db" 'SELECT kept || note FROM scan_inputs')" = \
	"0it is not a regular file (a pipe or a device cannot be read twice)" ] || fail "note not recorded"
case_end

case_begin "a multi-chunk input is kept byte for byte (#19)"
python3 - "$INV" "$WORK/big.json" <<'EOF' || fail "cannot generate the large inventory"
import json, os, sys, base64
doc = json.load(open(sys.argv[1]))
# 3 MB of incompressible text in one configuration: several 1 MiB chunks
doc["resources"][0].setdefault("configuration", {})["Blob"] = base64.b64encode(os.urandom(3 * 1024 * 1024)).decode()
json.dump(doc, open(sys.argv[2], "w"))
EOF
run "$ATTEST" scan -q --keep-inputs --db "$WORK/big.db" "$WORK/big.json"
expect_status 0
[ "$(sqlite3 "$WORK/big.db" 'SELECT count(*) FROM input_chunks')" -ge 4 ] || fail "not kept in several chunks"
run "$ATTEST" db export latest --db "$WORK/big.db" -o "$WORK/big.attest"
run "$ATTEST" db import "$WORK/big.attest" --db "$WORK/big2.db"
expect_status 0
run "$ATTEST" package latest --db "$WORK/big2.db" -o "$WORK/p3" --key "$K/ed.pem"
expect_status 0
cmp -s "$WORK/big.json" "$WORK/p3/inventory/1-big.json" || fail "the kept copy differs from the input"
case_end

# ---- 21: crafted exports ----------------------------------------------------
# table|column|SQL value (one bad field each)
cat >"$WORK/variants" <<'EOF'
scans|started_at|'9999-12-31T23:59:59Z'
scans|started_at|'2026-02-30T10:00:00Z'
scans|started_at|'2026-01-02 10:00:00'
scans|started_at|'1970-01-01T00:00:00Z'
scans|started_at|42
scans|finished_at|'1999-01-01T00:00:00Z'
scans|as_of|'99999-01-01T00:00:00Z'
scans|as_of|'yesterday'
scans|accounts|'["1",'
scans|accounts|'{"a":1}'
scans|accounts|'[1,2]'
scans|regions|'not json'
scans|regions|'[null]'
scans|scope|'aws:999999999999'
scans|sources|'[{"path":1}]'
scans|sources|'[{"path":"x","sha256":"zz"}]'
scans|sources|'{'
scans|inventory_sha256|'abc'
scans|inventory_sha256|upper(inventory_sha256)
scans|resource_count|-1
scans|resource_count|'many'
scans|digests|2
scans|attest_version|''
scan_frameworks|score|100.5
scan_frameworks|score|-1
scan_frameworks|score|'high'
scan_frameworks|coverage|101
scan_frameworks|n_pass|-3
scan_frameworks|n_fail|1.5
scan_frameworks|framework|''
scan_controls|status|'passed'
scan_controls|status|'Pass'
scan_controls|assessment|'sometimes'
scan_controls|framework|'no-such-framework'
scan_control_checks|check_id|'no-such-check'
scan_control_checks|control_id|'no-such-control'
scan_checks|status|'ok'
scan_checks|severity|'catastrophic'
scan_checks|requires|'[1]'
scan_checks|refs|'{"a":'
scan_checks|n_fail|-1
scan_checks|definition_sha256|'xyz'
scan_checks|dated|7
findings|status|'PASS'
findings|check_id|'no-such-check'
findings|evidence|'{"a":'
findings|evidence|'[1,2]'
findings|exposed|5
findings|exception_id|'EX-NONE'
findings|scan_id|'20990101T000000Z-00000000'
scan_exceptions|match|'x'
scan_exceptions|active|'yes'
scan_exceptions|expires|'never'
scan_exceptions|matched|-1
scan_attestations|active|3
scan_attestations|framework|'no-such-framework'
scan_attestations|attested_on|'soon'
scan_inputs|kept|2
scan_inputs|sha256|'nothex'
scan_inputs|seq|0
input_blobs|bytes|-5
input_blobs|sha256|'short'
input_chunks|data|'text, not a blob'
scan_gaps|types|'["a",'
scan_gaps|types|'[{}]'
scan_gaps|region|''
scan_resources|config_sha256|'0'
scan_resources|resource_type|''
EOF
n_variants=$(grep -c . "$WORK/variants")

case_begin "the good export imports and checks clean; it has rows in every table the corpus touches"
run "$ATTEST" db check --db "$WORK/a.db"
expect_status 0
for t in $(cut -d'|' -f1 "$WORK/variants" | sort -u); do
	[ "$(sqlite3 "$WORK/a.attest" "SELECT count(*) FROM $t")" -gt 0 ] || fail "the export has no $t rows"
done
# every table with a scan_id (and the kept copies) is in the corpus
for t in $(sqlite3 "$WORK/a.attest" "SELECT name FROM sqlite_schema WHERE type = 'table' AND (name LIKE 'scan%' OR name LIKE 'input%' OR name = 'findings')"); do
	grep -q "^$t|" "$WORK/variants" || fail "no variant for table $t"
done
case_end

case_begin "crafted exports are refused whole, naming table and column; db check names the same rows (#21)"
i=0
while IFS='|' read -r table column value; do
	i=$((i + 1))
	v="$WORK/v$i.attest"
	cp "$WORK/a.attest" "$v"
	# the first row of the table: by rowid, or by primary key WITHOUT ROWID
	if sqlite3 "$v" "SELECT rowid FROM $table LIMIT 1" >/dev/null 2>&1; then
		where="rowid = (SELECT min(rowid) FROM $table)"
	else
		pk=$(sqlite3 "$v" "SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_table_info('$table') WHERE pk > 0 ORDER BY pk)")
		where="($pk) = (SELECT $pk FROM $table LIMIT 1)"
	fi
	sqlite3 "$v" "PRAGMA foreign_keys = OFF; UPDATE $table SET $column = $value WHERE $where" 2>"$WORK/sqlerr" ||
		{ fail "variant $i ($table.$column = $value): cannot craft: $(cat "$WORK/sqlerr")"; continue; }
	rm -f "$WORK/v.db"
	run "$ATTEST" db import "$v" --db "$WORK/v.db"
	[ "$status" = 1 ] || { fail "variant $i ($table.$column = $value): import exit $status"; continue; }
	# the import names the first problem (a row of another scan breaks a
	# reference rule before the foreign key); db check below names them all
	grep -q "table $table, row .*column [a-z_0-9]*: not\|table $table, row .*refers to" "$WORK/err" ||
		fail "variant $i ($table.$column = $value): the message does not name it: $(head -c 400 "$WORK/err")"
	[ "$(sqlite3 "$WORK/v.db" 'SELECT count(*) FROM scans')" = 0 ] ||
		fail "variant $i ($table.$column = $value): something was imported"
	run "$ATTEST" db check --db "$v"
	[ "$status" = 1 ] || fail "variant $i ($table.$column = $value): db check exit $status"
	grep -q "problem: table $table, row .*column $column\|problem: table $table, row .*refers to" "$WORK/out" ||
		fail "variant $i ($table.$column = $value): db check does not name it: $(head -c 400 "$WORK/out")"
done <"$WORK/variants"
echo "# crafted export variants tried: $i"
[ "$i" = "$n_variants" ] || fail "ran $i of $n_variants variants"
case_end

case_begin "a crafted start time does not become latest; malformed accounts do not break history --account (#21)"
cp "$WORK/a.attest" "$WORK/t.attest"
sqlite3 "$WORK/t.attest" "UPDATE scans SET started_at = '9999-12-31T00:00:00Z', accounts = '[\"1\",'"
run "$ATTEST" scan -q --db "$WORK/t.db" "$INV"
run "$ATTEST" db import "$WORK/t.attest" --db "$WORK/t.db"
expect_status 1
expect_err "nothing imported"
run "$ATTEST" history --db "$WORK/t.db" --account 123456789012
expect_status 0
[ "$(sqlite3 "$WORK/t.db" 'SELECT count(*) FROM scans')" = 1 ] || fail "the crafted scan was imported"
case_end

finish
