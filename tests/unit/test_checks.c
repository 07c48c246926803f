/*
 * Table-driven tests of every bundled check. Each check has a fixture
 * tests/data/checks/<check-id>.json holding cases: an inventory and, for each
 * judged resource, the status the check must give it (or the status of the
 * whole check, for not_evaluated / not_applicable cases). The runner loads
 * each case through the real loader and runs the check through the real
 * engine, and compares both ways: every expected row must appear with its
 * status and no unexpected row may appear.
 *
 * CUnit has no parameterised tests, so one test is registered per fixture
 * file, all sharing a function that takes the next file from a cursor.
 */
#include "config.h"

#include "engine/engine_int.h"
#include "harness.h"
#include "testutil.h"
#include "inventory/inventory_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIXTURES 1024

static attest_ctx *ctx;
static attest_library *lib;
static char *fixtures[MAX_FIXTURES];
static size_t n_fixtures, cursor;
static char names[MAX_FIXTURES][128];

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
library_init(void)
{
	return tu_library_load(&ctx, &lib, true);
}

static void
library_release(void)
{
	size_t i;

	for (i = 0; i < n_fixtures; i++)
		free(fixtures[i]);
	tu_library_free(ctx, lib);
}

/* Runs case c of the fixture for check chk; returns a description of the
 * first mismatch, or NULL. */
