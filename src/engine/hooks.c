#include "config.h"

#include "engine/hooks.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/utf8.h"

extern char **environ;

#define HOOKS_KILL_GRACE 5000	/* ms between SIGTERM and SIGKILL */
#define HOOKS_REAP_GRACE 2000	/* ms after SIGKILL before giving up */
#define HOOKS_STDERR_MAX 2048	/* one stderr line in the log */

static const char *const kind_names[] = {
	[HOOK_RECEIVE] = "receive",
	[HOOK_SENT] = "sent",
	[HOOK_DELIVERY] = "delivery",
	[HOOK_FAILURE] = "failure",
};

static const char *const kind_keys[] = {
	[HOOK_RECEIVE] = "on_receive",
	[HOOK_SENT] = "on_sent",
	[HOOK_DELIVERY] = "on_delivery",
	[HOOK_FAILURE] = "on_failure",
};

struct hook_proc {
	struct hooks *h;
	struct hook_proc *next;
	uv_process_t proc;
	uv_pipe_t in, out, err;
	uv_timer_t timer;
	uv_write_t wreq;
	uv_shutdown_t sreq;
	int open;		/* handles not yet closed */
	int exited, out_eof, err_eof, finished;
	int stage;		/* 0 running, 1 TERM sent, 2 KILL sent */
	int64_t status;
	char name[32];		/* "on_receive" or "rule" for logs */
	char *input;
	struct buf output;
	struct buf errline;
	hooks_output_cb cb;
	void *data;
	char rbuf[1024];
};

struct hooks {
	uv_loop_t *loop;
	char **argv[4];		/* split command of each kind, or NULL */
	int timeout_ms;
	struct hook_proc *procs;
	size_t running;
	int stopping;
};

int
hooks_split(const char *cmdline, char ***argv, struct sms_err *err)
{
	size_t len = strlen(cmdline), n = 0;
	char **v, *w, *out;
	const char *p = cmdline;

	*argv = NULL;
	/* Pointers for at most len/2+2 words, then the words themselves. */
	v = malloc((len / 2 + 2) * sizeof *v + len + 1);
	if (v == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	out = (char *)(v + len / 2 + 2);
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		w = out;
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			if (*p == '\'' || *p == '"') {
				char q = *p++;

				while (*p != '\0' && *p != q) {
					if (q == '"' && *p == '\\' &&
					    p[1] != '\0')
						p++;
					*out++ = *p++;
				}
				if (*p != q) {
					free(v);
					return sms_err_set(err, SMS_ECONFIG,
					    _("unclosed quote in the command "
					    "\"%s\""), cmdline);
				}
				p++;
			} else {
				if (*p == '\\' && p[1] != '\0')
					p++;
				*out++ = *p++;
			}
		}
		*out++ = '\0';
		v[n++] = w;
	}
	v[n] = NULL;
	if (n == 0) {
		free(v);
		return sms_err_set(err, SMS_ECONFIG, _("the command is empty"));
	}
	*argv = v;
	return 0;
}

int
hooks_new(struct hooks **out, uv_loop_t *loop, const struct conf *cfg,
    struct sms_err *err)
{
	struct hooks *h;
	struct sigaction sa;
	size_t k;
	int rc;

