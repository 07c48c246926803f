#!/bin/sh
# attest watch end to end against the loopback AWS test server (SQS, the
# served estate changed through its control endpoint, SigV4 checked) and a
# loopback webhook receiver: a security group opened to the world on port 22
# gives one alert naming the group and the check, and a delta in the
# history; an unrelated tag change gives none; the same event twice gives
# one alert; a delete that fails after the commit (what a crash between the
# two looks like) and a kill -9 in the middle lose and duplicate nothing;
# an undeliverable webhook is retried and delivered when it comes back;
# malformed messages become dead letters; SIGTERM exits 0.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/aws_server.sh"
SG=sg-0666d685d5e13edd8
CHECK=ec2-sg-no-ipv4-world-ingress-admin-ports
HOOK_PID=
WATCH_PID=
stop_all() {
	for p in $WATCH_PID $HOOK_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	WATCH_PID= HOOK_PID=
	stop_server
}
trap 'stop_all; rm -rf "$WORK"' EXIT

# wait_for FILE: until FILE holds a line, at most 60 s.
wait_for() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ]
}

# start_server [SCENARIO] (aws_server.sh), and the queue's URL.
start_queue_server() {
	start_server "$@"
	QURL="http://127.0.0.1:$PORT/$ACCT/attest-events"
}

