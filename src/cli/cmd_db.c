/*
 * attest db SUBCOMMAND: maintenance of the history database.
 *   prune --keep N | --before DATE [--dry-run]   delete old scans
 *   check                                         integrity, schema and contents
 *   export SCAN -o FILE                           one scan into a file of its own
 *   import FILE                                   add an exported scan
 *   upgrade                                       bring the schema up to date
 */
#include "config.h"

#include "history_cli.h"
#include "paths.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: attest db prune (--keep N | --before DATE) [--dry-run] [--db PATH]\n"
	"       attest db check [--db PATH]\n"
	"       attest db export SCAN -o FILE [--db PATH]\n"
	"       attest db import FILE [--db PATH]\n"
	"       attest db upgrade [--db PATH]\n"
	"\n"
	"Maintains the history database.\n"
	"  prune    deletes scans: all but the N most recent of each scope (--keep),\n"
	"           and/or those started before DATE (--before 2026-01-31); --dry-run\n"
	"           only counts them. The changes 'attest watch' recorded from a scan\n"
	"           go with it; --before also deletes changes of no scan, dead\n"
	"           letters and delivered alerts older than DATE\n"
	"  check    verifies SQLite integrity, the schema version, that every scan\n"
	"           is complete and every row holds what a scan writes (types, JSON,\n"
	"           times, statuses, digests, references); names the problems and\n"
	"           exits 1 if anything is wrong\n"
	"  export   writes scan SCAN (id, unique prefix or 'latest') with everything\n"
	"           reports need, and the changes 'attest watch' recorded from it,\n"
	"           into FILE, a self-contained SQLite file\n"
	"  import   adds the scan of an exported FILE, checked row by row as db check\n"
	"           does; refuses a scan already stored or any invalid row\n"
	"  upgrade  brings a database written by an older attest to this attest's\n"
	"           schema (commands that only read refuse an older schema rather\n"
	"           than change the file)\n";

