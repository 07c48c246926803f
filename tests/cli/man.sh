#!/bin/sh
# attest(1) against the program: the built page is what `attest help --man`
# writes, it has a section for every command of `attest --help` and nothing
# else, each section lists exactly the options `attest help CMD` prints, in
# the same order, every one of them is accepted by the command, and groff
# renders the page without a warning.
. "$top_srcdir/tests/cli/lib.sh"
: "${ATTEST_MAN:?ATTEST_MAN must name the built doc/attest.1}"

# The commands of `attest --help`, one a line.
commands() {
	"$ATTEST" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p'
}

# help_options CMD: "--name ARG" of every option `attest help CMD` prints.
help_options() {
	"$ATTEST" help "$1" | sed -n 's/^  \(-[a-zA-Z], \|    \)\(--[a-z][^ ]*\( [^ ]\{1,\}\)\{0,1\}\)\(  .*\)\{0,1\}$/\2/p'
}

# man_options CMD: the same from the command's section of the page.
man_options() {
	awk -v cmd="$1" '
		/^\.SS / { in_cmd = ($2 == cmd); next }
		/^\.SH / { in_cmd = 0 }
		in_cmd && tp { print; tp = 0 }
		in_cmd && /^\.TP$/ { tp = 1 }' "$ATTEST_MAN" |
		sed 's/\\f[BIR]//g; s/\\-/-/g; s/^-[a-zA-Z], //'
}

case_begin "the built page is what the program writes"
expect_file "$ATTEST_MAN"
run "$ATTEST" help --man
expect_status 0
cmp -s "$WORK/out" "$ATTEST_MAN" || fail "$ATTEST_MAN differs from 'attest help --man'"
case_end

case_begin "the page has a section for each command and no other"
commands >"$WORK/cmds"
sed -n 's/^\.SS //p' "$ATTEST_MAN" >"$WORK/sections"
[ "$(wc -l <"$WORK/cmds")" -ge 10 ] || fail "only $(wc -l <"$WORK/cmds") commands in --help"
cmp -s "$WORK/cmds" "$WORK/sections" ||
	fail "commands and sections differ: $(diff "$WORK/cmds" "$WORK/sections" | tr '\n' ' ')"
case_end

for cmd in $(commands); do
	case_begin "the options of $cmd are the same in its help and in the page"
	help_options "$cmd" >"$WORK/help_opts"
	man_options "$cmd" >"$WORK/man_opts"
	case $cmd in
	help | version) ;;
	*) [ -s "$WORK/help_opts" ] || fail "'attest help $cmd' lists no option" ;;
	esac
	cmp -s "$WORK/help_opts" "$WORK/man_opts" ||
		fail "$(diff "$WORK/help_opts" "$WORK/man_opts" | tr '\n' ' ')"
	case_end
done

# A value each argument name accepts.
value() {
	case $1 in
	N) echo 1 ;;
	DAYS) echo 31 ;;
	SCORE | POINTS) echo 50 ;;
	DURATION) echo 1h ;;
	SECONDS) echo 5 ;;
	LEVEL) echo high ;;
	FORMAT) echo json ;;
	FROM..TO) echo 2026-01-01..2026-01-31 ;;
	R1,R2*) echo us-east-1 ;;
	*) echo "$WORK/x" ;;
	esac
}

for cmd in $(commands); do
	case_begin "every option $cmd's help lists is one it accepts"
	pre=
	[ "$cmd" = collect ] && pre=aws
	help_options "$cmd" >"$WORK/opts"
	while read -r opt arg; do
		[ "$opt" = --help ] && continue
		if [ -n "$arg" ]; then
			run "$ATTEST" "$cmd" $pre "$opt" "$(value "$arg")" --help
		else
			run "$ATTEST" "$cmd" $pre "$opt" --help
		fi
		[ "$status" = 0 ] && grep -q '^usage: ' "$WORK/out" ||
			fail "'attest $cmd $pre $opt $arg --help' exits $status: $(head -c 300 "$WORK/err")"
	done <"$WORK/opts"
	run "$ATTEST" "$cmd" $pre --no-such-option
	case $cmd in
	help | version) ;;
	*) expect_status 2; expect_err "unknown option" ;;
	esac
	case_end
done

case_begin "groff renders the page without a warning"
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$ATTEST_MAN" 2>"$WORK/groff.err"
	[ $? = 0 ] || fail "groff failed"
	[ ! -s "$WORK/groff.err" ] || fail "groff: $(head -c 600 "$WORK/groff.err")"
	groff -man -Tascii -P-cbou "$ATTEST_MAN" >"$WORK/page.txt" 2>/dev/null
	grep -q -- "--fail-under" "$WORK/page.txt" || fail "the rendered page lacks --fail-under"
	case_end
else
	fail "groff is not installed (groff-base, install-deps.sh)"
	case_end
fi

finish
