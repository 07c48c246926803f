#!/bin/sh
# The history database under concurrent writers and sudden death: two scans
# writing one database at once both land, complete and distinct; a scan
# SIGKILLed at random moments (25 times, each within about a second) never
# leaves a damaged database or a partial scan.
. "$top_srcdir/tests/cli/lib.sh"

# every_scan_complete DB: no scan lacks frameworks, controls, checks or findings.
every_scan_complete() {
	sqlite3 "$1" "SELECT count(*) FROM scans s WHERE
		NOT EXISTS (SELECT 1 FROM scan_frameworks f WHERE f.scan_id = s.scan_id) OR
		NOT EXISTS (SELECT 1 FROM scan_controls c WHERE c.scan_id = s.scan_id) OR
		NOT EXISTS (SELECT 1 FROM scan_checks k WHERE k.scan_id = s.scan_id) OR
		NOT EXISTS (SELECT 1 FROM findings x WHERE x.scan_id = s.scan_id)"
}

case_begin "two scans writing one database concurrently both land"
"$ATTEST" scan -q --db "$WORK/c.db" >"$WORK/o1" 2>"$WORK/e1" &
p1=$!
"$ATTEST" scan -q --db "$WORK/c.db" >"$WORK/o2" 2>"$WORK/e2" &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
[ "$s1" = 0 ] && [ "$s2" = 0 ] || fail "exit statuses $s1 $s2: $(cat "$WORK/e1" "$WORK/e2")"
[ "$(scan_count "$WORK/c.db")" = 2 ] || fail "expected 2 scans, got $(scan_count "$WORK/c.db")"
[ "$(sqlite3 "$WORK/c.db" 'SELECT count(DISTINCT scan_id) FROM scans')" = 2 ] || fail "ids collide"
[ "$(every_scan_complete "$WORK/c.db")" = 0 ] || fail "an incomplete scan"
[ "$(sqlite3 "$WORK/c.db" 'SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM findings GROUP BY scan_id)')" = 1 ] ||
	fail "the two scans of one estate hold different numbers of findings"
case_end

case_begin "a scan killed at random moments leaves the database consistent"
"$ATTEST" scan -q --db "$WORK/k.db" >/dev/null 2>&1 || fail "first scan failed"
full=$(sqlite3 "$WORK/k.db" 'SELECT count(*) FROM findings')
i=0
while [ $i -lt 25 ]; do
	i=$((i + 1))
	# 0 to ~0.9 s: before, during and after the write
	ms=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 900 ))
	"$ATTEST" scan -q --db "$WORK/k.db" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' "$ms")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	ok=$(sqlite3 "$WORK/k.db" 'PRAGMA integrity_check' 2>&1)
	[ "$ok" = ok ] || { fail "after kill $i at ${ms} ms: integrity_check: $ok"; break; }
	[ "$(every_scan_complete "$WORK/k.db")" = 0 ] || { fail "partial scan after kill $i"; break; }
	bad=$(sqlite3 "$WORK/k.db" "SELECT count(*) FROM (SELECT count(*) AS n FROM findings GROUP BY scan_id) WHERE n <> $full")
	[ "$bad" = 0 ] || { fail "a scan with a partial set of findings after kill $i"; break; }
done
run "$ATTEST" db check --db "$WORK/k.db"
expect_status 0
echo "# $(scan_count "$WORK/k.db") scans stored across 25 kills"
case_end

finish
