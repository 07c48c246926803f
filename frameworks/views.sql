-- attest: shared read-only views over the inventory that checks build on.
--
-- The engine creates every view below in the evaluation database before any
-- check runs, under an authorizer that allows nothing but CREATE VIEW; each view must then compile as a check query would
-- (reading only the inventory tables). Bundled and user checks read them
-- like tables. doc/check-authoring.md ("Views") describes every view and its
-- columns, and test_checks fails when the two disagree.

-- One row per CloudTrail trail, with what checks judge a trail by.
CREATE VIEW cloudtrail_trails AS
SELECT t.rid, t.account, t.region, t.id AS trail,
       json_type(t.config, '$.IsMultiRegionTrail') = 'true' AS multi_region,
       json_type(t.supp, '$.TrailStatus.IsLogging') AS logging_status,
       json_type(t.supp, '$.TrailStatus.IsLogging') = 'true' AS logging,
       (json_type(t.supp, '$.EventSelectors') IS NOT NULL
        OR json_type(t.supp, '$.AdvancedEventSelectors') IS NOT NULL) AS selectors_known,
       (EXISTS (SELECT 1 FROM json_each(json_as_array(t.supp -> '$.EventSelectors')) es
          WHERE es.type = 'object' AND json_type(es.value, '$.IncludeManagementEvents') = 'true'
            AND es.value ->> 'ReadWriteType' = 'All')
        OR EXISTS (SELECT 1 FROM json_each(json_as_array(t.supp -> '$.AdvancedEventSelectors')) aes
          WHERE aes.type = 'object'
            AND EXISTS (SELECT 1 FROM json_each(json_as_array(aes.value -> '$.FieldSelectors')) fs,
                               json_each(json_as_array(fs.value -> '$.Equals')) eq
                         WHERE fs.type = 'object' AND fs.value ->> 'Field' = 'eventCategory' AND eq.value = 'Management')
            AND NOT EXISTS (SELECT 1 FROM json_each(json_as_array(aes.value -> '$.FieldSelectors')) fs
                             WHERE fs.type = 'object' AND fs.value ->> 'Field' = 'readOnly'))) AS all_management_events,
       t.config ->> 'CloudWatchLogsLogGroupArn' AS log_group_arn
FROM resources t
WHERE t.type = 'AWS::CloudTrail::Trail';

-- One row per CloudTrail trail and access ('read', 'write'): all_buckets is
-- 1 when a basic or advanced event selector of the trail records S3
-- object-level events of that access for every bucket.
CREATE VIEW cloudtrail_s3_data_events AS
SELECT t.rid, t.account, t.id AS trail, x.access,
       (EXISTS (SELECT 1 FROM json_each(json_as_array(t.supp -> '$.EventSelectors')) es,
                           json_each(json_as_array(es.value -> '$.DataResources')) dr,
                           json_each(json_as_array(dr.value -> '$.Values')) val
         WHERE es.type = 'object' AND dr.type = 'object' AND es.value ->> 'ReadWriteType' IN ('All', x.rw)
           AND dr.value ->> 'Type' = 'AWS::S3::Object'
           AND (val.value GLOB 'arn:aws*:s3' OR val.value GLOB 'arn:aws*:s3:::'))
       OR EXISTS (SELECT 1 FROM json_each(json_as_array(t.supp -> '$.AdvancedEventSelectors')) aes
         WHERE aes.type = 'object'
           AND EXISTS (SELECT 1 FROM json_each(json_as_array(aes.value -> '$.FieldSelectors')) fs,
                              json_each(json_as_array(fs.value -> '$.Equals')) eq
                        WHERE fs.type = 'object' AND fs.value ->> 'Field' = 'eventCategory' AND eq.value = 'Data')
           AND EXISTS (SELECT 1 FROM json_each(json_as_array(aes.value -> '$.FieldSelectors')) fs,
                              json_each(json_as_array(fs.value -> '$.Equals')) eq
                        WHERE fs.type = 'object' AND fs.value ->> 'Field' = 'resources.type' AND eq.value = 'AWS::S3::Object')
           AND NOT EXISTS (SELECT 1 FROM json_each(json_as_array(aes.value -> '$.FieldSelectors')) fs
                            WHERE fs.type = 'object' AND fs.value ->> 'Field' NOT IN ('eventCategory', 'resources.type', 'readOnly'))
           AND NOT EXISTS (SELECT 1 FROM json_each(json_as_array(aes.value -> '$.FieldSelectors')) fs
                            WHERE fs.type = 'object' AND fs.value ->> 'Field' = 'readOnly'
                              AND NOT EXISTS (SELECT 1 FROM json_each(json_as_array(fs.value -> '$.Equals')) eq WHERE eq.value = x.read_only)))) AS all_buckets
FROM resources t,
     (SELECT 'read' AS access, 'ReadOnly' AS rw, 'true' AS read_only
      UNION ALL SELECT 'write', 'WriteOnly', 'false') x
WHERE t.type = 'AWS::CloudTrail::Trail';

-- For every account and access ('read', 'write'): pass when a multi-region,
-- logging trail records S3 object-level events of that access for all
-- buckets, as a check's rid, status, reason and evidence. The
-- cloudtrail-s3-data-events-* checks read their access's rows.
CREATE VIEW cloudtrail_s3_data_events_findings AS
WITH t AS (
  SELECT d.account, d.trail AS id, d.access, tr.multi_region AS multi, tr.logging,
         tr.selectors_known AS sel_known, d.all_buckets AS covers
  FROM cloudtrail_s3_data_events d JOIN cloudtrail_trails tr ON tr.rid = d.rid
),
v AS (
  SELECT a.rid, a.id, x.access,
         (SELECT group_concat(id, ', ') FROM t WHERE t.account = a.id AND t.access = x.access AND multi AND logging AND covers) AS good,
         (SELECT group_concat(id, ', ') FROM t WHERE t.account = a.id AND t.access = x.access AND NOT sel_known) AS unknown,
         (SELECT group_concat(id || ' (' || CASE WHEN multi THEN 'multi-region' ELSE 'single-region' END || ', '
                              || CASE WHEN logging THEN 'logging' ELSE 'not logging' END || ', '
                              || CASE WHEN covers THEN '' ELSE 'no ' END || 'S3 ' || x.access || ' data events for all buckets)', '; ')
            FROM t WHERE t.account = a.id AND t.access = x.access) AS seen,
         (SELECT json_group_array(json_object('trail', id, 'multi_region', CASE WHEN multi THEN json('true') WHEN NOT (multi) THEN json('false') END, 'is_logging', CASE WHEN logging THEN json('true') WHEN NOT (logging) THEN json('false') END,
                                              's3_' || x.access || '_data_events_all_buckets', CASE WHEN covers THEN json('true') WHEN NOT (covers) THEN json('false') END))
            FROM t WHERE t.account = a.id AND t.access = x.access) AS ev
  FROM resources a, (SELECT 'read' AS access UNION ALL SELECT 'write') x
  WHERE a.type = 'AWS::::Account'
)
SELECT access, rid AS rid,
       CASE WHEN good IS NOT NULL THEN 'pass' WHEN unknown IS NOT NULL THEN 'error' ELSE 'fail' END AS status,
       CASE WHEN good IS NOT NULL THEN 'account ' || id || ' records S3 object-level ' || access || ' events for all buckets on trail(s) ' || good
            WHEN unknown IS NOT NULL THEN 'the event selectors of trail(s) ' || unknown || ' in account ' || id || ' were not collected'
            WHEN seen IS NULL THEN 'account ' || id || ' has no CloudTrail trail'
            ELSE 'no multi-region, logging trail of account ' || id || ' records S3 object-level ' || access || ' events for all buckets (trails: ' || seen || ')' END AS reason,
       json_object('account', id, 'qualifying_trails', good, 'trails', json(ev)) AS evidence
FROM v;

