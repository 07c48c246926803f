/*
 * Unit tests for the check engine's SQL functions (src/engine/sqlfn*.c).
 * Everything is exercised through SQL on an in-memory database, the way
 * checks use the functions: arguments are bound as parameters so each case
 * can give the exact SQLite type (TEXT, INTEGER, REAL, NULL), and most
 * cases are rows of a table run by one loop. The reference time is fixed
 * so date results are exact.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "harness.h"
#include "engine/sqlfn.h"

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2024-06-01T00:00:00Z, the scan's reference time. */
#define NOW ((time_t)1717200000)

static sqlite3 *db;

/* ---- values and the table-driven runner ------------------------------ */

enum kind { V_NULL, V_INT, V_REAL, V_TEXT, V_BLOB, V_ERROR };

struct val {
	enum kind kind;
	long long i;
	double r;
	const char *s;
};

#define N                                                                                          \
	{                                                                                          \
		V_NULL, 0, 0, NULL                                                                 \
	}
#define I(x)                                                                                       \
	{                                                                                          \
		V_INT, (x), 0, NULL                                                                \
	}
#define R(x)                                                                                       \
	{                                                                                          \
		V_REAL, 0, (x), NULL                                                               \
	}
#define T(x)                                                                                       \
	{                                                                                          \
		V_TEXT, 0, 0, (x)                                                                  \
	}
#define B(x)                                                                                       \
	{                                                                                          \
		V_BLOB, 0, 0, (x)                                                                  \
	}
#define ERR                                                                                        \
	{                                                                                          \
		V_ERROR, 0, 0, NULL                                                                \
	}

struct row {
	struct val want;
	struct val in[5];
	int line;
};

/* One case: the expected result, then the bound arguments ?1, ?2, ... */
#define CASE(want, ...)                                                                            \
	{                                                                                          \
		want, {__VA_ARGS__}, __LINE__                                                      \
	}

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

static void
describe(const struct val *v, char *buf, size_t n)
{
	switch (v->kind) {
	case V_NULL:
		snprintf(buf, n, "NULL");
		break;
	case V_INT:
		snprintf(buf, n, "%lld", v->i);
		break;
	case V_REAL:
		snprintf(buf, n, "%.9g", v->r);
		break;
	case V_TEXT:
		snprintf(buf, n, "'%.200s'", v->s);
		break;
	case V_BLOB:
		snprintf(buf, n, "X'..'");
		break;
	case V_ERROR:
		snprintf(buf, n, "error(%.200s)", v->s ? v->s : "");
		break;
	}
}

/*
 * Runs sql with args bound and stores column 0 of the first row in *got.
 * Text lands in textbuf, which must outlive *got.
 */
static void
eval(const char *sql, const struct val *args, struct val *got, char *textbuf, size_t textsz)
{
	sqlite3_stmt *st = NULL;
	int rc, k, nparams;

	memset(got, 0, sizeof(*got));
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		got->kind = V_ERROR;
		snprintf(textbuf, textsz, "%s", sqlite3_errmsg(db));
		got->s = textbuf;
		return;
	}
	nparams = sqlite3_bind_parameter_count(st);
	for (k = 0; args != NULL && k < nparams && k < 5; k++) {
		const struct val *a = &args[k];

		switch (a->kind) {
		case V_INT:
			sqlite3_bind_int64(st, k + 1, a->i);
			break;
		case V_REAL:
			sqlite3_bind_double(st, k + 1, a->r);
			break;
		case V_TEXT:
			sqlite3_bind_text(st, k + 1, a->s, -1, SQLITE_STATIC);
			break;
		case V_BLOB:
			sqlite3_bind_blob(st, k + 1, a->s, (int)strlen(a->s), SQLITE_STATIC);
			break;
		default:
			sqlite3_bind_null(st, k + 1);
			break;
		}
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		got->kind = V_ERROR;
		snprintf(textbuf, textsz, "%s", sqlite3_errmsg(db));
		got->s = textbuf;
		sqlite3_finalize(st);
		return;
	}
	switch (sqlite3_column_type(st, 0)) {
	case SQLITE_INTEGER:
		got->kind = V_INT;
		got->i = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_FLOAT:
		got->kind = V_REAL;
		got->r = sqlite3_column_double(st, 0);
		break;
	case SQLITE_TEXT:
		got->kind = V_TEXT;
		snprintf(textbuf, textsz, "%s", (const char *)sqlite3_column_text(st, 0));
		got->s = textbuf;
		break;
	case SQLITE_BLOB:
		got->kind = V_BLOB;
		break;
	default:
		got->kind = V_NULL;
		break;
	}
	sqlite3_finalize(st);
}

static int
same(const struct val *want, const struct val *got)
{
	if (want->kind != got->kind)
		return 0;
	switch (want->kind) {
	case V_INT:
		return want->i == got->i;
	case V_REAL:
		/* relative tolerance; no libm, the build links without -lm */
		return (want->r - got->r) * (want->r - got->r) <= 1e-18 * (1.0 + want->r * want->r);
	case V_TEXT:
		return strcmp(want->s, got->s) == 0;
	default:
		return 1; /* NULL; ERROR matches any error */
	}
}

/* Evaluates sql for one case and records a CUnit assertion with context. */
static void
check_case(const char *sql, const struct val *args, const struct val *want, int line)
{
	char text[8192], msg[2048], w[256], g[256], a[600];
	struct val got;
	size_t off = 0;
	int k, nargs = 0;
	const char *q;

	for (q = sql; (q = strchr(q, '?')) != NULL; q++)
		nargs++;
	eval(sql, args, &got, text, sizeof(text));
	if (same(want, &got)) {
		CU_assertImplementation(CU_TRUE, (unsigned)line, "ok", __FILE__, "", CU_FALSE);
		return;
	}
	a[0] = '\0';
	for (k = 0; args != NULL && k < nargs && k < 5 && off < sizeof(a); k++) {
		char d[256];

		describe(&args[k], d, sizeof(d));
		off += (size_t)snprintf(a + off, sizeof(a) - off, "%s%s", k ? ", " : "", d);
	}
	describe(want, w, sizeof(w));
	describe(&got, g, sizeof(g));
	snprintf(msg, sizeof(msg), "%.400s with (%s): got %s, want %s", sql, a, g, w);
	fprintf(stderr, "line %d: %s\n", line, msg);
	CU_assertImplementation(CU_FALSE, (unsigned)line, msg, __FILE__, "", CU_FALSE);
}

static void
run_rows(const char *sql, const struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_case(sql, rows[i].in, &rows[i].want, rows[i].line);
}

/* A literal SQL expression, no parameters. */
#define CHECK(sql, want)                                                                           \
	do {                                                                                       \
		const struct val w_ = want;                                                        \
		check_case(sql, NULL, &w_, __LINE__);                                              \
	} while (0)

static int
suite_init(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	return sqlfn_register(db, NOW) == SQLITE_OK ? 0 : -1;
}

static int
suite_clean(void)
{
	int rc = sqlite3_close(db);

	db = NULL;
	return rc == SQLITE_OK ? 0 : -1;
}

/* ---- registration ---------------------------------------------------- */

static void
test_registration(void)
{
	static const struct {
		const char *name;
		int narg;
	} fns[] = {
		{"cidr_contains", 2},
		{"cidr_is_world", 1},
		{"cidr_is_public", 1},
		{"port_in_rule", 5},
		{"ports_overlap", 4},
		{"iam_policy_is_admin", 1},
		{"iam_policy_allows", 3},
		{"iam_policy_public", 1},
		{"iam_policy_denies_insecure_transport", 1},
		{"url_decode", 1},
		{"days_since", 1},
		{"days_until", 1},
		{"json_as_array", 1},
		{"pattern_has_terms", 2},
		{"version_cmp", 2},
	};
	size_t i;

	for (i = 0; i < NROWS(fns); i++) {
		struct val args[2] = {T(fns[i].name), N};
		struct val want = I(fns[i].narg);
		struct val flags = I(SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS);

		check_case("SELECT min(narg) FROM pragma_function_list"
			   " WHERE name = ?1",
			   args, &want, __LINE__);
		check_case("SELECT min(flags & (2048 | 2097152))"
			   " FROM pragma_function_list WHERE name = ?1",
			   args, &flags, __LINE__);
	}
	/* The transport test also takes the resource ARN. */
	CHECK("SELECT count(*) FROM pragma_function_list WHERE name ="
	      " 'iam_policy_denies_insecure_transport' AND narg IN (1, 2)",
	      I(2));
	/* Wrong arity is a prepare-time error, not a silent NULL. */
	CHECK("SELECT cidr_contains('10.0.0.0/8')", ERR);
	CHECK("SELECT version_cmp('1', '2', '3')", ERR);
	CU_ASSERT_EQUAL(sqlfn_register(NULL, NOW), SQLITE_MISUSE);
}

static void
test_register_twice_and_per_connection_now(void)
{
	sqlite3 *other;
	sqlite3_stmt *st;

	/* Re-registering replaces the functions without error or leak. */
	CU_ASSERT_EQUAL(sqlfn_register(db, NOW), SQLITE_OK);
	CHECK("SELECT days_since('2024-05-31')", R(1.0));

	/* Each connection keeps its own reference time. */
	CU_ASSERT_FATAL(sqlite3_open(":memory:", &other) == SQLITE_OK);
	CU_ASSERT_EQUAL(sqlfn_register(other, NOW + 86400), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_prepare_v2(other, "SELECT days_since('2024-05-31')", -1, &st, NULL),
			SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
	CU_ASSERT_DOUBLE_EQUAL(sqlite3_column_double(st, 0), 2.0, 1e-9);
	sqlite3_finalize(st);
	sqlite3_close(other);
	CHECK("SELECT days_since('2024-05-31')", R(1.0));
}

static void
test_deterministic_use_in_index(void)
{
	/* Only deterministic functions are allowed in index expressions. */
	CU_ASSERT_EQUAL(
		sqlite3_exec(db,
			     "CREATE TABLE ix(c TEXT);"
			     "CREATE INDEX ix_world ON ix(cidr_is_world(c));"
			     "INSERT INTO ix VALUES ('0.0.0.0/0'), ('10.0.0.0/8'), ('junk');",
			     NULL, NULL, NULL),
		SQLITE_OK);
	CHECK("SELECT count(*) FROM ix WHERE cidr_is_world(c) = 1", I(1));
	CHECK("SELECT count(*) FROM ix WHERE cidr_is_world(c) IS NULL", I(1));
	sqlite3_exec(db, "DROP TABLE ix", NULL, NULL, NULL);
}

/* ---- CIDR ------------------------------------------------------------ */

static void
test_cidr_contains_ipv4(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("10.0.0.0/8"), T("10.1.2.3")),
		CASE(I(0), T("10.0.0.0/8"), T("11.0.0.1")),
		CASE(I(1), T("10.0.0.0/8"), T("10.0.0.0/8")),
		CASE(I(0), T("10.0.0.0/8"), T("10.0.0.0/7")),
		CASE(I(1), T("10.0.0.0/16"), T("10.0.255.0/24")),
		CASE(I(0), T("10.0.0.0/16"), T("10.1.0.0/24")),
		CASE(I(1), T("0.0.0.0/0"), T("1.2.3.4")),
		CASE(I(1), T("0.0.0.0/0"), T("0.0.0.0/0")),
		CASE(I(1), T("192.168.1.1"), T("192.168.1.1")),
		CASE(I(1), T("192.168.1.1"), T("192.168.1.1/32")),
		CASE(I(0), T("192.168.1.1"), T("192.168.1.2")),
		CASE(I(0), T("192.168.1.1"), T("192.168.1.0/24")),
		/* prefix not on a byte boundary */
		CASE(I(1), T("172.16.0.0/12"), T("172.31.255.255")),
		CASE(I(0), T("172.16.0.0/12"), T("172.32.0.0")),
		CASE(I(1), T("100.64.0.0/10"), T("100.127.0.0/16")),
		CASE(I(0), T("100.64.0.0/10"), T("100.128.0.0/16")),
		/* host bits below the prefix are ignored */
		CASE(I(1), T("10.0.0.1/8"), T("10.200.0.0/16")),
		/* surrounding whitespace is tolerated */
		CASE(I(1), T(" 10.0.0.0/8\t"), T("10.0.0.1 ")),
	};

	run_rows("SELECT cidr_contains(?1, ?2)", rows, NROWS(rows));
}

