/*
 * The AT command engine: a queue of commands, each with its own timeout,
 * and a line parser that sorts what the modem says into echo, intermediate
 * lines, final result codes, the "> " prompt and unsolicited result codes
 * (URCs), wherever they appear.  It does no I/O and owns no handles: bytes
 * come in through at_feed(), go out through the write callback, and the
 * owner runs one timer that the arm callback sets.  doc/internals/at.md
 * describes the state machine.
 */
#ifndef SMS_MODEM_AT_H
#define SMS_MODEM_AT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The longest line we keep; a longer one is dropped whole (and counted). */
#define AT_LINE_MAX 2048
/* The most intermediate lines one command may collect. */
#define AT_LINES_MAX 512
/* The most commands waiting in the queue. */
#define AT_QUEUE_MAX 64

struct at;

enum at_result {
	AT_RES_OK = 0,
	AT_RES_CONNECT,
	AT_RES_ERROR,		/* plain ERROR */
	AT_RES_CME_ERROR,	/* +CME ERROR: code (equipment/SIM) */
	AT_RES_CMS_ERROR,	/* +CMS ERROR: code (message service) */
	AT_RES_NO_CARRIER,
	AT_RES_NO_DIALTONE,
	AT_RES_BUSY,
	AT_RES_NO_ANSWER,
	AT_RES_TIMEOUT,		/* no final result before the deadline */
	AT_RES_CANCELLED,	/* at_cancel_all(): port closed */
	AT_RES_TOOBIG,		/* over AT_LINES_MAX lines */
};

/* What a command got back.  Everything is borrowed for the callback. */
struct at_response {
	enum at_result result;
	int code;		/* +CME/+CMS code; -1 when given as text */
	const char *final;	/* the final line as received, "" if none */
	const char *const *lines;	/* intermediate lines, in order */
	size_t n_lines;
	bool body_written;	/* the body after "> " went out */
};

typedef void (*at_done_cb)(void *data, const struct at_response *res);

/* An unsolicited result code.  pdu is the second line of a two-line URC
 * (+CMT, +CDS in PDU mode; +CMT's text in text mode), NULL for the
 * others.  Borrowed. */
struct at_urc {
	const char *line;
	const char *pdu;
};

struct at_ops {
	/* Write len bytes to the modem; the return value is ignored (a dead
	 * port shows up as a timeout or a hangup on the owner's side). */
	void (*write)(void *ctx, const char *data, size_t len);
	/* Run the command timer: fire at_timeout() after ms milliseconds;
	 * ms 0 stops it. */
	void (*arm)(void *ctx, uint64_t ms);
	/* An unsolicited result code arrived. */
	void (*urc)(void *ctx, const struct at_urc *urc);
};

/* Create an engine that talks through ops.  *out is freed with at_free(). */
int at_new(struct at **out, const struct at_ops *ops, void *ctx);

/* Free the engine; queued commands are dropped without their callbacks. */
void at_free(struct at *at);

/*
 * Queue cmd (without the trailing CR) with a timeout in milliseconds.
 * When the modem gives a final result, or the time runs out, cb gets the
 * response.  SMS_EBUSY when the queue is full.
 */
int at_send(struct at *at, const char *cmd, unsigned timeout_ms,
    at_done_cb cb, void *data);

/*
 * Queue a command that is answered by the "> " prompt (AT+CMGS=<len>):
 * after the prompt the engine writes body and Ctrl-Z, then waits for the
 * final result like at_send().
 */
int at_send_with_body(struct at *at, const char *cmd, const char *body,
    unsigned timeout_ms, at_done_cb cb, void *data);

/*
 * Write bytes outside the queue (ESC to leave a stuck prompt, a PDU
 * acknowledgement).  Does not touch the current command.
 */
void at_write_raw(struct at *at, const char *data, size_t len);

/*
 * Text mode (27.005 SMS text mode): the line after a +CMT header is its
 * text whatever it holds, and of the lines starting with "AT" only the
 * exact echo of the current command is dropped, since a message's text
 * may start with "At".
 */
void at_set_text_mode(struct at *at, bool on);

/* Hand over bytes read from the modem.  Callbacks run from inside. */
void at_feed(struct at *at, const char *data, size_t len);

/* The owner's timer fired: the current command ends with AT_RES_TIMEOUT. */
void at_timeout(struct at *at);

/*
 * Complete every queued command with AT_RES_CANCELLED (the port went
 * away) and forget any partial line.
 */
void at_cancel_all(struct at *at);

/* Whether a command is being answered or waiting. */
bool at_busy(const struct at *at);

/* How many lines were dropped for being over AT_LINE_MAX. */
unsigned long at_dropped_lines(const struct at *at);

/*
 * Whether line is an unsolicited result code we know (+CMTI, +CDS, RING,
 * ^RSSI, ...).  Exposed for tests.
 */
bool at_is_urc(const char *line);

/* The name of a result ("OK", "+CMS ERROR", "timeout"); static. */
const char *at_result_name(enum at_result result);

/*
 * The value after "PREFIX:" in line, with leading blanks skipped, or NULL
 * when line does not start with prefix (given without the colon, e.g.
 * "+CMTI").  Borrowed from line.
 */
const char *at_value(const char *line, const char *prefix);

#endif
