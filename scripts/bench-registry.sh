#!/usr/bin/env bash
# Side-by-side registry benchmark on ONE machine, same bytes, same run (fairness rules: docs/benchmarks-registry.md):
#   * 1 GiB blob GET throughput at 8 connections (wrk) and single-stream (curl),
#   * manifest HEAD req/s and p99 latency at 8 connections (hey, DURATION seconds per run),
# for the Speglar agent (oci-layout store, standalone) vs nginx (sendfile, the floor) vs CNCF distribution 2.8
# (the incumbent), plus the agent's RSS sampled during its runs.
# Server processes are pinned to core 0, load generators to core 1. Each server gets its own 127.0.0.x address.
# Not a test: run it last, on an otherwise quiet machine. Needs scripts/install-test-deps.sh.
#
#   scripts/bench-registry.sh              # build the agent, then RUNS=5 x DURATION=10s per measurement
#   SKIP_BUILD=1 RUNS=3 DURATION=5 scripts/bench-registry.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
SERVERS=${SERVERS:-nginx distribution agent}   # subset for trying the harness itself
DURATION=${DURATION:-10}
BLOB_MIB=${BLOB_MIB:-1024}
CONNS=8
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
AGENT_OPTS=${SPEGLAR_JAVA_OPTS:-}
ACCEPT='application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json'

die() { echo "bench-registry: $*" >&2; exit 1; }
for t in wrk hey curl nginx docker-registry skopeo jq sha256sum taskset; do
  command -v "$t" >/dev/null || die "$t missing: run scripts/install-test-deps.sh"
done

WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/bench-registry-XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { # $1 = ip
  python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}
wait_http() { # $1 = url; bounded: 30 s
  for _ in $(seq 1 300); do
    curl -s -o /dev/null -m 1 "$1" && return 0
    sleep 0.1
  done
  return 1
}

# ---- build ---------------------------------------------------------------------------------------------------
if [[ $SERVERS == *agent* ]]; then
  if [[ -z ${SKIP_BUILD:-} ]]; then
    (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl agent/app -am)
  fi
  [[ -f $ROOT/agent/app/target/speglar-agent.jar ]] || die "agent jar missing; build with ./mvnw -DskipTests package"
fi

# ---- the bytes: one image, one ${BLOB_MIB} MiB uncompressed-tar layer, in an OCI layout ----------------------
LAYOUT=$WORK/layout
mkdir -p "$LAYOUT/blobs/sha256" "$WORK/payload"
echo '{"imageLayoutVersion":"1.0.0"}' > "$LAYOUT/oci-layout"
head -c "$((BLOB_MIB * 1024 * 1024))" /dev/urandom > "$WORK/payload/blob.bin"
tar -C "$WORK/payload" -cf "$WORK/layer.tar" blob.bin
rm "$WORK/payload/blob.bin"
put_blob() { # $1 = file -> prints digest hex; moves the file into the layout
  local hex; hex=$(sha256sum "$1" | cut -d' ' -f1); mv "$1" "$LAYOUT/blobs/sha256/$hex"; echo "$hex"
}
LAYER_SIZE=$(stat -c %s "$WORK/layer.tar")
LAYER=$(put_blob "$WORK/layer.tar")
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$LAYER" > "$WORK/config.json"
CONFIG_SIZE=$(stat -c %s "$WORK/config.json")
CONFIG=$(put_blob "$WORK/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
  "$CONFIG" "$CONFIG_SIZE" "$LAYER" "$LAYER_SIZE" > "$WORK/manifest.json"
MANIFEST_SIZE=$(stat -c %s "$WORK/manifest.json")
MANIFEST=$(put_blob "$WORK/manifest.json")
# Two names for one manifest: a bare tag for skopeo, a full reference for the agent's layout store.
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"v1"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"bench.local/bench/big:v1"}}]}' \
  "$MANIFEST" "$MANIFEST_SIZE" "$MANIFEST" "$MANIFEST_SIZE" > "$LAYOUT/index.json"

# ---- servers -------------------------------------------------------------------------------------------------
NGINX_IP=127.0.0.$((200 + RANDOM % 10)); REG_IP=127.0.0.$((210 + RANDOM % 10)); AGENT_IP=127.0.0.$((220 + RANDOM % 10))
NGINX_PORT=$(free_port "$NGINX_IP"); REG_PORT=$(free_port "$REG_IP"); AGENT_PORT=$(free_port "$AGENT_IP")

mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 10000000;
  default_type application/octet-stream;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy; fastcgi_temp_path $WORK/nginx/fcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  server { listen $NGINX_IP:$NGINX_PORT; root $LAYOUT; }
}
EOF
taskset -c "$SERVER_CPU" nginx -e "$WORK/nginx/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)

mkdir -p "$WORK/registry/data"
cat > "$WORK/registry/config.yml" <<EOF
version: 0.1
log: {level: warn, formatter: text, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $WORK/registry/data}
  cache: {blobdescriptor: inmemory}
http: {addr: "$REG_IP:$REG_PORT"}
health: {storagedriver: {enabled: false}}
EOF
taskset -c "$SERVER_CPU" docker-registry serve "$WORK/registry/config.yml" > "$WORK/registry/log" 2>&1 &
PIDS+=($!)

if [[ $SERVERS == *agent* ]]; then
AGENT_ARGS=(registry --registry-addr="$AGENT_IP:$AGENT_PORT" --metrics-addr="$AGENT_IP:$(free_port "$AGENT_IP")"
  --router-addr="$AGENT_IP:$(free_port "$AGENT_IP")" --standalone --store=oci-layout --oci-layout-dir="$LAYOUT"
  --verify-containerd-config=false --log-level=WARN)
SPEGLAR_JAVA_OPTS=$AGENT_OPTS taskset -c "$SERVER_CPU" "$ROOT/bin/speglar-agent" "${AGENT_ARGS[@]}" > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!
PIDS+=($AGENT_PID)
fi

wait_http "http://$NGINX_IP:$NGINX_PORT/oci-layout" || die "nginx did not start: $(cat "$WORK/nginx/error.log")"
wait_http "http://$REG_IP:$REG_PORT/v2/" || die "registry did not start: $(cat "$WORK/registry/log")"
if [[ $SERVERS == *agent* ]]; then
  wait_http "http://$AGENT_IP:$AGENT_PORT/v2/" || die "agent did not start: $(cat "$WORK/agent.log")"
fi
skopeo --insecure-policy copy --quiet --preserve-digests --dest-tls-verify=false "oci:$LAYOUT:v1" "docker://$REG_IP:$REG_PORT/bench/big:v1"

NGINX_URL=http://$NGINX_IP:$NGINX_PORT; REG_URL=http://$REG_IP:$REG_PORT; AGENT_URL=http://$AGENT_IP:$AGENT_PORT
declare -A BLOB_URL=([agent]="$AGENT_URL/v2/bench/big/blobs/sha256:$LAYER?ns=bench.local"
  [nginx]="$NGINX_URL/blobs/sha256/$LAYER" [distribution]="$REG_URL/v2/bench/big/blobs/sha256:$LAYER")
declare -A HEAD_URL=([agent]="$AGENT_URL/v2/bench/big/manifests/v1?ns=bench.local"
  [nginx]="$NGINX_URL/blobs/sha256/$MANIFEST" [distribution]="$REG_URL/v2/bench/big/manifests/v1")

# Sanity: every server returns the same bytes / digest before anything is timed.
for s in $SERVERS; do
  got=$(curl -sf "${BLOB_URL[$s]}" | sha256sum | cut -d' ' -f1) || got="curl failed"
  [[ $got == "$LAYER" ]] || die "$s served a wrong blob ($got)"
  code=$(curl -s -o /dev/null -w '%{http_code}' -I -H "Accept: $ACCEPT" "${HEAD_URL[$s]}") || code="curl failed"
  [[ $code == 200 ]] || die "$s manifest HEAD answered $code"
