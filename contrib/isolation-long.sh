#!/bin/sh
# isolation-long.sh: the long isolation check of issue 11 (Build 7):
# 10,000 randomized scenarios of tests/e2e/t-isolation.sh on one test bed.
# Run from a configured build folder:  ../contrib/isolation-long.sh
# Progress and each leak go to the test's log as they happen
# (build/tests/e2e/t-isolation.log); ISOLATION_DUMP=DIR keeps each leaked
# mail and its scenario there.
# ISOLATION_SEED replays a run; ISOLATION_SKIP=rename,... leaves out the
# scenarios of a hole not yet fixed.  Prints "scenarios: N, leaks: L".
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
ISOLATION_N=${ISOLATION_N:-10000}
export ISOLATION_N
exec make check TESTS="tests/e2e/t-isolation.sh"
