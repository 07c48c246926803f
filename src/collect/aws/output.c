/*
 * The end of a collection: the native NDJSON inventory written atomically
 * (a temporary file renamed into place) - the header with collected_types,
 * the regions, accounts and the collection log first, then the resources
 * streamed so far, less those of every type that failed anywhere.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool
withheld(const struct aws_collector *c, const char *line)
{
	static const char prefix[] = "{\"type\":\"";
	const char *t, *e;
	size_t i;

	if (strncmp(line, prefix, sizeof(prefix) - 1) != 0)
		return false;
	t = line + sizeof(prefix) - 1;
	e = strchr(t, '"');
	if (!e)
		return false;
	for (i = 0; i < T_COUNT; i++)
		if (strlen(aws_type_names[i]) == (size_t)(e - t) &&
		    strncmp(aws_type_names[i], t, (size_t)(e - t)) == 0)
			return (c->failed & TB(i)) != 0;
	return false;
}

static attest_rc
write_inventory(struct aws_collector *c, json_t *accounts, FILE *out, const char *name,
		struct attest_aws_collect_stats *st)
{
	json_t *h, *types, *regions;
	char now[21], *line = NULL;
	size_t cap = 0, i;
	ssize_t n;
	attest_rc rc = ATTEST_ERR_IO;

	core_time_iso(time(NULL), now);
	types = json_array();
	regions = json_array();
	h = json_object();
	if (!types || !regions || !h)
		goto nomem;
	for (i = 0; i < T_COUNT; i++) {
		if (!(c->attempted & TB(i)))
			continue;
		if (c->failed & TB(i))
			st->types_failed++;
		else if (json_array_append_new(types, json_string(aws_type_names[i])) != 0)
			goto nomem;
		else
			st->types_collected++;
	}
	for (i = 0; i < c->n_regions; i++)
		if (json_array_append_new(regions, json_string(c->regions[i])) != 0)
			goto nomem;
	if (json_object_set_new(h, "attest_inventory", json_integer(1)) ||
	    json_object_set_new(h, "provider", json_string("aws")) ||
	    json_object_set_new(h, "source", json_string("attest collect aws " PACKAGE_VERSION)) ||
	    (c->caller && json_object_set_new(h, "collected_by", json_string(c->caller))) ||
	    json_object_set_new(h, "collected_at", json_string(now)) ||
	    json_object_set(h, "accounts", accounts) || json_object_set(h, "regions", regions) ||
	    json_object_set(h, "collected_types", types) ||
	    json_object_set(h, "collection_log", c->log))
		goto nomem;
	if (json_dumpf(h, out, JSON_COMPACT | JSON_ENSURE_ASCII) != 0 || fputc('\n', out) == EOF)
		goto io;
	if (fflush(c->body) != 0 || fseek(c->body, 0, SEEK_SET) != 0)
		goto io;
	while ((n = getline(&line, &cap, c->body)) > 0) {
		if (withheld(c, line))
			continue;
		if (fwrite(line, 1, (size_t)n, out) != (size_t)n)
			goto io;
		st->resources++;
	}
	if (ferror(c->body) || fflush(out) != 0 || ferror(out))
		goto io;
	rc = ATTEST_OK;
	goto out;
nomem:
	rc = core_nomem(c->ctx);
	goto out;
io:
	rc = core_error(c->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", name, strerror(errno));
out:
	free(line);
	json_decref(h);
	json_decref(types);
	json_decref(regions);
	return rc;
}

attest_rc
aws_write_output(struct aws_collector *c, json_t *accounts, const char *path, FILE *stream,
		 struct attest_aws_collect_stats *st)
{
	struct core_buf tmp;
	FILE *out;
	int fd;
	attest_rc rc;

	if (strcmp(path, "-") == 0) {
		if (!stream)
			return core_error(c->ctx, ATTEST_ERR_USAGE,
					  "'-' names no stream to write the inventory to");
		return write_inventory(c, accounts, stream, "standard output", st);
	}
	core_buf_init(&tmp, 8192);
	if (core_buf_printf(&tmp, "%s.XXXXXX", path) != ATTEST_OK)
		return core_nomem(c->ctx);
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		rc = core_error(c->ctx, ATTEST_ERR_IO, "cannot create '%s': %s", tmp.data,
				strerror(errno));
		core_buf_release(&tmp);
		return rc;
	}
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		rc = core_nomem(c->ctx);
		goto fail;
	}
	rc = write_inventory(c, accounts, out, path, st);
	if (fclose(out) != 0 && rc == ATTEST_OK)
		rc = core_error(c->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", path,
				strerror(errno));
	if (rc == ATTEST_OK && rename(tmp.data, path) != 0)
		rc = core_error(c->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", path,
				strerror(errno));
	if (rc == ATTEST_OK) {
		core_buf_release(&tmp);
		return ATTEST_OK;
	}
fail:
	unlink(tmp.data);
	core_buf_release(&tmp);
	return rc;
}
