/*
 * The option tables of options.h turned into getopt_long's arrays, the
 * "Options:" part of a command's help and man(7) paragraphs.
 */
#include "config.h"

#include "options.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Help texts start in this column; a longer option puts its help on the
 * next line. Lines are at most WRAP columns long. */
#define HELP_COLUMN 27
#define WRAP 80

void
cli_getopt_init(struct cli_getopt *g, const struct cli_optgroup *groups)
{
	const struct cli_option *o;
	size_t n = 0, s = 0;

	g->shortopts[s++] = ':';
	for (; groups->opts; groups++)
		for (o = groups->opts; o->name; o++) {
			/* A table larger than the arrays is a programming error
			 * that every help test shows at once. */
			if (n == CLI_MAX_OPTIONS)
				abort();
			g->longopts[n++] = (struct option){
				o->name, o->arg ? required_argument : no_argument, NULL, o->id};
			if (o->short_name) {
				g->shortopts[s++] = (char)o->short_name;
				if (o->arg)
					g->shortopts[s++] = ':';
			}
		}
	g->longopts[n] = (struct option){NULL, 0, NULL, 0};
	g->shortopts[s] = '\0';
	optind = 1;
	opterr = 0;
}

int
cli_getopt_next(struct cli_getopt *g, int argc, char **argv)
{
	return getopt_long(argc, argv, g->shortopts, g->longopts, NULL);
}

/* Writes text from column col on, wrapped at WRAP, each further line
 * indented to indent. */
static void
print_wrapped(const char *text, size_t col, size_t indent, FILE *out)
{
	const char *p = text, *end;
	size_t len;
	bool first = true;

	while (*p) {
		while (*p == ' ')
			p++;
		end = strchr(p, ' ');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0)
			break;
		if (!first && col + 1 + len > WRAP) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += len;
		first = false;
		p += len;
	}
	fputc('\n', out);
}

void
cli_options_print(const struct cli_optgroup *groups, FILE *out)
{
	const struct cli_option *o;
	int col;

	fputs("Options:\n", out);
	for (; groups->opts; groups++) {
		if (groups->heading)
			print_wrapped(groups->heading, 0, 0, out);
		for (o = groups->opts; o->name; o++) {
			if (o->short_name)
				col = fprintf(out, "  -%c, --%s", o->short_name, o->name);
			else
				col = fprintf(out, "      --%s", o->name);
			if (o->arg)
				col += fprintf(out, " %s", o->arg);
			/* Two spaces at least, so that the option ends where
			 * two spaces start (tests/cli/man.sh reads it so). */
			if (col <= HELP_COLUMN - 2)
				fprintf(out, "%*s", HELP_COLUMN - col, "");
			else
				fprintf(out, "\n%*s", HELP_COLUMN, "");
			print_wrapped(o->help, HELP_COLUMN, HELP_COLUMN, out);
		}
	}
}

/* One line of text, escaped, ended by a newline. */
static void
roff_line(const char *p, size_t len, FILE *out)
{
	const char *end = p + len;
	char prev = ' ';

	if (p < end && (*p == '.' || *p == '\''))
		fputs("\\&", out);
	for (; p < end; prev = *p++) {
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-' && !isalnum((unsigned char)prev))
			fputs("\\-", out);
		else
			fputc(*p, out);
	}
	fputc('\n', out);
}

void
cli_roff_text(const char *text, FILE *out)
{
	const char *para = text, *end, *line, *nl;
	bool pre;

	for (;;) {
		while (*para == '\n')
			para++;
		if (!*para)
			break;
		end = strstr(para, "\n\n");
		if (!end)
			end = para + strlen(para);
		/* A paragraph with indented lines is a table: kept as it is. */
		pre = *para == ' ' || memmem(para, (size_t)(end - para), "\n ", 2);
		if (para != text)
			fputs(".PP\n", out);
		if (pre)
			fputs(".nf\n", out);
		for (line = para; line < end; line = nl + 1) {
			nl = memchr(line, '\n', (size_t)(end - line));
			if (!nl)
				nl = end;
			roff_line(line, (size_t)(nl - line), out);
			if (nl == end)
				break;
		}
		if (pre)
			fputs(".fi\n", out);
		para = end;
	}
}

const char *
cli_roff_synopsis(const char *usage, FILE *out)
{
	const char *line = usage, *nl;

	fputs(".nf\n", out);
	while (*line && *line != '\n') {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		if (strncmp(line, "usage: ", 7) == 0)
			line += 7;
		while (*line == ' ')
			line++;
		roff_line(line, (size_t)(nl - line), out);
		line = *nl ? nl + 1 : nl;
	}
	fputs(".fi\n", out);
	return *line == '\n' ? line + 1 : NULL;
}

/* Option and argument names: letters, digits and punctuation with no
 * meaning to roff but the dash. */
static void
roff_name(const char *name, FILE *out)
{
	for (; *name; name++)
		if (*name == '-')
			fputs("\\-", out);
		else
			fputc(*name, out);
}

void
cli_options_man(const struct cli_optgroup *groups, FILE *out)
{
	const struct cli_option *o;

	for (; groups->opts; groups++) {
		if (groups->heading) {
			fputs(".PP\n", out);
			cli_roff_text(groups->heading, out);
		}
		for (o = groups->opts; o->name; o++) {
			fputs(".TP\n", out);
			if (o->short_name)
				fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
			fputs("\\fB\\-\\-", out);
			roff_name(o->name, out);
			fputs("\\fR", out);
			if (o->arg) {
				fputs(" \\fI", out);
				roff_name(o->arg, out);
				fputs("\\fR", out);
			}
			fputc('\n', out);
			cli_roff_text(o->help, out);
		}
	}
}
