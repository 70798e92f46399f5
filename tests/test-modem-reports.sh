#!/bin/sh
# Delivery reports of a multi-part message survive a daemon restart: the
# store keeps each part's reference, so reports that arrive after sms-inboxd
# was killed still find the message, which ends delivered only once every
# part is.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-modem.sh"

modem_sim_start
ctl '{"cmd": "set", "auto_report": false}' >/dev/null
modem_conf "$TMPD/conf"
daemon_start "$TMPD/conf"

long=$("$PY" -c 'print("Part text " * 40)')
expect_status 0 "sms-send queues a 3-part message" \
	"$BIN/sms-send" --config "$TMPD/conf" +36301112222 -- "$long"
state_is() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show --json +36301112222 \
		>"$TMPD/show" 2>&1 && grep -q "\"state\": \"$1\"" "$TMPD/show"
}
if wait_for state_is submitted; then ok "submitted in 3 parts"
else ko "submitted" "$(head -c 400 "$TMPD/show") $(tail -5 "$TMPD/daemon.log")"; fi
ctl '{"cmd": "sent"}' >"$TMPD/sent"
n=$(grep -o '"mr": [0-9]*' "$TMPD/sent" | wc -l)
if [ "$n" -eq 3 ]; then ok "three PDUs at the modem"
else ko "three PDUs" "$(head -c 400 "$TMPD/sent")"; fi
mrs=$(grep -o '"mr": [0-9]*' "$TMPD/sent" | sed 's/.* //')

# The daemon dies (its memory of the parts with it) and comes back.
daemon_stop KILL
daemon_start "$TMPD/conf"
set -- $mrs
sim_empty() { ctl '{"cmd": "stats"}' | grep -q '"stored": 0[,}]'; }
ctl "{\"cmd\": \"report\", \"mr\": $1}" >/dev/null
ctl "{\"cmd\": \"report\", \"mr\": $3}" >/dev/null
if wait_for sim_empty; then ok "two reports read after the restart"
else ko "reports read" "$(ctl '{"cmd": "stats"}')"; fi
state_is submitted && ok "not delivered while a part is missing" ||
	ko "not yet delivered" "$(head -c 400 "$TMPD/show")"
ctl "{\"cmd\": \"report\", \"mr\": $2}" >/dev/null
if wait_for state_is delivered; then ok "delivered once every part is"
else ko "delivered" "$(head -c 400 "$TMPD/show") $(tail -5 "$TMPD/daemon.log")"; fi

# A permanent failure of one part: the whole message is undelivered.
expect_status 0 "sms-send queues another" \
	"$BIN/sms-send" --config "$TMPD/conf" +36301113333 -- "$long"
state2_is() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show --json +36301113333 \
		>"$TMPD/show" 2>&1 && grep -q "\"state\": \"$1\"" "$TMPD/show"
}
wait_for state2_is submitted
daemon_stop KILL
daemon_start "$TMPD/conf"
ctl '{"cmd": "sent"}' >"$TMPD/sent"
mr=$(grep -o '"mr": [0-9]*' "$TMPD/sent" | sed 's/.* //' | tail -n 2 | head -n 1)
ctl "{\"cmd\": \"report\", \"mr\": $mr, \"status\": 65}" >/dev/null
if wait_for state2_is undelivered; then ok "one part failed: undelivered"
else ko "undelivered" "$(head -c 400 "$TMPD/show")"; fi
daemon_stop
finish
