/*
 * Fuzz target for the configuration parser (util/conf.c): the input is a
 * configuration file; when it loads, every key is read back through the
 * typed getters the programs use.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/conf.h"

const char fuzz_seed_dir[] = "tests/data/conf";

/* Sections and keys the programs read, and some they do not. */
static const char *const sections[] = {
	"store", "outbox", "routing", "engine", "log", "rules", "optout",
	"hooks", "tui", "webhook", "backend.x", "nosuch",
};
static const char *const keys[] = {
	"path", "type", "primary", "fallback", "down_after", "maintenance",
	"rate", "enabled", "port", "baud", "pin_file", "max_segments",
	"busy_timeout", "default_country", "level", "listen", "nosuch",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *names;
	struct sms_err err;
	struct conf *cfg;
	char *text, *path, section[300];
	size_t i, j, n, all;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	sms_err_clear(&err);
	if (conf_load_string(&cfg, text, "fuzz.conf", &err) < 0) {
		free(text);
		return 0;
	}
	for (i = 0; i < sizeof sections / sizeof sections[0]; i++)
		for (j = 0; j < sizeof keys / sizeof keys[0]; j++) {
			(void)conf_get(cfg, sections[i], keys[j]);
			(void)conf_get_str(cfg, sections[i], keys[j], "");
			(void)conf_get_int(cfg, sections[i], keys[j], 1);
			(void)conf_get_bool(cfg, sections[i], keys[j], true);
			(void)conf_get_double(cfg, sections[i], keys[j], 1);
			(void)conf_get_all(cfg, sections[i], keys[j], &all);
			path = conf_get_path(cfg, sections[i], keys[j], NULL);
			free(path);
		}
	names = conf_backends(cfg, &n);
	for (i = 0; i < n; i++) {
		snprintf(section, sizeof section, "backend.%s", names[i]);
		for (j = 0; j < sizeof keys / sizeof keys[0]; j++)
			(void)conf_get(cfg, section, keys[j]);
	}
	conf_free(cfg);
	free(text);
	return 0;
}
