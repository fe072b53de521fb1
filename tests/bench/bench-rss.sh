#!/bin/bash
# Benchmark (prints figures, never fails on them): the daemon's memory.
# 1. conductd -d started on a mailbox of SMALL messages of about 3 KB and
#    BIG of about 1 MB: its peak RSS (VmHWM) over that intake, and its
#    steady RSS (VmRSS) once it waits in IDLE.
# 2. A fresh daemon, then one mail of about MB megabytes (a base64
#    attachment) delivered while it waits: its peak, and its RSS after.
# Each against the targets of issue 13: peak <= 3x the largest message +
# 16 MB, steady < 16 MB, after the big mail < 20 MB.  Read from
# /proc/PID/status.
# Usage: top_builddir=BUILD bash tests/bench/bench-rss.sh [SMALL] [BIG] [MB]
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
. "$top_srcdir/tests/e2e/cdlib.sh"
. "$top_srcdir/tests/bench/benchlib.sh"
small=${1:-10000}
big=${2:-200}
mb=${3:-27}

# bench_idle_pass K: waits until the daemon waits in IDLE for the K-th time.
bench_idle_pass() {
	TB_TIMEOUT=900 cd_wait_log_count "waiting for new mail (IDLE" "$1"
}

cd_setup tls
tb_ini_set "$CONF" daemon poll_interval 3600
md=${BENCH_CACHE:-$TB}/mailbox-$small-$big
bench_gen "$md" "$small" "$big"
largest=$(find "$md/cur" -type f -printf '%s\n' | sort -n | tail -1)
bench_reseed "$md"
cd_start_daemon
bench_idle_pass 1
hwm=$(bench_proc "$CD_PID" VmHWM)
sleep 2
rss=$(bench_proc "$CD_PID" VmRSS)
cd_expect_eq "stored" "$(cd_count)" $((small + big))
awk -v h="$hwm" -v r="$rss" -v l="$largest" -v n=$((small + big)) 'BEGIN {
	printf "figure: intake of %d messages: peak RSS %.1f MB (target %.1f MB: 3 x %.2f MB + 16)\n",
	    n, h / 1024, 3 * l / 1048576 + 16, l / 1048576
	printf "figure: steady RSS after it, waiting in IDLE: %.1f MB (target < 16 MB)\n", r / 1024 }'
cd_stop_daemon TERM || true

bench_fresh_db
D=example.test
bigf="$TB/big.eml"
{
	printf 'From: reporter1@%s\r\nTo: conduct@%s\r\n' $D $D
	printf 'Subject: big report\r\nMessage-ID: <big-1@%s>\r\n' $D
	printf 'MIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary="b-outer"\r\n\r\n'
	printf -- '--b-outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
	printf 'Someone filmed me at the talk.\r\n'
	printf -- '--b-outer\r\nContent-Type: video/mp4; name="talk.mp4"\r\n'
	printf 'Content-Disposition: attachment; filename="talk.mp4"\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	head -c $((mb * 1024 * 1024 * 3 / 4)) /dev/urandom | base64 -w 76 |
	    sed 's/$/\r/'
	printf -- '--b-outer--\r\n'
} >"$bigf"
size=$(stat -c %s "$bigf")
: >"$TB/conductd.log"
cd_start_daemon
bench_idle_pass 1
idle=$(bench_proc "$CD_PID" VmRSS)
doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$bigf" ||
    tb_fail "doveadm save"
bench_idle_pass 2
hwm=$(bench_proc "$CD_PID" VmHWM)
sleep 1
rss=$(bench_proc "$CD_PID" VmRSS)
cd_expect_eq "stored" "$(cd_count)" 1
awk -v i="$idle" -v h="$hwm" -v r="$rss" -v s="$size" 'BEGIN {
	printf "figure: one %.1f MB mail: RSS %.1f MB before, peak %.1f MB (target %.1f MB: 3 x size + 16), %.1f MB after (target < 20 MB)\n",
	    s / 1048576, i / 1024, h / 1024, 3 * s / 1048576 + 16, r / 1024 }'
cd_stop_daemon TERM || true
