#!/bin/bash
# make install, the Debian way (issue 12):
# - the configuration is the admin's: a second "make install DESTDIR=..."
#   keeps an edited conductd.conf and puts the sample beside it as
#   conductd.conf.sample; "make uninstall" keeps the edited file too;
# - the units, the sysusers.d and the tmpfiles.d files carry configure's
#   paths and go where systemd reads them: for a --prefix=/usr
#   --sysconfdir=/etc --localstatedir=/var build, systemd.pc's directories
#   and StateDirectory=; for another prefix, the same directories under it
#   and ReadWritePaths= on PREFIX/var/lib/conductd; this build's conductd
#   has that folder as its default state_dir;
# - as root, the tmpfiles.d entry and "conductctl init" make the state
#   folder the service user's, mode 0700, and init gives it the key and
#   the database; as the service user, init works in a folder that is
#   theirs, and says to run it as root in one that is not.
# Needs no mail servers; the last part needs root (it makes the service
# user with useradd --system when it is missing, and removes it after).
set -eu
. "$top_srcdir/tests/e2e/lib.sh"

# The service user must reach the folder: /tmp unless TMPDIR lets it.
base=${TMPDIR:-/tmp}
case "$(stat -L -c %A "$base" 2>/dev/null)" in
*[xt]) ;;
*) base=/tmp ;;
esac
T=$(mktemp -d "$base/conductd-install.XXXXXXXX") || tb_fail "mktemp failed"
chmod 0755 "$T"
MADE_USER=""
t_exit() {
	local rc=$?
	set +e
	if [ -n "$MADE_USER" ]; then
		userdel "$MADE_USER" >/dev/null 2>&1 ||
		    tb_log "userdel $MADE_USER failed"
	fi
	case "$T" in
	*/conductd-install.*) rm -rf "$T" ;;
	esac
	exit "$rc"
}
trap t_exit EXIT

# The make of this test, not the one running the suite.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s "$@"
}

# mkvar DIR VAR: the value of make variable VAR in the build DIR.
mkvar() {
	printf 'cd-print:\n\t@echo $(%s)\n' "$2" |
	    mk -C "$1" -f Makefile -f - cd-print
}

# expect_line FILE LINE: FILE has exactly LINE as one of its lines.
expect_line() {
	grep -q -x -F -- "$2" "$1" ||
	    { sed 's/^/#   /' "$1" >&2; tb_fail "${1#"$T"/}: no line '$2'"; }
}

no_line() {
	! grep -q -E -- "$2" "$1" ||
	    tb_fail "${1#"$T"/}: a line matching '$2'"
}

sample=$top_srcdir/conf/conductd.conf

# ------------------------------------------------ the config is the admin's
root=$T/root
confdir=$root$(mkvar "$top_builddir" confdir)
mk -C "$top_builddir" install DESTDIR="$root" >"$T/install1.out" 2>&1 ||
    { cat "$T/install1.out" >&2; tb_fail "make install DESTDIR"; }
cmp -s "$sample" "$confdir/conductd.conf" ||
    tb_fail "the first make install did not install the sample"
[ ! -e "$confdir/conductd.conf.sample" ] ||
    tb_fail "conductd.conf.sample beside an unedited conductd.conf"
tb_pass "the first make install writes conductd.conf"

printf '\n[member edited]\nemail = edited@example.org\nrole = lead\n' \
    >>"$confdir/conductd.conf"
cp "$confdir/conductd.conf" "$T/edited.conf"
mk -C "$top_builddir" install DESTDIR="$root" >"$T/install2.out" 2>&1 ||
    { cat "$T/install2.out" >&2; tb_fail "second make install DESTDIR"; }
cmp -s "$T/edited.conf" "$confdir/conductd.conf" ||
    tb_fail "the second make install replaced the edited conductd.conf"
cmp -s "$sample" "$confdir/conductd.conf.sample" ||
    tb_fail "no conductd.conf.sample beside the edited conductd.conf"
tb_pass "a second make install keeps the edit, the sample beside it"

for f in conductd.key conductd.db; do
	[ ! -e "$confdir/$f" ] || tb_fail "make install wrote $f"
