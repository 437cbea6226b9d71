#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test
# (unit, integration over real gRPC on loopback, crash tests, the CLI end to
# end) with ctest. Extra arguments go to ctest, e.g. -R Crash.
# CORRIDOR_SANITIZE=1 runs the same suite under AddressSanitizer and
# UndefinedBehaviorSanitizer (its own build in build-asan/); CORRIDOR_SANITIZE=thread
# under ThreadSanitizer (build-tsan/), e.g. with -R to pick the concurrency
# tests (docs/RELIABILITY.md).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
if [ "${CORRIDOR_SANITIZE:-0}" = 1 ]; then
  BUILD_DIR=${BUILD_DIR:-build-asan}
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
elif [ "${CORRIDOR_SANITIZE:-0}" = thread ]; then
  BUILD_DIR=${BUILD_DIR:-build-tsan}
  # A race report fails the test it happens in (exit code 66). The crash
  # tests fork a writer from a process that has threads: allowed here.
  export TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$PWD/tests/tsan.supp:second_deadlock_stack=1:die_after_fork=0}
fi
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" "$@"
