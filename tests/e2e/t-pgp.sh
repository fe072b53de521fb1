#!/bin/bash
# OpenPGP end to end (issue 16, builds 1 and 2), with real GnuPG: each
# member makes a key pair in a gpg home of their own, as they would.
#   check-config refuses a member's key that is not in the keys folder,
#   one that has expired, and keys without the committee's own key
#   (conductctl init --pgp makes it; conductctl key prints it);
#   leads Alice and Carol have keys, Bob none: a report reaches Alice as
#   PGP/MIME whose outer header holds neither the report's subject nor
#   its text, which her gpg decrypts to the real subject (a protected
#   header) and the text, with a good signature from the committee's
#   key, and which her mutt (gpgme, batch) shows so; conflict checks stay readable; Bob gets the report in the clear;
#   with require_encryption = yes, Bob gets one key-needed notice per
#   case and nothing of the next report, Alice and Carol get it
#   encrypted; a key gone from the running daemon's keyring holds that
#   member's mail (never in the clear) and alarms the leads; the
#   database and the log hold no report text in the clear.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
export TZ=UTC

cd_setup starttls
cd_pgp_setup
FA=$(cd_pgp_key alice)
FC=$(cd_pgp_key carol)
FD=$(EXPIRE=1d cd_pgp_key dave --faked-system-time 20200101T000000)
cd_members Alice:lead Bob:lead Carol:lead
tb_ini_set "$CONF" committee keys "$K"
cat >>"$CONF" <<EOF
[member Dave]
email = dave@$D
pgp_key = $FD
EOF
sed -i "/^\[member Alice\]/a pgp_key = $FA" "$CONF"
sed -i "/^\[member Carol\]/a pgp_key = 0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567" "$CONF"

# ------------------------------------------------ the checks of keys
! cd_ctl check-config >"$TB/check1.out" 2>&1 ||
    tb_fail "check-config passed a missing and an expired key"
grep -q "conductd.conf:[0-9]*: \[member Carol\] pgp_key: no key with this fingerprint" "$TB/check1.out" ||
    tb_fail "no error names Carol's missing key: $(cat "$TB/check1.out")"
grep -q "\[member Dave\] pgp_key: the key has expired" "$TB/check1.out" ||
    tb_fail "no error names Dave's expired key: $(cat "$TB/check1.out")"
grep -q "conductctl init --pgp" "$TB/check1.out" ||
    tb_fail "no error asks for the committee's key: $(cat "$TB/check1.out")"
! "$CONDUCTD" -f "$CONF" -n >"$TB/n.out" 2>&1 ||
    tb_fail "conductd -n passed an expired key"
sed -i "s/^pgp_key = 0123 4567.*/pgp_key = $FC/" "$CONF"
sed -i "/^\[member Dave\]/,\$d" "$CONF"
cd_ctl init --pgp >"$TB/initpgp.out" 2>&1 ||
    tb_fail "conductctl init --pgp: $(cat "$TB/initpgp.out")"
grep -q "the committee's key [0-9A-F]\{40\} created" "$TB/initpgp.out" ||
    tb_fail "init --pgp: $(cat "$TB/initpgp.out")"
cd_ctl init --pgp | grep -q "key [0-9A-F]\{40\} exists, kept" ||
    tb_fail "a second init --pgp did not keep the key"
[ "$(stat -c %a "$TB/state/gnupg")" = 700 ] ||
    tb_fail "the keyring folder is not 0700"
cd_ctl key >"$TB/committee.asc"
grep -q "BEGIN PGP PUBLIC KEY BLOCK" "$TB/committee.asc" ||
    tb_fail "conductctl key printed no key"
FCOM=$(sed -n 's/.*key \([0-9A-F]\{40\}\) created.*/\1/p' "$TB/initpgp.out")
cd_ctl check-config >"$TB/check2.out" 2>&1 ||
    tb_fail "check-config: $(cat "$TB/check2.out")"
grep -q "openpgp keys" "$TB/check2.out" ||
    tb_fail "check-config does not list the key check"
for u in alice carol; do
	cd_pgp_gpg $u --import "$TB/committee.asc" 2>/dev/null
done

# ------------------------------------------------ an encrypted delivery
S=$(cd_off_digest)
cd_msend reporter1@$D conduct@$D "Harassment at the social by Quentin" \
    "Quentin followed me to the hotel lobby (vermilion-otter-7)."
cd_pass_at $S 1
A=$(cd_codename reporter1)
for u in alice bob carol; do
	f=$(cd_wait_grep $u 1 "Subject: [CoC $A] ")
	cd_has "$f" "multipart/encrypted" &&
	    tb_fail "$u's conflict check is encrypted"
	cd_msend "$u@$D" "$(cd_maddr $u "$A")" "Re: [CoC $A] Conflict check" \
	    "#noconflict"
done
cd_pass_at $S 3
f=$(cd_pgp_find alice 1 "vermilion-otter-7")
cd_has "$f" "application/pgp-encrypted" ||
    tb_fail "Alice's report is not PGP/MIME"
tr -d '\r' <"$f" | sed -n '1,/^$/p' >"$TB/outer"
grep -q "^Subject: \[CoC $A\]$" "$TB/outer" ||
    tb_fail "the outer Subject is not [CoC $A]: $(grep ^Subject "$TB/outer")"
for w in Quentin Harassment hotel vermilion; do
	! grep -a -q -i "$w" "$f" || tb_fail "Alice's mail shows '$w' outside"
done
cd_header "$f.inner" Subject |
    grep -q "^\[CoC $A\] .*Harassment at the social by Quentin" ||
    tb_fail "the inner part lacks the real subject: $(cd_header "$f.inner" Subject)"
