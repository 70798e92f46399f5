#include "config.h"

#include "engine/ipc.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/conf.h"
#include "util/i18n.h"
#include "util/log.h"

/* A subscriber further behind than this is dropped, not buffered. */
#define IPC_QUEUE_MAX (4 * 1024 * 1024)
#define IPC_READ_CHUNK 4096

struct ipc_conn {
	uv_pipe_t pipe;
	struct ipc_server *srv;
	struct ipc_conn *next;
	struct buf in;
	char rbuf[IPC_READ_CHUNK];
	int greeted;		/* the client's version line was read */
	int subscribed;
	int closing;
};

struct ipc_server {
	uv_pipe_t pipe;
	uv_loop_t *loop;
	char *path;
	ipc_request_cb cb;
	void *data;
	struct ipc_conn *conns;
	size_t n_conns;
	int open_handles;	/* the listener plus live connections */
	int stopping;
};

struct ipc_write {
	uv_write_t req;
	char *data;
};

static unsigned long
fnv1a(const char *s)
{
	unsigned long h = 2166136261UL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619UL;
	return h & 0xffffffffUL;
}

char *
ipc_socket_path(const char *store_path)
{
	struct sockaddr_un sa;
	struct conf *empty = NULL;
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char *def = NULL, *path = NULL;
	int is_default;

	if (conf_load_string(&empty, "", "(defaults)", NULL) < 0)
		return NULL;
	def = conf_store_path(empty);
	conf_free(empty);
	if (def == NULL)
		return NULL;
	is_default = strcmp(def, store_path) == 0;
	free(def);
	if (is_default && rt != NULL && *rt == '/') {
		if (asprintf(&path, "%s/sms-inbox/engine.sock", rt) < 0)
			return NULL;
		return path;
	}
	if (asprintf(&path, "%s.sock", store_path) < 0)
		return NULL;
	if (strlen(path) < sizeof sa.sun_path)
		return path;
	free(path);
	path = NULL;
	if (asprintf(&path, "%s/sms-inbox/engine-%08lx.sock",
	    rt != NULL && *rt == '/' ? rt : "/tmp", fnv1a(store_path)) < 0)
		return NULL;
	return path;
}

static void
server_release(struct ipc_server *srv)
{
	if (--srv->open_handles > 0)
		return;
	free(srv->path);
	free(srv);
}

static void
conn_closed(uv_handle_t *h)
{
	struct ipc_conn *c = h->data;
	struct ipc_server *srv = c->srv;

	buf_fini(&c->in);
	free(c);
	server_release(srv);
}

static void
conn_close(struct ipc_conn *c)
{
	struct ipc_conn **pp;

	if (c->closing)
		return;
	c->closing = 1;
	for (pp = &c->srv->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			c->srv->n_conns--;
			break;
		}
	uv_close((uv_handle_t *)&c->pipe, conn_closed);
}

static void
write_done(uv_write_t *req, int status)
{
	struct ipc_write *w = (struct ipc_write *)req;

	if (status < 0 && status != UV_ECANCELED)
		log_debug("ipc: write failed: %s", uv_strerror(status));
	free(w->data);
	free(w);
}

/* Queue obj as one line to c. */
static void
conn_send(struct ipc_conn *c, json_t *obj)
{
	struct ipc_write *w;
	uv_buf_t b;
	char *s;
	size_t len;
	int rc;

	if (c->closing)
		return;
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) >
	    IPC_QUEUE_MAX) {
		log_warn("ipc: a client is not reading its events; "
		    "disconnecting it");
		conn_close(c);
		return;
	}
	s = json_dumps(obj, JSON_COMPACT);
	if (s == NULL)
		return;
	len = strlen(s);
	if ((w = malloc(sizeof *w)) == NULL ||
	    (w->data = realloc(s, len + 2)) == NULL) {
		free(w);
		free(s);
		return;
	}
	w->data[len] = '\n';
	w->data[len + 1] = '\0';
	b = uv_buf_init(w->data, (unsigned)len + 1);
	if ((rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1,
	    write_done)) < 0) {
		log_debug("ipc: write failed: %s", uv_strerror(rc));
		free(w->data);
		free(w);
		conn_close(c);
	}
}

static void
send_error(struct ipc_conn *c, json_t *id, const char *msg)
{
	json_t *o = json_pack("{s:b, s:s}", "ok", 0, "error", msg);

	if (o == NULL)
		return;
	if (id != NULL)
		json_object_set(o, "id", id);
	conn_send(c, o);
	json_decref(o);
}

