#!/bin/sh
# Builds conductd twice, plainly and with AddressSanitizer and
# UndefinedBehaviorSanitizer, runs the whole suite (unit and end-to-end
# tests against real Dovecot and Postfix) in each, runs every fuzz target
# for a minute in a clang fuzzing build (make fuzz-smoke), builds and
# checks the Debian package (contrib/deb-check.sh) and runs it under a
# real systemd (tests/systemd/run.sh), checks that the distribution
# tarball builds and passes (make distcheck), and ends with one line:
# "N passed, N failed".  Run as root on Debian 12.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" -eq 0 ]; then
	contrib/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
fi
jobs=$(nproc 2>/dev/null || echo 2)
./autogen.sh >/dev/null 2>&1 || { echo "autogen failed"; echo "0 passed, 1 failed"; exit 1; }

pass=0
fail=0

# Counts the results automake's test driver left in the .trs files.
tally() {
	for trs in $(find "$1" -name '*.trs'); do
		r=$(sed -n 's/^:test-result: //p' "$trs")
		name=${trs#"$1"/}
		case "$r" in
		PASS|XFAIL) pass=$((pass + 1)) ;;
		*)
			# A skip counts as a failure here: CI must run it all.
			fail=$((fail + 1))
			echo "$2: $r: ${name%.trs}"
			;;
		esac
	done
}

# The lines of a test log that say why it failed.
why='(^|: )FAIL|^ERROR|^not ok|ERROR: AddressSanitizer|runtime error'

for variant in plain asan; do
	dir="$top/build-ci-$variant"
	rm -rf "$dir"
	mkdir -p "$dir"
	flags="--enable-werror"
	[ "$variant" = asan ] && flags="$flags --enable-asan"
	echo "== $variant build ($flags)"
	if ! (cd "$dir" && ../configure $flags >configure.out 2>&1 &&
	    make -j"$jobs" >make.out 2>&1); then
		echo "$variant: build FAILED (see $dir/make.out)"
		tail -30 "$dir/make.out" 2>/dev/null
		fail=$((fail + 1))
		continue
	fi
	(cd "$dir" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    make -j"$jobs" check >check.out 2>&1)
	grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS):' "$dir/check.out"
	for log in $(grep -lE '^:test-result: (FAIL|ERROR|XPASS)' \
	    $(find "$dir" -name '*.trs') 2>/dev/null); do
		echo "---- ${log%.trs}.log"
		# The reason first: the tail is mostly server logs.
		grep -E "$why" "${log%.trs}.log" | head -10
		echo "---- (last lines)"
		tail -40 "${log%.trs}.log"
	done
	tally "$dir" "$variant"
done

# Fuzzing: a clang build with libFuzzer coverage, ASan and UBSan on the
# whole library, every target 60 s on a copy of its seeds (make
# fuzz-smoke, two at a time: about 5 minutes); one result per target.
echo "== fuzz build (CC=clang --enable-fuzzing) and make fuzz-smoke"
dir="$top/build-ci-fuzz"
rm -rf "$dir"
mkdir -p "$dir"
if (cd "$dir" && ../configure CC=clang --enable-fuzzing >configure.out 2>&1 &&
    make -j"$jobs" >make.out 2>&1); then
	(cd "$dir" && make -s fuzz-smoke FUZZ_JOBS="$jobs" >fuzz.out 2>&1)
	grep -vE '^fuzz: [0-9]+ passed' "$dir/fuzz.out" |
	    grep -E '^(PASS|FAIL|    |fuzz: )'
	p=$(grep -c '^PASS: fuzz-' "$dir/fuzz.out")
	f=$(grep -c '^FAIL: fuzz-' "$dir/fuzz.out")
	if [ $((p + f)) -eq 0 ]; then
		echo "fuzz: make fuzz-smoke FAILED (see $dir/fuzz.out)"
		tail -20 "$dir/fuzz.out"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
else
	echo "fuzz: build FAILED (see $dir/configure.out, $dir/make.out)"
	tail -30 "$dir/configure.out" "$dir/make.out" 2>/dev/null
	fail=$((fail + 1))
fi

