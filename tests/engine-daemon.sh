#!/bin/sh
# sms-inboxd with the sim backend: start, refuse a second start naming the
# pid, sms-send through the running daemon, inbound over the socket,
# SIGHUP reload, SIGUSR1/SIGUSR2, SIGTERM exit with the socket removed.
. "$top_srcdir/tests/lib.sh"

IPC="$PYTHON3 $top_srcdir/tests/ipc-client.py"
SOCK="$TMPD/inbox.db.sock"
cat >"$TMPD/c.conf" <<CONF
[store]
path = $TMPD/inbox.db
[backend.sim]
type = sim
deliver_delay = 50
reply_delay = 0
ledger = $TMPD/ledger
CONF

# wait_for COND...: up to 10 s for the command to succeed.
wait_for() {
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}

"$BIN/sms-inboxd" -vv --config "$TMPD/c.conf" 2>"$TMPD/daemon.log" &
pid=$!
if wait_for test -S "$SOCK"; then ok "daemon listens"
else ko "daemon listens" "$(cat "$TMPD/daemon.log")"; fi

expect_status 69 "a second daemon is refused" \
	"$BIN/sms-inboxd" --config "$TMPD/c.conf"
expect_grep "already running (pid $pid)" "$TMPD/err" \
	"the refusal names the pid"

expect_status 0 "sms-send through the daemon" \
	"$BIN/sms-send" --config "$TMPD/c.conf" --wait=10 --json \
	+15551230001 -- "hello from a script"
expect_grep '"state":"delivered"' "$TMPD/out" "delivered, said in JSON"
expect_grep "+15551230001" "$TMPD/ledger" "the network got it"
# It was the daemon that sent it (sms-send only woke it).
expect_grep "handed to sim" "$TMPD/daemon.log" "the daemon sent it"

$IPC "$SOCK" '{"cmd":"status"}' >"$TMPD/status" 2>&1
expect_grep '"running": true' "$TMPD/status" "status over the socket"
expect_grep '"state": "up"' "$TMPD/status" "backend up"

$IPC "$SOCK" '{"cmd":"inject","from":"+15551239999","text":"hi there"}' \
	>"$TMPD/inject" 2>&1
expect_grep '"ok": true' "$TMPD/inject" "inbound stored"

kill -HUP $pid
if wait_for grep -q "configuration and rules reloaded" "$TMPD/daemon.log"
then ok "SIGHUP reloads"; else ko "SIGHUP reloads" "no log line"; fi
kill -USR1 $pid
if wait_for grep -q "suspended" "$TMPD/daemon.log"
then ok "SIGUSR1 suspends"; else ko "SIGUSR1 suspends" "no log line"; fi
$IPC "$SOCK" '{"cmd":"status"}' >"$TMPD/status" 2>&1
expect_grep '"suspended": true' "$TMPD/status" "status says suspended"
kill -USR2 $pid
if wait_for grep -q "resumed" "$TMPD/daemon.log"
then ok "SIGUSR2 resumes"; else ko "SIGUSR2 resumes" "no log line"; fi

kill -TERM $pid
wait $pid
rc=$?
if [ $rc -eq 0 ]; then ok "SIGTERM: exit 0"; else ko "SIGTERM" "exit $rc"; fi
if [ ! -e "$SOCK" ]; then ok "socket removed"
else ko "socket removed" "still there"; fi

# With no daemon, sms-send runs the engine itself.
expect_status 0 "sms-send runs the engine in-process" \
	"$BIN/sms-send" --config "$TMPD/c.conf" --wait=10 +15551230002 \
	-- "no daemon"
[ "$(grep -c '+15551230002' "$TMPD/ledger")" -eq 1 ] &&
	ok "sent exactly once" || ko "sent exactly once" "$(cat "$TMPD/ledger")"
finish
