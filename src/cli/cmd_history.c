/*
 * attest history: the stored scans, most recent configuration first (by
 * as_of, the date of the inventory each judged), with their start time,
 * scope, sources and framework scores; filtered by account, framework,
 * scope and as_of; with --changes, the deltas attest watch recorded
 * (history_changes.c). Also the helpers every history-reading command shares.
 */
#include "config.h"

#include "history_cli.h"

#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cli_history_open(attest_ctx *ctx, const char *db, bool must_exist, attest_store **out)
{
	char path[4096];

	if (db)
		snprintf(path, sizeof(path), "%s", db);
	else if (attest_store_default_path(ctx, path, sizeof(path)) != ATTEST_OK)
		return cli_lib_fail(ctx);
	if (must_exist && access(path, F_OK) != 0)
		return cli_fail(EXIT_ERROR,
				"no history database '%s' (%s): run 'attest scan' first", path,
				strerror(errno));
	/* A command that only reads opens the file read-only: it works on
	 * read-only storage and never changes what it reads. */
	if ((must_exist ? attest_store_open_readonly(ctx, path, out)
			: attest_store_open(ctx, path, out)) != ATTEST_OK)
		return cli_lib_fail(ctx);
	return EXIT_OK;
}

int
cli_history_open_write(attest_ctx *ctx, const char *db, attest_store **out)
{
	char path[4096];

	if (db)
		snprintf(path, sizeof(path), "%s", db);
	else if (attest_store_default_path(ctx, path, sizeof(path)) != ATTEST_OK)
		return cli_lib_fail(ctx);
	if (access(path, F_OK) != 0)
		return cli_fail(EXIT_ERROR,
				"no history database '%s' (%s): run 'attest scan' first", path,
				strerror(errno));
	if (attest_store_open(ctx, path, out) != ATTEST_OK)
		return cli_lib_fail(ctx);
	return EXIT_OK;
}

json_t *
cli_json_text(const char *text)
{
	json_t *v;

	if (!text)
		return json_null();
	v = json_loads(text, JSON_DECODE_ANY, NULL);
	return v ? v : json_string(text);
}

int
cli_print_json(json_t *v)
{
	if (!v)
		return cli_fail(EXIT_ERROR, "out of memory");
	/* 15 digits: figures print as written (6.3, not 6.2999999999999998). */
	if (json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) !=
	    0)
		return cli_fail(EXIT_ERROR, "cannot write to standard output");
	fputc('\n', stdout);
	return EXIT_OK;
}

const char *
cli_term(char *buf, size_t size, const char *text)
{
	if (attest_term_escape(text ? text : "", buf, size - 3) >= size - 3)
		memcpy(buf + strlen(buf), "...", 4);
	return buf;
}

long
cli_count(const char *cmd, const char *opt, const char *arg)
{
	long n;

	if (cli_parse_long(arg, 1, LONG_MAX, &n) != 0) {
		cli_usage_error(cmd, "%s needs a positive number, not '%s'", opt, arg);
		return -1;
	}
	return n;
}

static const char usage[] =
	"usage: attest history [OPTIONS]\n"
	"\n"
	"Lists the scans in the history database, most recent first on the inventory's\n"
	"timeline: id, the date of the configuration judged (as of: the inventory's\n"
	"collection time), when the scan ran, scope (the accounts scanned), sources\n"
	"and each framework's controls fully passing and coverage ('attest trend'\n"
	"adds the posture). Scans of the same as-of date are ordered by start time,\n"
	"then by the order they were stored.\n"
	"\n"
	"With --changes it lists instead what 'attest watch' recorded between full\n"
	"scans, newest first: each finding whose status a change event moved, with\n"
	"the event (its time, source, name and the actor who made the change), the\n"
	"check, severity, resource and its old and new status. --since, --until and\n"
	"--limit then apply to the time each change was recorded, --account to the\n"
	"resource's account.\n";

const struct cli_option cli_history_filter_options[] = {
	{"account", 'a', "ID", 'a', "scans that covered this account"},
	{"scope", 0, "SCOPE", 'S', "scans of exactly this scope (aws:ACCOUNT,...)"},
	{"since", 0, "DATE", 's',
	 "scans of configurations as of DATE or later (2026-01-31 or 2026-01-31T12:00:00Z, "
	 "UTC)"},
	{"until", 0, "DATE", 'u', "scans of configurations as of DATE or earlier"},
	{NULL, 0, NULL, 0, NULL},
};

bool
cli_history_filter_set(struct attest_history_filter *f, int c, const char *arg)
{
	switch (c) {
	case 'a':
		f->account = arg;
		return true;
	case 'S':
		f->scope = arg;
		return true;
	case 's':
		f->since = arg;
		return true;
	case 'u':
		f->until = arg;
		return true;
	default:
		return false;
	}
}

