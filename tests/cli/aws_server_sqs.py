#!/usr/bin/env python3
"""Drives the loopback AWS test server's SQS and SNS APIs with requests
signed by botocore's SigV4 signer (independent of attest's), for
tests/cli/aws_server_sqs.sh: CreateQueue, SendMessage, ReceiveMessage and
DeleteMessage over the JSON 1.0 protocol, SNS Publish over the query
protocol, and a request signed with the wrong secret. Prints one JSON
object of what each call answered."""
import json, sys, urllib.error, urllib.parse, urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

PORT = int(sys.argv[1])
URL = "http://127.0.0.1:%d/" % PORT
GOOD = Credentials("AKIDATTESTTEST000001", "attest/test/secret/key/0000000000000000")
BAD = Credentials("AKIDATTESTTEST000001", "not-the-secret")


def call(service, region, body, headers, cred=GOOD):
    req = AWSRequest(method="POST", url=URL, data=body, headers=headers)
    SigV4Auth(cred, service, region).add_auth(req)
    r = urllib.request.Request(URL, data=body.encode(), headers=dict(req.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def sqs(op, req, cred=GOOD):
    status, text = call("sqs", "us-east-1", json.dumps(req),
                        {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS." + op}, cred)
    return status, json.loads(text or "{}")


out = {}
_, out["create"] = sqs("CreateQueue", {"QueueName": "botocore-q"})
q = out["create"]["QueueUrl"]
_, out["send"] = sqs("SendMessage", {"QueueUrl": q, "MessageBody": "hello from botocore"})
_, out["receive"] = sqs("ReceiveMessage", {"QueueUrl": q, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1,
                                           "MessageSystemAttributeNames": ["All"]})
rh = out["receive"]["Messages"][0]["ReceiptHandle"]
out["delete_status"], _ = sqs("DeleteMessage", {"QueueUrl": q, "ReceiptHandle": rh})
_, out["attributes"] = sqs("GetQueueAttributes", {"QueueUrl": q, "AttributeNames": ["All"]})
out["bad_status"], out["bad"] = sqs("SendMessage", {"QueueUrl": q, "MessageBody": "x"}, BAD)
form = urllib.parse.urlencode({"Action": "Publish", "Version": "2010-03-31", "Message": "alert text",
                               "TopicArn": "arn:aws:sns:us-west-2:210987654321:ops"})
out["publish_status"], out["publish"] = call("sns", "us-west-2", form,
                                             {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
print(json.dumps(out))
