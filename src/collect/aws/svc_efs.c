/*
 * EFS, in each region: file systems (DescribeFileSystems, REST-JSON,
 * Marker/NextMarker), with their Tags as the resource's tags, each with its
 * backup policy (DescribeBackupPolicy) and resource policy
 * (DescribeFileSystemPolicy, parsed into an object); PolicyNotFound is the
 * answer null, not a failure. Then access points (DescribeAccessPoints,
 * NextToken), whose Tags list becomes the resource's tags.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fs {
	json_t *conf, *supp;
	int pending;
	bool failed;
};

static void
fs_step(struct aws_collector *c, struct fs *f, const char *region)
{
	const json_t *conf = f->conf;

	if (--f->pending > 0)
		return;
	if (!f->failed)
		aws_emit(c, T_EFS_FS, json_string_value(json_object_get(conf, "FileSystemId")),
			 json_string_value(json_object_get(conf, "FileSystemArn")),
			 json_string_value(json_object_get(conf, "Name")), region,
			 aws_tags_object(json_object_get(conf, "Tags")), json_incref(f->conf),
			 json_incref(f->supp));
	json_decref(f->conf);
	json_decref(f->supp);
	free(f);
}

static void
policy_done(struct aws_op *op, const struct aws_reply *r)
{
	struct fs *f = op->data;
	bool backup = strcmp(op->operation, "DescribeBackupPolicy") == 0;
	const char *key = backup ? "BackupPolicy" : "FileSystemPolicy";
	json_t *v, *p = NULL;

	if (!r->ok) {
		if (r->error_code && strcmp(r->error_code, "PolicyNotFound") == 0) {
			json_object_set_new(f->supp, key, json_null());
		} else {
			aws_fail_reply(op, r);
			f->failed = true;
		}
	} else if ((v = aws_reply_json(op, r)) != NULL) {
		if (backup)
			p = json_incref(json_object_get(v, "BackupPolicy"));
		else
			p = aws_policy_parse(json_string_value(json_object_get(v, "Policy")));
		if (p) {
			json_object_set_new(f->supp, key, p);
		} else {
			aws_fail(op, "MalformedResponse", "no policy in the answer");
			f->failed = true;
		}
		json_decref(v);
	} else {
		f->failed = true;
	}
	fs_step(op->c, f, op->region);
}

static void
each_fs(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "FileSystemId"));
	struct aws_op op = {c, "elasticfilesystem", "DescribeBackupPolicy", "", TB(T_EFS_FS),
			    policy_done, NULL, 0, NULL};
	char path[256];
	struct fs *f;

	(void)data;
	if (!id || strchr(id, '/') || strchr(id, '?'))
		return;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->supp = json_pack("{s:n, s:n}", "BackupPolicy", "FileSystemPolicy"))) {
		free(f);
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	f->conf = json_incref(item);
	f->pending = 2;
	op.data = f;
	snprintf(op.region, sizeof(op.region), "%s", region);
	snprintf(path, sizeof(path), "/2015-02-01/file-systems/%s/backup-policy", id);
	if (aws_call_rest(&op, "GET", path, NULL) != ATTEST_OK) {
		f->failed = true;
		fs_step(c, f, region);
	}
	op.operation = "DescribeFileSystemPolicy";
	snprintf(path, sizeof(path), "/2015-02-01/file-systems/%s/policy", id);
	if (aws_call_rest(&op, "GET", path, NULL) != ATTEST_OK) {
		f->failed = true;
		fs_step(c, f, region);
	}
}

static const struct aws_jlist fss = {
	"elasticfilesystem", "DescribeFileSystems", NULL, NULL, NULL,
	"/2015-02-01/file-systems?MaxItems=100", "FileSystems", "Marker", "NextMarker",
	TB(T_EFS_FS), each_fs, NULL};

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
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	tags = aws_tags_object(json_object_get(conf, "Tags"));
	json_object_del(conf, "Tags");
	aws_emit(c, T_EFS_AP, id, json_string_value(json_object_get(item, "AccessPointArn")),
		 json_string_value(json_object_get(item, "Name")), region, tags, conf, NULL);
}

static const struct aws_jlist aps = {
	"elasticfilesystem", "DescribeAccessPoints", NULL, NULL, NULL,
	"/2015-02-01/access-points?MaxResults=100", "AccessPoints", "NextToken", "NextToken",
	TB(T_EFS_AP), each_ap, NULL};

void
svc_efs_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &fss, region, NULL);
	aws_json_list(c, &aps, region, NULL);
}
