#!/usr/bin/env bash
# Builds Speglar's distribution (run by `./mvnw -B -Ppackages -DskipTests package`, module packaging/):
#   OUT/runtime        one jlink'ed JDK runtime (only the modules the two programs use, CDS archive) shared by both
#   OUT/app-image/speglar   jpackage app-image: bin/speglar (installer) and bin/speglar-agent, the runtime, and each
#                      program's jars on its own class path; AOT caches trained on a real start of each program
#   OUT/speglar_*.deb, OUT/speglar-*.rpm   native packages of that app-image, installed to /opt/speglar
# Usage: packages.sh VERSION OUT_DIR [RUNTIME_JDK]
#   RUNTIME_JDK: the JDK whose modules go into the runtime (default: the build JDK). A JDK of another architecture
#   needs its jmods (RUNTIME_JDK/jmods); see packaging/README.md for arm64.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bin/lib/find-java.sh"
VERSION=${1:?version}
OUT=${2:?output dir}
RUNTIME_JDK=${3:-$JAVA_HOME}
# Debian and RPM order "~" before anything, so 0.1.0~SNAPSHOT < 0.1.0; "-" is not allowed in an RPM version.
PKG_VERSION=${VERSION//-/\~}
# Class-path files get one fixed mtime: the AOT cache records each jar's mtime and size, and the package tools copy
# files with a fresh mtime, so the package scripts reset them to this value on the node (postinst / %post).
JAR_MTIME=${SOURCE_DATE_EPOCH:-1700000000}
log() { printf 'packages: %s\n' "$*" >&2; }
# The target architecture is the runtime JDK's. jlink alone could link a foreign one from its jmods, but the CDS
# archive, the AOT training run and jpackage's native launchers need a JVM of the target architecture: build on it.
TARGET_ARCH=$(sed -n 's/^OS_ARCH="\(.*\)"$/\1/p' "$RUNTIME_JDK/release")
case $TARGET_ARCH in amd64) TARGET_ARCH=x86_64 ;; arm64) TARGET_ARCH=aarch64 ;; esac
if [ "$TARGET_ARCH" != "$(uname -m)" ]; then
  echo "packages: $RUNTIME_JDK is a $TARGET_ARCH JDK and this is a $(uname -m) machine: build the $TARGET_ARCH" \
    "packages on a $TARGET_ARCH machine (packaging/README.md, arm64)" >&2
  exit 1
fi
case $TARGET_ARCH in aarch64) EPOLL_ARCH=aarch_64 ;; *) EPOLL_ARCH=$TARGET_ARCH ;; esac

# Modules from `jdeps --print-module-deps` over both programs and their libraries, plus what is loaded by service
# lookup and invisible to jdeps: jdk.crypto.ec (Noise/Ed25519), jdk.naming.dns (DNS bootstrap), jdk.zipfs.
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.xml,java.sql,jdk.httpserver,jdk.jfr,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs
rm -rf "$OUT/runtime" "$OUT/input" "$OUT/app-image" "$OUT"/*.deb "$OUT"/*.rpm
mkdir -p "$OUT"
MODULE_PATH=()
if [ "$RUNTIME_JDK" != "$JAVA_HOME" ]; then MODULE_PATH=(--module-path "$RUNTIME_JDK/jmods"); fi
log "jlink runtime from $RUNTIME_JDK"
"$JAVA_HOME/bin/jlink" "${MODULE_PATH[@]}" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive --output "$OUT/runtime"
# The archive for >32 GiB heaps is dead weight for programs with 64 MiB heaps.
rm -f "$OUT/runtime/lib/server/classes_nocoops.jsa"

# jpackage input: each program's jar and libraries in its own directory, Netty's native library unpacked.
IN=$OUT/input
mkdir -p "$IN/installer" "$IN/agent" "$IN/native"
cp "$ROOT/installer/target/speglar-installer.jar" "$IN/installer/"
cp -r "$ROOT/installer/target/lib" "$IN/installer/"
cp "$ROOT/agent/app/target/speglar-agent.jar" "$IN/agent/"
cp -r "$ROOT/agent/app/target/lib" "$IN/agent/"
cp "$ROOT"/agent/app/target/native/*.so "$IN/native/"
cp "$ROOT/packaging/speglar-agent.service" "$IN/"
# picocli ships Java 5 class files, which the AOT cache leaves out (with every class implementing its interfaces):
# rewritten as Java 8 class files with stack maps, same instructions (packaging/UpgradeOldClassFiles.java).
"$JAVA_HOME/bin/java" "$ROOT/packaging/UpgradeOldClassFiles.java" "$IN"/agent/lib/*.jar "$IN"/installer/lib/*.jar
find "$IN" -type f -exec touch -d "@$JAR_MTIME" {} +
[ -f "$IN/native/libnetty_transport_native_epoll_$EPOLL_ARCH.so" ] \
  || { echo "packages: Netty's epoll library for $TARGET_ARCH missing in agent/app/target/native" >&2; exit 1; }
# Every bundled library is named with its license in THIRD-PARTY.txt, and the shipped copy names nothing else (only
# this architecture's Netty epoll jar).
THIRD_PARTY=$OUT/THIRD-PARTY.txt
grep -v -e '-linux-[a-z0-9_]*\.jar ' "$ROOT/packaging/THIRD-PARTY.txt" > "$THIRD_PARTY.tmp" || true
grep -e "-linux-$EPOLL_ARCH\.jar " "$ROOT/packaging/THIRD-PARTY.txt" >> "$THIRD_PARTY.tmp" || true
{ grep '^#' "$THIRD_PARTY.tmp"; grep -v '^#' "$THIRD_PARTY.tmp" | sort; } > "$THIRD_PARTY" && rm "$THIRD_PARTY.tmp"
SHIPPED=$(find "$IN" -name '*.jar' -printf '%f\n' | grep -v '^speglar-' | sort -u)
LISTED=$(sed -e '/^#/d' -e 's/ .*//' "$THIRD_PARTY" | sort -u)
if [ "$SHIPPED" != "$LISTED" ]; then
  echo "packages: packaging/THIRD-PARTY.txt differs from the jars shipped (< shipped, > listed):" >&2
  diff <(echo "$SHIPPED") <(echo "$LISTED") >&2 || true
  exit 1