static void
handle_line(struct ipc_conn *c, const char *line, size_t len)
{
	struct ipc_server *srv = c->srv;
	json_error_t jerr;
	json_t *req, *reply = NULL, *id;
	const char *cmd;
	struct sms_err err;
	char msg[SMS_ERR_MSG_MAX + 64];

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (req == NULL || !json_is_object(req)) {
		send_error(c, NULL, _("the request is not a JSON object"));
		json_decref(req);
		return;
	}
	id = json_object_get(req, "id");
	if (!c->greeted) {
		json_int_t v = json_integer_value(json_object_get(req,
		    "protocol"));

		if (v != IPC_PROTOCOL) {
			snprintf(msg, sizeof msg, _("protocol version %lld is "
			    "not supported: the engine speaks version %d"),
			    (long long)v, IPC_PROTOCOL);
			send_error(c, id, msg);
			conn_close(c);
		} else
			c->greeted = 1;
		json_decref(req);
		return;
	}
	cmd = json_string_value(json_object_get(req, "cmd"));
	sms_err_clear(&err);
	if (cmd == NULL)
		send_error(c, id, _("the request has no \"cmd\""));
	else if (strcmp(cmd, "subscribe") == 0) {
		c->subscribed = 1;
		reply = json_object();
	} else if (strcmp(cmd, "unsubscribe") == 0) {
		c->subscribed = 0;
		reply = json_object();
	} else if ((reply = srv->cb(srv->data, cmd, req, &err)) == NULL)
		send_error(c, id, err.msg[0] != '\0' ? err.msg :
		    _("the request failed"));
	if (reply != NULL) {
		json_object_set_new(reply, "ok", json_true());
		if (id != NULL)
			json_object_set(reply, "id", id);
		conn_send(c, reply);
		json_decref(reply);
	}
	json_decref(req);
}

static void
conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct ipc_conn *c = h->data;

	(void)suggested;
	*b = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void
conn_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct ipc_conn *c = s->data;
	char *nl;

	(void)b;
	if (n < 0) {
		conn_close(c);
		return;
	}
	if (buf_append(&c->in, c->rbuf, (size_t)n) < 0) {
		send_error(c, NULL, _("the request line is too long"));
		conn_close(c);
		return;
	}
	while (!c->closing && c->in.len > 0 &&
	    (nl = memchr(c->in.data, '\n', c->in.len)) != NULL) {
		size_t len = (size_t)(nl - c->in.data);

		handle_line(c, c->in.data, len);
		if (!c->closing)
			buf_consume(&c->in, len + 1);
	}
}

static void
server_accept(uv_stream_t *listener, int status)
{
	struct ipc_server *srv = listener->data;
	struct ipc_conn *c;
	json_t *hello;

	if (status < 0 || srv->stopping)
		return;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return;
	c->srv = srv;
	buf_init(&c->in, IPC_LINE_MAX);
	uv_pipe_init(srv->loop, &c->pipe, 0);
	c->pipe.data = c;
	srv->open_handles++;
	c->next = srv->conns;
	srv->conns = c;
	srv->n_conns++;
	if (uv_accept(listener, (uv_stream_t *)&c->pipe) < 0 ||
	    uv_read_start((uv_stream_t *)&c->pipe, conn_alloc,
	    conn_read) < 0) {
		conn_close(c);
		return;
	}
	hello = json_pack("{s:i, s:s, s:s, s:I}", "protocol", IPC_PROTOCOL,
	    "program", "sms-inbox", "version", PACKAGE_VERSION, "pid",
	    (json_int_t)getpid());
	if (hello != NULL) {
		conn_send(c, hello);
		json_decref(hello);
	}
}

/* mkdir -p the socket's directory, private to us. */
static int
make_parent(const char *path, struct sms_err *err)
{
	char *dir = strdup(path), *slash;
	int rc = 0;

	if (dir == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			rc = sms_err_sys(err, SMS_ECANTCREAT, errno,
			    _("cannot create the directory %s"), dir);
	}
	free(dir);
	return rc;
}

static void
listener_closed(uv_handle_t *h)
{
	server_release(h->data);
}

int
ipc_server_start(struct ipc_server **out, uv_loop_t *loop, const char *path,
    ipc_request_cb cb, void *data, struct sms_err *err)
{
	struct ipc_server *srv;
	int rc;

	*out = NULL;
	if ((rc = make_parent(path, err)) < 0)
		return rc;
	if ((srv = calloc(1, sizeof *srv)) == NULL ||
	    (srv->path = strdup(path)) == NULL) {
		free(srv);
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	}
	srv->loop = loop;
	srv->cb = cb;
	srv->data = data;
	uv_pipe_init(loop, &srv->pipe, 0);
	srv->pipe.data = srv;
	srv->open_handles = 1;
	/* We hold the engine lock, so a socket file here is stale. */
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("cannot remove the stale socket %s: %s", path,
		    strerror(errno));
	if ((rc = uv_pipe_bind(&srv->pipe, path)) < 0 ||
	    (rc = uv_listen((uv_stream_t *)&srv->pipe, 16,
	    server_accept)) < 0) {
		sms_err_set(err, SMS_ECANTCREAT,
		    _("cannot listen on %s: %s"), path, uv_strerror(rc));
		srv->stopping = 1;
		uv_close((uv_handle_t *)&srv->pipe, listener_closed);
		return SMS_ECANTCREAT;
	}
	chmod(path, 0600);
	*out = srv;
	return 0;
}

