#!/bin/bash
# Recusal that cannot be undone by accident (issue 11, Build 5), with the
# committee of t-committee.sh (leads Alice and Bob, members Carol and
# Dave, backup Erin); every member's mailbox is read back over IMAP.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test

cd_setup starttls
cd_committee

pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	cd_once || tb_fail "conductd --once failed"
	cd_wait_queue
}

# A triage case (no "Reported person:" label) that names lead Alice in
# its prose, by name and by address.
cd_msend reporter1@$D conduct@$D "A committee member" \
    "I need to report Alice from your committee (alice@$D).
She shouted at me at the registration desk.
indigo marmalade"
pass 1
A=$(cd_codename reporter1)
cd_wait_grep bob 1 "Subject: [CoC $A] Conflict check" >/dev/null
cd_exactly alice 0 "$A"
cd_exactly carol 0 "$A"
tb_pass "a triage case naming Alice in prose: only Bob is asked"