done
[ -z "$(find "$root" -name 'conductd.key' -o -name 'conductd.db')" ] ||
    tb_fail "make install wrote a key or a database"
tb_pass "make install writes no key and no database"

mk -C "$top_builddir" uninstall DESTDIR="$root" >"$T/uninstall.out" 2>&1 ||
    { cat "$T/uninstall.out" >&2; tb_fail "make uninstall DESTDIR"; }
cmp -s "$T/edited.conf" "$confdir/conductd.conf" ||
    tb_fail "make uninstall removed the edited conductd.conf"
[ ! -e "$confdir/conductd.conf.sample" ] ||
    tb_fail "make uninstall left conductd.conf.sample"
left=$(find "$root" -type f ! -path "$confdir/conductd.conf")
[ -z "$left" ] || tb_fail "make uninstall left: $left"
cp "$sample" "$confdir/conductd.conf"
mk -C "$top_builddir" uninstall DESTDIR="$root" >"$T/uninstall.out" 2>&1 ||
    { cat "$T/uninstall.out" >&2; tb_fail "make uninstall DESTDIR"; }
[ ! -e "$confdir/conductd.conf" ] ||
    tb_fail "make uninstall kept an unedited conductd.conf"
tb_pass "make uninstall keeps an edited conductd.conf, removes the sample"

# ------------------------------------------------ this build's state_dir
statedir=$(mkvar "$top_builddir" statedir)
unit=$top_builddir/contrib/conductd.service
case $(mkvar "$top_builddir" localstatedir) in
/var|/var/)
	expect_line "$unit" "StateDirectory=conductd"
	;;
*)
	expect_line "$unit" "ReadWritePaths=$statedir"
	no_line "$unit" '^StateDirectory'
	;;
esac
grep -q -a -F "$statedir" "$top_builddir/conductd" ||
    tb_fail "conductd's default state_dir is not $statedir"
tb_pass "this build's unit and conductd's default state_dir: $statedir"

# ------------------------------------------------ the units' paths
# configure_in DIR ARGS...: configures this source tree in DIR, and
# installs its data (units, sysusers.d, tmpfiles.d, conductd.conf) in
# DIR/root; nothing is compiled.
configure_in() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    "$top_srcdir/configure" "$@" >configure.out 2>&1) ||
	    { tail -20 "$dir/configure.out" >&2; tb_fail "configure $*"; }
	mk -C "$dir" install-data DESTDIR="$dir/root" >"$dir/install.out" \
	    2>&1 || { cat "$dir/install.out" >&2; tb_fail "install-data"; }
}

if pkg-config --exists systemd 2>/dev/null; then
	sd_unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
	sd_sysusersdir=$(pkg-config --variable=sysusersdir systemd)
	sd_tmpfilesdir=$(pkg-config --variable=tmpfilesdir systemd)
else
	tb_skip "no systemd.pc (Debian: systemd-dev or systemd)"
fi

d=$T/deb
configure_in "$d" --prefix=/usr --sysconfdir=/etc --localstatedir=/var
r=$d/root
u=$r$sd_unitdir/conductd.service
i=$r$sd_unitdir/conductd@.service
s=$r$sd_sysusersdir/conductd.conf
t=$r$sd_tmpfilesdir/conductd.conf
for f in "$u" "$i" "$s" "$t" "$r/etc/conductd/conductd.conf"; do
	[ -f "$f" ] || tb_fail "not installed: ${f#"$r"}"
	no_line "$f" '@[A-Za-z_]+@'
done
expect_line "$u" \
    "ExecStart=/usr/sbin/conductd -d -f /etc/conductd/conductd.conf"
expect_line "$u" \
    "ExecReload=/usr/sbin/conductd -n -f /etc/conductd/conductd.conf"
