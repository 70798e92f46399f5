#include "config.h"

#include "util/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "util/buf.h"
#include "util/i18n.h"

/* The largest secret file we read (a token, a PIN, an API secret). */
#define CONFIG_SECRET_MAX 4096

enum conf_type {
	CT_STR,		/* any text */
	CT_PATH,	/* a file name, ~ expanded on use */
	CT_SECRET,	/* a file holding a secret: checked at load */
	CT_INT,		/* integer within [min, max] */
	CT_DOUBLE,	/* decimal number within [min, max] */
	CT_BOOL,	/* yes/no, true/false, on/off, 1/0 */
	CT_ENUM,	/* one of the words in choices, separated by | */
};

/* One known key.  section is the section's kind: "backend" for every
 * [backend.NAME].  types limits backend keys to some backend types. */
struct conf_key {
	const char *section;
	const char *key;
	enum conf_type type;
	long min, max;
	const char *choices;	/* CT_ENUM */
	const char *types;	/* backend types, "|"-separated; NULL for all */
	bool multi;		/* may be repeated */
};

#define BACKEND_TYPES "modem|twilio|vonage|plivo|telnyx|sim"
#define PROVIDERS "twilio|vonage|plivo|telnyx"

/* Every key of the file.  Keep in step with sms-inbox.conf(5) and
 * data/config.example. */
