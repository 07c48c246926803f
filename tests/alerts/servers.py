#!/usr/bin/env python3
"""Loopback receivers for the alert tests (tests/unit/test_alert.c).

  servers.py webhook DIR [--fail N] [--status CODE] [--tls CERT KEY]
             [--schema doc/alert-payload.schema.json] [--sns]
  servers.py smtp DIR --mode starttls|nostarttls|smtps --cert CERT --key KEY
             [--user U --password P] [--auth "PLAIN LOGIN"]
             [--schema doc/alert-payload.schema.json]

Each listens on 127.0.0.1 at a free port, writes the port to DIR/port once
it listens, and records what it received in DIR:
  webhook: req-N.json per request ({"path", "headers", "body", "status"}),
           answering CODE (default 503) to the first N requests, 200 after;
           with --schema, "schema_errors" lists what the body breaks;
           with --sns it answers as SNS Publish (query protocol, XML with a
           MessageId) and records the form fields ("form") of each request,
           checking "Message" against the schema;
  smtp:    session.log (every command line, with "[tls]" once encrypted;
           AUTH arguments are not logged), and per message msg-N.json
           ({"from", "rcpt", "tls", "user", "text", "attachment"}) with the
           MIME parts decoded (and "schema_errors" of the attachment).
Only Python's standard library is used. Runs until killed.
"""
import base64
import email
import email.policy
import http.server
import json
import os
import socketserver
import ssl
import sys
import threading
import urllib.parse


