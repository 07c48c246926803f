/*
 * The collector's HTTP engine (see http.h). Requests wait in one queue; the
 * run loop starts those whose service has room and whose backoff has
 * elapsed, up to the overall bound, drives libcurl's multi handle, and when
 * a transfer ends decides: done (2xx), retry (throttled, 5xx, network
 * trouble, with full-jitter exponential backoff), or failed for good. The
 * error code of an AWS answer is read from the body or the x-amzn-ErrorType
 * header, so throttling is recognised whatever the protocol.
 */
#include "config.h"

#include "collect/aws/http_int.h"
#include "collect/aws/protocol.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const throttle_codes[] = {"Throttling",
					     "ThrottlingException",
					     "ThrottledException",
					     "RequestThrottledException",
					     "TooManyRequestsException",
					     "ProvisionedThroughputExceededException",
					     "TransactionInProgressException",
					     "RequestLimitExceeded",
					     "BandwidthLimitExceeded",
					     "LimitExceededException",
					     "RequestThrottled",
					     "SlowDown",
					     "PriorRequestNotComplete",
					     "EC2ThrottledException",
					     NULL};

void
aws_engine_opts_default(struct aws_engine_opts *o)
{
	o->max_total = 32;
	o->max_per_service = 16;
	o->timeout_ms = 30000;
	o->connect_timeout_ms = 10000;
	o->max_body = 64u << 20;
	o->max_attempts = 6;
	o->backoff_base_ms = 200;
	o->backoff_cap_ms = 20000;
}

