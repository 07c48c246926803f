#!/bin/sh
# Every bundled check gives the same findings as before the checks were
# rebuilt on the shared views (issue 11 #3): for the sample estate and four
# other inventories, each check's status, number of findings and a SHA-256
# of its findings (status, resource, reason, evidence, sorted) must equal
# tests/data/golden/ESTATE.digest, written by the program before the change.
# A deliberate change to a check's results regenerates the file:
#   ATTEST_GOLDEN_UPDATE=1 make check TESTS=tests/cli/checks_golden.sh
. "$top_srcdir/tests/cli/lib.sh"
GOLDEN="$top_srcdir/tests/data/golden"

# digest JSON: one line per check: id status count sha256
digest() {
	jq -r '.findings as $f | .checks | sort_by(.id)[] | .id as $id | .status as $st
	  | [$f[] | select(.check == $id) | {status, r: .resource, reason, evidence}]
	  | sort_by(.r.type, .r.id, .r.region, .r.account, .reason) as $mine
	  | "\($id) \($st) \($mine | length) \($mine | tojson)"' "$1" |
	while read -r id st n json; do
		printf '%s %s %s %s\n' "$id" "$st" "$n" "$(printf '%s' "$json" | sha256sum | cut -c1-64)"
	done
}

for estate in sample awsconfig-api awsconfig-snapshot hostile-values with-gaps; do
	case_begin "every check's findings on $estate are unchanged"
	if [ "$estate" = sample ]; then set --; else set -- "$DATA/inventory/$estate.json"; fi
	run "$ATTEST" scan -q "$@" --json "$WORK/$estate.json"
	expect_status 0
	digest "$WORK/$estate.json" >"$WORK/$estate.digest"
	if [ "${ATTEST_GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$WORK/$estate.digest" "$GOLDEN/$estate.digest"
	fi
	[ "$(wc -l <"$WORK/$estate.digest")" -ge 226 ] || fail "only $(wc -l <"$WORK/$estate.digest") checks ran"
	if ! diff "$GOLDEN/$estate.digest" "$WORK/$estate.digest" >"$WORK/diff"; then
		fail "findings changed (< before, > now): $(head -c 1500 "$WORK/diff")"
	fi
	case_end
done

finish
