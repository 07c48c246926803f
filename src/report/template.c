/*
 * Report templates (templates/template.xsd): the organization, logo, fonts,
 * colours, cover and disclaimer texts, the sections in their order, and the
 * limits that keep a large scan's report readable. A template is validated
 * against the bundled schema, so a bad one fails with its file and line;
 * files it names (logo, fonts) are checked when it is loaded, not halfway
 * through rendering. What a template leaves out takes the built-in default,
 * which templates/default.xml spells out.
 */
#include "config.h"

#include "pdf_int.h"
#include "core/xml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"

static const char *const section_names[PDF_SEC_COUNT] = {
	"cover",    "contents", "frame",      "summary",  "controls",
	"findings", "manual",   "exceptions", "appendix", "signoff",
};

const char *
report_section_name(enum pdf_section s)
{
	return s < PDF_SEC_COUNT ? section_names[s] : "?";
}

void
report_template_free(struct report_template *t)
{
	if (!t)
		return;
	free(t->path);
	free(t->organization);
	free(t->title);
	free(t->cover_text);
	free(t->disclaimer);
	free(t->scope);
	free(t->methodology);
	free(t->limitations);
	for (size_t i = 0; i < sizeof(t->signoff) / sizeof(t->signoff[0]); i++)
		free(t->signoff[i]);
	free(t->logo);
	free(t->font_regular);
	free(t->font_bold);
	free(t->font_mono);
	free(t);
}

static struct pdf_rgb
rgb(unsigned v)
{
	return (struct pdf_rgb){(float)((v >> 16) & 0xff) / 255.0f,
				(float)((v >> 8) & 0xff) / 255.0f, (float)(v & 0xff) / 255.0f};
}

static attest_rc
set_defaults(attest_ctx *ctx, struct report_template *t)
{
	size_t i;

	t->title = core_strdup("Cloud compliance audit report");
	t->font_regular = core_strdup(FONT_DIR "DejaVuSans.ttf");
	t->font_bold = core_strdup(FONT_DIR "DejaVuSans-Bold.ttf");
	t->font_mono = core_strdup(FONT_DIR "DejaVuSansMono.ttf");
	if (!t->title || !t->font_regular || !t->font_bold || !t->font_mono)
		return core_nomem(ctx);
	t->primary = rgb(0x1f3a5f);
	t->accent = rgb(0x2e75b6);
	t->text = rgb(0x212121);
	t->muted = rgb(0x6b6b6b);
	t->pass = rgb(0x2e7d32);
	t->fail = rgb(0xc62828);
	t->warning = rgb(0xe65100);
	t->neutral = rgb(0x8a8a8a);
	for (i = 0; i < PDF_SEC_COUNT; i++)
		t->sections[i] = (enum pdf_section)i;
	t->n_sections = PDF_SEC_COUNT;
	t->evidence_lines = 3;
	t->evidence_findings = 200;
	t->trend_scans = 12;
	return ATTEST_OK;
}

/* A path from the template, relative to the template's directory unless
 * absolute; the file must be readable. */
static attest_rc
file_attr(attest_ctx *ctx, const struct report_template *t, xmlNodePtr node, const char *value,
	  const char *what, char **dst)
{
	const char *slash = strrchr(t->path, '/');
	struct core_buf b;
	FILE *fp;
	attest_rc rc;

	core_buf_init(&b, 8192);
	if (value[0] != '/' && slash)
		rc = core_buf_printf(&b, "%.*s/%s", (int)(slash - t->path), t->path, value);
	else
		rc = core_buf_adds(&b, value);
	if (rc != ATTEST_OK) {
		core_buf_release(&b);
		return core_error(ctx, rc, "'%s' at line %ld: %s path too long", t->path,
				  xmlGetLineNo(node), what);
	}
	fp = fopen(b.data, "rb");
	if (!fp) {
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"'%s' at line %ld: cannot read %s '%s': %s", t->path,
				xmlGetLineNo(node), what, b.data, strerror(errno));
		core_buf_release(&b);
		return rc;
	}
	fclose(fp);
	free(*dst);
	*dst = core_buf_take(&b);
	return ATTEST_OK;
}

/* Text as XML files wrap it: each run of white space becomes one space, or
 * a paragraph break ('\n') when it holds a blank line. In place. */
void
report_reflow(char *s)
{
	char *w = s, *r = s;
	int newlines;

	while (*r) {
		if (*r != ' ' && *r != '\t' && *r != '\n' && *r != '\r') {
			*w++ = *r++;
			continue;
		}
		for (newlines = 0; *r == ' ' || *r == '\t' || *r == '\n' || *r == '\r'; r++)
			newlines += *r == '\n';
		*w++ = newlines >= 2 ? '\n' : ' ';
	}
	*w = '\0';
}

