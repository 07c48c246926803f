#!/usr/bin/env python3
"""make bench: from a change event in the queue to its alert delivered.

  watch_latency.py PORT HOOKDIR EVENTS PER_MINUTE ACCOUNT

Sends EVENTS CloudTrail events at PER_MINUTE through the loopback AWS test
server's control endpoint: before event i, security group bench-sg-i of the
served estate is opened to the world on port 22 (so that each event is one
pass -> fail transition, one alert). Then waits for the webhook receiver in
HOOKDIR to have every event's alert and prints the latency percentiles
(send to receipt, seconds).
"""
import glob
import json
import os
import sys
import time
import urllib.request

port, hookdir, events, per_minute, account = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    float(sys.argv[4]), sys.argv[5]


def control(path, doc):
    req = urllib.request.Request("http://127.0.0.1:%s/_control/%s" % (port, path),
                                 data=json.dumps(doc).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        r.read()


def event(i):
    sg = "sg-b%016x" % i
    return {"version": "0", "id": "eb-%d" % i, "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.ec2", "account": account, "time": "2026-12-07T10:00:00Z",
            "region": "eu-west-1", "resources": [],
            "detail": {"eventVersion": "1.08", "eventID": "bench-%d" % i,
                       "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::%s:user/bench" % account,
                                        "principalId": "AIDABENCH", "accountId": account},
                       "eventTime": "2026-12-07T10:00:00Z", "eventSource": "ec2.amazonaws.com",
                       "eventName": "AuthorizeSecurityGroupIngress", "awsRegion": "eu-west-1",
                       "sourceIPAddress": "203.0.113.7", "userAgent": "bench",
                       "requestParameters": {"groupId": sg}, "responseElements": {"_return": True},
                       "readOnly": False, "eventType": "AwsApiCall", "recipientAccountId": account}}


sent = {}
gap = 60.0 / per_minute
start = time.time()
for i in range(events):
    due = start + i * gap
    if due > time.time():
        time.sleep(due - time.time())
    control("resource", {"op": "patch", "type": "AWS::EC2::SecurityGroup", "id": "sg-b%016x" % i,
                         "configuration": {"IpPermissions": [{
                             "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                             "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                             "PrefixListIds": [], "UserIdGroupPairs": []}]}})
    sent["bench-%d" % i] = time.time()
    control("message", {"queue": "attest-events", "body": json.dumps(event(i))})
send_seconds = time.time() - start

got = {}
deadline = time.time() + 300
while len(got) < events and time.time() < deadline:
    for f in glob.glob(os.path.join(hookdir, "req-*.json")):
        if f in got.values():
            continue
        try:
            with open(f, encoding="utf-8") as fp:
                req = json.load(fp)
        except (OSError, ValueError):
            continue
        at = os.path.getmtime(f)
        for a in json.loads(req["body"]).get("alerts", []):
            key = (a.get("cause") or {}).get("event_key")
            if key in sent and key not in got:
                got[key] = (at, f)
    time.sleep(0.2)

lat = sorted(got[k][0] - sent[k] for k in got)
if not lat:
    sys.exit("no alert arrived")


def pct(p):
    return lat[min(len(lat) - 1, int(len(lat) * p / 100))]


print("watch: %d events sent in %.0f s (%.0f per minute, 50 ms API latency); %d alerts "
      "delivered; event to alert p50 %.2f s, p95 %.2f s, max %.2f s (target p95 < 5 s)"
      % (events, send_seconds, events / send_seconds * 60, len(lat), pct(50), pct(95), lat[-1]))
