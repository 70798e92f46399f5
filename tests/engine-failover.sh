#!/bin/sh
# Failover and back: primary = the loopback provider fake (Twilio's API),
# fallback = the modem simulator.  While a bulk goes out through the
# provider it starts answering 503 to everything; after down_after the
# provider is down (backend_events), the queue flows through the modem;
# the provider recovers and gets the queue back.  Afterwards every message
# went out exactly once in total (none through both), some through each,
# the provider's events say up, down, up in that order, and `sms-inbox
# status` said so at each step.
#
# This is the issue's "503 for a minute", scaled: down_after = 3 s
# instead of 30, the outage lasts until the modem has taken 40 messages
# (some ten seconds), and the provider polls every second, so it is seen
# back within a second or two of answering again (with polling off it is
# probed every [routing] probe_interval seconds).
. "$top_srcdir/tests/lib.sh"

N=${SMS_FAILOVER_N:-240}
PY=$PYTHON3
SIMPY="$top_srcdir/tests/fakes/modem-sim.py"
SIM="$TMPD/sim"
export XDG_RUNTIME_DIR="$TMPD/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
mkdir "$SIM"
fake= simpid= dpid=
trap 'kill $fake $simpid $dpid 2>/dev/null; rm -rf "$TMPD"' EXIT

"$PY" "$top_srcdir/tests/fakes/provider-fake.py" \
	--port-file "$TMPD/port" --token test-token 2>"$TMPD/fake.log" &
fake=$!
"$PY" "$SIMPY" --dir "$SIM" --watch-pid $$ 2>"$TMPD/sim.log" &
simpid=$!
i=0
while { [ ! -s "$TMPD/port" ] || [ ! -e "$SIM/ready" ]; } && [ $i -lt 300 ]
do
	sleep 0.05
	i=$((i + 1))
done
BASE="http://127.0.0.1:$(cat "$TMPD/port")"
ctl() { "$PY" "$SIMPY" --ctl "$SIM" "$1"; }
# The modem takes a tenth of a second per message, half the provider's
# rate: the queue is not gone before the provider is back.
ctl '{"cmd": "set", "cmgs_delay_ms": 100}' >/dev/null
fake_post() {
	"$PY" - "$BASE/_fake/$1" "$2" <<'PY'
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1],
    data=sys.argv[2].encode(),
    headers={"Content-Type": "application/json"})).read()
PY
}
fake_get() {
	"$PY" -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
	    "$BASE/_fake/$1"
}
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
rate = 20
poll_interval = 1
timeout = 5
down_after = 3
[backend.dongle]
type = modem
port = $SIM/modem
command_timeout = 2
sweep_interval = 1
[routing]
primary = tw
fallback = dongle
probe_interval = 2
[outbox]
retry_base = 1
max_attempts = 1000
[autoreply]
enabled = no
CONF

# wait_until WHAT PYTHON-EXPR: poll (up to 90 s) until the expression is
# true of  st (`sms-inbox status --json`), tw and dongle (its backends),
# prov (messages the provider created) and sim (parts the modem took);
# the last status is left in $TMPD/st.json.
wait_until() {
	"$PY" - "$TMPD" "$BASE" "$SIM" "$BIN/sms-inbox" "$2" <<'PY'
import json, os, socket, subprocess, sys, time, urllib.request
d, base, simdir, prog, expr = sys.argv[1:6]
def sim_sent():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(simdir, "ctl"))
    f = s.makefile("rw")
    f.write('{"cmd": "sent"}\n')
    f.flush()
    return json.loads(f.readline())["sent"]