expect_line "$u" "ExecReload=/bin/sh -c 'kill -HUP \"\$\$MAINPID\"'"
expect_line "$u" "StateDirectory=conductd"
expect_line "$u" "StateDirectoryMode=0700"
expect_line "$u" "User=_conductd"
no_line "$u" '^ReadWritePaths'
expect_line "$i" "ExecStart=/usr/sbin/conductd -d -f /etc/conductd/%i.conf"
expect_line "$i" "ExecReload=/usr/sbin/conductd -n -f /etc/conductd/%i.conf"
expect_line "$i" "StateDirectory=conductd/%i"
expect_line "$s" 'u _conductd - "conductd Code of Conduct alias" /var/lib/conductd'
expect_line "$t" "d /var/lib/conductd 0700 _conductd _conductd -"
tb_pass "--prefix=/usr: ${sd_unitdir}/conductd{,@}.service," \
    "$sd_sysusersdir/conductd.conf, $sd_tmpfilesdir/conductd.conf" \
    "with /usr/sbin, /etc/conductd, /var/lib/conductd"

d=$T/opt
configure_in "$d" --prefix=/opt/conductd --with-user=cd-test
r=$d/root
u=$r/opt/conductd/lib/systemd/system/conductd.service
i=$r/opt/conductd/lib/systemd/system/conductd@.service
s=$r/opt/conductd/lib/sysusers.d/conductd.conf
t=$r/opt/conductd/lib/tmpfiles.d/conductd.conf
for f in "$u" "$i" "$s" "$t" "$r/opt/conductd/etc/conductd/conductd.conf"; do
	[ -f "$f" ] || tb_fail "not installed: ${f#"$r"}"
	no_line "$f" '@[A-Za-z_]+@'
done
o=/opt/conductd
expect_line "$u" "ExecStart=$o/sbin/conductd -d -f $o/etc/conductd/conductd.conf"
expect_line "$u" "ReadWritePaths=/opt/conductd/var/lib/conductd"
expect_line "$i" "ReadWritePaths=/opt/conductd/var/lib/conductd/%i"
expect_line "$u" "User=cd-test"
expect_line "$u" "Group=cd-test"
no_line "$u" '^StateDirectory'
no_line "$i" '^StateDirectory'
expect_line "$s" \
    'u cd-test - "conductd Code of Conduct alias" /opt/conductd/var/lib/conductd'
expect_line "$t" "d /opt/conductd/var/lib/conductd 0700 cd-test cd-test -"
grep -q '^#define CONDUCTD_USER "cd-test"' "$d/autoconf.h" ||
    tb_fail "--with-user=cd-test did not reach autoconf.h"
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|^\(Exec[A-Za-z]*=\)/[^ ]*/conductd |\1$top_builddir/conductd |" \
	    "$u" >"$T/conductd.service"
	systemd-analyze verify --man=no "$T/conductd.service" \
	    >"$T/verify.out" 2>&1 ||
	    { cat "$T/verify.out" >&2; tb_fail "verify the /opt unit"; }
fi
tb_pass "--prefix=/opt/conductd: units, sysusers.d, tmpfiles.d under" \
    "/opt/conductd/lib, ReadWritePaths= on /opt/conductd/var/lib/conductd"

# ------------------------------------------------ first start, as root
[ "$(id -u)" = 0 ] || tb_skip "conductctl init as root: not root"
user=$(mkvar "$top_builddir" CONDUCTD_USER)
if ! getent passwd "$user" >/dev/null; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin "$user" || tb_fail "useradd $user"
	MADE_USER=$user
	tb_log "made the user $user for this test"
fi
group=$(id -gn "$user")

# owner_mode PATH: "user:group mode" of PATH.
owner_mode() {
	stat -c '%U:%G %a' "$1"
}

expect_owned() {
	local got
	got=$(owner_mode "$1")
	[ "$got" = "$user:$group $2" ] ||
	    tb_fail "${1#"$T"/}: $got, expected $user:$group $2"
}

# conf_for DIR KEY: a configuration with state_dir DIR and key_file KEY.
conf_for() {
	sed -e "s|^# state_dir = .*|state_dir = $1|" \
	    -e "s|^# key_file = .*|key_file = $2|" \
	    -e "s|^password_file = .*|password_file = $T/imap.pass|" "$sample"
}
echo secret >"$T/imap.pass"
chmod 600 "$T/imap.pass"
chown "$user:$group" "$T/imap.pass"

