/*
 * The inbound pipeline: store -> reassembly -> opt-out keywords ->
 * autoreply rules -> notify.  A message is committed before the backend
 * may delete or acknowledge it; the opt-out handling and the rules' replies
 * and hits are written in the same transaction, so a crash never leaves a
 * message stored but unanswered, or answered twice.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/concat.h"
#include "engine/fold.h"
#include "engine/hooks.h"
#include "engine/private.h"
#include "engine/rulebook.h"
#include "engine/rules.h"
#include "engine/template.h"
#include "store/contact.h"
#include "store/fragment.h"
#include "store/message.h"
#include "store/rule.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"

#define INBOUND_REPLY_MAX 1600
/* A reply command's output: at most this many characters are sent (ten
 * GSM-7 segments). */
#define INBOUND_COMMAND_CHARS HOOKS_REPLY_CHARS
/* A folded message: the longest concatenated SMS, a few times over. */
#define INBOUND_FOLDED_MAX (256 * 1024)
#define INBOUND_OWN_MAX 16

#define DEFAULT_STOP "STOP,STOPALL,UNSUBSCRIBE,CANCEL,END,QUIT"
#define DEFAULT_START "START,UNSTOP"
#define DEFAULT_HELP "HELP"

static long
utc_offset(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

int
inbound_rules_reload(struct engine *e, bool force)
{
	struct rules *rs;
	struct sms_err err;
	int64_t gen;

	if (store_rules_generation(e->st, &gen, &err) < 0) {
		log_err("rules: %s", err.msg);
		return -1;
	}
	if (!force && e->rules_loaded && gen == e->rules_gen)
		return 0;
	if (rulebook_load(e->st, e->cfg, &rs, NULL, &err) < 0) {
		log_err("rules: %s", err.msg);
		return -1;
	}
	rules_free(e->rules);
	e->rules = rs;
	e->rules_gen = gen;
	if (e->rules_loaded)
		log_info("%zu autoreply rules loaded", rules_count(rs));
	e->rules_loaded = true;
	return 0;
}

/* Whether the folded text, trimmed, is one of the words in list. */
static bool
is_word(const char *folded, const char *list)
{
	struct buf w;
	const char *p = list, *text;
	size_t len;
	bool hit = false;

	/* trim blanks and trailing punctuation: "Stop." is STOP */
	text = folded + strspn(folded, " \t\r\n");
	len = strlen(text);
	while (len > 0 && (isspace((unsigned char)text[len - 1]) ||
	    strchr(".!", text[len - 1]) != NULL))
		len--;
	if (len > 64)
		return false;	/* no STOP word is that long */
	while (!hit && p != NULL) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		while (n > 0 && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		buf_init(&w, 256);
		if (n > 0 && fold_text(&w, p, n) == 0 && w.data != NULL &&
		    w.len == len && memcmp(w.data, text, len) == 0)
			hit = true;
		buf_fini(&w);
		p = comma ? comma + 1 : NULL;
	}
	return hit;
}

/* Queue a text to peer inside the current transaction. */
static int
queue_reply(struct engine *e, const char *peer, const char *body,
    const char *author, bool to_opted_out, int64_t *id, struct sms_err *err)
{
	struct store_outgoing o;

	memset(&o, 0, sizeof o);
	o.to = peer;
	o.body = body;
	o.author = author;
	o.to_opted_out = to_opted_out;
	return store_message_queue(e->st, &o, id, err);
}

/*
 * STOP, START and HELP.  Returns 1 when the message was one of them (the
 * rules are not asked), 0 when not, negative on a store error.
 */
static int
opt_words(struct engine *e, const char *peer, const char *folded,
    bool answerable, bool *queued, struct sms_err *err)
{
	const char *stop = conf_get_str(e->cfg, "autoreply", "stop_words",
	    DEFAULT_STOP);
	const char *start = conf_get_str(e->cfg, "autoreply", "start_words",
	    DEFAULT_START);
	const char *help = conf_get_str(e->cfg, "autoreply", "help_words",
	    DEFAULT_HELP);
	bool out = false;
	int rc;

	if (is_word(folded, stop)) {
		if ((rc = store_optout_get(e->st, peer, &out, NULL, err)) < 0)
			return rc;
		if ((rc = store_optout_set(e->st, peer, true, 0, err)) < 0)
			return rc;
		log_info("%s opted out", peer);
		/* One confirmation: a second STOP is not answered. */
		if (!out && answerable) {
			if ((rc = queue_reply(e, peer, conf_get_str(e->cfg,
			    "autoreply", "stop_reply", _("You are "
			    "unsubscribed and will get no more messages. "
			    "Reply START to subscribe again.")), "optout",
			    true, NULL, err)) < 0)
				return rc;
			*queued = true;
		}
		return 1;
	}
	if (is_word(folded, start)) {
		if ((rc = store_optout_get(e->st, peer, &out, NULL, err)) < 0)
			return rc;
		if (!out)
			return 1;
		if ((rc = store_optout_set(e->st, peer, false, 0, err)) < 0)
			return rc;
		log_info("%s opted back in", peer);
		if (answerable) {
			if ((rc = queue_reply(e, peer, conf_get_str(e->cfg,
			    "autoreply", "start_reply", _("You are "
			    "subscribed again. Reply STOP to unsubscribe.")),
			    "optout", false, NULL, err)) < 0)
				return rc;
			*queued = true;
		}
		return 1;
	}
	if (is_word(folded, help)) {
		if (answerable) {
			rc = queue_reply(e, peer, conf_get_str(e->cfg,
			    "autoreply", "help_reply", _("Reply STOP to "
			    "unsubscribe.")), "optout", false, NULL, err);
			if (rc == SMS_EOPTOUT)
				return 1;
			if (rc < 0)
				return rc;
			*queued = true;
		}
		return 1;
	}
	return 0;
}

struct hits_ctx {
	struct engine *e;
	const char *peer;
};

static int
hits_cb(void *data, int64_t rule_id, int64_t since, int64_t *last)
{
	struct hits_ctx *h = data;

	return store_rule_hits_count(h->e->st, h->peer, rule_id, since, last,
	    NULL);
}

/* Own numbers: [autoreply] own_numbers and every backend's from. */
static size_t
own_numbers(struct engine *e, const char *to, const char **v, char *buf,
    size_t size)
{
	const char *list = conf_get(e->cfg, "autoreply", "own_numbers");
	size_t n = 0, i;

	if (to != NULL)
		v[n++] = to;
	for (i = 0; i < e->n_be && n < INBOUND_OWN_MAX; i++) {
		const char *f = conf_get(e->cfg, e->be[i].b.section, "from");

		if (f != NULL)
			v[n++] = f;
	}
	if (list != NULL) {
		char *p, *save = NULL;

		snprintf(buf, size, "%s", list);
		for (p = strtok_r(buf, ", ", &save); p != NULL &&
		    n < INBOUND_OWN_MAX; p = strtok_r(NULL, ", ", &save))
			v[n++] = p;
	}
	return n;
}

static void
job_free(struct reply_job *j)
{
	if (j == NULL)
		return;
	free(j->peer);
	free(j->cmdline);
	json_decref(j->msg);
	free(j);
}

static void
jobs_free(struct reply_job *j)
{
	struct reply_job *next;

	for (; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
}

void
inbound_jobs_detach(struct engine *e)
{
	struct reply_job *j;

	/* hooks frees them when their commands are over. */
	for (j = e->reply_jobs; j != NULL; j = j->next)
		j->e = NULL;
	e->reply_jobs = NULL;
}

/* A job for rule r's command on message m, or NULL when out of memory. */
static struct reply_job *
job_new(struct engine *e, const struct rule *r, const struct store_message *m,
    const char *keyword, const char *backend)
{
	struct reply_job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	j->e = e;
	j->rule_id = r->id;
	j->message_id = m->id;
	j->peer = strdup(m->peer);
	j->cmdline = strdup(r->reply_command);
	j->msg = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s, s:{s:I, s:s}}",
	    "id", (json_int_t)m->id, "number", m->peer, "state", "received",
	    "body", m->body, "backend", backend, "keyword", keyword, "rule",
	    "id", (json_int_t)r->id, "name", r->name);
	if (j->peer == NULL || j->cmdline == NULL || j->msg == NULL) {
		job_free(j);
		return NULL;
	}
	return j;
}

