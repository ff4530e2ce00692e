#!/usr/bin/env bash
# Issue 14 benchmark: manifest HEAD latency on a keep-alive connection and the agent's RSS, before and while 8,000
# silent/half-sent connections are held, with the listener guards on (defaults) and off, same run, alternating.
#   scripts/bench-listener-flood.sh                  # 2 runs of 2,000 requests per phase
#   BENCH_RUNS=3 BENCH_REQUESTS=5000 scripts/bench-listener-flood.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl e2e -am test -Dspeglar.excludedGroups=none -Dgroups=benchmark -Dtest=ListenerFloodBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.runs="${BENCH_RUNS:-2}" -Dbench.requests="${BENCH_REQUESTS:-2000}"
grep -h '^BENCH' e2e/target/surefire-reports/*ListenerFloodBenchmark-output.txt
