/*
 * sms-inbox rules: list, add, edit, remove, move, enable and disable the
 * autoreply rules, and test which one would answer a message (without
 * sending anything).  The engine picks changes up by itself.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "cli/cmd.h"
#include "cli/print.h"
#include "engine/hooks.h"
#include "engine/rulebook.h"
#include "engine/rules.h"
#include "engine/template.h"
#include "store/contact.h"
#include "store/rule.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define RULES_HOURS_MAX 16

static void
rules_help(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s rules [list] [--json]\n"
	    "  or:  %s rules add --name=NAME MATCH --reply=TEMPLATE "
	    "[OPTION]...\n"
	    "  or:  %s rules edit ID [MATCH] [OPTION]...\n"
	    "  or:  %s rules remove|enable|disable ID\n"
	    "  or:  %s rules move ID POSITION\n"
	    "  or:  %s rules test --from=NUMBER [--run] TEXT\n"
	    "Manage the autoreply rules: the first rule that matches an "
	    "incoming message\nanswers it, unless it says --continue.  test "
	    "shows which rule would answer\nTEXT from NUMBER, and the reply, "
	    "without sending anything.\n\n"), ctx->progname, ctx->progname,
	    ctx->progname, ctx->progname, ctx->progname, ctx->progname);
	fputs(_("MATCH is one of:\n"
	    "  -k, --keyword=WORD[,ALIAS...]  the first word, any case and "
	    "accents\n"
	    "  -e, --exact=TEXT       the whole text\n"
	    "  -p, --prefix=TEXT      the start of the text\n"
	    "  -C, --contains=TEXT    anywhere in the text\n"
	    "  -x, --regex=RE         a PCRE2 regular expression (caseless)\n"
	    "Options:\n"
	    "  -n, --name=NAME        the rule's name\n"
	    "  -r, --reply=TEMPLATE   the answer; {name} {first_name} {number} "
	    "{keyword}\n"
	    "                         {date} are filled in\n"
	    "      --reply-command=COMMAND  or answer with what COMMAND "
	    "prints: run\n"
	    "                         without a shell ('' \"\" and \\ "
	    "quote), the message\n"
	    "                         as JSON on its standard input\n"
	    "  -H, --hours=WINDOWS    only then, e.g. 'Mon-Fri 09:00-17:00' "
	    "(repeatable)\n"
	    "      --tag-group=TAGS   only for senders with one of these tags\n"
	    "      --first-only       only on the first message of a thread\n"
	    "      --continue         let the rules after it answer too\n"
	    "      --cooldown=SECONDS between answers to one sender\n"
	    "      --daily-cap=N      answers to one sender a day\n"
	    "      --set-tag=TAG      tag the sender's contact\n"
	    "      --assign=AGENT     assign the conversation\n"
	    "      --opt-out          opt the sender out\n"
	    "      --disabled         add it switched off\n"
	    "  -f, --from=NUMBER      test: the sender\n"
	    "      --run              test: run a reply command, show its "
	    "reply\n"
	    "  -j, --json             print JSON\n"
	    "  -h, --help             display this help and exit\n"),
	    stdout);
}

struct rules_opts {
	const char *name, *reply, *reply_command, *tag_group, *set_tag;
	const char *assign, *from;
	const char *match_kind, *pattern;
	const char *hours[RULES_HOURS_MAX];
	size_t n_hours;
	int first_only, cont, opt_out, disabled;	/* -1: not given */
	long cooldown, daily_cap;			/* -2: not given */
	bool json;
	bool run;
};

enum {
	OPT_TAG_GROUP = 256, OPT_FIRST_ONLY, OPT_CONTINUE, OPT_COOLDOWN,
	OPT_DAILY_CAP, OPT_SET_TAG, OPT_ASSIGN, OPT_OPT_OUT, OPT_DISABLED,
	OPT_REPLY_COMMAND, OPT_RUN,
};

static int
parse_long(const struct cmd_ctx *ctx, const char *opt, const char *v,
    long min, long max, long *out)
{
	char *end;
	long l = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || l < min || l > max)
		return cmd_usage_error(ctx, "rules", _("%s takes a whole number "
		    "from %ld to %ld, not \"%s\""), opt, min, max, v);
	*out = l;
	return 0;
}

