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

#include <jansson.h>

typedef enum {
	ATTEST_OK = 0,
	ATTEST_ERR_NOMEM,    /* out of memory */
	ATTEST_ERR_IO,       /* a file could not be read or written */
	ATTEST_ERR_PARSE,    /* input is not well-formed */
	ATTEST_ERR_INVALID,  /* input is well-formed but wrong (schema, type, value) */
	ATTEST_ERR_LIMIT,    /* a size or depth limit was exceeded */
	ATTEST_ERR_DB,       /* the database failed or is unusable */
	ATTEST_ERR_NOTFOUND, /* a named thing (scan, framework, check) does not exist */
	ATTEST_ERR_USAGE,    /* the caller asked for something inconsistent */
	ATTEST_ERR_INTERNAL
} attest_rc;

typedef enum {
	ATTEST_LOG_ERROR,
	ATTEST_LOG_WARN,
	ATTEST_LOG_INFO, /* progress of long operations */
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
/* Removes the temporary files the library has open (inventory databases,
 * reports being written). Async-signal-safe: call it from the program's
 * SIGINT/SIGTERM/SIGHUP handlers, so an interrupted scan leaves no copy of
 * the estate's configuration behind. */
void attest_tmp_cleanup(void);
/* Adds a temporary file to those attest_tmp_cleanup() removes: register right
 * after creating it, unregister before removing or renaming it yourself. */
void attest_tmp_register(const char *path);
/* The same for a temporary directory: cleanup removes it and everything
 * under it (without following symbolic links). */
void attest_tmp_register_dir(const char *path);
void attest_tmp_unregister(const char *path);

/* Untrusted text (ids, names, messages) as a terminal may show it: control
 * characters, C1 controls, bidirectional overrides and malformed UTF-8
 * escaped visibly (\x1B, \u{202E}, \n). attest_term_escape writes at most
 * size bytes with the NUL, never cutting inside a character or an escape, and
 * returns the length of the whole escaped text; attest_term_fputs writes it
 * all to fp (fputs's result). */
size_t attest_term_escape(const char *text, char *out, size_t size);
int attest_term_fputs(const char *text, FILE *fp);

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
/* The file of the inventory's SQLite database, where evaluation adds its
 * results (src/core/evaldb.h) and from which attest_store_save copies a
 * scan; lent, valid until attest_inventory_free. */
const char *attest_inventory_path(const attest_inventory *inv);

/* ---- changes to an evaluated inventory (attest watch, doc/watch.md) ----- */

/* Opens a change set on a finished, evaluated inventory: one transaction on
 * its database, committed by attest_inventory_commit() once what it caused
 * is safely stored elsewhere, or rolled back. Resources put, refreshed or
 * dropped until then are what attest_evaluate_changes() re-evaluates; a
 * resource put with the key (type, id, account, region) of a stored one
 * replaces it. source names the origin of the new records ("events"). */
attest_rc attest_inventory_begin(attest_inventory *inv, const char *source);
attest_rc attest_inventory_commit(attest_inventory *inv);
void attest_inventory_rollback(attest_inventory *inv);
/* Stores a native resource record (doc/inventory-format.md). */
attest_rc attest_inventory_put(attest_inventory *inv, const json_t *resource);
/* Stores the resource an AWS Config configuration item records (either
 * naming); an item of a deleted resource drops it. */
attest_rc attest_inventory_put_config_item(attest_inventory *inv, const json_t *item);
/* Drops the resource of type whose id, ARN or name is id (account and
 * region: NULL matches any); *found says whether there was one. */
attest_rc attest_inventory_drop(attest_inventory *inv, const char *type, const char *id,
				const char *account, const char *region, bool *found);
enum attest_refresh {
	ATTEST_REFRESH_UPDATED,       /* fresh holds the resource: copied */
	ATTEST_REFRESH_DROPPED,       /* fresh collected the type without it: dropped */
	ATTEST_REFRESH_ABSENT,        /* ... and inv did not hold it either */
	ATTEST_REFRESH_NOT_COLLECTED, /* fresh did not collect the type: unchanged */
};
/* Takes the resource (type, id or ARN, account, region) from fresh, a
 * finished inventory of a re-collection, into the open change set. */
attest_rc attest_inventory_refresh(attest_inventory *inv, attest_inventory *fresh, const char *type,
				   const char *id, const char *account, const char *region,
				   enum attest_refresh *what);
/* Takes every resource of type in account and region (NULL: any) from
 * fresh, and drops those fresh no longer holds; *was_collected false (and
 * nothing changed) when fresh did not collect the type. Resources that did
 * not change are left out of the change set. */
attest_rc attest_inventory_refresh_type(attest_inventory *inv, attest_inventory *fresh,
					const char *type, const char *account, const char *region,
					bool *was_collected);

/* Writes the inventory as a native NDJSON inventory (doc/inventory.md) to
 * out: the header (accounts, regions, collected types, collection log;
 * collected_at is as_of, 0: the inventory's own as-of time), then one
 * resource a line. name is out's name for messages. */
attest_rc attest_inventory_write_native(attest_inventory *inv, time_t as_of, FILE *out,
					const char *name);

/* ---- library: installed frameworks and checks ---------------------------- */

struct attest_library;
typedef struct attest_library attest_library;

attest_rc attest_library_new(attest_ctx *ctx, attest_library **out);
void attest_library_free(attest_library *lib);
/* Loads the catalogs (DIR/\*.xml) and check definitions (DIR/checks/\**.xml)
 * of a directory, each validated against the bundled schemas. A framework or
 * check whose id is already loaded is replaced: load user directories after
 * the bundled one. A DIR/views.sql is noted here and its views are created,
 * after the bundled ones, when a scan evaluates (doc/check-authoring.md). */
attest_rc attest_library_load_dir(attest_library *lib, const char *dir);
/* Loads the bundled frameworks and checks (see attest_datadir()). */
attest_rc attest_library_load_bundled(attest_library *lib);
/* Resolves every control's check references; call after the last load. */
attest_rc attest_library_resolve(attest_library *lib);
size_t attest_library_framework_count(const attest_library *lib);
/* id of the i-th framework (catalog order of loading), NULL past the end. */
const char *attest_library_framework_id(const attest_library *lib, size_t i);
size_t attest_library_check_count(const attest_library *lib);

/* Descriptions of what is installed, as new jansson values (NULL when out of
 * memory, or when the named framework or check does not exist). */
json_t *attest_library_frameworks_json(const attest_library *lib);
json_t *attest_library_framework_json(const attest_library *lib, const char *id);
/* Checks, filtered by service, severity and framework (NULL: any). */
json_t *attest_library_checks_json(const attest_library *lib, const char *service,
				   const char *severity, const char *framework);
json_t *attest_library_check_json(const attest_library *lib, const char *id);

/* Bounds on every check's query during evaluation (doc/check-authoring.md,
 * "Limits"): wall-clock seconds, rows returned and bytes of status, reason
 * and evidence returned. A check that reaches one is `error`, naming the
 * limit, and the scan goes on. 0 for any of them means
 * $ATTEST_CHECK_TIME_LIMIT, $ATTEST_CHECK_ROW_LIMIT or
 * $ATTEST_CHECK_BYTE_LIMIT, else the built-in default (300 s, 10,000,000
 * rows, 1 GiB). */
void attest_library_set_check_limits(attest_library *lib, double seconds, long long rows,
				     long long bytes);

/* The directory of bundled data (frameworks/, samples/, templates/):
 * $ATTEST_DATA_DIR, else the installed data directory, else the source tree
 * this program was built from. */
const char *attest_datadir(void);

/* ---- evaluation and scoring ----------------------------------------------- */

/* What a scan evaluates, and the human decisions it applies. */
struct attest_eval_opts {
	const char *const *frameworks; /* ids; none means every installed one */
	size_t n_frameworks;
	const char *const *exception_files; /* doc/exceptions-and-attestations.md */
	size_t n_exception_files;
	const char *const *attestation_files;
	size_t n_attestation_files;
};

/* Evaluates the checks behind the selected frameworks against a finished
 * inventory, applies exceptions and attestations, and scores the frameworks.
 * Results are kept in the inventory's database for attest_store_save(). */
attest_rc attest_evaluate_with(attest_inventory *inv, attest_library *lib,
			       const struct attest_eval_opts *opts);
/* The same, with frameworks only. */
attest_rc attest_evaluate(attest_inventory *inv, attest_library *lib,
			  const char *const *framework_ids, size_t n);

/* A finding whose status moved (declared with the history's changes below). */
struct attest_delta;
typedef attest_rc (*attest_delta_fn)(void *data, const struct attest_delta *d);
struct attest_change_stats {
	long long resources; /* in the change set */
	size_t checks;       /* checks run again */
	size_t moved;        /* findings whose status moved */
};
/* Re-evaluates an evaluated inventory after the open change set: the checks
 * that read a changed type run again (on the changed resources; whole when
 * a type they join changed), exceptions, exposure and scores are brought up
 * to date, and fn is called for every finding whose status moved. Runs in
 * the change set's transaction. */
attest_rc attest_evaluate_changes(attest_inventory *inv, attest_library *lib, attest_delta_fn fn,
				  void *data, struct attest_change_stats *stats);

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
/* Opens an existing history database for reading only: the file is never
 * changed (no migration, no journal mode switch) and may be on read-only
 * storage. A database of an older schema is refused with the command that
 * upgrades it. Writing through such a store fails. */
attest_rc attest_store_open_readonly(attest_ctx *ctx, const char *path, attest_store **out);
void attest_store_close(attest_store *store);
/* Writes an evaluated inventory as one scan, in one transaction: either the
 * whole scan lands or nothing does. id receives the new scan's id. */
attest_rc attest_store_save(attest_store *store, attest_inventory *inv, time_t started,
			    time_t finished, char id[ATTEST_SCAN_ID_MAX]);
/* Resolves a scan reference: a full id, a unique id prefix, or "latest"
 * (the scan of the most recent configuration: greatest as_of, then start
 * time, then the last stored). */
attest_rc attest_store_resolve(attest_store *store, const char *ref, char id[ATTEST_SCAN_ID_MAX]);
/* With keep set, attest_store_save also stores a compressed copy of every
 * input file the scan read (once per SHA-256), so that an audit package can
 * include the inventory later (doc/audit-package.md). An input that cannot
 * be read again (standard input, a removed file) or whose SHA-256 changed
 * since it was loaded is recorded as not kept, with a warning. */
void attest_store_set_keep_inputs(attest_store *store, bool keep);

/* ---- reports: renderers of a stored scan --------------------------------- */

/* The JSON result (doc/result-format.md, doc/result.schema.json). */
attest_rc attest_report_json(attest_store *store, const char *scan_id, FILE *out);
/* Machine-readable reports (doc/report-formats.md), each streamed to out:
 * the native XML report (doc/report.xsd), NIST OSCAL assessment results,
 * XCCDF 1.2 benchmark and test result, JUnit XML (one test case per
 * control), and CSV of the findings. ATTEST_ERR_NOTFOUND when the scan does
 * not exist; on failure out may hold part of a document. */
attest_rc attest_report_xml(attest_store *store, const char *scan_id, FILE *out);
attest_rc attest_report_oscal(attest_store *store, const char *scan_id, FILE *out);
attest_rc attest_report_xccdf(attest_store *store, const char *scan_id, FILE *out);
attest_rc attest_report_junit(attest_store *store, const char *scan_id, FILE *out);
attest_rc attest_report_csv(attest_store *store, const char *scan_id, FILE *out);
/* The findings as OCSF 1.6.0 Compliance Finding events (class 2003), one
 * JSON object per line (doc/ocsf.md), streamed to out: one per finding, then
 * one per check that judged nothing because its data was missing
 * (not_evaluated) or its query failed (error). ATTEST_ERR_NOTFOUND when the
 * scan does not exist; on failure out may hold some of the lines. */
attest_rc attest_report_ocsf(attest_store *store, const char *scan_id, FILE *out);
/* The PDF audit report (cover, executive summary with score trend, controls,
 * failing findings with evidence, manual controls, exceptions and
 * attestations, appendix of digests), laid out by the context's report
 * template. Nothing is written to out unless the whole document is built. */
attest_rc attest_report_pdf(attest_store *store, const char *scan_id, FILE *out);
/* Makes the report template at path (templates/template.xsd) the one every
 * report rendered through ctx uses; NULL goes back to the bundled
 * templates/default.xml. A bad template fails with its file and line, and
 * leaves the previous choice in place. */
attest_rc attest_report_set_template(attest_ctx *ctx, const char *path);
/* The PDF report covers only these n frameworks (n = 0: every framework of
 * the scan); a framework the scan lacks fails the rendering. */
attest_rc attest_report_set_frameworks(attest_ctx *ctx, const char *const *ids, size_t n);
/* The organization the PDF report names, in place of the template's; NULL
 * goes back to the template's. */
attest_rc attest_report_set_organization(attest_ctx *ctx, const char *name);
/* The terminal summary; color adds ANSI colours. */
attest_rc attest_report_summary(attest_store *store, const char *scan_id, FILE *out, bool color);
/* Score of framework in scan; *has_score is false when nothing was scored. */
attest_rc attest_report_scores(attest_store *store, const char *scan_id,
			       void (*fn)(void *data, const char *framework, bool has_score,
					  double score),
			       void *data);

/* ---- history: queries across stored scans -------------------------------- */

/* Which scans a history query looks at; NULL or 0 members do not filter.
 * since/until are ISO 8601 UTC times or dates (a date covers its whole day),
 * both inclusive. */
struct attest_history_filter {
	const char *scan_id;   /* exactly this scan */
	const char *scope;     /* exactly this scope ("aws:" + sorted account ids) */
	const char *account;   /* scans that covered this account */
	const char *framework; /* scans that evaluated this framework */
	const char *since, *until;
	long limit; /* the most recent N scans */
};

/* One stored scan. Strings are lent for the duration of the callback;
 * accounts, regions and sources are JSON arrays as text, frameworks a JSON
 * array of {"id", "title", "score", "controls_passing", "controls_scored",
 * "coverage"} (doc/scoring.md; score null when nothing was scored; posture,
 * costlier over many scans, is trend's). as_of is the date of the configuration the scan judged
 * (the inventory's collection time), started_at when attest ran. */
struct attest_scan_info {
	const char *id, *started_at, *finished_at, *scope;
	const char *accounts, *regions, *sources, *frameworks;
	long long resources;
	const char *as_of;
};

/* Calls fn for each scan matching filter (which may be NULL), most recent
 * first on the inventory's timeline: by as_of, then start time, then the
 * order stored. since/until bound as_of. ATTEST_ERR_USAGE for a malformed
 * since/until. */
attest_rc attest_store_history(attest_store *store, const struct attest_history_filter *filter,
			       void (*fn)(void *data, const struct attest_scan_info *scan),
			       void *data);
/* The scan of the same scope just before scan_id in the order of
 * attest_store_history (as_of, start time, order stored);
 * ATTEST_ERR_NOTFOUND when scan_id is the first of its scope. */
attest_rc attest_store_previous(attest_store *store, const char *scan_id,
				char prev[ATTEST_SCAN_ID_MAX]);

/* One point of a framework's series: its figures in one scan (doc/scoring.md). */
struct attest_trend_point {
	const char *scan_id, *started_at, *scope;
	const char *as_of, *framework;
	bool has_score; /* false when no control was judged pass or fail */
	double score, coverage;
	int n_pass, n_fail;
	/* controls fully passing (pass + attested) of those scored */
	int controls_passing, controls_scored;
	bool has_posture; /* false when no control had a pass or fail result */
	double posture;
};

/* Calls fn for every scan of framework (NULL: of every framework) matching
 * filter, grouped by framework and then scope, oldest first within a
 * series (by as_of, as attest_store_history orders). ATTEST_ERR_NOTFOUND
 * when there is none. */
attest_rc attest_store_trend(attest_store *store, const char *framework,
			     const struct attest_history_filter *filter,
			     void (*fn)(void *data, const struct attest_trend_point *point),
			     void *data);
/* The findings of framework newly failing in `to` and fixed since `from`,
 * as attest diff counts them: what every score change is shown with. */
attest_rc attest_store_change_counts(attest_store *store, const char *from, const char *to,
				     const char *framework, long long *newly_failing,
				     long long *fixed);

/* What changed between two scans (doc/history.md). A finding is identified
 * by its check and resource (type, id, account, region). */
enum attest_change {
	ATTEST_CHANGE_NEWLY_FAILING,  /* fails in `to`, did not fail in `from` */
	ATTEST_CHANGE_FIXED,          /* failed in `from`, neither fails nor is excepted in `to` */
	ATTEST_CHANGE_NEWLY_EXCEPTED, /* excepted in `to`, was not excepted in `from` */
	ATTEST_CHANGE_STILL_FAILING   /* fails in both */
};

/* Why a finding (or a control) changed between two scans, from what each
 * scan recorded (doc/history.md, "Why a finding changed"). */
enum attest_cause {
	ATTEST_CAUSE_NONE,          /* nothing changed (still failing; a control whose
				     * change its findings explain) */
	ATTEST_CAUSE_UNKNOWN,       /* a scan lacks what would tell (stored before
				     * attest recorded digests), or nothing recorded does */
	ATTEST_CAUSE_CONFIGURATION, /* the resource's configuration changed (or, for a
				     * check that reads other resources, theirs) */
	ATTEST_CAUSE_TIME,          /* same configuration and check; the inventory's date
				     * moved across a date threshold (key age, expiry) */
	ATTEST_CAUSE_EXCEPTION,     /* an exception began or stopped covering it */
	ATTEST_CAUSE_ATTESTATION,   /* a manual control was attested or its attestation lapsed */
	ATTEST_CAUSE_ADDED,         /* the resource is new in `to` */
	ATTEST_CAUSE_REMOVED,       /* the resource is gone from `to` */
	ATTEST_CAUSE_CHECK          /* the check's definition changed, or it was added or
				     * removed */
};
#define ATTEST_CAUSE_COUNT (ATTEST_CAUSE_CHECK + 1)

/* The name of a cause as JSON and the terminal print it ("configuration",
 * "time", ...); NULL for ATTEST_CAUSE_NONE. */
const char *attest_cause_name(enum attest_cause cause);

struct attest_diff_finding {
	enum attest_change change;
	const char *check, *title, *severity;
	const char *resource_type, *resource_id, *arn, *account, *region, *reason;
	/* the finding's status in each scan; NULL when that scan has no row for
	 * it (resource gone, or its check not evaluated) */
	const char *from_status, *to_status;
	/* why it changed (ATTEST_CAUSE_NONE for still failing), and a sentence
	 * saying more when the cause alone would mislead (NULL otherwise) */
	enum attest_cause cause;
	const char *cause_detail;
};

struct attest_diff_framework {
	const char *framework, *title;
	bool in_from, in_to, has_from_score, has_to_score;
	double from_score, to_score, from_coverage, to_coverage;
	/* doc/scoring.md: controls fully passing of those scored, and posture
	 * (has_*_posture false when no control had a pass or fail result) */
	int from_passing, from_scored, to_passing, to_scored;
	bool has_from_posture, has_to_posture;
	double from_posture, to_posture;
	/* the framework's findings newly failing in `to` and fixed since `from`,
	 * printed beside any score change */
	long long newly_failing, fixed;
};

/* A control of a framework both scans evaluated whose status or score
 * changed. A control's score is the share of passing resource evaluations
 * among its checks' pass and fail rows. cause is ATTEST_CAUSE_ATTESTATION
 * when the change is a manual control attested or no longer attested,
 * ATTEST_CAUSE_NONE otherwise (its findings say why). */
struct attest_diff_control {
	const char *framework, *control, *title;
	const char *from_status, *to_status; /* NULL when absent from that scan */
	bool has_from_score, has_to_score;
	double from_score, to_score;
	enum attest_cause cause;
};

/* Receives the differences in this order: every framework, changed
 * controls, then findings by change (in enum order), most severe first.
 * Pointers are lent for the duration of each call; any callback may be
 * NULL. */
struct attest_diff_sink {
	void (*framework)(void *data, const struct attest_diff_framework *fw);
	void (*control)(void *data, const struct attest_diff_control *control);
	void (*finding)(void *data, const struct attest_diff_finding *finding);
	void *data;
};

attest_rc attest_store_diff(attest_store *store, const char *from_id, const char *to_id,
			    const struct attest_diff_sink *sink);

/* ---- history: moving and maintaining scans ------------------------------- */

/* Writes one scan, with everything reports read, to a new self-contained
 * file at path (an attest history database holding only that scan; replaced
 * atomically, never left half-written). */
attest_rc attest_store_export(attest_store *store, const char *scan_id, const char *path);
/* Adds the scan held by an exported file; id receives its id. Refuses
 * files that are not attest exports, hold other than one complete scan, come
 * from a newer attest, or whose scan is already stored (ATTEST_ERR_INVALID). */
attest_rc attest_store_import(attest_store *store, const char *path, char id[ATTEST_SCAN_ID_MAX]);

/* Deletes scans: with keep > 0 all but the keep most recent of each scope,
 * with before set (ISO date or time) those started before it; both may be
 * given (a scan goes when either says so). dry_run counts without deleting.
 * *deleted receives the number of scans. */
attest_rc attest_store_prune(attest_store *store, long keep, const char *before, bool dry_run,
			     long long *deleted);

/* Verifies the database: SQLite integrity, foreign keys, schema version and
 * that every scan is complete (frameworks, controls and checks rows). fn
 * receives each problem found, in words; *problems their count. */
attest_rc attest_store_check(attest_store *store, int *schema_version, long long *scans,
			     void (*fn)(void *data, const char *problem), void *data,
			     long long *problems);

/* ---- history: changes recorded by attest watch ---------------------------- */

/* A change event attest watch applied (doc/history.md, "Changes"). All
 * strings may be NULL except key, source and name. key is the CloudTrail
 * eventID, else the EventBridge id; base_scan_id the full scan the watch
 * state started from; actor who made the change (the CloudTrail identity's
 * ARN, else its principal id or the service that invoked it); resources the
 * number of resources it touched. */
struct attest_watch_event {
	const char *key, *message_id, *base_scan_id, *source, *name, *actor, *actor_type,
		*source_ip, *user_agent, *account, *region;
	time_t event_time, received_at;
	long resources;
};

/* A finding whose status an event changed: old_status NULL for a new
 * finding, new_status NULL for a resource gone. reason and evidence are
 * redacted like a scan's findings. */
struct attest_delta {
	const char *check_id, *severity, *resource_type, *resource_id, *arn, *region, *account,
		*old_status, *new_status, *reason, *evidence;
};

/* *seen is true when an event of this key is already stored. */
attest_rc attest_store_event_seen(attest_store *store, const char *key, bool *seen);
/* Stores, in one transaction, the event, its n deltas (recorded at the
 * event's received_at) and n_alerts rows of the alert outbox (the JSON text
 * of alert_payloads[i] for the channel named alert_channels[i], due now).
 * Fails with nothing written: ATTEST_ERR_INVALID when the event's key is
 * already stored (ask attest_store_event_seen first), ATTEST_ERR_USAGE for
 * an event without key, source or name, a delta without a check or whose
 * statuses or severity are none of a finding's, or a payload that is not a
 * JSON object, ATTEST_ERR_DB when the database refuses a row. */
attest_rc attest_store_save_delta(attest_store *store, const struct attest_watch_event *ev,
				  const struct attest_delta *d, size_t n,
				  const char *const *alert_payloads,
				  const char *const *alert_channels, size_t n_alerts);
/* Records a message that could not be used, with the reason (redacted). */
attest_rc attest_store_dead_letter(attest_store *store, const char *message_id, time_t at,
				   const char *reason, const char *body_sha256);

/* One delta with its event, as `attest history --changes` lists it. Strings
 * are lent for the duration of the callback; times are ISO 8601 UTC. */
struct attest_change_info {
	long long delta_id;
	const char *at, *event_key, *event_source, *event_name, *actor, *actor_type, *event_time,
		*base_scan_id;
	const char *check_id, *severity, *resource_type, *resource_id, *arn, *region, *account,
		*old_status, *new_status, *reason;
};

/* Calls fn for each delta matching filter (NULL: all), newest first (by at,
 * then the order stored). filter->since/until bound the delta's time,
 * account the delta's account, limit the number of deltas; scan_id, scope
 * and framework do not apply. ATTEST_ERR_USAGE for a malformed since/until. */
attest_rc attest_store_changes(attest_store *store, const struct attest_history_filter *filter,
			       void (*fn)(void *data, const struct attest_change_info *change),
			       void *data);
/* The cause of each finding that fails in scan_id and did not fail in the
 * previous scan of its scope (none: every failing finding): the latest
 * delta to "fail" of the same check and resource (type, id, account,
 * region) recorded after the previous scan's as_of and up to scan_id's.
 * Calls fn once per such finding that has one, most severe first. */
attest_rc attest_store_causes(attest_store *store, const char *scan_id,
			      void (*fn)(void *data, const struct attest_change_info *cause),
			      void *data);

/* ---- live collection: AWS ------------------------------------------------- */

struct attest_aws_collect_opts {
	const char *profile;        /* NULL: AWS_PROFILE, else "default" */
	const char *const *regions; /* NULL/0: every enabled region */
	size_t n_regions;
	const char *role_arn;    /* assumed on top of the credentials */
	const char *external_id; /* with role_arn */
	unsigned concurrency;    /* requests in flight; 0: 32 */
	/* Every ACTIVE account of the organization the credentials manage
	 * (Organizations ListAccounts), each through role_name assumed in it
	 * (with external_id when set). */
	bool from_organization;
	const char *role_name;
	unsigned accounts_in_flight; /* accounts collected at once; 0: 8 */
	FILE *stream;                /* where out_path "-" is written (the
					caller's standard output); NULL
					refuses "-" */
	/* Only the services that write any of these resource types (e.g.
	 * "AWS::EC2::SecurityGroup": EC2, all its types); NULL/0: every
	 * service. collected_types lists exactly the types collected. A
	 * type the collector does not read is ATTEST_ERR_USAGE. */
	const char *const *types;
	size_t n_types;
};

struct attest_aws_collect_stats {
	unsigned long calls, retries, errors, resources;
	size_t regions;
	size_t types_collected, types_failed;
	size_t accounts;        /* accounts collected */
	size_t accounts_failed; /* organization accounts not collected */
};

/* Collects the AWS account the credentials reach (doc/aws-collection.md)
 * into a native NDJSON inventory at out_path ("-" is opts->stream), written to a
 * temporary file and renamed into place, so a failure leaves nothing. Calls
 * that fail (AccessDenied, an unsupported region, a malformed answer) are
 * listed in the inventory's collection_log and their resource types left
 * out of collected_types; that is not an error. With from_organization,
 * every account of the organization is collected into the one inventory; an
 * account whose role cannot be assumed is a collection_log entry too.
 * Errors: no credentials, authentication refused or no endpoint reachable
 * (ATTEST_ERR_IO), the organization's accounts cannot be listed
 * (ATTEST_ERR_IO), I/O. */
attest_rc attest_collect_aws(attest_ctx *ctx, const struct attest_aws_collect_opts *opts,
			     const char *out_path, struct attest_aws_collect_stats *stats);

/* ---- audit package: reports, evidence, inventory, signed manifest -------- */

/* One report of the package: written by render to reports/<file>. */
struct attest_package_report {
	const char *name; /* the format's name, recorded in the manifest */
	const char *file; /* a plain file name, e.g. "report.pdf" */
	attest_rc (*render)(attest_store *store, const char *scan_id, FILE *out);
};

struct attest_package_opts {
	const struct attest_package_report *reports;
	size_t n_reports;
	const char *key_path;  /* PEM private key (Ed25519, or RSA of 2048 bits or more) */
	const char *cert_path; /* NULL, or the key's PEM X.509 certificate, included */
	/* inventory files to include besides those the history database kept;
	 * each must have the SHA-256 of one of the scan's sources */
	const char *const *inputs;
	size_t n_inputs;
	bool require_inventory; /* fail rather than record a missing inventory */
	/* ship the inventory with credential-like values replaced by
	 * "[REDACTED]" (as in the history database) instead of byte for byte */
	bool redact_inventory;
};

struct attest_package_info {
	size_t files; /* files listed in the manifest */
	size_t inputs, inputs_included;
	char algorithm[16];       /* "ed25519" or "rsa-sha256" */
	char missing_reason[512]; /* why the first missing input is missing */
	size_t inputs_unredacted; /* inventory files shipped as read, unredacted */
};

/* Writes the audit package of a stored scan (doc/audit-package.md) to
 * out_path: a directory, or a gzip-compressed ustar archive when out_path
 * ends in ".tar.gz" or ".tgz". Everything is built in a temporary
 * directory beside out_path and renamed into place, so a failure leaves
 * nothing; an existing non-empty directory is refused. */
attest_rc attest_package_write(attest_store *store, const char *scan_id,
			       const struct attest_package_opts *opts, const char *out_path,
			       struct attest_package_info *info);

/* A period package (doc/audit-package.md): every scan of one scope whose
 * as_of falls in [from, to], with a per-control status timeline, the
 * time to fix of each finding fixed in the period, the exceptions and
 * attestations in force on each scan date, and the cadence gaps. */
struct attest_period_opts {
	const char *from, *to; /* dates (a date covers its whole day) or UTC times */
	const char *scope;     /* NULL: the one scope the period's scans have */
	int cadence_days;      /* a longer time without a scan is a gap; 0: 31 */
	const char *key_path;  /* as for attest_package_write */
	const char *cert_path;
};

struct attest_period_info {
	size_t files, scans, gaps, fixed;
	char scope[256]; /* cut to fit */
	char algorithm[16];
};

/* Writes the period package to out_path (a directory or .tar.gz, as
 * attest_package_write). ATTEST_ERR_NOTFOUND when no scan falls in the
 * period; ATTEST_ERR_USAGE for a bad period or when its scans have several
 * scopes and none was chosen (the message lists them). */
attest_rc attest_package_period(attest_store *store, const struct attest_period_opts *opts,
				const char *out_path, struct attest_period_info *info);

struct attest_verify_info {
	char scan_id[ATTEST_SCAN_ID_MAX]; /* "" for a period package */
	char period[64];                  /* "FROM..TO" of a period package */
	char algorithm[16];
	size_t files; /* files the manifest lists */
	bool signature_valid;
	bool key_from_package; /* verified with the package's own certificate */
	bool inventory_complete;
};

/* Verifies a package (a directory or a .tar.gz): recomputes every file's
 * SHA-256 and size, compares them with the manifest and checks the manifest's
 * signature against pubkey_path (a PEM public key or certificate) or, when
 * NULL, the package's certificate. problem receives each discrepancy (the
 * file concerned, or NULL, and what is wrong); *problems their count.
 * Returns an error only when the package cannot be examined at all (not
 * found, an unsafe or malformed archive, an unreadable key). */
attest_rc attest_package_verify(attest_ctx *ctx, const char *package, const char *pubkey_path,
				void (*problem)(void *data, const char *file, const char *what),
				void *data, struct attest_verify_info *info, long long *problems);

#endif
