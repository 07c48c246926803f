/*
 * The AWS shared credentials and config files (aws_files_* and
 * aws_profile_* of credentials.h), read with a small INI reader that knows
 * the AWS dialect: "[profile NAME]" sections in the config file, "[NAME]"
 * in the credentials file, keys folded to lower case, and indented
 * "sub = value" lines nested under a key with an empty value. Messages
 * about a file name the file and line, never the text of the line: it may
 * hold a secret.
 */
#include "config.h"

#include "collect/aws/credentials_int.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AWS_FILE_MAX (1u << 20) /* shared files larger than this are refused */

struct ini_entry {
	char *section; /* "default", "profile dev", "services x", or "dev" */
	char *key;     /* lower case; "parent.child" for nested keys */
	char *value;
};

struct ini {
	char *path;
	struct ini_entry *e;
	size_t n, cap;
};

struct aws_files {
	struct ini cred;
	struct ini conf;
};

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void
ini_release(struct ini *ini)
{
	size_t i;

	for (i = 0; i < ini->n; i++) {
		free(ini->e[i].section);
		free(ini->e[i].key);
		if (ini->e[i].value) {
			OPENSSL_cleanse(ini->e[i].value, strlen(ini->e[i].value));
			free(ini->e[i].value);
		}
	}
	free(ini->e);
	free(ini->path);
	memset(ini, 0, sizeof(*ini));
}

static attest_rc
ini_add(struct ini *ini, const char *section, const char *key, const char *value)
{
	struct ini_entry *e;

	if (ini->n == ini->cap) {
		size_t cap = ini->cap ? ini->cap * 2 : 32;

		e = realloc(ini->e, cap * sizeof(*e));
		if (!e)
			return ATTEST_ERR_NOMEM;
		ini->e = e;
		ini->cap = cap;
	}
	e = &ini->e[ini->n];
	e->section = core_strdup(section);
	e->key = core_strdup(key);
	e->value = core_strdup(value);
	ini->n++;
	return e->section && e->key && e->value ? ATTEST_OK : ATTEST_ERR_NOMEM;
}

static attest_rc
ini_parse(attest_ctx *ctx, struct ini *ini, char *text)
{
	char *line, *next, *section = NULL, parent[128] = "";
	bool parent_empty = false;
	int lineno = 0;

	for (line = text; line; line = next) {
		char *eq, *key, *value, nested[256];
		bool indented;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		indented = line[0] == ' ' || line[0] == '\t';
		line = trim(line);
		if (!*line || line[0] == '#' || line[0] == ';')
			continue;
		if (line[0] == '[') {
			char *close = strrchr(line, ']');

			if (!close || close[1] != '\0')
				return core_error(ctx, ATTEST_ERR_PARSE,
						  "cannot parse '%s' at "
						  "line %d: section header without ']'",
						  ini->path, lineno);
			*close = '\0';
			section = trim(line + 1);
			/* "[profile   dev]" is "[profile dev]". */
			if (strncmp(section, "profile", 7) == 0 &&
			    (section[7] == ' ' || section[7] == '\t')) {
				char *rest = trim(section + 8);

				memmove(section + 8, rest, strlen(rest) + 1);
				section[7] = ' ';
			}
			parent[0] = '\0';
			parent_empty = false;
			continue;
		}
		eq = strchr(line, '=');
		if (!eq)
			return core_error(ctx, ATTEST_ERR_PARSE,
					  "cannot parse '%s' at line %d: "
					  "expected 'name = value' or '[section]'",
					  ini->path, lineno);
		if (!section)
			return core_error(ctx, ATTEST_ERR_PARSE,
					  "cannot parse '%s' at line %d: "
					  "setting outside any [section]",
					  ini->path, lineno);
		*eq = '\0';
		key = trim(line);
		value = trim(eq + 1);
		lower(key);
		if (!*key)
			return core_error(ctx, ATTEST_ERR_PARSE,
					  "cannot parse '%s' at line %d: "
					  "setting without a name",
					  ini->path, lineno);
		if (indented && parent[0] && parent_empty) {
			snprintf(nested, sizeof(nested), "%s.%s", parent, key);
			if (ini_add(ini, section, nested, value) != ATTEST_OK)
				return core_nomem(ctx);
			continue;
		}
		if (strlen(key) < sizeof(parent))
			snprintf(parent, sizeof(parent), "%s", key);
		else
			parent[0] = '\0';
		parent_empty = *value == '\0';
		if (ini_add(ini, section, key, value) != ATTEST_OK)
			return core_nomem(ctx);
	}
	return ATTEST_OK;
}

