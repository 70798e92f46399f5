/*
 * sms-send: send an SMS from scripts (`sms-send [OPTION]... RECIPIENT...
 * [-- TEXT]`).  The messages are queued in the store; a running engine is
 * woken over its socket, else this process runs the engine until its
 * messages are submitted (with --wait: delivered or failed).  Exit codes
 * are an API: see sms-send(1).
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "codec/segment.h"
#include "engine/engine.h"
#include "engine/ipc.h"
#include "engine/lock.h"
#include "store/message.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Longest text read from standard input or given as arguments. */
#define SEND_TEXT_MAX (64 * 1024)
/* Without --wait: how long to ride through transient errors. */
#define SEND_SUBMIT_TIMEOUT 120
#define SEND_WAIT_DEFAULT 300
#define SEND_POLL_MS 100

struct send {
	const char *progname;
	struct conf *cfg;
	struct store *st;
	char *store_path;
	uv_loop_t *loop;
	uv_timer_t poll;
	struct engine *e;
	bool engine_running;	/* ours, in this process */
	bool stopping;
	bool wait;
	bool json;
	int timeout;		/* seconds */
	uint64_t deadline;	/* loop ms */
	int64_t *ids;
	char **to;
	size_t n;
	bool timed_out;
};

static void
usage(void)
{
	fputs(_("Usage: sms-send [OPTION]... RECIPIENT... [-- TEXT]\n"
	    "Send an SMS to each RECIPIENT (a number, a contact name or "
	    "@tag).\nWithout TEXT, the message is read from standard input.\n\n"),
	    stdout);
	fputs(_("Options:\n"
	    "  -b, --backend=NAME    send through backend NAME only\n"
	    "  -r, --report          ask for a delivery report\n"
	    "  -w, --wait[=SECONDS]  wait until delivered or failed (default "
	    "300 s)\n"
	    "  -j, --json            print one JSON object per recipient\n"
	    "  -c, --config=FILE     read the configuration from FILE\n"
	    "  -v, --verbose         log more (repeat for debug output)\n"
	    "  -h, --help            display this help and exit\n"
	    "  -V, --version         output version information and exit\n"),
	    stdout);
	fputs(_("\nExit status: 0 sent, 64 usage, 65 bad number or text, "
	    "69 no backend can send,\n75 temporary failure, 77 recipient opted "
	    "out, 78 configuration error.\nSee sms-send(1).\n"), stdout);
	printf(_("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
}

static int
usage_error(const char *msg)
{
	fprintf(stderr, "sms-send: %s\n", msg);
	fputs(_("Try 'sms-send --help' for more information.\n"), stderr);
	return SMS_EXIT_USAGE;
}

/* Read all of standard input, at most SEND_TEXT_MAX bytes. */
static int
read_stdin(struct buf *b)
{
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		if (buf_append(b, chunk, n) < 0)
			return SMS_ETOOBIG;
	if (ferror(stdin))
		return SMS_EIO;
	/* A trailing newline is the shell's, not the message's. */
	while (b->len > 0 && (b->data[b->len - 1] == '\n' ||
	    b->data[b->len - 1] == '\r'))
		b->data[--b->len] = '\0';
	return 0;
}

/* Whether every message is where this run may stop: final, or with
 * wait false at least submitted.  Sets *code to the exit status. */
static bool
settled(struct send *s, int *code)
{
	size_t i;
	bool done = true;

	*code = 0;
	for (i = 0; i < s->n; i++) {
		struct store_message m;
		enum msg_state st;

		if (store_message_get(s->st, s->ids[i], &m, NULL) < 0) {
			done = false;
			continue;
		}
		st = m.state;
		store_message_fini(&m);
		if (st == MSG_FAILED || st == MSG_UNDELIVERED ||
		    st == MSG_CANCELLED) {
			if (*code == 0)
				*code = SMS_EXIT_UNAVAILABLE;
		} else if (s->wait ? st != MSG_DELIVERED :
		    st < MSG_SUBMITTED)
			done = false;
	}
	return done;
}

static void
engine_stopped(struct engine *e, void *data)
{
	struct send *s = data;

	(void)e;
	uv_close((uv_handle_t *)&s->poll, NULL);
}

static void
finish(struct send *s)
{
	if (s->stopping)
		return;
	s->stopping = true;
	uv_timer_stop(&s->poll);
	if (s->engine_running)
		engine_stop(s->e, engine_stopped, s);
	else
		uv_close((uv_handle_t *)&s->poll, NULL);
}

/* Become the engine if nobody runs it; else poke the one that does. */
static void
engine_or_wake(struct send *s)
{
	struct sms_err err;
	json_t *req, *reply = NULL;
	pid_t pid;
	char *sock;

	if (s->engine_running)
		return;
	if (lock_holder(s->store_path, &pid) == 0) {
		sms_err_clear(&err);
		if (engine_new(&s->e, s->loop, s->cfg, &err) == 0) {
			if (engine_start(s->e, true, &err) == 0) {
				s->engine_running = true;
				log_info("running the engine in this process");
				return;
			}
			log_warn("%s", err.msg);
			engine_stop(s->e, NULL, NULL);
			uv_run(s->loop, UV_RUN_NOWAIT);
			engine_free(s->e);
			s->e = NULL;
		} else if (err.code != SMS_EBUSY)
			log_warn("%s", err.msg);
	}
	if ((sock = ipc_socket_path(s->store_path)) == NULL)
		return;
	req = json_pack("{s:s}", "cmd", "wake");
	if (ipc_call(sock, req, &reply, 2000, &err) < 0)
		log_debug("cannot wake the engine: %s", err.msg);
	json_decref(reply);
	json_decref(req);
	free(sock);
}

static void
on_poll(uv_timer_t *t)
{
	struct send *s = t->data;
	int code;

	if (settled(s, &code)) {
		finish(s);
		return;
	}
	if (uv_now(s->loop) >= s->deadline) {
		s->timed_out = true;
		finish(s);
		return;
	}
	/* The engine we woke may have gone: take over. */
	if (!s->engine_running && (uv_now(s->loop) / SEND_POLL_MS) % 20 == 0)
		engine_or_wake(s);
}

/* Report each message; the exit status. */
static int
report(struct send *s)
{
	int code = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct store_message m;
		int c = 0;

		if (store_message_get(s->st, s->ids[i], &m, NULL) < 0)
			continue;
		if (m.state == MSG_FAILED || m.state == MSG_UNDELIVERED)
			c = SMS_EXIT_UNAVAILABLE;
		else if (m.state == MSG_QUEUED || m.state == MSG_SENDING ||
		    (s->wait && m.state != MSG_DELIVERED)) {
			c = SMS_EXIT_TEMPFAIL;
			if (m.state == MSG_QUEUED &&
			    store_message_cancel(s->st, m.id, NULL) > 0)
				m.state = MSG_CANCELLED;
		}
		if (s->json) {
			json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:s?, "
			    "s:s?, s:s?}", "id", (json_int_t)m.id, "to",
			    m.peer, "state", msg_state_name(m.state),
			    "segments", m.segments, "backend", m.backend,
			    "remote_ref", m.remote_ref, "error",
			    c != 0 ? (m.error_text ? m.error_text :
			    _("not sent in time")) : NULL);
			char *line = json_dumps(o, JSON_COMPACT);

			puts(line);
			free(line);
			json_decref(o);
		} else if (c == SMS_EXIT_UNAVAILABLE)
			fprintf(stderr, _("%s: %s: %s: %s\n"), s->progname,
			    m.peer, msg_state_label(m.state),
			    m.error_text ? m.error_text : "");
		else if (c == SMS_EXIT_TEMPFAIL)
			fprintf(stderr, _("%s: %s: not %s within %d s%s%s "
			    "(now %s); try again later\n"), s->progname,
			    m.peer, s->wait ? _("delivered") : _("sent"),
			    s->timeout, m.error_text ? ": " : "",
			    m.error_text ? m.error_text : "",
			    msg_state_label(m.state));
		if (c > code)
			code = c;
		store_message_fini(&m);
	}
	return code;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "report", no_argument, NULL, 'r' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct send s;
	struct sms_err err;
	struct buf text;
	const char *conf_path = NULL, *backend = NULL;
	bool report_dlr = false;
	struct segment_info si;
	int opt, verbose = 0, rc = 0, nopts, dashdash, i, code = 0;
	size_t nb;
	long max_seg;
	char *end;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
	memset(&s, 0, sizeof s);
	s.progname = "sms-send";
	buf_init(&text, SEND_TEXT_MAX);

	/* Options end at "--": what follows is the text, never options. */
	for (dashdash = 1; dashdash < argc; dashdash++)
		if (strcmp(argv[dashdash], "--") == 0)
			break;
	nopts = dashdash;
	while ((opt = getopt_long(nopts, argv, "b:rw::jc:vhV", longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'b':
			backend = optarg;
			break;
		case 'r':
			report_dlr = true;
			break;
		case 'w':
			s.wait = true;
			s.timeout = SEND_WAIT_DEFAULT;
			if (optarg != NULL) {
				long v = strtol(optarg, &end, 10);

				if (*optarg == '\0' || *end != '\0' || v < 1 ||
				    v > 86400)
					return usage_error(_("--wait takes "
					    "seconds, from 1 to 86400"));
				s.timeout = (int)v;
			}
			break;
		case 'j':
			s.json = true;
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage();
			return 0;
		case 'V':
			printf("sms-send (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return 0;
		default:
			fputs(_("Try 'sms-send --help' for more information.\n"),
			    stderr);
			return SMS_EXIT_USAGE;
		}
	}
	log_to_stderr();
	log_set_level(verbose >= 2 ? LOG_LEVEL_DEBUG :
	    verbose == 1 ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);
	if (optind >= nopts)
		return usage_error(_("no recipient given"));
	s.n = (size_t)(nopts - optind);
	s.to = argv + optind;
	if (!s.wait)
		s.timeout = SEND_SUBMIT_TIMEOUT;

	sms_err_clear(&err);
	if (conf_load(&s.cfg, conf_path, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		code = SMS_EXIT_CONFIG;
		goto out;
	}
	/* The text: after "--", else standard input. */
	if (dashdash < argc) {
		for (i = dashdash + 1; i < argc; i++)
			if ((i > dashdash + 1 &&
			    buf_append_char(&text, ' ') < 0) ||
			    buf_append_str(&text, argv[i]) < 0) {
				rc = SMS_ETOOBIG;
				break;
			}
	} else
		rc = read_stdin(&text);
	if (rc == SMS_ETOOBIG) {
		fprintf(stderr, _("sms-send: the text is longer than %d "
		    "bytes; an SMS cannot carry that much\n"), SEND_TEXT_MAX);
		code = SMS_EXIT_DATAERR;
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, _("sms-send: cannot read the text from "
		    "standard input\n"));
		code = SMS_EXIT_IOERR;
		goto out;
	}
	if (text.len == 0) {
		fprintf(stderr, _("sms-send: the text is empty (give it after "
		    "\"--\" or on standard input)\n"));
		code = SMS_EXIT_DATAERR;
		goto out;
	}
	if (!utf8_validate(text.data, text.len, NULL)) {
		fprintf(stderr, _("sms-send: the text is not valid UTF-8\n"));
		code = SMS_EXIT_DATAERR;
		goto out;
	}

	conf_backends(s.cfg, &nb);
	if (nb == 0) {
		fprintf(stderr, _("sms-send: no backend is configured: add a "
		    "[backend.NAME] section to %s (see sms-inbox.conf(5))\n"),
		    conf_file(s.cfg) ? conf_file(s.cfg) :
		    _("the configuration file"));
		code = SMS_EXIT_UNAVAILABLE;
		goto out;
	}
	if (backend != NULL) {
		char section[256];

		snprintf(section, sizeof section, "backend.%s", backend);
		if (conf_get(s.cfg, section, "type") == NULL) {
			fprintf(stderr, _("sms-send: there is no backend "
			    "\"%s\" in the configuration\n"), backend);
			code = SMS_EXIT_USAGE;
			goto out;
		}
	}
	max_seg = conf_get_int(s.cfg, "outbox", "max_segments", 10);
	{
		if (segment_calc(text.data, text.len, 0, &si, &err) < 0) {
			fprintf(stderr, "sms-send: %s\n", err.msg);
			code = SMS_EXIT_DATAERR;
			goto out;
		}
		if (si.too_long || (long)si.segments > max_seg) {
			fprintf(stderr, _("sms-send: the text needs %zu "
			    "segments; at most %ld are allowed ([outbox] "
			    "max_segments): shorten it\n"), si.segments,
			    max_seg);
			code = SMS_EXIT_DATAERR;
			goto out;
		}
	}
	if (store_open_conf(&s.st, s.cfg, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		code = sms_rc_exit(err.code);
		goto out;
	}
	{
		char *p = conf_store_path(s.cfg);

		s.store_path = xstrdup(p != NULL ? p : "");
		free(p);
	}
	s.ids = xcalloc(s.n, sizeof *s.ids);
	/* Queue all or nothing: a bad recipient stops the whole send. */
	if (store_tx_begin(s.st, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		code = sms_rc_exit(err.code);
		goto out;
	}
	for (nb = 0; nb < s.n; nb++) {
		struct store_outgoing o;

		memset(&o, 0, sizeof o);
		o.to = s.to[nb];
		o.body = text.data;
		o.author = "sms-send";
		o.route = backend;
		o.report = report_dlr || s.wait;
		o.segments = (int)si.segments;
		o.encoding = sms_encoding_name(si.encoding);
		if ((rc = store_message_queue(s.st, &o, &s.ids[nb],
		    &err)) < 0) {
			store_tx_rollback(s.st);
			fprintf(stderr, "sms-send: %s: %s\n", s.to[nb],
			    err.msg);
			code = rc == SMS_EDATA ? SMS_EXIT_DATAERR :
			    sms_rc_exit(rc);
			goto out;
		}
	}
	if (store_tx_commit(s.st, &err) < 0) {
		fprintf(stderr, "sms-send: %s\n", err.msg);
		code = sms_rc_exit(err.code);
		goto out;
	}

	signal(SIGPIPE, SIG_IGN);
	s.loop = uv_default_loop();
	uv_timer_init(s.loop, &s.poll);
	s.poll.data = &s;
	s.deadline = uv_now(s.loop) + (uint64_t)s.timeout * 1000;
	engine_or_wake(&s);
	uv_timer_start(&s.poll, on_poll, SEND_POLL_MS, SEND_POLL_MS);
	uv_run(s.loop, UV_RUN_DEFAULT);
	code = report(&s);
out:
	if (s.e != NULL)
		engine_free(s.e);
	if (s.loop != NULL)
		uv_loop_close(s.loop);
	store_close(s.st);
	conf_free(s.cfg);
	free(s.ids);
	free(s.store_path);
	buf_fini(&text);
	return code;
}
