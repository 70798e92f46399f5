#include "config.h"

#include "engine/rulebook.h"

#include <stdio.h>
#include <string.h>

#include "engine/rules.h"
#include "store/rule.h"
#include "util/conf.h"
#include "util/log.h"

/* The [autoreply] defaults, as sms-inbox.conf(5) documents them. */
#define RULEBOOK_COOLDOWN 3600
#define RULEBOOK_DAILY_CAP 10
#define RULEBOOK_PATTERN_MAX 2048

int
rulebook_from_store(const struct store_rule *s, struct rule *r,
    char *pattern, size_t size)
{
	int m = rule_match_parse(s->match_kind);

	memset(r, 0, sizeof *r);
	if (m < 0)
		return -1;
	r->id = s->id;
	r->name = s->name;
	r->enabled = s->enabled;
	r->match = (enum rule_match)m;
	if (m == RULE_KEYWORD && s->aliases != NULL && *s->aliases != '\0')
		snprintf(pattern, size, "%s,%s", s->pattern ? s->pattern : "",
		    s->aliases);
	else
		snprintf(pattern, size, "%s", s->pattern ? s->pattern : "");
	r->pattern = pattern;
	r->reply = s->reply;
	r->reply_command = s->reply_command;
	r->hours = s->hours;
	r->tags = s->sender_tag;
	r->set_tag = s->action_tag;
	r->assign = s->action_assign;
	r->opt_out = s->action_optout;
	r->first_only = s->first_only;
	r->cont = s->continue_after;
	r->cooldown = s->cooldown;
	r->daily_cap = s->daily_cap;
	return 0;
}

int
rulebook_load(struct store *st, const struct conf *cfg, struct rules **out,
    size_t *skipped, struct sms_err *err)
{
	struct store_rules sr;
	struct rules *rs;
	struct sms_err e2;
	size_t i;
	int rc;

	*out = NULL;
	if (skipped != NULL)
		*skipped = 0;
	if ((rc = store_rule_list(st, &sr, err)) < 0)
		return rc;
	if ((rc = rules_new(&rs, (int)conf_get_int(cfg, "autoreply",
	    "cooldown", RULEBOOK_COOLDOWN), (int)conf_get_int(cfg, "autoreply",
	    "daily_cap", RULEBOOK_DAILY_CAP), err)) < 0) {
		store_rules_fini(&sr);
		return rc;
	}
	for (i = 0; i < sr.n; i++) {
		struct rule r;
		char pattern[RULEBOOK_PATTERN_MAX];

		sms_err_clear(&e2);
		if (rulebook_from_store(&sr.v[i], &r, pattern,
		    sizeof pattern) < 0 || rules_add(rs, &r, &e2) < 0) {
			log_warn("rule %lld (%s) is skipped: %s",
			    (long long)sr.v[i].id, sr.v[i].name,
			    e2.msg[0] ? e2.msg : "unknown match kind");
			if (skipped != NULL)
				(*skipped)++;
		}
	}
	store_rules_fini(&sr);
	*out = rs;
	return 0;
}
