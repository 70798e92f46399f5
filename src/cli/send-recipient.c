#include "config.h"

#include "cli/send-recipient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/contact.h"
#include "store/store.h"
#include "util/i18n.h"
#include "util/xalloc.h"

/* Contacts read per page when scanning them all. */
#define SCAN_PAGE 500
/* Candidates named in an "ambiguous" sentence. */
#define AMBIGUOUS_SHOWN 4

void
send_targets_fini(struct send_targets *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* Append number (normalised) unless t has it.  1 added, 0 there. */
static int
add(struct send_targets *t, const char *number, const char *name,
    bool opted_out, bool from_group)
{
	struct send_target *g;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].number, number) == 0)
			return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	g = &t->v[t->n++];
	memset(g, 0, sizeof *g);
	snprintf(g->number, sizeof g->number, "%s", number);
	g->name = name != NULL && *name != '\0' ? xstrdup(name) : NULL;
	g->opted_out = opted_out;
	g->from_group = from_group;
	return 1;
}

/* Whether arg is written like a phone number. */
static bool
looks_like_number(const char *arg)
{
	size_t digits = 0;
	const char *p;

	for (p = arg; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (strchr("+ ()-./", *p) == NULL)
			return false;
	}
	return digits > 0;
}

static bool
has_tag(const struct store_contact *c, const char *tag)
{
	size_t i;

	for (i = 0; i < c->tags.n; i++)
		if (strcasecmp(c->tags.v[i], tag) == 0)
			return true;
	return false;
}

static int
add_contact(struct send_targets *t, const struct store_contact *c,
    bool from_group, struct sms_err *err)
{
	if (c->numbers.n == 0)
		return sms_err_set(err, SMS_EDATA, _("the contact \"%s\" has "
		    "no number"), c->name);
	return add(t, c->numbers.v[0], c->name, c->opted_out, from_group);
}

static int
by_tag(struct store *st, const char *tag, struct send_targets *t,
    struct sms_err *err)
{
	struct store_contacts page;
	size_t off = 0, i, found = 0;
	int rc = 0, added = 0;

	if (*tag == '\0')
		return sms_err_set(err, SMS_EDATA, _("\"@\" needs a tag after "
		    "it, as in @team"));
	do {
		memset(&page, 0, sizeof page);
		if ((rc = store_contact_list(st, NULL, off, SCAN_PAGE, &page,
		    err)) < 0)
			return rc;
		for (i = 0; i < page.n; i++) {
			if (!has_tag(&page.v[i], tag) ||
			    page.v[i].numbers.n == 0)
				continue;
			found++;
			added += add(t, page.v[i].numbers.v[0],
			    page.v[i].name, page.v[i].opted_out, true);
		}
		off += page.n;
		i = page.n;
		store_contacts_fini(&page);
	} while (i == SCAN_PAGE);
	if (found == 0)
		return sms_err_set(err, SMS_EDATA, _("no contact with a number "
		    "has the tag \"%s\" (see sms-inbox contacts list)"), tag);
	return added;
}

static int
by_name(struct store *st, const char *name, struct send_targets *t,
    struct sms_err *err)
{
	struct store_contacts page, hits;
	size_t off = 0, i, n;
	int rc;

	/* A whole name, ignoring case, wins over any prefix. */
	do {
		memset(&page, 0, sizeof page);
		if ((rc = store_contact_list(st, NULL, off, SCAN_PAGE, &page,
		    err)) < 0)
			return rc;
		for (i = 0; i < page.n; i++)
			if (page.v[i].name != NULL &&
			    strcasecmp(page.v[i].name, name) == 0) {
				rc = add_contact(t, &page.v[i], false, err);
				store_contacts_fini(&page);
				return rc;
			}
		off += page.n;
		n = page.n;
		store_contacts_fini(&page);
	} while (n == SCAN_PAGE);

	memset(&hits, 0, sizeof hits);
	if ((rc = store_contact_list(st, name, 0, AMBIGUOUS_SHOWN + 1, &hits,
	    err)) < 0)
		return rc;
	if (hits.n == 1)
		rc = add_contact(t, &hits.v[0], false, err);
	else if (hits.n == 0)
		rc = sms_err_set(err, SMS_EDATA, _("\"%s\" is neither a phone "
		    "number nor a contact's name (add it with sms-inbox "
		    "contacts add)"), name);
	else {
		char list[256] = "";

		for (i = 0; i < hits.n && i < AMBIGUOUS_SHOWN; i++) {
			size_t len = strlen(list);

			snprintf(list + len, sizeof list - len, "%s\"%s\"",
			    i > 0 ? ", " : "", hits.v[i].name ?
			    hits.v[i].name : "");
		}
		rc = sms_err_set(err, SMS_EDATA, _("\"%s\" matches several "
		    "contacts (%s%s): give the whole name or the number"),
		    name, list, hits.n > AMBIGUOUS_SHOWN ? ", ..." : "");
	}
	store_contacts_fini(&hits);
	return rc;
}

int
send_resolve(struct store *st, const char *arg, bool allow_tags,
    struct send_targets *t, struct sms_err *err)
{
	char number[PHONE_MAX];
	struct store_contact c;
	bool opted_out = false;
	int rc;

	if (arg[0] == '@' && allow_tags)
		return by_tag(st, arg + 1, t, err);
	if (!looks_like_number(arg))
		return by_name(st, arg, t, err);
	if ((rc = store_normalize(st, arg, number, err)) < 0)
		return rc;
	/* Short codes have 3 to 7 digits (see util/phone.h). */
	if (rc == PHONE_ALNUM || (rc == PHONE_SHORT && strlen(number) < 3))
		return sms_err_set(err, SMS_EDATA, _("\"%s\" is not a phone "
		    "number"), arg);
	memset(&c, 0, sizeof c);
	rc = store_contact_find_number(st, number, &c, err);
	if (rc == SMS_ENOENT) {
		sms_err_clear(err);
		if ((rc = store_optout_get(st, number, &opted_out, NULL,
		    err)) < 0)
			return rc;
		return add(t, number, NULL, opted_out, false);
	}
	if (rc < 0)
		return rc;
	rc = add(t, number, c.name, c.opted_out, false);
	store_contact_fini(&c);
	return rc;
}
