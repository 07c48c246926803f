-- attest: shared read-only views over the inventory that checks build on.
--
-- The engine creates every view below as a TEMP view on the evaluation
-- database before any check runs, under an authorizer that allows nothing
-- but CREATE TEMP VIEW; each view must then compile as a check query would
-- (reading only the inventory tables). Bundled and user checks read them
-- like tables. doc/check-authoring.md ("Views") describes every view and its
-- columns, and test_checks fails when the two disagree.

-- One row per CloudTrail trail, with what checks judge a trail by.
CREATE TEMP VIEW cloudtrail_trails AS
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

-- The CloudWatch Logs log group of every multi-region, logging trail that
-- records all management events (the trails whose events CIS metric filters
-- watch), from the trail's log group ARN
-- arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*].
CREATE TEMP VIEW cloudtrail_log_groups AS
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
CREATE TEMP VIEW cloudtrail_metric_filters AS
SELECT lg.account, lg.trail, lg.log_group, lg.log_group_region, lg.log_group_account,
       mf.id AS filter, mf.config ->> 'filterPattern' AS pattern,
       json_as_array(mf.config -> '$.metricTransformations') AS transformations
FROM cloudtrail_log_groups lg
JOIN resources mf ON mf.type = 'AWS::Logs::MetricFilter' AND mf.config ->> 'logGroupName' = lg.log_group
                 AND mf.region = lg.log_group_region AND mf.account = lg.log_group_account;

-- SNS topics with at least one confirmed subscription.
CREATE TEMP VIEW sns_subscribed_topics AS
SELECT s.rid, s.account, s.region, s.id AS topic, s.arn
FROM resources s
WHERE s.type = 'AWS::SNS::Topic'
  AND EXISTS (SELECT 1 FROM json_each(json_as_array(s.supp -> '$.Subscriptions')) sub
               WHERE sub.type = 'object' AND sub.value ->> 'SubscriptionArn' LIKE 'arn:%');

-- The CIS CloudWatch alarms: for each, the terms its metric filter pattern
-- must contain (pattern_has_terms syntax, each followed by ')', '&', '|' or
-- '}' in the pattern).
CREATE TEMP VIEW cloudwatch_alarm_requirements(name, terms) AS VALUES
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
CREATE TEMP VIEW cloudwatch_alarm_findings AS
WITH tr AS (
  SELECT account, trail FROM cloudtrail_trails WHERE multi_region AND logging AND all_management_events
),
ft AS NOT MATERIALIZED (  -- every filter against every requirement: the terms it lacks
  SELECT q.name, m.*,
         (SELECT json_group_array(tm.value) FROM json_each(q.terms) tm
           WHERE NOT EXISTS (SELECT 1 FROM json_each('[")", "&", "|", "}"]') d
                              WHERE pattern_has_terms(replace(replace(m.pattern, '"', ''), '''', '') || ')',
                                                      json_array(replace(tm.value, '"', '') || d.value)))) AS missing
  FROM cloudwatch_alarm_requirements q, cloudtrail_metric_filters m
),
f AS NOT MATERIALIZED (
  SELECT ft.*, mt.value ->> 'metricName' AS metric, mt.value ->> 'metricNamespace' AS ns
  FROM ft JOIN json_each(ft.transformations) mt ON mt.type = 'object'
  WHERE json_array_length(ft.missing) = 0
),
al AS NOT MATERIALIZED (
  SELECT f.*, a.id AS alarm, act.value AS topic_arn
  FROM f
  JOIN resources a ON a.type = 'AWS::CloudWatch::Alarm' AND a.account = f.log_group_account AND a.region = f.log_group_region
                  AND a.config ->> 'MetricName' = f.metric AND a.config ->> 'Namespace' = f.ns
                  AND json_type(a.config, '$.ActionsEnabled') = 'true'
  JOIN json_each(json_as_array(a.config -> '$.AlarmActions')) act ON act.type = 'text' AND act.value LIKE 'arn:%:sns:%'
),
tp AS NOT MATERIALIZED (
  SELECT al.*, s.topic
  FROM al JOIN sns_subscribed_topics s ON (s.topic = al.topic_arn OR s.arn = al.topic_arn)
),
v AS (
  SELECT a.rid, a.id, q.name, q.terms,
         (SELECT group_concat(trail || ' -> ' || filter || ' -> ' || alarm || ' -> ' || topic, '; ') FROM tp WHERE tp.account = a.id AND tp.name = q.name) AS chains,
         (SELECT group_concat(alarm || ' (actions ' || topic_arn || ')', '; ') FROM al WHERE al.account = a.id AND al.name = q.name) AS alarms,
         (SELECT group_concat(filter || ' (metric ' || ns || '/' || metric || ')', '; ') FROM f WHERE f.account = a.id AND f.name = q.name) AS filters,
         (SELECT group_concat(DISTINCT log_group) FROM cloudtrail_log_groups lg WHERE lg.account = a.id) AS groups,
         (SELECT group_concat(trail, ', ') FROM tr WHERE tr.account = a.id) AS trails,
         (SELECT filter || ' lacks ' || (SELECT group_concat(value, ' ') FROM json_each(ft.missing))
            FROM ft WHERE ft.account = a.id AND ft.name = q.name AND json_array_length(ft.missing) > 0
            ORDER BY json_array_length(ft.missing), filter LIMIT 1) AS closest,
         (SELECT json_group_array(json_object('trail', trail, 'log_group', log_group, 'metric_filter', filter, 'alarm', alarm, 'topic', topic))
            FROM tp WHERE tp.account = a.id AND tp.name = q.name) AS ev_chains,
         (SELECT json_group_array(DISTINCT alarm) FROM al WHERE al.account = a.id AND al.name = q.name) AS ev_alarms,
         (SELECT json_group_array(DISTINCT filter) FROM f WHERE f.account = a.id AND f.name = q.name) AS ev_filters,
         (SELECT json_group_array(DISTINCT log_group) FROM cloudtrail_log_groups lg WHERE lg.account = a.id) AS ev_groups,
         (SELECT json_group_array(DISTINCT trail) FROM tr WHERE tr.account = a.id) AS ev_trails
  FROM resources a, cloudwatch_alarm_requirements q
  WHERE a.type = 'AWS::::Account'
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
