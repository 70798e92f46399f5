/*
 * Autoreply rules: an ordered list, first match wins unless a rule says
 * "continue".  This module only decides: given a message, its sender and
 * the time, which rules fire and which are held back (cooldown, daily cap,
 * time window...).  It never touches the store or the network; the
 * inbound pipeline records hits and queues replies.  See DESIGN.md
 * "Autoreply rules" and sms-inbox(1) "rules".
 */
#ifndef SMS_ENGINE_RULES_H
#define SMS_ENGINE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum rule_match {
	RULE_KEYWORD = 0,	/* first word is the keyword or an alias */
	RULE_EXACT,		/* the whole text, trimmed */
	RULE_PREFIX,		/* the text starts with it */
	RULE_CONTAINS,		/* the text contains it */
	RULE_REGEX,		/* PCRE2 pattern, caseless, on the raw text */
};

/* One rule as stored and edited.  Strings are NULL when unset. */
struct rule {
	int64_t id;		/* the store's id; 0 before it is stored */
	char *name;
	bool enabled;
	enum rule_match match;
	char *pattern;		/* "INFO,INFORMATION", text or regex */
	char *reply;		/* reply template ({name}, {keyword}...) */
	char *reply_command;	/* or a command line (hooks_split(): argv,
				 * no shell) whose output is the reply */
	char *hours;		/* windows, ";"-separated: "Mon-Fri 09:00-17:00" */
	char *tags;		/* sender must carry one of these (","-list) */
	char *set_tag;		/* action: tag the sender's contact */
	char *assign;		/* action: assign the thread to this agent */
	bool opt_out;		/* action: mark the sender opted out */
	bool first_only;	/* only on the first message of a thread */
	bool cont;		/* keep evaluating the rules after this one */
	int cooldown;		/* seconds between replies to one sender */
	int daily_cap;		/* replies per sender per day; 0 = no cap */
};

/* Why a matching rule did not fire. */
enum rule_verdict {
	RULE_FIRED = 0,
	RULE_HELD_HOURS,	/* outside its time windows */
	RULE_HELD_TAGS,		/* sender not in its tag group */
	RULE_HELD_FIRST,	/* not the thread's first message */
	RULE_HELD_COOLDOWN,	/* answered this sender too recently */
	RULE_HELD_CAP,		/* daily cap for this sender reached */
	RULE_HELD_SENDER,	/* alphanumeric or our own number */
};

/*
 * How many autoreplies went to the sender since the unix time since, from
 * rule rule_id (0: from any rule), and when the last one was (*last, 0 if
 * none).  Returns the count or a negative enum sms_rc.
 */
typedef int (*rules_hits_cb)(void *data, int64_t rule_id, int64_t since,
    int64_t *last);

struct rules_input;

/*
 * Fill in first_message, tags and n_tags of in (what the store knows of
 * the sender).  rules_eval() calls it at most once, and only when a rule
 * whose text matched has a tag group or is first-only, so a message that
 * no such rule matches costs no lookup.  Returns 0 or a negative enum
 * sms_rc.
 */
typedef int (*rules_facts_cb)(void *data, struct rules_input *in);

/* The message being judged and what is known about its sender. */
struct rules_input {
	const char *from;		/* sender as received */
	const char *text;		/* UTF-8 body */
	const char *folded;		/* fold_text() of text, or NULL */
	int64_t now;			/* unix seconds */
	long utc_offset;		/* local time = now + utc_offset */
	bool first_message;		/* first message of its thread */
	const char *const *tags;	/* the sender's contact tags */
	size_t n_tags;
	const char *const *own_numbers;	/* never answer these */
	size_t n_own;
	rules_hits_cb hits;		/* may be NULL: nothing sent yet */
	void *hits_data;
	rules_facts_cb facts;		/* NULL: the fields above are set */
	void *facts_data;
};

/* One rule that matched the text, fired or not. */
struct rules_outcome {
	const struct rule *rule;	/* borrowed from the rule set */
	enum rule_verdict verdict;
	char keyword[64];		/* the matched word or group */
};

#define RULES_OUTCOME_MAX 32

struct rules_result {
	struct rules_outcome outcome[RULES_OUTCOME_MAX];
	size_t n;
	size_t fired;			/* how many have RULE_FIRED */
};

struct rules;

/* An empty rule set with global limits: cooldown seconds and daily cap
 * per sender across all rules (0: none). */
int rules_new(struct rules **out, int cooldown, int daily_cap,
    struct sms_err *err);
void rules_free(struct rules *rs);

/*
 * Append a copy of r, compiled.  Disabled rules are kept (for listing)
 * but never match.  Fails with SMS_EDATA and a sentence naming the rule
 * when its pattern, regex or hours do not parse.
 */
int rules_add(struct rules *rs, const struct rule *r, struct sms_err *err);

/* The number of rules and the i-th (borrowed until rules_free()). */
size_t rules_count(const struct rules *rs);
const struct rule *rules_get(const struct rules *rs, size_t i);

/* Check a rule as rules_add() would, without keeping it. */
int rule_validate(const struct rule *r, struct sms_err *err);

/*
 * Judge a message: every enabled rule whose text matches, in order, with
 * its verdict, stopping after the first rule that fires without
 * "continue".  The text is folded once (or taken folded from in->folded);
 * keyword rules are found by one lookup of the first word, whatever their
 * number.  Returns 0 or a negative enum sms_rc from a callback.
 */
int rules_eval(const struct rules *rs, const struct rules_input *in,
    struct rules_result *out);

/* Whether from can be answered: a phone number, not an alphanumeric
 * sender ID nor a short text. */
bool rules_sender_answerable(const char *from);

/* Whether the windows in spec (see struct rule) include local time t;
 * spec NULL or "" is always.  -1 if spec does not parse. */
int rules_hours_match(const char *spec, int64_t local_time);

/* Stable names for match kinds and verdicts ("keyword", "cooldown"). */
const char *rule_match_name(enum rule_match m);
int rule_match_parse(const char *name);
const char *rule_verdict_name(enum rule_verdict v);

/* Deep copy and release of a struct rule in caller's storage. */
int rule_copy(struct rule *dst, const struct rule *src);
void rule_fini(struct rule *r);

#endif
