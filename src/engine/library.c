/*
 * The library of installed frameworks and checks: which directories they come
 * from, the order of precedence (a later directory replaces an id loaded
 * from an earlier one, so user directories override the bundled set) and
 * the cross-references between them, resolved once everything is loaded.
 * A user directory may also hold a views.sql, created after the bundled views
 * (src/engine/views.c).
 */
#include "config.h"

#include "library_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

attest_rc
attest_library_new(attest_ctx *ctx, attest_library **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return core_nomem(ctx);
	(*out)->ctx = ctx;
	return ATTEST_OK;
}

void
attest_library_free(attest_library *lib)
{
	size_t i;

	if (!lib)
		return;
	for (i = 0; i < lib->n_checks; i++)
		lib_check_free(lib->checks[i]);
	for (i = 0; i < lib->n_frameworks; i++)
		lib_framework_free(lib->frameworks[i]);
	for (i = 0; i < lib->n_views; i++)
		free(lib->views[i]);
	free(lib->views);
	free(lib->checks);
	free(lib->frameworks);
	if (lib->check_schema)
		xmlSchemaFree(lib->check_schema);
	if (lib->framework_schema)
		xmlSchemaFree(lib->framework_schema);
	free(lib);
}

static attest_rc
load_schemas(attest_library *lib)
{
	char path[4096];
	attest_rc rc;

	if (lib->check_schema)
		return ATTEST_OK;
	if ((rc = core_datadir_path(lib->ctx, path, sizeof(path), "frameworks/checks.xsd")) !=
		    ATTEST_OK ||
	    (rc = core_xml_schema_load(lib->ctx, path, &lib->check_schema)) != ATTEST_OK ||
	    (rc = core_datadir_path(lib->ctx, path, sizeof(path), "frameworks/framework.xsd")) !=
		    ATTEST_OK)
		return rc;
	return core_xml_schema_load(lib->ctx, path, &lib->framework_schema);
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Calls fn on every *.xml in dir (recursing when deep), in name order so
 * that results never depend on directory order. */
static attest_rc
each_xml(attest_library *lib, const char *dir, bool deep,
	 attest_rc (*fn)(attest_library *, const char *))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **grown, path[4096];
	size_t n = 0, i;
	attest_rc rc = ATTEST_OK;

	if (!d)
		return core_error(lib->ctx, ATTEST_ERR_IO, "cannot read directory '%s': %s", dir,
				  strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown || !(grown[n] = strdup(e->d_name))) {
			names = grown ? grown : names;
			rc = core_nomem(lib->ctx);
			goto out;
		}
		names = grown;
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		if ((rc = core_path_join(lib->ctx, path, sizeof(path), dir, names[i])) != ATTEST_OK)
			break;
		if (deep && is_dir(path))
			rc = each_xml(lib, path, deep, fn);
		else if (has_suffix(names[i], ".xml"))
			rc = fn(lib, path);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* Notes dir/views.sql, when there is one, for the evaluation to create. */
static attest_rc
note_views(attest_library *lib, const char *dir)
{
	char path[4096], **grown;
	struct stat st;
	size_t i;
	attest_rc rc;

	if ((rc = core_path_join(lib->ctx, path, sizeof(path), dir, "views.sql")) != ATTEST_OK ||
	    stat(path, &st) != 0)
		return rc;
	for (i = 0; i < lib->n_views; i++) /* the same directory given twice */
		if (strcmp(lib->views[i], path) == 0)
			return ATTEST_OK;
	if (!(grown = realloc(lib->views, (lib->n_views + 1) * sizeof(*grown))))
		return core_nomem(lib->ctx);
	lib->views = grown;
	if (!(lib->views[lib->n_views] = strdup(path)))
		return core_nomem(lib->ctx);
	lib->n_views++;
	return ATTEST_OK;
}

static attest_rc
load_dir(attest_library *lib, const char *dir, bool user)
{
	char checks[4096];
	attest_rc rc;

	if ((rc = load_schemas(lib)) != ATTEST_OK)
		return rc;
	lib->gen++;
	if (!is_dir(dir))
		return core_error(lib->ctx, ATTEST_ERR_IO, "cannot read directory '%s': %s", dir,
				  "not a directory");
	if ((rc = core_path_join(lib->ctx, checks, sizeof(checks), dir, "checks")) != ATTEST_OK)
		return rc;
	if (is_dir(checks) && (rc = each_xml(lib, checks, true, lib_parse_checks)) != ATTEST_OK)
		return rc;
	if ((rc = each_xml(lib, dir, false, lib_parse_catalog)) != ATTEST_OK)
		return rc;
	return user ? note_views(lib, dir) : ATTEST_OK;
}

attest_rc
attest_library_load_dir(attest_library *lib, const char *dir)
{
	return load_dir(lib, dir, true);
}

attest_rc
attest_library_load_bundled(attest_library *lib)
{
	char dir[4096];
	attest_rc rc;

	if ((rc = core_datadir_path(lib->ctx, dir, sizeof(dir), "frameworks")) != ATTEST_OK)
		return rc;
	return load_dir(lib, dir, false);
}

const struct check *
lib_find_check(const attest_library *lib, const char *id)
{
	size_t i;

	for (i = 0; i < lib->n_checks; i++)
		if (strcmp(lib->checks[i]->id, id) == 0)
			return lib->checks[i];
	return NULL;
}

const struct framework *
lib_find_framework(const attest_library *lib, const char *id)
{
	size_t i;

	for (i = 0; i < lib->n_frameworks; i++)
		if (strcmp(lib->frameworks[i]->id, id) == 0)
			return lib->frameworks[i];
	return NULL;
}

attest_rc
attest_library_resolve(attest_library *lib)
{
	const struct framework *fw;
	const struct control *c;
	size_t i, j, k;

	for (i = 0; i < lib->n_frameworks; i++) {
		fw = lib->frameworks[i];
		for (j = 0; j < fw->n_controls; j++) {
			c = &fw->controls[j];
			if (!c->manual && c->n_checks == 0)
				return core_error(lib->ctx, ATTEST_ERR_INVALID,
						  "invalid '%s' at line %d: control '%s' is "
						  "automated but maps no check",
						  fw->file, c->line, c->id);
			for (k = 0; k < c->n_checks; k++)
				if (!lib_find_check(lib, c->checks[k]))
					return core_error(lib->ctx, ATTEST_ERR_INVALID,
							  "invalid '%s' at line %d: control '%s' "
							  "maps unknown check '%s'",
							  fw->file, c->line, c->id, c->checks[k]);
		}
	}
	return ATTEST_OK;
}

size_t
attest_library_framework_count(const attest_library *lib)
{
	return lib->n_frameworks;
}

const char *
attest_library_framework_id(const attest_library *lib, size_t i)
{
	return i < lib->n_frameworks ? lib->frameworks[i]->id : NULL;
}

size_t
attest_library_check_count(const attest_library *lib)
{
	return lib->n_checks;
}
