/*
 * The credential chain, as the AWS CLI walks it: an explicit profile, else
 * the environment's keys, else the profile named by AWS_PROFILE (or
 * "default") in the shared credentials and config files, else the instance
 * metadata service. A profile may name a role to assume with the
 * credentials of another profile (source_profile, followed to any depth,
 * loops refused) or of the environment or instance (credential_source).
 * Programs named by credential_process are deliberately never run: a
 * scanner that executes whatever a config file says is a risk of its own.
 *
 * The files are read with a small INI reader that knows the AWS dialect:
 * "[profile NAME]" sections in the config file, "[NAME]" in the credentials
 * file, keys folded to lower case, and indented "sub = value" lines nested
 * under a key with an empty value. Messages about a file name the file and
 * line, never the text of the line: it may hold a secret.
 */
#include "config.h"

#include "collect/aws/credentials_int.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AWS_FILE_MAX (1u << 20)   /* shared files larger than this are refused */
#define AWS_CHAIN_MAX 16          /* source_profile hops */

struct ini_entry {
	char *section;   /* "default", "profile dev", "services x", or "dev" */
	char *key;       /* lower case; "parent.child" for nested keys */
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
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
			   end[-1] == '\n'))
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
	e->section = attest_strdup(section);
	e->key = attest_strdup(key);
	e->value = attest_strdup(value);
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
				return attest_error(ctx, ATTEST_ERR_PARSE, "cannot parse '%s' at "
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
			return attest_error(ctx, ATTEST_ERR_PARSE, "cannot parse '%s' at line %d: "
					    "expected 'name = value' or '[section]'", ini->path,
					    lineno);
		if (!section)
			return attest_error(ctx, ATTEST_ERR_PARSE, "cannot parse '%s' at line %d: "
					    "setting outside any [section]", ini->path, lineno);
		*eq = '\0';
		key = trim(line);
		value = trim(eq + 1);
		lower(key);
		if (!*key)
			return attest_error(ctx, ATTEST_ERR_PARSE, "cannot parse '%s' at line %d: "
					    "setting without a name", ini->path, lineno);
		if (indented && parent[0] && parent_empty) {
			snprintf(nested, sizeof(nested), "%s.%s", parent, key);
			if (ini_add(ini, section, nested, value) != ATTEST_OK)
				return attest_nomem(ctx);
			continue;
		}
		if (strlen(key) < sizeof(parent))
			snprintf(parent, sizeof(parent), "%s", key);
		else
			parent[0] = '\0';
		parent_empty = *value == '\0';
		if (ini_add(ini, section, key, value) != ATTEST_OK)
			return attest_nomem(ctx);
	}
	return ATTEST_OK;
}

/* The file named by env, else ~/rel. */
static char *
file_path(const char *env, const char *rel)
{
	const char *v = getenv(env), *home;
	struct attest_buf b;

	attest_buf_init(&b, 4096);
	if (v && *v) {
		if (v[0] == '~' && v[1] == '/' && (home = getenv("HOME")))
			attest_buf_printf(&b, "%s%s", home, v + 1);
		else
			attest_buf_adds(&b, v);
	} else {
		home = getenv("HOME");
		attest_buf_printf(&b, "%s/%s", home && *home ? home : ".", rel);
	}
	return attest_buf_take(&b);
}

static attest_rc
ini_load(attest_ctx *ctx, struct ini *ini, const char *env, const char *rel)
{
	struct attest_buf b;
	char chunk[4096];
	FILE *fp = NULL;
	size_t n;
	attest_rc rc;

	memset(ini, 0, sizeof(*ini));
	attest_buf_init(&b, AWS_FILE_MAX);
	ini->path = file_path(env, rel);
	if (!ini->path)
		return attest_nomem(ctx);
	fp = fopen(ini->path, "r");
	if (!fp) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ATTEST_OK;
		return attest_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", ini->path,
				    strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		rc = attest_buf_add(&b, chunk, n);
		if (rc != ATTEST_OK)
			break;
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (ferror(fp))
		rc = attest_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", ini->path,
				  strerror(errno));
	else if (b.len >= AWS_FILE_MAX)
		rc = attest_error(ctx, ATTEST_ERR_LIMIT, "'%s' is larger than %u bytes",
				  ini->path, AWS_FILE_MAX);
	else if (b.data && memchr(b.data, '\0', b.len))
		rc = attest_error(ctx, ATTEST_ERR_PARSE, "cannot parse '%s': it is not a text file",
				  ini->path);
	else
		rc = b.data ? ini_parse(ctx, ini, b.data) : ATTEST_OK;
	fclose(fp);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	attest_buf_release(&b);
	return rc;
}

