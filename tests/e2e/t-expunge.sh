#!/bin/bash
# What stays on the IMAP server (issue 11, Build 3), end to end on the
# real test bed with the controllable clock.  Committee: leads Alice and
# Bob, member Carol; every copy is looked up in the alias's Processed
# folder by its Message-ID over IMAP.
#   - processed_keep = 30 (the default): a report stays 29 days, is gone
#     after 31; a #conflict answer (content dropped) goes on its pass;
#   - conductctl purge expunges the purged case's copies (the report and
#     the leads' command mail) at once, another case's stay;
#   - purge with Dovecot down: the database is purged, the copies are left
#     for conductd's next pass, which removes them once Dovecot is back;
#   - the Processed folder rebuilt (a new UIDVALIDITY, the old UIDs
#     meaningless): purge finds the case's copies by Message-ID and leaves
#     a message that is not conductd's alone;
#   - processed_keep = 0: the report is gone from the server after the pass
#     that stored it, its case and acknowledgment made as always;
#   - processed_keep = keep: a report is still there after 400 days.
# The log holds counts only: no address, no Message-ID.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
DAY=86400
export TZ=UTC
command -v sqlite3 >/dev/null 2>&1 || tb_skip "sqlite3 (the CLI) not installed"
command -v python3 >/dev/null 2>&1 || tb_skip "python3 not installed"

cd_setup starttls
cd_members Alice:lead Bob:lead Carol:member
DB=$TB/state/conductd.db
q() { sqlite3 "$DB" "$1"; }

# in_processed MSGID: how many messages of the alias's Processed folder
# carry that Message-ID.
in_processed() {
	local out
	out=$(tb__curl_imap conduct Processed \
	    -X "UID SEARCH HEADER Message-ID \"<$1>\"" 2>&1) ||
	    tb_fail "IMAP search of Processed failed: $out"
	printf '%s\n' "$out" | tr -d '\r' | sed -n 's/^\* SEARCH//p' | wc -w
}

# expect_copies MSGID N WHY
expect_copies() {
	cd_expect_eq "copies of <$1> in Processed ($3)" "$(in_processed "$1")" "$2"
}

pass() { cd_pass "$@"; }

# report FROM ID: a report naming a stranger, Message-ID <exp-report-ID@D>.
report() {
	cat >"$TB/report-$2.eml" <<EOF
From: Rowan Reporter <$1@$D>
To: conduct@$D
Subject: Report: trouble at the venue ($2)
Message-ID: <exp-report-$2@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Location: the main hall
Description: an attendee kept shouting "umber_$2" at me.
Reported person: Yuri Stone (yuri@elsewhere.test)
EOF
	tb_send_file "$1@$D" "conduct@$D" "$TB/report-$2.eml"
}

# member_mail FROM TO ID BODY: member mail with Message-ID <exp-cmd-ID@D>.
member_mail() {
	cat >"$TB/cmd-$3.eml" <<EOF
From: $1
To: $2
Subject: Re: conduct
Message-ID: <exp-cmd-$3@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

$4
EOF
	tb_send_file "$1" "$2" "$TB/cmd-$3.eml"
}

# close CODE ID OFFSET: Alice answers #noconflict, then closes the case.
close() {
	member_mail alice@$D "$(cd_maddr alice "$1")" "$2-a" "#noconflict"
	pass 1 "$3"
	member_mail alice@$D "$(cd_maddr alice "$1")" "$2-b" "#status closed"
	pass 1 "$3"
	cd_expect_eq "status of $1" "$(cd_status "$1")" closed
}

# closed_case REPORTER ID CMDID OFFSET: a report, its pass and Alice's
# closing it; CODE is set to its code name.
closed_case() {
	report "$1" "$2"
	pass 1 "$4"
	CODE=$(cd_codename "$1")
	cd_wait_grep alice 1 "Subject: [CoC $CODE] Conflict check" >/dev/null
	close "$CODE" "$3" "$4"
}

# purge OFFSET: conductctl purge of every case closed before 60 days on.
purge() {
	CONDUCTD_CLOCK_OFFSET=$1 cd_ctl purge --closed-before \
	    "$(date -u -d "+60 days" +%Y-%m-%d)" >"$TB/purge.out" \
	    2>"$TB/purge.err" || tb_fail "purge failed: $(cat "$TB/purge.err")"
}

# ------------------------------------------------------------ by age
report reporter1 1
report reporter2 2
pass 2 0
A=$(cd_codename reporter1)
B=$(cd_codename reporter2)
expect_copies "exp-report-1@$D" 1 "just stored"
expect_copies "exp-report-2@$D" 1 "just stored"
cd_wait_grep bob 1 "Subject: [CoC $A] Conflict check" >/dev/null
member_mail bob@$D "$(cd_maddr bob "$A")" conflict "#conflict
I share a flat with the reporter (cedar_moth)."
pass 1 $((1 * DAY))
expect_copies "exp-cmd-conflict@$D" 0 "a #conflict answer keeps no reason"
expect_copies "exp-report-1@$D" 1 "after a day"
pass 0 $((29 * DAY))
expect_copies "exp-report-1@$D" 1 "after 29 days"
expect_copies "exp-report-2@$D" 1 "after 29 days"
tb_pass "stored copies stay while processed_keep runs; a #conflict reason goes at once"

# ------------------------------------------------------------ purge
close "$A" a $((29 * DAY))
expect_copies "exp-cmd-a-a@$D" 1 "before the purge"
purge $((29 * DAY))
grep -q "^expunged [1-9][0-9]* copies from the IMAP server" "$TB/purge.out" ||
    tb_fail "purge did not say it expunged the server copies: $(cat "$TB/purge.out")"