-- The CloudWatch Logs log group of every multi-region, logging trail that
-- records all management events (the trails whose events CIS metric filters
-- watch), from the trail's log group ARN
-- arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*].
CREATE VIEW cloudtrail_log_groups AS
WITH p1 AS (
  SELECT account, trail, log_group_arn AS lg_arn,
         substr(log_group_arn, instr(log_group_arn, ':logs:') + 6) AS s1,
         substr(log_group_arn, instr(log_group_arn, ':log-group:') + 11) AS s2
  FROM cloudtrail_trails
  WHERE multi_region AND logging AND all_management_events
    AND log_group_arn IS NOT NULL AND instr(log_group_arn, ':log-group:') > 0
    AND instr(log_group_arn, ':logs:') > 0
)
SELECT account, trail, lg_arn AS log_group_arn,
       substr(s1, 1, instr(s1, ':') - 1) AS log_group_region,
       substr(substr(s1, instr(s1, ':') + 1), 1, instr(substr(s1, instr(s1, ':') + 1), ':') - 1) AS log_group_account,
       CASE WHEN s2 LIKE '%:*' THEN substr(s2, 1, length(s2) - 2) ELSE s2 END AS log_group
FROM p1;

-- One row per metric filter on a log group of cloudtrail_log_groups (a log
-- group fed by several trails gives one row per trail).
CREATE VIEW cloudtrail_metric_filters AS
SELECT lg.account, lg.trail, lg.log_group, lg.log_group_region, lg.log_group_account,
       mf.id AS filter, mf.config ->> 'filterPattern' AS pattern,
       json_as_array(mf.config -> '$.metricTransformations') AS transformations
FROM cloudtrail_log_groups lg
JOIN resources mf ON mf.type = 'AWS::Logs::MetricFilter' AND mf.config ->> 'logGroupName' = lg.log_group
                 AND mf.region = lg.log_group_region AND mf.account = lg.log_group_account;

-- One row per ingress rule of a security group and address range in it that
-- is open to the world (cidr_is_world): the IPv4 ranges (family 'ipv4'),
-- then the IPv6 ranges ('ipv6').
CREATE VIEW ec2_sg_world_ingress AS
SELECT g.rid, 'ipv4' AS family, p.value ->> 'IpProtocol' AS proto, p.value ->> 'FromPort' AS from_port,
       p.value ->> 'ToPort' AS to_port, c.value ->> 'CidrIp' AS cidr
FROM resources g, json_each(json_as_array(g.config -> '$.IpPermissions')) p, json_each(json_as_array(p.value -> '$.IpRanges')) c
WHERE g.type = 'AWS::EC2::SecurityGroup' AND p.type = 'object' AND c.type = 'object' AND cidr_is_world(c.value ->> 'CidrIp')
UNION ALL
SELECT g.rid, 'ipv6', p.value ->> 'IpProtocol', p.value ->> 'FromPort', p.value ->> 'ToPort', c.value ->> 'CidrIpv6'
FROM resources g, json_each(json_as_array(g.config -> '$.IpPermissions')) p, json_each(json_as_array(p.value -> '$.Ipv6Ranges')) c
WHERE g.type = 'AWS::EC2::SecurityGroup' AND p.type = 'object' AND c.type = 'object' AND cidr_is_world(c.value ->> 'CidrIpv6');

-- Security groups with an ingress rule that ec2_sg_world_ingress cannot
-- read (a rule or address range that is not an object, a CIDR that is not a
-- string, a key the EC2 API does not have): never a pass (the loader refuses
-- them too).
CREATE VIEW ec2_sg_unreadable_ingress AS
SELECT DISTINCT g.rid FROM resources g, json_each(json_as_array(g.config -> '$.IpPermissions')) p
WHERE g.type = 'AWS::EC2::SecurityGroup' AND json_type(g.config, '$.IpPermissions') IN ('array', 'object')
  AND (p.type <> 'object'
     OR EXISTS (SELECT 1 FROM json_each(p.value) k WHERE k.key NOT IN ('IpProtocol', 'FromPort', 'ToPort', 'IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs'))
     OR EXISTS (SELECT 1 FROM json_each(json_as_array(p.value -> '$.IpRanges')) c WHERE c.type <> 'object' OR json_type(c.value, '$.CidrIp') IS NOT 'text'
                   OR EXISTS (SELECT 1 FROM json_each(c.value) k WHERE k.key NOT IN ('CidrIp', 'Description')))
     OR EXISTS (SELECT 1 FROM json_each(json_as_array(p.value -> '$.Ipv6Ranges')) c WHERE c.type <> 'object' OR json_type(c.value, '$.CidrIpv6') IS NOT 'text'
                   OR EXISTS (SELECT 1 FROM json_each(c.value) k WHERE k.key NOT IN ('CidrIpv6', 'Description')))
     OR EXISTS (SELECT 1 FROM json_each(json_as_array(p.value -> '$.PrefixListIds')) c WHERE c.type <> 'object')
     OR EXISTS (SELECT 1 FROM json_each(json_as_array(p.value -> '$.UserIdGroupPairs')) c WHERE c.type <> 'object'));

-- For every IAM user, role and group (kind 'user', 'role', 'group'): whether
-- an inline policy (UserPolicyList, RolePolicyList, GroupPolicyList) allows
-- * on *, or AdministratorAccess is attached, as a check's rid, status,
-- reason and evidence. The iam-inline-policy-no-full-admin-* checks read
-- their kind's rows: SELECT rid, status, reason, evidence
-- FROM iam_inline_admin_findings WHERE kind = '...'.
CREATE VIEW iam_inline_admin_findings AS
WITH e AS (
  SELECT rid, id, lower(substr(type, 11)) AS kind, substr(type, 11) AS k,
         COALESCE(config ->> (substr(type, 11) || 'Name'), name, id) AS nm,
         json_type(config, '$.' || substr(type, 11) || 'PolicyList') AS lt, json_type(config, '$.AttachedManagedPolicies') AS mt,
         config -> ('$.' || substr(type, 11) || 'PolicyList') AS list, config
  FROM resources WHERE type IN ('AWS::IAM::User', 'AWS::IAM::Role', 'AWS::IAM::Group')
),
v AS (
  SELECT e.*,
         (SELECT json_group_array(p.value ->> 'PolicyName') FROM json_each(json_as_array(e.list)) p
           WHERE p.type = 'object' AND json_type(p.value, '$.PolicyDocument') = 'object'
             AND iam_policy_is_admin(p.value -> '$.PolicyDocument') = 1) AS inl,
         (SELECT json_group_array(COALESCE(p.value ->> 'PolicyName', '#' || p.key)) FROM json_each(json_as_array(e.list)) p
           WHERE p.type <> 'object' OR json_type(p.value, '$.PolicyDocument') IS NOT 'object'
              OR iam_policy_is_admin(p.value -> '$.PolicyDocument') IS NULL) AS unread,
         (SELECT json_group_array(p.value ->> 'PolicyArn') FROM json_each(json_as_array(e.config -> '$.AttachedManagedPolicies')) p
           WHERE p.type = 'object' AND p.value ->> 'PolicyArn' LIKE 'arn:%:iam::aws:policy/AdministratorAccess') AS mgd,
         json_array_length(json_as_array(e.list)) AS n
  FROM e
)
SELECT kind, rid AS rid,
       CASE WHEN json_array_length(inl) > 0 OR json_array_length(mgd) > 0 THEN 'fail'
            WHEN lt IS NOT 'array' OR json_array_length(unread) > 0 THEN 'error'
            ELSE 'pass' END AS status,
       CASE WHEN json_array_length(inl) > 0 OR json_array_length(mgd) > 0 THEN
              kind || ' ' || nm || ' has full administrative access (* on *) through '
              || CASE WHEN json_array_length(inl) > 0 THEN 'inline polic' || CASE WHEN json_array_length(inl) = 1 THEN 'y ' ELSE 'ies ' END
                        || (SELECT group_concat(value, ', ') FROM json_each(inl)) ELSE '' END
              || CASE WHEN json_array_length(inl) > 0 AND json_array_length(mgd) > 0 THEN ' and ' ELSE '' END
              || CASE WHEN json_array_length(mgd) > 0 THEN 'the AWS-managed AdministratorAccess policy' ELSE '' END
            WHEN lt IS NOT 'array' THEN 'the inline policies (' || k || 'PolicyList) of ' || kind || ' ' || nm || ' were not collected'
            WHEN json_array_length(unread) > 0 THEN 'the document of inline polic' || CASE WHEN json_array_length(unread) = 1 THEN 'y ' ELSE 'ies ' END
              || (SELECT group_concat(value, ', ') FROM json_each(unread)) || ' of ' || kind || ' ' || nm || ' could not be read'
            ELSE kind || ' ' || nm || ' has ' || n || ' inline polic' || CASE WHEN n = 1 THEN 'y' ELSE 'ies' END
              || ', none allowing * on *, and AdministratorAccess is not attached'
              || CASE WHEN mt IS NOT 'array' THEN ' (attached managed policies were not collected)' ELSE '' END END AS reason,
       json_object(kind, nm, 'inline_policy_count', n, 'admin_inline_policies', json(inl),
                   'unreadable_inline_policies', json(unread), 'administrator_access_attached', json(mgd),
                   'inline_policies_collected', json(CASE WHEN lt IS 'array' THEN 'true' ELSE 'false' END)) AS evidence
