#!/bin/sh
# `sms-inbox pdu decode|encode` and `sms-inbox segments` end to end:
# output, --json (checked with python3's json module), stdin, exit codes.
. "$top_srcdir/tests/lib.sh"

SI="$BIN/sms-inbox"
DELIVER=07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37

# json_field FILE LINE EXPR: evaluate EXPR on the JSON object on line LINE.
json_field() {
	"$PYTHON3" -c 'import json,sys
o = json.loads(open(sys.argv[1]).read().splitlines()[int(sys.argv[2])])
print(eval(sys.argv[3]))' "$@"
}

# expect_json FILE LINE EXPR WANT NAME
expect_json() {
	got=$(json_field "$1" "$2" "$3" 2>&1)
	if [ "$got" = "$4" ]; then ok "$5"
	else ko "$5" "$3 is \"$got\", want \"$4\""; fi
}

expect_status 0 "decode" "$SI" pdu decode "$DELIVER"
expect_grep 'hellohello' "$TMPD/out" "decode prints the text"
expect_grep '+27381000015' "$TMPD/out" "decode prints the SMSC"
expect_grep '1999-03-29T15:16:59+02:00' "$TMPD/out" "decode prints the time"

expect_status 0 "decode --json" "$SI" pdu decode --json "$DELIVER"
if [ -n "${PYTHON3:-}" ]; then
	expect_json "$TMPD/out" 0 'o["type"]' deliver "json type"
	expect_json "$TMPD/out" 0 'o["sender"]["number"]' 27838890001 \
		"json sender"
	expect_json "$TMPD/out" 0 'o["sender"]["type"]' unknown \
		"json sender type"
	expect_json "$TMPD/out" 0 'o["smsc"]' +27381000015 "json smsc"
	expect_json "$TMPD/out" 0 'o["encoding"]' gsm7 "json encoding"
	expect_json "$TMPD/out" 0 'o["class"]' None "json class"
	expect_json "$TMPD/out" 0 'o["text"]' hellohello "json text"
fi

# Bad input: exit 65 and a sentence with the byte offset.
expect_status 65 "decode bad hex" "$SI" pdu decode 07917G
expect_grep 'character 5' "$TMPD/err" "bad hex names the character"
expect_status 65 "decode truncated" "$SI" pdu decode 07917283010010F504
expect_grep 'at byte 9' "$TMPD/err" "truncated names the byte"
expect_status 65 "decode --json error" "$SI" pdu decode --json 0791
if [ -n "${PYTHON3:-}" ]; then
	expect_json "$TMPD/out" 0 '"byte 2" in o["error"]' True \
		"json error object"
fi
expect_status 64 "decode without PDUs" "$SI" pdu decode
expect_status 64 "pdu without action" "$SI" pdu
expect_status 0 "pdu --help" "$SI" pdu decode --help

# Modem output on stdin: +CMGL lines give the TPDU length.
printf '+CMGL: 1,1,,23\r\n0011000B916407281553F80000AA0AE8329BFD4697D9EC37\r\nOK\r\n' |
	"$SI" pdu decode >"$TMPD/out" 2>"$TMPD/err"
if [ $? -eq 0 ]; then ok "decode stdin"; else ko "decode stdin" "$(cat "$TMPD/err")"; fi
expect_grep '+46708251358' "$TMPD/out" "stdin: recipient"

# Encode: the well-known example, then a long text joined back.
expect_status 0 "encode" "$SI" pdu encode --validity 5760 \
	--to +46708251358 hellohello
expect_grep '^AT+CMGS=23$' "$TMPD/out" "encode prints the length"
expect_grep '^0011000B916407281553F80000AA0AE8329BFD4697D9EC37$' \
	"$TMPD/out" "encode prints the PDU"
long=$(printf 'part of a long message with [brackets] and € %.0s' 1 2 3 4 5 6)
expect_status 0 "encode long" "$SI" pdu encode --ref 77 --to 0630123 "$long"
grep -E '^[0-9A-F]+$' "$TMPD/out" >"$TMPD/pdus"
n=$(wc -l <"$TMPD/pdus")
[ "$n" -eq 2 ] && ok "long text is two PDUs" || ko "long text" "$n PDUs"
"$SI" pdu decode --join $(cat "$TMPD/pdus") >"$TMPD/out" 2>"$TMPD/err"
if [ $? -eq 0 ]; then ok "decode --join"; else ko "decode --join" "$(cat "$TMPD/err")"; fi
grep -F -q "$long" "$TMPD/out" && ok "joined text is the original" ||
	ko "joined text is the original" "$(cat "$TMPD/out")"
"$SI" pdu decode --join "$(head -n 1 "$TMPD/pdus")" >"$TMPD/out" 2>"$TMPD/err"
[ $? -eq 65 ] && ok "join with a part missing exits 65" || ko "join missing" "status"
expect_grep 'missing part 2 of 2' "$TMPD/out" "join shows the gap"
expect_status 64 "encode without --to" "$SI" pdu encode hello
expect_status 64 "encode bad class" "$SI" pdu encode --class 7 --to 1 x
expect_status 65 "encode bad number" "$SI" pdu encode --to +36-30 x
expect_grep 'not a phone number' "$TMPD/err" "bad number sentence"
expect_status 0 "encode --json" "$SI" pdu encode --json --ucs2 --to +1 hi
if [ -n "${PYTHON3:-}" ]; then
	expect_json "$TMPD/out" 0 'o["parts"][0]["length"]' 12 "json length"
	expect_json "$TMPD/out" 0 'o["encoding"]' ucs2 "json encode encoding"
