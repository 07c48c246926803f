#!/usr/bin/env python3
"""Checks attest's OCSF output (doc/ocsf.md) against the facts read from the
OCSF schema (tests/data/ocsf/facts-*.json) and against the JSON result of
the same scan.

usage: ocsf_check.py FACTS EVENTS.ndjson [RESULT.json]

Schema facts, on every line: it parses as one JSON object; class_uid,
category_uid and type_uid (class_uid * 100 + activity_id) are the class's;
every attribute the class, its parents and the cloud profile require is
present, and so is every attribute each object attest writes requires (and
one of each "at least one" group); no attribute is one the schema does not
define at its place; every enumerated id is a value of its
enumeration and its caption sibling is that value's caption; time is in
milliseconds and agrees with time_dt; metadata.version is the facts'.

With RESULT, the mapping: the events of findings are the result's findings
one for one (check, status, resource, account, region), each with the
status, compliance status and severity of doc/ocsf.md's table, the
result's controls as requirements, its evidence and exception; the other
events are the result's checks that judged nothing (not_evaluated, or error
with no finding). Prints each problem (the first 30) and the counts per
status; exits 1 on any problem.
"""
import calendar
import collections
import json
import sys
import time

facts = json.load(open(sys.argv[1]))
problems = []


def problem(line, msg):
    problems.append("line %d: %s" % (line, msg))


def get(obj, path):
    """The values at path ("a.b", "a[].b") in obj: a list, [] when absent."""
    out = [obj]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part[:-2] if many else part
        nxt = []
        for o in out:
            if isinstance(o, dict) and key in o:
                v = o[key]
                if many:
                    if isinstance(v, list):
                        nxt.extend(v)
                else:
                    nxt.append(v)
        out = nxt
    return out


def check_schema(n, ev):
    cls = facts["class"]
    if ev.get("class_uid") != cls["uid"]:
        problem(n, "class_uid %r, not %d" % (ev.get("class_uid"), cls["uid"]))
    if ev.get("category_uid") != cls["category_uid"]:
        problem(n, "category_uid %r, not %d" % (ev.get("category_uid"), cls["category_uid"]))
    if ev.get("class_name", cls["caption"]) != cls["caption"]:
        problem(n, "class_name %r" % ev.get("class_name"))
    if ev.get("category_name", cls["category_caption"]) != cls["category_caption"]:
        problem(n, "category_name %r" % ev.get("category_name"))
    act = ev.get("activity_id")
    if not isinstance(act, int) or ev.get("type_uid") != cls["uid"] * 100 + act:
        problem(n, "type_uid %r is not class_uid * 100 + activity_id %r"
                % (ev.get("type_uid"), act))
    acts = facts["enums"]["activity_id"]["values"]
    if "type_name" in ev and ev["type_name"] != "%s: %s" % (cls["caption"], acts.get(str(act))):
        problem(n, "type_name %r" % ev["type_name"])
    for part in facts["event"]:
        for attr in part["required"]:
            if attr not in ev:
                problem(n, "lacks %s, required by %s" % (attr, part["from"]))
    for path, req in facts["objects"].items():
        for obj in get(ev, path):
            if not isinstance(obj, dict):
                problem(n, "%s is not an object" % path)
                continue
            for attr in req["required"]:
                if attr not in obj:
                    problem(n, "%s lacks %s, required by %s" % (path, attr, req["from"][-1]))
            if req["at_least_one"] and not any(a in obj for a in req["at_least_one"]):
                problem(n, "%s has none of %s (%s)" % (path, req["at_least_one"], req["from"]))
    # no attribute OCSF does not define, at any level attest writes
    for path, allowed in facts["attributes"].items():
        names = set(allowed["names"])
        for obj in (get(ev, path) if path else [ev]):
            for k in (obj if isinstance(obj, dict) else {}):
                if k not in names:
                    problem(n, "%s%s is not an attribute of %s" % (path + "." if path else "",
                                                                 k, allowed["from"]))
    # every enumerated id: a value of its enumeration, its sibling the caption
    for path, enum in facts["enums"].items():
        parent_path, _, attr = path.rpartition(".")
        parents = get(ev, parent_path) if parent_path else [ev]
        for obj in parents:
            if not isinstance(obj, dict) or attr not in obj:
                continue
            v = obj[attr]
            caption = enum["values"].get(str(v)) if isinstance(v, int) else None
            if caption is None:
                problem(n, "%s %r is not in %s" % (path, v, enum["from"]))
                continue
            sib = attr[:-3] if attr.endswith("_id") else None
            if attr == "activity_id":
                sib = "activity_name"
            if sib in obj and str(v) != "99" and obj[sib] != caption:
                problem(n, "%s is %r, the caption of %s %d is %r" % (sib, obj[sib], path, v,
                                                                     caption))
            if sib in obj and str(v) == "99" and not obj[sib]:
                problem(n, "%s 99 (Other) without the source's value in %s" % (path, sib))
    if ev.get("metadata", {}).get("version") != facts["version"]:
        problem(n, "metadata.version %r" % ev.get("metadata", {}).get("version"))
    t = ev.get("time")
    if not isinstance(t, int) or t < 10 ** 12:
        problem(n, "time %r is not milliseconds since the epoch" % t)
    elif "time_dt" in ev:
        dt = calendar.timegm(time.strptime(ev["time_dt"], "%Y-%m-%dT%H:%M:%SZ"))
        if dt * 1000 != t:
            problem(n, "time %d and time_dt %s differ" % (t, ev["time_dt"]))


