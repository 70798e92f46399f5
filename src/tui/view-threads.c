/*
 * The thread list: newest activity first, one line per peer with the
 * contact's name or the number, unread count, a preview of the last
 * message, its delivery mark, the assigned agent and a relative time.
 * Pages come from the store as the cursor moves, so a store of fifty
 * thousand threads opens as fast as one of five.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/thread.h"
#include "tui/curses.h"
#include "tui/list.h"
#include "tui/private.h"
#include "tui/statusbar.h"
#include "util/i18n.h"
#include "util/loop.h"
#include "util/xalloc.h"

#define PAGE 100

struct view_threads {
	struct view v;
	struct list list;
	enum store_thread_filter filter;
	struct store_thread *rows;
	size_t n, cap;
	bool more;		/* the store has rows after the last one */
	int64_t total;		/* threads in the store */
	int64_t pending_delete;
	int64_t pending_assign;
	char title[160];
};

static const char *
filter_name(enum store_thread_filter f)
{
	switch (f) {
	case STORE_THREADS_UNREAD:
		return _("unread");
	case STORE_THREADS_ARCHIVED:
		return _("archived");
	case STORE_THREADS_ASSIGNED:
		return _("assigned to me");
	case STORE_THREADS_ALL:
		return _("all threads");
	default:
		return _("inbox");
	}
}

static void
clear_rows(struct view_threads *vt)
{
	size_t i;

	for (i = 0; i < vt->n; i++)
		store_thread_fini(&vt->rows[i]);
	vt->n = 0;
}

/* Load the next page after the last row; false on error (reported). */
static bool
load_page(struct view_threads *vt)
{
	struct tui *t = vt->v.tui;
	struct store_thread_query q;
	struct store_threads page;
	struct sms_err err;
	size_t i;

	memset(&q, 0, sizeof q);
	q.filter = vt->filter;
	q.assigned = tui_agent(t);
	q.limit = PAGE;
	if (vt->n > 0) {
		q.after_activity = vt->rows[vt->n - 1].last_activity;
		q.after_id = vt->rows[vt->n - 1].id;
	}
	sms_err_clear(&err);
	if (store_thread_page(tui_store(t), &q, &page, &err) < 0) {
		tui_error(t, "%s", err.msg);
		vt->more = false;
		return false;
	}
	if (vt->n + page.n > vt->cap) {
		vt->cap = vt->n + page.n + PAGE;
		vt->rows = xrealloc(vt->rows, vt->cap * sizeof *vt->rows);
	}
	for (i = 0; i < page.n; i++)
		vt->rows[vt->n++] = page.v[i];	/* take the strings */
	free(page.v);
	vt->more = page.n == PAGE;
	return true;
}

/* Reload from the top, keeping the cursor on the same thread if it is
 * still listed. */
static void
reload(struct view_threads *vt)
{
	int64_t sel_id = vt->n > 0 ? vt->rows[vt->list.sel].id : 0;
	size_t want = vt->list.sel + 1, i;

	clear_rows(vt);
	vt->more = true;
	while (vt->more && (vt->n < want || vt->n < (size_t)vt->list.h))
		if (!load_page(vt))
			break;
	list_set_count(&vt->list, vt->n);
	for (i = 0; i < vt->n; i++)
		if (vt->rows[i].id == sel_id) {
			list_select(&vt->list, i);
			break;
		}
}

/* Keep a page loaded past the cursor. */
static void
ensure_loaded(struct view_threads *vt)
{
	size_t want = vt->list.sel + (size_t)vt->list.h + 1;

	while (vt->more && vt->n < want)
		if (!load_page(vt))
			break;
	list_set_count(&vt->list, vt->n);
}

/* The mark for the last outgoing message's state. */
static const char *
state_mark(enum msg_state s)
{
	switch (s) {
	case MSG_QUEUED:
	case MSG_SENDING:
		return "\u2026";	/* … */
	case MSG_SUBMITTED:
	case MSG_SENT:
		return "\u2713";	/* ✓ */
	case MSG_DELIVERED:
		return "\u2713\u2713";
	case MSG_FAILED:
	case MSG_UNDELIVERED:
		return "\u2717";	/* ✗ */
	default:
		return "";
	}
}

