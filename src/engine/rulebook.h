/*
 * The stored rules (store/rule.h) as the matcher's rule set
 * (engine/rules.h): what the engine, `sms-inbox rules test` and the TUI's
 * try-it form all judge messages with.
 */
#ifndef SMS_ENGINE_RULEBOOK_H
#define SMS_ENGINE_RULEBOOK_H

#include <stddef.h>

#include "util/err.h"

struct conf;
struct rule;
struct rules;
struct store;
struct store_rule;

/*
 * Fill r from the stored s, borrowing s's strings; the keyword and its
 * aliases are joined into pattern (size bytes).  -1 for an unknown match
 * kind.
 */
int rulebook_from_store(const struct store_rule *s, struct rule *r,
    char *pattern, size_t size);

/*
 * Load every stored rule into *out with the [autoreply] cooldown and
 * daily_cap of cfg.  A rule that does not compile is skipped; *skipped (may
 * be NULL) counts them.  Caller frees with rules_free().
 */
int rulebook_load(struct store *st, const struct conf *cfg,
    struct rules **out, size_t *skipped, struct sms_err *err);

#endif
