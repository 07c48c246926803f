/*
 * Inside the report module: what the XML renderers (native XML, OSCAL,
 * XCCDF, JUnit) share. A streaming libxml2 text writer bound to the caller's
 * FILE, text cleaned to what XML 1.0 can carry, and name-based (version 5)
 * UUIDs so that rendering a stored scan twice gives the same document.
 */
#ifndef ATTEST_REPORT_XMLOUT_H
#define ATTEST_REPORT_XMLOUT_H

#include "report_int.h"

#include <libxml/xmlwriter.h>

/* Leaves through the caller's out: label when a writer call fails. */
#define TRY(expr)                                                                                  \
	do {                                                                                       \
		if ((expr) < 0)                                                                    \
			goto out;                                                                  \
	} while (0)

struct report_xml {
	xmlTextWriterPtr w;
	attest_store *store;
	const char *what;     /* the report's name, for messages */
	struct core_buf text; /* scratch for cleaned text */
	bool failed;          /* a writer call failed */
};

/* Starts a document on out (not closed by _close). what names the report in
 * error messages ("the OSCAL report"). */
attest_rc report_xml_open(struct report_xml *x, attest_store *store, FILE *out, const char *what);
/* Ends the document when rc is ATTEST_OK, flushes and frees the writer, and
 * returns rc, or an I/O error when a write failed. */
attest_rc report_xml_close(struct report_xml *x, attest_rc rc);

/* Each returns 0, or -1 after marking the writer failed. Text is cleaned:
 * invalid UTF-8 and characters XML 1.0 forbids become U+FFFD. */
int report_xml_start(struct report_xml *x, const char *name);
int report_xml_start_ns(struct report_xml *x, const char *name, const char *ns);
int report_xml_end(struct report_xml *x);
int report_xml_attr(struct report_xml *x, const char *name, const char *value);
int report_xml_attrf(struct report_xml *x, const char *name, const char *fmt, ...)
	ATTEST_PRINTF(3, 4);
int report_xml_text(struct report_xml *x, const char *text);
int report_xml_textf(struct report_xml *x, const char *fmt, ...) ATTEST_PRINTF(2, 3);
/* <name>text</name>; with text NULL nothing is written. */
int report_xml_elem(struct report_xml *x, const char *name, const char *text);

/* Ends a part of the document: ATTEST_ERR_IO once a write failed, else rc;
 * a failure that was no write's is reported as a read error of the store
 * ("<what>: <sqlite message>"). Call it before finalizing the statements. */
attest_rc report_xml_result(struct report_xml *x, attest_rc rc, const char *what);

/* Runs row(data, st) over every row of st (prepared, parameters bound) and
 * finalizes it; what is the message of a failed read. A row() below 0
 * stops: -1 a failed write, -2 a store error already on the context. */
attest_rc report_xml_each_row(struct report_xml *x, sqlite3_stmt *st,
			      int (*row)(void *data, sqlite3_stmt *st), void *data,
			      const char *what);

/* The attestations of a scan (?1) with their control's title, for the
 * XCCDF and OSCAL renderers: 0 framework, 1 control, 2 title, 3 attested_by,
 * 4 attested_on, 5 statement, 6 evidence, 7 evidence_href, 8 expires,
 * 9 active. */
#define REPORT_ATTESTED_SQL                                                                        \
	"SELECT a.framework, a.control_id, c.title, a.attested_by, a.attested_on, a.statement,"    \
	" a.evidence, a.evidence_href, a.expires, a.active FROM scan_attestations a"               \
	" LEFT JOIN scan_controls c ON c.scan_id = a.scan_id AND c.framework = a.framework"        \
	"   AND c.control_id = a.control_id"                                                       \
	" WHERE a.scan_id = ?1 ORDER BY a.framework, a.control_id"

/* Integer attributes: names[i] gets column col + i of st, for n names. */
int report_xml_int_attrs(struct report_xml *x, sqlite3_stmt *st, int col, const char *const names[],
			 size_t n);
/* <reference href="...">title</reference> for each {"href", "title"} of a
 * JSON array of references; entries without an href are left out. */
int report_xml_references(struct report_xml *x, const json_t *refs);

/* The text with every byte sequence XML 1.0 cannot carry replaced by U+FFFD;
 * either s itself or a buffer valid until the next call. NULL on overflow. */
const char *report_xml_clean(struct core_buf *b, const char *s);

/* The id token of a framework's control, "<framework>__<control>", each part
 * with letters, digits, '.' and '-' kept and every other byte (and '_', the
 * escape itself, and a leading non-letter) written as _HH: a valid OSCAL
 * token and XML NCName, reversible, so two controls never share one.
 * cis-aws-3.0 2.1.4 -> cis-aws-3.0__2.1.4; hipaa 164.312(a)(2)(iv) ->
 * hipaa__164.312_28a_29_282_29_28iv_29. Into b (reset first); NULL when b
 * overflows. */
const char *report_control_token(struct core_buf *b, const char *framework, const char *control);
/* An XML Schema dateTime for a stored date: "2026-09-15" becomes
 * "2026-09-15T00:00:00Z", a full time is kept. Into out; "" for "". */
const char *report_xml_datetime(const char *date, char out[40]);

/* A version 5 (SHA-1, RFC 4122) UUID of the name "scan_id\nkind\nitem" in
 * attest's namespace: the same inputs always give the same UUID. False only
 * when the digest could not be computed. */
bool report_uuid(const char *scan_id, const char *kind, const char *item, char out[37]);

#endif
