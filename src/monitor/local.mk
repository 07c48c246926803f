## src/monitor: attest watch, events, deltas and alerts (doc/design.md).
libattest_la_SOURCES += \
	src/monitor/alert.h \
	src/monitor/alert_curl.c \
	src/monitor/alert_curl.h \
	src/monitor/alert_deliver.c \
	src/monitor/alert_eval.c \
	src/monitor/alert_int.h \
	src/monitor/alert_payload.c \
	src/monitor/alert_rules.c \
	src/monitor/alert_rules_file.c \
	src/monitor/alert_smtp.c \
	src/monitor/alert_sns.c \
	src/monitor/alert_webhook.c \
	src/monitor/apply.c \
	src/monitor/batch.c \
	src/monitor/event.c \
	src/monitor/event.h \
	src/monitor/event_table.c \
	src/monitor/monitor.h \
	src/monitor/process.c \
	src/monitor/state.c \
	src/monitor/watch.c \
	src/monitor/watch.h
