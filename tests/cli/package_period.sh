#!/bin/sh
# Period packages (doc/audit-package.md, "Period packages"): every scan of
# one scope whose as_of falls in FROM..TO, in as_of order whatever order
# they ran in; the control timeline with the longest failing streak, the
# time to fix, the exceptions and attestations on each scan date, and the
# cadence gaps as limitations; signed, verified with attest verify and with
# the README's own openssl/sha256sum commands; an ambiguous scope refused.
. "$top_srcdir/tests/cli/lib.sh"
command -v openssl >/dev/null || { echo "openssl not installed: run install-deps.sh"; exit 1; }
K="$WORK/keys"
mkdir -p "$K"
openssl genpkey -algorithm ed25519 -out "$K/ed.pem" 2>/dev/null
openssl pkey -in "$K/ed.pem" -pubout -out "$K/ed.pub"

# mkinv FILE COLLECTED_AT ACCOUNT LOGS_VERSIONING: two buckets; acme-logs has
# versioning LOGS_VERSIONING (fails s3-bucket-versioning-enabled unless
# Enabled), acme-data always has it enabled.
mkinv() {
	cat >"$1" <<EOF
{"attest_inventory": 1, "provider": "aws", "collected_at": "$2",
 "accounts": ["$3"], "regions": ["us-east-1"], "collected_types": ["AWS::S3::Bucket"],
 "resources": [
  {"type": "AWS::S3::Bucket", "id": "acme-logs", "account": "$3", "region": "us-east-1",
   "configuration": {"Name": "acme-logs"},
   "supplementaryConfiguration": {"BucketVersioningConfiguration": {"Status": "$4"}}},
  {"type": "AWS::S3::Bucket", "id": "acme-data", "account": "$3", "region": "us-east-1",
   "configuration": {"Name": "acme-data"},
   "supplementaryConfiguration": {"BucketVersioningConfiguration": {"Status": "Enabled"}}}]}
EOF
}

# Exceptions: EX-1 in force throughout; EX-2 expired between the second and
# third configuration dates of the period, so it excepts acme-logs in the
# first two scans and has lapsed in the last two.
cat >"$WORK/exceptions.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<exceptions xmlns="urn:attest:exceptions:1">
  <exception id="EX-1">
    <check>s3-bucket-mfa-delete-enabled</check>
    <match><resource-id>acme-data</resource-id></match>
    <justification>MFA Delete is replaced by object lock on this bucket.</justification>
    <approver>Dana Lee, CISO</approver>
    <approved>2025-12-01</approved>
    <expires>2099-12-31</expires>
  </exception>
  <exception id="EX-2">
    <check>s3-bucket-mfa-delete-enabled</check>
    <match><resource-id>acme-logs</resource-id></match>
    <justification>Old waiver.</justification>
    <approver>Dana Lee, CISO</approver>
    <approved>2025-12-15</approved>
    <expires>2026-02-01</expires>
  </exception>
</exceptions>
EOF

A=111122223333
mkinv "$WORK/q1-a.json" 2026-01-05T10:00:00Z $A Suspended
mkinv "$WORK/q1-b.json" 2026-01-20T10:00:00Z $A Suspended
mkinv "$WORK/q1-c.json" 2026-03-10T10:00:00Z $A Enabled
mkinv "$WORK/q1-d.json" 2026-03-10T10:00:00Z $A Suspended
mkinv "$WORK/before.json" 2025-12-01T10:00:00Z $A Suspended
mkinv "$WORK/after.json" 2026-04-02T10:00:00Z $A Enabled
mkinv "$WORK/other.json" 2026-02-01T10:00:00Z 444455556666 Suspended

case_begin "scans run out of order are packaged in as_of order; outside scans left out"
# c first, then the scan before the period, a, b, the one after, and d whose
# as_of equals c's: d ran later, so it comes after c.
for f in q1-c before q1-a q1-b after q1-d; do
	run "$ATTEST" scan -q --exceptions "$WORK/exceptions.xml" "$WORK/$f.json"
	expect_status 0
