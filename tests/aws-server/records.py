"""The estate the loopback AWS test server answers from, and the record
helpers every handler uses.

Estate holds one account's resources of a native attest inventory, by
type; of() lists them (in a region), one() gives the first. supp() is a
record's supplementaryConfiguration ({} when absent); tag_list() its tags
as the [{Key, Value}] list most APIs send (key and value name the members).
"""
import json


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


def supp(r):
    return r.get("supplementaryConfiguration") or {}


def tag_list(r, key="Key", value="Value"):
    return [{key: k, value: v} for k, v in (r.get("tags") or {}).items()]
