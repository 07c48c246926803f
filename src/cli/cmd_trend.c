/*
 * attest trend --framework ID: a framework's score over time, one series per
 * scope. On a terminal, a bar per scan (the most recent --limit) and a
 * sparkline of the whole series; --json and --csv give every point. Unicode
 * blocks unless --ascii; colour only on a terminal without NO_COLOR.
 */
#include "config.h"

#include "history_cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: attest trend --framework ID [OPTIONS]\n"
	"\n"
	"Shows how a framework's score moved across the stored scans, one series per\n"
	"scope (set of accounts).\n"
	"\n"
	"Options:\n"
	"  -f, --framework ID   the framework (required)\n"
	"      --db PATH        history database (default: $ATTEST_DB, else\n"
	"                       $XDG_DATA_HOME/attest/history.db)\n"
	"  -a, --account ID     scans that covered this account\n"
	"      --scope SCOPE    scans of exactly this scope\n"
	"      --since DATE     scans started on or after DATE (UTC)\n"
	"      --until DATE     scans started on or before DATE\n"
	"  -n, --limit N        bars for the N most recent scans of each scope\n"
	"                       (default 20; the sparkline covers all)\n"
	"      --ascii          ASCII instead of Unicode block characters\n"
	"      --json           every point as JSON\n"
	"      --csv            every point as CSV\n"
	"  -h, --help           this help\n";

enum mode { CHART, JSON, CSV };

struct point {
	char id[ATTEST_SCAN_ID_MAX], at[24], as_of[24];
	bool has;
	double score, coverage;
	int pass, fail;
};

struct series {
	char *scope;
	struct point *p;
	size_t n, cap;
};

struct trend {
	enum mode mode;
	struct series *s;
	size_t n, cap;
	bool nomem;
};

static void
collect(void *data, const struct attest_trend_point *pt)
{
	struct trend *t = data;
	struct series *s;
	struct point *p;

	if (t->nomem)
		return;
	if (t->n == 0 || strcmp(t->s[t->n - 1].scope, pt->scope) != 0) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 4;
			struct series *m = realloc(t->s, cap * sizeof(*m));

			if (!m) {
				t->nomem = true;
				return;
			}
			t->s = m;
			t->cap = cap;
		}
		s = &t->s[t->n];
		memset(s, 0, sizeof(*s));
		if (!(s->scope = strdup(pt->scope))) {
			t->nomem = true;
			return;
		}
		t->n++;
	}
	s = &t->s[t->n - 1];
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct point *m = realloc(s->p, cap * sizeof(*m));

		if (!m) {
			t->nomem = true;
			return;
		}
		s->p = m;
		s->cap = cap;
	}
	p = &s->p[s->n++];
	snprintf(p->id, sizeof(p->id), "%s", pt->scan_id);
	snprintf(p->at, sizeof(p->at), "%s", pt->started_at);
	snprintf(p->as_of, sizeof(p->as_of), "%s", pt->as_of);
	p->has = pt->has_score;
	p->score = pt->score;
	p->coverage = pt->coverage;
	p->pass = pt->n_pass;
	p->fail = pt->n_fail;
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
print_csv(const char *fw, const struct trend *t)
{
	size_t i, j;

	puts("framework,scope,scan,as_of,started_at,score,coverage,controls_pass,controls_fail");
	for (i = 0; i < t->n; i++)
		for (j = 0; j < t->s[i].n; j++) {
			const struct point *p = &t->s[i].p[j];

			csv_field(fw);
			putchar(',');
			csv_field(t->s[i].scope);
			printf(",%s,%s,%s,", p->id, p->as_of, p->at);
			if (p->has)
				printf("%.1f", p->score);
			printf(",%.1f,%d,%d\n", p->coverage, p->pass, p->fail);
		}
}

static int
print_json(const char *fw, const struct trend *t)
{
	json_t *root = json_pack("{s:s, s:[]}", "framework", fw, "series"), *pts, *o;
	size_t i, j;
	int status;

	if (!root)
		return cli_fail(EXIT_ERROR, "out of memory");
	for (i = 0; i < t->n; i++) {
		pts = json_array();
		for (j = 0; pts && j < t->s[i].n; j++) {
			const struct point *p = &t->s[i].p[j];

			o = json_pack("{s:s, s:s, s:s, s:o, s:f, s:i, s:i}", "scan", p->id, "as_of",
				      p->as_of, "started_at", p->at, "score", p->has ? json_real(p->score) : json_null(),
				      "coverage", p->coverage, "controls_pass", p->pass,
				      "controls_fail", p->fail);
			json_array_append_new(pts, o);
		}
		json_array_append_new(json_object_get(root, "series"),
				      json_pack("{s:s, s:o}", "scope", t->s[i].scope, "points",
						pts ? pts : json_null()));
	}
	status = cli_print_json(root);
	json_decref(root);
	return status;
}

