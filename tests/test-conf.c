/* Tests for util/config: good, bad, missing files and secret permissions. */
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

#include "util/conf.h"
#include "util/err.h"

static char tmpdir[] = "/tmp/sms-test-config.XXXXXX";

static int
setup(void **state)
{
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to tmpdir/name with mode; returns the path (static). */
static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void
test_conf_good_file(void **state)
{
	char text[1024];
	const char *tok, *path;
	struct conf *cfg;
	struct sms_err err;
	const char *const *names;
	const char *const *maint;
	char *secret, *p;
	size_t n;

	tok = write_file("token", "s3cr3t\n", 0600);
	snprintf(text, sizeof text,
	    "# comment\n"
	    "[store]\n"
	    "path = ~/inbox.db\n"
	    "default_country = HU ; inline comment\n"
	    "\n"
	    "[backend.dongle]\n"
	    "  type = modem\n"
	    "  port = /dev/ttyUSB0\n"
	    "  baud = 115200\n"
	    "[backend.twilio]\n"
	    "type = twilio\n"
	    "account_sid = AC123\n"
	    "token_file = %s\n"
	    "rate = 0.5\n"
	    "[routing]\n"
	    "primary = dongle\n"
	    "fallback = twilio\n"
	    "maintenance = dongle Sun 02:00-04:00\n"
	    "maintenance = twilio Sat 01:00-02:00\n"
	    "[autoreply]\n"
	    "enabled = yes\n", tok);
	path = write_file("config", text, 0644);
	assert_int_equal(conf_load(&cfg, path, &err), 0);
	assert_string_equal(conf_file(cfg), path);
	assert_string_equal(conf_get(cfg, "store", "default_country"), "HU");
	assert_string_equal(conf_get(cfg, "backend.dongle", "port"),
	    "/dev/ttyUSB0");
	assert_int_equal(conf_get_int(cfg, "backend.dongle", "baud", 0),
	    115200);
	assert_int_equal(conf_get_int(cfg, "backend.dongle", "command_timeout",
	    30), 30);
	assert_true(conf_get_double(cfg, "backend.twilio", "rate", 1) == 0.5);
	assert_true(conf_get_bool(cfg, "autoreply", "enabled", false));
	assert_null(conf_get(cfg, "ui", "agent"));
	names = conf_backends(cfg, &n);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "dongle");
	assert_string_equal(names[1], "twilio");
	maint = conf_get_all(cfg, "routing", "maintenance", &n);
	assert_int_equal(n, 2);
	assert_string_equal(maint[1], "twilio Sat 01:00-02:00");
	p = conf_store_path(cfg);
	assert_string_equal(p + strlen(p) - 9, "/inbox.db");
	assert_true(p[0] == '/');
	free(p);
	assert_int_equal(conf_read_secret(cfg, "backend.twilio", "token_file",
	    NULL, &secret, &err), 0);
	assert_string_equal(secret, "s3cr3t");
	free(secret);
	conf_free(cfg);
}

/* Each bad file fails with exit 78 and names file:line and the problem. */
static void
test_conf_bad_files(void **state)
{
	static const struct {
		const char *text;
		int line;
		const char *words;
	} cases[] = {
		{ "[store]\npaht = x\n", 2, "unknown key \"paht\"" },
		{ "[stroe]\npath = x\n", 2, "unknown section [stroe]" },
		{ "[backend.d]\ntype = modem\nbaud = fast\n", 3,
		    "whole number" },
		{ "[backend.d]\ntype = fax\n", 2, "must be one of" },
		{ "[backend.d]\nport = /dev/ttyUSB0\n", 1, "has no type" },
		{ "[backend.d]\ntype = twilio\nbaud = 9600\n", 3,
		    "does not apply" },
		{ "[backend.d]\nbaud = 9600\ntype = twilio\n", 2,
		    "does not apply" },
		{ "[autoreply]\nenabled = perhaps\n", 2, "yes or no" },
		{ "[store]\npath = a\npath = b\n", 3, "already set on line 2" },
		{ "[store]\npath = a\n[ui]\nbell = no\n[store]\n"
		    "default_country = HU\n", 6, "appears twice" },
		{ "path = x\n", 1, "outside any [section]" },
		{ "[store]\nthis is not a key\n", 2, "cannot parse" },
		{ "[backend.x]\ntype = twilio\nrate = -3\n", 3, "between" },
		{ "[backend]\ntype = modem\n", 2, "[backend.NAME]" },
	};
	struct conf *cfg;
	struct sms_err err;
	char want[64];
	const char *path;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = write_file("bad", cases[i].text, 0644);
		sms_err_clear(&err);
		assert_int_equal(conf_load(&cfg, path, &err), SMS_ECONFIG);
		assert_null(cfg);
		assert_int_equal(sms_rc_exit(err.code), 78);
		snprintf(want, sizeof want, "%s:%d: ", path, cases[i].line);
		if (strncmp(err.msg, want, strlen(want)) != 0 ||
		    strstr(err.msg, cases[i].words) == NULL)
			fail_msg("case %zu: got \"%s\", want \"%s...%s\"", i,
			    err.msg, want, cases[i].words);
	}
}

