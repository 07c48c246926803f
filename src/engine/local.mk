## src/engine: catalogs, checks, SQL functions, views, evaluation (doc/design.md).
libattest_la_SOURCES += \
	src/engine/catalog.c \
	src/engine/checks.c \
	src/engine/describe.c \
	src/engine/engine_int.h \
	src/engine/eval.c \
	src/engine/incremental.c \
	src/engine/library.c \
	src/engine/library_int.h \
	src/engine/limits.c \
	src/engine/policy.c \
	src/engine/runcheck.c \
	src/engine/score.c \
	src/engine/sqlfn.c \
	src/engine/sqlfn.h \
	src/engine/sqlfn_iam.c \
	src/engine/sqlfn_iam.h \
	src/engine/sqlfn_iam_tls.c \
	src/engine/sqlfn_json.c \
	src/engine/sqlfn_misc.c \
	src/engine/sqlfn_net.c \
	src/engine/views.c \
	src/engine/xsdate.c
