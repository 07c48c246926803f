# Sourced by collect.sh (its server, collect helper and normalizations):
# multi-account collection from an AWS Organization. The test server lists
# the estate's two accounts, a sandbox whose role cannot be assumed and a
# suspended account; AssumeRole hands out fresh temporary credentials per
# account, and the server answers each request from the account its key
# belongs to, verifying the signature with that temporary secret and the
# session token. The inventory must hold exactly both accounts' resources.
ACCT2=345678901234
SANDBOX=999999999999
ORG="--accounts-from-organization --role-name attest-audit"

# same_resources FILE ACCOUNT: FILE's resources of ACCOUNT equal the estate's.
same_resources() {
	jq -c "$NORM"'.resources[] | select(.account == "'$2'" and (.type | IN('"$TYPES"'[]))) | '"$PG"' | cnorm' "$ESTATE" |
		jq -S -s 'sort_by(.type, .id, .region)' >"$WORK/org_expected.json"
	tail -n +2 "$1" | jq -c "$NORM"'select(.account == "'$2'") | cnorm' | jq -S -s 'sort_by(.type, .id, .region)' >"$WORK/org_got.json"
	[ "$(jq length "$WORK/org_expected.json")" -gt 100 ] || fail "the estate has few resources of $2"
	cmp -s "$WORK/org_expected.json" "$WORK/org_got.json" ||
		fail "resources of $2 differ: $(diff "$WORK/org_expected.json" "$WORK/org_got.json" | head -20)"
}

case_begin "organization: every account collected, the denied one logged"
start_server
[ -n "$PORT" ] || fail "test server did not start: $(cat "$WORK/server.err")"
run collect $ORG -v -o "$WORK/org.ndjson"
expect_status 0
expect_err "from 2 accounts (1 not collected)"
expect_err "calls"
cp "$WORK/err" "$WORK/org.err"
same_resources "$WORK/org.ndjson" "$ACCT"
same_resources "$WORK/org.ndjson" "$ACCT2"
[ "$(tail -n +2 "$WORK/org.ndjson" | jq -r .account | sort -u | tr '\n' ' ')" = "$ACCT $ACCT2 " ] ||
	fail "resources of other accounts: $(tail -n +2 "$WORK/org.ndjson" | jq -r .account | sort -u)"
head -n 1 "$WORK/org.ndjson" >"$WORK/orgh.json"
jq_is "$WORK/orgh.json" '.accounts | sort_by(.id) | map(.id + "=" + .name) | join(",")' "$ACCT=prod,$ACCT2=staging"
jq_is "$WORK/orgh.json" '.collection_log | length' 1
jq_is "$WORK/orgh.json" '.collection_log[0] | [.account, .service, .region, .operation, .error_code, (.types | length)] | map(tostring) | join(" ")' \
	"$SANDBOX sts global AssumeRole AccessDenied 0"
jq_is "$WORK/orgh.json" "[.collected_types[]] - $TYPES | length" 0
jq_is "$WORK/orgh.json" "$TYPES - [.collected_types[]] | length" 0
jq_is "$WORK/orgh.json" '.regions | join(",")' "us-east-1,eu-west-1"
case_end

case_begin "organization: no secret of the caller or the assumed roles in the inventory or on stderr"
for s in 'attest/test/secret' 'tmp/secret/' 'tmp-token-' 'ASIA'; do
	! grep -q "$s" "$WORK/org.ndjson" "$WORK/org.err" || fail "'$s' leaked"
done
case_end

case_begin "organization: scan --aws --accounts-from-organization collects and scans both accounts"
run "$ATTEST" scan -q --json "$WORK/orgscan.json" "$WORK/org.ndjson"
expect_status 0
run env AWS_ACCESS_KEY_ID=AKIDATTESTTEST000001 AWS_SECRET_ACCESS_KEY=attest/test/secret/key/0000000000000000 \
	AWS_REGION=us-east-1 AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_CONFIG_FILE=/nonexistent \
	AWS_SHARED_CREDENTIALS_FILE=/nonexistent no_proxy='*' "$ATTEST" scan --aws $ORG -q --json "$WORK/orgaws.json"
expect_status 0
V='[.findings[] | [.check, .status, .resource.type, .resource.id, .resource.account]] | sort'
jq -S "$V" "$WORK/orgscan.json" >"$WORK/a"
jq -S "$V" "$WORK/orgaws.json" >"$WORK/b"
cmp -s "$WORK/a" "$WORK/b" || fail "scan --aws verdicts differ: $(diff "$WORK/a" "$WORK/b" | head -10)"
jq_is "$WORK/orgaws.json" '[.findings[] | select(.status == "fail") | .resource.account] | unique | length' 2
[ -z "$(ls "${TMPDIR:-/tmp}"/attest-aws-* 2>/dev/null)" ] || fail "temporary inventory left behind"
case_end

case_begin "organization: a call failed in one account withholds its type for the whole inventory"
start_server "$DATA/aws-collect/org_faults.json"
run collect $ORG -o "$WORK/orgf.ndjson"
expect_status 0
head -n 1 "$WORK/orgf.ndjson" >"$WORK/orgfh.json"
jq_is "$WORK/orgfh.json" '[.collection_log[] | select(.operation == "ListKeys") | [.account, .region, .error_code, (.types | join(","))] | join(" ")] | join(";")' \
	"$ACCT2 eu-west-1 AccessDenied AWS::KMS::Key"
