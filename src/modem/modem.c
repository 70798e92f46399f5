#include "config.h"

#include "modem/modem.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "modem/at.h"
#include "modem/chan.h"
#include "modem/pdus.h"
#include "modem/quirks.h"
#include "modem/serial.h"
#include "modem/textmode.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"

#define MODEM_DEFAULT_CMD_MS	10000u
#define MODEM_DEFAULT_HEALTH_MS	60000u
#define MODEM_DEFAULT_SWEEP_MS	300000u
#define MODEM_REOPEN_FIRST_MS	250u
#define MODEM_REOPEN_MAX_MS	30000u
#define MODEM_AT_TRIES		5	/* bare ATs before giving up */
#define MODEM_RX_MAX		512	/* receive jobs waiting */
#define MODEM_MEMS_MAX		4	/* storages read */
#define MODEM_TRACK_MAX		256	/* parts awaiting a report */
#define MODEM_STORAGE_WARN	90	/* percent */

enum modem_phase {
	PH_CLOSED = 0,		/* no port; the reopen timer runs */
	PH_PROBE,		/* port = auto: trying ports with AT */
	PH_INIT,		/* the init sequence is running */
	PH_UP,			/* ready for traffic */
	PH_FATAL,		/* needs a person (PIN rejected, PUK) */
	PH_SUSPENDED,		/* released on request */
};

enum init_step {
	S_AT = 0, S_ECHO, S_CMEE, S_CGMI, S_CGMM, S_CGMR, S_CGSN, S_CURC,
	S_ZCDRUN, S_CPIN, S_CPIN_ENTER, S_CMGF, S_CSCS_TEST, S_CSCS, S_CSDH,
	S_CSMS, S_CPMS_TEST,
	S_CPMS_SET, S_CNMI, S_CSCA_SET, S_CSCA, S_DONE,
};

/* AT+CNMI settings, best first (27.005 3.4.1): stored messages and
 * stored reports (+CMTI/+CDSI), then direct reports (+CDS), then mode 1
 * for modems without mode 2, then no reports at all. */
static const char *const cnmi_tries[] = {
	"AT+CNMI=2,1,0,2,0", "AT+CNMI=2,1,0,1,0", "AT+CNMI=1,1,0,2,0",
	"AT+CNMI=1,1,0,1,0", "AT+CNMI=2,1,0,0,0", "AT+CNMI=1,1",
};

/* Baud rates tried when baud = 0 and the modem does not answer. */
static const int baud_tries[] = { 115200, 9600, 57600, 19200, 38400 };

struct modem_tx {
	bool active;
	int64_t id;
	struct pdus_part *parts;
	size_t n, next;
	char refs[256];		/* "12,13" */
	unsigned mrs[16];
	bool report;
	/* text mode: AT+CSMP, then AT+CMGS="number" with parts[0].hex as
	 * the text */
	char number[96];
	char csmp[48];
	int dcs;
};

/* A message storage (27.005 3.2.2: "SM" SIM, "ME" modem, "MT" both) and
 * its use as the last AT+CPMS said. */
struct modem_mem {
	char name[4];
	int used, total;
	bool warned;		/* nearly full, said once */
};

/* What the receive side does, one at a time, each in its storage:
 * selected with AT+CPMS first when another one is. */
enum modem_rx_kind {
	RX_USE = 0,		/* AT+CPMS="X": select, learn the use */
	RX_LIST,		/* everything in it: AT+CMGL=4 (or slots) */
	RX_READ,		/* AT+CMGR=idx */
	RX_DELETE,		/* AT+CMGD=idx: handed over, stored */
};

struct modem_rx {
	enum modem_rx_kind kind;
	char mem[4];
	int idx;
};

/* A sent part waiting for its status report. */
struct modem_track {
	bool used;
	unsigned mr;
	int64_t msg_id;
};

struct modem {
	struct backend *b;
	uv_loop_t *loop;

	/* configuration */
	char *port;
	int baud;
	char *pin;
	char *pin_source;	/* for messages: the file or the variable */
	char *storage;
	char *smsc_cfg;
	char *quirks_spec;
	unsigned cmd_ms, health_ms, sweep_ms;
	bool at_most_once;
	int max_parts;

	/* the port */
	bool auto_port;		/* port = auto: find it by AT */
	char *auto_ports;	/* ... among these (a glob), or NULL: all */
	struct serial_info *probe;	/* candidates while probing */
	size_t n_probe, probe_i;
	struct chan *chan;
	char *stable;		/* reopen by this name */
	enum modem_phase phase;
	uv_timer_t reopen_timer, health_timer, sweep_timer;
	int handles;
	bool closing;
	void (*close_done)(struct backend *b);
	unsigned reopen_ms;

	/* session */
	enum init_step step;
	int at_tries, baud_idx;
	size_t cnmi_try;
	bool pin_rejected;
	int cmgf_fails;		/* AT+CMGF refusals in a row */
	bool text_cfg;		/* text_mode = yes */
	bool text;		/* this session is in text mode */
	enum textmode_cs cs, cs_try[3];	/* AT+CSCS: chosen, to try */
	size_t n_cs, cs_i;
	bool cnma;		/* +CMT/+CDS must be acknowledged */
	bool health_running;
	int escalation;
	unsigned quirks;
	char maker[64], model[64], revision[64], imei[32];
	char smsc[32], operator_name[64];
	int rssi, creg;
	int health_left;	/* answers still due in this round */
	enum backend_state state;
	char detail[256];

	/* storages */
	struct modem_mem mems[MODEM_MEMS_MAX];	/* the ones we read */
	size_t n_mems;
	char mem3[4];		/* where new messages go */
	char cur_mem[4];	/* selected for reading now; "" unknown */

	/* receiving: a ring of jobs, the head one running when rx_busy */
	struct modem_rx rx[MODEM_RX_MAX];
	size_t rx_head, rx_n;
	bool rx_busy;

	/* sending */
	struct modem_tx tx;
	unsigned concat_ref;
	struct modem_track track[MODEM_TRACK_MAX];
	size_t track_next;
};

static void modem_init_run(struct modem *m);
static void modem_lost(struct modem *m, const char *why, unsigned delay_ms);
static void modem_watchdog(struct modem *m);
static void modem_sweep(struct modem *m);
static void modem_rx_run(struct modem *m);
static void modem_health_run(struct modem *m);
static void modem_timers_start(struct modem *m);

int
modem_rssi_dbm(int rssi)
{
	if (rssi < 0 || rssi > 31)
		return 0;
	return -113 + 2 * rssi;
}

int
modem_rssi_bars(int rssi)
{
	if (rssi < 0 || rssi > 31)
		return -1;
	if (rssi == 0)
		return 0;
	if (rssi < 7)
		return 1;
	if (rssi < 12)
		return 2;
	if (rssi < 17)
		return 3;
	if (rssi < 22)
		return 4;
	return 5;
}

const char *
modem_cms_reason(int code, bool *transient)
{
	*transient = false;
	switch (code) {
	case 1:
		return _("the number does not exist (unassigned number)");
	case 8:
		return _("the operator bars this destination");
	case 10:
		return _("outgoing messages are barred on this SIM");
	case 21:
		return _("the network rejected the message");
	case 28:
		return _("the recipient is not known to the network");
	case 29:
		return _("the network refused the request (facility "
		    "rejected)");
	case 50:
		return _("this SIM is not subscribed to sending SMS");
	case 69:
	case 96:
	case 304:
	case 305:
		return _("the modem or network did not accept the message "
		    "format");
	case 330:
		return _("the modem has no SMS centre number; set smsc in "
		    "the configuration");
	case 310:
		return _("there is no SIM card in the modem");
	case 311:
	case 316:
		return _("the SIM needs a PIN or PUK");
	case 17:
	case 22:
	case 27:
	case 38:
	case 41:
	case 42:
	case 47:
	case 98:
	case 111:
	case 127:
		*transient = true;
		return _("the network is temporarily unable to take the "
		    "message");
	case 300:
	case 314:
	case 315:
	case 320:
	case 500:
		*transient = true;
		return _("the modem is busy or failed; will try again");
	case 331:
		*transient = true;
		return _("no network service");
	case 332:
		*transient = true;
		return _("the network did not answer in time");
	default:
		/* Unknown and vendor codes (512+): do not lose the message. */
		*transient = true;
		return _("the modem reported an error; will try again");
	}
}

const char *
modem_cme_reason(int code)
{
	switch (code) {
	case 10:
		return _("there is no SIM card in the modem");
	case 11:
		return _("the SIM needs its PIN");
	case 12:
		return _("the SIM needs its PUK (too many wrong PINs)");
	case 13:
		return _("the SIM card failed");
	case 14:
		return _("the SIM is busy");
	case 16:
		return _("incorrect PIN");
	case 30:
		return _("no network service");
	default:
		return _("the modem reported an error");
	}
}

/* ------------------------------------------------------------------ */
/* State reporting */

