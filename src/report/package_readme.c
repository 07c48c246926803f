/*
 * README.txt of a package, for an auditor who opens it cold: what the
 * package covers, what each folder holds, warnings and limitations, and how
 * to verify it with openssl and sha256sum alone. The verification commands
 * are lines that start with four spaces and "$ ": they are meant to be run
 * as written, in the package's directory, with PUBKEY naming the signer's
 * public key (tests/cli/package.sh runs exactly those lines).
 */
#include "config.h"

#include "package_int.h"

#include <string.h>

/* Writes text wrapped at 76 columns, each line indented. */
static void
wrap(FILE *fp, const char *indent, const char *text)
{
	const char *word = text, *end;
	size_t col = 0, n;

	while (*word) {
		while (*word == ' ')
			word++;
		if (*word == '\n') {
			fputs("\n", fp);
			col = 0;
			word++;
			continue;
		}
		if (!*word)
			break;
		for (end = word; *end && *end != ' ' && *end != '\n'; end++)
			;
		n = (size_t)(end - word);
		if (col && col + 1 + n > 76) {
			fputc('\n', fp);
			col = 0;
		}
		if (!col) {
			fputs(indent, fp);
			col = strlen(indent);
		} else {
			fputc(' ', fp);
			col++;
		}
		fwrite(word, 1, n, fp);
		col += n;
		word = end;
	}
	if (col)
		fputc('\n', fp);
}

static void
heading(FILE *fp, const char *title)
{
	size_t i, n = strlen(title);

	fprintf(fp, "\n%s\n", title);
	for (i = 0; i < n; i++)
		fputc('=', fp);
	fputs("\n\n", fp);
}

static void
folder(FILE *fp, const char *path, const char *what)
{
	fprintf(fp, "%s\n", path);
	wrap(fp, "    ", what);
}

static void
verification(FILE *fp, struct pkg *p)
{
	bool ed = strcmp(p->algorithm, "ed25519") == 0;

	heading(fp, "How to verify this package");
	wrap(fp, "",
	     "You need the signer's public key (PEM), obtained from the signer by another "
	     "channel, never from this package; openssl 3.0 or later; GNU coreutils and "
	     "findutils. Extract an archive first (tar -xzf PACKAGE.tar.gz -C DIR), then run the "
	     "commands below (the lines after \"$ \") in the package's directory, with the "
	     "variable PUBKEY naming the signer's public key, e.g. PUBKEY=/path/to/signer.pub. "
	     "Each command exits 0 when the check holds and non-zero when it does not.");
	fputs("\n", fp);
	wrap(fp, "",
	     ed ? "1. SHA256SUMS is signed by the signer's key (Ed25519, the raw 64-byte "
		  "signature over the file's exact bytes in SHA256SUMS.sig); openssl prints "
		  "\"Signature Verified Successfully\":"
		: "1. SHA256SUMS is signed by the signer's key (RSA PKCS#1 v1.5 over SHA-256, "
		  "the raw signature in SHA256SUMS.sig); openssl prints \"Verified OK\":");
	fputs("\n", fp);
	if (ed)
		fputs("    $ openssl pkeyutl -verify -pubin -inkey \"$PUBKEY\" -rawin -in SHA256SUMS "
		      "-sigfile SHA256SUMS.sig\n\n",
		      fp);
	else
		fputs("    $ openssl dgst -sha256 -verify \"$PUBKEY\" -signature SHA256SUMS.sig "
		      "SHA256SUMS\n\n",
		      fp);
	wrap(fp, "", "2. Every file SHA256SUMS lists is present and unchanged:");
	fputs("\n    $ sha256sum --check --strict --quiet SHA256SUMS\n\n", fp);
	wrap(fp, "",
	     "3. No file was added: every file of the package but SHA256SUMS and its "
	     "signature is listed in SHA256SUMS (the command prints nothing):");
	fputs("\n    $ test -z \"$( (cut -c67- SHA256SUMS; find . ! -type d | sed 's|^\\./||') "
	      "| LC_ALL=C sort | uniq -u | grep -v -x -e SHA256SUMS -e SHA256SUMS.sig)\"\n\n",
	      fp);
	wrap(fp, "",
	     "SHA256SUMS lists manifest.json and manifest.sig too: they hold the same digests "
	     "for 'attest verify PACKAGE --pubkey signer.pub', which makes all three checks at "
	     "once, signed by the same key.");
}

static void
evidence_digests(FILE *fp, const struct pkg_readme *r)
{
	heading(fp, "Evidence digests");
	wrap(fp, "",
	     "Each finding of the scan is one line of evidence/checks/CHECK.ndjson, stored "
	     "once however many frameworks rely on it. index.csv has a row for every "
	     "(framework, control, finding); its last three columns are the finding's digest, "
	     "the evidence file and the line in it. The digest is the SHA-256 of that line, "
	     "its final newline included, which is what 'sed -n LINEp FILE | sha256sum' "
	     "prints. The SHA-256 of a whole evidence file, as the controls files and the "
	     "reports quote it, is its line in SHA256SUMS.");
	if (r->example_file) {
		fputs("\n", fp);
		wrap(fp, "", "For example, the first failing finding of index.csv:");
		fprintf(fp, "\n    sed -n %lldp %s | sha256sum\n    prints %s\n", r->example_line,
			r->example_file, r->example_sha256);
	}
	fputs("\n", fp);
	wrap(fp, "",
	     "4. Every row of index.csv names the line it describes (a few milliseconds per "
	     "finding; on a large package, check a random sample by putting 'shuf -n 1000 |' "
	     "before 'while'):");
	fputs("\n    $ tail -n +2 index.csv | awk -F, '{print $(NF-2), $(NF-1), $NF}' | sort -u "
	      "| while read -r digest file line; do test \"$(sed -n \"${line}p;${line}q\" "
	      "\"$file\" | sha256sum | cut -c1-64)\" = \"$digest\" || { echo \"FAIL $file line "
	      "$line\"; exit 1; }; done\n",
	      fp);
}

attest_rc
pkg_write_readme(struct pkg *p, const struct pkg_readme *r)
{
	const char *const *f;
	FILE *fp;
	attest_rc rc;

	if ((rc = pkg_open(p, PKG_README, &fp)) != ATTEST_OK)
		return rc;
	fprintf(fp, "%s\n\n", r->title);
	wrap(fp, "", r->about);
	heading(fp, "What each file and folder holds");
	folder(fp, PKG_README, "this file");
	for (f = r->folders; f[0]; f += 2)
		if (r->cert || strcmp(f[0], PKG_CERTIFICATE) != 0)
			folder(fp, f[0], f[1]);
	folder(fp, PKG_MANIFEST,
	       "what the package holds, for programs: its subject, the reports, the signing key's "
	       "SHA-256, and every other file with its SHA-256 and size");
	folder(fp, PKG_SIGNATURE, "the signature of manifest.json (read by attest verify)");
	folder(fp, PKG_SUMS, "the SHA-256 of every other file, in the format of sha256sum");
	folder(fp, PKG_SUMS_SIG, "the signature of SHA256SUMS");
	if (r->notes) {
		heading(fp, "Warnings and limitations");
		wrap(fp, "", r->notes);
	}
	verification(fp, p);
	if (r->evidence_digests)
		evidence_digests(fp, r);
	return pkg_close(p, fp, PKG_README);
}