static void
test_cidr_contains_ipv6_and_mixed(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("2001:db8::/32"), T("2001:db8:1::1")),
		CASE(I(0), T("2001:db8::/32"), T("2001:db9::1")),
		CASE(I(1), T("::/0"), T("2001:db8::1")),
		CASE(I(1), T("fe80::/10"), T("febf::1")),
		CASE(I(0), T("fe80::/10"), T("fec0::1")),
		CASE(I(1), T("2001:db8::1"), T("2001:DB8:0:0::1")),
		CASE(I(1), T("2001:db8::1"), T("2001:db8::1/128")),
		CASE(I(0), T("2001:db8::/48"), T("2001:db8::/32")),
		CASE(I(1), T("2001:db8::/48"), T("2001:db8:0:ff00::/56")),
		/* families never mix, not even IPv4-mapped addresses */
		CASE(I(0), T("0.0.0.0/0"), T("::1")),
		CASE(I(0), T("::/0"), T("10.0.0.1")),
		CASE(I(0), T("::ffff:0:0/96"), T("10.0.0.1")),
		CASE(I(0), T("10.0.0.0/8"), T("::ffff:10.0.0.1")),
	};

	run_rows("SELECT cidr_contains(?1, ?2)", rows, NROWS(rows));
}

static void
test_cidr_invalid(void)
{
	static const char *bad[] = {
		"foo",
		"",
		" ",
		"10.0.0.0/33",
		"10.0.0.0/",
		"/8",
		"10.0.0/8",
		"10.0.0.0/8/8",
		"10.0.0.0/+8",
		"10.0.0.0/ 8",
		"10.0.0.0/-1",
		"10.0.0.0/0008",
		"::/129",
		"fe80::1%eth0",
		"256.0.0.1",
		"1.2.3.4.5",
		"2001:db8:::1",
		"10.0.0.0 /8",
	};
	size_t i;

	for (i = 0; i < NROWS(bad); i++) {
		struct val a1[2] = {T(bad[i]), T("10.0.0.1")};
		struct val a2[2] = {T("10.0.0.0/8"), T(bad[i])};
		struct val a3[1] = {T(bad[i])};
		struct val null = N;

		check_case("SELECT cidr_contains(?1, ?2)", a1, &null, __LINE__);
		check_case("SELECT cidr_contains(?1, ?2)", a2, &null, __LINE__);
		check_case("SELECT cidr_is_world(?1)", a3, &null, __LINE__);
		check_case("SELECT cidr_is_public(?1)", a3, &null, __LINE__);
	}
	CHECK("SELECT cidr_contains(NULL, '10.0.0.1')", N);
	CHECK("SELECT cidr_contains('10.0.0.0/8', NULL)", N);
	CHECK("SELECT cidr_contains(10, '10.0.0.1')", N);
	CHECK("SELECT cidr_contains(X'31302e302e302e302f38', '10.0.0.1')", N);
	CHECK("SELECT cidr_is_world(NULL)", N);
	CHECK("SELECT cidr_is_public(NULL)", N);
	/* leading zeros in the prefix are fine, just no more than 3 digits */
	CHECK("SELECT cidr_contains('10.0.0.0/08', '10.9.9.9')", I(1));
}

static void
test_cidr_is_world(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("0.0.0.0/0")),
		CASE(I(1), T("::/0")),
		CASE(I(1), T("10.0.0.0/0")), /* host bits ignored */
		CASE(I(0), T("0.0.0.0")),    /* bare address is /32 */
		CASE(I(0), T("1.2.3.4/32")),
		CASE(I(0), T("::")),
		/* public ranges of /8 or wider (IPv4), /32 or wider (IPv6) */
		CASE(I(1), T("0.0.0.0/1")),
		CASE(I(1), T("128.0.0.0/1")),
		CASE(I(1), T("64.0.0.0/2")),
		CASE(I(1), T("11.0.0.0/8")),
		CASE(I(0), T("11.0.0.0/9")),
		CASE(I(0), T("203.0.113.0/24")),
		CASE(I(1), T("::/1")),
		CASE(I(1), T("2000::/3")),
		CASE(I(1), T("2001:db8::/32")),
		CASE(I(0), T("2001:db8::/33")),
		/* wide but private or special: not the world */
		CASE(I(0), T("10.0.0.0/8")),
		CASE(I(0), T("127.0.0.0/8")),
		CASE(I(0), T("0.0.0.0/8")),
		CASE(I(0), T("fc00::/7")),
	};

	run_rows("SELECT cidr_is_world(?1)", rows, NROWS(rows));
}

static void
test_cidr_is_public_ipv4(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("0.0.0.0/0")),      CASE(I(0), T("10.1.0.0/16")),
		CASE(I(1), T("8.8.8.8/32")),     CASE(I(1), T("8.8.8.8")),
		CASE(I(0), T("10.0.0.0/8")),     CASE(I(1), T("10.0.0.0/7")), /* also covers 11/8 */
		CASE(I(0), T("172.16.0.0/12")),  CASE(I(0), T("172.31.0.1")),
		CASE(I(1), T("172.16.0.0/11")),  CASE(I(1), T("172.32.0.1")),
		CASE(I(0), T("192.168.0.0/16")), CASE(I(1), T("192.169.0.0/16")),
		CASE(I(0), T("127.0.0.1")),      CASE(I(0), T("169.254.169.254/32")),
		CASE(I(0), T("100.64.0.0/10")),  CASE(I(0), T("100.100.100.200")),
		CASE(I(1), T("100.128.0.0/10")), CASE(I(0), T("0.0.0.0/8")),
		CASE(I(1), T("0.0.0.0/7")),      CASE(I(1), T("11.0.0.0/8")),
		CASE(I(1), T("203.0.113.0/24")),
	};

	run_rows("SELECT cidr_is_public(?1)", rows, NROWS(rows));
}

static void
test_cidr_is_public_ipv6(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("::/0")),      CASE(I(0), T("fd00::/8")),    CASE(I(0), T("fc00::/7")),
		CASE(I(1), T("fc00::/6")),  CASE(I(0), T("::1")),         CASE(I(0), T("::1/128")),
		CASE(I(1), T("::/127")), /* includes :: as well as ::1 */
		CASE(I(0), T("fe80::1")),   CASE(I(0), T("fe80::/10")),   CASE(I(1), T("fe80::/9")),
		CASE(I(1), T("2600::/12")), CASE(I(1), T("2001:db8::1")),
	};

	run_rows("SELECT cidr_is_public(?1)", rows, NROWS(rows));
}

/* ---- ports ----------------------------------------------------------- */

static void
test_port_in_rule_basic(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("tcp"), I(22), I(22), T("tcp"), I(22)),
		CASE(I(1), T("tcp"), I(20), I(25), T("tcp"), I(22)),
		CASE(I(1), T("tcp"), I(20), I(25), T("tcp"), I(20)),
		CASE(I(1), T("tcp"), I(20), I(25), T("tcp"), I(25)),
		CASE(I(0), T("tcp"), I(20), I(25), T("tcp"), I(26)),
		CASE(I(0), T("tcp"), I(20), I(25), T("tcp"), I(19)),
		CASE(I(0), T("tcp"), I(22), I(22), T("udp"), I(22)),
		CASE(I(0), T("udp"), I(53), I(53), T("tcp"), I(53)),
		CASE(I(1), T("udp"), I(53), I(53), T("udp"), I(53)),
		/* protocol numbers, as text or integer, and any case */
		CASE(I(1), T("6"), I(22), I(22), T("tcp"), I(22)),
		CASE(I(1), I(6), I(22), I(22), T("6"), I(22)),
		CASE(I(1), T("TCP"), I(22), I(22), T("Tcp"), I(22)),
		CASE(I(1), T("17"), I(53), I(53), T("udp"), I(53)),
		CASE(I(1), T("udp"), I(0), I(65535), T("17"), I(53)),
		CASE(I(0), T("17"), I(0), I(65535), T("6"), I(53)),
		/* ports as text or integral reals, as json_extract may give */
		CASE(I(1), T("tcp"), T("20"), T("25"), T("tcp"), T("22")),
		CASE(I(1), T("tcp"), R(20.0), R(25.0), T("tcp"), R(22.0)),
	};

	run_rows("SELECT port_in_rule(?1, ?2, ?3, ?4, ?5)", rows, NROWS(rows));
}

