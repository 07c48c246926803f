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

static void
print_problem(void *data, const char *file, const char *what)
{
	printf("FAIL %s: %s\n", file ? file : "(package)", what);
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
		case 'p': pubkey = optarg; break;
		case 't': trust_package_cert = true; break;
		case 'q': quiet = true; break;
		case 'h': cli_print_help(&cli_verify, stdout); return EXIT_OK;
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
	    ATTEST_OK)
		return cli_lib_fail(ctx);
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
	if (!quiet) {
		if (info.period[0])
			printf("OK %s: %zu files match the manifest of the period %s; %s signature "
			       "valid",
			       pkg, info.files, info.period, info.algorithm);
		else
			printf("OK %s: %zu files match the manifest of scan %s; %s signature valid",
			       pkg, info.files, info.scan_id, info.algorithm);
		if (info.key_from_package)
			printf(" under the package's own certificate (this proves integrity, "
			       "not identity: give --pubkey to check who signed)");
		else
			printf(" under %s", pubkey);
		printf("\n");
		if (!info.inventory_complete && !info.period[0])
			printf("note: the package does not hold the whole inventory the scan read "
			       "(see \"inventory\" in its manifest.json)\n");
	}
	return EXIT_OK;
}

const struct cli_command cli_verify = {
	"verify",
	"check an audit package's files and signature",
	usage_text,
	run_verify,
	verify_groups,
	epilogue,
};
