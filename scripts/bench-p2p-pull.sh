#!/usr/bin/env bash
# Issue 4 benchmark: containerd pulling a ~1 GiB, 4-layer image through a peer (node 2's agent -> node 1) vs directly
# from the distribution registry, same run, alternating; plus the agents' peak RSS during the peer pulls.
#   scripts/bench-p2p-pull.sh                 # 1 GiB, 3 runs
#   BENCH_BYTES=268435456 BENCH_RUNS=1 scripts/bench-p2p-pull.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests package
./mvnw -q -B -pl e2e -am test -Dspeglar.excludedGroups=none -Dgroups=benchmark -Dtest=PeerPullBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.bytes="${BENCH_BYTES:-1073741824}" -Dbench.runs="${BENCH_RUNS:-3}" \
  -DtrimStackTrace=false
grep -h '^BENCH' e2e/target/surefire-reports/*PeerPullBenchmark-output.txt
