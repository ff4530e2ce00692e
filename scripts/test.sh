#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what the tests use, then builds everything (packages
# included) and runs every test.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/install-test-deps.sh
bash p2p/src/test/js/install.sh
# -Ppackages: also builds the jlink runtime, the .deb/.rpm and the agent image (packaging/), which the e2e tests
# install and run (PackagesE2ETest, AgentImageE2ETest).
./mvnw -B -ntp -Ppackages verify "$@"
