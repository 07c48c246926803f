/*
 * libFuzzer target for the renderers of untrusted text: whatever the bytes,
 *   - attest_term_escape() leaves nothing a terminal acts on (C0 controls,
 *     DEL, C1 controls, bidirectional overrides and isolates, line and
 *     paragraph separators) and reports the length it would write;
 *   - store_redact() ends (in time linear in the text: libFuzzer's -timeout
 *     catches a quadratic pattern) with the text or its redacted copy, and no
 *     access key id stands in what it returns;
 *   - pdf_cut_words() leaves no word longer than PDF_MAX_WORD bytes plus its
 *     marker.
 */
#include "config.h"

#include "attest.h"
#include "report/pdf_int.h"
#include "store/store_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s holds a byte sequence a terminal would act on. */
static int
raw_control(const unsigned char *s)
{
	for (; *s; s++) {
		if ((*s < 0x20 && *s != '\n') || *s == 0x7f)
			return 1;
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return 1;
		if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xa8 && s[2] <= 0xae)
			return 1;
		if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
			return 1;
	}
	return 0;
}

static void
check_term(const char *text)
{
	size_t need = attest_term_escape(text, NULL, 0), got;
	char *out = malloc(need + 1);

	if (!out)
		return;
	got = attest_term_escape(text, out, need + 1);
	if (got != need || strlen(out) != need || raw_control((const unsigned char *)out))
		abort();
	free(out);
}

/* The first access key id (AKIA/ASIA and 16 upper-case letters or digits,
 * bounded by non-alphanumerics) in text, copied to key. */
static int
access_key(const char *text, char key[21])
{
	const char *p;
	size_t i;

	for (p = text; (p = strstr(p, "A")) != NULL; p++) {
		if (strncmp(p, "AKIA", 4) != 0 && strncmp(p, "ASIA", 4) != 0)
			continue;
		if (p > text && ((p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= 'a' && p[-1] <= 'z') ||
				 (p[-1] >= '0' && p[-1] <= '9')))
			continue;
		for (i = 4; i < 20; i++)
			if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
				break;
		if (i < 20 || (p[20] >= 'A' && p[20] <= 'Z') || (p[20] >= 'a' && p[20] <= 'z') ||
		    (p[20] >= '0' && p[20] <= '9'))
			continue;
		memcpy(key, p, 20);
		key[20] = '\0';
		return 1;
	}
	return 0;
}

static void
check_redact(const char *text)
{
	char key[21], *out = NULL;

	if (store_redact(text, &out) != ATTEST_OK)
		return; /* too large or out of memory: refused, not passed through */
	if (access_key(out ? out : text, key))
		abort();
	free(out);
}

static void
check_cut(const char *text)
{
	char *out = pdf_cut_words(text);
	size_t run = 0;
	const char *s;

	if (!out)
		return;
	for (s = out; *s; s++) {
		run = *s == ' ' || *s == '\n' || *s == '\t' ? 0 : run + 1;
		if (run > PDF_MAX_WORD + 4) /* the marker starts with "…", 3 bytes */
			abort();
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_term(text);
	check_redact(text);
	check_cut(text);
	free(text);
	return 0;
}
