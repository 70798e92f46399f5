/*
 * The configuration file: INI (libinih) at $XDG_CONFIG_HOME/sms-inbox/config,
 * or SMS_INBOX_CONFIG, or --config.  Every section and key is declared in
 * one table in config.c; unknown keys and bad values fail the load with
 * "file:line: sentence".  Secrets come from *_file keys or the environment,
 * never from the file itself.
 */
#ifndef SMS_UTIL_CONF_H
#define SMS_UTIL_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct conf;

/*
 * Load the configuration.  path NULL means the default lookup
 * (SMS_INBOX_CONFIG, then $XDG_CONFIG_HOME/sms-inbox/config), where a
 * missing file is an empty configuration; a path given explicitly must
 * exist.  Fails with SMS_ECONFIG and "file:line: ..." in err.
 */
int conf_load(struct conf **out, const char *path, struct sms_err *err);

/* Parse INI text as if read from file name (for tests and --demo). */
int conf_load_string(struct conf **out, const char *text,
    const char *name, struct sms_err *err);

void conf_free(struct conf *cfg);

/* The file loaded, or NULL when none was; borrowed. */
const char *conf_file(const struct conf *cfg);

/* The default file path; caller frees. */
char *conf_default_path(void);

/*
 * The raw value of key in section ("store", "backend.dongle", ...), or
 * NULL when not set.  Borrowed until conf_free().  For keys that may be
 * repeated, the first.
 */
const char *conf_get(const struct conf *cfg, const char *section,
    const char *key);

/* Every value of a repeatable key, in file order; *n gets the count. */
const char *const *conf_get_all(const struct conf *cfg,
    const char *section, const char *key, size_t *n);

/* Typed getters: the value was validated at load, def when unset. */
const char *conf_get_str(const struct conf *cfg, const char *section,
    const char *key, const char *def);
long conf_get_int(const struct conf *cfg, const char *section,
    const char *key, long def);
double conf_get_double(const struct conf *cfg, const char *section,
    const char *key, double def);
bool conf_get_bool(const struct conf *cfg, const char *section,
    const char *key, bool def);

/* A path value with ~ expanded, or def expanded; NULL if both unset.
 * Caller frees. */
char *conf_get_path(const struct conf *cfg, const char *section,
    const char *key, const char *def);

/*
 * Set (replace) a value, validating it like the loader does.  For tests,
 * --demo and command-line overrides.
 */
int conf_set(struct conf *cfg, const char *section, const char *key,
    const char *value, struct sms_err *err);

/* Names of the [backend.NAME] sections in file order; *n gets the count.
 * Borrowed. */
const char *const *conf_backends(const struct conf *cfg, size_t *n);

/*
 * Read a secret: from the file named by file_key in section if set (it must
 * be a regular file not accessible by group or others), else from the
 * environment variable env (may be NULL).  Trailing newlines are removed.
 * SMS_ENOENT when neither is set.  Caller frees *out.
 */
int conf_read_secret(const struct conf *cfg, const char *section,
    const char *file_key, const char *env, char **out, struct sms_err *err);

/* The store's path: [store] path, else $XDG_DATA_HOME/sms-inbox/inbox.db.
 * Caller frees. */
char *conf_store_path(const struct conf *cfg);

/* Expand a leading ~/ to $HOME.  Caller frees; NULL when out of memory. */
char *conf_expand_path(const char *path);

#endif
