/*
 * The JSON side of the AWS protocols (JSON 1.0/1.1 with X-Amz-Target, and
 * REST-JSON): parsing an answer with jansson, turning the epoch-second
 * timestamps these protocols send into the ISO 8601 strings the inventory
 * uses, and reading the error code of a failed call whatever protocol it
 * came in (JSON __type or code, the x-amzn-ErrorType header, or the XML
 * <Error> of the query protocols). Also the small text helpers the services
 * share: percent-encoding, URL-decoding and IAM's encoded policy documents.
 */
#include "config.h"

#include "collect/aws/protocol.h"
#include "collect/aws/sigv4.h"

#include <stdlib.h>
#include <string.h>

attest_rc
aws_json_parse(attest_ctx *ctx, const char *what, const char *body, size_t len, json_t **out)
{
	json_error_t err;
	json_t *v;

	*out = NULL;
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (!v)
		return core_error(ctx, ATTEST_ERR_PARSE,
				  "cannot parse the answer of '%s' at line %d, column %d: %s", what,
				  err.line, err.column, err.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return core_error(ctx, ATTEST_ERR_PARSE, "answer of '%s' is not a JSON object",
				  what);
	}
	*out = v;
	return ATTEST_OK;
}

/* Timestamp members that JSON 1.1 and REST-JSON services send as epoch
 * seconds. CloudWatch Logs' epoch-millisecond members (creationTime) are
 * not here: the API documents them as numbers and the inventory keeps them. */
static const char *const time_keys[] = {
	"CreationDate", "DeletionDate", "ValidTo", "LatestDeliveryTime", "LatestNotificationTime",
	"StartLoggingTime", "StopLoggingTime", "LatestCloudWatchLogsDeliveryTime",
	"LatestDigestDeliveryTime", "TimeLoggingStarted", "TimeLoggingStopped",
	"LatestDeliveryAttemptTime", "LatestNotificationAttemptTime",
	"LatestDeliveryAttemptSucceeded_", "lastStartTime", "lastStopTime", "lastStatusChangeTime",
	"CreationTime", "Timestamp",
	/* DynamoDB, Secrets Manager, Backup, ECR, ACM */
	"CreationDateTime", "EarliestRestorableDateTime", "LatestRestorableDateTime",
	"LastIncreaseDateTime", "LastDecreaseDateTime", "LastUpdateToPayPerRequestDateTime",
	"CreatedDate", "LastChangedDate", "LastAccessedDate", "LastRotatedDate", "NextRotationDate",
	"DeletedDate", "LockDate", "LastExecutionDate", "createdAt", "NotBefore", "NotAfter",
	"CreatedAt", "IssuedAt", "ImportedAt", "RevokedAt", NULL};

static bool
is_time_key(const char *k)
{
	size_t i;

	for (i = 0; time_keys[i]; i++)
		if (strcmp(time_keys[i], k) == 0)
			return true;
	return false;
}

void
aws_json_fix_times(json_t *v)
{
	const char *k;
	json_t *x, *s;
	size_t i;
	char iso[21];

	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
		{
			/* Years 1970 to 9999 only: core_time_iso() has room
			 * for four digits, and nothing else is a real time. */
			if (json_is_number(x) && is_time_key(k) && json_number_value(x) >= 0 &&
			    json_number_value(x) < 253402300800.0) {
				core_time_iso((time_t)json_number_value(x), iso);
				s = json_string(iso);
				if (s)
					json_object_set_new(v, k, s);
			} else {
				aws_json_fix_times(x);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) aws_json_fix_times(x);
	}
}

