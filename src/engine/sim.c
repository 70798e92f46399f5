#include "config.h"

#include "engine/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"

#define SIM_IN_FLIGHT_MAX 64
#define SIM_LEDGER_LINE 256

enum sim_action_kind {
	SA_SUBMITTED,
	SA_FAILED,
	SA_STATUS,
	SA_REPLY,
	SA_STATE,	/* tell the engine our state */
	SA_NOP,
};

/* Something the network will do at due (loop milliseconds). */
struct sim_action {
	struct sim_action *next;
	uint64_t due;
	enum sim_action_kind kind;
	int64_t msg_id;
	char ref[32];
	enum msg_state state;		/* SA_STATUS */
	bool transient;			/* SA_FAILED */
	int retry_after;
	int code;
	char *from, *text;		/* SA_REPLY */
};

struct sim {
	struct backend *b;
	uv_loop_t *loop;
	uv_timer_t timer;
	struct sim_action *actions;	/* sorted by due */
	enum sim_mode mode;
	bool suspended;
	bool closing;
	char *our_number;
	long reply_delay;		/* ms, -1: counterparts never reply */
	long deliver_delay;
	double rate;			/* messages per second, 0: no limit */
	uint64_t next_slot;		/* loop ms of the next allowed submit */
	int in_flight;
	int fd;				/* ledger, or -1 */
	int64_t *sent_ids;		/* ids the ledger (or we) accepted */
	size_t n_sent, cap_sent;
	uint64_t seq;			/* for made-up inbound ids */
	void (*done)(struct backend *b);
};

static struct sim *
sim_of(struct backend *b)
{
	return b->priv;
}

bool
sim_is(const struct backend *b)
{
	return b != NULL && b->ops == &sim_backend_ops;
}

static void sim_timer_cb(uv_timer_t *t);
static void sim_closed(uv_handle_t *h);

static void
arm(struct sim *s)
{
	uint64_t now = loop_now(s->loop);

	if (s->closing)
		return;
	if (s->actions == NULL) {
		uv_timer_stop(&s->timer);
		return;
	}
	uv_timer_start(&s->timer, sim_timer_cb,
	    s->actions->due > now ? s->actions->due - now : 0, 0);
}

static struct sim_action *
schedule(struct sim *s, enum sim_action_kind kind, uint64_t delay)
{
	struct sim_action *a, **pp;

	if ((a = calloc(1, sizeof *a)) == NULL)
		return NULL;
	a->kind = kind;
	a->due = loop_now(s->loop) + delay;
	for (pp = &s->actions; *pp != NULL && (*pp)->due <= a->due;
	    pp = &(*pp)->next)
		;
	a->next = *pp;
	*pp = a;
	arm(s);
	return a;
}

static void
action_free(struct sim_action *a)
{
	free(a->from);
	free(a->text);
	free(a);
}

static void
remember(struct sim *s, int64_t id)
{
	int64_t *v;

	if (s->n_sent == s->cap_sent) {
		size_t cap = s->cap_sent ? s->cap_sent * 2 : 64;

		if ((v = realloc(s->sent_ids, cap * sizeof *v)) == NULL)
			return;
		s->sent_ids = v;
		s->cap_sent = cap;
	}
	s->sent_ids[s->n_sent++] = id;
}

static bool
was_sent(const struct sim *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n_sent; i++)
		if (s->sent_ids[i] == id)
			return true;
	return false;
}

/* The counterpart's answer to body. */
static char *
reply_text(const char *body)
{
	char *t = NULL;

	if (strchr(body, '?') != NULL)
		t = strdup("Yes, sure.");
	else if (asprintf(&t, "Thanks, got it: %.40s", body) < 0)
		t = NULL;
	return t;
}

