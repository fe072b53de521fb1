#!/bin/bash
# Benchmark (prints figures, never fails on timing): the case step alone
# (classify, open the case, recusal, queue the acknowledgment and the
# conflict checks) for N stored reports of about 3 KB of prose, with a
# committee of six members.  A first pass fetches and stores them and is
# cut at after-resync, before any is handled; the timed second pass finds
# nothing new on the server, handles the N messages, and is cut at
# after-schedule, before the outbox is drained.  Wall and CPU time are
# those of that whole process (start-up included).
# Usage: top_builddir=BUILD bash tests/bench/bench-cases.sh [N] [ROUNDS]
# With PERF=FILE, the timed pass of the last round runs under perf record.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
. "$top_srcdir/tests/e2e/cdlib.sh"
n=${1:-2000}
rounds=${2:-1}

cd_setup tls
tb_ini_set "$CONF" daemon log_level warn
D=$TB_DOMAIN
for m in "Alice Lee:lead" "Bob Marsh:lead" "Carol Tan:member" \
    "Dave Kim:member" "Erin Park:backup" "Frank Ode:member"; do
	name=${m%%:*}
	first=${name%% *}
	printf '\n[member %s]\nemail = %s@%s\nrole = %s\n' \
	    "$name" "$(echo "$first" | tr A-Z a-z)" "$D" \
	    "${m##*:}" >>"$CONF"
done
para="Last week at the meetup in the main hall, a participant kept\r
interrupting the speakers and made comments about people's looks that\r
several of us found hostile. When asked to stop, they laughed it off and\r
went on through the break, following one attendee to the coffee table.\r
I was standing nearby with two friends, who can confirm what happened.\r
It went on for most of the evening; the organisers were busy elsewhere.\r
\r
"
body=""
for k in 1 2 3 4 5 6 7; do
	body="$body$para"
done
md="$TB/seed"
mkdir -p "$md/cur" "$md/new" "$md/tmp"
seed() {
	rm -f "$md"/cur/*
	for i in $(seq 1 "$n"); do
		printf 'From: reporter%s@elsewhere.test\r\nTo: conduct@%s\r\nSubject: report %s\r\nMessage-ID: <cases-%s-%s@elsewhere.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nWhen: last Saturday evening\r\nWhere: main hall\r\nReported person: a participant in a red jacket\r\n\r\n%sPlease do not share this with Frank Ode.\r\n' \
		    "$i" "$D" "$i" "$1" "$i" "$body" >"$md/cur/$i.cases:2,"
	done
	chown -R dovecot:dovecot "$md"
	doveadm -c "$TB/dovecot.conf" import -u conduct "maildir:$md" "" all ||
	    tb_fail "doveadm import"
}
for r in $(seq 1 "$rounds"); do
	seed "$r"
	base=$(cd_count)
	{ CONDUCTD_CRASH_AT=after-resync cd_once; } 2>/dev/null || true
	stored=$(( $(cd_count) - base ))
	perf=""
	if [ -n "${PERF:-}" ] && [ "$r" = "$rounds" ]; then
		perf="perf record -g -o $PERF"
	fi
	TIMEFORMAT='%R %U %S'
	# (Braced, so that bash's "Killed" notice goes nowhere.)
	{ time CONDUCTD_CRASH_AT=after-schedule $perf "$CONDUCTD" \
	    -f "$CONF" --once >>"$TB/conductd.log" 2>&1; } 2>"$TB/time" ||
	    true
	cases=$(cd_ctl cases | awk 'NR > 1' | wc -l)
	tail -1 "$TB/time" | awk -v n="$stored" -v r="$r" -v c="$cases" \
	    '{ printf "figure: round %d: case step for %d messages " \
	    "(%d cases in all): %.2f s, %.0f messages/s; CPU %.2f s " \
	    "(user %.2f, system %.2f), %.0f messages per CPU second\n",
	    r, n, c, $1, n / $1, $2 + $3, $2, $3, n / ($2 + $3) }'
	# The queued mail stays queued: nothing is drained.
done