FROM v;

-- The service ports that the ec2-sg-no-world-ingress-*-ports checks keep
-- closed to the internet, by kind of service.
CREATE VIEW ec2_sg_service_ports(kind, proto, port, service) AS VALUES
  ('database', 'tcp', 3306, 'MySQL'), ('database', 'tcp', 5432, 'PostgreSQL'), ('database', 'tcp', 1433, 'SQL Server'),
  ('database', 'tcp', 1521, 'Oracle'), ('database', 'tcp', 6379, 'Redis'), ('database', 'tcp', 11211, 'Memcached'),
  ('database', 'udp', 11211, 'Memcached'), ('database', 'tcp', 9200, 'Elasticsearch'),
  ('database', 'tcp', 9300, 'Elasticsearch transport'), ('database', 'tcp', 27017, 'MongoDB'),
  ('database', 'tcp', 5984, 'CouchDB'), ('database', 'tcp', 9042, 'Cassandra'),
  ('remote-admin', 'tcp', 2375, 'Docker API'), ('remote-admin', 'tcp', 2376, 'Docker API (TLS)'),
  ('remote-admin', 'tcp', 5601, 'Kibana'), ('remote-admin', 'tcp', 5900, 'VNC'), ('remote-admin', 'tcp', 5985, 'WinRM'),
  ('remote-admin', 'tcp', 5986, 'WinRM (TLS)'), ('remote-admin', 'tcp', 10250, 'Kubernetes kubelet'),
  ('remote-admin', 'tcp', 2379, 'etcd'), ('remote-admin', 'tcp', 8500, 'Consul'),
  ('cleartext-legacy', 'tcp', 23, 'Telnet'), ('cleartext-legacy', 'tcp', 20, 'FTP data'), ('cleartext-legacy', 'tcp', 21, 'FTP'),
  ('cleartext-legacy', 'tcp', 445, 'SMB'), ('cleartext-legacy', 'tcp', 135, 'MS RPC'), ('cleartext-legacy', 'udp', 135, 'MS RPC'),
  ('cleartext-legacy', 'udp', 137, 'NetBIOS name'), ('cleartext-legacy', 'udp', 138, 'NetBIOS datagram'),
  ('cleartext-legacy', 'tcp', 139, 'NetBIOS session'), ('cleartext-legacy', 'udp', 69, 'TFTP'), ('cleartext-legacy', 'udp', 161, 'SNMP');

-- For every security group and kind of ec2_sg_service_ports: fail when a
-- rule admits the world (IPv4 or IPv6) to one of the kind's ports, as a
-- check's rid, status, reason and evidence. The checks read their kind's
-- rows: SELECT rid, status, reason, evidence
-- FROM ec2_sg_service_port_findings WHERE kind = '...'.
CREATE VIEW ec2_sg_service_port_findings AS
WITH g AS (
  SELECT rid, id, config ->> 'GroupName' AS name, json_type(config, '$.IpPermissions') AS t
  FROM resources WHERE type = 'AWS::EC2::SecurityGroup'
),
q(kind, closed) AS (VALUES
  ('database', 'database or cache ports (3306, 5432, 1433, 1521, 6379, 11211, 9200, 9300, 27017, 5984, 9042)'),
  ('remote-admin', 'remote administration ports (Docker 2375/2376, Kibana 5601, VNC 5900, WinRM 5985/5986, kubelet 10250, etcd 2379, Consul 8500)'),
  ('cleartext-legacy', 'legacy or cleartext protocol ports (23, 20-21, 445, 135, 137-139, 69/udp, 161/udp)')),
r AS (SELECT rid, proto, from_port AS fp, to_port AS tp, cidr FROM ec2_sg_world_ingress),
x AS (
  SELECT ports.kind, r.rid, r.proto, r.fp, r.tp, r.cidr, group_concat(ports.service || ' ' || ports.port || '/' || ports.proto, ', ') AS exposed
  FROM r, ec2_sg_service_ports ports WHERE port_in_rule(r.proto, r.fp, r.tp, ports.proto, ports.port)
  GROUP BY ports.kind, r.rid, r.proto, r.fp, r.tp, r.cidr
),
u AS (SELECT DISTINCT ports.kind, r.rid FROM r, ec2_sg_service_ports ports
      WHERE port_in_rule(r.proto, r.fp, r.tp, ports.proto, ports.port) IS NULL),
b AS (SELECT rid FROM ec2_sg_unreadable_ingress)
SELECT q.kind, g.rid AS rid,
       CASE WHEN g.t IS NULL OR g.t NOT IN ('array', 'object') THEN 'error'
            WHEN EXISTS (SELECT 1 FROM x WHERE x.rid = g.rid AND x.kind = q.kind) THEN 'fail'
            WHEN EXISTS (SELECT 1 FROM b WHERE b.rid = g.rid) THEN 'error'
            WHEN EXISTS (SELECT 1 FROM u WHERE u.rid = g.rid AND u.kind = q.kind) THEN 'error' ELSE 'pass' END AS status,
       CASE WHEN g.t IS NULL OR g.t NOT IN ('array', 'object') THEN 'the ingress rules (IpPermissions) of security group ' || g.id || ' were not collected'
            WHEN EXISTS (SELECT 1 FROM x WHERE x.rid = g.rid AND x.kind = q.kind)
              THEN 'security group ' || g.id || COALESCE(' (' || g.name || ')', '') || ' admits the internet to '
                   || (SELECT group_concat(exposed || ' from ' || cidr, '; ') FROM x WHERE x.rid = g.rid AND x.kind = q.kind)
            WHEN EXISTS (SELECT 1 FROM b WHERE b.rid = g.rid) THEN 'security group ' || g.id || COALESCE(' (' || g.name || ')', '') || ' has an ingress rule that cannot be read (a rule or address range that is not an object, a CIDR that is not a string, or a key the EC2 API does not have)'
            WHEN EXISTS (SELECT 1 FROM u WHERE u.rid = g.rid AND u.kind = q.kind) THEN 'security group ' || g.id || COALESCE(' (' || g.name || ')', '') || ' has a rule open to the internet whose protocol or port range cannot be read'
            ELSE 'security group ' || g.id || COALESCE(' (' || g.name || ')', '') || ' admits no traffic from 0.0.0.0/0 or ::/0 to ' || q.closed END AS reason,
       json_object('group', g.id, 'GroupName', g.name,
                   'offending_rules', (SELECT json_group_array(json_object('IpProtocol', proto, 'FromPort', fp, 'ToPort', tp, 'source', cidr, 'exposes', exposed))
                                        FROM x WHERE x.rid = g.rid AND x.kind = q.kind)) AS evidence
FROM g, q;

-- SNS topics with at least one confirmed subscription.
CREATE VIEW sns_subscribed_topics AS
SELECT s.rid, s.account, s.region, s.id AS topic, s.arn
FROM resources s
WHERE s.type = 'AWS::SNS::Topic'
  AND EXISTS (SELECT 1 FROM json_each(json_as_array(s.supp -> '$.Subscriptions')) sub
               WHERE sub.type = 'object' AND sub.value ->> 'SubscriptionArn' LIKE 'arn:%');

