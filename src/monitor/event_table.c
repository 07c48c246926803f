/*
 * The event table (frameworks/events/aws.xml, schema events.xsd beside it,
 * doc/events.md): loading it into memory, finding an event's definition,
 * finding a type from an ARN or an id prefix, and walking the paths that
 * say where a CloudTrail record holds ids. The schema checks the shape; this
 * file checks what XSD 1.0 cannot (a touch has a type or a match, a match
 * has ids) and that no event is listed twice across sources.
 */
#include "config.h"

#include "core/xml.h"
#include "monitor/event.h"

#include <stdlib.h>
#include <string.h>

static const char *const idforms[] = {"name", "arn", "url", "region", "account", "other"};

static void
touch_release(struct event_touch *t)
{
	size_t i;

	for (i = 0; i < t->n_paths; i++)
		free(t->paths[i]);
	free(t->paths);
	free(t->cond);
}

void
event_table_free(struct event_table *t)
{
	size_t i, j;

	if (!t)
		return;
	for (i = 0; i < t->n_types; i++) {
		free(t->types[i].name);
		free(t->types[i].arn);
		free(t->types[i].prefix);
		free(t->types[i].unannounced);
	}
	free(t->types);
	for (i = 0; i < t->n_defs; i++) {
		for (j = 0; j < t->defs[i].n_touch; j++)
			touch_release(&t->defs[i].touch[j]);
		free(t->defs[i].touch);
		free(t->defs[i].source);
		free(t->defs[i].name);
	}
	free(t->defs);
	free(t);
}

static size_t
count_children(xmlNodePtr parent, const char *name)
{
	size_t n = 0;
	xmlNodePtr c;

	for (c = core_xml_child(parent, name); c; c = core_xml_next(c->next, name))
		n++;
	return n;
}

static bool
attr_true(xmlNodePtr node, const char *name)
{
	char *v = core_xml_attr(node, name);
	bool yes = v && (!strcmp(v, "true") || !strcmp(v, "1"));

	free(v);
	return yes;
}

static const struct event_type *
type_named(const struct event_table *t, const char *name)
{
	size_t i;

	for (i = 0; name && i < t->n_types; i++)
		if (!strcmp(t->types[i].name, name))
			return &t->types[i];
	return NULL;
}

static attest_rc
load_type(struct event_table *t, xmlNodePtr node, struct event_type *ty)
{
	char *form = core_xml_attr(node, "id");
	xmlNodePtr un = core_xml_child(node, "unannounced");
	size_t k;

	ty->name = core_xml_attr(node, "name");
	ty->arn = core_xml_attr(node, "arn");
	ty->prefix = core_xml_attr(node, "prefix");
	ty->global = attr_true(node, "global");
	if (un && !(ty->unannounced = core_xml_text(un))) {
		free(form);
		return core_nomem(t->ctx);
	}
	for (k = 0; form && k < sizeof(idforms) / sizeof(idforms[0]); k++)
		if (!strcmp(form, idforms[k]))
			ty->idform = (enum event_idform)k;
	free(form);
	return ty->name ? ATTEST_OK : core_nomem(t->ctx);
}

static attest_rc
load_touch(struct event_table *t, const char *where, xmlNodePtr node, struct event_touch *to)
{
	char *type = core_xml_attr(node, "type"), *match = core_xml_attr(node, "match");
	char *change = core_xml_attr(node, "change");
	xmlNodePtr id;
	attest_rc rc = ATTEST_ERR_INVALID;

	to->deleted = change && !strcmp(change, "delete");
	to->cond = core_xml_attr(node, "if");
	to->n_paths = 0;
	to->paths = calloc(count_children(node, "id") + 1, sizeof(*to->paths));
	if (!to->paths) {
		rc = core_nomem(t->ctx);
		goto out;
	}
	for (id = core_xml_child(node, "id"); id; id = core_xml_next(id->next, "id"))
		if (!(to->paths[to->n_paths++] = core_xml_attr(id, "path"))) {
			rc = core_nomem(t->ctx);
			goto out;
		}
	if (!type == !match) {
		core_error(t->ctx, rc, "event %s: a touch needs either 'type' or 'match'", where);
		goto out;
	}
	if (match) {
		to->match = !strcmp(match, "arn") ? EVENT_MATCH_ARN : EVENT_MATCH_PREFIX;
		if (to->n_paths == 0) {
			core_error(t->ctx, rc, "event %s: a touch by %s needs ids", where, match);
			goto out;
		}
	} else {
		to->match = EVENT_MATCH_TYPE;
		/* the schema's keyref makes the type a declared one */
		if (!(to->type = type_named(t, type))) {
			core_error(t->ctx, rc, "event %s: type '%s' is not declared", where, type);
			goto out;
		}
	}
	rc = ATTEST_OK;
out:
	free(type);
	free(match);
	free(change);
	return rc;
}

