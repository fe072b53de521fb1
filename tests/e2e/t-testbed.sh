#!/bin/bash
# t-testbed.sh - smoke test of the mail test bed in lib.sh: delivery and
# plus-addressing, the catch-all sink, raw sends, IMAP/IMAPS/STARTTLS with
# the per-run CA, SMTP AUTH on the submission ports, IDLE, restarting
# Dovecot and Postfix without losing mail, and a clean stop.

set -eu
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

D=$TB_DOMAIN

# Headers of message UID in USER's MAILBOX, unfolded, without CRs.
headers()
{
	tb_imap_fetch "$1" "$2" "$3" | tr -d '\r' | sed '/^$/q'
}

# The UID in USER's MAILBOX whose Subject is SUBJ.
uid_by_subject()
{
	local u
	for u in $(tb_imap_uids "$1" "$2"); do
		if headers "$1" "$2" "$u" | grep -qx "Subject: $3"; then
			echo "$u"
			return 0
		fi
	done
	tb_fail "no message with Subject '$3' in $1's $2"
}

expect_count()
{
	local n
	n=$(tb_imap_count "$1" "$2")
	[ "$n" = "$3" ] || tb_fail "$1's $2 holds $n messages, expected $3"
}

# swaks to a submission port, with the per-run CA verified.
submit()
{
	swaks --server 127.0.0.1 --helo tb.example.test --timeout 20 \
	    --tls-verify --tls-ca-path "$TB_CA" "$@" > "$TB/submit.log" 2>&1
}

tb_init
t0=$(tb__now_ms)
tb_start
tb_log "start of Dovecot + Postfix (with certificates): $(($(tb__now_ms) - t0)) ms"
tb_log "ports: imap $TB_IMAP_PORT imaps $TB_IMAPS_PORT smtp $TB_SMTP_PORT" \
    "submission $TB_SUBMISSION_PORT submissions $TB_SUBMISSIONS_PORT"

# --- delivery, plus-addressing, the sink
tb_send reporter1@$D conduct@$D --header "Subject: plain"
tb_send reporter2@$D conduct+case-abc@$D --header "Subject: plus"
tb_send reporter1@$D alice@$D --header "Subject: to alice"
tb_send conduct@$D nobody@elsewhere.test --header "Subject: outside"
tb_imap_wait_count conduct INBOX 2 15
tb_imap_wait_count alice INBOX 1 15
tb_imap_wait_count sink INBOX 1 15
expect_count conduct INBOX 2
expect_count alice INBOX 1
expect_count sink INBOX 1
expect_count bob INBOX 0
expect_count conduct "No such/mail.box" 0
tb_pass "delivery: conduct 2, alice 1, sink 1"

uid=$(uid_by_subject conduct INBOX plus)
h=$(headers conduct INBOX "$uid")
printf '%s\n' "$h" | grep -qx "To: conduct+case-abc@$D" ||
    tb_fail "plus-addressed message lost its To header: $h"
tb_pass "conduct+case-abc@$D is in conduct's INBOX (UID $uid), To intact"
uid=$(uid_by_subject sink INBOX outside)
headers sink INBOX "$uid" | grep -qx "To: nobody@elsewhere.test" ||
    tb_fail "the sink's copy lost its To header"
tb_pass "mail to elsewhere.test lands in the sink"

# --- a raw message is delivered byte for byte
cat > "$TB/raw.eml" <<'EOF'
From: "Reporter, One" <reporter1@example.test>
To: conduct@example.test
subject: raw   file
X-Folded: first
	second %TO_ADDRESS% \n
Message-ID: <raw-1@example.test>

. a line starting with a dot
..two dots
%DATE%
EOF
tb_send_file reporter1@$D conduct@$D "$TB/raw.eml"
tb_imap_wait_count conduct INBOX 3 15
uid=$(tb_imap_uids conduct INBOX | tail -n 1)
tb_imap_fetch conduct INBOX "$uid" | tr -d '\r' |
    sed -n '/^From: "Reporter/,$p' > "$TB/raw.got"
cmp -s "$TB/raw.eml" "$TB/raw.got" || {
	diff "$TB/raw.eml" "$TB/raw.got" >&2 || :
	tb_fail "tb_send_file changed the message"
}
tb_pass "tb_send_file keeps the message as is"
flags=$(curl -sS --user conduct:pw-conduct \
    "imap://127.0.0.1:$TB_IMAP_PORT/INBOX" -X "UID FETCH $uid (FLAGS)")
case "$flags" in
*Seen*) tb_fail "tb_imap_fetch set \\Seen: $flags" ;;
esac
tb_pass "tb_imap_fetch leaves \\Seen alone"

