/*
 * A conversation: the thread's messages oldest at the top, newest at the
 * bottom, each with its time, direction, delivery state (and the reason
 * of a failure) and who wrote it (the agent, or the rule that answered).
 * Messages come from the store a page at a time as the agent scrolls back,
 * and at most WINDOW_MAX are held, so a thread of any length opens fast.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/contact.h"
#include "store/message.h"
#include "store/store.h"
#include "store/thread.h"
#include "tui/curses.h"
#include "tui/private.h"
#include "util/i18n.h"
#include "util/loop.h"
#include "util/xalloc.h"

#define PAGE 60
#define WINDOW_MAX 600
#define INDENT 2

struct view_conv {
	struct view v;
	int64_t thread_id;
	int64_t focus_id;	/* a search hit to show and mark, or 0 */
	struct store_thread th;
	bool have_th;
	struct store_message *msgs;	/* oldest first */
	size_t n, cap;
	bool older;		/* the store has messages before msgs[0] */
	bool newer;		/* ... and after msgs[n-1] (window cut) */
	int *lines;		/* rows each message takes at width w */
	int w, h;
	long total_lines;
	long off;		/* rows scrolled up from the bottom */
	char title[256];
};

static void
free_msgs(struct view_conv *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		store_message_fini(&c->msgs[i]);
	c->n = 0;
}

static int
body_width(const struct view_conv *c)
{
	return c->w - INDENT - 1 > 10 ? c->w - INDENT - 1 : 10;
}

/* Rows a message takes: a header line, its wrapped body, a gap. */
static int
msg_lines(const struct view_conv *c, const struct store_message *m)
{
	const char *s = m->body ? m->body : "";
	size_t len = strlen(s), n;
	int rows = 0, cols, bw = body_width(c);

	while (len > 0) {
		n = tui_text_fit(s, len, bw, &cols);
		s += n;
		len -= n;
		rows++;
	}
	if (rows == 0)
		rows = 1;
	if (m->error_text != NULL && (m->state == MSG_FAILED ||
	    m->state == MSG_UNDELIVERED || m->state == MSG_QUEUED))
		rows++;
	return 1 + rows + 1;
}

static void
relayout(struct view_conv *c)
{
	size_t i;

	c->lines = xrealloc(c->lines, (c->n ? c->n : 1) * sizeof *c->lines);
	c->total_lines = 0;
	for (i = 0; i < c->n; i++) {
		c->lines[i] = msg_lines(c, &c->msgs[i]);
		c->total_lines += c->lines[i];
	}
}

/* Put a page in front of (or behind) the window. */
static void
insert_msgs(struct view_conv *c, struct store_messages *p, bool front)
{
	if (c->n + p->n > c->cap) {
		c->cap = c->n + p->n + PAGE;
		c->msgs = xrealloc(c->msgs, c->cap * sizeof *c->msgs);
	}
	if (front) {
		memmove(c->msgs + p->n, c->msgs, c->n * sizeof *c->msgs);
		memcpy(c->msgs, p->v, p->n * sizeof *c->msgs);
	} else
		memcpy(c->msgs + c->n, p->v, p->n * sizeof *c->msgs);
	c->n += p->n;
	free(p->v);	/* the strings now belong to c->msgs */
	p->v = NULL;
	p->n = 0;
}

static long
max_off(const struct view_conv *c)
{
	return c->total_lines > c->h ? c->total_lines - c->h : 0;
}

/* Replace the window with one page: the oldest messages (oldest true,
 * shown from the top), else the newest (before_id 0) or those ending at
 * before_id (shown from the bottom). */
static int
load_page(struct view_conv *c, int64_t before_id, bool oldest)
{
	struct tui *t = c->v.tui;
	struct store_messages p;
	struct sms_err err;
	size_t got;
	int rc;

	sms_err_clear(&err);
	rc = oldest ? store_message_page_after(tui_store(t), c->thread_id, 0,
	    PAGE, &p, &err) : store_message_page(tui_store(t), c->thread_id,
	    before_id, PAGE, &p, &err);
	if (rc < 0) {
		tui_error(t, "%s", err.msg);
		return -1;
	}
	free_msgs(c);
	got = p.n;
	insert_msgs(c, &p, false);
	c->older = !oldest && got == PAGE;
	c->newer = oldest ? got == PAGE : before_id != 0;
	relayout(c);
	c->off = oldest ? max_off(c) : 0;
	return 0;
}