static int
parse_opts(const struct cmd_ctx *ctx, int argc, char **argv,
    struct rules_opts *o)
{
	static const struct option longopts[] = {
		{ "keyword", required_argument, NULL, 'k' },
		{ "exact", required_argument, NULL, 'e' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "contains", required_argument, NULL, 'C' },
		{ "regex", required_argument, NULL, 'x' },
		{ "name", required_argument, NULL, 'n' },
		{ "reply", required_argument, NULL, 'r' },
		{ "reply-command", required_argument, NULL,
		  OPT_REPLY_COMMAND },
		{ "run", no_argument, NULL, OPT_RUN },
		{ "hours", required_argument, NULL, 'H' },
		{ "tag-group", required_argument, NULL, OPT_TAG_GROUP },
		{ "first-only", no_argument, NULL, OPT_FIRST_ONLY },
		{ "continue", no_argument, NULL, OPT_CONTINUE },
		{ "cooldown", required_argument, NULL, OPT_COOLDOWN },
		{ "daily-cap", required_argument, NULL, OPT_DAILY_CAP },
		{ "set-tag", required_argument, NULL, OPT_SET_TAG },
		{ "assign", required_argument, NULL, OPT_ASSIGN },
		{ "opt-out", no_argument, NULL, OPT_OPT_OUT },
		{ "disabled", no_argument, NULL, OPT_DISABLED },
		{ "from", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	memset(o, 0, sizeof *o);
	o->first_only = o->cont = o->opt_out = o->disabled = -1;
	o->cooldown = o->daily_cap = -2;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "k:e:p:C:x:n:r:H:f:jh",
	    longopts, NULL)) != -1) {
		switch (opt) {
		case 'k': case 'e': case 'p': case 'C': case 'x':
			if (o->match_kind != NULL)
				return cmd_usage_error(ctx, "rules", "%s",
				    _("give one of --keyword, --exact, "
				    "--prefix, --contains, --regex"));
			o->match_kind = opt == 'k' ? "keyword" :
			    opt == 'e' ? "exact" : opt == 'p' ? "prefix" :
			    opt == 'C' ? "contains" : "regex";
			o->pattern = optarg;
			break;
		case 'n':
			o->name = optarg;
			break;
		case 'r':
			o->reply = optarg;
			break;
		case OPT_REPLY_COMMAND:
			o->reply_command = optarg;
			break;
		case OPT_RUN:
			o->run = true;
			break;
		case 'H':
			if (o->n_hours == RULES_HOURS_MAX)
				return cmd_usage_error(ctx, "rules", "%s",
				    _("too many --hours"));
			o->hours[o->n_hours++] = optarg;
			break;
		case OPT_TAG_GROUP:
			o->tag_group = optarg;
			break;
		case OPT_FIRST_ONLY:
			o->first_only = 1;
			break;
		case OPT_CONTINUE:
			o->cont = 1;
			break;
		case OPT_COOLDOWN:
			if ((rc = parse_long(ctx, "--cooldown", optarg, 0,
			    31536000, &o->cooldown)) != 0)
				return rc;
			break;
		case OPT_DAILY_CAP:
			if ((rc = parse_long(ctx, "--daily-cap", optarg, 0,
			    100000, &o->daily_cap)) != 0)
				return rc;
			break;
		case OPT_SET_TAG:
			o->set_tag = optarg;
			break;
		case OPT_ASSIGN:
			o->assign = optarg;
			break;
		case OPT_OPT_OUT:
			o->opt_out = 1;
			break;
		case OPT_DISABLED:
			o->disabled = 1;
			break;
		case 'f':
			o->from = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			rules_help(ctx);
			return -1;
		default:
			return cmd_usage_error(ctx, "rules", "%s",
			    _("unknown option"));
		}
	}
	return 0;
}

/* Split "INFO,INFORMATION" into pattern "INFO" and aliases. */
static void
split_keyword(const char *all, char **pattern, char **aliases)
{
	const char *comma = strchr(all, ',');

	if (comma == NULL) {
		*pattern = xstrdup(all);
		*aliases = xstrdup("");
		return;
	}
	*pattern = xstrndup(all, (size_t)(comma - all));
	*aliases = xstrdup(comma + 1);
}

