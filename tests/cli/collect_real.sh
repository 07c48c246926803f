# Sourced by collect.sh (its server, collect helper and normalizations):
# collection against the shapes and behaviours of real AWS that an emulator
# easily gets wrong (issue 10, items 13, 14 and 17).

# ---- 17: --role-arn credentials are renewed before they expire ----------
# The server's temporary credentials last 8 s and are refused after; 25 ms a
# call at 2 in flight keeps the collection going well past the renewal point
# (6 s). Variants: the role alone, with an external id and another role name,
# and an organization collected through a --role-arn caller (the caller's
# role and each member's renewed).

# role_renewed SCENARIO NAME ARGS...: collects with ARGS under SCENARIO; no
# call fails with ExpiredToken and the role of ACCT is assumed at least twice.
role_renewed() {
	sc=$1 name=$2
	shift 2
	start_server "$DATA/aws-collect/$sc"
	[ -n "$PORT" ] || fail "test server did not start: $(cat "$WORK/server.err")"
	run collect "$@" --regions us-east-1 --concurrency 2 -o "$WORK/$name.ndjson"
	expect_status 0
	head -n 1 "$WORK/$name.ndjson" >"$WORK/${name}h.json"
	jq_is "$WORK/${name}h.json" '[.collection_log[] | select(.error_code == "ExpiredToken")] | length' 0
	n=$(grep -c "^ASSUMED $ACCT " "$WORK/server.err")
	[ "$n" -ge 2 ] || fail "$name: the role in $ACCT was assumed $n time(s): no renewal"
	stop_server
}

case_begin "--role-arn: the role's credentials are renewed before they expire, no ExpiredToken"
role_renewed role_ttl.json role --role-arn "arn:aws:iam::$ACCT:role/attest-audit"
jq_is "$WORK/roleh.json" '.collection_log | length' 0
jq_is "$WORK/roleh.json" "$TYPES - [.collected_types[]] | length" 0
case_end

case_begin "--role-arn renewal: with an external id, and through an organization"
role_renewed role_ttl_extid.json roleext --role-arn "arn:aws:iam::$ACCT:role/OrgAudit" --external-id ext-7d1f
jq_is "$WORK/roleexth.json" '.collection_log | length' 0
role_renewed role_ttl.json roleorg --role-arn "arn:aws:iam::$ACCT:role/attest-audit" $ORG
n=$(grep -c "^ASSUMED $ACCT2 " "$WORK/server.err")
[ "$n" -ge 2 ] || fail "the role in $ACCT2 was assumed $n time(s): no renewal"
jq_is "$WORK/roleorgh.json" '[.collection_log[] | .error_code] | join(" ")' "AccessDenied"
case_end

# ---- 13: CloudTrail shadow trails --------------------------------------
# trails_shadow.json replaces the account's trails with: a multi-region trail
# homed in eu-west-1, an organization trail of the management account (a
# shadow trail in the member, listed in every region), a single-region
# organization trail (a shadow in its home region only) and a multi-region
# trail homed in ap-southeast-2, a region the estate does not list. The
# server answers a trail's status and selectors in its home region only.
MGMT=111111111111
# Listed in us-east-1 (multi-region ones), and the single-region one of eu-west-1.
TRAILS_US="arn:aws:cloudtrail:ap-southeast-2:$ACCT:trail/apac-trail arn:aws:cloudtrail:eu-west-1:$ACCT:trail/ops-eu-trail arn:aws:cloudtrail:us-east-1:$MGMT:trail/org-trail"
TRAILS_ALL="$TRAILS_US arn:aws:cloudtrail:eu-west-1:$MGMT:trail/org-eu-only"

