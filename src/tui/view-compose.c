/*
 * Writing a message: a box that grows with the text, a live counter
 * ("GSM-7 · 2/10 segments · 47 left") that names and highlights the
 * characters forcing UCS-2, $EDITOR for long texts, and placeholders.
 * Sending queues the message in the store and wakes the engine; numbers
 * that opted out or cannot be answered are refused before that, with a
 * warning from the moment the box opens.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "codec/segment.h"
#include "engine/template.h"
#include "store/contact.h"
#include "store/message.h"
#include "store/store.h"
#include "store/thread.h"
#include "tui/curses.h"
#include "tui/input.h"
#include "tui/private.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/loop.h"
#include "util/xalloc.h"

#define COMPOSE_MAX 5000	/* characters; SEGMENT_MAX parts hold more */

struct view_compose {
	struct view v;
	char *to;		/* the number (or sender) as the store has it */
	char *name;		/* the contact's name, or NULL */
	int64_t thread_id;	/* 0 for a number with no thread yet */
	bool opted_out;
	bool alnum;		/* an alphanumeric sender: no replies */
	bool open_after;	/* show the conversation after sending */
	struct input in;
	struct segment_info seg;
	bool seg_ok;
	bool *forcing;		/* per character: forced UCS-2 */
	size_t nforcing;
	int w, h;
	char title[256];
};

static bool
is_alnum_sender(const char *peer)
{
	for (; *peer != '\0'; peer++)
		if (isalpha((unsigned char)*peer))
			return true;
	return false;
}

/* Recount segments and find the characters that forced UCS-2. */
static void
recount(struct view_compose *vc)
{
	char *text = input_text(&vc->in), mb[MB_LEN_MAX];
	size_t i, k, off = 0, n;
	mbstate_t st;

	vc->seg_ok = segment_calc(text, strlen(text), 0, &vc->seg, NULL) >= 0;
	vc->forcing = xrealloc(vc->forcing, (vc->in.len + 1) *
	    sizeof *vc->forcing);
	vc->nforcing = vc->in.len;
	memset(&st, 0, sizeof st);
	for (i = 0; i < vc->in.len; i++) {
		vc->forcing[i] = false;
		if (vc->seg_ok && vc->seg.encoding == SMS_ENC_UCS2)
			for (k = 0; k < vc->seg.nforcing &&
			    k < SEGMENT_FORCING_MAX; k++)
				if (vc->seg.forcing[k].offset == off)
					vc->forcing[i] = true;
		n = wcrtomb(mb, vc->in.buf[i], &st);
		if (n != (size_t)-1)
			off += n;
	}
	free(text);
}

static unsigned long
hilite(size_t idx, void *data)
{
	struct view_compose *vc = data;

	if (idx < vc->nforcing && vc->forcing[idx])
		return tui_attr(vc->v.tui, TUI_A_HILITE);
	return A_NORMAL;
}

static const char *
warning(const struct view_compose *vc)
{
	if (vc->opted_out)
		return _("This number opted out (STOP): sending is refused "
		    "until they text START.");
	if (vc->alnum)
		return _("This is an alphanumeric sender: it cannot receive "
		    "replies.");
	return NULL;
}

/* The counter line, e.g. "GSM-7 · 2/10 segments · 47 left". */
static void
counter_text(const struct view_compose *vc, char *buf, size_t size)
{
	const struct segment_info *s = &vc->seg;
	int max = tui_max_segments(vc->v.tui);
	char ch[16] = "";
	size_t n;

	if (!vc->seg_ok) {
		snprintf(buf, size, "%s", _("the text is not valid UTF-8"));
		return;
	}
	n = snprintf(buf, size, P_("%s · %zu/%d segment · %zu left",
	    "%s · %zu/%d segments · %zu left", (unsigned long)max),
	    s->encoding == SMS_ENC_UCS2 ? "UCS-2" : "GSM-7", s->segments,
	    max, s->left);
	if (s->encoding == SMS_ENC_UCS2 && s->nforcing > 0 && n < size) {
		/* Name the first character that forced UCS-2. */
		uint32_t cp = s->forcing[0].cp;
		mbstate_t st;
		size_t k;

		memset(&st, 0, sizeof st);
		k = wcrtomb(ch, (wchar_t)cp, &st);
		if (k == (size_t)-1)
			k = 0;
		ch[k] = '\0';
		n += snprintf(buf + n, size - n, _(" · UCS-2 because of "
		    "“%s” (U+%04X)"), ch, (unsigned)cp);
	}
	if (s->too_long || (int)s->segments > max)
		snprintf(buf + (n < size ? n : size - 1), size - (n < size ?
		    n : size - 1), "%s", _(" · too long"));
}

