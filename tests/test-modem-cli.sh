#!/bin/sh
# sms-inbox modem list|info|at against the pty modem simulator.
. "$top_srcdir/tests/lib.sh"

SIM="$TMPD/sim"
mkdir "$SIM"
"${PYTHON3:-python3}" "$top_srcdir/tests/fakes/modem-sim.py" --dir "$SIM" \
	--watch-pid $$ &
simpid=$!
trap 'kill $simpid 2>/dev/null; rm -rf "$TMPD"' EXIT
i=0
while [ ! -e "$SIM/ready" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done

expect_status 0 "modem --help" "$BIN/sms-inbox" modem --help
expect_grep "modem info" "$TMPD/out" "help names info"

expect_status 0 "modem info" "$BIN/sms-inbox" modem info --port "$SIM/modem"
expect_grep "^maker: *huawei" "$TMPD/out" "info: maker"
expect_grep "^operator: *SimNet" "$TMPD/out" "info: operator"
expect_grep "^signal: *-73 dBm (4/5)" "$TMPD/out" "info: signal in dBm and bars"
expect_grep "^storage: *SIM 0/20$" "$TMPD/out" "info: storage use"
expect_grep "^quirks: *huawei-curc" "$TMPD/out" "info: the maker's quirks"

expect_status 0 "modem info --json" "$BIN/sms-inbox" modem info --json \
	--port "$SIM/modem"
expect_grep '"imei": "356789012345678"' "$TMPD/out" "json: imei"
expect_grep '"smsc": "+36209300099"' "$TMPD/out" "json: smsc"

expect_status 0 "modem at" "$BIN/sms-inbox" modem at --port "$SIM/modem" \
	'AT+CSQ' 'AT+COPS?'
expect_grep "^+CSQ: 20,99" "$TMPD/out" "at: answer lines"
expect_grep '^+COPS: 0,0,"SimNet",2' "$TMPD/out" "at: second command"
expect_status 1 "modem at: ERROR exits 1" "$BIN/sms-inbox" modem at \
	--port "$SIM/modem" 'AT+NOSUCH'
expect_grep "^ERROR" "$TMPD/out" "at: final result printed"
expect_status 64 "modem at: not an AT command" "$BIN/sms-inbox" modem at \
	--port "$SIM/modem" 'rm -rf'

expect_status 65 "a file is not a serial port" "$BIN/sms-inbox" modem info \
	--port "$top_srcdir/NEWS"
expect_grep "is not a serial port" "$TMPD/err" "says: not a serial port"
expect_status 66 "a missing port" "$BIN/sms-inbox" modem info \
	--port "$TMPD/nothing"
expect_grep "no such device" "$TMPD/err" "says: no such device"

# A port locked by another live process: named, with its pid.
pts=$(readlink "$SIM/modem")
lock="/run/lock/LCK..$(echo "${pts#/dev/}" | tr / _)"
if [ -w /run/lock ] && [ ! -e "$lock" ]; then
	printf '%10d\n' "$simpid" >"$lock"
	expect_status 69 "a port someone holds" "$BIN/sms-inbox" modem info \
		--port "$SIM/modem"
	expect_grep "(pid $simpid) is using it" "$TMPD/err" "names the holder"
	rm -f "$lock"
fi

expect_status 0 "modem list --no-probe" "$BIN/sms-inbox" modem list --no-probe
expect_status 64 "modem: unknown action" "$BIN/sms-inbox" modem frob
finish
