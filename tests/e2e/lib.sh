# lib.sh - the hermetic mail test bed for conductd's end-to-end tests.
#
# Sourced by tests/e2e/t-*.sh (run with bash).  tb_init makes a fresh temp
# dir $TB; tb_start writes Dovecot 2.3 and Postfix 3.7 configs under it and
# starts both on free loopback ports; an EXIT trap stops exactly the
# processes started here (by process group, after checking that the PID
# still belongs to this test bed) and removes $TB.  Nothing in /etc or /var
# is read or written and nothing leaves the machine.  Needs root (Postfix's
# master refuses to run otherwise); mail is stored as the package's dovecot
# user, logins run as dovenull.
#
# API (see each function): tb_init tb_start tb_cleanup tb_skip tb_fail
# tb_pass tb_log tb_password tb_send tb_send_file tb_imap_count tb_imap_uids
# tb_imap_fetch tb_imap_wait_count tb_wait_for tb_conductd_conf tb_ini_set
# tb_stop_dovecot tb_start_dovecot tb_stop_postfix tb_start_postfix
# Exports: TB TB_DOMAIN TB_USERS TB_IMAP_PORT TB_IMAPS_PORT TB_SMTP_PORT
# TB_SUBMISSION_PORT TB_SUBMISSIONS_PORT TB_CA TB_WRONG_CA top_srcdir
# top_builddir.  Settings: TB_TIMEOUT (seconds, default 20), TB_KEEP=1.

# Sourced by a POSIX sh (automake's default SH_LOG_COMPILER): rerun the
# test with bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
if [ -z "${top_builddir:-}" ]; then
	if [ -x "$top_srcdir/build/conductd" ]; then
		top_builddir=$top_srcdir/build
	else
		top_builddir=$top_srcdir
	fi
fi
export top_srcdir top_builddir

TB_DOMAIN=example.test
TB_USERS="conduct alice bob carol dave erin lead1 lead2 backup1 reporter1
m1 m2 m3 m4 m5 m6 m7 m8
reporter2 outsider sink"
TB_USERS=$(echo $TB_USERS)
: "${TB_TIMEOUT:=20}"
: "${TB_KEEP:=0}"
export TB_DOMAIN TB_USERS TB_TIMEOUT
TB=${TB:-}
TB_POSTFIX_MASTER=/usr/lib/postfix/sbin/master

# ---------------------------------------------------------------- reporting

tb_log()
{
	printf '# %s\n' "$*"
}

tb_pass()
{
	printf 'ok - %s\n' "$*"
}

tb_skip()
{
	printf 'SKIP: %s\n' "$*"
	exit 77
}

# Show the last lines of the servers' logs (to stderr).
tb__log_tails()
{
	local f
	[ -n "$TB" ] && [ -d "$TB" ] || return 0
	for f in "$TB/dovecot.log" "$TB/dovecot.out" "$TB/postfix/maillog" \
	    "$TB/postfix.out" "$TB/swaks.log"; do
		[ -s "$f" ] || continue
		printf '# --- last lines of %s\n' "$f"
		tail -n "${TB_TAIL_LINES:-25}" "$f" | sed 's/^/#   /'
	done >&2
}

# Print MSG to stderr and fail the test (exit 1).  Called from a command
# substitution or another subshell, it also makes the test script itself
# exit 1 (through the USR1 trap set by tb_init), so a failure can't be
# swallowed by "$(...)".
tb_fail()
{
	printf 'FAIL: %s\n' "$*" >&2
	if [ "${BASH_SUBSHELL:-0}" -gt 0 ] && [ -n "${TB_MAIN_PID:-}" ]; then
		kill -USR1 "$TB_MAIN_PID" 2>/dev/null
	else
		tb__log_tails
	fi
	exit 1
}

# ------------------------------------------------------------------ helpers

# Milliseconds since the epoch.
tb__now_ms()
{
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		echo $((t / 1000))
	else
		echo $(($(date +%s%N) / 1000000))
	fi
}

tb_password()
{
	printf 'pw-%s\n' "$1"
}

# tb_wait_for CMD [ARGS...]: run CMD every 0.2 s until it succeeds; fail the
# test after $TB_TIMEOUT seconds.
tb_wait_for()
{
	local deadline=$(($(tb__now_ms) + TB_TIMEOUT * 1000))
	while :; do
		if "$@"; then
			return 0
		fi
		if [ "$(tb__now_ms)" -ge "$deadline" ]; then
			tb_fail "timed out after ${TB_TIMEOUT}s waiting for: $*"
		fi
		sleep 0.2
	done
}

# Is PID a live (not zombie) process?
tb__alive()
{
	local st
	[ -r "/proc/$1/stat" ] || return 1
	{ read -r st < "/proc/$1/stat"; } 2>/dev/null || return 1
	st=${st##*) }
	case "${st%% *}" in
	Z|X|x|"") return 1 ;;
	esac
	return 0
}

