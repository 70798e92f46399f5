/*
 * Statistics (S): messages per day in and out as bars drawn with the
 * terminal's block characters, the delivery rate, and how long customers
 * wait for a reply.  As many days as fit (7 to 30).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/rule.h"
#include "store/stats.h"
#include "store/store.h"
#include "tui/curses.h"
#include "tui/private.h"
#include "util/i18n.h"
#include "util/loop.h"
#include "util/xalloc.h"

#define TOP_RULES 3

struct view_stats {
	struct view v;
	struct store_stats s;
	struct store_rule_stats rules;	/* hits in the period */
	bool ok;
	int days;
	char title[128];
};

static long
utc_offset(int64_t now)
{
	time_t tt = (time_t)now;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

static void
load(struct view_stats *vs)
{
	struct sms_err err;
	int64_t now = loop_wall_now();

	sms_err_clear(&err);
	vs->ok = store_stats_get(tui_store(vs->v.tui), vs->days,
	    utc_offset(now), now, &vs->s, &err) >= 0;
	if (!vs->ok)
		tui_error(vs->v.tui, "%s", err.msg);
	store_rule_stats_fini(&vs->rules);
	if (!vs->ok || store_rule_stats(tui_store(vs->v.tui), vs->s.day0,
	    &vs->rules, NULL) < 0)
		memset(&vs->rules, 0, sizeof vs->rules);
}

static int
by_fired(const void *a, const void *b)
{
	const struct store_rule_stat *x = a, *y = b;

	return x->fired < y->fired ? 1 : x->fired > y->fired ? -1 : 0;
}

/* A bar of value/max * w columns in eighths of a block. */
static int
put_bar(int y, int x, int w, int64_t value, int64_t max, attr_t a)
{
	static const char *const part[8] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b",
		"\u258a", "\u2589",
	};
	char bar[1024];
	long eighths, full, i;
	size_t o = 0;

	if (max <= 0 || w <= 0 || value <= 0)
		return 0;
	eighths = (long)(value * 8 * w / max);
	if (eighths == 0)
		eighths = 1;	/* something, however little */
	full = eighths / 8;
	for (i = 0; i < full && o + 4 < sizeof bar; i++) {
		memcpy(bar + o, "\u2588", 3);
		o += 3;
	}
	if (eighths % 8 && o + 4 < sizeof bar) {
		memcpy(bar + o, part[eighths % 8], 3);
		o += 3;
	}
	bar[o] = '\0';
	return tui_put(y, x, w, bar, o, a, false);
}