static const struct conf_key keys[] = {
	{ "store", "path", CT_PATH, 0, 0, NULL, NULL, false },
	{ "store", "default_country", CT_STR, 0, 0, NULL, NULL, false },
	{ "store", "busy_timeout", CT_INT, 0, 600000, NULL, NULL, false },

	{ "backend", "type", CT_ENUM, 0, 0, BACKEND_TYPES, NULL, false },
	{ "backend", "enabled", CT_BOOL, 0, 0, NULL, NULL, false },
	{ "backend", "rate", CT_DOUBLE, 0, 1000, NULL, NULL, false },
	{ "backend", "down_after", CT_INT, 1, 86400, NULL, NULL, false },
	{ "backend", "max_segments", CT_INT, 1, 255, NULL, NULL, false },
	/* modem */
	{ "backend", "port", CT_STR, 0, 0, NULL, "modem", false },
	{ "backend", "baud", CT_INT, 0, 4000000, NULL, "modem", false },
	{ "backend", "pin_file", CT_SECRET, 0, 0, NULL, "modem", false },
	{ "backend", "storage", CT_STR, 0, 0, NULL, "modem", false },
	{ "backend", "auto_ports", CT_STR, 0, 0, NULL, "modem", false },
	{ "backend", "smsc", CT_STR, 0, 0, NULL, "modem", false },
	{ "backend", "health_interval", CT_INT, 1, 86400, NULL, "modem", false },
	{ "backend", "sweep_interval", CT_INT, 1, 86400, NULL, "modem", false },
	{ "backend", "command_timeout", CT_INT, 1, 600, NULL, "modem", false },
	{ "backend", "resend_policy", CT_ENUM, 0, 0,
	    "at-least-once|at-most-once", "modem", false },
	{ "backend", "quirks", CT_STR, 0, 0, NULL, "modem", false },
	{ "backend", "text_mode", CT_BOOL, 0, 0, NULL, "modem", false },
	/* providers */
	{ "backend", "api_base", CT_STR, 0, 0, NULL, PROVIDERS, false },
	{ "backend", "account_sid", CT_STR, 0, 0, NULL, PROVIDERS, false },
	{ "backend", "api_key", CT_STR, 0, 0, NULL, PROVIDERS, false },
	{ "backend", "token_file", CT_SECRET, 0, 0, NULL, PROVIDERS, false },
	{ "backend", "webhook_token_file", CT_SECRET, 0, 0, NULL, PROVIDERS,
	    false },
	{ "backend", "from", CT_STR, 0, 0, NULL, PROVIDERS "|sim", false },
	{ "backend", "messaging_service_sid", CT_STR, 0, 0, NULL, PROVIDERS,
	    false },
	{ "backend", "poll_interval", CT_INT, 0, 86400, NULL, PROVIDERS,
	    false },
	{ "backend", "webhook_listen", CT_STR, 0, 0, NULL, PROVIDERS, false },
	{ "backend", "webhook_url", CT_STR, 0, 0, NULL, PROVIDERS, false },
	{ "backend", "status_callback", CT_STR, 0, 0, NULL, PROVIDERS, false },
	{ "backend", "max_requests", CT_INT, 1, 256, NULL, PROVIDERS, false },
	{ "backend", "timeout", CT_INT, 1, 600, NULL, PROVIDERS, false },
	/* sim */
	{ "backend", "reply_delay", CT_INT, 0, 3600000, NULL, "sim", false },
	{ "backend", "deliver_delay", CT_INT, 0, 3600000, NULL, "sim", false },
	{ "backend", "ledger", CT_PATH, 0, 0, NULL, "sim", false },

	{ "routing", "primary", CT_STR, 0, 0, NULL, NULL, false },
	{ "routing", "fallback", CT_STR, 0, 0, NULL, NULL, false },
	{ "routing", "maintenance", CT_STR, 0, 0, NULL, NULL, true },
	{ "routing", "probe_interval", CT_INT, 1, 3600, NULL, NULL, false },

	{ "outbox", "max_attempts", CT_INT, 1, 1000, NULL, NULL, false },
	{ "outbox", "max_segments", CT_INT, 1, 255, NULL, NULL, false },
	{ "outbox", "retry_base", CT_INT, 1, 3600, NULL, NULL, false },

	{ "inbound", "fragment_timeout", CT_INT, 60, 604800, NULL, NULL,
	    false },

	{ "autoreply", "enabled", CT_BOOL, 0, 0, NULL, NULL, false },
	{ "autoreply", "cooldown", CT_INT, 0, 31536000, NULL, NULL, false },
	{ "autoreply", "daily_cap", CT_INT, 0, 100000, NULL, NULL, false },
	{ "autoreply", "stop_words", CT_STR, 0, 0, NULL, NULL, false },
	{ "autoreply", "start_words", CT_STR, 0, 0, NULL, NULL, false },
	{ "autoreply", "help_words", CT_STR, 0, 0, NULL, NULL, false },
	{ "autoreply", "stop_reply", CT_STR, 0, 0, NULL, NULL, false },
	{ "autoreply", "start_reply", CT_STR, 0, 0, NULL, NULL, false },
	{ "autoreply", "help_reply", CT_STR, 0, 0, NULL, NULL, false },
	{ "autoreply", "own_numbers", CT_STR, 0, 0, NULL, NULL, false },

	{ "hooks", "on_receive", CT_STR, 0, 0, NULL, NULL, false },
	{ "hooks", "on_sent", CT_STR, 0, 0, NULL, NULL, false },
	{ "hooks", "on_delivery", CT_STR, 0, 0, NULL, NULL, false },
	{ "hooks", "on_failure", CT_STR, 0, 0, NULL, NULL, false },
	{ "hooks", "timeout", CT_INT, 1, 3600, NULL, NULL, false },

	{ "ui", "agent", CT_STR, 0, 0, NULL, NULL, false },
	{ "ui", "color", CT_ENUM, 0, 0, "auto|always|never", NULL, false },
	{ "ui", "bell", CT_BOOL, 0, 0, NULL, NULL, false },
	{ "ui", "mouse", CT_BOOL, 0, 0, NULL, NULL, false },
	{ "ui", "editor", CT_STR, 0, 0, NULL, NULL, false },
	{ "ui", "log_file", CT_PATH, 0, 0, NULL, NULL, false },

	{ "log", "level", CT_ENUM, 0, 0, "error|warning|info|debug|trace",
	    NULL, false },
};

struct conf_entry {
	char *key;
	char *value;
	int line;
};

struct conf_section {
	char *name;		/* "backend.dongle" */
	int line;
	struct conf_entry *entries;
	size_t n;
};

struct conf {
	char *file;
	struct conf_section *sections;
	size_t n;
	const char **backend_names;	/* cache for conf_backends() */
	const char **all;		/* cache for conf_get_all() */
};

