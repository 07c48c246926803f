#!/bin/sh
# The event table attest watch maps CloudTrail events with
# (frameworks/events/aws.xml, doc/events.md): it validates against its
# schema; every resource type a bundled check reads and the collector
# produces is touched by some event or has a stated reason why CloudTrail
# does not announce its changes (the check is shown to fail on a table that
# lacks one); every event's operation exists in botocore's model of its
# service, and the request fields the table reads are members of it. The parser itself is tested by tests/unit/test_event.
. "$top_srcdir/tests/cli/lib.sh"
TABLE="$top_srcdir/frameworks/events/aws.xml"
XSD="$top_srcdir/frameworks/events/events.xsd"
CHECK="$top_srcdir/tests/cli/events_table.py"
BOTOCORE=/usr/lib/python3/dist-packages/botocore/data

case_begin "the table validates against its schema"
run xmllint --noout --schema "$XSD" "$TABLE"
expect_status 0
expect_err "validates"
case_end

case_begin "a table breaking the schema does not validate"
sed 's/change="modify"/change="tweak"/' "$TABLE" >"$WORK/bad.xml"
cp "$XSD" "$WORK/"
run xmllint --noout --schema "$WORK/events.xsd" "$WORK/bad.xml"
expect_status 3
expect_err "tweak"
case_end

case_begin "every type read by a check and collected is covered"
run python3 "$CHECK" coverage "$TABLE" "$top_srcdir"
expect_status 0
cat "$WORK/out"
expect_out "# types read and produced: [0-9][0-9]*, covered: "
read_n=$(sed -n 's/^# types read and produced: \([0-9]*\),.*/\1/p' "$WORK/out")
[ "${read_n:-0}" -ge 60 ] || fail "only ${read_n:-0} types read and produced"
case_end

case_begin "the coverage check fails on a table without security group events"
# Every touch of the type removed: the type must be named as uncovered.
run python3 "$CHECK" without "$TABLE" "$WORK/nosg.xml" AWS::EC2::SecurityGroup
expect_status 0
run python3 "$CHECK" coverage "$WORK/nosg.xml" "$top_srcdir"
expect_status 1
expect_out "type AWS::EC2::SecurityGroup: read by a check"
case_end

case_begin "a stated reason covers a type no event touches"
run python3 "$CHECK" without "$TABLE" "$WORK/reason.xml" AWS::EC2::SecurityGroup \
	"a reason stated for the test"
grep -q "a reason stated for the test" "$WORK/reason.xml" || fail "the reason was not added"
run python3 "$CHECK" coverage "$WORK/reason.xml" "$top_srcdir"
expect_status 0
case_end

case_begin "every operation and request field exists in botocore's service model"
if [ ! -d "$BOTOCORE" ]; then
	fail "python3-botocore is not installed ($BOTOCORE): run install-deps.sh"
else
	run python3 "$CHECK" botocore "$TABLE" "$BOTOCORE"
	cat "$WORK/out"
	expect_status 0
	expect_out "# events checked against botocore: [1-9]"
	# and the check finds an operation that does not exist
	sed 's/name="AuthorizeSecurityGroupIngress"/name="AuthorizeSecurityGroupIngres"/' \
		"$TABLE" >"$WORK/typo.xml"
	run python3 "$CHECK" botocore "$WORK/typo.xml" "$BOTOCORE"
	expect_status 1
	expect_out "no operation 'AuthorizeSecurityGroupIngres' in botocore's ec2"
	# and a request field the API does not have
	sed 's/requestParameters.dBInstanceIdentifier"/requestParameters.dbInstanceIdentifier"/' \
		"$TABLE" >"$WORK/member.xml"
	run python3 "$CHECK" botocore "$WORK/member.xml" "$BOTOCORE"
	expect_status 1
	expect_out "ModifyDBInstance: 'dbInstanceIdentifier' is not a request member"
fi
case_end

finish
