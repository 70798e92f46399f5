/*
 * The serial port: the only user of libserialport.  Opens a modem port
 * exclusively (TIOCEXCL plus a UUCP lock file), non-blocking, 8N1 without
 * flow control, and names whoever else holds it.  A pseudo-terminal (the
 * test simulator) is opened with open() and termios, since libserialport
 * 0.1.1 cannot open one; real devices always go through libserialport.
 */
#ifndef SMS_MODEM_SERIAL_H
#define SMS_MODEM_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

struct serial;

/* One port found by serial_list(). */
struct serial_info {
	char name[128];		/* /dev/ttyUSB0 */
	char description[128];
	char by_id[256];	/* /dev/serial/by-id/... or "" */
	bool usb;
	int usb_vid, usb_pid;	/* 0 when not USB */
	char manufacturer[64];
	char product[64];
	char serial[64];	/* USB serial number or "" */
};

/*
 * Open path at baud (0: 115200).  path may be a symlink (by-id); the port
 * is remembered by a stable name for serial_stable_path().  Fails with a
 * sentence in err: SMS_ENOENT (no such device), SMS_EBUSY (another
 * process holds it, named), SMS_EPERM, SMS_EINVAL (not a serial port),
 * SMS_EIO.
 */
int serial_open(struct serial **out, const char *path, int baud,
    struct sms_err *err);

/* Close the port, drop the lock file and free s.  NULL is fine. */
void serial_close(struct serial *s);

/* The file descriptor to watch for reading. */
int serial_fd(const struct serial *s);

/*
 * Read what is there without blocking.  Returns the byte count, 0 when
 * nothing is waiting, SMS_EIO when the device went away (unplugged).
 */
ssize_t serial_read(struct serial *s, char *buf, size_t len);

/* Write without blocking; returns the bytes written (maybe fewer than
 * len, maybe 0) or SMS_EIO. */
ssize_t serial_write(struct serial *s, const char *data, size_t len);

/* Change the speed of an open port. */
int serial_set_baud(struct serial *s, int baud, struct sms_err *err);

/* The device's real path (/dev/ttyUSB0); borrowed until close. */
const char *serial_path(const struct serial *s);

/* A name that survives replugging: the configured symlink, the matching
 * /dev/serial/by-id link, else the device path.  Borrowed until close. */
const char *serial_stable_path(const struct serial *s);

/* Whether this is a pseudo-terminal (tests) rather than a device. */
bool serial_is_pty(const struct serial *s);

/*
 * Every serial port the system has (libserialport enumeration).  Caller
 * frees *out with free().
 */
int serial_list(struct serial_info **out, size_t *n, struct sms_err *err);

/*
 * The character devices matching a glob(7) pattern (port = auto with
 * auto_ports, e.g. /dev/serial/by-id/usb-HUAWEI*), named as they match
 * (a by-id link stays a link, so it is found again after a replug), each
 * device once, sorted.  Nothing matching is not an error (*n is 0).
 * Caller frees *out with free().
 */
int serial_glob(const char *pattern, struct serial_info **out, size_t *n,
    struct sms_err *err);

/*
 * Find a process other than us that has path open; fills pid and the
 * program's name.  Returns true when one was found.
 */
bool serial_holder(const char *path, pid_t *pid, char *prog, size_t size);

#endif