for id in report-1 cmd-a-a cmd-a-b; do
	expect_copies "exp-$id@$D" 0 "case $A purged"
done
expect_copies "exp-report-2@$D" 1 "the other case, after $A's purge"
cd_expect_eq "copies of $A not recorded gone" \
    "$(q "SELECT count(*) FROM message WHERE case_id = (SELECT id FROM cases WHERE code_name = '$A') AND server_gone IS NULL")" 0
tb_pass "purge expunged $A's copies from the server, and only those"

pass 0 $((31 * DAY))
expect_copies "exp-report-2@$D" 0 "after 31 days"
cd_wait_log "expunge: [1-9][0-9]* server copies removed"
tb_pass "after processed_keep days the copies left the server"

# ------------------------------------------------------------ IMAP down
closed_case dave 3 c $((31 * DAY))
C=$CODE
tb_stop_dovecot
purge $((31 * DAY))
grep -q "left for conductd" "$TB/purge.out" ||
    tb_fail "purge did not say the copies wait for conductd: $(cat "$TB/purge.out")"
cd_expect_eq "$C's content purged" \
    "$(q "SELECT count(*) FROM cases WHERE code_name = '$C' AND purged IS NOT NULL")" 1
tb_start_dovecot
expect_copies "exp-report-3@$D" 1 "purged while Dovecot was down"
pass 0 $((32 * DAY))
for id in report-3 cmd-c-a cmd-c-b; do
	expect_copies "exp-$id@$D" 0 "conductd's pass after Dovecot came back"
done
tb_pass "with Dovecot down purge left the copies to conductd, whose next pass removed them"

# ------------------------------------------------------------ UIDVALIDITY
closed_case erin 4 e $((32 * DAY))
E=$CODE
expect_copies "exp-report-4@$D" 1 "before the rebuild"
# Copy Processed out, delete it, create it anew and put everything back,
# with a message of someone else's: new UIDVALIDITY, new UIDs.
python3 - "$TB_IMAP_PORT" "$(tb_password conduct)" >"$TB/rebuild.out" <<'EOF'
import imaplib, ssl, sys
port, password = int(sys.argv[1]), sys.argv[2]
m = imaplib.IMAP4("127.0.0.1", port)
m.starttls(ssl_context=ssl._create_unverified_context())
m.login("conduct", password)
typ, data = m.select("Processed")
old = m.response("UIDVALIDITY")[1][0].decode()
typ, data = m.uid("SEARCH", None, "ALL")
msgs = []
for uid in data[0].split():
    typ, d = m.uid("FETCH", uid, "(BODY.PEEK[])")
    msgs.append(d[0][1])
m.close()
m.delete("Processed")
m.create("Processed")
for raw in msgs:
    m.append("Processed", None, None, raw)
m.append("Processed", None, None,
    b"From: someone@example.test\r\nTo: conduct@example.test\r\n"
    b"Subject: not conductd's\r\nMessage-ID: <exp-other@example.test>\r\n"
    b"\r\nkept\r\n")
m.select("Processed")
new = m.response("UIDVALIDITY")[1][0].decode()
print(old, new, len(msgs))
m.logout()
EOF
read -r old_uv new_uv _ <"$TB/rebuild.out"
[ "$old_uv" != "$new_uv" ] || tb_fail "the rebuilt Processed kept UIDVALIDITY $old_uv"
expect_copies "exp-report-4@$D" 1 "after the rebuild"
purge $((32 * DAY))
for id in report-4 cmd-e-a cmd-e-b; do
	expect_copies "exp-$id@$D" 0 "purged after the folder was rebuilt"
done
expect_copies "exp-other@$D" 1 "someone else's message in the rebuilt folder"
tb_pass "after Processed was rebuilt (UIDVALIDITY $old_uv -> $new_uv) purge found $E's copies by Message-ID"

# ------------------------------------------------------------ 0 and keep
tb_ini_set "$CONF" imap processed_keep 0
report outsider 5
pass 1 $((33 * DAY))
F=$(cd_codename outsider)
expect_copies "exp-report-5@$D" 0 "processed_keep = 0"
cd_wait_grep alice 1 "Subject: [CoC $F] Conflict check" >/dev/null
cd_expect_eq "$F's report kept in the database" \
    "$(q "SELECT count(*) FROM message WHERE id = (SELECT report_message FROM cases WHERE code_name = '$F') AND raw IS NOT NULL")" 1
tb_pass "processed_keep = 0: the report left the server on the pass that stored it; $F made as always"

tb_ini_set "$CONF" imap processed_keep keep
report m8 6
pass 1 $((34 * DAY))
pass 0 $((434 * DAY))
expect_copies "exp-report-6@$D" 1 "processed_keep = keep, 400 days on"
expect_copies "exp-other@$D" 1 "someone else's message, 400 days on"
tb_pass "processed_keep = keep: a copy stays on the server"

# ------------------------------------------------------------ the log
for s in "exp-report" "exp-cmd" "reporter1" "alice@" "cedar_moth" "umber_"; do
	! grep -q -F -- "$s" "$TB/conductd.log" ||
	    tb_fail "conductd's log names '$s'"
	! grep -q -F -- "$s" "$TB/purge.out" "$TB/purge.err" ||
	    tb_fail "conductctl purge printed '$s'"
done
tb_pass "the log and conductctl's output hold counts, no address or Message-ID"
