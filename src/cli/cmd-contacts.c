#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/print.h"
#include "store/contact-io.h"
#include "store/contact.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/phone.h"
#include "util/xalloc.h"

#define LIST_ARGS_MAX 64

static void
contacts_help(const struct cmd_ctx *ctx)
{
	printf(_("Usage: %s contacts [list] [--search=TEXT] [--json]\n"
	    "  or:  %s contacts add [--tag=TAG]... [--notes=TEXT] NAME "
	    "NUMBER...\n"
	    "  or:  %s contacts edit [OPTION]... CONTACT\n"
	    "  or:  %s contacts remove CONTACT\n"
	    "  or:  %s contacts import [--charset=CHARSET] FILE\n"
	    "  or:  %s contacts export [--vcard|--csv]\n"
	    "Manage contacts.  CONTACT is one of the contact's numbers, its "
	    "id, or the\nstart of its name.  import reads vCard 2.1, 3.0, "
	    "4.0 or CSV (a header row\nname,number,tags, or Google's, "
	    "Outlook's or Thunderbird's), recognised by\ncontent, from FILE "
	    "or - for standard input; importing again changes\nnothing.  "
	    "export writes vCard 3.0 (or CSV) to "
	    "standard\noutput.\n\n"), ctx->progname, ctx->progname,
	    ctx->progname, ctx->progname, ctx->progname, ctx->progname);
	fputs(_("  -s, --search=TEXT        list: contacts whose name starts "
	    "a word with TEXT,\n"
	    "                           or whose number contains it\n"
	    "  -t, --tag=TAG            add: tag the contact; edit: add a "
	    "tag\n"
	    "      --untag=TAG          edit: remove a tag\n"
	    "      --notes=TEXT         add, edit: set the notes\n"
	    "      --name=NAME          edit: rename\n"
	    "      --add-number=NUMBER  edit: add a number\n"
	    "      --remove-number=NUMBER  edit: remove a number\n"
	    "      --vcard, --csv       export: the format (vCard by "
	    "default)\n"
	    "      --charset=CHARSET    import: the file's character set "
	    "when it is not\n"
	    "                           UTF-8 (for example WINDOWS-1252)\n"
	    "  -j, --json               list, add, import: print JSON\n"
	    "  -h, --help               display this help and exit\n"),
	    stdout);
}

struct contacts_opts {
	const char *search;
	const char *name;
	const char *notes;
	const char *tags[LIST_ARGS_MAX];
	size_t ntags;
	const char *untags[LIST_ARGS_MAX];
	size_t nuntags;
	const char *add_numbers[LIST_ARGS_MAX];
	size_t nadd;
	const char *remove_numbers[LIST_ARGS_MAX];
	size_t nremove;
	enum store_contact_format format;
	const char *charset;
	bool json;
};

static int
report(const struct cmd_ctx *ctx, int rc, const struct sms_err *err)
{
	cmd_error(ctx, "%s", err->msg);
	if (rc == SMS_ENOENT)
		return SMS_EXIT_NOINPUT;
	if (rc == SMS_EEXIST)
		return SMS_EXIT_DATAERR;	/* the number is someone else's */
	return sms_rc_exit(rc);
}

/* Find the contact arg names: a number, an id, or a name's start. */
static int
resolve(const struct cmd_ctx *ctx, struct store *st, const char *arg,
    struct store_contact *out)
{
	struct store_contacts list;
	struct sms_err err;
	char *end;
	long long id;
	int rc;

	sms_err_clear(&err);
	if (store_contact_find_number(st, arg, out, NULL) == 0)
		return 0;
	id = strtoll(arg, &end, 10);
	if (*arg != '\0' && *end == '\0' && id > 0 &&
	    store_contact_get(st, id, out, NULL) == 0)
		return 0;
	if ((rc = store_contact_list(st, arg, 0, 2, &list, &err)) < 0)
		return report(ctx, rc, &err);
	if (list.n == 1) {
		*out = list.v[0];
		free(list.v);
		return 0;
	}
	store_contacts_fini(&list);
	if (list.n == 0)
		cmd_error(ctx, _("no contact \"%s\""), arg);
	else
		cmd_error(ctx, _("\"%s\" matches several contacts: give a "
		    "number or an id (see contacts list)"), arg);
	return SMS_EXIT_NOINPUT;
}