static const struct cli_option db_options[] = {
	CLI_OPTION_DB,
	{"keep", 0, "N", 'k', "prune: keep the N most recent scans of each scope"},
	{"before", 0, "DATE", 'b', "prune: delete the scans started before DATE"},
	{"dry-run", 0, NULL, 'n', "prune: only count the scans it would delete"},
	{"output", 'o', "FILE", 'o', "export: the SQLite file to write"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup db_groups[] = {
	{NULL, db_options},
	{NULL, NULL},
};

static void
problem(void *data, const char *msg)
{
	(void)data;
	/* names and values come from the database: escaped for the terminal */
	fputs("problem: ", stdout);
	attest_term_fputs(msg, stdout);
	fputc('\n', stdout);
}

static int
run_check(attest_ctx *ctx, attest_store *store)
{
	long long scans, problems;
	int version;

	if (attest_store_check(store, &version, &scans, problem, NULL, &problems) != ATTEST_OK)
		return cli_lib_fail(ctx);
	printf("schema version %d, %lld scans: %s\n", version, scans,
	       problems ? "PROBLEMS FOUND" : "ok");
	return problems ? EXIT_ERROR : EXIT_OK;
}

/* An export never goes over the database it is taken from. */
static int
check_export_path(attest_ctx *ctx, const char *db, const char *output)
{
	struct cli_paths *p = calloc(1, sizeof(*p));
	int status;

	if (!p)
		return cli_fail(EXIT_ERROR, "out of memory");
	if ((status = cli_paths_add_history(ctx, p, db)) == EXIT_OK &&
	    (status = cli_paths_add(p, output, CLI_PATH_OUTPUT, "the export")) == EXIT_OK)
		status = cli_paths_check("db export", p);
	free(p);
	return status;
}

/* What the command line asks for. */
struct db_args {
	const char *db, *before, *output, *sub, *operand;
	long keep;
	bool dry;
};

/* The options into a; CLI_CONTINUE or the exit status. */
static int
parse_options(struct db_args *a, int argc, char **argv)
{
	struct cli_getopt g;
	int c;

	cli_getopt_init(&g, db_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 'k':
			if ((a->keep = cli_count("db", "--keep", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'b':
			a->before = optarg;
			break;
		case 'n':
			a->dry = true;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'h':
			cli_print_help(&cli_db, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("db", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("db", "unknown option '%s'", argv[optind - 1]);
		}
	}
	return CLI_CONTINUE;
}

/* The subcommand (a->sub), its operand (a->operand) and the options it
 * takes; CLI_CONTINUE or the exit status. */
static int
validate(attest_ctx *ctx, struct db_args *a, int argc, char **argv)
{
	int status, nargs;

	if (optind >= argc)
		return cli_usage_error("db", "which one: prune, check, export, import or upgrade?");
	a->sub = argv[optind++];
	a->operand = argv[optind];
	nargs = argc - optind;
	if (strcmp(a->sub, "prune") == 0) {
		if (nargs || (!a->keep && !a->before))
			return cli_usage_error("db", "prune takes --keep N and/or --before DATE");
	} else if (strcmp(a->sub, "check") == 0) {
		if (nargs)
			return cli_usage_error("db", "check takes no argument");
	} else if (strcmp(a->sub, "export") == 0) {
		if (nargs != 1 || !a->output)
			return cli_usage_error("db", "export takes SCAN and -o FILE");
		if (strcmp(a->output, "-") == 0)
			return cli_usage_error("db",
					       "export writes an SQLite file: -o needs a path");
		if ((status = check_export_path(ctx, a->db, a->output)) != EXIT_OK)
			return status;
	} else if (strcmp(a->sub, "import") == 0) {
		if (nargs != 1)
			return cli_usage_error("db", "import takes one FILE");
	} else if (strcmp(a->sub, "upgrade") == 0) {
		if (nargs)
			return cli_usage_error("db", "upgrade takes no argument");
	} else {
		return cli_usage_error("db", "'%s' is not a db subcommand", a->sub);
	}
	if (strcmp(a->sub, "import") != 0 && (a->keep || a->before || a->dry) &&
	    strcmp(a->sub, "prune") != 0)
		return cli_usage_error("db", "--keep, --before and --dry-run are for prune");
	return CLI_CONTINUE;
}

/* check and export only read (export writes its own file: the history may
 * be read-only); import may create the database; prune and upgrade write
 * to one that exists. */
static int
open_store(attest_ctx *ctx, const struct db_args *a, attest_store **store)
{
	if (strcmp(a->sub, "check") == 0 || strcmp(a->sub, "export") == 0)
		return cli_history_open(ctx, a->db, true, store);
	if (strcmp(a->sub, "import") == 0)
		return cli_history_open(ctx, a->db, false, store);
	return cli_history_open_write(ctx, a->db, store);
}

static int
run_prune(attest_ctx *ctx, const struct db_args *a, attest_store *store)
{
	long long n;
	attest_rc rc = attest_store_prune(store, a->keep, a->before, a->dry, &n);

	if (rc == ATTEST_ERR_USAGE)
		return cli_usage_error("db", "%s", attest_ctx_errmsg(ctx));
	if (rc != ATTEST_OK)
		return cli_lib_fail(ctx);
	printf("%s %lld scan%s\n", a->dry ? "would delete" : "deleted", n, n == 1 ? "" : "s");
	return EXIT_OK;
}

/* Does subcommand a->sub on the open store and says what it did. */
static int
run_sub(attest_ctx *ctx, const struct db_args *a, attest_store *store)
{
	char id[ATTEST_SCAN_ID_MAX];

	if (strcmp(a->sub, "upgrade") == 0) {
		printf("%s is up to date\n", a->db ? a->db : "the history database");
		return EXIT_OK;
	}
	if (strcmp(a->sub, "check") == 0)
		return run_check(ctx, store);
	if (strcmp(a->sub, "prune") == 0)
		return run_prune(ctx, a, store);
	if (strcmp(a->sub, "export") == 0) {
		if (attest_store_resolve(store, a->operand, id) != ATTEST_OK ||
		    attest_store_export(store, id, a->output) != ATTEST_OK)
			return cli_lib_fail(ctx);
		printf("exported scan %s to %s\n", id, a->output);
		return EXIT_OK;
	}
	if (attest_store_import(store, a->operand, id) != ATTEST_OK)
		return cli_lib_fail(ctx);
	printf("imported scan %s\n", id);
	return EXIT_OK;
}

static int
run_db(attest_ctx *ctx, int argc, char **argv)
{
	struct db_args a = {0};
	attest_store *store = NULL;
	int status;

	if ((status = parse_options(&a, argc, argv)) != CLI_CONTINUE ||
	    (status = validate(ctx, &a, argc, argv)) != CLI_CONTINUE)
		return status;
	if ((status = open_store(ctx, &a, &store)) != EXIT_OK)
		return status;
	status = run_sub(ctx, &a, store);
	attest_store_close(store);
	return status;
}

const struct cli_command cli_db = {
	"db", "prune, check, export and import the history database", usage, run_db, db_groups,
	NULL,
};
