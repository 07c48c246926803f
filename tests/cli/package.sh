#!/bin/sh
# The signed audit package (doc/audit-package.md): written to a directory
# and to a .tar.gz with Ed25519 and RSA keys, verified, checked with the
# openssl command line and GNU tar, and every kind of tampering caught with a
# message naming the file: a changed byte, a removed file, an added file, a
# signature from another key, an edited manifest or checksums list, a wrong
# public key, a certificate that does not match; hostile archives refused.
# The README's own verification commands, run as written, pass on a package
# and fail on each kind of tampering. index.csv matches the evidence files,
# evidence is stored once, the registers flag lapsed exceptions and
# attestations. The inventory: kept by scan --keep-inputs (once per
# content), supplied with --input, redacted with --redact-inventory, or
# recorded as missing. Period packages: tests/cli/package_period.sh.
. "$top_srcdir/tests/cli/lib.sh"
command -v openssl >/dev/null || { echo "openssl not installed: run install-deps.sh"; exit 1; }
command -v python3 >/dev/null || { echo "python3 not installed: run install-deps.sh"; exit 1; }
K="$WORK/keys"
mkdir -p "$K"
openssl genpkey -algorithm ed25519 -out "$K/ed.pem" 2>/dev/null
openssl pkey -in "$K/ed.pem" -pubout -out "$K/ed.pub"
openssl genpkey -algorithm ed25519 -out "$K/other.pem" 2>/dev/null
openssl pkey -in "$K/other.pem" -pubout -out "$K/other.pub"
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$K/rsa.pem" 2>/dev/null
openssl pkey -in "$K/rsa.pem" -pubout -out "$K/rsa.pub"
openssl req -new -x509 -key "$K/rsa.pem" -subj "/CN=attest test signer" -days 30 \
	-out "$K/rsa.crt" 2>/dev/null
SAMPLE="$top_srcdir/samples/estate.json"

# readme_recipe PKG PUBKEY: runs the commands of PKG's README.txt (its lines
# "    $ COMMAND") exactly as written, in PKG, with PUBKEY set; the status of
# the first that fails (0 when all pass). Output in $WORK/recipe.out.
readme_recipe() {
	sed -n 's/^    \$ //p' "$1/README.txt" >"$WORK/recipe.sh"
	[ -s "$WORK/recipe.sh" ] || { echo "no commands in $1/README.txt" >"$WORK/recipe.out"; return 99; }
	(cd "$1" && PUBKEY=$2 sh -e "$WORK/recipe.sh") >"$WORK/recipe.out" 2>&1
}

# verify_fails PKG PATTERN [ARGS...]: verify exits 1 and prints PATTERN.
verify_fails() {
	pkg=$1 pat=$2
	shift 2
	run "$ATTEST" verify "$pkg" "$@"
	expect_status 1
	grep -q -- "$pat" "$WORK/out" "$WORK/err" ||
		fail "verify did not say '$pat': $(cat "$WORK/out" "$WORK/err" | head -c 800)"
}

case_begin "a scan with --keep-inputs packages to a directory that verifies"
run "$ATTEST" scan -q --keep-inputs
expect_status 0
ID=$(sqlite3 "$ATTEST_DB" 'SELECT scan_id FROM scans')
run "$ATTEST" package "$ID" -o "$WORK/p1" --key "$K/ed.pem"
expect_status 0; expect_out "1 of 1 inventory files"
expect_err "warning: the package ships 1 inventory file unredacted"
for f in reports/report.json reports/report.xml reports/oscal.xml reports/xccdf.xml \
	reports/junit.xml reports/report.csv reports/report.pdf manifest.json manifest.sig \
	README.txt SHA256SUMS SHA256SUMS.sig index.csv registers/exceptions.csv \
	registers/attestations.csv evidence/controls/cis-aws-3.0/1.4.json \
	evidence/checks/iam-root-access-keys-absent.ndjson inventory/1-estate.json; do
	expect_file "$WORK/p1/$f"
done
grep -q "^CONFIDENTIAL: inventory/ holds 1 inventory file exactly as read, unredacted" \
	"$WORK/p1/README.txt" || fail "the README does not warn about the unredacted inventory"
