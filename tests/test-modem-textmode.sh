#!/bin/sh
# A modem without PDU mode (AT+CMGF=0 answers ERROR) through the real
# programs: sms-send --wait in text mode (AT+CMGF=1, AT+CSCS="UCS2",
# AT+CSMP, AT+CMGS="<number>") ends delivered by a text-mode status
# report; a multi-part text is refused with a sentence; messages that
# arrive are read in text mode and shown by `sms-inbox show`; a direct
# +CDS report in text mode also marks a message delivered.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-modem.sh"

modem_sim_start --text-only
modem_conf "$TMPD/conf"

expect_status 0 "sms-send --wait in text mode" \
	"$BIN/sms-send" --config "$TMPD/conf" --wait=60 +36301112222 \
	-- "Hello in text mode"
ctl '{"cmd": "sent"}' >"$TMPD/sent"
expect_grep '"mode": "text"' "$TMPD/sent" "sent with AT+CMGS=\"number\""
expect_grep '"to": "+36301112222"' "$TMPD/sent" "to the number"
expect_grep '"text": "Hello in text mode"' "$TMPD/sent" "with the text"
expect_grep '"srr": true' "$TMPD/sent" "asking for a report (AT+CSMP)"
ctl '{"cmd": "log"}' >"$TMPD/log"
expect_grep '"AT+CMGF=1"' "$TMPD/log" "fell back to text mode"
expect_grep 'AT+CSCS=\\"UCS2\\"' "$TMPD/log" "prefers the UCS2 character set"
expect_grep '"AT+CSMP=49,167,0,0"' "$TMPD/log" "parameters: report, 24 h, GSM"
state_is() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show --json "$1" \
		>"$TMPD/show" 2>&1 && grep -q "\"state\": \"$2\"" "$TMPD/show"
}
state_is +36301112222 delivered && ok "delivered by a text-mode report" ||
	ko "delivered" "$(head -c 400 "$TMPD/show")"

expect_status 0 "a text beyond GSM-7" \
	"$BIN/sms-send" --config "$TMPD/conf" --wait=60 +36301112223 \
	-- "Szia ☃"
ctl '{"cmd": "sent"}' >"$TMPD/sent"
expect_grep '"text": "Szia \\u2603"' "$TMPD/sent" "arrives whole"
expect_grep '"dcs": 8' "$TMPD/sent" "as UCS-2"

long=$("$PY" -c 'print("Long text " * 20)')
"$BIN/sms-send" --config "$TMPD/conf" --wait=60 +36301112224 \
	-- "$long" >"$TMPD/long.out" 2>&1
st=$?
if [ "$st" -ne 0 ]; then ok "a multi-part text is refused (exit $st)"
else ko "multi-part refused" "exit 0"; fi
"$BIN/sms-inbox" --config "$TMPD/conf" show --json +36301112224 \
	>"$TMPD/show" 2>&1
expect_grep "cannot send a message of 2 parts" "$TMPD/show" \
	"says why in the message"
n=$(ctl '{"cmd": "sent"}' | grep -o '"mr"' | wc -l)
[ "$n" -eq 2 ] && ok "and nothing partial went out" ||
	ko "nothing sent" "$n sends"

daemon_start "$TMPD/conf"
ctl '{"cmd": "sms", "from": "+36305550001", "text": "At noon, OK?"}' \
	>/dev/null
ctl '{"cmd": "sms", "from": "+36305550002", "ucs2": true, "text": "Привет ☃"}' \
	>/dev/null
ctl '{"cmd": "sms", "from": "+36305550003", "ucs2": true, "concat": [7, 2, 1], "text": "first half, "}' \
	>/dev/null
shows() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show "$1" >"$TMPD/show" 2>&1 &&
	grep -q "$2" "$TMPD/show"
}
if wait_for shows +36305550001 "At noon, OK?"
then ok "a received text read in text mode"
else ko "received" "$(head -c 300 "$TMPD/show") $(tail -5 "$TMPD/daemon.log")"; fi
if wait_for shows +36305550002 "Привет ☃"
then ok "a UCS-2 text read in text mode"
else ko "received UCS-2" "$(head -c 300 "$TMPD/show")"; fi
if wait_for shows +36305550003 "first half, "
then ok "a part of a concatenated message is kept as it came"
else ko "part kept" "$(head -c 300 "$TMPD/show")"; fi
sim_empty() { ctl '{"cmd": "stats"}' | grep -q '"stored": 0[,}]'; }
if wait_for sim_empty; then ok "and deleted once stored"
else ko "deleted" "$(ctl '{"cmd": "storage"}')"; fi

# Direct status reports (+CDS in text mode): the modem refuses to store
# them (no AT+CNMI ds 2); after a replug the session uses +CDS.
ctl '{"cmd": "set", "cnmi_reject_ds": 2, "auto_report": false}' >/dev/null
ctl '{"cmd": "unplug"}' >/dev/null
ctl '{"cmd": "replug"}' >/dev/null
cnmi_ds1() { ctl '{"cmd": "log"}' | grep -q '"AT+CNMI=2,1,0,1,0"'; }
wait_for cnmi_ds1
sleep 0.5
expect_status 0 "sms-send through the daemon" \
	"$BIN/sms-send" --config "$TMPD/conf" +36301112225 -- "report me"
wait_for state_is +36301112225 submitted
mr=$(ctl '{"cmd": "sent"}' | grep -o '"mr": [0-9]*' | tail -n 1 | sed 's/.* //')
ctl "{\"cmd\": \"report\", \"mr\": $mr}" >/dev/null
if wait_for state_is +36301112225 delivered
then ok "a direct +CDS text-mode report marks it delivered"
else ko "+CDS" "$(head -c 400 "$TMPD/show") $(tail -5 "$TMPD/daemon.log")"; fi
daemon_stop
finish