static void
modem_set_state(struct modem *m, enum backend_state state, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
modem_set_state(struct modem *m, enum backend_state state, const char *fmt,
    ...)
{
	char detail[sizeof m->detail];
	va_list ap;

	detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	if (state == m->state && strcmp(detail, m->detail) == 0)
		return;
	m->state = state;
	snprintf(m->detail, sizeof m->detail, "%s", detail);
	if (state == BACKEND_UP)
		log_info("modem %s: up (%s)", m->b->name, detail);
	else
		log_warn("modem %s: down: %s", m->b->name, detail);
	if (!m->closing)
		m->b->events->state(m->b->ctx, m->b, state,
		    detail[0] ? m->detail : NULL);
}

/* A storage's name for people: "SIM", "phone", ... */
static const char *
modem_mem_label(const char *name)
{
	if (strcmp(name, "SM") == 0)
		return _("SIM");
	if (strcmp(name, "ME") == 0)
		return _("phone");
	if (strcmp(name, "MT") == 0)
		return _("SIM+phone");
	return name;
}

static bool
modem_mem_nearly_full(const struct modem_mem *mm)
{
	return mm->total > 0 && mm->used * 100 >= mm->total *
	    MODEM_STORAGE_WARN;
}

/* The storage sentence: "SIM 18/20, phone 3/100". */
static void
modem_storage_text(const struct modem *m, char *buf, size_t size)
{
	const struct modem_mem *mm;
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < m->n_mems && len < size; i++) {
		mm = &m->mems[i];
		if (mm->total <= 0)
			continue;
		len += (size_t)snprintf(buf + len, size - len,
		    modem_mem_nearly_full(mm) ? _("%s%s %d/%d, nearly full") :
		    "%s%s %d/%d", len > 0 ? ", " : "",
		    modem_mem_label(mm->name), mm->used, mm->total);
	}
}

/* The storage called name among those we read, or NULL. */
static struct modem_mem *
modem_mem_find(struct modem *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_mems; i++)
		if (strcmp(m->mems[i].name, name) == 0)
			return &m->mems[i];
	return NULL;
}

/* Up when the session is ready and registered; a sentence either way. */
static void
modem_update_state(struct modem *m)
{
	char storage[160];

	if (m->phase != PH_UP)
		return;
	modem_storage_text(m, storage, sizeof storage);
	if (m->creg == 1 || m->creg == 5)
		modem_set_state(m, BACKEND_UP, "%s%s%s",
		    m->operator_name[0] ? m->operator_name : _("registered"),
		    storage[0] ? ", " : "", storage);
	else if (m->creg == 3)
		modem_set_state(m, BACKEND_DOWN,
		    _("the network denied registration"));
	else
		modem_set_state(m, BACKEND_DOWN,
		    _("not registered to a network (searching)"));
}

/* ------------------------------------------------------------------ */
/* Commands */

static int
modem_cmd(struct modem *m, const char *cmd, unsigned ms, at_done_cb cb)
{
	int rc;

	if (m->chan == NULL)
		return SMS_EUNAVAIL;
	if ((rc = at_send(chan_at(m->chan), cmd, ms, cb, m)) < 0)
		log_warn("modem %s: cannot queue %s: %s", m->b->name, cmd,
		    sms_rc_str(rc));
	return rc;
}

/*
 * What every answer goes through: returns true when the caller should
 * stop (cancelled, or timed out and handed to the watchdog).
 */
static bool
modem_stop_on(struct modem *m, const struct at_response *res)
{
	if (m->closing || res->result == AT_RES_CANCELLED)
		return true;
	if (res->result == AT_RES_TIMEOUT) {
		modem_watchdog(m);
		return true;
	}
	m->escalation = 0;
	return false;
}

/* The first intermediate line starting with prefix, its value, or NULL. */
static const char *
modem_find(const struct at_response *res, const char *prefix)
{
	const char *v;
	size_t i;

	for (i = 0; i < res->n_lines; i++)
		if ((v = at_value(res->lines[i], prefix)) != NULL)
			return v;
	return NULL;
}

/* The number after the last comma of an +CMGL/+CMGR/+CMT header (the
 * TPDU length), or -1. */
static int
modem_last_int(const char *line)
{
	const char *p = strrchr(line, ',');
	char *end;
	long n;

	p = p != NULL ? p + 1 : strchr(line, ':');
	if (p == NULL)
		return -1;
	if (*p == ':')
		p++;
	n = strtol(p, &end, 10);
	if (end == p || n < 0 || n > 255)
		return -1;
	return (int)n;
}

/* The first intermediate line, or "". */
static const char *
modem_first_line(const struct at_response *res)
{
	return res->n_lines > 0 ? res->lines[0] : "";
}

static void
copy_field(char *dst, size_t size, const char *src)
{
	size_t n;

	while (*src == ' ' || *src == '"')
		src++;
	n = strcspn(src, "\"");
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ------------------------------------------------------------------ */
/* Watchdog and reconnect */

static void
modem_wd_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;

	if (m->closing || res->result == AT_RES_CANCELLED)
		return;
	if (res->result == AT_RES_TIMEOUT) {
		modem_watchdog(m);
		return;
	}
	if (m->escalation >= 2) {
		/* AT+CFUN=1,1 answered: the modem reboots and usually
		 * leaves the bus; reopen once it is back. */
		modem_lost(m, _("the modem stopped answering and was reset"),
		    2000);
		return;
	}
	log_info("modem %s: answering again", m->b->name);
	m->escalation = 0;
	if (m->phase == PH_INIT) {
		m->step = S_AT;
		modem_init_run(m);
	} else if (m->phase == PH_UP) {
		/* What was cancelled runs again; the selection is unknown. */
		m->rx_busy = m->health_running = false;
		m->cur_mem[0] = '\0';
		modem_health_run(m);
		modem_sweep(m);
		modem_rx_run(m);
	}
}

/*
 * A command got no answer.  Escalate: ESC and a bare AT, then a modem
 * reset (AT+CFUN=1,1), then close the port and reopen it.  Commands
 * still queued are cancelled first (a send in flight is settled by its
 * own callback).
 */
static void
modem_watchdog(struct modem *m)
{
	unsigned short_ms = m->cmd_ms < 3000 ? m->cmd_ms : 3000;

	if (m->chan == NULL)
		return;
	m->escalation++;
	log_warn("modem %s: no answer (step %d of the watchdog)", m->b->name,
	    m->escalation);
	at_cancel_all(chan_at(m->chan));
	if (m->chan == NULL)
		return;
	switch (m->escalation) {
	case 1:
		/* ESC leaves a "> " prompt that swallowed our bytes. */
		at_write_raw(chan_at(m->chan), "\x1b", 1);
		modem_cmd(m, "AT", short_ms, modem_wd_cb);
		break;
	case 2:
		modem_cmd(m, "AT+CFUN=1,1", short_ms, modem_wd_cb);
		break;
	default:
		modem_lost(m, _("the modem stopped answering"), 1000);
		break;
	}
}

static void
modem_chan_urc(void *ctx, const struct at_urc *urc);
static void
modem_chan_hangup(void *ctx);

static const struct chan_ops modem_chan_ops = {
	modem_chan_urc, modem_chan_hangup,
};

static void
modem_session_reset(struct modem *m)
{
	m->step = S_AT;
	m->at_tries = 0;
	m->cnmi_try = 0;
	m->escalation = 0;
	m->rx_busy = m->health_running = false;
	m->rx_head = m->rx_n = 0;
	m->cur_mem[0] = '\0';
	/* Found again each session: the device may be another one. */
	m->text = m->text_cfg;
	m->cs = TEXTMODE_UCS2;
	m->n_cs = m->cs_i = 0;
	m->creg = -1;
	m->rssi = 99;
}

static void modem_reopen_cb(uv_timer_t *h);

/* Back off and try again later. */
static void
modem_reopen_later(struct modem *m)
{
	uv_timer_start(&m->reopen_timer, modem_reopen_cb, m->reopen_ms, 0);
	m->reopen_ms = m->reopen_ms * 2 > MODEM_REOPEN_MAX_MS ?
	    MODEM_REOPEN_MAX_MS : m->reopen_ms * 2;
}

static void modem_probe_next(struct modem *m);

static void
modem_probe_done(struct modem *m)
{
	free(m->probe);
	m->probe = NULL;
	m->n_probe = m->probe_i = 0;
}

static void
modem_probe_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	struct chan *c = m->chan;

	if (m->closing || m->phase != PH_PROBE)
		return;
	if (res->result == AT_RES_OK) {
		log_info("modem %s: %s answers AT", m->b->name,
		    chan_path(c));
		modem_probe_done(m);
		m->stable = strdup(chan_stable_path(c));
		m->reopen_ms = MODEM_REOPEN_FIRST_MS;
		m->phase = PH_INIT;
		modem_session_reset(m);
		modem_init_run(m);
		return;
	}
	if (res->result == AT_RES_CANCELLED)
		return;		/* the hangup moves on */
	m->chan = NULL;
	chan_close(c, NULL, NULL);
	m->probe_i++;
	modem_probe_next(m);
}

/*
 * port = auto: open the candidates one by one and keep the first that
 * answers AT (a dongle's other ports are for data or diagnostics and stay
 * silent).  USB ports only, unless there are none.
 */
static void
modem_probe_next(struct modem *m)
{
	struct sms_err err;
	unsigned ms = m->cmd_ms < 2000 ? m->cmd_ms : 2000;

	for (; m->probe_i < m->n_probe; m->probe_i++) {
		const struct serial_info *p = &m->probe[m->probe_i];

		if (!p->usb && m->probe_i > 0 && m->probe[0].usb)
			continue;
		if (chan_open(&m->chan, m->loop, p->name, m->baud > 0 ?
		    m->baud : 115200, &modem_chan_ops, m, &err) < 0) {
			log_info("modem %s: skipping %s: %s", m->b->name,
			    p->name, err.msg);
			m->chan = NULL;
			continue;
		}
		if (modem_cmd(m, "AT", ms, modem_probe_cb) == 0)
			return;
		chan_close(m->chan, NULL, NULL);
		m->chan = NULL;
	}
	modem_probe_done(m);
	m->phase = PH_CLOSED;
	if (m->auto_ports != NULL)
		modem_set_state(m, BACKEND_DOWN, _("port = auto: no port "
		    "matching %s answers AT (is the modem plugged in?)"),
		    m->auto_ports);
	else
		modem_set_state(m, BACKEND_DOWN, "%s", _("port = auto: no "
		    "serial port answers AT (is the modem plugged in?)"));
	modem_reopen_later(m);
}

