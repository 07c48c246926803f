/*
 * The shapes checks rely on. A check reads a security group's rules as
 * IpPermissions[].IpRanges[].CidrIp; a rule written another way (the CIDR
 * as a bare string, "cidrIp", "Ipv4Ranges") is not seen at all, and a
 * world-open port passes. So for the types whose rules decide exposure, the
 * parts the checks read are validated here, in every source (native, NDJSON,
 * AWS Config after conversion): lists must be lists of objects, objects of
 * the closed shapes the EC2 API defines may hold only its keys, spelled as
 * it spells them, with the types it gives them. The message names the path
 * of the key at fault. Everything else in a configuration stays free-form.
 * What the checks already judge as unreadable (a rule without a protocol,
 * the whole rule list not a list) is left to them: they say `error`. A
 * single object where a list is expected is one element, as the checks'
 * json_as_array() reads it.
 */
#include "config.h"

#include "inventory_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum kind { K_ANY, K_STRING, K_INTEGER, K_BOOL, K_LIST, K_OBJECT };

struct field {
	const char *key;
	enum kind kind;
	bool required;
	const struct shape *sub; /* K_LIST: its elements; K_OBJECT: the object */
	bool scalar_ok;          /* K_LIST: a string, number or boolean is left to
				  * the checks, which judge the rules "not
				  * collected" (error) */
};

struct shape {
	bool closed; /* only the listed keys may appear */
	const struct field *fields;
};

#define F(key, kind, sub)                                                                          \
	{                                                                                          \
		key, kind, false, sub, false                                                       \
	}
#define REQ(key, kind)                                                                             \
	{                                                                                          \
		key, kind, true, NULL, false                                                       \
	}
#define RULES(key, sub)                                                                            \
	{                                                                                          \
		key, K_LIST, false, sub, true                                                      \
	}
#define END F(NULL, K_STRING, NULL)

static const struct field ipv4_f[] = {REQ("CidrIp", K_STRING), F("Description", K_STRING, NULL),
				      END};
static const struct field ipv6_f[] = {REQ("CidrIpv6", K_STRING), F("Description", K_STRING, NULL),
				      END};
static const struct field prefix_f[] = {REQ("PrefixListId", K_STRING),
					F("Description", K_STRING, NULL), END};
static const struct field pair_f[] = {F("Description", K_STRING, NULL),
				      F("GroupId", K_STRING, NULL),
				      F("GroupName", K_STRING, NULL),
				      F("PeeringStatus", K_STRING, NULL),
				      F("UserId", K_STRING, NULL),
				      F("VpcId", K_STRING, NULL),
				      F("VpcPeeringConnectionId", K_STRING, NULL),
				      END};
static const struct shape ipv4 = {true, ipv4_f}, ipv6 = {true, ipv6_f}, prefix = {true, prefix_f},
			  pair = {true, pair_f};
/* The protocol and ports are left to the checks, which judge a rule whose
 * protocol or ports they cannot read `error` (port_in_rule() is NULL). */
static const struct field perm_f[] = {F("IpProtocol", K_ANY, NULL),
				      F("FromPort", K_ANY, NULL),
				      F("ToPort", K_ANY, NULL),
				      F("IpRanges", K_LIST, &ipv4),
				      F("Ipv6Ranges", K_LIST, &ipv6),
				      F("PrefixListIds", K_LIST, &prefix),
				      F("UserIdGroupPairs", K_LIST, &pair),
				      END};
static const struct shape perm = {true, perm_f};
static const struct field sg_f[] = {RULES("IpPermissions", &perm),
				    RULES("IpPermissionsEgress", &perm), END};

static const struct field range_f[] = {F("From", K_ANY, NULL), F("To", K_ANY, NULL), END};
static const struct field icmp_f[] = {F("Code", K_INTEGER, NULL), F("Type", K_INTEGER, NULL), END};
static const struct shape port_range = {true, range_f}, icmp = {true, icmp_f};
static const struct field entry_f[] = {REQ("RuleNumber", K_INTEGER),
				       REQ("Protocol", K_ANY),
				       REQ("RuleAction", K_STRING),
				       F("Egress", K_BOOL, NULL),
				       F("CidrBlock", K_STRING, NULL),
				       F("Ipv6CidrBlock", K_STRING, NULL),
				       F("PortRange", K_OBJECT, &port_range),
				       F("IcmpTypeCode", K_OBJECT, &icmp),
				       END};
static const struct shape entry = {true, entry_f};
static const struct field nacl_f[] = {RULES("Entries", &entry), END};

/* The configuration itself is open: other keys are the API's business. */
static const struct {
	const char *type;
	struct shape shape;
} types[] = {
	{"AWS::EC2::SecurityGroup", {false, sg_f}},
	{"AWS::EC2::NetworkAcl", {false, nacl_f}},
};

static const char *
kind_name(enum kind k)
{
	switch (k) {
	case K_STRING:
		return "a string";
	case K_INTEGER:
		return "an integer";
	case K_BOOL:
		return "a boolean";
	case K_LIST:
		return "a list of objects";
	default:
		return "an object";
	}
}

