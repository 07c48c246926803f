# Sourced by collect.sh: the third-party S3 emulator s3rver (npm), started on
# a free loopback port. Buckets and their locations go through the real
# client code; s3rver's 501 NotImplemented answers (encryption, public access
# block, policy, ...) must be recorded collection errors that withhold the
# bucket type, never a crash or a pass. Skips when npm or its registry is
# unavailable. The package is cached under ${XDG_CACHE_HOME:-~/.cache}.
case_begin "s3rver: buckets listed, NotImplemented answers recorded"
S3RVER_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/attest-tests/s3rver
s3rver_ok=
if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
	if [ -x "$S3RVER_DIR/node_modules/.bin/s3rver" ] ||
		{ mkdir -p "$S3RVER_DIR" && timeout 180 npm install --prefix "$S3RVER_DIR" --no-audit --no-fund s3rver@3 >"$WORK/npm.log" 2>&1; }; then
		s3rver_ok=1
	fi
fi
if [ -z "$s3rver_ok" ]; then
	echo "s3rver unavailable (npm or registry missing): case skipped"
else
	mkdir -p "$WORK/s3data/alpha-bucket" "$WORK/s3data/beta-bucket"
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$WORK/s3port"
	S3PORT=$(cat "$WORK/s3port")
	"$S3RVER_DIR/node_modules/.bin/s3rver" -d "$WORK/s3data" -a 127.0.0.1 -p "$S3PORT" --silent \
		--configure-bucket alpha-bucket --configure-bucket beta-bucket >"$WORK/s3rver.log" 2>&1 &
	S3PID=$!
	i=0
	while ! (exec 3<>"/dev/tcp/127.0.0.1/$S3PORT") 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	start_server
	# Everything from the test server, except S3 from s3rver, with s3rver's
	# fixed key S3RVER/S3RVER (which the test server also accepts).
	run env -u AWS_PROFILE AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
		AWS_REGION=us-east-1 AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" \
		AWS_ENDPOINT_URL_S3="http://127.0.0.1:$S3PORT" AWS_CONFIG_FILE=/nonexistent \
		AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true no_proxy='*' \
		"$ATTEST" collect aws --regions us-east-1 -o "$WORK/s3rver.ndjson"
	kill "$S3PID" 2>/dev/null; wait "$S3PID" 2>/dev/null
	if [ "$status" = 0 ]; then
		head -n 1 "$WORK/s3rver.ndjson" >"$WORK/s3h.json"
		jq_is "$WORK/s3h.json" '[.collection_log[] | select(.service == "s3" and (.operation == "ListBuckets" or .operation == "GetBucketLocation"))] | length' 0
		jq_is "$WORK/s3h.json" '[.collection_log[] | select(.service == "s3" and .error_code == "NotImplemented") | .operation] | unique | length > 0' true
		jq_is "$WORK/s3h.json" '.collected_types | index("AWS::S3::Bucket")' null
	else
		fail "collection with s3rver failed: $(head -c 600 "$WORK/err")"
	fi
fi
case_end
