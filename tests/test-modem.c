/*
 * Tests for the modem session against the pty simulator: init with and
 * without a PIN, a wrong PIN tried exactly once, unplug and replug, the
 * watchdog's reset, URC storms and line noise, indication fallbacks, and
 * ports that are not serial ports.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "modem-harness.h"
#include "modem/modem.h"
#include "modem/quirks.h"
#include "modem/serial.h"
#include "util/conf.h"

/* Whether the simulator's command log has line. */
static bool
sim_saw(struct harness *h, const char *line)
{
	json_t *r = harness_ctl(h, "{\"cmd\": \"log\"}");
	json_t *log = json_object_get(r, "log"), *v;
	size_t i;
	bool found = false;

	json_array_foreach(log, i, v)
		if (strcmp(json_string_value(v), line) == 0)
			found = true;
	json_decref(r);
	return found;
}

static void
write_pin(struct harness *h, const char *pin, char *conf, size_t size)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/pin", h->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", pin);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	snprintf(conf, size, "pin_file = %s\n", path);
}

static bool
up_and_swept(struct harness *h)
{
	return harness_is_up(h) && harness_ctl_int(h, "stats", "cmgl") >= 1;
}

static void
test_modem_init_no_pin(void **state)
{
	struct harness h;
	struct backend_health hl;

	harness_start(&h, NULL);
	harness_open(&h, "");
	/* The first sweep is queued right after the first health round. */
	harness_run_until(&h, up_and_swept);
	assert_true(sim_saw(&h, "ATE0"));
	assert_true(sim_saw(&h, "AT+CMEE=1"));
	assert_true(sim_saw(&h, "AT+CMGF=0"));
	assert_true(sim_saw(&h, "AT+CPMS=\"SM\",\"SM\",\"SM\""));
	assert_true(sim_saw(&h, "AT+CNMI=2,1,0,2,0"));
	assert_true(sim_saw(&h, "AT^CURC=0"));	/* the huawei quirk */
	assert_true(sim_saw(&h, "AT+CMGL=4"));	/* the first sweep */
	h.b.ops->health(&h.b, &hl);
	assert_int_equal(hl.state, BACKEND_UP);
	assert_int_equal(hl.signal_dbm, -73);
	assert_int_equal(hl.signal_bars, 4);
	assert_string_equal(hl.operator_name, "SimNet");
	assert_non_null(strstr(hl.detail, "SIM 0/20"));
	assert_int_equal(harness_ctl_int(&h, "stats", "pin_attempts"), 0);
	harness_stop(&h);
}

static void
test_modem_init_with_pin(void **state)
{
	const char *args[] = { "--pin", "4321", NULL };
	struct harness h;
	char conf[512];

	harness_start(&h, args);
	write_pin(&h, "4321", conf, sizeof conf);
	harness_open(&h, conf);
	harness_run_until(&h, harness_is_up);
	assert_int_equal(harness_ctl_int(&h, "stats", "pin_attempts"), 1);
	harness_stop(&h);
}

/* A rejected PIN is never tried again: not after a reconnect, not after
 * resume.  The SIM would lock after three. */
static void
test_modem_wrong_pin_once(void **state)
{
	const char *args[] = { "--pin", "4321", NULL };
	struct harness h;
	char conf[512];

	harness_start(&h, args);
	write_pin(&h, "1111", conf, sizeof conf);
	harness_open(&h, conf);
	harness_run_until(&h, harness_is_down);
	assert_non_null(strstr(h.detail, "rejected the PIN"));
	assert_non_null(strstr(h.detail, "will not be tried again"));
	h.b.ops->resume(&h.b);
	harness_run_for(&h, 1500);
	assert_int_equal(harness_ctl_int(&h, "stats", "pin_attempts"), 1);
	assert_int_equal(h.n_up, 0);
	harness_stop(&h);
}

static void
test_modem_pin_missing(void **state)
{
	const char *args[] = { "--pin", "4321", NULL };
	struct harness h;

	unsetenv("SMS_INBOX_DONGLE_PIN");
	harness_start(&h, args);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_down);
	assert_non_null(strstr(h.detail, "needs a PIN"));
	assert_non_null(strstr(h.detail, "SMS_INBOX_DONGLE_PIN"));
	assert_int_equal(harness_ctl_int(&h, "stats", "pin_attempts"), 0);
	harness_stop(&h);
}

