"""The control endpoint of the loopback AWS test server: how a test changes
what the server serves while it runs, and reads back what it recorded.
Unsigned, and answered to loopback clients only (the server binds
127.0.0.1). Paths, JSON bodies:

  POST /_control/resource  {"op": "put", "resource": {native record}}
        adds the record to its account, replacing the one of the same type,
        id and region;
                           {"op": "delete", "type", "id", "region"?, "account"?}
        removes it;
                           {"op": "patch", "type", "id", "region"?, "account"?,
                            "configuration": {...}}
        replaces those members of its configuration (e.g. a security
        group's IpPermissions);
  POST /_control/queue     {"name", "attributes"?, "region"?}  creates an SQS queue
  POST /_control/message   {"queue": name, "body": text}      sends a message
  POST /_control/object    {"bucket", "key", "body": text, "region"?, "gzip"?: true}
        (gzip: the object is body compressed, as AWS Config delivers it)
        an S3 object (region: its bucket's, which requests must be signed for)
  GET  /_control/published  the SNS messages published, oldest first
  GET  /_control/requests   [[service, operation, region, count], ...]
  GET  /_control/queue/<name>  the queue's attributes

Each answers JSON ({"ok": true} for changes).
"""
import gzip
import json

import handlers_messaging


def _account(h, req):
    return h.server.estates[req.get("account") or h.server.caller]


def _matches(r, req):
    return r["type"] == req["type"] and r["id"] == req["id"] and \
        (req.get("region") is None or r.get("region") == req.get("region"))


def resource(h, req, lock):
    op = req.get("op")
    if op == "put":
        r = req["resource"]
        e = h.server.estates[r.get("account") or h.server.caller]
        with lock:
            e.res[r["type"]] = [x for x in e.res.get(r["type"], []) if not _matches(x, r)] + [r]
        return True
    e = _account(h, req)
    with lock:
        rs = e.res.get(req["type"], [])
        hit = [x for x in rs if _matches(x, req)]
        if not hit:
            return False
        if op == "delete":
            e.res[req["type"]] = [x for x in rs if not _matches(x, req)]
        elif op == "patch":
            for x in hit:
                x["configuration"] = dict(x.get("configuration") or {}, **req.get("configuration", {}))
        else:
            return False
    return True


def handle(h, body, lock, counts):
    if h.client_address[0] != "127.0.0.1":
        return h.send(403, json.dumps({"error": "loopback only"}), "application/json")
    path = h.path.split("?")[0][len("/_control/"):]
    out = {"ok": True}
    try:
        req = json.loads(body or b"{}")
        if h.command == "GET" and path == "published":
            with handlers_messaging.LOCK:
                out = list(h.server.published)
        elif h.command == "GET" and path == "requests":
            with lock:
                out = [list(k) + [n] for k, n in sorted(counts.items(), key=str)
                       if isinstance(k, tuple) and len(k) == 3]
        elif h.command == "GET" and path.startswith("queue/"):
            qs = h.server.queues
            out = qs.attributes(qs.get(path[len("queue/"):]))
        elif path == "resource":
            if not resource(h, req, lock):
                return h.send(404, json.dumps({"error": "no such resource or op"}), "application/json")
        elif path == "queue":
            name = req["name"]
            q = h.server.queues.create(name, req.get("region", "us-east-1"), h.server.caller,
                                       handlers_messaging.queue_url(h, h.server.caller, name), req.get("attributes"))
            out = {"QueueUrl": q.url, "QueueArn": q.arn}
        elif path == "message":
            qs = h.server.queues
            mid, _ = qs.send(qs.get(req["queue"]), req["body"])
            out = {"MessageId": mid}
        elif path == "object":
            with handlers_messaging.LOCK:
                data = req["body"]
                if req.get("gzip"):
                    data = gzip.compress(data.encode())
                h.server.objects["%s/%s" % (req["bucket"], req["key"])] = data
                if req.get("region"):
                    h.server.bucket_regions[req["bucket"]] = req["region"]
        else:
            return h.send(404, json.dumps({"error": "unknown control " + path}), "application/json")
    except (KeyError, ValueError, TypeError) as e:
        return h.send(400, json.dumps({"error": "bad control request: %s" % e}), "application/json")
    except Exception as e:  # an SqsError for an unknown queue
        return h.send(400, json.dumps({"error": str(e)}), "application/json")
    return h.send(200, json.dumps(out), "application/json")
