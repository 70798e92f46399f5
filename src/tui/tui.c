#include "config.h"

#include "tui/tui.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tui/curses.h"
#include "tui/input.h"
#include "tui/keymap.h"
#include "tui/list.h"
#include "tui/private.h"
#include "tui/statusbar.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/loop.h"
#include "util/xalloc.h"

#define TUI_STACK_MAX 16
#define MESSAGE_MS 6000
#define EDIT_MAX (64 * 1024)

/* The signals that arrive on the loop, installed before curses starts so
 * ncurses leaves them to us. */
static const int loop_signals[] = {
	SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGTSTP, SIGCONT,
};
#define N_LOOP_SIGNALS (sizeof loop_signals / sizeof loop_signals[0])

/* Crash signals: the terminal is put back with async-signal-safe calls. */
static const int crash_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
};
#define N_CRASH_SIGNALS (sizeof crash_signals / sizeof crash_signals[0])

/*
 * What a crash handler needs to restore the terminal without calling
 * curses (endwin() is not async-signal-safe): the modes from before curses
 * and the escape sequences endwin() would send.  Only this file and only
 * the handler read them.
 */
static struct {
	volatile sig_atomic_t active;
	struct termios tio;
	char seq[256];
	size_t len;
} crash;

struct prompt {
	bool active;
	bool yesno;
	char label[160];
	struct input in;
	tui_prompt_cb cb;
	void *data;
};

struct editor {
	bool running;
	uv_process_t proc;
	char path[256];
	tui_prompt_cb cb;
	void *data;
};

struct tui {
	uv_loop_t *loop;
	struct tui_opts opts;
	char agent[64];

	uv_poll_t input;
	uv_signal_t sig[N_LOOP_SIGNALS];
	uv_prepare_t render;
	uv_timer_t tick;
	int open_handles;

	struct view *stack[TUI_STACK_MAX];
	int depth;

	bool curses_on;
	bool dirty;
	bool quit;
	bool resize_pending;
	int rows, cols;
	int cur_y, cur_x;
	int status;

	bool colour;
	attr_t attrs[TUI_A_COUNT];

	char msg[256];
	bool msg_err;
	uint64_t msg_until;
	int minute;

	struct prompt prompt;
	struct editor editor;
	struct statusbar sb;
	struct watch *watch;
	FILE *log;		/* [ui] log_file, or NULL */
};

int
tui_require_utf8(struct sms_err *err)
{
	const char *cs = nl_langinfo(CODESET);

	if (cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0))
		return 0;
	if (setlocale(LC_CTYPE, "C.UTF-8") != NULL ||
	    setlocale(LC_CTYPE, "C.utf8") != NULL)
		return 0;
	return sms_err_set(err, SMS_ECONFIG, _("the inbox needs a UTF-8 "
	    "locale, and neither the current one (%s) nor C.UTF-8 is "
	    "available; set LANG to a UTF-8 locale such as en_US.UTF-8"),
	    cs != NULL ? cs : "?");
}

int
tui_new(struct tui **out, uv_loop_t *loop, const struct tui_opts *opts,
    struct sms_err *err)
{
	struct tui *t;
	const char *user;

	if (opts == NULL || opts->store == NULL)
		return sms_err_set(err, SMS_EINVAL, _("the inbox needs a "
		    "store"));
	t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->opts = *opts;
	user = opts->agent;
	if (user == NULL || *user == '\0')
		user = getenv("USER");
	snprintf(t->agent, sizeof t->agent, "%s", user ? user : "agent");
	t->cur_y = -1;
	t->sb.queued = -1;
	t->sb.unread = -1;
	t->sb.threads = -1;
	t->sb.demo = opts->demo;
	snprintf(t->sb.engine, sizeof t->sb.engine, "%s", _("no engine"));
	input_init(&t->prompt.in, 1000, false);
	*out = t;
	return 0;
}

void
tui_free(struct tui *t)
{
	if (t == NULL)
		return;
	while (t->depth > 0) {
		struct view *v = t->stack[--t->depth];

		v->ops->free(v);
	}
	input_fini(&t->prompt.in);
	free(t);
}