/* Sort USB ports first, so that auto tries them before built-in ones. */
static int
modem_probe_order(const void *a, const void *b)
{
	const struct serial_info *x = a, *y = b;

	if (x->usb != y->usb)
		return x->usb ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void
modem_probe_start(struct modem *m)
{
	struct sms_err err;

	if ((m->auto_ports != NULL ? serial_glob(m->auto_ports, &m->probe,
	    &m->n_probe, &err) : serial_list(&m->probe, &m->n_probe,
	    &err)) < 0) {
		modem_set_state(m, BACKEND_DOWN, "%s", err.msg);
		if (m->auto_port) {
			/* Gone: look for it again among all ports. */
			free(m->stable);
			m->stable = NULL;
		}
		modem_reopen_later(m);
		return;
	}
	if (m->n_probe > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(m->probe, m->n_probe, sizeof m->probe[0],
		    modem_probe_order);
	m->probe_i = 0;
	m->phase = PH_PROBE;
	modem_probe_next(m);
}

static void
modem_reopen_cb(uv_timer_t *h)
{
	struct modem *m = h->data;
	struct sms_err err;
	const char *path = m->stable != NULL ? m->stable : m->port;
	int baud;

	if (m->closing || m->chan != NULL || m->phase == PH_FATAL ||
	    m->phase == PH_SUSPENDED)
		return;
	if (m->auto_port && m->stable == NULL) {
		modem_probe_start(m);
		return;
	}
	baud = m->baud > 0 ? m->baud : baud_tries[m->baud_idx];
	sms_err_clear(&err);
	if (chan_open(&m->chan, m->loop, path, baud, &modem_chan_ops, m,
	    &err) < 0) {
		m->chan = NULL;
		modem_set_state(m, BACKEND_DOWN, "%s", err.msg);
		if (m->auto_port) {
			/* Gone: look for it again among all ports. */
			free(m->stable);
			m->stable = NULL;
		}
		modem_reopen_later(m);
		return;
	}
	if (m->stable == NULL)
		m->stable = strdup(chan_stable_path(m->chan));
	log_info("modem %s: opened %s (%s)", m->b->name,
	    chan_path(m->chan), chan_stable_path(m->chan));
	m->reopen_ms = MODEM_REOPEN_FIRST_MS;
	m->phase = PH_INIT;
	modem_session_reset(m);
	modem_init_run(m);
}

/* Close the port, go down with why, and try again after delay_ms. */
static void
modem_lost(struct modem *m, const char *why, unsigned delay_ms)
{
	struct chan *c = m->chan;

	if (m->phase != PH_FATAL && m->phase != PH_SUSPENDED)
		m->phase = PH_CLOSED;
	m->chan = NULL;
	uv_timer_stop(&m->health_timer);
	uv_timer_stop(&m->sweep_timer);
	chan_close(c, NULL, NULL);
	modem_set_state(m, BACKEND_DOWN, "%s", why);
	if (m->phase == PH_CLOSED && !m->closing)
		uv_timer_start(&m->reopen_timer, modem_reopen_cb, delay_ms, 0);
}

/* Stop for good until a person acts (config, resume). */
static void
modem_fatal(struct modem *m, const char *why)
{
	m->phase = PH_FATAL;
	modem_lost(m, why, 0);
}

static void
modem_chan_hangup(void *ctx)
{
	struct modem *m = ctx;
	struct chan *c = m->chan;

	if (m->closing)
		return;
	if (m->phase == PH_PROBE) {
		m->chan = NULL;
		chan_close(c, NULL, NULL);
		m->probe_i++;
		modem_probe_next(m);
		return;
	}
	modem_lost(m, _("the modem went away (unplugged?); waiting for it "
	    "to come back"), MODEM_REOPEN_FIRST_MS);
}

/* ------------------------------------------------------------------ */
/* Init */

/* Whether an AT+CMGF refusal means "no such mode" rather than "not yet":
 * plain ERROR, +CMS ERROR 302-304 or +CME ERROR 3/4 (operation not
 * allowed or not supported). */
static bool
modem_no_such_mode(const struct at_response *res)
{
	switch (res->result) {
	case AT_RES_ERROR:
		return true;
	case AT_RES_CMS_ERROR:
		return res->code >= 302 && res->code <= 304;
	case AT_RES_CME_ERROR:
		return res->code == 3 || res->code == 4;
	default:
		return false;
	}
}

int
modem_cpms_list(const char *v, int list, char (*out)[4], int max)
{
	const char *p = v, *q;
	int group = 0, depth = 0, n = 0;
	size_t len;

	while (p != NULL && *p != '\0') {
		switch (*p) {
		case '(':
			depth++;
			break;
		case ')':
			depth--;
			break;
		case ',':
			if (depth <= 0)
				group++;
			break;
		case '"':
			if ((q = strchr(p + 1, '"')) == NULL)
				return n;
			len = (size_t)(q - p - 1);
			if (group == list && n < max && len > 0 && len < 4) {
				memcpy(out[n], p + 1, len);
				out[n][len] = '\0';
				n++;
			}
			p = q;
			break;
		}
		p++;
	}
	return n;
}

static bool
mem_in(char (*list)[4], int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static void
modem_mem_add(struct modem *m, const char *name)
{
	if (m->n_mems == MODEM_MEMS_MAX || modem_mem_find(m, name) != NULL)
		return;
	memset(&m->mems[m->n_mems], 0, sizeof m->mems[0]);
	snprintf(m->mems[m->n_mems].name, sizeof m->mems[0].name, "%s",
	    name);
	m->n_mems++;
}

/*
 * The storages to read, from the storage key or the AT+CPMS=? answer v
 * (NULL if none): SIM and modem each (MT is both of them: read it only
 * when neither is offered alone, so nothing is read twice), and where
 * new messages go: MT when offered and we read both, else the first.
 */
static void
modem_pick_storage(struct modem *m, const char *v)
{
	char l1[16][4], l3[16][4], name[4];
	const char *p = m->storage;
	int n1, n3;
	size_t n;

	n1 = v != NULL ? modem_cpms_list(v, 0, l1, 16) : 0;
	n3 = v != NULL ? modem_cpms_list(v, 2, l3, 16) : 0;
	m->n_mems = 0;
	while (p != NULL && *p != '\0') {
		p += strspn(p, ", ");
		n = strcspn(p, ", ");
		if (n > 0 && n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			modem_mem_add(m, name);
		}
		p += n;
	}
	if (m->n_mems == 0) {
		if (mem_in(l1, n1, "SM"))
			modem_mem_add(m, "SM");
		if (mem_in(l1, n1, "ME"))
			modem_mem_add(m, "ME");
	}
	if (m->n_mems == 0)
		modem_mem_add(m, mem_in(l1, n1, "MT") ? "MT" :
		    n1 > 0 ? l1[0] : "SM");
	if (mem_in(l3, n3, "MT") && (modem_mem_find(m, "MT") != NULL ||
	    (modem_mem_find(m, "SM") != NULL &&
	    modem_mem_find(m, "ME") != NULL)))
		snprintf(m->mem3, sizeof m->mem3, "MT");
	else
		snprintf(m->mem3, sizeof m->mem3, "%s", m->mems[0].name);
}

static void
modem_init_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	const char *v;
	bool ok = res->result == AT_RES_OK;
	char buf[128];

	if (m->closing || res->result == AT_RES_CANCELLED)
		return;
	if (m->step == S_AT && res->result == AT_RES_TIMEOUT) {
		/* Booting, or the wrong speed. */
		if (++m->at_tries < MODEM_AT_TRIES) {
			if (m->baud == 0 && m->chan != NULL) {
				m->baud_idx = (m->baud_idx + 1) %
				    (int)(sizeof baud_tries /
				    sizeof baud_tries[0]);
				chan_set_baud(m->chan,
				    baud_tries[m->baud_idx], NULL);
			}
			at_write_raw(chan_at(m->chan), "\x1b", 1);
			modem_init_run(m);
			return;
		}
		modem_lost(m, _("the device does not answer AT commands (is "
		    "it the modem's command port?)"), 5000);
		return;
	}
	if (modem_stop_on(m, res))
		return;

	switch (m->step) {
	case S_AT:
	case S_ECHO:
	case S_CMEE:
	case S_CURC:
	case S_ZCDRUN:
		m->step++;
		break;
	case S_CGMI:
		if (ok)
			copy_field(m->maker, sizeof m->maker,
			    modem_first_line(res));
		m->step++;
		break;
	case S_CGMM:
		if (ok)
			copy_field(m->model, sizeof m->model,
			    modem_first_line(res));
		m->quirks = quirks_lookup(m->maker, m->model);
		quirks_apply(m->quirks_spec, &m->quirks, NULL);
		if (m->quirks & QUIRK_TEXT_ONLY)
			m->text = true;
		log_info("modem %s: %s %s, quirks: %s", m->b->name, m->maker,
		    m->model, quirks_format(m->quirks, buf, sizeof buf));
		m->step++;
		break;
	case S_CGMR:
		if (ok)
			copy_field(m->revision, sizeof m->revision,
			    modem_first_line(res));
		m->step++;
		break;
	case S_CGSN:
		if (ok)
			copy_field(m->imei, sizeof m->imei,
			    modem_first_line(res));
		m->step++;
		break;
	case S_CPIN:
		if (res->result == AT_RES_CME_ERROR) {
			if (res->code == 14) {	/* SIM busy: soon */
				modem_lost(m, modem_cme_reason(14), 2000);
				return;
			}
			modem_lost(m, modem_cme_reason(res->code), 30000);
			return;
		}
		v = modem_find(res, "+CPIN");
		if (!ok || v == NULL) {
			modem_lost(m, _("the modem did not say whether the SIM "
			    "needs a PIN"), 10000);
			return;
		}
		if (strncmp(v, "READY", 5) == 0) {
			m->step = S_CMGF;
			break;
		}
		if (strncmp(v, "SIM PIN", 7) == 0 && v[7] == '\0') {
			if (m->pin_rejected) {
				modem_fatal(m, _("the SIM still asks for its "
				    "PIN after rejecting ours; not trying "
				    "again"));
				return;
			}
			if (m->pin == NULL) {
				char why[512];

				snprintf(why, sizeof why, _("the SIM needs a "
				    "PIN: set pin_file in [%s] or the "
				    "environment variable %s"), m->b->section,
				    m->pin_source);
				modem_fatal(m, why);
				return;
			}
			m->step = S_CPIN_ENTER;
			break;
		}
		if (strncmp(v, "SIM PUK", 7) == 0) {
			modem_fatal(m, _("the SIM is locked and needs its PUK "
			    "(too many wrong PINs); unlock it in a phone"));
			return;
		}
		{
			char why[512];

			snprintf(why, sizeof why, _("the SIM asks for "
			    "\"%.64s\", which sms-inbox cannot give"), v);
			modem_fatal(m, why);
		}
		return;
	case S_CPIN_ENTER:
		if (!ok) {
			/* Never again: a SIM locks after three wrong PINs. */
			m->pin_rejected = true;
			snprintf(buf, sizeof buf, "%s", m->pin_source);
			{
				char why[512];

				snprintf(why, sizeof why, _("the SIM rejected "
				    "the PIN from %s; it will not be tried "
				    "again (a SIM locks after three wrong "
				    "PINs): correct it and restart"), buf);
				modem_fatal(m, why);
			}
			return;
		}
		log_info("modem %s: PIN accepted", m->b->name);
		m->step = S_CPIN;
		break;
	case S_CMGF:
		if (ok) {
			m->cmgf_fails = 0;
			m->step++;
			break;
		}
		/* No PDU mode (ERROR, "operation not supported"): text
		 * mode it is. */
		if (!m->text && modem_no_such_mode(res)) {
			log_warn("modem %s: no PDU mode (%s); using text mode",
			    m->b->name, res->final);
			m->text = true;
			break;
		}
		/* Right after the PIN many modems refuse SMS commands for a
		 * few seconds (+CMS ERROR 310-315, 500): try again soon. */
		if (++m->cmgf_fails < 3) {
			modem_lost(m, _("the SIM is not ready for messages "
			    "yet"), 3000);
			return;
		}
		m->cmgf_fails = 0;
		if (!m->text) {
			log_warn("modem %s: PDU mode refused three times (%s); "
			    "trying text mode", m->b->name, res->final);
			m->text = true;
			break;
		}
		modem_fatal(m, _("the modem takes neither PDU mode nor text "
		    "mode (AT+CMGF failed)"));
		return;
	case S_CSCS_TEST:
		m->n_cs = textmode_charsets(ok ? modem_find(res, "+CSCS") :
		    NULL, m->cs_try, 3);
		m->cs_i = 0;
		m->step++;
		break;
	case S_CSCS:
		if (ok) {
			m->cs = m->cs_try[m->cs_i];
			log_info("modem %s: text mode, character set %s",
			    m->b->name, textmode_cs_name(m->cs));
			m->step++;
		} else if (++m->cs_i >= m->n_cs) {
			log_warn("modem %s: no character set accepted; "
			    "assuming IRA (ASCII)", m->b->name);
			m->cs = TEXTMODE_IRA;
			m->step++;
		}
		break;
	case S_CSDH:
		/* Optional: the header then shows <fo> and <dcs>. */
		m->step++;
		break;
	case S_CSMS:
		/* +CSMS: <service>,...: service 1 wants +CNMA for +CMT. */
		v = modem_find(res, "+CSMS");
		m->cnma = ok && v != NULL && atoi(v) == 1;
		m->step++;
		break;
	case S_CPMS_TEST:
		modem_pick_storage(m, ok ? modem_find(res, "+CPMS") : NULL);
		m->step++;
		break;
	case S_CPMS_SET:
		v = modem_find(res, "+CPMS");
		if (!ok || v == NULL || sscanf(v, "%d,%d", &m->mems[0].used,
		    &m->mems[0].total) != 2) {
			log_warn("modem %s: cannot select storage %s",
			    m->b->name, m->mems[0].name);
			m->mems[0].used = m->mems[0].total = 0;
		} else
			snprintf(m->cur_mem, sizeof m->cur_mem, "%s",
			    m->mems[0].name);
		m->step++;
		break;
	case S_CNMI:
		if (!ok && ++m->cnmi_try < sizeof cnmi_tries /
		    sizeof cnmi_tries[0])
			break;
		if (!ok)
			log_warn("modem %s: no new-message indications; "
			    "relying on the periodic sweep", m->b->name);
		m->step++;
		break;
	case S_CSCA_SET:
		if (!ok)
			log_warn("modem %s: cannot set the SMS centre",
			    m->b->name);
		m->step++;
		break;
	case S_CSCA:
		v = modem_find(res, "+CSCA");
		if (ok && v != NULL)
			copy_field(m->smsc, sizeof m->smsc, v);
		m->step++;
		break;
	case S_DONE:
		break;
	}
	modem_init_run(m);
}

/* Send the command for the current step, skipping those that do not
 * apply; at S_DONE the session is up. */
static void
modem_init_run(struct modem *m)
{
	char cmd[128];
	unsigned ms = m->cmd_ms;

	for (;;) {
		cmd[0] = '\0';
		switch (m->step) {
		case S_AT:
			snprintf(cmd, sizeof cmd, "AT");
			ms = m->cmd_ms < 2000 ? m->cmd_ms : 2000;
			break;
		case S_ECHO:
			snprintf(cmd, sizeof cmd, "ATE0");
			break;
		case S_CMEE:
			snprintf(cmd, sizeof cmd, "AT+CMEE=1");
			break;
		case S_CGMI:
			snprintf(cmd, sizeof cmd, "AT+CGMI");
			break;
		case S_CGMM:
			snprintf(cmd, sizeof cmd, "AT+CGMM");
			break;
		case S_CGMR:
			snprintf(cmd, sizeof cmd, "AT+CGMR");
			break;
		case S_CGSN:
			snprintf(cmd, sizeof cmd, "AT+CGSN");
			break;
		case S_CURC:
			if (m->quirks & QUIRK_HUAWEI_CURC)
				snprintf(cmd, sizeof cmd, "AT^CURC=0");
			break;
		case S_ZCDRUN:
			if (m->quirks & QUIRK_ZTE_ZCDRUN)
				snprintf(cmd, sizeof cmd, "AT+ZCDRUN=8");
			break;
		case S_CPIN:
			snprintf(cmd, sizeof cmd, "AT+CPIN?");
			break;
		case S_CPIN_ENTER:
			snprintf(cmd, sizeof cmd, "AT+CPIN=\"%s\"", m->pin);
			break;
		case S_CMGF:
			at_set_text_mode(chan_at(m->chan), m->text);
			snprintf(cmd, sizeof cmd, "AT+CMGF=%d", m->text ? 1 : 0);
			break;
		case S_CSCS_TEST:
			if (m->text)
				snprintf(cmd, sizeof cmd, "AT+CSCS=?");
			break;
		case S_CSCS:
			if (m->text && m->n_cs > 0)
				snprintf(cmd, sizeof cmd, "AT+CSCS=\"%s\"",
				    textmode_cs_name(m->cs_try[m->cs_i]));
			break;
		case S_CSDH:
			if (m->text)
				snprintf(cmd, sizeof cmd, "AT+CSDH=1");
			break;
		case S_CSMS:
			snprintf(cmd, sizeof cmd, "AT+CSMS?");
			break;
		case S_CPMS_TEST:
			snprintf(cmd, sizeof cmd, "AT+CPMS=?");
			break;
		case S_CPMS_SET:
			snprintf(cmd, sizeof cmd,
			    "AT+CPMS=\"%s\",\"%s\",\"%s\"", m->mems[0].name,
			    m->mems[0].name, m->mem3);
			break;
		case S_CNMI:
			if (!(m->quirks & QUIRK_NO_CNMI))
				snprintf(cmd, sizeof cmd, "%s",
				    cnmi_tries[m->cnmi_try]);
			break;
		case S_CSCA_SET:
			if (m->smsc_cfg != NULL)
				snprintf(cmd, sizeof cmd,
				    "AT+CSCA=\"%s\",%d", m->smsc_cfg,
				    m->smsc_cfg[0] == '+' ? 145 : 129);
			break;
		case S_CSCA:
			snprintf(cmd, sizeof cmd, "AT+CSCA?");
			break;
		case S_DONE:
			break;
		}
		if (cmd[0] != '\0' || m->step == S_DONE)
			break;
		m->step++;
	}
	if (m->step != S_DONE) {
		modem_cmd(m, cmd, ms, modem_init_cb);
		return;
	}
	m->phase = PH_UP;
	explicit_bzero(cmd, sizeof cmd);
	log_info("modem %s: ready (%s %s, SMSC %s)", m->b->name, m->maker,
	    m->model, m->smsc[0] ? m->smsc : "?");
	modem_timers_start(m);
	modem_health_run(m);
	modem_sweep(m);
}

/* ------------------------------------------------------------------ */
/* Health */

static void modem_rx_add(struct modem *m, enum modem_rx_kind kind,
    const char *mem, int idx);

static void
modem_health_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	const char *v;
	int n, stat;

	if (modem_stop_on(m, res)) {
		m->health_running = false;
		return;
	}
	if ((v = modem_find(res, "+CSQ")) != NULL)
		m->rssi = atoi(v);
	if ((v = modem_find(res, "+CREG")) != NULL) {
		if (sscanf(v, "%d,%d", &n, &stat) == 2)
			m->creg = stat;
		else
			m->creg = atoi(v);
	}
	if ((v = modem_find(res, "+COPS")) != NULL) {
		const char *q = strchr(v, '"');

		if (q != NULL)
			copy_field(m->operator_name, sizeof m->operator_name,
			    q);
	}
	if (--m->health_left <= 0) {
		/* The last of the round. */
		m->health_running = false;
		modem_update_state(m);
	}
}

/* Signal, registration and operator; the storages' use comes from
 * selecting each (RX_USE), in turn with the receive work. */
static void
modem_health_run(struct modem *m)
{
	size_t i;

	if (m->phase != PH_UP || m->health_running || m->chan == NULL)
		return;
	m->health_running = true;
	m->health_left = 0;
	if (modem_cmd(m, "AT+CSQ", m->cmd_ms, modem_health_cb) == 0)
		m->health_left++;
	if (modem_cmd(m, "AT+CREG?", m->cmd_ms, modem_health_cb) == 0)
		m->health_left++;
	if (modem_cmd(m, "AT+COPS?", m->cmd_ms, modem_health_cb) == 0)
		m->health_left++;
	if (m->health_left == 0)
		m->health_running = false;
	for (i = 0; i < m->n_mems; i++)
		modem_rx_add(m, RX_USE, m->mems[i].name, 0);
}

static void
modem_health_timer_cb(uv_timer_t *h)
{
	struct modem *m = h->data;

	modem_health_run(m);
}

/* ------------------------------------------------------------------ */
/* Receiving */

/*
 * Hand a status report on, as the report of one part: the store combines
 * the parts of a message (delivered once all are), which also works for
 * parts sent before a restart.  The message id comes from the newest sent
 * part with that reference, when this session sent it.
 */
static void
modem_report(struct modem *m, const struct pdus_decoded *d)
{
	struct backend_status st;
	struct modem_track *t = NULL;
	char ref[16];
	size_t i, k;

	memset(&st, 0, sizeof st);
	snprintf(ref, sizeof ref, "%u", d->mr);
	st.remote_ref = ref;
	st.part = true;
	st.state = d->st_state;
	st.error_code = d->st;
	st.at = d->st_at;
	st.error_text = d->st_state != MSG_DELIVERED ? d->st_text : NULL;
	for (i = 0; i < MODEM_TRACK_MAX; i++) {
		k = (m->track_next + MODEM_TRACK_MAX - 1 - i) %
		    MODEM_TRACK_MAX;
		if (m->track[k].used && m->track[k].mr == d->mr) {
			t = &m->track[k];
			break;
		}
	}
	if (t != NULL) {
		st.msg_id = t->msg_id;
		/* A final report ends the part; "still trying" does not. */
		if (d->st_state != MSG_SENT)
			t->used = false;
	}
	m->b->events->status(m->b->ctx, m->b, &st);
}

/* Handle one stored or direct PDU; returns true when it may be deleted. */
static bool
modem_handle_pdu(struct modem *m, const char *mem, int idx, const char *hex,
    int tpdu_len)
{
	struct pdus_decoded *d;
	struct sms_err err;
	bool done = false;
	int rc;

	if ((d = malloc(sizeof *d)) == NULL)
		return false;
	sms_err_clear(&err);
	if (pdus_decode(hex, tpdu_len, (m->quirks & QUIRK_UCS2_UTF8) != 0, d,
	    &err) < 0) {
		log_warn("modem %s: keeping undecodable message at %s %d: "
		    "%s", m->b->name, mem, idx, err.msg);
		free(d);
		return false;
	}
	if (d->kind == PDUS_STATUS) {
		modem_report(m, d);
		done = true;
	} else if (d->kind == PDUS_OTHER) {
		log_debug("modem %s: leaving a stored outgoing message at "
		    "%s %d alone", m->b->name, mem, idx);
	} else {
		rc = m->b->events->inbound(m->b->ctx, m->b, &d->in);
		done = rc == 0;
		if (!done)
			log_warn("modem %s: message at %s %d not stored "
			    "yet; keeping it on the modem", m->b->name, mem,
			    idx);
	}
	free(d);
	return done;
}

/* The same for a message read in text mode: header is the value after
 * "+CMGR:" etc., lines its text. */
static bool
modem_handle_text(struct modem *m, const char *mem, int idx,
    enum textmode_kind kind, const char *header, const char *const *lines,
    size_t n_lines)
{
	struct textmode_msg *t;
	struct pdus_decoded *d = NULL;
	struct backend_inbound in;
	bool done = false;

	if ((t = malloc(sizeof *t)) == NULL)
		return false;
	if (textmode_parse(kind, header, lines, n_lines, m->cs,
	    (m->quirks & QUIRK_UCS2_UTF8) != 0, t) < 0) {
		log_warn("modem %s: keeping a message at %s %d whose header "
		    "is not understood", m->b->name, mem, idx);
		goto out;
	}
	if (t->report) {
		if ((d = calloc(1, sizeof *d)) == NULL)
			goto out;
		d->kind = PDUS_STATUS;
		d->mr = t->mr;
		d->st = t->st;
		d->st_state = t->st_state;
		d->st_at = t->sent_at;
		d->st_text = t->st_text;
		modem_report(m, d);
		done = true;
		goto out;
	}
	memset(&in, 0, sizeof in);
	in.from = t->from;
	in.body = t->body;
	in.sent_at = t->sent_at;
	in.tz_quarters = t->tz_quarters;
	/* Parts of a concatenated message come as they are: text mode
	 * does not show their header reliably enough to join them. */
	done = m->b->events->inbound(m->b->ctx, m->b, &in) == 0;
	if (!done)
		log_warn("modem %s: message at %s %d not stored yet; keeping "
		    "it on the modem", m->b->name, mem, idx);
out:
	free(d);
	free(t);
	return done;
}

/* The job i places after the head; i < rx_n. */
static struct modem_rx *
modem_rx_at(struct modem *m, size_t i)
{
	return &m->rx[(m->rx_head + i) % MODEM_RX_MAX];
}

static bool
modem_rx_queued(struct modem *m, enum modem_rx_kind kind, const char *mem,
    int idx)
{
	struct modem_rx *j;
	size_t i;

	for (i = 0; i < m->rx_n; i++) {
		j = modem_rx_at(m, i);
		if (j->kind == kind && strcmp(j->mem, mem) == 0 &&
		    (kind == RX_USE || kind == RX_LIST || j->idx == idx))
			return true;
	}
	return false;
}

/*
 * Queue receive work.  A read is not queued twice, nor once its delete
 * is on the way (it was handed over); a full ring drops reads and lists
 * (the next sweep finds what they would have) but never a delete.
 */
static void
modem_rx_add(struct modem *m, enum modem_rx_kind kind, const char *mem,
    int idx)
{
	struct modem_rx *j;

	if (mem == NULL || mem[0] == '\0')
		mem = m->n_mems > 0 ? m->mems[0].name : "SM";
	if (modem_rx_queued(m, kind, mem, idx) ||
	    (kind == RX_READ && modem_rx_queued(m, RX_DELETE, mem, idx)))
		return;
	if (m->rx_n == MODEM_RX_MAX) {
		log_warn("modem %s: too much to read at once; the next sweep "
		    "catches up", m->b->name);
		return;
	}
	j = modem_rx_at(m, m->rx_n);
	j->kind = kind;
	snprintf(j->mem, sizeof j->mem, "%s", mem);
	j->idx = idx;
	m->rx_n++;
	modem_rx_run(m);
}

/* The running job is done: drop it and start the next. */
static void
modem_rx_next(struct modem *m)
{
	if (m->rx_n > 0) {
		m->rx_head = (m->rx_head + 1) % MODEM_RX_MAX;
		m->rx_n--;
	}
	m->rx_busy = false;
	modem_rx_run(m);
}

/* Whether an answer ends the job here: cancelled (it runs again after
 * recovery) or timed out (the watchdog's now). */
static bool
modem_rx_stop_on(struct modem *m, const struct at_response *res)
{
	if (m->closing)
		return true;
	if (res->result == AT_RES_CANCELLED || res->result == AT_RES_TIMEOUT) {
		m->rx_busy = false;
		(void)modem_stop_on(m, res);
		return true;
	}
	(void)modem_stop_on(m, res);
	return false;
}

/* Storage use from an AT+CPMS=... answer (used1,total1,...): warn once
 * when nearly full and read it out. */
static void
modem_mem_use(struct modem *m, const char *mem, const char *v)
{
	struct modem_mem *mm = modem_mem_find(m, mem);
	char storage[160];

	if (mm == NULL || v == NULL ||
	    sscanf(v, "%d,%d", &mm->used, &mm->total) != 2)
		return;
	if (!modem_mem_nearly_full(mm)) {
		mm->warned = false;
		return;
	}
	if (!mm->warned) {
		modem_storage_text(m, storage, sizeof storage);
		log_warn("modem %s: message storage nearly full (%s); reading "
		    "it out", m->b->name, storage);
	}
	mm->warned = true;
	modem_rx_add(m, RX_LIST, mem, 0);
}

static void
modem_select_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	struct modem_rx *j = modem_rx_at(m, 0);

	if (modem_rx_stop_on(m, res))
		return;
	const char *use = modem_find(res, "+CPMS");
	enum modem_rx_kind kind = j->kind;
	struct modem_mem *mm;
	char mem[4];
	int i, first;

	if (res->result != AT_RES_OK) {
		log_warn("modem %s: cannot select storage %s (%s)",
		    m->b->name, j->mem, res->final);
		m->cur_mem[0] = '\0';
		modem_rx_next(m);
		return;
	}
	snprintf(m->cur_mem, sizeof m->cur_mem, "%s", j->mem);
	snprintf(mem, sizeof mem, "%s", j->mem);
	if (kind == RX_USE || (kind == RX_LIST &&
	    (m->quirks & QUIRK_NO_CMGL))) {
		modem_rx_next(m);
		modem_mem_use(m, mem, use);
		if (kind == RX_USE) {
			modem_update_state(m);
			return;
		}
		/* Slot by slot: every index the storage has. */
		mm = modem_mem_find(m, mem);
		first = (m->quirks & QUIRK_INDEX0) ? 0 : 1;
		for (i = 0; mm != NULL && i < mm->total; i++)
			modem_rx_add(m, RX_READ, mem, first + i);
		return;
	}
	/* Now the job itself. */
	m->rx_busy = false;
	modem_rx_run(m);
	modem_mem_use(m, mem, use);
}

