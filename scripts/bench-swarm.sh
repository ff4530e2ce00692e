#!/usr/bin/env bash
# Issue 13 benchmark: a swarm of containerd nodes pulls one new image at the same time.
#
# Topology, all inside network namespaces this script creates (and always deletes on exit):
#   <P>h   hub: bridge br0
#   <P>u   upstream: docker-registry on 10.231.0.254:5000, egress capped by tc tbf (SWARM_RATE)
#   <P>nI  node I: eth0 10.231.0.(10+I), its own containerd (own config/root/state/socket) and, in mirror modes,
#          its own agent (bin/speglar-agent) on :5000 (registry) / :5001 (router); hosts.toml points at it.
# Modes: none (containerd straight to upstream), off (Speglar, --in-flight-sharing=false), on (Speglar, =true).
# Per run and mode: phase 1, node 0 pulls alone (T_alone); phase 2, N fresh nodes start `ctr images pull` within
# one second (SWARM_STAGGER_MS apart): T_all = first start to last finish, upstream bytes = tx bytes of the
# upstream's eth0, in units of the image size S; kill case: phase 2 with the first node's pull killed (SIGKILL)
# when half the image has reached its content store. Every finished pull is verified (sha256 of every blob).
#
#   scripts/bench-swarm.sh                              # N = 4 and 8, modes none/off/on, kill case at N = 8
#   SWARM_N="4" SWARM_MODES="off" SWARM_KILL=0 SWARM_BYTES=67108864 scripts/bench-swarm.sh   # quick check
# Env: SWARM_N, SWARM_MODES, SWARM_RUNS (1), SWARM_BYTES (268435456), SWARM_LAYERS (4), SWARM_RATE (200mbit),
#      SWARM_KILL (1), SWARM_KILL_N (8), SWARM_STAGGER_MS (100), SWARM_PULL_TIMEOUT (600 s), SWARM_WORK (mktemp),
#      SWARM_KEEP (0: delete the work dir's node data on exit; logs and results stay), SWARM_BUILD (1),
#      SWARM_AOT (0; 1: the agents use an AOT cache, as packaged), SWARM_PROBE (1: scripts/swarm-probe.py records per-layer times and CPU-seconds per process class in phase 2).
# Results: lines starting with SWARM on stdout and a markdown table in $SWARM_WORK/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SIZES=${SWARM_N:-"4 8"}
MODES=${SWARM_MODES:-"none off on"}
RUNS=${SWARM_RUNS:-1}
BYTES=${SWARM_BYTES:-268435456}
LAYERS=${SWARM_LAYERS:-4}
RATE=${SWARM_RATE:-200mbit}
KILL=${SWARM_KILL:-1}
KILL_N=${SWARM_KILL_N:-8}
STAGGER_MS=${SWARM_STAGGER_MS:-100}
PROBE=${SWARM_PROBE:-1}
PULL_TIMEOUT=${SWARM_PULL_TIMEOUT:-600}
WORK=${SWARM_WORK:-$(mktemp -d /tmp/swarm-bench.XXXXXX)}
P=swb$$
SUB=10.231.0
UP_IP=$SUB.254
REG=$UP_IP:5000
REPO=library/swarm
REF=$REG/$REPO:1.0
NAMESPACES=()
PIDS=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$WORK/bench.log" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
node_ip() { echo "$SUB.$((10 + $1))"; }

for tool in ip tc containerd ctr docker-registry skopeo curl jq sha256sum du; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-test-deps.sh)"
done
[ "$(id -u)" = 0 ] || die "needs root (ip netns, tc)"
mkdir -p "$WORK/logs"

# --- cleanup: every daemon by its pid, then the namespaces, then mounts left under $WORK ---------------------------
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  grep -F " $WORK/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  if [ "${SWARM_KEEP:-0}" != 1 ]; then rm -rf "$WORK/run" "$WORK/layout" "$WORK/registry"; fi
  echo "work dir: $WORK (logs, results.md)" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build, image ---------------------------------------------------------------------------------------------------
