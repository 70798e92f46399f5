#include "config.h"

#include "cli/demo.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "store/contact.h"
#include "store/message.h"
#include "store/rule.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/loop.h"
#include "util/phone.h"
#include "util/xalloc.h"

#define DEMO_MIN 60
#define DEMO_HOUR (60 * DEMO_MIN)
#define DEMO_DAY (24 * DEMO_HOUR)

/* One step of a conversation, `ago` seconds before now. */
struct demo_step {
	const char *peer;
	long ago;
	int dir;		/* 0 in, 1 out */
	const char *body;
	const char *author;	/* outgoing: agent or rule */
	int state;		/* outgoing: final state (enum msg_state) */
	int error_code;
	const char *error_text;
};

static const struct demo_step steps[] = {
	{ "+36 30 123 4567", 2 * DEMO_DAY + 3 * DEMO_HOUR, 0,
	    "Jó napot! Mikor nyit holnap az üzlet?", NULL, 0, 0, NULL },
	{ "+36301234567", 2 * DEMO_DAY + 2 * DEMO_HOUR, 1,
	    "Jó napot! Holnap reggel 9 órától várjuk szeretettel.", "anna",
	    MSG_DELIVERED, 0, NULL },
	{ "06 30 123 4567", 2 * DEMO_DAY + DEMO_HOUR, 0,
	    "Köszönöm. Van még a kék kabátból M-es méretben?", NULL, 0, 0,
	    NULL },
	{ "+36301234567", 2 * DEMO_DAY + 50 * DEMO_MIN, 1,
	    "Igen, van még kettő. Félreteszünk egyet János névre.", "bela",
	    MSG_DELIVERED, 0, NULL },
	{ "+44 7700 900123", DEMO_DAY + 5 * DEMO_HOUR, 0,
	    "Hours? And my order #4521 hasn't arrived yet. Any news?", NULL,
	    0, 0, NULL },
	{ "+447700900123", DEMO_DAY + 5 * DEMO_HOUR - 30, 1,
	    "Thanks for your message! Our office hours are Mon-Fri "
	    "9:00-17:00; an agent will answer soon.", "rule:1",
	    MSG_DELIVERED, 0, NULL },
	{ "+447700900123", DEMO_DAY + 4 * DEMO_HOUR, 1,
	    "Hi Sarah, sorry about the wait! It left our warehouse on "
	    "Monday, tracking number GB123456789.", "anna", MSG_DELIVERED, 0,
	    NULL },
	{ "+447700900123", DEMO_DAY + 3 * DEMO_HOUR, 0,
	    "Got it, thanks a lot!", NULL, 0, 0, NULL },
	{ "+36 20 555 0123", 20 * DEMO_HOUR, 1,
	    "Emlékeztető: holnap 10:00-kor időpontja van nálunk. "
	    "Lemondás: válaszoljon NEM szóval.", "anna", MSG_FAILED, 21614,
	    "The number cannot receive text messages (landline or "
	    "unreachable)." },
	{ "+36 70 987 6543", 6 * DEMO_HOUR, 0, "STOP", NULL, 0, 0, NULL },
	{ "+36709876543", 6 * DEMO_HOUR - 5, 1,
	    "Leiratkozott, több üzenetet nem küldünk. Újra feliratkozás: "
	    "START", "rule:2", MSG_DELIVERED, 0, NULL },
	{ "Telekom", 3 * DEMO_HOUR, 0,
	    "Tájékoztatjuk, hogy novemberi számlája elkészült. Összeg: "
	    "4 990 Ft, befizetési határidő: december 10.", NULL, 0, 0,
	    NULL },
	{ "+1 202 555 0143", 40 * DEMO_MIN, 0,
	    "Hello! Is the blue coat still available in size M?", NULL, 0, 0,
	    NULL },
	{ "+36301234567", 25 * DEMO_MIN, 0,
	    "Szuper, köszönöm! Délután megyek érte.", NULL, 0, 0, NULL },
	{ "+12025550143", 10 * DEMO_MIN, 1,
	    "Hi! Yes, we have two left. Shall we keep one for you?", "bela",
	    MSG_SENT, 0, NULL },
};

struct demo_contact {
	const char *name;
	const char *number;
	const char *tag;
	const char *notes;
};

