#!/bin/bash
# Randomized isolation scenarios (issue 11, Build 7): one test bed, many
# random committees and reports, every member's mailbox read over IMAP;
# tests/e2e/isolation.py is the driver and the leak oracle.  CI runs
# ISOLATION_N (default 200); the long check is contrib/isolation-long.sh
# (ISOLATION_N=10000).  ISOLATION_SEED replays a run; ISOLATION_SKIP
# (comma list: rename, digest, conflict, recuse, or a report category such as
# prose-name) leaves out scenarios for holes not yet fixed; unfixed main
# needs ISOLATION_SKIP=rename,digest.
set -eu -o pipefail
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
# isolation.py moves the clock to a Monday 09:30 for the digest.
tb_ini_set "$CONF" committee digest_day monday
tb_ini_set "$CONF" committee digest_hour 9
cp "$CONF" "$CONF.base"
export CONF CONDUCTD CONDUCTCTL TB TB_IMAP_PORT TB_SMTP_PORT TB_DOMAIN
st=0
/usr/bin/python3 "$top_srcdir/tests/e2e/isolation.py" | tee "$TB/isolation.out" ||
    st=$?
case "$st" in
0) ;;
1) tb_fail "leaks found (see the leak: lines above)" ;;
*) tb_fail "the driver failed (exit $st; see the traceback above)" ;;
esac
tb_pass "$(tail -1 "$TB/isolation.out")"
