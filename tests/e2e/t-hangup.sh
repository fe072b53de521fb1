#!/bin/bash
# Hang-ups and stalls: an IMAP server that closes the connection in the
# middle of a FETCH literal, one that stops answering, and one that sends
# a byte now and then never hang the daemon.  Against tests/e2e/fake-imap
# it must not spin (CPU time from /proc/PID/stat), it must reconnect, end
# a stalled exchange within [imap] timeout, and end on SIGTERM at once.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

FAKE="$top_builddir/tests/e2e/fake-imap"
FAKE_PID=""

fake_stop() {
	if [ -n "$FAKE_PID" ] && kill -0 "$FAKE_PID" 2>/dev/null; then
		kill "$FAKE_PID" 2>/dev/null || true
		wait "$FAKE_PID" 2>/dev/null || true
	fi
	FAKE_PID=""
}

hangup_cleanup() {
	rc=$?
	cd_stop_daemon KILL >/dev/null 2>&1 || true
	fake_stop
	if [ "$rc" -ne 0 ] && [ -f "$TB/fake.log" ]; then
		echo "---- fake.log" >&2
		tail -20 "$TB/fake.log" >&2
	fi
	(exit "$rc")
	cd_cleanup
}

# fake_start MODE COUNT BADUID [UIDVALIDITY]: the fake server on $FPORT.
fake_start() {
	fake_stop
	rm -f "$TB/fake.pid"
	: >"$TB/fake.log"
	"$FAKE" "$FPORT" "$TB/fake.pid" "$@" >"$TB/fake.log" 2>&1 &
	FAKE_PID=$!
	tb_wait_for test -s "$TB/fake.pid" || tb_fail "fake-imap did not start"
	[ "$(cat "$TB/fake.pid")" = "$FAKE_PID" ] || tb_fail "fake-imap pid"
}

fake_count() {
	grep -c -- "^$1\$" "$TB/fake.log" 2>/dev/null || true
}

# fake_wait LINE [N]: waits until the fake server logged LINE N times.
fake_wait() {
	end=$(( $(date +%s) + ${TB_TIMEOUT:-20} ))
	while [ "$(fake_count "$1")" -lt "${2:-1}" ]; do
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "timed out waiting for fake-imap: $1 (x${2:-1})"
		sleep 0.05
	done
}

# cpu_ticks PID: user + system time of PID in clock ticks.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

cd_setup none
trap hangup_cleanup EXIT
tb__take_port FPORT
# The fake server is the IMAP side; acknowledgments wait in the outbox.
tb_ini_set "$CONF" imap port "$FPORT"
tb_ini_set "$CONF" imap timeout 3
tb_ini_set "$CONF" smtp host ""
tb_ini_set "$CONF" daemon poll_interval 3600
TICK=$(getconf CLK_TCK)
DB=$TB/state/conductd.db
command -v sqlite3 >/dev/null 2>&1 || tb_skip "sqlite3 (the CLI) not installed"

# 1. A literal cut short, then the connection closed: no spin, reconnect;
# after three failed fetches of it alone, UID 1 is held and UID 2 behind
# it is stored and moved.
fake_start hangup 2 1
cd_start_daemon
fake_wait "bad 1 hangup"
t0=$(cpu_ticks "$CD_PID")
sleep 3
t1=$(cpu_ticks "$CD_PID")
used=$(( (t1 - t0) * 1000 / TICK ))
tb_log "CPU used in 3 s after the hang-up: $used ms"
[ "$used" -lt 600 ] || tb_fail "the daemon spins after a hang-up: $used ms of CPU in 3 s"
cd_wait_log "fetch failed: connection closed by the server"
fake_wait "connect 2"
kill -0 "$CD_PID" 2>/dev/null || tb_fail "the daemon died"
tb_pass "a hang-up mid-literal ends the fetch; the daemon reconnects"

TB_TIMEOUT=60 cd_wait_log "uid 1 held after 3 failed fetches"
fake_wait "move 2"
cd_wait_count 1
cd_expect_eq "UID 1 moved" "$(fake_count "move 1")" 0
cd_expect_eq "held row" "$(sqlite3 "$DB" "SELECT mailbox, uidvalidity, uid, tries, held_at IS NOT NULL, released FROM imap_held WHERE uid > 0")" "INBOX|4242|1|3|1|0"
grep "held after" "$TB/conductd.log" | grep -q "@" && tb_fail "an address in the held log line"
# It keeps serving: the next pass skips UID 1.
tb_ini_set "$CONF" daemon poll_interval 2
kill -HUP "$CD_PID"
nbad=$(fake_count "bad 1 hangup")
cd_wait_log "configuration reloaded"
sleep 3
skips=$(grep -c "uid 1 is held, skipped" "$TB/conductd.log" || true)
[ "$skips" -ge 2 ] || tb_fail "the daemon did not go on passing: $skips skips"
cd_expect_eq "fetches of the held UID after it was held" "$(fake_count "bad 1 hangup")" "$nbad"
kill -0 "$CD_PID" 2>/dev/null || tb_fail "the daemon died"
tb_pass "the unservable UID is held, the one behind it stored, the daemon goes on"

