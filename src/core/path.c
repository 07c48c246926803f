/*
 * Paths: where the bundled data lives, and joining a directory and a name
 * into a fixed buffer without ever cutting the result short (a cut path
 * names another file, which is worse than an error).
 */
#include "config.h"

#include "core_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *
attest_datadir(void)
{
	static char probe[4096];
	const char *env = getenv("ATTEST_DATA_DIR");
	struct stat st;

	if (env && *env)
		return env;
	if ((size_t)snprintf(probe, sizeof(probe), "%s/frameworks", ATTEST_DATADIR) <
		    sizeof(probe) &&
	    stat(probe, &st) == 0 && S_ISDIR(st.st_mode))
		return ATTEST_DATADIR;
	return ATTEST_SRCDIR;
}

const char *
core_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

attest_rc
core_path_join(attest_ctx *ctx, char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n >= 0 && (size_t)n < size)
		return ATTEST_OK;
	if (size > 0)
		out[0] = '\0';
	return core_error(ctx, ATTEST_ERR_LIMIT, "path too long: '%s/%s'", dir, name);
}

attest_rc
core_path_copy(attest_ctx *ctx, char *out, size_t size, const char *path)
{
	size_t n = strlen(path);

	if (n < size) {
		memcpy(out, path, n + 1);
		return ATTEST_OK;
	}
	if (size > 0)
		out[0] = '\0';
	return core_error(ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", path);
}

attest_rc
core_datadir_path(attest_ctx *ctx, char *out, size_t size, const char *rel)
{
	return core_path_join(ctx, out, size, attest_datadir(), rel);
}
