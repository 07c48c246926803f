/*
 * Keeping credentials out of the history database. Evidence is the
 * configuration a check was judged on, and configurations carry secrets:
 * tags named "db_password", Lambda environment variables, EC2 user data
 * scripts that export an AWS secret key, PEM private keys pasted into a
 * parameter. redact_secrets(value) is an SQL function, registered on every
 * history connection and applied while a scan's evidence and reasons are
 * copied in (store.c, transfer.c), that replaces what looks like a
 * credential with "[REDACTED]":
 *   - in JSON, the string or number under a key whose name ends like a secret
 *     (password, secret, token, api_key, private_key, credentials, ...), the
 *     "Value" of a {"Key": ..., "Value": ...} or {"name": ..., "value": ...}
 *     pair whose key is such a name (AWS tags, ECS environment lists), and
 *     base64 user data whose decoded text holds a credential;
 *   - in any text: AWS access key ids (AKIA/ASIA + 16), STS session tokens
 *     (recognised by structure: base64 whose bytes start like the token's
 *     protobuf header, whatever its version byte), PEM and PGP private key
 *     blocks (any "-----BEGIN ...PRIVATE/SECRET...-----" block), bearer
 *     tokens, JWTs, the password of a URL's userinfo (also with an empty user,
 *     redis://:pw@host) and the values of assignments such as
 *     "AWS_SECRET_ACCESS_KEY=..." or "password: ...";
 *   - object keys are text too: a key that is a credential (an access key id
 *     used as a key) is renamed "[REDACTED]" ("[REDACTED]#2", ... when
 *     several are).
 * Key names match after dropping a value-ish suffix (SecretString,
 * SecretBinary, PasswordData, TokenValue are secrets as Secret, Password and
 * Token are).
 * Most evidence holds none of the trigger words and is returned untouched
 * without being parsed, which keeps the copy of a large scan fast.
 */
#include "config.h"

#include "store_int.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REDACTED "[REDACTED]"
#define MAX_TEXT (16u << 20)

/* Key names (lowercased, without '_', '-', '.' and spaces) whose values are
 * secrets when the name ends with one of these. */
static const char *const secret_suffixes[] = {
	"password",    "passwd",        "passphrase",       "pass",
	"pwd",         "secret",        "secretkey",        "secretaccesskey",
	"token",       "apikey",        "privatekey",       "credential",
	"credentials", "authorization", "connectionstring", NULL,
};

/* Suffixes that name the form of a value, not what it is: "SecretString" is a
 * secret. Dropped (once) before matching secret_suffixes. */
static const char *const value_suffixes[] = {
	"string", "binary", "value", "data", "text", "plaintext", "pem", "base64", "b64", NULL,
};

/* Substrings (case-insensitive) without which no rule can fire (besides the
 * long base64 runs an STS token is, see long_base64()). */
static const char *const triggers[] = {
	"akia",     "asia",      "-----begin", "eyj",           "bearer",
	"pass",     "secret",    "token",      "apikey",        "api_key",
	"api-key",  "private",   "credential", "authorization", "connection",
	"userdata", "user_data", "://",        "pwd",           "sk_live_",
	"ghp_",     "xox",       "gzxivyxdz",  "jb3jpz2lu",     "dyxdz",
	NULL,
};

#define STS_MIN 100 /* base64 characters: STS tokens are hundreds long */

static bool
is_b64(int c)
{
	return isalnum(c) || c == '+' || c == '/';
}

/* True when s holds a run of STS_MIN or more base64 characters. */
static bool
long_base64(const char *s)
{
	size_t run = 0;

	for (; *s; s++) {
		run = is_b64((unsigned char)*s) ? run + 1 : 0;
		if (run >= STS_MIN)
			return true;
	}
	return false;
}

static bool
maybe_secret(const char *s)
{
	size_t i;

	for (i = 0; triggers[i]; i++)
		if (strcasestr(s, triggers[i]))
			return true;
	return long_base64(s);
}

