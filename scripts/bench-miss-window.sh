#!/usr/bin/env bash
# Issue 13: how often two nodes pulling the same new image d ms apart fetch its layer from upstream only once, with
# and without the settle step that closes the race of simultaneous misses.
#   scripts/bench-miss-window.sh            # 3 repeats per delay
#   BENCH_REPEATS=10 scripts/bench-miss-window.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl e2e -am test -Dspeglar.excludedGroups=none -Dgroups=benchmark -Dtest=MissWindowBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.repeats="${BENCH_REPEATS:-3}" -DtrimStackTrace=false
grep -h '^BENCH' e2e/target/surefire-reports/*MissWindowBenchmark-output.txt
