/*
 * The library context: holds the last error message and the log callback.
 * Errors live on the handle (like sqlite3_errmsg) rather than in a process
 * global, so that two contexts in one process never see each other's errors.
 */
#include "config.h"

#include "core_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERRMSG_MAX 2048

struct attest_ctx {
	char errmsg[ERRMSG_MAX];
	attest_log_fn log_fn;
	void *log_data;
	void *report; /* report settings (src/report/template.c) */
	void (*report_free)(void *);
};

attest_ctx *
attest_ctx_new(void)
{
	return calloc(1, sizeof(struct attest_ctx));
}

void
attest_ctx_free(attest_ctx *ctx)
{
	if (ctx && ctx->report_free)
		ctx->report_free(ctx->report);
	free(ctx);
}

void
core_ctx_set_report(attest_ctx *ctx, void *settings, void (*free_fn)(void *))
{
	if (ctx->report_free)
		ctx->report_free(ctx->report);
	ctx->report = settings;
	ctx->report_free = free_fn;
}

void *
core_ctx_report(const attest_ctx *ctx)
{
	return ctx->report;
}

const char *
attest_ctx_errmsg(const attest_ctx *ctx)
{
	return ctx ? ctx->errmsg : "no context";
}

void
attest_ctx_set_log(attest_ctx *ctx, attest_log_fn fn, void *userdata)
{
	ctx->log_fn = fn;
	ctx->log_data = userdata;
}

const char *
attest_version(void)
{
	return PACKAGE_VERSION;
}

attest_rc
core_error(attest_ctx *ctx, attest_rc rc, const char *fmt, ...)
{
	char msg[ERRMSG_MAX];
	va_list ap;

	if (!ctx)
		return rc;
	/* Format aside first: callers may pass the current message as an
	 * argument, and vsnprintf must not read the buffer it writes. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(ctx->errmsg, msg, sizeof(msg));
	return rc;
}

void
core_error_prefix(attest_ctx *ctx, const char *fmt, ...)
{
	char prefix[512];
	char old[ERRMSG_MAX];
	va_list ap;

	if (!ctx)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, ctx->errmsg, sizeof(old));
	snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s: %s", prefix, old);
}

attest_rc
core_nomem(attest_ctx *ctx)
{
	return core_error(ctx, ATTEST_ERR_NOMEM, "out of memory");
}

void
core_log(attest_ctx *ctx, attest_log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!ctx || !ctx->log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_data, level, msg);
}