static json_t *
rule_json(const struct store_rule *r)
{
	json_t *o, *aliases = json_array();
	const char *p = r->aliases;

	while (p != NULL && *p != '\0') {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (n > 0)
			json_array_append_new(aliases, json_stringn(p, n));
		p = comma ? comma + 1 : NULL;
	}
	o = json_pack("{s:I, s:s, s:i, s:b, s:s, s:s, s:o, s:s?, s:s?, s:s?,"
	    " s:s?, s:b, s:b, s:i, s:i, s:s?, s:s?, s:b}",
	    "id", (json_int_t)r->id, "name", r->name ? r->name : "",
	    "position", r->position, "enabled", r->enabled,
	    "match", r->match_kind ? r->match_kind : "",
	    "pattern", r->pattern ? r->pattern : "", "aliases", aliases,
	    "reply", r->reply, "reply_command", r->reply_command,
	    "hours", r->hours, "tag_group", r->sender_tag,
	    "first_only", r->first_only, "continue", r->continue_after,
	    "cooldown", r->cooldown, "daily_cap", r->daily_cap,
	    "set_tag", r->action_tag, "assign", r->action_assign,
	    "opt_out", r->action_optout);
	return o;
}

/* Apply the options given to r (whose strings are heap copies). */
static int
apply(const struct cmd_ctx *ctx, const struct rules_opts *o,
    struct store_rule *r)
{
	struct buf hours;
	size_t i;

	if (o->name != NULL) {
		free(r->name);
		r->name = xstrdup(o->name);
	}
	if (o->match_kind != NULL) {
		free(r->match_kind);
		free(r->pattern);
		free(r->aliases);
		r->match_kind = xstrdup(o->match_kind);
		if (strcmp(o->match_kind, "keyword") == 0)
			split_keyword(o->pattern, &r->pattern, &r->aliases);
		else {
			r->pattern = xstrdup(o->pattern);
			r->aliases = xstrdup("");
		}
	}
	/* A reply replaces a reply command and the other way round,
	 * unless both are given (which the check refuses). */
	if (o->reply != NULL) {
		free(r->reply);
		r->reply = *o->reply ? xstrdup(o->reply) : NULL;
		if (r->reply != NULL && o->reply_command == NULL) {
			free(r->reply_command);
			r->reply_command = NULL;
		}
	}
	if (o->reply_command != NULL) {
		free(r->reply_command);
		r->reply_command = *o->reply_command ?
		    xstrdup(o->reply_command) : NULL;
		if (r->reply_command != NULL && o->reply == NULL) {
			free(r->reply);
			r->reply = NULL;
		}
	}
	if (o->n_hours > 0) {
		buf_init(&hours, 4096);
		for (i = 0; i < o->n_hours; i++)
			if ((i > 0 && buf_append_str(&hours, "; ") < 0) ||
			    buf_append_str(&hours, o->hours[i]) < 0) {
				buf_fini(&hours);
				return cmd_usage_error(ctx, "rules", "%s",
				    _("the --hours are too long"));
			}
		free(r->hours);
		r->hours = buf_take(&hours);
		buf_fini(&hours);
	}
#define SET_STR(field, val) do { if ((val) != NULL) { free(r->field); \
	r->field = *(val) ? xstrdup(val) : NULL; } } while (0)
	SET_STR(sender_tag, o->tag_group);
	SET_STR(action_tag, o->set_tag);
	SET_STR(action_assign, o->assign);
#undef SET_STR
	if (o->first_only >= 0)
		r->first_only = true;
	if (o->cont >= 0)
		r->continue_after = true;
	if (o->opt_out >= 0)
		r->action_optout = true;
	if (o->disabled >= 0)
		r->enabled = false;
	if (o->cooldown >= -1)
		r->cooldown = (int)o->cooldown;
	if (o->daily_cap >= -1)
		r->daily_cap = (int)o->daily_cap;
	return 0;
}

/* Check r as the engine will compile it. */
static int
validate(const struct cmd_ctx *ctx, const struct store_rule *r)
{
	struct rule cr;
	struct sms_err err;
	char pattern[4096];

	sms_err_clear(&err);
	if (rulebook_from_store(r, &cr, pattern, sizeof pattern) < 0 ||
	    rule_validate(&cr, &err) < 0) {
		cmd_error(ctx, "%s", err.msg[0] ? err.msg :
		    _("unknown match kind"));
		return SMS_EXIT_DATAERR;
	}
	return 0;
}

static int
store_fail(const struct cmd_ctx *ctx, int rc, const struct sms_err *err)
{
	cmd_error(ctx, "%s", err->msg);
	return rc == SMS_ENOENT ? SMS_EXIT_NOINPUT : sms_rc_exit(rc);
}