cmp -s "$WORK/p1/inventory/1-estate.json" "$SAMPLE" || fail "the inventory copy differs from the input"
jq_is "$WORK/p1/manifest.json" '.scan.id' "$ID"
jq_is "$WORK/p1/manifest.json" '.inventory.complete' true
jq_is "$WORK/p1/manifest.json" '.signature.algorithm' ed25519
jq_is "$WORK/p1/manifest.json" '[.files[].path] | . == sort' true
jq_is "$WORK/p1/manifest.json" '.files | map(select(.path == "reports/report.pdf")) | length' 1
n_disk=$(cd "$WORK/p1" && find . -type f | wc -l)
jq_is "$WORK/p1/manifest.json" '.files | length + 4' "$n_disk"
jq_is "$WORK/p1/manifest.json" '.format' attest-package/2
jq_is "$WORK/p1/manifest.json" '.inventory.redacted' false
C14="$WORK/p1/evidence/controls/cis-aws-3.0/1.4.json"
jq_is "$C14" '.control.id' 1.4
jq_is "$C14" '.checks[0].evidence.file' evidence/checks/iam-root-access-keys-absent.ndjson
jq_is "$C14" '.checks[0].evidence.findings > 0' true
jq_is "$C14" 'has("findings")' false
head -1 "$WORK/p1/evidence/checks/iam-root-access-keys-absent.ndjson" >"$WORK/line.json"
jq_is "$WORK/line.json" '.evidence | type' object
jq_is "$WORK/line.json" '.resource.account | test("^[0-9]{12}$")' true
run "$ATTEST" verify "$WORK/p1" --pubkey "$K/ed.pub"
expect_status 0; expect_out "^OK"
case_end

case_begin "control ids become safe file names"
[ -e "$WORK/p1/evidence/controls/hipaa" ] || fail "no hipaa evidence"
f=$(ls "$WORK/p1/evidence/controls/hipaa" | grep '164.312%28a%29' | head -1)
[ -n "$f" ] || fail "no percent-encoded HIPAA control file: $(ls "$WORK/p1/evidence/controls/hipaa" | head -3)"
case_end

case_begin "the signature checks with the openssl command line (raw Ed25519)"
openssl pkeyutl -verify -pubin -inkey "$K/ed.pub" -rawin -in "$WORK/p1/manifest.json" \
	-sigfile "$WORK/p1/manifest.sig" >/dev/null 2>&1 || fail "openssl pkeyutl rejects the signature"
case_end

case_begin "the README's own openssl/sha256sum commands, run as written, verify the package"
grep -q '^    \$ openssl pkeyutl -verify -pubin -inkey "\$PUBKEY" -rawin -in SHA256SUMS' \
	"$WORK/p1/README.txt" || fail "the README has no openssl command for Ed25519"
grep -q '^    \$ sha256sum --check --strict --quiet SHA256SUMS$' "$WORK/p1/README.txt" ||
	fail "the README has no sha256sum command"
[ "$(grep -c '^    \$ ' "$WORK/p1/README.txt")" = 4 ] || fail "the README should hold 4 commands"
readme_recipe "$WORK/p1" "$K/ed.pub" || fail "the README's commands fail: $(cat "$WORK/recipe.out")"
grep -q "Signature Verified Successfully" "$WORK/recipe.out" || fail "openssl said: $(cat "$WORK/recipe.out")"
# the worked example of the README is true too
ex=$(sed -n 's/^    sed -n \([0-9]*\)p \(.*\) | sha256sum$/\1 \2/p' "$WORK/p1/README.txt")
want=$(sed -n 's/^    prints \([0-9a-f]\{64\}\)$/\1/p' "$WORK/p1/README.txt")
[ -n "$ex" ] && [ -n "$want" ] || fail "no worked example in the README"
set -- $ex
[ "$(cd "$WORK/p1" && sed -n "$1p" "$2" | sha256sum | cut -c1-64)" = "$want" ] ||
	fail "the README's example digest is wrong"
grep -q ",fail,.*,$want," "$WORK/p1/index.csv" || fail "the example is not a failing row of index.csv"
case_end

case_begin "the README's commands fail on a changed file, an added file, another key's signature"
cp -R "$WORK/p1" "$WORK/r1"
printf 'X' | dd of="$WORK/r1/evidence/checks/iam-root-access-keys-absent.ndjson" bs=1 seek=5 \
	conv=notrunc 2>/dev/null
