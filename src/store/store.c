/*
 * The history database: opening it safely and writing a scan into it.
 * A scan is copied from the evaluated inventory database (ATTACHed read-only)
 * inside one IMMEDIATE transaction, so a scan killed at any point leaves the
 * history exactly as it was. WAL mode and a busy timeout let concurrent scans
 * queue for the write lock instead of failing.
 */
#include "config.h"

#include "core/evaldb.h"
#include "history_int.h"
#include "core/db.h"

#include <errno.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct attest_store {
	attest_ctx *ctx;
	sqlite3 *db;
	char *path;
	bool keep_inputs; /* attest_store_set_keep_inputs */
	bool readonly;    /* attest_store_open_readonly */
};

sqlite3 *
store_db(attest_store *store)
{
	return store->db;
}

attest_ctx *
store_ctx(attest_store *store)
{
	return store->ctx;
}

const char *
store_path(attest_store *store)
{
	return store->path;
}

void
attest_store_set_keep_inputs(attest_store *store, bool keep)
{
	store->keep_inputs = keep;
}

static attest_rc
mkdirs(attest_ctx *ctx, char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			attest_rc rc = core_error(ctx, ATTEST_ERR_IO, "cannot create '%s': %s",
						  path, strerror(errno));
			*p = '/';
			return rc;
		}
		*p = '/';
	}
	return ATTEST_OK;
}

attest_rc
attest_store_default_path(attest_ctx *ctx, char *buf, size_t size)
{
	const char *env = getenv("ATTEST_DB"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	if (env && *env)
		n = snprintf(buf, size, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(buf, size, "%s/attest/history.db", xdg);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.local/share/attest/history.db", home);
	else
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "no history database: set ATTEST_DB or HOME, or give --db");
	if (n < 0 || (size_t)n >= size)
		return core_error(ctx, ATTEST_ERR_LIMIT, "history database path too long");
	return mkdirs(ctx, buf);
}

static int
pragma_int(sqlite3 *db, const char *sql, int *out)
{
	long long v = 0;
	int rc = core_db_int64(db, sql, &v);

	if (rc == SQLITE_OK)
		*out = (int)v;
	return rc;
}

static attest_rc
check_and_migrate(attest_store *s)
{
	int version = 0, app = 0, objects = 0;
	char sql[96];
	attest_rc rc;

	if (pragma_int(s->db, "SELECT count(*) FROM sqlite_schema", &objects) != SQLITE_OK)
		return core_error(s->ctx, ATTEST_ERR_DB,
				  "cannot use '%s' as the history database: %s", s->path,
				  sqlite3_errmsg(s->db));
	if (pragma_int(s->db, "PRAGMA user_version", &version) != SQLITE_OK ||
	    pragma_int(s->db, "PRAGMA application_id", &app) != SQLITE_OK)
		return core_error(s->ctx, ATTEST_ERR_DB, "cannot read '%s': %s", s->path,
				  sqlite3_errmsg(s->db));
	if (objects > 0 && app != STORE_APPLICATION_ID)
		return core_error(s->ctx, ATTEST_ERR_DB,
				  "'%s' is an SQLite database but not an attest history database",
				  s->path);
	if (version > STORE_SCHEMA_VERSION)
		return core_error(s->ctx, ATTEST_ERR_DB,
				  "'%s' was written by a newer attest (schema version %d; this "
				  "attest %s reads up to %d): upgrade attest, the database was "
				  "left untouched",
				  s->path, version, PACKAGE_VERSION, STORE_SCHEMA_VERSION);
	if (version == STORE_SCHEMA_VERSION)
		return ATTEST_OK;
	if (s->readonly)
		return core_error(s->ctx, ATTEST_ERR_DB,
				  "'%s' has schema version %d of an older attest and this one "
				  "reads version %d: upgrade it with 'attest db upgrade --db %s' "
				  "(a command that only reads never changes the file)",
				  s->path, objects ? version : 0, STORE_SCHEMA_VERSION, s->path);
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return core_error(s->ctx, ATTEST_ERR_DB, "cannot lock '%s': %s", s->path,
				  sqlite3_errmsg(s->db));
	/* Another process may have migrated while we waited for the lock. */
	if (pragma_int(s->db, "PRAGMA user_version", &version) != SQLITE_OK) {
		rc = core_error(s->ctx, ATTEST_ERR_DB, "cannot read '%s'", s->path);
		goto fail;
	}
	if ((rc = store_migrate(s->ctx, s->db, version)) != ATTEST_OK)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = core_error(s->ctx, ATTEST_ERR_DB, "cannot migrate '%s': %s", s->path,
				sqlite3_errmsg(s->db));
		goto fail;
	}
	return ATTEST_OK;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

attest_rc
store_file_uri(const char *path, const char *params, struct core_buf *uri)
{
	const char *p;
	attest_rc rc;

	core_buf_init(uri, 3 * strlen(path) + strlen(params) + 64);
	rc = core_buf_adds(uri, "file:");
	for (p = path; rc == ATTEST_OK && *p; p++)
		rc = *p == '?' || *p == '#' || *p == '%'
			     ? core_buf_printf(uri, "%%%02X", (unsigned char)*p)
			     : core_buf_addc(uri, *p);
	if (rc == ATTEST_OK)
		rc = core_buf_printf(uri, "?%s", params);
	if (rc != ATTEST_OK)
		core_buf_release(uri);
	return rc;
}

/* Opens path read-only. A WAL database in a directory this process cannot
 * write (read-only media, another user's files) has no shared-memory file
 * to open; SQLite then reads it as immutable, which is true: nobody here
 * can change it. */
static int
open_readonly(attest_store *s, const char *path)
{
	struct core_buf uri;
	int src;

	src = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY, NULL);
	if (src == SQLITE_OK && sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_schema", NULL,
					     NULL, NULL) == SQLITE_OK)
		return SQLITE_OK;
	if (src != SQLITE_OK && src != SQLITE_CANTOPEN)
		return src;
	sqlite3_close(s->db);
	s->db = NULL;
	if (store_file_uri(path, "immutable=1", &uri) != ATTEST_OK)
		return SQLITE_NOMEM;
	src = sqlite3_open_v2(uri.data, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	core_buf_release(&uri);
	return src;
}

