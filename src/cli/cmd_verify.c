/*
 * attest verify PACKAGE [--pubkey KEY.pem]: checks an audit package (a
 * directory or a .tar.gz) against its signed manifest and prints every
 * problem, one line each, naming the file. Exit 0 only when every file
 * matches and the signature is valid; 1 otherwise.
 */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

static const char usage_text[] =
	"usage: attest verify [OPTIONS] PACKAGE\n"
	"\n"
	"Checks an audit package (a directory or a .tar.gz written by 'attest\n"
	"package'): every file's SHA-256 against the manifest, files added or\n"
	"missing, and the manifest's signature against the signer's key given with\n"
	"--pubkey. A package's own certificate can be replaced together with its\n"
	"contents, so checking against it proves only that the package is intact,\n"
	"not who made it: that needs --trust-package-cert, and without either option\n"
	"verify fails.\n";

static const char epilogue[] =
	"Exit status: 0 the package verifies, 1 it does not (or cannot be read),\n"
	"2 usage error.\n";

static const struct cli_option verify_options[] = {
	{"pubkey", 0, "FILE", 'p', "the signer's PEM public key or certificate"},
	{"trust-package-cert", 0, NULL, 't',
	 "accept the certificate inside the package (integrity only, not identity)"},
	{"quiet", 'q', NULL, 'q', "print problems only"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup verify_groups[] = {
	{NULL, verify_options},
	{NULL, NULL},
};

/* Every name and reason may come from the package: escaped, so that a
 * crafted name cannot rewrite the lines printed before it. */
static void
put(const char *text)
{
	attest_term_fputs(text, stdout);
}

static void
print_problem(void *data, const char *file, const char *what)
{
	(void)data;
	fputs("FAIL ", stdout);
	put(file ? file : "(package)");
	fputs(": ", stdout);
	put(what);
	fputc('\n', stdout);
}

static void
print_ok(const char *pkg, const char *pubkey, const struct attest_verify_info *info)
{
	fputs("OK ", stdout);
	put(pkg);
	printf(": %zu files match the manifest of ", info->files);
	fputs(info->period[0] ? "the period " : "scan ", stdout);
	put(info->period[0] ? info->period : info->scan_id);
	fputs("; ", stdout);
	put(info->algorithm);
	fputs(" signature valid", stdout);
	if (info->key_from_package) {
		fputs(" under the package's own certificate (this proves integrity, not "
		      "identity: give --pubkey to check who signed)",
		      stdout);
	} else {
		fputs(" under ", stdout);
		put(pubkey);
	}
	fputc('\n', stdout);
	if (!info->inventory_complete && !info->period[0])
		fputs("note: the package does not hold the whole inventory the scan read "
		      "(see \"inventory\" in its manifest.json)\n",
		      stdout);
}

static int
run_verify(attest_ctx *ctx, int argc, char **argv)
{
	struct cli_getopt g;
	struct attest_verify_info info;
	const char *pubkey = NULL, *pkg;
	long long problems = 0;
	bool quiet = false, trust_package_cert = false;
	int c;

	cli_getopt_init(&g, verify_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		switch (c) {
		case 'p':
			pubkey = optarg;
			break;
		case 't':
			trust_package_cert = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			cli_print_help(&cli_verify, stdout);
			return EXIT_OK;
		case ':':
			return cli_usage_error("verify", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cli_usage_error("verify", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("verify", "which package? give a directory or a .tar.gz");
	pkg = argv[optind++];
	if (optind < argc)
		return cli_usage_error("verify", "unexpected argument '%s'", argv[optind]);
	if (attest_package_verify(ctx, pkg, pubkey, print_problem, NULL, &info, &problems) !=
	    ATTEST_OK) {
		/* An archive refused as a whole is a FAIL like any other problem. */
		print_problem(NULL, NULL, attest_ctx_errmsg(ctx));
		fflush(stdout);
		return cli_lib_fail(ctx);
	}
	if (problems) {
		fflush(stdout);
		return cli_fail(EXIT_ERROR, "'%s' does not verify: %lld problem%s", pkg, problems,
				problems == 1 ? "" : "s");
	}
	if (info.key_from_package && !trust_package_cert)
		return cli_fail(EXIT_ERROR,
				"'%s': the files match its manifest, but the signature was checked "
				"only against the package's own certificate, which anyone can "
				"replace: give --pubkey with the signer's key (or "
				"--trust-package-cert to accept integrity without identity)",
				pkg);
	if (!quiet)
		print_ok(pkg, pubkey, &info);
	return EXIT_OK;
}

const struct cli_command cli_verify = {
	"verify",      "check an audit package's files and signature",
	usage_text,    run_verify,
	verify_groups, epilogue,
};
