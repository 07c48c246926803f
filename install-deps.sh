#!/bin/sh
# Installs what attest needs to build and test on Debian 12 / Ubuntu 22.04+:
# the compiler and autotools, the libraries (with headers) and the tools the
# tests use. Runs apt-get directly as root, through sudo otherwise.
set -eu

PACKAGES="
build-essential autoconf automake libtool pkg-config
libsqlite3-dev libjansson-dev libxml2-dev libssl-dev libcurl4-openssl-dev libhpdf-dev
libcunit1-dev
sqlite3 jq libxml2-utils python3-jsonschema ca-certificates git curl
fonts-dejavu-core qpdf poppler-utils mupdf-tools
zlib1g-dev openssl
python3 python3-botocore
clang-format binutils
groff-base
"
# Optional, used when present: clang (libFuzzer targets run briefly in the tests);
# npm (the live-collection test runs the s3rver S3 emulator from npm).
OPTIONAL="clang npm"

if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "install-deps.sh: run as root or install sudo" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $PACKAGES
# OpenSCAP's oscap validates the XCCDF report in the tests (required when CI=true):
# openscap-scanner on Debian 12 and Ubuntu 24.04, libopenscap8 on Ubuntu 22.04.
$SUDO apt-get install -y -q --no-install-recommends openscap-scanner ||
	$SUDO apt-get install -y -q --no-install-recommends libopenscap8
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $OPTIONAL ||
	echo "install-deps.sh: optional packages not installed: $OPTIONAL" >&2
