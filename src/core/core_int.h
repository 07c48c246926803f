/*
 * core owns what every module of the library needs and none owns alone (the
 * context with its error and log, bounded buffers, paths and the data
 * directory, hex and SHA-256, safe XML loading in core/xml.h, SQLite error
 * handling in core/db.h, terminal-safe text) and depends on nothing else in
 * src/. Not part of the public API.
 */
#ifndef ATTEST_CORE_INT_H
#define ATTEST_CORE_INT_H

#include "attest.h"

#include <stdbool.h>
#include <stdint.h>

#define ATTEST_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Records a formatted message on ctx and returns rc, so callers can write
 * `return core_error(ctx, ATTEST_ERR_IO, "cannot open '%s'", path);`. */
attest_rc core_error(attest_ctx *ctx, attest_rc rc, const char *fmt, ...) ATTEST_PRINTF(3, 4);
/* Prefixes the current message: "<prefix>: <old message>". */
void core_error_prefix(attest_ctx *ctx, const char *fmt, ...) ATTEST_PRINTF(2, 3);
attest_rc core_nomem(attest_ctx *ctx);
/* The report settings chosen on a context (the report module owns their
 * layout): released with free_fn when replaced and when the context is. */
void core_ctx_set_report(attest_ctx *ctx, void *settings, void (*free_fn)(void *));
void *core_ctx_report(const attest_ctx *ctx);
void core_log(attest_ctx *ctx, attest_log_level level, const char *fmt, ...) ATTEST_PRINTF(3, 4);

/* A growable byte buffer that refuses to grow beyond max bytes. data is always
 * NUL-terminated when non-NULL. */
struct core_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void core_buf_init(struct core_buf *b, size_t max);
void core_buf_release(struct core_buf *b);
void core_buf_reset(struct core_buf *b);
/* Return ATTEST_OK, ATTEST_ERR_NOMEM or ATTEST_ERR_LIMIT (no message set). */
attest_rc core_buf_add(struct core_buf *b, const void *data, size_t n);
attest_rc core_buf_addc(struct core_buf *b, char c);
attest_rc core_buf_adds(struct core_buf *b, const char *s);
attest_rc core_buf_printf(struct core_buf *b, const char *fmt, ...) ATTEST_PRINTF(2, 3);
/* Hands the data to the caller (free() it) and leaves b empty. */
char *core_buf_take(struct core_buf *b);

/* Creates path.tmp-<8 random hex digits> (into tmp, n bytes), mode 0600,
 * registered for removal on a signal before it exists (tmpfiles.c). */
attest_rc core_tmp_create(attest_ctx *ctx, const char *path, char *tmp, size_t n);

/* Duplicates s, or returns NULL on allocation failure (s NULL gives NULL). */
char *core_strdup(const char *s);
/* Formats the UTC time t as 2026-01-02T03:04:05Z into out (21 bytes). */
void core_time_iso(time_t t, char out[21]);
/* Parses an ISO 8601 UTC timestamp; returns false if it is not one. */
bool core_time_parse(const char *s, time_t *out);

/* ---- paths (path.c) ---- */

/* Writes "<dir>/<name>" into out (size bytes). When it does not fit, out is
 * "" and the result is ATTEST_ERR_LIMIT with "path too long: '<dir>/<name>'"
 * on ctx: a path is never cut short silently. */
attest_rc core_path_join(attest_ctx *ctx, char *out, size_t size, const char *dir,
			 const char *name);
/* Copies path into out (size bytes), failing the same way. */
attest_rc core_path_copy(attest_ctx *ctx, char *out, size_t size, const char *path);
/* core_path_join(attest_datadir(), rel): a file of the bundled data. */
attest_rc core_datadir_path(attest_ctx *ctx, char *out, size_t size, const char *rel);
/* The directory for temporary files: $TMPDIR, else /tmp. */
const char *core_tmpdir(void);

/* ---- hex and SHA-256 (digest.c) ---- */

/* Writes the lowercase hex of the n bytes at data into out (2n + 1 bytes). */
void core_hex_encode(const void *data, size_t n, char *out);
/* The value of the hex digit c (either case), or -1. */
int core_hex_digit(char c);
/* Decodes hex (exactly 2n digits, either case) into the n bytes at out;
 * false, leaving out unspecified, when hex is not that. */
bool core_hex_decode(const char *hex, void *out, size_t n);

/* The lowercase hex SHA-256 of the n bytes at data into out; false (out "")
 * when OpenSSL fails, which only lack of memory makes it do. */
bool core_sha256_hex(const void *data, size_t n, char out[65]);

/* An incremental SHA-256: init, add any number of times, end, release. */
struct core_sha256 {
	void *md; /* EVP_MD_CTX */
};

/* false when out of memory (h is then released). */
bool core_sha256_init(struct core_sha256 *h);
void core_sha256_add(struct core_sha256 *h, const void *data, size_t n);
/* Writes the hex digest of what was added into out and starts h over, so
 * that it can digest the next document. */
void core_sha256_end(struct core_sha256 *h, char out[65]);
/* Frees h's state; a released or zeroed h may be released again. */
void core_sha256_release(struct core_sha256 *h);

#endif
