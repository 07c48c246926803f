#!/bin/sh
# attest collect aws end to end against the loopback AWS test server
# (tests/aws-server/server.py), which serves one account of the sample estate
# through the AWS wire protocols and verifies every request's SigV4
# signature: the collected inventory must equal that account's resources,
# its scan must give the same verdicts as the native inventory, injected
# faults must end up in the collection log (types withheld, checks
# not_evaluated), and bad credentials must fail. Then an AWS Organization
# of several accounts (collect_org.sh) and the s3rver emulator
# (npm), when npm and the registry are reachable.
. "$top_srcdir/tests/cli/lib.sh"
# The server and its helpers: start_server, stop_server, collect, control.
. "$top_srcdir/tests/cli/aws_server.sh"

# The types the collector reads (doc/aws-collection.md); the sample estate
# also has types it does not collect yet, which the comparison leaves out.
TYPES='["AWS::::Account","AWS::AccessAnalyzer::Analyzer","AWS::AccessAnalyzer::AnalyzerStatus","AWS::CloudTrail::Trail","AWS::CloudWatch::Alarm","AWS::Config::RecorderStatus","AWS::EC2::EBSEncryptionByDefault","AWS::EC2::FlowLog","AWS::EC2::Instance","AWS::EC2::NetworkAcl","AWS::EC2::SecurityGroup","AWS::EC2::VPC","AWS::EC2::Volume","AWS::EFS::FileSystem","AWS::IAM::AccountPasswordPolicy","AWS::IAM::AccountSummary","AWS::IAM::CredentialReportEntry","AWS::IAM::Group","AWS::IAM::Policy","AWS::IAM::Role","AWS::IAM::ServerCertificate","AWS::IAM::User","AWS::KMS::Key","AWS::Logs::LogGroup","AWS::Logs::MetricFilter","AWS::RDS::DBInstance","AWS::S3::AccountPublicAccessBlock","AWS::S3::Bucket","AWS::SNS::Topic","AWS::SecurityHub::HubStatus"]'
# The data-store types (RDS clusters and snapshots, DynamoDB, ..., ACM).
TYPES_DATA='["AWS::RDS::DBCluster","AWS::RDS::DBSnapshot","AWS::RDS::DBClusterSnapshot","AWS::DynamoDB::Table","AWS::EFS::AccessPoint","AWS::Redshift::Cluster","AWS::ElastiCache::ReplicationGroup","AWS::ElastiCache::CacheCluster","AWS::OpenSearch::Domain","AWS::SecretsManager::Secret","AWS::SQS::Queue","AWS::Backup::BackupVault","AWS::Backup::BackupPlan","AWS::ECR::Repository","AWS::ACM::Certificate"]'
# The compute, network, edge, detection and AI types.
TYPES_COMPUTE='["AWS::EC2::Snapshot","AWS::EC2::Image","AWS::EC2::VPCEndpoint","AWS::EC2::Subnet","AWS::EC2::TransitGateway","AWS::ElasticLoadBalancing::LoadBalancer","AWS::ElasticLoadBalancingV2::LoadBalancer","AWS::ElasticLoadBalancingV2::Listener","AWS::CloudFront::Distribution","AWS::ApiGateway::RestApi","AWS::ApiGateway::Stage","AWS::ApiGateway::DomainName","AWS::ApiGatewayV2::Api","AWS::ApiGatewayV2::Stage","AWS::Lambda::Function","AWS::ECS::TaskDefinition","AWS::ECS::Cluster","AWS::EKS::Cluster","AWS::GuardDuty::DetectorStatus","AWS::SecurityHub::StandardsSubscription","AWS::WAFv2::WebACL","AWS::SageMaker::NotebookInstance","AWS::SageMaker::EndpointConfig","AWS::SageMaker::Model","AWS::Bedrock::ModelInvocationLoggingStatus","AWS::Bedrock::CustomModel","AWS::Bedrock::Agent","AWS::Bedrock::Guardrail"]'
TYPES=$(jq -cn "$TYPES + $TYPES_DATA + $TYPES_COMPUTE")
NORM='def norm: {type, id, arn: (if .type == "AWS::::Account" then null else .arn end), name, region, account, tags, configuration, supplementaryConfiguration};'
# Of those, the estate leaves the API's raw tag list (Tags, tags) out of the
# configuration (it is the resource's tags), and gives some types no display
# name or no ARN where the collector has one: compared without them.
NONAME='["AWS::EC2::VPCEndpoint","AWS::EC2::Subnet","AWS::ElasticLoadBalancingV2::Listener","AWS::ApiGateway::DomainName"]'
NOARN='["AWS::ApiGateway::RestApi","AWS::ApiGateway::Stage","AWS::ApiGateway::DomainName","AWS::ApiGatewayV2::Api","AWS::ApiGatewayV2::Stage"]'
NORM="$NORM"' def cnorm: norm | if (.type | IN('"$TYPES_COMPUTE"'[])) then
	(if (.configuration | type) == "object" then .configuration |= del(.Tags, .tags) else . end)
	| (if (.type | IN('"$NONAME"'[])) then .name = null else . end)
	| (if (.type | IN('"$NOARN"'[])) then .arn = null else . end) else . end;'

