/* Tests for engine/rules.c, fold.c and template.c: every match kind,
 * accents and case, time windows across midnight and time zones, tag
 * groups, first-message-only, continue/stop, cooldown, caps, loops. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <locale.h>

#include <cmocka.h>

#include "engine/fold.h"
#include "engine/rules.h"
#include "engine/template.h"
#include "util/buf.h"
#include "util/utf8.h"

/* Monday 2026-11-23 00:00 UTC. */
#define MONDAY 1795392000LL
#define H(h, m) ((int64_t)(h) * 3600 + (m) * 60)
#define DAY 86400

/* The rule set most cases run against, in order. */
static const struct rule fixture[] = {
	{ .name = "info", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "INFO, Information,infó", .reply = "Hi {first_name}!",
	  .cooldown = -1 },
	{ .name = "off", .enabled = false, .match = RULE_KEYWORD,
	  .pattern = "INFO", .reply = "never", .cooldown = -1 },
	{ .name = "open", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "HOURS", .hours = "Mon-Fri 09:00-17:00; Sat 10:00-12:00",
	  .reply = "open", .cooldown = -1 },
	{ .name = "closed", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "HOURS", .reply = "closed", .cooldown = -1 },
	{ .name = "night", .enabled = true, .match = RULE_CONTAINS,
	  .pattern = "urgent", .hours = "22:00-06:00", .reply = "night",
	  .cooldown = -1 },
	{ .name = "party", .enabled = true, .match = RULE_PREFIX,
	  .pattern = "order", .hours = "Fri-Sat 22:00-02:00", .reply = "late",
	  .cooldown = -1 },
	{ .name = "vip", .enabled = true, .match = RULE_EXACT,
	  .pattern = "Call me", .tags = "vip, gold", .reply = "calling",
	  .cooldown = -1 },
	{ .name = "welcome", .enabled = true, .match = RULE_REGEX,
	  .pattern = "^(hello|hi|szia)\\b", .first_only = true, .cont = true,
	  .reply = "welcome", .cooldown = -1 },
	{ .name = "price", .enabled = true, .match = RULE_REGEX,
	  .pattern = "price of (\\w+)", .reply = "{keyword} costs 5",
	  .cooldown = -1 },
	{ .name = "arlista", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "ÁRLISTA", .reply = "list", .cooldown = -1 },
	{ .name = "street", .enabled = true, .match = RULE_CONTAINS,
	  .pattern = "strasse", .reply = "street", .cooldown = -1 },
	{ .name = "greet", .enabled = true, .match = RULE_CONTAINS,
	  .pattern = "hello", .reply = "hello", .cooldown = -1 },
};

static struct rules *
fixture_rules(int cooldown, int cap)
{
	struct rules *rs;
	struct sms_err err;
	size_t i;

	assert_int_equal(rules_new(&rs, cooldown, cap, &err), 0);
	for (i = 0; i < sizeof fixture / sizeof fixture[0]; i++) {
		struct rule r = fixture[i];

		r.id = (int64_t)i + 1;
		if (rules_add(rs, &r, &err) < 0)
			fail_msg("rule %s: %s", r.name, err.msg);
	}
	return rs;
}

/* "name name ..." of the rules that fired, "name:verdict" of held ones. */
static void
describe(const struct rules_result *res, char *out, size_t size)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < res->n && len < size; i++) {
		const struct rules_outcome *o = &res->outcome[i];

		if (o->verdict == RULE_FIRED)
			len += (size_t)snprintf(out + len, size - len, "%s%s",
			    len ? " " : "", o->rule->name);
		else
			len += (size_t)snprintf(out + len, size - len,
			    "%s%s:%s", len ? " " : "", o->rule->name,
			    rule_verdict_name(o->verdict));
	}
}

struct match_case {
	const char *text;
	int64_t at;		/* seconds after MONDAY 00:00 UTC */
	long offset;		/* local time zone, seconds east */
	bool first;
	const char *tag;	/* the sender's one tag, or NULL */
	const char *want;
	const char *keyword;	/* of the first outcome, or NULL */
};

