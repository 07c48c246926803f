## src/store: the history database (doc/design.md).
libattest_la_SOURCES += \
	src/store/changes.c \
	src/store/changes_read.c \
	src/store/diff.c \
	src/store/digest.c \
	src/store/history.c \
	src/store/history_int.h \
	src/store/inputs.c \
	src/store/maintain.c \
	src/store/outbox.c \
	src/store/outbox.h \
	src/store/redact.c \
	src/store/redact_text.c \
	src/store/schema.c \
	src/store/store.c \
	src/store/store_int.h \
	src/store/transfer.c \
	src/store/transfer_file.c \
	src/store/trend.c \
	src/store/validate.c \
	src/store/watch.c