/* The PIN from the environment when there is no pin_file. */
static void
test_modem_pin_from_env(void **state)
{
	const char *args[] = { "--pin", "4321", NULL };
	struct harness h;

	setenv("SMS_INBOX_DONGLE_PIN", "4321", 1);
	harness_start(&h, args);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	unsetenv("SMS_INBOX_DONGLE_PIN");
	assert_int_equal(harness_ctl_int(&h, "stats", "pin_attempts"), 1);
	harness_stop(&h);
}

static bool
came_back(struct harness *h)
{
	return h->n_up >= 2 && harness_is_up(h);
}

/* Unplugged: down with a sentence; replugged under a new pty name
 * (the symlink, like /dev/serial/by-id, follows it): up again. */
static void
test_modem_unplug_replug(void **state)
{
	struct harness h;
	json_t *r;

	harness_start(&h, NULL);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	json_decref(harness_ctl(&h, "{\"cmd\": \"unplug\"}"));
	harness_run_until(&h, harness_is_down);
	assert_non_null(strstr(h.detail, "went away"));
	r = harness_ctl(&h, "{\"cmd\": \"replug\"}");
	json_decref(r);
	harness_run_until(&h, came_back);
	assert_int_equal(harness_ctl_int(&h, "stats", "plugged"), 2);
	harness_stop(&h);
}

/* The modem stops answering: ESC + AT, then AT+CFUN=1,1; the simulator
 * reboots (leaves and comes back) and the session starts over. */
static void
test_modem_watchdog_reset(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	harness_open(&h, "health_interval = 1\n");
	harness_run_until(&h, harness_is_up);
	json_decref(harness_ctl(&h, "{\"cmd\": \"set\", \"hang\": 2}"));
	harness_run_until(&h, came_back);
	assert_int_equal(harness_ctl_int(&h, "stats", "resets"), 1);
	assert_true(sim_saw(&h, "AT+CFUN=1,1"));
	harness_stop(&h);
}

static bool
health_round_done(struct harness *h)
{
	return harness_ctl_int(h, "stats", "commands") > 40;
}

/* URC storms, URCs inside answers and line noise do not upset it. */
static void
test_modem_storm_and_noise(void **state)
{
	struct harness h;
	struct backend_health hl;

	harness_start(&h, NULL);
	json_decref(harness_ctl(&h, "{\"cmd\": \"set\", \"mid_urc\": true}"));
	/* Generous: a loaded machine must not look like a hung modem. */
	harness_open(&h, "health_interval = 1\ncommand_timeout = 5\n");
	harness_run_until(&h, harness_is_up);
	json_decref(harness_ctl(&h, "{\"cmd\": \"storm\", \"n\": 500}"));
	json_decref(harness_ctl(&h, "{\"cmd\": \"noise\"}"));
	harness_run_until(&h, health_round_done);
	assert_true(harness_is_up(&h));
	h.b.ops->health(&h.b, &hl);
	assert_string_equal(hl.operator_name, "SimNet");
	assert_int_equal(h.n_down, 0);
	harness_stop(&h);
}

/* A modem that refuses +CMTI indications (mt=1): fall back through the
 * list and keep working on sweeps. */
static void
test_modem_cnmi_fallback(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	json_decref(harness_ctl(&h,
	    "{\"cmd\": \"set\", \"cnmi_reject_mt\": 1}"));
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	assert_true(sim_saw(&h, "AT+CNMI=2,1,0,1,0"));
	assert_true(sim_saw(&h, "AT+CNMI=1,1"));
	harness_stop(&h);
}

/* SMS commands refused for a moment after the PIN (+CMS ERROR 500 to
 * AT+CMGF): not "no PDU mode", just a little later. */
static void
test_modem_sms_not_ready_yet(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	json_decref(harness_ctl(&h, "{\"cmd\": \"set\", \"fail_cmgf\": 1}"));
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	assert_non_null(strstr(h.detail, "SimNet"));
	harness_stop(&h);
}