static void
test_conf_long_line(void **state)
{
	char text[600];
	struct conf *cfg;
	struct sms_err err;
	const char *path;

	snprintf(text, sizeof text, "[ui]\nagent = %0400d\n", 7);
	path = write_file("long", text, 0644);
	assert_int_equal(conf_load(&cfg, path, &err), SMS_ECONFIG);
	assert_non_null(strstr(err.msg, ":2: line too long"));
}

static void
test_conf_missing(void **state)
{
	struct conf *cfg;
	struct sms_err err;
	char path[256];

	/* Named explicitly: must exist. */
	snprintf(path, sizeof path, "%s/nope", tmpdir);
	assert_int_equal(conf_load(&cfg, path, &err), SMS_ECONFIG);
	assert_non_null(strstr(err.msg, "nope"));
	/* The default place may be empty: every key at its default. */
	unsetenv("SMS_INBOX_CONFIG");
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	setenv("XDG_DATA_HOME", tmpdir, 1);
	assert_int_equal(conf_load(&cfg, NULL, &err), 0);
	assert_null(conf_file(cfg));
	{
		char *store = conf_store_path(cfg);
		char want[300];

		snprintf(want, sizeof want, "%s/sms-inbox/inbox.db", tmpdir);
		assert_string_equal(store, want);
		free(store);
	}
	conf_free(cfg);
	/* SMS_INBOX_CONFIG names a file that must exist. */
	setenv("SMS_INBOX_CONFIG", path, 1);
	assert_int_equal(conf_load(&cfg, NULL, &err), SMS_ECONFIG);
	unsetenv("SMS_INBOX_CONFIG");
}

static void
test_conf_secret_permissions(void **state)
{
	char text[512], path[256];
	struct conf *cfg;
	struct sms_err err;
	const char *tok;
	char *secret = NULL;

	/* A token file others can read is refused at load, like ssh does. */
	tok = write_file("loose", "tok\n", 0644);
	snprintf(text, sizeof text, "[backend.t]\ntype = twilio\n"
	    "token_file = %s\n", tok);
	snprintf(path, sizeof path, "%s", write_file("cfg-loose", text, 0644));
	assert_int_equal(conf_load(&cfg, path, &err), SMS_ECONFIG);
	assert_non_null(strstr(err.msg, ":3: "));
	assert_non_null(strstr(err.msg, "too open"));
	assert_non_null(strstr(err.msg, "chmod 600"));
	/* Group-readable too. */
	tok = write_file("loose", "tok\n", 0640);
	assert_int_equal(conf_load(&cfg, path, &err), SMS_ECONFIG);
	/* A file made loose after loading is refused when read. */
	tok = write_file("loose", "tok\n", 0600);
	assert_int_equal(conf_load(&cfg, path, &err), 0);
	assert_int_equal(chmod(tok, 0604), 0);
	assert_int_equal(conf_read_secret(cfg, "backend.t", "token_file",
	    NULL, &secret, &err), SMS_ECONFIG);
	assert_null(secret);
	conf_free(cfg);
	/* A missing secret file is a config error with the file's name. */
	snprintf(text, sizeof text, "[backend.t]\ntype = twilio\n"
	    "token_file = %s/absent\n", tmpdir);
	snprintf(path, sizeof path, "%s", write_file("cfg-absent", text,
	    0644));
	assert_int_equal(conf_load(&cfg, path, &err), SMS_ECONFIG);
	assert_non_null(strstr(err.msg, "absent"));
	/* Without a file key, the environment. */
	assert_int_equal(conf_load_string(&cfg, "[backend.t]\ntype=twilio\n",
	    "t", &err), 0);
	unsetenv("SMS_TEST_TOKEN");
	assert_int_equal(conf_read_secret(cfg, "backend.t", "token_file",
	    "SMS_TEST_TOKEN", &secret, &err), SMS_ENOENT);
	setenv("SMS_TEST_TOKEN", "from-env", 1);
	assert_int_equal(conf_read_secret(cfg, "backend.t", "token_file",
	    "SMS_TEST_TOKEN", &secret, &err), 0);
	assert_string_equal(secret, "from-env");
	free(secret);
	conf_free(cfg);
}

static void
test_conf_set_validates(void **state)
{
	struct conf *cfg;
	struct sms_err err;

	assert_int_equal(conf_load_string(&cfg, "", "demo", &err), 0);
	assert_int_equal(conf_set(cfg, "backend.sim", "type", "sim", &err), 0);
	assert_int_equal(conf_set(cfg, "backend.sim", "reply_delay", "200",
	    &err), 0);
	assert_int_equal(conf_set(cfg, "backend.sim", "port", "/dev/x",
	    &err), SMS_ECONFIG);
	assert_int_equal(conf_set(cfg, "ui", "bell", "maybe", &err),
	    SMS_ECONFIG);
	assert_int_equal(conf_get_int(cfg, "backend.sim", "reply_delay", 0),
	    200);
	conf_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_good_file),
		cmocka_unit_test(test_conf_bad_files),
		cmocka_unit_test(test_conf_long_line),
		cmocka_unit_test(test_conf_missing),
		cmocka_unit_test(test_conf_secret_permissions),
		cmocka_unit_test(test_conf_set_validates),
	};

	return cmocka_run_group_tests_name("conf", tests, setup, teardown);
}
