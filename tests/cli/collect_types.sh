#!/bin/sh
# attest collect aws --type: only the services writing the named resource
# types are called (the test server counts every request by service,
# operation and region), collected_types lists exactly what was collected,
# and every type the collector reads is reached through its service. Then
# the estate changes while the server runs (its control endpoint): a
# security group opened, a resource added and one removed; collecting that
# type again sees the change.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/aws_server.sh"

EC2_TYPES='["AWS::EC2::EBSEncryptionByDefault","AWS::EC2::FlowLog","AWS::EC2::Image","AWS::EC2::Instance","AWS::EC2::NetworkAcl","AWS::EC2::SecurityGroup","AWS::EC2::Snapshot","AWS::EC2::Subnet","AWS::EC2::TransitGateway","AWS::EC2::VPC","AWS::EC2::VPCEndpoint","AWS::EC2::Volume"]'

case_begin "--type AWS::EC2::SecurityGroup: EC2 alone is called and collected"
start_server
[ -n "$PORT" ] || fail "test server did not start"
run collect --regions us-east-1 --type AWS::EC2::SecurityGroup -o "$WORK/sg.ndjson"
expect_status 0
head -n 1 "$WORK/sg.ndjson" >"$WORK/sg.header"
jq_is "$WORK/sg.header" ".collected_types | sort == ($EC2_TYPES | sort)" true
jq_is "$WORK/sg.header" '.collection_log | length' 0
# Every resource is of a collected type; the groups are the estate's.
tail -n +2 "$WORK/sg.ndjson" | jq -r .type | sort -u >"$WORK/sg.types"
jq -r "$EC2_TYPES[]" -n | sort >"$WORK/ec2.types"
[ -z "$(comm -23 "$WORK/sg.types" "$WORK/ec2.types")" ] || fail "other types written: $(comm -23 "$WORK/sg.types" "$WORK/ec2.types")"
want=$(jq '[.resources[] | select(.account == "'$ACCT'" and .type == "AWS::EC2::SecurityGroup" and .region == "us-east-1") | .id] | sort' "$ESTATE")
got=$(tail -n +2 "$WORK/sg.ndjson" | jq -s '[.[] | select(.type == "AWS::EC2::SecurityGroup") | .id] | sort')
[ "$(echo "$want" | jq length)" -gt 0 ] || fail "the estate has no security group in us-east-1"
[ "$want" = "$got" ] || fail "security groups differ: want $want, got $got"
# STS (the identity check) and EC2, nothing else.
[ "$(services_called | tr '\n' ' ')" = "ec2 sts " ] || fail "services called: $(services_called | tr '\n' ' ')"
case_end

case_begin "two types of two services: both services, only them"
start_server
run collect --regions us-east-1 --type AWS::S3::Bucket --type AWS::IAM::User -o "$WORK/two.ndjson"
expect_status 0
head -n 1 "$WORK/two.ndjson" >"$WORK/two.header"
jq_is "$WORK/two.header" '[.collected_types[] | select(startswith("AWS::IAM::") or startswith("AWS::S3::") or . == "AWS::::Account" | not)] | length' 0
jq_is "$WORK/two.header" '.collected_types | index("AWS::S3::Bucket") != null and index("AWS::IAM::User") != null and index("AWS::::Account") != null' true
extra=$(services_called | grep -v -x -e sts -e iam -e s3 -e s3-control)
[ -z "$extra" ] || fail "other services called: $extra"
case_end

case_begin "--type with an organization: each account collects the same services only"
start_server
run collect --regions us-east-1 --accounts-from-organization --role-name attest-audit --type AWS::SNS::Topic -o "$WORK/org.ndjson"
expect_status 0
jq_is "$WORK/org.ndjson" 'select(.attest_inventory) | .collected_types | join(",")' "AWS::SNS::Topic"
[ "$(tail -n +2 "$WORK/org.ndjson" | jq -r .account | sort -u | wc -l)" -ge 2 ] || fail "topics of fewer than two accounts"
extra=$(services_called | grep -v -x -e sts -e sns -e organizations)
[ -z "$extra" ] || fail "other services called: $extra"
case_end

