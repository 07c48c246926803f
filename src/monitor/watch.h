/*
 * attest watch (doc/watch.md): keeps an evaluated inventory of the estate
 * current from change events on an SQS queue, stores what each event
 * changed as a delta in the history, raises alerts, and stores a full scan
 * at least every snapshot_every.
 *
 * State: the inventory of the latest full scan in the history when it is
 * younger than max_age, kept its inputs and no event was applied after it;
 * else a new full collection, stored as a scan. A message is deleted from
 * the queue only after its delta is committed to the history; an event
 * whose key is already there is applied to the inventory again (so a crash
 * between the two commits loses nothing) but stores and alerts nothing.
 */
#ifndef ATTEST_MONITOR_WATCH_H
#define ATTEST_MONITOR_WATCH_H

#include "core/core_int.h"
#include "monitor/monitor.h"

#include <signal.h>
#include <stdio.h>

struct alert_rules;
struct event_table;
struct monitor_status;

struct monitor_opts {
	const char *queue_url;
	struct attest_aws_collect_opts aws;           /* full and targeted collections */
	const char *profile, *role_arn, *external_id; /* the SQS/S3 client */
	struct attest_eval_opts eval;
	long max_age;        /* seconds a stored scan may be old to start from */
	long interval;       /* seconds between full re-collections; 0: none */
	long snapshot_every; /* seconds between stored full scans */
	bool once;           /* stop when the queue is empty */
	int wait_s;          /* long-poll wait, 0..20 */
	int visibility_s;    /* how long a received message stays hidden */
	const struct event_table *events;
	struct alert_rules *rules; /* NULL: no alerts */
	FILE *ocsf;                /* NULL, or OCSF findings of every delta */
	const char *ocsf_name;
	volatile sig_atomic_t *stop;   /* set: finish the message in hand, return */
	volatile sig_atomic_t *reload; /* set: call on_reload, then clear */
	attest_rc (*on_reload)(void *data, struct alert_rules **rules);
	void (*on_status)(void *data, const struct monitor_status *st);
	void *data;
	long status_every; /* seconds between on_status calls; 0: 60 */
};

struct monitor_status {
	unsigned long received, applied, duplicates, ignored, dead, deltas;
	unsigned long alerts_queued, alerts_sent, alerts_pending;
	unsigned long collections, snapshots, drifts;
	long queue_visible, queue_in_flight; /* -1: unknown */
	long lag_s;                          /* age of the last message received */
	char base_scan[ATTEST_SCAN_ID_MAX];
};

attest_rc monitor_run(attest_ctx *ctx, attest_library *lib, attest_store *store,
		      const struct monitor_opts *o, struct monitor_status *st);

/* ---- inside the monitor ---- */

/* One collection shared by the CloudTrail events of a received batch that
 * name the same region (apply.c). */
struct monitor_prefetch {
	char *region; /* NULL: events without one (global services) */
	char *types[64];
	size_t n_types;
	attest_inventory *inv; /* NULL when the collection failed */
};

struct aws_sqs_message;
struct event;

struct monitor {
	attest_ctx *ctx;
	attest_library *lib;
	attest_store *store;
	const struct monitor_opts *o;
	struct monitor_status *st;
	struct aws_client *client;
	struct alert_rules *rules; /* o->rules, or what a reload gave */
	attest_inventory *inv;
	time_t last_snapshot, last_full;
	time_t last_alerted; /* when the rules last ran: exceptions lapse after it */
	struct monitor_prefetch pf[8];
	size_t n_pf;
	const struct aws_sqs_message *done[10]; /* processed, not yet deleted */
	size_t n_done;
};

/* The starting state (state.c): an evaluated inventory in m->inv, and the
 * base scan's id in m->st->base_scan. */
attest_rc monitor_state_init(struct monitor *m);
/* Collects the estate (types: only those; region: only that one; NULL/0:
 * everything of o->aws) into a new finished inventory. */
attest_rc monitor_collect(struct monitor *m, const char *const *types, size_t n_types,
			  const char *region, attest_inventory **out);
/* The deltas of one re-evaluation, owned (process.c). */
struct monitor_deltas {
	struct attest_delta *d;
	size_t n, cap;
};
/* An attest_delta_fn keeping copies in data (a struct monitor_deltas). */
attest_rc monitor_keep_delta(void *data, const struct attest_delta *d);
void monitor_deltas_free(struct monitor_deltas *ds);
struct alert_score;
/* The alerts the rules give for deltas caused by w (NULL: a full
 * re-collection): a JSON array of {channel, payload}; NULL without rules. */
attest_rc monitor_alerts_of(struct monitor *m, const struct attest_watch_event *w,
			    const struct monitor_deltas *ds, const struct alert_score *scores,
			    size_t n_scores, json_t **out);

struct aws_sqs_message;
/* Processes the messages of one receive (batch.c): each a dead letter,
 * ignored, or applied and stored; left for a retry when its re-collection
 * failed; deleted by monitor_delete_done(). Errors only for the history or
 * the inventory failing. */
attest_rc monitor_process_batch(struct monitor *m, const struct aws_sqs_message *msgs, size_t n);
/* The pieces of it (process.c). */
size_t monitor_read_scores(struct monitor *m, struct alert_score *s, char names[][64], size_t max,
			   bool after);
void monitor_watch_event(const struct monitor *m, const struct event *ev,
			 const struct aws_sqs_message *msg, long touched,
			 struct attest_watch_event *w);
void monitor_write_ocsf(struct monitor *m, const struct event *ev, const struct monitor_deltas *ds);
attest_rc monitor_store_event(struct monitor *m, const struct attest_watch_event *w,
			      const struct monitor_deltas *ds, const json_t *alerts);
void monitor_dead_letter(struct monitor *m, const struct aws_sqs_message *msg, const char *reason);
void monitor_delete_message(struct monitor *m, const struct aws_sqs_message *msg);
/* Deletes the messages processed since the last call, in one call. */
void monitor_delete_done(struct monitor *m);
/* Raises the collection-failed alerts for message (watch.c). */
void monitor_collection_failed(struct monitor *m, const char *message);

/* Collects, once per region, what the CloudTrail events of msgs touch
 * (apply.c); monitor_apply() takes their resources from it. A failed
 * collection is left for each event to retry on its own. */
void monitor_prefetch(struct monitor *m, const struct aws_sqs_message *msgs, size_t n);
void monitor_prefetch_clear(struct monitor *m);

struct event;
/* Applies ev to m->inv's open change set (apply.c); *touched counts the
 * resources it put or dropped. A failed S3 read or re-collection is an
 * error (the message is then retried). */
attest_rc monitor_apply(struct monitor *m, const struct event *ev, long *touched);
/* Stores the current inventory as a full scan, its inputs kept (the
 * inventory written out as native NDJSON and evaluated whole). */
attest_rc monitor_snapshot(struct monitor *m);

#endif
