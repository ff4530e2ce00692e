#!/usr/bin/env bash
# Start-up and footprint of the packaged agent (packaging/target/app-image, built by ./mvnw -Ppackages package):
#   - time from process start to /readyz 200 and to the first served manifest, with and without the AOT cache
#     (wall clock, and the CPU the process used until then: the CPU figure is what a loaded machine cannot inflate)
#   - the same through the runtime's java with the launcher's own options (mode "java"): jpackage's Linux launcher
#     runs `rpm -qf` and `dpkg -S` (and, when installed from a package, `rpm -ql`/`dpkg -L`) on every start to find
#     its library, before the JVM starts; the difference between "aot" and "java" is that cost
#   - RSS idle (5 s after ready) and the peak under load (hey, 16 connections, 10 s of blob GETs)
#   - package and image sizes
# Loopback only; standalone agent over an OCI layout (demo image), so no containerd is needed.
#   [PACKAGES_DIR=packaging/target] scripts/bench-packaged.sh [RUNS]        (default 5 runs per mode)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKG=${PACKAGES_DIR:-$ROOT/packaging/target}
APP=$PKG/app-image/speglar
RUNS=${1:-5}
[ -x "$APP/bin/speglar-agent" ] || { echo "build first: ./mvnw -B -Ppackages -DskipTests package" >&2; exit 1; }
for t in curl hey; do command -v $t >/dev/null || { echo "$t missing (scripts/install-test-deps.sh)" >&2; exit 1; }; done
W=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
"$APP/bin/speglar-agent" demo-image --out "$W/content" --layer-size 4000000 >/dev/null
TICK=$(getconf CLK_TCK)
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# CPU of the process and of its waited-for children (the launcher's rpm/dpkg queries)
cpu_ms() { awk -v t="$TICK" '{print int(($14 + $15 + $16 + $17) * 1000 / t)}' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }

# The launcher's JVM: the runtime's java with the class path and options of lib/app/speglar-agent.cfg.
JAVA_CMD=("$APP/lib/runtime/bin/java")
while IFS= read -r line; do
  case $line in
    java-options=*) JAVA_CMD+=("${line#java-options=}") ;;
    app.classpath=*) CP=${CP:+$CP:}${line#app.classpath=} ;;
  esac
done < "$APP/lib/app/speglar-agent.cfg"
JAVA_CMD=("${JAVA_CMD[@]//\$APPDIR/$APP/lib/app}" -cp "${CP//\$APPDIR/$APP/lib/app}" dev.speglar.agent.Main)

start_agent() { # MODE PORT -> starts the agent, sets PID and T0
  local env=() cmd=("$APP/bin/speglar-agent")
  [ "$1" = noaot ] && env=(JAVA_TOOL_OPTIONS=-XX:AOTMode=off)
  [ "$1" = java ] && cmd=("${JAVA_CMD[@]}")
  T0=$(now_ms)
  env "${env[@]}" MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072 "${cmd[@]}" registry --standalone \
    --store=oci-layout --oci-layout-dir="$W/content" --data-dir="$W/data" --registry-addr=127.0.0.1:$2 \
    --metrics-addr=127.0.0.1:$(($2 + 1)) --log-level=WARN >"$W/agent.log" 2>&1 &
  PID=$!
}

run_once() { # MODE -> prints "ready_ms ready_cpu_ms manifest_ms idle_rss_kib load_rss_kib"
  local port ready= cpu= t0
  for attempt in 1 2 3 4 5; do # a random port may be taken: try another
    port=$((20000 + RANDOM % 20000))
    start_agent "$1" $port
    for _ in $(seq 1 3000); do
      if curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; then ready=$(($(now_ms) - T0)); cpu=$(cpu_ms $PID); break; fi
      kill -0 $PID 2>/dev/null || break
      sleep 0.01
    done
    [ -n "$ready" ] && break
    kill -9 $PID 2>/dev/null || true; wait $PID 2>/dev/null || true
  done
  [ -n "$ready" ] || { cat "$W/agent.log" >&2; exit 1; }
  t0=$T0
  local base=http://127.0.0.1:$port/v2/library/speglar-demo
  curl -fs -o /dev/null "$base/manifests/1.0"
  local manifest=$(($(now_ms) - t0))
  sleep 5
  local idle; idle=$(rss_kib $PID)
  local layer; layer=$(curl -fs "$base/manifests/1.0" | grep -o '"layers":\[{[^}]*' | grep -o 'sha256:[0-9a-f]\{64\}' | head -1)
  hey -z 10s -c 16 "$base/blobs/$layer" >/dev/null &
  local hey=$! peak=0
  while kill -0 $hey 2>/dev/null; do r=$(rss_kib $PID); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.2; done
  kill -TERM $PID; wait $PID || true; PID=
  echo "$ready $cpu $manifest $idle $peak"
}

stats() { sort -n | awk '{a[NR]=$1} END {printf "median %s (min %s, max %s)", a[int((NR+1)/2)], a[1], a[NR]}'; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs per mode"
for mode in aot noaot java; do
  : > "$W/$mode"
  for i in $(seq 1 "$RUNS"); do run_once $mode >> "$W/$mode"; done
  echo "== $mode"
  echo "  ready ms:            $(cut -d' ' -f1 "$W/$mode" | stats)"
  echo "  CPU until ready ms:  $(cut -d' ' -f2 "$W/$mode" | stats)"
  echo "  first manifest ms:   $(cut -d' ' -f3 "$W/$mode" | stats)"
  echo "  idle RSS MiB:        $(awk '{print int($4/1024)}' "$W/$mode" | stats)"
  echo "  RSS under load MiB:  $(awk '{print int($5/1024)}' "$W/$mode" | stats)"
done
echo "== sizes (bytes)"
ls -l "$PKG"/*.deb "$PKG"/*.rpm "$PKG"/speglar-agent-*.tar 2>/dev/null | awk '{print "  " $9 ": " $5}'
[ -d "$PKG/oci/blobs" ] && echo "  image, compressed (OCI blobs): $(find "$PKG/oci/blobs" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')"