static attest_rc
text_elem(attest_ctx *ctx, xmlNodePtr root, const char *name, char **dst)
{
	xmlNodePtr n = core_xml_child(root, name);
	char *v;

	if (!n)
		return ATTEST_OK;
	if (!(v = core_xml_text(n)))
		return core_nomem(ctx);
	report_reflow(v);
	free(*dst);
	*dst = v;
	return ATTEST_OK;
}

static void
color_attr(xmlNodePtr n, const char *name, struct pdf_rgb *dst)
{
	char *v = core_xml_attr(n, name);

	if (v && v[0] == '#') /* the schema guarantees #RRGGBB */
		*dst = rgb((unsigned)strtoul(v + 1, NULL, 16));
	free(v);
}

static void
int_attr(xmlNodePtr n, const char *name, int *dst)
{
	char *v = core_xml_attr(n, name);

	if (v) /* the schema bounds the value */
		*dst = (int)strtol(v, NULL, 10);
	free(v);
}

static attest_rc
read_template(attest_ctx *ctx, struct report_template *t, xmlNodePtr root)
{
	static const char *const fonts[] = {"regular", "bold", "mono"};
	char **font_dst[] = {&t->font_regular, &t->font_bold, &t->font_mono};
	xmlNodePtr n;
	char *v;
	size_t i;
	attest_rc rc;

	if ((rc = text_elem(ctx, root, "organization", &t->organization)) != ATTEST_OK ||
	    (rc = text_elem(ctx, root, "title", &t->title)) != ATTEST_OK ||
	    (rc = text_elem(ctx, root, "cover-text", &t->cover_text)) != ATTEST_OK ||
	    (rc = text_elem(ctx, root, "disclaimer", &t->disclaimer)) != ATTEST_OK ||
	    (rc = text_elem(ctx, root, "scope", &t->scope)) != ATTEST_OK ||
	    (rc = text_elem(ctx, root, "methodology", &t->methodology)) != ATTEST_OK ||
	    (rc = text_elem(ctx, root, "limitations", &t->limitations)) != ATTEST_OK)
		return rc;
	if ((n = core_xml_child(root, "sign-off"))) {
		for (i = 0; i < sizeof(t->signoff) / sizeof(t->signoff[0]); i++)
			free(t->signoff[i]), t->signoff[i] = NULL;
		i = 0;
		for (n = core_xml_child(n, "role");
		     n && i + 1 < sizeof(t->signoff) / sizeof(t->signoff[0]);
		     n = core_xml_next(n->next, "role")) {
			if (!(t->signoff[i] = core_xml_text(n)))
				return core_nomem(ctx);
			report_reflow(t->signoff[i++]);
		}
	}
	if ((n = core_xml_child(root, "logo"))) {
		if (!(v = core_xml_text(n)))
			return core_nomem(ctx);
		rc = file_attr(ctx, t, n, v, "logo", &t->logo);
		free(v);
		if (rc != ATTEST_OK)
			return rc;
	}
	if ((n = core_xml_child(root, "fonts"))) {
		for (i = 0; i < 3; i++) {
			if (!(v = core_xml_attr(n, fonts[i])))
				continue;
			rc = file_attr(ctx, t, n, v, "font", font_dst[i]);
			free(v);
			if (rc != ATTEST_OK)
				return rc;
		}
	}
	if ((n = core_xml_child(root, "colors"))) {
		color_attr(n, "primary", &t->primary);
		color_attr(n, "accent", &t->accent);
		color_attr(n, "text", &t->text);
		color_attr(n, "muted", &t->muted);
		color_attr(n, "pass", &t->pass);
		color_attr(n, "fail", &t->fail);
		color_attr(n, "warning", &t->warning);
		color_attr(n, "neutral", &t->neutral);
	}
	if ((n = core_xml_child(root, "sections"))) {
		t->n_sections = 0;
		for (n = core_xml_child(n, "section"); n; n = core_xml_next(n->next, "section")) {
			if (!(v = core_xml_attr(n, "name")))
				return core_nomem(ctx);
			for (i = 0; i < PDF_SEC_COUNT && strcmp(v, section_names[i]); i++)
				;
			free(v);
			/* The schema admits only known names, each once. */
			if (i < PDF_SEC_COUNT && t->n_sections < PDF_SEC_COUNT)
				t->sections[t->n_sections++] = (enum pdf_section)i;
		}
	}
	if ((n = core_xml_child(root, "limits"))) {
		int_attr(n, "evidence-lines", &t->evidence_lines);
		int_attr(n, "evidence-findings", &t->evidence_findings);
		int_attr(n, "trend-scans", &t->trend_scans);
	}
	if ((n = core_xml_child(root, "page")) && (v = core_xml_attr(n, "size"))) {
		t->letter = strcmp(v, "letter") == 0;
		free(v);
	}
	return ATTEST_OK;
}

