#!/bin/bash
# The admin's record keeping (issue 6): conductctl export, transparency
# and purge on a database with three cases made through the real test bed
# (committee: leads Alice and Bob, member Carol), on a moved clock so that
# they fall in three months:
#   A (reporter1, ongoing: urgent) is discussed (a relay with lines that
#     mboxrd must quote), gets a repeat risk, a resolution and a proposal,
#     and is closed now;
#   B (reporter2, 40 days later) stays open;
#   C (outsider, 80 days later, ongoing) is closed 80 days from now.
# export A must be a well-formed mbox of everything on A; transparency
# must count right and print nothing that names anyone or anything; purge
# --closed-before tomorrow must empty A (and only A), down to its
# ciphertext in the files, keep the counts, and do nothing the second
# time.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
DAY=86400
export TZ=UTC
command -v sqlite3 >/dev/null 2>&1 || tb_skip "sqlite3 (the CLI) not installed"

cd_setup starttls
cd_members Alice:lead Bob:lead Carol:member
DB=$TB/state/conductd.db

# pass N OFFSET: waits for N messages in the alias's INBOX, then one pass
# with the clock moved by OFFSET seconds.
pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	CONDUCTD_CLOCK_OFFSET=$2 cd_once || tb_fail "conductd --once failed"
}

# report FROM ID ONGOING WORDS: a report naming a stranger.
report() {
	cat >"$TB/report-$2.eml" <<EOF
From: Rowan Reporter <$1@$D>
To: conduct@$D
Subject: Report: trouble at the venue
Message-ID: <admin-report-$2@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hello,

Location: the main hall
Date and time: Friday 10:00
Ongoing: $3

Description: an attendee kept saying "$4" to me.

Reported person: Yuri Stone (yuri@elsewhere.test)

Rowan
EOF
	tb_send_file "$1@$D" "conduct@$D" "$TB/report-$2.eml"
}

# ------------------------------------------------------------ case A
report reporter1 a yes "saffron_walrus"
pass 1 0
A=$(cd_codename reporter1)
for u in alice bob; do
	cd_msend $u@$D "$(cd_maddr $u "$A")" "Re: [CoC $A] Conflict check" "#noconflict"
done
pass 2 0
cd_wait_grep alice 1 "saffron_walrus" >/dev/null
cd_msend bob@$D "$(cd_maddr bob "$A")" "[CoC $A] venue" "I spoke to the venue (quartz_heron).
From the hallway camera nothing is visible.
>From the desk log: nothing either."
cd_msend alice@$D "$(cd_maddr alice "$A")" "[CoC $A] repeat" "#repeat yes"
cd_msend alice@$D "$(cd_maddr alice "$A")" "[CoC $A] resolution" \
    "#resolution a private warning (mint_gondola)"
cd_msend alice@$D "$(cd_maddr alice "$A")" "[CoC $A] proposal" \
    "#propose Close with a warning (plum_anchor)"
pass 4 0
cd_wait_grep alice 1 "quartz_heron" >/dev/null
cd_msend alice@$D "$(cd_maddr alice "$A")" "[CoC $A] status" "#status closed"
pass 1 0
cd_expect_eq "status of $A" "$(cd_status "$A")" closed

# ------------------------------------------------------------ B and C
report reporter2 b no "juniper_lantern"
pass 1 $((40 * DAY))
B=$(cd_codename reporter2)
report outsider c yes "cobalt_meadow"
pass 1 $((80 * DAY))
C=$(cd_codename outsider)
cd_msend alice@$D "$(cd_maddr alice "$C")" "Re: [CoC $C] Conflict check" "#noconflict"
pass 1 $((80 * DAY))
cd_msend alice@$D "$(cd_maddr alice "$C")" "[CoC $C] status" "#status closed"
pass 1 $((80 * DAY))
cd_expect_eq "status of $C" "$(cd_status "$C")" closed
cd_expect_eq "cases" "$(cd_cases)" 3

ra=$(cd_received "$A")
rb=$(cd_received "$B")
rc=$(cd_received "$C")
ma=$(date -u -d "@$ra" +%Y-%m)
mb=$(date -u -d "@$rb" +%Y-%m)
mc=$(date -u -d "@$rc" +%Y-%m)
[ "$ma" != "$mb" ] && [ "$mb" != "$mc" ] || tb_fail "the cases share a month: $ma $mb $mc"