end = time.time() + 90
while True:
    try:
        out = subprocess.run([prog, "--config", d + "/c.conf", "status",
                              "--json"], capture_output=True,
                             timeout=30).stdout
        st = json.loads(out)
        b = {x["name"]: x for x in st["backends"]}
        tw, dongle = b["tw"], b["dongle"]
        prov = [m for m in json.load(urllib.request.urlopen(
            base + "/_fake/messages")) if m["direction"] != "inbound"]
        sim = sim_sent()
        if eval(expr):
            open(d + "/st.json", "wb").write(out)
            sys.exit(0)
    except (ValueError, KeyError, OSError, subprocess.SubprocessError):
        pass
    if time.time() > end:
        sys.exit(1)
    time.sleep(0.2)
PY
	if [ $? -eq 0 ]; then ok "$1"
	else ko "$1" "$(cat "$TMPD/st.json" 2>/dev/null; tail -5 "$TMPD/daemon.log")"; fi
}

"$BIN/sms-inboxd" -v --config "$TMPD/c.conf" 2>"$TMPD/daemon.log" &
dpid=$!
wait_until "both backends up" \
    'tw["state"] == "up" and dongle["state"] == "up"'

# --schedule=+0s: due now, and sms-send only queues (it does not wait).
awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) printf "+1555%07d\n", i }' \
	>"$TMPD/to"
# shellcheck disable=SC2046
expect_status 0 "the bulk is queued" "$BIN/sms-send" --config "$TMPD/c.conf" \
	--schedule=+0s $(cat "$TMPD/to") -- "failover bulk"

wait_until "the provider takes the first of it" 'len(prov) >= 30'
fake_post script '{"rules": [{"status": 503, "times": 1000000}]}'
wait_until "503s: the provider goes down, the modem stays up" \
    'tw["state"] == "down" and dongle["state"] == "up"'
cp "$TMPD/st.json" "$TMPD/st-down.json"
"$BIN/sms-inbox" --config "$TMPD/c.conf" status >"$TMPD/st-down.txt" 2>&1
expect_grep '^tw  *twilio  *down ' "$TMPD/st-down.txt" \
    "status says the provider is down"
expect_grep '^dongle  *modem  *up ' "$TMPD/st-down.txt" \
    "status says the modem is up"
