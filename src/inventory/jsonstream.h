/*
 * Streaming JSON splitter. Reads a file in fixed-size chunks and hands out one
 * complete JSON value at a time as text, with the line and column where it
 * starts, so that a multi-gigabyte inventory never sits in memory as one
 * tree: only the value being looked at does. It checks structure (balanced
 * brackets, terminated strings, depth) but leaves full validation of each
 * value to jansson, whose error positions are translated back to file
 * positions by jstream_parse(). Every byte read is also fed to a SHA-256
 * digest so the inventory can be named by its hash in reports.
 */
#ifndef ATTEST_JSONSTREAM_H
#define ATTEST_JSONSTREAM_H

#include "core/core_int.h"

#include <jansson.h>

struct jstream;

/* Opens path ("-" is stdin) or adopts fp when non-NULL (not closed by free). */
attest_rc jstream_open(attest_ctx *ctx, const char *path, FILE *fp, struct jstream **out);
void jstream_free(struct jstream *js);

/* Skips whitespace; returns the next byte without consuming it, or -1 at end
 * of input (or on a read error, which jstream_failed() then reports). */
int jstream_peek(struct jstream *js);
/* Consumes c after whitespace, or fails naming what was found instead. */
attest_rc jstream_expect(struct jstream *js, char c);
/* Reads one complete JSON value (after whitespace) into the stream's value
 * buffer, bounded by max bytes. */
attest_rc jstream_read_value(struct jstream *js, size_t max);
/* Length in bytes of the value last read. */
size_t jstream_value_len(const struct jstream *js);
/* What parsing the value last read will cost in memory, in units of about
 * 50 bytes: one per comma plus one (at least half the number of values:
 * every value but the outermost is followed by a comma or closes a
 * non-empty container), four more per object, which jansson keeps as a
 * hash table, and two more per array (measured: a million empty objects
 * take 250 MB, a million empty arrays 150 MB, a million zeros 55 MB). */
size_t jstream_value_cost(const struct jstream *js);
/* Parses the value last read with jansson; errors name the file position. */
attest_rc jstream_parse(struct jstream *js, json_t **out);
/* Position where the value last read starts. */
unsigned long jstream_line(const struct jstream *js);
unsigned long jstream_column(const struct jstream *js);
const char *jstream_name(const struct jstream *js);
/* Fails with a message at the current position. */
attest_rc jstream_fail(struct jstream *js, attest_rc rc, const char *what);
/* Finishes the digest (reading the rest of the input): 64 hex digits + NUL. */
void jstream_sha256(struct jstream *js, char out[65]);
/* After the last read: fails when reading or decompressing failed, which
 * may end the input early without a parse error (a truncated gzip). */
attest_rc jstream_check_end(struct jstream *js);
/* Total bytes read so far. */
unsigned long long jstream_bytes(const struct jstream *js);

#endif