def write_json(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    os.rename(tmp, path)


def schema_errors(schema, text):
    """What text (a JSON document) breaks in schema; [] when valid."""
    if not schema:
        return []
    from jsonschema.validators import validator_for
    try:
        doc = json.loads(text)
    except Exception as e:
        return ["not JSON: %s" % e]
    v = validator_for(schema)(schema)
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
            for e in v.iter_errors(doc)]


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def announce(dirname, port):
    with open(os.path.join(dirname, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(dirname, "port.tmp"), os.path.join(dirname, "port"))


def webhook(args):
    dirname = args[0]
    fail, status, tls, schema, sns = 0, 503, None, None, False
    i = 1
    while i < len(args):
        if args[i] == "--fail":
            fail = int(args[i + 1]); i += 2
        elif args[i] == "--status":
            status = int(args[i + 1]); i += 2
        elif args[i] == "--schema":
            schema = load_schema(args[i + 1]); i += 2
        elif args[i] == "--sns":
            sns = True; i += 1
        elif args[i] == "--tls":
            tls = (args[i + 1], args[i + 2]); i += 3
        else:
            sys.exit("unknown option " + args[i])
    lock = threading.Lock()
    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                count[0] += 1
                n = count[0]
            code = status if n <= fail else 200
            text = body.decode("utf-8", "replace")
            rec = {"path": self.path, "headers": dict(self.headers.items()),
                   "body": text, "status": code}
            answer, ctype = b"ok", "text/plain"
            if sns:
                form = {k: v[0] for k, v in urllib.parse.parse_qs(text).items()}
                rec["form"] = form
                text = form.get("Message", "")
                answer = (("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                           "<PublishResult><MessageId>msg-%d</MessageId></PublishResult>"
                           "<ResponseMetadata><RequestId>req-%d</RequestId></ResponseMetadata>"
                           "</PublishResponse>") % (n, n)).encode()
                ctype = "text/xml"
                if code != 200:
                    answer = (("<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError"
                               "</Code><Message>try again</Message></Error></ErrorResponse>")
                              .encode())
            rec["schema_errors"] = schema_errors(schema, text)
            write_json(os.path.join(dirname, "req-%d.json" % n), rec)
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls[0], tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    announce(dirname, srv.server_address[1])
    srv.serve_forever()


class SMTPHandler(socketserver.StreamRequestHandler):
    """Enough ESMTP for libcurl: EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL,
    RCPT, DATA, RSET, NOOP, QUIT."""

    def setup(self):
        cfg = self.server.cfg
        if cfg["mode"] == "smtps":
            self.request = cfg["ctx"].wrap_socket(self.request, server_side=True)
            self.tls = True
        else:
            self.tls = False
        super().setup()

    def log(self, line):
        with self.server.lock:
            with open(os.path.join(self.server.cfg["dir"], "session.log"), "a") as f:
                f.write(("[tls] " if self.tls else "[clear] ") + line + "\n")

    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(65536)
        if not line:
            return None
        return line.decode("utf-8", "replace").rstrip("\r\n")

    def handle(self):
        cfg = self.server.cfg
        user, mail_from, rcpt = None, None, []
        self.reply("220 localhost ESMTP attest-test")
        while True:
            line = self.readline()
            if line is None:
                return
            verb = line.split(" ", 1)[0].upper()
            self.log(line if verb != "AUTH" else "AUTH " + line.split(" ")[1])
            if verb in ("EHLO", "HELO"):
                lines = ["localhost"]
                if cfg["mode"] == "starttls" and not self.tls:
                    lines.append("STARTTLS")
                if self.tls:
                    lines.append("AUTH " + cfg["auth"])
                for i, l in enumerate(lines):
                    self.reply(("250 " if i == len(lines) - 1 else "250-") + l)
            elif verb == "STARTTLS":
                if cfg["mode"] != "starttls" or self.tls:
                    self.reply("454 TLS not available")
                    continue
                self.reply("220 go ahead")
                self.request = cfg["ctx"].wrap_socket(self.request, server_side=True)
                self.tls = True
                self.rfile = self.request.makefile("rb")
                self.wfile = self.request.makefile("wb")
            elif verb == "AUTH":
                parts = line.split(" ")
                if not self.tls:
                    self.reply("538 encryption required")
                    continue
                mech = parts[1].upper() if len(parts) > 1 else ""
                if mech not in cfg["auth"].split():
                    self.reply("504 unsupported mechanism")
                    continue
                if mech == "PLAIN":
                    if len(parts) > 2:
                        blob = parts[2]
                    else:
                        self.reply("334 ")
                        blob = self.readline() or ""
                    try:
                        _, u, p = base64.b64decode(blob).decode().split("\0")
                    except Exception:
                        u = p = None
                elif mech == "LOGIN":
                    if len(parts) > 2:
                        u = base64.b64decode(parts[2]).decode()
                    else:
                        self.reply("334 VXNlcm5hbWU6")
                        u = base64.b64decode(self.readline() or "").decode()
                    self.reply("334 UGFzc3dvcmQ6")
                    p = base64.b64decode(self.readline() or "").decode()
                else:
                    self.reply("504 unsupported mechanism")
                    continue
                if u == cfg["user"] and p == cfg["password"]:
                    user = u
                    self.reply("235 authenticated")
                else:
                    self.reply("535 authentication failed")
            elif verb == "MAIL":
                if cfg["user"] and not user:
                    self.reply("530 authentication required")
                    continue
                mail_from, rcpt = line[10:].strip(), []
                self.reply("250 ok")
            elif verb == "RCPT":
                rcpt.append(line[8:].strip())
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                data = []
                while True:
                    l = self.readline()
                    if l is None or l == ".":
                        break
                    data.append(l[1:] if l.startswith("..") else l)
                self.store(mail_from, rcpt, user, "\r\n".join(data) + "\r\n")
                self.reply("250 queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 unknown command")

    def store(self, mail_from, rcpt, user, raw):
        msg = email.message_from_string(raw, policy=email.policy.default)
        text, attachment = None, None
        for part in msg.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_content()
            elif part.get_content_type() == "application/json":
                attachment = part.get_content()
                if isinstance(attachment, bytes):
                    attachment = attachment.decode()
        with self.server.lock:
            self.server.count += 1
            n = self.server.count
        write_json(os.path.join(self.server.cfg["dir"], "msg-%d.json" % n),
                   {"from": mail_from, "rcpt": rcpt, "tls": self.tls, "user": user,
                    "subject": str(msg["Subject"]), "text": text,
                    "attachment": attachment, "raw": raw,
                    "schema_errors": schema_errors(self.server.cfg["schema"], attachment or "")})


def smtp(args):
    cfg = {"dir": args[0], "mode": "starttls", "user": None, "password": None, "schema": None,
           "auth": "PLAIN LOGIN"}
    cert = key = None
    i = 1
    while i < len(args):
        opt, val = args[i], args[i + 1]
        i += 2
        if opt == "--mode":
            cfg["mode"] = val
        elif opt == "--cert":
            cert = val
        elif opt == "--key":
            key = val
        elif opt == "--user":
            cfg["user"] = val
        elif opt == "--password":
            cfg["password"] = val
        elif opt == "--schema":
            cfg["schema"] = load_schema(val)
        elif opt == "--auth":
            cfg["auth"] = val
        else:
            sys.exit("unknown option " + opt)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    cfg["ctx"] = ctx

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

        def handle_error(self, request, client_address):
            # a client that rejects the certificate ends the handshake:
            # recorded, not printed
            with self.lock:
                with open(os.path.join(cfg["dir"], "session.log"), "a") as f:
                    f.write("[error] %s\n" % (sys.exc_info()[1],))

    srv = Server(("127.0.0.1", 0), SMTPHandler)
    srv.cfg, srv.lock, srv.count = cfg, threading.Lock(), 0
    announce(cfg["dir"], srv.server_address[1])
    srv.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("webhook", "smtp"):
        sys.exit(__doc__)
    (webhook if sys.argv[1] == "webhook" else smtp)(sys.argv[2:])