/* Page back: older messages in front; the newest drop off past the cap. */
static void
load_older(struct view_conv *c)
{
	struct tui *t = c->v.tui;
	struct store_messages p;
	struct sms_err err;
	size_t got, drop;

	if (!c->older || c->n == 0)
		return;
	sms_err_clear(&err);
	if (store_message_page(tui_store(t), c->thread_id, c->msgs[0].id,
	    PAGE, &p, &err) < 0) {
		tui_error(t, "%s", err.msg);
		return;
	}
	got = p.n;
	insert_msgs(c, &p, true);
	c->older = got == PAGE;
	relayout(c);
	if (c->n > WINDOW_MAX) {
		/* off counts from the bottom: the rows dropped there come
		 * off it, so the view stays on the same messages. */
		drop = c->n - WINDOW_MAX;
		while (drop-- > 0) {
			c->off -= c->lines[c->n - 1];
			store_message_fini(&c->msgs[c->n - 1]);
			c->n--;
		}
		if (c->off < 0)
			c->off = 0;
		c->newer = true;
		relayout(c);
	}
}

/* Page forward (the window was cut or opened at a search hit): newer
 * messages behind, the oldest drop off past the cap.  The rows shown stay
 * where they are: off grows by the rows added below them. */
static void
load_newer(struct view_conv *c)
{
	struct tui *t = c->v.tui;
	struct store_messages p;
	struct sms_err err;
	long before = c->total_lines;
	size_t got, drop, i;

	if (!c->newer || c->n == 0)
		return;
	sms_err_clear(&err);
	if (store_message_page_after(tui_store(t), c->thread_id,
	    c->msgs[c->n - 1].id, PAGE, &p, &err) < 0) {
		tui_error(t, "%s", err.msg);
		return;
	}
	got = p.n;
	insert_msgs(c, &p, false);
	c->newer = got == PAGE;
	relayout(c);
	c->off += c->total_lines - before;
	if (c->n > WINDOW_MAX) {
		/* Rows dropped at the top leave off, counted from the
		 * bottom, as it is. */
		drop = c->n - WINDOW_MAX;
		for (i = 0; i < drop; i++)
			store_message_fini(&c->msgs[i]);
		memmove(c->msgs, c->msgs + drop,
		    (c->n - drop) * sizeof *c->msgs);
		c->n -= drop;
		c->older = true;
		relayout(c);
	}
}

static void
load_thread(struct view_conv *c)
{
	struct sms_err err;

	if (c->have_th)
		store_thread_fini(&c->th);
	sms_err_clear(&err);
	c->have_th = store_thread_get(tui_store(c->v.tui), c->thread_id,
	    &c->th, &err) >= 0;
	if (!c->have_th)
		tui_error(c->v.tui, "%s", err.msg);
}

static void
mark_read(struct view_conv *c)
{
	if (c->have_th && c->th.unread > 0 &&
	    store_thread_mark_read(tui_store(c->v.tui), c->thread_id, 0,
	    NULL) >= 0) {
		c->th.unread = 0;
		watch_refresh(c->v.tui, tui_statusbar(c->v.tui), false);
	}
}

/* Scroll by delta rows (positive: back in time), paging as needed. */
static void
scroll_by(struct view_conv *c, long delta)
{
	long before;

	c->off += delta;
	while (c->off > max_off(c) && c->older) {
		before = c->total_lines;
		load_older(c);
		if (c->total_lines == before)
			break;
	}
	if (c->off > max_off(c))
		c->off = max_off(c);
	while (c->off < 0 && c->newer) {
		before = c->off;
		load_newer(c);
		if (c->off == before)
			break;
	}
	if (c->off < 0)
		c->off = 0;
}

static const char *
author_label(const struct store_message *m, char *buf, size_t size)
{
	if (m->author == NULL)
		return _("you");
	if (strncmp(m->author, "rule:", 5) == 0) {
		snprintf(buf, size, _("autoreply rule %s"), m->author + 5);
		return buf;
	}
	return m->author;
}

