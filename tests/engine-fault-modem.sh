#!/bin/sh
# Fault test with the modem simulator (tests/fakes/modem-sim.py): a bulk
# send and an inbound flood injected at the simulator while the modem is
# unplugged and replugged several times (the device node disappears and
# comes back under a new pty name, sometimes after a while) and
# sms-inboxd is kill -9'd at random moments, restarted each time.
#
# A few hundred messages, not the provider test's 2,000: the simulator
# answers one AT+CMGS at a time in Python, so every fault lands on a
# different message long before 2,000 and the test stays well under a
# minute on a loaded machine.  Every twentieth message is two parts long.
#
# What "exactly once" means for a modem.  Whether an AT+CMGS whose answer
# was lost with the line (or with the process) went out cannot be known:
# the modem may have passed it to the network before it vanished.  The
# backend's resend_policy decides, and the test asserts its promise; this
# file runs at-most-once, tests/engine-fault-modem-resend.sh (which
# sources it) at-least-once:
#   at-most-once   no part is accepted by the modem twice; a message
#                  whose send was cut off ends "failed" with a reason
#                  that says it may or may not have gone out; every
#                  other message ends submitted (or later) with each part
#                  accepted exactly once.
#   at-least-once  every message ends submitted (or later) and each of
#                  its parts was accepted at least once; only a fault can
#                  double one, so there are no more doubled messages than
#                  faults.
# Under both: nothing is left queued or sending, nothing is lost
# silently, every inbound message is stored exactly once, and the SIM
# ends empty (a message deleted before it was stored would be missing
# after a kill -9, so "all stored, SIM empty" checks that order too).
. "$top_srcdir/tests/lib.sh"

N_OUT=${SMS_FAULT_MODEM_N:-240}
N_IN=${SMS_FAULT_MODEM_IN:-80}
UNPLUGS=4
KILLS=2
PY=$PYTHON3
SIMPY="$top_srcdir/tests/fakes/modem-sim.py"
SIM="$TMPD/sim"
export XDG_RUNTIME_DIR="$TMPD/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
simpid= dpid= spid= fpid=
trap 'kill $simpid $dpid $spid $fpid 2>/dev/null; rm -rf "$TMPD"' EXIT

ctl() { "$PY" "$SIMPY" --ctl "$SIM" "$1"; }
# A random delay of 0.2 to 0.9 seconds.
pause() {
	sleep "$(od -An -N1 -tu1 /dev/urandom | awk '{ printf "0.%d", 2 + $1 % 8 }')"
}
start_daemon() {
	"$BIN/sms-inboxd" -v --config "$TMPD/c.conf" 2>>"$TMPD/daemon.log" &
	dpid=$!
}
# sent_count: how many parts the simulator has accepted so far.
sent_count() {
	ctl '{"cmd": "stats"}' | "$PY" -c \
	    'import json, sys; print(json.load(sys.stdin)["cmgs"])'
}

# scenario POLICY: one full run with a fresh simulator and store.
scenario() {
	policy=$1
	rm -rf "$SIM" "$TMPD"/inbox.db* "$TMPD/faults"
	mkdir "$SIM"
	"$PY" "$SIMPY" --dir "$SIM" --watch-pid $$ 2>"$TMPD/sim.log" &
	simpid=$!
	i=0
	while [ ! -e "$SIM/ready" ] && [ $i -lt 500 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	# A real modem takes a second or more per AT+CMGS; 50 ms keeps the
	# bulk going long enough for every fault to land inside it.
	ctl '{"cmd": "set", "cmgs_delay_ms": 50}' >/dev/null
	cat >"$TMPD/c.conf" <<CONF
[store]
path = $TMPD/inbox.db
[backend.dongle]
type = modem
port = $SIM/modem
command_timeout = 2
sweep_interval = 1
resend_policy = $policy
[outbox]
retry_base = 1
max_attempts = 1000
[autoreply]
enabled = no
CONF
	start_daemon
	i=0
	while [ ! -S "$TMPD/inbox.db.sock" ] && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -S "$TMPD/inbox.db.sock" ]; then
		ko "$policy: sms-inboxd starts" "$(tail -5 "$TMPD/daemon.log")"
		return
	fi

	# Queue the bulk while the modem is unplugged, so that all of it is
	# still to send when the faults begin.  --schedule=+0s: due now, but
	# sms-send only stores it and leaves (without it, sms-send waits
	# for the submissions and may take the engine over after a kill).
	# Numbers are unique per message, so the simulator's record maps
	# back to rows.
	ctl '{"cmd": "unplug"}' >/dev/null
	long=$(printf 'long %0300d' 0)
	awk -v n=$N_OUT 'BEGIN { for (i = 0; i < n; i++)
		if (i % 20 != 19) printf "+3630%07d\n", i }' >"$TMPD/short"
	awk -v n=$N_OUT 'BEGIN { for (i = 0; i < n; i++)
		if (i % 20 == 19) printf "+3630%07d\n", i }' >"$TMPD/long"
	# shellcheck disable=SC2046
	{ "$BIN/sms-send" --config "$TMPD/c.conf" --schedule=+0s $(cat "$TMPD/short") \
		-- "bulk message" &&
	  "$BIN/sms-send" --config "$TMPD/c.conf" --schedule=+0s $(cat "$TMPD/long") \
		-- "$long"; } >"$TMPD/send.out" 2>"$TMPD/send.err" &
	spid=$!
	# The inbound flood: the network delivers into the SIM whether or
	# not the modem is plugged in (storage is small: the rest waits).
	"$PY" - "$SIM" $N_IN >"$TMPD/flood.out" 2>&1 <<'PY' &