static void
stats_draw(struct view *v, const struct tui_rect *r)
{
	struct view_stats *vs = (struct view_stats *)v;
	struct tui *t = v->tui;
	const struct store_stats *s = &vs->s;
	int64_t max = 0, sent, good, bad, waiting;
	char line[256], day[32], num[32];
	int i, y = r->y + 1, half, lw = 11, n, x;
	time_t tt;
	struct tm tm;

	if (!vs->ok)
		return;
	for (i = 0; i < s->days; i++) {
		if (s->in[i] > max)
			max = s->in[i];
		if (s->out[i] > max)
			max = s->out[i];
	}
	half = (r->w - lw - 4) / 2;
	snprintf(line, sizeof line, P_("Messages per day, the last %d day",
	    "Messages per day, the last %d days", (unsigned long)s->days),
	    s->days);
	tui_put(y++, 1, r->w - 2, line, (size_t)-1, A_BOLD, true);
	tui_put(y, lw + 1, half, _("received"), (size_t)-1,
	    tui_attr(t, TUI_A_IN) | A_BOLD, false);
	tui_put(y, lw + 2 + half, half, _("sent"), (size_t)-1,
	    tui_attr(t, TUI_A_OUT) | A_BOLD, false);
	y++;
	for (i = 0; i < s->days && y < r->y + r->h - 5; i++, y++) {
		tt = (time_t)(s->day0 + (int64_t)i * 86400 + 43200);
		localtime_r(&tt, &tm);
		strftime(day, sizeof day, "%a %d %b", &tm);
		tui_put(y, 1, lw - 1, day, (size_t)-1,
		    tui_attr(t, TUI_A_DIM), false);
		snprintf(num, sizeof num, "%lld", (long long)s->in[i]);
		n = (int)strlen(num) + 1;
		x = lw + 1;
		x += put_bar(y, x, half - n - 1, s->in[i], max,
		    tui_attr(t, TUI_A_IN));
		tui_put(y, x + 1, n, num, (size_t)-1, A_NORMAL, false);
		snprintf(num, sizeof num, "%lld", (long long)s->out[i]);
		n = (int)strlen(num) + 1;
		x = lw + 2 + half;
		x += put_bar(y, x, half - n - 1, s->out[i], max,
		    tui_attr(t, TUI_A_OUT));
		tui_put(y, x + 1, n, num, (size_t)-1, A_NORMAL, false);
	}
	y++;
	good = s->out_state[MSG_DELIVERED];
	bad = s->out_state[MSG_FAILED] + s->out_state[MSG_UNDELIVERED];
	waiting = s->out_state[MSG_QUEUED] + s->out_state[MSG_SENDING] +
	    s->out_state[MSG_SUBMITTED] + s->out_state[MSG_SENT];
	sent = good + bad + waiting;
	if (sent > 0)
		snprintf(line, sizeof line, _("Delivered: %.1f %% of %lld "
		    "(%lld failed or undelivered, %lld not confirmed yet)"),
		    100.0 * (double)good / (double)sent, (long long)sent,
		    (long long)bad, (long long)waiting);
	else
		snprintf(line, sizeof line, "%s",
		    _("Delivered: nothing sent in this period"));
	tui_put(y++, 1, r->w - 2, line, (size_t)-1, A_NORMAL, true);
	if (s->avg_response >= 0) {
		double m = s->avg_response / 60.0;

		if (m < 120)
			snprintf(line, sizeof line, _("Average response time: "
			    "%.0f min (%lld conversations answered)"), m,
			    (long long)s->answered);
		else
			snprintf(line, sizeof line, _("Average response time: "
			    "%.1f h (%lld conversations answered)"), m / 60,
			    (long long)s->answered);
	} else
		snprintf(line, sizeof line, "%s",
		    _("Average response time: no replies in this period"));
	tui_put(y++, 1, r->w - 2, line, (size_t)-1, A_NORMAL, true);

	/* The rules that answered most in the period. */
	if (vs->rules.n > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(vs->rules.v, vs->rules.n, sizeof *vs->rules.v,
		    by_fired);
	if (vs->rules.n == 0 || vs->rules.v[0].fired == 0) {
		tui_put(y++, 1, r->w - 2, _("Top rules: none answered in this "
		    "period"), (size_t)-1, A_NORMAL, true);
		return;
	}
	n = tui_put(y, 1, r->w - 2, _("Top rules:"), (size_t)-1, A_NORMAL,
	    false) + 1;
	for (i = 0; i < (int)vs->rules.n && i < TOP_RULES &&
	    vs->rules.v[i].fired > 0; i++) {
		snprintf(line, sizeof line, P_("%s%s (%lld reply)",
		    "%s%s (%lld replies)", (unsigned long)vs->rules.v[i].fired),
		    i ? ", " : "", vs->rules.v[i].name && *vs->rules.v[i].name ?
		    vs->rules.v[i].name : "?",
		    (long long)vs->rules.v[i].fired);
		n += tui_put(y, 1 + n, r->w - 2 - n, line, (size_t)-1,
		    A_NORMAL, true);
	}
}

static void
stats_resize(struct view *v, const struct tui_rect *r)
{
	struct view_stats *vs = (struct view_stats *)v;
	int days = r->h - 10;

	if (days < 7)
		days = 7;
	if (days > 30)
		days = 30;
	if (days != vs->days) {
		vs->days = days;
		load(vs);
	}
}

static const char *
stats_title(struct view *v)
{
	struct view_stats *vs = (struct view_stats *)v;

	snprintf(vs->title, sizeof vs->title, "%s", _("Statistics"));
	return vs->title;
}

static enum view_result
stats_key(struct view *v, enum keymap_action action, int key)
{
	return VIEW_PASS;
}

static bool
stats_event(struct view *v, enum tui_event ev)
{
	load((struct view_stats *)v);
	return true;
}

static void
stats_free(struct view *v)
{
	struct view_stats *vs = (struct view_stats *)v;

	store_rule_stats_fini(&vs->rules);
	free(vs);
}

static const struct view_ops stats_ops = {
	.name = "stats",
	.ctx = KEYMAP_CTX_STATS,
	.list = false,
	.resize = stats_resize,
	.draw = stats_draw,
	.title = stats_title,
	.key = stats_key,
	.on_event = stats_event,
	.free = stats_free,
};

struct view *
view_stats_new(struct tui *t)
{
	struct view_stats *vs = xcalloc(1, sizeof *vs);

	vs->v.ops = &stats_ops;
	vs->v.tui = t;
	return &vs->v;
}
