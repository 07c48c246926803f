/*
 * Change sets on an evaluated inventory and the incremental evaluation that
 * follows (src/inventory/change.c, src/engine/incremental.c): the findings
 * that move are exactly those a whole evaluation of the changed estate
 * would give differently, and nothing else moves.
 */
#include "harness.h"
#include "testutil.h"

#include <CUnit/Basic.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static attest_ctx *ctx;
static attest_library *lib;
static attest_inventory *inv;

struct seen {
	size_t n;
	char check[16][96], resource[16][64], old[16][16], new_[16][16];
};

static attest_rc
collect(void *data, const struct attest_delta *d)
{
	struct seen *s = data;

	if (s->n < 16) {
		snprintf(s->check[s->n], sizeof(s->check[0]), "%s", d->check_id);
		snprintf(s->resource[s->n], sizeof(s->resource[0]), "%s",
			 d->resource_id ? d->resource_id : "");
		snprintf(s->old[s->n], sizeof(s->old[0]), "%s",
			 d->old_status ? d->old_status : "-");
		snprintf(s->new_[s->n], sizeof(s->new_[0]), "%s",
			 d->new_status ? d->new_status : "-");
	}
	s->n++;
	return ATTEST_OK;
}

static int
find(const struct seen *s, const char *check, const char *resource)
{
	size_t i;

	for (i = 0; i < s->n && i < 16; i++)
		if (strcmp(s->check[i], check) == 0 && strcmp(s->resource[i], resource) == 0)
			return (int)i;
	return -1;
}

static const char open_sg[] =
	"{\"type\": \"AWS::EC2::SecurityGroup\", \"id\": \"sg-0666d685d5e13edd8\","
	" \"arn\": \"arn:aws:ec2:eu-west-1:210987654321:security-group/sg-0666d685d5e13edd8\","
	" \"name\": \"default\", \"region\": \"eu-west-1\", \"account\": \"210987654321\","
	" \"configuration\": {\"GroupId\": \"sg-0666d685d5e13edd8\", \"GroupName\": \"default\","
	"  \"Description\": \"default VPC security group\", \"OwnerId\": \"210987654321\","
	"  \"VpcId\": \"vpc-38dc2d1625ee1204d\", \"IpPermissionsEgress\": [],"
	"  \"IpPermissions\": [{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22,"
	"   \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}], \"Ipv6Ranges\": [],"
	"   \"UserIdGroupPairs\": [], \"PrefixListIds\": []}]}}";

/* The status of one finding, read through a connection of its own (the
 * inventory's database is a file; no change set is open when it is read). */
