#!/usr/bin/env bash
# Configures (once) and builds everything into build/; binaries land in
# build/bin. Set BUILD_DIR to build elsewhere, CMAKE_BUILD_TYPE to change the
# build type (default RelWithDebInfo). CORRIDOR_SANITIZE=1 builds with
# AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/;
# CORRIDOR_SANITIZE=thread with ThreadSanitizer into build-tsan/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CORRIDOR_SANITIZE:-0}" = 1 ]; then
  BUILD_DIR=${BUILD_DIR:-build-asan}
  EXTRA=(-DCORRIDOR_SANITIZE=ON)
elif [ "${CORRIDOR_SANITIZE:-0}" = thread ]; then
  BUILD_DIR=${BUILD_DIR:-build-tsan}
  EXTRA=(-DCORRIDOR_TSAN=ON)
else
  BUILD_DIR=${BUILD_DIR:-build}
  EXTRA=()
fi
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "${EXTRA[@]}"
fi
cmake --build "$BUILD_DIR" -j"$(nproc)"
