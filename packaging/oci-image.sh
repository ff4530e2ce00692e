#!/usr/bin/env bash
# The agent's OCI image, built without a container engine (umoci, skopeo): the agent's part of the jpackage
# app-image from packages.sh (/opt/speglar: launcher, runtime, jars, AOT cache, Netty's native library unpacked)
# plus the glibc libraries the JVM links against and libcrypto, on an otherwise empty root: no shell, no package
# manager. Nothing is written at run time but --data-dir: it runs with a read-only root and no /tmp.
# Outputs in OUT_DIR: oci/ (OCI image layout, tag VERSION), speglar-agent-oci.tar (that layout as a tar:
# `ctr images import`), speglar-agent-docker.tar (docker-archive: `docker load`).
#   oci-image.sh VERSION OUT_DIR        (after packages.sh VERSION OUT_DIR)
# Push: skopeo copy oci:OUT_DIR/oci:VERSION docker://REGISTRY/speglar-agent:VERSION
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=${1:?version}
OUT=${2:?output dir}
APP=$OUT/app-image/speglar
[ -x "$APP/bin/speglar-agent" ] || { echo "oci-image.sh: $APP missing: run packages.sh first" >&2; exit 1; }
for t in umoci skopeo; do command -v $t >/dev/null || { echo "oci-image.sh: $t missing (apt-get install $t)" >&2; exit 1; }; done
# The image's architecture is its runtime's (packages.sh builds on the target architecture, so the glibc and libcrypto
# copied below from this machine match it).
# (jlink's release file names no architecture: read the JVM's ELF machine field.)
case $(od -An -tx2 -j18 -N2 "$APP/lib/runtime/lib/server/libjvm.so" | tr -d ' ') in
  003e) ARCH=x86_64 ;; 00b7) ARCH=aarch64 ;; *) echo "oci-image.sh: unknown architecture of libjvm.so" >&2; exit 1 ;;
esac
case $ARCH in x86_64) OCI_ARCH=amd64 ;; aarch64) OCI_ARCH=arm64 ;; *) OCI_ARCH=$ARCH ;; esac
[ "$ARCH" = "$(uname -m)" ] || { echo "oci-image.sh: $ARCH runtime on a $(uname -m) machine" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOTFS=$WORK/rootfs
mkdir -p "$ROOTFS/opt/speglar/lib/app" "$ROOTFS/opt/speglar/bin" "$ROOTFS/etc"
# cp -a keeps the jars' mtimes, which the AOT cache checks.
cp -a "$APP/bin/speglar-agent" "$ROOTFS/opt/speglar/bin/"
cp -a "$APP/lib/runtime" "$APP/lib/libapplauncher.so" "$ROOTFS/opt/speglar/lib/"
cp -a "$APP/lib/app/agent" "$APP/lib/app/native" "$APP/lib/app/speglar-agent.cfg" "$ROOTFS/opt/speglar/lib/app/"
[ -f "$APP/lib/app/speglar-agent.aot" ] && cp -a "$APP/lib/app/speglar-agent.aot" "$ROOTFS/opt/speglar/lib/app/"
cp -a "$APP/lib/app/doc" "$ROOTFS/opt/speglar/lib/app/"
# glibc and friends: what the launcher and the JVM's native libraries need, at the paths the dynamic loader uses;
# libcrypto: peer blobs are hashed with OpenSSL's SHA-256 (the JDK's is 10x slower without C2); libnss_*: DNS.
# (Libraries the runtime links among itself resolve inside the rootfs: those are already there.)
LIBS=$(find "$ROOTFS/opt/speglar" -name '*.so' -o -path '*/bin/*' -type f | xargs ldd 2>/dev/null \
  | awk '/=> \//{print $3} /ld-linux/{print $1}' | grep -v "^$ROOTFS/" | sort -u)
DEBS=()
for so in $LIBS /lib/$ARCH-linux-gnu/{libcrypto.so.3,libnss_dns.so.2,libnss_files.so.2,libresolv.so.2,libgcc_s.so.1}; do
  [ -e "$so" ] || continue
  mkdir -p "$ROOTFS$(dirname "$so")"
  cp -L "$so" "$ROOTFS$so"
  # The Debian package it comes from (usrmerge: dpkg knows /usr/lib/...): its copyright file ships with it.
  if command -v dpkg-query >/dev/null; then
    pkg=$(dpkg-query -S "$so" 2>/dev/null || dpkg-query -S "/usr$so" 2>/dev/null) \
      || { echo "oci-image.sh: no Debian package owns $so (its copyright file must ship in the image)" >&2; exit 1; }
    DEBS+=("${pkg%%:*}")
  fi
done
for pkg in $(printf '%s\n' "${DEBS[@]}" | sort -u); do
  mkdir -p "$ROOTFS/usr/share/doc/$pkg"
  cp -L "/usr/share/doc/$pkg/copyright" "$ROOTFS/usr/share/doc/$pkg/"
done
echo 'root:x:0:0:root:/:/sbin/nologin' > "$ROOTFS/etc/passwd"
echo 'root:x:0:' > "$ROOTFS/etc/group"
echo 'hosts: files dns' > "$ROOTFS/etc/nsswitch.conf"
LAYOUT=$OUT/oci
rm -rf "$LAYOUT" "$OUT/speglar-agent-oci.tar" "$OUT/speglar-agent-docker.tar"
umoci init --layout "$LAYOUT"
umoci new --image "$LAYOUT:$VERSION"
# The layer is written by GNU tar (umoci 0.4.7's insert ends its tar stream without the last entry's padding and the
# end-of-archive blocks: containerd and docker read it, GNU tar and Python's tarfile reject it). Owner root, each
# file's mtime kept (the AOT cache checks the jars').
(cd "$ROOTFS" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | sort \
  | tar --sort=name --numeric-owner --owner=0 --group=0 -cf "$WORK/layer.tar" -T -)
umoci raw add-layer --image "$LAYOUT:$VERSION" "$WORK/layer.tar"
# The launcher reads its JVM options (packaging/agent-jvm.options, library path, AOT cache) from its .cfg.
umoci config --image "$LAYOUT:$VERSION" --os linux --architecture "$OCI_ARCH" --author speglar \
  --config.env MALLOC_ARENA_MAX=2 --config.env MALLOC_TRIM_THRESHOLD_=131072 \
  --config.entrypoint /opt/speglar/bin/speglar-agent --config.cmd registry \
  --config.label org.opencontainers.image.title=speglar-agent \
  --config.label "org.opencontainers.image.version=$VERSION" \
  --config.label org.opencontainers.image.licenses=Apache-2.0
umoci gc --layout "$LAYOUT"
# Tarballs: the OCI layout as a tar (ctr images import), and a docker-archive (docker load) via skopeo.
(cd "$LAYOUT" && tar --sort=name -cf "$OUT/speglar-agent-oci.tar" oci-layout index.json blobs)
skopeo --insecure-policy copy --quiet "oci:$LAYOUT:$VERSION" \
  "docker-archive:$OUT/speglar-agent-docker.tar:speglar/speglar-agent:$VERSION"
COMPRESSED=$(find "$LAYOUT/blobs" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "image: oci:$LAYOUT:$VERSION ($COMPRESSED bytes compressed)"
