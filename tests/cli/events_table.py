#!/usr/bin/env python3
"""Checks on the event table frameworks/events/aws.xml (doc/events.md).

  events_table.py coverage TABLE SRCDIR
      Every resource type that a bundled check reads (frameworks/checks/**:
      <resource-type> and <requires>) and that the live collector produces
      (AWS_TYPES in src/collect/aws/collect_int.h) has events in the table
      that touch it, or an <unannounced> reason; every type the table
      declares is one the collector produces; every declared type is used.
      Prints one line per problem, exits 1 when there is any.

  events_table.py botocore TABLE BOTOCORE_DATA
      Every event's operation (operation=, else its name) exists in the
      botocore service model of its service (service= on the event, else one
      of the source's), and the first member of every requestParameters path
      is one of the operation's input members as CloudTrail names it (first
      letter lower-cased; EC2's xxxSet lists and XxxRequest wrappers and S3's
      bucketName allowed). A service whose model the installed botocore
      lacks is listed as not checked. Exits 1 when an operation or a member
      is missing, 2 when no service at all could be checked.

  events_table.py without TABLE OUT TYPE [REASON]
      Writes TABLE to OUT without the touches of TYPE, and with REASON as
      TYPE's <unannounced> when given (for the tests of the checks above).
"""
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = {"e": "urn:attest:events:1"}
CHECKS_NS = "{urn:attest:checks:1}"


def load(table):
    return ET.parse(table).getroot()


def collector_types(srcdir):
    text = open(os.path.join(srcdir, "src/collect/aws/collect_int.h")).read()
    return set(re.findall(r'X\(T_[A-Z0-9_]+,\s*"([^"]+)"\)', text))


def check_types(srcdir):
    types = set()
    for path in glob.glob(os.path.join(srcdir, "frameworks/checks/**/*.xml"), recursive=True):
        for el in ET.parse(path).getroot().iter():
            if el.tag in (CHECKS_NS + "resource-type", CHECKS_NS + "requires"):
                types.add(el.text.strip())
    return types


def coverage(table, srcdir):
    root = load(table)
    produced = collector_types(srcdir)
    read = check_types(srcdir)
    if not produced or not read:
        print("no collector types or no check types found under %s" % srcdir)
        return 1
    declared = {t.get("name"): t for t in root.findall("e:type", NS)}
    touched = {}
    for src in root.findall("e:source", NS):
        for ev in src.findall("e:event", NS):
            for touch in ev.findall("e:touch", NS):
                if touch.get("type"):
                    touched.setdefault(touch.get("type"), []).append(ev.get("name"))
    problems = []
    for t in sorted(read & produced):
        reason = t in declared and declared[t].find("e:unannounced", NS) is not None
        if t not in touched and not reason:
            problems.append("type %s: read by a check, produced by the collector, but no "
                            "event touches it and no <unannounced> reason" % t)
    for t in sorted(declared):
        if t not in produced:
            problems.append("type %s: declared in the table, not produced by the collector" % t)
        elif t not in touched and declared[t].find("e:unannounced", NS) is None:
            problems.append("type %s: declared but no event touches it" % t)
    for p in problems:
        print(p)
    covered = len(read & produced) - sum(1 for p in problems if "read by a check" in p)
    print("# types read and produced: %d, covered: %d, events: %d, tag-only: %d" % (
        len(read & produced), covered, len(root.findall("e:source/e:event", NS)),
        len(root.findall("e:source/e:event[@tags='true']", NS))))
    return 1 if problems else 0


def load_model(data, service):
    paths = sorted(glob.glob(os.path.join(data, service, "*", "service-2.json")))
    return json.load(open(paths[-1])) if paths else None


def request_members(model, op):
    """The names CloudTrail may give op's input members, or None."""
    shape = model["operations"][op].get("input")
    if not shape:
        return set()
    members = model["shapes"][shape["shape"]].get("members", {})
    names = {m[0].lower() + m[1:] for m in members} | set(members)
    if model["metadata"]["protocol"] == "ec2":
        names.add(op + "Request")  # newer EC2 calls wrap the request
        names |= {n[0].lower() + n[1:] + "Set" for n in ("instances", "resources")}
    if model["metadata"].get("endpointPrefix") == "s3":
        names.add("bucketName")
    return names


def request_keys(event):
    for touch in event.findall("e:touch", NS):
        paths = [i.get("path") for i in touch.findall("e:id", NS)]
        if touch.get("if"):
            paths.append(touch.get("if"))
        for p in paths:
            if p.startswith("requestParameters."):
                yield re.split(r"[.\[]", p)[1]


def ec2_set(key, names):
    """EC2's query API lists: flowLogIdSet for FlowLogIds, resourceIdSet..."""
    return key.endswith("Set") and (key[:-3] + "s") in names


def botocore(table, data):
    root = load(table)
    cache = {}
    missing, unchecked, checked, keys = [], set(), 0, 0
    for src in root.findall("e:source", NS):
        for ev in src.findall("e:event", NS):
            services = (ev.get("service") or src.get("service")).split()
            op = ev.get("operation") or ev.get("name")
            models = []
            for s in services:
                if s not in cache:
                    cache[s] = load_model(data, s)
                if cache[s] is None:
                    unchecked.add(s)
                else:
                    models.append(cache[s])
            if not models:
                continue
            checked += 1
            with_op = [m for m in models if op in m["operations"]]
            if not with_op:
                missing.append("%s %s: no operation '%s' in botocore's %s" % (
                    src.get("name"), ev.get("name"), op, " / ".join(services)))
                continue
            names = set()
            for m in with_op:
                names |= request_members(m, op)
            for key in request_keys(ev):
                keys += 1
                if key not in names and not ec2_set(key, names):
                    missing.append("%s %s: '%s' is not a request member of %s" % (
                        src.get("name"), ev.get("name"), key, op))
    for m in missing:
        print(m)
    for s in sorted(unchecked):
        print("not checked: the installed botocore has no '%s' model" % s)
    print("# events checked against botocore: %d, request members checked: %d, "
          "missing: %d" % (checked, keys, len(missing)))
    if checked == 0:
        return 2
    return 1 if missing else 0


def without(table, out, type_name, reason=None):
    ET.register_namespace("", NS["e"])
    tree = ET.parse(table)
    for ev in tree.getroot().iter("{%s}event" % NS["e"]):
        for t in ev.findall("e:touch", NS):
            if t.get("type") == type_name:
                ev.remove(t)
    for t in tree.getroot().findall("e:type", NS):
        if reason and t.get("name") == type_name:
            ET.SubElement(t, "{%s}unannounced" % NS["e"]).text = reason
    tree.write(out)
    return 0


if __name__ == "__main__":
    if len(sys.argv) in (5, 6) and sys.argv[1] == "without":
        sys.exit(without(*sys.argv[2:]))
    if len(sys.argv) != 4 or sys.argv[1] not in ("coverage", "botocore"):
        sys.exit(__doc__)
    fn = coverage if sys.argv[1] == "coverage" else botocore
    sys.exit(fn(sys.argv[2], sys.argv[3]))
