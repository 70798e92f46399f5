#!/bin/sh
# Fault test against the loopback provider fake (tests/fakes/
# provider-fake.py, Twilio's API): kill -9 the engine at random moments
# during a bulk send while inbound messages wait to be polled, restart it
# each time.  Afterwards the provider created every outbound message
# exactly once (reconciliation adopts what went out before a crash) and
# every inbound message is stored once.
. "$top_srcdir/tests/lib.sh"

N_OUT=${SMS_FAULT_N:-2000}
N_IN=100
KILLS=5
SOCK="$TMPD/inbox.db.sock"

"$PYTHON3" "$top_srcdir/tests/fakes/provider-fake.py" \
	--port-file "$TMPD/port" --token test-token 2>"$TMPD/fake.log" &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$TMPD"' EXIT
i=0
while [ ! -s "$TMPD/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
BASE="http://127.0.0.1:$(cat "$TMPD/port")"
printf 'test-token\n' >"$TMPD/token"
chmod 600 "$TMPD/token"
cat >"$TMPD/c.conf" <<CONF
[store]
path = $TMPD/inbox.db
[backend.tw]
type = twilio
api_base = $BASE
account_sid = AC00000000000000000000000000000000
token_file = $TMPD/token
from = +15005550006
rate = 0
poll_interval = 1
timeout = 5
CONF

# Inbound messages wait at the provider to be polled.
"$PYTHON3" - "$BASE" $N_IN <<'PY'
import json, sys, urllib.request
for i in range(int(sys.argv[2])):
    body = json.dumps({"from": "+1555777%04d" % i, "to": "+15005550006",
                       "body": "inbound %d" % i}).encode()
    urllib.request.urlopen(urllib.request.Request(sys.argv[1] +
        "/_fake/inbound", data=body,
        headers={"Content-Type": "application/json"})).read()
PY

start_daemon() {
	"$BIN/sms-inboxd" --config "$TMPD/c.conf" 2>>"$TMPD/daemon.log" &
	dpid=$!
}
pause() {
	sleep "$(od -An -N1 -tu1 /dev/urandom | awk '{ printf "0.%d", 2 + $1 % 8 }')"
}
holder() { tr -d '\n' <"$TMPD/inbox.db.lock" 2>/dev/null; }

start_daemon
i=0
while [ ! -S "$TMPD/inbox.db.sock" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
recipients=$(awk -v n=$N_OUT 'BEGIN { for (i = 0; i < n; i++)
	printf "+1555%07d ", i }')
# shellcheck disable=SC2086
"$BIN/sms-send" --config "$TMPD/c.conf" $recipients -- "bulk message" \
	>"$TMPD/send.out" 2>"$TMPD/send.err" &
spid=$!
# Kill only once the bulk is queued: an sms-send killed before its one
# transaction commits has sent nothing, which is right but tests nothing.
wait_outbound "$TMPD/inbox.db" $N_OUT
k=0
while [ $k -lt $KILLS ]; do
	pause
	h=$(holder)
	if [ -n "$h" ] && kill -0 "$h" 2>/dev/null; then
		kill -9 "$h" 2>/dev/null && k=$((k + 1))
		[ "$h" = "$dpid" ] && wait "$dpid" 2>/dev/null
	fi
	kill -0 "$dpid" 2>/dev/null || start_daemon
done
ok "killed the engine $KILLS times"
kill -0 "$dpid" 2>/dev/null || start_daemon

# Wait (up to 120 s) for the outbox to drain and the inbox to fill.
"$PYTHON3" - "$TMPD/inbox.db" $N_OUT $N_IN <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
end = time.time() + 120
while time.time() < end:
    out = db.execute("SELECT count(*) FROM messages WHERE direction = 1"
                     " AND state IN (3, 4, 5)").fetchone()[0]
    inb = db.execute("SELECT count(*) FROM messages WHERE direction = 0"
                     ).fetchone()[0]
    if out >= int(sys.argv[2]) and inb >= int(sys.argv[3]):
        break
    time.sleep(0.1)
PY
kill -TERM "$dpid"
wait "$dpid"
kill -9 "$spid" 2>/dev/null
wait "$spid" 2>/dev/null

"$PYTHON3" - "$TMPD/inbox.db" "$BASE" $N_OUT $N_IN >"$TMPD/verify" 2>&1 <<'PY'
import collections, json, sqlite3, sys, urllib.request
db = sqlite3.connect(sys.argv[1])
n_out, n_in = int(sys.argv[3]), int(sys.argv[4])
msgs = json.load(urllib.request.urlopen(sys.argv[2] + "/_fake/messages"))
created = collections.Counter(m["to"] for m in msgs
                              if m["direction"] != "inbound")
twice = [t for t, c in created.items() if c > 1]
out = db.execute("SELECT count(*), count(CASE WHEN state IN (3, 4, 5)"
                 " THEN 1 END)"
                 " FROM messages WHERE direction = 1").fetchone()
inb = db.execute("SELECT count(*), count(DISTINCT body) FROM messages"
                 " WHERE direction = 0").fetchone()
print("outbound rows %d, submitted or later %d" % out)
print("provider created %d distinct, %d more than once" % (len(created), len(twice)))
print("inbound rows %d, distinct %d" % inb)
ok = (out == (n_out, n_out) and len(created) == n_out and not twice
      and inb == (n_in, n_in))
print("OK" if ok else "MISMATCH")
PY
cat "$TMPD/verify"
if grep -q '^OK' "$TMPD/verify"; then ok "nothing lost, nothing doubled"
else ko "nothing lost, nothing doubled" "$(cat "$TMPD/verify")"; fi
kill $fake 2>/dev/null
finish
