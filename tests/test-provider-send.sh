#!/bin/sh
# The programs end to end with a hosted provider, against the loopback fake
# speaking Twilio's API (tests/fakes/provider-fake.py): sms-send --wait
# sends once and ends delivered; with sms-inboxd running, an inbound
# message shows up in `sms-inbox show` once whether it comes by polling,
# by webhook or by both; forged and unsigned webhooks are refused and store
# nothing; a bulk from CSV is created once per row and never faster than
# the configured rate.
. "$top_srcdir/tests/lib.sh"

PY=${PYTHON3:-python3}
FAKE="$top_srcdir/tests/fakes/provider-fake.py"
"$PY" "$FAKE" --port-file "$TMPD/port" --token e2e-token \
	2>"$TMPD/fake.log" &
fake=$!
daemon=
trap 'kill $fake $daemon 2>/dev/null; rm -rf "$TMPD"' EXIT
i=0
while [ ! -s "$TMPD/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
BASE="http://127.0.0.1:$(cat "$TMPD/port")"
printf 'e2e-token\n' >"$TMPD/token"
chmod 600 "$TMPD/token"
# The daemon's webhook listener needs a port known in advance.
HOOK=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
RATE=${SMS_BULK_RATE:-50}
export XDG_RUNTIME_DIR="$TMPD/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
cat >"$TMPD/conf" <<CONF
[store]
path = $TMPD/inbox.db
[backend.tw]
type = twilio
api_base = $BASE
account_sid = AC00000000000000000000000000000000
token_file = $TMPD/token
from = +15550001111
rate = $RATE
poll_interval = 1
timeout = 5
webhook_listen = 127.0.0.1:$HOOK
webhook_url = https://sms.example.com/in
[routing]
primary = tw
[autoreply]
enabled = no
CONF

# fake METHOD PATH [JSON]: call the fake's control API.
fake() {
	"$PY" - "$BASE$2" "$1" "${3:-}" <<'PY'
import sys, urllib.request
url, method, body = sys.argv[1], sys.argv[2], sys.argv[3]
req = urllib.request.Request(url, data=body.encode() if body else None,
                             method=method,
                             headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req, timeout=30).read().decode())
PY
}
# wait_for CMD...: run CMD until it succeeds (at most ~20 s).
wait_for() {
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -gt 400 ] && return 1
		sleep 0.05
	done
}

expect_status 0 "sms-send --wait through the provider" \
	"$BIN/sms-send" --config "$TMPD/conf" --wait=60 +36301112222 \
	-- "Hello via Twilio's API"
fake GET /_fake/requests >"$TMPD/reqs"
"$PY" - "$TMPD/reqs" >"$TMPD/posts" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    if r["method"] == "POST" and r["path"].endswith("/Messages.json"):
        print(json.dumps(r["form"], sort_keys=True, ensure_ascii=False))
PY
expect_grep '"Body": "Hello via Twilio.s API", "From": "+15550001111", "To": "+36301112222"' \
	"$TMPD/posts" "one form-encoded POST with To, From and Body"
n=$(wc -l <"$TMPD/posts")
if [ "$n" -eq 1 ]; then ok "created exactly once"
else ko "created once" "$n POSTs"; fi
"$BIN/sms-inbox" --config "$TMPD/conf" show --json +36301112222 \
	>"$TMPD/show" 2>&1
expect_grep '"state": "delivered"' "$TMPD/show" "and it ended delivered"
expect_grep '"remote_ref": "SM' "$TMPD/show" "with the provider's SID"

"$BIN/sms-inboxd" --config "$TMPD/conf" 2>"$TMPD/daemon.log" &
daemon=$!
fake POST /_fake/inbound '{"from": "+36305556666", "to": "+15550001111",
	"body": "polled in"}' >"$TMPD/in.json"
SID=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["sid"])' \
	"$TMPD/in.json")
shows() {
	"$BIN/sms-inbox" --config "$TMPD/conf" show +36305556666 \
		>"$TMPD/show" 2>&1 && grep -q "$1" "$TMPD/show"
}
if wait_for shows "polled in"; then ok "an inbound message arrives by polling"
else ko "polled inbound" "$(head -c 600 "$TMPD/show" "$TMPD/daemon.log")"; fi
# hook SIGNATURE JSON-PARAMS: POST a webhook to the daemon as Twilio would.
hook() {
	fake POST /_fake/webhook "{\"url\": \"http://127.0.0.1:$HOOK/in\",
		\"public\": \"https://sms.example.com/in\",
		\"signature\": \"$1\", \"params\": $2}" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["status"])'
}
got=$(hook valid "{\"MessageSid\": \"$SID\", \"From\": \"+36305556666\",
	\"To\": \"+15550001111\", \"Body\": \"polled in\"}")