# --- mailbox names with a slash, a dot, a space
box='Cases/2024.v1 x'
curl -sS --user alice:pw-alice "imap://127.0.0.1:$TB_IMAP_PORT/" \
    -X "CREATE \"$box\"" > /dev/null || tb_fail "CREATE $box failed"
printf 'Subject: filed\r\n\r\nbody\r\n' > "$TB/filed.eml"
curl -sS --user alice:pw-alice -T "$TB/filed.eml" \
    "imap://127.0.0.1:$TB_IMAP_PORT/$(tb__urlencode "$box")" ||
    tb_fail "APPEND to $box failed"
expect_count alice "$box" 1
expect_count alice Cases 0
uid=$(tb_imap_uids alice "$box")
[ "$uid" = 1 ] || tb_fail "UIDs in '$box': $uid"
tb_imap_fetch alice "$box" 1 | cmp -s - "$TB/filed.eml" ||
    tb_fail "fetch from '$box' differs from what was appended"
tb_pass "mailbox '$box': count, UIDs, fetch"

# --- IMAP TLS against the per-run CA
out=$(curl -sS --cacert "$TB_CA" --user conduct:pw-conduct \
    "imaps://localhost:$TB_IMAPS_PORT/" -X 'STATUS INBOX (MESSAGES)') ||
    tb_fail "IMAPS with the test CA failed"
case "$out" in *"MESSAGES 3"*) ;; *) tb_fail "IMAPS STATUS: $out" ;; esac
tb_pass "IMAPS verifies with TB_CA"
rc=0
curl -sS --cacert "$TB_WRONG_CA" --user conduct:pw-conduct \
    "imaps://127.0.0.1:$TB_IMAPS_PORT/" -X 'STATUS INBOX (MESSAGES)' \
    > /dev/null 2>&1 || rc=$?
[ "$rc" = 60 ] || tb_fail "IMAPS with the wrong CA: curl exit $rc, not 60"
tb_pass "IMAPS fails with TB_WRONG_CA"
curl -sS --ssl-reqd --cacert "$TB_CA" --user conduct:pw-conduct \
    "imap://127.0.0.1:$TB_IMAP_PORT/" -X 'STATUS INBOX (MESSAGES)' \
    > /dev/null || tb_fail "IMAP STARTTLS with the test CA failed"
rc=0
curl -sS --ssl-reqd --cacert "$TB_WRONG_CA" --user conduct:pw-conduct \
    "imap://127.0.0.1:$TB_IMAP_PORT/" -X 'STATUS INBOX (MESSAGES)' \
    > /dev/null 2>&1 || rc=$?
[ "$rc" = 60 ] || tb_fail "STARTTLS with the wrong CA: curl exit $rc, not 60"
tb_pass "IMAP STARTTLS verifies with TB_CA and not with TB_WRONG_CA"
rc=0
curl -sS --user conduct:wrong "imap://127.0.0.1:$TB_IMAP_PORT/" \
    -X 'STATUS INBOX (MESSAGES)' > /dev/null 2>&1 || rc=$?
[ "$rc" = 67 ] || tb_fail "IMAP with a wrong password: curl exit $rc, not 67"
tb_pass "IMAP refuses a wrong password"

# --- SMTP AUTH on the submission ports
submit --port "$TB_SUBMISSION_PORT" -tls --auth PLAIN --auth-user conduct \
    --auth-password pw-conduct --from conduct@$D --to bob@$D \
    --header "Subject: submitted" || {
	cat "$TB/submit.log" >&2; tb_fail "STARTTLS + AUTH submission failed"; }
submit --port "$TB_SUBMISSIONS_PORT" --tls-on-connect --auth PLAIN \
    --auth-user conduct --auth-password pw-conduct --from conduct@$D \
    --to bob@$D --header "Subject: submitted over TLS" || {
	cat "$TB/submit.log" >&2; tb_fail "implicit TLS submission failed"; }
tb_imap_wait_count bob INBOX 2 15
tb_pass "submission (STARTTLS) and submissions (TLS) accept AUTH PLAIN"
rc=0
submit --port "$TB_SUBMISSION_PORT" -tls --auth PLAIN --auth-user conduct \
    --auth-password wrong --from conduct@$D --to bob@$D || rc=$?
[ "$rc" = 28 ] || tb_fail "a wrong password: swaks exit $rc, not 28 (auth)"
rc=0
submit --port "$TB_SUBMISSION_PORT" -tls --from conduct@$D --to bob@$D ||
    rc=$?
[ "$rc" = 24 ] || tb_fail "no AUTH on submission: swaks exit $rc, not 24"
rc=0
submit --port "$TB_SUBMISSIONS_PORT" --tls-on-connect --auth PLAIN \
    --auth-user conduct --auth-password pw-conduct --from conduct@$D \
    --to bob@$D --tls-ca-path "$TB_WRONG_CA" || rc=$?