fi
# Licenses, in lib/app/doc (jpackage packages only the app-image's bin/ and lib/): Speglar's, its NOTICE (what else is
# bundled, under which license) and the libraries' list.
mkdir -p "$IN/doc"
cp "$ROOT/LICENSE" "$ROOT/NOTICE" "$THIRD_PARTY" "$IN/doc/"

AGENT_PROPS=$OUT/speglar-agent.properties
printf 'main-jar=agent/speglar-agent.jar\nmain-class=dev.speglar.agent.Main\n' > "$AGENT_PROPS"
log "jpackage app-image $PKG_VERSION"
"$JAVA_HOME/bin/jpackage" --type app-image --name speglar --app-version "$PKG_VERSION" --input "$IN" \
  --main-jar installer/speglar-installer.jar --main-class dev.speglar.installer.Main \
  --add-launcher "speglar-agent=$AGENT_PROPS" --runtime-image "$OUT/runtime" --dest "$OUT/app-image"
APP=$OUT/app-image/speglar
rm -f "$APP"/lib/*.png
find "$APP/lib/app" -type f -exec touch -d "@$JAR_MTIME" {} +

# jpackage puts every jar of the input on both launchers' class paths; each program gets only its own, and its
# JVM options. $APPDIR is the launcher's lib/app directory.
classpath() { (cd "$APP/lib/app" && find "$1" -name '*.jar' | sort | sed 's|^|app.classpath=$APPDIR/|'); }
write_cfg() { # NAME MAIN_CLASS MAIN_JAR DIR [java options...]
  local name=$1 main=$2 jar=$3 dir=$4; shift 4
  {
    echo '[Application]'
    echo "app.classpath=\$APPDIR/$jar"
    echo "app.mainclass=$main"
    classpath "$dir" | grep -v "/$jar\$"
    echo
    echo '[JavaOptions]'
    echo "java-options=-Djpackage.app-version=$PKG_VERSION"
    for o in "$@"; do echo "java-options=$o"; done
  } > "$APP/lib/app/$name.cfg"
}
mapfile -t AGENT_OPTS < <(sed -e 's/#.*//' "$ROOT/packaging/agent-jvm.options" | tr -s ' ' '\n' | sed '/^$/d')
# JVM warnings go to stderr: stdout is the programs' output (rendered files, JSON).
AGENT_OPTS+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  '-Djava.library.path=$APPDIR/native' -Xlog:disable -Xlog:all=warning:stderr)
INSTALLER_OPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData
  --enable-native-access=ALL-UNNAMED -Xlog:disable -Xlog:all=warning:stderr)
