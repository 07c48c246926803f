/*
 * Remediation commands made for one finding. A check's CLI fix is written
 * for an example resource (account 111122223333, region us-east-1, ids such
 * as sg-0123456789abcdef0); printed under a real finding, the example ids
 * would be pasted as they are. The command is rewritten with the finding's
 * own identifiers where they can be placed with confidence:
 *
 *  1. the example account and region become the finding's;
 *  2. an ARN of the finding's service and resource type becomes its ARN;
 *  3. a word shaped like the resource's id (same "sg-" prefix, then 8 to 20
 *     letters and digits) becomes its id;
 *  4. in each command that acts on an existing resource (not create-,
 *     register-, request-, import-), the first option naming a resource of
 *     the finding's type (--group-id for a security group, --bucket for a
 *     bucket, a plain --name or --id) gets the finding's id or name; for a
 *     child id "api/stage" whose name is "stage", the first -id option gets
 *     the parent and the matching -name option the name;
 *  5. the first example id of another kind (an instance's security group,
 *     "sg-0123456789abcdef0") becomes the first id of that kind the
 *     finding's reason or evidence names (the group that lets the world
 *     in); any other example id of that shape becomes a visible placeholder
 *     such as <sg-id>, a value for the reader to choose that no shell takes
 *     for a real id.
 *
 * What is left are parameters for the reader to choose (a KMS key, a log
 * bucket), not the finding's identity. Long commands are wrapped for a
 * shell: at a space with " \" and the next line indented, inside a word or
 * quoted string with a bare "\" (closing and reopening the quote), inside a
 * comment with a new "# ".
 */
#include "config.h"

#include "pdf_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLE_ACCOUNT "111122223333"
#define EXAMPLE_REGION "us-east-1"

static bool
delim(char c)
{
	return c == '\0' || isspace((unsigned char)c) || strchr("'\",;=()[]{}<>|", c);
}

/* Replaces [at, at+len) of *s with rep; returns the new string or NULL. */
static char *
splice(char *s, size_t at, size_t len, const char *rep)
{
	size_t n = strlen(s), r = strlen(rep);
	char *o = malloc(n - len + r + 1);

	if (!o) {
		free(s);
		return NULL;
	}
	memcpy(o, s, at);
	memcpy(o + at, rep, r);
	memcpy(o + at + r, s + at + len, n - at - len + 1);
	free(s);
	return o;
}

/* Every whole-word occurrence of word becomes rep. */
static char *
replace_word(char *s, const char *word, const char *rep, bool (*edge)(char))
{
	size_t wl = strlen(word), at = 0;
	char *q;

	while (s && (q = strstr(s + at, word))) {
		size_t i = (size_t)(q - s);

		if ((i == 0 || edge(s[i - 1])) && edge(s[i + wl])) {
			s = splice(s, i, wl, rep);
			at = i + strlen(rep);
		} else {
			at = i + 1;
		}
	}
	return s;
}

static bool
region_edge(char c)
{
	return delim(c) || c == ':' || c == '.' || c == '/';
}

static bool
account_edge(char c)
{
	return region_edge(c) || c == '-';
}

/* The service and the resource type of an ARN ("ec2", "security-group"). */
static bool
arn_kind(const char *arn, size_t n, char *svc, size_t svc_n, char *kind, size_t kind_n)
{
	const char *f[6], *e = arn + n, *q = arn;
	size_t k = 0, l;

	if (n < 8 || strncmp(arn, "arn:", 4) != 0)
		return false;
	for (f[k++] = q; k < 6 && (q = memchr(q, ':', (size_t)(e - q))); f[k++] = ++q)
		;
	if (k < 6)
		return false;
	l = (size_t)(f[3] - f[2] - 1);
	snprintf(svc, svc_n, "%.*s", (int)l, f[2]);
	q = f[5];
	while (q < e && *q == '/')
		q++;
	for (l = 0; q + l < e && q[l] != '/' && q[l] != ':'; l++)
		;
	snprintf(kind, kind_n, "%.*s", (int)l, q);
	return true;
}