static void
test_rules_match_table(void **state)
{
	static const struct match_case cases[] = {
		/* keyword + aliases, case and accents, punctuation */
		{ "INFO", H(10, 0), 0, false, NULL, "info", "INFO" },
		{ "info please", H(10, 0), 0, false, NULL, "info", "INFO" },
		{ "  Info?", H(10, 0), 0, false, NULL, "info", "INFO" },
		{ "INFÓ", H(10, 0), 0, false, NULL, "info", "INFO" },
		{ "information", H(10, 0), 0, false, NULL, "info",
		  "Information" },
		{ "infos", H(10, 0), 0, false, NULL, "", NULL },
		{ "more info", H(10, 0), 0, false, NULL, "", NULL },
		{ "árlista", H(10, 0), 0, false, NULL, "arlista", "ÁRLISTA" },
		{ "ARLISTA!", H(10, 0), 0, false, NULL, "arlista", NULL },
		{ "A\xcc\x81rlista", H(10, 0), 0, false, NULL, "arlista",
		  NULL },	/* decomposed accent (NFD) */
		/* hours: office window, fallback rule after it */
		{ "hours", H(10, 0), 0, false, NULL, "open", NULL },
		{ "hours", H(8, 59), 0, false, NULL, "open:hours closed",
		  NULL },
		{ "hours", H(17, 0), 0, false, NULL, "open:hours closed",
		  NULL },
		{ "hours", 5 * DAY + H(11, 0), 0, false, NULL, "open", NULL },
		{ "hours", 6 * DAY + H(11, 0), 0, false, NULL,
		  "open:hours closed", NULL },
		/* time zones: 08:30 UTC is 09:30 in UTC+1, 23:30 UTC Friday
		 * is Saturday 00:30 in UTC+1 */
		{ "hours", H(8, 30), 3600, false, NULL, "open", NULL },
		{ "hours", H(9, 30), -3600, false, NULL, "open:hours closed",
		  NULL },
		{ "hours", 4 * DAY + H(16, 30), 3600, false, NULL,
		  "open:hours closed", NULL },
		{ "hours", 4 * DAY + H(23, 30), 11 * 3600, false, NULL,
		  "open", NULL },	/* Sat 10:30 in UTC+11 */
		/* across midnight */
		{ "it's URGENT", H(23, 0), 0, false, NULL, "night", NULL },
		{ "urgent", H(3, 0), 0, false, NULL, "night", NULL },
		{ "urgent", H(6, 0), 0, false, NULL, "night:hours", NULL },
		{ "urgent", H(21, 0), 3600, false, NULL, "night", NULL },
		{ "urgent", H(12, 0), 0, false, NULL, "night:hours", NULL },
		/* a window starting Friday and Saturday night: Saturday
		 * and Sunday small hours count, Monday's do not */
		{ "order 5", 4 * DAY + H(23, 0), 0, false, NULL, "party",
		  NULL },
		{ "Order 5", 5 * DAY + H(1, 0), 0, false, NULL, "party",
		  NULL },
		{ "order 5", 6 * DAY + H(1, 59), 0, false, NULL, "party",
		  NULL },
		{ "order 5", 7 * DAY + H(1, 0), 0, false, NULL,
		  "party:hours", NULL },
		{ "order 5", 4 * DAY + H(21, 59), 0, false, NULL,
		  "party:hours", NULL },
		{ "reorder", 4 * DAY + H(23, 0), 0, false, NULL, "", NULL },
		/* exact text and tag groups */
		{ "call me", H(10, 0), 0, false, "VIP", "vip", NULL },
		{ " CALL ME ", H(10, 0), 0, false, "gold", "vip", NULL },
		{ "call me", H(10, 0), 0, false, "bronze", "vip:tags", NULL },
		{ "call me", H(10, 0), 0, false, NULL, "vip:tags", NULL },
		{ "call me now", H(10, 0), 0, false, "vip", "", NULL },
		/* first message only, continue */
		{ "Hello there", H(10, 0), 0, true, NULL, "welcome greet",
		  "Hello" },
		{ "hello there", H(10, 0), 0, false, NULL,
		  "welcome:first-only greet", NULL },
		{ "szia", H(10, 0), 0, true, NULL, "welcome", "szia" },
		{ "hi info", H(10, 0), 0, true, NULL, "welcome", NULL },
		{ "INFO hello", H(10, 0), 0, false, NULL, "info", NULL },
		/* regex capture becomes {keyword} */
		{ "what is the PRICE of apples?", H(10, 0), 0, false, NULL,
		  "price", "apples" },
		{ "Straße 5", H(10, 0), 0, false, NULL, "street", NULL },
		{ "", H(10, 0), 0, false, NULL, "", NULL },
		{ "\xff\xfe info", H(10, 0), 0, false, NULL, "", NULL },
	};
	struct rules *rs = fixture_rules(0, 0);
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct match_case *c = &cases[i];
		const char *tags[1] = { c->tag };
		struct rules_input in = {
			.from = "+36301234567", .text = c->text,
			.now = MONDAY + c->at, .utc_offset = c->offset,
			.first_message = c->first, .tags = tags,
			.n_tags = c->tag ? 1 : 0,
		};
		struct rules_result res;
		char got[512];

		assert_int_equal(rules_eval(rs, &in, &res), 0);
		describe(&res, got, sizeof got);
		if (strcmp(got, c->want) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"", i,
			    c->text, got, c->want);
		if (c->keyword != NULL)
			assert_string_equal(res.outcome[0].keyword, c->keyword);
	}
	rules_free(rs);
}

