/*
 * Network SQL functions: CIDR containment and classification, and port
 * exposure of security-group / network-ACL rules. Checks such as "no
 * security group opens 22/tcp to the world" need to reason about address
 * ranges and port ranges exactly as AWS stores them (protocols as names or
 * numbers, -1 meaning "all", missing bounds meaning "every port"), which is
 * error-prone to spell in SQL. Addresses are parsed with inet_pton for both
 * IPv4 and IPv6; host bits below the prefix are ignored, as AWS canonicalises
 * them away anyway.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlfn.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

struct cidr {
	int family;       /* AF_INET or AF_INET6 */
	int plen;         /* prefix length, 0..32 or 0..128 */
	uint8_t addr[16]; /* network order; IPv4 uses the first 4 bytes */
};

/* Ranges that are not reachable from the internet (cidr_is_public). */
static const struct cidr special_ranges[] = {
	{AF_INET, 8, {10}},        {AF_INET, 12, {172, 16}},
	{AF_INET, 16, {192, 168}}, {AF_INET, 8, {127}},
	{AF_INET, 16, {169, 254}}, {AF_INET, 10, {100, 64}},
	{AF_INET, 8, {0}},         {AF_INET6, 128, {[15] = 1}},
	{AF_INET6, 7, {0xfc}},     {AF_INET6, 10, {0xfe, 0x80}},
};

/*
 * Parses "addr" or "addr/len" into c. Surrounding ASCII whitespace is
 * tolerated; anything else unexpected (zone ids, prefix out of range, signs,
 * leading '+') makes it invalid. Returns 0 on success, -1 if invalid.
 */
static int
cidr_parse(const char *s, size_t len, struct cidr *c)
{
	char buf[64];
	const char *slash;
	size_t alen;
	int maxlen;

	while (len > 0 && isspace((unsigned char)s[0])) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || memchr(s, '\0', len) != NULL)
		return -1;

	slash = memchr(s, '/', len);
	alen = slash ? (size_t)(slash - s) : len;
	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';

	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = AF_INET;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = AF_INET6;
		maxlen = 128;
	} else {
		return -1;
	}

	if (slash == NULL) {
		c->plen = maxlen;
		return 0;
	}

	/* Decimal digits only: strtol would accept signs and whitespace. */
	{
		const char *p = slash + 1, *end = s + len;
		int v = 0;

		if (p == end || end - p > 3)
			return -1;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			v = v * 10 + (*p - '0');
		}
		if (v > maxlen)
			return -1;
		c->plen = v;
	}
	return 0;
}

/* 1 if the first bits bits of a and b are equal. */
static int
prefix_equal(const uint8_t *a, const uint8_t *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	if (rest != 0) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((a[whole] & mask) != (b[whole] & mask))
			return 0;
	}
	return 1;
}

/* 1 if every address of inner lies within outer. */
static int
cidr_within(const struct cidr *outer, const struct cidr *inner)
{
	return outer->family == inner->family && inner->plen >= outer->plen &&
	       prefix_equal(outer->addr, inner->addr, outer->plen);
}

/*
 * Parses argument v as a CIDR. Returns 1 on success; 0 when the argument is
 * NULL or invalid, in which case the caller returns NULL.
 */
static int
arg_cidr(sqlite3_value *v, struct cidr *c)
{
	const char *s;

	if (sqlite3_value_type(v) != SQLITE_TEXT)
		return 0;
	s = (const char *)sqlite3_value_text(v);
	if (s == NULL)
		return 0;
	return cidr_parse(s, (size_t)sqlite3_value_bytes(v), c) == 0;
}

void
sqlfn_cidr_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct cidr net, addr;

	(void)argc;
	if (!arg_cidr(argv[0], &net) || !arg_cidr(argv[1], &addr))
		return; /* result stays NULL */
	sqlite3_result_int(ctx, cidr_within(&net, &addr));
}

/*
 * The special ranges are pairwise disjoint and no two of them merge into a
 * larger aligned block, so a CIDR lies inside their union exactly when it
 * lies inside one of them.
 */
static int
cidr_public(const struct cidr *c)
{
	size_t i;

	for (i = 0; i < sizeof(special_ranges) / sizeof(special_ranges[0]); i++) {
		if (cidr_within(&special_ranges[i], c))
			return 0;
	}
	return 1;
}

/*
 * "Open to the world": prefix length 0, or a public range of /8 or wider
 * (IPv4) or /32 or wider (IPv6). A rule can be opened to everybody without
 * writing 0.0.0.0/0 (0.0.0.0/1 plus 128.0.0.0/1, or 0.0.0.0/2 and friends);
 * no one admits a single network that large on purpose. The bounds are the
 * ones AWS uses to call an aws:SourceIp condition public (S3 Block Public
 * Access), so the IAM functions and the network checks agree.
 */
static int
cidr_world(const struct cidr *c)
{
	if (c->plen == 0)
		return 1;
	return cidr_public(c) && c->plen <= (c->family == AF_INET ? 8 : 32);
}