jq_is "$WORK/orgfh.json" '.collected_types | index("AWS::KMS::Key")' null
jq_is "$WORK/orgfh.json" '.collected_types | index("AWS::IAM::User") != null' true
[ "$(tail -n +2 "$WORK/orgf.ndjson" | jq -r 'select(.type == "AWS::KMS::Key") | .id' | wc -l)" = 0 ] ||
	fail "KMS keys written although the type failed in one account"
[ "$(tail -n +2 "$WORK/orgf.ndjson" | jq -r 'select(.type == "AWS::IAM::User") | .account' | sort -u | wc -l)" = 2 ] ||
	fail "IAM users of both accounts expected"
case_end

case_begin "organization: the external id goes to AssumeRole; without it no account is collected (exit 1)"
start_server "$DATA/aws-collect/org_extid.json"
run collect --accounts-from-organization --role-name OrgAudit --external-id ext-7d1f -o "$WORK/orgx.ndjson"
expect_status 0
jq_is "$WORK/orgx.ndjson" 'select(.attest_inventory) | .accounts | length' 2
run collect --accounts-from-organization --role-name OrgAudit -o "$WORK/orgnx.ndjson"
expect_status 1
expect_err "no account of the organization could be collected"
expect_err "AccessDenied"
expect_no_file "$WORK/orgnx.ndjson"
case_end

case_begin "organization: ListAccounts denied is an error (exit 1), nothing written"
start_server "$DATA/aws-collect/org_deny.json"
run collect $ORG -o "$WORK/orgd.ndjson"
expect_status 1
expect_err "cannot list the accounts of the organization"
expect_err "AccessDeniedException"
expect_err "management account"
expect_no_file "$WORK/orgd.ndjson"
stop_server
case_end

case_begin "organization: role credentials near their expiry are renewed, no call fails with ExpiredToken"
# The server's credentials last 8 s and are refused after; 25 ms a call at 2
# in flight keeps the collection going well past the renewal point (6 s).
start_server "$DATA/aws-collect/org_ttl.json"
run collect $ORG --regions us-east-1 --concurrency 2 -o "$WORK/orgttl.ndjson"
expect_status 0
head -n 1 "$WORK/orgttl.ndjson" >"$WORK/orgttlh.json"
jq_is "$WORK/orgttlh.json" '[.collection_log[] | .error_code] | join(" ")' "AccessDenied"
jq_is "$WORK/orgttlh.json" "$TYPES - [.collected_types[]] | length" 0
for a in "$ACCT" "$ACCT2"; do
	n=$(grep -c "^ASSUMED $a " "$WORK/server.err")
	[ "$n" -ge 2 ] || fail "the role in $a was assumed $n time(s): no renewal"
done
stop_server
case_end

case_begin "organization: each account's own opt-in regions are collected, in that account only"
start_server "$DATA/aws-collect/org_optin.json"
run collect $ORG -o "$WORK/orgoptin.ndjson"
expect_status 0
head -n 1 "$WORK/orgoptin.ndjson" >"$WORK/orgoptinh.json"
jq_is "$WORK/orgoptinh.json" '.regions | index("me-central-1") != null' true
jq_is "$WORK/orgoptinh.json" '[.collection_log[] | .error_code] | join(" ")' "AccessDenied"
[ "$(grep -c "^OPTIN $ACCT2 me-central-1 " "$WORK/server.err")" -gt 20 ] ||
	fail "few calls to the opted-in region: $(grep -c "^OPTIN $ACCT2" "$WORK/server.err")"
! grep -q "^OPTIN $ACCT " "$WORK/server.err" || fail "the region was collected in an account that has not enabled it"
stop_server
case_end

case_begin "organization: --accounts-in-flight 1 collects one account after the other"
start_server "$DATA/aws-collect/org_log.json"
run collect $ORG --regions us-east-1 --accounts-in-flight 1 -o "$WORK/orgseq.ndjson"
expect_status 0
# Every request of one account comes before any of the next: two runs.
[ "$(grep '^REQ ' "$WORK/server.err" | uniq | wc -l)" = 2 ] ||
	fail "the accounts' requests interleave: $(grep '^REQ ' "$WORK/server.err" | uniq -c | head -5)"
jq_is "$WORK/orgseq.ndjson" 'select(.attest_inventory) | .accounts | length' 2
stop_server
run "$ATTEST" collect aws --accounts-in-flight 2 -o "$WORK/u.ndjson"
expect_status 2
expect_err "needs --accounts-from-organization"
case_end

case_begin "organization: usage errors exit 2"
run "$ATTEST" collect aws --role-name attest-audit -o "$WORK/u.ndjson"
expect_status 2
expect_err "needs --accounts-from-organization"
run "$ATTEST" collect aws --accounts-from-organization -o "$WORK/u.ndjson"
expect_status 2
expect_err "needs --role-name"
run "$ATTEST" scan --aws --role-name attest-audit
expect_status 2
run "$ATTEST" scan --accounts-from-organization --role-name attest-audit "$ESTATE"
expect_status 2
expect_err "need --aws"
run collect --accounts-from-organization --role-name "arn:aws:iam::$ACCT:role/x" -o "$WORK/u.ndjson"
expect_status 2
expect_err "is an ARN"
expect_no_file "$WORK/u.ndjson"
case_end
