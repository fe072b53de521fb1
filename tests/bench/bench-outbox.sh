#!/bin/bash
# Benchmark (prints figures, never fails on timing).
#
# 1. Drain rate: N acknowledgments queued in the outbox, sent by one
#    `conductd --once` pass, against Postfix's own smtp-source sending N
#    messages of the same size to the same Postfix listener (plain SMTP,
#    no TLS, no AUTH for both; smtp-source -d: one connection, as
#    conductd), rounds interleaved, the Postfix queue emptied before each
#    round.  The pass's fixed cost (start, IMAP login, an empty intake)
#    is measured by an empty pass just before and taken off.  The SMTP
#    connections each conductd round opened are counted in Postfix's log.
#    Each round runs once for each [smtp] connections value in CONNS
#    (default "1 4"), against smtp-source -d with as many sessions (-s).
# 2. Flood latency: conductd runs as a daemon (IDLE); FLOOD reports land
#    in its mailbox, half just before and half just after a genuine
#    report sent over SMTP; the figure is the time from swaks having
#    handed the genuine report to Postfix to Postfix's cleanup taking its
#    acknowledgment (a header_checks WARN line, polled every 10 ms), with
#    no flood, with a flood from as many senders (an acknowledgment
#    each), and with one from a single sender (the flood guard holds all
#    but 5 acknowledgments).  The flood from many senders runs once per
#    CONNS value, the one from a single sender at the last.
#
# Usage: top_builddir=BUILD [CONNS="1 4"] bash tests/bench/bench-outbox.sh [N] [ROUNDS] [FLOOD]
#   defaults: N=2000, ROUNDS=3, FLOOD=1000; about 2.5 min at those.
#   Figures taken while other work runs on the machine are noisy.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
. "$top_srcdir/tests/e2e/cdlib.sh"
n=${1:-2000}
rounds=${2:-3}
flood=${3:-1000}
conns_list=${CONNS:-1 4}
PATH=$PATH:/usr/sbin:/sbin
command -v smtp-source >/dev/null 2>&1 ||
    tb_skip "smtp-source (package postfix) not installed"

cd_setup none
TB_TIMEOUT=300
# conductd submits where smtp-source does: the plain SMTP listener, no
# AUTH.  CONF_Q is the same configuration without [smtp] host: a pass
# with it files the reports and queues their acknowledgments, unsent.
tb_ini_set "$CONF" smtp port "$TB_SMTP_PORT"
tb_ini_set "$CONF" daemon log_level warn
awk '/^\[/ { s = $0 } s == "[smtp]" && /^(user|password_file) / { next }
    { print }' "$CONF" >"$CONF.tmp" && mv "$CONF.tmp" "$CONF"
CONF_Q=$TB/conductd-queue.conf
awk '/^\[/ { s = $0 } s == "[smtp]" && /^host / { next } { print }' \
    "$CONF" >"$CONF_Q"
chmod 0600 "$CONF" "$CONF_Q"
maillog=$TB/postfix/maillog

# seed PREFIX FIRST COUNT [SENDER]: COUNT reports from PREFIXi@elsewhere.test
# (i from FIRST), each its own sender, or all from SENDER, into a
# maildir $TB/seed-PREFIX.
seed() {
	local md=$TB/seed-$1 i pad from
	pad=$(head -c 1500 /dev/zero | tr '\0' 'x' | fold -w 72)
	rm -rf "$md"
	mkdir -p "$md/cur" "$md/new" "$md/tmp"
	for i in $(seq "$2" $(($2 + $3 - 1))); do
		from=${4:-$1$i@elsewhere.test}
		printf 'From: Reporter %s <%s>\r\nTo: conduct@example.test\r\nSubject: report %s\r\nMessage-ID: <%s-%s@elsewhere.test>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\nLocation: room %s\r\nSomething happened, number %s.\r\n%s\r\n' \
		    "$i" "$from" "$i" "$1" "$i" "$i" "$i" "$pad" \
		    >"$md/cur/$i.$1:2,"
	done
	chown -R dovecot:dovecot "$md"
}

