/*
 * Autoreply rules and their hits, as stored (tables rules and rule_hits).
 * The engine compiles these into engine/rules.h's form; the TUI and
 * `sms-inbox rules` edit them here.  Any change bumps a generation counter
 * the engine polls to reload.
 */
#ifndef SMS_STORE_RULE_H
#define SMS_STORE_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct store;

/* A rule row.  Returned ones own their strings (store_rule_fini());
 * ones passed in are only read.  NULL strings are SQL NULL. */
struct store_rule {
	int64_t id;
	char *name;
	int position;		/* 1-based order of evaluation */
	bool enabled;
	char *match_kind;	/* keyword, exact, prefix, contains, regex */
	char *pattern;		/* keyword, text or regex */
	char *aliases;		/* keyword aliases, ","-separated, or "" */
	char *reply;		/* reply template */
	char *reply_command;	/* or: reply with this command's output */
	char *hours;		/* time windows, ";"-separated */
	char *sender_tag;	/* tag group, ","-separated */
	bool first_only;
	bool continue_after;
	int cooldown;		/* seconds; -1: the [autoreply] default */
	int daily_cap;		/* 0: no cap of its own */
	char *action_tag;
	char *action_assign;
	bool action_optout;
	int64_t created_at, updated_at;
};

struct store_rules {
	struct store_rule *v;
	size_t n;
};

void store_rule_fini(struct store_rule *r);
void store_rules_fini(struct store_rules *rs);

/* Every rule in evaluation order.  Caller runs store_rules_fini(out). */
int store_rule_list(struct store *st, struct store_rules *out,
    struct sms_err *err);

/* One rule.  SMS_ENOENT (with a sentence) if none. */
int store_rule_get(struct store *st, int64_t id, struct store_rule *out,
    struct sms_err *err);

/* Add r at the end of the list; *id gets the new id. */
int store_rule_add(struct store *st, const struct store_rule *r,
    int64_t *id, struct sms_err *err);

/* Replace rule r->id's fields with r's (position kept). */
int store_rule_update(struct store *st, const struct store_rule *r,
    struct sms_err *err);

/* Remove a rule (its hits go with it); the others close up. */
int store_rule_remove(struct store *st, int64_t id, struct sms_err *err);

/* Move a rule to 1-based position (clamped to the list). */
int store_rule_move(struct store *st, int64_t id, int position,
    struct sms_err *err);

int store_rule_set_enabled(struct store *st, int64_t id, bool enabled,
    struct sms_err *err);

/* A number that changes whenever any rule changes. */
int store_rules_generation(struct store *st, int64_t *out,
    struct sms_err *err);

/* Record a hit: rule_id answered (outcome "fired") or held back
 * ("cooldown", "hours", ...) message_id from peer; reply_id is the reply
 * queued (0: none). */
int store_rule_hit_add(struct store *st, int64_t rule_id,
    int64_t message_id, int64_t reply_id, const char *peer,
    const char *outcome, const char *detail, int64_t at,
    struct sms_err *err);

/* The reply (0: none) and detail (NULL: unchanged) of rule_id's hit on
 * message_id, known later: a reply command's output or failure. */
int store_rule_hit_resolve(struct store *st, int64_t rule_id,
    int64_t message_id, int64_t reply_id, const char *detail,
    struct sms_err *err);

/*
 * Replies that went to peer (normalised) since the unix time since, from
 * rule_id (0: any rule): returns the count, *last (may be NULL) gets the
 * newest one's time (0 if none).  Only hits with outcome "fired" count.
 */
int store_rule_hits_count(struct store *st, const char *peer,
    int64_t rule_id, int64_t since, int64_t *last, struct sms_err *err);

/* Hits per rule since a time, for reports. */
struct store_rule_stat {
	int64_t rule_id;
	char *name;
	int64_t fired;
	int64_t held;
};

struct store_rule_stats {
	struct store_rule_stat *v;
	size_t n;
};

void store_rule_stats_fini(struct store_rule_stats *s);
int store_rule_stats(struct store *st, int64_t since,
    struct store_rule_stats *out, struct sms_err *err);

#endif