static int
parse_id(const struct cmd_ctx *ctx, const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v <= 0)
		return cmd_usage_error(ctx, "rules", _("\"%s\" is not a rule "
		    "id (see 'rules list')"), s);
	*id = (int64_t)v;
	return 0;
}

static int
do_list(const struct cmd_ctx *ctx, struct store *st, bool json)
{
	struct store_rules rs;
	struct sms_err err;
	json_t *arr;
	size_t i;
	int rc;

	if ((rc = store_rule_list(st, &rs, &err)) < 0)
		return store_fail(ctx, rc, &err);
	if (json) {
		arr = json_array();
		for (i = 0; i < rs.n; i++)
			json_array_append_new(arr, rule_json(&rs.v[i]));
		store_rules_fini(&rs);
		return print_json(arr) < 0 ? SMS_EXIT_IOERR : 0;
	}
	if (rs.n == 0)
		printf("%s\n", _("No autoreply rules (add one with 'rules "
		    "add')."));
	for (i = 0; i < rs.n; i++) {
		const struct store_rule *r = &rs.v[i];

		printf("%3lld %2d %s %-16s %s:%s%s%s", (long long)r->id,
		    r->position, r->enabled ? "on " : "off", r->name,
		    r->match_kind, r->pattern,
		    r->aliases && *r->aliases ? "," : "",
		    r->aliases ? r->aliases : "");
		if (r->hours != NULL)
			printf(" [%s]", r->hours);
		if (r->continue_after)
			printf(" %s", _("(continue)"));
		fputs("\n      -> ", stdout);
		if (r->reply_command != NULL) {
			fputs("$ ", stdout);
			print_text(stdout, r->reply_command, 0, NULL);
		} else
			print_text(stdout, r->reply ? r->reply : "", 0, NULL);
		fputs("\n", stdout);
	}
	store_rules_fini(&rs);
	return 0;
}

static int
print_rule(struct store *st, int64_t id, bool json)
{
	struct store_rule r;

	if (store_rule_get(st, id, &r, NULL) < 0)
		return SMS_EXIT_SOFTWARE;
	if (json)
		print_json(rule_json(&r));
	else
		printf("%lld\n", (long long)id);
	store_rule_fini(&r);
	return 0;
}

static int
do_add(const struct cmd_ctx *ctx, struct store *st,
    const struct rules_opts *o)
{
	struct store_rule r;
	struct sms_err err;
	int64_t id;
	int rc;

	if (o->name == NULL || o->match_kind == NULL)
		return cmd_usage_error(ctx, "rules", "%s", _("rules add needs "
		    "--name and one of --keyword, --exact, --prefix, "
		    "--contains, --regex"));
	memset(&r, 0, sizeof r);
	r.enabled = true;
	r.cooldown = -1;
	if ((rc = apply(ctx, o, &r)) != 0 || (rc = validate(ctx, &r)) != 0)
		goto out;
	if ((rc = store_rule_add(st, &r, &id, &err)) < 0) {
		rc = store_fail(ctx, rc, &err);
		goto out;
	}
	rc = print_rule(st, id, o->json);
out:
	store_rule_fini(&r);
	return rc;
}

static int
do_edit(const struct cmd_ctx *ctx, struct store *st, int64_t id,
    const struct rules_opts *o)
{
	struct store_rule r;
	struct sms_err err;
	int rc;

	if ((rc = store_rule_get(st, id, &r, &err)) < 0)
		return store_fail(ctx, rc, &err);
	if ((rc = apply(ctx, o, &r)) != 0 || (rc = validate(ctx, &r)) != 0)
		goto out;
	if ((rc = store_rule_update(st, &r, &err)) < 0) {
		rc = store_fail(ctx, rc, &err);
		goto out;
	}
	rc = print_rule(st, id, o->json);
out:
	store_rule_fini(&r);
	return rc;
}

struct test_hits {
	struct store *st;
	const char *peer;
};

static int
test_hits_cb(void *data, int64_t rule_id, int64_t since, int64_t *last)
{
	struct test_hits *h = data;

	return store_rule_hits_count(h->st, h->peer, rule_id, since, last,
	    NULL);
}

/* What a reply command run by rules test --run gave. */
struct test_run {
	bool done;
	int status;
	struct buf *reply;
};

