/*
 * sms-inbox report: messages per day in and out, the delivery rate, how
 * long customers wait for an answer, and the hits of each autoreply rule,
 * over the last 7 days or since a date.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cmd.h"
#include "cli/print.h"
#include "store/rule.h"
#include "store/stats.h"
#include "store/store.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/msg.h"

#define REPORT_DAYS_DEFAULT 7

static void
report_help(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s report [--since=YYYY-MM-DD] [--json]\n"
	    "Messages per day in and out, delivery rate, response time and "
	    "the hits of\neach autoreply rule, for the last %d days or since "
	    "a date (at most %d days).\n\n"), ctx->progname,
	    REPORT_DAYS_DEFAULT, STORE_STATS_DAYS_MAX);
	fputs(_("  -s, --since=DATE  start on this day (local time)\n"
	    "  -j, --json        print one JSON object\n"
	    "  -h, --help        display this help and exit\n"), stdout);
}

/* Days from the local day of date to today, inclusive; -1 if bad. */
static int
days_since(const char *date, time_t now)
{
	struct tm tm, today;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (strptime(date, "%Y-%m-%d", &tm) == NULL ||
	    strlen(date) != 10)
		return -1;
	tm.tm_isdst = -1;
	tm.tm_hour = 12;
	if ((t = mktime(&tm)) == (time_t)-1 || t > now + 86400)
		return -1;
	localtime_r(&now, &today);
	today.tm_hour = 12;
	today.tm_min = today.tm_sec = 0;
	today.tm_isdst = -1;
	return (int)((mktime(&today) - t + 43200) / 86400) + 1;
}

static int
report_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store *st;
	struct store_stats s;
	struct store_rule_stats rs;
	struct sms_err err;
	time_t now = time(NULL);
	struct tm tm;
	int days = REPORT_DAYS_DEFAULT, opt, rc, i;
	int64_t sent, delivered;
	bool json = false;
	json_t *o, *perday, *rules;
	size_t k;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "s:jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if ((days = days_since(optarg, now)) < 1)
				return cmd_usage_error(ctx, "report",
				    _("--since takes a past date as "
				    "YYYY-MM-DD, not \"%s\""), optarg);
			if (days > STORE_STATS_DAYS_MAX)
				days = STORE_STATS_DAYS_MAX;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			report_help(ctx);
			return 0;
		default:
			return cmd_usage_error(ctx, "report", "%s",
			    _("unknown option"));
		}
	}
	if (optind < argc)
		return cmd_usage_error(ctx, "report", "%s",
		    _("too many arguments"));
	if ((rc = cmd_ctx_store(ctx, &st)) != 0)
		return rc;
	localtime_r(&now, &tm);
	if ((rc = store_stats_get(st, days, tm.tm_gmtoff, (int64_t)now, &s,
	    &err)) < 0 ||
	    (rc = store_rule_stats(st, s.day0, &rs, &err)) < 0) {
		cmd_error(ctx, "%s", err.msg);
		return sms_rc_exit(rc);
	}
	sent = s.out_state[MSG_SUBMITTED] + s.out_state[MSG_SENT] +
	    s.out_state[MSG_DELIVERED] + s.out_state[MSG_UNDELIVERED];
	delivered = s.out_state[MSG_DELIVERED];
	perday = json_array();
	for (i = 0; i < s.days; i++) {
		time_t d = (time_t)(s.day0 + (int64_t)i * 86400 + 43200);
		char date[16];
		struct tm dt;

		localtime_r(&d, &dt);
		strftime(date, sizeof date, "%Y-%m-%d", &dt);
		json_array_append_new(perday, json_pack("{s:s, s:I, s:I}",
		    "date", date, "in", (json_int_t)s.in[i], "out",
		    (json_int_t)s.out[i]));
	}
	rules = json_array();
	for (k = 0; k < rs.n; k++)
		json_array_append_new(rules, json_pack("{s:I, s:s, s:I, s:I}",
		    "id", (json_int_t)rs.v[k].rule_id, "name",
		    rs.v[k].name ? rs.v[k].name : "", "fired",
		    (json_int_t)rs.v[k].fired, "held",
		    (json_int_t)rs.v[k].held));
	store_rule_stats_fini(&rs);
	o = json_pack("{s:i, s:o, s:I, s:I, s:o, s:o, s:o}", "days", s.days,
	    "per_day", perday, "sent", (json_int_t)sent, "delivered",
	    (json_int_t)delivered, "delivery_rate", sent > 0 ?
	    json_real((double)delivered / (double)sent) : json_null(),
	    "avg_response_s", s.avg_response >= 0 ?
	    json_real(s.avg_response) : json_null(), "rules", rules);
	if (o == NULL)
		return SMS_EXIT_SOFTWARE;
	if (json)
		return print_json(o) < 0 ? SMS_EXIT_IOERR : 0;
	printf("%s\n", _("Day         In   Out"));
	json_array_foreach(json_object_get(o, "per_day"), k, perday)
		printf("%s %5lld %5lld\n", json_string_value(json_object_get(
		    perday, "date")), (long long)json_integer_value(
		    json_object_get(perday, "in")), (long long)
		    json_integer_value(json_object_get(perday, "out")));
	if (sent > 0)
		printf(_("Delivered: %lld of %lld sent (%.1f %%)\n"),
		    (long long)delivered, (long long)sent,
		    100.0 * (double)delivered / (double)sent);
	else
		printf("%s\n", _("Delivered: nothing sent"));
	if (s.avg_response >= 0)
		printf(_("Average response time: %.0f s (%lld answered)\n"),
		    s.avg_response, (long long)s.answered);
	json_array_foreach(json_object_get(o, "rules"), k, perday)
		printf(_("Rule %lld %s: %lld fired, %lld held back\n"),
		    (long long)json_integer_value(json_object_get(perday,
		    "id")), json_string_value(json_object_get(perday, "name")),
		    (long long)json_integer_value(json_object_get(perday,
		    "fired")), (long long)json_integer_value(json_object_get(
		    perday, "held")));
	json_decref(o);
	return 0;
}

const struct cmd_entry cmd_report_entry = {
	"report",
	N_("volume, delivery rate, response time, rule hits"),
	report_exec,
};
