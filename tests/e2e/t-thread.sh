#!/bin/bash
# Threading by any stored message (issue 9, Build 3): the reporter's
# follow-up to the alias that answers the reporter's own report (In-Reply-To
# and References name the report's Message-ID, not mail conductd sent)
# joins the report's case: one case, one acknowledgment, no second
# conflict check, and the follow-up is relayed to the lead who joined.
# Mail from anyone else that names the report opens a case of its own.
#
# Threads that nest (issue 12, Build 10): members answer as their mail
# clients do (Outlook's "AW:"/"RE:", Thunderbird's "Re:"), commands are
# echoed, replies relayed, a lead writes to the reporter; then in every
# mailbox each case mail names in In-Reply-To and References only
# Message-IDs of that mailbox or of the owner's own mail, all of a
# case's mail hangs from one top (the member's first case mail, the
# reporter's report), and no subject carries more than one "Re:".
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
RID="<thread-report-1@$D>"

cd_setup starttls
cd_committee

# pass N: waits for N messages in the alias's INBOX, then one pass.
pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	cd_once || tb_fail "conductd --once failed"
	cd_wait_queue
}

# reply USER FILE BODY [SUBJECT]: USER answers the fetched message FILE
# as a mail client does: to its Reply-To, In-Reply-To its Message-ID,
# References its References and Message-ID, "Re: " and its subject
# unless SUBJECT is given; its Message-ID and the one it answers are
# noted as USER's own mail.
nsent=0
reply() {
	local user=$1 f=$2 body=$3 subj=${4:-} to id irt refs
	nsent=$((nsent + 1))
	id="reply-$nsent.$user@client.test"
	to=$(cd_hdr "$f" Reply-To)
	[ -n "$to" ] || to=$(cd_hdr "$f" From)
	to=$(echo "$to" | grep -Eo '[^<> ]+@[^<> ]+' | tail -1)
	irt=$(cd_hdr "$f" Message-ID)
	refs="$(cd_hdr "$f" References) $irt"
	[ -n "$subj" ] || subj="Re: $(cd_hdr "$f" Subject)"
	echo "$id $irt" | tr -d '<>' >>"$TB/sent.$user"
	tb_send "$user@$D" "$to" --header "Subject: $subj" \
	    --header "Message-Id: <$id>" --header "In-Reply-To: $irt" \
	    --header "References: ${refs# }" --body "$body"
}

# checks USER N: USER holds exactly N conflict checks.
checks() {
	cd_exactly "$1" "$2" "Subject: [CoC $A] Conflict check"
}

echo "${RID//[<>]/}" >"$TB/sent.reporter1"
tb_send reporter1@$D conduct@$D --header "Subject: Report: rude remarks" \
    --header "Message-Id: $RID" \
    --body "At the Saturday dinner someone kept making rude remarks. kumquat-first"
pass 1
cd_expect_eq "cases after the report" "$(cd_cases)" 1
A=$(cd_codename reporter1)
cd_wait_grep alice 1 "Subject: [CoC $A] Conflict check" >/dev/null
cd_wait_grep bob 1 "Subject: [CoC $A] Conflict check" >/dev/null
reply alice "$(cd_grep alice "Subject: [CoC $A] Conflict check")" \
    "#noconflict"
pass 1
cd_wait_grep alice 1 "Subject: [CoC $A] Report:" "kumquat-first" >/dev/null
tb_pass "the report is case $A and alice, a lead, joined it"

echo "follow-up-1@reporter.test ${RID//[<>]/}" >>"$TB/sent.reporter1"
tb_send reporter1@$D conduct@$D --header "Subject: Re: Report: rude remarks" \
    --header "Message-Id: <follow-up-1@reporter.test>" \
    --header "In-Reply-To: $RID" --header "References: $RID" \
    --body "One more thing: it happened again at breakfast. papaya-second"
pass 1
cd_expect_eq "cases after the follow-up" "$(cd_cases)" 1
cd_expect_eq "messages in reporter1's mailbox" \
    "$(tb_imap_count reporter1 INBOX)" 1