static void
modem_delete_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	struct modem_rx *j = modem_rx_at(m, 0);
	struct modem_mem *mm;

	if (modem_rx_stop_on(m, res))
		return;
	if (res->result == AT_RES_OK &&
	    (mm = modem_mem_find(m, j->mem)) != NULL && mm->used > 0) {
		mm->used--;
		modem_update_state(m);
	} else if (res->result != AT_RES_OK)
		log_warn("modem %s: cannot delete message %s %d (%s); the "
		    "next sweep offers it again", m->b->name, j->mem, j->idx,
		    res->final);
	modem_rx_next(m);
}

/* Delete a message that was handed over: no read of it may follow. */
static void
modem_delete(struct modem *m, const char *mem, int idx)
{
	struct modem_rx *j;
	size_t i;

	if (idx < 0)
		return;
	for (i = m->rx_busy ? 1 : 0; i < m->rx_n; i++) {
		j = modem_rx_at(m, i);
		if (j->kind == RX_READ && j->idx == idx &&
		    strcmp(j->mem, mem) == 0)
			j->idx = -1;	/* skipped when its turn comes */
	}
	modem_rx_add(m, RX_DELETE, mem, idx);
}

static void
modem_read_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	struct modem_rx *j = modem_rx_at(m, 0);
	char mem[4];
	int idx = j->idx;

	if (modem_rx_stop_on(m, res))
		return;
	snprintf(mem, sizeof mem, "%s", j->mem);
	modem_rx_next(m);
	if (modem_rx_queued(m, RX_DELETE, mem, idx))
		;	/* a sweep handed it over meanwhile */
	else if (m->text && res->result == AT_RES_OK && res->n_lines >= 1 &&
	    at_value(res->lines[0], "+CMGR") != NULL) {
		if (modem_handle_text(m, mem, idx, TEXTMODE_CMGR,
		    at_value(res->lines[0], "+CMGR"), res->lines + 1,
		    res->n_lines - 1))
			modem_delete(m, mem, idx);
	} else if (res->result == AT_RES_OK && res->n_lines >= 2 &&
	    at_value(res->lines[0], "+CMGR") != NULL) {
		if (modem_handle_pdu(m, mem, idx, res->lines[1],
		    modem_last_int(res->lines[0])))
			modem_delete(m, mem, idx);
	} else if (res->result != AT_RES_OK && res->code != 321)
		log_warn("modem %s: cannot read message %s %d: %s",
		    m->b->name, mem, idx, res->final);
}

