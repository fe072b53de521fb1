# cdlib.sh: conductd on top of the test bed (lib.sh).  Sourced by the
# t-*.sh end-to-end tests.  Every process started here is recorded by PID
# and stopped by PID in the EXIT trap; nothing is matched by name.

. "$top_srcdir/tests/e2e/lib.sh"

CONDUCTD="$top_builddir/conductd"
CONDUCTCTL="$top_builddir/conductctl"
CD_PID=""

cd_cleanup() {
	rc=$?
	cd_stop_daemon TERM >/dev/null 2>&1 || true
	# A test's own cleanup first (cd_pgp_setup's agents), never failing.
	[ -z "${CD_CLEANUP_HOOK:-}" ] || "$CD_CLEANUP_HOOK" || true
	if [ "$rc" -ne 0 ] && [ -n "${TB:-}" ] && [ -f "$TB/conductd.log" ]; then
		echo "---- conductd.log (last 40 lines)" >&2
		tail -40 "$TB/conductd.log" >&2
	fi
	tb_cleanup
	exit "$rc"
}

# cd_setup MODE: test bed, conductd config for MODE (tls, starttls, none),
# conductctl init.
cd_setup() {
	tb_init
	trap cd_cleanup EXIT
	tb_start
	CONF="$TB/conductd.conf"
	tb_conductd_conf "$CONF" "${1:-starttls}"
	tb_ini_set "$CONF" committee templates "$top_srcdir/conf/templates"
	"$CONDUCTCTL" -f "$CONF" init >"$TB/init.out" 2>&1 ||
	    { cat "$TB/init.out" >&2; tb_fail "conductctl init"; }
}

cd_ctl() {
	"$CONDUCTCTL" -f "$CONF" "$@"
}

# cd_once: one pass; prints nothing, returns conductd's exit status.
cd_once() {
	"$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1
}

# cd_pass N OFFSET: waits for N messages in the alias's INBOX, then one
# pass with the clock moved by OFFSET seconds; it must succeed and empty
# INBOX; then waits until Postfix delivered what the pass sent.
cd_pass() {
	local st=0
	tb_imap_wait_count conduct INBOX "$1" 20
	CONDUCTD_CLOCK_OFFSET=$2 cd_once || st=$?
	[ "$st" = 0 ] || tb_fail "conductd --once exited $st"
	[ "$(tb_imap_count conduct INBOX)" = 0 ] ||
	    tb_fail "the pass left mail in the alias's INBOX"
	cd_wait_queue
}

# cd_full_stacks: full malloc stacks for the sanitizer build, for tests
# that stop Dovecot under a running daemon.  A connection refused with
# "* BYE" leaks inside libetpan, and only a full stack names the frame that
# tests/lsan.supp suppresses.  It doubles the time of a sanitizer run, so
# only those tests ask for it.
cd_full_stacks() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
	export ASAN_OPTIONS
}

# cd_start_daemon: conductd -d in the background.
cd_start_daemon() {
	setsid "$CONDUCTD" -f "$CONF" -d >>"$TB/conductd.log" 2>&1 &
	CD_PID=$!
	echo "$CD_PID" >"$TB/conductd.pid.cd"
}

# cd_stop_daemon [SIGNAL]: signals the daemon we started, waits for it,
# and returns its exit status.
cd_stop_daemon() {
	[ -n "$CD_PID" ] || return 0
	if grep -q "$TB" "/proc/$CD_PID/cmdline" 2>/dev/null; then
		kill -"${1:-TERM}" "$CD_PID" 2>/dev/null || true
	fi
	st=0
	wait "$CD_PID" 2>/dev/null || st=$?
	CD_PID=""
	return "$st"
}

# cd_count: messages stored with content of their own.
cd_count() {
	cd_ctl messages | tail -n +2 | grep -vc ' copy:' || true
}

# cd_rows: all message rows, copies included.
cd_rows() {
	cd_ctl messages | tail -n +2 | wc -l
}

# cd_wait_count N: waits (bounded) until N messages are stored.
cd_wait_count() {
	want=$1
	end=$(( $(date +%s) + ${TB_TIMEOUT:-20} ))
	while [ "$(cd_count)" -lt "$want" ]; do
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "timed out waiting for $want stored message(s); have $(cd_count)"
		sleep 0.1
	done
}

