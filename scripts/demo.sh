#!/usr/bin/env bash
# The demo: three Speglar nodes on loopback (127.0.0.11-13). Node 1 holds a generated image in its embedded OCI-layout
# store; nodes 2 and 3 hold nothing. A real client (skopeo) pulls the image through node 3, which finds node 1 in the
# DHT and streams the content from it. The pulled digest must equal the generated one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=${SPEGLAR_DEMO_DIR:-$(mktemp -d /tmp/speglar-demo.XXXXXX)}
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if ! command -v skopeo >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  echo "== installing skopeo and curl (the demo's client)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends skopeo curl >/dev/null
fi
if [ ! -f agent/app/target/speglar-agent.jar ]; then
  echo "== building (./mvnw -q -DskipTests package)"
  ./mvnw -q -B -DskipTests package
fi

echo "== generating a test image into node 1's OCI layout store"
for n in 1 2 3; do mkdir -p "$WORK/node$n/layout" "$WORK/node$n/data"; done
# SPEGLAR_DEMO_LAYER_SIZE (bytes of random data in the layer, default 4 MiB): the agents stream any size in bounded
# memory, e.g. SPEGLAR_DEMO_LAYER_SIZE=500000000 ./scripts/demo.sh
DIGEST=$(bin/speglar-agent demo-image --out "$WORK/node1/layout" --name docker.io/library/speglar-demo:1.0 \
  --layer-size "${SPEGLAR_DEMO_LAYER_SIZE:-4194304}" 2>"$WORK/demo-image.log") || { cat "$WORK/demo-image.log"; exit 1; }
for n in 2 3; do
  printf '{"imageLayoutVersion":"1.0.0"}' > "$WORK/node$n/layout/oci-layout"
  printf '{"schemaVersion":2,"manifests":[]}' > "$WORK/node$n/layout/index.json"
done
echo "   manifest $DIGEST"

start() { # n
  local ip=127.0.0.1$1
  bin/speglar-agent registry --store=oci-layout \
    --oci-layout-dir "$WORK/node$1/layout" --data-dir "$WORK/node$1/data" \
    --registry-addr "$ip:5000" --router-addr "$ip:5001" --metrics-addr "$ip:9090" \
    --bootstrap-kind static --static-bootstrap-peers /ip4/127.0.0.11/tcp/5001 \
    --mirror-resolve-timeout 200ms >"$WORK/node$1/agent.log" 2>&1 &
  PIDS+=($!)
}
echo "== starting three agents"
for n in 1 2 3; do start $n; done
for n in 1 2 3; do
  for i in $(seq 1 150); do
    curl -fsS "http://127.0.0.1$n:5000/readyz" >/dev/null 2>&1 && break
    [ "$i" = 150 ] && { echo "node $n did not become ready; log:"; tail -20 "$WORK/node$n/agent.log"; exit 1; }
    sleep 0.2
  done
  echo "   node $n ready on 127.0.0.1$n:5000"
done

echo "== pulling docker.io/library/speglar-demo:1.0 through node 3 (which does not hold it)"
for i in $(seq 1 50); do
  if skopeo copy -q --src-tls-verify=false docker://127.0.0.13:5000/library/speglar-demo:1.0 "oci:$WORK/pulled:1.0" 2>"$WORK/skopeo.err"; then break; fi
  [ "$i" = 50 ] && { cat "$WORK/skopeo.err"; exit 1; }
  sleep 0.2 # node 1's advertisements may still be propagating
done
GOT=$(skopeo inspect --raw "oci:$WORK/pulled:1.0" | sha256sum | cut -d' ' -f1)
echo "   pulled manifest sha256:$GOT"
[ "sha256:$GOT" = "$DIGEST" ] || { echo "DIGEST MISMATCH"; exit 1; }
echo "== node 3 metrics"
curl -fsS http://127.0.0.13:9090/metrics | grep '^spegel_mirror_requests_total' || true
echo "OK: the image was served peer-to-peer from node 1 through node 3"
