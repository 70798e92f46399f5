/*
 * Contacts: the list (filtered by a name or a part of a number), adding
 * and editing (several numbers, tags, notes) in a form, deleting, and
 * writing to a contact.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/contact-io.h"
#include "store/contact.h"
#include "store/store.h"
#include "store/thread.h"
#include "tui/curses.h"
#include "tui/form.h"
#include "tui/list.h"
#include "tui/private.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define PAGE 200

struct view_contacts {
	struct view v;
	struct list list;
	char *filter;
	struct store_contacts cs;
	bool more;
	int64_t pending_delete;
	char title[200];
};

/* What the contact form edits; freed with the form. */
struct contact_edit {
	struct view_contacts *vc;
	int64_t id;		/* 0: a new contact */
	size_t f_name, f_numbers, f_tags, f_notes;
};

static void
reload(struct view_contacts *vc)
{
	struct sms_err err;
	size_t want = vc->list.sel + (size_t)vc->list.h + 1;

	store_contacts_fini(&vc->cs);
	if (want < PAGE)
		want = PAGE;
	sms_err_clear(&err);
	if (store_contact_list(tui_store(vc->v.tui), vc->filter, 0, want,
	    &vc->cs, &err) < 0) {
		tui_error(vc->v.tui, "%s", err.msg);
		memset(&vc->cs, 0, sizeof vc->cs);
	}
	vc->more = vc->cs.n == want;
	list_set_count(&vc->list, vc->cs.n);
}

/* Join a string list with ", " into buf. */
static void
join(const struct store_strv *s, const char *prefix, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n && o < size; i++)
		o += snprintf(buf + o, size - o, "%s%s%s", i ? ", " : "",
		    prefix, s->v[i]);
}