# cd_wait_log_count PATTERN N: waits (bounded) until the daemon's log
# has N lines matching PATTERN.
cd_wait_log_count() {
	end=$(( $(date +%s) + ${TB_TIMEOUT:-20} ))
	while :; do
		n=$(grep -c -- "$1" "$TB/conductd.log" 2>/dev/null) || true
		[ "${n:-0}" -lt "$2" ] || return 0
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "timed out waiting for log line (x$2): $1"
		sleep 0.1
	done
}

# cd_wait_log PATTERN: waits (bounded) until the daemon's log matches.
cd_wait_log() {
	cd_wait_log_count "$1" 1
}

# cd_import MAILDIR: the maildir's mail delivered to the alias's INBOX at
# once (doveadm import), as a flood or a backlog arrives.
cd_import() {
	chown -R dovecot:dovecot "$1"
	doveadm -c "$TB/dovecot.conf" import -u conduct "maildir:$1" "" all ||
	    tb_fail "doveadm import"
}

# cd_log_since L0 PATTERN: the lines of the log after line L0 that match.
cd_log_since() {
	tail -n +"$(($1 + 1))" "$TB/conductd.log" | grep -c -- "$2" || true
}

# cd_cases: the number of cases.
cd_cases() {
	cd_ctl cases | tail -n +2 | wc -l
}

# cd_code N: the code name of the Nth case.
cd_code() {
	cd_ctl cases | awk -v n="$1" 'NR == n + 1 { print $1 }'
}

# cd_header FILE NAME: the (unfolded) value of header NAME in FILE.
cd_header() {
	awk -v h="$2" '{ sub(/\r$/, "") }
	    /^$/ { exit }
	    /^[ \t]/ { if (on) { sub(/^[ \t]+/, " "); v = v $0 }; next }
	    { if (on) exit; if (tolower(substr($0, 1, length(h) + 1)) == tolower(h) ":") { on = 1; v = substr($0, length(h) + 2) } }
	    END { sub(/^[ \t]+/, "", v); sub(/\r$/, "", v); print v }' "$1"
}

# cd_expect_eq WHAT GOT WANT
cd_expect_eq() {
	[ "$2" = "$3" ] || tb_fail "$1: got '$2', expected '$3'"
	tb_pass "$1 = $3"
}

# ------------------------------------------------ members' mailboxes
# (t-committee.sh) Messages are fetched once over IMAP into
# $TB/fetched/USER/UID.eml, with UID.txt beside it: the headers (RFC 2047
# decoded, unfolded) and every part decoded (text as UTF-8, any other
# part as "[part FILENAME base64 B64]" on one line).

# cd_decode: a raw message on stdin, its decoded text on stdout.
cd_decode() {
	perl -e '
	use strict; use warnings;
	use MIME::Base64; use MIME::QuotedPrint; use Encode;
	local $/; my $raw = <STDIN>; $raw =~ s/\r\n/\n/g;
	sub part {
		my ($ent, $depth) = @_;
		return if $depth > 10;
		my ($h, $b) = split /\n\n/, $ent, 2;
		$h //= ""; $b //= "";
		$h =~ s/\n[ \t]+/ /g;
		my $dh = eval { decode("MIME-Header", $h) } // $h;
		print encode("UTF-8", $dh), "\n\n";
		my ($ct) = $h =~ /^content-type:\s*(.*)$/mi;
		$ct //= "text/plain";
		my ($cte) = $h =~ /^content-transfer-encoding:\s*(\S+)/mi;
		$cte = lc($cte // "");
		if ($ct =~ m{^\s*multipart/}i &&
		    $ct =~ /boundary\s*=\s*"?([^";]+)"?/i) {
			my @chunks = split /^--\Q$1\E/m, $b;
			shift @chunks;
			for my $c (@chunks) {
				last if $c =~ /^--/;
				$c =~ s/^[ \t]*\n//;
				part($c, $depth + 1);
			}
			return;
		}
		if ($ct =~ m{^\s*message/rfc822}i) {
			part($b, $depth + 1);
			return;
		}
		$b = decode_base64($b) if $cte eq "base64";
		$b = decode_qp($b) if $cte eq "quoted-printable";
		if ($ct =~ m{^\s*text/}i) {
			my ($cs) = $ct =~ /charset\s*=\s*"?([^";\s]+)/i;
			my $t = eval { decode($cs // "us-ascii", $b) } // $b;
			print encode("UTF-8", $t), "\n";
		} else {
			my ($fn) = $dh =~ /filename\*?\s*=\s*"?([^";\n]+)"?/i;
			($fn) = $dh =~ /name\s*=\s*"?([^";\n]+)"?/i
			    unless defined $fn;
			printf "[part %s base64 %s]\n", $fn // "-",
			    encode_base64($b, "");
		}
	}
	part($raw, 0);'
}

