/*
 * Autoreply rules (R): the ordered list with hit counts, a form for every
 * field of a rule, moving, enabling and disabling, and "try it": a sample
 * sender and text judged by the engine's matcher (engine/rules.h) against
 * the stored rules, showing which rule fires and the reply it would send.
 * Rules live in the store; the engine reloads them when they change.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/rulebook.h"
#include "engine/rules.h"
#include "engine/template.h"
#include "store/contact.h"
#include "store/rule.h"
#include "store/store.h"
#include "store/thread.h"
#include "tui/curses.h"
#include "tui/form.h"
#include "tui/list.h"
#include "tui/private.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/loop.h"
#include "util/xalloc.h"

#define REPLY_MAX 4096

struct view_rules {
	struct view v;
	struct list list;
	struct store_rules rules;
	struct store_rule_stats stats;
	int64_t pending_delete;
	char title[128];
	char *try_from;		/* what the last "try it" used */
	char *try_text;
};

/* The form's fields, for reading them back. */
struct rule_edit {
	struct view_rules *vr;
	int64_t id;		/* 0: a new rule */
	size_t f_name, f_match, f_pattern, f_aliases, f_reply, f_command,
	    f_hours,
	    f_tags, f_first, f_cont, f_cooldown, f_cap, f_set_tag,
	    f_assign, f_optout, f_enabled;
};

struct rule_try {
	struct view_rules *vr;
	struct form *f;
	size_t f_from, f_text;
};

static const char *const match_kinds[] = {
	"keyword", "exact", "prefix", "contains", "regex", NULL,
};
static const char *const match_labels[] = {
	N_("first word is the keyword (or an alias)"),
	N_("the whole text"), N_("text starts with"), N_("text contains"),
	N_("regular expression (PCRE2)"), NULL,
};
static const char *const no_yes[] = { N_("no"), N_("yes"), NULL };

static void
reload(struct view_rules *vr)
{
	struct sms_err err;

	store_rules_fini(&vr->rules);
	store_rule_stats_fini(&vr->stats);
	sms_err_clear(&err);
	if (store_rule_list(tui_store(vr->v.tui), &vr->rules, &err) < 0) {
		tui_error(vr->v.tui, "%s", err.msg);
		memset(&vr->rules, 0, sizeof vr->rules);
	}
	if (store_rule_stats(tui_store(vr->v.tui), 0, &vr->stats, NULL) < 0)
		memset(&vr->stats, 0, sizeof vr->stats);
	list_set_count(&vr->list, vr->rules.n);
}

static const struct store_rule_stat *
stat_of(const struct view_rules *vr, int64_t id)
{
	size_t i;

	for (i = 0; i < vr->stats.n; i++)
		if (vr->stats.v[i].rule_id == id)
			return &vr->stats.v[i];
	return NULL;
}

static void
draw_row(size_t i, int y, int x, int w, bool selected, void *data)
{
	struct view_rules *vr = data;
	struct tui *t = vr->v.tui;
	const struct store_rule *r = &vr->rules.v[i];
	const struct store_rule_stat *s = stat_of(vr, r->id);
	attr_t base = selected ? tui_attr(t, TUI_A_SELECTED) : A_NORMAL;
	attr_t dim = r->enabled ? base : base | A_DIM;
	char head[256], hits[64];
	int col = x, hw;

	if (selected)
		tui_fill(y, x, w, base);
	snprintf(head, sizeof head, "%2d %s ", r->position, r->enabled ?
	    "\u25cf" : "\u25cb");
	col += tui_put(y, col, 6, head, (size_t)-1, dim, false);
	col += tui_put(y, col, w / 5, r->name && *r->name ? r->name :
	    _("(unnamed)"), (size_t)-1, dim | A_BOLD, true) + 1;
	snprintf(head, sizeof head, "%s: %s%s%s", r->match_kind,
	    r->pattern ? r->pattern : "", r->aliases && *r->aliases ? "," :
	    "", r->aliases ? r->aliases : "");
	col += tui_put(y, col, w / 4, head, (size_t)-1, dim, true) + 1;
	snprintf(hits, sizeof hits, P_("%lld hit", "%lld hits",
	    s ? (unsigned long)s->fired : 0UL), s ? (long long)s->fired :
	    0LL);
	hw = tui_text_width(hits, (size_t)-1);
	if (r->reply != NULL || r->reply_command != NULL) {
		char cmd[256];

		snprintf(cmd, sizeof cmd, "$ %s", r->reply_command ?
		    r->reply_command : "");
		tui_put(y, col, x + w - col - hw - 2, r->reply ? r->reply :
		    cmd, (size_t)-1, dim | tui_attr(t, TUI_A_OUT), true);
	}
	tui_put(y, x + w - hw - 1, hw, hits, (size_t)-1,
	    base | tui_attr(t, TUI_A_DIM), false);
}

