#!/bin/bash
# TLS: implicit TLS and STARTTLS verified against the test CA work; a
# wrong CA or the system store (which rightly does not know the test CA)
# is refused before login; plain text works only when asked for.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup tls
n=0
try_mode() {	# try_mode MODE CAFILE EXPECT(ok|refused)
	tb_conductd_conf "$CONF" "$1"
	# conductd refuses to start when a template does not render.
	tb_ini_set "$CONF" committee templates "$top_srcdir/conf/templates"
	if [ "$2" = system ]; then
		sed -i '/^ca_file/d' "$CONF"
	else
		tb_ini_set "$CONF" imap ca_file "$2"
	fi
	tb_send reporter1@example.test conduct@example.test \
	    --header "Subject: tls $1" --body "over $1"
	tb_imap_wait_count conduct INBOX 1 20
	: >"$TB/conductd.log"
	st=0
	cd_once || st=$?
	if [ "$3" = ok ]; then
		cd_expect_eq "exit status with $1 and $(basename "$2")" "$st" 0
		n=$((n + 1))
		cd_expect_eq "stored with $1" "$(cd_count)" "$n"
	else
		cd_expect_eq "exit status with $1 and $(basename "$2")" "$st" 75
		grep -qi 'certificate' "$TB/conductd.log" ||
		    tb_fail "no certificate error logged for $1/$2"
		cd_expect_eq "stored with a refused $1" "$(cd_count)" "$n"
		cd_expect_eq "INBOX untouched" "$(tb_imap_count conduct INBOX)" 1
		# take the mail with a good CA before the next case
		tb_ini_set "$CONF" imap ca_file "$TB_CA"
		cd_once || tb_fail "recovery pass"
		n=$((n + 1))
	fi
}
try_mode tls "$TB_CA" ok
try_mode starttls "$TB_CA" ok
try_mode tls "$TB_WRONG_CA" refused
try_mode starttls "$TB_WRONG_CA" refused
try_mode tls system refused
try_mode none "$TB_CA" ok