static attest_rc
load_event(struct event_table *t, const char *source, xmlNodePtr node, struct event_def *d)
{
	char where[512];
	xmlNodePtr c;
	attest_rc rc;

	d->source = core_strdup(source);
	d->name = core_xml_attr(node, "name");
	d->tags_only = attr_true(node, "tags");
	d->touch = calloc(count_children(node, "touch") + 1, sizeof(*d->touch));
	if (!d->source || !d->name || !d->touch)
		return core_nomem(t->ctx);
	snprintf(where, sizeof(where), "'%s' '%s'", source, d->name);
	for (c = core_xml_child(node, "touch"); c; c = core_xml_next(c->next, "touch"))
		if ((rc = load_touch(t, where, c, &d->touch[d->n_touch++])) != ATTEST_OK)
			return rc;
	return ATTEST_OK;
}

static int
def_cmp(const void *a, const void *b)
{
	const struct event_def *x = a, *y = b;
	int c = strcmp(x->source, y->source);

	return c ? c : strcmp(x->name, y->name);
}

static attest_rc
load_doc(struct event_table *t, xmlNodePtr root)
{
	xmlNodePtr n, e;
	size_t n_defs = 0, i;
	char *source;
	attest_rc rc;

	t->types = calloc(count_children(root, "type") + 1, sizeof(*t->types));
	for (n = core_xml_child(root, "source"); n; n = core_xml_next(n->next, "source"))
		n_defs += count_children(n, "event");
	t->defs = calloc(n_defs + 1, sizeof(*t->defs));
	if (!t->types || !t->defs)
		return core_nomem(t->ctx);
	for (n = core_xml_child(root, "type"); n; n = core_xml_next(n->next, "type"))
		if ((rc = load_type(t, n, &t->types[t->n_types++])) != ATTEST_OK)
			return rc;
	for (n = core_xml_child(root, "source"); n; n = core_xml_next(n->next, "source")) {
		if (!(source = core_xml_attr(n, "name")))
			return core_nomem(t->ctx);
		rc = ATTEST_OK;
		for (e = core_xml_child(n, "event"); e && rc == ATTEST_OK;
		     e = core_xml_next(e->next, "event"))
			rc = load_event(t, source, e, &t->defs[t->n_defs++]);
		free(source);
		if (rc != ATTEST_OK)
			return rc;
	}
	qsort(t->defs, t->n_defs, sizeof(*t->defs), def_cmp);
	for (i = 1; i < t->n_defs; i++)
		if (!def_cmp(&t->defs[i - 1], &t->defs[i]))
			return core_error(t->ctx, ATTEST_ERR_INVALID,
					  "event '%s' '%s' is listed twice", t->defs[i].source,
					  t->defs[i].name);
	return ATTEST_OK;
}