attest_rc
aws_files_load(attest_ctx *ctx, struct aws_files **out)
{
	struct aws_files *f = calloc(1, sizeof(*f));
	attest_rc rc;

	*out = NULL;
	if (!f)
		return attest_nomem(ctx);
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

/* ---- the chain ------------------------------------------------------------ */

struct chain {
	attest_ctx *ctx;
	struct aws_files *files;
	const struct aws_transport *t;
	const char *visited[AWS_CHAIN_MAX];
	size_t depth;
};

static attest_rc
set_static(attest_ctx *ctx, struct aws_credentials *out, const char *id, const char *secret,
	   const char *token)
{
	memset(out, 0, sizeof(*out));
	out->access_key_id = attest_strdup(id);
	out->secret_access_key = attest_strdup(secret);
	out->session_token = token && *token ? attest_strdup(token) : NULL;
	if (!out->access_key_id || !out->secret_access_key || (token && *token && !out->session_token)) {
		aws_credentials_release(out);
		return attest_nomem(ctx);
	}
	return ATTEST_OK;
}

/* Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * (/ AWS_SESSION_TOKEN). ATTEST_ERR_NOTFOUND, without a message, when the
 * environment has none. */
static attest_rc
from_env(attest_ctx *ctx, struct aws_credentials *out)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");

	if (!token || !*token)
		token = getenv("AWS_SECURITY_TOKEN");
	if ((!id || !*id) && (!secret || !*secret))
		return ATTEST_ERR_NOTFOUND;
	if (!id || !*id || !secret || !*secret)
		return attest_error(ctx, ATTEST_ERR_INVALID, "%s is set but %s is not",
				    id && *id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
				    id && *id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	return set_static(ctx, out, id, secret, token);
}

static int
parse_duration(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > 43200)
		return -1;
	return (int)v;
}

/* Region of a profile for its STS calls: the environment's, else the
 * profile's own, else none (the global endpoint). */
static const char *
sts_region(const struct aws_files *f, const char *profile)
{
	const char *v = getenv("AWS_REGION");

	if (v && *v)
		return v;
	if ((v = getenv("AWS_DEFAULT_REGION")) && *v)
		return v;
	return aws_profile_get(f, profile, "region");
}

static attest_rc resolve_profile(struct chain *c, const char *name, struct aws_credentials *out);

static attest_rc
chain_error_loop(struct chain *c, const char *name)
{
	struct attest_buf b;
	size_t i;
	attest_rc rc;

	attest_buf_init(&b, 4096);
	for (i = 0; i < c->depth; i++)
		attest_buf_printf(&b, "'%s' -> ", c->visited[i]);
	attest_buf_printf(&b, "'%s'", name);
	rc = attest_error(c->ctx, ATTEST_ERR_INVALID, "profile chain loops: %s",
			  b.data ? b.data : name);
	attest_buf_release(&b);
	return rc;
}

/* The role_arn branch of a profile. */
static attest_rc
assume_profile_role(struct chain *c, const char *name, const char *role_arn,
		    struct aws_credentials *out)
{
	const char *src = aws_profile_get(c->files, name, "source_profile");
	const char *csrc = aws_profile_get(c->files, name, "credential_source");
	struct aws_credentials base = { 0 };
	struct aws_assume_role ar = { 0 };
	int duration;
	attest_rc rc;

