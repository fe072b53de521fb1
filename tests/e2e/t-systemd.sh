#!/bin/bash
# systemd: the units built from contrib/conductd.service.in and
# contrib/conductd@.service.in pass "systemd-analyze verify", rate 2.0 or
# lower in the offline security review, share one sandbox, and check the
# configuration (conductd -n) before the SIGHUP of a reload; and conductd, given a stand-in notification socket
# (tests/unit/notify-listen), sends READY=1 after its first IMAP login,
# WATCHDOG=1 every second for WATCHDOG_USEC=2 s while it waits in IDLE,
# RELOADING=1 then READY=1 around a reload (valid or refused), a STATUS=
# line naming a refused reload (file, line, key, reason) and a normal one
# after a good reload, a STATUS= line and a slow retry (60 s, not 1 s)
# when a reload brings a password the IMAP server refuses, and
# STOPPING=1 on SIGTERM.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

UNIT=$top_builddir/contrib/conductd.service
TMPL=$top_builddir/contrib/conductd@.service
LISTEN=$top_builddir/tests/unit/notify-listen
NL_PID=""

command -v systemd-analyze >/dev/null 2>&1 ||
    tb_skip "systemd-analyze not installed (Debian: systemd)"
for u in "$UNIT" "$TMPL"; do
	[ -f "$u" ] || tb_fail "$u not built (make check builds it)"
done

nl_stop() {
	[ -n "$NL_PID" ] || return 0
	if grep -q "$TB" "/proc/$NL_PID/cmdline" 2>/dev/null; then
		kill -TERM "$NL_PID" 2>/dev/null || true
	fi
	wait "$NL_PID" 2>/dev/null || true
	NL_PID=""
}

t_exit() {
	local rc=$?
	set +e
	nl_stop
	(exit "$rc")
	cd_cleanup
}

# nl_count REGEX: datagrams received so far matching REGEX (whole line).
nl_count() {
	grep -c -E -x -- "$1" "$TB/notify.out" 2>/dev/null || true
}

# nl_wait REGEX N [SECONDS]: waits (bounded) for N datagrams matching.
nl_wait() {
	local end=$(( $(date +%s) + ${3:-$TB_TIMEOUT} ))
	while [ "$(nl_count "$1")" -lt "$2" ]; do
		[ "$(date +%s)" -lt "$end" ] || {
			sed 's/^/#   notify: /' "$TB/notify.out" >&2
			tb_fail "timed out waiting for $2 datagram(s) '$1'," \
			    "have $(nl_count "$1")"
		}
		sleep 0.05
	done
}

cd_setup starttls
trap t_exit EXIT