readme_recipe "$WORK/r1" "$K/ed.pub" && fail "a changed evidence file passes the README's checks"
grep -q "iam-root-access-keys-absent.ndjson: FAILED" "$WORK/recipe.out" ||
	fail "sha256sum did not name the file: $(cat "$WORK/recipe.out")"
cp -R "$WORK/p1" "$WORK/r2"
echo extra >"$WORK/r2/evidence/notes.txt"
readme_recipe "$WORK/r2" "$K/ed.pub" && fail "an added file passes the README's checks"
readme_recipe "$WORK/p1" "$K/other.pub" && fail "another key passes the README's checks"
grep -q "Signature Verification Failure" "$WORK/recipe.out" || fail "openssl said: $(cat "$WORK/recipe.out")"
case_end

case_begin "the README's index check catches a row that does not match its line (even re-signed)"
# An edited evidence line, with SHA256SUMS recomputed and signed again by the
# same key: steps 1-3 pass, the index check (step 4) must not.
cp -R "$WORK/p1" "$WORK/r3"
f=evidence/checks/iam-root-access-keys-absent.ndjson
sed -i '2s/"status":"fail"/"status":"pass"/' "$WORK/r3/$f"
cmp -s "$WORK/r3/$f" "$WORK/p1/$f" && fail "the edit did not happen"
(cd "$WORK/r3" && find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.sig | sed 's|^\./||' |
	LC_ALL=C sort | xargs sha256sum >SHA256SUMS &&
	openssl pkeyutl -sign -inkey "$K/ed.pem" -rawin -in SHA256SUMS -out SHA256SUMS.sig)
readme_recipe "$WORK/r3" "$K/ed.pub" && fail "an index row that does not match its line passes"
grep -q "FAIL $f line 2" "$WORK/recipe.out" || fail "step 4 said: $(cat "$WORK/recipe.out")"
verify_fails "$WORK/r3" "FAIL manifest.sig\|FAIL $f: changed" --pubkey "$K/ed.pub"
case_end

case_begin "index.csv: a row per (framework, control, finding) with account and the digest of its line"
IDX="$WORK/p1/index.csv"
[ "$(head -1 "$IDX")" = "framework,control,check,resource_type,resource,account,region,status,exception,digest,file,line" ] ||
	fail "header: $(head -1 "$IDX")"