grep -q 'protected-headers="v1"' "$f.inner" ||
    tb_fail "the inner part is not marked protected-headers"
cd_decode <"$f.inner" | grep -q "vermilion-otter-7" ||
    tb_fail "the decrypted report lacks its text"
grep -q "GOODSIG" "$f.status" && grep -q "VALIDSIG $FCOM" "$f.status" ||
    tb_fail "no good signature by the committee's key: $(cat "$f.status")"
# Alice's mutt (batch, gpgme) shows it decrypted, the signature good.
W=$TB/mutt
mkdir -p "$W"
{ echo "From conduct@$D Mon Dec  7 00:00:00 2026"; tr -d '\r' <"$f"; echo; } \
    >"$W/mbox"
cat >"$W/muttrc" <<EOF
set crypt_use_gpgme=yes
set crypt_verify_sig=yes
set crypt_protected_headers_read=yes
set wait_key=no
set prompt_after=no
set folder="$W"
set tmpdir="$W"
set pager="cat > '$W/display.txt'"
EOF
GNUPGHOME=$G/alice TERM=dumb timeout 30 script -qec "mutt -n -R \
    -F '$W/muttrc' -f '$W/mbox' -e 'push \"<display-message><quit>\"'" \
    /dev/null </dev/null >"$W/tty.log" 2>&1 ||
    tb_fail "mutt did not run: $(tail -3 "$W/tty.log")"
grep -q "^Good signature from: .*<conduct@$D>" "$W/display.txt" ||
    tb_fail "mutt shows no good signature: $(head -20 "$W/display.txt")"
grep -q "vermilion-otter-7" "$W/display.txt" ||
    tb_fail "mutt does not show the decrypted report"
grep -q "^Subject: \[CoC $A\] .*Harassment" "$W/display.txt" ||
    tb_fail "mutt does not show the protected subject"
! gpg --batch --homedir "$G/carol" --decrypt <"$f" >/dev/null 2>&1 ||
    tb_fail "Carol's key opens Alice's mail"
cd_pgp_find carol 1 "vermilion-otter-7" >/dev/null
cd_wait_grep bob 1 "vermilion-otter-7" >/dev/null

# ------------------------------------------------ require_encryption
tb_ini_set "$CONF" committee require_encryption yes
cd_msend reporter2@$D conduct@$D "Slides with insults" \
    "The talk in room B had insulting slides (saffron-heron-3)."
cd_pass_at $S 1
B=$(cd_codename reporter2)
for u in alice bob carol; do
	cd_msend "$u@$D" "$(cd_maddr $u "$B")" "Re: [CoC $B] Conflict check" \
	    "#noconflict"
done
cd_pass_at $S 3
cd_msend alice@$D "$(cd_maddr alice "$B")" "Re: [CoC $B] Report" \
    "We should talk to the speaker (ochre-finch-5)."
cd_pass_at $S 1
cd_pgp_find carol 2 "saffron-heron-3" >/dev/null
cd_pgp_find carol 3 "ochre-finch-5" >/dev/null
cd_pgp_find alice 2 "saffron-heron-3" >/dev/null
cd_wait_grep bob 1 "Case $B: add an OpenPGP key" >/dev/null
cd_exactly bob 1 "Case $B: add an OpenPGP key"
cd_exactly bob 0 "saffron-heron-3"
cd_exactly bob 0 "ochre-finch-5"
cd_exactly bob 0 "multipart/encrypted"

# ------------------------------------------------ a key gone while it runs
# Alice's key leaves the running daemon's keyring (as a key that expires
# between reloads would stop working): her mail is held, never sent in
# the clear, and the leads get the held alarm.
CONDUCTD_CLOCK_OFFSET=$S cd_start_daemon
cd_wait_log "imap: state .* -> idle"
gpg --batch --yes --quiet --homedir "$TB/state/gnupg" --delete-keys \
    "$(echo "$FA" | tr -d ' ')" 2>/dev/null ||
    tb_fail "Alice's key could not be taken out of the keyring"
cd_msend carol@$D "$(cd_maddr carol "$B")" "Re: [CoC $B] Report" \
    "One more witness came forward (teal-badger-8)."
cd_wait_log "held after 1 try: pgp: not encrypted"
f=$(cd_pgp_find carol 4 "is held")
# Bob has no key, yet an alarm holds no content: it reaches him.
cd_wait_grep bob 1 "is held" >/dev/null
cd_exactly bob 0 "teal-badger-8"
cd_ctl held >"$TB/held.out"
grep -q "not encrypted" "$TB/held.out" ||
    tb_fail "conductctl held does not list the mail: $(cat "$TB/held.out")"
cd_stop_daemon || true
cd_wait_queue
cd_exactly alice 0 "teal-badger-8"

# ------------------------------------------------ root's checks
# check-config run as root in the service user's keyring leaves every
# file there the user's (else the daemon cannot import keys later).
chown -R nobody:nogroup "$TB/state/gnupg"
cd_ctl check-config >"$TB/check3.out" 2>&1 ||
    tb_fail "check-config: $(cat "$TB/check3.out")"
left=$(find "$TB/state/gnupg" ! -user nobody | head -3)
[ -z "$left" ] || tb_fail "root's check-config left files of its own: $left"
chown -R root:root "$TB/state/gnupg"

# ------------------------------------------------ nothing in the clear
for w in vermilion-otter saffron-heron ochre-finch Quentin; do
	! grep -a -q "$w" "$TB/state/conductd.db" "$TB/state/conductd.db-wal" \
	    2>/dev/null || tb_fail "the database holds '$w' in the clear"
	! grep -a -q "$w" "$TB/conductd.log" ||
	    tb_fail "the log holds '$w'"
done
tb_pass "pgp"
