#!/bin/sh
# History on the inventory's timeline: scans are ordered by as_of (the date of
# the configuration they judged), not by when attest ran. q1.json and q2.json
# (tests/data/history) are 92 days apart and are scanned seconds apart in
# reverse order; scans started in the same second keep the order they were
# stored in; --since/--until bound as_of. Between q1 and q2 every finding of
# the timeline-test framework changes for a known reason, which diff must
# name (see tests/data/history/frameworks/timeline.xml).
. "$top_srcdir/tests/cli/lib.sh"
H="$DATA/history"
Q1=2026-08-20T10:00:00Z
Q2=2026-11-20T10:00:00Z

# scan_tl VERSION INVENTORY [OPTIONS]: scans the timeline-test framework with
# the given version of its changing check.
scan_tl() {
	v=$1 inv=$2
	shift 2
	run "$ATTEST" scan -q -f timeline-test --frameworks-dir "$H/frameworks" \
		--frameworks-dir "$H/check-$v" "$@" "$inv"
}
id_of() { sqlite3 "$ATTEST_DB" "SELECT scan_id FROM scans WHERE as_of = '$1'"; }

case_begin "each source kind gives the scan its as_of"
run "$ATTEST" scan -q --db "$WORK/kinds.db" "$DATA/inventory/awsconfig-snapshot.json"
expect_status 0
latest=$(grep -o '"configurationItemCaptureTime": "[^"]*"' "$DATA/inventory/awsconfig-snapshot.json" |
	cut -d'"' -f4 | sort | tail -n 1 | sed 's/\.[0-9]*Z$/Z/')
[ "$(sqlite3 "$WORK/kinds.db" 'SELECT as_of FROM scans')" = "$latest" ] ||
	fail "AWS Config snapshot: as_of $(sqlite3 "$WORK/kinds.db" 'SELECT as_of FROM scans'), latest capture $latest"
run "$ATTEST" scan -q --db "$WORK/kinds2.db" "$H/q1.json"
[ "$(sqlite3 "$WORK/kinds2.db" 'SELECT as_of FROM scans')" = "$Q1" ] || fail "native: as_of is not collected_at"
sed '/"collected_at"/d' "$H/q1.json" >"$WORK/undated.json"
before=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run "$ATTEST" scan -q --db "$WORK/kinds3.db" "$WORK/undated.json"
after=$(date -u +%Y-%m-%dT%H:%M:%SZ)
got=$(sqlite3 "$WORK/kinds3.db" 'SELECT as_of FROM scans')
[ "$got" \> "$before" ] || [ "$got" = "$before" ] || fail "undated: as_of $got before the scan ($before)"
[ "$got" \< "$after" ] || [ "$got" = "$after" ] || fail "undated: as_of $got after the scan ($after)"
case_end

# The later inventory is scanned first, with an exception and an attestation.
scan_tl v2 "$H/q2.json" --exceptions "$H/exceptions.xml" --attestations "$H/attestations.xml"
scan_tl v1 "$H/q1.json"
s1=$(id_of $Q1)
s2=$(id_of $Q2)

case_begin "two inventories 92 days apart, scanned in reverse order, sit in as_of order"
[ -n "$s1" ] && [ -n "$s2" ] || fail "scans not stored: '$s1' '$s2'"
[ "$(sqlite3 "$ATTEST_DB" "SELECT started_at <= (SELECT started_at FROM scans WHERE scan_id = '$s1') FROM scans WHERE scan_id = '$s2'")" = 1 ] ||
	fail "q2 should have been scanned first"
run "$ATTEST" history --json
jq_is "$WORK/out" '[.[].id] | join(" ")' "$s2 $s1"
jq_is "$WORK/out" '[.[].as_of] | join(" ")' "$Q2 $Q1"
jq_is "$WORK/out" '.[0].started_at | test("^[0-9]{4}-")' true
run "$ATTEST" history
expect_out "as of $Q2"; expect_out "scanned "
[ "$(grep -n "^$s2" "$WORK/out" | cut -d: -f1)" -lt "$(grep -n "^$s1" "$WORK/out" | cut -d: -f1)" ] ||
	fail "history lists the older configuration first"