static const struct demo_contact contacts[] = {
	{ "Kovács János", "+36301234567", "vip", "Törzsvásárló." },
	{ "Sarah Miller", "+447700900123", "webshop", NULL },
	{ "Nagy Eszter", "+36205550123", NULL, "Időpont: szerda 10:00." },
	{ "Tóth Péter", "+36709876543", NULL, NULL },
};

/* The rules the demo's replies came from: rule:1 and rule:2. */
static const struct {
	const char *name, *pattern, *aliases, *reply;
	bool optout;
} rules[] = {
	{ "Opening hours", "HOURS", "NYITVA,OPEN",
	    "Thanks for your message! Our office hours are Mon-Fri "
	    "9:00-17:00; an agent will answer soon.", false },
	{ "Unsubscribe", "STOP", "LEIRATKOZAS,UNSUBSCRIBE",
	    "Leiratkozott, több üzenetet nem küldünk. Újra feliratkozás: "
	    "START", true },
};

static int64_t demo_clock;

static int
seed_rules(struct store *st, struct sms_err *err)
{
	struct store_rule r;
	size_t i;
	int rc;

	for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		memset(&r, 0, sizeof r);
		r.name = (char *)rules[i].name;
		r.enabled = true;
		r.match_kind = (char *)"keyword";
		r.pattern = (char *)rules[i].pattern;
		r.aliases = (char *)rules[i].aliases;
		r.reply = (char *)rules[i].reply;
		r.cooldown = -1;
		r.action_optout = rules[i].optout;
		if ((rc = store_rule_add(st, &r, NULL, err)) < 0)
			return rc;
	}
	return 0;
}

static uint64_t
wall_clock(void *data)
{
	return (uint64_t)demo_clock;
}

static int
seed_outgoing(struct store *st, const struct demo_step *s, int64_t at,
    int64_t answered, struct sms_err *err)
{
	struct store_outgoing o;
	struct store_message m;
	char ref[32], peer[PHONE_MAX];
	int64_t id, tid;
	int rc;

	memset(&o, 0, sizeof o);
	o.to = s->peer;
	o.body = s->body;
	o.author = s->author;
	o.report = true;
	o.to_opted_out = true;	/* the STOP acknowledgement */
	if ((rc = store_message_queue(st, &o, &id, err)) < 0)
		return rc;
	/* Whoever answered read the conversation first. */
	if ((rc = store_thread_find(st, s->peer, &tid, err)) < 0 ||
	    (rc = store_thread_mark_read(st, tid, at, err)) < 0)
		return rc;
	if ((rc = store_message_claim(st, "sim", at, &m, err)) < 0)
		return rc;
	store_message_fini(&m);
	/* A rule's reply shows why it went out. */
	if (strncmp(s->author, "rule:", 5) == 0 &&
	    ((rc = store_normalize(st, s->peer, peer, err)) < 0 ||
	    (rc = store_rule_hit_add(st, atoll(s->author + 5), answered, id,
	    peer, "fired", NULL, at, err)) < 0))
		return rc;
	if (s->state == MSG_FAILED)
		return store_message_fail(st, id, s->error_code,
		    s->error_text, at + 2, err);
	snprintf(ref, sizeof ref, "SIM%lld", (long long)id);
	if ((rc = store_message_submitted(st, id, ref, at + 1, err)) < 0)
		return rc;
	if ((rc = store_message_set_state(st, id, MSG_SENT, 0, NULL, at + 2,
	    err)) < 0)
		return rc;
	if (s->state == MSG_DELIVERED)
		rc = store_message_set_state(st, id, MSG_DELIVERED, 0, NULL,
		    at + 9, err);
	return rc < 0 ? rc : 0;
}

