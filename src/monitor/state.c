/*
 * The inventory attest watch keeps current: where it starts from, the
 * collections that refresh it, and the full scans it stores.
 */
#include "config.h"

#include "monitor/watch.h"
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A private temporary file in the temporary directory, registered for
 * removal on signals before it exists. */
static attest_rc
temp_file(attest_ctx *ctx, const char *tag, char *path, size_t size)
{
	char base[4096], name[64];
	attest_rc rc;

	snprintf(name, sizeof(name), "attest-%s", tag);
	if ((rc = core_path_join(ctx, base, sizeof(base), core_tmpdir(), name)) != ATTEST_OK)
		return rc;
	return core_tmp_create(ctx, base, path, size);
}

static void
temp_remove(const char *path)
{
	attest_tmp_unregister(path);
	unlink(path);
}

/* Evaluates inv and, when save, stores it as a scan (its inputs kept),
 * whose id becomes the base scan. */
static attest_rc
evaluate(struct monitor *m, attest_inventory *inv, bool save, time_t started)
{
	char id[ATTEST_SCAN_ID_MAX];
	attest_rc rc;

	if ((rc = attest_evaluate_with(inv, m->lib, &m->o->eval)) != ATTEST_OK)
		return rc;
	if (!save)
		return ATTEST_OK;
	attest_store_set_keep_inputs(m->store, true);
	if ((rc = attest_store_save(m->store, inv, started, time(NULL), id)) != ATTEST_OK)
		return rc;
	snprintf(m->st->base_scan, sizeof(m->st->base_scan), "%s", id);
	core_log(m->ctx, ATTEST_LOG_INFO, "stored full scan %s (%lld resources)", id,
		 attest_inventory_count(inv));
	return ATTEST_OK;
}

attest_rc
monitor_collect(struct monitor *m, const char *const *types, size_t n_types, const char *region,
		attest_inventory **out)
{
	struct attest_aws_collect_opts opts = m->o->aws;
	struct attest_aws_collect_stats cs = {0};
	attest_inventory *inv = NULL;
	char path[4096];
	attest_rc rc;

	*out = NULL;
	opts.types = types;
	opts.n_types = n_types;
	if (region) {
		opts.regions = &region;
		opts.n_regions = 1;
	}
	opts.stream = NULL;
	if ((rc = temp_file(m->ctx, "watch", path, sizeof(path))) != ATTEST_OK)
		return rc;
	rc = attest_collect_aws(m->ctx, &opts, path, &cs);
	if (rc == ATTEST_OK && (rc = attest_inventory_new(m->ctx, &inv)) == ATTEST_OK &&
	    (rc = attest_inventory_load(inv, path)) == ATTEST_OK)
		rc = attest_inventory_finish(inv);
	temp_remove(path);
	if (rc != ATTEST_OK) {
		attest_inventory_free(inv);
		return rc;
	}
	m->st->collections++;
	*out = inv;
	return ATTEST_OK;
}

/* A full collection evaluated and stored: the new base. */
static attest_rc
start_from_collection(struct monitor *m)
{
	attest_inventory *inv = NULL;
	time_t started = time(NULL);
	attest_rc rc;

	core_log(m->ctx, ATTEST_LOG_INFO, "collecting the estate for a new base scan");
	if ((rc = monitor_collect(m, NULL, 0, NULL, &inv)) != ATTEST_OK)
		return rc;
	/* The collected file is gone; the scan keeps it through a native
	 * copy, as a snapshot does. */
	m->inv = inv;
	if ((rc = evaluate(m, inv, false, started)) != ATTEST_OK ||
	    (rc = monitor_snapshot(m)) != ATTEST_OK)
		return rc;
	m->last_full = started;
	return ATTEST_OK;
}

struct base {
	char id[ATTEST_SCAN_ID_MAX];
	char finished[32];
	char *sources; /* JSON array of the inputs read */
	bool found;
};

static void
base_scan_info(void *data, const struct attest_scan_info *s)
{
	struct base *b = data;

	if (b->found)
		return;
	b->found = true;
	snprintf(b->id, sizeof(b->id), "%s", s->id);
	snprintf(b->finished, sizeof(b->finished), "%s", s->finished_at);
	b->sources = strdup(s->sources ? s->sources : "[]");
}

static void
any_change(void *data, const struct attest_change_info *c)
{
	(void)c;
	*(bool *)data = true;
}

/* Loads the kept inputs of scan b into inv; ATTEST_ERR_NOTFOUND when one
 * of them is not kept. */
