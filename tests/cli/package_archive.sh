#!/bin/sh
# attest verify accepts an archive only in exactly the form attest package
# writes it (issue 10 #2): one gzip member and nothing after it, POSIX ustar
# headers as attest writes them, two zero blocks and zero padding to the
# end of the record. Regression cases for the defects found (members after
# the end-of-archive blocks, a lone zero block followed by a member, a
# second gzip member, trailing garbage, a GNU header), then the class: a
# generated corpus of mutations of one valid package (tar_mutations.py)
# where only the pristine archive verifies. Names in the FAIL lines are
# escaped for the terminal (issue 10 #7).
. "$top_srcdir/tests/cli/lib.sh"
command -v openssl >/dev/null || { echo "openssl not installed: run install-deps.sh"; exit 1; }
command -v python3 >/dev/null || { echo "python3 not installed: run install-deps.sh"; exit 1; }
openssl genpkey -algorithm ed25519 -out "$WORK/ed.pem" 2>/dev/null
openssl pkey -in "$WORK/ed.pem" -pubout -out "$WORK/ed.pub"
PUB="$WORK/ed.pub"
MUT="$WORK/mutations"
mkdir "$MUT"

# refused VARIANT TEXT: verify exits 1, with a FAIL line on stdout saying TEXT.
refused() {
	run "$ATTEST" verify "$MUT/$1.tar.gz" --pubkey "$PUB"
	expect_status 1
	grep -q "^FAIL " "$WORK/out" || fail "$1: no FAIL line: $(head -c 300 "$WORK/out")"
	grep -q -- "$2" "$WORK/out" || fail "$1: the FAIL lines do not say '$2': $(head -c 400 "$WORK/out")"
	grep -q "^OK" "$WORK/out" && fail "$1: verify printed OK"
}

case_begin "the pristine package verifies, its tar stream ends on a 10240-byte record"
run "$ATTEST" scan -q
run "$ATTEST" package latest -o "$WORK/p.tar.gz" --key "$WORK/ed.pem"
expect_status 0
run "$ATTEST" verify "$WORK/p.tar.gz" --pubkey "$PUB"
expect_status 0; expect_out "^OK"
[ $(($(gzip -dc "$WORK/p.tar.gz" | wc -c) % 10240)) = 0 ] || fail "the tar stream is not whole records"
n=$(python3 "$top_srcdir/tests/cli/tar_mutations.py" "$WORK/p.tar.gz" "$MUT") ||
	fail "the mutation generator failed"
echo "# tar_mutations.py wrote $n variants"
case_end

case_begin "a member appended after the end-of-archive blocks is refused"
refused append-member-after-end-blocks "data after the end-of-archive blocks"
refused append-member-after-record "data after the end-of-archive blocks"
case_end

case_begin "a lone zero block followed by a member is refused"
refused lone-zero-block-then-member "a lone zero block is followed by more data"
case_end

case_begin "a second gzip member is refused"
refused second-gzip-member-with-member "a second gzip member follows"
case_end

case_begin "trailing garbage after the gzip member is refused"
refused trailing-garbage-text "bytes follow the end of the gzip member"
case_end

case_begin "a GNU 'ustar  ' header (whose prefix GNU tar ignores) is refused"
refused gnu-magic-with-prefix "GNU tar header"
case_end

case_begin "every mutation of the package fails verify, with its reason"
tried=0 refused_n=0
while IFS="$(printf '\t')" read -r name expect; do
	tried=$((tried + 1))
	run "$ATTEST" verify "$MUT/$name.tar.gz" --pubkey "$PUB"
	if [ "$status" != 1 ] || ! grep -q "^FAIL " "$WORK/out" || grep -q "^OK" "$WORK/out"; then
		fail "$name: exit $status: $(head -c 300 "$WORK/out") $(head -c 300 "$WORK/err")"
		continue
	fi
	if [ -n "$expect" ] && ! grep -q -- "$expect" "$WORK/out"; then
		fail "$name: the reason is not '$expect': $(head -c 400 "$WORK/out")"
		continue
	fi
	refused_n=$((refused_n + 1))
	printf '#   %s: %s\n' "$name" "$(grep -m1 '^FAIL ' "$WORK/out" | sed "s|$MUT/||g" | cut -c1-200)"
