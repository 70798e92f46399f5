#include "config.h"

#include "modem/at.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/log.h"

enum at_state {
	AT_IDLE = 0,		/* nothing written, nothing awaited */
	AT_WAIT_PROMPT,		/* wrote AT+CMGS=n, waiting for "> " */
	AT_WAIT_RESULT,		/* waiting for a final result code */
};

struct at_cmd {
	char *cmd;		/* without the CR */
	char *body;		/* written after the prompt, or NULL */
	unsigned timeout_ms;
	at_done_cb cb;
	void *data;
};

struct at {
	const struct at_ops *ops;
	void *ctx;

	struct at_cmd queue[AT_QUEUE_MAX];	/* ring; head is current */
	size_t head, count;
	enum at_state state;
	char prefix[32];	/* "+CREG" for AT+CREG?: its answers are ours */

	char line[AT_LINE_MAX + 1];
	size_t len;
	bool overflow;		/* dropping the rest of a long line */
	bool skip_space;	/* the blank after ">" is the prompt's */

	char *lines[AT_LINES_MAX];
	size_t n_lines;
	bool too_many;

	char *urc_head;		/* line 1 of a two-line URC, or NULL */
	unsigned long dropped;
	bool text_mode;		/* at_set_text_mode() */
};

/* Unsolicited result codes by prefix: standard (27.005/27.007) first,
 * then vendor lines seen on Huawei (^), ZTE (+Z), SIMCom and Quectel. */
static const char *const urc_prefixes[] = {
	"+CMTI:", "+CMT:", "+CDS:", "+CDSI:", "+CBM:", "+CBMI:",
	"+CREG:", "+CGREG:", "+CEREG:", "+C5GREG:", "RING", "+CRING:",
	"+CLIP:", "+CCWA:", "+CUSD:", "+CIEV:", "+CPIN:", "+CFUN:",
	"+CTZV:", "+CTZE:", "+CTZEU:", "+PACSP", "+CGEV:",
	"^RSSI:", "^HCSQ:", "^BOOT:", "^MODE:", "^SIMST:", "^SRVST:",
	"^SYSSTART", "^DSFLOWRPT:", "^STIN:", "^SMMEMFULL", "^CEND:",
	"^ORIG:", "^CONF:", "^CONN:", "^NWTIME:", "^RFSWITCH:",
	"+ZUSIMR:", "+ZPBIC:", "+ZEND", "+ZDONR:",
	"RDY", "Call Ready", "SMS Ready", "*PSUTTZ:", "DST:", "+QIND:",
	"+QUSIM:", "+CSQN:", "+STIN:", "+CMGSI:",
};

bool
at_is_urc(const char *line)
{
	size_t i, n;

	for (i = 0; i < sizeof urc_prefixes / sizeof urc_prefixes[0]; i++) {
		n = strlen(urc_prefixes[i]);
		if (strncmp(line, urc_prefixes[i], n) == 0)
			return true;
	}
	return false;
}

const char *
at_value(const char *line, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(line, prefix, n) != 0 || line[n] != ':')
		return NULL;
	line += n + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

const char *
at_result_name(enum at_result result)
{
	switch (result) {
	case AT_RES_OK:		return "OK";
	case AT_RES_CONNECT:	return "CONNECT";
	case AT_RES_ERROR:	return "ERROR";
	case AT_RES_CME_ERROR:	return "+CME ERROR";
	case AT_RES_CMS_ERROR:	return "+CMS ERROR";
	case AT_RES_NO_CARRIER:	return "NO CARRIER";
	case AT_RES_NO_DIALTONE: return "NO DIALTONE";
	case AT_RES_BUSY:	return "BUSY";
	case AT_RES_NO_ANSWER:	return "NO ANSWER";
	case AT_RES_TIMEOUT:	return "timeout";
	case AT_RES_CANCELLED:	return "cancelled";
	case AT_RES_TOOBIG:	return "too many lines";
	}
	return "?";
}

int
at_new(struct at **out, const struct at_ops *ops, void *ctx)
{
	struct at *at;

	*out = NULL;
	if ((at = calloc(1, sizeof *at)) == NULL)
		return SMS_ENOMEM;
	at->ops = ops;
	at->ctx = ctx;
	*out = at;
	return 0;
}