void
ipc_server_stop(struct ipc_server *srv)
{
	if (srv == NULL || srv->stopping)
		return;
	srv->stopping = 1;
	while (srv->conns != NULL)
		conn_close(srv->conns);
	unlink(srv->path);
	uv_close((uv_handle_t *)&srv->pipe, listener_closed);
}

void
ipc_server_publish(struct ipc_server *srv, json_t *event)
{
	struct ipc_conn *c, *next;

	if (srv == NULL)
		return;
	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		if (c->subscribed && c->greeted)
			conn_send(c, event);
	}
}

size_t
ipc_server_clients(const struct ipc_server *srv)
{
	return srv != NULL ? srv->n_conns : 0;
}

/* Read one line from fd into b within the time left; returns its length
 * (the line is at b->data, '\n' replaced by NUL) or a negative code. */
static int
read_line(int fd, struct buf *b, uint64_t deadline, struct sms_err *err)
{
	char chunk[IPC_READ_CHUNK];
	char *nl;
	ssize_t n;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint64_t now = uv_hrtime() / 1000000;
		int wait;

		if (b->len > 0 && (nl = memchr(b->data, '\n', b->len)) != NULL) {
			*nl = '\0';
			return (int)(nl - b->data);
		}
		if (now >= deadline)
			return sms_err_set(err, SMS_ETIMEDOUT,
			    _("the engine did not answer in time"));
		wait = (int)(deadline - now);
		if (poll(&p, 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			return sms_err_sys(err, SMS_EIO, errno,
			    _("cannot talk to the engine"));
		}
		if (p.revents == 0)
			continue;
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return sms_err_set(err, SMS_EPROTO,
			    _("the engine closed the connection"));
		if (buf_append(b, chunk, (size_t)n) < 0)
			return sms_err_set(err, SMS_EPROTO,
			    _("the engine's answer is too long"));
	}
}

static int
write_all(int fd, const char *s, size_t len, struct sms_err *err)
{
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sms_err_sys(err, SMS_EIO, errno,
			    _("cannot talk to the engine"));
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Parse the line at the start of b and drop it from b. */
static json_t *
take_json(struct buf *b, int len)
{
	json_t *o = json_loadb(b->data, (size_t)len, 0, NULL);

	buf_consume(b, (size_t)len + 1);
	return o;
}

int
ipc_call(const char *path, json_t *req, json_t **reply, int timeout_ms,
    struct sms_err *err)
{
	struct sockaddr_un sa;
	uint64_t deadline = uv_hrtime() / 1000000 + (uint64_t)timeout_ms;
	struct buf b;
	json_t *o = NULL;
	char *s = NULL, hello[64];
	int fd = -1, rc, len;

	*reply = NULL;
	buf_init(&b, IPC_LINE_MAX);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		rc = sms_err_set(err, SMS_EINVAL,
		    _("the socket path %s is too long"), path);
		goto out;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		rc = sms_err_sys(err, SMS_EIO, errno,
		    _("cannot create a socket"));
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;

		rc = sms_err_sys(err, e == ENOENT || e == ECONNREFUSED ?
		    SMS_ENOENT : SMS_EIO, e, _("cannot connect to %s"), path);
		goto out;
	}
	if ((len = read_line(fd, &b, deadline, err)) < 0) {
		rc = len;
		goto out;
	}
	o = take_json(&b, len);
	if (json_integer_value(json_object_get(o, "protocol")) !=
	    IPC_PROTOCOL) {
		rc = sms_err_set(err, SMS_EVERSION,
		    _("the engine speaks another protocol version (%lld, we "
		    "speak %d): run the same version of sms-inbox "
		    "everywhere"), (long long)json_integer_value(
		    json_object_get(o, "protocol")), IPC_PROTOCOL);
		goto out;
	}
	json_decref(o);
	o = NULL;
	snprintf(hello, sizeof hello, "{\"protocol\":%d}\n", IPC_PROTOCOL);
	if ((s = json_dumps(req, JSON_COMPACT)) == NULL) {
		rc = sms_err_set(err, SMS_ENOMEM, "%s", sms_rc_str(SMS_ENOMEM));
		goto out;
	}
	if ((rc = write_all(fd, hello, strlen(hello), err)) < 0 ||
	    (rc = write_all(fd, s, strlen(s), err)) < 0 ||
	    (rc = write_all(fd, "\n", 1, err)) < 0)
		goto out;
	if ((len = read_line(fd, &b, deadline, err)) < 0) {
		rc = len;
		goto out;
	}
	if ((o = take_json(&b, len)) == NULL) {
		rc = sms_err_set(err, SMS_EPROTO,
		    _("the engine's answer is not JSON"));
		goto out;
	}
	if (!json_is_true(json_object_get(o, "ok"))) {
		const char *m = json_string_value(json_object_get(o, "error"));

		rc = sms_err_set(err, SMS_EPROTO, "%s", m != NULL ? m :
		    _("the engine refused the request"));
		goto out;
	}
	*reply = o;
	o = NULL;
	rc = 0;
out:
	json_decref(o);
	free(s);
	if (fd >= 0)
		close(fd);
	buf_fini(&b);
	return rc;
}