/* Replies sent so far, for the hits callback. */
struct sent {
	int64_t rule[16];
	int64_t at[16];
	size_t n;
};

static int
sent_hits(void *data, int64_t rule_id, int64_t since, int64_t *last)
{
	struct sent *s = data;
	size_t i;
	int n = 0;

	*last = 0;
	for (i = 0; i < s->n; i++)
		if ((rule_id == 0 || s->rule[i] == rule_id) &&
		    s->at[i] >= since) {
			n++;
			if (s->at[i] > *last)
				*last = s->at[i];
		}
	return n;
}

/* Send "text" at t through rs, record what fired; the names that fired. */
static void
exchange(struct rules *rs, struct sent *s, const char *from,
    const char *text, int64_t t, char *got, size_t size)
{
	struct rules_input in = {
		.from = from, .text = text, .now = t, .hits = sent_hits,
		.hits_data = s,
	};
	struct rules_result res;
	size_t i;

	assert_int_equal(rules_eval(rs, &in, &res), 0);
	describe(&res, got, size);
	for (i = 0; i < res.n; i++)
		if (res.outcome[i].verdict == RULE_FIRED && s->n < 16) {
			s->rule[s->n] = res.outcome[i].rule->id;
			s->at[s->n++] = t;
		}
}

static void
test_rules_cooldown_and_caps(void **state)
{
	static const struct {
		const char *text;
		int64_t at;
		const char *want;
	} steps[] = {
		{ "info", H(10, 0), "info" },
		{ "info", H(10, 0) + 30, "info:cooldown" },
		{ "info", H(10, 1) + 1, "info" },	/* global cooldown 60 s */
		{ "ping", H(10, 2), "ping" },		/* own cooldown 0 */
		{ "ping", H(10, 2) + 1, "ping" },
		{ "ping", H(10, 2) + 2, "ping" },
		{ "ping", H(10, 2) + 3, "ping:daily-cap" },	/* rule cap 3 */
		{ "info", H(11, 0), "info" },		/* 6th reply today */
		{ "info", H(12, 0), "info:daily-cap" },	/* global cap 6 */
		{ "ping", DAY + H(0, 5), "ping" },	/* a new day */
	};
	static const struct rule rules[] = {
		{ .id = 1, .name = "info", .enabled = true,
		  .match = RULE_KEYWORD, .pattern = "info", .reply = "i",
		  .cooldown = -1 },
		{ .id = 2, .name = "ping", .enabled = true,
		  .match = RULE_EXACT, .pattern = "ping", .reply = "pong",
		  .cooldown = 0, .daily_cap = 3 },
	};
	struct rules *rs;
	struct sent s = { .n = 0 };
	char got[256];
	size_t i;

	assert_int_equal(rules_new(&rs, 60, 6, NULL), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(rules_add(rs, &rules[i], NULL), 0);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		exchange(rs, &s, "+15551230000", steps[i].text,
		    MONDAY + steps[i].at, got, sizeof got);
		if (strcmp(got, steps[i].want) != 0)
			fail_msg("step %zu: got \"%s\", want \"%s\"", i, got,
			    steps[i].want);
	}
	rules_free(rs);
}

