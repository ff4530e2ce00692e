#!/usr/bin/env bash
# One training run of the agent for its AOT cache: a registry over an OCI layout on loopback with its P2P node up
# (static bootstrap without peers: identity, libp2p listener, DHT, as a node of a cluster starts; --standalone would
# leave those classes out of the cache), asked what containerd asks (readyz, manifest by tag and digest, HEAD, blob) and
# scraped, then stopped with SIGTERM (the JVM writes the cache on exit). Used by packages.sh; loopback only, bounded
# waits.
#   aot-train-agent.sh AGENT_LAUNCHER OCI_LAYOUT_DIR DATA_DIR
set -euo pipefail
AGENT=$1 CONTENT=$2 DATA=$3
for attempt in 1 2 3 4 5; do
  PORT=$((20000 + RANDOM % 20000))
  "$AGENT" registry --bootstrap-kind=static --router-addr=127.0.0.1:$((PORT + 2)) --store=oci-layout \
    --oci-layout-dir="$CONTENT" --data-dir="$DATA" --registry-addr=127.0.0.1:$PORT \
    --metrics-addr=127.0.0.1:$((PORT + 1)) >/dev/null &
  PID=$!
  ok=
  for _ in $(seq 1 300); do
    # (/readyz can answer before the metrics listener is bound: wait for both)
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null \
      && curl -fsS -o /dev/null "http://127.0.0.1:$((PORT + 1))/metrics" 2>/dev/null; then ok=1; break; fi
    kill -0 $PID 2>/dev/null || break
    sleep 0.1
  done
  if [ -n "$ok" ]; then break; fi
  kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true
  [ "$attempt" = 5 ] && { echo "aot-train-agent: agent did not become ready" >&2; exit 1; }
done
B=http://127.0.0.1:$PORT/v2/library/speglar-demo
for _ in 1 2 3; do
  DIGEST=$(curl -fsS -D - -o /dev/null "$B/manifests/1.0" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')
  curl -fsS -I -o /dev/null "$B/manifests/$DIGEST"
  LAYER=$(curl -fsS "$B/manifests/$DIGEST" | grep -o '"layers":\[{[^}]*' | grep -o 'sha256:[0-9a-f]\{64\}' | head -1)
  curl -fsS -o /dev/null "$B/blobs/$LAYER"
  curl -sS -o /dev/null "$B/manifests/missing" || true
  curl -fsS -o /dev/null "http://127.0.0.1:$((PORT + 1))/metrics"
done
kill -TERM $PID
wait $PID || true