/* Record how a reply command ended: detail on its hit, in the log. */
static void
job_outcome(struct engine *e, struct reply_job *j, int64_t reply_id,
    const char *detail)
{
	struct sms_err err;

	if (detail != NULL)
		log_warn("rule %lld, message %lld: %s", (long long)j->rule_id,
		    (long long)j->message_id, detail);
	if (store_rule_hit_resolve(e->st, j->rule_id, j->message_id,
	    reply_id, detail, &err) < 0)
		log_err("rule %lld: %s", (long long)j->rule_id, err.msg);
}

/* hooks_output_cb: a reply command is over. */
static void
job_done(void *data, int status, const char *out, size_t len)
{
	struct reply_job *j = data, **jp;
	struct engine *e = j->e;
	struct sms_err err;
	struct buf body;
	char detail[128], author[32];
	int64_t reply_id = 0;
	int rc;

	if (e == NULL) {
		job_free(j);
		return;
	}
	for (jp = &e->reply_jobs; *jp != NULL; jp = &(*jp)->next)
		if (*jp == j) {
			*jp = j->next;
			break;
		}
	buf_init(&body, INBOUND_REPLY_MAX * 4);
	if (status < 0)
		job_outcome(e, j, 0, _("reply command stopped: it ran too long "
		    "or was killed"));
	else if (status > 0) {
		snprintf(detail, sizeof detail, _("reply command failed: exit "
		    "status %d"), status);
		job_outcome(e, j, 0, detail);
	} else if (hooks_output_text(&body, out, len,
	    INBOUND_COMMAND_CHARS) < 0 || body.len == 0)
		job_outcome(e, j, 0, _("reply command wrote nothing"));
	else {
		snprintf(author, sizeof author, "rule:%lld",
		    (long long)j->rule_id);
		sms_err_clear(&err);
		/* The reply and its hit together. */
		if ((rc = store_tx_begin(e->st, &err)) == 0) {
			rc = queue_reply(e, j->peer, body.data, author, false,
			    &reply_id, &err);
			if (rc == SMS_EOPTOUT)
				job_outcome(e, j, 0, "opted out");
			else if (rc == 0)
				job_outcome(e, j, reply_id, NULL);
			if (rc < 0 && rc != SMS_EOPTOUT)
				store_tx_rollback(e->st);
			else if (store_tx_commit(e->st, &err) < 0)
				rc = err.code < 0 ? err.code : SMS_ESTORE;
		}
		if (rc < 0 && rc != SMS_EOPTOUT)
			log_err("rule %lld: cannot queue its reply: %s",
			    (long long)j->rule_id, err.msg);
		else if (rc == 0) {
			log_info("rule %lld answered message %lld with its "
			    "command's output", (long long)j->rule_id,
			    (long long)j->message_id);
			outbox_kick(e);
		}
	}
	buf_fini(&body);
	job_free(j);
}

