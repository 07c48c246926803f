#!/usr/bin/env python3
"""Generate samples/estate.json: the fictional AWS estate of Northwind Analytics.

Deterministic: no randomness, identifiers are derived from SHA-256 of a
stable name, every timestamp is an offset from COLLECTED_AT. Python 3
standard library only.

    python3 samples/generate-estate.py            # writes samples/estate.json
    python3 samples/generate-estate.py -o FILE    # writes FILE ('-' = stdout)

After generating, the script checks the estate for internal consistency
(unique ids, references between resources, timestamps) and exits non-zero
if anything is off.  See samples/README.md for what is deliberately
misconfigured.
"""

import argparse
import hashlib
import json
import os
import re
import sys
from datetime import datetime, timedelta, timezone

COLLECTED_AT = datetime(2026, 11, 20, 9, 30, 0, tzinfo=timezone.utc)
COMPANY = "Northwind Analytics"
DOMAIN = "northwind-analytics.example"
PROD = "210987654321"
STG = "345678901234"
MGMT = "998877665544"      # Northwind's AWS Organizations management account (not in scope)
AUDITOR = "444455556666"   # external audit firm's account (not in scope)
ACCOUNTS = [(PROD, "prod"), (STG, "staging")]
ENV = {PROD: "prod", STG: "staging"}
ALIAS = {PROD: "northwind-prod", STG: "northwind-staging"}
REGIONS = ["us-east-1", "eu-west-1"]
USE1, EUW1 = REGIONS
CORP_VPN = "203.0.113.0/24"      # office / VPN egress (documentation range)
PARTNER_NET = "198.51.100.0/24"  # QA partner (documentation range)

RESOURCES = []


# --------------------------------------------------------------------------
# helpers

def when(days=0, hours=0, minutes=0):
    """ISO 8601 'Z' timestamp this long before COLLECTED_AT (negative = after)."""
    t = COLLECTED_AT - timedelta(days=days, hours=hours, minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def cr_when(days, hours=0):
    """Credential report timestamps, as the CSV writes them."""
    t = COLLECTED_AT - timedelta(days=days, hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def epoch_ms(days):
    t = COLLECTED_AT - timedelta(days=days)
    return int(t.timestamp()) * 1000


def digest(*parts):
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()


def hexid(*parts, n=17):
    return digest(*parts).hex()[:n]


def iam_unique_id(prefix, *parts):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    d = digest(prefix, *parts)
    return prefix + "".join(alphabet[b % 32] for b in d[:17])


def uuid_(*parts):
    h = hexid(*parts, n=32)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) % 4],
                                  h[17:20], h[20:32])


def tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def std_tags(acct, app, owner, cost_center, name=None, **extra):
    t = {}
    if name:
        t["Name"] = name
    t.update({"env": ENV[acct], "owner": owner, "cost-center": cost_center, "app": app})
    t.update(extra)
    return t


def add(rtype, rid, acct, region, configuration, supp=None, arn=None, name=None, tags=None):
    r = {"type": rtype, "id": rid}
    if arn:
        r["arn"] = arn
    if name:
        r["name"] = name
    r["region"] = region
    r["account"] = acct
    if tags:
        r["tags"] = tags
    r["configuration"] = configuration
    if supp is not None:
        r["supplementaryConfiguration"] = supp
    RESOURCES.append(r)
    return r


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


# --------------------------------------------------------------------------
# KMS

KMS = {}  # (acct, region, alias) -> key ARN


def kms_key_policy(acct, region, alias, aws_managed=False, service=None):
    if aws_managed:
        return doc({
            "Sid": "Allow access through %s for all principals in the account that are authorized" % service,
            "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                       "kms:CreateGrant", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:CallerAccount": acct,
                                           "kms:ViaService": "%s.%s.amazonaws.com" % (service, region)}}},
            {"Sid": "Allow direct access to key metadata to the account", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::%s:root" % acct},
             "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"], "Resource": "*"})
    stmts = [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::%s:root" % acct}, "Action": "kms:*", "Resource": "*"}]
    if "cloudtrail" in alias:
        stmts.append({"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow",
                      "Principal": {"Service": "cloudtrail.amazonaws.com"},
                      "Action": "kms:GenerateDataKey*", "Resource": "*",
                      "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                                                   "arn:aws:cloudtrail:*:%s:trail/*" % acct}}})
    if "logs" in alias:
        stmts.append({"Sid": "Allow CloudWatch Logs", "Effect": "Allow",
                      "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
                      "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                 "kms:Describe*"], "Resource": "*"})
    return doc(*stmts)


def kms(acct, region, alias, days, rotation, desc, spec="SYMMETRIC_DEFAULT", usage="ENCRYPT_DECRYPT",
        state="Enabled", app="platform", owner="platform-team", cc="CC-1100"):
    aws_managed = alias.startswith("aws/")
    kid = uuid_("kms", acct, region, alias)
    arn = "arn:aws:kms:%s:%s:key/%s" % (region, acct, kid)
    KMS[(acct, region, alias)] = arn
    meta = {
        "AWSAccountId": acct, "KeyId": kid, "Arn": arn, "CreationDate": when(days),
        "Enabled": state == "Enabled", "Description": desc, "KeyUsage": usage, "KeyState": state,
        "Origin": "AWS_KMS", "KeyManager": "AWS" if aws_managed else "CUSTOMER",
        "CustomerMasterKeySpec": spec, "KeySpec": spec, "MultiRegion": False,
    }
    if usage == "ENCRYPT_DECRYPT" and spec == "SYMMETRIC_DEFAULT":
        meta["EncryptionAlgorithms"] = ["SYMMETRIC_DEFAULT"]
    if usage == "SIGN_VERIFY":
        meta["SigningAlgorithms"] = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PSS_SHA_256"]
    if state == "PendingDeletion":
        meta["DeletionDate"] = when(-6)
        meta["PendingDeletionWindowInDays"] = 7
    service = alias.split("/")[1] if aws_managed else None
    supp = {"KeyRotationEnabled": rotation,
            "KeyPolicy": kms_key_policy(acct, region, alias, aws_managed, service),
            "Aliases": ["alias/" + alias]}
    if rotation:
        supp["RotationPeriodInDays"] = 365
    tags = None if aws_managed else std_tags(acct, app, owner, cc)
    add("AWS::KMS::Key", kid, acct, region, meta, supp, arn=arn, name="alias/" + alias, tags=tags)
    return arn


def build_kms():
    P, S = PROD, STG
    kms(P, USE1, "nw-prod-cloudtrail", 900, True, "CloudTrail log encryption", app="audit", owner="security-team", cc="CC-1200")
    kms(P, USE1, "nw-prod-s3-data", 870, True, "Data lake bucket encryption", app="datalake", owner="data-platform", cc="CC-2100")
    kms(P, USE1, "nw-prod-rds", 860, True, "RDS storage encryption", app="orders", owner="platform-team")
    kms(P, USE1, "nw-prod-ebs", 850, True, "Default EBS encryption key", app="platform")
    kms(P, USE1, "nw-prod-logs", 700, True, "CloudWatch Logs encryption", app="audit", owner="security-team", cc="CC-1200")
    kms(P, USE1, "nw-prod-app-secrets", 1420, False, "Application secrets (legacy, pre-Secrets Manager)", app="api", owner="backend-team", cc="CC-3100")
    kms(P, USE1, "nw-prod-jwt-signing", 400, False, "Customer API token signing", spec="RSA_2048", usage="SIGN_VERIFY", app="api", owner="backend-team", cc="CC-3100")
    kms(P, USE1, "aws/ebs", 1500, True, "Default key that protects my EBS volumes when no other key is defined")
    kms(P, USE1, "aws/rds", 1500, True, "Default key that protects my RDS database volumes when no other key is defined")
    kms(P, USE1, "aws/s3", 1500, True, "Default key that protects my S3 objects when no other key is defined")
    kms(P, USE1, "aws/elasticfilesystem", 1200, True, "Default key that protects my EFS filesystems when no other key is defined")
    kms(P, USE1, "nw-prod-backup", 700, True, "AWS Backup vault encryption", app="backup", owner="it-ops", cc="CC-1300")
    kms(P, USE1, "nw-prod-secrets", 690, True, "Secrets Manager and messaging encryption", app="api", owner="backend-team", cc="CC-3100")
    kms(P, USE1, "aws/dynamodb", 1000, True, "Default key that protects my DynamoDB data when no other key is defined")
    kms(P, EUW1, "nw-prod-eu-data", 640, True, "EU data residency: S3 and EFS", app="datalake", owner="data-platform", cc="CC-2100")
    kms(P, EUW1, "nw-prod-eu-rds", 640, True, "EU RDS storage encryption", app="orders", owner="platform-team")
    kms(P, EUW1, "aws/ebs", 640, True, "Default key that protects my EBS volumes when no other key is defined")
    kms(P, EUW1, "aws/elasticfilesystem", 600, True, "Default key that protects my EFS filesystems when no other key is defined")
    kms(S, USE1, "nw-staging-data", 820, False, "Staging data lake", app="datalake", owner="data-platform", cc="CC-2100")
    kms(S, USE1, "nw-staging-app", 800, False, "Staging application volumes", app="api", owner="backend-team", cc="CC-3100")
    kms(S, USE1, "nw-staging-rds", 780, True, "Staging RDS storage encryption", app="orders", owner="platform-team")
    kms(S, USE1, "nw-staging-old-poc", 990, False, "Vendor PoC 2024 - scheduled for deletion", state="PendingDeletion", app="poc", owner="data-platform", cc="CC-2100")
    kms(S, USE1, "aws/ebs", 1300, True, "Default key that protects my EBS volumes when no other key is defined")
    kms(S, USE1, "aws/rds", 1300, True, "Default key that protects my RDS database volumes when no other key is defined")
    kms(S, USE1, "aws/elasticfilesystem", 900, True, "Default key that protects my EFS filesystems when no other key is defined")
    kms(S, USE1, "aws/backup", 700, True, "Default key that protects my backups when no other key is defined")
    kms(S, USE1, "aws/secretsmanager", 760, True, "Default key that protects my Secrets Manager data when no other key is defined")
    kms(S, EUW1, "nw-staging-eu-data", 500, False, "Staging EU QA data", app="qa", owner="qa-team", cc="CC-3300")
    kms(S, EUW1, "aws/ebs", 500, True, "Default key that protects my EBS volumes when no other key is defined")


# --------------------------------------------------------------------------
# IAM

AWS_MANAGED = {
    # name: (path, default version, create days, document)
    "AdministratorAccess": ("/", "v1", 3000, doc(allow("*"))),
    "PowerUserAccess": ("/", "v5", 3000, doc(
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        allow(["account:GetAccountInformation", "account:GetPrimaryEmail", "account:ListRegions",
               "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
               "organizations:DescribeOrganization"]))),
    "AWSSupportAccess": ("/", "v1", 3000, doc(allow(["support:*"]))),
    "Billing": ("/job-function/", "v9", 2700, doc(allow(
        ["account:GetAccountInformation", "aws-portal:*Billing", "aws-portal:*PaymentMethods",
         "aws-portal:*Usage", "billing:*", "budgets:*", "ce:*", "cur:*", "invoicing:*",
         "payments:*", "tax:*"]))),
    "SecurityAudit": ("/", "v40", 3000, doc(allow(
        ["access-analyzer:GetAnalyzer", "access-analyzer:ListAnalyzers", "cloudtrail:DescribeTrails",
         "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus", "cloudwatch:DescribeAlarms",
         "config:Describe*", "ec2:Describe*", "iam:GenerateCredentialReport", "iam:Get*", "iam:List*",
         "kms:Describe*", "kms:Get*", "kms:List*", "logs:Describe*", "rds:Describe*",
         "s3:GetAccountPublicAccessBlock", "s3:GetBucket*", "s3:ListAllMyBuckets",
         "securityhub:Describe*", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"]))),
    "ViewOnlyAccess": ("/job-function/", "v18", 2700, doc(allow(
        ["cloudtrail:DescribeTrails", "cloudwatch:List*", "cloudwatch:Describe*", "ec2:Describe*",
         "elasticfilesystem:Describe*", "iam:List*", "kms:List*", "logs:Describe*", "rds:Describe*",
         "s3:ListAllMyBuckets", "s3:ListBucket", "sns:List*"]))),
    "AmazonSSMManagedInstanceCore": ("/", "v2", 2100, doc(allow(
        ["ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument",
         "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters",
         "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory",
         "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus",
         "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation"]),
        allow(["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
               "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]),
        allow(["ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
               "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"]))),
    "CloudWatchAgentServerPolicy": ("/", "v2", 2500, doc(
        allow(["cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags",
               "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups",
               "logs:CreateLogStream", "logs:CreateLogGroup"]),
        allow(["ssm:GetParameter"], "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"))),
    "AmazonS3ReadOnlyAccess": ("/", "v3", 3000, doc(allow(
        ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"]))),
    "AWS_ConfigRole": ("/service-role/", "v30", 1900, doc(allow(
        ["cloudtrail:DescribeTrails", "ec2:Describe*", "iam:GetAccountAuthorizationDetails",
         "iam:GetAccountPasswordPolicy", "iam:GetAccountSummary", "iam:List*", "kms:Describe*",
         "kms:GetKeyRotationStatus", "rds:Describe*", "s3:GetBucket*", "s3:GetEncryptionConfiguration",
         "s3:ListAllMyBuckets", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"]))),
    "AWSLambdaBasicExecutionRole": ("/service-role/", "v1", 3000, doc(allow(
        ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]))),
    "AmazonRDSEnhancedMonitoringRole": ("/service-role/", "v1", 3000, doc(
        {"Sid": "EnableCreationAndManagementOfRDSCloudwatchLogGroups", "Effect": "Allow",
         "Action": ["logs:CreateLogGroup", "logs:PutRetentionPolicy"], "Resource": ["arn:aws:logs:*:*:log-group:RDS*"]},
        {"Sid": "EnableCreationAndManagementOfRDSCloudwatchLogStreams", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
         "Resource": ["arn:aws:logs:*:*:log-group:RDS*:log-stream:*"]})),
}


def aws_policy_arn(name):
    return "arn:aws:iam::aws:policy%s%s" % (AWS_MANAGED[name][0], name)


CUSTOMER_POLICIES = {}  # (acct, name) -> dict(arn, path, days, versions, desc)


def customer_policy(acct, name, days, versions, desc, path="/"):
    """versions: list of documents, the last one is the default version."""
    CUSTOMER_POLICIES[(acct, name)] = {
        "arn": "arn:aws:iam::%s:policy%s%s" % (acct, path, name), "path": path, "days": days,
        "versions": versions, "desc": desc}


def policy_ref(acct, name):
    """AttachedManagedPolicies entry for a customer or AWS-managed policy name."""
    if (acct, name) in CUSTOMER_POLICIES:
        return {"PolicyName": name, "PolicyArn": CUSTOMER_POLICIES[(acct, name)]["arn"]}
    return {"PolicyName": name, "PolicyArn": aws_policy_arn(name)}


def trust(principal, condition=None, action="sts:AssumeRole"):
    s = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        s["Condition"] = condition
    return doc(s)


def build_customer_policies():
    P, S = PROD, STG
    datalake = ["arn:aws:s3:::northwind-prod-datalake-raw", "arn:aws:s3:::northwind-prod-datalake-raw/*",
                "arn:aws:s3:::northwind-prod-datalake-curated", "arn:aws:s3:::northwind-prod-datalake-curated/*"]
    customer_policy(P, "nw-prod-ci-deploy", 980, [
        doc(allow(["cloudformation:*", "ecr:*", "ec2:Describe*", "autoscaling:*", "elasticloadbalancing:*"])),
        doc(allow(["cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
                   "cloudformation:ExecuteChangeSet", "cloudformation:DescribeStacks",
                   "cloudformation:DescribeStackEvents", "cloudformation:GetTemplate"],
                  "arn:aws:cloudformation:*:%s:stack/nw-prod-*/*" % P),
            allow(["ecr:GetAuthorizationToken"]),
            allow(["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload",
                   "ecr:PutImage", "ecr:UploadLayerPart"], "arn:aws:ecr:*:%s:repository/nw/*" % P),
            allow(["iam:PassRole"], "arn:aws:iam::%s:role/nw-prod-app-instance" % P))],
        "Deploy application stacks from CI")
    customer_policy(P, "nw-prod-etl-pipeline", 760, [
        doc(allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"], datalake),
            allow(["kms:Decrypt", "kms:GenerateDataKey"], KMS[(P, USE1, "nw-prod-s3-data")]),
            allow(["glue:StartJobRun", "glue:GetJobRun", "athena:StartQueryExecution",
                   "athena:GetQueryExecution", "athena:GetQueryResults"]))],
        "Airflow / ETL access to the data lake")
    customer_policy(P, "nw-prod-monitoring-read", 610, [
        doc(allow(["cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms",
                   "logs:StartQuery", "logs:GetQueryResults", "logs:DescribeLogGroups", "tag:GetResources",
                   "ec2:DescribeInstances", "ec2:DescribeRegions"]))],
        "Grafana CloudWatch data source")
    customer_policy(P, "nw-prod-backup-writer", 1100, [
        doc(allow(["s3:PutObject", "s3:ListBucket", "s3:GetObject"],
                  ["arn:aws:s3:::northwind-prod-backups-eu", "arn:aws:s3:::northwind-prod-backups-eu/*"]),
            allow(["kms:GenerateDataKey", "kms:Decrypt"], KMS[(P, EUW1, "nw-prod-eu-data")]))],
        "On-premises backup agent uploads")
    customer_policy(P, "nw-prod-s3-data-read", 870, [
        doc(allow(["s3:GetObject", "s3:ListBucket"], datalake),
            allow(["kms:Decrypt"], KMS[(P, USE1, "nw-prod-s3-data")]))],
        "Read-only access to the data lake")
    customer_policy(P, "nw-prod-analytics-read", 520, [
        doc(allow(["athena:*", "glue:GetDatabase*", "glue:GetTable*", "glue:GetPartition*"]),
            allow(["s3:GetObject", "s3:ListBucket"], datalake[2:]),
            allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                  ["arn:aws:s3:::northwind-prod-athena-results", "arn:aws:s3:::northwind-prod-athena-results/*"]))],
        "Analysts: Athena over the curated zone")
    customer_policy(P, "nw-prod-legacy-s3-admin", 1460, [
        doc(allow("s3:*"))],
        "Legacy migration policy - no longer attached")
    customer_policy(S, "nw-staging-dev-full-access", 1250, [
        doc(allow(["ec2:*", "s3:*", "rds:*", "lambda:*", "logs:*", "cloudwatch:*"])),
        doc(allow(["ec2:*", "s3:*", "rds:*", "lambda:*", "logs:*", "cloudwatch:*", "iam:PassRole"])),
        doc(allow("*"))],
        "Developers - unblock everything in staging (temporary)")
    customer_policy(S, "nw-staging-ci-deploy", 930, [
        doc(allow(["cloudformation:*", "ecr:*", "ec2:*", "autoscaling:*", "elasticloadbalancing:*",
                   "lambda:*", "s3:*"]),
            allow(["iam:PassRole"], "arn:aws:iam::%s:role/nw-staging-*" % S))],
        "Deploy application stacks from CI")


