"""Data-store services of the loopback AWS test server (server.py).

Serves the estate's RDS clusters and snapshots, DynamoDB tables, EFS access
points, Redshift clusters, ElastiCache replication groups and cache
clusters, OpenSearch domains, Secrets Manager secrets, SQS queues, Backup
vaults and plans, ECR repositories and ACM certificates through the wire
protocols AWS uses for them: query/XML (RDS, Redshift, ElastiCache), JSON
1.0 (DynamoDB, SQS), JSON 1.1 (Secrets Manager, ECR, ACM) and REST-JSON
(EFS, OpenSearch, Backup). Timestamps go out as epoch seconds where the
JSON APIs send numbers; policies go out as the JSON strings the APIs send.

Scenario key "data_gone": ids of resources (and "<plan id>/sel-<n>" for a
backup selection) that the listings still name but every later call about
them answers "not found", as when a resource is deleted mid-collection.

server.py calls rest_operation() to name the operation of a REST request
(so that scenario faults can target it) and route() before its own
routing; route() answers and returns True when the request is one of these.
"""
import json, urllib.parse

from jsonwire import JSON10, JSON11, REST_JSON
from paging import page, paged
from records import supp, tag_list
from xmlwire import Query, paged_xml, to_xml

EPOCH_KEYS = {"CreationDateTime", "CreatedDate", "LastChangedDate", "LastAccessedDate",
              "LastRotatedDate", "NextRotationDate", "DeletedDate", "CreationDate", "LockDate",
              "createdAt", "NotBefore", "NotAfter", "CreatedAt", "IssuedAt", "ImportedAt",
              "LastExecutionDate"}

# query/XML list member element names (the API's locationName), default "member"
MEMBERS = {"DBClusters": "DBCluster", "DBClusterMembers": "DBClusterMember",
           "AvailabilityZones": "AvailabilityZone", "TagList": "Tag", "Tags": "Tag",
           "VpcSecurityGroups": "VpcSecurityGroupMembership", "Parameters": "Parameter",
           "DBSnapshots": "DBSnapshot", "DBClusterSnapshots": "DBClusterSnapshot",
           "DBSnapshotAttributes": "DBSnapshotAttribute",
           "DBClusterSnapshotAttributes": "DBClusterSnapshotAttribute",
           "AttributeValues": "AttributeValue", "Clusters": "Cluster",
           "ClusterParameterGroups": "ClusterParameterGroup",
           "ReplicationGroups": "ReplicationGroup", "CacheClusters": "CacheCluster",
           "MemberClusters": "ClusterId"}

ACM_DEFAULT_KEYS = ("RSA_1024", "RSA_2048")

QUERY = Query(MEMBERS)

def qxml(key, value):
    return to_xml(key, value, QUERY)

def cluster_conf(r):
    c = dict(r["configuration"])
    # A cluster always has a parameter group in the real API; the tests
    # expect cpg-<id> when the estate names none.
    c.setdefault("DBClusterParameterGroup", "cpg-" + r["id"])
    return c

def rest_operation(service, path):
    """The operation a REST request of these services names, or None."""
    p = path.rstrip("/")
    if service == "elasticfilesystem" and p.endswith("/access-points"):
        return "DescribeAccessPoints"
    if service == "es":
        if p == "/2021-01-01/domain":
            return "ListDomainNames"
        if p.startswith("/2021-01-01/opensearch/domain/"):
            return "DescribeDomain"
        if p == "/2021-01-01/tags":
            return "ListTags"
    if service == "backup":
        parts = p.strip("/").split("/")
        if parts == ["backup-vaults"]:
            return "ListBackupVaults"
        if len(parts) == 3 and parts[0] == "backup-vaults" and parts[2] == "access-policy":
            return "GetBackupVaultAccessPolicy"
        if parts == ["backup", "plans"]:
            return "ListBackupPlans"
        if len(parts) == 3 and parts[:2] == ["backup", "plans"]:
            return "GetBackupPlan"
        if len(parts) == 4 and parts[3] == "selections":
            return "ListBackupSelections"
        if len(parts) == 5 and parts[3] == "selections":
            return "GetBackupSelection"
    return None

