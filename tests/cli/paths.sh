#!/bin/sh
# Files a command reads and writes, checked before anything is written
# (src/cli/paths.c): no output over the history database or its journals, an
# input, or another output, seen through other names, symbolic and hard
# links; one output at most on standard output; unwritable outputs refused
# before the scan; a report that fails after the scan was stored says so and
# the threshold still applies; numbers parsed strictly.
. "$top_srcdir/tests/cli/lib.sh"
mkdir "$WORK/d" && cd "$WORK/d" || exit 1
cp "$DATA/inventory/s3-only.json" in.json
cp "$top_srcdir/samples/exceptions.xml" exc.xml
DB="$WORK/d/h.db"
"$ATTEST" scan -q --db "$DB" in.json || { echo "cannot make the first scan"; exit 1; }
"$ATTEST" scan -q --db "$DB" in.json
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null

# state: digests of everything a refused command must leave alone.
state() { sha256sum h.db in.json exc.xml 2>/dev/null; ls -1 | sort; }

# refused CMD...: exits 2, names the clash, changes nothing.
refused() {
	state >"$WORK/before"
	run "$@"
	state >"$WORK/after"
	[ "$status" = 2 ] || fail "exit $status, expected 2: $*"
	grep -q "refusing to write over it\|both go to standard output" "$WORK/err" ||
		fail "no clear message for: $* ($(head -c 300 "$WORK/err"))"
	cmp -s "$WORK/before" "$WORK/after" || fail "files changed by a refused command: $*"
	variants=$((variants + 1))
}

case_begin "regressions of issue 10 #1: outputs over the database, an input or an export"
variants=0
refused "$ATTEST" report latest --db h.db --csv h.db
refused "$ATTEST" scan in.json --db h.db --json h.db
refused "$ATTEST" db export latest -o h.db --db h.db
refused "$ATTEST" scan in.json --db h.db --json in.json
[ "$(scan_count "$DB")" = 2 ] || fail "the history lost scans"
case_end

case_begin "class: every output over every protected file, by every kind of name"
ln -s h.db sym.db; ln h.db hard.db; ln -s in.json sym.json; ln in.json hard.json
mkdir sub
variants=0
for fmt in json xml oscal xccdf junit csv pdf; do
	for target in h.db ./h.db "$WORK/d/h.db" sub/../h.db sym.db hard.db h.db-wal h.db-shm \
		h.db-journal in.json ./in.json sym.json hard.json exc.xml; do
		refused "$ATTEST" scan in.json --db h.db --exceptions exc.xml --$fmt "$target"
		case $target in *json|exc.xml) continue ;; esac
		refused "$ATTEST" report latest --db h.db --$fmt "$target"
	done
	other=xml; [ "$fmt" = xml ] && other=json
	refused "$ATTEST" scan in.json --db h.db --$fmt out.x --$other ./out.x
	refused "$ATTEST" report latest --db h.db --$fmt out.x --$other sub/../out.x
done
for target in h.db sym.db hard.db ./h.db h.db-wal; do
	refused "$ATTEST" db export latest -o "$target" --db h.db
done
ATTEST_DB="$WORK/d/h.db" refused "$ATTEST" report latest --csv hard.db
echo "# aliasing variants tried: $variants"
[ "$variants" -gt 150 ] || fail "only $variants variants"
[ "$(scan_count "$DB")" = 2 ] || fail "the history lost scans"
case_end

case_begin "one output at most on standard output"
variants=0
refused "$ATTEST" scan in.json --db h.db --json - --csv -
refused "$ATTEST" report latest --db h.db --xml - --pdf -
run "$ATTEST" report latest --db h.db --json -
expect_status 0
jq -e .scan.id "$WORK/out" >/dev/null || fail "--json - alone is not JSON on stdout"
case_end

case_begin "an output that cannot be written is refused before the scan (#4)"
state >"$WORK/before"
run "$ATTEST" scan in.json --db h.db --csv /nonexistent/dir/x.csv
expect_status 1; expect_err "/nonexistent/dir"
run "$ATTEST" scan in.json --db h.db --json sub
expect_status 1; expect_err "is a directory"
chmod 500 sub
if [ "$(id -u)" != 0 ]; then
	run "$ATTEST" scan in.json --db h.db --json sub/x.json
	expect_status 1; expect_err "Permission denied"
fi
chmod 700 sub
state >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" || fail "a refused scan changed files"
[ "$(scan_count "$DB")" = 2 ] || fail "a refused scan was stored"
case_end