/* State while inih walks the file.  We feed inih line by line ourselves:
 * Debian's libinih reports no line numbers to the handler and would take
 * an indented "key = value" for a continuation of the previous value. */
struct conf_parse {
	struct conf *cfg;
	const char *name;	/* file name for messages */
	struct sms_err *err;
	int rc;
	const char *text;	/* what is left to read */
	int line;		/* number of the line last handed to inih */
	int long_line;		/* first line too long for inih, or 0 */
	const char *prev_section;	/* section of the previous key */
	int section_line;	/* line of the last [section] header */
};

static void
conf_section_fini(struct conf_section *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->entries[i].key);
		free(s->entries[i].value);
	}
	free(s->entries);
	free(s->name);
}

void
conf_free(struct conf *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n; i++)
		conf_section_fini(&cfg->sections[i]);
	free(cfg->sections);
	free(cfg->backend_names);
	free(cfg->all);
	free(cfg->file);
	free(cfg);
}

const char *
conf_file(const struct conf *cfg)
{
	return cfg->file;
}

/* The section kind ("backend" for "backend.x"), in buf of size len. */
static const char *
section_kind(const char *section, char *buf, size_t len)
{
	const char *dot = strchr(section, '.');
	size_t n = dot ? (size_t)(dot - section) : strlen(section);

	if (n >= len)
		n = len - 1;
	memcpy(buf, section, n);
	buf[n] = '\0';
	return buf;
}

static bool
word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncasecmp(p, word, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

static const struct conf_key *
key_find(const char *kind, const char *key)
{
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i].section, kind) == 0 &&
		    strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

static bool
section_known(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i].section, kind) == 0)
			return true;
	return false;
}

static int
parse_bool(const char *v, bool *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcasecmp(v, "on") == 0 || strcmp(v, "1") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

/* Check a secret file: a regular file that only its owner may read. */
static int
check_secret_file(const char *path, struct sms_err *err)
{
	struct stat st;
	char *full;
	int rc = 0;

	if ((full = conf_expand_path(path)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
	if (stat(full, &st) < 0)
		rc = sms_err_sys(err, SMS_ECONFIG, errno,
		    _("cannot read secret file %s"), full);
	else if (!S_ISREG(st.st_mode))
		rc = sms_err_set(err, SMS_ECONFIG,
		    _("secret file %s is not a regular file"), full);
	else if ((st.st_mode & 077) != 0)
		rc = sms_err_set(err, SMS_ECONFIG,
		    _("permissions %04o for secret file %s are too open: it "
		    "must not be accessible by others (run: chmod 600 %s)"),
		    (unsigned)(st.st_mode & 07777), full, full);
	free(full);
	return rc;
}

/* Check value against the key's type; the sentence goes to err. */
static int
validate(const struct conf_key *k, const char *value, struct sms_err *err)
{
	char *end;
	long l;
	double d;
	bool b;

	switch (k->type) {
	case CT_STR:
	case CT_PATH:
		return 0;
	case CT_SECRET:
		return check_secret_file(value, err);
	case CT_INT:
		errno = 0;
		l = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0')
			return sms_err_set(err, SMS_ECONFIG,
			    _("%s must be a whole number, not \"%s\""),
			    k->key, value);
		if (l < k->min || l > k->max)
			return sms_err_set(err, SMS_ECONFIG,
			    _("%s must be between %ld and %ld, not %ld"),
			    k->key, k->min, k->max, l);
		return 0;
	case CT_DOUBLE:
		errno = 0;
		d = strtod(value, &end);
		if (errno != 0 || end == value || *end != '\0' || !isfinite(d))
			return sms_err_set(err, SMS_ECONFIG,
			    _("%s must be a number, not \"%s\""), k->key, value);
		if (d < (double)k->min || d > (double)k->max)
			return sms_err_set(err, SMS_ECONFIG,
			    _("%s must be between %ld and %ld, not %s"),
			    k->key, k->min, k->max, value);
		return 0;
	case CT_BOOL:
		if (parse_bool(value, &b) < 0)
			return sms_err_set(err, SMS_ECONFIG,
			    _("%s must be yes or no, not \"%s\""), k->key,
			    value);
		return 0;
	case CT_ENUM:
		if (!word_in(value, k->choices))
			return sms_err_set(err, SMS_ECONFIG,
			    _("%s must be one of %s, not \"%s\""), k->key,
			    k->choices, value);
		return 0;
	}
	return 0;
}

static struct conf_section *
section_find(const struct conf *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n; i++)
		if (strcmp(cfg->sections[i].name, name) == 0)
			return &cfg->sections[i];
	return NULL;
}

static struct conf_section *
section_add(struct conf *cfg, const char *name, int line)
{
	struct conf_section *s, *p;

	p = realloc(cfg->sections, (cfg->n + 1) * sizeof *p);
	if (p == NULL)
		return NULL;
	cfg->sections = p;
	s = &p[cfg->n];
	memset(s, 0, sizeof *s);
	if ((s->name = strdup(name)) == NULL)
		return NULL;
	s->line = line;
	cfg->n++;
	return s;
}

static struct conf_entry *
entry_find(const struct conf_section *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->entries[i].key, key) == 0)
			return &s->entries[i];
	return NULL;
}

