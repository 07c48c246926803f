## src/core: context, errors, buffers, temporary files, terminal text, paths, digests, XML, SQLite helpers (doc/design.md).
libattest_la_SOURCES += \
	src/core/buf.c \
	src/core/core_int.h \
	src/core/ctx.c \
	src/core/db.c \
	src/core/db.h \
	src/core/digest.c \
	src/core/evaldb.h \
	src/core/path.c \
	src/core/termtext.c \
	src/core/tmpfiles.c \
	src/core/util.c \
	src/core/xml.c \
	src/core/xml.h