/* True when name, normalized, ends with a secret suffix. */
bool
store_secret_name(const char *name)
{
	char norm[128];
	size_t n = 0, i, len;

	for (; *name && n < sizeof(norm) - 1; name++)
		if (*name != '_' && *name != '-' && *name != '.' && *name != ' ')
			norm[n++] = (char)tolower((unsigned char)*name);
	norm[n] = '\0';
	for (i = 0; value_suffixes[i]; i++) {
		len = strlen(value_suffixes[i]);
		if (n > len && strcmp(norm + n - len, value_suffixes[i]) == 0) {
			n -= len;
			norm[n] = '\0';
			break;
		}
	}
	for (i = 0; secret_suffixes[i]; i++) {
		len = strlen(secret_suffixes[i]);
		if (n >= len && strcmp(norm + n - len, secret_suffixes[i]) == 0)
			return true;
	}
	return false;
}

/* ---- text ----------------------------------------------------------------- */

/*
 * Every pattern that starts with an unbounded run of a character class is
 * anchored on the left by a character outside that class (or the start of
 * the text). regexec tries each start position in turn; without the anchor
 * a long run (a 70,000-character resource id, "eyJeyJeyJ...") costs the
 * length of the run at every position, which is quadratic. With it, a start
 * inside a run fails at its first character and every run is scanned once.
 */

/* glibc's REG_ICASE rebuilds its case-folded copy of the text at every start
 * position it tries, which is quadratic in the length of the text; caseless
 * patterns are written in lower case and run on a lowered copy instead. */
#define CASELESS 1

struct pattern {
	const char *re;
	int flags; /* CASELESS or 0 */
	int group; /* the subexpression replaced, 0 for the whole match */
};

static const struct pattern patterns[] = {
	/* access key ids, bounded by non-alphanumerics */
	{"(^|[^A-Za-z0-9])((AKIA|ASIA)[A-Z0-9]{16})([^A-Za-z0-9]|$)", 0, 2},
	/* STS session tokens: base64 of a version byte, 0x0a, a length and a
	 * short name ("FwoGZXIvYXdz", "FQoGZXIvYXdz", "IQoJb3JpZ2lu",
	 * "AQoDYXdz", "FQoDYXdz": the second character is one of AQgw as the
	 * 0x0a byte makes it, the third 'o'), long and bounded by non-base64 */
	{"(^|[^A-Za-z0-9+/])([A-Za-z0-9+/][AQgw]o[A-Za-z0-9+/]{97,}={0,2})", 0, 2},
	/* and, however short (a token cut in a log line), one whose name is
	 * one of those AWS issues ("GZXIvYXdz", "Jb3JpZ2lu" is "origin", "DYXdz" is "aws"), any
	 * version byte */
	{"[A-Za-z0-9+/][AQgw]o(GZXIvYXdz|Jb3JpZ2lu|DYXdz)[A-Za-z0-9+/=]{4,}", 0, 0},
	/* JWT: header.payload.signature, base64url */
	{"(^|[^A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]+)", 0, 2},
	/* well-known service tokens: Stripe live keys, GitHub and Slack tokens */
	{"(^|[^A-Za-z0-9_-])(sk_live_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abposr]-[A-Za-z0-9-]{10,})",
	 0, 2},
	/* Authorization: Bearer <token> */
	{"bearer[ \t]+([A-Za-z0-9._~+/=-]{6,})", CASELESS, 1},
	/* scheme://user:password@host, the user possibly empty; the password
	 * runs to the last '@' before the host */
	{"(^|[^a-z0-9+.-])[a-z][a-z0-9+.-]*://[^:/@ \t\"']*:([^/ \t\"']+)@", CASELESS, 2},
	/* NAME=value, "name": "value", name: value where NAME ends like a secret */
	{"(password|passwd|passphrase|pass|pwd|secret|secret[_-]?key|secret[_-]?access[_-]?key|"
	 "token|api[_-]?key|private[_-]?key|credentials?)[\"']?[ \t]*[:=][ \t]*[\"']?"
	 "([^ \t\r\n\"',;&}]+)",
	 CASELESS, 2},
};

