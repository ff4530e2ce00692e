#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what the tests use, then builds and runs every test.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/install-test-deps.sh
bash p2p/src/test/js/install.sh
./mvnw -B -ntp verify "$@"