uv_loop_t *
tui_loop(struct tui *t)
{
	return t->loop;
}

struct store *
tui_store(struct tui *t)
{
	return t->opts.store;
}

struct statusbar *
tui_statusbar(struct tui *t)
{
	return &t->sb;
}

void
tui_rules_changed(struct tui *t)
{
	if (t->watch != NULL)
		watch_rules_changed(t->watch);
}

void
tui_wake(struct tui *t)
{
	if (t->watch != NULL)
		watch_wake(t->watch);
}

struct conf *
tui_conf(struct tui *t)
{
	return t->opts.cfg;
}

const char *
tui_agent(struct tui *t)
{
	return t->agent;
}

attr_t
tui_attr(const struct tui *t, enum tui_attr role)
{
	return t->attrs[role];
}

struct view *
tui_top(struct tui *t)
{
	return t->depth > 0 ? t->stack[t->depth - 1] : NULL;
}

void
tui_dirty(struct tui *t)
{
	t->dirty = true;
}

void
tui_quit(struct tui *t)
{
	t->quit = true;
	uv_stop(t->loop);
}

void
tui_set_cursor(struct tui *t, int y, int x)
{
	t->cur_y = y;
	t->cur_x = x;
}

/* The body: everything between the title line and the status bar. */
static void
body_rect(const struct tui *t, struct tui_rect *r)
{
	r->y = 1;
	r->x = 0;
	r->h = t->rows - 3;
	r->w = t->cols;
	if (r->h < 0)
		r->h = 0;
}

static void
view_resize(struct tui *t, struct view *v)
{
	struct tui_rect r;

	body_rect(t, &r);
	if (v->ops->resize != NULL)
		v->ops->resize(v, &r);
}

void
tui_push(struct tui *t, struct view *v)
{
	if (t->depth == TUI_STACK_MAX) {
		tui_error(t, "%s", _("too many views open; close one with q"));
		v->ops->free(v);
		return;
	}
	t->stack[t->depth++] = v;
	view_resize(t, v);
	if (v->ops->enter != NULL)
		v->ops->enter(v);
	t->dirty = true;
}

void
tui_pop(struct tui *t)
{
	struct view *v;

	if (t->depth == 0)
		return;
	v = t->stack[--t->depth];
	v->ops->free(v);
	if (t->depth == 0) {
		tui_quit(t);
		return;
	}
	v = t->stack[t->depth - 1];
	view_resize(t, v);
	if (v->ops->enter != NULL)
		v->ops->enter(v);
	t->dirty = true;
}

static void __attribute__((format(printf, 3, 0)))
set_message(struct tui *t, bool is_err, const char *fmt, va_list ap)
{
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	t->msg_err = is_err;
	t->msg_until = loop_now(t->loop) + MESSAGE_MS;
	t->dirty = true;
}

void
tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(t, false, fmt, ap);
	va_end(ap);
}

void
tui_error(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(t, true, fmt, ap);
	va_end(ap);
	if (t->curses_on)
		beep();
}

void
tui_prompt(struct tui *t, const char *label, const char *initial,
    tui_prompt_cb cb, void *data)
{
	struct prompt *p = &t->prompt;

	p->active = true;
	p->yesno = false;
	snprintf(p->label, sizeof p->label, "%s", label);
	input_set(&p->in, initial);
	p->cb = cb;
	p->data = data;
	t->msg[0] = '\0';
	t->dirty = true;
}

void
tui_confirm(struct tui *t, const char *question, tui_prompt_cb cb,
    void *data)
{
	tui_prompt(t, question, NULL, cb, data);
	t->prompt.yesno = true;
}

/* Finish the prompt: the callback may open another one. */
static void
prompt_done(struct tui *t, const char *text)
{
	struct prompt *p = &t->prompt;
	tui_prompt_cb cb = p->cb;
	void *data = p->data;

	p->active = false;
	t->dirty = true;
	cb(t, text, data);
}

