/*
 * OCSF Compliance Finding events (doc/ocsf.md): one finding, given by its
 * fields, as one OCSF 1.6.0 event of class 2003. attest_report_ocsf()
 * (src/attest.h) writes a stored scan's findings through these functions;
 * attest watch writes the events of the findings a change touched with
 * them, without a stored scan. Every pointer of struct report_ocsf_finding
 * is borrowed: the caller keeps ownership and the functions copy what they
 * keep.
 */
#ifndef ATTEST_REPORT_OCSF_H
#define ATTEST_REPORT_OCSF_H

#include "attest.h"

#include <jansson.h>
#include <time.h>

/* The OCSF schema version of every event (metadata.version). */
#define REPORT_OCSF_VERSION "1.6.0"
/* Compliance Finding: category Findings (2), class 2003. */
#define REPORT_OCSF_CATEGORY 2
#define REPORT_OCSF_CLASS 2003

/* activity_id of the Finding classes; type_uid is class * 100 + activity. */
enum report_ocsf_activity {
	REPORT_OCSF_CREATE = 1, /* a scan's result, a finding seen for the first time */
	REPORT_OCSF_UPDATE = 2, /* a finding whose status changed */
	REPORT_OCSF_CLOSE = 3,  /* a finding whose resource is gone */
};

struct report_ocsf_finding {
	/* The check (required: check_id), as the catalog or scan_checks has it. */
	const char *check_id, *title, *rationale, *service;
	const char *severity; /* critical, high, medium, low, informational */
	/* pass, fail, excepted, error, not_applicable, or not_evaluated (a
	 * check that judged no resource because its data was not collected). */
	const char *status;
	/* The resource judged; resource_id NULL for a result of the whole check
	 * (not_evaluated, or an error before any resource was judged). */
	const char *resource_type, *resource_id, *arn, *name, *region, *account;
	const char *reason;
	const json_t *evidence;    /* the redacted evidence; NULL or null: none */
	const json_t *remediation; /* {"steps", "cli", "terraform"} or a string */
	const json_t *references;  /* [{"href", "title"}] of the check */
	const json_t *controls;    /* [{"framework", "control"}] the check supports */
	const json_t *standards;   /* {"framework id": "title"}; NULL: ids as names */
	/* The exception that excepted the finding (status excepted); the
	 * justification with its white space folded. */
	const char *exception_id, *exception_justification, *exception_approver,
		*exception_approved, *exception_expires;
	bool exposed;
	const char *scope;                  /* the scan's scope: uid of a whole-check result */
	const char *scan_id;                /* metadata.correlation_uid; NULL: none */
	const char *event_uid;              /* metadata.uid; NULL: none */
	const char *attest_version;         /* metadata.product.version; NULL: this build's */
	const char *as_of;                  /* the date of the configuration judged */
	time_t time;                        /* when the result was produced (time) */
	enum report_ocsf_activity activity; /* 0: REPORT_OCSF_CREATE */
	const char *previous_status;        /* watch: the status before the change */
	const json_t *cause;                /* watch: the change event, as it wants it shown */
	/* The fields did not come from the history database (which redacts what
	 * enters it): redact the evidence and the reason the same way. */
	bool redact;
};

/* The event of f as a new JSON object; NULL without memory (or for text
 * that is not UTF-8, which the store never holds). */
json_t *report_ocsf_event(const struct report_ocsf_finding *f);
/* Writes the event of f as one line of NDJSON (compact, keys in schema
 * order, ended by a newline). ATTEST_ERR_NOMEM on the ctx as above; a
 * write error shows in ferror(out). */
attest_rc report_ocsf_write(attest_ctx *ctx, const struct report_ocsf_finding *f, FILE *out);

#endif