static void
run_action(struct sim *s, struct sim_action *a)
{
	struct backend *b = s->b;
	const struct backend_events *ev = b->events;

	switch (a->kind) {
	case SA_SUBMITTED:
		s->in_flight--;
		ev->submitted(b->ctx, b, a->msg_id, a->ref, 1);
		break;
	case SA_FAILED:
		s->in_flight--;
		ev->send_failed(b->ctx, b, a->msg_id, a->transient,
		    a->retry_after, a->code, a->text);
		break;
	case SA_STATUS: {
		struct backend_status st = { a->msg_id, a->ref, a->state,
			a->state == MSG_UNDELIVERED ? 30 : 0,
			a->state == MSG_UNDELIVERED ?
			_("the phone was unreachable for too long") : NULL,
			0, false };

		ev->status(b->ctx, b, &st);
		break;
	}
	case SA_REPLY: {
		struct backend_inbound in;
		char id[48];

		memset(&in, 0, sizeof in);
		snprintf(id, sizeof id, "SIMIN-%s", a->ref);
		in.from = a->from;
		in.to = s->our_number;
		in.body = a->text;
		in.sent_at = loop_wall_now();
		in.remote_id = id;
		if (ev->inbound(b->ctx, b, &in) < 0)
			log_warn("sim %s: the engine did not take a reply",
			    b->name);
		break;
	}
	case SA_STATE:
		ev->state(b->ctx, b, s->suspended ? BACKEND_SUSPENDED :
		    s->mode == SIM_DOWN ? BACKEND_DOWN : BACKEND_UP, NULL);
		break;
	case SA_NOP:
		break;
	}
}

static void
sim_timer_cb(uv_timer_t *t)
{
	struct sim *s = t->data;
	uint64_t now = loop_now(s->loop);
	struct sim_action *a;

	while (!s->closing && (a = s->actions) != NULL && a->due <= now) {
		s->actions = a->next;
		run_action(s, a);
		action_free(a);
	}
	arm(s);
}

static int
ledger_load(struct sim *s, const char *path, struct sms_err *err)
{
	char line[SIM_LEDGER_LINE];
	FILE *fp;

	s->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (s->fd < 0)
		return sms_err_sys(err, SMS_ECONFIG, errno,
		    _("cannot open the sim ledger %s"), path);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL) {
		int64_t id = strtoll(line, NULL, 10);

		if (id > 0)
			remember(s, id);
	}
	fclose(fp);
	return 0;
}

static int
sim_open(struct backend *b, uv_loop_t *loop, const struct conf *cfg,
    struct sms_err *err)
{
	struct sim *s;
	char *ledger;
	int rc;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	s->b = b;
	s->loop = loop;
	s->fd = -1;
	s->our_number = strdup(conf_get_str(cfg, b->section, "from",
	    "+15550000000"));
	s->reply_delay = conf_get_int(cfg, b->section, "reply_delay", 1500);
	if (s->reply_delay == 0)
		s->reply_delay = -1;	/* 0: the phones never answer */
	s->deliver_delay = conf_get_int(cfg, b->section, "deliver_delay",
	    500);
	s->rate = conf_get_double(cfg, b->section, "rate", 0);
	ledger = conf_get_path(cfg, b->section, "ledger", NULL);
	if (ledger != NULL) {
		rc = ledger_load(s, ledger, err);
		free(ledger);
		if (rc < 0) {
			free(s->our_number);
			free(s->sent_ids);
			free(s);
			return rc;
		}
	}
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	b->priv = s;
	/* Up at once, but told on the loop, as a real network would. */
	if (schedule(s, SA_STATE, 0) == NULL) {
		b->priv = NULL;
		uv_close((uv_handle_t *)&s->timer, sim_closed);
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	}
	return 0;
}

static void
sim_closed(uv_handle_t *h)
{
	struct sim *s = h->data;
	struct backend *b = s->b;
	void (*done)(struct backend *) = s->done;

	if (s->fd >= 0)
		close(s->fd);
	free(s->our_number);
	free(s->sent_ids);
	free(s);
	b->priv = NULL;
	if (done != NULL)
		done(b);
}