start_hook() {
	mkdir -p "$WORK/hook"
	rm -f "$WORK/hook"/*
	python3 "$top_srcdir/tests/alerts/servers.py" webhook "$WORK/hook" --fail "${1:-0}" \
		>/dev/null 2>"$WORK/hook.err" &
	HOOK_PID=$!
	wait_for "$WORK/hook/port" || echo "the webhook receiver did not start" >&2
	HOOK="http://127.0.0.1:$(cat "$WORK/hook/port")/hook"
}

# watch ARGS...: attest watch against the server, with the test key;
# watch_bg ARGS... runs it as this process (for "watch_bg ... &": $! is then
# attest's own pid, which the signal cases need).
WATCH_ENV="env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=AKIDATTESTTEST000001
	AWS_SECRET_ACCESS_KEY=attest/test/secret/key/0000000000000000 AWS_REGION=eu-west-1
	AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
	AWS_EC2_METADATA_DISABLED=true no_proxy=127.0.0.1 NO_PROXY=127.0.0.1"
watch() {
	$WATCH_ENV AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" "$ATTEST" watch \
		--sqs-queue-url "$QURL" --db "$WORK/h.db" --wait 1 --regions eu-west-1 "$@"
}
watch_bg() {
	exec $WATCH_ENV AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" "$ATTEST" watch \
		--sqs-queue-url "$QURL" --db "$WORK/h.db" --wait 1 --regions eu-west-1 "$@"
}

# ct_event ID NAME PARAMS [ACTOR]: an EventBridge CloudTrail event as SQS
# delivers it.
ct_event() {
	jq -cn --arg id "$1" --arg name "$2" --argjson params "$3" --arg acct "$ACCT" \
		--arg actor "${4:-arn:aws:iam::$ACCT:user/alice}" '{
		version: "0", id: ("eb-" + $id), "detail-type": "AWS API Call via CloudTrail",
		source: "aws.ec2", account: $acct, time: "2026-12-07T10:00:00Z",
		region: "eu-west-1", resources: [],
		detail: {eventVersion: "1.08",
			userIdentity: {type: "IAMUser", arn: $actor, principalId: "AIDAEXAMPLE",
				accountId: $acct},
			eventTime: "2026-12-07T10:00:00Z", eventSource: "ec2.amazonaws.com",
			eventName: $name, awsRegion: "eu-west-1", sourceIPAddress: "203.0.113.7",
			userAgent: "aws-cli/2.15", requestParameters: $params,
			responseElements: {requestId: "r-1", _return: true}, eventID: $id,
			readOnly: false, eventType: "AwsApiCall", recipientAccountId: $acct}}'
}

send() { control message "$(jq -cn --arg b "$1" '{queue: "attest-events", body: $b}')" >/dev/null; }

OPEN22='{"groupId": "'$SG'", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}'
open_sg() {
	control resource '{"op": "patch", "type": "AWS::EC2::SecurityGroup", "id": "'$SG'",
		"configuration": {"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22,
		"ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
		"PrefixListIds": [], "UserIdGroupPairs": []}]}}' >/dev/null
}
alerts_received() { ls "$WORK/hook" 2>/dev/null | grep -c '^req-.*\.json$'; }
queue_waiting() {
	control queue/attest-events |
		jq -r '(.ApproximateNumberOfMessages | tonumber) + (.ApproximateNumberOfMessagesNotVisible | tonumber)'
}

start_queue_server
control queue '{"name": "attest-events", "attributes": {"VisibilityTimeout": "2"}}' >/dev/null

case_begin "usage errors exit 2 and name the problem"
run "$ATTEST" watch
expect_status 2
expect_err "--sqs-queue-url is required"
run "$ATTEST" watch --sqs-queue-url "$QURL" --log-format xml
expect_status 2
expect_err "text or json"
run "$ATTEST" watch --sqs-queue-url "$QURL" --interval 5x
expect_status 2
expect_err "--interval needs a duration"
case_end

case_begin "first start: a full collection stored as the base scan; an empty queue exits 0"
run watch --once
expect_status 0
[ "$(scan_count "$WORK/h.db")" = 1 ] || fail "expected one base scan, found $(scan_count "$WORK/h.db")"
expect_err "stored full scan"
case_end

start_hook 0
case_begin "port 22 opened to the world: one webhook alert naming the group and the check, one delta"
open_sg
send "$(ct_event ev-open-1 AuthorizeSecurityGroupIngress "$OPEN22")"
run watch --once --alert-webhook "$HOOK" --alert-severity medium
expect_status 0
[ "$(alerts_received)" = 1 ] || fail "expected one webhook request, got $(alerts_received)"
body=$(jq -r .body "$WORK/hook/req-1.json" 2>/dev/null)
printf '%s\n' "$body" | jq -e --arg sg "$SG" --arg c "$CHECK" \
	'.alerts | any(.check == $c and .resource.id == $sg and .status == "fail")' >/dev/null ||
	fail "the alert does not name $CHECK on $SG: $(printf '%s' "$body" | head -c 600)"
printf '%s\n' "$body" | jq -e '.text | length > 0' >/dev/null || fail "no text for Slack/Teams"
printf '%s\n' "$body" | jq -e '.alerts[0].cause.actor | test("user/alice")' >/dev/null ||
	fail "the alert does not name the actor"
run "$ATTEST" history --changes --db "$WORK/h.db" --json
expect_status 0
jq -e --arg sg "$SG" --arg c "$CHECK" 'map(select(.check == $c and .resource.id == $sg and
	.old_status == "pass" and .new_status == "fail" and (.event.actor | test("user/alice")))) |
	length == 1' "$WORK/out" >/dev/null ||
	fail "history --changes lacks the delta: $(head -c 600 "$WORK/out")"
[ "$(queue_waiting)" = 0 ] || fail "the message was not deleted"
case_end

case_begin "the same event delivered twice: no second alert, no second delta"
send "$(ct_event ev-open-1 AuthorizeSecurityGroupIngress "$OPEN22")"
run watch --once --alert-webhook "$HOOK" --alert-severity medium
expect_status 0
[ "$(alerts_received)" = 1 ] || fail "a duplicate event alerted again"
run "$ATTEST" history --changes --db "$WORK/h.db" --json
[ "$(jq --arg c "$CHECK" 'map(select(.check == $c)) | length' "$WORK/out")" = 1 ] ||
	fail "the duplicate stored a second delta"
[ "$(queue_waiting)" = 0 ] || fail "the duplicate was not deleted"
case_end

case_begin "a tag change on an unrelated resource: no alert, no delta"
vol=$(jq -r '[.resources[] | select(.type == "AWS::EC2::Volume" and .account == "'$ACCT'")][0].id' "$ESTATE")
before=$(jq length "$WORK/out")
send "$(ct_event ev-tag-1 CreateTags '{"resourcesSet": {"items": [{"resourceId": "'"$vol"'"}]}, "tagSet": {"items": [{"key": "team", "value": "x"}]}}')"
run watch --once --alert-webhook "$HOOK" --alert-severity medium
expect_status 0
[ "$(alerts_received)" = 1 ] || fail "a tag change alerted"
run "$ATTEST" history --changes --db "$WORK/h.db" --json
[ "$(jq length "$WORK/out")" = "$before" ] || fail "a tag change stored deltas"
case_end

# config_event FILE ID SG: the fixture's Config event for security group SG of
# the served account, with event id ID.
config_event() {
	jq -c --arg id "$2" --arg sg "$3" --arg acct "$ACCT" '
		.id = $id | .account = $acct | .resources = [] |
		def item: .awsAccountId = $acct | .resourceId = $sg | .resourceName = "web" |
			.ARN = "arn:aws:ec2:eu-west-1:\($acct):security-group/\($sg)";
		if .detail.configurationItem then
			.detail.configurationItem |= (item | .configuration.groupId = $sg |
				.configuration.ownerId = $acct)
		else .detail.configurationItemSummary |= item end' "$1"
}

case_begin "an AWS Config item in the event is used as is: no call to EC2, one delta"
ec2_calls() { control requests | jq '[.[] | select(.[0] == "ec2") | .[3]] | add // 0'; }
before=$(ec2_calls)
send "$(config_event "$top_srcdir/tests/data/events/config_item.json" cfg-1 sg-733fc9d4aa5d2edde)"
run watch --once --ocsf "$WORK/ocsf.ndjson"
expect_status 0
[ "$(ec2_calls)" = "$before" ] || fail "a Config item event called EC2 ($before -> $(ec2_calls))"
[ "$(sqlite3 "$WORK/h.db" "SELECT new_status FROM deltas WHERE event_key = 'cfg-1' AND check_id = '$CHECK' AND resource_id = 'sg-733fc9d4aa5d2edde'")" = fail ] ||
	fail "no delta to fail for the group of the Config item"
jq -e -s --arg c "$CHECK" 'any(.class_uid == 2003 and .activity_id == 2 and .compliance.status_id == 3
	and (.compliance.control == $c) and .resources[0].uid == "sg-733fc9d4aa5d2edde")' \
	"$WORK/ocsf.ndjson" >/dev/null || fail "no OCSF update event: $(head -c 400 "$WORK/ocsf.ndjson")"
case_end

case_begin "an oversized Config item is read from S3 (gzip-compressed, as Config delivers it)"
jq -c '.detail.configurationItem | .resourceId = "sg-4781fec2ec9796dc1" |
	.configuration.groupId = "sg-4781fec2ec9796dc1" | .awsAccountId = "'$ACCT'" |
	.ARN = "arn:aws:ec2:eu-west-1:'$ACCT':security-group/sg-4781fec2ec9796dc1"' \
	"$top_srcdir/tests/data/events/config_item.json" >"$WORK/item.json"
loc=$(jq -r '.detail.s3DeliverySummary.s3BucketLocation' "$top_srcdir/tests/data/events/config_oversized.json")
control object "$(jq -cn --arg b "${loc%%/*}" --arg k "${loc#*/}" --rawfile body "$WORK/item.json" \
	'{bucket: $b, key: $k, body: $body, gzip: true}')" >/dev/null
