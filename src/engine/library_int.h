/*
 * Inside the engine: the in-memory form of check definitions and framework
 * catalogs. All strings are owned by the struct that holds them.
 */
#ifndef ATTEST_LIBRARY_INT_H
#define ATTEST_LIBRARY_INT_H

#include "core/core_int.h"
#include "core/xml.h"

struct check {
	char *id, *title, *service, *severity, *resource_type;
	char **requires;
	size_t n_requires;
	char *rationale, *steps, *cli, *terraform;
	char *refs; /* JSON array of {"href", "title"} */
	char *query;
	char *file;
	int line;       /* of the <check> element */
	int query_line; /* of the <query> element */
	int gen;        /* which load_dir call brought it */
	bool exposure;  /* a failure means internet exposure */
};

struct control {
	char *id, *title, *description, *note, *section, *level;
	bool manual;
	char **checks;
	size_t n_checks;
	int line;
};

struct framework {
	char *id, *version, *title, *publisher, *description, *file;
	struct control *controls;
	size_t n_controls;
	int gen;
};

struct attest_library {
	attest_ctx *ctx;
	xmlSchemaPtr check_schema, framework_schema;
	struct check **checks;
	size_t n_checks;
	struct framework **frameworks;
	size_t n_frameworks;
	int gen;
	/* the views.sql of each directory loaded with attest_library_load_dir,
	 * in load order (the bundled one is the engine's: src/engine/views.c) */
	char **views;
	size_t n_views;
	/* attest_library_set_check_limits(); 0: from the environment */
	double limit_seconds;
	long long limit_rows, limit_bytes;
};

attest_rc lib_parse_checks(attest_library *lib, const char *path);
attest_rc lib_parse_catalog(attest_library *lib, const char *path);
const struct check *lib_find_check(const attest_library *lib, const char *id);
const struct framework *lib_find_framework(const attest_library *lib, const char *id);
void lib_check_free(struct check *c);
void lib_framework_free(struct framework *fw);

#endif