static attest_rc
load_kept(struct monitor *m, const struct base *b, attest_inventory *inv)
{
	json_t *sources = json_loads(b->sources ? b->sources : "[]", 0, NULL);
	const char *sha;
	char path[4096];
	long long bytes;
	size_t i;
	FILE *fp;
	attest_rc rc = ATTEST_OK;

	if (!json_is_array(sources) || json_array_size(sources) == 0)
		rc = ATTEST_ERR_NOTFOUND;
	for (i = 0; rc == ATTEST_OK && i < json_array_size(sources); i++) {
		sha = json_string_value(json_object_get(json_array_get(sources, i), "sha256"));
		if (!sha) {
			rc = ATTEST_ERR_NOTFOUND;
			break;
		}
		if ((rc = temp_file(m->ctx, "base", path, sizeof(path))) != ATTEST_OK)
			break;
		fp = fopen(path, "wb");
		if (!fp)
			rc = core_error(m->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", path,
					strerror(errno));
		else if ((rc = store_input_write(m->store, sha, fp, &bytes)) == ATTEST_OK &&
			 fclose(fp) != 0)
			rc = core_error(m->ctx, ATTEST_ERR_IO, "cannot write '%s'", path);
		else if (rc != ATTEST_OK)
			fclose(fp);
		if (rc == ATTEST_OK)
			rc = attest_inventory_load(inv, path);
		temp_remove(path);
	}
	json_decref(sources);
	return rc;
}

/* The latest stored scan, when it can be the base: younger than max_age,
 * its inputs kept, and no event applied after it. */
static attest_rc
start_from_history(struct monitor *m, bool *done)
{
	struct attest_history_filter f = {0};
	struct base b = {0};
	attest_inventory *inv = NULL;
	time_t finished;
	bool changed = false;
	attest_rc rc;

	*done = false;
	f.limit = 1;
	if ((rc = attest_store_history(m->store, &f, base_scan_info, &b)) != ATTEST_OK)
		return rc;
	if (!b.found)
		return ATTEST_OK;
	if (!core_time_parse(b.finished, &finished) || time(NULL) - finished > m->o->max_age) {
		core_log(m->ctx, ATTEST_LOG_INFO, "the latest scan %s is older than --max-age",
			 b.id);
		goto out;
	}
	f.limit = 1;
	f.since = b.finished;
	if ((rc = attest_store_changes(m->store, &f, any_change, &changed)) != ATTEST_OK)
		goto out;
	if (changed) {
		core_log(m->ctx, ATTEST_LOG_INFO,
			 "events were applied after the latest scan %s: collecting anew", b.id);
		goto out;
	}
	if ((rc = attest_inventory_new(m->ctx, &inv)) != ATTEST_OK)
		goto out;
	rc = load_kept(m, &b, inv);
	if (rc == ATTEST_ERR_NOTFOUND) {
		core_log(m->ctx, ATTEST_LOG_INFO,
			 "the latest scan %s did not keep its inputs: collecting anew", b.id);
		rc = ATTEST_OK;
		goto out;
	}
	if (rc != ATTEST_OK || (rc = attest_inventory_finish(inv)) != ATTEST_OK ||
	    (rc = evaluate(m, inv, false, time(NULL))) != ATTEST_OK)
		goto out;
	snprintf(m->st->base_scan, sizeof(m->st->base_scan), "%s", b.id);
	m->inv = inv;
	inv = NULL;
	m->last_snapshot = m->last_full = finished;
	*done = true;
	core_log(m->ctx, ATTEST_LOG_INFO, "starting from scan %s (%lld resources)", b.id,
		 attest_inventory_count(m->inv));
out:
	attest_inventory_free(inv);
	free(b.sources);
	return rc;
}

attest_rc
monitor_state_init(struct monitor *m)
{
	bool done;
	attest_rc rc;

	if ((rc = start_from_history(m, &done)) != ATTEST_OK || done)
		return rc;
	return start_from_collection(m);
}

attest_rc
monitor_snapshot(struct monitor *m)
{
	attest_inventory *copy = NULL;
	time_t started = time(NULL);
	char path[4096];
	FILE *fp;
	attest_rc rc;

	if ((rc = temp_file(m->ctx, "snapshot", path, sizeof(path))) != ATTEST_OK)
		return rc;
	fp = fopen(path, "wb");
	if (!fp) {
		rc = core_error(m->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", path,
				strerror(errno));
	} else {
		rc = attest_inventory_write_native(m->inv, started, fp, path);
		if (fclose(fp) != 0 && rc == ATTEST_OK)
			rc = core_error(m->ctx, ATTEST_ERR_IO, "cannot write '%s'", path);
	}
	if (rc == ATTEST_OK && (rc = attest_inventory_new(m->ctx, &copy)) == ATTEST_OK &&
	    (rc = attest_inventory_load(copy, path)) == ATTEST_OK &&
	    (rc = attest_inventory_finish(copy)) == ATTEST_OK)
		rc = evaluate(m, copy, true, started);
	attest_inventory_free(copy);
	temp_remove(path);
	if (rc == ATTEST_OK) {
		m->last_snapshot = started;
		m->st->snapshots++;
	}
	return rc;
}
