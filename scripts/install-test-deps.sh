#!/usr/bin/env bash
# Installs the Debian packages that Speglar's tests run against (real containerd, the CNCF distribution
# registry, nginx, image tools, load generators). Idempotent and non-interactive: packages already
# installed are skipped without touching apt; a missing package or a failed install stops the script
# with a non-zero exit code. Target: Debian 12 (bookworm), run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  containerd runc        # containerd 1.6 + ctr, runtime for `ctr run`
  docker-registry        # CNCF distribution 2.8: upstream registry in tests and benchmarks
  skopeo umoci           # offline image builds and pushes
  nginx-light            # sendfile baseline for benchmarks
  wrk hey                # load generators
  iproute2               # ip netns
  docker.io              # dockerd started by hand (registry-mirror tests)
  busybox-static         # static /bin/busybox as the test image payload
  jq curl systemd        # json, http, systemd-analyze
  gettext-base           # envsubst: presets are usable as plain templates
  rpm fakeroot           # jpackage: rpmbuild for the .rpm, fakeroot + dpkg-deb for the .deb (-Ppackages)
  chromium               # headless browser for the debug web UI test (DevTools protocol)
  apache2-utils          # htpasswd: bcrypt users for docker-registry's htpasswd auth (fresh tags with credentials)
)
# Binaries the tests call; checked at the end so a package that installs but lacks them fails here.
BINARIES=(containerd ctr runc docker-registry skopeo umoci nginx wrk hey ip dockerd busybox jq curl systemd-analyze envsubst rpm rpmbuild fakeroot dpkg-deb node npm chromium htpasswd)

log() { printf 'install-test-deps: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || die "must run as root (or have sudo)"
  SUDO=(sudo -n)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q || die "apt-get update failed"
  # Packages must not start services on install (there may be no init system; tests start their own daemons).
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
else
  log "all ${#PACKAGES[@]} packages already installed"
fi

# dpkg can report success while a package is half-configured; verify every package and binary.
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ $status == installed ]] || die "package $p is not installed (status: ${status:-unknown})"
done
for b in "${BINARIES[@]}"; do
  command -v "$b" >/dev/null || [[ -x /usr/sbin/$b || -x /sbin/$b ]] || die "binary $b not found after install"
done

log "ok"