case_begin "collect from the test server: the inventory equals the account's resources"
start_server
[ -n "$PORT" ] || fail "test server did not start: $(cat "$WORK/server.err")"
run collect -o "$WORK/live.ndjson"
expect_status 0
expect_err "calls"
# The server names a parameter group pg-<id> for instances the estate gives none.
PG='if .type == "AWS::RDS::DBInstance" and .configuration.DBParameterGroups == null then .configuration.DBParameterGroups = [{DBParameterGroupName: ("pg-" + .id), ParameterApplyStatus: "in-sync"}] else . end'
# ... and a cluster parameter group cpg-<id> for clusters.
PG="$PG"' | if .type == "AWS::RDS::DBCluster" and .configuration.DBClusterParameterGroup == null then .configuration.DBClusterParameterGroup = ("cpg-" + .id) else . end'
jq -c "$NORM"'.resources[] | select(.account == "'$ACCT'" and (.type | IN('"$TYPES"'[]))) | '"$PG"' | cnorm' "$ESTATE" | jq -S -s 'sort_by(.type, .id, .region)' >"$WORK/expected.json"
tail -n +2 "$WORK/live.ndjson" | jq -c "$NORM"'cnorm' | jq -S -s 'sort_by(.type, .id, .region)' >"$WORK/got.json"
cmp -s "$WORK/expected.json" "$WORK/got.json" ||
	fail "collected resources differ: $(diff "$WORK/expected.json" "$WORK/got.json" | head -20)"
head -n 1 "$WORK/live.ndjson" >"$WORK/header.json"
jq_is "$WORK/header.json" '.collection_log | length' 0
jq_is "$WORK/header.json" '.regions | join(",")' "us-east-1,eu-west-1"
jq_is "$WORK/header.json" '.accounts[0].id' "$ACCT"
jq_is "$WORK/header.json" "[.collected_types[]] - $TYPES | length" 0
jq_is "$WORK/header.json" "$TYPES - [.collected_types[]] | length" 0
case_end

case_begin "the worked example of doc/adding-a-service.md is the SQS service file, whose queues were collected"
sed -n '/^```c$/,/^```$/p' "$top_srcdir/doc/adding-a-service.md" | sed '1d;$d' >"$WORK/example.c"
cmp -s "$WORK/example.c" "$top_srcdir/src/collect/aws/svc_sqs.c" ||
	fail "the listing differs from svc_sqs.c: $(diff "$WORK/example.c" "$top_srcdir/src/collect/aws/svc_sqs.c" | head -10)"
jq '[.[] | select(.type == "AWS::SQS::Queue")]' "$WORK/expected.json" >"$WORK/sqs-expected.json"
jq '[.[] | select(.type == "AWS::SQS::Queue")]' "$WORK/got.json" >"$WORK/sqs-got.json"
[ "$(jq length "$WORK/sqs-expected.json")" -gt 0 ] || fail "the estate has no queue of $ACCT"
cmp -s "$WORK/sqs-expected.json" "$WORK/sqs-got.json" ||
	fail "queues differ: $(diff "$WORK/sqs-expected.json" "$WORK/sqs-got.json" | head -10)"