# Released (what conductctl retry does): fetched again on the next pass.
sqlite3 "$DB" "UPDATE imap_held SET released = 1, tries = 0"
fake_wait "bad 1 hangup" $(( nbad + 1 ))
tb_pass "a released UID is fetched again"
cd_stop_daemon TERM || tb_fail "exit status after the hang-ups"
tb_ini_set "$CONF" daemon poll_interval 3600

# 2. A byte now and then: the exchange ends within [imap] timeout (3 s).
fake_start trickle 1 1 5000
nt=$(grep -c "fetch failed: no answer within the timeout" "$TB/conductd.log" || true)
cd_start_daemon
fake_wait "bad 1 trickle"
s0=$(now_ms)
cd_wait_log_count "fetch failed: no answer within the timeout" $(( nt + 1 ))
took=$(( $(now_ms) - s0 ))
tb_log "trickling fetch ended after $took ms (timeout 3 s)"
[ "$took" -le 5000 ] || tb_fail "a trickling server held the fetch for $took ms"
tb_pass "a trickling server ends the exchange within the timeout"
cd_stop_daemon TERM || tb_fail "exit status after the trickle"

# 3. No answer at all: the same, within the timeout.
fake_start stall 1 1 5001
nt=$(grep -c "fetch failed: no answer within the timeout" "$TB/conductd.log" || true)
cd_start_daemon
fake_wait "bad 1 stall"
s0=$(now_ms)
cd_wait_log_count "fetch failed: no answer within the timeout" $(( nt + 1 ))
took=$(( $(now_ms) - s0 ))
tb_log "stalled fetch ended after $took ms (timeout 3 s)"
[ "$took" -le 5000 ] || tb_fail "a stalled server held the fetch for $took ms"
tb_pass "a stalled server ends the exchange within the timeout"
cd_stop_daemon TERM || tb_fail "exit status after the stall"

# 4. SIGTERM during a stall ends the daemon at once, well within the
# timeout (30 s here).
tb_ini_set "$CONF" imap timeout 30
# term_in_stall UID WHAT: once the daemon fetches UID and the server
# stalls, SIGTERM must end it with status 0 within 2 s.
term_in_stall() {
	cd_start_daemon
	fake_wait "bad $1 stall"
	sleep 0.3
	s0=$(now_ms)
	st=0
	cd_stop_daemon TERM || st=$?
	took=$(( $(now_ms) - s0 ))
	tb_log "SIGTERM during $2: exit $st after $took ms"
	cd_expect_eq "exit status after SIGTERM during $2" "$st" 0
	[ "$took" -le 2000 ] || tb_fail "SIGTERM took $took ms during $2"
}
fake_start stall 1 1 5002
term_in_stall 1 "a stalled fetch"
tb_pass "SIGTERM during a stalled fetch ends the daemon at once"

# 4b. The same when the stalled fetch is one fetched ahead (UIDs 3 and 4
# while 1 and 2 are stored): the daemon ends at once, what was stored
# stays, and the stop is no failure of that batch's (no switch to one
# message per command).
tb_ini_set "$CONF" imap fetch_batch 2
fake_start stall 4 3 5003
term_in_stall 3 "a stalled fetch ahead"
cd_expect_eq "batch failures after the stop" "$(sqlite3 "$DB" \
    "SELECT count(*) FROM imap_held WHERE uidvalidity = 5003 AND uid = 0
    AND tries > 0")" 0
cd_expect_eq "stored before the stalled batch" "$(sqlite3 "$DB" \
    "SELECT count(*) FROM message WHERE uidvalidity = 5003")" 2
tb_pass "SIGTERM during a stalled fetch ahead ends the daemon at once"
tb_ini_set "$CONF" imap fetch_batch 100

# 5. SMTP: a server that stalls or hangs up where the reply to the end of
# DATA should come ends the send within [smtp] timeout (3 s), as a
# temporary failure.
printf 'From: conduct@example.test\r\nTo: r@example.test\r\nSubject: t\r\n\r\nhello\r\n' >"$TB/smtp.eml"
for mode in smtp-stall smtp-hangup; do
	fake_start "$mode" 1 0
	s0=$(now_ms)
	st=0
	timeout -k 2 30 "$top_builddir/tests/unit/smtp-send" -t none -T 3 \
	    127.0.0.1 "$FPORT" conduct@example.test r@example.test \
	    "$TB/smtp.eml" >"$TB/smtp.out" 2>"$TB/smtp.err" || st=$?
	took=$(( $(now_ms) - s0 ))
	tb_log "$mode: smtp-send exit $st after $took ms: $(cat "$TB/smtp.out")"
	cd_expect_eq "$mode: data reached the end" "$(fake_count "smtp end of data")" 1
	cd_expect_eq "$mode: exit status (temporary failure)" "$st" 75
	[ "$took" -le 4500 ] || tb_fail "$mode: the send took $took ms (timeout 3 s)"
done
tb_pass "a stalled or vanished SMTP server ends the send within the timeout"