# ---------------------------------------------------- systemd-analyze
# verify checks that the programs of ExecStart= and ExecReload= exist, and
# conductd does not before "make install": check copies that run the
# conductd just built, the only lines that differ.  Documentation= is
# checked with man(1) against the pages in the source tree.  verify
# checks the template as the instance conductd@i.
mkdir -p "$TB/unit" "$TB/man/man5" "$TB/man/man8"
for u in "$UNIT" "$TMPL"; do
	c=$TB/unit/${u##*/}
	sed "s|^\(Exec[A-Za-z]*=\)/[^ ]*/conductd |\1$top_builddir/conductd |" \
	    "$u" >"$c"
	changed=$(diff "$u" "$c" | grep -c '^[<>]' || true)
	cd_expect_eq "lines changed in the copy of ${u##*/}" "$changed" 4
done
ln -s "$top_srcdir/man/conductd.8" "$TB/man/man8/conductd.8"
ln -s "$top_srcdir/man/conductd.conf.5" "$TB/man/man5/conductd.conf.5"
manopt=""
if command -v man >/dev/null 2>&1; then
	export MANPATH=$TB/man
else
	manopt=--man=no
	tb_log "man(1) not installed: Documentation= not checked"
fi
for u in conductd.service conductd@.service; do
	st=0
	out=$(systemd-analyze verify $manopt "$TB/unit/$u" 2>&1) || st=$?
	if [ "$st" != 0 ] || printf '%s\n' "$out" | grep -q conductd; then
		printf '%s\n' "$out" | sed 's/^/#   /' >&2
		tb_fail "systemd-analyze verify $u (exit $st)"
	fi
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# (other units) /'
	tb_pass "systemd-analyze verify $u is clean"
done
unset MANPATH

for u in "$UNIT" "$TMPL"; do
	out=$(systemd-analyze security --offline=true "$u" 2>&1) ||
	    { printf '%s\n' "$out" >&2; tb_fail "systemd-analyze security"; }
	score=$(printf '%s\n' "$out" | sed -n \
	    's/.*Overall exposure level for [^:]*: *\([0-9][0-9.]*\).*/\1/p')
	[ -n "$score" ] ||
	    { printf '%s\n' "$out" >&2; tb_fail "no exposure score"; }
	echo "figure: systemd-analyze security exposure of ${u##*/}: $score"
	awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || {
		printf '%s\n' "$out" | grep -v '^✓' | sed 's/^/#   /' >&2
		tb_fail "exposure of ${u##*/} $score is above 2.0"
	}
	tb_pass "exposure of ${u##*/} $score <= 2.0"
done

# The template runs the same sandbox as the unit: every line from
# User= on but comments is the same but for the state folder's instance.
sandbox() {
	sed -n '/^User=/,$p' "$1" | sed -e '/^#/d' -e 's|conductd/%i$|conductd|'
}
sandbox "$UNIT" >"$TB/sandbox.unit"
sandbox "$TMPL" >"$TB/sandbox.tmpl"
diff "$TB/sandbox.unit" "$TB/sandbox.tmpl" >&2 ||
    tb_fail "conductd@.service's sandbox differs from conductd.service's"
tb_pass "conductd@.service has conductd.service's sandbox"

# A reload runs conductd -n on the unit's own configuration, then sends
# SIGHUP; and the check really fails on a broken configuration.
for u in "$UNIT" "$TMPL"; do
	start=$(sed -n 's/^ExecStart=\([^ ]*\) -d -f \(.*\)/\1 -n -f \2/p' "$u")
	first=$(sed -n 's/^ExecReload=//p' "$u" | head -1)
	second=$(sed -n 's/^ExecReload=//p' "$u" | sed -n 2p)
	cd_expect_eq "${u##*/}: first ExecReload=" "$first" "$start"
	cd_expect_eq "${u##*/}: second ExecReload=" "$second" \
	    "/bin/sh -c 'kill -HUP \"\$\$MAINPID\"'"
done
cp "$CONF" "$TB/broken.conf"
tb_ini_set "$TB/broken.conf" daemon poll_interval not-a-number
st=0
"$CONDUCTD" -n -f "$TB/broken.conf" >"$TB/check.out" 2>&1 || st=$?
cd_expect_eq "conductd -n on a broken configuration" "$st" 78
# The test's own, with the lead conductd -n asks for.
cp "$CONF" "$TB/good.conf"
printf '\n[member Alice]\nemail = alice@example.test\nrole = lead\n' \
    >>"$TB/good.conf"
"$CONDUCTD" -n -f "$TB/good.conf" >"$TB/check.out" 2>&1 ||
    { cat "$TB/check.out" >&2; tb_fail "conductd -n on the test's own"; }
tb_pass "ExecReload= checks the configuration with conductd -n first"

# ---------------------------------------------------- sd_notify
grep -q '^#define HAVE_SYSTEMD 1' "$top_builddir/autoconf.h" ||
    tb_skip "conductd built without libsystemd: sd_notify not tested"

SOCK=$TB/notify.sock
"$LISTEN" "$SOCK" >"$TB/notify.out" 2>"$TB/notify.err" &
NL_PID=$!
tb_wait_for grep -q listening "$TB/notify.err"

tb_ini_set "$CONF" daemon poll_interval 3600
cp "$CONF" "$TB/conductd.conf.good"
t0=$(date +%s)
# WATCHDOG_PID must be conductd's own PID: set it in the shell that execs it.
NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=2000000 setsid bash -c \
    'export WATCHDOG_PID=$$; exec "$0" -f "$1" -d' "$CONDUCTD" "$CONF" \
    >>"$TB/conductd.log" 2>&1 &
CD_PID=$!
echo "$CD_PID" >"$TB/conductd.pid.cd"

nl_wait 'READY=1' 1
grep -q 'imap: mailbox selected' "$TB/conductd.log" ||
    tb_fail "READY=1 came before the IMAP login"
tb_pass "READY=1 after the first IMAP login"

cd_wait_log "waiting for new mail (IDLE"
n=$(nl_count 'WATCHDOG=1')
nl_wait 'WATCHDOG=1' $(( n + 2 )) 5
tb_pass "WATCHDOG=1 twice within 5 s while waiting in IDLE (interval 1 s)"

tb_send reporter1@example.test conduct@example.test \
    --header "Subject: watchdog" --body "a report while the watchdog runs"
cd_wait_count 1
tb_pass "a report is fetched at once while IDLE is cut into watchdog slices"

kill -HUP "$CD_PID"
nl_wait 'READY=1' 2
awk '/^RELOADING=1 MONOTONIC_USEC=[0-9]+$/ && !r { r = NR }
    /^READY=1$/ && r && NR > r { ok = 1 }
    END { exit !ok }' "$TB/notify.out" ||
    tb_fail "no RELOADING=1 (with MONOTONIC_USEC) before the second READY=1"
cd_wait_log "configuration reloaded"
tb_pass "RELOADING=1, then READY=1 after SIGHUP"

tb_ini_set "$CONF" daemon poll_interval not-a-number
kill -HUP "$CD_PID"
nl_wait 'READY=1' 3
cd_expect_eq "RELOADING=1 datagrams" \
    "$(nl_count 'RELOADING=1 MONOTONIC_USEC=[0-9]+')" 2
cd_wait_log "reload refused"
tb_pass "RELOADING=1, then READY=1 after a refused reload"
line=$(grep -n '^poll_interval = not-a-number' "$CONF" | cut -d: -f1)
want="STATUS=reload refused: $CONF:$line: [daemon] poll_interval: must be a whole number - running the previous configuration"
nl_wait "$(printf '%s' "$want" | sed 's/[][\\.*^$]/\\&/g')" 1 5
tb_pass "STATUS= names the refused reload: file, line, key, reason"

cp "$TB/conductd.conf.good" "$CONF"
kill -HUP "$CD_PID"
nl_wait 'READY=1' 4
# The first good reload said it once, this one says it again.
nl_wait 'STATUS=running \(configuration reloaded\)' 2 5
tb_pass "STATUS= is a normal one again after a good reload"

# A reload to a password the server refuses: the login is retried
# slowly, and STATUS= says why; a reload with the right one retries at
# once.
printf 'wrong-horse-battery\n' >"$TB/wrong.pass"
chmod 600 "$TB/wrong.pass"
tb_ini_set "$CONF" imap password_file "$TB/wrong.pass"
kill -HUP "$CD_PID"
nl_wait 'STATUS=IMAP authentication failed: check \[imap\] user and password_file, then reload; retrying in 60 s' 1 10
cd_wait_log "conductd: retrying in 60 s"
grep -q "imap: authentication failed" "$TB/conductd.log" ||
    tb_fail "no authentication failure in the log"
! grep -q "wrong-horse" "$TB/conductd.log" || tb_fail "the password is logged"
tb_pass "a refused login: STATUS= names it, the retry waits 60 s"
n=$(grep -c 'imap: mailbox selected' "$TB/conductd.log")
r=$(nl_count 'STATUS=running')
cp "$TB/conductd.conf.good" "$CONF"
kill -HUP "$CD_PID"
cd_wait_log_count 'imap: mailbox selected' $(( n + 1 ))
nl_wait 'STATUS=running' $(( r + 1 )) 10
cd_expect_eq "logins refused" \
    "$(grep -c 'imap: authentication failed' "$TB/conductd.log")" 1
tb_pass "a reload with the right password logs in at once"

st=0
cd_stop_daemon TERM || st=$?
cd_expect_eq "exit status after SIGTERM" "$st" 0
nl_wait 'STOPPING=1' 1
last=$(tail -n 1 "$TB/notify.out")
cd_expect_eq "last datagram" "$last" "STOPPING=1"
tb_pass "STOPPING=1 on SIGTERM"

# No busy loop: about one WATCHDOG=1 a second, not hundreds.
elapsed=$(( $(date +%s) - t0 + 1 ))
n=$(nl_count 'WATCHDOG=1')
[ "$n" -le $(( elapsed * 4 + 10 )) ] ||
    tb_fail "$n WATCHDOG=1 in $elapsed s: the waits are not sliced right"
echo "figure: $n WATCHDOG=1 in $elapsed s"
tb_pass "the watchdog is fed at its interval"
grep '^STATUS=' "$TB/notify.out" | uniq | sed 's/^/# notify: /'
