#!/usr/bin/env bash
# Builds a self-contained agent runtime: a jlink'ed JDK 25 with just the modules the agent needs (plus its CDS
# archive, so start-up stays fast), the agent jar with its libraries, and a bin/speglar-agent launcher.
#   packaging/jlink.sh [OUT_DIR]        (default packaging/target/speglar-agent)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bin/lib/find-java.sh"
OUT=${1:-$ROOT/packaging/target/speglar-agent}
APP="$ROOT/agent/app/target"
[ -f "$APP/speglar-agent.jar" ] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package)
# Modules from `jdeps --print-module-deps` over the agent and its libraries; jdk.crypto.ec and jdk.naming.dns are
# loaded by service lookup (Noise/Ed25519 and DNS bootstrap), which jdeps cannot see.
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.xml,jdk.httpserver,jdk.jfr,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs
rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive --output "$OUT/runtime"
# The archive for >32 GiB heaps is dead weight for a 64 MiB-heap agent.
rm -f "$OUT/runtime/lib/server/classes_nocoops.jsa"
mkdir -p "$OUT/lib" "$OUT/bin"
cp "$APP/speglar-agent.jar" "$OUT/"
cp "$APP"/lib/*.jar "$OUT/lib/"
cp "$ROOT/packaging/agent-jvm.options" "$OUT/bin/agent-jvm.options"
cat > "$OUT/bin/speglar-agent" <<'LAUNCHER'
#!/bin/sh
# Speglar agent from a self-contained runtime (no system JDK needed).
set -eu
HERE=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
DEFAULT_OPTS=$(sed -e 's/#.*//' "$HERE/bin/agent-jvm.options" | tr -s ' \n' '  ')
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-131072}
exec "$HERE/runtime/bin/java" ${SPEGLAR_JAVA_OPTS:-$DEFAULT_OPTS} --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -jar "$HERE/speglar-agent.jar" "$@"
LAUNCHER
chmod +x "$OUT/bin/speglar-agent"
du -sh "$OUT" | sed 's/^/runtime size: /'
"$OUT/bin/speglar-agent" version