static void
modem_list_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	struct modem_rx *j = modem_rx_at(m, 0);
	const char *v;
	char mem[4];
	size_t i;
	int idx;

	if (modem_rx_stop_on(m, res))
		return;
	snprintf(mem, sizeof mem, "%s", j->mem);
	modem_rx_next(m);
	if (res->result != AT_RES_OK) {
		log_warn("modem %s: listing messages failed (%s); reading "
		    "slot by slot from now on", m->b->name, res->final);
		m->quirks |= QUIRK_NO_CMGL;
		modem_rx_add(m, RX_LIST, mem, 0);
		return;
	}
	for (i = 0; m->text && i < res->n_lines; i++) {
		size_t k;

		if ((v = at_value(res->lines[i], "+CMGL")) == NULL)
			continue;
		/* Its text runs to the next header. */
		for (k = i + 1; k < res->n_lines &&
		    at_value(res->lines[k], "+CMGL") == NULL; k++)
			;
		idx = atoi(v);
		if (!modem_rx_queued(m, RX_DELETE, mem, idx) &&
		    modem_handle_text(m, mem, idx, TEXTMODE_CMGL, v,
		    res->lines + i + 1, k - i - 1))
			modem_delete(m, mem, idx);
		i = k - 1;
	}
	for (i = 0; !m->text && i + 1 < res->n_lines; i++) {
		if ((v = at_value(res->lines[i], "+CMGL")) == NULL)
			continue;
		idx = atoi(v);
		if (!modem_rx_queued(m, RX_DELETE, mem, idx) &&
		    modem_handle_pdu(m, mem, idx, res->lines[i + 1],
		    modem_last_int(v)))
			modem_delete(m, mem, idx);
		i++;
	}
}

