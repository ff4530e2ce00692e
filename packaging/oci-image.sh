#!/usr/bin/env bash
# Builds the agent's OCI image without a Docker engine: the jlink runtime from packaging/jlink.sh plus the few glibc
# libraries the JVM links against, on an otherwise empty root (no shell, no package manager), written as an OCI image
# layout with umoci. Push it anywhere with skopeo, e.g.
#   packaging/oci-image.sh /tmp/speglar-image && skopeo copy oci:/tmp/speglar-image:0.1.0 docker://REGISTRY/speglar-agent:0.1.0
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAYOUT=${1:-$ROOT/packaging/target/oci}
TAG=${TAG:-0.1.0}
command -v umoci >/dev/null || { echo "oci-image.sh: umoci missing (apt-get install umoci)" >&2; exit 1; }
RUNTIME=$ROOT/packaging/target/speglar-agent
# Always re-link: a runtime left from an earlier build would carry a stale agent jar or launcher flags.
"$ROOT/packaging/jlink.sh" "$RUNTIME" >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOTFS=$WORK/rootfs
mkdir -p "$ROOTFS/opt/speglar" "$ROOTFS/tmp" "$ROOTFS/etc"
chmod 1777 "$ROOTFS/tmp"
cp -a "$RUNTIME/runtime" "$RUNTIME/lib" "$RUNTIME/speglar-agent.jar" "$ROOTFS/opt/speglar/"
# glibc and friends: everything the JVM's native libraries need, at the paths the dynamic loader expects.
for so in $(find "$RUNTIME/runtime" -name '*.so' -o -path '*/bin/java' | xargs ldd 2>/dev/null | awk '/=> \//{print $3} /ld-linux/{print $1}' | sort -u); do
  mkdir -p "$ROOTFS$(dirname "$so")"
  cp -L "$so" "$ROOTFS$so"
done
# libcrypto: the agent hashes peer blobs with OpenSSL's SHA-256 (the JDK's is 10x slower without C2).
for so in /lib/x86_64-linux-gnu/libcrypto.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3; do
  [ -e "$so" ] && { mkdir -p "$ROOTFS$(dirname "$so")"; cp -L "$so" "$ROOTFS$so"; break; }
done
# Netty extracts its epoll library to a temp dir and dlopens it; it needs libc's math/rt/dl too on some hosts.
for so in /lib/x86_64-linux-gnu/{libm.so.6,librt.so.1,libdl.so.2,libpthread.so.0,libgcc_s.so.1,libresolv.so.2,libnss_dns.so.2,libnss_files.so.2}; do
  [ -e "$so" ] && { mkdir -p "$ROOTFS$(dirname "$so")"; cp -L "$so" "$ROOTFS$so"; }
done
echo 'root:x:0:0:root:/:/sbin/nologin' > "$ROOTFS/etc/passwd"
echo 'hosts: files dns' > "$ROOTFS/etc/nsswitch.conf"
OPTS=$(sed -e 's/#.*//' "$ROOT/packaging/agent-jvm.options" | tr -s ' \n' '  ')
rm -rf "$LAYOUT"
umoci init --layout "$LAYOUT"
umoci new --image "$LAYOUT:$TAG"
umoci insert --rootless --image "$LAYOUT:$TAG" "$ROOTFS" /
CFG=(--config.env MALLOC_ARENA_MAX=2 --config.env MALLOC_TRIM_THRESHOLD_=131072 --config.entrypoint /opt/speglar/runtime/bin/java)
for o in $OPTS --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar /opt/speglar/speglar-agent.jar; do
  CFG+=(--config.entrypoint "$o")
done
umoci config --image "$LAYOUT:$TAG" --os linux --architecture amd64 --author speglar "${CFG[@]}" \
  --config.cmd registry --config.label org.opencontainers.image.title=speglar-agent
umoci gc --layout "$LAYOUT"
echo "image: oci:$LAYOUT:$TAG"