attest_rc
report_template_load(attest_ctx *ctx, const char *path, struct report_template **out)
{
	struct report_template *t = calloc(1, sizeof(*t));
	xmlSchemaPtr schema = NULL;
	xmlDocPtr doc = NULL;
	char xsd[4096];
	attest_rc rc;

	*out = NULL;
	if (!t || !(t->path = core_strdup(path))) {
		rc = core_nomem(ctx);
		goto out;
	}
	if ((rc = set_defaults(ctx, t)) != ATTEST_OK)
		goto out;
	if ((rc = core_datadir_path(ctx, xsd, sizeof(xsd), "templates/template.xsd")) !=
		    ATTEST_OK ||
	    (rc = core_xml_schema_load(ctx, xsd, &schema)) != ATTEST_OK ||
	    (rc = core_xml_load(ctx, path, schema, &doc)) != ATTEST_OK)
		goto out;
	if ((rc = read_template(ctx, t, xmlDocGetRootElement(doc))) != ATTEST_OK)
		goto out;
	*out = t;
	t = NULL;
out:
	xmlFreeDoc(doc);
	xmlSchemaFree(schema);
	report_template_free(t);
	return rc;
}

/* What the context holds for reports: the template, and the frameworks and
 * organization asked for in options. */
struct report_settings {
	struct report_template *t;
	char *frameworks; /* a JSON array of ids, or NULL for all */
	char *organization;
};

static void
free_settings(void *data)
{
	struct report_settings *r = data;

	if (!r)
		return;
	report_template_free(r->t);
	free(r->frameworks);
	free(r->organization);
	free(r);
}

static struct report_settings *
settings(attest_ctx *ctx)
{
	struct report_settings *r = core_ctx_report(ctx);

	if (!r && (r = calloc(1, sizeof(*r))))
		core_ctx_set_report(ctx, r, free_settings);
	return r;
}

attest_rc
attest_report_set_template(attest_ctx *ctx, const char *path)
{
	struct report_template *t = NULL;
	struct report_settings *r;
	attest_rc rc;

	if (path && (rc = report_template_load(ctx, path, &t)) != ATTEST_OK)
		return rc;
	if (!(r = settings(ctx))) {
		report_template_free(t);
		return core_nomem(ctx);
	}
	report_template_free(r->t);
	r->t = t;
	return ATTEST_OK;
}

attest_rc
attest_report_set_frameworks(attest_ctx *ctx, const char *const *ids, size_t n)
{
	struct report_settings *r = settings(ctx);
	json_t *a = json_array();
	char *text = NULL;
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(ids[i])) != 0)
			break;
	if (!r || !a || i < n || (n > 0 && !(text = json_dumps(a, JSON_COMPACT)))) {
		json_decref(a);
		return core_nomem(ctx);
	}
	json_decref(a);
	free(r->frameworks);
	r->frameworks = text;
	return ATTEST_OK;
}

attest_rc
attest_report_set_organization(attest_ctx *ctx, const char *name)
{
	struct report_settings *r = settings(ctx);
	char *v = name ? core_strdup(name) : NULL;

	if (!r || (name && !v)) {
		free(v);
		return core_nomem(ctx);
	}
	if (v)
		report_reflow(v);
	free(r->organization);
	r->organization = v;
	return ATTEST_OK;
}

const char *
report_frameworks(attest_ctx *ctx)
{
	const struct report_settings *r = core_ctx_report(ctx);

	return r ? r->frameworks : NULL;
}

const char *
report_organization(attest_ctx *ctx, const struct report_template *t, bool *is_default)
{
	const struct report_settings *r = core_ctx_report(ctx);

	*is_default = false;
	if (r && r->organization)
		return r->organization;
	*is_default = !t->organization || strcmp(t->organization, REPORT_DEFAULT_ORGANIZATION) == 0;
	return t->organization ? t->organization : REPORT_DEFAULT_ORGANIZATION;
}

attest_rc
report_template_get(attest_ctx *ctx, const struct report_template **out,
		    struct report_template **owned)
{
	const struct report_settings *r = core_ctx_report(ctx);
	char path[4096];
	attest_rc rc;

	*owned = NULL;
	if (r && (*out = r->t))
		return ATTEST_OK;
	rc = core_datadir_path(ctx, path, sizeof(path), "templates/default.xml");
	if (rc == ATTEST_OK)
		rc = report_template_load(ctx, path, owned);
	*out = *owned;
	return rc;
}