static void
prompt_key(struct tui *t, int key)
{
	struct prompt *p = &t->prompt;
	char *text;

	if (key == TUI_KEY_ESC || key == TUI_CTRL('g')) {
		prompt_done(t, NULL);
		return;
	}
	if (p->yesno) {
		/* The answer keys are the translation's: "y" in English. */
		const char *yes = _("y");
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (key < TUI_KEY_FN && n != (size_t)-1 &&
		    (strncmp(mb, yes, n) == 0 || key == 'y' || key == 'Y'))
			prompt_done(t, "y");
		else
			prompt_done(t, NULL);
		return;
	}
	if (key == '\r') {
		text = input_text(&p->in);
		prompt_done(t, text);
		free(text);
		return;
	}
	if (input_key(&p->in, key) != INPUT_UNHANDLED)
		t->dirty = true;
}

static void
search_answer(struct tui *t, const char *text, void *data)
{
	if (text != NULL && *text != '\0')
		tui_push(t, view_search_new(t, text));
}

/* Keys nobody else took: moving between the main views. */
static void
global_action(struct tui *t, enum keymap_action action)
{
	struct view *top = t->stack[t->depth - 1];

	switch (action) {
	case KEYMAP_BACK:
	case KEYMAP_CANCEL:
		if (action == KEYMAP_CANCEL && t->depth == 1)
			break;
		tui_pop(t);
		break;
	case KEYMAP_QUIT:
		tui_quit(t);
		break;
	case KEYMAP_HELP:
		if (top->ops->ctx != KEYMAP_CTX_HELP)
			tui_push(t, view_help_new(t, top->ops->ctx));
		break;
	case KEYMAP_REDRAW:
		clearok(curscr, TRUE);
		t->dirty = true;
		break;
	case KEYMAP_SEARCH:
		tui_prompt(t, _("Search:"), NULL, search_answer, NULL);
		break;
	case KEYMAP_CONTACTS:
		if (top->ops->ctx != KEYMAP_CTX_CONTACTS)
			tui_push(t, view_contacts_new(t));
		break;
	case KEYMAP_RULES:
		if (top->ops->ctx != KEYMAP_CTX_RULES)
			tui_push(t, view_rules_new(t));
		break;
	case KEYMAP_STATS:
		if (top->ops->ctx != KEYMAP_CTX_STATS)
			tui_push(t, view_stats_new(t));
		break;
	case KEYMAP_COMPOSE_NEW:
		compose_prompt(t);
		break;
	default:
		break;
	}
}

static void
handle_key(struct tui *t, int key)
{
	struct view *v;
	enum keymap_action action;
	enum view_result r;

	if (t->msg[0] != '\0' && !t->prompt.active) {
		t->msg[0] = '\0';
		t->dirty = true;
	}
	t->sb.notice[0] = '\0';
	if (t->prompt.active) {
		prompt_key(t, key);
		return;
	}
	if (t->depth == 0)
		return;
	v = t->stack[t->depth - 1];
	action = keymap_lookup(v->ops->ctx, v->ops->list, key);
	r = v->ops->key(v, action, key);
	switch (r) {
	case VIEW_PASS:
		global_action(t, action);
		break;
	case VIEW_DONE:
		break;
	case VIEW_REDRAW:
		t->dirty = true;
		break;
	case VIEW_POP:
		tui_pop(t);
		break;
	case VIEW_QUIT:
		tui_quit(t);
		break;
	}
}

/* Curses' key codes to ours (see TUI_KEY_FN). */
static int
normalise_key(int rc, wint_t wc)
{
	if (rc == KEY_CODE_YES) {
		switch (wc) {
		case KEY_ENTER:
			return '\r';
		case KEY_BACKSPACE:
			return TUI_FN(KEY_BACKSPACE);
		default:
			return TUI_FN((int)wc);
		}
	}
	if (wc == 127 || wc == 8)
		return TUI_FN(KEY_BACKSPACE);
	return (int)wc;
}