done
id_of() { sqlite3 "$ATTEST_DB" "SELECT scan_id FROM scans WHERE sources LIKE '%$1.json%'"; }
run "$ATTEST" package --period 2026-01-01..2026-03-31 -o "$WORK/p1" --key "$K/ed.pem"
expect_status 0
expect_out "period package of scope aws:$A written to $WORK/p1: 4 scans"
expect_err "1 cadence gap of more than 31 days"
P="$WORK/p1"
[ "$(sed 1d "$P/period/scans.csv" | cut -d, -f2 | tr '\n' ' ')" = \
	"$(id_of q1-a) $(id_of q1-b) $(id_of q1-c) $(id_of q1-d) " ] ||
	fail "scans.csv order: $(cat "$P/period/scans.csv")"
[ "$(sed 1d "$P/period/scans.csv" | cut -d, -f3 | tr '\n' ' ')" = \
	"2026-01-05T10:00:00Z 2026-01-20T10:00:00Z 2026-03-10T10:00:00Z 2026-03-10T10:00:00Z " ] ||
	fail "scans.csv as_of: $(cat "$P/period/scans.csv")"
for i in 1 2 3 4; do
	d=$(sed -n "$((i + 1))p" "$P/period/scans.csv" | cut -d, -f6)
	expect_file "$P/${d}oscal.xml"
	expect_file "$P/${d}summary.txt"
	grep -q "assessment-results" "$P/${d}oscal.xml" || fail "$d oscal.xml is not OSCAL"
done
jq_is "$P/manifest.json" '.kind' period
jq_is "$P/manifest.json" '.period.scope' "aws:$A"
jq_is "$P/manifest.json" '.period.from' 2026-01-01T00:00:00Z
jq_is "$P/manifest.json" '.period.to' 2026-03-31T23:59:59Z
jq_is "$P/manifest.json" '.scans | length' 4
case_end

case_begin "the period package verifies with attest verify and with the README's own commands"
run "$ATTEST" verify "$P" --pubkey "$K/ed.pub"
expect_status 0; expect_out "of the period 2026-01-01T00:00:00Z..2026-03-31T23:59:59Z"
sed -n 's/^    \$ //p' "$P/README.txt" >"$WORK/recipe.sh"
[ "$(wc -l <"$WORK/recipe.sh")" = 3 ] || fail "the README should hold 3 commands: $(cat "$WORK/recipe.sh")"
(cd "$P" && PUBKEY="$K/ed.pub" sh -e "$WORK/recipe.sh") >"$WORK/recipe.out" 2>&1 ||
	fail "the README's commands fail: $(cat "$WORK/recipe.out")"
cp -R "$P" "$WORK/t1"
sed -i 's/,fixed$/,fixed!/' "$WORK/t1/period/time-to-fix.csv"
(cd "$WORK/t1" && PUBKEY="$K/ed.pub" sh -e "$WORK/recipe.sh") >"$WORK/recipe.out" 2>&1 &&
	fail "a tampered time-to-fix.csv passes the README's commands"
grep -q "period/time-to-fix.csv: FAILED" "$WORK/recipe.out" || fail "sha256sum said: $(cat "$WORK/recipe.out")"
run "$ATTEST" verify "$WORK/t1" --pubkey "$K/ed.pub"
expect_status 1; expect_out "FAIL period/time-to-fix.csv: changed"
case_end

