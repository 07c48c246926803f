## src/monitor: attest watch, events, deltas and alerts (doc/design.md).
libattest_la_SOURCES += \
	src/monitor/apply.c \
	src/monitor/monitor.h \
	src/monitor/process.c \
	src/monitor/state.c \
	src/monitor/watch.c \
	src/monitor/watch.h
