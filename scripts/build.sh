#!/usr/bin/env bash
# Configures (once) and builds everything into build/; binaries land in
# build/bin. Set BUILD_DIR to build elsewhere, CMAKE_BUILD_TYPE to change the
# build type (default RelWithDebInfo).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}"
fi
cmake --build "$BUILD_DIR" -j"$(nproc)"
