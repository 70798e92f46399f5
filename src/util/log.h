/*
 * Logging with levels and pluggable sinks.  main installs the sink: stderr
 * for sms-send, syslog for sms-inboxd, a callback (file, in-memory ring) for
 * the TUI.  Log lines are English and never carry secrets.
 */
#ifndef SMS_UTIL_LOG_H
#define SMS_UTIL_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE,	/* raw AT and HTTP traffic */
};

/* A custom sink gets the level and the formatted line (no newline). */
typedef void (*log_sink_cb)(enum log_level level, const char *line,
    void *data);

/* Log to standard error with a timestamp (the default sink). */
void log_to_stderr(void);

/* Log to syslog(3) under ident (borrowed for the program's life). */
void log_to_syslog(const char *ident);

/* Log through cb; NULL cb discards everything. */
void log_to_callback(log_sink_cb cb, void *data);

/* Lines above level are dropped.  The default is LOG_LEVEL_WARN. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Parse "error", "warning", "info", "debug", "trace"; -1 if none. */
int log_level_parse(const char *name);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_trace(...)	log_msg(LOG_LEVEL_TRACE, __VA_ARGS__)

/*
 * Copy at most len bytes of src into dst (size dstsize, always terminated),
 * escaping control bytes as \r, \n, \xNN so hostile input cannot forge log
 * lines or move a terminal's cursor.  Returns dst.
 */
char *log_escape(char *dst, size_t dstsize, const char *src, size_t len);

#endif
