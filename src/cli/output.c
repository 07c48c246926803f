/*
 * Helpers shared by subcommands: loading the framework library in the
 * documented order of precedence, and writing report files atomically.
 */
#include "config.h"

#include "output.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Each format once: its option name, what it writes and its renderer. */
#define FORMATS(X)                                                                                 \
	X(json, "the JSON result (doc/result-format.md)", attest_report_json)                      \
	X(xml, "the XML report (doc/report.xsd)", attest_report_xml)                               \
	X(oscal, "NIST OSCAL assessment results (XML)", attest_report_oscal)                       \
	X(xccdf, "XCCDF 1.2 benchmark and test result", attest_report_xccdf)                       \
	X(junit, "JUnit XML, one test case per control", attest_report_junit)                      \
	X(csv, "CSV of the findings", attest_report_csv)                                           \
	X(ocsf, "OCSF Compliance Finding events (doc/ocsf.md)", attest_report_ocsf)                \
	X(pdf, "the PDF audit report", attest_report_pdf)

#define FORMAT_INDEX(name, help, render) FORMAT_##name,
enum { FORMATS(FORMAT_INDEX) N_FORMATS };

#define FORMAT_ROW(name, help, render) {#name, help, render, "--" #name " output"},
const struct cli_format cli_formats[] = {FORMATS(FORMAT_ROW){NULL, NULL, NULL, NULL}};

