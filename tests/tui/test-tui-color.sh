#!/bin/sh
# Colours: used by default, none with NO_COLOR (no-color.org) or
# [ui] color = never; the title, the cursor row and the status bar stay
# visible in reverse video.  tmux's capture-pane -e shows the attributes.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/lib-tui.sh"

esc=$(printf '\033')
# colours: whether the screen uses a foreground or background colour.
colours() {
	tmx capture-pane -p -e -t tui >"$TMPD/screen.esc"
	grep -q -E "$esc\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;|48;)" "$TMPD/screen.esc"
}

tui_start
wait_for "No conversations yet" "default: inbox up"
if colours; then ok "default: colours"; else ko "default: colours" \
	"no colour in: $(head -c 300 "$TMPD/screen.esc" | od -c | head -5)"; fi
keys q
wait_for "exit=0" "default: quits"

NO_COLOR=1 tui_start
wait_for "No conversations yet" "NO_COLOR: inbox up"
if colours; then ko "NO_COLOR: no colours" "colour codes on the screen"
else ok "NO_COLOR: no colours"; fi
if grep -q "$esc\\[7m\|$esc\\[[0-9;]*;7m\|$esc\\[7;" "$TMPD/screen.esc"; then
	ok "NO_COLOR: title and status bar in reverse video"
else ko "NO_COLOR: reverse video" "no reverse attribute"; fi
keys q
wait_for "exit=0" "NO_COLOR: quits"

unset NO_COLOR
printf '[store]\npath = %s/inbox.db\n[ui]\ncolor = never\n' "$TMPD" \
	>"$TMPD/config"
tui_start
wait_for "No conversations yet" "color = never: inbox up"
if colours; then ko "color = never: no colours" "colour codes on the screen"
else ok "color = never: no colours"; fi
keys q
wait_for "exit=0" "color = never: quits"
tui_finish
