#include "config.h"

#include "tui/keymap.h"

#include "tui/curses.h"
#include "tui/private.h"
#include "util/i18n.h"

#define G KEYMAP_CTX_GLOBAL
#define L KEYMAP_CTX_LIST

/*
 * Every binding.  The defaults are mutt-like (issue 7 fixes j/k, Enter, q,
 * r, m, /, c, R, S, ?, Esc); a second key for the same action has no help
 * text of its own.  Keep sms-inbox(1)'s KEYS section in step.
 */
static const struct keymap_entry table[] = {
	{ G, KEYMAP_BACK, 'q', "q", N_("go back; quit from the thread list") },
	{ G, KEYMAP_HELP, '?', "?", N_("show the keys") },
	{ G, KEYMAP_SEARCH, '/', "/", N_("search messages and contacts") },
	{ G, KEYMAP_CONTACTS, 'c', "c", N_("contacts") },
	{ G, KEYMAP_RULES, 'R', "R", N_("autoreply rules") },
	{ G, KEYMAP_STATS, 'S', "S", N_("statistics") },
	{ G, KEYMAP_COMPOSE_NEW, 'm', "m",
	    N_("write to a new number or contact") },
	{ G, KEYMAP_REDRAW, TUI_CTRL('l'), "Ctrl-L", N_("redraw the screen") },
	{ G, KEYMAP_QUIT, 'Q', "Q", N_("quit at once") },
	{ G, KEYMAP_CANCEL, TUI_KEY_ESC, "Esc",
	    N_("cancel any prompt or form") },

	{ L, KEYMAP_DOWN, 'j', "j", N_("move down") },
	{ L, KEYMAP_DOWN, TUI_FN(KEY_DOWN), "Down", NULL },
	{ L, KEYMAP_UP, 'k', "k", N_("move up") },
	{ L, KEYMAP_UP, TUI_FN(KEY_UP), "Up", NULL },
	{ L, KEYMAP_PAGE_DOWN, TUI_FN(KEY_NPAGE), "PgDn", N_("next page") },
	{ L, KEYMAP_PAGE_DOWN, ' ', "Space", NULL },
	{ L, KEYMAP_PAGE_DOWN, TUI_CTRL('f'), "Ctrl-F", NULL },
	{ L, KEYMAP_PAGE_UP, TUI_FN(KEY_PPAGE), "PgUp", N_("previous page") },
	{ L, KEYMAP_PAGE_UP, TUI_CTRL('b'), "Ctrl-B", NULL },
	{ L, KEYMAP_TOP, 'g', "g", N_("go to the first line") },
	{ L, KEYMAP_TOP, TUI_FN(KEY_HOME), "Home", NULL },
	{ L, KEYMAP_BOTTOM, 'G', "G", N_("go to the last line") },
	{ L, KEYMAP_BOTTOM, TUI_FN(KEY_END), "End", NULL },
	{ L, KEYMAP_OPEN, '\r', "Enter", N_("open") },
	{ L, KEYMAP_OPEN, TUI_FN(KEY_RIGHT), "Right", NULL },

	{ KEYMAP_CTX_THREADS, KEYMAP_ARCHIVE, 'a', "a",
	    N_("archive or unarchive the thread") },
	{ KEYMAP_CTX_THREADS, KEYMAP_TOGGLE_READ, 'u', "u",
	    N_("mark read or unread") },
	{ KEYMAP_CTX_THREADS, KEYMAP_DELETE, 'd', "d",
	    N_("delete the thread (asks first)") },
	{ KEYMAP_CTX_THREADS, KEYMAP_FILTER, 'f', "f",
	    N_("show all, unread, archived, or assigned to me") },
	{ KEYMAP_CTX_THREADS, KEYMAP_ASSIGN, 'A', "A",
	    N_("assign the thread to an agent (you by default)") },

	{ KEYMAP_CTX_CONVERSATION, KEYMAP_REPLY, 'r', "r", N_("reply") },
	{ KEYMAP_CTX_CONVERSATION, KEYMAP_ADD_CONTACT, 'a', "a",
	    N_("save the number as a contact") },

	{ KEYMAP_CTX_COMPOSE, KEYMAP_SEND, '\r', "Enter", N_("send") },
	{ KEYMAP_CTX_COMPOSE, KEYMAP_NEWLINE, '\n', "Ctrl-J",
	    N_("start a new line") },
	{ KEYMAP_CTX_COMPOSE, KEYMAP_EDITOR, TUI_CTRL('e'), "Ctrl-E",
	    N_("edit the text in $EDITOR") },
	{ KEYMAP_CTX_COMPOSE, KEYMAP_TEMPLATE, TUI_CTRL('t'), "Ctrl-T",
	    N_("insert a placeholder ({name}, {first_name}, ...)") },
	{ KEYMAP_CTX_COMPOSE, KEYMAP_CANCEL, TUI_KEY_ESC, "Esc",
	    N_("cancel the message") },

	{ KEYMAP_CTX_CONTACTS, KEYMAP_MESSAGE, 'm', "m",
	    N_("write to the contact") },
	{ KEYMAP_CTX_CONTACTS, KEYMAP_ADD, 'a', "a", N_("add a contact") },
	{ KEYMAP_CTX_CONTACTS, KEYMAP_EDIT, 'e', "e", N_("edit the contact") },
	{ KEYMAP_CTX_CONTACTS, KEYMAP_DELETE, 'd', "d",
	    N_("delete the contact (asks first)") },
	{ KEYMAP_CTX_CONTACTS, KEYMAP_FIND, 'f', "f", N_("filter the list") },
	{ KEYMAP_CTX_CONTACTS, KEYMAP_IMPORT, 'i', "i",
	    N_("import contacts from a vCard or CSV file") },
	{ KEYMAP_CTX_CONTACTS, KEYMAP_EXPORT, 'x', "x",
	    N_("export contacts to a vCard or CSV file") },

	{ KEYMAP_CTX_RULES, KEYMAP_ADD, 'a', "a", N_("add a rule") },
	{ KEYMAP_CTX_RULES, KEYMAP_EDIT, 'e', "e", N_("edit the rule") },
	{ KEYMAP_CTX_RULES, KEYMAP_EDIT, '\r', "Enter", NULL },
	{ KEYMAP_CTX_RULES, KEYMAP_DELETE, 'd', "d",
	    N_("delete the rule (asks first)") },
	{ KEYMAP_CTX_RULES, KEYMAP_MOVE_UP, 'K', "K", N_("move the rule up") },
	{ KEYMAP_CTX_RULES, KEYMAP_MOVE_DOWN, 'J', "J",
	    N_("move the rule down") },
	{ KEYMAP_CTX_RULES, KEYMAP_TOGGLE, ' ', "Space",
	    N_("enable or disable the rule") },
	{ KEYMAP_CTX_RULES, KEYMAP_TRY, 't', "t",
	    N_("try a sample message against the rules") },

	{ KEYMAP_CTX_SEARCH, KEYMAP_SEARCH, '/', "/", N_("search again") },

	{ KEYMAP_CTX_FORM, KEYMAP_NEXT_FIELD, '\t', "Tab", N_("next field") },
	{ KEYMAP_CTX_FORM, KEYMAP_NEXT_FIELD, TUI_FN(KEY_DOWN), "Down", NULL },
	{ KEYMAP_CTX_FORM, KEYMAP_PREV_FIELD, TUI_FN(KEY_BTAB), "Shift-Tab",
	    N_("previous field") },
	{ KEYMAP_CTX_FORM, KEYMAP_PREV_FIELD, TUI_FN(KEY_UP), "Up", NULL },
	{ KEYMAP_CTX_FORM, KEYMAP_SAVE, '\r', "Enter", N_("save") },
	{ KEYMAP_CTX_FORM, KEYMAP_CANCEL, TUI_KEY_ESC, "Esc",
	    N_("cancel without saving") },

	{ KEYMAP_CTX_HELP, KEYMAP_BACK, TUI_KEY_ESC, "Esc", N_("close the help") },
};

