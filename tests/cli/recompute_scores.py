#!/usr/bin/env python3
"""Recomputes every score attest printed in a JSON result from the result's
own controls and checks (doc/scoring.md), and checks that every count adds
up. Prints one line per problem and exits 1 when there is any."""
import json
import sys

WEIGHT = {"critical": 4, "high": 3, "medium": 2, "low": 1, "informational": 1}
RANK = ["critical", "high", "medium", "low", "informational"]
STATUSES = ["pass", "fail", "manual", "not_evaluated", "not_applicable", "error",
            "excepted", "attested"]


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 0.05 + 1e-9


def main(path):
    result = json.load(open(path))
    checks = {c["id"]: c for c in result["checks"]}
    problems = []

    def bad(what):
        problems.append(what)

    for fw in result["frameworks"]:
        name = fw["id"]
        ctls = fw["controls"]
        counts = fw["counts"]
        if sum(counts[s] for s in STATUSES) != counts["total"]:
            bad(f"{name}: counts do not add up to total {counts['total']}")
        if counts["total"] != len(ctls):
            bad(f"{name}: total {counts['total']} but {len(ctls)} controls listed")
        for s in STATUSES:
            n = sum(1 for c in ctls if c["status"] == s)
            if n != counts[s]:
                bad(f"{name}: {n} controls are {s}, counts say {counts[s]}")
        passing = counts["pass"] + counts["attested"]
        scored = passing + counts["fail"]
        if fw["controls_passing"] != passing or fw["controls_scored"] != scored:
            bad(f"{name}: controls_passing/scored {fw['controls_passing']}/"
                f"{fw['controls_scored']}, recomputed {passing}/{scored}")
        score = 100.0 * passing / scored if scored else None
        if not close(fw["score"], score):
            bad(f"{name}: score {fw['score']}, recomputed {score}")
        judged = (counts["pass"] + counts["fail"] + counts["not_applicable"] +
                  counts["excepted"] + counts["attested"])
        coverage = 100.0 * judged / counts["total"] if counts["total"] else None
        if not close(fw["coverage"], coverage):
            bad(f"{name}: coverage {fw['coverage']}, recomputed {coverage}")
        num = den = 0.0
        n_posture = 0
        for c in ctls:
            cid = f"{name} {c['id']}"
            mapped = [checks[k] for k in c["checks"] if k in checks]
            if len(mapped) != len(c["checks"]):
                bad(f"{cid}: maps checks the result does not list")
            sev = min((RANK.index(k["severity"]) for k in mapped), default=None)
            sev = RANK[sev] if sev is not None else None
            if c["severity"] != sev:
                bad(f"{cid}: severity {c['severity']}, highest of its checks {sev}")
            if c["assessment"] == "manual":
                want = {"pass": 0, "fail": 0, "excepted": 0}
            else:
                want = {k: sum(m["counts"][k] for m in mapped)
                        for k in ("pass", "fail", "excepted")}
            if c["results"] != want:
                bad(f"{cid}: results {c['results']}, its checks give {want}")
            p, f = want["pass"], want["fail"]
            share = 100.0 * p / (p + f) if p + f else None
            if not close(c["pass_share"], share):
                bad(f"{cid}: pass_share {c['pass_share']}, recomputed {share}")
            if share is not None:
                num += WEIGHT[sev] * share
                den += WEIGHT[sev]
                n_posture += 1
        posture = num / den if den else None
        if not close(fw["posture"], posture):
            bad(f"{name}: posture {fw['posture']}, recomputed {posture}")
        if fw["posture_controls"] != n_posture:
            bad(f"{name}: posture_controls {fw['posture_controls']}, recomputed {n_posture}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