/* Start the reply commands of a committed message (pending: a list). */
static void
jobs_start(struct engine *e, struct reply_job *pending)
{
	struct reply_job *j, *next;
	struct sms_err err;
	char detail[sizeof err.msg + 32];

	for (j = pending; j != NULL; j = next) {
		next = j->next;
		sms_err_clear(&err);
		if (e->hooks == NULL || hooks_command(e->hooks, j->cmdline,
		    j->msg, job_done, j, &err) < 0) {
			snprintf(detail, sizeof detail, _("reply command not "
			    "run: %s"), e->hooks != NULL ? err.msg :
			    _("the engine is stopping"));
			job_outcome(e, j, 0, detail);
			job_free(j);
			continue;
		}
		j->next = e->reply_jobs;
		e->reply_jobs = j;
	}
}

/* What the rules may need of the store about the message's sender,
 * looked up once and only when needed. */
struct facts_ctx {
	struct engine *e;
	const struct store_message *m;
	struct store_contact c;
	bool looked;		/* c was looked up */
	bool have_contact;	/* and found */
	struct sms_err *err;
};

static void
facts_contact(struct facts_ctx *f)
{
	if (f->looked)
		return;
	f->looked = true;
	f->have_contact = store_contact_find_number(f->e->st, f->m->peer,
	    &f->c, NULL) == 0;
}

