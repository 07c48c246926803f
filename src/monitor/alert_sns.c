/*
 * The SNS channel: one Publish per group of alerts to the channel's topic,
 * through collect's signed AWS client (SigV4, the usual credential chain,
 * AWS_ENDPOINT_URL[_SNS]). The message is the JSON payload (doc/alerts.md)
 * so that Lambda, SQS and HTTPS subscribers can parse it; the subject says
 * how many alerts it holds. The client is made at the first Publish and
 * kept with the rules; credentials that cannot be found fail the attempt,
 * which is retried like any other, and are looked for again next time.
 * Retries are the outbox's: the client makes one attempt per message.
 */
#include "config.h"

#include "alert_int.h"
#include "collect/aws/client.h"

#include <stdlib.h>
#include <string.h>

void
alert_sns_release(struct alert_rules *rules)
{
	aws_client_free(rules->aws);
	rules->aws = NULL;
}

attest_rc
alert_sns_send(struct alert_rules *rules, const struct alert_channel *ch, const json_t *payload,
	       char *err, size_t errsz)
{
	struct aws_client_opts opts = {.timeout_ms = 1000L * rules->delivery.timeout_s,
				       .max_attempts = 1};
	size_t n = json_array_size(json_object_get(payload, "alerts"));
	char subject[64], id[128], *message;
	attest_rc rc;

	if (!rules->aws && aws_client_new(rules->ctx, &opts, &rules->aws) != ATTEST_OK) {
		snprintf(err, errsz, "%s", attest_ctx_errmsg(rules->ctx));
		return ATTEST_ERR_IO;
	}
	if (!(message = json_dumps(payload, JSON_COMPACT))) {
		snprintf(err, errsz, "out of memory");
		return ATTEST_ERR_NOMEM;
	}
	snprintf(subject, sizeof(subject), "attest: %zu alert%s", n, n == 1 ? "" : "s");
	rc = aws_sns_publish(rules->aws, ch->topic_arn, subject, message, id);
	if (rc != ATTEST_OK)
		snprintf(err, errsz, "%s", attest_ctx_errmsg(rules->ctx));
	else
		core_log(rules->ctx, ATTEST_LOG_DEBUG, "channel '%s': SNS MessageId %s", ch->name,
			 id);
	free(message);
	return rc;
}