# user spec: keys are (active, rotated_days_ago, last_used_days_ago|None, service, region)
PROD_USERS = [
    dict(name="alice.nguyen", groups=["Admins"], console=True, mfa=True, created=1400, pw_changed=40, pw_used=0.2,
         keys=[(True, 25, 1, "iam", "us-east-1")], owner="platform-team", title="Head of Platform"),
    dict(name="bharat.shah", groups=["Engineers"], console=True, mfa=True, created=900, pw_changed=60, pw_used=1,
         keys=[(True, 50, 2, "ec2", "us-east-1")], owner="backend-team", title="Senior Engineer"),
    dict(name="carla.mendes", groups=["Engineers", "Support"], console=True, mfa=True, created=700, pw_changed=20,
         pw_used=3, keys=[], owner="backend-team", title="Engineering Manager"),
    dict(name="dmitri.volkov", groups=["Engineers"], console=True, mfa=False, created=160, pw_changed=75, pw_used=6,
         keys=[(True, 30, 8, "s3", "us-east-1")], owner="data-platform", title="Data Engineer"),
    dict(name="elena.rossi", groups=["Analysts"], console=True, mfa=True, created=500, pw_changed=10, pw_used=0.5,
         keys=[], owner="analytics-team", title="Analyst"),
    dict(name="farah.okafor", groups=["Analysts", "Billing"], console=True, mfa=True, created=1100, pw_changed=85,
         pw_used=12, keys=[], owner="finance", title="FinOps Lead"),
    dict(name="george.lindqvist", groups=["Admins"], console=True, mfa=True, created=1600, pw_changed=33, pw_used=4,
         keys=[(False, 400, 380, "sts", "us-east-1")], owner="security-team", title="CISO"),
    dict(name="hannah.kim", groups=["Support"], console=True, mfa=True, created=300, pw_changed=50, pw_used=4,
         keys=[], owner="customer-success", title="Support Engineer"),
    dict(name="ines.barros", groups=["Auditors"], console=True, mfa=True, created=200, pw_changed=30, pw_used=20,
         keys=[], owner="security-team", title="Security Analyst"),
    dict(name="deploy-bot", path="/service/", groups=["CIDeployers"], console=False, mfa=False, created=980,
         keys=[(True, 200, 0.1, "cloudformation", "us-east-1")], owner="platform-team"),
    dict(name="etl-loader", path="/service/", groups=["DataPipelines"], console=False, mfa=False, created=760,
         keys=[(True, 60, 0.05, "s3", "us-east-1"), (True, 20, 0.04, "s3", "us-east-1")], owner="data-platform"),
    dict(name="grafana-reader", path="/service/", groups=["Monitoring"], console=False, mfa=False, created=610,
         keys=[(True, 120, 92, "monitoring", "eu-west-1")], owner="platform-team"),
    dict(name="backup-agent", path="/service/", groups=[], console=False, mfa=False, created=1100,
         attached=["nw-prod-backup-writer"],
         inline=[("restore-from-backups", doc(allow(["s3:GetObjectVersion", "s3:ListBucketVersions"],
                                                    ["arn:aws:s3:::northwind-prod-backups-eu",
                                                     "arn:aws:s3:::northwind-prod-backups-eu/*"])))],
         keys=[(True, 40, 0.3, "s3", "eu-west-1")], owner="it-ops"),
]

STG_USERS = [
    dict(name="alice.nguyen", groups=["Admins"], console=True, mfa=True, created=1300, pw_changed=100, pw_used=2,
         keys=[], owner="platform-team", title="Head of Platform"),
    dict(name="bharat.shah", groups=["Developers"], console=True, mfa=True, created=850, pw_changed=200, pw_used=1,
         keys=[(True, 150, 1, "ec2", "us-east-1")], owner="backend-team", title="Senior Engineer"),
    dict(name="dmitri.volkov", groups=["Developers"], console=True, mfa=False, created=150, pw_changed=150, pw_used=3,
         keys=[(True, 150, 3, "s3", "us-east-1")], owner="data-platform", title="Data Engineer"),
    dict(name="tom.becker", groups=["Developers"], console=True, mfa=False, created=110, pw_changed=110, pw_used=30,
         keys=[(True, 110, None, None, None)], owner="frontend-team", title="Frontend Engineer"),
    dict(name="priya.raman", groups=["Developers"], console=True, mfa=True, created=400, pw_changed=90, pw_used=0.3,
         keys=[(True, 70, 0.5, "lambda", "us-east-1"), (False, 300, 250, "s3", "us-east-1")],
         owner="backend-team", title="Engineer"),
    dict(name="ext.jkowalski", groups=["Developers"], console=True, mfa=False, created=500, pw_changed=300,
         pw_used=140, keys=[(True, 480, 139, "ec2", "eu-west-1")], owner="qa-team", title="Contractor (QA, ended)"),
    dict(name="hannah.kim", groups=["Viewers"], console=True, mfa=True, created=250, pw_changed=250,
         pw_used=None, keys=[], owner="customer-success", title="Support Engineer"),
    dict(name="qa-automation", path="/service/", groups=[], console=False, mfa=False, created=700,
         attached=["AdministratorAccess"], keys=[(True, 260, 0.2, "sts", "us-east-1")], owner="qa-team"),
    dict(name="ci-runner", path="/service/", groups=["CIDeployers"], console=False, mfa=False, created=930,
         keys=[(True, 80, 0.1, "cloudformation", "us-east-1"), (True, 35, 0.1, "ecr", "us-east-1")],
         owner="platform-team"),
    dict(name="load-tester", path="/service/", groups=[], console=False, mfa=False, created=640,
         inline=[("loadtest-ec2", doc(allow(["ec2:RunInstances", "ec2:TerminateInstances", "ec2:Describe*",
                                              "ec2:CreateTags"])))],
         keys=[(False, 400, 300, "ec2", "us-east-1")], owner="qa-team"),
]

GROUPS = {
    PROD: [("Admins", ["AdministratorAccess"], 1600), ("Engineers", ["PowerUserAccess"], 1500),
           ("Analysts", ["nw-prod-analytics-read"], 1200), ("Support", ["AWSSupportAccess"], 1200),
           ("Billing", ["Billing"], 1400), ("Auditors", ["SecurityAudit", "ViewOnlyAccess"], 900),
           ("CIDeployers", ["nw-prod-ci-deploy"], 980), ("DataPipelines", ["nw-prod-etl-pipeline"], 760),
           ("Monitoring", ["nw-prod-monitoring-read"], 610)],
    STG: [("Admins", ["AdministratorAccess"], 1300), ("Developers", ["nw-staging-dev-full-access"], 1250),
          ("CIDeployers", ["nw-staging-ci-deploy"], 930), ("Viewers", ["ViewOnlyAccess"], 600),
          ("LegacyTesters", [], 1280)],
}

EC2_TRUST = {"Service": "ec2.amazonaws.com"}