case_begin "the cadence gap is stated as a limitation"
G="$P/period/cadence-gaps.csv"
[ "$(cat "$G")" = "from,to,days,between
2026-01-20T10:00:00Z,2026-03-10T10:00:00Z,49.0,two scans" ] || fail "gaps: $(cat "$G")"
tr '\n' ' ' <"$P/README.txt" | grep -q "no scan for 49.0 days, from 2026-01-20T10:00:00Z to 2026-03-10T10:00:00Z" ||
	fail "the README does not state the gap"
jq_is "$P/manifest.json" '.period.cadence_days' 31
jq_is "$P/manifest.json" '.period.cadence_gaps | length' 1
# a shorter cadence finds the gaps at the period's ends too (4 days at the
# start; 21 days from the last scan to the end)
run "$ATTEST" package --period 2026-01-01..2026-03-31 --cadence 3 -o "$WORK/p2" --key "$K/ed.pem"
expect_status 0; expect_err "4 cadence gaps of more than 3 days"
grep -q "^2026-01-01T00:00:00Z,2026-01-05T10:00:00Z,4.4,the period's start" "$WORK/p2/period/cadence-gaps.csv" ||
	fail "no gap at the start: $(cat "$WORK/p2/period/cadence-gaps.csv")"
grep -q "^2026-03-10T10:00:00Z,2026-03-31T23:59:59Z,21.6,the last scan and the period's end" \
	"$WORK/p2/period/cadence-gaps.csv" || fail "no gap at the end: $(cat "$WORK/p2/period/cadence-gaps.csv")"
case_end

case_begin "controls.csv: each scan's status and the longest failing streak"
C="$P/period/controls.csv"
head -1 "$C" | grep -q "^framework,control,title,2026-01-05T10:00:00Z $(id_of q1-a),2026-01-20T10:00:00Z $(id_of q1-b),2026-03-10T10:00:00Z $(id_of q1-c),2026-03-10T10:00:00Z $(id_of q1-d),failing_scans,longest_failing_streak,streak_from,streak_to$" ||
	fail "header: $(head -1 "$C")"
# cis-aws-3.0 2.1.2 (MFA Delete): acme-logs fails it in every scan, excepted
# by EX-2 until that lapses
grep -q '^cis-aws-3.0,2.1.2,S3 buckets have MFA Delete enabled,excepted,excepted,fail,fail,2,2,2026-03-10T10:00:00Z,2026-03-10T10:00:00Z$' "$C" ||
	fail "2.1.2: $(grep '^cis-aws-3.0,2.1.2,' "$C")"
# recomputed from the history database: for each control the statuses in order
python3 - "$C" "$ATTEST_DB" "$(id_of q1-a) $(id_of q1-b) $(id_of q1-c) $(id_of q1-d)" <<'EOF' ||
import csv, sqlite3, sys
path, db, ids = sys.argv[1], sqlite3.connect(sys.argv[2]), sys.argv[3].split()
rows = list(csv.reader(open(path, newline="")))
n = 0
for r in rows[1:]:
    st = [db.execute("SELECT status FROM scan_controls WHERE scan_id=? AND framework=? AND control_id=?",
                     (i, r[0], r[1])).fetchone() for i in ids]
    st = [s[0] if s else "" for s in st]
    if r[3:7] != st:
        sys.exit("%s %s: %r, history says %r" % (r[0], r[1], r[3:7], st))
    best = run = 0
    for s in st:
        run = run + 1 if s == "fail" else 0
        best = max(best, run)
    if int(r[7]) != st.count("fail") or int(r[8]) != best:
        sys.exit("%s %s: counts %s %s, want %d %d" % (r[0], r[1], r[7], r[8], st.count("fail"), best))
    n += 1
want = db.execute("SELECT count(DISTINCT framework || ' ' || control_id) FROM scan_controls WHERE scan_id IN (?,?,?,?)", ids).fetchone()[0]
if n != want:
    sys.exit("%d rows for %d controls" % (n, want))
EOF
	fail "controls.csv does not match the history database"
# a streak broken by a fix: s3 versioning (cis-aws-7.0 has no such control;
# soc2 A1.2 maps it) fails, fails, then is no longer failing
row=$(grep '^soc2,A1.2,' "$C")
echo "$row" | grep -q ',fail,fail,[a-z_]*,fail,3,2,2026-01-05T10:00:00Z,2026-01-20T10:00:00Z$' ||
	fail "soc2 A1.2: $row"
case_end

case_begin "time to fix: the versioning finding fixed on 2026-03-10, 64 days after it was first seen failing"
T="$P/period/time-to-fix.csv"
[ "$(head -1 "$T")" = "check,account,region,resource_type,resource,failing_since,failing_at_period_start,fixed_on,fixed_in_scan,days_to_fix,resolution" ] ||
	fail "header: $(head -1 "$T")"
[ "$(sed 1d "$T")" = "s3-bucket-versioning-enabled,$A,us-east-1,AWS::S3::Bucket,acme-logs,2026-01-05T10:00:00Z,yes,2026-03-10T10:00:00Z,$(id_of q1-c),64.0,fixed" ] ||
	fail "time-to-fix: $(cat "$T")"
case_end

case_begin "exceptions and attestations in force on each scan date, lapsed ones flagged"
E="$P/period/exceptions.csv"
[ "$(head -1 "$E")" = "scan,as_of,exception,check,match,justification,approver,approved,expires,state,lapsed,matched_findings,source,in_force_on_as_of" ] ||
	fail "header: $(head -1 "$E")"
[ "$(grep -c ',EX-1,.*,in force,no,1,.*,yes$' "$E")" = 4 ] || fail "EX-1 in force on 4 scan dates: $(cat "$E")"
[ "$(grep ',EX-2,' "$E" | cut -d, -f11-14 | tr '\n' ' ')" = \
	"in force,no,1,$WORK/exceptions.xml in force,no,1,$WORK/exceptions.xml lapsed on 2026-02-01,yes,0,$WORK/exceptions.xml lapsed on 2026-02-01,yes,0,$WORK/exceptions.xml " ] ||
	fail "EX-2 state in each scan: $(grep ',EX-2,' "$E")"
[ "$(grep ',EX-2,' "$E" | sed 's/.*,//' | tr '\n' ' ')" = "yes yes no no " ] ||
	fail "EX-2 in force on the as_of dates: $(grep ',EX-2,' "$E")"
grep -q "^$(id_of q1-b),2026-01-20T10:00:00Z,EX-1," "$E" || fail "no row for the second scan"
[ "$(head -1 "$P/period/attestations.csv")" = "scan,as_of,framework,control,attested_by,attested_on,expires,state,lapsed,statement,evidence,evidence_href,source,in_force_on_as_of" ] ||
	fail "attestations header: $(head -1 "$P/period/attestations.csv")"
case_end

case_begin "several scopes in the period: refused unless --scope chooses one"
run "$ATTEST" scan -q "$WORK/other.json"
expect_status 0
run "$ATTEST" package --period 2026-01-01..2026-03-31 -o "$WORK/p3" --key "$K/ed.pem"
expect_status 2
expect_err "cover 2 scopes ('aws:$A', 'aws:444455556666'): a period package is for one scope; choose it with --scope"
expect_no_file "$WORK/p3"
ls "$WORK" | grep -q 'tmp-' && fail "a temporary directory was left: $(ls "$WORK")"
run "$ATTEST" package --period 2026-01-01..2026-03-31 --scope aws:444455556666 -o "$WORK/p3.tar.gz" \
	--key "$K/ed.pem"
expect_status 0; expect_out "1 scans"
run "$ATTEST" verify "$WORK/p3.tar.gz" --pubkey "$K/ed.pub"
expect_status 0
# one scope in a shorter period needs no --scope
run "$ATTEST" package --period 2026-03-01..2026-03-31 -o "$WORK/p4" --key "$K/ed.pem"
expect_status 0; expect_out "scope aws:$A written"; expect_out "2 scans"
case_end

case_begin "no scan in the period, bad periods and option mixes"
run "$ATTEST" package --period 2027-01-01..2027-03-31 -o "$WORK/p5" --key "$K/ed.pem"
expect_status 1; expect_err "no scan in"
expect_no_file "$WORK/p5"
run "$ATTEST" package --period 2026-03-31..2026-01-01 -o "$WORK/p5" --key "$K/ed.pem"
expect_status 2; expect_err "ends before it starts"
run "$ATTEST" package --period 2026-01-01 -o "$WORK/p5" --key "$K/ed.pem"
expect_status 2; expect_err "FROM..TO"
run "$ATTEST" package --period 2026-13-01..2026-03-31 -o "$WORK/p5" --key "$K/ed.pem"
expect_status 2; expect_err "needs a date"
run "$ATTEST" package latest --period 2026-01-01..2026-03-31 -o "$WORK/p5" --key "$K/ed.pem"
expect_status 2; expect_err "takes no SCAN"
run "$ATTEST" package latest --cadence 7 -o "$WORK/p5" --key "$K/ed.pem"
expect_status 2; expect_err "are for --period"
run "$ATTEST" package --period 2026-01-01..2026-03-31 --cadence 0 -o "$WORK/p5" --key "$K/ed.pem"
expect_status 2; expect_err "number of days"
expect_no_file "$WORK/p5"
case_end

finish