run "$ATTEST" show --json latest
jq_is "$WORK/out" '.scan.id' "$s2"
jq_is "$WORK/out" '.scan.as_of' "$Q2"
run "$ATTEST" diff --json
expect_status 0
jq_is "$WORK/out" '.from.id + " " + .to.id' "$s1 $s2"
jq_is "$WORK/out" '.from.as_of + " " + .to.as_of' "$Q1 $Q2"
jq_is "$WORK/out" '(.to.as_of | fromdate) - (.from.as_of | fromdate)' $((92 * 86400))
run "$ATTEST" diff
expect_out "from: as of $Q1"; expect_out "to:   as of $Q2"
run "$ATTEST" diff "$s2" "$s1"
expect_out "FROM judged a later configuration than TO"
run "$ATTEST" trend -f timeline-test --json
jq_is "$WORK/out" '[.series[0].points[].scan] | join(" ")' "$s1 $s2"
jq_is "$WORK/out" '[.series[0].points[].as_of] | join(" ")' "$Q1 $Q2"
run "$ATTEST" trend -f timeline-test --csv
[ "$(sed -n 2p "$WORK/out" | cut -d, -f3,4)" = "$s1,$Q1" ] || fail "CSV: first row $(sed -n 2p "$WORK/out")"
case_end

case_begin "--since and --until bound as_of"
run "$ATTEST" history --json --since 2026-11-20
jq_is "$WORK/out" '[.[].id] | join(" ")' "$s2"
run "$ATTEST" history --json --until 2026-08-20
jq_is "$WORK/out" '[.[].id] | join(" ")' "$s1"
run "$ATTEST" history --json --until 2026-08-20T09:59:59Z
jq_is "$WORK/out" 'length' 0
run "$ATTEST" history --json --since 2026-09-01 --until 2026-11-30
jq_is "$WORK/out" '[.[].id] | join(" ")' "$s2"
# Both scans ran today: a bound on the start time would keep both or none.
run "$ATTEST" trend -f timeline-test --json --until 2026-10-01
jq_is "$WORK/out" '[.series[0].points[].scan] | join(" ")' "$s1"
case_end

# cause_of RESOURCE-ID: the cause diff --json gave the changed finding of it.
cause_of() {
	jq -r --arg id "$1" '[.findings | (.newly_failing + .fixed + .newly_excepted)[] |
		select(.resource.id == $id) | .cause] | join(",")' "$WORK/out"
}
expect_cause() {
	got=$(cause_of "$1")
	[ "$got" = "$2" ] || fail "$1: cause '$got', expected '$2'"
}

case_begin "diff names why each finding changed"
run "$ATTEST" diff --json "$s1" "$s2"
expect_status 0
expect_cause drift configuration   # encryption removed
expect_cause flip configuration    # encryption added
expect_cause alice time            # same key, 142 days old instead of 50
expect_cause data-plain exception  # EX-TL-1 covers it in q2
expect_cause new-plain added
expect_cause gone removed
expect_cause archive-old check     # tl-bucket-named's query changed
expect_cause data-enc ""           # its keys were reordered: not a change
jq_is "$WORK/out" '[.controls[] | select(.cause == "attestation") | .control] | join(",")' T-4
jq_is "$WORK/out" '.causes | [.configuration, .time, .exception, .attestation, .added, .removed, .check, .unknown] | join(",")' \
	2,1,1,1,1,1,1,0
