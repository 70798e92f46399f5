#!/bin/sh
# Every storage the modem offers is read: a message waiting in the
# modem's own memory (ME) as well as one on the SIM; `modem info` and
# `status` give the use of each ("SIM 1/5, phone 1/10").
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-modem.sh"

modem_sim_start --storage 5 --me-storage 10
ctl '{"cmd": "sms", "mem": "ME", "from": "+36305550001", "text": "waiting in the phone memory"}' >/dev/null
ctl '{"cmd": "sms", "mem": "SM", "from": "+36305550002", "text": "waiting on the SIM"}' >/dev/null
modem_conf "$TMPD/conf"

expect_status 0 "modem info" "$BIN/sms-inbox" --config "$TMPD/conf" \
	modem info
expect_grep "^storage: *SIM 1/5, phone 1/10$" "$TMPD/out" \
	"info: the use of each storage"
expect_status 0 "modem info --json" "$BIN/sms-inbox" --config "$TMPD/conf" \
	modem info --json
expect_grep '"name": "ME"' "$TMPD/out" "json: the phone storage listed"

daemon_start "$TMPD/conf"
shows() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show "$1" >"$TMPD/show" 2>&1 &&
	grep -q "$2" "$TMPD/show"
}
if wait_for shows +36305550001 "waiting in the phone memory"
then ok "the message in ME was read"
else ko "read from ME" "$(cat "$TMPD/show" | head -c 300) $(tail -5 "$TMPD/daemon.log")"; fi
if wait_for shows +36305550002 "waiting on the SIM"
then ok "the message on the SIM was read"
else ko "read from SM" "$(cat "$TMPD/show" | head -c 300)"; fi
sim_empty() { ctl '{"cmd": "stats"}' | grep -q '"stored": 0[,}]'; }
if wait_for sim_empty; then ok "both storages emptied"
else ko "emptied" "$(ctl '{"cmd": "storage"}')"; fi
ctl '{"cmd": "log"}' >"$TMPD/log"
expect_grep 'AT+CPMS=\\"ME\\"' "$TMPD/log" "ME selected before reading it"
status_says() {
	"$BIN/sms-inbox" --config "$TMPD/conf" status >"$TMPD/status" 2>&1 &&
	grep -q "SIM 0/5, phone 0/10" "$TMPD/status"
}
if wait_for status_says; then ok "status: the use of each storage"
else ko "status" "$(cat "$TMPD/status" | head -c 400)"; fi

# A message arriving into ME while we run (+CMTI: "ME",n).
ctl '{"cmd": "set", "deliver_to": "ME"}' >/dev/null
ctl '{"cmd": "sms", "from": "+36305550003", "text": "new in the phone"}' >/dev/null
if wait_for shows +36305550003 "new in the phone"
then ok "a new message indicated in ME is read"
else ko "+CMTI ME" "$(cat "$TMPD/show" | head -c 300)"; fi
daemon_stop
finish
