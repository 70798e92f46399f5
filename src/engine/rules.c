#include "config.h"

#include "engine/rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "engine/fold.h"
#include "engine/template.h"
#include "util/buf.h"
#include "util/i18n.h"

/* The longest text we fold for matching: a long concatenated SMS. */
#define RULES_TEXT_MAX (64 * 1024)
/* The most windows in one hours spec, and aliases of one keyword. */
#define RULES_WINDOWS_MAX 16
#define RULES_WORDS_MAX 32
/* PCRE2 limits so a hostile text cannot make a regex run for long. */
#define RULES_MATCH_LIMIT 100000
#define RULES_DEPTH_LIMIT 10000

struct window {
	unsigned days;		/* bit n: tm_wday n (0 Sunday) */
	int start, end;		/* minutes after midnight; end may be 1440 */
};

struct crule {
	struct rule r;
	char **words;		/* keyword and aliases, folded */
	char **raw_words;	/* the same as written, for {keyword} */
	size_t n_words;
	char *folded;		/* folded pattern (exact, prefix, contains) */
	pcre2_code *re;
	struct window win[RULES_WINDOWS_MAX];
	size_t n_win;
};

struct rules {
	struct crule *v;
	size_t n;
	int cooldown;
	int daily_cap;
	pcre2_match_context *mctx;
};

static const char *const match_names[] = {
	[RULE_KEYWORD] = "keyword",
	[RULE_EXACT] = "exact",
	[RULE_PREFIX] = "prefix",
	[RULE_CONTAINS] = "contains",
	[RULE_REGEX] = "regex",
};

static const char *const verdict_names[] = {
	[RULE_FIRED] = "fired",
	[RULE_HELD_HOURS] = "hours",
	[RULE_HELD_TAGS] = "tags",
	[RULE_HELD_FIRST] = "first-only",
	[RULE_HELD_COOLDOWN] = "cooldown",
	[RULE_HELD_CAP] = "daily-cap",
	[RULE_HELD_SENDER] = "sender",
};

static const char *const day_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat",
};

const char *
rule_match_name(enum rule_match m)
{
	if ((unsigned)m >= sizeof match_names / sizeof match_names[0])
		return "unknown";
	return match_names[m];
}

int
rule_match_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof match_names /
	    sizeof match_names[0]; i++)
		if (strcmp(match_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
rule_verdict_name(enum rule_verdict v)
{
	if ((unsigned)v >= sizeof verdict_names / sizeof verdict_names[0])
		return "unknown";
	return verdict_names[v];
}

static int
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	if ((*dst = strdup(src)) == NULL)
		return SMS_ENOMEM;
	return 0;
}

void
rule_fini(struct rule *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->pattern);
	free(r->reply);
	free(r->reply_command);
	free(r->hours);
	free(r->tags);
	free(r->set_tag);
	free(r->assign);
	memset(r, 0, sizeof *r);
}

int
rule_copy(struct rule *dst, const struct rule *src)
{
	*dst = *src;
	dst->name = dst->pattern = dst->reply = dst->reply_command = NULL;
	dst->hours = dst->tags = dst->set_tag = dst->assign = NULL;
	if (dup_opt(&dst->name, src->name) < 0 ||
	    dup_opt(&dst->pattern, src->pattern) < 0 ||
	    dup_opt(&dst->reply, src->reply) < 0 ||
	    dup_opt(&dst->reply_command, src->reply_command) < 0 ||
	    dup_opt(&dst->hours, src->hours) < 0 ||
	    dup_opt(&dst->tags, src->tags) < 0 ||
	    dup_opt(&dst->set_tag, src->set_tag) < 0 ||
	    dup_opt(&dst->assign, src->assign) < 0) {
		rule_fini(dst);
		return SMS_ENOMEM;
	}
	return 0;
}

/* Parse a day name ("Mon", "monday"); -1 if none. */
static int
day_parse(const char *s, size_t len)
{
	static const char *const full[] = { "sunday", "monday", "tuesday",
		"wednesday", "thursday", "friday", "saturday" };
	int i;

	for (i = 0; i < 7; i++)
		if ((len == 3 && strncasecmp(s, day_names[i], 3) == 0) ||
		    (len == strlen(full[i]) &&
		    strncasecmp(s, full[i], len) == 0))
			return i;
	return -1;
}

