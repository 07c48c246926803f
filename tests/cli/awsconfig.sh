#!/bin/sh
# attest scan of an AWS Config snapshot end to end: a snapshot file assembled
# from the configuration items in tests/data/awsconfig/ (both the snapshot
# file's and the config API's naming) is scanned, and checks on the newer
# resource types must give the verdicts they give on the equivalent native
# resources (pass or fail, never error because of the item's shape). Checks
# that need data AWS Config does not record must not pass.
. "$top_srcdir/tests/cli/lib.sh"
FX="$DATA/awsconfig"

jq -s '{fileVersion: "1.0", configSnapshotId: "6a3b1c2d-0000-4000-8000-000000000001",
        configurationItems: .}' "$FX"/snapshot-*.json "$FX"/api-*.json >"$WORK/snapshot.json"

# verdict CHECK RESOURCE-ID: the status of CHECK's finding on that resource.
verdict() {
	jq -r --arg c "$1" --arg id "$2" \
		'[.findings[] | select(.check == $c and .resource.id == $id) | .status] | join(",")' \
		"$WORK/scan.json"
}
expect_verdict() {
	got=$(verdict "$1" "$2")
	[ "$got" = "$3" ] || fail "$1 on '$2' gave '$got', expected '$3'"
}

case_begin "the snapshot scans and every item becomes a resource"
run "$ATTEST" scan -q --json "$WORK/scan.json" "$WORK/snapshot.json"
expect_status 0
items=$(jq '.configurationItems | length' "$WORK/snapshot.json")
jq_is "$WORK/scan.json" '.scan.resource_count >= '"$items" true
case_end

case_begin "Lambda: re-cased keys, environment names kept, Policy parsed"
expect_verdict lambda-runtime-supported order-export pass
expect_verdict lambda-env-encrypted-with-cmk order-export pass
expect_verdict lambda-env-no-plaintext-secrets order-export fail
expect_verdict lambda-function-in-vpc order-export pass
expect_verdict lambda-xray-tracing-active order-export fail
expect_verdict lambda-policy-not-public order-export fail
case_end

case_begin "SQS and SNS: attributes under Attributes, id from URL and ARN"
q=https://sqs.us-east-1.amazonaws.com/111122223333/orders
t=arn:aws:sns:us-east-1:111122223333:alerts
expect_verdict sqs-queue-encrypted "$q" fail
expect_verdict sqs-queue-policy-not-public "$q" fail
expect_verdict sns-topic-encrypted-kms "$t" pass
expect_verdict sns-topic-policy-not-public "$t" pass
case_end

case_begin "Secrets Manager, DynamoDB"
s='arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf'
expect_verdict secretsmanager-secret-rotation-enabled "$s" pass
expect_verdict dynamodb-table-deletion-protection-enabled orders fail
expect_verdict dynamodb-table-point-in-time-recovery-enabled orders pass
case_end

case_begin "load balancers: attributes, listeners and policies"
lb=arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188
ls=arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2
expect_verdict elbv2-access-logs-enabled "$lb" pass
expect_verdict elbv2-deletion-protection-enabled "$lb" fail
expect_verdict elbv2-alb-drops-invalid-headers "$lb" pass
expect_verdict elbv2-alb-desync-mitigation-defensive "$lb" pass
expect_verdict elbv2-http-listener-redirects-to-https "$ls" pass
expect_verdict elb-classic-listeners-encrypted legacy pass
expect_verdict elb-classic-tls-policy-secure legacy fail
expect_verdict elb-classic-access-logs-enabled legacy fail
case_end

case_begin "CloudFront: distributionConfig in the API's shape"
d=E2QWRUHEXAMPLE
expect_verdict cloudfront-viewer-tls-1-2-minimum $d pass
expect_verdict cloudfront-viewer-https-required $d fail
expect_verdict cloudfront-origin-tls-1-2 $d pass
expect_verdict cloudfront-s3-origin-access-control $d pass
expect_verdict cloudfront-access-logging-enabled $d pass
expect_verdict cloudfront-default-root-object $d pass
expect_verdict cloudfront-waf-attached $d fail
case_end

case_begin "ECS, EKS, ECR: CloudFormation PascalCase to the API's camelCase"
expect_verdict ecs-task-no-privileged-containers web:7 fail
expect_verdict ecs-task-readonly-root-filesystem web:7 pass
expect_verdict ecs-task-logging-configured web:7 pass
expect_verdict ecs-task-containers-non-root web:7 pass
expect_verdict ecs-cluster-container-insights prod pass
expect_verdict eks-endpoint-not-public-to-world platform fail
expect_verdict eks-secrets-encryption-enabled platform pass
expect_verdict eks-control-plane-audit-logging platform fail # authenticator not logged
expect_verdict ecr-repository-tag-immutability web fail
expect_verdict ecr-repository-encrypted-with-kms web pass
expect_verdict ecr-repository-policy-not-public web fail
case_end

