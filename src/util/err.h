/*
 * Error convention: fallible functions return an int, >= 0 on success and a
 * negative enum sms_rc on failure, and fill an optional struct sms_err with
 * a translated sentence for a person.  Reporting never allocates.
 */
#ifndef SMS_UTIL_ERR_H
#define SMS_UTIL_ERR_H

#include <stddef.h>

enum sms_rc {
	SMS_OK = 0,
	SMS_ENOMEM = -1,	/* out of memory */
	SMS_EINVAL = -2,	/* bad argument or usage */
	SMS_EDATA = -3,		/* bad input data: number, text, PDU, file */
	SMS_EIO = -4,		/* I/O failed */
	SMS_ENOENT = -5,	/* no such thing */
	SMS_EBUSY = -6,		/* held by someone else (lock, port) */
	SMS_EPERM = -7,		/* permission or unsafe permissions */
	SMS_ECONFIG = -8,	/* configuration error */
	SMS_ETEMP = -9,		/* temporary failure: try again later */
	SMS_EUNAVAIL = -10,	/* service or backend unavailable */
	SMS_ESTORE = -11,	/* the database failed */
	SMS_EVERSION = -12,	/* incompatible version (store, protocol) */
	SMS_ECANTCREAT = -13,	/* cannot create a file or directory */
	SMS_EOPTOUT = -14,	/* recipient has opted out */
	SMS_ETOOBIG = -15,	/* input over a size limit */
	SMS_EPROTO = -16,	/* the peer broke the protocol */
	SMS_ETIMEDOUT = -17,	/* gave up waiting */
	SMS_EEXIST = -18,	/* already exists */
};

/* sysexits(3) codes, the exit-status API of our programs. */
enum sms_exit {
	SMS_EXIT_OK = 0,
	SMS_EXIT_FAILURE = 1,
	SMS_EXIT_USAGE = 64,
	SMS_EXIT_DATAERR = 65,
	SMS_EXIT_NOINPUT = 66,
	SMS_EXIT_UNAVAILABLE = 69,
	SMS_EXIT_SOFTWARE = 70,
	SMS_EXIT_CANTCREAT = 73,
	SMS_EXIT_IOERR = 74,
	SMS_EXIT_TEMPFAIL = 75,
	SMS_EXIT_NOPERM = 77,
	SMS_EXIT_CONFIG = 78,
};

#define SMS_ERR_MSG_MAX 512

struct sms_err {
	int code;			/* enum sms_rc, 0 when unset */
	int sys_errno;			/* errno saved at the failure, or 0 */
	char msg[SMS_ERR_MSG_MAX];	/* translated sentence, "" when unset */
};

/* Reset err to "no error".  err may be NULL. */
void sms_err_clear(struct sms_err *err);

/*
 * Record code and a printf-style sentence in err (which may be NULL) and
 * return code, so callers can write `return sms_err_set(err, ...)`.
 */
int sms_err_set(struct sms_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Like sms_err_set(), and append ": " and strerror(sys_errno).  Pass errno
 * saved right after the failing call.
 */
int sms_err_sys(struct sms_err *err, int code, int sys_errno,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Put "context: " before the message already in err, keeping its code.
 * Returns err's code (or SMS_EINVAL when err is NULL or unset).
 */
int sms_err_prefix(struct sms_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Change the code of the error in err, keeping its sentence; returns code. */
int sms_err_recode(struct sms_err *err, int code);

/* A short translated description of code; borrowed, static storage. */
const char *sms_rc_str(int code);

/* The sysexits code a program exits with for code. */
int sms_rc_exit(int code);

#endif