[ "$rc" = 0 ] && tb_fail "swaks verified the server with the wrong CA"
tb_pass "submission refuses a wrong password, no AUTH, and the wrong CA"

# --- IDLE: EXISTS is pushed after a delivery
exec 4<>"/dev/tcp/127.0.0.1/$TB_IMAP_PORT"
printf 'a LOGIN carol pw-carol\r\nb SELECT INBOX\r\nc IDLE\r\n' >&4
idle_wait()
{
	local line deadline=$(($(tb__now_ms) + 10000))
	while IFS= read -r -t 10 line <&4; do
		case "$line" in $1*) return 0 ;; esac
		[ "$(tb__now_ms)" -lt "$deadline" ] || break
	done
	tb_fail "IDLE: no '$1' within 10 s"
}
idle_wait "+ "
tb_send reporter1@$D carol@$D --header "Subject: idle"
idle_wait "* 1 EXISTS"
printf 'DONE\r\nd LOGOUT\r\n' >&4
exec 4<&-
tb_pass "IMAP IDLE pushes EXISTS"

# --- restart Dovecot; mail queued while it was down arrives
ports="$TB_IMAP_PORT $TB_IMAPS_PORT"
t0=$(tb__now_ms)
tb_stop_dovecot
tb_log "stop of Dovecot: $(($(tb__now_ms) - t0)) ms"
tb_send reporter1@$D dave@$D --header "Subject: while down"
t0=$(tb__now_ms)
tb_start_dovecot
tb_log "start of Dovecot: $(($(tb__now_ms) - t0)) ms"
[ "$ports" = "$TB_IMAP_PORT $TB_IMAPS_PORT" ] ||
    tb_fail "Dovecot's ports changed on restart"
expect_count conduct INBOX 3
t0=$(tb__now_ms)
tb_imap_wait_count dave INBOX 1 20
tb_log "mail deferred while Dovecot was down arrived $(($(tb__now_ms) - t0)) ms after its restart"
tb_send reporter1@$D erin@$D --header "Subject: after restart"
tb_imap_wait_count erin INBOX 1 15
tb_pass "Dovecot restarts on the same ports with the mail kept"

# --- restart Postfix
t0=$(tb__now_ms)
tb_stop_postfix
tb_log "stop of Postfix: $(($(tb__now_ms) - t0)) ms"
t0=$(tb__now_ms)
tb_start_postfix
tb_log "start of Postfix: $(($(tb__now_ms) - t0)) ms"
tb_send reporter1@$D erin@$D --header "Subject: after postfix restart"
tb_imap_wait_count erin INBOX 2 15
tb_pass "Postfix restarts on the same ports"

# --- the config helpers
conf=$TB/conductd.conf
tb_conductd_conf "$conf" tls
tb_ini_set "$conf" imap port 1
tb_ini_set "$conf" daemon max_message_size 1000
tb_ini_set "$conf" limits foo "a b=c"
grep -qx "port = $TB_SUBMISSIONS_PORT" "$conf" ||
    tb_fail "tb_conductd_conf: [smtp] port"
[ "$(sed -n '/^\[imap\]/,/^\[/p' "$conf" | grep -c '^port = ')" = 1 ] &&
    sed -n '/^\[imap\]/,/^\[/p' "$conf" | grep -qx 'port = 1' ||
    tb_fail "tb_ini_set did not replace [imap] port"
sed -n '/^\[daemon\]/,/^\[/p' "$conf" | grep -qx 'max_message_size = 1000' ||
    tb_fail "tb_ini_set did not add to [daemon]"
sed -n '/^\[limits\]/,$p' "$conf" | grep -qx 'foo = a b=c' ||
    tb_fail "tb_ini_set did not add [limits]"
[ "$(stat -c %a "$TB/state") $(stat -c %a "$TB/conduct.pass")" = "700 600" ] ||
    tb_fail "state dir or password file modes"
tb_pass "tb_conductd_conf and tb_ini_set"

# --- a clean stop: nothing of either process group is left
dpid=$(cat "$TB/dovecot.pid")
ppid=$(cat "$TB/postfix.pid")
t0=$(tb__now_ms)
tb_stop_postfix
tb_stop_dovecot
tb_log "stop of Postfix + Dovecot: $(($(tb__now_ms) - t0)) ms"
for g in "$dpid" "$ppid"; do
	! PGID_WANTED=$g tb__group_alive ||
	    tb_fail "process group $g still has live processes"
done
! tb__port_listening "$TB_IMAP_PORT" && ! tb__port_listening "$TB_SMTP_PORT" ||
    tb_fail "a port still listens after the stop"
tb_pass "stop leaves no process of the test bed behind"