static void
sim_close(struct backend *b, void (*done)(struct backend *b))
{
	struct sim *s = sim_of(b);
	struct sim_action *a;

	s->closing = true;
	s->done = done;
	while ((a = s->actions) != NULL) {
		s->actions = a->next;
		action_free(a);
	}
	uv_close((uv_handle_t *)&s->timer, sim_closed);
}

static bool
sim_ready(struct backend *b)
{
	struct sim *s = sim_of(b);

	return s->mode != SIM_DOWN && !s->suspended &&
	    s->in_flight < SIM_IN_FLIGHT_MAX &&
	    loop_now(s->loop) >= s->next_slot;
}

static uint64_t
sim_next_ready(struct backend *b)
{
	struct sim *s = sim_of(b);
	uint64_t now = loop_now(s->loop);

	return s->next_slot > now ? s->next_slot - now : 0;
}

/* The last two digits of a number, or -1. */
static int
tail(const char *to)
{
	size_t n = strlen(to);

	if (n < 2 || to[n - 1] < '0' || to[n - 1] > '9' ||
	    to[n - 2] < '0' || to[n - 2] > '9')
		return -1;
	return (to[n - 2] - '0') * 10 + (to[n - 1] - '0');
}

static int
ledger_write(struct sim *s, int64_t id, const char *ref, const char *to)
{
	char line[SIM_LEDGER_LINE];
	int n;

	if (s->fd < 0)
		return 0;
	n = snprintf(line, sizeof line, "%" PRId64 "\t%s\t%.64s\n", id, ref,
	    to);
	if (n < 0 || write(s->fd, line, (size_t)n) != n)
		return -1;
	return 0;
}

static int
sim_submit(struct backend *b, const struct backend_msg *msg,
    struct sms_err *err)
{
	struct sim *s = sim_of(b);
	struct sim_action *a;
	int t = tail(msg->to);

	if (!sim_ready(b))
		return SMS_EBUSY;
	if (s->rate > 0)
		s->next_slot = loop_now(s->loop) +
		    (uint64_t)(1000.0 / s->rate);
	s->in_flight++;
	if (s->mode == SIM_FAILING || (t == 98 && msg->attempt < 3)) {
		if ((a = schedule(s, SA_FAILED, 0)) == NULL)
			goto nomem;
		a->msg_id = msg->id;
		a->transient = true;
		a->retry_after = t == 98 ? 1 : 0;
		a->code = 503;
		a->text = strdup(_("the simulated network is busy"));
		return 0;
	}
	if (t == 99) {
		if ((a = schedule(s, SA_FAILED, 0)) == NULL)
			goto nomem;
		a->msg_id = msg->id;
		a->code = 21211;
		if (asprintf(&a->text, _("the number %s does not exist"),
		    msg->to) < 0)
			a->text = NULL;
		return 0;
	}
	if ((a = schedule(s, SA_SUBMITTED, 0)) == NULL)
		goto nomem;
	a->msg_id = msg->id;
	snprintf(a->ref, sizeof a->ref, "SIM%" PRId64, msg->id);
	if (ledger_write(s, msg->id, a->ref, msg->to) < 0) {
		/* Not accepted after all: the action reports a retry. */
		a->kind = SA_FAILED;
		a->transient = true;
		a->text = strdup(_("the simulated network lost the message"));
		return 0;
	}
	remember(s, msg->id);
	if ((a = schedule(s, SA_STATUS, (uint64_t)s->deliver_delay)) != NULL) {
		a->msg_id = msg->id;
		snprintf(a->ref, sizeof a->ref, "SIM%" PRId64, msg->id);
		a->state = t == 97 ? MSG_UNDELIVERED : MSG_DELIVERED;
	}
	if (s->reply_delay >= 0 && t != 97 &&
	    (a = schedule(s, SA_REPLY, (uint64_t)s->reply_delay)) != NULL) {
		snprintf(a->ref, sizeof a->ref, "SIM%" PRId64, msg->id);
		a->from = strdup(msg->to);
		a->text = reply_text(msg->body);
		if (a->from == NULL || a->text == NULL)
			a->kind = SA_NOP;	/* nothing to say */
	}
	return 0;
nomem:
	s->in_flight--;
	return sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
}