# ------------------------------------------------------------ export
st=0
cd_ctl export no-such-case "$TB/none.mbox" 2>"$TB/none.err" || st=$?
cd_expect_eq "export of an unknown case: exit" "$st" 66
grep -q "no such case" "$TB/none.err" || tb_fail "export of an unknown case says '$(cat "$TB/none.err")'"

cd_ctl show "$A" >"$TB/show-a.out"
nmsg=$(grep -c '^  message ' "$TB/show-a.out" || true)
nout=$(awk '/^Delivery log/ { on = 1; next } on && /^$/ { exit } on && /^  / { n++ } END { print n + 0 }' "$TB/show-a.out")
[ "$nmsg" -ge 6 ] && [ "$nout" -ge 6 ] ||
    tb_fail "show $A lists $nmsg messages and $nout outgoing mails: too few"
cd_ctl export "$A" "$TB/a.mbox" 2>"$TB/a.err" || tb_fail "export $A failed: $(cat "$TB/a.err")"
grep -q "in the clear" "$TB/a.err" || tb_fail "export $A does not warn on stderr: $(cat "$TB/a.err")"
cd_expect_eq "mode of the export" "$(stat -c %a "$TB/a.mbox")" 600
sum=$(cksum <"$TB/a.mbox")
st=0; cd_ctl export "$A" "$TB/a.mbox" 2>"$TB/a2.err" || st=$?
[ "$st" -ne 0 ] || tb_fail "a second export over $TB/a.mbox succeeded"
grep -q "not overwritten" "$TB/a2.err" || tb_fail "second export says '$(cat "$TB/a2.err")'"
cd_expect_eq "the export after a refused overwrite" "$(cksum <"$TB/a.mbox")" "$sum"
# An export that fails half way (a stored message of A that no longer
# decrypts) leaves no partial file of the case in the clear behind.
DB=$TB/state/conductd.db
mid=$(sqlite3 "$DB" "SELECT max(id) FROM message WHERE case_id = (SELECT id FROM cases WHERE code_name = '$A')")
saved=$(sqlite3 "$DB" "SELECT hex(raw) FROM message_raw WHERE id = $mid")
sqlite3 "$DB" "UPDATE message_raw SET raw = zeroblob(length(raw)) WHERE id = $mid"
st=0; cd_ctl export "$A" "$TB/partial.mbox" 2>"$TB/partial.err" || st=$?
sqlite3 "$DB" "UPDATE message_raw SET raw = x'$saved' WHERE id = $mid"
[ "$st" -ne 0 ] || tb_fail "an export with a damaged message succeeded"
grep -q "cannot be decrypted" "$TB/partial.err" || tb_fail "the failed export says '$(cat "$TB/partial.err")'"
[ ! -e "$TB/partial.mbox" ] || tb_fail "a failed export left $TB/partial.mbox behind"
tb_pass "a failed export leaves no partial file"
cd_expect_eq "records in the export of $A" "$(grep -c '^From ' "$TB/a.mbox")" $((nmsg + nout))
cd_expect_eq "stored messages in the export" "$(grep -c '^X-Conductd-Export: message ' "$TB/a.mbox")" "$nmsg"
cd_expect_eq "outgoing mails in the export" "$(grep -c '^X-Conductd-Export: outgoing mail ' "$TB/a.mbox")" "$nout"
grep -q '^X-Conductd-Export: message [0-9]* (report)' "$TB/a.mbox" || tb_fail "the export has no report"
grep -q 'saffron_walrus' "$TB/a.mbox" || tb_fail "the export lacks the report's text"
grep -q "^X-Conductd-Export: outgoing mail [0-9]* (relay, sent .*) to <alice@$D>" "$TB/a.mbox" ||
    tb_fail "the export lacks the relay of bob's mail to alice"
grep -q "^X-Conductd-Export: outgoing mail [0-9]* (ack, sent .*) to <reporter1@$D>" "$TB/a.mbox" ||
    tb_fail "the export lacks the acknowledgment"
