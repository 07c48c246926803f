/*
 * Unit tests for src/core: the bounded buffer (limit, growth, printf, take),
 * the error message kept on the context (set, prefix, truncation, a message
 * built from the previous one), the log callback, and ISO 8601 time
 * formatting and parsing. Everything is reached through core_int.h, the
 * way the rest of the library uses it.
 */
#include "config.h"

#include "core/core_int.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>

/* ---- bounded buffer ---------------------------------------------------- */

static void
test_buf_empty(void)
{
	struct core_buf b;

	core_buf_init(&b, 16);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	core_buf_reset(&b); /* on an empty buffer: no crash */
	core_buf_release(&b);
	core_buf_release(&b); /* twice: still fine */
}

static void
test_buf_limit_exact(void)
{
	struct core_buf b;

	core_buf_init(&b, 10);
	CU_ASSERT_EQUAL(core_buf_add(&b, "0123456789", 10), ATTEST_OK);
	CU_ASSERT_EQUAL(b.len, 10);
	CU_ASSERT_STRING_EQUAL(b.data, "0123456789");
	/* One byte more is refused and the content is untouched. */
	CU_ASSERT_EQUAL(core_buf_addc(&b, 'x'), ATTEST_ERR_LIMIT);
	CU_ASSERT_EQUAL(core_buf_add(&b, "", 0), ATTEST_OK);
	CU_ASSERT_EQUAL(b.len, 10);
	CU_ASSERT_STRING_EQUAL(b.data, "0123456789");
	CU_ASSERT(b.cap <= 11);
	core_buf_release(&b);
}

static void
test_buf_limit_overflow(void)
{
	struct core_buf b;

	core_buf_init(&b, 8);
	CU_ASSERT_EQUAL(core_buf_adds(&b, "abc"), ATTEST_OK);
	/* A huge n must not wrap around the size check. */
	CU_ASSERT_EQUAL(core_buf_add(&b, "x", SIZE_MAX), ATTEST_ERR_LIMIT);
	CU_ASSERT_EQUAL(core_buf_add(&b, "x", SIZE_MAX - 2), ATTEST_ERR_LIMIT);
	CU_ASSERT_EQUAL(core_buf_adds(&b, "123456"), ATTEST_ERR_LIMIT);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT_STRING_EQUAL(b.data, "abc");
	core_buf_release(&b);
}

static void
test_buf_zero_max(void)
{
	struct core_buf b;

	core_buf_init(&b, 0);
	CU_ASSERT_EQUAL(core_buf_add(&b, "", 0), ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.data);
	CU_ASSERT_STRING_EQUAL(b.data, "");
	CU_ASSERT_EQUAL(core_buf_addc(&b, 'a'), ATTEST_ERR_LIMIT);
	core_buf_release(&b);
}

static void
test_buf_growth(void)
{
	struct core_buf b;
	size_t i;
	bool ok = true;

	core_buf_init(&b, 1u << 20);
	for (i = 0; i < 100000; i++)
		if (core_buf_addc(&b, (char)('a' + i % 26)) != ATTEST_OK)
			ok = false;
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(b.len, 100000);
	CU_ASSERT(b.cap > b.len);
	CU_ASSERT_EQUAL(strlen(b.data), 100000);
	for (i = 0; i < 100000 && ok; i++)
		if (b.data[i] != (char)('a' + i % 26))
			ok = false;
	CU_ASSERT(ok);
	core_buf_release(&b);
}