attest_rc
event_table_load(attest_ctx *ctx, const char *path, struct event_table **out)
{
	char file[4096], dir[4096], xsd[4096], *slash;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr doc = NULL;
	struct event_table *t = NULL;
	attest_rc rc;

	*out = NULL;
	if ((rc = path ? core_path_copy(ctx, file, sizeof(file), path)
		       : core_datadir_path(ctx, file, sizeof(file), "frameworks/events/aws.xml")) !=
	    ATTEST_OK)
		goto out;
	/* the schema sits beside the table */
	memcpy(dir, file, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if ((rc = core_path_join(ctx, xsd, sizeof(xsd), slash ? dir : ".", "events.xsd")) !=
		    ATTEST_OK ||
	    (rc = core_xml_schema_load(ctx, xsd, &schema)) != ATTEST_OK ||
	    (rc = core_xml_load(ctx, file, schema, &doc)) != ATTEST_OK)
		goto out;
	if (!(t = calloc(1, sizeof(*t)))) {
		rc = core_nomem(ctx);
		goto out;
	}
	t->ctx = ctx;
	if ((rc = load_doc(t, xmlDocGetRootElement(doc))) != ATTEST_OK) {
		core_error_prefix(ctx, "event table '%s'", file);
		goto out;
	}
	*out = t;
	t = NULL;
out:
	event_table_free(t);
	xmlFreeDoc(doc);
	if (schema)
		xmlSchemaFree(schema);
	return rc;
}

const struct event_def *
event_table_find(const struct event_table *t, const char *source, const char *name)
{
	struct event_def key = {.source = (char *)source, .name = (char *)name};
	const struct event_def *d;
	char plain[128];
	size_t n, k;

	if (!source || !name)
		return NULL;
	if ((d = bsearch(&key, t->defs, t->n_defs, sizeof(*t->defs), def_cmp)) != NULL)
		return d;
	/* "<Operation><yyyymmdd>[v<n>]" */
	n = strlen(name);
	k = n;
	while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
		k--;
	if (k > 1 && k < n && name[k - 1] == 'v')
		for (k--; k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9';)
			k--;
	if (k >= n || n - k < 8 || k >= sizeof(plain) || !(name[k] >= '1' && name[k] <= '2'))
		return NULL;
	memcpy(plain, name, k);
	plain[k] = '\0';
	key.name = plain;
	return bsearch(&key, t->defs, t->n_defs, sizeof(*t->defs), def_cmp);
}

/* Matches s against the template tp; {partition}, {region} and {account}
 * match a run without ':', {path} any prefix ending in '/' (or nothing),
 * {id} the non-empty rest. */
static bool
arn_match(const char *tp, const char *s, const char **id)
{
	const char *end;

	while (*tp) {
		if (!strncmp(tp, "{id}", 4)) {
			*id = s;
			return *s != '\0';
		}
		if (!strncmp(tp, "{path}", 6)) {
			end = strrchr(s, '/');
			s = end ? end + 1 : s;
			tp += 6;
			continue;
		}
		if (!strncmp(tp, "{partition}", 11) || !strncmp(tp, "{region}", 8) ||
		    !strncmp(tp, "{account}", 9)) {
			tp = strchr(tp, '}') + 1;
			while (*s && *s != ':')
				s++;
			continue;
		}
		if (*tp++ != *s++)
			return false;
	}
	return *s == '\0';
}

const struct event_type *
event_type_by_arn(const struct event_table *t, const char *arn, char **id_out)
{
	const char *id = NULL;
	size_t i;

	for (i = 0; arn && i < t->n_types; i++) {
		if (!t->types[i].arn || !arn_match(t->types[i].arn, arn, &id))
			continue;
		if (id_out && !(*id_out = core_strdup(id ? id : arn)))
			return NULL;
		return &t->types[i];
	}
	return NULL;
}

const struct event_type *
event_type_by_prefix(const struct event_table *t, const char *id)
{
	size_t i;

	for (i = 0; id && i < t->n_types; i++)
		if (t->types[i].prefix &&
		    !strncmp(id, t->types[i].prefix, strlen(t->types[i].prefix)))
			return &t->types[i];
	return NULL;
}

/* Calls fn on every non-null value at path in v. */
static attest_rc
walk(const json_t *v, const char *path, attest_rc (*fn)(const json_t *, void *), void *data)
{
	const char *dot, *end;
	char key[256];
	bool all;
	size_t n, i;
	attest_rc rc;

	if (!*path)
		return v && !json_is_null(v) ? fn(v, data) : ATTEST_OK;
	dot = strchr(path, '.');
	end = dot ? dot : path + strlen(path);
	all = end - path >= 3 && !strncmp(end - 3, "[*]", 3);
	n = (size_t)(end - path) - (all ? 3 : 0);
	if (n >= sizeof(key) || !json_is_object(v))
		return ATTEST_OK;
	memcpy(key, path, n);
	key[n] = '\0';
	v = json_object_get(v, key);
	path = dot ? dot + 1 : end;
	if (!all)
		return walk(v, path, fn, data);
	for (i = 0; i < json_array_size(v); i++)
		if ((rc = walk(json_array_get(v, i), path, fn, data)) != ATTEST_OK)
			return rc;
	return ATTEST_OK;
}

struct each_string {
	attest_rc (*fn)(const char *, void *);
	void *data;
};

static attest_rc
each_string(const json_t *v, void *data)
{
	struct each_string *e = data;

	return json_is_string(v) && json_string_length(v) > 0 ? e->fn(json_string_value(v), e->data)
							      : ATTEST_OK;
}

attest_rc
event_path_each(const json_t *v, const char *path, attest_rc (*fn)(const char *value, void *data),
		void *data)
{
	struct each_string e = {fn, data};

	return walk(v, path, each_string, &e);
}

static attest_rc
found(const json_t *v, void *data)
{
	(void)v;
	*(bool *)data = true;
	return ATTEST_ERR_NOTFOUND; /* stops the walk */
}

bool
event_path_present(const json_t *v, const char *path)
{
	bool yes = false;

	walk(v, path, found, &yes);
	return yes;
}