static void
do_resize(struct tui *t)
{
	struct winsize ws;
	int i;

	t->resize_pending = false;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, t->rows, t->cols);
	for (i = 0; i < t->depth; i++)
		view_resize(t, t->stack[i]);
	clearok(curscr, TRUE);
	t->dirty = true;
}

/* Rows the wheel moves per notch. */
#define WHEEL_ROWS 3

/*
 * A mouse event ([ui] mouse = yes): the wheel moves as the arrow keys do;
 * a click on a list row puts the cursor there, and a click on the row
 * the cursor is on (or a double click) opens it, as Enter does.
 */
static void
handle_mouse(struct tui *t)
{
	struct view *v;
	struct list *l;
	MEVENT ev;
	size_t row;
	int i;

	if (getmouse(&ev) != OK || t->prompt.active || t->depth == 0)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		for (i = 0; i < WHEEL_ROWS; i++)
			handle_key(t, TUI_FN(ev.bstate & BUTTON4_PRESSED ?
			    KEY_UP : KEY_DOWN));
		return;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
		return;
	v = t->stack[t->depth - 1];
	if (v->ops->list_of == NULL || (l = v->ops->list_of(v)) == NULL ||
	    !list_row_at(l, ev.y, &row))
		return;
	if (row == l->sel || (ev.bstate & BUTTON1_DOUBLE_CLICKED)) {
		list_select(l, row);
		handle_key(t, '\r');
		return;
	}
	list_select(l, row);
	t->dirty = true;
}

static void
on_input(uv_poll_t *h, int status, int events)
{
	struct tui *t = h->data;
	wint_t wc;
	int rc;

	if (status < 0) {
		log_err("terminal input failed: %s", uv_strerror(status));
		t->status = SMS_EXIT_IOERR;
		tui_quit(t);
		return;
	}
	/* Drain everything curses has buffered, or keys would wait for the
	 * next byte to wake the poll. */
	while (!t->quit && !t->editor.running &&
	    (rc = wget_wch(stdscr, &wc)) != ERR) {
		if (rc == KEY_CODE_YES && wc == KEY_RESIZE)
			continue;	/* ours comes through SIGWINCH */
		if (rc == KEY_CODE_YES && wc == KEY_MOUSE) {
			handle_mouse(t);
			continue;
		}
		handle_key(t, normalise_key(rc, wc));
	}
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct tui *t = h->data;

	switch (signum) {
	case SIGWINCH:
		if (t->editor.running)
			t->resize_pending = true;
		else
			do_resize(t);
		break;
	case SIGTSTP:
		if (t->editor.running)
			break;
		endwin();
		/* Stop ourselves; SIGTSTP is caught, so use SIGSTOP. */
		raise(SIGSTOP);
		/* FALLTHROUGH */
	case SIGCONT:
		if (t->editor.running)
			break;
		do_resize(t);
		break;
	default:
		log_info("signal %d: leaving", signum);
		tui_quit(t);
		break;
	}
}

static void
draw_title(struct tui *t, struct view *v)
{
	attr_t a = tui_attr(t, TUI_A_TITLE);
	char hints[160];
	const char *title = v->ops->title(v);
	int hw;

	tui_fill(0, 0, t->cols, a);
	snprintf(hints, sizeof hints, _("%s:back  ?:help "),
	    keymap_key_name(KEYMAP_CTX_GLOBAL, KEYMAP_BACK));
	hw = tui_text_width(hints, (size_t)-1);
	if (hw + 10 > t->cols)
		hw = 0;
	tui_put(0, 1, t->cols - hw - 2, title, (size_t)-1, a | A_BOLD, true);
	if (hw > 0)
		tui_put(0, t->cols - hw, hw, hints, (size_t)-1, a, false);
}