static void
test_buf_printf(void)
{
	struct core_buf b;

	core_buf_init(&b, 16);
	CU_ASSERT_EQUAL(core_buf_printf(&b, "%s=%d", "a", 42), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(b.data, "a=42");
	CU_ASSERT_EQUAL(core_buf_printf(&b, "%s", ""), ATTEST_OK);
	CU_ASSERT_EQUAL(core_buf_printf(&b, ",%05d", 7), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(b.data, "a=42,00007");
	CU_ASSERT_EQUAL(b.len, 10);
	/* 6 more fit exactly, the 7th does not and changes nothing. */
	CU_ASSERT_EQUAL(core_buf_printf(&b, "%s", "123456"), ATTEST_OK);
	CU_ASSERT_EQUAL(b.len, 16);
	CU_ASSERT_EQUAL(core_buf_printf(&b, "%c", 'z'), ATTEST_ERR_LIMIT);
	CU_ASSERT_STRING_EQUAL(b.data, "a=42,00007123456");
	core_buf_release(&b);
}

static void
test_buf_printf_empty(void)
{
	struct core_buf b;

	core_buf_init(&b, 4);
	CU_ASSERT_EQUAL(core_buf_printf(&b, "%s", ""), ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.data);
	CU_ASSERT_STRING_EQUAL(b.data, "");
	CU_ASSERT_EQUAL(core_buf_printf(&b, "%s", "12345"), ATTEST_ERR_LIMIT);
	CU_ASSERT_STRING_EQUAL(b.data, "");
	core_buf_release(&b);
}

static void
test_buf_take(void)
{
	struct core_buf b;
	char *p;

	core_buf_init(&b, 64);
	p = core_buf_take(&b); /* never grown: an empty string, not NULL */
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p, "");
	free(p);
	CU_ASSERT_EQUAL(core_buf_adds(&b, "hello"), ATTEST_OK);
	p = core_buf_take(&b);
	CU_ASSERT_STRING_EQUAL(p, "hello");
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(b.cap, 0);
	CU_ASSERT_EQUAL(b.max, 64);
	/* The buffer is reusable after take. */
	CU_ASSERT_EQUAL(core_buf_adds(&b, "again"), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(b.data, "again");
	free(p);
	core_buf_release(&b);
}

static void
test_buf_reset(void)
{
	struct core_buf b;

	core_buf_init(&b, 8);
	CU_ASSERT_EQUAL(core_buf_adds(&b, "12345678"), ATTEST_OK);
	core_buf_reset(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(b.data, "");
	/* After a reset the whole limit is available again. */
	CU_ASSERT_EQUAL(core_buf_adds(&b, "abcdefgh"), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(b.data, "abcdefgh");
	core_buf_release(&b);
}

/* ---- errors on the context --------------------------------------------- */

static void
test_error_basic(void)
{
	attest_ctx *ctx = attest_ctx_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx), "");
	CU_ASSERT_EQUAL(
		core_error(ctx, ATTEST_ERR_IO, "cannot open '%s': %s", "x.json", "no such file"),
		ATTEST_ERR_IO);
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx), "cannot open 'x.json': no such file");
	CU_ASSERT_EQUAL(core_nomem(ctx), ATTEST_ERR_NOMEM);
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx), "out of memory");
	attest_ctx_free(ctx);
	attest_ctx_free(NULL);
}

static void
test_error_null_ctx(void)
{
	CU_ASSERT_EQUAL(core_error(NULL, ATTEST_ERR_DB, "x"), ATTEST_ERR_DB);
	core_error_prefix(NULL, "y");
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(NULL), "no context");
}

static void
test_error_prefix(void)
{
	attest_ctx *ctx = attest_ctx_new();

	core_error(ctx, ATTEST_ERR_PARSE, "unexpected '%c'", '}');
	core_error_prefix(ctx, "cannot load '%s' at line %d", "inv.json", 3);
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx),
			       "cannot load 'inv.json' at line 3: unexpected '}'");
	core_error_prefix(ctx, "scan");
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx),
			       "scan: cannot load 'inv.json' at line 3: unexpected '}'");
	attest_ctx_free(ctx);
}

/* A message built from the current one (a common way to wrap an error)
 * must see the old text, not a half-overwritten buffer. */
static void
test_error_from_itself(void)
{
	attest_ctx *ctx = attest_ctx_new();

	core_error(ctx, ATTEST_ERR_DB, "disk I/O error");
	core_error(ctx, ATTEST_ERR_DB, "cannot save '%s': %s", "h.db", attest_ctx_errmsg(ctx));
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx), "cannot save 'h.db': disk I/O error");
	attest_ctx_free(ctx);
}

static void
test_error_truncation(void)
{
	attest_ctx *ctx = attest_ctx_new();
	char big[5000];
	const char *msg;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	core_error(ctx, ATTEST_ERR_INVALID, "%s", big);
	msg = attest_ctx_errmsg(ctx);
	CU_ASSERT(strlen(msg) > 1000 && strlen(msg) < sizeof(big) - 1);
	core_error_prefix(ctx, "%s", "pre");
	msg = attest_ctx_errmsg(ctx);
	CU_ASSERT_NSTRING_EQUAL(msg, "pre: aaa", 8);
	CU_ASSERT(strlen(msg) < sizeof(big) - 1);
	attest_ctx_free(ctx);
}

struct logged {
	int n;
	attest_log_level level;
	char msg[64];
};

static void
log_fn(void *data, attest_log_level level, const char *msg)
{
	struct logged *l = data;

	l->n++;
	l->level = level;
	snprintf(l->msg, sizeof(l->msg), "%s", msg);
}

