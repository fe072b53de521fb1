#!/bin/bash
# Forged Authentication-Results (issue 11, Build 1), end to end.  The test
# bed's Postfix plays the admin's receiving server: with TB_AUTH_RESULTS=1
# it writes "Authentication-Results: mail.example.test; ..." above its
# own Received header (dmarc=none for a client saying HELO unauth.test,
# dmarc=pass otherwise), and conductd has authserv_id = mail.example.test.
# With the committee of five and one report naming a stranger (case B),
# alice and bob on the case, mail on alice's case address:
#   genuine (the server says pass): #status runs, the text reaches bob;
#   unauthenticated (the server says none): ignored as before;
#   the server says none and a header in its name below its Received
#     says pass (the issue's forgery): nothing runs or is relayed, alice
#     gets a refusal at her configured address, the log names no one;
#   the server says pass and a second one in its name sits below: the
#     same (the server did not write the lower one);
#   the server wrote none (HELO noar.test) and the mail brought one in
#     its name: the same.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/committee"
D=example.test
TB_AUTH_RESULTS=1
export TB_AUTH_RESULTS

cd_setup starttls
tb_ini_set "$CONF" committee authserv_id "mail.$D"
cd_committee

pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	cd_once || tb_fail "conductd --once failed"
	cd_wait_queue
}

tb_send_file reporter2@$D conduct@$D "$data/report-zed.eml"
pass 1
B=$(cd_codename reporter2)
for u in alice bob; do
	cd_wait_grep $u 1 "Subject: [CoC $B] Conflict check" >/dev/null
	cd_msend $u@$D "$(cd_maddr $u "$B")" "Re: [CoC $B] Conflict check" \
	    "#noconflict"
	pass 1
	cd_wait_grep $u 1 "Subject: [CoC $B] Report:" >/dev/null
done
A=$(cd_maddr alice "$B")
f=$(cd_grep alice "Subject: [CoC $B] Report:" | head -1)
grep -q "^Authentication-Results: mail.$D; dmarc=pass" "$f" ||
    tb_fail "the test bed's server wrote no Authentication-Results"
out=$(cd_ctl check-config 2>&1) || tb_fail "check-config failed: $out"
echo "$out" | grep -q "^ok   the server writes Authentication-Results as mail.$D" ||
    tb_fail "check-config does not see the server's header: $out"
status() { cd_ctl show "$B" | sed -n 's/^Case [^:]*: \([a-z]*\).*/\1/p'; }
st0=$(status)

# ---- forged: the server says none, a forgery below its Received says pass
tb_send alice@$D "$A" --helo unauth.test --header "Subject: Re: [CoC $B]" \
    --header "Authentication-Results: mail.$D; dmarc=pass header.from=$D" \
    --body $'#status waiting\n\nforged-plum-text'
pass 1
cd_expect_eq "status after the forged mail" "$(status)" "$st0"
cd_exactly bob 0 "forged-plum-text"
cd_wait_grep alice 1 "Subject: [CoC] Not accepted: forged authentication" \
    >/dev/null
grep -q "forged Authentication-Results: refused" "$TB/conductd.log" ||
    tb_fail "no log line for the forged mail"
! grep -q -e "alice@" -e "forged-plum" "$TB/conductd.log" ||
    tb_fail "the log names the member or the mail's text"
tb_pass "forged below the server's hop (server: none): refused"

# ---- forged under a genuine pass: the server did not write the lower one
tb_send alice@$D "$A" --header "Subject: Re: [CoC $B]" \
    --header "Authentication-Results: mail.$D; dmarc=pass header.from=$D" \
    --body $'#status waiting\n\nforged-fig-text'
pass 1
cd_expect_eq "status after the second forged mail" "$(status)" "$st0"
cd_exactly bob 0 "forged-fig-text"
cd_exactly alice 2 "Not accepted: forged authentication"
tb_pass "a second header in the server's name below its hop: refused"

# ---- the server wrote nothing (a milter down): the one there came with it
tb_send alice@$D "$A" --helo noar.test --header "Subject: Re: [CoC $B]" \
    --header "Authentication-Results: mail.$D; dmarc=pass header.from=$D" \
    --body $'#status waiting\n\nforged-lime-text'
pass 1
cd_expect_eq "status after the forged mail (no server header)" "$(status)" "$st0"
cd_exactly bob 0 "forged-lime-text"
cd_wait_grep alice 3 "Not accepted: forged authentication" >/dev/null
tb_pass "the server wrote no header, the mail brought one: refused"

# ---- unauthenticated (the server says none): ignored, no refusal
tb_send alice@$D "$A" --helo unauth.test --header "Subject: Re: [CoC $B]" \
    --body $'#status waiting\n\nunauth-pear-text'
pass 1
cd_expect_eq "status after the unauthenticated mail" "$(status)" "$st0"
cd_exactly bob 0 "unauth-pear-text"
cd_exactly alice 3 "Not accepted: forged authentication"
tb_pass "the server says none: ignored, as before"

# ---- genuine: the server says pass
cd_msend alice@$D "$A" "Re: [CoC $B]" $'#status waiting\n\ngenuine-kiwi-text'
pass 1
cd_expect_eq "status after the genuine mail" "$(status)" waiting
cd_wait_grep bob 1 "genuine-kiwi-text" >/dev/null
tb_pass "the server says pass: the command runs and the text is relayed"