# cd_sync USER: fetches USER's INBOX messages not fetched yet.
cd_sync() {
	local user=$1 dir="$TB/fetched/$1" uid out
	mkdir -p "$dir"
	# A user who never got mail may have no INBOX to search yet.
	if out=$(tb__curl_imap "$user" INBOX -X 'UID SEARCH ALL' 2>&1); then
		printf '%s\n' "$out" | tr -d '\r' | sed -n 's/^\* SEARCH//p' |
		    tr ' ' '\n' | sed '/^$/d' >"$dir/uids.new"
	elif [ "$(tb__imap_count "$user" INBOX 2>/dev/null || echo 0)" = 0 ]; then
		: >"$dir/uids.new"
	else
		tb_fail "cd_sync $user: $out"
	fi
	for uid in $(cat "$dir/uids.new"); do
		[ -s "$dir/$uid.txt" ] && continue
		tb_imap_fetch "$user" INBOX "$uid" >"$dir/$uid.tmp"
		[ -s "$dir/$uid.tmp" ] || tb_fail "cd_sync: empty message $user/$uid"
		mv "$dir/$uid.tmp" "$dir/$uid.eml"
		cd_decode <"$dir/$uid.eml" >"$dir/$uid.txt"
	done
	mv "$dir/uids.new" "$dir/uids"
}

