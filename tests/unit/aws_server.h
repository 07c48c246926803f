/*
 * The loopback AWS test server (tests/aws-server/server.py) for the CUnit
 * programs: started as a child process on a free port with the sample
 * estate, a scenario and a file recording SNS messages, with the process
 * environment pointed at it (test key, AWS_ENDPOINT_URL, no shared files,
 * no IMDS, no proxy); and its loopback control endpoint (control.py):
 * queues, messages, objects, estate changes, what was published. Helpers
 * that fail say so on stderr; nothing here asserts.
 */
#ifndef ATTEST_TEST_AWS_SERVER_H
#define ATTEST_TEST_AWS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TU_AWS_KEY "AKIDATTESTTEST000001"
#define TU_AWS_SECRET "attest/test/secret/key/0000000000000000"
#define TU_AWS_ACCOUNT "210987654321"

struct tu_aws_server {
	pid_t pid;
	int port;
	char dir[512];       /* private temporary folder, removed by _stop */
	char published[600]; /* the SNS messages published, a JSON line each */
};

/* Starts the server with scenario (JSON text, NULL for none) and sets the
 * environment; 0, or -1. */
int tu_aws_server_start(struct tu_aws_server *s, const char *scenario);
void tu_aws_server_stop(struct tu_aws_server *s);
/* GET (body NULL) or POST body to /_control/<path>: the answer (free()),
 * NULL unless HTTP 200. */
char *tu_aws_control(const struct tu_aws_server *s, const char *path, const char *body);
/* Creates SQS queue name (attrs: JSON object text or NULL); its URL into url. */
bool tu_aws_make_queue(const struct tu_aws_server *s, const char *name, const char *attrs,
		       char *url, size_t size);
/* Sends text to queue name. */
bool tu_aws_send_message(const struct tu_aws_server *s, const char *name, const char *text);

#endif
