#!/bin/bash
# conductd -n: a good config passes; a bad one fails with every error
# given as file:line: [section] key: reason, and exit status 78; secret
# files readable by others are refused.
set -eu
. "$top_srcdir/tests/e2e/lib.sh"
tb_init
tb_start	# for the ports in the config; the servers are not used
CONDUCTD="$top_builddir/conductd"
CONF="$TB/conductd.conf"
tb_conductd_conf "$CONF" tls

out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || tb_fail "a good config fails: $out"
echo "$out" | grep -q 'configuration OK' || tb_fail "no OK: $out"
tb_pass "conductd -n accepts a good config"

tb_ini_set "$CONF" imap tls sometimes
tb_ini_set "$CONF" daemon poll_interval soon
echo "colour = blue" >>"$CONF"
st=0
out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
[ "$st" -eq 78 ] || tb_fail "exit status $st, expected 78"
line_tls=$(grep -n '^tls = sometimes' "$CONF" | cut -d: -f1)
line_poll=$(grep -n '^poll_interval = soon' "$CONF" | cut -d: -f1)
line_colour=$(grep -n '^colour' "$CONF" | cut -d: -f1)
echo "$out" | grep -qF "$CONF:$line_tls: [imap] tls: must be tls, starttls or none" ||
    tb_fail "tls error missing: $out"
echo "$out" | grep -qF "$CONF:$line_poll: [daemon] poll_interval: must be a whole number" ||
    tb_fail "poll_interval error missing: $out"
echo "$out" | grep -qF "$CONF:$line_colour: [committee] colour: unknown key" ||
    tb_fail "unknown key error missing: $out"
tb_pass "all three errors reported together with file and line"

tb_conductd_conf "$CONF" tls
chmod 0644 "$TB/conduct.pass"
st=0
out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
[ "$st" -eq 78 ] || tb_fail "a world-readable password file was accepted"
echo "$out" | grep -q 'password_file: .*readable by group or others' ||
    tb_fail "no reason given: $out"
tb_pass "a password file readable by others is refused"
chmod 0600 "$TB/conduct.pass"

"$top_builddir/conductctl" -f "$CONF" init >/dev/null || tb_fail "init"
chmod 0644 "$TB/state/conductd.key"
st=0
out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
[ "$st" -eq 78 ] || tb_fail "a world-readable key file was accepted"
echo "$out" | grep -q 'key_file: .*readable by group or others' ||
    tb_fail "no reason given: $out"
tb_pass "a key file readable by others is refused"
