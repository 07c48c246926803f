/*
 * make bench: the cost of one incremental re-evaluation (attest watch:
 * one security group changed, src/engine/incremental.c) on an estate,
 * against the whole evaluation of the same estate.
 * usage: bench_incremental ESTATE [CHANGES]
 */
#include "attest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
fail(attest_ctx *ctx, const char *what)
{
	fprintf(stderr, "bench_incremental: %s: %s\n", what, attest_ctx_errmsg(ctx));
	return 1;
}

/* Security group number i of gen_estate, opened (odd changes) or closed
 * (even ones) to the world on port 22. */
static json_t *
security_group(long i, int open)
{
	char id[32];

	snprintf(id, sizeof(id), "sg-%08lx", i);
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:[{s:s, s:i, s:i, s:[{s:s}],"
			 " s:[]}], s:[]}}",
			 "type", "AWS::EC2::SecurityGroup", "id", id, "region", "us-east-1",
			 "account", "100000000001", "configuration", "GroupId", id, "GroupName",
			 "app", "VpcId", "vpc-0001", "IpPermissions", "IpProtocol", "tcp",
			 "FromPort", 22, "ToPort", 22, "IpRanges", "CidrIp",
			 open ? "0.0.0.0/0" : "10.0.0.0/8", "Ipv6Ranges", "IpPermissionsEgress");
}

int
main(int argc, char **argv)
{
	attest_ctx *ctx = attest_ctx_new();
	attest_library *lib = NULL;
	attest_inventory *inv = NULL;
	struct attest_change_stats st;
	int n = argc > 2 ? atoi(argv[2]) : 20, i;
	double t0, whole, *t;
	json_t *sg;

	if (argc < 2 || n < 1 || !(t = calloc((size_t)n, sizeof(*t))))
		return 2;
	if (attest_library_new(ctx, &lib) != ATTEST_OK ||
	    attest_library_load_bundled(lib) != ATTEST_OK ||
	    attest_library_resolve(lib) != ATTEST_OK)
		return fail(ctx, "library");
	if (attest_inventory_new(ctx, &inv) != ATTEST_OK ||
	    attest_inventory_load(inv, argv[1]) != ATTEST_OK ||
	    attest_inventory_finish(inv) != ATTEST_OK)
		return fail(ctx, "inventory");
	t0 = now();
	if (attest_evaluate(inv, lib, NULL, 0) != ATTEST_OK)
		return fail(ctx, "evaluation");
	whole = now() - t0;
	for (i = 0; i < n; i++) {
		/* Security groups of gen_estate are the resources numbered 1 and 2
		 * modulo 8; each change is to another one. */
		sg = security_group(8L * (i + 1) + 1, i % 2 == 0);
		t0 = now();
		if (attest_inventory_begin(inv, "events") != ATTEST_OK ||
		    attest_inventory_put(inv, sg) != ATTEST_OK ||
		    attest_evaluate_changes(inv, lib, NULL, NULL, &st) != ATTEST_OK ||
		    attest_inventory_commit(inv) != ATTEST_OK)
			return fail(ctx, "incremental evaluation");
		t[i] = now() - t0;
		json_decref(sg);
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%lld resources: whole evaluation %.2f s; one changed security group (%zu checks "
	       "re-run): median %.1f ms, p95 %.1f ms, max %.1f ms over %d changes = %.2f %% of "
	       "the whole (target < 1 %%)\n",
	       attest_inventory_count(inv), whole, st.checks, t[n / 2] * 1e3,
	       t[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1] * 1e3, t[n - 1] * 1e3, n,
	       100.0 * t[n / 2] / whole);
	free(t);
	attest_inventory_free(inv);
	attest_library_free(lib);
	attest_ctx_free(ctx);
	return 0;
}
