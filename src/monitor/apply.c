/*
 * Applying one change event to the kept inventory's open change set. An
 * AWS Config item is the resource's new configuration as Config recorded
 * it (an oversized one is read from S3 first); a CloudTrail event names
 * what changed but not how, so the touched types are collected again in
 * the event's region and the touched resources taken from that collection.
 */
#include "config.h"

#include "collect/aws/client.h"
#include "monitor/event.h"
#include "monitor/watch.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* An oversized Config item is at most this big (AWS Config's own limit is
 * far below it). */
#define CONFIG_ITEM_MAX (64u << 20)

/* AWS Config delivers oversized items gzip-compressed (.json.gz): body is
 * replaced by its inflated content, at most CONFIG_ITEM_MAX bytes. */
static attest_rc
gunzip(struct monitor *m, const char *what, struct core_buf *body)
{
	struct core_buf out;
	z_stream z;
	unsigned char chunk[65536];
	int zr = Z_OK;
	attest_rc rc = ATTEST_OK;

	if (body->len < 2 || (unsigned char)body->data[0] != 0x1f ||
	    (unsigned char)body->data[1] != 0x8b)
		return ATTEST_OK;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return core_nomem(m->ctx);
	core_buf_init(&out, CONFIG_ITEM_MAX);
	z.next_in = (unsigned char *)body->data;
	z.avail_in = (uInt)body->len;
	while (rc == ATTEST_OK && zr != Z_STREAM_END) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			rc = core_error(m->ctx, ATTEST_ERR_INVALID, "%s: not valid gzip data (%s)",
					what, z.msg ? z.msg : "truncated");
		else if (core_buf_add(&out, chunk, sizeof(chunk) - z.avail_out) != ATTEST_OK)
			rc = core_error(m->ctx, ATTEST_ERR_LIMIT,
					"%s: inflates to more than %u bytes", what,
					CONFIG_ITEM_MAX);
	}
	inflateEnd(&z);
	if (rc == ATTEST_OK) {
		core_buf_release(body);
		*body = out;
	} else {
		core_buf_release(&out);
	}
	return rc;
}

static attest_rc
put_oversized(struct monitor *m, const struct event *ev, long *touched)
{
	struct core_buf body;
	json_error_t err;
	json_t *doc = NULL, *item;
	char what[2048];
	attest_rc rc;

	if (!ev->s3_bucket || !ev->s3_key)
		return core_error(m->ctx, ATTEST_ERR_INVALID,
				  "event '%s': an oversized configuration item without its S3 "
				  "location",
				  ev->key);
	core_buf_init(&body, CONFIG_ITEM_MAX);
	rc = aws_s3_get_object(m->client, ev->s3_bucket, ev->s3_key, CONFIG_ITEM_MAX, &body);
	snprintf(what, sizeof(what), "s3://%s/%s", ev->s3_bucket, ev->s3_key);
	if (rc == ATTEST_OK)
		rc = gunzip(m, what, &body);
	if (rc == ATTEST_OK) {
		doc = json_loadb(body.data ? body.data : "", body.len, 0, &err);
		if (!doc)
			rc = core_error(m->ctx, ATTEST_ERR_INVALID, "%s: line %d, column %d: %s",
					what, err.line, err.column, err.text);
	}
	core_buf_release(&body);
	if (rc != ATTEST_OK)
		return rc;
	/* The delivered object is the notification itself, or the bare item. */
	item = json_object_get(doc, "configurationItem");
	rc = attest_inventory_put_config_item(m->inv, item ? item : doc);
	if (rc == ATTEST_OK)
		(*touched)++;
	json_decref(doc);
	return rc;
}

/* The distinct types an event touches, for one targeted collection. */
static size_t
touched_types(const struct event *ev, const char **types, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < ev->n_res && n < max; i++) {
		for (j = 0; j < n && strcmp(types[j], ev->res[i].type) != 0; j++)
			;
		if (j == n)
			types[n++] = ev->res[i].type;
	}
	return n;
}

static attest_rc
refresh_one(struct monitor *m, attest_inventory *fresh, const struct event_resource *r,
	    const char *account, long *touched)
{
	enum attest_refresh what;
	const char *key = r->id ? r->id : r->arn ? r->arn : r->name;
	bool was;
	attest_rc rc;

	if (!key) {
		/* The event says only that something of the type changed. */
		rc = attest_inventory_refresh_type(m->inv, fresh, r->type, account, r->region,
						   &was);
		what = was ? ATTEST_REFRESH_UPDATED : ATTEST_REFRESH_NOT_COLLECTED;
	} else {
		rc = attest_inventory_refresh(m->inv, fresh, r->type, key, account, r->region,
					      &what);
	}
	if (rc != ATTEST_OK)
		return rc;
	if (what == ATTEST_REFRESH_NOT_COLLECTED)
		return core_error(m->ctx, ATTEST_ERR_IO,
				  "re-collecting %s in %s failed (see the collection log of "
				  "'attest collect aws --type %s')",
				  r->type, r->region ? r->region : "the account", r->type);
	(*touched)++;
	return ATTEST_OK;
}