/* Split "a, b; c" into a list (numbers and tags are typed that way). */
static void
split(const char *text, struct store_strv *out)
{
	char *copy = xstrdup(text), *tok, *save = NULL, *e;

	memset(out, 0, sizeof *out);
	for (tok = strtok_r(copy, ",;", &save); tok != NULL;
	    tok = strtok_r(NULL, ",;", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		e = tok + strlen(tok);
		while (e > tok && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*tok == '#')
			tok++;
		if (*tok == '\0')
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = xstrdup(tok);
	}
	free(copy);
}

static void
draw_row(size_t i, int y, int x, int w, bool selected, void *data)
{
	struct view_contacts *vc = data;
	struct tui *t = vc->v.tui;
	const struct store_contact *c = &vc->cs.v[i];
	attr_t base = selected ? tui_attr(t, TUI_A_SELECTED) : A_NORMAL;
	char nums[512], tags[512];
	int col = x + 1, nw = w / 4 < 16 ? 16 : w / 4;

	if (selected)
		tui_fill(y, x, w, base);
	tui_put(y, col, nw, c->name && *c->name ? c->name : _("(no name)"),
	    (size_t)-1, base | A_BOLD, true);
	col += nw + 1;
	join(&c->numbers, "", nums, sizeof nums);
	col += tui_put(y, col, (x + w - col) / 2, nums, (size_t)-1, base,
	    true) + 2;
	if (c->opted_out)
		col += tui_put(y, col, 14, _("opted out"), (size_t)-1,
		    base | tui_attr(t, TUI_A_ERROR), false) + 2;
	join(&c->tags, "#", tags, sizeof tags);
	tui_put(y, col, x + w - col - 1, tags, (size_t)-1,
	    base | tui_attr(t, TUI_A_DIM), true);
}

static void
contacts_draw(struct view *v, const struct tui_rect *r)
{
	struct view_contacts *vc = (struct view_contacts *)v;

	list_draw(&vc->list, r, draw_row, vc, vc->filter ?
	    _("No contact matches. Press f to change the filter.") :
	    _("No contacts yet. Press a to add one."));
}

static void
contacts_resize(struct view *v, const struct tui_rect *r)
{
	((struct view_contacts *)v)->list.h = r->h;
}

static const char *
contacts_title(struct view *v)
{
	struct view_contacts *vc = (struct view_contacts *)v;

	if (vc->filter != NULL)
		snprintf(vc->title, sizeof vc->title,
		    _("Contacts matching \"%s\" — %zu%s"), vc->filter,
		    vc->cs.n, vc->more ? "+" : "");
	else
		snprintf(vc->title, sizeof vc->title, _("Contacts — %zu%s"),
		    vc->cs.n, vc->more ? "+" : "");
	return vc->title;
}

static bool
save_contact(struct tui *t, struct form *f, void *data)
{
	struct contact_edit *ce = data;
	struct store_contact c;
	struct sms_err err;
	int rc;

	memset(&c, 0, sizeof c);
	c.id = ce->id;
	c.name = form_text(f, ce->f_name);
	c.notes = form_text(f, ce->f_notes);
	{
		char *s = form_text(f, ce->f_numbers);

		split(s, &c.numbers);
		free(s);
		s = form_text(f, ce->f_tags);
		split(s, &c.tags);
		free(s);
	}
	sms_err_clear(&err);
	if (*c.name == '\0' && c.numbers.n == 0) {
		tui_error(t, "%s", _("Give the contact a name or a number."));
		store_contact_fini(&c);
		return false;
	}
	rc = ce->id ? store_contact_update(tui_store(t), &c, &err) :
	    store_contact_add(tui_store(t), &c, NULL, &err);
	if (rc < 0) {
		tui_error(t, "%s", err.msg);
		store_contact_fini(&c);
		return false;
	}
	tui_message(t, ce->id ? _("Contact %s saved.") :
	    _("Contact %s added."), c.name);
	store_contact_fini(&c);
	tui_store_changed(t);
	return true;
}

static void
open_form(struct view_contacts *vc, const struct store_contact *c)
{
	struct tui *t = vc->v.tui;
	struct contact_edit *ce = xcalloc(1, sizeof *ce);
	char nums[1024], tags[1024];
	struct form *f;

	ce->vc = vc;
	ce->id = c ? c->id : 0;
	f = form_new(t, c ? _("Edit contact") : _("New contact"),
	    save_contact, free, ce);
	if (c) {
		join(&c->numbers, "", nums, sizeof nums);
		join(&c->tags, "", tags, sizeof tags);
	} else
		nums[0] = tags[0] = '\0';
	ce->f_name = form_add_text(f, N_("Name"), c ? c->name : NULL, NULL);
	ce->f_numbers = form_add_text(f, N_("Numbers"), nums,
	    N_("separate several with commas; +36 30 123 4567 or 06301234567"));
	ce->f_tags = form_add_text(f, N_("Tags"), tags,
	    N_("groups for rules, e.g. vip, staff"));
	ce->f_notes = form_add_text(f, N_("Notes"), c ? c->notes : NULL,
	    NULL);
	tui_push(t, form_view(f));
}

static void
filter_answer(struct tui *t, const char *text, void *data)
{
	struct view_contacts *vc = data;

	if (text == NULL)
		return;
	free(vc->filter);
	vc->filter = *text ? xstrdup(text) : NULL;
	vc->list.sel = 0;
	reload(vc);
}

static void
delete_answer(struct tui *t, const char *answer, void *data)
{
	struct view_contacts *vc = data;
	struct sms_err err;

	if (answer == NULL)
		return;
	sms_err_clear(&err);
	if (store_contact_remove(tui_store(t), vc->pending_delete, &err) < 0)
		tui_error(t, "%s", err.msg);
	else
		tui_message(t, "%s", _("Contact deleted; the conversations "
		    "stay."));
	tui_store_changed(t);
}

struct import_ctx {
	char first[256];	/* the first problem, for the message row */
};

static void
import_problem(unsigned line, const char *sentence, void *data)
{
	struct import_ctx *ic = data;

	if (ic->first[0] == '\0')
		snprintf(ic->first, sizeof ic->first, _("line %u: %s"), line,
		    sentence);
}

static void
import_answer(struct tui *t, const char *text, void *data)
{
	struct store_import_counts n;
	struct import_ctx ic;
	struct sms_err err;
	struct stat sb;
	char *path, *body;
	ssize_t got;
	size_t len = 0;
	int fd;

	if (text == NULL || *text == '\0')
		return;
	path = conf_expand_path(text);
	if (path == NULL || (fd = open(path, O_RDONLY)) < 0) {
		tui_error(t, _("cannot open %s: %s"), text, strerror(errno));
		free(path);
		return;
	}
	if (fstat(fd, &sb) < 0 || sb.st_size > (off_t)STORE_IMPORT_MAX) {
		tui_error(t, _("%s is too big to be a contact list (at most "
		    "%u MB)"), text, STORE_IMPORT_MAX / (1024 * 1024));
		close(fd);
		free(path);
		return;
	}
	body = xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size &&
	    (got = read(fd, body + len, (size_t)sb.st_size - len)) > 0)
		len += (size_t)got;
	close(fd);
	free(path);
	memset(&ic, 0, sizeof ic);
	sms_err_clear(&err);
	if (store_contact_import(tui_store(t), body, len,
	    STORE_CONTACTS_AUTO, import_problem, &ic, &n, &err) < 0)
		tui_error(t, "%s", err.msg);
	else if (n.problems > 0)
		tui_error(t, _("Imported %u, updated %u, %u unchanged, %u "
		    "skipped; %s"), n.added, n.updated, n.unchanged,
		    n.skipped, ic.first);
	else
		tui_message(t, _("Imported %u, updated %u, %u unchanged."),
		    n.added, n.updated, n.unchanged);
	free(body);
	tui_store_changed(t);
}

