#!/usr/bin/env python3
"""Generates src/collect/aws/model_gen.c (and the test cases of
tests/data/aws-collect/model_cases.json) from botocore's service models.

The XML answers of the query protocol (IAM, STS, EC2, SNS, RDS, CloudWatch,
ElastiCache, Redshift, ELB, ELBv2) carry no types, and EC2's element names
are not the API's member names. The service model says both: for every
operation attest calls, this script walks the output shape and emits a
compact table of the shapes reachable from it (structure members with their
wire name - locationName, else the member name - and their JSON name - the
member name, as AWS Config and the JSON APIs spell it -, list and map
element shapes, and the scalar types boolean, integer, float, timestamp,
string, blob). protocol_model.c converts answers with it.

It also writes, for each operation, answers generated from the model with the
JSON the model says they mean, which tests/unit/test_aws_collect.c converts
and compares: every member set (lists of one item); every top-level
structure and list an empty element; and every member set except the small
ones (structures of scalars, lists of scalars), sent as empty elements at
every depth (EC2's <hibernationOptions/>).

Regenerate (Debian: apt-get install python3-botocore):
    python3 src/collect/aws/gen_model.py [BOTOCORE_DATA_DIR]
The default data directory is that of the botocore module found by python3.
"""
import json, os, sys
from xml.sax.saxutils import escape

# (model directory, API version, protocol style, operations attest calls)
OPERATIONS = [
    ("ec2", "2016-11-15", [
        "DescribeInstances", "DescribeVolumes", "DescribeSecurityGroups", "DescribeNetworkAcls",
        "DescribeVpcs", "DescribeFlowLogs", "GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId",
        "DescribeSnapshots", "DescribeImages", "DescribeSnapshotAttribute", "DescribeVpcEndpoints",
        "DescribeSubnets", "DescribeTransitGateways", "DescribeRegions"]),
    ("iam", "2010-05-08", [
        "GetAccountAuthorizationDetails", "ListEntitiesForPolicy", "GetAccountSummary",
        "ListVirtualMFADevices", "GetAccountPasswordPolicy", "ListServerCertificates",
        "ListAccountAliases", "GenerateCredentialReport", "GetCredentialReport"]),
    ("sts", "2011-06-15", ["GetCallerIdentity", "AssumeRole"]),
    ("sns", "2010-03-31", ["ListTopics", "GetTopicAttributes", "ListSubscriptionsByTopic",
                           "ListTagsForResource"]),
    ("rds", "2014-10-31", [
        "DescribeDBInstances", "DescribeDBParameters", "DescribeDBClusters",
        "DescribeDBClusterParameters", "DescribeDBSnapshots", "DescribeDBSnapshotAttributes",
        "DescribeDBClusterSnapshots", "DescribeDBClusterSnapshotAttributes"]),
    ("cloudwatch", "2010-08-01", ["DescribeAlarms"]),
    ("elasticache", "2015-02-02", ["DescribeReplicationGroups", "DescribeCacheClusters",
                                   "ListTagsForResource"]),
    ("redshift", "2012-12-01", ["DescribeClusters", "DescribeClusterParameters",
                                "DescribeLoggingStatus"]),
    ("elb", "2012-06-01", ["DescribeLoadBalancers", "DescribeLoadBalancerAttributes",
                           "DescribeLoadBalancerPolicies", "DescribeTags"]),
    ("elbv2", "2015-12-01", ["DescribeLoadBalancers", "DescribeLoadBalancerAttributes",
                             "DescribeTags", "DescribeListeners"]),
]

KINDS = {"structure": "AWS_M_STRUCT", "list": "AWS_M_LIST", "map": "AWS_M_MAP",
         "boolean": "AWS_M_BOOL", "integer": "AWS_M_INT", "long": "AWS_M_INT",
         "float": "AWS_M_REAL", "double": "AWS_M_REAL", "timestamp": "AWS_M_TIME",
         "string": "AWS_M_STRING", "blob": "AWS_M_STRING"}


def data_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    import botocore
    return os.path.join(os.path.dirname(botocore.__file__), "data")


