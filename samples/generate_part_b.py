"""Compute, network, edge, detection and AI resources of the Northwind sample estate.

samples/generate-estate.py imports this module and calls add_resources(add, ctx)
after it has built the core estate (see the hook's comment there for the
contract). Everything here is deterministic: identifiers come from ctx["hexid"]
and ctx["uuid"] over stable names, times from ctx["when"].

The resources give every check in doc/checks-compute-network.md something to
judge in both accounts, with a believable mix of good and bad configuration.
The deliberate misconfigurations are listed in samples/README.md, section
"Compute, network, edge, detection and AI".
"""

USE1, EUW1 = "us-east-1", "eu-west-1"

# Internal state shared by the builders below; reset by add_resources().
S = {}


def _acct(env):
    return S["ctx"]["accounts"][env]


def _tags(env, app, owner, cc, name=None, **extra):
    return S["ctx"]["std_tags"](_acct(env), app, owner, cc, name=name, **extra)


def _res(rtype, rid, env, region, cfg, supp=None, arn=None, name=None, tags=None):
    r = {"type": rtype, "id": rid, "account": _acct(env), "region": region, "configuration": cfg}
    if supp is not None:
        r["supplementaryConfiguration"] = supp
    if arn:
        r["arn"] = arn
    if name:
        r["name"] = name
    if tags:
        r["tags"] = tags
    return S["add"](r)


def _key(env, region, alias):
    return S["ctx"]["kms_key_arn"](_acct(env), region, alias)


# --------------------------------------------------------------------------
# EC2 / VPC extras

SUBNET_PUBLIC_IP = {
    # (vpc key, subnet name): MapPublicIpOnLaunch
    ("prod-main", "public-a"): True,     # legacy: the SFTP host relied on it
    ("stg-main", "public-a"): True,
    ("stg-main", "public-b"): True,
}


def build_subnets():
    for key, env in (("prod-main", "prod"), ("prod-data", "prod"), ("prod-eu", "prod"), ("stg-main", "staging"),
                     ("stg-default-use1", "staging"), ("stg-default-euw1", "staging")):
        v = S["ctx"]["vpc"](key)
        for sname, sn in sorted(v["subnets"].items()):
            default = v.get("default", False)
            mp = True if default else SUBNET_PUBLIC_IP.get((key, sname), False)
            tags = None if default else _tags(env, "network", "platform-team", "CC-1100", name="%s-%s" % (v["name"], sname))
            cfg = {"SubnetId": sn["id"], "VpcId": v["id"], "CidrBlock": sn.get("cidr"), "AvailabilityZone": sn["az"],
                   "DefaultForAz": default, "MapPublicIpOnLaunch": mp, "AssignIpv6AddressOnCreation": False,
                   "State": "available", "OwnerId": _acct(env),
                   "SubnetArn": "arn:aws:ec2:%s:%s:subnet/%s" % (v["region"], _acct(env), sn["id"])}
            if tags:
                cfg["Tags"] = S["ctx"]["tag_list"](tags)
            _res("AWS::EC2::Subnet", sn["id"], env, v["region"], cfg, arn=cfg["SubnetArn"], tags=tags)


def build_snapshots_and_images():
    hexid, when = S["ctx"]["hexid"], S["ctx"]["when"]
    snaps = [
        # env, region, name, encrypted, key alias, public, shared with, days
        ("prod", USE1, "orders-db-migration-2026", True, "nw-prod-ebs", False, [], 40),
        ("prod", USE1, "legacy-sftp-root-2024", False, None, False, [], 700),
        ("prod", EUW1, "eu-web-golden-2026-10", True, "nw-prod-eu-data", False, [], 35),
        ("staging", USE1, "demo-server-data", False, None, True, [], 320),        # public!
        ("staging", USE1, "build-cache-2026-09", False, None, False, [], 70),
        ("staging", USE1, "app-golden-2026-11", True, "nw-staging-app", False, [_acct("prod")], 12),
        ("staging", EUW1, "qa-runner-root", False, None, False, [], 150),
    ]
    snap_ids = {}
    for env, region, name, enc, alias, public, shared, days in snaps:
        sid = "snap-" + hexid("snap", env, region, name)
        snap_ids[name] = sid
        cfg = {"SnapshotId": sid, "VolumeId": "vol-" + hexid("snapvol", env, name), "State": "completed",
               "StartTime": when(days), "Progress": "100%", "OwnerId": _acct(env), "VolumeSize": 50,
               "Description": name, "Encrypted": enc, "StorageTier": "standard"}
        if enc:
            cfg["KmsKeyId"] = _key(env, region, alias)
        perms = ([{"Group": "all"}] if public else []) + [{"UserId": a} for a in shared]
        tags = _tags(env, "platform", "platform-team", "CC-1100", name=name)
        _res("AWS::EC2::Snapshot", sid, env, region, cfg, supp={"CreateVolumePermissions": perms},
             arn="arn:aws:ec2:%s:%s:snapshot/%s" % (region, _acct(env), sid), name=name, tags=tags)

    images = [
        # env, region, name, public, snapshots (name, encrypted), days
        ("prod", USE1, "nw-prod-app-2026-11-02", False, [("orders-db-migration-2026", True)], 18),
        ("prod", EUW1, "nw-prod-eu-web-2026-10", False, [("eu-web-golden-2026-10", True)], 35),
        ("staging", USE1, "nw-demo-appliance-v3", True, [("demo-server-data", False)], 320),   # public and plain
        ("staging", USE1, "nw-staging-app-2026-11", False, [("app-golden-2026-11", True)], 12),
        ("staging", EUW1, "nw-qa-runner-2026-06", False, [("qa-runner-root", False)], 150),
    ]
    for env, region, name, public, disks, days in images:
        iid = "ami-" + hexid("ami", env, region, name)
        bdm = [{"DeviceName": "/dev/xvd" + "abcdef"[i],
                "Ebs": {"SnapshotId": snap_ids[s], "Encrypted": enc, "VolumeSize": 50, "VolumeType": "gp3",
                        "DeleteOnTermination": True}} for i, (s, enc) in enumerate(disks)]
        cfg = {"ImageId": iid, "Name": name, "State": "available", "Public": public, "OwnerId": _acct(env),
               "CreationDate": when(days)[:-1] + ".000Z", "Architecture": "x86_64", "RootDeviceType": "ebs",
               "RootDeviceName": "/dev/xvda", "VirtualizationType": "hvm", "BlockDeviceMappings": bdm}
        _res("AWS::EC2::Image", iid, env, region, cfg, arn="arn:aws:ec2:%s:%s:image/%s" % (region, _acct(env), iid),
             name=name, tags=_tags(env, "platform", "platform-team", "CC-1100", name=name))