	if (src && csrc)
		return attest_error(c->ctx, ATTEST_ERR_INVALID, "profile '%s' sets both "
				    "source_profile and credential_source", name);
	duration = parse_duration(aws_profile_get(c->files, name, "duration_seconds"));
	if (duration < 0)
		return attest_error(c->ctx, ATTEST_ERR_INVALID, "profile '%s': duration_seconds "
				    "must be a whole number of seconds up to 43200", name);
	if (src) {
		const char *id = aws_profile_get(c->files, src, "aws_access_key_id");
		const char *secret = aws_profile_get(c->files, src, "aws_secret_access_key");

		if (strcmp(src, name) == 0) {
			/* A profile may be its own source when it also holds keys. */
			if (!id || !secret)
				return chain_error_loop(c, name);
			rc = set_static(c->ctx, &base, id, secret,
					aws_profile_get(c->files, src, "aws_session_token"));
		} else {
			rc = resolve_profile(c, src, &base);
		}
	} else if (csrc) {
		if (strcmp(csrc, "Environment") == 0) {
			rc = from_env(c->ctx, &base);
			if (rc == ATTEST_ERR_NOTFOUND)
				rc = attest_error(c->ctx, rc, "profile '%s' takes its credentials "
						  "from the environment, but AWS_ACCESS_KEY_ID is "
						  "not set", name);
		} else if (strcmp(csrc, "Ec2InstanceMetadata") == 0) {
			rc = aws_imds_credentials(c->ctx, c->t, &base);
		} else {
			return attest_error(c->ctx, ATTEST_ERR_INVALID, "profile '%s': "
					    "credential_source '%s' is not supported (use "
					    "Environment or Ec2InstanceMetadata)", name, csrc);
		}
	} else {
		return attest_error(c->ctx, ATTEST_ERR_INVALID, "profile '%s' has role_arn but "
				    "neither source_profile nor credential_source", name);
	}
	if (rc != ATTEST_OK)
		return rc;
	ar.role_arn = role_arn;
	ar.external_id = aws_profile_get(c->files, name, "external_id");
	ar.session_name = aws_profile_get(c->files, name, "role_session_name");
	ar.duration_seconds = duration;
	rc = aws_sts_assume_role(c->ctx, c->t, sts_region(c->files, name), name, &base, &ar, out);
	if (rc != ATTEST_OK)
		attest_error_prefix(c->ctx, "profile '%s'", name);
	aws_credentials_release(&base);
	return rc;
}

static attest_rc
resolve_profile(struct chain *c, const char *name, struct aws_credentials *out)
{
	const char *role, *id, *secret;
	size_t i;
	attest_rc rc;

	for (i = 0; i < c->depth; i++)
		if (strcmp(c->visited[i], name) == 0)
			return chain_error_loop(c, name);
	if (c->depth >= AWS_CHAIN_MAX)
		return attest_error(c->ctx, ATTEST_ERR_LIMIT, "profile chain from '%s' is longer "
				    "than %d profiles", c->visited[0], AWS_CHAIN_MAX);
	if (!aws_profile_exists(c->files, name))
		return attest_error(c->ctx, ATTEST_ERR_NOTFOUND, "profile '%s' not found in '%s' "
				    "or '%s'", name, aws_files_credentials_path(c->files),
				    aws_files_config_path(c->files));
	c->visited[c->depth++] = name;

	role = aws_profile_get(c->files, name, "role_arn");
	id = aws_profile_get(c->files, name, "aws_access_key_id");
	secret = aws_profile_get(c->files, name, "aws_secret_access_key");
	if (role && *role) {
		rc = assume_profile_role(c, name, role, out);
	} else if (aws_profile_get(c->files, name, "credential_process")) {
		rc = attest_error(c->ctx, ATTEST_ERR_INVALID, "profile '%s' uses "
				  "credential_process, which attest does not support: it never "
				  "runs programs named in AWS configuration; export the "
				  "credentials to the environment or a profile instead", name);
	} else if ((id && *id) || (secret && *secret)) {
		if (!id || !*id || !secret || !*secret)
			rc = attest_error(c->ctx, ATTEST_ERR_INVALID, "profile '%s' has %s but "
					  "no %s", name,
					  id && *id ? "aws_access_key_id" : "aws_secret_access_key",
					  id && *id ? "aws_secret_access_key" : "aws_access_key_id");
		else
			rc = set_static(c->ctx, out, id, secret,
					aws_profile_get(c->files, name, "aws_session_token"));
	} else if (aws_profile_get(c->files, name, "sso_session") ||
		   aws_profile_get(c->files, name, "sso_start_url")) {
		rc = attest_error(c->ctx, ATTEST_ERR_INVALID, "profile '%s' uses IAM Identity "
				  "Center (SSO), which attest does not support; run `aws "
				  "configure export-credentials --profile %s --format env` and "
				  "scan with the environment", name, name);
	} else if (aws_profile_get(c->files, name, "web_identity_token_file")) {
		rc = attest_error(c->ctx, ATTEST_ERR_INVALID, "profile '%s' uses "
				  "web_identity_token_file, which attest does not support", name);
	} else {
		rc = attest_error(c->ctx, ATTEST_ERR_NOTFOUND, "profile '%s' has no credentials "
				  "(no aws_access_key_id, role_arn or credential_source)", name);
	}
	c->depth--;
	return rc;
}