static char *
replace_arns(char *s, const char *arn)
{
	char svc[64], kind[96], s2[64], k2[96];
	size_t at = 0, n;
	char *q;

	if (!arn || !*arn || !arn_kind(arn, strlen(arn), svc, sizeof(svc), kind, sizeof(kind)))
		return s;
	while (s && (q = strstr(s + at, "arn:aws"))) {
		size_t i = (size_t)(q - s);

		for (n = 0; !delim(q[n]); n++)
			;
		if (arn_kind(q, n, s2, sizeof(s2), k2, sizeof(k2)) && strcmp(svc, s2) == 0 &&
		    strcmp(kind, k2) == 0 && strncmp(q, arn, n) != 0) {
			s = splice(s, i, n, arn);
			at = i + strlen(arn);
		} else {
			at = i + n;
		}
	}
	return s;
}

/* Lower-case words of a resource type's last part: "VPCEndpoint" ->
 * "vpc endpoint". */
static void
type_words(const char *type, char *out, size_t size)
{
	const char *t = strrchr(type ? type : "", ':');
	size_t o = 0;

	t = t ? t + 1 : type ? type : "";
	for (; *t && o + 2 < size; t++) {
		if (o && isupper((unsigned char)*t) &&
		    (islower((unsigned char)t[-1]) ||
		     (t[1] && islower((unsigned char)t[1]) && isupper((unsigned char)t[-1]))))
			out[o++] = ' ';
		out[o++] = (char)tolower((unsigned char)*t);
	}
	out[o] = '\0';
}

/* Does option "--a-b-id" name a resource of the type? One of its words is
 * one of the type's, or it is a plain --name, --id, --bucket, --cluster. */
static bool
names_type(const char *opt, size_t n, const char *words)
{
	static const char *const plain[] = {"name", "id", "bucket", "cluster"};
	static const char *const suffix[] = {"-id", "-ids", "-name", "-identifier", "-url"};
	const char *w = opt + 2, *e = opt + n;
	char word[48];
	size_t i, l;
	bool ok = false;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (n - 2 == strlen(plain[i]) && strncmp(w, plain[i], n - 2) == 0)
			return true;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		l = strlen(suffix[i]);
		ok = ok || (n > l + 2 && strncmp(e - l, suffix[i], l) == 0);
	}
	if (!ok)
		return false;
	while (w < e) {
		for (l = 0; w + l < e && w[l] != '-'; l++)
			;
		snprintf(word, sizeof(word), " %.*s ", (int)l, w);
		if (l > 1 && strcmp(word, " name ") != 0 && strcmp(word, " id ") != 0) {
			char padded[160];

			snprintf(padded, sizeof(padded), " %s ", words);
			if (strstr(padded, word))
				return true;
		}
		w += l + (w + l < e);
	}
	return false;
}

static bool
ends_with(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);

	return n >= l && strncmp(s + n - l, suf, l) == 0;
}

/* A value fit for a shell word: as it is, or single-quoted. */
static char *
shell_word(const char *v)
{
	struct core_buf b;
	const char *q;

	if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@+,%") ==
	    strlen(v))
		return core_strdup(v);
	core_buf_init(&b, 1 << 16);
	core_buf_addc(&b, '\'');
	for (q = v; *q; q++)
		if (*q == '\'')
			core_buf_adds(&b, "'\\''");
		else
			core_buf_addc(&b, *q);
	core_buf_addc(&b, '\'');
	return core_buf_take(&b);
}