static void
copy_trim(char *dst, size_t size, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "aws.protocoltests#ThrottlingException" or "Foo:http://..." -> the name. */
static void
short_code(char *code)
{
	char *p = strrchr(code, '#');

	if (p)
		memmove(code, p + 1, strlen(p + 1) + 1);
	p = strchr(code, ':');
	if (p)
		*p = '\0';
}

static void
xml_error(const char *body, size_t len, char *code, size_t code_size, char *msg, size_t msg_size)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr err;
	char *c, *m;
	attest_ctx *scratch = attest_ctx_new();

	if (!scratch)
		return;
	if (core_xml_load_memory(scratch, "error", body, len, NULL, &doc) == ATTEST_OK) {
		err = aws_xml_find(xmlDocGetRootElement(doc), "Error");
		c = aws_xml_child_text(err, "Code");
		m = aws_xml_child_text(err, "Message");
		if (c)
			copy_trim(code, code_size, c, strlen(c));
		if (m)
			copy_trim(msg, msg_size, m, strlen(m));
		free(c);
		free(m);
	}
	xmlFreeDoc(doc);
	attest_ctx_free(scratch);
}

static void
json_error(const char *body, size_t len, char *code, size_t code_size, char *msg, size_t msg_size)
{
	json_t *v = json_loadb(body, len, 0, NULL), *x;

	if (!json_is_object(v)) {
		json_decref(v);
		return;
	}
	x = json_object_get(v, "__type");
	if (!json_is_string(x))
		x = json_object_get(v, "code");
	if (!json_is_string(x))
		x = json_object_get(v, "Code");
	if (json_is_string(x))
		copy_trim(code, code_size, json_string_value(x), json_string_length(x));
	x = json_object_get(v, "message");
	if (!json_is_string(x))
		x = json_object_get(v, "Message");
	if (json_is_string(x))
		copy_trim(msg, msg_size, json_string_value(x), json_string_length(x));
	json_decref(v);
}

void
aws_error_parse(long status, const char *errtype_header, const char *body, size_t len, char *code,
		size_t code_size, char *msg, size_t msg_size)
{
	size_t i = 0;

	code[0] = '\0';
	msg[0] = '\0';
	while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
		i++;
	if (i < len && body[i] == '<')
		xml_error(body, len, code, code_size, msg, msg_size);
	else if (i < len && body[i] == '{')
		json_error(body, len, code, code_size, msg, msg_size);
	if (!code[0] && errtype_header && *errtype_header)
		copy_trim(code, code_size, errtype_header, strlen(errtype_header));
	short_code(code);
	if (!code[0]) {
		/* HEAD-like answers without a body: name the status. */
		switch (status) {
		case 400:
			snprintf(code, code_size, "BadRequest");
			break;
		case 403:
			snprintf(code, code_size, "AccessDenied");
			break;
		case 404:
			snprintf(code, code_size, "NotFound");
			break;
		case 501:
			snprintf(code, code_size, "NotImplemented");
			break;
		default:
			snprintf(code, code_size, "HTTP%ld", status);
			break;
		}
	}
	if (!msg[0])
		snprintf(msg, msg_size, "HTTP status %ld", status);
}

attest_rc
aws_buf_encode(struct core_buf *b, const char *s, bool keep_slash)
{
	char *e = aws_uri_encode(s, strlen(s), keep_slash);
	attest_rc rc;

	if (!e)
		return ATTEST_ERR_NOMEM;
	rc = core_buf_adds(b, e);
	free(e);
	return rc;
}

char *
aws_uri_decode(const char *s, bool plus)
{
	char *out = malloc(strlen(s) + 1), *d = out;
	int hi, lo;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s == '%' && (hi = core_hex_digit(s[1])) >= 0 &&
		    (lo = core_hex_digit(s[2])) >= 0) {
			*d++ = (char)(hi * 16 + lo);
			s += 2;
		} else if (*s == '+' && plus) {
			*d++ = ' ';
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
	return out;
}

json_t *
aws_policy_parse(const char *text)
{
	json_t *v;
	char *dec;

	if (!text)
		return NULL;
	v = json_loads(text, 0, NULL);
	if (v)
		return v;
	/* IAM sends policy documents URL-encoded (RFC 3986, no '+'). */
	dec = aws_uri_decode(text, false);
	if (!dec)
		return NULL;
	v = json_loads(dec, 0, NULL);
	free(dec);
	return v;
}
