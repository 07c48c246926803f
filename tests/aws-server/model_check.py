#!/usr/bin/env python3
"""Checks a collected inventory's query-protocol resources against botocore's
service models: every configuration key of a resource read from a query
answer (EC2, IAM, RDS, Redshift, ElastiCache, ELB, ELBv2, CloudWatch) must be
a member name of its shape, and every value of the type the model gives it:
booleans JSON booleans, integers and floats JSON numbers, structures objects,
lists arrays, strings and timestamps strings (recursively).

Usage: model_check.py INVENTORY.ndjson
Prints one line per problem ("TYPE ID PATH: problem") and a last line
"checked: N resources, M values"; exit 1 when a problem was found or
botocore is not installed (Debian: python3-botocore).

What the collector adds on purpose is not a problem: the policy documents it
decodes from their URL-encoded string into an object (the inventory format's
documented shape), and the keys listed in ADDED.
"""
import json, sys

try:
    import botocore.loaders
except ImportError:
    print("botocore is not installed (python3-botocore, install-deps.sh installs it)")
    sys.exit(1)

# resource type -> (model, API version, shape of one item)
TYPES = {
    "AWS::EC2::Instance": ("ec2", "2016-11-15", "Instance"),
    "AWS::EC2::Volume": ("ec2", "2016-11-15", "Volume"),
    "AWS::EC2::SecurityGroup": ("ec2", "2016-11-15", "SecurityGroup"),
    "AWS::EC2::NetworkAcl": ("ec2", "2016-11-15", "NetworkAcl"),
    "AWS::EC2::VPC": ("ec2", "2016-11-15", "Vpc"),
    "AWS::EC2::FlowLog": ("ec2", "2016-11-15", "FlowLog"),
    "AWS::EC2::Snapshot": ("ec2", "2016-11-15", "Snapshot"),
    "AWS::EC2::Image": ("ec2", "2016-11-15", "Image"),
    "AWS::EC2::VPCEndpoint": ("ec2", "2016-11-15", "VpcEndpoint"),
    "AWS::EC2::Subnet": ("ec2", "2016-11-15", "Subnet"),
    "AWS::EC2::TransitGateway": ("ec2", "2016-11-15", "TransitGateway"),
    "AWS::IAM::User": ("iam", "2010-05-08", "UserDetail"),
    "AWS::IAM::Group": ("iam", "2010-05-08", "GroupDetail"),
    "AWS::IAM::Role": ("iam", "2010-05-08", "RoleDetail"),
    "AWS::IAM::Policy": ("iam", "2010-05-08", "ManagedPolicyDetail"),
    "AWS::IAM::ServerCertificate": ("iam", "2010-05-08", "ServerCertificateMetadata"),
    "AWS::RDS::DBInstance": ("rds", "2014-10-31", "DBInstance"),
    "AWS::RDS::DBCluster": ("rds", "2014-10-31", "DBCluster"),
    "AWS::RDS::DBSnapshot": ("rds", "2014-10-31", "DBSnapshot"),
    "AWS::RDS::DBClusterSnapshot": ("rds", "2014-10-31", "DBClusterSnapshot"),
    "AWS::Redshift::Cluster": ("redshift", "2012-12-01", "Cluster"),
    "AWS::ElastiCache::ReplicationGroup": ("elasticache", "2015-02-02", "ReplicationGroup"),
    "AWS::ElastiCache::CacheCluster": ("elasticache", "2015-02-02", "CacheCluster"),
    "AWS::ElasticLoadBalancing::LoadBalancer": ("elb", "2012-06-01", "LoadBalancerDescription"),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("elbv2", "2015-12-01", "LoadBalancer"),
    "AWS::ElasticLoadBalancingV2::Listener": ("elbv2", "2015-12-01", "Listener"),
    "AWS::CloudWatch::Alarm": ("cloudwatch", "2010-08-01", "MetricAlarm"),
}
# Members the sample estate (AWS Config-style records) has beyond the
# operation's shape, with the shape whose member they are; their type is
# still checked.
EXTRA = {("RoleDetail", "MaxSessionDuration"): ("iam", "2010-05-08", "Role")}
# Documents the collector decodes (URL-encoded JSON text in the API).
DOCUMENTS = {"AssumeRolePolicyDocument", "PolicyDocument", "Document"}

JSON_TYPES = {"boolean": (bool,), "integer": (int,), "long": (int,), "float": (int, float),
              "double": (int, float), "timestamp": (str,), "string": (str,), "blob": (str,),
              "structure": (dict,), "list": (list,), "map": (dict,)}


def check(m, shape, v, path, out, counter):
    sh = m["shapes"][shape]
    t = sh["type"]
    counter[0] += 1
    ok = JSON_TYPES[t]
    if isinstance(v, bool) and bool not in ok:
        ok = ()
    if not isinstance(v, ok):
        if not (t == "string" and path.split(".")[-1].split("[")[0] in DOCUMENTS and isinstance(v, dict)):
            out.append("%s: %s where the model has %s %s" % (path, type(v).__name__, t, shape))
        return
    if t == "structure":
        members = sh.get("members", {})
        for k, x in v.items():
            extra = EXTRA.get((shape, k))
            if k not in members and extra:
                check(load(extra), load(extra)["shapes"][extra[2]]["members"][k]["shape"], x,
                      "%s.%s" % (path, k), out, counter)
            elif k not in members:
                out.append("%s.%s: not a member of %s" % (path, k, shape))
            else:
                check(m, members[k]["shape"], x, "%s.%s" % (path, k), out, counter)
    elif t == "list":
        for i, x in enumerate(v):
            check(m, sh["member"]["shape"], x, "%s[%d]" % (path, i), out, counter)
    elif t == "map":
        for k, x in v.items():
            check(m, sh["value"]["shape"], x, "%s{%s}" % (path, k), out, counter)


_loader = botocore.loaders.Loader()
_models = {}


def load(spec):
    if spec[0] not in _models:
        _models[spec[0]] = _loader.load_service_model(spec[0], "service-2", spec[1])
    return _models[spec[0]]


def main():
    problems, resources, counter = [], 0, [0]
    with open(sys.argv[1]) as f:
        for n, line in enumerate(f):
            if n == 0:
                continue
            r = json.loads(line)
            spec = TYPES.get(r["type"])
            if not spec:
                continue
            out = []
            check(load(spec), spec[2], r["configuration"], "configuration", out, counter)
            problems += ["%s %s %s" % (r["type"], r["id"], p) for p in out]
            resources += 1
    for p in problems:
        print(p)
    print("checked: %d resources, %d values" % (resources, counter[0]))
    sys.exit(1 if problems or not resources else 0)


if __name__ == "__main__":
    main()