def roles_spec():
    P, S = PROD, STG
    gh = lambda acct, repo: trust(
        {"Federated": "arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com" % acct},
        {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
         "StringLike": {"token.actions.githubusercontent.com:sub": "repo:northwind-analytics/%s:*" % repo}},
        action="sts:AssumeRoleWithWebIdentity")
    return {
        P: [
            dict(name="OrganizationAccountAccessRole", trust=trust({"AWS": "arn:aws:iam::%s:root" % MGMT}),
                 attached=["AdministratorAccess"], created=1600, used=(15, USE1)),
            dict(name="nw-prod-support-incident",
                 trust=trust({"AWS": "arn:aws:iam::%s:root" % P}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
                 attached=["AWSSupportAccess"], created=1200, used=(33, USE1)),
            dict(name="nw-prod-readonly-auditor",
                 trust=trust({"AWS": "arn:aws:iam::%s:root" % AUDITOR}, {"StringEquals": {"sts:ExternalId": "nw-audit-2026"}}),
                 attached=["SecurityAudit"], created=240, used=(61, USE1)),
            dict(name="nw-prod-app-instance", trust=trust(EC2_TRUST), profile=True, created=1000, used=(0, USE1),
                 attached=["AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy", "nw-prod-s3-data-read"]),
            dict(name="nw-prod-airflow-instance", trust=trust(EC2_TRUST), profile=True, created=760, used=(0, USE1),
                 attached=["AmazonSSMManagedInstanceCore", "nw-prod-etl-pipeline"]),
            dict(name="nw-prod-bastion-instance", trust=trust(EC2_TRUST), profile=True, created=1000, used=(0, USE1),
                 attached=["AmazonSSMManagedInstanceCore"]),
            dict(name="nw-prod-vpc-flow-logs", trust=trust({"Service": "vpc-flow-logs.amazonaws.com"}),
                 created=990, used=(0, USE1),
                 inline=[("deliver-to-cloudwatch-logs", doc(allow(
                     ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                      "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                     "arn:aws:logs:*:%s:log-group:/aws/vpc/flowlogs/*" % P)))]),
            dict(name="nw-prod-cloudtrail-cloudwatch", trust=trust({"Service": "cloudtrail.amazonaws.com"}),
                 created=900, used=(0, USE1),
                 inline=[("cloudtrail-to-cwlogs", doc(allow(
                     ["logs:CreateLogStream", "logs:PutLogEvents"],
                     "arn:aws:logs:us-east-1:%s:log-group:/aws/cloudtrail/nw-prod-management-events:log-stream:*" % P)))]),
            dict(name="nw-prod-config-recorder", trust=trust({"Service": "config.amazonaws.com"}),
                 attached=["AWS_ConfigRole"], created=880, used=(0, USE1),
                 inline=[("deliver-to-config-bucket", doc(allow(
                     ["s3:PutObject", "s3:GetBucketAcl"],
                     ["arn:aws:s3:::northwind-prod-config-%s" % P, "arn:aws:s3:::northwind-prod-config-%s/*" % P])))]),
            dict(name="nw-prod-report-mailer-lambda", trust=trust({"Service": "lambda.amazonaws.com"}),
                 attached=["AWSLambdaBasicExecutionRole"], created=450, used=(0, USE1),
                 inline=[("send-reports", doc(allow(["ses:SendEmail", "ses:SendRawEmail"],
                                                    "arn:aws:ses:us-east-1:%s:identity/%s" % (P, DOMAIN))))]),
            dict(name="nw-prod-rds-monitoring", trust=trust({"Service": "monitoring.rds.amazonaws.com"}),
                 attached=["AmazonRDSEnhancedMonitoringRole"], created=860, used=(0, USE1)),
            dict(name="nw-prod-github-deploy", trust=gh(P, "northwind-platform"), attached=["nw-prod-ci-deploy"],
                 created=300, used=(0, USE1)),
        ],
        S: [
            dict(name="OrganizationAccountAccessRole", trust=trust({"AWS": "arn:aws:iam::%s:root" % MGMT}),
                 attached=["AdministratorAccess"], created=1300, used=(44, USE1)),
            dict(name="nw-staging-app-instance", trust=trust(EC2_TRUST), profile=True, created=800, used=(0, USE1),
                 attached=["AmazonSSMManagedInstanceCore", "AmazonS3ReadOnlyAccess"]),
            dict(name="nw-staging-build-instance", trust=trust(EC2_TRUST), profile=True, created=720, used=(0, USE1),
                 attached=["AdministratorAccess"]),
            dict(name="nw-staging-vpc-flow-logs", trust=trust({"Service": "vpc-flow-logs.amazonaws.com"}),
                 created=700, used=(0, USE1),
                 inline=[("deliver-to-cloudwatch-logs", doc(allow(
                     ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                      "logs:DescribeLogGroups", "logs:DescribeLogStreams"])))]),
            dict(name="nw-staging-config-recorder", trust=trust({"Service": "config.amazonaws.com"}),
                 attached=["AWS_ConfigRole"], created=650, used=(0, USE1),
                 inline=[("deliver-to-config-bucket", doc(allow(
                     ["s3:PutObject", "s3:GetBucketAcl"],
                     ["arn:aws:s3:::northwind-staging-config-%s" % S, "arn:aws:s3:::northwind-staging-config-%s/*" % S])))]),
            dict(name="nw-staging-github-deploy", trust=gh(S, "northwind-platform"), attached=["nw-staging-ci-deploy"],
                 created=300, used=(0, USE1)),
            dict(name="nw-staging-lambda-exec", trust=trust({"Service": "lambda.amazonaws.com"}),
                 attached=["AWSLambdaBasicExecutionRole"], created=500, used=(2, USE1)),
        ],
    }


USERS = {PROD: PROD_USERS, STG: STG_USERS}
INSTANCE_PROFILES = {}  # (acct, role) -> (arn, id)
SERVER_CERTS = {}
MFA_DEVICES = {}  # acct -> list


def build_iam():
    build_customer_policies()
    attachments = {}  # (acct, policy arn) -> {"PolicyUsers": [], ...}

    def attach(acct, names, kind, who):
        refs = []
        for n in names:
            ref = policy_ref(acct, n)
            refs.append(ref)
            attachments.setdefault((acct, ref["PolicyArn"]), {"PolicyUsers": [], "PolicyGroups": [], "PolicyRoles": []})[kind].append(who)
        return refs

    for acct, _ in ACCOUNTS:
        env = ENV[acct]
        # groups
        members = {}
        for u in USERS[acct]:
            for g in u["groups"]:
                members.setdefault(g, []).append(u["name"])
        for gname, pols, days in GROUPS[acct]:
            arn = "arn:aws:iam::%s:group/%s" % (acct, gname)
            cfg = {"GroupName": gname, "GroupId": iam_unique_id("AGPA", acct, gname), "Arn": arn, "Path": "/",
                   "CreateDate": when(days), "GroupPolicyList": [],
                   "AttachedManagedPolicies": attach(acct, pols, "PolicyGroups", gname)}
            add("AWS::IAM::Group", gname, acct, "global", cfg, arn=arn, name=gname)

        # users
        MFA_DEVICES[acct] = []
        for u in USERS[acct]:
            path = u.get("path", "/")
            arn = "arn:aws:iam::%s:user%s%s" % (acct, path, u["name"])
            tags = {"owner": u["owner"], "env": env}
            if u.get("title"):
                tags["title"] = u["title"]
            if not u["console"]:
                tags["type"] = "service-account"
            cfg = {"Path": path, "UserName": u["name"], "UserId": iam_unique_id("AIDA", acct, u["name"]),
                   "Arn": arn, "CreateDate": when(u["created"]),
                   "UserPolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in u.get("inline", [])],
                   "GroupList": list(u["groups"]),
                   "AttachedManagedPolicies": attach(acct, u.get("attached", []), "PolicyUsers", u["name"]),
                   "Tags": tag_list(tags)}
            add("AWS::IAM::User", u["name"], acct, "global", cfg, arn=arn, name=u["name"], tags=tags)
            if u["mfa"]:
                MFA_DEVICES[acct].append({"SerialNumber": "arn:aws:iam::%s:mfa/%s" % (acct, u["name"]),
                                          "User": {"Path": path, "UserName": u["name"], "UserId": cfg["UserId"],
                                                   "Arn": arn, "CreateDate": cfg["CreateDate"]},
                                          "EnableDate": when(u["created"] - 1)})

        # roles
        for r in roles_spec()[acct]:
            path = r.get("path", "/")
            arn = "arn:aws:iam::%s:role%s%s" % (acct, path, r["name"])
            profiles = []
            if r.get("profile"):
                parn = "arn:aws:iam::%s:instance-profile/%s" % (acct, r["name"])
                pid = iam_unique_id("AIPA", acct, r["name"])
                INSTANCE_PROFILES[(acct, r["name"])] = (parn, pid)
                profiles.append({"Path": "/", "InstanceProfileName": r["name"], "InstanceProfileId": pid,
                                 "Arn": parn, "CreateDate": when(r["created"])})
            days, region = r["used"]
            cfg = {"Path": path, "RoleName": r["name"], "RoleId": iam_unique_id("AROA", acct, r["name"]),
                   "Arn": arn, "CreateDate": when(r["created"]), "AssumeRolePolicyDocument": r["trust"],
                   "InstanceProfileList": profiles,
                   "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in r.get("inline", [])],
                   "AttachedManagedPolicies": attach(acct, r.get("attached", []), "PolicyRoles", r["name"]),
                   "MaxSessionDuration": 3600,
                   "RoleLastUsed": {"LastUsedDate": when(days, hours=1), "Region": region},
                   "Tags": tag_list({"env": env, "managed-by": "terraform"})}
            add("AWS::IAM::Role", r["name"], acct, "global", cfg, arn=arn, name=r["name"],
                tags={"env": env, "managed-by": "terraform"})

        # customer-managed policies (attached or not)
        for (pacct, pname), p in CUSTOMER_POLICIES.items():
            if pacct != acct:
                continue
            ents = attachments.get((acct, p["arn"]), {"PolicyUsers": [], "PolicyGroups": [], "PolicyRoles": []})
            n = len(p["versions"])
            versions = [{"Document": d, "VersionId": "v%d" % (i + 1), "IsDefaultVersion": i == n - 1,
                         "CreateDate": when(p["days"] - i * 90 if i else p["days"])}
                        for i, d in enumerate(p["versions"])]
            cfg = {"PolicyName": pname, "PolicyId": iam_unique_id("ANPA", acct, pname), "Arn": p["arn"],
                   "Path": p["path"], "DefaultVersionId": "v%d" % n,
                   "AttachmentCount": sum(len(v) for v in ents.values()), "PermissionsBoundaryUsageCount": 0,
                   "IsAttachable": True, "Description": p["desc"], "CreateDate": when(p["days"]),
                   "UpdateDate": versions[-1]["CreateDate"], "PolicyVersionList": versions}
            add("AWS::IAM::Policy", p["arn"], acct, "global", cfg, ents, arn=p["arn"], name=pname)
        # AWS-managed policies that are attached to something in this account
        for name in AWS_MANAGED:
            parn = aws_policy_arn(name)
            ents = attachments.get((acct, parn))
            if not ents:
                continue
            path, ver, days, d = AWS_MANAGED[name]
            cfg = {"PolicyName": name, "PolicyId": iam_unique_id("ANPA", "aws", name), "Arn": parn,
                   "Path": path, "DefaultVersionId": ver,
                   "AttachmentCount": sum(len(v) for v in ents.values()), "PermissionsBoundaryUsageCount": 0,
                   "IsAttachable": True, "CreateDate": when(days), "UpdateDate": when(min(days, 200)),
                   "PolicyVersionList": [{"Document": d, "VersionId": ver, "IsDefaultVersion": True,
                                          "CreateDate": when(min(days, 200))}]}
            add("AWS::IAM::Policy", parn, acct, "global", cfg, ents, arn=parn, name=name)

    # server certificates
    for acct, name, path, uploaded, expires_in in [
            (PROD, "nw-prod-legacy-elb-2025", "/", 640, -264),   # expired 2026-03-01
            (PROD, "nw-prod-partner-api-2026", "/", 170, 195),
            (STG, "nw-staging-wildcard", "/", 90, 275)]:
        arn = "arn:aws:iam::%s:server-certificate%s%s" % (acct, path, name)
        cfg = {"Path": path, "ServerCertificateName": name,
               "ServerCertificateId": iam_unique_id("ASCA", acct, name), "Arn": arn,
               "UploadDate": when(uploaded), "Expiration": when(-expires_in)}
        SERVER_CERTS.setdefault(acct, []).append(name)
        add("AWS::IAM::ServerCertificate", name, acct, "global", cfg, arn=arn, name=name)


def build_iam_account_settings():
    # root: (created, pw_used, mfa, key)
    root = {
        PROD: dict(created=2400, pw_used=203, key=None),
        STG: dict(created=2150, pw_used=3, key=(True, 2100, 410, "s3", "us-east-1")),
    }
    policies = {
        PROD: {"MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
               "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
               "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 90,
               "PasswordReusePrevention": 24, "HardExpiry": False},
        STG: {"MinimumPasswordLength": 8, "RequireSymbols": False, "RequireNumbers": True,
              "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
              "AllowUsersToChangePassword": True, "ExpirePasswords": False, "PasswordReusePrevention": 3,
              "HardExpiry": False},
    }
    for acct, _ in ACCOUNTS:
        pp = policies[acct]
        add("AWS::IAM::AccountPasswordPolicy", acct, acct, "global", pp)

        def key_cols(row, i, k):
            p = "access_key_%d_" % i
            if k is None:
                row.update({p + "active": "false", p + "last_rotated": "N/A", p + "last_used_date": "N/A",
                            p + "last_used_region": "N/A", p + "last_used_service": "N/A"})
                return
            active, rotated, used, service, region = k
            row[p + "active"] = "true" if active else "false"
            row[p + "last_rotated"] = cr_when(rotated)
            if used is None:
                row.update({p + "last_used_date": "N/A", p + "last_used_region": "N/A",
                            p + "last_used_service": "N/A"})
            else:
                row.update({p + "last_used_date": cr_when(used), p + "last_used_region": region,
                            p + "last_used_service": service})

        rows = []
        r = root[acct]
        row = {"user": "<root_account>", "arn": "arn:aws:iam::%s:root" % acct,
               "user_creation_time": cr_when(r["created"]), "password_enabled": "not_supported",
               "password_last_used": cr_when(r["pw_used"], hours=2), "password_last_changed": "not_supported",
               "password_next_rotation": "not_supported", "mfa_active": "true"}
        key_cols(row, 1, r["key"])
        key_cols(row, 2, None)
        row.update({"cert_1_active": "false", "cert_1_last_rotated": "N/A",
                    "cert_2_active": "false", "cert_2_last_rotated": "N/A"})
        rows.append(row)
        for u in USERS[acct]:
            path = u.get("path", "/")
            row = {"user": u["name"], "arn": "arn:aws:iam::%s:user%s%s" % (acct, path, u["name"]),
                   "user_creation_time": cr_when(u["created"])}
            if u["console"]:
                row["password_enabled"] = "true"
                row["password_last_used"] = "no_information" if u["pw_used"] is None else cr_when(u["pw_used"], hours=1)
                row["password_last_changed"] = cr_when(u["pw_changed"])
                row["password_next_rotation"] = (cr_when(u["pw_changed"] - pp["MaxPasswordAge"])
                                                 if pp.get("ExpirePasswords") else "N/A")
            else:
                row.update({"password_enabled": "false", "password_last_used": "N/A",
                            "password_last_changed": "N/A", "password_next_rotation": "N/A"})
            row["mfa_active"] = "true" if u["mfa"] else "false"
            keys = list(u["keys"]) + [None, None]
            key_cols(row, 1, keys[0])
            key_cols(row, 2, keys[1])
            row.update({"cert_1_active": "false", "cert_1_last_rotated": "N/A",
                        "cert_2_active": "false", "cert_2_last_rotated": "N/A"})
            rows.append(row)
        for row in rows:
            add("AWS::IAM::CredentialReportEntry", row["user"], acct, "global", row, arn=row["arn"], name=row["user"])

        # account summary
        users = USERS[acct]
        devices = list(MFA_DEVICES[acct])
        if acct == STG:
            devices.insert(0, {"SerialNumber": "arn:aws:iam::%s:mfa/root-account-mfa-device" % acct,
                               "User": {"Arn": "arn:aws:iam::%s:root" % acct, "UserId": acct,
                                        "CreateDate": when(root[acct]["created"]),
                                        "PasswordLastUsed": when(root[acct]["pw_used"], hours=2)},
                               "EnableDate": when(1900)})
            devices.append({"SerialNumber": "arn:aws:iam::%s:mfa/tom.becker" % acct})  # created, never assigned
        n_roles = len(roles_spec()[acct])
        summary = {
            "Users": len(users), "UsersQuota": 5000,
            "Groups": len(GROUPS[acct]), "GroupsQuota": 300,
            "Roles": n_roles, "RolesQuota": 1000,
            "Policies": sum(1 for (a, _) in CUSTOMER_POLICIES if a == acct), "PoliciesQuota": 1500,
            "PolicySizeQuota": 6144, "PolicyVersionsInUse": sum(1 for r in RESOURCES if r["type"] == "AWS::IAM::Policy" and r["account"] == acct),
            "PolicyVersionsInUseQuota": 10000, "VersionsPerPolicyQuota": 5,
            "InstanceProfiles": sum(1 for (a, _) in INSTANCE_PROFILES if a == acct), "InstanceProfilesQuota": 1000,
            "ServerCertificates": len(SERVER_CERTS.get(acct, [])), "ServerCertificatesQuota": 20,
            "MFADevices": len(devices) + (1 if acct == PROD else 0),
            "MFADevicesInUse": sum(1 for u in users if u["mfa"]) + 1,
            "AccountMFAEnabled": 1,
            "AccountAccessKeysPresent": 1 if root[acct]["key"] else 0,
            "AccountSigningCertificatesPresent": 0,
            "AccessKeysPerUserQuota": 2, "SigningCertificatesPerUserQuota": 2,
            "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerGroupQuota": 10,
            "AttachedPoliciesPerRoleQuota": 10, "GroupsPerUserQuota": 10,
            "UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120, "AssumeRolePolicySizeQuota": 2048,
            "Providers": 1, "GlobalEndpointTokenVersion": 1,
        }
        add("AWS::IAM::AccountSummary", acct, acct, "global", {"SummaryMap": summary},
            {"VirtualMFADevices": devices})


# --------------------------------------------------------------------------
# S3

def canonical_id(acct):
    return hexid("canonical", acct, n=64)


def tls_deny(bucket):
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::%s" % bucket, "arn:aws:s3:::%s/*" % bucket],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def cloudtrail_write(bucket, acct, region, trails, prefix=None):
    obj = "arn:aws:s3:::%s/%sAWSLogs/%s/*" % (bucket, prefix + "/" if prefix else "", acct)
    src = ["arn:aws:cloudtrail:%s:%s:trail/%s" % (region, acct, t) for t in trails]
    return [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::%s" % bucket,
         "Condition": {"StringEquals": {"aws:SourceArn": src}}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": obj,
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": src}}}]


def service_write(bucket, acct, service, sid):
    return [{"Sid": sid, "Effect": "Allow", "Principal": {"Service": service}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::%s/*" % bucket,
             "Condition": {"StringEquals": {"aws:SourceAccount": acct}}}]


PAB_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
BUCKETS = {}  # name -> (acct, region)


def bucket(name, acct, region, days, statements, pab, sse, versioning, log_target=None, mfa_delete=False,
           public_acl=False, app="platform", owner="platform-team", cc="CC-1100", object_lock=None, **tags):
    BUCKETS[name] = (acct, region)
    policy = doc(*statements) if statements else None
    if sse == "AES256":
        enc = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}
    else:
        enc = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                                 "KMSMasterKeyID": KMS[(acct, region, sse)]},
                          "BucketKeyEnabled": True}]}
    if versioning:
        ver = {"Status": versioning, "MFADelete": "Enabled" if mfa_delete else "Disabled"}
    else:
        ver = {}
    owner_obj = {"DisplayName": "aws-" + ALIAS[acct], "ID": canonical_id(acct)}
    grants = [{"Grantee": {"Type": "CanonicalUser", "DisplayName": owner_obj["DisplayName"], "ID": owner_obj["ID"]},
               "Permission": "FULL_CONTROL"}]
    if public_acl:
        grants.append({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                       "Permission": "READ"})
    supp = {
        "BucketPolicy": policy,
        "PublicAccessBlockConfiguration": dict(pab) if pab else None,
        "ServerSideEncryptionConfiguration": enc,
        "BucketVersioningConfiguration": ver,
        "BucketLoggingConfiguration": ({"LoggingEnabled": {"TargetBucket": log_target[0], "TargetPrefix": log_target[1]}}
                                       if log_target else {}),
        "BucketAcl": {"Owner": owner_obj, "Grants": grants},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "ObjectWriter" if public_acl else "BucketOwnerEnforced"}]},
        # GetObjectLockConfiguration; null when the bucket has no Object Lock.
        "ObjectLockConfiguration": ({"ObjectLockEnabled": "Enabled",
                                     "Rule": {"DefaultRetention": {"Mode": object_lock[0], "Days": object_lock[1]}}}
                                    if object_lock else None),
    }
    t = std_tags(acct, app, owner, cc)
    t.update(tags)
    add("AWS::S3::Bucket", name, acct, region, {"Name": name, "CreationDate": when(days), "BucketRegion": region},
        supp, arn="arn:aws:s3:::%s" % name, name=name, tags=t)


def build_s3():
    P, S = PROD, STG
    logs_use1 = "northwind-prod-s3-access-logs-%s" % P
    logs_euw1 = "northwind-prod-s3-access-logs-eu-%s" % P
    ct = "northwind-prod-cloudtrail-%s" % P
    bucket(ct, P, USE1, 900, [tls_deny(ct)] + cloudtrail_write(ct, P, USE1, ["nw-prod-management-events", "nw-prod-s3-data-events"])
           + [{"Sid": "AWSCloudTrailWriteDataEvents", "Effect": "Allow",
               "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
               "Resource": "arn:aws:s3:::%s/data-events/AWSLogs/%s/*" % (ct, P),
               "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}],
           PAB_ON, "nw-prod-cloudtrail", "Enabled", (logs_use1, "cloudtrail/"), mfa_delete=True,
           app="audit", owner="security-team", cc="CC-1200", retention="7y", object_lock=("COMPLIANCE", 400))
    bucket(logs_use1, P, USE1, 905, [tls_deny(logs_use1)] + service_write(logs_use1, P, "logging.s3.amazonaws.com", "S3ServerAccessLogsPolicy"),
           PAB_ON, "AES256", "Enabled", app="audit", owner="security-team", cc="CC-1200")
    cfg = "northwind-prod-config-%s" % P
    bucket(cfg, P, USE1, 880, [tls_deny(cfg)] + service_write(cfg, P, "config.amazonaws.com", "AWSConfigBucketDelivery"),
           PAB_ON, "AES256", "Enabled", (logs_use1, "config/"), app="audit", owner="security-team", cc="CC-1200")
    fl = "northwind-prod-vpc-flow-logs-%s" % P
    bucket(fl, P, USE1, 990, [tls_deny(fl)] + service_write(fl, P, "delivery.logs.amazonaws.com", "AWSLogDeliveryWrite"),
           PAB_ON, "AES256", "Enabled", (logs_use1, "vpc-flow-logs/"), app="network", owner="platform-team")
    for name, days in [("northwind-prod-datalake-raw", 870), ("northwind-prod-datalake-curated", 865)]:
        bucket(name, P, USE1, days, [tls_deny(name)], PAB_ON, "nw-prod-s3-data", "Enabled", (logs_use1, name + "/"),
               app="datalake", owner="data-platform", cc="CC-2100", **{"data-classification": "confidential"})
    bucket("northwind-prod-athena-results", P, USE1, 520, [], PAB_ON, "nw-prod-s3-data", None,
           app="analytics", owner="analytics-team", cc="CC-2200")
    bucket("northwind-prod-ml-artifacts", P, USE1, 410, [tls_deny("northwind-prod-ml-artifacts")], PAB_ON, "AES256",
           "Enabled", (logs_use1, "ml-artifacts/"), app="ml", owner="data-science", cc="CC-2300")
    bucket("northwind-prod-terraform-state", P, USE1, 1300, [tls_deny("northwind-prod-terraform-state")], PAB_ON,
           "nw-prod-s3-data", "Enabled", (logs_use1, "terraform-state/"), app="platform", owner="platform-team")
    web = "northwind-prod-web-assets"
    bucket(web, P, USE1, 1000, [tls_deny(web), {
        "Sid": "AllowCloudFrontServicePrincipalReadOnly", "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::%s/*" % web,
        "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::%s:distribution/E2NWPRD7WEB01X" % P}}}],
        PAB_ON, "AES256", "Enabled", (logs_use1, "web-assets/"), app="web", owner="frontend-team", cc="CC-3200")
    bucket(logs_euw1, P, EUW1, 640, [tls_deny(logs_euw1)] + service_write(logs_euw1, P, "logging.s3.amazonaws.com", "S3ServerAccessLogsPolicy"),
           PAB_ON, "AES256", "Enabled", app="audit", owner="security-team", cc="CC-1200")
    eu = "northwind-prod-datalake-eu"
    bucket(eu, P, EUW1, 630, [{
        "Sid": "DenyUnencryptedObjectUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::%s/*" % eu,
        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}}],
        PAB_ON, "nw-prod-eu-data", "Enabled", (logs_euw1, "datalake-eu/"),
        app="datalake", owner="data-platform", cc="CC-2100", **{"data-classification": "confidential"})
    bucket("northwind-prod-backups-eu", P, EUW1, 1100, [tls_deny("northwind-prod-backups-eu")], PAB_ON,
           "nw-prod-eu-data", "Enabled", (logs_euw1, "backups/"), app="backup", owner="it-ops", cc="CC-1300")
    bucket("northwind-prod-customer-exports-eu", P, EUW1, 300, [tls_deny("northwind-prod-customer-exports-eu")],
           PAB_ON, "nw-prod-eu-data", "Enabled", (logs_euw1, "customer-exports/"),
           app="exports", owner="backend-team", cc="CC-3100", **{"data-classification": "confidential"})

    sct = "northwind-staging-cloudtrail-%s" % S
    bucket(sct, S, USE1, 1290, cloudtrail_write(sct, S, USE1, ["nw-staging-trail"]), PAB_ON, "AES256", None,
           app="audit", owner="security-team", cc="CC-1200")
    demo = "northwind-staging-demo-reports"
    bucket(demo, S, USE1, 380, [{"Sid": "PublicReadForSalesDemos", "Effect": "Allow", "Principal": "*",
                                  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % demo}],
           None, "AES256", None, app="sales-demo", owner="sales-engineering", cc="CC-4100")
    bucket("northwind-staging-legacy-uploads", S, USE1, 2000, [], None, "AES256", "Suspended", public_acl=True,
           app="legacy-portal", owner="backend-team", cc="CC-3100", **{"data-classification": "confidential"})
    dl = "northwind-staging-datalake"
    bucket(dl, S, USE1, 820, [tls_deny(dl)], PAB_ON, "nw-staging-data", "Enabled",
           app="datalake", owner="data-platform", cc="CC-2100", **{"data-classification": "confidential"})
    bucket("northwind-staging-ci-artifacts", S, USE1, 930, [], PAB_ON, "AES256", None,
           app="ci", owner="platform-team")
    tf = "northwind-staging-terraform-state"
    bucket(tf, S, USE1, 1280, [tls_deny(tf)], PAB_ON, "AES256", "Enabled", app="platform", owner="platform-team")
    scfg = "northwind-staging-config-%s" % S
    bucket(scfg, S, USE1, 650, service_write(scfg, S, "config.amazonaws.com", "AWSConfigBucketDelivery"), PAB_ON,
           "AES256", None, app="audit", owner="security-team", cc="CC-1200")
    bucket("northwind-staging-athena-results", S, USE1, 500, [], PAB_ON, "AES256", None,
           app="analytics", owner="analytics-team", cc="CC-2200")
    bucket("northwind-staging-qa-fixtures", S, EUW1, 480, [], None, "AES256", None,
           app="qa", owner="qa-team", cc="CC-3300")
    bucket("northwind-staging-scratch-eu", S, EUW1, 260, [],
           {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False},
           "AES256", None, app="qa", owner="qa-team", cc="CC-3300")
    seu = "northwind-staging-eu-trail-%s" % S
    bucket(seu, S, EUW1, 75, cloudtrail_write(seu, S, EUW1, ["nw-staging-eu-debug"]), PAB_ON, "AES256", None,
           app="audit", owner="qa-team", cc="CC-3300")

    add("AWS::S3::AccountPublicAccessBlock", P, P, "global", dict(PAB_ON))
    add("AWS::S3::AccountPublicAccessBlock", S, S, "global", None)


# --------------------------------------------------------------------------
# CloudWatch Logs, metric filters, SNS, alarms

LOG_GROUPS = {}  # (acct, region, name) -> arn


def log_group(acct, region, name, days, retention=None, kms_alias=None, stored_mb=0):
    LOG_GROUPS[(acct, region, name)] = "arn:aws:logs:%s:%s:log-group:%s:*" % (region, acct, name)
    cfg = {"logGroupName": name, "creationTime": epoch_ms(days), "metricFilterCount": 0,
           "arn": LOG_GROUPS[(acct, region, name)],
           "logGroupArn": "arn:aws:logs:%s:%s:log-group:%s" % (region, acct, name),
           "storedBytes": stored_mb * 1048576, "logGroupClass": "STANDARD"}
    if retention:
        cfg["retentionInDays"] = retention
    if kms_alias:
        cfg["kmsKeyId"] = KMS[(acct, region, kms_alias)]
    add("AWS::Logs::LogGroup", name, acct, region, cfg, arn=cfg["arn"], name=name)


CT_GROUP = "/aws/cloudtrail/nw-prod-management-events"

CIS_FILTERS = [
    # (CIS id, filter/metric name, pattern, alarm?)
    ("4.1", "UnauthorizedAPICalls",
     '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }', True),
    ("4.2", "ConsoleSigninWithoutMFA",
     '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
     '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }', True),
    ("4.3", "RootAccountUsage",
     '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }', True),
    ("4.4", "IAMPolicyChanges",
     '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||'
     '($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||'
     '($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||'
     '($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||'
     '($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||'
     '($.eventName=DetachGroupPolicy)}', True),
    ("4.5", "CloudTrailConfigChanges",
     '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || '
     '($.eventName = StartLogging) || ($.eventName = StopLogging) }', True),
    ("4.6", "ConsoleAuthenticationFailures",
     '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }', True),
    ("4.7", "DisableOrScheduledDeletionOfCMK",
     '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }', True),
    ("4.8", "S3BucketPolicyChanges",
     '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || '
     '($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || '
     '($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || '
     '($.eventName = DeleteBucketReplication)) }', False),
    ("4.10", "SecurityGroupChanges",
     '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || '
     '($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || '
     '($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }', True),
]

TOPICS = {}  # (acct, region, name) -> arn


def topic(acct, region, name, days, subs, kms_alias=None, display=None, app="monitoring", tls_deny=None, public_publish=False):
    arn = "arn:aws:sns:%s:%s:%s" % (region, acct, name)
    TOPICS[(acct, region, name)] = arn
    subscriptions = []
    for proto, endpoint, confirmed in subs:
        subscriptions.append({"SubscriptionArn": "%s:%s" % (arn, uuid_("sub", arn, endpoint)) if confirmed else "PendingConfirmation",
                              "Owner": acct, "Protocol": proto, "Endpoint": endpoint, "TopicArn": arn})
    attrs = {"TopicArn": arn, "Owner": acct, "DisplayName": display or "",
             "SubscriptionsConfirmed": str(sum(1 for s in subs if s[2])),
             "SubscriptionsPending": str(sum(1 for s in subs if not s[2])), "SubscriptionsDeleted": "0"}
    if kms_alias:
        attrs["KmsMasterKeyId"] = kms_alias if kms_alias.startswith("alias/") else KMS[(acct, region, kms_alias)]
    # The default topic policy (owner account only) as GetTopicAttributes returns it: a JSON string.
    stmts = [{"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
              "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                         "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
              "Resource": arn, "Condition": {"StringEquals": {"AWS:SourceOwner": acct}}}]
    if public_publish:   # a vendor's CI publishes deploy events; nobody restricted it to their account
        stmts.append({"Sid": "VendorPublish", "Effect": "Allow", "Principal": "*", "Action": "SNS:Publish", "Resource": arn})
    if tls_deny is None:
        tls_deny = acct == PROD
    if tls_deny:
        stmts.append({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "SNS:Publish",
                      "Resource": arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    attrs["Policy"] = json.dumps({"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": stmts},
                                 separators=(",", ":"))
    add("AWS::SNS::Topic", arn, acct, region, {"TopicArn": arn, "Attributes": attrs},
        {"Subscriptions": subscriptions}, arn=arn, name=name,
        tags=std_tags(acct, app, "platform-team" if "ops" in name or "staging" in name else "security-team", "CC-1200"))


FILTER_METRICS = {}  # (acct, region, namespace, metric) -> filter id


def metric_filter(acct, region, group, fname, pattern, namespace, metric, days):
    fid = "%s/%s" % (group, fname)
    FILTER_METRICS[(acct, region, namespace, metric)] = fid
    cfg = {"filterName": fname, "filterPattern": pattern, "logGroupName": group,
           "metricTransformations": [{"metricName": metric, "metricNamespace": namespace, "metricValue": "1"}],
           "creationTime": epoch_ms(days)}
    add("AWS::Logs::MetricFilter", fid, acct, region, cfg, name=fname)
    for r in RESOURCES:
        if r["type"] == "AWS::Logs::LogGroup" and r["account"] == acct and r["region"] == region and r["id"] == group:
            r["configuration"]["metricFilterCount"] += 1


def alarm(acct, region, name, desc, metric, namespace, topic_name, threshold=1.0, stat="Sum", period=300,
          dims=None, days=400, op="GreaterThanOrEqualToThreshold", evals=1, state="OK"):
    arn = "arn:aws:cloudwatch:%s:%s:alarm:%s" % (region, acct, name)
    cfg = {"AlarmName": name, "AlarmArn": arn, "AlarmDescription": desc,
           "AlarmConfigurationUpdatedTimestamp": when(days), "ActionsEnabled": True, "OKActions": [],
           "AlarmActions": [TOPICS[(acct, region, topic_name)]], "InsufficientDataActions": [],
           "StateValue": state, "StateReason": "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].",
           "StateUpdatedTimestamp": when(3, hours=5), "MetricName": metric, "Namespace": namespace,
           "Statistic": stat, "Dimensions": dims or [], "Period": period, "EvaluationPeriods": evals,
           "DatapointsToAlarm": evals, "Threshold": threshold, "ComparisonOperator": op,
           "TreatMissingData": "notBreaching"}
    add("AWS::CloudWatch::Alarm", name, acct, region, cfg, arn=arn, name=name)


def build_monitoring():
    P, S = PROD, STG
    # log groups
    log_group(P, USE1, CT_GROUP, 900, 365, "nw-prod-logs", 48210)
    log_group(P, USE1, "/aws/vpc/flowlogs/nw-prod-main", 990, 90, "nw-prod-logs", 91200)
    log_group(P, USE1, "/aws/vpc/flowlogs/nw-prod-data", 760, 90, "nw-prod-logs", 22040)
    log_group(P, USE1, "/aws/rds/instance/nw-prod-orders-db/postgresql", 860, 30, None, 3100)
    log_group(P, USE1, "/aws/lambda/nw-prod-report-mailer", 450, None, None, 12)
    log_group(P, USE1, "/nw/prod/api", 1000, 30, "nw-prod-logs", 15500)
    log_group(P, USE1, "/nw/prod/web", 1000, 30, "nw-prod-logs", 9800)
    log_group(P, USE1, "/nw/prod/worker", 1000, 30, "nw-prod-logs", 7700)
    log_group(P, USE1, "/nw/prod/airflow", 760, 14, None, 2300)
    log_group(P, EUW1, "/aws/vpc/flowlogs/nw-prod-eu", 640, 90, None, 30100)
    log_group(P, EUW1, "/aws/rds/instance/nw-prod-eu-orders-db/postgresql", 640, 30, None, 900)
    log_group(P, EUW1, "/nw/prod/eu/api", 640, 30, None, 4100)
    log_group(P, EUW1, "/nw/prod/eu/web", 640, 30, None, 2900)
    log_group(S, USE1, "/aws/vpc/flowlogs/nw-staging-main", 700, 7, None, 800)
    log_group(S, USE1, "/aws/lambda/nw-staging-report-mailer", 480, None, None, 30)
    log_group(S, USE1, "/aws/lambda/nw-staging-thumbnailer", 520, None, None, 210)
    log_group(S, USE1, "/aws/codebuild/nw-staging-build", 720, None, None, 5600)
    log_group(S, USE1, "/nw/staging/api", 800, None, None, 3900)
    log_group(S, USE1, "/nw/staging/web", 800, 7, None, 400)
    log_group(S, EUW1, "/nw/staging/eu/qa", 480, None, None, 150)

    # SNS topics
    topic(P, USE1, "nw-prod-security-alerts", 880, [
        ("email", "security@%s" % DOMAIN, True),
        ("https", "https://events.pagerduty.com/integration/9f2c4e71a0b84d5c/enqueue", True)],
        kms_alias="alias/aws/sns", display="NW Security")
    topic(P, USE1, "nw-prod-kms-alerts", 300, [("email", "kms-owners@%s" % DOMAIN, False)],
          kms_alias="alias/aws/sns", display="NW KMS")
    topic(P, USE1, "nw-prod-ops-alerts", 1000, [
        ("email", "ops@%s" % DOMAIN, True),
        ("https", "https://hooks.slack.example/services/T0NW/B0OPS/alerts", True)], display="NW Ops")
    topic(P, EUW1, "nw-prod-eu-ops-alerts", 640, [("email", "ops@%s" % DOMAIN, True)], display="NW Ops EU")
    topic(S, USE1, "nw-staging-alerts", 800, [("email", "dev-alerts@%s" % DOMAIN, True)], display="NW Staging")
    topic(S, USE1, "nw-staging-build-notifications", 720, [], app="ci")
    topic(S, USE1, "nw-staging-deploy-webhooks", 240, [("http", "http://chatops.staging.%s/hooks/deploy" % DOMAIN, True),
                                                       ("https", "https://status.staging.%s/sns" % DOMAIN, True)], app="ci",
          public_publish=True)
    topic(P, EUW1, "nw-prod-eu-partner-feed", 210, [("https", "https://feeds.partner.example/northwind", True)],
          kms_alias="nw-prod-eu-data", app="exports", tls_deny=True)

    # CIS 4.x metric filters and alarms (prod, on the CloudTrail log group)
    for cis, name, pattern, with_alarm in CIS_FILTERS:
        metric_filter(P, USE1, CT_GROUP, name, pattern, "CISBenchmark", name, 880)
        if with_alarm:
            slug = re.sub(r"([a-z])([A-Z])", r"\1-\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)).lower().replace("cloud-trail", "cloudtrail")
            alarm(P, USE1, "cis-%s-%s" % (cis, slug), "CIS %s: %s" % (cis, name), name, "CISBenchmark",
                  "nw-prod-kms-alerts" if cis == "4.7" else "nw-prod-security-alerts", days=870)
    # application metric filters
    metric_filter(P, USE1, "/nw/prod/api", "Api5xx", "{ $.status >= 500 }", "Northwind/API", "Api5xxCount", 600)
    alarm(P, USE1, "nw-prod-api-5xx-rate", "API 5xx responses above 25 in 5 minutes", "Api5xxCount",
          "Northwind/API", "nw-prod-ops-alerts", threshold=25.0, days=580)
    alarm(P, USE1, "nw-prod-orders-db-cpu-high", "orders-db CPU above 80% for 15 minutes", "CPUUtilization",
          "AWS/RDS", "nw-prod-ops-alerts", threshold=80.0, stat="Average", evals=3,
          dims=[{"Name": "DBInstanceIdentifier", "Value": "nw-prod-orders-db"}], op="GreaterThanThreshold", days=850)
    alarm(P, USE1, "nw-prod-orders-db-free-storage-low", "orders-db free storage under 20 GiB", "FreeStorageSpace",
          "AWS/RDS", "nw-prod-ops-alerts", threshold=21474836480.0, stat="Minimum",
          dims=[{"Name": "DBInstanceIdentifier", "Value": "nw-prod-orders-db"}], op="LessThanThreshold", days=850)
    alarm(P, EUW1, "nw-prod-eu-orders-db-cpu-high", "eu orders-db CPU above 80% for 15 minutes", "CPUUtilization",
          "AWS/RDS", "nw-prod-eu-ops-alerts", threshold=80.0, stat="Average", evals=3,
          dims=[{"Name": "DBInstanceIdentifier", "Value": "nw-prod-eu-orders-db"}], op="GreaterThanThreshold", days=630)
    metric_filter(S, USE1, "/nw/staging/api", "ApiErrors", "?ERROR ?Exception", "Northwind/Staging", "ApiErrorCount", 700)
    alarm(S, USE1, "nw-staging-api-errors", "Staging API errors", "ApiErrorCount", "Northwind/Staging",
          "nw-staging-alerts", threshold=50.0, days=690, state="ALARM")


# --------------------------------------------------------------------------
# CloudTrail

def trail(acct, region, name, multi, glob, validation, kms_alias, bucket_name, cw_group, logging, days,
          selectors=None, advanced=None, prefix=None, stopped_days=None):
    arn = "arn:aws:cloudtrail:%s:%s:trail/%s" % (region, acct, name)
    cfg = {"Name": name, "S3BucketName": bucket_name, "IncludeGlobalServiceEvents": glob,
           "IsMultiRegionTrail": multi, "HomeRegion": region, "TrailARN": arn,
           "LogFileValidationEnabled": validation, "HasCustomEventSelectors": advanced is not None,
           "HasInsightSelectors": False, "IsOrganizationTrail": False}
    if prefix:
        cfg["S3KeyPrefix"] = prefix
    if kms_alias:
        cfg["KmsKeyId"] = KMS[(acct, region, kms_alias)]
    if cw_group:
        cfg["CloudWatchLogsLogGroupArn"] = LOG_GROUPS[(acct, region, cw_group)]
        cfg["CloudWatchLogsRoleArn"] = "arn:aws:iam::%s:role/nw-prod-cloudtrail-cloudwatch" % acct
    status = {"IsLogging": logging, "StartLoggingTime": when(days),
              "TimeLoggingStarted": when(days)}
    if logging:
        status["LatestDeliveryTime"] = when(0, minutes=6)
        status["LatestDeliveryAttemptSucceeded"] = when(0, minutes=6)
        if validation:
            status["LatestDigestDeliveryTime"] = when(0, minutes=31)
        if cw_group:
            status["LatestCloudWatchLogsDeliveryTime"] = when(0, minutes=4)
    else:
        status["StopLoggingTime"] = when(stopped_days)
        status["TimeLoggingStopped"] = when(stopped_days)
        status["LatestDeliveryTime"] = when(stopped_days, minutes=-3)
    supp = {"TrailStatus": status}
    if selectors is not None:
        supp["EventSelectors"] = selectors
    if advanced is not None:
        supp["AdvancedEventSelectors"] = advanced
    add("AWS::CloudTrail::Trail", name, acct, region, cfg, supp, arn=arn, name=name,
        tags=std_tags(acct, "audit", "security-team", "CC-1200"))


def build_cloudtrail():
    P, S = PROD, STG
    mgmt = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
             "ExcludeManagementEventSources": []}]
    trail(P, USE1, "nw-prod-management-events", True, True, True, "nw-prod-cloudtrail",
          "northwind-prod-cloudtrail-%s" % P, CT_GROUP, True, 900, selectors=mgmt)
    trail(P, USE1, "nw-prod-s3-data-events", True, False, True, "nw-prod-cloudtrail",
          "northwind-prod-cloudtrail-%s" % P, None, True, 420, prefix="data-events",
          advanced=[{"Name": "S3 object-level write events, all buckets",
                     "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                                        {"Field": "readOnly", "Equals": ["false"]}]}])
    trail(S, USE1, "nw-staging-trail", False, True, False, None, "northwind-staging-cloudtrail-%s" % S, None, True,
          1290, selectors=mgmt)
    trail(S, EUW1, "nw-staging-eu-debug", False, False, False, None, "northwind-staging-eu-trail-%s" % S, None,
          False, 75, selectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": [],
                                 "ExcludeManagementEventSources": []}], stopped_days=61)


# --------------------------------------------------------------------------
# VPC, network, EC2

VPCS = {}     # key -> dict
SGS = {}      # (vpc key, name) -> id


def vpc(key, acct, region, name, cidr, default=False, ipv6=None, days=1000, subnets=None):
    vid = "vpc-" + hexid("vpc", acct, key)
    tags = std_tags(acct, "network", "platform-team", "CC-1100", name=name) if not default else {}
    cfg = {"VpcId": vid, "OwnerId": acct, "CidrBlock": cidr, "State": "available", "IsDefault": default,
           "InstanceTenancy": "default", "DhcpOptionsId": "dopt-" + hexid("dopt", acct, region),
           "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-" + hexid("cidr", vid), "CidrBlock": cidr,
                                        "CidrBlockState": {"State": "associated"}}]}
    if ipv6:
        cfg["Ipv6CidrBlockAssociationSet"] = [{"AssociationId": "vpc-cidr-assoc-" + hexid("cidr6", vid),
                                               "Ipv6CidrBlock": ipv6, "Ipv6CidrBlockState": {"State": "associated"},
                                               "NetworkBorderGroup": region, "Ipv6Pool": "Amazon"}]
    if tags:
        cfg["Tags"] = tag_list(tags)
    add("AWS::EC2::VPC", vid, acct, region, cfg, arn="arn:aws:ec2:%s:%s:vpc/%s" % (region, acct, vid),
        name=name, tags=tags or None)
    sn = {}
    base = cidr.split(".")
    for i, (sname, az) in enumerate(subnets):
        if default:
            scidr = "172.31.%d.0/20" % (i * 16)
        else:
            scidr = "%s.%s.%d.0/24" % (base[0], base[1], (i + 1) * 10 if not sname.startswith("private") else 100 + i * 10)
        sn[sname] = {"id": "subnet-" + hexid("subnet", vid, sname), "az": region + az, "cidr": scidr}
    VPCS[key] = {"id": vid, "acct": acct, "region": region, "name": name, "cidr": cidr, "subnets": sn,
                 "default": default, "ipv6": ipv6}
    return vid


def sg(vkey, name, desc, ingress, egress="all", days=900, app="platform", owner="platform-team", cc="CC-1100"):
    v = VPCS[vkey]
    gid = "sg-" + hexid("sg", v["id"], name)
    SGS[(vkey, name)] = gid

    def perms(rules):
        out = []
        for rule in rules:
            proto, lo, hi, sources = rule
            p = {"IpProtocol": proto, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
            if proto != "-1":
                p["FromPort"], p["ToPort"] = lo, hi
            for src in sources:
                if src == "self":
                    p["UserIdGroupPairs"].append({"GroupId": gid, "UserId": v["acct"]})
                elif src.startswith("sg:"):
                    p["UserIdGroupPairs"].append({"GroupId": SGS[(vkey, src[3:])], "UserId": v["acct"],
                                                  "Description": "from " + src[3:]})
                elif ":" in src:
                    p["Ipv6Ranges"].append({"CidrIpv6": src})
                else:
                    p["IpRanges"].append({"CidrIp": src})
            out.append(p)
        return out

    if egress == "all":
        egress = [("-1", None, None, ["0.0.0.0/0"])]
    tags = {} if name == "default" else std_tags(v["acct"], app, owner, cc, name=name)
    cfg = {"GroupId": gid, "GroupName": name, "Description": desc, "OwnerId": v["acct"], "VpcId": v["id"],
           "IpPermissions": perms(ingress), "IpPermissionsEgress": perms(egress)}
    if tags:
        cfg["Tags"] = tag_list(tags)
    add("AWS::EC2::SecurityGroup", gid, v["acct"], v["region"], cfg,
        arn="arn:aws:ec2:%s:%s:security-group/%s" % (v["region"], v["acct"], gid), name=name, tags=tags or None)
    return gid


def nacl(vkey, name, default, ingress, egress, subnets):
    v = VPCS[vkey]
    aid = "acl-" + hexid("acl", v["id"], name)
    entries = []
    for is_egress, rules in ((False, ingress), (True, egress)):
        for num, proto, action, cidr, ports in rules:
            e = {"RuleNumber": num, "Protocol": proto, "RuleAction": action, "Egress": is_egress}
            if ":" in cidr:
                e["Ipv6CidrBlock"] = cidr
            else:
                e["CidrBlock"] = cidr
            if ports:
                e["PortRange"] = {"From": ports[0], "To": ports[1]}
            entries.append(e)
        # the implicit deny rules AWS always lists
        entries.append({"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": is_egress,
                        "CidrBlock": "0.0.0.0/0"})
        if v["ipv6"]:
            entries.append({"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": is_egress,
                            "Ipv6CidrBlock": "::/0"})
    assoc = [{"NetworkAclAssociationId": "aclassoc-" + hexid("assoc", aid, s), "NetworkAclId": aid,
              "SubnetId": v["subnets"][s]["id"]} for s in subnets]
    tags = std_tags(v["acct"], "network", "platform-team", "CC-1100", name=name) if name else {}
    cfg = {"NetworkAclId": aid, "VpcId": v["id"], "OwnerId": v["acct"], "IsDefault": default,
           "Entries": entries, "Associations": assoc}
    if tags:
        cfg["Tags"] = tag_list(tags)
    add("AWS::EC2::NetworkAcl", aid, v["acct"], v["region"], cfg,
        arn="arn:aws:ec2:%s:%s:network-acl/%s" % (v["region"], v["acct"], aid), name=name or None, tags=tags or None)


def default_nacl_open(vkey):
    v = VPCS[vkey]
    rules = [(100, "-1", "allow", "0.0.0.0/0", None)]
    if v["ipv6"]:
        rules.append((101, "-1", "allow", "::/0", None))
    nacl(vkey, None, True, rules, rules, list(v["subnets"]))


def flow_log(vkey, traffic, dest, days, status="ACTIVE", deliver="SUCCESS"):
    v = VPCS[vkey]
    fid = "fl-" + hexid("fl", v["id"], dest, traffic)
    cfg = {"FlowLogId": fid, "CreationTime": when(days), "FlowLogStatus": status, "DeliverLogsStatus": deliver,
           "ResourceId": v["id"], "TrafficType": traffic, "MaxAggregationInterval": 600,
           "LogFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                        "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"}
    if dest.startswith("arn:aws:s3"):
        cfg["LogDestinationType"] = "s3"
        cfg["LogDestination"] = dest
    else:
        cfg["LogDestinationType"] = "cloud-watch-logs"
        cfg["LogGroupName"] = dest
        cfg["LogDestination"] = LOG_GROUPS[(v["acct"], v["region"], dest)][:-2]
        cfg["DeliverLogsPermissionArn"] = "arn:aws:iam::%s:role/nw-%s-vpc-flow-logs" % (v["acct"], ENV[v["acct"]])
    tags = std_tags(v["acct"], "network", "platform-team", "CC-1100")
    cfg["Tags"] = tag_list(tags)
    add("AWS::EC2::FlowLog", fid, v["acct"], v["region"], cfg,
        arn="arn:aws:ec2:%s:%s:vpc-flow-log/%s" % (v["region"], v["acct"], fid), tags=tags)


STD_SUBNETS = [("public-a", "a"), ("public-b", "b"), ("private-a", "a"), ("private-b", "b")]
DEFAULT_SUBNETS = [("default-a", "a"), ("default-b", "b"), ("default-c", "c")]


def build_network():
    P, S = PROD, STG
    vpc("prod-main", P, USE1, "nw-prod-main", "10.10.0.0/16", days=1000, subnets=STD_SUBNETS)
    vpc("prod-data", P, USE1, "nw-prod-data", "10.11.0.0/16", days=760, subnets=STD_SUBNETS)
    vpc("prod-eu", P, EUW1, "nw-prod-eu", "10.20.0.0/16", days=640, subnets=STD_SUBNETS)
    vpc("stg-main", S, USE1, "nw-staging-main", "10.110.0.0/16", ipv6="2001:db8:6e00::/56", days=800,
        subnets=STD_SUBNETS)
    vpc("stg-default-use1", S, USE1, None, "172.31.0.0/16", default=True, days=2150, subnets=DEFAULT_SUBNETS)
    vpc("stg-default-euw1", S, EUW1, None, "172.31.0.0/16", default=True, days=2150, subnets=DEFAULT_SUBNETS)

    # --- security groups
    for vk in ("prod-main", "prod-data", "prod-eu"):
        sg(vk, "default", "default VPC security group", [], egress=[])   # rules removed (CIS 5.4)
    for vk in ("stg-main", "stg-default-use1", "stg-default-euw1"):
        sg(vk, "default", "default VPC security group", [("-1", None, None, ["self"])])   # AWS defaults kept

    world = ["0.0.0.0/0", "::/0"]
    sg("prod-main", "nw-prod-alb-public", "Public ALB: HTTPS and HTTP redirect",
       [("tcp", 443, 443, world), ("tcp", 80, 80, world)], app="web", owner="platform-team")
    sg("prod-main", "nw-prod-bastion", "SSH from the corporate VPN", [("tcp", 22, 22, [CORP_VPN])])
    sg("prod-main", "nw-prod-web", "Web tier", [("tcp", 8080, 8080, ["sg:nw-prod-alb-public"]),
                                                ("tcp", 22, 22, ["sg:nw-prod-bastion"])], app="web", owner="frontend-team", cc="CC-3200")
    sg("prod-main", "nw-prod-api", "API tier", [("tcp", 8443, 8443, ["sg:nw-prod-alb-public"]),
                                                ("tcp", 22, 22, ["sg:nw-prod-bastion"])], app="api", owner="backend-team", cc="CC-3100")
    sg("prod-main", "nw-prod-worker", "Background workers (no inbound)", [("tcp", 22, 22, ["sg:nw-prod-bastion"])],
       app="worker", owner="backend-team", cc="CC-3100")
    sg("prod-main", "nw-prod-orders-db", "orders-db PostgreSQL",
       [("tcp", 5432, 5432, ["sg:nw-prod-api", "sg:nw-prod-worker", "sg:nw-prod-bastion"])], app="orders")
    sg("prod-main", "nw-prod-efs", "Shared EFS mount targets",
       [("tcp", 2049, 2049, ["sg:nw-prod-web", "sg:nw-prod-api", "sg:nw-prod-worker"])])
    sg("prod-main", "nw-prod-legacy-sftp", "Partner SFTP drop (legacy, migrate to Transfer Family)",
       [("tcp", 22, 22, ["0.0.0.0/0"])], days=1500, app="partner-sftp", owner="it-ops", cc="CC-1300")
    sg("prod-main", "nw-prod-vpc-endpoints", "Interface endpoints", [("tcp", 443, 443, ["10.10.0.0/16"])])
    sg("prod-data", "nw-prod-airflow", "Airflow scheduler and workers",
       [("tcp", 8080, 8080, [CORP_VPN]), ("tcp", 8793, 8793, ["10.11.0.0/16"])], app="airflow", owner="data-platform", cc="CC-2100")
    sg("prod-data", "nw-prod-reporting-db", "Aurora reporting cluster", [("tcp", 5432, 5432, ["sg:nw-prod-airflow"])],
       app="reporting", owner="data-platform", cc="CC-2100")
    sg("prod-data", "nw-prod-data-efs", "Airflow DAGs EFS", [("tcp", 2049, 2049, ["sg:nw-prod-airflow"])],
       app="airflow", owner="data-platform", cc="CC-2100")
    sg("prod-eu", "nw-prod-eu-alb-public", "Public ALB (EU)", [("tcp", 443, 443, world), ("tcp", 80, 80, world)], app="web")
    sg("prod-eu", "nw-prod-eu-web", "Web tier (EU)", [("tcp", 8080, 8080, ["sg:nw-prod-eu-alb-public"])], app="web", owner="frontend-team", cc="CC-3200")
    sg("prod-eu", "nw-prod-eu-api", "API tier (EU)", [("tcp", 8443, 8443, ["sg:nw-prod-eu-alb-public"])], app="api", owner="backend-team", cc="CC-3100")
    sg("prod-eu", "nw-prod-eu-worker", "Background workers (EU)", [], app="worker", owner="backend-team", cc="CC-3100")
    sg("prod-eu", "nw-prod-eu-orders-db", "EU orders-db PostgreSQL",
       [("tcp", 5432, 5432, ["sg:nw-prod-eu-api", "sg:nw-prod-eu-worker"])], app="orders")
    sg("prod-eu", "nw-prod-eu-efs", "Shared EFS (EU)", [("tcp", 2049, 2049, ["sg:nw-prod-eu-web", "sg:nw-prod-eu-api", "sg:nw-prod-eu-worker"])])

    sg("stg-main", "nw-staging-alb", "Staging ALB", [("tcp", 443, 443, world), ("tcp", 80, 80, world)], app="web")
    sg("stg-main", "nw-staging-bastion", "SSH from office and QA partner", [("tcp", 22, 22, [CORP_VPN, PARTNER_NET])])
    sg("stg-main", "nw-staging-app", "Staging app servers",
       [("tcp", 8080, 8080, ["sg:nw-staging-alb"]), ("tcp", 22, 22, ["10.110.0.0/16"])], app="api", owner="backend-team", cc="CC-3100")
    sg("stg-main", "nw-staging-windows-build", "Windows build agent - RDP",
       [("tcp", 3389, 3389, ["0.0.0.0/0"])], app="ci", owner="platform-team")
    sg("stg-main", "nw-staging-dev-ssh", "Developer boxes SSH (IPv6 for home connections)",
       [("tcp", 22, 22, [CORP_VPN, "::/0"])], app="dev-boxes", owner="backend-team", cc="CC-3100")
    sg("stg-main", "nw-staging-db", "Staging PostgreSQL", [("tcp", 5432, 5432, ["sg:nw-staging-app", "sg:nw-staging-bastion"])], app="orders")
    sg("stg-main", "nw-staging-qa-mysql-public", "QA MySQL reachable by the test vendor",
       [("tcp", 3306, 3306, ["0.0.0.0/0"])], app="qa", owner="qa-team", cc="CC-3300")
    sg("stg-main", "nw-staging-efs", "Staging EFS", [("tcp", 2049, 2049, ["10.110.0.0/16"])])
    sg("stg-default-use1", "launch-wizard-1", "launch-wizard-1 created 2021-03-02T14:11:08.512Z",
       [("tcp", 22, 22, ["0.0.0.0/0"])], days=2090, app="legacy-demo", owner="sales-engineering", cc="CC-4100")
    sg("stg-default-euw1", "nw-staging-eu-qa", "EU QA runners", [("tcp", 22, 22, [CORP_VPN]), ("tcp", 80, 80, ["0.0.0.0/0"])],
       app="qa", owner="qa-team", cc="CC-3300")

    # --- network ACLs
    for vk in ("prod-main", "prod-data", "prod-eu"):
        v = VPCS[vk]
        nacl(vk, None, True, [], [], [])   # default NACL emptied, no subnets associated
        nacl(vk, "%s-public" % v["name"], False,
             [(100, "6", "allow", "0.0.0.0/0", (443, 443)), (110, "6", "allow", "0.0.0.0/0", (80, 80)),
              (120, "6", "allow", CORP_VPN, (22, 22)), (130, "6", "allow", "0.0.0.0/0", (32768, 65535)),
              (140, "-1", "allow", v["cidr"], None)],
             [(100, "-1", "allow", "0.0.0.0/0", None)], ["public-a", "public-b"])
        nacl(vk, "%s-private" % v["name"], False,
             [(100, "-1", "allow", v["cidr"], None), (110, "6", "allow", "0.0.0.0/0", (32768, 65535)),
              (120, "17", "allow", "0.0.0.0/0", (32768, 65535))],
             [(100, "-1", "allow", "0.0.0.0/0", None)], ["private-a", "private-b"])
    for vk in ("stg-main", "stg-default-use1", "stg-default-euw1"):
        default_nacl_open(vk)

    # --- flow logs
    flow_log("prod-main", "ALL", "/aws/vpc/flowlogs/nw-prod-main", 990)
    flow_log("prod-main", "ALL", "arn:aws:s3:::northwind-prod-vpc-flow-logs-%s/nw-prod-main/" % P, 700)
    flow_log("prod-data", "ALL", "/aws/vpc/flowlogs/nw-prod-data", 760)
    flow_log("prod-eu", "ALL", "/aws/vpc/flowlogs/nw-prod-eu", 640)
    flow_log("stg-main", "REJECT", "/aws/vpc/flowlogs/nw-staging-main", 700)


VOLUMES = []


def instance(vkey, name, itype, subnet, sgs, profile, http_tokens, days, app, owner, cc, public=False,
             state="running", volumes=((20, True),), ami="al2023", platform=None, n=1):
    v = VPCS[vkey]
    acct, region = v["acct"], v["region"]
    out = []
    for i in range(n):
        iname = "%s-%02d" % (name, i + 1) if n > 1 else name
        sub = subnet[i % len(subnet)] if isinstance(subnet, (list, tuple)) else subnet
        s = v["subnets"][sub]
        iid = "i-" + hexid("instance", acct, region, iname)
        h = digest("ip", iid)
        net = s["cidr"].split(".")
        priv = "%s.%s.%s.%d" % (net[0], net[1], net[2], 10 + h[0] % 200)
        tags = std_tags(acct, app, owner, cc, name=iname)
        launch = days - i * 3
        cfg = {"InstanceId": iid, "InstanceType": itype,
               "ImageId": "ami-" + hexid("ami", region, ami), "LaunchTime": when(launch),
               "State": {"Code": 16, "Name": "running"} if state == "running" else {"Code": 80, "Name": "stopped"},
               "Placement": {"AvailabilityZone": s["az"], "Tenancy": "default"},
               "PrivateIpAddress": priv,
               "PrivateDnsName": "ip-%s.%s" % (priv.replace(".", "-"), "ec2.internal" if region == USE1 else region + ".compute.internal"),
               "SubnetId": s["id"], "VpcId": v["id"], "Architecture": "arm64" if itype[2:3] == "g" else "x86_64",
               "SecurityGroups": [{"GroupName": g, "GroupId": SGS[(vkey, g)]} for g in sgs],
               "MetadataOptions": {"State": "applied", "HttpTokens": http_tokens, "HttpPutResponseHopLimit": 2 if http_tokens == "required" else 1,
                                   "HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"},
               "Monitoring": {"State": "enabled" if ENV[acct] == "prod" else "disabled"},
               "EbsOptimized": True, "RootDeviceName": "/dev/xvda" if not platform else "/dev/sda1", "RootDeviceType": "ebs",
               "BlockDeviceMappings": [], "Tags": tag_list(tags)}
        if platform:
            cfg["Platform"] = platform
            cfg["PlatformDetails"] = "Windows"
        else:
            cfg["PlatformDetails"] = "Linux/UNIX"
        if public and state == "running":
            # documentation ranges stand in for Elastic IPs
            cfg["PublicIpAddress"] = "%s.%d" % ("203.0.113" if acct == PROD else "198.51.100", 10 + h[1] % 240)
            cfg["PublicDnsName"] = "ec2-%s.compute-1.amazonaws.com" % cfg["PublicIpAddress"].replace(".", "-")
        if state != "running":
            cfg["StateTransitionReason"] = "User initiated (%s)" % when(days=20 + h[2] % 30)[:19].replace("T", " ")
            cfg["StateReason"] = {"Code": "Client.UserInitiatedShutdown", "Message": "Client.UserInitiatedShutdown: User initiated shutdown"}
        if profile:
            parn, pid = INSTANCE_PROFILES[(acct, profile)]
            cfg["IamInstanceProfile"] = {"Arn": parn, "Id": pid}
        for vi, (size, enc) in enumerate(volumes):
            dev = cfg["RootDeviceName"] if vi == 0 else "/dev/sd%s" % "fghij"[vi - 1]
            vid = "vol-" + hexid("vol", iid, dev)
            cfg["BlockDeviceMappings"].append({"DeviceName": dev, "Ebs": {"AttachTime": when(launch), "DeleteOnTermination": vi == 0,
                                                                          "Status": "attached", "VolumeId": vid}})
            VOLUMES.append(dict(vid=vid, acct=acct, region=region, az=s["az"], size=size, enc=enc, days=launch,
                                attach=(iid, dev, vi == 0), tags=std_tags(acct, app, owner, cc, name="%s-%s" % (iname, "root" if vi == 0 else "data"))))
        add("AWS::EC2::Instance", iid, acct, region, cfg,
            arn="arn:aws:ec2:%s:%s:instance/%s" % (region, acct, iid), name=iname, tags=tags)
        out.append(iid)
    return out


EBS_KEY = {(PROD, USE1): "nw-prod-ebs", (PROD, EUW1): "aws/ebs", (STG, USE1): "nw-staging-app", (STG, EUW1): "aws/ebs"}


def build_ec2():
    P, S = PROD, STG
    pa, pb = "private-a", "private-b"
    priv = [pa, pb]
    # prod us-east-1, nw-prod-main
    instance("prod-main", "nw-prod-web", "m7g.large", priv, ["nw-prod-web"], "nw-prod-app-instance", "required", 45,
             "web", "frontend-team", "CC-3200", n=3)
    instance("prod-main", "nw-prod-api", "m7g.xlarge", priv, ["nw-prod-api"], "nw-prod-app-instance", "required", 45,
             "api", "backend-team", "CC-3100", n=3)
    instance("prod-main", "nw-prod-worker", "c7g.xlarge", priv, ["nw-prod-worker"], "nw-prod-app-instance", "required", 60,
             "worker", "backend-team", "CC-3100", volumes=((20, True), (200, True)), n=4)
    instance("prod-main", "nw-prod-bastion", "t4g.small", "public-a", ["nw-prod-bastion"], "nw-prod-bastion-instance",
             "required", 210, "bastion", "platform-team", "CC-1100", public=True)
    instance("prod-main", "nw-prod-legacy-sftp", "t3.medium", "public-b", ["nw-prod-legacy-sftp"], None, "optional", 1500,
             "partner-sftp", "it-ops", "CC-1300", public=True, volumes=((30, False), (500, False)), ami="amzn2-2021")
    # prod us-east-1, nw-prod-data
    instance("prod-data", "nw-prod-airflow-scheduler", "m7i.large", pa, ["nw-prod-airflow"], "nw-prod-airflow-instance",
             "required", 120, "airflow", "data-platform", "CC-2100", volumes=((50, True),))
    instance("prod-data", "nw-prod-airflow-worker", "r7i.xlarge", priv, ["nw-prod-airflow"], "nw-prod-airflow-instance",
             "required", 120, "airflow", "data-platform", "CC-2100", volumes=((50, True), (300, True)), n=2)
    # prod eu-west-1
    instance("prod-eu", "nw-prod-eu-web", "m7g.large", priv, ["nw-prod-eu-web"], "nw-prod-app-instance", "required", 45,
             "web", "frontend-team", "CC-3200", n=2)
    instance("prod-eu", "nw-prod-eu-api", "m7g.xlarge", priv, ["nw-prod-eu-api"], "nw-prod-app-instance", "required", 45,
             "api", "backend-team", "CC-3100", n=2)
    instance("prod-eu", "nw-prod-eu-worker", "c7g.large", priv, ["nw-prod-eu-worker"], "nw-prod-app-instance", "required", 60,
             "worker", "backend-team", "CC-3100", volumes=((20, True), (100, True)), n=2)
    # staging us-east-1, nw-staging-main
    instance("stg-main", "nw-staging-app", "t3.large", priv, ["nw-staging-app"], "nw-staging-app-instance", "optional", 300,
             "api", "backend-team", "CC-3100", n=2)
    instance("stg-main", "nw-staging-app-03", "t3.large", pa, ["nw-staging-app"], "nw-staging-app-instance", "required", 40,
             "api", "backend-team", "CC-3100")
    instance("stg-main", "nw-staging-bastion", "t3.micro", "public-a", ["nw-staging-bastion"], None, "optional", 790,
             "bastion", "platform-team", "CC-1100", public=True, volumes=((8, False),))
    instance("stg-main", "nw-staging-windows-build", "m5.xlarge", "public-b", ["nw-staging-windows-build"],
             "nw-staging-build-instance", "optional", 420, "ci", "platform-team", "CC-1100", public=True,
             volumes=((100, False), (250, False)), ami="windows-2022", platform="windows")
    instance("stg-main", "nw-staging-devbox-bharat", "t3.xlarge", "public-a", ["nw-staging-dev-ssh"], "nw-staging-app-instance",
             "optional", 260, "dev-boxes", "backend-team", "CC-3100", public=True, volumes=((60, False),))
    instance("stg-main", "nw-staging-devbox-priya", "t3.xlarge", "public-b", ["nw-staging-dev-ssh"], "nw-staging-app-instance",
             "required", 150, "dev-boxes", "backend-team", "CC-3100", public=True, state="stopped", volumes=((60, False),))
    # staging default VPCs
    instance("stg-default-use1", "legacy-demo-server", "t2.medium", "default-a", ["launch-wizard-1"], None, "optional",
             2090, "legacy-demo", "sales-engineering", "CC-4100", public=True, volumes=((30, False),), ami="ubuntu-1804")
    instance("stg-default-euw1", "nw-staging-eu-qa-runner", "c5.large", ["default-a", "default-b"], ["nw-staging-eu-qa"], None,
             "optional", 480, "qa", "qa-team", "CC-3300", public=True, volumes=((40, False),), n=2)
    # mark the second EU QA runner stopped (cost saving)
    for r in RESOURCES:
        if r["type"] == "AWS::EC2::Instance" and r["name"] == "nw-staging-eu-qa-runner-02":
            r["configuration"]["State"] = {"Code": 80, "Name": "stopped"}
            r["configuration"].pop("PublicIpAddress", None)
            r["configuration"].pop("PublicDnsName", None)
            r["configuration"]["StateTransitionReason"] = "User initiated (2026-10-02 18:04:11 GMT)"

    # the app instances in staging use an encrypted launch template; everything else follows EBS defaults
    # volumes
    for vol in VOLUMES:
        make_volume(vol)
    # unattached volumes
    make_volume(dict(vid="vol-" + hexid("vol", "restore-2026-08"), acct=P, region=USE1, az="us-east-1a", size=200,
                     enc=True, days=95, attach=None,
                     tags=std_tags(P, "orders", "platform-team", "CC-1100", name="orders-db-restore-test-2026-08")))
    make_volume(dict(vid="vol-" + hexid("vol", "stg-old-build-cache"), acct=S, region=USE1, az="us-east-1b", size=500,
                     enc=False, days=610, attach=None,
                     tags=std_tags(S, "ci", "platform-team", "CC-1100", name="old-build-cache")))
    make_volume(dict(vid="vol-" + hexid("vol", "stg-ml-scratch"), acct=S, region=USE1, az="us-east-1a", size=1000,
                     enc=False, days=330, attach=None,
                     tags=std_tags(S, "ml", "data-science", "CC-2300", name="ml-scratch")))


def make_volume(vol):
    acct, region = vol["acct"], vol["region"]
    cfg = {"VolumeId": vol["vid"], "Size": vol["size"], "AvailabilityZone": vol["az"], "CreateTime": when(vol["days"]),
           "State": "in-use" if vol["attach"] else "available", "VolumeType": "gp3", "Iops": 3000, "Throughput": 125,
           "Encrypted": vol["enc"], "MultiAttachEnabled": False, "Attachments": [], "Tags": tag_list(vol["tags"])}
    if vol["enc"]:
        cfg["KmsKeyId"] = KMS[(acct, region, EBS_KEY[(acct, region)])]
    if vol["attach"]:
        iid, dev, root = vol["attach"]
        cfg["Attachments"].append({"AttachTime": when(vol["days"]), "Device": dev, "InstanceId": iid,
                                   "State": "attached", "VolumeId": vol["vid"], "DeleteOnTermination": root})
    add("AWS::EC2::Volume", vol["vid"], acct, region, cfg,
        arn="arn:aws:ec2:%s:%s:volume/%s" % (region, acct, vol["vid"]), name=vol["tags"]["Name"], tags=vol["tags"])


# --------------------------------------------------------------------------
# RDS and EFS

def rds(vkey, ident, engine, version, klass, sgs, encrypted, kms_alias, public, multi_az, backup, deletion,
        auto_minor, days, app, owner, cc, cluster=None, storage=100, subnet_kind="private", master="app_owner",
        force_ssl=None, ca="rds-ca-rsa2048-g1"):
    v = VPCS[vkey]
    acct, region = v["acct"], v["region"]
    arn = "arn:aws:rds:%s:%s:db:%s" % (region, acct, ident)
    port = {"postgres": 5432, "aurora-postgresql": 5432, "mysql": 3306, "aurora-mysql": 3306}[engine]
    tags = std_tags(acct, app, owner, cc)
    cfg = {"DBInstanceIdentifier": ident, "DBInstanceArn": arn, "DBInstanceClass": klass, "Engine": engine,
           "EngineVersion": version, "DBInstanceStatus": "available",
           "Endpoint": {"Address": "%s.c%s.%s.rds.amazonaws.com" % (ident, hexid("rdsdns", acct, region, n=11), region),
                        "Port": port, "HostedZoneId": "Z2R2ITUGPM61AM" if region == USE1 else "Z29XKXDKYMONMX"},
           "InstanceCreateTime": when(days), "AvailabilityZone": v["subnets"][subnet_kind + "-a"]["az"],
           "MultiAZ": multi_az, "PubliclyAccessible": public, "StorageEncrypted": encrypted,
           "AutoMinorVersionUpgrade": auto_minor, "BackupRetentionPeriod": backup, "DeletionProtection": deletion,
           "DBSubnetGroup": {"DBSubnetGroupName": "%s-%s" % (v["name"], subnet_kind), "VpcId": v["id"],
                             "SubnetGroupStatus": "Complete",
                             "Subnets": [{"SubnetIdentifier": v["subnets"]["%s-%s" % (subnet_kind, z)]["id"],
                                          "SubnetAvailabilityZone": {"Name": v["subnets"]["%s-%s" % (subnet_kind, z)]["az"]},
                                          "SubnetStatus": "Active"} for z in "ab"]},
           "VpcSecurityGroups": [{"VpcSecurityGroupId": SGS[(vkey, g)], "Status": "active"} for g in sgs],
           "IAMDatabaseAuthenticationEnabled": acct == PROD, "CopyTagsToSnapshot": True,
           "CACertificateIdentifier": ca, "MasterUsername": master,
           "CertificateDetails": {"CAIdentifier": ca, "ValidTill": "2024-08-22T17:08:50Z" if ca == "rds-ca-2019" else when(-400 + days % 97)},
           "StorageType": "aurora" if cluster else "gp3",
           "AllocatedStorage": 1 if cluster else storage, "DbiResourceId": "db-" + iam_unique_id("", "dbi", arn) + hexid("dbi", arn, n=9).upper(),
           "TagList": tag_list(tags)}
    if cluster:
        cfg["DBClusterIdentifier"] = cluster
    if encrypted:
        cfg["KmsKeyId"] = KMS[(acct, region, kms_alias)]
    if acct == PROD:
        cfg["MonitoringInterval"] = 60
        cfg["MonitoringRoleArn"] = "arn:aws:iam::%s:role/nw-prod-rds-monitoring" % acct
        if not cluster:
            cfg["EnabledCloudwatchLogsExports"] = ["postgresql", "upgrade"] if engine == "postgres" else ["audit", "error"]
    else:
        cfg["MonitoringInterval"] = 0
    # DescribeDBParameters of the instance's parameter group: only the TLS parameter matters to the checks.
    pname = "rds.force_ssl" if "postgres" in engine else "require_secure_transport"
    param = {"ParameterName": pname, "Source": "engine-default", "ApplyType": "dynamic", "IsModifiable": True}
    if force_ssl is not None:
        param.update(ParameterValue=force_ssl, Source="user")
    supp = {"DBParameters": [param]}
    add("AWS::RDS::DBInstance", ident, acct, region, cfg, supp, arn=arn, name=ident, tags=tags)


EFS = {}  # (acct, region, name) -> (file system id, ARN)


def efs(acct, region, name, encrypted, kms_alias, days, size_gb, app, owner, cc, mounts=2, backups=True, tls_policy=True,
        open_policy=False):
    fsid = "fs-" + hexid("efs", acct, region, name)
    arn = "arn:aws:elasticfilesystem:%s:%s:file-system/%s" % (region, acct, fsid)
    tags = std_tags(acct, app, owner, cc, name=name)
    cfg = {"OwnerId": acct, "CreationToken": "tf-" + hexid("tok", fsid, n=12), "FileSystemId": fsid,
           "FileSystemArn": arn, "CreationTime": when(days), "LifeCycleState": "available", "Name": name,
           "NumberOfMountTargets": mounts, "SizeInBytes": {"Value": size_gb * 1073741824},
           "PerformanceMode": "generalPurpose", "Encrypted": encrypted, "ThroughputMode": "elastic",
           "Tags": tag_list(tags)}
    if encrypted:
        cfg["KmsKeyId"] = KMS[(acct, region, kms_alias)]
    policy = doc({"Sid": "DenyPlainNfs", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": arn,
                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                 {"Sid": "MountThroughTargets", "Effect": "Allow", "Principal": {"AWS": "*"},
                  "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": arn,
                  "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}}) if tls_policy else None
    if open_policy:   # "let every notebook mount it": no condition at all
        policy = doc({"Sid": "AnyoneCanMount", "Effect": "Allow", "Principal": {"AWS": "*"},
                      "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": arn})
    supp = {"BackupPolicy": {"Status": "ENABLED" if backups else "DISABLED"}, "FileSystemPolicy": policy}
    EFS[(acct, region, name)] = (fsid, arn)
    add("AWS::EFS::FileSystem", fsid, acct, region, cfg, supp, arn=arn, name=name, tags=tags)


def build_data_stores():
    P, S = PROD, STG
    rds("prod-main", "nw-prod-orders-db", "postgres", "16.4", "db.r7g.xlarge", ["nw-prod-orders-db"], True, "nw-prod-rds",
        False, True, 14, True, True, 860, "orders", "platform-team", "CC-1100", storage=500, master="orders_owner",
        force_ssl="1")
    for i in (1, 2):
        rds("prod-data", "nw-prod-reporting-%d" % i, "aurora-postgresql", "15.8", "db.r7g.large", ["nw-prod-reporting-db"],
            True, "nw-prod-rds", False, False, 7, True, True, 740, "reporting", "data-platform", "CC-2100",
            cluster="nw-prod-reporting", master="report_owner")
    rds("prod-eu", "nw-prod-eu-orders-db", "postgres", "16.4", "db.r7g.large", ["nw-prod-eu-orders-db"], True,
        "nw-prod-eu-rds", False, True, 14, True, True, 640, "orders", "platform-team", "CC-1100", storage=200,
        master="orders_owner")
    rds("stg-main", "nw-staging-orders-db", "postgres", "15.7", "db.t4g.medium", ["nw-staging-db"], True, "nw-staging-rds",
        False, False, 1, False, False, 780, "orders", "platform-team", "CC-1100", storage=50, master="postgres")
    rds("stg-main", "nw-staging-qa-mysql", "mysql", "8.0.35", "db.t3.medium", ["nw-staging-qa-mysql-public"], False, None,
        True, False, 1, False, False, 560, "qa", "qa-team", "CC-3300", storage=20, subnet_kind="public", master="admin",
        ca="rds-ca-2019")
    rds("stg-main", "nw-staging-analytics-1", "aurora-mysql", "5.7.mysql_aurora.2.11.2", "db.t3.medium", ["nw-staging-db"],
        False, None, False, False, 1, False, False, 1210, "analytics", "analytics-team", "CC-2200",
        cluster="nw-staging-analytics", master="admin")

    efs(P, USE1, "nw-prod-shared", True, "aws/elasticfilesystem", 980, 340, "web", "platform-team", "CC-1100")
    efs(P, USE1, "nw-prod-airflow-dags", True, "aws/elasticfilesystem", 750, 2, "airflow", "data-platform", "CC-2100",
        tls_policy=False)
    efs(P, EUW1, "nw-prod-eu-shared", True, "nw-prod-eu-data", 630, 120, "web", "platform-team", "CC-1100")
    efs(S, USE1, "nw-staging-shared", False, None, 790, 85, "api", "backend-team", "CC-3100", backups=False, tls_policy=False)
    efs(S, USE1, "nw-staging-ml-scratch", True, "aws/elasticfilesystem", 330, 610, "ml", "data-science", "CC-2300", mounts=1,
        backups=False, tls_policy=False, open_policy=True)


# --------------------------------------------------------------------------
# Data stores beyond RDS instances and EFS: Aurora clusters, snapshots, DynamoDB,
# EFS access points, Redshift, ElastiCache, OpenSearch, Secrets Manager, SQS,
# AWS Backup, ECR, ACM.

def data_key(acct, region):
    """The customer managed key each account and region uses for application data."""
    return KMS[(acct, region, {(PROD, USE1): "nw-prod-secrets", (PROD, EUW1): "nw-prod-eu-data",
                               (STG, USE1): "nw-staging-data", (STG, EUW1): "nw-staging-eu-data"}[(acct, region)])]


def rds_cluster(acct, region, ident, engine, version, encrypted, kms_alias, deletion, backup, iam_auth, logs, master,
                force_ssl, days, app, owner, cc, members, tag_backup=None):
    arn = "arn:aws:rds:%s:%s:cluster:%s" % (region, acct, ident)
    tags = std_tags(acct, app, owner, cc)
    if tag_backup:
        tags["backup"] = tag_backup
    cfg = {"DBClusterIdentifier": ident, "DBClusterArn": arn, "Engine": engine, "EngineVersion": version,
           "EngineMode": "provisioned", "Status": "available", "ClusterCreateTime": when(days),
           "StorageEncrypted": encrypted, "DeletionProtection": deletion, "BackupRetentionPeriod": backup,
           "IAMDatabaseAuthenticationEnabled": iam_auth, "MultiAZ": len(members) > 1, "MasterUsername": master,
           "Port": 5432 if "postgres" in engine else 3306,
           "AvailabilityZones": ["%sa" % region, "%sb" % region, "%sc" % region],
           "DBClusterMembers": [{"DBInstanceIdentifier": m, "IsClusterWriter": i == 0} for i, m in enumerate(members)],
           "TagList": tag_list(tags)}
    if logs:
        cfg["EnabledCloudwatchLogsExports"] = logs
    if encrypted:
        cfg["KmsKeyId"] = KMS[(acct, region, kms_alias)]
    pname = "rds.force_ssl" if "postgres" in engine else "require_secure_transport"
    param = {"ParameterName": pname, "Source": "engine-default", "ApplyType": "dynamic"}
    if force_ssl is not None:
        param.update(ParameterValue=force_ssl, Source="user")
    add("AWS::RDS::DBCluster", ident, acct, region, cfg, {"DBClusterParameters": [param]}, arn=arn, name=ident, tags=tags)
    return arn


def rds_snapshot(acct, region, ident, instance, engine, encrypted, days, shared=(), cluster=False):
    kind = "cluster-snapshot" if cluster else "snapshot"
    arn = "arn:aws:rds:%s:%s:%s:%s" % (region, acct, kind, ident)
    if cluster:
        cfg = {"DBClusterSnapshotIdentifier": ident, "DBClusterSnapshotArn": arn, "DBClusterIdentifier": instance,
               "Engine": engine, "SnapshotType": "manual", "Status": "available", "SnapshotCreateTime": when(days),
               "StorageEncrypted": encrypted}
        supp = {"DBClusterSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": list(shared)}]}
        rtype = "AWS::RDS::DBClusterSnapshot"
    else:
        cfg = {"DBSnapshotIdentifier": ident, "DBSnapshotArn": arn, "DBInstanceIdentifier": instance, "Engine": engine,
               "SnapshotType": "manual", "Status": "available", "SnapshotCreateTime": when(days), "Encrypted": encrypted}
        supp = {"DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": list(shared)}]}
        rtype = "AWS::RDS::DBSnapshot"
    add(rtype, ident, acct, region, cfg, supp, arn=arn, name=ident)


def dynamodb_table(acct, region, name, key_alias, pitr, deletion, days, app, owner, cc, backup_tag=None):
    arn = "arn:aws:dynamodb:%s:%s:table/%s" % (region, acct, name)
    tags = std_tags(acct, app, owner, cc)
    if backup_tag:
        tags["backup"] = backup_tag
    cfg = {"TableName": name, "TableArn": arn, "TableId": uuid_("ddb", arn), "TableStatus": "ACTIVE",
           "CreationDateTime": when(days), "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "DeletionProtectionEnabled": deletion}
    if key_alias:   # no SSEDescription = AWS owned key
        cfg["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KMS[(acct, region, key_alias)]}
    supp = {"ContinuousBackupsDescription": {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED" if pitr else "DISABLED"}}}
    add("AWS::DynamoDB::Table", name, acct, region, cfg, supp, arn=arn, name=name, tags=tags)


def efs_access_point(acct, region, fs_name, name, path, posix):
    fsid, _ = EFS[(acct, region, fs_name)]
    apid = "fsap-" + hexid("fsap", acct, region, name)
    arn = "arn:aws:elasticfilesystem:%s:%s:access-point/%s" % (region, acct, apid)
    cfg = {"AccessPointId": apid, "AccessPointArn": arn, "FileSystemId": fsid, "Name": name, "OwnerId": acct,
           "LifeCycleState": "available", "RootDirectory": {"Path": path}}
    if path != "/":
        cfg["RootDirectory"]["CreationInfo"] = {"OwnerUid": posix or 1000, "OwnerGid": posix or 1000, "Permissions": "750"}
    if posix:
        cfg["PosixUser"] = {"Uid": posix, "Gid": posix}
    add("AWS::EFS::AccessPoint", apid, acct, region, cfg, arn=arn, name=name, tags={"Name": name, "env": ENV[acct]})


def redshift(acct, region, ident, encrypted, public, upgrades, retention, evr, master, require_ssl, logging, days, vkey):
    arn = "arn:aws:redshift:%s:%s:namespace:%s" % (region, acct, uuid_("rsns", ident))
    tags = std_tags(acct, "analytics", "analytics-team", "CC-2200")
    cfg = {"ClusterIdentifier": ident, "ClusterNamespaceArn": arn, "NodeType": "ra3.xlplus", "NumberOfNodes": 2,
           "ClusterStatus": "available", "ClusterCreateTime": when(days), "ClusterVersion": "1.0",
           "Encrypted": encrypted, "PubliclyAccessible": public, "AllowVersionUpgrade": upgrades,
           "AutomatedSnapshotRetentionPeriod": retention, "EnhancedVpcRouting": evr, "MasterUsername": master,
           "VpcId": VPCS[vkey]["id"], "ClusterParameterGroups": [{"ParameterGroupName": ident + "-params" if require_ssl else "default.redshift-1.0",
                                                                  "ParameterApplyStatus": "in-sync"}],
           "Tags": tag_list(tags)}
    if encrypted:
        cfg["KmsKeyId"] = KMS[(acct, region, "nw-prod-s3-data" if acct == PROD else "nw-staging-data")]
    logs = ({"LoggingEnabled": True, "LogDestinationType": "cloudwatch", "LogExports": ["connectionlog", "userlog", "useractivitylog"]}
            if logging else {"LoggingEnabled": False})
    params = [{"ParameterName": "require_ssl", "ParameterValue": "true" if require_ssl else "false", "Source": "user" if require_ssl else "engine-default"},
              {"ParameterName": "enable_user_activity_logging", "ParameterValue": "true" if logging else "false"}]
    add("AWS::Redshift::Cluster", ident, acct, region, cfg, {"Parameters": params, "LoggingStatus": logs}, arn=arn, name=ident, tags=tags)


def cache_group(acct, region, ident, engine, version, nodes, at_rest, transit, auth, retention, days, app="api"):
    arn = "arn:aws:elasticache:%s:%s:replicationgroup:%s" % (region, acct, ident)
    members = ["%s-%03d" % (ident, i + 1) for i in range(nodes)]
    tags = std_tags(acct, app, "backend-team", "CC-3100")
    cfg = {"ReplicationGroupId": ident, "ARN": arn, "Description": ident, "Status": "available", "Engine": engine,
           "MemberClusters": members, "AutomaticFailover": "enabled" if nodes > 1 else "disabled",
           "MultiAZ": "enabled" if nodes > 1 else "disabled", "CacheNodeType": "cache.r7g.large",
           "AtRestEncryptionEnabled": at_rest, "TransitEncryptionEnabled": bool(transit),
           "AuthTokenEnabled": auth == "token", "SnapshotRetentionLimit": retention, "ClusterEnabled": False}
    if transit:
        cfg["TransitEncryptionMode"] = transit
    if auth == "rbac":
        cfg["UserGroupIds"] = [ident + "-users"]
    if at_rest:
        cfg["KmsKeyId"] = data_key(acct, region)
    add("AWS::ElastiCache::ReplicationGroup", ident, acct, region, cfg, arn=arn, name=ident, tags=tags)
    for i, m in enumerate(members):
        cache_cluster(acct, region, m, engine, version, at_rest, bool(transit), auth == "token", retention, days, group=ident,
                      auto_minor=acct == PROD)


def cache_cluster(acct, region, ident, engine, version, at_rest, transit, auth, retention, days, group=None, auto_minor=True, nodes=1):
    arn = "arn:aws:elasticache:%s:%s:cluster:%s" % (region, acct, ident)
    cfg = {"CacheClusterId": ident, "ARN": arn, "CacheClusterStatus": "available", "Engine": engine, "EngineVersion": version,
           "CacheNodeType": "cache.r7g.large", "NumCacheNodes": nodes, "CacheClusterCreateTime": when(days),
           "AutoMinorVersionUpgrade": auto_minor, "TransitEncryptionEnabled": transit, "AtRestEncryptionEnabled": at_rest,
           "AuthTokenEnabled": auth, "SnapshotRetentionLimit": retention}
    if group:
        cfg["ReplicationGroupId"] = group
    add("AWS::ElastiCache::CacheCluster", ident, acct, region, cfg, arn=arn, name=ident,
        tags=std_tags(acct, "catalog" if engine == "memcached" else "api", "backend-team", "CC-3100"))


def opensearch(acct, region, name, version, vkey, at_rest, n2n, https, tls, fgac, audit, policy_principal, condition, days):
    arn = "arn:aws:es:%s:%s:domain/%s" % (region, acct, name)
    stmt = {"Effect": "Allow", "Principal": policy_principal, "Action": "es:ESHttp*", "Resource": arn + "/*"}
    if condition:
        stmt["Condition"] = condition
    cfg = {"DomainId": "%s/%s" % (acct, name), "DomainName": name, "ARN": arn, "EngineVersion": version, "Created": True,
           "ClusterConfig": {"InstanceType": "r6g.large.search", "InstanceCount": 3 if acct == PROD else 1,
                             "ZoneAwarenessEnabled": acct == PROD},
           "EncryptionAtRestOptions": {"Enabled": at_rest}, "NodeToNodeEncryptionOptions": {"Enabled": n2n},
           "DomainEndpointOptions": {"EnforceHTTPS": https, "TLSSecurityPolicy": tls},
           "AdvancedSecurityOptions": {"Enabled": fgac, "InternalUserDatabaseEnabled": False},
           "LogPublishingOptions": {}, "AccessPolicies": doc(stmt)}
    if at_rest:
        cfg["EncryptionAtRestOptions"]["KmsKeyId"] = KMS[(acct, region, "nw-prod-secrets")] if acct == PROD else "alias/aws/es"
    if audit:
        cfg["LogPublishingOptions"]["AUDIT_LOGS"] = {
            "CloudWatchLogsLogGroupArn": "arn:aws:logs:%s:%s:log-group:/aws/opensearch/%s/audit" % (region, acct, name), "Enabled": True}
    if vkey:
        v = VPCS[vkey]
        cfg["VPCOptions"] = {"VPCId": v["id"], "SubnetIds": [v["subnets"]["private-a"]["id"]], "SecurityGroupIds": []}
        cfg["Endpoints"] = {"vpc": "vpc-%s-%s.%s.es.amazonaws.com" % (name, hexid("osd", arn, n=26), region)}
    else:
        cfg["Endpoint"] = "search-%s-%s.%s.es.amazonaws.com" % (name, hexid("osd", arn, n=26), region)
    add("AWS::OpenSearch::Domain", name, acct, region, cfg, arn=arn, name=name, tags=std_tags(acct, "search", "backend-team", "CC-3100"))


def secret(acct, region, name, key_alias, rotation_days, last_rotated, created, policy=None):
    arn = "arn:aws:secretsmanager:%s:%s:secret:%s-%s" % (region, acct, name, hexid("sec", name, n=6))
    cfg = {"ARN": arn, "Name": name, "CreatedDate": when(created), "LastChangedDate": when(last_rotated or created),
           "LastAccessedDate": when(0).split("T")[0] + "T00:00:00Z"}
    if key_alias:
        cfg["KmsKeyId"] = KMS[(acct, region, key_alias)]
    if rotation_days:
        cfg.update(RotationEnabled=True, RotationRules={"AutomaticallyAfterDays": rotation_days},
                   RotationLambdaARN="arn:aws:lambda:%s:%s:function:nw-secrets-rotation" % (region, acct))
    if last_rotated is not None:
        cfg["LastRotatedDate"] = when(last_rotated)
    add("AWS::SecretsManager::Secret", arn, acct, region, cfg, {"ResourcePolicy": policy}, arn=arn, name=name,
        tags={"env": ENV[acct], "owner": "backend-team"})


def queue(acct, region, name, kms_alias, sqs_sse, statements, days):
    arn = "arn:aws:sqs:%s:%s:%s" % (region, acct, name)
    attrs = {"QueueArn": arn, "CreatedTimestamp": str(epoch_ms(days) // 1000), "MessageRetentionPeriod": "345600",
             "VisibilityTimeout": "60", "SqsManagedSseEnabled": "true" if sqs_sse else "false"}
    if kms_alias:
        attrs["KmsMasterKeyId"] = KMS[(acct, region, kms_alias)]
    if statements:
        attrs["Policy"] = json.dumps(doc(*statements), separators=(",", ":"))
    add("AWS::SQS::Queue", "https://sqs.%s.amazonaws.com/%s/%s" % (region, acct, name), acct, region,
        {"QueueUrl": "https://sqs.%s.amazonaws.com/%s/%s" % (region, acct, name), "Attributes": attrs},
        arn=arn, name=name, tags=std_tags(acct, "orders", "backend-team", "CC-3100"))


def sqs_tls_deny(arn):
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*", "Resource": arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def backup_vault(acct, region, name, key_alias, locked, points, days):
    arn = "arn:aws:backup:%s:%s:backup-vault:%s" % (region, acct, name)
    cfg = {"BackupVaultName": name, "BackupVaultArn": arn, "CreationDate": when(days),
           "EncryptionKeyArn": KMS[(acct, region, key_alias)], "Locked": locked, "NumberOfRecoveryPoints": points}
    if locked:
        cfg.update(MinRetentionDays=7, MaxRetentionDays=3650, LockDate=when(days - 3))
    add("AWS::Backup::BackupVault", name, acct, region, cfg, {"AccessPolicy": None}, arn=arn, name=name)


def backup_plan(acct, region, name, vault, keep_days, selections, days):
    pid = uuid_("plan", acct, region, name)
    arn = "arn:aws:backup:%s:%s:backup-plan:%s" % (region, acct, pid)
    rules = [{"RuleName": "daily", "TargetBackupVaultName": vault, "ScheduleExpression": "cron(0 5 ? * * *)",
              "StartWindowMinutes": 60, "CompletionWindowMinutes": 360, "Lifecycle": {"DeleteAfterDays": keep_days}}]
    sels = []
    for sname, resources, tag in selections:
        sels.append({"SelectionName": sname, "IamRoleArn": "arn:aws:iam::%s:role/service-role/AWSBackupDefaultServiceRole" % acct,
                     "Resources": resources, "NotResources": [],
                     "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": tag}] if tag else []})
    add("AWS::Backup::BackupPlan", pid, acct, region, {"BackupPlanId": pid, "BackupPlanArn": arn, "VersionId": hexid("v", arn, n=32),
        "CreationDate": when(days), "BackupPlan": {"BackupPlanName": name, "Rules": rules}}, {"Selections": sels}, arn=arn, name=name)


def ecr_repo(acct, region, name, immutable, scan, kms_alias, policy, registry_scanning, days):
    arn = "arn:aws:ecr:%s:%s:repository/%s" % (region, acct, name)
    cfg = {"repositoryArn": arn, "registryId": acct, "repositoryName": name,
           "repositoryUri": "%s.dkr.ecr.%s.amazonaws.com/%s" % (acct, region, name), "createdAt": when(days),
           "imageTagMutability": "IMMUTABLE" if immutable else "MUTABLE", "imageScanningConfiguration": {"scanOnPush": scan},
           "encryptionConfiguration": ({"encryptionType": "KMS", "kmsKey": KMS[(acct, region, kms_alias)]} if kms_alias
                                       else {"encryptionType": "AES256"})}
    add("AWS::ECR::Repository", name, acct, region, cfg,
        {"RepositoryPolicy": policy, "RegistryScanningConfiguration": registry_scanning}, arn=arn, name=name,
        tags=std_tags(acct, name.split("/")[-1], "platform-team", "CC-1100"))


def certificate(acct, region, domain, kind, algo, not_after_days, in_use, days):
    cid = uuid_("acm", acct, region, domain)
    arn = "arn:aws:acm:%s:%s:certificate/%s" % (region, acct, cid)
    cfg = {"CertificateArn": arn, "DomainName": domain, "SubjectAlternativeNames": [domain], "Type": kind,
           "Status": "ISSUED" if not_after_days > 0 else "EXPIRED", "KeyAlgorithm": algo,
           "NotBefore": when(days), "NotAfter": when(-not_after_days), "CreatedAt": when(days),
           "InUseBy": in_use, "RenewalEligibility": "ELIGIBLE" if kind == "AMAZON_ISSUED" and in_use else "INELIGIBLE"}
    add("AWS::ACM::Certificate", arn, acct, region, cfg, arn=arn, name=domain)


def build_data_services():
    P, S = PROD, STG
    # Aurora clusters (members are the nw-*-reporting-N and nw-staging-analytics-1 instances)
    prod_reporting = rds_cluster(P, USE1, "nw-prod-reporting", "aurora-postgresql", "15.8", True, "nw-prod-rds", True, 7, True,
                                 ["postgresql"], "report_owner", "1", 740, "reporting", "data-platform", "CC-2100",
                                 ["nw-prod-reporting-1", "nw-prod-reporting-2"])
    rds_cluster(S, USE1, "nw-staging-analytics", "aurora-mysql", "5.7.mysql_aurora.2.11.2", False, None, False, 1, False,
                [], "admin", None, 1210, "analytics", "analytics-team", "CC-2200", ["nw-staging-analytics-1"])
    rds_snapshot(P, USE1, "nw-prod-orders-db-pre-pg16-upgrade", "nw-prod-orders-db", "postgres", True, 420,
                 shared=[AUDITOR])
    rds_snapshot(P, EUW1, "nw-prod-eu-orders-db-2026-q3-archive", "nw-prod-eu-orders-db", "postgres", True, 60)
    rds_snapshot(S, USE1, "nw-staging-qa-mysql-vendor-demo", "nw-staging-qa-mysql", "mysql", False, 300, shared=["all"])
    rds_snapshot(S, USE1, "nw-staging-orders-db-before-reset", "nw-staging-orders-db", "postgres", True, 45)
    rds_snapshot(P, USE1, "nw-prod-reporting-before-reindex", "nw-prod-reporting", "aurora-postgresql", True, 90, cluster=True)
    rds_snapshot(S, USE1, "nw-staging-analytics-final-2025", "nw-staging-analytics", "aurora-mysql", False, 330, cluster=True,
                 shared=["all"])

    # DynamoDB
    dynamodb_table(P, USE1, "nw-prod-api-sessions", "nw-prod-secrets", True, True, 600, "api", "backend-team", "CC-3100", backup_tag="daily")
    dynamodb_table(P, USE1, "nw-prod-idempotency-keys", None, True, False, 420, "api", "backend-team", "CC-3100")
    dynamodb_table(P, USE1, "nw-prod-feature-flags", "aws/dynamodb", True, True, 380, "web", "frontend-team", "CC-3200", backup_tag="daily")
    dynamodb_table(P, EUW1, "nw-prod-eu-consent-records", "nw-prod-eu-data", True, True, 610, "api", "backend-team", "CC-3100", backup_tag="daily")
    dynamodb_table(S, USE1, "nw-staging-api-sessions", None, False, False, 590, "api", "backend-team", "CC-3100")
    dynamodb_table(S, EUW1, "nw-staging-eu-qa-results", None, False, False, 200, "qa", "qa-team", "CC-3300")

    # EFS access points
    efs_access_point(P, USE1, "nw-prod-shared", "web-uploads", "/web/uploads", 1001)
    efs_access_point(P, USE1, "nw-prod-airflow-dags", "airflow-dags", "/", 50000)
    efs_access_point(P, EUW1, "nw-prod-eu-shared", "eu-web-uploads", "/web/uploads", 1001)
    efs_access_point(S, USE1, "nw-staging-shared", "staging-shared-root", "/", None)
    efs_access_point(S, USE1, "nw-staging-ml-scratch", "ml-notebooks", "/notebooks", 1000)

    # Redshift
    redshift(P, USE1, "nw-prod-dw", True, False, True, 14, True, "dw_owner", True, True, 700, "prod-data")
    redshift(S, USE1, "nw-staging-dw-sandbox", False, True, False, 1, False, "awsuser", False, False, 450, "stg-main")

    # ElastiCache
    cache_group(P, USE1, "nw-prod-sessions", "redis", "7.1.0", 2, True, "required", "rbac", 7, 500)
    cache_group(P, EUW1, "nw-prod-eu-sessions", "valkey", "8.0.1", 2, True, "required", "token", 3, 300)
    cache_group(S, USE1, "nw-staging-sessions", "redis", "5.0.6", 1, False, None, None, 0, 1100)
    cache_group(S, EUW1, "nw-staging-eu-qa-cache", "redis", "7.1.0", 1, True, "preferred", "token", 1, 150, app="qa")
    cache_cluster(P, USE1, "nw-prod-catalog-cache", "memcached", "1.6.22", False, True, False, 0, 400, nodes=3)
    cache_cluster(S, USE1, "nw-staging-catalog-cache", "memcached", "1.5.16", False, False, False, 0, 1300, auto_minor=False)

    # OpenSearch
    opensearch(P, USE1, "nw-prod-search", "OpenSearch_2.13", "prod-main", True, True, True, "Policy-Min-TLS-1-2-PFS-2023-10",
               True, True, {"AWS": "arn:aws:iam::%s:role/nw-prod-api" % P}, None, 520)
    opensearch(S, USE1, "nw-staging-search", "OpenSearch_2.13", "stg-main", True, True, True, "Policy-Min-TLS-1-2-2019-07",
               False, False, {"AWS": "arn:aws:iam::%s:role/nw-staging-app" % S}, None, 400)
    opensearch(S, EUW1, "nw-staging-eu-logs", "Elasticsearch_7.4", None, False, False, False, "Policy-Min-TLS-1-0-2019-07",
               False, False, "*", {"IpAddress": {"aws:SourceIp": [CORP_VPN, PARTNER_NET]}}, 1400)
    opensearch(S, USE1, "nw-staging-demo-search", "OpenSearch_1.2", None, True, True, True, "Policy-Min-TLS-1-2-2019-07",
               False, False, "*", None, 900)

    # Secrets Manager
    secret(P, USE1, "prod/orders/db", "nw-prod-secrets", 30, 12, 860)
    secret(P, USE1, "prod/reporting/db", "nw-prod-secrets", 30, 9, 740)
    secret(P, USE1, "prod/stripe/api-key", "nw-prod-secrets", None, None, 400)
    secret(P, EUW1, "prod/eu/orders/db", "nw-prod-eu-data", 30, 20, 640,
           policy=doc({"Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue",
                       "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-nw7k2m9q4x"}}}))
    secret(S, USE1, "staging/orders/db", None, 30, 140, 780)
    secret(S, USE1, "staging/ci/github-token", "aws/secretsmanager", None, None, 500,
           policy=doc({"Sid": "VendorRead", "Effect": "Allow", "Principal": {"AWS": "*"},
                       "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
    secret(S, EUW1, "staging/eu/qa/api-key", None, 90, 30, 300)

    # SQS
    oe = "arn:aws:sqs:%s:%s:nw-prod-order-events" % (USE1, P)
    queue(P, USE1, "nw-prod-order-events", "nw-prod-secrets", False, [sqs_tls_deny(oe), {
        "Sid": "FromOrderTopic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": oe, "Condition": {"ArnEquals": {"aws:SourceArn": TOPICS[(P, USE1, "nw-prod-ops-alerts")]}}}], 700)
    queue(P, USE1, "nw-prod-order-events-dlq", None, True, None, 700)
    eoe = "arn:aws:sqs:%s:%s:nw-prod-eu-order-events" % (EUW1, P)
    queue(P, EUW1, "nw-prod-eu-order-events", "nw-prod-eu-data", False, [sqs_tls_deny(eoe)], 600)
    soe = "arn:aws:sqs:%s:%s:nw-staging-order-events" % (USE1, S)
    queue(S, USE1, "nw-staging-order-events", None, False, [{
        "Sid": "LoadTestProducers", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": soe}], 500)
    queue(S, EUW1, "nw-staging-eu-qa-jobs", None, True, None, 120)

    # AWS Backup
    backup_vault(P, USE1, "nw-prod-vault", "nw-prod-backup", True, 412, 690)
    backup_vault(P, EUW1, "nw-prod-eu-vault", "nw-prod-eu-data", True, 230, 600)
    backup_vault(S, USE1, "Default", "aws/backup", False, 35, 690)
    backup_plan(P, USE1, "nw-prod-daily", "nw-prod-vault", 35, [("tagged-daily", [], "daily"), ("aurora", [prod_reporting], None)], 690)
    backup_plan(P, EUW1, "nw-prod-eu-daily", "nw-prod-eu-vault", 35, [("tagged-daily", [], "daily")], 600)
    backup_plan(S, USE1, "nw-staging-weekly", "Default", 7, [("tagged-weekly", [], "weekly")], 690)

    # ECR: prod uses enhanced scanning for every repository; staging basic scanning per repository.
    enhanced = {"scanType": "ENHANCED", "rules": [{"scanFrequency": "CONTINUOUS_SCAN",
                                                   "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]}
    basic = {"scanType": "BASIC", "rules": []}
    ecr_repo(P, USE1, "northwind/orders-api", True, False, "nw-prod-secrets", None, enhanced, 800)
    ecr_repo(P, USE1, "northwind/web-frontend", True, False, "nw-prod-secrets", None, enhanced, 790)
    ecr_repo(P, USE1, "northwind/airflow", False, False, None, None, enhanced, 700)
    ecr_repo(P, EUW1, "northwind/orders-api", True, False, "nw-prod-eu-data", None, enhanced, 600)
    ecr_repo(S, USE1, "northwind/orders-api", False, True, None, None, basic, 780)
    ecr_repo(S, USE1, "northwind/qa-tools", False, False, None,
             doc({"Sid": "VendorPull", "Effect": "Allow", "Principal": "*",
                  "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}), basic, 560)

    # ACM
    alb = "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s/%s"
    certificate(P, USE1, "api.%s" % DOMAIN, "AMAZON_ISSUED", "EC_prime256v1", 210, [alb % (USE1, P, "nw-prod-api", hexid("alb", "api", n=16))], 155)
    certificate(P, USE1, "legacy-sftp.%s" % DOMAIN, "IMPORTED", "RSA_1024", 12, [alb % (USE1, P, "nw-prod-legacy", hexid("alb", "legacy", n=16))], 353)
    certificate(P, EUW1, "eu.%s" % DOMAIN, "AMAZON_ISSUED", "RSA_2048", 300, [alb % (EUW1, P, "nw-prod-eu-web", hexid("alb", "eu", n=16))], 65)
    certificate(S, USE1, "staging.%s" % DOMAIN, "AMAZON_ISSUED", "RSA_2048", 95, [alb % (USE1, S, "nw-staging-web", hexid("alb", "stg", n=16))], 270)
    certificate(S, USE1, "qa-vendor.staging.%s" % DOMAIN, "IMPORTED", "RSA_2048", -20, [alb % (USE1, S, "nw-staging-qa", hexid("alb", "qa", n=16))], 385)
    certificate(S, EUW1, "old-demo.staging.%s" % DOMAIN, "IMPORTED", "RSA_1024", -200, [], 600)


# --------------------------------------------------------------------------
# Region settings, analyzers, accounts

def build_region_settings():
    P, S = PROD, STG
    ebs = {(P, USE1): (True, KMS[(P, USE1, "nw-prod-ebs")]), (P, EUW1): (True, "alias/aws/ebs"),
           (S, USE1): (False, "alias/aws/ebs"), (S, EUW1): (False, "alias/aws/ebs")}
    hub = {(P, USE1): 830}
    analyzers = {(P, USE1): "nw-prod-account-analyzer", (P, EUW1): "nw-prod-eu-account-analyzer",
                 (S, USE1): "nw-staging-analyzer"}
    for acct, _ in ACCOUNTS:
        for region in REGIONS:
            on, key = ebs[(acct, region)]
            add("AWS::EC2::EBSEncryptionByDefault", region, acct, region, {"EbsEncryptionByDefault": on, "KmsKeyId": key})
            if (acct, region) in hub:
                cfg = {"Enabled": True, "HubArn": "arn:aws:securityhub:%s:%s:hub/default" % (region, acct),
                       "SubscribedAt": when(hub[(acct, region)]), "AutoEnableControls": True,
                       "ControlFindingGenerator": "SECURITY_CONTROL"}
            else:
                cfg = {"Enabled": False}
            add("AWS::SecurityHub::HubStatus", region, acct, region, cfg)
            lst = []
            if (acct, region) in analyzers:
                name = analyzers[(acct, region)]
                arn = "arn:aws:access-analyzer:%s:%s:analyzer/%s" % (region, acct, name)
                a = {"arn": arn, "name": name, "type": "ACCOUNT", "status": "ACTIVE"}
                lst.append(dict(a))
                full = dict(a, createdAt=when(700 if acct == PROD else 410),
                            lastResourceAnalyzed="arn:aws:s3:::northwind-%s-terraform-state" % ENV[acct],
                            lastResourceAnalyzedAt=when(0, hours=3),
                            tags={"env": ENV[acct], "owner": "security-team"})
                add("AWS::AccessAnalyzer::Analyzer", arn, acct, region, full, arn=arn, name=name,
                    tags={"env": ENV[acct], "owner": "security-team"})
            add("AWS::AccessAnalyzer::AnalyzerStatus", region, acct, region, {"Analyzers": lst})
            # AWS Config
            role = "arn:aws:iam::%s:role/nw-%s-config-recorder" % (acct, ENV[acct])
            if acct == S and region == EUW1:
                cfg = {"ConfigurationRecorders": [], "ConfigurationRecordersStatus": []}
            else:
                if acct == S:
                    group = {"allSupported": False, "includeGlobalResourceTypes": False,
                             "resourceTypes": ["AWS::EC2::Instance", "AWS::EC2::SecurityGroup", "AWS::S3::Bucket"]}
                else:
                    group = {"allSupported": True, "includeGlobalResourceTypes": region == USE1, "resourceTypes": []}
                cfg = {"ConfigurationRecorders": [{"name": "default", "roleARN": role, "recordingGroup": group,
                                                   "recordingMode": {"recordingFrequency": "CONTINUOUS"}}],
                       "ConfigurationRecordersStatus": [{"name": "default", "recording": True, "lastStatus": "SUCCESS",
                                                         "lastStartTime": when(880 if acct == P else 650),
                                                         "lastStatusChangeTime": when(0, minutes=42)}]}
            add("AWS::Config::RecorderStatus", region, acct, region, cfg)


def build_accounts():
    for acct, _ in ACCOUNTS:
        add("AWS::::Account", acct, acct, "global", {"AccountId": acct, "AccountAlias": ALIAS[acct]},
            arn="arn:aws:organizations::%s:account/o-nw7k2m9q4x/%s" % (MGMT, acct), name=ALIAS[acct])


# --------------------------------------------------------------------------

# --------------------------------------------------------------------------
# Extension hook: samples/generate_part_b.py (compute, network and edge services)
#
# When samples/generate_part_b.py exists, build() imports it and calls
#
#     add_resources(add, ctx)
#
# once, after every resource above has been added and before the estate is
# checked, so the module may refer to VPCs, subnets, security groups, roles and
# keys created here. This interface is stable:
#
# add(resource) appends one inventory record and returns it. `resource` is a
#     dict in the native inventory format: required "type", "id", "account",
#     "region", "configuration"; optional "arn", "name", "tags" (a flat
#     {key: value} dict) and "supplementaryConfiguration". A record that lacks a
#     required key, or names an account or region outside ctx, raises
#     ValueError. The generator's consistency checks (unique ids, timestamps not
#     after collected_at, ARNs naming their account and region) apply to it.
#     Every new type the module adds is listed in collected_types automatically.
# ctx is a dict:
#     "accounts"      {"prod": "210987654321", "staging": "345678901234"}
#     "regions"       ["us-east-1", "eu-west-1"]
#     "collected_at"  datetime (UTC) of the snapshot; "domain", "company"
#     "when"          when(days=0, hours=0, minutes=0) -> ISO 8601 'Z' time that long before collected_at
#     "hexid", "uuid" deterministic identifiers from stable names: hexid(*parts, n=17), uuid(*parts)
#     "std_tags"      std_tags(account, app, owner, cost_center, name=None, **extra) -> the estate's tag dict
#     "tag_list"      {k: v} -> [{"Key", "Value"}] (for configurations that embed AWS's tag list)
#     "policy"        policy(*statements) -> {"Version": "2012-10-17", "Statement": [...]}
#     "kms_key_arn"   kms_key_arn(account, region, alias) -> ARN of a key created here (KeyError if none)
#     "vpc"           vpc(key) -> {"id", "acct", "region", "name", "subnets": {"public-a": {"id", "az"}, ...}} for
#                     keys "prod-main", "prod-data", "prod-eu", "stg-main", "stg-default-use1", "stg-default-euw1"
#     "security_group_id" security_group_id(vpc_key, group_name) -> "sg-..."
#     "role_arn"      role_arn(account, role_name) -> ARN of an IAM role created here (KeyError if none)
#     "bucket_names"  names of the S3 buckets created here
# The module should be deterministic (no randomness, no clock) like this one.

PART_B = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generate_part_b.py")


def add_external(resource):
    for k in ("type", "id", "account", "region", "configuration"):
        if k not in resource:
            raise ValueError("resource without %r: %r" % (k, resource.get("id")))
    if resource["account"] not in ENV or resource["region"] not in REGIONS + ["global"]:
        raise ValueError("resource %r in unknown account or region" % resource["id"])
    r = {k: resource[k] for k in ("type", "id", "arn", "name", "region", "account", "tags", "configuration",
                                  "supplementaryConfiguration") if k in resource}
    RESOURCES.append(r)
    return r


def part_b_context():
    def role_arn(acct, name):
        for r in RESOURCES:
            if r["type"] == "AWS::IAM::Role" and r["account"] == acct and r["id"] == name:
                return r["arn"]
        raise KeyError(name)
    return {"accounts": {ENV[a]: a for a, _ in ACCOUNTS}, "regions": list(REGIONS), "collected_at": COLLECTED_AT,
            "domain": DOMAIN, "company": COMPANY, "when": when, "hexid": hexid, "uuid": uuid_, "std_tags": std_tags,
            "tag_list": tag_list, "policy": doc, "kms_key_arn": lambda a, r, alias: KMS[(a, r, alias)],
            "vpc": lambda key: VPCS[key], "security_group_id": lambda key, name: SGS[(key, name)],
            "role_arn": role_arn, "bucket_names": sorted(BUCKETS)}


def build_part_b():
    if not os.path.exists(PART_B):
        return
    import importlib.util
    spec = importlib.util.spec_from_file_location("generate_part_b", PART_B)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.add_resources(add_external, part_b_context())


def build():
    build_accounts()
    build_kms()
    build_iam()
    build_iam_account_settings()
    build_s3()
    build_monitoring()
    build_cloudtrail()
    build_network()
    build_ec2()
    build_data_stores()
    build_data_services()
    build_region_settings()
    build_part_b()
    resources = sorted(RESOURCES, key=lambda r: (r["type"], r["account"], r["region"], r["id"]))
    types = sorted({r["type"] for r in resources})
    return {
        "attest_inventory": 1,
        "provider": "aws",
        "source": "attest sample estate: %s (fictional), samples/generate-estate.py" % COMPANY,
        "collected_at": COLLECTED_AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "accounts": [{"id": a, "name": n} for a, n in ACCOUNTS],
        "regions": list(REGIONS),
        "collected_types": types,
        "resources": resources,
    }


# --------------------------------------------------------------------------
# consistency checks

TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|\+00:00)$")
FUTURE_OK = {"Expiration", "password_next_rotation", "DeletionDate", "ValidTill", "NotAfter", "NextRotationDate",
             "LockDate"}
DOC_TYPES = ["AWS::::Account", "AWS::IAM::AccountSummary", "AWS::IAM::AccountPasswordPolicy",
             "AWS::IAM::CredentialReportEntry", "AWS::S3::AccountPublicAccessBlock", "AWS::EC2::EBSEncryptionByDefault",
             "AWS::SecurityHub::HubStatus", "AWS::AccessAnalyzer::AnalyzerStatus", "AWS::Config::RecorderStatus",
             "AWS::Logs::MetricFilter", "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::Policy",
             "AWS::IAM::ServerCertificate", "AWS::S3::Bucket", "AWS::EC2::Instance", "AWS::EC2::Volume",
             "AWS::EC2::SecurityGroup", "AWS::EC2::NetworkAcl", "AWS::EC2::VPC", "AWS::EC2::FlowLog",
             "AWS::RDS::DBInstance", "AWS::EFS::FileSystem", "AWS::CloudTrail::Trail", "AWS::KMS::Key",
             "AWS::CloudWatch::Alarm", "AWS::SNS::Topic", "AWS::Logs::LogGroup", "AWS::AccessAnalyzer::Analyzer",
             "AWS::RDS::DBCluster", "AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot", "AWS::DynamoDB::Table",
             "AWS::EFS::AccessPoint", "AWS::Redshift::Cluster", "AWS::ElastiCache::ReplicationGroup",
             "AWS::ElastiCache::CacheCluster", "AWS::OpenSearch::Domain", "AWS::SecretsManager::Secret", "AWS::SQS::Queue",
             "AWS::Backup::BackupVault", "AWS::Backup::BackupPlan", "AWS::ECR::Repository", "AWS::ACM::Certificate"]
# Types every one of which must have resources in both accounts (the data-store checks judge each in both).
BOTH_ACCOUNTS = DOC_TYPES[DOC_TYPES.index("AWS::RDS::DBCluster"):]


def check(inv):
    errors = []
    res = inv["resources"]
    acct_ids = {a["id"] for a in inv["accounts"]}
    seen = set()
    idx = {}
    for r in res:
        for k in ("type", "id", "account", "region"):
            if not r.get(k):
                errors.append("missing %s: %r" % (k, r.get("id")))
        key = (r["type"], r["account"], r["region"], r["id"])
        if key in seen:
            errors.append("duplicate %r" % (key,))
        seen.add(key)
        idx.setdefault(r["type"], []).append(r)
        if r["account"] not in acct_ids or r["region"] not in inv["regions"] + ["global"]:
            errors.append("bad account/region %r" % (key,))
        arn = r.get("arn", "")
        if arn and r["account"] not in arn and ":aws:policy/" not in arn and not arn.startswith("arn:aws:s3:::"):
            errors.append("arn without account %r" % (key,))
        if arn.startswith("arn:aws:") and r["region"] != "global" and ":%s:" % r["region"] not in arn \
                and not arn.startswith("arn:aws:s3:::"):
            errors.append("arn region mismatch %r" % (key,))

    def walk(o, path):
        if isinstance(o, dict):
            for k, v in o.items():
                walk(v, path + [k])
        elif isinstance(o, list):
            for v in o:
                walk(v, path)
        elif isinstance(o, str) and TS_RE.match(o):
            if not (set(path) & FUTURE_OK):
                t = datetime.strptime(o[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
                if t > COLLECTED_AT:
                    errors.append("timestamp after collected_at: %s %s" % (".".join(path), o))
    walk(res, [])

    for t in DOC_TYPES:
        if t not in idx:
            errors.append("type missing: " + t)
    if sorted(inv["collected_types"]) != sorted(idx):
        errors.append("collected_types mismatch")

    def ids(t, acct=None, region=None):
        return {r["id"] for r in idx.get(t, []) if (acct is None or r["account"] == acct)
                and (region is None or r["region"] == region)}

    for r in idx["AWS::EC2::Volume"]:
        for a in r["configuration"]["Attachments"]:
            if a["InstanceId"] not in ids("AWS::EC2::Instance", r["account"], r["region"]):
                errors.append("volume %s attached to unknown instance" % r["id"])
        kid = r["configuration"].get("KmsKeyId")
        if kid and kid.split("/")[-1] not in ids("AWS::KMS::Key", r["account"], r["region"]):
            errors.append("volume %s unknown key" % r["id"])
    vol_ids = ids("AWS::EC2::Volume")
    for r in idx["AWS::EC2::Instance"]:
        c = r["configuration"]
        for g in c["SecurityGroups"]:
            if g["GroupId"] not in ids("AWS::EC2::SecurityGroup", r["account"], r["region"]):
                errors.append("instance %s unknown SG" % r["id"])
        if c["VpcId"] not in ids("AWS::EC2::VPC", r["account"], r["region"]):
            errors.append("instance %s unknown VPC" % r["id"])
        for b in c["BlockDeviceMappings"]:
            if b["Ebs"]["VolumeId"] not in vol_ids:
                errors.append("instance %s unknown volume" % r["id"])
        if "IamInstanceProfile" in c:
            role = c["IamInstanceProfile"]["Arn"].rsplit("/", 1)[1]
            if role not in ids("AWS::IAM::Role", r["account"]):
                errors.append("instance %s unknown profile" % r["id"])
    for t, field in (("AWS::EC2::SecurityGroup", "VpcId"), ("AWS::EC2::NetworkAcl", "VpcId"),
                     ("AWS::EC2::FlowLog", "ResourceId")):
        for r in idx[t]:
            if r["configuration"][field] not in ids("AWS::EC2::VPC", r["account"], r["region"]):
                errors.append("%s %s unknown VPC" % (t, r["id"]))
    for r in idx["AWS::EC2::FlowLog"]:
        c = r["configuration"]
        if c["LogDestinationType"] == "cloud-watch-logs" and c["LogGroupName"] not in ids("AWS::Logs::LogGroup", r["account"], r["region"]):
            errors.append("flow log %s unknown log group" % r["id"])
        if c["LogDestinationType"] == "s3" and c["LogDestination"].split(":::")[1].split("/")[0] not in ids("AWS::S3::Bucket", r["account"]):
            errors.append("flow log %s unknown bucket" % r["id"])
    for r in idx["AWS::CloudTrail::Trail"]:
        c = r["configuration"]
        if c["S3BucketName"] not in ids("AWS::S3::Bucket", r["account"]):
            errors.append("trail %s unknown bucket" % r["id"])
        if "CloudWatchLogsLogGroupArn" in c:
            g = c["CloudWatchLogsLogGroupArn"].split(":log-group:")[1][:-2]
            if g not in ids("AWS::Logs::LogGroup", r["account"], r["region"]):
                errors.append("trail %s unknown log group" % r["id"])
        if "KmsKeyId" in c and c["KmsKeyId"].split("/")[-1] not in ids("AWS::KMS::Key", r["account"], r["region"]):
            errors.append("trail %s unknown key" % r["id"])
    metrics = {(r["account"], r["region"], m["metricNamespace"], m["metricName"])
               for r in idx["AWS::Logs::MetricFilter"] for m in r["configuration"]["metricTransformations"]}
    topics = ids("AWS::SNS::Topic")
    for r in idx["AWS::Logs::MetricFilter"]:
        if r["configuration"]["logGroupName"] not in ids("AWS::Logs::LogGroup", r["account"], r["region"]):
            errors.append("filter %s unknown log group" % r["id"])
    for r in idx["AWS::CloudWatch::Alarm"]:
        c = r["configuration"]
        if not c["Namespace"].startswith("AWS/") and (r["account"], r["region"], c["Namespace"], c["MetricName"]) not in metrics:
            errors.append("alarm %s metric not defined by a filter" % r["id"])
        for a in c["AlarmActions"]:
            if a not in topics:
                errors.append("alarm %s unknown topic" % r["id"])
    for r in idx["AWS::RDS::DBInstance"]:
        for g in r["configuration"]["VpcSecurityGroups"]:
            if g["VpcSecurityGroupId"] not in ids("AWS::EC2::SecurityGroup", r["account"], r["region"]):
                errors.append("rds %s unknown SG" % r["id"])
    for r in idx["AWS::S3::Bucket"]:
        lg = r["supplementaryConfiguration"]["BucketLoggingConfiguration"].get("LoggingEnabled")
        if lg and lg["TargetBucket"] not in ids("AWS::S3::Bucket", r["account"], r["region"]):
            errors.append("bucket %s logs to unknown bucket" % r["id"])
    for acct in acct_ids:
        users = ids("AWS::IAM::User", acct)
        rows = ids("AWS::IAM::CredentialReportEntry", acct)
        if rows != users | {"<root_account>"}:
            errors.append("credential report rows do not match users in %s" % acct)
        for r in idx["AWS::IAM::User"]:
            if r["account"] == acct:
                for g in r["configuration"]["GroupList"]:
                    if g not in ids("AWS::IAM::Group", acct):
                        errors.append("user %s unknown group %s" % (r["id"], g))
        pols = ids("AWS::IAM::Policy", acct)
        for t in ("AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role"):
            for r in idx[t]:
                if r["account"] == acct:
                    for p in r["configuration"]["AttachedManagedPolicies"]:
                        if p["PolicyArn"] not in pols:
                            errors.append("%s %s attaches unknown policy %s" % (t, r["id"], p["PolicyArn"]))
        for region in inv["regions"]:
            st = [r for r in idx["AWS::AccessAnalyzer::AnalyzerStatus"] if r["account"] == acct and r["region"] == region]
            listed = {a["arn"] for a in st[0]["configuration"]["Analyzers"]}
            if listed != ids("AWS::AccessAnalyzer::Analyzer", acct, region):
                errors.append("analyzer status mismatch %s %s" % (acct, region))
    for t in BOTH_ACCOUNTS:
        for acct in acct_ids:
            if not ids(t, acct):
                errors.append("%s has no resource in account %s" % (t, acct))
    for r in idx["AWS::RDS::DBCluster"]:
        for m in r["configuration"]["DBClusterMembers"]:
            inst = [i for i in idx["AWS::RDS::DBInstance"] if i["id"] == m["DBInstanceIdentifier"] and i["account"] == r["account"]]
            if not inst or inst[0]["configuration"].get("DBClusterIdentifier") != r["id"]:
                errors.append("cluster %s member %s unknown or not pointing back" % (r["id"], m["DBInstanceIdentifier"]))
    for r in idx["AWS::EFS::AccessPoint"]:
        if r["configuration"]["FileSystemId"] not in ids("AWS::EFS::FileSystem", r["account"], r["region"]):
            errors.append("access point %s unknown file system" % r["id"])
    for r in idx["AWS::ElastiCache::CacheCluster"]:
        g = r["configuration"].get("ReplicationGroupId")
        if g and g not in ids("AWS::ElastiCache::ReplicationGroup", r["account"], r["region"]):
            errors.append("cache cluster %s unknown replication group" % r["id"])
    for r in idx["AWS::Backup::BackupPlan"]:
        for rule in r["configuration"]["BackupPlan"]["Rules"]:
            if rule["TargetBackupVaultName"] not in ids("AWS::Backup::BackupVault", r["account"], r["region"]):
                errors.append("backup plan %s unknown vault" % r["id"])
    keys = {r["arn"] for r in idx["AWS::KMS::Key"]}
    for t, path in (("AWS::Backup::BackupVault", ("EncryptionKeyArn",)), ("AWS::DynamoDB::Table", ("SSEDescription", "KMSMasterKeyArn")),
                    ("AWS::SecretsManager::Secret", ("KmsKeyId",))):
        for r in idx[t]:
            v = r["configuration"]
            for k in path:
                v = v.get(k) if isinstance(v, dict) else None
            if v and v not in keys:
                errors.append("%s %s unknown KMS key %s" % (t, r["id"], v))
    if len(res) < 320:
        errors.append("only %d resources" % len(res))
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "estate.json"))
    ap.add_argument("--summary", action="store_true", help="print the resource count per type")
    args = ap.parse_args()
    inv = build()
    errors = check(inv)
    if errors:
        for e in errors:
            print("generate-estate: " + e, file=sys.stderr)
        return 1
    text = json.dumps(inv, indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    if args.summary:
        counts = {}
        for r in inv["resources"]:
            counts[r["type"]] = counts.get(r["type"], 0) + 1
        for t in sorted(counts):
            print("%5d  %s" % (counts[t], t), file=sys.stderr)
        print("%5d  total" % len(inv["resources"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
