/*
 * libFuzzer target for the inventory loaders: whatever bytes arrive, the
 * loader must either load them or fail with a message, never crash, hang or
 * leak. The input goes through format detection, so one target covers the
 * native JSON, NDJSON and AWS Config paths. Seeds: tests/data/inventory,
 * tests/data/bad and tests/data/awsconfig.
 */
#include "config.h"

#include "attest.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
