/*
 * Figures for the statistics view: messages per day in and out, the
 * outgoing messages by state (delivery rate), and how long the customers
 * wait for an answer.  Read-only; rule hit counts are in store/rule.h.
 */
#ifndef SMS_STORE_STATS_H
#define SMS_STORE_STATS_H

#include <stdint.h>

#include "util/err.h"
#include "util/msg.h"

struct store;

#define STORE_STATS_DAYS_MAX 90

struct store_stats {
	int days;		/* days covered, the last one today */
	int64_t day0;		/* unix time of the first day's local midnight */
	int64_t in[STORE_STATS_DAYS_MAX];	/* received per day */
	int64_t out[STORE_STATS_DAYS_MAX];	/* queued per day */
	int64_t out_state[MSG_CANCELLED + 1];	/* outgoing by state */
	int64_t answered;	/* customer messages that got a reply */
	double avg_response;	/* mean seconds from a customer's first
				 * unanswered message to the next reply in
				 * its thread; -1 when none was answered */
};

/*
 * The figures for the days days ending today (1..STORE_STATS_DAYS_MAX),
 * days cut at local midnight (local time = unix time + utc_offset).  Only
 * messages stored in that period are read: the period's first message is
 * found by id, which grows with time, so the cost follows the period,
 * not the size of the store.
 */
int store_stats_get(struct store *st, int days, long utc_offset,
    int64_t now, struct store_stats *out, struct sms_err *err);

#endif
