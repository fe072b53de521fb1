#!/bin/bash
# conductctl check-config against the test bed: everything passes with a
# good configuration (a committee with a lead, IMAP login, processed
# folder, SMTP login, and a probe to a sub-address found in the alias's
# mailbox); a committee without a lead fails with exit status 78, a wrong
# password or a missing processed folder with 69.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
cp "$CONF" "$TB/nolead.conf"
cd_members Alice:lead Bob:member Erin:backup
# conductd has run once, so the processed folder exists.
cd_once || tb_fail "pass failed"
out=$(cd_ctl check-config 2>&1) || tb_fail "check-config failed: $out"
echo "$out"
for line in "^ok   IMAP login" "^ok   SMTP login" "^ok   sub-addressing" \
    "^ok   template: ack" \
    "^ok   committee: 1 lead(s), 1 member(s), 1 backup(s)$" \
    "^all checks passed"; do
	echo "$out" | grep -q "$line" || tb_fail "no '$line' in: $out"
done
tb_pass "check-config passes on a good configuration"
echo "$out" | grep -q "^warn authserv_id is not set" ||
    tb_fail "no warning that authserv_id is unset: $out"
# authserv_id set, but the test bed's server writes no such header: a
# warning (t-forged.sh has a server that does, and gets "ok").
cp "$CONF" "$TB/noauth.conf"
tb_ini_set "$CONF" committee authserv_id mail.example.test
out=$(cd_ctl check-config 2>&1) || tb_fail "check-config failed: $out"
echo "$out" | grep -q "^warn the probe arrived without an Authentication-Results header of mail.example.test" ||
    tb_fail "no warning that the server writes no Authentication-Results: $out"
! echo "$out" | grep -q "^warn authserv_id is not set" ||
    tb_fail "authserv_id is set, yet check-config says it is not: $out"
cp "$TB/noauth.conf" "$CONF"
tb_pass "check-config weighs authserv_id"
cd_expect_eq "probes left in INBOX" "$(tb_imap_count conduct INBOX)" 0
cd_expect_eq "probes left in Processed" "$(tb_imap_count conduct Processed)" 0

# A committee without a lead: the servers are fine, the config is not.
cp "$CONF" "$TB/good.conf"
cp "$TB/nolead.conf" "$CONF"
cd_members Bob:member Erin:backup
st=0
out=$(cd_ctl check-config 2>&1) || st=$?
cd_expect_eq "exit status without a lead" "$st" 78
echo "$out" | grep -q '^FAIL committee: 0 lead(s).*no \[member\] has role lead' ||
    tb_fail "no committee failure: $out"
echo "$out" | grep -q '^ok   sub-addressing' ||
    tb_fail "the server checks did not run: $out"
tb_pass "a committee without a lead fails the check (exit 78)"
! grep -q "no \[member\] has role lead" "$TB/conductd.log" ||
    tb_fail "conductd warned about a lead it has"
cd_once || tb_fail "pass without a lead failed"
grep -q "warn: conductd: no \[member\] has role lead" "$TB/conductd.log" ||
    tb_fail "conductd did not warn that no member is a lead"
tb_pass "conductd runs without a lead, and says so in its log"
cp "$TB/good.conf" "$CONF"

# A wrong IMAP password.
printf 'not-the-password\n' >"$TB/wrong.pass"
chmod 600 "$TB/wrong.pass"
cp "$CONF" "$TB/good.conf"
tb_ini_set "$CONF" imap password_file "$TB/wrong.pass"
st=0
out=$(cd_ctl check-config 2>&1) || st=$?
cd_expect_eq "exit status with a wrong IMAP password" "$st" 69
echo "$out" | grep -q '^FAIL IMAP login' || tb_fail "no IMAP failure: $out"
tb_pass "a wrong IMAP password fails the check"

# A wrong SMTP password.
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" smtp password_file "$TB/wrong.pass"
st=0
out=$(cd_ctl check-config 2>&1) || st=$?
cd_expect_eq "exit status with a wrong SMTP password" "$st" 69
echo "$out" | grep -q '^FAIL SMTP login' || tb_fail "no SMTP failure: $out"
tb_pass "a wrong SMTP password fails the check"

# A processed folder that does not exist is reported, not created.
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" imap processed_mailbox Nowhere
st=0
out=$(cd_ctl check-config 2>&1) || st=$?
cd_expect_eq "exit status with a missing folder" "$st" 69
echo "$out" | grep -q 'processed folder does not exist' ||
    tb_fail "no missing-folder failure: $out"
tb_pass "a missing processed folder fails the check and is not created"

# conductd -n's checks come first: a bad key is a configuration error.
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" imap tls maybe
st=0
cd_ctl check-config >/dev/null 2>&1 || st=$?
cd_expect_eq "exit status with a bad value" "$st" 78
