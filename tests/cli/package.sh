#!/bin/sh
# The signed audit package (doc/audit-package.md): written to a directory
# and to a .tar.gz with Ed25519 and RSA keys, verified, checked with the
# openssl command line and GNU tar, and every kind of tampering caught with a
# message naming the file: a changed byte, a removed file, an added file, a
# signature from another key, an edited manifest, a wrong public key, a
# certificate that does not match; hostile archives refused. The inventory:
# kept by scan --keep-inputs (once per content), supplied with --input, or
# recorded as missing.
. "$top_srcdir/tests/cli/lib.sh"
command -v openssl >/dev/null || { echo "# SKIP: openssl not installed"; exit 77; }
command -v python3 >/dev/null || { echo "# SKIP: python3 not installed"; exit 77; }
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
for f in reports/report.json reports/report.xml reports/oscal.xml reports/xccdf.xml \
	reports/junit.xml reports/report.csv reports/report.pdf manifest.json manifest.sig \
	evidence/cis-aws-3.0/1.4.json inventory/1-estate.json; do
	expect_file "$WORK/p1/$f"
done
cmp -s "$WORK/p1/inventory/1-estate.json" "$SAMPLE" || fail "the inventory copy differs from the input"
jq_is "$WORK/p1/manifest.json" '.scan.id' "$ID"
jq_is "$WORK/p1/manifest.json" '.inventory.complete' true
jq_is "$WORK/p1/manifest.json" '.signature.algorithm' ed25519
jq_is "$WORK/p1/manifest.json" '[.files[].path] | . == sort' true
jq_is "$WORK/p1/manifest.json" '.files | map(select(.path == "reports/report.pdf")) | length' 1
n_disk=$(cd "$WORK/p1" && find . -type f | wc -l)
jq_is "$WORK/p1/manifest.json" '.files | length + 2' "$n_disk"
jq_is "$WORK/p1/evidence/cis-aws-3.0/1.4.json" '.control.id' 1.4
jq_is "$WORK/p1/evidence/cis-aws-3.0/1.4.json" '.findings | length > 0' true
jq_is "$WORK/p1/evidence/cis-aws-3.0/1.4.json" '.findings[0].evidence | type' object
run "$ATTEST" verify "$WORK/p1" --pubkey "$K/ed.pub"
expect_status 0; expect_out "^OK"
case_end

case_begin "control ids become safe file names"
[ -e "$WORK/p1/evidence/hipaa" ] || fail "no hipaa evidence"
f=$(ls "$WORK/p1/evidence/hipaa" | grep '164.312%28a%29' | head -1)
[ -n "$f" ] || fail "no percent-encoded HIPAA control file: $(ls "$WORK/p1/evidence/hipaa" | head -3)"
case_end

case_begin "the signature checks with the openssl command line (raw Ed25519)"
openssl pkeyutl -verify -pubin -inkey "$K/ed.pub" -rawin -in "$WORK/p1/manifest.json" \
	-sigfile "$WORK/p1/manifest.sig" >/dev/null 2>&1 || fail "openssl pkeyutl rejects the signature"
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
run "$ATTEST" package latest -o "$WORK/p3.tar.gz" --key "$K/rsa.pem" --cert "$K/rsa.crt"
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
rm "$WORK/c2/evidence/cis-aws-3.0/1.4.json"
verify_fails "$WORK/c2" "FAIL evidence/cis-aws-3.0/1.4.json: missing" --pubkey "$K/ed.pub"
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

case_begin "usage errors"
run "$ATTEST" package latest --key "$K/ed.pem"
expect_status 2
run "$ATTEST" package latest -o "$WORK/x"
expect_status 2
run "$ATTEST" verify
expect_status 2
case_end

finish