static void
at_lines_clear(struct at *at)
{
	size_t i;

	for (i = 0; i < at->n_lines; i++)
		free(at->lines[i]);
	at->n_lines = 0;
	at->too_many = false;
}

static void
at_cmd_fini(struct at_cmd *c)
{
	free(c->cmd);
	free(c->body);
	c->cmd = c->body = NULL;
}

void
at_free(struct at *at)
{
	size_t i;

	if (at == NULL)
		return;
	for (i = 0; i < at->count; i++)
		at_cmd_fini(&at->queue[(at->head + i) % AT_QUEUE_MAX]);
	at_lines_clear(at);
	free(at->urc_head);
	free(at);
}

bool
at_busy(const struct at *at)
{
	return at->count > 0;
}

void
at_set_text_mode(struct at *at, bool on)
{
	at->text_mode = on;
}

unsigned long
at_dropped_lines(const struct at *at)
{
	return at->dropped;
}

void
at_write_raw(struct at *at, const char *data, size_t len)
{
	char esc[256];

	if (log_get_level() >= LOG_LEVEL_TRACE)
		log_trace("at: >> %s", log_escape(esc, sizeof esc, data, len));
	at->ops->write(at->ctx, data, len);
}

/* "+CREG" for "AT+CREG?", "^SYSINFO" for "AT^SYSINFO"; "" for "ATE0". */
static void
at_prefix_of(const char *cmd, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	if (strncasecmp(cmd, "AT", 2) != 0)
		return;
	cmd += 2;
	if (*cmd != '+' && *cmd != '^' && *cmd != '$' && *cmd != '*' &&
	    *cmd != '%')
		return;
	while (*cmd != '\0' && *cmd != '=' && *cmd != '?' && n + 1 < size)
		out[n++] = (char)toupper((unsigned char)*cmd++);
	out[n] = '\0';
}

/* Write the command at the head of the queue if nothing is running. */
static void
at_start_next(struct at *at)
{
	struct at_cmd *c;
	char esc[AT_LINE_MAX];

	if (at->state != AT_IDLE || at->count == 0)
		return;
	c = &at->queue[at->head];
	at_prefix_of(c->cmd, at->prefix, sizeof at->prefix);
	at->state = c->body != NULL ? AT_WAIT_PROMPT : AT_WAIT_RESULT;
	if (log_get_level() >= LOG_LEVEL_TRACE)
		log_trace("at: >> %s",
		    log_escape(esc, sizeof esc, c->cmd, strlen(c->cmd)));
	at->ops->write(at->ctx, c->cmd, strlen(c->cmd));
	at->ops->write(at->ctx, "\r", 1);
	at->ops->arm(at->ctx, c->timeout_ms);
}

/* End the current command with result and hand its lines to its cb. */
static void
at_complete(struct at *at, enum at_result result, int code,
    const char *final)
{
	char *lines[AT_LINES_MAX];
	struct at_response res;
	struct at_cmd c;
	size_t i, n;
	bool body_written;

	if (at->count == 0)
		return;
	c = at->queue[at->head];
	body_written = c.body != NULL && at->state == AT_WAIT_RESULT;
	at->head = (at->head + 1) % AT_QUEUE_MAX;
	at->count--;
	at->state = AT_IDLE;
	at->prefix[0] = '\0';
	at->ops->arm(at->ctx, 0);

	if (at->too_many && result == AT_RES_OK)
		result = AT_RES_TOOBIG;
	n = at->n_lines;
	memcpy(lines, at->lines, n * sizeof lines[0]);
	at->n_lines = 0;
	at->too_many = false;

	res.result = result;
	res.code = code;
	res.final = final != NULL ? final : "";
	res.lines = (const char *const *)lines;
	res.n_lines = n;
	res.body_written = body_written;
	if (c.cb != NULL)
		c.cb(c.data, &res);
	for (i = 0; i < n; i++)
		free(lines[i]);
	at_cmd_fini(&c);
	at_start_next(at);
}

static int
at_enqueue(struct at *at, const char *cmd, const char *body,
    unsigned timeout_ms, at_done_cb cb, void *data)
{
	struct at_cmd *c;

	if (at->count == AT_QUEUE_MAX)
		return SMS_EBUSY;
	c = &at->queue[(at->head + at->count) % AT_QUEUE_MAX];
	c->cmd = strdup(cmd);
	c->body = body != NULL ? strdup(body) : NULL;
	if (c->cmd == NULL || (body != NULL && c->body == NULL)) {
		at_cmd_fini(c);
		return SMS_ENOMEM;
	}
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
	c->cb = cb;
	c->data = data;
	at->count++;
	at_start_next(at);
	return 0;
}