static void
test_port_in_rule_all_and_open_bounds(void)
{
	static const struct row rows[] = {
		/* all traffic exposes everything; its port fields are ignored */
		CASE(I(1), T("-1"), N, N, T("tcp"), I(3389)),
		CASE(I(1), I(-1), N, N, T("udp"), I(161)),
		CASE(I(1), T("all"), N, N, T("udp"), I(1)),
		CASE(I(1), T("ALL"), I(-1), I(-1), T("tcp"), I(0)),
		CASE(I(1), T("-1"), I(5), I(2), T("tcp"), I(65535)),
		/* tcp/udp with NULL or -1 bounds: all ports */
		CASE(I(1), T("tcp"), N, N, T("tcp"), I(22)),
		CASE(I(1), T("tcp"), I(-1), I(-1), T("tcp"), I(22)),
		CASE(I(1), T("udp"), N, N, T("udp"), I(65535)),
		CASE(I(1), T("tcp"), N, I(1000), T("tcp"), I(22)),
		CASE(I(0), T("tcp"), I(1024), N, T("tcp"), I(22)),
		CASE(I(1), T("tcp"), I(1024), I(-1), T("tcp"), I(8080)),
		CASE(I(0), T("tcp"), N, N, T("udp"), I(22)),
	};

	run_rows("SELECT port_in_rule(?1, ?2, ?3, ?4, ?5)", rows, NROWS(rows));
}

static void
test_port_in_rule_icmp_and_invalid(void)
{
	static const struct row rows[] = {
		/* icmp and other protocols expose no tcp/udp port */
		CASE(I(0), T("icmp"), I(-1), I(-1), T("tcp"), I(22)),
		CASE(I(0), T("1"), I(8), I(-1), T("tcp"), I(8)),
		CASE(I(0), T("icmpv6"), I(-1), I(-1), T("udp"), I(53)),
		CASE(I(0), T("58"), I(-1), I(-1), T("tcp"), I(22)),
		CASE(I(0), T("50"), N, N, T("tcp"), I(22)),
		/* invalid input */
		CASE(N, T("bogus"), I(22), I(22), T("tcp"), I(22)),
		CASE(N, T(""), I(22), I(22), T("tcp"), I(22)),
		CASE(N, T("256"), I(22), I(22), T("tcp"), I(22)),
		CASE(N, T("-2"), I(22), I(22), T("tcp"), I(22)),
		CASE(N, T("tcp"), I(22), I(22), T("icmp"), I(22)),
		CASE(N, T("tcp"), I(22), I(22), T("all"), I(22)),
		CASE(N, T("tcp"), I(22), I(22), T("sctp"), I(22)),
		CASE(N, T("tcp"), I(22), I(22), T("tcp"), I(70000)),
		CASE(N, T("tcp"), I(22), I(22), T("tcp"), I(-1)),
		CASE(N, T("tcp"), I(22), I(22), T("tcp"), R(22.5)),
		CASE(N, T("tcp"), I(22), I(22), T("tcp"), T("ssh")),
		CASE(N, T("tcp"), I(25), I(20), T("tcp"), I(22)),
		CASE(N, T("tcp"), I(22), I(70000), T("tcp"), I(22)),
		CASE(N, T("tcp"), I(-5), I(22), T("tcp"), I(22)),
		CASE(N, T("tcp"), T("x"), I(22), T("tcp"), I(22)),
		CASE(N, T("tcp"), B("22"), I(22), T("tcp"), I(22)),
		/* NULL protocol or port: NULL */
		CASE(N, N, I(22), I(22), T("tcp"), I(22)),
		CASE(N, T("tcp"), I(22), I(22), N, I(22)),
		CASE(N, T("tcp"), I(22), I(22), T("tcp"), N),
	};

	run_rows("SELECT port_in_rule(?1, ?2, ?3, ?4, ?5)", rows, NROWS(rows));
}

static void
test_ports_overlap(void)
{
	static const struct row rows[] = {
		CASE(I(1), I(20), I(25), I(22), I(22)),
		CASE(I(0), I(20), I(25), I(26), I(30)),
		CASE(I(1), I(20), I(25), I(25), I(30)), /* inclusive */
		CASE(I(1), I(25), I(30), I(20), I(25)),
		CASE(I(1), I(0), I(65535), I(443), I(443)),
		CASE(I(0), I(0), I(0), I(1), I(1)),
		CASE(I(1), N, N, I(22), I(22)),
		CASE(I(1), I(-1), I(-1), I(443), I(443)),
		CASE(I(0), I(1024), N, I(80), I(80)),
		CASE(I(1), N, I(1023), I(1023), N),
		CASE(I(1), N, N, N, N),
		CASE(I(1), T("20"), T("25"), T("22"), T("22")),
		CASE(N, I(25), I(20), I(1), I(2)),
		CASE(N, I(0), I(70000), I(1), I(2)),
		CASE(N, T("a"), I(10), I(1), I(2)),
		CASE(N, I(1), I(2), R(1.5), I(2)),
	};

	run_rows("SELECT ports_overlap(?1, ?2, ?3, ?4)", rows, NROWS(rows));
}

/* ---- IAM ------------------------------------------------------------- */

#define ADMIN_DOC                                                                                  \
	"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","                         \
	"\"Action\":\"*\",\"Resource\":\"*\"}}"

static void
test_iam_is_admin(void)
{
	static const struct row rows[] = {
		CASE(I(1), T(ADMIN_DOC)),
		CASE(I(1), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
			     "\"s3:*\",\"Resource\":\"*\"},{\"Effect\":\"Allow\","
			     "\"Action\":\"*\",\"Resource\":\"*\"}]}")),
		CASE(I(1), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
			     "[\"s3:*\",\"*\"],\"Resource\":[\"arn:aws:s3:::x\","
			     "\"*\"]}]}")),
		CASE(I(1), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
			     "\"*:*\",\"Resource\":\"*\"}]}")),
		/* pretty-printed with whitespace and a Sid */
		CASE(I(1), T("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n"
			     "    {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": "
			     "[\"*\"], \"Resource\": [\"*\"]}\n  ]\n}\n")),
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
			     "\"s3:*\",\"Resource\":\"*\"}]}")),
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
			     "\"*\",\"Resource\":\"arn:aws:s3:::bucket/*\"}]}")),
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":"
			     "\"*\",\"Resource\":\"*\"}]}")),
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
			     "\"*\",\"NotResource\":\"arn:aws:s3:::x\"}]}")),
		/* the Effect value is case-sensitive, as in IAM */
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"allow\",\"Action\":"
			     "\"*\",\"Resource\":\"*\"}]}")),
		CASE(I(0), T("{\"Version\":\"2012-10-17\"}")),
		CASE(I(0), T("{\"Statement\":[]}")),
		CASE(I(0), T("{\"Statement\":null}")),
		/* non-object statements are skipped, not fatal */
		CASE(I(1), T("{\"Statement\":[\"junk\",42,{\"Effect\":\"Allow\","
			     "\"Action\":\"*\",\"Resource\":\"*\"}]}")),
	};

	run_rows("SELECT iam_policy_is_admin(?1)", rows, NROWS(rows));
}

static void
test_iam_is_admin_notaction(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":"
			     "[\"iam:*\",\"organizations:*\"],\"Resource\":\"*\"}]}")),
		CASE(I(1), T("{\"Statement\":{\"Effect\":\"Allow\",\"NotAction\":"
			     "\"iam:*\",\"Resource\":[\"*\"]}}")),
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":"
			     "\"iam:*\",\"Resource\":\"arn:aws:s3:::b\"}]}")),
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":"
			     "\"iam:*\",\"Resource\":\"*\"}]}")),
		/* NotAction "*" grants nothing */
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":"
			     "\"*\",\"Resource\":\"*\"}]}")),
	};

	run_rows("SELECT iam_policy_is_admin(?1)", rows, NROWS(rows));
}

static void
test_iam_url_encoded(void)
{
	static const struct row rows[] = {
		/* as AWS Config stores it */
		CASE(I(1), T("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement"
			     "%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action"
			     "%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D")),
		/* form encoding: '+' for spaces, lower-case hex */
		CASE(I(1), T("%7b%22Statement%22%3a+%7b%22Effect%22%3a+%22Allow"
			     "%22%2c+%22Action%22%3a+%22*%22%2c+%22Resource%22%3a"
			     "+%22*%22%7d%7d")),
		CASE(I(1), T("  %7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow"
			     "%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22"
			     "*%22%7D%7D")),
		CASE(I(0), T("%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22"
			     "%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A"
			     "%22*%22%7D%7D")),
		/* broken escapes or a broken document inside */
		CASE(N, T("%7B%22Statement%22%3A%zz")),
		CASE(N, T("%7B%22Statement%22%3A")),
		CASE(N, T("%7B%00%7D")),
	};

	run_rows("SELECT iam_policy_is_admin(?1)", rows, NROWS(rows));
	CHECK("SELECT iam_policy_allows('%7B%22Statement%22%3A%7B%22Effect%22"
	      "%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet*%22%2C%22Resource"
	      "%22%3A%22*%22%7D%7D', 's3:GetObject', 'arn:aws:s3:::b/k')",
	      I(1));
}

static void
test_iam_invalid_documents(void)
{
	static const char *fns[] = {
		"SELECT iam_policy_is_admin(?1)",
		"SELECT iam_policy_public(?1)",
		"SELECT iam_policy_denies_insecure_transport(?1)",
		"SELECT iam_policy_allows(?1, 's3:GetObject', '*')",
	};
	static const struct row rows[] = {
		CASE(N, N),
		CASE(N, T("")),
		CASE(N, T("not json")),
		CASE(N, T("{\"Statement\":")),
		CASE(N, T("[1,2]")),
		CASE(N, T("\"string\"")),
		CASE(N, T("{\"Statement\":\"Allow\"}")),
		CASE(N, T("{\"Statement\":42}")),
		CASE(N, T("{} trailing")),
		CASE(N, I(42)),
		CASE(N, B("{}")),
		CASE(N, T("%")),
	};
	size_t i;

	for (i = 0; i < NROWS(fns); i++)
		run_rows(fns[i], rows, NROWS(rows));
}

#define ALLOWS_DOC                                                                                 \
	"{\"Statement\":["                                                                         \
	"{\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\",\"s3:List*\"],"                             \
	"\"Resource\":\"arn:aws:s3:::logs/*\"},"                                                   \
	"{\"Effect\":\"Allow\",\"Action\":\"ec2:Describe?nstances\","                              \
	"\"Resource\":\"*\"},"                                                                     \
	"{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\","                                        \
	"\"Resource\":\"arn:aws:s3:::logs/secret\"},"                                              \
	"{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\","                                        \
	"\"Resource\":\"arn:aws:kms:*:111122223333:key/*\","                                       \
	"\"Condition\":{\"StringEquals\":{\"kms:ViaService\":\"s3.amazonaws.com\"}}}"              \
	"]}"

