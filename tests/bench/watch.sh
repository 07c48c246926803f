#!/bin/sh
# make bench: attest watch, from a change event in the queue to its alert
# delivered, at BENCH_WATCH_RATE events per minute (default 1000) for
# BENCH_WATCH_EVENTS events (default 500), every API call of the loopback AWS
# test server 50 ms late (tests/bench/watch_latency.py).
set -eu
: "${ATTEST:?}" "${top_srcdir:?}"
events=${BENCH_WATCH_EVENTS:-500}
rate=${BENCH_WATCH_RATE:-1000}
acct=210987654321
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-bench.XXXXXX")
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

# The sample estate and one closed security group per event (ids as
# watch_latency.py names them).
python3 - "$top_srcdir/samples/estate.json" "$work/estate.json" "$events" "$acct" <<'PY'
import json, sys
src, dst, n, acct = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
d = json.load(open(src))
for i in range(n):
    sg = "sg-b%016x" % i
    d["resources"].append({"type": "AWS::EC2::SecurityGroup", "id": sg, "region": "eu-west-1",
        "account": acct, "configuration": {"GroupId": sg, "GroupName": "bench",
        "VpcId": "vpc-38dc2d1625ee1204d", "IpPermissionsEgress": [], "IpPermissions": [{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]}})
json.dump(d, open(dst, "w"))
PY
printf '{"latency_ms": 50}' >"$work/scenario.json"
python3 "$top_srcdir/tests/aws-server/server.py" --estate "$work/estate.json" --account "$acct" \
	--scenario "$work/scenario.json" >"$work/port" 2>"$work/server.err" &
pids="$pids $!"
mkdir "$work/hook"
python3 "$top_srcdir/tests/alerts/servers.py" webhook "$work/hook" --fail 0 >/dev/null 2>&1 &
pids="$pids $!"
i=0
while { ! grep -q PORT "$work/port" || [ ! -s "$work/hook/port" ]; } && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(sed -n 's/^PORT //p' "$work/port")
curl -sf -X POST --data-binary '{"name": "attest-events"}' "http://127.0.0.1:$port/_control/queue" >/dev/null
cat >"$work/rules.xml" <<EOF
<alert-rules xmlns="urn:attest:alert-rules:1">
  <delivery group-window="1" rate-per-minute="600"/>
  <channels><webhook name="bench"><url>http://127.0.0.1:$(cat "$work/hook/port")/hook</url></webhook></channels>
  <rules><newly-failing name="bench" severity="high" channels="bench"/></rules>
</alert-rules>
EOF
env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=AKIDATTESTTEST000001 \
	AWS_SECRET_ACCESS_KEY=attest/test/secret/key/0000000000000000 AWS_REGION=eu-west-1 \
	AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_CONFIG_FILE=/nonexistent \
	AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true \
	ATTEST_DATA_DIR="$top_srcdir" "$ATTEST" watch --db "$work/h.db" --wait 1 \
	--sqs-queue-url "http://127.0.0.1:$port/$acct/attest-events" --regions eu-west-1 \
	--rules "$work/rules.xml" --framework cis-aws-3.0 >/dev/null 2>"$work/watch.err" &
pids="$pids $!"
# started when the base scan is stored
i=0
while ! grep -q "stored full scan" "$work/watch.err" && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
python3 "$top_srcdir/tests/bench/watch_latency.py" "$port" "$work/hook" "$events" "$rate" "$acct"
grep "status:" "$work/watch.err" | tail -n 1 | sed 's/^/           /'