jq_is "$WORK/out" '[.findings[][] | select(.cause == null)] | length' 0
jq_is "$WORK/out" '.counts | [.newly_failing, .fixed, .newly_excepted, .still_failing] | join(",")' 4,2,1,0
# The framework line's counts are those of the findings listed.
jq_is "$WORK/out" '.frameworks[0] | [.newly_failing, .fixed] | join(",")' 4,2
jq_is "$WORK/out" '.frameworks[0] | (.to_posture | type) + "," + (.from_controls_scored | type)' number,number
run "$ATTEST" diff "$s1" "$s2"
expect_out "^Cause: configuration (2)"; expect_out "^Cause: time (1)"; expect_out "^Cause: exception (1)"
expect_out "^Cause: attestation (1)"; expect_out "^Cause: added (1)"; expect_out "^Cause: removed (1)"
expect_out "^Cause: check (1)"; expect_out "4 newly failing, 2 fixed   coverage"
# Grouped: the two configuration findings are listed under their heading.
sed -n '/^Cause: configuration/,/^$/p' "$WORK/out" | grep -c "tl-bucket-encrypted" | grep -qx 2 ||
	fail "configuration group: $(sed -n '/^Cause: configuration/,/^$/p' "$WORK/out")"
case_end

case_begin "trend: posture, coverage and the findings beside every change, all frameworks"
run "$ATTEST" diff --json "$s1" "$s2"
cp "$WORK/out" "$WORK/diff.json"
run "$ATTEST" trend --json
expect_status 0
jq_is "$WORK/out" '.framework' null
jq_is "$WORK/out" '.series | length' 1
jq_is "$WORK/out" '.series[0].framework' timeline-test
jq_is "$WORK/out" '.series[0].points[0] | [.newly_failing, .fixed, .delta] | map(tostring) | join(",")' null,null,null
# The figures are those diff reads from the same view.
[ "$(jq -c '.series[0].points[1] | [.score, .posture, .coverage, .controls_passing, .controls_scored, .newly_failing, .fixed]' "$WORK/out")" = \
  "$(jq -c '.frameworks[0] | [.to_score, .to_posture, .to_coverage, .to_controls_passing, .to_controls_scored, .newly_failing, .fixed]' "$WORK/diff.json")" ] ||
	fail "trend and diff disagree: $(jq -c '.series[0].points[1]' "$WORK/out")"
jq_is "$WORK/out" '.series[0].points | (.[1].posture_delta * 10 | round) == ((.[1].posture - .[0].posture) * 10 | round)' true
run "$ATTEST" trend
expect_status 0
expect_out "timeline-test  aws:123456789012  (2 scans)"
expect_out "4 newly failing, 2 fixed  $s2"
expect_out "(first)  $s1"
run "$ATTEST" trend --csv
head -n 1 "$WORK/out" | grep -q '^framework,scope,scan,as_of,started_at,score,controls_passing,controls_scored,posture,coverage,controls_pass,controls_fail,newly_failing,fixed$' ||
	fail "CSV header: $(head -n 1 "$WORK/out")"
[ "$(sed -n 3p "$WORK/out" | cut -d, -f13,14)" = "4,2" ] || fail "CSV change counts: $(sed -n 3p "$WORK/out")"
case_end

case_begin "causes survive export and import; scans without digests give unknown"
run "$ATTEST" db export "$s1" -o "$WORK/s1.attest"
run "$ATTEST" db export "$s2" -o "$WORK/s2.attest"
run "$ATTEST" db import "$WORK/s1.attest" --db "$WORK/moved.db"
run "$ATTEST" db import "$WORK/s2.attest" --db "$WORK/moved.db"
expect_status 0
run "$ATTEST" diff --json "$s1" "$s2"
cp "$WORK/out" "$WORK/here.json"
run "$ATTEST" diff --json --db "$WORK/moved.db"
jq_is "$WORK/out" '.from.id + " " + .to.id' "$s1 $s2"
[ "$(jq -c '.findings, .causes' "$WORK/out")" = "$(jq -c '.findings, .causes' "$WORK/here.json")" ] ||
	fail "causes differ after export and import"
# A scan stored before attest recorded digests (schema 6): nothing tells.
sqlite3 "$WORK/moved.db" "UPDATE scans SET digests = 0 WHERE scan_id = '$s1';
	DELETE FROM scan_resources WHERE scan_id = '$s1'; UPDATE scan_checks SET definition_sha256 = NULL WHERE scan_id = '$s1'"
