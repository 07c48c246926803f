"""SigV4 verification of the loopback AWS test server.

verify() checks a request's Authorization header from the documented
algorithm (hashlib/hmac): the canonical request (S3's path encoded once and
unnormalized, every other service's each segment as sent, encoded once
more), the string to sign and the derived key. It answers (error code, None)
or (None, (region, service, account)): the account of the key, the server's
caller for the test key, the AssumeRole account for temporary credentials
(TEMP_KEYS, filled by the server's AssumeRole; their X-Amz-Security-Token
must match and be signed, except for S3, and they expire).
"""
import hashlib, hmac, time
import urllib.parse

# The test key, and the fixed key of the s3rver emulator (for the test that
# takes S3 from s3rver and everything else from here).
KEYS = {"AKIDATTESTTEST000001": "attest/test/secret/key/0000000000000000", "S3RVER": "S3RVER"}
# Temporary credentials handed out by AssumeRole: key id -> (secret, token, account).
TEMP_KEYS = {}

def uri_encode(s, keep_slash):
    safe = "-_.~" + ("/" if keep_slash else "")
    return urllib.parse.quote(s, safe=safe)

def canonical_query(q):
    pairs = []
    for part in q.split("&") if q else []:
        if not part:
            continue
        k, _, v = part.partition("=")
        k = urllib.parse.unquote(k); v = urllib.parse.unquote(v)
        pairs.append((uri_encode(k, False), uri_encode(v, False)))
    return "&".join("%s=%s" % kv for kv in sorted(pairs))

def verify(handler, body):
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "MissingAuthenticationToken", None
    fields = dict(p.strip().split("=", 1) for p in auth[17:].split(","))
    cred = fields["Credential"].split("/")
    key, date, region, service = cred[0], cred[1], cred[2], cred[3]
    secret, account = KEYS.get(key), handler.server.caller
    if key in TEMP_KEYS:
        secret, token, account, expires = TEMP_KEYS[key]
        if handler.headers.get("X-Amz-Security-Token") != token:
            return "InvalidClientTokenId", None
        if time.time() > expires:
            return "ExpiredToken", None
    if secret is None:
        return "InvalidClientTokenId", None
    signed = fields["SignedHeaders"].split(";")
    path, _, query = handler.path.partition("?")
    s3 = service == "s3"
    if s3:
        cpath = uri_encode(urllib.parse.unquote(path), True)
    else:
        # Each segment as sent, encoded once more (an encoded '/' stays %2F).
        cpath = uri_encode(path, True) if path else "/"
    hdrs = "".join("%s:%s\n" % (h, " ".join(handler.headers.get(h, "").split())) for h in signed)
    phash = handler.headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    if s3 and phash != "UNSIGNED-PAYLOAD" and phash != hashlib.sha256(body).hexdigest():
        return "XAmzContentSHA256Mismatch", None
    creq = "\n".join([handler.command, cpath, canonical_query(query), hdrs,
                      ";".join(signed), phash])
    amzdate = handler.headers.get("x-amz-date", "")
    sts = "\n".join(["AWS4-HMAC-SHA256", amzdate, "/".join(cred[1:]),
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sig, fields.get("Signature", "")):
        return "SignatureDoesNotMatch", None
    if "host" not in signed:
        return "SignatureDoesNotMatch", None
    if key in TEMP_KEYS and "x-amz-security-token" not in signed and not s3:
        return "SignatureDoesNotMatch", None
    return None, (region, service, account)