done <"$MUT/variants.tsv"
echo "# variants tried: $tried, refused: $refused_n"
[ "$tried" -ge 100 ] || fail "only $tried variants"
case_end

case_begin "names in FAIL lines are escaped: ESC, CR, C1 and bidi overrides cannot rewrite them"
python3 - "$WORK/p.tar.gz" "$WORK/esc.tar.gz" <<'EOF'
import gzip, sys, zlib
raw = open(sys.argv[1], "rb").read()
tar = zlib.decompressobj(16 + 15).decompress(raw)
def member(name, data):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"; h[108:116] = b"0000000\0"; h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % len(data); h[136:148] = tar[136:148]; h[156:157] = b"0"
    h[257:265] = b"ustar\x0000"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h) + data + bytes((512 - len(data) % 512) % 512)
end = len(tar.rstrip(b"\0"))
end += (512 - end % 512) % 512
body = tar[:end]
# Sorted after every real member; each name would rewrite the line it is on.
# (A name with C0 controls is refused as unsafe: next case.)
for n in (b"zz-\xc2\x9b2J-c1-csi", b"zz-\xe2\x80\xaetxt.exe", b"zz-\xe2\x81\xa6isolate"):
    body += member(n, b"x")
t = body + bytes(1024)
t += bytes((10240 - len(t) % 10240) % 10240)
open(sys.argv[2], "wb").write(gzip.compress(t, mtime=0))
EOF
run "$ATTEST" verify "$WORK/esc.tar.gz" --pubkey "$PUB"
expect_status 1
LC_ALL=C grep -q "$(printf '[\033\r\007]')" "$WORK/out" "$WORK/err" && fail "a control character reached the terminal"
LC_ALL=C grep -q "$(printf '\302\233\|\342\200\256\|\342\201\246')" "$WORK/out" "$WORK/err" &&
	fail "a C1 control or bidi override reached the terminal"
grep -q 'FAIL zz-\\u{009B}2J-c1-csi: added' "$WORK/out" || fail "C1 CSI not escaped"
grep -q 'FAIL zz-\\u{202E}txt.exe: added' "$WORK/out" || fail "RLO not escaped"
grep -q 'FAIL zz-\\u{2066}isolate: added' "$WORK/out" || fail "LRI not escaped"
# A directory package can hold any name: ESC, CR and BEL.
run "$ATTEST" package latest -o "$WORK/d" --key "$WORK/ed.pem"
: >"$WORK/d/$(printf 'zz-\033[2K\rOK all good')"
: >"$WORK/d/$(printf 'zz-\r\033]0;PWNED\007')"
run "$ATTEST" verify "$WORK/d" --pubkey "$PUB"
expect_status 1
LC_ALL=C grep -q "$(printf '[\033\r\007]')" "$WORK/out" "$WORK/err" && fail "a control character reached the terminal"
grep -q 'FAIL zz-\\x1B\[2K\\rOK all good: added' "$WORK/out" || fail "ESC/CR not escaped: $(cat "$WORK/out")"
grep -q 'FAIL zz-\\r\\x1B\]0;PWNED\\x07: added' "$WORK/out" || fail "OSC title not escaped"
case_end

case_begin "a refused member name is escaped in the FAIL line and on stderr"
python3 - "$WORK/p.tar.gz" "$WORK/esc2.tar.gz" <<'EOF'
import gzip, sys, zlib
tar = bytearray(zlib.decompressobj(16 + 15).decompress(open(sys.argv[1], "rb").read()))
h = tar[0:512]
h[0:100] = b"../\x1b[1A\x1b[2KOK".ljust(100, b"\0")
h[148:156] = b" " * 8
h[148:156] = b"%06o\0 " % sum(h)
tar[0:512] = h
open(sys.argv[2], "wb").write(gzip.compress(bytes(tar), mtime=0))
EOF
run "$ATTEST" verify "$WORK/esc2.tar.gz" --pubkey "$PUB"
expect_status 1
LC_ALL=C grep -q "$(printf '\033')" "$WORK/out" "$WORK/err" && fail "ESC reached the terminal"
grep -q "^FAIL .*refusing.*'\.\./\\\\x1B\[1A\\\\x1B\[2KOK' has an unsafe name" "$WORK/out" ||
	fail "no escaped FAIL line: $(cat "$WORK/out")"
