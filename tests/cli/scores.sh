#!/bin/sh
# The two scores of doc/scoring.md (controls fully passing, posture) over
# several estates: every figure of the JSON recomputed from the result's own
# controls and checks, hand-computed values on a small estate, every count
# line of the terminal summary summed, and a score change printed with the
# findings that moved it.
. "$top_srcdir/tests/cli/lib.sh"
RECOMPUTE="python3 $top_srcdir/tests/cli/recompute_scores.py"
SD="$DATA/scores"
EX="$DATA/frameworks/example"

# count_lines_add_up: every "... = N controls" line of $WORK/out sums to N.
count_lines_add_up() {
	n=$(grep -c '= [0-9]* controls$' "$WORK/out")
	[ "$n" -gt 0 ] || fail "the summary has no count line"
	grep '= [0-9]* controls$' "$WORK/out" | while read -r line; do
		sum=$(( $(echo "$line" | sed "s/=.*//" | grep -o "[0-9][0-9]*" | paste -sd+) ))
		total=$(echo "$line" | sed 's/.*= \([0-9]*\) controls$/\1/')
		[ "$sum" = "$total" ] || echo "count line does not add up ($sum != $total): $line"
	done >"$WORK/sums"
	[ ! -s "$WORK/sums" ] || fail "$(cat "$WORK/sums")"
}

case_begin "sample estate: every figure recomputes from the JSON"
run "$ATTEST" scan --json "$WORK/sample.json"
expect_status 0
$RECOMPUTE "$WORK/sample.json" >"$WORK/problems" || fail "$(head -20 "$WORK/problems")"
jq_is "$WORK/sample.json" '[.frameworks[] | select(.posture == null)] | length' 0
count_lines_add_up
expect_out "controls fully passing"; expect_out "posture"
case_end

case_begin "sample estate with exceptions and attestations: figures recompute, attested counted"
run "$ATTEST" scan --exceptions "$top_srcdir/samples/exceptions.xml" \
	--attestations "$top_srcdir/samples/attestations.xml" --json "$WORK/exc.json"
expect_status 0
$RECOMPUTE "$WORK/exc.json" >"$WORK/problems" || fail "$(head -20 "$WORK/problems")"
jq_is "$WORK/exc.json" '[.frameworks[].counts.attested] | add > 0' true
jq_is "$WORK/exc.json" '[.frameworks[].controls[].results.excepted] | add > 0' true
count_lines_add_up
case_end

case_begin "the summary's figures are the JSON's"
for fw in $(jq -r '.frameworks[].id' "$WORK/exc.json"); do
	p=$(jq -r --arg f "$fw" '.frameworks[] | select(.id == $f) | "\(.controls_passing) of \(.controls_scored)"' "$WORK/exc.json")
	grep -A1 "^$fw " "$WORK/out" | grep -q "controls fully passing $p" ||
		fail "$fw: summary does not say 'controls fully passing $p'"
	post=$(jq -r --arg f "$fw" '.frameworks[] | select(.id == $f) | .posture' "$WORK/exc.json")
	grep -A1 "^$fw " "$WORK/out" | grep -q "posture *$(printf '%.1f' "$post")%" ||
		fail "$fw: summary does not show posture $post"
done
case_end

case_begin "all-pass estate: both figures 100"
run "$ATTEST" scan "$SD/acme-all-pass.json" --frameworks-dir "$EX" --framework acme-baseline \
	--json "$WORK/allpass.json"
expect_status 0
$RECOMPUTE "$WORK/allpass.json" >"$WORK/problems" || fail "$(head -20 "$WORK/problems")"
jq_is "$WORK/allpass.json" '.frameworks[0] | [.score, .posture, .controls_passing, .controls_scored] | map(tostring) | join(" ")' "100 100 2 2"
count_lines_add_up
case_end

case_begin "hand-computed posture: severity weights over (check, resource) results"
# cost-center tag (low, weight 1): 3 of 4 buckets pass -> 75;
# prod classification (medium, weight 2): 1 of 2 prod buckets -> 50;
# posture = (1 x 75 + 2 x 50) / 3 = 58.3; no control passes fully.
run "$ATTEST" scan "$SD/acme-mixed.json" --frameworks-dir "$EX" --framework acme-baseline \
	--json "$WORK/mixed.json"
expect_status 0
$RECOMPUTE "$WORK/mixed.json" >"$WORK/problems" || fail "$(head -20 "$WORK/problems")"
jq_is "$WORK/mixed.json" '.frameworks[0].posture' 58.3
jq_is "$WORK/mixed.json" '.frameworks[0].score' 0
jq_is "$WORK/mixed.json" '[.frameworks[0].controls[] | select(.id == "ACME-1.1") | .pass_share, .severity] | map(tostring) | join(" ")' "75 low"
jq_is "$WORK/mixed.json" '[.frameworks[0].controls[] | select(.id == "ACME-2.1") | .pass_share, .severity] | map(tostring) | join(" ")' "50 medium"
jq_is "$WORK/mixed.json" '[.frameworks[0].controls[] | select(.id == "ACME-1.2") | .pass_share, .severity] | map(tostring) | join(" ")' "null null"
expect_out "posture  58.3%"; expect_out "controls fully passing 0 of 2 (0.0%)"
case_end

case_begin "a score change comes with the newly failing and fixed findings"
# scratch gains its cost-center tag (fixed), media loses it (newly failing).
jq '(.resources[] | select(.id == "scratch") | .tags) += {"cost-center": "cc-7"}
  | (.resources[] | select(.id == "media") | .tags) = {}' "$SD/acme-mixed.json" >"$WORK/next.json"
run "$ATTEST" scan "$WORK/next.json" --frameworks-dir "$EX" --framework acme-baseline
expect_status 0
expect_out "posture +0.0, fully passing +0.0; 1 newly failing, 1 fixed"
case_end

case_begin "manual-only catalog: nothing scored, coverage 0"
run "$ATTEST" scan "$SD/acme-all-pass.json" --frameworks-dir "$SD/manual-only" \
	--framework manual-only --json "$WORK/manual.json"
expect_status 0
$RECOMPUTE "$WORK/manual.json" >"$WORK/problems" || fail "$(head -20 "$WORK/problems")"
jq_is "$WORK/manual.json" '.frameworks[0] | [.score, .posture, .coverage, .posture_controls] | map(tostring) | join(" ")' "null null 0 0"
expect_out "posture   n/a"; expect_out "controls fully passing 0 of 0   coverage"
count_lines_add_up
case_end

case_begin "the recomputation catches a wrong figure"
jq '.frameworks[0].posture += 0.2' "$WORK/mixed.json" >"$WORK/wrong.json"
$RECOMPUTE "$WORK/wrong.json" >"$WORK/problems" && fail "a posture off by 0.2 was accepted"
grep -q "posture 58.5" "$WORK/problems" || fail "the problem is not named: $(cat "$WORK/problems")"
jq '.frameworks[0].counts.manual += 1' "$WORK/mixed.json" >"$WORK/wrong.json"
$RECOMPUTE "$WORK/wrong.json" >/dev/null && fail "counts that do not add up were accepted"
case_end

finish