static void
test_run_done(void *data, int status, const char *out, size_t len)
{
	struct test_run *t = data;

	t->done = true;
	t->status = status;
	if (status == 0)
		hooks_output_text(t->reply, out, len, HOOKS_REPLY_CHARS);
}

/*
 * Run rule r's reply command as the engine would ([hooks] timeout, no
 * shell, msg on its standard input) and wait for it.  reply gets its
 * reply; why a sentence when there is none.
 */
static void
test_run_command(const struct conf *cfg, const struct rule *r, json_t *msg,
    struct buf *reply, char *why, size_t size)
{
	struct test_run t = { false, 0, reply };
	struct hooks *h = NULL;
	struct sms_err err;
	uv_loop_t loop;

	*why = '\0';
	uv_loop_init(&loop);
	sms_err_clear(&err);
	if (hooks_new(&h, &loop, cfg, &err) < 0 ||
	    hooks_command(h, r->reply_command, msg, test_run_done, &t,
	    &err) < 0) {
		snprintf(why, size, _("reply command not run: %s"), err.msg);
		hooks_stop(h);
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_loop_close(&loop);
		return;
	}
	while (!t.done && uv_run(&loop, UV_RUN_ONCE) != 0)
		;
	hooks_stop(h);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	if (t.status < 0)
		snprintf(why, size, "%s", _("reply command stopped: it ran too "
		    "long or was killed"));
	else if (t.status > 0)
		snprintf(why, size, _("reply command failed: exit status %d"),
		    t.status);
	else if (reply->len == 0)
		snprintf(why, size, "%s", _("reply command wrote nothing"));
}

static int
do_test(const struct cmd_ctx *ctx, struct store *st, struct conf *cfg,
    const struct rules_opts *o, const char *text)
{
	struct rules *rs;
	struct rules_input in;
	struct rules_result res;
	struct store_contact c;
	struct sms_err err;
	struct test_hits th;
	char peer[64];
	int64_t thread;
	time_t now = time(NULL);
	struct tm tm;
	bool contact;
	json_t *arr = NULL;
	size_t i;
	int rc;

	if (o->from == NULL)
		return cmd_usage_error(ctx, "rules", "%s", _("rules test needs "
		    "--from=NUMBER and the text"));
	if (store_normalize(st, o->from, peer, &err) < 0)
		snprintf(peer, sizeof peer, "%s", o->from);
	if ((rc = rulebook_load(st, cfg, &rs, NULL, &err)) < 0)
		return store_fail(ctx, rc, &err);
	localtime_r(&now, &tm);
	contact = store_contact_find_number(st, peer, &c, NULL) == 0;
	memset(&in, 0, sizeof in);
	in.from = peer;
	in.text = text;
	in.now = (int64_t)now;
	in.utc_offset = tm.tm_gmtoff;
	in.first_message = store_thread_find(st, peer, &thread, NULL) < 0;
	if (contact) {
		in.tags = (const char *const *)c.tags.v;
		in.n_tags = c.tags.n;
	}
	th.st = st;
	th.peer = peer;
	in.hits = test_hits_cb;
	in.hits_data = &th;
	if ((rc = rules_eval(rs, &in, &res)) < 0) {
		cmd_error(ctx, "%s", sms_rc_str(rc));
		rc = sms_rc_exit(rc);
		goto out;
	}
	if (o->json)
		arr = json_array();
	for (i = 0; i < res.n; i++) {
		const struct rules_outcome *oc = &res.outcome[i];
		struct template_vars v = { contact && c.name[0] ? c.name : NULL,
			peer, oc->keyword, in.now, in.utc_offset };
		struct buf reply;
		const char *verdict = rule_verdict_name(oc->verdict);

		const char *cmd = oc->verdict == RULE_FIRED ?
		    oc->rule->reply_command : NULL;
		char why[sizeof err.msg + 64] = "";

		buf_init(&reply, HOOKS_OUTPUT_MAX);
		if (oc->verdict == RULE_FIRED && oc->rule->reply != NULL)
			template_render(&reply, oc->rule->reply, &v, NULL);
		if (cmd != NULL && o->run) {
			json_t *msg = json_pack("{s:s, s:s, s:s, s:s, s:{s:I, "
			    "s:s}}", "number", peer, "state", "test", "body",
			    text, "keyword", oc->keyword, "rule", "id",
			    (json_int_t)oc->rule->id, "name", oc->rule->name);

			test_run_command(cfg, oc->rule, msg, &reply, why,
			    sizeof why);
			json_decref(msg);
		}
		if (arr != NULL)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, "
			    "s:s?, s:s?, s:s?}", "id", (json_int_t)oc->rule->id,
			    "name", oc->rule->name, "verdict", verdict, "reply",
			    why[0] ? NULL : reply.data, "reply_command", cmd,
			    "error", why[0] ? why : NULL));
		else if (cmd != NULL && !o->run)
			printf(_("Rule %lld \"%s\" fires.\nReply: what this "
			    "command prints (not run; --run runs it):\n  %s\n"),
			    (long long)oc->rule->id, oc->rule->name, cmd);
		else if (cmd != NULL && why[0] != '\0')
			printf(_("Rule %lld \"%s\" fires.\nNo reply: %s\n"),
			    (long long)oc->rule->id, oc->rule->name, why);
		else if (oc->verdict == RULE_FIRED)
			printf(_("Rule %lld \"%s\" fires.\nReply: %s\n"),
			    (long long)oc->rule->id, oc->rule->name,
			    reply.data ? reply.data : _("(none)"));
		else
			printf(_("Rule %lld \"%s\" matches but is held back "
			    "(%s).\n"), (long long)oc->rule->id,
			    oc->rule->name, verdict);
		buf_fini(&reply);
	}
	if (arr != NULL)
		print_json(arr);
	else if (res.fired == 0 && res.n == 0)
		printf("%s\n", _("No rule matches."));
	rc = 0;
