#!/usr/bin/env python3
"""Checks a PDF report's extracted text against the JSON result of the same
scan (tests/cli/pdf_audit.sh). Each subcommand prints what is wrong, one line
each, and exits 1 when anything is; 0 when all holds.

  complete JSON TEXT...      every failing finding's resource id is in each text
  counts JSON TEXT           every "N controls: a pass, b fail, ..." line adds up,
                             one per framework, N as in the JSON
  figures JSON TEXT          each framework's two figures and coverage as the JSON
                             has them, in the summary's words
  formulas SCORING_MD TEXT   the formulas of doc/scoring.md, line by line
  placeholders JSON TEXT     no example id of a check's fix (same shape as the
                             resource's id, not a real id) and no example account
  only JSON TEXT ID...       the text names the frameworks ID... and no other
"""
import json
import re
import sys


def flat(text):
    return re.sub(r"\s+", " ", text)


def load(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def complete(result, texts):
    ids = sorted({f["resource"]["id"] for f in result["findings"] if f["status"] == "fail"})
    bad = []
    if not ids:
        bad.append("the scan has no failing finding: nothing to check")
    for path in texts:
        text = load(path)
        squeezed = re.sub(r"\s+", "", text)
        for i in ids:
            if i not in text and re.sub(r"\s+", "", i) not in squeezed:
                bad.append(f"{path}: no failing resource {i}")
    return bad


COUNT = re.compile(r"(\d+) controls:((?: ?,? ?\d+ [a-z ]+?)+)(?=\n|$)")


def counts(result, text):
    bad = []
    lines = COUNT.findall(text)
    fws = result["frameworks"]
    if len(lines) < len(fws):
        bad.append(f"{len(lines)} count lines for {len(fws)} frameworks")
    for (total, parts), fw in zip(lines, fws):
        nums = [int(n) for n in re.findall(r"(\d+) [a-z]", parts)]
        if sum(nums) != int(total):
            bad.append(f"'{total} controls:{parts}' adds up to {sum(nums)}")
        if int(total) != fw["counts"]["total"]:
            bad.append(f"{fw['id']}: {total} controls printed, {fw['counts']['total']} in the JSON")
        for status, n in fw["counts"].items():
            if status == "total" or n == 0:
                continue
            label = status.replace("_", " ")
            if not re.search(rf"\b{n} {label}\b", parts):
                bad.append(f"{fw['id']}: no '{n} {label}' in '{parts.strip()}'")
    return bad


def figures(result, text):
    bad = []
    t = flat(text)
    for fw in result["frameworks"]:
        if fw["score"] is not None:
            want = f"{fw['controls_passing']} of {fw['controls_scored']} controls ({fw['score']:.1f} %)"
            if want not in t:
                bad.append(f"{fw['id']}: no '{want}'")
        if fw["posture"] is not None:
            want = f"{fw['posture']:.1f} % over {fw['posture_controls']} controls"
            if want not in t:
                bad.append(f"{fw['id']}: no posture '{want}'")
        want = f"{fw['coverage']:.1f} %"
        if want not in t:
            bad.append(f"{fw['id']}: no coverage '{want}'")
    return bad


def formulas(scoring_md, text):
    bad = []
    t = flat(text)
    doc = load(scoring_md)
    for heading in ("### Controls fully passing", "### Posture", "### Coverage"):
        at = doc.find(heading)
        if at < 0:
            bad.append(f"doc/scoring.md has no '{heading}'")
            continue
        block = re.search(r"```\n(.*?)```", doc[at:], re.S)
        for line in block.group(1).splitlines():
            if line.strip() and flat(line.strip()) not in t:
                bad.append(f"formula line missing: {line.strip()}")
    return bad


SHAPED = r"(?<![\w.<-])([a-z]{1,12}-)(?=[0-9A-Za-z]*[0-9])[0-9A-Za-z]{8,20}(?![\w-])"


def placeholders(result, text):
    """Example ids of the checks' fixes: words shaped like a failing
    resource's id (same prefix) that name no resource of the scan."""
    bad = []
    real = set()
    for f in result["findings"]:
        real.add(f["resource"]["id"])
        for part in (f.get("reason") or "", json.dumps(f.get("evidence"))):
            real |= {m.group(0) for m in re.finditer(SHAPED, part)}
    accounts = {f["resource"].get("account") for f in result["findings"]}
    prefixes = set()
    for f in result["findings"]:
        m = re.fullmatch(r"([a-z]{1,12}-)[0-9A-Za-z]{8,20}", f["resource"]["id"])
        if f["status"] == "fail" and m:
            prefixes.add(m.group(1))
    examples = set()
    for f in result["findings"]:
        cli = (f.get("remediation") or {}).get("cli") or ""
        for m in re.finditer(SHAPED, cli):
            if m.group(1) in prefixes and m.group(0) not in real:
                examples.add(m.group(0))
    for tok in sorted(examples):
        if re.search(rf"(?<![\w-]){re.escape(tok)}(?![\w-])", text):
            bad.append(f"example id {tok} printed")
    if "111122223333" not in accounts and "111122223333" in text:
        bad.append("the example account 111122223333 is printed")
    if not examples:
        bad.append("no check's fix names an example id: nothing to check")
    return bad


def only(result, text, ids):
    bad = []
    known = {fw["id"] for fw in result["frameworks"]}
    for fw in ids:
        if f"({fw})" not in text and fw not in text:
            bad.append(f"framework {fw} is not in the text")
    for fw in sorted(known - set(ids)):
        if re.search(rf"(?<![\w.-]){re.escape(fw)}(?![\w-])", text):
            bad.append(f"framework {fw} is in the text")
    return bad


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "complete":
        bad = complete(json.loads(load(args[0])), args[1:])
    elif cmd == "counts":
        bad = counts(json.loads(load(args[0])), load(args[1]))
    elif cmd == "figures":
        bad = figures(json.loads(load(args[0])), load(args[1]))
    elif cmd == "formulas":
        bad = formulas(args[0], load(args[1]))
    elif cmd == "placeholders":
        bad = placeholders(json.loads(load(args[0])), load(args[1]))
    elif cmd == "only":
        bad = only(json.loads(load(args[0])), load(args[1]), args[2:])
    else:
        bad = [f"unknown subcommand {cmd}"]
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