static bool
is_kind(const json_t *v, enum kind k)
{
	switch (k) {
	case K_ANY:
		return true;
	case K_STRING:
		return json_is_string(v);
	case K_INTEGER:
		return json_is_integer(v);
	case K_BOOL:
		return json_is_boolean(v);
	case K_LIST:
		return json_is_array(v);
	default:
		return json_is_object(v);
	}
}

struct walk {
	attest_ctx *ctx;
	const struct inv_pos *pos;
	const char *type;
	struct core_buf path;
};

static attest_rc walk_object(struct walk *w, const json_t *obj, const struct shape *sh);

static attest_rc
push(struct walk *w, const char *key, size_t index, size_t *mark)
{
	attest_rc rc;

	*mark = w->path.len;
	rc = key ? core_buf_printf(&w->path, "%s%s", w->path.len ? "." : "", key)
		 : core_buf_printf(&w->path, "[%zu]", index);
	return rc == ATTEST_OK ? ATTEST_OK : core_nomem(w->ctx);
}

static void
pop(struct walk *w, size_t mark)
{
	w->path.len = mark;
	w->path.data[mark] = '\0';
}

static attest_rc
wrong_kind(struct walk *w, const char *want, const json_t *v)
{
	return inv_bad(w->ctx, w->pos, "key '%s' must be %s, not %s (checks of %s read this shape)",
		       w->path.data, want, inv_json_kind(v), w->type);
}

static attest_rc
walk_value(struct walk *w, const json_t *v, const struct field *f)
{
	const json_t *el;
	size_t i, mark;
	attest_rc rc;

	if (json_is_null(v) && !f->required)
		return ATTEST_OK;
	if (f->kind == K_LIST && json_is_object(v))
		return walk_object(w, v, f->sub); /* one element: checks read it as a list */
	if (f->kind == K_LIST && f->scalar_ok && !json_is_array(v))
		return ATTEST_OK;
	if (!is_kind(v, f->kind))
		return wrong_kind(w, kind_name(f->kind), v);
	if (f->kind == K_OBJECT)
		return walk_object(w, v, f->sub);
	if (f->kind != K_LIST)
		return ATTEST_OK;
	json_array_foreach(v, i, el)
	{
		if ((rc = push(w, NULL, i, &mark)) != ATTEST_OK)
			return rc;
		if (!json_is_object(el))
			return wrong_kind(w, "an object", el);
		if ((rc = walk_object(w, el, f->sub)) != ATTEST_OK)
			return rc;
		pop(w, mark);
	}
	return ATTEST_OK;
}

static const struct field *
find(const struct shape *sh, const char *key, bool any_case)
{
	const struct field *f;

	for (f = sh->fields; f->key; f++)
		if (any_case ? strcasecmp(f->key, key) == 0 : strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

static attest_rc
walk_object(struct walk *w, const json_t *obj, const struct shape *sh)
{
	const struct field *f;
	const char *key;
	const json_t *v;
	size_t mark;
	attest_rc rc;

	json_object_foreach((json_t *)obj, key, v)
	{
		if ((rc = push(w, key, 0, &mark)) != ATTEST_OK)
			return rc;
		if (!(f = find(sh, key, false))) {
			if ((f = find(sh, key, true)))
				return inv_bad(w->ctx, w->pos,
					       "key '%s' is spelled '%s' in the API (checks of %s"
					       " read this shape)",
					       w->path.data, f->key, w->type);
			if (sh->closed)
				return inv_bad(w->ctx, w->pos,
					       "key '%s' is not part of this shape (checks of %s"
					       " read this shape)",
					       w->path.data, w->type);
			pop(w, mark);
			continue;
		}
		if ((rc = walk_value(w, v, f)) != ATTEST_OK)
			return rc;
		pop(w, mark);
	}
	for (f = sh->fields; f->key; f++)
		if (f->required && !json_object_get(obj, f->key))
			return inv_bad(w->ctx, w->pos,
				       "key '%s%s%s' is missing (checks of %s read"
				       " this shape)",
				       w->path.data ? w->path.data : "", w->path.len ? "." : "",
				       f->key, w->type);
	return ATTEST_OK;
}

attest_rc
inv_check_shape(attest_ctx *ctx, const char *type, const json_t *config, const struct inv_pos *pos)
{
	struct walk w;
	size_t i;
	attest_rc rc = ATTEST_OK;

	if (!json_is_object(config))
		return ATTEST_OK; /* absent: the checks say it was not collected */
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(types[i].type, type) != 0)
			continue;
		w.ctx = ctx;
		w.pos = pos;
		w.type = type;
		core_buf_init(&w.path, 4096);
		if (core_buf_adds(&w.path, "configuration") != ATTEST_OK)
			rc = core_nomem(ctx);
		else
			rc = walk_object(&w, config, &types[i].shape);
		core_buf_release(&w.path);
		break;
	}
	return rc;
}