static void
draw_row(size_t i, int y, int x, int w, bool selected, void *data)
{
	struct view_threads *vt = data;
	struct tui *t = vt->v.tui;
	const struct store_thread *th = &vt->rows[i];
	attr_t base = selected ? tui_attr(t, TUI_A_SELECTED) : A_NORMAL;
	attr_t name_a = th->unread > 0 ? base | tui_attr(t, TUI_A_UNREAD) :
	    base;
	char when[32], count[32], agent[72];
	const char *name, *mark = "";
	int name_w, right_w, col, tw, mw, aw = 0;

	if (selected)
		tui_fill(y, x, w, base);
	name = th->contact_name && *th->contact_name ? th->contact_name :
	    th->peer_raw && *th->peer_raw ? th->peer_raw : th->peer;
	tui_reltime(when, sizeof when, th->last_activity, loop_wall_now());
	if (th->last_message_id != 0 && th->last_dir == MSG_OUT)
		mark = state_mark(th->last_state);
	agent[0] = '\0';
	if (th->assigned != NULL && w >= 90)
		snprintf(agent, sizeof agent, "@%s", th->assigned);

	/* name (up to a quarter of the width), count, preview, then
	 * agent, mark and time right-aligned. */
	name_w = w / 4 < 14 ? 14 : w / 4 > 30 ? 30 : w / 4;
	tui_put(y, x, 2, th->unread > 0 ? "\u25cf" : " ", (size_t)-1,
	    name_a, false);
	col = x + 2;
	tw = tui_put(y, col, name_w, name, (size_t)-1, name_a, true);
	if (th->unread > 0) {
		snprintf(count, sizeof count, " (%d)", th->unread);
		tw += tui_put(y, col + tw, 6, count, (size_t)-1, name_a,
		    false);
	}
	if (th->opted_out)
		tw += tui_put(y, col + tw, 12, _(" [stop]"), (size_t)-1,
		    base | tui_attr(t, TUI_A_ERROR), false);
	col += (tw > name_w + 6 ? tw : name_w + 6) + 1;

	tw = tui_text_width(when, (size_t)-1);
	mw = tui_text_width(mark, (size_t)-1);
	if (agent[0])
		aw = tui_text_width(agent, (size_t)-1) + 1;
	right_w = tw + 1 + (mw > 0 ? mw + 1 : 0) + aw;
	if (th->last_body != NULL && x + w - right_w - col > 4) {
		if (th->last_dir == MSG_OUT) {
			col += tui_put(y, col, 6, _("You: "), (size_t)-1,
			    base | A_DIM, false);
		}
		tui_put(y, col, x + w - right_w - col - 1, th->last_body,
		    (size_t)-1, base, true);
	}
	col = x + w - right_w;
	if (aw > 0)
		col += tui_put(y, col, aw, agent, (size_t)-1,
		    base | tui_attr(t, TUI_A_DIM), false) + 1;
	if (mw > 0)
		col += tui_put(y, col, mw, mark, (size_t)-1, base |
		    (th->last_state == MSG_FAILED ||
		    th->last_state == MSG_UNDELIVERED ?
		    tui_attr(t, TUI_A_ERROR) : th->last_state ==
		    MSG_DELIVERED ? tui_attr(t, TUI_A_GOOD) : 0), false) + 1;
	tui_put(y, col, tw, when, (size_t)-1, base | tui_attr(t, TUI_A_DIM),
	    false);
}

static void
threads_draw(struct view *v, const struct tui_rect *r)
{
	struct view_threads *vt = (struct view_threads *)v;
	const char *empty = vt->filter == STORE_THREADS_INBOX ?
	    _("No conversations yet. Press m to write to a number.") :
	    _("No threads match this filter; f shows the next one.");

	list_draw(&vt->list, r, draw_row, vt, empty);
}

static void
threads_resize(struct view *v, const struct tui_rect *r)
{
	struct view_threads *vt = (struct view_threads *)v;

	vt->list.h = r->h;
	ensure_loaded(vt);
}

static const char *
threads_title(struct view *v)
{
	struct view_threads *vt = (struct view_threads *)v;

	/* The status bar's count: one query serves both. */
	vt->total = tui_statusbar(v->tui)->threads;
	if (vt->total >= 0)
		snprintf(vt->title, sizeof vt->title,
		    P_("sms-inbox — %s — %lld thread",
		    "sms-inbox — %s — %lld threads",
		    (unsigned long)vt->total), filter_name(vt->filter),
		    (long long)vt->total);
	else
		snprintf(vt->title, sizeof vt->title, "sms-inbox — %s",
		    filter_name(vt->filter));
	return vt->title;
}

static void
delete_answer(struct tui *t, const char *answer, void *data)
{
	struct view_threads *vt = data;
	struct sms_err err;

	if (answer == NULL) {
		tui_message(t, "%s", _("Nothing deleted."));
		return;
	}
	sms_err_clear(&err);
	if (store_thread_delete(tui_store(t), vt->pending_delete, &err) < 0)
		tui_error(t, "%s", err.msg);
	else
		tui_message(t, "%s", _("Thread deleted."));
	tui_store_changed(t);
}

