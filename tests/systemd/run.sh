#!/bin/bash
# tests/systemd/run.sh [DEB]: conductd's Debian package under a real
# systemd.  Debootstraps a minimal Debian 12 from this machine's apt
# source (cached in $CONDUCTD_NSPAWN_CACHE, default
# /var/cache/conductd-test/bookworm, rebuilt when missing), boots a copy
# of it with "systemd-nspawn -b --register=no --keep-unit" sharing the
# host's network, installs the .deb inside (DEB, default
# build-ci-deb/conductd_*.deb, built by contrib/deb-build.sh when there
# is none), points it at the mail test bed (tests/e2e/lib.sh: Dovecot and
# Postfix on the host's 127.0.0.1) and checks, printing a transcript:
#   - install enables the unit and does not start it; started on the
#     unedited sample, it fails once (exit 78) and is not restarted;
#   - start reaches "active (running)" through READY=1 (Type=notify);
#   - a report to the alias is acknowledged (the reporter's mailbox, read
#     over IMAP from the host);
#   - reload with a good config, then with a broken one (ExecReload's
#     conductd -n fails "systemctl reload", the daemon keeps its PID and
#     its config: a second report is acknowledged);
#   - Restart= brings back a killed daemon (systemctl kill -s KILL);
#   - the watchdog restarts a frozen one (SIGSTOP, WatchdogSec=4s in a
#     test drop-in);
#   - two instances side by side: conductd.service and
#     conductd@second.service (/etc/conductd/second.conf, its own alias
#     mailbox, state folder and key), each acknowledging a report;
#   - systemctl stop exits cleanly, for both;
#   - journalctl has conductd's lines with their priorities;
#   - systemd-analyze security rates the installed units.
# One "PASS: systemd: ..." / "FAIL: systemd: ..." line per
# check, then "systemd: N passed, N failed".  Run as root; needs
# debootstrap and systemd-container (contrib/install-deps.sh).
set -eu
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
top_builddir=$top_srcdir
export top_srcdir top_builddir
. "$top_srcdir/tests/e2e/lib.sh"

CACHE=${CONDUCTD_NSPAWN_CACHE:-/var/cache/conductd-test/bookworm}
SUITE=bookworm
NS_PID=""
CPID=""
ROOT=""
pass=0
fail=0
# The daemon's answers can take a while under a booting container.
WAIT=${SYSTEMD_TEST_TIMEOUT:-60}

ok() { pass=$((pass + 1)); echo "PASS: systemd: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: systemd: $*"; }
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else ko "$what"; fi
}
summary() {
	echo "systemd: $pass passed, $fail failed"
}
# fatal MSG: a check the rest depends on failed.
fatal() {
	ko "$*"
	exit 1
}

# -------------------------------------------------------------- helpers
# cx CMD...: CMD inside the container, in all its namespaces, with a
# plain environment.
cx() {
	nsenter -t "$CPID" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    LANG=C.UTF-8 SYSTEMD_PAGER= SYSTEMD_COLORS=0 TERM=dumb "$@"
}
# show CMD...: the transcript of CMD inside the container; its status.
show() {
	local st=0 out
	out=$(cx "$@" 2>&1) || st=$?
	printf '  # %s\n' "$*"
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/  | /'
	[ "$st" = 0 ] || printf '  (exit %s)\n' "$st"
	return "$st"
}
prop() {
	cx systemctl show -P "$1" conductd.service
}
# uprop UNIT PROPERTY: a property of another unit.
uprop() {
	cx systemctl show -P "$2" "$1"
}
# wait_until SECONDS CMD...: runs CMD every 0.5 s until it succeeds.
wait_until() {
	local end=$(( $(date +%s) + $1 ))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.5
	done
}
running() {
	[ "$(prop ActiveState)/$(prop SubState)" = active/running ]
}
# urunning UNIT: UNIT is active (running).
urunning() {
	[ "$(uprop "$1" ActiveState)/$(uprop "$1" SubState)" = active/running ]
}
# restarted OLDPID N: a new main PID, running, NRestarts at least N.
restarted() {
	local pid
	pid=$(prop MainPID)
	[ "$pid" != 0 ] && [ "$pid" != "$1" ] && running &&
	    [ "$(prop NRestarts)" -ge "$2" ]
}
# imap_has USER N: USER's INBOX holds N messages or more (host side).
imap_has() {
	local n
	n=$(tb__imap_count "$1" INBOX 2>/dev/null) || return 1
	[ -n "$n" ] && [ "$n" -ge "$2" ]
}
# journal_count REGEX: conductd's own journal lines matching REGEX.
journal_count() {
	cx journalctl -q _SYSTEMD_UNIT=conductd.service \
	    SYSLOG_IDENTIFIER=conductd -o cat 2>/dev/null |
	    grep -c -E -- "$1" || true
}
# journal_more REGEX N: more than N such lines.
journal_more() {
	[ "$(journal_count "$1")" -gt "$2" ]
}
# journal_prio: conductd's own journal lines as "PRIORITY MESSAGE".
journal_prio() {
	cx journalctl -q _SYSTEMD_UNIT=conductd.service \
	    SYSLOG_IDENTIFIER=conductd -o verbose |
	    awk '/^    PRIORITY=/ { p = substr($0, 14) }
		/^    MESSAGE=/ { print p, substr($0, 13) }'
}

