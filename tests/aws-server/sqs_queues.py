"""The SQS queues of the loopback AWS test server: messages, visibility
timeouts, receipt handles and redrive, independent of the wire.

Queues is shared by the handler threads (one lock, one condition that long
polls wait on). A receive makes each message it returns invisible for the
visibility timeout and gives it a new receipt handle; only the latest
handle deletes it or changes its visibility (an older one is refused as
ReceiptHandleIsInvalid; a handle of a message already deleted is accepted
again, as SQS does). A message received more than the queue's RedrivePolicy
maxReceiveCount times moves to the dead-letter queue its
deadLetterTargetArn names at its next receive.
"""
import hashlib, json, secrets, threading, time, uuid


class SqsError(Exception):
    def __init__(self, code, msg, status=400):
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


class Queue:
    def __init__(self, name, url, arn, attrs):
        self.name, self.url, self.arn = name, url, arn
        self.attrs = dict(attrs)
        self.created = int(time.time())
        self.messages = []  # oldest first

    def visibility(self):
        return int(self.attrs.get("VisibilityTimeout", 30))

    def redrive(self):
        rp = self.attrs.get("RedrivePolicy")
        return json.loads(rp) if rp else None


class Queues:
    def __init__(self):
        self.cond = threading.Condition()
        self.by_name = {}
        self.deleted = set()  # receipt handles of deleted messages

    def create(self, name, region, account, url, attrs=None):
        with self.cond:
            q = self.by_name.get(name)
            if not q:
                q = Queue(name, url, "arn:aws:sqs:%s:%s:%s" % (region, account, name), attrs or {})
                self.by_name[name] = q
            return q

    def get(self, url):
        """The queue of a queue URL (its last path segment names it)."""
        q = self.by_name.get((url or "").rstrip("/").rsplit("/", 1)[-1])
        if not q:
            raise SqsError("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
        return q

    def has(self, url):
        return (url or "").rstrip("/").rsplit("/", 1)[-1] in self.by_name

    def send(self, q, body):
        m = {"id": str(uuid.uuid4()), "body": body, "sent": int(time.time() * 1000), "receives": 0,
             "visible_at": 0.0, "receipt": None, "first": None}
        with self.cond:
            q.messages.append(m)
            self.cond.notify_all()
        return m["id"], hashlib.md5(body.encode()).hexdigest()

    def _dead_letter(self, q, m):
        rp = q.redrive()
        if not rp or m["receives"] < int(rp.get("maxReceiveCount", 0)):
            return False
        dlq = [x for x in self.by_name.values() if x.arn == rp.get("deadLetterTargetArn")]
        q.messages.remove(m)
        if dlq:
            dlq[0].messages.append(dict(m, receives=0, visible_at=0.0, receipt=None))
        return True

    def receive(self, q, max_n, wait_s, vis):
        deadline = time.time() + wait_s
        with self.cond:
            while True:
                now = time.time()
                out = []
                for m in list(q.messages):
                    if len(out) >= max_n:
                        break
                    if m["visible_at"] > now or self._dead_letter(q, m):
                        continue
                    m["receives"] += 1
                    m["first"] = m["first"] or int(now * 1000)
                    m["receipt"] = "rh-" + secrets.token_urlsafe(24)
                    m["visible_at"] = now + (q.visibility() if vis is None else vis)
                    out.append(dict(m))
                if out or now >= deadline:
                    return out
                hidden = [m["visible_at"] for m in q.messages if m["visible_at"] > now]
                self.cond.wait(min([deadline - now] + [t - now + 0.01 for t in hidden]))

    def _current(self, q, receipt):
        for m in q.messages:
            if m["receipt"] == receipt:
                return m
        raise SqsError("ReceiptHandleIsInvalid",
                       "The input receipt handle \"%s\" is not a valid receipt handle." % receipt)

    def delete(self, q, receipt):
        with self.cond:
            if receipt in self.deleted:
                return
            m = self._current(q, receipt)
            q.messages.remove(m)
            self.deleted.add(receipt)

    def change_visibility(self, q, receipt, secs):
        with self.cond:
            m = self._current(q, receipt)
            if m["visible_at"] <= time.time():
                raise SqsError("MessageNotInflight", "The message referred to is not in flight.")
            m["visible_at"] = time.time() + secs
            self.cond.notify_all()

    def attributes(self, q):
        now = time.time()
        with self.cond:
            vis = sum(1 for m in q.messages if m["visible_at"] <= now)
            a = {"ApproximateNumberOfMessages": str(vis),
                 "ApproximateNumberOfMessagesNotVisible": str(len(q.messages) - vis),
                 "ApproximateNumberOfMessagesDelayed": "0",
                 "QueueArn": q.arn, "VisibilityTimeout": str(q.visibility()),
                 "CreatedTimestamp": str(q.created)}
            if q.attrs.get("RedrivePolicy"):
                a["RedrivePolicy"] = q.attrs["RedrivePolicy"]
            return a