expect_grep 'last error:' "$TMPD/st-down.txt" "status shows the last error"
wait_until "the queue flows through the modem" 'len(sim) >= 40'
before=$(fake_get messages | "$PY" -c 'import json, sys
print(sum(m["direction"] != "inbound" for m in json.load(sys.stdin)))')
fake_post script '{"rules": []}'
wait_until "the provider is back up" 'tw["state"] == "up"'
cp "$TMPD/st.json" "$TMPD/st-up.json"
wait_until "everything went out" \
    'st["queue"]["queued"] == 0 and st["queue"]["sending"] == 0'
kill -TERM "$dpid"
if wait "$dpid"; then ok "sms-inboxd stops cleanly"
else ko "sms-inboxd stops cleanly" "$(tail -5 "$TMPD/daemon.log")"; fi
dpid=
fake_get messages >"$TMPD/prov.json"
ctl '{"cmd": "sent"}' >"$TMPD/sent.json"

"$PY" - "$TMPD" $N "$before" >"$TMPD/verify" 2>&1 <<'PY'
import collections, json, sqlite3, sys
d, n, before = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
prov = [m for m in json.load(open(d + "/prov.json"))
        if m["direction"] != "inbound"]
sim = json.load(open(d + "/sent.json"))["sent"]
via_p = collections.Counter(m["to"] for m in prov)
via_m = collections.Counter(s["to"] for s in sim)
want = [l.strip() for l in open(d + "/to")]
bad = []
for to in want:
    if via_p[to] + via_m[to] != 1:
        bad.append("%s: %d via the provider, %d via the modem"
                   % (to, via_p[to], via_m[to]))
if set(via_p) - set(want) or set(via_m) - set(want):
    bad.append("sent to numbers never queued")
if not via_p or not via_m:
    bad.append("no split: %d via the provider, %d via the modem"
               % (len(via_p), len(via_m)))
if len(prov) <= before:
    bad.append("the provider took nothing after it recovered")
db = sqlite3.connect(d + "/inbox.db")
rows = db.execute("SELECT backend, count(*) FROM messages WHERE"
                  " direction = 1 AND state IN (3, 4, 5) GROUP BY backend"
                  ).fetchall()
if dict(rows) != {"tw": len(via_p), "dongle": len(via_m)}:
    bad.append("the store says %r" % rows)
ev = [r[0] for r in db.execute("SELECT state FROM backend_events WHERE"
                               " backend = 'tw' ORDER BY id")]
s = " ".join(ev)
if "up down" not in s or "down up" not in s[s.index("up down"):]:
    bad.append("tw's events: %s" % s)
def backends(f):
    return {b["name"]: b for b in json.load(open(d + f))["backends"]}
down, up = backends("/st-down.json"), backends("/st-up.json")
a = up["tw"]["availability_24h"]
if a is None or not 0 < a < 1:
    bad.append("tw's availability over 24 h: %r" % a)
a = up["dongle"]["availability_24h"]
if a is None or not 0 < a <= 1:
    bad.append("dongle's availability over 24 h: %r" % a)
q = json.load(open(d + "/st-down.json"))["queue"]["queued"]
if down["tw"]["queued"] != 0 or down["dongle"]["queued"] != q:
    bad.append("while tw was down, its queue showed %d, the modem's %d,"
               " of %d" % (down["tw"]["queued"], down["dongle"]["queued"], q))
if not down["tw"].get("last_error"):
    bad.append("no last error for tw while it was down")
print("%d via the provider (%d after it recovered), %d via the modem; "
      "tw: %s" % (len(via_p), len(prov) - before, len(via_m), s))
print("\n".join(bad[:10]) if bad else "OK")
PY
cat "$TMPD/verify"
if grep -q '^OK' "$TMPD/verify"; then
	ok "each message once, through one backend, and the record says so"
else
	ko "each message once" "$(cat "$TMPD/verify")"
fi

# A kill -9 is not availability: once the engine has said it is alive
# after the backends came up (its heartbeat in the lock file), kill it;
# the next engine records both backends down from that heartbeat.
"$BIN/sms-inboxd" -v --config "$TMPD/c.conf" 2>>"$TMPD/daemon.log" &
dpid=$!
wait_until "both backends up again" \
    'tw["state"] == "up" and dongle["state"] == "up"'
"$PY" - "$TMPD/inbox.db" <<'PY'
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10)
up = db.execute("SELECT max(at) FROM backend_events").fetchone()[0]
end = time.time() + 60
while os.stat(sys.argv[1] + ".lock").st_mtime < up + 1 and time.time() < end:
    time.sleep(0.2)
PY
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
"$BIN/sms-inboxd" -v --config "$TMPD/c.conf" 2>>"$TMPD/daemon.log" &
dpid=$!
wait_until "and after a kill -9" \
    'tw["state"] == "up" and dongle["state"] == "up"'
kill -TERM "$dpid"
if wait "$dpid"; then ok "and stops cleanly after it"
else ko "and stops cleanly after it" "$(tail -5 "$TMPD/daemon.log")"; fi
dpid=
"$PY" - "$TMPD/inbox.db" >"$TMPD/crash" 2>&1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for name in ("tw", "dongle"):
    ev = db.execute("SELECT state, detail FROM backend_events"
                    " WHERE backend = ? ORDER BY at DESC, id DESC LIMIT 4",
                    (name,)).fetchall()
    # newest first: down (stopped), up, down (start), down (the crash)
    print(name, ev)
    if not any(s == "down" and d and "killed" in d for s, d in ev):
        print("MISSING")
PY
if grep -q MISSING "$TMPD/crash"; then
	ko "the crash is recorded as down time" "$(cat "$TMPD/crash")"
else
	ok "the crash is recorded as down time"
fi
kill "$fake" "$simpid" 2>/dev/null
finish
