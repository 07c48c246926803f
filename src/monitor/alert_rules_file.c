/*
 * Reading an alert rules file (doc/alerts.md): core's safe XML loader
 * validates it against doc/alert-rules.xsd (no network, no entities, a
 * DOCTYPE refused), then what a schema cannot say is checked here: a rule
 * names channels that exist, URLs carry no credentials, plain http goes
 * only to this machine, a CA file can be read. Every error names the file,
 * the line and the element.
 */
#include "config.h"

#include "alert_int.h"
#include "core/xml.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct reader {
	struct alert_rules *rules;
	const char *path;
};

static attest_rc bad(struct reader *rd, xmlNodePtr node, const char *fmt, ...) ATTEST_PRINTF(3, 4);

static attest_rc
bad(struct reader *rd, xmlNodePtr node, const char *fmt, ...)
{
	char msg[512], *name = core_xml_attr(node, "name");
	va_list ap;
	attest_rc rc;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rc = core_error(rd->rules->ctx, ATTEST_ERR_INVALID,
			"invalid '%s' at line %d: <%s%s%s%s>: %s", rd->path,
			(int)xmlGetLineNo(node), (const char *)node->name, name ? " name='" : "",
			name ? name : "", name ? "'" : "", msg);
	free(name);
	return rc;
}

/* The text of child `name` of node into *out (NULL when absent). */
static attest_rc
child_text(struct reader *rd, xmlNodePtr node, const char *name, char **out)
{
	xmlNodePtr c = core_xml_child(node, name);

	*out = c ? core_xml_text(c) : NULL;
	return c && !*out ? core_nomem(rd->rules->ctx) : ATTEST_OK;
}

static attest_rc
ca_file(struct reader *rd, xmlNodePtr node, struct alert_channel *c)
{
	attest_rc rc;

	if ((rc = child_text(rd, node, "ca-file", &c->ca_file)) != ATTEST_OK)
		return rc;
	if (c->ca_file && access(c->ca_file, R_OK) != 0)
		return bad(rd, node, "cannot read the CA file '%s'", c->ca_file);
	return ATTEST_OK;
}

static attest_rc
webhook(struct reader *rd, xmlNodePtr node, struct alert_channel *c)
{
	static const char *const schemes[] = {"https", "http", NULL};
	xmlNodePtr h = core_xml_child(node, "header");
	const char *why;
	attest_rc rc;

	c->type = ALERT_WEBHOOK;
	if ((rc = child_text(rd, node, "url", &c->url)) ||
	    (rc = child_text(rd, node, "url-env", &c->url_env)) ||
	    (rc = ca_file(rd, node, c)) != ATTEST_OK)
		return rc;
	if (c->url && !alert_url_ok(c->url, schemes, &why))
		return bad(rd, node, "<url>: %s", why);
	if (!h)
		return ATTEST_OK;
	if (!(c->header = core_xml_attr(h, "name")) || !(c->header_env = core_xml_attr(h, "env")))
		return core_nomem(rd->rules->ctx);
	c->header_prefix = core_xml_attr(h, "prefix");
	if (!c->header_prefix && !(c->header_prefix = core_strdup("")))
		return core_nomem(rd->rules->ctx);
	if (strpbrk(c->header_prefix, "\r\n"))
		return bad(rd, h, "a line break in the prefix");
	return ATTEST_OK;
}

static attest_rc
email(struct reader *rd, xmlNodePtr node, struct alert_channel *c)
{
	static const char *const schemes[] = {"smtp", "smtps", NULL};
	xmlNodePtr to;
	const char *why;
	size_t n = 0;
	attest_rc rc;

	c->type = ALERT_EMAIL;
	if ((rc = child_text(rd, node, "smtp-url", &c->smtp_url)) ||
	    (rc = child_text(rd, node, "from", &c->from)) ||
	    (rc = child_text(rd, node, "user-env", &c->user_env)) ||
	    (rc = child_text(rd, node, "password-env", &c->password_env)) ||
	    (rc = ca_file(rd, node, c)) != ATTEST_OK)
		return rc;
	if (!alert_url_ok(c->smtp_url, schemes, &why))
		return bad(rd, node, "<smtp-url>: %s", why);
	if (!c->user_env != !c->password_env)
		return bad(rd, node, "<user-env> and <password-env> go together");
	for (to = core_xml_child(node, "to"); to; to = core_xml_next(to->next, "to"))
		n++;
	if (!(c->to = calloc(n, sizeof(char *))))
		return core_nomem(rd->rules->ctx);
	for (to = core_xml_child(node, "to"); to; to = core_xml_next(to->next, "to"))
		if (!(c->to[c->n_to++] = core_xml_text(to)))
			return core_nomem(rd->rules->ctx);
	return ATTEST_OK;
}

static attest_rc
channels(struct reader *rd, xmlNodePtr list)
{
	xmlNodePtr node;
	struct alert_channel *c;
	attest_rc rc;

	for (node = core_xml_child(list, NULL); node; node = core_xml_next(node->next, NULL)) {
		if (!(c = alert_channel_add(rd->rules)) || !(c->name = core_xml_attr(node, "name")))
			return core_nomem(rd->rules->ctx);
		if (xmlStrcmp(node->name, (const xmlChar *)"webhook") == 0)
			rc = webhook(rd, node, c);
		else if (xmlStrcmp(node->name, (const xmlChar *)"email") == 0)
			rc = email(rd, node, c);
		else {
			c->type = ALERT_SNS;
			rc = child_text(rd, node, "topic-arn", &c->topic_arn);
		}
		if (rc != ATTEST_OK)
			return rc;
	}
	return ATTEST_OK;
}

