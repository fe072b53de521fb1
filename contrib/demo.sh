#!/bin/bash
# The live demo: installs what it needs from Debian's packages, builds
# conductd, starts a throwaway Dovecot and Postfix on loopback (from a
# temporary folder; nothing in /etc is touched), runs conductd against
# them with a committee of five, sends two sample reports (one English,
# one Korean), shows what was filed (messages, cases), the acknowledgments
# that reached the reporters' own mailboxes (the Korean one in Korean),
# the conflict check a member
# got, and a lead's "#noconflict" answered with the report; then stops
# everything it started.  Run as root on Debian 12.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" -eq 0 ]; then
	sh contrib/install-deps.sh
fi
echo "== building conductd (build-demo/)"
[ -x configure ] || ./autogen.sh >/dev/null 2>&1
mkdir -p build-demo
(cd build-demo && { [ -f Makefile ] || ../configure -q; } &&
    make -s -j"$(nproc)" conductd conductctl) >/dev/null

export top_srcdir="$top" top_builddir="$top/build-demo"
. "$top/tests/e2e/cdlib.sh"

echo "== starting Dovecot and Postfix on loopback"
cd_setup tls
echo "   IMAPS 127.0.0.1:$TB_IMAPS_PORT, SMTP 127.0.0.1:$TB_SMTP_PORT, in $TB"
echo "== conductctl init"
sed 's/^/   /' "$TB/init.out"

cd_committee
# Bob reads conductd's mail in Korean ([member] language).
tb_ini_set "$CONF" "member Bob" language ko
echo "== the committee: conductctl members (Bob reads his mail in Korean)"
cd_ctl members | sed 's/^/   /'

echo "== starting conductd (waits in IMAP IDLE)"
cd_start_daemon
cd_wait_log "waiting for new mail"

echo "== sending two reports to conduct@example.test with swaks"
tb_send_file reporter1@example.test conduct@example.test \
    "$top/tests/data/reports/english.eml"
tb_send_file reporter2@example.test conduct@example.test \
    "$top/tests/data/reports/korean.eml"
cd_wait_count 2
tb_imap_wait_count conduct Processed 2 20
tb_imap_wait_count reporter1 INBOX 1 20
tb_imap_wait_count reporter2 INBOX 1 20

echo
echo "== conductctl messages"
cd_ctl messages
echo
id=$(cd_ctl messages | awk 'NR > 1 { print $1 }' | tail -1)
echo "== conductctl show-message $id"
cd_ctl show-message "$id"
echo
echo "== conductctl cases (the status sheet)"
cd_ctl cases
echo
code=$(cd_code 1)
echo "== conductctl show $code (first part)"
cd_ctl show "$code" | sed -n '1,/^---- the report/p'
echo
echo "== the acknowledgment in reporter1's own mailbox, read over IMAP"
uid=$(tb_imap_uids reporter1 INBOX | head -1)
tb_imap_fetch reporter1 INBOX "$uid" | tr -d '\r' >"$TB/ack.eml"
sed -n '/^Date:/,/^$/p' "$TB/ack.eml"
# the body is quoted-printable on the wire; decoded here for reading
sed '1,/^$/d' "$TB/ack.eml" |
    perl -MMIME::QuotedPrint -0777 -ne 'print decode_qp($_)'
echo
# show_mail FILE N: From, To and Subject of a fetched mail, and the
# first N lines of its decoded text.
show_mail() {
	sed -n '1,/^$/{/^From:/p;/^To:/p;/^Subject:/p;}' "$(cd_txt "$1")" |
	    sed 's/^/   /'
	sed '1,/^$/d' "$(cd_txt "$1")" | head -n "$2" | sed 's/^/   /'
}

ko=$(cd_code 2)
echo "== the Korean report's acknowledgment in reporter2's mailbox: in Korean,"
echo "   the language conductd is sure the report is written in"
cd_ctl show "$ko" | grep '^Language' | sed 's/^/   /'
cd_sync reporter2
show_mail "$(cd_grep reporter2 "[CoC $ko]" | head -1)" 100
echo

echo "== each member's mailbox over IMAP"
for u in alice:2 bob:2 carol:1 dave:1; do
	tb_imap_wait_count "${u%:*}" INBOX "${u#*:}" 20
done
cd_wait_queue
for u in alice bob carol dave erin; do
	echo "   $u: $(tb_imap_count "$u" INBOX) message(s)"
done
echo "   (a conflict check for the English report to the leads and members;"
echo "   the Korean report names nobody, so only the leads are asked, and"
echo "   the backup Erin gets nothing while the leads can take the cases)"
echo
echo "== the conflict check for $code in alice's mailbox: the code name and"
echo "   the reported person, never the reporter or the report"
cd_sync alice
f=$(cd_grep alice "Subject: [CoC $code] Conflict check" | head -1)
show_mail "$f" 100
echo
echo "== the same conflict check in bob's mailbox: in Korean, his language"
cd_sync bob
f=$(cd_grep bob "Subject: [CoC $code] " | head -1)
show_mail "$f" 8
echo "   ..."
echo
echo "== alice answers #noconflict from her mail client; the report follows"
cd_msend alice@example.test "$(cd_maddr alice "$code")" "Re: conflict check" \
    "#noconflict"
tb_imap_wait_count alice INBOX 3 20
cd_sync alice
f=$(cd_grep alice "Subject: [CoC $code]" "marmalade" | head -1)
[ -n "$f" ] || tb_fail "alice did not get the report"
show_mail "$f" 12
echo "   ..."
echo "   (bob, carol and dave have not answered: they get nothing more)"
echo
echo "== the alias's mailbox over IMAP: INBOX $(tb_imap_count conduct INBOX)," \
    "Processed $(tb_imap_count conduct Processed)"
echo "== conductd's log (ids only, no content, no addresses)"
sed 's/^/   /' "$TB/conductd.log"
echo "== stopping conductd, Dovecot and Postfix"
cd_stop_daemon TERM
