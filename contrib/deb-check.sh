#!/bin/sh
# deb-check.sh [DIR]: the Debian package end to end, on this machine (run
# as root, by contrib/run-tests.sh).  Builds it with contrib/deb-build.sh
# in DIR (default build-ci-deb), runs lintian (no errors allowed; the
# warnings are printed), installs it with apt-get, checks what it
# installed (binaries, man pages, templates, units, sysusers and tmpfiles
# files, the conffile, the user _conductd, the state folder, the unit
# enabled and not started), runs conductd -n on the installed sample,
# then removes (the configuration stays) and purges it (/etc/conductd
# and /var/lib/conductd go, the user stays).  One "PASS: deb: ..." or
# "FAIL: deb: ..." line per check; the last line is "deb: N passed, N
# failed".  Leaves the .deb in DIR for tests/systemd/run.sh.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build-ci-deb}
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS: deb: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: deb: $*"; }
# check WHAT CMD...: a PASS or FAIL line for CMD's exit status.
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else ko "$what"; fi
}
finish() {
	echo "deb: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

if [ "$(id -u)" -ne 0 ]; then
	ko "must run as root (apt-get install)"
	finish
fi
# Another apt or dpkg on the machine holds its lock for a while: wait.
apt="apt-get -o DPkg::Lock::Timeout=300"
# A run cut short leaves its package installed, and says so here.
stamp=/var/cache/conductd-test/deb-check.installed
if dpkg-query -W -f='${Status}' conductd 2>/dev/null | grep -q installed; then
	if [ -f "$stamp" ]; then
		echo "deb: purging the package an earlier run left installed"
		DEBIAN_FRONTEND=noninteractive $apt purge -y -q conductd \
		    >/dev/null 2>&1
	fi
	if dpkg-query -W -f='${Status}' conductd 2>/dev/null |
	    grep -q installed; then
		ko "conductd is already installed here: not touching it"
		finish
	fi
fi

# ---------------------------------------------------------------- build
start=$(date +%s)
if deb=$("$top/contrib/deb-build.sh" "$dir" | tail -1) && [ -f "$deb" ]; then
	ok "dpkg-buildpackage -us -uc -b ($(($(date +%s) - start)) s)"
else
	ko "dpkg-buildpackage -us -uc -b (see $dir/build.log)"
	finish
fi
grep -E '^# (TOTAL|PASS|FAIL):' "$dir/build.log" |
    sed 's/^/deb: make check (unit tests): /'

# -------------------------------------------------------------- lintian
changes=$(ls "$dir"/conductd_*.changes)
lintian --info --display-info "$changes" >"$dir/lintian.out" 2>&1
sed -n 's/^\([EWI]\): /deb: lintian: \1: /p' "$dir/lintian.out"
nerr=$(grep -c '^E: ' "$dir/lintian.out")
nwarn=$(grep -c '^W: ' "$dir/lintian.out")
check "lintian: $nerr errors, $nwarn warnings" [ "$nerr" -eq 0 ]

# --------------------------------------------------------- the contents
ctl="$dir/control"
rm -rf "$ctl"
dpkg-deb -e "$deb" "$ctl"
check "/etc/conductd/conductd.conf is a conffile" \
    grep -qx /etc/conductd/conductd.conf "$ctl/conffiles"

# -------------------------------------------------------------- install
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$(dirname "$stamp")"
: >"$stamp"
if $apt install -y "$deb" >"$dir/install.out" 2>&1; then
	ok "apt-get install -y $(basename "$deb")"
else
	ko "apt-get install -y $(basename "$deb") (see $dir/install.out)"
	tail -20 "$dir/install.out"
	finish
fi
missing=""
for f in /usr/sbin/conductd /usr/sbin/conductctl \
    /usr/share/man/man8/conductd.8.gz /usr/share/man/man8/conductctl.8.gz \
    /usr/share/man/man5/conductd.conf.5.gz \
    /usr/share/conductd/templates/en/ack.txt \
    /usr/share/conductd/templates/en/ack-summary.txt \
    /usr/share/conductd/templates/en/conflict-check.txt \
    /usr/share/conductd/templates/ko/ack.txt \
    /usr/share/conductd/templates/ja/ack.txt \
    /usr/share/conductd/templates/zh/ack.txt \
    /usr/share/conductd/templates/de/ack.txt \
    /usr/share/conductd/templates/es/ack.txt \
    /usr/share/conductd/templates/fr/ack.txt \
    /usr/lib/sysusers.d/conductd.conf /usr/lib/tmpfiles.d/conductd.conf \
    /etc/conductd/conductd.conf; do
	[ -e "$f" ] || missing="$missing $f"
done
unit=$(dpkg -L conductd | grep '/systemd/system/conductd\.service$' | head -1)
[ -n "$unit" ] && [ -f "$unit" ] || missing="$missing conductd.service"
[ -z "$unit" ] || [ -f "${unit%/*}/conductd@.service" ] ||
    missing="$missing conductd@.service"
check "installed files${missing:+, missing:$missing}" [ -z "$missing" ]
[ -z "$unit" ] || check "the unit runs /usr/sbin/conductd -d" \
    grep -q '^ExecStart=/usr/sbin/conductd -d ' "$unit"
check "user _conductd created (sysusers)" \
    sh -c 'getent passwd _conductd >/dev/null'
st=$(stat -c '%U %a' /var/lib/conductd 2>/dev/null)
check "/var/lib/conductd is '_conductd 700' (tmpfiles): '$st'" \
    [ "$st" = "_conductd 700" ]
st=$(stat -c '%U:%G %a' /etc/conductd 2>/dev/null)
check "/etc/conductd is 'root:_conductd 750': '$st'" \
    [ "$st" = "root:_conductd 750" ]
check "conductd.service enabled (multi-user.target.wants)" \
    [ -L /etc/systemd/system/multi-user.target.wants/conductd.service ]
check "conductd@.service (the template) not enabled" \
    sh -c '! ls /etc/systemd/system/*.wants/ 2>/dev/null | grep -q "conductd@"'
# Not started: on a machine booted with systemd, is-active must say so;
# either way the postinst must not have run it.
if [ -d /run/systemd/system ]; then
	check "conductd.service not started" \
	    sh -c '! systemctl -q is-active conductd.service'
else
	check "conductd not started (no process runs /usr/sbin/conductd)" \
	    sh -c '! grep -qsx /usr/sbin/conductd /proc/[0-9]*/cmdline'
fi

# -------------------------------------------------- the installed sample
# The sample names example servers and no member, and its password file
# does not exist: conductd -n must refuse it with a configuration error
# (exit 78) naming the file, not crash.  Filled in with the minimum a
# committee needs (a password file and a lead) and once conductctl init
# made the key, it must pass.
conf=/etc/conductd/conductd.conf
st=0
out=$(conductd -n -f "$conf" 2>&1) || st=$?
echo "deb: conductd -n on the sample as installed (exit $st): $out" |
    head -5
check "conductd -n refuses the unedited sample with exit 78, naming it" \
    sh -c '[ "$1" = 78 ] && printf "%s" "$2" | grep -q "$3"' sh \
    "$st" "$out" "$conf"
install -m 600 -o _conductd -g _conductd /dev/null /etc/conductd/imap.pass
echo "not-a-real-password" >/etc/conductd/imap.pass
cat >>"$conf" <<'EOT'

# deb-check.sh: the minimum for conductd -n.
[member Alice]
email = alice@example.org
role = lead
EOT
# README.Debian's step 3: the key and the database, as root.
st=0
out=$(conductctl init 2>&1) || st=$?
echo "deb: conductctl init (exit $st): $out" | head -5
st=$(stat -c '%U %a' /etc/conductd/conductd.key \
    /var/lib/conductd/conductd.db 2>&1 | paste -sd, -)
check "conductctl init as root: key and database _conductd's, 0600: '$st'" \
    [ "$st" = "_conductd 600,_conductd 600" ]
st=0
out=$(conductd -n -f "$conf" 2>&1) || st=$?
echo "deb: conductd -n on the filled-in sample (exit $st): $out" | head -5
check "conductd -n accepts the sample with a password file, a lead, a key" \
    [ "$st" = 0 ]

# --------------------------------------------------------------- remove
if $apt remove -y conductd >"$dir/remove.out" 2>&1; then
	ok "apt-get remove -y conductd"
else
	ko "apt-get remove -y conductd (see $dir/remove.out)"
fi
check "removed: /usr/sbin/conductd gone" [ ! -e /usr/sbin/conductd ]
check "removed: the edited conffile stays" grep -q deb-check.sh "$conf"
check "removed: dpkg says config-files" sh -c \
    'dpkg-query -W -f="\${Status}" conductd | grep -q config-files'

# ---------------------------------------------------------------- purge
if $apt purge -y conductd >"$dir/purge.out" 2>&1; then
	ok "apt-get purge -y conductd"
	rm -f "$stamp"
else
	ko "apt-get purge -y conductd (see $dir/purge.out)"
fi
check "purged: /etc/conductd gone" [ ! -e /etc/conductd ]
check "purged: /var/lib/conductd gone" [ ! -e /var/lib/conductd ]
check "purged: no statoverride left" \
    sh -c '! dpkg-statoverride --list /etc/conductd >/dev/null'
check "purged: the unit's enable link gone" \
    [ ! -e /etc/systemd/system/multi-user.target.wants/conductd.service ]
check "purged: dpkg knows no conductd" \
    sh -c '! dpkg-query -W -f="\${Status}" conductd 2>/dev/null |
    grep -q installed'
check "purged: user _conductd kept (Debian policy)" \
    sh -c 'getent passwd _conductd >/dev/null'
finish