# Does PID still belong to this test bed (its command line names $TB)?
tb__ours()
{
	local cmd
	cmd=$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null) || return 1
	case "$cmd" in
	*"$TB/"*) return 0 ;;
	esac
	return 1
}

# Is PID the leader of its own process group (as setsid makes it)?
tb__leader()
{
	local st rest
	{ read -r st < "/proc/$1/stat"; } 2>/dev/null || return 1
	rest=${st##*) }
	set -- $1 $rest
	[ "$4" = "$1" ]
}

# Is any live process in process group PGID?
tb__group_alive()
{
	local f st rest
	for f in /proc/[0-9]*/stat; do
		{ read -r st < "$f"; } 2>/dev/null || continue
		rest=${st##*) }
		# rest: state ppid pgrp ...
		set -- $rest
		if [ "${3:-}" = "$PGID_WANTED" ]; then
			case "$1" in
			Z|X|x) ;;
			*) return 0 ;;
			esac
		fi
	done
	return 1
}

tb__wait_group_gone()
{
	local pgid=$1 ms=$2 deadline
	deadline=$(($(tb__now_ms) + ms))
	while PGID_WANTED=$pgid tb__group_alive; do
		[ "$(tb__now_ms)" -ge "$deadline" ] && return 1
		sleep 0.02
	done
	return 0
}

# Stop the server whose master PID is in $TB/NAME.pid by signalling its
# process group; wait until the group is gone.
tb__stop()
{
	local name=$1 pidf="$TB/$1.pid" pid
	[ -f "$pidf" ] || return 0
	pid=$(tr -dc '0-9' < "$pidf")
	rm -f "$pidf"
	[ -n "$pid" ] || return 0
	if tb__alive "$pid" && ! tb__ours "$pid"; then
		tb_log "not stopping PID $pid: it no longer belongs to $TB"
		return 0
	fi
	if ! tb__alive "$pid"; then
		# The master is gone; stop its children only if they still run
		# in its group (a group ID can't be reused while it has
		# members).
		PGID_WANTED=$pid tb__group_alive || return 0
	fi
	kill -TERM -- "-$pid" 2>/dev/null
	# Most of the time the group is gone in ~20 ms, but Dovecot's anvil
	# sometimes lingers for seconds (the master waits for it): after a
	# grace period, kill what is left.  Mail was written by processes
	# that have gone by then.
	if ! tb__wait_group_gone "$pid" "${TB_STOP_GRACE_MS:-500}"; then
		kill -KILL -- "-$pid" 2>/dev/null
		tb__wait_group_gone "$pid" 3000 ||
		    tb_log "$name: process group $pid still alive"
	fi
}

# Ports handed out to the test beds of this machine, one directory per
# port holding its owner's "PID TB".  Test beds run in parallel (make -j
# check): without this, one restarting its Dovecot could find its port
# taken by another that saw it free in between.
TB_PORT_REGISTRY=${TB_PORT_REGISTRY:-/tmp/conductd-tb-ports}

# Is the registry entry for port P stale (its test bed gone)?
tb__port_stale()
{
	local pid dir
	read -r pid dir < "$TB_PORT_REGISTRY/$1/owner" 2>/dev/null || return 0
	[ -d "$dir" ] && tb__alive "$pid" && return 1
	return 0
}

# Pick a random free TCP port on 127.0.0.1, below the ephemeral range so
# client connections can't take it, not in $TB_PORTS_TAKEN, and not held
# by another test bed; reserve it in the registry until tb_cleanup.
tb__pick_port()
{
	local lo=20000 hi=32000 eph p i reg=$TB_PORT_REGISTRY
	eph=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null ||
	    echo 32768)
	[ "$eph" -gt 25000 ] 2>/dev/null && hi=$((eph - 1))
	mkdir -p "$reg" && chmod 0700 "$reg" || tb_fail "cannot create $reg"
	exec 9> "$reg/.lock"
	flock -w 30 9 || tb_fail "cannot lock $reg/.lock"
	for i in $(seq 200); do
		p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo)))
		case " $TB_PORTS_TAKEN " in *" $p "*) continue ;; esac
		if [ -d "$reg/$p" ]; then
			tb__port_stale "$p" || continue
			rm -rf "$reg/$p"
		fi
		tb__port_listening "$p" && continue
		mkdir "$reg/$p" && echo "$TB_MAIN_PID $TB" > "$reg/$p/owner" ||
		    continue
		exec 9>&-
		echo "$p"
		return 0
	done
	exec 9>&-
	tb_fail "no free port found"
}