static const char *
res_status(const char *check, const char *id)
{
	static char out[32];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	snprintf(out, sizeof(out), "(none)");
	if (sqlite3_open_v2(attest_inventory_path(inv), &db, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK &&
	    sqlite3_prepare_v2(db,
			       "SELECT status FROM res JOIN resources USING (rid)"
			       " WHERE check_id = ? AND id = ?",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, check, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static void
test_open_port_moves_one_finding(void)
{
	struct attest_change_stats st;
	struct seen s = {0};
	json_t *res = json_loads(open_sg, 0, NULL);
	long long before = attest_inventory_count(inv);
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_begin(inv, "events"), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_put(inv, res), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_evaluate_changes(inv, lib, collect, &s, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.resources, 1);
	CU_ASSERT(st.checks >= 5); /* the security group checks */
	i = find(&s, "ec2-sg-no-ipv4-world-ingress-admin-ports", "sg-0666d685d5e13edd8");
	CU_ASSERT(i >= 0);
	if (i >= 0) {
		CU_ASSERT_STRING_EQUAL(s.old[i], "pass");
		CU_ASSERT_STRING_EQUAL(s.new_[i], "fail");
	}
	/* Nothing moved on any other resource. */
	for (i = 0; i < (int)s.n && i < 16; i++)
		CU_ASSERT_STRING_EQUAL(s.resource[i], "sg-0666d685d5e13edd8");
	CU_ASSERT_EQUAL(attest_inventory_count(inv), before);
	CU_ASSERT_EQUAL(attest_inventory_commit(inv), ATTEST_OK);
	json_decref(res);
}

static void
test_same_change_again_moves_nothing(void)
{
	struct attest_change_stats st;
	struct seen s = {0};
	json_t *res = json_loads(open_sg, 0, NULL);

	CU_ASSERT_EQUAL_FATAL(attest_inventory_begin(inv, "events"), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_put(inv, res), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_evaluate_changes(inv, lib, collect, &s, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT(st.checks >= 5);
	CU_ASSERT_EQUAL(attest_inventory_commit(inv), ATTEST_OK);
	json_decref(res);
}

static void
test_drop_reports_gone_and_rollback_restores(void)
{
	struct attest_change_stats st;
	struct seen s = {0};
	long long before = attest_inventory_count(inv);
	bool found = false;
	int i;

	CU_ASSERT_EQUAL_FATAL(attest_inventory_begin(inv, "events"), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_drop(inv, "AWS::EC2::SecurityGroup",
					      "sg-0666d685d5e13edd8", NULL, NULL, &found),
			ATTEST_OK);
	CU_ASSERT(found);
	CU_ASSERT_EQUAL(attest_inventory_count(inv), before - 1);
	CU_ASSERT_EQUAL(attest_evaluate_changes(inv, lib, collect, &s, &st), ATTEST_OK);
	i = find(&s, "ec2-sg-no-ipv4-world-ingress-admin-ports", "sg-0666d685d5e13edd8");
	CU_ASSERT(i >= 0);
	if (i >= 0) {
		CU_ASSERT_STRING_EQUAL(s.old[i], "fail");
		CU_ASSERT_STRING_EQUAL(s.new_[i], "-");
	}
	attest_inventory_rollback(inv);
	CU_ASSERT_EQUAL(attest_inventory_count(inv), before);
	CU_ASSERT_STRING_EQUAL(
		res_status("ec2-sg-no-ipv4-world-ingress-admin-ports", "sg-0666d685d5e13edd8"),
		"fail");
}

static void
test_refusals(void)
{
	struct attest_change_stats st;
	json_t *bad = json_pack("{s:s}", "id", "x");
	bool found;

	/* No open change set. */
	CU_ASSERT_EQUAL(attest_inventory_put(inv, bad), ATTEST_ERR_INVALID);
	CU_ASSERT_EQUAL(attest_inventory_drop(inv, "AWS::S3::Bucket", "x", NULL, NULL, &found),
			ATTEST_ERR_INVALID);
	CU_ASSERT_EQUAL(attest_evaluate_changes(inv, lib, NULL, NULL, &st), ATTEST_ERR_INVALID);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_begin(inv, "events"), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_begin(inv, "events"), ATTEST_ERR_INVALID);
	/* A record without a type is refused, naming what is missing. */
	CU_ASSERT_EQUAL(attest_inventory_put(inv, bad), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "'type' is missing"));
	CU_ASSERT_EQUAL(
		attest_inventory_drop(inv, "AWS::S3::Bucket", "no-such-bucket", NULL, NULL, &found),
		ATTEST_OK);
	CU_ASSERT(!found);
	attest_inventory_rollback(inv);
	json_decref(bad);
}

/* A whole evaluation of the changed estate gives, for every finding, the
 * status the incremental ones left in the database (the change above is
 * committed: the open security group). */
static void
test_matches_whole_evaluation(void)
{
	attest_inventory *whole = NULL;
	json_t *estate, *list, *sg = json_loads(open_sg, 0, NULL);
	char dir[4096], path[4200], sample[4096], sql[8400];
	size_t i;
	sqlite3 *db = NULL;

	snprintf(sample, sizeof(sample), "%s/samples/estate.json", attest_datadir());
	estate = json_load_file(sample, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(estate);
	list = json_object_get(estate, "resources");
	for (i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(list, i), "id")),
			   "sg-0666d685d5e13edd8") == 0)
			json_array_set(list, i, sg);
	CU_ASSERT_EQUAL_FATAL(tu_tmpdir(dir, sizeof(dir), "incremental"), 0);
	snprintf(path, sizeof(path), "%s/estate.json", dir);
	CU_ASSERT_EQUAL_FATAL(json_dump_file(estate, path, 0), 0);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &whole), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_load(whole, path), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_finish(whole), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_evaluate(whole, lib, NULL, 0), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(
		sqlite3_open_v2(attest_inventory_path(inv), &db, SQLITE_OPEN_READWRITE, NULL),
		SQLITE_OK);
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS whole", attest_inventory_path(whole));
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	/* The same findings (check, resource, status) on both sides. */
	CU_ASSERT(tu_q_int(db, "SELECT count(*) FROM res") > 500);
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM res"),
			tu_q_int(db, "SELECT count(*) FROM whole.res"));
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM (SELECT r.check_id, s.type, s.id,"
				     " s.account, s.region, r.status, r.exposed FROM main.res r"
				     " JOIN main.resources s USING (rid) EXCEPT SELECT r.check_id,"
				     " s.type, s.id, s.account, s.region, r.status, r.exposed"
				     " FROM whole.res r JOIN whole.resources s USING (rid))"),
			0);
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM (SELECT check_id, status, n_pass,"
				     " n_fail FROM main.chk EXCEPT SELECT check_id, status, n_pass,"
				     " n_fail FROM whole.chk)"),
			0);
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM (SELECT framework, score, coverage"
				     " FROM main.fw EXCEPT SELECT framework, score, coverage"
				     " FROM whole.fw)"),
			0);
	sqlite3_close(db);
	attest_inventory_free(whole);
	json_decref(estate);
	json_decref(sg);
	tu_rmtree(dir);
}

