/*
 * attest diff [FROM] [TO]: what changed between two stored scans. With no
 * argument, the latest scan against the previous one of its scope; with
 * one, that scan against the previous one of its scope. Terminal output
 * gives each framework's figures with the findings newly failing and fixed
 * beside them, the controls that changed, then the changed findings grouped
 * by cause and the first still-failing ones (-n per group, --all: every
 * one); --json gives everything.
 */
#include "config.h"

#include "history_cli.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: attest diff [OPTIONS] [FROM] [TO]\n"
	"\n"
	"Compares two stored scans: framework figures (posture, controls fully passing,\n"
	"coverage, with the findings newly failing and fixed beside each move),\n"
	"controls whose status or score changed, and findings newly failing, fixed,\n"
	"newly excepted and still failing. Each changed finding says why it changed:\n"
	"configuration, time (a date threshold crossed), exception, attestation,\n"
	"added, removed, check (its definition changed) or unknown; the terminal\n"
	"groups them by cause. With no scan, compares the latest scan (most recent\n"
	"configuration) with the previous scan of the same scope; with one, that scan\n"
	"with the previous scan of its scope. Scans are ids, unique prefixes of ids,\n"
	"or 'latest'.\n";

static const struct cli_option diff_options[] = {
	CLI_OPTION_DB,
	{"limit", 'n', "N", 'n', "list at most N findings per cause (default 20)"},
	{"all", 0, NULL, 'A', "list every finding"},
	{"json", 0, NULL, 'j', "the whole comparison as JSON"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup diff_groups[] = {
	{NULL, diff_options},
	{NULL, NULL},
};

static const char *const change_names[] = {"newly_failing", "fixed", "newly_excepted",
					   "still_failing"};
static const char *const change_labels[] = {"newly failing", "fixed", "newly excepted",
					    "still failing"};
/* What each cause means, for the terminal's group headings. */
static const char *const cause_meanings[ATTEST_CAUSE_COUNT] = {
	NULL,
	"nothing the scans recorded tells (older scans lack configuration digests)",
	"the resource's configuration changed",
	"same configuration and check; the inventory's date crossed a date threshold",
	"an exception began or stopped covering the finding",
	"a manual control was attested, or its attestation lapsed",
	"the resource is new",
	"the resource is gone",
	"the check's definition changed, or the check was added or removed",
};
/* The order of the groups on the terminal. */
static const enum attest_cause cause_order[] = {
	ATTEST_CAUSE_CONFIGURATION, ATTEST_CAUSE_TIME,      ATTEST_CAUSE_ADDED,
	ATTEST_CAUSE_REMOVED,       ATTEST_CAUSE_EXCEPTION, ATTEST_CAUSE_ATTESTATION,
	ATTEST_CAUSE_CHECK,         ATTEST_CAUSE_UNKNOWN,
};

/* A changed finding or control kept for the terminal, which prints them
 * grouped by cause once all have arrived. */
struct line {
	enum attest_cause cause;
	char *text;
};

struct diff_out {
	bool color;
	long limit; /* terminal: findings listed per group, -1 all */
	json_t *json, *frameworks, *controls, *findings[4];
	long long count[4], by_cause[ATTEST_CAUSE_COUNT];
	long long controls_changed;
	struct line *lines;
	size_t n_lines, cap_lines;
	bool nomem;
};

static json_t *
score_or_null(bool has, double v)
{
	return has ? json_real(v) : json_null();
}

/* Scores are kept to one decimal; so are their differences. */
static json_t *
delta_or_null(bool has, double d)
{
	return has ? json_real(round(d * 10.0) / 10.0) : json_null();
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static const char *
or_empty(const char *s)
{
	return s ? s : "";
}

/* Keeps a formatted line for its cause's group. */
static void keep(struct diff_out *o, enum attest_cause cause, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
keep(struct diff_out *o, enum attest_cause cause, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	if (o->nomem)
		return;
	if (o->n_lines == o->cap_lines) {
		size_t cap = o->cap_lines ? 2 * o->cap_lines : 64;
		struct line *m = realloc(o->lines, cap * sizeof(*m));

		if (!m) {
			o->nomem = true;
			return;
		}
		o->lines = m;
		o->cap_lines = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text) {
		o->nomem = true;
		return;
	}
	o->lines[o->n_lines++] = (struct line){cause, text};
}

static void
print_pct(bool has, double v)
{
	if (has)
		printf("%5.1f%%", v);
	else
		fputs("  n/a ", stdout);
}

/* A framework's row of the JSON document. */
static void
framework_json(struct diff_out *o, const struct attest_diff_framework *f)
{
	bool both = f->in_from && f->in_to;
	json_t *fw;

	fw = json_pack(
		"{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
		"s:o}",
		"id", f->framework, "title", or_empty(f->title), "from_score",
		score_or_null(f->in_from && f->has_from_score, f->from_score), "to_score",
		score_or_null(f->in_to && f->has_to_score, f->to_score), "delta",
		delta_or_null(both && f->has_from_score && f->has_to_score,
			      f->to_score - f->from_score),
		"from_controls_passing", f->in_from ? json_integer(f->from_passing) : json_null(),
		"from_controls_scored", f->in_from ? json_integer(f->from_scored) : json_null(),
		"to_controls_passing", f->in_to ? json_integer(f->to_passing) : json_null(),
		"to_controls_scored", f->in_to ? json_integer(f->to_scored) : json_null(),
		"from_posture", score_or_null(f->in_from && f->has_from_posture, f->from_posture),
		"to_posture", score_or_null(f->in_to && f->has_to_posture, f->to_posture),
		"posture_delta",
		delta_or_null(both && f->has_from_posture && f->has_to_posture,
			      f->to_posture - f->from_posture),
		"from_coverage", score_or_null(f->in_from, f->from_coverage), "to_coverage",
		score_or_null(f->in_to, f->to_coverage), "newly_failing",
		both ? json_integer(f->newly_failing) : json_null(), "fixed",
		both ? json_integer(f->fixed) : json_null());
	if (!fw || json_array_append_new(o->frameworks, fw) != 0)
		o->nomem = true;
}

/* A framework's lines of the text output. */
static void
framework_text(struct diff_out *o, const struct attest_diff_framework *f)
{
	bool both = f->in_from && f->in_to;
	char name[CLI_TERM_MAX];

	cli_term(name, sizeof(name), f->framework);
	if (!both) {
		printf("  %-14s %s only\n", name, f->in_from ? "in FROM" : "in TO");
		return;
	}
	printf("  %-14s posture ", name);
	print_pct(f->has_from_posture, f->from_posture);
	fputs(" -> ", stdout);
	print_pct(f->has_to_posture, f->to_posture);
	if (f->has_from_posture && f->has_to_posture) {
		double d = f->to_posture - f->from_posture;

		printf(" %s%+5.1f%s",
		       o->color ? (d > 0   ? "\033[32m"
				   : d < 0 ? "\033[31m"
					   : "")
				: "",
		       d, o->color ? "\033[0m" : "");
	}
	printf("   fully passing %d of %d -> %d of %d", f->from_passing, f->from_scored,
	       f->to_passing, f->to_scored);
	if (f->has_from_score && f->has_to_score)
		printf(" (%.1f%% -> %.1f%%, %+.1f)", f->from_score, f->to_score,
		       f->to_score - f->from_score);
	/* A move is never shown without the findings that made it. */
	printf("\n  %-14s %lld newly failing, %lld fixed   coverage %.1f%% -> %.1f%%\n", "",
	       f->newly_failing, f->fixed, f->from_coverage, f->to_coverage);
}

static void
on_framework(void *data, const struct attest_diff_framework *f)
{
	struct diff_out *o = data;

	if (o->json)
		framework_json(o, f);
	else
		framework_text(o, f);
}

static void
print_score(bool has, double v)
{
	if (has)
		printf("%.1f%%", v);
	else
		fputs("n/a", stdout);
}

static void
on_control(void *data, const struct attest_diff_control *c)
{
	struct diff_out *o = data;
	char fw[CLI_TERM_MAX], id[CLI_TERM_MAX], title[CLI_TERM_MAX];
	json_t *ctl;

	o->controls_changed++;
	if (o->json) {
		ctl = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "framework",
				c->framework, "control", c->control, "title", or_empty(c->title),
				"from_status", str_or_null(c->from_status), "to_status",
				str_or_null(c->to_status), "from_score",
				score_or_null(c->has_from_score, c->from_score), "to_score",
				score_or_null(c->has_to_score, c->to_score), "delta",
				delta_or_null(c->has_from_score && c->has_to_score,
					      c->to_score - c->from_score),
				"cause", str_or_null(attest_cause_name(c->cause)));
		if (!ctl || json_array_append_new(o->controls, ctl) != 0)
			o->nomem = true;
		if (c->cause != ATTEST_CAUSE_NONE)
			o->by_cause[c->cause]++;
		return;
	}
	cli_term(fw, sizeof(fw), c->framework);
	cli_term(id, sizeof(id), c->control);
	cli_term(title, sizeof(title), c->title);
	if (c->cause != ATTEST_CAUSE_NONE) {
		o->by_cause[c->cause]++;
		if (o->limit < 0 || o->by_cause[c->cause] <= o->limit)
			keep(o, c->cause, "    control %s %s  %s -> %s   %s", fw, id,
			     c->from_status ? c->from_status : "(absent)",
			     c->to_status ? c->to_status : "(absent)", title);
	}
	if (o->controls_changed == 1)
		fputs("\nControls that changed\n", stdout);
	printf("  %s %-10s %s -> %s   score ", fw, id, c->from_status ? c->from_status : "(absent)",
	       c->to_status ? c->to_status : "(absent)");
	print_score(c->has_from_score, c->from_score);
	fputs(" -> ", stdout);
	print_score(c->has_to_score, c->to_score);
	printf("   %s%s%s\n", title, c->cause ? "   cause: " : "",
	       c->cause ? attest_cause_name(c->cause) : "");
}

static json_t *
finding_json(const struct attest_diff_finding *f)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:o, s:o, s:o}, s:o, s:o, s:s, s:o, s:o}",
			 "check", f->check, "title", or_empty(f->title), "severity",
			 or_empty(f->severity), "resource", "type", or_empty(f->resource_type),
			 "id", or_empty(f->resource_id), "arn", str_or_null(f->arn), "account",
			 str_or_null(f->account), "region", str_or_null(f->region), "from_status",
			 str_or_null(f->from_status), "to_status", str_or_null(f->to_status),
			 "reason", or_empty(f->reason), "cause",
			 str_or_null(attest_cause_name(f->cause)), "cause_detail",
			 str_or_null(f->cause_detail));
}