static attest_rc
open_store(attest_ctx *ctx, const char *path, bool readonly, attest_store **out)
{
	attest_store *s;
	attest_rc rc;
	int src;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return core_nomem(ctx);
	s->ctx = ctx;
	s->readonly = readonly;
	s->path = core_strdup(path);
	if (!s->path) {
		free(s);
		return core_nomem(ctx);
	}
	src = readonly ? open_readonly(s, path)
		       : sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
					 NULL);
	if (src != SQLITE_OK) {
		rc = core_error(ctx, ATTEST_ERR_DB, "cannot open the history database '%s': %s",
				path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(src));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 30000);
	sqlite3_extended_result_codes(s->db, 1);
	if (store_redact_register(s->db) != SQLITE_OK ||
	    store_digest_register(s->db) != SQLITE_OK) {
		rc = core_nomem(ctx);
		goto fail;
	}
	if ((rc = check_and_migrate(s)) != ATTEST_OK)
		goto fail;
	/* Only a writer chooses the journal mode: reading never changes the file. */
	if (sqlite3_exec(s->db,
			 readonly ? "PRAGMA foreign_keys=ON;"
				  : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		rc = core_error(ctx, ATTEST_ERR_DB, "cannot configure '%s': %s", path,
				sqlite3_errmsg(s->db));
		goto fail;
	}
	*out = s;
	return ATTEST_OK;
fail:
	attest_store_close(s);
	return rc;
}

attest_rc
attest_store_open(attest_ctx *ctx, const char *path, attest_store **out)
{
	return open_store(ctx, path, false, out);
}

