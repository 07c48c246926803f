# Sourced by collect.sh (its server, collect helper and normalizations):
# collection against the shapes and behaviours of real AWS that an emulator
# easily gets wrong (issue 10, items 13, 14 and 17).

# ---- 17: --role-arn credentials are renewed before they expire ----------
# The server's temporary credentials last 8 s and are refused after; 25 ms a
# call at 2 in flight keeps the collection going well past the renewal point
# (6 s). Variants: the role alone, with an external id and another role name,
# and an organization collected through a --role-arn caller (the caller's
# role and each member's renewed).

# role_renewed SCENARIO NAME ARGS...: collects with ARGS under SCENARIO; no
# call fails with ExpiredToken and the role of ACCT is assumed at least twice.
role_renewed() {
	sc=$1 name=$2
	shift 2
	start_server "$DATA/aws-collect/$sc"
	[ -n "$PORT" ] || fail "test server did not start: $(cat "$WORK/server.err")"
	run collect "$@" --regions us-east-1 --concurrency 2 -o "$WORK/$name.ndjson"
	expect_status 0
	head -n 1 "$WORK/$name.ndjson" >"$WORK/${name}h.json"
	jq_is "$WORK/${name}h.json" '[.collection_log[] | select(.error_code == "ExpiredToken")] | length' 0
	n=$(grep -c "^ASSUMED $ACCT " "$WORK/server.err")
	[ "$n" -ge 2 ] || fail "$name: the role in $ACCT was assumed $n time(s): no renewal"
	stop_server
}

case_begin "--role-arn: the role's credentials are renewed before they expire, no ExpiredToken"
role_renewed role_ttl.json role --role-arn "arn:aws:iam::$ACCT:role/attest-audit"
jq_is "$WORK/roleh.json" '.collection_log | length' 0
jq_is "$WORK/roleh.json" "$TYPES - [.collected_types[]] | length" 0
case_end

case_begin "--role-arn renewal: with an external id, and through an organization"
role_renewed role_ttl_extid.json roleext --role-arn "arn:aws:iam::$ACCT:role/OrgAudit" --external-id ext-7d1f
jq_is "$WORK/roleexth.json" '.collection_log | length' 0
role_renewed role_ttl.json roleorg --role-arn "arn:aws:iam::$ACCT:role/attest-audit" $ORG
n=$(grep -c "^ASSUMED $ACCT2 " "$WORK/server.err")
[ "$n" -ge 2 ] || fail "the role in $ACCT2 was assumed $n time(s): no renewal"
jq_is "$WORK/roleorgh.json" '[.collection_log[] | .error_code] | join(" ")' "AccessDenied"
case_end
