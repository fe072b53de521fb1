#!/bin/bash
# Command-line conventions of conductd and conductctl: --help prints the
# usage on stdout and exits 0, --version the version configure set; an
# unknown option or verb is named on stderr with the usage line, exit 64;
# conductctl cases fits 80 columns, --wide and --csv keep every field.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/autoconf.h")
[ -n "$version" ] || tb_fail "no PACKAGE_VERSION in autoconf.h"

# run PROG ARGS...: sets st, out (stdout) and err (stderr).
run() {
	st=0
	"$@" >"$TB_OUT" 2>"$TB_ERR" || st=$?
	out=$(cat "$TB_OUT")
	err=$(cat "$TB_ERR")
}

cd_setup starttls
cd_members Alice:lead Bob:member
TB_OUT=$TB/cli.out
TB_ERR=$TB/cli.err

for prog in conductd conductctl; do
	bin=$top_builddir/$prog
	run "$bin" --help
	cd_expect_eq "$prog --help exit status" "$st" 0
	echo "$out" | grep -q "^usage: $prog " ||
	    tb_fail "$prog --help printed no usage on stdout: $out"
	[ -z "$err" ] || tb_fail "$prog --help wrote to stderr: $err"
	run "$bin" --version
	cd_expect_eq "$prog --version exit status" "$st" 0
	cd_expect_eq "$prog --version" "$out" "$prog $version"

	run "$bin" --frobnicate
	cd_expect_eq "$prog --frobnicate exit status" "$st" 64
	echo "$err" | grep -q "^$prog: unknown option --frobnicate$" ||
	    tb_fail "$prog does not name the unknown option: $err"
	echo "$err" | grep -q "^usage: $prog " ||
	    tb_fail "$prog gives no usage line: $err"
	[ -z "$out" ] || tb_fail "$prog wrote the error to stdout: $out"
	run "$bin" -Z
	cd_expect_eq "$prog -Z exit status" "$st" 64
	echo "$err" | grep -q "^$prog: unknown option -Z$" ||
	    tb_fail "$prog does not name -Z: $err"
	run "$bin" -f
	cd_expect_eq "$prog -f (no file) exit status" "$st" 64
	echo "$err" | grep -q "^$prog: a value is needed after -f$" ||
	    tb_fail "$prog does not say -f needs a file: $err"
done
tb_pass "--help, --version and unknown options on both programs"

run "$CONDUCTCTL" -f "$CONF" frobnicate
cd_expect_eq "unknown verb exit status" "$st" 64
echo "$err" | grep -q "^conductctl: unknown verb frobnicate$" ||
    tb_fail "the unknown verb is not named: $err"
echo "$err" | grep -q "^usage: conductctl " || tb_fail "no usage line: $err"
echo "$err" | grep -q "cases \[--wide | --csv\]" ||
    tb_fail "the usage does not list the verbs: $err"
run "$CONDUCTCTL" -f "$CONF"
cd_expect_eq "no verb exit status" "$st" 64
echo "$err" | grep -q "^conductctl: no verb given$" || tb_fail "no verb: $err"
run "$CONDUCTD" -f "$CONF" extra
cd_expect_eq "conductd with an argument" "$st" 64
echo "$err" | grep -q "^conductd: unexpected argument extra$" ||
    tb_fail "conductd does not name the argument: $err"
tb_pass "an unknown verb, no verb, a stray argument: named, with the usage, 64"

# Three cases, one of them urgent and one whose ack is held back.
for i in 1 2 3; do
	body="Location: room $i
Something happened at the venue."
	[ "$i" != 2 ] || body="$body
It is still going on right now."
	tb_send "reporter$i@example.test" conduct@example.test \
	    --header "Subject: report $i" --body "$body"
done
tb_imap_wait_count conduct INBOX 3
cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" 3

run "$CONDUCTCTL" -f "$CONF" cases
cd_expect_eq "cases exit status" "$st" 0
echo "$out" | sed 's/^/# /'
wide=$(echo "$out" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
[ "$wide" -le 80 ] || tb_fail "conductctl cases is $wide columns wide"
echo "figure: conductctl cases is $wide columns wide"
echo "$out" | head -1 | grep -q '^CODE NAME .* DUE$' ||
    tb_fail "header: $(echo "$out" | head -1)"
# Each row: the whole code name, the day, a status, the deadline in 6 days.
rows=$(echo "$out" | tail -n +2 |
    grep -cE '^[a-z]+-[a-z]+ +[0-9]{4}-[0-9]{2}-[0-9]{2} +[a-z]+ +(yes|no) +(yes|queued|held|no) +[a-z?]+ +[a-z?]+ +in [0-9]+[dhm]$' || true)
cd_expect_eq "narrow rows of the expected shape" "$rows" 3
tb_pass "conductctl cases fits 80 columns ($wide)"

code=$(cd_code 1)
run "$CONDUCTCTL" -f "$CONF" cases --wide
cd_expect_eq "cases --wide exit status" "$st" 0
echo "$out" | head -1 | grep -q 'NEXT DUE' || tb_fail "--wide header: $out"
echo "$out" | grep "^$code " |
    grep -qE ' [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z ' ||
    tb_fail "--wide shows no full receipt time for $code: $out"
wide=$(echo "$out" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
[ "$wide" -gt 80 ] || tb_fail "--wide is only $wide columns"
run "$CONDUCTCTL" -f "$CONF" cases --csv
cd_expect_eq "cases --csv header" "$(echo "$out" | head -1)" \
    "code_name,received,status,urgent,ack_sent,safety,repeat,next_due,language,moderators,reported"
cd_expect_eq "cases --csv rows" "$(echo "$out" | tail -n +2 | grep -c ,)" 3
cd_expect_eq "cases --csv fields per row" \
    "$(echo "$out" | awk -F, 'NR > 1 { print NF }' | sort -u)" 11
tb_pass "cases --wide and --csv keep every field"

# Overdue: the deadline turns into "late".
CONDUCTD_CLOCK_OFFSET=$((9 * 86400)) run "$CONDUCTCTL" -f "$CONF" cases
echo "$out" | grep "^$code " | grep -qE ' [0-9]+[dh] late$' ||
    tb_fail "an overdue case is not shown late: $out"
tb_pass "an overdue deadline reads 'late'"

run "$CONDUCTCTL" -f "$CONF" cases --bogus
cd_expect_eq "cases --bogus exit status" "$st" 64
echo "$err" | grep -q "^conductctl: cases: unknown option --bogus$" ||
    tb_fail "cases does not name its unknown option: $err"
echo "$err" | grep -q "^usage: conductctl \[-f file\] cases \[--wide | --csv\]$" ||
    tb_fail "cases gives no usage line of its own: $err"
tb_pass "a verb's unknown option is named with the verb's usage"
