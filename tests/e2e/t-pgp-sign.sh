#!/bin/bash
# OpenPGP end to end (issue 16, builds 3 and 4), with real GnuPG:
#   a reporter who uses OpenPGP sends a PGP/MIME report encrypted to the
#   committee's key (the key conductctl key prints): it is decrypted,
#   stored (the encrypted bytes beside it) and acknowledged, and its
#   protected subject and text reach the participants; a second reporter
#   sends an inline-encrypted report, likewise opened; the
#   acknowledgment carries the committee's key in an Autocrypt header
#   and says how to write encrypted; mail to conduct+key@ gets the key
#   back attached, once a day, and opens no case;
#   with require_signed_commands = yes, Alice's clear-signed #noconflict
#   and Carol's PGP/MIME signed #noconflict count, while an unsigned
#   #noconflict with Bob's From is refused: Bob is told why and gets no
#   report, until his real mutt sends it PGP/MIME signed; Carol's
#   real mutt (gpgme) signs and encrypts a reply that reaches Alice;
#   conductctl show says which mail was signed with the member's key;
#   check-config names a member without a key; the reporter's Autocrypt
#   key makes #to-reporter reach them encrypted to it.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
export TZ=UTC

cd_setup starttls
cd_pgp_setup
FA=$(cd_pgp_key alice)
FB=$(cd_pgp_key bob)
FC=$(cd_pgp_key carol)
cd_pgp_key reporter1 >/dev/null
cd_members Alice:lead Bob:lead Carol:lead Dave:member
tb_ini_set "$CONF" committee keys "$K"
tb_ini_set "$CONF" committee require_signed_commands yes
sed -i "/^\[member Alice\]/a pgp_key = $FA" "$CONF"
sed -i "/^\[member Bob\]/a pgp_key = $FB" "$CONF"
sed -i "/^\[member Carol\]/a pgp_key = $FC" "$CONF"
cd_ctl init --pgp >"$TB/initpgp.out" 2>&1 ||
    tb_fail "conductctl init --pgp: $(cat "$TB/initpgp.out")"
! cd_ctl check-config >"$TB/check1.out" 2>&1 ||
    tb_fail "check-config passed a member without a key"
grep -q "\[member Dave\] pgp_key: missing: require_signed_commands" \
    "$TB/check1.out" || tb_fail "no error names Dave: $(cat "$TB/check1.out")"
sed -i "/^\[member Dave\]/,/^role/d" "$CONF"
cd_ctl check-config >"$TB/check2.out" 2>&1 ||
    tb_fail "check-config: $(cat "$TB/check2.out")"
cd_ctl key >"$TB/committee.asc"
for u in alice bob carol reporter1 reporter2; do
	[ -d "$G/$u" ] || mkdir -m 700 "$G/$u"
	cd_pgp_gpg $u --import "$TB/committee.asc" 2>/dev/null
done
FCOM=$(sed -n 's/.*key \([0-9A-F]\{40\}\) created.*/\1/p' "$TB/initpgp.out")

# ------------------------------------------------ an encrypted report
# PGP/MIME as Thunderbird sends it: the real subject inside, "..." out.
printf 'Content-Type: text/plain; charset=utf-8; protected-headers="v1"\r\nSubject: Groping at the afterparty\r\nContent-Transfer-Encoding: 8bit\r\n\r\nAt the afterparty Quentin grabbed me twice (amber-kestrel-4).\r\n' |
    cd_pgp_gpg reporter1 --armor --trust-model always --encrypt \
    --sign -r "$FCOM" >"$TB/enc1.asc"
{
	printf 'From: Robin <reporter1@%s>\nTo: conduct@%s\n' $D $D
	printf 'Subject: ...\nDate: Mon, 07 Dec 2026 10:00:00 +0000\n'
	printf 'Message-ID: <enc-report-1@%s>\nMIME-Version: 1.0\n' $D
	printf 'Autocrypt: addr=reporter1@%s; keydata=\n' $D
	cd_pgp_gpg reporter1 --export | base64 -w 72 | sed 's/^/ /'

	printf 'Content-Type: multipart/encrypted;\n'
	printf ' protocol="application/pgp-encrypted"; boundary="b1"\n\n'
	printf 'This is an OpenPGP/MIME encrypted message\n--b1\n'
	printf 'Content-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--b1\nContent-Type: application/octet-stream; name="encrypted.asc"\n\n'
	cat "$TB/enc1.asc"
	printf -- '\n--b1--\n'
} >"$TB/report1.eml"
tb_send_file reporter1@$D conduct@$D "$TB/report1.eml"
# Inline, as older clients and webmail plug-ins send it.
printf 'The keynote speaker mocked my accent (cobalt-wren-9).\n' |
    cd_pgp_gpg reporter2 --armor --trust-model always --encrypt \
    -r "$FCOM" >"$TB/enc2.asc"
{
	printf 'From: reporter2@%s\nTo: conduct@%s\nSubject: Report\n' $D $D
	printf 'Date: Mon, 07 Dec 2026 10:01:00 +0000\n'
	printf 'Message-ID: <enc-report-2@%s>\n' $D
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	cat "$TB/enc2.asc"
} >"$TB/report2.eml"
tb_send_file reporter2@$D conduct@$D "$TB/report2.eml"
S=$(cd_off_digest)
cd_pass_at $S 2
A=$(cd_codename reporter1)
B=$(cd_codename reporter2)
cd_ctl show "$A" >"$TB/show-a.out"
grep -q "amber-kestrel-4" "$TB/show-a.out" ||
    tb_fail "the stored report of $A is not decrypted"