static void
print_contact_line(const struct store_contact *c)
{
	size_t i;

	printf("%5" PRId64 "  ", c->id);
	print_padded(stdout, c->name != NULL && c->name[0] != '\0' ? c->name :
	    "-", 28);
	for (i = 0; i < c->numbers.n; i++)
		printf(" %s", c->numbers.v[i]);
	if (c->tags.n > 0) {
		fputs("  [", stdout);
		for (i = 0; i < c->tags.n; i++) {
			if (i > 0)
				fputc(',', stdout);
			print_text(stdout, c->tags.v[i], 40, NULL);
		}
		fputc(']', stdout);
	}
	if (c->opted_out)
		fputs(_("  (opted out)"), stdout);
	fputc('\n', stdout);
}

static int
do_list(const struct cmd_ctx *ctx, struct store *st,
    const struct contacts_opts *o)
{
	struct store_contacts list;
	struct sms_err err;
	json_t *a;
	size_t i;
	int rc;

	sms_err_clear(&err);
	if ((rc = store_contact_list(st, o->search, 0, 100000, &list, &err)) <
	    0)
		return report(ctx, rc, &err);
	if (o->json) {
		a = json_array();
		for (i = 0; a != NULL && i < list.n; i++)
			json_array_append_new(a, print_json_contact(&list.v[i]));
		rc = print_json(a);
	} else {
		for (i = 0; i < list.n; i++)
			print_contact_line(&list.v[i]);
		rc = fflush(stdout) == 0 ? 0 : SMS_EXIT_IOERR;
	}
	store_contacts_fini(&list);
	return rc;
}

static int
print_one(const struct cmd_ctx *ctx, struct store *st, int64_t id,
    bool json)
{
	struct store_contact c;
	struct sms_err err;
	int rc;

	sms_err_clear(&err);
	if ((rc = store_contact_get(st, id, &c, &err)) < 0)
		return report(ctx, rc, &err);
	if (json)
		rc = print_json(print_json_contact(&c));
	else {
		print_contact_line(&c);
		rc = 0;
	}
	store_contact_fini(&c);
	return rc;
}

static int
do_add(const struct cmd_ctx *ctx, struct store *st,
    const struct contacts_opts *o, int argc, char **argv)
{
	struct store_contact c;
	struct sms_err err;
	int64_t id;
	int rc;

	if (argc < 2)
		return cmd_usage_error(ctx, "contacts",
		    _("add wants a name and at least one number"));
	memset(&c, 0, sizeof c);
	c.name = argv[0];
	c.notes = (char *)o->notes;
	c.numbers.v = argv + 1;
	c.numbers.n = (size_t)argc - 1;
	c.tags.v = (char **)o->tags;
	c.tags.n = o->ntags;
	sms_err_clear(&err);
	if ((rc = store_contact_add(st, &c, &id, &err)) < 0)
		return report(ctx, rc, &err);
	return print_one(ctx, st, id, o->json);
}

static bool
in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static int
do_edit(const struct cmd_ctx *ctx, struct store *st,
    const struct contacts_opts *o, int argc, char **argv)
{
	struct store_contact c, edit;
	const char *drop[LIST_ARGS_MAX];
	char norm[LIST_ARGS_MAX][PHONE_MAX];
	struct sms_err err;
	size_t i;
	int rc;

	if (argc != 1)
		return cmd_usage_error(ctx, "contacts",
		    _("edit wants one contact"));
	if ((rc = resolve(ctx, st, argv[0], &c)) != 0)
		return rc;
	sms_err_clear(&err);
	for (i = 0; i < o->nremove; i++) {
		if ((rc = store_normalize(st, o->remove_numbers[i], norm[i],
		    &err)) < 0) {
			store_contact_fini(&c);
			return report(ctx, rc, &err);
		}
		drop[i] = norm[i];
	}
	memset(&edit, 0, sizeof edit);
	edit.id = c.id;
	edit.name = o->name != NULL ? (char *)o->name : c.name;
	edit.notes = o->notes != NULL ? (char *)o->notes : c.notes;
	edit.numbers.v = xcalloc(c.numbers.n + o->nadd + 1, sizeof(char *));
	for (i = 0; i < c.numbers.n; i++)
		if (!in_list(c.numbers.v[i], drop, o->nremove))
			edit.numbers.v[edit.numbers.n++] = c.numbers.v[i];
	for (i = 0; i < o->nadd; i++)
		edit.numbers.v[edit.numbers.n++] = (char *)o->add_numbers[i];
	edit.tags.v = xcalloc(c.tags.n + o->ntags + 1, sizeof(char *));
	for (i = 0; i < c.tags.n; i++)
		if (!in_list(c.tags.v[i], o->untags, o->nuntags))
			edit.tags.v[edit.tags.n++] = c.tags.v[i];
	for (i = 0; i < o->ntags; i++)
		edit.tags.v[edit.tags.n++] = (char *)o->tags[i];
	if (edit.numbers.n == 0) {
		rc = cmd_usage_error(ctx, "contacts",
		    _("a contact needs at least one number"));
		goto out;
	}
	if ((rc = store_contact_update(st, &edit, &err)) < 0) {
		rc = report(ctx, rc, &err);
		goto out;
	}
	rc = print_one(ctx, st, c.id, o->json);
out:
	free(edit.numbers.v);
	free(edit.tags.v);
	store_contact_fini(&c);
	return rc;
}