static void
compose_draw(struct view *v, const struct tui_rect *r)
{
	struct view_compose *vc = (struct view_compose *)v;
	struct tui *t = v->tui;
	char line[512], hints[512];
	const char *warn = warning(vc);
	int y = r->y, box_h, cy, cx;

	if (vc->name != NULL)
		snprintf(line, sizeof line, _("To: %s <%s>"), vc->name,
		    vc->to);
	else
		snprintf(line, sizeof line, _("To: %s"), vc->to);
	tui_put(y++, 1, r->w - 2, line, (size_t)-1, A_BOLD, true);
	if (warn != NULL)
		tui_put(y++, 1, r->w - 2, warn, (size_t)-1,
		    tui_attr(t, TUI_A_ERROR), true);
	y++;
	box_h = input_rows(&vc->in, r->w - 2);
	if (box_h < 3)
		box_h = 3;
	if (box_h > r->y + r->h - y - 3)
		box_h = r->y + r->h - y - 3;
	if (box_h < 1)
		box_h = 1;
	input_draw(&vc->in, y, 1, r->w - 2, box_h, A_NORMAL, hilite, vc,
	    &cy, &cx);
	tui_set_cursor(t, cy, cx);
	y += box_h;
	tui_fill(y, 1, r->w - 2, tui_attr(t, TUI_A_DIM));
	counter_text(vc, line, sizeof line);
	tui_put(y + 1, 1, r->w - 2, line, (size_t)-1,
	    vc->seg_ok && (int)vc->seg.segments <= tui_max_segments(t) ?
	    tui_attr(t, TUI_A_DIM) : tui_attr(t, TUI_A_ERROR), true);
	snprintf(hints, sizeof hints, _("%s send · %s new line · %s editor · "
	    "%s placeholder · %s cancel"),
	    keymap_key_name(KEYMAP_CTX_COMPOSE, KEYMAP_SEND),
	    keymap_key_name(KEYMAP_CTX_COMPOSE, KEYMAP_NEWLINE),
	    keymap_key_name(KEYMAP_CTX_COMPOSE, KEYMAP_EDITOR),
	    keymap_key_name(KEYMAP_CTX_COMPOSE, KEYMAP_TEMPLATE),
	    keymap_key_name(KEYMAP_CTX_COMPOSE, KEYMAP_CANCEL));
	if (y + 2 < r->y + r->h)
		tui_put(y + 2, 1, r->w - 2, hints, (size_t)-1,
		    tui_attr(t, TUI_A_DIM), true);
}

static void
compose_resize(struct view *v, const struct tui_rect *r)
{
	struct view_compose *vc = (struct view_compose *)v;

	vc->w = r->w;
	vc->h = r->h;
}

static const char *
compose_title(struct view *v)
{
	struct view_compose *vc = (struct view_compose *)v;

	snprintf(vc->title, sizeof vc->title, _("New message to %s"),
	    vc->name ? vc->name : vc->to);
	return vc->title;
}

static void
edited(struct tui *t, const char *text, void *data)
{
	struct view_compose *vc = data;

	if (text == NULL)
		return;
	input_set(&vc->in, text);
	recount(vc);
	tui_dirty(t);
}