static enum keymap_action
lookup_in(enum keymap_ctx ctx, int key)
{
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].ctx == ctx && table[i].key == key)
			return table[i].action;
	return KEYMAP_NONE;
}

enum keymap_action
keymap_lookup(enum keymap_ctx ctx, int list, int key)
{
	enum keymap_action a;

	if ((a = lookup_in(ctx, key)) != KEYMAP_NONE)
		return a;
	/* Forms and the compose box take text: no single-letter globals. */
	if (ctx == KEYMAP_CTX_FORM || ctx == KEYMAP_CTX_COMPOSE ||
	    ctx == KEYMAP_CTX_PROMPT)
		return KEYMAP_NONE;
	if (list && (a = lookup_in(KEYMAP_CTX_LIST, key)) != KEYMAP_NONE)
		return a;
	return lookup_in(KEYMAP_CTX_GLOBAL, key);
}

const struct keymap_entry *
keymap_table(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}

const char *
keymap_ctx_name(enum keymap_ctx ctx)
{
	static const char *const names[KEYMAP_CTX_COUNT] = {
		[KEYMAP_CTX_GLOBAL] = N_("Everywhere"),
		[KEYMAP_CTX_LIST] = N_("Lists"),
		[KEYMAP_CTX_THREADS] = N_("Thread list"),
		[KEYMAP_CTX_CONVERSATION] = N_("Conversation"),
		[KEYMAP_CTX_COMPOSE] = N_("Writing a message"),
		[KEYMAP_CTX_CONTACTS] = N_("Contacts"),
		[KEYMAP_CTX_RULES] = N_("Autoreply rules"),
		[KEYMAP_CTX_SEARCH] = N_("Search results"),
		[KEYMAP_CTX_STATS] = N_("Statistics"),
		[KEYMAP_CTX_HELP] = N_("Help"),
		[KEYMAP_CTX_FORM] = N_("Forms"),
		[KEYMAP_CTX_PROMPT] = N_("Prompts"),
	};

	if ((int)ctx < 0 || ctx >= KEYMAP_CTX_COUNT || names[ctx] == NULL)
		return "";
	return _(names[ctx]);
}

const char *
keymap_key_name(enum keymap_ctx ctx, enum keymap_action action)
{
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].ctx == ctx && table[i].action == action)
			return table[i].key_name;
	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if ((table[i].ctx == KEYMAP_CTX_LIST ||
		    table[i].ctx == KEYMAP_CTX_GLOBAL) &&
		    table[i].action == action)
			return table[i].key_name;
	return "";
}
