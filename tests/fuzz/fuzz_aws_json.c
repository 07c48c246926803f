/*
 * libFuzzer target for the collector's JSON response parsing (JSON 1.1 and
 * REST-JSON protocols): parsing, timestamp normalization, policy documents
 * (plain or URL-encoded) and error-code extraction must end in a value or
 * an error, never a crash, hang or leak. Seeds: tests/data/aws-collect/seeds.
 */
#include "config.h"

#include "collect/aws/protocol.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	attest_ctx *ctx = attest_ctx_new();
	json_t *v = NULL, *p;
	char code[128], msg[512], *text;

	if (!ctx)
		return 0;
	if (aws_json_parse(ctx, "fuzz", (const char *)data, size, &v) == ATTEST_OK) {
		aws_json_fix_times(v);
		json_decref(v);
	}
	aws_error_parse(500, NULL, (const char *)data, size, code, sizeof(code), msg, sizeof(msg));
	text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		p = aws_policy_parse(text);
		json_decref(p);
		free(aws_uri_decode(text, true));
		free(text);
	}
	attest_ctx_free(ctx);
	return 0;
}
