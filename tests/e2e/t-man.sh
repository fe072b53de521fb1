#!/bin/bash
# The man pages are clean under mandoc -Tlint and document every
# conductctl verb and crash point (the config keys are checked by
# test-config, which walks the option table).
set -eu
. "$top_srcdir/tests/e2e/lib.sh"
man="$top_srcdir/man"

out=$(mandoc -Tlint -W style "$man/conductd.8" "$man/conductd.conf.5" \
    "$man/conductctl.8" 2>&1 |
    grep -v -e 'referenced manual not found' -e 'mandoc.db' || true)
[ -z "$out" ] || tb_fail "mandoc -Tlint: $out"
tb_pass "mandoc -Tlint is clean"

verbs=$("$top_builddir/conductctl" 2>&1 | awk '/^verbs:/ { v = 1; next } v { print $1 }' || true)
[ -n "$verbs" ] || tb_fail "conductctl printed no verbs"
for v in $verbs; do
	grep -q "^\.It Cm $v\( \|$\)" "$man/conductctl.8" ||
	    tb_fail "conductctl verb '$v' is missing from conductctl.8"
done
tb_pass "every conductctl verb is in conductctl.8: $(echo $verbs)"

for opt in -d -n -f --once --crash-points --help --version; do
	grep -q "^\.It Fl ${opt#-}" "$man/conductd.8" ||
	    tb_fail "conductd option $opt is missing from conductd.8"
done
tb_pass "every conductd option is in conductd.8"

# The list under CONDUCTD_CRASH_AT names every crash point of the table.
points=$("$top_builddir/conductd" --crash-points | cut -f 1)
[ -n "$points" ] || tb_fail "conductd --crash-points printed no points"
for p in $points; do
	grep -Eq "^\.(Pq )?Dq $p( |$)" "$man/conductd.8" ||
	    tb_fail "crash point '$p' is missing from conductd.8"
done
tb_pass "every crash point is in conductd.8: $(echo $points | wc -w)"