static void
test_rules_continue_and_stop(void **state)
{
	static const struct rule rules[] = {
		{ .id = 1, .name = "tagger", .enabled = true,
		  .match = RULE_CONTAINS, .pattern = "refund",
		  .set_tag = "billing", .cont = true, .cooldown = 0 },
		{ .id = 2, .name = "refund", .enabled = true,
		  .match = RULE_KEYWORD, .pattern = "refund", .reply = "r",
		  .cooldown = 60 },
		{ .id = 3, .name = "all", .enabled = true,
		  .match = RULE_REGEX, .pattern = ".", .reply = "we got it",
		  .cooldown = 0 },
	};
	struct rules *rs;
	struct sent s = { .n = 0 };
	char got[256];
	size_t i;

	assert_int_equal(rules_new(&rs, 0, 0, NULL), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(rules_add(rs, &rules[i], NULL), 0);
	exchange(rs, &s, "+15551230000", "refund please", MONDAY, got,
	    sizeof got);
	assert_string_equal(got, "tagger refund");
	/* In cooldown the keyword rule still wins: the catch-all must not
	 * answer in its place. */
	exchange(rs, &s, "+15551230000", "refund please", MONDAY + 5, got,
	    sizeof got);
	assert_string_equal(got, "tagger refund:cooldown");
	exchange(rs, &s, "+15551230000", "my refund?", MONDAY + 6, got,
	    sizeof got);
	assert_string_equal(got, "tagger all");
	rules_free(rs);
}

static void
test_rules_loops(void **state)
{
	static const struct {
		const char *from;
		bool answer;
	} senders[] = {
		{ "+36301234567", true },
		{ "06301234567", false },	/* our own, national form */
		{ "+36 30 123 4567", false },
		{ "+15550001111", true },
		{ "BANK", false },
		{ "Info123", false },
		{ "+", false },
		{ "12", false },
		{ "1234567890123456", false },
		{ "", false },
	};
	static const char *const own[] = { "+36301234567" };
	static const struct rule r = { .id = 1, .name = "any",
		.enabled = true, .match = RULE_CONTAINS, .pattern = "a",
		.reply = "b", .cooldown = 0 };
	struct rules *rs;
	size_t i;

	assert_false(rules_sender_answerable(NULL));
	assert_int_equal(rules_new(&rs, 0, 0, NULL), 0);
	assert_int_equal(rules_add(rs, &r, NULL), 0);
	for (i = 0; i < sizeof senders / sizeof senders[0]; i++) {
		struct rules_input in = { .from = senders[i].from,
			.text = "a", .now = MONDAY, .own_numbers = own,
			.n_own = 1 };
		struct rules_result res;

		/* The first sender is our own number in this round. */
		if (i == 0)
			in.n_own = 0;
		assert_int_equal(rules_eval(rs, &in, &res), 0);
		assert_int_equal(res.n, 1);
		if ((res.fired == 1) != senders[i].answer)
			fail_msg("sender \"%s\": fired %zu", senders[i].from,
			    res.fired);
		if (!senders[i].answer)
			assert_int_equal(res.outcome[0].verdict,
			    RULE_HELD_SENDER);
	}
	rules_free(rs);
}

static void
test_rules_validate(void **state)
{
	static const struct {
		struct rule r;
		const char *want;	/* part of the error, NULL if valid */
	} cases[] = {
		{ { .name = "a", .match = RULE_KEYWORD, .pattern = "A,B",
		    .reply = "x" }, NULL },
		{ { .name = "", .match = RULE_KEYWORD, .pattern = "A",
		    .reply = "x" }, "needs a name" },
		{ { .name = "a", .match = RULE_KEYWORD, .pattern = "",
		    .reply = "x" }, "nothing to match" },
		{ { .name = "a", .match = RULE_KEYWORD, .pattern = "two words",
		    .reply = "x" }, "single words" },
		{ { .name = "a", .match = RULE_KEYWORD, .pattern = "A,,B",
		    .reply = "x" }, "single words" },
		{ { .name = "a", .match = RULE_REGEX, .pattern = "(",
		    .reply = "x" }, "bad regular expression" },
		{ { .name = "a", .match = RULE_EXACT, .pattern = "x",
		    .reply = "x", .hours = "Mon-Fri 9-17" }, "hours" },
		{ { .name = "a", .match = RULE_EXACT, .pattern = "x",
		    .reply = "x", .hours = "Moo 09:00-17:00" }, "hours" },
		{ { .name = "a", .match = RULE_EXACT, .pattern = "x",
		    .reply = "x", .hours = "09:00-09:00" }, "hours" },
		{ { .name = "a", .match = RULE_EXACT, .pattern = "x",
		    .reply = "x", .hours = "Sat;Sun 10:00-24:00" }, NULL },
		{ { .name = "a", .match = RULE_EXACT, .pattern = "x",
		    .reply = "Hi {nmae}" }, "unknown placeholder {nmae}" },
		{ { .name = "a", .match = RULE_EXACT, .pattern = "x",
		    .reply = "Hi {name" }, "without" },
		{ { .name = "a", .match = RULE_EXACT, .pattern = "x" },
		  "does nothing" },
		{ { .name = "a", .match = RULE_EXACT, .pattern = "x",
		    .opt_out = true }, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sms_err err;
		int rc;

		sms_err_clear(&err);
		rc = rule_validate(&cases[i].r, &err);
		if (cases[i].want == NULL) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err.msg);
		} else if (rc != SMS_EDATA ||
		    strstr(err.msg, cases[i].want) == NULL)
			fail_msg("case %zu: rc %d \"%s\", want \"%s\"", i, rc,
			    err.msg, cases[i].want);
	}
}

