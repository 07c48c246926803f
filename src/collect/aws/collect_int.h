/*
 * collect owns talking to AWS (signing, credentials, endpoints, protocols,
 * one file per service, organizations) and writing what it read as a native
 * inventory; it may call only core.
 *
 * Shared by the live AWS collector's files: the collector state, the
 * resource types it produces, and the helpers every service file uses to
 * call an API (query, JSON, REST), to record a failed call in the
 * collection log, and to write a resource out as soon as it is complete.
 *
 * A call feeds a set of resource types (a bit mask); when it fails for good,
 * those types are marked failed and left out of collected_types, so their
 * checks are not_evaluated rather than judged on partial data.
 */
#ifndef ATTEST_AWS_COLLECT_INT_H
#define ATTEST_AWS_COLLECT_INT_H

#include "collect/aws/credentials.h"
#include "collect/aws/http.h"
#include "collect/aws/protocol.h"

#include <jansson.h>

/* Every resource type the collector writes: its enum name and its AWS
 * type name. enum aws_type, T_COUNT and aws_type_names[] are derived from
 * this one list: a new type is one line here. */
#define AWS_TYPES(X)                                                                               \
	X(T_ACCOUNT, "AWS::::Account")                                                             \
	X(T_IAM_USER, "AWS::IAM::User")                                                            \
	X(T_IAM_GROUP, "AWS::IAM::Group")                                                          \
	X(T_IAM_ROLE, "AWS::IAM::Role")                                                            \
	X(T_IAM_POLICY, "AWS::IAM::Policy")                                                        \
	X(T_IAM_SERVERCERT, "AWS::IAM::ServerCertificate")                                         \
	X(T_IAM_SUMMARY, "AWS::IAM::AccountSummary")                                               \
	X(T_IAM_PWPOLICY, "AWS::IAM::AccountPasswordPolicy")                                       \
	X(T_IAM_CREDREPORT, "AWS::IAM::CredentialReportEntry")                                     \
	X(T_S3_BUCKET, "AWS::S3::Bucket")                                                          \
	X(T_S3_ACCOUNTPAB, "AWS::S3::AccountPublicAccessBlock")                                    \
	X(T_EC2_INSTANCE, "AWS::EC2::Instance")                                                    \
	X(T_EC2_VOLUME, "AWS::EC2::Volume")                                                        \
	X(T_EC2_SG, "AWS::EC2::SecurityGroup")                                                     \
	X(T_EC2_NACL, "AWS::EC2::NetworkAcl")                                                      \
	X(T_EC2_VPC, "AWS::EC2::VPC")                                                              \
	X(T_EC2_FLOWLOG, "AWS::EC2::FlowLog")                                                      \
	X(T_EC2_EBSDEFAULT, "AWS::EC2::EBSEncryptionByDefault")                                    \
	X(T_RDS_DB, "AWS::RDS::DBInstance")                                                        \
	X(T_EFS_FS, "AWS::EFS::FileSystem")                                                        \
	X(T_CT_TRAIL, "AWS::CloudTrail::Trail")                                                    \
	X(T_KMS_KEY, "AWS::KMS::Key")                                                              \
	X(T_CW_ALARM, "AWS::CloudWatch::Alarm")                                                    \
	X(T_SNS_TOPIC, "AWS::SNS::Topic")                                                          \
	X(T_LOGS_GROUP, "AWS::Logs::LogGroup")                                                     \
	X(T_LOGS_MF, "AWS::Logs::MetricFilter")                                                    \
	X(T_AA_ANALYZER, "AWS::AccessAnalyzer::Analyzer")                                          \
	X(T_AA_STATUS, "AWS::AccessAnalyzer::AnalyzerStatus")                                      \
	X(T_SH_HUB, "AWS::SecurityHub::HubStatus")                                                 \
	X(T_CONFIG_REC, "AWS::Config::RecorderStatus")                                             \
	/* data stores */                                                                          \
	X(T_RDS_CLUSTER, "AWS::RDS::DBCluster")                                                    \
	X(T_RDS_SNAPSHOT, "AWS::RDS::DBSnapshot")                                                  \
	X(T_RDS_CLUSTERSNAP, "AWS::RDS::DBClusterSnapshot")                                        \
	X(T_DDB_TABLE, "AWS::DynamoDB::Table")                                                     \
	X(T_EFS_AP, "AWS::EFS::AccessPoint")                                                       \
	X(T_REDSHIFT_CLUSTER, "AWS::Redshift::Cluster")                                            \
	X(T_EC_REPLGROUP, "AWS::ElastiCache::ReplicationGroup")                                    \
	X(T_EC_CLUSTER, "AWS::ElastiCache::CacheCluster")                                          \
	X(T_OS_DOMAIN, "AWS::OpenSearch::Domain")                                                  \
	X(T_SM_SECRET, "AWS::SecretsManager::Secret")                                              \
	X(T_SQS_QUEUE, "AWS::SQS::Queue")                                                          \
	X(T_BACKUP_VAULT, "AWS::Backup::BackupVault")                                              \
	X(T_BACKUP_PLAN, "AWS::Backup::BackupPlan")                                                \
	X(T_ECR_REPO, "AWS::ECR::Repository")                                                      \
	X(T_ACM_CERT, "AWS::ACM::Certificate")                                                     \
	/* compute, network, edge, detection, AI */                                                \
	X(T_EC2_SNAPSHOT, "AWS::EC2::Snapshot")                                                    \
	X(T_EC2_IMAGE, "AWS::EC2::Image")                                                          \
	X(T_EC2_VPCE, "AWS::EC2::VPCEndpoint")                                                     \
	X(T_EC2_SUBNET, "AWS::EC2::Subnet")                                                        \
	X(T_EC2_TGW, "AWS::EC2::TransitGateway")                                                   \
	X(T_ELB_LB, "AWS::ElasticLoadBalancing::LoadBalancer")                                     \
	X(T_ELBV2_LB, "AWS::ElasticLoadBalancingV2::LoadBalancer")                                 \
	X(T_ELBV2_LISTENER, "AWS::ElasticLoadBalancingV2::Listener")                               \
	X(T_CF_DIST, "AWS::CloudFront::Distribution")                                              \
	X(T_APIGW_REST, "AWS::ApiGateway::RestApi")                                                \
	X(T_APIGW_STAGE, "AWS::ApiGateway::Stage")                                                 \
	X(T_APIGW_DOMAIN, "AWS::ApiGateway::DomainName")                                           \
	X(T_APIGW2_API, "AWS::ApiGatewayV2::Api")                                                  \
	X(T_APIGW2_STAGE, "AWS::ApiGatewayV2::Stage")                                              \
	X(T_LAMBDA_FN, "AWS::Lambda::Function")                                                    \
	X(T_ECS_TASKDEF, "AWS::ECS::TaskDefinition")                                               \
	X(T_ECS_CLUSTER, "AWS::ECS::Cluster")                                                      \
	X(T_EKS_CLUSTER, "AWS::EKS::Cluster")                                                      \
	X(T_GD_STATUS, "AWS::GuardDuty::DetectorStatus")                                           \
	X(T_SH_STANDARD, "AWS::SecurityHub::StandardsSubscription")                                \
	X(T_WAF_ACL, "AWS::WAFv2::WebACL")                                                         \
	X(T_SAGE_NOTEBOOK, "AWS::SageMaker::NotebookInstance")                                     \
	X(T_SAGE_EPCONFIG, "AWS::SageMaker::EndpointConfig")                                       \
	X(T_SAGE_MODEL, "AWS::SageMaker::Model")                                                   \
	X(T_BR_LOGGING, "AWS::Bedrock::ModelInvocationLoggingStatus")                              \
	X(T_BR_CUSTOM, "AWS::Bedrock::CustomModel")                                                \
	X(T_BR_AGENT, "AWS::Bedrock::Agent")                                                       \
	X(T_BR_GUARDRAIL, "AWS::Bedrock::Guardrail")