grep -q "OpenPGP: encrypted" "$TB/show-a.out" ||
    tb_fail "show does not say $A's report came encrypted"
cd_ctl show "$B" | grep -q "cobalt-wren-9" ||
    tb_fail "the inline-encrypted report of $B is not decrypted"
[ "$(sqlite3 "$TB/state/conductd.db" \
    'SELECT count(*) FROM message_pgp WHERE raw IS NOT NULL')" = 2 ] ||
    tb_fail "the encrypted bytes as they came are not stored"
for w in amber-kestrel cobalt-wren Groping; do
	! grep -a -q "$w" "$TB/state/conductd.db" "$TB/conductd.log" ||
	    tb_fail "'$w' is in the clear in the database or the log"
done

# The acknowledgment carries the committee's key (Autocrypt) and says so.
f=$(cd_wait_grep reporter1 1 "Subject: [CoC $A]")
cd_has "$f" "Autocrypt: addr=conduct@$D; prefer-encrypt=mutual; keydata=" ||
    tb_fail "the acknowledgment has no Autocrypt header"
cd_header "$f" Autocrypt | sed 's/.*keydata=//; s/ //g' | base64 -d \
    >"$TB/autocrypt.key" || tb_fail "the Autocrypt keydata is not base64"
gpg --batch --with-colons --show-keys "$TB/autocrypt.key" 2>/dev/null |
    grep -q "^fpr:*$FCOM:" || tb_fail "the Autocrypt key is not the committee's"
cd_has "$f" "write to us encrypted with OpenPGP" ||
    tb_fail "the acknowledgment does not say reporters may write encrypted"
cd_has "$f" "conduct+key@$D" ||
    tb_fail "the acknowledgment does not give conduct+key@"

# ------------------------------------------------ conduct+key@
n0=$(cd_ctl cases --csv | wc -l)
cd_msend outsider@$D conduct+key@$D "key?" "Your key, please."
cd_pass_at $S 1
f=$(cd_wait_grep outsider 1 "The OpenPGP key of")
cd_has "$f" "committee-key.asc" || tb_fail "the key mail has no key attached"
sed -n 's/^\[part committee-key.asc base64 \(.*\)\]$/\1/p' "$(cd_txt "$f")" |
    base64 -d | gpg --batch --with-colons --show-keys 2>/dev/null |
    grep -q "^fpr:*$FCOM:" ||
    tb_fail "the key mail's attachment is not the committee's key"
cd_has "$f" "application/pgp-keys" ||
    tb_fail "the key is not attached as application/pgp-keys"
cd_has "$f" "$(echo "$FCOM" | sed 's/..../& /g; s/ $//' | cut -c1-24)" ||
    tb_fail "the key mail does not give the fingerprint"
cd_msend outsider@$D conduct+key@$D "key again" "Once more."
cd_pass_at $S 1
cd_exactly outsider 1 "The OpenPGP key of"
[ "$(cd_ctl cases --csv | wc -l)" = "$n0" ] ||
    tb_fail "mail to conduct+key@ opened a case"
# Written to the alias too, it is a report like any other.
tb_send reporter2@$D conduct@$D --header "Subject: Another one" \
    --header "Cc: conduct+key@$D" --body "The badge desk too (jade-otter-6)."
cd_pass_at $S 1
[ "$(cd_ctl cases --csv | wc -l)" = "$((n0 + 1))" ] ||
    tb_fail "a report with conduct+key@ in Cc opened no case"

