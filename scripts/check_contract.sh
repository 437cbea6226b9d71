#!/usr/bin/env bash
# Checks the gRPC contract (proto/) with buf (tools/buf, installed by
# scripts/setup.sh from npm):
#   buf lint       the STANDARD style rules, less the exceptions proto/buf.yaml
#                  lists with their reasons;
#   buf breaking   against the last released contract, proto/released.binpb,
#                  with the FILE rules: nothing a generated client or a JSON
#                  client relies on may change or go.
#   scripts/check_contract.sh [--release]
# --release makes the current contract the released one (at a release, once
# the change is meant: a partner's code compiled against the old one must
# keep working, so breaking changes go in a new package, corridor.v2).
set -euo pipefail
cd "$(dirname "$0")/.."
BUF=tools/buf/node_modules/.bin/buf
if [ ! -x "$BUF" ]; then
  ./scripts/setup.sh >/dev/null
fi
cd proto
if [ "${1:-}" = "--release" ]; then
  "../$BUF" build -o released.binpb
  echo "check_contract: proto/released.binpb is now the released contract; commit it"
  exit 0
fi
status=0
if ! "../$BUF" lint; then
  echo "check_contract: buf lint found the problems above (proto/buf.yaml has the rules and" \
    "the exceptions with their reasons): fix them, or add an exception with its reason" >&2
  status=1
fi
if ! "../$BUF" breaking --against released.binpb; then
  echo "check_contract: the contract breaks the released one (above): partners' clients" \
    "would stop compiling or working. Add fields and methods instead of changing them;" \
    "a change meant to break goes in a new package (corridor.v2)" >&2
  status=1
fi
[ $status -eq 0 ] && echo "check_contract: the contract passes buf lint and is compatible with proto/released.binpb"
exit $status
