/*
 * attest watch: keeps framework scores and evidence current between scans
 * from change events on an SQS queue (doc/watch.md). Runs in the
 * foreground; SIGTERM or SIGINT finishes the message in hand and exits 0,
 * SIGHUP reloads the alert rules.
 */
#include "config.h"

#include "cli.h"
#include "cli_collect.h"
#include "core/core_int.h"
#include "monitor/alert.h"
#include "monitor/event.h"
#include "monitor/watch.h"
#include "output.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LIST 64

struct watch_opts {
	const char *queue_url, *db, *events, *rules_file, *ocsf, *log_format;
	const char *frameworks[MAX_LIST], *dirs[MAX_LIST], *exceptions[MAX_LIST];
	const char *attestations[MAX_LIST];
	size_t n_frameworks, n_dirs, n_exceptions, n_attestations;
	const char *webhooks[MAX_LIST], *emails[MAX_LIST], *sns[MAX_LIST];
	struct alert_flags flags;
	long max_age, interval, snapshot_every, wait, visibility, status_every;
	bool once, json_log;
	int verbose;
	struct cli_collect_opts collect;
	attest_ctx *ctx;
	struct alert_rules *rules; /* in force: a reload replaces them */
};

static const struct cli_option watch_options[] = {
	{"sqs-queue-url", 0, "URL", 'Q',
	 "read change events from this SQS queue (EventBridge: CloudTrail API calls and AWS "
	 "Config item changes; doc/watch.md)"},
	CLI_OPTION_DB,
	{"framework", 'f', "ID", 'f', "evaluate this framework (repeatable; default: all)"},
	CLI_OPTION_FRAMEWORKS_DIR,
	{"exceptions", 0, "FILE", 'E', "apply the exceptions in FILE (repeatable)"},
	{"attestations", 0, "FILE", 'A', "apply the attestations in FILE (repeatable)"},
	{"max-age", 0, "DURATION", 'M',
	 "start from the latest stored scan only when it is younger than this (default 24h; "
	 "units s, m, h, d), else collect anew"},
	{"interval", 0, "DURATION", 'I',
	 "also re-collect the whole estate this often (drift no event announced; default: "
	 "never)"},
	{"snapshot-every", 0, "DURATION", 'S',
	 "store a full scan at least this often (default 24h)"},
	{"once", 0, NULL, 'o', "process events until the queue is empty, then exit"},
	{"wait", 0, "SECONDS", 'w', "long-poll wait of each receive, 0 to 20 (default 20)"},
	{"visibility-timeout", 0, "SECONDS", 'V',
	 "how long a received event stays hidden from other readers (default 300)"},
	{"events", 0, "FILE", 'e',
	 "the table of events (default: the bundled frameworks/events/aws.xml)"},
	{"ocsf", 0, "FILE", 'O', "append an OCSF Compliance Finding event per changed finding"},
	{"log-format", 0, "FORMAT", 'L', "text (default) or json: one JSON object a line"},
	{"status-every", 0, "DURATION", 'T',
	 "status line on standard error this often (default 1m)"},
	{"verbose", 'v', NULL, 'v', "debug messages too"},
	CLI_OPTION_HELP,
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_option alert_options[] = {
	{"rules", 0, "FILE", 'R', "alert rules and channels (XML, doc/alert-rules.xsd)"},
	{"alert-severity", 0, "LEVEL", 'a',
	 "alert on findings newly failing at or above LEVEL (default high)"},
	{"alert-webhook", 0, "URL", 'H', "send alerts to this webhook (repeatable)"},
	{"alert-email", 0, "ADDRESS", 'm',
	 "send alerts to this address (repeatable; SMTP from ATTEST_SMTP_URL, doc/alerts.md)"},
	{"alert-sns", 0, "TOPIC-ARN", 'n', "publish alerts to this SNS topic (repeatable)"},
	{"alert-score-drop", 0, "POINTS", 'p',
	 "alert when a framework score drops by more than this"},
	{NULL, 0, NULL, 0, NULL},
};

static const struct cli_optgroup watch_groups[] = {
	{NULL, watch_options},
	{"Alerts (doc/alerts.md):", alert_options},
	{"AWS collection (as for 'attest collect aws'):", cli_aws_options},
	{NULL, NULL},
};

static int
add_list(const char **list, size_t *n, const char *arg, const char *what)
{
	if (*n == MAX_LIST)
		return cli_usage_error("watch", "too many %s options", what);
	list[(*n)++] = arg;
	return EXIT_OK;
}

static int
duration(const char *opt, const char *arg, long min, long max, long *out)
{
	if (cli_parse_duration(arg, min, max, out) != 0)
		return cli_usage_error(
			"watch",
			"%s needs a duration from %ld to %ld seconds (digits with s, "
			"m, h or d), not '%s'",
			opt, min, max, arg);
	return EXIT_OK;
}

static int
alert_option(struct watch_opts *o, int c, const char *arg)
{
	struct alert_flags *f = &o->flags;
	double points;

	switch (c) {
	case 'R':
		o->rules_file = arg;
		return EXIT_OK;
	case 'a':
		f->severity = arg;
		return EXIT_OK;
	case 'H':
		return add_list(o->webhooks, &f->n_webhooks, arg, "--alert-webhook");
	case 'm':
		return add_list(o->emails, &f->n_emails, arg, "--alert-email");
	case 'n':
		return add_list(o->sns, &f->n_sns_topics, arg, "--alert-sns");
	case 'p':
		if (cli_parse_percent(arg, &points) != 0)
			return cli_usage_error("watch",
					       "--alert-score-drop needs 0 to 100, not '%s'", arg);
		f->has_score_drop = true;
		f->score_drop = points;
		return EXIT_OK;
	default:
		return -1;
	}
}

static int
watch_option(struct watch_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'Q':
		o->queue_url = arg;
		return EXIT_OK;
	case 'd':
		o->db = arg;
		return EXIT_OK;
	case 'f':
		return add_list(o->frameworks, &o->n_frameworks, arg, "--framework");
	case 'D':
		return add_list(o->dirs, &o->n_dirs, arg, "--frameworks-dir");
	case 'E':
		return add_list(o->exceptions, &o->n_exceptions, arg, "--exceptions");
	case 'A':
		return add_list(o->attestations, &o->n_attestations, arg, "--attestations");
	case 'M':
		return duration("--max-age", arg, 0, 3650L * 86400, &o->max_age);
	case 'I':
		return duration("--interval", arg, 1, 3650L * 86400, &o->interval);
	case 'S':
		return duration("--snapshot-every", arg, 60, 3650L * 86400, &o->snapshot_every);
	case 'T':
		return duration("--status-every", arg, 1, 86400, &o->status_every);
	case 'w':
		return duration("--wait", arg, 0, 20, &o->wait);
	case 'V':
		return duration("--visibility-timeout", arg, 1, 43200, &o->visibility);
	case 'o':
		o->once = true;
		return EXIT_OK;
	case 'e':
		o->events = arg;
		return EXIT_OK;
	case 'O':
		o->ocsf = arg;
		return EXIT_OK;
	case 'L':
		o->log_format = arg;
		return EXIT_OK;
	case 'v':
		o->verbose = 1;
		return EXIT_OK;
	default:
		return alert_option(o, c, arg);
	}
}