# The first bookworm source of this machine's apt configuration.
mirror() {
	local m=""
	if [ -n "${CONDUCTD_MIRROR:-}" ]; then
		echo "$CONDUCTD_MIRROR"
		return
	fi
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v s="$SUITE" '
	    /^[ \t]*$/ { if (u != "" && ok) { print u; exit } u = ""; ok = 0 }
	    /^URIs:/ { u = $2 }
	    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
	    END { if (u != "" && ok) print u }' | head -1)
	[ -n "$m" ] || m=$(cat /etc/apt/sources.list 2>/dev/null | awk -v s="$SUITE" '
	    $1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//)
	    { if ($(i + 1) == s) { print $i; exit } } }')
	echo "${m:-http://deb.debian.org/debian}"
}

# What the tree holds beyond minbase: systemd, and the package's
# dependencies (first alternatives), so the .deb installs offline.
includes() {
	local deps
	deps=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' |
	    sed -e 's/|.*//' -e 's/(.*//' -e 's/[[:space:]]//g' | grep -v '^$')
	echo systemd systemd-sysv dbus $deps | tr ' ' '\n' | sort -u |
	    paste -sd, -
}

# make_tree: the cached debootstrap tree, made when missing or when the
# package list changed.
make_tree() {
	local inc m
	inc=$(includes)
	# A cached tree holding every package needed (and maybe more, from
	# an earlier Depends:) will do.
	if [ -f "$CACHE/.conductd-tree" ] &&
	    [ -z "$(comm -23 <(echo "$inc" | tr , '\n' | sort) \
	    <(tr , '\n' <"$CACHE/.conductd-tree" | sort))" ]; then
		echo "# cached tree $CACHE ($(cat "$CACHE/.conductd-tree"))"
		return 0
	fi
	m=$(mirror)
	echo "# debootstrap --variant=minbase $SUITE from $m"
	rm -rf "$CACHE.new"
	mkdir -p "$(dirname "$CACHE")"
	if ! debootstrap --variant=minbase --include="$inc" "$SUITE" \
	    "$CACHE.new" "$m" >"$CACHE.log" 2>&1; then
		tail -20 "$CACHE.log"
		return 1
	fi
	echo "$inc" >"$CACHE.new/.conductd-tree"
	rm -rf "$CACHE"
	mv "$CACHE.new" "$CACHE"
}

