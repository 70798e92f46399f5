/*
 * Reassembly of concatenated SMS (TS 23.040 9.2.3.24.1), as pure logic.
 *
 * The store keeps the parts (the `fragments` table) so reassembly survives
 * restarts; this file only answers, for the parts present under one key:
 * are they all there, what is the joined text, and what does a timed-out
 * message look like with its gaps.  The key is sender + reference + total,
 * all three from struct pdu_msg (addr.number, concat.ref, concat.total);
 * a PDU without concat.present, or with concat.total 1, is a message on
 * its own.  Parts may come in any order and more than once.
 */
#ifndef SMS_CODEC_CONCAT_H
#define SMS_CODEC_CONCAT_H

#include <stdbool.h>
#include <stddef.h>

struct sms_err;

/* One part as the store holds it. */
struct concat_part {
	unsigned seq;		/* 1..total (pdu_msg.concat.seq) */
	const char *text;	/* its UTF-8 text (pdu_msg.text); borrowed */
	size_t len;		/* bytes of text */
};

/*
 * Whether parts[0..n) hold every sequence number 1..total.  Duplicates
 * and numbers out of range are ignored.
 */
bool concat_complete(const struct concat_part *parts, size_t n,
    unsigned total);

/*
 * How many of 1..total are missing from parts[0..n); the first max of
 * them go to missing[] in order (missing may be NULL when max is 0).
 */
size_t concat_missing(const struct concat_part *parts, size_t n,
    unsigned total, unsigned *missing, size_t max);

/*
 * The marker shown for missing part seq of total when an incomplete
 * message is delivered after its timeout, translated: "[…missing part 2
 * of 4…]".  Written into out (NUL-terminated, cut if size is short).
 * Returns out.
 */
char *concat_gap_text(unsigned seq, unsigned total, char *out, size_t size);

/*
 * Join the texts of parts[0..n) in sequence order into *out (heap,
 * NUL-terminated, caller frees); the first part given for a sequence
 * number wins over later duplicates.  A UTF-16 surrogate pair that the
 * sender split across two adjacent parts is joined again.  When parts are
 * missing: with gaps, each missing part becomes concat_gap_text(); without,
 * fails with SMS_ENOENT.  total must be 1..255 (SMS_EINVAL).  Returns 0,
 * SMS_ENOENT, SMS_EINVAL or SMS_ENOMEM.
 */
int concat_join(const struct concat_part *parts, size_t n, unsigned total,
    bool gaps, char **out, struct sms_err *err);

#endif
