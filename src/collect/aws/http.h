/*
 * The HTTP engine of the AWS collector: many requests in flight at once over
 * libcurl's multi interface, with a bound on concurrency overall and per
 * service, a timeout per request, TLS verification always on, proxies from
 * the environment (libcurl's default), a bounded response size, and retries
 * with exponential backoff and full jitter on throttling, 5xx answers and
 * transient network errors. Each request is signed again before every
 * attempt (through the signer callback), so a retry after a long backoff
 * never carries a stale date. Single-threaded: callbacks run inside
 * aws_engine_run() and may submit more requests.
 *
 * Ownership: aws_engine_submit() copies everything it is given; the result
 * passed to a callback is lent for the duration of the call.
 */
#ifndef ATTEST_AWS_HTTP_H
#define ATTEST_AWS_HTTP_H

#include "core/core_int.h"

#include "collect/aws/sigv4.h"

#include <curl/curl.h>

struct aws_engine;

struct aws_engine_opts {
	unsigned max_total;       /* requests in flight overall */
	unsigned max_per_service; /* requests in flight per service */
	long timeout_ms;          /* whole request, per attempt */
	long connect_timeout_ms;
	size_t max_body;       /* largest response body accepted */
	unsigned max_attempts; /* 1 = no retries */
	long backoff_base_ms;  /* first retry waits up to this (full jitter) */
	long backoff_cap_ms;   /* no wait is longer */
};

/* Sensible defaults: 32 overall, 16 per service, 30 s timeout, 64 MiB
 * bodies, 6 attempts, 200 ms base, 20 s cap. */
void aws_engine_opts_default(struct aws_engine_opts *o);

struct aws_call {
	const char *service; /* signing name; also the concurrency bucket */
	const char *region;  /* signing region */
	const char *method;  /* GET, POST, ... */
	const char *url;
	const struct aws_header *headers;
	size_t n_headers;
	const void *body;
	size_t body_len;
	bool s3;         /* S3 signing rules */
	long delay_ms;   /* wait this long before the first attempt */
	void *sign_data; /* the signer's data for this request; NULL: the
			    engine's (several accounts share one engine) */
};

struct aws_reply {
	long status;      /* HTTP status; 0 when no answer came */
	const char *body; /* NUL-terminated, never NULL */
	size_t body_len;
	bool ok;                   /* a complete 2xx answer */
	const char *error_code;    /* AWS error code, or a network one, NULL when ok */
	const char *error_message; /* "" when none */
	unsigned attempts;
	const struct aws_call *req; /* the request as submitted */
};

/* Called once per request when it is finished (after its last attempt). */
typedef void (*aws_engine_done_fn)(struct aws_engine *h, const struct aws_reply *res, void *data);

/* Adds the signing headers to a request before each attempt: *out receives a
 * list of extra headers (to free with curl_slist_free_all). data is the
 * request's sign_data when set, else the data given with the signer. */
typedef attest_rc (*aws_engine_sign_fn)(void *data, const struct aws_call *req,
					struct curl_slist **out);

attest_rc aws_engine_new(attest_ctx *ctx, const struct aws_engine_opts *opts,
			 struct aws_engine **out);
void aws_engine_free(struct aws_engine *h);
void aws_engine_set_signer(struct aws_engine *h, aws_engine_sign_fn fn, void *data);
/* Called about once a second while aws_engine_run() works, for progress. */
void aws_engine_set_tick(struct aws_engine *h, void (*fn)(void *data), void *data);

/* Queues a request. Fails only when out of memory. */
attest_rc aws_engine_submit(struct aws_engine *h, const struct aws_call *req, aws_engine_done_fn fn,
			    void *data);
/* The same with this request's own limits (0: the engine's): the timeout
 * of each attempt (a long poll waits longer than any listing) and the
 * largest answer accepted (a capped download). */
attest_rc aws_engine_submit_limited(struct aws_engine *h, const struct aws_call *req,
				    long timeout_ms, size_t max_body, aws_engine_done_fn fn,
				    void *data);
/* Runs until no request is queued, waiting or in flight. Fails only on an
 * internal error of libcurl or memory; failed requests are reported to
 * their callbacks, not here. */
attest_rc aws_engine_run(struct aws_engine *h);
/* Makes aws_engine_run() return soon: queued requests get error "Cancelled". */
void aws_engine_cancel(struct aws_engine *h);

struct aws_engine_stats {
	unsigned long calls;   /* attempts made */
	unsigned long retries; /* attempts that were retries */
	unsigned long errors;  /* requests that failed for good */
	unsigned long bytes;   /* response bytes received */
};
void aws_engine_stats(const struct aws_engine *h, struct aws_engine_stats *out);

/* True for the error codes AWS uses for throttling. */
bool aws_engine_is_throttle(const char *code);

#endif