static int
do_remove(const struct cmd_ctx *ctx, struct store *st, int argc,
    char **argv)
{
	struct store_contact c;
	struct sms_err err;
	int rc;

	if (argc != 1)
		return cmd_usage_error(ctx, "contacts",
		    _("remove wants one contact"));
	if ((rc = resolve(ctx, st, argv[0], &c)) != 0)
		return rc;
	sms_err_clear(&err);
	rc = store_contact_remove(st, c.id, &err);
	store_contact_fini(&c);
	return rc < 0 ? report(ctx, rc, &err) : 0;
}

/* Read all of path (or stdin for "-") into b. */
static int
read_file(const struct cmd_ctx *ctx, const char *path, struct buf *b)
{
	char chunk[65536];
	FILE *fp;
	size_t n;
	int rc = 0;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		cmd_error(ctx, _("cannot open %s: %s"), path, strerror(errno));
		return SMS_EXIT_NOINPUT;
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (buf_append(b, chunk, n) < 0) {
			cmd_error(ctx, _("%s is larger than %u MiB"), path,
			    STORE_IMPORT_MAX / (1024 * 1024));
			rc = SMS_EXIT_DATAERR;
			break;
		}
	if (rc == 0 && ferror(fp)) {
		cmd_error(ctx, _("cannot read %s: %s"), path, strerror(errno));
		rc = SMS_EXIT_IOERR;
	}
	if (fp != stdin)
		fclose(fp);
	return rc;
}

struct problem_sink {
	const char *file;
	json_t *list;		/* with --json */
};

static void
on_problem(unsigned line, const char *sentence, void *data)
{
	struct problem_sink *ps = data;

	if (ps->list != NULL)
		json_array_append_new(ps->list, json_pack("{s:i, s:s}",
		    "line", (int)line, "problem", sentence));
	else
		fprintf(stderr, "%s:%u: %s\n", ps->file, line, sentence);
}

static int
do_import(const struct cmd_ctx *ctx, struct store *st,
    const struct contacts_opts *o, int argc, char **argv)
{
	struct store_import_counts counts;
	struct problem_sink ps;
	struct sms_err err;
	struct buf b;
	int rc;

	if (argc != 1)
		return cmd_usage_error(ctx, "contacts",
		    _("import wants one file (or - for standard input)"));
	buf_init(&b, STORE_IMPORT_MAX);
	if ((rc = read_file(ctx, argv[0], &b)) != 0)
		goto out;
	ps.file = strcmp(argv[0], "-") == 0 ? _("(standard input)") : argv[0];
	ps.list = o->json ? json_array() : NULL;
	sms_err_clear(&err);
	if ((rc = store_contact_import_as(st, b.data != NULL ? b.data : "",
	    b.len, STORE_CONTACTS_AUTO, o->charset, on_problem, &ps, &counts,
	    &err)) < 0) {
		json_decref(ps.list);
		cmd_error(ctx, "%s: %s", ps.file, err.msg);
		rc = sms_rc_exit(rc);
		goto out;
	}
	if (o->json)
		rc = print_json(json_pack("{s:i, s:i, s:i, s:i, s:i, s:o}",
		    "added", (int)counts.added, "updated", (int)counts.updated,
		    "unchanged", (int)counts.unchanged,
		    "skipped", (int)counts.skipped,
		    "no_number", (int)counts.no_number, "problems", ps.list));
	else {
		printf(_("%u added, %u updated, %u unchanged, %u skipped\n"),
		    counts.added, counts.updated, counts.unchanged,
		    counts.skipped);
		if (counts.no_number > 0)
			printf(P_("%u contact without a phone number was left "
			    "out\n", "%u contacts without a phone number were "
			    "left out\n", counts.no_number), counts.no_number);
	}
	if (rc == 0 && counts.problems > 0)
		rc = SMS_EXIT_DATAERR;
out:
	buf_fini(&b);
	return rc;
}