# import PREFIX: the seeded maildir into the alias's INBOX.
import() {
	doveadm -c "$TB/dovecot.conf" import -u conduct "maildir:$TB/seed-$1" \
	    "" all || tb_fail "doveadm import"
}

now() { date +%s.%N; }
conns() { grep -c ": connect from localhost\[127.0.0.1\]" "$maillog" || true; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }'; }

# Queue n acknowledgments (not measured).
queue_acks() {
	seed "r$1-" 1 "$n"
	import "r$1-"
	"$CONDUCTD" -f "$CONF_Q" --once >>"$TB/conductd.log" 2>&1 ||
	    tb_fail "queueing pass failed"
}

size=0
: >"$TB/ss1.rates"
for k in $conns_list; do
	: >"$TB/cd.$k.rates"
	: >"$TB/ss.$k.rates"
done
for r in $(seq 1 "$rounds"); do
for k in $conns_list; do
	tb_ini_set "$CONF" smtp connections "$k"
	t0=$(now)
	"$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1 ||
	    tb_fail "empty pass failed"
	t1=$(now)
	queue_acks "$r-$k"
	cd_wait_queue
	c0=$(conns)
	l0=$(wc -l <"$maillog")
	# The acks were queued by the other configuration: this pass finds
	# nothing new, and sends them all.
	t2=$(now)
	"$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1 ||
	    tb_fail "sending pass failed"
	t3=$(now)
	c1=$(conns)
	tail -n +"$((l0 + 1))" "$maillog" >"$TB/round.log"
	left=$("$CONDUCTCTL" -f "$CONF" cases --wide | awk 'NR > 1 && $5 !~ /T/' | wc -l)
	size=$(awk '/qmgr.*from=<conduct@example.test>, size=/ {
	    sub(/.*size=/, ""); sub(/,.*/, ""); s += $0; k++ }
	    END { print k ? int(s / k) : 0 }' "$TB/round.log")
	awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$n" \
	    -v k="$((c1 - c0))" -v r="$r" -v left="$left" -v sz="$size" \
	    -v cf="$k" 'BEGIN {
	    net = (d - c) - (b - a)
	    printf "round %d conductd connections=%d: %d acks in %.2f s (empty pass %.2f s, net %.2f s): %.0f mails/s over %d SMTP connection(s), %d not sent, %d bytes each\n",
	        r, cf, n, d - c, b - a, net, n / net, k, left, sz }'
	awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$n" 'BEGIN {
	    print n / ((d - c) - (b - a)) }' >>"$TB/cd.$k.rates"
	echo "$((c1 - c0))" >"$TB/cd.$k.conns"

	cd_wait_queue
	c0=$(conns)
	t0=$(now)
	smtp-source -d -s "$k" -m "$n" -l "$((size > 300 ? size - 300 : 100))" \
	    -M bench.example.test -f conduct@example.test \
	    -t sink@example.test "127.0.0.1:$TB_SMTP_PORT" ||
	    tb_fail "smtp-source failed"
	t1=$(now)
	c1=$(conns)
	awk -v a="$t0" -v b="$t1" -v n="$n" -v k="$((c1 - c0))" -v r="$r" \
	    -v s="$k" 'BEGIN {
	    printf "round %d smtp-source -d -s %d: %d mails in %.2f s: %.0f mails/s over %d connection(s)\n",
	        r, s, n, b - a, n / (b - a), k }'
	awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { print n / (b - a) }' \
	    >>"$TB/ss.$k.rates"
	cd_wait_queue
done
	t0=$(now)
	smtp-source -s 1 -m "$n" -l "$((size > 300 ? size - 300 : 100))" \
	    -M bench.example.test -f conduct@example.test \
	    -t sink@example.test "127.0.0.1:$TB_SMTP_PORT" ||
	    tb_fail "smtp-source failed"
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v n="$n" -v r="$r" 'BEGIN {
	    printf "round %d smtp-source -s 1 (a connection per mail): %.0f mails/s\n",
	        r, n / (b - a) }'
	awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { print n / (b - a) }' \
	    >>"$TB/ss1.rates"
	cd_wait_queue
