/*
 * libFuzzer target for the codec's decoders: the input is tried as raw
 * PDU bytes in every SMSC mode, as hex text, as UTF-8 text for the
 * segment calculator, the smart replacement and the encoder, and as
 * parts to join.  Any crash or sanitizer report is a bug.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/concat.h"
#include "codec/gsm7.h"
#include "codec/pdu.h"
#include "codec/segment.h"
#include "codec/ucs2.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check what a successful decode promises. */
static void
check_msg(const struct pdu_msg *m)
{
	if (strlen(m->text) >= sizeof m->text ||
	    strlen(m->addr.number) >= sizeof m->addr.number ||
	    m->udh_len > sizeof m->udh || m->data_len > sizeof m->data)
		abort();
	if (m->concat.present && (m->concat.seq < 1 ||
	    m->concat.seq > m->concat.total))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pdu_smsc_mode modes[] = {
		PDU_SMSC_AUTO, PDU_SMSC_PRESENT, PDU_SMSC_ABSENT
	};
	struct segment_replacement *repl;
	struct pdu_submit_opts o;
	struct segment_info info;
	struct concat_part parts[3];
	struct pdu_part *pdus;
	struct pdu_msg m;
	struct sms_err err;
	struct buf b;
	size_t i, n, nrepl;
	char *s, *out;
	uint8_t sept[200];

	for (i = 0; i < 3; i++)
		if (pdu_decode(data, size, modes[i], &m, &err) == 0)
			check_msg(&m);
	/* The same bytes as hex text, and as text. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pdu_decode_hex(s, size, PDU_SMSC_AUTO, &m, &err) == 0)
		check_msg(&m);
	if (segment_calc(s, size, SEGMENT_SMART, &info, NULL) == 0 &&
	    info.segments == 0)
		abort();
	if (segment_smart(s, size, &out, &repl, &nrepl, NULL) == 0) {
		free(out);
		free(repl);
	}
	if (size < 2000) {
		pdu_submit_opts_init(&o);
		o.to = "+123456789";
		o.flags = size % 2 ? SEGMENT_REF16 : 0;
		if (pdu_submit_encode(s, size, &o, &pdus, &n, NULL) == 0) {
			for (i = 0; i < n; i++)
				if (pdu_decode_hex(pdus[i].hex,
				    strlen(pdus[i].hex), PDU_SMSC_PRESENT, &m,
				    NULL) != 0)
					abort();
			free(pdus);
		}
	}
	buf_init(&b, 64 * size + 64);
	utf8_escape(&b, s, size);
	utf8_width(s, size);
	buf_reset(&b);
	utf8_sanitize(&b, s, size);
	if (b.len > 0 && !utf8_validate(b.data, b.len, NULL))
		abort();
	buf_fini(&b);
	/* Raw septets and UTF-16 to UTF-8 with a small buffer. */
	{
		char small[37];

		n = gsm7_unpack(data, size, size % 7, 200, sept);
		gsm7_to_utf8(sept, n, small, sizeof small);
		ucs2_to_utf8(data, size, small, sizeof small);
	}
	/* Three parts cut from the text, joined. */
	for (i = 0; i < 3; i++) {
		parts[i].seq = size > i ? data[i] % 5 : 0;
		parts[i].text = s + size * i / 3;
		parts[i].len = size / 3;
	}
	if (concat_join(parts, 3, size > 0 ? 1 + data[0] % 4 : 1, true, &out,
	    NULL) == 0)
		free(out);
	free(s);
	return 0;
}