case_begin "API Gateway stage, OpenSearch, Redshift, RDS snapshot, ElastiCache"
expect_verdict apigateway-rest-stage-xray-tracing a1b2c3d4e5/prod fail
expect_verdict apigateway-rest-stage-access-logging a1b2c3d4e5/prod pass
expect_verdict apigateway-rest-stage-execution-logging a1b2c3d4e5/prod pass
expect_verdict apigateway-rest-stage-waf-attached a1b2c3d4e5/prod pass
expect_verdict opensearch-domain-encrypted-at-rest search pass
expect_verdict opensearch-domain-in-vpc search pass
expect_verdict opensearch-domain-fine-grained-access-control search fail
expect_verdict redshift-cluster-encrypted analytics pass
expect_verdict redshift-cluster-not-publicly-accessible analytics fail
expect_verdict redshift-cluster-audit-logging-enabled analytics pass
expect_verdict rds-snapshot-not-public manual-db1 fail
expect_verdict rds-snapshot-encrypted manual-db1 fail
expect_verdict elasticache-replication-group-encrypted-at-rest sessions pass
expect_verdict elasticache-replication-group-encrypted-in-transit sessions fail
case_end

case_begin "Backup vault, WAFv2, SageMaker"
w=arn:aws:wafv2:us-east-1:111122223333:regional/webacl/edge/a1b2
expect_verdict backup-vault-lock-enabled vault1 pass
expect_verdict wafv2-webacl-has-rules "$w" fail
expect_verdict wafv2-webacl-logging-enabled "$w" pass
expect_verdict sagemaker-notebook-no-direct-internet-access lab fail
expect_verdict sagemaker-notebook-root-access-disabled lab pass
case_end

case_begin "data Config does not record is never a pass"
for c in secretsmanager-secret-rotated-90-days secretsmanager-secret-policy-not-public; do
	expect_verdict $c 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf' error
done
expect_verdict redshift-cluster-requires-ssl analytics error
expect_verdict lambda-function-url-auth-required order-export error
expect_verdict elbv2-internet-facing-alb-waf-attached \
	arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188 error
expect_verdict opensearch-domain-access-policy-not-public search error
case_end

case_begin "errors only where the data is not in AWS Config (or not in the fixture)"
# Every other check on these resources gives a verdict. The RDS instance
# and CloudTrail entries are fields the older fixtures leave out.
jq -r '.findings[] | select(.status == "error") | .check' "$WORK/scan.json" | sort -u >"$WORK/errors"
sort >"$WORK/expected" <<'LIST'
cloudtrail-bucket-access-logging-enabled
cloudtrail-multi-region-trail-logging
cloudtrail-s3-data-events-read
cloudtrail-s3-data-events-write
elbv2-internet-facing-alb-waf-attached
kms-key-policy-not-public
lambda-async-failure-destination
lambda-function-url-auth-required
opensearch-domain-access-policy-not-public
rds-instance-ca-certificate-current
rds-instance-enhanced-monitoring-enabled
rds-instance-no-default-master-username
rds-instance-requires-tls
redshift-cluster-requires-ssl
secretsmanager-secret-policy-not-public
secretsmanager-secret-rotated-90-days
sns-topic-subscriptions-use-https
LIST
diff "$WORK/expected" "$WORK/errors" >"$WORK/diff" || fail "checks in error differ: $(cat "$WORK/diff")"
case_end

case_begin "the API-style configuration text and the snapshot object give the same resource"
jq '.configuration = (.configuration | fromjson)' "$FX/api-sqs.json" >"$WORK/sqs-object.json"
jq -s '{configurationItems: .}' "$WORK/sqs-object.json" >"$WORK/sqs-snap.json"
run "$ATTEST" scan -q --json "$WORK/sqs.json" "$WORK/sqs-snap.json"
expect_status 0
jq_is "$WORK/sqs.json" '[.findings[] | select(.check == "sqs-queue-encrypted") | .status] | join(",")' fail
jq_is "$WORK/sqs.json" '[.findings[] | select(.check == "sqs-queue-policy-not-public") | .status] | join(",")' fail
case_end

case_begin "a malformed policy text names the item and the key"
jq '.supplementaryConfiguration.Policy = "%7B%zz"' "$FX/snapshot-lambda.json" >"$WORK/bad.json"
jq -s '{configurationItems: .}' "$WORK/bad.json" >"$WORK/bad-snap.json"
before=$(scan_count "$ATTEST_DB")
run "$ATTEST" scan -q "$WORK/bad-snap.json"
expect_status 1
expect_err "AWS::Lambda::Function"
expect_err "supplementaryConfiguration.Policy"
[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a failed scan was stored"
case_end

finish
