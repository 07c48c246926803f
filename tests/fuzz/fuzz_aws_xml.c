/*
 * libFuzzer target for the collector's XML response parsing (query and
 * REST-XML protocols): whatever an endpoint answers, parsing, conversion to
 * the API's JSON shape (both naming styles) and error-code extraction must
 * end in a value or an error, never a crash, hang, leak or entity
 * expansion. Seeds: tests/data/aws-collect/seeds.
 */
#include "config.h"

#include "collect/aws/protocol.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	attest_ctx *ctx = attest_ctx_new();
	xmlDocPtr doc = NULL;
	json_t *a, *b;
	char code[128], msg[512];

	if (!ctx)
		return 0;
	if (core_xml_load_memory(ctx, "fuzz", (const char *)data, size, NULL, &doc) == ATTEST_OK) {
		a = aws_xml_to_json(xmlDocGetRootElement(doc), AWS_XML_QUERY);
		b = aws_xml_list_to_json(xmlDocGetRootElement(doc), AWS_XML_EC2);
		free(aws_xml_child_text(xmlDocGetRootElement(doc), "Code"));
		json_decref(a);
		json_decref(b);
		xmlFreeDoc(doc);
	}
	aws_error_parse(400, "Fuzz:http://x", (const char *)data, size, code, sizeof(code), msg,
			sizeof(msg));
	attest_ctx_free(ctx);
	return 0;
}
