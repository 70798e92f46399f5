#include "config.h"

#include "codec/concat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/utf8.h"

#define CONCAT_TOTAL_MAX 255
#define CONCAT_TEXT_MAX (1024 * 1024)	/* 255 parts of 4 bytes a unit fit */

/* index[seq] = the first part with that seq, or NULL; returns parts found */
static unsigned
concat_index(const struct concat_part *parts, size_t n, unsigned total,
    const struct concat_part **index)
{
	unsigned found = 0;
	size_t i;

	memset(index, 0, (CONCAT_TOTAL_MAX + 1) * sizeof *index);
	if (parts == NULL || total > CONCAT_TOTAL_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (parts[i].seq < 1 || parts[i].seq > total ||
		    index[parts[i].seq] != NULL)
			continue;
		index[parts[i].seq] = &parts[i];
		found++;
	}
	return found;
}

bool
concat_complete(const struct concat_part *parts, size_t n, unsigned total)
{
	const struct concat_part *index[CONCAT_TOTAL_MAX + 1];

	if (total < 1 || total > CONCAT_TOTAL_MAX)
		return false;
	return concat_index(parts, n, total, index) == total;
}

size_t
concat_missing(const struct concat_part *parts, size_t n, unsigned total,
    unsigned *missing, size_t max)
{
	const struct concat_part *index[CONCAT_TOTAL_MAX + 1];
	size_t count = 0;
	unsigned seq;

	if (total > CONCAT_TOTAL_MAX)
		total = CONCAT_TOTAL_MAX;
	concat_index(parts, n, total, index);
	for (seq = 1; seq <= total; seq++) {
		if (index[seq] != NULL)
			continue;
		if (count < max)
			missing[count] = seq;
		count++;
	}
	return count;
}

char *
concat_gap_text(unsigned seq, unsigned total, char *out, size_t size)
{
	if (size == 0)
		return out;
	/* TRANSLATORS: shown in place of a part of a long SMS that never
	   arrived; "%u of %u" is the part's number and the number of parts. */
	snprintf(out, size, _("[…missing part %u of %u…]"), seq,
	    total);
	return out;
}

/* Whether s ends with a WTF-8 high surrogate (ED A0..AF xx). */
static bool
ends_high_surrogate(const struct buf *b)
{
	const unsigned char *p;

	if (b->len < 3)
		return false;
	p = (const unsigned char *)b->data + b->len - 3;
	return p[0] == 0xed && p[1] >= 0xa0 && p[1] <= 0xaf &&
	    (p[2] & 0xc0) == 0x80;
}

/* Whether s starts with a WTF-8 low surrogate (ED B0..BF xx). */
static bool
starts_low_surrogate(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	return len >= 3 && p[0] == 0xed && p[1] >= 0xb0 && p[1] <= 0xbf &&
	    (p[2] & 0xc0) == 0x80;
}

/* Replace the high surrogate at b's end and the low one at s by the pair. */
static int
join_surrogates(struct buf *b, const char *s)
{
	const unsigned char *h = (const unsigned char *)b->data + b->len - 3;
	const unsigned char *l = (const unsigned char *)s;
	uint32_t hi, lo, cp;
	char enc[UTF8_MAX];
	size_t k;

	hi = 0xd000 | (uint32_t)(h[1] & 0x3f) << 6 | (h[2] & 0x3f);
	lo = 0xd000 | (uint32_t)(l[1] & 0x3f) << 6 | (l[2] & 0x3f);
	cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	k = utf8_encode(cp, enc);
	b->len -= 3;
	return buf_append(b, enc, k);
}

int
concat_join(const struct concat_part *parts, size_t n, unsigned total,
    bool gaps, char **out, struct sms_err *err)
{
	const struct concat_part *index[CONCAT_TOTAL_MAX + 1], *p;
	char gap[128];
	bool prev = false;
	struct buf b;
	unsigned seq, found;
	int rc = 0;

	*out = NULL;
	if (total < 1 || total > CONCAT_TOTAL_MAX || (parts == NULL && n > 0))
		return sms_err_set(err, SMS_EINVAL, _("a long message has "
		    "1 to 255 parts, not %u"), total);
	found = concat_index(parts, n, total, index);
	if (found < total && !gaps)
		return sms_err_set(err, SMS_ENOENT, _("%u of %u parts of the "
		    "message are missing"), total - found, total);
	buf_init(&b, CONCAT_TEXT_MAX);
	for (seq = 1; seq <= total && rc == 0; seq++) {
		if ((p = index[seq]) == NULL) {
			concat_gap_text(seq, total, gap, sizeof gap);
			rc = buf_append_str(&b, gap);
			prev = false;
			continue;
		}
		if (prev && ends_high_surrogate(&b) &&
		    starts_low_surrogate(p->text, p->len)) {
			if ((rc = join_surrogates(&b, p->text)) == 0)
				rc = buf_append(&b, p->text + 3, p->len - 3);
		} else if (p->len > 0)
			rc = buf_append(&b, p->text, p->len);
		prev = true;
	}
	if (rc == 0 && (*out = buf_take(&b)) == NULL)
		rc = SMS_ENOMEM;
	buf_fini(&b);
	if (rc == SMS_ENOMEM)
		return sms_err_set(err, rc, _("out of memory"));
	if (rc < 0)
		return sms_err_set(err, rc, _("the joined message is too "
		    "long"));
	return 0;
}