#define N_PATTERNS (sizeof(patterns) / sizeof(patterns[0]))
/* The NAME=value pattern, last of the table: its keyword may also be the
 * resource type of an ARN (arn:aws:secretsmanager:...:secret:db-password),
 * which names a secret without holding one. */
#define ASSIGNMENT_PATTERN (N_PATTERNS - 1)

/* True when the match starting at at lies inside an ARN: the word holding
 * it (up to the previous blank, quote or separator) starts with "arn:". */
static bool
inside_arn(const char *text, const char *at)
{
	const char *w = at;

	while (w > text && !strchr(" \t\r\n\"',;=&{}[]()", w[-1]))
		w--;
	return strncmp(w, "arn:", 4) == 0 && w < at;
}

static regex_t compiled[N_PATTERNS];
static int compiled_ok = -1; /* -1 not yet, 0 failed, 1 ready */

static bool
compile_patterns(void)
{
	size_t i;

	/* Compiled once per process; a race would only compile them twice. */
	if (compiled_ok >= 0)
		return compiled_ok == 1;
	for (i = 0; i < N_PATTERNS; i++)
		if (regcomp(&compiled[i], patterns[i].re, REG_EXTENDED) != 0) {
			while (i-- > 0)
				regfree(&compiled[i]);
			compiled_ok = 0;
			return false;
		}
	compiled_ok = 1;
	return true;
}

/* True when the label of "-----BEGIN <label>-----" names private material:
 * "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
 * "PGP PRIVATE KEY BLOCK", "PGP SECRET KEY BLOCK"... */
static bool
private_label(const char *label, size_t n)
{
	char buf[80];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, label, n);
	buf[n] = '\0';
	return strstr(buf, "PRIVATE") || strstr(buf, "SECRET");
}

/* Replaces PEM and PGP private key blocks (to the end of the text when the
 * END line is missing). Returns true if anything was replaced. */
static bool
redact_pem(struct core_buf *b)
{
	char *begin, *label, *label_end, *end;
	char endmark[96];
	bool changed = false;
	size_t off = 0, n;

	while (b->data && (begin = strstr(b->data + off, "-----BEGIN "))) {
		label = begin + strlen("-----BEGIN ");
		label_end = strstr(label, "-----");
		n = label_end ? (size_t)(label_end - label) : 0;
		if (!label_end || !private_label(label, n)) {
			off = (size_t)(label - b->data);
			continue;
		}
		snprintf(endmark, sizeof(endmark), "-----END %.*s-----", (int)n, label);
		end = strstr(label_end + 5, endmark);
		end = end ? end + strlen(endmark) : b->data + b->len;
		off = (size_t)(begin - b->data);
		memmove(begin + strlen(REDACTED), end, (size_t)(b->data + b->len - end) + 1);
		memcpy(begin, REDACTED, strlen(REDACTED));
		b->len = off + strlen(REDACTED) + strlen(begin + strlen(REDACTED));
		off += strlen(REDACTED);
		changed = true;
	}
	return changed;
}

/* A lower-case copy of in, for the patterns marked CASELESS (see
 * compile_patterns); byte for byte, so offsets into it are offsets into in. */