grep -q 'quartz_heron' "$TB/a.mbox" || tb_fail "the export lacks bob's mail"
! grep -q '^From the hallway' "$TB/a.mbox" || tb_fail "a body line 'From ' is not quoted"
grep -q '^>From the hallway camera' "$TB/a.mbox" || tb_fail "no '>From the hallway' line"
grep -q '^>>From the desk log' "$TB/a.mbox" || tb_fail "'>From the desk log' is not quoted to '>>From'"
! grep -q $'\r' "$TB/a.mbox" || tb_fail "the export has CR characters"
for s in juniper_lantern cobalt_meadow "[CoC $B]" "[CoC $C]"; do
	! grep -q -F -- "$s" "$TB/a.mbox" || tb_fail "the export of $A holds '$s' of another case"
done
# Each record: a From_ line (sender, asctime date), a header block, a
# blank line; records in time order, separated by a blank line.
perl -e '
use strict; use warnings; use Time::Local;
my %mon = (Jan=>0, Feb=>1, Mar=>2, Apr=>3, May=>4, Jun=>5, Jul=>6,
    Aug=>7, Sep=>8, Oct=>9, Nov=>10, Dec=>11);
local $/; my $mbox = <STDIN>;
die "does not start with a From_ line\n" unless $mbox =~ /\AFrom /;
my @rec = split /^(?=From )/m, $mbox;
my $last = 0;
for my $i (0 .. $#rec) {
	my $r = $rec[$i];
	my ($line, $rest) = split /\n/, $r, 2;
	$line =~ /^From (\S+) (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\w{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})$/
	    or die "record $i: bad From_ line: $line\n";
	my $t = timegm($7, $6, $5, $4, $mon{$3}, $8);
	die "record $i: out of time order\n" if $t < $last;
	$last = $t;
	my ($head, $body) = split /\n\n/, $rest, 2;
	die "record $i: no blank line after the headers\n" unless defined $body;
	for my $h (split /\n/, $head) {
		$h =~ /^([\x21-\x39\x3b-\x7e]+:|[ \t])/ or die "record $i: bad header line: $h\n";
	}
	$head =~ /^X-Conductd-Export: /m or die "record $i: no X-Conductd-Export\n";
	$head =~ /^Subject: /mi or die "record $i: no Subject\n";
	die "record $i: does not end with a blank line\n"
	    if $i < $#rec && $r !~ /\n\n\z/;
}
print scalar(@rec), "\n";' <"$TB/a.mbox" >"$TB/a.parse" 2>&1 ||
    tb_fail "the export is not a well-formed mbox: $(cat "$TB/a.parse")"
tb_pass "export $A: $((nmsg + nout)) well-formed mboxrd records in time order, report, relay and ack included"

# ------------------------------------------------------------ transparency
since=$(date -u -d "@$ra" +%Y-%m-01)
cd_ctl transparency --since "$since" >"$TB/tp.txt" || tb_fail "transparency failed"
cd_ctl transparency --since "$since" --csv >"$TB/tp.csv" || tb_fail "transparency --csv failed"
cd_ctl transparency --csv --since "$since" | cmp -s - "$TB/tp.csv" ||
    tb_fail "transparency --csv --since differs from --since --csv"
