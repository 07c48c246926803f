/*
 * Setup helpers shared by the CUnit test programs (see testutil.h).
 */
#include "config.h"

#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
tu_tmpdir(char *dir, size_t size, const char *tag)
{
	const char *base = getenv("TMPDIR");

	snprintf(dir, size, "%s/attest-%s-XXXXXX", base && *base ? base : "/tmp", tag);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "cannot make a temporary folder '%s'\n", dir);
		*dir = '\0';
		return -1;
	}
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
tu_rmtree(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
tu_slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *s = NULL;
	long len;

	if (n)
		*n = 0;
	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (s = malloc((size_t)len + 1))) {
		if (fread(s, 1, (size_t)len, fp) != (size_t)len) {
			free(s);
			s = NULL;
		} else {
			s[len] = '\0';
			if (n)
				*n = (size_t)len;
		}
	}
	fclose(fp);
	return s;
}

bool
tu_errmsg_has(attest_ctx *ctx, const char *needle)
{
	if (strstr(attest_ctx_errmsg(ctx), needle))
		return true;
	fprintf(stderr, "\n  message \"%s\" lacks \"%s\"\n", attest_ctx_errmsg(ctx), needle);
	return false;
}

long long
tu_q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "\n  query failed: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return v;
}

const char *
tu_q_text(sqlite3 *db, const char *sql)
{
	static char out[2048];
	sqlite3_stmt *st = NULL;

	snprintf(out, sizeof(out), "(none)");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, sizeof(out), "%s", sqlite3_column_text(st, 0));
	else if (!st)
		fprintf(stderr, "\n  query failed: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return out;
}

int
tu_library_load(attest_ctx **ctx, attest_library **lib, bool resolve)
{
	*lib = NULL;
	*ctx = attest_ctx_new();
	if (!*ctx || attest_library_new(*ctx, lib) != ATTEST_OK ||
	    attest_library_load_bundled(*lib) != ATTEST_OK ||
	    (resolve && attest_library_resolve(*lib) != ATTEST_OK)) {
		fprintf(stderr, "cannot load the bundled library: %s\n",
			*ctx ? attest_ctx_errmsg(*ctx) : "no memory");
		return 1;
	}
	return 0;
}

void
tu_library_free(attest_ctx *ctx, attest_library *lib)
{
	attest_library_free(lib);
	attest_ctx_free(ctx);
}

int
tu_sample_eval(attest_ctx **ctx, attest_library **lib, attest_inventory **inv)
{
	char sample[4096];

	*inv = NULL;
	if (tu_library_load(ctx, lib, true) != 0)
		return 1;
	snprintf(sample, sizeof(sample), "%s/samples/estate.json", attest_datadir());
	if (attest_inventory_new(*ctx, inv) != ATTEST_OK ||
	    attest_inventory_load(*inv, sample) != ATTEST_OK ||
	    attest_inventory_finish(*inv) != ATTEST_OK ||
	    attest_evaluate(*inv, *lib, NULL, 0) != ATTEST_OK) {
		fprintf(stderr, "cannot evaluate the sample estate: %s\n", attest_ctx_errmsg(*ctx));
		return 1;
	}
	return 0;
}

void
tu_sample_free(attest_ctx *ctx, attest_library *lib, attest_inventory *inv)
{
	attest_inventory_free(inv);
	tu_library_free(ctx, lib);
}