	*out = NULL;
	if ((h = calloc(1, sizeof *h)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	/* A command that exits without reading its input makes our write
	 * fail with EPIPE; SIGPIPE must not kill us for it. */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	h->loop = loop;
	h->timeout_ms = (int)conf_get_int(cfg, "hooks", "timeout", 10) * 1000;
	for (k = 0; k < 4; k++) {
		const char *cmd = conf_get(cfg, "hooks", kind_keys[k]);

		if (cmd == NULL || *cmd == '\0')
			continue;
		if ((rc = hooks_split(cmd, &h->argv[k], err)) < 0) {
			sms_err_prefix(err, "[hooks] %s", kind_keys[k]);
			while (k-- > 0)
				free(h->argv[k]);
			free(h);
			return rc;
		}
	}
	*out = h;
	return 0;
}

static void
hooks_release(struct hooks *h)
{
	size_t k;

	if (!h->stopping || h->procs != NULL)
		return;
	for (k = 0; k < 4; k++)
		free(h->argv[k]);
	free(h);
}

static void
proc_closed(uv_handle_t *handle)
{
	struct hook_proc *p = handle->data;
	struct hooks *h = p->h;
	struct hook_proc **pp;

	if (--p->open > 0)
		return;
	for (pp = &h->procs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	h->running--;
	buf_fini(&p->output);
	buf_fini(&p->errline);
	free(p->input);
	free(p);
	hooks_release(h);
}

static void
close_handle(struct hook_proc *p, uv_handle_t *handle)
{
	if (!uv_is_closing(handle))
		uv_close(handle, proc_closed);
}

static void
log_stderr_line(struct hook_proc *p)
{
	char esc[HOOKS_STDERR_MAX * 4 + 1];

	if (p->errline.len == 0)
		return;
	log_escape(esc, sizeof esc, p->errline.data, p->errline.len);
	log_warn("%s: %s", p->name, esc);
	buf_reset(&p->errline);
}

/* Everything is over: hand the output over and close the handles. */
static void
proc_finish(struct hook_proc *p)
{
	if (p->finished)
		return;
	p->finished = 1;
	log_stderr_line(p);
	if (p->cb != NULL)
		p->cb(p->data, p->stage > 0 ? -1 : (int)p->status,
		    p->output.data != NULL ? p->output.data : "",
		    p->output.len);
	close_handle(p, (uv_handle_t *)&p->timer);
	close_handle(p, (uv_handle_t *)&p->in);
	close_handle(p, (uv_handle_t *)&p->out);
	close_handle(p, (uv_handle_t *)&p->err);
	close_handle(p, (uv_handle_t *)&p->proc);
}

static void
proc_check(struct hook_proc *p)
{
	if (p->exited && p->out_eof && p->err_eof)
		proc_finish(p);
}

static void
proc_exit(uv_process_t *proc, int64_t status, int sig)
{
	struct hook_proc *p = proc->data;

	p->exited = 1;
	p->status = sig != 0 ? -1 : status;
	if (sig != 0 && p->stage == 0)
		log_warn("%s: killed by signal %d", p->name, sig);
	else if (status != 0)
		log_warn("%s: exited with status %lld", p->name,
		    (long long)status);
	proc_check(p);
}

static void
proc_timer(uv_timer_t *t)
{
	struct hook_proc *p = t->data;

	switch (p->stage) {
	case 0:
		log_warn("%s: still running after %d s; stopping it", p->name,
		    p->h->timeout_ms / 1000);
		p->stage = 1;
		uv_process_kill(&p->proc, SIGTERM);
		uv_timer_start(&p->timer, proc_timer, HOOKS_KILL_GRACE, 0);
		break;
	case 1:
		log_warn("%s: killing it", p->name);
		p->stage = 2;
		uv_process_kill(&p->proc, SIGKILL);
		uv_timer_start(&p->timer, proc_timer, HOOKS_REAP_GRACE, 0);
		break;
	default:
		/* Its pipes are held open by its children: give up on
		 * them.  libuv reaps the process when it goes. */
		proc_finish(p);
		break;
	}
}

static void
pipe_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *b)
{
	struct hook_proc *p = handle->data;

	(void)suggested;
	*b = uv_buf_init(p->rbuf, sizeof p->rbuf);
}

static void
out_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct hook_proc *p = s->data;
	size_t room;

	if (n < 0) {
		p->out_eof = 1;
		uv_read_stop(s);
		proc_check(p);
		return;
	}
	room = p->output.max - p->output.len;
	buf_append(&p->output, b->base, (size_t)n < room ? (size_t)n : room);
}

static void
err_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct hook_proc *p = s->data;
	ssize_t i;