static int
parse(int argc, char **argv, struct watch_opts *o)
{
	struct cli_getopt g;
	int c, status;

	o->max_age = o->snapshot_every = 86400;
	o->wait = 20;
	o->visibility = 300;
	o->status_every = 60;
	o->flags.webhooks = o->webhooks;
	o->flags.emails = o->emails;
	o->flags.sns_topics = o->sns;
	cli_getopt_init(&g, watch_groups);
	while ((c = cli_getopt_next(&g, argc, argv)) != -1) {
		if (c == 'h') {
			cli_print_help(&cli_watch, stdout);
			return -1;
		}
		if (c == ':')
			return cli_usage_error("watch", "option '%s' needs a value",
					       argv[optind - 1]);
		if ((status = watch_option(o, c, optarg)) >= 0) {
			if (status != EXIT_OK)
				return status;
			continue;
		}
		if ((status = cli_collect_option(&o->collect, "watch", c, optarg)) >= 0) {
			if (status != EXIT_OK)
				return EXIT_USAGE;
			continue;
		}
		return cli_usage_error("watch", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error("watch", "unexpected argument '%s'", argv[optind]);
	if (!o->queue_url)
		return cli_usage_error("watch", "--sqs-queue-url is required");
	if (o->log_format && strcmp(o->log_format, "json") != 0 &&
	    strcmp(o->log_format, "text") != 0)
		return cli_usage_error("watch", "--log-format is text or json, not '%s'",
				       o->log_format);
	o->json_log = o->log_format && strcmp(o->log_format, "json") == 0;
	return cli_collect_check(&o->collect, "watch");
}

static volatile sig_atomic_t stop_requested, reload_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/* SIGTERM and SIGINT stop after the message in hand (the temporary files
 * are then removed on the way out); SIGHUP asks for a reload. */
static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
}

/* Log lines: text as the other commands write them (every level shown:
 * a long-running process has no progress line), or one JSON object each. */
static void
watch_log(void *data, attest_log_level level, const char *msg)
{
	const struct watch_opts *o = data;
	static const char *const names[] = {"error", "warning", "info", "debug"};
	const char *name = (unsigned)level < 4 ? names[level] : "info";
	char now[21];
	json_t *line;

	if (level == ATTEST_LOG_DEBUG && !o->verbose)
		return;
	core_time_iso(time(NULL), now);
	if (!o->json_log) {
		fprintf(stderr, "%s attest: %s", now, level == ATTEST_LOG_WARN ? "warning: " : "");
		attest_term_fputs(msg, stderr);
		fputc('\n', stderr);
		return;
	}
	line = json_pack("{s:s, s:s, s:s}", "time", now, "level", name, "message", msg);
	if (line) {
		json_dumpf(line, stderr, JSON_COMPACT);
		fputc('\n', stderr);
		json_decref(line);
	}
}

static void
watch_status(void *data, const struct monitor_status *st)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "status: %lu events received, %lu applied, %lu already applied, %lu ignored, %lu "
		 "dead letters; %lu findings changed; alerts %lu queued, %lu sent, %lu pending; "
		 "queue %ld waiting, %ld in flight, lag %ld s; base scan %s",
		 st->received, st->applied, st->duplicates, st->ignored, st->dead, st->deltas,
		 st->alerts_queued, st->alerts_sent, st->alerts_pending, st->queue_visible,
		 st->queue_in_flight, st->lag_s, st->base_scan);
	watch_log(data, ATTEST_LOG_INFO, text);
}

