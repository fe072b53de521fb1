# benchlib.sh: shared by the tests/bench/bench-*.sh benchmarks (sourced
# after cdlib.sh).  Benchmarks print figures and never fail on timing;
# they fail only when the test bed or a run breaks.

BENCH_TIME=${BENCH_TIME:-/usr/bin/time}

# bench_gen DIR SMALL BIG: a maildir of SMALL messages of about 3 KB and
# BIG of about 1 MB, made once per DIR.  All come from one sender, so past
# the first few their acknowledgments are held as a flood (ack_flood) and
# a pass measures intake and the case step, not the outbox.
bench_gen() {
	[ -f "$1/.done" ] && return 0
	mkdir -p "$1/cur" "$1/new" "$1/tmp"
	python3 - "$1" "$2" "$3" <<'EOF' || tb_fail "bench_gen"
import os, sys, random
d, small, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(13)
words = ("the talk was interrupted by a person who kept shouting at the "
         "speaker and later followed me to the hallway where he said "
         "things about my accent that I do not want to repeat here").split()
def text(n):
    out, line = [], []
    size = 0
    while size < n:
        w = rnd.choice(words)
        line.append(w)
        size += len(w) + 1
        if len(line) == 11:
            out.append(" ".join(line)); line = []
    out.append(" ".join(line))
    return "\r\n".join(out)
b64 = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(76))
for i in range(1, small + big + 1):
    hdr = ("From: Reporter <reporter1@example.test>\r\n"
           "To: conduct@example.test\r\nSubject: bench report %d\r\n"
           "Message-ID: <bench-%d@elsewhere.test>\r\n"
           "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n" % (i, i))
    if i <= small:
        body = hdr + "\r\nreport %d\r\n%s\r\n" % (i, text(2800))
    else:
        body = (hdr + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
                "boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                "report %d with a photo\r\n%s\r\n--b\r\nContent-Type: "
                "image/jpeg; name=\"p.jpg\"\r\nContent-Transfer-Encoding: "
                "base64\r\n\r\n" % (i, text(600)) +
                (b64 + "\r\n") * 13700 + "--b--\r\n")
    with open(os.path.join(d, "cur", "%d.bench:2," % i), "w") as f:
        f.write(body)
open(os.path.join(d, ".done"), "w").close()
EOF
	chown -R dovecot:dovecot "$1"
}

# bench_reseed DIR: empties the alias's INBOX and Processed, then imports
# the maildir DIR into INBOX.
bench_reseed() {
	local dc="$TB/dovecot.conf"
	doveadm -c "$dc" expunge -u conduct mailbox INBOX all 2>/dev/null || true
	doveadm -c "$dc" expunge -u conduct mailbox Processed all \
	    2>/dev/null || true
	doveadm -c "$dc" import -u conduct "maildir:$1" "" all ||
	    tb_fail "doveadm import"
}

# bench_fresh_db: a new, empty conductd database and key.
bench_fresh_db() {
	rm -rf "$TB/state"
	mkdir -p "$TB/state"
	chmod 0700 "$TB/state"
	cd_ctl init >"$TB/init.out" 2>&1 ||
	    { cat "$TB/init.out" >&2; tb_fail "conductctl init"; }
}

# bench_timed OUT CMD...: runs CMD under /usr/bin/time; appends
# "wall user sys maxrss_kB" to OUT.  CMD's output goes to $TB/timed.log.
bench_timed() {
	local out=$1
	shift
	"$BENCH_TIME" -o "$TB/time.out" -f '%e %U %S %M' "$@" \
	    >>"$TB/timed.log" 2>&1 || { tail -5 "$TB/timed.log" >&2; tb_fail "$1 failed"; }
	tail -1 "$TB/time.out" >>"$out"
}

# bench_stats FILE COLUMN: "median (min-max)" of a column of numbers.
bench_stats() {
	awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '
	{ v[NR] = $1 }
	END {
		if (NR == 0) { print "n/a"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f (%.3f-%.3f)\n", m, v[1], v[NR]
	}'
}

# bench_median FILE COLUMN
bench_median() {
	bench_stats "$1" "$2" | awk '{ print $1 }'
}

# bench_pct FILE P...: the P-th percentiles (nearest rank) of FILE's
# first column.
bench_pct() {
	local f=$1
	shift
	sort -g "$f" | awk -v ps="$*" '
	{ v[NR] = $1 }
	END {
		n = split(ps, p, " ")
		for (i = 1; i <= n; i++) {
			k = int((p[i] / 100) * NR + 0.999999)
			if (k < 1) k = 1
			if (k > NR) k = NR
			printf "p%s %.3f s%s", p[i], v[k], i < n ? ", " : "\n"
		}
	}'
}

# bench_proc PID FIELD: a /proc/PID/status value in kB (VmHWM, VmRSS).
bench_proc() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# bench_seed_cases N DIR: N cases in a fresh database, the fast way: the
# maildir DIR (N messages from bench_gen) imported, then one
# conductd --once pass; INBOX is empty after it.
bench_seed_cases() {
	local t0 t1
	bench_fresh_db
	[ "$1" -gt 0 ] || return 0
	bench_reseed "$2"
	t0=$(date +%s.%N)
	cd_once || tb_fail "seeding pass failed"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" -v n="$1" 'BEGIN {
		printf "seeded %d cases in %.1f s (one --once pass)\n", n, b - a }'
	[ "$(tb_imap_count conduct INBOX)" = 0 ] ||
	    tb_fail "the seeding pass left mail in INBOX"
}