jq_is "$WORK/sqs-got.json" '[.[] | select(.tags != null and (.configuration.Attributes.QueueArn | startswith("arn:aws:sqs:")))] | length > 0' true
case_end

case_begin "no secret in the inventory or on stderr"
! grep -q 'attest/test/secret' "$WORK/live.ndjson" "$WORK/err" || fail "the secret key leaked"
case_end

case_begin "a scan of the live inventory gives the verdicts of the native one"
jq -c '{attest_inventory, provider, accounts: [{id: "'$ACCT'"}], regions, collected_types: '"$TYPES"'}' "$ESTATE" >"$WORK/native.ndjson"
jq -c '.resources[] | select(.account == "'$ACCT'" and (.type | IN('"$TYPES"'[])))' "$ESTATE" >>"$WORK/native.ndjson"
run "$ATTEST" scan -q --json "$WORK/native.json" "$WORK/native.ndjson"
expect_status 0
run "$ATTEST" scan -q --json "$WORK/livescan.json" "$WORK/live.ndjson"
expect_status 0
jq -S '[.findings[] | [.check, .status, .resource.type, .resource.id]] | sort' "$WORK/native.json" >"$WORK/a"
jq -S '[.findings[] | [.check, .status, .resource.type, .resource.id]] | sort' "$WORK/livescan.json" >"$WORK/b"
cmp -s "$WORK/a" "$WORK/b" || fail "verdicts differ: $(diff "$WORK/a" "$WORK/b" | head -10)"
jq_is "$WORK/livescan.json" '[.findings[] | select(.status == "fail")] | length > 0' true
case_end

case_begin "scan --aws collects and scans in one step"
mkdir -p "$WORK/tmp"
run env TMPDIR="$WORK/tmp" AWS_ACCESS_KEY_ID=AKIDATTESTTEST000001 AWS_SECRET_ACCESS_KEY=attest/test/secret/key/0000000000000000 \
	AWS_REGION=us-east-1 AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_CONFIG_FILE=/nonexistent \
	AWS_SHARED_CREDENTIALS_FILE=/nonexistent no_proxy='*' "$ATTEST" scan --aws --regions us-east-1,eu-west-1 \
	-q --json "$WORK/awsscan.json"
expect_status 0
jq -S '[.findings[] | [.check, .status, .resource.type, .resource.id]] | sort' "$WORK/awsscan.json" >"$WORK/c"
cmp -s "$WORK/a" "$WORK/c" || fail "scan --aws verdicts differ: $(diff "$WORK/a" "$WORK/c" | head -10)"
jq_is "$WORK/awsscan.json" '.scan.sources[0].collected_by | test("^arn:aws:")' true
[ -z "$(ls -A "$WORK/tmp")" ] || fail "temporary inventory left behind: $(ls -A "$WORK/tmp")"
case_end

case_begin "every listing paged one item at a time gives the same inventory"
start_server "$DATA/aws-collect/paged.json"
run collect -o "$WORK/paged.ndjson"
expect_status 0
tail -n +2 "$WORK/paged.ndjson" | jq -c "$NORM"'cnorm' | jq -S -s 'sort_by(.type, .id, .region)' >"$WORK/paged.json"
cmp -s "$WORK/got.json" "$WORK/paged.json" ||
	fail "paged inventory differs: $(diff "$WORK/got.json" "$WORK/paged.json" | head -20)"
jq_is "$WORK/paged.ndjson" 'select(.attest_inventory) | .collection_log | length' 0
case_end

case_begin "a listing whose page token comes back unchanged is stopped and logged, not followed forever"
start_server "$DATA/aws-collect/sametoken.json"
run collect -o "$WORK/same.ndjson"
expect_status 0
head -n 1 "$WORK/same.ndjson" >"$WORK/sameh.json"
jq_is "$WORK/sameh.json" '[.collection_log[] | select(.message | contains("same page token")) | .service + " " + .operation + " " + .region] | sort | join(",")' \
	"ec2 DescribeSecurityGroups eu-west-1,kms ListKeys us-east-1"
jq_is "$WORK/sameh.json" '.collected_types | index("AWS::KMS::Key")' null
jq_is "$WORK/sameh.json" '.collected_types | index("AWS::EC2::SecurityGroup")' null
[ "$(tail -n +2 "$WORK/same.ndjson" | jq -r 'select(.type == "AWS::KMS::Key") | .id' | wc -l)" = 0 ] ||
	fail "keys of a withheld type were written"