send "$(config_event "$top_srcdir/tests/data/events/config_oversized.json" cfg-big-1 sg-4781fec2ec9796dc1)"
run watch --once
expect_status 0
[ "$(sqlite3 "$WORK/h.db" "SELECT new_status FROM deltas WHERE event_key = 'cfg-big-1' AND check_id = '$CHECK' AND resource_id = 'sg-4781fec2ec9796dc1'")" = fail ] ||
	fail "no delta from the oversized item: $(grep -v evaluated "$WORK/err" | tail -5)"
case_end

case_begin "the CloudTrail events of one receive share one collection"
sg_calls() { control requests | jq '[.[] | select(.[0] == "ec2" and .[1] == "DescribeSecurityGroups") | .[3]] | add // 0'; }
run watch --once # a new base scan: the next run starts from it, without collecting
before=$(sg_calls)
for i in 1 2 3 4 5; do
	send "$(ct_event "ev-batch-$i" AuthorizeSecurityGroupIngress '{"groupId": "'$SG'"}')"
done
run watch --once
expect_status 0
[ "$(sqlite3 "$WORK/h.db" "SELECT count(*) FROM watch_events WHERE event_key LIKE 'ev-batch-%'")" = 5 ] ||
	fail "not every event of the batch was stored"
[ $(($(sg_calls) - before)) = 1 ] || fail "5 events made $(($(sg_calls) - before)) collections of the groups, not 1"
case_end