static void
on_finding(void *data, const struct attest_diff_finding *f)
{
	struct diff_out *o = data;
	int k = (int)f->change;
	bool red = o->color && f->severity &&
		   (!strcmp(f->severity, "critical") || !strcmp(f->severity, "high"));
	char ck[CLI_TERM_MAX], ty[CLI_TERM_MAX], id[CLI_TERM_MAX], ac[CLI_TERM_MAX],
		rg[CLI_TERM_MAX];
	json_t *j;

	o->count[k]++;
	if (f->cause != ATTEST_CAUSE_NONE)
		o->by_cause[f->cause]++;
	if (o->json) {
		if (!(j = finding_json(f)) || json_array_append_new(o->findings[k], j) != 0)
			o->nomem = true;
		return;
	}
	/* Kept for print_groups(): changed findings by cause, still failing
	 * ones (only as many as are listed) after them. */
	if (k == ATTEST_CHANGE_STILL_FAILING ? o->limit >= 0 && o->count[k] > o->limit
					     : o->limit >= 0 && o->by_cause[f->cause] > o->limit)
		return;
	cli_term(ck, sizeof(ck), f->check);
	cli_term(ty, sizeof(ty), f->resource_type);
	cli_term(id, sizeof(id), f->resource_id);
	cli_term(ac, sizeof(ac), f->account);
	cli_term(rg, sizeof(rg), f->region);
	if (k == ATTEST_CHANGE_STILL_FAILING) {
		keep(o, ATTEST_CAUSE_NONE, "    %s%-8s%s %s  %s %s (%s %s)", red ? "\033[31m" : "",
		     or_empty(f->severity), red ? "\033[0m" : "", ck, ty, id, ac, rg);
		return;
	}
	keep(o, f->cause, "    %-14s %s%-8s%s %s  %s %s (%s %s)%s%s%s%s", change_labels[k],
	     red ? "\033[31m" : "", or_empty(f->severity), red ? "\033[0m" : "", ck, ty, id, ac, rg,
	     k == ATTEST_CHANGE_FIXED ? "  now " : "",
	     k == ATTEST_CHANGE_FIXED ? (f->to_status ? f->to_status : "not evaluated or gone")
				      : "",
	     f->cause_detail ? "\n        " : "", or_empty(f->cause_detail));
}

