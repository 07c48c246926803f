"""How the loopback AWS test server answers: the one place that writes a
response, for every protocol.

Answers is mixed into the request handler (server.Handler, which gives
request_id() and the request's proto, fault and version); every handler
module answers through it:
  send(status, body, ctype)  any body, with the scenario's truncate and
                             malformed faults applied;
  error(status, code, msg)   the error document of the request's protocol
                             (self.proto: query, ec2, s3, json, restjson);
  query_ok(op, inner, ns)    a query or EC2 <op>Response around inner, with
                             the element names of the service model
                             (wire.py) unless the scenario keeps the
                             handlers' guesses (guessed_wire_names);
  json(obj, ctype, times)    a JSON document, the members named in times as
                             epoch seconds (jsonwire.epoch).
"""
import json

import jsonwire
import wire  # query-protocol element names as the service models give them
from xml.sax.saxutils import escape


class Answers:
    def send(self, status, body, ctype, extra=None):
        data = body.encode() if isinstance(body, str) else body
        fault = getattr(self, "fault", None)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("x-amzn-RequestId", self.request_id())
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        if fault == "truncate":
            self.send_header("Content-Length", str(len(data) + 100))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault == "malformed":
            data = data[: max(1, len(data) // 2)]
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, msg):
        if self.proto in ("json", "restjson"):
            self.send(status, json.dumps({"__type": code, "message": msg}), jsonwire.JSON11,
                      {"x-amzn-ErrorType": code})
        elif self.proto == "ec2":
            self.send(status, "<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors>"
                      "<RequestID>r</RequestID></Response>" % (code, escape(msg)), "text/xml")
        elif self.proto == "s3":
            self.send(status, "<Error><Code>%s</Code><Message>%s</Message></Error>" % (code, escape(msg)),
                      "application/xml")
        else:
            self.send(status, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
                      "</Error><RequestId>r</RequestId></ErrorResponse>" % (code, escape(msg)), "text/xml")

    def query_ok(self, op, inner, ns="https://aws.amazon.com/"):
        if self.proto == "ec2":
            body = '<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>%s</%sResponse>' % (op, inner, op)
        else:
            body = '<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%sResponse>' % (op, ns, op, inner, op, op)
        if not self.server.scenario.get("guessed_wire_names"):
            body = wire.rewrite(getattr(self, "version", None), op, body)
        self.send(200, body, "text/xml")

    def json(self, obj, ctype=jsonwire.JSON11, times=()):
        self.send(200, json.dumps(jsonwire.epoch(obj, times) if times else obj), ctype)
