/*
 * attest scan [INPUT...]: load the inventory, evaluate the frameworks, store
 * the scan in the history database, then render what was asked for from the
 * stored scan. Nothing is stored unless every step before it succeeded.
 */
#include "config.h"

#include "cli.h"
#include "output.h"
#include "cli_collect.h"
#include "core/core_int.h"

#include <getopt.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LIST 64

struct scan_opts {
	const char *frameworks[MAX_LIST];
	size_t n_frameworks;
	const char *dirs[MAX_LIST];
	size_t n_dirs;
	const char *exceptions[MAX_LIST];
	size_t n_exceptions;
	const char *attestations[MAX_LIST];
	size_t n_attestations;
	const char *outputs[CLI_MAX_FORMATS];
	const char *db;
	const char *template; /* report template (--template) */
	double fail_under;
	bool has_fail_under;
	bool quiet;
	int verbose;
	bool aws;         /* --aws: collect live, then scan */
	bool keep_inputs; /* --keep-inputs: copy the inputs into the history */
	struct cli_collect_opts collect;
};

static const struct cli_option scan_options[] = {
	{"framework", 'f', "ID", 'f', "evaluate this framework (repeatable; default: all)"},
	CLI_OPTION_FRAMEWORKS_DIR,
	{"exceptions", 0, "FILE", 'E',
	 "apply the exceptions in FILE (repeatable; XML, frameworks/exceptions.xsd)"},
	{"attestations", 0, "FILE", 'A',
	 "apply the attestations of manual controls in FILE (repeatable; XML, "
	 "frameworks/attestations.xsd)"},
	{"template", 0, "FILE", 'T', "report template of the PDF (templates/template.xsd)"},
	CLI_OPTION_DB,
	{"keep-inputs", 0, NULL, 'K',
	 "keep a compressed copy of the input files in the history database, for 'attest "
	 "package'"},
	{"fail-under", 0, "SCORE", 'F',
	 "exit 3 if a framework scores below SCORE (0-100), or could not be scored"},
	{"aws", 0, NULL, 'W',
	 "collect the AWS account the credentials reach and scan it (with the AWS "
	 "collection options below)"},
	{"quiet", 'q', NULL, 'q', "no summary"},
	{"verbose", 'v', NULL, 'v', "progress messages even when not on a terminal"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup scan_groups[] = {
	{NULL, scan_options},
	{"AWS collection, with --aws (as for 'attest collect aws'):", cli_aws_options},
	{"Reports (several at once, all from the stored scan; FILE '-' is standard output):",
	 cli_format_options},
	{NULL, NULL},
};

/* optarg at the end of list (n entries, at most MAX_LIST) of a repeatable
 * option; CLI_CONTINUE or the exit status. */
static int
add_arg(const char **list, size_t *n, const char *option)
{
	if (*n == MAX_LIST)
		return cli_usage_error("scan", "too many %s options", option);
	list[(*n)++] = optarg;
	return CLI_CONTINUE;
}

/* One option (getopt's c) into o; CLI_CONTINUE or the exit status. */
static int
parse_option(struct scan_opts *o, int c, char **argv)
{
	int status;

	switch (c) {
	case 'f':
		return add_arg(o->frameworks, &o->n_frameworks, "--framework");
	case 'D':
		return add_arg(o->dirs, &o->n_dirs, "--frameworks-dir");
	case 'd':
		o->db = optarg;
		break;
	case 'W':
		o->aws = true;
		break;
	case 'K':
		o->keep_inputs = true;
		break;
	case 'T':
		o->template = optarg;
		break;
	case 'E':
		return add_arg(o->exceptions, &o->n_exceptions, "--exceptions");
	case 'A':
		return add_arg(o->attestations, &o->n_attestations, "--attestations");
	case 'F':
		if (cli_parse_percent(optarg, &o->fail_under) != 0)
			return cli_usage_error("scan",
					       "--fail-under needs a score from 0 to 100 "
					       "(digits, one optional decimal point), not '%s'",
					       optarg);
		o->has_fail_under = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case 'h':
		cli_print_help(&cli_scan, stdout);
		return EXIT_OK;
	case ':':
		return cli_usage_error("scan", "option '%s' needs a value", argv[optind - 1]);
	default:
		if (cli_formats_option(o->outputs, c, optarg))
			return CLI_CONTINUE;
		if ((status = cli_collect_option(&o->collect, "scan", c, optarg)) >= 0) {
			if (status != EXIT_OK)
				return EXIT_USAGE;
			break;
		}
		return cli_usage_error("scan", "unknown option '%s'", argv[optind - 1]);
	}
	return CLI_CONTINUE;
}

/* The command line into o; CLI_CONTINUE (the inputs start at
 * *first_input) or the exit status. */
static int
parse(int argc, char **argv, struct scan_opts *o, int *first_input)
{
	struct cli_getopt g;
	int c, status;

	cli_getopt_init(&g, scan_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1)
		if ((status = parse_option(o, c, argv)) != CLI_CONTINUE)
			return status;
	*first_input = optind;
	if (!o->aws && (o->collect.aws.profile || o->collect.aws.n_regions ||
			o->collect.aws.role_arn || o->collect.aws.external_id ||
			o->collect.aws.from_organization || o->collect.aws.role_name))
		return cli_usage_error("scan", "the AWS collection options need --aws");
	if (o->aws && (status = cli_collect_check(&o->collect, "scan")) != EXIT_OK)
		return status;
	return CLI_CONTINUE;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With --verbose: where the time went and the peak memory, for users sizing
 * a machine and for make bench. */
static void
print_stats(attest_inventory *inv, const double t[4])
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr,
		"attest: %lld resources in %.2f s (%.0f per second), peak memory %.1f MiB\n"
		"attest: phases: load %.2f s, evaluate %.2f s, store %.2f s\n",
		attest_inventory_count(inv), t[3] - t[0],
		(double)attest_inventory_count(inv) / (t[3] - t[0] > 0 ? t[3] - t[0] : 1),
		(double)ru.ru_maxrss / 1024.0, t[1] - t[0], t[2] - t[1], t[3] - t[2]);
}

struct threshold {
	double min;
	int status;
};

static void
check_threshold(void *data, const char *fw, bool has, double score)
{
	struct threshold *t = data;

	if (!has || score < t->min) {
		if (has)
			cli_fail(0, "%s scored %.1f, below --fail-under %.1f", fw, score, t->min);
		else
			cli_fail(0, "%s could not be scored, --fail-under %.1f not met", fw,
				 t->min);
		t->status = EXIT_THRESHOLD;
	}
}

/* --aws: collects into a private temporary file, loads it, removes it. */
static int
scan_aws(attest_ctx *ctx, struct scan_opts *o, attest_inventory *inv)
{
	char path[4096];
	int fd, status;

	if (core_path_join(ctx, path, sizeof(path), core_tmpdir(), "attest-aws-XXXXXX") !=
	    ATTEST_OK)
		return cli_lib_fail(ctx);
	fd = mkstemp(path);
	if (fd < 0)
		return cli_fail(EXIT_ERROR, "cannot create a temporary file in '%s'",
				core_tmpdir());
	close(fd);
	o->collect.verbose = o->verbose;
	status = cli_collect_run(ctx, &o->collect, path);
	if (status == EXIT_OK && attest_inventory_load(inv, path) != ATTEST_OK)
		status = cli_lib_fail(ctx);
	unlink(path);
	return status;
}

/* Every file the scan reads or writes, checked before anything is loaded,
 * evaluated or stored: no report over the history, an input or another
 * report. */
static int
check_paths(const struct scan_opts *o, int argc, char **argv, int first, const char *sample,
	    const char *db)
{
	struct cli_paths *p = calloc(1, sizeof(*p));
	size_t k;
	int i, status = EXIT_USAGE;

	if (!p)
		return cli_fail(EXIT_ERROR, "out of memory");
	if (cli_paths_add(p, db, CLI_PATH_DB, "the history database") != EXIT_OK ||
	    cli_paths_add(p, o->template, CLI_PATH_INPUT, "the template") != EXIT_OK ||
	    cli_formats_add_paths(p, o->outputs) != EXIT_OK)
		goto out;
	if (first >= argc && !o->aws &&
	    cli_paths_add(p, sample, CLI_PATH_INPUT, "the input") != EXIT_OK)
		goto out;
	for (i = first; i < argc; i++)
		if (cli_paths_add(p, argv[i], CLI_PATH_INPUT, "the input") != EXIT_OK)
			goto out;
	for (k = 0; k < o->n_exceptions; k++)
		if (cli_paths_add(p, o->exceptions[k], CLI_PATH_INPUT, "the exceptions file"))
			goto out;
	for (k = 0; k < o->n_attestations; k++)
		if (cli_paths_add(p, o->attestations[k], CLI_PATH_INPUT, "the attestations file"))
			goto out;
	status = cli_paths_check("scan", p);
out:
	free(p);
	return status;
}

/* Reads the inventory: --aws, the inputs (n of them) or the sample. */
static int
load_inputs(attest_ctx *ctx, struct scan_opts *o, attest_inventory *inv, char **inputs, int n,
	    const char *sample)
{
	int i, status;

	if (o->aws && (status = scan_aws(ctx, o, inv)) != EXIT_OK)
		return status;
	if (n == 0 && !o->aws && attest_inventory_load(inv, sample) != ATTEST_OK)
		return cli_lib_fail(ctx);
	for (i = 0; i < n; i++)
		if (attest_inventory_load(inv, inputs[i]) != ATTEST_OK)
			return cli_lib_fail(ctx);
	if (attest_inventory_finish(inv) != ATTEST_OK)
		return cli_lib_fail(ctx);
	return EXIT_OK;
}

/* The summary and where the stored scan and its reports went. */
static int
print_summary(attest_ctx *ctx, const struct scan_opts *o, attest_store *store, const char *id,
	      const char *dbpath)
{
	FILE *to = cli_formats_use_stdout(o->outputs) ? stderr : stdout;
	int i;

	if (attest_report_summary(store, id, to, cli_color(to)) != ATTEST_OK)
		return cli_lib_fail(ctx);
	fprintf(to, "Stored as scan %s in %s\n", id, dbpath);
	for (i = 0; cli_formats[i].option; i++)
		if (o->outputs[i] && strcmp(o->outputs[i], "-") != 0)
			fprintf(to, "%s written to %s\n", cli_formats[i].option, o->outputs[i]);
	return EXIT_OK;
}

/* After the scan is stored: its reports, the summary and the threshold. A
 * report that fails now says so, and the threshold is still applied. */
static int
finish_scan(attest_ctx *ctx, const struct scan_opts *o, attest_store *store, const char *id,
	    const char *dbpath)
{
	struct threshold th;
	int status, written;

	if ((written = cli_write_formats(ctx, o->outputs, store, id)) != EXIT_OK)
		cli_fail(0,
			 "the scan was stored as %s in '%s'; write its reports again with "
			 "'attest report %s --db %s'",
			 id, dbpath, id, dbpath);
	if (written == EXIT_OK && !o->quiet &&
	    (status = print_summary(ctx, o, store, id, dbpath)) != EXIT_OK)
		return status;
	status = EXIT_OK;
	if (o->has_fail_under) {
		th.min = o->fail_under;
		th.status = EXIT_OK;
		if (attest_report_scores(store, id, check_threshold, &th) != ATTEST_OK)
			return cli_lib_fail(ctx);
		status = th.status;
	}
	return written != EXIT_OK ? written : status;
}

static int
run_scan(attest_ctx *ctx, int argc, char **argv)
{
	struct scan_opts o = {0};
	attest_library *lib = NULL;
	attest_inventory *inv = NULL;
	attest_store *store = NULL;
	char sample[4096], dbpath[4096], id[ATTEST_SCAN_ID_MAX];
	time_t started, finished;
	double t[4];
	int first = 1, status;
	struct attest_eval_opts eo;

	if ((status = parse(argc, argv, &o, &first)) != CLI_CONTINUE) {
		cli_collect_opts_release(&o.collect);
		return status;
	}
	attest_ctx_set_log(ctx, cli_log, &o.verbose);
	if ((o.db ? core_path_copy(ctx, dbpath, sizeof(dbpath), o.db)
		  : attest_store_default_path(ctx, dbpath, sizeof(dbpath))) != ATTEST_OK ||
	    core_datadir_path(ctx, sample, sizeof(sample), "samples/estate.json") != ATTEST_OK)
		goto lib_fail;
	if ((status = check_paths(&o, argc, argv, first, sample, dbpath)) != EXIT_OK)
		goto out;
	started = time(NULL);
	t[0] = now_seconds();
	/* A bad template fails before anything is scanned or stored. */
	if (o.template && attest_report_set_template(ctx, o.template) != ATTEST_OK)
		goto lib_fail;
	if ((status = cli_load_library(ctx, o.dirs, o.n_dirs, &lib)) != EXIT_OK)
		goto out;
	if (attest_inventory_new(ctx, &inv) != ATTEST_OK)
		goto lib_fail;
	if ((status = load_inputs(ctx, &o, inv, argv + first, argc - first, sample)) != EXIT_OK)
		goto out;
	t[1] = now_seconds();
	eo = (struct attest_eval_opts){o.frameworks,   o.n_frameworks, o.exceptions,
				       o.n_exceptions, o.attestations, o.n_attestations};
	if (attest_evaluate_with(inv, lib, &eo) != ATTEST_OK)
		goto lib_fail;
	t[2] = now_seconds();
	finished = time(NULL);
	if (attest_store_open(ctx, dbpath, &store) == ATTEST_OK)
		attest_store_set_keep_inputs(store, o.keep_inputs);
	if (!store || attest_store_save(store, inv, started, finished, id) != ATTEST_OK)
		goto lib_fail;
	t[3] = now_seconds();
	cli_log(&o.verbose, ATTEST_LOG_INFO, "");
	if (o.verbose)
		print_stats(inv, t);
	status = finish_scan(ctx, &o, store, id, dbpath);
	goto out;
lib_fail:
	status = cli_lib_fail(ctx);
out:
	cli_collect_opts_release(&o.collect);
	attest_store_close(store);
	attest_inventory_free(inv);
	attest_library_free(lib);
	return status;
}

const struct cli_command cli_scan = {
	"scan",
	"evaluate an inventory against frameworks and store the scan",
	"usage: attest scan [OPTIONS] [INPUT...]\n"
	"\n"
	"Evaluates inventories (native JSON or NDJSON, or AWS Config snapshots) against\n"
	"the installed frameworks and stores the scan in the history database. With no\n"
	"INPUT, scans the bundled sample estate. INPUT '-' reads standard input.\n",
	run_scan,
	scan_groups,
	NULL,
};