/* Parse "Mon-Fri", "Sat,Sun", "Fri-Mon" into a day mask. */
static int
days_parse(const char *s, size_t len, unsigned *mask)
{
	size_t off = 0;

	*mask = 0;
	while (off < len) {
		size_t item = off, n = 0, dash;
		int a, b;

		while (off < len && s[off] != ',')
			off++;
		n = off - item;
		for (dash = 0; dash < n && s[item + dash] != '-'; dash++)
			;
		a = day_parse(s + item, dash);
		b = dash < n ? day_parse(s + item + dash + 1, n - dash - 1) : a;
		if (a < 0 || b < 0)
			return -1;
		for (;;) {
			*mask |= 1u << a;
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
		off++;	/* the comma */
	}
	return *mask != 0 ? 0 : -1;
}

/* Parse "HH:MM" into minutes; 24:00 is allowed as an end. */
static int
clock_parse(const char *s, size_t len, int *min)
{
	int h, m;

	if (len != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*min = h * 60 + m;
	return 0;
}

/* Parse one window: "[DAYS] [HH:MM-HH:MM]". */
static int
window_parse(const char *s, size_t len, struct window *w)
{
	size_t sp;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return -1;
	w->days = 0x7F;
	w->start = 0;
	w->end = 24 * 60;
	if (isalpha((unsigned char)*s)) {
		for (sp = 0; sp < len && !isspace((unsigned char)s[sp]); sp++)
			;
		if (days_parse(s, sp, &w->days) < 0)
			return -1;
		while (sp < len && isspace((unsigned char)s[sp]))
			sp++;
		s += sp;
		len -= sp;
		if (len == 0)
			return 0;
	}
	if (len != 11 || s[5] != '-' || clock_parse(s, 5, &w->start) < 0 ||
	    clock_parse(s + 6, 5, &w->end) < 0 || w->start == w->end ||
	    w->start == 24 * 60)
		return -1;
	return 0;
}

static int
hours_parse(const char *spec, struct window *win, size_t *n)
{
	const char *p = spec;

	*n = 0;
	if (spec == NULL)
		return 0;
	p += strspn(p, " \t");
	if (*p == '\0')
		return 0;
	while (p != NULL) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);

		if (*n == RULES_WINDOWS_MAX ||
		    window_parse(p, len, &win[*n]) < 0)
			return -1;
		(*n)++;
		p = semi ? semi + 1 : NULL;
	}
	return 0;
}

/* Whether local time t falls in one of the windows (none: always). */
static bool
windows_match(const struct window *win, size_t n, int64_t t)
{
	int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int wday = (int)(((day + 4) % 7 + 7) % 7);	/* 1970-01-01: Thu */
	int yday = (wday + 6) % 7;
	int min = (int)((t - day * 86400) / 60);
	size_t i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++) {
		const struct window *w = &win[i];

		if (w->start < w->end) {
			if ((w->days & (1u << wday)) && min >= w->start &&
			    min < w->end)
				return true;
		} else {	/* across midnight: belongs to its first day */
			if ((w->days & (1u << wday)) && min >= w->start)
				return true;
			if ((w->days & (1u << yday)) && min < w->end)
				return true;
		}
	}
	return false;
}

int
rules_hours_match(const char *spec, int64_t local_time)
{
	struct window win[RULES_WINDOWS_MAX];
	size_t n;

	if (hours_parse(spec, win, &n) < 0)
		return -1;
	return windows_match(win, n, local_time) ? 1 : 0;
}

static char *
fold_dup(const char *s, size_t len)
{
	struct buf b;

	buf_init(&b, RULES_TEXT_MAX);
	if (fold_text(&b, s, len) < 0) {
		buf_fini(&b);
		return NULL;
	}
	return buf_take(&b);
}

static void
crule_fini(struct crule *c)
{
	size_t i;

	for (i = 0; i < c->n_words; i++) {
		free(c->words[i]);
		free(c->raw_words[i]);
	}
	free(c->words);
	free(c->raw_words);
	free(c->folded);
	pcre2_code_free(c->re);
	rule_fini(&c->r);
}

