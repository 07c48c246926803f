/*
 * The change events attest watch recorded as the causes of a scan's newly
 * failing findings (attest_store_causes), in the shape the reports look
 * them up in: by the finding's identity (check and resource), as attest
 * diff matches findings. The JSON result puts one under each newly failing
 * finding as its "cause"; the PDF's changes section under the reason.
 */
#include "config.h"

#include "report_int.h"

#include <stdlib.h>

char *
report_finding_key(const char *check, const char *type, const char *id, const char *account,
		   const char *region)
{
	struct core_buf b;
	char *s = NULL;

	core_buf_init(&b, 1 << 16);
	if (core_buf_printf(&b, "%s\x1f%s\x1f%s\x1f%s\x1f%s", check ? check : "", type ? type : "",
			    id ? id : "", account ? account : "",
			    region ? region : "") == ATTEST_OK)
		s = core_strdup(b.data);
	core_buf_release(&b);
	return s;
}

struct collect {
	json_t *map;
	bool nomem;
};

static void
on_cause(void *data, const struct attest_change_info *c)
{
	struct collect *k = data;
	char *key = report_finding_key(c->check_id, c->resource_type, c->resource_id, c->account,
				       c->region);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s}", "event_key", c->event_key, "source",
			      c->event_source, "name", c->event_name, "actor", c->actor, "time",
			      c->event_time);

	if (!key || !o) {
		k->nomem = true;
		json_decref(o);
	} else if (json_object_set_new(k->map, key, o) != 0) { /* takes o even so */
		k->nomem = true;
	}
	free(key);
}

attest_rc
report_causes(attest_store *store, const char *scan_id, json_t **out)
{
	struct collect k = {json_object(), false};
	attest_rc rc;

	*out = NULL;
	if (!k.map)
		return core_nomem(store_ctx(store));
	rc = attest_store_causes(store, scan_id, on_cause, &k);
	if (rc == ATTEST_OK && k.nomem)
		rc = core_nomem(store_ctx(store));
	if (rc != ATTEST_OK) {
		json_decref(k.map);
		return rc;
	}
	*out = k.map;
	return ATTEST_OK;
}