/* The rules of the file and the flags, or NULL when neither gives any. */
static attest_rc
load_rules(struct watch_opts *o, struct alert_rules **out)
{
	struct alert_rules *r = NULL;
	attest_rc rc;

	*out = NULL;
	if (!o->rules_file && !o->flags.n_webhooks && !o->flags.n_emails && !o->flags.n_sns_topics)
		return ATTEST_OK;
	rc = o->rules_file ? alert_rules_load(o->ctx, o->rules_file, &r)
			   : alert_rules_new(o->ctx, &r);
	if (rc == ATTEST_OK)
		rc = alert_rules_add_flags(r, &o->flags);
	if (rc != ATTEST_OK) {
		alert_rules_free(r);
		return rc;
	}
	*out = r;
	return ATTEST_OK;
}

static attest_rc
reload_rules(void *data, struct alert_rules **rules)
{
	struct alert_rules *fresh = NULL;
	attest_rc rc = load_rules(data, &fresh);

	if (rc != ATTEST_OK)
		return rc; /* the old rules stay */
	alert_rules_free(*rules);
	*rules = fresh;
	((struct watch_opts *)data)->rules = fresh;
	watch_log(data, ATTEST_LOG_INFO, "alert rules reloaded");
	return ATTEST_OK;
}

static void
fill_monitor(struct watch_opts *o, struct monitor_opts *m)
{
	m->queue_url = o->queue_url;
	m->aws = o->collect.aws;
	m->profile = o->collect.aws.profile;
	m->role_arn = o->collect.aws.role_arn;
	m->external_id = o->collect.aws.external_id;
	m->eval = (struct attest_eval_opts){o->frameworks,   o->n_frameworks, o->exceptions,
					    o->n_exceptions, o->attestations, o->n_attestations};
	m->max_age = o->max_age;
	m->interval = o->interval;
	m->snapshot_every = o->snapshot_every;
	m->once = o->once;
	m->wait_s = (int)o->wait;
	m->visibility_s = (int)o->visibility;
	m->stop = &stop_requested;
	m->reload = &reload_requested;
	m->on_reload = reload_rules;
	m->on_status = watch_status;
	m->data = o;
	m->status_every = o->status_every;
}