static void
test_rules_hours_table(void **state)
{
	static const struct {
		const char *spec;
		int64_t t;	/* local time after MONDAY 00:00 */
		int want;
	} cases[] = {
		{ NULL, 0, 1 },
		{ "", 0, 1 },
		{ "Sun", 6 * DAY + H(23, 59), 1 },
		{ "Sun", 7 * DAY, 0 },
		{ "sunday 10:00-24:00", 6 * DAY + H(23, 59), 1 },
		{ "Fri-Mon", 2 * DAY, 0 },	/* wraps over the weekend */
		{ "Fri-Mon", 7 * DAY + H(1, 0), 1 },
		{ "Mon,Wed 08:00-09:00", 2 * DAY + H(8, 30), 1 },
		{ "Mon,Wed 08:00-09:00", DAY + H(8, 30), 0 },
		{ "23:00-01:00", H(0, 30), 1 },	/* Sunday's window */
		{ "Mon 23:00-01:00", H(0, 30), 0 },
		{ "Mon 23:00-01:00", DAY + H(0, 59), 1 },
		{ "Mon 23:00-01:00", DAY + H(1, 0), 0 },
		{ "Sun 23:00-01:00", H(0, 30), 1 },	/* into Monday */
		{ "09:00-10:00; 14:00-15:00", H(14, 10), 1 },
		{ "09:00-10:00; 14:00-15:00", H(12, 0), 0 },
		{ "09:00-10:00; 14:00-15:00", -DAY + H(9, 0), 1 },
		{ "25:00-26:00", 0, -1 },
		{ "09:00-10:00;", 0, -1 },
		{ "Mon-", 0, -1 },
		{ "09:60-10:00", 0, -1 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = rules_hours_match(cases[i].spec,
		    MONDAY + cases[i].t);

		if (got != cases[i].want)
			fail_msg("case %zu \"%s\": got %d, want %d", i,
			    cases[i].spec ? cases[i].spec : "(null)", got,
			    cases[i].want);
	}
}

static void
test_rules_fold(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "" },
		{ "ABC xyz", "abc xyz" },
		{ "ÁRVÍZTŰRŐ TÜKÖRFÚRÓGÉP", "arvizturo tukorfurogep" },
		{ "Straße Æon Łódź", "strasse aeon lodz" },
		{ "e\xcc\x81", "e" },
		{ "ΑΒΓ", "αβγ" },
		{ "\xc3", "\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "€5", "€5" },
		/* Greek: tonos and dialytika, final sigma */
		{ "ΚΑΛΗΜΈΡΑ", "καλημερα" },
		{ "Οδός ΟΔΟΣ", "οδοσ οδοσ" },
		{ "Ϊ ΐ", "ι ι" },
		/* Cyrillic: case, ё and й lose their marks */
		{ "ПРИВЕТ Ёлка Йод", "привет елка иод" },
		{ "Їжак", "іжак" },
		/* Vietnamese: stacked marks, đ, ơ and ư with their horns */
		{ "Phở Đường Việt", "pho duong viet" },
		{ "TIẾNG VIỆT", "tieng viet" },
		/* Turkish: dotted and dotless i, ş ğ ç */
		{ "İSTANBUL ıspanak", "istanbul ispanak" },
		{ "ŞEKER Ağaç", "seker agac" },
		/* letters that do not decompose */
		{ "Øre Ærø Œuvre ĐÐ Þór", "ore aero oeuvre dd thor" },
		{ "ẞ Straße", "ss strasse" },
		/* decomposed input folds like composed input */
		{ "Vie\xcc\xa3\xcc\x82t", "viet" },
		/* other scripts keep their marks, recomposed */
		{ "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "한" },
		{ "\xe3\x81\x8b\xe3\x82\x99", "が" },
		{ "कि", "कि" },
		/* ligatures and compatibility forms: only what folding does */
		{ "ﬁne", "fine" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b;

		buf_init(&b, 1024);
		assert_int_equal(fold_text(&b, cases[i].in,
		    strlen(cases[i].in)), 0);
		assert_string_equal(b.data ? b.data : "", cases[i].want);
		buf_fini(&b);
	}
}

/* Keywords and contains rules in other alphabets, matched without case
 * and accents, the keyword as written coming back. */
/* Letter by letter (the fast way, for letters that fold to ASCII) and
 * the whole text at once (what a Greek letter next to them forces) fold
 * every code point up to U+1FFF alike. */
static void
test_rules_fold_paths(void **state)
{
	uint32_t c;

	for (c = 0x80; c <= 0x1FFF; c++) {
		char in[16], want[64];
		struct buf a, b;
		size_t n = utf8_encode(c, in);

		if (n == 0)
			continue;
		buf_init(&a, 256);
		buf_init(&b, 256);
		assert_int_equal(fold_text(&a, in, n), 0);
		memcpy(in + n, " \xce\xa9", 4);	/* " Ω" */
		assert_int_equal(fold_text(&b, in, n + 3), 0);
		snprintf(want, sizeof want, "%s \xcf\x89",	/* " ω" */
		    a.data ? a.data : "");
		if (strcmp(b.data ? b.data : "", want) != 0)
			fail_msg("U+%04X: alone \"%s\", with Greek \"%s\"",
			    (unsigned)c, a.data ? a.data : "", b.data);
		buf_fini(&a);
		buf_fini(&b);
	}
}

static void
test_rules_scripts(void **state)
{
	static const struct rule set[] = {
		{ .name = "el", .enabled = true, .match = RULE_KEYWORD,
		  .pattern = "ΠΛΗΡΟΦΟΡΊΕΣ", .reply = "x", .cooldown = -1 },
		{ .name = "ru", .enabled = true, .match = RULE_KEYWORD,
		  .pattern = "ёлка,ИНФО", .reply = "x", .cooldown = -1 },
		{ .name = "vi", .enabled = true, .match = RULE_KEYWORD,
		  .pattern = "Đường", .reply = "x", .cooldown = -1 },
		{ .name = "tr", .enabled = true, .match = RULE_KEYWORD,
		  .pattern = "BİLGİ", .reply = "x", .cooldown = -1 },
		{ .name = "tr-contains", .enabled = true,
		  .match = RULE_CONTAINS, .pattern = "şikayet", .reply = "x",
		  .cooldown = -1 },
		{ .name = "ko", .enabled = true, .match = RULE_CONTAINS,
		  .pattern = "가", .reply = "x", .cooldown = -1 },
	};
	static const struct {
		const char *text, *want, *keyword;
	} cases[] = {
		{ "πληροφορίες παρακαλώ", "el", "ΠΛΗΡΟΦΟΡΊΕΣ" },
		{ "Πληροφοριες", "el", "ΠΛΗΡΟΦΟΡΊΕΣ" },
		{ "ЕЛКА!", "ru", "ёлка" },
		{ "инфо", "ru", "ИНФО" },
		{ "duong", "vi", "Đường" },
		{ "ĐƯỜNG nào", "vi", "Đường" },
		{ "bilgi", "tr", "BİLGİ" },
		{ "BILGI", "tr", "BİLGİ" },
		{ "bılgı", "tr", "BİLGİ" },
		{ "Bir ŞİKAYET var", "tr-contains", NULL },
		{ "bir sikayet", "tr-contains", NULL },
		{ "각", "", NULL },	/* a syllable is not its first jamo */
		{ "가나", "ko", NULL },
	};
	struct rules *rs;
	size_t i;

	assert_int_equal(rules_new(&rs, 0, 0, NULL), 0);
	for (i = 0; i < sizeof set / sizeof set[0]; i++) {
		struct rule r = set[i];
		struct sms_err err;

		r.id = (int64_t)i + 1;
		if (rules_add(rs, &r, &err) < 0)
			fail_msg("rule %s: %s", r.name, err.msg);
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rules_input in = { .from = "+36301234567",
			.text = cases[i].text, .now = MONDAY };
		struct rules_result res;
		char got[256];

		assert_int_equal(rules_eval(rs, &in, &res), 0);
		describe(&res, got, sizeof got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"", i,
			    cases[i].text, got, cases[i].want);
		if (cases[i].keyword != NULL)
			assert_string_equal(res.outcome[0].keyword,
			    cases[i].keyword);
	}
	rules_free(rs);
}

static void
test_template_render_table(void **state)
{
	static const struct {
		const char *tpl, *name, *want, *err;
	} cases[] = {
		{ "", "Anna Kovács", "", NULL },
		{ "Hi {first_name}!", "Anna Kovács", "Hi Anna!", NULL },
		{ "Hi {name}, {number}", "Anna Kovács",
		  "Hi Anna Kovács, +3630", NULL },
		{ "Hi {first_name}.", NULL, "Hi .", NULL },
		{ "{keyword}: {date}", NULL, "INFO: 2026-11-24", NULL },
		{ "{{literal}} }}", NULL, "{literal} }", NULL },
		{ "{bogus}", NULL, NULL, "unknown placeholder {bogus}" },
		{ "a } b", NULL, NULL, "without" },
		{ "a {name", NULL, NULL, "without" },
		{ "{na{me}", NULL, NULL, "without" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* 23:30 UTC Monday is Tuesday in UTC+1. */
		struct template_vars v = { cases[i].name, "+3630", "INFO",
			MONDAY + H(23, 30), 3600 };
		struct sms_err err;
		struct buf b;
		int rc;

		buf_init(&b, 256);
		sms_err_clear(&err);
		rc = template_render(&b, cases[i].tpl, &v, &err);
		if (cases[i].want != NULL) {
			assert_int_equal(rc, 0);
			assert_string_equal(b.data ? b.data : "",
			    cases[i].want);
		} else {
			assert_int_equal(rc, SMS_EDATA);
			assert_non_null(strstr(err.msg, cases[i].err));
		}
		buf_fini(&b);
	}
}

static void
test_template_limit(void **state)
{
	struct template_vars v = { "A very long name indeed", "+1", "K", 0,
		0 };
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(template_render(&b, "{name}", &v, NULL),
	    SMS_ETOOBIG);
	buf_fini(&b);
}

/* The keyword index and the merge with the other rules keep the list's
 * order: same keyword twice, keywords around contains/regex rules,
 * aliases that fold to one word, disabled rules in between. */
static const struct rule index_fixture[] = {
	{ .name = "c-price", .enabled = true, .match = RULE_CONTAINS,
	  .pattern = "price", .reply = "x", .cont = true, .cooldown = -1 },
	{ .name = "k-price", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "PRICE,Prices", .reply = "x", .cont = true,
	  .cooldown = -1 },
	{ .name = "k-off", .enabled = false, .match = RULE_KEYWORD,
	  .pattern = "price", .reply = "x", .cooldown = -1 },
	{ .name = "k-price2", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "prices,Príce,PRICE", .reply = "x", .cont = true,
	  .cooldown = -1 },
	{ .name = "r-any", .enabled = true, .match = RULE_REGEX,
	  .pattern = "^\\w+", .reply = "x", .cont = true, .cooldown = -1 },
	{ .name = "k-price3", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "price", .reply = "x", .cooldown = -1 },
	{ .name = "k-late", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "price", .reply = "never", .cooldown = -1 },
	{ .name = "e-stop", .enabled = true, .match = RULE_EXACT,
	  .pattern = "menu", .reply = "x", .cooldown = -1 },
	{ .name = "k-menu", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "menu", .reply = "x", .cooldown = -1 },
	{ .name = "k-vip", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "vip", .tags = "gold", .reply = "x", .cont = true,
	  .cooldown = -1 },
	{ .name = "k-new", .enabled = true, .match = RULE_KEYWORD,
	  .pattern = "vip,new", .first_only = true, .reply = "x",
	  .cooldown = -1 },
};

struct facts_ctx {
	int calls;
	const char *tag;
};

static int
count_facts(void *data, struct rules_input *in)
{
	static const char *tags[1];
	struct facts_ctx *f = data;

	f->calls++;
	tags[0] = f->tag;
	in->tags = tags;
	in->n_tags = f->tag != NULL ? 1 : 0;
	in->first_message = true;
	return 0;
}

static void
test_rules_index(void **state)
{
	static const struct {
		const char *text, *want, *keyword;
		int facts;	/* calls of the facts callback */
	} cases[] = {
		{ "price?", "c-price k-price k-price2 r-any k-price3",
		  "price", 0 },
		{ "Prices", "c-price k-price k-price2 r-any", "price", 0 },
		{ "PRÍCE list", "c-price k-price k-price2 r-any k-price3",
		  "price", 0 },
		{ "the price", "c-price r-any", "price", 0 },
		{ "menu", "r-any e-stop", NULL, 0 },
		{ "menu please", "r-any k-menu", NULL, 0 },
		{ "vip", "r-any k-vip k-new", NULL, 1 },
		{ "new", "r-any k-new", NULL, 1 },
		{ "nothing", "r-any", NULL, 0 },
		{ "...", "", NULL, 0 },
	};
	struct rules *rs;
	struct sms_err err;
	size_t i;

	assert_int_equal(rules_new(&rs, 0, 0, &err), 0);
	for (i = 0; i < sizeof index_fixture / sizeof index_fixture[0];
	    i++) {
		struct rule r = index_fixture[i];

		r.id = (int64_t)i + 1;
		if (rules_add(rs, &r, &err) < 0)
			fail_msg("rule %s: %s", r.name, err.msg);
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct facts_ctx f = { 0, "gold" };
		struct rules_input in = {
			.from = "+36301234567", .text = cases[i].text,
			.now = MONDAY, .facts = count_facts, .facts_data = &f,
		};
		struct rules_result res;
		char got[512];

		assert_int_equal(rules_eval(rs, &in, &res), 0);
		describe(&res, got, sizeof got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"", i,
			    cases[i].text, got, cases[i].want);
		if (cases[i].keyword != NULL)
			assert_string_equal(res.outcome[0].keyword,
			    cases[i].keyword);
		if (f.calls != cases[i].facts)
			fail_msg("case %zu \"%s\": facts asked %d times, "
			    "want %d", i, cases[i].text, f.calls,
			    cases[i].facts);
	}
	/* The keyword reported is the rule's own first matching word. */
	{
		struct rules_input in = { .from = "+36301234567",
			.text = "prices", .now = MONDAY };
		struct rules_result res;

		assert_int_equal(rules_eval(rs, &in, &res), 0);
		assert_true(res.n >= 3);
		assert_string_equal(res.outcome[1].keyword, "Prices");
		assert_string_equal(res.outcome[2].keyword, "prices");
	}
	/* Regexes: what passes them over without PCRE2 never hides a match
	 * PCRE2 would find (caseless letters with non-ASCII cases: the
	 * Kelvin sign is K, long s is S; a first or required byte in either
	 * case; a subject shorter than the least match). */
	{
		static const struct {
			const char *re, *text;
			bool match;
		} rc[] = {
			{ "^kelvin", "\xe2\x84\xaa" "ELVIN", true },
			{ "kelvin", "x \xe2\x84\xaa" "elvin", true },
			{ "^s\\d", "\xc5\xbf" "1", true },
			{ "^order\\s+#?5\\b", "ORDER #5", true },
			{ "^order\\s+#?5\\b", " order 5", false },
			{ "^order\\s+#?5\\b", "order 6", false },
			{ "price of (\\w+)", "PRICE OF X", true },
			{ "price of (\\w+)", "price o", false },
			{ "x$", "A X", true },
			{ "x$", "A Y", false },
			{ "caf\xc3\xa9", "CAF\xc3\x89!", true },
			{ "^\xc3\xa1", "\xc3\x81rlista", true },
		};
		size_t k;

		for (k = 0; k < sizeof rc / sizeof rc[0]; k++) {
			struct rules *rr;
			struct rule r = { .id = 1, .name = "re",
				.enabled = true, .match = RULE_REGEX,
				.pattern = (char *)rc[k].re, .reply = "x" };
			struct rules_input in = { .from = "+36301234567",
				.text = rc[k].text, .now = MONDAY };
			struct rules_result res;

			assert_int_equal(rules_new(&rr, 0, 0, NULL), 0);
			assert_int_equal(rules_add(rr, &r, NULL), 0);
			assert_int_equal(rules_eval(rr, &in, &res), 0);
			if ((res.n == 1) != rc[k].match)
				fail_msg("regex %s on \"%s\": %s", rc[k].re,
				    rc[k].text, res.n ? "matched" : "missed");
			rules_free(rr);
		}
	}
	/* Folded once by the caller: the same verdicts. */
	{
		struct rules_input in = { .from = "+36301234567",
			.text = "PRÍCE list", .folded = "price list",
			.now = MONDAY };
		struct rules_result res;
		char got[512];

		assert_int_equal(rules_eval(rs, &in, &res), 0);
		describe(&res, got, sizeof got);
		assert_string_equal(got,
		    "c-price k-price k-price2 r-any k-price3");
		assert_string_equal(res.outcome[2].keyword, "Príce");
	}
	rules_free(rs);
}

static void
test_rules_many(void **state)
{
	struct rules *rs;
	struct rules_result res;
	struct rules_input in = { .from = "+15550001111", .text = "KW999 x",
		.now = MONDAY };
	char name[32], pat[32];
	int i;

	assert_int_equal(rules_new(&rs, 0, 0, NULL), 0);
	for (i = 0; i < 1000; i++) {
		struct rule r = { .id = i + 1, .name = name, .enabled = true,
			.match = RULE_KEYWORD, .pattern = pat, .reply = "x",
			.cooldown = 0 };

		snprintf(name, sizeof name, "r%d", i);
		snprintf(pat, sizeof pat, "kw%d", i);
		assert_int_equal(rules_add(rs, &r, NULL), 0);
	}
	assert_int_equal(rules_count(rs), 1000);
	assert_string_equal(rules_get(rs, 999)->name, "r999");
	assert_null(rules_get(rs, 1000));
	assert_int_equal(rules_eval(rs, &in, &res), 0);
	assert_int_equal(res.fired, 1);
	assert_int_equal(res.outcome[0].rule->id, 1000);
	rules_free(rs);
	rules_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_match_table),
		cmocka_unit_test(test_rules_cooldown_and_caps),
		cmocka_unit_test(test_rules_continue_and_stop),
		cmocka_unit_test(test_rules_loops),
		cmocka_unit_test(test_rules_validate),
		cmocka_unit_test(test_rules_hours_table),
		cmocka_unit_test(test_rules_fold),
		cmocka_unit_test(test_rules_scripts),
		cmocka_unit_test(test_rules_fold_paths),
		cmocka_unit_test(test_template_render_table),
		cmocka_unit_test(test_template_limit),
		cmocka_unit_test(test_rules_many),
		cmocka_unit_test(test_rules_index),
	};

	setlocale(LC_ALL, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
