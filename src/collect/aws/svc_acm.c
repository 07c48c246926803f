/*
 * ACM, in each region (JSON 1.1): the certificates of every key algorithm
 * (ListCertificates with Includes.keyTypes; without it ACM lists RSA 1024
 * and 2048 keys only), each described (DescribeCertificate's Certificate).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

static const struct aws_followup cert_calls[] = {
	{.operation = "DescribeCertificate",
	 .request = "{\"CertificateArn\": \"{CertificateArn}\"}",
	 .into = AWS_INTO_CONF,
	 .from = "Certificate",
	 .name = "DomainName"},
	{NULL},
};

static const struct aws_followups cert = {
	.type = T_ACM_CERT,
	.service = "acm",
	.proto = AWS_FU_JSON,
	.target = "CertificateManager.",
	/* a certificate deleted since it was listed */
	.gone = "ResourceNotFoundException",
	.calls = cert_calls,
};

static void
each_cert(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "CertificateArn"));
	struct aws_asm *it;

	(void)data;
	if (!arn)
		return;
	it = aws_asm_new(c, cert.type, region, NULL);
	if (!it)
		return;
	aws_asm_ids(it, arn, arn, NULL);
	aws_asm_follow(it, &cert, item);
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