/* Start the job at the head: select its storage first when another one
 * is selected (or to learn the use: RX_USE, and RX_LIST for fresh
 * counts). */
static void
modem_rx_run(struct modem *m)
{
	struct modem_rx *j;
	char cmd[32];
	int rc;

	while (!m->rx_busy && m->rx_n > 0 && m->phase == PH_UP &&
	    m->chan != NULL && !m->closing) {
		j = modem_rx_at(m, 0);
		if (j->kind != RX_USE && j->kind != RX_LIST && j->idx < 0) {
			modem_rx_next(m);	/* dropped: handed over */
			return;
		}
		m->rx_busy = true;
		if (j->kind == RX_USE || strcmp(m->cur_mem, j->mem) != 0 ||
		    (j->kind == RX_LIST && j->idx == 0)) {
			if (j->kind == RX_LIST)
				j->idx = 1;	/* selected, counts fresh */
			snprintf(cmd, sizeof cmd, "AT+CPMS=\"%s\"", j->mem);
			rc = modem_cmd(m, cmd, m->cmd_ms, modem_select_cb);
		} else if (j->kind == RX_READ) {
			snprintf(cmd, sizeof cmd, "AT+CMGR=%d", j->idx);
			rc = modem_cmd(m, cmd, m->cmd_ms, modem_read_cb);
		} else if (j->kind == RX_DELETE) {
			snprintf(cmd, sizeof cmd, "AT+CMGD=%d", j->idx);
			rc = modem_cmd(m, cmd, m->cmd_ms, modem_delete_cb);
		} else {
			rc = modem_cmd(m, "AT+CMGL=4", m->cmd_ms * 3,
			    modem_list_cb);
		}
		if (rc < 0)
			m->rx_busy = false;
		return;
	}
}

/* Read everything stored, storage by storage. */
static void
modem_sweep(struct modem *m)
{
	size_t i;

	if (m->phase != PH_UP || m->chan == NULL)
		return;
	for (i = 0; i < m->n_mems; i++)
		modem_rx_add(m, RX_LIST, m->mems[i].name, 0);
}

static void
modem_sweep_timer_cb(uv_timer_t *h)
{
	struct modem *m = h->data;

	modem_sweep(m);
}

static void
modem_cnma_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;

	(void)modem_stop_on(m, res);
}