static void
test_iam_allows_wildcards(void)
{
	static const struct row rows[] = {
		CASE(I(1), T(ALLOWS_DOC), T("s3:GetObject"), T("arn:aws:s3:::logs/a.txt")),
		CASE(I(1), T(ALLOWS_DOC), T("s3:ListBucket"), T("arn:aws:s3:::logs/")),
		/* actions are case-insensitive, resources are not */
		CASE(I(1), T(ALLOWS_DOC), T("S3:GETOBJECT"), T("arn:aws:s3:::logs/a")),
		CASE(I(0), T(ALLOWS_DOC), T("s3:GetObject"), T("arn:aws:s3:::LOGS/a")),
		CASE(I(0), T(ALLOWS_DOC), T("s3:PutObject"), T("arn:aws:s3:::logs/a")),
		CASE(I(0), T(ALLOWS_DOC), T("s3:GetObject"), T("arn:aws:s3:::other/x")),
		CASE(I(0), T(ALLOWS_DOC), T("s3:GetObject"), T("arn:aws:s3:::logs")),
		/* '?' is exactly one character */
		CASE(I(1), T(ALLOWS_DOC), T("ec2:DescribeInstances"), T("*")),
		CASE(I(1), T(ALLOWS_DOC), T("ec2:Describe1nstances"), T("anything")),
		CASE(I(0), T(ALLOWS_DOC), T("ec2:Describenstances"), T("x")),
		CASE(I(0), T(ALLOWS_DOC), T("ec2:DescribeXXnstances"), T("x")),
		/* wildcards inside an ARN; conditions are ignored */
		CASE(I(1), T(ALLOWS_DOC), T("kms:Decrypt"),
		     T("arn:aws:kms:eu-west-1:111122223333:key/abcd")),
		CASE(I(0), T(ALLOWS_DOC), T("kms:Decrypt"),
		     T("arn:aws:kms:eu-west-1:444455556666:key/abcd")),
		/* Deny statements are not subtracted */
		CASE(I(1), T(ALLOWS_DOC), T("s3:GetObject"), T("arn:aws:s3:::logs/secret")),
		CASE(I(1), T(ADMIN_DOC), T("iam:CreateUser"), T("arn:aws:iam::1:user/x")),
		/* a statement without Resource/NotResource grants nothing */
		CASE(I(0), T("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\"}}"),
		     T("s3:GetObject"), T("*")),
		CASE(I(0), T("{\"Statement\":{\"Effect\":\"Allow\",\"Resource\":\"*\"}}"),
		     T("s3:GetObject"), T("*")),
		/* a pathological pattern still answers (no exponential blowup) */
		CASE(I(0),
		     T("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":"
		       "\"a*a*a*a*a*a*a*a*a*a*a*a*b\",\"Resource\":\"*\"}}"),
		     T("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), T("x")),
		CASE(I(1),
		     T("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":"
		       "\"s3:**Object\",\"Resource\":\"*\"}}"),
		     T("s3:GetObject"), T("x")),
		/* NULL action or resource: NULL */
		CASE(N, T(ALLOWS_DOC), N, T("*")),
		CASE(N, T(ALLOWS_DOC), T("s3:GetObject"), N),
	};

	run_rows("SELECT iam_policy_allows(?1, ?2, ?3)", rows, NROWS(rows));
}

#define NOT_DOC                                                                                    \
	"{\"Statement\":{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\","                           \
	"\"organizations:*\"],\"NotResource\":\"arn:aws:s3:::private*\"}}"

static void
test_iam_allows_notaction_notresource(void)
{
	static const struct row rows[] = {
		CASE(I(1), T(NOT_DOC), T("s3:GetObject"), T("arn:aws:s3:::public/x")),
		CASE(I(0), T(NOT_DOC), T("iam:CreateUser"), T("*")),
		CASE(I(0), T(NOT_DOC), T("IAM:CreateUser"), T("x")),
		CASE(I(0), T(NOT_DOC), T("organizations:LeaveOrganization"), T("x")),
		CASE(I(0), T(NOT_DOC), T("s3:GetObject"), T("arn:aws:s3:::private-bucket/x")),
		CASE(I(1), T(NOT_DOC), T("ec2:RunInstances"), T("*")),
	};

	run_rows("SELECT iam_policy_allows(?1, ?2, ?3)", rows, NROWS(rows));
}

static void
test_iam_public(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
			     "\"*\",\"Action\":\"s3:GetObject\",\"Resource\":"
			     "\"arn:aws:s3:::b/*\"}]}")),
		CASE(I(1), T("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
			     "{\"AWS\":\"*\"},\"Action\":\"sqs:*\"}}")),
		CASE(I(1), T("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
			     "{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"*\"]},"
			     "\"Action\":\"sqs:*\"}}")),
		CASE(I(0), T("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
			     "{\"AWS\":\"arn:aws:iam::111122223333:root\"},"
			     "\"Action\":\"sqs:*\"}}")),
		CASE(I(0), T("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
			     "{\"Service\":\"cloudtrail.amazonaws.com\"},"
			     "\"Action\":\"s3:PutObject\"}}")),
		CASE(I(0), T("{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":"
			     "\"*\",\"Action\":\"s3:*\"}}")),
		/* identity policies have no principal */
		CASE(I(0), T(ADMIN_DOC)),
		/* Allow with NotPrincipal: everybody but the listed ones */
		CASE(I(1), T("{\"Statement\":{\"Effect\":\"Allow\",\"NotPrincipal\":"
			     "{\"AWS\":\"arn:aws:iam::111122223333:root\"},"
			     "\"Action\":\"s3:*\"}}")),
		/* one public statement among others is enough */
		CASE(I(1), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
			     "{\"AWS\":\"arn:aws:iam::1:root\"},\"Action\":\"s3:*\"},"
			     "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
			     "\"s3:GetObject\"}]}")),
	};

	run_rows("SELECT iam_policy_public(?1)", rows, NROWS(rows));
}

static void
test_iam_public_conditions(void)
{
	static const struct row rows[] = {
		CASE(I(0), T("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
			     "\"*\",\"Action\":\"s3:*\",\"Condition\":{\"StringEquals\":"
			     "{\"aws:SourceVpc\":\"vpc-123\"}}}}")),
		CASE(I(0), T("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
			     "{\"AWS\":\"*\"},\"Action\":\"sqs:*\",\"Condition\":"
			     "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-1\"}}}}")),
		/* an empty or null Condition restricts nothing */
		CASE(I(1), T("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
			     "\"*\",\"Action\":\"s3:*\",\"Condition\":{}}}")),
		CASE(I(1), T("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":"
			     "\"*\",\"Action\":\"s3:*\",\"Condition\":null}}")),
		CASE(I(1), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
			     "\"*\",\"Action\":\"s3:*\",\"Condition\":{\"Bool\":"
			     "{\"aws:SecureTransport\":\"true\"}}},{\"Effect\":"
			     "\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:List*\"}]}")),
	};

	run_rows("SELECT iam_policy_public(?1)", rows, NROWS(rows));
}

/* An Allow to everybody on s3:GetObject under the given Condition. */
#define OPEN_IF(cond)                                                                              \
	"{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\","                                \
	"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\","                           \
	"\"Condition\":" cond "}}"
/* An unconditioned Allow on s3:GetObject to the given Principal. */
#define ALLOW_TO(principal)                                                                        \
	"{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":" principal ","                        \
	"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}}"

static void
test_iam_public_caller_conditions(void)
{
	static const struct row rows[] = {
		/* conditions that do not say who calls leave it public */
		CASE(I(1), T(OPEN_IF("{\"Bool\":{\"aws:SecureTransport\":\"true\"}}"))),
		CASE(I(1), T(OPEN_IF("{\"StringLike\":{\"s3:prefix\":\"home/\"}}"))),
		CASE(I(1), T(OPEN_IF("\"junk\""))),
		/* caller keys with a positive operator and fixed values */
		CASE(I(0), T(OPEN_IF("{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1a\"}}"))),
		CASE(I(0),
		     T(OPEN_IF("{\"StringEquals\":{\"aws:SourceAccount\":\"111122223333\"}}"))),
		CASE(I(0), T(OPEN_IF("{\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::src\"}}"))),
		CASE(I(0), T(OPEN_IF("{\"ArnEquals\":{\"aws:PrincipalArn\":"
				     "\"arn:aws:iam::111122223333:role/app\"}}"))),
		CASE(I(0), T(OPEN_IF("{\"ForAnyValue:StringLike\":{\"aws:PrincipalOrgPaths\":"
				     "[\"o-a1/r-b2/ou-c3/*\"]}}"))),
		CASE(I(0),
		     T(OPEN_IF("{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\"}}"))),
		CASE(I(0), T(OPEN_IF("{\"Bool\":{\"aws:SecureTransport\":\"true\"},"
				     "\"StringEquals\":{\"aws:SourceVpc\":\"vpc-1\"}}"))),
		/* IfExists, Not and ForAllValues forms let others in */
		CASE(I(1),
		     T(OPEN_IF("{\"StringEqualsIfExists\":{\"aws:SourceVpce\":\"vpce-1a\"}}"))),
		CASE(I(1), T(OPEN_IF("{\"StringNotEquals\":{\"aws:SourceVpce\":\"vpce-1a\"}}"))),
		CASE(I(1), T(OPEN_IF("{\"ForAllValues:StringLike\":{\"aws:PrincipalOrgPaths\":"
				     "[\"o-a1/*\"]}}"))),
		/* values that match anybody */
		CASE(I(1), T(OPEN_IF("{\"StringLike\":{\"aws:PrincipalOrgID\":\"*\"}}"))),
		CASE(I(1), T(OPEN_IF("{\"StringLike\":{\"aws:SourceAccount\":[\"1\",\"**\"]}}"))),
		CASE(I(1), T(OPEN_IF("{\"StringEquals\":{\"aws:PrincipalOrgID\":[]}}"))),
		CASE(I(1), T(OPEN_IF("{\"StringEquals\":{\"aws:PrincipalOrgID\":"
				     "\"${aws:PrincipalOrgID}\"}}"))),
		CASE(I(1), T(OPEN_IF("{\"ArnLike\":{\"aws:PrincipalArn\":"
				     "\"arn:aws:iam::*:role/app\"}}"))),
		/* source addresses: narrower than /8 restricts, wider is public */
		CASE(I(0), T(OPEN_IF("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}"))),
		CASE(I(0), T(OPEN_IF("{\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\","
				     "\"2001:db8::/48\"]}}"))),
		CASE(I(1), T(OPEN_IF("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}"))),
		CASE(I(1), T(OPEN_IF("{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\","
				     "\"0.0.0.0/1\"]}}"))),
		CASE(I(1), T(OPEN_IF("{\"IpAddress\":{\"aws:SourceIp\":\"not-a-cidr\"}}"))),
		CASE(I(1), T(OPEN_IF("{\"NotIpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}"))),
		CASE(I(1), T(OPEN_IF("{\"StringEquals\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}"))),
		/* NotPrincipal is narrowed the same way */
		CASE(I(0), T("{\"Statement\":{\"Effect\":\"Allow\",\"NotPrincipal\":"
			     "{\"AWS\":\"arn:aws:iam::1:root\"},\"Action\":\"s3:*\","
			     "\"Condition\":{\"StringEquals\":{\"aws:SourceVpc\":\"vpc-1\"}}}}")),
	};

	run_rows("SELECT iam_policy_public(?1)", rows, NROWS(rows));
}

