#!/bin/bash
# t-smtp.sh - the smtp module (libcurl) against the test bed's Postfix,
# through tests/unit/smtp-send, reading the mail back over IMAP:
# STARTTLS + AUTH and implicit TLS deliver byte for byte (dot lines and
# UTF-8 intact); a wrong CA and a wrong password fail temporarily and
# deliver nothing; an unknown recipient fails permanently with a 5xx; a
# stopped Postfix fails temporarily and the same session sends again once
# it is back; 20 messages go over one connection.

set -eu
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

SEND=$top_builddir/tests/unit/smtp-send
[ -x "$SEND" ] || tb_fail "$SEND not built (make check builds it)"

tb_init
tb_start

D=$TB_DOMAIN
FROM=conduct@$D
(umask 077; tb_password conduct > "$TB/conduct.pass")
(umask 077; echo wrong-password > "$TB/wrong.pass")

# Set SUB to the arguments for a submission port: STARTTLS or implicit
# TLS, AUTH as conduct, verified against CA (default: the test bed's).
sub_args()	# sub_args starttls|tls [CA]
{
	local port=$TB_SUBMISSION_PORT
	[ "$1" = tls ] && port=$TB_SUBMISSIONS_PORT
	SUB=(-t "$1" -c "${2:-$TB_CA}" -u conduct -p "$TB/conduct.pass"
	    127.0.0.1 "$port")
}

# run_send EXPECT-STATUS EXPECT-LINES SMTP-SEND-ARGS...: run smtp-send,
# check its exit status and its output lines (one per send, joined by
# spaces; a "5xx" code matches any 5xx reply).
run_send()
{
	local want_rc=$1 want=$2 out rc=0 got
	shift 2
	out=$("$SEND" "$@" 2>"$TB/send.err") || rc=$?
	got=$(printf '%s\n' "$out" | tr '\n' ' ' | sed 's/ $//')
	LAST_OUT=$got
	# shellcheck disable=SC2254
	case "$got" in
	$want) ;;
	*) sed 's/^/#   /' "$TB/send.err" >&2
	   tb_fail "smtp-send $*: got '$got', expected '$want'" ;;
	esac
	[ "$rc" = "$want_rc" ] ||
	    tb_fail "smtp-send $*: exit status $rc, expected $want_rc"
}

expect_count()	# expect_count USER MAILBOX N
{
	local n
	n=$(tb_imap_count "$1" "$2")
	[ "$n" = "$3" ] || tb_fail "$1's $2 holds $n messages, expected $3"
}

# The last message in USER's INBOX must end with FILE, byte for byte
# (Postfix and Dovecot only prepend Received, Return-Path, Delivered-To).
expect_intact()	# expect_intact USER FILE WHAT
{
	local uid size
	uid=$(tb_imap_uids "$1" INBOX | tail -n 1)
	[ -n "$uid" ] || tb_fail "$3: no message in $1's INBOX"
	tb_imap_fetch "$1" INBOX "$uid" > "$TB/fetched"
	size=$(wc -c < "$2")
	tail -c "$size" "$TB/fetched" | cmp -s - "$2" || {
		diff <(tail -c "$size" "$TB/fetched" | od -c) <(od -c < "$2") |
		    head -n 20 | sed 's/^/#   /' >&2
		tb_fail "$3: the message arrived changed"
	}
	tb_pass "$3"
}

# A message file with CRLF line ends from the lines given.
crlf_message()	# crlf_message FILE LINE...
{
	local f=$1
	shift
	printf '%s\r\n' "$@" > "$f"
}

# Lines of the maillog from the submission (STARTTLS) listener.
sub_log_count()	# sub_log_count REGEX
{
	grep -c "postfix/submission/smtpd\[[0-9]*\]: $1" \
	    "$TB/postfix/maillog" 2>/dev/null || true
}

crlf_message "$TB/dots.eml" \
    "From: Conduct <$FROM>" "To: Alice <alice@$D>" \
    "Subject: dots" "Message-ID: <dots.1@$D>" "" \
    "A line follows that starts with a dot:" ".hidden" \
    "." ".." "..two" " .space" ".end"
crlf_message "$TB/utf8.eml" \
    "From: Conduct <$FROM>" "To: Alice <alice@$D>" \
    "Subject: utf8" "Message-ID: <utf8.1@$D>" "MIME-Version: 1.0" \
    "Content-Type: text/plain; charset=UTF-8" \
    "Content-Transfer-Encoding: 8bit" "" \
    "Grüße aus Zürich — «Verhaltenskodex» ✓" \
    "日本語のテキスト" \
    "Ελληνικά, русский, emoji 🙂" ""
crlf_message "$TB/plain.eml" \
    "From: Conduct <$FROM>" "To: someone" "Subject: plain" \
    "Message-ID: <plain.1@$D>" "" "hello"

# --- STARTTLS + AUTH on submission: intact, dot lines and UTF-8.
sub_args starttls
run_send 0 "status=ok code=250" "${SUB[@]}" \
    "$FROM" "alice@$D" "$TB/dots.eml"
tb_imap_wait_count alice INBOX 1 20
expect_intact alice "$TB/dots.eml" "STARTTLS+AUTH: dot lines survive"
sub_args starttls
run_send 0 "status=ok code=250" "${SUB[@]}" \
    "$FROM" "alice@$D" "$TB/utf8.eml"
tb_imap_wait_count alice INBOX 2 20
expect_intact alice "$TB/utf8.eml" "STARTTLS+AUTH: UTF-8 body byte for byte"

# --- implicit TLS + AUTH on submissions.
sub_args tls
run_send 0 "status=ok code=250" "${SUB[@]}" \
    "$FROM" "bob@$D" "$TB/dots.eml"
