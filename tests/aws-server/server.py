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
               malformed|deny|notimpl|sametoken|echo", "times": 2, "ms": 3000,
               "account": "345678901234"}],  # account: of the request's key
   "report_polls": 1,               # GenerateCredentialReport STARTED answers
   "trails": [{...}],               # CloudTrail trails (native records) of
                                    # every account, instead of the estate's
   "guessed_wire_names": true,      # query answers keep the handlers' element
                                    # names (else: the models', see wire.py)
   "extra_resources": [{...}]}      # native records added to their account's
Binds 127.0.0.1 on a free port and prints "PORT <n>" on stdout.

For attest watch it is also an SQS queue service, an SNS topic that
records what is published (--published FILE gets each as a JSON line) and
an S3 object store (handlers_messaging.py, queue state in sqs_queues.py;
scenario "s3_objects": {"bucket/key": text}); and tests change the served
estate while it runs through the loopback control endpoint /_control/...
(control.py: put, patch or delete a resource, create a queue, send a
message, put an object, read back the published messages and the requests
counted per service, operation and region).

One helper per concern, shared by this file and the handler modules
(handlers_compute.py, handlers_data.py): sigv4verify.py checks signatures,
records.py holds the estate and its record helpers (supp, tag_list),
answers.py writes every response and error document, paging.py cuts pages
and builds paged JSON answers, xmlwire.py is the one XML serializer (query,
EC2 and CloudFront styles, scalars), jsonwire.py the JSON content types and
epoch timestamps, wire.py the service models' element names.
"""
import argparse, base64, json, secrets, sys, threading, time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import control  # the test's control endpoint
import handlers_data  # data-store services (RDS clusters, DynamoDB, ...)
import handlers_compute  # compute, network, edge, detection and AI services
import handlers_messaging  # SQS messages, SNS Publish, S3 GetObject
from answers import Answers
from jsonwire import REST_JSON
from paging import TOKEN_PARAMS, page, paged
from records import Estate, tag_list
from sigv4verify import TEMP_KEYS, verify
from sqs_queues import Queues
from xmlwire import Ec2, Query, element, paged_xml, to_xml

# The organization's accounts besides the estate's: (id, name, status);
# the sandbox's role cannot be assumed.
SANDBOX = "999999999999"
ORG_EXTRA = [(SANDBOX, "sandbox", "ACTIVE"), ("888888888888", "closed", "SUSPENDED")]
TIME_KEYS = {"CreationDate", "DeletionDate", "ValidTo", "LatestDeliveryTime",
             "LatestNotificationTime", "StartLoggingTime", "StopLoggingTime",
             "LatestCloudWatchLogsDeliveryTime", "LatestDigestDeliveryTime",
             "TimeLoggingStarted", "TimeLoggingStopped", "lastStartTime", "lastStopTime",
             "lastStatusChangeTime", "CreationTime"}

# ---- element names of the query and EC2 answers ------------------------

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

EC2 = Ec2(table=EC2_WIRE)
RDS = Query(RDS_MEMBERS)
S3_BUCKETS = Query({"Buckets": "Bucket"})

def iam_truncated(token):
    """IAM's end of a listing page: IsTruncated, and the next page's Marker."""
    return to_xml("IsTruncated", bool(token)) + (to_xml("Marker", token) if token else "")

def iam_page(key, items, token):
    return to_xml(key, items) + iam_truncated(token)

def quote_doc(doc):
    return urllib.parse.quote(json.dumps(doc), safe="")

# ---- the server ---------------------------------------------------------

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

class Handler(Answers, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle and
    # the client's delayed ACK add ~40 ms to every answer.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def request_id(self):
        return "req-%d" % State.calls

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
        self.proto = "query"
        self.fault = None
        if self.path.startswith("/_control/"):  # the test's, not AWS's: never late
            return control.handle(self, body, State.lock, State.counts)
        if sc.get("latency_ms"):
            time.sleep(sc["latency_ms"] / 1000.0)
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
            if kind == "echo":
                # an error quoting the request's credentials: clients must
                # not pass it on
                return self.error(400, "UnrecognizedClientException", "the token '%s' of %s is not valid"
                                  % (self.headers.get("X-Amz-Security-Token"), self.headers.get("Authorization", "")[:60]))
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
        if handlers_messaging.route(self, service, op, region, form, q, body, path):
            return
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
            return self.query_ok(op, paged_xml("MetricAlarms", items, "NextToken", tok))
        if service == "rds" and op == "DescribeDBParameters":
            db = [r for r in e.of("AWS::RDS::DBInstance", region)
                  if r["configuration"]["DBParameterGroups"][0]["DBParameterGroupName"] == form.get("DBParameterGroupName")]
            if not db:
                return self.error(404, "DBParameterGroupNotFound", "no such group")
            noise = [{"ParameterName": "max_connections", "ParameterValue": "100", "Source": "engine-default", "ApplyType": "dynamic", "IsModifiable": True},
                     {"ParameterName": "log_statement", "Source": "engine-default", "ApplyType": "dynamic", "IsModifiable": True}]
            params = noise + (db[0].get("supplementaryConfiguration") or {}).get("DBParameters", []) + noise
            items, tok = page(params, form.get("Marker"), size)
            return self.query_ok(op, paged_xml("Parameters", items, "Marker", tok, RDS))
        if service == "rds" and op == "DescribeDBInstances":
            items, tok = page([r["configuration"] for r in e.of("AWS::RDS::DBInstance", region)], form.get("Marker"), size)
            return self.query_ok(op, paged_xml("DBInstances", items, "Marker", tok, RDS))
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
                return self.json({"BackupPolicy": sup["BackupPolicy"]}, times=TIME_KEYS)
            if sup.get("FileSystemPolicy") is None:
                return self.error(404, "PolicyNotFound", "no policy")
            return self.json({"FileSystemId": fs[0]["id"], "Policy": json.dumps(sup["FileSystemPolicy"])}, times=TIME_KEYS)
        if service == "elasticfilesystem":
            items, tok = page([r["configuration"] for r in e.of("AWS::EFS::FileSystem", region)], q.get("Marker"), size)
            return self.json(paged("FileSystems", items, "NextMarker", tok), times=TIME_KEYS)
        if service == "securityhub":
            hub = e.one("AWS::SecurityHub::HubStatus", region)
            if not hub or not hub["configuration"].get("Enabled"):
                return self.error(400, "InvalidAccessException", "Account is not subscribed to AWS Security Hub")
            return self.json({k: v for k, v in hub["configuration"].items() if k != "Enabled"}, REST_JSON)
        if service == "access-analyzer":
            items, tok = page([r["configuration"] for r in e.of("AWS::AccessAnalyzer::Analyzer", region)], q.get("nextToken"), size)
            return self.json(paged("analyzers", items, "nextToken", tok), REST_JSON)
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
        return self.json(paged("Accounts", items, "NextToken", nt))

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
            return self.query_ok(op, to_xml("Regions", regs, EC2))
        if op == "DescribeInstances":
            items, nt = page([r["configuration"] for r in e.of("AWS::EC2::Instance", region)], tok, size)
            res = [{"ReservationId": "r-%d" % i, "OwnerId": e.account, "Groups": [], "Instances": [it]} for i, it in enumerate(items)]
            return self.query_ok(op, paged_xml("Reservations", res, "NextToken", nt, EC2))
        if op in lists:
            t, key = lists[op]
            items, nt = page([r["configuration"] for r in e.of(t, region)], tok, size)
            return self.query_ok(op, paged_xml(key, items, "NextToken", nt, EC2))
        if op in ("GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId"):
            r = e.one("AWS::EC2::EBSEncryptionByDefault", region)
            conf = r["configuration"] if r else {"EbsEncryptionByDefault": False, "KmsKeyId": "alias/aws/ebs"}
            if op == "GetEbsEncryptionByDefault":
                return self.query_ok(op, to_xml("EbsEncryptionByDefault", conf.get("EbsEncryptionByDefault"), EC2))
            return self.query_ok(op, to_xml("KmsKeyId", conf.get("KmsKeyId"), EC2))
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
            inner = "".join(to_xml(k, groups.get(k, [])) for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))
            inner += iam_truncated(nt)
            return self.query_ok(op, inner)
        if op == "ListEntitiesForPolicy":
            p = [r for r in e.of("AWS::IAM::Policy") if r["id"] == form.get("PolicyArn")]
            if not p:
                return self.error(404, "NoSuchEntity", "no policy")
            s = p[0].get("supplementaryConfiguration") or {}
            inner = to_xml("PolicyGroups", [{"GroupName": n, "GroupId": "AGPA" + n} for n in s.get("PolicyGroups", [])])
            inner += to_xml("PolicyUsers", [{"UserName": n, "UserId": "AIDA" + n} for n in s.get("PolicyUsers", [])])
            inner += to_xml("PolicyRoles", [{"RoleName": n, "RoleId": "AROA" + n} for n in s.get("PolicyRoles", [])])
            return self.query_ok(op, inner + iam_truncated(None))
        if op == "GetAccountSummary":
            return self.query_ok(op, to_xml("SummaryMap", e.one("AWS::IAM::AccountSummary")["configuration"]["SummaryMap"]))
        if op == "ListVirtualMFADevices":
            s = e.one("AWS::IAM::AccountSummary")["supplementaryConfiguration"]["VirtualMFADevices"]
            items, nt = page(s, marker, size)
            return self.query_ok(op, iam_page("VirtualMFADevices", items, nt))
        if op == "GetAccountPasswordPolicy":
            r = e.one("AWS::IAM::AccountPasswordPolicy")
            if not r or r["configuration"] is None:
                return self.error(404, "NoSuchEntity", "The Password Policy with domain name %s cannot be found." % e.account)
            return self.query_ok(op, to_xml("PasswordPolicy", r["configuration"]))
        if op == "ListServerCertificates":
            items, nt = page([r["configuration"] for r in e.of("AWS::IAM::ServerCertificate")], marker, size)
            return self.query_ok(op, iam_page("ServerCertificateMetadataList", items, nt))
        if op == "ListAccountAliases":
            a = e.one("AWS::::Account")
            alias = a["configuration"].get("AccountAlias") if a else None
            return self.query_ok(op, to_xml("AccountAliases", [alias] if alias else []) + iam_truncated(None))
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
            return self.send(200, to_xml("PublicAccessBlockConfiguration", r["configuration"]), "application/xml")
        if op == "ListBuckets":
            bs = [{"Name": r["id"], "CreationDate": r["configuration"]["CreationDate"]} for r in e.of("AWS::S3::Bucket")]
            return self.send(200, '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner>%s</ListAllMyBucketsResult>'
                             % to_xml("Buckets", bs, S3_BUCKETS), "application/xml")
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
            return absent("NoSuchBucketPolicy") if s.get("BucketPolicy") is None else self.json(s["BucketPolicy"], REST_JSON)
        if op in S3_CONFIGS:
            key, code = S3_CONFIGS[op]
            v = s.get(key)
            if v is None:
                return absent(code)
            # Encryption and ownership rules are a flattened list of <Rule>.
            body = element(key, "".join(to_xml("Rule", r) for r in v["Rules"])) if "Rules" in v else to_xml(key, v)
            return self.send(200, body, "application/xml")
        if op == "GetBucketVersioning":
            v = dict(s.get("BucketVersioningConfiguration") or {})
            if "MFADelete" in v:
                v["MfaDelete"] = v.pop("MFADelete")
            return self.send(200, to_xml("VersioningConfiguration", v), "application/xml")
        if op == "GetBucketLogging":
            return self.send(200, to_xml("BucketLoggingStatus", s.get("BucketLoggingConfiguration") or {}), "application/xml")
        if op == "GetBucketAcl":
            acl = s.get("BucketAcl") or {"Owner": {"ID": "o"}, "Grants": []}
            grants = "".join('<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="%s">%s</Grantee>%s</Grant>'
                             % (g["Grantee"]["Type"], "".join(to_xml(k, v) for k, v in g["Grantee"].items() if k != "Type"), to_xml("Permission", g["Permission"]))
                             for g in acl["Grants"])
            return self.send(200, "<AccessControlPolicy>%s<AccessControlList>%s</AccessControlList></AccessControlPolicy>" % (to_xml("Owner", acl["Owner"]), grants), "application/xml")
        if op == "GetBucketTagging":
            tags = b.get("tags")
            if not tags:
                return absent("NoSuchTagSet")
            return self.send(200, "<Tagging><TagSet>%s</TagSet></Tagging>" % "".join(to_xml("Tag", t) for t in tag_list(b)), "application/xml")
        return self.error(400, "InvalidRequest", op)

    def sns(self, op, region, form, size):
        e = self.estate
        topics = e.of("AWS::SNS::Topic", region)
        if op == "ListTopics":
            items, nt = page([{"TopicArn": t["id"]} for t in topics], form.get("NextToken"), size)
            return self.query_ok(op, paged_xml("Topics", items, "NextToken", nt))
        t = [x for x in topics if x["id"] == form.get("TopicArn", form.get("ResourceArn"))]
        if not t:
            return self.error(404, "NotFound", "Topic does not exist")
        t = t[0]
        if op == "GetTopicAttributes":
            return self.query_ok(op, to_xml("Attributes", t["configuration"]["Attributes"]))
        if op == "ListTagsForResource":
            return self.query_ok(op, to_xml("Tags", tag_list(t)))
        if op == "ListSubscriptionsByTopic":
            items, nt = page(t["supplementaryConfiguration"]["Subscriptions"], form.get("NextToken"), size)
            return self.query_ok(op, paged_xml("Subscriptions", items, "NextToken", nt))
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
                return self.json({"trailList": [t["configuration"] for t in every if listed(t)]}, times=TIME_KEYS)
            t = [x for x in trails if x["arn"] in (req.get("Name"), req.get("TrailName")) or [x["arn"]] == req.get("ResourceIdList")]
            if not t:
                return self.error(400, "TrailNotFoundException", "Unknown trail")
            s = t[0].get("supplementaryConfiguration") or {}
            if op == "GetTrailStatus":
                return self.json(s.get("TrailStatus", {}), times=TIME_KEYS)
            if op == "GetEventSelectors":
                out = {"TrailARN": t[0]["arn"]}
                for k in ("EventSelectors", "AdvancedEventSelectors"):
                    if k in s:
                        out[k] = s[k]
                return self.json(out, times=TIME_KEYS)
            if op == "ListTags":
                return self.json({"ResourceTagList": [{"ResourceId": t[0]["arn"], "TagsList": tag_list(t[0])}]}, times=TIME_KEYS)
        if service == "kms":
            keys = e.of("AWS::KMS::Key", region)
            if op == "ListAliases":
                al = [{"AliasName": a, "AliasArn": "arn:aws:kms:%s:%s:%s" % (region, e.account, a), "TargetKeyId": k["id"]}
                      for k in keys for a in (k.get("supplementaryConfiguration") or {}).get("Aliases", [])]
                items, nt = page(al, req.get("Marker"), size)
                return self.json(paged("Aliases", items, "NextMarker", nt, Truncated=bool(nt)), times=TIME_KEYS)
            if op == "ListKeys":
                items, nt = page([{"KeyId": k["id"], "KeyArn": k["configuration"].get("Arn", "")} for k in keys], req.get("Marker"), size)
                return self.json(paged("Keys", items, "NextMarker", nt, Truncated=bool(nt)), times=TIME_KEYS)
            k = [x for x in keys if x["id"] == req.get("KeyId")]
            if not k:
                return self.error(400, "NotFoundException", "no key")
            k = k[0]
            s = k.get("supplementaryConfiguration") or {}
            if op == "DescribeKey":
                return self.json({"KeyMetadata": k["configuration"]}, times=TIME_KEYS)
            if op == "GetKeyRotationStatus":
                if "KeyRotationEnabled" not in s:
                    return self.error(400, "UnsupportedOperationException", "not supported")
                out = {"KeyRotationEnabled": s["KeyRotationEnabled"]}
                if "RotationPeriodInDays" in s:
                    out["RotationPeriodInDays"] = s["RotationPeriodInDays"]
                return self.json(out, times=TIME_KEYS)
            if op == "ListResourceTags":
                return self.json({"Tags": tag_list(k, "TagKey", "TagValue"), "Truncated": False}, times=TIME_KEYS)
            if op == "GetKeyPolicy":
                return self.json({"Policy": json.dumps(s.get("KeyPolicy", {})), "PolicyName": "default"}, times=TIME_KEYS)
        if service == "config":
            r = e.one("AWS::Config::RecorderStatus", region)
            conf = r["configuration"] if r else {"ConfigurationRecorders": [], "ConfigurationRecordersStatus": []}
            if op == "DescribeConfigurationRecorders":
                return self.json({"ConfigurationRecorders": conf["ConfigurationRecorders"]}, times=TIME_KEYS)
            if op == "DescribeConfigurationRecorderStatus":
                return self.json({"ConfigurationRecordersStatus": conf["ConfigurationRecordersStatus"]}, times=TIME_KEYS)
        if service == "logs":
            if op == "DescribeLogGroups":
                items, nt = page([r["configuration"] for r in e.of("AWS::Logs::LogGroup", region)], req.get("nextToken"), size)
                return self.json(paged("logGroups", items, "nextToken", nt))
            if op == "DescribeMetricFilters":
                items, nt = page([r["configuration"] for r in e.of("AWS::Logs::MetricFilter", region)], req.get("nextToken"), size)
                return self.json(paged("metricFilters", items, "nextToken", nt))
        return self.error(400, "UnknownOperationException", op)

# S3 bucket settings answered as stored: operation -> (supplementary key,
# which is also the document's root element; error code when not set).
S3_CONFIGS = {"GetPublicAccessBlock": ("PublicAccessBlockConfiguration", "NoSuchPublicAccessBlockConfiguration"),
              "GetBucketEncryption": ("ServerSideEncryptionConfiguration", "ServerSideEncryptionConfigurationNotFoundError"),
              "GetObjectLockConfiguration": ("ObjectLockConfiguration", "ObjectLockConfigurationNotFoundError"),
              "GetBucketOwnershipControls": ("OwnershipControls", "OwnershipControlsNotFoundError")}

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
    ap.add_argument("--published", help="append each SNS message published here, a JSON line each")
    args = ap.parse_args()
    # The collector opens up to 32 connections at once: with the default
    # listen backlog of 5, the kernel drops SYNs and every dropped one costs
    # a second or more of TCP retransmission (or a retry with back-off).
    ThreadingHTTPServer.request_queue_size = 128
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
    server.queues = Queues()
    server.published = []
    server.published_file = args.published
    server.objects = dict(server.scenario.get("s3_objects", {}))
    server.bucket_regions = dict(server.scenario.get("s3_bucket_regions", {}))
    for r in server.scenario.get("extra_resources", []):
        server.estates[r["account"]].res.setdefault(r["type"], []).append(r)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()

if __name__ == "__main__":
    main()
