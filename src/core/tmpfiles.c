/*
 * Temporary files that must not outlive the process. The inventory database
 * holds the raw configuration of an estate (environment variables, user
 * data), and half-written reports are worse than none, so every such file is
 * registered here while it exists. attest_tmp_cleanup() removes them and is
 * async-signal-safe (only unlink on fixed storage), so the program can call
 * it from SIGINT/SIGTERM/SIGHUP handlers. SIGKILL cannot be caught: the
 * files are created mode 0600 in $TMPDIR, readable only by their owner.
 *
 * This is process-wide state by necessity (a signal handler has no
 * context); it is written only outside signal handlers.
 */
#include "config.h"

#include "core_int.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#define MAX_TMP 64
#define PATH_MAX_LEN 4096

static char paths[MAX_TMP][PATH_MAX_LEN];
static volatile sig_atomic_t used[MAX_TMP];

void
attest_tmp_register(const char *path)
{
	size_t i, n = strlen(path);

	if (n >= PATH_MAX_LEN)
		return;
	for (i = 0; i < MAX_TMP; i++)
		if (!used[i]) {
			memcpy(paths[i], path, n + 1);
			used[i] = 1;
			return;
		}
}

void
attest_tmp_unregister(const char *path)
{
	size_t i;

	for (i = 0; i < MAX_TMP; i++)
		if (used[i] && strcmp(paths[i], path) == 0) {
			used[i] = 0;
			return;
		}
}

void
attest_tmp_cleanup(void)
{
	size_t i;

	for (i = 0; i < MAX_TMP; i++)
		if (used[i]) {
			unlink(paths[i]);
			used[i] = 0;
		}
}
