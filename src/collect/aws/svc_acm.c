/*
 * ACM, in each region (JSON 1.1): the certificates of every key algorithm
 * (ListCertificates with Includes.keyTypes; without it ACM lists RSA 1024
 * and 2048 keys only), each described (DescribeCertificate's Certificate).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

static void
describe_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *cert;

	/* A certificate deleted since it was listed. */
	if (aws_asm_gone(it, op, r, "ResourceNotFoundException"))
		return;
	if ((v = aws_asm_reply_json(it, op, r, NULL, NULL)) != NULL) {
		cert = json_object_get(v, "Certificate");
		if (!json_is_object(cert)) {
			aws_asm_fail(it, op, "MalformedResponse", "no Certificate in the answer");
		} else {
			json_decref(it->conf);
			it->conf = json_incref(cert);
			free(it->name);
			it->name = NULL;
			if (json_is_string(json_object_get(cert, "DomainName")) &&
			    !(it->name = strdup(
				      json_string_value(json_object_get(cert, "DomainName"))))) {
				aws_asm_nomem(it);
			}
		}
		json_decref(v);
	}
}

static void
each_cert(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "CertificateArn"));
	struct aws_asm *it;

	(void)data;
	if (!arn)
		return;
	it = aws_asm_new(c, T_ACM_CERT, region, NULL);
	if (!it)
		return;
	aws_asm_ids(it, arn, arn, NULL);
	aws_asm_json(it, "acm", "DescribeCertificate", "CertificateManager.DescribeCertificate",
		     "1.1", json_pack("{s:s}", "CertificateArn", arn), describe_done);
	aws_asm_done(it);
}

static const struct aws_jlist certs = {
	"acm",
	"ListCertificates",
	"CertificateManager.ListCertificates",
	"1.1",
	"{\"MaxItems\": 1000, \"Includes\": {\"keyTypes\": [\"RSA_1024\", \"RSA_2048\", "
	"\"RSA_3072\", \"RSA_4096\", \"EC_prime256v1\", \"EC_secp384r1\", \"EC_secp521r1\"]}}",
	NULL,
	"CertificateSummaryList",
	"NextToken",
	"NextToken",
	TB(T_ACM_CERT),
	each_cert,
	NULL};

void
svc_acm_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &certs, region, NULL);
}