/* The inventory written out as native NDJSON and loaded again is judged
 * the same, finding for finding. */
static void
test_native_round_trip(void)
{
	attest_inventory *again = NULL;
	char dir[4096], path[4200], sql[4400];
	sqlite3 *db = NULL;
	FILE *fp;

	CU_ASSERT_EQUAL_FATAL(tu_tmpdir(dir, sizeof(dir), "native"), 0);
	snprintf(path, sizeof(path), "%s/state.ndjson", dir);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(attest_inventory_write_native(inv, 0, fp, path), ATTEST_OK);
	CU_ASSERT_EQUAL(fclose(fp), 0);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &again), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_load(again, path), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_finish(again), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_count(again), attest_inventory_count(inv));
	CU_ASSERT_EQUAL_FATAL(attest_evaluate(again, lib, NULL, 0), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(
		sqlite3_open_v2(attest_inventory_path(inv), &db, SQLITE_OPEN_READWRITE, NULL),
		SQLITE_OK);
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS again", attest_inventory_path(again));
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM (SELECT r.check_id, s.type, s.id,"
				     " s.account, s.region, r.status, r.reason FROM main.res r"
				     " JOIN main.resources s USING (rid) EXCEPT SELECT r.check_id,"
				     " s.type, s.id, s.account, s.region, r.status, r.reason"
				     " FROM again.res r JOIN again.resources s USING (rid))"),
			0);
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM (SELECT type FROM main.collected"
				     " EXCEPT SELECT type FROM again.collected)"),
			0);
	sqlite3_close(db);
	attest_inventory_free(again);
	tu_rmtree(dir);
}

/* A re-collection (an inventory loaded from the sample estate without one
 * bucket) refreshes the kept inventory: resources that did not change stay
 * out of the change set, the missing bucket is dropped, and a type the
 * re-collection did not collect changes nothing. */
