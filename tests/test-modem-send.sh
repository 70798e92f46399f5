#!/bin/sh
# The programs end to end with a modem: sms-send --wait leaves the right
# PDU at the (simulated) modem and ends delivered; with sms-inboxd
# running, a 4-part UCS-2 message arriving out of order shows up in
# `sms-inbox show` once and leaves the SIM; an unplug loses nothing.
. "$top_srcdir/tests/lib.sh"

PY=${PYTHON3:-python3}
SIMPY="$top_srcdir/tests/fakes/modem-sim.py"
SIM="$TMPD/sim"
mkdir "$SIM"
"$PY" "$SIMPY" --dir "$SIM" --watch-pid $$ &
simpid=$!
daemon=
trap 'kill $simpid $daemon 2>/dev/null; rm -rf "$TMPD"' EXIT
i=0
while [ ! -e "$SIM/ready" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
ctl() { "$PY" "$SIMPY" --ctl "$SIM" "$1"; }
# wait_for CMD...: run CMD until it succeeds (at most ~20 s).
wait_for() {
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -gt 400 ] && return 1
		sleep 0.05
	done
}

export XDG_RUNTIME_DIR="$TMPD/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
cat >"$TMPD/conf" <<CONF
[store]
path = $TMPD/inbox.db
[backend.dongle]
type = modem
port = $SIM/modem
command_timeout = 2
sweep_interval = 1
[routing]
primary = dongle
[autoreply]
enabled = no
CONF

expect_status 0 "sms-send --wait through the modem" \
	"$BIN/sms-send" --config "$TMPD/conf" --wait=60 +36301112222 \
	-- "Hello from the modem"
ctl '{"cmd": "sent"}' >"$TMPD/sent"
expect_grep '"to": "+36301112222"' "$TMPD/sent" "the PDU went to the number"
expect_grep '"text": "Hello from the modem"' "$TMPD/sent" "with the text"
expect_grep '"srr": true' "$TMPD/sent" "asking for a report"
"$BIN/sms-inbox" --config "$TMPD/conf" show --json +36301112222 \
	>"$TMPD/show" 2>&1
expect_grep '"state": "delivered"' "$TMPD/show" "and it ended delivered"

"$BIN/sms-inboxd" --config "$TMPD/conf" 2>"$TMPD/daemon.log" &
daemon=$!
ucs2() {
	ctl "{\"cmd\": \"sms\", \"from\": \"+36305556666\", \"ucs2\": true, \
\"concat\": [42, 4, $1], \"text\": \"$2\"}" >/dev/null
}
ucs2 3 "harmadik ☃, "
ucs2 1 "Első: Привет, "
ucs2 4 "vége."
ucs2 2 "második, "
shows_whole() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show +36305556666 \
		>"$TMPD/show" 2>&1 &&
	grep -q "Első: Привет, második, harmadik ☃, vége." "$TMPD/show"
}
if wait_for shows_whole; then ok "4-part UCS-2 out of order shows up whole"
else ko "4-part UCS-2" "$(cat "$TMPD/show" "$TMPD/daemon.log" | head -c 600)"; fi
sim_empty() { ctl '{"cmd": "stats"}' | grep -q '"stored": 0[,}]'; }
if wait_for sim_empty; then ok "and left the SIM"
else ko "SIM emptied" "$(ctl '{"cmd": "stats"}')"; fi
sleep 1.5	# a sweep or two: nothing may come twice
"$BIN/sms-inbox" --config "$TMPD/conf" show +36305556666 >"$TMPD/show" 2>&1
n=$(grep -c "vége" "$TMPD/show")
if [ "$n" -eq 1 ]; then ok "shown exactly once"
else ko "shown once" "$n times: $(cat "$TMPD/show")"; fi

# Unplug: a message queued and one arriving meanwhile both go through
# after the replug.
ctl '{"cmd": "unplug"}' >/dev/null
"$BIN/sms-send" --config "$TMPD/conf" --wait=60 +36301113333 \
	-- "sent across an unplug" >"$TMPD/send.out" 2>&1 &
sender=$!
ctl '{"cmd": "sms", "from": "+36305557777", "text": "arrived while away"}' \
	>/dev/null
sleep 0.5
ctl '{"cmd": "replug"}' >/dev/null
if wait "$sender"; then ok "sms-send --wait rides through the unplug"
else ko "sms-send across unplug" "$(cat "$TMPD/send.out")"; fi
out_delivered() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show --json +36301113333 \
		>"$TMPD/show" 2>&1 && grep -q '"state": "delivered"' "$TMPD/show"
}
if wait_for out_delivered; then ok "queued message delivered after replug"
else ko "after replug" "$(cat "$TMPD/show" | head -c 400)"; fi
in_stored() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show +36305557777 \
		>"$TMPD/show" 2>&1 && grep -q "arrived while away" "$TMPD/show"
}
if wait_for in_stored; then ok "message from the unplugged time stored"
else ko "inbound after replug" "$(cat "$TMPD/show" | head -c 400)"; fi
kill "$daemon"
wait "$daemon" 2>/dev/null
daemon=
finish