static int
entry_add(struct conf_section *s, const char *key, const char *value,
    int line)
{
	struct conf_entry *p, *e;

	p = realloc(s->entries, (s->n + 1) * sizeof *p);
	if (p == NULL)
		return SMS_ENOMEM;
	s->entries = p;
	e = &p[s->n];
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	if (e->key == NULL || e->value == NULL) {
		free(e->key);
		free(e->value);
		return SMS_ENOMEM;
	}
	s->n++;
	return 0;
}

/* Check one key=value of section against the table.  line 0: no file. */
static int
conf_check(const struct conf *cfg, const char *section, const char *key,
    const char *value, const struct conf_key **out, struct sms_err *err)
{
	const struct conf_key *k;
	const char *type;
	char kind[64];

	section_kind(section, kind, sizeof kind);
	if (strcmp(kind, "backend") == 0 && strchr(section, '.') == NULL)
		return sms_err_set(err, SMS_ECONFIG,
		    _("backend sections are named [backend.NAME]"));
	if (!section_known(kind))
		return sms_err_set(err, SMS_ECONFIG,
		    _("unknown section [%s]"), section);
	if ((k = key_find(kind, key)) == NULL)
		return sms_err_set(err, SMS_ECONFIG,
		    _("unknown key \"%s\" in section [%s]"), key, section);
	if (k->types != NULL) {
		type = conf_get(cfg, section, "type");
		if (type != NULL && !word_in(type, k->types))
			return sms_err_set(err, SMS_ECONFIG,
			    _("key \"%s\" does not apply to backends of type %s"),
			    key, type);
	}
	*out = k;
	return validate(k, value, err);
}

