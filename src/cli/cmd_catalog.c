/*
 * attest frameworks [show ID] and attest checks [show ID]: what is installed
 * (bundled, ATTEST_FRAMEWORKS_PATH, --frameworks-dir), as tables or --json.
 */
#include "config.h"

#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <string.h>

#define MAX_DIRS 64

struct list_opts {
	const char *dirs[MAX_DIRS];
	size_t n_dirs;
	const char *service, *severity, *framework;
	bool json;
	int first; /* first operand */
};

static const struct cli_option check_filters[] = {
	{"service", 0, "S", 's', "checks of this service (s3, iam, ...)"},
	{"severity", 0, "S", 'S',
	 "checks of this severity (critical, high, medium, low, informational)"},
	{"framework", 0, "ID", 'f', "checks that this framework maps"},
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_option list_options[] = {
	CLI_OPTION_FRAMEWORKS_DIR,
	{"json", 0, NULL, 'j', "JSON instead of the table"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup frameworks_groups[] = {
	{NULL, list_options},
	{NULL, NULL},
};

static const struct cli_optgroup checks_groups[] = {
	{NULL, check_filters},
	{NULL, list_options},
	{NULL, NULL},
};

/* The filters are in the option table of checks only. */
static int
parse(const struct cli_command *command, int argc, char **argv, struct list_opts *o)
{
	const char *cmd = command->name;
	struct cli_getopt g;
	int c;

	cli_getopt_init(&g, command->options);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		switch (c) {
		case 'D':
			if (o->n_dirs == MAX_DIRS)
				return cli_usage_error(cmd, "too many --frameworks-dir options");
			o->dirs[o->n_dirs++] = optarg;
			break;
		case 's':
		case 'S':
		case 'f':
			*(c == 's'   ? &o->service
			  : c == 'S' ? &o->severity
				     : &o->framework) = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			cli_print_help(command, stdout);
			return -1;
		case ':':
			return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	o->first = optind;
	return EXIT_OK;
}

static int
print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	fputc('\n', stdout);
	return EXIT_OK;
}

static long long
count(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(o, "counts"), key));
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static int
show_frameworks(json_t *list)
{
	json_t *f;
	size_t i;

	printf("%-14s %-13s %8s %9s %6s %11s  %s\n", "ID", "VERSION", "CONTROLS", "AUTOMATED",
	       "MANUAL", "WITH CHECKS", "TITLE");
	json_array_foreach(list, i, f)
		printf("%-14s %-13s %8lld %9lld %6lld %11lld  %s\n", str(f, "id"),
		       str(f, "version"), count(f, "controls"), count(f, "automated"),
		       count(f, "manual"), count(f, "controls_with_checks"), str(f, "title"));
	return EXIT_OK;
}

static int
show_framework(json_t *fw)
{
	json_t *c, *k;
	const char *section = NULL;
	size_t i, j;

	printf("%s %s: %s (%s)\n%lld controls: %lld automated, %lld manual\n", str(fw, "id"),
	       str(fw, "version"), str(fw, "title"), str(fw, "publisher"), count(fw, "controls"),
	       count(fw, "automated"), count(fw, "manual"));
	json_array_foreach(json_object_get(fw, "controls"), i, c)
	{
		if (!section || strcmp(section, str(c, "section")) != 0) {
			section = str(c, "section");
			printf("\n%s\n", section);
		}
		printf("  %-12s %-9s %s\n", str(c, "id"), str(c, "assessment"), str(c, "title"));
		json_array_foreach(json_object_get(c, "checks"), j, k)
			printf("  %-12s %-9s   check %s\n", "", "", json_string_value(k));
	}
	return EXIT_OK;
}

static int
show_checks(json_t *list)
{
	json_t *c;
	size_t i;

	printf("%-50s %-14s %-10s %s\n", "ID", "SERVICE", "SEVERITY", "TITLE");
	json_array_foreach(list, i, c)
		printf("%-50s %-14s %-10s %s\n", str(c, "id"), str(c, "service"),
		       str(c, "severity"), str(c, "title"));
	printf("%zu checks\n", json_array_size(list));
	return EXIT_OK;
}

static int
show_check(json_t *c)
{
	json_t *m, *r;
	size_t i;

	printf("%s\n  %s\n\n  service %s, severity %s, judges %s\n  defined in %s, line %lld\n",
	       str(c, "id"), str(c, "title"), str(c, "service"), str(c, "severity"),
	       str(c, "resource_type"), str(c, "file"),
	       json_integer_value(json_object_get(c, "line")));
	printf("\nMapped to:\n");
	json_array_foreach(json_object_get(c, "controls"), i, m)
		printf("  %s %s\n", str(m, "framework"), str(m, "control"));
	if (json_array_size(json_object_get(c, "controls")) == 0)
		printf("  (no installed framework maps this check)\n");
	printf("\nRationale:\n  %s\n", str(c, "rationale"));
	r = json_object_get(c, "remediation");
	printf("\nRemediation:\n  %s\n\nAWS CLI:\n  %s\n\nTerraform:\n%s\n", str(r, "steps"),
	       str(r, "cli"), str(r, "terraform"));
	printf("\nQuery:\n%s\n", str(c, "query"));
	return EXIT_OK;
}

/* Shared by both commands: `NAME [show ID]`. */
static int
run_list(attest_ctx *ctx, int argc, char **argv, bool checks)
{
	const char *cmd = checks ? "checks" : "frameworks";
	struct list_opts o = {0};
	attest_library *lib = NULL;
	json_t *v = NULL;
	const char *id = NULL;
	int status;

	status = parse(checks ? &cli_checks : &cli_frameworks, argc, argv, &o);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (o.first < argc) {
		if (strcmp(argv[o.first], "show") != 0 || o.first + 2 != argc)
			return cli_usage_error(cmd, "expected 'show ID' or nothing");
		id = argv[o.first + 1];
	}
	if ((status = cli_load_library(ctx, o.dirs, o.n_dirs, &lib)) != EXIT_OK)
		return status;
	if (checks)
		v = id ? attest_library_check_json(lib, id)
		       : attest_library_checks_json(lib, o.service, o.severity, o.framework);
	else
		v = id ? attest_library_framework_json(lib, id)
		       : attest_library_frameworks_json(lib);
	if (!v)
		status = id ? cli_fail(EXIT_ERROR, "no %s '%s' is installed (see 'attest %s')",
				       checks ? "check" : "framework", id, cmd)
			    : cli_fail(EXIT_ERROR, "out of memory");
	else if (o.json)
		status = print_json(v);
	else if (checks)
		status = id ? show_check(v) : show_checks(v);
	else
		status = id ? show_framework(v) : show_frameworks(v);
	json_decref(v);
	attest_library_free(lib);
	return status;
}

static int
run_frameworks(attest_ctx *ctx, int argc, char **argv)
{
	return run_list(ctx, argc, argv, false);
}

static int
run_checks(attest_ctx *ctx, int argc, char **argv)
{
	return run_list(ctx, argc, argv, true);
}

const struct cli_command cli_frameworks = {
	"frameworks",
	"list installed frameworks, or show one's controls",
	"usage: attest frameworks [--json] [--frameworks-dir DIR]\n"
	"       attest frameworks show ID [--json]\n"
	"\n"
	"Lists the installed frameworks (bundled, ATTEST_FRAMEWORKS_PATH, --frameworks-dir)\n"
	"with their control counts, or one framework's controls and the checks behind\n"
	"each.\n",
	run_frameworks,
	frameworks_groups,
	NULL,
};

const struct cli_command cli_checks = {
	"checks",
	"list installed checks, or show one in full",
	"usage: attest checks [--service S] [--severity S] [--framework ID] [--json]\n"
	"                     [--frameworks-dir DIR]\n"
	"       attest checks show ID [--json]\n"
	"\n"
	"Lists the installed checks, filtered by service, severity or the framework\n"
	"that maps them, or shows one check: rationale, remediation, mappings, query.\n",
	run_checks,
	checks_groups,
	NULL,
};