static void
draw_bottom(struct tui *t)
{
	struct prompt *p = &t->prompt;
	int y = t->rows - 1, lw, cy, cx;

	if (p->active) {
		lw = tui_put(y, 0, t->cols / 2, p->label, (size_t)-1,
		    A_BOLD, true);
		lw += tui_put(y, lw, 1, " ", 1, A_NORMAL, false);
		if (p->yesno) {
			lw += tui_put(y, lw, t->cols - lw, _("(y/n) "),
			    (size_t)-1, A_NORMAL, false);
			tui_set_cursor(t, y, lw);
			return;
		}
		input_draw(&p->in, y, lw, t->cols - lw, 1, A_NORMAL, NULL,
		    NULL, &cy, &cx);
		tui_set_cursor(t, cy, cx);
		return;
	}
	if (t->msg[0] != '\0')
		tui_put(y, 0, t->cols, t->msg, (size_t)-1,
		    t->msg_err ? tui_attr(t, TUI_A_ERROR) : A_NORMAL, true);
}

/* Draw everything when something changed: one doupdate() per loop turn,
 * called before the loop waits. */
static void
on_render(uv_prepare_t *h)
{
	struct tui *t = h->data;
	struct view *v;
	struct tui_rect r;

	if (!t->dirty || !t->curses_on || t->editor.running || t->quit ||
	    t->depth == 0)
		return;
	t->dirty = false;
	t->cur_y = -1;
	erase();
	if (t->rows < 6 || t->cols < 24) {
		tui_put(0, 0, t->cols, _("The terminal is too small."),
		    (size_t)-1, A_BOLD, true);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	v = t->stack[t->depth - 1];
	draw_title(t, v);
	body_rect(t, &r);
	v->ops->draw(v, &r);
	statusbar_draw(&t->sb, t, t->rows - 2, t->cols);
	draw_bottom(t);
	if (t->cur_y >= 0) {
		curs_set(1);
		move(t->cur_y, t->cur_x);
	} else {
		curs_set(0);
		move(t->rows - 1, t->cols - 1);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void
broadcast(struct tui *t, enum tui_event ev)
{
	int i;

	for (i = 0; i < t->depth; i++)
		if (t->stack[i]->ops->on_event != NULL &&
		    t->stack[i]->ops->on_event(t->stack[i], ev) &&
		    i == t->depth - 1)
			t->dirty = true;
}

static void
on_tick(uv_timer_t *h)
{
	struct tui *t = h->data;
	int minute = (int)(loop_wall_now() / 60);

	if (t->msg[0] != '\0' && !t->prompt.active &&
	    loop_now(t->loop) >= t->msg_until) {
		t->msg[0] = '\0';
		t->dirty = true;
	}
	if (minute != t->minute) {
		t->minute = minute;
		broadcast(t, TUI_EV_MINUTE);
	}
	watch_poll(t, &t->sb);
}

void
tui_store_changed(struct tui *t)
{
	watch_refresh(t, &t->sb, false);
	broadcast(t, TUI_EV_STORE);
	t->dirty = true;
}

int
tui_max_segments(struct tui *t)
{
	return t->opts.max_segments > 0 ? t->opts.max_segments : 10;
}

void
tui_bell(struct tui *t)
{
	if (t->opts.bell && t->curses_on)
		beep();
}

/* Capture what endwin() would send, for the crash handler. */
static void
crash_prepare(void)
{
	const char *caps[] = { "sgr0", "cnorm", "rmkx", "rmcup" };
	size_t i, n;
	char *s;

	crash.len = 0;
	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		s = tigetstr(caps[i]);
		if (s == NULL || s == (char *)-1)
			continue;
		n = strlen(s);
		if (crash.len + n >= sizeof crash.seq)
			break;
		memcpy(crash.seq + crash.len, s, n);
		crash.len += n;
	}
	if (crash.len + 2 < sizeof crash.seq) {
		crash.seq[crash.len++] = '\r';
		crash.seq[crash.len++] = '\n';
	}
}

/* A crash: give the terminal back with async-signal-safe calls only, then
 * die of the same signal (core dump and exit status intact). */
static void
crash_handler(int sig)
{
	ssize_t n;

	if (crash.active) {
		tcsetattr(STDIN_FILENO, TCSANOW, &crash.tio);
		n = write(STDOUT_FILENO, crash.seq, crash.len);
		(void)n;
		crash.active = 0;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
crash_install(bool on)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? crash_handler : SIG_DFL;
	sa.sa_flags = on ? SA_RESETHAND | SA_NODEFER : 0;
	for (i = 0; i < N_CRASH_SIGNALS; i++)
		sigaction(crash_signals[i], &sa, NULL);
}

/* xalloc's last word: put the terminal back before aborting. */
static void
fatal_endwin(void)
{
	if (!isendwin())
		endwin();
	crash.active = 0;
}

static void
setup_colours(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	attr_t mono[TUI_A_COUNT] = {
		[TUI_A_NORMAL] = A_NORMAL,
		[TUI_A_TITLE] = A_REVERSE,
		[TUI_A_STATUS] = A_REVERSE,
		[TUI_A_SELECTED] = A_REVERSE,
		[TUI_A_UNREAD] = A_BOLD,
		[TUI_A_DIM] = A_DIM,
		[TUI_A_ERROR] = A_BOLD,
		[TUI_A_HILITE] = A_UNDERLINE | A_BOLD,
		[TUI_A_OUT] = A_NORMAL,
		[TUI_A_IN] = A_NORMAL,
		[TUI_A_NOTICE] = A_BOLD | A_UNDERLINE,
		[TUI_A_GOOD] = A_NORMAL,
	};
	/* fg, bg, extra attributes; -1 is the terminal's default. */
	static const short pairs[TUI_A_COUNT][2] = {
		[TUI_A_TITLE] = { COLOR_BLACK, COLOR_CYAN },
		[TUI_A_STATUS] = { COLOR_BLACK, COLOR_WHITE },
		[TUI_A_SELECTED] = { COLOR_BLACK, COLOR_YELLOW },
		[TUI_A_UNREAD] = { -1, -1 },
		[TUI_A_DIM] = { -1, -1 },
		[TUI_A_ERROR] = { COLOR_RED, -1 },
		[TUI_A_HILITE] = { COLOR_BLACK, COLOR_MAGENTA },
		[TUI_A_OUT] = { COLOR_CYAN, -1 },
		[TUI_A_IN] = { -1, -1 },
		[TUI_A_NOTICE] = { COLOR_WHITE, COLOR_RED },
		[TUI_A_GOOD] = { COLOR_GREEN, -1 },
	};
	int i;

	memcpy(t->attrs, mono, sizeof mono);
	/* NO_COLOR (no-color.org): present and not empty means no colour. */
	t->colour = has_colors() && t->opts.color != TUI_COLOR_NEVER &&
	    (nc == NULL || *nc == '\0' || t->opts.color == TUI_COLOR_ALWAYS);
	if (!t->colour || start_color() == ERR)
		return;
	use_default_colors();
	for (i = 1; i < TUI_A_COUNT; i++) {
		if (pairs[i][0] == -1 && pairs[i][1] == -1)
			continue;
		init_pair((short)i, pairs[i][0], pairs[i][1]);
		t->attrs[i] = COLOR_PAIR(i) |
		    (i == TUI_A_ERROR || i == TUI_A_NOTICE ? A_BOLD : 0);
	}
}

static void
log_sink(enum log_level level, const char *line, void *data)
{
	static const char *const names[] = {
		"error", "warning", "info", "debug", "trace",
	};
	struct tui *t = data;
	char stamp[32];
	time_t now;
	struct tm tm;

	if (t->log != NULL) {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(t->log, "%s %s: %s\n", stamp,
		    (unsigned)level < 5 ? names[level] : "?", line);
		fflush(t->log);
	}
	/* Nothing writes to the terminal while curses owns it: warnings
	 * reach the agent on the message row. */
	if (level <= LOG_LEVEL_WARN) {
		snprintf(t->msg, sizeof t->msg, "%s", line);
		t->msg_err = true;
		t->msg_until = loop_now(t->loop) + MESSAGE_MS;
		t->dirty = true;
	}
}

static void
on_closed(uv_handle_t *h)
{
	struct tui *t = h->data;

	t->open_handles--;
}

static void
close_handle(struct tui *t, uv_handle_t *h)
{
	if (!uv_is_closing(h)) {
		h->data = t;
		uv_close(h, on_closed);
	}
}

static int
start_handles(struct tui *t)
{
	size_t i;
	int rc;

	for (i = 0; i < N_LOOP_SIGNALS; i++) {
		uv_signal_init(t->loop, &t->sig[i]);
		t->sig[i].data = t;
		t->open_handles++;
		if ((rc = uv_signal_start(&t->sig[i], on_signal,
		    loop_signals[i])) < 0)
			return rc;
	}
	uv_prepare_init(t->loop, &t->render);
	t->render.data = t;
	t->open_handles++;
	uv_prepare_start(&t->render, on_render);
	uv_timer_init(t->loop, &t->tick);
	t->tick.data = t;
	t->open_handles++;
	uv_timer_start(&t->tick, on_tick, 500, 500);
	return 0;
}

static void
close_handles(struct tui *t)
{
	size_t i;

	for (i = 0; i < N_LOOP_SIGNALS; i++)
		if (t->sig[i].loop != NULL)
			close_handle(t, (uv_handle_t *)&t->sig[i]);
	if (t->render.loop != NULL)
		close_handle(t, (uv_handle_t *)&t->render);
	if (t->tick.loop != NULL)
		close_handle(t, (uv_handle_t *)&t->tick);
	if (t->input.loop != NULL)
		close_handle(t, (uv_handle_t *)&t->input);
	if (t->editor.running)
		close_handle(t, (uv_handle_t *)&t->editor.proc);
	while (t->open_handles > 0)
		uv_run(t->loop, UV_RUN_NOWAIT);
}

int
tui_run(struct tui *t)
{
	SCREEN *scr;
	int rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s\n", _("sms-inbox: the inbox needs a "
		    "terminal; use a subcommand (see --help) in scripts"));
		return SMS_EXIT_USAGE;
	}
	if (tcgetattr(STDIN_FILENO, &crash.tio) < 0) {
		fprintf(stderr, _("sms-inbox: cannot read the terminal's "
		    "settings: %s\n"), strerror(errno));
		return SMS_EXIT_IOERR;
	}
	/* Ours before curses starts, so ncurses installs none of its own. */
	if ((rc = start_handles(t)) < 0) {
		fprintf(stderr, _("sms-inbox: cannot watch signals: %s\n"),
		    uv_strerror(rc));
		close_handles(t);
		return SMS_EXIT_SOFTWARE;
	}
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		fprintf(stderr, _("sms-inbox: cannot use the terminal \"%s\"; "
		    "check TERM\n"), getenv("TERM") ? getenv("TERM") : "");
		close_handles(t);
		return SMS_EXIT_UNAVAILABLE;
	}
	set_term(scr);
	t->curses_on = true;
	if (t->opts.log_file != NULL &&
	    (t->log = fopen(t->opts.log_file, "a")) == NULL)
		tui_error(t, _("cannot open the log file %s: %s"),
		    t->opts.log_file, strerror(errno));
	crash_prepare();
	crash.active = 1;
	crash_install(true);
	xalloc_set_fatal(fatal_endwin);
	log_to_callback(log_sink, t);

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (t->opts.mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED |
		    BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	setup_colours(t);
	getmaxyx(stdscr, t->rows, t->cols);
	t->minute = (int)(loop_wall_now() / 60);

	uv_poll_init(t->loop, &t->input, STDIN_FILENO);
	t->input.data = t;
	t->open_handles++;
	uv_poll_start(&t->input, UV_READABLE, on_input);

	t->watch = watch_start(t, &t->sb, t->opts.cfg);
	tui_push(t, view_threads_new(t));
	t->dirty = true;
	uv_run(t->loop, UV_RUN_DEFAULT);

	while (t->depth > 0) {
		struct view *v = t->stack[--t->depth];

		v->ops->free(v);
	}
	endwin();
	t->curses_on = false;
	crash.active = 0;
	crash_install(false);
	xalloc_set_fatal(NULL);
	log_to_stderr();
	if (t->log != NULL)
		fclose(t->log);
	t->log = NULL;
	close_handles(t);
	watch_stop(t->watch);
	watch_free(t->watch);
	t->watch = NULL;
	delscreen(scr);
	return t->status;
}