if [ "${SWARM_BUILD:-1}" = 1 ]; then
  log "building (./mvnw -q -B -DskipTests package)"
  ./mvnw -q -B -DskipTests package >"$WORK/logs/build.log" 2>&1 || die "build failed: $WORK/logs/build.log"
fi
. "$ROOT/bin/lib/find-java.sh"
[ -f agent/app/target/speglar-agent.jar ] || die "agent/app/target/speglar-agent.jar missing: build first"

# SWARM_AOT=1: as packaged (packaging/packages.sh), the agents map an AOT cache trained by packaging/aot-train-agent.sh,
# so their first requests do not load, link and verify classes from the jars (less CPU, a few MiB more RSS). The
# default runs the bare jar, as every earlier figure did.
AGENT_OPTS=""
if [ "${SWARM_AOT:-0}" = 1 ]; then
  AGENT_OPTS="$(sed -e 's/#.*//' packaging/agent-jvm.options | tr -s ' \n' '  ')"
  mkdir -p "$WORK/aot"
  bin/speglar-agent demo-image --out "$WORK/aot/content" --layer-size 300000 >/dev/null
  log "AOT training run (packaging/aot-train-agent.sh)"
  SPEGLAR_JAVA_OPTS="$AGENT_OPTS -XX:AOTCacheOutput=$WORK/aot/agent.aot -Xlog:aot=error" \
    packaging/aot-train-agent.sh bin/speglar-agent "$WORK/aot/content" "$WORK/aot/data" >"$WORK/logs/aot.log" 2>&1 \
    || die "AOT training failed: $WORK/logs/aot.log"
  AGENT_OPTS="$AGENT_OPTS -XX:AOTCache=$WORK/aot/agent.aot"
fi
export SPEGLAR_JAVA_OPTS="${SPEGLAR_JAVA_OPTS:-$AGENT_OPTS}"
[ -n "$SPEGLAR_JAVA_OPTS" ] || unset SPEGLAR_JAVA_OPTS

SHARING_FLAG=1
if ! bin/speglar-agent registry --help 2>&1 | grep -q -- '--in-flight-sharing'; then
  SHARING_FLAG=0
  log "this build has no --in-flight-sharing flag: 'off' runs the agent without it (upstream-compatible), 'on' is skipped"
fi

log "generating a $BYTES-byte image in $LAYERS random uncompressed layers (testkit BigImages)"
"$JAVA_HOME/bin/java" -cp testkit/target/classes dev.speglar.testkit.BigImages "$WORK/layout" "$REPO" 1.0 \
  "$LAYERS" "$BYTES" 13 >"$WORK/image.txt"
S=$(awk '{s += $3} END {print s}' "$WORK/image.txt")
MANIFEST=$(awk '$1 == "manifest" {print $2}' "$WORK/image.txt")
FLOOR=$(awk -v s="$S" -v r="$RATE" 'BEGIN {m = r ~ /gbit$/ ? 1e9 : r ~ /mbit$/ ? 1e6 : r ~ /kbit$/ ? 1e3 : 1;
  sub(/[a-z]+$/, "", r); printf "%.1f", s * 8 / (r * m)}')
log "image S=$S bytes, manifest $MANIFEST; S at $RATE takes at least $FLOOR s"

# --- network --------------------------------------------------------------------------------------------------------
add_ns() { ip netns add "$1"; NAMESPACES+=("$1"); ip -n "$1" link set lo up; }
# attach NS IP VETH: veth pair created inside the hub, one end moved straight into NS (the root ns gets nothing)
attach() {
  ip -n "${P}h" link add "$3" type veth peer name eth0 netns "$1"
  ip -n "${P}h" link set "$3" master br0 up
  ip -n "$1" addr add "$2/24" dev eth0
  ip -n "$1" link set eth0 up
}
MAXN=0
for n in $SIZES $([ "$KILL" = 1 ] && echo "$KILL_N"); do [ "$n" -gt "$MAXN" ] && MAXN=$n; done
add_ns "${P}h"
ip -n "${P}h" link add br0 type bridge
ip -n "${P}h" link set br0 up
add_ns "${P}u"
attach "${P}u" "$UP_IP" vup
ip netns exec "${P}u" tc qdisc add dev eth0 root tbf rate "$RATE" burst 256kb latency 50ms
for i in $(seq 0 "$MAXN"); do add_ns "${P}n$i"; attach "${P}n$i" "$(node_ip "$i")" "vn$i"; done
log "namespaces up: hub, upstream ($UP_IP, egress $RATE), nodes 0..$MAXN"
tx_bytes() { ip netns exec "${P}u" cat /sys/class/net/eth0/statistics/tx_bytes; }

