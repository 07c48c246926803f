/*
 * attest diff [FROM] [TO]: what changed between two stored scans. With no
 * argument, the latest scan against the previous one of its scope; with
 * one, that scan against the previous one of its scope. Terminal output
 * lists every newly failing, fixed and newly excepted finding and the first
 * still-failing ones (--all: every one); --json gives everything.
 */
#include "config.h"

#include "history_cli.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

static const char usage[] =
	"usage: attest diff [OPTIONS] [FROM] [TO]\n"
	"\n"
	"Compares two stored scans: framework scores, controls whose status or score\n"
	"changed, and findings newly failing, fixed, newly excepted and still failing.\n"
	"With no scan, compares the latest scan with the previous scan of the same\n"
	"scope; with one, that scan with the previous scan of its scope. Scans are ids,\n"
	"unique prefixes of ids, or 'latest'.\n"
	"\n"
	"Options:\n"
	"      --db PATH   history database (default: $ATTEST_DB, else\n"
	"                  $XDG_DATA_HOME/attest/history.db)\n"
	"  -n, --limit N   list at most N findings per change (default 20)\n"
	"      --all       list every finding\n"
	"      --json      the whole comparison as JSON\n"
	"  -h, --help      this help\n";

static const char *const change_names[] = {"newly_failing", "fixed", "newly_excepted",
					   "still_failing"};
static const char *const change_titles[] = {"Newly failing", "Fixed", "Newly excepted",
					    "Still failing"};

struct diff_out {
	bool color;
	long limit; /* terminal: findings listed per change, -1 all */
	json_t *json, *frameworks, *controls, *findings[4];
	long long count[4];
	int section; /* the change being printed, -1 before the first */
	long long controls_changed;
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

static void
on_framework(void *data, const struct attest_diff_framework *f)
{
	struct diff_out *o = data;

	if (o->json) {
		json_array_append_new(
			o->frameworks,
			json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", f->framework, "title",
				  f->title ? f->title : "", "from_score",
				  score_or_null(f->in_from && f->has_from_score, f->from_score),
				  "to_score", score_or_null(f->in_to && f->has_to_score, f->to_score),
				  "delta",
				  delta_or_null(f->has_from_score && f->has_to_score,
						f->to_score - f->from_score),
				  "from_coverage", score_or_null(f->in_from, f->from_coverage),
				  "to_coverage", score_or_null(f->in_to, f->to_coverage)));
		return;
	}
	if (!f->in_from || !f->in_to) {
		printf("  %-14s %s only\n", f->framework, f->in_from ? "in FROM" : "in TO");
		return;
	}
	printf("  %-14s ", f->framework);
	if (f->has_from_score)
		printf("%5.1f%%", f->from_score);
	else
		fputs("  n/a ", stdout);
	fputs(" -> ", stdout);
	if (f->has_to_score)
		printf("%5.1f%%", f->to_score);
	else
		fputs("  n/a ", stdout);
	if (f->has_from_score && f->has_to_score) {
		double d = f->to_score - f->from_score;

		printf("   %s%+.1f%s", o->color ? (d > 0 ? "\033[32m" : d < 0 ? "\033[31m" : "") : "",
		       d, o->color ? "\033[0m" : "");
	}
	printf("   coverage %.1f%% -> %.1f%%\n", f->from_coverage, f->to_coverage);
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

	o->controls_changed++;
	if (o->json) {
		json_array_append_new(
			o->controls,
			json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "framework",
				  c->framework, "control", c->control, "title", c->title ? c->title : "",
				  "from_status", str_or_null(c->from_status), "to_status",
				  str_or_null(c->to_status), "from_score",
				  score_or_null(c->has_from_score, c->from_score), "to_score",
				  score_or_null(c->has_to_score, c->to_score), "delta",
				  delta_or_null(c->has_from_score && c->has_to_score,
						c->to_score - c->from_score)));
		return;
	}
	if (o->controls_changed == 1)
		fputs("\nControls that changed\n", stdout);
	printf("  %s %-10s %s -> %s   score ", c->framework, c->control,
	       c->from_status ? c->from_status : "(absent)", c->to_status ? c->to_status : "(absent)");
	print_score(c->has_from_score, c->from_score);
	fputs(" -> ", stdout);
	print_score(c->has_to_score, c->to_score);
	printf("   %s\n", c->title ? c->title : "");
}

static void
end_section(struct diff_out *o)
{
	if (o->section >= 0 && o->limit >= 0 && o->count[o->section] > o->limit)
		printf("    ... and %lld more (--all lists every one)\n",
		       o->count[o->section] - o->limit);
}

