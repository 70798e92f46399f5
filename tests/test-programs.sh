#!/bin/sh
# The three programs' command lines: --help, --version, usage errors,
# and configuration errors (file:line, exit 78; loose secret files).
. "$top_srcdir/tests/lib.sh"

for p in sms-inbox sms-send sms-inboxd; do
	expect_status 0 "$p --help" "$BIN/$p" --help
	expect_grep "Usage: $p" "$TMPD/out" "$p --help prints usage"
	expect_status 0 "$p --version" "$BIN/$p" --version
	expect_grep "$p (sms-inbox) " "$TMPD/out" "$p --version names itself"
	expect_status 64 "$p bad option" "$BIN/$p" --no-such-option
	expect_grep "Try '$p --help'" "$TMPD/err" "$p bad option hint"
done
expect_status 64 "sms-inbox unknown command" "$BIN/sms-inbox" frobnicate
expect_grep 'unknown command "frobnicate"' "$TMPD/err" "unknown command named"

cat >"$TMPD/typo.conf" <<'CONF'
[store]
default_country = HU

[backend.dongle]
type = modem
prot = /dev/ttyUSB0
CONF
for p in "sms-inbox config check" "sms-send +3630000000" "sms-inboxd"; do
	set -- $p
	prog=$1; shift
	expect_status 78 "$prog: config typo exits 78" \
		"$BIN/$prog" --config "$TMPD/typo.conf" "$@"
	expect_grep "typo.conf:6: unknown key \"prot\"" "$TMPD/err" \
		"$prog: config typo names file:line"
done

printf 'token\n' >"$TMPD/token"
chmod 644 "$TMPD/token"
cat >"$TMPD/loose.conf" <<CONF
[backend.twilio]
type = twilio
token_file = $TMPD/token
CONF
expect_status 78 "world-readable token refused" \
	"$BIN/sms-inbox" --config "$TMPD/loose.conf" config check
expect_grep "too open" "$TMPD/err" "loose token: says why"
chmod 600 "$TMPD/token"
expect_status 0 "private token accepted" \
	"$BIN/sms-inbox" --config "$TMPD/loose.conf" config check
expect_grep "backend twilio: twilio" "$TMPD/out" "config check lists backends"

expect_status 78 "missing --config file" \
	"$BIN/sms-inbox" --config "$TMPD/absent.conf" config check
expect_status 78 "SMS_INBOX_CONFIG is read" \
	env SMS_INBOX_CONFIG="$TMPD/typo.conf" "$BIN/sms-inbox" config check

finish
