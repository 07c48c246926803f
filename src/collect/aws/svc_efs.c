/*
 * EFS, in each region: file systems (DescribeFileSystems, REST-JSON,
 * Marker/NextMarker), with their Tags as the resource's tags.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <stdio.h>

static void
each_fs(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "FileSystemId"));

	(void)data;
	if (id)
		aws_emit(c, T_EFS_FS, id, json_string_value(json_object_get(item, "FileSystemArn")),
			 json_string_value(json_object_get(item, "Name")), region,
			 aws_tags_object(json_object_get(item, "Tags")), json_incref(item), NULL);
}

static const struct aws_jlist fss = {
	"elasticfilesystem", "DescribeFileSystems", NULL, NULL, NULL,
	"/2015-02-01/file-systems?MaxItems=100", "FileSystems", "Marker", "NextMarker",
	TB(T_EFS_FS), each_fs, NULL};

void
svc_efs_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &fss, region, NULL);
}
