/*
 * Redaction of credentials in text (see redact.c for where it applies and
 * what it keeps): key names that say "secret", and the shapes of access key
 * ids, STS session tokens, JWTs, well-known service tokens, bearer tokens,
 * URL userinfo passwords, NAME=value assignments and PEM/PGP private key
 * blocks. Every pattern is scanned in time linear in the text.
 */
#include "config.h"

#include "store_int.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

bool
store_maybe_secret(const char *s)
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
		memmove(begin + strlen(STORE_REDACTED), end, (size_t)(b->data + b->len - end) + 1);
		memcpy(begin, STORE_REDACTED, strlen(STORE_REDACTED));
		b->len = off + strlen(STORE_REDACTED) + strlen(begin + strlen(STORE_REDACTED));
		off += strlen(STORE_REDACTED);
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
		} else if (strncmp(in + so, STORE_REDACTED, strlen(STORE_REDACTED)) != 0) {
			if ((rc = core_buf_add(out, in + at, so - at)) != ATTEST_OK ||
			    (rc = core_buf_adds(out, STORE_REDACTED)) != ATTEST_OK)
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
attest_rc
store_redact_text(const char *text, char **out)
{
	struct core_buf a, b, tmp;
	bool changed = false;
	size_t k;
	attest_rc rc;

	*out = NULL;
	if (!store_maybe_secret(text))
		return ATTEST_OK;
	if (!compile_patterns())
		return ATTEST_ERR_INTERNAL;
	core_buf_init(&a, STORE_REDACT_MAX);
	core_buf_init(&b, STORE_REDACT_MAX);
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
