#!/bin/sh
# The shared views of frameworks/views.sql (doc/check-authoring.md, "Views"):
# a user check builds on them; the views file may only create views,
# and a view may read only what a check may read.
. "$top_srcdir/tests/cli/lib.sh"
FW="$WORK/fw"
mkdir -p "$FW/checks"

cat >"$FW/checks/acme.xml" <<'EOF'
<checks xmlns="urn:attest:checks:1">
  <check id="acme-trail-multi-region">
    <title>t</title><service>cloudtrail</service><severity>low</severity>
    <resource-type>AWS::CloudTrail::Trail</resource-type>
    <rationale>r</rationale>
    <remediation><steps>s</steps><cli>c</cli><terraform>t</terraform></remediation>
    <query><![CDATA[
SELECT t.rid, CASE WHEN t.multi_region THEN 'pass' ELSE 'fail' END AS status,
       'trail ' || t.trail || ' logs ' || ifnull(t.log_group_arn, 'nowhere') AS reason,
       json_object('management', t.all_management_events) AS evidence
  FROM cloudtrail_trails t
]]></query>
  </check>
  <check id="acme-unauthorized-api-calls">
    <title>t</title><service>cloudwatch</service><severity>low</severity>
    <resource-type>AWS::::Account</resource-type>
    <requires>AWS::CloudTrail::Trail</requires>
    <requires>AWS::Logs::MetricFilter</requires>
    <requires>AWS::CloudWatch::Alarm</requires>
    <requires>AWS::SNS::Topic</requires>
    <rationale>r</rationale>
    <remediation><steps>s</steps><cli>c</cli><terraform>t</terraform></remediation>
    <query><![CDATA[
SELECT rid, status, reason, evidence FROM cloudwatch_alarm_findings WHERE name = 'unauthorized-api-calls'
]]></query>
  </check>
</checks>
EOF
cat >"$FW/acme.xml" <<'EOF'
<framework xmlns="urn:attest:framework:1" id="acme" version="1">
<title>t</title><publisher>p</publisher><description>d</description>
<section id="1"><title>s</title>
<control id="A-1" assessment="automated"><title>c</title><check ref="acme-trail-multi-region"/></control>
<control id="A-2" assessment="automated"><title>c</title><check ref="acme-unauthorized-api-calls"/></control>
</section></framework>
EOF

case_begin "a user check reads the shared views like tables"
run "$ATTEST" scan -q --frameworks-dir "$FW" --framework acme --framework cis-aws-3.0 --json "$WORK/u.json"
expect_status 0
# One row per trail of the sample, judged from the view's columns.
trails=$(jq '[.findings[] | select(.check == "acme-trail-multi-region")] | length' "$WORK/u.json")
[ "$trails" -gt 0 ] || fail "the user check judged no trail"
jq_is "$WORK/u.json" '[.findings[] | select(.check == "acme-trail-multi-region" and (.reason | startswith("trail ") | not))] | length' 0
jq_is "$WORK/u.json" '[.findings[] | select(.check == "acme-trail-multi-region") | .status] | unique | join(",")' "fail,pass"
# The user check built on cloudwatch_alarm_findings agrees with the bundled one, finding for finding.
a=$(jq -c '[.findings[] | select(.check == "acme-unauthorized-api-calls") | [.resource.id, .status, .reason, .evidence]] | sort' "$WORK/u.json")
b=$(jq -c '[.findings[] | select(.check == "cloudwatch-alarm-unauthorized-api-calls") | [.resource.id, .status, .reason, .evidence]] | sort' "$WORK/u.json")
[ "$a" = "$b" ] || fail "user and bundled alarm checks differ: $a vs $b"
[ "$a" != "[]" ] || fail "no alarm findings"
case_end

# data DIR VIEWS_SQL: a data directory like the bundled one whose views.sql
# is VIEWS_SQL.
data() {
	rm -rf "$WORK/data"; mkdir -p "$WORK/data"
	cp -R "$top_srcdir/frameworks" "$top_srcdir/samples" "$top_srcdir/templates" "$WORK/data/"
	chmod -R u+w "$WORK/data"
	cat "$top_srcdir/frameworks/views.sql" >"$WORK/data/frameworks/views.sql"
	printf '%s\n' "$1" >>"$WORK/data/frameworks/views.sql"
}

