#!/bin/sh
# An interrupted `attest package` leaves nothing behind (issue 10 #24): the
# staging directory OUT.tmp-XXXXXX/ and everything in it is removed on
# SIGTERM, SIGINT and SIGHUP. The run is stopped mid-way without timing: its
# --input is a FIFO, which package opens after the reports and evidence are
# written; once the test has opened the FIFO's other end, package is blocked
# reading it, and is killed there.
. "$top_srcdir/tests/cli/lib.sh"
command -v openssl >/dev/null || { echo "openssl not installed: run install-deps.sh"; exit 1; }
command -v timeout >/dev/null || { echo "timeout (coreutils) not installed"; exit 1; }
openssl genpkey -algorithm ed25519 -out "$WORK/ed.pem" 2>/dev/null
run "$ATTEST" scan -q

# interrupt SIGNAL OUT: starts package writing OUT, kills it with SIGNAL
# while it waits on the FIFO; $status is its exit status.
interrupt() {
	rm -f "$WORK/fifo"
	mkfifo "$WORK/fifo"
	"$ATTEST" package latest --input "$WORK/fifo" -o "$2" --key "$WORK/ed.pem" \
		>"$WORK/out" 2>"$WORK/err" &
	pid=$!
	# Opening the write end returns once package has opened the read end;
	# the staging directory then holds the reports and the evidence.
	timeout 120 sh -c 'exec 3>"$1"; ls -d "$2".tmp-*/evidence/checks >"$4" 2>&1; kill -"$3" "$5"' \
		sh "$WORK/fifo" "$2" "$1" "$WORK/seen" "$pid" || fail "package never opened the FIFO"
	wait "$pid"
	status=$?
}

for run_ in TERM:.tar.gz TERM: INT:.tar.gz HUP:; do
	sig=${run_%%:*}
	for out in "$WORK/k-$sig${run_#*:}"; do
		case_begin "SIG$sig during package -o $(basename "$out") removes the staging directory"
		interrupt "$sig" "$out"
		[ "$status" -gt 128 ] || fail "package was not killed by the signal: exit $status"
		grep -q "evidence/checks" "$WORK/seen" ||
			fail "the staging directory was not there mid-way: $(cat "$WORK/seen")"
		left=$(ls -A "$WORK" | grep -e "^k-$sig" -e '\.tmp-' || true)
		[ -z "$left" ] || fail "left behind: $left"
		case_end
	done
done

case_begin "a run that is not interrupted leaves only the package"
rm -f "$WORK/fifo"
"$ATTEST" package latest -o "$WORK/whole.tar.gz" --key "$WORK/ed.pem" >/dev/null 2>&1 ||
	fail "package failed"
left=$(ls -A "$WORK" | grep -e '\.tmp-' || true)
[ -z "$left" ] || fail "left behind: $left"
expect_file "$WORK/whole.tar.gz"
case_end

finish