# cd_grep USER STRING...: the .eml paths (oldest first) of USER's
# messages whose raw or decoded text holds every STRING (fixed strings,
# case-sensitive).
cd_grep() {
	local user=$1 dir list s hits
	shift
	cd_sync "$user"
	dir=$TB/fetched/$user
	list=$(cat "$dir/uids")
	for s in "$@"; do
		[ -n "$list" ] || break
		hits=$(cd "$dir" && { grep -l -a -F -- "$s" \
		    $(printf '%s.eml ' $list; printf '%s.txt ' $list) ||
		    true; } | sed 's/\..*$//')
		list=$(printf '%s\n' $list | awk 'NR == FNR { m[$1] = 1; next }
		    m[$1]' <(printf '%s\n' $hits) -)
	done
	for s in $list; do
		echo "$dir/$s.eml"
	done
}

# cd_ngrep USER STRING...: how many of USER's messages cd_grep finds.
cd_ngrep() {
	cd_grep "$@" | wc -l
}

# cd_wait_grep USER N STRING...: waits (bounded by TB_TIMEOUT) until N of
# USER's messages hold every STRING; prints the path of the last one.
cd_wait_grep() {
	local user=$1 want=$2 end n
	shift 2
	end=$(( $(date +%s) + ${TB_TIMEOUT:-20} ))
	while :; do
		n=$(cd_ngrep "$user" "$@")
		if [ "$n" -ge "$want" ]; then
			cd_grep "$user" "$@" | tail -1
			return 0
		fi
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "$user has $n message(s) holding [$*], not $want"
		sleep 0.2
	done
}

# cd_status CODE: the case's status column in conductctl cases.
cd_status() {
	cd_ctl cases --csv | awk -F, -v c="$1" '$1 == c { print $3 }'
}

# ------------------------------------------------ scheduler (t-schedule.sh,
# t-digest.sh)

# cd_pass_at OFFSET [N]: waits for N messages in the alias's INBOX, runs
# one pass with the clock moved by OFFSET seconds, then waits until
# Postfix has delivered all that the pass sent (so that a mailbox that
# lacks a message really did not get it).
cd_pass_at() {
	[ "${2:-0}" = 0 ] || tb_imap_wait_count conduct INBOX "$2" 20
	CONDUCTD_CLOCK_OFFSET=$1 cd_once ||
	    tb_fail "conductd --once at offset $1 s failed"
	[ "$(tb_imap_count conduct INBOX)" = 0 ] ||
	    tb_fail "the pass at offset $1 s left mail in the alias's INBOX"
	cd_wait_queue
}

# cd_off_digest: a clock offset (0, or 3 h on a Monday between 08:00 and
# 09:59 UTC) that keeps a test's setup passes out of a Monday 09:xx
# digest.
cd_off_digest() {
	local now
	now=$(date +%s)
	if [ "$(date -u -d "@$now" +%u)" = 1 ] &&
	    [ "$(date -u -d "@$now" +%H)" -ge 8 ] &&
	    [ "$(date -u -d "@$now" +%H)" -le 9 ]; then
		echo 10800
	else
		echo 0
	fi
}

# cd_monday_0920 AFTER: the first Monday 09:20 UTC after AFTER (seconds
# since the epoch).
cd_monday_0920() {
	local base=$1 dow t
	dow=$(date -u -d "@$base" +%u)
	t=$((base - base % 86400 + (8 - dow) % 7 * 86400 + 9 * 3600 + 1200))
	[ "$t" -gt "$base" ] || t=$((t + 7 * 86400))
	echo "$t"
}

# cd_txt FILE: the decoded text beside a fetched .eml.
cd_txt() {
	echo "${1%.eml}.txt"
}

# cd_hdr FILE NAME: a header of a fetched message, RFC 2047 decoded.
cd_hdr() {
	cd_header "$(cd_txt "$1")" "$2"
}

# cd_has FILE STRING: the raw or decoded message holds STRING.
cd_has() {
	grep -a -q -F -- "$2" "$1" "$(cd_txt "$1")"
}

# cd_msend FROM TO SUBJECT BODY
cd_msend() {
	tb_send "$1" "$2" --header "Subject: $3" --body "$4"
}

# cd_exactly USER N STRING...: exactly N messages of USER hold every STRING.
cd_exactly() {
	local user=$1 want=$2 n
	shift 2
	n=$(cd_ngrep "$user" "$@")
	[ "$n" = "$want" ] ||
	    tb_fail "$user has $n message(s) holding [$*], not $want"
}

# cd_maddr USER CODE: USER's per-case address (From of the first conflict
# check of CODE that USER got; waits for it, bounded, since a pass only
# hands its mail to Postfix).
cd_maddr() {
	local f a
	if [ -s "$TB/maddr.$1.$2" ]; then
		cat "$TB/maddr.$1.$2"
		return 0
	fi
	# The conflict check's subject is in the member's language.
	cd_wait_grep "$1" 1 "Subject: [CoC $2] " >/dev/null
	f=$(cd_grep "$1" "Subject: [CoC $2] " | head -1)
	[ -n "$f" ] || tb_fail "$1 has no conflict check for $2"
	a=$(cd_hdr "$f" From |
	    grep -Eo "conduct\+$2-m[0-9a-f]{12}@$TB_DOMAIN") ||
	    tb_fail "$1's conflict check for $2 is not from a per-case address"
	echo "$a" >"$TB/maddr.$1.$2"
	echo "$a"
}

# cd_codename USER: the code name in the subject of USER's (the
# reporter's) acknowledgment; waits for it.
cd_codename() {
	local f c
	f=$(cd_wait_grep "$1" 1 "Subject: [CoC ")
	c=$(cd_hdr "$f" Subject |
	    sed -n 's/^.*\[CoC \([a-z]*-[a-z]*\)\].*$/\1/p')
	[ -n "$c" ] || tb_fail "no code name in $1's acknowledgment"
	echo "$c"
}

# cd_one_recipient FILE USER: the message is addressed to USER alone.
cd_one_recipient() {
	local to
	to="$(cd_hdr "$1" To) $(cd_hdr "$1" Cc)"
	[ "$(echo "$to" | grep -o '@' | wc -l)" = 1 ] &&
	    echo "$to" | grep -q -F "$2@$TB_DOMAIN" ||
	    tb_fail "$(basename "$1") to $2 is addressed to '$to'"
}

# cd_wait_queue: waits (bounded) until the test bed's Postfix has no
# message left in its queue, i.e. everything conductd handed it has been
# delivered.  After "cd_once; cd_wait_queue" a mailbox that lacks a
# message really did not get it.
cd_wait_queue() {
	local q=$TB/postfix/spool end n
	end=$(( $(date +%s) + ${TB_TIMEOUT:-20} ))
	while :; do
		n=$(find "$q/maildrop" "$q/incoming" "$q/active" "$q/deferred" \
		    "$q/hold" -type f 2>/dev/null | wc -l)
		[ "$n" = 0 ] && return 0
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "$n message(s) still in Postfix's queue"
		sleep 0.05
	done
}

# cd_received CODE: the case's receipt time, seconds since the epoch.
cd_received() {
	local r
	r=$(cd_ctl cases --csv | awk -F, -v c="$1" '$1 == c { print $2 }')
	[ -n "$r" ] || tb_fail "no receipt time for $1 in conductctl cases"
	date -u -d "$r" +%s || tb_fail "bad receipt time '$r' for $1"
}

# cd_next_due CODE: what conductctl cases --wide prints for CODE from its
# "NEXT DUE" column on (the time, then "overdue" when it has passed).
cd_next_due() {
	cd_ctl cases --wide | awk -v c="$1" '
	    NR == 1 { i = index($0, "NEXT DUE"); next }
	    $1 == c { if (i) print substr($0, i); else print "(no NEXT DUE column)" }'
}

# cd_webhook_start: an HTTP listener on a free loopback port that answers
# every request "200 OK" and appends it to $TB/webhook.log, each followed
# by a line "--- end of request".  Sets CD_WEBHOOK_PORT; the listener is
# stopped (by its process group) on exit.  (Perl rather than a loop of
# "nc -l": between two nc runs nothing listens, and a second request
# right after the first is refused.)
CD_WEBHOOK_PID=""
cd_webhook_start() {
	tb__take_port CD_WEBHOOK_PORT
	: >"$TB/webhook.log"
	setsid perl -MIO::Socket::INET -e '
	my ($log, $port) = @ARGV;
	my $srv = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
	    LocalPort => $port, Listen => 16, ReuseAddr => 1)
	    or die "webhook listener: $!\n";
	while (my $c = $srv->accept) {
		my ($req, $len) = ("", 0);
		local $/ = "\r\n";
		while (defined(my $l = <$c>)) {
			$req .= $l;
			$len = $1 if $l =~ /^content-length:\s*(\d+)/i;
			last if $l eq "\r\n";
		}
		my $body = "";
		read($c, $body, $len) if $len > 0;
		open(my $fh, ">>", $log) or die "$log: $!\n";
		print $fh $req, $body, "\n--- end of request\n";
		close $fh;
		print $c "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n",
		    "Connection: close\r\n\r\n";
		close $c;
	}' "$TB/webhook.log" "$CD_WEBHOOK_PORT" \
	    </dev/null >/dev/null 2>>"$TB/webhook.err" &
	CD_WEBHOOK_PID=$!
	echo "$CD_WEBHOOK_PID" >"$TB/webhook.pid"
	trap cd__webhook_exit EXIT
	tb_wait_for tb__port_listening "$CD_WEBHOOK_PORT"
}

