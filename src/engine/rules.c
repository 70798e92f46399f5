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
#include "engine/hooks.h"
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
	size_t folded_len;
	pcre2_code *re;
	struct window win[RULES_WINDOWS_MAX];
	size_t n_win;
};

/* A keyword rule that a folded word selects: rule index, word index. */
struct kw_hit {
	size_t rule;
	size_t word;
};

/*
 * The keyword index: folded word -> the enabled keyword rules that have
 * it, in rule order.  Open addressing, power-of-two size, at most half
 * full.  So a message costs one lookup of its first word, not a compare
 * with every keyword of every rule.
 */
struct kw_slot {
	char *word;		/* NULL: empty */
	size_t len;
	struct kw_hit *hits;
	size_t n_hits;
};

/*
 * An enabled rule that is not a keyword, with what rejects most texts
 * inline (the rules are hundreds of bytes apart; this array is compact):
 * lengths, the first two bytes of a folded pattern, and what PCRE2 knows a
 * regex's match must start with, hold and be as long as.
 */
struct other {
	size_t rule;		/* index in rules.v */
	enum rule_match match;
	const char *folded;	/* exact, prefix, contains */
	size_t len;		/* bytes of folded; regex: least bytes */
	unsigned bigram;	/* contains: bit of its first two bytes */
	pcre2_code *re;
	bool anchored;		/* regex: matches at the start only */
	int first;		/* regex: its first byte (ASCII), or -1 */
	int last;		/* regex: a byte it must hold (ASCII), or -1 */
};

/* The bigram bitmap of a text: 4,096 bits. */
#define BIGRAM_WORDS 64
#define BIGRAM(a, b) ((((unsigned)(unsigned char)(a) << 6) ^ \
	(unsigned char)(b)) & 0xFFF)

