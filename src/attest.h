/*
 * attest public API: the library behind the attest program.
 *
 * The pipeline is collect -> inventory -> evaluate -> score -> store -> report.
 * Every object hangs off an attest_ctx, which holds the last error message;
 * library functions never print and never exit. Fallible functions return an
 * attest_rc (ATTEST_OK is 0) and leave a message readable with
 * attest_ctx_errmsg(). Ownership: *_new gives the caller an object to release
 * with the matching *_free (which accepts NULL); *_get lends a pointer valid
 * while the owner lives.
 */
#ifndef ATTEST_H
#define ATTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

typedef enum {
	ATTEST_OK = 0,
	ATTEST_ERR_NOMEM,   /* out of memory */
	ATTEST_ERR_IO,      /* a file could not be read or written */
	ATTEST_ERR_PARSE,   /* input is not well-formed */
	ATTEST_ERR_INVALID, /* input is well-formed but wrong (schema, type, value) */
	ATTEST_ERR_LIMIT,   /* a size or depth limit was exceeded */
	ATTEST_ERR_DB,      /* the database failed or is unusable */
	ATTEST_ERR_NOTFOUND,/* a named thing (scan, framework, check) does not exist */
	ATTEST_ERR_USAGE,   /* the caller asked for something inconsistent */
	ATTEST_ERR_INTERNAL
} attest_rc;

typedef enum {
	ATTEST_LOG_ERROR,
	ATTEST_LOG_WARN,
	ATTEST_LOG_INFO,   /* progress of long operations */
	ATTEST_LOG_DEBUG
} attest_log_level;

typedef void (*attest_log_fn)(void *userdata, attest_log_level level, const char *msg);

struct attest_ctx;
typedef struct attest_ctx attest_ctx;

attest_ctx *attest_ctx_new(void);
void attest_ctx_free(attest_ctx *ctx);
/* The message of the last failure, "" if none. Valid until the next call. */
const char *attest_ctx_errmsg(const attest_ctx *ctx);
/* Warnings and progress go to fn; without one they are dropped. */
void attest_ctx_set_log(attest_ctx *ctx, attest_log_fn fn, void *userdata);
const char *attest_version(void);

#endif

/* ---- inventory: the loaded estate, one record per resource ---------------- */

struct attest_inventory;
typedef struct attest_inventory attest_inventory;

/* Creates an empty inventory backed by a temporary SQLite file (removed by
 * _free), so memory stays bounded whatever the estate's size. */
attest_rc attest_inventory_new(attest_ctx *ctx, attest_inventory **out);
void attest_inventory_free(attest_inventory *inv);
/* Loads one inventory file, detecting its format (native JSON, native NDJSON,
 * AWS Config snapshot). "-" reads stdin. On failure the inventory must be
 * discarded: it may hold part of the file. */
attest_rc attest_inventory_load(attest_inventory *inv, const char *path);
/* Same, from an open stream; name is used in messages. */
attest_rc attest_inventory_load_fp(attest_inventory *inv, FILE *fp, const char *name);
/* Completes loading (adds account records, fixes the reference time). Call
 * once, after the last load and before evaluation. */
attest_rc attest_inventory_finish(attest_inventory *inv);
long long attest_inventory_count(const attest_inventory *inv);
/* The reference time of the inventory: the latest collected_at of its
 * sources, or the time loading started when none says. */
time_t attest_inventory_as_of(const attest_inventory *inv);

/* ---- library: installed frameworks and checks ---------------------------- */

struct attest_library;
typedef struct attest_library attest_library;

attest_rc attest_library_new(attest_ctx *ctx, attest_library **out);
void attest_library_free(attest_library *lib);
/* Loads the catalogs (DIR/\*.xml) and check definitions (DIR/checks/\**.xml)
 * of a directory, each validated against the bundled schemas. A framework or
 * check whose id is already loaded is replaced: load user directories after
 * the bundled one. */
attest_rc attest_library_load_dir(attest_library *lib, const char *dir);
/* Loads the bundled frameworks and checks (see attest_datadir()). */
attest_rc attest_library_load_bundled(attest_library *lib);
/* Resolves every control's check references; call after the last load. */
attest_rc attest_library_resolve(attest_library *lib);
size_t attest_library_framework_count(const attest_library *lib);
/* id of the i-th framework (catalog order of loading), NULL past the end. */
const char *attest_library_framework_id(const attest_library *lib, size_t i);
size_t attest_library_check_count(const attest_library *lib);

/* The directory of bundled data (frameworks/, samples/, templates/):
 * $ATTEST_DATA_DIR, else the installed data directory, else the source tree
 * this program was built from. */
const char *attest_datadir(void);

/* ---- evaluation and scoring ----------------------------------------------- */

/* Evaluates the checks behind the named frameworks (all when n is 0) against
 * a finished inventory and scores the frameworks. Results are kept in the
 * inventory's database for attest_store_save(). */
attest_rc attest_evaluate(attest_inventory *inv, attest_library *lib,
			  const char *const *framework_ids, size_t n);

/* ---- store: the history database ----------------------------------------- */

struct attest_store;
typedef struct attest_store attest_store;

#define ATTEST_SCAN_ID_MAX 64

/* The history database path: $ATTEST_DB, else $XDG_DATA_HOME/attest/history.db,
 * else ~/.local/share/attest/history.db. Creates the directory. */
attest_rc attest_store_default_path(attest_ctx *ctx, char *buf, size_t size);
/* Opens (creating and migrating if needed) a history database. Refuses files
 * that are not SQLite, not attest's, or written by a newer attest. */
attest_rc attest_store_open(attest_ctx *ctx, const char *path, attest_store **out);
void attest_store_close(attest_store *store);
/* Writes an evaluated inventory as one scan, in one transaction: either the
 * whole scan lands or nothing does. id receives the new scan's id. */
attest_rc attest_store_save(attest_store *store, attest_inventory *inv, time_t started,
			    time_t finished, char id[ATTEST_SCAN_ID_MAX]);
/* Resolves a scan reference: a full id, a unique id prefix, or "latest". */
attest_rc attest_store_resolve(attest_store *store, const char *ref,
			       char id[ATTEST_SCAN_ID_MAX]);

/* ---- reports: renderers of a stored scan --------------------------------- */

/* The JSON result (doc/result-format.md, doc/result.schema.json). */
attest_rc attest_report_json(attest_store *store, const char *scan_id, FILE *out);
/* The terminal summary; color adds ANSI colours. */
attest_rc attest_report_summary(attest_store *store, const char *scan_id, FILE *out,
				bool color);
/* Score of framework in scan; *has_score is false when nothing was scored. */
attest_rc attest_report_scores(attest_store *store, const char *scan_id,
			       void (*fn)(void *data, const char *framework, bool has_score,
					  double score),
			       void *data);