# doc/ocsf.md: attest status -> (status_id, compliance.status_id, rated):
# rated means severity_id is the check's severity, else 1 (Informational).
MAPPING = {
    "pass": (4, 1, False),
    "fail": (1, 3, True),
    "excepted": (3, 3, True),
    "error": (1, 2, True),
    "not_evaluated": (1, 2, True),
    "not_applicable": (99, 99, False),
}
SEVERITY = {"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}


def check_mapping(n, ev, status, severity):
    if status not in MAPPING:
        problem(n, "unknown attest status %r" % status)
        return
    sid, cid, rated = MAPPING[status]
    if ev.get("status_id") != sid:
        problem(n, "%s: status_id %r, not %d" % (status, ev.get("status_id"), sid))
    if ev.get("compliance", {}).get("status_id") != cid:
        problem(n, "%s: compliance.status_id %r, not %d"
                % (status, ev.get("compliance", {}).get("status_id"), cid))
    want = SEVERITY[severity] if rated else 1
    if ev.get("severity_id") != want:
        problem(n, "%s %s: severity_id %r, not %d" % (status, severity, ev.get("severity_id"),
                                                    want))


events = []
with open(sys.argv[2], encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            ev = json.loads(line)
        except ValueError as e:
            problem(n, "does not parse: %s" % e)
            continue
        if not isinstance(ev, dict) or not line.endswith("\n") or "\n" in line[:-1]:
            problem(n, "is not one JSON object on one line")
            continue
        check_schema(n, ev)
        events.append((n, ev))

counts = collections.Counter()
if len(sys.argv) > 3:
    result = json.load(open(sys.argv[3]))
    checks = {c["id"]: c for c in result["checks"]}

    def key(check, status, rid, account, region):
        return (check, status, rid, account, region)

    want = collections.Counter()
    findings = {}
    for fd in result["findings"]:
        r = fd["resource"]
        k = key(fd["check"], fd["status"], r["id"], r["account"], r["region"])
        want[k] += 1
        findings[k] = fd
    whole = {c["id"]: c for c in result["checks"]
             if c["status"] == "not_evaluated"
             or (c["status"] == "error" and not any(c["counts"].values()))}
    got = collections.Counter()
    for n, ev in events:
        comp = ev.get("compliance", {})
        status = comp.get("status_code")
        counts[status] += 1
        res = ev.get("resources") or [{}]
        if not ev.get("resources"):
            c = whole.pop(comp.get("control"), None)
            if not c or c["status"] != status:
                problem(n, "a whole-check event of %r (%s) the result has no such check"
                        % (comp.get("control"), status))
                continue
            check_mapping(n, ev, status, c["severity"])
            continue
        k = key(comp.get("control"), status, res[0].get("uid"),
                ev.get("cloud", {}).get("account", {}).get("uid"), res[0].get("region"))
        got[k] += 1
        fd = findings.get(k)
        if not fd:
            problem(n, "no finding %r in the result" % (k,))
            continue
        check_mapping(n, ev, status, fd["severity"])
        if checks[fd["check"]]["title"] != ev.get("finding_info", {}).get("title"):
            problem(n, "finding_info.title is not the check's title")
        reqs = sorted("%s/%s" % (c["framework"], c["control"]) for c in fd["controls"])
        if sorted(comp.get("requirements", [])) != reqs:
            problem(n, "requirements %r, the result's controls %r" % (comp.get("requirements"),
                                                                      reqs))
        if fd["resource"]["arn"] != res[0].get("uid_alt"):
            problem(n, "resources[0].uid_alt %r, the ARN is %r" % (res[0].get("uid_alt"),
                                                                   fd["resource"]["arn"]))
        data = [e.get("data") for e in ev.get("evidences", [])]
        if data != ([fd["evidence"]] if fd["evidence"] is not None else []):
            problem(n, "evidences differ from the result's evidence")
        exc = ev.get("unmapped", {}).get("exception", {}).get("id")
        if exc != fd["exception"]:
            problem(n, "exception %r, the result's %r" % (exc, fd["exception"]))
    for k in (want - got):
        problems.append("finding %r of the result has no event" % (k,))
    for k in (got - want):
        problems.append("event %r twice" % (k,))
    for c in whole:
        problems.append("check %s (%s) judged nothing and has no event" % (c, whole[c]["status"]))

for p in problems[:30]:
    print(p)
if len(problems) > 30:
    print("... %d problems in all" % len(problems))
print("events: %d; %s" % (len(events), " ".join("%s=%d" % kv for kv in sorted(counts.items()))))
sys.exit(1 if problems else 0)
