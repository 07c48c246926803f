/*
 * EFS, in each region: file systems (DescribeFileSystems, REST-JSON,
 * Marker/NextMarker), with their Tags as the resource's tags, each with its
 * backup policy (DescribeBackupPolicy) and resource policy
 * (DescribeFileSystemPolicy, parsed into an object); PolicyNotFound is the
 * answer null, not a failure. Then access points (DescribeAccessPoints,
 * NextToken), whose Tags list becomes the resource's tags.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct aws_followup fs_calls[] = {
	{.operation = "DescribeBackupPolicy",
	 .method = "GET",
	 .path = "/2015-02-01/file-systems/{FileSystemId}/backup-policy",
	 .into = AWS_INTO_SUPP,
	 .from = "BackupPolicy",
	 .key = "BackupPolicy",
	 .absent = "PolicyNotFound"},
	{.operation = "DescribeFileSystemPolicy",
	 .method = "GET",
	 .path = "/2015-02-01/file-systems/{FileSystemId}/policy",
	 .into = AWS_INTO_POLICY,
	 .from = "Policy",
	 .key = "FileSystemPolicy",
	 .absent = "PolicyNotFound"},
	{NULL},
};

static const struct aws_followups fs = {
	.type = T_EFS_FS,
	.service = "elasticfilesystem",
	.proto = AWS_FU_REST,
	.calls = fs_calls,
};

static void
each_fs(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "FileSystemId"));
	struct aws_asm *a;

	(void)data;
	if (!id || strchr(id, '/') || strchr(id, '?') ||
	    !(a = aws_asm_new(c, fs.type, region, json_incref(item))))
		return;
	aws_asm_ids(a, id, json_string_value(json_object_get(item, "FileSystemArn")),
		    json_string_value(json_object_get(item, "Name")));
	a->tags = aws_tags_object(json_object_get(item, "Tags"));
	aws_asm_supp(a, "BackupPolicy", NULL);
	aws_asm_supp(a, "FileSystemPolicy", NULL);
	aws_asm_follow(a, &fs, item);
}

static const struct aws_jlist fss = {"elasticfilesystem",
				     "DescribeFileSystems",
				     NULL,
				     NULL,
				     NULL,
				     "/2015-02-01/file-systems?MaxItems=100",
				     "FileSystems",
				     "Marker",
				     "NextMarker",
				     TB(T_EFS_FS),
				     each_fs,
				     NULL};

static void
each_ap(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "AccessPointId"));
	json_t *conf, *tags;

	(void)data;
	if (!id)
		return;
	conf = json_deep_copy(item);
	if (!conf) {
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	tags = aws_tags_object(json_object_get(conf, "Tags"));
	json_object_del(conf, "Tags");
	aws_emit(c, T_EFS_AP, id, json_string_value(json_object_get(item, "AccessPointArn")),
		 json_string_value(json_object_get(item, "Name")), region, tags, conf, NULL);
}

static const struct aws_jlist aps = {"elasticfilesystem",
				     "DescribeAccessPoints",
				     NULL,
				     NULL,
				     NULL,
				     "/2015-02-01/access-points?MaxResults=100",
				     "AccessPoints",
				     "NextToken",
				     "NextToken",
				     TB(T_EFS_AP),
				     each_ap,
				     NULL};

void
svc_efs_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &fss, region, NULL);
	aws_json_list(c, &aps, region, NULL);
}
