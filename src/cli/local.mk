## src/cli: the attest program (doc/design.md).
attest_SOURCES += \
	src/cli/cli.h \
	src/cli/cli_collect.h \
	src/cli/cmd_catalog.c \
	src/cli/cmd_collect.c \
	src/cli/cmd_db.c \
	src/cli/cmd_diff.c \
	src/cli/cmd_help.c \
	src/cli/cmd_history.c \
	src/cli/cmd_package.c \
	src/cli/cmd_report.c \
	src/cli/cmd_scan.c \
	src/cli/cmd_show.c \
	src/cli/cmd_trend.c \
	src/cli/cmd_verify.c \
	src/cli/cmd_watch.c \
	src/cli/history_changes.c \
	src/cli/history_cli.h \
	src/cli/main.c \
	src/cli/numbers.c \
	src/cli/options.c \
	src/cli/options.h \
	src/cli/output.c \
	src/cli/output.h \
	src/cli/paths.c \
	src/cli/paths.h