case_end

case_begin "API Gateway: an API's resources, routes and stages are read page by page to the end"
# One item a page, over an estate whose APIs have several resources, routes
# and (v2) stages: every page of each must be in the inventory.
saved_estate=$ESTATE
ESTATE="$DATA/aws-collect/apigw-estate.json"
start_server "$DATA/aws-collect/paged.json"
run collect --regions us-east-1 -o "$WORK/apigw.ndjson"
expect_status 0
jq -c "$NORM"'.resources[] | select(.type | startswith("AWS::ApiGateway")) | cnorm' "$ESTATE" |
	jq -S -s 'sort_by(.type, .id)' >"$WORK/apigw-expected.json"
tail -n +2 "$WORK/apigw.ndjson" | jq -c "$NORM"'select(.type | startswith("AWS::ApiGateway")) | cnorm' |
	jq -S -s 'sort_by(.type, .id)' >"$WORK/apigw-got.json"
cmp -s "$WORK/apigw-expected.json" "$WORK/apigw-got.json" ||
	fail "API Gateway resources differ: $(diff "$WORK/apigw-expected.json" "$WORK/apigw-got.json" | head -20)"
jq_is "$WORK/apigw-got.json" '[.[] | select(.type == "AWS::ApiGatewayV2::Stage" and .configuration.ApiId == "1e2da4340c")] | length' 3
jq_is "$WORK/apigw-got.json" '[.[] | select(.type == "AWS::ApiGatewayV2::Api")] | map(.supplementaryConfiguration.Routes | length) | add' 6
ESTATE=$saved_estate
start_server
case_end

case_begin "--regions limits the regions"
run collect --regions eu-west-1 -o "$WORK/eu.ndjson"
expect_status 0
jq_is "$WORK/eu.ndjson" 'select(.attest_inventory) | .regions | join(",")' eu-west-1
# S3 is global: its buckets keep their own region whatever --regions says;
# so are CloudFront's web ACLs, which AWS keeps (and attest records) in us-east-1;
# and multi-region trails, which eu-west-1 lists as shadows of their home region's.
[ "$(tail -n +2 "$WORK/eu.ndjson" | jq -r 'select(.region == "us-east-1" and .type != "AWS::S3::Bucket" and (.id | contains(":global/webacl/") | not) and .configuration.IsMultiRegionTrail != true) | .id' | wc -l)" = 0 ] ||
	fail "resources of us-east-1 were collected"
[ "$(tail -n +2 "$WORK/eu.ndjson" | jq -r 'select(.region == "eu-west-1") | .id' | wc -l)" -gt 10 ] ||
	fail "resources of eu-west-1 are missing"
case_end

case_begin "faults: retried when transient, logged and withheld when not"
start_server "$DATA/aws-collect/faults.json"
run collect -o "$WORK/faults.ndjson"
expect_status 0
head -n 1 "$WORK/faults.ndjson" >"$WORK/fh.json"
log() { jq -r '.collection_log[] | select(.service == "'$1'" and .operation == "'$2'") | .error_code' "$WORK/fh.json" | sort -u | tr '\n' ' '; }
[ "$(log securityhub DescribeHub)" = "AccessDeniedException " ] || fail "securityhub denial: '$(log securityhub DescribeHub)'"
[ "$(log monitoring DescribeAlarms)" = "Throttling " ] || fail "persistent throttling: '$(log monitoring DescribeAlarms)'"
[ "$(log rds DescribeDBInstances)" = "MalformedResponse " ] || fail "malformed XML: '$(log rds DescribeDBInstances)'"
[ "$(log elasticfilesystem DescribeFileSystems)" = "MalformedResponse " ] || fail "malformed JSON: '$(log elasticfilesystem DescribeFileSystems)'"
[ -z "$(log ec2 DescribeVolumes)$(log iam GetAccountAuthorizationDetails)$(log kms ListKeys)$(log logs DescribeLogGroups)" ] ||
	fail "transient faults were not retried: $(jq -c .collection_log "$WORK/fh.json")"