static void
test_iam_public_wildcard_principals(void)
{
	static const struct row rows[] = {
		CASE(I(1), T(ALLOW_TO("{\"AWS\":\"arn:aws:iam::*:root\"}"))),
		CASE(I(1), T(ALLOW_TO("{\"AWS\":\"arn:aws:iam::11112222333?:root\"}"))),
		CASE(I(1), T(ALLOW_TO("{\"AWS\":[\"arn:aws:iam::1:root\","
				      "\"arn:aws-cn:iam::*:user/x\"]}"))),
		CASE(I(1), T(ALLOW_TO("{\"AWS\":\"1111*\"}"))),
		CASE(I(1), T(ALLOW_TO("{\"CanonicalUser\":\"*\"}"))),
		CASE(I(1), T(ALLOW_TO("{\"Service\":\"s3.amazonaws.com\",\"AWS\":[\"*\"]}"))),
		/* a wildcard after the account field stays within the account */
		CASE(I(0), T(ALLOW_TO("{\"AWS\":\"arn:aws:iam::111122223333:role/*\"}"))),
		CASE(I(0), T(ALLOW_TO("{\"AWS\":\"111122223333\"}"))),
		CASE(I(0), T(ALLOW_TO("{\"CanonicalUser\":\"79a59df900b949e5\"}"))),
		CASE(I(0), T(ALLOW_TO("\"arn:aws:iam::*:root\""))),
	};

	run_rows("SELECT iam_policy_public(?1)", rows, NROWS(rows));
}

/* A Deny statement around a given Principal, Action and Condition. */
#define DENY_STMT(principal, action, cond)                                                         \
	"{\"Sid\":\"AllowSSLRequestsOnly\",\"Effect\":\"Deny\",\"Principal\":" principal           \
	",\"Action\":" action ",\"Resource\":[\"arn:aws:s3:::b\","                                 \
	"\"arn:aws:s3:::b/*\"],\"Condition\":" cond "}"
#define SECURE_FALSE "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"

static void
test_iam_denies_insecure_transport(void)
{
	static const struct row rows[] = {
		CASE(I(1), T("{\"Version\":\"2012-10-17\",\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"", SECURE_FALSE) "]}")),
		CASE(I(1), T("{\"Statement\":" DENY_STMT("\"*\"", "\"s3:*\"", SECURE_FALSE) "}")),
		CASE(I(1), T("{\"Statement\":[" DENY_STMT(
				   "{\"AWS\":\"*\"}", "\"*\"",
				   "{\"Bool\":{\"aws:SecureTransport\":false}}") "]}")),
		CASE(I(1), T("{\"Statement\":[" DENY_STMT(
				   "{\"AWS\":[\"*\"]}", "[\"s3:*\"]",
				   "{\"Bool\":{\"aws:SecureTransport\":[\"false\"]}}") "]}")),
		CASE(I(1), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"S3:*\"",
				   "{\"Bool\":{\"AWS:SECURETRANSPORT\":\"False\"}}") "]}")),
		CASE(I(1), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"NumericLessThan\":{\"s3:TlsVersion\":\"1.2\"}}") "]}")),
		CASE(I(1), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"NumericLessThan\":{\"s3:TlsVersion\":1.2}}") "]}")),
		CASE(I(1), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"NumericLessThan\":{\"s3:TlsVersion\":\"1.3\"}}") "]}")),
		CASE(I(1),
		     T("{\"Statement\":[" DENY_STMT(
			     "\"*\"", "\"s3:*\"",
			     "{\"NumericLessThan\":{\"s3:TlsVersion\":[\"1.0\",\"1.2\"]}}") "]}")),
		CASE(I(1), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"BoolIfExists\":{\"aws:SecureTransport\":\"false\"}}") "]}")),
		/* the deny may sit among allow statements */
		CASE(I(1), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
			     "{\"AWS\":\"arn:aws:iam::1:root\"},\"Action\":\"s3:*\"}," DENY_STMT(
				     "\"*\"", "\"s3:*\"", SECURE_FALSE) "]}")),
		/* URL-encoded form */
		CASE(I(1), T("%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Deny%22"
			     "%2C%22Principal%22%3A%22*%22%2C%22Action%22%3A%22s3%3A"
			     "*%22%2C%22Condition%22%3A%7B%22Bool%22%3A%7B%22aws%3A"
			     "SecureTransport%22%3A%22false%22%7D%7D%7D%5D%7D")),
	};

	run_rows("SELECT iam_policy_denies_insecure_transport(?1)", rows, NROWS(rows));
}

static void
test_iam_denies_insecure_transport_negative(void)
{
	static const struct row rows[] = {
		/* Allow instead of Deny */
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
			     "\"*\",\"Action\":\"s3:*\",\"Condition\":" SECURE_FALSE "}]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"Bool\":{\"aws:SecureTransport\":\"true\"}}") "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT("\"*\"", "\"s3:GetObject\"",
							  SECURE_FALSE) "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT("{\"AWS\":\"arn:aws:iam::1:root\"}",
							  "\"s3:*\"", SECURE_FALSE) "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"NumericLessThan\":{\"s3:TlsVersion\":\"1.0\"}}") "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"NumericLessThan\":{\"s3:TlsVersion\":\"1.15\"}}") "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"NumericLessThan\":{\"s3:TlsVersion\":\"1.2x\"}}") "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"NumericGreaterThan\":{\"s3:TlsVersion\":\"1.2\"}}") "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"StringEquals\":{\"aws:SecureTransport\":\"false\"}}") "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT("\"*\"", "\"s3:*\"", "{}") "]}")),
		CASE(I(0), T("{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":"
			     "\"*\",\"Action\":\"s3:*\"}]}")),
		CASE(I(0), T("{\"Statement\":[]}")),
		/* any other test beside the TLS one narrows the deny */
		CASE(I(0), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"Bool\":{\"aws:SecureTransport\":\"false\"},"
				   "\"StringNotEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}") "]}")),
		CASE(I(0),
		     T("{\"Statement\":[" DENY_STMT("\"*\"", "\"s3:*\"",
						    "{\"Bool\":{\"aws:SecureTransport\":\"false\","
						    "\"aws:ViaAWSService\":\"false\"}}") "]}")),
		CASE(I(0), T("{\"Statement\":[" DENY_STMT(
				   "\"*\"", "\"s3:*\"",
				   "{\"Bool\":{\"aws:SecureTransport\":\"false\"},"
				   "\"NumericLessThan\":{\"s3:TlsVersion\":\"1.2\"}}") "]}")),
		CASE(I(0),
		     T("{\"Statement\":[" DENY_STMT("\"*\"", "\"s3:*\"",
						    "{\"Bool\":[\"aws:SecureTransport\"]}") "]}")),
	};

	run_rows("SELECT iam_policy_denies_insecure_transport(?1)", rows, NROWS(rows));
}

/* A TLS deny for everybody on the given Action and Resource field. */
#define DENY_ON(action, resource)                                                                  \
	"{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","                                \
	"\"Action\":" action "," resource ",\"Condition\":" SECURE_FALSE "}]}"

static void
test_iam_denies_insecure_transport_resource(void)
{
	static const struct row rows[] = {
		/* a bucket: the bucket ARN and all its objects */
		CASE(I(1),
		     T(DENY_ON("\"s3:*\"", "\"Resource\":[\"arn:aws:s3:::b\","
					   "\"arn:aws:s3:::b/*\"]")),
		     T("arn:aws:s3:::b")),
		CASE(I(1), T(DENY_ON("\"s3:*\"", "\"Resource\":\"*\"")), T("arn:aws:s3:::b")),
		CASE(I(1), T(DENY_ON("\"*\"", "\"Resource\":\"arn:aws:s3:::b*\"")),
		     T("arn:aws:s3:::b")),
		CASE(I(1), T(DENY_ON("\"s3:*\"", "\"NotResource\":\"arn:aws:s3:::c\"")),
		     T("arn:aws:s3:::b")),
		CASE(I(1), T(DENY_ON("\"s3:*\"", "\"Resource\":\"arn:aws-cn:s3:::b*\"")),
		     T("arn:aws-cn:s3:::b")),
		CASE(I(0),
		     T(DENY_ON("\"s3:*\"", "\"Resource\":[\"arn:aws:s3:::b\","
					   "\"arn:aws:s3:::b/*\"]")),
		     T("arn:aws:s3:::other")),
		CASE(I(0), T(DENY_ON("\"s3:*\"", "\"Resource\":\"arn:aws:s3:::b/*\"")),
		     T("arn:aws:s3:::b")),
		CASE(I(0), T(DENY_ON("\"s3:*\"", "\"Resource\":\"arn:aws:s3:::b\"")),
		     T("arn:aws:s3:::b")),
		CASE(I(0),
		     T(DENY_ON("\"s3:*\"", "\"Resource\":[\"arn:aws:s3:::b\","
					   "\"arn:aws:s3:::b/private/*\"]")),
		     T("arn:aws:s3:::b")),
		CASE(I(0), T(DENY_ON("\"s3:*\"", "\"NotResource\":\"arn:aws:s3:::b/k\"")),
		     T("arn:aws:s3:::b")),
		CASE(I(0), T(DENY_ON("\"s3:*\"", "\"NotResource\":\"arn:aws:s3:::*/public/*\"")),
		     T("arn:aws:s3:::b")),
		CASE(I(0), T(DENY_ON("\"s3:*\"", "\"NotResource\":\"arn:aws:s3:::b\"")),
		     T("arn:aws:s3:::b")),
		CASE(I(1), T(DENY_ON("\"s3:*\"", "\"NotResource\":\"arn:aws:s3:::c/*\"")),
		     T("arn:aws:s3:::b")),
		CASE(I(0), T(DENY_ON("\"s3:*\"", "\"Sid\":\"no-resource\"")), T("arn:aws:s3:::b")),
		/* a queue or topic: the ARN itself, and that service's actions */
		CASE(I(1),
		     T(DENY_ON("\"sqs:*\"", "\"Resource\":"
					    "\"arn:aws:sqs:us-east-1:111122223333:q\"")),
		     T("arn:aws:sqs:us-east-1:111122223333:q")),
		CASE(I(1), T(DENY_ON("\"*\"", "\"Resource\":\"*\"")),
		     T("arn:aws:sns:us-east-1:111122223333:t")),
		CASE(I(0), T(DENY_ON("\"s3:*\"", "\"Resource\":\"*\"")),
		     T("arn:aws:sqs:us-east-1:111122223333:q")),
		CASE(I(0),
		     T(DENY_ON("\"sqs:*\"", "\"Resource\":"
					    "\"arn:aws:sqs:us-east-1:111122223333:other\"")),
		     T("arn:aws:sqs:us-east-1:111122223333:q")),
		/* an unreadable ARN or document: NULL */
		CASE(N, T(DENY_ON("\"s3:*\"", "\"Resource\":\"*\"")), N),
		CASE(N, T(DENY_ON("\"s3:*\"", "\"Resource\":\"*\"")), T("b")),
		CASE(N, T(DENY_ON("\"s3:*\"", "\"Resource\":\"*\"")), T("arn:aws::x")),
		CASE(N, T(DENY_ON("\"s3:*\"", "\"Resource\":\"*\"")), I(42)),
		CASE(N, T("not json"), T("arn:aws:s3:::b")),
	};

	run_rows("SELECT iam_policy_denies_insecure_transport(?1, ?2)", rows, NROWS(rows));
}

