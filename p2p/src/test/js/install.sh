#!/usr/bin/env bash
# Installs the js-libp2p interop peer's modules exactly as pinned in package-lock.json.
# Idempotent (npm ci wipes and reinstalls node_modules); exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "install.sh: node not found (apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "install.sh: npm not found (apt-get install npm)" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
# Prove the harness loads on this Node (polyfill, ESM resolution of every pinned package).
node peer.mjs --check
echo "install.sh: js-libp2p interop peer ready in $(pwd)/node_modules"