enum aws_type {
#define AWS_TYPE_ENUM(e, name) e,
	AWS_TYPES(AWS_TYPE_ENUM)
#undef AWS_TYPE_ENUM
		T_COUNT
};
/* A set of types: wider than 64 bits, as the check library reads more
 * types than that. */
__extension__ typedef unsigned __int128 aws_typeset;
#define TB(t) ((aws_typeset)1 << (t))
_Static_assert(T_COUNT <= 128, "aws_typeset holds at most 128 types");

extern const char *const aws_type_names[T_COUNT];

struct ep_cache;

struct aws_collector {
	attest_ctx *ctx;
	struct aws_engine *eng;
	struct aws_credentials cred;
	const char *profile;
	char *account;
	char *caller; /* who collects: the caller's ARN (GetCallerIdentity) */
	char *home_region;
	char **regions;
	size_t n_regions;
	FILE *body; /* resources, one a line, before the header */
	aws_typeset attempted, failed;
	aws_typeset want; /* only the services writing these; 0: all */
	json_t *log;      /* the collection log */
	json_t *keep;     /* values services share until the end */
	json_t *seen;     /* aws_seen()'s keys; NULL until the first */
	unsigned long resources;
	attest_rc fatal; /* a failure that stops everything (I/O, memory) */
	struct ep_cache *eps;
	long poll_ms; /* first wait of the credential report poll */
	/* Role credentials (an organization member's, or --role-arn's),
	 * renewed before they expire (aws_renew_role(), called by the
	 * signer): the role, and the credentials that may assume it;
	 * renew_with NULL: none. renew_via: the collector renew_with belongs
	 * to, renewed first (its own role may expire too), or NULL. */
	const struct aws_credentials *renew_with;
	struct aws_collector *renew_via;
	const char *renew_role, *renew_external_id, *renew_session;
	time_t renew_issued, renew_retry;
	unsigned long inflight;                /* calls submitted, not yet answered */
	void (*idle)(struct aws_collector *c); /* when inflight falls to 0 */
};