/* The changed findings and controls, one group per cause. */
static void
print_groups(struct diff_out *o)
{
	size_t c, i;
	long long n;

	for (c = 0; c < sizeof(cause_order) / sizeof(cause_order[0]); c++) {
		enum attest_cause cause = cause_order[c];

		if (!(n = o->by_cause[cause]))
			continue;
		printf("\nCause: %s (%lld) - %s\n", attest_cause_name(cause), n,
		       cause_meanings[cause]);
		for (i = 0; i < o->n_lines; i++)
			if (o->lines[i].cause == cause)
				puts(o->lines[i].text);
		if (o->limit >= 0 && n > o->limit)
			printf("    ... and %lld more (--all lists every one)\n", n - o->limit);
	}
	if (o->count[ATTEST_CHANGE_STILL_FAILING] == 0)
		return;
	fputs("\nStill failing\n", stdout);
	for (i = 0; i < o->n_lines; i++)
		if (o->lines[i].cause == ATTEST_CAUSE_NONE)
			puts(o->lines[i].text);
	if (o->limit >= 0 && o->count[ATTEST_CHANGE_STILL_FAILING] > o->limit)
		printf("    ... and %lld more (--all lists every one)\n",
		       o->count[ATTEST_CHANGE_STILL_FAILING] - o->limit);
}