# A fresh state_dir whose parents are missing too, a key in a root folder,
# and an admin's umask that would keep the service user out of the parents.
mkdir -m 0755 "$T/etc"
state=$T/var/lib/conductd
conf_for "$state" "$T/etc/conductd.key" >"$T/etc/root.conf"
(umask 077 && "$top_builddir/conductctl" -f "$T/etc/root.conf" init) \
    >"$T/init.out" 2>&1 ||
    { cat "$T/init.out" >&2; tb_fail "conductctl init as root"; }
expect_owned "$state" 700
for p in "$T/var" "$T/var/lib"; do
	[ "$(owner_mode "$p")" = "root:root 755" ] ||
	    tb_fail "${p#"$T"/}: $(owner_mode "$p"), expected root:root 755"
done
expect_owned "$T/etc/conductd.key" 600
expect_owned "$state/conductd.db" 600
for f in "$state"/*; do
	expect_owned "$f" 600
done
grep -q "created, mode 0700, owner $user" "$T/init.out" ||
    { cat "$T/init.out" >&2; tb_fail "init did not say whose the folder is"; }
tb_pass "init as root: state folder $user's, mode 0700; key and database" \
    "$user's, mode 0600"

"$top_builddir/conductctl" -f "$T/etc/root.conf" init >"$T/init2.out" 2>&1 ||
    { cat "$T/init2.out" >&2; tb_fail "a second conductctl init as root"; }
grep -q "exists, kept" "$T/init2.out" || tb_fail "the second init made a key"
expect_owned "$T/etc/conductd.key" 600
expect_owned "$state/conductd.db" 600
runuser -u "$user" -- "$top_builddir/conductctl" -f "$T/etc/root.conf" \
    messages >"$T/messages.out" 2>&1 ||
    { cat "$T/messages.out" >&2; tb_fail "conductctl messages as $user"; }
tb_pass "the service user opens the key and the database init made"

# The tmpfiles.d entry makes the folder; init as the service user in it.
state2=$T/tmpfiles/conductd
mkdir -m 0755 "$T/tmpfiles"
sed "s|^d [^ ]*|d $state2|" "$top_builddir/contrib/tmpfiles/conductd.conf" \
    >"$T/tmpfiles.conf"
if command -v systemd-tmpfiles >/dev/null 2>&1; then
	systemd-tmpfiles --create "$T/tmpfiles.conf" >"$T/tmpfiles.out" 2>&1 ||
	    { cat "$T/tmpfiles.out" >&2; tb_fail "systemd-tmpfiles --create"; }
	expect_owned "$state2" 700
	tb_pass "the tmpfiles.d entry makes the state folder $user's, 0700"
else
	install -d -m 0700 -o "$user" -g "$group" "$state2"
	tb_log "systemd-tmpfiles not installed: the folder made by install -d"
fi
conf_for "$state2" "$state2/conductd.key" >"$T/etc/user.conf"
chmod 644 "$T/etc/user.conf"
runuser -u "$user" -- "$top_builddir/conductctl" -f "$T/etc/user.conf" \
    init >"$T/init3.out" 2>&1 ||
    { cat "$T/init3.out" >&2; tb_fail "conductctl init as $user"; }
expect_owned "$state2/conductd.key" 600
expect_owned "$state2/conductd.db" 600
tb_pass "init as $user in a state folder that is theirs"

# As the service user where the folder cannot be made: run it as root.
conf_for "$T/etc/nope/conductd" "$T/etc/nope.key" >"$T/etc/nope.conf"
st=0
runuser -u "$user" -- "$top_builddir/conductctl" -f "$T/etc/nope.conf" \
    init >"$T/init4.out" 2>&1 || st=$?
[ "$st" = 73 ] || { cat "$T/init4.out" >&2; tb_fail "exit $st, not 73"; }
grep -q "Permission denied (run conductctl init as root" "$T/init4.out" ||
    { cat "$T/init4.out" >&2; tb_fail "no hint to run init as root"; }
[ ! -e "$T/etc/nope.key" ] || tb_fail "a key made where init failed"
tb_pass "init as $user without a folder of theirs says to run it as root"
