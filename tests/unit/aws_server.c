/*
 * The loopback AWS test server for the CUnit programs (aws_server.h): a
 * child python3 process whose first line on stdout is "PORT <n>", and
 * libcurl requests to its control endpoint.
 */
#include "config.h"

#include "aws_server.h"
#include "core/core_int.h"
#include "testutil.h"

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Points the AWS variables of the environment at the server. */
static void
aws_env(int port)
{
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	setenv("AWS_ENDPOINT_URL", url, 1);
	setenv("AWS_ACCESS_KEY_ID", TU_AWS_KEY, 1);
	setenv("AWS_SECRET_ACCESS_KEY", TU_AWS_SECRET, 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SESSION_TOKEN");
}

int
tu_aws_server_start(struct tu_aws_server *s, const char *scenario)
{
	char src[1024], script[1200], estate[1200], sc[600], line[64];
	const char *top = getenv("top_srcdir");
	int out[2];
	FILE *f;

	memset(s, 0, sizeof(*s));
	signal(SIGPIPE, SIG_IGN);
	snprintf(src, sizeof(src), "%s", top && *top ? top : ATTEST_SRCDIR);
	snprintf(script, sizeof(script), "%s/tests/aws-server/server.py", src);
	snprintf(estate, sizeof(estate), "%s/samples/estate.json", src);
	if (tu_tmpdir(s->dir, sizeof(s->dir), "awsserver") != 0)
		return -1;
	snprintf(sc, sizeof(sc), "%s/scenario.json", s->dir);
	snprintf(s->published, sizeof(s->published), "%s/published.ndjson", s->dir);
	if (!(f = fopen(sc, "w")) || fputs(scenario ? scenario : "{}", f) == EOF ||
	    fclose(f) != 0) {
		fprintf(stderr, "cannot write '%s'\n", sc);
		return -1;
	}
	if (pipe(out) != 0 || (s->pid = fork()) < 0)
		return -1;
	if (s->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		execlp("python3", "python3", script, "--estate", estate, "--account",
		       TU_AWS_ACCOUNT, "--scenario", sc, "--published", s->published, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	/* The pipe stays open: the server writes nothing more. */
	f = fdopen(out[0], "r");
	if (!f || !fgets(line, sizeof(line), f) || sscanf(line, "PORT %d", &s->port) != 1) {
		fprintf(stderr, "the test server did not start\n");
		return -1;
	}
	aws_env(s->port);
	return 0;
}

void
tu_aws_server_stop(struct tu_aws_server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	tu_rmtree(s->dir);
}

static size_t
on_data(char *p, size_t size, size_t n, void *data)
{
	return core_buf_add(data, p, size * n) == ATTEST_OK ? size * n : 0;
}

char *
tu_aws_control(const struct tu_aws_server *s, const char *path, const char *body)
{
	struct core_buf b;
	char url[256];
	long status = 0;
	CURL *e = curl_easy_init();

	if (!e)
		return NULL;
	core_buf_init(&b, 1 << 20);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/_control/%s", s->port, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	if (body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(e) == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(e);
	if (status != 200) {
		fprintf(stderr, "control %s: HTTP %ld: %s\n", path, status, b.data ? b.data : "");
		core_buf_release(&b);
		return NULL;
	}
	return core_buf_take(&b);
}

bool
tu_aws_make_queue(const struct tu_aws_server *s, const char *name, const char *attrs, char *url,
		  size_t size)
{
	char body[512], *a;
	json_t *v;

	snprintf(body, sizeof(body), "{\"name\": \"%s\"%s%s}", name,
		 attrs ? ", \"attributes\": " : "", attrs ? attrs : "");
	if (!(a = tu_aws_control(s, "queue", body)))
		return false;
	v = json_loads(a, 0, NULL);
	free(a);
	snprintf(url, size, "%s", json_string_value(json_object_get(v, "QueueUrl")) ?: "");
	json_decref(v);
	return *url != '\0';
}

bool
tu_aws_send_message(const struct tu_aws_server *s, const char *queue, const char *text)
{
	char *body = NULL, *a;
	json_t *v = json_pack("{s:s, s:s}", "queue", queue, "body", text);
	bool ok;

	body = v ? json_dumps(v, 0) : NULL;
	json_decref(v);

	a = body ? tu_aws_control(s, "message", body) : NULL;
	ok = a != NULL;
	free(body);
	free(a);
	return ok;
}
