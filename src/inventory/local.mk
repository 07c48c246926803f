## src/inventory: reading inventories into the scan database (doc/design.md).
libattest_la_SOURCES += \
	src/inventory/awsconfig.c \
	src/inventory/awsconfig.h \
	src/inventory/awsconfig_edit.c \
	src/inventory/awsconfig_latest.c \
	src/inventory/awsconfig_norm.c \
	src/inventory/awsconfig_reshape.c \
	src/inventory/awsconfig_s3.c \
	src/inventory/awsconfig_svc.c \
	src/inventory/change.c \
	src/inventory/export.c \
	src/inventory/inventory.c \
	src/inventory/inventory_int.h \
	src/inventory/jsonstream.c \
	src/inventory/jsonstream.h \
	src/inventory/load.c \
	src/inventory/native.c \
	src/inventory/shape.c