cd_webhook_stop() {
	[ -n "$CD_WEBHOOK_PID" ] || return 0
	if tb__alive "$CD_WEBHOOK_PID" && tb__ours "$CD_WEBHOOK_PID"; then
		kill -TERM -- "-$CD_WEBHOOK_PID" 2>/dev/null
		PGID_WANTED=$CD_WEBHOOK_PID tb__group_alive &&
		    ! tb__wait_group_gone "$CD_WEBHOOK_PID" 2000 &&
		    kill -KILL -- "-$CD_WEBHOOK_PID" 2>/dev/null
	fi
	wait "$CD_WEBHOOK_PID" 2>/dev/null
	CD_WEBHOOK_PID=""
	return 0
}

cd__webhook_exit() {
	local rc=$?
	set +e
	cd_webhook_stop
	(exit "$rc")
	cd_cleanup
}

# cd_webhook_requests: one line per POST received so far:
# "METHOD PATH<TAB>code_name<TAB>deadline<TAB>keys,sorted<TAB>raw body".
cd_webhook_requests() {
	perl -MJSON::PP -e '
	local $/; my $log = <STDIN>;
	for my $r (split /^--- end of request$/m, $log) {
		$r =~ s/^\s+//;
		next unless length $r;
		my ($head, $body) = split /\r?\n\r?\n/, $r, 2;
		my ($req) = $head =~ /^(\S+ \S+)/;
		$body //= ""; $body =~ s/\s+$//;
		my $j = eval { decode_json($body) };
		my @k = ref $j eq "HASH" ? sort keys %$j : ("(not a JSON object)");
		printf "%s\t%s\t%s\t%s\t%s\n", $req // "-",
		    ref $j eq "HASH" ? $j->{code_name} // "" : "",
		    ref $j eq "HASH" ? $j->{deadline} // "" : "",
		    join(",", @k), $body;
	}' <"$TB/webhook.log"
}