int
at_send(struct at *at, const char *cmd, unsigned timeout_ms, at_done_cb cb,
    void *data)
{
	return at_enqueue(at, cmd, NULL, timeout_ms, cb, data);
}

int
at_send_with_body(struct at *at, const char *cmd, const char *body,
    unsigned timeout_ms, at_done_cb cb, void *data)
{
	return at_enqueue(at, cmd, body, timeout_ms, cb, data);
}

void
at_timeout(struct at *at)
{
	if (at->state == AT_IDLE)
		return;
	log_debug("at: %s timed out", at->queue[at->head].cmd);
	at_complete(at, AT_RES_TIMEOUT, 0, NULL);
}

void
at_cancel_all(struct at *at)
{
	struct at_response res = { AT_RES_CANCELLED, 0, "", NULL, 0, false };
	struct at_cmd c;
	bool waiting_result = at->state == AT_WAIT_RESULT;

	at->len = 0;
	at->overflow = false;
	at->skip_space = false;
	free(at->urc_head);
	at->urc_head = NULL;
	at_lines_clear(at);
	at->state = AT_IDLE;
	at->prefix[0] = '\0';
	at->ops->arm(at->ctx, 0);
	/* Not through at_complete(): that would start the next command. */
	while (at->count > 0) {
		c = at->queue[at->head];
		at->head = (at->head + 1) % AT_QUEUE_MAX;
		at->count--;
		/* Only the command that was running can have sent a body. */
		res.body_written = c.body != NULL && waiting_result;
		waiting_result = false;
		if (c.cb != NULL)
			c.cb(c.data, &res);
		at_cmd_fini(&c);
	}
}

/* The code after "+CMS ERROR:"; -1 for a verbose one (CMEE=2). */
static int
at_error_code(const char *v)
{
	char *end;
	long n;

	n = strtol(v, &end, 10);
	if (end == v || n < 0 || n > 65535)
		return -1;
	return (int)n;
}

/* Whether line is a final result code; fills *result and *code. */
static bool
at_final(const char *line, enum at_result *result, int *code)
{
	static const struct {
		const char *text;
		const char *num;
		enum at_result result;
	} finals[] = {
		{ "OK", "0", AT_RES_OK },
		{ "CONNECT", "1", AT_RES_CONNECT },
		{ "NO CARRIER", "3", AT_RES_NO_CARRIER },
		{ "ERROR", "4", AT_RES_ERROR },
		{ "NO DIALTONE", "6", AT_RES_NO_DIALTONE },
		{ "BUSY", "7", AT_RES_BUSY },
		{ "NO ANSWER", "8", AT_RES_NO_ANSWER },
	};
	const char *v;
	size_t i;

	*code = 0;
	if ((v = at_value(line, "+CME ERROR")) != NULL) {
		*result = AT_RES_CME_ERROR;
		*code = at_error_code(v);
		return true;
	}
	if ((v = at_value(line, "+CMS ERROR")) != NULL) {
		*result = AT_RES_CMS_ERROR;
		*code = at_error_code(v);
		return true;
	}
	for (i = 0; i < sizeof finals / sizeof finals[0]; i++) {
		if (strcmp(line, finals[i].text) == 0 ||
		    strcmp(line, finals[i].num) == 0) {
			*result = finals[i].result;
			return true;
		}
		/* "CONNECT 115200" */
		if (finals[i].result == AT_RES_CONNECT &&
		    strncmp(line, "CONNECT ", 8) == 0) {
			*result = AT_RES_CONNECT;
			return true;
		}
	}
	return false;
}