cd_expect_eq "CSV header" "$(head -1 "$TB/tp.csv")" "section,key,count"
# csv SECTION KEY: the count.
csv() {
	awk -F, -v s="$1" -v k="$2" '$1 == s && $2 == k { print $3; f = 1 } END { if (!f) print "none" }' "$TB/tp.csv"
}
check_counts() {
	cd_expect_eq "total" "$(csv total cases)" 3
	cd_expect_eq "urgent yes" "$(csv urgent yes)" 2
	cd_expect_eq "urgent no" "$(csv urgent no)" 1
	cd_expect_eq "status closed" "$(csv status closed)" 2
	cd_expect_eq "status new" "$(csv status new)" 1
	for s in investigating waiting resolved; do
		cd_expect_eq "status $s" "$(csv status $s)" 0
	done
	cd_expect_eq "with a resolution" "$(csv resolution with)" 1
	cd_expect_eq "without a resolution" "$(csv resolution without)" 2
	cd_expect_eq "repeat risk yes" "$(csv repeat_risk yes)" 1
	cd_expect_eq "repeat risk unknown" "$(csv repeat_risk unknown)" 2
	cd_expect_eq "repeat risk no" "$(csv repeat_risk no)" 0
	cd_expect_eq "repeat risk maybe" "$(csv repeat_risk maybe)" 0
	for m in "$ma" "$mb" "$mc"; do
		cd_expect_eq "month $m" "$(csv month "$m")" 1
	done
	# Every month from the first to the last, the empty ones as 0.
	months=$(awk -F, '$1 == "month"' "$TB/tp.csv" | wc -l)
	span=$(( ($(date -u -d "@$rc" +%Y) * 12 + 10#$(date -u -d "@$rc" +%m)) -
	    ($(date -u -d "@$ra" +%Y) * 12 + 10#$(date -u -d "@$ra" +%m)) + 1 ))
	cd_expect_eq "month lines" "$months" "$span"
	cd_expect_eq "cases over the months" \
	    "$(awk -F, '$1 == "month" { n += $3 } END { print n }' "$TB/tp.csv")" 3
	grep -q -E "^  cases +3$" "$TB/tp.txt" || tb_fail "the text has no total line"
	for h in "Month received" "Status" "Resolution recorded" "Urgent" "Repeat risk" "Total"; do
		grep -q "^$h " "$TB/tp.txt" || tb_fail "the text has no '$h' table"
	done
	grep -q -E "^  $mb +1$" "$TB/tp.txt" || tb_fail "the text lacks month $mb"
}
check_counts
# Nothing in it names a case, a person, an address or a word of a report.
for f in "$TB/tp.txt" "$TB/tp.csv"; do
	for s in "$A" "$B" "$C" @ "$D" Alice Bob Carol Yuri Stone Rowan \
	    Reporter saffron walrus juniper lantern cobalt meadow quartz heron \
	    mint gondola plum anchor "private warning" venue hallway; do
		! grep -q -i -F -- "$s" "$f" || tb_fail "$(basename "$f") holds '$s'"
	done
done
cd_ctl transparency --since "$(date -u -d "@$rb" +%Y-%m-%d)" --csv >"$TB/tp-b.csv"
grep -qx "total,cases,2" "$TB/tp-b.csv" || tb_fail "since B's day: not 2 cases"
tb_pass "transparency: counts by month, status, resolution, urgency, repeat risk; no names, codes or text"

# ------------------------------------------------------------ bad dates
for bad in 2026-13-01 2026-02-30 tomorrow 2026-1-01 "2026-01-01x" ""; do
	st=0
	cd_ctl purge --closed-before "$bad" >"$TB/bad.out" 2>"$TB/bad.err" || st=$?
	cd_expect_eq "purge --closed-before '$bad': exit" "$st" 64
	grep -q -E "not a date|no such day" "$TB/bad.err" ||
	    tb_fail "purge --closed-before '$bad' says '$(cat "$TB/bad.err")'"
	st=0
	cd_ctl transparency --since "$bad" >/dev/null 2>&1 || st=$?
	cd_expect_eq "transparency --since '$bad': exit" "$st" 64
done
st=0
cd_ctl purge >/dev/null 2>&1 || st=$?
cd_expect_eq "purge without a date: exit" "$st" 64
tb_pass "bad dates are usage errors"

# ------------------------------------------------------------ purge
aid=$(sqlite3 "$DB" "SELECT id FROM cases WHERE code_name = '$A'")
bid=$(sqlite3 "$DB" "SELECT id FROM cases WHERE code_name = '$B'")
# hexof CASE: the first 48 bytes (version, nonce, start) of the case's
# sealed report, as hex.
hexof() {
	sqlite3 "$DB" "SELECT hex(substr(raw, 1, 48)) FROM message_raw WHERE id =
	    (SELECT report_message FROM cases WHERE id = $1)"
}
# infiles HEX: how many of the database files hold those bytes.
infiles() {
	local n=0 f
	for f in "$DB" "$DB-wal"; do
		[ -f "$f" ] || continue
		if perl -e 'local $/; open my $fh, "<", $ARGV[0] or die;
		    my $d = <$fh>; exit(index($d, pack("H*", $ARGV[1])) >= 0 ? 0 : 1)' \
		    "$f" "$1"; then
			n=$((n + 1))
		fi
	done
	echo $n
}
hexa=$(hexof "$aid")
hexb=$(hexof "$bid")
[ "${#hexa}" = 96 ] && [ "${#hexb}" = 96 ] || tb_fail "no sealed reports for $A and $B"
[ "$(infiles "$hexa")" -ge 1 ] || tb_fail "the probe does not find A's sealed report in the files"
nmsg_a=$(sqlite3 "$DB" "SELECT count(*) FROM message WHERE case_id = $aid AND raw IS NOT NULL")
cd_expect_eq "messages with content on $A" "$nmsg_a" "$nmsg"
ttl_before=$(cat "$TB/tp.csv")
tomorrow=$(date -u -d "+1 day" +%Y-%m-%d)

cd_ctl purge --closed-before "$tomorrow" --dry-run >"$TB/dry.out" || tb_fail "purge --dry-run failed"
cd_expect_eq "dry run" "$(head -1 "$TB/dry.out")" \
    "would purge 1 case(s): $nmsg messages, $nout outgoing mails, 1 proposals"
cd_ctl show "$A" | grep -q saffron_walrus || tb_fail "the dry run changed $A"

cd_ctl purge --closed-before "$tomorrow" >"$TB/purge.out" 2>"$TB/purge.err" ||
    tb_fail "purge failed: $(cat "$TB/purge.err")"
cd_expect_eq "purge report" "$(head -1 "$TB/purge.out")" \
    "purged 1 case(s): $nmsg messages, $nout outgoing mails, 1 proposals"
cd_expect_eq "purged cases" "$(sed -n 's/^\t//p' "$TB/purge.out")" "$A"
[ ! -s "$TB/purge.err" ] || tb_fail "purge warned: $(cat "$TB/purge.err")"

cd_ctl show "$A" >"$TB/show-a2.out" || tb_fail "show $A after the purge failed"
grep -q "^Content purged " "$TB/show-a2.out" || tb_fail "show $A does not say it was purged"
for s in saffron_walrus "the report (message" "Reporter:" "Resolution:" \
    "Reported person:" "Report data:" "Yuri"; do
	! grep -q -F -- "$s" "$TB/show-a2.out" || tb_fail "show $A after the purge prints '$s'"
done
grep -q "^Case $A: closed" "$TB/show-a2.out" || tb_fail "show $A lost the status"
st=0
cd_ctl export "$A" "$TB/a3.mbox" 2>"$TB/a2.err" || st=$?
cd_expect_eq "export of a purged case: exit" "$st" 66
grep -q "purged" "$TB/a2.err" || tb_fail "export of a purged case says '$(cat "$TB/a2.err")'"

q() { sqlite3 "$DB" "$1"; }
cd_expect_eq "A's messages with content" "$(q "SELECT count(*) FROM message WHERE case_id = $aid AND raw IS NOT NULL")" 0
cd_expect_eq "A's sealed fields" "$(q "SELECT count(*) FROM cases WHERE id = $aid AND
    coalesce(reporter, fields, reported, actions, resolution, reporter_hash) IS NULL")" 1
cd_expect_eq "A's emptied outgoing mail" "$(q "SELECT count(*) FROM outbox WHERE case_id = $aid AND purged IS NOT NULL")" "$nout"
cd_expect_eq "A's proposals" "$(q "SELECT count(*) FROM proposal WHERE case_id = $aid")" 0
cd_expect_eq "A's anonymous facts" "$(q "SELECT status, urgent, repeat_risk, received FROM cases WHERE id = $aid")" "closed|1|yes|$ra"
cd_expect_eq "the free pages" "$(q "PRAGMA freelist_count")" 0
cd_expect_eq "A's sealed report in the files" "$(infiles "$hexa")" 0
[ "$(infiles "$hexb")" -ge 1 ] || tb_fail "B's sealed report is gone from the files"
for s in saffron_walrus quartz_heron mint_gondola plum_anchor; do
	! grep -a -q -F -- "$s" "$DB" $(ls "$DB-wal" 2>/dev/null) || tb_fail "the database holds '$s'"
done
tb_pass "purge emptied $A down to its ciphertext in the files and kept its anonymous facts"

for c in "$B" "$C"; do
	cd_ctl show "$c" >"$TB/show.out"
	! grep -q "^Content purged" "$TB/show.out" || tb_fail "$c was purged"
	grep -q "the report (message" "$TB/show.out" || tb_fail "$c lost its report"
done
cd_ctl show "$B" | grep -q juniper_lantern || tb_fail "B lost its report text"
cd_ctl show "$C" | grep -q cobalt_meadow || tb_fail "C (closed after the date) lost its report text"
cd_ctl export "$B" "$TB/b.mbox" 2>/dev/null || tb_fail "export $B after the purge failed"
grep -q juniper_lantern "$TB/b.mbox" || tb_fail "the export of $B lacks its report"
tb_pass "open $B and $C (closed after the date) are untouched"

cd_ctl transparency --since "$since" --csv >"$TB/tp.csv"
cd_ctl transparency --since "$since" >"$TB/tp.txt"
[ "$(cat "$TB/tp.csv")" = "$ttl_before" ] || tb_fail "the counts changed with the purge:
$(diff <(echo "$ttl_before") "$TB/tp.csv")"
check_counts
tb_pass "the transparency counts are the same after the purge"

cd_ctl purge --closed-before "$tomorrow" >"$TB/purge2.out" || tb_fail "second purge failed"
cd_expect_eq "second purge" "$(cat "$TB/purge2.out")" \
    "purged 0 case(s): 0 messages, 0 outgoing mails, 0 proposals"

tb_pass "a second purge removes nothing"

# Mail still reaches a purged case: the reporter writes again and Alice
# names someone (which would read the report, gone).  The pass handles
# both: each is recorded without its content and answered that the case
# is closed and deleted; nothing is relayed or carried out (t-purged.sh
# has the rest).
ra_addr=$(cd_hdr "$(cd_grep reporter1 "Subject: [CoC $A]" | head -1)" Reply-To |
    grep -Eo "conduct\+$A-[0-9a-f]{12}@$D") || tb_fail "no reporter address for $A"
cd_msend reporter1@$D "$ra_addr" "Re: [CoC $A]" "one more thing (teal-otter)"
cd_msend alice@$D "$(cd_maddr alice "$A")" "[CoC $A] who" "#reported Someone Else"
pass 2 $((81 * DAY))
cd_expect_eq "messages left unhandled" "$(q "SELECT count(*) FROM message WHERE kind IS NULL")" 0
cd_wait_grep reporter1 1 "Subject: [CoC $A] Case closed" >/dev/null
cd_wait_grep alice 1 "Subject: [CoC $A] Case closed" >/dev/null
cd_wait_queue
cd_exactly alice 0 "teal-otter"
cd_exactly bob 0 "Someone Else"
cd_expect_eq "A's new messages with content" "$(q "SELECT count(*) FROM message WHERE case_id = $aid AND raw IS NOT NULL")" 0
# The answers are content again: a purge past them takes them away.
cd_ctl purge --closed-before "$tomorrow" | head -1 | grep -q "^purged 0 case(s)" ||
    tb_fail "the new mail on $A (after the date) was purged"
# Past C's closing too: A's two answers and C's three messages go.
later=$(date -u -d "@$((ra + 82 * DAY))" +%Y-%m-%d)
cd_ctl purge --closed-before "$later" >"$TB/purge3.out"
head -1 "$TB/purge3.out" | grep -q -E "^purged 2 case\(s\): 3 messages, [1-9][0-9]* outgoing mails, 0 proposals$" ||
    tb_fail "purge of the new mail on $A and of $C: $(cat "$TB/purge3.out")"
cd_expect_eq "purged then" "$(sed -n 's/^\t//p' "$TB/purge3.out" | tr '\n' ' ')" "$A $C "
cd_expect_eq "content left on A and C" "$(q "SELECT count(*) FROM message AS m JOIN cases AS c
    ON m.case_id = c.id WHERE c.code_name IN ('$A', '$C') AND m.raw IS NOT NULL")" 0
cd_ctl show "$B" | grep -q juniper_lantern || tb_fail "B lost its report text"
tb_pass "mail on a purged case is handled, and purged again once the date is past it"