done
[[ $SERVERS != *agent* ]] || [[ $(curl -sI -H "Accept: $ACCEPT" "${HEAD_URL[agent]}" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}') == "sha256:$MANIFEST" ]] \
  || die "agent HEAD returned a wrong Docker-Content-Digest"

# ---- RSS sampler (agent), every 100 ms while measurements run -----------------------------------------------
rss_kib() { awk '/^VmRSS/{print $2}' "/proc/${AGENT_PID:-0}/status" 2>/dev/null || echo 0; }
RSS_IDLE=$(rss_kib)
echo 0 > "$WORK/rss.txt"
if [[ -n ${AGENT_PID:-} ]]; then
  ( while kill -0 "$AGENT_PID" 2>/dev/null; do rss_kib; sleep 0.1; done ) >> "$WORK/rss.txt" &
  PIDS+=($!)
fi

client() { taskset -c "$CLIENT_CPU" "$@"; }
median() { sort -g | awk '{a[NR]=$1} END{if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {print (a[NR/2]+a[NR/2+1])/2}}'; }
to_mib() { # wrk "Transfer/sec: 2.31GB" -> MiB/s
  awk '/Transfer\/sec/{v=$2; u=substr(v,length(v)-1); n=substr(v,1,length(v)-2);
       if(u=="GB")n*=1024; else if(u=="KB")n/=1024; else if(u!="MB"){n=substr(v,1,length(v)-1)/1048576} printf "%.0f\n", n}'
}

echo "# load before: $(cat /proc/loadavg)"
declare -A R
for s in $SERVERS; do
  : > "$WORK/$s.blob"; : > "$WORK/$s.curl"; : > "$WORK/$s.rps"; : > "$WORK/$s.p99"
  client curl -s -o /dev/null "${BLOB_URL[$s]}"   # warm page cache and JIT
  for _ in $(seq 1 "$RUNS"); do
    client wrk -t2 -c$CONNS -d"${DURATION}s" "${BLOB_URL[$s]}" | to_mib >> "$WORK/$s.blob"
    client curl -s -o /dev/null -w '%{speed_download}\n' "${BLOB_URL[$s]}" | awk '{printf "%.0f\n", $1/1048576}' >> "$WORK/$s.curl"
  done
  client hey -n 2000 -c $CONNS -m HEAD -H "Accept: $ACCEPT" "${HEAD_URL[$s]}" > /dev/null   # warm-up
  for _ in $(seq 1 "$RUNS"); do
    client hey -z "${DURATION}s" -c $CONNS -m HEAD -H "Accept: $ACCEPT" "${HEAD_URL[$s]}" > "$WORK/hey.out"
    awk '/Status code distribution/{f=1; next} f && /\[[0-9]+\]/{ok += /\[200\]/ ? 1 : 0; bad += /\[200\]/ ? 0 : 1}
         /Error distribution/{bad++} END{exit (ok == 1 && bad == 0) ? 0 : 1}' "$WORK/hey.out" \
      || { cat "$WORK/hey.out" >&2; die "$s: HEAD answered something other than 200"; }
    awk '/Requests\/sec/{printf "%.0f\n", $2}' "$WORK/hey.out" >> "$WORK/$s.rps"
    awk '/ 99% in /{printf "%.3f\n", $3*1000}' "$WORK/hey.out" >> "$WORK/$s.p99"
  done
  R[$s.blob]=$(median < "$WORK/$s.blob"); R[$s.curl]=$(median < "$WORK/$s.curl")
  R[$s.rps]=$(median < "$WORK/$s.rps"); R[$s.p99]=$(median < "$WORK/$s.p99")
  R[$s.blobruns]=$(paste -sd' ' "$WORK/$s.blob"); R[$s.rpsruns]=$(paste -sd' ' "$WORK/$s.rps")
done
RSS_MAX=$(sort -n "$WORK/rss.txt" | tail -1)
echo "# load after: $(cat /proc/loadavg)"

printf '\n| server | blob GET c=8 MiB/s (median; runs) | blob single-stream MiB/s | manifest HEAD c=8 req/s (median; runs) | HEAD p99 ms |\n|---|---|---|---|---|\n'
for s in $SERVERS; do
  printf '| %s | %s (%s) | %s | %s (%s) | %s |\n' "$s" "${R[$s.blob]}" "${R[$s.blobruns]}" "${R[$s.curl]}" "${R[$s.rps]}" "${R[$s.rpsruns]}" "${R[$s.p99]}"
done
[[ $SERVERS == *agent* ]] || exit 0
printf '\nagent RSS: idle %d MiB, max during runs %d MiB\n' $((RSS_IDLE / 1024)) $((RSS_MAX / 1024))
[[ $SERVERS == *nginx* && $SERVERS == *distribution* ]] || exit 0
awk -v a="${R[agent.blob]}" -v n="${R[nginx.blob]}" -v ar="${R[agent.rps]}" -v dr="${R[distribution.rps]}" \
    -v p="${R[agent.p99]}" -v rss="$((RSS_MAX / 1024))" 'BEGIN{
  printf "blob agent/nginx = %.2f (target >= 0.95): %s\n", a/n, (a/n>=0.95?"PASS":"FAIL");
  printf "HEAD agent/distribution = %.1fx (target >= 10x): %s\n", ar/dr, (ar/dr>=10?"PASS":"FAIL");
  printf "HEAD agent p99 = %.2f ms (target < 2 ms): %s\n", p, (p<2?"PASS":"FAIL");
  printf "agent RSS max = %d MiB (target <= 96 MiB): %s\n", rss, (rss<=96?"PASS":"FAIL") }'