static bool
at_is_hex(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

/* Whether the URC in line has a PDU on the next line (27.005 3.4.1:
 * +CMT: [<alpha>],<length> and +CDS: <length> in PDU mode). */
static bool
at_urc_two_lines(const char *line)
{
	const char *v;

	if (at_value(line, "+CMT") != NULL)
		return true;
	if ((v = at_value(line, "+CDS")) != NULL)
		return strchr(v, ',') == NULL;
	return false;
}

static void
at_deliver_urc(struct at *at, const char *line, const char *pdu)
{
	struct at_urc u = { line, pdu };

	at->ops->urc(at->ctx, &u);
}

/* Whether line belongs to the current command (its answer prefix). */
static bool
at_is_ours(const struct at *at, const char *line)
{
	size_t n = strlen(at->prefix);

	return at->state != AT_IDLE && n > 0 &&
	    strncasecmp(line, at->prefix, n) == 0 &&
	    (line[n] == ':' || line[n] == '\0');
}

static void
at_line(struct at *at, char *line)
{
	enum at_result result;
	struct at_cmd *c;
	char esc[AT_LINE_MAX];
	char *p;
	int code;

	if (log_get_level() >= LOG_LEVEL_TRACE)
		log_trace("at: << %s",
		    log_escape(esc, sizeof esc, line, strlen(line)));

	/* The second line of +CMT/+CDS, if it is what it should be. */
	if (at->urc_head != NULL) {
		char *head = at->urc_head;

		at->urc_head = NULL;
		if (at_is_hex(line) || (at->text_mode &&
		    at_value(head, "+CMT") != NULL)) {
			at_deliver_urc(at, head, line);
			free(head);
			return;
		}
		at_deliver_urc(at, head, NULL);
		free(head);
	}

	/* Echo of a body ends in Ctrl-Z; what follows it is a new line. */
	if ((p = strchr(line, '\x1a')) != NULL) {
		line = p + 1;
		if (*line == '\0')
			return;
	}
	c = at->count > 0 ? &at->queue[at->head] : NULL;
	/* Echo (ATE1, or a modem that ignores ATE0). */
	if (strncasecmp(line, "AT", 2) == 0 && (!at->text_mode ||
	    (c != NULL && strcasecmp(line, c->cmd) == 0)))
		return;
	if (c != NULL && c->body != NULL && strcmp(line, c->body) == 0)
		return;

	if (at_final(line, &result, &code)) {
		if (at->state == AT_IDLE) {
			log_debug("at: a final result with no command "
			    "(late answer after a timeout)");
			return;
		}
		/* A prompt that never came: the modem refused the command. */
		at_complete(at, result, code, line);
		return;
	}
	if (strcmp(line, "2") == 0)	/* RING, numeric */
		line = (char *)"RING";
	if (at_is_urc(line) && !at_is_ours(at, line)) {
		if (at_urc_two_lines(line)) {
			at->urc_head = strdup(line);
			if (at->urc_head != NULL)
				return;
		}
		at_deliver_urc(at, line, NULL);
		return;
	}
	if (at->state == AT_IDLE) {
		/* Unknown unsolicited text: boot banners, vendor lines. */
		at_deliver_urc(at, line, NULL);
		return;
	}
	if (at->n_lines == AT_LINES_MAX) {
		at->too_many = true;
		return;
	}
	if ((p = strdup(line)) == NULL) {
		at->too_many = true;
		return;
	}
	at->lines[at->n_lines++] = p;
}

/* The prompt arrived: write the body and Ctrl-Z. */
static void
at_prompt(struct at *at)
{
	struct at_cmd *c = &at->queue[at->head];

	at->state = AT_WAIT_RESULT;
	at_write_raw(at, c->body, strlen(c->body));
	at_write_raw(at, "\x1a", 1);
}

void
at_feed(struct at *at, const char *data, size_t len)
{
	size_t i;
	char ch;

	for (i = 0; i < len; i++) {
		ch = data[i];
		if (at->skip_space) {
			at->skip_space = false;
			if (ch == ' ')
				continue;
		}
		if (ch == '\r' || ch == '\n') {
			if (at->overflow) {
				at->overflow = false;
				at->dropped++;
				log_warn("at: dropped a line longer than %d "
				    "bytes", AT_LINE_MAX);
			} else if (at->len > 0) {
				at->line[at->len] = '\0';
				at->len = 0;
				at_line(at, at->line);
			}
			at->len = 0;
			continue;
		}
		if (ch == '\0')		/* line noise */
			continue;
		if (ch == '>' && at->len == 0 && at->state == AT_WAIT_PROMPT) {
			at->skip_space = true;
			at_prompt(at);
			continue;
		}
		if (at->overflow)
			continue;
		if (at->len == AT_LINE_MAX) {
			at->overflow = true;
			at->len = 0;
			continue;
		}
		at->line[at->len++] = ch;
	}
}
