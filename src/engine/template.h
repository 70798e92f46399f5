/*
 * Reply templates: text with {placeholders}.  Autoreply rules use
 * {name}, {first_name}, {number}, {keyword} and {date}; sms-send's CSV
 * mode supplies its own names through a lookup callback.  "{{" and "}}"
 * stand for literal braces.
 */
#ifndef SMS_ENGINE_TEMPLATE_H
#define SMS_ENGINE_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct buf;

/* The value of placeholder name (len bytes, not terminated), or NULL
 * when there is no such placeholder.  Borrowed. */
typedef const char *(*template_lookup_cb)(void *data, const char *name,
    size_t len);

/*
 * Append tpl with every {placeholder} replaced by lookup's answer to out.
 * Fails with SMS_EDATA and a sentence for an unknown placeholder or an
 * unclosed brace, SMS_ETOOBIG past out's maximum.
 */
int template_expand(struct buf *out, const char *tpl,
    template_lookup_cb lookup, void *data, struct sms_err *err);

/* What an autoreply template may use. */
struct template_vars {
	const char *name;	/* contact's name, or NULL when unknown */
	const char *number;	/* sender's number */
	const char *keyword;	/* the word or text the rule matched */
	int64_t now;		/* unix seconds, for {date} */
	long utc_offset;	/* seconds east of UTC, for {date} */
};

/* Expand an autoreply template (see template_expand()).  Unknown
 * contacts give an empty {name} and {first_name}. */
int template_render(struct buf *out, const char *tpl,
    const struct template_vars *v, struct sms_err *err);

/* Check that tpl uses only the autoreply placeholders. */
int template_check(const char *tpl, struct sms_err *err);

#endif
