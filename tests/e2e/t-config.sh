#!/bin/bash
# conductd -n: a good config passes; a bad one fails with every error
# given as file:line: [section] key: reason, and exit status 78; secret
# files readable by others are refused; and the checks that need no
# server, which conductctl check-config runs too (confcheck.c), fail it:
# no lead, a missing key file, a missing ca_file.
set -eu
. "$top_srcdir/tests/e2e/lib.sh"
tb_init
tb_start	# for the ports in the config; the servers are not used
CONDUCTD="$top_builddir/conductd"
CONF="$TB/conductd.conf"
# good_conf: the test bed's config with a lead (the key is made below).
good_conf() {
	tb_conductd_conf "$CONF" tls
	tb_ini_set "$CONF" committee templates "$top_srcdir/conf/templates"
	printf '\n[member Alice]\nemail = alice@example.test\nrole = lead\n' \
	    >>"$CONF"
}
good_conf

# Before conductctl init there is no key: -n says so, with the key's line.
st=0
out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
[ "$st" -eq 78 ] || tb_fail "no key file, exit status $st: $out"
line=$(grep -n '^key_file' "$CONF" | cut -d: -f1)
echo "$out" | grep -qF "$CONF:$line: [daemon] key_file: $TB/state/conductd.key: No such file or directory (run conductctl init first)" ||
    tb_fail "no key_file error: $out"
tb_pass "conductd -n refuses a config whose key file does not exist yet"
"$top_builddir/conductctl" -f "$CONF" init >/dev/null || tb_fail "init"

out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || tb_fail "a good config fails: $out"
echo "$out" | grep -q 'configuration OK' || tb_fail "no OK: $out"
tb_pass "conductd -n accepts a good config"

# No lead: the reports that name nobody, and the alarms, reach no one.
cp "$CONF" "$TB/good.conf"
sed -i 's/^role = lead$/role = member/' "$CONF"
st=0
out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
[ "$st" -eq 78 ] || tb_fail "a config without a lead: exit status $st: $out"
echo "$out" | grep -qF "$CONF: [member] role: no [member] has role lead" ||
    tb_fail "no lead error: $out"
! echo "$out" | grep -q 'configuration OK' || tb_fail "OK without a lead: $out"
tb_pass "conductd -n refuses a committee without a lead (exit 78)"

# A ca_file that does not exist, in [imap] and in [smtp]: both named.
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" imap ca_file "$TB/no-such-ca.pem"
tb_ini_set "$CONF" smtp ca_file "$TB/no-such-ca2.pem"
st=0
out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
[ "$st" -eq 78 ] || tb_fail "a missing ca_file: exit status $st: $out"
l1=$(grep -n "^ca_file = $TB/no-such-ca.pem" "$CONF" | cut -d: -f1)
l2=$(grep -n "^ca_file = $TB/no-such-ca2.pem" "$CONF" | cut -d: -f1)
echo "$out" | grep -qF "$CONF:$l1: [imap] ca_file: $TB/no-such-ca.pem: No such file or directory" ||
    tb_fail "no [imap] ca_file error: $out"
echo "$out" | grep -qF "$CONF:$l2: [smtp] ca_file: $TB/no-such-ca2.pem: No such file or directory" ||
    tb_fail "no [smtp] ca_file error: $out"
tb_pass "conductd -n names each missing ca_file with its file and line"

# The daemon refuses to start on the same checks, with status 78.
st=0
"$CONDUCTD" -f "$CONF" --once >"$TB/once.out" 2>&1 || st=$?
[ "$st" -eq 78 ] || tb_fail "conductd started with a missing ca_file ($st)"
grep -q "\[imap\] ca_file: .*No such file" "$TB/once.out" ||
    tb_fail "the start does not say why: $(cat "$TB/once.out")"
tb_pass "conductd does not start with a missing ca_file (exit 78)"
cp "$TB/good.conf" "$CONF"

tb_ini_set "$CONF" imap tls sometimes
tb_ini_set "$CONF" daemon poll_interval soon
printf "[committee]\ncolour = blue\n" >>"$CONF"
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

good_conf
chmod 0644 "$TB/conduct.pass"
st=0
out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
[ "$st" -eq 78 ] || tb_fail "a world-readable password file was accepted"
echo "$out" | grep -q 'password_file: .*readable by group or others' ||
    tb_fail "no reason given: $out"
tb_pass "a password file readable by others is refused"
chmod 0600 "$TB/conduct.pass"

chmod 0644 "$TB/state/conductd.key"
st=0
out=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
[ "$st" -eq 78 ] || tb_fail "a world-readable key file was accepted"
echo "$out" | grep -q 'key_file: .*readable by group or others' ||
    tb_fail "no reason given: $out"
tb_pass "a key file readable by others is refused"
