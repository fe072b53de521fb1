#!/bin/bash
# conductctl check-config against the test bed: everything passes with a
# good configuration (a committee with a lead, IMAP login, processed
# folder, SMTP login, and a probe to a sub-address found in the alias's
# mailbox); a committee without a lead or a missing ca_file fails with
# exit status 78 (the checks conductd -n runs too), a wrong password with
# 69; a missing processed folder is created, as conductd would; and no
# probe is ever left behind, also when a check fails.
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
grep -q "warn: conductd: .*no \[member\] has role lead" "$TB/conductd.log" ||
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
echo "$out" | grep -q '^skip SMTP submission and sub-addressing' ||
    tb_fail "a probe was sent with no IMAP session to delete it: $out"
cd_expect_eq "probes left in INBOX after a failed IMAP login" \
    "$(tb_imap_count conduct INBOX)" 0
tb_pass "a wrong IMAP password fails the check, and no probe is left behind"

# A wrong SMTP password.
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" smtp password_file "$TB/wrong.pass"
st=0
out=$(cd_ctl check-config 2>&1) || st=$?
cd_expect_eq "exit status with a wrong SMTP password" "$st" 69
echo "$out" | grep -q '^FAIL SMTP login' || tb_fail "no SMTP failure: $out"
tb_pass "a wrong SMTP password fails the check"

# A fresh mailbox: the processed folder does not exist yet.  check-config
# creates it, as conductd would at its first login, and says so.
folder_listed() {
	tb__curl_imap conduct "" -X "LIST \"\" $1" 2>/dev/null | tr -d '\r' |
	    grep -q "^\* LIST .* \"*$1\"*\$"
}
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" imap processed_mailbox Fresh
! folder_listed Fresh || tb_fail "the folder Fresh exists before the check"
out=$(cd_ctl check-config 2>&1) ||
    tb_fail "check-config failed on a fresh mailbox: $out"
echo "$out" | grep -q '^ok   processed folder Fresh created' ||
    tb_fail "no word that the processed folder was created: $out"
echo "$out" | grep -q '^all checks passed' || tb_fail "not all passed: $out"
folder_listed Fresh || tb_fail "the folder Fresh was not created"
cd_expect_eq "messages in the created folder" "$(tb_imap_count conduct Fresh)" 0
cd_expect_eq "probes left in INBOX" "$(tb_imap_count conduct INBOX)" 0
out=$(cd_ctl check-config 2>&1) || tb_fail "second check-config: $out"
! echo "$out" | grep -q 'processed folder Fresh created' ||
    tb_fail "the folder was created twice: $out"
tb_pass "a missing processed folder is created, the probe deleted"

# A ca_file that does not exist: a configuration error, named with its
# line, as conductd -n names it; the server checks still run.
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" imap ca_file "$TB/missing-ca.pem"
st=0
out=$(cd_ctl check-config 2>&1) || st=$?
cd_expect_eq "exit status with a missing ca_file" "$st" 78
line=$(grep -n "^ca_file = $TB/missing-ca.pem" "$CONF" | cut -d: -f1)
echo "$out" | grep -qF "FAIL [imap] ca_file: $CONF:$line: [imap] ca_file: $TB/missing-ca.pem: No such file or directory" ||
    tb_fail "no ca_file failure: $out"
st=0
nout=$("$CONDUCTD" -n -f "$CONF" 2>&1) || st=$?
cd_expect_eq "conductd -n with a missing ca_file" "$st" 78
echo "$nout" | grep -qF "$CONF:$line: [imap] ca_file: $TB/missing-ca.pem: No such file or directory" ||
    tb_fail "conductd -n words it otherwise: $nout"
cd_expect_eq "probes left in INBOX" "$(tb_imap_count conduct INBOX)" 0
tb_pass "a missing ca_file fails check-config and conductd -n alike (78)"

# conductd -n's checks come first: a bad key is a configuration error.
cp "$TB/good.conf" "$CONF"
tb_ini_set "$CONF" imap tls maybe
st=0
cd_ctl check-config >/dev/null 2>&1 || st=$?
cd_expect_eq "exit status with a bad value" "$st" 78
