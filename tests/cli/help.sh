#!/bin/sh
# The program's help, version and usage errors (exit 2).
. "$top_srcdir/tests/cli/lib.sh"

case_begin "--help lists the commands"
run "$ATTEST" --help
expect_status 0; expect_out "scan"; expect_out "help"
case_end

case_begin "--version prints the version"
run "$ATTEST" --version
expect_status 0; expect_out "^attest [0-9]"
case_end

case_begin "help scan shows the scan options"
run "$ATTEST" help scan
expect_status 0; expect_out "--fail-under"; expect_out "--framework"
case_end

case_begin "no command is a usage error"
run "$ATTEST"
expect_status 2
case_end

case_begin "unknown command is a usage error"
run "$ATTEST" frobnicate
expect_status 2; expect_err "not an attest command"
case_end

case_begin "help for an unknown command is a usage error"
run "$ATTEST" help frobnicate
expect_status 2
case_end

case_begin "unknown option is a usage error"
run "$ATTEST" scan --no-such-option
expect_status 2; expect_err "unknown option"
case_end

case_begin "option without its value is a usage error"
run "$ATTEST" scan --json
expect_status 2; expect_err "needs a value"
case_end

case_begin "--fail-under outside 0-100 is a usage error"
run "$ATTEST" scan --fail-under 101
expect_status 2
case_end

finish