static void
placeholder_answer(struct tui *t, const char *text, void *data)
{
	struct view_compose *vc = data;
	char ph[80];

	if (text == NULL || *text == '\0')
		return;
	snprintf(ph, sizeof ph, "{%s}", text);
	input_insert(&vc->in, ph);
	recount(vc);
}

static enum view_result
send_message(struct view_compose *vc)
{
	struct tui *t = vc->v.tui;
	struct store_outgoing out;
	struct sms_err err;
	int64_t id, tid;
	char *text;
	int rc;

	if (warning(vc) != NULL) {
		tui_error(t, "%s", warning(vc));
		return VIEW_REDRAW;
	}
	if (input_blank(&vc->in)) {
		tui_error(t, "%s", _("The message is empty."));
		return VIEW_REDRAW;
	}
	if (!vc->seg_ok || vc->seg.too_long ||
	    (int)vc->seg.segments > tui_max_segments(t)) {
		tui_error(t, _("The message is too long: at most %d "
		    "segments."), tui_max_segments(t));
		return VIEW_REDRAW;
	}
	text = input_text(&vc->in);
	if (strchr(text, '{') != NULL || strchr(text, '}') != NULL) {
		/* Placeholders: the contact's fields, as rules use them. */
		struct template_vars v;
		struct buf b;
		time_t tt = (time_t)loop_wall_now();
		struct tm tm;
		struct segment_info si;

		localtime_r(&tt, &tm);
		memset(&v, 0, sizeof v);
		v.name = vc->name;
		v.number = vc->to;
		v.now = (int64_t)tt;
		v.utc_offset = tm.tm_gmtoff;
		buf_init(&b, COMPOSE_MAX * 4 + 1024);
		sms_err_clear(&err);
		if (template_render(&b, text, &v, &err) < 0) {
			tui_error(t, "%s", err.msg);
			buf_fini(&b);
			free(text);
			return VIEW_REDRAW;
		}
		free(text);
		text = buf_take(&b);
		buf_fini(&b);
		if (text == NULL || segment_calc(text, strlen(text), 0, &si,
		    NULL) < 0 || (int)si.segments > tui_max_segments(t)) {
			tui_error(t, _("With the placeholders filled in, the "
			    "message is too long: at most %d segments."),
			    tui_max_segments(t));
			free(text);
			return VIEW_REDRAW;
		}
		vc->seg = si;
	}
	memset(&out, 0, sizeof out);
	out.to = vc->to;
	out.body = text;
	out.author = tui_agent(t);
	out.encoding = vc->seg.encoding == SMS_ENC_UCS2 ? "ucs2" : "gsm7";
	out.segments = (int)vc->seg.segments;
	out.report = true;
	sms_err_clear(&err);
	rc = store_message_queue(tui_store(t), &out, &id, &err);
	free(text);
	if (rc < 0) {
		tui_error(t, "%s", err.msg);
		return VIEW_REDRAW;
	}
	tui_wake(t);
	tui_message(t, _("Message to %s queued."), vc->name ? vc->name :
	    vc->to);
	tid = vc->thread_id;
	tui_store_changed(t);
	if (vc->open_after) {
		if (tid == 0 && store_thread_find(tui_store(t), vc->to, &tid,
		    NULL) < 0)
			tid = 0;
		tui_pop(t);
		if (tid != 0)
			tui_push(t, view_conversation_new(t, tid, 0));
		return VIEW_DONE;
	}
	return VIEW_POP;
}

