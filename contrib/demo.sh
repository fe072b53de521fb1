#!/bin/bash
# The live demo: installs what it needs from Debian's packages, builds
# conductd, starts a throwaway Dovecot and Postfix on loopback (from a
# temporary folder; nothing in /etc is touched), runs conductd against
# them, sends two sample reports (one English, one Korean), shows what was
# filed (messages, cases) and the acknowledgment that reached the
# reporter's own mailbox, and stops everything it started.  Run as root
# on Debian 12.
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
echo "== the alias's mailbox over IMAP: INBOX $(tb_imap_count conduct INBOX)," \
    "Processed $(tb_imap_count conduct Processed)"
echo "== conductd's log (ids only, no content, no addresses)"
sed 's/^/   /' "$TB/conductd.log"
echo "== stopping conductd, Dovecot and Postfix"
cd_stop_daemon TERM
