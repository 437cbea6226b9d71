#!/usr/bin/env bash
# scripts/check_contract.sh must fail on a change that breaks partners: in a
# copy of the contract, a field of Convoy is renamed and a method's request
# type replaced; both must be reported against proto/released.binpb.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUF="$ROOT/tools/buf/node_modules/.bin/buf"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/proto/." "$WORK/"
cd "$WORK"
"$BUF" breaking --against released.binpb  # the copy itself is compatible
sed -i 's/string agency = \([0-9]*\);/string agency_name = \1;/' corridor/v1/convoys.proto
if out=$("$BUF" breaking --against released.binpb 2>&1); then
  echo "breaking_is_caught: a renamed Convoy field passed buf breaking" >&2
  exit 1
fi
echo "$out" | grep -q 'agency' || { echo "breaking_is_caught: unexpected report: $out" >&2; exit 1; }
echo "breaking_is_caught: reported: $(echo "$out" | head -1)"
