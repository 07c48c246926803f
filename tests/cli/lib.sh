# Shared by the CLI test scripts. Each script sources this file, calls
# `case_begin NAME` / assertions / `case_end` for every case, and finishes
# with `finish`, which prints "# cases: N passed, M failed" and sets the exit
# status for the automake harness (0 pass, 1 fail, 77 skip).
#
# Environment (from Makefile.am): ATTEST is the program under test,
# top_srcdir the source tree. Every script gets a private scratch directory
# and history database, removed at exit.

set -u
: "${ATTEST:?ATTEST must name the attest program}"
: "${top_srcdir:?top_srcdir must be set}"
DATA="$top_srcdir/tests/data"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/attest-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export ATTEST_DB="$WORK/history.db"
export NO_COLOR=1
unset ATTEST_FRAMEWORKS_PATH

passed=0
failed=0
current=
case_ok=1

case_begin() { current=$1; case_ok=1; }
fail() { echo "FAIL [$current]: $*" >&2; case_ok=0; }
case_end() {
	if [ "$case_ok" = 1 ]; then
		passed=$((passed + 1)); echo "ok - $current"
	else
		failed=$((failed + 1)); echo "not ok - $current"
	fi
}

# run CMD...: runs it, keeping stdout in $WORK/out, stderr in $WORK/err and
# the exit status in $status.
run() {
	"$@" >"$WORK/out" 2>"$WORK/err"
	status=$?
}

expect_status() {
	[ "$status" = "$1" ] || fail "exit status $status, expected $1; stderr: $(head -c 600 "$WORK/err")"
}
expect_out() { grep -q -- "$1" "$WORK/out" || fail "stdout lacks '$1'"; }
expect_err() { grep -q -- "$1" "$WORK/err" || fail "stderr lacks '$1': $(head -c 600 "$WORK/err")"; }
expect_file() { [ -s "$1" ] || fail "file '$1' missing or empty"; }
expect_no_file() { [ ! -e "$1" ] || fail "file '$1' should not exist"; }
# jq_is FILE FILTER VALUE: the filter's raw output equals VALUE.
jq_is() {
	got=$(jq -r "$2" "$1" 2>&1) || { fail "jq '$2' failed on $1: $got"; return; }
	[ "$got" = "$3" ] || fail "jq '$2' on $(basename "$1") gave '$got', expected '$3'"
}
# scan_count DB: the number of scans stored in DB (0 when DB does not exist).
scan_count() {
	if [ -e "$1" ]; then sqlite3 "$1" 'SELECT count(*) FROM scans' 2>/dev/null || echo error
	else echo 0; fi
}

finish() {
	echo "# cases: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit $?
}