static void
print_chart(const char *fw, const struct trend *t, long limit, bool ascii, bool color)
{
	static const char *const spark_u[] = {"\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588"};
	static const char spark_a[] = "_.-~=+*#";
	const char *full = ascii ? "#" : "\u2588", *empty = ascii ? "." : "\u2591";
	size_t i, j, first, k, width;
	int b, cells;

	for (i = 0; i < t->n; i++) {
		const struct series *s = &t->s[i];

		printf("%s  %s  (%zu scans)\n", fw, s->scope, s->n);
		/* sparkline of every scan, squeezed into 60 columns */
		width = s->n < 60 ? s->n : 60;
		fputs("  ", stdout);
		for (k = 0; k < width; k++) {
			const struct point *p = &s->p[k * s->n / width];

			b = p->has ? (int)(p->score / 100.0 * 7.0 + 0.5) : 0;
			b = b < 0 ? 0 : b > 7 ? 7 : b;
			if (!p->has)
				fputs(" ", stdout);
			else if (ascii)
				putchar(spark_a[b]);
			else
				fputs(spark_u[b], stdout);
		}
		fputs("\n", stdout);
		first = limit > 0 && s->n > (size_t)limit ? s->n - (size_t)limit : 0;
		for (j = first; j < s->n; j++) {
			const struct point *p = &s->p[j];

			printf("  %.10s %.5s  ", p->as_of, p->as_of + 11);
			cells = p->has ? (int)(p->score / 5.0 + 0.5) : 0;
			if (color)
				fputs(!p->has ? "\033[2m" : p->score >= 80 ? "\033[32m"
							 : p->score >= 50  ? "\033[33m"
									   : "\033[31m",
				      stdout);
			for (b = 0; b < 20; b++)
				fputs(b < cells ? full : empty, stdout);
			if (color)
				fputs("\033[0m", stdout);
			if (p->has)
				printf(" %5.1f%%", p->score);
			else
				fputs("   n/a ", stdout);
			if (j > 0 && p->has && s->p[j - 1].has)
				printf(" %+6.1f", p->score - s->p[j - 1].score);
			printf("  %s\n", p->id);
		}
		if (i + 1 < t->n)
			fputc('\n', stdout);
	}
}

static int
run_trend(attest_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"framework", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'd'},
		{"account", required_argument, NULL, 'a'},
		{"scope", required_argument, NULL, 'S'},
		{"since", required_argument, NULL, 's'},
		{"until", required_argument, NULL, 'u'},
		{"limit", required_argument, NULL, 'n'},
		{"ascii", no_argument, NULL, 'A'},
		{"json", no_argument, NULL, 'j'},
		{"csv", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct attest_history_filter f = {0};
	struct trend t = {0};
	attest_store *store = NULL;
	const char *db = NULL, *fw = NULL;
	long limit = 20;
	bool ascii = false;
	attest_rc rc;
	size_t i;
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:a:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fw = optarg; break;
		case 'd': db = optarg; break;
		case 'a': f.account = optarg; break;
		case 'S': f.scope = optarg; break;
		case 's': f.since = optarg; break;
		case 'u': f.until = optarg; break;
		case 'n':
			if ((limit = cli_count("trend", "--limit", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'A': ascii = true; break;
		case 'j':
		case 'c':
			if (t.mode != CHART)
				return cli_usage_error("trend", "--json and --csv exclude each other");
			t.mode = c == 'j' ? JSON : CSV;
			break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		case ':':
			return cli_usage_error("trend", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("trend", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("trend", "unexpected argument '%s'", argv[optind]);
	if (!fw)
		return cli_usage_error("trend", "--framework ID is required");
	if ((status = cli_history_open(ctx, db, true, &store)) != EXIT_OK)
		return status;
	rc = attest_store_trend(store, fw, &f, collect, &t);
	if (rc == ATTEST_ERR_USAGE)
		status = cli_usage_error("trend", "%s", attest_ctx_errmsg(ctx));
	else if (rc != ATTEST_OK)
		status = cli_lib_fail(ctx);
	else if (t.nomem)
		status = cli_fail(EXIT_ERROR, "out of memory");
	else if (t.mode == JSON)
		status = print_json(fw, &t);
	else if (t.mode == CSV)
		print_csv(fw, &t);
	else
		print_chart(fw, &t, limit, ascii, cli_color(stdout));
	for (i = 0; i < t.n; i++) {
		free(t.s[i].scope);
		free(t.s[i].p);
	}
	free(t.s);
	attest_store_close(store);
	return status;
}

const struct cli_command cli_trend = {
	"trend", "show a framework's score over time", usage, run_trend, NULL,
};