static int
write_stdout(const char *bytes, size_t len, void *data)
{
	return fwrite(bytes, 1, len, stdout) == len ? 0 : -1;
}

static int
do_export(const struct cmd_ctx *ctx, struct store *st,
    const struct contacts_opts *o, int argc)
{
	struct sms_err err;
	int rc;

	if (argc != 0)
		return cmd_usage_error(ctx, "contacts",
		    _("export takes no arguments"));
	sms_err_clear(&err);
	if ((rc = store_contact_export(st, o->format, write_stdout, NULL,
	    &err)) < 0)
		return report(ctx, rc, &err);
	return fflush(stdout) == 0 ? 0 : SMS_EXIT_IOERR;
}

/* Add optarg to a bounded list of option values. */
static int
push(const struct cmd_ctx *ctx, const char **list, size_t *n)
{
	if (*n == LIST_ARGS_MAX)
		return cmd_usage_error(ctx, "contacts",
		    _("too many values for one option"));
	list[(*n)++] = optarg;
	return 0;
}

static int
cmd_contacts_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "search", required_argument, NULL, 's' },
		{ "tag", required_argument, NULL, 't' },
		{ "untag", required_argument, NULL, 'U' },
		{ "notes", required_argument, NULL, 'N' },
		{ "name", required_argument, NULL, 'M' },
		{ "add-number", required_argument, NULL, 'A' },
		{ "remove-number", required_argument, NULL, 'R' },
		{ "vcard", no_argument, NULL, 'V' },
		{ "csv", no_argument, NULL, 'C' },
		{ "charset", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct contacts_opts o;
	struct store *st;
	const char *action = "list";
	int opt, rc;

	memset(&o, 0, sizeof o);
	o.format = STORE_CONTACTS_VCARD;
	/* The action comes first: `contacts add --tag=x NAME NUMBER`. */
	if (argc >= 2 && argv[1][0] != '-') {
		action = argv[1];
		argv++;
		argc--;
	}
	optind = 0;
	while ((opt = getopt_long(argc, argv, "s:t:jh", longopts, NULL)) !=
	    -1) {
		rc = 0;
		switch (opt) {
		case 's':
			o.search = optarg;
			break;
		case 't':
			rc = push(ctx, o.tags, &o.ntags);
			break;
		case 'U':
			rc = push(ctx, o.untags, &o.nuntags);
			break;
		case 'N':
			o.notes = optarg;
			break;
		case 'M':
			o.name = optarg;
			break;
		case 'A':
			rc = push(ctx, o.add_numbers, &o.nadd);
			break;
		case 'R':
			rc = push(ctx, o.remove_numbers, &o.nremove);
			break;
		case 'V':
			o.format = STORE_CONTACTS_VCARD;
			break;
		case 'C':
			o.format = STORE_CONTACTS_CSV;
			break;
		case 'c':
			o.charset = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			contacts_help(ctx);
			return 0;
		default:
			return cmd_try_help(ctx, "contacts");
		}
		if (rc != 0)
			return rc;
	}
	argc -= optind;
	argv += optind;
	if (strcmp(action, "list") != 0 && strcmp(action, "add") != 0 &&
	    strcmp(action, "edit") != 0 && strcmp(action, "remove") != 0 &&
	    strcmp(action, "import") != 0 && strcmp(action, "export") != 0)
		return cmd_usage_error(ctx, "contacts", _("unknown action "
		    "\"%s\" (expected list, add, edit, remove, import or "
		    "export)"), action);
	if (strcmp(action, "list") == 0 && argc > 0)
		return cmd_usage_error(ctx, "contacts",
		    _("unexpected argument \"%s\""), argv[0]);
	if ((rc = cmd_ctx_store(ctx, &st)) != 0)
		return rc;
	if (strcmp(action, "add") == 0)
		return do_add(ctx, st, &o, argc, argv);
	if (strcmp(action, "edit") == 0)
		return do_edit(ctx, st, &o, argc, argv);
	if (strcmp(action, "remove") == 0)
		return do_remove(ctx, st, argc, argv);
	if (strcmp(action, "import") == 0)
		return do_import(ctx, st, &o, argc, argv);
	if (strcmp(action, "export") == 0)
		return do_export(ctx, st, &o, argc);
	return do_list(ctx, st, &o);
}

const struct cmd_entry cmd_contacts_entry = {
	"contacts",
	N_("manage contacts; import and export vCard or CSV"),
	cmd_contacts_exec,
};