attest_rc
aws_resolve_region(attest_ctx *ctx, const char *profile, char **region_out)
{
	struct aws_files *files = NULL;
	const char *v;
	attest_rc rc;

	*region_out = NULL;
	v = getenv("AWS_REGION");
	if (!v || !*v)
		v = getenv("AWS_DEFAULT_REGION");
	if (v && *v) {
		*region_out = attest_strdup(v);
		return *region_out ? ATTEST_OK : attest_nomem(ctx);
	}
	rc = aws_files_load(ctx, &files);
	if (rc != ATTEST_OK)
		return rc;
	v = aws_profile_get(files, aws_profile_name(profile), "region");
	if (v && *v && !(*region_out = attest_strdup(v)))
		rc = attest_nomem(ctx);
	aws_files_free(files);
	return rc;
}

attest_rc
aws_resolve_credentials(attest_ctx *ctx, const struct aws_config_opts *opts,
			struct aws_credentials *out, char **region_out)
{
	struct chain c = { 0 };
	struct aws_credentials base = { 0 };
	const char *name, *profile = opts ? opts->profile : NULL;
	bool named = false;
	attest_rc rc;

	memset(out, 0, sizeof(*out));
	if (region_out)
		*region_out = NULL;
	c.ctx = ctx;
	c.t = opts ? opts->transport : NULL;
	rc = aws_files_load(ctx, &c.files);
	if (rc != ATTEST_OK)
		return rc;
	name = aws_profile_name(profile);
	named = (profile && *profile) || strcmp(name, "default") != 0;

	if (profile && *profile) {
		rc = resolve_profile(&c, name, &base);
	} else {
		rc = from_env(ctx, &base);
		if (rc == ATTEST_ERR_NOTFOUND) {
			if (aws_profile_exists(c.files, name) || named) {
				rc = resolve_profile(&c, name, &base);
			} else {
				rc = aws_imds_credentials(ctx, c.t, &base);
				if (rc != ATTEST_OK)
					attest_error_prefix(ctx, "no AWS credentials found in the "
							    "environment, '%s', '%s' or the instance "
							    "metadata service",
							    aws_files_credentials_path(c.files),
							    aws_files_config_path(c.files));
			}
		}
	}
	if (rc != ATTEST_OK)
		goto out;

	if (opts && opts->role_arn && *opts->role_arn) {
		struct aws_assume_role ar = { 0 };

		ar.role_arn = opts->role_arn;
		ar.external_id = opts->external_id;
		ar.session_name = opts->session_name;
		ar.duration_seconds = opts->duration_seconds;
		rc = aws_sts_assume_role(ctx, c.t, sts_region(c.files, name), name, &base, &ar, out);
		if (rc != ATTEST_OK)
			goto out;
		if (opts->base_out) {
			*opts->base_out = base;
			memset(&base, 0, sizeof(base));
		}
	} else {
		*out = base;
		memset(&base, 0, sizeof(base));
	}
	if (region_out)
		rc = aws_resolve_region(ctx, profile, region_out);
out:
	if (rc != ATTEST_OK) {
		aws_credentials_release(out);
		if (opts && opts->base_out)
			aws_credentials_release(opts->base_out);
	}
	aws_credentials_release(&base);
	aws_files_free(c.files);
	return rc;
}