import json, os, socket, sys, time
d, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(os.path.join(d, "ctl"))
f = s.makefile("rw")
for i in range(n):
    f.write(json.dumps({"cmd": "sms", "from": "+3620%07d" % i,
                        "text": "mflood %d" % i}) + "\n")
    f.flush()
    if "error" in json.loads(f.readline()):
        sys.exit("flood: error at %d" % i)
    time.sleep(0.02)
print("done")
PY
	fpid=$!
	if wait "$spid"; then ok "$policy: the bulk is queued"
	else ko "$policy: the bulk is queued" "$(cat "$TMPD/send.err")"; fi
	spid=
	ctl '{"cmd": "replug"}' >/dev/null

	# Faults, once sending is under way: unplugs (some with the device
	# gone for a second or two) and kill -9s, interleaved.
	faults=0 u=0 k=0
	while [ $u -lt $UNPLUGS ] || [ $k -lt $KILLS ]; do
		pause
		if [ $u -lt $UNPLUGS ]; then
			echo "unplug at $(sent_count)" >>"$TMPD/faults"
			ctl '{"cmd": "unplug"}' >/dev/null
			[ $((u % 2)) -eq 1 ] && sleep 1.5
			pause
			ctl '{"cmd": "replug"}' >/dev/null
			u=$((u + 1))
			faults=$((faults + 1))
		fi
		pause
		if [ $k -lt $KILLS ]; then
			echo "kill at $(sent_count)" >>"$TMPD/faults"
			kill -9 "$dpid" 2>/dev/null
			wait "$dpid" 2>/dev/null
			k=$((k + 1))
			faults=$((faults + 1))
			start_daemon
		fi
	done
	ok "$policy: unplugged $UNPLUGS times, killed the daemon $KILLS times"
	wait "$fpid"
	fpid=
	expect_grep '^done' "$TMPD/flood.out" "$policy: inbound flood delivered"

	# Wait (up to 150 s) for every row to settle and the SIM to empty.
	"$PY" - "$TMPD/inbox.db" "$SIM" $N_OUT $N_IN <<'PY'
import json, os, socket, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10)
end = time.time() + 150
def sim_stats():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(sys.argv[2], "ctl"))
    f = s.makefile("rw")
    f.write('{"cmd": "stats"}\n')
    f.flush()
    return json.loads(f.readline())
while time.time() < end:
    try:
        out = db.execute("SELECT count(*) FROM messages WHERE direction = 1"
                         " AND state IN (3, 4, 5, 6, 7)").fetchone()[0]
        inb = db.execute("SELECT count(*) FROM messages WHERE direction = 0"
                         ).fetchone()[0]
        st = sim_stats()
        if (out >= int(sys.argv[3]) and inb >= int(sys.argv[4])
                and st["stored"] == 0 and st["pending"] == 0):
            break
    except sqlite3.Error:
        pass
    time.sleep(0.2)
PY
	sleep 1.5	# a sweep or two more: nothing may come twice
	kill -TERM "$dpid"
	if wait "$dpid"; then ok "$policy: sms-inboxd stops cleanly"
	else ko "$policy: sms-inboxd stops cleanly" "$(tail -5 "$TMPD/daemon.log")"
	fi
	dpid=
	ctl '{"cmd": "sent"}' >"$TMPD/sent.json"
	"$PY" -c 'import json, sys
