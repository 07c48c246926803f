#!/bin/sh
# make bench, history part: a history database of BENCH_SCANS scans (default
# 1000) of BENCH_FINDINGS findings each (default 10000), generated with SQL
# from one real scan of the sample estate (its findings repeated over
# renamed resources, a few statuses flipped per scan so diffs have work to
# do), then `attest history`, `diff` and `trend` timed on it. Not part of
# make check: timings are not pass/fail.
set -eu
: "${ATTEST:?}" "${top_srcdir:?}"
scans=${BENCH_SCANS:-1000}
per=${BENCH_FINDINGS:-10000}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-bench-history.XXXXXX")
trap 'rm -rf "$work"' EXIT
db="$work/h.db"

"$ATTEST" scan -q --db "$db" 2>/dev/null
base=$(sqlite3 "$db" 'SELECT scan_id FROM scans')
start=$(date +%s.%N)
sqlite3 "$db" >/dev/null <<SQL
-- A bulk load, not a scan: no WAL (it would double the writes), no syncs.
PRAGMA journal_mode = DELETE;
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -400000;
CREATE TEMP TABLE seq AS WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s
  WHERE n < $scans) SELECT n FROM s;
CREATE TEMP TABLE ids AS SELECT n,
  strftime('%Y%m%dT%H%M%SZ', '2024-01-01', '+' || (n * 6) || ' hours') || '-' || printf('%08x', n) AS id,
  strftime('%Y-%m-%dT%H:%M:%SZ', '2024-01-01', '+' || (n * 6) || ' hours') AS t FROM seq;
CREATE TEMP TABLE rep AS WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k
  WHERE n < ($per / (SELECT count(*) FROM findings)) + 1) SELECT n FROM k;
CREATE TEMP TABLE base AS SELECT f.*, k.n AS rep FROM findings f, rep k
  ORDER BY k.n, f.finding_id LIMIT $per;
BEGIN;
INSERT INTO scans(scan_id, started_at, finished_at, as_of, attest_version, scope, accounts,
  regions, sources, inventory_sha256, resource_count)
  SELECT i.id, i.t, i.t, i.t, attest_version, scope, accounts, regions, sources,
  inventory_sha256, resource_count FROM scans, ids i WHERE scan_id = '$base';
INSERT INTO scan_frameworks(scan_id, framework, seq, version, title, publisher, score,
  coverage, n_total, n_pass, n_fail, n_manual, n_not_evaluated, n_not_applicable, n_error)
  SELECT i.id, framework, seq, version, title, publisher,
  round(min(100, max(0, score + (i.n % 50) * 0.8 - 10)), 1), coverage, n_total, n_pass,
  n_fail, n_manual, n_not_evaluated, n_not_applicable, n_error
  FROM scan_frameworks, ids i WHERE scan_id = '$base';
INSERT INTO scan_controls(scan_id, framework, control_id, seq, section, title, description,
  level, assessment, status)
  SELECT i.id, framework, control_id, seq, section, title, description, level, assessment,
  CASE WHEN status = 'fail' AND (i.n + seq) % 7 = 0 THEN 'pass' ELSE status END
  FROM scan_controls, ids i WHERE scan_id = '$base';
INSERT INTO scan_control_checks(scan_id, framework, control_id, check_id)
  SELECT i.id, framework, control_id, check_id FROM scan_control_checks, ids i
  WHERE scan_id = '$base';
INSERT INTO scan_checks(scan_id, check_id, title, service, severity, resource_type, requires,
  rationale, remediation, refs, status, reason, n_pass, n_fail, n_error, n_not_applicable)
  SELECT i.id, check_id, title, service, severity, resource_type, requires, rationale,
  remediation, refs, status, reason, n_pass, n_fail, n_error, n_not_applicable
  FROM scan_checks, ids i WHERE scan_id = '$base';
INSERT INTO findings(scan_id, check_id, status, resource_type, resource_id, arn, name, region,
  account, reason, evidence)
  SELECT i.id, b.check_id,
  CASE WHEN (b.finding_id * 7 + i.n * 13) % 50 = 0
    THEN CASE b.status WHEN 'fail' THEN 'pass' ELSE 'fail' END ELSE b.status END,
  b.resource_type, b.resource_id || CASE WHEN b.rep > 0 THEN '-' || b.rep ELSE '' END,
  b.arn, b.name, b.region, b.account, b.reason, b.evidence
  FROM ids i, base b ORDER BY i.n;
COMMIT;
PRAGMA optimize;
SQL
end=$(date +%s.%N)
echo "history database: $(sqlite3 "$db" 'SELECT count(*) FROM scans') scans," \
	"$(sqlite3 "$db" 'SELECT count(*) FROM findings') findings," \
	"$(du -m "$db" | cut -f1) MB, generated in $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }') s"

latest=$(sqlite3 "$db" 'SELECT scan_id FROM scans ORDER BY started_at DESC LIMIT 1')
old=$(sqlite3 "$db" "SELECT scan_id FROM scans ORDER BY started_at LIMIT 1 OFFSET 10")
timed() {
	label=$1; shift
	s=$(date +%s.%N)
	"$@" >"$work/out" 2>"$work/err" || { echo "$label failed: $(cat "$work/err")"; exit 1; }
	e=$(date +%s.%N)
	awk -v l="$label" -v s="$s" -v e="$e" -v n="$(wc -l <"$work/out")" \
		'BEGIN { printf "%-46s %8.3f s  (%d lines)\n", l, e - s, n }'
}
# The first query after generation warms the page cache, as a user's would.
timed "attest history (all scans)" "$ATTEST" history --db "$db"
timed "attest history --json" "$ATTEST" history --db "$db" --json
timed "attest history -n 20 --framework cis-aws-3.0" "$ATTEST" history --db "$db" -n 20 -f cis-aws-3.0
timed "attest diff (latest two)" "$ATTEST" diff --db "$db"
timed "attest diff --json (latest two)" "$ATTEST" diff --db "$db" --json
timed "attest diff OLD LATEST --json" "$ATTEST" diff --db "$db" --json "$old" "$latest"
timed "attest trend -f cis-aws-3.0" "$ATTEST" trend --db "$db" -f cis-aws-3.0
timed "attest trend -f cis-aws-3.0 --json" "$ATTEST" trend --db "$db" -f cis-aws-3.0 --json
timed "attest trend (every framework)" "$ATTEST" trend --db "$db"
timed "attest trend --json (every framework)" "$ATTEST" trend --db "$db" --json
timed "attest trend --account A --since DATE --csv" "$ATTEST" trend --db "$db" -f cis-aws-3.0 \
	--account 210987654321 --since 2024-06-01 --csv
timed "attest show (latest)" "$ATTEST" show --db "$db"
