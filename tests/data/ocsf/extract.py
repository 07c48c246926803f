#!/usr/bin/env python3
"""Writes facts-1.6.0.json from a checkout of github.com/ocsf/ocsf-schema at
tag 1.6.0: what tests/cli/ocsf.sh checks attest's events against, each fact
with the schema file it comes from. Usage: extract.py SCHEMA_DIR [COMMIT] > facts.json
COMMIT, when given, is recorded as the commit the facts were read from (the
checkout is not needed to run the tests; the facts file is kept)."""
import json
import os
import sys

root = sys.argv[1]


def load(rel):
    with open(os.path.join(root, rel)) as f:
        return json.load(f)


dictionary = load("dictionary.json")["attributes"]


def enum(*sources):
    """An attribute's enumeration as the schema server builds it: the
    dictionary's values, then each definition's over them."""
    out, where = {}, []
    for rel, path in sources:
        node = load(rel) if rel != "dictionary.json" else dictionary
        for key in path:
            node = node[key]
        for k, v in node.get("enum", {}).items():
            out[k] = v["caption"]
        where.append("%s: %s" % (rel, ".".join(path)))
    return {"values": out, "from": where}


def required(rel):
    """Required attributes and at_least_one constraints of a class or object
    file (its own, not inherited: the caller lists the chain)."""
    d = load(rel)
    attrs = {k: v for k, v in d["attributes"].items() if k != "$include"}
    return {
        "required": sorted(k for k, v in attrs.items() if v.get("requirement") == "required"),
        "at_least_one": d.get("constraints", {}).get("at_least_one", []),
        "from": rel,
    }


def object_required(name):
    """The same for an object and every object it extends (_resource,
    _entity...): a requirement stated lower down is overridden by the
    object that extends it, as the schema server merges them."""
    chain, out = [], {"required": [], "at_least_one": [], "from": []}
    while name and name != "object":
        rel = "objects/%s.json" % name
        chain.append((rel, load(rel)))
        name = chain[-1][1].get("extends")
    level = {}
    for rel, d in reversed(chain):  # base first, then what overrides it
        for k, v in d["attributes"].items():
            if k != "$include" and "requirement" in v:
                level[k] = v["requirement"]
        if d.get("constraints", {}).get("at_least_one"):
            out["at_least_one"] = d["constraints"]["at_least_one"]
        out["from"].append(rel)
    out["required"] = sorted(k for k, v in level.items() if v == "required")
    return out


def own_attributes(d):
    """The attributes a class or object file defines, with those of the
    profiles it includes; the datetime profile (which attest applies) adds
    an RFC 3339 sibling NAME_dt to every timestamp attribute."""
    names = set()
    for k in d["attributes"]:
        if k == "$include":
            for rel in d["attributes"]["$include"]:
                names |= set(load(rel)["attributes"])
        else:
            names.add(k)
    names |= {k + "_dt" for k in list(names)
              if dictionary.get(k, {}).get("type") == "timestamp_t"}
    return names


def class_attributes(*rels):
    names = set()
    for rel in rels:
        names |= own_attributes(load(rel))
    return {"names": sorted(names), "from": list(rels)}


def object_attributes(name):
    names, where = set(), []
    while name and name != "object":
        rel = "objects/%s.json" % name
        d = load(rel)
        names |= own_attributes(d)
        where.append(rel)
        name = d.get("extends")
    return {"names": sorted(names), "from": where}


cls = load("events/findings/compliance_finding.json")
# the category is the class's own, else inherited from finding.json
category = cls.get("category") or load("events/findings/%s.json" % cls["extends"])["category"]
cat = load("categories.json")["attributes"][category]
facts = {
    "schema": "https://github.com/ocsf/ocsf-schema",
    "version": load("version.json")["version"],
    "commit": sys.argv[2] if len(sys.argv) > 2 else None,
    "class": {
        "name": cls["name"],
        "caption": cls["caption"],
        "category_uid": cat["uid"],
        "category_caption": cat["caption"],
        "uid": cat["uid"] * 1000 + cls["uid"],
        "from": "events/findings/compliance_finding.json (uid %d), categories.json (%s uid %d);"
        " class_uid = category_uid * 1000 + uid" % (cls["uid"], category, cat["uid"]),
        "type_uid": "class_uid * 100 + activity_id (events/base_event.json, type_uid)",
    },
    # the class and what it extends, then the profiles attest applies
    # (metadata.profiles: cloud makes `cloud` required)
    "event": [
        required("events/base_event.json"),
        required("events/findings/finding.json"),
        required("events/findings/compliance_finding.json"),
        required("profiles/cloud.json"),
    ],
    # objects attest writes, by the path where they appear in an event
    "objects": {
        "metadata": object_required("metadata"),
        "metadata.product": object_required("product"),
        "finding_info": object_required("finding_info"),
        "finding_info.analytic": object_required("analytic"),
        "compliance": object_required("compliance"),
        "compliance.checks[]": object_required("check"),
        "cloud": object_required("cloud"),
        "cloud.account": object_required("account"),
        "resources[]": object_required("resource_details"),
        "resources[].owner": object_required("user"),
        "remediation": object_required("remediation"),
        "evidences[]": object_required("evidences"),
    },
    # every attribute each level may have (the event's, with the profiles
    # its classes include): an attribute outside these is not OCSF's
    "attributes": {
        "": class_attributes("events/base_event.json", "events/findings/finding.json",
                             "events/findings/compliance_finding.json"),
        "metadata": object_attributes("metadata"),
        "metadata.product": object_attributes("product"),
        "finding_info": object_attributes("finding_info"),
        "finding_info.analytic": object_attributes("analytic"),
        "compliance": object_attributes("compliance"),
        "compliance.checks[]": object_attributes("check"),
        "cloud": object_attributes("cloud"),
        "cloud.account": object_attributes("account"),
        "resources[]": object_attributes("resource_details"),
        "resources[].owner": object_attributes("user"),
        "resources[].owner.account": object_attributes("account"),
        "remediation": object_attributes("remediation"),
        "evidences[]": object_attributes("evidences"),
    },
    "enums": {
        "activity_id": enum(("dictionary.json", ["activity_id"]),
                            ("events/base_event.json", ["attributes", "activity_id"]),
                            ("events/findings/finding.json", ["attributes", "activity_id"])),
        "severity_id": enum(("dictionary.json", ["severity_id"])),
        "status_id": enum(("dictionary.json", ["status_id"]),
                          ("events/findings/finding.json", ["attributes", "status_id"])),
        "compliance.status_id": enum(("dictionary.json", ["status_id"]),
                                     ("objects/compliance.json", ["attributes", "status_id"])),
        "compliance.checks[].status_id": enum(("objects/check.json",
                                               ["attributes", "status_id"])),
        "cloud.account.type_id": enum(("objects/account.json", ["attributes", "type_id"])),
        "finding_info.analytic.type_id": enum(("objects/analytic.json",
                                               ["attributes", "type_id"])),
    },
}
json.dump(facts, sys.stdout, indent=1, sort_keys=False)
sys.stdout.write("\n")
