#!/bin/sh
# Installs, from Debian 12's packages, everything conductd needs to build,
# to run its whole test suite and its demo: the -dev libraries, the
# autotools, and the real mail servers of the test bed (Dovecot, Postfix);
# clang and its compiler-rt (libclang-rt-dev: libclang_rt.fuzzer, only
# recommended by clang, so --no-install-recommends would leave it out)
# for the fuzzing build; debhelper and lintian for the Debian package,
# debootstrap and systemd-container (systemd-nspawn) for its test under
# a booted systemd (tests/systemd/run.sh); isync (mbsync) and time for
# the benchmarks (tests/bench, `make bench`; python3 makes their mail);
# libexttextcat and its data for the report's language (src/lang.c);
# GPGME, GnuPG and its agent for OpenPGP (src/pgp.c), and mutt (with
# script from bsdutils) to read encrypted mail as a member does.
# Run as root.  Safe to run again.
set -eu

PACKAGES="build-essential autoconf automake pkg-config dpkg-dev
libetpan-dev libcurl4-gnutls-dev libsqlite3-dev libsodium-dev libinih-dev
libgnutls28-dev libxml2-dev libexttextcat-dev libexttextcat-data
libgpgme-dev gnupg gpg-agent mutt bsdutils
dovecot-core dovecot-imapd dovecot-lmtpd postfix
swaks libnet-ssleay-perl libio-socket-ssl-perl curl openssl
mandoc sqlite3 binutils iproute2 procps
systemd libsystemd-dev
clang libclang-rt-dev
debhelper lintian debootstrap systemd-container
isync time python3"

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (apt-get install)" >&2
	exit 1
fi

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

export DEBIAN_FRONTEND=noninteractive
# Postfix must not write a system configuration: the test bed brings its own.
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
