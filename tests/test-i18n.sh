#!/bin/sh
# The translations are complete and used: msgfmt --check finds no format
# mistakes, no untranslated and no fuzzy message in any po/*.po of
# po/LINGUAS, and with LANGUAGE=hu (de) the programs' --help is in
# Hungarian (German).  The catalogs come from the build tree through
# SMS_INBOX_LOCALEDIR, so nothing needs installing.
. "$top_srcdir/tests/lib.sh"

if ! command -v msgfmt >/dev/null 2>&1; then
	echo "msgfmt not found; skipping"
	exit 77
fi
if grep -q '^#define ENABLE_NLS 1' "$top_builddir/config.h"; then :; else
	echo "built without NLS; skipping"
	exit 77
fi
linguas=$(sed "s/#.*//" "$top_srcdir/po/LINGUAS" | tr "\n" " ")
for lang in $linguas; do
	po="$top_srcdir/po/$lang.po"
	mkdir -p "$TMPD/locale/$lang/LC_MESSAGES"
	if msgfmt --check --statistics -o "$TMPD/locale/$lang/LC_MESSAGES/sms-inbox.mo" \
	    "$po" >"$TMPD/stats" 2>&1; then ok "$lang.po passes msgfmt --check"
	else ko "$lang.po passes msgfmt --check" "$(head -c 600 "$TMPD/stats")"; fi
	if grep -q -e untranslated -e fuzzy "$TMPD/stats"; then
		ko "$lang.po is complete" "$(cat "$TMPD/stats")"
	else ok "$lang.po is complete: $(cat "$TMPD/stats")"; fi
done

export SMS_INBOX_LOCALEDIR="$TMPD/locale" SMS_INBOX_CONFIG="$TMPD/none.conf"
LC_ALL=C.UTF-8
export LC_ALL
# help LANG PROGRAM WORD: PROGRAM --help in LANG shows WORD.
help() {
	LANGUAGE=$1 "$BIN/$2" --help >"$TMPD/out" 2>&1
	if grep -q "$3" "$TMPD/out"; then ok "LANGUAGE=$1 $2 --help"
	else ko "LANGUAGE=$1 $2 --help" "no \"$3\" in: $(head -c 300 "$TMPD/out")"; fi
}
case " $linguas " in
*" hu "*)
	help hu sms-inbox "Használat"
	help hu sms-inbox "Parancsok"
	help hu sms-send "Kilépési kód"
	help hu sms-inboxd "Kapcsolók"
	LANGUAGE=hu "$BIN/sms-send" -c "$TMPD/none.conf" >"$TMPD/out" 2>&1
	expect_grep "nincs megadva címzett" "$TMPD/out" "hu: errors too"
	;;
esac
case " $linguas " in
*" de "*)
	help de sms-inbox "Aufruf"
	help de sms-send "Optionen"
	help de sms-inboxd "Signale"
	;;
esac
# English stays English.
LANGUAGE=en "$BIN/sms-inbox" --help >"$TMPD/out" 2>&1
expect_grep "^Usage:" "$TMPD/out" "LANGUAGE=en stays English"
finish
