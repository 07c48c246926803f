"""The messaging side of the loopback AWS test server, for attest watch:
SQS over the JSON 1.0 protocol (CreateQueue, SendMessage, ReceiveMessage
with WaitTimeSeconds / VisibilityTimeout / MaxNumberOfMessages and the
SentTimestamp / ApproximateReceiveCount attributes, DeleteMessage,
ChangeMessageVisibility, GetQueueAttributes; queue state in sqs_queues.py),
SNS Publish (query protocol; every message recorded, read back through the
control endpoint or appended as a JSON line to the --published file), and
S3 GetObject of the objects the scenario ("s3_objects": {"bucket/key":
text}; "s3_bucket_regions": {"bucket": region}, else any region) or the
control endpoint configured; a request signed for another region than the
bucket's is answered AuthorizationHeaderMalformed naming the right one.

route() answers and returns True for what is its own; GetQueueAttributes
of a queue it does not hold, and every other request, go on to the estate's
handlers. Signatures were verified before (server.py).
"""
import hashlib, json, threading, uuid
from urllib.parse import unquote

import jsonwire
from sqs_queues import SqsError

SQS_OWN = {"CreateQueue", "SendMessage", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
           "ChangeMessageVisibility"}
LOCK = threading.Lock()


def queue_url(h, account, name):
    return "http://%s/%s/%s" % (h.headers.get("Host"), account, name)


def publish_record(server, rec):
    with LOCK:
        server.published.append(rec)
        if server.published_file:
            with open(server.published_file, "a") as f:
                f.write(json.dumps(rec) + "\n")


def sqs(h, op, region, req):
    qs = h.server.queues
    if op == "CreateQueue":
        q = qs.create(req["QueueName"], region, h.estate.account,
                      queue_url(h, h.estate.account, req["QueueName"]), req.get("Attributes"))
        return h.json({"QueueUrl": q.url}, jsonwire.JSON10)
    q = qs.get(req.get("QueueUrl"))
    if op == "SendMessage":
        mid, md5 = qs.send(q, req["MessageBody"])
        return h.json({"MessageId": mid, "MD5OfMessageBody": md5}, jsonwire.JSON10)
    if op == "ReceiveMessage":
        n = int(req.get("MaxNumberOfMessages", 1))
        wait = int(req.get("WaitTimeSeconds", q.attrs.get("ReceiveMessageWaitTimeSeconds", 0)))
        if not 1 <= n <= 10 or not 0 <= wait <= 20:
            raise SqsError("InvalidParameterValue", "MaxNumberOfMessages 1-10, WaitTimeSeconds 0-20")
        vis = req.get("VisibilityTimeout")
        got = qs.receive(q, n, wait, None if vis is None else int(vis))
        names = set(req.get("MessageSystemAttributeNames", []) + req.get("AttributeNames", []))
        out = []
        for m in got:
            attrs = {"SentTimestamp": str(m["sent"]), "ApproximateReceiveCount": str(m["receives"]),
                     "ApproximateFirstReceiveTimestamp": str(m["first"])}
            msg = {"MessageId": m["id"], "ReceiptHandle": m["receipt"], "Body": m["body"],
                   "MD5OfBody": qs_md5(m["body"])}
            if names:
                msg["Attributes"] = attrs if "All" in names else {k: v for k, v in attrs.items() if k in names}
            out.append(msg)
        return h.json({"Messages": out} if out else {}, jsonwire.JSON10)
    if op == "DeleteMessage":
        qs.delete(q, req.get("ReceiptHandle"))
        return h.json({}, jsonwire.JSON10)
    if op == "DeleteMessageBatch":
        ok, failed = [], []
        for e in req.get("Entries", []):
            try:
                qs.delete(q, e.get("ReceiptHandle"))
                ok.append({"Id": e["Id"]})
            except SqsError as err:
                failed.append({"Id": e["Id"], "Code": err.code, "Message": str(err),
                               "SenderFault": True})
        return h.json({"Successful": ok, "Failed": failed}, jsonwire.JSON10)
    if op == "ChangeMessageVisibility":
        qs.change_visibility(q, req.get("ReceiptHandle"), int(req.get("VisibilityTimeout", 0)))
        return h.json({}, jsonwire.JSON10)
    if op == "GetQueueAttributes":
        a = qs.attributes(q)
        want = req.get("AttributeNames") or []
        return h.json({"Attributes": a if "All" in want else {k: v for k, v in a.items() if k in want}},
                      jsonwire.JSON10)
    return h.error(400, "UnknownOperationException", op)


def qs_md5(body):
    return hashlib.md5(body.encode()).hexdigest()


def sns_publish(h, region, form):
    arn = form.get("TopicArn", "")
    parts = arn.split(":")
    if len(parts) != 6 or parts[2] != "sns" or not form.get("Message"):
        return h.error(400, "InvalidParameter", "Invalid parameter: TopicArn or Message")
    if parts[3] != region:
        return h.error(400, "InvalidParameter", "Invalid parameter: TopicArn: the topic is in %s, the request signed for %s"
                       % (parts[3], region))
    mid = str(uuid.uuid4())
    publish_record(h.server, {"TopicArn": arn, "Subject": form.get("Subject"), "Message": form["Message"],
                              "MessageId": mid, "region": region, "account": h.estate.account})
    return h.query_ok("Publish", "<MessageId>%s</MessageId>" % mid, "http://sns.amazonaws.com/doc/2010-03-31/")


def s3_get_object(h, region, path):
    key = unquote(path.lstrip("/"))
    with LOCK:
        body = h.server.objects.get(key)
        home = h.server.bucket_regions.get(key.split("/", 1)[0], region)
    if home != region:
        # S3's answer to a request signed for the wrong region names the right one.
        return h.send(400, "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is "
                      "malformed; the region '%s' is wrong; expecting '%s'</Message><Region>%s</Region></Error>"
                      % (region, home, home), "application/xml")
    if body is None:
        return h.error(404, "NoSuchKey", "The specified key does not exist.")
    return h.send(200, body.encode() if isinstance(body, str) else body, "application/octet-stream")


def route(h, service, op, region, form, q, body, path):
    if service == "sqs" and h.proto == "json":
        req = json.loads(body or b"{}")
        if op not in SQS_OWN and not (op == "GetQueueAttributes" and h.server.queues.has(req.get("QueueUrl"))):
            return False
        try:
            sqs(h, op, region, req)
        except SqsError as e:
            h.error(e.status, e.code, e.msg)
        return True
    if service == "sns" and op == "Publish":
        sns_publish(h, region, form)
        return True
    # GetObject: a GET of bucket/key (path style) without a subresource, in
    # a bucket holding configured objects (S3 Control's paths look alike).
    with LOCK:
        buckets = {k.split("/", 1)[0] for k in h.server.objects}
    if service == "s3" and h.command == "GET" and not q and "/" in path.strip("/") \
       and path.strip("/").split("/", 1)[0] in buckets:
        s3_get_object(h, region, path)
        return True
    return False