static int
ini_cb(void *user, const char *section, const char *key, const char *value)
{
	struct conf_parse *p = user;
	const struct conf_key *k;
	struct conf_section *s;
	struct conf_entry *e;
	int line = p->line;
	int rc;

	if (p->rc < 0)
		return 0;
	if (*section == '\0') {
		p->rc = sms_err_set(p->err, SMS_ECONFIG,
		    _("%s:%d: key \"%s\" is outside any [section]"), p->name,
		    line, key);
		return 0;
	}
	s = section_find(p->cfg, section);
	if (s != NULL && (p->prev_section == NULL ||
	    strcmp(p->prev_section, section) != 0)) {
		p->rc = sms_err_set(p->err, SMS_ECONFIG,
		    _("%s:%d: section [%s] appears twice"), p->name, line,
		    section);
		return 0;
	}
	if ((rc = conf_check(p->cfg, section, key, value, &k, p->err)) < 0) {
		p->rc = sms_err_prefix(p->err, "%s:%d", p->name, line);
		return 0;
	}
	if (s == NULL &&
	    (s = section_add(p->cfg, section, p->section_line)) == NULL) {
		p->rc = sms_err_set(p->err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
		return 0;
	}
	p->prev_section = s->name;
	if (!k->multi && (e = entry_find(s, key)) != NULL) {
		p->rc = sms_err_set(p->err, SMS_ECONFIG,
		    _("%s:%d: key \"%s\" is already set on line %d"), p->name,
		    line, key, e->line);
		return 0;
	}
	if (entry_add(s, key, value, line) < 0) {
		p->rc = sms_err_set(p->err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
		return 0;
	}
	return 1;
}

/* inih's reader: one line a call, leading blanks removed, lines counted. */
static char *
conf_ini_read(char *str, int num, void *stream)
{
	struct conf_parse *p = stream;
	const char *start = p->text, *nl;
	size_t len;

	if (*start == '\0')
		return NULL;
	nl = strchr(start, '\n');
	len = nl ? (size_t)(nl - start) + 1 : strlen(start);
	p->text = start + len;
	p->line++;
	while (len > 0 && (*start == ' ' || *start == '\t')) {
		start++;
		len--;
	}
	if (len > 0 && *start == '[')
		p->section_line = p->line;
	if (len >= (size_t)num) {
		if (p->long_line == 0)
			p->long_line = p->line;
		len = 0;	/* hand inih an empty line instead */
	}
	memcpy(str, start, len);
	str[len] = '\0';
	return str;
}

/* Checks that need the whole file: backends have a known type. */
static int
conf_finish(struct conf *cfg, const char *name, struct sms_err *err)
{
	const struct conf_key *k;
	const char *type;
	size_t i, j;

	for (i = 0; i < cfg->n; i++) {
		struct conf_section *s = &cfg->sections[i];

		if (strncmp(s->name, "backend.", 8) != 0)
			continue;
		if ((type = conf_get(cfg, s->name, "type")) == NULL)
			return sms_err_set(err, SMS_ECONFIG,
			    _("%s:%d: backend [%s] has no type (one of %s)"),
			    name, s->line, s->name, BACKEND_TYPES);
		/* "type" may come after keys that depend on it. */
		for (j = 0; j < s->n; j++) {
			k = key_find("backend", s->entries[j].key);
			if (k != NULL && k->types != NULL &&
			    !word_in(type, k->types))
				return sms_err_set(err, SMS_ECONFIG,
				    _("%s:%d: key \"%s\" does not apply to "
				    "backends of type %s"), name,
				    s->entries[j].line, s->entries[j].key, type);
		}
	}
	return 0;
}

static int
conf_parse_text(struct conf *cfg, const char *text, const char *name,
    struct sms_err *err)
{
	struct conf_parse p = { cfg, name, err, 0, text, 0, 0, NULL, 0 };
	int line;

	line = ini_parse_stream(conf_ini_read, &p, ini_cb, &p);
	if (p.rc < 0)
		return p.rc;
	if (p.long_line > 0)
		return sms_err_set(err, SMS_ECONFIG,
		    _("%s:%d: line too long (at most %d characters)"), name,
		    p.long_line, INI_MAX_LINE - 2);
	if (line > 0)
		return sms_err_set(err, SMS_ECONFIG,
		    _("%s:%d: cannot parse this line (expected [section] or "
		    "key = value)"), name, line);
	if (line < 0)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	return conf_finish(cfg, name, err);
}

int
conf_load_string(struct conf **out, const char *text, const char *name,
    struct sms_err *err)
{
	struct conf *cfg;
	int rc;

	*out = NULL;
	if ((cfg = calloc(1, sizeof *cfg)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	if ((rc = conf_parse_text(cfg, text, name, err)) < 0) {
		conf_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

char *
conf_default_path(void)
{
	const char *env, *home;
	char *path = NULL;

	if ((env = getenv("SMS_INBOX_CONFIG")) != NULL && *env != '\0')
		return strdup(env);
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/') {
		if (asprintf(&path, "%s/sms-inbox/config", env) < 0)
			return NULL;
		return path;
	}
	if ((home = getenv("HOME")) == NULL)
		home = "";
	if (asprintf(&path, "%s/.config/sms-inbox/config", home) < 0)
		return NULL;
	return path;
}

/* Read a whole small file into a heap string. */
static int
read_file(const char *path, size_t max, char **out, struct sms_err *err)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;
	int fd, rc = 0;

	buf_init(&b, max);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return sms_err_sys(err, errno == ENOENT ? SMS_ENOENT : SMS_EIO,
		    errno, _("cannot read %s"), path);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = sms_err_sys(err, SMS_EIO, errno,
			    _("cannot read %s"), path);
			goto out;
		}
		if (buf_append(&b, chunk, (size_t)n) < 0) {
			rc = sms_err_set(err, SMS_ETOOBIG,
			    _("%s is larger than %zu bytes"), path, max);
			goto out;
		}
	}
	if ((*out = buf_take(&b)) == NULL)
		rc = sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
out:
	close(fd);
	buf_fini(&b);
	return rc;
}

int
conf_load(struct conf **out, const char *path, struct sms_err *err)
{
	struct conf *cfg = NULL;
	char *def = NULL, *text = NULL;
	bool explicit = path != NULL;
	int rc;

	*out = NULL;
	if (path == NULL) {
		const char *env = getenv("SMS_INBOX_CONFIG");

		explicit = env != NULL && *env != '\0';
		if ((def = conf_default_path()) == NULL)
			return sms_err_set(err, SMS_ENOMEM, "%s",
			    sms_rc_str(SMS_ENOMEM));
		path = def;
	}
	rc = read_file(path, 1024 * 1024, &text, err);
	if (rc == SMS_ENOENT && !explicit) {
		/* No file at the default place: every key at its default. */
		rc = conf_load_string(out, "", path, err);
		goto out;
	}
	if (rc < 0) {
		rc = sms_err_recode(err, SMS_ECONFIG);
		goto out;
	}
	if ((rc = conf_load_string(&cfg, text, path, err)) < 0)
		goto out;
	if ((cfg->file = strdup(path)) == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
		goto out;
	}
	*out = cfg;
	cfg = NULL;
out:
	conf_free(cfg);
	free(text);
	free(def);
	return rc;
}

const char *
conf_get(const struct conf *cfg, const char *section, const char *key)
{
	const struct conf_section *s;
	const struct conf_entry *e;

	if (cfg == NULL || (s = section_find(cfg, section)) == NULL)
		return NULL;
	if ((e = entry_find(s, key)) == NULL)
		return NULL;
	return e->value;
}

const char *const *
conf_get_all(const struct conf *cfg, const char *section, const char *key,
    size_t *n)
{
	struct conf *c = (struct conf *)cfg;	/* the cache only */
	const struct conf_section *s;
	const char **all;
	size_t i;

	*n = 0;
	if (cfg == NULL || (s = section_find(cfg, section)) == NULL)
		return NULL;
	if ((all = realloc(c->all, (s->n + 1) * sizeof *all)) == NULL)
		return NULL;
	c->all = all;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->entries[i].key, key) == 0)
			all[(*n)++] = s->entries[i].value;
	all[*n] = NULL;
	return all;
}