/* ---- url_decode ------------------------------------------------------ */

static void
test_url_decode(void)
{
	static const struct row rows[] = {
		CASE(T("a b"), T("a%20b")),
		CASE(T("a b"), T("a+b")),
		CASE(T("a+b"), T("a%2Bb")),
		CASE(T("{\"x\":1}"), T("%7B%22x%22%3A1%7D")),
		CASE(T("{\"x\":1}"), T("%7b%22x%22%3a1%7d")),
		CASE(T("\xe2\x82\xac"), T("%e2%82%ac")),
		CASE(T("\xf0\x9f\x98\x80"), T("%F0%9F%98%80")),
		CASE(T("caf\xc3\xa9"), T("caf\xc3\xa9")), /* raw UTF-8 passes */
		CASE(T(""), T("")),
		CASE(T("plain"), T("plain")),
		CASE(T("42"), I(42)),
		CASE(N, N),
	};

	run_rows("SELECT url_decode(?1)", rows, NROWS(rows));
}

static void
test_url_decode_invalid(void)
{
	static const struct row rows[] = {
		CASE(N, T("%")),
		CASE(N, T("abc%")),
		CASE(N, T("%2")),
		CASE(N, T("%zz")),
		CASE(N, T("%2g")),
		CASE(N, T("%00")),          /* NUL cannot live in SQL text */
		CASE(N, T("%ff")),          /* not UTF-8 */
		CASE(N, T("%c3")),          /* truncated sequence */
		CASE(N, T("%c0%80")),       /* overlong */
		CASE(N, T("%e0%80%80")),    /* overlong */
		CASE(N, T("%ed%a0%80")),    /* surrogate */
		CASE(N, T("%f4%90%80%80")), /* above U+10FFFF */
		CASE(N, T("%80")),          /* lone continuation */
	};

	run_rows("SELECT url_decode(?1)", rows, NROWS(rows));
}

/* ---- days_since / days_until ------------------------------------------ */

static void
test_days_since_formats(void)
{
	static const struct row rows[] = {
		CASE(R(0.0), T("2024-06-01T00:00:00Z")),
		CASE(R(1.0), T("2024-05-31T00:00:00Z")),
		CASE(R(0.5), T("2024-05-31T12:00:00Z")),
		CASE(R(0.5), T("2024-05-31t12:00:00z")),
		CASE(R((43200 - 0.123) / 86400.0), T("2024-05-31T12:00:00.123Z")),
		CASE(R((43200 - 0.123456789) / 86400.0), T("2024-05-31T12:00:00.123456789Z")),
		CASE(R(0.5), T("2024-05-31T12:00:00+00:00")),
		/* 12:00+02:00 is 10:00Z, 14 hours before the reference */
		CASE(R(14 / 24.0), T("2024-05-31T12:00:00.000+02:00")),
		CASE(R(10.5 / 24.0), T("2024-05-31T12:00:00-0130")),
		CASE(R(10 / 24.0), T("2024-05-31T12:00:00-02")),
		CASE(R(0.5), T("2024-05-31 12:00:00")),
		CASE(R(0.25), T("2024-05-31T18:00Z")),
		CASE(R(151.0), T("2024-01-02")),
		CASE(R(151.0 - (3 * 3600 + 4 * 60 + 5) / 86400.0), T("2024-01-02T03:04:05Z")),
		CASE(R(93.0), T("2024-02-29")), /* leap day */
		CASE(R(365.0 + 151.0), T("2023-01-02")),
		CASE(R(-10.0), T("2024-06-11")), /* in the future */
		CASE(R(1.0), T("  2024-05-31  ")),
		CASE(R(19875.0), T("1970-01-01")),
		/* a leap second is carried into the next minute */
		CASE(R(1.0 - 60 / 86400.0), T("2024-05-31T00:00:60Z")),
	};

	run_rows("SELECT days_since(?1)", rows, NROWS(rows));
}

static void
test_days_since_epoch_numbers(void)
{
	static const struct row rows[] = {
		CASE(R(0.0), I(1717200000)),
		CASE(R(1.0), I(1717200000 - 86400)),
		CASE(R(0.5), R(1717200000.0 - 43200)),
		CASE(R(-2.0), I(1717200000 + 2 * 86400)),
		CASE(R(19875.0), I(0)),
		CASE(N, R(INFINITY)),
	};

	run_rows("SELECT days_since(?1)", rows, NROWS(rows));
	/* NaN cannot be bound as such (SQLite stores it as NULL) */
	CHECK("SELECT days_since(1e999)", N);
	CHECK("SELECT typeof(days_since(1717200000))", T("real"));
}

static void
test_days_since_invalid(void)
{
	static const char *bad[] = {
		"N/A",
		"no_information",
		"not_supported",
		"",
		" ",
		"2023-02-29",
		"2024-13-01",
		"2024-00-10",
		"2024-01-32",
		"2024-04-31",
		"2024-01-02T25:00:00Z",
		"2024-01-02T23:60:00Z",
		"2024-01-02T23:59:61Z",
		"2024-01-02T03:04:05+",
		"2024-01-02T03:04:05+02:",
		"2024-01-02T03:04:05+2",
		"2024-01-02T03:04:05Zjunk",
		"24-01-02",
		"2024/01/02",
		"2024-01-02T",
		"2024-01-02T03",
		"2024-01-02T03:04:05.Z",
		"2024-1-2",
		"20240102",
		"2024-01-02X03:04:05",
		"2024-01-02T03:04:5Z",
		"2024-01-02T03:04:05+24:00",
		"1717200000",
	};
	size_t i;

	for (i = 0; i < NROWS(bad); i++) {
		struct val arg[1] = {T(bad[i])};
		struct val null = N;

		check_case("SELECT days_since(?1)", arg, &null, __LINE__);
		check_case("SELECT days_until(?1)", arg, &null, __LINE__);
	}
	CHECK("SELECT days_since(NULL)", N);
	CHECK("SELECT days_until(NULL)", N);
	CHECK("SELECT days_since(X'323032342d30312d3032')", N);
}

static void
test_days_until(void)
{
	static const struct row rows[] = {
		CASE(R(10.0), T("2024-06-11")),
		CASE(R(-1.0), T("2024-05-31T00:00:00Z")),
		CASE(R(0.5), T("2024-06-01T12:00:00Z")),
		CASE(R(-14 / 24.0), T("2024-05-31T12:00:00.000+02:00")),
		CASE(R(1.0), I(1717200000 + 86400)),
		CASE(R(0.0), T("2024-06-01")),
	};

	run_rows("SELECT days_until(?1)", rows, NROWS(rows));
	/* no negative zero leaking into reports */
	CHECK("SELECT printf('%.1f', days_until('2024-06-01'))", T("0.0"));
	CHECK("SELECT days_until('2024-06-11') = -days_since('2024-06-11')", I(1));
}

/* ---- json_as_array --------------------------------------------------- */

static void
test_json_as_array(void)
{
	static const struct row rows[] = {
		CASE(T("[]"), N),
		CASE(T("[1,2]"), T("[1,2]")),
		CASE(T("[ 1 , \"a\" ]"), T("[ 1 , \"a\" ]")), /* unchanged */
		CASE(T("[]"), T("[]")),
		CASE(T("[{\"a\":1}]"), T("{\"a\":1}")),
		CASE(T("[ {\"a\": [1]} ]"), T(" {\"a\": [1]} ")),
		CASE(T("[\"s3:*\"]"), T("s3:*")),
		CASE(T("[\"\"]"), T("")),
		CASE(T("[\"true\"]"), T("true")),
		CASE(T("[\"42\"]"), T("42")), /* text stays text */
		CASE(T("[\"[not json\"]"), T("[not json")),
		CASE(T("[\"{\\\"a\\\":}\"]"), T("{\"a\":}")),
		CASE(T("[\"say \\\"hi\\\" \\\\ \\n\\t\\u0001\"]"), T("say \"hi\" \\ \n\t\x01")),
		CASE(T("[\"caf\xc3\xa9\"]"), T("caf\xc3\xa9")),
		CASE(T("[42]"), I(42)),
		CASE(T("[-7]"), I(-7)),
		CASE(T("[1.5]"), R(1.5)),
		CASE(T("[2.0]"), R(2.0)),
		CASE(T("[0.1]"), R(0.1)),
		CASE(T("[1e+300]"), R(1e300)),
		CASE(N, B("x")),
		CASE(N, R(INFINITY)),
		/* JSON grammar edge cases: valid ones stay JSON ... */
		CASE(T("[{\"a\":[1,-2.5e-3,true,false,null,\"\\u00e9\\n\"],\"b\":{}}]"),
		     T("{\"a\":[1,-2.5e-3,true,false,null,\"\\u00e9\\n\"],\"b\":{}}")),
		CASE(T("[[[]],{}]"), T("[[[]],{}]")),
		/* ... almost-JSON becomes a string */
		CASE(T("[\"[1,]\"]"), T("[1,]")),
		CASE(T("[\"{\\\"a\\\" 1}\"]"), T("{\"a\" 1}")),
		CASE(T("[\"[01]\"]"), T("[01]")),
		CASE(T("[\"[1.]\"]"), T("[1.]")),
		CASE(T("[\"[1e]\"]"), T("[1e]")),
		CASE(T("[\"[tru]\"]"), T("[tru]")),
		CASE(T("[\"[1] [2]\"]"), T("[1] [2]")),
		CASE(T("[\"[\\\"\\\\x\\\"]\"]"), T("[\"\\x\"]")),
		CASE(T("[\"{1:2}\"]"), T("{1:2}")),
		CASE(T("[\"[}\"]"), T("[}")),
	};

	run_rows("SELECT json_as_array(?1)", rows, NROWS(rows));
	/* nesting: 500 levels are JSON, 600 are treated as plain text */
	CHECK("SELECT json_as_array(printf('%.500c%.500c', '[', ']')) = "
	      "printf('%.500c%.500c', '[', ']')",
	      I(1));
	CHECK("SELECT json_as_array(printf('%.600c%.600c', '[', ']')) = "
	      "json_array(printf('%.600c%.600c', '[', ']'))",
	      I(1));
	/* invalid UTF-8 text cannot become a JSON string */
	CHECK("SELECT json_as_array(CAST(X'ff' AS TEXT))", N);
	/* every result is valid JSON */
	CHECK("SELECT json_valid(json_as_array('a\"b\\c'))", I(1));
	CHECK("SELECT json_valid(json_as_array(0.30000000000000004))", I(1));
	CHECK("SELECT json_as_array(0.30000000000000004)", T("[0.30000000000000004]"));
}