/* One API call in flight: what it is for and where its answer goes. */
struct aws_op;
typedef void (*aws_op_fn)(struct aws_op *op, const struct aws_reply *r);

struct aws_op {
	struct aws_collector *c;
	const char *service;   /* endpoint prefix ("iam", "ec2", ...) */
	const char *operation; /* API operation name, for the log */
	char region[40];       /* region of the call ("" for global) */
	aws_typeset types;
	aws_op_fn fn;
	void *data;          /* the service's own state; not freed here */
	long delay_ms;       /* wait before sending (polling) */
	const char *version; /* query protocol: the API version sent (set by
			      * aws_call_query(); its answer's model) */
};

/* Assumes c's role again when its credentials are near their expiry (a
 * quarter of their life, at most five minutes, before it); a blocking STS
 * call, made at most once per expiry. A failure is logged and retried
 * after 30 s; requests go on with the old credentials meanwhile. */
void aws_renew_role(struct aws_collector *c);

/* Adds region r to c's list (owned by c) unless it is there; fails when r
 * is not a region name. */
attest_rc aws_add_region(struct aws_collector *c, const char *r);

/* True when r is a region name (lower-case letters, digits, '-'): safe in
 * a host name. */
bool aws_region_valid(const char *s);
/* True when r is one of the regions c collects. */
bool aws_region_collected(const struct aws_collector *c, const char *r);
/* True when key was passed before for c (a resource that several regions
 * list, written once); false the first time. */
bool aws_seen(struct aws_collector *c, const char *key);

/* Frees the endpoints cached by the call helpers. */
void aws_collector_release_endpoints(struct aws_collector *c);

/* The engine's signer (aws_engine_sign_fn) for a collector: data is the
 * struct aws_collector whose credentials sign (renewed first when they are
 * an assumed role's near its expiry). */
attest_rc aws_collector_sign(void *data, const struct aws_call *call, struct curl_slist **out);
/* Resolves c's credentials and home region from o's profile, role_arn and
 * external_id as the AWS CLI does; an assumed role is kept renewable with
 * what assumed it (role_base, session: both must outlive c). */
attest_rc aws_collector_credentials(struct aws_collector *c,
				    const struct attest_aws_collect_opts *o, const char *session,
				    struct aws_credentials *role_base);
/* Replaces msg (size bytes) with "(message withheld)" when it quotes any
 * of cred's key id, secret key or session token: secrets never reach an
 * error or a log line. */
void aws_scrub_secrets(const struct aws_credentials *cred, char *msg, size_t size);

/* Marks types attempted: call before the first request feeding them. */
void aws_attempt(struct aws_collector *c, aws_typeset types);
/* Appends an entry to the collection log ({"account", "service", "region",
 * "operation", "error_code", "message", "types"}; region "" or NULL is
 * "global"), with any of c's secrets cut from the message, and marks types
 * failed in c. */
