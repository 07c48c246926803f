/*
 * SNS Publish through the query protocol (Action=Publish,
 * Version=2010-03-31), to the topic's region (from its ARN), answering the
 * MessageId SNS gives the message. The alert channel of attest watch.
 */
#include "config.h"

#include "collect/aws/client_int.h"

#include <stdlib.h>
#include <string.h>

#define SNS_MAX_MESSAGE (256u << 10)
#define SNS_MAX_SUBJECT 100

/* SNS refuses a subject with line breaks or other control characters. */
static bool
subject_valid(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static attest_rc
message_id(struct aws_client *cl, const char *topic_arn, const struct aws_client_reply *r,
	   char out[128])
{
	xmlDocPtr doc = NULL;
	char *id = NULL;

	if (core_xml_load_memory(cl->ctx, "SNS Publish", r->body, r->len, NULL, &doc) == ATTEST_OK)
		id = aws_xml_child_text(aws_xml_find(xmlDocGetRootElement(doc), "PublishResult"),
					"MessageId");
	xmlFreeDoc(doc);
	if (!id || !*id || strlen(id) >= 128) {
		free(id);
		return aws_client_fail(cl, "SNS Publish", topic_arn, "MalformedResponse",
				       "no MessageId in the answer");
	}
	snprintf(out, 128, "%s", id);
	free(id);
	return ATTEST_OK;
}

attest_rc
aws_sns_publish(struct aws_client *cl, const char *topic_arn, const char *subject,
		const char *message, char message_id_out[128])
{
	static const struct aws_header h[] = {
		{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
	struct aws_client_reply r = {0};
	struct aws_endpoint ep = {0};
	struct aws_call call = {0};
	struct core_buf body, url;
	char region[40];
	attest_rc rc;

	message_id_out[0] = '\0';
	aws_client_arn_region(topic_arn, region, sizeof(region));
	if (!*region || strncmp(strchr(topic_arn + 4, ':'), ":sns:", 5) != 0)
		return core_error(cl->ctx, ATTEST_ERR_USAGE,
				  "'%s' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:"
				  "<topic>)",
				  topic_arn);
	if (strlen(message) > SNS_MAX_MESSAGE)
		return core_error(cl->ctx, ATTEST_ERR_LIMIT,
				  "an SNS message is at most %u bytes (this one has %zu)",
				  SNS_MAX_MESSAGE, strlen(message));
	if (subject && (strlen(subject) > SNS_MAX_SUBJECT || !subject_valid(subject)))
		return core_error(cl->ctx, ATTEST_ERR_INVALID,
				  "an SNS subject is at most %d characters, without line breaks",
				  SNS_MAX_SUBJECT);
	if ((rc = aws_client_endpoint(cl, "sns", region, &ep)) != ATTEST_OK)
		return rc;
	core_buf_init(&body, SNS_MAX_MESSAGE * 3 + 65536);
	core_buf_init(&url, 8192);
	if (core_buf_adds(&body, "Action=Publish&Version=2010-03-31") ||
	    aws_param(&body, "TopicArn", topic_arn) || aws_param(&body, "Message", message) ||
	    (subject && *subject && aws_param(&body, "Subject", subject)) ||
	    core_buf_printf(&url, "%s/", ep.url)) {
		rc = core_nomem(cl->ctx);
		goto out;
	}
	call.service = ep.signing_name;
	call.region = ep.signing_region;
	call.method = "POST";
	call.url = url.data;
	call.headers = h;
	call.n_headers = 1;
	call.body = body.data;
	call.body_len = body.len;
	if ((rc = aws_client_send(cl, "SNS Publish", topic_arn, &call, 0, 0, &r)) == ATTEST_OK)
		rc = message_id(cl, topic_arn, &r, message_id_out);
out:
	aws_client_reply_release(&r);
	aws_endpoint_release(&ep);
	core_buf_release(&body);
	core_buf_release(&url);
	return rc;
}
