#!/bin/bash
# A refused IMAP login is permanent: with a wrong password, conductd
# --once exits 78 (EX_CONFIG) at once, and so does a daemon that never
# logged in, without retrying; the log says "authentication failed" and
# carries neither the password nor an address.  A server that cannot be
# reached stays a temporary failure (75).  (t-systemd.sh checks the slow
# retry and the STATUS= line of a daemon whose login is refused later.)
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
cd_members Alice:lead
printf 'wrong-horse-battery\n' >"$TB/wrong.pass"
chmod 600 "$TB/wrong.pass"
cp "$CONF" "$TB/good.conf"
tb_ini_set "$CONF" imap password_file "$TB/wrong.pass"

t0=$(tb__now_ms)
st=0
cd_once || st=$?
ms=$(( $(tb__now_ms) - t0 ))
cd_expect_eq "--once exit status with a wrong password" "$st" 78
echo "figure: --once with a wrong password exits after $ms ms"
[ "$ms" -lt 10000 ] || tb_fail "--once took $ms ms to give up"
grep -q "imap: authentication failed" "$TB/conductd.log" ||
    tb_fail "the log does not say the authentication failed"
grep -i "authentication failed" "$TB/conductd.log" | sed 's/^/# log: /'
grep -q "conductd: IMAP authentication failed: check \[imap\] user and password_file" \
    "$TB/conductd.log" || tb_fail "the log does not say what to check"
! grep -q "wrong-horse" "$TB/conductd.log" || tb_fail "the password is in the log"
! grep -i "authentication failed" "$TB/conductd.log" | grep -q "@" ||
    tb_fail "an address is in the log"
! grep -i "authentication failed" "$TB/conductd.log" | grep -qw conduct ||
    tb_fail "the IMAP user is in the log"
tb_pass "--once with a wrong password: exit 78 at once, a clear log line"

# A daemon whose first login is refused does not retry: it exits 78,
# which the unit does not restart (RestartPreventExitStatus=78).
: >"$TB/conductd.log"
cd_start_daemon
end=$(( $(date +%s) + 20 ))
while kill -0 "$CD_PID" 2>/dev/null; do
	[ "$(date +%s)" -lt "$end" ] ||
	    tb_fail "the daemon still runs 20 s after its login was refused"
	sleep 0.1
done
st=0
wait "$CD_PID" || st=$?
CD_PID=""
cd_expect_eq "daemon exit status with a wrong password" "$st" 78
cd_expect_eq "retries logged" "$(grep -c 'retrying in' "$TB/conductd.log" || true)" 0
tb_pass "a daemon whose first login is refused exits 78 without retrying"

# An unreachable server is temporary: 75, and no word of authentication.
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" imap port 1
: >"$TB/conductd.log"
st=0
cd_once || st=$?
cd_expect_eq "--once exit status with no server" "$st" 75
! grep -qi "authentication failed" "$TB/conductd.log" ||
    tb_fail "an unreachable server was taken for a refused login"
tb_pass "an unreachable server stays a temporary failure (75)"

cp "$TB/good.conf" "$CONF"
cd_once || tb_fail "a pass with the right password failed"
tb_pass "the right password works again"