static void
on_editor_exit(uv_process_t *proc, int64_t exit_status, int term_signal)
{
	struct tui *t = proc->data;
	struct editor *e = &t->editor;
	char *text = NULL;
	FILE *f;
	size_t n;

	e->running = false;
	close_handle(t, (uv_handle_t *)proc);
	if (exit_status == 0 && term_signal == 0 &&
	    (f = fopen(e->path, "r")) != NULL) {
		text = xmalloc(EDIT_MAX + 1);
		n = fread(text, 1, EDIT_MAX, f);
		text[n] = '\0';
		/* Editors end files with a newline; a message does not. */
		while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
			text[--n] = '\0';
		fclose(f);
	}
	unlink(e->path);
	reset_prog_mode();
	uv_poll_start(&t->input, UV_READABLE, on_input);
	if (t->resize_pending)
		do_resize(t);
	clearok(curscr, TRUE);
	t->dirty = true;
	if (text == NULL)
		tui_error(t, "%s", _("the editor failed; the text is "
		    "unchanged"));
	e->cb(t, text, e->data);
	free(text);
}

void
tui_edit_external(struct tui *t, const char *text, tui_prompt_cb cb,
    void *data)
{
	struct editor *e = &t->editor;
	uv_process_options_t po;
	uv_stdio_container_t stdio[3];
	const char *ed = t->opts.editor, *tmp;
	char *words, *args[16], *tok, *save = NULL;
	int fd, n = 0, rc, i;

	if (e->running)
		return;
	if (ed == NULL || *ed == '\0')
		ed = getenv("VISUAL");
	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	tmp = getenv("TMPDIR");
	snprintf(e->path, sizeof e->path, "%s/sms-inbox-XXXXXX.txt",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
	if ((fd = mkstemps(e->path, 4)) < 0) {
		tui_error(t, _("cannot make a temporary file: %s"),
		    strerror(errno));
		return;
	}
	if (text != NULL && write(fd, text, strlen(text)) < 0) {
		tui_error(t, _("cannot write a temporary file: %s"),
		    strerror(errno));
		close(fd);
		unlink(e->path);
		return;
	}
	close(fd);
	/* $EDITOR may carry options ("vim -u NONE"): split on blanks, no
	 * shell. */
	words = xstrdup(ed);
	for (tok = strtok_r(words, " \t", &save); tok != NULL && n < 14;
	    tok = strtok_r(NULL, " \t", &save))
		args[n++] = tok;
	args[n++] = e->path;
	args[n] = NULL;

	memset(&po, 0, sizeof po);
	for (i = 0; i < 3; i++) {
		stdio[i].flags = UV_INHERIT_FD;
		stdio[i].data.fd = i;
	}
	po.file = args[0];
	po.args = args;
	po.stdio = stdio;
	po.stdio_count = 3;
	po.exit_cb = on_editor_exit;
	def_prog_mode();
	endwin();
	uv_poll_stop(&t->input);
	e->proc.data = t;
	e->cb = cb;
	e->data = data;
	rc = uv_spawn(t->loop, &e->proc, &po);
	free(words);
	t->open_handles++;
	if (rc < 0) {
		/* The handle still needs closing. */
		close_handle(t, (uv_handle_t *)&e->proc);
		unlink(e->path);
		reset_prog_mode();
		uv_poll_start(&t->input, UV_READABLE, on_input);
		clearok(curscr, TRUE);
		tui_error(t, _("cannot run the editor \"%s\": %s"), ed,
		    uv_strerror(rc));
		return;
	}
	e->running = true;
}
