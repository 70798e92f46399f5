#!/bin/sh
# The inbox driven through tmux on an empty store: write to a new number
# (counter, UCS-2 highlight, queued), the thread list, help, contacts,
# search and jump, resizing to 200x60 and back to 80x24, and quitting
# with the terminal as it was.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/lib-tui.sh"

tui_start
wait_for "No conversations yet" "empty inbox says so" || { tui_finish; exit; }
wait_for "q:back  ?:help" "title line shows the main keys"

keys m
wait_for "To (number or contact name):" "m asks for a number"
type_text "06 30 123 4567"
keys Enter
wait_for "To: +36301234567" "the number is normalised"
type_text "Szia, jövök 5-re"
wait_for "GSM-7 · 1/10 segments" "GSM-7 counter"
type_text " ő"
wait_for "UCS-2 because of “ő” (U+0151)" "names what forced UCS-2"
keys Enter
wait_for "queued" "sending shows the message queued"
wait_for "Szia, jövök 5-re ő" "the conversation shows the text"
keys S
wait_for "Messages per day" "S shows statistics"
wait_for "not confirmed yet" "delivery figures count the queued message"
keys q q
wait_for "+36301234567" "thread list has the new thread"
wait_for "You: Szia" "preview of the last message"
keys A
wait_for "Assign to (empty: nobody):" "A asks whom to assign"
keys C-u
type_text "zoe"
keys Enter
wait_for "Assigned to zoe." "thread assigned"

tmx resize-window -t tui -x 200 -y 60
wait_for "$(printf '%*s' 120 '')q:back  ?:help" "200x60: title spans the width"
keys '?'
wait_for "search messages and contacts" "? lists the keys"
keys q
tmx resize-window -t tui -x 80 -y 24
wait_gone "$(printf '%*s' 120 '')q:back" "80x24: title back to 80 columns"
wait_for "You: Szia" "80x24: thread list drawn again"

keys c
wait_for "No contacts yet" "contacts view"
keys a
wait_for "New contact" "a opens the contact form"
type_text "Kovács Anna"
keys Tab
type_text "+36 30 123 4567"
keys Tab
type_text "vip"
keys Enter
wait_for "Contact Kovács Anna added." "contact saved"
wait_for "#vip" "tags listed"
keys x
wait_for "Export contacts to" "x asks where to export"
keys C-u
type_text "$TMPD/out.csv"
keys Enter
wait_for "Contacts written to" "contacts exported"
printf 'name,number,tags\nSzabó Éva,06 20 111 2222,staff\n' >"$TMPD/in.csv"
keys i
wait_for "Import contacts from" "i asks what to import"
type_text "$TMPD/in.csv"
keys Enter
wait_for "Imported 1, updated 0, 0 unchanged." "contacts imported"
wait_for "Szabó Éva" "the imported contact is listed"
keys q
wait_for "Kovács Anna" "thread shows the contact's name"

keys /
wait_for "Search:" "/ asks what to search"
type_text "jöv"
keys Enter
wait_for "Search: jöv — 1 found" "search finds a word by its start"
keys j Enter
wait_for "Kovács Anna <+36301234567>" "Enter opens the conversation at the hit"
keys q q
wait_for "inbox" "back in the thread list"
expect_grep "Kovács Anna" "$TMPD/out.csv" "the export has the contact"
keys q
wait_for "exit=0" "q quits with status 0"
wait_for "stty-same" "terminal settings restored"
tui_finish
