# Shared by the shell tests of the modem backend; source after lib.sh.
# modem_sim_start [ARGS...]: start tests/fakes/modem-sim.py in $SIM with
# extra arguments and wait until it is ready; ctl JSON: one control
# command; wait_for CMD...: run CMD until it succeeds (at most ~20 s);
# modem_conf FILE [EXTRA LINES]: a configuration with the store in $TMPD
# and the modem on $SIM/modem; daemon_start / daemon_stop [SIGNAL].

PY=${PYTHON3:-python3}
SIMPY="$top_srcdir/tests/fakes/modem-sim.py"
SIM="$TMPD/sim"
simpid=
daemon=
trap 'kill $simpid $daemon 2>/dev/null; rm -rf "$TMPD"' EXIT
export XDG_RUNTIME_DIR="$TMPD/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"

modem_sim_start() {
	mkdir -p "$SIM"
	rm -f "$SIM/ready"
	"$PY" "$SIMPY" --dir "$SIM" --watch-pid $$ "$@" &
	simpid=$!
	i=0
	while [ ! -e "$SIM/ready" ] && [ $i -lt 500 ]; do
		sleep 0.02
		i=$((i + 1))
	done
}

ctl() { "$PY" "$SIMPY" --ctl "$SIM" "$1"; }

wait_for() {
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -gt 400 ] && return 1
		sleep 0.05
	done
}

modem_conf() {
	file=$1
	shift
	cat >"$file" <<CONF
[store]
path = $TMPD/inbox.db
[backend.dongle]
type = modem
port = $SIM/modem
command_timeout = 2
sweep_interval = 1
CONF
	for line in "$@"; do
		echo "$line" >>"$file"
	done
	cat >>"$file" <<CONF
[routing]
primary = dongle
[autoreply]
enabled = no
CONF
}

daemon_start() {
	"$BIN/sms-inboxd" --config "$1" 2>>"$TMPD/daemon.log" &
	daemon=$!
}

daemon_stop() {
	[ -n "$daemon" ] || return 0
	kill "-${1:-TERM}" "$daemon"
	wait "$daemon" 2>/dev/null
	daemon=
}