static void
test_json_as_array_subtype_and_json_each(void)
{
	/* the JSON subtype makes SQLite's JSON functions embed, not quote */
	CHECK("SELECT json_array(json_as_array('x'))", T("[[\"x\"]]"));
	CHECK("SELECT json_array(json_as_array(NULL))", T("[[]]"));
	CHECK("SELECT json_object('a', json_as_array('{\"b\":1}'))", T("{\"a\":[{\"b\":1}]}"));
	/* Statement as object or array, Action as string or array */
	CHECK("SELECT count(*) FROM json_each(json_as_array(json_extract("
	      "'{\"Statement\":{\"Effect\":\"Allow\"}}', '$.Statement')))",
	      I(1));
	CHECK("SELECT count(*) FROM json_each(json_as_array(json_extract("
	      "'{\"Statement\":[{\"Effect\":\"Allow\"},{\"Effect\":\"Deny\"}]}',"
	      " '$.Statement')))",
	      I(2));
	CHECK("SELECT group_concat(value, ',') FROM json_each(json_as_array("
	      "json_extract('{\"Action\":\"s3:*\"}', '$.Action')))",
	      T("s3:*"));
	CHECK("SELECT group_concat(value, ',') FROM json_each(json_as_array("
	      "json_extract('{\"Action\":[\"a\",\"b\"]}', '$.Action')))",
	      T("a,b"));
	CHECK("SELECT json_extract(value, '$.Effect') FROM json_each("
	      "json_as_array(json_extract('{\"Statement\":{\"Effect\":\"Deny\"}}',"
	      " '$.Statement')))",
	      T("Deny"));
	CHECK("SELECT count(*) FROM json_each(json_as_array(json_extract("
	      "'{}', '$.Missing')))",
	      I(0));
}

/* ---- pattern_has_terms ----------------------------------------------- */

#define UNAUTH_PATTERN                                                                             \
	"{ ($.errorCode = \"*UnauthorizedOperation\") || "                                         \
	"($.errorCode = \"AccessDenied*\") }"

static void
test_pattern_has_terms(void)
{
	static const struct row rows[] = {
		CASE(I(1), T(UNAUTH_PATTERN),
		     T("[\"$.errorCode=\\\"*UnauthorizedOperation\\\"\","
		       "\"$.errorCode=\\\"AccessDenied*\\\"\"]")),
		/* single vs double quotes, spacing, no braces */
		CASE(I(1),
		     T("($.errorCode='*UnauthorizedOperation')||"
		       "($.errorCode =  'AccessDenied*')"),
		     T("[\"$.errorCode=\\\"*UnauthorizedOperation\\\"\","
		       "\"$.errorCode = 'AccessDenied*'\"]")),
		CASE(I(1),
		     T("{\n\t$.eventName = ConsoleLogin &&\n"
		       "\t$.additionalEventData.MFAUsed != \"Yes\"\n}"),
		     T("[\"$.eventName=ConsoleLogin\","
		       "\"$.additionalEventData.MFAUsed!=\\\"Yes\\\"\"]")),
		CASE(I(1), T(UNAUTH_PATTERN), T("[]")),
		CASE(I(1), T(UNAUTH_PATTERN), T("[\"\"]")),
		CASE(I(1), T(UNAUTH_PATTERN),
		     T("[\"($.errorCode=\\\"*UnauthorizedOperation\\\")||\"]")),
		/* a missing term */
		CASE(I(0), T(UNAUTH_PATTERN),
		     T("[\"$.errorCode=\\\"*UnauthorizedOperation\\\"\","
		       "\"$.sourceIPAddress!=\\\"delivery.logs.amazonaws.com\\\"\"]")),
		/* values compare case-sensitively */
		CASE(I(0), T(UNAUTH_PATTERN), T("[\"$.errorCode=\\\"accessdenied*\\\"\"]")),
		/* only the outer braces are dropped */
		CASE(I(1), T("{ $.a = 1 }"), T("[\"$.a=1\"]")),
		CASE(I(0), T("{ $.a = 1 }"), T("[\"{$.a=1}\"]")),
		CASE(I(0), T(""), T("[\"$.a=1\"]")),
		CASE(I(1), T(""), T("[]")),
	};

	run_rows("SELECT pattern_has_terms(?1, ?2)", rows, NROWS(rows));
}

static void
test_pattern_has_terms_invalid(void)
{
	static const struct row rows[] = {
		CASE(N, T(UNAUTH_PATTERN), T("\"$.errorCode\"")),
		CASE(N, T(UNAUTH_PATTERN), T("{}")),
		CASE(N, T(UNAUTH_PATTERN), T("[1]")),
		CASE(N, T(UNAUTH_PATTERN), T("[\"a\", null]")),
		CASE(N, T(UNAUTH_PATTERN), T("not json")),
		CASE(N, T(UNAUTH_PATTERN), T("")),
		CASE(N, T(UNAUTH_PATTERN), N),
		CASE(N, N, T("[]")),
		CASE(N, I(1), T("[]")),
	};

	run_rows("SELECT pattern_has_terms(?1, ?2)", rows, NROWS(rows));
}

/* ---- version_cmp ----------------------------------------------------- */

static void
test_version_cmp_numeric(void)
{
	static const struct row rows[] = {
		CASE(I(-1), T("5.7.44"), T("8.0.35")),
		CASE(I(1), T("8.0.35"), T("5.7.44")),
		CASE(I(1), T("1.10"), T("1.9")),
		CASE(I(-1), T("1.9"), T("1.10")),
		CASE(I(1), T("15.4"), T("15")),
		CASE(I(-1), T("15"), T("15.4")),
		CASE(I(0), T("15"), T("15.0")),
		CASE(I(0), T("15.0.0"), T("15")),
		CASE(I(0), T("1.2.3"), T("1.2.3")),
		CASE(I(0), T("01.2"), T("1.02")),
		CASE(I(0), T(" 8.0 "), T("8.0")),
		CASE(I(1), T("1.123456789012345678901234567890"), T("1.99")),
		CASE(I(-1), T("99999999999999999999"), T("100000000000000000000")),
		/* numbers as SQL values */
		CASE(I(-1), R(15.4), T("15.10")),
		CASE(I(0), I(15), T("15")),
		CASE(I(1), I(16), R(15.9)),
	};

	run_rows("SELECT version_cmp(?1, ?2)", rows, NROWS(rows));
}

static void
test_version_cmp_suffixes(void)
{
	static const struct row rows[] = {
		/* RDS and Aurora engine versions */
		CASE(I(1), T("11.22-rds.20240418"), T("11.22")),
		CASE(I(-1), T("11.22-rds.20240418"), T("11.22-rds.20240808")),
		CASE(I(-1), T("11.9-rds.1"), T("11.22-rds.1")),
		CASE(I(-1), T("8.0.mysql_aurora.3.04.0"), T("8.0.mysql_aurora.3.05.2")),
		CASE(I(-1), T("5.7.mysql_aurora.2.11.2"), T("8.0.mysql_aurora.3.04.0")),
		CASE(I(0), T("8.0.mysql_aurora.3.04.0"), T("8.0.mysql_aurora.3.4.0")),
		CASE(I(1), T("1.0.rc1"), T("1.0")),
		CASE(I(-1), T("10.4a"), T("10.4b")),
		CASE(I(1), T("10.4a"), T("10.4")),
		CASE(I(1), T("2.0"), T("1.0.beta")),
		CASE(I(-1), T("1.0"), T("1.1-beta")),
		/* invalid or missing */
		CASE(N, T(""), T("1.0")),
		CASE(N, T("1.0"), T("   ")),
		CASE(N, N, T("1.0")),
		CASE(N, T("1.0"), N),
	};

	run_rows("SELECT version_cmp(?1, ?2)", rows, NROWS(rows));
}

/* ---- robustness ------------------------------------------------------ */

static void
test_bad_rows_do_not_abort_query(void)
{
	CU_ASSERT_EQUAL_FATAL(
		sqlite3_exec(db,
			     "CREATE TABLE resources(id INTEGER PRIMARY KEY, config TEXT);"
			     "INSERT INTO resources(config) VALUES"
			     " ('{\"cidr\":\"0.0.0.0/0\",\"policy\":" ADMIN_DOC
			     ",\"created\":\"2024-05-01\",\"version\":\"5.7.44\"}'),"
			     " ('{\"cidr\":\"10.0.0.0/8\",\"policy\":\"{}\","
			     "\"created\":\"N/A\",\"version\":\"8.0.35\"}'),"
			     " ('{\"cidr\":\"banana\",\"policy\":\"{{{\","
			     "\"created\":\"2024-13-45\",\"version\":\"\"}'),"
			     " ('{\"cidr\":42}'),"
			     " ('not json at all')",
			     NULL, NULL, NULL),
		SQLITE_OK);
	CHECK("SELECT count(*) FROM resources WHERE json_valid(config) AND "
	      "cidr_is_public(json_extract(config, '$.cidr'))",
	      I(1));
	CHECK("SELECT count(*) FROM resources WHERE json_valid(config) AND "
	      "cidr_is_public(json_extract(config, '$.cidr')) IS NULL",
	      I(2));
	CHECK("SELECT count(*) FROM resources WHERE json_valid(config) AND "
	      "iam_policy_is_admin(json_extract(config, '$.policy'))",
	      I(1));
	CHECK("SELECT count(*) FROM resources WHERE json_valid(config) AND "
	      "days_since(json_extract(config, '$.created')) > 30",
	      I(1));
	CHECK("SELECT count(*) FROM resources WHERE json_valid(config) AND "
	      "version_cmp(json_extract(config, '$.version'), '8.0') < 0",
	      I(1));
	sqlite3_exec(db, "DROP TABLE resources", NULL, NULL, NULL);
}