static bool
is_suspended(struct harness *h)
{
	return h->state == BACKEND_SUSPENDED;
}

/* Suspend (SIGUSR1) releases the port for someone else; resume takes it
 * back and starts over. */
static void
test_modem_suspend_resume(void **state)
{
	struct harness h;
	struct serial *s;
	struct sms_err err;

	harness_start(&h, NULL);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	h.b.ops->suspend(&h.b);
	harness_run_until(&h, is_suspended);
	assert_false(h.b.ops->ready(&h.b));
	uv_run(&h.loop, UV_RUN_NOWAIT);
	/* Free for another program now. */
	if (serial_open(&s, h.port, 115200, &err) < 0)
		fail_msg("reopen while suspended: %s", err.msg);
	serial_close(s);
	h.b.ops->resume(&h.b);
	harness_run_until(&h, came_back);
	harness_stop(&h);
}

/* A path that is no serial port gets a sentence saying so. */
static void
test_modem_not_a_serial_port(void **state)
{
	struct harness h;
	struct conf *cfg;
	struct sms_err err;
	struct backend b;
	char text[512];

	harness_start(&h, NULL);
	snprintf(text, sizeof text, "[backend.dongle]\ntype = modem\n"
	    "port = %s/ctl\n", h.dir);
	assert_int_equal(conf_load_string(&cfg, text, "t", &err), 0);
	memset(&b, 0, sizeof b);
	b.ops = &modem_backend_ops;
	b.name = (char *)"dongle";
	b.section = (char *)"backend.dongle";
	assert_int_equal(b.ops->open(&b, &h.loop, cfg, &err), SMS_ECONFIG);
	assert_non_null(strstr(err.msg, "is not a serial port"));
	conf_free(cfg);

	/* /dev/null is a character device but no terminal. */
	harness_open(&h, "");
	conf_set(h.cfg, "backend.dongle", "port", "/dev/null", NULL);
	h.b.ops->close(&h.b, NULL);
	uv_run(&h.loop, UV_RUN_NOWAIT);
	h.opened = false;
	if (h.b.ops->open(&h.b, &h.loop, h.cfg, &err) < 0)
		fail_msg("open: %s", err.msg);
	h.opened = true;
	harness_run_until(&h, harness_is_down);
	assert_non_null(strstr(h.detail, "/dev/null is not a serial port"));
	harness_stop(&h);
}

static void
test_modem_quirks_config(void **state)
{
	struct sms_err err;
	unsigned q = quirks_lookup("huawei", "E173");
	char buf[128];

	assert_true(q & QUIRK_HUAWEI_CURC);
	assert_int_equal(quirks_lookup("ZTE CORPORATION", "MF190") &
	    QUIRK_ZTE_ZCDRUN, QUIRK_ZTE_ZCDRUN);
	assert_int_equal(quirks_lookup(NULL, NULL), 0);
	assert_int_equal(quirks_apply("no-cmgl, index0 -huawei-curc", &q,
	    &err), 0);
	assert_string_equal(quirks_format(q, buf, sizeof buf),
	    "index0,no-cmgl");
	assert_int_equal(quirks_apply("bogus", &q, &err), SMS_ECONFIG);
	assert_non_null(strstr(err.msg, "unknown modem quirk \"bogus\""));
	assert_int_equal(modem_rssi_dbm(99), 0);
	assert_int_equal(modem_rssi_bars(99), -1);
	assert_int_equal(modem_rssi_dbm(31), -51);
}

static bool
submitted(struct harness *h)
{
	return h->n_submitted > 0 || h->n_failed > 0;
}

static bool
got_two_status(struct harness *h)
{
	return h->n_status >= 2;
}

/* The report arrived and was deleted from the SIM. */
static bool
status_and_sim_empty(struct harness *h)
{
	return h->n_status > 0 &&
	    harness_ctl_int(h, "stats", "stored") == 0;
}