# ------------------------------------------------ signed commands
M=$TB/mail
mkdir -p "$M"
# Alice: clear-signed inline.
printf '#noconflict\n' | cd_pgp_gpg alice --clearsign >"$M/a.asc"
{
	printf 'From: alice@%s\nTo: %s\nSubject: Re: [CoC %s] Conflict check\n' \
	    $D "$(cd_maddr alice "$A")" "$A"
	printf 'Message-ID: <alice-signed@%s>\n\n' $D
	cat "$M/a.asc"
} >"$M/a.eml"
tb_send_file alice@$D "$(cd_maddr alice "$A")" "$M/a.eml"
# Carol: PGP/MIME signed (RFC 3156), the signed part in CRLF form.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n#noconflict\r\n' \
    >"$M/c.part"
cd_pgp_gpg carol --armor --detach-sign <"$M/c.part" >"$M/c.sig"
{
	printf 'From: carol@%s\r\nTo: %s\r\n' $D "$(cd_maddr carol "$A")"
	printf 'Subject: Re: [CoC %s] Conflict check\r\n' "$A"
	printf 'Message-ID: <carol-signed@%s>\r\nMIME-Version: 1.0\r\n' $D
	printf 'Content-Type: multipart/signed; micalg=pgp-sha512;\r\n'
	printf ' protocol="application/pgp-signature"; boundary="s1"\r\n\r\n'
	printf -- '--s1\r\n'
	cat "$M/c.part"
	printf -- '\r\n--s1\r\nContent-Type: application/pgp-signature\r\n\r\n'
	tr -d '\r' <"$M/c.sig" | sed 's/$/\r/'
	printf -- '\r\n--s1--\r\n'
} >"$M/c.eml"
tb_send_file carol@$D "$(cd_maddr carol "$A")" "$M/c.eml"
# Bob: unsigned, as anyone who has his case address could send it.
cd_msend bob@$D "$(cd_maddr bob "$A")" "Re: [CoC $A] Conflict check" \
    "#noconflict"
cd_pass_at $S 3
cd_pgp_find alice 1 "amber-kestrel-4" >/dev/null
# Dave-less committee: Carol's real mutt signs and encrypts her reply.
cd_pgp_mutt_send carol "$(cd_maddr carol "$A")" "Re: [CoC $A] Report" \
    "I can meet Robin on Thursday (umber-stoat-1)." "$FCOM" encrypt
cd_pass_at $S 1
cd_pgp_find alice 3 "umber-stoat-1" >/dev/null
f=$(cd_pgp_find carol 1 "amber-kestrel-4")
cd_header "$f.inner" Subject | grep -q "Groping at the afterparty" ||
    tb_fail "the report's protected subject did not carry over"
cd_pgp_find bob 1 "not signed with your" >/dev/null
cd_pgp_none bob "amber-kestrel-4"
cd_ctl show "$A" >"$TB/show-a2.out"
[ "$(grep -c "OpenPGP: signed with the member's key" "$TB/show-a2.out")" = 2 ] ||
    tb_fail "show does not list two signed member mails: $(cat "$TB/show-a2.out")"
grep -q "OpenPGP: encrypted, signed with the member's key" "$TB/show-a2.out" ||
    tb_fail "show does not list Carol's encrypted, signed mail"
grep -q "OpenPGP: not signed" "$TB/show-a2.out" ||
    tb_fail "show does not list Bob's unsigned mail"
grep -q "not signed with the member's key: refused" "$TB/conductd.log" ||
    tb_fail "the refusal is not logged"
# Bob answers again from his real mutt, PGP/MIME signed: now he is in.
cd_pgp_mutt_send bob "$(cd_maddr bob "$A")" "Re: [CoC $A] Conflict check" \
    "#noconflict" "$FCOM"
cd_pass_at $S 1
cd_pgp_find bob 2 "amber-kestrel-4" >/dev/null
# ------------------------------------------------ the reporter's key
# Robin's Autocrypt header gave their key: #to-reporter goes encrypted.
printf '#to-reporter\nWe will speak with him this week (indigo-lynx-2).\n' |
    cd_pgp_gpg alice --clearsign >"$M/tr.asc"
{
	printf 'From: alice@%s\nTo: %s\nSubject: Re: [CoC %s] Report\n' \
	    $D "$(cd_maddr alice "$A")" "$A"
	printf 'Message-ID: <alice-to-reporter@%s>\n\n' $D
	cat "$M/tr.asc"
} >"$M/tr.eml"
tb_send_file alice@$D "$(cd_maddr alice "$A")" "$M/tr.eml"
cd_pass_at $S 1
f=$(cd_pgp_find reporter1 1 "indigo-lynx-2")
grep -q "^Subject: \[CoC $A\]$" <(tr -d '\r' <"$f" | sed -n '1,/^$/p') ||
    tb_fail "the outer subject of the reporter's mail is not [CoC $A]"
cd_exactly reporter1 0 "indigo-lynx-2"
tb_pass "pgp-sign"
