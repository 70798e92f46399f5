#include "config.h"

#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"

void
sms_err_clear(struct sms_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

static void __attribute__((format(printf, 4, 0)))
err_vset(struct sms_err *err, int code, int sys_errno, const char *fmt,
    va_list ap)
{
	size_t len;

	err->code = code;
	err->sys_errno = sys_errno;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	if (sys_errno != 0) {
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof err->msg - len, ": %s",
		    strerror(sys_errno));
	}
}

int
sms_err_set(struct sms_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	err_vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int
sms_err_sys(struct sms_err *err, int code, int sys_errno, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	err_vset(err, code, sys_errno, fmt, ap);
	va_end(ap);
	return code;
}

/* Append s to dst (size size, *len used), cutting at the end. */
static void
append_cut(char *dst, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (n > size - 1 - *len)
		n = size - 1 - *len;
	memcpy(dst + *len, s, n);
	*len += n;
	dst[*len] = '\0';
}

int
sms_err_prefix(struct sms_err *err, const char *fmt, ...)
{
	char prefix[SMS_ERR_MSG_MAX], old[SMS_ERR_MSG_MAX];
	size_t len;
	va_list ap;

	if (err == NULL || err->code == 0)
		return err == NULL ? SMS_EINVAL : err->code;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	/* "prefix: old", cut to fit (truncation is wanted here). */
	len = 0;
	append_cut(err->msg, sizeof err->msg, &len, prefix);
	append_cut(err->msg, sizeof err->msg, &len, ": ");
	append_cut(err->msg, sizeof err->msg, &len, old);
	return err->code;
}

int
sms_err_recode(struct sms_err *err, int code)
{
	if (err != NULL)
		err->code = code;
	return code;
}

const char *
sms_rc_str(int code)
{
	switch (code) {
	case SMS_OK:		return _("success");
	case SMS_ENOMEM:	return _("out of memory");
	case SMS_EINVAL:	return _("invalid argument");
	case SMS_EDATA:		return _("invalid data");
	case SMS_EIO:		return _("input/output error");
	case SMS_ENOENT:	return _("not found");
	case SMS_EBUSY:		return _("busy");
	case SMS_EPERM:		return _("permission denied");
	case SMS_ECONFIG:	return _("configuration error");
	case SMS_ETEMP:		return _("temporary failure");
	case SMS_EUNAVAIL:	return _("service unavailable");
	case SMS_ESTORE:	return _("database error");
	case SMS_EVERSION:	return _("incompatible version");
	case SMS_ECANTCREAT:	return _("cannot create");
	case SMS_EOPTOUT:	return _("recipient has opted out");
	case SMS_ETOOBIG:	return _("too large");
	case SMS_EPROTO:	return _("protocol error");
	case SMS_ETIMEDOUT:	return _("timed out");
	case SMS_EEXIST:	return _("already exists");
	}
	return _("unknown error");
}

int
sms_rc_exit(int code)
{
	switch (code) {
	case SMS_OK:		return SMS_EXIT_OK;
	case SMS_EINVAL:	return SMS_EXIT_USAGE;
	case SMS_EDATA:
	case SMS_ETOOBIG:	return SMS_EXIT_DATAERR;
	case SMS_ENOENT:	return SMS_EXIT_NOINPUT;
	case SMS_EUNAVAIL:
	case SMS_EBUSY:		return SMS_EXIT_UNAVAILABLE;
	case SMS_ECANTCREAT:	return SMS_EXIT_CANTCREAT;
	case SMS_EIO:		return SMS_EXIT_IOERR;
	case SMS_ETEMP:
	case SMS_ETIMEDOUT:	return SMS_EXIT_TEMPFAIL;
	case SMS_EOPTOUT:
	case SMS_EPERM:		return SMS_EXIT_NOPERM;
	case SMS_ECONFIG:	return SMS_EXIT_CONFIG;
	}
	return SMS_EXIT_SOFTWARE;
}