def build_security_groups():
    """Staging groups that engineers opened "for a quick test"; prod has none like them."""
    ctx, hexid = S["ctx"], S["ctx"]["hexid"]
    v = ctx["vpc"]("stg-main")
    groups = [
        ("nw-staging-elk", "ELK demo stack for the QA partner",
         [("tcp", 5601, 5601, ["0.0.0.0/0"]), ("tcp", 9200, 9200, ["0.0.0.0/0"]), ("tcp", 9300, 9300, [v["cidr"]])]),
        ("nw-staging-legacy-ftp", "Partner FTP drop (replaced by SFTP, not deleted)",
         [("tcp", 20, 21, ["0.0.0.0/0"]), ("tcp", 1024, 1048, ["0.0.0.0/0"])]),
        ("nw-staging-debug-open", "temporary - debugging websocket issue",
         [("-1", None, None, ["0.0.0.0/0"])]),
    ]
    for name, desc, rules in groups:
        gid = "sg-" + hexid("sg", v["id"], name)
        perms = []
        for proto, lo, hi, cidrs in rules:
            p = {"IpProtocol": proto, "IpRanges": [{"CidrIp": c} for c in cidrs], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
            if lo is not None:
                p["FromPort"], p["ToPort"] = lo, hi
            perms.append(p)
        tags = _tags("staging", "qa", "qa-team", "CC-3300", name=name)
        cfg = {"GroupId": gid, "GroupName": name, "Description": desc, "OwnerId": _acct("staging"), "VpcId": v["id"],
               "IpPermissions": perms, "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                                               "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
               "Tags": ctx["tag_list"](tags)}
        _res("AWS::EC2::SecurityGroup", gid, "staging", v["region"], cfg,
             arn="arn:aws:ec2:%s:%s:security-group/%s" % (v["region"], _acct("staging"), gid), name=name, tags=tags)


def build_endpoints_and_tgw():
    ctx, hexid, when = S["ctx"], S["ctx"]["hexid"], S["ctx"]["when"]
    full = ctx["policy"]({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})
    org_s3 = ctx["policy"]({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
                            "Condition": {"StringEquals": {"aws:ResourceOrgID": "o-nw7k2m9q4x"}}})
    eps = [
        ("prod", "prod-main", "s3", "Gateway", org_s3),
        ("prod", "prod-main", "dynamodb", "Gateway", full),                 # default full-access policy
        ("prod", "prod-main", "secretsmanager", "Interface", full),
        ("prod", "prod-data", "s3", "Gateway", org_s3),
        ("prod", "prod-eu", "s3", "Gateway", org_s3),
        ("staging", "stg-main", "s3", "Gateway", full),
        ("staging", "stg-main", "sagemaker.api", "Interface", full),
    ]
    for env, vkey, svc, etype, pol in eps:
        v = ctx["vpc"](vkey)
        eid = "vpce-" + hexid("vpce", v["id"], svc)
        cfg = {"VpcEndpointId": eid, "VpcEndpointType": etype, "VpcId": v["id"],
               "ServiceName": "com.amazonaws.%s.%s" % (v["region"], svc), "State": "available",
               "PolicyDocument": pol, "CreationTimestamp": when(500), "OwnerId": _acct(env),
               "PrivateDnsEnabled": etype == "Interface"}
        _res("AWS::EC2::VPCEndpoint", eid, env, v["region"], cfg,
             arn="arn:aws:ec2:%s:%s:vpc-endpoint/%s" % (v["region"], _acct(env), eid),
             tags=_tags(env, "network", "platform-team", "CC-1100"))
    for env, region, name, auto in (("prod", USE1, "nw-prod-core-tgw", "disable"), ("staging", USE1, "nw-staging-tgw", "enable")):
        tid = "tgw-" + hexid("tgw", env, name)
        cfg = {"TransitGatewayId": tid, "State": "available", "OwnerId": _acct(env), "CreationTime": when(600),
               "TransitGatewayArn": "arn:aws:ec2:%s:%s:transit-gateway/%s" % (region, _acct(env), tid),
               "Options": {"AmazonSideAsn": 64512, "AutoAcceptSharedAttachments": auto,
                           "DefaultRouteTableAssociation": "enable", "DefaultRouteTablePropagation": "enable",
                           "DnsSupport": "enable", "VpnEcmpSupport": "enable"}}
        _res("AWS::EC2::TransitGateway", tid, env, region, cfg, arn=cfg["TransitGatewayArn"], name=name,
             tags=_tags(env, "network", "platform-team", "CC-1100", name=name))


# --------------------------------------------------------------------------
# Load balancers

def build_load_balancers():
    ctx, hexid, when = S["ctx"], S["ctx"]["hexid"], S["ctx"]["when"]
    acm = lambda env, region, n: "arn:aws:acm:%s:%s:certificate/%s" % (region, _acct(env), ctx["uuid"]("acm", env, region, n))
    waf = S["waf"]
    albs = [
        # env, vkey, name, scheme, sg, attrs, web ACL, listeners
        ("prod", "prod-main", "nw-prod-web", "internet-facing", "nw-prod-alb-public",
         {"logs": True, "deletion": True, "drop": True, "desync": "defensive"}, waf.get(("prod", USE1)),
         [("HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06"), ("HTTP", 80, "redirect")]),
        ("prod", "prod-main", "nw-prod-api", "internet-facing", "nw-prod-alb-public",
         {"logs": True, "deletion": True, "drop": False, "desync": "defensive"}, waf.get(("prod", USE1)),
         [("HTTPS", 443, "ELBSecurityPolicy-2016-08")]),          # old default policy kept
        ("prod", "prod-eu", "nw-prod-eu-web", "internet-facing", "nw-prod-eu-alb-public",
         {"logs": True, "deletion": True, "drop": True, "desync": "strictest"}, None,   # no WAF in the EU
         [("HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06"), ("HTTP", 80, "redirect")]),
        ("prod", "prod-data", "nw-prod-airflow-internal", "internal", "nw-prod-airflow",
         {"logs": True, "deletion": False, "drop": True, "desync": "defensive"}, None,
         [("HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06")]),
        ("staging", "stg-main", "nw-staging-web", "internet-facing", "nw-staging-alb",
         {"logs": False, "deletion": False, "drop": False, "desync": "monitor"}, None,
         [("HTTPS", 443, "ELBSecurityPolicy-TLS-1-1-2017-01"), ("HTTP", 80, "forward")]),
    ]
    for env, vkey, name, scheme, sgname, at, acl, listeners in albs:
        v = ctx["vpc"](vkey)
        region, acct = v["region"], _acct(env)
        lbarn = "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s/%s" % (region, acct, name, hexid("alb", acct, name, n=16))
        subnets = [s for s in sorted(v["subnets"]) if s.startswith("public" if scheme == "internet-facing" else "private")]
        cfg = {"LoadBalancerArn": lbarn, "LoadBalancerName": name, "DNSName": "%s-%s.%s.elb.amazonaws.com" % (name, hexid("dns", name, n=10), region),
               "Scheme": scheme, "Type": "application", "VpcId": v["id"], "State": {"Code": "active"},
               "CreatedTime": when(700), "IpAddressType": "ipv4",
               "AvailabilityZones": [{"ZoneName": v["subnets"][s]["az"], "SubnetId": v["subnets"][s]["id"]} for s in subnets],
               "SecurityGroups": [ctx["security_group_id"](vkey, sgname)]}
        attrs = {"access_logs.s3.enabled": str(at["logs"]).lower(),
                 "access_logs.s3.bucket": "northwind-%s-s3-access-logs-%s" % (env, acct) if at["logs"] else "",
                 "deletion_protection.enabled": str(at["deletion"]).lower(),
                 "routing.http.drop_invalid_header_fields.enabled": str(at["drop"]).lower(),
                 "routing.http.desync_mitigation_mode": at["desync"], "idle_timeout.timeout_seconds": "60"}
        supp = {"LoadBalancerAttributes": [{"Key": k, "Value": val} for k, val in attrs.items()], "WebACLArn": acl}
        _res("AWS::ElasticLoadBalancingV2::LoadBalancer", lbarn, env, region, cfg, supp=supp, arn=lbarn, name=name,
             tags=_tags(env, "web", "platform-team", "CC-1100", name=name))
        for proto, port, what in listeners:
            larn = "arn:aws:elasticloadbalancing:%s:%s:listener/app/%s/%s/%s" % (region, acct, name, hexid("alb", acct, name, n=16),
                                                                                 hexid("lsn", name, port, n=16))
            lcfg = {"ListenerArn": larn, "LoadBalancerArn": lbarn, "Port": port, "Protocol": proto}
            if proto == "HTTPS":
                lcfg["SslPolicy"] = what
                lcfg["Certificates"] = [{"CertificateArn": acm(env, region, name)}]
                lcfg["DefaultActions"] = [{"Type": "forward", "Order": 1,
                                           "TargetGroupArn": "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s" % (region, acct, name, hexid("tg", name, n=16))}]
            elif what == "redirect":
                lcfg["DefaultActions"] = [{"Type": "redirect", "Order": 1,
                                           "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}",
                                                              "Query": "#{query}", "StatusCode": "HTTP_301"}}]
            else:
                lcfg["DefaultActions"] = [{"Type": "forward", "Order": 1,
                                           "TargetGroupArn": "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s" % (region, acct, name, hexid("tg", name, n=16))}]
            _res("AWS::ElasticLoadBalancingV2::Listener", larn, env, region, lcfg, arn=larn)

    # one network load balancer per account: the partner SFTP front (prod) and a TLS endpoint (staging)
    for env, vkey, name, listeners in (("prod", "prod-main", "nw-prod-partner-nlb", [("TCP", 22, None)]),
                                       ("staging", "stg-main", "nw-staging-mqtt-nlb", [("TLS", 8883, "ELBSecurityPolicy-TLS13-1-2-2021-06")])):
        v = ctx["vpc"](vkey)
        region, acct = v["region"], _acct(env)
        lbarn = "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/net/%s/%s" % (region, acct, name, hexid("nlb", acct, name, n=16))
        cfg = {"LoadBalancerArn": lbarn, "LoadBalancerName": name, "Scheme": "internet-facing", "Type": "network", "VpcId": v["id"],
               "State": {"Code": "active"}, "CreatedTime": when(400), "IpAddressType": "ipv4"}
        attrs = {"access_logs.s3.enabled": "false", "deletion_protection.enabled": "true" if env == "prod" else "false",
                 "load_balancing.cross_zone.enabled": "true"}
        _res("AWS::ElasticLoadBalancingV2::LoadBalancer", lbarn, env, region, cfg,
             supp={"LoadBalancerAttributes": [{"Key": k, "Value": val} for k, val in attrs.items()], "WebACLArn": None},
             arn=lbarn, name=name, tags=_tags(env, "edge", "platform-team", "CC-1100", name=name))
        for proto, port, pol in listeners:
            larn = "arn:aws:elasticloadbalancing:%s:%s:listener/net/%s/%s/%s" % (region, acct, name, hexid("nlb", acct, name, n=16), hexid("lsn", name, port, n=16))
            lcfg = {"ListenerArn": larn, "LoadBalancerArn": lbarn, "Port": port, "Protocol": proto,
                    "DefaultActions": [{"Type": "forward", "TargetGroupArn": "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s" % (region, acct, name, hexid("tg", name, n=16))}]}
            if pol:
                lcfg["SslPolicy"] = pol
                lcfg["Certificates"] = [{"CertificateArn": acm(env, region, name)}]
            _res("AWS::ElasticLoadBalancingV2::Listener", larn, env, region, lcfg, arn=larn)

    # Classic Load Balancers: prod's legacy reporting portal, staging's demo
    def sslpol(name, ref, tls10):
        return {"PolicyName": name, "PolicyTypeName": "SSLNegotiationPolicyType",
                "PolicyAttributeDescriptions": [{"AttributeName": "Reference-Security-Policy", "AttributeValue": ref},
                                                {"AttributeName": "Protocol-SSLv3", "AttributeValue": "false"},
                                                {"AttributeName": "Protocol-TLSv1", "AttributeValue": str(tls10).lower()},
                                                {"AttributeName": "Protocol-TLSv1.1", "AttributeValue": str(tls10).lower()},
                                                {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"}]}
    clbs = [("prod", USE1, "nw-prod-legacy-reports", [("HTTPS", 443, ["tls12"])], [sslpol("tls12", "ELBSecurityPolicy-TLS-1-2-2017-01", False)], True),
            ("staging", USE1, "nw-staging-demo", [("HTTP", 80, []), ("HTTPS", 443, ["demo-ssl"])],
             [sslpol("demo-ssl", "ELBSecurityPolicy-2016-08", True)], False)]
    for env, region, name, listeners, pols, logs in clbs:
        acct = _acct(env)
        cfg = {"LoadBalancerName": name, "DNSName": "%s-%s.%s.elb.amazonaws.com" % (name, hexid("clb", name, n=10), region),
               "Scheme": "internet-facing", "CreatedTime": when(1600),
               "ListenerDescriptions": [{"Listener": {"Protocol": p, "LoadBalancerPort": port, "InstanceProtocol": "HTTP", "InstancePort": 8080,
                                                      **({"SSLCertificateId": acm(env, region, name)} if p == "HTTPS" else {})},
                                         "PolicyNames": pn} for p, port, pn in listeners]}
        supp = {"LoadBalancerAttributes": {"AccessLog": {"Enabled": logs, **({"S3BucketName": "northwind-%s-s3-access-logs-%s" % (env, acct), "EmitInterval": 60} if logs else {})},
                                           "ConnectionDraining": {"Enabled": True, "Timeout": 300}, "CrossZoneLoadBalancing": {"Enabled": True}},
                "PolicyDescriptions": pols}
        _res("AWS::ElasticLoadBalancing::LoadBalancer", name, env, region, cfg, supp=supp,
             arn="arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s" % (region, acct, name), name=name,
             tags=_tags(env, "reporting" if env == "prod" else "demo", "it-ops", "CC-1300", name=name))


# --------------------------------------------------------------------------
# WAF, CloudFront, API Gateway

def build_waf():
    ctx = S["ctx"]
    acls = [("prod", USE1, "nw-prod-regional", "REGIONAL", 4, True), ("prod", USE1, "nw-prod-cloudfront", "CLOUDFRONT", 3, True),
            ("staging", USE1, "nw-staging-regional", "REGIONAL", 0, False)]
    S["waf"] = {}
    for env, region, name, scope, nrules, logging in acls:
        acct = _acct(env)
        wid = ctx["uuid"]("waf", env, name)
        arn = "arn:aws:wafv2:%s:%s:%s/webacl/%s/%s" % (region, acct, "global" if scope == "CLOUDFRONT" else "regional", name, wid)
        groups = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet"]
        rules = [{"Name": g, "Priority": i, "OverrideAction": {"None": {}},
                  "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": g}},
                  "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": g}} for i, g in enumerate(groups[:nrules])]
        cfg = {"Name": name, "Id": wid, "ARN": arn, "DefaultAction": {"Allow": {}}, "Rules": rules, "Capacity": 700 * nrules,
               "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}}
        supp = {"LoggingConfiguration": {"ResourceArn": arn, "LogDestinationConfigs": ["arn:aws:logs:%s:%s:log-group:aws-waf-logs-%s" % (region, acct, name)]} if logging else None}
        _res("AWS::WAFv2::WebACL", arn, env, region, cfg, supp=supp, arn=arn, name=name, tags=_tags(env, "edge", "security-team", "CC-1200"))
        S["waf"][(env, region if scope == "REGIONAL" else "cloudfront")] = arn


def build_cloudfront():
    ctx, hexid = S["ctx"], S["ctx"]["hexid"]
    dists = [
        # env, name, s3 bucket or alb host, min TLS (None = default cert), viewer policy, s3 access, logging, waf, root
        ("prod", "www", "northwind-prod-web-assets", "TLSv1.2_2021", "redirect-to-https", "oac", True, True, "index.html"),
        ("prod", "api-edge", "alb:nw-prod-web", "TLSv1.2_2019", "https-only", None, True, True, ""),
        ("prod", "partner-downloads", "northwind-prod-customer-exports-eu", "TLSv1_2016", "redirect-to-https", "oai", True, False, ""),
        ("staging", "demo", "northwind-staging-demo-reports", None, "allow-all", "none", False, False, ""),
        ("staging", "staging-app", "alb:nw-staging-web", "TLSv1.1_2016", "redirect-to-https", None, False, False, ""),
    ]
    for env, name, origin, minp, vpp, s3acc, logging, waf, root in dists:
        acct = _acct(env)
        did = "E" + hexid("cf", env, name, n=13).upper()
        if origin.startswith("alb:"):
            origins = [{"Id": "alb", "DomainName": "%s.%s" % (origin[4:], S["ctx"]["domain"]), "OriginPath": "",
                        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                               "OriginProtocolPolicy": "https-only" if env == "prod" else "http-only",
                                               "OriginSslProtocols": {"Quantity": 1 if env == "prod" else 3,
                                                                      "Items": ["TLSv1.2"] if env == "prod" else ["TLSv1", "TLSv1.1", "TLSv1.2"]},
                                               "OriginReadTimeout": 30, "OriginKeepaliveTimeout": 5}}]
            if env == "staging":
                # a second origin: the legacy reporting API, HTTPS but still offering TLS 1.0/1.1
                origins.append({"Id": "legacy-reports", "DomainName": "reports-legacy.staging.%s" % ctx["domain"], "OriginPath": "",
                                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
                                                       "OriginSslProtocols": {"Quantity": 2, "Items": ["TLSv1", "TLSv1.2"]},
                                                       "OriginReadTimeout": 30, "OriginKeepaliveTimeout": 5}})
        else:
            o = {"Id": "s3", "DomainName": "%s.s3.%s.amazonaws.com" % (origin, USE1), "OriginPath": "",
                 "S3OriginConfig": {"OriginAccessIdentity": "origin-access-identity/cloudfront/E%s" % hexid("oai", name, n=13).upper() if s3acc == "oai" else ""},
                 "OriginAccessControlId": "E%s" % hexid("oac", name, n=13).upper() if s3acc == "oac" else ""}
            origins = [o]
        if minp:
            vc = {"CloudFrontDefaultCertificate": False, "ACMCertificateArn": "arn:aws:acm:us-east-1:%s:certificate/%s" % (acct, ctx["uuid"]("cf-acm", name)),
                  "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": minp, "CertificateSource": "acm"}
        else:
            vc = {"CloudFrontDefaultCertificate": True, "MinimumProtocolVersion": "TLSv1", "CertificateSource": "cloudfront"}
        behaviors = [{"PathPattern": "/static/*", "TargetOriginId": origins[0]["Id"], "ViewerProtocolPolicy": "allow-all" if name == "partner-downloads" else vpp}] \
            if name in ("www", "partner-downloads") else []
        dc = {"CallerReference": "terraform-" + hexid("cfref", name), "Comment": "%s %s" % (env, name), "Enabled": True,
              "Aliases": {"Quantity": 1 if minp else 0, "Items": ["%s.%s" % (name, ctx["domain"])] if minp else []},
              "DefaultRootObject": root, "Origins": {"Quantity": len(origins), "Items": origins},
              "DefaultCacheBehavior": {"TargetOriginId": origins[0]["Id"], "ViewerProtocolPolicy": vpp, "Compress": True},
              "CacheBehaviors": {"Quantity": len(behaviors), "Items": behaviors},
              "Logging": {"Enabled": logging, "IncludeCookies": False,
                          "Bucket": "northwind-%s-s3-access-logs-%s.s3.amazonaws.com" % (env, acct) if logging else "", "Prefix": "cloudfront/%s/" % name if logging else ""},
              "ViewerCertificate": vc, "WebACLId": S["waf"].get((env, "cloudfront"), "") if waf else "",
              "PriceClass": "PriceClass_100", "HttpVersion": "http2and3", "IsIPV6Enabled": True}
        arn = "arn:aws:cloudfront::%s:distribution/%s" % (acct, did)
        cfg = {"Id": did, "ARN": arn, "DomainName": "d%s.cloudfront.net" % hexid("cfdom", did, n=13), "Status": "Deployed",
               "LastModifiedTime": ctx["when"](60), "DistributionConfig": dc}
        _res("AWS::CloudFront::Distribution", did, env, "global", cfg, arn=arn, name=name,
             tags=_tags(env, "web", "frontend-team", "CC-3200", name=name))