# tb__take_port VAR: picks a port into VAR and adds it to $TB_PORTS_TAKEN,
# which tb__release_ports gives back.
tb__take_port()
{
	local p
	p=$(tb__pick_port) || exit 1
	printf -v "$1" '%s' "$p"
	TB_PORTS_TAKEN="$TB_PORTS_TAKEN $p"
}

# Give back the ports this test bed reserved.
tb__release_ports()
{
	local p pid dir
	for p in ${TB_PORTS_TAKEN:-}; do
		read -r pid dir < "$TB_PORT_REGISTRY/$p/owner" 2>/dev/null ||
		    continue
		[ "$pid" = "$TB_MAIN_PID" ] && [ "$dir" = "$TB" ] &&
		    rm -rf "$TB_PORT_REGISTRY/$p"
	done
}

# Do all of PORTS listen on 127.0.0.1?
tb__port_listening()
{
	local out p
	if command -v ss >/dev/null 2>&1; then
		out=" $(ss -Hltn 2>/dev/null | awk '{ print $4 }' | tr '\n' ' ')"
		for p in "$@"; do
			case "$out" in
			*" 127.0.0.1:$p "*|*" 0.0.0.0:$p "*|*" *:$p "*) ;;
			*) return 1 ;;
			esac
		done
	else
		for p in "$@"; do
			(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || return 1
		done
	fi
	return 0
}

# Set the mtime of FILES 5 seconds into the past, so Postfix doesn't wait
# for "freshly written" files to settle.
tb__backdate()
{
	touch -d "@$(($(date +%s) - 5))" "$@"
}

# --------------------------------------------------------------- tb_init

tb_init()
{
	local base
	[ "$(id -u)" = 0 ] || tb_skip "the mail test bed needs root (Postfix)"
	for c in openssl swaks curl setsid dovecot; do
		command -v "$c" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
		command -v "$c" >/dev/null 2>&1 || tb_skip "$c not installed"
	done
	[ -x "$TB_POSTFIX_MASTER" ] || tb_skip "postfix not installed"
	[ -d /usr/lib/dovecot/modules ] && [ -x /usr/lib/dovecot/lmtp ] ||
	    tb_skip "dovecot-lmtpd not installed"
	[ -x /usr/lib/dovecot/imap ] || tb_skip "dovecot-imapd not installed"
	for u in dovecot dovenull postfix; do
		id "$u" >/dev/null 2>&1 || tb_skip "user $u missing"
	done
	getent group postdrop >/dev/null || tb_skip "group postdrop missing"

	# Unix socket paths must stay short (108 bytes).
	base=${TMPDIR:-/tmp}
	[ ${#base} -gt 40 ] && base=/tmp
	# ... and be reachable by the postfix and dovecot users.
	case "$(stat -L -c %A "$base" 2>/dev/null)" in
	*[xt]) ;;
	*) base=/tmp ;;
	esac
	TB=$(mktemp -d "$base/conductd-tb.XXXXXXXX") || tb_fail "mktemp failed"
	chmod 0755 "$TB"
	export TB
	TB_MAIN_PID=$$
	# Ports and state of an outer test bed may be in the environment.
	unset TB_IMAP_PORT TB_IMAPS_PORT TB_SMTP_PORT TB_SUBMISSION_PORT \
	    TB_SUBMISSIONS_PORT TB_CA TB_WRONG_CA TB_DOVECOT_STARTED \
	    TB_POSTFIX_STARTED
	# Without job control "setsid CMD &" execs CMD in a new session
	# without forking, so $! is the server's PID and its group.
	set +m
	TB_PORTS_TAKEN=
	trap tb_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'tb__log_tails; exit 1' USR1
}

tb_cleanup()
{
	local rc=$?
	set +e
	trap - EXIT
	[ -n "${TB:-}" ] && [ -d "$TB" ] || return 0
	tb__stop dovecot
	tb__stop postfix
	tb__release_ports
	if [ "$TB_KEEP" = 1 ]; then
		tb_log "kept test bed in $TB"
	else
		case "$TB" in
		*/conductd-tb.*) rm -rf "$TB" ;;
		esac
	fi
	return $rc
}

# -------------------------------------------------------------------- TLS

tb__make_tls()
{
	local d="$TB/tls" o
	mkdir -p "$d"
	cat > "$d/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[srv_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	o="openssl"
	(
		set -e
		cd "$d"
		umask 077
		for ca in ca wrong-ca; do
			$o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			    -out $ca.key
			# Both CAs share one name: only the signature tells them
			# apart.
			$o req -new -x509 -config openssl.cnf -extensions ca_ext \
			    -key $ca.key -subj "/O=conductd test bed/CN=Test CA" \
			    -days 3 -out $ca.crt
		done
		$o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		    -out server.key
		$o req -new -config openssl.cnf -key server.key \
		    -subj "/CN=localhost" -out server.csr
		$o x509 -req -in server.csr -CA ca.crt -CAkey ca.key \
		    -set_serial "0x$($o rand -hex 8)" -days 3 \
		    -extfile openssl.cnf -extensions srv_ext -out server.crt
		$o genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 \
		    -out dh.pem
		chmod 0644 ca.crt wrong-ca.crt server.crt dh.pem
	) > "$d/openssl.log" 2>&1 || {
		cat "$d/openssl.log" >&2
		tb_fail "making the test bed's certificates failed"
	}
	TB_CA=$d/ca.crt
	TB_WRONG_CA=$d/wrong-ca.crt
	export TB_CA TB_WRONG_CA
}