expect_err "unsafe name"
case_end

case_begin "300-byte control ids are cut to ustar names with a marker and a digest (issue 10 #23)"
# Two controls whose ids share their first 290 bytes, in a user catalog.
mkdir -p "$WORK/fw/checks"
A=$(printf 'c%.0s' $(seq 290))
python3 - "$WORK/fw" "$A" <<'EOF'
import sys
d, a = sys.argv[1], sys.argv[2]
q = ("SELECT rid, 'fail' AS status, 'x' AS reason, NULL AS evidence FROM resources"
     " WHERE type = 'AWS::S3::Bucket'")
open(d + "/checks/long.xml", "w").write(
    '<checks xmlns="urn:attest:checks:1"><check id="long-id-check"><title>t</title>'
    '<service>s3</service><severity>low</severity><resource-type>AWS::S3::Bucket'
    '</resource-type><rationale>r</rationale><remediation><steps>s</steps><cli>c</cli>'
    '<terraform>t</terraform></remediation><query><![CDATA[' + q + ']]></query></check>'
    '</checks>')
ctl = "".join('<control id="%s" assessment="automated"><title>c</title>'
              '<check ref="long-id-check"/></control>' % (a + s) for s in ("-first-one", "-second-one"))
open(d + "/long.xml", "w").write(
    '<framework xmlns="urn:attest:framework:1" id="longids" version="1"><title>t</title>'
    '<publisher>p</publisher><description>d</description><section id="1"><title>s</title>'
    + ctl + '</section></framework>')
EOF
export ATTEST_DB="$WORK/long.db"
run "$ATTEST" scan -q --frameworks-dir "$WORK/fw" --framework longids
expect_status 0
run "$ATTEST" package latest -o "$WORK/long.tar.gz" --key "$WORK/ed.pem"
expect_status 0
run "$ATTEST" verify "$WORK/long.tar.gz" --pubkey "$PUB"
expect_status 0; expect_out "^OK"
tar -tzf "$WORK/long.tar.gz" >"$WORK/long.list" || fail "tar cannot list it"
n=$(grep -c '^evidence/controls/longids/c*\.\.\.[0-9a-f]\{12\}\.json$' "$WORK/long.list")
[ "$n" = 2 ] || fail "not two cut, distinct control files: $(grep longids "$WORK/long.list")"
awk '{ if (length($0) > 255) bad = 1 } END { exit bad }' "$WORK/long.list" || fail "a name passes 255 bytes"
mkdir "$WORK/lx" && tar -xzf "$WORK/long.tar.gz" -C "$WORK/lx" || fail "tar cannot extract it"
[ "$(grep -c -e "$A-first-one" -e "$A-second-one" "$WORK/lx/index.csv")" -ge 2 ] ||
	fail "index.csv lacks the full ids"
for f in "$WORK"/lx/evidence/controls/longids/*.json; do
	jq -r .control.id "$f"
done | sort >"$WORK/ids"
printf '%s\n' "$A-first-one" "$A-second-one" >"$WORK/ids.want"
cmp -s "$WORK/ids" "$WORK/ids.want" || fail "the control files do not hold the full ids"
# The same scan packaged again names its files the same way.
run "$ATTEST" package latest -o "$WORK/long2" --key "$WORK/ed.pem"
(cd "$WORK/long2" && find evidence/controls/longids -type f | sort) >"$WORK/l2"
grep '^evidence/controls/longids/' "$WORK/long.list" | sort | cmp -s - "$WORK/l2" ||
	fail "the names are not deterministic"
case_end

finish