for s in json.load(sys.stdin)["sent"]: print(s["to"])' \
	    <"$TMPD/sent.json" >"$TMPD/sent.list"
	ctl '{"cmd": "stats"}' >"$TMPD/stats.json"

	"$PY" - "$TMPD" "$policy" $N_OUT $N_IN $faults \
	    >"$TMPD/verify" 2>&1 <<'PY'
import collections, json, sqlite3, sys
d, policy = sys.argv[1], sys.argv[2]
n_out, n_in, faults = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
db = sqlite3.connect(d + "/inbox.db")
sent = json.load(open(d + "/sent.json"))["sent"]
stats = json.load(open(d + "/stats.json"))
# One key per part: the number, and the part's sequence number (last
# octet of the concatenation header) for a long message.
parts = collections.Counter((s["to"], s["udh"][-2:] if s["udh"] else "")
                            for s in sent)
rows = db.execute("SELECT t.peer, m.state, m.error_text, m.body"
                  " FROM messages m JOIN threads t ON t.id = m.thread_id"
                  " WHERE m.direction = 1").fetchall()
SUBMITTED, FAILED = (3, 4, 5), 6
bad = []
doubled = set()
failed = 0
for peer, state, err, body in rows:
    want = ["01", "02"] if body.startswith("long") else [""]
    got = [parts.get((peer, p), 0) for p in want]
    if any(g > 1 for g in got):
        doubled.add(peer)
    if state in SUBMITTED:
        if policy == "at-most-once" and got != [1] * len(want):
            bad.append("%s state %d accepted %r" % (peer, state, got))
        if policy == "at-least-once" and min(got) < 1:
            bad.append("%s state %d accepted %r" % (peer, state, got))
    elif state == FAILED and policy == "at-most-once":
        failed += 1
        if not err or "may or may not" not in err or max(got) > 1:
            bad.append("%s failed (%r) accepted %r" % (peer, err, got))
    else:
        bad.append("%s ended in state %d (%r)" % (peer, state, err))
if policy == "at-most-once" and doubled:
    bad.append("accepted twice: %s" % sorted(doubled)[:5])
if len(doubled) > faults:
    bad.append("%d doubled for %d faults" % (len(doubled), faults))
if failed > faults:
    bad.append("%d failed for %d faults" % (failed, faults))
if len(rows) != n_out:
    bad.append("%d outbound rows, want %d" % (len(rows), n_out))
strays = [k for k in parts if k[0] not in {r[0] for r in rows}]
if strays:
    bad.append("accepted for no row: %s" % strays[:5])
inb = db.execute("SELECT count(*), count(DISTINCT body) FROM messages"
                 " WHERE direction = 0 AND body LIKE 'mflood %'").fetchone()
if inb != (n_in, n_in):
    bad.append("inbound rows %d, distinct %d, want %d" % (inb + (n_in,)))
if stats["stored"] or stats["pending"]:
    bad.append("the SIM still holds %d (+%d waiting)" %
               (stats["stored"], stats["pending"]))
print("%s: %d rows, %d parts accepted, %d doubled, %d failed as "
      "ambiguous, %d inbound, %d faults, plugged %d times" %
      (policy, len(rows), len(sent), len(doubled), failed, inb[0], faults,
       stats["plugged"]))
print("\n".join(bad[:10]) if bad else "OK")
PY
	cat "$TMPD/verify"
	# Most faults must have hit the bulk, or the test tested nothing.
	total=$(grep -c . "$TMPD/sent.list")
	hits=$(awk -v t="$total" '$3 < t' "$TMPD/faults" | grep -c .)
	if [ "$hits" -ge 4 ]; then ok "$policy: $hits faults hit the bulk"
	else ko "$policy: faults hit the bulk" "$(cat "$TMPD/faults")"; fi
	if grep -q '^OK' "$TMPD/verify"; then
		ok "$policy: nothing lost, the policy's promise kept"
	else
		ko "$policy: nothing lost, the policy's promise kept" \
		    "$(cat "$TMPD/verify"; tail -20 "$TMPD/daemon.log")"
	fi
	kill "$simpid" 2>/dev/null
	wait "$simpid" 2>/dev/null
	simpid=
}

scenario "${FAULT_POLICY:-at-most-once}"
finish