int
demo_seed(struct store *st, long long now, struct sms_err *err)
{
	struct store_contact c;
	struct store_inbound in;
	char *nums[1], *tags[1];
	int64_t tid, last_in = 0;
	size_t i;
	int rc = 0;

	loop_set_clock(NULL, wall_clock, NULL);
	demo_clock = now - 3 * DEMO_DAY;
	if ((rc = seed_rules(st, err)) < 0)
		goto out;
	for (i = 0; i < sizeof contacts / sizeof contacts[0]; i++) {
		memset(&c, 0, sizeof c);
		c.name = (char *)contacts[i].name;
		c.notes = (char *)contacts[i].notes;
		nums[0] = (char *)contacts[i].number;
		c.numbers.v = nums;
		c.numbers.n = 1;
		if (contacts[i].tag != NULL) {
			tags[0] = (char *)contacts[i].tag;
			c.tags.v = tags;
			c.tags.n = 1;
		}
		if ((rc = store_contact_add(st, &c, NULL, err)) < 0)
			goto out;
	}
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		demo_clock = now - steps[i].ago;
		if (steps[i].dir == 1) {
			rc = seed_outgoing(st, &steps[i], demo_clock, last_in,
			    err);
		} else {
			memset(&in, 0, sizeof in);
			in.backend = "sim";
			in.from = steps[i].peer;
			in.body = steps[i].body;
			in.encoding = "gsm7";
			in.remote_at = demo_clock - 3;
			in.received_at = demo_clock;
			rc = store_message_insert_inbound(st, &in, &last_in,
			    err);
		}
		if (rc < 0)
			goto out;
		if (strcmp(steps[i].body, "STOP") == 0 &&
		    (rc = store_optout_set(st, steps[i].peer, true, demo_clock,
		    err)) < 0)
			goto out;
	}
	demo_clock = now;
	/* Read what the agents answered; archive the settled English one. */
	if ((rc = store_thread_find(st, "+447700900123", &tid, err)) < 0 ||
	    (rc = store_thread_mark_read(st, tid, now - DEMO_DAY, err)) < 0 ||
	    (rc = store_thread_set_archived(st, tid, true, err)) < 0)
		goto out;
	if ((rc = store_thread_find(st, "+36709876543", &tid, err)) < 0 ||
	    (rc = store_thread_mark_read(st, tid, now - DEMO_HOUR, err)) < 0)
		goto out;
	if ((rc = store_thread_find(st, "+12025550143", &tid, err)) < 0 ||
	    (rc = store_thread_mark_read(st, tid, now - 10 * DEMO_MIN, err)) < 0 ||
	    (rc = store_thread_assign(st, tid, "bela", err)) < 0)
		goto out;
	rc = 0;
out:
	loop_set_clock(NULL, NULL, NULL);
	return rc;
}

int
demo_init(struct cmd_ctx *ctx)
{
	struct sms_err err;
	const char *tmp = getenv("TMPDIR");
	char *text = NULL;
	int rc;

	sms_err_clear(&err);
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	xasprintf(&ctx->demo_dir, "%s/sms-inbox-demo.XXXXXX", tmp);
	if (mkdtemp(ctx->demo_dir) == NULL) {
		cmd_error(ctx, _("cannot create a directory for the demo in "
		    "%s: %s"), tmp, strerror(errno));
		free(ctx->demo_dir);
		ctx->demo_dir = NULL;
		return SMS_EXIT_CANTCREAT;
	}
	xasprintf(&text,
	    "[store]\n"
	    "path = %s/inbox.db\n"
	    "default_country = HU\n"
	    "\n"
	    "[backend.sim]\n"
	    "type = sim\n"
	    "from = +36201234567\n"
	    "\n"
	    "[routing]\n"
	    "primary = sim\n"
	    "\n"
	    "[ui]\n"
	    "agent = demo\n", ctx->demo_dir);
	if ((rc = conf_load_string(&ctx->cfg, text, "demo", &err)) < 0 ||
	    (rc = store_open_conf(&ctx->store, ctx->cfg, &err)) < 0 ||
	    (rc = demo_seed(ctx->store, loop_wall_now(), &err)) < 0) {
		if (err.msg[0] == '\0')
			sms_err_set(&err, rc, "%s", sms_rc_str(rc));
		cmd_error(ctx, _("cannot set up the demo: %s"), err.msg);
		free(text);
		store_close(ctx->store);
		ctx->store = NULL;
		demo_fini(ctx);
		return sms_rc_exit(rc);
	}
	free(text);
	return 0;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

void
demo_fini(struct cmd_ctx *ctx)
{
	if (ctx->demo_dir == NULL)
		return;
	nftw(ctx->demo_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(ctx->demo_dir);
	ctx->demo_dir = NULL;
}
