/*
 * Bounded growable buffer. Everything that accumulates input of unknown size
 * (a JSON value read from a stream, SQL text, report text) goes through here,
 * so that a hostile or broken input fails with ATTEST_ERR_LIMIT instead of
 * exhausting memory.
 */
#include "config.h"

#include "core_int.h"

#include <stdlib.h>
#include <string.h>

void
core_buf_init(struct core_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
core_buf_release(struct core_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
core_buf_reset(struct core_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static attest_rc
buf_reserve(struct core_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return ATTEST_ERR_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return ATTEST_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (!p)
		return ATTEST_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return ATTEST_OK;
}

attest_rc
core_buf_add(struct core_buf *b, const void *data, size_t n)
{
	attest_rc rc = buf_reserve(b, n);

	if (rc != ATTEST_OK)
		return rc;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return ATTEST_OK;
}

attest_rc
core_buf_addc(struct core_buf *b, char c)
{
	return core_buf_add(b, &c, 1);
}

attest_rc
core_buf_adds(struct core_buf *b, const char *s)
{
	return core_buf_add(b, s, strlen(s));
}

attest_rc
core_buf_printf(struct core_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	attest_rc rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ATTEST_ERR_INTERNAL;
	rc = buf_reserve(b, (size_t)n);
	if (rc != ATTEST_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return ATTEST_OK;
}

char *
core_buf_take(struct core_buf *b)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