const char *
conf_get_str(const struct conf *cfg, const char *section, const char *key,
    const char *def)
{
	const char *v = conf_get(cfg, section, key);

	return v != NULL ? v : def;
}

long
conf_get_int(const struct conf *cfg, const char *section, const char *key,
    long def)
{
	const char *v = conf_get(cfg, section, key);

	return v != NULL ? strtol(v, NULL, 10) : def;
}

double
conf_get_double(const struct conf *cfg, const char *section,
    const char *key, double def)
{
	const char *v = conf_get(cfg, section, key);

	return v != NULL ? strtod(v, NULL) : def;
}

bool
conf_get_bool(const struct conf *cfg, const char *section, const char *key,
    bool def)
{
	const char *v = conf_get(cfg, section, key);
	bool b;

	if (v == NULL || parse_bool(v, &b) < 0)
		return def;
	return b;
}

char *
conf_expand_path(const char *path)
{
	const char *home;
	char *out;

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		if ((home = getenv("HOME")) == NULL)
			home = "";
		if (asprintf(&out, "%s%s", home, path + 1) < 0)
			return NULL;
		return out;
	}
	return strdup(path);
}

char *
conf_get_path(const struct conf *cfg, const char *section, const char *key,
    const char *def)
{
	const char *v = conf_get(cfg, section, key);

	if (v == NULL)
		v = def;
	return v != NULL ? conf_expand_path(v) : NULL;
}