# ---------------------------------------------------------------- Dovecot

tb__write_dovecot_conf()
{
	local uid gid
	uid=$(id -u dovecot)
	gid=$(id -g dovecot)
	cat > "$TB/dovecot.conf" <<EOF
# Dovecot test bed for conductd ($TB); generated by tests/e2e/lib.sh.
instance_name = tb-${TB##*.}
base_dir = $TB/dovecot/run
state_dir = $TB/dovecot/state
log_path = $TB/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
last_valid_gid = $gid
shutdown_clients = yes

ssl = yes
ssl_cert = <$TB/tls/server.crt
ssl_key = <$TB/tls/server.key
ssl_dh = <$TB/tls/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
# Tests of wrong passwords need not wait (default 2 s).
auth_failure_delay = 0

mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
postmaster_address = postmaster@$TB_DOMAIN

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Ln $TB/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%Ln $TB/dovecot/users
  default_fields = uid=dovecot gid=dovecot home=$TB/mail/%Ln
}

namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Trash {
    special_use = \\Trash
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $TB_IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $TB_IMAPS_PORT
    ssl = yes
  }
  process_min_avail = 1
}
# No auth penalty (up to 15 s per login from an IP after a failed one): a
# test of a wrong password must not slow the logins after it.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
protocol imap {
  mail_max_userip_connections = 200
}
protocol lmtp {
  auth_username_format = %Ln
}
EOF
}

tb__write_users()
{
	local u
	mkdir -p "$TB/dovecot" "$TB/mail"
	chown dovecot:dovecot "$TB/mail"
	chmod 0755 "$TB/dovecot" "$TB/mail"
	for u in $TB_USERS; do
		printf '%s:{PLAIN}pw-%s::::::\n' "$u" "$u"
	done > "$TB/dovecot/users"
	chown root:dovecot "$TB/dovecot/users"
	chmod 0640 "$TB/dovecot/users"
}

# Does Dovecot answer a LOGIN (its login and auth processes are up)?
tb__imap_ready()
{
	curl -s --max-time 5 --user sink:pw-sink \
	    "imap://127.0.0.1:$TB_IMAP_PORT/" -X NOOP > /dev/null 2>&1
}

# Start Dovecot with the written config; returns 2 if a port was taken.
tb__launch_dovecot()
{
	local pid deadline
	# A stale master.pid (PID maybe reused) would block the start; the
	# sockets of a stopped Dovecot stay behind and would pass the
	# readiness check below before the new one made them.
	rm -f "$TB/dovecot/run/master.pid"
	[ -d "$TB/dovecot/run" ] &&
	    find "$TB/dovecot/run" -maxdepth 1 -type s -delete
	TB_MARK=$TB setsid dovecot -F -c "$TB/dovecot.conf" \
	    >> "$TB/dovecot.out" 2>&1 < /dev/null &
	pid=$!
	echo "$pid" > "$TB/dovecot.pid"
	deadline=$(($(tb__now_ms) + 10000))
	while :; do
		if tb__port_listening "$TB_IMAP_PORT" "$TB_IMAPS_PORT" &&
		    [ -S "$TB/dovecot/run/lmtp" ] &&
		    [ -S "$TB/dovecot/run/auth-postfix" ] &&
		    tb__imap_ready; then
			tb__leader "$pid" ||
			    tb_fail "dovecot (PID $pid) is not a group leader"
			return 0
		fi
		if ! tb__alive "$pid"; then
			wait "$pid" 2>/dev/null
			rm -f "$TB/dovecot.pid"
			if grep -q 'Address already in use' \
			    "$TB/dovecot.log" "$TB/dovecot.out" 2>/dev/null; then
				return 2
			fi
			tb_fail "dovecot exited during start-up"
		fi
		[ "$(tb__now_ms)" -ge "$deadline" ] &&
		    tb_fail "dovecot did not listen within 10 s"
		sleep 0.01
	done
}

