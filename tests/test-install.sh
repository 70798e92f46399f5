#!/bin/sh
# `make install DESTDIR=...` from this build tree lays out the three
# programs, the four manuals, config.example, the systemd units and the
# translations where they belong; `make uninstall` removes them again.
. "$top_srcdir/tests/lib.sh"

if [ ! -f "$top_builddir/Makefile" ]; then
	echo "no Makefile in $top_builddir; skipping"
	exit 77
fi
DEST="$TMPD/dest"
# A make of our own, not a job of the make running the tests.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
cat >"$TMPD/vars.mk" <<'MK'
print-install-vars:
	@echo "prefix='$(prefix)'"
	@echo "bindir='$(bindir)'"
	@echo "sbindir='$(sbindir)'"
	@echo "mandir='$(mandir)'"
	@echo "pkgdatadir='$(pkgdatadir)'"
	@echo "localedir='$(localedir)'"
	@echo "systemdsystemunitdir='$(systemdsystemunitdir)'"
	@echo "systemduserunitdir='$(systemduserunitdir)'"
MK
make -s --no-print-directory -C "$top_builddir" -f Makefile \
	-f "$TMPD/vars.mk" print-install-vars >"$TMPD/vars" 2>"$TMPD/err" ||
	{ ko "read the install directories" "$(cat "$TMPD/err")"; finish; exit; }
. "$TMPD/vars"
linguas=$(sed "s/#.*//" "$top_srcdir/po/LINGUAS")

if make -s -C "$top_builddir" install DESTDIR="$DEST" >"$TMPD/out" \
    2>"$TMPD/err"; then ok "make install DESTDIR"
else ko "make install DESTDIR" "$(tail -c 600 "$TMPD/err")"; fi

# want FILE NAME: FILE exists under DESTDIR.
want() {
	if [ -f "$DEST$1" ]; then ok "$2"; else ko "$2" "no $DEST$1"; fi
}
for p in sms-inbox sms-send; do
	want "$bindir/$p" "$p in bindir"
	[ -x "$DEST$bindir/$p" ] && ok "$p is executable" ||
		ko "$p is executable" "mode $(ls -l "$DEST$bindir/$p" 2>&1)"
done
want "$sbindir/sms-inboxd" "sms-inboxd in sbindir"
want "$mandir/man1/sms-inbox.1" "sms-inbox(1)"
want "$mandir/man1/sms-send.1" "sms-send(1)"
want "$mandir/man8/sms-inboxd.8" "sms-inboxd(8)"
want "$mandir/man5/sms-inbox.conf.5" "sms-inbox.conf(5)"
want "$pkgdatadir/config.example" "config.example in pkgdatadir"
want "$systemdsystemunitdir/sms-inboxd.service" "system unit"
want "$systemduserunitdir/sms-inboxd.service" "user unit"
case $systemdsystemunitdir in
"$prefix"/*) ok "units under the prefix" ;;
*) ko "units under the prefix" "$systemdsystemunitdir" ;;
esac
if grep -q "ExecStart=$sbindir/sms-inboxd" \
    "$DEST$systemdsystemunitdir/sms-inboxd.service" 2>/dev/null; then
	ok "the system unit runs the installed daemon"
else
	ko "the system unit runs the installed daemon" \
	    "$(grep ExecStart "$DEST$systemdsystemunitdir/sms-inboxd.service" 2>&1)"
fi
if grep -q '^#define ENABLE_NLS 1' "$top_builddir/config.h"; then
	for lang in $linguas; do
		want "$localedir/$lang/LC_MESSAGES/sms-inbox.mo" \
		    "$lang translation"
	done
else
	echo "built without NLS: no translations to check"
fi
# The installed program runs and finds its manual's name in --help.
"$DEST$bindir/sms-send" --help >"$TMPD/out" 2>&1 &&
	grep -q "sms-send(1)" "$TMPD/out" && ok "installed sms-send runs" ||
	ko "installed sms-send runs" "$(head -c 300 "$TMPD/out")"

if make -s -C "$top_builddir" uninstall DESTDIR="$DEST" >"$TMPD/out" \
    2>"$TMPD/err"; then ok "make uninstall DESTDIR"
else ko "make uninstall DESTDIR" "$(tail -c 600 "$TMPD/err")"; fi
left=$(find "$DEST" -type f 2>/dev/null | head -5)
[ -z "$left" ] && ok "make uninstall removes every file" ||
	ko "make uninstall removes every file" "$left"
finish
