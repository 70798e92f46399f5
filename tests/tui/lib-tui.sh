# Helpers for the TUI tests: run sms-inbox in a detached tmux session on a
# private socket, type into it, and poll the pane for text (a bounded
# wait, never a fixed sleep).  Source after tests/lib.sh.
if [ -z "${TMUX_BIN:-}" ] || ! [ -x "$TMUX_BIN" ]; then
	echo "tmux not found: skipping"
	exit 77
fi
# Each tui_start gets a socket of its own: a server just killed may still
# be going away, and tmux refuses to start a new one on its socket.
SOCK_BASE="sms-tui-$$-$(basename "$0" .sh)"
SOCK="$SOCK_BASE-0"
SOCKS=""
starts=0
WAIT_SECS=${TUI_WAIT_SECS:-15}
# tmux's sockets go in the test's directory, removed with it.
export TMUX_TMPDIR="$TMPD"
export SMS_INBOX_CONFIG="$TMPD/config"
export XDG_CONFIG_HOME="$TMPD/xdg-config" XDG_DATA_HOME="$TMPD/xdg-data"
export XDG_RUNTIME_DIR="$TMPD/run" XDG_STATE_HOME="$TMPD/xdg-state"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset NO_COLOR VISUAL
export EDITOR=false
if ! [ -f "$SMS_INBOX_CONFIG" ]; then
	printf '[store]\npath = %s/inbox.db\ndefault_country = HU\n' \
		"$TMPD" >"$SMS_INBOX_CONFIG"
fi

tmx() { "$TMUX_BIN" -L "$SOCK" -f /dev/null "$@"; }
kill_servers() {
	for s in $SOCKS; do
		"$TMUX_BIN" -L "$s" kill-server 2>/dev/null
	done
}
trap 'kill_servers; rm -rf "$TMPD"' EXIT

# tui_start ARGS...: run sms-inbox ARGS in an 80x24 pane.  A wrapper
# records the exit status and whether the terminal settings came back as
# they were ("stty-same"), then waits so the pane can be read.
tui_start() {
	starts=$((starts + 1))
	SOCK="$SOCK_BASE-$starts"
	SOCKS="$SOCKS $SOCK"
	cat >"$TMPD/run.sh" <<WRAP
#!/bin/sh
echo \$\$ >"$TMPD/wrapper.pid"
ulimit -c 0
stty -g >"$TMPD/stty.before"
"$BIN/sms-inbox" "\$@" 2>>"$TMPD/stderr"
echo "exit=\$?" >"$TMPD/status"
stty -g >"$TMPD/stty.after"
if cmp -s "$TMPD/stty.before" "$TMPD/stty.after"; then
	echo stty-same >>"$TMPD/status"
fi
clear
cat "$TMPD/status"
sleep 600
WRAP
	chmod +x "$TMPD/run.sh"
	tmx -u new-session -d -x 80 -y 24 -s tui \
		"TERM=screen-256color $TMPD/run.sh $*"
}

# keys KEY...: tmux send-keys (names like Enter, Escape, C-j, or text).
keys() { tmx send-keys -t tui "$@"; }
# type TEXT: send literally.
type_text() { tmx send-keys -t tui -l "$1"; }

screen() { tmx capture-pane -p -t tui; }

# wait_for TEXT NAME: pass when TEXT appears on the screen within the
# time limit, else fail and show the screen.
wait_for() {
	i=0
	while [ $i -lt $((WAIT_SECS * 10)) ]; do
		if screen | grep -q -F -- "$1"; then
			ok "$2"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	ko "$2" "no \"$1\" on the screen:"
	screen | sed 's/^/    | /'
	[ -s "$TMPD/stderr" ] && sed 's/^/    stderr: /' "$TMPD/stderr"
	return 1
}

# wait_gone TEXT NAME: pass when TEXT has left the screen.
wait_gone() {
	i=0
	while [ $i -lt $((WAIT_SECS * 10)) ]; do
		if ! screen | grep -q -F -- "$1"; then
			ok "$2"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	ko "$2" "\"$1\" is still on the screen"
	screen | sed 's/^/    | /'
	return 1
}

# tui_finish: finish, failing on what a sanitizer build reported.
tui_finish() {
	if grep -q -E "runtime error|AddressSanitizer|LeakSanitizer" \
	    "$TMPD/stderr" 2>/dev/null; then
		ko "no sanitizer reports" "$(head -c 800 "$TMPD/stderr")"
	fi
	finish
}

# tui_pid: the process id of sms-inbox in the pane.
tui_pid() {
	pgrep -P "$(cat "$TMPD/wrapper.pid")" -x sms-inbox
}