static int
facts_cb(void *data, struct rules_input *in)
{
	struct facts_ctx *f = data;
	struct store_messages page;

	facts_contact(f);
	if (f->have_contact) {
		in->tags = (const char *const *)f->c.tags.v;
		in->n_tags = f->c.tags.n;
	}
	if (store_message_page(f->e->st, f->m->thread_id, 0, 2, &page,
	    f->err) < 0)
		return f->err->code;
	in->first_message = page.n <= 1;
	store_messages_fini(&page);
	return 0;
}

/* Run the rules for a new message (folded: its text folded), inside
 * the transaction; reply commands go on *jobs, to start once it is
 * committed. */
static int
apply_rules(struct engine *e, const struct store_message *m,
    const char *folded, const char *backend, struct reply_job **jobs,
    bool *queued, struct sms_err *err)
{
	struct rules_result res;
	struct hits_ctx hc = { e, m->peer };
	struct facts_ctx fc;
	struct rules_input in;
	const char *own[INBOUND_OWN_MAX];
	char ownbuf[512];
	int64_t now = loop_wall_now();
	size_t i;
	int rc;

	/* Rules edited a moment ago apply to this message already. */
	inbound_rules_reload(e, false);
	if (!e->autoreply || e->rules == NULL || rules_count(e->rules) == 0)
		return 0;
	memset(&fc, 0, sizeof fc);
	fc.e = e;
	fc.m = m;
	fc.err = err;
	memset(&in, 0, sizeof in);
	in.from = m->peer;
	in.text = m->body;
	in.folded = folded;
	in.now = now;
	in.utc_offset = utc_offset(now);
	in.own_numbers = own;
	in.n_own = own_numbers(e, m->our_number, own, ownbuf, sizeof ownbuf);
	in.hits = hits_cb;
	in.hits_data = &hc;
	in.facts = facts_cb;
	in.facts_data = &fc;
	rc = rules_eval(e->rules, &in, &res);
	for (i = 0; rc == 0 && i < res.n; i++) {
		const struct rules_outcome *o = &res.outcome[i];
		const struct rule *r = o->rule;
		int64_t reply_id = 0;
		char author[32], detail[128];

		snprintf(detail, sizeof detail, "%s", o->keyword);
		if (o->verdict == RULE_FIRED) {
			if (r->reply != NULL) {
				struct template_vars v = {
					NULL, m->peer, o->keyword, now,
					in.utc_offset };
				struct buf body;

				facts_contact(&fc);
				if (fc.have_contact && fc.c.name[0])
					v.name = fc.c.name;
				buf_init(&body, INBOUND_REPLY_MAX);
				snprintf(author, sizeof author, "rule:%lld",
				    (long long)r->id);
				rc = template_render(&body, r->reply, &v, err);
				if (rc == 0 && body.len > 0)
					rc = queue_reply(e, m->peer, body.data,
					    author, false, &reply_id, err);
				buf_fini(&body);
				if (rc == SMS_EOPTOUT) {
					snprintf(detail, sizeof detail,
					    "opted out");
					rc = 0;
				} else if (rc < 0)
					break;
				else
					*queued = *queued || reply_id > 0;
			}
			if (r->reply_command != NULL) {
				struct reply_job *j = job_new(e, r, m,
				    o->keyword, backend);

				if (j == NULL) {
					rc = sms_err_set(err, SMS_ENOMEM, "%s",
					    sms_rc_str(SMS_ENOMEM));
					break;
				}
				j->next = *jobs;
				*jobs = j;
			}
			if (r->set_tag != NULL && (rc = store_contact_tag_number(
			    e->st, m->peer, r->set_tag, err)) < 0)
				break;
			if (r->assign != NULL && (rc = store_thread_assign(
			    e->st, m->thread_id, r->assign, err)) < 0)
				break;
			if (r->opt_out && (rc = store_optout_set(e->st,
			    m->peer, true, 0, err)) < 0)
				break;
			log_info("rule %lld (%s) answered message %lld",
			    (long long)r->id, r->name, (long long)m->id);
		}
		rc = store_rule_hit_add(e->st, r->id, m->id, reply_id, m->peer,
		    rule_verdict_name(o->verdict), detail, now, err);
	}
	if (fc.have_contact)
		store_contact_fini(&fc.c);
	return rc < 0 ? rc : 0;
}

