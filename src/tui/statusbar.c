#include "config.h"

#include "tui/statusbar.h"

#include <stdio.h>
#include <string.h>

#include "engine/backend.h"
#include "tui/curses.h"
#include "tui/private.h"
#include "util/i18n.h"

static const char *
state_label(int state)
{
	switch (state) {
	case BACKEND_UP:
		return _("up");
	case BACKEND_MAINTENANCE:
		return _("maintenance");
	case BACKEND_SUSPENDED:
		return _("suspended");
	default:
		return _("down");
	}
}

/* Signal strength as five rising blocks, the missing ones as dots. */
static void
signal_bars(char *out, size_t size, int bars)
{
	static const char *const block[5] = {
		"\u2581", "\u2582", "\u2583", "\u2585", "\u2587",
	};
	size_t o = 0;
	int i;

	out[0] = '\0';
	if (bars < 0)
		return;
	for (i = 0; i < 5; i++) {
		const char *b = i < bars ? block[i] : "\u00b7";
		size_t n = strlen(b);

		if (o + n + 1 >= size)
			break;
		memcpy(out + o, b, n);
		o += n;
	}
	out[o] = '\0';
}

void
statusbar_draw(const struct statusbar *sb, struct tui *t, int y, int w)
{
	attr_t a = tui_attr(t, TUI_A_STATUS);
	char left[512], right[128], part[160], bars[32];
	int i, x, rw, lw;
	size_t o;

	tui_fill(y, 0, w, a);
	o = (size_t)snprintf(left, sizeof left, " %s%s",
	    sb->demo ? _("demo · ") : "", sb->engine);
	for (i = 0; i < sb->nbe && o < sizeof left; i++) {
		const struct statusbar_backend *b = &sb->be[i];

		signal_bars(bars, sizeof bars, b->bars);
		snprintf(part, sizeof part, " · %s %s%s%s%s%s", b->name,
		    state_label(b->state), bars[0] ? " " : "", bars,
		    b->operator_name[0] && w >= 100 ? " " : "",
		    w >= 100 ? b->operator_name : "");
		o += (size_t)snprintf(left + o, sizeof left - o, "%s", part);
	}
	if (sb->queued >= 0 && o < sizeof left)
		snprintf(left + o, sizeof left - o, _(" · queue %ld"),
		    sb->queued);

	right[0] = '\0';
	if (sb->unread >= 0)
		snprintf(right, sizeof right, P_("%ld unread ", "%ld unread ",
		    (unsigned long)sb->unread), sb->unread);
	rw = tui_text_width(right, (size_t)-1);
	lw = tui_put(y, 0, w - rw - 1, left, (size_t)-1, a, true);
	x = lw + 1;
	if (sb->notice[0] != '\0' && x + 4 < w - rw) {
		x += tui_put(y, x + 1, w - rw - x - 2, sb->notice,
		    (size_t)-1, tui_attr(t, TUI_A_NOTICE), true) + 1;
	}
	if (rw > 0 && rw < w)
		tui_put(y, w - rw, rw, right, (size_t)-1,
		    sb->unread > 0 ? a | A_BOLD : a, false);
}
