/*
 * The loopback HTTP server of the unit tests (see loopback.h).
 */
#include "config.h"

#include "loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
	struct loopback *lb;
	int c;
};

static void *
serve_conn(void *arg)
{
	struct conn *k = arg;

	struct loopback *lb = k->lb;

	lb->fn(k->c, lb->arg);
	close(k->c);
	free(k);
	pthread_mutex_lock(&lb->mu);
	if (--lb->active == 0)
		pthread_cond_broadcast(&lb->idle);
	pthread_mutex_unlock(&lb->mu);
	return NULL;
}

static void *
accept_loop(void *arg)
{
	struct loopback *lb = arg;

	while (!lb->stop) {
		struct pollfd p = {lb->fd, POLLIN, 0};
		struct conn *k;
		pthread_t t;
		int c;

		if (poll(&p, 1, 50) <= 0)
			continue;
		c = accept(lb->fd, NULL, NULL);
		if (c < 0)
			continue;
		if (!lb->threaded) {
			lb->fn(c, lb->arg);
			close(c);
			continue;
		}
		k = malloc(sizeof(*k));
		if (!k) {
			close(c);
			continue;
		}
		k->lb = lb;
		k->c = c;
		pthread_mutex_lock(&lb->mu);
		lb->active++;
		pthread_mutex_unlock(&lb->mu);
		if (pthread_create(&t, NULL, serve_conn, k) == 0) {
			pthread_detach(t);
		} else {
			pthread_mutex_lock(&lb->mu);
			lb->active--;
			pthread_mutex_unlock(&lb->mu);
			close(c);
			free(k);
		}
	}
	return NULL;
}

int
loopback_start(struct loopback *lb, bool threaded, loopback_fn fn, void *arg)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);

	memset(lb, 0, sizeof(*lb));
	lb->threaded = threaded;
	lb->fn = fn;
	lb->arg = arg;
	pthread_mutex_init(&lb->mu, NULL);
	pthread_cond_init(&lb->idle, NULL);
	lb->fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lb->fd < 0 || bind(lb->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(lb->fd, 64) != 0 || getsockname(lb->fd, (struct sockaddr *)&a, &len) != 0)
		goto fail;
	lb->port = ntohs(a.sin_port);
	if (pthread_create(&lb->thread, NULL, accept_loop, lb) != 0)
		goto fail;
	return 0;
fail:
	if (lb->fd >= 0)
		close(lb->fd);
	lb->fd = -1;
	return -1;
}

void
loopback_stop(struct loopback *lb)
{
	if (lb->fd < 0)
		return;
	lb->stop = 1;
	pthread_join(lb->thread, NULL);
	close(lb->fd);
	lb->fd = -1;
	pthread_mutex_lock(&lb->mu);
	while (lb->active > 0)
		pthread_cond_wait(&lb->idle, &lb->mu);
	pthread_mutex_unlock(&lb->mu);
	pthread_mutex_destroy(&lb->mu);
	pthread_cond_destroy(&lb->idle);
}

const char *
loopback_header(const struct loopback_req *r, const char *name)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (strcasecmp(r->hname[i], name) == 0)
			return r->hval[i];
	return NULL;
}

/* Splits the head (NUL-terminated at its blank line) into the request line
 * and headers. */
static bool
parse_head(struct loopback_req *r)
{
	char *line = r->raw, *next;

	next = strstr(line, "\r\n");
	if (next) {
		*next = '\0';
		next += 2;
	}
	if (sscanf(line, "%15s %1023s", r->method, r->path) != 2)
		return false;
	for (line = next; line && *line && r->nh < 64; line = next) {
		char *colon;

		next = strstr(line, "\r\n");
		if (next) {
			*next = '\0';
			next += 2;
		}
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		r->hname[r->nh] = line;
		r->hval[r->nh] = colon + 1 + strspn(colon + 1, " ");
		r->nh++;
	}
	return true;
}

bool
loopback_read(int c, struct loopback_req *r)
{
	size_t n = 0, need = 0;
	char *end = NULL;
	const char *cl;
	ssize_t k;

	memset(r, 0, sizeof(*r));
	while (n < sizeof(r->raw) - 1) {
		k = read(c, r->raw + n, sizeof(r->raw) - 1 - n);
		if (k <= 0)
			return false;
		n += (size_t)k;
		r->raw[n] = '\0';
		if (!end && (end = strstr(r->raw, "\r\n\r\n"))) {
			*end = '\0';
			if (!parse_head(r))
				return false;
			cl = loopback_header(r, "Content-Length");
			need = cl ? strtoul(cl, NULL, 10) : 0;
			r->body = end + 4;
		}
		if (end && n - (size_t)(r->body - r->raw) >= need) {
			r->body_len = need;
			r->body[need] = '\0';
			return true;
		}
	}
	return false;
}

void
loopback_reply(int c, int status, const char *ctype, const char *body)
{
	char head[512];
	int n;

	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: "
		     "%zu\r\nConnection: close\r\n\r\n",
		     status, ctype, strlen(body));
	if (write(c, head, (size_t)n) < 0 || write(c, body, strlen(body)) < 0)
		return;
}