fi

# Segments.
expect_status 0 "segments" "$SI" segments "hello"
expect_grep '^encoding: *gsm7' "$TMPD/out" "segments encoding"
expect_grep '5 of 160 used, 155 left' "$TMPD/out" "segments used/left"
expect_status 0 "segments --json" "$SI" segments --json "Ok ✓ 😀"
if [ -n "${PYTHON3:-}" ]; then
	expect_json "$TMPD/out" 0 'o["encoding"]' ucs2 "json ucs2"
	expect_json "$TMPD/out" 0 'o["forcing"][1]["offset"]' 7 \
		"json forcing offset"
	expect_json "$TMPD/out" 0 'o["left"]' 63 "json left"
fi
expect_status 0 "segments --smart" "$SI" segments --smart --json "“x”"
if [ -n "${PYTHON3:-}" ]; then
	expect_json "$TMPD/out" 0 'o["replaced"][0]["with"]' '"' \
		"json replaced"
fi
printf 'from stdin\n' | "$SI" segments >"$TMPD/out" 2>&1
expect_grep 'characters: 10' "$TMPD/out" "segments stdin drops the newline"
expect_status 65 "segments bad UTF-8" "$SI" segments "$(printf 'a\377')"
expect_grep 'byte 1' "$TMPD/err" "bad UTF-8 names the byte"

# National language shift tables (Turkish locking + single shift) and an
# unknown table identifier.
TR=400B916303214365F700006211324150600A10062501012401019C74879D066DCE
expect_status 0 "decode turkish" "$SI" pdu decode "$TR"
expect_grep 'Turkish locking shift (1), Turkish single shift (1)' "$TMPD/out" \
    "decode names the language tables"
expect_grep 'Şişli ğ' "$TMPD/out" "decode reads the Turkish tables"
expect_status 0 "decode unknown language" "$SI" pdu decode \
    400B916303214365F700006211324150600A070324010EE0A401
expect_grep 'single shift 14 (no such table' "$TMPD/out" \
    "an unknown table is named"
expect_status 0 "decode --json turkish" "$SI" pdu decode --json "$TR"
if [ -n "${PYTHON3:-}" ]; then
	expect_json "$TMPD/out" 0 'o["language"]["locking"]["code"]' tr \
	    "json locking language"
	expect_json "$TMPD/out" 0 'o["language"]["single"]["applied"]' True \
	    "json single shift applied"
	expect_json "$TMPD/out" 0 'o["text"]' 'Şişli ğ' "json turkish text"
fi

# 8-bit data: a hex dump, data_hex, and text when it is text.
BIN8=00040B916303214365F700F56211324150600A0A0A1B2C3D4E5F60718293
expect_status 0 "decode 8-bit" "$SI" pdu decode "$BIN8"
expect_grep '0000  0A 1B 2C 3D 4E 5F 60 71 82 93 .*|..,=N_`q..|' "$TMPD/out" \
    "8-bit data as a hex dump"
expect_status 0 "decode --json 8-bit" "$SI" pdu decode --json "$BIN8" \
    00040B916303214365F700046211324150600A0548656C6C6F
if [ -n "${PYTHON3:-}" ]; then
	expect_json "$TMPD/out" 0 'o["data_hex"]' 0A1B2C3D4E5F60718293 \
	    "json data_hex"
	expect_json "$TMPD/out" 0 'o["text"]' None "binary 8-bit has no text"
	expect_json "$TMPD/out" 1 'o["text"]' Hello "8-bit text shown as text"
fi


# Encoding with a national language's tables (opt-in), and back.
expect_status 0 "encode --language tr" "$SI" pdu encode --language tr \
    --to +905321234567 "Şişli'de buluşalım mı?"
expect_grep '^0041000C9109351232547600001B03250101' "$TMPD/out" \
    "encode names the Turkish locking table in the UDH"
PDU_TR=$(tail -n 1 "$TMPD/out")
expect_status 0 "decode the encoded turkish" "$SI" pdu decode "$PDU_TR"
expect_grep "Şişli'de buluşalım mı?" "$TMPD/out" "turkish round trip"
expect_status 64 "encode --language xx" "$SI" pdu encode --language xx \
    --to +905321234567 hello
expect_grep 'tr, es, pt' "$TMPD/err" "a bad language lists the codes"
expect_status 0 "segments --language es" "$SI" segments --language es \
    "¿Cómo está?"
expect_grep 'Spanish single shift table' "$TMPD/out" \
    "segments names the table"
expect_grep '155 used\|of 155' "$TMPD/out" "the table costs UDH room"
if [ -n "${PYTHON3:-}" ]; then
	expect_status 0 "segments --json --language pt" "$SI" segments \
	    --json --language pt "Ação"
	expect_json "$TMPD/out" 0 'o["language"]["locking"]' pt \
	    "json segments language"
	expect_json "$TMPD/out" 0 'o["encoding"]' gsm7 "json stays gsm7"
fi

finish