static enum view_result
compose_key(struct view *v, enum keymap_action action, int key)
{
	struct view_compose *vc = (struct view_compose *)v;
	struct tui *t = v->tui;
	char *text;

	switch (action) {
	case KEYMAP_SEND:
		return send_message(vc);
	case KEYMAP_CANCEL:
		if (!input_blank(&vc->in))
			tui_message(t, "%s", _("Message discarded."));
		return VIEW_POP;
	case KEYMAP_EDITOR:
		text = input_text(&vc->in);
		tui_edit_external(t, text, edited, vc);
		free(text);
		return VIEW_REDRAW;
	case KEYMAP_TEMPLATE:
		tui_prompt(t, _("Placeholder (name, first_name, number, "
		    "date):"), "name", placeholder_answer, vc);
		return VIEW_REDRAW;
	case KEYMAP_NEWLINE:
		key = '\n';
		break;
	default:
		break;
	}
	switch (input_key(&vc->in, key)) {
	case INPUT_CHANGED:
		recount(vc);
		return VIEW_REDRAW;
	case INPUT_MOVED:
		return VIEW_REDRAW;
	case INPUT_FULL:
		tui_error(t, "%s", _("The message cannot be any longer."));
		return VIEW_REDRAW;
	default:
		return VIEW_DONE;
	}
}

static void
compose_free(struct view *v)
{
	struct view_compose *vc = (struct view_compose *)v;

	input_fini(&vc->in);
	free(vc->forcing);
	free(vc->to);
	free(vc->name);
	free(vc);
}

static const struct view_ops compose_ops = {
	.name = "compose",
	.ctx = KEYMAP_CTX_COMPOSE,
	.list = false,
	.resize = compose_resize,
	.draw = compose_draw,
	.title = compose_title,
	.key = compose_key,
	.free = compose_free,
};

static struct view *
compose_new(struct tui *t, const char *to, const char *name,
    int64_t thread_id, bool opted_out)
{
	struct view_compose *vc = xcalloc(1, sizeof *vc);

	vc->v.ops = &compose_ops;
	vc->v.tui = t;
	vc->to = xstrdup(to);
	vc->name = name != NULL && *name != '\0' ? xstrdup(name) : NULL;
	vc->thread_id = thread_id;
	vc->opted_out = opted_out;
	vc->alnum = is_alnum_sender(to);
	input_init(&vc->in, COMPOSE_MAX, true);
	recount(vc);
	return &vc->v;
}

void
compose_to_thread(struct tui *t, const struct store_thread *th)
{
	tui_push(t, compose_new(t, th->peer, th->contact_name, th->id,
	    th->opted_out));
}

void
compose_to_number(struct tui *t, const char *number, const char *name,
    bool open_after)
{
	struct store_contact c;
	struct view_compose *vc;
	struct view *v;
	bool out = false;
	int64_t tid = 0;

	if (store_optout_get(tui_store(t), number, &out, NULL, NULL) < 0)
		out = false;
	if (name == NULL && store_contact_find_number(tui_store(t), number,
	    &c, NULL) >= 0) {
		v = compose_new(t, number, c.name, 0, out);
		store_contact_fini(&c);
	} else
		v = compose_new(t, number, name, 0, out);
	if (store_thread_find(tui_store(t), number, &tid, NULL) < 0)
		tid = 0;
	vc = (struct view_compose *)v;
	vc->thread_id = tid;
	vc->open_after = open_after;
	tui_push(t, v);
}

static void
to_answer(struct tui *t, const char *text, void *data)
{
	struct store_thread th;
	struct view *v;
	char num[128];
	int64_t tid;

	if (text == NULL || *text == '\0')
		return;
	/* A contact's name or a known number: its thread. */
	if (store_thread_find(tui_store(t), text, &tid, NULL) >= 0 &&
	    store_thread_get(tui_store(t), tid, &th, NULL) >= 0) {
		v = compose_new(t, th.peer, th.contact_name, th.id,
		    th.opted_out);
		((struct view_compose *)v)->open_after = true;
		tui_push(t, v);
		store_thread_fini(&th);
		return;
	}
	if (store_normalize(tui_store(t), text, num, NULL) < 0) {
		tui_error(t, _("\"%s\" is neither a contact nor a phone "
		    "number."), text);
		return;
	}
	compose_to_number(t, num, NULL, true);
}

void
compose_prompt(struct tui *t)
{
	tui_prompt(t, _("To (number or contact name):"), NULL, to_answer,
	    NULL);
}
