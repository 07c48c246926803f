/*
 * One attest finding as an OCSF 1.6.0 Compliance Finding event (class
 * 2003), the mapping doc/ocsf.md states field by field: what the finding's
 * status becomes (the finding's workflow status, the compliance status and
 * the severity), the check as finding_info and compliance.checks, the
 * framework controls as compliance.requirements, the resource, the cloud
 * account, the evidence, the remediation and the exception. What OCSF has
 * no attribute for goes under unmapped.
 */
#include "config.h"

#include "ocsf.h"
#include "report_int.h"

#include <string.h>

/* attest's severities, in OCSF's words (severity_id). */
static const struct {
	const char *attest;
	int id;
	const char *caption;
} severities[] = {
	{"informational", 1, "Informational"},
	{"low", 2, "Low"},
	{"medium", 3, "Medium"},
	{"high", 4, "High"},
	{"critical", 5, "Critical"},
};

/* What each attest status becomes: the finding's status (status_id of the
 * Finding classes: 1 New, 3 Suppressed, 4 Resolved, 99 Other), the
 * compliance status (compliance.status_id: 1 Pass, 2 Warning, 3 Fail, 99
 * Other) and whether severity_id is the check's (an open finding) or
 * Informational (nothing to act on: "no issue was found", in the words of
 * Security Hub's finding format). */
static const struct status_map {
	const char *attest;
	int status_id;
	const char *status;
	int compliance_id;
	const char *compliance;
	bool rated;
} statuses[] = {
	{"pass", 4, "Resolved", 1, "Pass", false},
	{"fail", 1, "New", 3, "Fail", true},
	/* an exception accepts a failure, it never makes it pass */
	{"excepted", 3, "Suppressed", 3, "Fail", true},
	/* the check could not judge the resource: missing information */
	{"error", 1, "New", 2, "Warning", true},
	{"not_evaluated", 1, "New", 2, "Warning", true},
	{"not_applicable", 99, "Not Applicable", 99, "Not Applicable", false},
};
static const struct status_map unknown_status = {"", 0, "Unknown", 0, "Unknown", true};

static const char *const activities[] = {"Unknown", "Create", "Update", "Close"};

static const struct status_map *
status_of(const char *status)
{
	size_t i;

	for (i = 0; status && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(statuses[i].attest, status) == 0)
			return &statuses[i];
	return &unknown_status;
}

static int
severity_id(const char *severity, const char **caption)
{
	size_t i;

	for (i = 0; severity && i < sizeof(severities) / sizeof(severities[0]); i++)
		if (strcmp(severities[i].attest, severity) == 0) {
			*caption = severities[i].caption;
			return severities[i].id;
		}
	*caption = "Unknown";
	return 0;
}

static const char *
nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* The partition of an ARN ("aws", "aws-cn", "aws-us-gov"), into buf. */
static const char *
arn_partition(const char *arn, char *buf, size_t size)
{
	const char *end;

	if (!arn || strncmp(arn, "arn:", 4) != 0 || !(end = strchr(arn + 4, ':')) ||
	    end == arn + 4 || (size_t)(end - arn - 4) >= size)
		return NULL;
	memcpy(buf, arn + 4, (size_t)(end - arn - 4));
	buf[end - arn - 4] = '\0';
	return buf;
}

/* The time as OCSF's timestamp_t (milliseconds since the epoch) and as its
 * datetime profile's RFC 3339 sibling. */
static bool
set_time(json_t *o, const char *key, time_t t)
{
	char iso[21], dt[64];

	core_time_iso(t, iso);
	snprintf(dt, sizeof(dt), "%s_dt", key);
	return json_object_set_new(o, key, json_integer((json_int_t)t * 1000)) == 0 &&
	       json_object_set_new(o, dt, json_string(iso)) == 0;
}

/* A stable id of the finding across scans: the check and the resource
 * (type, id, account, region) as attest diff matches findings; a result of
 * the whole check is the check in the scan's scope. */
static json_t *
finding_uid(const struct report_ocsf_finding *f)
{
	if (!f->resource_id)
		return json_sprintf("attest:%s:%s", f->check_id, f->scope ? f->scope : "");
	return json_sprintf("attest:%s:%s:%s:%s:%s", f->check_id, f->account ? f->account : "",
			    f->region ? f->region : "", f->resource_type ? f->resource_type : "",
			    f->resource_id);
}