done
ss1m=$(median <"$TB/ss1.rates")
for k in $conns_list; do
	cdm=$(median <"$TB/cd.$k.rates")
	ssm=$(median <"$TB/ss.$k.rates")
	awk -v c="$cdm" -v s="$ssm" -v s1="$ss1m" \
	    -v cr="$(range <"$TB/cd.$k.rates")" \
	    -v sr="$(range <"$TB/ss.$k.rates")" -v n="$n" -v r="$rounds" \
	    -v k="$(cat "$TB/cd.$k.conns")" -v cf="$k" 'BEGIN {
	    printf "figure: outbox drain of %d acks, connections=%d: conductd %.0f mails/s (range %s, %d SMTP connection(s)), smtp-source -d -s %d %.0f mails/s (range %s), ratio %.2f; smtp-source a connection per mail %.0f mails/s; medians of %d rounds\n",
	        n, cf, c, cr, k, cf, s, sr, c / s, s1, r }'
done

# ------------------------------------------------------------ flood latency

# Postfix logs whole seconds: cleanup flags the header of an ack to
# reporter1, reporter2 or outsider, and the bench notes when that shows.
pc=$TB/postfix/conf
echo "header_checks = regexp:$pc/bench_checks" >>"$pc/main.cf"
printf '/^To:.*(reporter[12]|outsider)@example\\.test/ WARN bench ack to $1\n' \
    >"$pc/bench_checks"
tb__backdate "$pc"/*
tb_stop_postfix
tb_start_postfix

# genuine USER: sends a report from USER@example.test, prints the seconds
# from Postfix taking it to Postfix taking its acknowledgment (a line of
# the log after its line count now).
genuine() {
	local user=$1 t0 t1 end l0
	l0=$(wc -l <"$maillog")
	tb_send "$user@example.test" conduct@example.test \
	    --header "Subject: genuine report" \
	    --body "Location: hall B. Something happened to me."
	t0=$(now)
	end=$(( $(date +%s) + 300 ))
	until tail -n +"$((l0 + 1))" "$maillog" | grep -q "bench ack to $user"; do
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "no acknowledgment to $user after 300 s"
		sleep 0.01
	done
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}

tb_ini_set "$CONF" daemon poll_interval 3600
tb_ini_set "$CONF" daemon log_level debug
half=$((flood / 2))
seed g1- 1 "$half" flood@elsewhere.test
seed g2- $((half + 1)) $((flood - half)) flood@elsewhere.test
sent=0
lats=
for k in $conns_list; do
	tb_ini_set "$CONF" smtp connections "$k"
	seed "f${k}a-" 1 "$half"
	seed "f${k}b-" $((half + 1)) $((flood - half))
	l0=$(wc -l <"$TB/conductd.log")
	cd_start_daemon
	end=$(( $(date +%s) + 60 ))
	until tail -n +"$((l0 + 1))" "$TB/conductd.log" |
	    grep -q "waiting for new mail (IDLE"; do
		[ "$(date +%s)" -lt "$end" ] || tb_fail "the daemon is not idle"
		sleep 0.05
	done
	quiet=$(genuine reporter1)
	cd_wait_queue
	# A flood from as many senders: an acknowledgment for each.
	import "f${k}a-"
	lat=$(genuine reporter2 &
	    sleep 0.2; import "f${k}b-" >/dev/null; wait)
	sent=$((sent + flood + 2))
	cd_wait_log_count "accepted by the server" "$sent"
	cd_wait_queue
	lats="$lats, connections=$k: ${quiet} s with no flood, ${lat} s in the flood"
	[ "$k" = "${conns_list##* }" ] || cd_stop_daemon TERM || true
done
# A flood from one sender (a mailing-list accident): 5 acknowledgments,
# the rest held for the summary (the flood guard).
import g1-
lat1=$(genuine outsider &
    sleep 0.2; import g2- >/dev/null; wait)
cd_stop_daemon TERM || true
echo "figure: arrival of a report to its acknowledgment accepted by Postfix, during a flood of $flood reports (half before it, half after) each with its own sender (and acknowledgment)${lats}; ${lat1} s when they share one (connections=$k)"
