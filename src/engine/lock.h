/*
 * The engine lock: exactly one process at a time runs the engine for a
 * store (backends, outbox, autoreply).  It holds an exclusive flock(2) on
 * "STORE.lock" next to the database, with its pid written inside so the
 * others can say who holds it.
 */
#ifndef SMS_ENGINE_LOCK_H
#define SMS_ENGINE_LOCK_H

#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

/*
 * Take the lock for the store at store_path; *fd gets the descriptor to
 * keep open (and pass to lock_close()).  SMS_EBUSY, with a sentence naming
 * the holder's pid, when another process holds it.
 */
int lock_open(int *fd, const char *store_path, struct sms_err *err);

/* Release the lock; fd < 0 does nothing. */
void lock_close(int fd, const char *store_path);

/*
 * Whether someone holds the lock: returns 1 and the pid in *pid (0 if
 * unknown), 0 when free, or a negative enum sms_rc.
 */
int lock_holder(const char *store_path, pid_t *pid);

/*
 * Before lock_open(): whether the last engine on this store ended without
 * lock_close() (killed, crashed: its pid is still in the file).  Returns 1
 * and in *at when it was last seen alive (the file's modification time,
 * which lock_touch() keeps current), else 0.
 */
int lock_crashed(const char *store_path, int64_t *at);

/* Say that the holder is alive (a heartbeat for lock_crashed()). */
void lock_touch(int fd);

#endif
