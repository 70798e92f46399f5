#!/bin/sh
# The manuals stay honest: every page in doc/ renders without groff
# warnings; every subcommand of `sms-inbox --help`, every option in each
# program's (and subcommand's) --help and every key of src/util/conf.c's
# table is documented in the right page.
. "$top_srcdir/tests/lib.sh"

if ! command -v groff >/dev/null 2>&1; then
	echo "groff not found; skipping"
	exit 77
fi
for page in "$top_srcdir"/doc/*.[1-8]; do
	name=$(basename "$page")
	if groff -ww -man -z "$page" >"$TMPD/groff" 2>&1 &&
	    [ ! -s "$TMPD/groff" ]; then ok "$name renders without warnings"
	else ko "$name renders without warnings" "$(head -c 400 "$TMPD/groff")"; fi
done

export SMS_INBOX_CONFIG="$TMPD/none.conf"
LC_ALL=C LANGUAGE=C
export LC_ALL LANGUAGE
"$BIN/sms-inbox" --help >"$TMPD/help-sms-inbox" 2>&1 ||
	ko "sms-inbox --help" "exit $?"
"$BIN/sms-send" --help >"$TMPD/help-sms-send" 2>&1 ||
	ko "sms-send --help" "exit $?"
"$BIN/sms-inboxd" --help >"$TMPD/help-sms-inboxd" 2>&1 ||
	ko "sms-inboxd --help" "exit $?"
# The commands: the words at the start of the lines under "Commands:".
sed -n '/^Commands:/,/^$/p' "$TMPD/help-sms-inbox" |
	awk '/^  [a-z]/ { print $1 }' >"$TMPD/commands"
[ -s "$TMPD/commands" ] && ok "sms-inbox --help lists commands" ||
	ko "sms-inbox --help lists commands" "none found"
while read -r cmd; do
	"$BIN/sms-inbox" "$cmd" --help >"$TMPD/help-cmd-$cmd" 2>&1 ||
		ko "sms-inbox $cmd --help" "exit $?"
done <"$TMPD/commands"

"$PYTHON3" - "$top_srcdir" "$TMPD" <<'PY' >"$TMPD/py" 2>&1
import glob, os, re, sys
top, tmp = sys.argv[1], sys.argv[2]

def roff_text(path):
    s = open(path, encoding="utf-8").read()
    s = re.sub(r"\\f(\[[^]]*\]|.)", "", s)
    return (s.replace("\\-", "-").replace("\\e", "\\")
            .replace("\\&", "").replace("\\ ", " "))

def options(path):
    text = open(path, encoding="utf-8").read()
    return sorted(set(re.findall(r"(?<![\w-])--[a-z0-9][a-z0-9-]*", text)))

def check(name, cond, why):
    print(("ok - " if cond else "not ok - ") + name +
          ("" if cond else ": " + why))

pages = {p: roff_text(os.path.join(top, "doc", p)) for p in
         ("sms-inbox.1", "sms-send.1", "sms-inboxd.8", "sms-inbox.conf.5")}

def documented(page, opt):
    return re.search(re.escape(opt) + r"(?![a-z0-9-])", pages[page])

for prog, page in (("sms-inbox", "sms-inbox.1"), ("sms-send", "sms-send.1"),
                   ("sms-inboxd", "sms-inboxd.8")):
    for opt in options(os.path.join(tmp, "help-" + prog)):
        check("%s %s in %s" % (prog, opt, page), documented(page, opt),
              "not documented")

commands = open(os.path.join(tmp, "commands")).read().split()
man = pages["sms-inbox.1"]
cmd_section = man.split("\n.SH COMMANDS\n", 1)[-1].split("\n.SH ", 1)[0]
for cmd in commands:
    check("command %s in sms-inbox.1" % cmd,
          re.search(r"^\.TP\n\.B %s\b" % re.escape(cmd), cmd_section, re.M),
          "no .TP entry starting with it under COMMANDS")
    for opt in options(os.path.join(tmp, "help-cmd-" + cmd)):
        if opt in ("--help",):
            continue
        check("sms-inbox %s %s in sms-inbox.1" % (cmd, opt),
              documented("sms-inbox.1", opt), "not documented")

conf_c = open(os.path.join(top, "src", "util", "conf.c")).read()
table = conf_c.split("keys[] = {", 1)[1].split("\n};", 1)[0]
keys = re.findall(r'\{\s*"([a-z]+)",\s*"([a-z0-9_]+)"', table)
check("conf.c's key table read", len(keys) > 20, "%d keys" % len(keys))
conf = pages["sms-inbox.conf.5"]
sections = {}
for part in re.split(r"^\.SH ", conf, flags=re.M)[1:]:
    title, _, body = part.partition("\n")
    m = re.match(r"\[([a-z]+)", title.strip('"'))
    if m:
        sections[m.group(1)] = body
for section, key in keys:
    body = sections.get(section)
    ok = body is not None and re.search(
        r'^\.TP\n\.(B|BR|BI|IB) [^\n]*(?<![\w-])%s\b' % re.escape(key),
        body, re.M)
    check("[%s] %s in sms-inbox.conf.5" % (section, key), ok,
          "no .TP entry for it under .SH [%s]" % section)
PY
cat "$TMPD/py"
passes=$((passes + $(grep -c '^ok' "$TMPD/py")))
fails=$((fails + $(grep -c '^not ok' "$TMPD/py")))
grep -q Traceback "$TMPD/py" && fails=$((fails + 1))
finish
