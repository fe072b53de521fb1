#!/bin/bash
# A damaged maildir file on the test bed's Dovecot: a report whose file
# on disk is shorter than Dovecot's recorded size cannot be served whole
# (Dovecot closes the connection mid-FETCH).  conductd --once, run as a
# restart loop would, counts the failed fetches across the runs, holds
# that UID after three, and the good report behind it gets its case and
# its acknowledgment (read back from the reporter's mailbox over IMAP).
# The held UID is an item of conductctl held with one alarm to the lead;
# with the file repaired, conductctl retry uid:ID gets it its case.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

# Plain text: there libetpan used to spin (over TLS a close reads as -1).
cd_setup none
command -v sqlite3 >/dev/null 2>&1 || tb_skip "sqlite3 (the CLI) not installed"
DB=$TB/state/conductd.db
tb_ini_set "$CONF" imap timeout 5
cd_members Alice:lead

tb_send reporter1@example.test conduct@example.test \
    --header "Subject: first report" \
    --body "$(printf 'This report will be damaged on disk.\n%.0s' $(seq 60))"
tb_imap_wait_count conduct INBOX 1 20
md="$TB/mail/conduct/Maildir"
f=$(find "$md/new" "$md/cur" -type f 2>/dev/null | head -1)
[ -n "$f" ] || tb_fail "no maildir file for the first report under $md"
size=$(stat -c %s "$f")
cp -p "$f" "$TB/whole.eml"
# Cut the file to a third: Dovecot still announces the recorded size.
truncate -s $(( size / 3 )) "$f"
tb_log "truncated $(basename "$f") from $size to $(( size / 3 )) bytes"

tb_send reporter2@example.test conduct@example.test \
    --header "Subject: second report" --body "This one is whole."
tb_imap_wait_count conduct INBOX 2 20

runs=0
while [ "$runs" -lt 8 ]; do
	runs=$(( runs + 1 ))
	st=0
	timeout -k 5 30 "$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1 ||
	    st=$?
	[ "$st" -ne 124 ] || tb_fail "conductd --once hung (run $runs)"
	[ "$(cd_cases)" -ge 1 ] && break
done
tb_log "the good report got its case after $runs runs"
grep -h "fetch failed\|held after" "$TB/conductd.log" | sed "s/^/# /" | head -5
cd_expect_eq "cases" "$(cd_cases)" 1
grep -q "fetch failed: connection closed by the server" "$TB/conductd.log" ||
    tb_fail "the hang-up was not seen as one"
cd_expect_eq "held rows" "$(sqlite3 "$DB" "SELECT tries, held_at IS NOT NULL FROM imap_held WHERE uid > 0")" "3|1"
grep -q "held after 3 failed fetches" "$TB/conductd.log" ||
    tb_fail "no log line for the held UID"
code=$(cd_code 1)
tb_imap_wait_count reporter2 INBOX 1 20
uid=$(tb_imap_uids reporter2 INBOX | head -1)
tb_imap_fetch reporter2 INBOX "$uid" >"$TB/ack.eml"
grep -q "$code" "$TB/ack.eml" || tb_fail "the acknowledgment lacks the code name"
tb_pass "the good report behind the damaged one got its case and acknowledgment"
cd_expect_eq "acks to the damaged report's sender" "$(tb_imap_count reporter1 INBOX)" 0
cd_expect_eq "left in INBOX (the damaged one)" "$(tb_imap_count conduct INBOX)" 1
cd_expect_eq "in Processed" "$(tb_imap_count conduct Processed)" 1

# Held, it is skipped: the next run succeeds and does not touch it.
st=0
cd_once || st=$?
cd_expect_eq "exit status of a pass with a held UID" "$st" 0
cd_expect_eq "left in INBOX after another pass" "$(tb_imap_count conduct INBOX)" 1

# The held UID is an item like the quarantine's: listed, alarmed once.
cd_ctl held >"$TB/held.out"
item=$(awk '$1 ~ /^uid:/ { print $1 }' "$TB/held.out")
[ -n "$item" ] || { cat "$TB/held.out" >&2;
    tb_fail "conductctl held does not list the held UID"; }
grep -q "^$item .*UID 1" "$TB/held.out" ||
    tb_fail "conductctl held does not name UID 1"
a=$(cd_wait_grep alice 1 "Subject: [CoC] ALARM: an item is held" \
    "cannot serve whole")
grep -qi "damaged on disk\|reporter1" "$a" && tb_fail "the alarm carries content"
cd_once || tb_fail "a pass after the alarm failed"
cd_exactly alice 1 "ALARM: an item is held"
tb_pass "conductctl held lists $item; one alarm to the lead, without content"

# Repaired on disk and retried, the report is fetched and gets its case.
cp -p "$TB/whole.eml" "$f"
cd_ctl retry "$item" >/dev/null || tb_fail "conductctl retry $item"
cd_once || tb_fail "the pass after the retry failed"
cd_expect_eq "cases after the retry" "$(cd_cases)" 2
cd_expect_eq "left in INBOX after the retry" "$(tb_imap_count conduct INBOX)" 0
cd_ctl held | grep -q "^$item " && tb_fail "$item still held after it was fetched"
tb_pass "retried once repaired, the held UID was fetched and got its case"