static void
test_log(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct logged l = {0, ATTEST_LOG_ERROR, ""};

	core_log(ctx, ATTEST_LOG_WARN, "dropped %d", 1); /* no callback yet */
	attest_ctx_set_log(ctx, log_fn, &l);
	core_log(ctx, ATTEST_LOG_INFO, "evaluated %d of %d checks", 10, 20);
	CU_ASSERT_EQUAL(l.n, 1);
	CU_ASSERT_EQUAL(l.level, ATTEST_LOG_INFO);
	CU_ASSERT_STRING_EQUAL(l.msg, "evaluated 10 of 20 checks");
	/* Logging does not touch the error message. */
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx), "");
	attest_ctx_free(ctx);
}

static void
test_version(void)
{
	CU_ASSERT_STRING_EQUAL(attest_version(), PACKAGE_VERSION);
}

/* ---- time ----------------------------------------------------------------- */

static void
test_time_format(void)
{
	static const struct {
		time_t t;
		const char *iso;
	} cases[] = {
		{0, "1970-01-01T00:00:00Z"},
		{1717200000, "2024-06-01T00:00:00Z"},
		{1767323045, "2026-01-02T03:04:05Z"},
		{951782400, "2000-02-29T00:00:00Z"},
	};
	char out[21];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		core_time_iso(cases[i].t, out);
		CU_ASSERT_STRING_EQUAL(out, cases[i].iso);
	}
}

static void
test_time_parse(void)
{
	static const struct {
		const char *s;
		bool ok;
		time_t t;
	} cases[] = {
		{"2026-01-02T03:04:05Z", true, 1767323045},
		{"2026-01-02T03:04:05", true, 1767323045},
		{"2026-01-02T03:04:05+00:00", true, 1767323045},
		{"2026-01-02T03:04:05.123Z", true, 1767323045},
		{"2026-01-02T03:04:05.123456+00:00", true, 1767323045},
		{"2000-02-29T00:00:00Z", true, 951782400},
		{"1970-01-01T00:00:00Z", true, 0},
		{"2026-01-02T03:04:05+02:00", false, 0},
		{"2026-01-02T03:04:05Zjunk", false, 0},
		{"2026-01-02", false, 0},
		{"2026-13-01T00:00:00Z", false, 0},
		{"2026-01-02T25:00:00Z", false, 0},
		{"2026-02-30T00:00:00Z", false, 0}, /* no such day */
		{"2025-02-29T00:00:00Z", false, 0}, /* not a leap year */
		{"2026-04-31T12:00:00Z", false, 0},
		{"yesterday", false, 0},
		{"", false, 0},
	};
	size_t i;
	time_t t;
	bool ok;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = 12345;
		ok = core_time_parse(cases[i].s, &t);
		if (ok != cases[i].ok)
			fprintf(stderr, "\n  '%s': got %s\n", cases[i].s, ok ? "true" : "false");
		CU_ASSERT_EQUAL(ok, cases[i].ok);
		if (cases[i].ok) {
			CU_ASSERT_EQUAL(t, cases[i].t);
		} else {
			CU_ASSERT_EQUAL(t, 12345); /* untouched on failure */
		}
	}
	CU_ASSERT_FALSE(core_time_parse(NULL, &t));
}

static void
test_time_round_trip(void)
{
	time_t ts[] = {0, 86399, 1000000000, 1717200000, 4102444800};
	char out[21];
	time_t back;
	size_t i;

	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		core_time_iso(ts[i], out);
		CU_ASSERT_TRUE(core_time_parse(out, &back));
		CU_ASSERT_EQUAL(back, ts[i]);
	}
}

static void
test_strdup(void)
{
	char *s = core_strdup("abc");

	CU_ASSERT_STRING_EQUAL(s, "abc");
	free(s);
	CU_ASSERT_PTR_NULL(core_strdup(NULL));
}

