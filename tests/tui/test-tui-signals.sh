#!/bin/sh
# The terminal comes back on every way out: SIGTERM stops the inbox
# cleanly, SIGHUP too, and a crash (SIGSEGV) still restores the terminal
# before dying of the signal.  Ctrl-Z stops it and SIGCONT redraws.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/lib-tui.sh"

run_until_signal() {
	sig=$1 want=$2
	tmx kill-server 2>/dev/null
	rm -f "$TMPD/status"
	tui_start
	wait_for "No conversations yet" "$sig: inbox up" || return
	pid=$(tui_pid)
	if [ -z "$pid" ]; then
		ko "$sig: find the process" "no sms-inbox under the pane"
		return
	fi
	kill -"$sig" "$pid"
	wait_for "exit=$want" "$sig: exit status $want"
	wait_for "stty-same" "$sig: terminal settings restored"
}

run_until_signal TERM 0
run_until_signal HUP 0
run_until_signal SEGV 139

tmx kill-server 2>/dev/null
rm -f "$TMPD/status"
tui_start
wait_for "No conversations yet" "suspend: inbox up"
pid=$(tui_pid)
keys C-z
i=0
while [ $i -lt 100 ] && [ "$(ps -o stat= -p "$pid" | cut -c1)" != T ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ "$(ps -o stat= -p "$pid" | cut -c1)" = T ]; then ok "Ctrl-Z stops it"
else ko "Ctrl-Z stops it" "state $(ps -o stat= -p "$pid")"; fi
kill -CONT "$pid"
wait_for "No conversations yet" "SIGCONT: drawn again"
keys q
wait_for "exit=0" "quits after a suspend"
wait_for "stty-same" "suspend: terminal settings restored"
tui_finish
