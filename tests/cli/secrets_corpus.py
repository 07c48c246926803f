#!/usr/bin/env python3
"""Generates, for tests/cli/secrets.sh, an inventory with a freshly made
credential of a real shape in every field and header key (no real keys: all
random), and the list of what must never be found in the history database
or a report. Usage: secrets_corpus.py INVENTORY NEEDLES SEED

NEEDLES gets one line per placement: "<place>\t<shape>\t<needle>", the needle
being the credential's random part (or, for multi-line blocks, one line of
its body) as it would appear in any output."""
import base64
import json
import random
import sys

inv_path, needles_path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(seed)
UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64 = ALNUM + "+/"


def pick(chars, n):
    return "".join(rnd.choice(chars) for _ in range(n))


def b64_bytes(n):
    return base64.b64encode(bytes(rnd.randrange(256) for _ in range(n))).decode()


def sts(prefix_bytes):
    # an STS session token: base64 of a version byte, 0x0a, a length and a
    # name, then a long random body (as AWS issues them, 300-1000 chars)
    raw = prefix_bytes + bytes(rnd.randrange(256) for _ in range(rnd.randrange(240, 600)))
    return base64.b64encode(raw).decode()


def pem(label):
    body = [b64_bytes(48) for _ in range(6)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(body), label), body[2]


# shape -> () -> (secret text, needle)
def s_akia():
    k = "AKIA" + pick(UPPER32, 16)
    return k, k


def s_asia():
    k = "ASIA" + pick(UPPER32, 16)
    return k, k


def s_secret_key():
    k = pick(ALNUM + "/+", 40)
    return "aws_secret_access_key = " + k, k


def token_of(prefix):
    def f():
        t = sts(prefix)
        return t, t[20:80]
    return f


def s_jwt():
    def part(n):
        return base64.urlsafe_b64encode(bytes(rnd.randrange(256) for _ in range(n))).decode().rstrip("=")
    t = "eyJhbGciOiJIUzI1NiJ9." + part(30) + "." + part(32)
    return t, t[21:60]


def s_github():
    t = "ghp_" + pick(ALNUM, 36)
    return t, t


def s_slack():
    t = "xoxb-" + pick("0123456789", 12) + "-" + pick(ALNUM, 24)
    return t, t


def s_stripe():
    t = "sk_live_" + pick(ALNUM, 24)
    return t, t


def s_bearer():
    t = pick(ALNUM, 32)
    return "Authorization: Bearer " + t, t


def s_pem(label):
    def f():
        return pem(label)
    return f


def s_url(fmt):
    def f():
        pw = pick(ALNUM, 18)
        return fmt % pw, pw
    return f


def s_assign():
    pw = pick(ALNUM, 20)
    return "DB_PASSWORD=" + pw, pw


SHAPES = {
    "akia": s_akia, "asia": s_asia, "secret-key": s_secret_key,
    "sts-FwoG": token_of(b"\x17\x0a\x06er/aws"),
    "sts-FQoG": token_of(b"\x15\x0a\x06er/aws"),
    "sts-AQoD": token_of(b"\x01\x0a\x03aws"),
    "sts-FQoD": token_of(b"\x15\x0a\x03aws"),
    "sts-IQoJ": token_of(b"\x21\x0a\x09origin_ec"),
    "sts-new-version": token_of(b"\x23\x0a\x09origin_ec"),   # not listed: a later version byte
    "sts-new-name": token_of(b"\x22\x0a\x05sts-x"),          # not listed: another name
    "jwt": s_jwt, "github": s_github, "slack": s_slack, "stripe": s_stripe,
    "bearer": s_bearer,
    "pem-rsa": s_pem("RSA PRIVATE KEY"), "pem-pkcs8": s_pem("PRIVATE KEY"),
    "pem-openssh": s_pem("OPENSSH PRIVATE KEY"), "pem-encrypted": s_pem("ENCRYPTED PRIVATE KEY"),
    "pgp-private": s_pem("PGP PRIVATE KEY BLOCK"),
    "url-redis": s_url("redis://:%s@cache.internal:6379/0"),
    "url-postgres": s_url("postgres://app:%s@db.internal:5432/app"),
    "url-amqp-at": s_url("amqps://svc:p@%s@mq.internal/"),
    "assign": s_assign,
}

needles = []
shape_names = sorted(SHAPES)


def secret(place, shape=None):
    shape = shape or shape_names[len(needles) % len(shape_names)]
    text, needle = SHAPES[shape]()
    needles.append((place, shape, needle))
    return text


resources = []
for n, shape in enumerate(shape_names):
    # every shape in a free-text configuration value, a tag value, a
    # SecretString, a key named like a secret and a list
    conf = {
        "InstanceId": "i-%017d" % n,
        "Notes": "see " + secret("configuration.Notes", shape) + " for access",
        "SecretString": secret("configuration.SecretString", shape),
        "Settings": {"ClientSecretValue": secret("configuration.Settings.ClientSecretValue", shape)},
        "History": ["rotated", secret("configuration.History[1]", shape)],
        "Environment": {"Variables": {"MODE": "prod", "DSN": secret("configuration.Environment.DSN", shape)}},
        "UserData": base64.b64encode(("#!/bin/sh\nexport X='%s'\n" % secret("configuration.UserData(base64)", shape)).encode()).decode(),
    }
    tags = {"Name": "host-%d" % n, "note": secret("tags.note", shape)}
    resources.append({"type": "AWS::EC2::Instance", "id": "i-%017d" % n, "account": "111122223333",
                      "region": "us-east-1", "tags": tags, "configuration": conf})

# an access key id used as an object key (a credential report keyed by key)
k, _ = s_akia()
needles.append(("configuration key (access key id)", "akia", k))
resources[0]["configuration"]["KeysByUser"] = {k: {"user": "alice"}}

# the envelope: id, arn and name
env = {"type": "AWS::EC2::Instance", "id": secret("resource id", "akia"), "account": "111122223333",
       "region": "us-east-1", "configuration": {"InstanceId": "x"}}
env["arn"] = "arn:aws:ec2:us-east-1:111122223333:instance/" + secret("resource arn", "asia")
env["name"] = secret("resource name", "github")
resources.append(env)

gaps = []
for i, shape in enumerate(["sts-FwoG", "sts-AQoD", "sts-FQoD", "url-redis", "pem-rsa"]):
    gaps.append({"account": "111122223333", "service": "kms", "region": "eu-west-1",
                 "operation": "ListKeys", "error_code": "ExpiredToken",
                 "message": "the security token " + secret("collection_log.message", shape) + " is expired",
                 "types": ["AWS::KMS::Key"]})
gaps.append({"account": "111122223333", "service": "kms", "region": "eu-west-1", "operation": "ListAliases",
             "error_code": secret("collection_log.error_code", "akia"), "message": "denied",
             "types": ["AWS::KMS::Key"]})

inv = {
    "attest_inventory": 1, "provider": "aws",
    "source": "attest collect aws --profile " + secret("header source", "sts-IQoJ"),
    "collected_at": "2026-11-20T10:00:00Z",
    "accounts": [{"id": "111122223333", "name": "prod"}], "regions": ["us-east-1"],
    "collected_types": ["AWS::EC2::Instance", "AWS::KMS::Key"],
    "collection_log": gaps,
    "resources": resources,
}
with open(inv_path, "w") as f:
    json.dump(inv, f, indent=1)
with open(needles_path, "w") as f:
    for place, shape, needle in needles:
        f.write("%s\t%s\t%s\n" % (place, shape, needle))
