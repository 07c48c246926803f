/*
 * Writing an inventory back out as a native NDJSON inventory
 * (doc/inventory.md): the header line, then one resource a line. attest
 * watch stores its periodic full scans from the inventory it keeps current,
 * and keeps this file as the scan's input, so that a later start (or an
 * audit package) reads exactly the estate that scan judged.
 */
#include "config.h"

#include "core/db.h"
#include "inventory_int.h"

#include <errno.h>
#include <string.h>

/* A JSON array of the first column of every row of sql. */
static attest_rc
column_array(attest_inventory *inv, const char *sql, json_t **out)
{
	sqlite3_stmt *st = NULL;
	json_t *a = json_array();
	attest_rc rc;

	*out = NULL;
	if (!a)
		return core_nomem(inventory_ctx(inv));
	if ((rc = core_db_prepare(inventory_ctx(inv), inventory_db(inv), sql, &st)) != ATTEST_OK) {
		json_decref(a);
		return rc;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		if (json_array_append_new(
			    a, json_string((const char *)sqlite3_column_text(st, 0))) != 0) {
			rc = core_nomem(inventory_ctx(inv));
			break;
		}
	sqlite3_finalize(st);
	if (rc == ATTEST_OK)
		*out = a;
	else
		json_decref(a);
	return rc;
}

static attest_rc
header(attest_inventory *inv, time_t as_of, json_t **out)
{
	char now[21];
	json_t *h, *accounts = NULL, *regions = NULL, *types = NULL, *log = NULL;
	attest_rc rc;

	core_time_iso(as_of ? as_of : attest_inventory_as_of(inv), now);
	if ((rc = column_array(inv, "SELECT id FROM accounts ORDER BY id", &accounts)) !=
		    ATTEST_OK ||
	    (rc = column_array(inv, "SELECT name FROM regions ORDER BY name", &regions)) !=
		    ATTEST_OK ||
	    (rc = column_array(inv, "SELECT type FROM collected ORDER BY type", &types)) !=
		    ATTEST_OK ||
	    (rc = column_array(inv,
			       "SELECT json_object('account', account, 'region', region, 'service',"
			       " service, 'operation', operation, 'error_code', error_code,"
			       " 'message', message, 'types', json(types)) FROM collection_log"
			       " ORDER BY seq",
			       &log)) != ATTEST_OK)
		goto fail;
	h = json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:o}", "attest_inventory", 1, "provider",
		      "aws", "source", "attest watch", "collected_at", now, "accounts", accounts,
		      "regions", regions, "collected_types", types);
	if (!h)
		goto nomem;
	{
		/* collection_log entries are objects: stored as JSON text above. */
		json_t *entries = json_array();
		size_t i;

		for (i = 0; entries && i < json_array_size(log); i++)
			json_array_append_new(
				entries,
				json_loads(json_string_value(json_array_get(log, i)), 0, NULL));
		if (!entries || json_object_set_new(h, "collection_log", entries) != 0) {
			json_decref(h);
			goto nomem;
		}
	}
	json_decref(log);
	*out = h;
	return ATTEST_OK;
nomem:
	rc = core_nomem(inventory_ctx(inv));
	accounts = regions = types = NULL; /* json_pack took or freed them */
fail:
	json_decref(accounts);
	json_decref(regions);
	json_decref(types);
	json_decref(log);
	return rc;
}

attest_rc
attest_inventory_write_native(attest_inventory *inv, time_t as_of, FILE *out, const char *name)
{
	attest_ctx *ctx = inventory_ctx(inv);
	sqlite3_stmt *st = NULL;
	json_t *h = NULL;
	attest_rc rc;
	int src;

	if ((rc = header(inv, as_of, &h)) != ATTEST_OK)
		return rc;
	if (json_dumpf(h, out, JSON_COMPACT) != 0 || fputc('\n', out) == EOF) {
		json_decref(h);
		goto io;
	}
	json_decref(h);
	/* Each resource as the loader stored it; the JSON columns are valid
	 * JSON text already, so SQLite assembles the line. */
	if ((rc = core_db_prepare(
		     ctx, inventory_db(inv),
		     "SELECT json_object('type', type, 'id', id, 'arn', arn, 'name', name,"
		     " 'region', region, 'account', account, 'tags', json(tags),"
		     " 'configuration', json(config),"
		     " 'supplementaryConfiguration', json(supp))"
		     " FROM resources ORDER BY rid",
		     &st)) != ATTEST_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if (fputs((const char *)sqlite3_column_text(st, 0), out) == EOF ||
		    fputc('\n', out) == EOF) {
			sqlite3_finalize(st);
			goto io;
		}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return core_db_error(ctx, inventory_db(inv), "inventory database: cannot export");
	if (fflush(out) != 0)
		goto io;
	return ATTEST_OK;
io:
	return core_error(ctx, ATTEST_ERR_IO, "cannot write '%s': %s", name, strerror(errno));
}
