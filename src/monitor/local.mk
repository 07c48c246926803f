## src/monitor: attest watch, events, deltas and alerts (doc/design.md).
libattest_la_SOURCES += \
	src/monitor/monitor.h
