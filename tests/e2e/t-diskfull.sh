#!/bin/bash
# A full state disk: the state folder is a small tmpfs; check-config
# warns that it has less than 64 MB free.  While a filler file takes the
# last byte, reports delivered stay in INBOX (nothing is moved to the
# processed folder unstored), the daemon backs off (1, 2, 4, 8 s between
# passes) and logs a bounded number of warnings, one of them "database
# failing: disk full".  Once the filler is gone the same daemon stores
# the reports, opens their cases and acknowledges them (read over IMAP),
# and says "database working again" once.  The WAL stays under its
# 1 MB limit after passes.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/reports"

cd_setup starttls
cd_committee

# The state folder (key and database) onto a 4 MB tmpfs (where the
# daemon once wedged for good).
MNT=""
t_exit() {
	local rc=$?
	set +e
	cd_stop_daemon TERM >/dev/null 2>&1
	if [ -n "$MNT" ]; then
		umount "$MNT" || umount -l "$MNT"
	fi
	(exit "$rc")
	cd_cleanup
}
trap t_exit EXIT
cp -a "$TB/state" "$TB/state.orig"
mount -t tmpfs -o size=4m,mode=0700 tmpfs "$TB/state" 2>"$TB/mount.err" ||
    tb_skip "cannot mount a tmpfs for the state folder: $(cat "$TB/mount.err")"
MNT=$TB/state
cp -a "$TB/state.orig/." "$TB/state/"

out=$(cd_ctl check-config 2>&1) || true	# no Processed folder yet
echo "$out" | grep -q '^warn free space of the state filesystem: [0-9]* MB, below 64 MB' ||
    tb_fail "check-config does not warn about 4 MB free: $out"
tb_pass "check-config warns when the state filesystem has < 64 MB free"

wal_small() {
	local w=$TB/state/conductd.db-wal size
	size=$(stat -c %s "$w" 2>/dev/null || echo 0)
	[ "$size" -le 1048576 ] || tb_fail "the WAL is $size bytes after a pass"
	tb_pass "WAL after a pass: $size bytes"
}

# A working start: one report, its case and acknowledgment.
tb_send_file reporter1@example.test conduct@example.test "$data/english.eml"
tb_imap_wait_count conduct INBOX 1 20
cd_start_daemon
cd_wait_count 1
tb_imap_wait_count reporter1 INBOX 1 20
cd_wait_log 'waiting for new mail'
grep -q 'conductd: the state filesystem has [0-9]* MB free, below 64 MB' \
    "$TB/conductd.log" || tb_fail "the daemon's start does not warn about 4 MB free"
tb_pass "the daemon's start warns about the nearly full state filesystem"
wal_small
# (check-config's probe may lie in INBOX too: count from here.)
p0=$(tb_imap_count conduct Processed)
c0=$(cd_count)
k0=$(cd_cases)

# The disk fills up; two reports arrive.
dd if=/dev/zero of="$TB/state/filler" bs=4k >/dev/null 2>&1 || true
[ "$(df --output=avail -k "$TB/state" | tail -1 | tr -d ' ')" = 0 ] ||
    tb_fail "the filler left room on the state filesystem"
mark=$(wc -l <"$TB/conductd.log")
tb_send reporter2@example.test conduct@example.test \
    --header "Subject: Report: shoved at the coffee line" \
    --body "Location: the coffee line. Someone shoved me twice."
tb_send outsider@example.test conduct@example.test \
    --header "Subject: Report: insults in the hallway" \
    --body "Location: the hallway. Someone insulted a speaker."
tb_imap_wait_count conduct INBOX 2 20 || true
TB_TIMEOUT=40 cd_wait_log 'database still failing (disk full), next pass in 8 s'
since() {
	tail -n +"$((mark + 1))" "$TB/conductd.log"
}
cd_expect_eq "'database failing: disk full' warnings" \
    "$(since | grep -c 'warn: conductd: database failing: disk full; retrying with backoff')" 1
for s in 2 4 8; do
	since | grep -q "next pass in $s s" || tb_fail "no backoff to $s s"
done
tb_pass "the daemon backs off: 1, 2, 4, 8 s between passes"
n=$(since | grep -c ' warn: ' || true)
[ "$n" -le 3 ] || { since | grep ' warn: ' >&2; tb_fail "$n warnings in the disk-full passes"; }
tb_pass "$n warning(s) in the disk-full passes"
cd_expect_eq "'stored message' lines while nothing could be stored" \
    "$(since | grep -c 'intake: stored message' || true)" 0
cd_expect_eq "reports left in INBOX on a full disk" "$(tb_imap_count conduct INBOX)" 2
cd_expect_eq "in Processed on a full disk" "$(tb_imap_count conduct Processed)" "$p0"
cd_expect_eq "stored on a full disk" "$(cd_count)" "$c0"

# Room again: the same daemon takes the reports in.
rm -f "$TB/state/filler"
TB_TIMEOUT=40 cd_wait_count $((c0 + 2))
TB_TIMEOUT=30 cd_wait_log 'database working again'
tb_imap_wait_count reporter2 INBOX 1 30
tb_imap_wait_count outsider INBOX 1 30
cd_expect_eq "cases after the disk has room" "$(cd_cases)" $((k0 + 2))
cd_expect_eq "left in INBOX" "$(tb_imap_count conduct INBOX)" 0
cd_expect_eq "in Processed" "$(tb_imap_count conduct Processed)" $((p0 + 2))
cd_expect_eq "'database working again' lines" \
    "$(grep -c 'database working again' "$TB/conductd.log")" 1
for u in reporter2 outsider; do
	f=$(cd_wait_grep "$u" 1 "Subject: [CoC ")
	[ -n "$f" ] || tb_fail "$u has no acknowledgment"
done
tb_pass "both reports got their case and acknowledgment"
cd_wait_log_count 'waiting for new mail' 2
sleep 1
wal_small
cd_stop_daemon TERM || tb_fail "the daemon did not stop cleanly"