case_begin "a report failing after the scan was stored names the scan and keeps the gate (#4)"
run "$ATTEST" scan in.json --db h.db --csv /dev/full --fail-under 100
expect_status 1
expect_err "the scan was stored as 2"
expect_err "attest report "
expect_err "below --fail-under\|could not be scored"
[ "$(scan_count "$DB")" = 3 ] || fail "the scan should be stored"
id=$(sed -n 's/.*stored as \([^ ]*\) in.*/\1/p' "$WORK/err")
run "$ATTEST" report "$id" --db h.db --json again.json
expect_status 0; expect_file again.json
case_end

case_begin "devices and pipes are written in place, symbolic links through"
run "$ATTEST" report latest --db h.db --json /dev/null
expect_status 0
[ -c /dev/null ] || fail "/dev/null is no longer a device"
echo old >real.json; ln -s real.json link.json
run "$ATTEST" report latest --db h.db --json link.json
expect_status 0
[ -L link.json ] || fail "the symbolic link was replaced by a file"
jq -e .scan.id real.json >/dev/null || fail "the link's target was not written"
case_end

case_begin "--fail-under takes a number from 0 to 100 and nothing else (#9)"
variants=0
for bad in nan NaN inf -inf -1 100.1 101 0x10 0x1p6 " 5" "5 " 1e2 +5 "" . 5..0 5,0 "5%" abc \
	99999999999999999999999; do
	run "$ATTEST" scan in.json --db h.db -q --fail-under "$bad"
	[ "$status" = 2 ] || fail "--fail-under '$bad' gave exit $status, expected 2"
	variants=$((variants + 1))
done
run "$ATTEST" scan in.json --db h.db -q --fail-under 0
expect_status 0
run "$ATTEST" scan in.json --db h.db -q --fail-under 100.0
expect_status 3
echo "# number variants tried: $variants"
case_end

case_begin "counts take plain positive numbers"
for bad in 0 -1 " 3" 3x 0x3 +3 1e1; do
	run "$ATTEST" history --db h.db --limit "$bad"
	[ "$status" = 2 ] || fail "--limit '$bad' gave exit $status, expected 2"
done
run "$ATTEST" history --db h.db --limit 1
expect_status 0
case_end

case_begin "reading never changes the file: exports and histories opened read-only (#20)"
"$ATTEST" db export latest -o exp.db --db h.db >/dev/null || fail "cannot export"
before=$(sha256sum exp.db)
for cmd in "show latest" "history" "diff latest" "trend --framework cis-aws-3.0" \
	"report latest --json exp.json" "db check"; do
	run "$ATTEST" $cmd --db exp.db
	[ "$status" = 0 ] || [ "$status" = 1 ] || fail "$cmd on an export: exit $status"
	[ "$(sha256sum exp.db)" = "$before" ] || fail "'$cmd' changed the export"
	ls exp.db-wal exp.db-shm >/dev/null 2>&1 && fail "'$cmd' left WAL files beside the export"
done
case_end

case_begin "a read-only history is readable; an older schema is refused, then upgraded (#20)"
cp h.db ro.db
if [ "$(id -u)" != 0 ]; then
	mkdir rodir && cp h.db rodir/h.db && chmod 555 rodir && chmod 444 rodir/h.db
	run "$ATTEST" history --db rodir/h.db
	expect_status 0
	chmod 755 rodir
fi
sqlite3 ro.db 'DROP TABLE deltas; DROP TABLE watch_events; DROP TABLE watch_dead_letters; DROP TABLE alert_outbox; DROP INDEX scans_scope_as_of; DROP TABLE scan_resources; ALTER TABLE scans DROP COLUMN digests; ALTER TABLE scan_checks DROP COLUMN definition_sha256; ALTER TABLE scan_checks DROP COLUMN dated; DROP VIEW scan_framework_scores; DROP VIEW scan_control_scores; PRAGMA user_version = 5' ||
	fail "cannot make an older database"
before=$(sha256sum ro.db)
run "$ATTEST" history --db ro.db
expect_status 1; expect_err "attest db upgrade"
[ "$(sha256sum ro.db)" = "$before" ] || fail "a read command upgraded the file"
run "$ATTEST" db upgrade --db ro.db
expect_status 0
run "$ATTEST" report latest --db ro.db --json ro.json
expect_status 0
jq -e '.frameworks[0].posture != null' ro.json >/dev/null || fail "no posture after the upgrade"
case_end

case_begin "an interrupted db export leaves no temporary file or journal (#24)"
mkdir ex
for delay in 0 0.01 0.02 0.05 0.1 0.2; do
	"$ATTEST" db export latest -o ex/e.db --db h.db >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	left=$(ls ex | grep -v '^e\.db$')
	[ -z "$left" ] || fail "left behind after SIGTERM at ${delay}s: $left"
	rm -f ex/e.db
done
case_end

finish
