#!/usr/bin/env bash
# The fuzzing campaign (docs/RELIABILITY.md): builds the libFuzzer targets
# of tests/fuzz with Debian's clang (coverage, ASan, UBSan) into build-fuzz/
# and runs each for a number of executions, starting from the saved inputs
# of tests/fuzz/corpus/<target>/.
#   scripts/fuzz.sh [--runs=N] [TARGET...]
# N is 1000000 by default (the full campaign); CI runs a short smoke. New
# interesting inputs go to build-fuzz/corpus/<target>/. A crash stops the
# run with the input saved in build-fuzz/crashes/: fix the cause, then copy
# the input into tests/fuzz/corpus/<target>/, where every build replays it
# (ctest -R FuzzRegression).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=1000000
TARGETS=()
for arg in "$@"; do
  case "$arg" in
    --runs=*) RUNS="${arg#--runs=}" ;;
    -*) echo "fuzz: unknown option $arg; use --runs=N and target names" >&2; exit 2 ;;
    *) TARGETS+=("$arg") ;;
  esac
done
ALL=(key_codec page_token write_requests csv_import audit_proof)
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

./scripts/setup.sh >/dev/null
BUILD=build-fuzz
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCORRIDOR_FUZZ=ON -DCORRIDOR_BUILD_TESTS=OFF >/dev/null
fi
echo "fuzz: building ${TARGETS[*]} with clang into $BUILD/ (first build takes minutes)"
cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]/%/_fuzz}" >/dev/null

mkdir -p "$BUILD/crashes"
summary=()
for target in "${TARGETS[@]}"; do
  work="$BUILD/corpus/$target"
  mkdir -p "$work"
  echo "fuzz: $target: $RUNS executions"
  log="$BUILD/$target.log"
  started=$(date +%s.%N)
  # Errors of the code under test, not of the run, are what libFuzzer
  # reports; its progress lines go to the log and every 10th to the screen.
  if ! ASAN_OPTIONS=detect_leaks=1 "$BUILD/bin/${target}_fuzz" -runs="$RUNS" -max_len=4096 \
      -print_final_stats=1 -artifact_prefix="$BUILD/crashes/$target-" \
      "$work" "tests/fuzz/corpus/$target" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: $target FAILED; the input is in $BUILD/crashes/ (above). Reproduce with" >&2
    echo "  $BUILD/bin/${target}_fuzz $BUILD/crashes/$target-<file>" >&2
    echo "then fix the cause and copy the input into tests/fuzz/corpus/$target/." >&2
    exit 1
  fi
  executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  speed=$(awk -v n="$executed" -v s="$seconds" 'BEGIN { printf "%d", (s > 0 ? n / s : n) }')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  summary+=("$(printf '%-15s %10s executions in %6.1f s (%7s/s), coverage %5s edges, 0 crashes' \
    "$target" "$executed" "$seconds" "$speed" "$cov")")
  echo "fuzz: ${summary[-1]}"
done
echo "fuzz: summary (--runs=$RUNS)"
printf '  %s\n' "${summary[@]}"