static void
on_finding(void *data, const struct attest_diff_finding *f)
{
	struct diff_out *o = data;
	int k = (int)f->change;

	o->count[k]++;
	if (o->json) {
		json_array_append_new(
			o->findings[k],
			json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:o, s:o, s:o}, s:o, s:o, s:s}",
				  "check", f->check, "title", f->title ? f->title : "", "severity",
				  f->severity ? f->severity : "", "resource", "type",
				  f->resource_type ? f->resource_type : "", "id",
				  f->resource_id ? f->resource_id : "", "arn", str_or_null(f->arn),
				  "account", str_or_null(f->account), "region", str_or_null(f->region),
				  "from_status", str_or_null(f->from_status), "to_status",
				  str_or_null(f->to_status), "reason", f->reason ? f->reason : ""));
		return;
	}
	if (o->section != k) {
		end_section(o);
		o->section = k;
		printf("\n%s\n", change_titles[k]);
	}
	if (o->limit >= 0 && o->count[k] > o->limit)
		return;
	printf("    %s%-8s%s %s  %s %s", o->color && f->severity &&
		   (!strcmp(f->severity, "critical") || !strcmp(f->severity, "high")) ? "\033[31m"
										  : "",
	       f->severity ? f->severity : "", o->color ? "\033[0m" : "", f->check,
	       f->resource_type ? f->resource_type : "", f->resource_id ? f->resource_id : "");
	if (f->account || f->region)
		printf(" (%s %s)", f->account ? f->account : "", f->region ? f->region : "");
	if (k == ATTEST_CHANGE_FIXED)
		printf("  now %s", f->to_status ? f->to_status : "not evaluated or gone");
	fputc('\n', stdout);
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
	if (attest_store_resolve(store, n >= 2 ? refs[1] : n == 1 ? refs[0] : "latest", to) !=
	    ATTEST_OK)
		return cli_lib_fail(ctx);
	if (n >= 2) {
		if (attest_store_resolve(store, refs[0], from) != ATTEST_OK)
			return cli_lib_fail(ctx);
	} else if (attest_store_previous(store, to, from) != ATTEST_OK) {
		return cli_lib_fail(ctx);
	}
	return EXIT_OK;
}

static int
run_diff(attest_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"limit", required_argument, NULL, 'n'},
		{"all", no_argument, NULL, 'A'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct diff_out o = {.limit = 20, .section = -1};
	struct attest_diff_sink sink = {on_framework, on_control, on_finding, &o};
	attest_store *store = NULL;
	const char *db = NULL;
	char from[ATTEST_SCAN_ID_MAX], to[ATTEST_SCAN_ID_MAX];
	json_t *a = NULL, *b = NULL, *counts;
	bool json = false;
	int c, k, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n':
			if ((o.limit = cli_count("diff", "--limit", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'A': o.limit = -1; break;
		case 'j': json = true; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		case ':':
			return cli_usage_error("diff", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("diff", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 2)
		return cli_usage_error("diff", "at most two scans, not %d", argc - optind);
	if ((status = cli_history_open(ctx, db, true, &store)) != EXIT_OK)
		return status;
	if ((status = resolve_pair(ctx, store, argc - optind, argv + optind, from, to)) !=
	    EXIT_OK)
		goto out;
	a = describe(store, from);
	b = describe(store, to);
	if (json) {
		/* The arrays are owned by o.json from the start, so every path frees
		 * them once. */
		o.json = json_object();
		json_object_set_new(o.json, "from", json_incref(a));
		json_object_set_new(o.json, "to", json_incref(b));
		json_object_set_new(o.json, "frameworks", o.frameworks = json_array());
		json_object_set_new(o.json, "controls", o.controls = json_array());
		json_object_set_new(o.json, "findings", counts = json_object());
		for (k = 0; k < 4; k++)
			json_object_set_new(counts, change_names[k], o.findings[k] = json_array());
		if (!o.frameworks || !o.controls || !o.findings[0] || !o.findings[1] ||
		    !o.findings[2] || !o.findings[3]) {
			status = cli_fail(EXIT_ERROR, "out of memory");
			goto out;
		}
	} else {
		o.color = cli_color(stdout);
		printf("attest diff %s -> %s\n  from: as of %s (scanned %s)\n"
		       "  to:   as of %s (scanned %s)\n",
		       from, to, member(a, "as_of"), member(a, "started_at"), member(b, "as_of"),
		       member(b, "started_at"));
		if (strcmp(member(a, "as_of"), member(b, "as_of")) > 0)
			puts("note: FROM judged a later configuration than TO");
		if (!json_equal(json_object_get(a, "scope"), json_object_get(b, "scope")))
			printf("note: the scans cover different scopes (%s, %s)\n",
			       member(a, "scope"),
			       member(b, "scope"));
		fputs("\nFrameworks\n", stdout);
	}
	if (attest_store_diff(store, from, to, &sink) != ATTEST_OK) {
		status = cli_lib_fail(ctx);
		goto out;
	}
	if (json) {
		counts = json_object();
		for (k = 0; k < 4; k++)
			json_object_set_new(counts, change_names[k], json_integer(o.count[k]));
		json_object_set_new(o.json, "counts", counts);
		status = cli_print_json(o.json);
		goto out;
	}
	end_section(&o);
	if (o.controls_changed == 0)
		fputs("\nNo control changed status or score.\n", stdout);
	printf("\n%lld newly failing, %lld fixed, %lld newly excepted, %lld still failing\n",
	       o.count[0], o.count[1], o.count[2], o.count[3]);
out:
	json_decref(o.json);
	json_decref(a);
	json_decref(b);
	attest_store_close(store);
	return status;
}

const struct cli_command cli_diff = {
	"diff", "compare two stored scans", usage, run_diff, NULL,
};