cd_exactly reporter1 1 "Subject: [CoC $A]"
for u in alice bob; do checks $u 1; done
for u in carol dave erin; do checks $u 0; done
f=$(cd_wait_grep alice 1 "papaya-second")
cd_hdr "$f" Subject | grep -q -F "[CoC $A]" ||
    tb_fail "the relayed follow-up lacks [CoC $A]"
cd_hdr "$f" From | grep -q -F "Reporter via" ||
    tb_fail "the relayed follow-up is from '$(cd_hdr "$f" From)'"
cd_exactly bob 0 "papaya-second"
tb_pass "the reporter's follow-up to the report joins $A: one ack, no new checks, relayed to alice"

tb_send outsider@$D conduct@$D --header "Subject: Re: Report: rude remarks" \
    --header "In-Reply-To: $RID" --header "References: $RID" \
    --body "I saw it too and want to report it myself. guava-third"
pass 1
cd_expect_eq "cases after another sender's reply" "$(cd_cases)" 2
B=$(cd_codename outsider)
[ "$B" != "$A" ] || tb_fail "the outsider's mail got the code name $A"
cd_exactly alice 0 "guava-third"
cd_exactly reporter1 1 "Subject: [CoC "
tb_pass "another sender answering the report opens case $B of its own"

# ---------------------------------------------------- threads that nest
# ids FILE: the Message-IDs in FILE's header NAME, bare, one a line.
ids() {
	cd_hdr "$1" "$2" | grep -Eo '<[^<>]+>' | tr -d '<>' || true
}

# answers FILE ID: FILE's In-Reply-To is ID and its References end so.
answers() {
	[ "$(ids "$1" In-Reply-To)" = "$2" ] ||
	    tb_fail "$(cd_hdr "$1" Subject): In-Reply-To is" \
	    "'$(cd_hdr "$1" In-Reply-To)', not <$2>"
	[ "$(ids "$1" References | tail -1)" = "$2" ] ||
	    tb_fail "$(cd_hdr "$1" Subject): References end in" \
	    "'$(cd_hdr "$1" References)', not <$2>"
}

# Bob answers from German Outlook: "AW:", and he gets the report in
# answer to his own mail.
reply bob "$(cd_grep bob "Subject: [CoC $A] Conflict check")" \
    "#noconflict" "AW: [CoC $A] Conflict check: reported person not identified"
pass 1
f=$(cd_wait_grep bob 1 "Subject: [CoC $A] Report:" "kumquat-first")
answers "$f" "reply-2.bob@client.test"
cd_expect_eq "the report's subject for bob" "$(cd_hdr "$f" Subject)" \
    "[CoC $A] Report: rude remarks"
tb_pass "bob's report delivery answers his AW: #noconflict"

# Alice answers her report from Outlook ("RE:"): a command and text.
reply alice "$(cd_grep alice "Subject: [CoC $A] Report:" | head -1)" \
    "#status investigating

Let us talk to the witness first. mango-fourth" \
    "RE: [CoC $A] Report: rude remarks"
pass 1
f=$(cd_wait_grep bob 1 "mango-fourth" "Alice via")
cd_expect_eq "the relay's subject for bob" "$(cd_hdr "$f" Subject)" \
    "[CoC $A] Re: Report: rude remarks"
e=$(cd_wait_grep alice 1 "Alice set status to investigating")
answers "$e" "reply-3.alice@client.test"
cd_wait_grep bob 1 "Alice set status to investigating" >/dev/null
cd_exactly alice 0 "mango-fourth" "Alice via"
tb_pass "alice's RE: is echoed (to her in answer to it) and relayed to bob"

# Bob answers the relay from Thunderbird: "Re: [CoC A] Re: ...".
reply bob "$f" "I agree, the witness first. lychee-fifth"
pass 1
f=$(cd_wait_grep alice 1 "lychee-fifth" "Bob via")
cd_expect_eq "bob's relay's subject for alice" "$(cd_hdr "$f" Subject)" \
    "[CoC $A] Re: Report: rude remarks"