	if (n < 0) {
		p->err_eof = 1;
		uv_read_stop(s);
		proc_check(p);
		return;
	}
	for (i = 0; i < n; i++) {
		if (b->base[i] == '\n' ||
		    buf_append_char(&p->errline, b->base[i]) < 0) {
			log_stderr_line(p);
			if (b->base[i] != '\n')
				buf_append_char(&p->errline, b->base[i]);
		}
	}
}

static void
in_shutdown(uv_shutdown_t *req, int status)
{
	struct hook_proc *p = req->data;

	(void)status;
	close_handle(p, (uv_handle_t *)&p->in);
}

static void
in_written(uv_write_t *req, int status)
{
	struct hook_proc *p = req->data;

	if (status < 0) {
		/* It did not read its input: that is its business. */
		close_handle(p, (uv_handle_t *)&p->in);
		return;
	}
	p->sreq.data = p;
	if (uv_shutdown(&p->sreq, (uv_stream_t *)&p->in, in_shutdown) < 0)
		close_handle(p, (uv_handle_t *)&p->in);
}

/* Environment: ours plus SMS_INBOX_* from msg.  One allocation. */
static char **
make_env(const char *event, json_t *msg)
{
	static const char *const fields[][2] = {
		{ "id", "SMS_INBOX_ID" },
		{ "number", "SMS_INBOX_NUMBER" },
		{ "state", "SMS_INBOX_STATE" },
		{ "backend", "SMS_INBOX_BACKEND" },
	};
	size_t n = 0, i, extra = 5;
	char **env;

	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + extra + 1, sizeof *env)) == NULL)
		return NULL;
	memcpy(env, environ, n * sizeof *env);
	if (asprintf(&env[n++], "SMS_INBOX_EVENT=%s", event) < 0)
		env[--n] = NULL;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		json_t *v = json_object_get(msg, fields[i][0]);
		int rc = -1;

		if (json_is_string(v))
			rc = asprintf(&env[n], "%s=%s", fields[i][1],
			    json_string_value(v));
		else if (json_is_integer(v))
			rc = asprintf(&env[n], "%s=%lld", fields[i][1],
			    (long long)json_integer_value(v));
		if (rc >= 0)
			n++;
		else
			env[n] = NULL;
	}
	return env;
}

