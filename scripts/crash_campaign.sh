#!/usr/bin/env bash
# The full crash campaign (docs/RELIABILITY.md): corridord is killed with
# SIGKILL at random moments while writers log every acknowledged write,
# restarted, and at the end checked for lost, duplicated or undelivered
# writes, index agreement and audit journals. CI runs 5 kills as part of
# the test suite; this runs 100 (or --kills=N). Progress goes to stderr.
#   scripts/crash_campaign.sh [--kills=N]
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=100
for arg in "$@"; do
  case "$arg" in
    --kills=*) KILLS="${arg#--kills=}" ;;
    *) echo "crash_campaign: unknown argument $arg; use --kills=N" >&2; exit 2 ;;
  esac
done
./scripts/setup.sh >/dev/null
./scripts/build.sh >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
CORRIDOR_CRASH_KILLS="$KILLS" "$BUILD_DIR/bin/fault_test" --gtest_filter='CrashCampaignTest.*'
