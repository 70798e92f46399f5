/*
 * The engine's control socket: a UNIX stream socket, one JSON object per
 * line (doc/internals/ipc.md).  Each side's first line carries the
 * protocol version; then clients send requests ({"cmd": "wake"},
 * "status", "subscribe", ...) and get one reply line each; subscribers
 * also get event lines ({"event": ...}).  Lines are at most IPC_LINE_MAX
 * bytes.
 */
#ifndef SMS_ENGINE_IPC_H
#define SMS_ENGINE_IPC_H

#include <jansson.h>
#include <uv.h>

#include "util/err.h"

#define IPC_PROTOCOL 1
#define IPC_LINE_MAX (64 * 1024)

/*
 * The socket of the engine running on the store at store_path: for the
 * default store $XDG_RUNTIME_DIR/sms-inbox/engine.sock; for any other,
 * "STORE.sock" next to the database (or, when that is too long for a
 * socket address, engine-HASH.sock in the runtime directory).  NULL when
 * out of memory.  Caller frees.
 */
char *ipc_socket_path(const char *store_path);

/*
 * A request from a client: cmd is its "cmd" member and req the whole
 * object (borrowed).  Return the reply object (a new reference; "ok" is
 * added), or NULL with err set for an error reply.
 */
typedef json_t *(*ipc_request_cb)(void *data, const char *cmd,
    json_t *req, struct sms_err *err);

struct ipc_server;

/* Listen on path (a stale socket there is removed: call this only while
 * holding the engine lock). */
int ipc_server_start(struct ipc_server **out, uv_loop_t *loop,
    const char *path, ipc_request_cb cb, void *data, struct sms_err *err);

/* Close the socket and every connection, remove the socket file; the
 * server frees itself once libuv has closed its handles.  NULL is fine. */
void ipc_server_stop(struct ipc_server *srv);

/* Send event (borrowed; an object with an "event" member) to every
 * client that subscribed. */
void ipc_server_publish(struct ipc_server *srv, json_t *event);

/* How many clients are connected. */
size_t ipc_server_clients(const struct ipc_server *srv);

/*
 * A one-shot client for programs outside the loop (sms-send, status):
 * connect to path, do the handshake, send req (borrowed), and wait at most
 * timeout_ms for the reply (*reply: a new reference, Caller frees with
 * json_decref).  SMS_ENOENT when no engine listens there; an error reply
 * comes back as SMS_EPROTO with the engine's sentence.
 */
int ipc_call(const char *path, json_t *req, json_t **reply, int timeout_ms,
    struct sms_err *err);

#endif