static void
free_env(char **env)
{
	size_t n = 0, i;

	if (env == NULL)
		return;
	while (environ[n] != NULL)
		n++;
	for (i = n; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

static int
spawn(struct hooks *h, const char *name, const char *event, char **argv,
    json_t *msg, hooks_output_cb cb, void *data, struct sms_err *err)
{
	uv_process_options_t opt;
	uv_stdio_container_t stdio[3];
	struct hook_proc *p;
	char **env = NULL;
	uv_buf_t b;
	int rc;

	if (h->stopping)
		return sms_err_set(err, SMS_EUNAVAIL,
		    _("the engine is stopping"));
	if (h->running >= HOOKS_RUNNING_MAX) {
		log_warn("%s: %zu commands already running; not starting "
		    "another", name, h->running);
		return sms_err_set(err, SMS_ETEMP,
		    _("too many commands are running"));
	}
	if ((p = calloc(1, sizeof *p)) == NULL ||
	    (p->input = json_dumps(msg, JSON_COMPACT)) == NULL ||
	    (env = make_env(event, msg)) == NULL) {
		if (p != NULL)
			free(p->input);
		free(p);
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	}
	p->h = h;
	p->cb = cb;
	p->data = data;
	snprintf(p->name, sizeof p->name, "%s", name);
	buf_init(&p->output, HOOKS_OUTPUT_MAX);
	buf_init(&p->errline, HOOKS_STDERR_MAX);
	uv_pipe_init(h->loop, &p->in, 0);
	uv_pipe_init(h->loop, &p->out, 0);
	uv_pipe_init(h->loop, &p->err, 0);
	uv_timer_init(h->loop, &p->timer);
	p->in.data = p->out.data = p->err.data = p->timer.data = p;
	p->proc.data = p->wreq.data = p;
	p->open = 4;
	stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
	stdio[0].data.stream = (uv_stream_t *)&p->in;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&p->out;
	stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[2].data.stream = (uv_stream_t *)&p->err;
	memset(&opt, 0, sizeof opt);
	opt.file = argv[0];
	opt.args = argv;
	opt.env = env;
	opt.exit_cb = proc_exit;
	opt.stdio_count = 3;
	opt.stdio = stdio;
	p->next = h->procs;
	h->procs = p;
	h->running++;
	rc = uv_spawn(h->loop, &p->proc, &opt);
	free_env(env);
	if (rc < 0) {
		log_warn("%s: cannot run %s: %s", name, argv[0],
		    uv_strerror(rc));
		sms_err_set(err, SMS_EUNAVAIL, _("cannot run %s: %s"), argv[0],
		    uv_strerror(rc));
		/* The process handle was initialised by uv_spawn: close
		 * everything, without calling cb. */
		p->cb = NULL;
		p->finished = 1;
		p->open = 5;
		close_handle(p, (uv_handle_t *)&p->timer);
		close_handle(p, (uv_handle_t *)&p->in);
		close_handle(p, (uv_handle_t *)&p->out);
		close_handle(p, (uv_handle_t *)&p->err);
		close_handle(p, (uv_handle_t *)&p->proc);
		return SMS_EUNAVAIL;
	}
	p->open = 5;
	uv_read_start((uv_stream_t *)&p->out, pipe_alloc, out_read);
	uv_read_start((uv_stream_t *)&p->err, pipe_alloc, err_read);
	b = uv_buf_init(p->input, (unsigned)strlen(p->input));
	if (uv_write(&p->wreq, (uv_stream_t *)&p->in, &b, 1, in_written) < 0)
		close_handle(p, (uv_handle_t *)&p->in);
	uv_timer_start(&p->timer, proc_timer, (uint64_t)h->timeout_ms, 0);
	return 0;
}

void
hooks_fire(struct hooks *h, enum hook_kind kind, json_t *msg)
{
	if (h == NULL || (unsigned)kind > HOOK_FAILURE ||
	    h->argv[kind] == NULL)
		return;
	spawn(h, kind_keys[kind], kind_names[kind], h->argv[kind], msg, NULL,
	    NULL, NULL);
}

int
hooks_command(struct hooks *h, const char *cmdline, json_t *msg,
    hooks_output_cb cb, void *data, struct sms_err *err)
{
	char **argv;
	int rc;

	if ((rc = hooks_split(cmdline, &argv, err)) < 0)
		return rc;
	rc = spawn(h, "reply command", "rule", argv, msg, cb, data, err);
	free(argv);
	return rc;
}

size_t
hooks_running(const struct hooks *h)
{
	return h != NULL ? h->running : 0;
}

void
hooks_stop(struct hooks *h)
{
	struct hook_proc *p;

	if (h == NULL || h->stopping)
		return;
	h->stopping = 1;
	for (p = h->procs; p != NULL; p = p->next)
		if (!p->exited && p->stage == 0) {
			p->stage = 1;
			uv_process_kill(&p->proc, SIGTERM);
			uv_timer_start(&p->timer, proc_timer, HOOKS_KILL_GRACE,
			    0);
		}
	hooks_release(h);
}

int
hooks_output_text(struct buf *out, const char *s, size_t len, size_t chars)
{
	size_t off = 0, n_chars = 0;
	uint32_t c;
	int n, rc;

	while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
		len--;
	while (off < len && strchr(" \t\r\n", s[off]) != NULL)
		off++;
	while (off < len && n_chars < chars) {
		char b[UTF8_MAX];

		if ((n = utf8_decode(s + off, len - off, &c)) < 0) {
			c = UTF8_REPLACEMENT;
			n = 1;
		}
		off += (size_t)n;
		if (c == 0)
			continue;	/* no NUL inside a C string */
		if ((rc = buf_append(out, b, utf8_encode(c, b))) < 0)
			return rc;
		n_chars++;
	}
	if (off < len)
		log_warn("a reply command wrote more than %zu characters; the "
		    "reply is cut", chars);
	return buf_append_str(out, "");
}
