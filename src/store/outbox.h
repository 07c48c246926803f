/*
 * The alert outbox of the history database (table alert_outbox, schema
 * version 8; doc/alerts.md): alerts that attest watch decided to send, kept
 * until their channel accepts them. A row names its channel by the name the
 * alert rules give it, never by its URL or credentials, so nothing secret is
 * stored; the payload is the JSON body of doc/alerts.md, already redacted.
 *
 * None of these functions opens a transaction: store_outbox_add() writes
 * inside the caller's (the one that stores the event and its deltas), and
 * the others are single statements. Times are UTC seconds, stored as ISO
 * 8601 text. Errors name the history database and are on the store's
 * context.
 */
#ifndef ATTEST_STORE_OUTBOX_H
#define ATTEST_STORE_OUTBOX_H

#include "core/core_int.h"

/* One undelivered row, lent to the callback of store_outbox_due(). */
struct store_outbox_row {
	long long id;
	time_t created_at, next_attempt_at;
	const char *channel, *payload;
	const char *last_error; /* NULL before the first failed attempt */
	long attempts;          /* failed attempts so far */
};

/* Enqueues payload for channel, created at `now` and due at once; *id (may
 * be NULL) receives the row's id. */
attest_rc store_outbox_add(attest_store *store, time_t now, const char *channel,
			   const char *payload, long long *id);
/* Calls fn with each channel that has undelivered rows due at `now`, in
 * name order; the name is lent for the call. */
attest_rc store_outbox_due_channels(attest_store *store, time_t now,
				    void (*fn)(void *data, const char *channel), void *data);
/* Calls fn for at most max undelivered rows of channel whose next attempt
 * is due at `now`, by creation time, then id. The row is lent for the
 * call; fn must not write to the store. */
attest_rc store_outbox_due(attest_store *store, const char *channel, time_t now, size_t max,
			   void (*fn)(void *data, const struct store_outbox_row *row), void *data);
/* Marks the n rows ids delivered at `at`. */
attest_rc store_outbox_delivered(attest_store *store, const long long *ids, size_t n, time_t at);
/* Records one more failed attempt of the n rows ids: attempts + 1, the next
 * attempt at next_at, error as the last error (redacted once more on the
 * way in; the caller keeps URLs and credentials out of it). */
attest_rc store_outbox_failed(attest_store *store, const long long *ids, size_t n, time_t next_at,
			      const char *error);
/* Undelivered rows, and the creation time of the oldest (0 when none). */
attest_rc store_outbox_pending(attest_store *store, long long *pending, time_t *oldest);

#endif
