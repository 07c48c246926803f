#!/bin/sh
# Hostile and unlucky inputs (issue 10, defects 8, 15, 16, 18, 22), end to end.
#
# Refused inputs (15, 18, 22) exit 1 naming the file, position and key or
# limit, and store nothing; an AWS Config history answer (16) keeps the newest
# item per resource.
#
# Secrets in inputs (defect 8): a generated corpus of credentials of
# real shapes (tests/cli/secrets_corpus.py; random, no real keys) placed in
# every inventory field and header key: configuration values, a
# SecretString, secret-named keys, lists, base64 user data, tags, an access
# key id used as an object key, the resource's id, arn and name, the header's
# source and the collection log's messages and error codes. None may appear
# in the history database (sqlite3 .dump), the JSON, XML or CSV report, nor
# in a database an export of it is imported into. Three seeds give three
# corpora (3 x 179 placements, 23 shapes).
#
# PENDING lists placements whose redaction needs call sites in
# src/store/store.c and transfer.c (patch handed to the lead with issue 10):
# they are reported, not failed, until that patch is applied; then PENDING is
# emptied and they are checked like the others.
. "$top_srcdir/tests/cli/lib.sh"
PENDING=
command -v python3 >/dev/null 2>&1 || { echo "python3 missing: run install-deps.sh"; exit 1; }
TAB=$(printf '\t')

# leaks NEEDLES FILE...: prints "place shape file" for every needle found
leaks() {
	needles=$1
	shift
	while IFS="$TAB" read -r place shape needle; do
		for f in "$@"; do
			grep -qF -- "$needle" "$f" && echo "$place$TAB$shape$TAB$(basename "$f")"
		done
	done <"$needles"
}

for seed in 1 2 3; do
	D="$WORK/s$seed"
	mkdir -p "$D"
	case_begin "seed $seed: a corpus of generated secrets scans with exit 0"
	python3 "$top_srcdir/tests/cli/secrets_corpus.py" "$D/inv.json" "$D/needles" "$seed" ||
		fail "the generator failed"
	[ "$(wc -l <"$D/needles")" -ge 150 ] || fail "the corpus is too small"
	run "$ATTEST" scan -q --db "$D/h.db" --frameworks-dir "$DATA/frameworks/evidence-dump" \
		-f evidence-dump -f cis-aws-3.0 --json "$D/r.json" --xml "$D/r.xml" --csv "$D/r.csv" \
		"$D/inv.json"
	expect_status 0
	sqlite3 "$D/h.db" .dump >"$D/dump.sql" || fail "cannot dump the history"
	# the corpus did reach the store: evidence carries redacted configurations
	[ "$(grep -c 'REDACTED' "$D/dump.sql")" -ge 20 ] || fail "too little was redacted to be believable"
	grep -q 'KeysByUser' "$D/dump.sql" || fail "the evidence does not carry the configurations"
	case_end

	case_begin "seed $seed: no secret in the history database nor in the JSON, XML and CSV reports"
	leaks "$D/needles" "$D/dump.sql" "$D/r.json" "$D/r.xml" "$D/r.csv" >"$D/leaks"
	grep -Ev "^($PENDING)$TAB" "$D/leaks" >"$D/hard" || true
	if [ -s "$D/hard" ]; then
		fail "$(wc -l <"$D/hard") leaks: $(head -5 "$D/hard" | tr '\t\n' ' ;')"
	fi
	n=$(grep -Ec "^($PENDING)$TAB" "$D/leaks")
	[ "$n" = 0 ] || echo "# pending the store call-site patch: $n leaks ($(cut -f1 "$D/leaks" | sort -u | tr '\n' ',' ))"
	case_end

	case_begin "seed $seed: an export imported into another history carries no secret"
	run "$ATTEST" db export latest --db "$D/h.db" -o "$D/exp.db"
	expect_status 0
	run "$ATTEST" db import "$D/exp.db" --db "$D/imp.db"
	expect_status 0
	sqlite3 "$D/imp.db" .dump >"$D/imp.sql"
	leaks "$D/needles" "$D/imp.sql" | grep -Ev "^($PENDING)$TAB" >"$D/hard2" || true
	[ -s "$D/hard2" ] && fail "$(wc -l <"$D/hard2") leaks after import: $(head -3 "$D/hard2" | tr '\t\n' ' ;')"
	case_end
done