boot() {
	local end
	ROOT=$(mktemp -d /var/tmp/conductd-nspawn.XXXXXXXX)
	cp -a "$CACHE/." "$ROOT/"
	cp "$DEB" "$ROOT/root/"
	# The test bed's domain has no DNS: names are not looked up.
	echo conductd-test >"$ROOT/etc/hostname"
	setsid systemd-nspawn -q -D "$ROOT" -M "conductd-test-$$" \
	    -b --register=no --keep-unit \
	    >"$TB/nspawn.out" 2>&1 </dev/null &
	NS_PID=$!
	end=$(( $(date +%s) + 30 ))
	while :; do
		CPID=$(cat /proc/"$NS_PID"/task/*/children 2>/dev/null |
		    awk '{ print $1; exit }')
		[ -n "$CPID" ] && [ "$(cat /proc/"$CPID"/comm 2>/dev/null)" = systemd ] &&
		    break
		kill -0 "$NS_PID" 2>/dev/null || return 1
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
	wait_until 90 sh -c 'test -S /proc/$1/root/run/systemd/private' sh \
	    "$CPID" || return 1
	st=$(timeout 90 nsenter -t "$CPID" -a systemctl is-system-running \
	    --wait 2>/dev/null) || true
	echo "# booted: is-system-running says '$st'"
	[ "$st" = running ] || [ "$st" = degraded ]
}

t_exit() {
	local rc=$?
	set +e
	if [ -n "$NS_PID" ] && kill -0 "$NS_PID" 2>/dev/null; then
		# nspawn turns SIGTERM into a clean shutdown of the container.
		kill -TERM "$NS_PID"
		wait_until 60 sh -c '! kill -0 $1' sh "$NS_PID" ||
		    kill -KILL "$NS_PID"
		wait "$NS_PID" 2>/dev/null
	fi
	if [ "$rc" != 0 ] && [ -f "${TB:-/nonexistent}/nspawn.out" ]; then
		echo "---- container console (last 30 lines)"
		tail -30 "$TB/nspawn.out" | sed 's/\x1b\[[0-9;]*m//g'
	fi
	case "$ROOT" in
	/var/tmp/conductd-nspawn.*)
		mountpoint -q "$ROOT" || rm -rf "$ROOT" ;;
	esac
	[ "$rc" = 0 ] || [ "$fail" -gt 0 ] || fail=1
	summary
	tb_cleanup
	# A bare "exit" in an EXIT trap keeps the status the script had.
	[ "$fail" = 0 ] && exit 0
	exit 1
}

# ----------------------------------------------------------------- setup
[ "$(id -u)" = 0 ] || { echo "FAIL: systemd: run as root"; exit 1; }
for c in debootstrap systemd-nspawn nsenter; do
	command -v "$c" >/dev/null 2>&1 ||
	    { echo "FAIL: systemd: $c not installed"; exit 1; }
done
started=$(date +%s)
DEB=${1:-}
if [ -z "$DEB" ]; then
	DEB=$(ls "$top_srcdir"/build-ci-deb/conductd_*.deb 2>/dev/null | tail -1) ||
	    DEB=""
fi
if [ -z "$DEB" ]; then
	echo "# no .deb given: contrib/deb-build.sh build-ci-systemd"
	DEB=$("$top_srcdir/contrib/deb-build.sh" \
	    "$top_srcdir/build-ci-systemd" | tail -1) ||
	    { echo "FAIL: systemd: the .deb does not build"; exit 1; }
fi
echo "# package: $DEB"

tb_init
trap t_exit EXIT
tb_start
# One run at a time per cache.
mkdir -p "$(dirname "$CACHE")"
exec 9>"$CACHE.lock"
flock 9
make_tree || fatal "debootstrap $SUITE (see $CACHE.log)"
boot || fatal "systemd-nspawn -b --register=no --keep-unit booted no systemd"
ok "systemd-nspawn -b --register=no --keep-unit:" \
    "$(cx systemctl --version | head -1)"
echo "# booted in $(( $(date +%s) - started )) s"

# --------------------------------------------------------------- install
echo "== install"
show apt-get install -y "/root/$(basename "$DEB")" >"$TB/install.out" ||
    { cat "$TB/install.out"; fatal "apt-get install inside the container"; }
grep -E '^  # |Setting up conductd|Created symlink' "$TB/install.out" || true
check "install enables conductd.service" \
    [ "$(cx systemctl is-enabled conductd.service)" = enabled ]
st=0
out=$(cx systemd-analyze verify --man=no conductd.service 2>&1) || st=$?
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/  | /'
check "systemd-analyze verify conductd.service (every command exists)" \
    sh -c '[ "$1" = 0 ] && ! printf "%s" "$2" | grep -q conductd' sh \
    "$st" "$out"
check "install does not start it (ActiveState=$(prop ActiveState))" \
    [ "$(prop ActiveState)" = inactive ]
check "the template conductd@.service is installed, not enabled" \
    sh -c '[ -f "$1/lib/systemd/system/conductd@.service" ] &&
    [ -z "$(ls "$1"/etc/systemd/system/*.wants/ | grep "conductd@")" ]' sh \
    "$ROOT"
st=$(cx stat -c '%U %a' /var/lib/conductd 2>&1) || true
check "the state folder is '_conductd 700' (tmpfiles.d): '$st'" \
    [ "$st" = "_conductd 700" ]

# What a boot before the admin edits the sample does: one try, exit 78
# (configuration error), not restarted (RestartPreventExitStatus=78): the
# unit is "failed" at once, not "activating (auto-restart)".
echo "== start on the unedited sample"
show systemctl start conductd || true
check "the sample is refused: failed, status 78, no restart" \
    sh -c '[ "$1 $2 $3" = "failed 78 0" ]' sh "$(prop ActiveState)" \
    "$(prop ExecMainStatus)" "$(prop NRestarts)"
cx systemctl reset-failed conductd.service || true

# ------------------------------------------------------------- configure
# The admin's steps (README.Debian): the configuration, the password
# file, the CA of the test bed's servers, conductctl init as root.
etc=$ROOT/etc/conductd
cp "$TB_CA" "$etc/ca.pem"
chmod 644 "$etc/ca.pem"
(umask 077; tb_password conduct >"$etc/imap.pass")
cx chown _conductd:_conductd /etc/conductd/imap.pass
# conf_text ALIAS STATE_DIR KEY_FILE POLL LEAD MEMBER TAG: a configuration
# for the mailbox ALIAS of the test bed (password file /etc/conductd/
# ALIAS.pass but for conduct's).  poll_interval is on line 5.
conf_text() {
	local pass=/etc/conductd/$1.pass
	[ "$1" != conduct ] || pass=/etc/conductd/imap.pass
	cat <<EOF
# tests/systemd/run.sh: the host's test bed on 127.0.0.1.
[daemon]
state_dir = $2
key_file = $3
poll_interval = $4
log_level = info

[imap]
host = 127.0.0.1
port = $TB_IMAP_PORT
tls = starttls
ca_file = /etc/conductd/ca.pem
user = $1
password_file = $pass

[smtp]
host = 127.0.0.1
port = $TB_SUBMISSION_PORT
tls = starttls
ca_file = /etc/conductd/ca.pem
user = $1
password_file = $pass

[committee]
name = Example Conduct Committee ($1)
alias = $1@$TB_DOMAIN
tag = $7

[member Lead]
email = $5@$TB_DOMAIN
role = lead

[member Member]
email = $6@$TB_DOMAIN
role = member
EOF
}
# write_conf POLL: conductd.service's configuration, on the defaults.
write_conf() {
	conf_text conduct /var/lib/conductd /etc/conductd/conductd.key "$1" \
	    lead1 alice CoC >"$etc/conductd.conf"
}
write_conf 30
echo "== configure"
check "conductctl init (as root)" show conductctl init
st=$(cx stat -c '%U %a' /etc/conductd/conductd.key \
    /var/lib/conductd/conductd.db 2>&1 | paste -sd, -) || true
check "init gave key and database to _conductd: '$st'" \
    [ "$st" = "_conductd 600,_conductd 600" ]
check "conductd -n accepts the test configuration" show conductd -n

# ----------------------------------------------------------------- start
echo "== start"
check "systemctl start conductd (returns on READY=1)" \
    show timeout 120 systemctl start conductd
show systemctl status --no-pager -n 5 conductd || true
check "Type=notify, active (running)" \
    sh -c '[ "$1" = notify ] && [ "$2" = "active (running)" ]' sh \
    "$(prop Type)" "$(prop ActiveState) ($(prop SubState))"
check "the journal says 'conductd: started'" \
    [ "$(journal_count 'conductd: started$')" -ge 1 ]

# ---------------------------------------------------------------- report
echo "== a report to the alias"
tb_send reporter1@$TB_DOMAIN conduct@$TB_DOMAIN \
    --header "Subject: Report from the systemd test" \
    --body "Someone shouted at me at the booth on Saturday."
check "the report is acknowledged (reporter1's INBOX over IMAP)" \
    wait_until "$WAIT" imap_has reporter1 1
check "the leads get the conflict check (lead1's INBOX)" \
    wait_until "$WAIT" imap_has lead1 1
uid=$(tb_imap_uids reporter1 INBOX | head -1)
[ -z "$uid" ] || tb_imap_fetch reporter1 INBOX "$uid" >"$TB/ack.eml"
subject=$(sed -n 's/^Subject: //p' "$TB/ack.eml" 2>/dev/null | head -1 |
    tr -d '\r')
echo "  acknowledgment: Subject: $subject"
check "the acknowledgment's subject carries [CoC code-name]" \
    sh -c 'printf "%s" "$1" | grep -Eq "\[CoC [a-z]+-[a-z]+\]"' sh "$subject"

# ---------------------------------------------------------------- reload
echo "== reload, good configuration"
pid=$(prop MainPID)
n=$(journal_count 'configuration reloaded')
write_conf 45
echo "  $(grep '^ExecReload=' "$ROOT/lib/systemd/system/conductd.service")"
good=0
show systemctl reload conductd && good=1
check "systemctl reload conductd (good config)" [ "$good" = 1 ]
check "the journal says 'configuration reloaded'" \
    wait_until "$WAIT" journal_more 'configuration reloaded' "$n"
check "same main PID after the reload, still running" \
    sh -c '[ "$1" = "$2" ] && [ "$3" = active/running ]' sh \
    "$pid" "$(prop MainPID)" "$(prop ActiveState)/$(prop SubState)"

echo "== reload, broken configuration"
# ExecReload runs conductd -n on the new file first: it fails the reload
# and no SIGHUP is sent.
nr=$(journal_count 'configuration reloaded')
nn=$(journal_count 'conductd.conf:5: .*poll_interval')
write_conf soon
st=0
show systemctl reload conductd || st=$?
check "systemctl reload with a broken config fails (exit $st)" \
    [ "$st" != 0 ]
check "the unit's journal has conductd -n's reason (file:line: key)" \
    wait_until "$WAIT" journal_more 'conductd.conf:5: .*poll_interval' "$nn"
show systemctl status --no-pager -n 3 conductd || true
check "same main PID after the failed reload, still running" \
    sh -c '[ "$1" = "$2" ] && [ "$3" = active/running ]' sh \
    "$pid" "$(prop MainPID)" "$(prop ActiveState)/$(prop SubState)"
check "the daemon did not reload ('configuration reloaded' not logged)" \
    [ "$(journal_count 'configuration reloaded')" = "$nr" ]
# A SIGHUP that bypasses ExecReload: the daemon's own refusal.
echo "== SIGHUP with the broken configuration (systemctl kill -s HUP)"
n=$(journal_count 'reload refused')
show systemctl kill -s HUP conductd || true
check "the journal says 'reload refused' (the daemon kept its config)" \
    wait_until "$WAIT" journal_more 'reload refused' "$n"
status=$(prop StatusText)
echo "  StatusText=$status"
check "STATUS= names the refused reload" \
    sh -c 'printf "%s" "$1" | grep -q "reload refused"' sh "$status"
check "same main PID after the refused SIGHUP, still running" \
    sh -c '[ "$1" = "$2" ] && [ "$3" = active/running ]' sh \
    "$pid" "$(prop MainPID)" "$(prop ActiveState)/$(prop SubState)"
tb_send reporter2@$TB_DOMAIN conduct@$TB_DOMAIN \
    --header "Subject: Second report" --body "It happened again today."
check "the running config still works: a second report is acknowledged" \
    wait_until "$WAIT" imap_has reporter2 1
write_conf 45
show systemctl reload conductd >/dev/null || true

# ---------------------------------------------------------------- restart
echo "== Restart=on-failure: systemctl kill -s KILL"
pid=$(prop MainPID)
show systemctl kill -s KILL conductd || true
# RestartSec=10s in the shipped unit.
check "a killed daemon comes back (new main PID, NRestarts>=1)" \
    wait_until 60 restarted "$pid" 1
echo "  main PID $pid -> $(prop MainPID), NRestarts=$(prop NRestarts)"

echo "== the watchdog: SIGSTOP under WatchdogSec=4s (test drop-in)"
# /run inside is the container's own tmpfs: written from inside.
cx sh -c 'mkdir -p /run/systemd/system/conductd.service.d &&
    cat >/run/systemd/system/conductd.service.d/50-test.conf' <<'EOF'
# tests/systemd/run.sh: a short watchdog for the test.
[Service]
WatchdogSec=4s
RestartSec=1s
TimeoutAbortSec=5s
EOF
cx systemctl daemon-reload
show timeout 120 systemctl restart conductd || true
pid=$(prop MainPID)
r=$(prop NRestarts)
echo "  WatchdogUSec=$(prop WatchdogUSec), main PID $pid"
show systemctl kill -s STOP conductd || true
check "the watchdog restarts a frozen daemon (new main PID)" \
    wait_until 60 restarted "$pid" $((r + 1))
echo "  main PID $pid -> $(prop MainPID), NRestarts=$(prop NRestarts)"
check "systemd logged the watchdog timeout" sh -c \
    'nsenter -t "$1" -a journalctl -q -u conductd.service -o cat |
    grep -q "Watchdog timeout"' sh "$CPID"
cx rm -f /run/systemd/system/conductd.service.d/50-test.conf
cx systemctl daemon-reload
show timeout 120 systemctl restart conductd || true

# ------------------------------------------------------------ instances
# conductd@.service (README.Debian, conductd(8)): a second alias, the
# test bed's mailbox m8, with lead m7 and member m6, its own state folder
# and key, beside conductd.service.
echo "== two instances: conductd.service and conductd@second.service"
I=conductd@second.service
(umask 077; tb_password m8 >"$etc/m8.pass")
cx chown _conductd:_conductd /etc/conductd/m8.pass
conf_text m8 /var/lib/conductd/second /etc/conductd/second.key 30 \
    m7 m6 CoC >"$etc/second.conf"
check "conductctl -f /etc/conductd/second.conf init (as root)" \
    show conductctl -f /etc/conductd/second.conf init
check "conductd -n -f /etc/conductd/second.conf" \
    show conductd -n -f /etc/conductd/second.conf
st=$(cx stat -c '%U %a' /var/lib/conductd/second /etc/conductd/second.key \
    /var/lib/conductd/second/conductd.db 2>&1 | paste -sd, -) || true
check "the instance's state folder, key and database: '$st'" \
    [ "$st" = "_conductd 700,_conductd 600,_conductd 600" ]
st=0
out=$(cx systemd-analyze verify --man=no "$I" 2>&1) || st=$?
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/  | /'
check "systemd-analyze verify $I" \
    sh -c '[ "$1" = 0 ] && ! printf "%s" "$2" | grep -q conductd' sh \
    "$st" "$out"
check "systemctl start conductd@second (returns on READY=1)" \
    show timeout 120 systemctl start conductd@second
show systemctl status --no-pager -n 3 conductd conductd@second || true
check "both active (running), two main PIDs" \
    sh -c '[ "$1 $2" = "active/running active/running" ] &&
    [ "$3" != "$4" ] && [ "$3" != 0 ] && [ "$4" != 0 ]' sh \
    "$(prop ActiveState)/$(prop SubState)" \
    "$(uprop $I ActiveState)/$(uprop $I SubState)" \
    "$(prop MainPID)" "$(uprop $I MainPID)"
echo "  conductd.service PID $(prop MainPID)," \
    "$I PID $(uprop $I MainPID)"
check "$I: StateDirectory=conductd/second" \
    [ "$(uprop $I StateDirectory)" = conductd/second ]
r1=$(tb__imap_count reporter1 INBOX 2>/dev/null) || r1=0
tb_send reporter1@$TB_DOMAIN conduct@$TB_DOMAIN \
    --header "Subject: Third report, to the first alias" \
    --body "The first alias, with a second instance running."
tb_send m1@$TB_DOMAIN m8@$TB_DOMAIN \
    --header "Subject: Report to the second alias" \
    --body "Someone was rude to me at the second event."
check "conductd.service acknowledges its report (reporter1)" \
    wait_until "$WAIT" imap_has reporter1 $((r1 + 1))
check "$I acknowledges its report (m1's INBOX)" \
    wait_until "$WAIT" imap_has m1 1
check "$I's lead gets the conflict check (m7's INBOX)" \
    wait_until "$WAIT" imap_has m7 1
uid=$(tb_imap_uids m1 INBOX | head -1)
[ -z "$uid" ] || tb_imap_fetch m1 INBOX "$uid" >"$TB/ack2.eml"
from=$(sed -n 's/^From: //p' "$TB/ack2.eml" 2>/dev/null | head -1 |
    tr -d '\r')
echo "  second acknowledgment: From: $from"
check "the second acknowledgment comes from the second alias" \
    sh -c 'printf "%s" "$1" | grep -q "m8@"' sh "$from"
# "conductctl cases": a header line, then one line per case.
n1=$(cx conductctl cases 2>/dev/null | tail -n +2 | grep -c .) || true
n2=$(cx conductctl -f /etc/conductd/second.conf cases 2>/dev/null |
    tail -n +2 | grep -c .) || true
show conductctl -f /etc/conductd/second.conf cases || true
check "each database holds its own cases (first: $n1, second: $n2)" \
    sh -c '[ "$1" -ge 2 ] && [ "$2" = 1 ]' sh "${n1:-0}" "${n2:-0}"
check "the journal of $I says 'conductd: started'" sh -c \
    'nsenter -t "$1" -a journalctl -q _SYSTEMD_UNIT="$2" -o cat |
    grep -q "conductd: started$"' sh "$CPID" "$I"
check "systemctl stop conductd@second" \
    show timeout 120 systemctl stop conductd@second
what="$I stopped cleanly: Result=$(uprop $I Result), status"
what="$what $(uprop $I ExecMainStatus)"
check "$what" \
    sh -c '[ "$1" = success ] && [ "$2" = 0 ] && [ "$3" = inactive ]' sh \
    "$(uprop $I Result)" "$(uprop $I ExecMainStatus)" \
    "$(uprop $I ActiveState)"
check "conductd.service still active (running)" running

# ------------------------------------------------------------------ stop
echo "== stop"
check "systemctl stop conductd" show timeout 120 systemctl stop conductd
check "stopped cleanly: Result=$(prop Result), status $(prop ExecMainStatus)" \
    sh -c '[ "$1" = success ] && [ "$2" = 0 ] && [ "$3" = inactive ]' sh \
    "$(prop Result)" "$(prop ExecMainStatus)" "$(prop ActiveState)"
check "the journal says 'conductd: stopping on signal'" \
    [ "$(journal_count 'stopping on signal')" -ge 1 ]

# --------------------------------------------------------------- journal
echo "== journalctl _SYSTEMD_UNIT=conductd.service (PRIORITY MESSAGE)"
journal_prio >"$TB/journal.txt" || true
sed 's/^/  | /' "$TB/journal.txt"
check "journal: 'started' at priority 6 (info)" \
    grep -q '^6 conductd: started$' "$TB/journal.txt"
check "journal: 'reload refused' at priority 4 (warning)" \
    grep -q '^4 conductd: reload refused' "$TB/journal.txt"
check "journal: the refusal's reason (next line) at priority 4 too" \
    grep -q '^4 /etc/conductd/conductd.conf:5: .*poll_interval' \
    "$TB/journal.txt"
check "journal: ExecReload's conductd -n reason at priority 3 (err)" \
    grep -q '^3 /etc/conductd/conductd.conf:5: .*poll_interval' \
    "$TB/journal.txt"
check "journal: the unedited sample's error at priority 3 (err)" \
    grep -q '^3 /etc/conductd/conductd.conf:[0-9]*: .*password_file' \
    "$TB/journal.txt"
check "journal: no line without a priority prefix parsed (<N>)" \
    sh -c '! grep -q "^[0-9] <[0-9]>" "$1"' sh "$TB/journal.txt"
echo "== journalctl -u conductd (systemd's view, last 15 lines)"
show journalctl -q -u conductd --no-pager -n 15 -o short-monotonic || true

# -------------------------------------------------------------- security
for u in conductd.service conductd@second.service; do
	echo "== systemd-analyze security $u"
	show systemd-analyze security --no-pager "$u" >"$TB/security.out" ||
	    true
	grep -E 'Overall exposure' "$TB/security.out" | sed 's/^  | /  /'
	score=$(sed -n \
	    's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
	    "$TB/security.out")
	what="systemd-analyze security $u: exposure ${score:-?} (at most 2.0)"
	check "$what" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
done

echo "# done in $(( $(date +%s) - started )) s"