static void
submit(struct harness *h, int64_t id, const char *to, const char *body,
    bool report)
{
	struct backend_msg m;
	struct sms_err err;

	memset(&m, 0, sizeof m);
	m.id = id;
	m.to = to;
	m.body = body;
	m.report = report;
	m.attempt = 1;
	h->n_submitted = h->n_failed = h->n_status = 0;
	if (h->b.ops->submit(&h->b, &m, &err) < 0)
		fail_msg("submit: %s", err.msg);
	assert_false(h->b.ops->ready(&h->b));	/* one at a time */
}

/* The sent PDUs as the simulator decoded them. */
static json_t *
sim_sent(struct harness *h)
{
	json_t *r = harness_ctl(h, "{\"cmd\": \"sent\"}");
	json_t *a = json_incref(json_object_get(r, "sent"));

	json_decref(r);
	return a;
}

/* One message with a report: the right PDU at the modem, the reference
 * back, then delivered when the report comes. */
static void
test_modem_send_single_delivered(void **state)
{
	struct harness h;
	json_t *sent, *p;

	harness_start(&h, NULL);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	submit(&h, 7, "+36301112222", "hello there", true);
	harness_run_until(&h, submitted);
	assert_int_equal(h.n_submitted, 1);
	assert_int_equal(h.sub_id, 7);
	assert_string_equal(h.sub_ref, "1");
	assert_int_equal(h.sub_parts, 1);
	sent = sim_sent(&h);
	assert_int_equal(json_array_size(sent), 1);
	p = json_array_get(sent, 0);
	assert_string_equal(json_string_value(json_object_get(p, "to")),
	    "+36301112222");
	assert_string_equal(json_string_value(json_object_get(p, "text")),
	    "hello there");
	assert_true(json_is_true(json_object_get(p, "srr")));
	json_decref(sent);
	/* The report is read off the SIM, handed over, then deleted. */
	harness_run_until(&h, status_and_sim_empty);
	assert_int_equal(h.n_status, 1);
	assert_int_equal(h.st_id, 7);
	assert_int_equal(h.st_state, MSG_DELIVERED);
	assert_true(harness_is_up(&h));
	harness_stop(&h);
}

/* Two parts, in order, one reference each; delivered once both are. */
static void
test_modem_send_multipart(void **state)
{
	struct harness h;
	char body[301];
	json_t *sent;
	const char *t1, *t2;

	memset(body, 'x', 300);
	body[300] = '\0';
	body[0] = 'A';
	body[299] = 'Z';
	harness_start(&h, NULL);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	submit(&h, 8, "+36301112222", body, true);
	harness_run_until(&h, submitted);
	assert_int_equal(h.n_submitted, 1);
	assert_string_equal(h.sub_ref, "1,2");
	assert_int_equal(h.sub_parts, 2);
	sent = sim_sent(&h);
	assert_int_equal(json_array_size(sent), 2);
	t1 = json_string_value(json_object_get(json_array_get(sent, 0),
	    "text"));
	t2 = json_string_value(json_object_get(json_array_get(sent, 1),
	    "text"));
	assert_int_equal(strlen(t1) + strlen(t2), 300);
	assert_int_equal(t1[0], 'A');
	assert_int_equal(t2[strlen(t2) - 1], 'Z');
	json_decref(sent);
	/* One report per part, each naming the message and its part: the
	 * store combines them (test-store.c). */
	harness_run_until(&h, got_two_status);
	assert_int_equal(h.n_status, 2);
	assert_int_equal(h.st_id, 8);
	assert_string_equal(h.st_ref, "2");
	assert_true(h.st_part);
	assert_int_equal(h.st_state, MSG_DELIVERED);
	harness_stop(&h);
}

/* +CMS ERROR 38 (network out of order) is transient; 1 (unassigned
 * number) is permanent, with a sentence. */
static void
test_modem_send_cms_errors(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	json_decref(harness_ctl(&h, "{\"cmd\": \"set\", \"fail_cmgs\": 38, "
	    "\"fail_cmgs_count\": 1}"));
	submit(&h, 9, "+36301112222", "hi", false);
	harness_run_until(&h, submitted);
	assert_int_equal(h.n_failed, 1);
	assert_true(h.fail_transient);
	assert_int_equal(h.fail_code, 38);
	harness_run_until(&h, harness_is_up);
	json_decref(harness_ctl(&h, "{\"cmd\": \"set\", \"fail_cmgs\": 1, "
	    "\"fail_cmgs_count\": 1}"));
	submit(&h, 10, "+36301112222", "hi", false);
	harness_run_until(&h, submitted);
	assert_int_equal(h.n_failed, 1);
	assert_false(h.fail_transient);
	assert_non_null(strstr(h.fail_reason, "does not exist"));
	harness_stop(&h);
}