if [ "$got" = 200 ]; then ok "the same message by webhook is accepted"
else ko "webhook of a polled message" "HTTP $got"; fi
got=$(hook valid '{"MessageSid": "SMwebhook0001", "From": "+36305556666",
	"To": "+15550001111", "Body": "by webhook"}')
if [ "$got" = 200 ]; then ok "a signed webhook is accepted"
else ko "signed webhook" "HTTP $got"; fi
got=$(hook invalid '{"MessageSid": "SMforged00001", "From": "+36305556666",
	"To": "+15550001111", "Body": "forged"}')
if [ "$got" = 403 ]; then ok "a forged webhook gets 403"
else ko "forged webhook" "HTTP $got"; fi
got=$(hook missing '{"MessageSid": "SMunsigned001", "From": "+36305556666",
	"To": "+15550001111", "Body": "unsigned"}')
if [ "$got" = 403 ]; then ok "an unsigned webhook gets 403"
else ko "unsigned webhook" "HTTP $got"; fi
expect_grep "refused" "$TMPD/daemon.log" "refusals are logged"
if wait_for shows "by webhook"; then ok "a webhook message shows up"
else ko "webhook inbound" "$(head -c 600 "$TMPD/show")"; fi
sleep 2.5	# two more polling rounds: nothing may come twice
"$BIN/sms-inbox" --config "$TMPD/conf" show +36305556666 >"$TMPD/show" 2>&1
for text in "polled in" "by webhook"; do
	n=$(grep -c "$text" "$TMPD/show")
	if [ "$n" -eq 1 ]; then ok "\"$text\" shown exactly once"
	else ko "\"$text\" once" "$n times: $(head -c 400 "$TMPD/show")"; fi
done
if grep -q -e forged -e unsigned "$TMPD/show"; then
	ko "forged webhooks stored nothing" "$(head -c 400 "$TMPD/show")"
else ok "forged webhooks stored nothing"; fi
kill "$daemon"
wait "$daemon" 2>/dev/null
daemon=

# A bulk from CSV: every row created once, never more than RATE a second.
N=${SMS_BULK_N:-200}
fake POST /_fake/reset '{}' >/dev/null
{
	echo "number,n"
	i=0
	while [ $i -lt "$N" ]; do
		printf '+3630%07d,%d\n' $i $i
		i=$((i + 1))
	done
} >"$TMPD/bulk.csv"
expect_status 0 "sms-send sends a bulk of $N from CSV" \
	"$BIN/sms-send" --config "$TMPD/conf" --csv="$TMPD/bulk.csv" \
	--template="bulk {n}"
fake GET /_fake/requests >"$TMPD/reqs"
# The fake stamps requests from Python threads, late by up to tens of ms
# on a loaded machine: 0.1 s of that is forgiven.  The exact bound on the
# send times is checked by test_provider_rate_limit_clock.
if "$PY" - "$TMPD/reqs" "$N" "$RATE" >"$TMPD/bulk.out" <<'PY'
import collections, json, sys
reqs = [r for r in json.load(open(sys.argv[1]))
        if r["method"] == "POST" and r["path"].endswith("/Messages.json")]
n, rate = int(sys.argv[2]), int(sys.argv[3])
bodies = collections.Counter(r["form"]["Body"] for r in reqs)
t = sorted(r["t"] for r in reqs)
worst = min((t[i + rate] - t[i] for i in range(len(t) - rate)), default=9)
print("%d POSTs, %d bodies, most %d, shortest span of %d: %.3f s" %
      (len(reqs), len(bodies), max(bodies.values()), rate + 1, worst))
sys.exit(0 if len(reqs) == n and len(bodies) == n and worst >= 0.9 else 1)
PY
then ok "each row created once, at most $RATE a second ($(cat "$TMPD/bulk.out"))"
else ko "bulk" "$(cat "$TMPD/bulk.out")"; fi
finish