want=$(sqlite3 "$ATTEST_DB" "SELECT count(*) FROM scan_control_checks m JOIN findings f
	ON f.scan_id = m.scan_id AND f.check_id = m.check_id WHERE m.scan_id = '$ID'")
[ "$(($(wc -l <"$IDX") - 1))" = "$want" ] || fail "index.csv has $(($(wc -l <"$IDX") - 1)) rows, not $want"
nofail=$(sqlite3 "$ATTEST_DB" "SELECT count(*) FROM scan_control_checks m JOIN findings f
	ON f.scan_id = m.scan_id AND f.check_id = m.check_id
	WHERE m.scan_id = '$ID' AND f.status = 'fail'")
[ "$(grep -c '^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[0-9]\{12\},[^,]*,fail,' "$IDX")" = "$nofail" ] ||
	fail "not every failing row names its 12-digit account"
# every evidence line is named by at least one row; each row's file and line exist
python3 - "$WORK/p1" <<'EOF2' || fail "index.csv does not match the evidence files"
import csv, hashlib, os, sys
root = sys.argv[1]
lines = {}
for name in os.listdir(os.path.join(root, "evidence/checks")):
    rel = "evidence/checks/" + name
    with open(os.path.join(root, rel), "rb") as f:
        for i, l in enumerate(f, 1):
            lines[(rel, i)] = (hashlib.sha256(l).hexdigest(), l)
seen = set()
with open(os.path.join(root, "index.csv"), newline="") as f:
    for row in csv.DictReader(f):
        key = (row["file"], int(row["line"]))
        if key not in lines or lines[key][0] != row["digest"]:
            sys.exit("row %r names no line with its digest" % row)
        import json
        j = json.loads(lines[key][1])
        if (j["check"], j["status"], j["resource"]["id"] or "", j["resource"]["account"] or "") != \
           (row["check"], row["status"], row["resource"], row["account"]):
            sys.exit("row %r does not describe its line" % row)
        seen.add(key)
missing = set(lines) - seen
if missing:
    sys.exit("%d evidence lines in no row, e.g. %r" % (len(missing), sorted(missing)[0]))
EOF2
case_end

case_begin "evidence is stored once: one line per finding, referenced from every framework"
n_lines=$(cat "$WORK"/p1/evidence/checks/*.ndjson | wc -l)
[ "$n_lines" = "$(sqlite3 "$ATTEST_DB" "SELECT count(*) FROM findings WHERE scan_id = '$ID'")" ] ||
	fail "$n_lines evidence lines for the scan's findings"
[ -z "$(cat "$WORK"/p1/evidence/checks/*.ndjson | sort | uniq -d | head -1)" ] || fail "a finding is stored twice"
grep -rl '"findings": \[' "$WORK/p1/evidence/controls" | head -1 | grep -q . &&
	fail "a control file copies findings"
# a check used by several frameworks is one file, named by each with its digest
f=evidence/checks/iam-root-access-keys-absent.ndjson
sha=$(cd "$WORK/p1" && sha256sum "$f" | cut -c1-64)
n=$(grep -rl "\"sha256\": \"$sha\"" "$WORK/p1/evidence/controls" | wc -l)
[ "$n" -ge 3 ] || fail "only $n control files refer to $f by its digest"
[ "$(grep -rl "\"file\": \"$f\"" "$WORK/p1/evidence/controls" | wc -l)" = "$n" ] ||
	fail "a control refers to $f with another digest"
case_end

case_begin "a .tar.gz package verifies, and GNU tar extracts it to a package that verifies"
run "$ATTEST" package latest -o "$WORK/p2.tar.gz" --key "$K/ed.pem"
expect_status 0
run "$ATTEST" verify "$WORK/p2.tar.gz" --pubkey "$K/ed.pub"
expect_status 0; expect_out "^OK"
mkdir "$WORK/x2" && tar -xzf "$WORK/p2.tar.gz" -C "$WORK/x2" || fail "tar cannot extract it"
run "$ATTEST" verify "$WORK/x2" --pubkey "$K/ed.pub"
expect_status 0
ls "$WORK" | grep -q 'tmp-' && fail "a temporary file or directory was left: $(ls "$WORK")"
case_end

case_begin "RSA with a certificate: verify without --pubkey says integrity, not identity"
# A package of a small scan, in a database of its own: its README's commands
# run once per finding, and the sample's package was checked above.
run "$ATTEST" scan -q --db "$WORK/small.db" "$DATA/inventory/s3-only.json"
expect_status 0
run "$ATTEST" package latest --db "$WORK/small.db" -o "$WORK/p3.tar.gz" --key "$K/rsa.pem" --cert "$K/rsa.crt"
expect_status 0
run "$ATTEST" verify "$WORK/p3.tar.gz"
expect_status 1; expect_err "give --pubkey"
run "$ATTEST" verify --trust-package-cert "$WORK/p3.tar.gz"
expect_status 0; expect_out "integrity, not identity"
run "$ATTEST" verify "$WORK/p3.tar.gz" --pubkey "$K/rsa.pub"
expect_status 0
run "$ATTEST" verify "$WORK/p3.tar.gz" --pubkey "$K/rsa.crt"
expect_status 0
mkdir "$WORK/x3" && tar -xzf "$WORK/p3.tar.gz" -C "$WORK/x3"
jq_is "$WORK/x3/manifest.json" '.signature.algorithm' rsa-sha256
openssl dgst -sha256 -verify "$K/rsa.pub" -signature "$WORK/x3/manifest.sig" \
	"$WORK/x3/manifest.json" >/dev/null 2>&1 || fail "openssl dgst rejects the RSA signature"
readme_recipe "$WORK/x3" "$K/rsa.pub" || fail "the README's RSA commands fail: $(cat "$WORK/recipe.out")"
grep -q "Verified OK" "$WORK/recipe.out" || fail "openssl said: $(cat "$WORK/recipe.out")"
grep -q "certificate.pem" "$WORK/x3/README.txt" || fail "the README does not describe the certificate"
case_end

case_begin "a wrong --pubkey fails"
verify_fails "$WORK/p1" "manifest.sig: bad signature" --pubkey "$K/other.pub"
verify_fails "$WORK/p3.tar.gz" "certificate.pem: its public key is not the key" --pubkey "$K/ed.pub"
case_end

case_begin "no key at all: a package without certificate needs --pubkey"
verify_fails "$WORK/p1" "give --pubkey"
case_end

case_begin "one corrupted byte of a report is caught"
cp -R "$WORK/p1" "$WORK/c1"
printf 'X' | dd of="$WORK/c1/reports/report.csv" bs=1 seek=10 conv=notrunc 2>/dev/null
verify_fails "$WORK/c1" "FAIL reports/report.csv: changed" --pubkey "$K/ed.pub"
case_end

case_begin "a removed file is caught"
cp -R "$WORK/p1" "$WORK/c2"
rm "$WORK/c2/evidence/controls/cis-aws-3.0/1.4.json"
verify_fails "$WORK/c2" "FAIL evidence/controls/cis-aws-3.0/1.4.json: missing" --pubkey "$K/ed.pub"
case_end

case_begin "an added file is caught"
cp -R "$WORK/p1" "$WORK/c3"
echo extra >"$WORK/c3/reports/notes.txt"
verify_fails "$WORK/c3" "FAIL reports/notes.txt: added" --pubkey "$K/ed.pub"
ln -s /etc/passwd "$WORK/c3/link"
verify_fails "$WORK/c3" "FAIL link: added.*symbolic link" --pubkey "$K/ed.pub"
case_end

case_begin "a signature swapped from a package signed by another key is caught"
run "$ATTEST" package latest -o "$WORK/p4" --key "$K/other.pem"
expect_status 0
cp -R "$WORK/p1" "$WORK/c4"
cp "$WORK/p4/manifest.sig" "$WORK/c4/manifest.sig"
verify_fails "$WORK/c4" "FAIL manifest.sig: bad signature" --pubkey "$K/ed.pub"
rm "$WORK/c4/manifest.sig"
verify_fails "$WORK/c4" "FAIL manifest.sig: missing" --pubkey "$K/ed.pub"
case_end

case_begin "a tampered manifest is caught, even when it matches the files"
cp -R "$WORK/p1" "$WORK/c5"
printf 'X' | dd of="$WORK/c5/reports/report.csv" bs=1 seek=10 conv=notrunc 2>/dev/null
sha=$(sha256sum "$WORK/c5/reports/report.csv" | cut -d' ' -f1)
jq --arg s "$sha" '(.files[] | select(.path == "reports/report.csv") | .sha256) = $s' \
	"$WORK/c5/manifest.json" >"$WORK/m.json" && mv "$WORK/m.json" "$WORK/c5/manifest.json"
verify_fails "$WORK/c5" "FAIL manifest.sig: bad signature" --pubkey "$K/ed.pub"
grep -q "reports/report.csv" "$WORK/out" && fail "the edited entry should match its file"
echo '{' >"$WORK/c5/manifest.json"
verify_fails "$WORK/c5" "FAIL manifest.json: not valid JSON" --pubkey "$K/ed.pub"
case_end

case_begin "a tampered, missing or unsigned SHA256SUMS is caught"
cp -R "$WORK/p1" "$WORK/c7"
sed -i '/index.csv$/d' "$WORK/c7/SHA256SUMS"
verify_fails "$WORK/c7" "FAIL SHA256SUMS: does not list" --pubkey "$K/ed.pub"
grep -q "SHA256SUMS.sig: bad signature" "$WORK/out" || fail "the signature of SHA256SUMS: $(cat "$WORK/out")"
cp "$WORK/p1/SHA256SUMS" "$WORK/c7/SHA256SUMS"
rm "$WORK/c7/SHA256SUMS.sig"
verify_fails "$WORK/c7" "FAIL SHA256SUMS.sig: missing" --pubkey "$K/ed.pub"
rm "$WORK/c7/SHA256SUMS"
verify_fails "$WORK/c7" "FAIL SHA256SUMS: missing" --pubkey "$K/ed.pub"
cp -R "$WORK/p1" "$WORK/c8"
echo "# a note" >>"$WORK/c8/README.txt"
verify_fails "$WORK/c8" "FAIL README.txt: changed" --pubkey "$K/ed.pub"
case_end

# mktar OUT MODE: a hostile archive made with Python's tarfile.
mktar() {
	python3 - "$1" "$2" <<'EOF'
import io, sys, tarfile
out, mode = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w:gz", format=tarfile.USTAR_FORMAT) as t:
    def add(name, data=b"x", kind=tarfile.REGTYPE, link=""):
        i = tarfile.TarInfo(name); i.size = len(data) if kind == tarfile.REGTYPE else 0
        i.type = kind; i.linkname = link
        t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    add("manifest.json", b"{}")
    if mode == "dotdot": add("../evil.txt")
    if mode == "abs": add("/tmp/evil.txt")
    if mode == "symlink": add("reports/link", kind=tarfile.SYMTYPE, link="/etc/passwd")
    if mode == "device": add("dev", kind=tarfile.CHRTYPE)
    if mode == "dup": add("manifest.json", b"{}")
EOF
}

case_begin "hostile archives are refused: '..', absolute names, links, devices, duplicates"
for m in dotdot abs symlink device dup; do
	mktar "$WORK/bad-$m.tar.gz" "$m"
	run "$ATTEST" verify "$WORK/bad-$m.tar.gz" --pubkey "$K/ed.pub"
	expect_status 1
	expect_err "refusing"
done
[ -e "$WORK/evil.txt" ] && fail "something was extracted"
head -c 100000 "$WORK/p2.tar.gz" >"$WORK/trunc.tar.gz"
run "$ATTEST" verify "$WORK/trunc.tar.gz" --pubkey "$K/ed.pub"
expect_status 1; expect_err "truncated"
echo "not gzip" >"$WORK/plain.tar.gz"
run "$ATTEST" verify "$WORK/plain.tar.gz" --pubkey "$K/ed.pub"
expect_status 1
case_end

case_begin "a changed member of a .tar.gz is caught"
python3 - "$WORK/p2.tar.gz" "$WORK/c6.tar.gz" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1]) as src, tarfile.open(sys.argv[2], "w:gz", format=tarfile.USTAR_FORMAT) as dst:
    for m in src.getmembers():
        data = src.extractfile(m).read()
        if m.name == "reports/report.json":
            data = data.replace(b"cis-aws-3.0", b"cis-aws-3.1", 1)
        m.size = len(data)
        dst.addfile(m, io.BytesIO(data))
EOF
verify_fails "$WORK/c6.tar.gz" "FAIL reports/report.json: changed" --pubkey "$K/ed.pub"
case_end

case_begin "without kept inputs the package says the inventory is missing, and records it"
run "$ATTEST" scan -q
ID2=$(sqlite3 "$ATTEST_DB" "SELECT scan_id FROM scans WHERE scan_id <> '$ID'")
run "$ATTEST" package "$ID2" -o "$WORK/p5" --key "$K/ed.pem"
expect_status 0; expect_err "warning: the package lacks 1 of the scan's 1 inventory files"
jq_is "$WORK/p5/manifest.json" '.inventory.complete' false
jq_is "$WORK/p5/manifest.json" '.inventory.sources[0].file' null
jq_is "$WORK/p5/manifest.json" '.inventory.sources[0].missing | test("--keep-inputs")' true
run "$ATTEST" verify "$WORK/p5" --pubkey "$K/ed.pub"
expect_status 0; expect_out "does not hold the whole inventory"
run "$ATTEST" package "$ID2" -o "$WORK/p6" --key "$K/ed.pem" --require-inventory
expect_status 1; expect_err "not available"
expect_no_file "$WORK/p6"
case_end

case_begin "--input supplies the inventory, checked against the scan's SHA-256"
run "$ATTEST" package "$ID2" -o "$WORK/p7.tgz" --key "$K/ed.pem" --input "$SAMPLE" \
	--require-inventory
expect_status 0; expect_out "1 of 1 inventory files"
echo '{}' >"$WORK/other.json"
run "$ATTEST" package "$ID2" -o "$WORK/p8" --key "$K/ed.pem" --input "$WORK/other.json"
expect_status 1; expect_err "is not an input of scan"
expect_no_file "$WORK/p8"
case_end

case_begin "a failure leaves nothing: bad key, existing directory, unmatched certificate"
echo "not a key" >"$WORK/bad.pem"
run "$ATTEST" package latest -o "$WORK/p9" --key "$WORK/bad.pem"
expect_status 1; expect_err "bad.pem"
expect_no_file "$WORK/p9"
run "$ATTEST" package latest -o "$WORK/p10" --key "$K/ed.pem" --cert "$K/rsa.crt"
expect_status 1; expect_err "not the certificate of the signing key"
expect_no_file "$WORK/p10"
run "$ATTEST" package latest -o "$WORK/p1" --key "$K/ed.pem"
expect_status 1; expect_err "exists already"
ls "$WORK" | grep -q 'tmp-' && fail "a temporary file or directory was left: $(ls "$WORK")"
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out "$K/small.pem" 2>/dev/null
run "$ATTEST" package latest -o "$WORK/p11" --key "$K/small.pem"
expect_status 1; expect_err "at least 2048"
case_end

case_begin "kept inputs are stored once per content and released with their last scan"
run "$ATTEST" scan -q --keep-inputs
expect_status 0
[ "$(sqlite3 "$ATTEST_DB" 'SELECT count(*) FROM input_blobs')" = 1 ] || fail "the same file is stored twice"
[ "$(sqlite3 "$ATTEST_DB" 'SELECT count(*) FROM scan_inputs WHERE kept')" = 2 ] || fail "kept rows"
sqlite3 "$ATTEST_DB" "PRAGMA foreign_keys=ON; DELETE FROM scans WHERE scan_id = '$ID'"
[ "$(sqlite3 "$ATTEST_DB" 'SELECT count(*) FROM input_blobs')" = 1 ] || fail "released too early"
sqlite3 "$ATTEST_DB" "PRAGMA foreign_keys=ON; DELETE FROM scans"
[ "$(sqlite3 "$ATTEST_DB" 'SELECT count(*) FROM input_chunks')" = 0 ] || fail "chunks left behind"
case_end

case_begin "standard input cannot be kept: the scan says so and records why"
run sh -c "\"$ATTEST\" scan -q --keep-inputs - <\"$SAMPLE\""
expect_status 0; expect_err "standard input"
[ "$(sqlite3 "$ATTEST_DB" 'SELECT note FROM scan_inputs WHERE NOT kept')" = \
	"it was read from standard input" ] || fail "note not recorded"
case_end

case_begin "registers: exceptions and attestations, lapsed ones flagged"
run "$ATTEST" scan -q --exceptions "$top_srcdir/samples/exceptions.xml" \
	--attestations "$top_srcdir/samples/attestations.xml"
expect_status 0
run "$ATTEST" package latest -o "$WORK/g1" --key "$K/ed.pem"
expect_status 0
E="$WORK/g1/registers/exceptions.csv"
A="$WORK/g1/registers/attestations.csv"
[ "$(head -1 "$E")" = "exception,check,match,justification,approver,approved,expires,state,lapsed,matched_findings,source" ] ||
	fail "exceptions header: $(head -1 "$E")"
[ "$(grep -c '^EX-' "$E")" = 3 ] || fail "not 3 exceptions: $(cat "$E")"
grep -q '^EX-2025-007,.*,lapsed on 2025-11-01,yes,0,' "$E" || fail "the lapsed exception is not flagged"
grep -q '^EX-2026-021,s3-bucket-mfa-delete-enabled,resource_id=northwind-prod-\*; tag_key=env; tag_value=prod,"MFA delete needs the root user.s MFA for every versioning change; object deletion' "$E" ||
	fail "EX-2026-021 row: $(grep EX-2026-021 "$E")"
grep -q '^EX-2026-021,.*,in force,no,13,' "$E" || fail "EX-2026-021 is not in force with 13 findings"
grep -q '^cis-aws-3.0,5.5,Tom Becker, Platform Lead' "$A" && fail "a comma in a field is not quoted"
grep -q '^cis-aws-3.0,5.5,"Tom Becker, Platform Lead",2025-08-20,2026-08-20,lapsed on 2026-08-20,yes,' "$A" ||
	fail "the lapsed attestation: $(cat "$A")"
[ "$(grep -c ',in force,no,' "$A")" = 2 ] || fail "attestations in force: $(cat "$A")"
n=$(grep -c ',excepted,EX-2026-0' "$WORK/g1/index.csv")
[ "$n" -ge 14 ] || fail "excepted findings in index.csv: $n"
jq_is "$WORK/g1/manifest.json" '.registers.exceptions_lapsed' 1
jq_is "$WORK/g1/manifest.json" '.registers.attestations_lapsed' 1
case_end

# The secrets of tests/data/inventory/secrets.json, none of which a redacted
# package may hold.
SECRETS='Tag-Pa55word-XYZZY sk_live_ENVSECRET4242 AKIAQSECRETEXAMPLE12 bearerSECRETtoken99
PEMSECRET IyEvYmluL2Jhc2gKZXhwb3J0'

case_begin "--redact-inventory: the inventory ships without its secrets, and says so"
run "$ATTEST" scan -q --keep-inputs "$DATA/inventory/secrets.json"
expect_status 0
run "$ATTEST" package latest -o "$WORK/s1" --key "$K/ed.pem"
expect_status 0; expect_err "unredacted"
for s in $SECRETS; do grep -rq "$s" "$WORK/s1/inventory" || fail "the plain package lacks '$s'"; done
run "$ATTEST" package latest -o "$WORK/s2" --key "$K/ed.pem" --redact-inventory
expect_status 0; expect_out "(redacted)"
grep -q unredacted "$WORK/err" && fail "a warning about an unredacted inventory: $(cat "$WORK/err")"
expect_file "$WORK/s2/inventory/1-redacted-secrets.json"
for s in $SECRETS; do grep -rq "$s" "$WORK/s2" && fail "'$s' is in the redacted package"; done
jq_is "$WORK/s2/inventory/1-redacted-secrets.json" '.resources[0].tags.db_password' '[REDACTED]'
jq_is "$WORK/s2/inventory/1-redacted-secrets.json" '.resources[0].tags.Name' billing-worker
jq_is "$WORK/s2/inventory/1-redacted-secrets.json" '.resources[0].account' 111122223333
jq_is "$WORK/s2/manifest.json" '.inventory.redacted' true
jq_is "$WORK/s2/manifest.json" '.inventory.sources[0].redacted' true
tr '\n' ' ' <"$WORK/s2/README.txt" | grep -q "credential-like values replaced by \[REDACTED\]" ||
	fail "the README does not say the inventory is redacted"
run "$ATTEST" verify "$WORK/s2" --pubkey "$K/ed.pub"
expect_status 0
readme_recipe "$WORK/s2" "$K/ed.pub" || fail "README commands: $(cat "$WORK/recipe.out")"
case_end

case_begin "--redact-inventory on gzip-compressed NDJSON given with --input"
jq -c '{attest_inventory, provider, collected_at, accounts, regions, collected_types}' \
	"$DATA/inventory/secrets.json" >"$WORK/secrets.ndjson"
jq -c '.resources[]' "$DATA/inventory/secrets.json" >>"$WORK/secrets.ndjson"
gzip -c "$WORK/secrets.ndjson" >"$WORK/secrets.ndjson.gz"
run "$ATTEST" scan -q "$WORK/secrets.ndjson.gz"
expect_status 0
run "$ATTEST" package latest -o "$WORK/s3" --key "$K/ed.pem" --input "$WORK/secrets.ndjson.gz" \
	--redact-inventory --require-inventory
expect_status 0
R="$WORK/s3/inventory/1-redacted-secrets.ndjson"
expect_file "$R"
[ "$(wc -l <"$R")" = 2 ] || fail "the redacted NDJSON has $(wc -l <"$R") lines"
for s in $SECRETS; do grep -q "$s" "$R" && fail "'$s' is in the redacted NDJSON"; done
sed -n 2p "$R" >"$WORK/res.json"
jq_is "$WORK/res.json" '.configuration.Environment.Variables.MODE' prod
jq_is "$WORK/res.json" '.configuration.Environment.Variables.STRIPE_API_KEY' '[REDACTED]'
case_end

case_begin "usage errors"
run "$ATTEST" package latest --key "$K/ed.pem"
expect_status 2
run "$ATTEST" package latest -o "$WORK/x"
expect_status 2
run "$ATTEST" verify
expect_status 2
case_end

finish
