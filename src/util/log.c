#include "config.h"

#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

enum log_sink_kind { SINK_STDERR, SINK_SYSLOG, SINK_CALLBACK };

/* The process-wide sink; set by main before anything logs. */
static struct {
	enum log_sink_kind kind;
	enum log_level level;
	log_sink_cb cb;
	void *data;
} sink = { SINK_STDERR, LOG_LEVEL_WARN, NULL, NULL };

static const char *const level_names[] = {
	"error", "warning", "info", "debug", "trace",
};

void
log_to_stderr(void)
{
	sink.kind = SINK_STDERR;
}

void
log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
	sink.kind = SINK_SYSLOG;
}

void
log_to_callback(log_sink_cb cb, void *data)
{
	sink.kind = SINK_CALLBACK;
	sink.cb = cb;
	sink.data = data;
}

void
log_set_level(enum log_level level)
{
	sink.level = level;
}

enum log_level
log_get_level(void)
{
	return sink.level;
}

int
log_level_parse(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	if (strcasecmp(name, "err") == 0)
		return LOG_LEVEL_ERR;
	if (strcasecmp(name, "warn") == 0)
		return LOG_LEVEL_WARN;
	return -1;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const int syslog_prio[] = {
		LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG,
	};
	char line[2048], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > sink.level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);

	switch (sink.kind) {
	case SINK_STDERR:
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s: %s\n", stamp,
		    ts.tv_nsec / 1000000, level_names[level], line);
		break;
	case SINK_SYSLOG:
		syslog(syslog_prio[level], "%s", line);
		break;
	case SINK_CALLBACK:
		if (sink.cb != NULL)
			sink.cb(level, line, sink.data);
		break;
	}
}

char *
log_escape(char *dst, size_t dstsize, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;
	unsigned char c;
	char esc[5];
	size_t n;

	if (dstsize == 0)
		return dst;
	for (i = 0; i < len && src[i] != '\0'; i++) {
		c = (unsigned char)src[i];
		n = 0;
		if (c == '\r') {
			esc[n++] = '\\';
			esc[n++] = 'r';
		} else if (c == '\n') {
			esc[n++] = '\\';
			esc[n++] = 'n';
		} else if (c == '\\') {
			esc[n++] = '\\';
			esc[n++] = '\\';
		} else if (c < 0x20 || c == 0x7f) {
			esc[n++] = '\\';
			esc[n++] = 'x';
			esc[n++] = hex[c >> 4];
			esc[n++] = hex[c & 15];
		} else
			esc[n++] = (char)c;
		if (o + n >= dstsize)
			break;
		memcpy(dst + o, esc, n);
		o += n;
	}
	dst[o] = '\0';
	return dst;
}