static CU_TestInfo buf_tests[] = {
	{"empty buffer", test_buf_empty},
	{"limit reached exactly", test_buf_limit_exact},
	{"limit with huge sizes", test_buf_limit_overflow},
	{"limit of zero", test_buf_zero_max},
	{"growth", test_buf_growth},
	{"printf", test_buf_printf},
	{"printf of nothing", test_buf_printf_empty},
	{"take", test_buf_take},
	{"reset", test_buf_reset},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo ctx_tests[] = {
	{"error message", test_error_basic},
	{"no context", test_error_null_ctx},
	{"prefix", test_error_prefix},
	{"message built from itself", test_error_from_itself},
	{"truncation", test_error_truncation},
	{"log callback", test_log},
	{"version", test_version},
	{"strdup", test_strdup},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo time_tests[] = {
	{"format", test_time_format},
	{"parse", test_time_parse},
	{"round trip", test_time_round_trip},
	CU_TEST_INFO_NULL,
};

/* ---- terminal-safe text ----------------------------------------------- */

static void
expect_escape(const char *in, const char *want)
{
	char out[256];
	size_t n = attest_term_escape(in, out, sizeof(out));

	CU_ASSERT_STRING_EQUAL(out, want);
	CU_ASSERT_EQUAL(n, strlen(want));
}

static void
test_term_escape(void)
{
	expect_escape("plain text, caf\xc3\xa9", "plain text, caf\xc3\xa9");
	expect_escape("1\x1b]0;PWNED\x07\x1b[2J", "1\\x1B]0;PWNED\\x07\\x1B[2J");
	expect_escape("a\nb\rc\td", "a\\nb\\rc\\td");
	expect_escape("del\x7f", "del\\x7F");
	/* C1 CSI (U+009B), right-to-left override, isolates, separators */
	expect_escape("\xc2\x9b"
		      "31m",
		      "\\u{009B}31m");
	expect_escape("evil\xe2\x80\xaetxt.exe", "evil\\u{202E}txt.exe");
	expect_escape("\xe2\x81\xa6x\xe2\x81\xa9", "\\u{2066}x\\u{2069}");
	expect_escape("a\xe2\x80\xa8"
		      "b",
		      "a\\u{2028}b");
	/* malformed UTF-8: a lone continuation, an overlong NUL, a surrogate, a cut */
	expect_escape("\x80", "\\x80");
	expect_escape("\xc0\x80", "\\xC0\\x80");
	expect_escape("\xed\xa0\x80", "\\xED\\xA0\\x80");
	expect_escape("\xe2\x80", "\\xE2\\x80");
	expect_escape(NULL, "");
}

static void
test_term_escape_cut(void)
{
	char out[8];

	/* never inside an escape: "ab\x1B" does not fit in 7 bytes after "ab" */
	CU_ASSERT_EQUAL(attest_term_escape("ab\x1b"
					   "cd",
					   out, sizeof(out)),
			8);
	CU_ASSERT_STRING_EQUAL(out, "ab\\x1Bc");
	CU_ASSERT_EQUAL(attest_term_escape("abcdef\x1b", out, sizeof(out)), 10);
	CU_ASSERT_STRING_EQUAL(out, "abcdef");
	/* never inside a character */
	CU_ASSERT_EQUAL(attest_term_escape("abcde\xc3\xa9\xc3\xa9", out, 7), 9);
	CU_ASSERT_STRING_EQUAL(out, "abcde");
	CU_ASSERT_EQUAL(attest_term_escape("xyz", NULL, 0), 3);
}

/* Every byte value and every code point up to U+FFFF: nothing a terminal
 * acts on survives, and printable text passes unchanged. */
static void
test_term_escape_exhaustive(void)
{
	char in[8], out[64];
	unsigned cp;
	size_t i;

	for (cp = 1; cp < 0x10000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		if (cp < 0x80) {
			in[0] = (char)cp, in[1] = 0;
		} else if (cp < 0x800) {
			in[0] = (char)(0xC0 | (cp >> 6)), in[1] = (char)(0x80 | (cp & 0x3F));
			in[2] = 0;
		} else {
			in[0] = (char)(0xE0 | (cp >> 12));
			in[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			in[2] = (char)(0x80 | (cp & 0x3F)), in[3] = 0;
		}
		attest_term_escape(in, out, sizeof(out));
		for (i = 0; out[i]; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F)
				break;
		CU_ASSERT_EQUAL_FATAL(out[i], 0);
		if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp < 0x20 || cp == 0x7F)
			CU_ASSERT_EQUAL_FATAL(out[0], '\\');
		if (cp >= 0x20 && cp < 0x7F && cp != '\\')
			CU_ASSERT_STRING_EQUAL_FATAL(out, in);
	}
	for (cp = 0x80; cp < 0x100; cp++) { /* every lone high byte */
		in[0] = (char)cp, in[1] = 0;
		attest_term_escape(in, out, sizeof(out));
		CU_ASSERT_EQUAL_FATAL(out[0], '\\');
	}
}

static CU_TestInfo term_tests[] = {
	{"escapes", test_term_escape},
	{"cuts", test_term_escape_cut},
	{"every code point", test_term_escape_exhaustive},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"core: buffer", NULL, NULL, NULL, NULL, buf_tests},
		{"core: context", NULL, NULL, NULL, NULL, ctx_tests},
		{"core: time", NULL, NULL, NULL, NULL, time_tests},
		{"core: terminal text", NULL, NULL, NULL, NULL, term_tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