static void
modem_chan_urc(void *ctx, const struct at_urc *urc)
{
	struct modem *m = ctx;
	struct modem_mem *mm;
	const char *v;
	char mem[4];

	if (m->closing)
		return;
	if ((v = at_value(urc->line, "+CMTI")) != NULL ||
	    (v = at_value(urc->line, "+CDSI")) != NULL) {
		/* +CMTI: <mem>,<index> (27.005 3.4.1); the storage may be
		 * one we do not sweep ("SR", "MT"): read it there. */
		mem[0] = '\0';
		if (*v == '"')
			copy_field(mem, sizeof mem, v);
		if ((mm = modem_mem_find(m, mem)) != NULL) {
			mm->used++;
			modem_update_state(m);
		}
		v = strchr(v, ',');
		if (v != NULL)
			modem_rx_add(m, RX_READ, mem, atoi(v + 1));
		return;
	}
	if (m->text && ((v = at_value(urc->line, "+CMT")) != NULL ||
	    (v = at_value(urc->line, "+CDS")) != NULL)) {
		bool cmt = at_value(urc->line, "+CMT") != NULL;

		if (!modem_handle_text(m, "-", -1, cmt ? TEXTMODE_CMT :
		    TEXTMODE_CDS, v, &urc->pdu, urc->pdu != NULL ? 1 : 0))
			log_err("modem %s: a directly delivered message could "
			    "not be stored", m->b->name);
		if (m->cnma)
			modem_cmd(m, "AT+CNMA", m->cmd_ms, modem_cnma_cb);
		return;
	}
	if (at_value(urc->line, "+CMT") != NULL ||
	    at_value(urc->line, "+CDS") != NULL) {
		if (urc->pdu == NULL)
			return;
		if (!modem_handle_pdu(m, "-", -1, urc->pdu,
		    modem_last_int(urc->line)))
			log_err("modem %s: a directly delivered message could "
			    "not be stored", m->b->name);
		if (m->cnma)
			modem_cmd(m, "AT+CNMA", m->cmd_ms, modem_cnma_cb);
		return;
	}
	if ((v = at_value(urc->line, "+CREG")) != NULL ||
	    (v = at_value(urc->line, "+CGREG")) != NULL) {
		/* Unsolicited: +CREG: <stat>[,<lac>,<ci>] (27.007 7.2). */
		if (at_value(urc->line, "+CREG") != NULL) {
			m->creg = atoi(v);
			modem_update_state(m);
		}
		return;
	}
	if ((v = at_value(urc->line, "^RSSI")) != NULL) {
		m->rssi = atoi(v);
		return;
	}
	if (strncmp(urc->line, "^SMMEMFULL", 10) == 0 ||
	    (strstr(urc->line, "SMSFULL") != NULL &&
	    strncmp(urc->line, "+CIEV", 5) == 0)) {
		log_warn("modem %s: message storage full; reading it out",
		    m->b->name);
		v = strchr(urc->line, '"');
		for (mm = m->mems; mm < m->mems + m->n_mems; mm++)
			if (v == NULL || strncmp(v + 1, mm->name,
			    strlen(mm->name)) == 0)
				mm->used = mm->total;
		modem_update_state(m);
		modem_sweep(m);
		return;
	}
	/* Rebooted under us (SIM800 says RDY, Siemens/Cinterion ^SYSSTART;
	 * Huawei's ^BOOT is a heartbeat, not a restart): start over. */
	if (strncmp(urc->line, "^SYSSTART", 9) == 0 ||
	    strcmp(urc->line, "RDY") == 0) {
		if (m->phase == PH_UP) {
			log_warn("modem %s: the modem restarted", m->b->name);
			m->phase = PH_INIT;
			modem_session_reset(m);
			modem_init_run(m);
		}
		return;
	}
	log_debug("modem %s: unsolicited \"%s\"", m->b->name, urc->line);
}

/* ------------------------------------------------------------------ */
/* Sending */

static void
modem_tx_clear(struct modem *m)
{
	pdus_parts_free(m->tx.parts, m->tx.n);
	memset(&m->tx, 0, sizeof m->tx);
}

static void modem_tx_part(struct modem *m);

static void
modem_tx_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	struct backend *b = m->b;
	const char *v, *reason;
	char why[512];
	int64_t id = m->tx.id;
	size_t parts, i;
	bool transient;

	if (m->closing || !m->tx.active)
		return;
	if (res->result == AT_RES_OK &&
	    (v = modem_find(res, "+CMGS")) != NULL) {
		m->escalation = 0;
		i = m->tx.next;
		m->tx.mrs[i] = (unsigned)atoi(v);
		snprintf(m->tx.refs + strlen(m->tx.refs),
		    sizeof m->tx.refs - strlen(m->tx.refs), "%s%u",
		    i > 0 ? "," : "", m->tx.mrs[i]);
		if (++m->tx.next < m->tx.n) {
			modem_tx_part(m);
			return;
		}
		parts = m->tx.n;
		if (m->tx.report) {
			for (i = 0; i < parts; i++) {
				struct modem_track *t =
				    &m->track[m->track_next];

				t->used = true;
				t->mr = m->tx.mrs[i];
				t->msg_id = id;
				m->track_next = (m->track_next + 1) %
				    MODEM_TRACK_MAX;
			}
		}
		snprintf(why, sizeof why, "%s", m->tx.refs);
		modem_tx_clear(m);
		b->events->submitted(b->ctx, b, id, why, (int)parts);
		return;
	}
	switch (res->result) {
	case AT_RES_CMS_ERROR:
		reason = modem_cms_reason(res->code, &transient);
		snprintf(why, sizeof why, "%s (+CMS ERROR: %d)", reason,
		    res->code);
		break;
	case AT_RES_TIMEOUT:
	case AT_RES_CANCELLED:
		if (!res->body_written && m->tx.next == 0) {
			transient = true;
			snprintf(why, sizeof why, "%s", _("the modem went "
			    "away before the message was sent"));
		} else if (m->at_most_once) {
			transient = false;
			snprintf(why, sizeof why, "%s", _("the modem went "
			    "away while sending; the message may or may "
			    "not have gone out and is not sent again "
			    "(resend_policy = at-most-once)"));
		} else {
			transient = true;
			snprintf(why, sizeof why, "%s", _("the modem went "
			    "away while sending; sending again "
			    "(resend_policy = at-least-once)"));
		}
		break;
	default:
		transient = true;
		snprintf(why, sizeof why, _("the modem refused the message "
		    "(%s)"), res->final[0] ? res->final : "ERROR");
		break;
	}
	modem_tx_clear(m);
	b->events->send_failed(b->ctx, b, id, transient,
	    transient ? 30 : 0, res->code, why);
	if (res->result == AT_RES_TIMEOUT)
		modem_watchdog(m);
}

/* Text mode: the message parameters went in; now the message. */
static void
modem_csmp_cb(void *data, const struct at_response *res)
{
	struct modem *m = data;
	struct at_response fail;
	char cmd[128];

	if (m->closing || !m->tx.active)
		return;
	if (res->result == AT_RES_CANCELLED || res->result == AT_RES_TIMEOUT) {
		modem_tx_cb(m, res);
		return;
	}
	/* Without them the modem's defaults apply (gammu goes on too), but
	 * UCS-2 data would then go out as its hex digits. */
	if (res->result != AT_RES_OK && m->tx.dcs != 0) {
		memset(&fail, 0, sizeof fail);
		fail.result = AT_RES_CMS_ERROR;
		fail.code = 304;
		fail.final = res->final;
		modem_tx_cb(m, &fail);
		return;
	}
	if (res->result != AT_RES_OK)
		log_warn("modem %s: %s refused (%s); sending with the modem's "
		    "defaults", m->b->name, m->tx.csmp, res->final);
	snprintf(cmd, sizeof cmd, "AT+CMGS=\"%s\"", m->tx.number);
	if (at_send_with_body(chan_at(m->chan), cmd, m->tx.parts[0].hex,
	    m->cmd_ms * 6, modem_tx_cb, m) < 0) {
		memset(&fail, 0, sizeof fail);
		fail.result = AT_RES_CANCELLED;
		fail.final = "";
		modem_tx_cb(m, &fail);
	}
}

static void
modem_tx_part(struct modem *m)
{
	struct pdus_part *p = &m->tx.parts[m->tx.next];
	char cmd[32];

	if (m->text) {
		if (modem_cmd(m, m->tx.csmp, m->cmd_ms, modem_csmp_cb) < 0) {
			struct at_response res = { AT_RES_CANCELLED, 0, "",
			    NULL, 0, false };

			modem_tx_cb(m, &res);
		}
		return;
	}

	snprintf(cmd, sizeof cmd, "AT+CMGS=%d", p->tpdu_len);
	/* 27.005 allows the network a while to answer +CMGS. */
	if (at_send_with_body(chan_at(m->chan), cmd, p->hex,
	    m->cmd_ms * 6, modem_tx_cb, m) < 0) {
		struct at_response res = { AT_RES_CANCELLED, 0, "", NULL, 0,
		    false };

		modem_tx_cb(m, &res);
	}
}

/* ------------------------------------------------------------------ */
/* The backend operations */

static void
modem_free(struct modem *m)
{
	if (m == NULL)
		return;
	modem_tx_clear(m);
	modem_probe_done(m);
	if (m->pin != NULL)
		explicit_bzero(m->pin, strlen(m->pin));
	free(m->pin);
	free(m->pin_source);
	free(m->port);
	free(m->storage);
	free(m->smsc_cfg);
	free(m->quirks_spec);
	free(m->stable);
	free(m->auto_ports);
	free(m);
}