static int
sim_reconcile(struct backend *b, const struct backend_msg *msg,
    struct sms_err *err)
{
	struct sim *s = sim_of(b);
	struct sim_action *a;

	s->in_flight++;
	if (was_sent(s, msg->id)) {
		if ((a = schedule(s, SA_SUBMITTED, 0)) == NULL)
			goto nomem;
		a->msg_id = msg->id;
		snprintf(a->ref, sizeof a->ref, "SIM%" PRId64, msg->id);
		/* Its report arrives as if it had waited in the network. */
		if ((a = schedule(s, SA_STATUS,
		    (uint64_t)s->deliver_delay)) != NULL) {
			a->msg_id = msg->id;
			snprintf(a->ref, sizeof a->ref, "SIM%" PRId64,
			    msg->id);
			a->state = tail(msg->to) == 97 ? MSG_UNDELIVERED :
			    MSG_DELIVERED;
		}
		return 0;
	}
	if ((a = schedule(s, SA_FAILED, 0)) == NULL)
		goto nomem;
	a->msg_id = msg->id;
	a->transient = true;
	a->text = strdup(_("it never reached the network; sending again"));
	return 0;
nomem:
	s->in_flight--;
	return sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
}

static void
sim_health(struct backend *b, struct backend_health *out)
{
	struct sim *s = sim_of(b);

	memset(out, 0, sizeof *out);
	out->state = s->suspended ? BACKEND_SUSPENDED :
	    s->mode == SIM_DOWN ? BACKEND_DOWN : BACKEND_UP;
	out->signal_dbm = -63;
	out->signal_bars = 4;
	snprintf(out->operator_name, sizeof out->operator_name,
	    "Simulated network");
	if (s->mode == SIM_FAILING)
		snprintf(out->detail, sizeof out->detail, "%s",
		    _("every submission fails (simulated outage)"));
	else
		snprintf(out->detail, sizeof out->detail, _("our number %s"),
		    s->our_number != NULL ? s->our_number : "");
}

static void
sim_suspend(struct backend *b)
{
	struct sim *s = sim_of(b);

	s->suspended = true;
	b->events->state(b->ctx, b, BACKEND_SUSPENDED, NULL);
}

static void
sim_resume(struct backend *b)
{
	struct sim *s = sim_of(b);

	s->suspended = false;
	b->events->state(b->ctx, b, s->mode == SIM_DOWN ? BACKEND_DOWN :
	    BACKEND_UP, NULL);
}

void
sim_set_mode(struct backend *b, enum sim_mode mode)
{
	struct sim *s = sim_of(b);
	enum sim_mode old = s->mode;

	s->mode = mode;
	if ((old == SIM_DOWN) != (mode == SIM_DOWN) && !s->suspended)
		b->events->state(b->ctx, b, mode == SIM_DOWN ? BACKEND_DOWN :
		    BACKEND_UP, mode == SIM_DOWN ?
		    _("the simulated network is down") : NULL);
}

int
sim_inject(struct backend *b, const struct backend_inbound *in)
{
	struct sim *s = sim_of(b);
	struct backend_inbound copy = *in;
	char id[48];

	if (copy.remote_id == NULL) {
		snprintf(id, sizeof id, "SIMX-%ld-%" PRIu64, (long)getpid(),
		    ++s->seq);
		copy.remote_id = id;
	}
	if (copy.to == NULL)
		copy.to = s->our_number;
	if (copy.sent_at == 0)
		copy.sent_at = loop_wall_now();
	return b->events->inbound(b->ctx, b, &copy);
}

const struct backend_ops sim_backend_ops = {
	.type = "sim",
	.open = sim_open,
	.close = sim_close,
	.ready = sim_ready,
	.next_ready = sim_next_ready,
	.submit = sim_submit,
	.reconcile = sim_reconcile,
	.health = sim_health,
	.suspend = sim_suspend,
	.resume = sim_resume,
};