agent_cfg() { write_cfg speglar-agent dev.speglar.agent.Main agent/speglar-agent.jar agent "${AGENT_OPTS[@]}" "$@"; }
installer_cfg() { write_cfg speglar dev.speglar.installer.Main installer/speglar-installer.jar installer "${INSTALLER_OPTS[@]}" "$@"; }
agent_cfg
installer_cfg

# AOT cache (JDK 25, JEP 483/514/515): a training run of the agent through its own launcher records the classes it
# loads and links (and method profiles); later starts map them instead of loading and verifying jars. Only the agent
# gets one: for the installer's short commands it saved ~15% CPU for 14 MB installed (docs/benchmarks.md).
# SPEGLAR_AOT=0 builds without it.
if [ "${SPEGLAR_AOT:-1}" = 1 ]; then
  W=$(mktemp -d)
  trap 'rm -rf "$W"' EXIT
  "$APP/bin/speglar-agent" demo-image --out "$W/content" --layer-size 300000 >/dev/null
  # (-Xlog:aot=error: the training run lists every class it cannot archive)
  # -AOTRecordTraining: no method profiles (JEP 515) in the cache. They feed C2, and the agent runs C1 only; they
  # made C1 compile early what training had compiled: cache -0.7 MB, idle RSS -1.3 MiB, CPU until ready -20 ms.
  agent_cfg '-XX:AOTCacheOutput=$APPDIR/speglar-agent.aot' -Xlog:aot=error:stderr \
    -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining
  log "AOT training: agent (registry with its P2P node up, on loopback: ready, manifest, blob, metrics, SIGTERM)"
  "$ROOT/packaging/aot-train-agent.sh" "$APP/bin/speglar-agent" "$W/content" "$W/data"
  ls -l "$APP"/lib/app/*.aot
  agent_cfg '-XX:AOTCache=$APPDIR/speglar-agent.aot'
fi
# The agent's launcher configuration as a Java @argfile for /opt/speglar (where the packages and the image install):
# the unit and the image run lib/runtime/bin/java @lib/app/speglar-agent.args, because jpackage's launcher queries
# rpm and dpkg on every start (130-230 ms of CPU) before the JVM starts. bin/speglar-agent stays for humans.
"$JAVA_HOME/bin/java" -cp "$APP/lib/app/installer/speglar-installer.jar" dev.speglar.installer.install.LauncherArgs \
  "$APP/lib/app/speglar-agent.cfg" /opt/speglar/lib/app > "$APP/lib/app/speglar-agent.args"
touch -d "@$JAR_MTIME" "$APP/lib/app/speglar-agent.args"
"$APP/bin/speglar" --version
"$APP/bin/speglar-agent" --version

# Native packages. Package scripts put both programs on PATH (/usr/bin links), ship the unit disabled, and undo
# both on removal; dependencies: the C library only (the runtime is inside).
RES=$OUT/package-resources
rm -rf "$RES" && mkdir -p "$RES"
for f in postinst prerm postrm; do
  sed -e "s/@JAR_MTIME@/$JAR_MTIME/" "$ROOT/packaging/deb/$f" > "$RES/$f"
done
sed -e "s/@JAR_MTIME@/$JAR_MTIME/" "$ROOT/packaging/rpm/speglar.spec" > "$RES/speglar.spec"
cp "$ROOT/packaging/deb/control" "$RES/control"
COMMON=(--app-image "$APP" --name speglar --app-version "$PKG_VERSION" --install-dir /opt --dest "$OUT"
  --resource-dir "$RES" --vendor Speglar --description "Cluster-local P2P OCI registry mirror for containerd (agent and node installer)"
  --about-url https://github.com/spegel-org/spegel --linux-package-name speglar
  --license-file "$ROOT/LICENSE" --copyright "Copyright 2026 The Speglar Authors")
log "jpackage deb"
# xz on all cores: the default single-threaded xz takes minutes on a loaded 2-core machine.
DPKG_DEB_THREADS_MAX=0 "$JAVA_HOME/bin/jpackage" --type deb "${COMMON[@]}" \
  --linux-deb-maintainer speglar@localhost --linux-package-deps libc6 --linux-app-category admin
log "jpackage rpm"
"$JAVA_HOME/bin/jpackage" --type rpm "${COMMON[@]}" --linux-rpm-license-type Apache-2.0 \
  --linux-package-deps glibc --linux-app-category System/Tools
ls -l "$OUT"/*.deb "$OUT"/*.rpm