class Table:
    """Shapes numbered in the order first reached; one entry per (service, shape)."""

    def __init__(self):
        self.shapes = []    # dicts: kind, a, b, c, d
        self.members = []   # (wire, name, shape index)
        self.index = {}

    def add(self, model, svc, name):
        key = (svc, name)
        if key in self.index:
            return self.index[key]
        sh = model["shapes"][name]
        i = len(self.shapes)
        self.index[key] = i
        entry = {"kind": KINDS[sh["type"]], "a": 0, "b": 0, "c": 0, "d": "NULL", "flat": 0,
                 "comment": "%s %s" % (svc, name)}
        self.shapes.append(entry)
        if sh["type"] == "structure":
            mem = []
            for m, ref in sh.get("members", {}).items():
                target = model["shapes"][ref["shape"]]
                wire = ref.get("locationName", m)
                if target["type"] == "list" and target.get("flattened"):
                    wire = target["member"].get("locationName", wire)
                mem.append((wire, m, ref["shape"], target["type"] == "list" and target.get("flattened")))
            first = len(self.members)
            self.members.extend([None] * len(mem))
            entry["a"], entry["b"] = first, len(mem)
            for k, (wire, m, target, flat) in enumerate(mem):
                self.members[first + k] = (wire, m, self.add(model, svc, target))
        elif sh["type"] == "list":
            entry["flat"] = 1 if sh.get("flattened") else 0
            entry["d"] = cstr(sh["member"].get("locationName", "member"))
            entry["a"] = self.add(model, svc, sh["member"]["shape"])
        elif sh["type"] == "map":
            entry["flat"] = 1 if sh.get("flattened") else 0
            entry["d"] = cstr(sh["key"].get("locationName", "key"))
            entry["e"] = cstr(sh["value"].get("locationName", "value"))
            entry["a"] = self.add(model, svc, sh["key"]["shape"])
            entry["b"] = self.add(model, svc, sh["value"]["shape"])
        return i


