#!/usr/bin/env python3
"""Writes a synthetic native inventory of about N resources (one account, two
regions) for the collection benchmark: the test server serves it, so its mix
decides how many calls the collector makes (listings for EC2 and logs,
several calls per resource for S3 buckets, KMS keys, SNS topics, RDS
instances and IAM policies)."""
import json, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
acct = "210987654321"
regions = ["us-east-1", "eu-west-1"]
res = []
share = {"sg": 0.30, "vol": 0.20, "inst": 0.10, "lg": 0.10, "key": 0.05, "bucket": 0.01,
         "topic": 0.05, "user": 0.07, "policy": 0.03, "alarm": 0.05, "db": 0.04}

def add(t, i, region, conf, supp=None, arn=None, tags=None):
    r = {"type": t, "id": i, "region": region, "account": acct, "configuration": conf}
    if arn: r["arn"] = arn
    if supp is not None: r["supplementaryConfiguration"] = supp
    if tags: r["tags"] = tags
    res.append(r)

for kind, frac in share.items():
    for k in range(int(n * frac)):
        reg = regions[k % 2]
        if kind == "sg":
            add("AWS::EC2::SecurityGroup", "sg-%017x" % k, reg, {"GroupId": "sg-%017x" % k, "GroupName": "g%d" % k, "Description": "d", "VpcId": "vpc-1", "OwnerId": acct,
                "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [], "UserIdGroupPairs": [], "PrefixListIds": []}], "IpPermissionsEgress": []})
        elif kind == "vol":
            add("AWS::EC2::Volume", "vol-%017x" % k, reg, {"VolumeId": "vol-%017x" % k, "Size": 8, "Encrypted": k % 3 == 0, "State": "in-use", "AvailabilityZone": reg + "a", "Attachments": []})
        elif kind == "inst":
            add("AWS::EC2::Instance", "i-%017x" % k, reg, {"InstanceId": "i-%017x" % k, "ImageId": "ami-1", "State": {"Code": 16, "Name": "running"}, "SubnetId": "subnet-1", "VpcId": "vpc-1",
                "SecurityGroups": [{"GroupName": "g", "GroupId": "sg-1"}], "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}})
        elif kind == "lg":
            add("AWS::Logs::LogGroup", "/bench/%d" % k, reg, {"logGroupName": "/bench/%d" % k, "arn": "arn:aws:logs:%s:%s:log-group:/bench/%d:*" % (reg, acct, k), "retentionInDays": 30})
        elif kind == "key":
            arn = "arn:aws:kms:%s:%s:key/key-%d" % (reg, acct, k)
            add("AWS::KMS::Key", "key-%d" % k, reg, {"KeyId": "key-%d" % k, "Arn": arn, "KeyManager": "CUSTOMER", "KeyState": "Enabled", "Enabled": True},
                {"KeyRotationEnabled": True, "KeyPolicy": {"Version": "2012-10-17", "Statement": []}}, arn)
        elif kind == "bucket":
            add("AWS::S3::Bucket", "bench-bucket-%d" % k, reg, {"Name": "bench-bucket-%d" % k, "CreationDate": "2025-01-01T00:00:00Z", "BucketRegion": reg},
                {"BucketPolicy": None, "PublicAccessBlockConfiguration": None, "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]},
                 "BucketVersioningConfiguration": {}, "BucketLoggingConfiguration": {}, "BucketAcl": {"Owner": {"ID": "o"}, "Grants": []}, "OwnershipControls": None, "ObjectLockConfiguration": None})
        elif kind == "topic":
            arn = "arn:aws:sns:%s:%s:bench-%d" % (reg, acct, k)
            add("AWS::SNS::Topic", arn, reg, {"TopicArn": arn, "Attributes": {"TopicArn": arn, "Owner": acct}}, {"Subscriptions": []}, arn)
        elif kind == "user":
            add("AWS::IAM::User", "user%d" % k, "global", {"UserName": "user%d" % k, "UserId": "AIDA%d" % k, "Arn": "arn:aws:iam::%s:user/user%d" % (acct, k), "Path": "/",
                "CreateDate": "2025-01-01T00:00:00Z", "UserPolicyList": [], "GroupList": [], "AttachedManagedPolicies": []})
        elif kind == "policy":
            arn = "arn:aws:iam::%s:policy/p%d" % (acct, k)
            add("AWS::IAM::Policy", arn, "global", {"PolicyName": "p%d" % k, "PolicyId": "ANPA%d" % k, "Arn": arn, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 0, "IsAttachable": True,
                "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": []}, "VersionId": "v1", "IsDefaultVersion": True}]}, {"PolicyUsers": [], "PolicyGroups": [], "PolicyRoles": []}, arn)
        elif kind == "alarm":
            add("AWS::CloudWatch::Alarm", "alarm-%d" % k, reg, {"AlarmName": "alarm-%d" % k, "AlarmArn": "arn:aws:cloudwatch:%s:%s:alarm:alarm-%d" % (reg, acct, k), "ActionsEnabled": True, "AlarmActions": [], "Threshold": 1.0})
        elif kind == "db":
            add("AWS::RDS::DBInstance", "db-%d" % k, reg, {"DBInstanceIdentifier": "db-%d" % k, "DBInstanceArn": "arn:aws:rds:%s:%s:db:db-%d" % (reg, acct, k), "Engine": "postgres", "StorageEncrypted": True},
                {"DBParameters": []})
for t, conf in (("AWS::IAM::AccountSummary", {"SummaryMap": {"AccountMFAEnabled": 1}}), ("AWS::IAM::AccountPasswordPolicy", None)):
    add(t, acct, "global", conf, {"VirtualMFADevices": []} if "Summary" in t else None)
json.dump({"attest_inventory": 1, "provider": "aws", "regions": regions, "collected_types": [], "resources": res}, sys.stdout)