/* Store one whole message and run the pipeline on it.  Returns 0 once
 * it is committed (new or a duplicate). */
static int
take_whole(struct engine *e, struct engine_backend *eb,
    const struct store_inbound *si)
{
	struct store_message m;
	struct sms_err err;
	struct buf folded;
	struct reply_job *jobs = NULL;
	bool queued = false, answerable;
	int64_t id = 0;
	json_t *j;
	int rc, isnew;

	memset(&m, 0, sizeof m);
	sms_err_clear(&err);
	buf_init(&folded, INBOUND_FOLDED_MAX);
	if ((rc = store_tx_begin(e->st, &err)) < 0)
		goto fail;
	if ((isnew = store_message_insert_inbound(e->st, si, &id, &err)) < 0) {
		rc = isnew;
		goto rollback;
	}
	if (isnew == 0) {
		store_tx_rollback(e->st);
		log_debug("duplicate message from %s dropped", si->from);
		return 0;
	}
	if ((rc = store_message_get(e->st, id, &m, &err)) < 0)
		goto rollback;
	answerable = rules_sender_answerable(m.peer);
	/* Folded once for the opt-out words and all the rules.  A text
	 * too long to fold is kept, unanswered. */
	if (fold_text(&folded, m.body, strlen(m.body)) < 0 ||
	    buf_append_str(&folded, "") < 0) {
		log_warn("message %lld is too long for the rules; not "
		    "answered", (long long)id);
		rc = 1;
	} else if ((rc = opt_words(e, m.peer, folded.data, answerable,
	    &queued, &err)) < 0)
		goto rollback;
	if (rc == 0 && (rc = apply_rules(e, &m, folded.data, eb->b.name,
	    &jobs, &queued, &err)) < 0)
		goto rollback;
	if ((rc = store_tx_commit(e->st, &err)) < 0)
		goto fail;
	jobs_start(e, jobs);
	jobs = NULL;
	log_debug("message %lld from %s stored (%s)", (long long)id, m.peer,
	    eb->b.name);
	engine_message_event(e, id, "received");
	if (e->hooks != NULL) {
		j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
		    (json_int_t)id, "number", m.peer, "state", "received",
		    "body", m.body, "backend", eb->b.name);
		hooks_fire(e->hooks, HOOK_RECEIVE, j);
		json_decref(j);
	}
	store_message_fini(&m);
	buf_fini(&folded);
	if (queued)
		outbox_kick(e);
	return 0;
rollback:
	store_tx_rollback(e->st);
fail:
	log_err("cannot store a message from %s: %s", si->from, err.msg);
	store_message_fini(&m);
	buf_fini(&folded);
	jobs_free(jobs);
	return rc < 0 ? rc : SMS_ESTORE;
}

/* The fragments key: backend, sender, reference and total. */
static void
frag_key(char *key, size_t size, const char *backend, const char *from,
    unsigned ref, unsigned total)
{
	snprintf(key, size, "%s|%s|%u|%u", backend, from, ref, total);
}