/* The storage key: names such as SM, ME, MT, separated by commas. */
static int
modem_storage_check(const char *spec, const char *sec, struct sms_err *err)
{
	const char *p = spec;
	size_t n, i, count = 0;

	while (p != NULL && *p != '\0') {
		p += strspn(p, ", ");
		if ((n = strcspn(p, ", ")) == 0)
			break;
		for (i = 0; i < n; i++)
			if (!isupper((unsigned char)p[i]))
				break;
		if (n != 2 || i != n || ++count > MODEM_MEMS_MAX)
			return sms_err_set(err, SMS_ECONFIG, _("[%s]: storage "
			    "takes up to %d storage names such as SM (SIM), "
			    "ME (modem) or MT (both), separated by commas"),
			    sec, MODEM_MEMS_MAX);
		p += n;
	}
	return 0;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int
modem_open(struct backend *b, uv_loop_t *loop, const struct conf *cfg,
    struct sms_err *err)
{
	const char *sec = b->section;
	const char *port;
	char env[128];
	struct modem *m;
	struct stat st;
	unsigned q = 0;
	size_t i;
	int rc;

	port = conf_get(cfg, sec, "port");
	if (port == NULL || *port == '\0')
		return sms_err_set(err, SMS_ECONFIG,
		    _("[%s]: set port to the modem's device, e.g. "
		    "/dev/ttyUSB0 (\"sms-inbox modem list\" shows them)"), sec);
	if (strcmp(port, "auto") != 0 && stat(port, &st) == 0 &&
	    !S_ISCHR(st.st_mode))
		return sms_err_set(err, SMS_ECONFIG,
		    _("[%s]: port %s is not a serial port (not a character "
		    "device)"), sec, port);
	if ((rc = quirks_apply(conf_get(cfg, sec, "quirks"), &q, err)) < 0)
		return sms_err_prefix(err, "[%s]", sec);
	if ((rc = modem_storage_check(conf_get(cfg, sec, "storage"), sec,
	    err)) < 0)
		return rc;

	if ((m = calloc(1, sizeof *m)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	m->b = b;
	m->loop = loop;
	m->port = strdup(port);
	m->auto_port = strcmp(port, "auto") == 0;
	m->auto_ports = dup_or_null(conf_get(cfg, sec, "auto_ports"));
	m->baud = (int)conf_get_int(cfg, sec, "baud", 115200);
	m->storage = dup_or_null(conf_get(cfg, sec, "storage"));
	m->smsc_cfg = dup_or_null(conf_get(cfg, sec, "smsc"));
	m->quirks_spec = dup_or_null(conf_get(cfg, sec, "quirks"));
	m->cmd_ms = (unsigned)conf_get_int(cfg, sec, "command_timeout",
	    MODEM_DEFAULT_CMD_MS / 1000) * 1000;
	m->health_ms = (unsigned)conf_get_int(cfg, sec, "health_interval",
	    MODEM_DEFAULT_HEALTH_MS / 1000) * 1000;
	m->sweep_ms = (unsigned)conf_get_int(cfg, sec, "sweep_interval",
	    MODEM_DEFAULT_SWEEP_MS / 1000) * 1000;
	m->at_most_once = strcmp(conf_get_str(cfg, sec, "resend_policy",
	    "at-least-once"), "at-most-once") == 0;
	m->max_parts = (int)conf_get_int(cfg, sec, "max_segments", 10);
	m->text_cfg = conf_get_bool(cfg, sec, "text_mode", false);
	m->state = BACKEND_DOWN;
	m->reopen_ms = MODEM_REOPEN_FIRST_MS;
	m->concat_ref = (unsigned)(loop_wall_now() & 0xff);
	m->rssi = 99;
	m->creg = -1;
	if (m->port == NULL) {
		modem_free(m);
		return SMS_ENOMEM;
	}

	/* The PIN: pin_file, else SMS_INBOX_<NAME>_PIN. */
	snprintf(env, sizeof env, "SMS_INBOX_%s_PIN", b->name);
	for (i = 10; env[i] != '\0'; i++)
		env[i] = isalnum((unsigned char)env[i]) ?
		    (char)toupper((unsigned char)env[i]) : '_';
	rc = conf_read_secret(cfg, sec, "pin_file", env, &m->pin, err);
	if (rc < 0 && rc != SMS_ENOENT) {
		modem_free(m);
		return rc;
	}
	sms_err_clear(err);
	m->pin_source = strdup(conf_get(cfg, sec, "pin_file") != NULL ?
	    conf_get(cfg, sec, "pin_file") : env);

	uv_timer_init(loop, &m->reopen_timer);
	uv_timer_init(loop, &m->health_timer);
	uv_timer_init(loop, &m->sweep_timer);
	m->reopen_timer.data = m->health_timer.data = m->sweep_timer.data = m;
	m->handles = 3;
	b->priv = m;
	/* Connect on the loop, not here. */
	uv_timer_start(&m->reopen_timer, modem_reopen_cb, 0, 0);
	return 0;
}

/* One of our handles (or the channel) is closed; the last frees. */
static void
modem_release(struct modem *m)
{
	struct backend *b = m->b;
	void (*done)(struct backend *) = m->close_done;

	if (--m->handles > 0)
		return;
	modem_free(m);
	b->priv = NULL;
	if (done != NULL)
		done(b);
}

static void
modem_handle_closed(uv_handle_t *h)
{
	modem_release(h->data);
}

static void
modem_chan_closed(void *arg)
{
	modem_release(arg);
}

static void
modem_close(struct backend *b, void (*done)(struct backend *b))
{
	struct modem *m = b->priv;
	struct chan *c;

	if (m == NULL) {
		if (done != NULL)
			done(b);
		return;
	}
	m->closing = true;
	m->close_done = done;
	c = m->chan;
	m->chan = NULL;
	if (c != NULL) {
		m->handles++;
		chan_close(c, modem_chan_closed, m);
	}
	uv_close((uv_handle_t *)&m->reopen_timer, modem_handle_closed);
	uv_close((uv_handle_t *)&m->health_timer, modem_handle_closed);
	uv_close((uv_handle_t *)&m->sweep_timer, modem_handle_closed);
}

static bool
modem_ready(struct backend *b)
{
	struct modem *m = b->priv;

	return m->phase == PH_UP && m->chan != NULL && !m->tx.active &&
	    (m->creg == 1 || m->creg == 5);
}

static uint64_t
modem_next_ready(struct backend *b)
{
	(void)b;
	return 0;
}

/* Text mode: one message, parameters first (textmode.h). */
static int
modem_submit_text(struct modem *m, const struct backend_msg *msg,
    struct sms_err *err)
{
	struct textmode_out *o;
	int rc;

	if ((o = malloc(sizeof *o)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	if ((rc = textmode_encode(msg->to, msg->body, msg->ucs2, msg->report,
	    m->cs, o, err)) < 0)
		goto out;
	if ((m->tx.parts = calloc(1, sizeof *m->tx.parts)) == NULL ||
	    (m->tx.parts[0].hex = strdup(o->text)) == NULL) {
		modem_tx_clear(m);
		rc = sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
		goto out;
	}
	m->tx.n = 1;
	snprintf(m->tx.number, sizeof m->tx.number, "%s", o->number);
	/* Validity 24 hours (TP-VP 167), PID 0. */
	snprintf(m->tx.csmp, sizeof m->tx.csmp, "AT+CSMP=%d,167,0,%d", o->fo,
	    o->dcs);
	m->tx.dcs = o->dcs;
	m->tx.active = true;
	m->tx.id = msg->id;
	m->tx.report = msg->report;
	m->tx.next = 0;
	m->tx.refs[0] = '\0';
	modem_tx_part(m);
	rc = 0;
out:
	free(o);
	return rc;
}

static int
modem_submit(struct backend *b, const struct backend_msg *msg,
    struct sms_err *err)
{
	struct modem *m = b->priv;
	int rc;

	if (!modem_ready(b))
		return sms_err_set(err, SMS_EBUSY, _("the modem is busy or "
		    "not connected"));
	if (m->text)
		return modem_submit_text(m, msg, err);
	m->concat_ref = (m->concat_ref + 1) & 0xff;
	rc = pdus_encode(msg, m->concat_ref, m->max_parts, &m->tx.parts,
	    &m->tx.n, err);
	if (rc < 0)
		return rc;
	if (m->tx.n == 0 || m->tx.n > sizeof m->tx.mrs / sizeof m->tx.mrs[0]) {
		modem_tx_clear(m);
		return sms_err_set(err, SMS_ETOOBIG, _("the message is too "
		    "long for the modem (%d parts at most)"),
		    (int)(sizeof m->tx.mrs / sizeof m->tx.mrs[0]));
	}
	m->tx.active = true;
	m->tx.id = msg->id;
	m->tx.report = msg->report;
	m->tx.next = 0;
	m->tx.refs[0] = '\0';
	modem_tx_part(m);
	return 0;
}

static void
modem_health(struct backend *b, struct backend_health *out)
{
	struct modem *m = b->priv;

	memset(out, 0, sizeof *out);
	out->state = m->state;
	out->signal_dbm = modem_rssi_dbm(m->rssi);
	out->signal_bars = modem_rssi_bars(m->rssi);
	snprintf(out->operator_name, sizeof out->operator_name, "%s",
	    m->operator_name);
	snprintf(out->detail, sizeof out->detail, "%s", m->detail);
}

static void
modem_suspend(struct backend *b)
{
	struct modem *m = b->priv;

	struct chan *c = m->chan;

	if (m->phase == PH_SUSPENDED)
		return;
	uv_timer_stop(&m->reopen_timer);
	uv_timer_stop(&m->health_timer);
	uv_timer_stop(&m->sweep_timer);
	modem_probe_done(m);
	m->phase = PH_SUSPENDED;
	m->chan = NULL;
	chan_close(c, NULL, NULL);
	modem_set_state(m, BACKEND_SUSPENDED, "%s", _("the port is released "
	    "on request until resumed"));
}

static void
modem_resume(struct backend *b)
{
	struct modem *m = b->priv;

	if (m->phase != PH_SUSPENDED && m->phase != PH_FATAL)
		return;
	if (m->phase == PH_FATAL && m->pin_rejected)
		return;	/* the same PIN would be rejected again */
	m->phase = PH_CLOSED;
	uv_timer_start(&m->reopen_timer, modem_reopen_cb, 0, 0);
}

/* Periodic work: the health and sweep timers repeat. */
static void
modem_timers_start(struct modem *m)
{
	uv_timer_start(&m->health_timer, modem_health_timer_cb, m->health_ms,
	    m->health_ms);
	uv_timer_start(&m->sweep_timer, modem_sweep_timer_cb, m->sweep_ms,
	    m->sweep_ms);
}

const struct backend_ops modem_backend_ops = {
	.type = "modem",
	.open = modem_open,
	.close = modem_close,
	.ready = modem_ready,
	.next_ready = modem_next_ready,
	.submit = modem_submit,
	.reconcile = NULL,
	.health = modem_health,
	.suspend = modem_suspend,
	.resume = modem_resume,
};
