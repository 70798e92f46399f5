/*
 * Search results (/): contacts whose name or number matches, then
 * messages (full-text, newest first) with the matched words marked.
 * Enter opens the conversation at the hit.  More hits load as the cursor
 * reaches the end.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/contact.h"
#include "store/search.h"
#include "store/store.h"
#include "store/thread.h"
#include "tui/curses.h"
#include "tui/list.h"
#include "tui/private.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/loop.h"
#include "util/xalloc.h"

#define PAGE 100
#define CONTACTS_MAX 20

struct view_search {
	struct view v;
	struct list list;
	char *query;		/* as typed */
	char *fts;		/* as the store gets it */
	struct store_contacts contacts;
	struct store_hit *hits;
	size_t nhits, cap;
	bool more;
	char title[256];
};

static void
clear_results(struct view_search *vs)
{
	size_t i;

	store_contacts_fini(&vs->contacts);
	for (i = 0; i < vs->nhits; i++) {
		free(vs->hits[i].peer);
		free(vs->hits[i].contact_name);
		free(vs->hits[i].snippet);
	}
	vs->nhits = 0;
}

/*
 * What the agent typed as an FTS5 query: plain words become quoted
 * prefixes ("tükör" finds "tükörfúrógép", "10:00" is no syntax error);
 * a query with quotes, *, parentheses or AND/OR/NOT/NEAR is taken as
 * written.  Caller frees.
 */
static char *
fts_query(const char *typed)
{
	struct buf b;
	const char *p = typed, *e;
	char *out;

	if (strpbrk(typed, "\"*()") != NULL || strstr(typed, " AND ") ||
	    strstr(typed, " OR ") || strstr(typed, "NOT ") ||
	    strstr(typed, "NEAR"))
		return xstrdup(typed);
	buf_init(&b, 4 * strlen(typed) + 16);
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' ' && *e != '\t'; e++)
			;
		buf_append_str(&b, b.len ? " \"" : "\"");
		buf_append(&b, p, (size_t)(e - p));
		buf_append_str(&b, "\"*");
		p = e;
	}
	out = b.len ? buf_take(&b) : xstrdup(typed);
	buf_fini(&b);
	return out ? out : xstrdup(typed);
}

static void
load_hits(struct view_search *vs)
{
	struct tui *t = vs->v.tui;
	struct store_hits h;
	struct sms_err err;
	int64_t before = vs->nhits ? vs->hits[vs->nhits - 1].message_id : 0;
	size_t got;

	sms_err_clear(&err);
	if (store_search(tui_store(t), vs->fts, before, PAGE, &h, &err) <
	    0) {
		tui_error(t, "%s", err.msg);
		vs->more = false;
		return;
	}
	got = h.n;
	if (vs->nhits + h.n > vs->cap) {
		vs->cap = vs->nhits + h.n + PAGE;
		vs->hits = xrealloc(vs->hits, vs->cap * sizeof *vs->hits);
	}
	memcpy(vs->hits + vs->nhits, h.v, h.n * sizeof *h.v);
	vs->nhits += h.n;
	free(h.v);
	vs->more = got == PAGE;
}

static void
run(struct view_search *vs)
{
	struct sms_err err;

	clear_results(vs);
	free(vs->fts);
	vs->fts = fts_query(vs->query);
	sms_err_clear(&err);
	if (store_contact_list(tui_store(vs->v.tui), vs->query, 0,
	    CONTACTS_MAX, &vs->contacts, &err) < 0)
		memset(&vs->contacts, 0, sizeof vs->contacts);
	vs->more = true;
	load_hits(vs);
	list_set_count(&vs->list, vs->contacts.n + vs->nhits);
	list_select(&vs->list, 0);
}

/* Draw a snippet, its matched words (between the store's marks) in the
 * highlight colour. */
static int
put_snippet(struct tui *t, int y, int x, int w, const char *s, attr_t base)
{
	const char *p = s, *open, *close;
	int used = 0;

	while (*p != '\0' && used < w) {
		open = strstr(p, STORE_HIT_OPEN);
		if (open == NULL) {
			used += tui_put(y, x + used, w - used, p, (size_t)-1,
			    base, true);
			break;
		}
		used += tui_put(y, x + used, w - used, p, (size_t)(open - p),
		    base, false);
		open += strlen(STORE_HIT_OPEN);
		close = strstr(open, STORE_HIT_CLOSE);
		if (close == NULL)
			close = open + strlen(open);
		used += tui_put(y, x + used, w - used, open,
		    (size_t)(close - open), base | tui_attr(t, TUI_A_HILITE),
		    false);
		p = *close ? close + strlen(STORE_HIT_CLOSE) : close;
	}
	return used;
}