/* Rule 4 over one command [start, end) of s. */
static char *
replace_options(char *s, size_t start, size_t end, const struct pdf_resource *r, size_t *grown)
{
	const char *slash = strrchr(r->id, '/');
	bool child = slash && r->name && *r->name && strcmp(slash + 1, r->name) == 0;
	bool done_id = false, done_name = false;
	char words[128], *parent = NULL;
	const char *val;
	size_t i = start, n, v, vl;
	const char *verb;

	*grown = 0;
	/* The verb: the third word ("aws ec2 VERB"). */
	for (verb = s + start, n = 0; n < 2 && verb < s + end; n++) {
		verb += strcspn(verb, " ");
		verb += strspn(verb, " ");
	}
	if (strncmp(verb, "create-", 7) == 0 || strncmp(verb, "register-", 9) == 0 ||
	    strncmp(verb, "request-", 8) == 0 || strncmp(verb, "import-", 7) == 0)
		return s;
	type_words(r->type, words, sizeof(words));
	if (child) {
		if (!(parent = core_strdup(r->id))) {
			free(s);
			return NULL;
		}
		parent[slash - r->id] = '\0';
	}
	while (i + 2 < end + *grown && !(done_id && (done_name || !child))) {
		const char *o = s + i;

		if (!(o[0] == '-' && o[1] == '-' && (i == start || o[-1] == ' '))) {
			i++;
			continue;
		}
		for (n = 2; !delim(o[n]); n++)
			;
		v = i + n;
		if (s[v] != ' ' && s[v] != '=') {
			i = v;
			continue;
		}
		v++;
		for (vl = 0; !delim(s[v + vl]) || s[v + vl] == '='; vl++)
			;
		if (vl == 0 || s[v] == '-' || s[v + vl] == '\'' || s[v + vl] == '"' ||
		    strncmp(s + v, "file://", 7) == 0 || ends_with(o, n, "-arn")) {
			i = v;
			continue;
		}
		val = NULL;
		if (child && !done_id && ends_with(o, n, "-id")) {
			val = parent;
			done_id = true;
		} else if (child && !done_name && ends_with(o, n, "-name") &&
			   names_type(o, n, words)) {
			val = r->name;
			done_name = true;
		} else if (!child && !done_id && names_type(o, n, words)) {
			bool by_name = ends_with(o, n, "-name") || ends_with(o, n, "--bucket") ||
				       ends_with(o, n, "--cluster");

			val = by_name && r->name && *r->name ? r->name : r->id;
			done_id = true;
		}
		if (val) {
			char *w = shell_word(val);
			size_t before = strlen(s);

			if (!w || !(s = splice(s, v, vl, w))) {
				free(w);
				free(parent);
				return NULL;
			}
			*grown += strlen(s) - before;
			vl = strlen(w);
			free(w);
		}
		i = v + vl;
	}
	free(parent);
	return s;
}

/* Length of an id-shaped word at s ("sg-" then 8 to 20 letters and digits,
 * one a digit), or 0; *pre gets the prefix's length with its dash. */
static size_t
shaped_at(const char *s, const char *start, size_t *pre)
{
	size_t p = 0, n;
	bool digit = false;

	if (s > start && (isalnum((unsigned char)s[-1]) || s[-1] == '-' || s[-1] == '<' ||
			  s[-1] == '_' || s[-1] == '.'))
		return 0;
	while (islower((unsigned char)s[p]))
		p++;
	if (p == 0 || p > 12 || s[p] != '-')
		return 0;
	for (n = 0; isalnum((unsigned char)s[p + 1 + n]); n++)
		digit = digit || isdigit((unsigned char)s[p + 1 + n]);
	if (n < 8 || n > 20 || !digit)
		return 0;
	if (!(delim(s[p + 1 + n]) || s[p + 1 + n] == '/' || s[p + 1 + n] == ':'))
		return 0;
	*pre = p + 1;
	return p + 1 + n;
}

/* Rule 3: words shaped like the resource's id, with its prefix, become it. */
static char *
replace_shaped(char *s, const char *id)
{
	size_t idp, pre, at = 0, n;

	if (shaped_at(id, id, &idp) != strlen(id))
		return s;
	while (s && s[at]) {
		n = shaped_at(s + at, s, &pre);
		if (n && pre == idp && strncmp(s + at, id, pre) == 0 &&
		    !(n == strlen(id) && strncmp(s + at, id, n) == 0)) {
			s = splice(s, at, n, id);
			at += strlen(id);
		} else {
			at += n ? n : 1;
		}
	}
	return s;
}

