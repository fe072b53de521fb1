#!/bin/bash
# Benchmark (prints figures, never fails on timing): one whole
# `conductd --once` pass (fetch, store, move, case step, outbox) over a
# mailbox of SMALL messages of about 3 KB and BIG of about 1 MB, side by
# side with mbsync pulling the same mailbox from the same Dovecot (IMAPS
# both).  The mailbox is reseeded before every run, conductd starts from
# an empty database and mbsync from an empty maildir; rounds interleave
# the two and alternate which goes first.  Prints wall, user+sys CPU and
# peak RSS (medians and ranges), and the ratios.
# Usage: top_builddir=BUILD bash tests/bench/bench-mbsync.sh [SMALL] [BIG] [ROUNDS]
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
. "$top_srcdir/tests/e2e/cdlib.sh"
. "$top_srcdir/tests/bench/benchlib.sh"
small=${1:-10000}
big=${2:-200}
rounds=${3:-5}
command -v mbsync >/dev/null || tb_skip "mbsync (Debian package isync) not installed"

cd_setup tls
tb_ini_set "$CONF" daemon log_level "${BENCH_LOG_LEVEL:-warn}"
md=${BENCH_CACHE:-$TB}/mailbox-$small-$big
bench_gen "$md" "$small" "$big"

# FSync: BENCH_MBSYNC_FSYNC=yes makes mbsync sync each message (its
# default); the reference figures in TESTBED.md are without.
cat >"$TB/mbsyncrc" <<EOF
FSync ${BENCH_MBSYNC_FSYNC:-no}

IMAPAccount bench
Host localhost
Port $TB_IMAPS_PORT
User conduct
PassCmd "cat $TB/conduct.pass"
SSLType IMAPS
CertificateFile $TB_CA

IMAPStore far
Account bench

MaildirStore near
Path $TB/near/
Inbox $TB/near/INBOX

Channel bench
Far :far:INBOX
Near :near:INBOX
Sync Pull
Create Near
SyncState *
EOF

run_conductd() {
	bench_reseed "$md"
	bench_fresh_db
	bench_timed "$TB/conductd.times" "$CONDUCTD" -f "$CONF" --once
	[ "$(cd_count)" -ge $((small + big)) ] ||
	    tb_fail "conductd stored $(cd_count) of $((small + big))"
}

run_mbsync() {
	bench_reseed "$md"
	rm -rf "$TB/near"
	mkdir -p "$TB/near"
	bench_timed "$TB/mbsync.times" mbsync -q -c "$TB/mbsyncrc" bench
	got=$(find "$TB/near/INBOX" -type f -path '*/cur/*' -o -type f \
	    -path '*/new/*' | wc -l)
	[ "$got" -ge $((small + big)) ] || tb_fail "mbsync pulled $got"
}

: >"$TB/conductd.times"
: >"$TB/mbsync.times"
echo "mailbox: $small x 3 KB + $big x 1 MB, $rounds rounds"
for r in $(seq 1 "$rounds"); do
	if [ $((r % 2)) = 1 ]; then
		run_conductd
		run_mbsync
	else
		run_mbsync
		run_conductd
	fi
	printf 'round %d: conductd %s | mbsync %s  (wall user sys maxrss_kB)\n' \
	    "$r" "$(tail -1 "$TB/conductd.times")" "$(tail -1 "$TB/mbsync.times")"
done
for who in conductd mbsync; do
	awk '{ print $2 + $3 }' "$TB/$who.times" >"$TB/$who.cpu"
	printf 'figure: %-8s wall %s s, cpu %s s, peak RSS %s kB\n' "$who" \
	    "$(bench_stats "$TB/$who.times" 1)" \
	    "$(bench_stats "$TB/$who.cpu" 1)" \
	    "$(bench_stats "$TB/$who.times" 4 | sed 's/\.000//g')"
done
paste "$TB/conductd.times" "$TB/mbsync.times" | awk '{
	print $5 / $1, ($2 + $3) / ($6 + $7) }' >"$TB/ratios"
printf 'figure: conductd rate / mbsync rate (wall) %s\n' \
    "$(bench_stats "$TB/ratios" 1)"
awk '{ print $2 }' "$TB/ratios" >"$TB/cpuratio"
printf 'figure: conductd cpu / mbsync cpu %s\n' "$(bench_stats "$TB/cpuratio" 1)"
awk -v n=$((small + big)) -v c="$(bench_median "$TB/conductd.times" 1)" \
    -v m="$(bench_median "$TB/mbsync.times" 1)" 'BEGIN {
	printf "figure: messages/s: conductd %.0f, mbsync %.0f (medians)\n",
	    n / c, n / m }'