int
conf_set(struct conf *cfg, const char *section, const char *key,
    const char *value, struct sms_err *err)
{
	const struct conf_key *k;
	struct conf_section *s;
	struct conf_entry *e;
	char *v;
	int rc;

	if ((rc = conf_check(cfg, section, key, value, &k, err)) < 0)
		return rc;
	if ((s = section_find(cfg, section)) == NULL &&
	    (s = section_add(cfg, section, 0)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	if (!k->multi && (e = entry_find(s, key)) != NULL) {
		if ((v = strdup(value)) == NULL)
			return sms_err_set(err, SMS_ENOMEM, "%s",
			    sms_rc_str(SMS_ENOMEM));
		free(e->value);
		e->value = v;
		return 0;
	}
	if (entry_add(s, key, value, 0) < 0)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	return 0;
}

const char *const *
conf_backends(const struct conf *cfg, size_t *n)
{
	struct conf *c = (struct conf *)cfg;	/* the cache only */
	const char **names;
	size_t i;

	*n = 0;
	names = realloc(c->backend_names, (cfg->n + 1) * sizeof *names);
	if (names == NULL)
		return NULL;
	c->backend_names = names;
	for (i = 0; i < cfg->n; i++)
		if (strncmp(cfg->sections[i].name, "backend.", 8) == 0)
			names[(*n)++] = cfg->sections[i].name + 8;
	names[*n] = NULL;
	return names;
}

int
conf_read_secret(const struct conf *cfg, const char *section,
    const char *file_key, const char *env, char **out, struct sms_err *err)
{
	const char *file = file_key ? conf_get(cfg, section, file_key) : NULL;
	const char *val;
	char *path = NULL, *text = NULL;
	struct stat st;
	size_t len;
	int fd = -1, rc;

	*out = NULL;
	if (file == NULL) {
		if (env == NULL || (val = getenv(env)) == NULL || *val == '\0')
			return sms_err_set(err, SMS_ENOENT,
			    _("no secret for [%s]: set %s or the environment "
			    "variable %s"), section,
			    file_key ? file_key : "-", env ? env : "-");
		if ((*out = strdup(val)) == NULL)
			return sms_err_set(err, SMS_ENOMEM, "%s",
			    sms_rc_str(SMS_ENOMEM));
		return 0;
	}
	if ((path = conf_expand_path(file)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
	/* Check the file we opened, not the name, so a swap cannot slip by. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		rc = sms_err_sys(err, SMS_ECONFIG, errno,
		    _("cannot read secret file %s"), path);
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 077) != 0) {
		rc = check_secret_file(path, err);
		if (rc == 0)
			rc = sms_err_set(err, SMS_ECONFIG,
			    _("secret file %s is not a regular file"), path);
		goto out;
	}
	close(fd);
	fd = -1;
	if ((rc = read_file(path, CONFIG_SECRET_MAX, &text, err)) < 0) {
		rc = sms_err_recode(err, SMS_ECONFIG);
		goto out;
	}
	len = strlen(text);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	if (len == 0) {
		rc = sms_err_set(err, SMS_ECONFIG, _("secret file %s is empty"),
		    path);
		goto out;
	}
	*out = text;
	text = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (text != NULL) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	free(path);
	return rc;
}

char *
conf_store_path(const struct conf *cfg)
{
	const char *v = conf_get(cfg, "store", "path");
	const char *env, *home;
	char *path = NULL;

	if (v != NULL)
		return conf_expand_path(v);
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/') {
		if (asprintf(&path, "%s/sms-inbox/inbox.db", env) < 0)
			return NULL;
		return path;
	}
	if ((home = getenv("HOME")) == NULL)
		home = "";
	if (asprintf(&path, "%s/.local/share/sms-inbox/inbox.db", home) < 0)
		return NULL;
	return path;
}