/* The first id of the prefix in text (the finding's reason and evidence),
 * into buf; false when there is none. */
static bool
related_id(const char *text, const char *prefix, size_t pre, char *buf, size_t size)
{
	const char *q;
	size_t n, p;

	for (q = text ? text : ""; *q; q++) {
		if (!(n = shaped_at(q, text, &p)) || p != pre || strncmp(q, prefix, pre) != 0)
			continue;
		snprintf(buf, size, "%.*s", (int)n, q);
		return true;
	}
	return false;
}

/* Is word (n bytes) in text, not as part of a longer word? */
static bool
in_text(const char *text, const char *word, size_t n)
{
	const char *q = text;

	while (q && (q = strstr(q, word))) {
		if (!isalnum((unsigned char)q[n]) && (q == text || !isalnum((unsigned char)q[-1])))
			return true;
		q++;
	}
	return false;
}

/* Rule 5 over the whole command: each example id keeps one replacement. */
#define MAX_EXAMPLES 16
static char *
replace_examples(char *s, const struct pdf_resource *r)
{
	char from[MAX_EXAMPLES][32], to[MAX_EXAMPLES][96], word[64], rep[96];
	size_t n_ex = 0, at = 0, n, pre, i;

	while (s && s[at]) {
		bool prefix_used = false;

		if (!(n = shaped_at(s + at, s, &pre)) || n >= sizeof(from[0])) {
			at++;
			continue;
		}
		snprintf(word, sizeof(word), "%.*s", (int)n, s + at);
		if (strcmp(word, r->id ? r->id : "") == 0 || in_text(r->context, word, n) ||
		    (r->arn && strstr(r->arn, word))) {
			at += n;
			continue;
		}
		for (i = 0; i < n_ex && strcmp(from[i], word) != 0; i++)
			prefix_used = prefix_used || strncmp(from[i], word, pre) == 0;
		if (i < n_ex) {
			snprintf(rep, sizeof(rep), "%s", to[i]);
		} else {
			if (prefix_used || !related_id(r->context, word, pre, rep, sizeof(rep)))
				snprintf(rep, sizeof(rep), "<%.*sid>", (int)pre, word);
			if (n_ex < MAX_EXAMPLES) {
				snprintf(from[n_ex], sizeof(from[0]), "%s", word);
				snprintf(to[n_ex++], sizeof(to[0]), "%s", rep);
			}
		}
		s = splice(s, at, n, rep);
		at += strlen(rep);
	}
	return s;
}

char *
pdf_command_for(const char *cli, const struct pdf_resource *r)
{
	char *s = core_strdup(cli ? cli : "");
	size_t i, start, grown;
	bool own = r->id && *r->id && strcmp(r->id, r->account ? r->account : "") != 0 &&
		   strcmp(r->id, r->region ? r->region : "") != 0;

	if (s)
		s = replace_word(s, EXAMPLE_ACCOUNT,
				 r->account && strlen(r->account) == 12 ? r->account
									: "<account-id>",
				 account_edge);
	if (s && r->region && strchr(r->region, '-') && strpbrk(r->region, "0123456789"))
		s = replace_word(s, EXAMPLE_REGION, r->region, region_edge);
	if (!own)
		return s ? replace_examples(s, r) : NULL;
	s = replace_arns(s, r->arn);
	if (s)
		s = replace_shaped(s, r->id);
	/* Rule 4, command by command: a command ends at a newline that is not
	 * escaped; comment lines are left alone. */
	for (i = start = 0; s; i++) {
		if (s[i] != '\n' && s[i] != '\0')
			continue;
		if (i > 0 && s[i] == '\n' && s[i - 1] == '\\')
			continue;
		if (s[start] != '#') {
			s = replace_options(s, start, i, r, &grown);
			i += grown;
		}
		if (!s || s[i] == '\0')
			break;
		start = i + 1;
	}
	return s ? replace_examples(s, r) : NULL;
}