/* Split "INFO, Information" into folded words. */
static int
words_compile(struct crule *c, struct sms_err *err)
{
	const char *p = c->r.pattern;

	c->words = calloc(RULES_WORDS_MAX, sizeof *c->words);
	c->raw_words = calloc(RULES_WORDS_MAX, sizeof *c->raw_words);
	if (c->words == NULL || c->raw_words == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	while (p != NULL) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		size_t i;

		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		for (i = 0; i < len; i++)
			if (isspace((unsigned char)p[i]))
				break;
		if (len == 0 || i < len)
			return sms_err_set(err, SMS_EDATA,
			    _("rule \"%s\": keywords are single words "
			    "separated by commas, not \"%s\""), c->r.name,
			    c->r.pattern);
		if (c->n_words == RULES_WORDS_MAX)
			return sms_err_set(err, SMS_EDATA,
			    _("rule \"%s\": more than %d keywords"),
			    c->r.name, RULES_WORDS_MAX);
		c->words[c->n_words] = fold_dup(p, len);
		c->raw_words[c->n_words] = strndup(p, len);
		if (c->words[c->n_words] == NULL ||
		    c->raw_words[c->n_words] == NULL) {
			c->n_words++;
			return sms_err_set(err, SMS_ENOMEM, "%s",
			    sms_rc_str(SMS_ENOMEM));
		}
		c->n_words++;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int
crule_compile(struct crule *c, const struct rule *r, struct sms_err *err)
{
	const char *name;
	int errcode;
	PCRE2_SIZE erroff;
	char msg[160];

	memset(c, 0, sizeof *c);
	if (rule_copy(&c->r, r) < 0)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	name = r->name != NULL ? r->name : "";
	if (r->name == NULL || *r->name == '\0')
		return sms_err_set(err, SMS_EDATA, _("a rule needs a name"));
	if ((unsigned)r->match > RULE_REGEX)
		return sms_err_set(err, SMS_EDATA,
		    _("rule \"%s\": unknown match kind"), name);
	if (r->pattern == NULL || *r->pattern == '\0')
		return sms_err_set(err, SMS_EDATA,
		    _("rule \"%s\": nothing to match (give a keyword, text or "
		    "regular expression)"), name);
	if (hours_parse(r->hours, c->win, &c->n_win) < 0)
		return sms_err_set(err, SMS_EDATA,
		    _("rule \"%s\": cannot read the hours \"%s\" (write "
		    "windows like \"Mon-Fri 09:00-17:00; Sat 10:00-12:00\")"),
		    name, r->hours);
	if (r->reply != NULL && template_check(r->reply, err) < 0)
		return sms_err_prefix(err, _("rule \"%s\""), name);
	if (r->reply == NULL && r->reply_command == NULL &&
	    r->set_tag == NULL && r->assign == NULL && !r->opt_out)
		return sms_err_set(err, SMS_EDATA,
		    _("rule \"%s\" does nothing: give it a reply or an "
		    "action"), name);
	switch (r->match) {
	case RULE_KEYWORD:
		return words_compile(c, err);
	case RULE_EXACT:
	case RULE_PREFIX:
	case RULE_CONTAINS:
		if ((c->folded = fold_dup(r->pattern, strlen(r->pattern))) ==
		    NULL)
			return sms_err_set(err, SMS_ENOMEM, "%s",
			    sms_rc_str(SMS_ENOMEM));
		return 0;
	case RULE_REGEX:
		c->re = pcre2_compile((PCRE2_SPTR)r->pattern,
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP |
		    PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF, &errcode,
		    &erroff, NULL);
		if (c->re == NULL) {
			pcre2_get_error_message(errcode, (PCRE2_UCHAR *)msg,
			    sizeof msg);
			return sms_err_set(err, SMS_EDATA,
			    _("rule \"%s\": bad regular expression at "
			    "offset %zu: %s"), name, (size_t)erroff, msg);
		}
		/* JIT where PCRE2 has it: 1,000 rules on every message. */
		(void)pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
		return 0;
	}
	return 0;
}

int
rule_validate(const struct rule *r, struct sms_err *err)
{
	struct crule c;
	int rc;

	rc = crule_compile(&c, r, err);
	crule_fini(&c);
	return rc;
}

int
rules_new(struct rules **out, int cooldown, int daily_cap,
    struct sms_err *err)
{
	struct rules *rs;

	*out = NULL;
	if ((rs = calloc(1, sizeof *rs)) == NULL ||
	    (rs->mctx = pcre2_match_context_create(NULL)) == NULL) {
		free(rs);
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	}
	pcre2_set_match_limit(rs->mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(rs->mctx, RULES_DEPTH_LIMIT);
	rs->cooldown = cooldown;
	rs->daily_cap = daily_cap;
	*out = rs;
	return 0;
}

void
rules_free(struct rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		crule_fini(&rs->v[i]);
	free(rs->v);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

int
rules_add(struct rules *rs, const struct rule *r, struct sms_err *err)
{
	struct crule *v;
	int rc;

	v = realloc(rs->v, (rs->n + 1) * sizeof *v);
	if (v == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	rs->v = v;
	if ((rc = crule_compile(&v[rs->n], r, err)) < 0) {
		crule_fini(&v[rs->n]);
		return rc;
	}
	rs->n++;
	return 0;
}

size_t
rules_count(const struct rules *rs)
{
	return rs->n;
}

const struct rule *
rules_get(const struct rules *rs, size_t i)
{
	return i < rs->n ? &rs->v[i].r : NULL;
}

/* Digits of a number, for comparing "+3630..." with "0630...". */
static size_t
digits(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < size; s++)
		if (isdigit((unsigned char)*s))
			out[n++] = *s;
	out[n] = '\0';
	return n;
}

bool
rules_sender_answerable(const char *from)
{
	const char *p = from;
	size_t n = 0;

	if (p == NULL)
		return false;
	if (*p == '+')
		p++;
	for (; *p != '\0'; p++, n++)
		if (!isdigit((unsigned char)*p))
			return false;
	return n >= 3 && n <= 15;
}

/* Whether a and b are one number: equal digits, or both long enough and
 * equal in the last nine (national and international forms). */
static bool
same_number(const char *a, const char *b)
{
	char da[32], db[32];
	size_t na = digits(a, da, sizeof da), nb = digits(b, db, sizeof db);

	if (na == 0 || nb == 0)
		return false;
	if (strcmp(da, db) == 0)
		return true;
	return na >= 9 && nb >= 9 && strcmp(da + na - 9, db + nb - 9) == 0;
}

static bool
is_own(const struct rules_input *in)
{
	size_t i;

	for (i = 0; i < in->n_own; i++)
		if (same_number(in->from, in->own_numbers[i]))
			return true;
	return false;
}

static bool
in_tags(const char *group, const struct rules_input *in)
{
	const char *p = group;

	while (p != NULL) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p), i;

		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		for (i = 0; len > 0 && i < in->n_tags; i++)
			if (strlen(in->tags[i]) == len &&
			    strncasecmp(in->tags[i], p, len) == 0)
				return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* The folded text and its first word, computed once per message. */
struct subject {
	pcre2_match_data *md;	/* shared by the regex rules, or NULL */
	const char *raw;
	const char *text;	/* folded, trimmed */
	const char *word;	/* first word, trailing punctuation cut */
	size_t word_len;
};

static bool
text_match(const struct rules *rs, const struct crule *c,
    const struct subject *s, char *kw, size_t kwsize)
{
	size_t i, n;

	switch (c->r.match) {
	case RULE_KEYWORD:
		for (i = 0; i < c->n_words; i++)
			if (strlen(c->words[i]) == s->word_len &&
			    memcmp(c->words[i], s->word, s->word_len) == 0) {
				snprintf(kw, kwsize, "%s", c->raw_words[i]);
				return true;
			}
		return false;
	case RULE_EXACT:
		if (strcmp(s->text, c->folded) != 0)
			return false;
		break;
	case RULE_PREFIX:
		if (strncmp(s->text, c->folded, strlen(c->folded)) != 0)
			return false;
		break;
	case RULE_CONTAINS:
		if (strstr(s->text, c->folded) == NULL)
			return false;
		break;
	case RULE_REGEX: {
		pcre2_match_data *md = s->md;
		PCRE2_SIZE *ov;
		int rc;

		if (md == NULL)
			return false;
		rc = pcre2_match(c->re, (PCRE2_SPTR)s->raw,
		    PCRE2_ZERO_TERMINATED, 0, 0, md, rs->mctx);
		if (rc == 0)
			rc = 2;	/* matched; more groups than the ovector */
		if (rc > 0) {
			ov = pcre2_get_ovector_pointer(md);
			i = rc > 1 && ov[2] != PCRE2_UNSET ? 1 : 0;
			n = ov[2 * i + 1] - ov[2 * i];
			if (n >= kwsize)
				n = kwsize - 1;
			memcpy(kw, s->raw + ov[2 * i], n);
			kw[n] = '\0';
		}
		return rc > 0;
	}
	}
	snprintf(kw, kwsize, "%s", c->r.pattern);
	return true;
}

/* Local midnight before now, as unix time. */
static int64_t
day_start(const struct rules_input *in)
{
	int64_t local = in->now + in->utc_offset;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;

	return day * 86400 - in->utc_offset;
}

/* The limits: cooldown and daily caps.  Returns a verdict or < 0. */
static int
limits_check(const struct rules *rs, const struct crule *c,
    const struct rules_input *in)
{
	int cooldown = c->r.cooldown >= 0 ? c->r.cooldown : rs->cooldown;
	int64_t last = 0, since = day_start(in);
	int n;

	if (in->hits == NULL)
		return RULE_FIRED;
	if (cooldown > 0) {
		n = in->hits(in->hits_data, c->r.id, in->now - cooldown, &last);
		if (n < 0)
			return n;
		if (n > 0)
			return RULE_HELD_COOLDOWN;
	}
	if (rs->daily_cap > 0) {
		n = in->hits(in->hits_data, 0, since, &last);
		if (n < 0)
			return n;
		if (n >= rs->daily_cap)
			return RULE_HELD_CAP;
	}
	if (c->r.daily_cap > 0) {
		n = in->hits(in->hits_data, c->r.id, since, &last);
		if (n < 0)
			return n;
		if (n >= c->r.daily_cap)
			return RULE_HELD_CAP;
	}
	return RULE_FIRED;
}

static void
subject_init(struct subject *s, const char *raw, const char *folded)
{
	const char *t = folded, *w;
	size_t len;

	t += strspn(t, " \t\r\n");
	s->raw = raw;
	s->text = t;
	w = t + strspn(t, "\"'([{<");
	len = strcspn(w, " \t\r\n");
	while (len > 0 && strchr(".,;:!?\"')]}>", w[len - 1]) != NULL)
		len--;
	s->word = w;
	s->word_len = len;
}

int
rules_eval(const struct rules *rs, const struct rules_input *in,
    struct rules_result *out)
{
	struct buf folded;
	struct subject s = { NULL, NULL, NULL, NULL, 0 };
	bool answerable;
	size_t i, len;
	int rc = 0;

	memset(out, 0, sizeof *out);
	buf_init(&folded, RULES_TEXT_MAX);
	if ((rc = fold_text(&folded, in->text, strlen(in->text))) < 0 ||
	    (rc = buf_append_str(&folded, "")) < 0)
		goto out;
	/* Trim the end here; subject_init() trims the start. */
	len = folded.len;
	while (len > 0 && strchr(" \t\r\n", folded.data[len - 1]) != NULL)
		folded.data[--len] = '\0';
	subject_init(&s, in->text, folded.data);
	/* Two pairs: the whole match and the first group, all {keyword}
	 * needs; pcre2_match() fills what fits. */
	s.md = pcre2_match_data_create(2, NULL);
	answerable = rules_sender_answerable(in->from) && !is_own(in);
	for (i = 0; i < rs->n && out->n < RULES_OUTCOME_MAX; i++) {
		const struct crule *c = &rs->v[i];
		struct rules_outcome *o = &out->outcome[out->n];
		int verdict;

		if (!c->r.enabled || !text_match(rs, c, &s, o->keyword,
		    sizeof o->keyword))
			continue;
		o->rule = &c->r;
		out->n++;
		/* Conditions: a rule whose conditions fail leaves the
		 * message to the rules after it. */
		if (c->r.tags != NULL && *c->r.tags != '\0' &&
		    !in_tags(c->r.tags, in)) {
			o->verdict = RULE_HELD_TAGS;
			continue;
		}
		if (c->r.first_only && !in->first_message) {
			o->verdict = RULE_HELD_FIRST;
			continue;
		}
		if (!windows_match(c->win, c->n_win,
		    in->now + in->utc_offset)) {
			o->verdict = RULE_HELD_HOURS;
			continue;
		}
		/* Limits: the rule wins, but stays silent. */
		if (!answerable)
			verdict = RULE_HELD_SENDER;
		else if ((verdict = limits_check(rs, c, in)) < 0) {
			rc = verdict;
			goto out;
		}
		o->verdict = (enum rule_verdict)verdict;
		if (verdict == RULE_FIRED)
			out->fired++;
		if (!c->r.cont)
			break;
	}
out:
	pcre2_match_data_free(s.md);
	buf_fini(&folded);
	return rc;
}