void aws_log_failure(struct aws_collector *c, const char *account, const char *service,
		     const char *region, const char *operation, aws_typeset types, const char *code,
		     const char *msg);
/* Records a failed call in the collection log and marks op->types failed. */
void aws_fail(struct aws_op *op, const char *code, const char *msg);
/* Same, taking code and message from a failed reply. */
void aws_fail_reply(struct aws_op *op, const struct aws_reply *r);
/* Records an out-of-memory or write failure; collection stops at the end. */
void aws_fatal(struct aws_collector *c, attest_rc rc);

/* Query protocol (IAM, STS, EC2, SNS, RDS, CloudWatch): POST of
 * Action=...&Version=...&params (params already encoded, "" for none).
 * The op template is copied. */
attest_rc aws_call_query(const struct aws_op *tmpl, const char *version, const char *params);
/* JSON 1.1 protocol: POST of body with X-Amz-Target target. */
attest_rc aws_call_json(const struct aws_op *tmpl, const char *target, const char *json_version,
			const char *body);
/* REST (REST-JSON and REST-XML): method path?query on the service's endpoint,
 * with optional extra headers (NULL-terminated name/value pairs). */
attest_rc aws_call_rest(const struct aws_op *tmpl, const char *method, const char *path_query,
			const char *const *headers);
/* REST-JSON call with a JSON body (stolen; NULL sends none). */
attest_rc aws_call_rest_json(const struct aws_op *tmpl, const char *method, const char *path_query,
			     json_t *body);
/* S3 bucket call: GET on the bucket's URL (region: the bucket's). */
attest_rc aws_call_s3_bucket(const struct aws_op *tmpl, const char *bucket, const char *query);

/* Parses a reply; on failure records a MalformedResponse and returns NULL. */
xmlDocPtr aws_reply_xml(struct aws_op *op, const struct aws_reply *r);
json_t *aws_reply_json(struct aws_op *op, const struct aws_reply *r);

/* Writes one resource. configuration, supplementary and tags are stolen
 * (may be NULL); strings are copied. region NULL means "global". */
void aws_emit(struct aws_collector *c, enum aws_type type, const char *id, const char *arn,
	      const char *name, const char *region, json_t *tags, json_t *configuration,
	      json_t *supplementary);
/* AWS's [{"Key","Value"}] list as an object, a new reference or NULL. */
json_t *aws_tags_object(const json_t *list);

/* Appends "&Name=value" with value percent-encoded. */
attest_rc aws_param(struct core_buf *b, const char *name, const char *value);

/* A paginated query-protocol listing: each item of the list member `list`
 * of every page goes to `each`; pages follow `token_out` (sent back as
 * `token_in`) to the end. */
struct aws_qlist {
	const char *service;
	const char *version;
	const char *operation;
	const char *params;    /* extra encoded parameters, "" or "&A=b..." */
	const char *list;      /* API member name of the list */
	const char *token_in;  /* request parameter: NextToken, Marker */
	const char *token_out; /* answer member: NextToken, Marker */
	enum aws_xml_style style;
	aws_typeset types;
	void (*each)(struct aws_collector *c, const char *region, json_t *item, void *data);
	void (*end)(struct aws_collector *c, const char *region, bool ok, void *data);
};
/* Starts a listing in region; ql must stay valid (a static table entry). */
void aws_query_list(struct aws_collector *c, const struct aws_qlist *ql, const char *region,
		    void *data);

/* The same for JSON answers: JSON 1.x (target set, POST of body plus the
 * token) or REST-JSON (rest_path set, GET with the token as a query
 * parameter named token_in). */
struct aws_jlist {
	const char *service;
	const char *operation;
	const char *target;       /* X-Amz-Target, NULL for REST */
	const char *json_version; /* "1.1" */
	const char *body;         /* JSON object text, NULL for {} */
	const char *rest_path;    /* "/path?query" for REST-JSON */
	const char *list;
	const char *token_in;
	const char *token_out;
	aws_typeset types;
	void (*each)(struct aws_collector *c, const char *region, json_t *item, void *data);
	void (*end)(struct aws_collector *c, const char *region, bool ok, void *data);
};
void aws_json_list(struct aws_collector *c, const struct aws_jlist *jl, const char *region,
		   void *data);