static bool
one_inbound(struct harness *h)
{
	return h->n_inbound >= 1 &&
	    harness_ctl_int(h, "stats", "stored") == 0;
}

/* +CMTI: read, hand over, and delete only after inbound() said stored. */
static void
test_modem_receive_single(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	h.probe_sim = true;
	json_decref(harness_ctl(&h, "{\"cmd\": \"sms\", \"from\": "
	    "\"+36305556666\", \"text\": \"Hello, world!\"}"));
	harness_run_until(&h, one_inbound);
	assert_int_equal(h.n_inbound, 1);
	assert_string_equal(h.in_from[0], "+36305556666");
	assert_string_equal(h.in_body[0], "Hello, world!");
	assert_int_equal(h.in_stored[0], 1);	/* still on the SIM then */
	assert_int_equal(harness_ctl_int(&h, "stats", "cmgd"), 1);
	harness_stop(&h);
}

static bool
four_inbound(struct harness *h)
{
	return h->n_inbound >= 4 &&
	    harness_ctl_int(h, "stats", "stored") == 0;
}

/* A 4-part UCS-2 message arriving 3, 1, 4, 2: four parts with their
 * reference and sequence for reassembly, each deleted after it. */
static void
test_modem_receive_ucs2_out_of_order(void **state)
{
	static const char *const parts[] = {
		"Ελληνικά και ", "κυριλλικά: Привет, ", "мир! Emoji 😀 ",
		"and the end."
	};
	static const int order[] = { 3, 1, 4, 2 };
	struct harness h;
	char cmd[512], joined[1024] = "";
	int i, seq;

	harness_start(&h, NULL);
	harness_open(&h, "");
	harness_run_until(&h, harness_is_up);
	for (i = 0; i < 4; i++) {
		snprintf(cmd, sizeof cmd, "{\"cmd\": \"sms\", \"from\": "
		    "\"+36305556666\", \"ucs2\": true, \"concat\": [77, 4, %d], "
		    "\"text\": \"%s\"}", order[i], parts[order[i] - 1]);
		json_decref(harness_ctl(&h, cmd));
	}
	harness_run_until(&h, four_inbound);
	assert_int_equal(h.n_inbound, 4);
	for (seq = 1; seq <= 4; seq++)
		for (i = 0; i < 4; i++)
			if (h.in_seq[i] == (unsigned)seq) {
				assert_int_equal(h.in_ref[i], 77);
				assert_int_equal(h.in_total[i], 4);
				strcat(joined, h.in_body[i]);
			}
	assert_string_equal(joined, "Ελληνικά και κυριλλικά: Привет, "
	    "мир! Emoji 😀 and the end.");
	harness_stop(&h);
}

static bool
sim_has_one(struct harness *h)
{
	return harness_ctl_int(h, "stats", "cmgr") >= 1;
}

/* The store failed: the message stays on the SIM and the next sweep
 * offers it again. */
static void
test_modem_receive_kept_until_stored(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	harness_open(&h, "sweep_interval = 1\n");
	harness_run_until(&h, harness_is_up);
	h.inbound_rc = SMS_ESTORE;
	json_decref(harness_ctl(&h, "{\"cmd\": \"sms\", \"from\": "
	    "\"+36305556666\", \"text\": \"keep me\"}"));
	harness_run_until(&h, sim_has_one);
	assert_int_equal(harness_ctl_int(&h, "stats", "stored"), 1);
	assert_int_equal(harness_ctl_int(&h, "stats", "cmgd"), 0);
	h.inbound_rc = 0;
	harness_run_until(&h, one_inbound);
	assert_string_equal(h.in_body[0], "keep me");
	harness_stop(&h);
}