-- The CIS CloudWatch alarms: for each, the terms its metric filter pattern
-- must contain (pattern_has_terms syntax, each followed by ')', '&', '|' or
-- '}' in the pattern).
CREATE VIEW cloudwatch_alarm_requirements(name, terms) AS VALUES
  ('unauthorized-api-calls',
   '["$.errorCode=\"*UnauthorizedOperation\"", "$.errorCode=\"AccessDenied*\""]'),
  ('console-signin-without-mfa',
   '["$.eventName=\"ConsoleLogin\"", "$.additionalEventData.MFAUsed!=\"Yes\""]'),
  ('root-usage',
   '["$.userIdentity.type=\"Root\"", "$.userIdentity.invokedBy NOT EXISTS", "$.eventType!=\"AwsServiceEvent\""]'),
  ('iam-policy-changes',
   '["$.eventName=\"DeleteGroupPolicy\"", "$.eventName=\"DeleteRolePolicy\"", "$.eventName=\"DeleteUserPolicy\"", "$.eventName=\"PutGroupPolicy\"", "$.eventName=\"PutRolePolicy\"", "$.eventName=\"PutUserPolicy\"", "$.eventName=\"CreatePolicy\"", "$.eventName=\"DeletePolicy\"", "$.eventName=\"CreatePolicyVersion\"", "$.eventName=\"DeletePolicyVersion\"", "$.eventName=\"AttachRolePolicy\"", "$.eventName=\"DetachRolePolicy\"", "$.eventName=\"AttachUserPolicy\"", "$.eventName=\"DetachUserPolicy\"", "$.eventName=\"AttachGroupPolicy\"", "$.eventName=\"DetachGroupPolicy\""]'),
  ('cloudtrail-changes',
   '["$.eventName=\"CreateTrail\"", "$.eventName=\"UpdateTrail\"", "$.eventName=\"DeleteTrail\"", "$.eventName=\"StartLogging\"", "$.eventName=\"StopLogging\""]'),
  ('console-auth-failures',
   '["$.eventName=\"ConsoleLogin\"", "$.errorMessage=\"Failed authentication\""]'),
  ('kms-key-disable-or-deletion',
   '["$.eventSource=\"kms.amazonaws.com\"", "$.eventName=\"DisableKey\"", "$.eventName=\"ScheduleKeyDeletion\""]'),
  ('s3-bucket-policy-changes',
   '["$.eventSource=\"s3.amazonaws.com\"", "$.eventName=\"PutBucketAcl\"", "$.eventName=\"PutBucketPolicy\"", "$.eventName=\"PutBucketCors\"", "$.eventName=\"PutBucketLifecycle\"", "$.eventName=\"PutBucketReplication\"", "$.eventName=\"DeleteBucketPolicy\"", "$.eventName=\"DeleteBucketCors\"", "$.eventName=\"DeleteBucketLifecycle\"", "$.eventName=\"DeleteBucketReplication\""]'),
  ('config-changes',
   '["$.eventSource=\"config.amazonaws.com\"", "$.eventName=\"StopConfigurationRecorder\"", "$.eventName=\"DeleteDeliveryChannel\"", "$.eventName=\"PutDeliveryChannel\"", "$.eventName=\"PutConfigurationRecorder\""]'),
  ('security-group-changes',
   '["$.eventName=\"AuthorizeSecurityGroupIngress\"", "$.eventName=\"AuthorizeSecurityGroupEgress\"", "$.eventName=\"RevokeSecurityGroupIngress\"", "$.eventName=\"RevokeSecurityGroupEgress\"", "$.eventName=\"CreateSecurityGroup\"", "$.eventName=\"DeleteSecurityGroup\""]'),
  ('nacl-changes',
   '["$.eventName=\"CreateNetworkAcl\"", "$.eventName=\"CreateNetworkAclEntry\"", "$.eventName=\"DeleteNetworkAcl\"", "$.eventName=\"DeleteNetworkAclEntry\"", "$.eventName=\"ReplaceNetworkAclEntry\"", "$.eventName=\"ReplaceNetworkAclAssociation\""]'),
  ('network-gateway-changes',
   '["$.eventName=\"CreateCustomerGateway\"", "$.eventName=\"DeleteCustomerGateway\"", "$.eventName=\"AttachInternetGateway\"", "$.eventName=\"CreateInternetGateway\"", "$.eventName=\"DeleteInternetGateway\"", "$.eventName=\"DetachInternetGateway\""]'),
  ('route-table-changes',
   '["$.eventName=\"CreateRoute\"", "$.eventName=\"CreateRouteTable\"", "$.eventName=\"ReplaceRoute\"", "$.eventName=\"ReplaceRouteTableAssociation\"", "$.eventName=\"DeleteRouteTable\"", "$.eventName=\"DeleteRoute\"", "$.eventName=\"DisassociateRouteTable\""]'),
  ('vpc-changes',
   '["$.eventName=\"CreateVpc\"", "$.eventName=\"DeleteVpc\"", "$.eventName=\"ModifyVpcAttribute\"", "$.eventName=\"AcceptVpcPeeringConnection\"", "$.eventName=\"CreateVpcPeeringConnection\"", "$.eventName=\"DeleteVpcPeeringConnection\"", "$.eventName=\"RejectVpcPeeringConnection\"", "$.eventName=\"AttachClassicLinkVpc\"", "$.eventName=\"DetachClassicLinkVpc\"", "$.eventName=\"DisableVpcClassicLink\"", "$.eventName=\"EnableVpcClassicLink\""]'),
  ('organizations-changes',
   '["$.eventSource=\"organizations.amazonaws.com\"", "$.eventName=\"AcceptHandshake\"", "$.eventName=\"AttachPolicy\"", "$.eventName=\"CreateAccount\"", "$.eventName=\"CreateOrganizationalUnit\"", "$.eventName=\"CreatePolicy\"", "$.eventName=\"DeclineHandshake\"", "$.eventName=\"DeleteOrganization\"", "$.eventName=\"DeleteOrganizationalUnit\"", "$.eventName=\"DeletePolicy\"", "$.eventName=\"DetachPolicy\"", "$.eventName=\"DisablePolicyType\"", "$.eventName=\"EnablePolicyType\"", "$.eventName=\"InviteAccountToOrganization\"", "$.eventName=\"LeaveOrganization\"", "$.eventName=\"MoveAccount\"", "$.eventName=\"RemoveAccountFromOrganization\"", "$.eventName=\"UpdatePolicy\"", "$.eventName=\"UpdateOrganizationalUnit\""]');

