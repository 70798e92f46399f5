#!/bin/sh
# Fault test: kill -9 whichever process runs the engine, at random moments,
# during a 2,000-message bulk send and an inbound flood, restarting the
# daemon each time.  Afterwards every inbound message is stored once and
# every outbound message was accepted by the (sim) network exactly once.
. "$top_srcdir/tests/lib.sh"

N_OUT=2000
N_IN=300
KILLS=6
IPC="$PYTHON3 $top_srcdir/tests/ipc-client.py"
SOCK="$TMPD/inbox.db.sock"
cat >"$TMPD/c.conf" <<CONF
[store]
path = $TMPD/inbox.db
[backend.sim]
type = sim
deliver_delay = 5
reply_delay = 0
ledger = $TMPD/ledger
CONF

start_daemon() {
	"$BIN/sms-inboxd" --config "$TMPD/c.conf" 2>>"$TMPD/daemon.log" &
	dpid=$!
}
# A random delay of 0.2 to 0.9 seconds.
pause() {
	sleep "$(od -An -N1 -tu1 /dev/urandom | awk '{ printf "0.%d", 2 + $1 % 8 }')"
}
holder() { tr -d '\n' <"$TMPD/inbox.db.lock" 2>/dev/null; }

start_daemon
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

# Numbers ending in 00: the sim delivers those (see engine/sim.h).
recipients=$(awk -v n=$N_OUT 'BEGIN { for (i = 0; i < n; i++)
	printf "+1555%05d00 ", i }')
# shellcheck disable=SC2086
"$BIN/sms-send" --config "$TMPD/c.conf" $recipients -- "bulk message" \
	>"$TMPD/send.out" 2>"$TMPD/send.err" &
spid=$!
$IPC "$SOCK" --flood $N_IN 42 >"$TMPD/flood.out" 2>"$TMPD/flood.err" &
fpid=$!

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

wait $fpid
if grep -q done "$TMPD/flood.out"; then ok "inbound flood acknowledged"
else ko "inbound flood" "$(cat "$TMPD/flood.err")"; fi

# Wait (up to 60 s) for the outbox to drain.
i=0
while [ $i -lt 600 ]; do
	$IPC "$SOCK" '{"cmd":"status"}' >"$TMPD/status" 2>/dev/null &&
	    grep -q '"queued": 0, "sending": 0' "$TMPD/status" && break
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$dpid"
wait "$dpid"
kill -9 "$spid" 2>/dev/null
wait "$spid" 2>/dev/null

"$PYTHON3" - "$TMPD" $N_OUT $N_IN >"$TMPD/verify" 2>&1 <<'PY'
import collections, sqlite3, sys
d, n_out, n_in = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = sqlite3.connect(d + "/inbox.db")
ids = collections.Counter(int(l.split("\t")[0]) for l in open(d + "/ledger"))
twice = [i for i, c in ids.items() if c > 1]
out = db.execute("SELECT count(*), count(CASE WHEN state IN (3, 4, 5)"
                 " THEN 1 END)"
                 " FROM messages WHERE direction = 1").fetchone()
inb = db.execute("SELECT count(*), count(DISTINCT body) FROM messages"
                 " WHERE direction = 0 AND body LIKE 'flood %'").fetchone()
print("outbound rows %d, submitted or later %d" % out)
print("network accepted %d distinct, %d more than once" % (len(ids), len(twice)))
print("inbound rows %d, distinct %d" % inb)
ok = (out == (n_out, n_out) and len(ids) == n_out and not twice
      and inb == (n_in, n_in))
print("OK" if ok else "MISMATCH")
rows = db.execute("SELECT id, state, attempts, remote_ref, error_text"
                  " FROM messages WHERE direction = 1").fetchall()
for r in [r for r in rows if r[0] not in ids][:5]:
    print("not accepted: id %d state %d attempts %d ref %s error %s" % r)
PY
cat "$TMPD/verify"
if grep -q '^OK' "$TMPD/verify"; then ok "nothing lost, nothing doubled"
else ko "nothing lost, nothing doubled" "$(cat "$TMPD/verify")"; fi
finish
