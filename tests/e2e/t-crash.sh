#!/bin/bash
# The crash walk (like isync's resume test).  For every crash point that
# `conductd --crash-points` lists (read from the binary, so a new point is
# walked at once), and for a few later occurrences (NAME:N): deliver two
# reports from one sender (the second waits for the flood summary) and a
# member's #noconflict; move the controllable clock an hour on, so the
# last round's conflict reminders and flood summary fall due; run a pass
# that dies at that point (SIGKILL: exit 137; a point the scenario does not
# reach fails the test by name); restart without the crash; then check from
# the database (sqlite3) and the real mailboxes (IMAP):
#   nothing lost: every delivered message stored once, handled and marked
#     processed, or held (listed by conductctl held), none left in INBOX,
#     all in Processed; every report cased;
#   no second case: exactly one case per report;
#   every outbox row sent and in its recipient's mailbox, or refused for
#     good by the server (and then alarmed), at most one duplicate send per
#     crash and only at the send step (after-send);
#   every held item and every refused row alarmed, each exactly once.
# The quarantine's points need more: in their rounds one more message is
# stored, then damaged with sqlite3 (a pass killed after the intake, as in
# t-held.sh), so the case step holds it and the leads get its alarm; the
# refusal alarm's round brings a report from an address the test bed
# refuses at RCPT (550, as in t-refused.sh), whose acknowledgment fails.
# The failed fetches' points need a UID the server cannot serve whole: in
# their rounds a report is delivered first and its maildir file cut to a
# third (as in t-truncated.sh: Dovecot closes the connection mid-FETCH);
# the crashing pass is run as a restart loop would, until a run gets
# through, so the UID is counted, held after its tries, and the mail
# behind it goes on.  It must stay in INBOX (never moved unstored), end
# held (imap_held, conductctl held's uid:ID) and alarmed once.
# The walk ends with a table: point, kills, lost (messages), doubled
# (second cases), dup-sends, lost-sends (rows marked sent that reached no
# mailbox).  Then a real kill -9 of a busy daemon.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

D=example.test
HOUR=3600
# Points where one row may go out twice: accepted, not yet marked sent.
DUP_OK=" after-send "
# Later occurrences walked after every point's first one.
EXTRA="after-decide:3 after-deadline:2 before-send:3 after-send:3
after-mark-sent:2"
SENDERS="reporter1 reporter2"
# Rounds that hold a damaged message, and that bring a refused report.
HOLD_AT=" after-hold after-held-alarm "
REFUSE_AT=" after-fail-alarm "
# Rounds with a UID the server cannot serve whole.
UID_AT=" after-uid-fail after-uid-fetched "
HELD_ALARM="ALARM: an item is held"
FAIL_ALARM="ALARM: mail refused by the server"

cd_setup starttls
cat >>"$CONF" <<EOF
ack_flood = 1
conflict_reminder_after = 1h
EOF
# A hang-up mid-FETCH is seen at once; this bounds a stall.
tb_ini_set "$CONF" imap timeout 5
# One send in flight when the pass dies: the walk's bound of one
# duplicate per crash.  Over N connections up to N sends are in flight,
# each begun and unconfirmed, and each goes again (bounded per row).
tb_ini_set "$CONF" smtp connections 1
cd_members Alice:lead Bob:lead Carol:member
DB=$TB/state/conductd.db

# ================================================ the table of points
"$CONDUCTD" --crash-points >"$TB/points" || tb_fail "conductd --crash-points"
awk -F '\t' 'NF != 2 || $1 !~ /^[a-z][a-z-]*$/ || $2 == "" { bad = 1 }
    END { exit bad }' "$TB/points" ||
    tb_fail "conductd --crash-points: not one 'name<TAB>description' a line"
POINTS=$(cut -f 1 "$TB/points")
for p in after-store after-move after-decide before-send after-send \
    after-mark-sent after-schedule; do
	echo "$POINTS" | grep -qx -- "$p" || tb_fail "no crash point $p"
