/*
 * Shared by the HTTP engine's two files: http.c (the queue, the run loop,
 * the retry decisions) and http_transfer.c (one attempt of a request).
 */
#ifndef ATTEST_AWS_HTTP_INT_H
#define ATTEST_AWS_HTTP_INT_H

#include "collect/aws/http.h"

#define MAX_SERVICES 32

struct job {
	struct job *next;
	struct job *next_active; /* while in flight: the engine's active list */
	struct aws_call call;    /* strings below are owned copies */
	struct aws_header *hdrs;
	char *strings; /* one allocation holding the copied strings */
	void *body;
	aws_engine_done_fn fn;
	void *data;
	int svc;         /* index into engine->svc */
	long timeout_ms; /* per attempt */
	size_t max_body;
	unsigned attempts;
	double ready_at; /* monotonic seconds */
	/* per attempt */
	CURL *easy;
	struct curl_slist *sent;
	struct core_buf resp;
	char errtype[128];
	bool too_big;
};

struct svc_slot {
	char name[40];
	unsigned active;
};

struct aws_engine {
	attest_ctx *ctx;
	struct aws_engine_opts o;
	CURLM *multi;
	struct job *queue, *queue_tail;
	struct job *active_list; /* jobs in flight, freed by _free if run stopped */
	unsigned active;
	struct svc_slot svc[MAX_SERVICES];
	int n_svc;
	aws_engine_sign_fn sign;
	void *sign_data;
	void (*tick)(void *);
	void *tick_data;
	double last_tick;
	bool cancelled;
	struct aws_engine_stats stats;
	unsigned long long rng;
};

/* Starts one attempt of j (taken off the queue): headers, signature, the
 * transfer added to h's multi handle, h's counters updated. */
attest_rc http_start(struct aws_engine *h, struct job *j);

#endif
