/*
 * Full-text search (FTS5, unicode61 with diacritics removed, so "arvizturo"
 * finds "árvíztűrő") over message bodies; contact names are searched with
 * store_contact_list().
 */
#ifndef SMS_STORE_SEARCH_H
#define SMS_STORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/msg.h"

struct store;

/* One hit.  Strings are owned; release with store_hits_fini(). */
struct store_hit {
	int64_t message_id;
	int64_t thread_id;
	char *peer;
	char *contact_name;	/* NULL when no contact */
	enum msg_dir dir;
	enum msg_state state;
	int64_t created_at;
	char *snippet;		/* the body around the match; the matched
				 * words between STORE_HIT_OPEN/CLOSE */
};

/* Marks around matched words in snippets: ASCII STX/ETX, which no SMS
 * body keeps (they are escaped before drawing). */
#define STORE_HIT_OPEN "\002"
#define STORE_HIT_CLOSE "\003"

struct store_hits {
	struct store_hit *v;
	size_t n;
};

void store_hits_fini(struct store_hits *h);

/*
 * Search message bodies with an FTS5 query (words, "phrases", prefix*,
 * AND/OR/NOT, NEAR()), newest first.  before_id 0 starts at the newest;
 * to page on, pass the last hit's message_id.  A malformed query fails with
 * SMS_EDATA and a sentence.  Caller runs store_hits_fini(out).
 */
int store_search(struct store *st, const char *query, int64_t before_id,
    size_t limit, struct store_hits *out, struct sms_err *err);

#endif
