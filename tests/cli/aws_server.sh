# Sourced by the CLI scripts that run attest against the loopback AWS test
# server (tests/aws-server/server.py): starting and stopping it, running
# attest with the test key and the server as every endpoint, and its
# control endpoint (control.py) for changing the estate while it runs and
# reading back what it recorded.
command -v python3 >/dev/null 2>&1 || { echo "python3 not installed: run install-deps.sh"; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "curl not installed: run install-deps.sh"; exit 1; }
ACCT=210987654321
ESTATE="$top_srcdir/samples/estate.json"
SERVER_PID=

stop_server() {
	if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
	SERVER_PID=
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# start_server [SCENARIO]: starts the test server (with $SERVER_ARGS too,
# e.g. "--published FILE"), sets PORT.
start_server() {
	stop_server
	: >"$WORK/port"
	python3 "$top_srcdir/tests/aws-server/server.py" --estate "$ESTATE" --account "$ACCT" \
		${1:+--scenario "$1"} ${SERVER_ARGS:-} >"$WORK/port" 2>"$WORK/server.err" &
	SERVER_PID=$!
	i=0
	while ! grep -q PORT "$WORK/port" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(sed -n 's/^PORT //p' "$WORK/port")
	[ -n "$PORT" ] || echo "the test server did not start: $(cat "$WORK/server.err")" >&2
}

# with_aws CMD...: runs CMD with the test key (or $KEY_ID / $SECRET) and the
# server as every endpoint.
with_aws() {
	env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=${KEY_ID:-AKIDATTESTTEST000001} \
		AWS_SECRET_ACCESS_KEY=${SECRET:-attest/test/secret/key/0000000000000000} \
		AWS_REGION=us-east-1 AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" \
		AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
		AWS_EC2_METADATA_DISABLED=true no_proxy='*' NO_PROXY='*' "$@"
}

# collect ARGS...: runs attest collect aws against the server.
collect() { with_aws "$ATTEST" collect aws "$@"; }

# control PATH [JSON]: GET (or POST JSON to) /_control/PATH; the answer on
# stdout, status 1 unless HTTP 200.
control() {
	if [ $# -gt 1 ]; then
		curl -sf --noproxy '*' -X POST --data-binary "$2" "http://127.0.0.1:$PORT/_control/$1"
	else
		curl -sf --noproxy '*' "http://127.0.0.1:$PORT/_control/$1"
	fi
}

# services_called: the services the server answered since it started, one a line.
services_called() {
	control requests | jq -r '.[][0]' | sort -u
}
