#include "config.h"

#include "modem/chan.h"

#include <stdlib.h>
#include <string.h>

#include "modem/serial.h"
#include "util/buf.h"
#include "util/log.h"

/* Bytes we hold for a port that cannot take them yet (a few PDUs). */
#define CHAN_OUT_MAX 16384

struct chan {
	uv_loop_t *loop;
	struct serial *serial;
	struct at *at;
	const struct chan_ops *ops;
	void *ctx;

	uv_poll_t poll;
	uv_timer_t timer;
	int poll_events;
	struct buf out;		/* not yet written */
	bool dead;		/* hangup seen */
	bool closing;
	int open_handles;
	void (*done)(void *arg);
	void *done_arg;
};

static void chan_poll_cb(uv_poll_t *h, int status, int events);

static void
chan_watch(struct chan *c)
{
	int ev = UV_READABLE | UV_DISCONNECT;

	if (c->dead || c->closing)
		return;
	if (c->out.len > 0)
		ev |= UV_WRITABLE;
	if (ev != c->poll_events) {
		c->poll_events = ev;
		uv_poll_start(&c->poll, ev, chan_poll_cb);
	}
}

static void
chan_hangup(struct chan *c)
{
	if (c->dead || c->closing)
		return;
	c->dead = true;
	uv_poll_stop(&c->poll);
	uv_timer_stop(&c->timer);
	log_info("modem: %s went away", serial_path(c->serial));
	at_cancel_all(c->at);
	c->ops->hangup(c->ctx);
}

static void
chan_flush(struct chan *c)
{
	ssize_t n;

	while (c->out.len > 0) {
		n = serial_write(c->serial, c->out.data, c->out.len);
		if (n < 0) {
			chan_hangup(c);
			return;
		}
		if (n == 0)
			break;
		buf_consume(&c->out, (size_t)n);
	}
	chan_watch(c);
}

static void
chan_write_cb(void *ctx, const char *data, size_t len)
{
	struct chan *c = ctx;

	if (c->dead || c->closing)
		return;
	if (buf_append(&c->out, data, len) < 0) {
		log_warn("modem: output to %s is stuck; dropping %zu bytes",
		    serial_path(c->serial), len);
		return;
	}
	chan_flush(c);
}

static void
chan_timer_cb(uv_timer_t *h)
{
	struct chan *c = h->data;

	at_timeout(c->at);
}

static void
chan_arm_cb(void *ctx, uint64_t ms)
{
	struct chan *c = ctx;

	if (c->closing)
		return;
	if (ms == 0)
		uv_timer_stop(&c->timer);
	else
		uv_timer_start(&c->timer, chan_timer_cb, ms, 0);
}

static void
chan_urc_cb(void *ctx, const struct at_urc *urc)
{
	struct chan *c = ctx;

	c->ops->urc(c->ctx, urc);
}

static const struct at_ops chan_at_ops = {
	chan_write_cb, chan_arm_cb, chan_urc_cb,
};

static void
chan_poll_cb(uv_poll_t *h, int status, int events)
{
	struct chan *c = h->data;
	char buf[4096];
	ssize_t n;
	int i;

	if (status < 0) {
		chan_hangup(c);
		return;
	}
	if (events & UV_WRITABLE)
		chan_flush(c);
	if (events & (UV_READABLE | UV_DISCONNECT)) {
		/* Bounded: let other handles run under a flood. */
		for (i = 0; i < 16 && !c->dead && !c->closing; i++) {
			n = serial_read(c->serial, buf, sizeof buf);
			if (n < 0) {
				chan_hangup(c);
				return;
			}
			if (n == 0)
				break;
			at_feed(c->at, buf, (size_t)n);
		}
	}
}

int
chan_open(struct chan **out, uv_loop_t *loop, const char *path, int baud,
    const struct chan_ops *ops, void *ctx, struct sms_err *err)
{
	struct chan *c;
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return SMS_ENOMEM;
	c->loop = loop;
	c->ops = ops;
	c->ctx = ctx;
	buf_init(&c->out, CHAN_OUT_MAX);
	if ((rc = serial_open(&c->serial, path, baud, err)) < 0)
		goto fail;
	if ((rc = at_new(&c->at, &chan_at_ops, c)) < 0)
		goto fail;
	if (uv_poll_init(loop, &c->poll, serial_fd(c->serial)) != 0) {
		rc = sms_err_set(err, SMS_EIO, "cannot watch %s", path);
		goto fail;
	}
	c->poll.data = c;
	c->open_handles++;
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
	c->open_handles++;
	chan_watch(c);
	*out = c;
	return 0;
fail:
	at_free(c->at);
	serial_close(c->serial);
	buf_fini(&c->out);
	free(c);
	return rc;
}

static void
chan_handle_closed(uv_handle_t *h)
{
	struct chan *c = h->data;
	void (*done)(void *);
	void *arg;

	if (--c->open_handles > 0)
		return;
	done = c->done;
	arg = c->done_arg;
	at_free(c->at);
	buf_fini(&c->out);
	free(c);
	if (done != NULL)
		done(arg);
}

void
chan_close(struct chan *c, void (*done)(void *arg), void *arg)
{
	if (c == NULL) {
		if (done != NULL)
			done(arg);
		return;
	}
	if (c->closing)
		return;
	c->closing = true;
	c->done = done;
	c->done_arg = arg;
	at_cancel_all(c->at);
	uv_close((uv_handle_t *)&c->poll, chan_handle_closed);
	uv_close((uv_handle_t *)&c->timer, chan_handle_closed);
	/* uv_close() stopped the poll watcher: the fd may go now. */
	serial_close(c->serial);
	c->serial = NULL;
}

struct at *
chan_at(struct chan *c)
{
	return c->at;
}

const char *
chan_path(const struct chan *c)
{
	return serial_path(c->serial);
}

const char *
chan_stable_path(const struct chan *c)
{
	return serial_stable_path(c->serial);
}

int
chan_set_baud(struct chan *c, int baud, struct sms_err *err)
{
	return serial_set_baud(c->serial, baud, err);
}