static void
assign_answer(struct tui *t, const char *agent, void *data)
{
	struct view_threads *vt = data;
	struct sms_err err;

	if (agent == NULL)
		return;
	sms_err_clear(&err);
	if (store_thread_assign(tui_store(t), vt->pending_assign,
	    *agent ? agent : NULL, &err) < 0)
		tui_error(t, "%s", err.msg);
	else if (*agent)
		tui_message(t, _("Assigned to %s."), agent);
	else
		tui_message(t, "%s", _("Nobody is assigned now."));
	tui_store_changed(t);
}

static enum view_result
threads_key(struct view *v, enum keymap_action action, int key)
{
	struct view_threads *vt = (struct view_threads *)v;
	struct tui *t = v->tui;
	struct store_thread *th;
	struct sms_err err;
	char q[256];
	int rc = 0;

	if (list_action(&vt->list, action)) {
		ensure_loaded(vt);
		return VIEW_REDRAW;
	}
	if (action == KEYMAP_BACK)
		return VIEW_QUIT;
	if (action == KEYMAP_FILTER) {
		vt->filter = vt->filter == STORE_THREADS_ALL ?
		    STORE_THREADS_INBOX : vt->filter + 1;
		vt->list.sel = 0;
		reload(vt);
		tui_message(t, _("Showing: %s"), filter_name(vt->filter));
		return VIEW_REDRAW;
	}
	if (vt->n == 0 || (action != KEYMAP_OPEN &&
	    action != KEYMAP_ARCHIVE && action != KEYMAP_TOGGLE_READ &&
	    action != KEYMAP_DELETE && action != KEYMAP_ASSIGN))
		return VIEW_PASS;
	th = &vt->rows[vt->list.sel];
	sms_err_clear(&err);
	switch (action) {
	case KEYMAP_OPEN:
		tui_push(t, view_conversation_new(t, th->id, 0));
		return VIEW_REDRAW;
	case KEYMAP_ARCHIVE:
		rc = store_thread_set_archived(tui_store(t), th->id,
		    !th->archived, &err);
		if (rc >= 0)
			tui_message(t, "%s", th->archived ?
			    _("Thread back in the inbox.") :
			    _("Thread archived."));
		break;
	case KEYMAP_TOGGLE_READ:
		if (th->unread > 0)
			rc = store_thread_mark_read(tui_store(t), th->id, 0,
			    &err);
		else
			rc = store_thread_mark_unread(tui_store(t), th->id,
			    &err);
		break;
	case KEYMAP_ASSIGN:
		vt->pending_assign = th->id;
		tui_prompt(t, _("Assign to (empty: nobody):"),
		    th->assigned ? th->assigned : tui_agent(t), assign_answer,
		    vt);
		return VIEW_REDRAW;
	case KEYMAP_DELETE:
		vt->pending_delete = th->id;
		snprintf(q, sizeof q, _("Delete the conversation with %s and "
		    "all its messages?"), th->contact_name ?
		    th->contact_name : th->peer);
		tui_confirm(t, q, delete_answer, vt);
		return VIEW_REDRAW;
	default:
		return VIEW_PASS;
	}
	if (rc < 0)
		tui_error(t, "%s", err.msg);
	tui_store_changed(t);
	return VIEW_REDRAW;
}

static bool
threads_event(struct view *v, enum tui_event ev)
{
	struct view_threads *vt = (struct view_threads *)v;

	if (ev == TUI_EV_STORE)
		reload(vt);
	return true;
}

static void
threads_enter(struct view *v)
{
	reload((struct view_threads *)v);
}

static void
threads_free(struct view *v)
{
	struct view_threads *vt = (struct view_threads *)v;

	clear_rows(vt);
	free(vt->rows);
	free(vt);
}

static struct list *
threads_list_of(struct view *v)
{
	return &((struct view_threads *)v)->list;
}

static const struct view_ops threads_ops = {
	.name = "threads",
	.ctx = KEYMAP_CTX_THREADS,
	.list = true,
	.enter = threads_enter,
	.resize = threads_resize,
	.draw = threads_draw,
	.title = threads_title,
	.key = threads_key,
	.on_event = threads_event,
	.list_of = threads_list_of,
	.free = threads_free,
};

struct view *
view_threads_new(struct tui *t)
{
	struct view_threads *vt = xcalloc(1, sizeof *vt);

	vt->v.ops = &threads_ops;
	vt->v.tui = t;
	vt->total = -1;
	list_init(&vt->list);
	return &vt->v;
}