static bool
all_five_in(struct harness *h)
{
	return h->n_inbound >= 5 &&
	    harness_ctl_int(h, "stats", "pending") == 0 &&
	    harness_ctl_int(h, "stats", "stored") == 0;
}

static bool
storage_nearly_full(struct harness *h)
{
	return strstr(h->detail, "nearly full") != NULL;
}

/* Storage full: what the network holds back arrives once we read the
 * SIM out. */
static void
test_modem_storage_full(void **state)
{
	const char *args[] = { "--storage", "3", "--index-base", "0", NULL };
	struct harness h;
	char cmd[256];
	int i;

	harness_start(&h, args);
	harness_open(&h, "sweep_interval = 1\nhealth_interval = 1\n");
	harness_run_until(&h, harness_is_up);
	h.inbound_rc = SMS_ESTORE;
	for (i = 0; i < 5; i++) {
		snprintf(cmd, sizeof cmd, "{\"cmd\": \"sms\", \"from\": "
		    "\"+3630555000%d\", \"text\": \"msg %d\"}", i, i);
		json_decref(harness_ctl(&h, cmd));
	}
	assert_int_equal(harness_ctl_int(&h, "stats", "pending"), 2);
	/* The status says so. */
	harness_run_until(&h, storage_nearly_full);
	assert_non_null(strstr(h.detail, "SIM 3/3"));
	h.inbound_rc = 0;
	harness_run_until(&h, all_five_in);
	assert_int_equal(h.n_inbound, 5);
	harness_stop(&h);
}

/* The storage lists of AT+CPMS=? in both forms modems give. */
static void
test_modem_cpms_lists(void **state)
{
	static const struct {
		const char *v;
		int list;
		int n;
		const char *names;	/* joined with spaces */
	} cases[] = {
		{ "(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\"),(\"SM\")", 0, 3,
		    "SM ME MT" },
		{ "(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\"),(\"SM\")", 1, 2,
		    "SM ME" },
		{ "(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\"),(\"SM\")", 2, 1,
		    "SM" },
		{ "(\"SM\", \"ME\"), (\"SM\"), (\"ME\")", 2, 1, "ME" },
		{ "\"SM\",\"ME\",\"MT\"", 1, 1, "ME" },
		{ "(\"SM\")", 1, 0, "" },
		{ "", 0, 0, "" },
		{ "(\"SM\",\"TOOLONG\",\"ME\")", 0, 2, "SM ME" },
		{ "(\"SM\",\"ME", 0, 1, "SM" },
	};
	char out[4][4], joined[32];
	size_t i;
	int n, k;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = modem_cpms_list(cases[i].v, cases[i].list, out, 4);
		joined[0] = '\0';
		for (k = 0; k < n; k++)
			snprintf(joined + strlen(joined),
			    sizeof joined - strlen(joined), "%s%s",
			    k ? " " : "", out[k]);
		assert_int_equal(n, cases[i].n);
		assert_string_equal(joined, cases[i].names);
	}
	assert_int_equal(modem_cpms_list("(\"SM\",\"ME\")", 0, out, 1), 1);
}

static bool
phone_nearly_full(struct harness *h)
{
	return strstr(h->detail, "phone 9/10, nearly full") != NULL;
}

static bool
all_nine_in(struct harness *h)
{
	return h->n_inbound >= 9 &&
	    harness_ctl_int(h, "stats", "stored") == 0;
}

/* Messages waiting in the modem's own storage (ME) are read too, and
 * its use is in the status, with a warning when nearly full. */
static void
test_modem_storage_me(void **state)
{
	const char *args[] = { "--storage", "5", "--me-storage", "10", NULL };
	struct harness h;
	char cmd[256];
	int i;

	harness_start(&h, args);
	for (i = 0; i < 9; i++) {
		snprintf(cmd, sizeof cmd, "{\"cmd\": \"sms\", \"mem\": "
		    "\"ME\", \"from\": \"+3630555100%d\", \"text\": "
		    "\"in ME %d\"}", i, i);
		json_decref(harness_ctl(&h, cmd));
	}
	harness_open(&h, "");
	h.inbound_rc = SMS_ESTORE;
	harness_run_until(&h, phone_nearly_full);
	assert_non_null(strstr(h.detail, "SIM 0/5"));
	h.inbound_rc = 0;
	harness_run_until(&h, all_nine_in);
	assert_int_equal(h.n_inbound, 9);
	harness_stop(&h);
}

