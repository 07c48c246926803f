#!/usr/bin/env python3
"""Loopback AWS test server for attest's live collector tests.

Serves the accounts of a native attest inventory (samples/estate.json by
default) through the AWS wire protocols the collector speaks: query/XML (STS,
IAM, EC2, SNS, RDS, CloudWatch), REST-XML (S3, S3 Control), JSON 1.1
(CloudTrail, KMS, Config, CloudWatch Logs) and REST-JSON (EFS, Security Hub,
Access Analyzer). Every request's SigV4 signature is verified from the
documented algorithm (hashlib/hmac); a bad one is answered
SignatureDoesNotMatch, an unknown key InvalidClientTokenId.

The test key belongs to --account, the caller. For multi-account tests the
server is also an AWS Organization: ListAccounts (paged, "org_page_size")
lists the estate's accounts, a suspended account and a sandbox account
whose role cannot be assumed; STS AssumeRole of
arn:aws:iam::<account>:role/<"org_role", default attest-audit> (with the
scenario's "org_external_id" when set) returns fresh temporary credentials,
and every request signed with them is answered from that account's
resources, its X-Amz-Security-Token checked. Scenario "org": "deny" makes
ListAccounts answer AccessDeniedException; "org_credential_ttl": N makes
the temporary credentials expire N seconds after AssumeRole (requests signed
with them answer ExpiredToken after that). Each AssumeRole answered is
logged on stderr as "ASSUMED <account> <count>". "org_opt_in": {account:
[regions]} adds opted-in regions to that account's DescribeRegions; each
request to one of them is logged as "OPTIN <account> <region> <service>";
"log_requests": true logs "REQ <account>" for each request of a member
account.

Faults come from a JSON scenario file (--scenario):
  {"page_size": 3,                  # items per page of every listing
   "latency_ms": 0,                 # added to every answer
   "deny": ["securityhub"],         # services answering AccessDenied
   "faults": [{"service": "ec2", "operation": "DescribeVolumes",
               "region": "eu-west-1", "kind": "throttle|5xx|slow|truncate|
               malformed|deny|notimpl|sametoken", "times": 2, "ms": 3000,
               "account": "345678901234"}],  # account: of the request's key
   "report_polls": 1,               # GenerateCredentialReport STARTED answers
   "trails": [{...}],               # CloudTrail trails (native records) of
                                    # every account, instead of the estate's
   "guessed_wire_names": true,      # query answers keep the handlers' element
                                    # names (else: the models', see wire.py)
   "extra_resources": [{...}]}      # native records added to their account's
Binds 127.0.0.1 on a free port and prints "PORT <n>" on stdout.
"""
import argparse, base64, calendar, datetime, hashlib, hmac, json, secrets, sys, threading, time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import handlers_data  # data-store services (RDS clusters, DynamoDB, ...)
import wire  # query-protocol element names as the service models give them
import handlers_compute  # compute, network, edge, detection and AI services

# The test key, and the fixed key of the s3rver emulator (for the test that
# takes S3 from s3rver and everything else from here).
KEYS = {"AKIDATTESTTEST000001": "attest/test/secret/key/0000000000000000", "S3RVER": "S3RVER"}
# Temporary credentials handed out by AssumeRole: key id -> (secret, token, account).
TEMP_KEYS = {}
# The organization's accounts besides the estate's: (id, name, status);
# the sandbox's role cannot be assumed.
SANDBOX = "999999999999"
ORG_EXTRA = [(SANDBOX, "sandbox", "ACTIVE"), ("888888888888", "closed", "SUSPENDED")]
TIME_KEYS = {"CreationDate", "DeletionDate", "ValidTo", "LatestDeliveryTime",
             "LatestNotificationTime", "StartLoggingTime", "StopLoggingTime",
             "LatestCloudWatchLogsDeliveryTime", "LatestDigestDeliveryTime",
             "TimeLoggingStarted", "TimeLoggingStopped", "lastStartTime", "lastStopTime",
             "lastStatusChangeTime", "CreationTime"}

# ---- SigV4 verification -------------------------------------------------

def uri_encode(s, keep_slash):
    safe = "-_.~" + ("/" if keep_slash else "")
    return urllib.parse.quote(s, safe=safe)

def canonical_query(q):
    pairs = []
    for part in q.split("&") if q else []:
        if not part:
            continue
        k, _, v = part.partition("=")
        k = urllib.parse.unquote(k); v = urllib.parse.unquote(v)
        pairs.append((uri_encode(k, False), uri_encode(v, False)))
    return "&".join("%s=%s" % kv for kv in sorted(pairs))