/* Join what is held for key (gaps: with markers) and store it. */
static int
join_and_take(struct engine *e, struct engine_backend *eb, const char *key,
    bool gaps)
{
	struct store_fragments fs;
	struct concat_part *parts = NULL;
	struct store_inbound si;
	struct sms_err err;
	unsigned ref = 0, total = 0;
	char *text = NULL;
	size_t i;
	int rc;

	if ((rc = store_fragment_parts(e->st, key, &fs, &err)) < 0)
		return rc;
	if (fs.n == 0) {
		store_fragments_fini(&fs);
		return 0;
	}
	total = fs.v[0].total;
	if (sscanf(key, "%*[^|]|%*[^|]|%u|", &ref) != 1)
		ref = 0;
	if ((parts = calloc(fs.n, sizeof *parts)) == NULL) {
		store_fragments_fini(&fs);
		return SMS_ENOMEM;
	}
	for (i = 0; i < fs.n; i++) {
		parts[i].seq = fs.v[i].seq;
		parts[i].text = fs.v[i].body;
		parts[i].len = strlen(fs.v[i].body);
	}
	if ((rc = concat_join(parts, fs.n, total, gaps, &text, &err)) == 0) {
		memset(&si, 0, sizeof si);
		si.backend = eb != NULL ? eb->b.name : fs.v[0].backend;
		si.from = fs.v[0].sender;
		si.to = fs.v[0].our_number;
		si.body = text;
		si.encoding = fs.v[0].encoding;
		si.segments = (int)total;
		si.remote_at = fs.v[0].remote_at;
		si.concat_ref = ref;
		si.concat_total = total;
		si.concat_seq = 0;
		if (eb == NULL)
			eb = engine_backend_find(e, fs.v[0].backend);
		if (eb != NULL && (rc = take_whole(e, eb, &si)) == 0)
			rc = store_fragment_delete(e->st, key, &err);
	}
	free(text);
	free(parts);
	store_fragments_fini(&fs);
	return rc;
}

int
inbound_receive(struct engine *e, struct engine_backend *eb,
    const struct backend_inbound *in)
{
	struct store_fragment f;
	struct store_inbound si;
	struct sms_err err;
	char key[256];
	unsigned have = 0;
	int rc;

	if (in->from == NULL || in->body == NULL)
		return SMS_EINVAL;
	if (in->concat_total > 1) {
		frag_key(key, sizeof key, eb->b.name, in->from,
		    in->concat_ref, in->concat_total);
		memset(&f, 0, sizeof f);
		f.key = key;
		f.seq = in->concat_seq;
		f.total = in->concat_total;
		f.backend = eb->b.name;
		f.sender = (char *)in->from;
		f.our_number = (char *)in->to;
		f.body = (char *)in->body;
		f.encoding = (char *)in->encoding;
		f.remote_at = in->sent_at;
		if ((rc = store_fragment_add(e->st, &f, &have, &err)) < 0) {
			log_err("cannot keep a message part from %s: %s",
			    in->from, err.msg);
			return rc;
		}
		if (have < in->concat_total)
			return 0;	/* stored: the rest will come */
		return join_and_take(e, eb, key, false);
	}
	memset(&si, 0, sizeof si);
	si.backend = eb->b.name;
	si.from = in->from;
	si.to = in->to;
	si.body = in->body;
	si.encoding = in->encoding;
	si.segments = 1;
	si.remote_at = in->sent_at;
	si.remote_id = in->remote_id;
	return take_whole(e, eb, &si);
}

void
inbound_expire(struct engine *e)
{
	struct store_strv keys;
	struct sms_err err;
	size_t i;

	if (store_fragment_expired(e->st, loop_wall_now() -
	    e->fragment_timeout, &keys, &err) < 0) {
		log_err("fragments: %s", err.msg);
		return;
	}
	for (i = 0; i < keys.n; i++) {
		log_info("delivering an incomplete message (%s) after %d s",
		    keys.v[i], e->fragment_timeout);
		join_and_take(e, NULL, keys.v[i], true);
	}
	store_strv_fini(&keys);
}