# cd_committee: appends the committee of five most tests use to $CONF:
# leads Alice and Bob, members Carol and Dave, backup Erin.
cd_committee() {
	cd_members Alice:lead Bob:lead Carol:member Dave:member Erin:backup
}

# cd_members NAME:ROLE...: appends a [member NAME] section for each, with
# the test bed user of that name (lower case) as its address.
cd_members() {
	local m name
	for m in "$@"; do
		name=${m%%:*}
		printf '\n[member %s]\nemail = %s@example.test\nrole = %s\n' \
		    "$name" "$(echo "$name" | tr 'A-Z' 'a-z')" "${m#*:}" >>"$CONF"
	done
}

# ------------------------------------------------ OpenPGP (t-pgp*.sh)

# cd_pgp_setup: folders for members' own gpg homes ($G) and the
# committee's keys folder ($K); every gpg-agent they or conductd start
# is stopped through its home folder when the test ends (cd_cleanup
# runs the hook, so the test bed's servers stop however the test ends).
cd_pgp_setup() {
	G=$TB/gpg
	K=$TB/keys
	mkdir -p -m 700 "$G"
	mkdir -p "$K"
	CD_CLEANUP_HOOK=cd_pgp_stop_agents
}

cd_pgp_stop_agents() {
	local h
	for h in "$G"/* "$TB/state/gnupg"; do
		[ -d "$h" ] && gpgconf --homedir "$h" --kill gpg-agent \
		    >/dev/null 2>&1 || true
	done
}

# cd_pgp_gpg USER ARGS...: USER's own gpg.
cd_pgp_gpg() {
	local u=$1
	shift
	gpg --batch --quiet --homedir "$G/$u" "$@"
}

# cd_pgp_key USER [GPG-OPTIONS]: USER's key pair (EXPIRE: its expiry,
# default never), its public key in $K; prints the fingerprint in gpg's
# groups of four.
cd_pgp_key() {
	local u=$1
	shift
	mkdir -p -m 700 "$G/$u"
	cd_pgp_gpg "$u" "$@" --passphrase '' --quick-gen-key \
	    "$u <$u@$TB_DOMAIN>" future-default default "${EXPIRE:-never}" \
	    2>/dev/null
	cd_pgp_gpg "$u" --armor --export >"$K/$u.asc"
	cd_pgp_gpg "$u" --with-colons --list-keys | awk -F: '$1 == "fpr" {
	    print $10; exit }' | sed 's/..../& /g; s/ $//'
}

# cd_pgp_open USER FILE: decrypts a fetched PGP/MIME mail with USER's key
# into FILE.inner, the status lines into FILE.status.
cd_pgp_open() {
	awk '/^-----BEGIN PGP MESSAGE-----/,/^-----END PGP MESSAGE-----/' \
	    "$2" | tr -d '\r' | gpg --batch --homedir "$G/$1" --status-fd 3 \
	    --decrypt >"$2.inner" 2>/dev/null 3>"$2.status" ||
	    tb_fail "$1's gpg does not decrypt $(basename "$2")"
}

# cd_pgp_find USER N STRING: waits for N encrypted mails of USER, then
# (bounded by TB_TIMEOUT, as mail may still be on its way) for one whose
# decrypted text holds STRING; prints its path.
cd_pgp_find() {
	local f end
	cd_wait_grep "$1" "$2" "multipart/encrypted" >/dev/null
	end=$(( $(date +%s) + ${TB_TIMEOUT:-20} ))
	while :; do
		for f in $(cd_grep "$1" "multipart/encrypted"); do
			[ -s "$f.inner" ] || cd_pgp_open "$1" "$f"
			if cd_decode <"$f.inner" | grep -q -F -- "$3"; then
				echo "$f"
				return 0
			fi
		done
		[ "$(date +%s)" -lt "$end" ] ||
		    tb_fail "no encrypted mail of $1 holds '$3'"
		sleep 0.2
	done
}

# cd_pgp_none USER STRING: no encrypted mail of USER holds STRING.
cd_pgp_none() {
	local f
	for f in $(cd_grep "$1" "multipart/encrypted"); do
		[ -s "$f.inner" ] || cd_pgp_open "$1" "$f"
		! cd_decode <"$f.inner" | grep -q -F -- "$2" ||
		    tb_fail "an encrypted mail of $1 holds '$2'"
	done
}

# cd_pgp_mutt_send USER TO SUBJECT BODY COMMITTEE-FPR [encrypt]: USER's
# real mutt (gpgme) writes the mail PGP/MIME signed with USER's key (and
# encrypted to the committee's key, which a crypt-hook names for the
# case addresses, as a member would set it up), and it is sent as mutt
# wrote it.  Batch send mode never signs, so mutt runs under script(1)
# with a send-hook pushing <send-message>.
cd_pgp_mutt_send() {
	local u=$1 to=$2 subj=$3 body=$4 cfpr=$5 enc=${6:-} w ufpr
	w=$TB/mutt-$u-$(date +%s%N)
	mkdir -p "$w/mail"
	ufpr=$(cd_pgp_gpg "$u" --with-colons --list-secret-keys |
	    awk -F: '$1 == "fpr" { print $10; exit }')
	printf '#!/bin/sh\ncat > "%s/out.eml"\n' "$w" >"$w/send.sh"
	chmod +x "$w/send.sh"
	cat >"$w/rc" <<RC
set folder="$w/mail"
set spoolfile="$w/mail/inbox"
set postponed="$w/mail/postponed"
set record=""
set tmpdir="$w"
set sendmail="$w/send.sh"
set from="$u@$TB_DOMAIN"
set use_from=yes
set wait_key=no
set sleep_time=0
set charset=utf-8
set send_charset=utf-8
set editor=/bin/true
set edit_headers=yes
set autoedit=yes
set crypt_use_gpgme=yes
set pgp_default_key=$ufpr
set pgp_sign_as=$ufpr
set crypt_autosign=yes
set crypt_autoencrypt=$([ "$enc" = encrypt ] && echo yes || echo no)
set pgp_self_encrypt=no
set crypt_confirmhook=no
crypt-hook '^conduct\+.*@' $cfpr
RC
	printf 'To: %s\nSubject: %s\n\n%s\n' "$to" "$subj" "$body" >"$w/draft"
	GNUPGHOME=$G/$u TERM=xterm timeout 30 script -qec "mutt -n -F \
	    '$w/rc' -H '$w/draft' -e 'send-hook . \"push <send-message>\"'" \
	    /dev/null </dev/null >"$w/tty.log" 2>&1 ||
	    tb_fail "$u's mutt did not send: $(tail -3 "$w/tty.log")"
	[ -s "$w/out.eml" ] || tb_fail "$u's mutt wrote no mail"
	if [ "$enc" = encrypt ]; then
		grep -q "multipart/encrypted" "$w/out.eml" ||
		    tb_fail "$u's mutt did not encrypt"
	else
		grep -q "multipart/signed" "$w/out.eml" ||
		    tb_fail "$u's mutt did not sign"
	fi
	tb_send_file "$u@$TB_DOMAIN" "$to" "$w/out.eml"
}
