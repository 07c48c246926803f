#!/bin/sh
# Adds up the "# cases: N passed, M failed" lines that every test program and
# script prints into its automake log, and prints one total line. A test log
# without such a line (a program that crashed before reporting) counts as one
# failed case, so a crash can never look like a pass.
# usage: tests/summarize.sh LOG... (make passes $(TEST_LOGS)); with one
# directory argument, every test log under it.
set -u
if [ $# = 1 ] && [ -d "$1" ]; then
	set -- $(find "$1/tests" -name '*.log' ! -name 'test-suite.log' 2>/dev/null | sort)
fi
passed=0
failed=0
for log in "$@"; do
	[ -f "$log" ] || { echo "no log $log: counted as 1 failed" >&2; failed=$((failed + 1)); continue; }
	trs=${log%.log}.trs
	[ -f "$trs" ] || continue
	if grep -q '^:test-result: SKIP' "$trs"; then
		continue
	fi
	line=$(grep '^# cases: ' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "no case count in $log: counted as 1 failed" >&2
		failed=$((failed + 1))
		continue
	fi
	p=$(echo "$line" | sed 's/^# cases: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/')
	f=$(echo "$line" | sed 's/^# cases: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/')
	passed=$((passed + p))
	failed=$((failed + f))
	if grep -q '^:test-result: FAIL' "$trs" && [ "$f" = 0 ]; then
		echo "$log failed without a failed case: counted as 1 failed" >&2
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