static void
draw_msg(struct view_conv *c, const struct store_message *m, int y0,
    int top, int bottom)
{
	struct tui *t = c->v.tui;
	const char *s = m->body ? m->body : "";
	size_t len = strlen(s), n;
	char when[64], head[512], who[128];
	const char *name;
	struct tm tm;
	time_t tt = (time_t)m->created_at;
	attr_t a, ha;
	int y = y0, cols, bw = body_width(c);
	bool focus = m->id == c->focus_id;

	localtime_r(&tt, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	if (m->dir == MSG_IN) {
		name = c->have_th && c->th.contact_name ? c->th.contact_name :
		    m->peer;
		snprintf(head, sizeof head, "\u25c0 %s · %s", name, when);
		ha = tui_attr(t, TUI_A_IN) | A_BOLD;
	} else {
		snprintf(head, sizeof head, "\u25b6 %s · %s · %s",
		    author_label(m, who, sizeof who), when,
		    msg_state_label(m->state));
		ha = tui_attr(t, TUI_A_OUT) | A_BOLD;
		if (m->state == MSG_FAILED || m->state == MSG_UNDELIVERED)
			ha = tui_attr(t, TUI_A_ERROR);
	}
	if (focus)
		ha = tui_attr(t, TUI_A_HILITE);
	if (y >= top && y < bottom)
		tui_put(y, 0, c->w, head, (size_t)-1, ha, true);
	y++;
	a = m->dir == MSG_OUT ? tui_attr(t, TUI_A_OUT) : A_NORMAL;
	if (len == 0 && y >= top && y < bottom)
		tui_put(y, INDENT, bw, _("(empty message)"), (size_t)-1,
		    A_DIM, false);
	while (len > 0) {
		n = tui_text_fit(s, len, bw, &cols);
		if (y >= top && y < bottom)
			tui_put(y, INDENT, bw, s, n, a, false);
		s += n;
		len -= n;
		y++;
	}
	if (len == 0 && (m->body == NULL || *m->body == '\0'))
		y++;
	if (m->error_text != NULL && (m->state == MSG_FAILED ||
	    m->state == MSG_UNDELIVERED || m->state == MSG_QUEUED)) {
		snprintf(head, sizeof head, m->state == MSG_QUEUED ?
		    _("retrying: %s") : _("failed: %s"), m->error_text);
		if (y >= top && y < bottom)
			tui_put(y, INDENT, bw, head, (size_t)-1,
			    tui_attr(t, TUI_A_ERROR), true);
	}
}

static void
conv_draw(struct view *v, const struct tui_rect *r)
{
	struct view_conv *c = (struct view_conv *)v;
	long first, y;
	size_t i;

	if (c->n == 0) {
		tui_put(r->y + r->h / 3, 2, r->w - 2,
		    _("No messages yet. Press r to write one."), (size_t)-1,
		    A_NORMAL, true);
		return;
	}
	/* Row of the window's first line on screen; the last line sits on
	 * the body's last row when off is 0 (or the text is short). */
	if (c->total_lines <= r->h)
		first = r->y;
	else
		first = r->y + r->h - c->total_lines + c->off;
	y = first;
	for (i = 0; i < c->n; i++) {
		if (y + c->lines[i] > r->y && y < r->y + r->h)
			draw_msg(c, &c->msgs[i], (int)y, r->y, r->y + r->h);
		y += c->lines[i];
	}
	if (c->older && first + 1 > r->y)
		tui_put(r->y, 0, r->w, _("… older messages: k or PgUp"),
		    (size_t)-1, A_DIM, true);
}

static void
conv_resize(struct view *v, const struct tui_rect *r)
{
	struct view_conv *c = (struct view_conv *)v;

	c->w = r->w;
	c->h = r->h;
	relayout(c);
	if (c->off > max_off(c))
		c->off = max_off(c);
}

static const char *
conv_title(struct view *v)
{
	struct view_conv *c = (struct view_conv *)v;
	const char *num;

	if (!c->have_th)
		return _("Conversation");
	num = c->th.peer_raw && *c->th.peer_raw ? c->th.peer_raw :
	    c->th.peer;
	if (c->th.contact_name && *c->th.contact_name)
		snprintf(c->title, sizeof c->title, "%s <%s>%s",
		    c->th.contact_name, num, c->th.opted_out ?
		    _(" — opted out") : "");
	else
		snprintf(c->title, sizeof c->title, "%s%s", num,
		    c->th.opted_out ? _(" — opted out") : "");
	return c->title;
}

static void
add_contact_answer(struct tui *t, const char *name, void *data)
{
	struct view_conv *c = data;
	struct store_contact ct;
	char *nums[1];
	struct sms_err err;

	if (name == NULL || *name == '\0' || !c->have_th)
		return;
	memset(&ct, 0, sizeof ct);
	ct.name = (char *)name;
	nums[0] = c->th.peer;
	ct.numbers.v = nums;
	ct.numbers.n = 1;
	sms_err_clear(&err);
	if (store_contact_add(tui_store(t), &ct, NULL, &err) < 0) {
		tui_error(t, "%s", err.msg);
		return;
	}
	tui_message(t, _("Saved %s as a contact."), name);
	load_thread(c);
}

static enum view_result
conv_key(struct view *v, enum keymap_action action, int key)
{
	struct view_conv *c = (struct view_conv *)v;
	struct tui *t = v->tui;

	switch (action) {
	case KEYMAP_UP:
		scroll_by(c, 1);
		return VIEW_REDRAW;
	case KEYMAP_DOWN:
		scroll_by(c, -1);
		return VIEW_REDRAW;
	case KEYMAP_PAGE_UP:
		scroll_by(c, c->h > 2 ? c->h - 2 : 1);
		return VIEW_REDRAW;
	case KEYMAP_PAGE_DOWN:
		scroll_by(c, -(c->h > 2 ? c->h - 2 : 1));
		return VIEW_REDRAW;
	case KEYMAP_TOP:
		if (c->older)
			load_page(c, 0, true);
		else
			c->off = max_off(c);
		return VIEW_REDRAW;
	case KEYMAP_BOTTOM:
		if (c->newer)
			load_page(c, 0, false);
		c->off = 0;
		return VIEW_REDRAW;
	case KEYMAP_REPLY:
		if (!c->have_th)
			return VIEW_DONE;
		compose_to_thread(t, &c->th);
		return VIEW_REDRAW;
	case KEYMAP_ADD_CONTACT:
		if (!c->have_th)
			return VIEW_DONE;
		if (c->th.contact_id != 0) {
			tui_message(t, _("%s is already a contact; edit it "
			    "in the contacts view (c)."), c->th.contact_name ?
			    c->th.contact_name : c->th.peer);
			return VIEW_REDRAW;
		}
		tui_prompt(t, _("Contact name:"), NULL, add_contact_answer, c);
		return VIEW_REDRAW;
	case KEYMAP_OPEN:
		return VIEW_DONE;
	default:
		return VIEW_PASS;
	}
}

static bool
conv_event(struct view *v, enum tui_event ev)
{
	struct view_conv *c = (struct view_conv *)v;
	int64_t last = c->n > 0 ? c->msgs[c->n - 1].id : 0;
	long off = c->off;

	if (ev != TUI_EV_STORE)
		return ev == TUI_EV_MINUTE;
	load_thread(c);
	if (tui_top(v->tui) == v)
		mark_read(c);	/* the agent is looking at it */
	if (c->newer)
		return true;	/* reading history; leave it be */
	if (load_page(c, 0, false) == 0 && c->n > 0 &&
	    c->msgs[c->n - 1].id == last)
		c->off = off;	/* nothing new: stay where the agent was */
	return true;
}

static void
conv_enter(struct view *v)
{
	struct view_conv *c = (struct view_conv *)v;

	load_thread(c);
	mark_read(c);
}

static void
conv_free(struct view *v)
{
	struct view_conv *c = (struct view_conv *)v;

	free_msgs(c);
	free(c->msgs);
	free(c->lines);
	if (c->have_th)
		store_thread_fini(&c->th);
	free(c);
}

static const struct view_ops conv_ops = {
	.name = "conversation",
	.ctx = KEYMAP_CTX_CONVERSATION,
	.list = true,
	.enter = conv_enter,
	.resize = conv_resize,
	.draw = conv_draw,
	.title = conv_title,
	.key = conv_key,
	.on_event = conv_event,
	.free = conv_free,
};

struct view *
view_conversation_new(struct tui *t, int64_t thread_id, int64_t focus_id)
{
	struct view_conv *c = xcalloc(1, sizeof *c);

	c->v.ops = &conv_ops;
	c->v.tui = t;
	c->thread_id = thread_id;
	c->focus_id = focus_id;
	c->w = 80;
	c->h = 20;
	load_thread(c);
	load_page(c, focus_id > 0 ? focus_id + 1 : 0, false);
	return &c->v;
}