# --- upstream registry ----------------------------------------------------------------------------------------------
mkdir -p "$WORK/registry/data"
cat >"$WORK/registry/config.yml" <<EOF
version: 0.1
log: {level: info, formatter: text}
storage:
  filesystem: {rootdirectory: $WORK/registry/data}
  cache: {blobdescriptor: inmemory}
http:
  addr: $REG
health:
  storagedriver: {enabled: false}
EOF
ip netns exec "${P}u" docker-registry serve "$WORK/registry/config.yml" >"$WORK/logs/registry.log" 2>&1 &
PIDS+=($!)
REGISTRY_PID=$!
for _ in $(seq 100); do ip netns exec "${P}u" curl -sf "http://$REG/v2/" >/dev/null && break; sleep 0.1; done
ip netns exec "${P}u" curl -sf "http://$REG/v2/" >/dev/null || die "registry did not start"
ip netns exec "${P}u" skopeo --insecure-policy copy --quiet --dest-tls-verify=false --preserve-digests \
  "oci:$WORK/layout:1.0" "docker://$REF"
log "image pushed to upstream $REF"

# --- nodes ----------------------------------------------------------------------------------------------------------
# start_node MODE I DIR BOOT: containerd (+ agent unless MODE=none) in namespace <P>nI, data under DIR
start_node() {
  local mode=$1 i=$2 dir=$3 boot=$4 ns="${P}n$2" ip
  ip=$(node_ip "$i")
  mkdir -p "$dir/certs.d/$REG"
  cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
EOF
  {
    echo "server = \"http://$REG\""
    # containerd 1.6 rejects a hosts.toml without a host table; with no mirror the host is upstream itself
    printf '\n[host."http://%s"]\n  capabilities = ["pull", "resolve"]\n' "$([ "$mode" = none ] && echo "$REG" || echo "$ip:5000")"
  } >"$dir/certs.d/$REG/hosts.toml"
  ip netns exec "$ns" containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$dir/containerd.pid"
  for _ in $(seq 100); do ctr -a "$dir/containerd.sock" version >/dev/null 2>&1 && break; sleep 0.1; done
  ctr -a "$dir/containerd.sock" version >/dev/null 2>&1 || die "containerd of node $i did not start ($dir/containerd.log)"
  [ "$mode" = none ] && return 0
  local flag=()
  if [ "$SHARING_FLAG" = 1 ]; then flag=("--in-flight-sharing=$([ "$mode" = on ] && echo true || echo false)"); fi
  ip netns exec "$ns" bin/speglar-agent registry --store=containerd --containerd-sock="$dir/containerd.sock" \
    --containerd-content-path="$dir/root/io.containerd.content.v1.content" --registry-addr="$ip:5000" \
    --router-addr="$ip:5001" --metrics-addr="$ip:9090" --bootstrap-kind=static --static-bootstrap-peers="$boot" \
    --verify-containerd-config=false "${flag[@]}" >"$dir/agent.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$dir/agent.pid"
}
# await_http NS URL SECONDS
await_http() {
  local deadline=$((SECONDS + $3))
  until ip netns exec "$1" curl -sf -o /dev/null "$2"; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
# mirror_hits DIR...: "hits/misses" summed over the agents' spegel_mirror_requests_total (metrics saved per node)
mirror_hits() {
  local d i hits=0 misses=0
  for d in "$@"; do
    [ -f "$d/agent.pid" ] || continue
    i=${d##*/n}
    ip netns exec "${P}n$i" curl -sf -m 5 "http://$(node_ip "$i"):9090/metrics" >"$d/metrics.log" || continue
    hits=$((hits + $(awk '/^spegel_mirror_requests_total/ && /cache="hit"/ {s += $NF} END {printf "%d", s}' "$d/metrics.log")))
    misses=$((misses + $(awk '/^spegel_mirror_requests_total/ && /cache="miss"/ {s += $NF} END {printf "%d", s}' "$d/metrics.log")))
  done
  echo "$hits/$misses"
}
stop_nodes() { # DIR...
  local d
  for d in "$@"; do
    [ -f "$d/agent.pid" ] && stop_pid "$(cat "$d/agent.pid")"
    [ -f "$d/containerd.pid" ] && stop_pid "$(cat "$d/containerd.pid")"
    mkdir -p "$WORK/logs/${d#"$WORK/run/"}"
    cp "$d"/*.log "$WORK/logs/${d#"$WORK/run/"}/" 2>/dev/null || true
    [ "${SWARM_KEEP:-0}" = 1 ] || rm -rf "$d"
  done
}
# verify DIR: the image's manifest is the one pushed and every blob in the content store hashes to its digest
verify() {
  local dir=$1 kind digest size file
  ctr -a "$dir/containerd.sock" -n k8s.io images ls -q | grep -qx "$REF" || return 1
  [ "$(ctr -a "$dir/containerd.sock" -n k8s.io images ls | awk -v r="$REF" '$1 == r {print $3}')" = "$MANIFEST" ] || return 1
  while read -r kind digest size; do
    file="$dir/root/io.containerd.content.v1.content/blobs/sha256/${digest#sha256:}"
    [ -f "$file" ] && [ "$(stat -c %s "$file")" = "$size" ] || return 1
    [ "sha256:$(sha256sum "$file" | cut -d' ' -f1)" = "$digest" ] || return 1
  done <"$WORK/image.txt"
}
start_pull() { # I DIR -> pid in PULL_PID
  ip netns exec "${P}n$1" ctr -a "$2/containerd.sock" -n k8s.io images pull --hosts-dir "$2/certs.d" "$REF" \
    >"$2/pull.log" 2>&1 &
  PULL_PID=$!
  PIDS+=("$PULL_PID")
  echo "$PULL_PID" >"$2/pull.pid"
}
# rss_sampler OUT DIR...: the largest agent VmRSS (MiB) seen so far, written to OUT every 0.2 s until OUT.stop exists
rss_sampler() {
  local out=$1 peak=0 d v end=$((SECONDS + PULL_TIMEOUT)); shift
  while [ ! -e "$out.stop" ] && [ $SECONDS -lt $end ]; do
    for d in "$@"; do
      [ -f "$d/agent.pid" ] || continue
      v=$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$(cat "$d/agent.pid")/status" 2>/dev/null || true)
      [ -n "$v" ] && [ "$v" -gt "$peak" ] && peak=$v
    done
    echo "$peak" >"$out"
    sleep 0.2
  done
}
content_bytes() { du -sb "$1/root/io.containerd.content.v1.content" 2>/dev/null | cut -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
label() {
  case $1 in
    none) echo "no mirror" ;;
    off) [ "$SHARING_FLAG" = 1 ] && echo "Speglar, sharing off" || echo "Speglar (no flag in build: off)" ;;
    on) echo "Speglar, sharing on" ;;
  esac
}
RESULTS="$WORK/results.md"
echo "| run | mode | case | N | T_alone s | T_all s | T_all/T_alone | upstream bytes / S | pulls ok | verified | mirror hit/miss | agent peak RSS MiB | load |" >"$RESULTS"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|" >>"$RESULTS"

# probe_start BASE T0 DIR...: scripts/swarm-probe.py samples the nodes until probe_stop (SWARM_PROBE=1)
PROBE_PID=""
probe_start() {
  local base=$1 t0=$2; shift 2
  PROBE_PID=""
  [ "$PROBE" = 1 ] || return 0
  python3 "$ROOT/scripts/swarm-probe.py" --out "$base/probe.txt" --stop "$base/probe.stop" --t0 "$t0" \
    --registry-pid "$REGISTRY_PID" --layers "$WORK/image.txt" --max "$PULL_TIMEOUT" "$@" &
  PROBE_PID=$!
  PIDS+=("$PROBE_PID")
}
# probe_stop BASE LABEL: ends the probe (before verification, whose hashing is not part of the pull) and logs its report
probe_stop() {
  [ -n "$PROBE_PID" ] || return 0
  touch "$1/probe.stop"
  wait "$PROBE_PID" 2>/dev/null || true
  mkdir -p "$WORK/logs/${1#"$WORK/run/"}"
  cp "$1/probe.txt" "$WORK/logs/${1#"$WORK/run/"}/" 2>/dev/null || true
  sed "s/^/PROBE $2: /" "$1/probe.txt" | tee -a "$WORK/bench.log" >&2 || true
}

# phase 1: node 0 alone; sets T_ALONE
phase_alone() {
  local run=$1 mode=$2 dir="$WORK/run/r$1-$2-alone/n0" tx0 t0 rc=0 ok=0
  mkdir -p "$dir"
  start_node "$mode" 0 "$dir" "/ip4/$(node_ip 0)/tcp/5001"
  [ "$mode" = none ] || await_http "${P}n0" "http://$(node_ip 0):5000/livez" 120 || die "agent 0 not live"
  local l; l=$(load)
  tx0=$(tx_bytes); t0=$(now)
  probe_start "$WORK/run/r$1-$2-alone" "$t0" "$dir"
  start_pull 0 "$dir"
  wait_pulls $((SECONDS + PULL_TIMEOUT)) "$PULL_PID" || rc=1
  T_ALONE=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}')
  probe_stop "$WORK/run/r$1-$2-alone" "$mode alone"
  [ $rc = 0 ] && verify "$dir" && ok=1
  local up; up=$(ratio $(($(tx_bytes) - tx0)) "$S")
  echo "SWARM run=$run mode=$mode case=alone n=1 t_alone=$T_ALONE upstream_S=$up ok=$((1 - rc))/1 verified=$ok/1 load=$l"
  echo "| $run | $(label "$mode") | alone | 1 | $T_ALONE | – | – | $up | $((1 - rc))/1 | $ok/1 | – | – | $l |" >>"$RESULTS"
  stop_nodes "$dir"
  [ $ok = 1 ] || die "phase 1 pull failed or did not verify ($WORK/logs)"
}
# wait_pulls DEADLINE PID...: 0 when every pid exited 0 in time; kills what is left at the deadline
wait_pulls() {
  local deadline=$1 pid rc=0; shift
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; rc=1; fi
    wait "$pid" 2>/dev/null || rc=1
  done
  return $rc
}

# phase 2: N nodes pull within one second; CASE=swarm or kill (node 1's pull killed at S/2 in its store)
phase_swarm() {
  local run=$1 mode=$2 n=$3 case=$4 base="$WORK/run/r$1-$2-$4-n$3" i boot="" dirs=() pids=() ends=()
  for i in 1 2; do boot+="${boot:+,}/ip4/$(node_ip "$i")/tcp/5001"; done
  for i in $(seq 1 "$n"); do dirs+=("$base/n$i"); mkdir -p "$base/n$i"; start_node "$mode" "$i" "$base/n$i" "$boot"; done
  if [ "$mode" != none ]; then
    for i in $(seq 1 "$n"); do
      await_http "${P}n$i" "http://$(node_ip "$i"):5000/readyz" 120 || die "agent $i not ready ($base/n$i/agent.log)"
    done
  fi
  local l; l=$(load)
  echo 0 >"$base/rss"
  rss_sampler "$base/rss" "${dirs[@]}" &
  local sampler=$!
  PIDS+=("$sampler")
  local tx0 t0; tx0=$(tx_bytes); t0=$(now)
  probe_start "$base" "$t0" "${dirs[@]}"
  for i in $(seq 1 "$n"); do
    start_pull "$i" "$base/n$i"
    pids+=("$PULL_PID")
    [ "$i" = "$n" ] || sleep "$(awk -v m="$STAGGER_MS" 'BEGIN {print m / 1000}')"
  done
  local killed_at=""
  if [ "$case" = kill ]; then
    local deadline=$((SECONDS + PULL_TIMEOUT))
    while kill -0 "${pids[0]}" 2>/dev/null && [ $SECONDS -lt "$deadline" ]; do
      if [ "$(content_bytes "$base/n1")" -ge $((S / 2)) ]; then
        kill -9 "${pids[0]}" 2>/dev/null || true
        killed_at=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}')
        break
      fi
      sleep 0.05
    done
    [ -n "$killed_at" ] || log "kill case: node 1 finished before half the image arrived; nothing killed"
    wait "${pids[0]}" 2>/dev/null || true
  fi
  # per-node end times (bounded), then T_all = first start to last end
  local deadline=$((SECONDS + PULL_TIMEOUT)) ok=0 verified=0 first=1 t_end=$t0
  [ "$case" = kill ] && first=2
  for i in $(seq "$first" "$n"); do
    local pid=${pids[$((i - 1))]}
    if wait_pulls "$deadline" "$pid"; then
      ok=$((ok + 1))
    else
      log "node $i pull failed: $(tail -n 3 "$base/n$i/pull.log" | tr '\n' ' ')"
    fi
    local e; e=$(stat -c %.9Y "$base/n$i/pull.log")
    t_end=$(awk -v a="$t_end" -v b="$e" 'BEGIN {print (b > a ? b : a)}')
  done
  probe_stop "$base" "$mode $case n=$n"
  local up t_all counted=$((n - first + 1))
  up=$(ratio $(($(tx_bytes) - tx0)) "$S")
  t_all=$(awk -v a="$t0" -v b="$t_end" 'BEGIN {printf "%.2f", b - a}')
  for i in $(seq "$first" "$n"); do verify "$base/n$i" && verified=$((verified + 1)) || log "node $i did not verify"; done
  touch "$base/rss.stop"
  wait "$sampler" 2>/dev/null || true
  local rss; rss=$([ "$mode" = none ] && echo – || cat "$base/rss")
  local r hm; r=$(ratio "$t_all" "$T_ALONE"); hm=$(mirror_hits "${dirs[@]}")
  echo "SWARM run=$run mode=$mode case=$case n=$n t_alone=$T_ALONE t_all=$t_all ratio=$r upstream_S=$up ok=$ok/$counted verified=$verified/$counted peer_hits/misses=$hm agent_rss_peak_mib=$rss${killed_at:+ killed_at=$killed_at} load=$l"
  echo "| $run | $(label "$mode") | $case${killed_at:+ (node 1 killed at ${killed_at} s)} | $n | $T_ALONE | $t_all | $r | $up | $ok/$counted | $verified/$counted | $hm | $rss | $l |" >>"$RESULTS"
  stop_nodes "${dirs[@]}"
}

for run in $(seq "$RUNS"); do
  # even runs take the modes in reverse order, so a load trend on the shared machine does not favour one mode
  order=$MODES
  [ $((run % 2)) = 1 ] || order=$(echo "$MODES" | tr ' ' '\n' | tac | tr '\n' ' ')
  for mode in $order; do
    if [ "$mode" = on ] && [ "$SHARING_FLAG" = 0 ]; then
      echo "| $run | Speglar, sharing on | not run: this build has no --in-flight-sharing | | | | | | | | | | |" >>"$RESULTS"
      continue
    fi
    log "run $run, mode $mode: phase 1 (alone)"
    phase_alone "$run" "$mode"
    for n in $SIZES; do
      log "run $run, mode $mode: phase 2, N=$n"
      phase_swarm "$run" "$mode" "$n" swarm
    done
    if [ "$KILL" = 1 ]; then
      log "run $run, mode $mode: kill case, N=$KILL_N"
      phase_swarm "$run" "$mode" "$KILL_N" kill
    fi
  done
done
log "done; S=$S bytes, rate $RATE (S takes at least $FLOOR s), stagger ${STAGGER_MS} ms"
echo "S = $S bytes, upstream egress $RATE (S takes at least $FLOOR s), stagger $STAGGER_MS ms" >>"$RESULTS"
cat "$RESULTS"