bool
aws_engine_is_throttle(const char *code)
{
	size_t i;

	if (!code)
		return false;
	for (i = 0; throttle_codes[i]; i++)
		if (strcmp(code, throttle_codes[i]) == 0)
			return true;
	return false;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: jitter needs no cryptographic quality, only spread. */
static double
rnd(struct aws_engine *h)
{
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return (double)((h->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

attest_rc
aws_engine_new(attest_ctx *ctx, const struct aws_engine_opts *opts, struct aws_engine **out)
{
	struct aws_engine *h;
	struct timespec ts;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return core_nomem(ctx);
	h->ctx = ctx;
	if (opts)
		h->o = *opts;
	else
		aws_engine_opts_default(&h->o);
	if (h->o.max_total == 0)
		h->o.max_total = 1;
	if (h->o.max_per_service == 0)
		h->o.max_per_service = 1;
	if (h->o.max_attempts == 0)
		h->o.max_attempts = 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(h);
		return core_error(ctx, ATTEST_ERR_INTERNAL, "cannot initialize libcurl");
	}
	h->multi = curl_multi_init();
	if (!h->multi) {
		free(h);
		return core_nomem(ctx);
	}
	/* Reuse connections across requests to the same host. */
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->o.max_total);
	clock_gettime(CLOCK_REALTIME, &ts);
	h->rng = ((unsigned long long)ts.tv_nsec << 20) ^ (unsigned long long)ts.tv_sec ^
		 ((unsigned long long)getpid() << 40) ^ 0x9e3779b97f4a7c15ULL;
	*out = h;
	return ATTEST_OK;
}

static void
job_end_attempt(struct aws_engine *h, struct job *j)
{
	if (j->easy) {
		curl_multi_remove_handle(h->multi, j->easy);
		curl_easy_cleanup(j->easy);
		j->easy = NULL;
	}
	curl_slist_free_all(j->sent);
	j->sent = NULL;
}

static void
job_free(struct aws_engine *h, struct job *j)
{
	job_end_attempt(h, j);
	core_buf_release(&j->resp);
	free(j->hdrs);
	free(j->strings);
	free(j->body);
	free(j);
}

void
aws_engine_free(struct aws_engine *h)
{
	struct job *j, *next;

	if (!h)
		return;
	for (j = h->queue; j; j = next) {
		next = j->next;
		job_free(h, j);
	}
	/* Jobs still in flight when aws_engine_run() stopped on an error. */
	for (j = h->active_list; j; j = next) {
		next = j->next_active;
		job_free(h, j);
	}
	curl_multi_cleanup(h->multi);
	free(h);
}

void
aws_engine_set_signer(struct aws_engine *h, aws_engine_sign_fn fn, void *data)
{
	h->sign = fn;
	h->sign_data = data;
}

void
aws_engine_set_tick(struct aws_engine *h, void (*fn)(void *data), void *data)
{
	h->tick = fn;
	h->tick_data = data;
}

void
aws_engine_cancel(struct aws_engine *h)
{
	h->cancelled = true;
}

void
aws_engine_stats(const struct aws_engine *h, struct aws_engine_stats *out)
{
	*out = h->stats;
}

static int
svc_index(struct aws_engine *h, const char *name)
{
	int i;

	for (i = 0; i < h->n_svc; i++)
		if (strcmp(h->svc[i].name, name) == 0)
			return i;
	if (h->n_svc == MAX_SERVICES)
		return MAX_SERVICES - 1; /* shares the last slot: still bounded */
	snprintf(h->svc[h->n_svc].name, sizeof(h->svc[0].name), "%s", name);
	return h->n_svc++;
}

/* Copies the strings of a call into one block so the job owns them. */
static char *
pack(char **p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = *p;

	memcpy(d, s, n);
	*p += n;
	return d;
}

attest_rc
aws_engine_submit(struct aws_engine *h, const struct aws_call *req, aws_engine_done_fn fn,
		  void *data)
{
	return aws_engine_submit_limited(h, req, 0, 0, fn, data);
}

attest_rc
aws_engine_submit_limited(struct aws_engine *h, const struct aws_call *req, long timeout_ms,
			  size_t max_body, aws_engine_done_fn fn, void *data)
{
	struct job *j;
	size_t need, i;
	char *p;

	j = calloc(1, sizeof(*j));
	if (!j)
		return core_nomem(h->ctx);
	need = strlen(req->service) + strlen(req->region) + strlen(req->method) + strlen(req->url) +
	       4;
	for (i = 0; i < req->n_headers; i++)
		need += strlen(req->headers[i].name) + strlen(req->headers[i].value) + 2;
	j->strings = malloc(need);
	j->hdrs = calloc(req->n_headers + 1, sizeof(*j->hdrs));
	j->body = req->body_len ? malloc(req->body_len) : NULL;
	if (!j->strings || !j->hdrs || (req->body_len && !j->body)) {
		free(j->strings);
		free(j->hdrs);
		free(j->body);
		free(j);
		return core_nomem(h->ctx);
	}
	p = j->strings;
	j->call = *req;
	j->call.service = pack(&p, req->service);
	j->call.region = pack(&p, req->region);
	j->call.method = pack(&p, req->method);
	j->call.url = pack(&p, req->url);
	for (i = 0; i < req->n_headers; i++) {
		j->hdrs[i].name = pack(&p, req->headers[i].name);
		j->hdrs[i].value = pack(&p, req->headers[i].value);
	}
	j->call.headers = j->hdrs;
	if (req->body_len)
		memcpy(j->body, req->body, req->body_len);
	j->call.body = j->body;
	j->fn = fn;
	j->data = data;
	j->svc = svc_index(h, req->service);
	j->ready_at = now() + (double)req->delay_ms / 1000.0;
	j->timeout_ms = timeout_ms > 0 ? timeout_ms : h->o.timeout_ms;
	j->max_body = max_body > 0 ? max_body : h->o.max_body;
	core_buf_init(&j->resp, j->max_body);
	if (h->queue_tail)
		h->queue_tail->next = j;
	else
		h->queue = j;
	h->queue_tail = j;
	return ATTEST_OK;
}

/* Starts every queued job that may start now; returns how long until the
 * next waiting one becomes ready (ms), or -1 when none waits. */
static attest_rc
start_ready(struct aws_engine *h, long *wait_ms)
{
	struct job *j, *prev = NULL, *next;
	double t = now(), soonest = -1;
	attest_rc rc;

	for (j = h->queue; j && h->active < h->o.max_total; j = next) {
		next = j->next;
		if (j->ready_at > t) {
			if (soonest < 0 || j->ready_at < soonest)
				soonest = j->ready_at;
			prev = j;
			continue;
		}
		if (h->svc[j->svc].active >= h->o.max_per_service) {
			prev = j;
			continue;
		}
		if (prev)
			prev->next = next;
		else
			h->queue = next;
		if (h->queue_tail == j)
			h->queue_tail = prev;
		j->next = NULL;
		rc = http_start(h, j);
		if (rc != ATTEST_OK) {
			job_free(h, j);
			return rc;
		}
	}
	*wait_ms = soonest < 0 ? -1 : (long)((soonest - t) * 1000.0) + 1;
	return ATTEST_OK;
}

static bool
network_transient(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

static const char *
network_code(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
		return "ConnectionRefused";
	case CURLE_COULDNT_RESOLVE_HOST:
		return "UnknownHost";
	case CURLE_OPERATION_TIMEDOUT:
		return "RequestTimeout";
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return "TruncatedResponse";
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
		return "TLSError";
	default:
		return "NetworkError";
	}
}

static void
requeue(struct aws_engine *h, struct job *j)
{
	double cap = (double)h->o.backoff_cap_ms, ms;
	unsigned k = j->attempts - 1;

	/* Full jitter: uniform in [0, min(cap, base * 2^k)]. */
	ms = (double)h->o.backoff_base_ms;
	while (k-- && ms < cap)
		ms *= 2;
	if (ms > cap)
		ms = cap;
	j->ready_at = now() + rnd(h) * ms / 1000.0;
	if (h->queue_tail)
		h->queue_tail->next = j;
	else
		h->queue = j;
	h->queue_tail = j;
}

static void
finish(struct aws_engine *h, struct job *j, CURLcode cc)
{
	struct aws_reply r = {0};
	char code[128] = "", msg[512] = "";
	struct job **p;
	long status = 0;
	bool retry = false;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	for (p = &h->active_list; *p; p = &(*p)->next_active)
		if (*p == j) {
			*p = j->next_active;
			break;
		}
	h->active--;
	h->svc[j->svc].active--;
	h->stats.bytes += j->resp.len;
	if (j->too_big) {
		snprintf(code, sizeof(code), "ResponseTooLarge");
		snprintf(msg, sizeof(msg), "the answer exceeds %zu bytes", j->max_body);
	} else if (cc != CURLE_OK) {
		snprintf(code, sizeof(code), "%s", network_code(cc));
		snprintf(msg, sizeof(msg), "%s", curl_easy_strerror(cc));
		retry = network_transient(cc);
	} else if (status < 200 || status > 299) {
		aws_error_parse(status, j->errtype, j->resp.data ? j->resp.data : "", j->resp.len,
				code, sizeof(code), msg, sizeof(msg));
		retry = status == 429 || status == 500 || status == 502 || status == 503 ||
			status == 504 || aws_engine_is_throttle(code);
	}
	job_end_attempt(h, j);
	if (retry && j->attempts < h->o.max_attempts && !h->cancelled) {
		core_log(h->ctx, ATTEST_LOG_DEBUG, "retrying %s %s (%s) after attempt %u",
			 j->call.service, j->call.url, code, j->attempts);
		requeue(h, j);
		return;
	}
	r.status = cc == CURLE_OK ? status : 0;
	r.body = j->resp.data ? j->resp.data : "";
	r.body_len = j->resp.len;
	r.ok = code[0] == '\0';
	r.error_code = r.ok ? NULL : code;
	r.error_message = msg;
	r.attempts = j->attempts;
	r.req = &j->call;
	if (!r.ok)
		h->stats.errors++;
	j->fn(h, &r, j->data);
	job_free(h, j);
}

static void
cancel_queued(struct aws_engine *h)
{
	struct aws_reply r = {0};
	struct job *j;

	while ((j = h->queue) != NULL) {
		h->queue = j->next;
		if (!h->queue)
			h->queue_tail = NULL;
		r.body = "";
		r.error_code = "Cancelled";
		r.error_message = "collection was stopped";
		r.attempts = j->attempts;
		r.req = &j->call;
		h->stats.errors++;
		j->fn(h, &r, j->data);
		job_free(h, j);
	}
}

attest_rc
aws_engine_run(struct aws_engine *h)
{
	int running = 0, left, numfds;
	long wait_ms, poll_ms;
	CURLMsg *m;
	struct job *j;
	attest_rc rc;
	double t;

	for (;;) {
		if (h->cancelled)
			cancel_queued(h);
		rc = start_ready(h, &wait_ms);
		if (rc != ATTEST_OK)
			return rc;
		if (h->active == 0 && !h->queue)
			break;
		if (curl_multi_perform(h->multi, &running) != CURLM_OK)
			return core_error(h->ctx, ATTEST_ERR_INTERNAL, "libcurl multi failure");
		while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
			finish(h, j, m->data.result);
		}
		t = now();
		if (h->tick && t - h->last_tick >= 1.0) {
			h->last_tick = t;
			h->tick(h->tick_data);
		}
		if (h->active == 0 && !h->queue)
			break;
		/* Wait for sockets, but not past the next backoff's end. */
		poll_ms = 200;
		if (wait_ms >= 0 && wait_ms < poll_ms)
			poll_ms = wait_ms;
		if (h->active > 0) {
			if (curl_multi_poll(h->multi, NULL, 0, (int)poll_ms, &numfds) != CURLM_OK)
				return core_error(h->ctx, ATTEST_ERR_INTERNAL,
						  "libcurl poll failure");
		} else if (poll_ms > 0) {
			usleep((useconds_t)poll_ms * 1000);
		}
	}
	return ATTEST_OK;
}