# The layout Debian admins expect, from a build configured like a package.
echo "== make install DESTDIR (Debian layout)"
dir="$top/build-ci-install"
dest="$dir/root"
rm -rf "$dir"
mkdir -p "$dir"
missing=""
if (cd "$dir" && ../configure --prefix=/usr --sysconfdir=/etc \
    --localstatedir=/var >configure.out 2>&1 && make -j"$jobs" >make.out 2>&1 &&
    make install DESTDIR="$dest" >install.out 2>&1); then
	for f in usr/sbin/conductd usr/sbin/conductctl etc/conductd/conductd.conf \
	    usr/share/conductd/templates/en/ack.txt \
	    usr/share/conductd/templates/en/ack-summary.txt \
	    usr/share/conductd/templates/en/conflict-check.txt \
	    usr/share/conductd/templates/ko/ack.txt \
	    usr/share/conductd/templates/ja/ack.txt \
	    usr/share/conductd/templates/zh/ack.txt \
	    usr/share/conductd/templates/de/ack.txt \
	    usr/share/conductd/templates/es/ack.txt \
	    usr/share/conductd/templates/fr/ack.txt \
	    usr/share/man/man8/conductd.8 usr/share/man/man8/conductctl.8 \
	    usr/share/man/man5/conductd.conf.5 \
	    usr/lib/sysusers.d/conductd.conf usr/lib/tmpfiles.d/conductd.conf; do
		[ -e "$dest/$f" ] || missing="$missing $f"
	done
	unit=$(find "$dest" -name conductd.service | head -1)
	[ -n "$unit" ] || missing="$missing conductd.service"
	[ -n "$(find "$dest" -name 'conductd@.service')" ] ||
	    missing="$missing conductd@.service"
	[ -z "$unit" ] || grep -q '^ExecStart=/usr/sbin/conductd' "$unit" ||
	    missing="$missing ExecStart=/usr/sbin/conductd"
else
	missing="(build or install failed: see $dir)"
fi
if [ -z "$missing" ]; then
	pass=$((pass + 1))
	echo "PASS: install layout"
else
	fail=$((fail + 1))
	echo "FAIL: install layout, missing:$missing"
fi

# The Debian package (build, lintian, install, conductd -n, remove,
# purge), then the package under a real systemd in a booted container.
# Each prints PASS:, XFAIL: or FAIL: lines, counted here.
count_lines() {
	p=$(grep -cE '^(PASS|XFAIL): ' "$1")
	f=$(grep -cE '^FAIL: ' "$1")
	[ $((p + f)) -gt 0 ] || f=1
	pass=$((pass + p))
	fail=$((fail + f))
}
echo "== Debian package (contrib/deb-check.sh)"
start=$(date +%s)
mkdir -p "$top/build-ci-deb" "$top/build-ci-systemd"
sh contrib/deb-check.sh "$top/build-ci-deb" 2>&1 |
    tee "$top/build-ci-deb/check.out"
count_lines "$top/build-ci-deb/check.out"
echo "deb: $(($(date +%s) - start)) s"
echo "== under systemd (tests/systemd/run.sh)"
start=$(date +%s)
deb=$(ls "$top"/build-ci-deb/conductd_*.deb 2>/dev/null | tail -1)
bash tests/systemd/run.sh $deb 2>&1 |
    tee "$top/build-ci-systemd/run.out"
count_lines "$top/build-ci-systemd/run.out"
echo "systemd: $(($(date +%s) - start)) s"

echo "== make distcheck"
if (cd "$top/build-ci-plain" && make -j"$jobs" distcheck \
    >distcheck.out 2>&1); then
	pass=$((pass + 1))
	echo "PASS: distcheck"
else
	fail=$((fail + 1))
	echo "FAIL: distcheck (see build-ci-plain/distcheck.out)"
	# Which tests failed, and the end of each one's log, for the record.
	grep -E '^(FAIL|ERROR):' "$top/build-ci-plain/distcheck.out" || true
	for log in $(grep -E '^(FAIL|ERROR):' \
	    "$top/build-ci-plain/distcheck.out" | sed 's/^[A-Z]*: //'); do
		f=$(find "$top/build-ci-plain" -path "*_build*" \
		    -name "$(basename "${log%.sh}").log" | head -1)
		[ -n "$f" ] || continue
		echo "== $log"
		grep -E '^(FAIL|not ok)' "$f" | head -5
		tail -15 "$f"
	done
	tail -30 "$top/build-ci-plain/distcheck.out"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
