/*
 * IAM Access Analyzer, in each region: every analyzer (ListAnalyzers,
 * REST-JSON, nextToken) as an AWS::AccessAnalyzer::Analyzer, and one
 * AWS::AccessAnalyzer::AnalyzerStatus per region listing them (an empty
 * list when there are none), written once the last page has arrived.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <stdlib.h>

static void
each_analyzer(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *summary = data;
	const char *arn = json_string_value(json_object_get(item, "arn"));
	json_t *tags = json_object_get(item, "tags");

	if (!arn)
		return;
	json_array_append_new(summary, json_pack("{s:O?, s:O?, s:O?, s:O?}", "arn",
						 json_object_get(item, "arn"), "name",
						 json_object_get(item, "name"), "type",
						 json_object_get(item, "type"), "status",
						 json_object_get(item, "status")));
	aws_emit(c, T_AA_ANALYZER, arn, arn, json_string_value(json_object_get(item, "name")),
		 region, json_is_object(tags) && json_object_size(tags) ? json_incref(tags) : NULL,
		 json_incref(item), NULL);
}

static void
end(struct aws_collector *c, const char *region, bool ok, void *data)
{
	json_t *summary = data;

	if (ok)
		aws_emit(c, T_AA_STATUS, region, NULL, NULL, region, NULL,
			 json_pack("{s:O}", "Analyzers", summary), NULL);
	json_decref(summary);
}

static const struct aws_jlist analyzers = {"access-analyzer",
					   "ListAnalyzers",
					   NULL,
					   NULL,
					   NULL,
					   "/analyzer?maxResults=100",
					   "analyzers",
					   "nextToken",
					   "nextToken",
					   TB(T_AA_ANALYZER) | TB(T_AA_STATUS),
					   each_analyzer,
					   end};

void
svc_accessanalyzer_start(struct aws_collector *c, const char *region)
{
	json_t *summary = json_array();

	if (!summary) {
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	aws_json_list(c, &analyzers, region, summary);
}