# refused FILE WHAT: the scan exits 1 naming WHAT and stores no scan
refused() {
	before=$(scan_count "$ATTEST_DB")
	run "$ATTEST" scan -q "$1"
	expect_status 1
	expect_err "$2"
	[ "$(scan_count "$ATTEST_DB")" = "$before" ] || fail "a scan was stored"
}

case_begin "defect 22: a native header beside a Config list, and duplicate keys, are refused"
refused "$DATA/bad/config-with-native-header.json" "config-with-native-header.json' at line 1, column 2: header key 'attest_inventory'"
refused "$DATA/bad/duplicate-top-level-key.json" "at line 2, column 2: duplicate key 'provider' (first at line 1, column 25)"
case_end

case_begin "defect 15: security group rules the checks cannot read are refused with the key named"
refused "$DATA/bad/sg-string-ranges.json" "key 'configuration.IpPermissions\[0\].IpRanges\[0\]' must be an object, not a string"
refused "$DATA/bad/sg-lowercase-cidrip.json" "IpRanges\[0\].cidrIp' is spelled 'CidrIp'"
case_end

case_begin "defect 16: a history answer whose newest item is a deletion judges nothing"
run "$ATTEST" scan -q --json "$WORK/h16.json" "$DATA/awsconfig/history-deleted-newest.json"
expect_status 0
jq_is "$WORK/h16.json" '[.findings[] | select(.resource.type == "AWS::EC2::SecurityGroup")] | length' 0
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["configurationItems"].reverse(); d["configurationItems"][1]["configurationItemStatus"]="OK"; d["configurationItems"][1]["configuration"]=d["configurationItems"][0]["configuration"]; d["configurationItems"][0]["configurationItemCaptureTime"]=1772000000; json.dump(d, open(sys.argv[2], "w"))' \
	"$DATA/awsconfig/history-deleted-newest.json" "$WORK/h16b.json"
run "$ATTEST" scan -q --json "$WORK/h16b.json.out" "$WORK/h16b.json"
expect_status 0
jq_is "$WORK/h16b.json.out" '[.findings[] | select(.check == "ec2-sg-no-ipv4-world-ingress-admin-ports")][0].status' fail
case_end

case_begin "defect 18: a small gzip file that expands without bound stops at the stated limit"
python3 -c 'import gzip,sys
with gzip.open(sys.argv[1], "wb", 9) as f:
    f.write(b"{\"attest_inventory\": 1, \"provider\": \"aws\", \"collected_types\": [], \"resources\": [")
    for i in range(100): f.write(b" " * (1 << 20))
    f.write(b"]}")' "$WORK/bomb.json.gz"
refused "$WORK/bomb.json.gz" "cannot decompress '.*bomb.json.gz' (gzip) after line 1, column [0-9]*: expansion limit: .* more than 200 times"
python3 -c 'import gzip,sys
with gzip.open(sys.argv[1], "wb", 9) as f:
    f.write(b"{\"attest_inventory\": 1, \"provider\": \"aws\", \"collected_types\": []")
    for i in range(40): f.write(b", \"k%d\": \"" % i + b"a" * (1 << 20) + b"\"")
    f.write(b"}")' "$WORK/keys.json.gz"
refused "$WORK/keys.json.gz" "the header values together exceed 16777216 bytes (reached in key 'k15'"
case_end

case_begin "the gap message's token is not copied into any not-evaluated reason"
jq_is "$WORK/s1/r.json" '[.checks[] | select(.resource_type == "AWS::KMS::Key")] | all(.status == "not_evaluated")' true
jq_is "$WORK/s1/r.json" '[.checks[] | select(.resource_type == "AWS::KMS::Key")][0].reason | contains("[REDACTED]")' true
case_end

case_begin "defect 21: an inventory dated in the future is refused, nothing stored"
# It would otherwise be the latest scan of its scope forever.
for when in 9999-01-01T00:00:00Z 2999-12-31T23:59:59Z; do
	sed "s/\"collected_at\": \"[^\"]*\"/\"collected_at\": \"$when\"/" \
		"$top_srcdir/samples/estate.json" >"$WORK/future.json"
	run "$ATTEST" scan --db "$WORK/future.db" "$WORK/future.json"
	expect_status 1
	expect_err "future.json"
	expect_err "'collected_at' is in the future: '$when'"
	[ ! -s "$WORK/future.db" ] || [ "$(sqlite3 "$WORK/future.db" 'SELECT count(*) FROM scans')" = 0 ] ||
		fail "a scan dated $when was stored"
done
case_end

finish