static void
test_refresh_from_recollection(void)
{
	struct attest_change_stats st;
	struct seen s = {0};
	attest_inventory *fresh = NULL;
	json_t *estate, *list;
	char dir[4096], path[4200], sample[4096];
	enum attest_refresh what;
	bool was;
	size_t i;

	snprintf(sample, sizeof(sample), "%s/samples/estate.json", attest_datadir());
	estate = json_load_file(sample, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(estate);
	list = json_object_get(estate, "resources");
	for (i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(list, i), "id")),
			   "northwind-prod-backups-eu") == 0)
			json_array_remove(list, i--);
	CU_ASSERT_EQUAL_FATAL(tu_tmpdir(dir, sizeof(dir), "refresh"), 0);
	snprintf(path, sizeof(path), "%s/estate.json", dir);
	CU_ASSERT_EQUAL_FATAL(json_dump_file(estate, path, 0), 0);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &fresh), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_load(fresh, path), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_finish(fresh), ATTEST_OK);

	CU_ASSERT_EQUAL_FATAL(attest_inventory_begin(inv, "re-collection"), ATTEST_OK);
	/* The security groups: the sample's default group differs from the kept
	 * (opened) one, the others are the same. */
	CU_ASSERT_EQUAL(attest_inventory_refresh_type(inv, fresh, "AWS::EC2::SecurityGroup", NULL,
						      NULL, &was),
			ATTEST_OK);
	CU_ASSERT(was);
	CU_ASSERT_EQUAL(attest_inventory_refresh(inv, fresh, "AWS::S3::Bucket",
						 "northwind-prod-backups-eu", NULL, NULL, &what),
			ATTEST_OK);
	CU_ASSERT_EQUAL(what, ATTEST_REFRESH_DROPPED);
	CU_ASSERT_EQUAL(attest_inventory_refresh(inv, fresh, "AWS::S3::Bucket",
						 "northwind-prod-datalake-eu", NULL, NULL, &what),
			ATTEST_OK);
	CU_ASSERT_EQUAL(what, ATTEST_REFRESH_UPDATED);
	CU_ASSERT_EQUAL(
		attest_inventory_refresh(inv, fresh, "AWS::Made::Up", "x", NULL, NULL, &what),
		ATTEST_OK);
	CU_ASSERT_EQUAL(what, ATTEST_REFRESH_NOT_COLLECTED);
	CU_ASSERT_EQUAL(attest_evaluate_changes(inv, lib, collect, &s, &st), ATTEST_OK);
	/* The opened group and the dropped bucket; the unchanged ones are not
	 * in the change set. */
	CU_ASSERT_EQUAL(st.resources, 2);
	i = (size_t)find(&s, "ec2-sg-no-ipv4-world-ingress-admin-ports", "sg-0666d685d5e13edd8");
	CU_ASSERT((int)i >= 0);
	if ((int)i >= 0) {
		CU_ASSERT_STRING_EQUAL(s.old[i], "fail");
		CU_ASSERT_STRING_EQUAL(s.new_[i], "pass");
	}
	for (i = 0; i < s.n && i < 16; i++)
		CU_ASSERT(strcmp(s.resource[i], "sg-0666d685d5e13edd8") == 0 ||
			  (strcmp(s.resource[i], "northwind-prod-backups-eu") == 0 &&
			   strcmp(s.new_[i], "-") == 0));
	attest_inventory_rollback(inv);
	attest_inventory_free(fresh);
	json_decref(estate);
	tu_rmtree(dir);
}

static int
suite_init(void)
{
	return tu_sample_eval(&ctx, &lib, &inv);
}

static int
suite_clean(void)
{
	tu_sample_free(ctx, lib, inv);
	return 0;
}

/* In this order: each case starts from the state the one before left. */
static CU_TestInfo cases[] = {
	{"opening port 22 moves one finding", test_open_port_moves_one_finding},
	{"the same change again moves nothing", test_same_change_again_moves_nothing},
	{"drop reports gone, rollback restores", test_drop_reports_gone_and_rollback_restores},
	{"refusals", test_refusals},
	{"the same as a whole evaluation", test_matches_whole_evaluation},
	{"native NDJSON round trip", test_native_round_trip},
	{"refresh from a re-collection", test_refresh_from_recollection},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"incremental", suite_init, suite_clean, NULL, NULL, cases},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
