#!/bin/sh
# With sms-inboxd running the engine, the inbox is its client: the status
# bar names the daemon, a message queued in the inbox is sent by the
# daemon (wake over the socket) and shows delivered, and the phone's
# answer arrives through the daemon's events.  The daemon going away is
# noticed, and the inbox takes the engine over.
. "$top_srcdir/tests/lib.sh"
cat >"$TMPD/config" <<CONF
[store]
path = $TMPD/inbox.db
default_country = HU

[backend.sim]
type = sim
deliver_delay = 200
reply_delay = 400

[routing]
primary = sim
CONF
. "$top_srcdir/tests/tui/lib-tui.sh"

"$top_builddir/src/sms-inboxd" --config "$TMPD/config" \
	>"$TMPD/daemon.out" 2>&1 &
dpid=$!
trap 'kill $dpid 2>/dev/null; kill_servers; rm -rf "$TMPD"' EXIT
i=0
while [ $i -lt 100 ] && ! [ -S "$TMPD/inbox.db.sock" ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -S "$TMPD/inbox.db.sock" ]; then ok "the daemon listens"
else ko "the daemon listens" "$(cat "$TMPD/daemon.out")"; tui_finish; exit; fi

tui_start
wait_for "daemon (pid $dpid)" "the status bar names the daemon"
wait_for "sim up" "the daemon's backend is shown"
keys m
wait_for "To (number or contact name):" "m asks for a number"
type_text "+36 30 555 0000"
keys Enter
type_text "Sent by the daemon"
keys Enter
wait_for "· delivered" "the daemon delivers it"
wait_for "Thanks, got it: Sent by the daemon" "the answer arrives"
kill $dpid
wait $dpid
wait_for "daemon gone" "the inbox notices the daemon left"
wait_for "engine here" "and runs the engine itself once the lock is free"
keys r
type_text "Now sent from here"
keys Enter
wait_for "Thanks, got it: Now sent from here" "sent by the engine here"
keys q q
wait_for "exit=0" "quits with status 0"
wait_for "stty-same" "terminal settings restored"
tui_finish