static void
rules_draw(struct view *v, const struct tui_rect *r)
{
	struct view_rules *vr = (struct view_rules *)v;

	list_draw(&vr->list, r, draw_row, vr,
	    _("No autoreply rules. Press a to add one."));
}

static void
rules_resize(struct view *v, const struct tui_rect *r)
{
	((struct view_rules *)v)->list.h = r->h;
}

static const char *
rules_title(struct view *v)
{
	struct view_rules *vr = (struct view_rules *)v;

	snprintf(vr->title, sizeof vr->title,
	    P_("Autoreply rules — %zu rule, first match wins",
	    "Autoreply rules — %zu rules, first match wins", vr->rules.n),
	    vr->rules.n);
	return vr->title;
}

static char *
nonempty(char *s)
{
	if (s != NULL && *s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

static bool
save_rule(struct tui *t, struct form *f, void *data)
{
	struct rule_edit *re = data;
	struct store_rule r;
	struct rule check;
	struct sms_err err;
	char pattern[2048], *s;
	int rc;

	memset(&r, 0, sizeof r);
	r.id = re->id;
	r.name = form_text(f, re->f_name);
	r.match_kind = xstrdup(match_kinds[form_choice(f, re->f_match)]);
	r.pattern = form_text(f, re->f_pattern);
	r.aliases = form_text(f, re->f_aliases);
	r.reply = nonempty(form_text(f, re->f_reply));
	r.reply_command = nonempty(form_text(f, re->f_command));
	r.hours = nonempty(form_text(f, re->f_hours));
	r.sender_tag = nonempty(form_text(f, re->f_tags));
	r.first_only = form_choice(f, re->f_first) == 1;
	r.continue_after = form_choice(f, re->f_cont) == 1;
	s = form_text(f, re->f_cooldown);
	r.cooldown = *s ? atoi(s) : -1;
	free(s);
	s = form_text(f, re->f_cap);
	r.daily_cap = atoi(s);
	free(s);
	r.action_tag = nonempty(form_text(f, re->f_set_tag));
	r.action_assign = nonempty(form_text(f, re->f_assign));
	r.action_optout = form_choice(f, re->f_optout) == 1;
	r.enabled = form_choice(f, re->f_enabled) == 1;

	sms_err_clear(&err);
	rc = 0;
	if (*r.pattern == '\0')
		rc = sms_err_set(&err, SMS_EDATA, "%s", _("The rule needs "
		    "something to match."));
	else if (rulebook_from_store(&r, &check, pattern, sizeof pattern) < 0 ||
	    rule_validate(&check, &err) < 0 ||
	    (r.reply != NULL && template_check(r.reply, &err) < 0))
		rc = err.code ? err.code : SMS_EDATA;
	if (rc == 0)
		rc = re->id ? store_rule_update(tui_store(t), &r, &err) :
		    store_rule_add(tui_store(t), &r, NULL, &err);
	if (rc < 0)
		tui_error(t, "%s", err.msg);
	else
		tui_message(t, re->id ? _("Rule %s saved.") :
		    _("Rule %s added."), *r.name ? r.name : r.pattern);
	store_rule_fini(&r);
	if (rc >= 0) {
		tui_rules_changed(t);
		tui_store_changed(t);
	}
	return rc >= 0;
}

static void
open_form(struct view_rules *vr, const struct store_rule *r)
{
	struct tui *t = vr->v.tui;
	struct rule_edit *re = xcalloc(1, sizeof *re);
	char num[32];
	size_t m = 0;
	struct form *f;

	re->vr = vr;
	re->id = r ? r->id : 0;
	if (r != NULL)
		for (m = 0; match_kinds[m] != NULL; m++)
			if (strcmp(match_kinds[m], r->match_kind) == 0)
				break;
	if (match_kinds[m] == NULL)
		m = 0;
	f = form_new(t, r ? _("Edit rule") : _("New rule"), save_rule, free,
	    re);
	re->f_name = form_add_text(f, N_("Name"), r ? r->name : NULL, NULL);
	re->f_match = form_add_choice(f, N_("Match"), match_labels, m,
	    N_("Left and Right choose"));
	re->f_pattern = form_add_text(f, N_("Pattern"), r ? r->pattern : NULL,
	    N_("the keyword, text or regular expression; any case, "
	    "accents ignored"));
	re->f_aliases = form_add_text(f, N_("Aliases"), r ? r->aliases : NULL,
	    N_("other keywords, separated by commas"));
	re->f_reply = form_add_text(f, N_("Reply"), r ? r->reply : NULL,
	    N_("{name} {first_name} {number} {keyword} {date}"));
	re->f_command = form_add_text(f, N_("Reply command"),
	    r ? r->reply_command : NULL,
	    N_("or reply with what this command prints (no shell; the "
	    "message as JSON on its input)"));
	re->f_hours = form_add_text(f, N_("Hours"), r ? r->hours : NULL,
	    N_("only then, e.g. Mon-Fri 09:00-17:00; Sat 10:00-12:00"));
	re->f_tags = form_add_text(f, N_("Sender tags"),
	    r ? r->sender_tag : NULL,
	    N_("only for contacts with one of these tags"));
	re->f_first = form_add_choice(f, N_("First only"), no_yes,
	    r && r->first_only, N_("only on a thread's first message"));
	re->f_cont = form_add_choice(f, N_("Continue"), no_yes,
	    r && r->continue_after, N_("try the next rules after this one"));
	snprintf(num, sizeof num, "%d", r ? r->cooldown : -1);
	re->f_cooldown = form_add_text(f, N_("Cooldown"), r &&
	    r->cooldown >= 0 ? num : NULL,
	    N_("seconds between replies to one sender; empty: the default"));
	snprintf(num, sizeof num, "%d", r ? r->daily_cap : 0);
	re->f_cap = form_add_text(f, N_("Daily cap"), r && r->daily_cap ?
	    num : NULL, N_("replies per sender per day; empty: no cap"));
	re->f_set_tag = form_add_text(f, N_("Tag sender"),
	    r ? r->action_tag : NULL, NULL);
	re->f_assign = form_add_text(f, N_("Assign to"),
	    r ? r->action_assign : NULL, N_("an agent's login"));
	re->f_optout = form_add_choice(f, N_("Opt out"), no_yes,
	    r && r->action_optout, N_("mark the sender opted out"));
	re->f_enabled = form_add_choice(f, N_("Enabled"), no_yes,
	    r ? r->enabled : 1, NULL);
	tui_push(t, form_view(f));
}

struct hits_ctx {
	struct store *st;
	const char *peer;
};

static int
hits_cb(void *data, int64_t rule_id, int64_t since, int64_t *last)
{
	struct hits_ctx *h = data;

	return store_rule_hits_count(h->st, h->peer, rule_id, since, last,
	    NULL);
}

static long
utc_offset(int64_t now)
{
	time_t tt = (time_t)now;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

static const char *
verdict_text(enum rule_verdict v)
{
	switch (v) {
	case RULE_FIRED:
		return _("fires");
	case RULE_HELD_HOURS:
		return _("matches, but outside its hours");
	case RULE_HELD_TAGS:
		return _("matches, but the sender lacks its tags");
	case RULE_HELD_FIRST:
		return _("matches, but it is not the thread's first message");
	case RULE_HELD_COOLDOWN:
		return _("matches, but this sender was answered too recently");
	case RULE_HELD_CAP:
		return _("matches, but the daily cap is reached");
	case RULE_HELD_SENDER:
		return _("matches, but this sender cannot be answered");
	}
	return "";
}

/* Judge from/text by the stored rules as the engine would; the findings
 * go to out. */
static void
judge(struct tui *t, const char *from, const char *text, struct buf *out)
{
	struct store *st = tui_store(t);
	struct store_contact c;
	struct rules_result res;
	struct rules_input in;
	struct hits_ctx hc;
	struct rules *rs = NULL;
	struct sms_err err;
	char peer[128];
	const char *tags[32];
	bool have_c = false;
	int64_t tid, now = loop_wall_now();
	size_t i, skipped = 0;

	sms_err_clear(&err);
	if (store_normalize(st, from, peer, &err) < 0)
		snprintf(peer, sizeof peer, "%s", from);
	if (rulebook_load(st, tui_conf(t), &rs, &skipped, &err) < 0) {
		buf_printf(out, "%s", err.msg);
		goto out;
	}
	if (skipped > 0)
		buf_printf(out, P_("%zu rule does not compile and is skipped "
		    "(edit it to see why).\n", "%zu rules do not compile and "
		    "are skipped (edit them to see why).\n", skipped),
		    skipped);
	memset(&in, 0, sizeof in);
	in.from = peer;
	in.text = text;
	in.now = now;
	in.utc_offset = utc_offset(now);
	in.first_message = store_thread_find(st, peer, &tid, NULL) < 0;
	if (store_contact_find_number(st, peer, &c, NULL) >= 0) {
		have_c = true;
		for (i = 0; i < c.tags.n && i < 32; i++)
			tags[i] = c.tags.v[i];
		in.tags = tags;
		in.n_tags = i;
	}
	hc.st = st;
	hc.peer = peer;
	in.hits = hits_cb;
	in.hits_data = &hc;
	if (rules_eval(rs, &in, &res) < 0) {
		buf_printf(out, "%s", _("The rules could not be judged."));
		goto out;
	}
	if (res.n == 0)
		buf_printf(out, "%s", _("No rule matches: no reply is sent."));
	for (i = 0; i < res.n; i++) {
		const struct rules_outcome *o = &res.outcome[i];
		struct template_vars v;
		struct buf reply;

		buf_printf(out, _("Rule %lld “%s” %s.\n"), (long long)
		    o->rule->id, o->rule->name ? o->rule->name : "",
		    verdict_text(o->verdict));
		if (o->verdict == RULE_FIRED && o->rule->reply_command != NULL)
			buf_printf(out, _("  Reply: what this command prints "
			    "(not run here): %s\n"), o->rule->reply_command);
		if (o->verdict != RULE_FIRED || o->rule->reply == NULL)
			continue;
		memset(&v, 0, sizeof v);
		v.name = have_c && c.name[0] ? c.name : NULL;
		v.number = peer;
		v.keyword = o->keyword;
		v.now = now;
		v.utc_offset = in.utc_offset;
		buf_init(&reply, REPLY_MAX);
		sms_err_clear(&err);
		if (template_render(&reply, o->rule->reply, &v, &err) < 0)
			buf_printf(out, _("  its reply cannot be made: %s\n"),
			    err.msg);
		else
			buf_printf(out, _("  Reply: %s\n"), reply.data ?
			    reply.data : "");
		buf_fini(&reply);
	}
out:
	if (have_c)
		store_contact_fini(&c);
	rules_free(rs);
}

static bool
try_rules(struct tui *t, struct form *f, void *data)
{
	struct rule_try *rt = data;
	struct view_rules *vr = rt->vr;
	struct buf out;

	free(vr->try_from);
	free(vr->try_text);
	vr->try_from = form_text(f, rt->f_from);
	vr->try_text = form_text(f, rt->f_text);
	buf_init(&out, 8192);
	judge(t, vr->try_from, vr->try_text, &out);
	form_set_note(f, out.data ? out.data : "");
	buf_fini(&out);
	return false;	/* stay: try another text */
}

static void
open_try(struct view_rules *vr)
{
	struct rule_try *rt = xcalloc(1, sizeof *rt);
	struct form *f;

	rt->vr = vr;
	f = form_new(vr->v.tui, _("Try the rules (nothing is sent)"),
	    try_rules, free, rt);
	rt->f = f;
	rt->f_from = form_add_text(f, N_("From"), vr->try_from ?
	    vr->try_from : "+36301234567", NULL);
	rt->f_text = form_add_text(f, N_("Message"), vr->try_text,
	    N_("Enter shows which rule fires and its reply"));
	tui_push(vr->v.tui, form_view(f));
}

static void
delete_answer(struct tui *t, const char *answer, void *data)
{
	struct view_rules *vr = data;
	struct sms_err err;

	if (answer == NULL)
		return;
	sms_err_clear(&err);
	if (store_rule_remove(tui_store(t), vr->pending_delete, &err) < 0)
		tui_error(t, "%s", err.msg);
	else
		tui_message(t, "%s", _("Rule deleted."));
	tui_rules_changed(t);
	tui_store_changed(t);
}

static enum view_result
rules_key(struct view *v, enum keymap_action action, int key)
{
	struct view_rules *vr = (struct view_rules *)v;
	struct tui *t = v->tui;
	const struct store_rule *r;
	struct sms_err err;
	char q[256];
	int rc = 0;

	if (list_action(&vr->list, action))
		return VIEW_REDRAW;
	switch (action) {
	case KEYMAP_ADD:
		open_form(vr, NULL);
		return VIEW_REDRAW;
	case KEYMAP_TRY:
		open_try(vr);
		return VIEW_REDRAW;
	default:
		break;
	}
	if (vr->rules.n == 0)
		return VIEW_PASS;
	r = &vr->rules.v[vr->list.sel];
	sms_err_clear(&err);
	switch (action) {
	case KEYMAP_EDIT:
	case KEYMAP_OPEN:
		open_form(vr, r);
		return VIEW_REDRAW;
	case KEYMAP_DELETE:
		vr->pending_delete = r->id;
		snprintf(q, sizeof q, _("Delete the rule %s?"),
		    r->name && *r->name ? r->name : r->pattern);
		tui_confirm(t, q, delete_answer, vr);
		return VIEW_REDRAW;
	case KEYMAP_MOVE_UP:
		if (r->position <= 1)
			return VIEW_DONE;
		rc = store_rule_move(tui_store(t), r->id, r->position - 1,
		    &err);
		if (rc >= 0)
			list_select(&vr->list, vr->list.sel - 1);
		break;
	case KEYMAP_MOVE_DOWN:
		if ((size_t)r->position >= vr->rules.n)
			return VIEW_DONE;
		rc = store_rule_move(tui_store(t), r->id, r->position + 1,
		    &err);
		if (rc >= 0)
			list_select(&vr->list, vr->list.sel + 1);
		break;
	case KEYMAP_TOGGLE:
		rc = store_rule_set_enabled(tui_store(t), r->id, !r->enabled,
		    &err);
		break;
	default:
		return VIEW_PASS;
	}
	if (rc < 0)
		tui_error(t, "%s", err.msg);
	tui_rules_changed(t);
	tui_store_changed(t);
	return VIEW_REDRAW;
}

static bool
rules_event(struct view *v, enum tui_event ev)
{
	if (ev == TUI_EV_STORE)
		reload((struct view_rules *)v);
	return ev == TUI_EV_STORE;
}

static void
rules_enter(struct view *v)
{
	reload((struct view_rules *)v);
}

static void
rules_view_free(struct view *v)
{
	struct view_rules *vr = (struct view_rules *)v;

	store_rules_fini(&vr->rules);
	store_rule_stats_fini(&vr->stats);
	free(vr->try_from);
	free(vr->try_text);
	free(vr);
}

static struct list *
rules_list_of(struct view *v)
{
	return &((struct view_rules *)v)->list;
}

static const struct view_ops rules_ops = {
	.name = "rules",
	.ctx = KEYMAP_CTX_RULES,
	.list = true,
	.enter = rules_enter,
	.resize = rules_resize,
	.draw = rules_draw,
	.title = rules_title,
	.key = rules_key,
	.on_event = rules_event,
	.list_of = rules_list_of,
	.free = rules_view_free,
};

struct view *
view_rules_new(struct tui *t)
{
	struct view_rules *vr = xcalloc(1, sizeof *vr);

	vr->v.ops = &rules_ops;
	vr->v.tui = t;
	list_init(&vr->list);
	return &vr->v;
}
