#include "config.h"

#include "engine/template.h"

#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/i18n.h"

/* Placeholder names longer than this are not placeholders we know. */
#define TEMPLATE_NAME_MAX 64

int
template_expand(struct buf *out, const char *tpl, template_lookup_cb lookup,
    void *data, struct sms_err *err)
{
	const char *p = tpl, *close, *val;
	int rc;

	if (tpl == NULL)
		return 0;
	while (*p != '\0') {
		size_t run = strcspn(p, "{}");

		if ((rc = buf_append(out, p, run)) < 0)
			return sms_err_set(err, rc, _("the reply is too long"));
		p += run;
		if (*p == '\0')
			break;
		if (p[0] == p[1]) {	/* "{{" or "}}" */
			if ((rc = buf_append_char(out, p[0])) < 0)
				return sms_err_set(err, rc,
				    _("the reply is too long"));
			p += 2;
			continue;
		}
		if (*p == '}')
			return sms_err_set(err, SMS_EDATA,
			    _("the template has a \"}\" without \"{\" (write "
			    "\"}}\" for a brace)"));
		close = strchr(p + 1, '}');
		if (close == NULL || close - p - 1 > TEMPLATE_NAME_MAX ||
		    memchr(p + 1, '{', (size_t)(close - p - 1)) != NULL)
			return sms_err_set(err, SMS_EDATA,
			    _("the template has a \"{\" without \"}\" (write "
			    "\"{{\" for a brace)"));
		val = lookup(data, p + 1, (size_t)(close - p - 1));
		if (val == NULL)
			return sms_err_set(err, SMS_EDATA,
			    _("unknown placeholder {%.*s} in the template"),
			    (int)(close - p - 1), p + 1);
		if ((rc = buf_append_str(out, val)) < 0)
			return sms_err_set(err, rc, _("the reply is too long"));
		p = close + 1;
	}
	return 0;
}

struct vars_ctx {
	const struct template_vars *v;
	char first[128];
	char date[16];
};

static int
name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

static const char *
vars_lookup(void *data, const char *name, size_t len)
{
	struct vars_ctx *c = data;
	const struct template_vars *v = c->v;

	if (name_is(name, len, "name"))
		return v->name ? v->name : "";
	if (name_is(name, len, "first_name"))
		return c->first;
	if (name_is(name, len, "number"))
		return v->number ? v->number : "";
	if (name_is(name, len, "keyword"))
		return v->keyword ? v->keyword : "";
	if (name_is(name, len, "date"))
		return c->date;
	return NULL;
}

static void
vars_prepare(struct vars_ctx *c, const struct template_vars *v)
{
	const char *n = v->name ? v->name : "";
	size_t len;
	time_t t = (time_t)(v->now + v->utc_offset);
	struct tm tm;

	c->v = v;
	n += strspn(n, " \t");
	len = strcspn(n, " \t");
	if (len >= sizeof c->first)
		len = sizeof c->first - 1;
	memcpy(c->first, n, len);
	c->first[len] = '\0';
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(c->date, sizeof c->date, "%Y-%m-%d", &tm) == 0)
		c->date[0] = '\0';
}

int
template_render(struct buf *out, const char *tpl,
    const struct template_vars *v, struct sms_err *err)
{
	struct vars_ctx c;

	vars_prepare(&c, v);
	return template_expand(out, tpl, vars_lookup, &c, err);
}

int
template_check(const char *tpl, struct sms_err *err)
{
	struct template_vars v = { "A B", "+1", "K", 0, 0 };
	struct buf b;
	int rc;

	buf_init(&b, 64 * 1024);
	rc = template_render(&b, tpl, &v, err);
	buf_fini(&b);
	return rc;
}
