## src/monitor: attest watch, events, deltas and alerts (doc/design.md).
libattest_la_SOURCES += \
	src/monitor/event.c \
	src/monitor/event.h \
	src/monitor/event_table.c \
	src/monitor/monitor.h