out:
	if (contact)
		store_contact_fini(&c);
	rules_free(rs);
	return rc;
}

static int
rules_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct rules_opts o;
	struct store *st;
	struct conf *cfg;
	struct sms_err err;
	const char *sub = "list";
	int64_t id = 0;
	long pos = 0;
	int rc, nargs;
	char **args;

	if ((rc = parse_opts(ctx, argc, argv, &o)) != 0)
		return rc < 0 ? 0 : rc;
	args = argv + optind;
	nargs = argc - optind;
	if (nargs > 0) {
		sub = args[0];
		args++;
		nargs--;
	}
	if ((rc = cmd_ctx_config(ctx, &cfg)) != 0 ||
	    (rc = cmd_ctx_store(ctx, &st)) != 0)
		return rc;
	if (strcmp(sub, "list") == 0)
		return nargs == 0 ? do_list(ctx, st, o.json) :
		    cmd_usage_error(ctx, "rules", "%s", _("too many "
		    "arguments"));
	if (strcmp(sub, "add") == 0)
		return nargs == 0 ? do_add(ctx, st, &o) :
		    cmd_usage_error(ctx, "rules", "%s", _("rules add takes "
		    "options only (quote the reply)"));
	if (strcmp(sub, "test") == 0) {
		if (nargs != 1)
			return cmd_usage_error(ctx, "rules", "%s",
			    _("rules test takes one TEXT (quote it)"));
		return do_test(ctx, st, cfg, &o, args[0]);
	}
	if (strcmp(sub, "edit") != 0 && strcmp(sub, "remove") != 0 &&
	    strcmp(sub, "enable") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "move") != 0)
		return cmd_usage_error(ctx, "rules", _("unknown rules command "
		    "\"%s\""), sub);
	if (nargs != (strcmp(sub, "move") == 0 ? 2 : 1))
		return cmd_usage_error(ctx, "rules", _("rules %s takes %s"),
		    sub, strcmp(sub, "move") == 0 ? "ID POSITION" : "ID");
	if ((rc = parse_id(ctx, args[0], &id)) != 0)
		return rc;
	sms_err_clear(&err);
	if (strcmp(sub, "edit") == 0)
		return do_edit(ctx, st, id, &o);
	if (strcmp(sub, "remove") == 0)
		rc = store_rule_remove(st, id, &err);
	else if (strcmp(sub, "enable") == 0 || strcmp(sub, "disable") == 0)
		rc = store_rule_set_enabled(st, id, strcmp(sub, "enable") == 0,
		    &err);
	else {
		if ((rc = parse_long(ctx, "POSITION", args[1], 1, 1000000,
		    &pos)) != 0)
			return rc;
		rc = store_rule_move(st, id, (int)pos, &err);
	}
	if (rc < 0)
		return store_fail(ctx, rc, &err);
	return 0;
}

const struct cmd_entry cmd_rules_entry = {
	"rules",
	N_("manage the autoreply rules, test which one answers"),
	rules_exec,
};