static bool
same_region(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static struct monitor_prefetch *
prefetch_slot(struct monitor *m, const char *region, bool create)
{
	size_t i;

	for (i = 0; i < m->n_pf; i++)
		if (same_region(m->pf[i].region, region))
			return &m->pf[i];
	if (!create || m->n_pf == sizeof(m->pf) / sizeof(*m->pf))
		return NULL;
	m->pf[m->n_pf].region = region ? strdup(region) : NULL;
	return &m->pf[m->n_pf++];
}

static bool
has_type(const struct monitor_prefetch *pf, const char *type)
{
	size_t i;

	for (i = 0; i < pf->n_types; i++)
		if (strcmp(pf->types[i], type) == 0)
			return true;
	return false;
}

void
monitor_prefetch(struct monitor *m, const struct aws_sqs_message *msgs, size_t n)
{
	struct monitor_prefetch *pf;
	struct event ev;
	size_t i, j;

	for (i = 0; i < n; i++) {
		memset(&ev, 0, sizeof(ev));
		if (event_parse(m->o->events, msgs[i].body, msgs[i].body_len, &ev) == ATTEST_OK &&
		    ev.kind == EVENT_CLOUDTRAIL && (pf = prefetch_slot(m, ev.region, true)))
			for (j = 0; j < ev.n_res; j++)
				if (!has_type(pf, ev.res[j].type) &&
				    pf->n_types < sizeof(pf->types) / sizeof(*pf->types))
					pf->types[pf->n_types++] = strdup(ev.res[j].type);
		event_clear(&ev);
	}
	for (i = 0; i < m->n_pf; i++)
		if (monitor_collect(m, (const char *const *)m->pf[i].types, m->pf[i].n_types,
				    m->pf[i].region, &m->pf[i].inv) != ATTEST_OK)
			core_log(m->ctx, ATTEST_LOG_WARN, "collecting what %zu events touched: %s",
				 n, attest_ctx_errmsg(m->ctx));
}

void
monitor_prefetch_clear(struct monitor *m)
{
	size_t i, j;

	for (i = 0; i < m->n_pf; i++) {
		attest_inventory_free(m->pf[i].inv);
		free(m->pf[i].region);
		for (j = 0; j < m->pf[i].n_types; j++)
			free(m->pf[i].types[j]);
	}
	memset(m->pf, 0, sizeof(m->pf));
	m->n_pf = 0;
}

/* The batch's collection of ev's region, when it covers every type ev
 * touches. */
static attest_inventory *
prefetched(struct monitor *m, const struct event *ev)
{
	struct monitor_prefetch *pf = prefetch_slot(m, ev->region, false);
	size_t i;

	if (!pf || !pf->inv)
		return NULL;
	for (i = 0; i < ev->n_res; i++)
		if (!has_type(pf, ev->res[i].type))
			return NULL;
	return pf->inv;
}

static attest_rc
recollect(struct monitor *m, const struct event *ev, long *touched)
{
	const char *types[64];
	attest_inventory *fresh = prefetched(m, ev), *own = NULL;
	size_t i, n;
	attest_rc rc = ATTEST_OK;

	if (!fresh) {
		n = touched_types(ev, types, sizeof(types) / sizeof(*types));
		if ((rc = monitor_collect(m, types, n, ev->region, &own)) != ATTEST_OK)
			return rc;
		fresh = own;
	}
	for (i = 0; rc == ATTEST_OK && i < ev->n_res; i++)
		rc = refresh_one(m, fresh, &ev->res[i],
				 ev->res[i].account ? ev->res[i].account : ev->account, touched);
	attest_inventory_free(own);
	return rc;
}

attest_rc
monitor_apply(struct monitor *m, const struct event *ev, long *touched)
{
	bool found;
	size_t i;
	attest_rc rc = ATTEST_OK;

	*touched = 0;
	switch (ev->kind) {
	case EVENT_CONFIG:
		for (i = 0; rc == ATTEST_OK && i < ev->n_res; i++) {
			const struct event_resource *r = &ev->res[i];

			if (r->config_item) {
				rc = attest_inventory_put_config_item(m->inv, r->config_item);
				*touched += rc == ATTEST_OK;
			} else if (r->deleted) {
				rc = attest_inventory_drop(m->inv, r->type, r->id ? r->id : r->arn,
							   r->account, r->region, &found);
				*touched += rc == ATTEST_OK && found;
			}
		}
		return rc;
	case EVENT_CONFIG_OVERSIZED:
		return put_oversized(m, ev, touched);
	case EVENT_CLOUDTRAIL:
		return ev->n_res ? recollect(m, ev, touched) : ATTEST_OK;
	default:
		return ATTEST_OK;
	}
}