static void
draw_row(size_t i, int y, int x, int w, bool selected, void *data)
{
	struct view_search *vs = data;
	struct tui *t = vs->v.tui;
	attr_t base = selected ? tui_attr(t, TUI_A_SELECTED) : A_NORMAL;
	char when[32], who[160];
	const struct store_hit *h;
	const struct store_contact *c;
	int col;

	if (selected)
		tui_fill(y, x, w, base);
	if (i < vs->contacts.n) {
		c = &vs->contacts.v[i];
		col = x + 1;
		col += tui_put(y, col, w / 2, c->name && *c->name ? c->name :
		    _("(no name)"), (size_t)-1, base | A_BOLD, true);
		if (c->numbers.n > 0)
			tui_put(y, col + 2, x + w - col - 2, c->numbers.v[0],
			    (size_t)-1, base, true);
		tui_put(y, x + w - 9, 8, _("contact"), (size_t)-1,
		    base | tui_attr(t, TUI_A_DIM), false);
		return;
	}
	h = &vs->hits[i - vs->contacts.n];
	tui_reltime(when, sizeof when, h->created_at, loop_wall_now());
	snprintf(who, sizeof who, "%s %s", h->dir == MSG_IN ? "\u25c0" :
	    "\u25b6", h->contact_name ? h->contact_name : h->peer);
	col = x + 1;
	tui_put(y, col, 20, who, (size_t)-1, base | A_BOLD, true);
	col += 21;
	put_snippet(t, y, col, x + w - col - 8, h->snippet ? h->snippet : "",
	    base);
	tui_put(y, x + w - 7, 6, when, (size_t)-1,
	    base | tui_attr(t, TUI_A_DIM), false);
}

static void
search_draw(struct view *v, const struct tui_rect *r)
{
	struct view_search *vs = (struct view_search *)v;

	list_draw(&vs->list, r, draw_row, vs,
	    _("Nothing found. Press / to search again."));
}

static void
search_resize(struct view *v, const struct tui_rect *r)
{
	((struct view_search *)v)->list.h = r->h;
}

static const char *
search_title(struct view *v)
{
	struct view_search *vs = (struct view_search *)v;

	snprintf(vs->title, sizeof vs->title, _("Search: %s — %zu%s found"),
	    vs->query, vs->contacts.n + vs->nhits, vs->more ? "+" : "");
	return vs->title;
}

static void
again_answer(struct tui *t, const char *text, void *data)
{
	struct view_search *vs = data;

	if (text == NULL || *text == '\0')
		return;
	free(vs->query);
	vs->query = xstrdup(text);
	run(vs);
}

static enum view_result
search_key(struct view *v, enum keymap_action action, int key)
{
	struct view_search *vs = (struct view_search *)v;
	struct tui *t = v->tui;
	const struct store_contact *c;
	const struct store_hit *h;
	int64_t tid;
	size_t i;

	if (list_action(&vs->list, action)) {
		if (vs->more && vs->list.sel + (size_t)vs->list.h >=
		    vs->list.n) {
			load_hits(vs);
			list_set_count(&vs->list, vs->contacts.n + vs->nhits);
		}
		return VIEW_REDRAW;
	}
	if (action == KEYMAP_SEARCH) {
		tui_prompt(t, _("Search:"), vs->query, again_answer, vs);
		return VIEW_REDRAW;
	}
	if (action != KEYMAP_OPEN || vs->list.n == 0)
		return VIEW_PASS;
	i = vs->list.sel;
	if (i < vs->contacts.n) {
		c = &vs->contacts.v[i];
		if (c->numbers.n == 0) {
			tui_error(t, "%s", _("This contact has no number."));
			return VIEW_REDRAW;
		}
		if (store_thread_find(tui_store(t), c->numbers.v[0], &tid,
		    NULL) >= 0)
			tui_push(t, view_conversation_new(t, tid, 0));
		else
			compose_to_number(t, c->numbers.v[0], c->name, true);
		return VIEW_REDRAW;
	}
	h = &vs->hits[i - vs->contacts.n];
	tui_push(t, view_conversation_new(t, h->thread_id, h->message_id));
	return VIEW_REDRAW;
}

static void
search_free(struct view *v)
{
	struct view_search *vs = (struct view_search *)v;

	clear_results(vs);
	free(vs->hits);
	free(vs->query);
	free(vs->fts);
	free(vs);
}

static struct list *
search_list_of(struct view *v)
{
	return &((struct view_search *)v)->list;
}

static const struct view_ops search_ops = {
	.name = "search",
	.ctx = KEYMAP_CTX_SEARCH,
	.list = true,
	.resize = search_resize,
	.draw = search_draw,
	.title = search_title,
	.key = search_key,
	.list_of = search_list_of,
	.free = search_free,
};

struct view *
view_search_new(struct tui *t, const char *query)
{
	struct view_search *vs = xcalloc(1, sizeof *vs);

	vs->v.ops = &search_ops;
	vs->v.tui = t;
	vs->query = xstrdup(query);
	list_init(&vs->list);
	run(vs);
	return &vs->v;
}