/* The frameworks of the controls, once each, by title. */
static json_t *
standards_of(const struct report_ocsf_finding *f)
{
	json_t *out = json_array(), *c, *name;
	const char *fw;
	size_t i, j;
	bool seen;

	json_array_foreach(f->controls, i, c)
	{
		if (!(fw = json_string_value(json_object_get(c, "framework"))))
			continue;
		name = json_object_get(f->standards, fw);
		if (!json_is_string(name))
			name = json_object_get(c, "framework");
		for (seen = false, j = 0; j < json_array_size(out); j++)
			seen = seen || json_equal(json_array_get(out, j), name);
		if (!seen && json_array_append(out, name))
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* "framework/control" of each control the check supports. */
static json_t *
requirements_of(const struct report_ocsf_finding *f)
{
	json_t *out = json_array(), *c;
	size_t i;

	json_array_foreach(f->controls, i, c)
	{
		const char *fw = json_string_value(json_object_get(c, "framework"));
		const char *ctl = json_string_value(json_object_get(c, "control"));

		if (fw && ctl && json_array_append_new(out, json_sprintf("%s/%s", fw, ctl)))
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* "excepted by ID, approved by A on D, expires E", into buf. */
static const char *
exception_text(const struct report_ocsf_finding *f, char *buf, size_t size)
{
	if (!f->exception_id)
		return NULL;
	snprintf(buf, size, "excepted by %s, approved by %s%s%s, expires %s", f->exception_id,
		 f->exception_approver ? f->exception_approver : "(unknown)",
		 f->exception_approved ? " on " : "",
		 f->exception_approved ? f->exception_approved : "",
		 f->exception_expires ? f->exception_expires : "(unknown)");
	return buf;
}

static json_t *
compliance_object(const struct report_ocsf_finding *f, const struct status_map *s, const char *exc,
		  const char *reason)
{
	const char *rule_caption;
	int rule_id = severity_id(f->severity, &rule_caption);
	json_t *standards = standards_of(f), *reqs = requirements_of(f), *details = json_array();
	json_t *o = NULL;

	if (!standards || !reqs || !details)
		goto out;
	if ((nonempty(f->reason) &&
	     json_array_append_new(details, json_string(reason ? reason : f->reason))) ||
	    (exc && json_array_append_new(details, json_string(exc))))
		goto out;
	if (!json_array_size(standards))
		json_decref(standards), standards = NULL;
	if (!json_array_size(reqs))
		json_decref(reqs), reqs = NULL;
	if (!json_array_size(details))
		json_decref(details), details = NULL;
	/* checks[0] names the check; its rationale and standards are already
	 * finding_info.desc and standards, and every byte is paid for at ingest */
	o = json_pack("{s:s, s:O*, s:O*, s:s, s:i, s:s*, s:O*, s:[{s:s, s:s*, s:s*, s:i, s:s,"
		      " s:i}]}",
		      "control", f->check_id, "standards", standards, "requirements", reqs,
		      "status", s->compliance, "status_id", s->compliance_id, "status_code",
		      nonempty(f->status), "status_details", details, "checks", "uid", f->check_id,
		      "name", nonempty(f->title), "severity", nonempty(f->severity), "severity_id",
		      rule_id, "status", s->compliance, "status_id", s->compliance_id);
out:
	json_decref(standards);
	json_decref(reqs);
	json_decref(details);
	return o;
}

/* The resource judged: its id (uid) and ARN (uid_alt) as Security Hub's
 * OCSF findings carry them, and the account that owns it. */
static json_t *
resources_array(const struct report_ocsf_finding *f)
{
	char partition[32];
	json_t *owner = NULL;

	if (!f->resource_id)
		return json_array();
	if (nonempty(f->account))
		owner = json_pack("{s:{s:s, s:s, s:i}}", "account", "uid", f->account, "type",
				  "AWS Account", "type_id", 10);
	return json_pack("[{s:s, s:s*, s:s*, s:s*, s:s*, s:s*, s:o*}]", "uid", f->resource_id,
			 "uid_alt", nonempty(f->arn), "name", nonempty(f->name), "type",
			 nonempty(f->resource_type), "region", nonempty(f->region),
			 "cloud_partition", arn_partition(f->arn, partition, sizeof(partition)),
			 "owner", owner);
}

static json_t *
cloud_object(const struct report_ocsf_finding *f)
{
	json_t *account = NULL;

	if (nonempty(f->account))
		account = json_pack("{s:s, s:s, s:i}", "uid", f->account, "type", "AWS Account",
				    "type_id", 10);
	return json_pack("{s:s, s:o*, s:s*}", "provider", "AWS", "account", account, "region",
			 nonempty(f->region));
}

/* The steps as remediation.desc, the check's references as its references. */
static json_t *
remediation_object(const struct report_ocsf_finding *f)
{
	const char *steps = json_is_string(f->remediation)
				    ? json_string_value(f->remediation)
				    : json_string_value(json_object_get(f->remediation, "steps"));
	json_t *refs = json_array(), *r, *href, *o = NULL;
	size_t i;

	if (!refs)
		return NULL;
	json_array_foreach(f->references, i, r)
	{
		href = json_is_string(r) ? r : json_object_get(r, "href");
		if (json_is_string(href) && json_array_append(refs, href))
			goto out;
	}
	if (!json_array_size(refs))
		json_decref(refs), refs = NULL;
	/* remediation.desc is required: without steps, an empty object, left out */
	o = nonempty(steps) ? json_pack("{s:s, s:O*}", "desc", steps, "references", refs)
			    : json_object();
out:
	json_decref(refs);
	return o;
}

static json_t *
finding_info_object(const struct report_ocsf_finding *f)
{
	json_t *o =
		json_pack("{s:o, s:s*, s:s*, s:{s:s, s:s*, s:s*, s:s, s:i}}", "uid", finding_uid(f),
			  "title", nonempty(f->title), "desc", nonempty(f->rationale), "analytic",
			  "uid", f->check_id, "name", nonempty(f->title), "category",
			  nonempty(f->service), "type", "Rule", "type_id", 1);

	if (o && (!set_time(o, "created_time", f->time) || !set_time(o, "modified_time", f->time)))
		json_decref(o), o = NULL;
	return o;
}

static json_t *
metadata_object(const struct report_ocsf_finding *f)
{
	return json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:[ss], s:s*, s:s*}", "version",
			 REPORT_OCSF_VERSION, "product", "name", "attest", "uid", "attest",
			 "vendor_name", "attest", "version",
			 nonempty(f->attest_version) ? f->attest_version : attest_version(),
			 "url_string", "https://github.com/attest-compliance/attest", "profiles",
			 "cloud", "datetime", "uid", nonempty(f->event_uid), "correlation_uid",
			 nonempty(f->scan_id));
}

/* attest's own fields OCSF has no attribute for. */
static json_t *
unmapped_object(const struct report_ocsf_finding *f)
{
	json_t *exc = NULL;

	if (f->exception_id &&
	    !(exc = json_pack("{s:s, s:s*, s:s*, s:s*, s:s*}", "id", f->exception_id,
			      "justification", f->exception_justification, "approver",
			      f->exception_approver, "approved", f->exception_approved, "expires",
			      f->exception_expires)))
		return NULL;
	return json_pack("{s:b, s:s*, s:o*, s:s*, s:O*}", "exposed", f->exposed, "as_of",
			 nonempty(f->as_of), "exception", exc, "previous_status",
			 nonempty(f->previous_status), "cause", f->cause);
}

/* The evidence redacted as the store redacts what enters it, for a caller
 * whose fields did not come from the history database. */
static json_t *
redacted(const json_t *evidence)
{
	char *text = json_dumps(evidence, JSON_COMPACT | JSON_ENCODE_ANY), *clean = NULL;
	json_t *out = NULL;

	if (text && store_redact(text, &clean) == ATTEST_OK)
		out = clean ? json_loads(clean, JSON_DECODE_ANY, NULL) : json_deep_copy(evidence);
	free(text);
	free(clean);
	return out;
}

/* Sets o[key] to v (a new reference, NULL on failure); false on failure. An
 * empty array or object is left out. */
static bool
add(json_t *o, const char *key, json_t *v)
{
	if (!v)
		return false;
	if ((json_is_array(v) && !json_array_size(v)) ||
	    (json_is_object(v) && !json_object_size(v))) {
		json_decref(v);
		return true;
	}
	return json_object_set_new(o, key, v) == 0;
}

json_t *
report_ocsf_event(const struct report_ocsf_finding *f)
{
	const struct status_map *s = status_of(f->status);
	int activity = f->activity >= REPORT_OCSF_CREATE && f->activity <= REPORT_OCSF_CLOSE
			       ? (int)f->activity
			       : REPORT_OCSF_CREATE;
	const char *severity = "Informational", *exc;
	char excbuf[1024], *reason = NULL;
	json_t *ev = NULL, *evidence = NULL;
	int sev = 1;
	bool ok;

	if (!f->check_id)
		return NULL;
	if (s->rated)
		sev = severity_id(f->severity, &severity);
	exc = exception_text(f, excbuf, sizeof(excbuf));
	if (f->evidence && !json_is_null(f->evidence))
		evidence = f->redact ? redacted(f->evidence) : json_incref((json_t *)f->evidence);
	if (f->redact && nonempty(f->reason) && store_redact_text(f->reason, &reason) != ATTEST_OK)
		goto fail;
	ev = json_pack("{s:i, s:s, s:i, s:s, s:i, s:s, s:I, s:s}", "category_uid",
		       REPORT_OCSF_CATEGORY, "category_name", "Findings", "class_uid",
		       REPORT_OCSF_CLASS, "class_name", "Compliance Finding", "activity_id",
		       activity, "activity_name", activities[activity], "type_uid",
		       (json_int_t)REPORT_OCSF_CLASS * 100 + activity, "type_name",
		       activity == REPORT_OCSF_CREATE   ? "Compliance Finding: Create"
		       : activity == REPORT_OCSF_UPDATE ? "Compliance Finding: Update"
							: "Compliance Finding: Close");
	if (!ev || (f->evidence && !json_is_null(f->evidence) && !evidence))
		goto fail;
	ok = add(ev, "severity_id", json_integer(sev)) &&
	     add(ev, "severity", json_string(severity)) && set_time(ev, "time", f->time) &&
	     add(ev, "timezone_offset", json_integer(0)) &&
	     add(ev, "status_id", json_integer(s->status_id)) &&
	     add(ev, "status", json_string(s->status)) &&
	     (!nonempty(f->status) || add(ev, "status_code", json_string(f->status))) &&
	     (!exc || add(ev, "status_detail", json_string(exc))) &&
	     (!nonempty(f->reason) ||
	      add(ev, "message", json_string(reason ? reason : f->reason))) &&
	     add(ev, "metadata", metadata_object(f)) &&
	     add(ev, "finding_info", finding_info_object(f)) &&
	     add(ev, "compliance", compliance_object(f, s, exc, reason)) &&
	     add(ev, "resources", resources_array(f)) && add(ev, "cloud", cloud_object(f)) &&
	     add(ev, "remediation", remediation_object(f)) &&
	     (!evidence || add(ev, "evidences", json_pack("[{s:O}]", "data", evidence))) &&
	     (!nonempty(f->exception_justification) ||
	      add(ev, "comment", json_string(f->exception_justification))) &&
	     add(ev, "unmapped", unmapped_object(f));
	if (!ok)
		goto fail;
	json_decref(evidence);
	free(reason);
	return ev;
fail:
	json_decref(ev);
	json_decref(evidence);
	free(reason);
	return NULL;
}

attest_rc
report_ocsf_write(attest_ctx *ctx, const struct report_ocsf_finding *f, FILE *out)
{
	json_t *ev = report_ocsf_event(f);

	if (!ev)
		return f->check_id
			       ? core_nomem(ctx)
			       : core_error(ctx, ATTEST_ERR_USAGE, "an OCSF finding needs a check");
	json_dumpf(ev, out, JSON_COMPACT | JSON_PRESERVE_ORDER | REPORT_JSON_REALS);
	fputc('\n', out);
	json_decref(ev);
	return ATTEST_OK;
}
