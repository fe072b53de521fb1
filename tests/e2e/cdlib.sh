# cdlib.sh: conductd on top of the test bed (lib.sh).  Sourced by the
# t-*.sh end-to-end tests.  Every process started here is recorded by PID
# and stopped by PID in the EXIT trap; nothing is matched by name.

. "$top_srcdir/tests/e2e/lib.sh"

CONDUCTD="$top_builddir/conductd"
CONDUCTCTL="$top_builddir/conductctl"
CD_PID=""

cd_cleanup() {
	rc=$?
	cd_stop_daemon TERM >/dev/null 2>&1 || true
	if [ "$rc" -ne 0 ] && [ -n "${TB:-}" ] && [ -f "$TB/conductd.log" ]; then
		echo "---- conductd.log (last 40 lines)" >&2
		tail -40 "$TB/conductd.log" >&2
	fi
	tb_cleanup
	exit "$rc"
}

# cd_setup MODE: test bed, conductd config for MODE (tls, starttls, none),
# conductctl init.
cd_setup() {
	tb_init
	trap cd_cleanup EXIT
	tb_start
	CONF="$TB/conductd.conf"
	tb_conductd_conf "$CONF" "${1:-starttls}"
	tb_ini_set "$CONF" committee templates "$top_srcdir/conf/templates"
	"$CONDUCTCTL" -f "$CONF" init >"$TB/init.out" 2>&1 ||
	    { cat "$TB/init.out" >&2; tb_fail "conductctl init"; }
}

cd_ctl() {
	"$CONDUCTCTL" -f "$CONF" "$@"
}

# cd_once: one pass; prints nothing, returns conductd's exit status.
cd_once() {
	"$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1
}

# cd_start_daemon: conductd -d in the background.
cd_start_daemon() {
	setsid "$CONDUCTD" -f "$CONF" -d >>"$TB/conductd.log" 2>&1 &
	CD_PID=$!
	echo "$CD_PID" >"$TB/conductd.pid.cd"
}

# cd_stop_daemon [SIGNAL]: signals the daemon we started, waits for it,
# and returns its exit status.
cd_stop_daemon() {
	[ -n "$CD_PID" ] || return 0
	if grep -q "$TB" "/proc/$CD_PID/cmdline" 2>/dev/null; then
		kill -"${1:-TERM}" "$CD_PID" 2>/dev/null || true
	fi
	st=0
	wait "$CD_PID" 2>/dev/null || st=$?
	CD_PID=""
	return "$st"
}

# cd_count: messages stored with content of their own.
cd_count() {
	cd_ctl messages | tail -n +2 | grep -vc ' copy:' || true
}

# cd_rows: all message rows, copies included.
cd_rows() {
	cd_ctl messages | tail -n +2 | wc -l
}

# cd_wait_count N: waits (bounded) until N messages are stored.
cd_wait_count() {
	want=$1
	end=$(( $(date +%s) + ${TB_TIMEOUT:-20} ))
	while [ "$(cd_count)" -lt "$want" ]; do
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "timed out waiting for $want stored message(s); have $(cd_count)"
		sleep 0.1
	done
}

# cd_wait_log PATTERN: waits (bounded) until the daemon's log matches.
cd_wait_log() {
	end=$(( $(date +%s) + ${TB_TIMEOUT:-20} ))
	until grep -q -- "$1" "$TB/conductd.log" 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "timed out waiting for log line: $1"
		sleep 0.1
	done
}

# cd_cases: the number of cases.
cd_cases() {
	cd_ctl cases | tail -n +2 | wc -l
}

# cd_code N: the code name of the Nth case.
cd_code() {
	cd_ctl cases | awk -v n="$1" 'NR == n + 1 { print $1 }'
}

# cd_header FILE NAME: the (unfolded) value of header NAME in FILE.
cd_header() {
	awk -v h="$2" '{ sub(/\r$/, "") }
	    /^$/ { exit }
	    /^[ \t]/ { if (on) { sub(/^[ \t]+/, " "); v = v $0 }; next }
	    { if (on) exit; if (tolower(substr($0, 1, length(h) + 1)) == tolower(h) ":") { on = 1; v = substr($0, length(h) + 2) } }
	    END { sub(/^[ \t]+/, "", v); sub(/\r$/, "", v); print v }' "$1"
}

# cd_expect_eq WHAT GOT WANT
cd_expect_eq() {
	[ "$2" = "$3" ] || tb_fail "$1: got '$2', expected '$3'"
	tb_pass "$1 = $3"
}