/* ---- wrapping for a shell ------------------------------------------------ */

enum quote { Q_NONE, Q_SINGLE, Q_DOUBLE, Q_COMMENT };

/* Appends one source line of n bytes as lines of at most cols characters
 * (counting the indentation and reopened quote a continuation starts with)
 * that a shell joins back into it. */
static void
wrap_line(struct core_buf *b, const char *line, size_t n, size_t cols)
{
	enum quote q = Q_NONE, at_space = Q_NONE, st;
	size_t i, space, cut, avail = cols, lead;
	bool content;

	if (cols < 24)
		cols = avail = 24;
	while (n > avail) {
		space = 0;
		st = q;
		content = false;
		for (i = 0; i < avail - 2 && i < n; i++) {
			char c = line[i];

			/* A break needs a word before it on the line. */
			if ((st == Q_NONE || st == Q_COMMENT) && c == ' ' && content) {
				space = i;
				at_space = st;
			}
			content = content || c != ' ';
			if (st == Q_NONE && c == '\\') {
				i++;
				continue;
			}
			if (st == Q_NONE && c == '\'')
				st = Q_SINGLE;
			else if (st == Q_NONE && c == '"')
				st = Q_DOUBLE;
			else if (st == Q_NONE && c == '#' && (i == 0 || line[i - 1] == ' '))
				st = Q_COMMENT;
			else if ((st == Q_SINGLE && c == '\'') || (st == Q_DOUBLE && c == '"'))
				st = Q_NONE;
		}
		if (space > 0) { /* a break between words */
			core_buf_add(b, line, space);
			core_buf_adds(b, at_space == Q_COMMENT ? "\n# " : " \\\n    ");
			avail = cols - (at_space == Q_COMMENT ? 2 : 4);
			q = at_space;
			line += space;
			n -= space;
			while (n > 0 && *line == ' ') {
				line++;
				n--;
			}
			continue;
		}
		/* No space to break at: cut the word, keeping UTF-8 sequences and
		 * backslash escapes whole; the continuation starts in column 0
		 * (an indentation would split the word). */
		cut = avail - 3;
		while (cut > 1 && ((line[cut] & 0xc0) == 0x80 || line[cut - 1] == '\\'))
			cut--;
		st = q;
		for (i = 0; i < cut; i++) {
			if (st == Q_NONE && line[i] == '\'')
				st = Q_SINGLE;
			else if (st == Q_NONE && line[i] == '"')
				st = Q_DOUBLE;
			else if ((st == Q_SINGLE && line[i] == '\'') ||
				 (st == Q_DOUBLE && line[i] == '"'))
				st = Q_NONE;
		}
		core_buf_add(b, line, cut);
		lead = 1;
		if (st == Q_SINGLE)
			core_buf_adds(b, "'\\\n'");
		else if (st == Q_DOUBLE)
			core_buf_adds(b, "\"\\\n\"");
		else if (st == Q_COMMENT)
			core_buf_adds(b, "\n#");
		else
			lead = 0, core_buf_adds(b, "\\\n");
		avail = cols - lead;
		q = st;
		line += cut;
		n -= cut;
	}
	core_buf_add(b, line, n);
}

char *
pdf_command_wrap(const char *cmd, size_t cols)
{
	struct core_buf b;
	/* A word cut for the PDF leaves a command that says it is cut. */
	char *cut = pdf_cut_words(cmd ? cmd : "");
	const char *s = cut, *e;

	if (!cut)
		return NULL;
	core_buf_init(&b, (size_t)1 << 24);
	core_buf_add(&b, "", 0);
	for (;;) {
		e = s + strcspn(s, "\n");
		wrap_line(&b, s, (size_t)(e - s), cols);
		if (!*e)
			break;
		core_buf_addc(&b, '\n');
		s = e + 1;
	}
	free(cut);
	return core_buf_take(&b);
}