/* Everything the loop needs, opened before it starts; an exit status. */
static int
open_all(struct watch_opts *o, struct monitor_opts *m, attest_library **lib, attest_store **store,
	 struct event_table **events)
{
	char dbpath[4096];
	int status;

	if ((o->db ? core_path_copy(o->ctx, dbpath, sizeof(dbpath), o->db)
		   : attest_store_default_path(o->ctx, dbpath, sizeof(dbpath))) != ATTEST_OK)
		return cli_lib_fail(o->ctx);
	if ((status = cli_load_library(o->ctx, o->dirs, o->n_dirs, lib)) != EXIT_OK)
		return status;
	if (event_table_load(o->ctx, o->events, events) != ATTEST_OK ||
	    load_rules(o, &m->rules) != ATTEST_OK ||
	    (m->rules && alert_rules_check(m->rules, *lib) != ATTEST_OK) ||
	    attest_store_open(o->ctx, dbpath, store) != ATTEST_OK)
		return cli_lib_fail(o->ctx);
	m->events = *events;
	o->rules = m->rules;
	if (o->ocsf) {
		m->ocsf = fopen(o->ocsf, "a");
		if (!m->ocsf)
			return cli_fail(EXIT_ERROR, "cannot open '%s' for appending", o->ocsf);
		m->ocsf_name = o->ocsf;
	}
	return EXIT_OK;
}

static int
run_watch(attest_ctx *ctx, int argc, char **argv)
{
	struct watch_opts o = {0};
	struct monitor_opts m = {0};
	struct monitor_status st;
	struct event_table *events = NULL;
	attest_library *lib = NULL;
	attest_store *store = NULL;
	int status;

	o.ctx = ctx;
	if ((status = parse(argc, argv, &o)) != EXIT_OK) {
		cli_collect_opts_release(&o.collect);
		return status < 0 ? EXIT_OK : status;
	}
	attest_ctx_set_log(ctx, watch_log, &o);
	fill_monitor(&o, &m);
	if ((status = open_all(&o, &m, &lib, &store, &events)) == EXIT_OK) {
		install_signals();
		if (monitor_run(ctx, lib, store, &m, &st) != ATTEST_OK)
			status = cli_lib_fail(ctx);
	}
	if (m.ocsf && fclose(m.ocsf) != 0 && status == EXIT_OK)
		status = cli_fail(EXIT_ERROR, "cannot write '%s'", o.ocsf);
	alert_rules_free(o.rules ? o.rules : m.rules); /* a reload replaced m.rules */
	event_table_free(events);
	attest_store_close(store);
	attest_library_free(lib);
	cli_collect_opts_release(&o.collect);
	return status;
}

static const char usage[] =
	"usage: attest watch --sqs-queue-url URL [OPTIONS]\n"
	"\n"
	"Keeps the estate's evaluation current between scans: starts from the latest\n"
	"full scan in the history (or a new collection), reads CloudTrail and AWS\n"
	"Config change events from an SQS queue fed by EventBridge, re-collects and\n"
	"re-evaluates only what each event touched, stores each change as a delta\n"
	"with its cause (attest history --changes), alerts the people who must act,\n"
	"and stores a full scan at least every --snapshot-every. A message is deleted\n"
	"only after its delta is stored. SIGTERM finishes the message in hand and\n"
	"exits 0; SIGHUP reloads the alert rules.\n";

const struct cli_command cli_watch = {
	"watch",
	"keep scores current from change events (SQS), with alerts",
	usage,
	run_watch,
	watch_groups,
	"The IAM permissions it needs, a systemd unit and an EventBridge to SQS setup\n"
	"are in doc/watch.md.\n",
};