# 5, and Security Hub's GetEnabledStandards denied in both regions.
[ "$(log securityhub GetEnabledStandards)" = "AccessDeniedException " ] || fail "standards denial: '$(log securityhub GetEnabledStandards)'"
jq_is "$WORK/fh.json" '.collection_log | length' 7
jq_is "$WORK/fh.json" '.collected_types | index("AWS::SecurityHub::StandardsSubscription")' null
for t in AWS::SecurityHub::HubStatus AWS::CloudWatch::Alarm AWS::RDS::DBInstance AWS::EFS::FileSystem; do
	jq_is "$WORK/fh.json" ".collected_types | index(\"$t\")" null
	[ "$(tail -n +2 "$WORK/faults.ndjson" | jq -r "select(.type == \"$t\") | .id" | wc -l)" = 0 ] ||
		fail "$t resources written although the type failed"
done
for t in AWS::EC2::Volume AWS::KMS::Key AWS::IAM::User AWS::Logs::LogGroup AWS::IAM::CredentialReportEntry; do
	jq_is "$WORK/fh.json" ".collected_types | index(\"$t\") != null" true
done
jq_is "$WORK/fh.json" '[.collection_log[] | keys | sort | join(",")] | unique | join(";")' \
	"account,error_code,message,operation,region,service,types"
# Each entry names its account and the resource types the call fed.
jq_is "$WORK/fh.json" '[.collection_log[].account] | unique | join(",")' "$ACCT"
jq_is "$WORK/fh.json" '[.collection_log[] | select(.operation == "DescribeHub") | .types[]] | unique | join(",")' \
	"AWS::SecurityHub::HubStatus"
jq_is "$WORK/fh.json" '[.collection_log[] | select(.operation == "DescribeAlarms") | .types[]] | unique | join(",")' \
	"AWS::CloudWatch::Alarm"
case_end

case_begin "compute, edge and AI: a denied or broken call withholds its type, a denied tag call does not"
start_server "$DATA/aws-collect/deny_compute.json"
run collect -o "$WORK/cdeny.ndjson"
expect_status 0
head -n 1 "$WORK/cdeny.ndjson" >"$WORK/ch.json"
clog() { jq -r '[.collection_log[] | select(.service == "'$1'" and .operation == "'$2'") | .region + ":" + .error_code] | sort | unique | join(" ")' "$WORK/ch.json"; }
[ "$(clog lambda GetPolicy)" = "us-east-1:AccessDenied" ] || fail "lambda denial: '$(clog lambda GetPolicy)'"
[ "$(clog sagemaker ListTags)" = "us-east-1:AccessDenied" ] || fail "sagemaker tag denial: '$(clog sagemaker ListTags)'"
[ "$(clog guardduty GetFindingsStatistics)" = "eu-west-1:MalformedResponse" ] ||
	fail "guardduty malformed answer: '$(clog guardduty GetFindingsStatistics)'"
[ "$(clog bedrock GetModelInvocationLoggingConfiguration)" = "eu-west-1:AccessDeniedException us-east-1:AccessDeniedException" ] ||
	fail "bedrock denial: '$(clog bedrock GetModelInvocationLoggingConfiguration)'"
[ -z "$(clog cloudfront GetDistribution)$(clog elasticloadbalancing DescribeListeners)" ] ||
	fail "transient faults were not retried: $(jq -c .collection_log "$WORK/ch.json")"
# bedrock-agent signs as bedrock (its IAM actions are bedrock:*): denied too.
for t in AWS::Lambda::Function AWS::GuardDuty::DetectorStatus AWS::Bedrock::ModelInvocationLoggingStatus AWS::Bedrock::CustomModel AWS::Bedrock::Guardrail AWS::Bedrock::Agent; do
	jq_is "$WORK/ch.json" ".collected_types | index(\"$t\")" null
	[ "$(tail -n +2 "$WORK/cdeny.ndjson" | jq -r "select(.type == \"$t\") | .id" | wc -l)" = 0 ] ||
		fail "$t resources written although the type failed"
done
for t in AWS::SageMaker::NotebookInstance AWS::SageMaker::Model AWS::CloudFront::Distribution AWS::ElasticLoadBalancingV2::Listener; do
	jq_is "$WORK/ch.json" ".collected_types | index(\"$t\") != null" true
done
# SageMaker resources come without their tags (labels), all of them still there.
[ "$(tail -n +2 "$WORK/cdeny.ndjson" | jq -r 'select(.type == "AWS::SageMaker::NotebookInstance") | .tags' | sort -u)" = null ] ||
	fail "SageMaker tags present although ListTags was denied"
[ "$(tail -n +2 "$WORK/cdeny.ndjson" | jq -r 'select(.type | startswith("AWS::SageMaker::")) | .id' | wc -l)" = 6 ] ||
	fail "SageMaker resources missing"
[ "$(tail -n +2 "$WORK/cdeny.ndjson" | jq -r 'select(.type == "AWS::ElasticLoadBalancingV2::Listener") | .id' | wc -l)" = 7 ] ||
	fail "listeners missing after a retried 5xx"
run "$ATTEST" scan -q --json "$WORK/cscan.json" "$WORK/cdeny.ndjson"
expect_status 0
jq_is "$WORK/cscan.json" '[.findings[] | select(.resource.type == "AWS::Lambda::Function" or .resource.type == "AWS::GuardDuty::DetectorStatus")] | length' 0
case_end

case_begin "the live inventory, collection log included, matches doc/inventory.schema.json"
if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 -c '
import json, sys
from jsonschema.validators import validator_for
schema = json.load(open(sys.argv[1]))
cls = validator_for(schema)
part = lambda n: cls({"$ref": "#/$defs/" + n, "$defs": schema["$defs"]})
bad = 0
for n, line in enumerate(open(sys.argv[2]), 1):
    for e in (part("header") if n == 1 else part("resource")).iter_errors(json.loads(line)):
        bad += 1
        print("line %d: %s" % (n, e.message[:200]))
sys.exit(1 if bad else 0)' "$top_srcdir/doc/inventory.schema.json" "$WORK/faults.ndjson" >"$WORK/schema.out" 2>&1 ||
		fail "schema: $(head -5 "$WORK/schema.out")"
else
	fail "python3-jsonschema is not installed: run install-deps.sh"
fi
case_end

case_begin "denied and failed services: their checks are not_evaluated, the scan completes"
run "$ATTEST" scan -q --json "$WORK/fscan.json" "$WORK/faults.ndjson"
expect_status 0
jq_is "$WORK/fscan.json" '[.findings[] | select(.resource.type == "AWS::SecurityHub::HubStatus" or .resource.type == "AWS::RDS::DBInstance")] | length' 0
jq_is "$WORK/fscan.json" '[.. | objects | select(.id? == "securityhub-enabled" and .status? != null) | .status] | unique | join(",")' not_evaluated
case_end

case_begin "data stores: a denied call withholds its type, a denied tag call does not"
start_server "$DATA/aws-collect/deny_data.json"
run collect -o "$WORK/deny.ndjson"
expect_status 0
head -n 1 "$WORK/deny.ndjson" >"$WORK/dh.json"
dlog() { jq -r '[.collection_log[] | select(.service == "'$1'" and .operation == "'$2'") | .region + ":" + .error_code] | sort | join(" ")' "$WORK/dh.json"; }
[ "$(dlog secretsmanager ListSecrets)" = "eu-west-1:AccessDeniedException us-east-1:AccessDeniedException" ] ||
	fail "secrets manager denial: '$(dlog secretsmanager ListSecrets)'"
[ "$(dlog dynamodb DescribeContinuousBackups)" = "eu-west-1:AccessDenied" ] ||
	fail "dynamodb denial: '$(dlog dynamodb DescribeContinuousBackups)'"
[ "$(dlog backup GetBackupSelection)" = "us-east-1:AccessDenied" ] || fail "backup denial: '$(dlog backup GetBackupSelection)'"
[ -n "$(dlog api.ecr ListTagsForResource)" ] || fail "the denied ECR tag calls are not logged"
[ -z "$(dlog rds DescribeDBClusterSnapshots)" ] || fail "throttled RDS calls were not retried"
for t in AWS::SecretsManager::Secret AWS::DynamoDB::Table AWS::Backup::BackupPlan; do
	jq_is "$WORK/dh.json" ".collected_types | index(\"$t\")" null
	[ "$(tail -n +2 "$WORK/deny.ndjson" | jq -r "select(.type == \"$t\") | .id" | wc -l)" = 0 ] ||
		fail "$t resources written although the type failed"
done
for t in AWS::ECR::Repository AWS::Backup::BackupVault AWS::RDS::DBClusterSnapshot AWS::SQS::Queue; do
	jq_is "$WORK/dh.json" ".collected_types | index(\"$t\") != null" true
done
# ECR repositories come without their tags (labels), everything else intact.
[ "$(tail -n +2 "$WORK/deny.ndjson" | jq -r 'select(.type == "AWS::ECR::Repository") | .tags' | sort -u)" = null ] ||
	fail "ECR tags present although ListTagsForResource was denied"
[ "$(tail -n +2 "$WORK/deny.ndjson" | jq -r 'select(.type == "AWS::ECR::Repository") | .id' | wc -l)" = 4 ] ||
	fail "ECR repositories missing"
run "$ATTEST" scan -q --json "$WORK/dscan.json" "$WORK/deny.ndjson"
expect_status 0
jq_is "$WORK/dscan.json" '[.findings[] | select(.resource.type == "AWS::DynamoDB::Table" or .resource.type == "AWS::SecretsManager::Secret")] | length' 0
case_end

case_begin "data stores: a resource deleted during the collection is left out, its type kept"
start_server "$DATA/aws-collect/gone_data.json"
run collect -o "$WORK/gone.ndjson"
expect_status 0
jq_is "$WORK/gone.ndjson" 'select(.attest_inventory) | .collection_log | length' 0
for t in AWS::DynamoDB::Table AWS::SQS::Queue AWS::RDS::DBSnapshot AWS::ACM::Certificate AWS::OpenSearch::Domain AWS::Backup::BackupPlan; do
	jq_is "$WORK/gone.ndjson" "select(.attest_inventory) | .collected_types | index(\"$t\") != null" true
done
gone=$(tail -n +2 "$WORK/gone.ndjson" | jq -r 'select(.id == "nw-prod-api-sessions" or .id == "nw-prod-orders-db-pre-pg16-upgrade" or .id == "nw-prod-search" or (.id | endswith("/nw-prod-order-events")) or (.id | endswith("09152d91-11f4-4a82-b119-c7c315806a31"))) | .id')
[ -z "$gone" ] || fail "deleted resources were written: $gone"
[ "$(tail -n +2 "$WORK/gone.ndjson" | jq -r 'select(.type == "AWS::DynamoDB::Table") | .id' | wc -l)" = 3 ] || fail "the other tables are missing"
jq_is "$WORK/gone.ndjson" 'select(.id == "f4fcfa09-6469-490b-9b22-a0fc6ed543ef") | [.supplementaryConfiguration.Selections[].SelectionName] | join(",")' tagged-daily
jq_is "$WORK/gone.ndjson" 'select(.id == "f4fcfa09-6469-490b-9b22-a0fc6ed543ef") | .supplementaryConfiguration | keys | join(",")' Selections
case_end

case_begin "bad credentials: exit 1, nothing written"
start_server
SECRET=wrong-secret run collect -o "$WORK/bad.ndjson"
expect_status 1
expect_err "SignatureDoesNotMatch"
expect_no_file "$WORK/bad.ndjson"
KEY_ID=AKIDUNKNOWN0000000000 run collect -o "$WORK/bad.ndjson"
expect_status 1
expect_err "InvalidClientTokenId"
case_end

case_begin "no endpoint reachable: exit 1"
stop_server
run collect -o "$WORK/none.ndjson"
expect_status 1
expect_err "cannot reach AWS"
expect_no_file "$WORK/none.ndjson"
case_end

case_begin "usage errors exit 2"
run "$ATTEST" collect aws
expect_status 2
run "$ATTEST" collect gcp -o x
expect_status 2
run "$ATTEST" collect aws --regions , -o x
expect_status 2
case_end

. "$top_srcdir/tests/cli/collect_org.sh"
. "$top_srcdir/tests/cli/collect_real.sh"
. "$top_srcdir/tests/cli/collect_s3rver.sh"
finish