/* text_mode = yes on a modem that has PDU mode: text mode all the same;
 * GSM as the character set when UCS2 is refused. */
static void
test_modem_text_mode_config(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	json_decref(harness_ctl(&h, "{\"cmd\": \"set\", "
	    "\"refuse\": \"AT+CSCS=\\\"UCS2\"}"));
	harness_open(&h, "text_mode = yes\n");
	harness_run_until(&h, harness_is_up);
	assert_true(sim_saw(&h, "AT+CMGF=1"));
	assert_false(sim_saw(&h, "AT+CMGF=0"));
	assert_true(sim_saw(&h, "AT+CSCS=\"GSM\""));
	submit(&h, 21, "+36301112222", "plain text", false);
	harness_run_until(&h, submitted);
	assert_int_equal(h.n_submitted, 1);
	assert_true(sim_saw(&h, "AT+CMGS=\"+36301112222\""));
	harness_stop(&h);
}

/* The text-only and ucs2-utf8 quirks: text mode from the start, and a
 * modem that puts UTF-8 in its "UCS2" text is read right. */
static void
test_modem_ucs2_utf8_quirk(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	json_decref(harness_ctl(&h, "{\"cmd\": \"set\", "
	    "\"utf8_in_ucs2\": true}"));
	harness_open(&h, "quirks = text-only, ucs2-utf8\n");
	harness_run_until(&h, harness_is_up);
	assert_true(sim_saw(&h, "AT+CMGF=1"));
	json_decref(harness_ctl(&h, "{\"cmd\": \"sms\", \"from\": "
	    "\"+36305550009\", \"text\": \"Hi\"}"));
	harness_run_until(&h, one_inbound);
	/* UCS-2 would read the octets 48 69 as U+4869. */
	assert_string_equal(h.in_body[0], "Hi");
	assert_string_equal(h.in_from[0], "+36305550009");
	harness_stop(&h);
}

static bool
down_no_answer(struct harness *h)
{
	return h->state == BACKEND_DOWN &&
	    strstr(h->detail, "answers AT") != NULL;
}

/* A silent simulator: it ignores every command, like a dongle's data or
 * diagnostics port. */
static void
start_silent(struct harness *h)
{
	harness_start(h, NULL);
	json_decref(harness_ctl(h, "{\"cmd\": \"set\", "
	    "\"hang\": 1000000}"));
}

/* port = auto among several ports (auto_ports, a glob: the seam that
 * lets ptys stand in for libserialport's enumeration): the one that
 * answers AT is used, found again after a replug; none answering is a
 * clear sentence. */
static void
test_modem_port_auto(void **state)
{
	struct harness h, quiet1, quiet2;
	char dir[64], link[160], conf[512];
	int i;

	start_silent(&quiet1);
	start_silent(&quiet2);
	harness_start(&h, NULL);
	snprintf(dir, sizeof dir, "/tmp/sms-auto.XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 3; i++) {
		snprintf(link, sizeof link, "%s/port-%c", dir, 'a' + i);
		assert_int_equal(symlink(i == 0 ? quiet1.port : i == 1 ?
		    quiet2.port : h.port, link), 0);
	}
	snprintf(h.port, sizeof h.port, "auto");
	snprintf(conf, sizeof conf, "auto_ports = %s/port-*\n"
	    "command_timeout = 1\n", dir);
	harness_open(&h, conf);
	harness_run_until(&h, harness_is_up);
	/* The answering one took the session, after the others said
	 * nothing. */
	assert_true(sim_saw(&h, "AT+CPMS=?"));
	assert_true(sim_saw(&quiet1, "(ignored) AT"));
	assert_true(sim_saw(&quiet2, "(ignored) AT"));
	json_decref(harness_ctl(&h, "{\"cmd\": \"unplug\"}"));
	harness_run_until(&h, harness_is_down);
	json_decref(harness_ctl(&h, "{\"cmd\": \"replug\"}"));
	harness_run_until(&h, came_back);
	harness_stop(&h);
	/* Only silent ports left: down, with a sentence. */
	harness_start(&h, NULL);
	snprintf(h.port, sizeof h.port, "auto");
	snprintf(link, sizeof link, "%s/port-c", dir);
	unlink(link);
	harness_open(&h, conf);
	harness_run_until(&h, down_no_answer);
	assert_non_null(strstr(h.detail, "no port matching"));
	assert_non_null(strstr(h.detail, "/port-*"));
	harness_stop(&h);
	harness_stop(&quiet1);
	harness_stop(&quiet2);
	for (i = 0; i < 2; i++) {
		snprintf(link, sizeof link, "%s/port-%c", dir, 'a' + i);
		unlink(link);
	}
	assert_int_equal(rmdir(dir), 0);
}