static char *
lowered(const char *in)
{
	char *low = core_strdup(in), *c;

	if (low)
		for (c = low; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	return low;
}

/* Applies one pattern to the whole of in, writing the result to out. Each
 * search starts where the last match ended (REG_STARTEND), so that many
 * matches in a long text do not each cost its length. */
static attest_rc
apply_pattern(size_t k, const char *in, struct core_buf *out, bool *changed)
{
	regmatch_t m[6];
	size_t len = strlen(in), at = 0, so, eo;
	int g = patterns[k].group;
	char *low = patterns[k].flags & CASELESS ? lowered(in) : NULL;
	attest_rc rc = ATTEST_OK;

	if (patterns[k].flags & CASELESS && !low)
		return ATTEST_ERR_NOMEM;
	core_buf_reset(out);
	while (at < len) {
		m[0].rm_so = (regoff_t)at;
		m[0].rm_eo = (regoff_t)len;
		if (regexec(&compiled[k], low ? low : in, 6, m, REG_STARTEND) != 0 ||
		    m[g].rm_so < 0 || m[0].rm_eo == (regoff_t)at)
			break;
		so = (size_t)m[g].rm_so;
		eo = (size_t)m[g].rm_eo;
		if (k == ASSIGNMENT_PATTERN && inside_arn(in, in + m[0].rm_so)) {
			so = eo = (size_t)m[0].rm_eo; /* keep the whole match */
		} else if (strncmp(in + so, REDACTED, strlen(REDACTED)) != 0) {
			if ((rc = core_buf_add(out, in + at, so - at)) != ATTEST_OK ||
			    (rc = core_buf_adds(out, REDACTED)) != ATTEST_OK)
				goto out;
			*changed = true;
			at = eo;
			continue;
		}
		if ((rc = core_buf_add(out, in + at, eo - at)) != ATTEST_OK)
			goto out;
		/* Continue after the group: a trailing context character (the
		 * access key pattern's bound) may start the next match. */
		at = eo;
	}
	rc = core_buf_adds(out, in + at);
out:
	free(low);
	return rc;
}

/* Redacts credentials in text. *out is NULL when nothing was found. */
static attest_rc
redact_text(const char *text, char **out)
{
	struct core_buf a, b, tmp;
	bool changed = false;
	size_t k;
	attest_rc rc;

	*out = NULL;
	if (!maybe_secret(text))
		return ATTEST_OK;
	if (!compile_patterns())
		return ATTEST_ERR_INTERNAL;
	core_buf_init(&a, MAX_TEXT);
	core_buf_init(&b, MAX_TEXT);
	if ((rc = core_buf_adds(&a, text)) != ATTEST_OK)
		goto out;
	changed = redact_pem(&a);
	for (k = 0; k < N_PATTERNS; k++) {
		if ((rc = apply_pattern(k, a.data, &b, &changed)) != ATTEST_OK)
			goto out;
		tmp = a;
		a = b;
		b = tmp;
	}
	if (changed)
		*out = core_buf_take(&a);
out:
	core_buf_release(&a);
	core_buf_release(&b);
	return rc;
}

/* ---- JSON ----------------------------------------------------------------- */

static bool
is_base64(const char *s, size_t n)
{
	size_t i;

	if (n < 8 || n % 4 != 0)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/' && s[i] != '=')
			return false;
	return true;
}

/* User data is usually base64: decode it and look inside. */
static attest_rc
user_data_secret(const char *s, bool *found)
{
	size_t n = strlen(s);
	unsigned char *dec;
	char *red = NULL;
	int len;
	attest_rc rc;

	*found = false;
	if (!is_base64(s, n) || n > MAX_TEXT)
		return ATTEST_OK;
	dec = malloc(n / 4 * 3 + 1);
	if (!dec)
		return ATTEST_ERR_NOMEM;
	len = EVP_DecodeBlock(dec, (const unsigned char *)s, (int)n);
	if (len < 0) {
		free(dec);
		return ATTEST_OK;
	}
	dec[len] = '\0';
	/* Binary payloads (gzip) cannot be read; text with a NUL is cut there. */
	rc = redact_text((const char *)dec, &red);
	*found = red != NULL;
	free(red);
	free(dec);
	return rc;
}

static attest_rc redact_json(json_t *v, bool secret, bool *changed);

static json_t *
pair_value(json_t *obj, json_t **key_out)
{
	static const char *const keys[] = {"Key", "key", "Name", "name", NULL};
	static const char *const vals[] = {"Value", "value", "Value", "value", NULL};
	size_t i;
	json_t *k;

	for (i = 0; keys[i]; i++) {
		k = json_object_get(obj, keys[i]);
		if (json_is_string(k) && json_object_get(obj, vals[i])) {
			*key_out = k;
			return json_object_get(obj, vals[i]);
		}
	}
	return NULL;
}

static attest_rc
redact_member(json_t *parent, const char *key, json_t *v, bool secret, bool *changed)
{
	const char *s;
	char *red = NULL;
	bool found;
	attest_rc rc;

	if (secret && (json_is_string(v) || json_is_number(v))) {
		if (json_is_string(v) &&
		    (strcmp(json_string_value(v), REDACTED) == 0 || !*json_string_value(v)))
			return ATTEST_OK;
		*changed = true;
		return json_object_set_new(parent, key, json_string(REDACTED)) ? ATTEST_ERR_NOMEM
									       : ATTEST_OK;
	}
	if (!json_is_string(v))
		return redact_json(v, secret, changed);
	s = json_string_value(v);
	if (store_secret_name(key) == false && strcasestr(key, "userdata") == NULL &&
	    strcasestr(key, "user_data") == NULL) {
		if ((rc = redact_text(s, &red)) != ATTEST_OK || !red)
			return rc;
		*changed = true;
		rc = json_object_set_new(parent, key, json_string(red)) ? ATTEST_ERR_NOMEM
									: ATTEST_OK;
		free(red);
		return rc;
	}
	/* user data: a readable script is redacted in place, base64 as a whole */
	if ((rc = user_data_secret(s, &found)) != ATTEST_OK)
		return rc;
	if (found) {
		*changed = true;
		return json_object_set_new(parent, key, json_string(REDACTED)) ? ATTEST_ERR_NOMEM
									       : ATTEST_OK;
	}
	if ((rc = redact_text(s, &red)) != ATTEST_OK || !red)
		return rc;
	*changed = true;
	rc = json_object_set_new(parent, key, json_string(red)) ? ATTEST_ERR_NOMEM : ATTEST_OK;
	free(red);
	return rc;
}

/* Renames the keys of obj that are credentials themselves. */
static attest_rc
redact_keys(json_t *obj, bool *changed)
{
	const char *key;
	json_t *m, *renamed = NULL;
	char *red, name[32];
	size_t n = 0, i;
	attest_rc rc = ATTEST_OK;

	json_object_foreach(obj, key, m)
	{
		red = NULL;
		if ((rc = redact_text(key, &red)) != ATTEST_OK)
			break;
		if (!red)
			continue;
		free(red);
		if (!renamed && !(renamed = json_array())) {
			rc = ATTEST_ERR_NOMEM;
			break;
		}
		if (json_array_append_new(renamed, json_string(key)) != 0) {
			rc = ATTEST_ERR_NOMEM;
			break;
		}
	}
	for (i = 0; rc == ATTEST_OK && i < json_array_size(renamed); i++) {
		key = json_string_value(json_array_get(renamed, i));
		do {
			if (n++ == 0)
				snprintf(name, sizeof(name), "%s", REDACTED);
			else
				snprintf(name, sizeof(name), REDACTED "#%zu", n);
		} while (json_object_get(obj, name));
		m = json_incref(json_object_get(obj, key));
		if (json_object_del(obj, key) != 0 || json_object_set_new(obj, name, m) != 0)
			rc = ATTEST_ERR_NOMEM;
		*changed = true;
	}
	json_decref(renamed);
	return rc;
}

static attest_rc
redact_json(json_t *v, bool secret, bool *changed)
{
	const char *key;
	json_t *m, *pk, *pv;
	size_t i;
	char *red;
	attest_rc rc;

	if (json_is_object(v)) {
		if ((rc = redact_keys(v, changed)) != ATTEST_OK)
			return rc;
		pk = NULL;
		pv = pair_value(v, &pk);
		void *iter = json_object_iter(v);

		while (iter) {
			key = json_object_iter_key(iter);
			m = json_object_iter_value(iter);
			iter = json_object_iter_next(v, iter);
			rc = redact_member(
				v, key, m,
				secret || store_secret_name(key) ||
					(m == pv && store_secret_name(json_string_value(pk))),
				changed);
			if (rc != ATTEST_OK)
				return rc;
		}
		return ATTEST_OK;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
		{
			if (json_is_string(m) || json_is_number(m)) {
				red = NULL;
				if (secret)
					red = core_strdup(REDACTED);
				else if ((rc = redact_text(json_is_string(m) ? json_string_value(m)
									     : "",
							   &red)) != ATTEST_OK)
					return rc;
				if (!red)
					continue;
				*changed = true;
				rc = json_array_set_new(v, i, json_string(red)) ? ATTEST_ERR_NOMEM
										: ATTEST_OK;
				free(red);
				if (rc != ATTEST_OK)
					return rc;
			} else if ((rc = redact_json(m, secret, changed)) != ATTEST_OK) {
				return rc;
			}
		}
	}
	return ATTEST_OK;
}

attest_rc
store_redact(const char *in, char **out)
{
	json_t *doc;
	bool changed = false;
	attest_rc rc;

	*out = NULL;
	if (!maybe_secret(in))
		return ATTEST_OK;
	if (*in == '{' || *in == '[') {
		doc = json_loads(in, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (doc) {
			rc = redact_json(doc, false, &changed);
			if (rc == ATTEST_OK && changed) {
				*out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER |
							       JSON_ENCODE_ANY);
				if (!*out)
					rc = ATTEST_ERR_NOMEM;
			}
			json_decref(doc);
			return rc;
		}
	}
	return redact_text(in, out);
}

static void
sql_redact(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	const char *in;
	char *out = NULL;
	attest_rc rc;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
		sqlite3_result_value(c, argv[0]);
		return;
	}
	in = (const char *)sqlite3_value_text(argv[0]);
	if (!in) {
		sqlite3_result_error_nomem(c);
		return;
	}
	rc = store_redact(in, &out);
	if (rc == ATTEST_ERR_NOMEM)
		sqlite3_result_error_nomem(c);
	else if (rc != ATTEST_OK)
		/* Never store what could not be inspected. */
		sqlite3_result_text(c, REDACTED, -1, SQLITE_STATIC);
	else if (out)
		sqlite3_result_text(c, out, -1, free);
	else
		sqlite3_result_value(c, argv[0]);
}

/* Every column that receives text from an input: resource identity and
 * evidence of findings, reasons (gap messages are copied into them), the
 * whole collection log, and the sources' paths and header text. */
static const char *const input_columns[][2] = {
	{"findings", "resource_id"},   {"findings", "arn"},
	{"findings", "name"},          {"findings", "region"},
	{"findings", "account"},       {"findings", "reason"},
	{"findings", "evidence"},      {"scan_checks", "reason"},
	{"scan_gaps", "account"},      {"scan_gaps", "region"},
	{"scan_gaps", "service"},      {"scan_gaps", "operation"},
	{"scan_gaps", "error_code"},   {"scan_gaps", "message"},
	{"scans", "sources"},          {"scan_resources", "resource_id"},
	{"scan_resources", "account"}, {"scan_resources", "region"},
};

bool
store_redact_column(const char *table, const char *column)
{
	size_t i;

	for (i = 0; i < sizeof(input_columns) / sizeof(input_columns[0]); i++)
		if (strcmp(input_columns[i][0], table) == 0 &&
		    strcmp(input_columns[i][1], column) == 0)
			return true;
	return false;
}

int
store_redact_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "redact_secrets", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
				       sql_redact, NULL, NULL);
}