# trails_once FILE ARNS: FILE's trails are exactly ARNS (each once), each in
# its home region with the status and selectors its home region answered.
trails_once() {
	got=$(tail -n +2 "$1" | jq -r 'select(.type == "AWS::CloudTrail::Trail") | .arn' | LC_ALL=C sort | tr '\n' ' ')
	want=$(printf '%s\n' $2 | LC_ALL=C sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "trails collected: '$got', expected '$want'"
	bad=$(tail -n +2 "$1" | jq -r 'select(.type == "AWS::CloudTrail::Trail") |
		select(.region != .configuration.HomeRegion or .account != "'$ACCT'" or
		       .supplementaryConfiguration.TrailStatus.IsLogging != true or
		       (.supplementaryConfiguration.EventSelectors | length) != 1) | .arn')
	[ -z "$bad" ] || fail "trails without their home region's status or selectors: $bad"
}

# trail_verdict FILE: the status of the multi-region trail check of ACCT.
trail_verdict() {
	run "$ATTEST" scan -q --framework cis-aws-3.0 --json "$WORK/tv.json" "$1"
	expect_status 0
	jq -r '[.. | objects | select(.check? == "cloudtrail-multi-region-trail-logging" and .resource.account? == "'$ACCT'") | .status] | unique | join(",")' "$WORK/tv.json"
}

case_begin "CloudTrail: a us-east-1 scan reads the eu-west-1 and organization (shadow) trails, each from its home region"
start_server "$DATA/aws-collect/trails_shadow.json"
[ -n "$PORT" ] || fail "test server did not start: $(cat "$WORK/server.err")"
run collect --regions us-east-1 -o "$WORK/tr1.ndjson"
expect_status 0
trails_once "$WORK/tr1.ndjson" "$TRAILS_US"
head -n 1 "$WORK/tr1.ndjson" >"$WORK/tr1h.json"
jq_is "$WORK/tr1h.json" '.collected_types | index("AWS::CloudTrail::Trail") != null' true
# The log groups of ops-eu-trail (eu-west-1, not collected) and of the
# organization trail (the management account's) are not read: a gap on the
# metric filters, so the alarm chains are not judged without them.
jq_is "$WORK/tr1h.json" '[.collection_log[] | [.service, .region, .error_code] | join(" ")] | sort | join(",")' \
	"logs eu-west-1 NotCollected,logs us-east-1 NotCollected"
jq_is "$WORK/tr1h.json" '.collected_types | index("AWS::Logs::MetricFilter")' null
[ "$(trail_verdict "$WORK/tr1.ndjson")" = pass ] || fail "multi-region trail check: $(trail_verdict "$WORK/tr1.ndjson")"
run "$ATTEST" scan -q --framework cis-aws-3.0 --json "$WORK/tv.json" "$WORK/tr1.ndjson"
jq_is "$WORK/tv.json" '[.. | objects | select(.id? == "cloudwatch-alarm-unauthorized-api-calls" and .status? != null) | .status] | unique | join(",")' not_evaluated
case_end

case_begin "CloudTrail: every region collected, each shadow trail still written once; includeShadowTrails sent"
run collect -o "$WORK/tr2.ndjson"
expect_status 0
trails_once "$WORK/tr2.ndjson" "$TRAILS_ALL"
head -n 1 "$WORK/tr2.ndjson" >"$WORK/tr2h.json"
# eu-west-1 is collected now: only the management account's log group is a gap.
jq_is "$WORK/tr2h.json" '[.collection_log[] | [.service, .region, .error_code] | join(" ")] | join(",")' "logs us-east-1 NotCollected"
stop_server
case_end

case_begin "CloudTrail: a home region that does not answer is a gap, not a missing trail"
start_server "$DATA/aws-collect/trails_home_down.json"
run collect --regions us-east-1 -o "$WORK/tr3.ndjson"
expect_status 0
head -n 1 "$WORK/tr3.ndjson" >"$WORK/tr3h.json"
jq_is "$WORK/tr3h.json" '[.collection_log[] | select(.service == "cloudtrail") | [.region, .operation, .error_code] | join(" ")] | join(",")' \
	"ap-southeast-2 GetTrailStatus AccessDenied"
jq_is "$WORK/tr3h.json" '.collected_types | index("AWS::CloudTrail::Trail")' null
[ "$(trail_verdict "$WORK/tr3.ndjson")" = "" ] || fail "judged without a status: $(trail_verdict "$WORK/tr3.ndjson")"
run "$ATTEST" scan -q --framework cis-aws-3.0 --json "$WORK/tv.json" "$WORK/tr3.ndjson"
jq_is "$WORK/tv.json" '[.. | objects | select(.id? == "cloudtrail-multi-region-trail-logging" and .status? != null) | .status] | unique | join(",")' not_evaluated
stop_server
case_end

case_begin "CloudTrail: a home region that is not a region name is never called, and is a gap"
start_server "$DATA/aws-collect/trails_bad_home.json"
run collect --regions us-east-1 -o "$WORK/tr4.ndjson"
expect_status 0
head -n 1 "$WORK/tr4.ndjson" >"$WORK/tr4h.json"
jq_is "$WORK/tr4h.json" '[.collection_log[] | select(.service == "cloudtrail") | [.region, .operation, .error_code] | join(" ")] | join(",")' \
	"us-east-1 DescribeTrails MalformedResponse"
jq_is "$WORK/tr4h.json" '.collected_types | index("AWS::CloudTrail::Trail")' null
grep -q "evil" "$WORK/server.err" && fail "a request went to the bogus home region"
stop_server
case_end

# ---- 14: query-protocol names and types from the service models ---------
# The server puts its query answers into the element names of botocore's
# models (tests/aws-server/wire.py): EC2's <reason>, <primary>, empty
# <hibernationOptions/>. ec2_real.json adds an instance with those members;
# ec2_guessed.json serves it with the server's guessed names instead.
INST=i-0a1b2c3d4e5f60718

# real_instance FILE: the instance's members have the API's names and types.
real_instance() {
	tail -n +2 "$1" | jq -c 'select(.id == "'$INST'") | .configuration' >"$WORK/inst.json"
	jq_is "$WORK/inst.json" '.StateTransitionReason' "User initiated (2026-11-01 10:21:00 GMT)"
	jq_is "$WORK/inst.json" 'has("Reason")' false
	jq_is "$WORK/inst.json" '[.NetworkInterfaces[0].PrivateIpAddresses[].Primary] | map(type + ":" + tostring) | join(",")' \
		"boolean:true,boolean:false"
	jq_is "$WORK/inst.json" '[.HibernationOptions, .MaintenanceOptions] | map(type + tostring) | join(",")' "object{},object{}"
	jq_is "$WORK/inst.json" '[.EbsOptimized, .EnaSupport, .SourceDestCheck, .EnclaveOptions.Enabled, .NetworkInterfaces[0].Attachment.DeleteOnTermination] | map(type) | unique | join(",")' boolean
	jq_is "$WORK/inst.json" '[.AmiLaunchIndex, .State.Code, .CpuOptions.CoreCount, .MetadataOptions.HttpPutResponseHopLimit, .NetworkInterfaces[0].Attachment.DeviceIndex] | map(type) | unique | join(",")' number
	jq_is "$WORK/inst.json" '.NetworkInterfaces[0].Ipv6Addresses | type' array
}

case_begin "EC2 as AWS sends it: <reason> is StateTransitionReason, Primary a boolean, <hibernationOptions/> {}"
start_server "$DATA/aws-collect/ec2_real.json"
[ -n "$PORT" ] || fail "test server did not start: $(cat "$WORK/server.err")"
run collect --regions us-east-1 -o "$WORK/ec2real.ndjson"
expect_status 0
real_instance "$WORK/ec2real.ndjson"
stop_server
case_end

case_begin "every query-protocol resource has the names and types of its service model"
# Every answer of the server in the models' wire names (the whole estate,
# both regions), and the guessed names of the handlers: each configuration
# value checked against the model's shape (tests/aws-server/model_check.py).
if python3 -c 'import botocore' 2>/dev/null; then
	python3 "$top_srcdir/tests/aws-server/model_check.py" "$WORK/live.ndjson" >"$WORK/mc.out" 2>&1 ||
		fail "the collected inventory differs from the models: $(head -20 "$WORK/mc.out")"
	n=$(sed -n 's/^checked: \([0-9]*\) resources.*/\1/p' "$WORK/mc.out")
	[ "${n:-0}" -gt 150 ] || fail "only ${n:-0} resources checked"
	python3 "$top_srcdir/tests/aws-server/model_check.py" "$WORK/ec2real.ndjson" >"$WORK/mc2.out" 2>&1 ||
		fail "the real-shaped instance differs from the model: $(head -20 "$WORK/mc2.out")"
	# The whole estate served with the handlers' guessed names: the same
	# inventory as with the models' names.
	start_server "$DATA/aws-collect/guessed_names.json"
	run collect -o "$WORK/guessed.ndjson"
	expect_status 0
	tail -n +2 "$WORK/live.ndjson" | jq -c "$NORM"'norm' | jq -S -s 'sort_by(.type, .id, .region)' >"$WORK/a"
	tail -n +2 "$WORK/guessed.ndjson" | jq -c "$NORM"'norm' | jq -S -s 'sort_by(.type, .id, .region)' >"$WORK/b"
	cmp -s "$WORK/a" "$WORK/b" || fail "guessed and model wire names differ: $(diff "$WORK/a" "$WORK/b" | head -10)"
	start_server "$DATA/aws-collect/ec2_guessed.json"
	run collect --regions us-east-1 -o "$WORK/ec2guess.ndjson"
	expect_status 0
	real_instance "$WORK/ec2guess.ndjson"
	python3 "$top_srcdir/tests/aws-server/model_check.py" "$WORK/ec2guess.ndjson" >"$WORK/mc3.out" 2>&1 ||
		fail "guessed names: the inventory differs from the models: $(head -20 "$WORK/mc3.out")"
	stop_server
else
	fail "python3-botocore is not installed (install-deps.sh installs it): the model comparison cannot run"
fi
case_end
