#!/usr/bin/env bash
# Issue 13 memory check: the agent process (bin/speglar-agent) serving four peer streams of a 256 MiB layer that its
# containerd is still pulling over a 32 MiB/s upstream link; prints the agent's idle and peak RSS. Target: <= 96 MiB.
#   scripts/bench-inflight-rss.sh
#   BENCH_BYTES=536870912 BENCH_LINK=67108864 scripts/bench-inflight-rss.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests package
./mvnw -q -B -pl e2e -am test -Dspeglar.excludedGroups=none -Dgroups=benchmark -Dtest=InFlightRssBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.bytes="${BENCH_BYTES:-268435456}" \
  -Dbench.link="${BENCH_LINK:-33554432}" -DtrimStackTrace=false
grep -h '^BENCH' e2e/target/surefire-reports/*InFlightRssBenchmark-output.txt
