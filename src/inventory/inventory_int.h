/*
 * inventory owns reading inventories of every format (native JSON/NDJSON,
 * AWS Config snapshots and history answers, gzip) into the scan database;
 * it may call only core.
 *
 * Inside the inventory module: the scan database the loaders write to and the
 * engine reads from. Tables (the contract check queries rely on):
 *   resources(rid, type, id, arn, name, region, account, tags, config, supp,
 *             sid, line)       one row per resource; tags/config/supp JSON text
 *   collected(type)            resource types the sources collected
 *   accounts(id, name)         accounts in scope
 *   regions(name)              regions in scope
 *   sources(sid, path, format, provider, source, collected_at, sha256, bytes,
 *           resources)         one row per input file
 *   scan(now)                  the reference time, ISO 8601
 *   collection_log(seq, sid, account, region, service, operation, error_code,
 *           message, types)    calls of a live collection that failed, in the
 *                              order logged; types: JSON array of the resource
 *                              types each withheld from collected
 */
#ifndef ATTEST_INVENTORY_INT_H
#define ATTEST_INVENTORY_INT_H

#include "core/core_int.h"

#include <jansson.h>
#include <sqlite3.h>

/* Where a record came from, for messages. */
struct inv_pos {
	const char *file;
	unsigned long line, column;
	long long index; /* 0-based position in its list */
};

sqlite3 *inventory_db(attest_inventory *inv);
attest_ctx *inventory_ctx(attest_inventory *inv);
/* attest_inventory_path (the database file) is public: attest.h. */

/* Registers a new input; returns its sid through *sid. */
attest_rc inv_source_begin(attest_inventory *inv, const char *path, long long *sid);
/* Records the source's format, metadata (native header or NULL), digest and
 * size once it has been read completely. */
attest_rc inv_source_end(attest_inventory *inv, long long sid, const char *format,
			 const json_t *meta, const char *sha256, unsigned long long bytes);
/* Validates a native resource object and stores it. */
attest_rc inv_add_resource(attest_inventory *inv, long long sid, const json_t *res,
			   const struct inv_pos *pos);
/* Stores a resource whose fields were validated: str = type, id, arn, name,
 * region, account (NULL for absent). */
attest_rc inv_insert(attest_inventory *inv, long long sid, const char *const str[6],
		     const json_t *tags, const json_t *config, const json_t *supp,
		     const struct inv_pos *pos);
attest_rc inv_add_collected(attest_inventory *inv, const char *type);
/* Change sets on a finished inventory (change.c): while one is open,
 * inv_insert() of a resource already stored replaces it in place (same rid)
 * through inv_change_update(), and every resource stored, replaced or
 * dropped is noted in temp.changed by inv_change_note(). */
bool inv_changing(const attest_inventory *inv);
void inv_set_changing(attest_inventory *inv, bool on, long long sid);
long long inv_change_sid(const attest_inventory *inv);
void inv_recount(attest_inventory *inv);
void inv_count_add(attest_inventory *inv, long long delta);
attest_rc inv_change_update(attest_inventory *inv, long long sid, const char *const str[6],
			    const json_t *tags, const json_t *config, const json_t *supp,
			    const struct inv_pos *pos);
attest_rc inv_change_note(attest_inventory *inv, long long rid);
/* Binds v as compact JSON text to column col, or dflt when v is NULL. */
attest_rc inv_bind_json(sqlite3_stmt *st, int col, const json_t *v, const char *dflt);
/* Removes a resource stored earlier (a newer Config item replaces it). */
attest_rc inv_delete_resource(attest_inventory *inv, long long rid);

/* The newest AWS Config item per resource of one source (awsconfig_latest.c):
 * _add converts an item and stores, replaces or drops the resource as the
 * items read so far decide; ATTEST_ERR_INVALID for two items of one resource
 * that cannot be ordered by capture time. */
struct awsconfig_latest;
attest_rc awsconfig_latest_new(attest_inventory *inv, long long sid, struct awsconfig_latest **out);
attest_rc awsconfig_latest_add(struct awsconfig_latest *lt, const json_t *item,
			       const struct inv_pos *pos);
void awsconfig_latest_free(struct awsconfig_latest *lt);

/* "cannot load 'FILE' at line L, column C: resource N: <what>", INVALID. */
attest_rc inv_bad(attest_ctx *ctx, const struct inv_pos *pos, const char *fmt, ...)
	ATTEST_PRINTF(3, 4);
/* "a string", "an object", ... for messages. */
const char *inv_json_kind(const json_t *v);
/* Validates the parts of a configuration that checks read in a fixed shape
 * (shape.c): security group rules, network ACL entries. */
attest_rc inv_check_shape(attest_ctx *ctx, const char *type, const json_t *config,
			  const struct inv_pos *pos);

/* Validates the metadata of a native inventory header; where maps each
 * top-level key to [line, column] for messages (may be NULL). */
attest_rc inv_native_check_header(attest_ctx *ctx, const json_t *meta, const char *file,
				  const json_t *where);

#endif
