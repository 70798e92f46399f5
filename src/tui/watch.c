/*
 * Following what happens outside the keyboard: other processes (the
 * daemon, sms-send, another agent's inbox) commit to the store, noticed
 * through PRAGMA data_version, which is cheap enough to ask twice a
 * second; and the engine's state for the status bar.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "store/event.h"
#include "store/store.h"
#include "store/thread.h"
#include "tui/private.h"
#include "tui/statusbar.h"
#include "util/i18n.h"
#include "util/log.h"

/* Unread total and queue depth for the status bar; a rise in unread means
 * a new message: say from whom. */
void
watch_refresh(struct tui *t, struct statusbar *sb, bool notify)
{
	struct store *st = tui_store(t);
	struct store_thread_query q;
	struct store_threads page;
	int64_t threads, unread, queued, sending;
	const char *who;

	if (store_thread_count(st, &threads, &unread, NULL) < 0)
		unread = -1;
	if (notify && sb->unread >= 0 && unread > sb->unread) {
		memset(&q, 0, sizeof q);
		q.filter = STORE_THREADS_UNREAD;
		q.limit = 1;
		if (store_thread_page(st, &q, &page, NULL) >= 0) {
			if (page.n > 0) {
				who = page.v[0].contact_name ?
				    page.v[0].contact_name : page.v[0].peer;
				snprintf(sb->notice, sizeof sb->notice,
				    _("New message from %s"), who);
			}
			store_threads_fini(&page);
		}
		tui_bell(t);
	}
	sb->unread = unread;
	if (store_queue_depth(st, NULL, &queued, &sending, NULL) >= 0)
		sb->queued = (long)(queued + sending);
}

void
watch_start(struct tui *t, struct statusbar *sb)
{
	/* The first call says "changed": take it now. */
	store_changed(tui_store(t), NULL);
	watch_refresh(t, sb, false);
}

void
watch_poll(struct tui *t, struct statusbar *sb)
{
	struct sms_err err;
	long unread = sb->unread, queued = sb->queued;
	int rc;

	sms_err_clear(&err);
	rc = store_changed(tui_store(t), &err);
	if (rc < 0) {
		log_warn("store: %s", err.msg);
		return;
	}
	if (rc > 0) {
		watch_refresh(t, sb, true);
		tui_store_changed(t);
	}
	if (unread != sb->unread || queued != sb->queued)
		tui_dirty(t);
}

void
watch_wake(struct tui *t)
{
	/* Until an engine client exists the queued message waits in the
	 * store for whoever runs the engine next. */
	(void)t;
}

void
watch_stop(struct tui *t)
{
	(void)t;
}
