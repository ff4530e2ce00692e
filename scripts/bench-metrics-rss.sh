#!/bin/bash
# RSS of an idle agent (bin/speglar-agent, its JVM options) at start and after 200 /metrics scrapes: what the
# exported metrics cost. Loopback only. Build first: ./mvnw -q -DskipTests package
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
IP=${IP:-127.0.0.201}
PORT=${PORT:-19391}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
"$ROOT/bin/speglar-agent" demo-image --out "$D/layout" --layer-size 100000 >/dev/null 2>&1
"$ROOT/bin/speglar-agent" registry --store=oci-layout --oci-layout-dir="$D/layout" --registry-addr=$IP:0 \
  --router-addr=$IP:0 --metrics-addr=$IP:$PORT --bootstrap-kind=static 2>"$D/log" &
PID=$!
for _ in $(seq 1 100); do curl -sf "http://$IP:$PORT/metrics" >/dev/null && break; sleep 0.1; done
JPID=$(pgrep -P $PID java || echo $PID)
r0=$(awk '/VmRSS/{print $2}' /proc/$JPID/status)
for _ in $(seq 1 200); do curl -sf "http://$IP:$PORT/metrics" >/dev/null; done
r1=$(awk '/VmRSS/{print $2}' /proc/$JPID/status)
lines=$(curl -sf "http://$IP:$PORT/metrics" | wc -l)
kill -TERM $PID; wait $PID || true
echo "rss_start_kib=$r0 rss_after_200_scrapes_kib=$r1 metrics_lines=$lines"