static void
scan_info(void *data, const struct attest_scan_info *s)
{
	json_t **out = data;

	*out = json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", s->id, "as_of", s->as_of, "started_at",
			 s->started_at, "scope", s->scope, "sources", cli_json_text(s->sources));
}

/* A member of a describe() object as text, "" when absent. */
static const char *
member(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_t *
describe(attest_store *store, const char *id)
{
	struct attest_history_filter f = {.scan_id = id};
	json_t *o = NULL;

	attest_store_history(store, &f, scan_info, &o);
	return o ? o : json_object();
}

static int
resolve_pair(attest_ctx *ctx, attest_store *store, int n, char **refs,
	     char from[ATTEST_SCAN_ID_MAX], char to[ATTEST_SCAN_ID_MAX])
{
	if (attest_store_resolve(store,
				 n >= 2   ? refs[1]
				 : n == 1 ? refs[0]
					  : "latest",
				 to) != ATTEST_OK)
		return cli_lib_fail(ctx);
	if (n >= 2) {
		if (attest_store_resolve(store, refs[0], from) != ATTEST_OK)
			return cli_lib_fail(ctx);
	} else if (attest_store_previous(store, to, from) != ATTEST_OK) {
		return cli_lib_fail(ctx);
	}
	return EXIT_OK;
}

/* What the command line asks for, besides the scans. */
struct diff_args {
	const char *db;
	bool json;
};

/* The options into d and o's limit; CLI_CONTINUE or the exit status. */
static int
parse_args(struct diff_args *d, struct diff_out *o, int argc, char **argv)
{
	struct cli_getopt g;
	int c;

	cli_getopt_init(&g, diff_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		switch (c) {
		case 'd':
			d->db = optarg;
			break;
		case 'n':
			if ((o->limit = cli_count("diff", "--limit", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'A':
			o->limit = -1;
			break;
		case 'j':
			d->json = true;
			break;
		case 'h':
			cli_print_help(&cli_diff, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("diff", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cli_usage_error("diff", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 2)
		return cli_usage_error("diff", "at most two scans, not %d", argc - optind);
	return CLI_CONTINUE;
}

/* The JSON document the sink fills: the scans a and b (borrowed) and empty
 * arrays, owned by o->json from the start so every path frees them once. */
static int
begin_json(struct diff_out *o, json_t *a, json_t *b)
{
	json_t *counts;
	int k;

	o->json = json_object();
	json_object_set_new(o->json, "from", json_incref(a));
	json_object_set_new(o->json, "to", json_incref(b));
	json_object_set_new(o->json, "frameworks", o->frameworks = json_array());
	json_object_set_new(o->json, "controls", o->controls = json_array());
	json_object_set_new(o->json, "findings", counts = json_object());
	for (k = 0; k < 4; k++)
		json_object_set_new(counts, change_names[k], o->findings[k] = json_array());
	if (!o->frameworks || !o->controls || !o->findings[0] || !o->findings[1] ||
	    !o->findings[2] || !o->findings[3])
		return cli_fail(EXIT_ERROR, "out of memory");
	return CLI_CONTINUE;
}

/* The counts, then the whole JSON document on stdout. */
static int
finish_json(struct diff_out *o)
{
	json_t *counts = json_object(), *causes = json_object();
	int k;

	for (k = 0; k < 4; k++)
		json_object_set_new(counts, change_names[k], json_integer(o->count[k]));
	for (k = ATTEST_CAUSE_UNKNOWN; k < ATTEST_CAUSE_COUNT; k++)
		json_object_set_new(causes, attest_cause_name((enum attest_cause)k),
				    json_integer(o->by_cause[k]));
	json_object_set_new(o->json, "counts", counts);
	json_object_set_new(o->json, "causes", causes);
	return cli_print_json(o->json);
}

/* The text header: the two scans (a and b describe them) and what makes
 * them hard to compare. */
static void
print_header(const char *from, const char *to, const json_t *a, const json_t *b)
{
	printf("attest diff %s -> %s\n  from: as of %s (scanned %s)\n"
	       "  to:   as of %s (scanned %s)\n",
	       from, to, member(a, "as_of"), member(a, "started_at"), member(b, "as_of"),
	       member(b, "started_at"));
	if (strcmp(member(a, "as_of"), member(b, "as_of")) > 0)
		puts("note: FROM judged a later configuration than TO");
	if (!json_equal(json_object_get(a, "scope"), json_object_get(b, "scope"))) {
		char sa[CLI_TERM_MAX], sb[CLI_TERM_MAX];

		printf("note: the scans cover different scopes (%s, %s)\n",
		       cli_term(sa, sizeof(sa), member(a, "scope")),
		       cli_term(sb, sizeof(sb), member(b, "scope")));
	}
	fputs("\nFrameworks\n", stdout);
}

/* The text after the frameworks and controls the sink printed. */
static void
print_footer(struct diff_out *o)
{
	if (o->controls_changed == 0)
		fputs("\nNo control changed status or score.\n", stdout);
	print_groups(o);
	printf("\n%lld newly failing, %lld fixed, %lld newly excepted, %lld still failing\n",
	       o->count[0], o->count[1], o->count[2], o->count[3]);
}

static int
run_diff(attest_ctx *ctx, int argc, char **argv)
{
	struct diff_args d = {0};
	struct diff_out o = {.limit = 20};
	struct attest_diff_sink sink = {on_framework, on_control, on_finding, &o};
	attest_store *store = NULL;
	char from[ATTEST_SCAN_ID_MAX], to[ATTEST_SCAN_ID_MAX];
	json_t *a = NULL, *b = NULL;
	size_t i;
	int status;

	if ((status = parse_args(&d, &o, argc, argv)) != CLI_CONTINUE)
		return status;
	if ((status = cli_history_open(ctx, d.db, true, &store)) != EXIT_OK)
		return status;
	if ((status = resolve_pair(ctx, store, argc - optind, argv + optind, from, to)) != EXIT_OK)
		goto out;
	a = describe(store, from);
	b = describe(store, to);
	if (d.json) {
		if ((status = begin_json(&o, a, b)) != CLI_CONTINUE)
			goto out;
		status = EXIT_OK;
	} else {
		o.color = cli_color(stdout);
		print_header(from, to, a, b);
	}
	if (attest_store_diff(store, from, to, &sink) != ATTEST_OK) {
		status = cli_lib_fail(ctx);
		goto out;
	}
	if (o.nomem) {
		status = cli_fail(EXIT_ERROR, "out of memory");
		goto out;
	}
	if (d.json)
		status = finish_json(&o);
	else
		print_footer(&o);
out:
	for (i = 0; i < o.n_lines; i++)
		free(o.lines[i].text);
	free(o.lines);
	json_decref(o.json);
	json_decref(a);
	json_decref(b);
	attest_store_close(store);
	return status;
}

const struct cli_command cli_diff = {
	"diff", "compare two stored scans", usage, run_diff, diff_groups, NULL,
};
