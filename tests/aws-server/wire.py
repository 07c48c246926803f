"""The element names real AWS sends, from botocore's service models.

The server's handlers build query-protocol answers from the estate's API
member names, guessing the wire names (EC2's lower-case first letter, a few
hand-kept renames, "member" or "item" list elements). Real EC2 sends
<reason> for StateTransitionReason, <groupSet> for SecurityGroups, and each
service names its list elements as its model says. rewrite() walks an answer
alongside the operation's output shape and renames every element it can
match to a member (by its wire name, its member name, or its member name
with a lower-case first letter) to that member's wire name, and every list
element to the list's element name, so the collector is tested against the
wire format AWS documents. Without botocore (Debian: python3-botocore) the
answers go out as built, and available() says so.
"""
import threading
import xml.etree.ElementTree as ET

try:
    import botocore.loaders
    _LOADER = botocore.loaders.Loader()
except ImportError:  # pragma: no cover - depends on the machine
    _LOADER = None

# API version sent by the collector -> botocore model name.
VERSIONS = {"2016-11-15": "ec2", "2010-05-08": "iam", "2011-06-15": "sts", "2010-03-31": "sns",
            "2014-10-31": "rds", "2010-08-01": "cloudwatch", "2015-02-02": "elasticache",
            "2012-12-01": "redshift", "2012-06-01": "elb", "2015-12-01": "elbv2"}
_models = {}
_lock = threading.Lock()


def available():
    return _LOADER is not None


def model(version):
    name = VERSIONS.get(version or "")
    if not name or not _LOADER:
        return None
    with _lock:
        if version not in _models:
            _models[version] = _LOADER.load_service_model(name, "service-2", version)
        return _models[version]


def _lower_first(s):
    return s[:1].lower() + s[1:]


def _member(m, shape, tag):
    for name, ref in m["shapes"][shape].get("members", {}).items():
        if tag in (ref.get("locationName"), name, _lower_first(name)):
            return name, ref
    return None


def _fix(m, shape, el):
    sh = m["shapes"][shape]
    t = sh["type"]
    if t == "structure":
        for child in list(el):
            found = _member(m, shape, child.tag)
            if found:
                name, ref = found
                child.tag = ref.get("locationName", name)
                _fix(m, ref["shape"], child)
    elif t == "list" and not sh.get("flattened"):
        item = sh["member"].get("locationName", "member")
        for child in list(el):
            child.tag = item
            _fix(m, sh["member"]["shape"], child)
    elif t == "map" and not sh.get("flattened"):
        key = sh["key"].get("locationName", "key")
        value = sh["value"].get("locationName", "value")
        for entry in list(el):
            for kv in list(entry):
                if kv.tag in ("key", key):
                    kv.tag = key
                elif kv.tag in ("value", value):
                    kv.tag = value
                    _fix(m, sh["value"]["shape"], kv)


def rewrite(version, op, body):
    """body with the wire names of op's model; unchanged when there is none."""
    m = model(version)
    out = m and m["operations"].get(op, {}).get("output")
    if not out:
        return body
    start = body.index(">")
    head, rest = body[:start + 1], body[start + 1:]
    tag = head[1:].split()[0].rstrip(">")
    root = ET.fromstring("<%s>%s" % (tag, rest))
    if m["metadata"]["protocol"] == "ec2":
        _fix(m, out["shape"], root)
    else:
        res = root.find(out.get("resultWrapper", op + "Result"))
        if res is None:
            res = root.find(op + "Result")
        if res is not None:
            _fix(m, out["shape"], res)
    inner = "".join(ET.tostring(c, encoding="unicode") for c in root)
    return "%s%s</%s>" % (head, inner, tag)