tb_imap_wait_count bob INBOX 1 20
expect_intact bob "$TB/dots.eml" "implicit TLS+AUTH: delivered"

# --- plain text on the SMTP port, no AUTH (only when asked for).
run_send 0 "status=ok code=250" -t none 127.0.0.1 "$TB_SMTP_PORT" \
    "$FROM" "erin@$D" "$TB/plain.eml"
tb_imap_wait_count erin INBOX 1 20
tb_pass "no TLS, no AUTH: delivered"

# --- wrong CA, both TLS modes: temporary, nothing delivered.
for mode in starttls tls; do
	sub_args "$mode" "$TB_WRONG_CA"
	run_send 75 "status=tempfail code=*" "${SUB[@]}" \
	    "$FROM" "carol@$D" "$TB/plain.eml"
	grep -qi 'certificate\|verif' "$TB/send.err" || tb_fail \
	    "wrong CA ($mode): no certificate error: $(cat "$TB/send.err")"
	tb_pass "wrong CA with $mode: tempfail ($LAST_OUT)"
done

# --- wrong password: temporary (a config problem, mail must wait).
run_send 75 "status=tempfail code=535" -t starttls -c "$TB_CA" \
    -u conduct -p "$TB/wrong.pass" 127.0.0.1 "$TB_SUBMISSION_PORT" \
    "$FROM" "carol@$D" "$TB/plain.eml"
tb_pass "wrong password: tempfail code 535"

# --- an unknown user in the virtual domain: permanent 5xx, twice over one
# session (the second send reconnects after the error).
P5="status=permfail code=5[0-9][0-9]"
sub_args starttls
run_send 69 "$P5 $P5" \
    -n 2 "${SUB[@]}" "$FROM" "nobody@$D" "$TB/plain.eml"
tb_pass "unknown recipient: permfail ($LAST_OUT)"
# The error is the server's reply text, its address taken out.
grep -q '5\.1\.1 <address>.*[Uu]ser unknown' "$TB/send.err" ||
    tb_fail "no reply text in the error: $(cat "$TB/send.err")"
grep -q '@' "$TB/send.err" &&
    tb_fail "an address in the error: $(cat "$TB/send.err")"
tb_pass "unknown recipient: the reply text without the address"

# --- an address with CR LF is refused before anything is sent.
sub_args starttls
run_send 69 "status=permfail code=0" "${SUB[@]}" \
    "$FROM" "carol@$D"$'\r\n'"RCPT TO:<dave@$D>" "$TB/plain.eml"
tb_pass "CR LF in an address: permfail, nothing sent"

# Nothing of the failures above reached anyone (carol was the recipient
# of every refused send; dave of the injected one).  Delivery of the
# good mail above took well under a second, so a short wait suffices.
sleep 1
expect_count carol INBOX 0
expect_count dave INBOX 0
tb_pass "nothing delivered by the failed sends"

# --- 20 messages over one session use one connection.  First let the
# log catch up with the sessions above (postlogd writes asynchronously;
# every session so far ended, so each connect has its disconnect).
sub_logged_all()
{
	[ "$(sub_log_count 'connect from')" = \
	    "$(sub_log_count 'disconnect from')" ]
}
tb_wait_for sub_logged_all
before=$(sub_log_count 'connect from')
t0=$(tb__now_ms)
sub_args starttls
run_send 0 "$(printf 'status=ok code=250 %.0s' $(seq 20) | sed 's/ $//')" \
    -n 20 "${SUB[@]}" "$FROM" "dave@$D" "$TB/utf8.eml"
t1=$(tb__now_ms)
tb_imap_wait_count dave INBOX 20 30
tb_wait_for sub_logged_all
after=$(sub_log_count 'connect from')
[ $((after - before)) = 1 ] ||
    tb_fail "20 messages took $((after - before)) connections, not 1"
grep "postfix/submission/smtpd.*disconnect from.* mail=20 " \
    "$TB/postfix/maillog" | grep -q ' auth=1 .* rcpt=20 data=20 ' ||
    tb_fail "the connection did not carry 1 AUTH and 20 RCPT and DATA"
sleep 0.5
expect_count dave INBOX 20
expect_intact dave "$TB/utf8.eml" "20 messages: the last one intact"
tb_log "20 messages over one connection in $((t1 - t0)) ms"
tb_pass "20 messages, one connection, all 20 delivered"

# --- Postfix stopped, then started: the same session sends again.  The
# sends are paced from here (-s: one line on stdin per send).
sub_args starttls
coproc STEP { "$SEND" -s -n 4 "${SUB[@]}" "$FROM" "alice@$D" \
    "$TB/plain.eml" 2>"$TB/step.err"; }
# Bash unsets STEP once the coprocess ends: keep what is needed.
step_pid=$STEP_PID
step_in=${STEP[1]}
step_out=${STEP[0]}
step()	# step EXPECT: let smtp-send do one send and check its line
{
	local line
	echo go >&"$step_in"
	read -r -t 60 line <&"$step_out" || tb_fail "smtp-send -s: no answer"
	# shellcheck disable=SC2254
	case "$line" in
	$1) ;;
	*) sed 's/^/#   /' "$TB/step.err" >&2
	   tb_fail "session step: got '$line', expected '$1'" ;;
	esac
}
step "status=ok code=250"
tb_stop_postfix
step "status=tempfail code=0"
tb_start_postfix
step "status=ok code=250"
exec {step_in}>&-
wait "$step_pid" 2>/dev/null && rc=0 || rc=$?
[ "$rc" = 75 ] || tb_fail "smtp-send -s exit status $rc, expected 75"
tb_imap_wait_count alice INBOX 4 20
tb_pass "Postfix down: tempfail; back up: the same session sends again"
