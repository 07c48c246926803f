#!/bin/sh
# The loopback AWS test server's SQS and SNS APIs, called with botocore's
# SigV4 signer (tests/cli/aws_server_sqs.py) rather than attest's: queues
# created and messages sent through the API are received with their
# attributes and deleted, the backlog counts them, a wrong signature is
# refused, and an SNS message published is recorded (the --published file
# and the control endpoint). The client's side is tests/unit/test_client.c.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/aws_server.sh"
python3 -c 'import botocore' 2>/dev/null || { echo "python3-botocore not installed: run install-deps.sh"; exit 1; }

case_begin "SQS and SNS through the API, signed by botocore"
SERVER_ARGS="--published $WORK/published.ndjson"
start_server
[ -n "$PORT" ] || fail "test server did not start"
python3 "$top_srcdir/tests/cli/aws_server_sqs.py" "$PORT" >"$WORK/api.json" 2>"$WORK/api.err" ||
	fail "the API calls failed: $(tail -5 "$WORK/api.err")"
jq_is "$WORK/api.json" '.create.QueueUrl' "http://127.0.0.1:$PORT/$ACCT/botocore-q"
jq_is "$WORK/api.json" '.receive.Messages | length' 1
jq_is "$WORK/api.json" '.receive.Messages[0].Body' "hello from botocore"
jq_is "$WORK/api.json" '.receive.Messages[0].MessageId == .send.MessageId' true
jq_is "$WORK/api.json" '.receive.Messages[0].MD5OfBody == .send.MD5OfMessageBody' true
jq_is "$WORK/api.json" '.receive.Messages[0].Attributes.ApproximateReceiveCount' 1
jq_is "$WORK/api.json" '.receive.Messages[0].Attributes.SentTimestamp | test("^[0-9]{13}$")' true
jq_is "$WORK/api.json" '.delete_status' 200
jq_is "$WORK/api.json" '.attributes.Attributes | [.ApproximateNumberOfMessages, .ApproximateNumberOfMessagesNotVisible] | join(",")' "0,0"
jq_is "$WORK/api.json" '.attributes.Attributes.QueueArn' "arn:aws:sqs:us-east-1:$ACCT:botocore-q"
jq_is "$WORK/api.json" '.bad_status' 403
jq_is "$WORK/api.json" '.bad.__type' SignatureDoesNotMatch
jq_is "$WORK/api.json" '.publish_status' 200
jq_is "$WORK/api.json" '.publish | test("<MessageId>[0-9a-f-]{36}</MessageId>")' true
jq_is "$WORK/published.ndjson" '.Message + " " + .region + " " + .TopicArn' "alert text us-west-2 arn:aws:sns:us-west-2:$ACCT:ops"
[ "$(control published | jq length)" = 1 ] || fail "the control endpoint lists $(control published)"
[ "$(control queue/botocore-q | jq -r .ApproximateNumberOfMessages)" = 0 ] || fail "the queue is not empty"
case_end

finish