/* The texts of the children `name` of node into a new list. */
static attest_rc
texts(struct reader *rd, xmlNodePtr node, const char *name, char ***out, size_t *n)
{
	xmlNodePtr c;
	size_t count = 0;

	for (c = core_xml_child(node, name); c; c = core_xml_next(c->next, name))
		count++;
	if (count && !(*out = calloc(count, sizeof(char *))))
		return core_nomem(rd->rules->ctx);
	for (c = core_xml_child(node, name); c; c = core_xml_next(c->next, name))
		if (!((*out)[(*n)++] = core_xml_text(c)))
			return core_nomem(rd->rules->ctx);
	return ATTEST_OK;
}

static attest_rc
rule_channels(struct reader *rd, xmlNodePtr node, struct alert_rule *r)
{
	char *list = core_xml_attr(node, "channels"), *save = NULL, *tok;
	struct alert_channel *c;
	attest_rc rc = ATTEST_OK;
	size_t i;

	if (!list || !(r->channels = calloc(rd->rules->n_channels + 1, sizeof(size_t)))) {
		free(list);
		return core_nomem(rd->rules->ctx);
	}
	for (tok = strtok_r(list, " \t\r\n", &save); tok && rc == ATTEST_OK;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (!(c = alert_channel_find(rd->rules, tok))) {
			rc = bad(rd, node, "no channel is called '%s'", tok);
			break;
		}
		for (i = 0;
		     i < r->n_channels && r->channels[i] != (size_t)(c - rd->rules->channels); i++)
			;
		if (i == r->n_channels) /* named twice: sent once */
			r->channels[r->n_channels++] = (size_t)(c - rd->rules->channels);
	}
	free(list);
	return rc;
}

static const struct {
	const char *element;
	enum alert_kind kind;
} kinds[] = {
	{"newly-failing", ALERT_NEWLY_FAILING},
	{"internet-exposed", ALERT_INTERNET_EXPOSED},
	{"score-drop", ALERT_SCORE_DROP},
	{"exception-lapsed", ALERT_EXCEPTION_LAPSED},
	{"collection-failed", ALERT_COLLECTION_FAILED},
};

static attest_rc
rule(struct reader *rd, xmlNodePtr node)
{
	struct alert_rule *r = alert_rule_add(rd->rules);
	char *attr;
	size_t i;
	attest_rc rc;

	if (!r || !(r->name = core_xml_attr(node, "name")))
		return core_nomem(rd->rules->ctx);
	r->line = (int)xmlGetLineNo(node);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (xmlStrcmp(node->name, (const xmlChar *)kinds[i].element) == 0)
			r->kind = kinds[i].kind;
	r->severity = 3; /* high, the schema's default */
	if ((attr = core_xml_attr(node, "severity")) != NULL)
		r->severity = alert_severity_rank(attr);
	free(attr);
	if ((attr = core_xml_attr(node, "points")) != NULL)
		r->points = strtod(attr, NULL);
	free(attr);
	attr = core_xml_attr(node, "measure");
	r->score = !attr || strcmp(attr, "posture") != 0;
	r->posture = !attr || strcmp(attr, "score") != 0;
	free(attr);
	if ((rc = texts(rd, node, "framework", &r->frameworks, &r->n_frameworks)) ||
	    (rc = texts(rd, node, "check", &r->checks, &r->n_checks)))
		return rc;
	return rule_channels(rd, node, r);
}

/* The value of integer attribute name of node into *v, when present. */
static void
int_attr(xmlNodePtr node, const char *name, int *v)
{
	char *s = core_xml_attr(node, name);

	if (s)
		*v = (int)strtol(s, NULL, 10); /* the schema bounded it */
	free(s);
}

attest_rc
alert_rules_load(attest_ctx *ctx, const char *path, struct alert_rules **out)
{
	char xsd[4096];
	xmlSchemaPtr schema = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, node;
	struct reader rd = {NULL, path};
	attest_rc rc;

	*out = NULL;
	if ((rc = alert_rules_new(ctx, &rd.rules)) ||
	    (rc = core_datadir_path(ctx, xsd, sizeof(xsd), "doc/alert-rules.xsd")) ||
	    (rc = core_xml_schema_load(ctx, xsd, &schema)) ||
	    (rc = core_xml_load(ctx, path, schema, &doc)) != ATTEST_OK)
		goto out;
	if (!(rd.rules->path = core_strdup(path))) {
		rc = core_nomem(ctx);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if ((node = core_xml_child(root, "delivery")) != NULL) {
		struct alert_delivery *d = &rd.rules->delivery;

		int_attr(node, "group-window", &d->group_window_s);
		int_attr(node, "max-alerts", &d->max_alerts);
		int_attr(node, "rate-per-minute", &d->rate_per_minute);
		int_attr(node, "retry-base", &d->retry_base_s);
		int_attr(node, "retry-cap", &d->retry_cap_s);
		int_attr(node, "timeout", &d->timeout_s);
		if (d->retry_cap_s < d->retry_base_s) {
			rc = bad(&rd, node, "retry-cap is less than retry-base");
			goto out;
		}
	}
	if ((rc = channels(&rd, core_xml_child(root, "channels"))) != ATTEST_OK)
		goto out;
	for (node = core_xml_child(core_xml_child(root, "rules"), NULL); node;
	     node = core_xml_next(node->next, NULL))
		if ((rc = rule(&rd, node)) != ATTEST_OK)
			goto out;
	*out = rd.rules;
	rd.rules = NULL;
out:
	xmlFreeDoc(doc);
	if (schema)
		xmlSchemaFree(schema);
	alert_rules_free(rd.rules);
	return rc;
}