run "$ATTEST" diff --json --db "$WORK/moved.db"
jq_is "$WORK/out" '[.findings | (.newly_failing + .fixed + .newly_excepted)[] | .cause] | unique | join(",")' unknown
jq_is "$WORK/out" '.findings.newly_failing[0].cause_detail | test("before attest recorded")' true
run "$ATTEST" diff --db "$WORK/moved.db"
expect_out "^Cause: unknown (7)"
case_end

case_begin "history, diff and trend escape hostile text from inventories"
# q1 with escape sequences, C1 controls and bidi overrides in resource ids,
# regions and the account (so in the scope too), dated a day apart.
python3 - "$H/q1.json" "$WORK" <<'PY'
import json, sys
base = json.load(open(sys.argv[1]))
for i, p in enumerate(["\u001b]0;PWNED\u0007", "\u202e", "\u009b31m\r"]):
    d = json.loads(json.dumps(base))
    d["collected_at"] = "2026-08-2%dT10:00:00Z" % (i + 1)
    d["accounts"] = [{"id": "123456789012" + p}]
    for r in d["resources"]:
        r["id"] += p
        r["region"] += p
        r["account"] = "123456789012" + p
        r["configuration"].pop("ServerSideEncryptionConfiguration", None)
    json.dump(d, open("%s/evil%d.json" % (sys.argv[2], i), "w"))
    for r in d["resources"]:  # the same account in a second scan: diff has work
        r["account"] = "123456789012"
        if r["type"] == "AWS::S3::Bucket" and i == 1:
            r["configuration"]["ServerSideEncryptionConfiguration"] = {"Rules": []}
    d["accounts"] = ["123456789012"]
    d["collected_at"] = "2026-09-2%dT10:00:00Z" % (i + 1)
    json.dump(d, open("%s/evil-same%d.json" % (sys.argv[2], i), "w"))
PY
for f in "$WORK"/evil0.json "$WORK"/evil1.json "$WORK"/evil2.json "$WORK"/evil-same0.json \
	"$WORK"/evil-same1.json; do
	run "$ATTEST" scan -q --db "$WORK/evil.db" -f timeline-test --frameworks-dir "$H/frameworks" \
		--frameworks-dir "$H/check-v1" "$f"
	expect_status 0
done
for c in history diff "diff --all" trend "trend --ascii"; do
	run "$ATTEST" $c --db "$WORK/evil.db"
	expect_status 0
	if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f]|\x1b(?!\[[0-9;]*m)|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]' "$WORK/out"; then
		fail "$c printed raw control text"
	fi
done
run "$ATTEST" diff --db "$WORK/evil.db"
expect_out 'x1B'; expect_out "fixed "
case_end

case_begin "scans started in the same second keep the order they were stored in"
same=
for attempt in 1 2 3 4 5; do
	rm -f "$WORK"/same.db*
	# Start four scans at once, just after a second begins.
	while [ "$(date +%N | cut -c1)" != 0 ]; do :; done
	for i in 1 2 3 4; do
		"$ATTEST" scan -q -f timeline-test --frameworks-dir "$H/frameworks" \
			--frameworks-dir "$H/check-v1" --db "$WORK/same.db" "$H/q1.json" &
	done
	wait
	if [ "$(sqlite3 "$WORK/same.db" 'SELECT count(DISTINCT started_at) || count(*) FROM scans')" = 14 ]; then
		same=1
		break
	fi
done
if [ -z "$same" ]; then
	fail "could not start four scans within one second in 5 attempts"
else
	ordered=$(sqlite3 "$WORK/same.db" 'SELECT group_concat(scan_id, " ") FROM (SELECT scan_id FROM scans ORDER BY rowid)')
	last=${ordered##* }
	run "$ATTEST" show --json latest --db "$WORK/same.db"
	jq_is "$WORK/out" '.scan.id' "$last"
	run "$ATTEST" diff --json --db "$WORK/same.db"
	expect_status 0
	jq_is "$WORK/out" '.to.id' "$last"
	jq_is "$WORK/out" '.from.id' "$(echo "$ordered" | cut -d' ' -f3)"
	run "$ATTEST" history --json --db "$WORK/same.db"
	jq_is "$WORK/out" '[.[].id] | reverse | join(" ")' "$ordered"
fi
case_end

finish