done
tb_pass "conductd --crash-points lists $(echo "$POINTS" | wc -l) points"
# Every crash_point() call names a row of the table; every row is called.
grep -ho 'crash_point("[^"]*")' "$top_srcdir"/src/*.c |
    sed 's/^crash_point("\(.*\)")$/\1/' | sort -u >"$TB/called"
echo "$POINTS" | sort >"$TB/listed"
diff "$TB/listed" "$TB/called" >"$TB/points.diff" ||
    tb_fail "crash points listed (<) and called in src/ (>) differ:" \
    "$(cat "$TB/points.diff")"
tb_pass "every crash_point() call is in the table and every row is called"
st=0
CONDUCTD_CRASH_AT=no-such-point "$CONDUCTD" -f "$CONF" --once \
    >>"$TB/conductd.log" 2>&1 || st=$?
cd_expect_eq "exit status for an unknown crash point" "$st" 64

# ================================================ helpers

# inbox_heads USER: "MESSAGE-ID<TAB>FROM" for each message in USER's INBOX
# (nothing when USER has no INBOX yet).
inbox_heads() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$TB_IMAP_PORT" || exit 1
		printf 'a LOGIN %s %s\r\nb EXAMINE INBOX\r\n' \
		    "$(tb__imap_quote "$1")" \
		    "$(tb__imap_quote "$(tb_password "$1")")" >&3
		printf 'c FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID FROM)])\r\n' >&3
		printf 'd LOGOUT\r\n' >&3
		timeout 30 cat <&3
	) | perl -e '
	local $/; my $in = <STDIN>; $in =~ s/\r\n/\n/g;
	die "IMAP LOGIN failed\n" unless $in =~ /^a OK/m;
	my @m = split /^\* \d+ FETCH /m, $in;
	shift @m;
	for (@m) {
		s/\n[ \t]+/ /g;
		my ($id) = /^message-id:[ \t]*(\S+)/mi;
		my ($f) = /^from:[ \t]*(.*)$/mi;
		print $id // "-", "\t", $f // "-", "\n";
	}' || tb_fail "inbox_heads $1: IMAP failed"
}

# mail_counts: "MESSAGES DISTINCT": every message in the mailboxes of the
# test bed's users but the alias, and the distinct (user, Message-ID).
mail_counts() {
	local u
	for u in $TB_USERS; do
		[ "$u" = conduct ] && continue
		inbox_heads "$u" | cut -f 1 | sed "s/^/$u /"
	done >"$TB/heads"
	echo "$(wc -l <"$TB/heads") $(sort -u "$TB/heads" | wc -l)"
}

# db_counts: messages stored once, handled and marked processed; all
# message rows; rows stored twice (dup_of); reports without a case; second
# cases (cases beyond one per report Message-ID); outbox rows neither sent
# nor refused; rows sent; rows refused for good; messages held; held
# messages, refused rows and held UIDs not alarmed; UIDs held; failed
# fetches counted but not held (a batch's under UID 0 included).
db_counts() {
	sqlite3 -batch -noheader -separator ' ' "$DB" "SELECT
	    (SELECT count(*) FROM message WHERE kind IS NOT NULL AND
	        state = 'processed' AND dup_of IS NULL),
	    (SELECT count(*) FROM message),
	    (SELECT count(*) FROM message WHERE dup_of IS NOT NULL),
	    (SELECT count(*) FROM message WHERE kind = 'report' AND
	        case_id IS NULL),
	    (SELECT count(*) - count(DISTINCT m.msgid_hash) FROM cases AS c
	        JOIN message AS m ON m.id = c.report_message),
	    (SELECT count(*) FROM outbox WHERE state NOT IN ('sent',
	        'failed')),
	    (SELECT count(*) FROM outbox WHERE state = 'sent'),
	    (SELECT count(*) FROM outbox WHERE state = 'failed'),
	    (SELECT count(*) FROM message WHERE held_reason IS NOT NULL),
	    (SELECT count(*) FROM message WHERE held_reason IS NOT NULL AND
	        held_alarmed = 0) + (SELECT count(*) FROM outbox WHERE
	        state = 'failed' AND fail_alarmed = 0) + (SELECT count(*)
	        FROM imap_held WHERE held_at IS NOT NULL AND held_alarmed = 0),
	    (SELECT count(*) FROM imap_held WHERE uid > 0 AND
	        held_at IS NOT NULL AND released = 0 AND tries >= 3),
	    (SELECT count(*) FROM imap_held WHERE held_at IS NULL)" ||
	    tb_fail "sqlite3 $DB failed"
}

# unanswered USER: a per-case address USER got mail from and has not
# answered yet (nothing if none).
unanswered() {
	inbox_heads "$1" | cut -f 2 |
	    grep -Eo "conduct\+[a-z-]+-m[0-9a-f]{12}@$D" | sort -u |
	    grep -vxF -f "$TB/answered" | head -1 || true
}

ROUND=0
DELIVERED=0
REPORTS=0
HELD=0
REFUSED=0
UIDHELD=0
: >"$TB/answered"

# deliver: this round's mail to the alias: two reports from one sender
# (the senders take turns, so last round's flood is due now and this
# round's is not), and Alice's #noconflict to one conflict check.
deliver() {
	local s a n=0 tag
	ROUND=$((ROUND + 1))
	set -- $SENDERS
	s=$1
	[ $((ROUND % 2)) = 1 ] || s=$2
	for tag in a b; do
		tb_send "$s@$D" "conduct@$D" \
		    --header "Subject: incident $ROUND$tag" \
		    --header "Message-ID: <crash-$ROUND$tag@$D>" \
		    --body "Location: room $ROUND. Incident $ROUND$tag: something happened, number $ROUND$tag."
		n=$((n + 1))
	done
	REPORTS=$((REPORTS + 2))
	a=$(unanswered alice)
	if [ -n "$a" ]; then
		cd_msend "alice@$D" "$a" "Re: Conflict check" "#noconflict"
		echo "$a" >>"$TB/answered"
		n=$((n + 1))
	fi
	DELIVERED=$((DELIVERED + n))
	tb_imap_wait_count conduct INBOX "$((n + UIDHELD))" 20
}

# unservable_message: a report the server cannot serve whole, delivered
# before the round's mail (so that mail is behind it): its maildir file is
# cut to a third, Dovecot still announces the recorded size.  It is not
# one of DELIVERED: it is never stored.
unservable_message() {
	local tag=$((ROUND + 1))u md=$TB/mail/conduct/Maildir f size
	tb_send "reporter1@$D" "conduct@$D" \
	    --header "Subject: incident $tag" \
	    --header "Message-ID: <crash-$tag@$D>" \
	    --body "$(printf 'This report is damaged on disk.\n%.0s' $(seq 60))"
	tb_imap_wait_count conduct INBOX "$((UIDHELD + 1))" 20
	f=$(grep -l -- "<crash-$tag@$D>" "$md"/new/* "$md"/cur/* \
	    2>/dev/null | head -1)
	[ -n "$f" ] || tb_fail "no maildir file for message crash-$tag"
	size=$(stat -c %s "$f")
	truncate -s $((size / 3)) "$f" || tb_fail "truncate $f"
	UIDHELD=$((UIDHELD + 1))
}

# crash_loop POINT: passes with CONDUCTD_CRASH_AT=POINT, as a restart loop
# runs them, until one gets through (a UID's tries are one per pass);
# prints the kills.
crash_loop() {
	local st kills=0 runs=0
	while [ "$runs" -lt 8 ]; do
		runs=$((runs + 1))
		st=0
		{ CONDUCTD_CRASH_AT=$1 CONDUCTD_CLOCK_OFFSET=$T \
		    timeout -k 5 60 "$CONDUCTD" -f "$CONF" --once \
		    >>"$TB/conductd.log" 2>&1; } 2>/dev/null || st=$?
		[ "$st" = 137 ] && kills=$((kills + 1))
		[ "$st" = 0 ] && break
	done
	echo "$kills"
}

# save_alias FILE TAG FROM: one more message to the alias, put in its INBOX
# with doveadm (the test bed's Postfix takes no mail from FROM).
save_alias() {
	printf 'From: %s\nTo: conduct@%s\nSubject: incident %s\nMessage-ID: <crash-%s@%s>\n\nLocation: room %s. Incident %s: something happened.\n' \
	    "$3" "$D" "$2" "$2" "$D" "$ROUND" "$2" >"$1"
	doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$1" ||
	    tb_fail "doveadm save"
	DELIVERED=$((DELIVERED + 1))
}

# refused_report: a report from an address the server refuses at RCPT, so
# its acknowledgment is refused for good and the leads are alarmed.
refused_report() {
	save_alias "$TB/refused.eml" "${ROUND}r" "ghost@$D"
	REPORTS=$((REPORTS + 1))
	REFUSED=$((REFUSED + 1))
}

# damaged_message: one more message, stored by a pass killed after the
# intake, then its sealed bytes zeroed, so the next case step holds it.
damaged_message() {
	local st=0
	save_alias "$TB/damaged.eml" "${ROUND}h" "reporter3@$D"
	{ CONDUCTD_CRASH_AT=after-mark-moved CONDUCTD_CLOCK_OFFSET=$T \
	    "$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1; } \
	    2>/dev/null || st=$?
	cd_expect_eq "exit status of the pass that stores the damaged one" \
	    "$st" 137
	sqlite3 "$DB" "UPDATE message_raw SET raw = zeroblob(length(raw))
	    WHERE id = (SELECT max(id) FROM message)" ||
	    tb_fail "sqlite3 $DB: damaging message failed"
	HELD=$((HELD + 1))
}

# ================================================ the walk
PROBLEMS=""
problem() {
	PROBLEMS="$PROBLEMS$*"$'\n'
	echo "# PROBLEM: $*" >&2
}

# The totals after the last round; a round is judged by what it adds.
P_LOST=0 P_DOUBLED=0 P_TWICE=0 P_UNSENT=0 P_UNDELIVERED=0 P_DUPS=0
P_UNALARMED=0

# check_round POINT KILLS: checks the database and the mailboxes after a
# crash at POINT and a clean pass; appends the round to the table.
check_round() {
	local p=$1 kills=$2 good msgs twice nocase doubled unsent sent inbox
	local processed lost dups undelivered l c d failed held unalarmed
	local listed uids counted ulisted
	set -- $(db_counts)
	good=$1 msgs=$2 twice=$3 nocase=$4 doubled=$5 unsent=$6 sent=$7
	failed=$8 held=$9 unalarmed=${10} uids=${11} counted=${12}
	inbox=$(tb_imap_count conduct INBOX)
	processed=$(tb_imap_count conduct Processed)
	cd_ctl held >"$TB/held.out" || problem "$p: conductctl held failed"
	listed=$(grep -c '^message:[0-9]* ' "$TB/held.out" || true)
	ulisted=$(grep -c '^uid:[0-9]* ' "$TB/held.out" || true)
	[ "$uids" = "$UIDHELD" ] && [ "$ulisted" = "$UIDHELD" ] ||
	    problem "$p: $uids UID(s) held after their tries, $ulisted" \
	    "listed by conductctl held, not the $UIDHELD unservable"
	[ "$counted" = 0 ] ||
	    problem "$p: $counted failed fetch(es) counted, not held or" \
	    "forgotten"
	[ "$inbox" = "$UIDHELD" ] && [ "$processed" -le "$DELIVERED" ] ||
	    problem "$p: $inbox in INBOX, $processed in Processed, not the" \
	    "$UIDHELD unservable and the $DELIVERED delivered"
	[ "$held" = "$HELD" ] && [ "$listed" = "$HELD" ] ||
	    problem "$p: $held message(s) held, $listed listed by conductctl" \
	    "held, not the $HELD damaged"
	[ "$failed" = "$REFUSED" ] ||
	    problem "$p: $failed row(s) refused, not the $REFUSED expected"
	[ $((unalarmed - P_UNALARMED)) -le 0 ] ||
	    problem "$p: $((unalarmed - P_UNALARMED)) held message(s) or" \
	    "refused row(s) not alarmed"
	lost=$((DELIVERED - good - listed))
	[ $((DELIVERED - processed)) -le "$lost" ] ||
	    lost=$((DELIVERED - processed))
	lost=$((lost + nocase))
	set -- $(mail_counts)
	dups=$(($1 - $2))
	undelivered=$((sent - $2))
	l=$((lost - P_LOST))
	c=$((doubled - P_DOUBLED))
	d=$((dups - P_DUPS))
	[ "$l" -le 0 ] || problem "$p: $l message(s) lost ($DELIVERED" \
	    "delivered, $msgs stored, $good handled and processed, $nocase" \
	    "reports without a case; $inbox in INBOX, $processed in Processed)"
	[ "$c" -le 0 ] || problem "$p: $c second case(s)"
	[ $((twice - P_TWICE)) -le 0 ] ||
	    problem "$p: $((twice - P_TWICE)) message(s) stored twice"
	[ $((unsent - P_UNSENT)) -le 0 ] ||
	    problem "$p: $((unsent - P_UNSENT)) outbox row(s) left unsent"
	[ $((undelivered - P_UNDELIVERED)) -le 0 ] ||
	    problem "$p: $((undelivered - P_UNDELIVERED)) row(s) marked" \
	    "sent are in no mailbox"
	[ "$d" -le 1 ] || problem "$p: $d duplicate sends after one crash"
	[ "$d" -le 0 ] || case "$DUP_OK" in
	*" ${p%%:*} "*) ;;
	*) problem "$p: a duplicate send at a step that is not a send" ;;
	esac
	printf '%-24s %5s %5s %7s %9s %10s\n' "$p" "$kills" "$l" "$c" "$d" \
	    "$((undelivered - P_UNDELIVERED))" \
	    >>"$TB/table"
	P_LOST=$lost P_DOUBLED=$doubled P_TWICE=$twice P_UNSENT=$unsent
	P_UNDELIVERED=$undelivered P_DUPS=$dups P_UNALARMED=$unalarmed
}

printf '%-24s %5s %5s %7s %9s %10s\n' point kills lost doubled dup-sends \
    lost-sends \
    >"$TB/table"
T=0
deliver
CONDUCTD_CLOCK_OFFSET=$T cd_once || tb_fail "the first pass failed"
cd_wait_queue
check_round "(no crash)" 0
for p in $POINTS $EXTRA; do
	T=$((T + HOUR + 60))
	case "$UID_AT" in *" ${p%%:*} "*) unservable_message ;; esac
	deliver
	case "$REFUSE_AT" in *" ${p%%:*} "*) refused_report ;; esac
	case "$HOLD_AT" in *" ${p%%:*} "*) damaged_message ;; esac
	case "$UID_AT" in
	*" ${p%%:*} "*)
		kills=$(crash_loop "$p")
		[ "$kills" -gt 0 ] ||
		    problem "crash point $p was not reached (no run killed)"
		;;
	*)
		st=0
		# (Braced, so that bash's "Killed" notice goes nowhere.)
		{ CONDUCTD_CRASH_AT=$p CONDUCTD_CLOCK_OFFSET=$T "$CONDUCTD" \
		    -f "$CONF" --once >>"$TB/conductd.log" 2>&1; } \
		    2>/dev/null || st=$?
		[ "$st" = 137 ] ||
		    problem "crash point $p was not reached (exit $st, not 137)"
		kills=$([ "$st" = 137 ] && echo 1 || echo 0)
		;;
	esac
	CONDUCTD_CLOCK_OFFSET=$T cd_once ||
	    problem "$p: the pass after the crash failed"
	cd_wait_queue
	check_round "$p" "$kills"
done
tb_log "crash walk: $ROUND rounds, $DELIVERED messages, $REPORTS reports," \
    "$HELD held, $REFUSED refused, $UIDHELD unservable"
sed 's/^/# /' "$TB/table"
# One alarm per held message or UID and per refused row to each lead.
for u in alice bob; do
	n=$(cd_ngrep "$u" "$HELD_ALARM")
	[ "$n" = "$((HELD + UIDHELD))" ] ||
	    problem "$u got $n held-item alarm(s) for $HELD held message(s)" \
	    "and $UIDHELD held UID(s)"
	n=$(cd_ngrep "$u" "$FAIL_ALARM")
	[ "$n" = "$REFUSED" ] ||
	    problem "$u got $n refusal alarm(s) for $REFUSED refused row(s)"
done
[ "$HELD" -gt 0 ] && [ "$REFUSED" -gt 0 ] && [ "$UIDHELD" -gt 0 ] ||
    problem "the walk held nothing, had nothing refused or no UID held"
[ -z "$PROBLEMS" ] || tb_fail "the crash walk found problems:"$'\n'"$PROBLEMS"
tb_pass "every crash point walked: nothing lost, nothing doubled"

# ================================================ kill -9 of a busy daemon
# A real SIGKILL while the daemon works through a pile of mail.
for n in $(seq 1 40); do
	printf 'From: reporter2@example.test\nTo: conduct@example.test\nSubject: pile %s\nMessage-ID: <pile-%s@example.test>\n\nreport %s of the pile\n' \
	    "$n" "$n" "$n" >"$TB/pile.eml"
	doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$TB/pile.eml" ||
	    tb_fail "doveadm save"
done
total=$((DELIVERED + 40))
export CONDUCTD_CLOCK_OFFSET=$((T + HOUR))
cd_start_daemon
cd_wait_log "stored message $((DELIVERED + 1)) "
kill -9 "$CD_PID"
wait "$CD_PID" 2>/dev/null || true
CD_PID=""
cd_once || tb_fail "the pass after kill -9 failed"
set -- $(db_counts)
cd_expect_eq "stored after kill -9 and a restart" "$2" "$total"
cd_expect_eq "handled and processed after kill -9" "$1" \
    "$((total - HELD))"
cd_expect_eq "held after kill -9 (the damaged ones)" "$9" "$HELD"
cd_expect_eq "stored twice after kill -9" "$3" 0
cd_expect_eq "second cases after kill -9" "$5" 0
cd_expect_eq "cases after kill -9" \
    "$(sqlite3 "$DB" 'SELECT count(*) FROM cases')" "$((REPORTS + 40))"
cd_expect_eq "in Processed after kill -9" "$(tb_imap_count conduct Processed)" "$total"
cd_expect_eq "in INBOX after kill -9 (the unservable ones)" \
    "$(tb_imap_count conduct INBOX)" "$UIDHELD"