def cstr(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


# ---- sample answers, for the tests ----

def small(model, name):
    """A structure of scalars, or a list of scalars."""
    sh = model["shapes"][name]
    if sh["type"] == "structure":
        return all(model["shapes"][r["shape"]]["type"] not in ("structure", "list", "map")
                   for r in sh.get("members", {}).values())
    if sh["type"] == "list":
        return model["shapes"][sh["member"]["shape"]]["type"] not in ("structure", "list", "map")
    return False


def sample(model, name, stack, empty, inner=False):
    """(xml inner text, json value) of shape name; None to leave it out.
    inner: small structures and lists, at any depth, are empty elements."""
    sh = model["shapes"][name]
    t = sh["type"]
    if inner and not empty and len(stack) > 1 and small(model, name):
        empty = True
    if name in stack or len(stack) > 12:
        return None
    stack = stack + [name]
    if t == "structure":
        if empty:
            return "", {}
        xml, obj = "", {}
        for m, ref in sh.get("members", {}).items():
            target = model["shapes"][ref["shape"]]
            s = sample(model, ref["shape"], stack, False, inner)
            if s is None:
                continue
            wire = ref.get("locationName", m)
            if target["type"] == "list" and target.get("flattened"):
                item = target["member"].get("locationName", wire)
                xml += s[0].replace("<@>", "<%s>" % item).replace("</@>", "</%s>" % item)
            else:
                xml += "<%s>%s</%s>" % (wire, s[0], wire) if s[0] else "<%s/>" % wire
            obj[m] = s[1]
        return xml, obj
    if t == "list":
        if empty:
            return "", []
        s = sample(model, sh["member"]["shape"], stack, False, inner)
        if s is None:
            return "", []
        item = "@" if sh.get("flattened") else sh["member"].get("locationName", "member")
        return "<%s>%s</%s>" % (item, s[0], item), [s[1]]
    if t == "map":
        if empty:
            return "", {}
        v = sample(model, sh["value"]["shape"], stack, False, inner)
        if v is None:
            return "", {}
        kn = sh["key"].get("locationName", "key")
        vn = sh["value"].get("locationName", "value")
        return "<entry><%s>k1</%s><%s>%s</%s></entry>" % (kn, kn, vn, v[0], vn), {"k1": v[1]}
    if t == "boolean":
        return "true", True
    if t in ("integer", "long"):
        return "42", 42
    if t in ("float", "double"):
        return "1.5", 1.5
    if t == "timestamp":
        return "2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05.000Z"
    v = sh.get("enum", ["v-" + name])[0]
    return escape(v), v


def case(model, version, op, empty, inner=False):
    o = model["operations"][op]
    out = o["output"]["shape"]
    ec2 = model["metadata"]["protocol"] == "ec2"
    sh = model["shapes"][out]
    xml, obj = "", {}
    for m, ref in sh.get("members", {}).items():
        target = model["shapes"][ref["shape"]]
        if empty and target["type"] not in ("structure", "list", "map"):
            continue
        s = sample(model, ref["shape"], [out], empty, inner)
        if s is None:
            continue
        wire = ref.get("locationName", m)
        if target["type"] == "list" and target.get("flattened"):
            item = target["member"].get("locationName", wire)
            xml += s[0].replace("<@>", "<%s>" % item).replace("</@>", "</%s>" % item)
        else:
            xml += "<%s>%s</%s>" % (wire, s[0], wire) if s[0] or not empty else "<%s/>" % wire
        obj[m] = s[1]
    ns = "https://example.invalid/doc/%s/" % version
    if ec2:
        doc = '<%sResponse xmlns="%s">%s</%sResponse>' % (op, ns, xml, op)
    else:
        wrapper = o["output"].get("resultWrapper", op + "Result")
        doc = ('<%sResponse xmlns="%s"><%s>%s</%s><ResponseMetadata><RequestId>r</RequestId>'
               "</ResponseMetadata></%sResponse>" % (op, ns, wrapper, xml, wrapper, op))
    return {"version": version, "operation": op, "empty": "top" if empty else "inner" if inner else "none",
            "xml": doc, "json": obj}


def main():
    base = data_dir()
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.abspath(os.path.join(here, "..", "..", ".."))
    import botocore
    t = Table()
    ops = []
    cases = []
    for svc, version, names in OPERATIONS:
        with open(os.path.join(base, svc, version, "service-2.json")) as f:
            model = json.load(f)
        for op in names:
            out = model["operations"][op].get("output")
            ops.append((version, op, t.add(model, svc, out["shape"]) if out else -1))
            if out:
                cases.append(case(model, version, op, False))
                cases.append(case(model, version, op, True))
                cases.append(case(model, version, op, False, True))
    lines = ["/*",
             " * Generated by src/collect/aws/gen_model.py from botocore %s's service" % botocore.__version__,
             " * models: do not edit; regenerate with",
             " *     python3 src/collect/aws/gen_model.py",
             " * The output shapes of the query-protocol operations attest calls (see",
             " * model.h).",
             " */",
             '#include "config.h"', "", '#include "collect/aws/model.h"', "",
             "const struct aws_model_member aws_model_members[] = {"]
    for wire, name, shape in t.members:
        lines.append("\t{%s, %s, %d}," % (cstr(wire), cstr(name), shape))
    lines += ["};", "", "const struct aws_model_shape aws_model_shapes[] = {"]
    for i, s in enumerate(t.shapes):
        lines.append("\t{%s, %d, %d, %s, %s, %d}, /* %d %s */" % (
            s["kind"], s["a"], s["b"], s["d"], s.get("e", "NULL"), s["flat"], i, s["comment"]))
    lines += ["};", "", "const struct aws_model_op aws_model_ops[] = {"]
    for version, op, shape in ops:
        lines.append("\t{%s, %s, %d}," % (cstr(version), cstr(op), shape))
    lines += ["\t{NULL, NULL, -1}};", "",
              "const size_t aws_model_n_shapes = %d;" % len(t.shapes), ""]
    with open(os.path.join(here, "model_gen.c"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(top, "tests", "data", "aws-collect", "model_cases.json"), "w") as f:
        json.dump({"generated_by": "src/collect/aws/gen_model.py",
                   "botocore": botocore.__version__, "cases": cases}, f, indent=0, sort_keys=True)
        f.write("\n")
    print("%d operations, %d shapes, %d members, %d cases" % (len(ops), len(t.shapes),
                                                              len(t.members), len(cases)))


if __name__ == "__main__":
    main()