static bool
cmgs_swallowed(struct harness *h)
{
	json_t *r = harness_ctl(h, "{\"cmd\": \"log\"}");
	json_t *v;
	size_t i;
	bool found = false;

	json_array_foreach(json_object_get(r, "log"), i, v)
		if (strncmp(json_string_value(v), "(ignored) AT+CMGS", 17) == 0)
			found = true;
	json_decref(r);
	uv_run(&h->loop, UV_RUN_NOWAIT);
	return found;
}

/* Unplugged in the middle of a send: the message is handed back as a
 * transient failure (nothing lost), and goes out after the replug. */
static void
test_modem_unplug_during_send(void **state)
{
	struct harness h;

	harness_start(&h, NULL);
	harness_open(&h, "command_timeout = 5\n");
	harness_run_until(&h, harness_is_up);
	json_decref(harness_ctl(&h, "{\"cmd\": \"set\", "
	    "\"hang_on\": \"AT+CMGS\"}"));
	submit(&h, 11, "+36301112222", "during unplug", false);
	harness_run_until(&h, cmgs_swallowed);
	json_decref(harness_ctl(&h, "{\"cmd\": \"unplug\"}"));
	harness_run_until(&h, submitted);
	assert_int_equal(h.n_failed, 1);
	assert_int_equal(h.fail_id, 11);
	assert_true(h.fail_transient);
	json_decref(harness_ctl(&h, "{\"cmd\": \"replug\"}"));
	harness_run_until(&h, came_back);
	submit(&h, 11, "+36301112222", "during unplug", false);
	harness_run_until(&h, submitted);
	assert_int_equal(h.n_submitted, 1);
	harness_stop(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modem_quirks_config),
		cmocka_unit_test(test_modem_init_no_pin),
		cmocka_unit_test(test_modem_init_with_pin),
		cmocka_unit_test(test_modem_wrong_pin_once),
		cmocka_unit_test(test_modem_pin_missing),
		cmocka_unit_test(test_modem_pin_from_env),
		cmocka_unit_test(test_modem_unplug_replug),
		cmocka_unit_test(test_modem_watchdog_reset),
		cmocka_unit_test(test_modem_storm_and_noise),
		cmocka_unit_test(test_modem_cnmi_fallback),
		cmocka_unit_test(test_modem_sms_not_ready_yet),
		cmocka_unit_test(test_modem_suspend_resume),
		cmocka_unit_test(test_modem_not_a_serial_port),
		cmocka_unit_test(test_modem_send_single_delivered),
		cmocka_unit_test(test_modem_send_multipart),
		cmocka_unit_test(test_modem_send_cms_errors),
		cmocka_unit_test(test_modem_receive_single),
		cmocka_unit_test(test_modem_receive_ucs2_out_of_order),
		cmocka_unit_test(test_modem_receive_kept_until_stored),
		cmocka_unit_test(test_modem_storage_full),
		cmocka_unit_test(test_modem_cpms_lists),
		cmocka_unit_test(test_modem_storage_me),
		cmocka_unit_test(test_modem_text_mode_config),
		cmocka_unit_test(test_modem_ucs2_utf8_quirk),
		cmocka_unit_test(test_modem_port_auto),
		cmocka_unit_test(test_modem_unplug_during_send),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