case_begin "malformed messages are dead letters: recorded, deleted, never fatal"
send 'not json at all'
send '{"detail-type": "AWS API Call via CloudTrail", "detail": 5}'
run watch --once
expect_status 0
expect_err "dead letter"
[ "$(sqlite3 "$WORK/h.db" 'SELECT count(*) FROM watch_dead_letters')" = 2 ] ||
	fail "expected 2 dead letters"
[ "$(queue_waiting)" = 0 ] || fail "dead letters block the queue"
case_end

case_begin "a delete that fails after the commit: the event comes back and is not applied twice"
printf '{"faults": [{"service": "sqs", "operation": "DeleteMessageBatch", "kind": "deny", "times": 1}]}' >"$WORK/faults.json"
stop_all
start_queue_server "$WORK/faults.json"
control queue '{"name": "attest-events", "attributes": {"VisibilityTimeout": "1"}}' >/dev/null
start_hook 0
run watch --once
expect_status 0
control resource '{"op": "patch", "type": "AWS::EC2::SecurityGroup", "id": "sg-25ce40252fe7e45b4", "configuration": {"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]}}' >/dev/null
send "$(ct_event ev-rdp-1 AuthorizeSecurityGroupIngress '{"groupId": "sg-25ce40252fe7e45b4"}')"
run watch --once --alert-webhook "$HOOK" --alert-severity medium --visibility-timeout 1
expect_status 0
expect_err "cannot delete message"
cp "$WORK/err" "$WORK/err.first"
# The message comes back after its visibility timeout (in this run or the
# next): recognised, applied to the inventory again, stored nothing.
sleep 1.5
run watch --once --alert-webhook "$HOOK" --alert-severity medium --visibility-timeout 1
expect_status 0
expect_status 0
[ "$(sqlite3 "$WORK/h.db" "SELECT count(*) FROM watch_events WHERE event_key = 'ev-rdp-1'")" = 1 ] ||
	fail "the event was stored twice"
[ "$(sqlite3 "$WORK/h.db" "SELECT count(*) FROM deltas WHERE event_key = 'ev-rdp-1' AND resource_id = 'sg-25ce40252fe7e45b4' AND check_id = '$CHECK'")" = 1 ] ||
	fail "expected exactly one delta of the event"
[ "$(queue_waiting)" = 0 ] || fail "the message was never deleted"
cat "$WORK/err.first" "$WORK/err" | grep -q "already stored: not stored again" ||
	fail "the message that came back was not recognised as already applied"
n=$(cat "$WORK/hook"/req-*.json | jq -s '[.[].body | fromjson | .alerts[] | select(.resource.id == "sg-25ce40252fe7e45b4")] | length')
[ "$n" = 1 ] || fail "expected one alert for the group, got $n"
case_end

case_begin "kill -9 while events are processed: each stored exactly once"
printf '{"latency_ms": 150}' >"$WORK/slow.json"
stop_all
start_queue_server "$WORK/slow.json"
control queue '{"name": "attest-events", "attributes": {"VisibilityTimeout": "2"}}' >/dev/null
run watch --once
expect_status 0
for i in 1 2 3 4 5 6; do
	send "$(ct_event "ev-k-$i" AuthorizeSecurityGroupIngress '{"groupId": "'$SG'"}')"