case_begin "the views file may only create views"
lines=$(wc -l <"$top_srcdir/frameworks/views.sql")
for bad in "DELETE FROM resources;" "CREATE TEMP VIEW tv AS SELECT 1 AS x;" \
	"ATTACH DATABASE '$WORK/x.db' AS x;" "PRAGMA writable_schema = 1;" \
	"CREATE TEMP TABLE t AS SELECT 1;" "SELECT 1;" "DROP VIEW cloudtrail_trails;"; do
	data "$bad"
	before=$(scan_count "$ATTEST_DB")
	ATTEST_DATA_DIR="$WORK/data" run "$ATTEST" scan -q
	expect_status 1
	expect_err "views.sql' at line $((lines + 1)): .*it may only CREATE VIEW"
	[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored with '$bad'"
	[ ! -e "$WORK/x.db" ] || fail "'$bad' attached a database"
done
case_end

case_begin "a view may read only what a check may read"
for bad in "CREATE VIEW peek AS SELECT check_id FROM res;" \
	"CREATE VIEW peek AS SELECT * FROM pragma_database_list;" \
	"CREATE VIEW peek AS SELECT load_extension('x') AS y;"; do
	data "$bad"
	ATTEST_DATA_DIR="$WORK/data" run "$ATTEST" scan -q
	expect_status 1
	expect_err "views.sql': view 'peek' does not compile as a check query"
done
# A check cannot drop or replace a view either.
data ""
cat >"$FW/checks/acme.xml" <<'EOF'
<checks xmlns="urn:attest:checks:1">
  <check id="acme-trail-multi-region">
    <title>t</title><service>cloudtrail</service><severity>low</severity>
    <resource-type>AWS::CloudTrail::Trail</resource-type>
    <rationale>r</rationale>
    <remediation><steps>s</steps><cli>c</cli><terraform>t</terraform></remediation>
    <query><![CDATA[DROP VIEW cloudtrail_trails]]></query>
  </check>
</checks>
EOF
sed -i '/A-2/d' "$FW/acme.xml"
ATTEST_DATA_DIR="$WORK/data" run "$ATTEST" scan -q --frameworks-dir "$FW" --framework acme
expect_status 1
expect_err "the query of check 'acme-trail-multi-region' does not compile"
case_end

case_begin "a check reading a view stays within its time limit"
cat >"$FW/checks/acme.xml" <<'EOF'
<checks xmlns="urn:attest:checks:1">
  <check id="acme-trail-multi-region">
    <title>t</title><service>cloudtrail</service><severity>low</severity>
    <resource-type>AWS::CloudTrail::Trail</resource-type>
    <rationale>r</rationale>
    <remediation><steps>s</steps><cli>c</cli><terraform>t</terraform></remediation>
    <query><![CDATA[
SELECT t.rid, 'pass' AS status, 'x' AS reason, NULL AS evidence
  FROM cloudtrail_trails t, cloudwatch_alarm_findings a, cloudwatch_alarm_findings b,
       cloudwatch_alarm_findings c, cloudwatch_alarm_findings d
]]></query>
  </check>
</checks>
EOF
ATTEST_CHECK_TIME_LIMIT=0.5 run "$ATTEST" scan -q --frameworks-dir "$FW" --framework acme --json "$WORK/t.json"
expect_status 0
expect_err "check 'acme-trail-multi-region' ('.*acme.xml' line [0-9]*) is error: check 'acme-trail-multi-region' ran longer than its time limit of 0.5 s"
jq_is "$WORK/t.json" '.checks[] | select(.id == "acme-trail-multi-region") | .status' error
case_end

# A user directory with views.sql: its views come after the bundled ones and
# may build on them; a check of the directory reads them. The first case runs
# the example of doc/check-authoring.md ("Views of your own").
UV="$WORK/uv"
mkdir -p "$UV/checks"
# doc_sql N: the Nth sql block of the doc's "Views of your own".
doc_sql() {
	awk -v n="$1" '/^#### Views of your own/ { on = 1; next } on && /^#/ { exit }
		on && /^```sql/ { k++; inblock = 1; next } inblock && /^```/ { inblock = 0; next }
		inblock && k == n' "$top_srcdir/doc/check-authoring.md"
}
{
	cat <<'EOF'
<checks xmlns="urn:attest:checks:1">
  <check id="uv-trail-logs-everything">
    <title>t</title><service>cloudtrail</service><severity>low</severity>
    <resource-type>AWS::CloudTrail::Trail</resource-type>
    <rationale>r</rationale>
    <remediation><steps>s</steps><cli>c</cli><terraform>t</terraform></remediation>
    <query><![CDATA[
EOF
	doc_sql 2
	printf ']]></query>\n  </check>\n</checks>\n'
} >"$UV/checks/uv.xml"
grep -q "FROM acme_complete_trails" "$UV/checks/uv.xml" || fail "no check query in the doc"
cat >"$UV/uv.xml" <<'EOF'
<framework xmlns="urn:attest:framework:1" id="uv" version="1">
<title>t</title><publisher>p</publisher><description>d</description>
<section id="1"><title>s</title>
<control id="U-1" assessment="automated"><title>c</title><check ref="uv-trail-logs-everything"/></control>
</section></framework>
EOF
# uv_views CONDITION: the doc's views.sql, judging a trail complete on
# CONDITION over the columns of the bundled cloudtrail_trails.
uv_views() {
	doc_sql 1 | sed "s/(multi_region AND logging AND all_management_events) AS complete/($1) AS complete/" >"$UV/views.sql"
	grep -q "($1) AS complete" "$UV/views.sql" || fail "the doc's views.sql changed"
}

case_begin "a user's views.sql builds on the bundled views and its checks read it"
doc_sql 1 >"$UV/views.sql"
grep -q "^CREATE VIEW acme_complete_trails" "$UV/views.sql" || fail "no views.sql in the doc"
run "$ATTEST" scan -q --frameworks-dir "$UV" --framework uv --json "$WORK/uv1.json"
expect_status 0
# The sample has complete trails and incomplete ones, judged as the bundled
# view's columns say.
jq_is "$WORK/uv1.json" '[.findings[] | select(.check == "uv-trail-logs-everything")] | length > 0' true
jq_is "$WORK/uv1.json" '[.findings[] | .status] | unique | join(",")' "fail,pass"
# ATTEST_FRAMEWORKS_PATH directories count too; a directory given twice is
# read once.
ATTEST_FRAMEWORKS_PATH="$UV" run "$ATTEST" scan -q --framework uv --frameworks-dir "$UV" --json "$WORK/uv2.json"
expect_status 0
[ "$(jq -c '.findings | map([.resource.id, .status]) | sort' "$WORK/uv1.json")" = \
	"$(jq -c '.findings | map([.resource.id, .status]) | sort' "$WORK/uv2.json")" ] ||
	fail "ATTEST_FRAMEWORKS_PATH judged otherwise"
case_end

case_begin "a user view is part of the definition of the checks that read it"
s1=$(jq -r '.scan.id' "$WORK/uv2.json")
uv_views "multi_region"
run "$ATTEST" scan -q --frameworks-dir "$UV" --framework uv --json "$WORK/uv3.json"
expect_status 0
s2=$(jq -r '.scan.id' "$WORK/uv3.json")
run "$ATTEST" diff --json "$s1" "$s2"
expect_status 0
# The inventory and the check file are the same; only the view changed.
jq_is "$WORK/out" '.findings.fixed | length > 0' true
jq_is "$WORK/out" '[.findings.fixed[] | .cause] | unique | join(",")' check
case_end

case_begin "a user's views.sql may not replace a view"
for clash in "CREATE VIEW cloudtrail_trails AS SELECT 1 AS rid;" \
	"CREATE VIEW IF NOT EXISTS CloudTrail_Trails AS SELECT 1 AS rid;" \
	"CREATE VIEW Acme_Trails AS SELECT 1 AS rid;"; do
	uv_views "logging"
	printf '%s\n' "$clash" >>"$UV/views.sql"
	before=$(scan_count "$ATTEST_DB")
	run "$ATTEST" scan -q --frameworks-dir "$UV" --framework uv
	expect_status 1
	case $clash in
	*Acme_Trails*) owner="$UV/views.sql" ;;
	*) owner="$top_srcdir/frameworks/views.sql" ;;
	esac
	expect_err "invalid '$UV/views.sql' at line 6: view '[A-Za-z_]*' is already defined in '$owner' (a views.sql may add views, not replace them)"
	[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored with '$clash'"
done
case_end

case_begin "a bad user views.sql stops the scan naming its file and line"
uv_views "logging"
printf 'CREATE VIEW broken AS SELEC 1;\n' >>"$UV/views.sql"
run "$ATTEST" scan -q --frameworks-dir "$UV" --framework uv
expect_status 1
expect_err "invalid '$UV/views.sql' at line 6: near \"SELEC\": syntax error (it may only CREATE VIEW)"
uv_views "logging"
printf 'DELETE FROM resources;\n' >>"$UV/views.sql"
run "$ATTEST" scan -q --frameworks-dir "$UV" --framework uv
expect_status 1
expect_err "invalid '$UV/views.sql' at line 6: not authorized (it may only CREATE VIEW)"
uv_views "logging"
printf 'CREATE VIEW peek AS SELECT check_id FROM res;\n' >>"$UV/views.sql"
run "$ATTEST" scan -q --frameworks-dir "$UV" --framework uv
expect_status 1
expect_err "invalid '$UV/views.sql': view 'peek' does not compile as a check query"
# Without the file, the check reading its view does not compile.
rm "$UV/views.sql"
run "$ATTEST" scan -q --frameworks-dir "$UV" --framework uv
expect_status 1
expect_err "the query of check 'uv-trail-logs-everything' does not compile"
case_end

finish