static int fail_allocs;

static void *
failing_malloc(size_t n)
{
	return fail_allocs ? NULL : malloc(n);
}

static void
test_out_of_memory_in_jansson(void)
{
	static const char *sqls[] = {
		"SELECT iam_policy_is_admin('" ADMIN_DOC "')",
		"SELECT iam_policy_allows('" ADMIN_DOC "', 'a:b', 'c')",
		"SELECT pattern_has_terms('x', '[\"x\"]')",
	};
	size_t i;

	/*
	 * jansson does not always tell an allocation failure from bad input,
	 * so either NULL or an out-of-memory error is right; a crash, a leak
	 * or a wrong 0/1 is not.
	 */
	json_set_alloc_funcs(failing_malloc, free);
	fail_allocs = 1;
	/* with every allocation failing, jansson's failure is recognised */
	CHECK("SELECT iam_policy_public('{}')", ERR);
	CU_ASSERT_EQUAL(sqlite3_errcode(db), SQLITE_NOMEM);
	CHECK("SELECT pattern_has_terms('x', '[]')", ERR);
	CU_ASSERT_EQUAL(sqlite3_errcode(db), SQLITE_NOMEM);

	for (i = 0; i < NROWS(sqls); i++) {
		char text[256];
		struct val got;

		eval(sqls[i], NULL, &got, text, sizeof(text));
		CU_ASSERT(got.kind == V_NULL ||
			  (got.kind == V_ERROR && strstr(got.s, "out of memory")));
		if (got.kind == V_ERROR)
			CU_ASSERT_EQUAL(sqlite3_errcode(db), SQLITE_NOMEM);
	}
	/* json_as_array validates JSON itself, so stays right meanwhile */
	CHECK("SELECT json_as_array('{\"a\":1}')", T("[{\"a\":1}]"));
	CHECK("SELECT json_as_array('[1]')", T("[1]"));
	fail_allocs = 0;
	json_set_alloc_funcs(malloc, free);
	CHECK("SELECT iam_policy_is_admin('" ADMIN_DOC "')", I(1));
}

static void
test_out_of_memory_in_sqlite(void)
{
	static const size_t len = 4u << 20;
	char *big = malloc(len + 1);
	sqlite3_stmt *st;
	sqlite3_int64 old;
	int rc;

	CU_ASSERT_FATAL(big != NULL);
	memset(big, 'a', len);
	big[len] = '\0';
	CU_ASSERT_FATAL(sqlite3_prepare_v2(db, "SELECT url_decode(?1)", -1, &st, NULL) ==
			SQLITE_OK);
	/* -1: NUL-terminated, so SQLite hands the buffer over uncopied */
	sqlite3_bind_text(st, 1, big, -1, SQLITE_STATIC);
	/* The 4 MiB result buffer cannot fit under this limit. */
	old = sqlite3_hard_heap_limit64(sqlite3_memory_used() + (1 << 20));
	rc = sqlite3_step(st);
	sqlite3_hard_heap_limit64(old);
	CU_ASSERT_EQUAL(rc, SQLITE_NOMEM);
	sqlite3_finalize(st);
	free(big);
	CHECK("SELECT url_decode('a%20b')", T("a b"));
}

/* ---- suites ---------------------------------------------------------- */

/* ---- the function table against the registered functions and the doc --- */

/* Every entry of sqlfn_table is on the connection with its number of
 * arguments and its flags, and nothing else of ours is. */
static void
test_table_is_what_is_registered(void)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < sqlfn_table_len; i++) {
		const struct sqlfn_def *d = &sqlfn_table[i];
		int want =
			(ATTEST_SQLFN_FLAGS | d->flags) & (SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS);

		CU_ASSERT_FATAL(
			sqlite3_prepare_v2(
				db,
				"SELECT flags FROM pragma_function_list WHERE name = ?1 AND narg = ?2",
				-1, &st, NULL) == SQLITE_OK);
		sqlite3_bind_text(st, 1, d->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, d->nargs);
		if (sqlite3_step(st) != SQLITE_ROW) {
			fprintf(stderr, "%s/%d is in the table but not registered\n", d->name,
				d->nargs);
			CU_FAIL("a table entry is not registered");
		} else {
			CU_ASSERT_EQUAL(sqlite3_column_int(st, 0) &
						(SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS),
					want);
		}
		sqlite3_finalize(st);
	}
}

/* Appends "name/n" for every number of arguments the doc's signature
 * `name(a, b [, c [, d]])` allows. */
static void
doc_arities(const char *sig, size_t len, char *out, size_t size)
{
	const char *open = memchr(sig, '(', len), *p;
	int required = 0, optional = 0, n, any = 0;

	if (!open)
		return;
	for (p = open + 1; p < sig + len && *p != ')' && *p != '['; p++)
		if (*p != ' ' && *p != ',' && !any) {
			any = 1;
			required++;
		} else if (*p == ',') {
			any = 0;
		}
	for (p = open; p < sig + len; p++)
		optional += *p == '[';
	for (n = required; n <= required + optional; n++)
		snprintf(out + strlen(out), size - strlen(out), " %.*s/%d ", (int)(open - sig), sig,
			 n);
}

/* doc/check-authoring.md's table of functions lists exactly the table's
 * functions and numbers of arguments. */
static void
test_doc_lists_the_table(void)
{
	static char doc[1 << 20], listed[8192], want[8192];
	char path[4096], one[160], *sec, *line, *end;
	size_t i, n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/doc/check-authoring.md", ATTEST_SRCDIR);
	fp = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	n = fread(doc, 1, sizeof(doc) - 1, fp);
	fclose(fp);
	doc[n] = '\0';
	sec = strstr(doc, "\n### Functions\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
	end = strstr(sec + 1, "\n#");
	if (end)
		*end = '\0';
	listed[0] = '\0';
	for (line = strstr(sec, "\n| `"); line; line = strstr(line + 1, "\n| `")) {
		char *sig = line + 4, *close = strchr(sig, '`');

		if (close)
			doc_arities(sig, (size_t)(close - sig), listed, sizeof(listed));
	}
	want[0] = '\0';
	for (i = 0; i < sqlfn_table_len; i++) {
		snprintf(one, sizeof(one), " %s/%d ", sqlfn_table[i].name, sqlfn_table[i].nargs);
		strncat(want, one, sizeof(want) - strlen(want) - 1);
		if (!strstr(listed, one)) {
			fprintf(stderr, "%s is registered but not in the doc's function list\n",
				one);
			CU_FAIL("a registered function is missing from doc/check-authoring.md");
		}
	}
	for (line = listed; (line = strchr(line, ' ')) && line[1]; line = end + 1) {
		end = strchr(line + 1, ' ');
		if (!end)
			break;
		snprintf(one, sizeof(one), "%.*s", (int)(end - line + 1), line);
		if (!strstr(want, one)) {
			fprintf(stderr, "%s is in the doc's function list but not registered\n",
				one);
			CU_FAIL("doc/check-authoring.md lists a function that is not registered");
		}
	}
	CU_ASSERT(sqlfn_table_len >= 17);
}

static CU_TestInfo registration_tests[] = {
	{"registration", test_registration},
	{"register twice, per-connection now", test_register_twice_and_per_connection_now},
	{"deterministic use in index", test_deterministic_use_in_index},
	{"the table is what is registered", test_table_is_what_is_registered},
	{"the doc lists the table", test_doc_lists_the_table},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo net_tests[] = {
	{"cidr_contains ipv4", test_cidr_contains_ipv4},
	{"cidr_contains ipv6 and mixed", test_cidr_contains_ipv6_and_mixed},
	{"cidr invalid", test_cidr_invalid},
	{"cidr_is_world", test_cidr_is_world},
	{"cidr_is_public ipv4", test_cidr_is_public_ipv4},
	{"cidr_is_public ipv6", test_cidr_is_public_ipv6},
	{"port_in_rule basic", test_port_in_rule_basic},
	{"port_in_rule all, open bounds", test_port_in_rule_all_and_open_bounds},
	{"port_in_rule icmp, invalid", test_port_in_rule_icmp_and_invalid},
	{"ports_overlap", test_ports_overlap},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo iam_tests[] = {
	{"is_admin", test_iam_is_admin},
	{"is_admin NotAction", test_iam_is_admin_notaction},
	{"url-encoded documents", test_iam_url_encoded},
	{"invalid documents", test_iam_invalid_documents},
	{"allows wildcards", test_iam_allows_wildcards},
	{"allows NotAction/NotResource", test_iam_allows_notaction_notresource},
	{"public", test_iam_public},
	{"public conditions", test_iam_public_conditions},
	{"public unless a condition names the callers", test_iam_public_caller_conditions},
	{"public wildcard principals", test_iam_public_wildcard_principals},
	{"denies insecure transport", test_iam_denies_insecure_transport},
	{"denies insecure transport, negative", test_iam_denies_insecure_transport_negative},
	{"denies insecure transport on the resource", test_iam_denies_insecure_transport_resource},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo misc_tests[] = {
	{"url_decode", test_url_decode},
	{"url_decode invalid", test_url_decode_invalid},
	{"days_since formats", test_days_since_formats},
	{"days_since epoch numbers", test_days_since_epoch_numbers},
	{"days_since invalid", test_days_since_invalid},
	{"days_until", test_days_until},
	{"json_as_array", test_json_as_array},
	{"json_as_array subtype, json_each", test_json_as_array_subtype_and_json_each},
	{"pattern_has_terms", test_pattern_has_terms},
	{"pattern_has_terms invalid", test_pattern_has_terms_invalid},
	{"version_cmp numeric", test_version_cmp_numeric},
	{"version_cmp suffixes", test_version_cmp_suffixes},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo robustness_tests[] = {
	{"bad rows do not abort a query", test_bad_rows_do_not_abort_query},
	{"out of memory in jansson", test_out_of_memory_in_jansson},
	{"out of memory in sqlite", test_out_of_memory_in_sqlite},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"sqlfn registration", suite_init, suite_clean, NULL, NULL, registration_tests},
	{"sqlfn network", suite_init, suite_clean, NULL, NULL, net_tests},
	{"sqlfn iam", suite_init, suite_clean, NULL, NULL, iam_tests},
	{"sqlfn misc", suite_init, suite_clean, NULL, NULL, misc_tests},
	{"sqlfn robustness", suite_init, suite_clean, NULL, NULL, robustness_tests},
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return attest_test_main(suites);
}