#define FORMAT_OPTION(name, help, render)                                                          \
	{#name, 0, "FILE", CLI_OPT_FORMAT + FORMAT_##name, "write " help},
const struct cli_option cli_format_options[] = {FORMATS(FORMAT_OPTION){NULL, 0, NULL, 0, NULL}};

_Static_assert(N_FORMATS < CLI_MAX_FORMATS, "raise CLI_MAX_FORMATS");

bool
cli_formats_option(const char *paths[CLI_MAX_FORMATS], int id, const char *arg)
{
	if (id < CLI_OPT_FORMAT || id >= CLI_OPT_FORMAT + N_FORMATS)
		return false;
	paths[id - CLI_OPT_FORMAT] = arg;
	return true;
}

int
cli_write_formats(attest_ctx *ctx, const char *const paths[CLI_MAX_FORMATS], attest_store *store,
		  const char *id)
{
	size_t i;
	int status;

	for (i = 0; cli_formats[i].option; i++) {
		if (!paths[i])
			continue;
		status = cli_write_output(ctx, paths[i], store, id, cli_formats[i].render);
		if (status != EXIT_OK)
			return status;
	}
	return EXIT_OK;
}

int
cli_formats_add_paths(struct cli_paths *p, const char *const paths[CLI_MAX_FORMATS])
{
	size_t i;

	for (i = 0; cli_formats[i].option; i++)
		if (paths[i] &&
		    cli_paths_add(p, paths[i], CLI_PATH_OUTPUT, cli_formats[i].what) != EXIT_OK)
			return EXIT_USAGE;
	return EXIT_OK;
}

int
cli_check_report_paths(attest_ctx *ctx, const char *cmd, const char *db, const char *input,
		       const char *const outputs[CLI_MAX_FORMATS])
{
	struct cli_paths *p = calloc(1, sizeof(*p));
	int status;

	if (!p)
		return cli_fail(EXIT_ERROR, "out of memory");
	if ((status = cli_paths_add_history(ctx, p, db)) == EXIT_OK &&
	    (status = cli_paths_add(p, input, CLI_PATH_INPUT, "the input")) == EXIT_OK &&
	    (status = cli_formats_add_paths(p, outputs)) == EXIT_OK)
		status = cli_paths_check(cmd, p);
	free(p);
	return status;
}

bool
cli_formats_use_stdout(const char *const paths[CLI_MAX_FORMATS])
{
	size_t i;

	for (i = 0; cli_formats[i].option; i++)
		if (paths[i] && strcmp(paths[i], "-") == 0)
			return true;
	return false;
}

int
cli_load_library(attest_ctx *ctx, const char *const *dirs, size_t n, attest_library **out)
{
	const char *env = getenv("ATTEST_FRAMEWORKS_PATH");
	char *copy = NULL, *dir, *save = NULL;
	attest_library *lib = NULL;
	size_t i;
	int status = EXIT_ERROR;

	if (attest_library_new(ctx, &lib) != ATTEST_OK ||
	    attest_library_load_bundled(lib) != ATTEST_OK)
		goto out;
	if (env && *env) {
		if (!(copy = strdup(env)))
			goto out;
		for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
			if (attest_library_load_dir(lib, dir) != ATTEST_OK)
				goto out;
	}
	for (i = 0; i < n; i++)
		if (attest_library_load_dir(lib, dirs[i]) != ATTEST_OK)
			goto out;
	if (attest_library_resolve(lib) != ATTEST_OK)
		goto out;
	*out = lib;
	lib = NULL;
	status = EXIT_OK;
out:
	if (status != EXIT_OK)
		cli_lib_fail(ctx);
	free(copy);
	attest_library_free(lib);
	return status;
}

/* A device, FIFO or socket (/dev/stdout, a named pipe) is written in place:
 * replacing it with a file would be wrong, and there is nothing to keep
 * atomic. */
static int
write_special(attest_ctx *ctx, const char *path, attest_store *store, const char *id,
	      cli_renderer render)
{
	FILE *fp = fopen(path, "w");
	int err;

	if (!fp)
		return cli_fail(EXIT_ERROR, "cannot write '%s': %s", path, strerror(errno));
	if (render(store, id, fp) != ATTEST_OK) {
		fclose(fp);
		return cli_lib_fail(ctx);
	}
	if (fflush(fp) != 0 || ferror(fp)) {
		err = errno;
		fclose(fp);
		return cli_fail(EXIT_ERROR, "cannot write '%s': %s", path, strerror(err));
	}
	if (fclose(fp) != 0)
		return cli_fail(EXIT_ERROR, "cannot write '%s': %s", path, strerror(errno));
	return EXIT_OK;
}

int
cli_write_output(attest_ctx *ctx, const char *path, attest_store *store, const char *id,
		 cli_renderer render)
{
	char tmp[4096], target[PATH_MAX];
	struct stat st;
	FILE *fp = NULL;
	mode_t mask;
	int fd, status = EXIT_ERROR, err = 0;

	if (strcmp(path, "-") == 0)
		return render(store, id, stdout) == ATTEST_OK ? EXIT_OK : cli_lib_fail(ctx);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return write_special(ctx, path, store, id, render);
	/* Through a symbolic link, the file it names is replaced, not the link. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, target))
		path = target;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= sizeof(tmp))
		return cli_fail(EXIT_ERROR, "output path too long: '%s'", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return cli_fail(EXIT_ERROR, "cannot write '%s': %s", path, strerror(errno));
	attest_tmp_register(tmp);
	/* mkstemp makes the file private; a report gets the usual mode. */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	fp = fdopen(fd, "w");
	if (!fp) {
		err = errno;
		close(fd);
		goto out;
	}
	if (render(store, id, fp) != ATTEST_OK) {
		status = cli_lib_fail(ctx);
		goto out;
	}
	if (fflush(fp) != 0 || ferror(fp) || fsync(fd) != 0) {
		err = errno;
		goto out;
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		err = errno;
		goto out;
	}
	fp = NULL;
	if (rename(tmp, path) != 0) {
		err = errno;
		goto out;
	}
	attest_tmp_unregister(tmp);
	return EXIT_OK;
out:
	if (fp)
		fclose(fp);
	unlink(tmp);
	attest_tmp_unregister(tmp);
	if (err)
		status = cli_fail(EXIT_ERROR, "cannot write '%s': %s", path, strerror(err));
	return status;
}
