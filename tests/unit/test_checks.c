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
	db = inventory_db(inv);
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
			snprintf(why, sizeof(why),
				 "%s: case '%s': check status '%s', expected '%s'", file, name,
				 (const char *)sqlite3_column_text(st, 0), want_check);
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

		json_array_foreach(expect, i, e)
		{
			if (id && strcmp(json_string_value(json_object_get(e, "id")), id) == 0) {
				found = true;
				if (strcmp(json_string_value(json_object_get(e, "status")),
					   status)) {
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
			snprintf(why, sizeof(why),
				 "%s: case '%s': unexpected row for '%s': %s (%s)", file, name,
				 id ? id : "(no resource)", status, sqlite3_column_text(st, 2));
			result = why;
			goto out;
		}
		seen++;
	}
	if (seen < json_array_size(expect)) {
		snprintf(why, sizeof(why), "%s: case '%s': %zu rows, expected %zu", file, name,
			 seen, json_array_size(expect));
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
	json_array_foreach(json_object_get(doc, "cases"), i, c)
	{
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
			json_array_foreach(json_object_get(c, "expect"), k, e)
		{
			const char *s = json_string_value(json_object_get(e, "status"));

			pass |= s && strcmp(s, "pass") == 0;
			fail |= s && strcmp(s, "fail") == 0;
		}
		if (!pass || !fail)
			fprintf(stderr, "\n  check '%s': fixture %s lacks a %s case\n",
				lib->checks[i]->id, path,
				!doc    ? "file or"
				: !pass ? "pass"
					: "fail");
		CU_ASSERT(pass && fail);
		json_decref(doc);
	}
}

/* "name: col, col, ...;" for every view the engine created on db, or for
 * every row of the doc's table of views, in name order. */
static void
views_on_db(sqlite3 *db, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;

	out[0] = '\0';
	CU_ASSERT_FATAL(
		sqlite3_prepare_v2(
			db,
			"SELECT m.name, group_concat(c.name, ', ') FROM main.sqlite_master m,"
			" pragma_table_info(m.name, 'main') c WHERE m.type = 'view'"
			" GROUP BY m.name ORDER BY m.name",
			-1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out + strlen(out), size - strlen(out), "%s: %s;\n",
			 sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
}

static int
cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
views_in_doc(char *out, size_t size)
{
	static char doc[1 << 20];
	char path[4096], *sec, *end, *line, *rows[64], *p;
	size_t n, i, n_rows = 0;
	FILE *fp;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/doc/check-authoring.md", ATTEST_SRCDIR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp = fopen(path, "r"));
	n = fread(doc, 1, sizeof(doc) - 1, fp);
	fclose(fp);
	doc[n] = '\0';
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec = strstr(doc, "\n### Views\n"));
	if ((end = strstr(sec + 1, "\n#")))
		*end = '\0';
	/* | `view` | `col`, `col` | meaning | */
	for (line = strstr(sec, "\n| `"); line && n_rows < 64; line = strstr(line + 1, "\n| `")) {
		char *eol = strchr(line + 1, '\n'), row[2048] = "", *cell;

		if (eol)
			*eol = '\0';
		cell = strchr(line + 3, '|');
		/* the name without its backticks: "\n| `" ... "` |" */
		snprintf(row, sizeof(row),
			 "%.*s:", cell && cell - line > 6 ? (int)(cell - line - 6) : 0, line + 4);
		for (p = cell ? cell + 1 : NULL; p && *p && *p != '|'; p++)
			if (*p != '`')
				snprintf(row + strlen(row), sizeof(row) - strlen(row), "%c", *p);
		snprintf(row + strlen(row), sizeof(row) - strlen(row), ";");
		rows[n_rows++] = strdup(row);
		if (eol)
			*eol = '\n';
	}
	qsort(rows, n_rows, sizeof(*rows), cmp_lines);
	for (i = 0; i < n_rows; i++) {
		/* "name: a, b ;" -> "name: a, b;" (the doc's cell ends with a space) */
		char *sp = strstr(rows[i], " ;");

		if (sp)
			memmove(sp, sp + 1, strlen(sp));
		snprintf(out + strlen(out), size - strlen(out), "%s\n", rows[i]);
		free(rows[i]);
	}
}

/* The views of frameworks/views.sql are created before checks run, with the
 * columns doc/check-authoring.md lists, and a check can read them. */
static void
test_views_match_the_doc(void)
{
	static char have[16384], want[16384];
	attest_inventory *inv = NULL;
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/samples/estate.json", ATTEST_SRCDIR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp = fopen(path, "r"));
	CU_ASSERT_FATAL(attest_inventory_new(ctx, &inv) == ATTEST_OK &&
			attest_inventory_load_fp(inv, fp, path) == ATTEST_OK &&
			attest_inventory_finish(inv) == ATTEST_OK);
	fclose(fp);
	CU_ASSERT_FATAL(engine_prepare(ctx, inventory_db(inv), attest_inventory_as_of(inv)) ==
			ATTEST_OK);
	views_on_db(inventory_db(inv), have, sizeof(have));
	views_in_doc(want, sizeof(want));
	if (strcmp(have, want) != 0)
		fprintf(stderr, "\n  views defined:\n%s  views in doc/check-authoring.md:\n%s",
			have, want);
	CU_ASSERT_STRING_EQUAL(have, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(have, "cloudwatch_alarm_findings: name, rid, status,"));
	attest_inventory_free(inv);
}

/* What history digests as a check's definition is its query followed by the
 * shared views it reads, directly or through another view; a check that
 * reads none is recorded as its query alone. */
static void
test_definition_includes_views(void)
{
	const struct check *alarm = lib_find_check(lib, "cloudwatch-alarm-root-usage");
	const struct check *plain = lib_find_check(lib, "acm-certificate-key-strength");
	attest_inventory *inv = NULL;
	sqlite3_stmt *st = NULL;
	struct eval_limits lim;
	char path[4096];
	sqlite3 *db;
	FILE *fp;

	CU_ASSERT_PTR_NOT_NULL_FATAL(alarm);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
	snprintf(path, sizeof(path), "%s/samples/estate.json", ATTEST_SRCDIR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp = fopen(path, "r"));
	CU_ASSERT_FATAL(attest_inventory_new(ctx, &inv) == ATTEST_OK &&
			attest_inventory_load_fp(inv, fp, path) == ATTEST_OK &&
			attest_inventory_finish(inv) == ATTEST_OK);
	fclose(fp);
	db = inventory_db(inv);
	CU_ASSERT_FATAL(engine_prepare(ctx, db, attest_inventory_as_of(inv)) == ATTEST_OK &&
			eval_limits_resolve(ctx, lib, &lim) == ATTEST_OK &&
			eval_check(ctx, db, alarm, &lim) == ATTEST_OK &&
			eval_check(ctx, db, plain, &lim) == ATTEST_OK);
	CU_ASSERT_FATAL(sqlite3_prepare_v2(db, "SELECT query FROM chk_query WHERE check_id = ?", -1,
					   &st, NULL) == SQLITE_OK);
	sqlite3_bind_text(st, 1, alarm->id, -1, SQLITE_STATIC);
	CU_ASSERT_FATAL(sqlite3_step(st) == SQLITE_ROW);
	{
		const char *q = (const char *)sqlite3_column_text(st, 0);

		CU_ASSERT(strncmp(q, alarm->query, strlen(alarm->query)) == 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(q, "VIEW cloudwatch_alarm_findings AS"));
		CU_ASSERT_PTR_NOT_NULL(strstr(q, "VIEW cloudwatch_alarm_requirements"));
		/* read only through cloudwatch_alarm_findings and cloudtrail_log_groups */
		CU_ASSERT_PTR_NOT_NULL(strstr(q, "VIEW cloudtrail_trails AS"));
		CU_ASSERT_PTR_NULL(strstr(q, "ec2_sg_world_ingress AS"));
	}
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, plain->id, -1, SQLITE_STATIC);
	CU_ASSERT_FATAL(sqlite3_step(st) == SQLITE_ROW);
	CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 0), plain->query);
	sqlite3_finalize(st);
	attest_inventory_free(inv);
}

static CU_TestInfo fixture_tests[MAX_FIXTURES + 1];

static CU_TestInfo coverage_tests[] = {
	{"every check has passing and failing fixtures", test_every_check_has_pass_and_fail},
	{"the shared views are those doc/check-authoring.md lists", test_views_match_the_doc},
	{"a check's recorded definition includes the views it reads",
	 test_definition_includes_views},
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