static int
export_write(const char *bytes, size_t len, void *data)
{
	return fwrite(bytes, 1, len, data) == len ? 0 : -1;
}

static void
export_answer(struct tui *t, const char *text, void *data)
{
	enum store_contact_format fmt = STORE_CONTACTS_VCARD;
	struct sms_err err;
	size_t n;
	char *path;
	FILE *f;
	int fd;

	if (text == NULL || *text == '\0')
		return;
	n = strlen(text);
	if (n > 4 && strcasecmp(text + n - 4, ".csv") == 0)
		fmt = STORE_CONTACTS_CSV;
	path = conf_expand_path(text);
	/* Never overwrite: a typo must not eat a file. */
	if (path == NULL || (fd = open(path, O_WRONLY | O_CREAT | O_EXCL,
	    0600)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		tui_error(t, _("cannot create %s: %s"), text, strerror(errno));
		free(path);
		return;
	}
	sms_err_clear(&err);
	if (store_contact_export(tui_store(t), fmt, export_write, f, &err) <
	    0 || fclose(f) != 0) {
		tui_error(t, "%s", err.msg[0] ? err.msg :
		    _("the export could not be written"));
		unlink(path);
	} else
		tui_message(t, _("Contacts written to %s."), path);
	free(path);
}

static enum view_result
contacts_key(struct view *v, enum keymap_action action, int key)
{
	struct view_contacts *vc = (struct view_contacts *)v;
	struct tui *t = v->tui;
	const struct store_contact *c;
	char q[256];
	int64_t tid;

	if (list_action(&vc->list, action)) {
		if (vc->more && vc->list.sel + (size_t)vc->list.h >=
		    vc->cs.n)
			reload(vc);
		return VIEW_REDRAW;
	}
	switch (action) {
	case KEYMAP_ADD:
		open_form(vc, NULL);
		return VIEW_REDRAW;
	case KEYMAP_FIND:
		tui_prompt(t, _("Filter contacts:"), vc->filter,
		    filter_answer, vc);
		return VIEW_REDRAW;
	case KEYMAP_IMPORT:
		tui_prompt(t, _("Import contacts from (vCard or CSV file):"),
		    NULL, import_answer, vc);
		return VIEW_REDRAW;
	case KEYMAP_EXPORT:
		tui_prompt(t, _("Export contacts to (.vcf or .csv):"),
		    "~/contacts.vcf", export_answer, vc);
		return VIEW_REDRAW;
	default:
		break;
	}
	if (vc->cs.n == 0)
		return VIEW_PASS;
	c = &vc->cs.v[vc->list.sel];
	switch (action) {
	case KEYMAP_EDIT:
		open_form(vc, c);
		return VIEW_REDRAW;
	case KEYMAP_DELETE:
		vc->pending_delete = c->id;
		snprintf(q, sizeof q, _("Delete the contact %s?"),
		    c->name && *c->name ? c->name : _("(no name)"));
		tui_confirm(t, q, delete_answer, vc);
		return VIEW_REDRAW;
	case KEYMAP_OPEN:
	case KEYMAP_MESSAGE:
		if (c->numbers.n == 0) {
			tui_error(t, "%s", _("This contact has no number; "
			    "press e to add one."));
			return VIEW_REDRAW;
		}
		if (action == KEYMAP_OPEN && store_thread_find(tui_store(t),
		    c->numbers.v[0], &tid, NULL) >= 0)
			tui_push(t, view_conversation_new(t, tid, 0));
		else
			compose_to_number(t, c->numbers.v[0], c->name, true);
		return VIEW_REDRAW;
	default:
		return VIEW_PASS;
	}
}

static bool
contacts_event(struct view *v, enum tui_event ev)
{
	if (ev == TUI_EV_STORE)
		reload((struct view_contacts *)v);
	return ev == TUI_EV_STORE;
}

static void
contacts_enter(struct view *v)
{
	reload((struct view_contacts *)v);
}

static void
contacts_free(struct view *v)
{
	struct view_contacts *vc = (struct view_contacts *)v;

	store_contacts_fini(&vc->cs);
	free(vc->filter);
	free(vc);
}

static struct list *
contacts_list_of(struct view *v)
{
	return &((struct view_contacts *)v)->list;
}

static const struct view_ops contacts_ops = {
	.name = "contacts",
	.ctx = KEYMAP_CTX_CONTACTS,
	.list = true,
	.enter = contacts_enter,
	.resize = contacts_resize,
	.draw = contacts_draw,
	.title = contacts_title,
	.key = contacts_key,
	.on_event = contacts_event,
	.list_of = contacts_list_of,
	.free = contacts_free,
};

struct view *
view_contacts_new(struct tui *t)
{
	struct view_contacts *vc = xcalloc(1, sizeof *vc);

	vc->v.ops = &contacts_ops;
	vc->v.tui = t;
	list_init(&vc->list);
	return &vc->v;
}