-- For every account and every requirement of cloudwatch_alarm_requirements:
-- whether a chain trail -> log group -> metric filter with all the terms ->
-- alarm with actions enabled notifying SNS -> subscribed topic exists, as a
-- check's rid, status, reason and evidence. A check reads its requirement's
-- rows: SELECT rid, status, reason, evidence FROM cloudwatch_alarm_findings
-- WHERE name = '...'.
CREATE VIEW cloudwatch_alarm_findings AS
WITH tr AS MATERIALIZED (
  SELECT account, trail FROM cloudtrail_trails WHERE multi_region AND logging AND all_management_events
),
lg AS MATERIALIZED (SELECT * FROM cloudtrail_log_groups),
m AS MATERIALIZED (SELECT * FROM cloudtrail_metric_filters),
am AS MATERIALIZED (  -- alarms with actions enabled, one row per SNS action
  SELECT a.account, a.region, a.config ->> 'MetricName' AS metric, a.config ->> 'Namespace' AS ns,
         a.id AS alarm, act.value AS topic_arn
  FROM resources a
  JOIN json_each(json_as_array(a.config -> '$.AlarmActions')) act ON act.type = 'text' AND act.value LIKE 'arn:%:sns:%'
  WHERE a.type = 'AWS::CloudWatch::Alarm' AND json_type(a.config, '$.ActionsEnabled') = 'true'
),
st AS MATERIALIZED (SELECT topic, arn FROM sns_subscribed_topics),
-- Per account and requirement, each step of the chain as a JSON array of
-- rows, built once from the step before. Each layer carries a window
-- partitioned by name: SQLite does not flatten a subquery with a window
-- function (flattening would copy each step's subquery into every place the
-- next layer uses it, and rerun it there), but it still pushes a check's
-- WHERE name = '...' down through every layer, so a check matches filter
-- patterns for its own requirement only.
-- v0.ft: every filter of the account's log groups with the terms it lacks
v0 AS (
  SELECT a.rid, a.id, q.name, q.terms, count(*) OVER (PARTITION BY q.name) AS w0,
         (SELECT json_group_array(json_object('trail', m.trail, 'log_group', m.log_group,
                                              'lg_region', m.log_group_region, 'lg_account', m.log_group_account,
                                              'filter', m.filter, 'transformations', json(m.transformations),
                                              'missing', (SELECT json_group_array(tm.value) FROM json_each(q.terms) tm
           WHERE NOT EXISTS (SELECT 1 FROM json_each('[")", "&", "|", "}"]') d
                              WHERE pattern_has_terms(replace(replace(m.pattern, '"', ''), '''', '') || ')',
                                                      json_array(replace(tm.value, '"', '') || d.value))))))
            FROM m WHERE m.account = a.id) AS ft
  FROM resources a, cloudwatch_alarm_requirements q
  WHERE a.type = 'AWS::::Account'
),
-- v1.f: the filters with every term, one row per metric transformation
v1 AS (
  SELECT v0.*, count(*) OVER (PARTITION BY name) AS w1,
         (SELECT json_group_array(json_set(x.value, '$.metric', mt.value -> '$.metricName', '$.ns', mt.value -> '$.metricNamespace'))
            FROM json_each(v0.ft) x JOIN json_each(x.value -> '$.transformations') mt ON mt.type = 'object'
           WHERE json_array_length(x.value -> '$.missing') = 0) AS f
  FROM v0
),
-- v2.al: their alarms with actions enabled that notify SNS
v2 AS (
  SELECT v1.*, count(*) OVER (PARTITION BY name) AS w2,
         (SELECT json_group_array(json_set(x.value, '$.alarm', am.alarm, '$.topic_arn', am.topic_arn))
            FROM json_each(v1.f) x JOIN am ON am.account = x.value ->> 'lg_account' AND am.region = x.value ->> 'lg_region'
                                          AND am.metric = x.value ->> 'metric' AND am.ns = x.value ->> 'ns') AS al
  FROM v1
),
-- v3.tp: the alarms' topics that have a confirmed subscription
v3 AS (
  SELECT v2.*, count(*) OVER (PARTITION BY name) AS w3,
         (SELECT json_group_array(json_set(x.value, '$.topic', st.topic))
            FROM json_each(v2.al) x JOIN st ON (st.topic = x.value ->> 'topic_arn' OR st.arn = x.value ->> 'topic_arn')) AS tp
  FROM v2
),
v AS (
  SELECT rid, id, name, terms, count(*) OVER (PARTITION BY name) AS w4,
         (SELECT group_concat((x.value ->> 'trail') || ' -> ' || (x.value ->> 'filter') || ' -> ' || (x.value ->> 'alarm') || ' -> ' || (x.value ->> 'topic'), '; ') FROM json_each(v3.tp) x) AS chains,
         (SELECT group_concat((x.value ->> 'alarm') || ' (actions ' || (x.value ->> 'topic_arn') || ')', '; ') FROM json_each(v3.al) x) AS alarms,
         (SELECT group_concat((x.value ->> 'filter') || ' (metric ' || (x.value ->> 'ns') || '/' || (x.value ->> 'metric') || ')', '; ') FROM json_each(v3.f) x) AS filters,
         (SELECT group_concat(DISTINCT log_group) FROM lg WHERE lg.account = v3.id) AS groups,
         (SELECT group_concat(trail, ', ') FROM tr WHERE tr.account = v3.id) AS trails,
         (SELECT (x.value ->> 'filter') || ' lacks ' || (SELECT group_concat(value, ' ') FROM json_each(x.value -> '$.missing'))
            FROM json_each(v3.ft) x WHERE json_array_length(x.value -> '$.missing') > 0
            ORDER BY json_array_length(x.value -> '$.missing'), x.value ->> 'filter' LIMIT 1) AS closest,
         (SELECT json_group_array(json_object('trail', x.value ->> 'trail', 'log_group', x.value ->> 'log_group', 'metric_filter', x.value ->> 'filter',
                                              'alarm', x.value ->> 'alarm', 'topic', x.value ->> 'topic'))
            FROM json_each(v3.tp) x) AS ev_chains,
         (SELECT json_group_array(DISTINCT x.value ->> 'alarm') FROM json_each(v3.al) x) AS ev_alarms,
         (SELECT json_group_array(DISTINCT x.value ->> 'filter') FROM json_each(v3.f) x) AS ev_filters,
         (SELECT json_group_array(DISTINCT log_group) FROM lg WHERE lg.account = v3.id) AS ev_groups,
         (SELECT json_group_array(DISTINCT trail) FROM tr WHERE tr.account = v3.id) AS ev_trails
  FROM v3
)
SELECT name, rid,
       CASE WHEN chains IS NOT NULL THEN 'pass' ELSE 'fail' END AS status,
       CASE WHEN chains IS NOT NULL THEN 'account ' || id || ' alerts on these events: ' || chains
            WHEN alarms IS NOT NULL THEN 'alarm(s) ' || alarms || ' in account ' || id || ' notify no SNS topic with a confirmed subscription'
            WHEN filters IS NOT NULL THEN 'metric filter(s) ' || filters || ' in account ' || id || ' have no alarm with actions enabled that notifies an SNS topic'
            WHEN groups IS NOT NULL THEN 'no metric filter on log group(s) ' || groups || ' of account ' || id || ' contains all the required terms'
                 || COALESCE(' (closest: ' || closest || ')', '')
            WHEN trails IS NOT NULL THEN 'trail(s) ' || trails || ' of account ' || id || ' do not deliver to a CloudWatch Logs log group'
            ELSE 'account ' || id || ' has no multi-region, logging trail recording all management events, so nothing feeds the metric filter' END AS reason,
       json_object('account', id,
                   'missing_link', CASE WHEN chains IS NOT NULL THEN NULL WHEN alarms IS NOT NULL THEN 'sns_topic_with_confirmed_subscription'
                                        WHEN filters IS NOT NULL THEN 'alarm' WHEN groups IS NOT NULL THEN 'metric_filter'
                                        WHEN trails IS NOT NULL THEN 'cloudwatch_logs_log_group' ELSE 'trail' END,
                   'chains', json(ev_chains), 'trails', json(ev_trails), 'log_groups', json(ev_groups),
                   'metric_filters', json(ev_filters), 'alarms', json(ev_alarms), 'required_terms', json(terms)) AS evidence
FROM v;

-- The ports an administrator logs in through (SSH, RDP), over TCP and UDP:
-- what the ec2-sg-no-ipv*-world-ingress-admin-ports and
-- ec2-nacl-no-world-ingress-admin-ports checks keep closed to the world.
CREATE VIEW ec2_admin_ports(proto, port) AS VALUES
  ('tcp', 22), ('udp', 22), ('tcp', 3389), ('udp', 3389);

-- For every security group and family ('ipv4', 'ipv6'): fail when a rule
-- admits the world of that family to a port of ec2_admin_ports, as a check's
-- rid, status, reason and evidence. The checks read their family's rows:
-- SELECT rid, status, reason, evidence FROM ec2_sg_admin_port_findings
-- WHERE family = '...'.
CREATE VIEW ec2_sg_admin_port_findings AS
WITH fam(family, world) AS (VALUES ('ipv4', '0.0.0.0/0'), ('ipv6', '::/0')),
g AS (
  SELECT rid, id, config ->> 'GroupName' AS name, json_type(config, '$.IpPermissions') AS t, config
  FROM resources WHERE type = 'AWS::EC2::SecurityGroup'
),
r AS (
  SELECT family, rid, proto, from_port AS fp, to_port AS tp, cidr FROM ec2_sg_world_ingress
),
x AS (
  SELECT r.family, r.rid, r.proto, r.fp, r.tp, r.cidr, group_concat(ports.proto || ' ' || ports.port, ', ') AS exposed
  FROM r, ec2_admin_ports ports WHERE port_in_rule(r.proto, r.fp, r.tp, ports.proto, ports.port)
  GROUP BY r.family, r.rid, r.proto, r.fp, r.tp, r.cidr
),
u AS (SELECT DISTINCT r.family, r.rid FROM r, ec2_admin_ports ports WHERE port_in_rule(r.proto, r.fp, r.tp, ports.proto, ports.port) IS NULL),
b AS (SELECT rid FROM ec2_sg_unreadable_ingress)
SELECT fam.family, g.rid AS rid,
       CASE WHEN g.t IS NULL OR g.t NOT IN ('array', 'object') THEN 'error'
            WHEN EXISTS (SELECT 1 FROM x WHERE x.rid = g.rid AND x.family = fam.family) THEN 'fail'
            WHEN EXISTS (SELECT 1 FROM b WHERE b.rid = g.rid) THEN 'error'
            WHEN EXISTS (SELECT 1 FROM u WHERE u.rid = g.rid AND u.family = fam.family) THEN 'error' ELSE 'pass' END AS status,
       CASE WHEN g.t IS NULL OR g.t NOT IN ('array', 'object') THEN 'the ingress rules (IpPermissions) of security group ' || g.id || ' were not collected'
            WHEN EXISTS (SELECT 1 FROM x WHERE x.rid = g.rid AND x.family = fam.family)
              THEN 'security group ' || g.id || COALESCE(' (' || g.name || ')', '') || ' allows '
                   || (SELECT group_concat(cidr || ' to ' || exposed || ' (rule ' || CASE WHEN lower(proto) IN ('-1', 'all') THEN 'all traffic'
                   ELSE CASE proto WHEN '6' THEN 'tcp' WHEN '17' THEN 'udp' ELSE proto END || ' ' || CASE WHEN fp IS NULL OR fp = -1 THEN 'all ports' WHEN fp = tp THEN fp ELSE fp || '-' || tp END END || ')', '; ')
                       FROM x WHERE x.rid = g.rid AND x.family = fam.family)
            WHEN EXISTS (SELECT 1 FROM b WHERE b.rid = g.rid) THEN 'security group ' || g.id || COALESCE(' (' || g.name || ')', '') || ' has an ingress rule that cannot be read (a rule or address range that is not an object, a CIDR that is not a string, or a key the EC2 API does not have)'
            WHEN EXISTS (SELECT 1 FROM u WHERE u.rid = g.rid AND u.family = fam.family) THEN 'security group ' || g.id || COALESCE(' (' || g.name || ')', '') || ' has a rule open to the internet whose protocol or port range cannot be read'
            ELSE 'security group ' || g.id || COALESCE(' (' || g.name || ')', '') || ' admits no ' || fam.world || ' traffic to ports 22 or 3389' END AS reason,
       json_object('group', g.id, 'GroupName', g.name,
                   'offending_rules', (SELECT json_group_array(json_object('IpProtocol', proto, 'FromPort', fp, 'ToPort', tp, 'source', cidr, 'exposes', exposed))
                                        FROM x WHERE x.rid = g.rid AND x.family = fam.family)) AS evidence
FROM g, fam;

-- One row per RDS DB instance, with whether it is a member of an Aurora
-- cluster (it names a DBClusterIdentifier or runs an aurora* engine): the
-- rds-instance-* checks judge such an instance not_applicable, giving
-- aurora_reason, since its cluster is judged by the rds-cluster-* checks.
CREATE VIEW rds_instances AS
SELECT rid, id, account, region, config, supp, config ->> 'Engine' AS engine,
       config ->> 'DBClusterIdentifier' AS cluster,
       ((config ->> 'DBClusterIdentifier') IS NOT NULL OR (config ->> 'Engine') LIKE 'aurora%') AS aurora_member,
       'DB instance ' || id || ' belongs to Aurora cluster ' || COALESCE(config ->> 'DBClusterIdentifier', '(unnamed)') || ', judged at cluster level' AS aurora_reason
FROM resources WHERE type = 'AWS::RDS::DBInstance';

-- For every RDS DB instance and DB cluster (kind 'instance', 'cluster'):
-- pass when it exports its engine's main security log to CloudWatch Logs
-- (any log for an engine without one), as a check's rid, status, reason and
-- evidence; an instance of an Aurora cluster is judged with its cluster
-- (rds_instances). The checks read their kind's rows: SELECT rid, status, reason, evidence
-- FROM rds_log_exports_findings WHERE kind = '...'.
CREATE VIEW rds_log_exports_findings AS
WITH r AS (
  SELECT CASE type WHEN 'AWS::RDS::DBInstance' THEN 'instance' ELSE 'cluster' END AS kind,
         rid, id, config ->> 'Engine' AS engine, json_type(config, '$.EnabledCloudwatchLogsExports') AS t,
         COALESCE(config -> '$.EnabledCloudwatchLogsExports', '[]') AS logs,
         config ->> 'DBClusterIdentifier' AS cluster,
         (SELECT i.aurora_member FROM rds_instances i WHERE i.rid = resources.rid) AS m,
         (SELECT i.aurora_reason FROM rds_instances i WHERE i.rid = resources.rid) AS aurora_reason
  FROM resources WHERE type IN ('AWS::RDS::DBInstance', 'AWS::RDS::DBCluster')
),
w AS (
  SELECT *, CASE engine
              WHEN 'postgres' THEN 'postgresql' WHEN 'aurora-postgresql' THEN 'postgresql'
              WHEN 'mysql' THEN 'audit' WHEN 'mariadb' THEN 'audit' WHEN 'aurora-mysql' THEN 'audit'
              WHEN 'sqlserver-ee' THEN 'error' WHEN 'sqlserver-se' THEN 'error' WHEN 'sqlserver-ex' THEN 'error' WHEN 'sqlserver-web' THEN 'error'
              WHEN 'oracle-ee' THEN 'audit' WHEN 'oracle-se2' THEN 'audit' WHEN 'oracle-ee-cdb' THEN 'audit' WHEN 'oracle-se2-cdb' THEN 'audit'
              WHEN 'db2-se' THEN 'diag.log' WHEN 'db2-ae' THEN 'diag.log' END AS needed,
            'DB ' || kind || ' ' || id AS what FROM r
)
SELECT kind, rid AS rid,
       CASE WHEN m THEN 'not_applicable'
            WHEN engine IS NULL OR (t IS NOT NULL AND t <> 'array') THEN 'error'
            WHEN needed IS NULL THEN CASE WHEN json_array_length(logs) > 0 THEN 'pass' ELSE 'fail' END
            WHEN EXISTS (SELECT 1 FROM json_each(logs) WHERE value = needed) THEN 'pass' ELSE 'fail' END AS status,
       CASE WHEN m THEN aurora_reason
            WHEN engine IS NULL THEN what || ' has no Engine'
            WHEN t IS NOT NULL AND t <> 'array' THEN what || ' has an EnabledCloudwatchLogsExports that is not a list (' || t || ')'
            WHEN json_array_length(logs) = 0 THEN what || ' exports no logs to CloudWatch Logs'
            WHEN needed IS NULL OR EXISTS (SELECT 1 FROM json_each(logs) WHERE value = needed)
            THEN what || ' exports ' || (SELECT group_concat(value, ', ') FROM json_each(logs)) || ' logs to CloudWatch Logs'
            ELSE what || ' exports ' || (SELECT group_concat(value, ', ') FROM json_each(logs)) || ' but not the ' || needed || ' log of ' || engine END AS reason,
       json_object('db_' || kind, id, 'Engine', engine, 'EnabledCloudwatchLogsExports', json(logs), 'required_log', needed) AS evidence
FROM w;

-- For every RDS DB instance and DB cluster (kind 'instance', 'cluster'):
-- fail when its engine's major version left standard support before the
-- scan's reference date, as a check's rid, status, reason and evidence; an
-- instance of an Aurora cluster is judged with its cluster (rds_instances).
-- The checks read
-- their kind's rows: SELECT rid, status, reason, evidence
-- FROM rds_engine_version_findings WHERE kind = '...'.
CREATE VIEW rds_engine_version_findings AS
WITH eos(engine, lo, hi, label, ends) AS (VALUES
  -- engine, from (inclusive), to (exclusive), label, end of standard support
  ('postgres',          '0',    '12',   'PostgreSQL 11 and older', '2024-02-29'),
  ('postgres',          '12',   '13',   'PostgreSQL 12',           '2025-02-28'),
  ('postgres',          '13',   '14',   'PostgreSQL 13',           '2026-02-28'),
  ('postgres',          '14',   '15',   'PostgreSQL 14',           '2027-02-28'),
  ('postgres',          '15',   '16',   'PostgreSQL 15',           '2028-02-29'),
  ('postgres',          '16',   '17',   'PostgreSQL 16',           '2029-02-28'),
  ('aurora-postgresql', '0',    '12',   'Aurora PostgreSQL 11 and older', '2024-02-29'),
  ('aurora-postgresql', '12',   '13',   'Aurora PostgreSQL 12',    '2025-02-28'),
  ('aurora-postgresql', '13',   '14',   'Aurora PostgreSQL 13',    '2026-02-28'),
  ('aurora-postgresql', '14',   '15',   'Aurora PostgreSQL 14',    '2027-02-28'),
  ('mysql',             '0',    '5.7',  'MySQL 5.6 and older',     '2022-03-01'),
  ('mysql',             '5.7',  '5.8',  'MySQL 5.7',               '2024-02-29'),
  ('mysql',             '8.0',  '8.1',  'MySQL 8.0',               '2026-07-31'),
  ('aurora-mysql',      '0',    '5.7',  'Aurora MySQL 1 (5.6)',    '2023-02-28'),
  ('aurora-mysql',      '5.7',  '5.8',  'Aurora MySQL 2 (5.7)',    '2024-10-31'),
  ('mariadb',           '0',    '10.4', 'MariaDB 10.3 and older',  '2023-10-23'),
  ('mariadb',           '10.4', '10.5', 'MariaDB 10.4',            '2025-06-30'),
  ('mariadb',           '10.5', '10.6', 'MariaDB 10.5',            '2026-02-15'),
  ('mariadb',           '10.6', '10.7', 'MariaDB 10.6',            '2026-08-31'),
  ('mariadb',           '10.11', '10.12', 'MariaDB 10.11',         '2028-02-29')
),
r AS (
  SELECT CASE type WHEN 'AWS::RDS::DBInstance' THEN 'instance' ELSE 'cluster' END AS kind,
         rid, id, config ->> 'Engine' AS engine, config ->> 'EngineVersion' AS ver,
         config ->> 'DBClusterIdentifier' AS cluster,
         (SELECT i.aurora_member FROM rds_instances i WHERE i.rid = resources.rid) AS m,
         (SELECT i.aurora_reason FROM rds_instances i WHERE i.rid = resources.rid) AS aurora_reason
  FROM resources WHERE type IN ('AWS::RDS::DBInstance', 'AWS::RDS::DBCluster')
),
v AS (
  SELECT r.*, e.label, e.ends, (SELECT substr(now, 1, 10) FROM scan) AS today,
         r.engine IN (SELECT engine FROM eos) AS tracked, 'DB ' || r.kind || ' ' || r.id AS what
  FROM r LEFT JOIN eos e ON e.engine = r.engine AND version_cmp(r.ver, e.lo) >= 0 AND version_cmp(r.ver, e.hi) < 0
)
SELECT kind, rid AS rid,
       CASE WHEN m THEN 'not_applicable' WHEN engine IS NULL OR ver IS NULL THEN 'error'
            WHEN NOT tracked THEN 'not_applicable'
            WHEN ends IS NOT NULL AND ends <= today THEN 'fail' ELSE 'pass' END AS status,
       CASE WHEN m THEN aurora_reason
            WHEN engine IS NULL OR ver IS NULL THEN what || ' lacks Engine or EngineVersion'
            WHEN NOT tracked THEN what || ' runs ' || engine || ', whose versions attest does not track (commercial engines follow their vendor''s support)'
            WHEN ends IS NOT NULL AND ends <= today THEN what || ' runs ' || engine || ' ' || ver || ': ' || label || ' left standard support on ' || ends
            WHEN ends IS NOT NULL THEN what || ' runs ' || engine || ' ' || ver || ', in standard support until ' || ends
            ELSE what || ' runs ' || engine || ' ' || ver || ', a supported major version' END AS reason,
       json_object('db_' || kind, id, 'Engine', engine, 'EngineVersion', ver, 'major_version', label, 'end_of_standard_support', ends) AS evidence
FROM v;

-- The two kinds of RDS snapshot: what the checks call them, the
-- supplementary key of their sharing attributes and the configuration key
-- that says whether they are encrypted.
CREATE VIEW rds_snapshot_kinds(type, noun, attributes, encrypted) AS VALUES
  ('AWS::RDS::DBSnapshot', 'DB snapshot', '$.DBSnapshotAttributes', 'Encrypted'),
  ('AWS::RDS::DBClusterSnapshot', 'DB cluster snapshot', '$.DBClusterSnapshotAttributes', 'StorageEncrypted');

-- For every RDS DB snapshot and DB cluster snapshot (type, the resource
-- type): fail when its restore attribute names 'all' (public), as a check's
-- rid, status, reason and evidence. The checks read their type's rows:
-- SELECT rid, status, reason, evidence FROM rds_snapshot_public_findings
-- WHERE type = '...'.
CREATE VIEW rds_snapshot_public_findings AS
WITH k AS (SELECT type, noun, attributes AS attrs FROM rds_snapshot_kinds),
r AS (
  SELECT s.type, k.noun, s.rid, s.id, json_type(s.supp, k.attrs) AS t, s.supp -> k.attrs AS attrs
  FROM resources s JOIN k ON k.type = s.type
),
v AS (
  SELECT *, (SELECT json_group_array(a.value) FROM json_each(CASE WHEN t = 'array' THEN attrs ELSE '[]' END) x,
                    json_each(json_as_array(json_extract(x.value, '$.AttributeValues'))) a
              WHERE json_extract(x.value, '$.AttributeName') = 'restore') AS shared
  FROM r
)
SELECT type, rid AS rid,
       CASE WHEN t IS NOT 'array' THEN 'error'
            WHEN EXISTS (SELECT 1 FROM json_each(shared) WHERE value = 'all') THEN 'fail' ELSE 'pass' END AS status,
       CASE WHEN t IS NOT 'array' THEN 'the sharing attributes of ' || noun || ' ' || id || ' were not collected'
            WHEN EXISTS (SELECT 1 FROM json_each(shared) WHERE value = 'all') THEN noun || ' ' || id || ' is public: any AWS account can copy or restore it (restore = all)'
            WHEN json_array_length(shared) > 0 THEN noun || ' ' || id || ' is shared only with accounts ' || (SELECT group_concat(value, ', ') FROM json_each(shared))
            ELSE noun || ' ' || id || ' is not shared' END AS reason,
       json_object('snapshot', id, 'restore', json(shared)) AS evidence
FROM v;

-- For every RDS DB snapshot and DB cluster snapshot (type, the resource
-- type): pass when it is encrypted (Encrypted, StorageEncrypted), as a
-- check's rid, status, reason and evidence. The checks read their type's
-- rows: SELECT rid, status, reason, evidence
-- FROM rds_snapshot_encrypted_findings WHERE type = '...'.
CREATE VIEW rds_snapshot_encrypted_findings AS
WITH r AS (
  SELECT s.type, k.noun, k.encrypted AS field, s.rid, s.id, json_type(s.config, '$.' || k.encrypted) AS t,
         s.config ->> 'Engine' AS engine, s.config ->> 'SnapshotType' AS kind
  FROM resources s JOIN rds_snapshot_kinds k ON k.type = s.type
)
SELECT type, rid AS rid,
       CASE WHEN t = 'true' THEN 'pass' WHEN t = 'false' THEN 'fail' ELSE 'error' END AS status,
       CASE WHEN t = 'true' THEN noun || ' ' || id || ' is encrypted'
            WHEN t = 'false' THEN noun || ' ' || id || ' is not encrypted (' || field || ' = false)'
            ELSE noun || ' ' || id || ' has no boolean ' || field || ' value (' || COALESCE(t, 'absent') || ')' END AS reason,
       json_object('snapshot', id, 'Engine', engine, 'SnapshotType', kind, field, CASE t WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') END) AS evidence
FROM r;

-- For every DynamoDB table and RDS DB cluster (type, the resource type):
-- pass when a selection of an AWS Backup plan of its account and region
-- covers it: one of the selection's Resources patterns (with * wildcards)
-- matches its ARN or one of its STRINGEQUALS tag conditions matches a tag,
-- and no NotResources pattern matches. As a check's rid, status, reason and
-- evidence; the checks read their type's rows: SELECT rid, status, reason,
-- evidence FROM backup_plan_findings WHERE type = '...'.
CREATE VIEW backup_plan_findings AS
WITH k(type, noun, key) AS (VALUES
  ('AWS::DynamoDB::Table', 'table', 'table'),
  ('AWS::RDS::DBCluster', 'DB cluster', 'db_cluster')
),
r AS (
  SELECT s.type, k.noun, k.key, s.rid, s.id, s.account, s.region, s.arn, s.tags
  FROM resources s JOIN k ON k.type = s.type
),
sel AS (
  SELECT p.account, p.region, p.id AS plan, s.value AS sel
  FROM resources p, json_each(COALESCE(p.supp -> '$.Selections', '[]')) s
  WHERE p.type = 'AWS::Backup::BackupPlan'
),
m AS (
  SELECT r.rid, group_concat(DISTINCT sel.plan) AS plans
  FROM r JOIN sel ON sel.account IS r.account AND sel.region IS r.region
  WHERE (EXISTS (SELECT 1 FROM json_each(COALESCE(json_extract(sel.sel, '$.Resources'), '[]')) x
                 WHERE r.arn GLOB replace(replace(x.value, '[', '[[]'), '?', '[?]'))
         OR EXISTS (SELECT 1 FROM json_each(COALESCE(json_extract(sel.sel, '$.ListOfTags'), '[]')) c
                    WHERE upper(json_extract(c.value, '$.ConditionType')) = 'STRINGEQUALS'
                      AND json_extract(r.tags, '$."' || replace(json_extract(c.value, '$.ConditionKey'), '"', '') || '"') = json_extract(c.value, '$.ConditionValue')))
    AND NOT EXISTS (SELECT 1 FROM json_each(COALESCE(json_extract(sel.sel, '$.NotResources'), '[]')) x
                    WHERE r.arn GLOB replace(replace(x.value, '[', '[[]'), '?', '[?]'))
  GROUP BY r.rid
)
SELECT r.type, r.rid AS rid,
       CASE WHEN r.arn IS NULL THEN 'error' WHEN m.plans IS NOT NULL THEN 'pass' ELSE 'fail' END AS status,
       CASE WHEN r.arn IS NULL THEN r.noun || ' ' || r.id || ' has no ARN to match against backup selections'
            WHEN m.plans IS NOT NULL THEN r.noun || ' ' || r.id || ' is backed up by plan ' || m.plans
            ELSE r.noun || ' ' || r.id || ' is not selected by any AWS Backup plan in its account and region' END AS reason,
       json_object(r.key, r.id, 'backup_plans', m.plans) AS evidence
FROM r LEFT JOIN m ON m.rid = r.rid;

-- For every region's GuardDuty detector status and optional feature
-- (feature 'S3_DATA_EVENTS', 'EBS_MALWARE_PROTECTION'): pass when the
-- feature is enabled, not_applicable when GuardDuty is not, as a check's
-- rid, status, reason and evidence. The checks read their feature's rows:
-- SELECT rid, status, reason, evidence FROM guardduty_feature_findings
-- WHERE feature = '...'.
CREATE VIEW guardduty_feature_findings AS
WITH f(feature) AS (VALUES ('S3_DATA_EVENTS'), ('EBS_MALWARE_PROTECTION')),
x AS (
  SELECT f.feature, r.rid, r.id, r.config ->> 'Status' AS st, json_type(r.config, '$.Features') AS t,
         (SELECT g.value ->> 'Status' FROM json_each(json_as_array(r.config -> '$.Features')) g WHERE g.value ->> 'Name' = f.feature) AS fs
  FROM resources r, f WHERE r.type = 'AWS::GuardDuty::DetectorStatus'
)
SELECT feature, rid AS rid,
       CASE
         WHEN st IS NOT 'ENABLED' THEN 'not_applicable'
         WHEN t IS NOT 'array' THEN 'error'
         WHEN fs = 'ENABLED' THEN 'pass'
         ELSE 'fail'
       END AS status,
       CASE
         WHEN st IS NOT 'ENABLED' THEN 'GuardDuty is not enabled in region ' || id || ' (see guardduty-enabled)'
         WHEN t IS NOT 'array' THEN 'the GuardDuty features of region ' || id || ' were not collected'
         WHEN fs = 'ENABLED' THEN 'GuardDuty ' || feature || ' is enabled in region ' || id
         ELSE 'GuardDuty ' || feature || ' is ' || COALESCE(lower(fs), 'not configured') || ' in region ' || id
       END AS reason,
       json_object('region', id, feature, fs) AS evidence
FROM x;

-- For every resource of a type with a resource policy (type, the resource
-- type; where the policy is: resource_policies): fail when the policy lets
-- any principal in without a condition (iam_policy_public), as a check's
-- rid, status, reason and evidence. A policy that was not collected is an
-- error, except an SQS queue's, which the API leaves out when there is none.
-- The *-policy-not-public checks read their type's rows: SELECT rid, status,
-- reason, evidence FROM resource_policy_public_findings WHERE type = '...'.
CREATE VIEW resource_policy_public_findings AS
WITH k(type, noun, key, col, path, absent_is_none) AS (VALUES
  ('AWS::SNS::Topic', 'topic', 'topic', 'config', '$.Attributes.Policy', 0),
  ('AWS::SQS::Queue', 'queue', 'queue', 'config', '$.Attributes.Policy', 1),
  ('AWS::OpenSearch::Domain', 'OpenSearch domain', 'domain', 'config', '$.AccessPolicies', 0),
  ('AWS::KMS::Key', 'KMS key', 'key', 'supp', '$.KeyPolicy', 0),
  ('AWS::SecretsManager::Secret', 'secret', 'secret', 'supp', '$.ResourcePolicy', 0),
  ('AWS::ECR::Repository', 'repository', 'repository', 'supp', '$.RepositoryPolicy', 0),
  ('AWS::EFS::FileSystem', 'EFS file system', 'file_system', 'supp', '$.FileSystemPolicy', 0)
),
s AS (
  SELECT r.type, k.noun, k.key, k.absent_is_none, r.rid, r.id, k.path,
         CASE k.col WHEN 'supp' THEN r.supp ELSE r.config END AS src
  FROM resources r JOIN k ON k.type = r.type
),
p AS (
  SELECT type, noun, key, absent_is_none, rid, id, json_type(src, path) AS t,
         CASE WHEN json_type(src, path) = 'text' AND json_valid(src ->> path) THEN src ->> path
              WHEN json_type(src, path) = 'object' THEN src -> path END AS doc
  FROM s
)
SELECT type, rid AS rid,
       CASE WHEN t IS NULL THEN CASE WHEN absent_is_none THEN 'pass' ELSE 'error' END WHEN t = 'null' THEN 'pass'
            WHEN doc IS NULL OR iam_policy_public(doc) IS NULL THEN 'error'
            WHEN iam_policy_public(doc) = 1 THEN 'fail' ELSE 'pass' END AS status,
       CASE WHEN t IS NULL AND NOT absent_is_none THEN 'the policy of ' || noun || ' ' || id || ' was not collected'
            WHEN t IS NULL OR t = 'null' THEN noun || ' ' || id || ' has no resource policy'
            WHEN doc IS NULL OR iam_policy_public(doc) IS NULL THEN 'the policy of ' || noun || ' ' || id || ' cannot be read'
            WHEN iam_policy_public(doc) = 1 THEN 'the policy of ' || noun || ' ' || id || ' allows any principal (*) without a condition'
            ELSE 'the policy of ' || noun || ' ' || id || ' does not allow anonymous or unconditioned access' END AS reason,
       json_object(key, id, 'policy', json(doc)) AS evidence
FROM p;