tb_pass "a reply to a relay keeps one Re:"

# Alice writes to the reporter, answering the echo.
reply alice "$e" "#to-reporter
Thank you, we are looking into it. quince-sixth"
pass 1
r=$(cd_wait_grep reporter1 1 "quince-sixth")
ack=$(cd_grep reporter1 "Subject: [CoC $A] Re: Report: rude remarks" | head -1)
[ -n "$ack" ] || tb_fail "reporter1 has no acknowledgment"
answers "$ack" "${RID//[<>]/}"
answers "$r" "$(ids "$ack" Message-ID)"
[ "$(ids "$r" References | head -1)" = "${RID//[<>]/}" ] ||
    tb_fail "the lead's mail's References start at '$(cd_hdr "$r" References)'"
tb_pass "the acknowledgment answers the report, the lead's mail the" \
    "acknowledgment"

# nests USER CODE: USER's mail of case CODE forms one thread.
nests() {
	local user=$1 code=$2 f out
	for f in $(cd_grep "$user" "Subject: [CoC $code]"); do
		printf '%s|%s|%s|%s\n' "$(ids "$f" Message-ID)" \
		    "$(ids "$f" In-Reply-To | tr '\n' ' ')" \
		    "$(ids "$f" References | tr '\n' ' ')" \
		    "$(cd_hdr "$f" Subject)"
	done >"$TB/thread.$user.$code"
	[ -s "$TB/thread.$user.$code" ] || tb_fail "$user has no mail of $code"
	out=$(awk -F'|' -v sent="$TB/sent.$user" -v tag="[CoC $code]" '
	    BEGIN {
		while ((getline l < sent) > 0) {
			split(l, w, " ")
			known[w[1]] = 1
			parent[w[1]] = w[2]
		}
	    }
	    { n++; id[n] = $1; irt[n] = $2; refs[n] = $3; subj[n] = $4
	      known[$1] = 1 }
	    END {
		for (i = 1; i <= n; i++) {
			m = split(irt[i] " " refs[i], v, " ")
			for (k = 1; k <= m; k++)
				if (!(v[k] in known)) {
					print subj[i] ": names " v[k] \
					    ", not in the mailbox"
					bad = 1
				}
			k = split(refs[i], r, " ")
			p = k > 0 ? r[k] : irt[i]
			gsub(/ /, "", p)
			parent[id[i]] = p
			if (i > 1 && p == "") {
				print subj[i] ": answers nothing"
				bad = 1
			}
			# the tag once, first; no two prefixes in a row
			# after it ("Re: RE:"), no second "Re:" anywhere
			s = substr(subj[i], length(tag) + 1)
			pre = "([Rr][Ee]|AW|[Aa]w|SV|WG|[Ff][Ww][Dd]?)[ \t]*:"
			if (s ~ ("^[ \t]*" pre "[ \t]*" pre) ||
			    gsub(/[Rr][Ee]:/, "", s) > 1 ||
			    index(subj[i], tag) != 1 ||
			    index(substr(subj[i], 2), tag) > 0) {
				print "subject: " subj[i]
				bad = 1
			}
		}
		for (i = 1; i <= n; i++) {
			x = id[i]
			for (s = 0; s < 100 && parent[x] != ""; s++)
				x = parent[x]
			if (!(x in top))
				ntop++
			top[x] = 1
		}
		if (ntop != 1) {
			print ntop " threads, not one"
			bad = 1
		}
		print n " mails"
		if (bad)
			for (i = 1; i <= n; i++)
				print id[i] " <- " irt[i] " / " refs[i]
		exit bad
	    }' "$TB/thread.$user.$code") ||
	    tb_fail "$user's mail of $code does not nest: $out"
	tb_pass "$user's mail of $code nests as one thread ($out)"
}

nests alice "$A"
nests bob "$A"
nests reporter1 "$A"
nests alice "$B"
nests bob "$B"
