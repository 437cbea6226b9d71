#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test
# (unit, integration over real gRPC on loopback, crash tests, the CLI end to
# end) with ctest. Extra arguments go to ctest, e.g. -R Crash.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" "$@"
