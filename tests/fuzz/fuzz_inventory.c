/*
 * libFuzzer target for the inventory loaders: whatever bytes arrive, the
 * loader must either load them or fail with a message, never crash, hang or
 * leak. The input goes through format detection, so one target covers the
 * native JSON, NDJSON and AWS Config paths. Seeds: tests/data/inventory,
 * tests/data/bad and tests/data/awsconfig.
 *
 * Besides libFuzzer's byte mutations, a custom mutator splices in the
 * shapes of issue 10's hostile inputs: a duplicate top-level key, a native
 * header key in a Config file, a second record list of the other format,
 * security group rules the checks cannot read, Config items of one resource
 * with capture times and deletions, and many header keys.
 */
#include "config.h"

#include "attest.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* Inserted after the first '{' of the input (or replacing it when there is
 * none): each opens with a member and ends with a comma. */
static const char *const fragments[] = {
	"\"provider\": \"gcp\", \"provider\": \"aws\",",
	"\"attest_inventory\": 7, \"configurationItems\": [],",
	"\"resources\": [], \"configurationItems\": [],",
	"\"resources\": [{\"type\": \"AWS::EC2::SecurityGroup\", \"id\": \"sg-1\", \"configuration\":"
	" {\"IpPermissions\": [{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22,"
	" \"IpRanges\": [\"0.0.0.0/0\", {\"cidrIp\": \"0.0.0.0/0\"}]}]}}],",
	"\"configurationItems\": [{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b\","
	" \"configurationItemCaptureTime\": 2, \"configurationItemStatus\": \"ResourceDeleted\"},"
	" {\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b\", \"configurationItemCaptureTime\":"
	" \"1970-01-01T00:00:01Z\", \"configuration\": {}}],",
	"\"source\": \"FwoGZXIvYXdzEJr0123456789abcdef redis://:pw@h\", \"k1\": 1, \"k2\": [[], {}],",
};

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	const char *f = fragments[seed % (sizeof(fragments) / sizeof(fragments[0]))];
	size_t n = strlen(f), at;
	uint8_t *brace;

	if (seed % 4 != 0 || size + n > max_size)
		return LLVMFuzzerMutate(data, size, max_size);
	brace = memchr(data, '{', size);
	at = brace ? (size_t)(brace - data) + 1 : 0;
	memmove(data + at + n, data + at, size - at);
	memcpy(data + at, f, n);
	return size + n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	attest_ctx *ctx;
	attest_inventory *inv = NULL;
	FILE *fp;

	if (size == 0)
		return 0;
	ctx = attest_ctx_new();
	if (!ctx)
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (fp && attest_inventory_new(ctx, &inv) == ATTEST_OK &&
	    attest_inventory_load_fp(inv, fp, "fuzz-input") == ATTEST_OK)
		attest_inventory_finish(inv);
	attest_inventory_free(inv);
	if (fp)
		fclose(fp);
	attest_ctx_free(ctx);
	return 0;
}