def build_api_gateway():
    ctx, hexid, when = S["ctx"], S["ctx"]["hexid"], S["ctx"]["when"]
    apis = [
        # env, region, name, methods [(path, verb, auth, key)], stage settings, endpoint type
        ("prod", USE1, "nw-orders-public-api", [("/orders", "GET", "COGNITO_USER_POOLS", False), ("/orders", "POST", "COGNITO_USER_POOLS", False),
                                               ("/orders", "OPTIONS", "NONE", False), ("/health", "GET", "NONE", True)],
         {"level": "ERROR", "access": True, "waf": True, "xray": True, "cache": True, "enc": True}, "REGIONAL"),
        ("prod", EUW1, "nw-eu-webhooks", [("/webhooks/shopify", "POST", "NONE", False), ("/webhooks/stripe", "POST", "CUSTOM", False)],
         {"level": "INFO", "access": True, "waf": False, "xray": False, "cache": False, "enc": False}, "REGIONAL"),
        ("prod", USE1, "nw-internal-admin", [("/admin/jobs", "POST", "NONE", False)],
         {"level": "ERROR", "access": True, "waf": False, "xray": True, "cache": False, "enc": False}, "PRIVATE"),
        ("staging", USE1, "nw-staging-orders-api", [("/orders", "GET", "NONE", False), ("/orders", "POST", "AWS_IAM", False)],
         {"level": "OFF", "access": False, "waf": False, "xray": False, "cache": True, "enc": False}, "EDGE"),
    ]
    for env, region, name, methods, st, etype in apis:
        acct = _acct(env)
        aid = hexid("api", env, name, n=10)
        resources = {}
        for path, verb, auth, key in methods:
            r = resources.setdefault(path, {"id": hexid("res", aid, path, n=6), "path": path, "resourceMethods": {}})
            m = {"httpMethod": verb, "authorizationType": auth, "apiKeyRequired": key}
            if auth in ("COGNITO_USER_POOLS", "CUSTOM"):
                m["authorizerId"] = hexid("auth", aid, n=6)
            r["resourceMethods"][verb] = m
        arn = "arn:aws:apigateway:%s::/restapis/%s" % (region, aid)
        cfg = {"id": aid, "name": name, "createdDate": when(500), "apiKeySource": "HEADER",
               "endpointConfiguration": {"types": [etype]}, "disableExecuteApiEndpoint": False}
        # API Gateway ARNs carry no account id, so the records keep none
        _res("AWS::ApiGateway::RestApi", aid, env, region, cfg, supp={"Resources": list(resources.values())}, name=name,
             tags=_tags(env, "api", "backend-team", "CC-3100", name=name))
        stage = "prod" if env == "prod" else "staging"
        sid = "%s/%s" % (aid, stage)
        scfg = {"restApiId": aid, "stageName": stage, "deploymentId": hexid("dep", aid, n=6), "createdDate": when(400),
                "lastUpdatedDate": when(20), "tracingEnabled": st["xray"], "cacheClusterEnabled": st["cache"],
                "methodSettings": {"*/*": {"loggingLevel": st["level"], "metricsEnabled": True, "dataTraceEnabled": False,
                                           "throttlingBurstLimit": 500, "throttlingRateLimit": 1000.0,
                                           "cachingEnabled": st["cache"], "cacheTtlInSeconds": 300, "cacheDataEncrypted": st["enc"]}}}
        if st["cache"]:
            scfg["cacheClusterSize"] = "0.5"
        if st["access"]:
            scfg["accessLogSettings"] = {"destinationArn": "arn:aws:logs:%s:%s:log-group:/aws/apigateway/%s" % (region, acct, name),
                                         "format": "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",\"status\":\"$context.status\"}"}
        if st["waf"]:
            scfg["webAclArn"] = S["waf"][(env, region)]
        _res("AWS::ApiGateway::Stage", sid, env, region, scfg, name=stage, tags=_tags(env, "api", "backend-team", "CC-3100"))
    for env, region, dom, pol in (("prod", USE1, "api.%s" % ctx["domain"], "TLS_1_2"), ("prod", EUW1, "hooks.%s" % ctx["domain"], "TLS_1_0"),
                                  ("staging", USE1, "api.staging.%s" % ctx["domain"], "TLS_1_0")):
        cfg = {"domainName": dom, "securityPolicy": pol, "endpointConfiguration": {"types": ["REGIONAL"]},
               "regionalCertificateArn": "arn:aws:acm:%s:%s:certificate/%s" % (region, _acct(env), ctx["uuid"]("apidom", dom)),
               "regionalDomainName": "d-%s.execute-api.%s.amazonaws.com" % (hexid("dom", dom, n=10), region), "domainNameStatus": "AVAILABLE"}
        _res("AWS::ApiGateway::DomainName", dom, env, region, cfg, tags=_tags(env, "api", "backend-team", "CC-3100"))
    http = [("prod", USE1, "nw-tracking-events", "HTTP", [("POST /events", "JWT"), ("GET /events/{id}", "JWT"), ("OPTIONS /{proxy+}", "NONE")], True),
            ("prod", USE1, "nw-live-dashboard", "WEBSOCKET", [("$connect", "CUSTOM"), ("$default", "NONE"), ("subscribe", "NONE")], True),
            ("staging", USE1, "nw-staging-tracking", "HTTP", [("POST /events", "NONE"), ("GET /events/{id}", "NONE")], False),
            ("staging", EUW1, "nw-staging-eu-chat", "WEBSOCKET", [("$connect", "NONE"), ("$default", "NONE")], False)]
    for env, region, name, proto, routes, logs in http:
        acct = _acct(env)
        aid = hexid("apiv2", env, name, n=10)
        cfg = {"ApiId": aid, "Name": name, "ProtocolType": proto, "CreatedDate": when(300),
               "ApiEndpoint": ("https" if proto == "HTTP" else "wss") + "://%s.execute-api.%s.amazonaws.com" % (aid, region)}
        supp = {"Routes": [{"RouteId": hexid("route", aid, k, n=7), "RouteKey": k, "AuthorizationType": a,
                            **({"AuthorizerId": hexid("authz", aid, n=6)} if a != "NONE" else {})} for k, a in routes]}
        _res("AWS::ApiGatewayV2::Api", aid, env, region, cfg, supp=supp, name=name,
             tags=_tags(env, "api", "backend-team", "CC-3100", name=name))
        stage = "$default" if proto == "HTTP" else "live"
        scfg = {"ApiId": aid, "StageName": stage, "AutoDeploy": proto == "HTTP", "CreatedDate": when(300),
                "DefaultRouteSettings": {"DetailedMetricsEnabled": logs, "ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100.0}}
        if logs:
            scfg["AccessLogSettings"] = {"DestinationArn": "arn:aws:logs:%s:%s:log-group:/aws/apigateway/%s" % (region, acct, name),
                                         "Format": "$context.requestId $context.identity.sourceIp $context.routeKey $context.status"}
        _res("AWS::ApiGatewayV2::Stage", "%s/%s" % (aid, stage), env, region, scfg, name=stage)


# --------------------------------------------------------------------------
# Lambda, ECS, EKS

def build_lambda():
    ctx, hexid, when = S["ctx"], S["ctx"]["hexid"], S["ctx"]["when"]
    fns = [
        # env, region, name, runtime, env vars, cmk alias, vpc key, dlq, tracing, policy, url auth
        ("prod", USE1, "nw-prod-report-mailer", "python3.12", {"REPORT_BUCKET": "northwind-prod-athena-results", "SMTP_SECRET_ARN": "secret"},
         "nw-prod-app-secrets", "prod-main", True, "Active", "s3", None),
        ("prod", USE1, "nw-prod-order-export", "python3.9", {"EXPORT_BUCKET": "northwind-prod-customer-exports-eu", "LOG_LEVEL": "info"},
         None, "prod-main", True, "Active", None, None),
        ("prod", USE1, "nw-prod-shopify-webhook", "nodejs18.x", {"SHOPIFY_WEBHOOK_SECRET": "example-webhook-secret", "QUEUE_URL": "https://sqs"},
         None, None, False, "PassThrough", None, "NONE"),
        ("prod", EUW1, "nw-prod-eu-thumbnailer", "nodejs22.x", None, None, None, False, "PassThrough", "s3", None),
        ("prod", USE1, "nw-prod-ml-scoring", None, {"MODEL_ENDPOINT_NAME": "churn-v3"}, "nw-prod-app-secrets", "prod-data", True, "Active", None, "AWS_IAM"),
        ("staging", USE1, "nw-staging-report-mailer", "python3.8", {"SMTP_PASSWORD": "example-password", "REPORT_BUCKET": "northwind-staging-athena-results"},
         None, None, False, "PassThrough", "public", None),
        ("staging", USE1, "nw-staging-thumbnailer", "nodejs20.x", None, None, None, False, "PassThrough", "s3", "NONE"),
        ("staging", EUW1, "nw-staging-eu-qa-seed", "python3.13", {"API_TOKEN_PARAM": "/qa/api-token", "STAGE": "qa"},
         None, None, False, "PassThrough", None, None),
    ]
    for env, region, name, runtime, envvars, cmk, vkey, dlq, tracing, pol, url in fns:
        acct = _acct(env)
        arn = "arn:aws:lambda:%s:%s:function:%s" % (region, acct, name)
        role = "nw-%s-report-mailer-lambda" % env if env == "prod" else "nw-staging-lambda-exec"
        cfg = {"FunctionName": name, "FunctionArn": arn, "Role": ctx["role_arn"](acct, role),
               "Handler": "app.handler" if runtime else None, "CodeSize": 48213, "Timeout": 30, "MemorySize": 512,
               "LastModified": when(45).replace("Z", ".000+0000"), "Version": "$LATEST", "PackageType": "Zip" if runtime else "Image",
               "Architectures": ["arm64"], "TracingConfig": {"Mode": tracing}, "State": "Active",
               "EphemeralStorage": {"Size": 512}}
        if runtime:
            cfg["Runtime"] = runtime
        else:
            del cfg["Handler"]
            cfg["ImageConfigResponse"] = {}
        if envvars is not None:
            vals = dict(envvars)
            if "SMTP_SECRET_ARN" in vals:
                vals["SMTP_SECRET_ARN"] = "arn:aws:secretsmanager:%s:%s:secret:nw-%s/smtp-%s" % (region, acct, env, hexid("sec", name, n=6))
            cfg["Environment"] = {"Variables": vals}
        if cmk:
            cfg["KMSKeyArn"] = _key(env, region, cmk)
        if vkey:
            v = ctx["vpc"](vkey)
            cfg["VpcConfig"] = {"SubnetIds": [v["subnets"]["private-a"]["id"], v["subnets"]["private-b"]["id"]],
                                "SecurityGroupIds": [ctx["security_group_id"](vkey, "default")], "VpcId": v["id"]}
        else:
            cfg["VpcConfig"] = {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""}
        if dlq:
            cfg["DeadLetterConfig"] = {"TargetArn": "arn:aws:sqs:%s:%s:%s-dlq" % (region, acct, name)}
        stmts = []
        if pol == "s3":
            stmts.append({"Sid": "s3-invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
                          "Resource": arn, "Condition": {"StringEquals": {"AWS:SourceAccount": acct},
                                                         "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::northwind-%s-*" % env}}})
        if pol == "public":
            stmts.append({"Sid": "demo-anyone", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": arn})
        if url == "NONE":
            stmts.append({"Sid": "FunctionURLAllowPublicAccess", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
                          "Resource": arn, "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}})
        supp = {"Policy": ctx["policy"](*stmts) if stmts else None,
                "FunctionUrlConfigs": [{"FunctionUrl": "https://%s.lambda-url.%s.on.aws/" % (hexid("url", name, n=32), region),
                                        "AuthType": url, "CreationTime": when(90)}] if url else [],
                "EventInvokeConfig": {"MaximumRetryAttempts": 2, "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:%s:%s:%s-failed" % (region, acct, name)}}}
                if name == "nw-prod-eu-thumbnailer" else None}
        _res("AWS::Lambda::Function", name, env, region, cfg, supp=supp, arn=arn, name=name,
             tags=_tags(env, "serverless", "backend-team", "CC-3100", name=name))


def build_ecs():
    ctx, hexid, when = S["ctx"], S["ctx"]["hexid"], S["ctx"]["when"]
    for env, region, name, insights in (("prod", USE1, "nw-prod-services", "enhanced"), ("prod", EUW1, "nw-prod-eu-services", "enabled"),
                                        ("staging", USE1, "nw-staging-services", "disabled")):
        acct = _acct(env)
        arn = "arn:aws:ecs:%s:%s:cluster/%s" % (region, acct, name)
        _res("AWS::ECS::Cluster", name, env, region,
             {"clusterName": name, "clusterArn": arn, "status": "ACTIVE", "registeredContainerInstancesCount": 0,
              "runningTasksCount": 12 if env == "prod" else 3, "activeServicesCount": 4 if env == "prod" else 2,
              "settings": [{"name": "containerInsights", "value": insights}], "capacityProviders": ["FARGATE", "FARGATE_SPOT"]},
             arn=arn, name=name, tags=_tags(env, "containers", "platform-team", "CC-1100", name=name))

    def ctr(name, image, user="10001", ro=True, priv=False, environment=(), secrets=(), logs=True):
        c = {"name": name, "image": image, "essential": True, "cpu": 256, "memory": 512,
             "portMappings": [{"containerPort": 8080, "protocol": "tcp"}], "environment": [{"name": k, "value": v} for k, v in environment],
             "secrets": [{"name": k, "valueFrom": v} for k, v in secrets], "readonlyRootFilesystem": ro, "privileged": priv}
        if user is not None:
            c["user"] = user
        if logs:
            c["logConfiguration"] = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/" + name, "awslogs-region": "us-east-1", "awslogs-stream-prefix": name}}
        return c
    tds = [
        ("prod", USE1, "nw-prod-api", 42, "ACTIVE", "awsvpc", None,
         [ctr("api", "210987654321.dkr.ecr.us-east-1.amazonaws.com/nw-api:2026.11.3", environment=[("DB_HOST", "orders-db.internal"), ("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:210987654321:secret:nw-prod/orders-db-Ab12Cd")],
              secrets=[("DB_PASSWORD", "arn:aws:secretsmanager:us-east-1:210987654321:secret:nw-prod/orders-db-Ab12Cd:password::")])]),
        ("prod", USE1, "nw-prod-api", 41, "INACTIVE", "awsvpc", None,
         [ctr("api", "210987654321.dkr.ecr.us-east-1.amazonaws.com/nw-api:2026.10.9", environment=[("DB_PASSWORD", "example-old-password")])]),
        ("prod", USE1, "nw-prod-worker", 17, "ACTIVE", "awsvpc", None,
         [ctr("worker", "210987654321.dkr.ecr.us-east-1.amazonaws.com/nw-worker:2026.11.1", user=None, ro=False)]),
        ("prod", EUW1, "nw-prod-eu-web", 9, "ACTIVE", "awsvpc", None,
         [ctr("web", "210987654321.dkr.ecr.eu-west-1.amazonaws.com/nw-web:2026.11.2"),
          ctr("log-router", "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable", user="0", ro=False)]),
        ("prod", USE1, "nw-prod-datadog-agent", 5, "ACTIVE", "host", "host",
         [ctr("datadog-agent", "public.ecr.aws/datadog/agent:7", user="0", ro=False, priv=True)]),
        ("staging", USE1, "nw-staging-api", 88, "ACTIVE", "awsvpc", None,
         [ctr("api", "345678901234.dkr.ecr.us-east-1.amazonaws.com/nw-api:main", user="root", ro=False,
              environment=[("DB_PASSWORD", "example-db-password"), ("STRIPE_API_KEY", "example-api-key"), ("DB_HOST", "qa-mysql.internal")])]),
        ("staging", USE1, "nw-staging-ci-runner", 3, "ACTIVE", "bridge", None,
         [ctr("runner", "345678901234.dkr.ecr.us-east-1.amazonaws.com/ci-runner:latest", user="0", ro=False, priv=True, logs=False,
              environment=[("RUNNER_TOKEN", "example-runner-token")])]),
    ]
    for env, region, family, rev, status, net, pid, containers in tds:
        acct = _acct(env)
        rid = "%s:%d" % (family, rev)
        arn = "arn:aws:ecs:%s:%s:task-definition/%s" % (region, acct, rid)
        cfg = {"taskDefinitionArn": arn, "family": family, "revision": rev, "status": status, "networkMode": net,
               "requiresCompatibilities": ["FARGATE"] if net == "awsvpc" else ["EC2"], "cpu": "512", "memory": "1024",
               "executionRoleArn": "arn:aws:iam::%s:role/ecsTaskExecutionRole" % acct, "containerDefinitions": containers,
               "registeredAt": when(30 + rev % 20), "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}}
        if pid:
            cfg["pidMode"] = pid
        _res("AWS::ECS::TaskDefinition", rid, env, region, cfg, arn=arn, name=family,
             tags=_tags(env, "containers", "backend-team", "CC-3100"))


def build_eks():
    ctx, hexid, when = S["ctx"], S["ctx"]["hexid"], S["ctx"]["when"]
    clusters = [
        ("prod", USE1, "nw-prod-data-platform", "prod-data", "1.34", False, [], True, ["api", "audit", "authenticator", "controllerManager", "scheduler"]),
        ("prod", EUW1, "nw-prod-eu-analytics", "prod-eu", "1.31", True, ["203.0.113.0/24"], True, ["audit"]),
        ("staging", USE1, "nw-staging-platform", "stg-main", "1.29", True, ["0.0.0.0/0"], False, []),
    ]
    for env, region, name, vkey, version, public, cidrs, enc, logs in clusters:
        acct = _acct(env)
        v = ctx["vpc"](vkey)
        arn = "arn:aws:eks:%s:%s:cluster/%s" % (region, acct, name)
        cfg = {"name": name, "arn": arn, "version": version, "platformVersion": "eks.12", "status": "ACTIVE", "createdAt": when(500),
               "endpoint": "https://%s.gr7.%s.eks.amazonaws.com" % (hexid("eks", name, n=32).upper(), region),
               "roleArn": "arn:aws:iam::%s:role/%s-cluster" % (acct, name),
               "resourcesVpcConfig": {"subnetIds": [v["subnets"]["private-a"]["id"], v["subnets"]["private-b"]["id"]], "vpcId": v["id"],
                                      "endpointPublicAccess": public, "endpointPrivateAccess": True, "publicAccessCidrs": cidrs if public else []},
               "logging": {"clusterLogging": [{"types": logs, "enabled": True}] if logs else []},
               "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}
        if len(logs) < 5:
            cfg["logging"]["clusterLogging"].append({"types": [t for t in ("api", "audit", "authenticator", "controllerManager", "scheduler") if t not in logs], "enabled": False})
        if enc:
            cfg["encryptionConfig"] = [{"resources": ["secrets"], "provider": {"keyArn": _key(env, region, "nw-prod-app-secrets" if region == USE1 else "nw-prod-eu-data")}}]
        _res("AWS::EKS::Cluster", name, env, region, cfg, arn=arn, name=name, tags=_tags(env, "containers", "data-platform", "CC-2100", name=name))


# --------------------------------------------------------------------------
# Detection: GuardDuty, Security Hub standards

def build_detection():
    ctx, hexid, when = S["ctx"], S["ctx"]["hexid"], S["ctx"]["when"]
    gd = {("prod", USE1): ("ENABLED", {"S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "ENABLED", "EBS_MALWARE_PROTECTION": "ENABLED",
                                       "RDS_LOGIN_EVENTS": "ENABLED", "RUNTIME_MONITORING": "ENABLED", "LAMBDA_NETWORK_LOGS": "ENABLED"}, {"5.0": 4, "2.0": 11}),
          ("prod", EUW1): ("ENABLED", {"S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "ENABLED", "EBS_MALWARE_PROTECTION": "DISABLED",
                                       "RDS_LOGIN_EVENTS": "ENABLED", "RUNTIME_MONITORING": "DISABLED", "LAMBDA_NETWORK_LOGS": "DISABLED"}, {"8.0": 1, "5.0": 2}),
          ("staging", USE1): ("ENABLED", {"S3_DATA_EVENTS": "DISABLED", "EKS_AUDIT_LOGS": "DISABLED", "EBS_MALWARE_PROTECTION": "DISABLED",
                                          "RDS_LOGIN_EVENTS": "DISABLED", "RUNTIME_MONITORING": "DISABLED", "LAMBDA_NETWORK_LOGS": "DISABLED"}, {"8.0": 3, "7.0": 1, "5.0": 9})}
    for env in ("prod", "staging"):
        for region in ctx["regions"]:
            if (env, region) in gd:
                status, feats, stats = gd[(env, region)]
                det = hexid("gd", env, region, n=32)
                cfg = {"DetectorId": det, "Status": status, "FindingPublishingFrequency": "FIFTEEN_MINUTES",
                       "ServiceRole": "arn:aws:iam::%s:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty" % _acct(env),
                       "CreatedAt": when(900 if env == "prod" else 300),
                       "Features": [{"Name": n, "Status": s, "UpdatedAt": when(100)} for n, s in feats.items()],
                       "FindingStatistics": {"CountBySeverity": stats}}
            else:
                cfg = {"DetectorId": None}    # staging eu-west-1: never enabled
            _res("AWS::GuardDuty::DetectorStatus", region, env, region, cfg)
    # Security Hub is on in prod us-east-1 only (see the core estate); it runs FSBP there, CIS is pending
    for std, status in (("aws-foundational-security-best-practices/v/1.0.0", "READY"), ("cis-aws-foundations-benchmark/v/3.0.0", "INCOMPLETE")):
        arn = "arn:aws:securityhub:%s:%s:subscription/%s" % (USE1, _acct("prod"), std)
        _res("AWS::SecurityHub::StandardsSubscription", arn, "prod", USE1,
             {"StandardsSubscriptionArn": arn, "StandardsArn": "arn:aws:securityhub:%s::standards/%s" % (USE1, std), "StandardsInput": {}, "StandardsStatus": status}, arn=arn)


# --------------------------------------------------------------------------
# SageMaker and Bedrock

def build_ai():
    ctx, hexid, when = S["ctx"], S["ctx"]["hexid"], S["ctx"]["when"]
    nbs = [("prod", USE1, "nw-prod-churn-research", "prod-data", "Disabled", "Disabled", "nw-prod-app-secrets"),
           ("prod", USE1, "nw-prod-forecasting", "prod-data", "Disabled", "Enabled", None),
           ("staging", USE1, "nw-staging-ds-sandbox", None, "Enabled", "Enabled", None),
           ("staging", EUW1, "nw-staging-eu-experiments", None, "Enabled", "Disabled", "nw-staging-eu-data")]
    for env, region, name, vkey, internet, root, cmk in nbs:
        acct = _acct(env)
        arn = "arn:aws:sagemaker:%s:%s:notebook-instance/%s" % (region, acct, name)
        cfg = {"NotebookInstanceName": name, "NotebookInstanceArn": arn, "NotebookInstanceStatus": "InService", "InstanceType": "ml.t3.xlarge",
               "RoleArn": "arn:aws:iam::%s:role/%s-sagemaker" % (acct, name), "DirectInternetAccess": internet, "RootAccess": root,
               "VolumeSizeInGB": 50, "PlatformIdentifier": "notebook-al2-v3", "CreationTime": when(200), "LastModifiedTime": when(10)}
        if vkey:
            v = ctx["vpc"](vkey)
            cfg["SubnetId"] = v["subnets"]["private-a"]["id"]
            cfg["SecurityGroups"] = [ctx["security_group_id"](vkey, "default")]
        if cmk:
            cfg["KmsKeyId"] = _key(env, region, cmk)
        _res("AWS::SageMaker::NotebookInstance", name, env, region, cfg, arn=arn, name=name, tags=_tags(env, "ml", "data-science", "CC-2300", name=name))
    for env, region, name, cmk, isolated in (("prod", USE1, "nw-churn-v3", "nw-prod-app-secrets", True), ("prod", USE1, "nw-forecast-v1", None, False),
                                            ("staging", USE1, "nw-churn-v4-rc", None, False)):
        acct = _acct(env)
        marn = "arn:aws:sagemaker:%s:%s:model/%s" % (region, acct, name)
        _res("AWS::SageMaker::Model", name, env, region,
             {"ModelName": name, "ModelArn": marn, "ExecutionRoleArn": "arn:aws:iam::%s:role/nw-%s-sagemaker-model" % (acct, env),
              "PrimaryContainer": {"Image": "%s.dkr.ecr.%s.amazonaws.com/%s:latest" % (acct, region, name),
                                   "ModelDataUrl": "s3://northwind-%s-ml-artifacts/%s/model.tar.gz" % (env, name)},
              "EnableNetworkIsolation": isolated, "CreationTime": when(60)},
             arn=marn, name=name, tags=_tags(env, "ml", "data-science", "CC-2300"))
        carn = "arn:aws:sagemaker:%s:%s:endpoint-config/%s-config" % (region, acct, name)
        ccfg = {"EndpointConfigName": name + "-config", "EndpointConfigArn": carn, "CreationTime": when(60),
                "ProductionVariants": [{"VariantName": "main", "ModelName": name, "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}]}
        if cmk:
            ccfg["KmsKeyId"] = _key(env, region, cmk)
        _res("AWS::SageMaker::EndpointConfig", name + "-config", env, region, ccfg, arn=carn, name=name + "-config",
             tags=_tags(env, "ml", "data-science", "CC-2300"))

    # Bedrock: used in us-east-1 by both accounts; invocation logging in prod us-east-1 only
    for env in ("prod", "staging"):
        for region in ctx["regions"]:
            acct = _acct(env)
            if (env, region) == ("prod", USE1):
                lc = {"cloudWatchConfig": {"logGroupName": "/aws/bedrock/model-invocations", "roleArn": "arn:aws:iam::%s:role/nw-prod-bedrock-logging" % acct,
                                           "largeDataDeliveryS3Config": {"bucketName": "northwind-prod-ml-artifacts", "keyPrefix": "bedrock-large/"}},
                      "textDataDeliveryEnabled": True, "imageDataDeliveryEnabled": False, "embeddingDataDeliveryEnabled": False}
            else:
                lc = None
            _res("AWS::Bedrock::ModelInvocationLoggingStatus", region, env, region, {"loggingConfig": lc})
    guards = [("prod", "nw-support-assistant", "HIGH", "nw-prod-app-secrets"), ("staging", "nw-staging-playground", "LOW", None)]
    gids = {}
    for env, name, strength, cmk in guards:
        acct = _acct(env)
        gid = hexid("gr", env, name, n=12)
        gids[env] = gid
        arn = "arn:aws:bedrock:%s:%s:guardrail/%s" % (USE1, acct, gid)
        filters = [{"type": t, "inputStrength": "HIGH", "outputStrength": "HIGH"} for t in ("SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT")]
        filters.append({"type": "PROMPT_ATTACK", "inputStrength": strength, "outputStrength": "NONE"})
        cfg = {"guardrailId": gid, "guardrailArn": arn, "name": name, "version": "DRAFT", "status": "READY", "createdAt": when(120),
               "updatedAt": when(15), "contentPolicy": {"filters": filters},
               "sensitiveInformationPolicy": {"piiEntities": [{"type": "EMAIL", "action": "ANONYMIZE"}, {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"}]},
               "blockedInputMessaging": "Sorry, I cannot help with that.", "blockedOutputsMessaging": "Sorry, I cannot help with that."}
        if cmk:
            cfg["kmsKeyArn"] = _key(env, USE1, cmk)
        _res("AWS::Bedrock::Guardrail", gid, env, USE1, cfg, arn=arn, name=name, tags=_tags(env, "genai", "ml-platform", "CC-2300", name=name))
    agents = [("prod", "nw-order-support-agent", "nw-prod-app-secrets", True), ("prod", "nw-report-writer-agent", None, False),
              ("staging", "nw-staging-support-agent", None, False)]
    for env, name, cmk, guard in agents:
        acct = _acct(env)
        aid = hexid("agent", env, name, n=10).upper()
        arn = "arn:aws:bedrock:%s:%s:agent/%s" % (USE1, acct, aid)
        cfg = {"agentId": aid, "agentName": name, "agentArn": arn, "agentStatus": "PREPARED", "foundationModel": "anthropic.claude-3-5-sonnet-20240620-v1:0",
               "agentResourceRoleArn": "arn:aws:iam::%s:role/%s-role" % (acct, name), "idleSessionTTLInSeconds": 900,
               "createdAt": when(90), "updatedAt": when(7)}
        if cmk:
            cfg["customerEncryptionKeyArn"] = _key(env, USE1, cmk)
        if guard:
            cfg["guardrailConfiguration"] = {"guardrailIdentifier": gids[env], "guardrailVersion": "1"}
        _res("AWS::Bedrock::Agent", aid, env, USE1, cfg, arn=arn, name=name, tags=_tags(env, "genai", "ml-platform", "CC-2300", name=name))
    for env, name, cmk in (("prod", "nw-ticket-classifier-ft", "nw-prod-app-secrets"), ("staging", "nw-ticket-classifier-ft-exp", None)):
        acct = _acct(env)
        arn = "arn:aws:bedrock:%s:%s:custom-model/amazon.titan-text-express-v1:0:8k/%s" % (USE1, acct, hexid("cm", env, name, n=12))
        cfg = {"modelArn": arn, "modelName": name, "baseModelArn": "arn:aws:bedrock:%s::foundation-model/amazon.titan-text-express-v1:0:8k" % USE1,
               "jobArn": "arn:aws:bedrock:%s:%s:model-customization-job/%s" % (USE1, acct, hexid("job", name, n=12)),
               "customizationType": "FINE_TUNING", "creationTime": when(75)}
        if cmk:
            cfg["modelKmsKeyArn"] = _key(env, USE1, cmk)
        _res("AWS::Bedrock::CustomModel", arn, env, USE1, cfg, arn=arn, name=name, tags=_tags(env, "genai", "ml-platform", "CC-2300"))


def add_resources(add, ctx):
    S.clear()
    S["add"], S["ctx"] = add, ctx
    build_subnets()
    build_security_groups()
    build_snapshots_and_images()
    build_endpoints_and_tgw()
    build_waf()
    build_load_balancers()
    build_cloudfront()
    build_api_gateway()
    build_lambda()
    build_ecs()
    build_eks()
    build_detection()
    build_ai()
