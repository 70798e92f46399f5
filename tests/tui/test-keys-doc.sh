#!/bin/sh
# Every key binding in src/tui/keymap.c is in sms-inbox(1)'s KEYS section
# (the help view shows the same table), and the page is clean roff.
. "$top_srcdir/tests/lib.sh"

sed -n '/^static const struct keymap_entry table/,/^};/p' \
	"$top_srcdir/src/tui/keymap.c" | grep -o 'N_("[^"]*")' |
	sed 's/^N_("//; s/")$//' >"$TMPD/helps"
sed -n '/^\.SH KEYS/,/^\.SH EXIT/p' "$top_srcdir/doc/sms-inbox.1" |
	sed 's/\\-/-/g' >"$TMPD/keys"
n=0
while IFS= read -r h; do
	n=$((n + 1))
	if grep -q -i -F -- "$h" "$TMPD/keys"; then :
	else ko "documented: $h" "not in sms-inbox(1) KEYS"; fi
done <"$TMPD/helps"
if [ "$n" -gt 30 ]; then ok "$n bindings checked"
else ko "bindings found" "only $n in keymap.c"; fi
if ! command -v groff >/dev/null; then ok "groff missing: roff not checked"
elif groff -ww -man -z "$top_srcdir/doc/sms-inbox.1" 2>"$TMPD/groff" &&
    ! [ -s "$TMPD/groff" ]; then ok "sms-inbox.1 is clean roff"
else ko "sms-inbox.1 is clean roff" "$(cat "$TMPD/groff")"; fi
finish