/* The file named by env, else ~/rel. */
static char *
file_path(const char *env, const char *rel)
{
	const char *v = getenv(env), *home;
	struct core_buf b;

	core_buf_init(&b, 4096);
	if (v && *v) {
		if (v[0] == '~' && v[1] == '/' && (home = getenv("HOME")))
			core_buf_printf(&b, "%s%s", home, v + 1);
		else
			core_buf_adds(&b, v);
	} else {
		home = getenv("HOME");
		core_buf_printf(&b, "%s/%s", home && *home ? home : ".", rel);
	}
	return core_buf_take(&b);
}

static attest_rc
ini_load(attest_ctx *ctx, struct ini *ini, const char *env, const char *rel)
{
	struct core_buf b;
	char chunk[4096];
	FILE *fp = NULL;
	size_t n;
	attest_rc rc;

	memset(ini, 0, sizeof(*ini));
	core_buf_init(&b, AWS_FILE_MAX);
	ini->path = file_path(env, rel);
	if (!ini->path)
		return core_nomem(ctx);
	fp = fopen(ini->path, "r");
	if (!fp) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ATTEST_OK;
		return core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", ini->path,
				  strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		rc = core_buf_add(&b, chunk, n);
		if (rc != ATTEST_OK)
			break;
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (ferror(fp))
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", ini->path,
				strerror(errno));
	else if (b.len >= AWS_FILE_MAX)
		rc = core_error(ctx, ATTEST_ERR_LIMIT, "'%s' is larger than %u bytes", ini->path,
				AWS_FILE_MAX);
	else if (b.data && memchr(b.data, '\0', b.len))
		rc = core_error(ctx, ATTEST_ERR_PARSE, "cannot parse '%s': it is not a text file",
				ini->path);
	else
		rc = b.data ? ini_parse(ctx, ini, b.data) : ATTEST_OK;
	fclose(fp);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	core_buf_release(&b);
	return rc;
}

attest_rc
aws_files_load(attest_ctx *ctx, struct aws_files **out)
{
	struct aws_files *f = calloc(1, sizeof(*f));
	attest_rc rc;

	*out = NULL;
	if (!f)
		return core_nomem(ctx);
	rc = ini_load(ctx, &f->cred, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
	if (rc == ATTEST_OK)
		rc = ini_load(ctx, &f->conf, "AWS_CONFIG_FILE", ".aws/config");
	if (rc != ATTEST_OK) {
		aws_files_free(f);
		return rc;
	}
	*out = f;
	return ATTEST_OK;
}

void
aws_files_free(struct aws_files *f)
{
	if (!f)
		return;
	ini_release(&f->cred);
	ini_release(&f->conf);
	free(f);
}

const char *
aws_files_credentials_path(const struct aws_files *f)
{
	return f->cred.path;
}

const char *
aws_files_config_path(const struct aws_files *f)
{
	return f->conf.path;
}

/* The last value of key in section (later settings win). */
static const char *
ini_get(const struct ini *ini, const char *section, const char *key)
{
	size_t i;

	for (i = ini->n; i-- > 0;)
		if (strcmp(ini->e[i].section, section) == 0 && strcmp(ini->e[i].key, key) == 0)
			return ini->e[i].value;
	return NULL;
}

static bool
ini_has_section(const struct ini *ini, const char *section)
{
	size_t i;

	for (i = 0; i < ini->n; i++)
		if (strcmp(ini->e[i].section, section) == 0)
			return true;
	return false;
}

/* Section names in the config file: [default] or [profile default], and
 * [profile NAME] for the rest. */
static void
conf_section(const char *profile, char *buf, size_t size)
{
	snprintf(buf, size, "profile %s", profile);
}

bool
aws_profile_exists(const struct aws_files *f, const char *profile)
{
	char sec[300];

	conf_section(profile, sec, sizeof(sec));
	return ini_has_section(&f->cred, profile) || ini_has_section(&f->conf, sec) ||
	       (strcmp(profile, "default") == 0 && ini_has_section(&f->conf, "default"));
}

const char *
aws_profile_get(const struct aws_files *f, const char *profile, const char *key)
{
	const char *v;
	char sec[300];

	if ((v = ini_get(&f->cred, profile, key)))
		return v;
	conf_section(profile, sec, sizeof(sec));
	if ((v = ini_get(&f->conf, sec, key)))
		return v;
	if (strcmp(profile, "default") == 0)
		return ini_get(&f->conf, "default", key);
	return NULL;
}

const char *
aws_config_get(const struct aws_files *f, const char *kind, const char *name, const char *key)
{
	char sec[300];

	snprintf(sec, sizeof(sec), "%s %s", kind, name);
	return ini_get(&f->conf, sec, key);
}

const char *
aws_profile_name(const char *profile)
{
	const char *v;

	if (profile && *profile)
		return profile;
	if ((v = getenv("AWS_PROFILE")) && *v)
		return v;
	if ((v = getenv("AWS_DEFAULT_PROFILE")) && *v)
		return v;
	return "default";
}