def route(h, service, op, region, form, q, body, path, size):
    d = Data(h, h.estate, region, size)
    if service == "rds" and op in ("DescribeDBClusters", "DescribeDBClusterParameters", "DescribeDBSnapshots",
                                   "DescribeDBSnapshotAttributes", "DescribeDBClusterSnapshots",
                                   "DescribeDBClusterSnapshotAttributes"):
        return d.rds(op, form) or True
    if service == "redshift":
        return d.redshift(op, form) or True
    if service == "elasticache":
        return d.elasticache(op, form) or True
    if service in ("dynamodb", "sqs", "secretsmanager", "ecr", "acm") and h.proto == "json":
        req = json.loads(body or b"{}")
        return getattr(d, service)(op, req) or True
    if service in ("es", "backup") or (service == "elasticfilesystem" and op == "DescribeAccessPoints"):
        return getattr(d, {"es": "opensearch", "backup": "backup", "elasticfilesystem": "efs"}[service])(op, q, path) or True
    return False

class Data:
    def __init__(self, h, estate, region, size):
        self.h, self.e, self.region, self.size = h, estate, region, size

    def of(self, t):
        return self.e.of(t, self.region)

    def find(self, t, key, value):
        if value in self.h.server.scenario.get("data_gone", []):
            return None
        for r in self.of(t):
            if r["configuration"].get(key) == value or r["id"] == value:
                return r
        return None

    def ok_query(self, op, inner):
        self.h.query_ok(op, inner)

    def ok_json(self, obj, ctype=JSON11):
        self.h.json(obj, ctype, EPOCH_KEYS)

    def ok_rest(self, obj):
        self.h.json(obj, REST_JSON, EPOCH_KEYS)

    def listing(self, op, key, items, token, token_name="Marker"):
        chunk, nt = page(items, token, self.size)
        self.ok_query(op, paged_xml(key, chunk, token_name, nt, QUERY))

    # -- query/XML --
    def rds(self, op, form):
        if op == "DescribeDBClusters":
            return self.listing(op, "DBClusters", [cluster_conf(r) for r in self.of("AWS::RDS::DBCluster")], form.get("Marker"))
        if op == "DescribeDBClusterParameters":
            c = [r for r in self.of("AWS::RDS::DBCluster") if cluster_conf(r)["DBClusterParameterGroup"] == form.get("DBClusterParameterGroupName")]
            if not c:
                return self.h.error(404, "DBParameterGroupNotFound", "no such cluster parameter group")
            noise = [{"ParameterName": "autovacuum", "ParameterValue": "1", "Source": "engine-default", "ApplyType": "dynamic", "IsModifiable": True},
                     {"ParameterName": "ssl_min_protocol_version", "Source": "engine-default", "ApplyType": "dynamic", "IsModifiable": True}]
            return self.listing(op, "Parameters", noise + supp(c[0]).get("DBClusterParameters", []) + noise, form.get("Marker"))
        if op == "DescribeDBSnapshots":
            return self.listing(op, "DBSnapshots", [r["configuration"] for r in self.of("AWS::RDS::DBSnapshot")], form.get("Marker"))
        if op == "DescribeDBClusterSnapshots":
            return self.listing(op, "DBClusterSnapshots", [r["configuration"] for r in self.of("AWS::RDS::DBClusterSnapshot")], form.get("Marker"))
        cluster = op == "DescribeDBClusterSnapshotAttributes"
        t, idkey = ("AWS::RDS::DBClusterSnapshot", "DBClusterSnapshotIdentifier") if cluster else ("AWS::RDS::DBSnapshot", "DBSnapshotIdentifier")
        s = self.find(t, idkey, form.get(idkey))
        if not s:
            return self.h.error(404, "DBClusterSnapshotNotFoundFault" if cluster else "DBSnapshotNotFound", "no such snapshot")
        key = "DBClusterSnapshotAttributes" if cluster else "DBSnapshotAttributes"
        res = {idkey: s["id"], key: supp(s).get(key, [])}
        return self.ok_query(op, qxml(key + "Result", res))

    def redshift(self, op, form):
        if op == "DescribeClusters":
            return self.listing(op, "Clusters", [r["configuration"] for r in self.of("AWS::Redshift::Cluster")], form.get("Marker"))
        if op == "DescribeClusterParameters":
            c = [r for r in self.of("AWS::Redshift::Cluster")
                 if any(g.get("ParameterGroupName") == form.get("ParameterGroupName") for g in r["configuration"].get("ClusterParameterGroups", []))]
            if not c:
                return self.h.error(404, "ClusterParameterGroupNotFound", "no such parameter group")
            return self.listing(op, "Parameters", supp(c[0]).get("Parameters", []), form.get("Marker"))
        if op == "DescribeLoggingStatus":
            c = self.find("AWS::Redshift::Cluster", "ClusterIdentifier", form.get("ClusterIdentifier"))
            if not c:
                return self.h.error(404, "ClusterNotFound", "no such cluster")
            st = supp(c).get("LoggingStatus") or {"LoggingEnabled": False}
            return self.ok_query(op, "".join(qxml(k, v) for k, v in st.items()))
        return self.h.error(400, "InvalidAction", op)

    def elasticache(self, op, form):
        if op == "DescribeReplicationGroups":
            return self.listing(op, "ReplicationGroups", [r["configuration"] for r in self.of("AWS::ElastiCache::ReplicationGroup")], form.get("Marker"))
        if op == "DescribeCacheClusters":
            return self.listing(op, "CacheClusters", [r["configuration"] for r in self.of("AWS::ElastiCache::CacheCluster")], form.get("Marker"))
        if op == "ListTagsForResource":
            for t in ("AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster"):
                r = self.find(t, "ARN", form.get("ResourceName"))
                if r:
                    return self.ok_query(op, qxml("TagList", tag_list(r)))
            return self.h.error(404, "InvalidARN", "no such resource")
        return self.h.error(400, "InvalidAction", op)

    # -- JSON 1.0 / 1.1 --
    def dynamodb(self, op, req):
        tables = self.of("AWS::DynamoDB::Table")
        if op == "ListTables":
            names = [r["id"] for r in tables]
            start = names.index(req["ExclusiveStartTableName"]) + 1 if req.get("ExclusiveStartTableName") in names else 0
            chunk = names[start:start + min(self.size, req.get("Limit", 100))]
            out = {"TableNames": chunk}
            if start + len(chunk) < len(names):
                out["LastEvaluatedTableName"] = chunk[-1]
            return self.ok_json(out, JSON10)
        if op == "ListTagsOfResource":
            r = self.find("AWS::DynamoDB::Table", "TableArn", req.get("ResourceArn"))
            if not r:
                return self.h.error(400, "ResourceNotFoundException", "no such table")
            chunk, nt = page(tag_list(r), req.get("NextToken"), self.size)
            return self.ok_json(paged("Tags", chunk, "NextToken", nt), JSON10)
        r = self.find("AWS::DynamoDB::Table", "TableName", req.get("TableName"))
        if not r:
            return self.h.error(400, "ResourceNotFoundException", "Requested resource not found")
        if op == "DescribeTable":
            return self.ok_json({"Table": r["configuration"]}, JSON10)
        if op == "DescribeContinuousBackups":
            return self.ok_json({"ContinuousBackupsDescription": supp(r)["ContinuousBackupsDescription"]}, JSON10)
        return self.h.error(400, "UnknownOperationException", op)

    def sqs(self, op, req):
        queues = self.of("AWS::SQS::Queue")
        if op == "ListQueues":
            chunk, nt = page([r["id"] for r in queues], req.get("NextToken"), self.size)
            return self.ok_json(paged("QueueUrls", chunk, "NextToken", nt), JSON10)
        r = self.find("AWS::SQS::Queue", "QueueUrl", req.get("QueueUrl"))
        if not r:
            return self.h.error(400, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
        if op == "GetQueueAttributes":
            if req.get("AttributeNames") != ["All"]:
                return self.h.error(400, "InvalidAttributeName", "the test server answers All only")
            return self.ok_json({"Attributes": r["configuration"]["Attributes"]}, JSON10)
        if op == "ListQueueTags":
            return self.ok_json({"Tags": r.get("tags") or {}}, JSON10)
        return self.h.error(400, "UnknownOperationException", op)

    def secretsmanager(self, op, req):
        if op == "ListSecrets":
            items = [dict(r["configuration"], **({"Tags": tag_list(r)} if r.get("tags") else {})) for r in self.of("AWS::SecretsManager::Secret")]
            chunk, nt = page(items, req.get("NextToken"), self.size)
            return self.ok_json(paged("SecretList", chunk, "NextToken", nt))
        r = self.find("AWS::SecretsManager::Secret", "ARN", req.get("SecretId"))
        if not r:
            return self.h.error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
        if op == "GetResourcePolicy":
            out = {"ARN": r["id"], "Name": r["configuration"]["Name"]}
            if supp(r).get("ResourcePolicy") is not None:
                out["ResourcePolicy"] = json.dumps(supp(r)["ResourcePolicy"])
            return self.ok_json(out)
        return self.h.error(400, "UnknownOperationException", op)

    def ecr(self, op, req):
        repos = self.of("AWS::ECR::Repository")
        if op == "GetRegistryScanningConfiguration":
            sc = supp(repos[0]).get("RegistryScanningConfiguration") if repos else None
            return self.ok_json({"registryId": self.e.account, "scanningConfiguration": sc or {"scanType": "BASIC", "rules": []}})
        if op == "DescribeRepositories":
            chunk, nt = page([r["configuration"] for r in repos], req.get("nextToken"), self.size)
            return self.ok_json(paged("repositories", chunk, "nextToken", nt))
        if op == "ListTagsForResource":
            r = self.find("AWS::ECR::Repository", "repositoryArn", req.get("resourceArn"))
            if not r:
                return self.h.error(400, "InvalidParameterException", "no such repository")
            return self.ok_json({"tags": tag_list(r)})
        r = self.find("AWS::ECR::Repository", "repositoryName", req.get("repositoryName"))
        if not r:
            return self.h.error(400, "RepositoryNotFoundException", "no such repository")
        if op == "GetRepositoryPolicy":
            pol = supp(r).get("RepositoryPolicy")
            if pol is None:
                return self.h.error(400, "RepositoryPolicyNotFoundException", "Repository policy does not exist")
            return self.ok_json({"registryId": self.e.account, "repositoryName": r["id"], "policyText": json.dumps(pol)})
        return self.h.error(400, "UnknownOperationException", op)

    def acm(self, op, req):
        certs = self.of("AWS::ACM::Certificate")
        if op == "ListCertificates":
            keys = (req.get("Includes") or {}).get("keyTypes") or ACM_DEFAULT_KEYS
            items = [{"CertificateArn": r["id"], "DomainName": r["configuration"].get("DomainName"),
                      "KeyAlgorithm": r["configuration"].get("KeyAlgorithm"), "Status": r["configuration"].get("Status")}
                     for r in certs if r["configuration"].get("KeyAlgorithm") in keys]
            chunk, nt = page(items, req.get("NextToken"), self.size)
            return self.ok_json(paged("CertificateSummaryList", chunk, "NextToken", nt))
        if op == "DescribeCertificate":
            r = self.find("AWS::ACM::Certificate", "CertificateArn", req.get("CertificateArn"))
            if not r:
                return self.h.error(400, "ResourceNotFoundException", "no such certificate")
            return self.ok_json({"Certificate": r["configuration"]})
        return self.h.error(400, "UnknownOperationException", op)

    # -- REST-JSON --
    def efs(self, op, q, path):
        items = [dict(r["configuration"], Tags=tag_list(r)) for r in self.of("AWS::EFS::AccessPoint")]
        chunk, nt = page(items, q.get("NextToken"), min(self.size, int(q.get("MaxResults", 100))))
        return self.ok_rest(paged("AccessPoints", chunk, "NextToken", nt))

    def opensearch(self, op, q, path):
        domains = self.of("AWS::OpenSearch::Domain")
        if op == "ListDomainNames":
            return self.ok_rest({"DomainNames": [{"DomainName": r["id"], "EngineType": "OpenSearch"} for r in domains]})
        if op == "ListTags":
            r = self.find("AWS::OpenSearch::Domain", "ARN", q.get("arn"))
            if not r:
                return self.h.error(400, "ValidationException", "no such domain")
            return self.ok_rest({"TagList": tag_list(r)})
        r = self.find("AWS::OpenSearch::Domain", "DomainName", urllib.parse.unquote(path.rstrip("/").split("/")[-1]))
        if not r:
            return self.h.error(409, "ResourceNotFoundException", "Domain not found")
        conf = dict(r["configuration"])
        if isinstance(conf.get("AccessPolicies"), dict):
            conf["AccessPolicies"] = json.dumps(conf["AccessPolicies"])
        return self.ok_rest({"DomainStatus": conf})

    def backup(self, op, q, path):
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if op == "ListBackupVaults":
            chunk, nt = page([r["configuration"] for r in self.of("AWS::Backup::BackupVault")], q.get("nextToken"), self.size)
            return self.ok_rest(paged("BackupVaultList", chunk, "NextToken", nt))
        if op == "GetBackupVaultAccessPolicy":
            r = self.find("AWS::Backup::BackupVault", "BackupVaultName", parts[1])
            if not r:
                return self.h.error(404, "ResourceNotFoundException", "no such vault")
            pol = supp(r).get("AccessPolicy")
            if pol is None:
                return self.h.error(404, "ResourceNotFoundException", "Backup vault has no access policy")
            return self.ok_rest({"BackupVaultName": r["id"], "BackupVaultArn": r["arn"], "Policy": json.dumps(pol)})
        plans = self.of("AWS::Backup::BackupPlan")
        if op == "ListBackupPlans":
            items = [{k: r["configuration"].get(k) for k in ("BackupPlanId", "BackupPlanArn", "VersionId", "CreationDate")}
                     for r in plans]
            for it, r in zip(items, plans):
                it["BackupPlanName"] = r["configuration"]["BackupPlan"]["BackupPlanName"]
            chunk, nt = page(items, q.get("nextToken"), self.size)
            return self.ok_rest(paged("BackupPlansList", chunk, "NextToken", nt))
        r = self.find("AWS::Backup::BackupPlan", "BackupPlanId", parts[2])
        if not r:
            return self.h.error(404, "ResourceNotFoundException", "no such plan")
        sels = supp(r).get("Selections", [])
        if op == "GetBackupPlan":
            return self.ok_rest(r["configuration"])
        if op == "ListBackupSelections":
            items = [{"SelectionId": "sel-%d" % i, "SelectionName": s.get("SelectionName"), "BackupPlanId": r["id"],
                      "IamRoleArn": s.get("IamRoleArn")} for i, s in enumerate(sels)]
            chunk, nt = page(items, q.get("nextToken"), self.size)
            return self.ok_rest(paged("BackupSelectionsList", chunk, "NextToken", nt))
        if op == "GetBackupSelection":
            ids = ["sel-%d" % i for i in range(len(sels))]
            if parts[4] not in ids or "%s/%s" % (r["id"], parts[4]) in self.h.server.scenario.get("data_gone", []):
                return self.h.error(404, "ResourceNotFoundException", "no such selection")
            return self.ok_rest({"BackupSelection": sels[ids.index(parts[4])], "SelectionId": parts[4], "BackupPlanId": r["id"]})
        return self.h.error(400, "UnknownOperationException", op)
