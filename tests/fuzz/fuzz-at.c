/*
 * Fuzz target for the AT response parser (modem/at.c).  The input is what
 * a hostile modem says, with a few control bytes that act on our side:
 * 0x01 queues a command, 0x02 a command with a "> " body, 0x03 fires the
 * command timer, 0x04 cancels everything.  Completion callbacks queue
 * more commands, as the session does.
 *
 * Seeds: the AT transcripts in tests/data/at (see fuzz.h).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "modem/at.h"

const char fuzz_seed_dir[] = "tests/data/at";

struct fuzz_state {
	struct at *at;
	unsigned long urcs, results, bytes_out;
	int depth;
};

static void
fz_write(void *ctx, const char *data, size_t len)
{
	struct fuzz_state *s = ctx;

	(void)data;
	s->bytes_out += len;
}

static void
fz_arm(void *ctx, uint64_t ms)
{
	(void)ctx;
	(void)ms;
}

static void
fz_urc(void *ctx, const struct at_urc *u)
{
	struct fuzz_state *s = ctx;

	s->urcs += strlen(u->line) + (u->pdu ? strlen(u->pdu) : 0);
}

static void
fz_done(void *data, const struct at_response *res)
{
	struct fuzz_state *s = data;
	size_t i;

	s->results++;
	for (i = 0; i < res->n_lines; i++)
		s->bytes_out += strlen(res->lines[i]) > 0;
	if (res->result == AT_RES_OK && s->depth < 4) {
		s->depth++;
		at_send(s->at, "AT+CSQ", 1000, fz_done, s);
		s->depth--;
	}
}

static const struct at_ops fz_ops = { fz_write, fz_arm, fz_urc };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_state s;
	size_t i, start = 0;

	memset(&s, 0, sizeof s);
	if (at_new(&s.at, &fz_ops, &s) < 0)
		return 0;
	/* The last byte's parity picks PDU or text mode. */
	at_set_text_mode(s.at, size > 0 && (data[size - 1] & 1));
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] > 0x04)
			continue;
		if (i > start)
			at_feed(s.at, (const char *)data + start, i - start);
		start = i + 1;
		if (i == size)
			break;
		switch (data[i]) {
		case 0x01:
			at_send(s.at, "AT+CMGL=4", 1000, fz_done, &s);
			break;
		case 0x02:
			at_send_with_body(s.at, "AT+CMGS=5", "0011AA", 1000,
			    fz_done, &s);
			break;
		case 0x03:
			at_timeout(s.at);
			break;
		case 0x04:
			at_cancel_all(s.at);
			break;
		default:	/* NUL: line noise, fed as data */
			at_feed(s.at, (const char *)data + i, 1);
			break;
		}
	}
	at_free(s.at);
	return 0;
}