done
watch_bg --log-format json --visibility-timeout 2 >"$WORK/w.out" 2>"$WORK/w.err" &
WATCH_PID=$!
i=0
while [ "$(sqlite3 "$WORK/h.db" "SELECT count(*) FROM watch_events WHERE event_key LIKE 'ev-k-%'" 2>/dev/null)" = 0 ] &&
	[ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
WATCH_PID=
sleep 2.5
run watch --once --visibility-timeout 2
expect_status 0
got=$(sqlite3 "$WORK/h.db" "SELECT count(*), count(DISTINCT event_key) FROM watch_events WHERE event_key LIKE 'ev-k-%'")
[ "$got" = "6|6" ] || fail "expected 6 events stored once each, got $got"
[ "$(queue_waiting)" = 0 ] || fail "messages left on the queue"
case_end

case_begin "an undeliverable webhook is kept and delivered when it comes back"
stop_all
start_queue_server
control queue '{"name": "attest-events"}' >/dev/null
rm -f "$WORK"/h.db*
run watch --once
expect_status 0
cat >"$WORK/rules.xml" <<'EOF'
<alert-rules xmlns="urn:attest:alert-rules:1">
  <delivery retry-base="1" retry-cap="2" timeout="5"/>
  <channels><webhook name="hook"><url-env>HOOK_URL</url-env></webhook></channels>
  <rules><newly-failing name="any" severity="low" channels="hook"/></rules>
</alert-rules>
EOF
open_sg
send "$(ct_event ev-late-1 AuthorizeSecurityGroupIngress "$OPEN22")"
export HOOK_URL=http://127.0.0.1:9/nowhere
run watch --once --rules "$WORK/rules.xml"
expect_status 0
[ "$(sqlite3 "$WORK/h.db" 'SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL AND attempts >= 1')" -ge 1 ] ||
	fail "the undelivered alert is not kept with its failed attempt"
start_hook 0
sleep 2.5
export HOOK_URL="$HOOK"
run watch --once --rules "$WORK/rules.xml"
expect_status 0
[ "$(alerts_received)" -ge 1 ] || fail "the kept alert was not delivered when the webhook came back"
[ "$(sqlite3 "$WORK/h.db" 'SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL')" = 0 ] ||
	fail "alerts still pending after delivery"
case_end

case_begin "--interval: drift no event announced is found, alerted and stored as a full scan; SIGHUP reloads the rules"
scans_before=$(scan_count "$WORK/h.db")
start_hook 0
export HOOK_URL="$HOOK"
watch_bg --interval 2s --rules "$WORK/rules.xml" >"$WORK/w.out" 2>"$WORK/w.err" &
WATCH_PID=$!
i=0
while ! grep -q "starting from\|stored full scan" "$WORK/w.err" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
control resource '{"op": "patch", "type": "AWS::EC2::SecurityGroup", "id": "sg-733fc9d4aa5d2edde", "configuration": {"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]}}' >/dev/null
i=0
while ! cat "$WORK/hook"/req-*.json 2>/dev/null | grep -q sg-733fc9d4aa5d2edde && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -HUP "$WATCH_PID"
sleep 1
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
st=$?
WATCH_PID=
[ "$st" = 0 ] || fail "exit $st after SIGTERM"
cat "$WORK/hook"/req-*.json 2>/dev/null | grep -q sg-733fc9d4aa5d2edde ||
	fail "the drift was not alerted: $(grep -v evaluated "$WORK/w.err" | tail -5)"
grep -q "full re-collection" "$WORK/w.err" || fail "no full re-collection logged"
[ "$(scan_count "$WORK/h.db")" -gt "$scans_before" ] || fail "the drift was not stored as a full scan"
grep -q "alert rules reloaded" "$WORK/w.err" || fail "SIGHUP did not reload the rules"
case_end

case_begin "SIGTERM finishes and exits 0; JSON log lines"
watch_bg --log-format json --status-every 1s >"$WORK/w.out" 2>"$WORK/w.err" &
WATCH_PID=$!
sleep 4
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
st=$?
WATCH_PID=
[ "$st" = 0 ] || fail "SIGTERM: exit $st, $(tail -3 "$WORK/w.err")"
jq -e -s 'length > 0 and all(has("time") and has("level") and has("message"))' "$WORK/w.err" >/dev/null ||
	fail "log lines are not JSON objects: $(head -3 "$WORK/w.err")"
grep -q '"status: ' "$WORK/w.err" || fail "no status line"
case_end

finish
