/*
 * attest trend [--framework ID]: frameworks' figures over time, one series
 * per framework and scope, on the inventory's timeline (as_of). Each point
 * carries posture, controls fully passing (the strict score) and coverage;
 * every move comes with the findings newly failing and fixed since the
 * point before. On a terminal, a sparkline of the posture over the whole
 * series and a line per scan (the most recent --limit); --json and --csv
 * give every point. Unicode blocks unless --ascii; colour only on a
 * terminal without NO_COLOR.
 */
#include "config.h"

#include "history_cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: attest trend [--framework ID] [OPTIONS]\n"
	"\n"
	"Shows how frameworks' figures moved across the stored scans, one series per\n"
	"framework and scope (set of accounts), ordered by the date of the\n"
	"configuration each scan judged (as of). Each scan shows its posture, its\n"
	"controls fully passing (the strict score), its coverage and, beside any\n"
	"change, the findings newly failing and fixed since the scan before.\n";

static const struct cli_option trend_options[] = {
	{"framework", 'f', "ID", 'f', "this framework only (default: every framework)"},
	CLI_OPTION_DB,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_option trend_more[] = {
	{"limit", 'n', "N", 'n',
	 "lines for the N most recent scans of each series (default 20; the sparkline covers "
	 "all)"},
	{"ascii", 0, NULL, 'A', "ASCII instead of Unicode block characters"},
	{"json", 0, NULL, 'j', "every point as JSON"},
	{"csv", 0, NULL, 'c', "every point as CSV"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup trend_groups[] = {
	{NULL, trend_options},
	{NULL, cli_history_filter_options},
	{NULL, trend_more},
	{NULL, NULL},
};

enum mode { CHART, JSON, CSV };

struct point {
	char id[ATTEST_SCAN_ID_MAX], at[24], as_of[24];
	bool has, has_posture, has_change;
	double score, coverage, posture;
	int pass, fail, passing, scored;
	long long newly_failing, fixed; /* since the point before (has_change) */
};

struct series {
	char *framework, *scope;
	struct point *p;
	size_t n, cap;
};

struct trend {
	enum mode mode;
	struct series *s;
	size_t n, cap;
	bool nomem;
};

static void *
grow(void *arr, size_t *cap, size_t size, size_t first)
{
	size_t n = *cap ? 2 * *cap : first;
	void *m = realloc(arr, n * size);

	if (m)
		*cap = n;
	return m;
}

static void
collect(void *data, const struct attest_trend_point *pt)
{
	struct trend *t = data;
	struct series *s;
	struct point *p;

	if (t->nomem)
		return;
	if (t->n == 0 || strcmp(t->s[t->n - 1].scope, pt->scope) != 0 ||
	    strcmp(t->s[t->n - 1].framework, pt->framework) != 0) {
		if (t->n == t->cap) {
			struct series *m = grow(t->s, &t->cap, sizeof(*m), 4);

			if (!m) {
				t->nomem = true;
				return;
			}
			t->s = m;
		}
		s = &t->s[t->n];
		memset(s, 0, sizeof(*s));
		s->scope = strdup(pt->scope);
		s->framework = strdup(pt->framework);
		t->n++;
		if (!s->scope || !s->framework) {
			t->nomem = true;
			return;
		}
	}
	s = &t->s[t->n - 1];
	if (s->n == s->cap) {
		struct point *m = grow(s->p, &s->cap, sizeof(*m), 64);

		if (!m) {
			t->nomem = true;
			return;
		}
		s->p = m;
	}
	p = &s->p[s->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", pt->scan_id);
	snprintf(p->at, sizeof(p->at), "%s", pt->started_at);
	snprintf(p->as_of, sizeof(p->as_of), "%s", pt->as_of);
	p->has = pt->has_score;
	p->score = pt->score;
	p->coverage = pt->coverage;
	p->pass = pt->n_pass;
	p->fail = pt->n_fail;
	p->passing = pt->controls_passing;
	p->scored = pt->controls_scored;
	p->has_posture = pt->has_posture;
	p->posture = pt->posture;
}

/* Counts the findings newly failing and fixed between each point from
 * `first` on and the point before it. */
static attest_rc
count_changes(attest_store *store, struct series *s, size_t first)
{
	size_t j;
	attest_rc rc;

	for (j = first ? first : 1; j < s->n; j++) {
		rc = attest_store_change_counts(store, s->p[j - 1].id, s->p[j].id, s->framework,
						&s->p[j].newly_failing, &s->p[j].fixed);
		if (rc != ATTEST_OK)
			return rc;
		s->p[j].has_change = true;
	}
	return ATTEST_OK;
}

static void
csv_field(const char *s)
{
	/* Quoted always; a leading = + - @ is neutralized for spreadsheets. */
	putchar('"');
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		putchar('\'');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void
print_csv(const struct trend *t)
{
	size_t i, j;

	puts("framework,scope,scan,as_of,started_at,score,controls_passing,controls_scored,"
	     "posture,coverage,controls_pass,controls_fail,newly_failing,fixed");
	for (i = 0; i < t->n; i++)
		for (j = 0; j < t->s[i].n; j++) {
			const struct point *p = &t->s[i].p[j];

			csv_field(t->s[i].framework);
			putchar(',');
			csv_field(t->s[i].scope);
			printf(",%s,%s,%s,", p->id, p->as_of, p->at);
			if (p->has)
				printf("%.1f", p->score);
			printf(",%d,%d,", p->passing, p->scored);
			if (p->has_posture)
				printf("%.1f", p->posture);
			printf(",%.1f,%d,%d,", p->coverage, p->pass, p->fail);
			if (p->has_change)
				printf("%lld,%lld", p->newly_failing, p->fixed);
			else
				putchar(',');
			putchar('\n');
		}
}

static json_t *
num_or_null(bool has, double v)
{
	return has ? json_real(round(v * 10.0) / 10.0) : json_null();
}

static json_t *
point_json(const struct point *p, const struct point *before)
{
	bool change = before && p->has_change;

	return json_pack(
		"{s:s, s:s, s:s, s:o, s:i, s:i, s:o, s:o, s:i, s:i, s:o, s:o, s:o, s:o}", "scan",
		p->id, "as_of", p->as_of, "started_at", p->at, "score",
		num_or_null(p->has, p->score), "controls_passing", p->passing, "controls_scored",
		p->scored, "posture", num_or_null(p->has_posture, p->posture), "coverage",
		num_or_null(true, p->coverage), "controls_pass", p->pass, "controls_fail", p->fail,
		"delta",
		num_or_null(change && p->has && before->has, change ? p->score - before->score : 0),
		"posture_delta",
		num_or_null(change && p->has_posture && before->has_posture,
			    change ? p->posture - before->posture : 0),
		"newly_failing", change ? json_integer(p->newly_failing) : json_null(), "fixed",
		change ? json_integer(p->fixed) : json_null());
}

static int
print_json(const char *fw, const struct trend *t)
{
	json_t *root = json_pack("{s:o, s:[]}", "framework", fw ? json_string(fw) : json_null(),
				 "series"),
	       *pts, *o;
	size_t i, j;
	int status;

	if (!root)
		return cli_fail(EXIT_ERROR, "out of memory");
	for (i = 0; i < t->n; i++) {
		const struct series *s = &t->s[i];

		pts = json_array();
		for (j = 0; pts && j < s->n; j++) {
			o = point_json(&s->p[j], j ? &s->p[j - 1] : NULL);
			if (!o || json_array_append_new(pts, o) != 0) {
				json_decref(pts);
				pts = NULL;
			}
		}
		o = pts ? json_pack("{s:s, s:s, s:o}", "framework", s->framework, "scope", s->scope,
				    "points", pts)
			: NULL;
		if (!o || json_array_append_new(json_object_get(root, "series"), o) != 0) {
			json_decref(root);
			return cli_fail(EXIT_ERROR, "out of memory");
		}
	}
	status = cli_print_json(root);
	json_decref(root);
	return status;
}

/* "-36.1 posture; -66.7 passing; 4 newly failing, 2 fixed": the move since
 * the scan before, never without the findings that made it. */
static void
print_change(const struct point *p, const struct point *before, bool color)
{
	if (!before) {
		fputs("  (first)", stdout);
		return;
	}
	fputs("  ", stdout);
	if (p->has_posture && before->has_posture) {
		double d = p->posture - before->posture;

		printf("%s%+.1f%s posture; ",
		       color ? (d > 0   ? "\033[32m"
				: d < 0 ? "\033[31m"
					: "")
			     : "",
		       d, color ? "\033[0m" : "");
	}
	if (p->has && before->has)
		printf("%+.1f passing; ", p->score - before->score);
	printf("%lld newly failing, %lld fixed", p->newly_failing, p->fixed);
}

/* A sparkline of every scan's posture in s, squeezed into 60 columns. */
static void
print_spark(const struct series *s, bool ascii)
{
	static const char *const spark_u[] = {"\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588"};
	static const char spark_a[] = "_.-~=+*#";
	size_t k, width = s->n < 60 ? s->n : 60;
	int b;

	fputs("  ", stdout);
	for (k = 0; k < width; k++) {
		const struct point *p = &s->p[k * s->n / width];

		b = p->has_posture ? (int)(p->posture / 100.0 * 7.0 + 0.5) : 0;
		b = b < 0 ? 0 : b > 7 ? 7 : b;
		if (!p->has_posture)
			fputs(" ", stdout);
		else if (ascii)
			putchar(spark_a[b]);
		else
			fputs(spark_u[b], stdout);
	}
}

/* One line of the chart: scan p, and how it moved since before (or NULL). */
static void
print_line(const struct point *p, const struct point *before, bool ascii, bool color)
{
	const char *full = ascii ? "#" : "\u2588", *empty = ascii ? "." : "\u2591";
	int b, cells;

	printf("  %.10s %.5s  ", p->as_of, p->as_of + 11);
	cells = p->has_posture ? (int)(p->posture / 5.0 + 0.5) : 0;
	if (color)
		fputs(!p->has_posture    ? "\033[2m"
		      : p->posture >= 80 ? "\033[32m"
		      : p->posture >= 50 ? "\033[33m"
					 : "\033[31m",
		      stdout);
	for (b = 0; b < 20; b++)
		fputs(b < cells ? full : empty, stdout);
	if (color)
		fputs("\033[0m", stdout);
	if (p->has_posture)
		printf(" %5.1f%%", p->posture);
	else
		fputs("   n/a ", stdout);
	printf("   %3d of %-3d ", p->passing, p->scored);
	if (p->has)
		printf("(%5.1f%%)", p->score);
	else
		fputs("(  n/a )", stdout);
	printf("   %5.1f%%", p->coverage);
	print_change(p, before, color);
	printf("  %s\n", p->id);
}

static void
print_chart(const struct trend *t, long limit, bool ascii, bool color)
{
	char fw[CLI_TERM_MAX], scope[CLI_TERM_MAX];
	size_t i, j, first;

	for (i = 0; i < t->n; i++) {
		const struct series *s = &t->s[i];

		printf("%s  %s  (%zu scans)\n", cli_term(fw, sizeof(fw), s->framework),
		       cli_term(scope, sizeof(scope), s->scope), s->n);
		print_spark(s, ascii);
		puts("\n  as of             posture                      fully passing     coverage"
		     "  change since the scan before");
		first = limit > 0 && s->n > (size_t)limit ? s->n - (size_t)limit : 0;
		for (j = first; j < s->n; j++)
			print_line(&s->p[j], j ? &s->p[j - 1] : NULL, ascii, color);
		if (i + 1 < t->n)
			fputc('\n', stdout);
	}
}

/* What the command line asks for, besides t->mode. */
struct trend_args {
	struct attest_history_filter f;
	const char *db, *fw;
	long limit;
	bool ascii;
};

/* The command line into a and t->mode; CLI_CONTINUE or the exit status. */
static int
parse_args(struct trend_args *a, struct trend *t, int argc, char **argv)
{
	struct cli_getopt g;
	int c;

	cli_getopt_init(&g, trend_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		if (cli_history_filter_set(&a->f, c, optarg))
			continue;
		switch (c) {
		case 'f':
			a->fw = optarg;
			break;
		case 'd':
			a->db = optarg;
			break;
		case 'n':
			if ((a->limit = cli_count("trend", "--limit", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'A':
			a->ascii = true;
			break;
		case 'j':
		case 'c':
			if (t->mode != CHART)
				return cli_usage_error("trend",
						       "--json and --csv exclude each other");
			t->mode = c == 'j' ? JSON : CSV;
			break;
		case 'h':
			cli_print_help(&cli_trend, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("trend", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cli_usage_error("trend", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("trend", "unexpected argument '%s'", argv[optind]);
	return CLI_CONTINUE;
}

/* The series into t, with the change counts of the points shown: every
 * point in JSON and CSV, the lines of the chart. */
static attest_rc
load_trend(attest_store *store, const struct trend_args *a, struct trend *t)
{
	attest_rc rc = attest_store_trend(store, a->fw, &a->f, collect, t);
	size_t i, first;

	for (i = 0; rc == ATTEST_OK && !t->nomem && i < t->n; i++) {
		first = t->mode == CHART && a->limit > 0 && t->s[i].n > (size_t)a->limit
				? t->s[i].n - (size_t)a->limit
				: 0;
		rc = count_changes(store, &t->s[i], first);
	}
	return rc;
}

static int
run_trend(attest_ctx *ctx, int argc, char **argv)
{
	struct trend_args a = {.limit = 20};
	struct trend t = {0};
	attest_store *store = NULL;
	attest_rc rc;
	size_t i;
	int status;

	if ((status = parse_args(&a, &t, argc, argv)) != CLI_CONTINUE)
		return status;
	if ((status = cli_history_open(ctx, a.db, true, &store)) != EXIT_OK)
		return status;
	rc = load_trend(store, &a, &t);
	if (rc == ATTEST_ERR_USAGE)
		status = cli_usage_error("trend", "%s", attest_ctx_errmsg(ctx));
	else if (rc != ATTEST_OK)
		status = cli_lib_fail(ctx);
	else if (t.nomem)
		status = cli_fail(EXIT_ERROR, "out of memory");
	else if (t.mode == JSON)
		status = print_json(a.fw, &t);
	else if (t.mode == CSV)
		print_csv(&t);
	else
		print_chart(&t, a.limit, a.ascii, cli_color(stdout));
	for (i = 0; i < t.n; i++) {
		free(t.s[i].framework);
		free(t.s[i].scope);
		free(t.s[i].p);
	}
	free(t.s);
	attest_store_close(store);
	return status;
}

const struct cli_command cli_trend = {
	"trend", "show frameworks' posture and scores over time", usage, run_trend, trend_groups,
	NULL,
};
