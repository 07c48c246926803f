/*
 * The loopback HTTP server of the unit tests: a listening socket on
 * 127.0.0.1 (a free port), an accept thread, and the test's handler called
 * for each connection, inline (one request per connection) or in a thread
 * of its own (clients that keep connections alive and send in parallel).
 * The server closes each connection when the handler returns. Helpers read
 * one request (head and Content-Length body) and write one answer.
 * Used by test_credentials (STS and IMDS) and test_aws_collect (the
 * scripted answers of the HTTP engine tests).
 */
#ifndef ATTEST_TEST_LOOPBACK_H
#define ATTEST_TEST_LOOPBACK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* Handles one accepted connection c; arg as given to loopback_start. */
typedef void (*loopback_fn)(int c, void *arg);

struct loopback {
	int fd;
	int port; /* the bound port, once started */
	pthread_t thread;
	volatile int stop;
	bool threaded; /* a detached thread per connection */
	loopback_fn fn;
	void *arg;
	pthread_mutex_t mu; /* guards active */
	pthread_cond_t idle;
	int active; /* connection threads still running */
};

/* Binds, listens and starts the accept thread; 0 on success, -1 (with
 * nothing left open) otherwise. */
int loopback_start(struct loopback *lb, bool threaded, loopback_fn fn, void *arg);
/* Stops accepting, closes the socket and waits for the connection threads
 * to end (their clients must have closed or be closing: the handler's
 * state may go away once this returns). */
void loopback_stop(struct loopback *lb);

struct loopback_req {
	char method[16];
	char path[1024];
	char *hname[64];
	char *hval[64];
	int nh;
	char *body; /* NUL-terminated, body_len bytes */
	size_t body_len;
	char raw[65536];
};

/* Reads one request from c into r; false on end of stream or a request
 * that does not fit. */
bool loopback_read(int c, struct loopback_req *r);
/* The value of header name (case-insensitive), or NULL. */
const char *loopback_header(const struct loopback_req *r, const char *name);
/* Writes an answer with Content-Type, Content-Length and Connection: close. */
void loopback_reply(int c, int status, const char *ctype, const char *body);

#endif