static char *
run_case(const struct check *chk, json_t *c, const char *file)
{
	static char why[1024];
	attest_inventory *inv = NULL;
	char *text = json_dumps(json_object_get(c, "inventory"), JSON_COMPACT);
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *want_check = json_string_value(json_object_get(c, "check_status"));
	json_t *expect = json_object_get(c, "expect"), *e;
	sqlite3_stmt *st = NULL;
	struct eval_limits lim;
	sqlite3 *db;
	FILE *fp = NULL;
	size_t i, seen = 0;
	char *result = NULL;

	name = name ? name : "(unnamed)";
	if (!text || !(fp = fmemopen(text, strlen(text), "r"))) {
		snprintf(why, sizeof(why), "%s: case '%s' has no inventory", file, name);
		result = why;
		goto out;
	}
	if (attest_inventory_new(ctx, &inv) != ATTEST_OK ||
	    attest_inventory_load_fp(inv, fp, file) != ATTEST_OK ||
	    attest_inventory_finish(inv) != ATTEST_OK) {
		snprintf(why, sizeof(why), "%s: case '%s': %s", file, name, attest_ctx_errmsg(ctx));
		result = why;
		goto out;
	}
	db = attest_inventory_db(inv);
	if (engine_prepare(ctx, db, attest_inventory_as_of(inv)) != ATTEST_OK ||
	    eval_limits_resolve(ctx, lib, &lim) != ATTEST_OK ||
	    eval_check(ctx, db, chk, &lim) != ATTEST_OK) {
		snprintf(why, sizeof(why), "%s: case '%s': %s", file, name, attest_ctx_errmsg(ctx));
		result = why;
		goto out;
	}
	if (want_check) {
		sqlite3_prepare_v2(db, "SELECT status, reason FROM chk", -1, &st, NULL);
		if (sqlite3_step(st) != SQLITE_ROW ||
		    strcmp((const char *)sqlite3_column_text(st, 0), want_check) != 0) {
			snprintf(why, sizeof(why), "%s: case '%s': check status '%s', expected '%s'",
				 file, name, (const char *)sqlite3_column_text(st, 0), want_check);
			result = why;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (result || !expect)
			goto out;
	}
	sqlite3_prepare_v2(db,
			   "SELECT r.id, res.status, res.reason FROM res"
			   " LEFT JOIN resources r ON r.rid = res.rid ORDER BY res.rowid",
			   -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *status = (const char *)sqlite3_column_text(st, 1);
		bool found = false;

		json_array_foreach(expect, i, e) {
			if (id && strcmp(json_string_value(json_object_get(e, "id")), id) == 0) {
				found = true;
				if (strcmp(json_string_value(json_object_get(e, "status")), status)) {
					snprintf(why, sizeof(why),
						 "%s: case '%s': resource '%s' got '%s' (%s), "
						 "expected '%s'",
						 file, name, id, status, sqlite3_column_text(st, 2),
						 json_string_value(json_object_get(e, "status")));
					result = why;
					goto out;
				}
			}
		}
		if (!found) {
			snprintf(why, sizeof(why), "%s: case '%s': unexpected row for '%s': %s (%s)",
				 file, name, id ? id : "(no resource)", status,
				 sqlite3_column_text(st, 2));
			result = why;
			goto out;
		}
		seen++;
	}
	if (seen < json_array_size(expect)) {
		snprintf(why, sizeof(why), "%s: case '%s': %zu rows, expected %zu", file, name, seen,
			 json_array_size(expect));
		result = why;
	}
out:
	sqlite3_finalize(st);
	attest_inventory_free(inv);
	if (fp)
		fclose(fp);
	free(text);
	return result;
}

static void
run_next_fixture(void)
{
	const char *file = fixtures[cursor++];
	json_error_t err;
	json_t *doc = json_load_file(file, 0, &err), *c;
	const struct check *chk;
	const char *id;
	size_t i;
	char *why;

	if (!doc) {
		CU_FAIL_FATAL(err.text);
	}
	id = json_string_value(json_object_get(doc, "check"));
	chk = id ? lib_find_check(lib, id) : NULL;
	if (!chk) {
		fprintf(stderr, "%s: unknown check '%s'\n", file, id ? id : "");
		json_decref(doc);
		CU_FAIL_FATAL("fixture names an unknown check");
	}
	json_array_foreach(json_object_get(doc, "cases"), i, c) {
		why = run_case(chk, c, file);
		if (why)
			fprintf(stderr, "\n  %s\n", why);
		CU_ASSERT_PTR_NULL(why);
	}
	json_decref(doc);
}

/* Every check has a fixture, and its fixture shows it both passing and failing. */
static void
test_every_check_has_pass_and_fail(void)
{
	size_t i, j, k;
	char path[4096];

	for (i = 0; i < lib->n_checks; i++) {
		json_t *doc, *c, *e;
		bool pass = false, fail = false;

		snprintf(path, sizeof(path), "%s/tests/data/checks/%s.json", ATTEST_SRCDIR,
			 lib->checks[i]->id);
		doc = json_load_file(path, 0, NULL);
		json_array_foreach(json_object_get(doc, "cases"), j, c)
			json_array_foreach(json_object_get(c, "expect"), k, e) {
				const char *s = json_string_value(json_object_get(e, "status"));

				pass |= s && strcmp(s, "pass") == 0;
				fail |= s && strcmp(s, "fail") == 0;
			}
		if (!pass || !fail)
			fprintf(stderr, "\n  check '%s': fixture %s lacks a %s case\n",
				lib->checks[i]->id, path, !doc ? "file or" : !pass ? "pass" : "fail");
		CU_ASSERT(pass && fail);
		json_decref(doc);
	}
}

static CU_TestInfo fixture_tests[MAX_FIXTURES + 1];

static CU_TestInfo coverage_tests[] = {
	{"every check has passing and failing fixtures", test_every_check_has_pass_and_fail},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	char dir[4096];
	struct dirent *e;
	DIR *d;
	size_t i;
	int status;
	CU_SuiteInfo suites[] = {
		{"check fixtures", NULL, NULL, NULL, NULL, fixture_tests},
		{"check coverage", NULL, NULL, NULL, NULL, coverage_tests},
		CU_SUITE_INFO_NULL,
	};

	snprintf(dir, sizeof(dir), "%s/tests/data/checks", ATTEST_SRCDIR);
	d = opendir(dir);
	while (d && (e = readdir(d)) && n_fixtures < MAX_FIXTURES) {
		size_t n = strlen(e->d_name);

		if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0 &&
		    asprintf(&fixtures[n_fixtures], "%s/%s", dir, e->d_name) > 0)
			n_fixtures++;
	}
	if (d)
		closedir(d);
	qsort(fixtures, n_fixtures, sizeof(*fixtures), cmp);
	for (i = 0; i < n_fixtures; i++) {
		const char *base = strrchr(fixtures[i], '/') + 1;

		snprintf(names[i], sizeof(names[i]), "%.*s", (int)(strlen(base) - 5), base);
		fixture_tests[i].pName = names[i];
		fixture_tests[i].pTestFunc = run_next_fixture;
	}
	if (library_init() != 0)
		return 99;
	status = attest_test_main(suites);
	library_release();
	return status;
}
