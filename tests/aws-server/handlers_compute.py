"""Compute, network, edge, detection and AI services of the loopback AWS test
server (server.py): EC2 snapshots, AMIs, VPC endpoints, subnets and transit
gateways; classic and v2 Elastic Load Balancing; CloudFront; API Gateway (v1
and v2); Lambda; ECS; EKS; GuardDuty; Security Hub standards; WAFv2;
SageMaker; Bedrock and Bedrock agents. Each answers from the estate's
resources in the service's own wire format (query/EC2 XML, REST-XML,
JSON 1.1, REST-JSON with camelCase names where the service has them), with
pagination driven by the scenario's page_size.

classify() names the operation of a REST request; route() answers it and
returns True, or returns False for a request that is not one of these.
"""
import json
import urllib.parse
from xml.sax.saxutils import escape

from jsonwire import REST_JSON
from paging import page, paged
from records import supp, tag_list
from xmlwire import CloudFront, Ec2, QUERY, lower_first, paged_xml, to_xml

def camel(v, maps=()):
    """API PascalCase members to the camelCase wire names (user maps kept)."""
    if isinstance(v, list):
        return [camel(x, maps) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k in maps and isinstance(x, dict):
                out[lower_first(k)] = {mk: camel(mv, maps) for mk, mv in x.items()}
            else:
                out[lower_first(k)] = camel(x, maps)
        return out
    return v

# ---- XML ----------------------------------------------------------------

def ec2x(key, value, renames):
    return to_xml(key, value, Ec2(renames))

def qx(key, value):
    return to_xml(key, value, QUERY)

CF_ITEM = {"Aliases": "CNAME", "Origins": "Origin", "CacheBehaviors": "CacheBehavior",
           "OriginSslProtocols": "SslProtocol", "AllowedMethods": "Method", "CachedMethods": "Method",
           "CustomErrorResponses": "CustomErrorResponse", "Headers": "Name", "Tags": "Tag",
           "OriginGroups": "OriginGroup", "LambdaFunctionAssociations": "LambdaFunctionAssociation",
           "FunctionAssociations": "FunctionAssociation", "Members": "OriginGroupMember"}

CLOUDFRONT = CloudFront(CF_ITEM)

def cfx(key, value, parent=None):
    return to_xml(key, value, CLOUDFRONT, parent)

# ---- classify -----------------------------------------------------------

def classify(service, method, path, q):
    """(proto, operation) of a REST request to one of these services, or None."""
    p = path.rstrip("/")
    if service == "cloudfront":
        if "/tagging" in path:
            return "query", "ListTagsForResource"
        return "query", "GetDistribution" if p.count("/") >= 3 else "ListDistributions"
    if service == "securityhub" and p == "/standards/get":
        return "restjson", "GetEnabledStandards"
    if service == "eks":
        return "restjson", "DescribeCluster" if p.count("/") >= 2 else "ListClusters"
    if service == "lambda":
        for suffix, op in (("/policy", "GetPolicy"), ("/urls", "ListFunctionUrlConfigs"),
                           ("/event-invoke-config", "GetFunctionEventInvokeConfig")):
            if p.endswith(suffix):
                return "restjson", op
        return "restjson", "ListTags" if "/tags/" in p else "ListFunctions"
    if service == "guardduty":
        if p.endswith("/findings/statistics"):
            return "restjson", "GetFindingsStatistics"
        return "restjson", "GetDetector" if p.count("/") >= 2 else "ListDetectors"
    if service == "apigateway":
        parts = p.split("/")
        if p.startswith("/v2/"):
            return "restjson", {3: "GetApis", 5: "GetRoutes" if p.endswith("/routes") else "GetStages"}.get(len(parts), "Unknown")
        if p == "/domainnames":
            return "restjson", "GetDomainNames"
        if p.endswith("/resources"):
            return "restjson", "GetResources"
        if p.endswith("/stages"):
            return "restjson", "GetStages"
        return "restjson", "GetRestApis"
    if service == "bedrock":
        if p == "/logging/modelinvocations":
            return "restjson", "GetModelInvocationLoggingConfiguration"
        if p == "/listTagsForResource":
            return "restjson", "ListTagsForResource"
        if p.startswith("/custom-models"):
            return "restjson", "GetCustomModel" if p.count("/") >= 2 else "ListCustomModels"
        if p.startswith("/guardrails"):
            return "restjson", "GetGuardrail" if p.count("/") >= 2 else "ListGuardrails"
        if p.startswith("/agents"):
            return "restjson", "GetAgent" if p.count("/") >= 2 else "ListAgents"
        if p.startswith("/tags/"):
            return "restjson", "ListAgentTags"
    return None

# ---- route --------------------------------------------------------------

def route(h, service, op, region, form, q, body, path):
    size = h.server.scenario.get("page_size", 1000)
    if service == "ec2" and op in EC2_OPS:
        EC2_OPS[op](h, op, region, form, size)
        return True
    if service == "elasticloadbalancing":
        (elbv2 if form.get("Version") == "2015-12-01" else elb)(h, op, region, form, size)
        return True
    fn = {"cloudfront": cloudfront, "wafv2": wafv2, "ecs": ecs, "eks": eks, "lambda": lam,
          "guardduty": guardduty, "sagemaker": sagemaker, "apigateway": apigateway,
          "bedrock": bedrock}.get(service)
    if service == "securityhub" and op == "GetEnabledStandards":
        fn = securityhub
    if not fn:
        return False
    req = {}
    if body and h.headers.get("Content-Type", "").startswith("application/"):
        try:
            req = json.loads(body)
        except ValueError:
            req = {}
    fn(h, op, region, req, q, path, size)
    return True

def ok(h, obj):
    h.json(obj, REST_JSON)

# -- EC2 --

EC2_KINDS = {
    "DescribeSnapshots": ("AWS::EC2::Snapshot", "Snapshots", "snapshotSet", {"State": "status", "Tags": "tagSet"}),
    "DescribeImages": ("AWS::EC2::Image", "Images", "imagesSet",
                       {"State": "imageState", "Public": "isPublic", "OwnerId": "imageOwnerId", "Tags": "tagSet",
                        "BlockDeviceMappings": "blockDeviceMapping"}),
    "DescribeVpcEndpoints": ("AWS::EC2::VPCEndpoint", "VpcEndpoints", "vpcEndpointSet",
                             {"RouteTableIds": "routeTableIdSet", "SubnetIds": "subnetIdSet", "Groups": "groupSet",
                              "DnsEntries": "dnsEntrySet", "NetworkInterfaceIds": "networkInterfaceIdSet",
                              "Tags": "tagSet"}),
    "DescribeSubnets": ("AWS::EC2::Subnet", "Subnets", "subnetSet", {"Tags": "tagSet"}),
    "DescribeTransitGateways": ("AWS::EC2::TransitGateway", "TransitGateways", "transitGatewaySet", {"Tags": "tagSet"}),
}

def ec2_list(h, op, region, form, size):
    t, key, wire_list, wire = EC2_KINDS[op]
    e = h.estate
    if op in ("DescribeSnapshots", "DescribeImages") and form.get("Owner.1") != "self":
        return h.error(400, "InvalidParameterCombination", "the test server lists owned resources only")
    items = []
    for r in e.of(t, region):
        c = dict(r["configuration"])
        if r.get("tags") and "Tags" not in c:
            c["Tags"] = tag_list(r)
        if t == "AWS::EC2::VPCEndpoint" and isinstance(c.get("PolicyDocument"), dict):
            c["PolicyDocument"] = json.dumps(c["PolicyDocument"])
        items.append(c)
    chunk, nt = page(items, form.get("NextToken"), size)
    w = dict(wire)
    w[key] = wire_list
    h.query_ok(op, paged_xml(key, chunk, "NextToken", nt, Ec2(w)))

def ec2_snapshot_attribute(h, op, region, form, size):
    e = h.estate
    s = [r for r in e.of("AWS::EC2::Snapshot", region) if r["id"] == form.get("SnapshotId")]
    if not s:
        return h.error(400, "InvalidSnapshot.NotFound", "The snapshot '%s' does not exist." % form.get("SnapshotId"))
    if form.get("Attribute") != "createVolumePermission":
        return h.error(400, "InvalidParameterValue", "attribute")
    perms = supp(s[0]).get("CreateVolumePermissions", [])
    h.query_ok(op, "<snapshotId>%s</snapshotId>%s" % (s[0]["id"], ec2x("CreateVolumePermissions", perms,
                                                                   {"CreateVolumePermissions": "createVolumePermission"})))

EC2_OPS = dict({op: ec2_list for op in EC2_KINDS}, DescribeSnapshotAttribute=ec2_snapshot_attribute)

# -- ELB --

ELB_NS = "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/"
ELBV2_NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"

def elb(h, op, region, form, size):
    e = h.estate
    lbs = e.of("AWS::ElasticLoadBalancing::LoadBalancer", region)
    if op == "DescribeLoadBalancers":
        chunk, nt = page([r["configuration"] for r in lbs], form.get("Marker"), size)
        return h.query_ok(op, paged_xml("LoadBalancerDescriptions", chunk, "NextMarker", nt), ELB_NS)
    name = form.get("LoadBalancerName", form.get("LoadBalancerNames.member.1"))
    lb = [r for r in lbs if r["id"] == name]
    if not lb:
        return h.error(400, "LoadBalancerNotFound", "There is no ACTIVE Load Balancer named '%s'" % name)
    s = supp(lb[0])
    if op == "DescribeLoadBalancerAttributes":
        return h.query_ok(op, qx("LoadBalancerAttributes", s.get("LoadBalancerAttributes", {})), ELB_NS)
    if op == "DescribeLoadBalancerPolicies":
        return h.query_ok(op, qx("PolicyDescriptions", s.get("PolicyDescriptions", [])), ELB_NS)
    if op == "DescribeTags":
        return h.query_ok(op, qx("TagDescriptions", [{"LoadBalancerName": name, "Tags": tag_list(lb[0])}]), ELB_NS)
    h.error(400, "InvalidAction", op)

def elbv2(h, op, region, form, size):
    e = h.estate
    lbs = e.of("AWS::ElasticLoadBalancingV2::LoadBalancer", region)
    if op == "DescribeLoadBalancers":
        chunk, nt = page([r["configuration"] for r in lbs], form.get("Marker"), size)
        return h.query_ok(op, paged_xml("LoadBalancers", chunk, "NextMarker", nt), ELBV2_NS)
    if op == "DescribeListeners":
        ls = [r["configuration"] for r in e.of("AWS::ElasticLoadBalancingV2::Listener", region)
              if r["configuration"].get("LoadBalancerArn") == form.get("LoadBalancerArn")]
        chunk, nt = page(ls, form.get("Marker"), size)
        return h.query_ok(op, paged_xml("Listeners", chunk, "NextMarker", nt), ELBV2_NS)
    arn = form.get("LoadBalancerArn", form.get("ResourceArns.member.1"))
    lb = [r for r in lbs if r["id"] == arn]
    if not lb:
        return h.error(400, "LoadBalancerNotFound", "One or more load balancers not found")
    s = supp(lb[0])
    if op == "DescribeLoadBalancerAttributes":
        return h.query_ok(op, qx("Attributes", s.get("LoadBalancerAttributes", [])), ELBV2_NS)
    if op == "DescribeTags":
        return h.query_ok(op, qx("TagDescriptions", [{"ResourceArn": arn, "Tags": tag_list(lb[0])}]), ELBV2_NS)
    h.error(400, "InvalidAction", op)

# -- CloudFront --

def cloudfront(h, op, region, req, q, path, size):
    e = h.estate
    ds = e.of("AWS::CloudFront::Distribution")
    if op == "ListDistributions":
        summ = [{"Id": r["id"], "ARN": r["configuration"]["ARN"], "Status": r["configuration"]["Status"],
                 "DomainName": r["configuration"]["DomainName"]} for r in ds]
        chunk, nt = page(summ, q.get("Marker"), size)
        inner = "<Marker>%s</Marker><MaxItems>%d</MaxItems><IsTruncated>%s</IsTruncated><Quantity>%d</Quantity>" % (
            escape(q.get("Marker", "")), size, "true" if nt else "false", len(chunk))
        if nt:
            inner += "<NextMarker>%s</NextMarker>" % nt
        inner += "<Items>%s</Items>" % "".join(cfx("DistributionSummary", s) for s in chunk)
        return h.send(200, '<DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">%s</DistributionList>' % inner, "text/xml")
    if op == "ListTagsForResource":
        d = [r for r in ds if r["configuration"]["ARN"] == q.get("Resource")]
        if not d:
            return h.error(404, "NoSuchResource", "no such resource")
        return h.send(200, "<Tags>%s</Tags>" % cfx("Items", tag_list(d[0]), "Tags"), "text/xml")
    d = [r for r in ds if r["id"] == urllib.parse.unquote(path.rstrip("/").split("/")[-1])]
    if not d:
        return h.error(404, "NoSuchDistribution", "The specified distribution does not exist.")
    body = "".join(cfx(k, v) for k, v in d[0]["configuration"].items())
    h.send(200, '<Distribution xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">%s</Distribution>' % body, "text/xml",
           {"ETag": "E1"})

# -- WAFv2 --

def acl_by_arn(e, arn):
    for r in e.of("AWS::WAFv2::WebACL"):
        if r["id"] == arn:
            return r
    return None

def wafv2(h, op, region, req, q, path, size):
    e = h.estate
    if op == "ListWebACLs":
        glob = req.get("Scope") == "CLOUDFRONT"
        acls = [r for r in e.of("AWS::WAFv2::WebACL", region) if (":global/" in r["id"]) == glob]
        summ = [{"Name": r["configuration"]["Name"], "Id": r["configuration"]["Id"], "ARN": r["id"],
                 "LockToken": "lock-" + r["configuration"]["Id"][:8]} for r in acls]
        chunk, nt = page(summ, req.get("NextMarker"), size)
        return ok(h, paged("WebACLs", chunk, "NextMarker", nt))
    if op == "GetWebACLForResource":
        arn = req.get("ResourceArn")
        lbs = [r for r in e.of("AWS::ElasticLoadBalancingV2::LoadBalancer", region) if r["id"] == arn]
        if not lbs:
            return h.error(400, "WAFNonexistentItemException", "resource not found")
        acl = supp(lbs[0]).get("WebACLArn")
        if not acl:
            return ok(h, {})
        r = acl_by_arn(e, acl)
        return ok(h, {"WebACL": r["configuration"] if r else {"ARN": acl, "Name": acl.split("/")[-2]}})
    arn = req.get("ResourceArn", req.get("ResourceARN"))
    if op == "GetWebACL":
        rs = [r for r in e.of("AWS::WAFv2::WebACL", region) if r["configuration"]["Id"] == req.get("Id")]
        r = rs[0] if rs else None
    else:
        r = acl_by_arn(e, arn)
    if not r:
        return h.error(400, "WAFNonexistentItemException", "web ACL not found")
    if op == "GetWebACL":
        return ok(h, {"WebACL": r["configuration"], "LockToken": "lock"})
    if op == "GetLoggingConfiguration":
        lc = supp(r).get("LoggingConfiguration")
        if lc is None:
            return h.error(400, "WAFNonexistentItemException", "no logging configuration")
        return ok(h, {"LoggingConfiguration": lc})
    if op == "ListTagsForResource":
        return ok(h, {"TagInfoForResource": {"ResourceARN": arn, "TagList": tag_list(r)}})
    h.error(400, "UnknownOperationException", op)

# -- ECS --

def ecs(h, op, region, req, q, path, size):
    e = h.estate
    tds = e.of("AWS::ECS::TaskDefinition", region)
    cls = e.of("AWS::ECS::Cluster", region)
    if op == "ListTaskDefinitions":
        st = req.get("status", "ACTIVE")
        arns = [r["configuration"]["taskDefinitionArn"] for r in tds if r["configuration"].get("status") == st]
        chunk, nt = page(arns, req.get("nextToken"), size)
        return ok(h, paged("taskDefinitionArns", chunk, "nextToken", nt))
    if op == "DescribeTaskDefinition":
        t = [r for r in tds if r["configuration"]["taskDefinitionArn"] == req.get("taskDefinition")]
        if not t:
            return h.error(400, "ClientException", "Unable to describe task definition.")
        out = {"taskDefinition": t[0]["configuration"]}
        if "TAGS" in req.get("include", []):
            out["tags"] = tag_list(t[0], "key", "value")
        return ok(h, out)
    if op == "ListClusters":
        chunk, nt = page([r["arn"] for r in cls], req.get("nextToken"), size)
        return ok(h, paged("clusterArns", chunk, "nextToken", nt))
    if op == "DescribeClusters":
        out, fails = [], []
        for a in req.get("clusters", []):
            c = [r for r in cls if r["arn"] == a]
            if not c:
                fails.append({"arn": a, "reason": "MISSING"})
                continue
            conf = dict(c[0]["configuration"])
            if "TAGS" in req.get("include", []) and c[0].get("tags"):
                conf["tags"] = tag_list(c[0], "key", "value")
            out.append(conf)
        return ok(h, {"clusters": out, "failures": fails})
    h.error(400, "UnknownOperationException", op)

# -- EKS --

def eks(h, op, region, req, q, path, size):
    e = h.estate
    cls = e.of("AWS::EKS::Cluster", region)
    if op == "ListClusters":
        chunk, nt = page([r["id"] for r in cls], q.get("nextToken"), size)
        return ok(h, paged("clusters", chunk, "nextToken", nt))
    c = [r for r in cls if r["id"] == urllib.parse.unquote(path.rstrip("/").split("/")[-1])]
    if not c:
        return h.error(404, "ResourceNotFoundException", "No cluster found")
    conf = dict(c[0]["configuration"])
    if c[0].get("tags"):
        conf["tags"] = c[0]["tags"]
    ok(h, {"cluster": conf})

# -- Lambda --

def lam(h, op, region, req, q, path, size):
    e = h.estate
    fns = e.of("AWS::Lambda::Function", region)
    if op == "ListFunctions":
        chunk, nt = page([r["configuration"] for r in fns], q.get("Marker"), size)
        return ok(h, paged("Functions", chunk, "NextMarker", nt))
    parts = [urllib.parse.unquote(x) for x in path.rstrip("/").split("/")]
    key = parts[3] if len(parts) > 3 else ""
    f = [r for r in fns if key in (r["id"], r["arn"])]
    if not f:
        return h.error(404, "ResourceNotFoundException", "Function not found: %s" % key)
    s = supp(f[0])
    if op == "ListTags":
        return ok(h, {"Tags": f[0].get("tags") or {}})
    if op == "GetPolicy":
        if s.get("Policy") is None:
            return h.error(404, "ResourceNotFoundException", "The resource you requested does not exist.")
        return ok(h, {"Policy": json.dumps(s["Policy"]), "RevisionId": "rev-1"})
    if op == "ListFunctionUrlConfigs":
        return ok(h, {"FunctionUrlConfigs": s.get("FunctionUrlConfigs", [])})
    if op == "GetFunctionEventInvokeConfig":
        if s.get("EventInvokeConfig") is None:
            return h.error(404, "ResourceNotFoundException", "The function has no configuration.")
        return ok(h, s["EventInvokeConfig"])
    h.error(400, "UnknownOperationException", op)

# -- GuardDuty --

def guardduty(h, op, region, req, q, path, size):
    e = h.estate
    st = e.one("AWS::GuardDuty::DetectorStatus", region)
    conf = st["configuration"] if st else {"DetectorId": None}
    did = conf.get("DetectorId")
    if op == "ListDetectors":
        return ok(h, {"detectorIds": [did] if did else []})
    if not did or path.split("/")[2] != did:
        return h.error(400, "BadRequestException", "The request is rejected because the input detectorId is not owned by the current account.")
    if op == "GetDetector":
        d = {k: v for k, v in conf.items() if k not in ("DetectorId", "FindingStatistics")}
        return ok(h, camel(d))
    if op == "GetFindingsStatistics":
        crit = (req.get("findingCriteria") or {}).get("criterion", {})
        if req.get("findingStatisticTypes") != ["COUNT_BY_SEVERITY"] or crit.get("service.archived") != {"eq": ["false"]}:
            return h.error(400, "BadRequestException", "unexpected statistics request")
        return ok(h, {"findingStatistics": camel(conf.get("FindingStatistics") or {"CountBySeverity": {}}, ("CountBySeverity",))})
    h.error(400, "BadRequestException", op)

# -- Security Hub standards --

def securityhub(h, op, region, req, q, path, size):
    e = h.estate
    hub = e.one("AWS::SecurityHub::HubStatus", region)
    if not hub or not hub["configuration"].get("Enabled"):
        return h.error(400, "InvalidAccessException", "Account is not subscribed to AWS Security Hub")
    chunk, nt = page([r["configuration"] for r in e.of("AWS::SecurityHub::StandardsSubscription", region)],
                     req.get("NextToken"), size)
    ok(h, paged("StandardsSubscriptions", chunk, "NextToken", nt))

# -- SageMaker --

SAGE = {"NotebookInstance": ("AWS::SageMaker::NotebookInstance", "NotebookInstances", "NotebookInstanceName", "NotebookInstanceArn"),
        "EndpointConfig": ("AWS::SageMaker::EndpointConfig", "EndpointConfigs", "EndpointConfigName", "EndpointConfigArn"),
        "Model": ("AWS::SageMaker::Model", "Models", "ModelName", "ModelArn")}

def sagemaker(h, op, region, req, q, path, size):
    e = h.estate
    if op == "ListTags":
        for t, _, _, _ in SAGE.values():
            for r in e.of(t, region):
                if r["arn"] == req.get("ResourceArn"):
                    return ok(h, {"Tags": tag_list(r)})
        return h.error(400, "ValidationException", "resource not found")
    for kind, (t, lkey, nkey, akey) in SAGE.items():
        rs = e.of(t, region)
        if op == "List" + lkey:
            summ = [{nkey: r["configuration"][nkey], akey: r["configuration"][akey],
                     "CreationTime": r["configuration"].get("CreationTime")} for r in rs]
            chunk, nt = page(summ, req.get("NextToken"), size)
            return ok(h, paged(lkey, chunk, "NextToken", nt))
        if op == "Describe" + kind:
            r = [x for x in rs if x["id"] == req.get(nkey)]
            if not r:
                return h.error(400, "ValidationException", "Could not find %s \"%s\"." % (kind, req.get(nkey)))
            return ok(h, r[0]["configuration"])
    h.error(400, "UnknownOperationException", op)

# -- API Gateway --

V2_MAPS = ("Tags", "StageVariables", "RouteSettings", "RequestParameters", "RequestModels", "ResponseParameters")

def apigateway(h, op, region, req, q, path, size):
    e = h.estate
    parts = [urllib.parse.unquote(x) for x in path.rstrip("/").split("/")]
    if op == "GetRestApis":
        items = [dict(r["configuration"], **({"tags": r["tags"]} if r.get("tags") else {})) for r in e.of("AWS::ApiGateway::RestApi", region)]
        chunk, nt = page(items, q.get("position"), size)
        return ok(h, paged("item", chunk, "position", nt))
    if op == "GetDomainNames":
        items = [dict(r["configuration"], **({"tags": r["tags"]} if r.get("tags") else {})) for r in e.of("AWS::ApiGateway::DomainName", region)]
        chunk, nt = page(items, q.get("position"), size)
        return ok(h, paged("item", chunk, "position", nt))
    if op == "GetApis":
        items = [camel(dict(r["configuration"], **({"Tags": r["tags"]} if r.get("tags") else {})), V2_MAPS)
                 for r in e.of("AWS::ApiGatewayV2::Api", region)]
        chunk, nt = page(items, q.get("nextToken"), size)
        return ok(h, paged("items", chunk, "nextToken", nt))
    if path.startswith("/v2/"):
        api = [r for r in e.of("AWS::ApiGatewayV2::Api", region) if r["id"] == parts[3]]
        if not api:
            return h.error(404, "NotFoundException", "Invalid API identifier specified")
        if op == "GetRoutes":
            items = camel(supp(api[0]).get("Routes", []), V2_MAPS)
        else:
            items = [camel(dict(r["configuration"], **({"Tags": r["tags"]} if r.get("tags") else {})), V2_MAPS)
                     for r in e.of("AWS::ApiGatewayV2::Stage", region) if r["configuration"]["ApiId"] == parts[3]]
        chunk, nt = page(items, q.get("nextToken"), size)
        return ok(h, paged("items", chunk, "nextToken", nt))
    api = [r for r in e.of("AWS::ApiGateway::RestApi", region) if r["id"] == parts[2]]
    if not api:
        return h.error(404, "NotFoundException", "Invalid API identifier specified")
    if op == "GetResources":
        if q.get("embed") != "methods":
            return h.error(400, "BadRequestException", "the test server answers embed=methods only")
        items = supp(api[0]).get("Resources", [])
        chunk, nt = page(items, q.get("position"), size)
        return ok(h, paged("item", chunk, "position", nt))
    st = [dict(r["configuration"], **({"tags": r["tags"]} if r.get("tags") else {}))
          for r in e.of("AWS::ApiGateway::Stage", region) if r["configuration"]["restApiId"] == parts[2]]
    ok(h, {"item": st})

# -- Bedrock --

def bedrock(h, op, region, req, q, path, size):
    e = h.estate
    if op == "GetModelInvocationLoggingConfiguration":
        st = e.one("AWS::Bedrock::ModelInvocationLoggingStatus", region)
        cfg = st["configuration"].get("loggingConfig") if st else None
        return ok(h, {"loggingConfig": cfg} if cfg else {})
    models = e.of("AWS::Bedrock::CustomModel", region)
    grs = e.of("AWS::Bedrock::Guardrail", region)
    agents = e.of("AWS::Bedrock::Agent", region)
    if op == "ListCustomModels":
        summ = [{k: r["configuration"][k] for k in ("modelArn", "modelName", "baseModelArn", "creationTime") if k in r["configuration"]} for r in models]
        chunk, nt = page(summ, q.get("nextToken"), size)
        return ok(h, paged("modelSummaries", chunk, "nextToken", nt))
    if op == "ListGuardrails":
        summ = [{"id": r["id"], "arn": r["arn"], "name": r["configuration"]["name"], "status": r["configuration"]["status"],
                 "version": r["configuration"]["version"]} for r in grs]
        chunk, nt = page(summ, q.get("nextToken"), size)
        return ok(h, paged("guardrails", chunk, "nextToken", nt))
    if op == "ListAgents":
        summ = [{"agentId": r["id"], "agentName": r["configuration"]["agentName"], "agentStatus": r["configuration"]["agentStatus"]} for r in agents]
        chunk, nt = page(summ, req.get("nextToken"), size)
        return ok(h, paged("agentSummaries", chunk, "nextToken", nt))
    key = urllib.parse.unquote(path.rstrip("/").split("/", 2)[-1])
    if op == "ListTagsForResource":
        for r in models + grs:
            if r["arn"] == req.get("resourceARN"):
                return ok(h, {"tags": tag_list(r, "key", "value")})
        return h.error(404, "ResourceNotFoundException", "resource not found")
    if op == "ListAgentTags":
        for r in agents:
            if r["arn"] == key:
                return ok(h, {"tags": r.get("tags") or {}})
        return h.error(404, "ResourceNotFoundException", "resource not found")
    pool = {"GetCustomModel": models, "GetGuardrail": grs, "GetAgent": agents}.get(op, [])
    r = [x for x in pool if key in (x["id"], x.get("arn"))]
    if not r:
        return h.error(404, "ResourceNotFoundException", "%s: %s not found" % (op, key))
    ok(h, {"agent": r[0]["configuration"]} if op == "GetAgent" else r[0]["configuration"])
