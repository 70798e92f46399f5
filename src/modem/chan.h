/*
 * A channel: one open serial port with an AT engine on a libuv loop.  It
 * watches the port's fd (uv_poll_t), runs the AT engine's command timer
 * (uv_timer_t), buffers writes the port cannot take yet, and reports a
 * hangup (unplug) once.  Used by the modem session and by the
 * `sms-inbox modem` commands.
 */
#ifndef SMS_MODEM_CHAN_H
#define SMS_MODEM_CHAN_H

#include <uv.h>

#include "modem/at.h"
#include "util/err.h"

struct chan;

struct chan_ops {
	/* An unsolicited result code (see at.h). */
	void (*urc)(void *ctx, const struct at_urc *urc);
	/* The device went away (read error, EOF, POLLHUP).  Commands in
	 * flight end with AT_RES_CANCELLED before this is called.  Called
	 * once; the owner should chan_close(). */
	void (*hangup)(void *ctx);
};

/* Open path (see serial_open()) and start watching it on loop. */
int chan_open(struct chan **out, uv_loop_t *loop, const char *path, int baud,
    const struct chan_ops *ops, void *ctx, struct sms_err *err);

/*
 * Stop, close the port and free the channel once libuv has let go of its
 * handles; then call done(arg) if done is not NULL.  Commands in flight end
 * with AT_RES_CANCELLED first.  NULL chan calls done at once.
 */
void chan_close(struct chan *c, void (*done)(void *arg), void *arg);

/* The AT engine; borrowed until chan_close(). */
struct at *chan_at(struct chan *c);

/* The device path and its stable name (serial.h); borrowed. */
const char *chan_path(const struct chan *c);
const char *chan_stable_path(const struct chan *c);

/* Change the port speed (baud autodetection). */
int chan_set_baud(struct chan *c, int baud, struct sms_err *err);

#endif