/* A JSON 1.x call with a body built from a jansson object (stolen). */
attest_rc aws_call_json_obj(const struct aws_op *tmpl, const char *target, json_t *body);
/* The same with JSON protocol version json_version ("1.0", "1.1"). */
attest_rc aws_call_json_obj_v(const struct aws_op *tmpl, const char *target,
			      const char *json_version, json_t *body);

/* Sets c->want from type names (o->types); an unknown name is
 * ATTEST_ERR_USAGE. */
attest_rc aws_want_types(struct aws_collector *c, const char *const *types, size_t n);

/* Starts the collection of c's account: the global services once, the
 * regional ones in each of c->regions; with c->want, only the services
 * writing any of those types. */
void aws_collect_start(struct aws_collector *c);

/* Multi-account collection (org.c): lists the organization's accounts with
 * the caller's credentials (a ListAccounts failure is an error), assumes
 * o->role_name in each ACTIVE account (arn:<partition>:iam::<id>:role/<name>)
 * and collects them all concurrently through caller->eng, into caller's
 * body and log; an account whose role cannot be assumed gets one log entry.
 * On return caller's attempted, failed and resources cover every account,
 * accounts holds {"id", "name"} of each account collected, and st's account
 * counts are set. */
attest_rc aws_org_collect(struct aws_collector *caller, const struct attest_aws_collect_opts *o,
			  const char *partition, json_t *accounts,
			  struct attest_aws_collect_stats *st);

/* Checks the role name of aws_org_collect() (a name, not an ARN). */
attest_rc aws_org_check(attest_ctx *ctx, const char *role_name);

/* Writes c's inventory to path ("-": stream) (output.c): the header, then
 * the resources of c->body whose type did not fail; st's type and resource
 * counts are set. */
attest_rc aws_write_output(struct aws_collector *c, json_t *accounts, const char *path,
			   FILE *stream, struct attest_aws_collect_stats *st);

/* How many services aws_collect_start() starts (the length of its table in
 * collect.c), for the progress line. */
extern const size_t aws_n_services;

/* The service starters: region NULL for the global ones. */
void svc_iam_start(struct aws_collector *c);
void svc_s3_start(struct aws_collector *c);
void svc_ec2_start(struct aws_collector *c, const char *region);
void svc_cloudtrail_start(struct aws_collector *c, const char *region);
void svc_kms_start(struct aws_collector *c, const char *region);
void svc_config_start(struct aws_collector *c, const char *region);
void svc_logs_start(struct aws_collector *c, const char *region);
void svc_cloudwatch_start(struct aws_collector *c, const char *region);
void svc_sns_start(struct aws_collector *c, const char *region);
void svc_rds_start(struct aws_collector *c, const char *region);
void svc_efs_start(struct aws_collector *c, const char *region);
void svc_securityhub_start(struct aws_collector *c, const char *region);
void svc_accessanalyzer_start(struct aws_collector *c, const char *region);
/* data stores */
void svc_dynamodb_start(struct aws_collector *c, const char *region);
void svc_redshift_start(struct aws_collector *c, const char *region);
void svc_elasticache_start(struct aws_collector *c, const char *region);
void svc_opensearch_start(struct aws_collector *c, const char *region);
void svc_secretsmanager_start(struct aws_collector *c, const char *region);
void svc_sqs_start(struct aws_collector *c, const char *region);
void svc_backup_start(struct aws_collector *c, const char *region);
void svc_ecr_start(struct aws_collector *c, const char *region);
void svc_acm_start(struct aws_collector *c, const char *region);
/* compute, network, edge, detection, AI (global ones: region NULL) */
void svc_elb_start(struct aws_collector *c, const char *region);
void svc_elbv2_start(struct aws_collector *c, const char *region);
void svc_cloudfront_start(struct aws_collector *c);
void svc_apigateway_start(struct aws_collector *c, const char *region);
void svc_lambda_start(struct aws_collector *c, const char *region);
void svc_ecs_start(struct aws_collector *c, const char *region);
void svc_eks_start(struct aws_collector *c, const char *region);
void svc_guardduty_start(struct aws_collector *c, const char *region);
void svc_wafv2_start(struct aws_collector *c, const char *region);
void svc_sagemaker_start(struct aws_collector *c, const char *region);
void svc_bedrock_start(struct aws_collector *c, const char *region);

#endif