attest_rc
attest_store_open_readonly(attest_ctx *ctx, const char *path, attest_store **out)
{
	return open_store(ctx, path, true, out);
}

void
attest_store_close(attest_store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

static attest_rc
new_scan_id(attest_ctx *ctx, time_t started, char id[ATTEST_SCAN_ID_MAX])
{
	unsigned char r[4];
	struct tm tm;
	char stamp[32];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return core_error(ctx, ATTEST_ERR_INTERNAL, "no randomness for a scan id");
	gmtime_r(&started, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(id, ATTEST_SCAN_ID_MAX, "%s-%02x%02x%02x%02x", stamp, r[0], r[1], r[2], r[3]);
	return ATTEST_OK;
}

/* The inventory's digest: the SHA-256 of its one source, or of the sorted
 * list of its sources' digests when several files were read. */
static attest_rc
inventory_digest(attest_ctx *ctx, sqlite3 *db, char out[65])
{
	sqlite3_stmt *st = NULL;
	struct core_sha256 mdc = {0};
	int count = 0;
	const char *one = NULL;
	attest_rc rc = ATTEST_ERR_DB;

	if (sqlite3_prepare_v2(db, "SELECT sha256 FROM inv.sources ORDER BY sha256", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	if (!core_sha256_init(&mdc)) {
		rc = core_nomem(ctx);
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		one = (const char *)sqlite3_column_text(st, 0);
		if (!one)
			continue;
		count++;
		if (count == 1)
			snprintf(out, 65, "%s", one);
		core_sha256_add(&mdc, one, strlen(one));
		core_sha256_add(&mdc, "\n", 1);
	}
	if (count != 1)
		core_sha256_end(&mdc, out);
	rc = ATTEST_OK;
out:
	if (rc == ATTEST_ERR_DB)
		rc = core_error(ctx, ATTEST_ERR_DB, "cannot read the inventory's sources: %s",
				sqlite3_errmsg(db));
	core_sha256_release(&mdc);
	sqlite3_finalize(st);
	return rc;
}

/* The result tables are declared in core/evaldb.h, for the engine that
 * writes them and for this copy. */
static const char copy_sql[] =
	"INSERT INTO scan_frameworks(scan_id, " EVALDB_FW_COPIED ")"
	"  SELECT ?1, " EVALDB_FW_COPIED " FROM inv." EVALDB_FW ";"
	"INSERT INTO scan_controls(scan_id, " EVALDB_CTL_COPIED ")"
	"  SELECT ?1, " EVALDB_CTL_COPIED " FROM inv." EVALDB_CTL ";"
	"INSERT INTO scan_control_checks(scan_id, " EVALDB_CTL_CHECKS_COPIED ")"
	"  SELECT ?1, " EVALDB_CTL_CHECKS_COPIED " FROM inv." EVALDB_CTL_CHECKS ";"
	"INSERT INTO scan_checks(scan_id, " EVALDB_CHK_COPIED ", reason)"
	"  SELECT ?1, " EVALDB_CHK_COPIED ", redact_secrets(reason) FROM inv." EVALDB_CHK ";"
	"INSERT INTO scan_gaps(scan_id, seq, account, region, service, operation, error_code,"
	"  message, types)"
	"  SELECT ?1, row_number() OVER (ORDER BY seq), redact_secrets(account),"
	"  redact_secrets(region), redact_secrets(service), redact_secrets(operation),"
	"  redact_secrets(error_code), redact_secrets(message), types FROM inv.collection_log;"
	"INSERT INTO scan_exceptions(scan_id, " EVALDB_EXC_COPIED ", match)"
	"  SELECT ?1, " EVALDB_EXC_COPIED ", json_object('resource_id', resource_id, 'arn', arn,"
	"    'account', account, 'region', region, 'tag_key', tag_key, 'tag_value', tag_value,"
	"    'scope', scope) FROM inv." EVALDB_EXC ";"
	"INSERT INTO scan_attestations(scan_id, " EVALDB_ATT_COPIED ")"
	"  SELECT ?1, " EVALDB_ATT_COPIED " FROM inv." EVALDB_ATT ";"
	"INSERT INTO findings(scan_id, check_id, status, resource_type, resource_id, arn, name,"
	"  region, account, reason, evidence, exception_id, exposed)"
	"  SELECT ?1, r.check_id, r.status, x.type, redact_secrets(x.id), redact_secrets(x.arn),"
	"    redact_secrets(x.name), redact_secrets(x.region), redact_secrets(x.account),"
	"    redact_secrets(r.reason), redact_secrets(r.evidence), r.exception_id, r.exposed"
	"  FROM inv." EVALDB_RES " r LEFT JOIN inv.resources x ON x.rid = r.rid"
	"  ORDER BY r.check_id, r.rowid;"
	/* What diff needs to say why a finding changed (digest.c). */
	"INSERT INTO scan_resources(scan_id, resource_type, resource_id, account, region,"
	"  config_sha256)"
	"  SELECT ?1, x.type, redact_secrets(x.id), redact_secrets(x.account),"
	"    redact_secrets(x.region), config_sha256(x.arn, x.name, x.tags, x.config, x.supp)"
	"  FROM inv.resources x WHERE x.rid IN (SELECT rid FROM inv." EVALDB_RES ");"
	"UPDATE scan_checks SET (definition_sha256, dated) = (SELECT"
	"    sha256_hex(json_array(c.resource_type, json(ifnull(c.requires, '[]')), q.query)),"
	"    query_dated(q.query)"
	"  FROM inv." EVALDB_CHK " c JOIN inv." EVALDB_CHK_QUERY " q ON q.check_id = c.check_id"
	"  WHERE c.check_id = scan_checks.check_id) WHERE scan_id = ?1;"
	"UPDATE scans SET digests = 1 WHERE scan_id = ?1;";

static attest_rc
exec_with_id(attest_store *s, const char *sql, const char *id)
{
	sqlite3_stmt *st;
	const char *tail;

	while (*sql) {
		st = NULL;
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, &tail) != SQLITE_OK)
			return ATTEST_ERR_DB;
		if (!st)
			break;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return ATTEST_ERR_DB;
		}
		sqlite3_finalize(st);
		sql = tail;
	}
	return ATTEST_OK;
}

static attest_rc
insert_scan(attest_store *s, const char *id, time_t started, time_t finished, time_t as_of,
	    const char *digest)
{
	sqlite3_stmt *st = NULL;
	char t1[21], t2[21], t3[21];
	attest_rc rc = ATTEST_OK;

	core_time_iso(started, t1);
	core_time_iso(finished, t2);
	core_time_iso(as_of, t3);
	if (sqlite3_prepare_v2(
		    s->db,
		    "INSERT INTO scans(scan_id, started_at, finished_at, as_of, attest_version,"
		    " scope, accounts, regions, sources, inventory_sha256, resource_count)"
		    " SELECT ?1, ?2, ?3, ?4, ?5,"
		    "  'aws:' || ifnull((SELECT group_concat(id, ',') FROM"
		    "    (SELECT id FROM inv.accounts ORDER BY id)), ''),"
		    "  (SELECT json_group_array(id) FROM (SELECT id FROM inv.accounts ORDER BY id)),"
		    "  (SELECT json_group_array(name) FROM"
		    "    (SELECT name FROM inv.regions ORDER BY name)),"
		    "  redact_secrets((SELECT json_group_array(json_patch(json_object('path', path,"
		    "    'format', format, 'source', source, 'collected_at', collected_at,"
		    "    'sha256', sha256, 'bytes', bytes, 'resources', resources),"
		    /* who collected it, when the inventory says (a null patch adds nothing) */
		    "    json_object('collected_by', collected_by))) FROM inv.sources)),"
		    "  ?6, (SELECT count(*) FROM inv.resources)",
		    -1, &st, NULL) != SQLITE_OK)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t1, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t2, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t3, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, PACKAGE_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, digest, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ATTEST_ERR_DB;
	sqlite3_finalize(st);
	return rc;
}

attest_rc
attest_store_save(attest_store *s, attest_inventory *inv, time_t started, time_t finished,
		  char id[ATTEST_SCAN_ID_MAX])
{
	sqlite3_stmt *st = NULL;
	struct store_kept *kept = NULL;
	char digest[65] = "";
	attest_rc rc;
	bool attached = false, open_tx = false;

	if ((rc = new_scan_id(s->ctx, started, id)) != ATTEST_OK)
		return rc;
	rc = ATTEST_ERR_DB;
	if (sqlite3_prepare_v2(s->db, "ATTACH ?1 AS inv", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, attest_inventory_path(inv), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	attached = true;
	if ((rc = inventory_digest(s->ctx, s->db, digest)) != ATTEST_OK)
		goto done;
	/* Inputs are read again before the write lock is taken. */
	if (s->keep_inputs && (rc = store_inputs_copy(s, &kept)) != ATTEST_OK)
		goto done;
	rc = ATTEST_ERR_DB;
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	open_tx = true;
	if (insert_scan(s, id, started, finished, attest_inventory_as_of(inv), digest) !=
		    ATTEST_OK ||
	    exec_with_id(s, copy_sql, id) != ATTEST_OK)
		goto out;
	if (kept && (rc = store_inputs_insert(s, id, kept)) != ATTEST_OK)
		goto done;
	rc = ATTEST_ERR_DB;
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	open_tx = false;
	rc = ATTEST_OK;
out:
	if (rc == ATTEST_ERR_DB)
		core_error(s->ctx, rc, "cannot save the scan in '%s': %s", s->path,
			   sqlite3_errmsg(s->db));
done:
	if (open_tx)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	store_inputs_free(kept);
	sqlite3_finalize(st);
	if (attached)
		sqlite3_exec(s->db, "DETACH inv", NULL, NULL, NULL);
	return rc;
}

attest_rc
attest_store_resolve(attest_store *s, const char *ref, char id[ATTEST_SCAN_ID_MAX])
{
	sqlite3_stmt *st = NULL;
	int n = 0;
	attest_rc rc = ATTEST_OK;

	if (!*ref) /* an empty prefix would match every scan */
		return core_error(s->ctx, ATTEST_ERR_NOTFOUND, "no scan '' in '%s'", s->path);
	if (strcmp(ref, "latest") == 0)
		sqlite3_prepare_v2(s->db,
				   "SELECT scan_id FROM scans s ORDER BY " HISTORY_ORDER(
					   "s", "DESC") " LIMIT 1",
				   -1, &st, NULL);
	else
		sqlite3_prepare_v2(s->db,
				   "SELECT scan_id FROM scans WHERE scan_id = ?1 OR"
				   " substr(scan_id, 1, length(?1)) = ?1 ORDER BY scan_id = ?1 DESC"
				   " LIMIT 2",
				   -1, &st, NULL);
	if (!st)
		return core_error(s->ctx, ATTEST_ERR_DB, "cannot query '%s': %s", s->path,
				  sqlite3_errmsg(s->db));
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			snprintf(id, ATTEST_SCAN_ID_MAX, "%s", sqlite3_column_text(st, 0));
		else if (strcmp(id, ref) != 0)
			rc = core_error(s->ctx, ATTEST_ERR_NOTFOUND,
					"scan reference '%s' is ambiguous", ref);
	}
	sqlite3_finalize(st);
	if (n == 0)
		return core_error(s->ctx, ATTEST_ERR_NOTFOUND, "no scan '%s' in '%s'", ref,
				  s->path);
	return rc;
}