struct rules {
	struct crule *v;
	size_t n;
	int cooldown;
	int daily_cap;
	pcre2_match_context *mctx;
	pcre2_match_data *md;	/* shared by the regex rules */
	struct kw_slot *kw;
	size_t kw_size;		/* slots, a power of two or 0 */
	size_t kw_used;
	struct other *others;	/* enabled rules that are not keywords */
	size_t n_others;
	bool any_contains;	/* some of them are "contains" */
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
	if (r->reply != NULL && r->reply_command != NULL)
		return sms_err_set(err, SMS_EDATA,
		    _("rule \"%s\": give it a reply or a reply command, not "
		    "both"), name);
	if (r->reply_command != NULL) {
		char **argv;

		if (hooks_split(r->reply_command, &argv, err) < 0) {
			sms_err_recode(err, SMS_EDATA);
			return sms_err_prefix(err, _("rule \"%s\""), name);
		}
		free(argv);
	}
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
		c->folded_len = strlen(c->folded);
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
	/* Two pairs of the match data: the whole match and the first
	 * group, all {keyword} needs; pcre2_match() fills what fits. */
	if ((rs = calloc(1, sizeof *rs)) == NULL ||
	    (rs->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    (rs->md = pcre2_match_data_create(2, NULL)) == NULL) {
		if (rs != NULL)
			pcre2_match_context_free(rs->mctx);
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
	for (i = 0; i < rs->kw_size; i++) {
		free(rs->kw[i].word);
		free(rs->kw[i].hits);
	}
	free(rs->kw);
	free(rs->others);
	free(rs->v);
	pcre2_match_data_free(rs->md);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

/* FNV-1a: the folded words are short. */
static size_t
kw_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* The slot of word, or the empty slot where it would go. */
static struct kw_slot *
kw_slot(struct kw_slot *kw, size_t size, const char *word, size_t len)
{
	size_t i = kw_hash(word, len) & (size - 1);

	while (kw[i].word != NULL && (kw[i].len != len ||
	    memcmp(kw[i].word, word, len) != 0))
		i = (i + 1) & (size - 1);
	return &kw[i];
}

/* Double the table (or make the first one). */
static int
kw_grow(struct rules *rs)
{
	size_t size = rs->kw_size ? rs->kw_size * 2 : 64, i;
	struct kw_slot *kw = calloc(size, sizeof *kw);

	if (kw == NULL)
		return SMS_ENOMEM;
	for (i = 0; i < rs->kw_size; i++)
		if (rs->kw[i].word != NULL)
			*kw_slot(kw, size, rs->kw[i].word, rs->kw[i].len) =
			    rs->kw[i];
	free(rs->kw);
	rs->kw = kw;
	rs->kw_size = size;
	return 0;
}

/* Index the words of rule i, the last one added. */
static int
kw_index(struct rules *rs, size_t i)
{
	const struct crule *c = &rs->v[i];
	size_t w;

	for (w = 0; w < c->n_words; w++) {
		size_t len = strlen(c->words[w]);
		struct kw_slot *slot;
		struct kw_hit *hits;

		if ((rs->kw_used + 1) * 2 > rs->kw_size && kw_grow(rs) < 0)
			return SMS_ENOMEM;
		slot = kw_slot(rs->kw, rs->kw_size, c->words[w], len);
		/* "INFO,info": the first word of a rule is the one that
		 * matches, as a scan of the words would find it. */
		if (slot->n_hits > 0 && slot->hits[slot->n_hits - 1].rule == i)
			continue;
		if (slot->word == NULL) {
			if ((slot->word = strdup(c->words[w])) == NULL)
				return SMS_ENOMEM;
			slot->len = len;
			rs->kw_used++;
		}
		hits = realloc(slot->hits, (slot->n_hits + 1) * sizeof *hits);
		if (hits == NULL)
			return SMS_ENOMEM;
		slot->hits = hits;
		slot->hits[slot->n_hits].rule = i;
		slot->hits[slot->n_hits].word = w;
		slot->n_hits++;
	}
	return 0;
}

/* An ASCII byte PCRE2 reports for re (what), or -1. */
static int
re_byte(const pcre2_code *re, uint32_t type_what, uint32_t unit_what)
{
	uint32_t type = 0, unit = 0;

	if (pcre2_pattern_info(re, type_what, &type) != 0 || type != 1 ||
	    pcre2_pattern_info(re, unit_what, &unit) != 0 || unit > 127)
		return -1;
	return (int)unit;
}

static void
other_init(struct other *o, const struct crule *c, size_t i)
{
	uint32_t opts = 0, minlen = 0;

	memset(o, 0, sizeof *o);
	o->rule = i;
	o->match = c->r.match;
	o->first = o->last = -1;
	if (c->r.match != RULE_REGEX) {
		o->folded = c->folded;
		o->len = c->folded_len;
		if (o->len >= 2)
			o->bigram = BIGRAM(c->folded[0], c->folded[1]);
		return;
	}
	o->re = c->re;
	/* Caseless: the byte is compared in both cases below, as PCRE2
	 * does; it reports none for letters with other, non-ASCII cases. */
	o->first = re_byte(c->re, PCRE2_INFO_FIRSTCODETYPE,
	    PCRE2_INFO_FIRSTCODEUNIT);
	o->last = re_byte(c->re, PCRE2_INFO_LASTCODETYPE,
	    PCRE2_INFO_LASTCODEUNIT);
	if (pcre2_pattern_info(c->re, PCRE2_INFO_ALLOPTIONS, &opts) == 0)
		o->anchored = (opts & PCRE2_ANCHORED) != 0;
	/* In characters, each at least one byte. */
	if (pcre2_pattern_info(c->re, PCRE2_INFO_MINLENGTH, &minlen) == 0)
		o->len = minlen;
}

/* Take rule i, the last one added, out of the keyword index again (a
 * word's slot may stay, empty). */
static void
kw_unindex(struct rules *rs, size_t i)
{
	const struct crule *c = &rs->v[i];
	struct kw_slot *slot;
	size_t w;

	for (w = 0; w < c->n_words && rs->kw_size > 0; w++) {
		slot = kw_slot(rs->kw, rs->kw_size, c->words[w],
		    strlen(c->words[w]));
		while (slot->n_hits > 0 && slot->hits[slot->n_hits - 1].rule ==
		    i)
			slot->n_hits--;
	}
}

/* Index rule i, the last one added: by its words, or in the others. */
static int
rules_index(struct rules *rs, size_t i)
{
	const struct crule *c = &rs->v[i];
	struct other *others;

	if (!c->r.enabled)
		return 0;
	if (c->r.match == RULE_KEYWORD) {
		if (kw_index(rs, i) < 0) {
			kw_unindex(rs, i);
			return SMS_ENOMEM;
		}
		return 0;
	}
	others = realloc(rs->others, (rs->n_others + 1) * sizeof *others);
	if (others == NULL)
		return SMS_ENOMEM;
	rs->others = others;
	other_init(&rs->others[rs->n_others++], c, i);
	if (c->r.match == RULE_CONTAINS)
		rs->any_contains = true;
	return 0;
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
	if (rules_index(rs, rs->n) < 0) {
		crule_fini(&v[rs->n]);
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
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
	const char *raw;
	size_t raw_len;
	const char *text;	/* folded, its start trimmed */
	size_t text_len;	/* without the blanks at its end */
	const char *word;	/* first word, trailing punctuation cut */
	size_t word_len;
	uint64_t bigrams[BIGRAM_WORDS];	/* of text, when any contains */
};

/* Whether the byte c (ASCII) is b in either case. */
static bool
byte_is(int c, unsigned char b)
{
	return b == c || (b < 128 && tolower(b) == tolower(c));
}

/* Whether text (len bytes) holds the byte c in either case. */
static bool
holds_byte(const char *text, size_t len, int c)
{
	return memchr(text, c, len) != NULL || (isalpha(c) &&
	    memchr(text, isupper(c) ? tolower(c) : toupper(c), len) != NULL);
}

/* Whether a regex cannot match: too short, or without the bytes PCRE2
 * says every match starts with or holds.  Only ever says "no" when PCRE2
 * would. */
static bool
re_rejects(const struct other *o, const struct subject *s)
{
	if (s->raw_len < o->len)
		return true;
	if (o->first >= 0) {
		if (o->anchored ? s->raw_len == 0 ||
		    !byte_is(o->first, (unsigned char)s->raw[0]) :
		    !holds_byte(s->raw, s->raw_len, o->first))
			return true;
	}
	return o->last >= 0 && !holds_byte(s->raw, s->raw_len, o->last);
}

static bool
text_match(const struct rules *rs, const struct other *o,
    const struct subject *s, char *kw, size_t kwsize)
{
	size_t i, n;

	switch (o->match) {
	case RULE_KEYWORD:	/* found through the index */
		return false;
	case RULE_EXACT:
		if (s->text_len != o->len ||
		    memcmp(s->text, o->folded, o->len) != 0)
			return false;
		break;
	case RULE_PREFIX:
		if (s->text_len < o->len ||
		    memcmp(s->text, o->folded, o->len) != 0)
			return false;
		break;
	case RULE_CONTAINS:
		if (o->len >= 2 && (s->bigrams[o->bigram / 64] &
		    (UINT64_C(1) << (o->bigram % 64))) == 0)
			return false;
		if (memmem(s->text, s->text_len, o->folded, o->len) == NULL)
			return false;
		break;
	case RULE_REGEX: {
		pcre2_match_data *md = rs->md;
		PCRE2_SIZE *ov;
		int rc;

		if (re_rejects(o, s))
			return false;
		rc = pcre2_match(o->re, (PCRE2_SPTR)s->raw, s->raw_len, 0, 0,
		    md, rs->mctx);
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
	snprintf(kw, kwsize, "%s", rs->v[o->rule].r.pattern);
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

/* s->text is folded with its end trimmed; trim its start, find the
 * first word. */
static void
subject_init(struct subject *s, const char *raw, const char *folded,
    size_t len)
{
	const char *t = folded, *w;
	size_t n, skip = strspn(t, " \t\r\n");

	if (skip > len)
		skip = len;
	s->raw = raw;
	s->raw_len = strlen(raw);
	s->text = t + skip;
	s->text_len = len - skip;
	w = s->text + strspn(s->text, "\"'([{<");
	n = strcspn(w, " \t\r\n");
	while (n > 0 && strchr(".,;:!?\"')]}>", w[n - 1]) != NULL)
		n--;
	s->word = w;
	s->word_len = n;
}

/* Which pairs of bytes the text holds, so that most "contains" rules are
 * passed over without reading their patterns. */
static void
bigrams_init(struct subject *s)
{
	size_t i;

	memset(s->bigrams, 0, sizeof s->bigrams);
	for (i = 0; i + 1 < s->text_len; i++) {
		unsigned b = BIGRAM(s->text[i], s->text[i + 1]);

		s->bigrams[b / 64] |= UINT64_C(1) << (b % 64);
	}
}

/* The keyword rules the first word selects, in rule order. */
static const struct kw_slot *
kw_find(const struct rules *rs, const struct subject *s)
{
	const struct kw_slot *slot;

	if (rs->kw_size == 0 || s->word_len == 0)
		return NULL;
	slot = kw_slot(rs->kw, rs->kw_size, s->word, s->word_len);
	return slot->word != NULL && slot->n_hits > 0 ? slot : NULL;
}

/*
 * The next rule whose text matches, after the candidates used up so far:
 * the keyword rules the first word selected (hits) and the other enabled
 * rules, merged by their place in the list.  Returns its index, or rs->n
 * when there is none; kw gets the matched word or group.
 */
static size_t
next_match(const struct rules *rs, const struct kw_slot *hits, size_t *hi,
    size_t *oi, const struct subject *s, char *kw, size_t kwsize)
{
	for (;;) {
		size_t h = hits != NULL && *hi < hits->n_hits ?
		    hits->hits[*hi].rule : rs->n;
		size_t o = *oi < rs->n_others ? rs->others[*oi].rule : rs->n;

		if (h == rs->n && o == rs->n)
			return rs->n;
		if (h < o) {
			const struct crule *c = &rs->v[h];

			snprintf(kw, kwsize, "%s",
			    c->raw_words[hits->hits[*hi].word]);
			(*hi)++;
			return h;
		}
		if (text_match(rs, &rs->others[(*oi)++], s, kw, kwsize))
			return o;
	}
}

int
rules_eval(const struct rules *rs, const struct rules_input *given,
    struct rules_result *out)
{
	struct rules_input in = *given;
	struct buf folded;
	struct subject s;
	const struct kw_slot *hits;
	const char *text;
	bool answerable, facts = in.facts == NULL;
	size_t i, len, hi = 0, oi = 0;
	int rc = 0;

	memset(out, 0, sizeof *out);
	buf_init(&folded, RULES_TEXT_MAX);
	if ((text = in.folded) == NULL) {
		if ((rc = fold_text(&folded, in.text, strlen(in.text))) < 0 ||
		    (rc = buf_append_str(&folded, "")) < 0)
			goto out;
		text = folded.data;
	}
	/* Trim the end here; subject_init() trims the start. */
	len = strlen(text);
	while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
		len--;
	subject_init(&s, in.text, text, len);
	if (rs->any_contains)
		bigrams_init(&s);
	hits = kw_find(rs, &s);
	answerable = rules_sender_answerable(in.from) && !is_own(&in);
	while (out->n < RULES_OUTCOME_MAX) {
		struct rules_outcome *o = &out->outcome[out->n];
		const struct crule *c;
		int verdict;

		if ((i = next_match(rs, hits, &hi, &oi, &s, o->keyword,
		    sizeof o->keyword)) == rs->n)
			break;
		c = &rs->v[i];
		o->rule = &c->r;
		out->n++;
		/* What the conditions need of the store, asked once, and
		 * only when a rule that matched needs it. */
		if (!facts && ((c->r.tags != NULL && *c->r.tags != '\0') ||
		    c->r.first_only)) {
			if ((rc = in.facts(in.facts_data, &in)) < 0)
				goto out;
			facts = true;
		}
		/* Conditions: a rule whose conditions fail leaves the
		 * message to the rules after it. */
		if (c->r.tags != NULL && *c->r.tags != '\0' &&
		    !in_tags(c->r.tags, &in)) {
			o->verdict = RULE_HELD_TAGS;
			continue;
		}
		if (c->r.first_only && !in.first_message) {
			o->verdict = RULE_HELD_FIRST;
			continue;
		}
		if (!windows_match(c->win, c->n_win,
		    in.now + in.utc_offset)) {
			o->verdict = RULE_HELD_HOURS;
			continue;
		}
		/* Limits: the rule wins, but stays silent. */
		if (!answerable)
			verdict = RULE_HELD_SENDER;
		else if ((verdict = limits_check(rs, c, &in)) < 0) {
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
	buf_fini(&folded);
	return rc;
}