tb_start_dovecot()
{
	local try rc
	[ -f "$TB/dovecot.pid" ] && tb_fail "dovecot is already running"
	for try in 1 2 3 4 5 6 7 8; do
		if [ -z "${TB_IMAP_PORT:-}" ]; then
			tb__take_port TB_IMAP_PORT
			tb__take_port TB_IMAPS_PORT
			tb__write_dovecot_conf
		fi
		rc=0
		tb__launch_dovecot || rc=$?
		[ "$rc" = 0 ] && break
		# Another process took a port between our check and the bind.
		# Keep the ports of a restart: tests expect them unchanged.
		tb_log "dovecot: a port was taken; retrying"
		mv "$TB/dovecot.log" "$TB/dovecot.log.bind$try" 2>/dev/null
		[ -n "${TB_DOVECOT_STARTED:-}" ] && sleep 0.2 ||
		    TB_IMAP_PORT=
	done
	[ "$rc" = 0 ] || tb_fail "dovecot: could not bind its ports"
	TB_DOVECOT_STARTED=1
	export TB_IMAP_PORT TB_IMAPS_PORT
}

tb_stop_dovecot()
{
	tb__stop dovecot
}

# ---------------------------------------------------------------- Postfix

tb__write_postfix_conf()
{
	local c="$TB/postfix/conf" u
	mkdir -p "$c"
	cat > "$c/main.cf" <<EOF
# Postfix test bed for conductd ($TB); generated by tests/e2e/lib.sh.
compatibility_level = 3.6
queue_directory = $TB/postfix/spool
data_directory = $TB/postfix/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.$TB_DOMAIN
mydomain = $TB_DOMAIN
myorigin = $TB_DOMAIN
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = $TB/postfix/maillog
maillog_file_prefixes = $TB
biff = no
alias_maps =
alias_database =
smtputf8_enable = no
# Treat every client as remote: keep headers as sent (no address
# rewriting, no added Date, Message-ID or From).
local_header_rewrite_clients =
always_add_missing_headers = no

# Nothing leaves the machine.
smtp_dns_support_level = disabled
default_transport = error:the test bed delivers nothing outside
relay_transport = error:the test bed delivers nothing outside
local_transport = error:the test bed has no local delivery
relay_domains =

# example.test is delivered to Dovecot over LMTP; every other recipient
# is rewritten to sink@example.test.
virtual_alias_domains =
virtual_alias_maps = regexp:$c/catchall
virtual_mailbox_domains = $TB_DOMAIN
virtual_mailbox_maps = texthash:$c/vmailbox
virtual_transport = lmtp:unix:$TB/dovecot/run/lmtp
recipient_delimiter = +

# TLS offered everywhere; SMTP AUTH (submission ports) against Dovecot.
smtpd_tls_cert_file = $TB/tls/server.crt
smtpd_tls_key_file = $TB/tls/server.key
smtpd_tls_security_level = may
smtpd_tls_session_cache_database =
smtp_tls_security_level = none
smtpd_sasl_type = dovecot
smtpd_sasl_path = $TB/dovecot/run/auth-postfix
smtpd_sasl_auth_enable = no
message_size_limit = 52428800

# Be fast: retry deferred mail (say while Dovecot is down) every few
# seconds, and don't slow down clients after errors.  Not faster: with a
# 1 s backoff a deferred message is due at once, the queue scan can find
# it while the LMTP client still holds its lock, and qmgr then logs
# "skipped, still being delivered" and puts it off for 60 s.
queue_run_delay = 1s
minimal_backoff_time = 3s
maximal_backoff_time = 4s
lmtp_connect_timeout = 5s
smtpd_error_sleep_time = 0
in_flow_delay = 0
smtpd_client_connection_count_limit = 0
EOF
	# TB_AUTH_RESULTS=1: the server writes its own Authentication-Results
	# (authserv-id mail.$TB_DOMAIN) above its Received header, as a
	# milter would: dmarc=none for a client saying HELO unauth.test,
	# nothing for one saying HELO noar.test (a milter that is down),
	# else dmarc=pass for the From domain $TB_DOMAIN.  Only Postfix's
	# own Received header matches, never one inside the message.
	if [ -n "${TB_AUTH_RESULTS:-}" ]; then
		echo "header_checks = regexp:$c/header_checks" >>"$c/main.cf"
		cat > "$c/header_checks" <<EOF
/^Received: from noar\.test \(localhost / DUNNO
/^Received: from unauth\.test \(localhost \[127\.0\.0\.1\]\)[[:space:]]+by mail\.$TB_DOMAIN \(Postfix\)/ PREPEND Authentication-Results: mail.$TB_DOMAIN; dmarc=none header.from=$TB_DOMAIN
/^Received: from [^[:space:]]+ \(localhost \[127\.0\.0\.1\]\)[[:space:]]+by mail\.$TB_DOMAIN \(Postfix\)/ PREPEND Authentication-Results: mail.$TB_DOMAIN; dmarc=pass header.from=$TB_DOMAIN
EOF
	fi
	cat > "$c/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$TB_SMTP_PORT inet n - n - - smtpd
127.0.0.1:$TB_SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$TB_SUBMISSIONS_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submissions
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	printf '!/@%s$/ sink@%s\n' "${TB_DOMAIN//./\\.}" "$TB_DOMAIN" \
	    > "$c/catchall"
	for u in $TB_USERS; do
		printf '%s@%s ok\n' "$u" "$TB_DOMAIN"
	done > "$c/vmailbox"
	tb__backdate "$c"/*
}

# The queue folders, with the owners /etc/postfix/postfix-files lists
# ("postfix check" would do this but costs ~2 s).
tb__make_postfix_dirs()
{
	local q="$TB/postfix/spool" d dirs=
	for d in active bounce corrupt defer deferred flush hold incoming \
	    private saved trace maildrop public; do
		dirs="$dirs $q/$d"
	done
	mkdir -p "$q/pid" "$TB/postfix/data" $dirs
	chown postfix "$TB/postfix/data" $dirs
	chmod 0700 "$TB/postfix/data" $dirs
	chgrp postdrop "$q/maildrop" "$q/public"
	chmod 0730 "$q/maildrop"
	chmod 0710 "$q/public"
	chmod 0755 "$TB/postfix" "$q" "$q/pid"
}

tb__launch_postfix()
{
	local pid deadline
	MAIL_CONFIG=$TB/postfix/conf TB_MARK=$TB setsid \
	    "$TB_POSTFIX_MASTER" -c "$TB/postfix/conf" -s \
	    >> "$TB/postfix.out" 2>&1 < /dev/null &
	pid=$!
	echo "$pid" > "$TB/postfix.pid"
	deadline=$(($(tb__now_ms) + 10000))
	while :; do
		if tb__port_listening "$TB_SMTP_PORT" "$TB_SUBMISSION_PORT" \
		    "$TB_SUBMISSIONS_PORT"; then
			tb__leader "$pid" ||
			    tb_fail "postfix (PID $pid) is not a group leader"
			return 0
		fi
		if ! tb__alive "$pid"; then
			wait "$pid" 2>/dev/null
			rm -f "$TB/postfix.pid"
			if grep -q 'Address already in use' \
			    "$TB/postfix/maillog" "$TB/postfix.out" 2>/dev/null
			then
				return 2
			fi
			tb_fail "postfix master exited during start-up"
		fi
		[ "$(tb__now_ms)" -ge "$deadline" ] &&
		    tb_fail "postfix did not listen within 10 s"
		sleep 0.01
	done
}

tb_start_postfix()
{
	local try rc
	[ -f "$TB/postfix.pid" ] && tb_fail "postfix is already running"
	for try in 1 2 3 4 5 6 7 8; do
		if [ -z "${TB_SMTP_PORT:-}" ]; then
			tb__take_port TB_SMTP_PORT
			tb__take_port TB_SUBMISSION_PORT
			tb__take_port TB_SUBMISSIONS_PORT
			tb__write_postfix_conf
		fi
		rc=0
		tb__launch_postfix || rc=$?
		[ "$rc" = 0 ] && break
		tb_log "postfix: a port was taken; retrying"
		mv "$TB/postfix/maillog" "$TB/postfix/maillog.bind$try" \
		    2>/dev/null
		[ -n "${TB_POSTFIX_STARTED:-}" ] && sleep 0.2 ||
		    TB_SMTP_PORT=
	done
	[ "$rc" = 0 ] || tb_fail "postfix: could not bind its ports"
	TB_POSTFIX_STARTED=1
	export TB_SMTP_PORT TB_SUBMISSION_PORT TB_SUBMISSIONS_PORT
}

tb_stop_postfix()
{
	tb__stop postfix
}

# tb_start: certificates, configs, then Dovecot and Postfix.
tb_start()
{
	[ -n "$TB" ] && [ -d "$TB" ] || tb_fail "tb_start before tb_init"
	tb__make_tls
	tb__write_users
	tb__make_postfix_dirs
	tb_start_dovecot
	tb_start_postfix
}

# ------------------------------------------------------------- SMTP (swaks)

tb__swaks()
{
	local out rc=0
	{
		printf '=== swaks %s\n' "$*"
		swaks --server 127.0.0.1 --helo tb.example.test \
		    --timeout 30 "$@" 2>&1 || rc=$?
	} >> "$TB/swaks.log"
	return $rc
}

# tb_send FROM TO [swaks args...]: send a message to the SMTP port.
tb_send()
{
	local from=$1 to=$2
	shift 2
	tb__swaks --port "$TB_SMTP_PORT" --from "$from" --to "$to" "$@" ||
	    tb_fail "tb_send $from -> $to failed (see $TB/swaks.log)"
}

# tb_send_file FROM TO FILE [swaks args...]: send FILE byte for byte as the
# message (lines end in CRLF on the wire; swaks changes nothing).
tb_send_file()
{
	local from=$1 to=$2 file=$3 data
	shift 3
	[ -r "$file" ] || tb_fail "tb_send_file: cannot read $file"
	data=$(mktemp "$TB/data.XXXXXX")
	# CRLF line ends, dot-stuffing, and the closing dot without its line
	# end (swaks adds it): what swaks does itself, minus its header and
	# token rewriting.
	awk '{ sub(/\r$/, ""); if (substr($0, 1, 1) == ".") $0 = "." $0;
	    printf "%s\r\n", $0 } END { printf "." }' "$file" > "$data"
	tb__swaks --port "$TB_SMTP_PORT" --from "$from" --to "$to" \
	    --no-data-fixup --data "@$data" "$@" ||
	    tb_fail "tb_send_file $file: $from -> $to failed (see $TB/swaks.log)"
	rm -f "$data"
}

# ------------------------------------------------------------- IMAP (curl)

# Percent-encode S for a URL path.
tb__urlencode()
{
	local LC_ALL=C s=$1 i c out=
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case "$c" in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# S as an IMAP quoted string.
tb__imap_quote()
{
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

# tb__curl_imap USER MAILBOX-OR-EMPTY [curl args]: one IMAP session.
tb__curl_imap()
{
	local user=$1 mbox=$2
	shift 2
	curl -sS --max-time 30 --user "$user:$(tb_password "$user")" \
	    "imap://127.0.0.1:$TB_IMAP_PORT/$(tb__urlencode "$mbox")" "$@"
}

# Print the message count of MAILBOX, or return 1 (message on stderr).  A
# mailbox that doesn't exist (or can't be selected) has 0 messages.
tb__imap_count()
{
	local user=$1 mbox=$2 out n
	if out=$(tb__curl_imap "$user" "" \
	    -X "STATUS $(tb__imap_quote "$mbox") (MESSAGES)" 2>&1); then
		n=$(printf '%s\n' "$out" | tr -d '\r' |
		    sed -n 's/^\* STATUS .*(MESSAGES \([0-9][0-9]*\))$/\1/p')
		[ -n "$n" ] && { echo "$n"; return 0; }
		echo "no STATUS in: $out" >&2
		return 1
	fi
	# STATUS failed: 0 if there is no such mailbox to select.
	if out=$(tb__curl_imap "$user" "" \
	    -X "LIST \"\" $(tb__imap_quote "$mbox")" 2>&1); then
		case "$out" in
		*"\\Noselect"*|*"\\NonExistent"*|"") echo 0; return 0 ;;
		esac
	fi
	echo "IMAP STATUS $mbox as $user failed: $out" >&2
	return 1
}

# tb_imap_count USER MAILBOX: print the number of messages in MAILBOX.
tb_imap_count()
{
	tb__imap_count "$1" "$2" || tb_fail "tb_imap_count $1 $2 failed"
}

# tb_imap_uids USER MAILBOX: print the UIDs in MAILBOX, one a line.
tb_imap_uids()
{
	local out
	out=$(tb__curl_imap "$1" "$2" -X 'UID SEARCH ALL' 2>&1) ||
	    tb_fail "tb_imap_uids $1 $2: $out"
	printf '%s\n' "$out" | tr -d '\r' | sed -n 's/^\* SEARCH//p' |
	    tr ' ' '\n' | sed '/^$/d'
}

# tb_imap_fetch USER MAILBOX UID: print the raw message as stored (CRLF
# line ends) without setting \Seen: EXAMINE and BODY.PEEK[] over bash's
# /dev/tcp, since curl can't peek and drops literal lines from the output
# of custom commands.
tb_imap_fetch()
{
	local user=$1 mbox=$2 uid=$3 f n line
	f=$(mktemp "$TB/fetch.XXXXXX")
	(
		exec 3<>"/dev/tcp/127.0.0.1/$TB_IMAP_PORT" || exit 1
		printf 'a LOGIN %s %s\r\nb EXAMINE %s\r\n' \
		    "$(tb__imap_quote "$user")" \
		    "$(tb__imap_quote "$(tb_password "$user")")" \
		    "$(tb__imap_quote "$mbox")" >&3
		printf 'c UID FETCH %s (BODY.PEEK[])\r\nd LOGOUT\r\n' \
		    "$uid" >&3
		timeout 30 cat <&3
	) > "$f" 2>&1 || tb_fail "tb_imap_fetch $user $mbox $uid: IMAP failed"
	# "* N FETCH (UID u BODY[] {len}" CRLF, then len bytes.
	line=$(grep -n -a -m 1 \
	    '^\* [0-9]* FETCH (.*BODY\[\] {[0-9]*}'$'\r''$' "$f") || line=
	if [ -z "$line" ]; then
		tr -d '\r' < "$f" | grep -v '^\* ' | sed 's/^/#   /' >&2
		tb_fail "tb_imap_fetch $user $mbox $uid: no such message"
	fi
	n=${line##*\{}
	n=${n%\}*}
	tail -n +"$((${line%%:*} + 1))" "$f" | head -c "$n"
	rm -f "$f"
}

# tb_imap_wait_count USER MAILBOX N TIMEOUT: wait until MAILBOX holds at
# least N messages.
tb_imap_wait_count()
{
	local user=$1 mbox=$2 want=$3 t=${4:-$TB_TIMEOUT} n deadline
	deadline=$(($(tb__now_ms) + t * 1000))
	while :; do
		n=$(tb__imap_count "$user" "$mbox" 2>/dev/null) || n=
		[ -n "$n" ] && [ "$n" -ge "$want" ] && return 0
		if [ "$(tb__now_ms)" -ge "$deadline" ]; then
			tb_fail "$user's $mbox holds ${n:-?} messages," \
			    "not $want, after ${t}s"
		fi
		sleep 0.2
	done
}

# ------------------------------------------------------- conductd config

# tb_conductd_conf PATH TLSMODE [LINE...]: write a conductd config for the
# test bed; TLSMODE is tls, starttls or none.  LINEs are appended at the end
# (in [committee]); use tb_ini_set to put a key in another section.
tb_conductd_conf()
{
	local path=$1 mode=$2 iport sport
	shift 2
	case "$mode" in
	tls) iport=$TB_IMAPS_PORT; sport=$TB_SUBMISSIONS_PORT ;;
	starttls|none) iport=$TB_IMAP_PORT; sport=$TB_SUBMISSION_PORT ;;
	*) tb_fail "tb_conductd_conf: bad TLS mode '$mode'" ;;
	esac
	mkdir -p "$TB/state"
	chmod 0700 "$TB/state"
	(umask 077; tb_password conduct > "$TB/conduct.pass")
	chmod 0600 "$TB/conduct.pass"
	{
		cat <<EOF
[daemon]
state_dir = $TB/state
key_file = $TB/state/conductd.key
poll_interval = 30
log_level = debug

[imap]
host = 127.0.0.1
port = $iport
tls = $mode
ca_file = $TB_CA
user = conduct
password_file = $TB/conduct.pass
mailbox = INBOX
processed_mailbox = Processed

[smtp]
host = 127.0.0.1
port = $sport
tls = $mode
ca_file = $TB_CA
user = conduct
password_file = $TB/conduct.pass

[committee]
name = Example Conduct Committee
alias = conduct@$TB_DOMAIN
delimiter = +
tag = CoC
EOF
		# The weekly digest three days from the test's start, not at
		# its default Monday 09:00, when a test run may well be going;
		# a test of the digest sets its own with tb_ini_set.
		echo "digest_day = $(date -d '+3 days' +%A | tr 'A-Z' 'a-z')"
		echo "digest_hour = $(date +%-H)"
		if [ $# -gt 0 ]; then
			printf '%s\n' "$@"
		fi
	} > "$path" || tb_fail "tb_conductd_conf: cannot write $path"
}

# tb_ini_set PATH SECTION KEY VALUE: set KEY in [SECTION] (replacing the
# first existing KEY there), adding the key or section if missing.
tb_ini_set()
{
	local path=$1 tmp
	tmp=$(mktemp "$path.XXXXXX")
	TB_S=$2 TB_K=$3 TB_V=$4 awk '
	function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
	function emit() { print ENVIRON["TB_K"] " = " ENVIRON["TB_V"]; done = 1 }
	/^[ \t]*\[/ {
		if (in_s && !done) {
			# insert before the blank lines that end the section
			emit(); for (i = 0; i < blanks; i++) print ""; blanks = 0
		}
		name = $0; sub(/^[ \t]*\[/, "", name); sub(/\].*$/, "", name)
		in_s = (trim(name) == ENVIRON["TB_S"])
	}
	in_s && !done && /^[ \t]*$/ { blanks++; next }
	{ for (i = 0; i < blanks; i++) print ""; blanks = 0 }
	in_s && !done && /=/ {
		k = $0; sub(/=.*$/, "", k)
		if (trim(k) == ENVIRON["TB_K"]) { emit(); next }
	}
	{ print }
	END {
		if (in_s && !done) emit()
		for (i = 0; i < blanks; i++) print ""
		if (!done) { print ""; print "[" ENVIRON["TB_S"] "]"; emit() }
	}' "$path" > "$tmp" || tb_fail "tb_ini_set $path failed"
	chmod --reference="$path" "$tmp" 2>/dev/null
	mv "$tmp" "$path"
}