static const struct cli_option history_options[] = {
	CLI_OPTION_DB,
	{"framework", 'f', "ID", 'f', "scans that evaluated this framework"},
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_option history_more[] = {
	{"limit", 'n', "N", 'n', "the N most recent scans only"},
	{"changes", 0, NULL, 'c', "the changes attest watch recorded (deltas) instead of scans"},
	{"json", 0, NULL, 'j', "a JSON array instead of the table"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup history_groups[] = {
	{NULL, history_options},
	{NULL, cli_history_filter_options},
	{NULL, history_more},
	{NULL, NULL},
};

struct listing {
	json_t *arr; /* --json */
	long n;
};

/* "a.json, b.ndjson": the file names of a scan's sources. */
static void
print_sources(const char *sources)
{
	json_t *arr = cli_json_text(sources), *s;
	const char *p, *slash;
	char t[CLI_TERM_MAX];
	size_t i;

	json_array_foreach(arr, i, s)
	{
		p = json_string_value(json_object_get(s, "path"));
		if (!p)
			continue;
		slash = strrchr(p, '/');
		printf("%s%s", i ? ", " : "",
		       cli_term(t, sizeof(t), slash && slash[1] ? slash + 1 : p));
	}
	json_decref(arr);
}

static void
one_scan(void *data, const struct attest_scan_info *s)
{
	struct listing *l = data;
	json_t *fws, *fw, *o;
	char t[CLI_TERM_MAX];
	size_t i;

	l->n++;
	if (l->arr) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:o}", "id", s->id,
			      "as_of", s->as_of, "started_at", s->started_at, "finished_at",
			      s->finished_at, "scope", s->scope, "accounts",
			      cli_json_text(s->accounts), "regions", cli_json_text(s->regions),
			      "sources", cli_json_text(s->sources), "resource_count",
			      (json_int_t)s->resources, "frameworks", cli_json_text(s->frameworks));
		if (o)
			json_array_append_new(l->arr, o);
		return;
	}
	printf("%s  as of %s  %s  %lld resources\n  scanned %s\n  sources: ", s->id, s->as_of,
	       cli_term(t, sizeof(t), s->scope), s->resources, s->started_at);
	print_sources(s->sources);
	fputs("\n", stdout);
	fws = cli_json_text(s->frameworks);
	json_array_foreach(fws, i, fw)
	{
		json_t *score = json_object_get(fw, "score");

		printf("  %-16s fully passing %lld of %lld",
		       cli_term(t, sizeof(t), json_string_value(json_object_get(fw, "id"))),
		       (long long)json_integer_value(json_object_get(fw, "controls_passing")),
		       (long long)json_integer_value(json_object_get(fw, "controls_scored")));
		if (json_is_number(score))
			printf(" (%.1f%%)", json_number_value(score));
		printf("   coverage %.1f%%\n", json_number_value(json_object_get(fw, "coverage")));
	}
	json_decref(fws);
}

/* What the command line asks for. */
struct history_args {
	struct attest_history_filter f;
	const char *db;
	bool json, changes;
};

/* The command line into a; CLI_CONTINUE or the exit status. */
static int
parse_args(struct history_args *a, int argc, char **argv)
{
	struct cli_getopt g;
	int c;

	cli_getopt_init(&g, history_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		if (cli_history_filter_set(&a->f, c, optarg))
			continue;
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 'f':
			a->f.framework = optarg;
			break;
		case 'n':
			if ((a->f.limit = cli_count("history", "--limit", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'j':
			a->json = true;
			break;
		case 'c':
			a->changes = true;
			break;
		case 'h':
			cli_print_help(&cli_history, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("history", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cli_usage_error("history", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("history", "unexpected argument '%s'", argv[optind]);
	if (a->changes && (a->f.framework || a->f.scope))
		return cli_usage_error("history",
				       "--changes lists changes to findings: --%s "
				       "selects scans",
				       a->f.framework ? "framework" : "scope");
	return CLI_CONTINUE;
}

static int
run_history(attest_ctx *ctx, int argc, char **argv)
{
	struct history_args a = {0};
	struct listing l = {0};
	attest_store *store = NULL;
	attest_rc rc;
	int status;

	if ((status = parse_args(&a, argc, argv)) != CLI_CONTINUE)
		return status;
	if ((status = cli_history_open(ctx, a.db, true, &store)) != EXIT_OK)
		return status;
	if (a.changes) {
		status = cli_history_changes(ctx, store, &a.f, a.json);
		attest_store_close(store);
		return status;
	}
	if (a.json && !(l.arr = json_array())) {
		status = cli_fail(EXIT_ERROR, "out of memory");
		goto out;
	}
	rc = attest_store_history(store, &a.f, one_scan, &l);
	if (rc != ATTEST_OK) {
		status = rc == ATTEST_ERR_USAGE
				 ? cli_usage_error("history", "%s", attest_ctx_errmsg(ctx))
				 : cli_lib_fail(ctx);
		goto out;
	}
	if (a.json)
		status = cli_print_json(l.arr);
	else if (l.n == 0)
		fputs("no scans match\n", stdout);
out:
	json_decref(l.arr);
	attest_store_close(store);
	return status;
}

const struct cli_command cli_history = {
	"history", "list stored scans with their scores", usage, run_history, history_groups, NULL,
};
