/*
 * The changes attest watch recorded, as the history commands print them:
 * `attest history --changes` lists deltas with their events, newest first,
 * and `attest show` names the event and the actor behind each newly failing
 * finding. Every text from the history is escaped for the terminal
 * (cli_term): event names, actors and resource ids come from the cloud.
 */
#include "config.h"

#include "history_cli.h"

#include <stdlib.h>
#include <string.h>

/* "pass" -> "fail"; a new finding has no old status, a resource gone no new one. */
static const char *
status_or(const char *status, const char *none)
{
	return status ? status : none;
}

/* "AWS::EC2::SecurityGroup sg-1 (123456789012, us-east-1)" */
static void
print_resource(const struct attest_change_info *c)
{
	char t[CLI_TERM_MAX], i[CLI_TERM_MAX], a[CLI_TERM_MAX], r[CLI_TERM_MAX];

	printf("%s %s (%s, %s)", cli_term(t, sizeof(t), c->resource_type),
	       cli_term(i, sizeof(i), c->resource_id), cli_term(a, sizeof(a), c->account),
	       cli_term(r, sizeof(r), c->region));
}

/* "aws.ec2 AuthorizeSecurityGroupIngress by ARN at TIME (event KEY)" */
static void
print_event(const struct attest_change_info *c)
{
	char s[CLI_TERM_MAX], n[CLI_TERM_MAX], a[CLI_TERM_MAX], t[CLI_TERM_MAX], k[CLI_TERM_MAX];

	printf("%s %s by %s at %s (event %s)", cli_term(s, sizeof(s), c->event_source),
	       cli_term(n, sizeof(n), c->event_name),
	       c->actor ? cli_term(a, sizeof(a), c->actor) : "an unknown actor",
	       cli_term(t, sizeof(t), c->event_time), cli_term(k, sizeof(k), c->event_key));
}

json_t *
cli_change_json(const struct attest_change_info *c)
{
	return json_pack("{s:s, s:I, s:{s:s, s:s, s:s, s:s?, s:s?, s:s, s:s?}, s:s, s:s?,"
			 " s:{s:s?, s:s?, s:s?, s:s?, s:s?}, s:s?, s:s?, s:s?}",
			 "at", c->at, "delta", (json_int_t)c->delta_id, "event", "key",
			 c->event_key, "source", c->event_source, "name", c->event_name, "actor",
			 c->actor, "actor_type", c->actor_type, "time", c->event_time, "base_scan",
			 c->base_scan_id, "check", c->check_id, "severity", c->severity, "resource",
			 "type", c->resource_type, "id", c->resource_id, "arn", c->arn, "account",
			 c->account, "region", c->region, "old_status", c->old_status, "new_status",
			 c->new_status, "reason", c->reason);
}

struct changes {
	bool json;
	long n;
	bool nomem;
};

/* One element of the --json array, written as it comes (a history may hold
 * millions of deltas: memory stays that of one), indented as cli_print_json
 * would have. */
static void
print_json_element(struct changes *l, const struct attest_change_info *c)
{
	json_t *o = cli_change_json(c);
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	const char *p;

	json_decref(o);
	if (!text) {
		l->nomem = true;
		return;
	}
	fputs(l->n == 1 ? "[\n  " : ",\n  ", stdout);
	for (p = text; *p; p++)
		if (*p == '\n')
			fputs("\n  ", stdout);
		else
			fputc(*p, stdout);
	free(text);
}

static void
one_change(void *data, const struct attest_change_info *c)
{
	struct changes *l = data;
	char k[CLI_TERM_MAX], s[CLI_TERM_MAX], t[CLI_TERM_MAX];

	l->n++;
	if (l->json) {
		if (!l->nomem)
			print_json_element(l, c);
		return;
	}
	printf("%s  ", cli_term(t, sizeof(t), c->at));
	print_event(c);
	printf("\n  %s %s  ", cli_term(s, sizeof(s), status_or(c->severity, "-")),
	       cli_term(k, sizeof(k), c->check_id));
	print_resource(c);
	printf(": %s -> %s\n", cli_term(s, sizeof(s), status_or(c->old_status, "(new)")),
	       cli_term(t, sizeof(t), status_or(c->new_status, "(gone)")));
}

int
cli_history_changes(attest_ctx *ctx, attest_store *store, const struct attest_history_filter *f,
		    bool json)
{
	struct changes l = {json, 0, false};
	attest_rc rc;

	rc = attest_store_changes(store, f, one_change, &l);
	if (rc != ATTEST_OK)
		return rc == ATTEST_ERR_USAGE
			       ? cli_usage_error("history", "%s", attest_ctx_errmsg(ctx))
			       : cli_lib_fail(ctx);
	if (l.nomem)
		return cli_fail(EXIT_ERROR, "out of memory");
	if (json)
		fputs(l.n ? "\n]\n" : "[]\n", stdout);
	else if (l.n == 0)
		fputs("no changes match\n", stdout);
	return EXIT_OK;
}

static void
one_cause(void *data, const struct attest_change_info *c)
{
	char k[CLI_TERM_MAX], s[CLI_TERM_MAX];

	if ((*(long *)data)++ == 0)
		fputs("\nNewly failing, with the change that caused it:\n", stdout);
	printf("  %s %s  ", cli_term(s, sizeof(s), status_or(c->severity, "-")),
	       cli_term(k, sizeof(k), c->check_id));
	print_resource(c);
	fputs("\n    ", stdout);
	print_event(c);
	fputc('\n', stdout);
}

int
cli_print_causes(attest_ctx *ctx, attest_store *store, const char *scan_id)
{
	long n = 0;

	return attest_store_causes(store, scan_id, one_cause, &n) == ATTEST_OK ? EXIT_OK
									       : cli_lib_fail(ctx);
}