def verify(handler, body):
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "MissingAuthenticationToken", None
    fields = dict(p.strip().split("=", 1) for p in auth[17:].split(","))
    cred = fields["Credential"].split("/")
    key, date, region, service = cred[0], cred[1], cred[2], cred[3]
    secret, account = KEYS.get(key), handler.server.caller
    if key in TEMP_KEYS:
        secret, token, account, expires = TEMP_KEYS[key]
        if handler.headers.get("X-Amz-Security-Token") != token:
            return "InvalidClientTokenId", None
        if time.time() > expires:
            return "ExpiredToken", None
    if secret is None:
        return "InvalidClientTokenId", None
    signed = fields["SignedHeaders"].split(";")
    path, _, query = handler.path.partition("?")
    s3 = service == "s3"
    if s3:
        cpath = uri_encode(urllib.parse.unquote(path), True)
    else:
        # Each segment as sent, encoded once more (an encoded '/' stays %2F).
        cpath = uri_encode(path, True) if path else "/"
    hdrs = "".join("%s:%s\n" % (h, " ".join(handler.headers.get(h, "").split())) for h in signed)
    phash = handler.headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    if s3 and phash != "UNSIGNED-PAYLOAD" and phash != hashlib.sha256(body).hexdigest():
        return "XAmzContentSHA256Mismatch", None
    creq = "\n".join([handler.command, cpath, canonical_query(query), hdrs,
                      ";".join(signed), phash])
    amzdate = handler.headers.get("x-amz-date", "")
    sts = "\n".join(["AWS4-HMAC-SHA256", amzdate, "/".join(cred[1:]),
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sig, fields.get("Signature", "")):
        return "SignatureDoesNotMatch", None
    if "host" not in signed:
        return "SignatureDoesNotMatch", None
    if key in TEMP_KEYS and "x-amz-security-token" not in signed and not s3:
        return "SignatureDoesNotMatch", None
    return None, (region, service, account)

# ---- serializers --------------------------------------------------------

RDS_MEMBERS = {"DBInstances": "DBInstance", "VpcSecurityGroups": "VpcSecurityGroupMembership",
               "DBParameterGroups": "DBParameterGroup", "TagList": "Tag", "Subnets": "Subnet",
               "OptionGroupMemberships": "OptionGroupMembership",
               "DBSecurityGroups": "DBSecurityGroup", "StatusInfos": "DBInstanceStatusInfo",
               "ReadReplicaDBInstanceIdentifiers": "ReadReplicaDBInstanceIdentifier",
               "DomainMemberships": "DomainMembership", "AssociatedRoles": "DBInstanceRole",
               "ProcessorFeatures": "ProcessorFeature", "Parameters": "Parameter"}
EC2_WIRE = [("Reservations", None, "reservationSet"), ("Instances", None, "instancesSet"),
            ("SecurityGroups", "Instances", "groupSet"), ("SecurityGroups", None, "securityGroupInfo"),
            ("Groups", None, "groupSet"), ("State", "Instances", "instanceState"),
            ("PublicIpAddress", None, "ipAddress"), ("PublicDnsName", "Instances", "dnsName"),
            ("BlockDeviceMappings", None, "blockDeviceMapping"),
            ("NetworkInterfaces", None, "networkInterfaceSet"),
            ("PrivateIpAddresses", None, "privateIpAddressesSet"),
            ("Ipv6Addresses", None, "ipv6AddressesSet"), ("Tags", None, "tagSet"),
            ("Description", "SecurityGroups", "groupDescription"),
            ("UserIdGroupPairs", None, "groups"), ("NetworkAcls", None, "networkAclSet"),
            ("Entries", None, "entrySet"), ("Associations", None, "associationSet"),
            ("IsDefault", "NetworkAcls", "default"), ("Vpcs", None, "vpcSet"),
            ("Volumes", None, "volumeSet"), ("Attachments", None, "attachmentSet"),
            ("State", "Volumes", "status"), ("State", "Attachments", "status"),
            ("FlowLogs", None, "flowLogSet"), ("Regions", None, "regionInfo"),
            ("Endpoint", "Regions", "regionEndpoint")]

def ec2_wire(key, parent):
    for api, p, wire in EC2_WIRE:
        if api == key and (p is None or p == parent):
            return wire
    return key[:1].lower() + key[1:]

def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v == int(v):
        return "%.1f" % v
    return escape(str(v))

def xml(key, value, style, parent=None):
    """key: API member name; style 'query', 'ec2' or 'rds'."""
    if value is None:
        return ""
    wire = ec2_wire(key, parent) if style == "ec2" else key
    if isinstance(value, dict):
        if key in ("SummaryMap", "Attributes"):
            inner = "".join("<entry><key>%s</key><value>%s</value></entry>" % (escape(k), scalar(v))
                            for k, v in value.items())
        else:
            inner = "".join(xml(k, v, style, key) for k, v in value.items())
        return "<%s>%s</%s>" % (wire, inner, wire)
    if isinstance(value, list):
        member = "item" if style == "ec2" else RDS_MEMBERS.get(key, "member") if style == "rds" else "member"
        inner = "".join(("<%s>%s</%s>" % (member, "".join(xml(k, v, style, key) for k, v in m.items()), member))
                        if isinstance(m, dict) else "<%s>%s</%s>" % (member, scalar(m), member)
                        for m in value)
        return "<%s>%s</%s>" % (wire, inner, wire)
    return "<%s>%s</%s>" % (wire, scalar(value), wire)

def epoch_times(v):
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k in TIME_KEYS and isinstance(x, str):
                try:
                    x = calendar.timegm(datetime.datetime.strptime(x[:19], "%Y-%m-%dT%H:%M:%S").timetuple())
                except ValueError:
                    pass
            out[k] = epoch_times(x)
        return out
    if isinstance(v, list):
        return [epoch_times(x) for x in v]
    return v

def quote_doc(doc):
    return urllib.parse.quote(json.dumps(doc), safe="")

# ---- the estate ---------------------------------------------------------

class Estate:
    def __init__(self, path, account):
        with open(path) as f:
            inv = json.load(f)
        self.account = account
        self.regions = inv.get("regions") or ["us-east-1"]
        self.res = {}
        for r in inv["resources"]:
            if r.get("account") != account:
                continue
            # An instance always has a parameter group in the real API; the
            # tests expect the same name (pg-<id>) when the estate has none.
            if r["type"] == "AWS::RDS::DBInstance" and "DBParameterGroups" not in r["configuration"]:
                r["configuration"]["DBParameterGroups"] = [{"DBParameterGroupName": "pg-" + r["id"], "ParameterApplyStatus": "in-sync"}]
            self.res.setdefault(r["type"], []).append(r)

    def of(self, t, region=None):
        return [r for r in self.res.get(t, []) if region is None or r.get("region") == region]

    def one(self, t, region=None):
        l = self.of(t, region)
        return l[0] if l else None

# ---- the server ---------------------------------------------------------

# Request parameters that carry a page token, in every protocol.
TOKEN_PARAMS = ("NextToken", "nextToken", "Marker", "marker", "ContinuationToken",
                "continuation-token", "position")

def log_line(text):
    """One line on stderr, whole even when handler threads write at once."""
    with State.log_lock:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

class State:
    lock = threading.Lock()
    log_lock = threading.Lock()
    counts = {}
    calls = 0
    assumed = {}  # account -> AssumeRole calls answered

def page(items, token, size):
    start = int(token) if token else 0
    nxt = start + size
    return items[start:nxt], (str(nxt) if nxt < len(items) else None)

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle and
    # the client's delayed ACK add ~40 ms to every answer.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    # -- answers --
    def send(self, status, body, ctype, extra=None):
        data = body.encode() if isinstance(body, str) else body
        fault = getattr(self, "fault", None)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("x-amzn-RequestId", "req-%d" % State.calls)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        if fault == "truncate":
            self.send_header("Content-Length", str(len(data) + 100))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault == "malformed":
            data = data[: max(1, len(data) // 2)]
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, msg):
        if self.proto in ("json", "restjson"):
            self.send(status, json.dumps({"__type": code, "message": msg}), "application/x-amz-json-1.1",
                      {"x-amzn-ErrorType": code})
        elif self.proto == "ec2":
            self.send(status, "<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors>"
                      "<RequestID>r</RequestID></Response>" % (code, escape(msg)), "text/xml")
        elif self.proto == "s3":
            self.send(status, "<Error><Code>%s</Code><Message>%s</Message></Error>" % (code, escape(msg)),
                      "application/xml")
        else:
            self.send(status, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
                      "</Error><RequestId>r</RequestId></ErrorResponse>" % (code, escape(msg)), "text/xml")

    def query_ok(self, op, inner, ns="https://aws.amazon.com/"):
        if self.proto == "ec2":
            body = '<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>%s</%sResponse>' % (op, inner, op)
        else:
            body = '<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%sResponse>' % (op, ns, op, inner, op, op)
        if not self.server.scenario.get("guessed_wire_names"):
            body = wire.rewrite(getattr(self, "version", None), op, body)
        self.send(200, body, "text/xml")

    def json_ok(self, obj):
        self.send(200, json.dumps(epoch_times(obj)), "application/x-amz-json-1.1")

    # -- dispatch --
    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with State.lock:
            State.calls += 1
        sc = self.server.scenario
        if sc.get("latency_ms"):
            time.sleep(sc["latency_ms"] / 1000.0)
        self.proto = "query"
        self.fault = None
        err, scope = verify(self, body)
        target = self.headers.get("X-Amz-Target")
        path, _, query = self.path.partition("?")
        q = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"))) if self.command == "POST" and not target else {}
        self.version = form.get("Version")
        service = scope[1] if scope else ""
        region = scope[0] if scope else ""
        self.estate = self.server.estates.get(scope[2] if scope else "") or self.server.estates[self.server.caller]
        hc = None if target else handlers_compute.classify(service, self.command, path, q)
        if hc:
            self.proto, op = hc
        elif target:
            self.proto = "json"
            op = target.split(".")[-1]
        elif service == "s3":
            self.proto = "s3"
            op = s3_operation(path, q)
        elif service in ("elasticfilesystem", "securityhub", "access-analyzer"):
            self.proto = "restjson"
            op = {"elasticfilesystem": "DescribeFileSystems", "securityhub": "DescribeHub",
                  "access-analyzer": "ListAnalyzers"}[service]
            if path.endswith("/backup-policy"):
                op = "DescribeBackupPolicy"
            elif path.endswith("/policy"):
                op = "DescribeFileSystemPolicy"
        else:
            op = form.get("Action", "")
            if service == "ec2":
                self.proto = "ec2"
        data_op = handlers_data.rest_operation(service, path)
        if data_op:
            self.proto, op = "restjson", data_op
        if err:
            return self.error(403, err, "request signature problem: " + err)
        with State.lock:
            State.counts[(service, op, region)] = State.counts.get((service, op, region), 0) + 1
        if sc.get("log_requests") and scope and "Credential=ASIA" in self.headers.get("Authorization", ""):
            log_line("REQ %s" % scope[2])
        if any(region in r for r in sc.get("org_opt_in", {}).values()):
            log_line("OPTIN %s %s %s" % (self.estate.account, region, service))
        if service in sc.get("deny", []):
            return self.error(403, "AccessDeniedException" if self.proto in ("json", "restjson") else "AccessDenied",
                              "User is not authorized to perform: %s:%s" % (service, op))
        for f in sc.get("faults", []):
            if f.get("service") not in (None, service) or f.get("operation") not in (None, op) \
               or f.get("region") not in (None, region) or f.get("account") not in (None, self.estate.account):
                continue
            key = ("fault", id(f))
            with State.lock:
                used = State.counts.get(key, 0)
                if used >= f.get("times", 1):
                    continue
                State.counts[key] = used + 1
            kind = f["kind"]
            if kind == "throttle":
                code = {"ec2": "RequestLimitExceeded", "s3": "SlowDown", "json": "ThrottlingException",
                        "restjson": "TooManyRequestsException"}.get(self.proto, "Throttling")
                return self.error(503 if self.proto == "s3" else 400, code, "Rate exceeded")
            if kind == "5xx":
                return self.error(500, "InternalFailure", "internal error")
            if kind == "deny":
                return self.error(403, "AccessDenied", "not authorized")
            if kind == "notimpl":
                return self.error(501, "NotImplemented", "not implemented")
            if kind == "slow":
                time.sleep(f.get("ms", 3000) / 1000.0)
            if kind in ("truncate", "malformed"):
                self.fault = kind
            if kind == "sametoken":
                # the page token is ignored: every answer is the first page
                # again, with the same token for the next one
                for k in TOKEN_PARAMS:
                    form.pop(k, None)
                    q.pop(k, None)
                if target and body:
                    req = json.loads(body or b"{}")
                    for k in TOKEN_PARAMS:
                        req.pop(k, None)
                    body = json.dumps(req).encode()
            break
        try:
            self.route(service, op, region, form, q, body, path)
        except BrokenPipeError:
            pass

    def route(self, service, op, region, form, q, body, path):
        e = self.estate
        size = self.server.scenario.get("page_size", 1000)
        acct = e.account
        if handlers_compute.route(self, service, op, region, form, q, body, path):
            return
        if handlers_data.route(self, service, op, region, form, q, body, path, size):
            return
        if service == "sts" and op == "GetCallerIdentity":
            return self.query_ok(op, "<Arn>arn:aws:iam::%s:user/auditor</Arn><UserId>AIDATEST</UserId><Account>%s</Account>" % (acct, acct), "https://sts.amazonaws.com/doc/2011-06-15/")
        if service == "sts" and op == "AssumeRole":
            return self.assume_role(form)
        if service == "organizations" and op == "ListAccounts":
            return self.list_accounts(json.loads(body or b"{}"))
        if service == "ec2":
            return self.ec2(op, region, form, size)
        if service == "iam":
            return self.iam(op, form, size)
        if service == "s3":
            return self.s3(op, path, q)
        if service == "monitoring" and op == "DescribeAlarms":
            items, tok = page([r["configuration"] for r in e.of("AWS::CloudWatch::Alarm", region)], form.get("NextToken"), size)
            return self.query_ok(op, xml("MetricAlarms", items, "query") + (xml("NextToken", tok, "query") if tok else ""))
        if service == "rds" and op == "DescribeDBParameters":
            db = [r for r in e.of("AWS::RDS::DBInstance", region)
                  if r["configuration"]["DBParameterGroups"][0]["DBParameterGroupName"] == form.get("DBParameterGroupName")]
            if not db:
                return self.error(404, "DBParameterGroupNotFound", "no such group")
            noise = [{"ParameterName": "max_connections", "ParameterValue": "100", "Source": "engine-default", "ApplyType": "dynamic", "IsModifiable": True},
                     {"ParameterName": "log_statement", "Source": "engine-default", "ApplyType": "dynamic", "IsModifiable": True}]
            params = noise + (db[0].get("supplementaryConfiguration") or {}).get("DBParameters", []) + noise
            items, tok = page(params, form.get("Marker"), size)
            return self.query_ok(op, xml("Parameters", items, "rds") + (xml("Marker", tok, "query") if tok else ""))
        if service == "rds" and op == "DescribeDBInstances":
            items, tok = page([r["configuration"] for r in e.of("AWS::RDS::DBInstance", region)], form.get("Marker"), size)
            return self.query_ok(op, xml("DBInstances", items, "rds") + (xml("Marker", tok, "query") if tok else ""))
        if service == "sns":
            return self.sns(op, region, form, size)
        if self.proto == "json":
            return self.json11(service, op, region, json.loads(body or b"{}"), size)
        if service == "elasticfilesystem" and path.endswith(("/backup-policy", "/policy")):
            fs = [r for r in e.of("AWS::EFS::FileSystem", region) if r["id"] == path.split("/")[3]]
            if not fs:
                return self.error(404, "FileSystemNotFound", "no such file system")
            sup = fs[0].get("supplementaryConfiguration") or {}
            if path.endswith("/backup-policy"):
                if sup.get("BackupPolicy") is None:
                    return self.error(404, "PolicyNotFound", "no backup policy")
                return self.json_ok({"BackupPolicy": sup["BackupPolicy"]})
            if sup.get("FileSystemPolicy") is None:
                return self.error(404, "PolicyNotFound", "no policy")
            return self.json_ok({"FileSystemId": fs[0]["id"], "Policy": json.dumps(sup["FileSystemPolicy"])})
        if service == "elasticfilesystem":
            items, tok = page([r["configuration"] for r in e.of("AWS::EFS::FileSystem", region)], q.get("Marker"), size)
            out = {"FileSystems": items}
            if tok:
                out["NextMarker"] = tok
            return self.json_ok(out)
        if service == "securityhub":
            hub = e.one("AWS::SecurityHub::HubStatus", region)
            if not hub or not hub["configuration"].get("Enabled"):
                return self.error(400, "InvalidAccessException", "Account is not subscribed to AWS Security Hub")
            return self.send(200, json.dumps({k: v for k, v in hub["configuration"].items() if k != "Enabled"}), "application/json")
        if service == "access-analyzer":
            items, tok = page([r["configuration"] for r in e.of("AWS::AccessAnalyzer::Analyzer", region)], q.get("nextToken"), size)
            out = {"analyzers": items}
            if tok:
                out["nextToken"] = tok
            return self.send(200, json.dumps(out), "application/json")
        return self.error(400, "InvalidAction", "unknown operation %s of %s" % (op, service))

    def list_accounts(self, req):
        sc = self.server.scenario
        if self.estate.account != self.server.caller:
            return self.error(400, "AccessDeniedException", "You don't have permissions to access this resource.")
        if sc.get("org") == "deny":
            return self.error(400, "AccessDeniedException", "You don't have permissions to access this resource.")
        accts = [{"Id": a, "Name": n, "Status": st, "State": st, "Email": "%s@example.com" % n,
                  "Arn": "arn:aws:organizations::%s:account/o-test/%s" % (self.server.caller, a),
                  "JoinedMethod": "CREATED", "JoinedTimestamp": 1700000000}
                 for a, n, st in self.server.org_accounts]
        items, nt = page(accts, req.get("NextToken"), sc.get("org_page_size", 2))
        return self.send(200, json.dumps(dict({"Accounts": items}, **({"NextToken": nt} if nt else {}))), "application/x-amz-json-1.1")

    def assume_role(self, form):
        sc = self.server.scenario
        arn = form.get("RoleArn", "")
        parts = arn.split(":")
        acct = parts[4] if len(parts) == 6 else ""
        want = "role/" + sc.get("org_role", "attest-audit")
        if self.estate.account != self.server.caller or acct not in self.server.estates or parts[5] != want \
           or form.get("ExternalId") != sc.get("org_external_id") or not form.get("RoleSessionName"):
            return self.error(403, "AccessDenied", "User: arn:aws:iam::%s:user/auditor is not authorized to perform: sts:AssumeRole on resource: %s"
                              % (self.server.caller, arn))
        key = "ASIA%s%08d" % (acct, len(TEMP_KEYS))
        secret = "tmp/secret/" + secrets.token_hex(16)
        token = "tmp-token-" + secrets.token_hex(24)
        with State.lock:
            ttl = sc.get("org_credential_ttl")
            expires = time.time() + ttl if ttl else 4070908800  # 2099-01-01
            TEMP_KEYS[key] = (secret, token, acct, expires)
            State.assumed[acct] = State.assumed.get(acct, 0) + 1
        log_line("ASSUMED %s %d" % (acct, State.assumed[acct]))
        return self.query_ok("AssumeRole", "<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
                             "<SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials>"
                             "<AssumedRoleUser><Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn><AssumedRoleId>AROATEST:%s</AssumedRoleId></AssumedRoleUser>"
                             % (key, secret, token, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires)),
                                acct, want[5:], form["RoleSessionName"], form["RoleSessionName"]),
                             "https://sts.amazonaws.com/doc/2011-06-15/")

    def ec2(self, op, region, form, size):
        e = self.estate
        tok = form.get("NextToken")
        lists = {"DescribeVolumes": ("AWS::EC2::Volume", "Volumes"),
                 "DescribeSecurityGroups": ("AWS::EC2::SecurityGroup", "SecurityGroups"),
                 "DescribeNetworkAcls": ("AWS::EC2::NetworkAcl", "NetworkAcls"),
                 "DescribeVpcs": ("AWS::EC2::VPC", "Vpcs"),
                 "DescribeFlowLogs": ("AWS::EC2::FlowLog", "FlowLogs")}
        if op == "DescribeRegions":
            regs = [{"RegionName": r, "Endpoint": "ec2.%s.amazonaws.com" % r, "OptInStatus": "opt-in-not-required"} for r in e.regions]
            regs += [{"RegionName": r, "Endpoint": "ec2.%s.amazonaws.com" % r, "OptInStatus": "opted-in"}
                     for r in self.server.scenario.get("org_opt_in", {}).get(e.account, [])]
            return self.query_ok(op, xml("Regions", regs, "ec2"))
        if op == "DescribeInstances":
            items, nt = page([r["configuration"] for r in e.of("AWS::EC2::Instance", region)], tok, size)
            res = [{"ReservationId": "r-%d" % i, "OwnerId": e.account, "Groups": [], "Instances": [it]} for i, it in enumerate(items)]
            return self.query_ok(op, xml("Reservations", res, "ec2") + (xml("NextToken", nt, "ec2") if nt else ""))
        if op in lists:
            t, key = lists[op]
            items, nt = page([r["configuration"] for r in e.of(t, region)], tok, size)
            return self.query_ok(op, xml(key, items, "ec2") + (xml("NextToken", nt, "ec2") if nt else ""))
        if op in ("GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId"):
            r = e.one("AWS::EC2::EBSEncryptionByDefault", region)
            conf = r["configuration"] if r else {"EbsEncryptionByDefault": False, "KmsKeyId": "alias/aws/ebs"}
            if op == "GetEbsEncryptionByDefault":
                return self.query_ok(op, xml("EbsEncryptionByDefault", conf.get("EbsEncryptionByDefault"), "ec2"))
            return self.query_ok(op, xml("KmsKeyId", conf.get("KmsKeyId"), "ec2"))
        return self.error(400, "InvalidAction", op)

    def iam(self, op, form, size):
        e = self.estate
        marker = form.get("Marker")
        if op == "GetAccountAuthorizationDetails":
            def enc(c, keys):
                c = json.loads(json.dumps(c))
                for k in keys:
                    if k in c:
                        c[k] = quote_doc(c[k])
                return c
            items = []
            for r in e.of("AWS::IAM::User"):
                c = enc(r["configuration"], [])
                for p in c.get("UserPolicyList", []):
                    p["PolicyDocument"] = quote_doc(p["PolicyDocument"])
                items.append(("UserDetailList", c))
            for r in e.of("AWS::IAM::Group"):
                c = enc(r["configuration"], [])
                for p in c.get("GroupPolicyList", []):
                    p["PolicyDocument"] = quote_doc(p["PolicyDocument"])
                items.append(("GroupDetailList", c))
            for r in e.of("AWS::IAM::Role"):
                c = enc(r["configuration"], ["AssumeRolePolicyDocument"])
                for p in c.get("RolePolicyList", []):
                    p["PolicyDocument"] = quote_doc(p["PolicyDocument"])
                for ip in c.get("InstanceProfileList", []):
                    for ro in ip.get("Roles", []):
                        if "AssumeRolePolicyDocument" in ro:
                            ro["AssumeRolePolicyDocument"] = quote_doc(ro["AssumeRolePolicyDocument"])
                items.append(("RoleDetailList", c))
            for r in e.of("AWS::IAM::Policy"):
                c = json.loads(json.dumps(r["configuration"]))
                for v in c.get("PolicyVersionList", []):
                    v["Document"] = quote_doc(v["Document"])
                items.append(("Policies", c))
            # an AWS-managed policy attached to nothing: the collector skips it
            items.append(("Policies", {"PolicyName": "ReadOnlyAccess", "PolicyId": "ANPAUNUSED", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                                       "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 0, "IsAttachable": True, "PolicyVersionList": []}))
            chunk, nt = page(items, marker, size)
            groups = {}
            for k, c in chunk:
                groups.setdefault(k, []).append(c)
            inner = "".join(xml(k, groups.get(k, []), "query") for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))
            inner += "<IsTruncated>%s</IsTruncated>" % ("true" if nt else "false")
            if nt:
                inner += "<Marker>%s</Marker>" % nt
            return self.query_ok(op, inner)
        if op == "ListEntitiesForPolicy":
            p = [r for r in e.of("AWS::IAM::Policy") if r["id"] == form.get("PolicyArn")]
            if not p:
                return self.error(404, "NoSuchEntity", "no policy")
            s = p[0].get("supplementaryConfiguration") or {}
            inner = xml("PolicyGroups", [{"GroupName": n, "GroupId": "AGPA" + n} for n in s.get("PolicyGroups", [])], "query")
            inner += xml("PolicyUsers", [{"UserName": n, "UserId": "AIDA" + n} for n in s.get("PolicyUsers", [])], "query")
            inner += xml("PolicyRoles", [{"RoleName": n, "RoleId": "AROA" + n} for n in s.get("PolicyRoles", [])], "query")
            return self.query_ok(op, inner + "<IsTruncated>false</IsTruncated>")
        if op == "GetAccountSummary":
            return self.query_ok(op, xml("SummaryMap", e.one("AWS::IAM::AccountSummary")["configuration"]["SummaryMap"], "query"))
        if op == "ListVirtualMFADevices":
            s = e.one("AWS::IAM::AccountSummary")["supplementaryConfiguration"]["VirtualMFADevices"]
            items, nt = page(s, marker, size)
            return self.query_ok(op, xml("VirtualMFADevices", items, "query") + "<IsTruncated>%s</IsTruncated>" % ("true" if nt else "false") + (xml("Marker", nt, "query") if nt else ""))
        if op == "GetAccountPasswordPolicy":
            r = e.one("AWS::IAM::AccountPasswordPolicy")
            if not r or r["configuration"] is None:
                return self.error(404, "NoSuchEntity", "The Password Policy with domain name %s cannot be found." % e.account)
            return self.query_ok(op, xml("PasswordPolicy", r["configuration"], "query"))
        if op == "ListServerCertificates":
            items, nt = page([r["configuration"] for r in e.of("AWS::IAM::ServerCertificate")], marker, size)
            return self.query_ok(op, xml("ServerCertificateMetadataList", items, "query") + "<IsTruncated>%s</IsTruncated>" % ("true" if nt else "false") + (xml("Marker", nt, "query") if nt else ""))
        if op == "ListAccountAliases":
            a = e.one("AWS::::Account")
            alias = a["configuration"].get("AccountAlias") if a else None
            return self.query_ok(op, xml("AccountAliases", [alias] if alias else [], "query") + "<IsTruncated>false</IsTruncated>")
        if op == "GenerateCredentialReport":
            with State.lock:
                n = State.counts.get("report", 0)
                State.counts["report"] = n + 1
            state = "COMPLETE" if n >= self.server.scenario.get("report_polls", 1) else ("STARTED" if n == 0 else "INPROGRESS")
            return self.query_ok(op, "<State>%s</State><Description>report</Description>" % state)
        if op == "GetCredentialReport":
            rows = [r["configuration"] for r in e.of("AWS::IAM::CredentialReportEntry")]
            cols = list(rows[0].keys()) if rows else ["user", "arn"]
            csv = ",".join(cols) + "\n" + "\n".join(",".join(r.get(c, "") for c in cols) for r in rows)
            return self.query_ok(op, "<Content>%s</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-20T09:00:00Z</GeneratedTime>" % base64.b64encode(csv.encode()).decode())
        return self.error(400, "InvalidAction", op)

    def s3(self, op, path, q):
        e = self.estate
        parts = path.strip("/").split("/", 1)
        if op == "GetAccountPublicAccessBlock":
            r = e.one("AWS::S3::AccountPublicAccessBlock")
            if not r or r["configuration"] is None:
                return self.error(404, "NoSuchPublicAccessBlockConfiguration", "none")
            return self.send(200, xml("PublicAccessBlockConfiguration", r["configuration"], "query"), "application/xml")
        if op == "ListBuckets":
            bs = [{"Name": r["id"], "CreationDate": r["configuration"]["CreationDate"]} for r in e.of("AWS::S3::Bucket")]
            return self.send(200, '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner>%s</ListAllMyBucketsResult>'
                             % xml("Buckets", bs, "rds").replace("<member>", "<Bucket>").replace("</member>", "</Bucket>"), "application/xml")
        b = [r for r in e.of("AWS::S3::Bucket") if r["id"] == parts[0]]
        if not b:
            return self.error(404, "NoSuchBucket", "The specified bucket does not exist")
        b = b[0]
        s = b.get("supplementaryConfiguration") or {}
        def absent(code):
            return self.error(404, code, "not configured")
        if op == "GetBucketLocation":
            reg = b["configuration"]["BucketRegion"]
            return self.send(200, '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">%s</LocationConstraint>' % ("" if reg == "us-east-1" else reg), "application/xml")
        if op == "GetBucketPolicy":
            return absent("NoSuchBucketPolicy") if s.get("BucketPolicy") is None else self.send(200, json.dumps(s["BucketPolicy"]), "application/json")
        if op == "GetPublicAccessBlock":
            v = s.get("PublicAccessBlockConfiguration")
            return absent("NoSuchPublicAccessBlockConfiguration") if v is None else self.send(200, xml("PublicAccessBlockConfiguration", v, "query"), "application/xml")
        if op == "GetBucketEncryption":
            v = s.get("ServerSideEncryptionConfiguration")
            if v is None:
                return absent("ServerSideEncryptionConfigurationNotFoundError")
            return self.send(200, "<ServerSideEncryptionConfiguration>%s</ServerSideEncryptionConfiguration>" % "".join(xml("Rule", r, "query") for r in v["Rules"]), "application/xml")
        if op == "GetObjectLockConfiguration":
            v = s.get("ObjectLockConfiguration")
            return absent("ObjectLockConfigurationNotFoundError") if v is None else self.send(200, xml("ObjectLockConfiguration", v, "query"), "application/xml")
        if op == "GetBucketOwnershipControls":
            v = s.get("OwnershipControls")
            if v is None:
                return absent("OwnershipControlsNotFoundError")
            return self.send(200, "<OwnershipControls>%s</OwnershipControls>" % "".join(xml("Rule", r, "query") for r in v["Rules"]), "application/xml")
        if op == "GetBucketVersioning":
            v = dict(s.get("BucketVersioningConfiguration") or {})
            if "MFADelete" in v:
                v["MfaDelete"] = v.pop("MFADelete")
            return self.send(200, xml("VersioningConfiguration", v, "query"), "application/xml")
        if op == "GetBucketLogging":
            return self.send(200, xml("BucketLoggingStatus", s.get("BucketLoggingConfiguration") or {}, "query"), "application/xml")
        if op == "GetBucketAcl":
            acl = s.get("BucketAcl") or {"Owner": {"ID": "o"}, "Grants": []}
            grants = "".join('<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="%s">%s</Grantee>%s</Grant>'
                             % (g["Grantee"]["Type"], "".join(xml(k, v, "query") for k, v in g["Grantee"].items() if k != "Type"), xml("Permission", g["Permission"], "query"))
                             for g in acl["Grants"])
            return self.send(200, "<AccessControlPolicy>%s<AccessControlList>%s</AccessControlList></AccessControlPolicy>" % (xml("Owner", acl["Owner"], "query"), grants), "application/xml")
        if op == "GetBucketTagging":
            tags = b.get("tags")
            if not tags:
                return absent("NoSuchTagSet")
            return self.send(200, "<Tagging><TagSet>%s</TagSet></Tagging>" % "".join("<Tag><Key>%s</Key><Value>%s</Value></Tag>" % (escape(k), escape(v)) for k, v in tags.items()), "application/xml")
        return self.error(400, "InvalidRequest", op)

    def sns(self, op, region, form, size):
        e = self.estate
        topics = e.of("AWS::SNS::Topic", region)
        if op == "ListTopics":
            items, nt = page([{"TopicArn": t["id"]} for t in topics], form.get("NextToken"), size)
            return self.query_ok(op, xml("Topics", items, "query") + (xml("NextToken", nt, "query") if nt else ""))
        t = [x for x in topics if x["id"] == form.get("TopicArn", form.get("ResourceArn"))]
        if not t:
            return self.error(404, "NotFound", "Topic does not exist")
        t = t[0]
        if op == "GetTopicAttributes":
            return self.query_ok(op, xml("Attributes", t["configuration"]["Attributes"], "query"))
        if op == "ListTagsForResource":
            return self.query_ok(op, xml("Tags", [{"Key": k, "Value": v} for k, v in (t.get("tags") or {}).items()], "query"))
        if op == "ListSubscriptionsByTopic":
            items, nt = page(t["supplementaryConfiguration"]["Subscriptions"], form.get("NextToken"), size)
            return self.query_ok(op, xml("Subscriptions", items, "query") + (xml("NextToken", nt, "query") if nt else ""))
        return self.error(400, "InvalidAction", op)

    def json11(self, service, op, region, req, size):
        e = self.estate
        if service == "cloudtrail":
            # A trail answers its status and selectors in its home region
            # only; DescribeTrails lists it there and, as a shadow trail
            # (includeShadowTrails, true unless sent false), in every other
            # region when it is multi-region; an organization trail (another
            # account's ARN) is listed in a member account as a shadow only.
            every = self.server.scenario.get("trails", e.of("AWS::CloudTrail::Trail"))
            trails = [t for t in every if t.get("region") == region]
            if op == "DescribeTrails":
                shadows = req.get("includeShadowTrails", True) is not False
                def listed(t):
                    own = t["arn"].split(":")[4] == e.account
                    if t.get("region") == region:
                        return own or shadows
                    return shadows and t["configuration"].get("IsMultiRegionTrail") is True
                return self.json_ok({"trailList": [t["configuration"] for t in every if listed(t)]})
            t = [x for x in trails if x["arn"] in (req.get("Name"), req.get("TrailName")) or [x["arn"]] == req.get("ResourceIdList")]
            if not t:
                return self.error(400, "TrailNotFoundException", "Unknown trail")
            s = t[0].get("supplementaryConfiguration") or {}
            if op == "GetTrailStatus":
                return self.json_ok(s.get("TrailStatus", {}))
            if op == "GetEventSelectors":
                out = {"TrailARN": t[0]["arn"]}
                for k in ("EventSelectors", "AdvancedEventSelectors"):
                    if k in s:
                        out[k] = s[k]
                return self.json_ok(out)
            if op == "ListTags":
                return self.json_ok({"ResourceTagList": [{"ResourceId": t[0]["arn"], "TagsList": [{"Key": k, "Value": v} for k, v in (t[0].get("tags") or {}).items()]}]})
        if service == "kms":
            keys = e.of("AWS::KMS::Key", region)
            if op == "ListAliases":
                al = [{"AliasName": a, "AliasArn": "arn:aws:kms:%s:%s:%s" % (region, e.account, a), "TargetKeyId": k["id"]}
                      for k in keys for a in (k.get("supplementaryConfiguration") or {}).get("Aliases", [])]
                items, nt = page(al, req.get("Marker"), size)
                return self.json_ok(dict({"Aliases": items, "Truncated": bool(nt)}, **({"NextMarker": nt} if nt else {})))
            if op == "ListKeys":
                items, nt = page([{"KeyId": k["id"], "KeyArn": k["configuration"].get("Arn", "")} for k in keys], req.get("Marker"), size)
                return self.json_ok(dict({"Keys": items, "Truncated": bool(nt)}, **({"NextMarker": nt} if nt else {})))
            k = [x for x in keys if x["id"] == req.get("KeyId")]
            if not k:
                return self.error(400, "NotFoundException", "no key")
            k = k[0]
            s = k.get("supplementaryConfiguration") or {}
            if op == "DescribeKey":
                return self.json_ok({"KeyMetadata": k["configuration"]})
            if op == "GetKeyRotationStatus":
                if "KeyRotationEnabled" not in s:
                    return self.error(400, "UnsupportedOperationException", "not supported")
                out = {"KeyRotationEnabled": s["KeyRotationEnabled"]}
                if "RotationPeriodInDays" in s:
                    out["RotationPeriodInDays"] = s["RotationPeriodInDays"]
                return self.json_ok(out)
            if op == "ListResourceTags":
                return self.json_ok({"Tags": [{"TagKey": a, "TagValue": b} for a, b in (k.get("tags") or {}).items()], "Truncated": False})
            if op == "GetKeyPolicy":
                return self.json_ok({"Policy": json.dumps(s.get("KeyPolicy", {})), "PolicyName": "default"})
        if service == "config":
            r = e.one("AWS::Config::RecorderStatus", region)
            conf = r["configuration"] if r else {"ConfigurationRecorders": [], "ConfigurationRecordersStatus": []}
            if op == "DescribeConfigurationRecorders":
                return self.json_ok({"ConfigurationRecorders": conf["ConfigurationRecorders"]})
            if op == "DescribeConfigurationRecorderStatus":
                return self.json_ok({"ConfigurationRecordersStatus": conf["ConfigurationRecordersStatus"]})
        if service == "logs":
            if op == "DescribeLogGroups":
                items, nt = page([r["configuration"] for r in e.of("AWS::Logs::LogGroup", region)], req.get("nextToken"), size)
                return self.send(200, json.dumps(dict({"logGroups": items}, **({"nextToken": nt} if nt else {}))), "application/x-amz-json-1.1")
            if op == "DescribeMetricFilters":
                items, nt = page([r["configuration"] for r in e.of("AWS::Logs::MetricFilter", region)], req.get("nextToken"), size)
                return self.send(200, json.dumps(dict({"metricFilters": items}, **({"nextToken": nt} if nt else {}))), "application/x-amz-json-1.1")
        return self.error(400, "UnknownOperationException", op)

def s3_operation(path, q):
    if path.startswith("/v20180820/configuration/publicAccessBlock"):
        return "GetAccountPublicAccessBlock"
    if path in ("", "/"):
        return "ListBuckets"
    for sub, op in (("location", "GetBucketLocation"), ("policy", "GetBucketPolicy"),
                    ("publicAccessBlock", "GetPublicAccessBlock"), ("encryption", "GetBucketEncryption"),
                    ("versioning", "GetBucketVersioning"), ("logging", "GetBucketLogging"),
                    ("acl", "GetBucketAcl"), ("object-lock", "GetObjectLockConfiguration"), ("ownershipControls", "GetBucketOwnershipControls"),
                    ("tagging", "GetBucketTagging")):
        if sub in q:
            return op
    return "ListObjects"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--estate", required=True)
    ap.add_argument("--account", default="210987654321")
    ap.add_argument("--scenario")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.estate) as f:
        names = [(a["id"], a.get("name", a["id"])) for a in json.load(f).get("accounts") or []]
    if args.account not in [a for a, _ in names]:
        names.insert(0, (args.account, args.account))
    server.caller = args.account
    server.estates = {a: Estate(args.estate, a) for a, _ in names}
    server.org_accounts = [(a, n, "ACTIVE") for a, n in names] + ORG_EXTRA
    server.estate = server.estates[args.account]
    server.scenario = json.load(open(args.scenario)) if args.scenario else {}
    for r in server.scenario.get("extra_resources", []):
        server.estates[r["account"]].res.setdefault(r["type"], []).append(r)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()

if __name__ == "__main__":
    main()