int
sqlfn_cidr_world(const char *s, size_t len)
{
	struct cidr c;

	if (cidr_parse(s, len, &c) != 0)
		return -1;
	return cidr_world(&c);
}

void
sqlfn_cidr_is_world(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct cidr c;

	(void)argc;
	if (arg_cidr(argv[0], &c))
		sqlite3_result_int(ctx, cidr_world(&c));
}

void
sqlfn_cidr_is_public(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct cidr c;

	(void)argc;
	if (arg_cidr(argv[0], &c))
		sqlite3_result_int(ctx, cidr_public(&c));
}

enum { ARG_NULL, ARG_OK, ARG_BAD };

/*
 * Reads an integer argument given as INTEGER, integral REAL or decimal TEXT
 * ("22", " -1 "). Returns ARG_NULL, ARG_OK (value in *out) or ARG_BAD.
 */
static int
arg_int(sqlite3_value *v, long long *out)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		return ARG_NULL;
	case SQLITE_INTEGER:
		*out = (long long)sqlite3_value_int64(v);
		return ARG_OK;
	case SQLITE_FLOAT: {
		double d = sqlite3_value_double(v);

		/* The range test also rejects NaN; no libm needed. */
		if (!(d >= -1e15 && d <= 1e15) || (double)(long long)d != d)
			return ARG_BAD;
		*out = (long long)d;
		return ARG_OK;
	}
	case SQLITE_TEXT: {
		const char *s = (const char *)sqlite3_value_text(v);
		char *end;
		long long n;

		if (s == NULL)
			return ARG_BAD;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			return ARG_BAD;
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno != 0 || end == s)
			return ARG_BAD;
		while (isspace((unsigned char)*end))
			end++;
		if (*end != '\0')
			return ARG_BAD;
		*out = n;
		return ARG_OK;
	}
	default:
		return ARG_BAD;
	}
}

/*
 * Reads a protocol given as a name or an IANA number (text or integer).
 * -1 and "all" mean every protocol. Returns ARG_NULL, ARG_OK or ARG_BAD.
 */
static int
arg_proto(sqlite3_value *v, int *proto)
{
	static const struct {
		const char *name;
		int number;
	} names[] = {
		{"all", -1}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"icmpv6", 58},
	};
	long long n;
	int rc;

	if (sqlite3_value_type(v) == SQLITE_TEXT) {
		const char *s = (const char *)sqlite3_value_text(v);
		size_t i;

		for (i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
			if (strcasecmp(s, names[i].name) == 0) {
				*proto = names[i].number;
				return ARG_OK;
			}
		}
	}
	rc = arg_int(v, &n);
	if (rc != ARG_OK)
		return rc;
	if (n < -1 || n > 255)
		return ARG_BAD;
	*proto = (int)n;
	return ARG_OK;
}

/*
 * Reads one bound of a port range: NULL and -1 stand for the open end (lo
 * or hi), otherwise it must be a port number. Returns ARG_OK or ARG_BAD.
 */
static int
arg_port_bound(sqlite3_value *v, long long open_end, long long *out)
{
	long long n;

	switch (arg_int(v, &n)) {
	case ARG_NULL:
		*out = open_end;
		return ARG_OK;
	case ARG_OK:
		if (n == -1)
			n = open_end;
		if (n < 0 || n > 65535)
			return ARG_BAD;
		*out = n;
		return ARG_OK;
	default:
		return ARG_BAD;
	}
}

/* Reads a [from, to] range; from > to is malformed. */
static int
arg_port_range(sqlite3_value *from, sqlite3_value *to, long long *lo, long long *hi)
{
	if (arg_port_bound(from, 0, lo) != ARG_OK || arg_port_bound(to, 65535, hi) != ARG_OK ||
	    *lo > *hi)
		return ARG_BAD;
	return ARG_OK;
}

/* port_in_rule(ip_protocol, from_port, to_port, proto, port) */
void
sqlfn_port_in_rule(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int rule_proto, proto;
	long long port, lo, hi;

	(void)argc;
	if (arg_proto(argv[0], &rule_proto) != ARG_OK || arg_proto(argv[3], &proto) != ARG_OK ||
	    arg_int(argv[4], &port) != ARG_OK)
		return;
	/* Only tcp and udp have ports to ask about. */
	if ((proto != 6 && proto != 17) || port < 0 || port > 65535)
		return;
	if (rule_proto == -1) {
		/* All traffic: the port fields are meaningless then. */
		sqlite3_result_int(ctx, 1);
		return;
	}
	if (rule_proto != proto) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	if (arg_port_range(argv[1], argv[2], &lo, &hi) != ARG_OK)
		return;
	sqlite3_result_int(ctx, lo <= port && port <= hi);
}

/* ports_overlap(from1, to1, from2, to2) */
void
sqlfn_ports_overlap(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long lo1, hi1, lo2, hi2;

	(void)argc;
	if (arg_port_range(argv[0], argv[1], &lo1, &hi1) != ARG_OK ||
	    arg_port_range(argv[2], argv[3], &lo2, &hi2) != ARG_OK)
		return;
	sqlite3_result_int(ctx, lo1 <= hi2 && lo2 <= hi1);
}