case_begin "a type the collector does not read is a usage error"
run collect --regions us-east-1 --type AWS::EC2::Nothing -o "$WORK/none.ndjson"
expect_status 2
expect_err "'AWS::EC2::Nothing' is not a resource type the AWS collector reads"
expect_no_file "$WORK/none.ndjson"
case_end

case_begin "every type the collector reads is collected by its --type"
# One full collection gives the types; each alone must come back collected.
start_server
run collect --regions us-east-1 -o "$WORK/full.ndjson"
expect_status 0
head -n 1 "$WORK/full.ndjson" | jq -r '.collected_types[]' >"$WORK/all.types"
[ "$(wc -l <"$WORK/all.types")" -gt 60 ] || fail "few types in a full collection: $(wc -l <"$WORK/all.types")"
missed=
while read -r t; do
	collect --regions us-east-1 --type "$t" -o "$WORK/one.ndjson" 2>"$WORK/one.err" ||
		{ missed="$missed $t(exit)"; continue; }
	head -n 1 "$WORK/one.ndjson" | jq -e --arg t "$t" '.collected_types | index($t) != null' >/dev/null ||
		missed="$missed $t"
	n=$(head -n 1 "$WORK/one.ndjson" | jq '.collected_types | length')
	[ "$n" -lt "$(wc -l <"$WORK/all.types")" ] || missed="$missed $t(everything)"
done <"$WORK/all.types"
[ -z "$missed" ] || fail "types not reached through --type:$missed"
case_end

case_begin "the estate changes while the server runs; a re-collection sees it"
start_server
sg=$(jq -r '[.resources[] | select(.account == "'$ACCT'" and .type == "AWS::EC2::SecurityGroup" and .region == "us-east-1")][0].id' "$ESTATE")
open='{"op": "patch", "type": "AWS::EC2::SecurityGroup", "id": "'$sg'", "region": "us-east-1", "configuration": {"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]}}'
control resource "$open" >/dev/null || fail "the control endpoint refused the patch"
vpc='{"op": "put", "resource": {"type": "AWS::EC2::VPC", "id": "vpc-0added0000000001", "region": "us-east-1", "account": "'$ACCT'", "configuration": {"VpcId": "vpc-0added0000000001", "CidrBlock": "10.9.0.0/16", "State": "available", "IsDefault": false, "OwnerId": "'$ACCT'"}}}'
control resource "$vpc" >/dev/null || fail "the control endpoint refused the new VPC"
gone=$(jq -r '[.resources[] | select(.account == "'$ACCT'" and .type == "AWS::EC2::Volume" and .region == "us-east-1")][0].id' "$ESTATE")
control resource '{"op": "delete", "type": "AWS::EC2::Volume", "id": "'$gone'", "region": "us-east-1"}' >/dev/null ||
	fail "the control endpoint refused the delete"
control resource '{"op": "delete", "type": "AWS::EC2::Volume", "id": "vol-none"}' >/dev/null &&
	fail "deleting an unknown resource was accepted"
run collect --regions us-east-1 --type AWS::EC2::SecurityGroup -o "$WORK/after.ndjson"
expect_status 0
got=$(tail -n +2 "$WORK/after.ndjson" | jq -c --arg id "$sg" 'select(.type == "AWS::EC2::SecurityGroup" and .id == $id) | .configuration.IpPermissions | map([.FromPort, .IpRanges[0].CidrIp])')
[ "$got" = '[[22,"0.0.0.0/0"]]' ] || fail "the opened group reads $got"
[ "$(tail -n +2 "$WORK/after.ndjson" | jq -r 'select(.type == "AWS::EC2::VPC" and .id == "vpc-0added0000000001") | .configuration.CidrBlock')" = 10.9.0.0/16 ] ||
	fail "the added VPC was not collected"
[ -z "$(tail -n +2 "$WORK/after.ndjson" | jq -r --arg id "$gone" 'select(.type == "AWS::EC2::Volume" and .id == $id) | .id')" ] ||
	fail "the deleted volume $gone is still collected"
case_end

finish
