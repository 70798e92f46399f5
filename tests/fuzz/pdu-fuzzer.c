/*
 * libFuzzer target for the codec's decoders: the input is tried as raw
 * PDU bytes in every SMSC mode, as hex text, as UTF-8 text for the
 * segment calculator, the smart replacement and the encoder, and as
 * parts to join.  Any crash or sanitizer report is a bug.
 *
 * Built with -DSMS_FUZZING (tests/fuzz/run.sh, --enable-fuzzing) it is a
 * libFuzzer target; otherwise it is a make check program that replays
 * every corpus PDU and thousands of cut and damaged copies of them
 * through the same harness, so the sanitizer build checks it too.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef SMS_FUZZING
#include <glob.h>
#endif

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
	if (m->lang_locking < -1 || m->lang_locking > 255 ||
	    m->lang_single < -1 || m->lang_single > 255)
		abort();
	/* What the store and the TUI show: always NUL-ended, in bounds. */
	{
		char shown[80];

		pdu_data_text(m, shown, sizeof shown);
		if (strlen(shown) >= sizeof shown)
			abort();
	}
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
		/* Some inputs with a national language's tables too. */
		if (size > 0)
			o.flags |= SEGMENT_LANG(data[0] % 16);
		if (pdu_submit_encode(s, size, &o, &pdus, &n, NULL) == 0) {
			for (i = 0; i < n; i++) {
				if (pdu_decode_hex(pdus[i].hex,
				    strlen(pdus[i].hex), PDU_SMSC_PRESENT, &m,
				    NULL) != 0)
					abort();
				check_msg(&m);
			}
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
		gsm7_to_utf8_lang(sept, n, size % 16, size % 15, small,
		    sizeof small);
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

#ifndef SMS_FUZZING
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The harness on hex, on its bytes, on every prefix and on damaged copies. */
static size_t
replay(const char *hex)
{
	uint8_t b[PDU_MAX_BYTES + 8], d[PDU_MAX_BYTES + 8];
	size_t n = 0, i, runs = 0;
	static const uint8_t damage[] = { 0x00, 0xff, 0x80, 0x7f };
	unsigned k;

	LLVMFuzzerTestOneInput((const uint8_t *)hex, strlen(hex));
	runs++;
	while (hex[2 * n] != '\0' && hex[2 * n + 1] != '\0' &&
	    n < sizeof b && hexval(hex[2 * n]) >= 0 &&
	    hexval(hex[2 * n + 1]) >= 0) {
		b[n] = (uint8_t)(hexval(hex[2 * n]) << 4 | hexval(hex[2 * n + 1]));
		n++;
	}
	for (i = 0; i <= n; i++, runs++)
		LLVMFuzzerTestOneInput(b, i);
	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof damage; k++, runs++) {
			memcpy(d, b, n);
			d[i] = damage[k] == 0x80 ? (uint8_t)(b[i] ^ 0x80) :
			    damage[k] == 0x7f ? (uint8_t)(b[i] + 1) : damage[k];
			LLVMFuzzerTestOneInput(d, n);
		}
	return runs;
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char pattern[1024], line[2048], *nl;
	size_t i, pdus = 0, runs = 0;
	glob_t g;
	FILE *f;

	snprintf(pattern, sizeof pattern, "%s/tests/data/pdu/*.pdu",
	    top != NULL ? top : ".");
	if (glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr, "pdu-fuzzer: no corpus at %s\n", pattern);
		return 1;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		if ((f = fopen(g.gl_pathv[i], "r")) == NULL) {
			perror(g.gl_pathv[i]);
			globfree(&g);
			return 1;
		}
		while (fgets(line, sizeof line, f) != NULL) {
			if (strncmp(line, "pdu ", 4) != 0)
				continue;
			if ((nl = strchr(line, '\n')) != NULL)
				*nl = '\0';
			runs += replay(line + 4);
			pdus++;
		}
		fclose(f);
	}
	globfree(&g);
	printf("pdu-fuzzer: %zu corpus PDUs, %zu runs, no fault\n", pdus, runs);
	return pdus > 0 ? 0 : 1;
}
#endif
